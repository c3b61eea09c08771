#!/usr/bin/env bash
# A scan keeps the view of the sets it opened: replacing a set while a scan runs changes
# nothing in that scan's verdicts; the next scan sees the new version.
. "$(dirname "$0")/lib.sh"
F=$TESTDATA/hashsets/files
S=$T/seized
mkdir -p "$S"
for i in $(seq 1 4000); do cp "$F/hello.txt" "$S/h$i.txt"; done
sha256sum "$F/hello.txt" >"$T/v1.sha256"
sha256sum "$F/lorem.txt" >"$T/v2.sha256"
vigil hashset import --name watch --kind illegal "$T/v1.sha256" >/dev/null

"$VIGIL" scan --quiet --jobs 1 --jsonl "$T/during.jsonl" "$S" >/dev/null 2>"$T/during.err" &
scan=$!
for _ in $(seq 1 600); do [ -s "$T/during.jsonl" ] && break; sleep 0.05; done   # it has opened its index
vigil hashset import --name watch --kind illegal --replace "$T/v2.sha256" >/dev/null
if kill -0 $scan 2>/dev/null; then running=yes; else running=no; fi
wait $scan
is "the replacement committed while the scan was still running" "$running" "yes"
is "that scan gave every copy the verdict of the version it opened" \
  "$(jl "$T/during.jsonl" "(len(items), sorted(set((i['verdict'], (i['match'] or {}).get('set')) for i in items)))")" \
  "(4000, [('illegal', 'watch')])"
vigil scan --quiet --jsonl "$T/after.jsonl" "$S" >/dev/null
is "the next scan sees the new version" "$(jl "$T/after.jsonl" "sorted(set(i['verdict'] for i in items))")" "['unknown']"

done_testing
