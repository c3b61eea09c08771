#!/usr/bin/env bash
# vigil hash: hashdeep-compatible output, digests equal to coreutils', order independent of
# --jobs, the Debian hashdeep binary audits the list as a perfect match, bad files named.
. "$(dirname "$0")/lib.sh"

D=$T/tree
mkdir -p "$D/sub/deeper" "$D/empty dir"
printf 'hello\n' >"$D/hello.txt"
printf 'same\n' >"$D/sub/copy1"
printf 'same\n' >"$D/sub/copy2"
: >"$D/zero-bytes"
printf 'comma' >"$D/sub/a,b,c.txt"
printf 'space' >"$D/sub/with space.txt"
head -c 3000000 /dev/urandom >"$D/sub/deeper/random.bin"
cp "$TESTDATA/hashsets/files/gradient-16x16.png" "$D/sub/"
ln -s hello.txt "$D/link-to-hello"
mkfifo "$D/a-fifo"

cd "$T"
vigil hash --relative tree >"$T/list" 2>"$T/err"
is "exit status 0 on a readable tree" "$?" "0"
is "hashdeep header" "$(head -n 2 "$T/list")" "%%%% HASHDEEP-1.0
%%%% size,md5,sha1,sha256,filename"
like "invocation recorded" "$(sed -n 3,4p "$T/list")" "^## Invoked from: .*
## [#$] .*vigil hash --relative tree$"
is "one line per regular file" "$(grep -vc '^[%#]' "$T/list")" "$(find tree -type f | wc -l)"
like "stderr counts what was not hashed" "$(cat "$T/err")" "8 files hashed, 2 not regular files \(not hashed\), 0 errors"

# Every digest equals coreutils' for the same file.
bad=0
while IFS= read -r f; do
  line=$(grep -F ",$f" "$T/list" | grep -E "^[0-9]+,[0-9a-f]{32},[0-9a-f]{40},[0-9a-f]{64},$(printf '%s' "$f" | sed 's/[.[\*^$]/\\&/g')\$")
  want="$(stat -c %s "$f"),$(md5sum <"$f" | cut -d' ' -f1),$(sha1sum <"$f" | cut -d' ' -f1),$(sha256sum <"$f" | cut -d' ' -f1),$f"
  [ "$line" == "$want" ] || { bad=$((bad + 1)); echo "# mismatch for $f: '$line' vs '$want'"; }
done < <(find tree -type f)
is "md5, sha1, sha256 and size equal md5sum/sha1sum/sha256sum/stat" "$bad" "0"

# hashdeep audits vigil's list as a perfect match of the tree. hashdeep follows symlinks and
# would block forever on the FIFO; vigil records both without opening them, so the audited
# tree holds regular files only. Names are absolute by default, as hashdeep writes them.
rm "$D/a-fifo" "$D/link-to-hello"
vigil hash tree/ >"$T/list" 2>/dev/null
like "names are absolute by default" "$(grep -c "^[0-9].*,$T/tree/hello.txt\$" "$T/list")" "^1$"
out=$(hashdeep -a -k "$T/list" -r tree 2>&1)
is "hashdeep -a -k <vigil list> -r tree: Audit passed" "$out" "hashdeep: Audit passed"
echo extra >"$D/new-file"
out=$(hashdeep -a -k "$T/list" -r tree 2>&1)
is "the audit fails once the tree changes (the check can fail)" "$out" "hashdeep: Audit failed"
rm "$D/new-file"

# Same output whatever the number of jobs (after the header, which records the command line).
for j in 1 2 8; do vigil hash --relative --jobs $j tree 2>/dev/null | tail -n +6 >"$T/list.j$j"; done
check "--jobs 1 and --jobs 2 give identical lines" cmp "$T/list.j1" "$T/list.j2"
check "--jobs 1 and --jobs 8 give identical lines" cmp "$T/list.j1" "$T/list.j8"

# A file nobody may read: named on stderr, the rest is hashed, exit status 3.
chmod 000 "$D/sub/copy2"
as_nobody "$VIGIL" hash --relative tree >"$T/list.nobody" 2>"$T/err.nobody"
is "unreadable file gives exit status 3" "$?" "3"
like "unreadable file named on stderr" "$(cat "$T/err.nobody")" "^vigil: tree/sub/copy2: Permission denied"
is "the other files are still hashed" "$(grep -vc '^[%#]' "$T/list.nobody")" "$(($(find tree -type f | wc -l) - 1))"
chmod 644 "$D/sub/copy2"

# A name that is not UTF-8 is written as its bytes, as hashdeep does.
name=$(printf 'caf\xe9.txt')
printf 'latin1' >"$D/$name"
vigil hash --relative tree 2>/dev/null | grep -a -c "$(printf ',tree/caf\xe9.txt$')" >"$T/count"
is "non-UTF-8 name written byte for byte" "$(cat "$T/count")" "1"

# Usage errors.
vigil hash >/dev/null 2>&1
is "no path is a usage error (2)" "$?" "2"
vigil hash --jobs 0 tree >/dev/null 2>&1
is "--jobs 0 is a usage error (2)" "$?" "2"
out=$(vigil hash does-not-exist 2>&1 >/dev/null)
is "a missing path gives exit 3" "$?" "3"
is "a missing path is named in one line" "$out" "vigil: does-not-exist: No such file or directory"

# An output that cannot be written: exit 4 and one line, as in scan and hashset export.
out=$(vigil hash --quiet tree 2>&1 >/dev/full); rc=$?
is "output to a full device: exit 4" "$rc" "4"
is "... one line naming the output" "$out" "vigil: hash: stdout: cannot write the output: No space left on device"

done_testing
