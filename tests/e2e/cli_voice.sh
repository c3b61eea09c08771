#!/usr/bin/env bash
# One voice across the CLI: every command and verb answers --help with its own text and exit 0,
# and a bad option with one line and exit 2; the verbs come from the binary's own help, so a new
# one is checked without touching this file. Then missing inputs, outputs that fail leave no file,
# and the two list headers of vigil hash.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
# on PostgreSQL (VIGIL_PG_URL, tests/pg-run.sh) the admin is the role the connection logs in as
if [ -n "${VIGIL_PG_URL:-}" ]; then
  export VIGIL_DB=$VIGIL_PG_URL
  me=vigil login=
else
  me=$(id -un) login=$(id -un)
fi
open_registry # a new registry says so on stderr: open it first

top=$(vigil --help); rc=$?
is "vigil --help exits 0" "$rc" 0
for word in --as '\$VIGIL_USER' --db --sets --version; do
  like "vigil --help names $word" "$top" "$word"
done
vigil --version >/dev/null; is "vigil --version exits 0" "$?" 0

# The commands are the two-space indented words of the top-level help; a command's verbs are the
# words after "vigil CMD" in its synopsis lines (its --help), which the top-level help must list.
commands=$(printf '%s\n' "$top" | sed -n '/^commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p')
like "the top-level help lists the commands" "$(echo $commands)" '^hash scan hashset .*audit'
subs=()
has_verbs=" "
for c in $commands; do
  help=$(vigil "$c" --help 2>&1); rc=$?
  is "vigil $c --help exits 0" "$rc" 0
  verbs=$(printf '%s\n' "$help" | sed -n "s/^\(usage:\)\{0,1\} *vigil $c \([a-z][a-z-]*\)\( .*\)\{0,1\}$/\2/p" | awk '!seen[$0]++')
  listed=$(printf '%s\n' "$top" | sed -n "/^  $c /{n;s/^ *verbs: //p}")
  is "vigil --help lists the verbs of $c that its own help names" "$listed" "$(echo $verbs)"
  if [ -z "$verbs" ]; then
    subs+=("$c")
  else
    subs+=("$c")   # the command itself: an option where a verb belongs
    has_verbs+=" $c "
    for v in $verbs; do subs+=("$c $v"); done
  fi
done
[ "${#subs[@]}" -ge 30 ]; is "at least 30 commands and verbs found (got ${#subs[@]})" "$?" 0
printf '%s\n' "${subs[@]}" | grep -qx 'user list'; is "vigil user list exists" "$?" 0

readme="$E2E_DIR/../../README.md"
for s in "${subs[@]}"; do
  if [[ $has_verbs != *" $s "* ]]; then
    grep -qF "| \`vigil $s\` |" "$readme"; is "the README's command summary has vigil $s" "$?" 0
  fi
  # shellcheck disable=SC2086
  out=$(vigil $s --help 2>"$T/err"); rc=$?
  is "vigil $s --help: exit 0" "$rc" 0
  like "vigil $s --help: its own text names it" "$out" "vigil $s( |$)"
  is "vigil $s --help: nothing on stderr" "$(cat "$T/err")" ""
  is "vigil $s --help: no line over 100 columns" "$(printf '%s\n' "$out" | awk 'length > 100')" ""
  # shellcheck disable=SC2086
  out=$(vigil $s --bogus 2>"$T/err"); rc=$?
  is "vigil $s --bogus: exit 2" "$rc" 2
  is "vigil $s --bogus: one line naming the option and the help" "$(cat "$T/err")" \
    "vigil: $s: unknown option '--bogus' (try 'vigil $s --help')"
  is "vigil $s --bogus: nothing on stdout" "$out" ""
  # an option of the synopsis that takes a value, given none
  opt=$(vigil $s --help | grep -E "^(usage:)? *vigil $s " | grep -oE -- "--[a-z-]+ [A-Z][A-Za-z/.]*|--[a-z-]+ [a-z]+\|" |
        head -n 1 | cut -d' ' -f1)
  if [ -n "$opt" ] && [[ $has_verbs != *" $s "* ]]; then
    # shellcheck disable=SC2086
    vigil $s "$opt" >/dev/null 2>"$T/err"; rc=$?
    is "vigil $s $opt (no value): exit 2" "$rc" 2
    is "vigil $s $opt (no value): one line" "$(cat "$T/err")" \
      "vigil: $s: option '$opt' needs a value (try 'vigil $s --help')"
  fi
done
vigil case new --unit X --type possession --reason capacity 2>"$T/err"; rc=$?
is "an option of another verb: exit 2" "$rc" 2
is "an option of another verb: one line" "$(wc -l <"$T/err")" 1
vigil case nosuchverb 2>"$T/err"; rc=$?
is "an unknown verb: exit 2, one line" "$rc $(cat "$T/err")" \
  "2 vigil: case: unknown verb 'nosuchverb' (try 'vigil case --help')"

# user list, as unit list: a table, JSON and CSV
like "user list: the table names the admin" "$(vigil user list)" "^NAME .*"$'\n'"$me +- +admin +${login:--}$"
is "user list --format json" "$(vigil user list --format json)" \
  "[{\"name\":\"$me\",\"unit\":null,\"role\":\"admin\",\"os_user\":$([ -n "$login" ] && echo "\"$login\"" || echo null)}]"
is "user list --format csv" "$(vigil user list --format csv)" "name,unit,role,os_user
$me,,admin,$login"
vigil unit add R1 --name "Region 1" --type regional >/dev/null && vigil user add off1 --role officer --unit R1 >/dev/null
is "user list --format json names a new officer and its unit" \
  "$(vigil user list --format json | python3 -c 'import json,sys; print([u for u in json.load(sys.stdin) if u["name"] == "off1"])')" \
  "[{'name': 'off1', 'unit': 'R1', 'role': 'officer', 'os_user': None}]"
vigil user list --as off1 >"$T/o" 2>"$T/err"; rc=$?
like "a regional officer may not list the users: one line" "$rc $(wc -l <"$T/err") $(cat "$T/err")" "^[1-9] 1 vigil: user list: "
is "... and nothing on stdout" "$(cat "$T/o")" ""

# A missing input is "vigil: FILE: No such file or directory", exit 3, whatever reads it.
missing() { # DESC FILE CMD...
  local d=$1 f=$2; shift 2
  "$@" >/dev/null 2>"$T/err"; local rc=$?
  is "$d: exit 3 and one line" "$rc $(cat "$T/err")" "3 vigil: $f: No such file or directory"
}
missing "case import of a missing file" nope.csv vigil case import nope.csv
missing "hashset import of a missing file" nope.csv vigil hashset import --name n --kind benign nope.csv
missing "hashset import of a missing category map" nope.map \
  vigil hashset import --name n --kind benign --category-map nope.map "$TESTDATA/hashsets/files/gradient-16x16.png"
missing "pdq of a missing file" nope.png vigil pdq nope.png
missing "hash of a missing file" nope vigil hash nope
missing "audit verify with a missing public key" nope.pub vigil audit verify --pub nope.pub
vigil hashset list | grep -q '^n '; is "the failed imports made no set" "$?" 1

# An export the format cannot hold fails and leaves no file (a hashdeep list needs sizes).
printf '0cc175b9c0f1b6a831c399e269772661  a\n92eb5ffee6ae2fec3ad71c777531578f  b\n' >sums.md5
vigil hashset import --name sums --kind benign --format md5sum sums.md5 >/dev/null 2>&1
mkdir exp
vigil hashset export --name sums --format hashdeep -o exp/sums.txt >"$T/o" 2>"$T/err"; rc=$?
is "export with no entry the format holds: exit 3" "$rc" 3
like "export with no entry the format holds: one line saying why" "$(cat "$T/err")" \
  "^vigil: hashset export: sums: none of its 2 entries has a place in hashdeep; nothing written$"
is "export with no entry the format holds: no file, no temporary file" "$(ls -A exp)" ""
vigil hashset export --name sums --format hashdeep >"$T/o" 2>/dev/null
is "export to stdout with no entry the format holds: not even a header" "$(cat "$T/o")" ""
echo kept >exp/old.txt
vigil hashset export --name sums --format hashdeep -o exp/old.txt 2>/dev/null
is "a failed export leaves an existing file as it was" "$(cat exp/old.txt)" kept
vigil hashset export --name sums --format csv -o exp/sums.csv 2>"$T/err"; rc=$?
is "the same set exports as CSV: exit 0, two entries" "$rc $(tail -n +2 exp/sums.csv | wc -l)" "0 2"
like "the count line is plural" "$(cat "$T/err")" "2 entries written"
is "no temporary file remains beside the outputs" "$(ls -A exp | sort | tr '\n' ' ')" "old.txt sums.csv "

# A scan whose output cannot be written leaves none of its files.
mkdir ev && echo hello >ev/a.txt
vigil scan --quiet --csv exp/scan.csv --jsonl /dev/full ev 2>"$T/err"; rc=$?
is "scan with an output that fails: exit 4" "$rc" 4
is "scan with an output that fails: the other output is not left half-done" "$(ls -A exp | grep -c scan)" 0
vigil scan --csv exp/scan.csv --jsonl exp/scan.jsonl ev 2>"$T/err"; rc=$?
is "a scan that succeeds writes both outputs" "$rc $(ls exp | grep -c scan)" "0 2"
like "one item, no error: singular" "$(cat "$T/err")" "^vigil: scan: 1 item: .*, 0 errors;"

# vigil hash: the plain list is hashdeep's; with --pdq it is vigil's own, which vigil reads back.
mkdir pics && cp "$TESTDATA/hashsets/files/gradient-16x16.png" pics/ && echo text >pics/t.txt
vigil hash --quiet --pdq pics >pdq.list
is "hash --pdq: a header of its own, then the columns" "$(head -n 2 pdq.list)" "%%%% VIGIL-HASH-1.0
%%%% size,md5,sha1,sha256,pdq,filename"
vigil hashset import --name pdqlist --kind benign pdq.list >"$T/o" 2>&1; rc=$?
is "hashset import reads the hash --pdq list (detected)" "$rc" 0
like "hashset import counts its entries" "$(cat "$T/o")" "2 records read = 2 added \+ 0 duplicates"
printf '0cc175b9c0f1b6a831c399e269772661  a\n' >one.md5
like "one record: singular" "$(vigil hashset import --name one --kind benign --format md5sum one.md5 2>&1)" \
  "^one: 1 record read = 1 added \+ 0 duplicates \+ 0 empty-file digests skipped \+ 0 rejected \+ 0 retracted; 0 conflicts$"
vigil hash pics >plain.list 2>"$T/err"
is "hash counts in the singular and plural" "$(cat "$T/err")" "vigil: hash: 2 files hashed, 0 not regular files (not hashed), 0 errors"
vigil hash pics/t.txt >/dev/null 2>"$T/err"
is "hash of one file: singular" "$(cat "$T/err")" "vigil: hash: 1 file hashed, 0 not regular files (not hashed), 0 errors"
is "hash without --pdq keeps hashdeep's header" "$(head -n 1 plain.list)" "%%%% HASHDEEP-1.0"
if command -v hashdeep >/dev/null; then
  is "hashdeep -a -k accepts the plain list" "$(hashdeep -a -k plain.list -r "$T/pics" 2>&1)" "hashdeep: Audit passed"
else
  skip "hashdeep -a -k accepts the plain list" "no hashdeep" hashdeep
fi

# Messages speak of what the user did, never of the SQL behind it.
if command -v runuser >/dev/null && [ "$(id -u)" = 0 ]; then
  as_nobody "$VIGIL" hashset reindex >/dev/null 2>"$T/err"; rc=$?
  like "a store nobody may write: one line in the user's words" "$rc $(cat "$T/err")" \
    "^[34] vigil: .*vigil(-sets)?\.db: cannot open the hash-set store for writing: attempt to write a readonly database$"
else
  skip "a store nobody may write: one line in the user's words" "needs root and runuser"
fi

done_testing
