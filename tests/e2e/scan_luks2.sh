#!/usr/bin/env bash
# LUKS 2 volumes opened with --key-file by vigil's own reader. cryptsetup encrypts a FAT image in
# place in a plain file (reencrypt --encrypt, no device-mapper or root): PBKDF2, Argon2id with two
# lanes, 4096-byte sectors, alone and as a partition. The right key lists the files of the plain
# image with the same digests (the deleted known photo too); a wrong key leaves one encrypted item;
# a damaged header copy falls back to the other, two damaged ones are a corrupt item; a
# reencryption in progress, a cipher vigil lacks and a KDF over vigil's caps are unsupported
# items naming why. No key appears in any output.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
cd "$T"
if ! command -v cryptsetup >/dev/null; then
  skip "LUKS 2 volumes" "cryptsetup not installed" cryptsetup-bin
  done_testing
  exit
fi
vigil hashset import --name test-known --kind illegal --category A "$T/known.md5" >/dev/null
mkdir -p ev

KEY='correct horse battery staple'
printf '%s' "$KEY" >"$T/luks.key"
printf 'not this one\n%s\n' "$KEY" >"$T/keys.txt"
printf 'not this one\nnor this\n' >"$T/wrong-keys.txt"

# make_luks2 OUT PLAIN CRYPTSETUP-OPTIONS...: PLAIN in a file 32 MiB larger, encrypted in place.
make_luks2() {
  local out=$1 plain=$2
  shift 2
  truncate -s $(($(stat -c %s "$plain") + 32 * 1024 * 1024)) "$out" &&
    dd if="$plain" of="$out" conv=notrunc status=none &&
    cryptsetup reencrypt --encrypt --type luks2 --reduce-device-size 32M --key-file "$T/luks.key" -q "$@" "$out" \
      >"$out.err" 2>&1
}
# rewrite_header IMG HOW: both header copies' JSON changed as HOW says, checksums made right again,
# or (flip-*) one byte of a copy's JSON area changed, checksum left as it was.
rewrite_header() {
  python3 - "$@" <<'PY'
import hashlib, json, sys
img, how = sys.argv[1:3]
with open(img, "r+b") as f:
    size = int.from_bytes(f.read(16)[8:16], "big")
    for copy, off in enumerate((0, size)):
        f.seek(off)
        area = bytearray(f.read(size))
        if how.startswith("flip-"):
            if how == "flip-both" or copy == 0:
                area[4096 + 10] ^= 0x55
            f.seek(off)
            f.write(area)
            continue
        meta = json.loads(area[4096:].split(b"\0")[0])
        if how == "garble-primary":
            text = b'{"keyslots": {' if copy == 0 else json.dumps(meta).encode()
        else:
            if how == "cipher":
                meta["segments"]["0"]["encryption"] = "serpent-xts-plain64"
            elif how == "argon2-memory":
                meta["keyslots"]["0"]["kdf"]["memory"] = 4194304
            text = json.dumps(meta).encode()
        area[4096:] = text + bytes(size - 4096 - len(text))
        area[448:512] = bytes(64)
        area[448:480] = hashlib.sha256(area).digest()
        f.seek(off)
        f.write(area)
PY
}
# The files (path, digest, allocated, verdict) of a scan, inside containers ending with $2.
files_in() { jl "$1" "sorted((i['path'], i['sha256'], str(i.get('allocated')), i['verdict']) for i in items if i['container'].endswith('$2') and not i.get('carved'))"; }
error_items() { jl "$1" "[(i['path'], i['error_kind'], i['error']) for i in items if i['verdict'] == 'error']"; }

make_fat "$T/plain.img" 8192
vigil scan --quiet --jsonl plain.jsonl "$T/plain.img"
PLAIN=$(files_in plain.jsonl 'fat12)')
like "the plain FAT image: files to compare" "$PLAIN" "^\[\('_nown\.jpg', '[0-9a-f]{64}', 'False', 'illegal'\), .*'pics/a\.jpg'"

# ---- PBKDF2 ----
if make_luks2 ev/pbkdf2.luks "$T/plain.img" --pbkdf pbkdf2 --pbkdf-force-iterations 1000; then
  is "cryptsetup wrote a LUKS 2 volume" "$(cryptsetup luksDump ev/pbkdf2.luks | sed -n 's/^Version:\s*//p')" "2"
  vigil scan --key-file "$T/keys.txt" --jsonl pbkdf2.jsonl --csv pbkdf2.csv --report pbkdf2.html ev/pbkdf2.luks 2>pbkdf2.err
  is "PBKDF2 volume opened: no error" "$(jl pbkdf2.jsonl "(summary['error'], summary.get('errors'))")" "(0, None)"
  is "... its files and digests are the plain image's" "$(files_in pbkdf2.jsonl 'luks, fat12)')" "$PLAIN"
  is "... the deleted known photo is found in it" "$(jl pbkdf2.jsonl "[i['container'] for i in items if i['verdict'] == 'illegal']")" \
    "['ev/pbkdf2.luks!/fs (offset 0, luks, fat12)']"
  is "... no key in the JSONL, CSV, report or stderr" "$(cat pbkdf2.jsonl pbkdf2.csv pbkdf2.html pbkdf2.err | grep -c -e "$KEY" -e 'not this one')" "0"

  vigil scan --key-file "$T/wrong-keys.txt" --jsonl wrong.jsonl ev/pbkdf2.luks 2>wrong.err
  is "wrong keys: one encrypted item saying no key opens it" "$(error_items wrong.jsonl)" \
    "[('fs (offset 0, luks)', 'encrypted', 'LUKS encrypted volume: none of the 2 key(s) given opens it')]"
  is "... naming no key" "$(cat wrong.jsonl wrong.err | grep -c -e 'not this one' -e 'nor this')" "0"

  # As the second partition of an MBR disk, after a plain FAT partition.
  size_s=$(($(stat -c %s ev/pbkdf2.luks) / 512))
  truncate -s $(((2048 + 16384 + size_s) * 512 + 1048576)) ev/disk.raw
  printf 'label: dos\nstart=2048, size=16384, type=6\nstart=18432, size=%s, type=83\n' "$size_s" | sfdisk -q ev/disk.raw
  dd if="$T/plain.img" of=ev/disk.raw bs=512 seek=2048 conv=notrunc status=none
  dd if=ev/pbkdf2.luks of=ev/disk.raw bs=512 seek=18432 conv=notrunc status=none
  vigil scan --quiet --carve --key-file "$T/keys.txt" --jsonl disk.jsonl ev/disk.raw
  is "as a partition: both partitions read, the same files in each" \
    "$(files_in disk.jsonl 'offset 1048576, fat12)') / $(files_in disk.jsonl 'luks, fat12)')" "$PLAIN / $PLAIN"
  is "... nothing carved from its plaintext as if it were the image's" \
    "$(jl disk.jsonl "[i['path'] for i in items if i.get('carved') and 'luks' in i['container']]")" "[]"

  # ---- damaged headers ----
  cp ev/pbkdf2.luks ev/flip1.luks && rewrite_header ev/flip1.luks flip-primary
  vigil scan --quiet --key-file "$T/keys.txt" --jsonl flip1.jsonl ev/flip1.luks
  is "primary header with a broken checksum: the secondary opens it" "$(files_in flip1.jsonl 'luks, fat12)')" "$PLAIN"
  cp ev/pbkdf2.luks ev/garble.luks && rewrite_header ev/garble.luks garble-primary
  vigil scan --quiet --key-file "$T/keys.txt" --jsonl garble.jsonl ev/garble.luks
  is "primary JSON area damaged (its checksum right): the secondary opens it" "$(files_in garble.jsonl 'luks, fat12)')" "$PLAIN"
  cp ev/pbkdf2.luks ev/flip2.luks && rewrite_header ev/flip2.luks flip-both
  vigil scan --quiet --key-file "$T/keys.txt" --jsonl flip2.jsonl ev/flip2.luks
  is "both copies damaged: one corrupt item naming both faults" "$(error_items flip2.jsonl)" \
    "[('fs (offset 0, luks)', 'corrupt', 'LUKS 2 header damaged: primary: checksum mismatch; secondary: checksum mismatch')]"

  # ---- what vigil does not read ----
  cp ev/pbkdf2.luks ev/cipher.luks && rewrite_header ev/cipher.luks cipher
  vigil scan --quiet --key-file "$T/keys.txt" --jsonl cipher.jsonl ev/cipher.luks
  like "a cipher vigil lacks: an unsupported item naming it" "$(error_items cipher.jsonl)" \
    "^\[\('fs \(offset 0, luks\)', 'unsupported', \"LUKS 2 volume: data cipher 'serpent-xts-plain64' with a 512-bit key is not supported\"\)\]$"
  cp ev/pbkdf2.luks ev/reenc.luks
  if cryptsetup reencrypt --init-only --key-file "$T/luks.key" -q --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
    ev/reenc.luks >reenc.err 2>&1; then
    vigil scan --quiet --key-file "$T/keys.txt" --jsonl reenc.jsonl ev/reenc.luks
    is "a reencryption in progress: an unsupported item naming the requirement" "$(error_items reenc.jsonl)" \
      "[('fs (offset 0, luks)', 'unsupported', \"LUKS 2 volume with requirement 'online-reencrypt-v2' (a reencryption in progress): not supported\")]"
  else
    skip "a reencryption in progress" "cryptsetup reencrypt --init-only failed: $(tail -1 reenc.err)" cryptsetup-bin
  fi
else
  skip "LUKS 2 with PBKDF2" "cryptsetup reencrypt --encrypt failed: $(tail -1 ev/pbkdf2.luks.err)" cryptsetup-bin
fi

# ---- Argon2id, two lanes ----
if make_luks2 ev/argon2.luks "$T/plain.img" --pbkdf argon2id --pbkdf-memory 32 --pbkdf-force-iterations 4 --pbkdf-parallel 2; then
  is "cryptsetup wrote an Argon2id keyslot with 2 lanes" "$(cryptsetup luksDump ev/argon2.luks | grep -E -c 'PBKDF:\s*argon2id|Threads:\s*2')" "2"
  vigil scan --quiet --key-file "$T/keys.txt" --jsonl argon2.jsonl ev/argon2.luks
  is "Argon2id volume opened: the plain image's files" "$(files_in argon2.jsonl 'luks, fat12)')" "$PLAIN"
  cp ev/argon2.luks ev/memory.luks && rewrite_header ev/memory.luks argon2-memory
  vigil scan --quiet --key-file "$T/keys.txt" --jsonl memory.jsonl ev/memory.luks
  is "Argon2 memory over vigil's cap: not run, an unsupported item saying so" "$(error_items memory.jsonl)" \
    "[('fs (offset 0, luks)', 'unsupported', \"LUKS 2 volume: no keyslot vigil can try; keyslot 0 not tried: Argon2 memory of 4194304 KiB, over vigil's cap of 1048576 KiB\")]"
else
  skip "LUKS 2 with Argon2id" "cryptsetup reencrypt --encrypt failed: $(tail -1 ev/argon2.luks.err)" cryptsetup-bin
fi

# ---- 4096-byte sectors (the file system's sectors must be as large) ----
rm -f "$T/plain4k.img" && mkfs.fat -S 4096 -C "$T/plain4k.img" 8192 >/dev/null
mmd -i "$T/plain4k.img" ::/pics && mcopy -i "$T/plain4k.img" "$T/photos/a.jpg" ::/pics/ &&
  mcopy -i "$T/plain4k.img" "$T/photos/notes.txt" "$T/photos/album.zip" ::/
vigil scan --quiet --jsonl plain4k.jsonl "$T/plain4k.img"
PLAIN4K=$(files_in plain4k.jsonl ')')
if make_luks2 ev/s4k.luks "$T/plain4k.img" --sector-size 4096 --pbkdf pbkdf2 --pbkdf-force-iterations 1000; then
  is "cryptsetup wrote 4096-byte sectors" "$(cryptsetup luksDump ev/s4k.luks | grep -c 'sector: 4096')" "1"
  vigil scan --quiet --key-file "$T/keys.txt" --jsonl s4k.jsonl ev/s4k.luks
  is "4096-byte sector volume opened: the plain image's files" "$(files_in s4k.jsonl 'luks, fat12)')" "$PLAIN4K"
  like "... (and there are files)" "$PLAIN4K" "'pics/a\.jpg'"
else
  skip "LUKS 2 with 4096-byte sectors" "cryptsetup reencrypt --encrypt failed: $(tail -1 ev/s4k.luks.err)" cryptsetup-bin
fi

done_testing
