#!/usr/bin/env bash
# The exact PDQ radius index (src/pdqindex/pdq_index.c) on generated data: SIZES entries each
# (default 1M, 10M and 100M random 256-bit hashes, seed SEED), QUERIES queries (half with a
# planted match at distance 0..31 in one orientation, half random), radius 31, all eight
# orientations. Per size: build time, memory, queries/s single (one thread) and in batches
# of 1000 (two threads), exactness against brute force on EXACT queries, and the peer in the
# same run: a plain one-query-at-a-time linear popcount scan (PEER queries).
# Prints figures, never pass/fail. Needs about 160 bytes per entry of RAM (16 GB at 100M).
# Each speed is taken REPEAT times (default 3): best and median wall-clock rates, least CPU time.
# usage: bench/pdq-index.sh [BUILD]     env: SIZES QUERIES SEED EXACT PEER REPEAT
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
HELPER=$BUILD/bench/bench_pdq_index
SIZES=${SIZES:-"1000000 10000000 100000000"}
QUERIES=${QUERIES:-10000}
SEED=${SEED:-1}
EXACT=${EXACT:-200}
PEER=${PEER:-5}
[ -x "$HELPER" ] || { echo "bench/pdq-index: build first (make)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench/pdq-index: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
echo "bench pdq-index: $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //');" \
     "$(grep -o -w -E 'avx2|avx512f|avx512_vpopcntdq' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "bench pdq-index: commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u +%Y-%m-%dT%H:%MZ)," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg), $(free -g | awk '/^Mem:/ {print $7}') GiB available"
T=$(mktemp)
trap 'rm -f "$T"' EXIT
for n in $SIZES; do
  # 100M queries cost ~10x the time of 10M: fewer of them, and fewer brute-force checks
  q=$QUERIES e=$EXACT p=$PEER
  if [ "$n" -ge 50000000 ]; then q=$((QUERIES / 5)) e=$((EXACT / 4)) p=$(( PEER > 2 ? 2 : PEER )); fi
  need_kib=$(( n / 1024 * 170 ))
  avail_kib=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)
  if [ "$avail_kib" -lt "$need_kib" ]; then
    echo "bench pdq_index_$n skipped: needs about $((need_kib / 1048576)) GiB, $((avail_kib / 1048576)) GiB available"
    continue
  fi
  rc=0
  /usr/bin/time -f "%e %M" -o "$T" "$HELPER" "$n" "$q" "$SEED" "$e" "$p" || rc=$?
  read -r wall rss <"$T" || true
  echo "bench pdq_index_$n process wall ${wall:-?} s, peak rss $(( ${rss:-0} / 1024 )) MiB (/usr/bin/time), exit $rc"
done
