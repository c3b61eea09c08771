#!/usr/bin/env bash
# cases_scenario: replay a year like 2006: 25 regional units, 713 referrals from the national
# unit (513 accepted, 200 declined with a mix of reasons or left pending), 462 cases registered
# by the regional units themselves, 3300 referrals to foreign services. The statistics must give
# exactly the generated figures per unit and in total. SQLite, or PostgreSQL with VIGIL_PG_URL.
set -u
V=${VIGIL:-build/vigil}
T=$(mktemp -d "${TMPDIR:-/tmp}/vigil-e2e-year.XXXXXX")
trap 'rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
if [ -n "${VIGIL_PG_URL:-}" ]; then DB=$VIGIL_PG_URL; else DB=$T/year.db; fi
export VIGIL_DB=$DB
unset VIGIL_USER

python3 - "$T" <<'PY'
import datetime, json, random, statistics, sys
out = sys.argv[1]
rnd = random.Random(2006)
d0 = datetime.date(2006, 1, 1)
end = datetime.date(2006, 12, 31)
day = lambda n: (d0 + datetime.timedelta(days=n)).isoformat()
reasons = ["capacity", "other-priority", "no-digital-support", "insufficient-info", "jurisdiction",
           "duplicate", "other"]
types = ["possession", "distribution", "production", "grooming", "sex-tourism", "network"]
regions = [f"R{i:02d}" for i in range(1, 26)]
foreign = [(f"F{i:02d}", cc) for i, cc in enumerate(["DE", "BE", "FR", "GB", "US", "NL", "ES", "IT",
                                                    "PL", "SE", "TH", "PH"], 1)]
units = [("NAT", "national", "")] + [(r, "regional", "") for r in regions] + \
        [(f, "foreign", cc) for f, cc in foreign]
with open(f"{out}/units.sh", "w") as f:
    for code, t, cc in units:
        f.write(f'"$V" unit add {code} --name "Unit {code}" --type {t}' + (f" --country {cc}" if cc else "") + "\n")
exp = {r: dict(group=r, referred=0, accepted=0, declined=0, pending=0, overdue=0, days=[],
               reasons={x: 0 for x in reasons}, self_registered=0, foreign=0) for r in regions}
exp["NAT"] = dict(group="NAT", referred=0, accepted=0, declined=0, pending=0, overdue=0, days=[],
                  reasons={x: 0 for x in reasons}, self_registered=0, foreign=0)
lines = ["record,ref,date,unit,value,note"]
accepted = set(rnd.sample(range(713), 513))
rest = sorted(set(range(713)) - accepted)
pending = set(rest[::5])                       # 40 left pending, 160 declined
assert len(pending) == 40
k_declined = 0
for k in range(713):
    ref, to = f"N{k}", regions[k % 25]
    reg = rnd.randrange(0, 300)
    sent = reg + rnd.randrange(0, 30)
    if k in pending and k % 2:
        reg = sent = 340 + k % 20   # sent in December: pending but not yet overdue
    lines.append(f"case,{ref},{day(reg)},NAT,{types[k % 6]},National case {k}")
    lines.append(f"refer,{ref},{day(sent)},{to},,")
    e = exp[to]
    e["referred"] += 1
    if k in pending:
        e["pending"] += 1
        if sent + 30 < (end - d0).days:
            e["overdue"] += 1
        continue
    ans = min(sent + rnd.randrange(0, 45), (end - d0).days)
    e["days"].append(ans - sent)
    if k in accepted:
        lines.append(f"accept,{ref},{day(ans)},,,")
        e["accepted"] += 1
    else:
        reason = reasons[k_declined % 7]
        k_declined += 1
        note = '"no specialist, ""for now"""' if reason == "other" else ""
        lines.append(f"decline,{ref},{day(ans)},,{reason},{note}")
        e["declined"] += 1
        e["reasons"][reason] += 1
for j in range(462):
    unit = regions[(j * 7) % 25]
    lines.append(f"case,S{j},{day(rnd.randrange(0, 365))},{unit},{types[j % 6]},")
    exp[unit]["self_registered"] += 1
for j in range(3300):
    reg = rnd.randrange(0, 360)
    lines.append(f"case,F{j},{day(reg)},NAT,{types[j % 6]},")
    lines.append(f"refer,F{j},{day(reg + 1)},{foreign[j % 12][0]},,")
    if j % 2:
        lines.append(f"accept,F{j},{day(min(reg + 3, 364))},,,")
    exp["NAT"]["foreign"] += 1
with open(f"{out}/year.csv", "w") as f:
    f.write("\n".join(lines) + "\n")
rows = []
for g in sorted(exp):
    e = exp[g]
    e["median_days"] = statistics.median(e["days"]) if e["days"] else None
    del e["days"]
    rows.append(e)
with open(f"{out}/expected.json", "w") as f:
    json.dump(rows, f)
PY
. "$T/units.sh" >/dev/null
check "units of the year" test "$("$V" unit list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 38
check "import the year" bash -c "\"$V\" case import \"$T/year.csv\" | grep -q '4475 new, 0 unchanged; 4013 referrals'"
"$V" stats --by unit --from 2006-01-01 --to 2006-12-31 --now 2006-12-31 --format json >"$T/stats.json"
check "stats --by unit: every unit exactly as generated" python3 - "$T" <<'PY'
import json, sys
d = sys.argv[1]
exp = {r["group"]: r for r in json.load(open(f"{d}/expected.json"))}
got = json.load(open(f"{d}/stats.json"))
rows = {r["group"]: r for r in got["rows"]}
bad = []
for g, e in exp.items():
    r = rows.get(g)
    for k, v in e.items():
        if r is None or r.get(k) != v:
            bad.append((g, k, v, r and r.get(k)))
if set(rows) != set(exp):
    bad.append(("groups", sorted(set(rows) ^ set(exp))))
for b in bad[:10]:
    print("#", b)
sys.exit(1 if bad else 0)
PY
check "total: 713 referred, 513 accepted, 200 declined or pending, 462 self, 3300 foreign" python3 - "$T" <<'PY'
import json, sys
t = json.load(open(f"{sys.argv[1]}/stats.json"))["total"]
print("#", {k: t[k] for k in ("referred", "accepted", "declined", "pending", "overdue", "self_registered", "foreign")})
ok = (t["referred"], t["accepted"], t["declined"] + t["pending"], t["self_registered"], t["foreign"]) == \
     (713, 513, 200, 462, 3300)
ok = ok and t["declined"] == 160 and t["pending"] == 40 and sum(t["reasons"].values()) == 160
ok = ok and all(v in (22, 23) for v in t["reasons"].values())
sys.exit(0 if ok else 1)
PY
check "stats --by reason adds up" bash -c "\"$V\" stats --by reason --now 2006-12-31 --format csv | python3 -c '
import csv,sys; r={x[\"group\"]:x for x in csv.DictReader(sys.stdin)}
assert r[\"accepted\"][\"referred\"]==\"513\" and r[\"pending\"][\"referred\"]==\"40\", r
assert sum(int(r[k][\"referred\"]) for k in r if k!=\"total\")==713 and r[\"total\"][\"foreign\"]==\"3300\"'"
check "stats --by month covers the year" bash -c "\"$V\" stats --by month --format json | python3 -c '
import json,sys; s=json.load(sys.stdin); assert sum(r[\"referred\"] for r in s[\"rows\"])==713
assert sum(r[\"self_registered\"] for r in s[\"rows\"])==462 and len(s[\"rows\"])==12, s'"
check "stats --from/--to narrows to a quarter" bash -c "\"$V\" stats --by month --from 2006-01-01 --to 2006-03-31 --format json | python3 -c '
import json,sys; s=json.load(sys.stdin); assert [r[\"group\"] for r in s[\"rows\"]]==[\"2006-01\",\"2006-02\",\"2006-03\"], s'"
check "overdue at year end listed" bash -c "test \$(\"$V\" case list --overdue --now 2006-12-31 --format json | python3 -c 'import json,sys; print(sum(1 for c in json.load(sys.stdin) if c[\"pending_to\"][0] == \"R\"))') -eq \$(python3 -c 'import json; print(json.load(open(\"$T/stats.json\"))[\"total\"][\"overdue\"])')"
check "audit chain intact after the year" bash -c "\"$V\" audit verify >/dev/null"
echo "1..$n"
