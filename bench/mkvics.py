#!/usr/bin/env python3
"""mkvics.py OUT N SEED: a VICS 2.0 #Media file of N records with random
digests from a seeded generator (never a real list), in the shapes real
exports have: upper- and lower-case hex, sizes as numbers or strings,
booleans as JSON or strings, SHA-256 inside AlternativeHashes on half the
records, a series on some, MediaFiles on some."""
import random
import sys


def main():
    out, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rnd = random.Random(seed)
    with open(out, "w", encoding="ascii", newline="\n") as f:
        f.write('{"@odata.context":"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/'
                '$metadata#Media",\n"value":[\n')
        for i in range(n):
            md5 = "%032x" % rnd.getrandbits(128)
            sha1 = "%040x" % rnd.getrandbits(160)
            if i % 3 == 0:
                md5, sha1 = md5.upper(), sha1.upper()
            size = rnd.randrange(1, 50_000_000)
            parts = ['"MediaID":%d' % (i + 1), '"Category":%d' % rnd.randrange(0, 5), '"MD5":"%s"' % md5,
                     '"SHA1":"%s"' % sha1, '"MediaSize":%s' % (size if i % 2 else '"%d"' % size)]
            parts.append('"VictimIdentified":%s' % ("true" if i % 7 == 0 else "false"))
            parts.append('"IsDistributed":%s' % ('"true"' if i % 5 == 0 else '"false"'))
            if i % 4 == 0:
                parts.append('"Series":"SERIES-%04d"' % rnd.randrange(10000))
            if i % 2 == 0:
                parts.append('"AlternativeHashes":[{"HashName":"SHA256","HashValue":"%064x","MD5":"%s"}]'
                             % (rnd.getrandbits(256), md5))
            if i % 10 == 0:
                parts.append('"MediaFiles":[{"MD5":"%s","FileName":"IMG_%06d.JPG","FilePath":"/DCIM/100"}]'
                             % (md5, i))
            f.write(("," if i else "") + "{" + ",".join(parts) + "}\n")
        f.write("]}\n")


if __name__ == "__main__":
    main()
