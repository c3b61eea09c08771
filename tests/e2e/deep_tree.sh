#!/usr/bin/env bash
# A tree deeper than PATH_MAX (4096 bytes of path): vigil hash and vigil scan list every file,
# along the way and at the bottom, with its full path and the right digests, exit 0 and no
# error items; the list is the one find gives, and a symlink at the bottom has its target under
# --link-targets. The tree is built a level at a time with cd, as the shell itself cannot name
# its bottom in one path.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
unset VIGIL_SETS VIGIL_USER
name=$(printf 'd%.0s' $(seq 1 200))
mkdir root
(
  cd root || exit 1
  for i in $(seq 1 25); do
    echo "file at level $i" >"f$i.txt"
    mkdir "$name" && cd "$name" || exit 1
  done
  echo "the bottom" >bottom.txt
  echo "also the bottom" >bottom2.txt
  ln -s bottom.txt link
) || { not_ok "build the deep tree"; done_testing; exit 1; }
find "$T/root" -type f | LC_ALL=C sort >"$T/want"
find "$T/root" ! -type d | LC_ALL=C sort >"$T/want.all"   # and the symlink, which scan lists
longest=$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$T/want")
is "the tree: 27 files" "$(wc -l <"$T/want")" "27"
like "the deepest path is longer than PATH_MAX ($longest bytes)" "$longest" '^(4[1-9][0-9][0-9]|[5-9][0-9]{3})$'

vigil hash "$T/root" >"$T/hash.out" 2>"$T/hash.err"; rc=$?
is "hash: exit 0" "$rc" "0"
grep -v '^[%#]' "$T/hash.out" | cut -d, -f5- | LC_ALL=C sort >"$T/got"
is "hash: every file, as find lists them" "$(diff "$T/want" "$T/got" >/dev/null && echo same || echo "$(wc -l <"$T/got") of $(wc -l <"$T/want"), differing")" "same"
like "hash: no errors" "$(cat "$T/hash.err")" '27 files hashed, 1 not regular file \(not hashed\), 0 errors'
bottom=$(grep '/bottom\.txt$' "$T/hash.out" | cut -d, -f2)
is "hash: the bottom file's MD5" "$bottom" "$(echo "the bottom" | md5sum | cut -d' ' -f1)"

vigil scan --no-sets --quiet --jsonl "$T/scan.jsonl" "$T/root"; rc=$?
is "scan: exit 0" "$rc" "0"
jl "$T/scan.jsonl" 'sorted(i["path"] for i in items)' >"$T/got.scan"
python3 -c 'import sys; print(sorted(l.rstrip("\n") for l in open(sys.argv[1])))' "$T/want.all" >"$T/want.scan"
is "scan: every file and the symlink, as find lists them" "$(cmp -s "$T/want.scan" "$T/got.scan" && echo same || echo differing)" "same"
is "scan: no error items" "$(jl "$T/scan.jsonl" 'sum(1 for i in items if i.get("error"))')" "0"
is "scan: the bottom file's MD5" \
  "$(jl "$T/scan.jsonl" '[i["md5"] for i in items if i["path"].endswith("/bottom.txt")][0]')" "$bottom"
vigil scan --no-sets --quiet --link-targets --jsonl "$T/links.jsonl" "$T/root"
is "scan --link-targets: the symlink at the bottom, with its target" \
  "$(jl "$T/links.jsonl" '[(i["type"], i.get("link_target")) for i in items if i["path"].endswith("/link")]')" \
  "[('symlink', 'bottom.txt')]"
done_testing
