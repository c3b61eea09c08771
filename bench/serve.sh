#!/usr/bin/env bash
# vigil serve's hash-check service over HTTP on loopback, driven by wrk: POST /api/v1/check
# with batches of SERVE_BATCH (1000) hashes against a SERVE_EXACT-entry (10M) MD5 set and a
# SERVE_PDQ-entry (1M) PDQ set, SERVE_CONNECTIONS (64) connections for SERVE_SECONDS (10) s
# (SERVE_PDQ_SECONDS, 30, for PDQ: a round of 64 requests of 1000 PDQ hashes takes seconds),
# BENCH_REPEAT (3) runs each: hashes/s, requests/s, p50/p99 latency (medians of the runs),
# the service's peak RSS, and the ratio to the same body answered in process on one thread
# (bench_check, the library's ceiling per core) measured in the same run.
# Data (seeded, bench/mkcheck.py) and the store live in $VIGIL_BENCH_DIR/serve-N-M, made once.
# usage: bench/serve.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/.." || exit 2
. bench/lib.sh
B=${1:-build}
V=$PWD/$B/vigil
N=${SERVE_EXACT:-10000000} M=${SERVE_PDQ:-1000000} BATCH=${SERVE_BATCH:-1000}
CONN=${SERVE_CONNECTIONS:-64} DUR=${SERVE_SECONDS:-10} PDQ_DUR=${SERVE_PDQ_SECONDS:-30} THREADS=${SERVE_THREADS:-2}
need_tools wrk curl python3
[ -x "$V" ] && [ -x "$B/bench/bench_check" ] || die "build first (make)"
D=$BENCH_DIR/serve-$N-$M-$BATCH
mkdir -p "$D"
if [ ! -f "$D/sets.done" ]; then
  echo "data: $N MD5s, $M PDQ hashes, bodies of $BATCH (seed 16) in $D"
  rm -f "$D"/sets.db* "$D"/reg.db*
  python3 bench/mkcheck.py "$D" "$N" "$M" "$BATCH" || die "mkcheck.py failed"
  "$V" --db "$D/reg.db" --sets "$D/sets.db" hashset import "$D/exact.md5" --name exact --kind illegal \
    --category A --format md5sum >/dev/null || die "import failed"
  "$V" --db "$D/reg.db" --sets "$D/sets.db" hashset import "$D/pdq.txt" --name pdq --kind illegal \
    --category A --format pdq >/dev/null || die "import failed"
  rm -f "$D/exact.md5" "$D/pdq.txt"   # the store holds them now
  touch "$D/sets.done"
fi
[ -s "$D/key" ] || "$V" --db "$D/reg.db" apikey add bench --org bench >"$D/key" 2>/dev/null || die "apikey add failed"
KEY=$(cat "$D/key")
cat >"$D/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("SERVE_KEY")
local f = assert(io.open(os.getenv("SERVE_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
LUA

"$V" --db "$D/reg.db" --sets "$D/sets.db" serve --listen 127.0.0.1:0 --threads "$THREADS" --access-log /dev/null \
  --key-rate 1000000 --key-burst 1000000 2>"$D/serve.err" &
SPID=$!
trap 'kill $SPID 2>/dev/null' EXIT
for _ in $(seq 600); do grep -q 'listening on' "$D/serve.err" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$D/serve.err" | head -1)
[ -n "$URL" ] || die "the service did not start: $(cat "$D/serve.err")"
echo "serve: $URL, $THREADS threads; $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"

ms() { # wrk's "3.21ms" / "812.00us" / "1.02s" in ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/) n *= 1000; printf "%.2f", n }'
}

for load in exact pdq; do
  body=$D/$load.json
  known=$(curl -s -X POST -H "Authorization: Bearer $KEY" --data-binary @"$body" "$URL/api/v1/check" |
    python3 -c "import json,sys; print(sum(r['known'] for r in json.load(sys.stdin)['results']))")
  peer=$("$B/bench/bench_check" "$D/sets.db" "$body" 5 | awk '{ print $NF }')
  rps=() p50=() p99=() bad=0 secs=$DUR
  [ "$load" = pdq ] && secs=$PDQ_DUR
  for i in $(seq "$REPEAT"); do
    SERVE_KEY=$KEY SERVE_BODY=$body wrk -t2 -c"$CONN" -d"${secs}s" --timeout 60s --latency -s "$D/post.lua" "$URL/api/v1/check" \
      >"$D/wrk.out" 2>&1
    rps+=("$(awk '/^Requests\/sec/ { print $2 }' "$D/wrk.out")")
    p50+=("$(ms "$(awk '$1 == "50%" { print $2 }' "$D/wrk.out")")")
    p99+=("$(ms "$(awk '$1 == "99%" { print $2 }' "$D/wrk.out")")")
    bad=$((bad + $(awk '/Non-2xx/ { print $NF }' "$D/wrk.out" | grep . || echo 0)))
    echo "  $load run $i: ${rps[-1]} requests/s, p50 ${p50[-1]} ms, p99 ${p99[-1]} ms"
  done
  r=$(median "${rps[@]}")
  hs=$(awk -v r="$r" -v b="$BATCH" 'BEGIN { printf "%.0f", r * b }')
  echo "$load: $BATCH-hash batches, $CONN connections, ${secs} s runs: $hs hashes/s ($r requests/s), p50 $(median "${p50[@]}") ms," \
       "p99 $(median "${p99[@]}") ms (medians of $REPEAT); $known of $BATCH known; non-2xx answers: $bad"
  echo "$load: in process, one thread: $peer hashes/s; served / in process = $(ratio "$hs" "$peer")"
done
echo "serve: peak RSS $(awk '/VmHWM/ { printf "%.1f MiB", $2 / 1024 }' /proc/$SPID/status)"
