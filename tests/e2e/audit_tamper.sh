#!/usr/bin/env bash
# audit_tamper: the audit log against someone who holds the database but not the signing key,
# on SQLite, or on PostgreSQL when VIGIL_PG_URL is set (tests/pg-run.sh). Every command ends
# with a signed checkpoint ($VIGIL_AUDIT_KEY); then each attack (delete all and the head,
# truncate the tail, append a correctly chained event, recompute the chain after an edit, a
# NUL byte edited into a value, a direct edit or insert of a case, a forged checkpoint) is
# made on a fresh copy and `audit verify --pub` must exit 1 naming it. A log written before
# the log recorded state (schema 1) must still verify after the migration. Prints TAP.
set -u
V=${VIGIL:-build/vigil}
T=$(mktemp -d "${TMPDIR:-/tmp}/vigil-e2e-tamper.XXXXXX")
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
PG=${VIGIL_PG_URL:-}
unset VIGIL_USER VIGIL_AUDIT_KEY
newdb() { # name -> url or path
  if [ -n "$PG" ]; then
    "$PG_BIN/createdb" -h "$PG_HOST" -U vigil "$1" >/dev/null && echo "postgresql://vigil@/$1?host=$PG_HOST"
  else
    echo "$T/$1.db"
  fi
}
pgname() { local u=${1#postgresql://vigil@/}; echo "${u%%\?*}"; }
sql() { # db, statements: tamper with the database directly
  if [ -n "$PG" ]; then psql -q -X -v ON_ERROR_STOP=1 -h "$PG_HOST" -U vigil -d "$(pgname "$1")" -c "$2" >/dev/null
  else sqlite3 "$1" "$2"; fi
}
value() { # db, query -> one value
  if [ -n "$PG" ]; then psql -q -X -At -h "$PG_HOST" -U vigil -d "$(pgname "$1")" -c "$2"
  else sqlite3 "$1" "$2"; fi
}
unguard() { # what an attacker with the database's password does first
  if [ -n "$PG" ]; then
    sql "$1" "DROP TRIGGER audit_no_update ON audit; DROP TRIGGER audit_no_delete ON audit;
              DROP TRIGGER audit_no_truncate ON audit"
  else sql "$1" "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete"; fi
}
events_json() { # the log as a JSON array
  local q="SELECT seq, at, event_at, who, action, object, detail, state, prev, digest FROM audit ORDER BY seq"
  if [ -n "$PG" ]; then
    psql -q -X -At -h "$PG_HOST" -U vigil -d "$(pgname "$1")" -c "SELECT coalesce(json_agg(a ORDER BY seq), '[]') FROM ($q) a"
  else sqlite3 -json "$1" "$q"; fi
}
# expect STATUS PATTERN CMD...: exit status, and exactly one stderr line containing PATTERN
expect() {
  local want=$1 pat=$2 rc; shift 2
  "$@" >"$T/out" 2>"$T/err"; rc=$?
  if [ "$rc" -eq "$want" ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -qF -- "$pat" "$T/err"; then return 0; fi
  echo "# want $want '$pat', got $rc: $(head -3 "$T/err")"
  return 1
}

# The attacker's tool: events hashed the way vigil hashes them (docs/audit.md), as SQL.
cat >"$T/forge.py" <<'EOF'
import hashlib, json, sys
def digest(ev, scheme):
    keys = ["seq", "at", "event_at", "who", "action", "object", "detail"]
    keys += ["state", "prev"] if scheme == 2 else ["prev"]
    h = hashlib.sha256()
    for k in keys:
        v = ev.get(k)
        if v is None:
            h.update(b"-:" if scheme == 2 else b"%d:" % (2**64 - 1))
        else:
            b = str(v).encode()
            h.update(b"%d:" % len(b) + b)
    return h.hexdigest()
def q(v):
    return "NULL" if v is None else "'" + str(v).replace("'", "''") + "'"
mode, evs = sys.argv[1], json.load(open(sys.argv[2]))
out = []
if mode == "recompute":          # edit one event's detail, then rechain everything after it
    seq, detail = int(sys.argv[3]), sys.argv[4]
    prev = ""
    for e in evs:
        if e["seq"] == seq:
            e["detail"] = detail
        e["prev"] = prev
        e["digest"] = digest(e, 2)
        out.append("UPDATE audit SET detail = %s, prev = %s, digest = %s WHERE seq = %d"
                   % (q(e["detail"]), q(e["prev"]), q(e["digest"]), e["seq"]))
        prev = e["digest"]
    out.append("UPDATE meta SET value = %s WHERE key = 'audit_head'" % q("%d:%s" % (evs[-1]["seq"], prev)))
elif mode == "append":           # one more read of case 1, chained and with the right state
    last = evs[-1]
    st = [e for e in evs if e["object"] == "case:1"][-1]["state"]
    e = dict(seq=last["seq"] + 1, at=last["at"], event_at=None, who="admin", action="case.show",
             object="case:1", detail=None, state=st, prev=last["digest"])
    e["digest"] = digest(e, 2)
    out.append("INSERT INTO audit(seq, at, event_at, who, action, object, detail, state, prev, digest) VALUES("
               + ", ".join(q(e[k]) for k in ["seq", "at", "event_at", "who", "action", "object", "detail",
                                              "state", "prev", "digest"]) + ")")
    out.append("UPDATE meta SET value = %s WHERE key = 'audit_head'" % q("%d:%s" % (e["seq"], e["digest"])))
elif mode == "v1":               # the same events as the release before state wrote them
    prev = ""
    for e in evs:
        e["prev"] = prev
        e["digest"] = digest(e, 1)
        out.append("INSERT INTO audit(seq, at, event_at, who, action, object, detail, prev, digest) VALUES("
                   + ", ".join(q(e[k]) for k in ["seq", "at", "event_at", "who", "action", "object", "detail",
                                                  "prev", "digest"]) + ")")
        prev = e["digest"]
    out.append("UPDATE meta SET value = %s WHERE key = 'audit_head'" % q("%d:%s" % (len(evs), prev)))
print(";\n".join(out) + ";")
EOF

# A registry where every command ended with a checkpoint: name -> sets DB and K (key folder).
setup() {
  DB=$(newdb "$1"); K=$T/keys-$1; U=r1-$1   # PostgreSQL roles are per cluster: one name per registry
  "$V" audit keygen "$K" >/dev/null || return 1
  export VIGIL_DB=$DB VIGIL_AUDIT_KEY=$K/audit.key
  "$V" unit add NAT --name "National unit" --type national >/dev/null &&
    "$V" unit add R01 --name "Region 1" --type regional >/dev/null &&
    "$V" user add "$U" --unit R01 --role officer >/dev/null &&
    "$V" case new --unit NAT --type distribution --title first --suspect P-1 --at 2006-01-05 >/dev/null &&
    "$V" case new --unit R01 --type grooming --title second --at 2006-01-06 >/dev/null &&
    "$V" case status 1 investigating --at 2006-01-07 >/dev/null &&
    "$V" case show 1 >/dev/null
  local rc=$?
  unset VIGIL_AUDIT_KEY
  return $rc
}
verify() { "$V" audit verify --pub "$K/audit.pub"; }
nevents() { "$V" audit verify 2>/dev/null | awk '{print $2}'; }

setup base
check "setup: every command ended with a signed checkpoint" test "$(wc -l <"$K/audit.checkpoints")" -eq 7
check "untouched log: verify --pub exit 0, every event covered" \
  bash -c "\"$V\" audit verify --pub \"$K/audit.pub\" | grep -q '8 events, chain intact.*7 signed checkpoints, every event covered'"
check "a command that writes no event adds no checkpoint" \
  bash -c "VIGIL_AUDIT_KEY=\"$K/audit.key\" \"$V\" case list >/dev/null && test \$(wc -l <\"$K/audit.checkpoints\") -eq 7"
check "without --pub: verify says the log is not anchored" \
  bash -c "\"$V\" audit verify | grep -q 'not anchored'"
check "keygen refuses to overwrite a key" expect 3 "never overwritten" "$V" audit keygen "$K"
check "the secret key file is 0600" test "$(stat -c %a "$K/audit.key")" = 600

setup delall; unguard "$DB"
sql "$DB" "DELETE FROM audit; DELETE FROM audit_checkpoints; UPDATE meta SET value = '0:' WHERE key = 'audit_head'"
check "delete all events and the head: caught" expect 1 "the log ends at event 0 but the checkpoint signed at" verify
check "delete all: names the removed events" grep -qF "events 1-8 were removed" "$T/err"
sql "$DB" "DELETE FROM meta WHERE key = 'audit_db_id'"
check "delete all and the database's identity: caught" expect 1 "none of this one (it has no audit identity)" verify

setup trunc; unguard "$DB"
sql "$DB" "DELETE FROM audit WHERE seq > 7; UPDATE meta SET value = (SELECT '7:' || digest FROM audit WHERE seq = 7)
           WHERE key = 'audit_head'"
check "truncated tail: chain and state alone look intact" test "$(nevents)" = 7
check "truncated tail: caught by the checkpoint" expect 1 "the log ends at event 7 but the checkpoint signed at" verify
check "truncated tail: names event 8" grep -qF "event 8 was removed" "$T/err"

setup forge; unguard "$DB"
events_json "$DB" >"$T/ev.json"
sql "$DB" "$(python3 "$T/forge.py" append "$T/ev.json")"
check "appended forged event: chain and state alone look intact" test "$(nevents)" = 9
check "appended forged event: caught" expect 1 "event 9 was not covered by a signed checkpoint" verify

setup rechain; unguard "$DB"
events_json "$DB" >"$T/ev.json"
sql "$DB" "$(python3 "$T/forge.py" recompute "$T/ev.json" 5 "unit=R01 type=possession")"
check "recomputed chain after an edit: the chain alone looks intact" test "$(nevents)" = 8
check "recomputed chain: caught as a rewrite" expect 1 "differs from the checkpoint signed at" verify
check "recomputed chain: names the rewritten event" grep -qF "the log was rewritten" "$T/err"

if [ -n "$PG" ]; then
  ok "NUL byte edited into a value # SKIP PostgreSQL text cannot hold a NUL byte"
else
  setup nul; unguard "$DB"
  sql "$DB" "UPDATE audit SET detail = CAST(CAST(detail AS BLOB) || x'00' || CAST(' and more' AS BLOB) AS TEXT)
             WHERE seq = 5"
  check "NUL byte edited into a value: caught" expect 1 "event 5 (case.new case:1) was altered" verify
fi

setup edit
sql "$DB" "UPDATE cases SET status = 'closed' WHERE id = 2"
check "direct UPDATE of a case: caught and named" \
  expect 1 "case 2: the table differs from event 6 (case.new): changed outside vigil" verify
sql "$DB" "UPDATE cases SET status = 'registered' WHERE id = 2"
check "the edit undone: intact again" bash -c "\"$V\" audit verify --pub \"$K/audit.pub\" >/dev/null"
sql "$DB" "UPDATE users SET role = 'admin' WHERE name = '$U'"
check "direct UPDATE of a user: caught" expect 1 "user $U: the table differs from event 4 (user.add)" verify
sql "$DB" "UPDATE users SET role = 'officer' WHERE name = '$U'"
sql "$DB" "INSERT INTO cases(type, reg_unit, owner_unit, status, registered_at, reg_day, self_registered, updated_at)
           SELECT type, reg_unit, owner_unit, status, registered_at, reg_day, self_registered, updated_at
           FROM cases WHERE id = 2"
check "a case inserted by SQL: caught" expect 1 "case 3: in the table but in no event of the log: added outside vigil" verify

# an import: one event per case, its state computed in bulk, the same as one by one
setup imp
printf '%s\n' "record,ref,date,unit,value,note" "case,A,2006-02-01,NAT,possession,t" "suspect,A,,,P-9," \
  "suspect,A,,,P-2," "refer,A,2006-02-02,R01,," "decline,A,2006-02-03,,other,busy" "case,B,2006-02-01,R01,grooming," \
  >"$T/imp.csv"
check "import: every event covered and every imported case matches its event" \
  bash -c "VIGIL_AUDIT_KEY=\"$K/audit.key\" \"$V\" case import \"$T/imp.csv\" >/dev/null &&
           \"$V\" audit verify --pub \"$K/audit.pub\" | grep -q '11 events, chain intact; 8 objects match'"
sql "$DB" "UPDATE referrals SET note = 'no reason' WHERE case_id = 3"
check "a referral of an imported case edited: caught" \
  expect 1 "case 3: the table differs from event 9 (case.import): changed outside vigil" verify

setup sig
python3 - "$K/audit.checkpoints" <<'EOF'
import sys
lines = open(sys.argv[1]).read().splitlines()
f = lines[-1].split(" ")
f[-1] = ("1" if f[-1][0] == "0" else "0") + f[-1][1:]   # one hex digit of the signature
lines[-1] = " ".join(f)
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
EOF
check "a forged signature in the anchor file: caught" expect 1 "has a bad signature" verify

# A log written by the release before state (audit schema 1): rebuilt by SQL from a fresh one.
setup v1
events_json "$DB" >"$T/ev.json"
unguard "$DB"
sql "$DB" "DROP TABLE audit; DROP TABLE audit_checkpoints;
           DELETE FROM meta WHERE key IN ('audit_v2_from', 'audit_db_id');
           UPDATE meta SET value = '1' WHERE key = 'audit_schema_version';
           CREATE TABLE audit(seq BIGINT PRIMARY KEY, at TEXT NOT NULL, event_at TEXT, who TEXT NOT NULL,
             action TEXT NOT NULL, object TEXT NOT NULL, detail TEXT, prev TEXT NOT NULL, digest TEXT NOT NULL)"
sql "$DB" "$(python3 "$T/forge.py" v1 "$T/ev.json")"
check "a schema-1 log verifies intact after the migration" \
  bash -c "\"$V\" audit verify | grep -q '^audit: 8 events, chain intact'"
check "the migration recorded where the new scheme starts" test "$(value "$DB" "SELECT value FROM meta WHERE key = 'audit_v2_from'")" = 9
"$V" case status 2 investigating --at 2006-01-08 >/dev/null
check "old and new events together verify intact" \
  bash -c "\"$V\" audit verify | grep -q '^audit: 9 events, chain intact; 1 object matches'"
sql "$DB" "UPDATE cases SET title = 'changed' WHERE id = 2"
check "a case changed after its first new-scheme event: caught" expect 1 "case 2: the table differs from event 9" \
  "$V" audit verify

echo "1..$n"
