#!/usr/bin/env bash
# vigil pdq and vigil hash --pdq end to end: the conformance vectors through the CLI and
# the scan pipeline, dihedral output, jobs, bad input, formats made at run time with
# ImageMagick (skipped when /usr/bin/convert is missing; a failure under CI=true). Prints TAP.
set -u
VIGIL=${VIGIL:-build/vigil}
TESTDATA=${TESTDATA:-$(cd "$(dirname "$0")/../data" && pwd)}
V="$TESTDATA/pdq"
T=$(mktemp -d "${TMPDIR:-/tmp}/vigil-e2e-pdq.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }
# skip DESC REASON [PACKAGE]: as in lib.sh, a missing PACKAGE that install-deps.sh installs fails under CI=true
skip() {
  if [ $# -ge 3 ] && [ "${CI:-}" = true ]; then nok "$1"; echo "#   $2: $3 is installed by scripts/install-deps.sh"
  else n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; fi
}
# hash of a file as vigil pdq prints it (empty when none)
pdq_of() { "$VIGIL" pdq --quiet "$1" 2>/dev/null | cut -d, -f1; }
dist() { python3 -c 'import sys; print(bin(int(sys.argv[1],16)^int(sys.argv[2],16)).count("1"))' "$1" "$2"; }

# 1-2: every row of expected.tsv through the CLI (e01 is too small: no line, a note on stderr)
grep -v '^#' "$V/expected.tsv" | tail -n +2 | while IFS=$'\t' read -r f h q; do
  [ "$h" = 0000000000000000000000000000000000000000000000000000000000000000 ] && [ "$q" = 0 ] && continue
  echo "$h,$q,$V/$f"
done | sort >"$T/want"
"$VIGIL" pdq --pdq-exact --jobs 2 "$V/synthetic" "$V/threatexchange" >"$T/got" 2>"$T/err"; rc=$?
check "vigil pdq over the vectors exits 0" '[ $rc -eq 0 ]'
sort "$T/got" | grep -v -e e19_gama -e e20_rgb16 >"$T/got.sorted"
check "vigil pdq prints every expected.tsv hash and quality exactly" 'cmp -s "$T/got.sorted" "$T/want"'
check "a picture too small to hash is named on stderr, not printed" \
  'grep -q "e01_tiny_4x4.png: too small to hash" "$T/err" && ! grep -q e01_tiny "$T/got"'

# 4: dihedral
grep -v '^#' "$V/expected_dihedral.tsv" | tail -n +2 | while IFS=$'\t' read -r f a b c d e g h i q; do
  [ "$q" = 0 ] && [ "$a" = 0000000000000000000000000000000000000000000000000000000000000000 ] && continue
  echo "$a,$b,$c,$d,$e,$g,$h,$i,$q,$V/$f"
done | sort >"$T/want.dih"
"$VIGIL" pdq --pdq-exact --dihedral --quiet "$V/synthetic" "$V/threatexchange" 2>/dev/null | sort >"$T/got.dih"
check "vigil pdq --dihedral prints every expected_dihedral.tsv row exactly" \
  '[ -z "$(comm -13 "$T/got.dih" "$T/want.dih")" ] && [ -s "$T/want.dih" ]'

# 5: jobs do not change output or its order
"$VIGIL" pdq --jobs 1 --quiet "$V/synthetic" >"$T/j1" 2>/dev/null
"$VIGIL" pdq --jobs 2 --quiet "$V/synthetic" >"$T/j2" 2>/dev/null
check "--jobs 1 and --jobs 2 give identical output in the same order" 'cmp -s "$T/j1" "$T/j2" && [ -s "$T/j1" ]'

# 6-8: bad input, the rest goes on
mkdir "$T/bad"
cp "$V/synthetic/e28_text.png" "$T/bad/good.png"
head -c 3000 "$V/synthetic/e28_text.png" >"$T/bad/truncated.png"
printf '\xff\xd8\xffgarbage that is not a jpeg at all' >"$T/bad/corrupt.jpg"
echo "just text" >"$T/bad/notes.txt"
cp "$V/synthetic/e28_text.png" "$T/bad/lying-extension.jpg"
: >"$T/bad/empty.png"
python3 - "$T/bad/bomb.png" <<'PY'
import struct, sys, zlib
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
idat = zlib.compress(b"\0" * 65536)
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
PY
"$VIGIL" pdq --jobs 2 "$T/bad" >"$T/bad.out" 2>"$T/bad.err"; rc=$?
good=$(grep '/good.png$' "$T/bad.out" | cut -d, -f1)
check "bad files give exit status 3 and the good ones are still hashed" \
  '[ $rc -eq 3 ] && [ "$(grep -c . "$T/bad.out")" -eq 2 ] && [ -n "$good" ]'
check "truncated PNG, corrupt JPEG and a 60000x60000 PNG bomb are errors with the layer and a reason" \
  'grep -q "truncated.png: picture decoder: truncated at offset 3000: png: " "$T/bad.err" &&
   grep -q "corrupt.jpg: picture decoder: corrupt at offset [0-9]*: jpeg: " "$T/bad.err" &&
   grep -q "bomb.png: picture decoder: png: 60000x60000 is 3600000000 pixels, over the limit" "$T/bad.err"'
check "a PNG named .jpg is decoded by content; text and empty files are skipped silently" \
  '[ "$(grep lying-extension.jpg "$T/bad.out" | cut -d, -f1)" = "$good" ] && ! grep -q -e notes.txt -e empty.png "$T/bad.err" "$T/bad.out"'
"$VIGIL" pdq --max-pixels 1000 "$T/bad/good.png" >/dev/null 2>"$T/limit.err"; rc=$?
check "--max-pixels lowers the decompression-bomb limit" '[ $rc -eq 3 ] && grep -q "over the limit of 1000" "$T/limit.err"'

# 10-11: vigil hash --pdq
"$VIGIL" hash --pdq --quiet "$T/bad/good.png" "$T/bad/notes.txt" >"$T/hash.out" 2>/dev/null
check "vigil hash --pdq announces the pdq column" 'grep -q "^%%%% size,md5,sha1,sha256,pdq,filename$" "$T/hash.out"'
check "vigil hash --pdq fills the column for images and leaves it empty otherwise" \
  '[ "$(grep ",$T/bad/good.png\$" "$T/hash.out" | cut -d, -f5)" = "$good" ] &&
   grep -q "^[0-9]*,[0-9a-f]\{32\},[0-9a-f]\{40\},[0-9a-f]\{64\},,$T/bad/notes.txt\$" "$T/hash.out"'

# 12-16: formats made at run time
CONVERT=/usr/bin/convert
if [ -x "$CONVERT" ]; then
  src="$V/synthetic/e28_text.png"
  ref=$(pdq_of "$src")
  mkdir "$T/fmt"
  "$CONVERT" "$src" "$T/fmt/a.bmp" && "$CONVERT" "$src" -compress lzw "$T/fmt/a.tif" &&
    "$CONVERT" "$src" -compress none "$T/fmt/b.tif"
  check "BMP and TIFF (LZW and plain) hash exactly like the PNG they were made from" \
    '[ "$(pdq_of "$T/fmt/a.bmp")" = "$ref" ] && [ "$(pdq_of "$T/fmt/a.tif")" = "$ref" ] && [ "$(pdq_of "$T/fmt/b.tif")" = "$ref" ]'
  photo="$V/threatexchange/dih/bridge-1-original.jpg"
  pref=$(pdq_of "$photo")
  "$CONVERT" "$photo" -resize 50% "$T/fmt/p.gif"
  g=$(pdq_of "$T/fmt/p.gif")
  check "GIF (palette-reduced, resized photo) is within distance 31 of the JPEG" '[ -n "$g" ] && [ "$(dist "$g" "$pref")" -le 31 ]'
  "$CONVERT" "$photo" -resize 25% "$T/fmt/f0.gif"
  "$CONVERT" "$photo" -resize 25% -flip "$T/fmt/f1.gif"
  "$CONVERT" "$T/fmt/f0.gif" "$T/fmt/f1.gif" "$T/fmt/anim.gif"
  check "an animated GIF hashes its first frame" '[ -n "$(pdq_of "$T/fmt/anim.gif")" ] && [ "$(pdq_of "$T/fmt/anim.gif")" = "$(pdq_of "$T/fmt/f0.gif")" ]'
  "$CONVERT" "$src" -colorspace CMYK -quality 95 "$T/fmt/cmyk.jpg" 2>/dev/null
  check "a CMYK JPEG made by ImageMagick hashes near its source" \
    'c=$(pdq_of "$T/fmt/cmyk.jpg"); [ -n "$c" ] && [ "$(dist "$c" "$ref")" -le 31 ]'
  "$CONVERT" "$src" -depth 16 "$T/fmt/rgb16.png"
  check "a 16-bit PNG hashes its high bytes (same hash as the 8-bit source)" '[ "$(pdq_of "$T/fmt/rgb16.png")" = "$ref" ]'
  if "$CONVERT" "$photo" -resize 50% "$T/fmt/p.heic" 2>/dev/null && [ -s "$T/fmt/p.heic" ]; then
    check "HEIC is decoded and near the JPEG" 'h=$(pdq_of "$T/fmt/p.heic"); [ -n "$h" ] && [ "$(dist "$h" "$pref")" -le 31 ]'
    # libheif is loaded on first use: a scan loads it before its sandboxed workers start
    mkdir -p "$T/heic" && cp "$T/fmt/p.heic" "$T/heic/"
    "$VIGIL" scan --no-sets --quiet --jobs 2 --jsonl "$T/heic.jsonl" "$T/heic" 2>"$T/heic.err"
    check "a scan's parser worker decodes HEIC to the same PDQ as vigil pdq" \
      '[ "$(jq -r "select(.path) | .pdq" "$T/heic.jsonl")" = "$(pdq_of "$T/fmt/p.heic")" ] && [ "$(jq -r .summary.run.isolation.worker_files "$T/heic.jsonl" | grep -v null)" = 1 ]'
  else
    skip "HEIC is decoded and near the JPEG" "ImageMagick cannot write HEIC here" "imagemagick (libheif)"
    skip "a scan's parser worker decodes HEIC" "ImageMagick cannot write HEIC here" "imagemagick (libheif)"
  fi
  "$CONVERT" -size 1x1 xc:red "$T/fmt/one.png"
  "$VIGIL" pdq "$T/fmt/one.png" >"$T/one.out" 2>"$T/one.err"; rc=$?
  check "a 1x1 picture has no hash and is not an error" '[ $rc -eq 0 ] && [ ! -s "$T/one.out" ] && grep -q "too small" "$T/one.err"'
else
  for t in bmp-tiff gif anim-gif cmyk rgb16 heic heic-scan 1x1; do skip "$t" "no /usr/bin/convert" imagemagick; done
fi
echo "1..$n"
