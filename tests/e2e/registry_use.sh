#!/usr/bin/env bash
# The registry as the units use it: a case's own reference, an import run twice, the whole
# history in case show, case list with reference, title and filters, one-line confirmations,
# audit list within what each user may see, the stats table, and a schema-2 registry that
# upgrades. On SQLite, or on PostgreSQL when VIGIL_PG_URL is set (tests/pg-run.sh).
. "$(dirname "$0")/lib.sh"
unset VIGIL_USER VIGIL_SETS
PG=${VIGIL_PG_URL:-}
if [ -n "$PG" ]; then
  export VIGIL_DB=$PG
  me=vigil
  sql() { psql -q -X -A -t -h "$PG_HOST" -U vigil -d vigiltest -c "$1"; }
else
  me=$(id -un)
  sql() { sqlite3 "$VIGIL_DB" "$1"; }
fi
# refused DESC STATUS PATTERN CMD...: that exit status and one stderr line matching PATTERN
refused() {
  local d=$1 want=$2 pat=$3 rc; shift 3
  "$@" >"$T/out" 2>"$T/err"; rc=$?
  is "$d: exit $want" "$rc" "$want"
  like "$d: one line" "$(cat "$T/err")$( [ "$(wc -l <"$T/err")" = 1 ] || echo ' (not one line)')" "$pat"
}
count() { sql "SELECT count(*) FROM $1"; }

open_registry   # the first command makes the caller admin, on stderr
is "unit add confirms" "$(vigil unit add R01 --name "Region one" --type regional)" "unit R01 added (regional)"
vigil unit add R05 --name "Region five" --type regional >/dev/null
vigil unit add NAT --name National --type national >/dev/null
vigil unit add REGIONAL-UNIT-WITH-A-LONG-CODE --name "Long" --type regional >/dev/null
is "user add confirms" "$(vigil user add r1 --role officer --unit R01)" "user r1 added (officer of R01)"
vigil user add r5 --role officer --unit R05 >/dev/null

# --- case new: the unit's own reference, id on stdout, confirmation on stderr ---
id=$(vigil case new --unit R01 --type possession --ref R01/2026/7 --title "Seized laptop" --at 2026-09-01 2>"$T/err")
is "case new: the id alone on stdout" "$id" "1"
is "case new: its confirmation on stderr" "$(cat "$T/err")" "case 1 registered for R01, reference R01/2026/7"
refused "case new: a reference the unit already has" 3 "unit R01 already has a case with reference 'R01/2026/7'" \
  vigil case new --unit R01 --type grooming --ref R01/2026/7
check "case new: another unit may use the same reference" vigil case new --unit R05 --type grooming --ref R01/2026/7
refused "case new: a reference with a comma" 3 "reference 'a,b'" vigil case new --unit R01 --type grooming --ref a,b
is "refused references stored nothing" "$(count cases)" "2"

# --- confirmations and the whole history ---
is "refer confirms with the due date" "$(vigil case refer 1 --to R05 --at 2026-09-10 --due 2026-10-11)" \
  "case 1 referred to R05, due 2026-10-11"
is "accept confirms" "$(vigil case accept 1 --as r5 --at 2026-09-12)" "case 1 accepted by R05"
is "return confirms" "$(vigil case return 1 --as r5 --reason capacity --at 2026-09-20)" \
  "case 1 returned by R05 (capacity), back with R01"
is "status confirms" "$(vigil case status 1 investigating --as r1 --at 2026-09-21)" "case 1 is now investigating"
vigil case show 1 --format json >"$T/show.json"
is "case show: history in order, with who, the acceptance kept after the return" \
  "$(python3 -c 'import json,sys; print(" | ".join(e["event"] + " " + e["who"] + " " + e["at"][:10] for e in json.load(open(sys.argv[1]))["history"]))' "$T/show.json")" \
  "registered $me 2026-09-01 | referred $me 2026-09-10 | accepted r5 2026-09-12 | returned r5 2026-09-20 | status r1 2026-09-21"
is "case show: the reference" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ref"])' "$T/show.json")" "R01/2026/7"
like "case show (text): the history section" "$(vigil case show 1)" "history:.*
.*2026-09-12T00:00:00Z  accepted .* r5 .*by R05
.*2026-09-20T00:00:00Z  returned .* r5 .*by R05: capacity"

# --- case list: reference and title, filters by status, unit and reason ---
vigil case new --unit R05 --type production --title "Second" --at 2026-09-02 2>/dev/null >/dev/null
vigil case refer 3 --to R01 --at 2026-09-03 >/dev/null
vigil case decline 3 --as r1 --reason jurisdiction --at 2026-09-04 >/dev/null
list=$(vigil case list)
like "case list: header with REF and TITLE" "$(echo "$list" | head -1)" "^ID +REF +TYPE .*TITLE$"
like "case list: reference and title of a case" "$list" "
1 +R01/2026/7 +possession +investigating .* Seized laptop"
ids() { vigil case list --format json "$@" | python3 -c 'import json,sys; print(" ".join(str(c["id"]) for c in json.load(sys.stdin)))'; }
is "case list --reason capacity" "$(ids --reason capacity)" "1"
is "case list --reason jurisdiction" "$(ids --reason jurisdiction)" "3"
is "case list --status investigating" "$(ids --status investigating)" "1"
is "case list --unit R05" "$(ids --unit R05)" "2 3"
is "case list --unit R05 --reason jurisdiction" "$(ids --unit R05 --reason jurisdiction)" "3"
long=$(python3 -c "print('a' * 126 + '\u00e9' * 3)")
vigil case new --unit R01 --type possession --title "$long" >/dev/null 2>&1
is "case list: a long title cut at 127 bytes, between characters" \
  "$(vigil case list --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["title"])')" "$(printf 'a%.0s' $(seq 126))"
refused "case list: unknown reason" 3 "unknown reason 'colour'" vigil case list --reason colour

# --- case import twice: the second changes nothing; a conflicting row names its line ---
cat >"$T/hist.csv" <<'EOF'
record,ref,date,unit,value,note
case,A-1,2025-01-02,R01,possession,Old case one
suspect,A-1,,,S-9,
refer,A-1,2025-01-03,R05,,
accept,A-1,2025-01-04,,,
return,A-1,2025-01-10,,capacity,
case,A-2,2025-02-01,R05,grooming,
status,A-2,2025-02-03,,investigating,
status,A-2,2025-02-07,,closed,prosecuted
case,A-3,2025-03-01,NAT,network,
refer,A-3,2025-03-02,R01,2025-04-01,
case,A-4,2025-03-05,R01,distribution,
case,A-5,2025-03-06,R05,possession,
case,A-6,2025-03-07,R01,grooming,Six
EOF
like "import: six new" "$(vigil case import "$T/hist.csv")" "14 lines: 6 new, 0 unchanged; 2 referrals, 2 answers imported"
before=$(count cases)/$(count referrals)/$(count case_events)/$(count suspects)
vigil case list --format json >"$T/list1.json"
like "import again: nothing new" "$(vigil case import "$T/hist.csv")" "0 new, 6 unchanged; 0 referrals, 0 answers imported"
is "import again: no case, referral, history or suspect added" \
  "$(count cases)/$(count referrals)/$(count case_events)/$(count suspects)" "$before"
vigil case list --format json >"$T/list2.json"
check "import again: case list unchanged" cmp -s "$T/list1.json" "$T/list2.json"
is "an imported case carries the file's reference" "$(sql "SELECT ref FROM cases WHERE title = 'Six'")" "A-6"
vigil case show "$(sql "SELECT id FROM cases WHERE ref = 'A-1'")" --format json >"$T/a1.json"
is "an imported case has its history, acceptance kept after the return" \
  "$(python3 -c 'import json,sys; print(" ".join(e["event"] for e in json.load(open(sys.argv[1]))["history"]))' "$T/a1.json")" \
  "registered referred accepted returned"
sed 's/^case,A-6,2025-03-07,R01,grooming,Six$/case,A-6,2025-03-07,R01,grooming,Seven/' "$T/hist.csv" >"$T/title.csv"
refused "import: a title that differs from the stored one" 3 "title.csv:14: case A-6 of R01 is stored .*differently: title 'Seven', stored 'Six'" \
  vigil case import "$T/title.csv"
sed 's/^return,A-1,2025-01-10,,capacity,$/return,A-1,2025-01-10,,duplicate,/' "$T/hist.csv" >"$T/reason.csv"
refused "import: an answer that differs names its line" 3 "reason.csv:6: case A-1 of R01 .*returned on 2025-01-10 \(capacity\)" \
  vigil case import "$T/reason.csv"
{ cat "$T/hist.csv"; echo "case,A-7,2025-04-01,R01,possession,New one"; } >"$T/more.csv"
sed -i 's/^case,A-4,2025-03-05,R01,distribution,$/case,A-4,2025-03-05,R01,production,/' "$T/more.csv"
refused "import: a new case beside a conflicting one: all or nothing" 3 "more.csv:12: .*offence type production, stored distribution" \
  vigil case import "$T/more.csv"
is "... and nothing was stored" "$(count cases)/$(count referrals)/$(count case_events)/$(count suspects)" "$before"
sed -i 's/^case,A-4,2025-03-05,R01,production,$/case,A-4,2025-03-05,R01,distribution,/' "$T/more.csv"
like "import: the new case of a grown file, the rest unchanged" "$(vigil case import "$T/more.csv")" "1 new, 6 unchanged"
check "audit verify after the imports" vigil audit verify

# --- audit list: who did what, within what each may see ---
vigil audit list --format json >"$T/all.json"
aj() { python3 -c "import json,sys; v=json.load(open(sys.argv[1])); print($2)" "$1"; }
like "audit list (admin): unit and user events too" "$(aj "$T/all.json" '" ".join(sorted(set(e["object"].split(":")[0] for e in v)))')" "unit.*user"
is "audit list --object case:1: only that case, in order" \
  "$(vigil audit list --object case:1 --format json >"$T/c1.json"; aj "$T/c1.json" '" ".join(e["action"] for e in v if e["action"] != "case.show")')" \
  "case.new case.refer case.accept case.return case.status"
is "audit list --user r5: only r5's events" \
  "$(vigil audit list --user r5 --format json >"$T/r5.json"; aj "$T/r5.json" '" ".join(e["who"] + ":" + e["action"] for e in v)')" \
  "r5:case.accept r5:case.return"
is "audit list --since tomorrow: nothing yet" "$(vigil audit list --since "$(date -u -d tomorrow +%F)" --format json)" "[]"
like "audit list --since today: today's events" "$(vigil audit list --since "$(date -u +%F)")" "case.import"
r5_case=$(sql "SELECT id FROM cases WHERE ref = 'A-5'")
r1_only=$(sql "SELECT id FROM cases WHERE ref = 'A-6'")
vigil audit list --as r5 --format json >"$T/as5.json"
is "audit list as an officer: only events of cases the unit sees" \
  "$(aj "$T/as5.json" '",".join(sorted(set(e["object"] for e in v), key=lambda o: int(o[5:])))')" \
  "$(for c in $(sql "SELECT id FROM cases WHERE owner_unit = (SELECT id FROM units WHERE code = 'R05') OR id IN (SELECT case_id FROM referrals WHERE to_unit = (SELECT id FROM units WHERE code = 'R05')) ORDER BY id"); do printf 'case:%s,' "$c"; done | sed 's/,$//')"
like "... including its own unit's imported case" "$(aj "$T/as5.json" '" ".join(e["object"] for e in v)')" "case:$r5_case( |$)"
is "... not another unit's case, even when asked by name" "$(vigil audit list --as r5 --object "case:$r1_only" --format json)" "[]"
is "... no unit or user events" "$(vigil audit list --as r5 --object unit:R01 --format json)" "[]"
vigil user add ana --role analyst >/dev/null
is "audit list as an analyst: nothing" "$(vigil audit list --as ana --format json)" "[]"
refused "audit list: bad --since" 2 "--since" vigil audit list --since yesterday-ish

# --- stats: aligned columns, period, --now, legend, units on figures ---
vigil case refer "$(sql "SELECT id FROM cases WHERE ref = 'A-4'")" --to REGIONAL-UNIT-WITH-A-LONG-CODE --at 2025-03-06 --due 2025-03-20 >/dev/null
vigil stats --from 2025-01-01 --to 2025-12-31 --now 2025-06-01 >"$T/stats.txt"
like "stats: the period and --now above the table" "$(head -1 "$T/stats.txt")" \
  "^Referrals sent from 2025-01-01 to 2025-12-31, by unit; states as of 2025-06-01T00:00:00Z \(--now\)"
check "stats: every line of the table as long as its header (columns aligned, long codes too)" python3 - "$T/stats.txt" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
start = next(i for i, l in enumerate(lines) if l.startswith("GROUP"))
table = []
for l in lines[start:]:
    if not l:
        break
    table.append(l)
assert any(l.startswith("REGIONAL-UNIT-WITH-A-LONG-CODE ") for l in table), table
assert len(set(len(l) for l in table)) == 1, [len(l) for l in table]
head = table[0]
for col in ("RECEIVED", "ACCEPTED", "MEDIAN", "FOREIGN"):
    end = head.index(col) + len(col)
    for l in table[1:]:
        assert l[end - 1] != " ", (col, l)          # right-aligned under its header
PY
like "stats: figures carry their units" "$(cat "$T/stats.txt")" "[0-9]+ \([0-9]+%\).* [0-9.]+ d "
like "stats: overdue counted of the received" "$(grep '^REGIONAL' "$T/stats.txt")" "^REGIONAL-UNIT-WITH-A-LONG-CODE +1 +0 \(0%\) +0 \(0%\) +1 \(100%\) +1 \(100%\)"
like "stats: a legend for the abbreviations" "$(cat "$T/stats.txt")" "CAP PRIO NODIG INFO JUR DUP OTHER: .*capacity,
.*other-priority"
like "stats: every column said to count the referrals received in the period" "$(cat "$T/stats.txt")" "% is of RECEIVED"

# --- a registry of case schema 2 upgrades: references empty, history from the tables ---
# (the tables of later versions go too: user_passwords and api_keys came with version 4,
# case_categories with version 7)
if [ -n "$PG" ]; then
  sql "DROP TABLE case_categories; DROP TABLE case_pdq; DROP TABLE case_links; DROP TABLE case_item_places; DROP TABLE case_items; DROP TABLE series;
       DROP TABLE user_passwords; DROP TABLE api_keys;
       DROP TABLE case_events; DROP INDEX cases_ref; ALTER TABLE cases DROP COLUMN ref;
       UPDATE meta SET value = '2' WHERE key = 'cases_schema_version'" >/dev/null
else
  sql "DROP TABLE case_categories; DROP TABLE case_pdq; DROP TABLE case_links; DROP TABLE case_item_places; DROP TABLE case_items; DROP TABLE series;
       DROP TABLE user_passwords; DROP TABLE api_keys;
       DROP TABLE case_events; DROP INDEX cases_ref; ALTER TABLE cases DROP COLUMN ref;
       UPDATE meta SET value = 2 WHERE key = 'cases_schema_version'"
fi
check "schema 2: opens and upgrades" vigil case list
is "schema 2: upgraded to the current version, 8" "$(sql "SELECT value FROM meta WHERE key = 'cases_schema_version'")" "8"
vigil case show 1 --format json >"$T/old.json"
is "schema 2: history rebuilt from the tables (who unknown)" \
  "$(python3 -c 'import json,sys; print(" ".join(e["event"] + ":" + (e["who"] or "-") for e in json.load(open(sys.argv[1]))["history"]))' "$T/old.json")" \
  "registered:- referred:- returned:- status:-"
like "schema 2: references can be given again" "$(vigil case new --unit R01 --type possession --ref R01/2026/7 2>&1)" "reference R01/2026/7"
check "schema 2: audit verify after the upgrade" vigil audit verify
done_testing
