# Small disk images for the image tests, built without root. Sourced after lib.sh.
# Under AddressSanitizer: leaks inside libewf itself are not vigil's (see the file).
# mkfs.fat, mkntfs and sfdisk live in /usr/sbin, which is not on an ordinary user's PATH.
PATH=$PATH:/usr/sbin:/sbin
export LSAN_OPTIONS="suppressions=$E2E_DIR/lsan-image.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# photos: $T/photos/{a,b,known}.jpg (benign wallpapers, or synthetic pictures without them),
# plus text and a zip. The "known" photo's MD5 goes into an illegal test set.
mkdir -p "$T/photos"
_wall=$(find /usr/share/backgrounds -name '*.jpg' 2>/dev/null | LC_ALL=C sort | head -n 3)
_i=0
for name in a b known; do
  src=$(printf '%s\n' $_wall | sed -n "$((_i + 1))p")
  if [ -n "$src" ]; then
    convert "$src" -resize 240x "$T/photos/$name.jpg"
  else
    convert -size 240x160 "plasma:fractal" -seed $((_i + 7)) "$T/photos/$name.jpg"
  fi
  _i=$((_i + 1))
done
printf 'a plain text file\n' >"$T/photos/notes.txt"
(cd "$T/photos" && zip -q "$T/photos/album.zip" a.jpg notes.txt)
md5sum "$T/photos/known.jpg" >"$T/known.md5"

# The content every file system gets: pics/a.jpg, notes.txt, docs/album.zip, known.jpg (then deleted).
img_tree() {
  rm -rf "$1" && mkdir -p "$1/pics" "$1/docs"
  cp "$T/photos/a.jpg" "$1/pics/" && cp "$T/photos/notes.txt" "$1/" && cp "$T/photos/album.zip" "$1/docs/"
  cp "$T/photos/known.jpg" "$1/"
}

make_fat() { # make_fat IMG SIZE_KIB: FAT with known.jpg deleted
  rm -f "$1" && mkfs.fat -C "$1" "$2" >/dev/null
  mmd -i "$1" ::/pics ::/docs
  mcopy -i "$1" "$T/photos/a.jpg" ::/pics/ && mcopy -i "$1" "$T/photos/notes.txt" ::/
  mcopy -i "$1" "$T/photos/album.zip" ::/docs/ && mcopy -i "$1" "$T/photos/known.jpg" ::/
  mdel -i "$1" ::/known.jpg
}

make_ext4() { # make_ext4 IMG SIZE: ext4 with known.jpg deleted
  img_tree "$T/tree"
  rm -f "$1" && mke2fs -q -t ext4 -d "$T/tree" "$1" "$2" >/dev/null
  debugfs -w -R "rm known.jpg" "$1" >/dev/null 2>&1
}

# The byte offset of partition N in a partitioned image, from sfdisk.
part_offset() { sfdisk -J "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)['partitiontable']['partitions'][$2-1]['start']*512)"; }
