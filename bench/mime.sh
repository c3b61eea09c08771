#!/usr/bin/env bash
# bench/mime.sh [BUILD] [TREE...]: what MIME typing costs in a scan. On each tree
# (default /usr/share and the bench corpus), in one run: `scan --no-pdq` (typing
# on), `scan --no-mime --no-pdq`, and `hash`, all --jobs 2 with no hash sets, from
# the page cache; files/s, the ratio typing on / typing off, and the agreement of
# vigil's mime with `file --mime-type` plus the cost per item of typing split by
# who decided and by file's answer (bench_sniff), against libmagic alone on the
# same heads. Prints figures, never pass/fail.
#
#   Times are the median of BENCH_REPEAT (default 3) runs, CPU = median user+sys.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
shift || true
VIGIL=$BUILD/vigil
. bench/lib.sh

[ -x "$VIGIL" ] || die "$VIGIL not found (run make first)"
[ -x "$BUILD/bench/bench_sniff" ] || die "$BUILD/bench/bench_sniff not found (run make first)"
need_tools file python3
if [ $# -gt 0 ]; then trees=("$@"); else ensure_corpus; trees=(/usr/share "$CORPUS"); fi

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
echo "vigil: $("$VIGIL" --version 2>/dev/null | head -1 || echo "$VIGIL"); file: $(file --version | head -1); repeats: $REPEAT"
for tree in "${trees[@]}"; do
  files=$(tree_files "$tree")
  bytes=$(tree_bytes "$tree")
  echo
  echo "tree: $tree, $files files, $bytes bytes"
  warm_cache "$tree"
  declare -A secs=()
  for key in mime nomime hash; do
    case $key in
      mime) cmd=("$VIGIL" scan --jobs 2 --quiet --no-sets --no-pdq --jsonl /dev/null "$tree") ;;
      nomime) cmd=("$VIGIL" scan --jobs 2 --quiet --no-sets --no-pdq --no-mime --jsonl /dev/null "$tree") ;;
      hash) cmd=("$VIGIL" hash --jobs 2 --quiet "$tree") ;;
    esac
    measure "$key" "${cmd[@]}"
    secs[$key]=$M_SECS
    printf '  %-70s %7.3f s  %s files/s  (runs: %s; CPU %s s; peak RSS %s MiB)\n' "${cmd[*]}" "$M_SECS" \
      "$(per_s "$files" "$M_SECS")" "$M_ALL" "$M_CPU" "$(mib "$M_RSS_KB")"
  done
  awk -v a="${secs[mime]}" -v b="${secs[nomime]}" -v h="${secs[hash]}" \
    'BEGIN { printf "  ratio scan --no-pdq / scan --no-mime --no-pdq: %.2fx (target <= 1.25x); / hash: %.2fx\n", a / b, a / h }'
  list=$BENCH_DIR/mime-file-$(echo "$tree" | tr / _).tsv
  find "$tree" -type f -print0 | xargs -0 -n 2000 file --mime-type -N -F $'\t' >"$list" 2>/dev/null || true
  echo "  typing per item (bench_sniff, CPU time, vigil's mime against file --mime-type on the same files):"
  "$BUILD/bench/bench_sniff" "$list" vigil | tee "$BENCH_DIR/mime-vigil.txt" | sed 's/^/    /'
  # the peer: libmagic alone, as vigil called it before its own text classifier (16 KiB, token test off)
  echo "  libmagic alone on the same heads (16 KiB, MAGIC_NO_CHECK_TOKENS; one run):"
  BENCH_SNIFF_REPEAT=1 BENCH_SNIFF_CLASSES=5 "$BUILD/bench/bench_sniff" "$list" magic 16384 0x100000 |
    tee "$BENCH_DIR/mime-magic.txt" | sed 's/^/    /'
  awk '/ns CPU per item/ && FNR == 1 { for (i = 1; i <= NF; i++) if ($i == "ns") v[FILENAME] = $(i - 1) }
       END { for (f in v) if (f ~ /vigil/) a = v[f]; else b = v[f]
             if (a > 0) printf "  ratio libmagic alone / vigil, CPU per item: %.1fx\n", b / a }' \
    "$BENCH_DIR/mime-vigil.txt" "$BENCH_DIR/mime-magic.txt"
done
