#!/usr/bin/env python3
"""Write N files of SIZE bytes of deterministic pseudo-random data (seeded), 1000 per folder.

usage: mksmall.py DIR [N [SIZE [SEED]]]   defaults: 200000 files, 4096 bytes, seed 1
"""
import os
import random
import sys


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    top = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200000
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 4096
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    rng = random.Random(seed)
    for i in range(n):
        d = os.path.join(top, "d%03d" % (i // 1000))
        if i % 1000 == 0:
            os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "f%06d.bin" % i), "wb") as f:
            f.write(rng.randbytes(size))
    print("mksmall: %d files of %d bytes in %s (seed %d)" % (n, size, top, seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
