#!/usr/bin/env bash
# The items of a case and the links between cases (docs/links.md): scan --store and case attach
# store a scan's items (one file seen twice is one item with two places; again changes nothing;
# a truncated, interrupted or foreign JSONL and a scan that does not complete store nothing);
# cases holding the same files are linked with their evidence, known-benign and empty files never
# link; networks merge as cases are added and split when a rescan takes a shared file out; the
# access matrix: a unit sees its own links and of another unit's case only "also held by", every
# such read audited. On SQLite, or on PostgreSQL when VIGIL_PG_URL is set (tests/pg-run.sh).
. "$(dirname "$0")/lib.sh"
unset VIGIL_USER
export VIGIL_SETS=$T/sets.db
PG=${VIGIL_PG_URL:-}
if [ -n "$PG" ]; then
  export VIGIL_DB=$PG
  sql() { psql -q -X -A -t -h "$PG_HOST" -U vigil -d vigiltest -c "$1"; }
else
  sql() { sqlite3 "$VIGIL_DB" "$1"; }
fi
# refused DESC STATUS PATTERN CMD...: that exit status and one stderr line matching PATTERN
refused() {
  local d=$1 want=$2 pat=$3 rc; shift 3
  "$@" >"$T/out" 2>"$T/err"; rc=$?
  is "$d: exit $want" "$rc" "$want"
  like "$d: one line" "$(cat "$T/err")$( [ "$(wc -l <"$T/err")" = 1 ] || echo ' (not one line)')" "$pat"
}
items() { sql "SELECT count(*) FROM case_items WHERE case_id = $1"; }
places() { sql "SELECT count(*) FROM case_item_places WHERE case_id = $1"; }
links() { vigil links --format json | python3 -c 'import json,sys; d=json.load(sys.stdin)
print(" ".join("%s-%s:%d/%d/%d/%d" % (l["a"]["case"], l["b"]["case"], l["exact"], l["illegal"], l["interest"], l["unknown"]) for l in d["links"]))'; }
networks() { vigil links --format json | python3 -c 'import json,sys; d=json.load(sys.stdin)
print(" ".join("%d:%d" % (n["id"], n["cases"]) for n in d["networks"]))'; }

F=$TESTDATA/hashsets/files
cd "$T"
open_registry
vigil unit add NAT --name "National unit" --type national >/dev/null
vigil unit add R01 --name "Region one, desk 3" --type regional >/dev/null
vigil unit add R02 --name "Region two" --type regional >/dev/null
vigil user add nat --unit NAT --role officer >/dev/null
vigil user add r1 --unit R01 --role officer >/dev/null
vigil user add r2 --unit R02 --role officer >/dev/null
vigil user add ana --role analyst >/dev/null
c1=$(vigil case new --unit R01 --type distribution --ref R1-001 --title "secret title one" 2>/dev/null)
c2=$(vigil case new --unit R02 --type possession --ref R2-042 --title "secret title two" 2>/dev/null)
c3=$(vigil case new --unit R02 --type production --ref R2-043 2>/dev/null)
c4=$(vigil case new --unit R01 --type possession --ref R1-002 2>/dev/null)

# hash sets: one illegal file (a benign test picture labelled so), one benign file
sha1sum "$F/gradient-16x16.png" >"$T/illegal.sha1"
md5sum "$F/lorem.txt" >"$T/benign.md5"
vigil hashset import --name vics-test --kind illegal --category A --series S-1 "$T/illegal.sha1" >/dev/null
vigil hashset import --name nsrl-test --kind benign "$T/benign.md5" >/dev/null

# case 1: new material (twice), a known-illegal file, a known-benign file, an empty file
mkdir -p s1/sub
head -c 4000 /dev/urandom >s1/new.bin
cp s1/new.bin s1/sub/new-again.bin
cp "$F/gradient-16x16.png" s1/
cp "$F/lorem.txt" s1/
: >s1/empty
vigil scan --quiet --store "$c1" --jsonl s1.jsonl s1
is "scan --store: exit 0" "$?" "0"
is "one item per distinct file" "$(items "$c1")" "4"
is "... every place kept (the copy is a second place)" "$(places "$c1")" "5"
is "case items lists them" "$(vigil case items "$c1" --format json | python3 -c 'import json,sys
print(sorted((i["verdict"], i["places"], i["series"]) for i in json.load(sys.stdin)))')" \
  "[('benign', 1, None), ('illegal', 1, 'S-1'), ('unknown', 1, None), ('unknown', 2, None)]"
is "case items --verdict illegal: set, category, series" "$(vigil case items "$c1" --verdict illegal --format csv | tail -1 | cut -d, -f7-10)" \
  "illegal,vics-test,A,S-1"
vigil scan --quiet --store "$c1" --jsonl s1b.jsonl s1
is "the same scan again: nothing new" "$(items "$c1")/$(places "$c1")" "4/5"
refused "case items: unknown verdict" 3 "unknown verdict 'bad'" vigil case items "$c1" --verdict bad
refused "scan --store: unknown case" 3 "unknown case 99" vigil scan --quiet --store 99 --jsonl x.jsonl s1
refused "scan --store: bad case id" 2 "bad case id" vigil scan --quiet --store x1 --jsonl x.jsonl s1

# an interrupted scan stores nothing
mkdir -p s4 && head -c 3000 /dev/urandom >s4/a.bin && head -c 3000 /dev/urandom >s4/b.bin
VIGIL_TEST_STOP_AFTER=1 vigil scan --quiet --jobs 1 --store "$c4" --jsonl s4.jsonl s4 2>"$T/err"
is "interrupted scan: exit 130 (SIGINT)" "$?" "130"
like "... says nothing was stored" "$(cat "$T/err")" "nothing stored with case $c4: the scan did not complete"
is "... and stores nothing" "$(items "$c4")" "0"

# case 2: a scan made on another machine (other paths), attached: it shares the new material
# and the illegal file with case 1, and the benign and empty files
mkdir -p elsewhere/evidence
cp s1/new.bin elsewhere/evidence/
cp "$F/gradient-16x16.png" "$F/lorem.txt" elsewhere/evidence/
: >elsewhere/evidence/empty
head -c 2000 /dev/urandom >elsewhere/evidence/own.bin
(cd elsewhere && vigil scan --quiet --jsonl ../s2.jsonl evidence)
out=$(vigil case attach "$c2" s2.jsonl)
is "case attach confirms" "$out" "case $c2: 5 items stored, 5 new; linked to 1 case"
is "attach again changes nothing" "$(vigil case attach "$c2" s2.jsonl)" "case $c2: 5 items stored, 0 new; linked to 1 case"
is "... and stores each place once" "$(places "$c2")" "5"
is "exact link: 2 shared, 1 illegal, 1 unknown; benign and empty files do not link" "$(links)" "$c1-$c2:2/1/0/1"

# bad JSONL: refused whole, naming the line
head -n 3 s2.jsonl >cut.jsonl
refused "attach: truncated file" 3 "cut.jsonl: line 4: no summary line" vigil case attach "$c3" cut.jsonl
head -c -20 s2.jsonl >torn.jsonl
refused "attach: torn last line" 3 "torn.jsonl: line 6: the line is cut short" vigil case attach "$c3" torn.jsonl
printf 'md5,sha1\n1,2\n' >foreign.jsonl
refused "attach: a foreign file" 3 "foreign.jsonl: line 1: not a JSON object" vigil case attach "$c3" foreign.jsonl
(head -n 2 s2.jsonl; echo '{"hello":1}'; tail -n 1 s2.jsonl) >odd.jsonl
refused "attach: a line that is no item" 3 "odd.jsonl: line 3: not a scan item" vigil case attach "$c3" odd.jsonl
VIGIL_TEST_STOP_AFTER=1 vigil scan --quiet --jobs 1 --jsonl intr.jsonl s4 2>/dev/null
refused "attach: an interrupted scan" 3 "the scan was interrupted" vigil case attach "$c3" intr.jsonl
refused "attach: unknown case" 3 "unknown case 99" vigil case attach 99 s2.jsonl
is "nothing stored by the refused attaches" "$(items "$c3")" "0"

# networks merge: case 3 shares only case 2's own file; case 4 shares nothing yet
mkdir -p s3 && cp elsewhere/evidence/own.bin s3/ && cp "$F/lorem.txt" s3/
vigil scan --quiet --store "$c3" --jsonl s3.jsonl s3
is "a third case joins the network" "$(networks)" "$c1:3"
is "... its link" "$(links)" "$c1-$c2:2/1/0/1 $c2-$c3:1/0/0/1"
mkdir -p s5 && cp "$F/lorem.txt" s5/ && : >s5/empty
head -c 1000 /dev/urandom >"s5/$(printf 'photo-\xff\\.bin')"
vigil scan --quiet --store "$c4" --jsonl s5.jsonl s5
is "benign-only and empty-file overlap gives no link" "$(links)" "$c1-$c2:2/1/0/1 $c2-$c3:1/0/0/1"
is "a name that is not UTF-8 is kept with \\xNN, a backslash doubled" \
  "$(vigil case items "$c4" --format json | python3 -c 'import json,sys; print(sorted(i["path"] for i in json.load(sys.stdin)))')" \
  "['s5/empty', 's5/lorem.txt', 's5/photo-\\\\xff\\\\\\\\.bin']"
vigil case attach "$c4" s5.jsonl >/dev/null
is "... and attaching the scan's JSONL (path_hex) finds the same places" "$(places "$c4")" "3"

# split: own.bin turns out benign (a new benign set), case 3 is scanned again
md5sum elsewhere/evidence/own.bin >"$T/benign2.md5"
vigil hashset import --name benign-2 --kind benign "$T/benign2.md5" >/dev/null
vigil scan --quiet --store "$c3" --jsonl s3b.jsonl s3
is "a rescan that makes the shared file benign unlinks case 3: the network splits" "$(networks)" "$c1:2"

# the priority's material factors come from the items and links, not typed in
is "case show: unknown material, linked cases, shared unknown files from the items" \
  "$(vigil case show "$c1" --format json | python3 -c 'import json,sys
print(sorted((f["name"], f["value"]) for f in json.load(sys.stdin)["factors"] if f["name"] in ("unknown_material", "network", "shared_unknown")))')" \
  "[('network', 1), ('shared_unknown', 1), ('unknown_material', 1)]"

# links for one case and one network, DOT
like "links --case" "$(vigil links --case "$c1")" "also held|$c1 \(R01 R1-001\)"
refused "links: unknown network" 3 "unknown network 77" vigil links --network 77
vigil links --format dot >links.dot
like "DOT: a graph with the cases and the evidence" "$(cat links.dot)" "case $c1.*R01 R1-001.*distribution"
if command -v dot >/dev/null; then
  check "DOT renders with Graphviz" dot -Tsvg -o links.svg links.dot
else
  skip "DOT renders with Graphviz" "dot not installed" graphviz
fi

# access: a unit sees its links, and of the other unit's case only who holds it
vigil links --as r1 --format json >r1.json
is "officer of R01: the link, the other end masked" "$(python3 -c 'import json; d=json.load(open("r1.json"))
l=d["links"][0]; print(len(d["links"]), l["a"]["case"], l["b"]["case"], l["b"]["unit"], l["b"]["ref"], l["b"]["contact"], l["b"]["type"])')" \
  "1 $c1 None R02 R2-042 Region two None"
vigil links --as r1 --format dot >r1.dot; vigil links --as r1 >r1.txt
if grep -q "secret\|possession" r1.json r1.dot r1.txt; then not_ok "... never the other case's title or type"
else ok "... never the other case's title or type"; fi
like "... the table says also held by" "$(vigil links --as r1)" "also held by R02, ref R2-042, ask Region two"
like "case show: the deconfliction line" "$(vigil case show "$c1" --as r1)" \
  "also held by unit R02, case reference R2-042, contact Region two: 2 shared \(1 illegal, 0 interest, 1 unknown\)"
like "case list --linked: the same" "$(vigil case list --linked --as r1)" \
  "^$c1 +R1-001 +registered +$c1 +also held by unit R02, case reference R2-042, contact Region two: 2 shared, 1 unknown"
is "officer of R01 stores into its own unit's case" "$(vigil case attach "$c4" s5.jsonl --as r1)" \
  "case $c4: 3 items stored, 0 new; linked to 0 cases"
refused "officer of R01: items of R02's case" 3 "case $c2: no such case, or not visible to user 'r1'" vigil case items "$c2" --as r1
refused "officer of R01: links of R02's case" 3 "case $c2: no such case, or not visible to user 'r1'" vigil links --case "$c2" --as r1
refused "officer of R01: attach to R02's case" 3 "case $c2: no such case, or not visible to user 'r1'" vigil case attach "$c2" s2.jsonl --as r1
refused "analyst: no links" 3 "analysts see statistics only" vigil links --as ana
is "officer of R02 sees its case's link, the R01 end masked" "$(vigil links --as r2 --format json | python3 -c 'import json,sys
d=json.load(sys.stdin); print(sorted((l["a"]["case"], l["b"]["case"]) for l in d["links"]))')" "[(None, $c2)]"
is "national officer sees whole networks" "$(vigil links --as nat --format json | python3 -c 'import json,sys
d=json.load(sys.stdin); print([(l["a"]["case"], l["b"]["case"], l["b"]["type"]) for l in d["links"]])')" "[($c1, $c2, 'possession')]"
audited=$(vigil audit list --format json | python3 -c 'import json,sys
print(sorted(set((e["who"], e["action"], e["object"]) for e in json.load(sys.stdin) if e["action"] == "links.read")))')
is "every read of another unit's link is audited on that case" "$audited" \
  "[('r1', 'links.read', 'case:$c2'), ('r2', 'links.read', 'case:$c1')]"
# series: the illegal file is of series S-1 in the set; cases 1 and 2 hold it
like "series list: S-1, two cases of two units, victim not identified" "$(vigil series list)" \
  "S-1 +unidentified +2 +2 +2 +R01,R02"
factor() { vigil case show "$c1" --format json | python3 -c 'import json,sys
print([f["value"] for f in json.load(sys.stdin)["factors"] if f["name"] == "series_unidentified"][0])'; }
is "... the case's factor series_unidentified counts it" "$(factor)" "1"
vigil series show S-1 --as r1 >r1-series.txt
like "series show as R01: its case" "$(cat r1-series.txt)" "case $c1 \\(R01 R1-001\\): 1 item"
like "... and who else holds the series, nothing more" "$(cat r1-series.txt)" \
  "^  also held by unit R02, case reference R2-042, contact Region two$"
refused "series set: officers of regional units may not" 3 "series set: not allowed for user 'r1'" \
  vigil series set S-1 --victim identified --as r1
refused "series: analysts see none" 3 "analysts see statistics only" vigil series list --as ana
refused "series show: unknown series" 3 "series 'S-9': no case you may see holds it" vigil series show S-9
is "series set confirms" "$(vigil series set S-1 --victim identified --as nat)" "series S-1: victim identified"
like "... series list says so" "$(vigil series list --as r2)" "S-1 +identified"
is "... and the factor drops" "$(factor)" "0"
is "series show --format json as R01: its case, R02's only as who holds it" "$(vigil series show S-1 --as r1 --format json |
  python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["name"], s["victim"], s["cases"], s["items"],
  [(h["case"], h["unit"], h["ref"], h["visible"], h["items"]) for h in s["holders"]])')" \
  "S-1 identified 2 1 [($c1, 'R01', 'R1-001', True, 1), (None, 'R02', 'R2-042', False, None)]"
is "series list --format json: one series" "$(vigil series list --format json --as r2 | python3 -c 'import json,sys
print([s["name"] for s in json.load(sys.stdin)])')" "['S-1']"
refused "series set takes no --format" 2 "--format is table or json, for list and show" \
  vigil series set S-1 --victim identified --format json
audited=$(vigil audit list --format json | python3 -c 'import json,sys
print(sorted(set((e["who"], e["object"], e["detail"]) for e in json.load(sys.stdin) if e["action"] == "series.read" and e["who"] == "r1")))')
is "series reads are audited, and on the hidden case they name" "$audited" \
  "[('r1', 'case:$c2', 'series S-1'), ('r1', 'series:S-1', None)]"
done_testing
