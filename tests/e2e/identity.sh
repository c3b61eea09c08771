#!/usr/bin/env bash
# Who is acting (docs/access.md): a new registry makes its first caller the admin and says so;
# no name, an empty name or an unregistered "admin" is never the administrator; only an admin
# may act as another user with --as or $VIGIL_USER; a caller mapped to no user is refused.
# On SQLite the caller is the OS login (an unprivileged one through runuser); on PostgreSQL
# (VIGIL_PG_URL, tests/pg-run.sh) the role the connection logs in as. Prints TAP.
. "$(dirname "$0")/lib.sh"
PG=${VIGIL_PG_URL:-}
unset VIGIL_USER
# expect DESC STATUS PATTERN CMD...: that exit status and one stderr line containing PATTERN
expect() {
  local d=$1 want=$2 pat=$3 rc; shift 3
  "$@" >"$T/out" 2>"$T/err"; rc=$?
  if [ "$rc" -eq "$want" ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -qF -- "$pat" "$T/err"; then ok "$d"
  else not_ok "$d" "want $want '$pat'" "got $rc: $(head -3 "$T/err")"; fi
}
if [ -n "$PG" ]; then
  export VIGIL_DB=$PG
  me=vigil
  how="database role vigil"
  sql() { psql -q -X -A -t -h "$PG_HOST" -U vigil -d vigiltest -c "$1"; }
  # as DB-ROLE CMD...: vigil connected as that role
  as() { local r=$1; shift; env VIGIL_DB="postgresql://$r@/vigiltest?host=$PG_HOST" "$VIGIL" "$@"; }
else
  # the store in a folder the unprivileged user may write (SQLite writes a journal beside it)
  mkdir -m 777 "$T/shared"
  export VIGIL_DB=$T/shared/vigil.db
  me=$(id -un)
  how="login $me"
  sql() { sqlite3 "$VIGIL_DB" "$1"; }
  as() { local u=$1; shift; runuser -u "$u" -- env VIGIL_DB="$VIGIL_DB" "$VIGIL" "$@"; }
fi

# a new registry: its first caller is the admin, and is told so once
expect "new registry: the caller becomes its admin, and is told" 0 \
  "vigil: new registry: user '$me' ($how) is its admin" vigil unit add R1 --name "Region 1" --type regional
[ -z "$PG" ] && chmod 666 "$VIGIL_DB"
is "... one user, an admin, mapped to the caller" "$(sql "SELECT name || ' ' || role || ' ' || coalesce(os_user, '-') FROM users")" \
  "$me admin $([ -n "$PG" ] && echo - || echo "$me")"
is "... recorded in the audit log first" "$(sql "SELECT action || ' ' || who || ' ' || object FROM audit ORDER BY seq")" \
  "user.add $me user:$me
unit.add $me unit:R1"
vigil unit list >"$T/out" 2>"$T/err"
is "... said only once" "$(cat "$T/err")" ""

# no name is never the administrator
expect "--as '' is refused" 3 "empty user name" vigil unit list --as ""
expect "an empty VIGIL_USER is refused" 3 "empty user name" env VIGIL_USER= "$VIGIL" unit list
expect "--as admin (not registered) is refused" 3 "unknown user 'admin'" vigil unit list --as admin
expect "--as an unknown user is refused" 3 "unknown user 'nosuch'" vigil case list --as nosuch
expect "VIGIL_USER of an unknown user is refused" 3 "unknown user 'nosuch'" env VIGIL_USER=nosuch "$VIGIL" case list

# the admin acts as others
check "user add: an officer" vigil user add off1 --role officer --unit R1 $([ -z "$PG" ] && echo --os-user nobody)
check "the admin may act as the officer (--as)" vigil case new --unit R1 --type possession --as off1
check "... and through VIGIL_USER" env VIGIL_USER=off1 "$VIGIL" case list
is "... the case was registered as the officer" "$(sql "SELECT who FROM audit WHERE action = 'case.new'")" "off1"

if [ -n "$PG" ]; then
  # on PostgreSQL the caller is the role the connection logs in as
  check "the officer's role connects and acts as itself" as off1 case list
  expect "the officer may not act as the admin" 3 "only an admin may act as another user (you are 'off1', officer)" \
    as off1 unit add R2 --name x --type regional --as vigil
  expect "... nor through VIGIL_USER" 3 "only an admin may act as another user" env VIGIL_USER=vigil \
    VIGIL_DB="postgresql://off1@/vigiltest?host=$PG_HOST" "$VIGIL" case list
  sql "CREATE ROLE stranger LOGIN"
  expect "a role that is no vigil user is refused" 3 "database role 'stranger' is not a vigil user" as stranger case list
  expect "user add: a role of that name exists already" 3 "a database role of that name exists already" \
    vigil user add stranger --role analyst
  expect "user add: --os-user is for SQLite" 3 "--os-user is for SQLite registries" \
    vigil user add x1 --role analyst --os-user nobody
  check "user add: a second admin" vigil user add boss --role admin
  check "... who may act as the officer" as boss case list --as off1
  is "user add made LOGIN roles in the group vigil_users" \
    "$(sql "SELECT string_agg(m.rolname, ' ' ORDER BY m.rolname) FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = 'vigil_users' AND m.rolcanlogin")" \
    "boss off1"
else
  expect "an OS login mapped to no user is refused, and told how" 3 \
    "login 'daemon' is not a vigil user: an admin can map it with 'vigil user add NAME --role ROLE --os-user daemon'" \
    as daemon case list
  check "the mapped login acts as its user" as nobody case new --unit R1 --type grooming
  is "... recorded as that user" "$(sql "SELECT who FROM audit WHERE action = 'case.new' ORDER BY seq DESC LIMIT 1")" "off1"
  expect "an officer may not act as the admin" 3 "only an admin may act as another user (you are 'off1', officer)" \
    as nobody unit add R2 --name x --type regional --as "$me"
  expect "... nor through VIGIL_USER" 3 "only an admin may act as another user" \
    runuser -u nobody -- env VIGIL_DB="$VIGIL_DB" VIGIL_USER="$me" "$VIGIL" case list
  check "... but may name itself" as nobody case list --as off1
  expect "the officer cannot add users" 3 "not allowed for user 'off1'" as nobody user add x1 --role analyst
  expect "a login acts as one user only" 3 "login 'nobody' already acts as another user" \
    vigil user add off2 --role officer --unit R1 --os-user nobody
fi
done_testing
