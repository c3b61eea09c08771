#!/usr/bin/env bash
# Categorizing a case's items (docs/links.md, "Categorizing"): a decision on one item makes the
# own set of the case's unit, so a new scan of a folder holding a copy of that file finds it known
# (and a resized copy near, by PDQ); a new series with an unidentified victim raises the case's
# priority; a CSV with a bad line is refused whole; an unknown digest and another unit's case are
# refused, the latter audited; every decision is audited; the set exports as VICS with its series
# and imports back. The pictures are benign test photos. On SQLite, or on PostgreSQL when
# VIGIL_PG_URL is set (tests/pg-run.sh).
. "$(dirname "$0")/lib.sh"

unset VIGIL_USER
export VIGIL_SETS=$T/sets.db
PG=${VIGIL_PG_URL:-}
[ -n "$PG" ] && export VIGIL_DB=$PG
# verdict and set of each item of a scan JSONL, by file name
verdicts() { jl "$1" '" ".join("%s:%s:%s" % (i["path"].split("/")[-1], i["verdict"], (i.get("match") or {}).get("set"))
  for i in sorted(items, key=lambda i: i["path"]))'; }
events() { vigil audit list --format json | python3 -c 'import json,sys
print(" ".join("%s/%s/%s" % (e["who"], e["action"], e["object"]) for e in json.load(sys.stdin)
      if e["action"].startswith("case.categorize")))'; }

PHOTO=$TESTDATA/pdq/threatexchange/bridge-mods/square-512x512.jpg
OTHER=$TESTDATA/pdq/threatexchange/labelme/q0122.jpg
cd "$T"
open_registry
vigil unit add R01 --name "Region one" --type regional >/dev/null
vigil unit add R02 --name "Region two" --type regional >/dev/null
vigil user add r1 --unit R01 --role officer >/dev/null
c1=$(vigil case new --unit R01 --type distribution --ref R1-001 2>/dev/null)
c2=$(vigil case new --unit R02 --type possession --ref R2-042 2>/dev/null)

mkdir -p s1 s2
cp "$PHOTO" s1/photo.jpg
cp "$OTHER" s1/other.jpg
printf 'a note\n' >s1/note.txt
vigil scan --quiet --no-sets --store "$c1" --jsonl s1.jsonl s1
vigil scan --quiet --no-sets --store "$c2" --jsonl s1b.jsonl s1
photo=$(sha1sum s1/photo.jpg | cut -d' ' -f1)
other_md5=$(md5sum s1/other.jpg | cut -d' ' -f1)
note=$(sha256sum s1/note.txt | cut -d' ' -f1)
before=$(vigil case show "$c1" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["priority"])')

# one item, by its SHA-1, as an officer of the owner unit
out=$(vigil case categorize "$c1" --digest "$photo" --category 1 --series S-NEW --as r1 2>&1 | tr '\n' ' ')
like "categorize: the decision and the own sets in one answer" "$out" \
  "^case $c1: 1 item categorized own sets: unit:R01 1 entry \(illegal\), unit:R01:interest 0 entries \(interest\), in "
is "... the item's match is the decision" "$(vigil case items "$c1" --format json | python3 -c 'import json,sys
print(" ".join("%s:%s:%s:%s" % (i["sha1"][:8], i["verdict"], i["category"], i["series"]) for i in json.load(sys.stdin)
      if i["verdict"] != "unknown"))')" "${photo:0:8}:illegal:1:S-NEW"
is "... the unit's set, its provenance the case" "$(vigil hashset list --json | python3 -c 'import json,sys
print(" ".join("%s:%s:%s:%s" % (s["name"], s["kind"], s["sources"], s["entries"]) for s in json.load(sys.stdin)))')" \
  "unit:R01:illegal:case $c1:1"

# the next scan against that store: a copy is known, a resized copy is near
cp "$PHOTO" s2/copy-of-photo.jpg
convert "$PHOTO" -resize 70% -quality 60 s2/resized.jpg
cp "$OTHER" s2/other.jpg
vigil scan --quiet --jsonl s2.jsonl s2
is "scan: the copy is known illegal from the unit's set, the resized copy near it, the rest unknown" \
  "$(verdicts s2.jsonl)" "copy-of-photo.jpg:illegal:unit:R01 other.jpg:unknown:None resized.jpg:near:unit:R01"
is "... with the category and series decided" "$(jl s2.jsonl '[(i["match"]["category"], i["match"]["series"])
  for i in items if i["verdict"] == "illegal"]')" "[('1', 'S-NEW')]"

# the new series: unidentified victim, the case's priority goes up
like "series show: the new series, victim unidentified" "$(vigil series show S-NEW)" "victim: +unidentified"
like "case show: the factor series_unidentified" "$(vigil case show "$c1")" "series_unidentified +1 x"
after=$(vigil case show "$c1" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["priority"])')
is "... the priority rose" "$(python3 -c "print($after > $before)")" "True"

# bulk: a bad line refuses the whole file, nothing of it is recorded
printf 'digest,category,series\n%s,2,\n%s,1,S-TWO\nnot-a-digest,1\n' "$other_md5" "$note" >bad.csv
out=$(vigil case categorize "$c1" --from bad.csv 2>&1); rc=$?
is "a CSV with a bad line: one line naming file and line, exit 3" "$rc: $out" \
  "3: vigil: bad.csv: line 4: 'not-a-digest' is not an MD5, SHA-1 or SHA-256 in hex"
is "... none of its lines recorded" "$(vigil case items "$c1" --verdict interest --format csv | wc -l)" "1"
printf '%s,2\n%s,1\n' "$other_md5" 0123456789abcdef0123456789abcdef01234567 >unknown.csv
is "a digest that is no item of the case: refused with its line" "$(vigil case categorize "$c1" --from unknown.csv 2>&1)" \
  "vigil: unknown.csv: line 2: 0123456789abcdef0123456789abcdef01234567 is no item of case $c1"
is "... the line before it is not recorded either" "$(vigil case items "$c1" --verdict interest --format csv | wc -l)" "1"
printf 'digest,category,series\n%s,2,\n%s,4,S-TWO\n' "$other_md5" "$note" >good.csv
like "a good CSV: by MD5 and SHA-256, both of interest" "$(vigil case categorize "$c1" --from good.csv --as r1 | tr '\n' ' ')" \
  "case $c1: 2 items categorized.*unit:R01 1 entry \(illegal\), unit:R01:interest 2 entries \(interest\)"
like "an unknown category is refused" "$(vigil case categorize "$c1" --digest "$photo" --category 0 2>&1)" \
  "--digest: category '0': expected 1, A, B or C"

# another unit's case: refused as if it did not exist, and audited on that case
out=$(vigil case categorize "$c2" --digest "$photo" --category 1 --as r1 2>&1); rc=$?
is "another unit's case: refused" "$rc: $out" "3: vigil: case $c2: no such case, or not visible to user 'r1'"
like "... nothing changed in it" "$(vigil case items "$c2" --format csv)" "unknown"
is "every decision and the refusal are audited" "$(events)" \
  "r1/case.categorize/case:$c1 r1/case.categorize/case:$c1 r1/case.categorize/case:$c1 r1/case.categorize.refused/case:$c2"

# VICS VictimIdentified: a set says one series' victim is identified and another's not
c3=$(vigil case new --unit R01 --type possession --ref R1-003 2>/dev/null)
mkdir -p s3
printf 'first synthetic file\n' >s3/id.txt
printf 'second synthetic file\n' >s3/un.txt
python3 - "$(sha1sum s3/id.txt | cut -d' ' -f1)" "$(sha1sum s3/un.txt | cut -d' ' -f1)" >vics.json <<'PY'
import json, sys
print(json.dumps({"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media",
  "value": [{"SHA1": sys.argv[1], "Category": 1, "Series": "S-VICS-ID", "VictimIdentified": True},
            {"SHA1": sys.argv[2], "Category": 1, "Series": "S-VICS-UN", "VictimIdentified": "false"}]}))
PY
vigil hashset import --name vics-test --kind illegal vics.json >/dev/null
vigil scan --quiet --store "$c3" --jsonl s3.jsonl s3
is "scan: the match carries the list's VictimIdentified" "$(jl s3.jsonl '[(i["path"].split("/")[-1],
  i["match"].get("victim_identified")) for i in sorted(items, key=lambda i: i["path"])]')" \
  "[('id.txt', True), ('un.txt', None)]"
like "series show: identified, from the set" "$(vigil series show S-VICS-ID)" \
  "victim: +identified \(hash set vics-test: VictimIdentified\)"
like "series show: the other one unidentified, not recorded" "$(vigil series show S-VICS-UN)" \
  "victim: +unidentified \(not recorded\)"
factor() { vigil case show "$1" --format json | python3 -c 'import json,sys
print([f["value"] for f in json.load(sys.stdin)["factors"] if f["name"] == "series_unidentified"][0])'; }
is "... the case's factor series_unidentified counts only the unidentified one" "$(factor "$c3")" "1"
vigil scan --quiet --jsonl s3b.jsonl s3
c4=$(vigil case new --unit R01 --type possession --ref R1-004 2>/dev/null)
vigil case attach "$c4" s3b.jsonl >/dev/null
is "attach: the flag comes with a JSONL made elsewhere" \
  "$(vigil case items "$c4" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'):$(factor "$c4")" "2:1"
vigil series set S-VICS-ID --victim unidentified >/dev/null
like "series set overrides the set, and says so" "$(vigil series show S-VICS-ID)" \
  "victim: +unidentified \(recorded by .*, series set\)"
is "... the factor counts both now" "$(factor "$c3")" "2"
vigil hashset export --name vics-test --format vics >vics-out.json
is "export writes VictimIdentified back" "$(python3 -c 'import json
print(sorted((m["Series"], m["VictimIdentified"]) for m in json.load(open("vics-out.json"))["value"]))')" \
  "[('S-VICS-ID', True), ('S-VICS-UN', False)]"
VIGIL_SETS=$T/vics-sets.db vigil hashset import --name again --kind illegal vics-out.json >/dev/null
VIGIL_SETS=$T/vics-sets.db vigil scan --quiet --jsonl s3c.jsonl s3
is "... and an import of the export reads it again" "$(jl s3c.jsonl '[i["match"].get("victim_identified")
  for i in sorted(items, key=lambda i: i["path"])]')" "[True, None]"

# export as VICS with the series, and back
vigil hashset export --name unit:R01 --format vics >own.json
is "export: the decided item with its category and series" "$(python3 -c 'import json,sys
print(" ".join("%s:%s:%s" % (m["SHA1"][:8], m["Category"], m["Series"]) for m in json.load(open("own.json"))["value"]))')" \
  "${photo:0:8}:1:S-NEW"
VIGIL_SETS=$T/other-sets.db vigil hashset import --name from-case --kind illegal own.json >/dev/null
VIGIL_SETS=$T/other-sets.db vigil scan --quiet --jsonl s5.jsonl s2
is "... imported elsewhere, it finds the copy with its series" "$(jl s5.jsonl '[(i["path"].split("/")[-1],
  i["match"]["series"]) for i in items if i["verdict"] == "illegal"]')" "[('copy-of-photo.jpg', 'S-NEW')]"
# the unit's own set: a second case of the unit adds to the same set, a new version of it
vigil user add r2 --unit R02 --role officer >/dev/null
vigil unit add NAT --name "National unit" --type national >/dev/null
vigil user add nat --unit NAT --role officer >/dev/null
sets() { vigil hashset list --json | python3 -c 'import json,sys
print(" ".join("%s:%s:%s:%s" % (s["name"], s["entries"], s["version"], s["sources"].replace("\n", "+"))
      for s in sorted(json.load(sys.stdin), key=lambda s: s["name"]) if s["format"] == "case"))'; }
c5=$(vigil case new --unit R01 --type possession --ref R1-005 2>/dev/null)
mkdir -p s6
printf 'fifth synthetic file\n' >s6/five.txt
cp "$OTHER" s6/other.jpg
vigil scan --quiet --no-sets --store "$c5" --jsonl s6.jsonl s6
five=$(sha1sum s6/five.txt | cut -d' ' -f1)
like "a second case of the unit: its item joins the unit's set" \
  "$(vigil case categorize "$c5" --digest "$five" --category A --series S-FIVE --as r1 | tr '\n' ' ')" \
  "case $c5: 1 item categorized own sets: unit:R01 2 entries \(illegal\), unit:R01:interest 2 entries \(interest\)"
is "... one pair of sets for the unit, a new version each, both cases as the sources" "$(sets)" \
  "unit:R01:2:3:case $c1+case $c5 unit:R01:interest:2:2:case $c1"
mkdir -p s7
cp "$PHOTO" s7/a-photo.jpg
cp s6/five.txt s7/b-five.txt
vigil scan --quiet --jsonl s7.jsonl s7
is "the next scan finds both cases' items in the unit's set, each with its case as the record's source" \
  "$(jl s7.jsonl '" ".join("%s:%s:%s:%s" % (i["path"].split("/")[-1], i["verdict"], i["match"]["set"],
  i["matches"][0]["record"]["source"]) for i in sorted(items, key=lambda i: i["path"]))')" \
  "a-photo.jpg:illegal:unit:R01:case $c1 b-five.txt:illegal:unit:R01:case $c5"
vigil hashset export --name unit:R01 --format vics >unit.json
is "export --format vics of the unit's set: both cases' items with category and series" "$(python3 -c 'import json
print(" ".join(sorted("%s:%s:%s" % (m["SHA1"][:8], m["Category"], m["Series"]) for m in json.load(open("unit.json"))["value"])))')" \
  "$(printf '%s\n' "${photo:0:8}:1:S-NEW" "${five:0:8}:A:S-FIVE" | sort | tr '\n' ' ' | sed 's/ $//')"
VIGIL_SETS=$T/national-sets.db vigil hashset import --name national --kind illegal unit.json >/dev/null
VIGIL_SETS=$T/national-sets.db vigil scan --quiet --jsonl s8.jsonl s7
is "... imported into another store, a scan there finds both" "$(jl s8.jsonl '" ".join(i["verdict"] for i in items)')" \
  "illegal illegal"

# re-categorized in one case while another case of the unit still holds it: it stays
other_sha1=$(sha1sum s6/other.jpg | cut -d' ' -f1)
like "the item case $c1 holds as of interest, categorized illegal in case $c5: in both sets" \
  "$(vigil case categorize "$c5" --digest "$other_sha1" --category 1 --as r1 | tr '\n' ' ')" \
  "unit:R01 3 entries \(illegal\), unit:R01:interest 2 entries \(interest\)"
like "... re-categorized of interest in case $c5: out of the illegal set, still once in the interest set" \
  "$(vigil case categorize "$c5" --digest "$other_sha1" --category 3 --as r1 | tr '\n' ' ')" \
  "unit:R01 2 entries \(illegal\), unit:R01:interest 2 entries \(interest\)"
is "... the interest set names both cases" "$(sets)" \
  "unit:R01:2:5:case $c1+case $c5 unit:R01:interest:2:4:case $c1+case $c5"
vigil scan --quiet --jsonl s6b.jsonl s6
is "... a scan finds it of interest, the entry naming the first case holding it" \
  "$(jl s6b.jsonl '" ".join("%s:%s:%s" % (i["path"].split("/")[-1], i["verdict"], i["matches"][0]["record"]["source"])
  for i in sorted(items, key=lambda i: i["path"]))')" "five.txt:illegal:case $c5 other.jpg:interest:case $c1"

# access: each unit writes its own set and learns nothing of another's; the national unit may
# categorize any case, into the set of the case's unit
like "another unit's officer on its own case: its own unit's set only" \
  "$(vigil case categorize "$c2" --digest "$photo" --category B --as r2 | tr '\n' ' ')" \
  "case $c2: 1 item categorized own sets: unit:R02 1 entry \(illegal\), unit:R02:interest 0 entries \(interest\)"
out=$(vigil case categorize "$c5" --digest "$five" --category 1 --as r2 2>&1); rc=$?
is "... on a case of R01: refused as if it did not exist" "$rc: $out" "3: vigil: case $c5: no such case, or not visible to user 'r2'"
like "a national officer categorizes a case of R01: into R01's set, all its cases counted" \
  "$(vigil case categorize "$c5" --digest "$five" --category 1 --as nat | tr '\n' ' ')" \
  "case $c5: 1 item categorized own sets: unit:R01 2 entries \(illegal\), unit:R01:interest 2 entries \(interest\)"
is "... no set for the national unit; R01's and R02's apart" "$(sets)" \
  "unit:R01:2:6:case $c1+case $c5 unit:R01:interest:2:5:case $c1+case $c5 unit:R02:1:1:case $c2"
is "... every decision and refusal on case $c5 audited" "$(events | tr ' ' '\n' | grep -c "case:$c5$")" "5"

# the unit prefix is kept for these sets: an import may not take one
printf '%s  x\n' "$(md5sum s6/five.txt | cut -d' ' -f1)" >x.md5
out=$(vigil hashset import --name unit:R09 --kind illegal x.md5 2>&1); rc=$?
is "hashset import --name unit:...: refused, exit 3" "$rc: $out" \
  "3: vigil: hash set name 'unit:R09': names starting 'unit:' are the units' own sets, written by vigil case categorize"

# a store an older vigil wrote: per-case sets case-N, replaced by the unit's on the next
# categorization of a case of that unit; an imported list that only shares the name stays
vigil hashset import --name "case-$c5" --kind illegal x.md5 >/dev/null
vigil hashset import --name "case-$c1-interest" --kind interest x.md5 >/dev/null
vigil hashset import --name "case-$c2" --kind illegal x.md5 >/dev/null
python3 - "$T/sets.db" "$c5" "$c1" "$c2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
# what the older vigil recorded for its per-case sets: format case, source "case N"
for name, case in (("case-%s" % sys.argv[2], sys.argv[2]), ("case-%s-interest" % sys.argv[3], sys.argv[3]),
                   ("case-%s" % sys.argv[4], sys.argv[4])):
    db.execute("UPDATE hashset_version SET format = 'case', sources = ? WHERE set_id = (SELECT id FROM hashset WHERE name = ?)",
               ("case " + case, name))
    db.execute("UPDATE hashset SET format = 'case', sources = ? WHERE name = ?", ("case " + case, name))
db.commit()
PY
vigil hashset import --name "case-$c1" --kind illegal x.md5 >/dev/null
like "the next categorization in R01 replaces R01's per-case sets" \
  "$(vigil case categorize "$c1" --digest "$photo" --category 1 --series S-NEW --as r1 | tr '\n' ' ')" \
  "unit:R01 2 entries .* replaced: 2 per-case sets of an older vigil, now in the unit's sets"
is "... R02's stays until R02 categorizes; an imported list named case-N stays" \
  "$(vigil hashset list --json | python3 -c 'import json,sys
print(" ".join(sorted(s["name"] for s in json.load(sys.stdin) if s["name"].startswith("case-"))))')" \
  "$(printf '%s\n' "case-$c1" "case-$c2" | sort | tr '\n' ' ' | sed 's/ $//')"
like "... and its removal is audited" "$(vigil audit list --format json | python3 -c 'import json,sys
print(" ".join(e["action"] + ":" + e["object"] for e in json.load(sys.stdin) if e["action"].startswith("hashset.remove")))')" \
  "hashset.remove.*case-$c5"
check "audit verify: the log and the tables agree after it all" vigil audit verify
done_testing
