#!/usr/bin/env bash
# bench/resume.sh [BUILD]: what --resume saves. A tree of about 20,000 files (small text,
# 16-64 KiB random files, a few zips) is scanned in full, then resumed from a JSONL that
# holds about 90% of it (a scan stopped after 18,000 items with VIGIL_TEST_STOP_AFTER).
# The resumed run copies that JSONL first (the resume rewrites it); the copy is timed too.
# Times are the median of BENCH_REPEAT (default 3) runs, from the page cache, --jobs 2.
# Data: $VIGIL_BENCH_DIR (default /work/bench-data)/resume-tree, made once and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
VIGIL=$(pwd)/$BUILD/vigil
. bench/lib.sh

[ -x "$VIGIL" ] || die "$VIGIL not found (run make first)"
need_tools python3 zip
TREE=$BENCH_DIR/resume-tree
W=$BENCH_DIR/resume-work
JOBS=${BENCH_JOBS:-2}
export VIGIL_DB=$W/bench.db
mkdir -p "$W"

if [ ! -f "$TREE.done" ]; then
  rm -rf "$TREE"
  python3 - "$TREE" <<'PY'
import os, random, sys
root = sys.argv[1]
rnd = random.Random(7)
for d in range(100):
    folder = os.path.join(root, f"d{d:03}")
    os.makedirs(folder)
    for i in range(198):
        with open(os.path.join(folder, f"f{i:03}"), "wb") as f:
            if i % 10 == 0:
                f.write(rnd.randbytes(rnd.randint(16 << 10, 64 << 10)))
            else:
                f.write(f"file {d} {i}\n".encode() * rnd.randint(1, 200))
PY
  for d in 000 050 099; do (cd "$TREE/d$d" && zip -q "../z$d.zip" f00* f01*); done
  touch "$TREE.done"
fi
warm_cache "$TREE"
files=$(tree_files "$TREE")
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
echo "vigil: $("$VIGIL" --version 2>/dev/null | head -1 || echo "$VIGIL"); repeats: $REPEAT (median wall time); --jobs $JOBS"
echo "tree: $TREE, $files files, $(tree_bytes "$TREE") bytes"
"$VIGIL" unit list >/dev/null 2>&1 || true

"$VIGIL" scan --quiet --jobs "$JOBS" --jsonl "$W/full.jsonl" "$TREE"
total=$(tail -n 1 "$W/full.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["items"])')
stop=$((total * 9 / 10))
VIGIL_TEST_STOP_AFTER=$stop "$VIGIL" scan --quiet --jobs "$JOBS" --jsonl "$W/part.jsonl" "$TREE" || true
done_items=$(tail -n 1 "$W/part.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["items"])')
echo "items: $total in the full scan; the interrupted JSONL holds $done_items ($(pct "$done_items" "$total")%)"
echo

measure full "$VIGIL" scan --quiet --jobs "$JOBS" --jsonl "$W/full.jsonl" "$TREE"
full=$M_SECS
echo "full scan:      $full s (runs: $M_ALL; cpu $M_CPU s; peak RSS $(mib "$M_RSS_KB") MiB)"
measure resume bash -c "cp '$W/part.jsonl' '$W/r.jsonl' && '$VIGIL' scan --quiet --jobs $JOBS --resume '$W/r.jsonl' '$TREE'"
res=$M_SECS
echo "resumed scan:   $res s (runs: $M_ALL; cpu $M_CPU s; peak RSS $(mib "$M_RSS_KB") MiB)"
same=$(diff <(grep -v '^{"summary"' "$W/full.jsonl" | LC_ALL=C sort) <(grep -v '^{"summary"' "$W/r.jsonl" | LC_ALL=C sort) \
  >/dev/null && echo yes || echo NO)
echo "resumed / full: $(ratio "$res" "$full") (item lines equal to the full scan's: $same)"
[ "$BUSY_RUNS" -eq 0 ] || echo "note: $BUSY_RUNS runs started while the machine was busy with other work"
