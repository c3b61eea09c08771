#!/usr/bin/env bash
# bench/list-import.sh [BUILD] [PEER]: `vigil hashset import` of a text list (hashdeep format,
# BENCH_LIST_RECORDS lines, default 2,000,000, seeded random digests, never a real list) end to
# end: the bounded line reader, the hashdeep parser, sort, segment write and commit. PEER is
# another vigil binary (a build of the commit before a change) timed in the same run, its runs
# interleaved with ours so that both see the same load. Figures, never pass/fail.
#   Times are medians of BENCH_REPEAT (5) runs (wall, and user+sys CPU), peak RSS the largest; bytes
#   per entry are the segment file's size over its entries.
#   BENCH_LIST_FORMAT=md5sum: the same records as an MD5-only md5sum list, with The Sleuth Kit's
#   `hfind -i md5sum` on that list as a further peer, its runs interleaved too.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PEER=${2:-}
. bench/lib.sh
REPEAT=${BENCH_REPEAT:-5}
N=${BENCH_LIST_RECORDS:-2000000}
VIGIL=$BUILD/vigil
need_tools python3
[ -x "$VIGIL" ] || die "$VIGIL not built (make)"
[ -z "$PEER" ] || [ -x "$PEER" ] || die "peer $PEER is not an executable"
mkdir -p "$BENCH_DIR"
FORMAT=${BENCH_LIST_FORMAT:-hashdeep}
DATA=$BENCH_DIR/list-$N.hashdeep
if [ ! -f "$DATA" ]; then
  python3 - "$N" "$DATA" <<'PY'
import random, sys
n, out = int(sys.argv[1]), sys.argv[2]
r = random.Random(1)
with open(out, "w") as f:
    f.write("%%%% HASHDEEP-1.0\n%%%% size,md5,sha1,sha256,filename\n## bench list\n")
    for k in range(n):
        f.write("%d,%032x,%040x,%064x,/evidence/dir%d/file%d.jpg\n" % (
            r.randrange(1, 1 << 24), r.getrandbits(128), r.getrandbits(160), r.getrandbits(256), k % 977, k))
PY
fi
if [ "$FORMAT" = md5sum ]; then
  need_tools hfind
  [ -s "$BENCH_DIR/list-$N.md5" ] || awk -F, 'NR > 3 { print $2 "  " $5 }' "$DATA" >"$BENCH_DIR/list-$N.md5"
  DATA=$BENCH_DIR/list-$N.md5
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/list-import.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data: $DATA, $N records, $(stat -c %s "$DATA") bytes"
echo "repeats: $REPEAT, interleaved with the peer (median time, largest peak RSS)"
one_run() { # tag binary -> appends "wall cpu rss" to $WORK/tag.runs
  local db=$WORK/$1.db
  rm -rf "$db" "$db".*
  cat "$DATA" >/dev/null
  : >"$db"; VIGIL_DB=$db "$2" unit list >/dev/null 2>&1 || true   # the registry (and its admin) before the clock
  /usr/bin/time -o "$WORK/time" -f '%e %U %S %M' "$2" --db "$db" hashset import --name list --kind benign \
    --format "$FORMAT" "$DATA" >/dev/null
  awk -v seg="$(cat "$db".sets/*.seg | wc -c)" '{ printf "%s %.2f %d %d\n", $1, $2 + $3, $4, seg }' "$WORK/time" >>"$WORK/$1.runs"
}
hfind_run() { # -> appends "wall cpu rss 0" to $WORK/hfind.runs
  cp "$DATA" "$WORK/list.md5"
  /usr/bin/time -o "$WORK/time" -f '%e %U %S %M' hfind -i md5sum "$WORK/list.md5" >/dev/null
  awk '{ printf "%s %.2f %d 0\n", $1, $2 + $3, $4 }' "$WORK/time" >>"$WORK/hfind.runs"
  rm -f "$WORK"/list.md5*
}
for i in $(seq "$REPEAT"); do
  one_run this "$VIGIL"
  [ -z "$PEER" ] || one_run peer "$PEER"
  [ "$FORMAT" != md5sum ] || hfind_run
done
med() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
report() { # tag label
  local w c m
  w=$(cut -d' ' -f1 "$WORK/$1.runs" | med); c=$(cut -d' ' -f2 "$WORK/$1.runs" | med)
  m=$(cut -d' ' -f3 "$WORK/$1.runs" | sort -n | tail -1); b=$(cut -d' ' -f4 "$WORK/$1.runs" | tail -1)
  python3 -c "print('  %-40s %.2f s wall (%.2fM records/s), %.2f s CPU, peak RSS %.1f MiB%s' % ('$2', $w, $N / $w / 1e6, $c, $m / 1024, ', %.1f bytes per entry on disk' % ($b / $N) if $b else ''))"
}
report this "$VIGIL"
if [ -n "$PEER" ]; then
  report peer "$PEER"
  a=$(cut -d' ' -f1 "$WORK/this.runs" | med); b=$(cut -d' ' -f1 "$WORK/peer.runs" | med)
  echo "  peer/this wall: $(python3 -c "print('%.2fx' % ($b / $a))")"
fi
if [ "$FORMAT" = md5sum ]; then
  report hfind "hfind -i md5sum"
  a=$(cut -d' ' -f1 "$WORK/this.runs" | med); b=$(cut -d' ' -f1 "$WORK/hfind.runs" | med)
  echo "  hfind/this wall: $(python3 -c "print('%.2fx' % ($b / $a))")"
fi
