#!/usr/bin/env bash
# Concurrent first opens of a fresh store: 20 hash-set imports at once into a new hash-set store,
# and 10 registry commands at once on a new case registry, all succeed (the schema is created
# once, under a lock). On SQLite, or with the registry in PostgreSQL when VIGIL_PG_URL is set
# (tests/pg-run.sh); each round starts from a fresh store.
. "$(dirname "$0")/lib.sh"
F=$TESTDATA/hashsets/files
PG=${VIGIL_PG_URL:-}
cd "$T" || exit 1
unset VIGIL_SETS VIGIL_USER
mkdir -p "$T/seized"
cp "$F/hello.txt" "$F/lorem.txt" "$T/seized/"
md5sum "$T/seized/hello.txt" "$T/seized/lorem.txt" >"$T/known.md5"
pgsql() { psql -q -X -A -t -h "$PG_HOST" -U vigil -d vigiltest -c "$1" >/dev/null 2>&1; }
fresh() { # round: a new database (and a new registry in PostgreSQL)
  if [ -n "$PG" ]; then
    pgsql "DROP SCHEMA public CASCADE; CREATE SCHEMA public"
    export VIGIL_DB=$PG VIGIL_SETS=$T/sets-$1.db
  else
    export VIGIL_DB=$T/vigil-$1.db
  fi
}
# run N CMD...: start N copies at once; prints how many failed, and the first failure's message
run() {
  local n=$1 i bad=0; shift
  for i in $(seq 1 "$n"); do "$@" "$i" >"$T/out.$i" 2>&1 & done
  for i in $(seq 1 "$n"); do wait %"$i" 2>/dev/null || true; done
  wait
  for i in $(seq 1 "$n"); do [ -f "$T/rc.$i" ] && [ "$(cat "$T/rc.$i")" != 0 ] && bad=$((bad + 1)); done
  echo "$bad $(for i in $(seq 1 "$n"); do [ "$(cat "$T/rc.$i")" != 0 ] && { head -1 "$T/out.$i"; break; }; done)"
}
import_one() { vigil hashset import --name "set$1" --kind benign "$T/known.md5"; echo $? >"$T/rc.$1"; }
unit_one() { if [ $(($1 % 2)) = 0 ]; then vigil unit list; else vigil case list; fi; echo $? >"$T/rc.$1"; }

for round in 1 2 3; do
  fresh "i$round"; rm -f "$T"/rc.*
  r=$(run 20 import_one)
  is "round $round: 20 concurrent first imports all succeed ${r#* }" "${r%% *}" "0"
  is "round $round: all 20 sets are in the store" "$(vigil hashset list 2>/dev/null | grep -c '^set[0-9]')" "20"
done
for round in 1 2 3; do
  fresh "u$round"; rm -f "$T"/rc.*
  [ -n "$PG" ] || : >"$VIGIL_DB"   # read commands never create a database; an empty file is a new one
  r=$(run 10 unit_one)
  is "round $round: 10 concurrent first registry commands all succeed ${r#* }" "${r%% *}" "0"
done
done_testing
