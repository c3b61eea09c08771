#!/usr/bin/env bash
# bench/report.sh [BUILD]: how long the HTML report of REPORT_N items (default 100000, made up
# by bench_report through the report's own writer) takes to open in headless Chromium, against
# a peer page holding the same rows as one static table (what the report used to be).
# "ready" is performance.now() when the page's last script has run (the first 200 rows drawn,
# every table sortable); "parsed" is when the report's script started (the HTML read).
# REPORT_RUNS opens of the report (default 7) and PEER_RUNS of the peer (default 3): p50 and p95.
# Figures only, never pass/fail. Results: bench/results/report.txt.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
. bench/lib.sh
need_tools chromium python3
BIN=$PWD/$BUILD/bench/bench_report
[ -x "$BIN" ] || die "$BIN not found (build first)"
N=${REPORT_N:-100000}
RUNS=${REPORT_RUNS:-7}
PEER_RUNS=${PEER_RUNS:-3}
D=$BENCH_DIR/report
OUT=bench/results/report.txt
mkdir -p "$D"
LOAD0=$(cut -d" " -f1-3 /proc/loadavg)
"$BIN" "$N" "$D/report.html" "$D/peer.html" || die "bench_report failed"

open_page() { # FILE: "ready parsed wall" in ms
  local t0 t1 dom
  t0=$(date +%s%N)
  dom=$(timeout 600 chromium --headless=new --disable-gpu --no-sandbox --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-default-apps \
    --user-data-dir="$D/profile" --dump-dom "file://$1" 2>/dev/null | head -c 4000)
  t1=$(date +%s%N)
  python3 - "$dom" $(((t1 - t0) / 1000000)) <<'PY'
import re, sys
dom, wall = sys.argv[1], sys.argv[2]
get = lambda k: (re.search(r'data-%s="([0-9.]+)"' % k, dom) or [None, "nan"])[1]
print(get("ready"), get("parsed"), wall)
PY
}

stats() { # LABEL FILE: p50 and p95 of each column
  python3 - "$@" <<'PY'
import sys, statistics
label, path = sys.argv[1], sys.argv[2]
rows = [list(map(float, l.split())) for l in open(path) if l.strip()]
def pct(v, p):
    v = sorted(x for x in v if x == x)
    if not v: return float("nan")
    k = (len(v) - 1) * p / 100
    lo = int(k); hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)
cols = list(zip(*rows))
names = ["ready", "parsed", "process wall"]
parts = ["%s p50 %7.0f ms p95 %7.0f ms" % (n, pct(c, 50), pct(c, 95)) for n, c in zip(names, cols)
         if not all(x != x for x in c)]
print("%-7s %d runs: %s" % (label, len(rows), "; ".join(parts)))
PY
}

: >"$D/report.runs"
: >"$D/peer.runs"
for i in $(seq 1 "$RUNS"); do
  open_page "$D/report.html" >>"$D/report.runs"
  [ "$i" -le "$PEER_RUNS" ] && open_page "$D/peer.html" >>"$D/peer.runs"
done
{
  echo "# bash bench/report.sh $BUILD   ($(date -u +%Y-%m-%dT%H:%MZ), $(chromium --version 2>/dev/null | head -1))"
  echo "machine: $(nproc) cores; load average at start and end: $LOAD0 / $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "items: $N (70% unknown pictures, 20% unknown other files, 5% in a zip, 4% illegal, 1% errors)"
  echo "report: $(du -k "$D/report.html" | cut -f1) kB; peer (one static table): $(du -k "$D/peer.html" | cut -f1) kB"
  stats report "$D/report.runs"
  echo "        runs (ready parsed wall): $(tr '\n' ';' <"$D/report.runs")"
  stats peer "$D/peer.runs"
  echo "        runs (ready - wall): $(tr '\n' ';' <"$D/peer.runs")"
} | tee "$OUT.new"
mv "$OUT.new" "$OUT"
