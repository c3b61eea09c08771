#!/usr/bin/env bash
# cases: the case registry through the CLI, on SQLite, or on PostgreSQL when VIGIL_PG_URL is
# set (tests/pg-run.sh): every bad input gets one line on stderr and its exit status and leaves
# the store as it was; --as enforces the policy; audit verify finds tampering; kill -9 during an
# import leaves the database consistent. Prints TAP.
set -u
V=${VIGIL:-build/vigil}
T=$(mktemp -d "${TMPDIR:-/tmp}/vigil-e2e-cases.XXXXXX")
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
PG=${VIGIL_PG_URL:-}
newdb() { # name -> url or path
  if [ -n "$PG" ]; then
    "$PG_BIN/createdb" -h "$PG_HOST" -U vigil "$1" >/dev/null && echo "postgresql://vigil@/$1?host=$PG_HOST"
  else
    echo "$T/$1.db"
  fi
}
sql() { # db, statement: tamper with the database directly
  if [ -n "$PG" ]; then psql -q -X -h "$PG_HOST" -U vigil -d "${1%%\?*}" -c "$2" >/dev/null 2>&1
  else sqlite3 "$1" "$2"; fi
}
pgname() { local u=${1#postgresql://vigil@/}; echo "${u%%\?*}"; }
# expect STATUS PATTERN CMD...: exit status, and exactly one stderr line containing PATTERN
expect() {
  local want=$1 pat=$2 rc; shift 2
  "$@" >"$T/out" 2>"$T/err"; rc=$?
  if [ "$rc" -eq "$want" ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -qF -- "$pat" "$T/err"; then return 0; fi
  echo "# want $want '$pat', got $rc: $(head -3 "$T/err")"
  return 1
}
state() { # a fingerprint of everything the registry shows
  "$V" --db "$DB" unit list --format json; "$V" --db "$DB" case list --format json
  "$V" --db "$DB" stats --format json --now 2006-12-31; "$V" --db "$DB" audit verify
}

DB=$(newdb main)
export VIGIL_DB=$DB
unset VIGIL_USER
"$V" unit add NAT --name "National unit" --type national >/dev/null &&
  "$V" unit add R01 --name "Region 1" --type regional >/dev/null &&
  "$V" unit add R02 --name "Region 2" --type regional >/dev/null &&
  "$V" unit add BP --name "Border police" --type special >/dev/null &&
  "$V" unit add NL-NP --name "Foreign service" --type foreign --country NL >/dev/null &&
  "$V" unit add OM --name "Prosecutor" --type prosecutor >/dev/null
check "unit add: all five kinds" test $? -eq 0
check "unit list shows them" bash -c "\"$V\" unit list | grep -q 'NL-NP *foreign *NL'"
check "unit add: bad type is a usage error" expect 2 "--type is national" "$V" unit add X --name x --type county
check "unit add: foreign service needs a country" expect 3 "needs --country" "$V" unit add X --name x --type foreign
check "unit add: duplicate code" expect 3 "unit 'R01' already exists" "$V" unit add R01 --name x --type regional

id=$("$V" case new --unit NAT --type distribution --title "first" --suspect P-1 --at 2006-01-05)
check "case new prints the id" test "$id" = 1
before=$(state)
check "case new: unknown unit" expect 3 "unknown unit 'R99'" "$V" case new --unit R99 --type grooming
check "case new: unknown type" expect 3 "unknown offence type 'theft'" "$V" case new --unit NAT --type theft
check "case new: bad --at date" expect 2 "bad date '2006-02-30'" "$V" case new --unit NAT --type grooming --at 2006-02-30
check "case refer: unknown case" expect 3 "unknown case 42" "$V" case refer 42 --to R01
check "case refer: bad case id" expect 2 "bad case id 'x1'" "$V" case refer x1 --to R01
check "case refer: unknown unit" expect 3 "unknown unit 'R77'" "$V" case refer 1 --to R77
check "case accept: nothing pending" expect 3 "case 1 is registered" "$V" case accept 1
check "case status: transition not allowed names the status" \
  expect 3 "case 1 is registered: it cannot move to prosecutor" "$V" case status 1 prosecutor
check "case status: closing needs an outcome" expect 3 "needs --outcome" "$V" case status 1 closed
check "case decline: unknown reason" expect 3 "unknown reason 'bored'" "$V" case decline 1 --reason bored
check "store unchanged after the errors" test "$before" = "$(state)"

"$V" case refer 1 --to R01 --at 2006-01-06 >/dev/null && "$V" case accept 1 --at 2006-01-09 >/dev/null
check "refer and accept" test $? -eq 0
before=$(state)
check "decline of an accepted referral" expect 3 "already accepted on 2006-01-09" "$V" case decline 1 --reason capacity
check "decline 'other' needs a note" expect 3 "needs a note" "$V" case decline 1 --reason other
check "store unchanged after the errors" test "$before" = "$(state)"
"$V" case status 1 investigating --at 2006-02-01 >/dev/null && "$V" case status 1 prosecutor --at 2006-03-01 >/dev/null &&
  "$V" case status 1 closed --outcome prosecuted --at 2006-06-01 >/dev/null
check "investigating, prosecutor, closed" test $? -eq 0
check "case show json: status, outcome, factors" bash -c "\"$V\" case show 1 --format json | python3 -c '
import json,sys; c=json.load(sys.stdin)
assert c[\"status\"]==\"closed\" and c[\"outcome\"]==\"prosecuted\" and c[\"owner\"]==\"R01\", c
assert [f[\"name\"] for f in c[\"factors\"]][0]==\"offence.distribution\" and c[\"priority\"]==10, c
assert c[\"referrals\"][0][\"due\"]==\"2006-02-05\"'"

"$V" case signal 1 network 3 >/dev/null && "$V" case signal 1 unknown_material 2 >/dev/null
check "priority signals raise the score, explained by factor" bash -c "\"$V\" case show 1 --format json | python3 -c '
import json,sys; c=json.load(sys.stdin); f={x[\"name\"]:x for x in c[\"factors\"]}
assert c[\"priority\"]==10+3*8+2*5 and f[\"network\"][\"value\"]==3, c'"
check "priority weights from \$VIGIL_CONFIG" bash -c "printf 'weight.network = 100\n' >'$T/w.conf'; VIGIL_CONFIG='$T/w.conf' \"$V\" case show 1 | grep -q 'priority: *320.00'"
check "bad config line is named" expect 3 "w2.conf:1:" env VIGIL_CONFIG="$T/w2.conf" bash -c "printf 'weight.colour = 1\n' >'$T/w2.conf'; exec '$V' case list"
for c in unit user case stats audit; do
  check "vigil $c --help" bash -c "\"$V\" $c --help | grep -q usage"
done
id2=$("$V" case new --unit NAT --type production --at 2006-11-01)
"$V" case refer "$id2" --to R02 --at 2006-11-02 --due-days 10 >/dev/null
check "case list --overdue --now" bash -c "\"$V\" case list --overdue --now 2006-11-20 --format json | python3 -c '
import json,sys; v=json.load(sys.stdin); assert [c[\"id\"] for c in v]==[$id2] and v[0][\"overdue\"], v'"
check "not overdue before its due date" bash -c "test \"\$(\"$V\" case list --overdue --now 2006-11-10 --format json)\" = '[]'"
"$V" case decline "$id2" --reason other --note "no forensic capacity this quarter" --at 2006-11-15 >/dev/null &&
  "$V" case refer "$id2" --to BP --at 2006-11-16 >/dev/null
check "decline with a note, then referred again" test $? -eq 0
check "history kept in case show" bash -c "\"$V\" case show $id2 | grep -c -- '-> .* sent ' | grep -qx 2"
check "stats json shape" bash -c "\"$V\" stats --format json --now 2006-12-31 | python3 -c '
import json,sys; s=json.load(sys.stdin)
keys={\"group\",\"referred\",\"accepted\",\"declined\",\"pending\",\"overdue\",\"median_days\",\"reasons\"}
assert all(keys<=set(r) for r in s[\"rows\"]) and keys<=set(s[\"total\"]), s
t=s[\"total\"]; assert (t[\"referred\"],t[\"accepted\"],t[\"declined\"],t[\"pending\"],t[\"overdue\"])==(3,1,1,1,1), t
assert t[\"reasons\"][\"other\"]==1 and len(t[\"reasons\"])==7 and t[\"median_days\"]==8, t'"
check "stats csv has a header and a total" bash -c "\"$V\" stats --by type --format csv | tail -1 | grep -q '^total,3,'"
check "stats: bad --by" expect 2 "--by is unit, reason, month or type" "$V" stats --by colour

# access policy through --as and VIGIL_USER
"$V" user add r1 --unit R01 --role officer >/dev/null && "$V" user add r2 --unit R02 --role officer >/dev/null &&
  "$V" user add nat --unit NAT --role officer >/dev/null && "$V" user add ana --role analyst >/dev/null
check "user add" test $? -eq 0
check "unknown user is refused" expect 3 "unknown user 'mallory'" "$V" case list --as mallory
check "analyst: no case details" expect 3 "case 1: no such case, or not visible to user 'ana' (analysts see statistics only)" "$V" case show 1 --as ana
check "analyst: statistics" bash -c "VIGIL_USER=ana \"$V\" stats >/dev/null"
check "other unit cannot read a case" expect 3 "case 1: no such case, or not visible to user 'r2'" "$V" case show 1 --as r2
check "own unit reads its case" bash -c "\"$V\" case show 1 --as r1 >/dev/null"
check "an unknown case id looks like another unit's case to an officer" expect 3 \
  "case 987654: no such case, or not visible to user 'r2'" "$V" case show 987654 --as r2
check "... also when acting on it" expect 3 "case 987654: no such case, or not visible to user 'r2'" "$V" case accept 987654 --as r2
check "the national unit is told the id is unknown" expect 3 "unknown case 987654" "$V" case show 987654 --as nat
check "a unit that neither owns nor received the case cannot answer it: it does not see it" expect 3 \
  "case $id2: no such case, or not visible to user 'r1'" env VIGIL_USER=r1 "$V" case accept "$id2"
check "officers do not add units" expect 3 "not allowed" "$V" unit add R09 --name x --type regional --as r1
check "national officer sees all" bash -c "test \$(\"$V\" case list --as nat --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') = 2"

# the audit log
check "audit verify: intact" bash -c "\"$V\" audit verify | grep -q 'chain intact'"
events() { "$V" audit verify | awk '{print $2}'; }
e1=$(events); "$V" case show 1 >/dev/null; e2=$(events)
check "a read of a case is an audit event" test "$e2" -eq $((e1 + 1))
if [ -n "$PG" ]; then
  sql "$(pgname "$DB")" "DROP TRIGGER audit_no_update ON audit; DROP TRIGGER audit_no_delete ON audit"
  sql "$(pgname "$DB")" "UPDATE audit SET detail = 'reason=capacity' WHERE seq = 5"
else
  sql "$DB" "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete"
  sql "$DB" "UPDATE audit SET detail = 'reason=capacity' WHERE seq = 5"
fi
check "audit verify: an altered event is named, exit 1" expect 1 "event 5 " "$V" audit verify

# files that are not ours, newer schemas, read-only files
DB2=$(newdb second)
"$V" --db "$DB2" unit add NAT --name n --type national >/dev/null
if [ -n "$PG" ]; then sql "$(pgname "$DB2")" "UPDATE meta SET value = '99' WHERE key = 'cases_schema_version'"
else sql "$DB2" "UPDATE meta SET value = 99 WHERE key = 'cases_schema_version'"; fi
check "newer case schema is refused" expect 3 "case schema version 99 is newer" "$V" --db "$DB2" unit list
if [ -z "$PG" ]; then
  sqlite3 "$T/other.db" "CREATE TABLE t(x)"
  check "not a vigil database" expect 3 "not a vigil database" "$V" --db "$T/other.db" unit list
  head -c 4096 /dev/urandom >"$T/noise.db"
  check "random bytes are not a vigil database" expect 3 "not a vigil database" "$V" --db "$T/noise.db" unit list
  cp "$DB" "$T/ro.db"; "$V" --db "$T/ro.db" case list >/dev/null
  # the unprivileged login below must be a user (an admin) to get as far as writing
  [ "$(id -u)" -eq 0 ] && "$V" --db "$T/ro.db" user add ro-admin --role admin --os-user nobody >/dev/null
  chmod 444 "$T/ro.db"
  rm -f "$T/ro.db-wal" "$T/ro.db-shm"
  sum=$(sha256sum <"$T/ro.db")
  if [ "$(id -u)" -eq 0 ]; then as=(runuser -u nobody --); else as=(); fi
  check "read-only database: one line, exit 4, file unchanged" \
    expect 4 "readonly" "${as[@]}" "$V" --db "$T/ro.db" unit add R05 --name x --type regional
  check "read-only file left as it was" test "$sum" = "$(sha256sum <"$T/ro.db")"
  # a full disk: the file may not grow past its size (RLIMIT_FSIZE); the import fails whole
  "$V" --db "$T/full.db" unit add NAT --name n --type national >/dev/null && "$V" --db "$T/full.db" unit add R01 --name r --type regional >/dev/null
  printf 'record,ref,date,unit,value,note\n' >"$T/many.csv"
  for i in $(seq 1 3000); do printf 'case,M%d,2006-01-01,NAT,possession,\nrefer,M%d,2006-01-02,R01,,\n' $i $i; done >>"$T/many.csv"
  before=$("$V" --db "$T/full.db" case list --format json; "$V" --db "$T/full.db" audit verify)
  check "full disk: one line, exit 4" expect 4 "disk" \
    bash -c "trap '' XFSZ; ulimit -f \$(( \$(stat -c %s '$T/full.db') / 1024 + 8 )); exec '$V' --db '$T/full.db' case import '$T/many.csv'"
  check "full disk: store as before" test "$before" = "$("$V" --db "$T/full.db" case list --format json; "$V" --db "$T/full.db" audit verify)"
  check "full disk: integrity_check ok" test "$(sqlite3 "$T/full.db" 'PRAGMA integrity_check')" = ok
  # the hash-set store and the registry share the file, whichever comes first
  printf '2b995e16d04df2e25ac7fed9fb77ea2c\n' >"$T/list.txt"
  "$V" --db "$T/share.db" unit add NAT --name n --type national >/dev/null &&
    "$V" --db "$T/share.db" hashset import --name s --kind benign "$T/list.txt" >/dev/null &&
    "$V" --db "$T/share2.db" hashset import --name s --kind benign "$T/list.txt" >/dev/null &&
    "$V" --db "$T/share2.db" unit add NAT --name n --type national >/dev/null
  check "hash sets and cases share one database file" bash -c "'$V' --db '$T/share.db' hashset list | grep -q '^s ' &&
    '$V' --db '$T/share2.db' unit list | grep -q '^NAT'"
else
  check "unreachable server: one line, exit 4" expect 4 "cannot connect" "$V" --db "postgresql://vigil@/nosuchdb?host=$PG_HOST" unit list
fi

# import: a bad line imports nothing and names the line; kill -9 leaves the store consistent
DB3=$(newdb third)
"$V" --db "$DB3" unit add NAT --name n --type national >/dev/null && "$V" --db "$DB3" unit add R01 --name r --type regional >/dev/null
printf 'record,ref,date,unit,value,note\ncase,A,2006-01-01,NAT,grooming,\nrefer,A,2006-01-02,R01,,\ncase,B,2006-01-03,NAT,possession,\nrefer,B,2006-13-01,R01,,\n' >"$T/bad.csv"
before=$("$V" --db "$DB3" case list --format json)
check "import: bad line named, nothing imported" expect 3 "bad.csv:5: bad date '2006-13-01'" "$V" --db "$DB3" case import "$T/bad.csv"
check "import: store unchanged" test "$before" = "$("$V" --db "$DB3" case list --format json)"
big=150000
[ -n "$PG" ] && big=100000
python3 - "$T/big.csv" "$big" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("record,ref,date,unit,value,note\n")
    for i in range(int(sys.argv[2])):
        f.write(f"case,C{i},2006-01-01,NAT,possession,\nrefer,C{i},2006-01-02,R01,,\naccept,C{i},2006-01-05,,,\n")
PY
# The import parses the whole file in memory first, then writes it in one transaction: the kill is
# sent once that transaction has written (SQLite: its pages reach the WAL; PostgreSQL: the session
# holds a transaction id), so it lands inside it, not in the parsing. The store must then be in one
# of the two legal states, with every count that state implies.
counts() { # cases, accepted cases, referrals, accepted referrals, suspects, audit events
  local q="SELECT (SELECT count(*) FROM cases) || ' ' || (SELECT count(*) FROM cases WHERE status = 'accepted')
    || ' ' || (SELECT count(*) FROM referrals) || ' ' || (SELECT count(*) FROM referrals WHERE state = 'accepted')
    || ' ' || (SELECT count(*) FROM suspects) || ' ' || (SELECT count(*) FROM audit)"
  if [ -n "$PG" ]; then psql -X -A -t -h "$PG_HOST" -U vigil -d "$(pgname "$DB3")" -c "$q"
  else sqlite3 "$DB3" "$q"; fi
}
writing() {
  if [ -n "$PG" ]; then
    [ "$(psql -X -A -t -h "$PG_HOST" -U vigil -d postgres -c "SELECT count(*) FROM pg_stat_activity
      WHERE datname = '$(pgname "$DB3")' AND backend_xid IS NOT NULL")" -gt 0 ]
  else
    [ "$(stat -c %s "$DB3-wal" 2>/dev/null || echo 0)" -gt 4000000 ]
  fi
}
audit0=$(counts | cut -d' ' -f6)
"$V" --db "$DB3" case import "$T/big.csv" >/dev/null 2>&1 &
pid=$!
seen=0
for i in $(seq 1 3000); do   # up to about five minutes: parsing is slow under the sanitizers
  writing && { seen=1; break; }
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
killed=$?
after=$(counts)
cnt=$("$V" --db "$DB3" case list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
if [ $seen = 1 ] && [ $killed = 137 ]; then
  ok "kill -9 landed inside the import's transaction"
elif [ $seen = 1 ]; then
  ok "kill -9 landed inside the import's transaction # SKIP timing: the import ended before the kill (exit $killed)"
else
  ok "kill -9 landed inside the import's transaction # SKIP timing: no write seen before the import ended or the wait ran out (exit $killed)"
fi
check "kill -9 during import: nothing or everything, with the counts that implies (cases, accepted, referrals, accepted, suspects, audit events: $after)" \
  bash -c "[ '$after' = '0 0 0 0 0 $audit0' ] || [ '$after' = '$big $big $big $big 0 $((audit0 + 1))' ]"
check "kill -9 during import: case list agrees ($cnt cases)" test "$cnt" = "${after%% *}"
check "kill -9 during import: audit chain intact" bash -c "\"$V\" --db \"$DB3\" audit verify >/dev/null"
if [ -z "$PG" ]; then
  check "kill -9 during import: integrity_check ok" bash -c "test \"\$(sqlite3 \"$DB3\" 'PRAGMA integrity_check')\" = ok"
fi
check "import after the kill works (or finds every case already stored)" bash -c "\"$V\" --db \"$DB3\" case import \"$T/big.csv\" | grep -qE '($big new, 0|0 new, $big) unchanged'"
echo "1..$n"
