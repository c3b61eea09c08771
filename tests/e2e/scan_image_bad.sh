#!/usr/bin/env bash
# Bad disk images: each is an error item with the reason, the rest of the image is still
# scanned and the counts add up. Truncated image, E01 with a segment missing, a corrupted
# E01 chunk (caught by --verify-image too), a partition past the end, a damaged superblock
# and a damaged MFT, an unknown file system.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
cd "$T"
vigil hashset import --name test-known --kind illegal "$T/known.md5" >/dev/null
mkdir -p ev

# ---- truncated image: files past the end are error items, the rest is read ----
img_tree "$T/tree"
head -c 3000000 /dev/urandom >"$T/tree/zz-big.bin"
mke2fs -q -t ext4 -d "$T/tree" "$T/full.img" 16M >/dev/null
used=$(fls -r -p "$T/full.img" | awk '$NF=="zz-big.bin" {sub(":","",$2); print $2}')
last=$(istat "$T/full.img" "$used" | awk '/^Direct Blocks:/ {f=1; next} f && NF {for (i=1;i<=NF;i++) b=$i} END {print b}')
head -c $(((last - 100) * 1024)) "$T/full.img" >ev/truncated.img
vigil scan --quiet --jsonl trunc.jsonl ev/truncated.img; rc=$?
is "truncated image: scan completes (exit 0)" "$rc" "0"
is "truncated image: counts add up" "$(jl trunc.jsonl check)" "ok"
like "truncated image: the file past the end is an error item with the reason" \
  "$(jl trunc.jsonl "(by_path['zz-big.bin']['verdict'], by_path['zz-big.bin']['error'])")" "'error', '.*(read|past|end|offset)"
is "truncated image: the file's error is of kind corrupt" "$(jl trunc.jsonl "by_path['zz-big.bin'].get('error_kind')")" "corrupt"
is "truncated image: the files before it are read" "$(jl trunc.jsonl "(by_path['notes.txt']['verdict'], by_path['known.jpg']['verdict'])")" "('unknown', 'illegal')"

# ---- E01: a segment missing, a chunk corrupted ----
make_fat "$T/fat.img" 8192
ewfacquire -u -q -t "$T/ev/seg" -c none -S 1M "$T/fat.img" >/dev/null 2>&1
mkdir -p ev/missing && cp ev/seg.E* ev/missing/ && rm ev/missing/seg.E03
vigil scan --quiet --jsonl miss.jsonl ev/missing/seg.E01; rc=$?
is "E01 segment missing: scan completes" "$rc" "0"
like "E01 segment missing: an image error item with the reason" \
  "$(jl miss.jsonl "[(i['type'], i['path'], i['error']) for i in items if i['verdict'] == 'error']")" "^\[\('image', 'ev/missing/seg.E01', 'EWF segment files incomplete or damaged: 2 segment\(s\) found in sequence.+'\)\]$"
is "E01 segment missing: the image items (the set, the media's end) are of kind corrupt" \
  "$(jl miss.jsonl "[i.get('error_kind') for i in items if i['type'] == 'image']")" "['corrupt', 'corrupt']"
is "E01 segment missing: what the segments before it hold is still read" "$(jl miss.jsonl "by_path['pics/a.jpg']['verdict']")" "unknown"
rm ev/missing/seg.E01
vigil scan --quiet --jsonl miss1.jsonl ev/missing/seg.E02
is "E01 first segment missing: an image error item saying which to name" "$(jl miss1.jsonl "[(i['type'], i['error']) for i in items]")" \
  "[('image', 'not the first segment of its set (segment 2): name the first one (.E01)')]"
is "E01 segment missing: counts add up" "$(jl miss.jsonl check)" "ok"

# ---- one E01 segment cut in half ----
mkdir -p ev/cut
ewfacquire -u -q -t "$T/ev/cut/one" -c none "$T/fat.img" >/dev/null 2>&1
head -c $(($(stat -c %s ev/cut/one.E01) / 2)) ev/cut/one.E01 >ev/cut/half.E01 && rm ev/cut/one.E01
vigil scan --quiet --jsonl cut.jsonl ev/cut/half.E01; rc=$?
is "E01 cut in half: scan completes" "$rc" "0"
is "E01 cut in half: image items of kind corrupt, the set incomplete and the media's end unreadable" \
  "$(jl cut.jsonl "[(i['type'], i['error_kind'], i['error'].split(':')[0]) for i in items if i['type'] == 'image']")" \
  "[('image', 'corrupt', 'EWF segment files incomplete or damaged'), ('image', 'corrupt', 'media incomplete')]"
is "E01 cut in half: counts add up, errors by kind" \
  "$(jl cut.jsonl "(summary['error'] == sum(summary['errors'].values()), summary['errors']['corrupt'] >= 2)")" "(True, True)"

mkdir -p ev/bad && cp ev/seg.E* ev/bad/
# Overwrite bytes inside the chunk that holds pics/a.jpg (segments store chunks uncompressed here).
read -r seg off < <(python3 -c "
import glob, sys
head = open(sys.argv[1], 'rb').read()[:64]
for f in sorted(glob.glob('ev/bad/seg.E*')):
    i = open(f, 'rb').read().find(head)
    if i >= 0:
        print(f, i + 1000); break" "$T/photos/a.jpg")
printf 'CORRUPTED-CHUNK-CORRUPTED-CHUNK!' | dd of="$seg" bs=1 seek="$off" conv=notrunc status=none
vigil scan --quiet --verify-image --jsonl crc.jsonl ev/bad/seg.E01 2>"$T/crc.err"; rc=$?
is "corrupted chunk: scan completes" "$rc" "0"
is "corrupted chunk: counts add up" "$(jl crc.jsonl check)" "ok"
like "corrupted chunk: the file in it is an error item naming the checksum, not a wrong digest" \
  "$(jl crc.jsonl "(by_path['pics/a.jpg']['verdict'], by_path['pics/a.jpg']['md5'], by_path['pics/a.jpg']['error'])")" \
  "^\('error', None, 'read error at byte [0-9]+: E01 media bytes [0-9]+-[0-9]+ unreadable: chunk checksum error or segment file missing'\)$"
is "corrupted chunk: files outside the chunk are read, every failure names the checksum" \
  "$(jl crc.jsonl "(any(i['verdict'] != 'error' for i in items if i['type'] == 'file'), all('checksum' in i['error'] for i in items if i['verdict'] == 'error'))")" "(True, True)"
is "corrupted chunk: the files in it are of kind corrupt" \
  "$(jl crc.jsonl "sorted(set(i.get('error_kind') for i in items if i['verdict'] == 'error'))")" "['corrupt']"
is "corrupted chunk: --verify-image reports a mismatch" "$(jl crc.jsonl "summary['image_verification']['ev/bad/seg.E01']['result']")" "mismatch"
is "corrupted chunk: the chunk's checksum error is counted" "$(jl crc.jsonl "summary['image_verification']['ev/bad/seg.E01']['checksum_errors'] >= 1")" "True"
like "corrupted chunk: said on stderr" "$(cat "$T/crc.err")" "ev/bad/seg.E01: image verification: mismatch"
is "corrupted chunk: the intact copy verifies" "$(vigil scan --quiet --verify-image --jsonl - ev/seg.E01 | tail -n 1 | python3 -c "import json,sys; print(json.load(sys.stdin)['summary']['image_verification']['ev/seg.E01']['result'])")" "verified"

# ---- partition table pointing past the end ----
truncate -s 40M "$T/big.img"
printf 'label: dos\nstart=2048, size=16384, type=6\nstart=18432, size=53248, type=83\n' | sfdisk -q "$T/big.img"
dd if="$T/fat.img" of="$T/big.img" bs=512 seek=2048 conv=notrunc status=none
head -c $((20 * 1024 * 1024)) "$T/big.img" >ev/pastend.img
vigil scan --quiet --jsonl past.jsonl ev/pastend.img; rc=$?
is "partition past the end: scan completes" "$rc" "0"
like "partition past the end: error item naming it" \
  "$(jl past.jsonl "[(i['type'], i['path'], i['error']) for i in items if i['verdict'] == 'error']")" \
  "^\[\('filesystem', 'p2 \(offset 9437184\)', 'partition table entry points past the end of the image"
is "partition past the end: of kind corrupt" "$(jl past.jsonl "[i.get('error_kind') for i in items if i['verdict'] == 'error']")" "['corrupt']"
is "partition past the end: the first partition is read" "$(jl past.jsonl "[i['allocated'] for i in items if i['verdict'] == 'illegal']")" "[False]"
is "partition past the end: counts add up" "$(jl past.jsonl check)" "ok"

# ---- damaged superblock in one partition, the other still read ----
truncate -s 40M ev/sb.img
printf 'label: dos\nstart=2048, size=16384, type=6\nstart=18432, size=32768, type=83\n' | sfdisk -q ev/sb.img
make_ext4 "$T/p2.img" 16M
dd if="$T/fat.img" of=ev/sb.img bs=512 seek=2048 conv=notrunc status=none
dd if="$T/p2.img" of=ev/sb.img bs=512 seek=18432 conv=notrunc status=none
dd if=/dev/zero of=ev/sb.img bs=1024 seek=$((18432 / 2 + 1)) count=1 conv=notrunc status=none  # ext4 superblock
vigil scan --quiet --jsonl sb.jsonl ev/sb.img
like "damaged superblock: an error item for that partition with the reason" \
  "$(jl sb.jsonl "[(i['type'], i['path'], i['error']) for i in items if i['verdict'] == 'error']")" \
  "^\[\('filesystem', 'p2 \(offset 9437184\)', 'no file system could be opened: .+; its partition type \(Linux.*\) names one'\)\]$"
is "damaged superblock: of kind corrupt (the partition type names a file system)" \
  "$(jl sb.jsonl "[i.get('error_kind') for i in items if i['verdict'] == 'error']")" "['corrupt']"
is "damaged superblock: the other partition is read" "$(jl sb.jsonl "sorted(i['path'] for i in items if i['verdict'] == 'illegal')")" "['_nown.jpg']"
is "damaged superblock: counts add up" "$(jl sb.jsonl check)" "ok"

# ---- damaged MFT ----
truncate -s 16M "$T/ntfs.img" && mkntfs -F -Q -q "$T/ntfs.img" 2>/dev/null
ntfscp "$T/ntfs.img" "$T/photos/a.jpg" a.jpg >/dev/null 2>&1
mft=$(python3 -c "import struct,sys; b=open(sys.argv[1],'rb').read(512); print(struct.unpack('<Q', b[48:56])[0] * b[13] * struct.unpack('<H', b[11:13])[0])" "$T/ntfs.img")
cp "$T/ntfs.img" ev/mft.img
dd if=/dev/urandom of=ev/mft.img bs=1024 seek=$((mft / 1024)) count=4 conv=notrunc status=none  # $MFT's own records
vigil scan --quiet --jsonl mft.jsonl ev/mft.img; rc=$?
is "damaged MFT: scan completes" "$rc" "0"
like "damaged MFT: an error item with the reason" "$(jl mft.jsonl "[(i['type'], i['error']) for i in items if i['verdict'] == 'error']")" \
  "\('filesystem', '.+'\)"
is "damaged MFT: of kind corrupt, the volume's NTFS signature says a file system was there" \
  "$(jl mft.jsonl "[(i.get('error_kind'), i['error'].endswith('carry the NTFS signature: it is damaged')) for i in items if i['type'] == 'filesystem']")" \
  "[('corrupt', True)]"
is "damaged MFT: counts add up" "$(jl mft.jsonl check)" "ok"

# ---- qcow2 cut short, and one whose L1 table points past its end (libqcow would copy past its buffer) ----
if command -v qemu-img >/dev/null; then
  mkdir -p ev/qcow
  head -c 3000000 /dev/urandom >"$T/big.bin"
  cp "$T/fat.img" "$T/fatq.img" && mcopy -i "$T/fatq.img" "$T/big.bin" ::/
  qemu-img convert -O qcow2 "$T/fatq.img" "$T/whole.qcow2"
  head -c $(($(stat -c %s "$T/whole.qcow2") / 2)) "$T/whole.qcow2" >ev/qcow/cut.qcow2
  python3 - "$T/whole.qcow2" ev/qcow/l1.qcow2 <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
l1 = struct.unpack(">Q", b[40:48])[0]
b[l1:l1 + 8] = struct.pack(">Q", 0x7FFFFFFF0000)  # the first L2 table, far past the end of the file
open(sys.argv[2], "wb").write(b)
PY
  vigil scan --quiet --jsonl qcut.jsonl ev/qcow/cut.qcow2 2>qcut.err; rc=$?
  is "qcow2 cut in half: scan completes, nothing on stderr" "$rc $(head -c 300 qcut.err)" "0 "
  like "qcow2 cut in half: one image item of kind corrupt saying how much is lost and from where" \
    "$(jl qcut.jsonl "[(i['error_kind'], i['error']) for i in items if i['type'] == 'image']")" \
    "^\[\('corrupt', 'qcow image ev/qcow/cut.qcow2 cut short or its tables damaged: [0-9]+ cluster\(s\) of media, the first at media byte [0-9]+, lie past the end of its file; reads there fail, the rest is read'\)\]$"
  is "qcow2 cut in half: the file whose clusters are gone is a corrupt error item, the others are read" \
    "$(jl qcut.jsonl "(by_path['big.bin']['verdict'], by_path['big.bin']['error_kind'], by_path['pics/a.jpg']['md5'] == '$(md5sum <"$T/photos/a.jpg" | cut -d' ' -f1)')")" \
    "('error', 'corrupt', True)"
  vigil scan --quiet --jsonl ql1.jsonl ev/qcow/l1.qcow2 2>ql1.err; rc=$?
  is "qcow2 with its L2 table past the end: scan completes, nothing on stderr" "$rc $(head -c 300 ql1.err)" "0 "
  is "qcow2 with its L2 table past the end: the image and its unreadable file system are corrupt" \
    "$(jl ql1.jsonl "sorted((i['type'], i['error_kind']) for i in items if i['verdict'] == 'error')")" \
    "[('filesystem', 'corrupt'), ('image', 'corrupt')]"
  cp "$T/whole.qcow2" ev/qcow/v9.qcow2 && printf '\0\0\0\x09' | dd of=ev/qcow/v9.qcow2 bs=1 seek=4 conv=notrunc status=none
  vigil scan --quiet --jsonl qv.jsonl ev/qcow/v9.qcow2
  like "qcow version 9: an unsupported image item with libqcow's cause" \
    "$(jl qv.jsonl "[(i['type'], i['error_kind'], i['error']) for i in items]")" \
    "^\[\('image', 'unsupported', 'cannot open image: .*\(.*unsupported format version: 9\)'\)\]$"
  qemu-img convert -O vpc -o subformat=dynamic "$T/fatq.img" "$T/whole.vhd"
  head -c $(($(stat -c %s "$T/whole.vhd") / 2)) "$T/whole.vhd" >ev/qcow/cut.vhd
  vigil scan --quiet --jsonl vcut.jsonl ev/qcow/cut.vhd
  like "dynamic VHD cut before its footer: an image item of kind corrupt with libvhdi's cause" \
    "$(jl vcut.jsonl "[(i['type'], i['error_kind'], i['error']) for i in items]")" \
    "^\[\('image', 'corrupt', 'cannot open image: .*\(libvhdi_.*unsupported signature\)'\)\]$"
else
  skip "damaged qcow2 and VHD images" "qemu-img not installed" qemu-utils
fi

# ---- unknown file system: random bytes with two photos in them ----
head -c 4194304 /dev/urandom >ev/unknown.img
dd if="$T/photos/known.jpg" of=ev/unknown.img bs=512 seek=2048 conv=notrunc status=none   # at 1 MiB
dd if="$T/photos/a.jpg" of=ev/unknown.img bs=512 seek=5120 conv=notrunc status=none       # at 2.5 MiB
vigil scan --quiet --jsonl unk.jsonl ev/unknown.img; rc=$?
is "unknown file system: scan completes" "$rc" "0"
like "unknown file system: one error item saying so" "$(jl unk.jsonl "[(i['type'], i['path'], i['container'], i['error']) for i in items]")" \
  "^\[\('filesystem', 'fs \(offset 0\)', 'ev/unknown.img', 'no file system could be opened: .+'\)\]$"
is "unknown file system: not corrupt, as nothing says a file system was there (no kind)" \
  "$(jl unk.jsonl "[i.get('error_kind') for i in items]")" "[None]"
# With --carve the whole image is unallocated space: the photos are found where they lie, the
# known one illegal. A crash, a sanitizer report or any other stderr output is a failure.
vigil scan --quiet --jsonl unkc.jsonl --carve ev/unknown.img 2>unkc.err; rc=$?
is "unknown file system with --carve: scan completes (exit 0)" "$rc" "0"
is "unknown file system with --carve: nothing on stderr (no crash, no sanitizer report)" "$(head -c 2000 unkc.err)" ""
is "unknown file system with --carve: all of it scanned as unallocated" "$(jl unkc.jsonl "summary['unallocated_bytes']")" "4194304"
is "unknown file system with --carve: still the error item for the file system" \
  "$(jl unkc.jsonl "[(i['type'], i['path']) for i in items if i['verdict'] == 'error']")" "[('filesystem', 'fs (offset 0)')]"
is "unknown file system with --carve: both photos carved at their offsets, the known one illegal" \
  "$(jl unkc.jsonl "sorted((i['carved_offset'], i['verdict'], i['md5']) for i in items if i.get('carved') and i['md5'] in ('$(md5sum <"$T/photos/known.jpg" | cut -d' ' -f1)', '$(md5sum <"$T/photos/a.jpg" | cut -d' ' -f1)'))")" \
  "[(1048576, 'illegal', '$(md5sum <"$T/photos/known.jpg" | cut -d' ' -f1)'), (2621440, 'unknown', '$(md5sum <"$T/photos/a.jpg" | cut -d' ' -f1)')]"
is "unknown file system with --carve: counts add up" "$(jl unkc.jsonl check)" "ok"

done_testing
