#!/usr/bin/env bash
# vigil scan: a picture that does not decode names the layer (picture decoder), what happened
# (truncated, corrupt, unsupported) and the offset where the decoder says; it is an error item of
# kind corrupt or unsupported unless its digests decide, counted by kind in the summary, in the
# CSV's error_kind and listed in the report. Benign pictures made here and damaged. Prints TAP.
. "$(dirname "$0")/lib.sh"
open_registry

CONVERT=$(command -v convert)
if [ -z "$CONVERT" ]; then
  skip "damaged pictures" "no convert to make the pictures" imagemagick
  done_testing
  exit
fi
E=$T/ev
mkdir -p "$E" "$T/src"
"$CONVERT" -size 64x48 gradient:red-blue "$T/src/a.png"
"$CONVERT" -size 64x48 gradient:green-yellow "$T/src/b.jpg"
"$CONVERT" -size 64x48 gradient:red-blue "$T/src/c.gif"
"$CONVERT" -size 64x48 gradient:red-blue "$T/src/d.webp"
"$CONVERT" -size 64x48 gradient:red-blue bmp3:"$T/src/e.bmp"
cp "$T/src/a.png" "$E/good.png"
half() { head -c $(($(stat -c %s "$1") / 2)) "$1" >"$2"; }
half "$T/src/a.png" "$E/half.png"
half "$T/src/c.gif" "$E/half.gif"
half "$T/src/d.webp" "$E/half.webp"
head -c 20 "$T/src/b.jpg" >"$E/head.jpg" # SOI and the APP0 segment, nothing after
python3 - "$T/src" "$E" <<'PY'
import sys
src, ev = sys.argv[1:3]
png = bytearray(open(src + "/a.png", "rb").read())
png[32] ^= 0xFF  # the last byte of IHDR's CRC (8 signature + 4 length + 4 type + 13 data + 4 CRC)
open(ev + "/crc.png", "wb").write(png)
orig = open(src + "/a.png", "rb").read()
open(ev + "/listed.png", "wb").write(orig[:len(orig) // 3])  # cut, and listed as illegal below
jpg = bytearray(open(src + "/b.jpg", "rb").read())
sof = jpg.find(b"\xff\xc0")
jpg[sof + 1] = 0xC3  # SOF3: the lossless process, which this libjpeg does not implement
open(ev + "/lossless.jpg", "wb").write(jpg)
bmp = bytearray(open(src + "/e.bmp", "rb").read())
bmp[30] = 4  # compression BI_JPEG: a JPEG inside a BMP, not decoded here
open(ev + "/embedded.bmp", "wb").write(bmp)
PY
(cd "$E" && python3 -c 'import zipfile; z = zipfile.ZipFile("../pics.zip", "w"); z.write("half.png"); z.close()')
mv "$T/pics.zip" "$E/"
sha256sum "$E/listed.png" >"$T/illegal.sha256" # a test label on a benign file
vigil hashset import --name test-illegal --kind illegal "$T/illegal.sha256" >/dev/null

cd "$T"
vigil scan --jsonl out.jsonl --csv out.csv --report report.html ev 2>err.txt
is "scan exits 0 (error items are part of its result)" "$?" "0"
is "JSONL is valid and its counts add up" "$(jl out.jsonl check)" "ok"
item() { jl out.jsonl "(lambda i: (i['verdict'], i.get('error_kind'), i['pdq'], i['error']))(by_path['$1'])"; }
size() { stat -c %s "$E/$1"; }
is "a PNG cut in half: truncated where its bytes end" "$(item ev/half.png)" \
  "('error', 'corrupt', None, 'picture decoder: truncated at offset $(size half.png): png: truncated file')"
is "a PNG with a damaged IHDR checksum: corrupt at the end of that chunk" "$(item ev/crc.png)" \
  "('error', 'corrupt', None, 'picture decoder: corrupt at offset 33: png: IHDR: CRC error')"
is "a JPEG that ends after its APP0 segment: truncated, no image" "$(item ev/head.jpg)" \
  "('error', 'corrupt', None, 'picture decoder: truncated at offset 20: jpeg: JPEG datastream contains no image')"
like "a GIF cut in half: truncated where its bytes end" "$(item ev/half.gif)" \
  "^\('error', 'corrupt', None, 'picture decoder: truncated at offset $(size half.gif): gif: "
like "a WebP cut in half (its RIFF size says more): truncated" "$(item ev/half.webp)" \
  "^\('error', 'corrupt', None, 'picture decoder: truncated at offset $(size half.webp): webp: "
is "a lossless JPEG (SOF3), which libjpeg does not implement: unsupported" "$(item ev/lossless.jpg)" \
  "('error', 'unsupported', None, 'picture decoder: unsupported: jpeg: Unsupported JPEG process: SOF type 0xc3')"
is "a BMP that embeds a JPEG: unsupported" "$(item ev/embedded.bmp)" \
  "('error', 'unsupported', None, 'picture decoder: unsupported: bmp: compression 4 (RLE or embedded) is not supported')"
is "a listed picture that does not decode keeps its digest verdict and its error, without a kind" \
  "$(item ev/listed.png)" \
  "('illegal', None, None, 'picture decoder: truncated at offset $(size listed.png): png: truncated file')"
is "a damaged picture inside a zip is an error item inside its container" \
  "$(jl out.jsonl "(lambda i: (i['container'], i['verdict'], i['error_kind'], i['error']))([i for i in items if i['path'] == 'half.png'][0])")" \
  "('ev/pics.zip', 'error', 'corrupt', 'picture decoder: truncated at offset $(size half.png): png: truncated file')"
is "the good picture is hashed" "$(jl out.jsonl "(by_path['ev/good.png']['verdict'], by_path['ev/good.png']['pdq'] is not None)")" \
  "('unknown', True)"
is "the summary counts them by kind, adding up to error" \
  "$(jl out.jsonl "(summary['error'], summary['errors']['corrupt'], summary['errors']['unsupported'], summary['errors']['other'], sum(summary['errors'].values()))")" \
  "(8, 6, 2, 0, 8)"
is "the CSV's error_kind column (none for the listed picture, an illegal item)" \
  "$(python3 -c 'import csv, re, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], newline="")) if re.search(r"(half\.png|crc\.png|lossless\.jpg|listed\.png)$", r["path"])]
print(" ".join(sorted(r["error_kind"] for r in rows)) + " ")' out.csv)" \
  " corrupt corrupt corrupt unsupported "
like "stderr names each inside its containers, with the layer" "$(cat err.txt)" \
  "vigil: ev/pics.zip!/half.png: picture decoder: truncated at offset [0-9]+: png: truncated file"
like "the report lists them with the reason" "$(tr '\n' ' ' <report.html)" \
  "picture decoder: unsupported: bmp: compression 4"

vigil scan --quiet --no-isolation --jsonl in.jsonl ev
is "the same items without parser workers (the kind crosses the result wire)" \
  "$(jl in.jsonl "sorted((i['path'], i['verdict'], i.get('error_kind'), i['error']) for i in items)")" \
  "$(jl out.jsonl "sorted((i['path'], i['verdict'], i.get('error_kind'), i['error']) for i in items)")"
vigil scan --quiet --no-pdq --jsonl np.jsonl ev
is "--no-pdq decodes nothing: no picture error" "$(jl np.jsonl "(summary['error'], by_path['ev/half.png']['verdict'])")" \
  "(0, 'unknown')"
done_testing
