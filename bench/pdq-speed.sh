#!/usr/bin/env bash
# PDQ speed per core and what scaled JPEG decoding costs in accuracy:
#  - small icons (/usr/share/icons): pictures/s per core of `vigil pdq --jobs 1` (CPU time, user+sys);
#  - large photos (JPEGs with a short side of 1024 px or more, duplicates removed): pictures/s per core,
#    --pdq-exact against --pdq-scaled, with `djpeg` (full and the same DCT scale) as the plain-decoder
#    peer in the same run;
#  - the distance of each scaled-decode hash from the full-decode hash: histogram, mean, p50/p90/p99/max.
# Photos: $VIGIL_PHOTOS (default $VIGIL_BENCH_DIR/photos, bench data /work/bench-data): any folder of
# benign photos, e.g. the wallpapers of the Debian packages mate-backgrounds, gnome-backgrounds,
# ukui-wallpapers, lomiri-wallpapers*, plasma-workspace-wallpapers, sway-backgrounds (apt-get download,
# dpkg-deb -x) and the repositories pop-os/wallpapers, elementary/wallpapers,
# ubuntu-mate/ubuntu-mate-artwork, linuxdeepin/deepin-wallpapers. Median of RUNS runs (default 3).
# Prints figures, never pass/fail.
# usage: bench/pdq-speed.sh [BUILD]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
RUNS=${RUNS:-3}
VIGIL=$(realpath "$BUILD/vigil")
PHOTOS=${VIGIL_PHOTOS:-${VIGIL_BENCH_DIR:-/work/bench-data}/photos}
ICONS=${VIGIL_ICONS:-/usr/share/icons}
for t in /usr/bin/time djpeg identify python3; do
  command -v "$t" >/dev/null || { echo "bench/pdq-speed: needs $t (time, libjpeg-turbo-progs, imagemagick)" >&2; exit 2; }
done
[ -d "$PHOTOS" ] || { echo "bench/pdq-speed: no photo folder $PHOTOS (set VIGIL_PHOTOS)" >&2; exit 2; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# The large photos: unique JPEGs whose short side is 1024 or more, copied into one folder.
mkdir "$T/large"
python3 - "$PHOTOS" "$T/large" <<'PY'
import hashlib, os, subprocess, sys
src, dst = sys.argv[1], sys.argv[2]
seen, k = set(), 0
for root, _, files in sorted(os.walk(src)):
    for f in sorted(files):
        p = os.path.join(root, f)
        with open(p, "rb") as fh:
            b = fh.read()
        if b[:3] != b"\xff\xd8\xff" or hashlib.md5(b).digest() in seen:
            continue
        seen.add(hashlib.md5(b).digest())
        wh = subprocess.run(["identify", "-format", "%w %h", p + "[0]"], capture_output=True, text=True).stdout.split()
        if len(wh) == 2 and min(map(int, wh)) >= 1024:
            with open(os.path.join(dst, "%04d.jpg" % k), "wb") as out:
                out.write(b)
            k += 1
PY
nlarge=$(ls "$T/large" | wc -l)
nicons=$(find "$ICONS" -type f | wc -l)
find "$T/large" "$ICONS" -type f | xargs cat >/dev/null 2>&1 || true  # warm the page cache

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# CPU seconds (user+sys, median of RUNS) of a command pinned to one core; its stdout goes to $T/out
cpu() {
  local i
  for i in $(seq "$RUNS"); do
    /usr/bin/time -f "%U %S %M" -o "$T/time" taskset -c 0 "$@" >"$T/out" 2>/dev/null
    awk '{print $1 + $2, $3}' "$T/time"
  done >"$T/runs"
  echo "$(cut -d' ' -f1 <"$T/runs" | median) $(cut -d' ' -f2 <"$T/runs" | sort -n | tail -1)"
}
djpeg_all() { # scale: djpeg every large photo to /dev/null
  for f in "$T"/large/*.jpg; do djpeg -scale "$1" -outfile /dev/null "$f"; done
}
export -f djpeg_all
export T

echo "bench pdq_speed: $nicons icons under $ICONS, $nlarge large JPEG photos from $PHOTOS, $RUNS runs, median CPU time pinned to one core"
read -r c rss < <(cpu "$VIGIL" pdq --quiet --jobs 1 "$ICONS")
nhashed=$(wc -l <"$T/out")
awk -v n="$nhashed" -v c="$c" -v rss="$rss" 'BEGIN {
  printf "bench pdq_speed_icons %d pictures hashed, cpu %.2f s = %.0f pictures/s per core, %.3f ms each; peak_rss %.1f MiB\n", n, c, n/c, 1000*c/n, rss/1024 }'
read -r ce rsse < <(cpu "$VIGIL" pdq --quiet --jobs 1 --pdq-exact "$T/large")
cp "$T/out" "$T/exact.csv"
read -r cs rsss < <(cpu "$VIGIL" pdq --quiet --jobs 1 --pdq-scaled "$T/large")
cp "$T/out" "$T/scaled.csv"
read -r d1 _ < <(cpu bash -c 'djpeg_all 1/1')
read -r d4 _ < <(cpu bash -c 'djpeg_all 1/4')
awk -v n="$nlarge" -v ce="$ce" -v cs="$cs" -v d1="$d1" -v d4="$d4" -v re="$rsse" -v rs="$rsss" 'BEGIN {
  printf "bench pdq_speed_large_exact  cpu %.2f s = %.1f pictures/s per core, %.1f ms each; peak_rss %.1f MiB\n", ce, n/ce, 1000*ce/n, re/1024
  printf "bench pdq_speed_large_scaled cpu %.2f s = %.1f pictures/s per core, %.1f ms each; peak_rss %.1f MiB; %.2fx exact\n", cs, n/cs, 1000*cs/n, rs/1024, ce/cs
  printf "bench pdq_speed_peer_djpeg_full cpu %.2f s = %.1f pictures/s per core (vigil exact / djpeg full %.2fx)\n", d1, n/d1, ce/d1
  printf "bench pdq_speed_peer_djpeg_1/4  cpu %.2f s = %.1f pictures/s per core (vigil scaled / djpeg 1/4 %.2fx)\n", d4, n/d4, cs/d4
}'
python3 - "$T/exact.csv" "$T/scaled.csv" <<'PY'
import sys
def load(f):
    d = {}
    for line in open(f):
        h, q, p = line.rstrip("\n").split(",", 2)
        d[p] = (h, int(q))
    return d
a, b = load(sys.argv[1]), load(sys.argv[2])
ds = sorted(bin(int(a[p][0], 16) ^ int(b[p][0], 16)).count("1") for p in a if p in b)
n = len(ds)
pct = lambda q: ds[min(n - 1, int(q * n))]
print("bench pdq_speed_distance %d photos, scaled vs exact decode (bits of 256): mean %.2f p50 %d p90 %d p99 %d max %d; "
      "identical %d (%.0f%%); quality changed on %d" % (n, sum(ds) / n, pct(.5), pct(.9), pct(.99), ds[-1],
      ds.count(0), 100.0 * ds.count(0) / n, sum(a[p][1] != b[p][1] for p in a if p in b)))
for lo, hi in ((0, 0), (1, 2), (3, 4), (5, 8), (9, 12), (13, 16), (17, 24), (25, 31), (32, 256)):
    k = sum(lo <= d <= hi for d in ds)
    print("bench pdq_speed_distance_hist %3d-%-3d %4d %s" % (lo, hi, k, "#" * round(60 * k / n)))
PY
