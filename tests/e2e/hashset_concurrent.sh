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

# The scan writes its items into a pipe that is read only after the replacement: once its first
# item is out it has opened its view of the sets, and it cannot finish before the replacement
# commits, as 4000 items are far more than a pipe holds.
mkfifo "$T/during.pipe"
exec 3<>"$T/during.pipe"   # read-write: neither this open nor the scan's waits for the other
"$VIGIL" scan --quiet --jobs 1 --jsonl "$T/during.pipe" "$S" >/dev/null 2>"$T/during.err" &
scan=$!
IFS= read -r -t 120 first <&3
vigil hashset import --name watch --kind illegal --replace "$T/v2.sha256" >/dev/null
if kill -0 $scan 2>/dev/null; then running=yes; else running=no; fi
exec 4<"$T/during.pipe" 3>&-   # then only the scan writes: the rest ends when it does
{ printf '%s\n' "$first"; cat <&4; } >"$T/during.jsonl"
exec 4<&-
wait $scan
is "the replacement committed while the scan was still running" "$running" "yes"
is "that scan gave every copy the verdict of the version it opened" \
  "$(jl "$T/during.jsonl" "(len(items), sorted(set((i['verdict'], (i['match'] or {}).get('set')) for i in items)))")" \
  "(4000, [('illegal', 'watch')])"
vigil scan --quiet --jsonl "$T/after.jsonl" "$S" >/dev/null
is "the next scan sees the new version" "$(jl "$T/after.jsonl" "sorted(set(i['verdict'] for i in items))")" "['unknown']"

done_testing
