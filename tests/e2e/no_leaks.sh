#!/usr/bin/env bash
# No leaks between units: for every case verb, an officer of R05 acting on R01's case (in each
# state of its lifecycle) and on an id that does not exist gets the same stderr, byte for byte
# once the id typed is masked, and the same exit status; an analyst too. The repeat_suspect factor
# of R05's own case counts only cases R05 may see, with at most a "seen elsewhere" flag.
# On SQLite, or on PostgreSQL when VIGIL_PG_URL is set (tests/pg-run.sh). Prints TAP.
. "$(dirname "$0")/lib.sh"
[ -n "${VIGIL_PG_URL:-}" ] && export VIGIL_DB=$VIGIL_PG_URL
unset VIGIL_USER
cd "$T"

setup() {
  vigil unit add NAT --name "National unit" --type national >/dev/null &&
    vigil unit add R01 --name "Region 1" --type regional >/dev/null &&
    vigil unit add R02 --name "Region 2" --type regional >/dev/null &&
    vigil unit add R05 --name "Region 5" --type regional >/dev/null &&
    vigil user add r1 --unit R01 --role officer >/dev/null && vigil user add r2 --unit R02 --role officer >/dev/null &&
    vigil user add r5 --unit R05 --role officer >/dev/null && vigil user add nat --unit NAT --role officer >/dev/null &&
    vigil user add ana --role analyst >/dev/null
}
newcase() { vigil case new --unit "$1" --type possession --at 2006-01-05 --as "$2" "${@:3}"; }
check "units and users" setup

# R01's cases, one in each state a verb may meet.
registered=$(newcase R01 r1 --suspect S-1)
referred=$(newcase R01 r1) && vigil case refer "$referred" --to R02 --at 2006-01-06 --as r1 >/dev/null
accepted=$(newcase R01 r1) && vigil case refer "$accepted" --to R02 --at 2006-01-06 --as r1 >/dev/null &&
  vigil case accept "$accepted" --at 2006-01-07 --as r2 >/dev/null
investigating=$(newcase R01 r1 --suspect S-1) && vigil case status "$investigating" investigating --as r1 >/dev/null
closed=$(newcase R01 r1) && vigil case status "$closed" closed --outcome duplicate --as r1 >/dev/null
declined=$(newcase R01 r1) && vigil case refer "$declined" --to R02 --at 2006-01-06 --as r1 >/dev/null &&
  vigil case decline "$declined" --reason capacity --at 2006-01-07 --as r2 >/dev/null
# R05's own cases: one names S-1 (also in two of R01's cases), one of its own names S-1 too.
own=$(newcase R05 r5 --suspect S-1 --suspect S-5)
own2=$(newcase R05 r5 --suspect S-1)
is "R01's and R05's cases registered" "$registered $referred $accepted $investigating $closed $declined $own $own2" \
  "1 2 3 4 5 6 7 8"
is "R05 lists only its own cases" "$(vigil case list --as r5 --format json | python3 -c 'import json,sys; print([c["id"] for c in json.load(sys.stdin)])')" "[$own, $own2]"
missing=987654

# verb ARGS... with CASE where the id goes
verbs=(
  "show CASE"
  "show CASE --format json"
  "accept CASE"
  "decline CASE --reason capacity"
  "return CASE --reason capacity"
  "refer CASE --to R02"
  "refer CASE --to R05"
  "status CASE investigating"
  "status CASE closed --outcome duplicate"
  "signal CASE network 1"
)
# run USER ID VERB...: "exit status" then stderr with the id masked, into the named file
run_as() {
  local out=$1 user=$2 id=$3; shift 3
  local args=() a
  for a in $1; do [ "$a" = CASE ] && args+=("$id") || args+=("$a"); done
  vigil case "${args[@]}" --as "$user" >/dev/null 2>"$out.err"
  echo "exit $?" >"$out"
  sed "s/\b$id\b/ID/g" "$out.err" >>"$out"
}
before=$(vigil case list --format json; vigil audit verify)
for user in r5 ana; do
  for v in "${verbs[@]}"; do
    run_as "$T/missing" "$user" "$missing" "$v"
    for id in $registered $referred $accepted $investigating $closed $declined; do
      run_as "$T/hidden" "$user" "$id" "$v"
      if [ "$(head -1 "$T/hidden")" != "exit 3" ] || [ "$(wc -l <"$T/hidden.err")" -ne 1 ]; then
        not_ok "$user: case $v on R01's case $id is refused with one line, exit 3"
        sed 's/^/#   /' "$T/hidden"
      elif diff -u "$T/missing" "$T/hidden" >"$T/diff"; then
        ok "$user: case $v: R01's case $id and an unknown id get the same answer"
      else
        not_ok "$user: case $v: R01's case $id and an unknown id get the same answer"
        sed 's/^/#   /' "$T/diff"
      fi
    done
  done
done
is "the refusal's wording" "$(cat "$T/missing.err")" \
  "vigil: case $missing: no such case, or not visible to user 'ana' (analysts see statistics only)"
run_as "$T/missing" r5 "$missing" "accept CASE"
is "the refusal's wording for an officer" "$(cat "$T/missing.err")" \
  "vigil: case $missing: no such case, or not visible to user 'r5'"
is "the refusals changed nothing" "$(vigil case list --format json; vigil audit verify)" "$before"
run_as "$T/nat" nat "$missing" "accept CASE"
is "the national unit, which sees every case, is told the id is unknown" "$(cat "$T/nat.err")" \
  "vigil: unknown case $missing"
run_as "$T/seen" r2 "$declined" "accept CASE"
like "a unit that sees the case (a referral was addressed to it) is told its state" "$(cat "$T/seen.err")" \
  "case $declined is registered: it has no pending referral"
run_as "$T/sender" r1 "$referred" "accept CASE"
is "the sending unit sees its case but may not answer the referral" "$(cat "$T/sender.err")" \
  "vigil: case accept: not allowed for user 'r1' (not this user's unit)"

# repeat_suspect: R05's own case. S-1 is in R05's other case (seen) and in two of R01's (hidden).
factors() { vigil case show "$own" --format json --as "$1" |
  python3 -c 'import json,sys; print(sorted((f["name"], f["value"], f["weight"]) for f in json.load(sys.stdin)["factors"] if "suspect" in f["name"]))'; }
is "repeat_suspect for R05 counts only R05's cases, with the flag for the rest" "$(factors r5)" \
  "[('repeat_suspect', 1, 15), ('suspect_seen_elsewhere', 1, 0)]"
like "the text view says to ask the national unit" "$(vigil case show "$own" --as r5)" \
  "also named in cases of other units: ask the national unit"
is "the national unit sees the full count, no flag" "$(factors nat)" "[('repeat_suspect', 3, 15)]"
prio() { vigil case show "$own" --format json --as "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["priority"])'; }
is "R05's priority has no contribution from R01's cases" "$(prio r5)" "15.0"
# After R01 refers its S-1 case to R05, R05 may see it: it counts, no longer hidden for that one.
vigil case refer "$registered" --to R05 --at 2006-01-08 --as r1 >/dev/null
is "a case referred to R05 becomes visible and counts" "$(factors r5)" \
  "[('repeat_suspect', 2, 15), ('suspect_seen_elsewhere', 1, 0)]"

done_testing
