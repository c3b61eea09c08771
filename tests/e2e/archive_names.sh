#!/usr/bin/env bash
# Member names are kept exactly: UTF-8 names (Cyrillic, CJK) come out as UTF-8 from every archive
# format, whatever the locale vigil was started in; a legacy name that is not UTF-8 keeps its bytes
# (escaped in JSON, exact in path_hex), never '?' and never a dropped member.
. "$(dirname "$0")/lib.sh"

S=$T/src
mkdir -p "$S/привет" "$T/ev"
printf 'cyrillic\n' >"$S/привет/файл.txt"
printf 'cjk\n' >"$S/日本語.txt"
printf 'plain\n' >"$S/plain.txt"
cd "$S"
LC_ALL=C.UTF-8 tar --format=pax -cf "$T/ev/pax.tar" -- *
LC_ALL=C.UTF-8 tar --format=gnu -cf "$T/ev/gnu.tar" -- *
LC_ALL=C.UTF-8 zip -qr "$T/ev/infozip.zip" -- *
find . -mindepth 1 | LC_ALL=C.UTF-8 cpio -o -H newc --quiet >"$T/ev/newc.cpio"
command -v 7z >/dev/null && LC_ALL=C.UTF-8 7z a -bd "$T/ev/names.7z" -- * >/dev/null
command -v genisoimage >/dev/null && genisoimage -quiet -J -R -input-charset utf-8 -o "$T/ev/names.iso" . 2>/dev/null
cd "$T"
# Python writes non-ASCII names with the UTF-8 flag; a legacy name is patched in as raw CP437 bytes.
python3 - <<'PY'
import zipfile
with zipfile.ZipFile('ev/flagged.zip', 'w') as z:
    z.writestr('привет/файл.txt', b'cyrillic\n')
    z.writestr('日本語.txt', b'cjk\n')
    z.writestr('plain.txt', b'plain\n')
with zipfile.ZipFile('legacy.zip', 'w') as z:
    z.writestr('caf\x01.txt', b'legacy\n')
open('ev/legacy.zip', 'wb').write(open('legacy.zip', 'rb').read().replace(b'caf\x01.txt', b'caf\x82.txt'))
PY

for loc in C C.UTF-8; do
  LC_ALL=$loc LANG= vigil scan --no-sets --quiet --jobs 2 --jsonl "names-$loc.jsonl" ev
  is "locale $loc: the scan ends cleanly" "$?" "0"
  for a in pax.tar gnu.tar infozip.zip newc.cpio flagged.zip names.7z names.iso; do
    [ -f "ev/$a" ] || { skip "$a under $loc" "the tool that writes it is missing"; continue; }
    got=$(jl "names-$loc.jsonl" \
      "sorted(i['path'].lstrip('./') for i in items if i['container'] == 'ev/$a')" 2>&1)
    is "locale $loc: $a lists its members by their UTF-8 names" "$got" \
      "['plain.txt', 'привет/файл.txt', '日本語.txt']"
  done
  is "locale $loc: a legacy name keeps its bytes" \
    "$(jl "names-$loc.jsonl" "[i.get('path_hex') for i in items if i['container'] == 'ev/legacy.zip']")" \
    "['636166822e747874']"
  is "locale $loc: no name with '?'" "$(grep -c '?' "names-$loc.jsonl")" "0"
done
done_testing
