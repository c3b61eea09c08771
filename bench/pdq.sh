#!/usr/bin/env bash
# PDQ speed on the synthetic corpus of scripts/corpus/make_image_corpus.sh (1000 JPEGs
# 1024x768, 200 PNGs 800x600): images/s and ms/image of `vigil pdq --jobs 1` pinned to one
# core, the decode-only floor (same decoders, nothing after), PDQ's overhead over decoding,
# --jobs 2 scaling and peak RSS. Median of RUNS runs (default 3), page cache warm.
# Prints figures, never pass/fail.
# usage: bench/pdq.sh [BUILD] [CORPUS]   (CORPUS is made when missing, ~2 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
CORPUS=${2:-${TMPDIR:-/tmp}/vigil-pdq-corpus}
RUNS=${RUNS:-3}
VIGIL=$BUILD/vigil
HELPER=$BUILD/bench/bench_pdq
[ -x "$VIGIL" ] && [ -x "$HELPER" ] || { echo "bench/pdq: build first (make)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench/pdq: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
if [ ! -d "$CORPUS/jpeg" ] || [ ! -d "$CORPUS/png" ]; then
  scripts/corpus/make_image_corpus.sh "$CORPUS" >&2
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
find "$CORPUS/jpeg" -type f | sort >"$T/jpeg.list"
find "$CORPUS/png" -type f | sort >"$T/png.list"
cat "$T/jpeg.list" "$T/png.list" >"$T/all.list"
xargs cat <"$T/all.list" >/dev/null   # warm the page cache

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# vigil pdq over one set: prints "wall_s cpu_s maxrss_kib" (median wall, median CPU, largest RSS)
run_vigil() { # set jobs pin
  local set=$1 jobs=$2 pin=$3 i
  for i in $(seq "$RUNS"); do
    if [ "$pin" = 1 ]; then
      /usr/bin/time -f "%e %U %S %M" -o "$T/time" taskset -c 0 "$VIGIL" pdq --quiet --jobs "$jobs" "$CORPUS/$set" >"$T/out"
    else
      /usr/bin/time -f "%e %U %S %M" -o "$T/time" "$VIGIL" pdq --quiet --jobs "$jobs" "$CORPUS/$set" >"$T/out"
    fi
    cat "$T/time"
  done >"$T/runs"
  echo "$(cut -d' ' -f1 <"$T/runs" | median) $(awk '{print $2 + $3}' <"$T/runs" | median) $(cut -d' ' -f4 <"$T/runs" | sort -n | tail -1)"
}

# the in-process helper, pinned: prints "wall_s cpu_s pdq_cpu_s" (medians)
run_helper() { # mode list
  local i
  for i in $(seq "$RUNS"); do
    taskset -c 0 "$HELPER" "$1" <"$2" | sed 's/.* seconds \([0-9.]*\) cpu_seconds \([0-9.]*\) pdq_cpu_seconds \([0-9.]*\) .*/\1 \2 \3/'
  done >"$T/hruns"
  echo "$(cut -d' ' -f1 <"$T/hruns" | median) $(cut -d' ' -f2 <"$T/hruns" | median) $(cut -d' ' -f3 <"$T/hruns" | median)"
}

echo "bench pdq: corpus $CORPUS ($(wc -l <"$T/jpeg.list") JPEG, $(wc -l <"$T/png.list") PNG), $RUNS runs each, median, $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "bench pdq: wall clock and CPU time (user+sys) are both shown; on a shared machine CPU time is the steadier"
for set in jpeg png; do
  n=$(wc -l <"$T/$set.list")
  read -r s scpu rss < <(run_vigil "$set" 1 1)
  read -r rd rdc _ < <(run_helper read "$T/$set.list")
  read -r dec decc _ < <(run_helper decode "$T/$set.list")
  read -r pdq pdqc pdqonly < <(run_helper pdq "$T/$set.list")
  awk -v set="$set" -v n="$n" -v s="$s" -v sc="$scpu" -v rss="$rss" -v rd="$rd" -v dec="$dec" -v decc="$decc" \
      -v pdq="$pdq" -v pdqc="$pdqc" -v po="$pdqonly" 'BEGIN {
    printf "bench pdq_%s_cli_jobs1_pinned %d images wall %.2f s = %.1f images/s, %.2f ms/image; cpu %.2f ms/image; peak_rss %.1f MiB\n", set, n, s, n/s, 1000*s/n, 1000*sc/n, rss/1024
    printf "bench pdq_%s_read_only wall %.2f ms/image\n", set, 1000*rd/n
    printf "bench pdq_%s_decode_floor wall %.2f ms/image = %.1f images/s; cpu %.2f ms/image (read + decode, nothing after)\n", set, 1000*dec/n, n/dec, 1000*decc/n
    printf "bench pdq_%s_decode_plus_pdq wall %.2f ms/image = %.1f images/s; cpu %.2f ms/image (pdq alone %.2f ms/image)\n", set, 1000*pdq/n, n/pdq, 1000*pdqc/n, 1000*po/n
    printf "bench pdq_%s_pdq_over_decode %.1f %% cpu, %.1f %% wall ((decode+pdq - decode) / decode, in process)\n", set, 100*(pdqc-decc)/decc, 100*(pdq-dec)/dec
    printf "bench pdq_%s_cli_over_decode %.1f %% cpu (whole vigil pdq run: walk, read, MD5/SHA-1/SHA-256, decode, pdq)\n", set, 100*(sc-decc)/decc
  }'
done
n=$(wc -l <"$T/all.list")
read -r s1 c1 rss1 < <(run_vigil "" 1 1)
read -r s2 c2 rss2 < <(run_vigil "" 2 0)
awk -v n="$n" -v s1="$s1" -v s2="$s2" -v c1="$c1" -v c2="$c2" -v r1="$rss1" -v r2="$rss2" 'BEGIN {
  printf "bench pdq_all_cli_jobs1_pinned %d images wall %.2f s = %.1f images/s; cpu %.2f s; peak_rss %.1f MiB\n", n, s1, n/s1, c1, r1/1024
  printf "bench pdq_all_cli_jobs2 %d images wall %.2f s = %.1f images/s; cpu %.2f s; peak_rss %.1f MiB; scaling %.2fx\n", n, s2, n/s2, c2, r2/1024, s1/s2
}'
