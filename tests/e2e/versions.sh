#!/usr/bin/env bash
# The versions a report can cite: vigil --version names vigil (and the git commit it was built from)
# and the libraries that read evidence, store and sign; the scan's JSONL summary ("run") and its
# HTML report carry the same, with the command line and the start and end times.
. "$(dirname "$0")/lib.sh"

out=$(vigil --version)
is "--version: exit 0" "$?" "0"
like "--version: vigil's own version first" "$(echo "$out" | head -1)" "^vigil [0-9]+\.[0-9]+\.[0-9]+( \(git [0-9a-f]{7,}(-dirty)?\))?$"
for lib in libarchive libtsk libewf libvhdi libvmdk libqcow libbde libluksde libmagic libjpeg-turbo libpng \
           giflib libwebp libtiff libheif zlib OpenSSL SQLite libpq libsodium; do
  like "--version: names $lib with a version" "$out" "^  $lib +[0-9][0-9.]+$"
done
# the versions are those of the libraries linked, as the system's package database knows them
ver() { echo "$out" | awk -v n="$1" '$1 == n {print $2}'; }
if command -v dpkg-query >/dev/null; then
  for pair in libarchive:libarchive13 SQLite:libsqlite3-0 libtsk:libtsk19 libpq:libpq5 libsodium:libsodium23; do
    lib=${pair%%:*}; pkg=${pair#*:}
    pv=$(dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null | sed 's/^[0-9]*://')
    if [ -n "$pv" ]; then
      like "$lib $(ver "$lib") is the installed $pkg ($pv)" "$pv" "^$(ver "$lib" | sed 's/\./\\./g')"
    else
      skip "$lib against its package" "$pkg is not installed under that name here"
    fi
  done
else
  skip "library versions against the package database" "no dpkg-query"
fi

mkdir -p "$T/tree" && echo hello >"$T/tree/a.txt"
before=$(date -u +%Y-%m-%dT%H:%M:%SZ)
vigil scan --no-sets --quiet --jsonl "$T/s.jsonl" --report "$T/r.html" "$T/tree"
is "scan: exit 0" "$?" "0"
after=$(date -u +%Y-%m-%dT%H:%M:%SZ)
run() { jl "$T/s.jsonl" "summary['run']$1"; }
is "summary run: vigil's version as --version says" "$(run "['vigil']")" "$(echo "$out" | head -1 | sed 's/^vigil //')"
is "summary run: the libraries as --version lists them" \
   "$(run "['libraries']" | python3 -c 'import ast,sys; print("\n".join("  %-14s %s" % kv for kv in ast.literal_eval(sys.stdin.read()).items()))')" \
   "$(echo "$out" | tail -n +2)"
like "summary run: the command line" "$(run "['command']")" "scan --no-sets --quiet --jsonl .*s.jsonl --report .*r.html .*tree$"
started=$(run "['started']"); ended=$(run "['ended']")
like "summary run: start and end in ISO 8601 UTC" "$started $ended" "^[0-9-]{10}T[0-9:]{8}Z [0-9-]{10}T[0-9:]{8}Z$"
is "summary run: within the scan's wall-clock span" \
   "$([[ ! "$started" < "$before" && ! "$ended" > "$after" && ! "$ended" < "$started" ]] && echo yes)" "yes"
like "report: the libraries row" "$(cat "$T/r.html")" "id=libraries>libarchive $(ver libarchive), libtsk $(ver libtsk),"
like "report: vigil's version" "$(cat "$T/r.html")" "vigil version</th><td[^>]*>$(echo "$out" | head -1 | sed 's/^vigil //; s/[().]/\\&/g')<"

done_testing
