#!/usr/bin/env bash
# Near links by PDQ (docs/links.md): a resized and recompressed copy of a benign photo links its
# case to the photo's; a turned copy links through the orientations, also from a JSONL that holds
# only the plain hash; known-benign pictures, pictures of low quality and another photo never
# link; a copy found benign later takes its near links out; the other unit's case is
# seen only as "also held by", the read audited. On SQLite, or on PostgreSQL when VIGIL_PG_URL is
# set (tests/pg-run.sh).
. "$(dirname "$0")/lib.sh"

unset VIGIL_USER
export VIGIL_SETS=$T/sets.db
PG=${VIGIL_PG_URL:-}
[ -n "$PG" ] && export VIGIL_DB=$PG
# links: "a-b:exact/near/illegal/interest/unknown" of every link
links() { vigil links --format json "$@" | python3 -c 'import json,sys; d=json.load(sys.stdin)
print(" ".join("%s-%s:%d/%d/%d/%d/%d" % (l["a"]["case"], l["b"]["case"], l["exact"], l["near"], l["illegal"],
      l["interest"], l["unknown"]) for l in d["links"]))'; }

PHOTO=$TESTDATA/pdq/threatexchange/bridge-mods/square-512x512.jpg
OTHER=$TESTDATA/pdq/threatexchange/labelme/q0122.jpg   # another photo, quality 100
cd "$T"
open_registry
vigil unit add R01 --name "Region one" --type regional >/dev/null
vigil unit add R02 --name "Region two" --type regional >/dev/null
vigil user add r1 --unit R01 --role officer >/dev/null
c1=$(vigil case new --unit R01 --type distribution --ref R1-001 --title "secret one" 2>/dev/null)
c2=$(vigil case new --unit R02 --type possession --ref R2-042 --title "secret two" 2>/dev/null)
c3=$(vigil case new --unit R02 --type possession --ref R2-043 2>/dev/null)
c4=$(vigil case new --unit R01 --type possession --ref R1-002 2>/dev/null)

# case 1: the photo, another photo, a flat picture (quality below 50)
mkdir -p s1 s2 s3 s4
cp "$PHOTO" s1/photo.jpg
cp "$OTHER" s1/other.jpg
convert -size 200x200 xc:gray50 s1/flat.png
# case 2: the photo resized and recompressed (other bytes, the same picture), the flat one resized
convert "$PHOTO" -resize 70% -quality 60 s2/copy.jpg
convert -size 180x180 xc:gray50 s2/flat-small.png
vigil pdq s1/photo.jpg s2/copy.jpg >pdq.csv 2>/dev/null
d=$(python3 -c 'import sys
h=[int(l.split(",")[0], 16) for l in open("pdq.csv")]; print(bin(h[0] ^ h[1]).count("1"))')
[ "$d" -gt 0 ] && [ "$d" -le 31 ] && ok "the copy's PDQ is near the photo's ($d bits), not equal" ||
  not_ok "the copy's PDQ is near the photo's ($d bits), not equal"
vigil scan --quiet --no-sets --store "$c1" --jsonl s1.jsonl s1
vigil scan --quiet --no-sets --store "$c2" --jsonl s2.jsonl s2
is "near link: one pair of unknown pictures, no file shared; the flat pictures do not link" "$(links)" \
  "$c1-$c2:0/1/0/0/1"
like "links: the table counts it" "$(vigil links)" "1 \(R01 R1-001\) +2 \(R02 R2-042\) +0 +1 +0 +0 +1"

# case 3: the photo turned a quarter, scanned elsewhere: its JSONL has only the plain hash, and
# the photo's stored orientations find it
convert "$PHOTO" -rotate 90 -resize 80% s3/turned.jpg
vigil scan --quiet --no-sets --jsonl s3.jsonl s3
is "attach: a turned copy links to both" "$(vigil case attach "$c3" s3.jsonl)" "case $c3: 1 item stored, 1 new; linked to 2 cases"
is "... near links, each counted once" "$(links)" "$c1-$c2:0/1/0/0/1 $c1-$c3:0/1/0/0/1 $c2-$c3:0/1/0/0/1"
is "attach again: the same links" "$(vigil case attach "$c3" s3.jsonl >/dev/null; links)" \
  "$c1-$c2:0/1/0/0/1 $c1-$c3:0/1/0/0/1 $c2-$c3:0/1/0/0/1"

# known-benign never links: case 4 holds another copy, listed benign
convert "$PHOTO" -resize 60% -quality 70 s4/benign-copy.jpg
md5sum s4/benign-copy.jpg >benign.md5
vigil hashset import --name benign-test --kind benign benign.md5 >/dev/null
vigil scan --quiet --store "$c4" --jsonl s4.jsonl s4
is "a known-benign copy gives no link" "$(links)" "$c1-$c2:0/1/0/0/1 $c1-$c3:0/1/0/0/1 $c2-$c3:0/1/0/0/1"

# a near pair of a listed illegal picture counts as illegal: the copy is listed (a benign test
# picture labelled so), case 2 scanned again
sha1sum s2/copy.jpg >illegal.sha1
vigil hashset import --name illegal-test --kind illegal --category A illegal.sha1 >/dev/null
vigil scan --quiet --store "$c2" --jsonl s2b.jsonl s2
is "rescan: the pair is now known illegal" "$(links)" "$c1-$c2:0/1/1/0/0 $c1-$c3:0/1/0/0/1 $c2-$c3:0/1/1/0/0"
like "case show: the near pictures" "$(vigil case show "$c1")" "case $c2 .*0 shared, 1 near \(1 illegal, 0 interest, 0 unknown\)"
if [ -n "$PG" ]; then   # the database checks the pairs a session hands it against the rule
  sql() { psql -q -X -A -t -h "$PG_HOST" -U vigil -d vigiltest -c "$1"; }
  k=$(sql "SELECT key FROM case_pdq WHERE case_id = $c2")
  other=$(sql "SELECT p.id FROM case_pdq p JOIN case_item_places l ON l.case_id = p.case_id AND l.key = p.key
    WHERE p.case_id = $c1 AND l.path = 's1/other.jpg'")
  like "PostgreSQL: the other photo is a linkable picture of case 1" "$other" "^[0-9]+$"
  is "... and the function takes the pair" "$(sql "SELECT vigil_links_near($c2, 'now', '[[\"$k\",$other]]', current_user)" 2>&1)" ""
  is "PostgreSQL: a made-up pair (another photo) is not counted" "$(links)" "$c1-$c2:0/1/1/0/0 $c1-$c3:0/1/0/0/1 $c2-$c3:0/1/1/0/0"
fi   # (the SQLite registry is one process's file: no session to check; e2e_case_near_pg runs these)

# the turned copy turns out benign: scanned again elsewhere and attached, case 3's near links go
md5sum s3/turned.jpg >benign2.md5
vigil hashset import --name benign-2 --kind benign benign2.md5 >/dev/null
vigil scan --quiet --jsonl s3b.jsonl s3
vigil case attach "$c3" s3b.jsonl >/dev/null
is "an attach that makes the turned copy benign takes its near links out" "$(links)" "$c1-$c2:0/1/1/0/0"

# access: R01 sees its case's near link, the other unit's case only as "also held by"
is "officer of R01: the near link, the other end masked" "$(links --as r1)" "$c1-None:0/1/1/0/0"
like "... case show says also held by" "$(vigil case show "$c1" --as r1)" \
  "also held by unit R02, case reference R2-042, contact Region two: 0 shared, 1 near"
vigil links --as r1 --format dot >r1.dot 2>/dev/null
if grep -q "secret two\|possession" r1.dot; then not_ok "... never the other case's title or type"
else ok "... never the other case's title or type"; fi
is "... the read is audited on the other case" "$(vigil audit list --format json | python3 -c 'import json,sys
print(sorted(set((e["who"], e["object"]) for e in json.load(sys.stdin) if e["action"] == "links.read")))')" \
  "[('r1', 'case:$c2')]"
done_testing
