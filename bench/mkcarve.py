#!/usr/bin/env python3
"""Write a carving test file: seeded noise with pictures planted whole at random
non-overlapping offsets, plus decoys (the first 60% of some JPEG, PNG and GIF
pictures, so truncated, followed by noise) that a carver must not report.
Writes a manifest, one line per planted item: KIND OFFSET LENGTH TYPE SHA256 PATH
with KIND "whole" or "decoy" (for a decoy, LENGTH and SHA256 are of the whole picture).

usage: mkcarve.py OUT MANIFEST SIZE SEED DECOYS LIST   (LIST: one picture path a line)
"""
import hashlib
import os
import random
import sys

CHUNK = 16 << 20


def kind_of(path):
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    return {"jpg": "jpeg", "jpeg": "jpeg"}.get(ext, ext)


def write_noise(f, rng, n):
    while n > 0:
        k = min(n, CHUNK)
        f.write(rng.randbytes(k))
        n -= k


def main():
    if len(sys.argv) != 7:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out, manifest, size, seed, ndecoys, listfile = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    rng = random.Random(seed)
    paths = [l.strip() for l in open(listfile) if l.strip()]
    items = []
    for p in paths:
        data = open(p, "rb").read()
        items.append(("whole", p, data, data))
    decoyable = [it for it in items if kind_of(it[1]) in ("jpeg", "png", "gif")]
    for it in rng.sample(decoyable, min(ndecoys, len(decoyable))):
        items.append(("decoy", it[1], it[2][: len(it[2]) * 6 // 10], it[2]))
    rng.shuffle(items)
    used = sum(len(it[2]) for it in items)
    if used > size:
        print("mkcarve: pictures (%d bytes) do not fit in %d bytes" % (used, size), file=sys.stderr)
        return 2
    cuts = sorted(rng.randrange(size - used + 1) for _ in items)
    pos = 0
    with open(out, "wb") as f, open(manifest, "w") as m:
        prev = 0
        for cut, (kind, p, planted, whole) in zip(cuts, items):
            write_noise(f, rng, cut - prev)
            pos += cut - prev
            prev = cut
            m.write("%s %d %d %s %s %s\n" % (kind, pos, len(whole), kind_of(p),
                                             hashlib.sha256(whole).hexdigest(), p))
            f.write(planted)
            pos += len(planted)
        write_noise(f, rng, size - used - prev)
    whole = sum(1 for it in items if it[0] == "whole")
    print("mkcarve: %s, %d bytes, %d pictures planted whole, %d decoys, %d bytes of pictures, seed %d"
          % (out, size, whole, len(items) - whole, used, seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
