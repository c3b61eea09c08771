#!/usr/bin/env bash
# The repository stays small and whole: no tracked file over 2 MiB (a fixture that large is made at
# test time instead), and no build or test file reads anything outside the repository by a
# relative path that climbs out of it ("../shared" and the like).
# `--self-test` first proves that both rules can fail.
# Usage: check-repo-files.sh [--self-test] [SRCDIR]
set -u
LIMIT=$((2 << 20))
tmp_list=$(mktemp) || exit 1
trap 'rm -f "$tmp_list"' EXIT

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
  while IFS= read -r -d '' f; do
    [ -f "$root/$f" ] || continue
    printf '%s\0' "$f"
  done < <(files "$root") >"$tmp_list"
  # sizes in one pass
  while read -r n f; do
    if [ "$n" -gt "$LIMIT" ]; then
      echo "$f: $n bytes, over the 2 MiB a file the repository allows"
      bad=1
    fi
  done < <(cd "$root" && xargs -0 -r stat -c '%s %n' <"$tmp_list")
  # ../shared in code, scripts and build files (comments that merely name it aside)
  while IFS= read -r f; do
    echo "$f: reads ../shared, which a clone does not have"
    bad=1
  done < <(cd "$root" && tr '\0' '\n' <"$tmp_list" |
    grep -E '\.(c|h|sh|py|mk)$|meson\.build$|^Makefile$|^\.ci/' | grep -vx 'tests/check-repo-files.sh' |
    tr '\n' '\0' | xargs -0 -r grep -l -E '^[^#]*\.\./shared' -- 2>/dev/null)
  return $bad
}

self_test() {
  local t
  t=$(mktemp -d) || exit 1
  mkdir -p "$t/tests"
  head -c $((LIMIT + 1)) /dev/zero >"$t/big.bin"
  printf 'cat ../shared/testdata/x\n' >"$t/tests/reads.sh"
  printf 'small\n' >"$t/ok.txt"
  out=$(check "$t")
  rm -rf "$t"
  if ! grep -q '^big.bin: ' <<<"$out" || ! grep -q '^tests/reads.sh: reads ../shared' <<<"$out" ||
    grep -q '^ok.txt' <<<"$out"; then
    echo "self-test: the checks did not catch a planted large file and a ../shared read" >&2
    echo "$out" >&2
    exit 1
  fi
  echo "self-test: a planted 2 MiB + 1 file and a ../shared read are both caught"
}

[ "${1:-}" = --self-test ] && { self_test; shift; }
root=${1:-${SRCDIR:-..}}
check "$root" || exit 1
echo "every file of $root is 2 MiB or less and nothing reads ../shared"
