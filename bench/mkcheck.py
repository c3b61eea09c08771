#!/usr/bin/env python3
"""Seeded data for bench/serve.sh: an MD5 list of N random digests (md5sum lines without
names), a PDQ list of M random hashes of quality 90, and request bodies of B hashes for
POST /api/v1/check: exact.json (half of them listed MD5s, half not) and pdq.json (a third
listed, a third 8 bits from a listed one, a third random).

usage: mkcheck.py DIR N M B [SEED]
"""
import json
import os
import random
import sys


def main() -> int:
    if len(sys.argv) < 5:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out, n, m, b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 16)
    os.makedirs(out, exist_ok=True)
    listed = []
    with open(os.path.join(out, "exact.md5"), "w") as f:
        step = 1 << 16
        for base in range(0, n, step):
            k = min(step, n - base)
            raw = rng.randbytes(16 * k).hex()
            lines = [raw[32 * i:32 * i + 32] for i in range(k)]
            if len(listed) < b:
                listed.extend(lines[: b - len(listed)])
            f.write("\n".join(lines) + "\n")
    pdq = []
    with open(os.path.join(out, "pdq.txt"), "w") as f:
        for _ in range(m):
            h = rng.getrandbits(256)
            if len(pdq) < b:
                pdq.append(h)
            f.write("%064x,90\n" % h)
    exact = [listed[i] if i % 2 == 0 else rng.randbytes(16).hex() for i in range(b)]
    q = []
    for i in range(b):
        h = pdq[i]
        if i % 3 == 1:
            for bit in rng.sample(range(256), 8):
                h ^= 1 << bit
        elif i % 3 == 2:
            h = rng.getrandbits(256)
        q.append("%064x" % h)
    json.dump({"hashes": exact}, open(os.path.join(out, "exact.json"), "w"))
    json.dump({"pdq": q}, open(os.path.join(out, "pdq.json"), "w"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
