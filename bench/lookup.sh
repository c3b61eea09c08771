#!/usr/bin/env bash
# bench/lookup.sh [BUILD|BENCH_STORE [BENCH_STORE...]]: exact digest lookups on a 20,000,000-entry store
# (generated SHA-256 and MD5 digests, never real lists), half hits, 1 and 2 threads, single and
# batched, SHA-256 and MD5; each line of figures has a peer measured in the same run: a plain
# binary search over the same sorted key array, without the prefix table. Extra BENCH_STORE
# binaries (an older build, say) are run over the same store and queries one after another.
# Also: the same store with one active dispute, lookups on a store out of the page cache, and
# vigil_index_match (every digest of a file against every set) on a store of three sets.
# Data: $VIGIL_BENCH_DIR/lookup (default /work/bench-data); LOOKUP_N entries (20000000),
# LOOKUP_Q queries per thread (4000000). Figures only, never pass/fail.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
shift || true
if [ -f "$BUILD" ]; then BINS=("$BUILD" "$@"); else BINS=("$PWD/$BUILD/bench/bench_store" "$@"); fi
N=${LOOKUP_N:-20000000}
Q=${LOOKUP_Q:-4000000}
D=${VIGIL_BENCH_DIR:-/work/bench-data}/lookup
mkdir -p "$D"
[ -x "${BINS[0]}" ] || { echo "lookup.sh: ${BINS[0]} not found (build first)" >&2; exit 1; }
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(free -g | awk '/Mem:/ {print $2}') GB"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (a shared machine: other work ran beside this)"
if [ ! -f "$D/s$N.done" ]; then
  rm -rf "$D/s$N.db" "$D/s$N.db.sets"
  /usr/bin/time -f 'store build: %e s, peak RSS %M KB' "${BINS[0]}" build "$D/s$N.db" bench "$N" 1 256 md5 && touch "$D/s$N.done"
fi
# The same store with one active dispute (of a digest it does not list): a store in use has some.
VIGIL=${VIGIL:-$PWD/$BUILD/vigil}
if [ ! -f "$D/s$N-disputed.done" ] && [ -x "$VIGIL" ]; then
  rm -rf "$D/s$N-disputed.db" "$D/s$N-disputed.db.sets"
  cp "$D/s$N.db" "$D/s$N-disputed.db" && mkdir -p "$D/s$N-disputed.db.sets" &&
    ln -f "$D/s$N.db.sets/"*.seg "$D/s$N-disputed.db.sets/" &&
    # written into the table: 'hashset dispute' refuses a digest that no set lists
    python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("INSERT INTO hash_dispute(digest, reason, disputed_at) VALUES(?, ?, ?)", (bytes.fromhex("00000000000000000000000000000001"), "bench", "2026-01-01T00:00:00Z")); c.commit()' "$D/s$N-disputed.db" &&
    touch "$D/s$N-disputed.done"
fi
# Three sets of N/3 entries each (for vigil_index_match, which asks every set for every digest).
M=$((N / 3))
if [ ! -f "$D/m3-$M.done" ]; then
  rm -rf "$D/m3-$M.db" "$D/m3-$M.db.sets"
  for seed in 11 12 13; do "${BINS[0]}" build "$D/m3-$M.db" "set$seed" "$M" "$seed" 256 md5 || break; done &&
    touch "$D/m3-$M.done"
fi
for bin in "${BINS[@]}"; do
  echo "== $bin"
  for t in 1 2; do
    echo "-- vigil_index_match over 3 sets of $M entries (hits in the last set searched), $t thread(s), load $(cut -d' ' -f1 /proc/loadavg)"
    "$bin" match "$D/m3-$M.db" 1000000 13 "$M" "$t" 2>&1 | sed 's/^/  /'
  done
  echo "-- md5 lookups over the same 3 sets (hits in the last set searched), 1 thread, load $(cut -d' ' -f1 /proc/loadavg)"
  "$bin" lookup "$D/m3-$M.db" 2000000 13 "$M" 1 md5 2>&1 | grep -v 'first pass' | sed 's/^/  /'
  for alg in sha256 md5; do
    for t in 1 2; do
      echo "-- $alg, $t thread(s), $Q queries per thread, load $(cut -d' ' -f1 /proc/loadavg)"
      /usr/bin/time -f 'peak RSS %M KB' "$bin" lookup "$D/s$N.db" "$Q" 1 "$N" "$t" "$alg" 2>&1 | sed 's/^/  /'
    done
  done
  # A scan's index bounds its memory (keys read with pread, pages of hits let go): the same lookups
  # that way, with a peer that reads with pread and maps nothing, and the resident pages at the end.
  for alg in sha256 md5; do
    echo "-- $alg, 1 thread, $Q queries, bounded memory (as a scan opens the index), load $(cut -d' ' -f1 /proc/loadavg)"
    "$bin" lookup "$D/s$N.db" "$Q" 1 "$N" 1 "$alg" bounded 2>&1 | sed 's/^/  /'
  done
  if [ -f "$D/s$N-disputed.done" ]; then
    echo "-- md5, 2 threads, $Q queries per thread, the store with one active dispute, load $(cut -d' ' -f1 /proc/loadavg)"
    "$bin" lookup "$D/s$N-disputed.db" "$Q" 1 "$N" 2 md5 2>&1 | sed 's/^/  /'
  fi
  # A segment just written is cached in 4 KiB folios; read back sequentially (read(2) readahead) it
  # is cached, and mapped, in 2 MiB ones: the same lookups once more in that state.
  echo "-- the store's segment dropped from the page cache and read back with read(2) (2 MiB folios)"
  python3 -c 'import os, sys
for p in sys.argv[1:]:
    fd = os.open(p, os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)' "$D/s$N.db.sets/"*.seg
  cat "$D/s$N.db.sets/"*.seg >/dev/null
  for alg in sha256 md5; do
    echo "-- $alg, 2 threads, $Q queries per thread, read back, load $(cut -d' ' -f1 /proc/loadavg)"
    "$bin" lookup "$D/s$N.db" "$Q" 1 "$N" 2 "$alg" 2>&1 | sed 's/^/  /'
  done
  echo "-- cold: batched MD5 lookups right after dropping this store's segment from the page cache"
  for cq in 1000 100000 2000000; do
    "$bin" lookup-cold "$D/s$N.db" "$cq" 1 "$N" md5 2>&1 | sed 's/^/  /'
  done
  # leave the cache as a reader finds it after a cold start (folios from readahead) for the next binary
done
