#!/usr/bin/env python3
"""Make a synthetic NSRL RDSv3 database of the minimal layout for benchmarks.

Random digests from a seeded generator (never taken from a real list),
upper-case hex text like NIST's, each digest on about two rows (once per
package, as in a real minimal set). The FILE table is made without its
seven-column primary key: the reader never uses that index, and building it
would double the file and the generation time.

usage: mknsrl3.py OUT.db ROWS [SEED]
"""
import os
import random
import sqlite3
import sys

SCHEMA = """
CREATE TABLE FILE (sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL, md5 VARCHAR NOT NULL,
  crc32 VARCHAR NOT NULL, file_name VARCHAR NOT NULL, file_size INTEGER NOT NULL,
  package_id INTEGER NOT NULL);
CREATE TABLE MFG (manufacturer_id INTEGER NOT NULL PRIMARY KEY, name VARCHAR NOT NULL);
CREATE TABLE OS (operating_system_id INTEGER NOT NULL, name VARCHAR NOT NULL,
  version VARCHAR NOT NULL, manufacturer_id INTEGER NOT NULL,
  PRIMARY KEY (operating_system_id, manufacturer_id));
CREATE TABLE PKG (package_id INTEGER NOT NULL, name VARCHAR NOT NULL, version VARCHAR NOT NULL,
  operating_system_id INTEGER NOT NULL, manufacturer_id INTEGER NOT NULL,
  language VARCHAR NOT NULL, application_type VARCHAR NOT NULL,
  PRIMARY KEY (package_id, operating_system_id, manufacturer_id, language, application_type));
CREATE TABLE VERSION (version VARCHAR UNIQUE NOT NULL PRIMARY KEY, build_set VARCHAR NOT NULL,
  build_date TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, release_date TIMESTAMP NOT NULL,
  description VARCHAR NOT NULL);
CREATE VIEW DISTINCT_HASH AS SELECT DISTINCT sha256, sha1, md5, crc32 FROM FILE;
"""

EXTS = ["dll", "exe", "txt", "png", "xml", "sys", "dat", "ini"]


def batch(rng, first, n):
    """n rows from row number first on: n/2 digests, each on two packages."""
    half = (n + 1) // 2
    blob = rng.randbytes(half * 72).hex().upper()
    rows = []
    for k in range(half):
        h = blob[k * 144:(k + 1) * 144]
        sha256, sha1, md5, crc = h[0:64], h[64:104], h[104:136], h[136:144]
        size = int(crc[:6], 16)
        name = "file%08d.%s" % (first + 2 * k, EXTS[k & 7])
        rows.append((sha256, sha1, md5, crc, name, size, 1 + (k & 1023)))
        if len(rows) < n:
            rows.append((sha256, sha1, md5, crc, name, size, 1025 + (k & 1023)))
    return rows


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out, total = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    tmp = out + ".part"
    if os.path.exists(tmp):
        os.unlink(tmp)
    rng = random.Random(seed)
    db = sqlite3.connect(tmp)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=4096;")
    db.executescript(SCHEMA)
    db.execute("INSERT INTO MFG VALUES (1, 'Synthetic Vendor')")
    db.execute("INSERT INTO OS VALUES (1, 'Synthetic OS', '1', 1)")
    db.executemany("INSERT INTO PKG VALUES (?, 'Synthetic Package', '1.0', 1, 1, 'English', 'Utility')",
                   [(i,) for i in range(1, 2049)])
    db.execute("INSERT INTO VERSION VALUES ('2026.03.1', 'synthetic minimal', '2026-03-01 00:00:00', "
               "'2026-03-01 00:00:00', 'synthetic benchmark set, seed %d')" % seed)
    done = 0
    step = 200000
    while done < total:
        n = min(step, total - done)
        db.executemany("INSERT INTO FILE VALUES (?,?,?,?,?,?,?)", batch(rng, done, n))
        done += n
    db.commit()
    db.close()
    os.rename(tmp, out)
    print("mknsrl3: %s: %d FILE rows, seed %d" % (out, total, seed))


if __name__ == "__main__":
    main()
