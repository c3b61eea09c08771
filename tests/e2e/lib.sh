# Shared helpers for end-to-end tests: TAP output, a scratch directory, JSONL queries.
# Sourced by tests/e2e/*.sh; needs VIGIL (the binary) in the environment. TESTDATA (the
# fixtures folder) defaults to tests/data beside this file.
set -u
: "${VIGIL:?VIGIL must name the vigil binary}"
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TESTDATA=${TESTDATA:-$(cd "$E2E_DIR/../data" && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/vigil-e2e-XXXXXX")
chmod 755 "$T"
trap 'chmod -R u+rwX "$T" 2>/dev/null; rm -rf "$T"' EXIT
export VIGIL_DB="$T/vigil.db"
# no settings file of the machine or its user reaches a test (tests/e2e/config.sh sets its own)
export XDG_CONFIG_HOME="$T/.config" VIGIL_SYSTEM_CONFIG="$T/.no-system-config"
unset VIGIL_CONFIG
_n=0
_failed=0

ok() { _n=$((_n + 1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $1"; shift; [ $# -gt 0 ] && printf '#   %s\n' "$@"; return 0; }
# check DESC CMD...: ok when CMD succeeds
check() { local d=$1; shift; if "$@" >"$T/.check.out" 2>&1; then ok "$d"; else not_ok "$d" "command: $*" "$(head -c 600 "$T/.check.out")"; fi; }
# is DESC GOT WANT
is() { if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi; }
# like DESC TEXT PATTERN (grep -E)
like() { if printf '%s' "$2" | grep -qE -- "$3"; then ok "$1"; else not_ok "$1" "got: $(printf '%s' "$2" | head -c 600)" "want match: $3"; fi; }
# skip DESC REASON [PACKAGE]: a test that cannot run here, "ok N - DESC # SKIP REASON". With PACKAGE
# (a Debian package scripts/install-deps.sh installs) the reason is a missing tool: under CI=true,
# where install-deps.sh has run, that is a failure, not a skip. A skip for the machine's sake (a CPU
# feature, a container's limits) names no package and is a skip everywhere.
skip() {
  if [ $# -ge 3 ] && [ "${CI:-}" = true ]; then
    not_ok "$1" "$2: $3 is installed by scripts/install-deps.sh, so CI=true must have it"
  else
    _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $2"
  fi
}
done_testing() { echo "1..$_n"; [ "$_failed" -eq 0 ]; }

vigil() { "$VIGIL" "$@"; }
# open_registry: make the registry before the commands a test captures, so that its first-open line
# ("new registry: user ... is its admin") is not in their stderr. Read commands (unit list, ...) never
# create a database, so a missing file is made empty first (vigil takes an empty file as new).
open_registry() {
  case $VIGIL_DB in postgres://* | postgresql://*) ;; *) [ -e "$VIGIL_DB" ] || : >"$VIGIL_DB" ;; esac
  vigil unit list >/dev/null 2>&1
}
# jl FILE EXPR: evaluate a Python expression over the JSONL's items (list) and summary (dict)
jl() { python3 "$E2E_DIR/jl.py" "$@"; }
# Run vigil as an unprivileged user (root reads everything, so permission tests need one).
as_nobody() { runuser -u nobody -- env VIGIL_DB="$VIGIL_DB" "$@"; }

# A process and its children (a scan's parser workers, which do the reading and parsing):
# tree_pids PID, and their bytes read (tree_rchar PID; nothing where /proc/PID/io is missing).
tree_pids() { echo "$1" $(cat /proc/"$1"/task/*/children 2>/dev/null); }
tree_rchar() {
  [ -r "/proc/$1/io" ] || return 0
  local p sum=0 r
  for p in $(tree_pids "$1"); do
    r=$(sed -n 's/^rchar: //p' "/proc/$p/io" 2>/dev/null)
    sum=$((sum + ${r:-0}))
  done
  echo "$sum"
}
