#!/usr/bin/env bash
# NSRL RDSv3 reader speed: a synthetic minimal-layout database of ROWS rows
# (default 20,000,000; bench/mknsrl3.py, seeded random digests, made once and
# cached in $VIGIL_BENCH_DIR) read through vigil's reader with a sink that only
# counts (bench_hsread: the reader alone, no index), against the peer
#   sqlite3 DB "SELECT sha256,sha1,md5,file_size FROM FILE" >/dev/null
# in the same run. Median of RUNS runs (default 3) with the page cache warm;
# rows/s, CPU time and peak RSS. Then the RDS 2.x reader over an NSRLFile.txt
# of the first RDS2_ROWS rows (default 5,000,000; written from the same
# database) against the peer `cut -c2-41` (the SHA-1 column by position).
# Prints figures, never pass/fail.
# usage: bench/nsrl-read.sh [BUILD]      ROWS=N RDS2_ROWS=N RUNS=N VIGIL_BENCH_DIR=DIR
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ROWS=${ROWS:-20000000}
RUNS=${RUNS:-3}
BENCH_DIR=${VIGIL_BENCH_DIR:-/work/bench-data}
DB=$BENCH_DIR/nsrl3-minimal-$ROWS.db
RDS2_ROWS=${RDS2_ROWS:-5000000}
TXT=$BENCH_DIR/nsrl2-$RDS2_ROWS.txt
HELPER=$BUILD/bench/bench_hsread
die() { echo "bench/nsrl-read: $*" >&2; exit 2; }
[ -x "$HELPER" ] || die "build first (make): $HELPER missing"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (scripts/install-deps.sh)"
command -v sqlite3 >/dev/null || die "needs the sqlite3 shell (scripts/install-deps.sh)"
command -v python3 >/dev/null || die "needs python3"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

if [ ! -f "$DB" ]; then
  mkdir -p "$BENCH_DIR"
  echo "bench nsrl3: making $DB ($ROWS rows, seed 1)"
  /usr/bin/time -f "%e" -o "$T/gen" python3 bench/mknsrl3.py "$DB" "$ROWS" 1
  echo "bench nsrl3: generated in $(cat "$T/gen") s"
fi
cat "$DB" >/dev/null   # warm the page cache: both readers start from memory

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for i in $(seq "$RUNS"); do
  /usr/bin/time -f "%e %U %S %M" -o "$T/time" "$HELPER" nsrl-rdsv3 "$DB" >"$T/out"
  read -r _ n _ rej _ _ _ _ _ _ _ _ _ <"$T/out"
  [ "$n" = "$ROWS" ] && [ "$rej" = 0 ] || die "reader gave $n records, $rej rejects (expected $ROWS, 0)"
  cat "$T/time"
done >"$T/vigil"
for i in $(seq "$RUNS"); do
  /usr/bin/time -f "%e %U %S %M" -o "$T/time" sqlite3 "$DB" "SELECT sha256,sha1,md5,file_size FROM FILE" >/dev/null
  cat "$T/time"
done >"$T/peer"

summary() { # file -> "wall cpu rss_kib"
  echo "$(cut -d' ' -f1 <"$1" | median) $(awk '{print $2 + $3}' <"$1" | median) $(cut -d' ' -f4 <"$1" | sort -n | tail -1)"
}
read -r vw vc vr <<<"$(summary "$T/vigil")"
read -r pw pc pr <<<"$(summary "$T/peer")"
size=$(stat -c %s "$DB")
echo "bench nsrl3: $DB, $ROWS rows, $(awk -v s="$size" 'BEGIN {printf "%.2f", s / 1e9}') GB, $RUNS runs each, median; $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
awk -v n="$ROWS" -v w="$vw" -v c="$vc" -v r="$vr" 'BEGIN {printf "bench nsrl3_read_vigil %d rows wall %.2f s = %.0f rows/s; cpu %.2f s = %.0f ns/row; peak_rss %.1f MiB\n", n, w, n / w, c, c * 1e9 / n, r / 1024}'
awk -v n="$ROWS" -v w="$pw" -v c="$pc" -v r="$pr" 'BEGIN {printf "bench nsrl3_read_sqlite3_cli %d rows wall %.2f s = %.0f rows/s; cpu %.2f s = %.0f ns/row; peak_rss %.1f MiB\n", n, w, n / w, c, c * 1e9 / n, r / 1024}'
awk -v a="$vw" -v b="$pw" -v c="$vc" -v d="$pc" 'BEGIN {printf "bench nsrl3_read_ratio vigil/sqlite3: %.2fx rows/s by wall clock, %.2fx by CPU time\n", b / a, d / c}'

# RDS 2.x: the same kind of rows as NSRLFile.txt text (quoted text, bare integers, CR LF)
if [ "$RDS2_ROWS" -gt 0 ]; then
  if [ ! -f "$TXT" ]; then
    {
      printf '"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"\r\n'
      sqlite3 "$DB" "SELECT '\"' || sha1 || '\",\"' || md5 || '\",\"' || crc32 || '\",\"' || file_name || '\",' ||
        file_size || ',' || package_id || ',\"358\",\"\"' || char(13) FROM FILE LIMIT $RDS2_ROWS"
    } >"$TXT.part"
    mv "$TXT.part" "$TXT"
  fi
  cat "$TXT" >/dev/null
  for i in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o "$T/time" "$HELPER" nsrl-rds2 "$TXT" >"$T/out"
    read -r _ n _ rej _ _ _ _ _ _ _ _ _ <"$T/out"
    [ "$n" = "$RDS2_ROWS" ] && [ "$rej" = 0 ] || die "RDS2 reader gave $n records, $rej rejects (expected $RDS2_ROWS, 0)"
    cat "$T/time"
  done >"$T/vigil2"
  for i in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o "$T/time" cut -c2-41 "$TXT" >/dev/null
    cat "$T/time"
  done >"$T/peer2"
  read -r vw vc vr <<<"$(summary "$T/vigil2")"
  read -r pw pc pr <<<"$(summary "$T/peer2")"
  echo "bench nsrl2: $TXT, $RDS2_ROWS rows, $(awk -v s="$(stat -c %s "$TXT")" 'BEGIN {printf "%.2f", s / 1e9}') GB"
  awk -v n="$RDS2_ROWS" -v w="$vw" -v c="$vc" -v r="$vr" 'BEGIN {printf "bench nsrl2_read_vigil %d rows wall %.2f s = %.0f rows/s; cpu %.2f s = %.0f ns/row; peak_rss %.1f MiB\n", n, w, n / w, c, c * 1e9 / n, r / 1024}'
  awk -v n="$RDS2_ROWS" -v w="$pw" -v c="$pc" -v r="$pr" 'BEGIN {printf "bench nsrl2_cut_sha1_column %d rows wall %.2f s = %.0f rows/s; cpu %.2f s = %.0f ns/row; peak_rss %.1f MiB\n", n, w, n / w, c, c * 1e9 / n, r / 1024}'
  awk -v a="$vw" -v b="$pw" -v c="$vc" -v d="$pc" 'BEGIN {printf "bench nsrl2_read_ratio vigil/cut: %.2fx rows/s by wall clock, %.2fx by CPU time\n", b / a, d / c}'
fi
