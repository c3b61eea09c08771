#!/usr/bin/env bash
# bench/stop.sh [BUILD] [PEER_BUILD]: how soon a scan ends after SIGTERM, and what watching for
# the stop costs a scan that is not stopped.
#  - hashing: a scan of sparse 200 MB files, signalled once it has read 64 MB;
#  - stuck: a scan stuck in libarchive's loop on tests/data/archives/iso_rockridge_ce_loop.iso.Z,
#    signalled once it has used 2 s of CPU; a scan still running 10 s after the signal is killed
#    and counted as "not ended";
#  - full: a scan of /usr/share/doc (--no-sets, --no-pdq), not stopped: wall and CPU seconds.
# Each is run BENCH_REPEAT (default 5) times per build, the builds taking turns; times from signal
# to exit are reported as median, 90th percentile and largest, in ms. PEER_BUILD (optional) is
# another build of vigil measured the same way in the same run (the ratio is BUILD / PEER).
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PEER=${2:-}
. bench/lib.sh
REPEAT=${BENCH_REPEAT:-5}
builds=("$BUILD")
[ -n "$PEER" ] && builds+=("$PEER")
exe() { case $1 in /*) echo "$1/vigil" ;; *) echo "$(pwd)/$1/vigil" ;; esac; }
for b in "${builds[@]}"; do [ -x "$(exe "$b")" ] || die "$(exe "$b") not found (build it first)"; done
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/sparse" "$W/stuck"
for i in $(seq -w 1 20); do truncate -s 200M "$W/sparse/f$i.img"; done
echo before >"$W/stuck/a.txt"
cp tests/data/archives/iso_rockridge_ce_loop.iso.Z "$W/stuck/"
echo after >"$W/stuck/z.txt"
warm_cache /usr/share/doc

ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
rchar() { sed -n 's/^rchar: //p' "/proc/$1/io" 2>/dev/null || echo 0; }
running() { local st; st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) && [ "$st" != Z ]; } # not yet reaped counts as ended

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# stop_ms VIGIL TREE KIND: start a scan, wait for KIND's mark (at most 60 s), SIGTERM it; the ms
# from the signal to its exit, or "-" when it still runs 10 s after the signal (it is then killed).
stop_ms() {
  local vigil=$1 tree=$2 kind=$3 pid t0 t1 end
  (cd "$W" && exec "$vigil" scan --no-sets --quiet --jobs 2 --jsonl "$W/out.jsonl" "$tree" 2>/dev/null) &
  pid=$!
  end=$(($(now_ms) + 60000))
  while [ "$(now_ms)" -lt $end ]; do
    if [ "$kind" = hashing ]; then [ "$(rchar $pid)" -gt $((64 << 20)) ] && break
    else [ "$(ticks $pid)" -gt $((2 * $(getconf CLK_TCK))) ] && break; fi
    sleep 0.05
  done
  t0=$(date +%s%N)
  kill -TERM $pid
  end=$(($(now_ms) + 10000))
  while running $pid && [ "$(now_ms)" -lt $end ]; do sleep 0.01; done
  t1=$(date +%s%N)
  if running $pid; then kill -KILL $pid; wait $pid 2>/dev/null; echo "-"; return; fi
  wait $pid 2>/dev/null
  echo $(((t1 - t0) / 1000000))
}

pctl() { # p values...: the p-th percentile (nearest rank)
  local p=$1; shift
  printf '%s\n' "$@" | sort -n | awk -v p="$p" '{ v[NR] = $1 } END { i = int((p * NR + 99) / 100); if (i < 1) i = 1; print v[i] }'
}

echo "bench/stop.sh: $REPEAT runs per build and kind, builds taking turns; $(nproc) CPUs"
declare -A lat ended
for kind in hashing stuck; do
  for ((r = 0; r < REPEAT; r++)); do
    for b in "${builds[@]}"; do
      wait_quiet
      ms=$(stop_ms "$(exe "$b")" "$W/$( [ $kind = hashing ] && echo sparse || echo stuck)" $kind)
      if [ "$ms" = "-" ]; then ended[$b.$kind]=$((${ended[$b.$kind]:-0})); else
        ended[$b.$kind]=$((${ended[$b.$kind]:-0} + 1)); lat[$b.$kind]="${lat[$b.$kind]:-} $ms"; fi
    done
  done
done
printf '%-10s %-28s %8s %8s %8s %12s\n' kind build median p90 max "ended"
for kind in hashing stuck; do
  for b in "${builds[@]}"; do
    v=(${lat[$b.$kind]:-})
    if [ ${#v[@]} -gt 0 ]; then
      printf '%-10s %-28s %8s %8s %8s %12s\n' $kind "$b" "$(median "${v[@]}")" "$(pctl 90 "${v[@]}")" \
        "$(pctl 100 "${v[@]}")" "${ended[$b.$kind]}/$REPEAT"
    else
      printf '%-10s %-28s %8s %8s %8s %12s\n' $kind "$b" - - - "0/$REPEAT (killed 10 s after SIGTERM)"
    fi
  done
done

echo
echo "full scan of /usr/share/doc ($(tree_files /usr/share/doc) files), not stopped:"
declare -A wall cpu rss
for b in "${builds[@]}"; do
  measure "$b" "$(exe "$b")" scan --no-sets --no-pdq --quiet --jobs 2 --jsonl /dev/null /usr/share/doc
  wall[$b]=$M_SECS; cpu[$b]=$M_CPU; rss[$b]=$M_RSS_KB
  printf '  %-28s wall %6.2f s  cpu %6.2f s  peak RSS %6s MiB  (runs: %s)\n' "$b" "$M_SECS" "$M_CPU" "$(mib $M_RSS_KB)" "$M_ALL"
done
if [ -n "$PEER" ]; then
  echo "  ratio $BUILD / $PEER: wall $(ratio "${wall[$BUILD]}" "${wall[$PEER]}"), cpu $(ratio "${cpu[$BUILD]}" "${cpu[$PEER]}")"
fi
[ "$BUSY_RUNS" -gt 0 ] && echo "note: $BUSY_RUNS timed runs started while other work used the CPUs"
exit 0
