#!/usr/bin/env bash
# vigil scan IMAGE: raw, split raw and E01 images; MBR and GPT; FAT, ext4, NTFS (with an
# alternate data stream), ISO 9660 and exFAT; deleted files (a deleted known photo is found
# as illegal); archives inside images; the container chain, inode and times; the same
# result for any --jobs; the image left untouched; the E01 self-check; carving when built.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
cd "$T"
vigil hashset import --name test-known --kind illegal --category A "$T/known.md5" >/dev/null
KNOWN_MD5=$(cut -d' ' -f1 "$T/known.md5")
A_SHA256=$(sha256sum <"$T/photos/a.jpg" | cut -d' ' -f1)
mkdir -p ev

# ---- FAT: files, a deleted known photo, times as FAT keeps them ----
make_fat ev/fat.img 8192
vigil scan --quiet --jsonl fat.jsonl ev/fat.img
is "FAT: JSONL valid, counts add up" "$(jl fat.jsonl check)" "ok"
like "FAT: container names image and file system" "$(jl fat.jsonl "by_path['pics/a.jpg']['container']")" '^ev/fat\.img!/fs \(offset 0, fat1[26]\)$'
is "FAT: containers array" "$(jl fat.jsonl "len(by_path['pics/a.jpg']['containers'])")" "2"
is "FAT: digests are the file's" "$(jl fat.jsonl "by_path['pics/a.jpg']['sha256']")" "$A_SHA256"
is "FAT: allocated file" "$(jl fat.jsonl "(by_path['pics/a.jpg']['allocated'], by_path['pics/a.jpg']['carved'], by_path['pics/a.jpg']['carved_offset'])")" "(True, False, None)"
is "FAT: inode is TSK's address" "$(jl fat.jsonl "by_path['pics/a.jpg']['inode']")" "$(fls -r -p ev/fat.img | awk '$NF=="pics/a.jpg" {sub(":","",$2); print $2}')"
is "FAT: the deleted known photo is found, allocated false, verdict illegal" \
  "$(jl fat.jsonl "[(i['allocated'], i['verdict'], i['match']['set']) for i in items if i['md5'] == '$KNOWN_MD5']")" "[(False, 'illegal', 'test-known')]"
like "FAT: modified time as recorded, ISO 8601 without a zone (FAT keeps local time)" \
  "$(jl fat.jsonl "by_path['pics/a.jpg']['modified']")" '^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$'
# FAT keeps wall-clock times; they are reported as recorded whatever the process's time zone
# (EST5: a POSIX zone, five hours west, that needs no tzdata).
fat_times() { jl "$1" "sorted((i['path'], i['created'], i['modified'], i['accessed']) for i in items if i.get('modified'))"; }
TZ=UTC vigil scan --quiet --jsonl fat-utc.jsonl ev/fat.img
TZ=EST5 vigil scan --quiet --jsonl fat-est.jsonl ev/fat.img
is "FAT: times do not depend on TZ" "$(fat_times fat-est.jsonl)" "$(fat_times fat-utc.jsonl)"
like "... and there are times to compare" "$(fat_times fat-utc.jsonl)" "pics/a.jpg', '20[0-9-]+T[0-9:]+'"
is "FAT: no inode-change time in FAT: null" "$(jl fat.jsonl "by_path['pics/a.jpg']['changed']")" "None"
is "FAT: PDQ of a picture in an image" "$(jl fat.jsonl "by_path['pics/a.jpg']['pdq'] is not None")" "True"
is "FAT: archive inside the image is opened, chain continues" \
  "$(jl fat.jsonl "sorted((i['path'], i['container']) for i in items if i['container'] and i['container'].endswith('!/docs/album.zip'))")" \
  "$(jl fat.jsonl "sorted(('a.jpg' if k == 0 else 'notes.txt', by_path['docs/album.zip']['container'] + '!/docs/album.zip') for k in range(2))")"
is "FAT: summary counts allocated and deleted" "$(jl fat.jsonl "(summary['images'], summary['allocated'], summary['deleted'], summary['carved'])")" "(1, 3, 1, 0)"

# ---- ext4: deleted known photo, inode, all four times ----
make_ext4 ev/e4.img 16M
vigil scan --quiet --jsonl e4.jsonl ev/e4.img
is "ext4: counts add up" "$(jl e4.jsonl check)" "ok"
is "ext4: deleted known photo: illegal, allocated false, its inode" \
  "$(jl e4.jsonl "[(i['path'], i['allocated'], i['verdict'], i['inode']) for i in items if i['md5'] == '$KNOWN_MD5']")" \
  "[('known.jpg', False, 'illegal', $(fls -r -p -d ev/e4.img | awk '$NF=="known.jpg" {sub(":","",$3); print $3}'))]"
is "ext4: all four times kept" "$(jl e4.jsonl "all(by_path['notes.txt'][k] for k in ('created','modified','accessed','changed'))")" "True"
is "ext4: the files of the tree" "$(jl e4.jsonl "sorted(i['path'] for i in items if not i['container'].endswith('.zip'))")" \
  "['docs/album.zip', 'known.jpg', 'notes.txt', 'pics/a.jpg']"
is "ext4: an archive inside" "$(jl e4.jsonl "sorted(i['path'] for i in items if i['container'].endswith('!/docs/album.zip'))")" "['a.jpg', 'notes.txt']"

# ---- NTFS with an alternate data stream and a deleted file ----
truncate -s 16M ev/ntfs.img && mkntfs -F -Q -q ev/ntfs.img 2>/dev/null
ntfscp ev/ntfs.img "$T/photos/a.jpg" a.jpg >/dev/null 2>&1
printf 'hidden in a stream\n' >"$T/stream.txt"
ntfscp -N secret ev/ntfs.img "$T/stream.txt" a.jpg >/dev/null 2>&1
ntfscp ev/ntfs.img "$T/photos/known.jpg" known.jpg >/dev/null 2>&1
# No root-free tool deletes on NTFS: clear the "in use" flag of known.jpg's MFT record (offset 22),
# which is what a delete does to the record (its name stays in the directory index).
ino=$(fls ev/ntfs.img | awk '$NF=="known.jpg" {split($2,a,"-"); print a[1]}')
mft=$(python3 -c "import struct,sys; b=open(sys.argv[1],'rb').read(512); print(struct.unpack('<Q', b[48:56])[0] * b[13] * struct.unpack('<H', b[11:13])[0])" ev/ntfs.img)
printf '\000\000' | dd of=ev/ntfs.img bs=1 seek=$((mft + ino * 1024 + 22)) conv=notrunc status=none
vigil scan --quiet --jsonl ntfs.jsonl ev/ntfs.img
is "NTFS: counts add up" "$(jl ntfs.jsonl check)" "ok"
like "NTFS: file system named" "$(jl ntfs.jsonl "by_path['a.jpg']['container']")" 'ntfs\)$'
is "NTFS: the file's own data" "$(jl ntfs.jsonl "by_path['a.jpg']['sha256']")" "$A_SHA256"
is "NTFS: an alternate data stream is an item 'file:stream'" "$(jl ntfs.jsonl "by_path['a.jpg:secret']['md5']")" "$(md5sum <"$T/stream.txt" | cut -d' ' -f1)"
is "NTFS: stream and file share the MFT entry" "$(jl ntfs.jsonl "by_path['a.jpg:secret']['inode'] == by_path['a.jpg']['inode']")" "True"
is "NTFS: metadata files are items too" "$(jl ntfs.jsonl "'\$MFT' in by_path")" "True"
is "NTFS: the deleted known photo is read from its record: illegal, allocated false" \
  "$(jl ntfs.jsonl "[(i['path'], i['allocated'], i['verdict'], i['inode']) for i in items if i['md5'] == '$KNOWN_MD5']")" \
  "[('\$OrphanFiles/known.jpg', False, 'illegal', $ino)]"
like "NTFS: its dangling name is an error item saying why" "$(jl ntfs.jsonl "(by_path['known.jpg']['verdict'], by_path['known.jpg']['error'])")" "'error', 'deleted name whose metadata entry is gone, unused or reused"
is "NTFS: counts add up with the deleted file" "$(jl ntfs.jsonl check)" "ok"

# ---- ISO 9660 and exFAT ----
img_tree "$T/isotree"
genisoimage -quiet -R -J -o ev/cd.iso "$T/isotree" 2>/dev/null
vigil scan --quiet --jsonl iso.jsonl ev/cd.iso
like "ISO 9660: read through TSK" "$(jl iso.jsonl "by_path['pics/a.jpg']['container']")" 'iso9660\)$'
is "ISO 9660: known photo matched" "$(jl iso.jsonl "by_path['known.jpg']['verdict']")" "illegal"
truncate -s 8M ev/exfat.img && mkfs.exfat ev/exfat.img >/dev/null 2>&1
vigil scan --quiet --jsonl exfat.jsonl ev/exfat.img
# No root-free tool copies files into exFAT: only the walk of an empty file system is tested.
is "exFAT: an empty file system walks without errors" "$(jl exfat.jsonl "(summary['images'], summary['error'], [i['container'] for i in items][:1])")" \
  "(1, 0, ['ev/exfat.img!/fs (offset 0, exfat)'])"

# ---- MBR with FAT16 and ext4 partitions ----
truncate -s 40M ev/mbr.img
printf 'label: dos\nstart=2048, size=16384, type=6\nstart=18432, size=32768, type=83\n' | sfdisk -q ev/mbr.img
make_fat "$T/p1.img" 8192 && make_ext4 "$T/p2.img" 16M
dd if="$T/p1.img" of=ev/mbr.img bs=512 seek=2048 conv=notrunc status=none
dd if="$T/p2.img" of=ev/mbr.img bs=512 seek=18432 conv=notrunc status=none
vigil scan --quiet --jsonl mbr.jsonl ev/mbr.img
is "MBR: counts add up" "$(jl mbr.jsonl check)" "ok"
is "MBR: partitions named with index, offset and file system" \
  "$(jl mbr.jsonl "sorted(set(i['containers'][1] for i in items if 'containers' in i and len(i['containers']) == 2))")" \
  "['p1 (offset 1048576, fat12)', 'p2 (offset 9437184, ext4)']"
is "MBR: the deleted known photo in both partitions" "$(jl mbr.jsonl "sorted((i['containers'][1][:2], i['allocated']) for i in items if i['verdict'] == 'illegal')")" \
  "[('p1', False), ('p2', False)]"

# ---- GPT ----
truncate -s 24M ev/gpt.img
printf 'label: gpt\nstart=2048, size=36864, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n' | sfdisk -q ev/gpt.img
make_ext4 "$T/g1.img" 18M
dd if="$T/g1.img" of=ev/gpt.img bs=512 seek=2048 conv=notrunc status=none
vigil scan --quiet --jsonl gpt.jsonl ev/gpt.img
is "GPT: partition found, ext4 read" "$(jl gpt.jsonl "sorted(set(i['containers'][1] for i in items if len(i.get('containers', [])) == 2))")" "['p1 (offset 1048576, ext4)']"
is "GPT: known photo" "$(jl gpt.jsonl "[i['allocated'] for i in items if i['verdict'] == 'illegal']")" "[False]"

# ---- E01 and split raw give what the raw image gives ----
items_of() { jl "$1" "sorted((i['containers'][1] if len(i.get('containers', [])) > 1 else '', i['path'], i['sha256'], i['allocated'] if 'allocated' in i else None) for i in items)"; }
ewfacquire -u -q -t "$T/ev/mbr" -c none -S 1M -d sha1 ev/mbr.img >/dev/null 2>&1
is "E01: made in several segments" "$( [ -f ev/mbr.E02 ] && echo yes)" "yes"
vigil scan --quiet --jsonl e01.jsonl ev/mbr.E01
is "E01: the same items as the raw image" "$(items_of e01.jsonl)" "$(items_of mbr.jsonl)"
like "E01: container starts with the E01" "$(jl e01.jsonl "items[0]['container']")" '^ev/mbr\.E01!/p1 '
split -b 7M -a 3 --numeric-suffixes=1 ev/mbr.img ev/split.
vigil scan --quiet --jsonl split.jsonl ev/split.001
is "split raw: segments found by name, same items" "$(items_of split.jsonl)" "$(items_of mbr.jsonl)"

# ---- --verify-image ----
vigil scan --quiet --verify-image --jsonl ver.jsonl ev/mbr.E01
is "E01 self-check: verified" "$(jl ver.jsonl "summary['image_verification']['ev/mbr.E01']['result']")" "verified"
is "E01 self-check: computed MD5 is the raw image's" "$(jl ver.jsonl "summary['image_verification']['ev/mbr.E01']['md5_computed']")" "$(md5sum <ev/mbr.img | cut -d' ' -f1)"
is "E01 self-check: SHA-1 checked too" "$(jl ver.jsonl "summary['image_verification']['ev/mbr.E01']['sha1_stored'] == summary['image_verification']['ev/mbr.E01']['sha1_computed'] != None")" "True"
vigil scan --quiet --verify-image --jsonl ver2.jsonl ev/mbr.img
is "raw image self-check: no stored hash, said so" "$(jl ver2.jsonl "summary['image_verification']['ev/mbr.img']['result']")" "no stored hash"

# ---- jobs, read-only, outputs ----
vigil scan --quiet --jobs 1 --jsonl j1.jsonl ev/mbr.E01 ev/fat.img
vigil scan --quiet --jobs 2 --jsonl j2.jsonl ev/mbr.E01 ev/fat.img
is "--jobs 1 and --jobs 2: identical items in identical order" "$(grep -v summary j1.jsonl | md5sum)" "$(grep -v summary j2.jsonl | md5sum)"
# Raw images are read through O_NOATIME descriptors; libewf opens E01 segments itself (no O_NOATIME).
touch -a -d '2020-01-02 03:04:05' ev/fat.img ev/split.00*
before=$(cd ev && ls -l --time-style=full-iso && stat -c '%n %s %Y %Z' * && stat -c '%n %X' fat.img split.00*)
vigil scan --quiet --jsonl ro.jsonl --report ro.html ev/fat.img ev/mbr.E01 ev/split.001
after=$(cd ev && ls -l --time-style=full-iso && stat -c '%n %s %Y %Z' * && stat -c '%n %X' fat.img split.00*)
is "images untouched: no new file, same sizes and times (raw: access time too)" "$after" "$before"
like "HTML report marks deleted items" "$(cat ro.html)" 'deleted'
like "HTML report: disk image totals" "$(cat ro.html)" 'Disk images'
vigil scan --quiet --csv ro.csv ev/fat.img
like "CSV: state and inode columns" "$(head -n 1 ro.csv)" ',state,inode,carved_offset,created,modified,accessed,changed'
like "CSV: the deleted photo's state" "$(grep "$KNOWN_MD5" ro.csv)" ',deleted,'

# ---- carving: a picture only in unallocated space ----
make_fat ev/carve.img 8192
png=$TESTDATA/hashsets/files/gradient-16x16.png
convert -size 64x64 gradient:blue-yellow "$T/only.png"
# The last clusters of the data area are free: put the picture there, in no file.
dd if="$T/only.png" of=ev/carve.img bs=512 seek=$((8192 * 2 - 64)) conv=notrunc status=none
vigil scan --quiet --carve --jsonl carve.jsonl ev/carve.img
is "carving: the picture only in unallocated space is an item at its offset" \
  "$(jl carve.jsonl "[(i['allocated'], i['carved_offset'], i['path']) for i in items if i.get('carved') and i['sha256'] == '$(sha256sum <"$T/only.png" | cut -d' ' -f1)']")" \
  "[(False, $(((8192 * 2 - 64) * 512)), 'carved@$(((8192 * 2 - 64) * 512)).png')]"
is "carving: the deleted known photo lies in unallocated space too: carved, illegal" \
  "$(jl carve.jsonl "[(i['verdict'], i['container']) for i in items if i.get('carved') and i['md5'] == '$KNOWN_MD5']")" \
  "[('illegal', 'ev/carve.img!/fs (offset 0, fat12)')]"
is "carving: summary counts the carved items" "$(jl carve.jsonl "(summary['carved'] == len([i for i in items if i.get('carved')]) == 2, summary['unallocated_bytes'] > 0)")" "(True, True)"
vigil scan --quiet --jsonl nocarve.jsonl ev/carve.img
is "without --carve: nothing carved" "$(jl nocarve.jsonl "(summary['carved'], len([i for i in items if i.get('carved')]))")" "(0, 0)"

done_testing
