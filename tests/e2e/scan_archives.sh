#!/usr/bin/env bash
# vigil scan inside archives: every supported container, nesting with the container chain,
# encrypted, corrupt and truncated members as error items while the rest goes on, and the
# archive-bomb limits (ratio, total bytes, depth), each reported as an error item.
. "$(dirname "$0")/lib.sh"
F=$TESTDATA/hashsets/files

md5sum "$F/gradient-16x16.png" >"$T/known.md5"
vigil hashset import --name test-known --kind illegal --category A "$T/known.md5" >/dev/null

C=$T/content
mkdir -p "$C/inner"
cp "$F/gradient-16x16.png" "$C/inner/"
cp "$F/lorem.txt" "$C/"
A=$T/seized
mkdir -p "$A"
(cd "$C" && zip -q -r "$A/a.zip" . && tar -cf "$A/a.tar" . && tar -czf "$A/a.tar.gz" . && tar -cjf "$A/a.tar.bz2" . \
  && tar -cJf "$A/a.tar.xz" . && tar --zstd -cf "$A/a.tar.zst" . && 7z a -bd -bso0 "$A/a.7z" . \
  && find . -type f | LC_ALL=C sort | cpio -o -H newc --quiet >"$A/a.cpio")
xorriso -as mkisofs -quiet -o "$A/a.iso" "$C" 2>/dev/null

cd "$T"
vigil scan --quiet --jsonl out.jsonl seized
is "JSONL valid, counts add up" "$(jl out.jsonl check)" "ok"
for a in a.zip a.tar a.tar.gz a.tar.bz2 a.tar.xz a.tar.zst a.7z a.cpio a.iso; do
  got=$(jl out.jsonl "sorted((i['path'].lstrip('./').upper() if '$a' == 'a.iso' else i['path'].lstrip('./'), i['verdict']) for i in items if i['container'] == 'seized/$a')")
  want="[('INNER/GRADIENT-16X16.PNG', 'illegal'), ('LOREM.TXT', 'unknown')]"
  [ "$a" != a.iso ] && want="[('inner/gradient-16x16.png', 'illegal'), ('lorem.txt', 'unknown')]"
  is "$a: members found and matched" "$got" "$want"
done
is "the archive file itself is an item too" "$(jl out.jsonl "by_path['seized/a.zip']['container'], by_path['seized/a.zip']['mime']")" "(None, 'application/zip')"
is "member digests are the files' digests" "$(jl out.jsonl "[i['sha256'] for i in items if i['container']=='seized/a.7z' and i['path'].endswith('lorem.txt')][0]")" \
  "$(sha256sum <"$F/lorem.txt" | cut -d' ' -f1)"

# Nesting: zip inside tar.gz inside zip; the chain names every container.
mkdir -p n && cp seized/a.zip n/ && (cd n && tar -czf mid.tar.gz a.zip && rm a.zip && zip -q outer.zip mid.tar.gz && rm mid.tar.gz)
vigil scan --quiet --jsonl nest.jsonl n
is "nested: container chain joined by !/" \
  "$(jl nest.jsonl "[(i['container'], i['verdict']) for i in items if i['path'].endswith('gradient-16x16.png')]")" \
  "[('n/outer.zip!/mid.tar.gz!/a.zip', 'illegal')]"
is "nested: chain as an array" "$(jl nest.jsonl "[i['containers'] for i in items if i['path'].endswith('gradient-16x16.png')][0]")" \
  "['n/outer.zip', 'mid.tar.gz', 'a.zip']"

# Encrypted members: an error item each, the rest of the archive goes on.
mkdir -p enc && (cd "$C" && zip -q -P secret "$T/enc/locked.zip" lorem.txt && zip -q "$T/enc/locked.zip" inner/gradient-16x16.png)
(cd "$C" && 7z a -bd -bso0 -psecret "$T/enc/locked.7z" lorem.txt)
(cd "$C" && 7z a -bd -bso0 -psecret -mhe=on "$T/enc/headers.7z" lorem.txt)
vigil scan --quiet --jsonl enc.jsonl enc
is "encrypted zip member: error with reason" "$(jl enc.jsonl "[(i['verdict'], 'encrypt' in (i['error'] or '').lower()) for i in items if i['container']=='enc/locked.zip' and i['path']=='lorem.txt']")" "[('error', True)]"
is "... the plain member next to it is still scanned" "$(jl enc.jsonl "[i['verdict'] for i in items if i['container']=='enc/locked.zip' and i['path'].endswith('.png')]")" "['illegal']"
is "encrypted 7z member: error item" "$(jl enc.jsonl "[i['verdict'] for i in items if i['container']=='enc/locked.7z']")" "['error']"
like "7z with encrypted headers: an archive error item" "$(jl enc.jsonl "[(i['type'], i['error']) for i in items if i['path']=='enc/headers.7z' and i['verdict']=='error']")" "\('archive', '.*(ncrypt|password|passphrase)"
is "encrypted archives: counts still add up" "$(jl enc.jsonl check)" "ok"

# Corrupt member (CRC) and truncated archive.
mkdir -p bad
head -c 200000 /dev/urandom >"$T/rand.bin"
(cd "$T" && zip -q -0 bad/corrupt.zip rand.bin && cd "$C" && zip -q "$T/bad/corrupt.zip" lorem.txt)
printf 'XXXXXXXXXXXXXXXX' | dd of=bad/corrupt.zip bs=1 seek=100000 conv=notrunc 2>/dev/null
head -c 150000 /dev/urandom >"$C/big.bin"
(cd "$C" && tar -czf "$T/bad/full.tar.gz" big.bin lorem.txt inner)
rm "$C/big.bin"
head -c 60000 bad/full.tar.gz >bad/truncated.tar.gz && rm bad/full.tar.gz
vigil scan --quiet --jsonl bad.jsonl bad
is "corrupt member: error naming the failure" "$(jl bad.jsonl "[(i['verdict'], i['error'] is not None) for i in items if i['container']=='bad/corrupt.zip' and i['path']=='rand.bin']")" "[('error', True)]"
is "... the next member is fine" "$(jl bad.jsonl "[i['verdict'] for i in items if i['container']=='bad/corrupt.zip' and i['path']=='lorem.txt']")" "['unknown']"
like "truncated archive: an archive error item after the members read" \
  "$(jl bad.jsonl "[(i['type'], i['error']) for i in items if i['path']=='bad/truncated.tar.gz' and i['verdict']=='error']")" \
  "archive', '.*(damaged|truncat|read member|unreadable)"
is "truncated archive: the archive file itself keeps its digests" "$(jl bad.jsonl "[i['verdict'] for i in items if i['path']=='bad/truncated.tar.gz' and i['type']=='file']")" "['unknown']"
is "corrupt archives: counts add up" "$(jl bad.jsonl check)" "ok"
printf 'PK\003\004 this is not really a zip' >bad/fake.zip
vigil scan --quiet --jsonl fake.jsonl bad/fake.zip
is "a file that only looks like an archive: one error item saying so, no recursion" \
  "$(jl fake.jsonl "[(i['type'], i['error']) for i in items if i['verdict']=='error']")" \
  "[('archive', 'not a readable archive: the signature matched but no archive format did')]"
printf 'hello world\n' | gzip >bad/hello.txt.gz
vigil scan --quiet --jsonl gz.jsonl bad/hello.txt.gz
is "a lone gzip file: its content is one member" "$(jl gz.jsonl "[(i['path'], i['container'], i['size']) for i in items if i['container']]")" "[('data', 'bad/hello.txt.gz', 12)]"

# Bombs: a small zip that expands a lot, with the limits lowered to keep the test quick.
mkdir -p bomb && head -c 40000000 /dev/zero >"$T/zeros" && (cd "$T" && zip -q -9 bomb/bomb.zip zeros) && rm "$T/zeros"
vigil scan --quiet --jsonl bomb.jsonl --ratio-floor 1M --max-ratio 100 bomb
like "ratio bomb: the member is an error naming the limit" "$(jl bomb.jsonl "[i['error'] for i in items if i['container']=='bomb/bomb.zip']")" "archive bomb: expansion ratio over 100:1"
is "ratio bomb: the archive file itself is still an item" "$(jl bomb.jsonl "[i['verdict'] for i in items if i['path']=='bomb/bomb.zip']")" "['unknown']"
vigil scan --quiet --jsonl bomb2.jsonl --max-archive-bytes 10M bomb
like "total-bytes bomb: error naming the limit" "$(jl bomb2.jsonl "[i['error'] for i in items if i['container']=='bomb/bomb.zip']")" "archive bomb: expanded more than 10485760 bytes"
vigil scan --quiet --jsonl bomb3.jsonl bomb
is "default limits: a 40 MB zero file is no bomb" "$(jl bomb3.jsonl "[i['verdict'] for i in items if i['container']=='bomb/bomb.zip']")" "['unknown']"

# Nesting depth: ten zips inside each other.
mkdir -p deep && cp "$C/lorem.txt" deep/l0.txt
(cd deep && prev=l0.txt && for i in 1 2 3 4 5 6 7 8 9 10; do zip -q "z$i.zip" "$prev" && rm "$prev" && prev="z$i.zip"; done)
vigil scan --quiet --jsonl deep.jsonl deep
like "depth limit (default 8): an archive error item" "$(jl deep.jsonl "[i['error'] for i in items if i['type']=='archive']")" "nesting depth limit \(8\) reached"
is "depth limit: the deepest member reached is 8 levels down" "$(jl deep.jsonl "max(len(i.get('containers', [])) for i in items)")" "8"
vigil scan --quiet --jsonl deep3.jsonl --max-depth 3 deep
is "--max-depth 3: stops at three levels" "$(jl deep3.jsonl "max(len(i.get('containers', [])) for i in items)")" "3"
is "--max-depth 3: counts add up" "$(jl deep3.jsonl check)" "ok"
vigil scan --quiet --jsonl deep10.jsonl --max-depth 12 deep
is "--max-depth 12: the text at the bottom is reached" "$(jl deep10.jsonl "[len(i['containers']) for i in items if i['path']=='l0.txt']")" "[10]"

# A gzip whose content is itself (a quine, tests/data/archives/README.md), alone and inside a zip:
# the scan ends, in bounded memory, with an error item naming the layer that could not be opened.
mkdir -p quine && cp "$TESTDATA/archives/recursive.gz" quine/ && (cd quine && zip -q q.zip recursive.gz)
peak=$(python3 -c 'import resource, subprocess, sys
r = subprocess.run(sys.argv[1:])
print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)' \
  timeout 120 "$VIGIL" scan --quiet --jsonl quine.jsonl quine)
is "gzip quine: the scan ends (exit 0)" "${peak% *}" "0"
is "gzip quine: in bounded memory (under 500 MB; peak ${peak#* } MB)" "$([ "${peak#* }" -lt 500 ] && echo yes)" "yes"
like "gzip quine: its archive layer is an error item" \
  "$(jl quine.jsonl "[(i['path'], i['error']) for i in items if i['type'] == 'archive' and not i['container']]")" \
  "\\[\\('quine/recursive.gz', 'cannot open archive: Input requires too many filters for decoding'\\)\\]"
is "gzip quine inside a zip: the error item names the zip, then the member" \
  "$(jl quine.jsonl "[i['containers'] + [i['path']] for i in items if i['type'] == 'archive' and i['container']]")" \
  "[['quine/q.zip', 'recursive.gz']]"
is "gzip quine: the counts add up" "$(jl quine.jsonl check)" "ok"

# --no-archives: archives are items, members are not opened.
vigil scan --quiet --no-archives --jsonl flat.jsonl seized
is "--no-archives: one item per file" "$(jl flat.jsonl "len(items)")" "9"

done_testing
