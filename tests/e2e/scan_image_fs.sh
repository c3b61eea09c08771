#!/usr/bin/env bash
# File systems as they are found: a volume that carries a stale second signature is read as the file
# system that opens (and says which signatures it saw); FAT volume labels and NTFS index metadata
# ($Extend/$ObjId, $Quota, $Reparse) are not files; FAT's local wall-clock times carry no zone.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/ev" "$T/d"
cd "$T"
printf 'kept on ext\n' >d/e.txt
printf 'kept on fat\n' >h.txt

# ext2 with a FAT boot sector left in front of it (ext does not use its first 1024 bytes)
truncate -s 16M ev/ext-stale-fat.img && mkfs.ext2 -q -d d ev/ext-stale-fat.img
truncate -s 16M fat-old.img && mkfs.fat fat-old.img >/dev/null
dd if=fat-old.img of=ev/ext-stale-fat.img bs=512 count=1 conv=notrunc status=none
like "control: TSK alone cannot tell the type" "$(fsstat ev/ext-stale-fat.img 2>&1)" "EXT2/3/4 or FAT"

# a labelled FAT volume with one file
truncate -s 16M ev/fat-label.img && mkfs.fat -n EVIDENCE ev/fat-label.img >/dev/null
mcopy -i ev/fat-label.img h.txt ::h.txt
like "control: fls lists the label as an entry" "$(fls ev/fat-label.img)" "Volume Label Entry"

have_ntfs=0
if command -v mkntfs >/dev/null; then
  truncate -s 16M ev/ntfs.img && mkntfs -q -F -Q ev/ntfs.img >/dev/null 2>&1 && have_ntfs=1
fi

vigil scan --no-sets --quiet --jsonl out.jsonl ev/*.img   # images are read as images when named
is "the scan ends cleanly" "$?" "0"
is "stale FAT signature: the ext volume is read" \
  "$(jl out.jsonl "[(i['path'], i['container']) for i in items if (i['container'] or '').startswith('ev/ext-stale-fat.img!')]")" \
  "[('e.txt', 'ev/ext-stale-fat.img!/fs (offset 0, ext2; signatures of EXT2/3/4 or FAT)')]"
is "... and its file's bytes are the ext file's" \
  "$(jl out.jsonl "[i['md5'] for i in items if i['path'] == 'e.txt']")" "['$(md5sum d/e.txt | cut -d' ' -f1)']"
is "FAT: the volume label is not an item" \
  "$(jl out.jsonl "sorted(i['path'] for i in items if (i['container'] or '').startswith('ev/fat-label.img!'))")" "['h.txt']"
like "FAT: times without a zone" "$(jl out.jsonl "[i['modified'] for i in items if i['path'] == 'h.txt'][0]")" \
  '^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$'
if [ $have_ntfs = 1 ]; then
  like "control: the NTFS volume has \$Extend metadata" "$(fls -r -p ev/ntfs.img)" '\$Extend/\$ObjId'
  is "NTFS: index metadata without \$DATA is not listed" \
    "$(jl out.jsonl "[i['path'] for i in items if i['path'].startswith('\$Extend/')]")" "[]"
  is "NTFS: \$Volume (an empty \$DATA) still is" "$(jl out.jsonl "[i['size'] for i in items if i['path'] == '\$Volume']")" "[0]"
  like "NTFS: times in UTC" "$(jl out.jsonl "[i['modified'] for i in items if i['path'] == '\$MFT'][0]")" 'Z$'
else
  skip "NTFS index metadata" "mkntfs (ntfs-3g) is not installed"
fi
is "no error item" "$(jl out.jsonl "summary['error']")" "0"
done_testing
