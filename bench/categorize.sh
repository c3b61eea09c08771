#!/usr/bin/env bash
# bench/categorize.sh [BUILD] [N]: what `vigil case categorize CASE --from FILE.csv` costs for N
# decisions (default 10,000) on SQLite: the decisions, their audit events, the case's links and
# its unit's own hash set (unit:BENCH, N entries) made again. Setup (not timed): N small distinct
# files (python, seed 1) scanned into a case with --store, a CSV of their SHA-1s (category 1, one
# of 50 series each). Then the same with a second case of the unit holding the same N files,
# categorized too: the unit's set is made from 2N decisions (N entries, each merged from both
# cases). Peers in the same run: attaching the same N items to the case again (`case attach`,
# the registry write of that many items) and importing the unit's set exported as VICS (`hashset
# import --replace`, the set write alone). Each is run BENCH_REPEAT times (default 5):
# median, p90 and max wall seconds, decisions per second, peak RSS, median CPU, and the ratios to
# the peers. Figures only, never pass/fail. Data: $VIGIL_BENCH_DIR (default /work/bench-data).
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
N=${2:-10000}
VIGIL=$PWD/$BUILD/vigil
. bench/lib.sh
need_tools python3 sha1sum
[ -x "$VIGIL" ] || die "$VIGIL not found (build first)"
REPEAT=${BENCH_REPEAT:-5}
export BENCH_QUIET_WAIT=${BENCH_QUIET_WAIT:-10}
D=$BENCH_DIR/categorize-$N
rm -rf "$D"
mkdir -p "$D/files"
unset VIGIL_USER
export VIGIL_DB=$D/reg.db VIGIL_SETS=$D/sets.db

python3 - "$D/files" "$N" <<'PY'
import os, random, sys
d, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(1)
for i in range(n):
    with open(os.path.join(d, "f%06d.bin" % i), "wb") as f:
        f.write(rnd.randbytes(256))
PY
"$VIGIL" unit add BENCH --name "Bench unit" --type regional >/dev/null 2>&1
id=$("$VIGIL" case new --unit BENCH --type possession 2>/dev/null) || die "case new failed"
"$VIGIL" scan --no-sets --quiet --store "$id" --jsonl "$D/items.jsonl" "$D/files" || die "scan --store failed"
(cd "$D/files" && sha1sum -- *) | awk '{ printf "%s,1,S-%02d\n", $1, NR % 50 }' >"$D/decisions.csv"
"$VIGIL" case categorize "$id" --from "$D/decisions.csv" >/dev/null || die "categorize failed"
"$VIGIL" hashset export --name unit:BENCH --format vics >"$D/own.json" || die "export failed"

stats() { # NAME: the figures of the last measure
  local p90 max
  p90=$(printf '%s\n' $M_ALL | sort -g | awk '{ v[NR] = $1 } END { i = int(NR * 0.9 + 0.999); print v[i] }')
  max=$(printf '%s\n' $M_ALL | sort -g | tail -n 1)
  printf '  %-28s median %6.2f s  p90 %6.2f s  max %6.2f s  %7s/s  CPU %6.2f s  peak RSS %6s MiB  runs: %s\n' \
    "$1" "$M_SECS" "$p90" "$max" "$(per_s "$N" "$M_SECS")" "$M_CPU" "$(mib "$M_RSS_KB")" "$M_ALL"
}
echo "machine: $(nproc) cores; SQLite $(sqlite3 --version | cut -d' ' -f1); $N decisions; repeats: $REPEAT"
measure categorize "$VIGIL" case categorize "$id" --from "$D/decisions.csv"
stats "case categorize --from"; cat_s=$M_SECS; cat_cpu=$M_CPU
id2=$("$VIGIL" case new --unit BENCH --type possession 2>/dev/null) || die "case new failed"
"$VIGIL" scan --no-sets --quiet --store "$id2" --jsonl "$D/items2.jsonl" "$D/files" || die "scan --store failed"
"$VIGIL" case categorize "$id2" --from "$D/decisions.csv" >/dev/null || die "categorize failed"
measure categorize2 "$VIGIL" case categorize "$id2" --from "$D/decisions.csv"
stats "categorize, unit of 2 cases"; cat2_s=$M_SECS
measure attach "$VIGIL" case attach "$id" "$D/items.jsonl"
stats "case attach (peer)"; att_s=$M_SECS
measure import "$VIGIL" hashset import --replace --name "peer-$id" --kind illegal "$D/own.json"
stats "hashset import VICS (peer)"; imp_s=$M_SECS
echo "  categorize/attach: wall $(ratio "$cat_s" "$att_s"); categorize/import: wall $(ratio "$cat_s" "$imp_s");" \
  "2 cases/1 case: wall $(ratio "$cat2_s" "$cat_s");" \
  "categorize CPU $cat_cpu s; busy runs: $BUSY_RUNS"
