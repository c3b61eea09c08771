#!/usr/bin/env bash
# bench/scan.sh [BUILD]: what matching costs. `vigil scan` with a 1,000,000-entry
# hash set imported, against `vigil hash` on the same corpus (make_file_corpus.sh,
# about 2 GB, from the page cache) with the same --jobs, in one run. The set is
# 999,000 random SHA-256 digests plus the real digests of 1,000 corpus files, so
# the scan must report exactly 1,000 illegal items. Prints figures, never pass/fail.
#
#   Times are the median of BENCH_REPEAT (default 3) runs (the import runs once);
#   peak RSS is the largest of those runs (/usr/bin/time %M). MB = 10^6 bytes.
#   Data: $VIGIL_BENCH_DIR (default /work/bench-data), made once and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
VIGIL=$BUILD/vigil
. bench/lib.sh

[ -x "$VIGIL" ] || die "$VIGIL not found (run make first)"
need_tools python3 sha256sum
ensure_corpus
DB=$BENCH_DIR/bench.db
LIST=$BENCH_DIR/bench-hashset.sha256
JSONL=$BENCH_DIR/scan.jsonl
PLANT=1000
NSET=1000000

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
echo "vigil: $("$VIGIL" --version 2>/dev/null || echo "$VIGIL"); repeats: $REPEAT (median time, largest peak RSS)"
files=$(tree_files "$CORPUS")
bytes=$(tree_bytes "$CORPUS")
echo "corpus: $CORPUS, $files files, $bytes bytes"

# The list: every 20th small file (in name order) is planted, up to $PLANT of them.
if [ ! -f "$LIST.done" ] || [ ! -f "$LIST" ]; then
  echo "hash set: writing $LIST ($((NSET - PLANT)) random + $PLANT planted SHA-256 digests)"
  find "$CORPUS" -path "$CORPUS/large" -prune -o -type f -print | LC_ALL=C sort | awk 'NR % 20 == 1' | head -n "$PLANT" \
    | python3 bench/mkhashset.py "$LIST" "$((NSET - PLANT))" 7 >"$LIST.done"
fi
planted=$(cat "$LIST.done")
echo "hash set: $LIST, $(wc -l <"$LIST") entries, $planted planted"
echo

rm -f "$DB" "$DB.idx" "$DB-wal" "$DB-shm" "$DB-journal"
cmd_import=("$VIGIL" --db "$DB" hashset import --name bench --kind illegal "$LIST")
REPEAT=1 measure import "${cmd_import[@]}"
[ "$M_RC" -eq 0 ] || die "import failed: $(cat "$BENCH_DIR/last-stderr.log")"
# the set's segment (the current one: the newest file) and its bytes per entry (entries: header offset 24)
SEG=$(ls -t "$DB.sets"/*.seg | head -n 1)
printf 'import: %s\n  %.3f s, %s entries/s, CPU %s s, peak RSS %s MiB; db %s MiB + segment %s MiB, %s bytes per entry on disk\n' \
  "${cmd_import[*]}" "$M_SECS" "$(per_s "$NSET" "$M_SECS")" "$M_CPU" "$(mib "$M_RSS_KB")" \
  "$(mib $(( $(stat -c %s "$DB") / 1024 )))" "$(mib $(( $(stat -c %s "$SEG") / 1024 )))" \
  "$(awk -v b="$(stat -c %s "$SEG")" -v n="$(od -An -t u8 -j 24 -N 8 "$SEG")" 'BEGIN { printf "%.1f", n ? b / n : 0 }')"
echo

echo "warming the page cache"
warm_cache "$CORPUS"
echo "timings, wall seconds (hash to /dev/null, scan JSONL to $JSONL; CPU = median user+sys;"
echo "  others = median share of all CPUs used by other processes during the runs):"
declare -A secs rss cpu
run() { # key cmd...
  local key=$1; shift
  measure "$key" "$@"
  secs[$key]=$M_SECS
  rss[$key]=$M_RSS_KB
  cpu[$key]=$M_CPU
  printf '  %-62s %7.3f s  (runs: %s; CPU %s s; others %s%%)\n' "$*" "$M_SECS" "$M_ALL" "$M_CPU" "$M_OTHER"
}
check=""
for j in 1 2; do
  run "h$j" "$VIGIL" hash --jobs "$j" --quiet "$CORPUS"
  run "s$j" "$VIGIL" --db "$DB" scan --jobs "$j" --quiet --jsonl "$JSONL" "$CORPUS"
  got=$(tail -n 1 "$JSONL" | python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print(s["illegal"], s["items"], s["unknown"], s["error"])')
  read -r ill items unk errs <<<"$got"
  check+="  --jobs $j: summary illegal $ill (planted $planted: $([ "$ill" = "$planted" ] && echo "equal" || echo "DIFFERENT")), items $items, unknown $unk, error $errs"$'\n'
done
echo
echo "results ($files files, $(mbps "$bytes" 1) MB):"
for j in 1 2; do
  ov=$(awk -v s="${secs[s$j]}" -v h="${secs[h$j]}" 'BEGIN { printf "%.1f", 100 * (s / h - 1) }')
  ovc=$(awk -v s="${cpu[s$j]}" -v h="${cpu[h$j]}" 'BEGIN { printf "%.1f", 100 * (s / h - 1) }')
  printf '  --jobs %s: hash %.3f s (%s MB/s, peak RSS %s MiB), scan %.3f s (%s MB/s, peak RSS %s MiB)\n' "$j" \
    "${secs[h$j]}" "$(mbps "$bytes" "${secs[h$j]}")" "$(mib "${rss[h$j]}")" \
    "${secs[s$j]}" "$(mbps "$bytes" "${secs[s$j]}")" "$(mib "${rss[s$j]}")"
  printf '           scan overhead %s%% wall (target <= 10%%: %s), %s%% CPU\n' "$ov" \
    "$(awk -v o="$ov" 'BEGIN { print (o <= 10) ? "met" : "NOT met" }')" "$ovc"
done
echo
echo "check against the planted digests:"
printf '%s' "$check"
echo
echo "runs started while other work kept the machine busy: $BUSY_RUNS"
