#!/usr/bin/env bash
# The library boundary: the CLI (cmd/) and the server (src/server/) use only the public API.
# Fails when a file there includes anything but vigil/*.h, a system header, vigil_config.h or a
# header of its own folder, or when a public header (include/vigil/) includes anything but
# vigil/*.h and system headers. `--self-test` first proves that both rules can fail.
# Usage: check-public-headers.sh [--self-test] [SRCDIR]   (SRCDIR defaults to $SRCDIR, else ..)
set -u

# Folders of src/: <core/json.h> is an internal header however it is spelled.
internal_dirs() { # root
  local d
  for d in "$1"/src/*/; do [ -d "$d" ] && basename "$d"; done
}

# Print "file: #include ..." for each include of file that breaks the rule; 1 if any did.
check_file() { # root file public(0|1)
  local root=$1 f=$2 public=$3 dir line name bad=0
  dir=$(dirname "$f")
  while IFS= read -r line; do
    name=${line#*include}
    name=${name#"${name%%[\"<]*}"}
    case "$name" in
    \"vigil/*.h\"|\<vigil/*.h\>)
      name=${name:1:${#name}-2}
      [ -f "$root/include/$name" ] || { echo "$f: $line: no such public header"; bad=1; } ;;
    \"*\")
      name=${name:1:${#name}-2}
      if [ "$public" = 1 ] || { [ "$name" != vigil_config.h ] && { [[ $name == */* ]] || [ ! -f "$dir/$name" ]; }; }; then
        echo "$f: $line: not a public header"
        bad=1
      fi ;;
    \<*\>)
      name=${name:1:${#name}-2}
      if [[ $name == */* ]] && internal_dirs "$root" | grep -qxF "${name%%/*}"; then
        echo "$f: $line: an internal header"
        bad=1
      fi ;;
    *) echo "$f: $line: cannot tell what this includes"; bad=1 ;;
    esac
  done < <(grep -E '^[[:space:]]*#[[:space:]]*include' "$f")
  return $bad
}

check_tree() { # root
  local root=$1 status=0 f
  while IFS= read -r f; do
    check_file "$root" "$f" 0 || status=1
  done < <(find "$root/cmd" "$root/src/server" -name '*.[ch]' 2>/dev/null | sort)
  while IFS= read -r f; do
    check_file "$root" "$f" 1 || status=1
  done < <(find "$root/include/vigil" -name '*.h' | sort)
  return $status
}

self_test() {
  local tmp rc=0
  tmp=$(mktemp -d)
  mkdir -p "$tmp/cmd/vigil" "$tmp/include/vigil" "$tmp/src/core" "$tmp/src/server"
  : >"$tmp/src/core/json.h"
  printf '#include <stdio.h>\n#include "vigil/error.h"\n' >"$tmp/include/vigil/error.h"
  printf '#include <stdio.h>\n#include "vigil/error.h"\n#include "cli.h"\n#include "vigil_config.h"\n' \
    >"$tmp/cmd/vigil/main.c"
  : >"$tmp/cmd/vigil/cli.h"
  check_tree "$tmp" >/dev/null || { echo "self-test: a clean tree was refused"; rc=1; }
  for bad in '#include "core/json.h"' '#include <core/json.h>' '#include "../../src/core/json.h"' \
             '#include "json.h"' '#include "vigil/nonesuch.h"'; do
    cp "$tmp/cmd/vigil/main.c" "$tmp/main.c.keep"
    echo "$bad" >>"$tmp/cmd/vigil/main.c"
    check_tree "$tmp" >/dev/null && { echo "self-test: cmd/ with '$bad' passed"; rc=1; }
    mv "$tmp/main.c.keep" "$tmp/cmd/vigil/main.c"
  done
  printf '#include "core/json.h"\n' >"$tmp/src/server/http.c"
  check_tree "$tmp" >/dev/null && { echo "self-test: src/server/ with an internal header passed"; rc=1; }
  rm "$tmp/src/server/http.c"
  for bad in '#include "core/buf.h"' '#include "local.h"'; do
    : >"$tmp/include/vigil/local.h"
    cp "$tmp/include/vigil/error.h" "$tmp/error.h.keep"
    echo "$bad" >>"$tmp/include/vigil/error.h"
    check_tree "$tmp" >/dev/null && { echo "self-test: a public header with '$bad' passed"; rc=1; }
    mv "$tmp/error.h.keep" "$tmp/include/vigil/error.h"
    rm "$tmp/include/vigil/local.h"
  done
  rm -rf "$tmp"
  [ $rc = 0 ] && echo "self-test: ok"
  return $rc
}

selftest=0
if [ "${1:-}" = --self-test ]; then selftest=1; shift; fi
root=${1:-${SRCDIR:-$(dirname "$0")/..}}
if [ $selftest = 1 ]; then self_test || exit 1; fi
check_tree "$root" || { echo "the CLI and the public headers must use only include/vigil/*.h"; exit 1; }
echo "public headers: ok"
