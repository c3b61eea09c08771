#!/usr/bin/env python3
"""Seeded synthetic case items for bench/links.sh (random digests only, never real lists).

  mklinks.py items DB|- NCASES NITEMS SEED   case items of cases 1..NCASES: into the SQLite registry
                                             DB, or as tab-separated rows on stdout (PostgreSQL COPY)
  mklinks.py jsonl OUT NITEMS SEED VARIANT   a scan JSONL of NITEMS items for one more case (files
                                             of its own differ by VARIANT)
  mklinks.py brute                           stdin: "key|case|verdict|size" rows sorted by key;
                                             stdout: every link "a b exact illegal interest unknown",
                                             computed pair by pair from the rules of docs/links.md

Planted overlaps: the cases fall in GROUPS groups (case % GROUPS); each case holds SHARED files
from its group's pool (70% unknown, 30% known illegal), and the first case of every even group
one file of the next group's pool (which merges them into one network). Every case also holds
the same BENIGN known-benign files and the empty file, which must never link. The rest are
files of its own.
"""
import random
import sys

GROUPS, POOL, SHARED, BENIGN = 25, 50, 20, 100
EMPTY = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
NOW = "2026-12-07T00:00:00Z"


def hex160(r):
    return "%040x" % r.getrandbits(160)


def pools(seed):
    r = random.Random(seed * 7919)
    pool = [[(hex160(r), "illegal" if r.random() < 0.3 else "unknown") for _ in range(POOL)] for _ in range(GROUPS)]
    benign = [hex160(r) for _ in range(BENIGN)]
    return pool, benign


def case_items(case, nitems, seed, pool, benign):
    """(key, verdict, size) of one case, each key once."""
    r = random.Random(seed * 1000003 + case)
    g = case % GROUPS
    rows = {}
    for key, verdict in r.sample(pool[g], SHARED):
        rows[key] = (verdict, 1000 + r.randrange(100000))
    if case // GROUPS == 0 and g % 2 == 0 and g + 1 < GROUPS:   # the bridge to the next group
        key, verdict = pool[g + 1][0]
        rows[key] = (verdict, 5000)
    for key in benign:
        rows[key] = ("benign", 700)
    rows[EMPTY] = ("unknown", 0)
    while len(rows) < nitems:
        rows[hex160(r)] = ("unknown", 1000 + r.randrange(1000000))
    return sorted((k, v, s) for k, (v, s) in rows.items())   # in key order: the primary key grows at its end


def cmd_items(db, ncases, nitems, seed):
    pool, benign = pools(seed)
    if db == "-":
        out = sys.stdout
        for case in range(1, ncases + 1):
            out.writelines("%d\t%s\t%s\t%d\t%s\t%s\n" % (case, k, k, s, v, NOW)
                           for k, v, s in case_items(case, nitems, seed, pool, benign))
        return
    import sqlite3
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode = DELETE")   # a bulk load: no write-ahead log, no journal
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA cache_size = -1048576")
    con.execute("DROP INDEX IF EXISTS case_items_key")
    con.execute("BEGIN")
    for case in range(1, ncases + 1):
        con.executemany("INSERT INTO case_items(case_id, key, sha1, size, verdict, added_at) VALUES(?, ?, ?, ?, ?, ?)",
                        ((case, k, k, s, v, NOW) for k, v, s in case_items(case, nitems, seed, pool, benign)))
    con.execute("CREATE INDEX case_items_key ON case_items(key)")
    con.execute("COMMIT")
    con.execute("PRAGMA journal_mode = WAL")
    con.close()


def cmd_jsonl(out, nitems, seed, variant):
    """One more case: files of three groups' pools, the benign files, the empty file, its own."""
    pool, benign = pools(seed)
    r = random.Random(seed * 31 + 7 + variant * 104729)
    rows = {}
    for g in (1, 2, 9):
        for key, verdict in r.sample(pool[g], 10):
            rows[key] = (verdict, 2000)
    for key in benign:
        rows[key] = ("benign", 700)
    rows[EMPTY] = ("unknown", 0)
    while len(rows) < nitems:
        rows[hex160(r)] = ("unknown", 1000 + r.randrange(1000000))
    with open(out, "w") as f:
        for i, (k, (v, s)) in enumerate(rows.items()):
            match = '{"set":"bench-set","by":"sha1","distance":0,"category":"1","series":null}' if v != "unknown" else "null"
            f.write('{"path":"new/%d.bin","container":null,"size":%d,"md5":null,"sha1":"%s","sha256":null,'
                    '"mime":null,"pdq":null,"pdq_quality":null,"verdict":"%s","match":%s,"error":null,"type":"file"}\n'
                    % (i, s, k, v, match))
        f.write('{"summary":{"items":%d,"interrupted":false}}\n' % len(rows))


def cmd_brute():
    links = {}

    def flush(group):
        for i, (a, va) in enumerate(group):
            for b, vb in group[i + 1:]:
                e = links.setdefault((min(a, b), max(a, b)), [0, 0, 0, 0])
                e[0] += 1
                if "illegal" in (va, vb):
                    e[1] += 1
                elif {"interest", "near"} & {va, vb}:
                    e[2] += 1
                elif va == vb == "unknown":
                    e[3] += 1

    key, group = None, []
    for line in sys.stdin:
        k, case, verdict, size = line.rstrip("\n").split("|")
        if k != key:
            flush(group)
            key, group = k, []
        # known-benign and error items, the empty file and items known only by place never link
        if verdict not in ("benign", "error") and int(size) > 0 and not k.startswith("@"):
            group.append((int(case), verdict))
    flush(group)
    for (a, b), e in sorted(links.items()):
        print(a, b, *e)


def main():
    cmd = sys.argv[1]
    if cmd == "items":
        cmd_items(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    elif cmd == "jsonl":
        cmd_jsonl(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    elif cmd == "brute":
        cmd_brute()
    else:
        sys.exit("mklinks.py: unknown command " + cmd)


if __name__ == "__main__":
    main()
