#!/usr/bin/env bash
# Ctrl-C or SIGTERM stops a scan cleanly: what was written is complete, valid JSONL whose summary
# says "interrupted": true, the report says so too, and the exit status is 128 + the signal. A scan
# with a reader stuck in a parser stops as well, within seconds. On a terminal a progress line is shown.
. "$(dirname "$0")/lib.sh"

D=$T/d
mkdir -p "$D"
for i in $(seq -w 1 40); do truncate -s 200M "$D/f$i.img"; done   # sparse: 8 GB to hash, no disk
cd "$T"
# Until the scan has read 16 MB (it is then hashing, its signal handling set up; at most 30 s).
under_way() {
  local r
  for _ in $(seq 1 300); do
    r=$(tree_rchar "$1")   # the scan and its parser workers, which read the files
    [ -z "$r" ] && { sleep 1; return; }   # no /proc/PID/io here: a fixed moment instead
    [ "$r" -gt $((16 << 20)) ] && return
    sleep 0.1
  done
}
for sig in INT TERM; do
  want=$([ $sig = INT ] && echo 130 || echo 143)
  rm -f out.jsonl r.html
  "$VIGIL" scan --no-sets --quiet --jobs 2 --jsonl out.jsonl --report r.html d &
  pid=$!
  under_way $pid
  kill -$sig $pid
  wait $pid
  is "SIG$sig: the interrupted scan exits $want" "$?" "$want"
  is "SIG$sig: the JSONL is valid and its counts add up" "$(jl out.jsonl check)" "ok"
  is "SIG$sig: the summary says interrupted" "$(jl out.jsonl "summary['interrupted']")" "True"
  like "SIG$sig: only part of the tree was scanned" "$(jl out.jsonl "len(items)")" "^([0-9]|[1-3][0-9])$"
  is "SIG$sig: every item written is complete" \
    "$(jl out.jsonl "all(i['md5'] and i['size'] == 209715200 for i in items)")" "True"
  like "SIG$sig: the report says at its top that it was interrupted" "$(cat r.html)" \
    "id=completeness>INCOMPLETE: the scan was interrupted"
done

# A reader stuck for good inside a parser (VIGIL_TEST_HANG_ON: the file named s05 hangs its reader
# as a parser looping on hostile data would). SIGTERM ends the scan anyway, within 2 s (measured with
# a generous bound), and every output is whole: the ordinary files before it are written, earlier
# outputs of the same name are replaced only by whole ones.
mkdir -p stuck
for i in $(seq -w 1 30); do echo "ordinary file $i" >"stuck/s$i"; done
echo "earlier" >s.csv
echo "earlier" >s.html
# until the reader hangs (it says so on stderr; at most 20 s), then a second for the files before it
hung() { for _ in $(seq 1 200); do grep -q "a reader hangs" "$1" 2>/dev/null && break; sleep 0.1; done; sleep 1; }
VIGIL_TEST_HANG_ON=s05 "$VIGIL" scan --no-sets --quiet --jobs 2 --jsonl s.jsonl --csv s.csv --report s.html stuck \
  2>err.txt &
pid=$!
hung err.txt
is "the stuck scan is still running before the signal" "$(kill -0 $pid 2>/dev/null && echo yes)" "yes"
t0=$(date +%s%N)
kill -TERM $pid
wait $pid
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
is "a scan with a stuck reader exits 143 on SIGTERM" "$rc" "143"
is "it ends soon after the signal (under 5 s; took ${ms} ms)" "$([ $ms -lt 5000 ] && echo yes)" "yes"
is "its JSONL is valid and its counts add up" "$(jl s.jsonl check)" "ok"
is "its summary says interrupted" "$(jl s.jsonl "summary['interrupted']")" "True"
is "the files before the stuck one are there, whole" \
  "$(jl s.jsonl "[i['path'] for i in items if i['md5'] and i['size'] == 17]")" \
  "['stuck/s01', 'stuck/s02', 'stuck/s03', 'stuck/s04']"
is "the CSV holds the same items, whole" "$(wc -l <s.csv) $(tail -n 1 s.csv | grep -c stuck/s04)" "5 1"
like "the report replaced the earlier one and is marked interrupted" "$(cat s.html)" \
  "id=completeness>INCOMPLETE: the scan was interrupted"
is "the report is whole" "$(tail -c 8 s.html)" "</html>"
is "no temporary file is left beside the outputs" "$(ls | grep -c vigil-)" "0"
is "on stderr only the test seam's line (--quiet)" "$(cat err.txt)" "vigil: test: a reader hangs (VIGIL_TEST_HANG_ON)"

# A real hang: libarchive 3.6 loops forever, memory growing, on an ISO whose Rock Ridge continuation
# entry points back at itself (tests/data/archives/README.md). Once the loop shows (the scan has used
# 3 s of CPU or 100 MB of memory on three small files), SIGTERM ends it within 2 s (5 s allowed) with
# whole outputs; a watchdog kills it if it does not end.
mkdir -p hostile
echo "before" >hostile/a.txt
cp "$TESTDATA/archives/iso_rockridge_ce_loop.iso.Z" hostile/
echo "after" >hostile/z.txt
# (the parser worker may grow to 8 GiB of address space: the loop is stopped by the signal, not
# by the memory cap, which would make it an error item first)
"$VIGIL" scan --no-sets --quiet --jobs 2 --worker-memory 8G --jsonl h.jsonl --report h.html hostile &
pid=$!
looping() { # CPU ticks (utime + stime) and resident kB of the scan or a parser worker, over the marks
  local p ticks kb
  for p in $(tree_pids "$1"); do
    ticks=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null) || continue
    kb=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$p/status" 2>/dev/null)
    [ "${ticks:-0}" -gt $((3 * $(getconf CLK_TCK))) ] || [ "${kb:-0}" -gt 102400 ] && return 0
  done
  return 1
}
stuck=no
for _ in $(seq 1 600); do   # at most 60 s
  looping $pid && { stuck=yes; break; }
  kill -0 $pid 2>/dev/null || break
  sleep 0.1
done
is "the scan is stuck in libarchive's loop" "$stuck" "yes"
t0=$(date +%s%N)
kill -TERM $pid
(sleep 20; kill -KILL $pid 2>/dev/null) &
watchdog=$!
wait $pid
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
kill $watchdog 2>/dev/null
is "SIGTERM ends it: exit 143" "$rc" "143"
is "soon after the signal (under 5 s; took ${ms} ms)" "$([ $ms -lt 5000 ] && echo yes)" "yes"
is "its JSONL is valid, says interrupted" "$(jl h.jsonl check) $(jl h.jsonl "summary['interrupted']")" "ok True"
is "the file before the hostile one is there" "$(jl h.jsonl "[i['path'] for i in items if i['md5']][:1]")" "['hostile/a.txt']"
is "nothing after the stuck file" "$(jl h.jsonl "[i['path'] for i in items if i['path'] == 'hostile/z.txt']")" "[]"
is "the report is whole" "$(tail -c 8 h.html)" "</html>"

# A second signal while stopping ends the process at once, by the signal: the earlier outputs stay
# as they were (the new ones are only under temporary names).
echo "earlier" >s.csv
VIGIL_TEST_HANG_ON=s05 "$VIGIL" scan --no-sets --quiet --jobs 2 --jsonl s2.jsonl --csv s.csv stuck 2>err2.txt &
pid=$!
hung err2.txt
kill -TERM $pid
sleep 0.1
kill -TERM $pid
wait $pid
is "a second SIGTERM kills it (status 143 from the signal)" "$?" "143"
is "the earlier CSV is untouched" "$(cat s.csv)" "earlier"
rm -f ./*.vigil-*

# vigil hash stops the same way, with the same status.
VIGIL_TEST_HANG_ON=s05 "$VIGIL" hash --jobs 2 stuck >hash.out 2>err3.txt &
pid=$!
hung err3.txt
kill -TERM $pid
wait $pid
is "vigil hash with a stuck reader: SIGTERM ends it, exit 143" "$?" "143"
like "it says it was interrupted" "$(cat err3.txt)" "interrupted$"
is "the files before the stuck one are listed" "$(grep -c '/stuck/s0[1-4]$' hash.out)" "4"

# On a terminal: a progress line with a rate; with --quiet, none.
mkdir -p small && for i in $(seq 1 50); do printf "$i" >"small/$i"; done
out=$(script -qfec "$VIGIL scan --no-sets --jsonl /dev/null small" /dev/null)
like "progress and summary on a terminal" "$out" "vigil: scan: 50 items"
out=$(script -qfec "$VIGIL scan --no-sets --quiet --jsonl /dev/null small" /dev/null)
is "--quiet: nothing on the terminal" "$out" ""
out=$("$VIGIL" scan --no-sets --jsonl /dev/null small 2>&1)
like "not a terminal: no progress line, only the summary" "$out" "^vigil: scan: 50 items"

done_testing
