#!/usr/bin/env bash
# vigil db backup and db check. The copy is one snapshot taken while others write: a hash-set
# import running meanwhile is in it whole or not at all; the copy opens, verifies and gives the same
# figures. A backup never overwrites a file. db check names each problem and its repair.
# On PostgreSQL (VIGIL_PG_URL set by pg-run.sh): pg_dump writes the backup.
. "$(dirname "$0")/lib.sh"

if [ -n "${VIGIL_PG_URL:-}" ]; then
  export VIGIL_DB=$VIGIL_PG_URL VIGIL_SETS=$T/sets.db
  open_registry
  vigil unit add N01 --name National --type national >/dev/null
  out=$(vigil db backup "$T/pg.dump" 2>&1)
  is "PostgreSQL: backup exit 0" "$?" "0"
  like "PostgreSQL: pg_dump wrote it" "$out" "written by pg_dump"
  like "PostgreSQL: the dump holds the registry's tables" "$(pg_restore --list "$T/pg.dump" 2>&1)" "TABLE public cases"
  out=$(vigil db check 2>&1)
  is "PostgreSQL: db check exit 0 on a sound registry" "$?" "0"
  done_testing
  exit
fi

sha() { sha256sum "$1" | cut -d' ' -f1; }
open_registry
vigil unit add N01 --name National --type national >/dev/null
vigil unit add R05 --name "Region Five" --type regional >/dev/null
vigil case new --unit N01 --type possession --title laptop --at 2026-01-05 >/dev/null 2>&1
vigil case refer 1 --to R05 --due-days 14 --at 2026-01-06 >/dev/null
mkdir -p "$T/files"
for i in 1 2 3; do printf 'benign file %s\n' "$i" >"$T/files/f$i"; done
sha "$T/files/f1" >"$T/known.sha256"
vigil hashset import --name known --kind illegal "$T/known.sha256" >/dev/null

# --- a plain backup ---
out=$(vigil db backup "$T/b.db" 2>&1)
is "backup: exit 0" "$?" "0"
like "backup: says what it wrote, the segments too" "$out" "b.db written \\([0-9]+ bytes, [0-9]+ segment files? in .*b.db.sets/\\)"
like "backup: the copy is opened and verified" "$out" "the copy opens and its audit chain is intact"
for c in "case list" "stats" "hashset list" "unit list"; do
  is "backup: '$c' reads the same from the copy" "$(vigil --db "$T/b.db" $c 2>&1 | grep -v 'as of')" \
     "$(vigil $c 2>&1 | grep -v 'as of')"
done
is "backup: the copy's sets match as the original's do" \
   "$(vigil --db "$T/b.db" scan --jsonl - "$T/files/f1" 2>/dev/null | jl /dev/stdin "items[0]['verdict']")" "illegal"
is "backup: the segments are copies, not links to the same file" "$(stat -c %h "$T"/b.db.sets/*.seg | sort -u)" "1"

# --- never over a file ---
echo keep >"$T/exists.db"
out=$(vigil db backup "$T/exists.db" 2>&1)
is "backup onto an existing file: exit 3" "$?" "3"
like "backup onto an existing file: says so" "$out" "exists.db: already exists; a backup never overwrites a file"
is "backup onto an existing file: it is untouched" "$(cat "$T/exists.db")" "keep"

# --- while an import runs: all of it or none ---
python3 - "$T/big.sha256" <<'PY'
import random, sys
r = random.Random(7)
with open(sys.argv[1], "w") as f:
    for _ in range(600000):
        f.write("%064x\n" % r.getrandbits(256))
PY
size=$(stat -c %s "$T/big.sha256")
"$VIGIL" hashset import --name big --kind interest "$T/big.sha256" >"$T/import.out" 2>&1 &  # its own pid
pid=$!
# pause the import half-way through reading its list, so that the backup surely falls inside it
rchar=0
while kill -0 $pid 2>/dev/null; do
  rchar=$(awk '/^rchar/ {print $2}' "/proc/$pid/io" 2>/dev/null || echo 0)
  [ "${rchar:-0}" -gt $((size / 4)) ] && kill -STOP $pid && break
  sleep 0.005
done
like "the import was paused half-way (it had read part of its list)" "$rchar" "^[0-9]{7,}$"
is "while paused, the set is not in the registry yet" "$(vigil hashset list --json | grep -c '"big"')" "0"
vigil db backup "$T/mid.db" >"$T/mid.out" 2>&1
is "backup during an import: exit 0" "$?" "0"
kill -CONT $pid
wait $pid
is "the import itself finished well" "$?" "0"
vigil db backup "$T/after.db" >/dev/null 2>&1
sets_of() { vigil --db "$1" hashset list --json 2>/dev/null |
  python3 -c 'import json,sys; print(" ".join("%s=%d" % (s["name"], s["entries"]) for s in json.load(sys.stdin)))'; }
is "backup during an import: none of it in the copy" "$(sets_of "$T/mid.db")" "known=1"
is "backup after the import: all of it" "$(sets_of "$T/after.db")" "known=1 big=600000"
like "backup during an import: the copy verifies" "$(vigil --db "$T/mid.db" audit verify 2>&1)" "chain intact"

# --- db check ---
out=$(vigil db check 2>&1)
is "check: a sound registry, exit 0" "$?" "0"
like "check: says what it checked" "$out" "sound \(database pages, keys, audit chain, hash-set segments\)"
seg=$(ls "$T"/b.db.sets/*.seg | head -1)
python3 - "$seg" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0xff
open(p, "wb").write(b)
PY
out=$(vigil --db "$T/b.db" db check 2>&1)
is "check: a damaged segment, exit 1" "$?" "1"
like "check: names the set and the repair" "$out" "hash set known: .*checksum.*repair: vigil hashset reindex"
sqlite3 "$T/b.db" "UPDATE cases SET title = 'changed by hand' WHERE id = 1"
out=$(vigil --db "$T/b.db" db check 2>&1)
like "check: a table changed outside vigil is named" "$out" "audit log: event [0-9]+: case 1: .*changed outside vigil"
like "check: counts its problems" "$out" "db check: 2 problems"

# --- a damaged page ---
cp "$T/mid.db" "$T/dmg.db"
python3 - "$T/dmg.db" <<'PY'
import sqlite3, sys
p = sys.argv[1]
c = sqlite3.connect(p)
# the root page of an index: damage it and the table still opens, but the index no longer agrees
page = c.execute("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit'").fetchone()[0]
size = c.execute("PRAGMA page_size").fetchone()[0]
c.close()
with open(p, "r+b") as f:
    f.seek((page - 1) * size + 8)
    f.write(b"\xff" * 24)
PY
out=$(vigil --db "$T/dmg.db" db check 2>&1)
is "check: a damaged page, exit 1 (or 4 when it cannot even be read)" "$(case $? in 1|4) echo ok;; *) echo $?;; esac)" "ok"
like "check: a damaged page is named with the repair" "$out" "(pages damaged: .*restore the last backup|malformed)"

# --- PostgreSQL: --print shows the pg_dump command, never the password ---
out=$(vigil --db "postgresql://vigil:s3cret@db.example/vigil" db backup "$T/x.dump" --print 2>&1)
is "--print: exit 0" "$?" "0"
is "--print: the pg_dump command, password hidden" "$out" \
   "pg_dump --format=custom --file '$T/x.dump' 'postgresql://vigil:***@db.example/vigil'"

done_testing
