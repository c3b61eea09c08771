#!/usr/bin/env bash
# bench/vics-parse.sh [BUILD]: the VICS JSON reader alone (libyajl callback
# parser, 64 KiB blocks, a sink that only counts) on a VICS 2.0 #Media file of
# BENCH_VICS_RECORDS (default 2,000,000) records with random digests from a
# seeded generator (bench/mkvics.py, never a real list), against two peers in
# the same run: `jq -c '.value[]'` and Python's json.load (both build the whole
# document in memory). Figures, never pass/fail. The import target is 1,000,000
# entries/s end to end, so the reader alone should be well above that.
#   BUILD should be an optimised build (default build-rel: meson setup build-rel
#   --buildtype=release -Dwerror=false). Times are medians of BENCH_REPEAT (3)
#   runs, peak RSS the largest (/usr/bin/time %M). MB = 10^6 bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build-rel}
. bench/lib.sh
N=${BENCH_VICS_RECORDS:-2000000}
BENCH=$BUILD/bench/bench_vics

need_tools python3 jq
if [ ! -x "$BENCH" ]; then
  [ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=release -Dwerror=false >/dev/null
  ninja -C "$BUILD" bench/bench_vics >/dev/null || die "cannot build $BENCH"
fi
DATA=$(ensure_vics "$N") || exit 2
bytes=$(stat -c %s "$DATA")
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data: $DATA, $N records, $bytes bytes ($(awk -v b="$bytes" -v n="$N" 'BEGIN { printf "%.0f", b / n }') bytes/record); warming the page cache"
cat "$DATA" >/dev/null
echo "repeats: $REPEAT (median time, largest peak RSS)"
echo

"$BENCH" "$DATA" | sed 's/^/  /'   # one untimed run: the reader's own figures and a check that it reads
measure vigil "$BENCH" "$DATA"
v_s=$M_SECS v_cpu=$M_CPU v_rss=$M_RSS_KB v_other=$M_OTHER v_all=$M_ALL
measure jq jq -c '.value[]' "$DATA"
j_s=$M_SECS j_cpu=$M_CPU j_rss=$M_RSS_KB j_all=$M_ALL
measure python python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(len(d["value"]))' "$DATA"
p_s=$M_SECS p_cpu=$M_CPU p_rss=$M_RSS_KB p_all=$M_ALL

row() { # name secs cpu rss all
  printf '%-30s %8s s wall (%s)  %6s s cpu  %10s records/s wall  %10s records/s cpu  %7s MB/s  peak RSS %8s MiB\n' \
    "$1" "$2" "$5" "$3" "$(per_s "$N" "$2")" "$(per_s "$N" "$3")" "$(mbps "$bytes" "$2")" "$(mib "$4")"
}
row "vigil VICS reader (null sink)" "$v_s" "$v_cpu" "$v_rss" "$v_all"
row "jq -c '.value[]'" "$j_s" "$j_cpu" "$j_rss" "$j_all"
row "python3 json.load" "$p_s" "$p_cpu" "$p_rss" "$p_all"
echo
echo "ratio vigil/jq: $(ratio "$j_s" "$v_s")x faster (wall), $(ratio "$j_cpu" "$v_cpu")x (cpu); peak RSS $(ratio "$j_rss" "$v_rss")x smaller"
echo "ratio vigil/python: $(ratio "$p_s" "$v_s")x faster (wall), $(ratio "$p_cpu" "$v_cpu")x (cpu); peak RSS $(ratio "$p_rss" "$v_rss")x smaller"
echo "other work on the machine during the vigil runs: median ${v_other}% of all CPUs; busy starts: $BUSY_RUNS"
