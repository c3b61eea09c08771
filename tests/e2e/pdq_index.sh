#!/usr/bin/env bash
# vigil scan against a PDQ list large enough for the index (20,000 synthetic random hashes
# plus the benign bridge photo): the same near verdicts, distances and orientations as the
# linear scan over the photo alone, with every popcount kernel forced through
# VIGIL_PDQ_IMPL, and a clear refusal of an unknown one. Benign vectors only. Prints TAP.
set -u
VIGIL=${VIGIL:-build/vigil}
TESTDATA=${TESTDATA:-$(cd "$(dirname "$0")/../data" && pwd)}
V="$TESTDATA/pdq"
T=$(mktemp -d "${TMPDIR:-/tmp}/vigil-e2e-pdqindex.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }
# path, verdict, match set, distance and orientation of every item, sorted
matches() {
  python3 - "$1" <<'PY'
import json, os, sys
rows = []
for line in open(sys.argv[1]):
    o = json.loads(line)
    if "summary" in o:
        continue
    m = o.get("match") or {}
    rows.append("%s %s %s %s %s" % (os.path.basename(o["path"]), o["verdict"], m.get("set"), m.get("distance"),
                                   m.get("dihedral")))
print("\n".join(sorted(rows)))
PY
}

mkdir -p "$T/ev" "$T/lists"
cp "$V/threatexchange/dih/bridge-5-flipx.jpg" "$V/threatexchange/dih/bridge-2-rotate-90.jpg" \
   "$V/threatexchange/bridge-mods/sharpen-a-lot.jpg" "$V/synthetic/e28_text.png" "$T/ev/"
"$VIGIL" pdq --quiet "$V/threatexchange/dih/bridge-1-original.jpg" | cut -d, -f1,2 >"$T/lists/photo.pdq"
python3 - "$T/lists/random.pdq" <<'PY'
import random, sys
r = random.Random(5)
with open(sys.argv[1], "w") as f:
    for _ in range(20000):
        f.write("%064x,100\n" % r.getrandbits(256))
PY
cat "$T/lists/random.pdq" "$T/lists/photo.pdq" >"$T/lists/large.pdq"

VIGIL_DB="$T/small.db" "$VIGIL" hashset import --name known --kind illegal --format pdq "$T/lists/photo.pdq" >/dev/null 2>&1
VIGIL_DB="$T/large.db" "$VIGIL" hashset import --name known --kind illegal --format pdq "$T/lists/large.pdq" >"$T/imp.out" 2>&1
check "the large list imports 20001 entries" 'grep -q "20001 added" "$T/imp.out"'

VIGIL_DB="$T/small.db" "$VIGIL" scan --quiet --jsonl "$T/small.jsonl" "$T/ev"; rc1=$?
VIGIL_DB="$T/large.db" "$VIGIL" scan --quiet --jobs 2 --jsonl "$T/large.jsonl" "$T/ev"; rc2=$?
check "both scans exit 0" '[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]'
matches "$T/small.jsonl" >"$T/small.txt"
matches "$T/large.jsonl" >"$T/large.txt"
check "the linear scan finds the three bridge copies near" '[ "$(grep -c " near known " "$T/small.txt")" -eq 3 ]'
check "the index over 20,001 entries gives the same verdicts, distances and orientations" \
  'cmp -s "$T/small.txt" "$T/large.txt"'
for impl in portable avx2 avx512; do
  case $impl in portable) flag=fpu ;; avx2) flag=avx2 ;; avx512) flag=avx512_vpopcntdq ;; esac
  if ! grep -q -w "$flag" /proc/cpuinfo; then
    VIGIL_PDQ_IMPL=$impl VIGIL_DB="$T/large.db" "$VIGIL" scan --quiet --jsonl "$T/$impl.jsonl" "$T/ev" 2>"$T/$impl.err"; rc=$?
    check "VIGIL_PDQ_IMPL=$impl is refused on a CPU without it" '[ $rc -eq 3 ] && grep -q "this CPU lacks" "$T/$impl.err"'
    ok "VIGIL_PDQ_IMPL=$impl gives the same matches # SKIP this CPU lacks $flag"
    continue
  fi
  VIGIL_PDQ_IMPL=$impl VIGIL_DB="$T/large.db" "$VIGIL" scan --quiet --jsonl "$T/$impl.jsonl" "$T/ev"; rc=$?
  matches "$T/$impl.jsonl" >"$T/$impl.txt"
  check "VIGIL_PDQ_IMPL=$impl gives the same matches" '[ $rc -eq 0 ] && cmp -s "$T/small.txt" "$T/$impl.txt"'
done
VIGIL_PDQ_IMPL=sse9 VIGIL_DB="$T/large.db" "$VIGIL" scan --quiet --jsonl "$T/bad.jsonl" "$T/ev" 2>"$T/bad.err"; rc=$?
check "an unknown VIGIL_PDQ_IMPL is refused with a one-line error" \
  '[ $rc -eq 3 ] && grep -q "VIGIL_PDQ_IMPL=sse9: not one of portable, avx2, avx512" "$T/bad.err" && [ "$(wc -l <"$T/bad.err")" -eq 1 ]'
echo "1..$n"
