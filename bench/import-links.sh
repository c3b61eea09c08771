#!/usr/bin/env bash
# bench/import-links.sh [BUILD]: what linking entries that share a digest costs an import. Two seeded
# hashdeep lists of LINKS_N rows (md5, sha1, sha256; generated, never real lists): one where
# every MD5 is distinct (the peer), one where 1 row in LINKS_EVERY repeats the MD5 of the row
# before it with other SHA-1 and SHA-256 (a run of two keys the segment writer links).
# Each imported LINKS_REPEAT times: median seconds, entries/s, peak RSS; ratio linked/peer.
# Figures only, never pass/fail. Data: $VIGIL_BENCH_DIR/links (default /work/bench-data).
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
VIGIL=$PWD/$BUILD/vigil
. bench/lib.sh
need_tools python3
[ -x "$VIGIL" ] || die "$VIGIL not found (build first)"
N=${LINKS_N:-2000000}
EVERY=${LINKS_EVERY:-100}
REP=${LINKS_REPEAT:-3}
D=$BENCH_DIR/links
mkdir -p "$D"

make_list() { # OUT EVERY (0: no shared MD5)
  [ -f "$1" ] && return
  python3 - "$1" "$N" "$2" <<'PY'
import random, sys
out, n, every = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(5)
with open(out + ".tmp", "w") as f:
    f.write("%%%% HASHDEEP-1.0\n%%%% size,md5,sha1,sha256,filename\n")
    prev = None
    for i in range(n):
        md5 = r.getrandbits(128).to_bytes(16, "big").hex()
        if every and prev and i % every == 0:
            md5 = prev
        prev = md5
        f.write("%d,%s,%s,%s,f%d\n" % (i + 1, md5, r.getrandbits(160).to_bytes(20, "big").hex(),
                                        r.getrandbits(256).to_bytes(32, "big").hex(), i))
import os
os.rename(out + ".tmp", out)
PY
}

# run NAME LIST: LINKS_REPEAT imports; prints median seconds, entries/s, peak RSS, the summary line.
run() {
  local name=$1 list=$2 times=() rss=0 line
  for _ in $(seq "$REP"); do
    rm -rf "$D/$name.db" "$D/$name.db.sets"
    line=$(VIGIL_DB="$D/$name.db" /usr/bin/time -f '%e %M' -o "$D/time.out" "$VIGIL" hashset import --name b --kind benign "$list" 2>"$D/$name.err")
    read -r s kb <"$D/time.out"
    times+=("$s")
    (( kb > rss )) && rss=$kb
  done
  MED=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  printf '%-7s median %6.2f s  %9.0f entries/s  peak RSS %4d MB  (%s)\n' "$name" "$MED" \
    "$(awk -v n="$N" -v s="$MED" 'BEGIN { print n / s }')" $((rss / 1024)) "$line"
  rm -rf "$D/$name.db" "$D/$name.db.sets"
}

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (a shared machine: other builds ran beside this)"
echo "rows: $N per list; linked list: 1 row in $EVERY shares its MD5 with the row before; $REP imports each"
make_list "$D/peer-$N.hashdeep" 0
make_list "$D/linked-$N-$EVERY.hashdeep" "$EVERY"
run peer "$D/peer-$N.hashdeep"
PEER=$MED
run linked "$D/linked-$N-$EVERY.hashdeep"
echo "ratio linked/peer (time): $(awk -v a="$MED" -v b="$PEER" 'BEGIN { printf "%.2f", a / b }')"
