#!/usr/bin/env bash
# bench/hash.sh [BUILD] [PEER]: `vigil hash` against hashdeep and against the OpenSSL
# ceiling, on the make_file_corpus.sh corpus (about 2 GB: 20,000 small files and
# 100 large ones) read from the page cache, then on 200,000 files of 4 KiB.
# Prints figures, never pass/fail; the issue's targets are shown beside them.
#
#   ceiling per core = 1 / (1/md5 + 1/sha1 + 1/sha256), each measured here with
#   `openssl speed -evp ALG -bytes 1048576 -seconds 2` (1 MiB blocks); for 2 cores, 2x that.
#   Times are the median of BENCH_REPEAT (default 3) runs; peak RSS is the largest
#   of those runs (/usr/bin/time %M). MB = 10^6 bytes.
#   PEER, another vigil binary (say, a build of the commit before a change), is timed in the
#   same script run right after each of ours, and its time is compared with this build's.
#   Data: $VIGIL_BENCH_DIR (default /work/bench-data), made once and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PEER=${2:-}   # optional: another vigil binary (a build of an earlier commit), timed in the same runs
VIGIL=$BUILD/vigil
. bench/lib.sh

[ -x "$VIGIL" ] || die "$VIGIL not found (run make first)"
[ -z "$PEER" ] || [ -x "$PEER" ] || die "peer $PEER is not an executable"
need_tools hashdeep openssl python3
ensure_corpus
if [ ! -f "$BENCH_DIR/small4k.done" ] || [ ! -d "$SMALL" ]; then
  echo "small: making 200,000 files of 4 KiB in $SMALL"
  rm -rf "$SMALL"
  python3 bench/mksmall.py "$SMALL" 200000 4096 1 >"$BENCH_DIR/small4k.done"
fi

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(openssl version | cut -d' ' -f1-2)"
echo "vigil: $("$VIGIL" --version 2>/dev/null | head -1 || echo "$VIGIL")  hashdeep: $(hashdeep -V 2>/dev/null | head -n 1)"
echo "repeats: $REPEAT (median time, largest peak RSS)"
echo

# --- ceiling --------------------------------------------------------------
declare -A speed
for alg in md5 sha1 sha256; do
  wait_quiet
  speed[$alg]=$(openssl speed -evp "$alg" -bytes 1048576 -seconds 2 -mr 2>/dev/null | awk -F: '/^\+F:/ { print $4 }')
  [ -n "${speed[$alg]}" ] || die "openssl speed -evp $alg gave no figure"
done
ceil1=$(awk -v a="${speed[md5]}" -v b="${speed[sha1]}" -v c="${speed[sha256]}" 'BEGIN { printf "%.0f", 1 / (1/a + 1/b + 1/c) }')
ceil2=$((ceil1 * 2))
echo "openssl speed -evp ALG -bytes 1048576 -seconds 2 (1 MiB blocks, one core):"
printf '  md5 %s MB/s, sha1 %s MB/s, sha256 %s MB/s\n' "$(mbps "${speed[md5]}" 1)" "$(mbps "${speed[sha1]}" 1)" "$(mbps "${speed[sha256]}" 1)"
printf '  ceiling, all three in one pass: 1 core %s MB/s, 2 cores %s MB/s\n' "$(mbps "$ceil1" 1)" "$(mbps "$ceil2" 1)"
echo

# --- main corpus ------------------------------------------------------------
files=$(tree_files "$CORPUS")
bytes=$(tree_bytes "$CORPUS")
echo "corpus: $CORPUS, $files files, $bytes bytes; warming the page cache"
warm_cache "$CORPUS"
echo

declare -A secs rss cpu
run() { # key cmd...
  local key=$1; shift
  measure "$key" "$@"
  secs[$key]=$M_SECS
  rss[$key]=$M_RSS_KB
  cpu[$key]=$M_CPU
  printf '  %-62s %7.3f s  (runs: %s; CPU %s s; others %s%%)\n' "$*" "$M_SECS" "$M_ALL" "$M_CPU" "$M_OTHER"
}
echo "timings, wall seconds (stdout to /dev/null; CPU = median user+sys;"
echo "  others = median share of all CPUs used by other processes during the runs):"
for j in 1 2; do
  run "v$j" "$VIGIL" hash --jobs "$j" --quiet "$CORPUS"
  [ -z "$PEER" ] || run "p$j" "$PEER" hash --jobs "$j" --quiet "$CORPUS"
  run "h$j" hashdeep -c md5,sha1,sha256 -j"$j" -r "$CORPUS"
done
echo
if [ -n "$PEER" ]; then
  for j in 1 2; do
    printf '  --jobs %s: peer %s %.3f s, this build %.3f s: peer/this %sx; peak RSS %s / %s MiB\n' "$j" "$PEER" \
      "${secs[p$j]}" "${secs[v$j]}" "$(ratio "${secs[p$j]}" "${secs[v$j]}")" "$(mib "${rss[p$j]}")" "$(mib "${rss[v$j]}")"
  done
  echo
fi

target_ok() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t) ? "met" : "NOT met" }'; }
echo "results, corpus ($files files, $(mbps "$bytes" 1) MB):"
printf '  %-22s %9s %9s %10s %9s\n' "" "MB/s" "files/s" "peak RSS" "ceiling%"
for j in 1 2; do
  c=$([ "$j" = 1 ] && echo "$ceil1" || echo "$ceil2")
  for who in v h; do
    name=$([ "$who" = v ] && echo "vigil hash --jobs $j" || echo "hashdeep -j$j")
    k=$who$j
    printf '  %-22s %9s %9s %7s MiB %8s%%\n' "$name" "$(mbps "$bytes" "${secs[$k]}")" \
      "$(per_s "$files" "${secs[$k]}")" "$(mib "${rss[$k]}")" "$(pct "$(awk -v b="$bytes" -v s="${secs[$k]}" 'BEGIN { print b / s }')" "$c")"
  done
done
echo
echo "against the issue's targets:"
for j in 1 2; do
  c=$([ "$j" = 1 ] && echo "$ceil1" || echo "$ceil2")
  r=$(ratio "${secs[h$j]}" "${secs[v$j]}")
  p=$(pct "$(awk -v b="$bytes" -v s="${secs[v$j]}" 'BEGIN { print b / s }')" "$c")
  printf '  --jobs %s: vigil/hashdeep %sx (target >= 2x: %s); %s%% of the %s-core ceiling (target >= 85%%: %s); peak RSS %s MiB (target < 64 MB: %s)\n' \
    "$j" "$r" "$(target_ok "$r" 2)" "$p" "$j" "$(target_ok "$p" 85)" "$(mib "${rss[v$j]}")" \
    "$(awk -v k="${rss[v$j]}" 'BEGIN { print (k * 1024 < 64e6) ? "met" : "NOT met" }')"
done
printf '  CPU cost (not wall time): vigil hashes %s MB per CPU-second (%s%% of the 1-core ceiling), hashdeep %s\n' \
  "$(mbps "$bytes" "${cpu[v1]}")" "$(pct "$(awk -v b="$bytes" -v s="${cpu[v1]}" 'BEGIN { print b / s }')" "$ceil1")" \
  "$(mbps "$bytes" "${cpu[h1]}")"
echo

# --- small files --------------------------------------------------------------
sfiles=$(tree_files "$SMALL")
sbytes=$(tree_bytes "$SMALL")
echo "small files: $SMALL, $sfiles files, $sbytes bytes; warming the page cache"
warm_cache "$SMALL"
for j in 1 2; do
  run "sv$j" "$VIGIL" hash --jobs "$j" --quiet "$SMALL"
  [ -z "$PEER" ] || run "sp$j" "$PEER" hash --jobs "$j" --quiet "$SMALL"
  run "sh$j" hashdeep -c md5,sha1,sha256 -j"$j" -r "$SMALL"
done
echo
echo "results, small files ($sfiles x 4 KiB):"
for j in 1 2; do
  printf '  --jobs %s: vigil %s files/s (%s MB/s, peak RSS %s MiB), hashdeep %s files/s (%s MB/s, peak RSS %s MiB), vigil/hashdeep %sx\n' \
    "$j" "$(per_s "$sfiles" "${secs[sv$j]}")" "$(mbps "$sbytes" "${secs[sv$j]}")" "$(mib "${rss[sv$j]}")" \
    "$(per_s "$sfiles" "${secs[sh$j]}")" "$(mbps "$sbytes" "${secs[sh$j]}")" "$(mib "${rss[sh$j]}")" \
    "$(ratio "${secs[sh$j]}" "${secs[sv$j]}")"
done
[ -z "$PEER" ] || for j in 1 2; do
  printf '  --jobs %s: peer/this build %sx on the small files\n' "$j" "$(ratio "${secs[sp$j]}" "${secs[sv$j]}")"
done
echo
echo "runs started while other work kept the machine busy: $BUSY_RUNS"
