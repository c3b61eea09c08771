#!/usr/bin/env bash
# A registry written by each earlier schema opens in this vigil: upgraded in one step, its cases,
# referrals and audit chain intact, and the database as it was kept beside it first. A database of
# a newer schema is refused and left byte for byte as it was.
. "$(dirname "$0")/lib.sh"

# same rows, whatever the pages: compare the SQL text of two databases
dump() { python3 -c 'import sqlite3,sys; print("\n".join(sqlite3.connect(sys.argv[1]).iterdump()))' "$1"; }

versions() { sqlite3 "$1" "SELECT group_concat(key || '=' || value, ' ') FROM (SELECT * FROM meta WHERE key LIKE '%schema_version' ORDER BY key)"; }
: >"$T/fresh.db"
VIGIL_DB=$T/fresh.db vigil unit list >/dev/null 2>&1
current=$(versions "$T/fresh.db")
like "a new registry has both schema versions" "$current" "^audit_schema_version=[0-9]+ cases_schema_version=[0-9]+$"

# cases 1 and 3 of each registry get one file in common and two whose keys share the first 8
# characters (what the key index holds since schema 8), but not the rest
item() { printf '{"path":"%s","size":100,"verdict":"unknown","sha1":"%s"}\n' "$1" "$2"; }
{ item same.jpg 0123456789abcdef0123456789abcdef01234567; item one.jpg 89abcdef00000000000000000000000000000001
  echo '{"summary":{"items":2}}'; } >"$T/items1.jsonl"
{ item same.jpg 0123456789abcdef0123456789abcdef01234567; item three.jpg 89abcdef00000000000000000000000000000003
  echo '{"summary":{"items":2}}'; } >"$T/items3.jsonl"

for old in "$TESTDATA"/schema/registry-*.db; do
  name=$(basename "$old" .db)
  tag=${name#registry-}
  tag=case-v${tag#case}; tag=${tag/-audit/-audit-v}
  db=$T/$name.db
  cp "$old" "$db"
  err=$(VIGIL_DB=$db vigil case list 2>&1 >"$T/list.out")
  is "$name: opens (case list exit 0)" "$?" "0"
  like "$name: says where the copy before the upgrade is" "$err" "upgrading its schema; the database as it was is kept in $db.$tag.bak"
  is "$name: the copy holds exactly what the old vigil wrote" "$(dump "$db.$tag.bak")" "$(dump "$old")"
  is "$name: every case is there" "$(awk 'NR > 1 {print $1, $3, $4, $5}' "$T/list.out" | tr '\n' ';')" \
     "1 possession accepted R05;2 distribution registered N01;3 production referred N01;"
  like "$name: the audit chain verifies after the upgrade" "$(VIGIL_DB=$db vigil audit verify 2>&1)" "chain intact"
  like "$name: case 2's decline and its reason survive" "$(VIGIL_DB=$db vigil case show 2 2>&1)" "capacity"
  is "$name: both schemas now current" "$(versions "$db")" "$current"
  is "$name: the key index holds the keys' first 8 characters (schema 8)" \
     "$(sqlite3 "$db" "SELECT sql FROM sqlite_master WHERE name = 'case_items_key'")" \
     "CREATE INDEX case_items_key ON case_items(substr(key, 1, 8))"
  VIGIL_DB=$db vigil case attach 1 "$T/items1.jsonl" >/dev/null 2>&1
  is "$name: cases 1 and 3 link through the upgraded index" "$(VIGIL_DB=$db vigil case attach 3 "$T/items3.jsonl" 2>&1)" \
     "case 3: 2 items stored, 2 new; linked to 1 case"
  is "$name: by the one file they share, not the one whose key only begins alike" \
     "$(sqlite3 "$db" "SELECT a, b, exact, unknown FROM case_links")" "1|3|1|1"
  VIGIL_DB=$db vigil case list >/dev/null 2>&1
  is "$name: a second open upgrades nothing and keeps no second copy" "$(ls "$db".*.bak | wc -l)" "1"
done

# newer than this vigil: refused with a clear message, not one byte changed
db=$T/newer.db
cp "$TESTDATA/schema/registry-case2-audit2.db" "$db"
sqlite3 "$db" "UPDATE meta SET value = '99' WHERE key = 'cases_schema_version'"
cp "$db" "$T/newer.orig"
err=$(VIGIL_DB=$db vigil case list 2>&1)
is "newer schema: exit 3" "$?" "3"
like "newer schema: says so" "$err" "case schema version 99 is newer than this vigil"
check "newer schema: the file is untouched" cmp "$db" "$T/newer.orig"
is "newer schema: no copy made" "$(ls "$db".*.bak 2>/dev/null | wc -l)" "0"

done_testing
