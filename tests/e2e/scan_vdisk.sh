#!/usr/bin/env bash
# vigil scan of virtual disks and encrypted volumes. One MBR disk (FAT16 and ext4, a deleted
# known photo in each, a picture only in unallocated space) scanned as raw and as VHD (dynamic,
# fixed), VHDX, VMDK (monolithic sparse, split sparse, descriptor + flat extent, stream-optimized),
# qcow2 and qcow gives the same items with the same digests, deleted files and carving included.
# Formats are told by content, not by name. A differencing qcow2 and a VMDK snapshot read through
# their parents; a missing parent or extent is an error item naming it. DMG, VDI and Parallels
# images are `unsupported` items; LUKS, BitLocker (To Go) and FileVault 2 volumes are `encrypted`
# items, on a partition or as the whole image, and the other partitions are still read.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
cd "$T"
if ! command -v qemu-img >/dev/null; then
  skip "virtual disks" "qemu-img not installed" qemu-utils
  done_testing
  exit
fi
vigil hashset import --name test-known --kind illegal --category A "$T/known.md5" >/dev/null
KNOWN_MD5=$(cut -d' ' -f1 "$T/known.md5")
mkdir -p ev

# ---- the disk ----
truncate -s 40M ev/disk.raw
printf 'label: dos\nstart=2048, size=16384, type=6\nstart=18432, size=32768, type=83\n' | sfdisk -q ev/disk.raw
make_fat "$T/p1.img" 8192 && make_ext4 "$T/p2.img" 16M
convert -size 64x64 gradient:blue-yellow "$T/only.png"
# The last clusters of the FAT data area are free: a picture there belongs to no file.
dd if="$T/only.png" of="$T/p1.img" bs=512 seek=$((8192 * 2 - 64)) conv=notrunc status=none
dd if="$T/p1.img" of=ev/disk.raw bs=512 seek=2048 conv=notrunc status=none
dd if="$T/p2.img" of=ev/disk.raw bs=512 seek=18432 conv=notrunc status=none

# What must not depend on the container: every item, where it is in its file system, its digests.
items_of() {
  jl "$1" "sorted((tuple(i.get('containers', [])[1:]), i['path'], i['type'], i['size'], i['md5'], i['sha256'], i['pdq'], i['verdict'], i['error'], i.get('allocated'), i.get('carved_offset'), i.get('inode'), i.get('created'), i.get('modified'), i.get('accessed'), i.get('changed')) for i in items)"
}
summary_of() { jl "$1" "(summary['items'], summary['error'], summary['allocated'], summary['deleted'], summary['carved'], summary['unallocated_bytes'])"; }

vigil scan --quiet --carve --jsonl raw.jsonl ev/disk.raw
is "raw: counts add up" "$(jl raw.jsonl check)" "ok"
is "raw: both partitions' files, the deleted known photos, the carved picture" \
  "$(jl raw.jsonl "(sorted(set(i['containers'][1] for i in items if not i.get('carved'))), sorted((i['containers'][1][:2], i.get('allocated')) for i in items if i['verdict'] == 'illegal' and not i.get('carved')), len([i for i in items if i.get('carved') and i['sha256'] == '$(sha256sum <"$T/only.png" | cut -d' ' -f1)']), summary['error'])")" \
  "(['p1 (offset 1048576, fat12)', 'p2 (offset 9437184, ext4)'], [('p1', False), ('p2', False)], 1, 0)"
RAW_ITEMS=$(items_of raw.jsonl)
RAW_SUMMARY=$(summary_of raw.jsonl)

# ---- the same disk in every virtual disk format ----
qemu-img convert -O vpc -o subformat=dynamic,force_size=on ev/disk.raw ev/dynamic.vhd
qemu-img convert -O vpc -o subformat=fixed,force_size=on ev/disk.raw ev/fixed.vhd
qemu-img convert -O vhdx ev/disk.raw ev/disk.vhdx
qemu-img convert -O vmdk -o subformat=monolithicSparse ev/disk.raw ev/sparse.vmdk
qemu-img convert -O vmdk -o subformat=twoGbMaxExtentSparse ev/disk.raw ev/split.vmdk
qemu-img convert -O vmdk -o subformat=monolithicFlat ev/disk.raw ev/flat.vmdk
qemu-img convert -O vmdk -o subformat=streamOptimized ev/disk.raw ev/stream.vmdk
qemu-img convert -O qcow2 ev/disk.raw ev/disk.qcow2
qemu-img convert -O qcow ev/disk.raw ev/disk.qcow
# Told by content: a VHDX named like a raw image, a qcow2 named like nothing at all. A monolithic
# VMDK names itself as its extent: renamed, as evidence files are, it is its own extent still.
cp ev/disk.vhdx ev/misnamed.raw && cp ev/disk.qcow2 ev/exhibit-7 && cp ev/sparse.vmdk ev/exhibit-8.vmdk
for img in dynamic.vhd fixed.vhd disk.vhdx sparse.vmdk split.vmdk flat.vmdk stream.vmdk disk.qcow2 disk.qcow misnamed.raw exhibit-7 exhibit-8.vmdk; do
  out=$T/$img.jsonl
  vigil scan --quiet --carve --jsonl "$out" "ev/$img"
  is "$img: the same items and digests as the raw disk" "$(items_of "$out")" "$RAW_ITEMS"
  is "$img: the same summary" "$(summary_of "$out")" "$RAW_SUMMARY"
done
like "the container chain starts with the virtual disk" "$(jl disk.vhdx.jsonl "items[0]['container']")" '^ev/disk\.vhdx!/p[12] '
is "the split VMDK is a descriptor and its extent files" "$(ls ev | grep -c '^split')" "2"

# ---- differencing images read through their parents ----
cp ev/disk.raw "$T/changed.raw"
printf 'written after the snapshot\n' >"$T/added.txt"
mcopy -i "$T/changed.raw@@1048576" "$T/added.txt" ::/added.txt
vigil scan --quiet --jsonl changed.jsonl "$T/changed.raw"
mkdir -p ev/diff
(cd ev/diff && qemu-img convert -O qcow2 ../disk.raw base.qcow2 && qemu-img convert -O vmdk ../disk.raw base.vmdk &&
  qemu-img convert -O qcow2 -B base.qcow2 -F qcow2 "$T/changed.raw" child.qcow2 &&
  qemu-img convert -O vmdk -B base.vmdk -F vmdk "$T/changed.raw" child.vmdk)
for img in child.qcow2 child.vmdk; do
  vigil scan --quiet --jsonl "$img.jsonl" "ev/diff/$img"
  is "$img: the snapshot's disk, read through its parent" "$(items_of "$img.jsonl")" "$(items_of changed.jsonl)"
done
is "... which its parent alone does not hold" "$(jl child.qcow2.jsonl "'added.txt' in by_path") $(jl raw.jsonl "'added.txt' in by_path")" "True False"
mkdir -p ev/orphan && cp ev/diff/child.qcow2 ev/diff/child.vmdk ev/orphan/
cp ev/split.vmdk ev/orphan/split.vmdk
for img in child.qcow2 child.vmdk split.vmdk; do
  vigil scan --quiet --jsonl "orphan-$img.jsonl" "ev/orphan/$img"
  is "$img without its parts: one error item" "$(jl "orphan-$img.jsonl" "[(i['path'], i['type'], i['verdict']) for i in items]")" "[('ev/orphan/$img', 'image', 'error')]"
done
like "... naming the missing backing file" "$(jl orphan-child.qcow2.jsonl "items[0]['error']")" "backing file ev/orphan/base\.qcow2 \(stored as 'base\.qcow2'\) is missing"
like "... the missing parent" "$(jl orphan-child.vmdk.jsonl "items[0]['error']")" "parent ev/orphan/base\.vmdk \(stored as 'base\.vmdk'\) is missing"
like "... the missing extent" "$(jl orphan-split.vmdk.jsonl "items[0]['error']")" "extent file ev/orphan/split-s001\.vmdk \(stored as 'split-s001\.vmdk'\) is missing"

# ---- recognised but not read: unsupported, never an opaque file ----
qemu-img convert -O vdi ev/disk.raw ev/disk.vdi
qemu-img convert -O parallels ev/disk.raw ev/disk.hdd
# A DMG is known by its UDIF trailer ("koly") in its last 512 bytes.
{ head -c 8192 /dev/zero; printf 'koly\000\000\000\004\000\000\002\000'; head -c 500 /dev/zero; } >ev/disk.dmg
for img in disk.vdi disk.hdd disk.dmg; do
  vigil scan --quiet --jsonl "$img.jsonl" "ev/$img"
  is "$img: one unsupported item, no digests" \
    "$(jl "$img.jsonl" "[(i['path'], i['type'], i['verdict'], i.get('error_kind'), i['sha256']) for i in items]")" \
    "[('ev/$img', 'image', 'error', 'unsupported', None)]"
  is "$img: the summary counts it" "$(jl "$img.jsonl" "(summary['error'], summary['errors'])")" "(1, {'encrypted': 0, 'unsupported': 1, 'crashed': 0, 'timeout': 0, 'memory': 0, 'corrupt': 0, 'other': 0})"
done
like "the reason names the format" "$(jl disk.dmg.jsonl "items[0]['error']")" '^Apple disk image \(DMG\): not supported'
like "... VirtualBox" "$(jl disk.vdi.jsonl "items[0]['error']")" '^VirtualBox disk image \(VDI\): not supported'

# ---- encrypted volumes ----
# A disk whose second partition is encrypted: its first is still read, the second is one item.
crypt_disk() { # crypt_disk OUT VOLUME: an MBR disk with the FAT partition and VOLUME as p2
  truncate -s 40M "$1"
  printf 'label: dos\nstart=2048, size=16384, type=6\nstart=18432, size=32768, type=7\n' | sfdisk -q "$1"
  dd if="$T/p1.img" of="$1" bs=512 seek=2048 conv=notrunc status=none
  dd if="$2" of="$1" bs=512 seek=18432 conv=notrunc status=none
}
encrypted_items() { jl "$1" "[(i['path'], i['type'], i.get('error_kind')) for i in items if i['verdict'] == 'error']"; }
if truncate -s 16M "$T/luks.vol" && head -c 64 /dev/urandom >"$T/luks.key" &&
  cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file "$T/luks.key" \
    "$T/luks.vol" >/dev/null 2>&1; then
  crypt_disk ev/luks-disk.raw "$T/luks.vol"
  vigil scan --quiet --carve --jsonl luks-disk.jsonl ev/luks-disk.raw
  is "LUKS partition: an encrypted item" "$(encrypted_items luks-disk.jsonl)" "[('p2 (offset 9437184, luks)', 'filesystem', 'encrypted')]"
  is "... the other partition is read" "$(jl luks-disk.jsonl "sorted(i['path'] for i in items if i['container'].endswith('fat12)') and not i.get('carved'))")" \
    "['_nown.jpg', 'docs/album.zip', 'notes.txt', 'pics/a.jpg']"
  is "... nothing is carved from ciphertext" "$(jl luks-disk.jsonl "[i['path'] for i in items if i.get('carved') and 'offset 9437184' in (i['container'] or '')]")" "[]"
  like "... the reason says LUKS and the key" "$(jl luks-disk.jsonl "[i['error'] for i in items if i.get('error_kind')][0]")" '^LUKS encrypted volume: .*key'
  is "... the summary counts it" "$(jl luks-disk.jsonl "summary['errors']['encrypted']")" "1"
  cp "$T/luks.vol" ev/container.bin
  vigil scan --quiet --jsonl luks-whole.jsonl ev/container.bin
  is "LUKS container as the whole image: an encrypted item" "$(encrypted_items luks-whole.jsonl)" "[('fs (offset 0, luks)', 'filesystem', 'encrypted')]"
  qemu-img convert -O qcow2 ev/luks-disk.raw ev/luks-disk.qcow2
  vigil scan --quiet --jsonl luks-qcow.jsonl ev/luks-disk.qcow2
  is "LUKS partition inside a qcow2: the same" "$(encrypted_items luks-qcow.jsonl)" "[('p2 (offset 9437184, luks)', 'filesystem', 'encrypted')]"
else
  skip "LUKS volumes" "cryptsetup luksFormat failed or is missing" cryptsetup-bin
fi
# BitLocker, BitLocker To Go and FileVault 2 are recognised by their first sector; no tool here
# makes them, so the volumes are made-up sectors carrying only the signatures.
python3 - "$T" <<'PY'
import sys
t = sys.argv[1]
def vol(name, patches):
    b = bytearray(16 << 20)
    for off, data in patches:
        b[off:off + len(data)] = data
    open(f"{t}/{name}.vol", "wb").write(b)
vol("bitlocker", [(0, b"\xeb\x58\x90-FVE-FS-"), (510, b"\x55\xaa")])
vol("togo", [(0, b"\xeb\x58\x90MSWIN4.1"), (424, bytes.fromhex("3bd66749292ed84a8399f6a339e3d001")), (510, b"\x55\xaa")])
vol("filevault", [(8, b"\x01\x00\x10\x00"), (88, b"CS")])
PY
for v in bitlocker:BitLocker togo:"BitLocker To Go" filevault:"FileVault 2"; do
  name=${v%%:*} what=${v#*:} tag=$name
  [ "$name" = togo ] && tag=bitlocker
  crypt_disk "ev/$name-disk.raw" "$T/$name.vol"
  vigil scan --quiet --jsonl "$name.jsonl" "ev/$name-disk.raw"
  is "$what partition: an encrypted item" "$(encrypted_items "$name.jsonl")" "[('p2 (offset 9437184, $tag)', 'filesystem', 'encrypted')]"
  like "... its reason names $what" "$(jl "$name.jsonl" "[i['error'] for i in items if i.get('error_kind')][0]")" "^$what encrypted volume"
  cp "$T/$name.vol" "ev/$name.whole"
  vigil scan --quiet --jsonl "$name-whole.jsonl" "ev/$name.whole"
  is "$what as the whole image: an encrypted item" "$(encrypted_items "$name-whole.jsonl")" "[('fs (offset 0, $tag)', 'filesystem', 'encrypted')]"
done
# ---- opening encrypted volumes with --key-file ----
# A LUKS 1 volume holding a FAT file system: cryptsetup formats it (no root needed); its payload
# is then encrypted here (AES-XTS, plain64 sector numbers, the volume key cryptsetup dumps), as
# dm-crypt would have written it, since mapping the volume needs root and device-mapper.
fill_luks1() { # fill_luks1 VOLUME KEYFILE PLAINTEXT
  python3 - "$@" <<'PY'
import re, subprocess, sys
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
vol, keyfile, plain = sys.argv[1:4]
run = lambda *a: subprocess.run(["cryptsetup", "luksDump", *a, vol], check=True, capture_output=True, text=True).stdout
key = bytes.fromhex("".join(re.search(r"MK dump:\s*((?:[0-9a-f]{2}\s*)+)", run("--dump-volume-key", "--batch-mode", "--key-file", keyfile)).group(1).split()))
offset = int(re.search(r"Payload offset:\s*(\d+)", run()).group(1)) * 512
data, out = open(plain, "rb").read(), bytearray()
for s in range(len(data) // 512):
    enc = Cipher(algorithms.AES(key), modes.XTS(s.to_bytes(16, "little"))).encryptor()
    out += enc.update(data[s * 512:(s + 1) * 512]) + enc.finalize()
with open(vol, "r+b") as f:
    f.seek(offset)
    f.write(out)
PY
}
KEY='correct horse battery staple'
printf '%s' "$KEY" >"$T/luks1.key"
printf 'not this one\n%s\n' "$KEY" >"$T/keys.txt"
printf 'not this one\nnor this\n' >"$T/wrong-keys.txt"
if python3 -c 'import cryptography' 2>/dev/null && truncate -s 16M "$T/luks1.vol" &&
  cryptsetup luksFormat -q --type luks1 --cipher aes-xts-plain64 --key-size 256 --hash sha256 \
    --pbkdf-force-iterations 1000 --key-file "$T/luks1.key" "$T/luks1.vol" >/dev/null 2>&1 &&
  fill_luks1 "$T/luks1.vol" "$T/luks1.key" "$T/p1.img"; then
  crypt_disk ev/luks1-disk.raw "$T/luks1.vol"
  vigil scan --key-file "$T/keys.txt" --jsonl opened.jsonl --csv opened.csv --report opened.html \
    ev/luks1-disk.raw 2>opened.err
  is "LUKS 1 opened with --key-file: counts add up, no error" "$(jl opened.jsonl "(summary['error'], summary.get('errors'))")" "(0, None)"
  is "... the volume is a file system named with its encryption" \
    "$(jl opened.jsonl "sorted(set(i['containers'][1] for i in items if 'containers' in i))")" \
    "['p1 (offset 1048576, fat12)', 'p2 (offset 9437184, luks, fat12)']"
  vigil scan --quiet --jsonl plain-p1.jsonl "$T/p1.img"
  sealed=$(jl opened.jsonl "sorted((i['path'], i['sha256'], str(i.get('allocated')), i['verdict']) for i in items if 'luks, fat12)' in i['container'] and not i.get('carved'))")
  is "... its files and digests are those of the file system sealed in it" "$sealed" \
    "$(jl plain-p1.jsonl "sorted((i['path'], i['sha256'], str(i.get('allocated')), i['verdict']) for i in items if not i.get('carved'))")"
  like "... (and there are files to compare)" "$sealed" "^\[\('_nown\.jpg', '[0-9a-f]{64}', 'False', 'illegal'\), .*'pics/a\.jpg'"
  is "... the deleted known photo inside it is found" "$(jl opened.jsonl "[i['container'] for i in items if i['verdict'] == 'illegal' and 'luks, fat12)' in i['container']]")" \
    "['ev/luks1-disk.raw!/p2 (offset 9437184, luks, fat12)']"
  is "... no key in the JSONL, CSV, report or stderr" "$(cat opened.jsonl opened.csv opened.html opened.err | grep -c -e "$KEY" -e 'not this one')" "0"
  vigil scan --quiet --carve --key-file "$T/keys.txt" --jsonl opened-carve.jsonl ev/luks1-disk.raw
  is "... its plaintext is not carved as if it were the image's" \
    "$(jl opened-carve.jsonl "[i['path'] for i in items if i.get('carved') and 'luks, fat12)' in i['container']]")" "[]"
  vigil scan --key-file "$T/wrong-keys.txt" --jsonl wrong.jsonl ev/luks1-disk.raw 2>wrong.err
  is "wrong keys: the volume stays one encrypted item" "$(encrypted_items wrong.jsonl)" "[('p2 (offset 9437184, luks)', 'filesystem', 'encrypted')]"
  like "... saying no key opens it" "$(jl wrong.jsonl "[i['error'] for i in items if i.get('error_kind')][0]")" 'none of the 2 key\(s\) given opens it'
  is "... and naming no key" "$(cat wrong.jsonl wrong.err | grep -c -e 'not this one' -e 'nor this')" "0"
  cp "$T/luks1.vol" ev/luks1.whole
  vigil scan --quiet --key-file "$T/keys.txt" --jsonl luks1-whole.jsonl ev/luks1.whole
  is "LUKS 1 as the whole image, opened" "$(jl luks1-whole.jsonl "sorted(i['path'] for i in items if not i.get('carved') and i['container'].endswith('luks, fat12)'))")" \
    "['_nown.jpg', 'docs/album.zip', 'notes.txt', 'pics/a.jpg']"
  qemu-img convert -O vmdk ev/luks1-disk.raw ev/luks1-disk.vmdk
  vigil scan --quiet --key-file "$T/keys.txt" --jsonl luks1-vmdk.jsonl ev/luks1-disk.vmdk
  is "LUKS 1 inside a VMDK, opened: the same items" "$(items_of luks1-vmdk.jsonl)" "$(items_of opened.jsonl)"
else
  skip "LUKS 1 opened with a key" "cryptsetup or python3-cryptography missing" python3-cryptography
fi
printf '\n\n' >"$T/empty-keys.txt"
vigil scan --quiet --key-file "$T/empty-keys.txt" --jsonl /dev/null ev/disk.raw 2>empty.err
is "a key file without keys: exit 3" "$?" "3"
like "... saying so" "$(cat empty.err)" 'empty-keys.txt: holds no key'

# An encrypted qcow2 (LUKS inside the qcow2 format) is encrypted as a whole. qemu-img times its key
# derivation on the CPU first, and on a busy machine that fails now and then ("Unable to get accurate
# CPU usage"), so it gets a few tries.
make_locked_qcow2() {
  for _try in 1 2 3 4 5; do
    qemu-img convert --object secret,id=sec0,data=not-a-real-secret -O qcow2 \
      -o encrypt.format=luks,encrypt.key-secret=sec0,encrypt.iter-time=10 ev/disk.raw ev/locked.qcow2 >qemu-img.err 2>&1 && return 0
    rm -f ev/locked.qcow2
  done
  return 1
}
if make_locked_qcow2; then
  vigil scan --quiet --jsonl locked.jsonl ev/locked.qcow2
  is "encrypted qcow2: one encrypted item" "$(encrypted_items locked.jsonl)" "[('ev/locked.qcow2', 'image', 'encrypted')]"
  like "... and no key or secret in the output" "$(grep -c 'not-a-real-secret' locked.jsonl)" '^0$'
else
  skip "encrypted qcow2" "qemu-img cannot make one here ($(tail -1 qemu-img.err 2>/dev/null))" qemu-utils
fi

done_testing
