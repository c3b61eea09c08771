#!/usr/bin/env bash
# Commands that only read never create a database: a mistyped --db or --sets is one line naming
# the path (exit 3) and leaves no file; commands that write still make a new one. On SQLite, or
# with the registry in PostgreSQL when VIGIL_PG_URL is set (tests/pg-run.sh).
. "$(dirname "$0")/lib.sh"
F=$TESTDATA/hashsets/files
PG=${VIGIL_PG_URL:-}
cd "$T" || exit 1
unset VIGIL_SETS VIGIL_USER
if [ -n "$PG" ]; then
  export VIGIL_DB=$PG
  SETS=$T/vigil-sets.db
else
  SETS=$VIGIL_DB
fi
typo=$T/typo.db

for c in "unit list" "case list" "case show 1" "stats" "audit verify"; do
  # shellcheck disable=SC2086  # the command's words
  vigil --db "$typo" $c >/dev/null 2>err; rc=$?
  is "$c on a mistyped --db: exit 3" "$rc" "3"
  is "... one line naming the path" "$(cat err)" "vigil: $typo: no such database (is --db or \$VIGIL_DB mistyped?)"
  check "... and no file is made" test ! -e "$typo"
done
for c in "hashset list" "hashset check" "hashset disputes" "hashset reindex" "hashset export --name x --format csv"; do
  # shellcheck disable=SC2086
  vigil --sets "$typo" $c >/dev/null 2>err; rc=$?
  is "$c on a mistyped --sets: exit 3" "$rc" "3"
  is "... one line naming the path" "$(cat err)" "vigil: $typo: no such database (is --sets, --db or its variable mistyped?)"
  check "... and no file is made" test ! -e "$typo"
done

# Writing commands still make the registry and the sets.
vigil unit add R1 --name "Region 1" --type regional >/dev/null 2>&1; rc=$?
is "unit add on a new registry: exit 0" "$rc" "0"
like "... and unit list reads it back" "$(vigil unit list 2>&1)" "^CODE.*
R1 "
md5sum "$F/hello.txt" >known.md5
vigil hashset import --name k --kind benign known.md5 >/dev/null 2>&1; rc=$?
is "hashset import makes the sets: exit 0" "$rc" "0"
check "... the file is there" test -e "$SETS"
like "... and hashset list reads it back" "$(vigil hashset list)" "
k +benign +1 "
check "still no file at the mistyped path" test ! -e "$typo"

done_testing
