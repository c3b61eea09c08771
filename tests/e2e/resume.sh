#!/usr/bin/env bash
# vigil scan --resume: an interrupted scan goes on where it stopped. Whatever point it was
# interrupted at (once or again while resuming), the sorted item lines and the summary counts
# equal those of an uninterrupted scan, and the CSV and report are complete. Files the earlier
# scan finished are not read again; a resume with other paths, options or hash sets is refused.
. "$(dirname "$0")/lib.sh"

open_registry   # the registry exists before any stderr is looked at
D=$T/ev
mkdir -p "$D/docs/a" "$D/docs/b" "$D/pics" "$D/arch"
for i in $(seq 1 120); do printf 'note %s\n' "$i" >"$D/docs/a/n$i.txt"; done
for i in $(seq 1 120); do head -c $((i * 37)) /dev/urandom >"$D/docs/b/r$i.bin"; done
if [ -x /usr/bin/convert ]; then
  for i in $(seq 1 12); do
    /usr/bin/convert -size $((40 + i))x$((30 + i)) "gradient:rgb($((i * 20)),40,90)-rgb(10,$((i * 15)),200)" \
      "$D/pics/g$i.png"
    /usr/bin/convert -size 48x48 "plasma:fractal" -seed "$i" "$D/pics/p$i.jpg" 2>/dev/null ||
      /usr/bin/convert -size 48x48 "xc:rgb($i,$((i * 9)),80)" "$D/pics/p$i.jpg"
  done
fi
(cd "$D/docs/a" && zip -q "$D/arch/notes.zip" n1*.txt)
(cd "$D/pics" && zip -q "$D/arch/pics.zip" ./*)
printf 'x' >"$D/z-last.txt"
cd "$T"
# A scan needs hash sets: one "known-illegal" (the hash of a benign note) so matches pass through
# the resume as well.
md5sum "$D/docs/a/n12.txt" | cut -d' ' -f1 >seed.md5
vigil hashset import --name seed --kind illegal seed.md5 >/dev/null

# Sorted item lines, and the summary without its timing, of a scan JSONL.
items() { grep -v '^{"summary"' "$1" | LC_ALL=C sort; }
counts() { jl "$1" "{k: v for k, v in summary.items() if k not in ('seconds', 'run')}"; }  # run: this run's command and times

vigil scan --quiet --jobs 1 --jsonl full.jsonl --csv full.csv --report full.html ev
is "uninterrupted scan" "$?" "0"
total=$(jl full.jsonl "summary['items']")
like "the tree has a few hundred items" "$total" "^[3-9][0-9][0-9]$"
is "it holds archive members" "$(jl full.jsonl "sum(1 for i in items if i['container'])" | grep -c '^[1-9]')" "1"
is "the seeded note matched, in its folder and in the zip" \
  "$(grep -c ',seed,md5,0,.*,seed:' full.csv)" "2"

# Interrupt at random points (after N items: the scan's own Ctrl-C handling), resume, perhaps
# interrupted again, until it ends; each time the result equals the uninterrupted scan's.
for round in 1 2 3 4 5; do
  rm -f r.jsonl r.csv r.html
  n=$((RANDOM % (total - 1) + 1))
  VIGIL_TEST_STOP_AFTER=$n vigil scan --quiet --jobs $((round % 3 + 1)) --jsonl r.jsonl ev
  rc=$?
  got=$(jl r.jsonl "summary['interrupted'] and summary['items'] >= $n")   # in-flight items finish
  if [ "$rc" != 130 ] || [ "$got" != "True" ]; then   # stopped as by SIGINT
    not_ok "round $round: stopped at item $n" "rc $rc, $(tail -n 1 r.jsonl | head -c 300)"
    continue
  fi
  n=$(jl r.jsonl "summary['items']")
  again=0
  while :; do
    m=$((RANDOM % 3 == 0 ? RANDOM % 40 + 1 : 0))   # now and then interrupted while resuming
    if [ $m -gt 0 ]; then
      VIGIL_TEST_STOP_AFTER=$m vigil scan --quiet --jobs 2 --resume r.jsonl --csv r.csv --report r.html ev
    else
      vigil scan --quiet --jobs 2 --resume r.jsonl --csv r.csv --report r.html ev
    fi
    rc=$?
    [ "$rc" = 0 ] && break
    again=$((again + 1))
    if [ "$rc" != 130 ] || [ "$(jl r.jsonl check)" != ok ] || [ $again -gt 30 ]; then
      not_ok "round $round: an interrupted resume leaves a whole JSONL" "rc $rc: $(jl r.jsonl check 2>&1)"
      break
    fi
  done
  [ "$rc" = 0 ] || continue
  is "round $round (stopped after $n, $again more interruptions): the same item lines" \
    "$(items r.jsonl | md5sum)" "$(items full.jsonl | md5sum)"
  is "round $round: the same summary counts" "$(counts r.jsonl)" "$(counts full.jsonl)"
  is "round $round: the CSV is complete" "$(LC_ALL=C sort r.csv | md5sum)" "$(LC_ALL=C sort full.csv | md5sum)"
  is "round $round: the report lists every item" \
    "$(grep -o 'z-last.txt\|notes.zip\|n1.txt' r.html | LC_ALL=C sort | uniq -c | tr -s ' \n' ' ')" \
    "$(grep -o 'z-last.txt\|notes.zip\|n1.txt' full.html | LC_ALL=C sort | uniq -c | tr -s ' \n' ' ')"
done
is "no temporary JSONL is left beside the file" "$(ls "$T" | grep -c 'resume-')" "0"

# A real SIGTERM at a random moment, on files slow enough to hash.
S=$T/slow
mkdir -p "$S"
for i in $(seq -w 1 12); do truncate -s 48M "$S/s$i.img"; done
vigil scan --quiet --jobs 1 --jsonl slow-full.jsonl slow
"$VIGIL" scan --quiet --jobs 1 --jsonl slow.jsonl slow &
pid=$!
# The signal comes once the scan has read its first file (whatever the machine's speed, it is
# then under way), at a random moment while eleven files are still to hash.
# Bytes read by the scan and its parser workers (its children), which read the files.
rchar() {
  [ -r "/proc/$1/io" ] || return 0
  local p sum=0 r
  for p in $1 $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    r=$(sed -n 's/^rchar: //p' "/proc/$p/io" 2>/dev/null)
    sum=$((sum + ${r:-0}))
  done
  echo "$sum"
}
for _ in $(seq 1 3000); do
  kill -0 $pid 2>/dev/null || break
  r=$(rchar $pid)
  [ -z "$r" ] && { sleep 0.2; break; }   # no /proc/PID/io here: a fixed moment instead
  [ "$r" -gt $((48 << 20)) ] && break
  sleep 0.01
done
sleep "0.0$((RANDOM % 10))"
kill -TERM $pid 2>/dev/null
wait $pid
is "a signalled scan stops (exit 143: SIGTERM)" "$?" "143"
vigil scan --quiet --jobs 1 --resume slow.jsonl slow
is "its resume ends (exit 0)" "$?" "0"
is "and equals the uninterrupted scan" "$(items slow.jsonl | md5sum) $(counts slow.jsonl)" \
  "$(items slow-full.jsonl | md5sum) $(counts slow-full.jsonl)"

# A scan stopped while a reader was stuck in a parser (VIGIL_TEST_HANG_ON, tests/e2e/interrupt.sh)
# leaves a JSONL that resumes like any other: once the file reads, the result is the full scan's.
VIGIL_TEST_HANG_ON=n12.txt "$VIGIL" scan --quiet --jobs 2 --jsonl hang.jsonl ev 2>hang.err &
pid=$!
for _ in $(seq 1 200); do grep -q "a reader hangs" hang.err && break; sleep 0.1; done
sleep 1
kill -TERM $pid
wait $pid
is "a scan with a stuck reader stops (exit 143)" "$?" "143"
is "its JSONL is whole and says interrupted" "$(jl hang.jsonl check) $(jl hang.jsonl "summary['interrupted']")" "ok True"
vigil scan --quiet --jobs 2 --resume hang.jsonl ev
is "its resume ends (exit 0)" "$?" "0"
is "and equals the uninterrupted scan" "$(items hang.jsonl | md5sum) $(counts hang.jsonl)" \
  "$(items full.jsonl | md5sum) $(counts full.jsonl)"

# A torn last line (a write cut short) is ignored; so is the interrupted scan's last file.
VIGIL_TEST_STOP_AFTER=50 vigil scan --quiet --jobs 1 --jsonl torn.jsonl ev
printf '{"path":"ev/docs/b/r9' >>torn.jsonl
out=$(vigil scan --jobs 1 --resume torn.jsonl ev 2>&1)
is "a torn last line: resumed" "$?" "0"
like "it says how much was done already" "$out" "resuming torn.jsonl: [0-9]+ files already done \([0-9]+ items\)"
is "a torn last line: the same items" "$(items torn.jsonl | md5sum)" "$(items full.jsonl | md5sum)"

# Files already done are not opened again (strace sees every open); their stored lines stand.
VIGIL_TEST_STOP_AFTER=100 vigil scan --quiet --jobs 1 --jsonl s.jsonl ev
done_file=$(jl s.jsonl "[i['path'] for i in items if i['container'] is None][0]")
last_file=ev/z-last.txt
if command -v strace >/dev/null && strace -f -qq -o /dev/null true 2>/dev/null; then
  # LeakSanitizer cannot run under ptrace (the sanitizer builds): leak checking is off for this run only
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -qq -e trace=open,openat -o trace.txt "$VIGIL" scan --quiet --jobs 1 --resume s.jsonl ev
  is "traced resume: exit 0" "$?" "0"
  is "a file the earlier scan finished is not opened" "$(grep -cF "\"$done_file\"" trace.txt)" "0"
  like "a file it did not reach is opened" "$(grep -cF "\"$last_file\"" trace.txt)" "^[1-9]"
  is "an archive it finished is not opened either" "$(grep -cF '"ev/arch/notes.zip"' trace.txt)" "0"
else
  skip "a file the earlier scan finished is not opened" "strace cannot run here" strace
fi
# A stored line is written as it was, fields this vigil does not know included.
VIGIL_TEST_STOP_AFTER=60 vigil scan --quiet --jobs 1 --jsonl u.jsonl ev
sed -i '1s/}$/,"matches":[{"set":"later"}]}/' u.jsonl
vigil scan --quiet --jobs 1 --resume u.jsonl --csv u.csv ev
is "a line with an unknown field: resumed" "$?" "0"
is "the unknown field is kept" "$(grep -c '"matches":\[{"set":"later"}\]}$' u.jsonl)" "1"
is "its item is in the CSV" "$(LC_ALL=C sort u.csv | md5sum)" "$(LC_ALL=C sort full.csv | md5sum)"

# A file whose times changed since is read again (the stored line is not trusted).
VIGIL_TEST_STOP_AFTER=100 vigil scan --quiet --jobs 1 --jsonl t.jsonl ev
touch -d '2001-02-03 04:05:06' "$D/arch/notes.zip"
vigil scan --quiet --jobs 1 --resume t.jsonl ev
is "a touched archive: resumed" "$?" "0"
is "a touched archive: read again, its new time recorded" \
  "$(jl t.jsonl "[i['modified'] for i in items if i['path'] == 'ev/arch/notes.zip']")" "['2001-02-03T04:05:06Z']"
is "a touched archive: its members once each" \
  "$(jl t.jsonl "sum(1 for i in items if i['container'] == 'ev/arch/notes.zip')")" \
  "$(jl full.jsonl "sum(1 for i in items if i['container'] == 'ev/arch/notes.zip')")"

# Refusals: the paths, an option that changes results, the hash sets; a file without a summary.
cp s.jsonl keep.jsonl
out=$(vigil scan --quiet --no-archives --resume s.jsonl ev 2>&1)
is "another option: refused (2)" "$?" "2"
like "it names the option" "$out" "^vigil: scan: s.jsonl: option archives was 1 in the earlier scan, now 0"
out=$(vigil scan --quiet --resume s.jsonl ev/docs 2>&1)
is "other paths: refused (2)" "$?" "2"
like "it says the paths differ" "$out" "^vigil: scan: s.jsonl: path 1 differs from the earlier scan's \('ev'\)"
is "a refused resume leaves the file as it was" "$(md5sum <s.jsonl)" "$(md5sum <keep.jsonl)"
out=$(vigil scan --quiet --jobs 2 --resume s.jsonl ev 2>&1)
is "--jobs may differ" "$?" "0"
grep -v '^{"summary"' keep.jsonl >nosum.jsonl
out=$(vigil scan --quiet --resume nosum.jsonl ev 2>&1)
is "no summary: refused (3)" "$?" "3"
like "it says why" "$out" "^vigil: scan: nosum.jsonl: no summary line"
out=$(vigil scan --quiet --resume missing.jsonl ev 2>&1)
is "no such file: refused (3)" "$?" "3"
out=$(vigil scan --quiet --jsonl other.jsonl --resume keep.jsonl ev 2>&1)
is "--jsonl naming another file: usage error" "$?" "2"

md5sum "$D/docs/a/n1.txt" | cut -d' ' -f1 >set1.md5
vigil hashset import --name known --kind benign set1.md5 >/dev/null
VIGIL_TEST_STOP_AFTER=30 vigil scan --quiet --jobs 1 --jsonl h.jsonl ev
md5sum "$D/docs/a/n2.txt" | cut -d' ' -f1 >>set1.md5
vigil hashset import --name known --kind benign --replace set1.md5 >/dev/null
out=$(vigil scan --quiet --resume h.jsonl ev 2>&1)
is "a hash set changed since: refused (2)" "$?" "2"
like "it names the set and its versions" "$out" "hash set 'known' changed since the earlier scan \(version 1, now 2\)"
vigil hashset import --name other --kind benign set1.md5 >/dev/null
VIGIL_TEST_STOP_AFTER=30 vigil scan --quiet --jobs 1 --jsonl h2.jsonl ev
vigil hashset remove other >/dev/null
out=$(vigil scan --quiet --resume h2.jsonl ev 2>&1)
is "a hash set removed since: refused (2)" "$?" "2"

done_testing
