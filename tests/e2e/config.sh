#!/usr/bin/env bash
# Settings without long command lines: the system file, then the user's, then $VIGIL_CONFIG, then
# the environment, then flags; `vigil config` says each value and where it came from; a bad line
# is an error naming the file and the line; a password in a URL is never shown.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/.config/vigil" "$T/tree"
echo hello >"$T/tree/a.txt"
sys=$T/system.conf user=$T/.config/vigil/vigil.conf
export VIGIL_SYSTEM_CONFIG=$sys
unset VIGIL_DB
cd "$T"
from() { vigil config | awk -v k="$1" '$1 == k {print $2 " " $3}'; }

is "nothing set: the registry is ./vigil.db by default" "$(from db)" "./vigil.db default"
printf 'db = %s/system.db\nscan.max-depth = 2\n' "$T" >"$sys"
is "the system file" "$(from db)" "$T/system.db $sys:1"
printf '# the user\ndb = %s/user.db   # a comment\n' "$T" >"$user"
is "the user's file wins over the system's" "$(from db)" "$T/user.db $user:2"
printf 'db = %s/extra.db\n' "$T" >"$T/extra.conf"
is "\$VIGIL_CONFIG wins over both" "$(VIGIL_CONFIG=$T/extra.conf from db)" "$T/extra.db $T/extra.conf:1"
is "the environment wins over the files" "$(VIGIL_DB=$T/env.db from db)" "$T/env.db \$VIGIL_DB"
is "a flag wins over everything" "$(VIGIL_DB=$T/env.db vigil --db "$T/flag.db" config | awk '$1 == "db" {print $2 " " $3}')" \
   "$T/flag.db --db"
vigil unit add N01 --name National --type national >/dev/null 2>&1
check "commands use the database the settings name" test -s "$T/user.db"
is "the sets follow the database" "$(from sets)" "$T/user.db default"

# a command's settings are its options' defaults; a flag given wins
max_depth() { jl "$1" "summary['scan']['options']['max_depth']"; }
vigil scan --no-sets --quiet --jsonl s1.jsonl tree
is "scan.max-depth from the system file" "$(max_depth s1.jsonl)" "2"
vigil scan --no-sets --quiet --max-depth 5 --jsonl s2.jsonl tree
is "--max-depth given wins" "$(max_depth s2.jsonl)" "5"
printf 'scan.no-mime = true\n' >>"$user"
vigil scan --no-sets --quiet --jsonl s3.jsonl tree
is "a switch set to true" "$(jl s3.jsonl "summary['scan']['options']['mime']")" "0"
printf 'scan.no-mime = false\n' >>"$user"
vigil scan --no-sets --quiet --jsonl s4.jsonl tree
is "a later line sets it back" "$(jl s4.jsonl "summary['scan']['options']['mime']")" "1"
printf 'case.list.format = json\n' >>"$user"
like "a verb's setting (case.list.format)" "$(vigil case list 2>/dev/null)" "^\["

# priority weights from the same files
printf 'weight.network = 77\n' >>"$user"
like "registry settings are listed too" "$(vigil config)" "weight.network +77 +$user:[0-9]+"

# bad lines: named with file and line, exit 3, nothing done
for bad in 'no equals sign' 'scan.max-deth = 3' 'case.new.format = json' 'weight.colour = 1'; do
  printf '%s\n' "$bad" >"$T/bad.conf"
  out=$(VIGIL_CONFIG=$T/bad.conf vigil hash tree/a.txt 2>&1)
  is "bad line '$bad': exit 3" "$?" "3"
  like "bad line '$bad': file and line named" "$out" "bad.conf:1: "
done
out=$(VIGIL_CONFIG=$T/missing.conf vigil config 2>&1)
is "a \$VIGIL_CONFIG that is not there: exit 3" "$?" "3"
like "a \$VIGIL_CONFIG that is not there: said" "$out" "missing.conf: No such file or directory"

out=$(VIGIL_DB='postgresql://vigil:s3cret@db.example/vigil' vigil config)
like "a password in the database URL is hidden" "$out" "postgresql://vigil:\*\*\*@db.example/vigil"
is "and never printed" "$(echo "$out" | grep -c s3cret)" "0"
done_testing
