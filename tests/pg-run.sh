#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL cluster: initdb + pg_ctl on a unix socket in a
# temporary directory, as an unprivileged user when run as root (PostgreSQL refuses root).
# The command sees VIGIL_PG_URL (a fresh database), PG_BIN and PG_HOST (for createdb).
# The server is stopped and the directory removed at the end, whatever happens.
set -u
PG_BIN=$(pg_config --bindir 2>/dev/null)
[ -x "$PG_BIN/initdb" ] || PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ ! -x "$PG_BIN/initdb" ]; then
  echo "not ok 1 - PostgreSQL server binaries (initdb, pg_ctl) not found: run scripts/install-deps.sh"
  echo "1..1"
  exit 1
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/vigil-pg.XXXXXX")
chmod 755 "$dir"
as_pg() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  chown nobody "$dir"
  as_pg() { runuser -u nobody -- "$@"; }
fi
stop() {
  as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 1' INT TERM
fail() { echo "not ok 1 - $1"; sed 's/^/# /' "$2" 2>/dev/null | tail -20; echo "1..1"; exit 1; }
as_pg "$PG_BIN/initdb" -D "$dir/data" -U vigil --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
  || fail "initdb failed" "$dir/initdb.log"
as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-k $dir -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null 2>&1 || fail "pg_ctl start failed" "$dir/server.log"
"$PG_BIN/createdb" -h "$dir" -U vigil vigiltest >/dev/null 2>&1 || fail "createdb failed" "$dir/server.log"
export PG_BIN PG_HOST="$dir" VIGIL_PG_URL="postgresql://vigil@/vigiltest?host=$dir"
"$@"
