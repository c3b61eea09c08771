#!/usr/bin/env bash
# The cost of scan --thumbnails: the same scan with --report, without and with thumbnails, over
# 2,000 benign synthetic pictures and an empty registry, so every picture is unknown and gets a
# thumbnail (the worst case). The pictures: 50 made by scripts/corpus/make_image_corpus.sh (40 JPEGs
# 1024x768, 10 PNGs 800x600, seed 1), each copied 40 times (making 2,000 distinct ones takes the
# generator most of an hour on a busy machine; a copy is read, hashed, decoded and thumbnailed
# like any file). items/s, CPU and peak RSS both ways and the ratios; runs of the two
# alternate so that a busy moment hits both. Median of RUNS runs (default 3), page cache warm.
# Prints figures, never pass/fail.
# usage: bench/thumbnails.sh [BUILD] [BASE]   (BASE, the 50 pictures, is made when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
BASE=${2:-${TMPDIR:-/tmp}/vigil-thumb-corpus}
COPIES=${COPIES:-40}
RUNS=${RUNS:-3}
JOBS=${JOBS:-2}
VIGIL=$BUILD/vigil
[ -x "$VIGIL" ] || { echo "bench/thumbnails: build first (make)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench/thumbnails: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
if [ ! -d "$BASE/jpeg" ] || [ ! -d "$BASE/png" ]; then
  scripts/corpus/make_image_corpus.sh --jpeg 40 --png 10 "$BASE" >&2
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
CORPUS=$T/corpus
for c in $(seq -w 1 "$COPIES"); do
  mkdir -p "$CORPUS/c$c"
  cp "$BASE"/jpeg/*.jpg "$BASE"/png/*.png "$CORPUS/c$c/"
done
export VIGIL_DB="$T/vigil.db"
"$VIGIL" unit list >/dev/null 2>&1 || true   # open the registry once, outside the timings
n=$(find "$CORPUS" -type f | wc -l)
find "$CORPUS" -type f -exec cat {} + >/dev/null   # warm the page cache

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for i in $(seq "$RUNS"); do
  for mode in plain thumbs; do
    extra=()
    [ "$mode" = thumbs ] && extra=(--thumbnails)
    /usr/bin/time -f "%e %U %S %M" -o "$T/time" \
      "$VIGIL" scan --quiet --jobs "$JOBS" --report "$T/$mode.html" "${extra[@]}" "$CORPUS"
    cat "$T/time" >>"$T/$mode.runs"
  done
done

stats() { # mode: "wall cpu maxrss_kib" (median wall, median CPU, largest RSS)
  echo "$(cut -d' ' -f1 <"$T/$1.runs" | median) $(awk '{print $2 + $3}' <"$T/$1.runs" | median) $(cut -d' ' -f4 <"$T/$1.runs" | sort -n | tail -1)"
}
read -r pw pc pr < <(stats plain)
read -r tw tc tr < <(stats thumbs)
echo "bench thumbnails: $n pictures ($COPIES copies of the 50 in $BASE), --jobs $JOBS, $RUNS runs each, median; $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
awk -v n="$n" -v pw="$pw" -v pc="$pc" -v pr="$pr" -v tw="$tw" -v tc="$tc" -v tr="$tr" 'BEGIN {
  printf "bench thumbnails_off %d items wall %.2f s = %.1f items/s; cpu %.2f s = %.2f ms/item; peak_rss %.1f MiB\n", n, pw, n / pw, pc, 1000 * pc / n, pr / 1024
  printf "bench thumbnails_on  %d items wall %.2f s = %.1f items/s; cpu %.2f s = %.2f ms/item; peak_rss %.1f MiB\n", n, tw, n / tw, tc, 1000 * tc / n, tr / 1024
  printf "bench thumbnails_ratio on/off: items/s %.3f, cpu %.3f (+%.2f ms/item), peak_rss %.3f\n", pw / tw, tc / pc, 1000 * (tc - pc) / n, tr / pr
}'
