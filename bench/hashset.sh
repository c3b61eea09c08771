#!/usr/bin/env bash
# bench/hashset.sh [BUILD]: the known-hash store on seeded generated digests (never real lists).
#   1. import of a 20,000,000-row NSRL RDSv3 database (bench/mknsrl3.py, minimal layout) and of a
#      2,000,000-record VICS 2.0 file (bench/mkvics.py), through the real readers; and of the
#      same 20M rows as a hashdeep list (HS_HASHDEEP=0 leaves it out). entries/s, peak RSS.
#   2. store open time at 100,000,000 entries: median of HS_OPENS (7) fresh processes.
#   3. exact lookups/s on 2 threads, half hits, single and batched (SHA-256; MD5 at 1M too).
#   4. peer: The Sleuth Kit's hfind at 1,000,000 entries: index build (-i md5sum) and lookup
#      rate (-f) against vigil's import and lookups of the same list.
# Figures only, never pass/fail. Data: $VIGIL_BENCH_DIR/hashset (default /work/bench-data).
# Sizes can be lowered for a quick run: HS_IMPORT_N, HS_VICS_N, HS_OPEN_N, HS_PEER_N.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
VIGIL=$PWD/$BUILD/vigil
BS=$PWD/$BUILD/bench/bench_store
. bench/lib.sh
[ -x "$VIGIL" ] && [ -x "$BS" ] || die "$VIGIL or $BS not found (build first)"
need_tools hfind python3
N_IMPORT=${HS_IMPORT_N:-20000000}
N_VICS=${HS_VICS_N:-2000000}
N_OPEN=${HS_OPEN_N:-100000000}
N_PEER=${HS_PEER_N:-1000000}
OPENS=${HS_OPENS:-7}
D=$BENCH_DIR/hashset
mkdir -p "$D"

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(free -g | awk '/Mem:/ {print $2}') GB"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (a shared machine: other builds ran beside this)"
echo "vigil: $("$VIGIL" --version 2>/dev/null | head -1)  hfind: $(hfind -V 2>&1 | head -n 1)"
echo

# timed NAME CMD...: one run under /usr/bin/time; sets T_SECS, T_RSS_MB, T_OUT (stdout).
timed() {
  local name=$1; shift
  wait_quiet
  T_OUT=$(/usr/bin/time -f '%e %M' -o "$D/time.out" "$@" 2>"$D/$name.err") || { echo "  $name failed: $(tail -n 2 "$D/$name.err")"; }
  read -r T_SECS T_RSS_KB <"$D/time.out"
  T_RSS_MB=$(( ${T_RSS_KB:-0} / 1024 ))
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0) ? n / s : 0 }'; }
accepts_format() { "$VIGIL" --db "$D/probe.db" hashset import --name probe --kind benign --format "$1" /dev/null >/dev/null 2>&1; [ $? -ne 2 ]; }

# --- 1. import ---------------------------------------------------------------
# The RDSv3 database and the VICS file are the ones bench/nsrl-read.sh and
# bench/vics-parse.sh read (same generators, same seeds): made once, reused.
# bytes_per_entry DB: the current segments' size over the entries their headers count (offset 24)
bytes_per_entry() {
  local b=0 n=0 f
  for f in "$1".sets/*.seg; do
    [ -f "$f" ] || continue
    b=$(( b + $(stat -c %s "$f") )); n=$(( n + $(od -An -t u8 -j 24 -N 8 "$f") ))
  done
  awk -v b="$b" -v n="$n" 'BEGIN { printf "%.1f", n ? b / n : 0 }'
}
import_line() { # LABEL N [DB]: the figures of the last timed import
  echo "import $2$1: ${T_SECS} s, $(rate "$2" "$T_SECS") records/s, peak RSS ${T_RSS_MB} MB (target >= 1000000/s, < 1024 MB)${3:+, $(bytes_per_entry "$3") bytes per entry on disk}"
  echo "  $T_OUT"
}
if accepts_format nsrl-rdsv3; then
  RDS=$BENCH_DIR/nsrl3-minimal-$N_IMPORT.db
  [ -s "$RDS" ] || { echo "making $RDS"; python3 bench/mknsrl3.py "$RDS" "$N_IMPORT" 1 || die "generation failed"; }
  rm -rf "$D/rds.db"*
  timed rds "$VIGIL" --db "$D/rds.db" hashset import --name nsrl --kind benign --format nsrl-rdsv3 "$RDS"
  import_line "-row NSRL RDSv3 database (minimal layout)" "$N_IMPORT" "$D/rds.db"
  echo "  segment: $(du -h "$D"/rds.db.sets/*.seg | cut -f1)"
  rm -rf "$D/rds.db"*
else
  echo "note: no NSRL RDSv3 reader in this build: the 20M-row figure is the hashdeep list below"
fi
if accepts_format vics; then
  VICS=$(ensure_vics "$N_VICS") || exit 2
  rm -rf "$D/vics.db"*
  timed vics "$VIGIL" --db "$D/vics.db" hashset import --name vics --kind illegal --format vics "$VICS"
  import_line "-record VICS 2.0 file" "$N_VICS" "$D/vics.db"
  rm -rf "$D/vics.db"*
else
  echo "note: no VICS reader in this build: the 2M-record VICS 2.0 figure is left out"
fi
# the same 20M rows as a hashdeep list (the figure earlier runs had); HS_HASHDEEP=0 leaves it out
LIST=$D/nsrl-shaped-$N_IMPORT.hashdeep
if [ "${HS_HASHDEEP:-1}" != 0 ]; then
  [ -s "$LIST" ] || { echo "making $LIST"; "$BS" gen-hashdeep "$N_IMPORT" 1 "$LIST" || die "generation failed"; }
  rm -rf "$D/import.db"*
  timed import "$VIGIL" --db "$D/import.db" hashset import --name nsrl --kind benign "$LIST"
  import_line " rows as a hashdeep list (3 digests each)" "$N_IMPORT" "$D/import.db"
  echo "  segment: $(du -h "$D"/import.db.sets/*.seg | cut -f1)"
fi
echo

# --- 2. open at 100M ----------------------------------------------------------
BIG=$D/open-$N_OPEN.db
if [ ! -f "$BIG.done" ]; then
  rm -rf "$BIG"*
  echo "building a store of $N_OPEN generated SHA-256 entries (once; reused)"
  timed build "$BS" build "$BIG" big "$N_OPEN" 7 768
  echo "  $T_OUT; peak RSS ${T_RSS_MB} MB"
  [ -n "$T_OUT" ] && touch "$BIG.done"
fi
opens=()
for ((i = 0; i < OPENS; i++)); do
  opens+=("$("$BS" open "$BIG" | awk '{ print $2 }')")
done
echo "store open at $N_OPEN entries (store + index, fresh process each): median $(printf '%s\n' "${opens[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }') ms of ${opens[*]} ms (target < 50 ms)"
echo "  segment: $(du -h "$BIG".sets/*.seg | cut -f1)"
echo

# --- 3. lookups ---------------------------------------------------------------
wait_quiet
echo "lookups on the $N_OPEN-entry store, 2 threads, half hits:"
"$BS" lookup "$BIG" 5000000 7 "$N_OPEN" 2 | sed 's/^/  /'
echo "  (target >= 10000000 lookups/s on 2 cores)"
# A segment just written is cached in 4 KiB folios; once evicted and read back (readahead) it is
# cached, and mapped, in 2 MiB ones: the same lookups after dropping it from the cache and reading it back.
echo "the same lookups after the segment is dropped from the page cache and read back (2 MiB folios):"
python3 -c 'import os, sys
for p in sys.argv[1:]:
    fd = os.open(p, os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)' "$BIG".sets/*.seg
cat "$BIG".sets/*.seg >/dev/null
wait_quiet
"$BS" lookup "$BIG" 5000000 7 "$N_OPEN" 2 | sed 's/^/  /'
if [ -d "$D/import.db.sets" ]; then
  echo "lookups on the $N_IMPORT-entry store imported above (keys and meta fit in memory), 2 threads, half hits:"
  "$BS" lookup "$D/import.db" 5000000 1 "$N_IMPORT" 2 | sed 's/^/  /'
  "$BS" lookup "$D/import.db" 5000000 1 "$N_IMPORT" 2 md5 | sed 's/^/  /'
fi
echo

# --- 4. peer: hfind at 1M -----------------------------------------------------
P=$D/peer-$N_PEER
mkdir -p "$P"
[ -s "$P/list.hashdeep" ] || "$BS" gen-hashdeep "$N_PEER" 5 "$P/list.hashdeep"
awk -F, 'NR > 3 { print $2 "  " $5 }' "$P/list.hashdeep" >"$P/list.md5"
"$BS" gen-queries "$N_PEER" 5 "$N_PEER" "$P/queries.txt"
rm -rf "$P"/list.md5-md5.idx* "$P/vigil.db"*
timed hfind-index hfind -i md5sum "$P/list.md5"
h_index=$T_SECS; h_rss=$T_RSS_MB
timed hfind-lookup sh -c "hfind -f '$P/queries.txt' '$P/list.md5' | grep -vc 'Hash Not Found' > '$P/hfind.hits'"
h_lookup=$T_SECS
timed vigil-md5 "$VIGIL" --db "$P/vigil.db" hashset import --name peer --kind benign --format md5sum "$P/list.md5"
v_index=$T_SECS; v_rss=$T_RSS_MB
echo "peer at $N_PEER MD5 entries (md5sum list):"
echo "  index build: hfind -i md5sum ${h_index} s (peak ${h_rss} MB); vigil import ${v_index} s (peak ${v_rss} MB, $(bytes_per_entry "$P/vigil.db") bytes per entry on disk): vigil $(awk -v a="$h_index" -v b="$v_index" 'BEGIN { printf "%.1f", (b > 0) ? a / b : 0 }')x faster"
echo "  lookups: hfind -f, $N_PEER queries (half hits, $(cat "$P/hfind.hits") found): ${h_lookup} s = $(rate "$N_PEER" "$h_lookup") lookups/s"
"$BS" lookup "$P/vigil.db" "$N_PEER" 5 "$N_PEER" 1 md5 | sed 's/^/  vigil, 1 thread: /'
echo "  (hfind reads hex from a file and prints; vigil's figures are in-process API calls)"
echo
echo "busy runs: $BUSY_RUNS timed runs started with the machine over 15% busy with other work"
