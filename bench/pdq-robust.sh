#!/usr/bin/env bash
# PDQ detection quality on benign wallpaper photos (Debian packages mate-backgrounds and
# gnome-backgrounds): each photo is altered with ImageMagick (JPEG quality, resize, crop,
# rotation, mirror, grey, brightness, contrast, blur, a text watermark, a border); the
# originals' PDQ hashes are imported as a hash set and the altered copies are scanned with
# `vigil scan`. Per alteration: recall at distance 31 (the copy is "near" to its own
# original), mean and max distance (best of the eight orientations), and how many copies
# fall under quality 50; then the false-match rate among pairs of different photos at 31
# and 20. Prints figures, never pass/fail.
# Both decoding modes (--pdq-exact, --pdq-scaled) run on the same copies; their recall tables are
# printed side by side at the end.
# usage: bench/pdq-robust.sh [BUILD] [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
W=${2:-${TMPDIR:-/tmp}/vigil-pdq-robust}
VIGIL=$(realpath "$BUILD/vigil")
IM=/usr/bin/convert
export MAGICK_THREAD_LIMIT=1
export FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf   # fonts-dejavu-core
[ -x "$IM" ] || { echo "bench/pdq-robust: needs ImageMagick (apt-get install imagemagick)" >&2; exit 2; }
SRC=(/usr/share/backgrounds/mate /usr/share/backgrounds/gnome)
[ -d "${SRC[0]}" ] || { echo "bench/pdq-robust: needs mate-backgrounds (and gnome-backgrounds)" >&2; exit 2; }
rm -rf "$W"
mkdir -p "$W/orig" "$W/alt"

# Originals: every raster wallpaper with PDQ quality >= 50, one of each light/dark pair and one
# size of each picture, scaled to at most 1920 pixels wide (JPEG quality 95).
"$VIGIL" pdq --quiet "${SRC[@]}" 2>/dev/null | while IFS=, read -r h q path; do
  [ "$q" -ge 50 ] || continue
  case "$path" in *-d.webp|*_[0-9]*x[0-9]*.jpg) continue ;; esac
  name=$(basename "${path%.*}")
  "$IM" "$path" -resize '1920x1920>' -quality 95 "$W/orig/$name.jpg"
done
ls "$W/orig" | sed 's/\.jpg$//' >"$W/names"

alterations=(jpeg90 jpeg70 jpeg50 jpeg30 resize75 resize50 resize25 crop5 crop10 crop20 rot90 rot180
             mirror grey bright+20 bright-20 contrast blur watermark border10)
alter() { # name alteration
  local in="$W/orig/$1.jpg" out="$W/alt/$1@$2.jpg" w
  case "$2" in
    jpeg*) "$IM" "$in" -quality "${2#jpeg}" "$out" ;;
    resize*) "$IM" "$in" -resize "${2#resize}%" -quality 92 "$out" ;;
    crop*) local k=$((100 - ${2#crop})); "$IM" "$in" -gravity center -crop "${k}%x${k}%+0+0" +repage -quality 92 "$out" ;;
    rot90) "$IM" "$in" -rotate 90 -quality 92 "$out" ;;
    rot180) "$IM" "$in" -rotate 180 -quality 92 "$out" ;;
    mirror) "$IM" "$in" -flop -quality 92 "$out" ;;
    grey) "$IM" "$in" -colorspace Gray -quality 92 "$out" ;;
    bright+20) "$IM" "$in" -brightness-contrast 20x0 -quality 92 "$out" ;;
    bright-20) "$IM" "$in" -brightness-contrast -20x0 -quality 92 "$out" ;;
    contrast) "$IM" "$in" -brightness-contrast 0x40 -quality 92 "$out" ;;
    blur) "$IM" "$in" -blur 0x4 -quality 92 "$out" ;;
    watermark) w=$(identify -format %w "$in")
      "$IM" "$in" -font "$FONT" -gravity southeast -pointsize $((w / 18)) -fill white -stroke black -strokewidth 2 \
        -annotate +20+20 'CASE 2026-0042 EXHIBIT 7' -quality 92 "$out" ;;
    border10) "$IM" "$in" -bordercolor black -border 10% -quality 92 "$out" ;;
  esac
}
export -f alter
export IM W
for n in $(cat "$W/names"); do for a in "${alterations[@]}"; do echo "$n $a"; done; done |
  xargs -P "$(nproc)" -n 2 bash -c 'alter "$0" "$1"'

# The originals become a known set; the altered copies are scanned against it, once per decoding
# mode (--pdq-exact: the reference's full decode; --pdq-scaled: large JPEGs at reduced DCT scale),
# originals and copies hashed in the same mode.
for mode in exact scaled; do
M="$W/$mode"
mkdir -p "$M"
export VIGIL_DB="$M/vigil.db"
"$VIGIL" pdq --quiet --pdq-$mode "$W/orig" | awk -F, '{print $1","$2}' >"$M/orig.pdq"
"$VIGIL" pdq --quiet --pdq-$mode "$W/orig" >"$M/orig.csv"
"$VIGIL" hashset import --name originals --kind illegal --format pdq "$M/orig.pdq" >/dev/null
"$VIGIL" scan --quiet --pdq-$mode --jsonl "$M/scan.jsonl" "$W/alt"
"$VIGIL" pdq --quiet --pdq-$mode --dihedral "$W/alt" "$W/orig" >"$M/dihedral.csv"

echo "bench pdq_robust_mode $mode"
python3 - "$M" "${alterations[@]}" <<'PY'
import json, os, sys
W, alts = sys.argv[1], sys.argv[2:]
table = open(os.path.join(W, "table.tsv"), "w")
def pc(a, b): return bin(int(a, 16) ^ int(b, 16)).count("1")
orig = {}  # name -> plain hash
for line in open(os.path.join(W, "orig.csv")):
    h, q, p = line.rstrip("\n").split(",", 2)
    orig[os.path.basename(p)[:-4]] = h
dih, qual = {}, {}  # file key -> 8 hashes, quality
for line in open(os.path.join(W, "dihedral.csv")):
    f = line.rstrip("\n").split(",")
    p = ",".join(f[9:])
    key = os.path.basename(p)[:-4]
    if "/orig/" in p:
        key = key + "@orig"
    dih[key], qual[key] = f[:8], int(f[8])
scan = {}
for line in open(os.path.join(W, "scan.jsonl")):
    o = json.loads(line)
    if "summary" in o:
        continue
    scan[os.path.basename(o["path"])[:-4]] = o
names = sorted(orig)
print("bench pdq_robust: %d benign wallpaper photos (mate-backgrounds, gnome-backgrounds), %d alterations, "
      "match = scan verdict near to its own original (quality >= 50, distance <= 31, any of 8 orientations)"
      % (len(names), len(alts)))
print("%-11s %7s %6s %6s %6s %6s" % ("alteration", "recall", "mean", "max", "q<50", "plain"))
for a in alts:
    found, ds, low, plain = 0, [], 0, []
    for n in names:
        k = n + "@" + a
        if k not in dih:
            continue
        d = min(pc(h, orig[n]) for h in dih[k])
        ds.append(d)
        plain.append(pc(dih[k][0], orig[n]))
        low += qual[k] < 50
        s = scan.get(k)
        if s and s["verdict"] == "near" and s["match"]["entry"] == orig[n]:
            found += 1
    print("%-11s %6.0f%% %6.1f %6d %6d %6.1f" % (a, 100.0 * found / len(ds), sum(ds) / len(ds), max(ds), low,
                                               sum(plain) / len(plain)))
    table.write("%s\t%.0f\t%.1f\t%d\n" % (a, 100.0 * found / len(ds), sum(ds) / len(ds), max(ds)))
print("(recall: share of copies found near their own original; mean/max: distance to the original, best of the\n"
      " 8 orientations; q<50: copies too featureless to match; plain: mean distance without orientations)")
# False matches: pairs of different photos, each side as a picture and the other as a list entry.
files = [k for k in dih if qual[k] >= 50]
pairs = fm31 = fm20 = 0
closest = 256
for i, a in enumerate(files):
    for b in files[i + 1:]:
        if a.split("@")[0] == b.split("@")[0]:
            continue
        d = min(pc(h, dih[b][0]) for h in dih[a])
        pairs += 1
        fm31 += d <= 31
        fm20 += d <= 20
        closest = min(closest, d)
# Which photos make the close pairs (variants of one design count as different photos here).
by_photo = {}
for i, a in enumerate(files):
    for b in files[i + 1:]:
        pa, pb = a.split("@")[0], b.split("@")[0]
        if pa == pb:
            continue
        d = min(pc(h, dih[b][0]) for h in dih[a])
        if d <= 31:
            key = tuple(sorted((pa, pb)))
            by_photo[key] = min(by_photo.get(key, 256), d)
for (pa, pb), d in sorted(by_photo.items(), key=lambda kv: kv[1])[:8]:
    print("bench pdq_robust_close_pair %s ~ %s: %d bits (closest copies)" % (pa, pb, d))
print("bench pdq_robust_false_matches %d pairs of different photos (originals and copies, quality >= 50): "
      "%d within 31 (%.4f%%), %d within 20 (%.4f%%); closest pair %d bits"
      % (pairs, fm31, 100.0 * fm31 / pairs, fm20, 100.0 * fm20 / pairs, closest))
PY
done
# Both modes side by side: recall, mean and max distance per alteration.
echo "bench pdq_robust_side_by_side (exact | scaled)"
printf "%-11s %7s %6s %4s | %7s %6s %4s\n" alteration recall mean max recall mean max
paste "$W/exact/table.tsv" "$W/scaled/table.tsv" |
  awk -F'\t' '{printf "%-11s %6s%% %6s %4s | %6s%% %6s %4s%s\n", $1, $2, $3, $4, $6, $7, $8, ($6 < $2 ? "  worse" : "")}'
