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
