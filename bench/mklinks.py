#!/usr/bin/env python3
"""Seeded synthetic case items for bench/links.sh (random digests only, never real lists).

  mklinks.py items DB|- NCASES NITEMS SEED   case items of cases 1..NCASES: into the SQLite registry
                                             DB, or as tab-separated rows on stdout (PostgreSQL COPY)
  mklinks.py jsonl OUT NITEMS SEED VARIANT   a scan JSONL of NITEMS items for one more case (files
                                             of its own differ by VARIANT)
  mklinks.py brute NEAR                      stdin: "key|case|verdict|size" rows sorted by key;
                                             NEAR: the near links by brute force (bench/near_brute.c);
                                             stdout: every link "a b exact illegal interest unknown
                                             near", computed pair by pair from the rules of
                                             docs/links.md

PICTURES of every case's items (LINKS_PICTURES, default 25) have PDQ hashes: eight random hashes
each (the plain one and seven orientations), three copies of pictures of its group's picture pool
(every hash of the original with up to 10 bits flipped, so two copies are within 20; in odd cases
one copy is turned: its plain hash is a copy of the original's fourth orientation), two copies of
one known-benign picture and one copy of a low-quality picture (quality 40) in every case, which
must never link, and in the second round of cases of every third group a copy of a picture of
the group two further on (a near-only bridge between networks). The rest are pictures of their
own.

Planted overlaps: the cases fall in GROUPS groups (case % GROUPS); each case holds SHARED files
from its group's pool (70% unknown, 30% known illegal), and the first case of every even group
one file of the next group's pool (which merges them into one network). Every case also holds
the same BENIGN known-benign files and the empty file, which must never link. The rest are
files of its own.
"""
import os
import random
import sys

GROUPS, POOL, SHARED, BENIGN = 25, 50, 20, 100
PICTURES = int(os.environ.get("LINKS_PICTURES", "25"))
PICPOOL, COPIES, FLIPS = 8, 3, 10
EMPTY = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
NOW = "2026-12-07T00:00:00Z"


def hex160(r):
    return "%040x" % r.getrandbits(160)


def pools(seed):
    r = random.Random(seed * 7919)
    pool = [[(hex160(r), "illegal" if r.random() < 0.3 else "unknown") for _ in range(POOL)] for _ in range(GROUPS)]
    benign = [hex160(r) for _ in range(BENIGN)]
    return pool, benign


def hash256(r):
    return r.getrandbits(256)


def picture(r):
    return [hash256(r) for _ in range(8)]


def copy_of(r, pic):
    """Every hash with up to FLIPS bits flipped: two copies of one picture are within 2 * FLIPS."""
    out = []
    for h in pic:
        for _ in range(FLIPS):
            h ^= 1 << r.randrange(256)
        out.append(h)
    return out


def picture_pools(seed):
    r = random.Random(seed * 104723)
    pics = [[(picture(r), "illegal" if r.random() < 0.3 else "unknown") for _ in range(PICPOOL)] for _ in range(GROUPS)]
    return pics, picture(r), picture(r)   # group pools, the known-benign picture, the low-quality one


def hexes(pic):
    return "".join("%064x" % h for h in pic)


def case_pictures(case, seed, pics):
    """(key, verdict, size, quality, hashes) of a case's pictures."""
    r = random.Random(seed * 7777 + case)
    pool, benign, lowq = pics
    g = case % GROUPS
    out = []
    for i, (pic, verdict) in enumerate(r.sample(pool[g], COPIES)):
        c = copy_of(r, pic)
        if i == 0 and case % 2:   # turned: the plain hash is (a copy of) another orientation's
            c = [c[3]] + picture(r)[1:]
        out.append((hex160(r), verdict, 20000 + r.randrange(100000), 100, hexes(c)))
    if case // GROUPS == 1 and g % 3 == 0:   # a near-only bridge to the group two further on
        pic, verdict = pool[(g + 2) % GROUPS][0]
        out.append((hex160(r), verdict, 30000, 90, hexes(copy_of(r, pic))))
    for _ in range(2):
        out.append((hex160(r), "benign", 15000, 100, hexes(copy_of(r, benign))))
    out.append((hex160(r), "unknown", 16000, 40, hexes(copy_of(r, lowq))))
    while len(out) < PICTURES:
        out.append((hex160(r), "unknown", 10000 + r.randrange(100000), 60 + r.randrange(41), hexes(picture(r))))
    return out


def case_items(case, nitems, seed, pool, benign, pics=None):
    """(key, verdict, size, quality, pdq, dihedral) of one case, each key once."""
    r = random.Random(seed * 1000003 + case)
    g = case % GROUPS
    rows = {}
    for key, verdict, size, q, h in case_pictures(case, seed, pics) if pics else ():
        rows[key] = (verdict, size, q, h[:64], h[64:])
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
    # in key order: the primary key grows at its end
    return sorted((k,) + (v + (None, None, None) if len(v) == 2 else v) for k, v in rows.items())


def cmd_items(db, ncases, nitems, seed):
    pool, benign = pools(seed)
    pics = picture_pools(seed)
    if db == "-":
        out = sys.stdout
        n = lambda x: "\\N" if x is None else str(x)
        for case in range(1, ncases + 1):
            out.writelines("%d\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n" % (case, k, k, s, v, NOW, n(p), n(q), n(d))
                           for k, v, s, q, p, d in case_items(case, nitems, seed, pool, benign, pics))
        return
    import sqlite3
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode = DELETE")   # a bulk load: no write-ahead log, no journal
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA cache_size = -1048576")
    # the key index is built once at the end, as the registry's schema defines it
    index = con.execute("SELECT sql FROM sqlite_master WHERE name = 'case_items_key'").fetchone()[0]
    con.execute("DROP INDEX case_items_key")
    con.execute("BEGIN")
    for case in range(1, ncases + 1):
        con.executemany("INSERT INTO case_items(case_id, key, sha1, size, verdict, added_at, pdq, pdq_quality,"
                        " pdq_dihedral) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        ((case, k, k, s, v, NOW, p, q, d)
                         for k, v, s, q, p, d in case_items(case, nitems, seed, pool, benign, pics)))
    con.execute(index)
    con.execute("COMMIT")
    con.execute("PRAGMA journal_mode = WAL")
    con.close()


def cmd_jsonl(out, nitems, seed, variant):
    """One more case: files of three groups' pools, the benign files, the empty file, its own."""
    pool, benign = pools(seed)
    pics, bpic, _ = picture_pools(seed)
    r = random.Random(seed * 31 + 7 + variant * 104729)
    rows = {}
    # pictures (a JSONL holds the plain hash only): copies from three groups' pools, one turned
    # (a copy of another orientation), a known-benign copy, pictures of its own
    for g in (1, 2, 9):
        for pic, verdict in r.sample(pics[g], 2):
            rows[hex160(r)] = (verdict, 20000, 100, "%064x" % copy_of(r, pic)[0])
    rows[hex160(r)] = (pics[4][1][1], 20000, 100, "%064x" % copy_of(r, pics[4][1][0])[5])
    rows[hex160(r)] = ("benign", 15000, 100, "%064x" % copy_of(r, bpic)[0])
    for _ in range(PICTURES):
        rows[hex160(r)] = ("unknown", 20000 + r.randrange(100000), 80, "%064x" % hash256(r))
    for g in (1, 2, 9):
        for key, verdict in r.sample(pool[g], 10):
            rows[key] = (verdict, 2000)
    for key in benign:
        rows[key] = ("benign", 700)
    rows[EMPTY] = ("unknown", 0)
    while len(rows) < nitems:
        rows[hex160(r)] = ("unknown", 1000 + r.randrange(1000000))
    with open(out, "w") as f:
        for i, (k, row) in enumerate(rows.items()):
            v, s = row[0], row[1]
            pdq = '"%s","pdq_quality":%d' % (row[3], row[2]) if len(row) > 2 else 'null,"pdq_quality":null'
            match = '{"set":"bench-set","by":"sha1","distance":0,"category":"1","series":null}' if v != "unknown" else "null"
            f.write('{"path":"new/%d.bin","container":null,"size":%d,"md5":null,"sha1":"%s","sha256":null,'
                    '"mime":null,"pdq":%s,"verdict":"%s","match":%s,"error":null,"type":"file"}\n'
                    % (i, s, k, pdq, v, match))
        f.write('{"summary":{"items":%d,"interrupted":false}}\n' % len(rows))


def cmd_brute(near_file):
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
    for a, b in links:
        links[(a, b)].append(0)
    for line in open(near_file):   # a b near illegal interest unknown
        a, b, near, ill, inte, unk = map(int, line.split())
        e = links.setdefault((a, b), [0, 0, 0, 0, 0])
        e[1] += ill
        e[2] += inte
        e[3] += unk
        e[4] = near
    for (a, b), e in sorted(links.items()):
        print(a, b, *e)


def main():
    cmd = sys.argv[1]
    if cmd == "items":
        cmd_items(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    elif cmd == "jsonl":
        cmd_jsonl(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    elif cmd == "brute":
        cmd_brute(sys.argv[2])
    else:
        sys.exit("mklinks.py: unknown command " + cmd)


if __name__ == "__main__":
    main()
