#!/usr/bin/env bash
# Changes to the hash sets in the audit log: an import, a replace, a dispute, an undispute and a
# remove each leave one event, as the registry user who made them (--as); refusals leave none; audit verify
# checks them with the case events and finds an edited one. On SQLite (--db FILE holds both) or,
# when VIGIL_PG_URL is set (tests/pg-run.sh), with the registry and the log in PostgreSQL and
# the sets in a local file (./vigil-sets.db by default, or --sets / $VIGIL_SETS).
. "$(dirname "$0")/lib.sh"
F=$TESTDATA/hashsets/files
PG=${VIGIL_PG_URL:-}
cd "$T" || exit 1
if [ -n "$PG" ]; then
  export VIGIL_DB=$PG
  SETS=$T/vigil-sets.db
else
  SETS=$VIGIL_DB
fi
unset VIGIL_SETS
unset VIGIL_USER
sql() { # statement: read or tamper with the audit log directly
  if [ -n "$PG" ]; then psql -q -X -A -t -h "$PG_HOST" -U vigil -d vigiltest -c "$1"
  else sqlite3 "$VIGIL_DB" "$1"; fi
}
events() { sql "SELECT action || '|' || who || '|' || object || '|' || coalesce(detail, '') FROM audit ORDER BY seq"; }
count() { sql "SELECT count(*) FROM audit WHERE action LIKE 'hashset.%'"; }
# the registry as its admin; the hash-set changes as officer-7, an officer of the national unit
admin() { "$VIGIL" "$@"; }
hs() { local verb=$1; shift; vigil hashset "$verb" --as officer-7 "$@"; }

mkdir -p "$T/seized"
cp "$F/hello.txt" "$F/lorem.txt" "$T/seized/"
md5sum "$T/seized/hello.txt" "$T/seized/lorem.txt" >"$T/known.md5"
hello=$(md5sum "$T/seized/hello.txt" | cut -d' ' -f1)

# case events first (the new registry's admin, then a unit), so that the set events chain onto the registry's own
check "unit add (a case registry event)" admin unit add NAT --name "National unit" --type national
check "user add officer-7" admin user add officer-7 --unit NAT --role officer
check "import" hs import --name known --kind illegal "$T/known.md5"
check "import --replace" hs import --name known --kind illegal --replace "$T/known.md5"
check "dispute" hs dispute "$(echo "$hello" | tr a-f A-F)" --reason "a greeting, wrongly listed" --set known
check "undispute" hs undispute "$hello"
check "import a second set" hs import --name other --kind benign "$T/known.md5"
check "remove" hs remove other

ev=$(events)
is "one event per change, in order" "$(printf '%s\n' "$ev" | cut -d'|' -f1 | tr '\n' ' ')" \
  "user.add unit.add user.add hashset.import hashset.replace hashset.dispute hashset.undispute hashset.import hashset.remove "
like "import: who, set, kind, version and counts" "$ev" \
  "hashset.import\|officer-7\|known\|kind=illegal version=1 entries=2 records=2 added=2 duplicates=0 skipped=0 rejected=0"
like "replace: the new version" "$ev" "hashset.replace\|officer-7\|known\|kind=illegal version=2 entries=2"
like "dispute: the digest in lower case, set and reason" "$ev" \
  "hashset.dispute\|officer-7\|$hello\|set=known reason=a greeting, wrongly listed"
like "undispute: how many disputes were lifted" "$ev" "hashset.undispute\|officer-7\|$hello\|lifted=1"
like "remove: what the set was" "$ev" "hashset.remove\|officer-7\|other\|kind=benign version=1 entries=2"
like "audit verify: intact with the set events" "$(admin audit verify 2>&1)" "audit: 9 events, chain intact"

# refusals change nothing and record nothing
out=$(hs remove nosuch 2>&1); rc=$?
is "remove of an unknown set: refused (3)" "$rc" "3"
out=$(hs undispute "$hello" 2>&1); rc=$?
is "undispute without an active dispute: refused (3)" "$rc" "3"
out=$(hs dispute "$hello" --reason r --set nosuch 2>&1); rc=$?
is "dispute for an unknown set: refused (3)" "$rc" "3"
out=$(hs import --name known --kind illegal "$T/known.md5" 2>&1); rc=$?
is "import over an existing set without --replace: refused (3)" "$rc" "3"
is "refusals leave no event" "$(count)" "6"

# where the sets live
if [ -n "$PG" ]; then
  check "--db URL: the sets are in ./vigil-sets.db" test -s "$T/vigil-sets.db"
  check "--db URL: no file named after the URL" test ! -e "$T/postgresql:"
  like "scan finds the sets in ./vigil-sets.db" "$(vigil scan --quiet --jsonl "$T/s.jsonl" "$T/seized" >/dev/null; \
    jl "$T/s.jsonl" "summary['illegal']")" "^2$"
  check "--sets PATH: another catalog" vigil --sets "$T/lab.db" hashset import --as officer-7 --name lab --kind benign "$T/known.md5"
  check "VIGIL_SETS: the same catalog" bash -c "VIGIL_SETS=\"$T/lab.db\" \"$VIGIL\" hashset list | grep -q '^lab '"
  is "the lab set is not in ./vigil-sets.db" "$(vigil hashset list | grep -c '^lab ')" "0"
  is "its import is in the registry's log all the same" "$(count)" "7"
else
  check "--sets PATH: a catalog in another file" vigil --sets "$T/lab.db" hashset import --as officer-7 --name lab --kind benign "$T/known.md5"
  is "its import is in the --db file's log" "$(count)" "7"
  is "the lab catalog holds no audit log" "$(sqlite3 "$T/lab.db" "SELECT count(*) FROM sqlite_master WHERE name = 'audit'")" "0"
fi
like "audit verify: still intact" "$(admin audit verify 2>&1)" "audit: 10 events, chain intact"

# an edited set event is caught
if [ -n "$PG" ]; then
  sql "DROP TRIGGER audit_no_update ON audit" >/dev/null
else
  sql "DROP TRIGGER audit_no_update"
fi
sql "UPDATE audit SET detail = 'set=known reason=nothing to see' WHERE action = 'hashset.dispute'" >/dev/null
out=$(admin audit verify 2>&1); rc=$?
is "audit verify: an edited dispute event, exit 1" "$rc" "1"
like "audit verify: names it" "$out" "event 6 \(hashset.dispute $hello\) was altered"
is "the sets are in $(basename "$SETS")" "$(vigil hashset list | awk 'NR > 1 {print $1}' | tr '\n' ' ')" "known "
done_testing
