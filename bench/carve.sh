#!/usr/bin/env bash
# bench/carve.sh [BUILD [IMAGE_CORPUS]]: the picture carver (src/carve) on a seeded
# file of noise (1 GiB by default) with pictures planted whole at random offsets and
# truncated decoys, against foremost on the same file in the same run.
# Prints figures, never pass/fail: carving MB/s, peak RSS, hits found vs planted
# (a hit counts when offset, length and SHA-256 all match a planted picture), decoys
# and noise reported as pictures (should be 0), and for foremost its time, RSS, hit
# count and how many of its files are byte-identical to a planted picture.
#
#   Pictures: the JPEGs and PNGs of scripts/corpus/make_image_corpus.sh (made in
#   IMAGE_CORPUS, default $VIGIL_BENCH_DIR/image-corpus, when absent; any existing
#   corpus dir with jpeg/ and png/ may be given), of which CARVE_JPEG (300) and
#   CARVE_PNG (100) are planted, plus CARVE_OTHER (40) each of GIF, BMP and WebP
#   converted by ImageMagick from the PNGs at 320x240. CARVE_SIZE bytes (1 GiB),
#   CARVE_SEED (1), CARVE_DECOYS (40). Times: median of BENCH_REPEAT (3) runs from
#   the page cache; floor = `cat FILE > /dev/null`. MB = 10^6 bytes.
#   foremost: `foremost -Q -t jpg,png,gif,bmp` (it has no WebP type).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
. bench/lib.sh
IMG_CORPUS=${2:-$BENCH_DIR/image-corpus}
SIZE=${CARVE_SIZE:-1073741824}
SEED=${CARVE_SEED:-1}
NJPEG=${CARVE_JPEG:-300}
NPNG=${CARVE_PNG:-100}
NOTHER=${CARVE_OTHER:-40}
NDECOYS=${CARVE_DECOYS:-40}
DRV=$BUILD/bench/bench_carve
[ -x "$DRV" ] || die "$DRV not found (run make first)"
need_tools python3 foremost sha256sum
[ -x /usr/bin/convert ] || die "/usr/bin/convert not found (imagemagick, scripts/install-deps.sh)"
mkdir -p "$BENCH_DIR"

if [ ! -d "$IMG_CORPUS/jpeg" ] || [ ! -d "$IMG_CORPUS/png" ]; then
  echo "corpus: making $IMG_CORPUS with make_image_corpus.sh --jpeg $NJPEG --png $NPNG"
  bash "$CORPUS_SCRIPTS/make_image_corpus.sh" --jpeg "$NJPEG" --png "$NPNG" "$IMG_CORPUS" >/dev/null
fi

# GIF, BMP and WebP made from the first PNGs, once per (seed-independent) count.
PICS=$BENCH_DIR/carve-pictures-$NOTHER
if [ ! -f "$PICS/done" ]; then
  rm -rf "$PICS"; mkdir -p "$PICS"
  find "$IMG_CORPUS/png" -name '*.png' | sort >"$BENCH_DIR/carve-png.list"
  head -n "$NOTHER" "$BENCH_DIR/carve-png.list" | while read -r p; do
    b=$(basename "$p" .png)
    /usr/bin/convert "$p" -strip -resize 320x240 "$PICS/$b.gif"
    /usr/bin/convert "$p" -strip -resize 320x240 -type TrueColor "BMP3:$PICS/$b.bmp"
    /usr/bin/convert "$p" -strip -resize 320x240 -quality 80 "$PICS/$b.webp"
  done
  rm -f "$BENCH_DIR/carve-png.list"
  touch "$PICS/done"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/vigil-carve-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
# (sorted into files first: `sort | head` would fail the script under pipefail when sort gets SIGPIPE)
find "$IMG_CORPUS/jpeg" -name '*.jpg' | sort >"$T/jpeg"
find "$IMG_CORPUS/png" -name '*.png' | sort >"$T/png"
find "$PICS" \( -name '*.gif' -o -name '*.bmp' -o -name '*.webp' \) | sort >"$T/other"
{ head -n "$NJPEG" "$T/jpeg"; head -n "$NPNG" "$T/png"; cat "$T/other"; } >"$T/list"
IMG=$BENCH_DIR/carve-$SIZE-$SEED.bin
MAN=$IMG.manifest
key="$SIZE $SEED $NDECOYS $(sha256sum "$T/list" | cut -c1-16)"
if [ ! -f "$IMG.done" ] || [ "$(cat "$IMG.done")" != "$key" ]; then
  rm -f "$IMG.done"
  python3 bench/mkcarve.py "$IMG" "$MAN" "$SIZE" "$SEED" "$NDECOYS" "$T/list"
  echo "$key" >"$IMG.done"
fi

planted=$(grep -c '^whole ' "$MAN")
decoys=$(grep -c '^decoy ' "$MAN")
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); foremost $(dpkg-query -W -f='${Version}' foremost)"
echo "file: $IMG, $SIZE bytes, seed $SEED: $planted pictures planted whole ($(awk '$1 == "whole" { print $4 }' "$MAN" | sort | uniq -c | awk '{ printf "%s%s %s", s, $1, $2; s = ", " }')), $decoys truncated decoys"
echo "repeats: $REPEAT (median time, largest peak RSS)"
cat "$IMG" >/dev/null

measure floor cat "$IMG"
floor=$M_SECS
echo "bench carve_floor_cat $(mbps "$SIZE" "$floor") MB/s (cat FILE > /dev/null from the page cache, $floor s)"

measure vigil "$DRV" "$IMG"
vsecs=$M_SECS
vcpu=$M_CPU
echo "bench carve_vigil $(mbps "$SIZE" "$vsecs") MB/s wall ($vsecs s; runs: $M_ALL), cpu $M_CPU s, peak_rss $(mib "$M_RSS_KB") MiB, $(ratio "$vsecs" "$floor")x the floor"
"$DRV" --list "$IMG" >"$T/vigil.out"
grep '^bench carve_counts' "$T/vigil.out" | sed 's/^bench carve_counts/bench carve_vigil_counts/'
python3 - "$MAN" "$T/vigil.out" <<'EOF'
import sys
whole, decoys = {}, {}
for line in open(sys.argv[1]):
    k, off, ln, typ, sha, path = line.split(maxsplit=5)
    (whole if k == "whole" else decoys)[int(off)] = (int(ln), sha, typ)
found, false_hits, decoy_hits, by_type = 0, 0, 0, {}
for line in open(sys.argv[2]):
    if not line.startswith("hit "):
        continue
    _, off, ln, typ, sha = line.split()
    w = whole.get(int(off))
    if w and w[0] == int(ln) and w[1] == sha:
        found += 1
        by_type[typ] = by_type.get(typ, 0) + 1
    elif int(off) in decoys:
        decoy_hits += 1
    else:
        false_hits += 1
per_type = {}
for ln, sha, typ in whole.values():
    per_type[typ] = per_type.get(typ, 0) + 1
print("bench carve_vigil_hits found %d of %d planted (%s); decoys reported %d of %d; other hits %d" % (
    found, len(whole), ", ".join("%s %d/%d" % (t, by_type.get(t, 0), n) for t, n in sorted(per_type.items())),
    decoy_hits, len(decoys), false_hits))
EOF

measure foremost bash -c 'rm -rf "$1"; foremost -Q -t jpg,png,gif,bmp -i "$2" -o "$1"' _ "$T/fm" "$IMG"
fsecs=$M_SECS
fcpu=$M_CPU
echo "bench carve_foremost $(mbps "$SIZE" "$fsecs") MB/s wall ($fsecs s; runs: $M_ALL), cpu $M_CPU s, peak_rss $(mib "$M_RSS_KB") MiB"
find "$T/fm" -type f ! -name audit.txt -print0 | xargs -0 -r sha256sum | awk '{ print $1 }' >"$T/fm.sha"
python3 - "$MAN" "$T/fm.sha" "$T/fm" <<'EOF'
import os, sys
whole = {}
for line in open(sys.argv[1]):
    k, off, ln, typ, sha, path = line.split(maxsplit=5)
    if k == "whole":
        whole[sha] = typ
shas = [l.strip() for l in open(sys.argv[2]) if l.strip()]
real = {s for s in shas if s in whole}
per_dir = {d: len(os.listdir(os.path.join(sys.argv[3], d))) for d in sorted(os.listdir(sys.argv[3]))
           if os.path.isdir(os.path.join(sys.argv[3], d))}
planted_types = {}
for t in whole.values():
    planted_types[t] = planted_types.get(t, 0) + 1
print("bench carve_foremost_hits %d files (%s); byte-identical to a planted picture %d distinct of %d planted "
      "(%d of them WebP, a type foremost lacks); other files %d" % (
          len(shas), ", ".join("%s %d" % kv for kv in per_dir.items()), len(real), len(whole),
          planted_types.get("webp", 0), sum(1 for s in shas if s not in whole)))
EOF
echo "bench carve_vigil_vs_foremost $(ratio "$fsecs" "$vsecs")x faster by wall time, $(ratio "$fcpu" "$vcpu")x by cpu time (foremost / vigil; cpu is the steadier on a shared machine)"
[ "$BUSY_RUNS" -gt 0 ] && echo "bench: note: $BUSY_RUNS timed run(s) started while the machine was busy with other work"
exit 0
