#!/usr/bin/env bash
# bench/case-store.sh [BUILD]: what storing a scan's items with a case costs (vigil scan
# --store CASE) against the same scan without it, on the bench/hash corpus (make_file_corpus.sh,
# about 2 GB, 20,100 files, read from the page cache), on SQLite and then on a throw-away
# PostgreSQL server (tests/pg-run.sh: fsync off, a unix socket). The two scans alternate,
# CASE_STORE_REPEAT times (default 5); each stored scan goes into a new case, so every item is
# new. Prints median wall seconds, MB/s, peak RSS, the median CPU seconds of vigil (user + sys;
# on PostgreSQL the server's share is not in it) and the ratios stored/plain of both: on a
# machine shared with other work the CPU ratio is the steadier figure. Figures only, never
# pass/fail. Data: $VIGIL_BENCH_DIR (default /work/bench-data).
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
VIGIL=$PWD/$BUILD/vigil
. bench/lib.sh
need_tools python3
[ -x "$VIGIL" ] || die "$VIGIL not found (build first)"
REP=${CASE_STORE_REPEAT:-5}
export BENCH_QUIET_WAIT=${BENCH_QUIET_WAIT:-10}
D=$BENCH_DIR/case-store
mkdir -p "$D"

# one timed run: prints "seconds peak_kib cpu_seconds"
timed() {
  local tf t0 t1 m u s
  tf=$(mktemp)
  wait_quiet
  t0=$(date +%s%N)
  /usr/bin/time -f '%M %U %S' -o "$tf" "$@" >/dev/null 2>"$D/last-stderr.log" || echo "bench: '$*' failed: $(head -c 300 "$D/last-stderr.log")" >&2
  t1=$(date +%s%N)
  read -r m u s < <(tail -n 1 "$tf")
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }') $m $(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')"
  rm -f "$tf"
}

run_backend() { # NAME: VIGIL_DB is set
  local name=$1 plain=() stored=() cplain=() cstored=() rp=0 rs=0 t r c id
  "$VIGIL" unit add BENCH --name "Bench unit" --type regional >/dev/null 2>&1
  for ((i = 0; i < REP; i++)); do
    read -r t r c < <(timed "$VIGIL" scan --no-sets --quiet --jsonl "$D/plain.jsonl" "$CORPUS")
    plain+=("$t"); cplain+=("$c"); [ "$r" -gt "$rp" ] && rp=$r
    id=$("$VIGIL" case new --unit BENCH --type possession 2>>"$D/case-new.log") || echo "bench: case new failed: $(tail -n 1 "$D/case-new.log")" >&2
    read -r t r c < <(timed "$VIGIL" scan --no-sets --quiet --store "$id" --jsonl "$D/stored.jsonl" "$CORPUS")
    stored+=("$t"); cstored+=("$c"); [ "$r" -gt "$rs" ] && rs=$r
  done
  local mp ms cp cs items
  mp=$(median "${plain[@]}")
  ms=$(median "${stored[@]}")
  cp=$(median "${cplain[@]}")
  cs=$(median "${cstored[@]}")
  items=$(grep -c '"path"' "$D/stored.jsonl")
  echo "$name: $items items, $(mbps "$BYTES" 1) MB per scan"
  printf '  scan            median %6.2f s  %7s MB/s  CPU %6.2f s  peak RSS %6s MiB  runs: %s\n' "$mp" "$(mbps "$BYTES" "$mp")" "$cp" "$(mib "$rp")" "${plain[*]}"
  printf '  scan --store    median %6.2f s  %7s MB/s  CPU %6.2f s  peak RSS %6s MiB  runs: %s\n' "$ms" "$(mbps "$BYTES" "$ms")" "$cs" "$(mib "$rs")" "${stored[*]}"
  echo "  stored/plain: wall $(ratio "$ms" "$mp"), CPU $(ratio "$cs" "$cp") (issue: at most 1.10)"
}

if [ "${2:-}" = "--pg" ]; then   # inside tests/pg-run.sh
  BYTES=$3
  export VIGIL_DB=$VIGIL_PG_URL VIGIL_USER=
  unset VIGIL_USER
  run_backend "PostgreSQL $(psql -V | awk '{ print $3 }') (fsync off)"
  exit 0
fi

ensure_corpus
warm_cache "$CORPUS"
BYTES=$(tree_bytes "$CORPUS")
echo "machine: $(nproc) cores; repeats: $REP (alternating, median); corpus $CORPUS: $(tree_files "$CORPUS") files, $(mbps "$BYTES" 1) MB"
rm -f "$D/reg.db"
unset VIGIL_USER
VIGIL_DB=$D/reg.db run_backend "SQLite $(sqlite3 --version | cut -d' ' -f1)"
if command -v pg_config >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  tests/pg-run.sh bash "$0" "$BUILD" --pg "$BYTES" | grep -v '^1\.\.1$'
else
  echo "PostgreSQL: not installed (scripts/install-deps.sh), not measured"
fi
