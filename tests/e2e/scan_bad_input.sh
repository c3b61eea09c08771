#!/usr/bin/env bash
# Bad input for vigil scan: each gets a clear error item naming the file, the rest of the
# scan goes on, and the counts add up.
. "$(dirname "$0")/lib.sh"

S=$T/s
mkdir -p "$S/open" "$S/locked" "$S/loops/sub"
printf 'fine' >"$S/open/fine.txt"
printf 'secret' >"$S/open/unreadable.txt" && chmod 000 "$S/open/unreadable.txt"
printf 'inside' >"$S/locked/hidden.txt" && chmod 000 "$S/locked"
: >"$S/open/zero"
ln -s self "$S/loops/self"                  # a symlink pointing at itself
ln -s .. "$S/loops/sub/up"                  # a directory cycle through a symlink
mkfifo "$S/open/fifo"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$S/open/sock"
mknod "$S/open/null-device" c 1 3 2>/dev/null && have_dev=1 || have_dev=0

cd "$T"
mkdir -m 777 "$T/o"
as_nobody "$VIGIL" scan --no-sets --quiet --link-targets --jsonl "$T/o/out.jsonl" s
is "scan as an unprivileged user completes (exit 0)" "$?" "0"
chmod 755 "$S/locked"
mv "$T/o/out.jsonl" "$T/out.jsonl"
is "counts add up" "$(jl out.jsonl check)" "ok"
is "unreadable file: error item with the reason" "$(jl out.jsonl "(lambda i: (i['verdict'], i['error'], i['md5']))(by_path['s/open/unreadable.txt'])")" \
  "('error', 'Permission denied', None)"
is "directory that may not be entered: error item" "$(jl out.jsonl "(lambda i: (i['verdict'], i['type'], i['error']))(by_path['s/locked'])")" \
  "('error', 'dir', 'cannot read directory: Permission denied')"
is "the readable file next to them is scanned" "$(jl out.jsonl "by_path['s/open/fine.txt']['verdict']")" "unknown"
is "zero-byte file: unknown, empty digests" "$(jl out.jsonl "(lambda i: (i['verdict'], i['size'], i['md5']))(by_path['s/open/zero'])")" \
  "('unknown', 0, 'd41d8cd98f00b204e9800998ecf8427e')"
is "symlink loop: recorded, not followed" "$(jl out.jsonl "(lambda i: (i['type'], i['link_target'], i['md5']))(by_path['s/loops/self'])")" "('symlink', 'self', None)"
is "directory cycle through a symlink: recorded once, walk ends" "$(jl out.jsonl "(lambda i: (i['type'], i['link_target']))(by_path['s/loops/sub/up'])")" "('symlink', '..')"
is "FIFO recorded, never opened (the scan did not hang)" "$(jl out.jsonl "(lambda i: (i['type'], i['verdict'], i['md5']))(by_path['s/open/fifo'])")" "('fifo', 'unknown', None)"
is "socket recorded" "$(jl out.jsonl "by_path['s/open/sock']['type']")" "socket"
if [ $have_dev = 1 ]; then
  is "device recorded, never opened" "$(jl out.jsonl "(lambda i: (i['type'], i['md5']))(by_path['s/open/null-device'])")" "('chardev', None)"
else
  skip "device recorded" "mknod not permitted here (a container's limit)"
fi
is "total items" "$(jl out.jsonl "len(items)")" "$((8 + have_dev))"

# A symlink loop named on the command line, and a path that does not exist.
ln -s loop2 "$T/loop1" && ln -s loop1 "$T/loop2"
# A root that cannot be read is an input error said on stderr, never a quiet error item.
vigil scan --no-sets --quiet --jsonl cl.jsonl loop1 missing-path s/open/fine.txt 2>"$T/err"; rc=$?
is "unreadable roots: exit 3" "$rc" "3"
is "... one line each, naming the root and why" "$(cat "$T/err")" \
  "$(printf 'vigil: scan: loop1: Too many levels of symbolic links\nvigil: scan: missing-path: No such file or directory')"
is "... and nothing is scanned" "$(test -e cl.jsonl && echo written || echo none)" "none"
vigil scan --no-sets --jsonl cl.jsonl /does/not/exist 2>"$T/err"; rc=$?
is "a missing root without --quiet: exit 3 too" "$rc" "3"
is "... with its line" "$(cat "$T/err")" "vigil: scan: /does/not/exist: No such file or directory"
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
  mkdir -p "$T/closed" && chmod 700 "$T/closed"
  as_nobody "$VIGIL" scan --no-sets --quiet --jsonl /dev/null "$T/closed" 2>"$T/err"; rc=$?
  is "a root the user may not open: exit 3" "$rc" "3"
  like "... naming it" "$(cat "$T/err")" "^vigil: scan: .*/closed: Permission denied$"
else
  skip "a root the user may not open" "needs root to run as nobody"
fi
ln -s s/open "$T/link-to-dir"
vigil scan --no-sets --quiet --jsonl cl2.jsonl link-to-dir
is "a symlink named on the command line is followed once (like find -H)" "$(jl cl2.jsonl "'link-to-dir/fine.txt' in by_path")" "True"

# A file over 4 GiB (sparse): size and digests equal coreutils'.
mkdir -p big && truncate -s 4294967297 big/sparse.img && printf 'tail' | dd of=big/sparse.img bs=1 seek=4294967000 conv=notrunc 2>/dev/null
vigil scan --no-sets --quiet --jobs 2 --jsonl big.jsonl big
is "over 4 GiB: size" "$(jl big.jsonl "by_path['big/sparse.img']['size']")" "4294967297"
is "over 4 GiB: MD5 equals md5sum" "$(jl big.jsonl "by_path['big/sparse.img']['md5']")" "$(md5sum <big/sparse.img | cut -d' ' -f1)"
is "over 4 GiB: SHA-256 equals sha256sum" "$(jl big.jsonl "by_path['big/sparse.img']['sha256']")" "$(sha256sum <big/sparse.img | cut -d' ' -f1)"
rm -f big/sparse.img

# Bad options and outputs.
vigil scan --no-sets --quiet --max-ratio x s >/dev/null 2>"$T/err"; rc=$?
is "bad limit value: usage error" "$rc" "2"
like "... named" "$(cat "$T/err")" "--max-ratio takes a number"
vigil scan --no-sets --quiet --jsonl /no/such/dir/out.jsonl s/open/fine.txt 2>"$T/err"; rc=$?
is "output that cannot be opened: exit 4 (the output could not be written)" "$rc" "4"
like "... named" "$(cat "$T/err")" "/no/such/dir/out.jsonl: No such file or directory"
vigil scan --no-sets --quiet --jsonl /dev/full s/open/fine.txt 2>"$T/err"; rc=$?
is "output device full: exit 4" "$rc" "4"
is "... says so in one line naming the output" "$(cat "$T/err")" "vigil: scan: /dev/full: cannot write the output: No space left on device"

done_testing
