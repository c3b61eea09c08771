#!/usr/bin/env bash
# vigil serve's case list over HTTP on loopback with wrk: GET /api/v1/cases?limit=100 (the first
# page) as an admin, with SERVE_CASES (100,000) cases each referred once, SERVE_CONNECTIONS (64)
# connections for SERVE_SECONDS (10) s, BENCH_REPEAT (3) runs: requests/s, p50/p99 (medians),
# and `vigil case list --format json` (the whole list, one process) in the same run as the peer.
# The registry lives in $VIGIL_BENCH_DIR/serve-cases-N, made once (bench/stats.sh's generator).
# usage: bench/serve-cases.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/.." || exit 2
. bench/lib.sh
B=${1:-build}
V=$PWD/$B/vigil
N=${SERVE_CASES:-100000} CONN=${SERVE_CONNECTIONS:-64} DUR=${SERVE_SECONDS:-10}
PW="bench password 1"
need_tools wrk curl python3
D=$BENCH_DIR/serve-cases-$N
mkdir -p "$D"
export VIGIL_DB=$D/reg.db VIGIL_SETS=$D/sets.db
unset VIGIL_USER
if [ ! -f "$D/reg.done" ]; then
  rm -f "$D"/reg.db*
  python3 - "$D" "$N" <<'PY'
import datetime, random, sys
d, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
d0 = datetime.date(2020, 1, 1)
types = ["possession", "distribution", "production", "grooming", "sex-tourism", "network"]
with open(d + "/cases.csv", "w") as f:
    f.write("record,ref,date,unit,value,note\n")
    for k in range(n):
        t = d0 + datetime.timedelta(days=rnd.randrange(0, 4 * 365))
        f.write(f"case,C{k},{t},NAT,{types[k % 6]},\nrefer,C{k},{t + datetime.timedelta(days=1)},R{k % 25 + 1:02d},,\n")
PY
  "$V" unit add NAT --name National --type national >/dev/null 2>&1
  for i in $(seq -w 1 25); do "$V" unit add "R$i" --name "Region $i" --type regional >/dev/null; done
  "$V" case import "$D/cases.csv" >/dev/null || die "case import failed"
  echo "$PW" | "$V" user password root >/dev/null || die "user password failed"
  rm -f "$D/cases.csv"
  touch "$D/reg.done"
fi
"$V" serve --listen 127.0.0.1:0 --threads 2 --access-log /dev/null 2>"$D/serve.err" &
SPID=$!
trap 'kill $SPID 2>/dev/null' EXIT
for _ in $(seq 100); do grep -q 'listening on' "$D/serve.err" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$D/serve.err" | head -1)
[ -n "$URL" ] || die "the service did not start: $(cat "$D/serve.err")"
COOKIE=$(curl -s -D - -o /dev/null -d "{\"user\": \"root\", \"password\": \"$PW\"}" "$URL/api/v1/login" |
  awk -F'[ ;]' 'tolower($1) == "set-cookie:" { print $2 }')
[ -n "$COOKIE" ] || die "login failed"
cat >"$D/get.lua" <<'LUA'
wrk.headers["Cookie"] = os.getenv("SERVE_COOKIE")
LUA
echo "serve: $URL, $N cases; $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/) n *= 1000; printf "%.2f", n }'; }
rps=() p50=() p99=() cli=()
for i in $(seq "$REPEAT"); do
  SERVE_COOKIE=$COOKIE wrk -t2 -c"$CONN" -d"${DUR}s" --timeout 60s --latency -s "$D/get.lua" \
    "$URL/api/v1/cases?limit=100" >"$D/wrk.out" 2>&1
  rps+=("$(awk '/^Requests\/sec/ { print $2 }' "$D/wrk.out")")
  p50+=("$(ms "$(awk '$1 == "50%" { print $2 }' "$D/wrk.out")")")
  p99+=("$(ms "$(awk '$1 == "99%" { print $2 }' "$D/wrk.out")")")
  t0=$(date +%s.%N); "$V" case list --format json >/dev/null; t1=$(date +%s.%N)
  cli+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')")
  echo "  run $i: ${rps[-1]} requests/s, p50 ${p50[-1]} ms, p99 ${p99[-1]} ms; vigil case list ${cli[-1]} ms"
done
echo "case list, first page of 100 of $N, $CONN connections: $(median "${rps[@]}") requests/s, p50 $(median "${p50[@]}") ms," \
     "p99 $(median "${p99[@]}") ms; vigil case list --format json (all $N) $(median "${cli[@]}") ms (medians of $REPEAT)"
echo "serve: peak RSS $(awk '/VmHWM/ { printf "%.1f MiB", $2 / 1024 }' /proc/$SPID/status)"
