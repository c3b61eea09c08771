#!/usr/bin/env bash
# The date rules of case events, the same for the single commands (new, refer, accept, decline,
# return, status) and for case import: no event before the case's previous event (its
# registration, the referral it answers), none more than a day after today. Refusals exit 3
# with one line naming the dates and change nothing. On SQLite, or on PostgreSQL when
# VIGIL_PG_URL is set (tests/pg-run.sh).
. "$(dirname "$0")/lib.sh"
unset VIGIL_USER VIGIL_SETS
[ -n "${VIGIL_PG_URL:-}" ] && export VIGIL_DB=$VIGIL_PG_URL
today=$(date -u +%F)
tomorrow=$(date -u -d tomorrow +%F)
later=$(date -u -d '+3 days' +%F)
# refused DESC PATTERN CMD...: exit 3 and one stderr line matching PATTERN
refused() {
  local d=$1 pat=$2 rc; shift 2
  "$@" >"$T/out" 2>"$T/err"; rc=$?
  is "$d: exit 3" "$rc" "3"
  like "$d: one line naming the dates" "$(cat "$T/err")$( [ "$(wc -l <"$T/err")" = 1 ] || echo ' (not one line)')" "$pat"
}
status_of() { vigil case show "$1" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'; }

check "units" bash -c "'$VIGIL' unit add NAT --name N --type national && '$VIGIL' unit add R01 --name R --type regional"
check "case new in 2010" vigil case new --unit NAT --type possession --at 2010-03-01
refused "case new in 9999" "date 9999-01-01 is in the future \(today is $today\)" \
  vigil case new --unit NAT --type possession --at 9999-01-01
refused "case new three days ahead" "date $later is in the future" vigil case new --unit NAT --type possession --at "$later"
refused "refer before the registration" "case 1: date 2009-12-31 is before the case's previous event \(2010-03-01\)" \
  vigil case refer 1 --to R01 --at 2009-12-31
refused "refer in 9999" "case 1: date 9999-01-01 is in the future" vigil case refer 1 --to R01 --at 9999-01-01
check "refer in 2010" vigil case refer 1 --to R01 --at 2010-03-05
refused "accept in 9999" "case 1: date 9999-01-01 is in the future" vigil case accept 1 --at 9999-01-01
is "the case is still referred" "$(status_of 1)" "referred"
check "accept in 2010" vigil case accept 1 --at 2010-03-06
refused "status before the acceptance" "case 1: date 2010-03-01 is before the case's previous event \(2010-03-06\)" \
  vigil case status 1 investigating --at 2010-03-01
refused "status in 9999" "case 1: date 9999-01-01 is in the future" vigil case status 1 investigating --at 9999-01-01
refused "return in 9999" "case 1: date 9999-01-01 is in the future" vigil case return 1 --reason capacity --at 9999-01-01
is "the case is still accepted" "$(status_of 1)" "accepted"
check "status tomorrow (a day of tolerance)" vigil case status 1 investigating --at "$tomorrow"
check "a second case, referred" bash -c "'$VIGIL' case new --unit NAT --type grooming --at 2011-01-01 >/dev/null &&
  '$VIGIL' case refer 2 --to R01 --at 2011-01-02"
refused "decline in 9999" "case 2: date 9999-01-01 is in the future" vigil case decline 2 --reason capacity --at 9999-01-01
is "the second case is still referred" "$(status_of 2)" "referred"
like "stats: the accepted referral took a day" "$(vigil stats --format json --now "$today")" '"total":\{[^}]*"median_days":1,'

# the importer: the same rules, the same words
printf 'record,ref,date,unit,value,note\ncase,A,2010-01-01,NAT,possession,\naccept,A,9999-01-01,,,\n' >"$T/future.csv"
refused "import: an event in 9999" "future.csv:3: date 9999-01-01 is in the future \(today is $today\)" \
  vigil case import "$T/future.csv"
printf 'record,ref,date,unit,value,note\ncase,A,2010-01-05,NAT,possession,\nrefer,A,2010-01-01,R01,,\n' >"$T/early.csv"
refused "import: an event before the registration" \
  "early.csv:3: date 2010-01-01 is before the case's previous event \(2010-01-05\)" vigil case import "$T/early.csv"
printf 'record,ref,date,unit,value,note\ncase,A,9999-01-01,NAT,possession,\n' >"$T/newfuture.csv"
refused "import: a case registered in 9999" "newfuture.csv:2: date 9999-01-01 is in the future" \
  vigil case import "$T/newfuture.csv"
is "nothing imported: still two cases" "$(vigil case list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" "2"
done_testing
