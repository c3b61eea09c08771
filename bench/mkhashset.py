#!/usr/bin/env python3
"""Write a sha256sum-style hash list: N random digests (seeded) with the real
SHA-256 of the files named on stdin (one path per line) spread among them.

usage: mkhashset.py OUT N_RANDOM [SEED] < paths
Prints the number of real digests planted.
"""
import hashlib
import random
import sys


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out, n_random = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    real = []
    for path in sys.stdin.read().splitlines():
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        real.append(h.hexdigest())
    planted = set(real)
    rng = random.Random(seed)
    every = max(1, n_random // max(1, len(real)))
    k = 0
    with open(out, "w") as f:
        for i in range(n_random):
            if i % every == 0 and k < len(real):
                f.write("%s  planted/%06d\n" % (real[k], k))
                k += 1
            d = rng.randbytes(32).hex()
            while d in planted:
                d = rng.randbytes(32).hex()
            f.write("%s  random/%07d\n" % (d, i))
        for j in range(k, len(real)):
            f.write("%s  planted/%06d\n" % (real[j], j))
    print(len(planted))
    return 0


if __name__ == "__main__":
    sys.exit(main())
