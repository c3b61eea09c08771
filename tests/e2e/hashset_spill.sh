#!/usr/bin/env bash
# An import whose entries spill to sort runs (a small --memory) stores exactly what an import
# held in memory stores: the same entries, merged duplicates, conflicts, categories, series,
# flags and SHA-256 digests on some records, every field of the export alike.
. "$(dirname "$0")/lib.sh"
python3 - "$T/media.json" <<'PY'
import random, sys
r = random.Random(7)
recs = []
ident, sha1s = set(), set()
for i in range(12000):
    if i % 6 == 5:  # a repeat of an earlier record, maybe with another category
        md5, sha1 = recs[r.randrange(len(recs))][:2]
    else:
        md5, sha1 = "%032x" % r.getrandbits(128), "%040x" % r.getrandbits(160)
    recs.append((md5, sha1))
    parts = ['"MediaID":%d' % (i + 1), '"Category":%d' % r.randrange(0, 4), '"MD5":"%s"' % md5, '"SHA1":"%s"' % sha1]
    if i % 3 == 0:
        parts.append('"MediaSize":%d' % r.randrange(1, 10**7))
    if i % 4 == 0:
        parts.append('"Series":"S-%d"' % r.randrange(50))
    if i % 7 == 0:
        parts.append('"VictimIdentified":true')
    if i % 5 == 0 and i % 6 != 5:
        parts.append('"AlternativeHashes":[{"HashName":"SHA256","HashValue":"%064x"}]' % r.getrandbits(256))
    recs[-1] = (md5, sha1, "{" + ",".join(parts) + "}")
    ident.add(parts[-1] if "SHA256" in parts[-1] else sha1)  # an entry is known by its strongest digest
    sha1s.add(sha1)  # a repeat without the SHA-256 is linked to its entry and counted a duplicate
with open(sys.argv[1], "w") as f:
    f.write('{"@odata.context":"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media","value":[')
    f.write(",".join(x[2] for x in recs))
    f.write("]}\n")
with open(sys.argv[1] + ".want", "w") as f:
    f.write("%d %d %d\n" % (len(sha1s), len(recs) - len(sha1s), len(ident)))
PY
read -r want_added want_dup want_entries <"$T/media.json.want"
# 12,000 records (about 100 bytes each, packed) do not fit the 512 KiB the entry sort gets from --memory 1M
a=$("$VIGIL" --db "$T/mem.db" hashset import --name v --kind illegal "$T/media.json" 2>&1); ra=$?
b=$("$VIGIL" --db "$T/spill.db" hashset import --name v --kind illegal --memory 1M "$T/media.json" 2>&1); rb=$?
is "both imports succeed" "$ra $rb" "0 0"
like "duplicates were merged and conflicts counted" "$a" "12000 records read = $want_added added \+ $want_dup duplicates .*; [1-9][0-9]* conflicts"
is "the same counts with spilled runs" "$b" "$a"
"$VIGIL" --db "$T/mem.db" hashset export --name v --format vics -o "$T/mem.json"
"$VIGIL" --db "$T/spill.db" hashset export --name v --format vics -o "$T/spill.json"
is "the export holds every entry" "$(python3 -c "import json; print(len(json.load(open('$T/mem.json'))['value']))")" "$want_entries"
is "the same export, field for field" "$(cmp "$T/mem.json" "$T/spill.json" && echo same)" "same"
"$VIGIL" --db "$T/mem.db" hashset export --name v --format csv -o "$T/mem.csv"
"$VIGIL" --db "$T/spill.db" hashset export --name v --format csv -o "$T/spill.csv"
is "the same CSV export" "$(cmp "$T/mem.csv" "$T/spill.csv" && echo same)" "same"
like "series and SHA-256 digests are in it" "$(grep -c 'S-' "$T/mem.csv") $(grep -Ec '[0-9a-f]{64}' "$T/mem.csv")" "^[1-9][0-9]* [1-9][0-9]*$"
# More sort runs than open files allowed: 90,000 records at --memory 1M spill about a dozen runs
# of entries, and with 40 descriptors (8 runs a merge) the import merges the runs in passes
# instead of failing.
python3 - "$T/many.md5" <<'PY'
import random, sys
r = random.Random(11)
digests = ["%032x" % r.getrandbits(128) for _ in range(80000)]
with open(sys.argv[1], "w") as f:
    for i in range(90000):
        f.write("%s  file%d\n" % (digests[i] if i < 80000 else digests[r.randrange(80000)], i))
PY
c=$("$VIGIL" --db "$T/wide.db" hashset import --name m --kind benign --memory 64M "$T/many.md5" 2>&1); rc=$?
d=$(ulimit -n 40 && "$VIGIL" --db "$T/narrow.db" hashset import --name m --kind benign --memory 1M "$T/many.md5" 2>&1); rd=$?
is "an import with more runs than descriptors succeeds" "$rc $rd" "0 0"
like "every record is counted" "$d" "90000 records read = 80000 added \+ 10000 duplicates"
is "the same counts as an import held in memory" "$d" "$c"
"$VIGIL" --db "$T/wide.db" hashset export --name m --format csv -o "$T/wide.csv"
"$VIGIL" --db "$T/narrow.db" hashset export --name m --format csv -o "$T/narrow.csv"
is "the same entries" "$(cmp "$T/wide.csv" "$T/narrow.csv" && echo same)" "same"
is "no sort run is left behind" "$(find "$T/narrow.db.sets" -name '*.run' | wc -l)" "0"
# A disk that fills during a merge pass (files limited to 512 KiB: the spilled runs fit, a merged
# one does not): a clear error naming the run file, no temporary file left, no set made.
e=$( (trap '' XFSZ; ulimit -n 40; ulimit -f 512; "$VIGIL" --db "$T/full.db" hashset import --name m --kind benign \
  --memory 1M "$T/many.md5") 2>&1); re=$?
like "a full disk during a merge pass fails the import" "$re" "^[1-9][0-9]*$"
like "the error names the run being written and says the disk is full" "$e" "entries\.[0-9]+\.run: cannot write sort run: disk full"
is "nothing is left in the store's folder but its lock" "$(ls "$T/full.db.sets")" "lock"
is "no set was made" "$("$VIGIL" --db "$T/full.db" hashset list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" "0"
done_testing
