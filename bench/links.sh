#!/usr/bin/env bash
# bench/links.sh [BUILD]: links between cases at scale (docs/links.md). LINKS_CASES cases (default
# 200) of LINKS_ITEMS items (default 50,000: 10,000,000 items) generated straight into the registry
# by bench/mklinks.py (seeded random digests, planted overlaps: groups of cases sharing files,
# bridges between groups, known-benign and empty files in every case; LINKS_PICTURES pictures per
# case (default 25) with PDQ hashes: planted near copies, turned copies, known-benign and
# low-quality copies that must not link, near-only bridges), linked case by case
# (bench_links); then, LINKS_REPEAT times (default 3), one more case of LINKS_ITEMS items attached
# from a scan JSONL (vigil case attach: parse, store, update its links; the issue's target is
# under 5 s) and all networks listed (vigil links --format json, target under 1 s); and the links
# held compared with a brute-force computation over every item (mklinks.py brute, and every pair of
# pictures compared by bench/near_brute.c). On SQLite,
# then on a throw-away PostgreSQL server (tests/pg-run.sh: fsync off). Figures only, never
# pass/fail. Data: $VIGIL_BENCH_DIR/links-cases (default /work/bench-data).
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
VIGIL=$PWD/$BUILD/vigil
BL=$PWD/$BUILD/bench/bench_links
NB=$PWD/$BUILD/bench/near_brute
. bench/lib.sh
need_tools python3 sqlite3
[ -x "$VIGIL" ] && [ -x "$BL" ] && [ -x "$NB" ] || die "$VIGIL, $BL or $NB not found (build first)"
NC=${LINKS_CASES:-200}
NI=${LINKS_ITEMS:-50000}
REP=${LINKS_REPEAT:-3}
SEED=1
D=$BENCH_DIR/links-cases${LINKS_TAG:-}
mkdir -p "$D"

secs() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>>"$D/stderr.log" || echo "bench: '$*' failed: $(tail -n 2 "$D/stderr.log")" >&2
  t1=$(date +%s%N); awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }

registry() { # cases 1..NC, owned by units U0..U9
  for u in 0 1 2 3 4 5 6 7 8 9; do "$VIGIL" unit add "U$u" --name "Unit $u" --type regional >/dev/null 2>&1; done
  python3 - "$NC" >"$D/cases.csv" <<'PY'
import sys
print("record,ref,date,unit,value,note")
for i in range(1, int(sys.argv[1]) + 1):
    print("case,C%04d,2025-%02d-%02d,U%d,possession,bench case %d" % (i, 1 + i % 12, 1 + i % 28, i % 10, i))
PY
  "$VIGIL" case import "$D/cases.csv" >/dev/null
}

run_backend() { # NAME DUMP-ITEMS-CMD DUMP-LINKS-CMD DUMP-PICTURES-CMD (VIGIL_DB set, items loaded)
  local name=$1 t n attach=() list=() id
  echo "$name:"
  read -r t n < <("$BL" "$VIGIL_DB" 1 "$NC")
  echo "  link all $NC cases, one after the other (setup): $t s, $n links"
  for ((r = 1; r <= REP; r++)); do
    [ -f "$D/new-$r.jsonl" ] || python3 bench/mklinks.py jsonl "$D/new-$r.jsonl" "$NI" "$SEED" "$r"
    id=$("$VIGIL" case new --unit U1 --type distribution 2>/dev/null)
    wait_quiet
    attach+=("$(secs "$VIGIL" case attach "$id" "$D/new-$r.jsonl")")
    wait_quiet
    list+=("$(secs "$VIGIL" links --format json)")
  done
  "$VIGIL" links --format json >"$D/links.json" 2>/dev/null
  printf '  case attach of one more %s-item case (store + links): median %s s  runs: %s\n' "$NI" "$(median "${attach[@]}")" "${attach[*]}"
  printf '  links --format json, all networks: median %s s  runs: %s  (%s)\n' "$(median "${list[@]}")" "${list[*]}" \
    "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%d links (%d with near pictures, %d near only), %d networks, largest %d cases" % (len(d["links"]), sum(1 for l in d["links"] if l["near"]), sum(1 for l in d["links"] if l["near"] and not l["exact"]), len(d["networks"]), max([n["cases"] for n in d["networks"]] or [0])))' "$D/links.json")"
  t=$(date +%s%N)
  $4 | "$NB" >"$D/near-brute.txt"
  $2 | python3 bench/mklinks.py brute "$D/near-brute.txt" >"$D/brute.txt"
  $3 >"$D/held.txt"
  printf '  brute force over every item: %s links in %s s; the links held: %s\n' "$(wc -l <"$D/brute.txt")" \
    "$(awk -v a="$t" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')" \
    "$(if cmp -s "$D/brute.txt" "$D/held.txt"; then echo "equal"; else echo "DIFFERENT ($(diff "$D/brute.txt" "$D/held.txt" | grep -c '^[<>]') lines differ)"; fi)"
}

pg_sql() { psql -q -X -A -t -F "${SEP:-|}" -h "$PG_HOST" -U vigil -d vigiltest -c "$1"; }
pg_items() { pg_sql 'SELECT key, case_id, verdict, size FROM case_items ORDER BY key'; }
pg_links() { SEP=' ' pg_sql 'SELECT a, b, exact, illegal, interest, unknown, near FROM case_links ORDER BY a, b'; }
PICS="SELECT case_id, key, verdict, pdq_quality, size, pdq || COALESCE(pdq_dihedral, '') FROM case_items WHERE pdq IS NOT NULL"
pg_pics() { pg_sql "$PICS"; }
lite_pics() { sqlite3 -separator '|' "$VIGIL_DB" "$PICS"; }
lite_items() { sqlite3 -separator '|' "$VIGIL_DB" 'SELECT key, case_id, verdict, size FROM case_items ORDER BY key'; }
lite_links() { sqlite3 -separator ' ' "$VIGIL_DB" 'SELECT a, b, exact, illegal, interest, unknown, near FROM case_links ORDER BY a, b'; }
if [ "${2:-}" = "--pg" ]; then   # inside tests/pg-run.sh
  export VIGIL_DB=$VIGIL_PG_URL
  unset VIGIL_USER
  registry
  t=$(date +%s%N)
  index=$(pg_sql "SELECT pg_get_indexdef('case_items_key'::regclass)")   # built again at the end, as defined
  pg_sql "DROP INDEX case_items_key"
  python3 bench/mklinks.py items - "$NC" "$NI" "$SEED" |
    pg_sql "COPY case_items(case_id, key, sha1, size, verdict, added_at, pdq, pdq_quality, pdq_dihedral) FROM STDIN"
  pg_sql "$index; ANALYZE case_items"
  echo "  (generated $((NC * NI)) items into PostgreSQL in $(awk -v a="$t" -v b="$(date +%s%N)" 'BEGIN { printf "%.0f", (b - a) / 1e9 }') s)"
  run_backend "PostgreSQL $(psql -V | awk '{ print $3 }') (fsync off)" pg_items pg_links pg_pics
  exit 0
fi

echo "machine: $(nproc) cores; $NC cases of $NI items ($((NC * NI)) items, ${LINKS_PICTURES:-25} pictures each), seed $SEED; repeats: $REP (median)"
unset VIGIL_USER
export VIGIL_DB=$D/reg.db
rm -f "$VIGIL_DB" "$VIGIL_DB-wal" "$VIGIL_DB-shm" "$D/new-"*.jsonl "$D/stderr.log"
registry
t=$(date +%s%N)
python3 bench/mklinks.py items "$VIGIL_DB" "$NC" "$NI" "$SEED"
echo "  (generated $((NC * NI)) items into SQLite in $(awk -v a="$t" -v b="$(date +%s%N)" 'BEGIN { printf "%.0f", (b - a) / 1e9 }') s, $(du -m "$VIGIL_DB" | cut -f1) MB)"
run_backend "SQLite $(sqlite3 --version | cut -d' ' -f1)" lite_items lite_links lite_pics
if command -v pg_config >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  tests/pg-run.sh bash "$0" "$BUILD" --pg | grep -v '^1\.\.1$'
else
  echo "PostgreSQL: not installed (scripts/install-deps.sh), not measured"
fi
