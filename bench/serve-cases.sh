#!/usr/bin/env bash
# vigil serve's case list over HTTP on loopback with wrk: GET /api/v1/cases?limit=100 (the first
# page) as an admin, with SERVE_CASES (100,000) cases each referred once, SERVE_CONNECTIONS (64)
# connections for SERVE_SECONDS (10) s, BENCH_REPEAT (3) runs: requests/s, p50/p99 (medians),
# the service's CPU time per request (user + system, from /proc), and `vigil case list --format
# json` (the whole list, one process) in the same run as the peer. SERVE_PEER=/path/to/vigil
# measures a second binary (an earlier build) over a copy of the same registry, its runs
# alternating with this one's, so that before and after come from one run on one machine.
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
PEER=${SERVE_PEER:-}
# start NAME BIN DB: a service over DB, logged in as root; sets URL_NAME, COOKIE_NAME, PID_NAME
start() {
  local name=$1 bin=$2 db=$3 url cookie
  VIGIL_DB=$db "$bin" serve --listen 127.0.0.1:0 --threads 2 --access-log /dev/null >/dev/null 2>"$D/serve-$name.err" &
  eval "PID_$name=$!"
  for _ in $(seq 100); do grep -q 'listening on' "$D/serve-$name.err" && break; sleep 0.1; done
  url=$(grep -o 'http://[0-9.:]*' "$D/serve-$name.err" | head -1)
  [ -n "$url" ] || die "the service ($bin) did not start: $(cat "$D/serve-$name.err")"
  cookie=$(curl -s -D - -o /dev/null -d "{\"user\": \"root\", \"password\": \"$PW\"}" "$url/api/v1/login" |
    awk -F'[ ;]' 'tolower($1) == "set-cookie:" { print $2 }')
  [ -n "$cookie" ] || die "login failed ($bin)"
  eval "URL_$name=\$url COOKIE_$name=\$cookie"
}
start this "$V" "$VIGIL_DB"
trap 'kill $PID_this ${PID_peer:-} 2>/dev/null' EXIT
names=(this)
if [ -n "$PEER" ]; then
  # the peer gets its own copy: an older binary may migrate or lock the registry its own way
  cp "$VIGIL_DB" "$D/peer.db"
  start peer "$PEER" "$D/peer.db"
  names=(peer this)
fi
cat >"$D/get.lua" <<'LUA'
wrk.headers["Cookie"] = os.getenv("SERVE_COOKIE")
LUA
echo "serve: $N cases; $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)${PEER:+; peer $PEER}"
ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/) n *= 1000; printf "%.2f", n }'; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
declare -A rps p50 p99 cpu
cli=()
for i in $(seq "$REPEAT"); do
  for n in "${names[@]}"; do
    url=URL_$n cookie=COOKIE_$n pid=PID_$n
    t0=$(ticks "${!pid}")
    SERVE_COOKIE=${!cookie} wrk -t2 -c"$CONN" -d"${DUR}s" --timeout 60s --latency -s "$D/get.lua" \
      "${!url}/api/v1/cases?limit=100" >"$D/wrk.out" 2>&1
    t1=$(ticks "${!pid}")
    reqs=$(awk '/requests in/ { print $1 }' "$D/wrk.out")
    rps[$n]+=" $(awk '/^Requests\/sec/ { print $2 }' "$D/wrk.out")"
    p50[$n]+=" $(ms "$(awk '$1 == "50%" { print $2 }' "$D/wrk.out")")"
    p99[$n]+=" $(ms "$(awk '$1 == "99%" { print $2 }' "$D/wrk.out")")"
    cpu[$n]+=" $(awk -v t="$((t1 - t0))" -v hz="$HZ" -v r="$reqs" 'BEGIN { printf "%.3f", t / hz * 1000 / r }')"
    set -- ${rps[$n]}; r=${!#}; set -- ${p50[$n]}; a=${!#}; set -- ${p99[$n]}; b=${!#}; set -- ${cpu[$n]}; c=${!#}
    echo "  run $i $n: $r requests/s, p50 $a ms, p99 $b ms, service CPU $c ms/request"
  done
  t0=$(date +%s.%N); "$V" case list --format json >/dev/null; t1=$(date +%s.%N)
  cli+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')")
done
for n in "${names[@]}"; do
  echo "case list ($n), first page of 100 of $N, $CONN connections: $(median ${rps[$n]}) requests/s," \
       "p50 $(median ${p50[$n]}) ms, p99 $(median ${p99[$n]}) ms, service CPU $(median ${cpu[$n]}) ms/request (medians of $REPEAT)"
done
if [ -n "$PEER" ]; then
  echo "this / peer: requests/s $(awk -v a="$(median ${rps[this]})" -v b="$(median ${rps[peer]})" 'BEGIN { printf "%.2f", a / b }')," \
       "p99 $(awk -v a="$(median ${p99[this]})" -v b="$(median ${p99[peer]})" 'BEGIN { printf "%.2f", a / b }')," \
       "CPU per request $(awk -v a="$(median ${cpu[this]})" -v b="$(median ${cpu[peer]})" 'BEGIN { printf "%.2f", a / b }')"
fi
echo "vigil case list --format json (all $N): $(median "${cli[@]}") ms (median of $REPEAT)"
echo "serve: peak RSS $(awk '/VmHWM/ { printf "%.1f MiB", $2 / 1024 }' /proc/$PID_this/status)"
