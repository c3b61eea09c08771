#!/usr/bin/env python3
"""Regenerate the synthetic hash-set samples in tests/data/hashsets.

Every hash in these samples is either the digest of one of the small benign
files written to files/ here, or a made-up value (a seeded
pseudo-random hex string). Nothing comes from any real hash list.

usage: make_hashset_samples.py [OUTDIR]
  OUTDIR defaults to tests/data/hashsets of this repository. The SQL sources of
  the RDSv3 databases and the RDS 2.x side tables (NSRLProd/OS/Mfg.txt) are
  written too; no test reads them, so the repository does not keep them.
  Uses hashdeep, md5deep and hfind (Debian: hashdeep, sleuthkit) when present
  to emit and check the tool-native formats; python3 standard library only.
"""

import base64
import hashlib
import json
import os
import random
import shutil
import sqlite3
import struct
import subprocess
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                      os.path.join(HERE, "..", "..", "tests", "data", "hashsets"))
rng = random.Random(20240601)          # fixed seed: same output every run


def fake_hex(nbytes):
    """A made-up digest: seeded random bytes, not the hash of anything."""
    return bytes(rng.getrandbits(8) for _ in range(nbytes)).hex()


def write(rel, data, mode="w", newline="\n"):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if "b" in mode:
        with open(path, mode) as f:
            f.write(data)
    else:
        with open(path, mode, encoding="utf-8", newline=newline) as f:
            f.write(data)
    return path


# ---------------------------------------------------------------- benign files
def png_gradient(w=16, h=16):
    rows = b"".join(b"\x00" + bytes(v for x in range(w)
                                    for v in (x * 16, y * 16, 128)) for y in range(h))

    def chunk(tag, body):
        return (struct.pack(">I", len(body)) + tag + body +
                struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
            chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def bmp_checker(w=8, h=8):
    row_len = (w * 3 + 3) & ~3
    pixels = bytearray()
    for y in range(h):
        row = bytearray()
        for x in range(w):
            row += b"\xff\xff\xff" if (x + y) % 2 else b"\x20\x40\x80"
        pixels += row + b"\x00" * (row_len - len(row))
    header = struct.pack("<2sIHHI", b"BM", 54 + len(pixels), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return header + info + bytes(pixels)


FILES = {
    "hello.txt": b"hello, vigil\n",
    "copy-of-hello.txt": b"hello, vigil\n",              # same bytes, other name
    "lorem.txt": (b"This is a plain benign text file used by the vigil tests.\n"
                  b"It has a few short lines and nothing else.\n"),
    "notes-crlf.txt": b"line one\r\nline two\r\n",
    "name with spaces.txt": b"spaces in a file name\n",
    "empty.bin": b"",                                     # the zero-length file
    "gradient-16x16.png": png_gradient(),
    "checker-8x8.bmp": bmp_checker(),
}


def digests(data):
    return {"md5": hashlib.md5(data).hexdigest(),
            "sha1": hashlib.sha1(data).hexdigest(),
            "sha256": hashlib.sha256(data).hexdigest(),
            "crc32": "%08x" % (zlib.crc32(data) & 0xFFFFFFFF),
            "size": len(data)}


def main():
    if os.path.isdir(OUT):
        for name in os.listdir(OUT):
            if name not in ("README.md", "real"):       # real/ holds copied public samples
                p = os.path.join(OUT, name)
                shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
    os.makedirs(OUT, exist_ok=True)
    for name, data in FILES.items():
        write("files/" + name, data, "wb")
    D = {n: digests(d) for n, d in FILES.items()}
    expected = {}

    # one synthetic "unknown to everyone" entry reused across formats
    ghost = {"md5": fake_hex(16), "sha1": fake_hex(20), "sha256": fake_hex(32),
             "crc32": fake_hex(4), "size": 4242}

    make_plain_lists(D, expected)
    make_hashdeep(D, expected)
    make_nsrl_rds2(D, ghost, expected)
    make_rdsv3_minimal(D, ghost, expected)
    make_rdsv3_full(D, ghost, expected)
    make_vics(D, ghost, expected)
    make_caid(D, ghost, expected)
    make_icse(D, ghost, expected)
    make_ncmec(D, ghost, expected)
    make_hashkeeper(D, ghost, expected)
    make_encase(D, ghost, expected)
    make_photodna(expected)
    write("expected.json", json.dumps(
        {"files": {n: {k: v for k, v in d.items()} for n, d in D.items()},
         "samples": expected}, indent=2, sort_keys=True) + "\n")
    print("wrote samples to", OUT)


# ----------------------------------------------------------- md5sum & friends
def make_plain_lists(D, expected):
    names = [n for n in FILES if n != "empty.bin"]
    for algo in ("md5", "sha1", "sha256"):
        write("plain/%ssum.txt" % algo,
              "".join("%s  %s\n" % (D[n][algo], n) for n in names))
    write("plain/sha256sum-binary-mode.txt",
          "".join("%s *%s\n" % (D[n]["sha256"], n) for n in names))
    write("plain/sha256sum-tag.txt",
          "".join("SHA256 (%s) = %s\n" % (n, D[n]["sha256"]) for n in names))
    # coreutils escapes a name holding a backslash or newline and marks the line with '\'
    write("plain/md5sum-escaped-name.txt",
          "%s  hello.txt\n\\%s  back\\\\slash.txt\n\\%s  new\\nline.txt\n" % (
              D["hello.txt"]["md5"], D["hello.txt"]["md5"], D["lorem.txt"]["md5"]))
    # Windows-style export: UTF-8 BOM, CRLF, upper-case hex, blank and comment lines
    body = "# exported by a Windows tool\r\n\r\n" + "".join(
        "%s\r\n" % D[n]["md5"].upper() for n in names)
    write("plain/md5-bare-bom-crlf-upper.txt", b"\xef\xbb\xbf" + body.encode(), "wb")
    # sloppy input: duplicates, bad length, non-hex, trailing spaces, mixed case
    h = D["hello.txt"]["md5"]
    write("plain/md5-bare-dirty.txt", "\n".join([
        h, h.upper(), h + "   ", D["lorem.txt"]["md5"][:31], "zz" + h[2:],
        D["lorem.txt"]["md5"], D["gradient-16x16.png"]["md5"] + "0", ""]) + "\n")
    expected["plain"] = {
        "md5sum.txt": {"entries": len(names), "distinct": len(names) - 1},
        "md5-bare-dirty.txt": {"nonblank_lines": 7, "blank_lines": 1, "valid": 4,
                               "distinct_valid": 2, "invalid_lines": [4, 5, 7]},
    }


# ------------------------------------------------------------------- hashdeep
def run(cmd, cwd):
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True).stdout


def scrub_invoked(text):
    out = []
    for line in text.splitlines(True):
        if line.startswith("## Invoked from:"):
            line = "## Invoked from: /cases/demo/files\n"   # not a path of any real machine
        out.append(line)
    return "".join(out)


def make_hashdeep(D, expected):
    if not shutil.which("hashdeep"):
        print("hashdeep not installed: hashdeep samples skipped", file=sys.stderr)
        return
    fdir = os.path.join(OUT, "files")
    names = sorted(FILES)
    t = run(["hashdeep", "-j0", "-c", "md5,sha1,sha256", "-l"] + names, fdir)
    write("hashdeep/known-md5-sha1-sha256.hashdeep", scrub_invoked(t))
    t = run(["hashdeep", "-j0", "-l"] + names, fdir)          # default: md5,sha256
    write("hashdeep/known-default.hashdeep", scrub_invoked(t))
    t = run(["md5deep", "-j0", "-l"] + names, fdir)
    write("hashdeep/md5deep.txt", "".join(sorted(t.splitlines(True))))
    t = run(["md5deep", "-j0", "-z", "-l"] + names, fdir)
    write("hashdeep/md5deep-with-size.txt", "".join(sorted(t.splitlines(True))))
    expected["hashdeep"] = {"known-md5-sha1-sha256.hashdeep": {"entries": len(names)}}


# --------------------------------------------------------------- NSRL RDS 2.x
def make_nsrl_rds2(D, ghost, expected):
    crlf = "\r\n"
    rows = ['"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"']
    plan = [("hello.txt", 1001, "358"), ("hello.txt", 1002, "362"),     # same file, two products
            ("lorem.txt", 1001, "358"), ("notes-crlf.txt", 1002, "362"),
            ("empty.bin", 1001, "358")]
    for n, prod, os_code in plan:
        d = D[n]
        rows.append('"%s","%s","%s","%s",%d,%d,"%s",""' % (
            d["sha1"].upper(), d["md5"].upper(), d["crc32"].upper(), n.upper(), d["size"], prod, os_code))
    rows.append('"%s","%s","%s","%s",%d,%d,"%s",""' % (
        ghost["sha1"].upper(), ghost["md5"].upper(), ghost["crc32"].upper(),
        'SETUP, FULL.EXE', ghost["size"], 1002, "362"))   # a comma inside a quoted name
    body = (crlf.join(rows) + crlf).encode("utf-8")
    # one name in Latin-1, as older media carried it (the RDS keeps the vendor's bytes)
    extra = ('"%s","%s","%s","CAF\xc9.TXT",%d,%d,"358",""' % (
        fake_hex(20).upper(), fake_hex(16).upper(), fake_hex(4).upper(), 77, 1001)).encode("latin-1")
    write("nsrl-rds2/NSRLFile.txt", body + extra + crlf.encode(), "wb")
    write("nsrl-rds2/NSRLProd.txt", crlf.join([
        '"ProductCode","ProductName","ProductVersion","OpSystemCode","MfgCode","Language","ApplicationType"',
        '1001,"Vigil Demo Suite","1.0","358","VGL","English","Utility"',
        '1002,"Vigil Demo Suite","2.0","362","VGL","English,German","Utility"']) + crlf, newline="")
    write("nsrl-rds2/NSRLOS.txt", crlf.join([
        '"OpSystemCode","OpSystemName","OpSystemVersion","MfgCode"',
        '"358","Demo OS","10","VGL"', '"362","Demo OS","11","VGL"']) + crlf, newline="")
    write("nsrl-rds2/NSRLMfg.txt", crlf.join([
        '"MfgCode","MfgName"', '"VGL","Vigil Test Vendor"']) + crlf, newline="")
    write("nsrl-rds2/version.txt", crlf.join([
        '"SHA-1","RDSVersion"', '"%s","2024/06/01 2.99 synthetic"' % fake_hex(20).upper()]) + crlf,
        newline="")
    expected["nsrl-rds2"] = {"NSRLFile.txt": {"records": 7, "distinct_sha1": 6,
                                             "zero_length_records": 1}}
    if shutil.which("hfind"):
        tmp = os.path.join(OUT, "nsrl-rds2", "NSRLFile.txt")
        for kind in ("nsrl-md5", "nsrl-sha1"):
            subprocess.run(["hfind", "-i", kind, tmp], check=True, capture_output=True)
        hit = run(["hfind", tmp, D["lorem.txt"]["sha1"].upper()], OUT)
        assert "LOREM.TXT" in hit, hit
        for f in os.listdir(os.path.dirname(tmp)):
            if ".idx" in f:
                os.remove(os.path.join(os.path.dirname(tmp), f))


# ------------------------------------------------------------ NSRL RDSv3 (db)
def sql_quote(s):
    return "'" + s.replace("'", "''") + "'"


def make_rdsv3_minimal(D, ghost, expected):
    ddl = """-- Synthetic NSRL RDSv3 "minimal" layout: one flat FILE table (digests stored
-- upper-case hex, crc32 still present), lookup tables, and the DISTINCT_HASH view.
CREATE TABLE FILE (
  sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL, md5 VARCHAR NOT NULL,
  crc32 VARCHAR NOT NULL, file_name VARCHAR NOT NULL, file_size INTEGER NOT NULL,
  package_id INTEGER NOT NULL,
  PRIMARY KEY (sha256, sha1, md5, crc32, file_name, file_size, package_id));
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
    rows = []
    plan = [("hello.txt", 1), ("hello.txt", 2), ("copy-of-hello.txt", 2),
            ("lorem.txt", 1), ("notes-crlf.txt", 2), ("empty.bin", 1)]
    for n, pkg in plan:
        d = D[n]
        rows.append((d["sha256"].upper(), d["sha1"].upper(), d["md5"].upper(), d["crc32"].upper(),
                     n, d["size"], pkg))
    rows.append((ghost["sha256"].upper(), ghost["sha1"].upper(), ghost["md5"].upper(),
                 ghost["crc32"].upper(), "ghost.dll", ghost["size"], 2))
    ins = ["BEGIN TRANSACTION;"]
    for r in rows:
        ins.append("INSERT INTO FILE VALUES (%s,%s,%s,%s,%s,%d,%d);" % (
            *(sql_quote(x) for x in r[:5]), r[5], r[6]))
    ins += ["INSERT INTO MFG VALUES (10,'Vigil Test Vendor');",
            "INSERT INTO OS VALUES (20,'Demo OS','10',10);",
            "INSERT INTO OS VALUES (21,'Demo OS','11',10);",
            "INSERT INTO PKG VALUES (1,'Vigil Demo Suite','1.0',20,10,'English','Utility');",
            "INSERT INTO PKG VALUES (2,'Vigil Demo Suite','2.0',21,10,'English','Utility');",
            "INSERT INTO VERSION VALUES ('2024.06.1','synthetic minimal','2024-06-01 00:00:00',"
            "'2024-06-01 00:00:00','synthetic sample for vigil tests');",
            "COMMIT;"]
    sql = ddl + "\n".join(ins) + "\n"
    write("nsrl-rdsv3/minimal.sql", sql)
    build_db("nsrl-rdsv3/minimal.db", sql)
    # a delta as NIST ships them: plain SQL run against the previous full database
    new = D["name with spaces.txt"]
    delta = ("BEGIN TRANSACTION;\n"
             "INSERT INTO FILE(sha256,sha1,md5,crc32,file_name,file_size,package_id) "
             "VALUES(%s,%s,%s,%s,%s,%d,2);\n" % (
                 sql_quote(new["sha256"].upper()), sql_quote(new["sha1"].upper()),
                 sql_quote(new["md5"].upper()), sql_quote(new["crc32"].upper()),
                 sql_quote("name with spaces.txt"), new["size"]) +
             "DELETE FROM FILE WHERE sha256=%s;\n" % sql_quote(ghost["sha256"].upper()) +
             "UPDATE VERSION SET version='2024.09.1', description='synthetic delta applied';\n"
             "COMMIT;\n")
    write("nsrl-rdsv3/minimal-delta.sql", delta)
    expected["nsrl-rdsv3-minimal"] = {"file_rows": len(rows), "distinct_sha256": 5,
                                      "after_delta_rows": len(rows), "after_delta_distinct_sha256": 5}


def make_rdsv3_full(D, ghost, expected):
    ddl = """-- Synthetic NSRL RDSv3 full ("modern"/"legacy"/...) layout, reduced to the
-- columns the RDSv2-style views read. Digests sit in METADATA in whatever case
-- the producer wrote; the FILE view upper-cases them and joins the package.
CREATE TABLE PACKAGE_OBJECT (package_object_id INTEGER UNIQUE NOT NULL PRIMARY KEY,
  package_id INTEGER NOT NULL, object_id INTEGER UNIQUE NOT NULL);
CREATE TABLE METADATA (metadata_id NUMERIC UNIQUE NOT NULL PRIMARY KEY, object_id INTEGER,
  key_hash VARCHAR NOT NULL, image_hash VARCHAR, path VARCHAR NOT NULL,
  file_name VARCHAR NOT NULL, extension VARCHAR NOT NULL DEFAULT '', bytes INTEGER NOT NULL,
  mtime TIMESTAMP, recursion_level INTEGER, extractee_id INTEGER DEFAULT 0,
  crc32 VARCHAR NOT NULL, md5 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL, sha256 VARCHAR NOT NULL);
CREATE TABLE APPLICATION (application_id INTEGER UNIQUE NOT NULL PRIMARY KEY,
  package_id INTEGER NOT NULL, name VARCHAR NOT NULL DEFAULT '', version VARCHAR DEFAULT '');
CREATE TABLE APPLICATION_TYPE (application_type_id INTEGER UNIQUE NOT NULL PRIMARY KEY,
  description VARCHAR NOT NULL);
CREATE TABLE APPLICATION_APPLICATION_TYPE (application_application_type_id INTEGER NOT NULL PRIMARY KEY,
  application_id INTEGER NOT NULL, application_type_id INTEGER NOT NULL);
CREATE TABLE LANGUAGE (language_id INTEGER UNIQUE NOT NULL PRIMARY KEY, name VARCHAR NOT NULL DEFAULT '');
CREATE TABLE APPLICATION_LANGUAGE (application_language_id INTEGER NOT NULL PRIMARY KEY,
  language_id INTEGER NOT NULL, application_id INTEGER NOT NULL);
CREATE TABLE OPERATING_SYSTEM (operating_system_id INTEGER UNIQUE NOT NULL PRIMARY KEY,
  name VARCHAR NOT NULL DEFAULT '', version VARCHAR NOT NULL DEFAULT '',
  architecture VARCHAR NOT NULL DEFAULT '');
CREATE TABLE OPERATING_SYSTEM_APPLICATION (operating_system_application_id INTEGER NOT NULL PRIMARY KEY,
  operating_system_id INTEGER NOT NULL, application_id INTEGER NOT NULL);
CREATE TABLE MANUFACTURER (manufacturer_id INTEGER UNIQUE NOT NULL PRIMARY KEY,
  name VARCHAR NOT NULL DEFAULT '');
CREATE TABLE MANUFACTURER_APPLICATION (manufacturer_application_id INTEGER NOT NULL PRIMARY KEY,
  manufacturer_id INTEGER NOT NULL, application_id INTEGER NOT NULL);
CREATE TABLE MANUFACTURER_OPERATING_SYSTEM (manufacturer_operating_system_id INTEGER NOT NULL PRIMARY KEY,
  operating_system_id INTEGER NOT NULL, manufacturer_id INTEGER NOT NULL);
CREATE TABLE VERSION (version VARCHAR UNIQUE NOT NULL PRIMARY KEY, build_set VARCHAR NOT NULL,
  build_date TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, release_date TIMESTAMP NOT NULL,
  description VARCHAR NOT NULL);
CREATE VIEW FILE AS SELECT UPPER(md.sha256) AS sha256, UPPER(md.sha1) AS sha1, UPPER(md.md5) AS md5,
  CASE md.extension WHEN '' THEN md.file_name ELSE md.file_name || '.' || md.extension END AS file_name,
  md.bytes AS file_size, po.package_id
  FROM METADATA AS md JOIN PACKAGE_OBJECT AS po ON md.object_id = po.object_id;
CREATE VIEW MFG AS SELECT manufacturer_id, name FROM MANUFACTURER;
CREATE VIEW OS AS SELECT o.operating_system_id, o.name, o.version, m.manufacturer_id
  FROM OPERATING_SYSTEM AS o JOIN MANUFACTURER_OPERATING_SYSTEM AS m
  ON o.operating_system_id = m.operating_system_id;
CREATE VIEW PKG AS SELECT a.package_id, a.name, a.version, osa.operating_system_id,
  ma.manufacturer_id, l.name AS language, t.description AS application_type
  FROM APPLICATION AS a
  JOIN OPERATING_SYSTEM_APPLICATION AS osa ON a.application_id = osa.application_id
  JOIN MANUFACTURER_APPLICATION AS ma ON a.application_id = ma.application_id
  JOIN APPLICATION_LANGUAGE AS al ON a.application_id = al.application_id
  JOIN LANGUAGE AS l ON al.language_id = l.language_id
  JOIN APPLICATION_APPLICATION_TYPE AS aat ON a.application_id = aat.application_id
  JOIN APPLICATION_TYPE AS t ON aat.application_type_id = t.application_type_id;
"""
    ins = ["BEGIN TRANSACTION;",
           "INSERT INTO MANUFACTURER VALUES (10,'Vigil Test Vendor');",
           "INSERT INTO OPERATING_SYSTEM VALUES (20,'Demo OS','10','x86_64');",
           "INSERT INTO MANUFACTURER_OPERATING_SYSTEM VALUES (1,20,10);",
           "INSERT INTO LANGUAGE VALUES (1,'English');",
           "INSERT INTO APPLICATION_TYPE VALUES (1,'Utility');"]
    for app, pkg in ((1, 501), (2, 502)):
        ins += ["INSERT INTO APPLICATION VALUES (%d,%d,'Vigil Demo Suite','%d.0');" % (app, pkg, app),
                "INSERT INTO OPERATING_SYSTEM_APPLICATION VALUES (%d,20,%d);" % (app, app),
                "INSERT INTO MANUFACTURER_APPLICATION VALUES (%d,10,%d);" % (app, app),
                "INSERT INTO APPLICATION_LANGUAGE VALUES (%d,1,%d);" % (app, app),
                "INSERT INTO APPLICATION_APPLICATION_TYPE VALUES (%d,%d,1);" % (app, app)]
    plan = [("hello", "txt", "hello.txt", 501, "lower"), ("hello", "txt", "hello.txt", 502, "upper"),
            ("lorem", "txt", "lorem.txt", 501, "lower"), ("notes-crlf", "txt", "notes-crlf.txt", 502, "mixed"),
            ("gradient-16x16", "png", "gradient-16x16.png", 501, "lower")]
    for i, (stem, ext, n, pkg, case) in enumerate(plan, start=1):
        d = D[n]

        def c(h):
            return h.upper() if case == "upper" else (h[:8].upper() + h[8:] if case == "mixed" else h)
        ins.append("INSERT INTO PACKAGE_OBJECT VALUES (%d,%d,%d);" % (i, pkg, 9000 + i))
        ins.append("INSERT INTO METADATA VALUES (%d,%d,%s,NULL,'demo/%s',%s,%s,%d,NULL,0,0,%s,%s,%s,%s);" % (
            i, 9000 + i, sql_quote(fake_hex(20)), stem, sql_quote(stem), sql_quote(ext), d["size"],
            sql_quote(c(d["crc32"])), sql_quote(c(d["md5"])), sql_quote(c(d["sha1"])), sql_quote(c(d["sha256"]))))
    ins += ["INSERT INTO VERSION VALUES ('2024.06.1','synthetic modern','2024-06-01 00:00:00',"
            "'2024-06-01 00:00:00','synthetic sample for vigil tests');", "COMMIT;"]
    sql = ddl + "\n".join(ins) + "\n"
    write("nsrl-rdsv3/full.sql", sql)
    build_db("nsrl-rdsv3/full.db", sql)
    expected["nsrl-rdsv3-full"] = {"file_view_rows": len(plan), "distinct_sha256": 4,
                                   "note": "one image (gradient-16x16.png) is in the benign set"}


def build_db(rel, sql):
    path = os.path.join(OUT, rel)
    if os.path.exists(path):
        os.remove(path)
    con = sqlite3.connect(path)
    con.executescript(sql)
    con.execute("VACUUM")
    con.close()


# ------------------------------------------------------------------- VICS JSON
PDNA_A = bytes((i * 37 + 11) % 256 for i in range(144))      # synthetic vectors, no image behind them
PDNA_B = bytes((b + (3 if i % 9 == 0 else 0)) % 256 for i, b in enumerate(PDNA_A))


def vics_media(D, n, media_id, category, **extra):
    d = D[n]
    m = {"MediaID": media_id, "Category": category, "MD5": d["md5"], "SHA1": d["sha1"],
         "MediaSize": d["size"]}
    m.update(extra)
    return m


def make_vics(D, ghost, expected):
    # 1.3, flat Media list, OData v3 style keys
    v13 = {"odata.metadata": "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media",
           "value": [
               dict(vics_media(D, "gradient-16x16.png", 1, 1), **{
                   "odata.id": "Media(\"%s\")" % D["gradient-16x16.png"]["md5"],
                   "VictimIdentified": True, "OffenderIdentified": False, "IsDistributed": True,
                   "Series": "TEST-SERIES-ALPHA", "IsPrecategorized": False, "Tags": "#synthetic|#test"}),
               dict(vics_media(D, "checker-8x8.bmp", 2, 2), **{
                   "odata.id": "Media(\"%s\")" % D["checker-8x8.bmp"]["md5"],
                   "VictimIdentified": False, "IsDistributed": False, "Series": None}),
               {"odata.id": "Media(\"%s\")" % ghost["md5"], "MediaID": 3, "Category": 0,
                "MD5": ghost["md5"], "SHA1": ghost["sha1"], "MediaSize": ghost["size"]},
           ]}
    write("vics/vics-1.3-media.json", json.dumps(v13, indent=2) + "\n")

    # 2.0 US profile, Cases wrapper, AlternativeHashes (SHA256, PhotoDNA) and MediaFiles;
    # booleans as strings as some exporters write them; one entry lacks MD5; one conflicts
    g, c = D["gradient-16x16.png"], D["checker-8x8.bmp"]
    media = [
        {"MediaID": 10, "Category": 1, "MD5": g["md5"].upper(), "SHA1": g["sha1"].upper(),
         "MediaSize": g["size"], "VictimIdentified": "true", "OffenderIdentified": "false",
         "IsDistributed": "true", "Series": "TEST-SERIES-ALPHA", "IsPrecategorized": "false",
         "Tags": "#synthetic", "DateUpdated": "2024-06-01T12:00:00.000Z", "MimeType": "image/png",
         "RelativeFilePath": "Media\\gradient-16x16.png",
         "AlternativeHashes": [
             {"HashName": "SHA256", "HashValue": g["sha256"], "MD5": g["md5"]},
             {"HashName": "PhotoDNA", "HashValue": base64.b64encode(PDNA_A).decode(), "MD5": g["md5"]}],
         "MediaFiles": [{"MD5": g["md5"], "FileName": "gradient-16x16.png",
                         "FilePath": "/DCIM/demo/gradient-16x16.png", "Created": "2024-05-30T08:00:00Z",
                         "Deleted": "false"}]},
        {"MediaID": 11, "Category": 3, "MD5": c["md5"], "SHA1": c["sha1"], "MediaSize": c["size"],
         "IsDistributed": False, "VictimIdentified": False, "Series": "",
         "PhotoDNA": base64.b64encode(PDNA_B).decode()},
        {"MediaID": 12, "Category": 1, "SHA1": D["name with spaces.txt"]["sha1"],
         "MediaSize": D["name with spaces.txt"]["size"], "Comments": "entry without MD5"},
        {"MediaID": 13, "Category": 2, "MD5": g["md5"], "SHA1": g["sha1"], "MediaSize": g["size"],
         "Comments": "same file as MediaID 10 with another category"},
    ]
    v20 = {"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Cases",
           "value": [{"CaseID": "00000000-0000-4000-8000-000000000001", "CaseNumber": "DEMO-2024-001",
                      "ContactOrganization": "Vigil Test Unit", "SourceApplicationName": "vigil-samples",
                      "SourceApplicationVersion": "1", "Media": media}]}
    write("vics/vics-2.0-us-cases.json", json.dumps(v20, indent=2) + "\n")

    # 2.0 "Default" profile flat Media list as a Windows tool might save it: BOM + CRLF
    flat = {"@odata.context":
            "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media",
            "value": [vics_media(D, "checker-8x8.bmp", 1, 2, DateUpdated="2024-06-01T12:00:00.000Z",
                                 IsPrecategorized="true", PrecategorizationSource="vigil-samples"),
                      vics_media(D, "gradient-16x16.png", 2, 1)]}
    text = json.dumps(flat, indent=2).replace("\n", "\r\n") + "\r\n"
    write("vics/vics-2.0-default-media-bom-crlf.json", b"\xef\xbb\xbf" + text.encode(), "wb")
    expected["vics"] = {
        "vics-1.3-media.json": {"media": 3, "match_files": ["gradient-16x16.png", "checker-8x8.bmp"]},
        "vics-2.0-us-cases.json": {"media": 4, "without_md5": 1, "conflicting_category_md5": g["md5"]},
        "vics-2.0-default-media-bom-crlf.json": {"media": 2, "bom": True, "crlf": True}}


def make_caid(D, ghost, expected):
    g, c, s = D["gradient-16x16.png"], D["checker-8x8.bmp"], D["lorem.txt"]
    media = [
        {"MediaID": 1, "Category": 1, "MD5": g["md5"], "SHA1": g["sha1"], "MediaSize": g["size"],
         "VictimIdentified": True, "IsDistributed": True, "Series": "TEST-SERIES-ALPHA"},
        {"MediaID": 2, "Category": 3, "MD5": c["md5"], "SHA1": c["sha1"], "MediaSize": c["size"]},
        {"MediaID": 3, "Category": 0, "MD5": s["md5"], "SHA1": s["sha1"], "MediaSize": s["size"]},
    ]
    doc = {"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Cases",
           "value": [{"CaseID": "{00000000-0000-4000-8000-0000000000CA}", "CaseNumber": "DEMO-UK-1",
                      "SourceApplicationName": "vigil-samples", "Media": media}]}
    write("caid/caid-vics-uk-cases.json", json.dumps(doc, indent=2) + "\n")
    expected["caid"] = {"caid-vics-uk-cases.json": {
        "media": 3, "test_category_map": {"0": "not-indecent", "1": "A", "2": "B", "3": "C"}}}


def make_icse(D, ghost, expected):
    head = ("MD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim identified;Offender identified;"
            "Series name;Number of submissions;File Available;Media Type;Baseline")
    g, c = D["gradient-16x16.png"], D["checker-8x8.bmp"]
    rows = [head,
            "%s;%s;%s;1001;Yes;Yes;No;TEST SERIES ALPHA;3;Yes;Image;No" % (
                g["md5"].upper(), g["sha1"].upper(), base64.b64encode(PDNA_A).decode()),
            "%s;%s;;1002;n;n;n;;1;y;Image;y" % (c["md5"], c["sha1"]),
            "%s;;;1003;No;No;No;\"series; with semicolon\";1;No;Video;No" % ghost["md5"]]
    write("icse/icse-export.csv", "\r\n".join(rows) + "\r\n", newline="")
    expected["icse"] = {"icse-export.csv": {"rows": 3, "delimiter": ";"}}


def make_ncmec(D, ghost, expected):
    g, c = D["gradient-16x16.png"], D["checker-8x8.bmp"]
    xml = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<queryResult xmlns="https://hashsharing.ncmec.org/hashsharing/v2">
  <images count="3" maxTimestamp="2024-06-01T12:10:00Z">
    <image>
      <member id="900">Vigil Test Member</member>
      <timestamp>2024-06-01T12:00:00Z</timestamp>
      <id>sample-image-1</id>
      <classification>A1</classification>
      <fingerprints>
        <md5>%s</md5>
        <sha1>%s</sha1>
        <pdna>%s</pdna>
      </fingerprints>
    </image>
    <image>
      <member id="900">Vigil Test Member</member>
      <timestamp>2024-06-01T12:05:00Z</timestamp>
      <id>sample-image-2</id>
      <classification>B2</classification>
      <fingerprints>
        <md5>%s</md5>
      </fingerprints>
    </image>
    <deletedImage>
      <member id="900">Vigil Test Member</member>
      <id>sample-image-0</id>
      <timestamp>2024-06-01T12:10:00Z</timestamp>
    </deletedImage>
  </images>
  <paging>
    <next>/v2/entries?from=2024-06-01T00%%3A00%%3A00.000Z&amp;to=2024-06-02T00%%3A00%%3A00.000Z&amp;start=1001&amp;size=1000&amp;max=2000</next>
  </paging>
</queryResult>
""" % (g["md5"], g["sha1"], ",".join(str(b) for b in PDNA_A), c["md5"])
    write("ncmec/hashsharing-v2-entries.xml", xml)
    expected["ncmec"] = {"hashsharing-v2-entries.xml": {"images": 2, "deleted": 1}}


def make_hashkeeper(D, ghost, expected):
    head = ('"file_id","hashset_id","file_name","directory","hash","file_size","date_modified",'
            '"time_modified","time_zone","comments","date_accessed","time_accessed"')
    rows = [head]
    for i, n in enumerate(("hello.txt", "lorem.txt", "notes-crlf.txt"), start=1):
        d = D[n]
        rows.append('%d,77,"%s","\\demo\\docs","%s",%d,01/06/2024,12:00:00,"UTC","",,' % (
            i, n, d["md5"].upper(), d["size"]))
    write("hashkeeper/hashkeeper.csv", "\r\n".join(rows) + "\r\n", newline="")
    expected["hashkeeper"] = {"hashkeeper.csv": {"rows": 3}}
    if shutil.which("hfind"):
        p = os.path.join(OUT, "hashkeeper", "hashkeeper.csv")
        # hfind builds the index, but its lookups in this format read from offsets
        # that leave out the header line (sleuthkit 4.11), so only the build is checked.
        subprocess.run(["hfind", "-i", "hk", p], check=True, capture_output=True)
        for f in os.listdir(os.path.dirname(p)):
            if ".idx" in f:
                os.remove(os.path.join(os.path.dirname(p), f))


def make_encase(D, ghost, expected):
    """Legacy (EnCase 6-era) binary .hash: 8-byte magic, set name as UTF-16LE at
    offset 1032, 18-byte records from offset 1152 (16-byte MD5 + 2 bytes), sorted.
    Header bytes not described publicly are left zero."""
    header = bytearray(1152)
    header[0:8] = b"HASH\r\n\xff\x00"
    name = "Vigil synthetic set".encode("utf-16-le")
    header[1032:1032 + len(name)] = name
    md5s = sorted(bytes.fromhex(D[n]["md5"]) for n in ("hello.txt", "lorem.txt", "checker-8x8.bmp"))
    md5s.append(bytes.fromhex(ghost["md5"]))
    md5s.sort()
    body = b"".join(m + b"\x00\x00" for m in md5s)
    write("encase/legacy-md5.hash", bytes(header) + body, "wb")
    expected["encase"] = {"legacy-md5.hash": {"records": 4, "name": "Vigil synthetic set"}}
    if shutil.which("hfind"):
        p = os.path.join(OUT, "encase", "legacy-md5.hash")
        subprocess.run(["hfind", "-i", "encase", p], check=True, capture_output=True)
        hit = run(["hfind", "-q", p, D["checker-8x8.bmp"]["md5"]], OUT)
        assert hit.strip().endswith("1"), hit
        for f in os.listdir(os.path.dirname(p)):
            if ".idx" in f:
                os.remove(os.path.join(os.path.dirname(p), f))


def make_photodna(expected):
    sq = sum((a - b) ** 2 for a, b in zip(PDNA_A, PDNA_B))
    lines = ["id,base64,hex",
             "synthetic-a,%s,%s" % (base64.b64encode(PDNA_A).decode(), PDNA_A.hex()),
             "synthetic-b,%s,%s" % (base64.b64encode(PDNA_B).decode(), PDNA_B.hex())]
    write("photodna/synthetic-vectors.csv", "\n".join(lines) + "\n")
    expected["photodna"] = {"synthetic-vectors.csv": {
        "length_bytes": 144, "base64_chars": 192, "hex_chars": 288,
        "sq_euclidean_a_b": sq, "note": "made-up vectors; not derived from any image"}}


if __name__ == "__main__":
    main()
