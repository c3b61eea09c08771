#!/usr/bin/env bash
# vigil scan: every verdict, the precedence rule, the JSONL contract, CSV and HTML outputs,
# identical output for any --jobs, lossless non-UTF-8 paths.
. "$(dirname "$0")/lib.sh"
F=$TESTDATA/hashsets/files

S=$T/seized
mkdir -p "$S/pics" "$S/docs"
cp "$F/gradient-16x16.png" "$S/pics/"            # known illegal (test label), by SHA-256
cp "$F/checker-8x8.bmp" "$S/pics/"               # known illegal, by MD5, other set
cp "$F/lorem.txt" "$S/docs/"                     # known benign
cp "$F/notes-crlf.txt" "$S/docs/"                # of interest
cp "$F/hello.txt" "$S/docs/"                     # in the illegal AND the benign set
head -c 5000 /dev/urandom >"$S/docs/new.bin"     # unknown: new material
: >"$S/docs/empty"
name=$(printf 'photo-\xff\xfe.bin')
printf 'bytes' >"$S/docs/$name"

sha256sum "$F/gradient-16x16.png" "$F/hello.txt" >"$T/illegal.sha256"
md5sum "$F/checker-8x8.bmp" >"$T/illegal2.md5"
md5sum "$F/lorem.txt" "$F/hello.txt" >"$T/benign.md5"
sha1sum "$F/notes-crlf.txt" >"$T/interest.sha1"
vigil hashset import --name nsrl-test --kind benign "$T/benign.md5" >/dev/null
vigil hashset import --name vics-test --kind illegal --category A --series S-1 "$T/illegal.sha256" >/dev/null
vigil hashset import --name caid-test --kind illegal --category B "$T/illegal2.md5" >/dev/null
vigil hashset import --name watch --kind interest "$T/interest.sha1" >/dev/null

cd "$T"
vigil scan --quiet --jsonl out.jsonl --csv out.csv --report report.html seized
is "scan exits 0" "$?" "0"
is "JSONL is valid and its counts add up" "$(jl out.jsonl check)" "ok"
is "one item per file" "$(jl out.jsonl 'len(items)')" "8"
v() { jl out.jsonl "by_path['seized/$1']['verdict']"; }
is "known illegal by SHA-256" "$(v pics/gradient-16x16.png)" "illegal"
is "... match names set, digest, category, series" \
  "$(jl out.jsonl "(lambda m: (m['set'], m['by'], m['distance'], m['category'], m['series']))(by_path['seized/pics/gradient-16x16.png']['match'])")" \
  "('vics-test', 'sha256', 0, 'A', 'S-1')"
is "known illegal by MD5 in another set" "$(jl out.jsonl "(lambda i: (i['verdict'], i['match']['set'], i['match']['by'], i['match']['series']))(by_path['seized/pics/checker-8x8.bmp'])")" \
  "('illegal', 'caid-test', 'md5', None)"
is "known benign" "$(jl out.jsonl "(lambda i: (i['verdict'], i['match']['set']))(by_path['seized/docs/lorem.txt'])")" "('benign', 'nsrl-test')"
is "of interest" "$(jl out.jsonl "(lambda i: (i['verdict'], i['match']['by']))(by_path['seized/docs/notes-crlf.txt'])")" "('interest', 'sha1')"
is "in illegal and benign sets: the illegal match wins but is flagged for review (README rule)" \
  "$(jl out.jsonl "(lambda i: (i['verdict'], i['match']['set'], i['match']['flags']))(by_path['seized/docs/hello.txt'])")" \
  "('interest', 'vics-test', ['also-benign'])"
is "new material is unknown with no match" "$(jl out.jsonl "(lambda i: (i['verdict'], i['match']))(by_path['seized/docs/new.bin'])")" "('unknown', None)"
is "empty file: unknown, inode/x-empty" "$(jl out.jsonl "(lambda i: (i['verdict'], i['mime'], i['size']))(by_path['seized/docs/empty'])")" "('unknown', 'inode/x-empty', 0)"
is "mime from libmagic" "$(jl out.jsonl "by_path['seized/pics/gradient-16x16.png']['mime']")" "image/png"
is "summary counts" "$(jl out.jsonl "(summary['illegal'], summary['benign'], summary['interest'], summary['unknown'], summary['error'], summary['interrupted'])")" \
  "(2, 1, 2, 3, 0, False)"
is "summary bytes = sum of sizes" "$(jl out.jsonl "summary['bytes'] == sum(i['size'] for i in items)")" "True"
is "every contract field present" "$(jl out.jsonl "all(set(['path','container','size','md5','sha1','sha256','mime','pdq','pdq_quality','verdict','match','error']) <= set(i) for i in items)")" "True"
is "digests equal coreutils" "$(jl out.jsonl "by_path['seized/docs/lorem.txt']['sha1']")" "$(sha1sum <"$F/lorem.txt" | cut -d' ' -f1)"

# Non-UTF-8 names survive: lone surrogates in "path", exact bytes in "path_hex".
got=$(python3 -c '
import json, os, sys
for line in open("out.jsonl", encoding="utf-8", errors="surrogatepass"):
    o = json.loads(line)
    if "path_hex" in o:
        print(os.fsencode(o["path"]).hex(), o["path_hex"])')
want=$(printf 'seized/docs/photo-\xff\xfe.bin' | od -An -tx1 | tr -d ' \n')
is "non-UTF-8 path: surrogateescape decodes to the exact bytes" "$got" "$want $want"

# Same JSONL whatever --jobs (apart from the timing, and the run's command line and times).
for j in 1 2 8; do
  vigil scan --quiet --jobs $j seized | sed 's/"seconds":[0-9.]*/"seconds":0/; s/,"run":{.*}}}$/}}/' >"j$j.jsonl"
done
check "JSONL with --jobs 1 and --jobs 8 is byte-identical" cmp j1.jsonl j8.jsonl
check "JSONL with --jobs 1 and --jobs 2 is byte-identical" cmp j1.jsonl j2.jsonl
check "JSONL goes to stdout when no output is named" test -s j1.jsonl

vigil scan --quiet --no-mime --jsonl nomime.jsonl seized
is "--no-mime: mime is null, verdicts the same" "$(jl nomime.jsonl "(all(i['mime'] is None for i in items), [i['verdict'] for i in items] == [i['verdict'] for i in __import__('json').loads('[' + ','.join(open('out.jsonl').read().splitlines()[:-1]) + ']')])")" "(True, True)"

# CSV: a header and one row per item; the HTML report is self-contained.
is "CSV header" "$(head -n 1 out.csv | tr -d '\r')" "path,container,size,md5,sha1,sha256,mime,pdq,pdq_quality,verdict,match_set,match_by,match_distance,match_category,match_series,error,type,state,inode,carved_offset,created,modified,accessed,changed,match_record,match_source,match_line,match_orientation,match_flags,matches,error_kind,vpdq_frames,vpdq_quality_median,vpdq_limit,video_known,video_query_percent,video_known_percent,video_query_ranges,video_known_ranges,frame_seconds"
is "CSV rows" "$(python3 -c 'import csv,sys; print(len(list(csv.reader(open("out.csv", newline="", encoding="utf-8", errors="replace")))) - 1)')" "8"
r=$(tr "\n" " " <report.html)
like "report: totals per verdict" "$r" "<td>illegal</td><td class=n>2</td>"
like "report: unknown images come first" "$r" "<h2 id=h0>Unknown images \(new material: review these first\): 0</h2>.*<h2 id=h1>Known illegal: 2</h2>"
like "report: sets with versions, entry and PDQ counts and import dates" "$r" "<td>vics-test</td><td>illegal</td><td>1</td><td class=n>2</td><td class=n>0</td><td>[^<]*</td><td>20[0-9]{2}-[0-9]{2}-[0-9]{2}T"
like "report: a sha256-only set says near matching was off" "$r" "Near matching was off: no set compared holds PDQ entries"
like "report: categories and series found" "$r" "<h2>Series found</h2>.*<td>S-1</td><td class=n>2</td>"
like "report: vigil version and times" "$r" "vigil version</th><td>[0-9]+\.[0-9]+\.[0-9]+( \(git [0-9a-f]+(-dirty)?\))?</td>.*started</th><td>20"
is "report: only its own inline script, no image, stylesheet link or network reference" \
  "$(grep -ciE '<script src|<img|<link|https?://|src=' report.html)" "0"

# An unknown image goes to the top list.
cp "$F/gradient-16x16.png" "$T/fresh.png"; printf 'x' >>"$T/fresh.png"
mkdir -p new && mv fresh.png new/
vigil scan --quiet --report r2.html new >/dev/null
like "report: an unknown image is listed first" "$(tr "\n" " " <r2.html)" "review these first\): 1</h2><table>|review these first\): 1</h2>.*fresh.png"

# Outputs inside the evidence are refused, the tree is untouched.
out=$(vigil scan --quiet --jsonl seized/docs/out.jsonl seized 2>&1); rc=$?
is "output inside the scanned tree: usage error" "$rc" "2"
like "... says why" "$out" "refusing to write inside a scanned tree"
check "... and wrote nothing there" test ! -e seized/docs/out.jsonl

# No database (a mistyped --db): the scan refuses rather than call every file unknown.
VIGIL_DB=$T/none.db vigil scan --quiet --jsonl nodb.jsonl seized 2>"$T/err"; rc=$?
is "without a database the scan refuses (exit 3)" "$rc" "3"
is "... saying why in one line" "$(cat "$T/err")" \
  "vigil: scan: no hash sets in $T/none.db: every item would be unknown; import sets or pass --no-sets"
check "... writes no JSONL" test ! -e nodb.jsonl
check "... and no database is created" test ! -e "$T/none.db"
# --no-sets: an inventory on purpose; every readable file is unknown and the summary says no sets.
VIGIL_DB=$T/none.db vigil scan --quiet --no-sets --jsonl nodb.jsonl seized
is "--no-sets: every file is unknown" "$(jl nodb.jsonl "summary['unknown']")" "8"
is "... the summary lists no sets" "$(jl nodb.jsonl "summary['sets']")" "[]"
check "... and no database is created" test ! -e "$T/none.db"

done_testing
