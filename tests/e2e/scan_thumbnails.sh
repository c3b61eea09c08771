#!/usr/bin/env bash
# vigil scan --thumbnails: only with --report; never picture content in JSONL or CSV, nor in a
# report without the option; with it, thumbnails of unknown pictures and none of a picture whose
# digest is in a known-illegal set (a benign test photo placed in a test set), unless =all.
# Benign test pictures only.
. "$(dirname "$0")/lib.sh"
P=$TESTDATA/pdq

S=$T/seized
mkdir -p "$S/pics" "$S/docs"
cp "$P/synthetic/e22_444.jpg" "$P/synthetic/e28_text.png" "$P/synthetic/e21_grey_1comp.jpg" "$S/pics/"
cp "$P/threatexchange/labelme/q0003.jpg" "$S/pics/listed.jpg"   # the "known illegal" test photo
echo "not a picture" >"$S/docs/notes.txt"
md5sum "$S/pics/listed.jpg" | cut -d' ' -f1 >"$T/listed.md5"
vigil hashset import --name test-listed --kind illegal --category A "$T/listed.md5" >/dev/null 2>&1
cd "$T"

vigil scan --quiet --thumbnails --jsonl x.jsonl seized >/dev/null 2>err.txt
is "--thumbnails without --report is a usage error" "$?" "2"
like "... saying it needs --report" "$(cat err.txt)" '^vigil: scan: --thumbnails needs --report'
vigil scan --quiet --thumbnails=some --report x.html seized >/dev/null 2>err.txt
is "--thumbnails takes only =all" "$?" "2"
like "... naming the value" "$(cat err.txt)" "^vigil: scan: --thumbnails takes no value or '=all', not 'some'"
vigil scan --quiet --no-pdq --thumbnails --report x.html seized >/dev/null 2>err.txt
is "--thumbnails with --no-pdq is a usage error" "$?" "2"
[ ! -e x.html ] && [ ! -e x.jsonl ]
is "... and no output is written" "$?" "0"

# No picture content anywhere without the option: no data URI, no base64 or raw JPEG.
no_picture() { ! grep -qaE 'data:image|/9j/' "$1" && ! LC_ALL=C grep -qa $'\xff\xd8\xff' "$1"; }
vigil scan --quiet --jsonl plain.jsonl --csv plain.csv --report plain.html seized
is "scan without --thumbnails exits 0" "$?" "0"
check "no picture content in the JSONL" no_picture plain.jsonl
check "no picture content in the CSV" no_picture plain.csv
check "no picture content in the report" no_picture plain.html
is "the listed photo is illegal" "$(jl plain.jsonl "by_path['seized/pics/listed.jpg']['verdict']")" "illegal"

vigil scan --quiet --thumbnails=all --jsonl thumbs.jsonl --csv thumbs.csv --report all.html seized
is "scan --thumbnails=all exits 0" "$?" "0"
check "with thumbnails, still no picture content in the JSONL" no_picture thumbs.jsonl
check "with thumbnails, still no picture content in the CSV" no_picture thumbs.csv
items() { jl "$1" "sorted((i['path'], i['verdict'], i.get('md5'), i.get('pdq')) for i in items)"; }
is "thumbnails change no item in the JSONL" "$(items thumbs.jsonl)" "$(items plain.jsonl)"
cmp -s plain.csv thumbs.csv
is "... nor in the CSV" "$?" "0"

vigil scan --quiet --thumbnails --report some.html seized
is "scan --thumbnails exits 0" "$?" "0"
# The report's own rendering of thumbnails arrives with the report rewrite; until src/report/html.c
# knows about them, the item stream is checked by unit_thumb.
if grep -q thumb "${SRCDIR:-$E2E_DIR/../..}/src/report/html.c"; then
  uris() { grep -aoE 'data:image/jpeg;base64,[A-Za-z0-9+/=]+' "$1" | sort -u; }
  unknown=$(jl plain.jsonl "sum(1 for i in items if i['verdict'] == 'unknown' and i.get('pdq'))")
  is "the report holds a thumbnail of each unknown picture" "$(uris some.html | wc -l)" "$unknown"
  is "... and =all one more: the listed photo's" "$(uris all.html | wc -l)" "$((unknown + 1))"
  is "... every thumbnail of the first is in the second" "$(comm -23 <(uris some.html) <(uris all.html) | wc -l)" "0"
else
  skip "the report holds thumbnails of unknown pictures, not of the listed one" \
    "src/report/html.c does not render thumbnails yet"
fi
done_testing
