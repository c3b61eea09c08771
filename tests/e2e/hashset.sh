#!/usr/bin/env bash
# vigil hashset: the first formats import with the right counts, bad lines fail their file
# naming the line (nothing half-imported), unknown formats are refused, sets are listed,
# replaced and removed.
. "$(dirname "$0")/lib.sh"
H=$TESTDATA/hashsets

imp() { vigil hashset import "$@" 2>&1; }
# the registry first, so that the line telling its creator they are its admin is not in the outputs below
open_registry

out=$(imp --name hd --kind benign "$H/hashdeep/known-md5-sha1-sha256.hashdeep")
is "hashdeep list: 8 records, 6 added, 1 duplicate, 1 empty-file digest skipped" "$out" \
  "hd: 8 records read = 6 added + 1 duplicate + 1 empty-file digest skipped + 0 rejected + 0 retracted; 0 conflicts"
out=$(imp --name hd2 --kind benign "$H/hashdeep/known-default.hashdeep")
like "hashdeep list with md5,sha256 columns" "$out" "= 6 added \+ 1 duplicate \+ 1 empty"
out=$(imp --name md5deep --kind benign "$H/hashdeep/md5deep.txt")
like "md5deep output" "$out" "8 records read = 6 added \+ 1 duplicate \+ 1 empty"
out=$(imp --name md5deepz --kind benign "$H/hashdeep/md5deep-with-size.txt")
like "md5deep -z output (sizes first)" "$out" "8 records read = 6 added \+ 1 duplicate \+ 1 empty"
out=$(imp --name md5sum --kind benign --format md5sum "$H/plain/md5sum.txt")
is "md5sum text mode: 7 records, 6 distinct" "$out" \
  "md5sum: 7 records read = 6 added + 1 duplicate + 0 empty-file digests skipped + 0 rejected + 0 retracted; 0 conflicts"
for f in sha1sum.txt sha256sum.txt sha256sum-binary-mode.txt sha256sum-tag.txt; do
  out=$(imp --name "$f" --kind benign "$H/plain/$f")
  like "$f imports 7 records, 6 distinct" "$out" "7 records read = 6 added \+ 1 duplicate"
done
out=$(imp --name esc --kind benign "$H/plain/md5sum-escaped-name.txt")
like "escaped names" "$out" "3 records read = 2 added \+ 1 duplicate"
out=$(imp --name bom --kind benign "$H/plain/md5-bare-bom-crlf-upper.txt")
like "bare list with BOM, CRLF, comment, upper case" "$out" "= 6 added"

# Strict by default: a bad line fails the file and names it; nothing of it is stored.
out=$(imp --name dirty --kind illegal "$H/plain/md5-bare-dirty.txt"); rc=$?
is "bad line: exit status 3" "$rc" "3"
like "bad line: file and line named" "$out" "^vigil: .*md5-bare-dirty.txt:4: .*31 hex digits"
like "bad line: the set was not created" "$(vigil hashset list)" "^NAME"
is "bad line: no set named dirty" "$(vigil hashset list | grep -c '^dirty ')" "0"
# Lenient: every bad line named, counted, the good ones kept (4 valid lines, 2 distinct).
out=$(imp --name dirty --kind illegal --lenient "$H/plain/md5-bare-dirty.txt")
like "lenient: line 4 rejected" "$out" "md5-bare-dirty.txt:4: "
like "lenient: line 5 rejected" "$out" "md5-bare-dirty.txt:5: "
like "lenient: line 7 rejected" "$out" "md5-bare-dirty.txt:7: "
like "lenient: counts reconcile" "$out" "dirty: 7 records read = 2 added \+ 2 duplicates \+ 0 empty-file digests skipped \+ 3 rejected"

# Two files, one bad: the good one is imported, the bad one named, exit 3.
printf '6fae44e2090ee24ece46b6ee0b3c3501  lorem.txt\n' >"$T/good.txt"
printf '6fae44e2090ee24ece46b6ee0b3c3501  lorem.txt\nxyz\n' >"$T/bad.txt"
out=$(imp --name two --kind interest "$T/good.txt" "$T/bad.txt"); rc=$?
is "one bad file of two: exit 3" "$rc" "3"
like "one bad file of two: named" "$out" "bad.txt:2: "
is "one bad file of two: the good file's entry is stored" "$(vigil hashset list | awk '$1=="two"{print $3}')" "1"

# Unknown formats are refused with the formats tried.
printf '<html><body>not a list</body></html>\n' >"$T/page.html"
out=$(imp --name html --kind benign "$T/page.html"); rc=$?
is "unknown format: exit 3" "$rc" "3"
like "unknown format: formats tried named" "$out" "page.html: unknown hash-set format \(tried hashdeep, nsrl-rdsv3, .*vics, .*md5sum"
out=$(imp --name x --kind benign --format no-such-format "$T/page.html"); rc=$?
is "unsupported --format: usage error" "$rc" "2"
out=$(imp --name empty --kind benign /dev/null); rc=$?
is "empty file: exit 3" "$rc" "3"
out=$(imp --name gone --kind benign "$T/no-such-file"); rc=$?
like "missing file named" "$out" "no-such-file: No such file or directory"

# Names are unique; --replace swaps a set atomically; remove takes it away.
out=$(imp --name md5sum --kind benign "$H/plain/md5sum.txt"); rc=$?
is "same name again: refused (3)" "$rc" "3"
like "same name again: says so" "$out" "exists"
# a set's kind is part of its version: another kind only when asked for
out=$(imp --name md5sum --kind illegal --replace "$T/good.txt"); rc=$?
is "--replace with another kind: refused (3)" "$rc" "3"
like "--replace with another kind: names both kinds and the option" "$out" \
  "hash set 'md5sum' is benign; replacing it as illegal would change its kind .*--change-kind"
is "--replace with another kind: the set is unchanged" "$(vigil hashset list | awk '$1=="md5sum"{print $2, $3, $4}')" "benign 6 1"
out=$(imp --name md5sum --kind illegal --change-kind "$T/good.txt"); rc=$?
is "--change-kind without --replace: usage error" "$rc" "2"
out=$(imp --name md5sum --kind illegal --replace --change-kind "$T/good.txt")
is "--replace --change-kind: the new content and kind" "$(vigil hashset list | awk '$1=="md5sum"{print $2, $3, $4}')" "illegal 1 2"
is "list --json: each version keeps its own kind" \
  "$(vigil hashset list --json | python3 -c "import json,sys; print([(v['version'], v['kind']) for s in json.load(sys.stdin) if s['name'] == 'md5sum' for v in s['versions']])")" \
  "[(1, 'benign'), (2, 'illegal')]"
check "remove a set" vigil hashset remove md5sum
is "removed set is gone" "$(vigil hashset list | grep -c '^md5sum ')" "0"
out=$(vigil hashset remove md5sum 2>&1); rc=$?
is "removing an unknown set: exit 3" "$rc" "3"

# Provenance: source file and its SHA-256 are recorded and listed.
sum=$(sha256sum "$H/hashdeep/known-md5-sha1-sha256.hashdeep" | cut -d' ' -f1)
like "provenance: file and sha256 in the list" "$(vigil hashset list --json)" "known-md5-sha1-sha256.hashdeep \(sha256 $sum\)"

# reindex on an intact store (damage is tested in hashset_store.sh); a file that is not a vigil
# database is refused.
check "reindex checks every segment of an intact store" vigil hashset reindex
printf 'hello\n' >"$T/hello.txt"
printf 'just text\n' >"$T/not-a-db"
out=$(vigil --db "$T/not-a-db" hashset list 2>&1); rc=$?
like "a file that is not a database is refused" "$out" "not-a-db: .*(not a vigil database|file is not a database)"
is "... with exit status 3" "$rc" "3"
sqlite3 "$T/other.db" 'CREATE TABLE t(x); PRAGMA user_version=7;'
out=$(vigil --db "$T/other.db" hashset list 2>&1); rc=$?
like "a foreign SQLite database is refused" "$out" "other.db: not a vigil database"
cp "$VIGIL_DB" "$T/newer.db"; sqlite3 "$T/newer.db" 'PRAGMA user_version=99;'
out=$(vigil --db "$T/newer.db" hashset list 2>&1); rc=$?
like "a newer schema is refused" "$out" "newer.db: database schema version 99 is newer"

# Every exchange format through the CLI into the store, detected by content; counts reconcile.
for spec in "icse illegal icse/icse-export.csv 3 3" "ncmec illegal ncmec/hashsharing-v2-entries.xml 3 2" \
            "vicsus illegal vics/vics-2.0-us-cases.json 4 3" "pdna interest photodna/synthetic-vectors.csv 2 2" \
            "rds2 benign nsrl-rds2/NSRLFile.txt 7 5" "rds3 benign nsrl-rdsv3/minimal.db 7 4" \
            "hk benign hashkeeper/hashkeeper.csv 3 3" "enc benign encase/legacy-md5.hash 4 4"; do
    set -- $spec
    out=$(imp --name "$1" --kind "$2" "$H/$3"); rc=$?
    is "$3 imports (exit 0)" "$rc" "0"
    like "$3: $4 records read, $5 added" "$out" "^$1: $4 records read = $5 added "
done
out=$(imp --name caid --kind illegal "$H/caid/caid-vics-uk-cases.json"); rc=$?
like "CAID without a category mapping is refused" "$out" "category-map"
is "... exit 3" "$rc" "3"

done_testing
