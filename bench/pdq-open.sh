#!/usr/bin/env bash
# Opening a store's PDQ matcher with its index mapped from <segment>.pdqx ("disk") against building
# the index in memory from the segment ("memory", what every process did before), on a store of N
# generated PDQ hashes (default 10,000,000; list and store under $VIGIL_BENCH_DIR/pdq-open, made
# once). Prints: open time p50/p95 over OPENS process starts each (time to a matcher that can
# answer, the store's database opened too, page cache warm), the first query's time, query latency
# p50/p99 over QUERIES single queries (radius 31, eight orientations, half planted; a first pass
# that maps the index's pages as it touches them, then a second), peak RSS of
# each process, and the exactness check (disk against memory, and against brute force on a
# sample). Figures only, never pass/fail.
# usage: bench/pdq-open.sh [BUILD]     env: N SEED OPENS QUERIES REPEAT (query runs, alternated)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
BUILD=${1:-build}
B=$BUILD/bench/bench_pdq_open
N=${N:-10000000}
SEED=${SEED:-1}
OPENS=${OPENS:-11}
QUERIES=${QUERIES:-2000}
[ -x "$B" ] || die "pdq-open: build first (make)"
[ -x /usr/bin/time ] || die "pdq-open: needs /usr/bin/time (apt-get install time)"
D=${VIGIL_BENCH_DIR:-/work/bench-data}/pdq-open
DB=$D/store-$N-$SEED.db
mkdir -p "$D"
echo "bench pdq-open: $(nproc) CPUs, commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)," \
     "$(date -u +%Y-%m-%dT%H:%MZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ ! -e "$DB.done" ]; then
  rm -rf "$DB" "$DB".* "$D/list-$N-$SEED.pdq"
  "$B" gen "$N" "$SEED" "$D/list-$N-$SEED.pdq"
  t0=$(date +%s.%N)
  VIGIL_DB=$DB /usr/bin/time -f "%e %M" -o "$D/import.time" "$BUILD/vigil" hashset import --name big --kind illegal \
    --format pdq "$D/list-$N-$SEED.pdq" >/dev/null 2>&1
  read -r wall rss <"$D/import.time"
  echo "bench pdq-open: import of $N entries (segment and its .pdqx) wall $wall s, peak rss $(mib "$rss") MiB"
  rm -f "$D/list-$N-$SEED.pdq"
  touch "$DB.done"
fi
echo "bench pdq-open: store $(du -sh "$DB.sets" | cut -f1): $(ls -l "$DB".sets/*.seg "$DB".sets/*.pdqx | awk '{printf "%s %d bytes; ", $NF, $5}')"
cat "$DB".sets/*.seg "$DB".sets/*.pdqx >/dev/null   # page cache warm for both ways
T=$(mktemp)
trap 'rm -f "$T"' EXIT
for how in disk memory; do
  opens=() firsts=() rsss=()
  for _ in $(seq "$OPENS"); do
    /usr/bin/time -f "%M" -o "$T" "$B" open "$DB" "$how" >"$T.out"
    opens+=("$(awk '{print $3}' "$T.out")") firsts+=("$(awk '{print $5}' "$T.out")") rsss+=("$(cat "$T")")
  done
  p95=$(printf '%s\n' "${opens[@]}" | sort -g | awk -v n="$OPENS" '{ v[NR] = $1 } END { i = int(0.95 * n + 0.999); if (i > n) i = n; print v[i] }')
  echo "bench pdq_open_$how: open p50 $(median "${opens[@]}") ms, p95 $p95 ms ($OPENS process starts)," \
       "first query p50 $(median "${firsts[@]}") ms, peak rss p50 $(mib "$(median "${rsss[@]}")") MiB"
done
# alternated, REPEAT times each: the load of a shared machine falls on both alike
for _ in $(seq "${REPEAT:-2}"); do
  for how in disk memory; do
    /usr/bin/time -f "%M" -o "$T" "$B" query "$DB" "$N" "$SEED" "$QUERIES" "$how" >"$T.out"
    echo "bench pdq_query_$how: $(cat "$T.out") | peak rss $(mib "$(cat "$T")") MiB"
  done
done
rm -f "$T.out"
"$B" exact "$DB" "$N" "$SEED" "$((QUERIES / 4))" | sed 's/^/bench pdq_open_/' || true
