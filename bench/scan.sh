#!/usr/bin/env bash
# bench/scan.sh [BUILD]: what a full scan costs against hashing, on a real tree and on
# the bench corpus, with a 2,000,000-entry hash set loaded and the page cache warm.
# Every column in one run, at the same --jobs:
#   hash                      `vigil hash` (the three digests, nothing else)
#   scan --no-mime --no-pdq   digests and matching only
#   scan --no-mime            ... and PDQ of every picture
#   scan --no-pdq             ... and MIME typing, no PDQ
#   scan                      the default scan (parsers in sandboxed worker processes)
#   scan --no-isolation       the default scan with every parser in the scanning process
#   scan --pdq-exact          only when `vigil scan --help` lists that option
#   hashdeep -jN              the peer: hashdeep -c md5,sha1,sha256 -r (same three digests)
# and the ratios issue 14 sets targets for. Prints figures, never pass/fail.
#
#   BENCH_SCAN_REAL   the real tree (default /usr/share; empty skips it)
#   BENCH_SCAN_CORPUS the bench corpus (default $VIGIL_BENCH_DIR/corpus, made by
#                     make_file_corpus.sh once; empty skips it)
#   BENCH_SCAN_JOBS   --jobs of every column (default 2; hashdeep gets -j the same)
#   BENCH_SET_SIZE    entries of the hash set (default 2000000): random SHA-256 digests
#                     plus the real digests of 1,000 corpus files, so a scan of the corpus
#                     must report exactly 1,000 illegal items, whatever the column
#   BENCH_SCAN_COLUMNS  the columns to run, by key (default all: hash nn nm np scan noiso exact hd);
#                     "scan noiso" measures only what isolation costs
#   BENCH_REPEAT      runs per column (default 3): times are medians, peak RSS the largest
#                     (/usr/bin/time %M). The default scan of /usr/share takes about 80 s.
# With parser workers, /usr/bin/time's peak RSS is that of the largest single process; the
# scan's whole process tree (scan + workers, RSS and PSS summed) is measured once more by
# bench/tree_mem.py, with and without isolation.
# Peak RSS counts file-backed pages too (the mapped set segment, libmagic's database):
# one more run of the default scan, sampled every 0.1 s by bench/rss_split.py, says how
# much of its peak is anonymous memory and how much mapped files. MB = 10^6 bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
VIGIL=$BUILD/vigil
. bench/lib.sh

[ -x "$VIGIL" ] || die "$VIGIL not found (run make first)"
need_tools python3 sha256sum hashdeep
REAL=${BENCH_SCAN_REAL-/usr/share}
BCORPUS=${BENCH_SCAN_CORPUS-$CORPUS}
JOBS=${BENCH_SCAN_JOBS:-2}
NSET=${BENCH_SET_SIZE:-2000000}
PLANT=1000
[ -z "$BCORPUS" ] || [ "$BCORPUS" != "$CORPUS" ] || ensure_corpus
[ -z "$REAL" ] || [ -d "$REAL" ] || die "BENCH_SCAN_REAL: $REAL is not a directory"
[ -z "$BCORPUS" ] || [ -d "$BCORPUS" ] || die "BENCH_SCAN_CORPUS: $BCORPUS is not a directory"
DB=$BENCH_DIR/scan-bench.db
LIST=$BENCH_DIR/bench-hashset-$NSET.sha256
JSONL=$BENCH_DIR/scan.jsonl
EXACT=0
# the help is read whole first: grep -q would end the pipe early, and under pipefail the
# writer's SIGPIPE would read as "option missing"
SCAN_HELP=$("$VIGIL" scan --help 2>&1 || true)
grep -q -- '--pdq-exact' <<<"$SCAN_HELP" && EXACT=1

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
echo "vigil: $("$VIGIL" --version 2>/dev/null | head -1 || echo "$VIGIL"); hashdeep: $(hashdeep -V 2>/dev/null | head -n 1)"
echo "--jobs $JOBS; repeats: $REPEAT (median time, largest peak RSS)"

# The list: every 20th small corpus file (in name order) is planted, up to $PLANT of them.
if [ ! -f "$LIST.done" ] || [ ! -f "$LIST" ]; then
  echo "hash set: writing $LIST ($((NSET - PLANT)) random + $PLANT planted SHA-256 digests)"
  [ -d "$CORPUS" ] || ensure_corpus
  find "$CORPUS" -path "$CORPUS/large" -prune -o -type f -print | LC_ALL=C sort | awk 'NR % 20 == 1' | head -n "$PLANT" \
    | python3 bench/mkhashset.py "$LIST" "$((NSET - PLANT))" 7 >"$LIST.done"
fi
planted=$(cat "$LIST.done")
echo "hash set: $LIST, $(wc -l <"$LIST") entries, $planted of them digests of files in $CORPUS"

rm -rf "$DB" "$DB.sets" "$DB-wal" "$DB-shm" "$DB-journal"
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

# Columns: key, label, command (after "vigil").
keys=(hash nn nm np scan noiso)
declare -A label=([hash]="hash" [nn]="scan --no-mime --no-pdq" [nm]="scan --no-mime" [np]="scan --no-pdq"
                  [scan]="scan" [noiso]="scan --no-isolation" [exact]="scan --pdq-exact" [hd]="hashdeep -j$JOBS")
declare -A flags=([nn]="--no-mime --no-pdq" [nm]="--no-mime" [np]="--no-pdq" [scan]="" [noiso]="--no-isolation" [exact]="--pdq-exact")
[ "$EXACT" = 1 ] && keys+=(exact)
ISO=1
if ! grep -q -- '--no-isolation' <<<"$SCAN_HELP"; then # a build from before the workers
  ISO=0
  keys=(hash nn nm np scan)
  [ "$EXACT" = 1 ] && keys+=(exact)
fi
keys+=(hd)
if [ -n "${BENCH_SCAN_COLUMNS:-}" ]; then # only those asked for, in the usual order
  sel=()
  for k in "${keys[@]}"; do [[ " $BENCH_SCAN_COLUMNS " == *" $k "* ]] && sel+=("$k"); done
  keys=("${sel[@]}")
fi
has() { [[ " ${keys[*]} " == *" $1 "* ]]; }

declare -A secs rss cpu items illegal
check=""
bench_tree() { # name dir
  local name=$1 dir=$2 files bytes k cmd got ill it unk err
  files=$(tree_files "$dir")
  bytes=$(tree_bytes "$dir")
  echo "== $name: $dir, $files files, $bytes bytes ($(mbps "$bytes" 1) MB); warming the page cache"
  warm_cache "$dir"
  echo "timings, wall seconds (median; hash and hashdeep to /dev/null, scans JSONL to $JSONL):"
  [ "$EXACT" = 1 ] || echo "  (scan --pdq-exact: not in this build's 'vigil scan --help'; column skipped)"
  for k in "${keys[@]}"; do
    case $k in
      hash) cmd=("$VIGIL" hash --jobs "$JOBS" --quiet "$dir") ;;
      hd) cmd=(hashdeep -c md5,sha1,sha256 -j"$JOBS" -r "$dir") ;;
      *) # shellcheck disable=SC2206
         cmd=("$VIGIL" --db "$DB" scan --jobs "$JOBS" --quiet ${flags[$k]} --jsonl "$JSONL" "$dir") ;;
    esac
    measure "$name/$k" "${cmd[@]}"
    secs[$name/$k]=$M_SECS rss[$name/$k]=$M_RSS_KB cpu[$name/$k]=$M_CPU
    printf '  %-26s %8.3f s  (runs: %s; CPU %s s; others %s%%)\n' "${label[$k]}" "$M_SECS" "$M_ALL" "$M_CPU" "$M_OTHER"
    case $k in hash | hd) continue ;; esac
    got=$(tail -n 1 "$JSONL" | python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print(s["illegal"], s["items"], s["unknown"], s["error"])')
    read -r ill it unk err <<<"$got"
    items[$name]=$it illegal[$name/$k]=$ill
    check+="  $name, ${label[$k]}: illegal $ill, items $it, unknown $unk, error $err"
    [ "$dir" = "$CORPUS" ] && check+=" (planted $planted: $([ "$ill" = "$planted" ] && echo equal || echo DIFFERENT))"
    check+=$'\n'
  done
  echo "  the default scan once more under bench/rss_split.py (peak RSS, anonymous and file-backed):"
  python3 bench/rss_split.py "$VIGIL" --db "$DB" scan --jobs "$JOBS" --quiet --jsonl "$JSONL" "$dir" | sed 's/^/    /'
  if [ "$ISO" = 1 ]; then # the scan's parser workers are processes of their own: the whole tree, both ways
    echo "  the default scan and scan --no-isolation once more under bench/tree_mem.py (scan + workers):"
    printf '    scan:                 %s\n' "$(python3 bench/tree_mem.py "$VIGIL" --db "$DB" scan --jobs "$JOBS" --quiet --jsonl "$JSONL" "$dir")"
    printf '    scan --no-isolation:  %s\n' "$(python3 bench/tree_mem.py "$VIGIL" --db "$DB" scan --jobs "$JOBS" --quiet --no-isolation --jsonl "$JSONL" "$dir")"
  fi
  echo "results, $name ($files files, ${items[$name]} items with archive members, $(mbps "$bytes" 1) MB):"
  printf '  %-26s %9s %10s %8s %8s %13s\n' column "wall s" "files/s" "MB/s" "CPU s" "peak RSS MiB"
  for k in "${keys[@]}"; do
    printf '  %-26s %9.3f %10s %8s %8s %13s\n' "${label[$k]}" "${secs[$name/$k]}" "$(per_s "$files" "${secs[$name/$k]}")" \
      "$(mbps "$bytes" "${secs[$name/$k]}")" "${cpu[$name/$k]}" "$(mib "${rss[$name/$k]}")"
  done
  local r
  if has scan && has nm; then
    r=$(ratio "${secs[$name/scan]}" "${secs[$name/nm]}")
    printf '  scan / scan --no-mime: %sx (target <= 1.25: %s)\n' "$r" "$(awk -v r="$r" 'BEGIN { print (r <= 1.25) ? "met" : "NOT met" }')"
  fi
  if [ "$ISO" = 1 ] && has scan && has noiso; then
    r=$(ratio "${secs[$name/scan]}" "${secs[$name/noiso]}")
    printf '  scan / scan --no-isolation: %sx the time, CPU %sx (target <= 1.05: %s)\n' "$r" \
      "$(ratio "${cpu[$name/scan]}" "${cpu[$name/noiso]}")" "$(awk -v r="$r" 'BEGIN { print (r <= 1.05) ? "met" : "NOT met" }')"
  fi
  if [ "$dir" = "$BCORPUS" ] && has scan && has hash; then
    r=$(ratio "${secs[$name/scan]}" "${secs[$name/hash]}")
    printf '  scan / hash: %sx (target <= 1.15: %s)\n' "$r" "$(awk -v r="$r" 'BEGIN { print (r <= 1.15) ? "met" : "NOT met" }')"
  fi
  has scan && printf '  peak RSS of scan --jobs %s: %s MiB = %s MB (target < 128 MB: %s)\n' "$JOBS" "$(mib "${rss[$name/scan]}")" \
    "$(awk -v k="${rss[$name/scan]}" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }')" \
    "$(awk -v k="${rss[$name/scan]}" 'BEGIN { print (k * 1024 < 128e6) ? "met" : "NOT met" }')"
  has hash && has hd && printf '  hash / hashdeep -j%s: %sx the time (hashdeep / hash: %sx)\n' "$JOBS" \
    "$(ratio "${secs[$name/hash]}" "${secs[$name/hd]}")" "$(ratio "${secs[$name/hd]}" "${secs[$name/hash]}")"
  echo
}

[ -z "$REAL" ] || bench_tree real "$REAL"
[ -z "$BCORPUS" ] || bench_tree corpus "$BCORPUS"
echo "check against the hash set (every scan column; on the corpus it must find the planted digests):"
printf '%s' "$check"
echo
echo "runs started while other work kept the machine busy: $BUSY_RUNS"
