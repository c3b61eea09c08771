#!/usr/bin/env bash
# The known-hash sets under the access policy: analysts and regional officers are refused
# import, replace, remove, dispute and undispute (exit 3, nothing changes, nothing is logged,
# the entries still match); national officers and admins may, each change an event under the
# user's name; an unknown --as is refused; a set's kind changes only with --change-kind;
# $VIGIL_CONFIG widens or narrows who may do what; set names are checked. On SQLite, or with
# the registry in PostgreSQL when VIGIL_PG_URL is set (tests/pg-run.sh).
. "$(dirname "$0")/lib.sh"
F=$TESTDATA/hashsets/files
PG=${VIGIL_PG_URL:-}
cd "$T" || exit 1
if [ -n "$PG" ]; then
  export VIGIL_DB=$PG
  export VIGIL_SETS=$T/sets.db
fi
unset VIGIL_USER VIGIL_CONFIG
sql() {
  if [ -n "$PG" ]; then psql -q -X -A -t -h "$PG_HOST" -U vigil -d vigiltest -c "$1"
  else sqlite3 "$VIGIL_DB" "$1"; fi
}
nevents() { sql "SELECT count(*) FROM audit WHERE action LIKE 'hashset.%'"; }
last_event() { sql "SELECT action || '|' || who || '|' || object || '|' || coalesce(detail, '') FROM audit ORDER BY seq DESC LIMIT 1"; }
# "name kind entries version" of every set
sets() { vigil hashset list | awk 'NR > 1 {print $1, $2, $3, $4}' | tr '\n' ';'; }
illegal_found() { vigil scan --quiet --jsonl "$T/s.jsonl" "$T/seized" >/dev/null 2>&1; jl "$T/s.jsonl" "summary['illegal']"; }
hs() { local verb=$1 who=$2; shift 2; vigil hashset "$verb" --as "$who" "$@"; }

mkdir -p "$T/seized"
cp "$F/hello.txt" "$F/lorem.txt" "$T/seized/"
md5sum "$T/seized/hello.txt" "$T/seized/lorem.txt" >"$T/known.md5"
md5sum "$T/seized/hello.txt" >"$T/one.md5"
hello=$(md5sum "$T/seized/hello.txt" | cut -d' ' -f1)
lorem=$(md5sum "$T/seized/lorem.txt" | cut -d' ' -f1)

vigil unit add NAT --name "National unit" --type national >/dev/null &&
  vigil unit add R01 --name "Region 1" --type regional >/dev/null &&
  vigil user add nat-1 --unit NAT --role officer >/dev/null &&
  vigil user add reg-1 --unit R01 --role officer >/dev/null &&
  vigil user add ana-1 --unit NAT --role analyst >/dev/null &&
  vigil user add adm-1 --role admin >/dev/null
check "registry: units and users" test $? -eq 0

check "national officer: import" hs import nat-1 --name known --kind illegal "$T/known.md5"
like "import: an event under the officer's name" "$(last_event)" "^hashset.import\|nat-1\|known\|kind=illegal version=1"
like "provenance: imported by the officer" "$(vigil hashset list --json)" '"imported_by":"nat-1"'
check "national officer: dispute lorem" hs dispute nat-1 "$lorem" --reason "a text file" --set known
is "both listed, lorem disputed: one match" "$(illegal_found)" "1"

# refused: analysts (of the national unit too) and regional officers
before_sets=$(sets)
before_events=$(nevents)
for u in ana-1 reg-1; do
  out=$(hs import $u --name more --kind illegal "$T/one.md5" 2>&1); rc=$?
  is "$u: import refused (3)" "$rc" "3"
  like "$u: import refused, naming the user and the change" "$out" "hashset import: not allowed for user '$u'"
  out=$(hs import $u --name known --kind illegal --replace "$T/one.md5" 2>&1); rc=$?
  is "$u: replace refused (3)" "$rc" "3"
  like "$u: replace refused, naming the change" "$out" "hashset replace: not allowed for user '$u'"
  out=$(hs remove $u known 2>&1); rc=$?
  is "$u: remove refused (3)" "$rc" "3"
  like "$u: remove refused, naming the change" "$out" "hashset remove: not allowed for user '$u'"
  out=$(hs dispute $u "$hello" --reason "mine" 2>&1); rc=$?
  is "$u: dispute refused (3)" "$rc" "3"
  like "$u: dispute refused, naming the change" "$out" "hashset dispute: not allowed for user '$u'"
  out=$(hs undispute $u "$lorem" 2>&1); rc=$?
  is "$u: undispute refused (3)" "$rc" "3"
  like "$u: undispute refused, naming the change" "$out" "hashset undispute: not allowed for user '$u'"
done
out=$(hs remove nobody-here known 2>&1); rc=$?
is "--as an unknown user: refused (3)" "$rc" "3"
like "--as an unknown user: says so" "$out" "unknown user 'nobody-here'"
is "after the refusals: the sets are unchanged" "$(sets)" "$before_sets"
is "after the refusals: no event" "$(nevents)" "$before_events"
is "after the refusals: hello still matches, lorem still disputed" "$(illegal_found)" "1"
is "after the refusals: lorem's dispute is still active" "$(vigil hashset disputes | grep -c "^$lorem .* yes ")" "1"
out=$(vigil --sets "$T/fresh.db" hashset import --as ana-1 --name x --kind benign "$T/one.md5" 2>&1); rc=$?
is "a refused import creates no store" "$rc/$(test -e "$T/fresh.db" && echo created || echo none)" "3/none"

# allowed: the national officer and an admin, each change under their name
check "national officer: undispute" hs undispute nat-1 "$lorem"
like "undispute: the officer's event" "$(last_event)" "^hashset.undispute\|nat-1\|$lorem\|lifted=1"
check "national officer: replace" hs import nat-1 --name known --kind illegal --replace "$T/known.md5"
like "replace: the officer's event" "$(last_event)" "^hashset.replace\|nat-1\|known\|kind=illegal version=2"
check "admin: dispute" hs dispute adm-1 "$hello" --reason "a greeting"
like "dispute: the admin's event" "$(last_event)" "^hashset.dispute\|adm-1\|$hello\|set=\* reason=a greeting"
is "hello disputed: lorem alone matches" "$(illegal_found)" "1"
check "admin: undispute" hs undispute adm-1 "$hello"
like "undispute: the admin's event" "$(last_event)" "^hashset.undispute\|adm-1\|$hello"
check "admin: import" hs import adm-1 --name extra --kind benign "$T/one.md5"
like "import: the admin's event" "$(last_event)" "^hashset.import\|adm-1\|extra\|kind=benign"
check "national officer: remove" hs remove nat-1 extra
like "remove: the officer's event" "$(last_event)" "^hashset.remove\|nat-1\|extra\|kind=benign"
is "both match again" "$(illegal_found)" "2"

# a set's kind is part of its version
before_events=$(nevents)
out=$(hs import nat-1 --name known --kind benign --replace "$T/known.md5" 2>&1); rc=$?
is "replace with another kind: refused (3)" "$rc" "3"
like "replace with another kind: names both kinds and the option" "$out" \
  "hash set 'known' is illegal; replacing it as benign would change its kind.*--change-kind"
is "replace with another kind: the set is unchanged" "$(sets)" "known illegal 2 2;"
is "replace with another kind: no event" "$(nevents)" "$before_events"
is "replace with another kind: both still match" "$(illegal_found)" "2"
out=$(hs import ana-1 --name known --kind benign --replace --change-kind "$T/known.md5" 2>&1); rc=$?
is "--change-kind by an analyst: refused (3)" "$rc" "3"
check "--change-kind by the national officer" hs import nat-1 --name known --kind benign --replace --change-kind "$T/known.md5"
like "the kind change in the event: new and previous kind" "$(last_event)" \
  "^hashset.replace\|nat-1\|known\|kind=benign previous_kind=illegal version=3"
is "the set is benign now: nothing illegal matches" "$(illegal_found)" "0"
is "each version keeps the kind it had" \
  "$(vigil hashset list --json | python3 -c "import json,sys; print([(v['version'], v['kind']) for s in json.load(sys.stdin) for v in s['versions']])")" \
  "[(1, 'illegal'), (2, 'illegal'), (3, 'benign')]"

# the policy from $VIGIL_CONFIG
printf '# disputes also by analysts; only admins remove\nhashset.dispute = admin national analyst\nhashset.remove = admin\n' >"$T/policy.conf"
export VIGIL_CONFIG=$T/policy.conf
check "config: an analyst may dispute" hs dispute ana-1 "$hello" --reason "a greeting"
like "config: the analyst's event" "$(last_event)" "^hashset.dispute\|ana-1\|$hello"
out=$(hs undispute ana-1 "$hello" 2>&1); rc=$?
is "config: undispute is still for admins and national officers (3)" "$rc" "3"
out=$(hs remove nat-1 known 2>&1); rc=$?
is "config: a national officer may not remove (3)" "$rc" "3"
like "config: the refusal says who may" "$out" "hashset remove: not allowed for user 'nat-1' .*allowed: admin\)"
check "config: an admin removes" hs remove adm-1 known
printf 'hashset.dispute = admin wizard\n' >"$T/bad.conf"
out=$(VIGIL_CONFIG=$T/bad.conf vigil hashset dispute --as nat-1 "$hello" --reason r 2>&1); rc=$?
is "config: an unknown role is refused (3)" "$rc" "3"
like "config: ... naming the file and line" "$out" "bad.conf:1: hashset.dispute: 'wizard' is not admin, national"
printf 'hashset.delete = admin\n' >"$T/bad.conf"
out=$(VIGIL_CONFIG=$T/bad.conf vigil hashset undispute --as nat-1 "$hello" 2>&1); rc=$?
like "config: an unknown change is refused" "$rc:$out" "^3:.*bad.conf:1: unknown key 'hashset.delete'"
unset VIGIL_CONFIG

# set names
before_events=$(nevents)
before_sets=$(sets)
name5000=$(head -c 5000 /dev/zero | tr '\0' a)
for spec in "newline|$(printf 'a\nb')|control character" "../x|../x|no '/'" "5000 characters|$name5000|5000 bytes long, the most is 128" \
            "empty||empty" "tab|$(printf 'a\tb')|control character" "a leading dot|.hidden|may not start with '.'"; do
  IFS='|' read -r what name rule <<<"$spec"
  [ "$what" = newline ] && name=$(printf 'a\nb')
  out=$(hs import nat-1 --name "$name" --kind illegal "$T/one.md5" 2>&1); rc=$?
  is "set name ($what): refused (3)" "$rc" "3"
  like "set name ($what): the rule named" "$out" "^vigil: hash set name.*$rule"
done
is "bad names: no set made" "$(sets)" "$before_sets"
is "bad names: no event" "$(nevents)" "$before_events"
check "a name with spaces, dots and digits is fine" hs import nat-1 --name "Project VIC 2.0 (test)" --kind illegal "$T/one.md5"
like "audit verify: intact" "$(vigil audit verify 2>&1)" "chain intact"
done_testing
