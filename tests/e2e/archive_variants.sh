#!/usr/bin/env bash
# Every archive variant libarchive reads is opened: old tar and cpio framings, self-extracting
# programs, zstd behind skippable frames, lz4 legacy frames, ar, RPM, CAB, LHA, RAR 4 and 5, xar.
# Some are made here with the old tools, the others come from libarchive's own test suite
# (tests/data/archives/README.md). A crafted xar that hangs libarchive's reader is opened in a
# parser worker and costs one `timeout` item; without isolation it is named and left closed.
. "$(dirname "$0")/lib.sh"

A=$TESTDATA/archives
S=$T/src
E=$T/ev
mkdir -p "$S" "$E"
printf 'one\n' >"$S/a.txt"
printf 'two\n' >"$S/b.txt"
cd "$S"
tar --format=v7 -cf "$E/v7.tar" a.txt b.txt
printf 'a.txt\nb.txt\n' | cpio -o -H bin --quiet >"$E/bin.cpio"
printf 'a.txt\nb.txt\n' | cpio -o -H odc --quiet >"$E/odc.cpio"
zip -q "$T/plain.zip" a.txt b.txt
cat /bin/true "$T/plain.zip" >"$E/sfx-zip.bin"
ar rc "$E/lib.a" a.txt b.txt
lz4 -q -l -c a.txt >"$E/legacy.lz4"
zstd -q -c a.txt >"$T/a.zst"
python3 -c "
import struct, sys
skip = struct.pack('<II', 0x184D2A50, 8) + b'metadata'
open(sys.argv[1], 'wb').write(skip + open(sys.argv[2], 'rb').read())" "$E/skippable.zst" "$T/a.zst"
# compressed empty files (man pages of Debian packages are such): nothing inside, and no error
: | gzip -9 >"$E/empty.gz"
: | xz >"$E/empty.xz"
cp "$A"/*.exe "$A"/*.rpm "$A"/*.lzh "$A"/*.rar "$A"/*.cab "$A"/xar_plain.xar "$E/"
cd "$T"

timeout 120 "$VIGIL" scan --no-sets --quiet --jobs 2 --jsonl out.jsonl ev
is "the scan ends cleanly" "$?" "0"
members() { jl out.jsonl "sorted(i['path'].lstrip('./') for i in items if i['container'] == 'ev/$1')"; }
is "v7 tar (no magic)" "$(members v7.tar)" "['a.txt', 'b.txt']"
is "old binary cpio" "$(members bin.cpio)" "['a.txt', 'b.txt']"
is "odc cpio" "$(members odc.cpio)" "['a.txt', 'b.txt']"
is "a zip appended to a program" "$(members sfx-zip.bin)" "['a.txt', 'b.txt']"
is "a 7z appended to a PE program" "$(members 7zip_sfx_modified_pe.exe)" "['test.txt.txt']"
is "ar" "$(members lib.a)" "['a.txt', 'b.txt']"
is "lz4 legacy frame: one member" "$(members legacy.lz4 | tr -d "[]'" | wc -w)" "1"
is "zstd behind a skippable frame: one member" "$(members skippable.zst | tr -d "[]'" | wc -w)" "1"
is "the zstd member's bytes" "$(jl out.jsonl "[i['md5'] for i in items if i['container'] == 'ev/skippable.zst']")" \
  "['$(md5sum src/a.txt | cut -d' ' -f1)']"
is "RPM" "$(members cpio_svr4_gzip_rpm.rpm)" "['etc/file1', 'etc/file2', 'etc/file3']"
is "LHA lh6" "$(members lha_lh6.lzh)" "['dir2/symlink1', 'dir2/symlink2', 'file1', 'file2']"
is "LHA with UTF-16 names" "$(members lha_filename_utf16.lzh)" \
  "['ÜÖÄüöä/äöüÄÖÜ.txt', 'ÜÖÄüöä/テスト.txt', 'äöüÄÖÜ.txt', 'テスト/äöüÄÖÜ.txt']"
like "RAR 4 with Unicode names" "$(members rar_unicode.rar)" "表だよ/漢字長いファイル名long-filename-in-漢字.txt"
like "RAR 5 with names outside the BMP" "$(members rar5_unicode.rar)" "👋🌎.txt"
is "CAB" "$(members cab_1.cab)" "['dir1/file1', 'dir2/file2', 'empty']"
is "xar" "$(members xar_plain.xar)" "['dir/second.txt', 'hello.txt']"
is "the xar's member bytes" "$(jl out.jsonl "[i['md5'] for i in items if i['path'] == 'hello.txt']")" \
  "['$(printf 'hello from a xar\n' | md5sum | cut -d' ' -f1)']"
is "a compressed empty file: an item with nothing inside, not an error" \
  "$(jl out.jsonl "sorted((i['path'], i['verdict']) for i in items if 'empty.' in i['path'] or 'empty.' in (i['container'] or ''))")" \
  "[('ev/empty.gz', 'unknown'), ('ev/empty.xz', 'unknown')]"
is "no error item" "$(jl out.jsonl "summary['error']")" "0"

# the crafted xar on which libarchive 3.6 loops: its worker is killed after --item-timeout
mkdir -p xl && cp "$A/xar_doublelink.xar" xl/ && printf 'after\n' > xl/z.txt
timeout 120 "$VIGIL" scan --no-sets --quiet --jobs 2 --item-timeout 2 --jsonl xl.jsonl xl
is "the looping xar: the scan ends normally" "$?" "0"
is "the looping xar: one timeout item in libarchive, the file after it read" \
  "$(jl xl.jsonl "[(i['path'], i.get('error_kind'), i['error']) for i in items if i['verdict'] == 'error'], sorted(i['path'] for i in items if i['verdict'] != 'error')")" \
  "([('xl/xar_doublelink.xar', 'timeout', 'parser timed out after 2 s in libarchive')], ['xl/xar_doublelink.xar', 'xl/z.txt'])"
timeout 120 "$VIGIL" scan --no-sets --quiet --no-isolation --jsonl xl-plain.jsonl xl
is "without isolation the looping xar is named, not opened" \
  "$(jl xl-plain.jsonl "[(i['path'], i['mime'], i['error']) for i in items if i['path'].endswith('.xar')]")" \
  "[('xl/xar_doublelink.xar', 'application/x-xar', None)]"

# A program that only contains the 7z signature bytes (libarchive itself does) is not opened.
lib=$(ldconfig -p 2>/dev/null | sed -n 's/.*libarchive\.so\.13 .*=> //p' | head -1)
if [ -n "$lib" ]; then
  mkdir -p prog && cp "$lib" prog/
  "$VIGIL" scan --no-sets --quiet --jsonl prog.jsonl prog
  is "a program holding the 7z signature bytes: one item, no error" \
    "$(jl prog.jsonl "(summary['items'], summary['error'])")" "(1, 0)"
else
  skip "a program holding the 7z signature bytes" "no libarchive.so.13 found by ldconfig"
fi

# Malformed data is `corrupt`, named at the layer that failed and where: a tar whose second header
# is damaged (its checksum no longer matches), inside a zip; a zip member whose stored bytes fail
# their CRC. The summary and the CSV count the kind.
mkdir -p bad
python3 - "$T/bad.tar" "$T/crc.zip" <<'PY'
import io, sys, tarfile, zipfile
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode='w', format=tarfile.USTAR_FORMAT) as t:
    for name, data in (('one.txt', b'one\n'), ('two.txt', b'two\n')):
        info = tarfile.TarInfo(name)
        info.size, info.mtime = len(data), 0
        t.addfile(info, io.BytesIO(data))
tar = bytearray(buf.getvalue())
assert tar[1024:1031] == b'two.txt'  # header 512 bytes, one.txt's data padded to 512
tar[1024] ^= 0x20
open(sys.argv[1], 'wb').write(tar)
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w', zipfile.ZIP_STORED) as z:
    z.writestr('good.txt', b'good\n')
    z.writestr('bad.txt', b'three little words\n')
data = buf.getvalue()
assert data.count(b'little') == 1
open(sys.argv[2], 'wb').write(data.replace(b'little', b'LITTLE'))
PY
(cd "$T" && zip -q bad/evidence.zip bad.tar && cp crc.zip bad/)
"$VIGIL" scan --no-sets --jsonl bad.jsonl --csv bad.csv bad >/dev/null 2>bad.err
is "corrupt: the scan ends normally (exit 0)" "$?" "0"
is "corrupt tar header: the tar inside the zip, its offset, the kind" \
  "$(jl bad.jsonl "[(i['containers'], i['path'], i['type'], i.get('error_kind'), i['error']) for i in items if i['path'] == 'bad.tar' and i['verdict'] == 'error']")" \
  "[(['bad/evidence.zip'], 'bad.tar', 'archive', 'corrupt', 'corrupt at offset 1024 after 1 members: Damaged tar archive')]"
is "corrupt tar header: the member before it is read" \
  "$(jl bad.jsonl "[(i['containers'], i['path'], i['verdict']) for i in items if i['path'] == 'one.txt']")" \
  "[(['bad/evidence.zip', 'bad.tar'], 'one.txt', 'unknown')]"
# (libarchive checks a stored member's CRC before it hands back its last bytes: none came back good)
like "corrupt member: its CRC fails, at the offset of the bytes handed back good" \
  "$(jl bad.jsonl "[(i['container'], i.get('error_kind'), i['error']) for i in items if i['path'] == 'bad.txt']")" \
  "^\\[\\('bad/crc.zip', 'corrupt', 'corrupt at offset 0: ZIP bad CRC: 0x[0-9a-f]+ should be 0x[0-9a-f]+'\\)\\]$"
is "corrupt member: the other member is read" \
  "$(jl bad.jsonl "[i['verdict'] for i in items if i['path'] == 'good.txt']")" "['unknown']"
is "corrupt: the summary counts the kind" "$(jl bad.jsonl "(summary['error'], summary['errors']['corrupt'])")" "(2, 2)"
check "corrupt: JSONL well formed, counts add up" python3 "$E2E_DIR/jl.py" bad.jsonl check
is "corrupt: the CSV's error_kind column" \
  "$(python3 -c 'import csv,sys; print(sorted((r["path"], r["error_kind"]) for r in csv.DictReader(open(sys.argv[1], newline="")) if r["verdict"] == "error"))' bad.csv)" \
  "[('bad.tar', 'corrupt'), ('bad.txt', 'corrupt')]"
like "corrupt: stderr names the layers and the offset" "$(cat bad.err)" \
  "^vigil: bad/evidence.zip!/bad.tar: corrupt at offset 1024 after 1 members: Damaged tar archive$"
done_testing
