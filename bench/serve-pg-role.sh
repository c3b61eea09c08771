#!/usr/bin/env bash
# vigil serve on PostgreSQL, each call as the user's role: GET /api/v1/cases/N as an officer,
# SERVE_REQUESTS (200) sequential requests a round, SERVE_ROUNDS (5) rounds, over a throw-away
# cluster (tests/pg-run.sh). Prints requests/s, p50/p90/p99 and the service's peak RSS, and with
# SERVE_PEER=/path/to/vigil (an earlier build) the same for it over the same registry, the two
# alternating round by round, and the ratio: what running as the role costs (SET ROLE and RESET
# ROLE around each call, and row-level security answering for an officer instead of the login).
# usage: bench/serve-pg-role.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/.." || exit 2
. bench/lib.sh
if [ -z "${VIGIL_PG_URL:-}" ]; then
  exec tests/pg-run.sh "$0" "$@"
fi
V=$PWD/${1:-build}/vigil PEER=${SERVE_PEER:-}
N=${SERVE_REQUESTS:-200} ROUNDS=${SERVE_ROUNDS:-5}
need_tools curl python3
W=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")
export VIGIL_DB=$VIGIL_PG_URL VIGIL_SETS=$W/sets.db
unset VIGIL_USER
PW="bench password 1"
"$V" unit add R01 --name "Region 1" --type regional >/dev/null 2>&1 || die "unit add failed"
echo "$PW" | "$V" user add off1 --role officer --unit R01 --password >/dev/null 2>&1 || die "user add failed"
"$V" case new --unit R01 --type possession --title bench --as off1 >/dev/null 2>&1 || die "case new failed"
# start NAME BIN: a service over the registry; its URL in $W/NAME.url, its pid in $W/NAME.pid
start() {
  "$2" serve --listen 127.0.0.1:0 --threads 2 --access-log /dev/null 2>"$W/$1.err" &
  echo $! >"$W/$1.pid"
  for _ in $(seq 100); do grep -q 'listening on' "$W/$1.err" 2>/dev/null && break; sleep 0.1; done
  grep -o 'http://[0-9.:]*' "$W/$1.err" >"$W/$1.url" || die "the service ($2) did not start: $(cat "$W/$1.err")"
}
start this "$V"
[ -n "$PEER" ] && start peer "$PEER"
trap 'kill $(cat "$W"/*.pid) 2>/dev/null; rm -rf "$W"' EXIT
echo "serve on PostgreSQL: $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)${PEER:+; peer $PEER}"
python3 - "$W" "$PW" "$N" "$ROUNDS" $( [ -n "$PEER" ] && echo peer) this <<'PY'
import http.client, json, sys, time, urllib.parse
w, pw, n, rounds, names = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
def read(name, ext):
    return open("%s/%s.%s" % (w, name, ext)).read().strip()
conns, cookies, lat = {}, {}, {k: [] for k in names}
for k in names:
    u = urllib.parse.urlparse(read(k, "url"))
    c = conns[k] = http.client.HTTPConnection(u.hostname, u.port)
    c.request("POST", "/api/v1/login", json.dumps({"user": "off1", "password": pw}))
    r = c.getresponse(); r.read()
    if r.status != 200:
        sys.exit("bench: login failed (%s): %d" % (k, r.status))
    cookies[k] = r.getheader("Set-Cookie").split(";")[0]
for _ in range(rounds):
    for k in names:
        for _ in range(n):
            t = time.perf_counter()
            conns[k].request("GET", "/api/v1/cases/1", headers={"Cookie": cookies[k]})
            r = conns[k].getresponse(); r.read()
            if r.status != 200:
                sys.exit("bench: GET /api/v1/cases/1 (%s): %d" % (k, r.status))
            lat[k].append((time.perf_counter() - t) * 1000)
def pct(v, q):
    v = sorted(v); return v[min(len(v) - 1, int(q * len(v)))]
def rss(k):
    return [int(l.split()[1]) for l in open("/proc/%s/status" % read(k, "pid")) if l.startswith("VmHWM")][0] / 1024
for k in names:
    v = lat[k]
    print("%s: %d sequential GET /api/v1/cases/1 as an officer: %.0f requests/s, p50 %.2f ms, p90 %.2f ms,"
          " p99 %.2f ms, peak RSS %.1f MiB" % (k, len(v), len(v) / (sum(v) / 1000), pct(v, .5), pct(v, .9),
                                              pct(v, .99), rss(k)))
if "peer" in names:
    print("this / peer: p50 %.2f, p99 %.2f, requests/s %.2f" % (
        pct(lat["this"], .5) / pct(lat["peer"], .5), pct(lat["this"], .99) / pct(lat["peer"], .99),
        sum(lat["peer"]) / sum(lat["this"])))
PY
