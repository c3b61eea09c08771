#!/usr/bin/env bash
# Nothing looks clean by mistake: a scan names the sets it compared (on the terminal line and in
# the JSONL summary, with their PDQ entries), says when near matching is off for want of PDQ,
# names its error items on stderr (up to 20), and refuses a store whose segment folder is gone.
. "$(dirname "$0")/lib.sh"
F=$TESTDATA/hashsets/files
P=$TESTDATA/pdq/threatexchange
cd "$T" || exit 1
open_registry   # the registry's first open says so on stderr
mkdir -p ev
cp "$F/hello.txt" "$F/lorem.txt" ev/
cp "$P/dih/bridge-1-original.jpg" ev/bridge.jpg
md5sum ev/hello.txt | cut -d' ' -f1 >known.md5

# An MD5-only set: exact matching only, and the scan says near matching is off.
vigil hashset import --name md5only --kind illegal known.md5 >/dev/null 2>&1
vigil scan --jsonl s1.jsonl ev 2>err1; rc=$?
is "md5-only set: scan exits 0" "$rc" "0"
like "... says near matching is off" "$(cat err1)" "^vigil: scan: near matching off: no PDQ entries loaded$"
like "... the terminal line names the set compared" "$(cat err1)" \
  "^vigil: scan: compared with 1 set: md5only v1 \(1 entries, 0 PDQ\)$"
is "... the JSONL summary lists it with its PDQ entries" \
  "$(jl s1.jsonl '[(s["name"], s["version"], s["entries"], s["pdq_entries"]) for s in summary["sets"]]')" \
  "[('md5only', 1, 1, 0)]"
vigil scan --no-pdq --jsonl /dev/null ev 2>err2
is "--no-pdq: no near-matching note" "$(grep -c 'near matching off' err2)" "0"
vigil scan --quiet --jsonl /dev/null ev 2>err3
is "--quiet: nothing on stderr" "$(cat err3)" ""
is "hashset list: a PDQ column, 0 for the MD5 list" "$(vigil hashset list | awk '$1=="md5only"{print $5}')" "0"
like "... headed PDQ" "$(vigil hashset list | head -1)" "^NAME +KIND +ENTRIES +VER +PDQ "

like "hashset --help says how to add PDQ to a list" "$(vigil hashset --help)" "vigil hash --pdq PICTURES > list.hashdeep"
# PDQ added as the help says: vigil hash --pdq over the pictures one holds, imported as hashdeep.
vigil hash --pdq --quiet "$P/dih" >pics.hashdeep
npics=$(grep -c '^[0-9]' pics.hashdeep)
vigil hashset import --name pics --kind interest pics.hashdeep >/dev/null 2>&1
is "hashset list: the PDQ entries of the hashdeep list" "$(vigil hashset list | awk '$1=="pics"{print $5}')" "$npics"
is "hashset list --json: pdq_entries" \
  "$(vigil hashset list --json | python3 -c 'import json,sys; print([(s["name"], s["pdq_entries"]) for s in json.load(sys.stdin)])')" \
  "[('md5only', 0), ('pics', $npics)]"
vigil scan --jsonl s2.jsonl ev 2>err4
is "sets with PDQ: no near-matching note" "$(grep -c 'near matching off' err4)" "0"
like "... both sets on the terminal line" "$(cat err4)" \
  "^vigil: scan: compared with 2 sets: md5only v1 \(1 entries, 0 PDQ\), pics v1 \($npics entries, $npics PDQ\)$"
is "... and in the summary" "$(jl s2.jsonl '[s["pdq_entries"] for s in summary["sets"]]')" "[0, $npics]"

# The store is the database and its folder: a database copied alone is said, not a segment's name.
mkdir copy && cp vigil.db copy/
vigil --db copy/vigil.db hashset list >list.out 2>list.err; rc=$?
is "copied without its folder: hashset list still lists (exit 0)" "$rc" "0"
like "... says the folder is missing and how to fix it, in one line" "$(cat list.err)" \
  "^vigil: hashset list: copy/vigil.db.sets: the sets folder is missing .*copy the folder beside the database, or run 'vigil hashset reindex'"
is "... one line" "$(wc -l <list.err)" "1"
is "... and marks both sets" "$(grep -c 'segment file missing' list.out)" "2"
vigil --db copy/vigil.db scan --jsonl c.jsonl ev 2>scan.err; rc=$?
is "... scan refuses (exit 4)" "$rc" "4"
like "... naming the folder" "$(cat scan.err)" "^vigil: scan: copy/vigil.db.sets: the sets folder is missing"
check "... and writes no JSONL" test ! -e c.jsonl
mkdir copy/vigil.db.sets && cp vigil.db.sets/*.seg copy/vigil.db.sets/ && rm "$(ls copy/vigil.db.sets/*.seg | head -1)"
vigil --db copy/vigil.db scan --jsonl /dev/null ev 2>scan.err; rc=$?
is "a folder missing one segment: scan refuses (exit 4)" "$rc" "4"
like "... saying it is incomplete" "$(cat scan.err)" "sets folder is incomplete \(1 of 2 sets"
rm -rf copy/vigil.db.sets && cp -r vigil.db.sets copy/
vigil --db copy/vigil.db scan --quiet --jsonl c.jsonl ev; rc=$?
is "with the folder copied beside it the scan runs" "$rc" "0"
is "... and finds the known file" "$(jl c.jsonl "by_path['ev/hello.txt']['verdict']")" "illegal"

# Terminal progress: running counts of the verdicts, and a bar that never claims 100% (nor more)
# while archive members the pre-count cannot see are still to come.
mkdir -p prog && cp "$F/hello.txt" prog/ && for i in $(seq 1 40); do echo "file $i" >"prog/f$i.txt"; done
(cd prog && python3 -c 'import zipfile; z = zipfile.ZipFile("in.zip", "w"); [z.writestr(f"m{i}.txt", f"member {i}") for i in range(300)]; z.write("hello.txt", "again.txt"); z.close()')
out=$(script -qfec "$VIGIL scan --jobs 1 --jsonl /dev/null prog" /dev/null)
like "progress on a terminal: running counts of illegal, near and unknown items" "$out" \
  "items: [0-9]+ illegal, [0-9]+ near, [0-9]+ unknown"
is "... never 100% or more before the end" "$(printf '%s' "$out" | grep -cE '(\]| )(1[0-9][0-9]|[2-9][0-9][0-9])% ')" "0"
like "... and the scan's own line still follows" "$out" "vigil: scan: 343 items: 2 illegal"

# Error items are named on stderr, 20 of them, then a count.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
  mkdir -p locked
  for i in $(seq 1 25); do echo "$i" >"locked/f$i"; chmod 000 "locked/f$i"; done
  mkdir nb && cp -r vigil.db vigil.db.sets nb/ && chown -R nobody nb   # the store, as the scan's user
  as_nobody "$VIGIL" --db nb/vigil.db scan --jsonl nb/l.jsonl locked 2>lerr; rc=$?
  is "unreadable files inside the tree: the scan completes (exit 0)" "$rc" "0"
  is "... 20 of them named on stderr" "$(grep -c '^vigil: locked/f[0-9]*: ' lerr)" "20"
  like "... then the rest counted" "$(cat lerr)" "vigil: scan: \.\.\. and 5 more error items \(see the JSONL\)"
  is "... all 25 in the JSONL" "$(jl nb/l.jsonl "summary['error']")" "25"
  as_nobody "$VIGIL" --db nb/vigil.db scan --quiet --jsonl /dev/null locked 2>lerr
  is "... --quiet names none" "$(cat lerr)" ""
else
  skip "error items named on stderr" "needs root to run as nobody"
fi

done_testing
