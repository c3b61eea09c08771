#!/usr/bin/env bash
# The repository stays small: no file over 2 MiB (a fixture that large is made at test time instead).
# `--self-test` first proves that the rule can fail.
# Usage: check-repo-files.sh [--self-test] [SRCDIR]
set -u
LIMIT=$((2 << 20))

# The repository's files: git's list in a clone, every file otherwise (an unpacked tarball).
files() { # root
  if git -C "$1" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$1" ls-files -z --cached --others --exclude-standard
  else
    (cd "$1" && find . -type f ! -path './build*' ! -path './.git/*' -printf '%P\0')
  fi
}

check() { # root
  local root=$1 bad=0 n f
  while read -r n f; do
    if [ "$n" -gt "$LIMIT" ]; then
      echo "$f: $n bytes, over the 2 MiB a file the repository allows"
      bad=1
    fi
  done < <(cd "$root" && files . | xargs -0 -r stat -c '%s %n' 2>/dev/null)
  return $bad
}

self_test() {
  local t out
  t=$(mktemp -d) || exit 1
  head -c $((LIMIT + 1)) /dev/zero >"$t/big.bin"
  printf 'small\n' >"$t/ok.txt"
  out=$(check "$t")
  rm -rf "$t"
  if ! grep -q '^big.bin: ' <<<"$out" || grep -q '^ok.txt' <<<"$out"; then
    echo "self-test: the check did not catch a planted large file" >&2
    echo "$out" >&2
    exit 1
  fi
  echo "self-test: a planted 2 MiB + 1 file is caught"
}

[ "${1:-}" = --self-test ] && { self_test; shift; }
root=${1:-${SRCDIR:-..}}
check "$root" || exit 1
echo "every file of $root is 2 MiB or less"
