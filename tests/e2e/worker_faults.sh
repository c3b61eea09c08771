#!/usr/bin/env bash
# Parsers in worker processes: a parser that crashes, spins, allocates without end or opens a file
# costs exactly its own item (an error item naming it, its containers and the parser), the scan
# goes on to its end (later items all present, summary counts reconcile), and a real crasher from
# libarchive's suite does the same. vigil-faulty is vigil with the test-only fault switch
# (tests/support/fault.c, VIGIL_FAULT=PARSER:MODE[:MATCH]).
source "$(dirname "$0")/lib.sh"
# Under AddressSanitizer (make check's second stage sets ASAN_OPTIONS) a crash is first caught by
# ASan's own SIGSEGV handler, which reads /proc inside the sandbox and is killed for it: the item
# says SIGSYS there, still one `crashed` item. ASan's allocator must fail, not report, when the
# worker's address-space cap is reached.
segv="SIGSEGV"
if [ -n "${ASAN_OPTIONS:-}" ]; then
  segv="SIGSYS (a forbidden system call: the sandbox killed it)"
  export ASAN_OPTIONS="$ASAN_OPTIONS:allocator_may_return_null=1"
fi
: "${VIGIL_FAULTY:?VIGIL_FAULTY must name the test build with the fault switch}"

# Plain text is named by vigil's own sniffers, in the scanning process; a C++ source (an include line
# and a class) carries marks vigil leaves to file's keyword rules, so libmagic names b.txt and 3.txt,
# in a worker (src/scan/parse_need.c; a plain C source vigil names itself).
E=$T/ev
mkdir -p "$E/src"
printf 'first file\n' > "$E/1.txt"
printf 'inner one\n' > "$E/src/a.txt"
printf '#include "two.h"\nclass two {\n};\n' > "$E/src/b.txt"
(cd "$E/src" && zip -q "$E/2.zip" a.txt b.txt)
rm -r "$E/src"
printf '#include "three.h"\nclass three {\n};\n' > "$E/3.txt"
printf 'fourth file\n' > "$E/4.txt"

# faulty NAME FAULT [vigil scan options...]: scan $E with VIGIL_FAULT=FAULT into $T/NAME.jsonl
faulty() {
  local name=$1 fault=$2; shift 2
  VIGIL_FAULT=$fault timeout 120 "$VIGIL_FAULTY" scan --no-sets --jobs 2 --jsonl "$T/$name.jsonl" "$@" "$E" \
    > "$T/$name.out" 2> "$T/$name.err"
  echo $? > "$T/$name.rc"
}
errors() { jl "$T/$1.jsonl" "[(i['path'], i['container'], i['type'], i.get('error_kind'), i['error']) for i in items if i['verdict'] == 'error']"; }
paths() { jl "$T/$1.jsonl" "sorted(i['path'] for i in items if i['verdict'] != 'error')"; }

# a clean scan: the reference, and the same items without workers
vigil scan --no-sets --jsonl "$T/clean.jsonl" "$E" 2>/dev/null
vigil scan --no-sets --no-isolation --jsonl "$T/plain.jsonl" "$E" 2>/dev/null
is "clean scan: every item" "$(paths clean)" "['$E/1.txt', '$E/2.zip', '$E/3.txt', '$E/4.txt', 'a.txt', 'b.txt']"
is "clean scan: six items" "$(jl "$T/clean.jsonl" "len(items)")" "6"
is "--no-isolation: the same items, digests and types" \
  "$(jl "$T/plain.jsonl" "[(i['path'], i['container'], i['sha256'], i['mime']) for i in items]")" \
  "$(jl "$T/clean.jsonl" "[(i['path'], i['container'], i['sha256'], i['mime']) for i in items]")"

# Files no parser touches cost no worker: the two plain text files are read in the scanning
# process; the zip (libarchive) and 3.txt (libmagic) go to a worker. The summary's run counts both.
isolation() { jl "$T/$1.jsonl" "summary['run'].get('isolation')"; }
is "isolation: the zip and the C++ source went to a worker, the plain text files did not" \
  "$(isolation clean)" "{'worker_files': 2, 'own_files': 2}"
vigil scan --no-sets --jsonl "$T/one-text.jsonl" "$E/1.txt" 2>/dev/null
is "isolation: a plain text file alone is not sent to a worker" "$(isolation one-text)" "{'worker_files': 0, 'own_files': 1}"
vigil scan --no-sets --jsonl "$T/one-zip.jsonl" "$E/2.zip" 2>/dev/null
is "isolation: a zip alone is" "$(isolation one-zip)" "{'worker_files': 1, 'own_files': 0}"
is "isolation: read either way, the zip's members are there" \
  "$(jl "$T/one-zip.jsonl" "sorted(i['path'] for i in items if i['container'])")" "['a.txt', 'b.txt']"
vigil scan --no-sets --no-mime --jsonl "$T/nomime.jsonl" "$E" 2>/dev/null
is "isolation: without MIME typing only the zip needs a parser" "$(isolation nomime)" "{'worker_files': 1, 'own_files': 3}"
is "--no-isolation: no isolation counts" "$(isolation plain)" "None"

reconciled() { # the summary counts what the lines say, and no item is missing but the one lost
  check "$1: JSONL well formed, counts add up" python3 "$E2E_DIR/jl.py" "$T/$1.jsonl" check
  is "$1: the scan ended normally" "$(cat "$T/$1.rc")" "0"
}

# libarchive crashes on the zip: the archive's listing is lost, every file around it is there
faulty crash libarchive:crash
reconciled crash
is "crash: one error item naming the archive and the parser" "$(errors crash)" \
  "[('$E/2.zip', None, 'archive', 'crashed', 'parser crashed: $segv in libarchive')]"
is "crash: the files before and after are present" "$(paths crash)" "['$E/1.txt', '$E/2.zip', '$E/3.txt', '$E/4.txt']"
is "crash: summary counts it by kind" "$(jl "$T/crash.jsonl" "(summary['error'], summary['errors']['crashed'])")" "(1, 1)"
like "crash: stderr names it" "$(grep 'parser crashed' "$T/crash.err")" "2.zip: parser crashed: ${segv//(/\\(} in libarchive"
like "crash: stderr counts parser errors" "$(grep 'parser errors' "$T/crash.err")" "parser errors: 1 crashed, 0 timed out, 0 over memory"

# libmagic crashes on one member: the members before it and the files after it stay
faulty member libmagic:crash:b.txt
reconciled member
is "member crash: the error item is the member, inside its archive" "$(errors member)" \
  "[('b.txt', '$E/2.zip', 'file', 'crashed', 'parser crashed: $segv in libmagic')]"
is "member crash: the other items are present" "$(paths member)" "['$E/1.txt', '$E/2.zip', '$E/3.txt', '$E/4.txt', 'a.txt']"

# libmagic crashes on every item it is asked about: only the two it names, in a worker, are lost;
# the plain text files never reach it (nor a worker), on disk or inside the zip
faulty allmagic libmagic:crash
reconciled allmagic
is "libmagic crash on every item: exactly the two it names are lost" "$(errors allmagic)" \
  "[('b.txt', '$E/2.zip', 'file', 'crashed', 'parser crashed: $segv in libmagic'), ('$E/3.txt', None, 'file', 'crashed', 'parser crashed: $segv in libmagic')]"
is "libmagic crash on every item: the plain text files are read" "$(paths allmagic)" "['$E/1.txt', '$E/2.zip', '$E/4.txt', 'a.txt']"

# a parser that spins: killed after --item-timeout seconds without progress
faulty spin libarchive:spin --item-timeout 2
reconciled spin
is "spin: one error item, timed out" "$(errors spin)" \
  "[('$E/2.zip', None, 'archive', 'timeout', 'parser timed out after 2 s in libarchive')]"
is "spin: the files after it are present" "$(paths spin)" "['$E/1.txt', '$E/2.zip', '$E/3.txt', '$E/4.txt']"
is "spin: summary counts it by kind" "$(jl "$T/spin.jsonl" "summary['errors']['timeout']")" "1"

# a parser that allocates without end: stopped by the worker's memory cap
faulty alloc libarchive:alloc --worker-memory 64M
reconciled alloc
is "alloc: one error item, over the cap" "$(errors alloc)" \
  "[('$E/2.zip', None, 'archive', 'memory', 'parser over 64 MiB in libarchive')]"
is "alloc: the files after it are present" "$(paths alloc)" "['$E/1.txt', '$E/2.zip', '$E/3.txt', '$E/4.txt']"
is "alloc: summary counts it by kind" "$(jl "$T/alloc.jsonl" "summary['errors']['memory']")" "1"

# a parser that allocates without end and crashes on the NULL it gets at the cap: over memory too
# (under AddressSanitizer its own SIGSEGV handler stays and is killed by the sandbox: crashed)
faulty allocsegv libarchive:alloc-crash --worker-memory 64M
reconciled allocsegv
if [ -z "${ASAN_OPTIONS:-}" ]; then
  is "alloc then crash: one error item, over the cap" "$(errors allocsegv)" \
    "[('$E/2.zip', None, 'archive', 'memory', 'parser over 64 MiB in libarchive')]"
else
  is "alloc then crash (AddressSanitizer): one error item" "$(jl "$T/allocsegv.jsonl" "summary['error']")" "1"
fi

# a parser that opens a file: the seccomp filter kills the worker on the spot
faulty open libmagic:open:3.txt
reconciled open
is "open: the worker is killed by the sandbox, one error item" "$(errors open)" \
  "[('$E/3.txt', None, 'file', 'crashed', 'parser crashed: SIGSYS (a forbidden system call: the sandbox killed it) in libmagic')]"
is "open: every other item is present" "$(paths open)" "['$E/1.txt', '$E/2.zip', '$E/4.txt', 'a.txt', 'b.txt']"

# without a fault the switch changes nothing
faulty none ""
is "no fault: the same items as vigil" "$(jl "$T/none.jsonl" "[(i['path'], i['sha256']) for i in items]")" \
  "$(jl "$T/clean.jsonl" "[(i['path'], i['sha256']) for i in items]")"

# the product binary has no fault switch
VIGIL_FAULT=libarchive:crash vigil scan --no-sets --jsonl "$T/product.jsonl" "$E" 2>/dev/null
is "vigil ignores VIGIL_FAULT" "$(jl "$T/product.jsonl" "summary['error']")" "0"

# a real crasher: libarchive 3.6 reads out of bounds on this CAB's LZX data
C=$T/cab
mkdir -p "$C"
cp "$TESTDATA/archives/hostile/cab_lzx_oob.cab" "$C/"
printf 'after the cab\n' > "$C/z.txt"
vigil scan --no-sets --jsonl "$T/cab.jsonl" "$C" > /dev/null 2> "$T/cab.err"
is "hostile CAB: the scan ends normally" "$?" "0"
check "hostile CAB: JSONL well formed, counts add up" python3 "$E2E_DIR/jl.py" "$T/cab.jsonl" check
is "hostile CAB: exactly one crashed item, the archive's" \
  "$(jl "$T/cab.jsonl" "[(i['path'], i['type']) for i in items if i.get('error_kind') == 'crashed']")" \
  "[('$C/cab_lzx_oob.cab', 'archive')]"
is "hostile CAB: the file after it is present" "$(jl "$T/cab.jsonl" "[i['path'] for i in items if i['path'].endswith('z.txt')]")" "['$C/z.txt']"

# files inside a disk image are read in workers too: a parser crash costs the one file
if command -v mkfs.fat >/dev/null && command -v mcopy >/dev/null; then
  D=$T/disk
  mkdir -p "$D"
  mkfs.fat -C "$D/fat.img" 2048 >/dev/null
  for f in a b c; do printf '#include "%s.h"\nclass %s {\n};\n' "$f" "$f" > "$T/$f.txt"; mcopy -i "$D/fat.img" "$T/$f.txt" "::$f.txt"; done
  VIGIL_FAULT=libmagic:crash:b.txt "$VIGIL_FAULTY" scan --no-sets --jobs 2 --jsonl "$T/img.jsonl" "$D/fat.img" \
    > /dev/null 2> "$T/img.err"
  is "image: the scan ends normally" "$?" "0"
  check "image: JSONL well formed, counts add up" python3 "$E2E_DIR/jl.py" "$T/img.jsonl" check
  is "image: one error item, the file inside the image" \
    "$(jl "$T/img.jsonl" "[(i['path'], i['containers'][0], i.get('error_kind'), i['error']) for i in items if i['verdict'] == 'error']")" \
    "[('b.txt', '$D/fat.img', 'crashed', 'parser crashed: $segv in libmagic')]"
  is "image: the other files are present" \
    "$(jl "$T/img.jsonl" "sorted(i['path'] for i in items if i['verdict'] != 'error' and i['path'].endswith('.txt'))")" \
    "['a.txt', 'c.txt']"
else
  skip "image: a crash inside a disk image costs one file" "mkfs.fat or mcopy missing" dosfstools
fi

done_testing
