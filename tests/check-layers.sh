#!/usr/bin/env bash
# The direction of dependencies between the folders of src/ (docs/architecture.md): a file in
# src/X may include internal headers only from X itself and from the folders (or the single
# headers) listed for X below; public headers (vigil/*.h) and system headers are always allowed.
# A folder missing from the table is refused, so a new folder must be placed in it.
# Usage: check-layers.sh [--self-test] [SRCDIR]   (SRCDIR defaults to $SRCDIR, else ..)
set -u

declare -A ALLOWED=(
  [core]=""
  [digest]="core"
  [media]="core"
  [carve]="core media"
  [source]="core media carve"
  [formats]="core"
  [segment]="core"
  [pdqindex]="core segment"
  [store]="core"
  [audit]="core store"
  [hashset]="core store audit formats segment pdqindex"
  [match]="core segment pdqindex hashset/catalog.h"
  [scan]="core media source"
  [report]="core media/lazy_av.h media/lazy_heif.h"
  [cases]="core store audit pdqindex hashset/store_audit.h hashset/catalog.h"
  [server]=""
)

# Print each include of f that its folder may not use; 1 if any.
check_file() { # root file
  local root=$1 f=$2 rel top line name dep ok bad=0
  rel=${f#"$root/src/"}
  top=${rel%%/*}
  if [ -z "${ALLOWED[$top]+x}" ]; then
    echo "src/$rel: folder src/$top is not in the dependency table (tests/check-layers.sh)"
    return 1
  fi
  while IFS= read -r line; do
    name=${line#*\"}
    name=${name%%\"*}
    dep=${name%%/*}
    [ "$name" = "$dep" ] && continue                  # a header beside the file
    [ "$dep" = vigil ] || [ "$dep" = "$top" ] && continue
    [ -d "$root/src/$dep" ] || continue                # not an internal folder
    ok=0
    for a in ${ALLOWED[$top]}; do
      if [ "$a" = "$dep" ] || [ "$a" = "$name" ]; then ok=1; break; fi
    done
    if [ $ok = 0 ]; then
      echo "src/$rel: $line: src/$top may not depend on $name"
      bad=1
    fi
  done < <(grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f")
  return $bad
}

check_tree() { # root
  local root=$1 status=0 f
  while IFS= read -r f; do
    check_file "$root" "$f" || status=1
  done < <(find "$root/src" -name '*.[ch]' | sort)
  return $status
}

self_test() {
  local tmp rc=0
  tmp=$(mktemp -d)
  mkdir -p "$tmp/src/core" "$tmp/src/formats/nsrl" "$tmp/src/hashset" "$tmp/src/match" "$tmp/src/segment"
  : >"$tmp/src/core/buf.h"; : >"$tmp/src/hashset/catalog.h"; : >"$tmp/src/hashset/store_int.h"
  printf '#include "core/buf.h"\n#include "formats/nsrl/x.h"\n#include "vigil/error.h"\n' >"$tmp/src/formats/nsrl/a.c"
  printf '#include "hashset/catalog.h"\n#include "segment/segment.h"\n' >"$tmp/src/match/index.c"
  check_tree "$tmp" >/dev/null || { echo "self-test: a clean tree was refused"; rc=1; }
  for bad in 'formats/nsrl/a.c:#include "hashset/catalog.h"' 'match/index.c:#include "hashset/store_int.h"' \
             'core/buf.c:#include "segment/segment.h"' 'newdir/x.c:#include "core/buf.h"'; do
    f=$tmp/src/${bad%%:*}
    mkdir -p "$(dirname "$f")"
    [ -f "$f" ] && cp "$f" "$f.keep"
    echo "${bad#*:}" >>"$f"
    check_tree "$tmp" >/dev/null && { echo "self-test: '${bad}' passed"; rc=1; }
    if [ -f "$f.keep" ]; then mv "$f.keep" "$f"; else rm -f "$f"; fi
    rmdir "$tmp/src/newdir" 2>/dev/null
  done
  rm -rf "$tmp"
  [ $rc = 0 ] && echo "self-test: ok"
  return $rc
}

selftest=0
if [ "${1:-}" = --self-test ]; then selftest=1; shift; fi
root=${1:-${SRCDIR:-$(dirname "$0")/..}}
if [ $selftest = 1 ]; then self_test || exit 1; fi
check_tree "$root" || { echo "src/ breaks the dependency direction of docs/architecture.md"; exit 1; }
echo "layers: ok"
