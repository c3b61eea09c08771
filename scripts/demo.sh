#!/usr/bin/env bash
# make demo: a small triage end to end on benign photographs.
# Downloads Debian's mate-backgrounds wallpapers (no root needed), builds a demo "known"
# hash set from some of them (labelled category "demo"; the photos are ordinary
# wallpapers), makes a demo "seized" folder with the photos, a zip holding more of them
# and some files nobody knows, then runs vigil scan and says where the results are.
# Then a seized FAT disk image with a deleted known photo and a photo in free space only,
# scanned with --carve.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
VIGIL="$PWD/$BUILD/vigil"
OUT="$PWD/demo-out"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/vigil-demo"

mkdir -p "$CACHE"
deb=$(ls "$CACHE"/mate-backgrounds_*.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
  echo "demo: downloading the mate-backgrounds package (benign wallpapers, about 47 MB)..."
  (cd "$CACHE" && apt-get download mate-backgrounds >/dev/null 2>&1) || {
    echo "demo: apt-get download mate-backgrounds failed (is apt configured?)" >&2; exit 1; }
  deb=$(ls "$CACHE"/mate-backgrounds_*.deb | head -n 1)
fi

rm -rf "$OUT"
mkdir -p "$OUT/photos" "$OUT/seized/pictures" "$OUT/seized/documents"
dpkg-deb -x "$deb" "$OUT/photos"
mapfile -t photos < <(find "$OUT/photos" -type f \( -name '*.jpg' -o -name '*.png' \) | LC_ALL=C sort)
[ ${#photos[@]} -ge 12 ] || { echo "demo: expected at least 12 photos in $deb" >&2; exit 1; }

# The "seized" folder: most photos loose, four more inside a zip, a few unknown files.
for ((i = 0; i < ${#photos[@]} - 4; i++)); do cp "${photos[$i]}" "$OUT/seized/pictures/"; done
mkdir -p "$OUT/ziptmp"
for ((i = ${#photos[@]} - 4; i < ${#photos[@]}; i++)); do cp "${photos[$i]}" "$OUT/ziptmp/"; done
(cd "$OUT/ziptmp" && zip -q -r "$OUT/seized/documents/holiday.zip" .)
rm -rf "$OUT/ziptmp"
for n in 1 2 3; do openssl rand -out "$OUT/seized/documents/unknown-$n.bin" $((4096 * n)); done
printf 'shopping list\nmilk\n' >"$OUT/seized/documents/notes.txt"

# An altered copy of a known photo (half size, recompressed): no digest matches it, PDQ does.
/usr/bin/convert "${photos[3]}" -resize 50% -quality 70 "$OUT/seized/pictures/resized-copy.jpg"

# Demo sets: every third photo is "known" (one of them only inside the zip), two are benign.
: >"$OUT/demo-known.sha256"
for ((i = 0; i < ${#photos[@]}; i += 3)); do sha256sum "${photos[$i]}" >>"$OUT/demo-known.sha256"; done
sha256sum "${photos[1]}" "${photos[2]}" >"$OUT/demo-benign.sha256"

export VIGIL_DB="$OUT/vigil.db"
"$VIGIL" hashset import --name demo-known --kind illegal --category demo --series demo-series \
  "$OUT/demo-known.sha256" >/dev/null
"$VIGIL" hashset import --name demo-benign --kind benign "$OUT/demo-benign.sha256" >/dev/null
for ((i = 0; i < ${#photos[@]}; i += 3)); do "$VIGIL" pdq --quiet "${photos[$i]}"; done >"$OUT/demo-known.pdq"
"$VIGIL" hashset import --name demo-known-pdq --kind illegal --category demo --series demo-series \
  --format pdq "$OUT/demo-known.pdq" >/dev/null
"$VIGIL" hashset list
echo
"$VIGIL" scan --quiet --jsonl "$OUT/scan.jsonl" --csv "$OUT/scan.csv" --report "$OUT/report.html" "$OUT/seized"
echo "demo: scanned $OUT/seized"
echo "demo: JSONL  $OUT/scan.jsonl"
echo "demo: CSV    $OUT/scan.csv"
echo "demo: report $OUT/report.html"
echo "demo: summary: $(tail -n 1 "$OUT/scan.jsonl")"
grep '"verdict":"near"' "$OUT/scan.jsonl" | python3 -c 'import json, sys
for line in sys.stdin:
    o = json.loads(line)
    print("demo: near match: %s ~ set %s, distance %s" % (o["path"], o["match"]["set"], o["match"]["distance"]))'


# A seized disk image: a small FAT file system (made without root: mkfs.fat -C, mcopy,
# mdel) holding a benign photo, a photo nobody knows and the altered copy; a known photo
# copied in and then deleted; and a photo in no file at all, written into free clusters.
by_size() { stat -c '%s %n' "$@" | sort -n | cut -d' ' -f2-; }
known=() unknown=()
for ((i = 0; i < ${#photos[@]}; i++)); do
  if ((i % 3 == 0)); then known+=("${photos[$i]}"); elif ((i > 2)); then unknown+=("${photos[$i]}"); fi
done
mapfile -t known < <(by_size "${known[@]}")
mapfile -t unknown < <(by_size "${unknown[@]}")
deleted=${known[0]} planted=${unknown[0]} kept=${unknown[1]}
benign=$(by_size "${photos[1]}" "${photos[2]}" | head -n 1)
IMG="$OUT/disk.img"
PATH="$PATH:/usr/sbin:/sbin"  # mkfs.fat is in sbin, which a user's PATH on Debian leaves out
mkfs.fat -C "$IMG" 4096 >/dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$IMG" ::/DCIM
mcopy -i "$IMG" "$benign" "$kept" "$OUT/seized/pictures/resized-copy.jpg" ::/DCIM/
mcopy -i "$IMG" "$deleted" ::/DCIM/
# The last free clusters that hold the planted photo (found before the delete, so they are
# not the deleted photo's clusters): read the FAT12/16 table and check each one is free.
offset=$(python3 - "$IMG" "$(stat -c %s "$planted")" <<'PY'
import struct, sys
img, need = sys.argv[1], int(sys.argv[2])
with open(img, "rb") as f:
    boot = f.read(512)
    sector, per_cluster = struct.unpack_from("<H", boot, 11)[0], boot[13]
    reserved, fats, roots = struct.unpack_from("<H", boot, 14)[0], boot[16], struct.unpack_from("<H", boot, 17)[0]
    total = struct.unpack_from("<H", boot, 19)[0] or struct.unpack_from("<I", boot, 32)[0]
    fat_sectors = struct.unpack_from("<H", boot, 22)[0]
    f.seek(reserved * sector)
    table = f.read(fat_sectors * sector)
data = reserved + fats * fat_sectors + (roots * 32 + sector - 1) // sector
clusters = (total - data) // per_cluster
def entry(n):
    if clusters < 4085:  # FAT12: 12-bit entries packed in pairs
        v = struct.unpack_from("<H", table, n * 3 // 2)[0]
        return v >> 4 if n & 1 else v & 0xFFF
    return struct.unpack_from("<H", table, n * 2)[0]
size = sector * per_cluster
count = (need + size - 1) // size
first = clusters + 2 - count
if any(entry(n) for n in range(first, clusters + 2)):
    sys.exit("demo: no free clusters at the end of %s" % img)
print((data + (first - 2) * per_cluster) * sector)
PY
)
dd if="$planted" of="$IMG" bs=512 seek=$((offset / 512)) conv=notrunc status=none
mdel -i "$IMG" "::/DCIM/$(basename "$deleted")"
"$VIGIL" scan --quiet --carve --jsonl "$OUT/disk.jsonl" --report "$OUT/disk.html" "$IMG"
echo
echo "demo: disk image $IMG (FAT, 4 MiB): DCIM/ holds $(basename "$benign") (benign set),"
echo "demo:   $(basename "$kept") (unknown) and resized-copy.jpg; $(basename "$deleted") (known) was deleted;"
echo "demo:   $(basename "$planted") was written into free space at offset $offset, in no file"
echo "demo: JSONL  $OUT/disk.jsonl"
echo "demo: report $OUT/disk.html"
python3 - "$OUT/disk.jsonl" "$(sha256sum <"$planted" | cut -d' ' -f1)" "$(basename "$planted")" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
items, summary = rows[:-1], rows[-1]["summary"]
planted_sha256, planted_name = sys.argv[2], sys.argv[3]
deleted_sha256 = {i["sha256"] for i in items if i.get("allocated") is False and not i.get("carved")}
verdicts = ", ".join("%s %d" % (v, summary[v]) for v in ("illegal", "interest", "near", "benign", "unknown", "error") if summary[v])
print("demo: image summary: %d items (%s); allocated %d, deleted %d, carved %d"
      % (summary["items"], verdicts, summary["allocated"], summary["deleted"], summary["carved"]))
for i in items:
    match = " (set %s)" % i["match"]["set"] if i.get("match") else ""
    if i.get("carved"):
        whose = {planted_sha256: ": " + planted_name + ", in no file"}.get(i["sha256"], "")
        if i["sha256"] in deleted_sha256:
            whose = ": the deleted photo's clusters"
        print("demo: carved:  %s at offset %d, allocated: false, verdict %s%s%s"
              % (i["path"], i["carved_offset"], i["verdict"], match, whose))
    elif i.get("allocated") is False:
        print("demo: deleted: %s, allocated: false, verdict %s%s" % (i["path"], i["verdict"], match))
PY
