#!/usr/bin/env bash
# make demo: a small triage end to end on benign photographs.
# Downloads Debian's mate-backgrounds wallpapers (no root needed), builds a demo "known"
# hash set from some of them (labelled category "demo"; the photos are ordinary
# wallpapers), makes a demo "seized" folder with the photos, a zip holding more of them
# and some files nobody knows, then runs vigil scan and says where the results are.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
VIGIL="$PWD/$BUILD/vigil"
OUT="$PWD/demo-out"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/vigil-demo"

mkdir -p "$CACHE"
deb=$(ls "$CACHE"/mate-backgrounds_*.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
  echo "demo: downloading the mate-backgrounds package (benign wallpapers, about 47 MB)..."
  (cd "$CACHE" && apt-get download mate-backgrounds >/dev/null 2>&1) || {
    echo "demo: apt-get download mate-backgrounds failed (is apt configured?)" >&2; exit 1; }
  deb=$(ls "$CACHE"/mate-backgrounds_*.deb | head -n 1)
fi

rm -rf "$OUT"
mkdir -p "$OUT/photos" "$OUT/seized/pictures" "$OUT/seized/documents"
dpkg-deb -x "$deb" "$OUT/photos"
mapfile -t photos < <(find "$OUT/photos" -type f \( -name '*.jpg' -o -name '*.png' \) | LC_ALL=C sort)
[ ${#photos[@]} -ge 12 ] || { echo "demo: expected at least 12 photos in $deb" >&2; exit 1; }

# The "seized" folder: most photos loose, four more inside a zip, a few unknown files.
for ((i = 0; i < ${#photos[@]} - 4; i++)); do cp "${photos[$i]}" "$OUT/seized/pictures/"; done
mkdir -p "$OUT/ziptmp"
for ((i = ${#photos[@]} - 4; i < ${#photos[@]}; i++)); do cp "${photos[$i]}" "$OUT/ziptmp/"; done
(cd "$OUT/ziptmp" && zip -q -r "$OUT/seized/documents/holiday.zip" .)
rm -rf "$OUT/ziptmp"
for n in 1 2 3; do openssl rand -out "$OUT/seized/documents/unknown-$n.bin" $((4096 * n)); done
printf 'shopping list\nmilk\n' >"$OUT/seized/documents/notes.txt"

# An altered copy of a known photo (half size, recompressed): no digest matches it, PDQ does.
/usr/bin/convert "${photos[3]}" -resize 50% -quality 70 "$OUT/seized/pictures/resized-copy.jpg"

# Demo sets: every third photo is "known" (one of them only inside the zip), two are benign.
: >"$OUT/demo-known.sha256"
for ((i = 0; i < ${#photos[@]}; i += 3)); do sha256sum "${photos[$i]}" >>"$OUT/demo-known.sha256"; done
sha256sum "${photos[1]}" "${photos[2]}" >"$OUT/demo-benign.sha256"

export VIGIL_DB="$OUT/vigil.db"
"$VIGIL" hashset import --name demo-known --kind illegal --category demo --series demo-series \
  "$OUT/demo-known.sha256" >/dev/null
"$VIGIL" hashset import --name demo-benign --kind benign "$OUT/demo-benign.sha256" >/dev/null
for ((i = 0; i < ${#photos[@]}; i += 3)); do "$VIGIL" pdq --quiet "${photos[$i]}"; done >"$OUT/demo-known.pdq"
"$VIGIL" hashset import --name demo-known-pdq --kind illegal --category demo --series demo-series \
  --format pdq "$OUT/demo-known.pdq" >/dev/null
"$VIGIL" hashset list
echo
"$VIGIL" scan --quiet --jsonl "$OUT/scan.jsonl" --csv "$OUT/scan.csv" --report "$OUT/report.html" "$OUT/seized"
echo "demo: scanned $OUT/seized"
echo "demo: JSONL  $OUT/scan.jsonl"
echo "demo: CSV    $OUT/scan.csv"
echo "demo: report $OUT/report.html"
echo "demo: summary: $(tail -n 1 "$OUT/scan.jsonl")"
grep '"verdict":"near"' "$OUT/scan.jsonl" | python3 -c 'import json, sys
for line in sys.stdin:
    o = json.loads(line)
    print("demo: near match: %s ~ set %s, distance %s" % (o["path"], o["match"]["set"], o["match"]["distance"]))'

