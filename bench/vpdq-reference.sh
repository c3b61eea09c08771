#!/usr/bin/env bash
# vigil vpdq against the ThreatExchange reference hasher (vpdq-hash-video, built by hand outside
# the repository, see docs/vpdq.md) on the same clips, made here with ffmpeg from benign
# wallpapers and synthetic patterns: the distribution of the distances between the two programs'
# hashes of the same frames, for vigil's default (the reference's own RGB24 conversion) and --luma
# (the decoder's luma plane). Figures, never pass/fail.
# usage: REF=/path/to/vpdq-hash-video bench/vpdq-reference.sh [BUILD]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
VIGIL=$BUILD/vigil
REF=${REF:?REF must name the reference vpdq-hash-video}
D=${VIGIL_BENCH_DIR:-/work/bench-data}/vpdq-ref
mkdir -p "$D"
W=/usr/share/backgrounds/mate
ff() { ffmpeg -nostdin -v error -y "$@"; }
pan() { ff -loop 1 -i "$1" -vf "scale=2560:1440:force_original_aspect_ratio=increase,crop=2560:1440,crop=$3:x='t*6':y='100+t*2',format=$4" -r 30 -t 20 -c:v libx264 "$2"; }
[ -f "$D/clips.done" ] || {
  pan "$W/nature/Garden.jpg" "$D/garden-360p.mp4" 640:360 yuv420p
  pan "$W/nature/Dune.jpg" "$D/dune-720p.mp4" 1280:720 yuv420p
  pan "$W/abstract/Elephants.jpg" "$D/elephants-1080p.mp4" 1920:1080 yuv420p
  pan "$W/nature/Garden.jpg" "$D/garden-fullrange.mp4" 640:360 yuvj420p
  ff -i "$D/dune-720p.mp4" -vf "scale=1280:540,pad=1280:720:0:90:black" -c:v libx264 "$D/dune-letterbox.mp4"
  ff -f lavfi -i testsrc2=size=640x360:rate=30 -t 20 -c:v libx264 -pix_fmt yuv420p "$D/testsrc2.mp4"
  ff -f lavfi -i mandelbrot=size=640x360:rate=30 -t 20 -c:v libx264 -pix_fmt yuv420p "$D/mandelbrot.mp4"
  ff -f lavfi -i smptehdbars=size=1280x720:rate=30 -t 20 -vf "noise=alls=20:allf=t" -c:v libx264 -pix_fmt yuv420p "$D/smpte-noise.mp4"
  ff -i "$D/dune-720p.mp4" -c:v libvpx-vp9 -b:v 1M "$D/dune-vp9.webm"
  touch "$D/clips.done"
}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for f in "$D"/*.mp4 "$D"/*.webm; do
  b=$(basename "$f")
  "$REF" -i "$f" -o "$T/$b.ref" -r 1 >/dev/null 2>&1 || { echo "reference failed on $b" >&2; continue; }
  "$VIGIL" vpdq --quiet --luma "$f" >"$T/$b.luma"
  "$VIGIL" vpdq --quiet "$f" >"$T/$b.rgb"
done
python3 - "$T" <<'EOF'
import glob, os, sys
t = sys.argv[1]
def ref(p):  # frame,quality,hash,timestamp
    return {int(l.split(',')[0]): (int(l.split(',')[2], 16), int(l.split(',')[1])) for l in open(p) if l.strip()}
def vig(p):  # frame,hash,quality,seconds,path
    return {int(l.split(',')[0]): (int(l.split(',')[1], 16), int(l.split(',')[2])) for l in open(p) if l.strip()}
def pct(v, q):
    v = sorted(v); return v[min(len(v) - 1, int(q * len(v)))]
modes = ['luma', 'rgb']
total = {m: [] for m in modes}
print(f"{'clip':28} {'mode':10} {'frames':>6} {'d=0':>5} {'med':>4} {'p90':>4} {'max':>4} {'<=31':>6} {'dq med':>6}")
for rp in sorted(glob.glob(t + '/*.ref')):
    clip = os.path.basename(rp)[:-4]
    r = ref(rp)
    for m in modes:
        v = vig(f"{t}/{clip}.{m}")
        common = sorted(set(r) & set(v))
        if not common:
            print(f"{clip:28} {m:10} no common frames (ref {len(r)}, vigil {len(v)})"); continue
        d = [bin(r[k][0] ^ v[k][0]).count('1') for k in common]
        dq = [abs(r[k][1] - v[k][1]) for k in common]
        total[m] += d
        print(f"{clip:28} {m:10} {len(d):6} {sum(x == 0 for x in d):5} {pct(d, .5):4} {pct(d, .9):4} {max(d):4} "
              f"{100 * sum(x <= 31 for x in d) / len(d):5.1f}% {pct(dq, .5):6}")
for m in modes:
    d = total[m]
    if d:
        print(f"{'all clips':28} {m:10} {len(d):6} {sum(x == 0 for x in d):5} {pct(d, .5):4} {pct(d, .9):4} {max(d):4} "
              f"{100 * sum(x <= 31 for x in d) / len(d):5.1f}%")
EOF
