#!/usr/bin/env bash
# The segment store: versions and provenance, an import killed with -9 or stopped by a full
# disk leaves the store as it was (and the next import clears what it left), a damaged
# segment is refused naming the file and rebuilt by reindex (or says its source is gone).
. "$(dirname "$0")/lib.sh"
F=$TESTDATA/hashsets/files
S=$T/seized
mkdir -p "$S"
cp "$F/hello.txt" "$F/lorem.txt" "$S/"
verdict() { vigil scan --quiet --jsonl "$T/v.jsonl" "$S" >/dev/null 2>"$T/v.err"; jl "$T/v.jsonl" "[i['verdict'] for i in items if i['path'].endswith('/$1')][0]"; }
leftovers() { ls -a "$VIGIL_DB.sets" | grep -Ec '^tmp-' ; }
segments() { ls "$VIGIL_DB.sets" | grep -c '\.seg$'; }

# Versions: a replacement is version 2 with its own provenance; the first is kept in the history.
md5sum "$F/hello.txt" >"$T/v1.md5"
md5sum "$F/lorem.txt" >"$T/v2.md5"
vigil hashset import --name watch --kind illegal "$T/v1.md5" >/dev/null
is "v1: hello is illegal" "$(verdict hello.txt)" "illegal"
out=$(vigil hashset import --name watch --kind illegal "$T/v2.md5" 2>&1); rc=$?
is "same name without --replace: refused" "$rc" "3"
vigil hashset import --name watch --kind illegal --replace "$T/v2.md5" >/dev/null
is "v2: hello is no longer listed" "$(verdict hello.txt)" "unknown"
is "v2: lorem is" "$(verdict lorem.txt)" "illegal"
is "the scan summary carries the sets' provenance" \
  "$(jl "$T/v.jsonl" "[(s['name'], s['kind'], s['version'], s['entries'], s['sources'].startswith('$T/v2.md5 (sha256 ')) for s in summary['sets']]")" \
  "[('watch', 'illegal', 2, 1, True)]"
j=$(vigil hashset list --json)
sum=$(sha256sum "$T/v2.md5" | cut -d' ' -f1)
is "list --json: current version, counts, source and its sha256" \
  "$(printf '%s' "$j" | python3 -c "import json,sys; s=json.load(sys.stdin)[0]; print(s['version'], s['entries'], s['counts']['records'], s['counts']['added'], s['format'], s['sources'].endswith('($sum)'.replace('(', '(sha256 ')), s['imported_by'] != '')")" \
  "2 1 1 1 md5sum True True"
is "list --json: both versions in the history, the first no longer current" \
  "$(printf '%s' "$j" | python3 -c "import json,sys; s=json.load(sys.stdin)[0]; print([(v['version'], v['current'], v['counts']['added']) for v in s['versions']])")" \
  "[(1, False, 1), (2, True, 1)]"
is "one segment file for the one current version" "$(segments)" "1"

# kill -9 in the middle of a large import: the store answers as before; the next import clears up.
python3 -c "
import hashlib
with open('$T/big.sha256', 'w') as f:
    for i in range(1500000):
        f.write(hashlib.sha256(b'%d' % i).hexdigest() + '  f%d\n' % i)
"
"$VIGIL" hashset import --name big --kind benign --memory 4M "$T/big.sha256" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 300); do [ "$(leftovers)" -gt 0 ] && [ -n "$(ls "$VIGIL_DB".sets/tmp-*/ 2>/dev/null | grep run)" ] && break; sleep 0.05; done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
is "kill -9 happened during the import (sort runs were being written)" "$(leftovers)" "1"
is "after kill -9: the killed set does not exist" "$(vigil hashset list | grep -c '^big ')" "0"
is "after kill -9: the old answers" "$(verdict lorem.txt) $(verdict hello.txt)" "illegal unknown"
vigil hashset import --name small --kind benign "$T/v1.md5" >/dev/null
is "the next import removes what the killed one left" "$(leftovers) $(segments)" "0 2"

# A full disk (a 1 MB file size limit, SIGXFSZ ignored): a clear error, the store as before.
out=$( (trap '' XFSZ; ulimit -f 2048; vigil hashset import --name big --kind benign "$T/big.sha256") 2>&1); rc=$?
is "disk full: storage error (4)" "$rc" "4"
like "disk full: says so, naming the file" "$out" "vigil: .*$VIGIL_DB.sets/.*disk full"
is "disk full: no set, no leftovers, old answers" "$(vigil hashset list | grep -c '^big ') $(leftovers) $(segments) $(verdict lorem.txt)" "0 0 2 illegal"

# A damaged segment is refused, naming it; reindex rebuilds it from its source.
seg=$(vigil hashset list --json | python3 -c "import json,sys; print([s for s in json.load(sys.stdin) if s['name']=='watch'][0]['versions'][-1]['version'])")
file=$(sqlite3 "$VIGIL_DB" "SELECT v.segment FROM hashset h JOIN hashset_version v ON v.id = h.current_version WHERE h.name='watch'")
printf 'garbage' | dd of="$VIGIL_DB.sets/$file" bs=1 seek=60 conv=notrunc 2>/dev/null
vigil scan --quiet --jsonl "$T/x.jsonl" "$S" >/dev/null 2>"$T/x.err"; rc=$?
is "scan with a damaged segment: storage error (4)" "$rc" "4"
like "... names the file and says how to rebuild" "$(cat "$T/x.err")" "$file: header checksum mismatch \(damaged\); rebuild it with 'vigil hashset reindex'"
check "reindex rebuilds it from the source file" vigil hashset reindex
is "after reindex: the same answers (hello is in the benign set 'small' now)" "$(verdict lorem.txt) $(verdict hello.txt)" "illegal benign"
truncate -s 1000 "$VIGIL_DB.sets/$(sqlite3 "$VIGIL_DB" "SELECT v.segment FROM hashset h JOIN hashset_version v ON v.id = h.current_version WHERE h.name='watch'")"
rm "$T/v2.md5"
out=$(vigil hashset reindex 2>&1); rc=$?
is "reindex without the source: storage error (4)" "$rc" "4"
like "... says the source is gone" "$out" "set 'watch': .*source .*v2.md5 is gone"
check "remove the set whose segment cannot be rebuilt" vigil hashset remove watch
is "its segment is gone with it" "$(segments)" "1"

# The formats this build reads come from the library's table.
like "--format list prints the formats this build reads" "$(vigil hashset import --format list)" "^auto, hashdeep, md5sum, sha1sum, sha256sum, pdq"
out=$(vigil hashset import --name x --kind benign --format nope /dev/null 2>&1); rc=$?
like "an unknown --format is a usage error listing them" "$rc $out" "^2 vigil: hashset import: unknown format 'nope' \(known: auto, hashdeep"

# A store written by an older vigil (entries as SQLite rows): opening it never converts it behind
# the caller's back. Readers are refused with the way out; upgrade, or any command that writes,
# converts it through the import pipeline.
old_store() {
  sqlite3 "$1" "PRAGMA application_id=1447642956; PRAGMA user_version=1;
    CREATE TABLE meta(key TEXT PRIMARY KEY, value); INSERT INTO meta VALUES('hash_generation', 3);
    CREATE TABLE hashset(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, kind INTEGER NOT NULL,
      category TEXT, series TEXT, format TEXT NOT NULL, sources TEXT NOT NULL,
      imported_at TEXT NOT NULL, imported_by TEXT, entries INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE hash_entry(id INTEGER PRIMARY KEY, set_id INTEGER NOT NULL REFERENCES hashset(id) ON DELETE CASCADE,
      dkey BLOB NOT NULL, md5 BLOB, sha1 BLOB, sha256 BLOB, size INTEGER,
      category TEXT, series TEXT, name BLOB, source_line INTEGER, UNIQUE(set_id, dkey));
    INSERT INTO hashset VALUES(1, 'old', 0, 'A1', NULL, 'md5sum', 'x', '2026-01-01T00:00:00Z', 'me', 1);
    INSERT INTO hash_entry(set_id, dkey, md5) VALUES(1, x'01', x'$(md5sum "$F/hello.txt" | cut -d' ' -f1)');"
}
old_store "$T/old.db"
out=$(VIGIL_DB="$T/old.db" vigil hashset list 2>&1); rc=$?
is "an old store: list is refused (3)" "$rc" "3"
like "... saying how to convert it" "$out" "old.db: the hash-set store .*needs converting: run 'vigil hashset upgrade'"
is "... and the file is left as it was" "$(sqlite3 "$T/old.db" 'PRAGMA user_version')" "1"
like "upgrade converts its one set" "$(VIGIL_DB="$T/old.db" vigil hashset upgrade)" "old.db: 1 hash set converted"
like "upgrade again: nothing to do" "$(VIGIL_DB="$T/old.db" vigil hashset upgrade)" "old.db: nothing to convert"
like "the converted set lists with its entry" "$(VIGIL_DB="$T/old.db" vigil hashset list)" "old.*illegal"
is "... and matches" "$(VIGIL_DB="$T/old.db" vigil scan --quiet --jsonl "$T/o.jsonl" "$S" >/dev/null 2>&1; jl "$T/o.jsonl" "[i['verdict'] for i in items if i['path'].endswith('/hello.txt')][0]")" "illegal"
old_store "$T/old2.db"
check "an import into an old store converts it first" env VIGIL_DB="$T/old2.db" "$VIGIL" hashset import --name new --kind benign "$T/v1.md5"
is "... both sets are there" "$(sqlite3 "$T/old2.db" 'SELECT name FROM hashset ORDER BY id' | tr '\n' ' ')" "old new "

done_testing
