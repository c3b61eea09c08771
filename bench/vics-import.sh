#!/usr/bin/env bash
# bench/vics-import.sh [BUILD] [PEER]: `vigil hashset import` end to end (reader, entry sort,
# dedupe, segment write, commit) of a VICS 2.0 #Media file of BENCH_VICS_RECORDS (default
# 2,000,000) records with random digests from a seeded generator (bench/mkvics.py seed 1, never
# a real list), default --memory. PEER is another vigil binary (say, a build of the commit
# before a change) timed in the same run, its runs interleaved with ours so that both see the
# same load; the segments the two write must be byte for byte the same, and the script says so.
# Figures, never pass/fail; the target is 1,000,000 records/s wall.
#   Times are medians of BENCH_REPEAT (5) runs (wall, and user+sys CPU, the steadier figure on a
#   shared machine), peak RSS the largest (/usr/bin/time %M). The page cache is warmed before each run.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PEER=${2:-}
. bench/lib.sh
REPEAT=${BENCH_REPEAT:-5}
N=${BENCH_VICS_RECORDS:-2000000}
VIGIL=$BUILD/vigil

need_tools python3
[ -x "$VIGIL" ] || die "$VIGIL not built (make)"
[ -z "$PEER" ] || [ -x "$PEER" ] || die "peer $PEER is not an executable"
DATA=$(ensure_vics "$N") || exit 2
bytes=$(stat -c %s "$DATA")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vics-import.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data: $DATA, $N records, $bytes bytes; warming the page cache"
cat "$DATA" >/dev/null
echo "command: $VIGIL --db DB hashset import --name vics --kind illegal --format vics $DATA"
echo "repeats: $REPEAT, interleaved with the peer (median time, largest peak RSS)"
echo

declare -A WALL CPU RSS OTHER SUMMARY SEG EXP PER
one_run() { # tag binary
  local tag=$1 bin=$2 tf a b t0 t1 r u s db=$WORK/$1.db
  rm -rf "$db" "$db".*
  tf=$WORK/time
  cat "$DATA" >/dev/null # the page cache may have been trimmed by other work since the last run
  wait_quiet
  a=($(head -n 1 /proc/stat))
  t0=$(date +%s%N)
  /usr/bin/time -f '%M %U %S' -o "$tf" "$bin" --db "$db" hashset import --name vics --kind illegal --format vics \
    "$DATA" >"$WORK/$tag.out" 2>&1 || die "$bin failed: $(head -c 300 "$WORK/$tag.out")"
  t1=$(date +%s%N)
  b=($(head -n 1 /proc/stat))
  read -r r u s < <(tail -n 1 "$tf")
  WALL[$tag]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }') "
  CPU[$tag]+="$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }') "
  OTHER[$tag]+="$(awk -v busy="$(( b[1] + b[2] + b[3] + b[6] + b[7] + b[8] - a[1] - a[2] - a[3] - a[6] - a[7] - a[8] ))" \
    -v idle="$(( b[4] + b[5] - a[4] - a[5] ))" -v mine="$u" -v mine2="$s" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { o = busy - (mine + mine2) * hz; if (o < 0) o = 0; printf "%.0f", (busy + idle) ? 100 * o / (busy + idle) : 0 }') "
  [ "${RSS[$tag]:-0}" -ge "$r" ] || RSS[$tag]=$r
  SUMMARY[$tag]=$(tail -n 1 "$WORK/$tag.out")
  SEG[$tag]=$(sha256sum "$db".sets/*.seg | cut -c1-64)
  # bytes per entry on disk: the segment's size over the entries its header counts (offset 24)
  PER[$tag]=$(awk -v b="$(cat "$db".sets/*.seg | wc -c)" -v n="$(od -An -t u8 -j 24 -N 8 "$db".sets/*.seg)" \
    'BEGIN { printf "%.1f", n ? b / n : 0 }')
  # what the store holds, read by this build (it reads older segment versions too)
  "$VIGIL" --db "$db" hashset export --name vics --format csv -o "$WORK/$tag.csv" >/dev/null 2>&1 &&
    EXP[$tag]=$(sha256sum <"$WORK/$tag.csv" | cut -c1-64) || EXP[$tag]=none
}

for ((i = 0; i < REPEAT; i++)); do
  one_run vigil "$VIGIL"
  [ -z "$PEER" ] || one_run peer "$PEER"
done

row() { # name tag
  local w c
  w=$(median ${WALL[$2]}) c=$(median ${CPU[$2]})
  printf '%-7s %7s s wall (%s)  %6s s cpu (%s)  %9s records/s wall  %9s records/s cpu  peak RSS %7s MiB  other work %s%%\n' \
    "$1" "$w" "${WALL[$2]% }" "$c" "${CPU[$2]% }" "$(per_s "$N" "$w")" "$(per_s "$N" "$c")" "$(mib "${RSS[$2]}")" \
    "$(median ${OTHER[$2]})"
}
row vigil vigil
echo "  ${SUMMARY[vigil]}"
echo "  segment: ${PER[vigil]} bytes per entry on disk"
if [ -n "$PEER" ]; then
  row peer peer
  echo "  ${SUMMARY[peer]}"
  echo "  segment: ${PER[peer]} bytes per entry on disk"
  echo
  echo "ratio vigil/peer: $(ratio "$(median ${WALL[peer]})" "$(median ${WALL[vigil]})")x faster (wall)," \
    "$(ratio "$(median ${CPU[peer]})" "$(median ${CPU[vigil]})")x (cpu)"
  if [ "${SEG[vigil]}" = "${SEG[peer]}" ] && [ "${SUMMARY[vigil]}" = "${SUMMARY[peer]}" ]; then
    echo "segments: byte for byte the same (sha256 ${SEG[vigil]:0:16}...), same counts"
  else
    echo "segments: not byte for byte the same (vigil ${SEG[vigil]:0:16}..., peer ${SEG[peer]:0:16}...; another segment version?)"
  fi
  if [ "${EXP[vigil]}" = "${EXP[peer]}" ] && [ "${EXP[vigil]}" != none ] && [ "${SUMMARY[vigil]}" = "${SUMMARY[peer]}" ]; then
    echo "stores: the same entries, every stored field (CSV exports byte for byte the same), same counts"
  else
    echo "stores: DIFFER (CSV exports vigil ${EXP[vigil]:0:16}..., peer ${EXP[peer]:0:16}...)"
  fi
fi
echo "peak RSS bound: 1024 MiB; runs started on a busy machine: $BUSY_RUNS"
