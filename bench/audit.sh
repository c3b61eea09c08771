#!/usr/bin/env bash
# bench/audit: figures for the audit log on SQLite (figures, not pass/fail).
#   bench_audit: appended events per second, checkpoint latency (p50, p99), the chain and
#   signed-checkpoint checks over 10k and 100k events;
#   the CLI: `vigil audit verify --pub` (chain, checkpoints and the replay against the tables)
#   over a registry of 10k and 100k imported cases (one event each), the import of those cases,
#   and `vigil case show` with an automatic checkpoint ($VIGIL_AUDIT_KEY) against the same
#   command without a key (the peer), median of RUNS runs each.
# Usage: bench/audit.sh [BUILD] [RUNS]
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
RUNS=${2:-41}
V=$PWD/$BUILD/vigil
W=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench-audit.XXXXXX")
trap 'rm -rf "$W"' EXIT
unset VIGIL_USER VIGIL_AUDIT_KEY
mkdir "$W/c"
"$BUILD/bench/bench_audit" "$W/c"

gen() { # N FILE: N cases for `vigil case import`
  python3 -c "
import sys
n = int(sys.argv[1])
types = ['possession', 'distribution', 'production', 'grooming', 'sex-tourism', 'network']
with open(sys.argv[2], 'w') as f:
    f.write('record,ref,date,unit,value,note\n')
    for k in range(n):
        f.write('case,C%d,2020-%02d-%02d,NAT,%s,\n' % (k, k % 12 + 1, k % 28 + 1, types[k % 6]))
" "$1" "$2"
}
secs() { python3 -c "print('%.3f' % ($2 - $1))"; }
export VIGIL_DB=$W/reg.db
"$V" audit keygen "$W/k" >/dev/null
export VIGIL_AUDIT_KEY=$W/k/audit.key
"$V" unit add NAT --name National --type national >/dev/null 2>&1   # a new registry: its admin is told so
"$V" case new --unit NAT --type grooming >/dev/null
# one command on a small registry, with and without the checkpoint it ends with
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
run() { # with|without -> median ms of RUNS `case show`
  local i t0 t1
  for i in $(seq "$RUNS"); do
    t0=$(date +%s%N)
    if [ "$1" = with ]; then "$V" case show 1 >/dev/null; else VIGIL_AUDIT_KEY= "$V" case show 1 >/dev/null; fi
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000))
  done | median
}
a=$(run without); b=$(run with); a2=$(run without); b2=$(run with)
python3 -c "
a, b = min($a, $a2) / 1000, min($b, $b2) / 1000
print('bench case_show_without_key %.2f ms, with automatic checkpoint %.2f ms, ratio %.2f (median of $RUNS, better of 2 rounds)' % (a, b, b / a))"
gen 10000 "$W/a.csv"
t0=$(date +%s.%N); "$V" case import "$W/a.csv" >/dev/null; t1=$(date +%s.%N)
echo "bench case_import_10k $(secs "$t0" "$t1") s (10000 cases, an event with its state each)"
t0=$(date +%s.%N); "$V" audit verify --pub "$W/k/audit.pub" >"$W/v.txt"; t1=$(date +%s.%N)
echo "bench audit_verify_registry_10k $(secs "$t0" "$t1") s: $(cat "$W/v.txt")"
gen 90000 "$W/b.csv"
sed -i 's/^case,C/case,D/' "$W/b.csv"
t0=$(date +%s.%N); "$V" case import "$W/b.csv" >/dev/null; t1=$(date +%s.%N)
echo "bench case_import_90k $(secs "$t0" "$t1") s (90000 more cases)"
t0=$(date +%s.%N); "$V" audit verify --pub "$W/k/audit.pub" >"$W/v.txt"; t1=$(date +%s.%N)
echo "bench audit_verify_registry_100k $(secs "$t0" "$t1") s: $(cat "$W/v.txt")"
if [ -n "${BASE:-}" ]; then # the same import by another build (the release before state), for comparison
  t0=$(date +%s.%N); VIGIL_DB=$W/base.db "$BASE" unit add NAT --name National --type national >/dev/null
  t0=$(date +%s.%N); VIGIL_DB=$W/base.db "$BASE" case import "$W/b.csv" >/dev/null; t1=$(date +%s.%N)
  echo "bench case_import_90k_base $(secs "$t0" "$t1") s ($BASE)"
fi

