#!/usr/bin/env bash
# Ctrl-C stops a scan cleanly: what was written is complete, valid JSONL whose summary says
# "interrupted": true, and the report says so too. On a terminal a progress line is shown.
. "$(dirname "$0")/lib.sh"

D=$T/d
mkdir -p "$D"
for i in $(seq -w 1 40); do truncate -s 200M "$D/f$i.img"; done   # sparse: 8 GB to hash, no disk
cd "$T"
"$VIGIL" scan --no-sets --quiet --jobs 2 --jsonl out.jsonl --report r.html d &
pid=$!
sleep 1
kill -INT $pid
wait $pid
is "interrupted scan exits 1" "$?" "1"
is "the JSONL is valid and its counts add up" "$(jl out.jsonl check)" "ok"
is "the summary says interrupted" "$(jl out.jsonl "summary['interrupted']")" "True"
like "only part of the tree was scanned" "$(jl out.jsonl "len(items)")" "^([0-9]|[1-3][0-9])$"
is "every item written is complete" "$(jl out.jsonl "all(i['md5'] and i['size'] == 209715200 for i in items)")" "True"
like "the report says at its top that it was interrupted" "$(cat r.html)" "id=completeness>INCOMPLETE: the scan was interrupted"

# On a terminal: a progress line with a rate; with --quiet, none.
mkdir -p small && for i in $(seq 1 50); do printf "$i" >"small/$i"; done
out=$(script -qfec "$VIGIL scan --no-sets --jsonl /dev/null small" /dev/null)
like "progress and summary on a terminal" "$out" "vigil: scan: 50 items"
out=$(script -qfec "$VIGIL scan --no-sets --quiet --jsonl /dev/null small" /dev/null)
is "--quiet: nothing on the terminal" "$out" ""
out=$("$VIGIL" scan --no-sets --jsonl /dev/null small 2>&1)
like "not a terminal: no progress line, only the summary" "$out" "^vigil: scan: 50 items"

done_testing
