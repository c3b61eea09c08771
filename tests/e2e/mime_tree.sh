#!/usr/bin/env bash
# vigil scan's mime against `file --mime-type` on a real Debian tree: every
# MIME_TREE_STEP-th regular file of MIME_TREE (default /usr/share, every 25th,
# in name order, up to 4 MiB each) is copied and scanned; every difference must
# be one of the known ones below, each with its reason. Prints the table of
# (vigil, file) pairs that differ, with counts.
. "$(dirname "$0")/lib.sh"
TREE=${MIME_TREE:-/usr/share}
STEP=${MIME_TREE_STEP:-25}
if ! command -v file >/dev/null || [ ! -d "$TREE" ]; then
  echo "1..0 # SKIP file(1) or $TREE missing"
  exit 0
fi

# Copies under numbered names: the tree's own names may hold anything, file(1) prints them raw.
python3 - "$TREE" "$STEP" "$T/tree" <<'PY'
import os, shutil, stat, sys
tree, step, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(dst)
files = []
for d, dirs, names in os.walk(tree):
    dirs.sort()
    for name in names:
        p = os.path.join(d, name)
        try:
            st = os.lstat(p)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and st.st_size <= 4 << 20:
            files.append(p)
files.sort()
for i, p in enumerate(files[step - 1::step], 1):
    try:
        shutil.copyfile(p, os.path.join(dst, str(i)))
    except OSError:
        pass
PY
n=$(find "$T/tree" -type f | wc -l)
like "sample of $TREE has files" "$n" '^[1-9][0-9]+$'

vigil scan --quiet --no-sets --no-pdq --no-archives --jsonl "$T/out.jsonl" "$T/tree" >/dev/null 2>"$T/err"
is "scan exits 0" "$?" "0"
(cd "$T/tree" && find . -type f -printf '%P\0' | xargs -0 file --mime-type -N -F $'\t' >"$T/file.tsv")

python3 - "$T/out.jsonl" "$T/file.tsv" "$T/tree" >"$T/verdict" <<'PY'
import json, os, sys
from collections import Counter
# Known differences, each with its reason. "big" ones only where the file is
# larger than the 16 KiB prefix libmagic sees in vigil (file reads far more);
# "any" ones whatever the size.
PREFIX = 16 * 1024
KNOWN = {
    ("text/plain", "application/json"): ("big", "file parses the whole JSON document; vigil's prefix ends inside it"),
    ("text/plain", "application/javascript"): ("big", "file finds the script marker further in"),
    ("text/html", "application/javascript"): ("big", "file finds the script marker further in"),
    ("text/plain", "application/octet-stream"): ("big", "a control byte after the prefix makes file call it data"),
    ("application/octet-stream", "text/plain"): ("big", "the prefix ends inside a multi-byte character"),
    ("text/plain", "text/html"): ("big", "file's HTML tag search reaches past the prefix"),
    ("text/plain", "text/xml"): ("big", "file's XML search reaches past the prefix"),
    ("text/html", "application/json"): ("big", "file parses the whole JSON document; vigil's prefix ends inside it"),
    ("application/x-sharedlib", "application/x-pie-executable"):
        ("any", "libmagic reads the PIE flag of the dynamic section through a descriptor; magic_buffer cannot"),
    # vigil's text classifier names these itself (docs/architecture.md, "MIME typing"): file's
    # keyword guesses that fire on prose, configuration and manuals are not kept.
    ("text/plain", "text/x-asm"): ("any", "file's assembler guess fires on ordinary text"),
    ("text/plain", "text/x-Algol68"): ("any", "file's Algol 68 guess fires on words like MODE and REF"),
    ("text/plain", "application/javascript"): ("any", "file's JavaScript guess fires on '//' comments and 'function'"),
    ("text/troff", "application/javascript"): ("any", "a manual page quoting code: file's JavaScript guess outranks troff"),
    ("text/html", "application/javascript"): ("any", "HTML with a script: file's JavaScript guess outranks HTML"),
    ("text/troff", "text/x-c"): ("any", "a manual page quoting C: file's C keyword rule outranks troff"),
    ("text/troff", "text/x-c++"): ("any", "a manual page quoting C++: file's keyword rule outranks troff"),
    ("text/troff", "text/x-script.python"): ("any", "a manual page quoting Python: file's keyword rule outranks troff"),
    ("text/troff", "text/x-makefile"): ("any", "a manual page quoting a makefile: file's keyword rule outranks troff"),
    ("text/troff", "text/html"): ("any", "a manual page quoting HTML tags: file's HTML search outranks troff"),
    ("text/html", "text/plain"): ("any", "text quoting an HTML tag in its first 4 KiB (Perl POD): file calls some plain"),
    ("text/html", "text/x-script.python"): ("any", "a script quoting HTML tags: vigil names the HTML"),
    ("text/html", "text/x-c"): ("any", "a source quoting HTML tags: vigil names the HTML"),
    ("text/plain", "text/x-lisp"): ("any", "a rarer text type whose keywords vigil's marks do not look for"),
    ("text/plain", "application/vnd.hp-HPGL"): ("any", "a rarer text type whose keywords vigil's marks do not look for"),
    ("text/plain", "text/x-msdos-batch"): ("any", "a rarer text type whose keywords vigil's marks do not look for"),
    ("text/plain", "application/x-wine-extension-ini"): ("any", "a rarer text type whose keywords vigil's marks do not look for"),
    ("text/plain", "message/news"): ("any", "a rarer text type whose keywords vigil's marks do not look for"),
    ("text/plain", "text/x-ruby"): ("any", "a rarer text type whose keywords vigil's marks do not look for"),
    ("text/plain", "text/x-tex"): ("any", "a TeX keyword past the marks vigil looks for"),
    ("text/plain", "text/x-c"): ("any", "a C keyword rule vigil's marks do not look for"),
    # C sources, makefiles and m4 with marks of one kind only are named by vigil (sniff_text_hints.c)
    ("text/x-c", "application/javascript"): ("any", "a C header: file's JavaScript guess outranks its C rules"),
    ("text/x-c", "text/plain"): ("any", "C marks under a stronger rule of file's that names no type (XBM on a header defining NAME_width)"),
    ("text/x-m4", "text/plain"): ("any", "m4 marks file's m4 rules do not accept (AC_DEFUN only in comments)"),
    ("text/x-makefile", "text/plain"): ("any", "make marks under a stronger rule of file's that names no type"),
    ("text/plain", "text/x-c++"): ("any", "a C++ keyword rule vigil's marks do not look for"),
    ("text/plain", "text/x-java"): ("any", "a Java keyword rule vigil's marks do not look for"),
    ("text/plain", "text/troff"): ("any", "a troff rule vigil's classifier does not apply"),
    ("text/plain", "application/pgp-keys"): ("any", "armoured key text vigil's classifier does not look for"),
    ("text/troff", "application/x-sega-pico-rom"): ("any", "file's binary ROM rule on text; vigil names the troff"),
    ("application/octet-stream", "application/x-dosexec"):
        ("any", "file's DOS COM guess from one jump or move opcode; on random data too"),
    ("application/octet-stream", "application/zlib"): ("any", "file's two-byte zlib guess; on random data too"),
    ("application/octet-stream", "audio/x-mp4a-latm"): ("any", "file's LOAS sync-word guess; on random data too"),
}
out, tsv, tree = sys.argv[1:4]
vig = {}
for line in open(out, encoding="utf-8", errors="surrogateescape"):
    o = json.loads(line)
    if "path" in o and not o.get("containers"):
        vig[os.path.basename(o["path"])] = o.get("mime")
pairs, bad, total = Counter(), [], 0
for line in open(tsv, encoding="utf-8", errors="surrogateescape"):
    name, want = line.rstrip("\n").split("\t", 1)
    want = want.strip()
    got = vig.get(name)
    total += 1
    if got == want:
        continue
    pairs[(got, want)] += 1
    why = KNOWN.get((got, want))
    if not why or (why[0] == "big" and os.path.getsize(os.path.join(tree, name)) <= PREFIX):
        bad.append((name, got, want))
agree = total - sum(pairs.values())
print(f"# {total} files, {agree} agree with file ({100.0 * agree / max(total, 1):.2f}%)")
for (g, w), c in pairs.most_common():
    print(f"# {c:6d}  vigil {g}  file {w}  ({KNOWN.get((g, w), ('', 'UNEXPLAINED'))[1]})")
for name, g, w in bad[:20]:
    print(f"# unexplained: {name}: vigil {g}, file {w}")
print("unexplained", len(bad))
PY
cat "$T/verdict" | grep '^#'
is "every difference from file(1) is a known one" "$(grep ^unexplained "$T/verdict")" "unexplained 0"
done_testing
