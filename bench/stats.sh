#!/usr/bin/env bash
# bench/stats: 1,000,000 cases and 3,000,000 referrals, generated. Prints the bulk import rate
# of `vigil case import` on SQLite and the time of `vigil stats --by unit` and `--by reason` on
# SQLite and on PostgreSQL (a throw-away cluster, loaded by COPY from the SQLite tables).
# Usage: bench/stats.sh [BUILD] [CASES]   (figures, not pass/fail)
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
CASES=${2:-1000000}
V=$PWD/$BUILD/vigil
W=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench-stats.XXXXXX")
chmod 755 "$W"
trap 'rm -rf "$W"' EXIT
export VIGIL_DB=$W/bench.db
unset VIGIL_USER

python3 - "$W" "$CASES" <<'PY'
import random, sys, datetime
w, ncases = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
d0 = datetime.date(2020, 1, 1)
days = [(d0 + datetime.timedelta(days=i)).isoformat() for i in range(4 * 366 + 60)]
reasons = ["capacity", "other-priority", "no-digital-support", "insufficient-info", "jurisdiction", "duplicate"]
types = ["possession", "distribution", "production", "grooming", "sex-tourism", "network"]
regions = [f"R{i:02d}" for i in range(1, 26)]
foreign = [f"F{i:02d}" for i in range(1, 13)]
with open(f"{w}/units.sh", "w") as f:
    f.write('"$V" unit add NAT --name National --type national\n')
    for r in regions:
        f.write(f'"$V" unit add {r} --name "Region {r}" --type regional\n')
    for i, u in enumerate(foreign):
        f.write(f'"$V" unit add {u} --name "Foreign {u}" --type foreign --country {"ABCDEFGHIJKL"[i]}X\n')
refs = 0
with open(f"{w}/cases.csv", "w") as f:
    out = ["record,ref,date,unit,value,note"]
    for k in range(ncases):
        t = rnd.randrange(0, 4 * 365)
        out.append(f"case,C{k},{days[t]},NAT,{types[k % 6]},")
        # three referrals per case: declined, declined (or returned), then accepted or pending
        for n in range(3):
            to = regions[(k + n * 7) % 25] if k % 10 else foreign[k % 12]
            t += 1
            out.append(f"refer,C{k},{days[t]},{to},,")
            refs += 1
            t += rnd.randrange(0, 20)
            if n < 2:
                out.append(f"decline,C{k},{days[t]},,{reasons[(k + n) % 6]},")
            elif k % 4:
                out.append(f"accept,C{k},{days[t]},,,")
        if len(out) > 100000:
            f.write("\n".join(out) + "\n")
            out = []
    f.write("\n".join(out) + "\n")
print(f"bench generated {ncases} cases, {refs} referrals")
PY
. "$W/units.sh" >/dev/null
refs=$((CASES * 3))
t0=$(date +%s.%N)
"$V" case import "$W/cases.csv" >/dev/null
t1=$(date +%s.%N)
python3 -c "print('bench import_sqlite %.1f s, %.0f referrals/s (%d cases, %d referrals)' % ($t1 - $t0, $refs / ($t1 - $t0), $CASES, $refs))"
ls -l "$W/bench.db" | awk '{printf "bench sqlite_db_size %.0f MiB\n", $5 / 1048576}'

timeit() { # label, command...: best wall time of 3, with the CPU time vigil used in that run
  local label=$1 best="999 0"; shift
  for i in 1 2 3; do
    /usr/bin/time -f "%e %U %S" -o "$W/time.txt" "$@" >"$W/out.txt"
    best=$(python3 -c "a='$best'.split(); b=open('$W/time.txt').read().split()
print(' '.join(a) if float(a[0]) <= float(b[0]) else '%s %.2f' % (b[0], float(b[1]) + float(b[2])))")
  done
  python3 -c "w, c = '$best'.split(); print('bench %s %.3f s (best of 3; vigil cpu %.2f s)' % ('$label', float(w), float(c)))"
}
timeit stats_by_unit_sqlite "$V" stats --by unit --now 2024-01-01
timeit stats_by_reason_sqlite "$V" stats --by reason --now 2024-01-01
cp "$W/out.txt" "$W/reason_sqlite.txt"
"$V" stats --by unit --now 2024-01-01 --format csv >"$W/unit_sqlite.csv"

# PostgreSQL: the same rows, loaded with COPY
cat >"$W/pg.sh" <<'PGS'
set -eu
V=$1 W=$2
"$V" --db "$VIGIL_PG_URL" unit list >/dev/null   # creates the schema
DBN=vigiltest
for t in units cases referrals; do
  sqlite3 -csv "$W/bench.db" "SELECT * FROM $t" >"$W/table_$t.csv"
done
psql -q -X -h "$PG_HOST" -U vigil -d $DBN -c "\\copy units FROM '$W/table_units.csv' CSV" \
  -c "\\copy cases FROM '$W/table_cases.csv' CSV" -c "\\copy referrals FROM '$W/table_referrals.csv' CSV" \
  -c "VACUUM ANALYZE" >/dev/null
timeit() { # label, command...: best wall time of 3, with the CPU time vigil used in that run
  local label=$1 best="999 0"; shift
  for i in 1 2 3; do
    /usr/bin/time -f "%e %U %S" -o "$W/time.txt" "$@" >"$W/out.txt"
    best=$(python3 -c "a='$best'.split(); b=open('$W/time.txt').read().split()
print(' '.join(a) if float(a[0]) <= float(b[0]) else '%s %.2f' % (b[0], float(b[1]) + float(b[2])))")
  done
  python3 -c "w, c = '$best'.split(); print('bench %s %.3f s (best of 3; client cpu %.2f s)' % ('$label', float(w), float(c)))"
}
timeit stats_by_unit_postgresql "$V" --db "$VIGIL_PG_URL" stats --by unit --now 2024-01-01
timeit stats_by_reason_postgresql "$V" --db "$VIGIL_PG_URL" stats --by reason --now 2024-01-01
"$V" --db "$VIGIL_PG_URL" stats --by unit --now 2024-01-01 --format csv >"$W/unit_pg.csv"
# bulk import through vigil into PostgreSQL: the first 100,000 cases of the file
awk -F, 'NR == 1 { print; next } $1 == "case" && ++n > 100000 { exit } { print }' "$W/cases.csv" >"$W/part.csv"
"$PG_BIN/createdb" -h "$PG_HOST" -U vigil part
PART="postgresql://vigil@/part?host=$PG_HOST"
"$V" --db "$PART" unit list >/dev/null
psql -q -X -h "$PG_HOST" -U vigil -d part -c "\\copy units FROM '$W/table_units.csv' CSV" >/dev/null
prefs=$(grep -c '^refer,' "$W/part.csv")
s=$(date +%s.%N); "$V" --db "$PART" case import "$W/part.csv" >/dev/null; e=$(date +%s.%N)
python3 -c "print('bench import_postgresql %.1f s, %.0f referrals/s (%d referrals)' % ($e - $s, $prefs / ($e - $s), $prefs))"
if cmp -s "$W/unit_pg.csv" "$W/unit_sqlite.csv"; then echo "bench same_figures_on_both yes"; else echo "bench same_figures_on_both NO"; fi
PGS
tests/pg-run.sh bash "$W/pg.sh" "$V" "$W" || echo "bench postgresql part failed (status $?)"
