#!/usr/bin/env bash
# vPDQ speed on a 1080p H.264 clip made here with ffmpeg (60 s at 30 fps, a slow pan over a
# benign wallpaper with film grain, x264 CRF 23): frames per second per core of `vigil vpdq`
# (RGB24 first, the reference's path and the default), `vigil vpdq --luma` (the decoder's luma plane) and the decode
# floor `ffmpeg -threads 1 -i X -vf fps=1 -f null -`, all pinned to one core in the same run;
# CPU seconds, the ratio of each to the floor, peak RSS. Median of BENCH_REPEAT runs (default 3).
# Prints figures, never pass/fail.
# usage: bench/vpdq.sh [BUILD]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
BUILD=${1:-build}
VIGIL=$BUILD/vigil
[ -x "$VIGIL" ] || die "build first (make)"
need_tools ffmpeg taskset
D=$BENCH_DIR/vpdq
CLIP=$D/pan-1080p-h264.mp4
mkdir -p "$D"
if [ ! -f "$CLIP.done" ]; then
  echo "data: making $CLIP (60 s 1080p H.264)" >&2
  ffmpeg -nostdin -v error -y -loop 1 -i /usr/share/backgrounds/mate/nature/Garden.jpg \
    -vf "scale=2560:1440:force_original_aspect_ratio=increase,crop=2560:1440,crop=1920:1080:x='t*6':y='100+t*2',noise=alls=8:allf=t,format=yuv420p" \
    -r 30 -t 60 -c:v libx264 -crf 23 "$CLIP"
  touch "$CLIP.done"
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cat "$CLIP" >/dev/null
frames=$(ffprobe -v error -select_streams v:0 -count_frames -show_entries stream=nb_read_frames -of csv=p=0 "$CLIP")
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# run NAME CMD...: REPEAT runs pinned to CPU 0; "name cpu_s wall_s rss_kib" of the medians
run() {
  local name=$1 i; shift
  : >"$T/$name"
  for i in $(seq "$REPEAT"); do
    /usr/bin/time -f "%U %S %e %M" -o "$T/t" taskset -c 0 "$@" >/dev/null 2>"$T/err" || { cat "$T/err" >&2; die "$name failed"; }
    awk '{print $1 + $2, $3, $4}' "$T/t" >>"$T/$name"
  done
  echo "$name $(cut -d' ' -f1 "$T/$name" | median) $(cut -d' ' -f2 "$T/$name" | median) $(cut -d' ' -f3 "$T/$name" | sort -g | tail -1)"
}
# interleaved, so that load from other work on the machine falls on all three alike
{
  run floor ffmpeg -nostdin -v error -threads 1 -i "$CLIP" -vf fps=1 -f null -
  run vpdq_luma "$VIGIL" vpdq --quiet --luma "$CLIP"
  run vpdq "$VIGIL" vpdq --quiet "$CLIP"
} >"$T/all"
sampled=$("$VIGIL" vpdq --quiet "$CLIP" | wc -l)
echo "clip: $CLIP, $frames frames 1920x1080, $sampled sampled (1 per second); $REPEAT runs each, CPU 0"
awk -v frames="$frames" -v sampled="$sampled" '
  { cpu[$1] = $2; wall[$1] = $3; rss[$1] = $4; order[NR] = $1 }
  END {
    printf "%-10s %8s %8s %14s %14s %9s %10s\n", "run", "cpu_s", "wall_s", "frames/s/core", "sampled/s", "x floor", "rss_MiB"
    for (i = 1; i <= NR; i++) { n = order[i]
      printf "%-10s %8.2f %8.2f %14.1f %14.2f %9.2f %10.1f\n", n, cpu[n], wall[n], frames / cpu[n], sampled / cpu[n],
        cpu[n] / cpu["floor"], rss[n] / 1024 }
  }' "$T/all"
