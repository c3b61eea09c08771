#!/usr/bin/env bash
# Disk images found inside a scanned folder: a raw disk (here a FAT volume and an MBR disk with an
# ext2 partition) is opened from the descriptor it was read through, in the parser worker, and its
# files are items nested under it (containers: the file, then the volume), with and without
# isolation alike; --no-nested-images hashes it only. A virtual disk inside a folder is an
# `unsupported` item saying so; a file with a boot signature by chance stays a plain file.
. "$(dirname "$0")/lib.sh"

E=$T/ev
mkdir -p "$E/sub" "$T/d"
cd "$T"
printf 'a file beside the images\n' > "$E/beside.txt"
printf 'inside the fat volume\n' > a.txt
printf 'also inside\n' > b.txt
mkfs.fat -C "$E/sub/usb.bin" 2048 >/dev/null
mcopy -i "$E/sub/usb.bin" a.txt ::a.txt
mcopy -i "$E/sub/usb.bin" b.txt ::b.txt
# an MBR disk: one ext2 partition at 1 MiB
printf 'on the ext partition\n' > d/e.txt
truncate -s 8M part.img && mkfs.ext2 -q -d d part.img
truncate -s 10M "$E/disk.raw"
printf 'label: dos\nstart=2048, size=16384, type=83\n' | sfdisk -q "$E/disk.raw" >/dev/null
dd if=part.img of="$E/disk.raw" bs=512 seek=2048 conv=notrunc status=none
# a 600-byte file that ends its first sector with 55 AA, as a boot sector does, and is no disk
head -c 510 /dev/zero > "$E/chance.bin" && printf '\x55\xaa' >> "$E/chance.bin" && head -c 88 /dev/zero >> "$E/chance.bin"

nested() { jl "$1" "sorted((i['path'], i['container'], i['md5']) for i in items if i['container'] and i['type'] == 'file')"; }
md5() { md5sum "$1" | cut -d' ' -f1; }
want="[('a.txt', '$E/sub/usb.bin!/fs (offset 0, fat12)', '$(md5 a.txt)'), \
('b.txt', '$E/sub/usb.bin!/fs (offset 0, fat12)', '$(md5 b.txt)'), \
('e.txt', '$E/disk.raw!/p1 (offset 1048576, ext2)', '$(md5 d/e.txt)')]"

vigil scan --no-sets --quiet --jsonl iso.jsonl "$E"
is "the scan ends cleanly" "$?" "0"
check "JSONL well formed, counts add up" python3 "$E2E_DIR/jl.py" iso.jsonl check
is "the images' files are items nested under them, with their digests" "$(nested iso.jsonl)" "$want"
is "the image files themselves are hashed as files" \
  "$(jl iso.jsonl "sorted(i['path'] for i in items if not i['container'])")" \
  "['$E/beside.txt', '$E/chance.bin', '$E/disk.raw', '$E/sub/usb.bin']"
is "nothing is an error" "$(jl iso.jsonl "summary['error']")" "0"
is "the summary counts the images" "$(jl iso.jsonl "summary.get('images')")" "2"

vigil scan --no-sets --quiet --no-isolation --jsonl plain.jsonl "$E"
is "--no-isolation: the same nested items" "$(nested plain.jsonl)" "$want"

vigil scan --no-sets --quiet --jsonl named.jsonl "$E/disk.raw" "$E/sub/usb.bin"
is "the same items as the images named on the command line" "$(nested named.jsonl)" "$want"

vigil scan --no-sets --quiet --no-nested-images --jsonl off.jsonl "$E"
is "--no-nested-images: the images are files only" "$(jl off.jsonl "len([i for i in items if i['container']])")" "0"

# a qcow2 of the FAT volume inside a folder: said, not silently hashed
mkdir -p "$T/vd"
qemu-img convert -f raw -O qcow2 "$E/sub/usb.bin" "$T/vd/usb.qcow2"
vigil scan --no-sets --quiet --jsonl vd.jsonl "$T/vd"
is "a virtual disk inside a folder: one unsupported item naming it" \
  "$(jl vd.jsonl "[(i['path'], i['type'], i.get('error_kind')) for i in items if i['verdict'] == 'error']")" \
  "[('$T/vd/usb.qcow2', 'image', 'unsupported')]"
like "... saying to name it on the command line" "$(jl vd.jsonl "[i['error'] for i in items if i['verdict'] == 'error'][0]")" \
  "qcow disk image inside a folder: its file systems are not read \\(they are when it is named on the command line\\)"

done_testing
