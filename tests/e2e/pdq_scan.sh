#!/usr/bin/env bash
# vigil scan with PDQ: pdq and pdq_quality in JSONL and CSV, hashset import --format pdq,
# the near verdict over the eight orientations, its radius, the quality floor, and the
# rule that an exact digest match wins over a near match. Benign vectors only. Prints TAP.
set -u
VIGIL=${VIGIL:-build/vigil}
TESTDATA=${TESTDATA:-$(cd "$(dirname "$0")/../data" && pwd)}
V="$TESTDATA/pdq"
T=$(mktemp -d "${TMPDIR:-/tmp}/vigil-e2e-pdqscan.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }
export VIGIL_DB="$T/vigil.db"
jq_field() { # file path-suffix field: a top-level or match field of the item whose path ends so
  python3 - "$@" <<'PY'
import json, sys
f, suffix, field = sys.argv[1:4]
for line in open(f):
    o = json.loads(line)
    if "summary" in o or not o["path"].endswith(suffix):
        continue
    v = o
    for k in field.split("."):
        v = None if v is None else v.get(k)
    print("null" if v is None else v)
PY
}

mkdir -p "$T/ev" "$T/lists"
cp "$V/threatexchange/dih/bridge-5-flipx.jpg" "$V/threatexchange/dih/bridge-2-rotate-90.jpg" \
   "$V/threatexchange/bridge-mods/sharpen-a-lot.jpg" "$V/synthetic/e28_text.png" \
   "$V/threatexchange/labelme/q0003.jpg" "$T/ev/"
cp "$V/synthetic/e22_444.jpg" "$T/ev/exact.jpg"
# an APP0 segment whose length (0x2074) runs past the file's 27 bytes: truncated
printf '\xff\xd8\xff\xe0 this is no JPEG stream' >"$T/ev/broken.jpg"
echo "not a picture" >"$T/ev/notes.txt"
# the "known" list: the bridge photo, the low-quality q0003, and e22 (also listed by MD5, benign)
"$VIGIL" pdq --quiet "$V/threatexchange/dih/bridge-1-original.jpg" "$V/threatexchange/labelme/q0003.jpg" \
  "$V/synthetic/e22_444.jpg" | cut -d, -f1,2 >"$T/lists/known.pdq"
{ echo "# ThreatExchange-style list"; cat "$T/lists/known.pdq"; } >"$T/lists/known2.pdq"
md5sum "$T/ev/exact.jpg" | cut -d' ' -f1 >"$T/lists/benign.md5"

"$VIGIL" hashset import --name known --kind illegal --category A1 --format pdq "$T/lists/known2.pdq" >"$T/imp.out" 2>&1; rc=$?
check "hashset import --format pdq stores the entries" '[ $rc -eq 0 ] && grep -q "3 added" "$T/imp.out"'
printf 'not-a-hash\n' >"$T/lists/bad.pdq"
"$VIGIL" hashset import --name bad --kind illegal --format pdq "$T/lists/bad.pdq" >/dev/null 2>"$T/bad.err"; rc=$?
check "a malformed PDQ list is refused with file:line and the reason" '[ $rc -eq 3 ] && grep -q "bad.pdq:1: not a PDQ hash" "$T/bad.err"'
"$VIGIL" hashset import --name clean --kind benign --format md5sum "$T/lists/benign.md5" >/dev/null 2>&1

"$VIGIL" scan --quiet --jobs 2 --jsonl "$T/scan.jsonl" --csv "$T/scan.csv" "$T/ev"; rc=$?
check "scan exits 0" '[ $rc -eq 0 ]'
want=$("$VIGIL" pdq --quiet "$T/ev/e28_text.png")
check "JSONL carries pdq and pdq_quality of images" \
  '[ "$(jq_field "$T/scan.jsonl" e28_text.png pdq),$(jq_field "$T/scan.jsonl" e28_text.png pdq_quality)" = "$(echo "$want" | cut -d, -f1,2)" ]'
check "JSONL has pdq null for a file that is not an image" \
  '[ "$(jq_field "$T/scan.jsonl" notes.txt pdq)" = null ] && [ "$(jq_field "$T/scan.jsonl" notes.txt pdq_quality)" = null ]'
check "a mirrored copy is near, matched through its flipx orientation" \
  '[ "$(jq_field "$T/scan.jsonl" bridge-5-flipx.jpg verdict)" = near ] &&
   [ "$(jq_field "$T/scan.jsonl" bridge-5-flipx.jpg match.dihedral)" = flipx ] &&
   [ "$(jq_field "$T/scan.jsonl" bridge-5-flipx.jpg match.by)" = pdq ] &&
   [ "$(jq_field "$T/scan.jsonl" bridge-5-flipx.jpg match.set)" = known ] &&
   [ "$(jq_field "$T/scan.jsonl" bridge-5-flipx.jpg match.category)" = A1 ] &&
   [ "$(jq_field "$T/scan.jsonl" bridge-5-flipx.jpg match.distance)" -le 31 ]'
# bridge-2 was turned 90 degrees counter-clockwise: turning it clockwise (rot270) gives the listed picture
check "a rotated copy is near through rot270 and an edited copy through orig" \
  '[ "$(jq_field "$T/scan.jsonl" bridge-2-rotate-90.jpg match.dihedral)" = rot270 ] &&
   [ "$(jq_field "$T/scan.jsonl" sharpen-a-lot.jpg verdict)" = near ] &&
   [ "$(jq_field "$T/scan.jsonl" sharpen-a-lot.jpg match.dihedral)" = orig ]'
check "the match names the entry it hit" \
  '[ "$(jq_field "$T/scan.jsonl" sharpen-a-lot.jpg match.entry)" = "$(head -1 "$T/lists/known.pdq" | cut -d, -f1)" ]'
check "a picture under quality 50 is never near, even at distance 0" \
  '[ "$(jq_field "$T/scan.jsonl" q0003.jpg verdict)" = unknown ]'
check "an exact digest match wins over a PDQ match" \
  '[ "$(jq_field "$T/scan.jsonl" exact.jpg verdict)" = benign ] && [ "$(jq_field "$T/scan.jsonl" exact.jpg match.by)" = md5 ]'
check "an image that does not decode and that no digest decides is a corrupt error item, pdq null, with the reason" \
  '[ "$(jq_field "$T/scan.jsonl" broken.jpg verdict)" = error ] && [ "$(jq_field "$T/scan.jsonl" broken.jpg pdq)" = null ] &&
   [ "$(jq_field "$T/scan.jsonl" broken.jpg error_kind)" = corrupt ] &&
   jq_field "$T/scan.jsonl" broken.jpg error | grep -q "^picture decoder: truncated at offset 27: jpeg: "'
check "unrelated pictures stay unknown" '[ "$(jq_field "$T/scan.jsonl" e28_text.png verdict)" = unknown ]'
check "CSV fills the pdq and pdq_quality columns" \
  'grep "e28_text.png" "$T/scan.csv" | grep -q ",$(echo "$want" | cut -d, -f1),$(echo "$want" | cut -d, -f2),"'
d=$(jq_field "$T/scan.jsonl" sharpen-a-lot.jpg match.distance)
"$VIGIL" scan --quiet --pdq-distance $((d - 1)) --jsonl "$T/r.jsonl" "$T/ev"
check "--pdq-distance narrows the radius" '[ "$(jq_field "$T/r.jsonl" sharpen-a-lot.jpg verdict)" = unknown ]'
"$VIGIL" scan --quiet --pdq-distance 32 --jsonl "$T/x.jsonl" "$T/ev" 2>/dev/null; rc=$?
check "--pdq-distance above 31 is a usage error" '[ $rc -eq 2 ]'
"$VIGIL" scan --quiet --no-pdq --jsonl "$T/np.jsonl" "$T/ev"
check "--no-pdq leaves pdq null and finds no near match" \
  '[ "$(jq_field "$T/np.jsonl" e28_text.png pdq)" = null ] && [ "$(jq_field "$T/np.jsonl" bridge-5-flipx.jpg verdict)" = unknown ]'
check "the summary counts the near items" \
  'tail -1 "$T/scan.jsonl" | grep -q "\"near\":3,"'
# pictures inside archives are decoded from the member's bytes, in the same read
mkdir -p "$T/zipsrc" "$T/ev3"
cp "$V/threatexchange/bridge-mods/blur-a-little.jpg" "$T/zipsrc/"
(cd "$T/zipsrc" && python3 -c 'import zipfile; z = zipfile.ZipFile("../ev3/pics.zip", "w"); z.write("blur-a-little.jpg"); z.close()')
"$VIGIL" scan --quiet --jsonl "$T/s3.jsonl" "$T/ev3"
check "an image inside a zip gets its PDQ and a near verdict" \
  '[ "$(jq_field "$T/s3.jsonl" blur-a-little.jpg pdq)" = "$("$VIGIL" pdq --quiet "$T/zipsrc/blur-a-little.jpg" | cut -d, -f1)" ] &&
   [ "$(jq_field "$T/s3.jsonl" blur-a-little.jpg verdict)" = near ] && [ "$(jq_field "$T/s3.jsonl" blur-a-little.jpg container)" != null ]'

# a JPEG over 4 MB is decoded from its file, read again, instead of from its bytes kept in memory:
# the same hash as vigil pdq's decode of the bytes (a synthetic noise picture, progressive)
mkdir -p "$T/ev4"
python3 -c 'import random, sys
w, h = 2200, 1800
sys.stdout.buffer.write(b"P6 %d %d 255\n" % (w, h) + random.Random(4).randbytes(w * h * 3))' |
  cjpeg -progressive -quality 100 >"$T/ev4/noise.jpg"
"$VIGIL" scan --quiet --jsonl "$T/s4.jsonl" "$T/ev4"
check "a progressive JPEG over 4 MB hashes from its file as from its bytes" \
  '[ "$(stat -c %s "$T/ev4/noise.jpg")" -gt 4194304 ] &&
   [ "$(jq_field "$T/s4.jsonl" noise.jpg pdq)" = "$("$VIGIL" pdq --quiet "$T/ev4/noise.jpg" | cut -d, -f1)" ]'

# vigil hash --pdq output imports with its pdq column: digests and PDQ from one list
mkdir -p "$T/ref" "$T/ev2"
cp "$V/threatexchange/labelme/q0122.jpg" "$V/threatexchange/dih/bridge-1-original.jpg" "$T/ref/"
echo "text" >"$T/ref/readme.txt"
"$VIGIL" hash --pdq --quiet "$T/ref" >"$T/lists/ref.hashdeep"
"$VIGIL" hashset import --name ref --kind interest "$T/lists/ref.hashdeep" >"$T/imp2.out" 2>&1; rc=$?
cp "$V/threatexchange/dih/bridge-7-flip-plus-1.jpg" "$V/threatexchange/labelme/q0122.jpg" "$T/ev2/"
"$VIGIL" hashset remove --name known >/dev/null 2>&1
"$VIGIL" scan --quiet --jsonl "$T/s2.jsonl" "$T/ev2"
check "a vigil hash --pdq list imports (pdq column) and finds exact and near copies" \
  '[ $rc -eq 0 ] && grep -q "3 added" "$T/imp2.out" &&
   [ "$(jq_field "$T/s2.jsonl" q0122.jpg verdict)" = interest ] && [ "$(jq_field "$T/s2.jsonl" q0122.jpg match.by)" = sha256 ] &&
   [ "$(jq_field "$T/s2.jsonl" bridge-7-flip-plus-1.jpg verdict)" = near ] && [ "$(jq_field "$T/s2.jsonl" bridge-7-flip-plus-1.jpg match.set)" = ref ]'
echo "1..$n"
