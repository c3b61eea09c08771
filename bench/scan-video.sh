#!/usr/bin/env bash
# What vPDQ adds to a scan: a folder of 4 H.264 clips (720p, 20 s at 30 fps, slow pans over benign
# wallpapers, made here with ffmpeg) and 8 wallpaper pictures, scanned with parser workers
# (`vigil scan --no-sets --jobs 2`) with videos hashed (the default) and with `--no-video`, and as
# the peer `vigil vpdq` over the same clips, interleaved in one run. Per variant: median and max
# wall and CPU seconds of BENCH_REPEAT runs (default 3), sampled frames per wall second, peak RSS of
# the largest process (the scan or a worker), and the ratio of each to `--no-video`.
# Prints figures, never pass/fail.
# usage: bench/scan-video.sh [BUILD]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
BUILD=${1:-build}
VIGIL=$BUILD/vigil
[ -x "$VIGIL" ] || die "build first (make)"
need_tools ffmpeg
W=/usr/share/backgrounds/mate
D=$BENCH_DIR/scan-video
mkdir -p "$D"
if [ ! -f "$D/.done" ]; then
  echo "data: making 4 clips (20 s 720p H.264) and 8 pictures in $D" >&2
  i=0
  for p in nature/Garden.jpg nature/Dune.jpg abstract/Elephants.jpg nature/Aqua.jpg; do
    [ -f "$W/$p" ] || die "no $W/$p (mate-backgrounds)"
    ffmpeg -nostdin -v error -y -loop 1 -i "$W/$p" \
      -vf "scale=1600:900:force_original_aspect_ratio=increase,crop=1600:900,crop=1280:720:x='t*6':y='100+t*2',format=yuv420p" \
      -r 30 -t 20 -c:v libx264 -crf 23 "$D/clip$i.mp4"
    i=$((i + 1))
  done
  find "$W" -name '*.jpg' | sort | head -n 8 | while read -r p; do cp "$p" "$D/"; done
  touch "$D/.done"
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cat "$D"/* >/dev/null
sampled=$("$VIGIL" vpdq --quiet "$D"/clip*.mp4 | wc -l)

# run NAME CMD...: one timed run appended to $T/NAME as "cpu_s wall_s rss_kib"
run() {
  local name=$1; shift
  /usr/bin/time -f "%U %S %e %M" -o "$T/t" "$@" >/dev/null 2>"$T/err" || { cat "$T/err" >&2; die "$name failed"; }
  awk '{print $1 + $2, $3, $4}' "$T/t" >>"$T/$name"
}
for i in $(seq "$REPEAT"); do # interleaved: load from other work falls on every variant alike
  run no_video "$VIGIL" scan --no-sets --quiet --jobs 2 --no-video --jsonl - "$D"
  run video "$VIGIL" scan --no-sets --quiet --jobs 2 --jsonl - "$D"
  run vpdq_peer "$VIGIL" vpdq --quiet "$D"/clip*.mp4
done
echo "folder: $D: 4 clips 1280x720 20 s, $sampled frames sampled, 8 pictures; $REPEAT runs each, --jobs 2, $(nproc) CPUs"
for n in no_video video vpdq_peer; do
  sort -g -k2 "$T/$n" | awk -v n="$n" '{c[NR]=$1; w[NR]=$2; if ($3 > r) r = $3} END {m=int((NR+1)/2); print n, c[m], w[m], w[NR], r}'
done | awk -v sampled="$sampled" '
  { name[NR]=$1; cpu[NR]=$2; wall[NR]=$3; wmax[NR]=$4; rss[NR]=$5 }
  END {
    printf "%-10s %8s %9s %9s %12s %12s %10s\n", "run", "cpu_s", "wall_p50", "wall_max", "frames/s", "x no_video", "rss_MiB"
    for (i = 1; i <= NR; i++)
      printf "%-10s %8.2f %9.2f %9.2f %12s %12.2f %10.1f\n", name[i], cpu[i], wall[i], wmax[i],
        name[i] == "no_video" ? "-" : sprintf("%.1f", sampled / wall[i]), wall[i] / wall[1], rss[i] / 1024
  }'
