#!/usr/bin/env bash
# One source for the interface: the commands and options of `vigil --help`, the options the code
# takes, the manual pages and the bash and zsh completions agree; the pages render cleanly and
# the bash completion completes commands, verbs, options and set names.
. "$(dirname "$0")/lib.sh"

VIGIL=$(readlink -f "$VIGIL")
DOCS=$(dirname "$VIGIL")/docs
SRC=$(cd "$E2E_DIR/../.." && pwd)
commands=$(vigil --help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}')
like "--help lists the commands" "$(echo $commands)" "^hash scan "
is "the build's command list (docs/meson.build) is --help's" \
   "$(python3 -c "import re,sys; print(' '.join(re.findall(r\"'([a-z]+)'\", re.search(r\"vigil_commands = \\[(.*?)\\]\", open(sys.argv[1]).read(), re.S).group(1))))" "$SRC/docs/meson.build" )" "$(echo $commands)"

lines() { printf '%s\n' "$@" | sed '/^$/d'; }
opts_of() { grep -oE -- '--[a-z][a-z0-9-]*[a-z0-9]' | sort -u; }
bash_case() { sed -n "s/^    $1) verbs='\([^']*\)'; opts='\([^']*\)' ;;/\2/p" "$DOCS/vigil" | tr ' ' '\n' | sort -u; }
zsh_case() { sed -n "s/^    $1) verbs=(\([^)]*\)); opts=(\([^)]*\)) ;;/\2/p" "$DOCS/_vigil" | tr ' ' '\n' | sort -u; }
globals="--as --db --help --sets --version"

check "the manual page vigil(1) exists" test -s "$DOCS/vigil.1"
for c in $commands; do
  help=$(vigil "$c" --help | opts_of)
  check "vigil-$c(1) exists" test -s "$DOCS/vigil-$c.1"
  is "vigil-$c(1) names every option of 'vigil $c --help'" \
     "$(comm -23 <(echo "$help") <(sed 's/\\-/-/g' "$DOCS/vigil-$c.1" | opts_of) | tr '\n' ' ')" ""
  is "the bash completion offers every option of 'vigil $c --help'" \
     "$(comm -23 <(echo "$help") <(bash_case "$c") | tr '\n' ' ')" ""
  is "the zsh completion offers every option of 'vigil $c --help'" \
     "$(comm -23 <(echo "$help") <(zsh_case "$c") | tr '\n' ' ')" ""
  # the options the code takes, verb by verb (cli_getopt lists its table under VIGIL_LIST_OPTIONS)
  verbs=$(vigil --help | awk -v c="$c" '$1 == c {getline; if ($1 == "verbs:") {$1 = ""; print}}')
  code=$(for v in ${verbs:-""}; do (cd "$T" && VIGIL_LIST_OPTIONS=1 "$VIGIL" "$c" $v 2>/dev/null); done | sort -u)
  is "every option 'vigil $c' takes is in its --help" \
     "$(comm -23 <(lines $code) <(lines $help $globals | sort -u) | tr '\n' ' ')" ""
  # (a 'vigil OTHER --opt ...' in the prose names another command's option)
  others=$(echo $commands | tr ' ' '\n' | grep -vx "$c" | paste -sd'|')
  own=$(vigil "$c" --help | sed -E "s/'vigil [^']*'//g; s/vigil ($others)[^,;)'\`]*//g" | opts_of)
  is "every option in 'vigil $c --help' is taken by the code" \
     "$(comm -23 <(lines $own) <(lines $code $globals | sort -u) | tr '\n' ' ')" ""
done

for page in "$DOCS"/*.1; do
  is "$(basename "$page") renders without a groff warning" "$(groff -ww -man -z "$page" 2>&1)" ""
done
like "vigil-scan(1) has the sections a manual page has" "$(MANWIDTH=100 man -l "$DOCS/vigil-scan.1" 2>/dev/null | tr '\n' ' ')" \
     "NAME.*SYNOPSIS.*DESCRIPTION.*OPTIONS.*EXAMPLES.*EXIT STATUS.*ENVIRONMENT.*FILES.*SEE ALSO"

# bash: the completion function as a shell calls it
complete_bash() { bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _vigil; echo "${COMPREPLY[*]}"' _ "$DOCS/vigil" "$@"; }
is "bash: a command" "$(complete_bash vigil sc)" "scan"
is "bash: a verb" "$(complete_bash vigil hashset rem)" "remove"
is "bash: an option" "$(complete_bash vigil scan --jso)" "--jsonl"
is "bash: a global option" "$(complete_bash vigil --ve)" "--version"
sha256sum /etc/hostname | cut -d' ' -f1 >"$T/one.sha256"
vigil hashset import --name watchlist --kind interest "$T/one.sha256" >/dev/null 2>&1
is "bash: a set name (asked of vigil)" "$(cd "$T" && PATH=$(dirname "$VIGIL"):$PATH complete_bash vigil hashset remove wat)" "watchlist"
if command -v zsh >/dev/null; then
  check "zsh: the completion parses" zsh -n "$DOCS/_vigil"
else
  skip "zsh: the completion parses" "zsh not installed" zsh
fi
done_testing
