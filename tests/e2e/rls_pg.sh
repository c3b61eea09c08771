#!/usr/bin/env bash
# PostgreSQL enforces the access policy itself (docs/access.md): a psql session logged in as a
# unit officer's role sees that unit's cases, suspects and referrals (and cases referred to it)
# and no more, no audit events, and cannot change another unit's case or make itself admin;
# vigil acting as the officer lists the same cases, and statistics still count every unit.
# Needs VIGIL_PG_URL (tests/pg-run.sh). Prints TAP.
. "$(dirname "$0")/lib.sh"
if [ -z "${VIGIL_PG_URL:-}" ]; then
  echo "ok 1 - row-level security # SKIP needs PostgreSQL: run through tests/pg-run.sh (e2e_rls_pg)"
  echo "1..1"
  exit 0
fi
unset VIGIL_USER
export VIGIL_DB=$VIGIL_PG_URL
# q ROLE SQL: one query as that role, unaligned, one row per line
q() { psql -q -X -A -t -h "$PG_HOST" -U "$1" -d vigiltest -c "$2" 2>&1; }
# qc ROLE SQL: a statement's command tag ("UPDATE 0")
qc() { psql -X -A -t -h "$PG_HOST" -U "$1" -d vigiltest -c "$2" 2>&1; }
ids() { python3 -c 'import json,sys; print(" ".join(str(c["id"]) for c in json.load(sys.stdin)))'; }

vigil unit add NAT --name "National unit" --type national >/dev/null 2>&1 &&
  vigil unit add R1 --name "Region 1" --type regional >/dev/null && vigil unit add R2 --name "Region 2" --type regional >/dev/null &&
  vigil user add r1 --role officer --unit R1 >/dev/null && vigil user add r2 --role officer --unit R2 >/dev/null &&
  vigil user add nat --role officer --unit NAT >/dev/null && vigil user add ana --role analyst >/dev/null
check "units and users" test $? -eq 0
a=$(vigil case new --unit R1 --type possession --suspect S-1 --title "R1 own" --as r1)
b=$(vigil case new --unit R2 --type grooming --suspect S-2 --title "R2 own" --as r2)
c=$(vigil case new --unit R2 --type distribution --suspect S-3 --title "R2 to R1" --as r2)
check "cases of both units, one referred from R2 to R1" vigil case refer "$c" --to R1 --as r2
is "the admin's psql sees all cases" "$(q vigil "SELECT id FROM cases ORDER BY id" | tr '\n' ' ')" "$a $b $c "

# r1 in psql: its own case and the one referred to it
is "r1: cases of R1 and referred to R1" "$(q r1 "SELECT id FROM cases ORDER BY id" | tr '\n' ' ')" "$a $c "
is "r1: their suspects only" "$(q r1 "SELECT suspect FROM suspects ORDER BY suspect" | tr '\n' ' ')" "S-1 S-3 "
is "r1: the referral to R1 only" "$(q r1 "SELECT case_id FROM referrals" | tr '\n' ' ')" "$c "
is "r1: no audit events" "$(q r1 "SELECT count(*) FROM audit")" "0"
is "r1: cannot change R2's case (0 rows)" "$(qc r1 "UPDATE cases SET title = 'mine now' WHERE id = $b")" "UPDATE 0"
is "... and it is unchanged" "$(q vigil "SELECT title FROM cases WHERE id = $b")" "R2 own"
like "r1: cannot register a case for R2" \
  "$(q r1 "INSERT INTO cases(type, reg_unit, owner_unit, status, registered_at, reg_day, self_registered, updated_at) SELECT 'possession', id, id, 'registered', 'x', 0, 1, 'x' FROM units WHERE code = 'R2'")" \
  "violates row-level security policy"
like "r1: cannot make itself an admin" "$(q r1 "INSERT INTO users(name, role) VALUES('r1x', 'admin')")" \
  "violates row-level security policy"
is "r1: cannot touch the schema version (0 rows)" \
  "$(qc r1 "UPDATE meta SET value = '99' WHERE key = 'cases_schema_version'")" "UPDATE 0"
like "r1: cannot delete a case" "$(q r1 "DELETE FROM cases WHERE id = $a")" "permission denied"

# the others
is "r2: cases of R2" "$(q r2 "SELECT id FROM cases ORDER BY id" | tr '\n' ' ')" "$b $c "
is "r2: no audit events" "$(q r2 "SELECT count(*) FROM audit")" "0"
is "analyst: no cases" "$(q ana "SELECT count(*) FROM cases")" "0"
is "analyst: no referrals" "$(q ana "SELECT count(*) FROM referrals")" "0"
is "national officer: every case" "$(q nat "SELECT count(*) FROM cases")" "3"
like "national officer: reads the audit log" "$(q nat "SELECT count(*) FROM audit")" "^[1-9][0-9]*$"

# vigil as r1 (from the admin's session, and on r1's own connection) sees what psql showed
is "vigil --as r1 lists the same cases" "$(vigil case list --as r1 --format json | ids)" "$a $c"
is "vigil connected as r1 lists the same cases" \
  "$(VIGIL_DB="postgresql://r1@/vigiltest?host=$PG_HOST" "$VIGIL" case list --format json | ids)" "$a $c"
check "vigil --as r1 shows the referred case" vigil case show "$c" --as r1
# statistics count every unit, whoever asks
is "statistics as r1 equal the admin's" "$(vigil stats --as r1 --format json)" "$(vigil stats --format json)"
is "statistics as the analyst equal the admin's" "$(vigil stats --as ana --format json)" "$(vigil stats --format json)"
check "r1 accepts the referral (the database lets it update the case it now owns)" vigil case accept "$c" --as r1
# the case is R1's now: R2, who referred it, sees it no more, in psql as in vigil
is "r2 no longer sees the case it handed over" "$(q r2 "SELECT count(*) FROM cases WHERE id = $c")" "0"
check "... nor does vigil show it to r2" bash -c "! \"\$VIGIL\" case show $c --as r2 2>/dev/null"
check "the audit chain is intact" vigil audit verify
# signed checkpoints after every command, also for an officer on its own connection, who cannot
# read the log it signs the head of
K=$T/keys
vigil audit keygen "$K" >/dev/null
VIGIL_AUDIT_KEY=$K/audit.key vigil case signal "$a" network 1 >/dev/null
check "r1 on its own connection: its command ends with a checkpoint" \
  env VIGIL_AUDIT_KEY="$K/audit.key" VIGIL_DB="postgresql://r1@/vigiltest?host=$PG_HOST" "$VIGIL" case signal "$a" network 2
is "two checkpoints in the anchor file" "$(wc -l <"$K/audit.checkpoints")" "2"
check "every event is covered by a signed checkpoint" vigil audit verify --pub "$K/audit.pub"
done_testing
