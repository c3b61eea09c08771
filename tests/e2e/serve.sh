#!/usr/bin/env bash
# vigil serve over real HTTP on loopback (curl): /healthz without credentials; API keys made,
# listed and revoked by admins only, the key text never stored; POST /api/v1/check answering
# exact digests and near PDQ hashes in request order from illegal and interest sets only (never
# benign ones, a digest also listed benign, a weak PDQ entry, the empty file); bad input, no or
# a wrong or revoked key, oversized bodies and too many hashes, a key over its rate: each the
# right status and {"error", "field"}, nothing counted; one JSON access-log line per request
# with no body in it; the per-key counts in 'apikey list' after the service stops. On SQLite,
# or on PostgreSQL when VIGIL_PG_URL is set (tests/pg-run.sh).
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
unset VIGIL_USER VIGIL_CONFIG
export VIGIL_SETS=$T/sets.db
PG=${VIGIL_PG_URL:-}
[ -n "$PG" ] && export VIGIL_DB=$PG
# the registry's SQL, whichever database holds it
if [ -n "$PG" ]; then
  sql() { psql -q -X -A -t -h "$PG_HOST" -U vigil -d vigiltest -c "$1"; }
  dump() { "$PG_BIN/pg_dump" -h "$PG_HOST" -U vigil vigiltest; }
else
  sql() { sqlite3 "$VIGIL_DB" "$1"; }
  dump() { sqlite3 "$VIGIL_DB" .dump; }
fi
if ! command -v curl >/dev/null; then
  skip "serve over HTTP" "no curl" curl
  done_testing; exit
fi

# --- the lists: illegal (category A), interest, benign; PDQ with qualities ---
md5() { printf '%s' "$1" | md5sum | cut -c1-32; }
sha1() { printf '%s' "$1" | sha1sum | cut -c1-40; }
sha256() { printf '%s' "$1" | sha256sum | cut -c1-64; }
ILL=$(md5 ill-one); ILL2=$(sha256 ill-two); BOTH=$(md5 in-both); INT=$(sha1 interest-one)
BEN=$(md5 benign-one); UNK=$(md5 nowhere); EMPTY=d41d8cd98f00b204e9800998ecf8427e
printf '%s  a\n%s  b\n%s  c\n' "$ILL" "$BOTH" "$EMPTY" >ill.md5
printf '%s  d\n' "$ILL2" >ill.sha256
printf '%s  e\n' "$INT" >int.sha1
printf '%s  f\n%s  g\n' "$BEN" "$BOTH" >ben.md5
# PDQ: a strong entry, a weak one (quality 20), and queries 10 and 40 bits away from the strong one
python3 - <<'PY'
import random
r = random.Random(16)
strong = r.getrandbits(256); weak = r.getrandbits(256)
def flip(h, n):
    for b in r.sample(range(256), n): h ^= 1 << b
    return h
hx = lambda h: '%064x' % h
open('ill.pdq', 'w').write('%s,90,strong\n%s,20,weak\n' % (hx(strong), hx(weak)))
open('q.txt', 'w').write('%s %s %s %s\n' % (hx(strong), hx(flip(strong, 10)), hx(flip(strong, 40)), hx(weak)))
PY
read -r PS PN PF PW <q.txt
vigil hashset import ill.md5 --name ill --kind illegal --category A --format md5sum >/dev/null 2>&1 &&
  vigil hashset import ill.sha256 --name ill2 --kind illegal --category B --format sha256sum >/dev/null 2>&1 &&
  vigil hashset import int.sha1 --name int --kind interest --format sha1sum >/dev/null 2>&1 &&
  vigil hashset import ben.md5 --name ben --kind benign --format md5sum >/dev/null 2>&1 &&
  vigil hashset import ill.pdq --name illpdq --kind illegal --category A --format pdq >/dev/null 2>&1
check "the lists import" test $? -eq 0

# --- keys ---
open_registry
vigil unit add NAT --name "National unit" --type national >/dev/null 2>&1
vigil unit add R01 --name "Region 1" --type regional >/dev/null 2>&1
vigil user add off1 --role officer --unit R01 >/dev/null 2>&1
K=$(vigil apikey add hotline --org "Hotline One" 2>"$T/add.err"); rc=$?
is "apikey add: exit 0" "$rc" 0
like "apikey add: prints one key" "$K" '^vk_[A-Za-z0-9_-]{43}$'
like "apikey add: says on stderr that it is shown once" "$(cat "$T/add.err")" 'shown this once'
check "the registry holds no key text" bash -c "$(declare -f dump); ! dump | grep -qF -- '$K'"
K2=$(vigil apikey add second --org "Host Co" 2>/dev/null)
K3=$(vigil apikey add slow --org "Slow Co" 2>/dev/null)
vigil apikey add hotline --org X >/dev/null 2>"$T/err"; rc=$?
is "apikey add: a taken name is refused (exit 3)" "$rc:$(cat "$T/err")" "3:vigil: API key 'hotline' already exists"
vigil apikey add bad/name --org X >/dev/null 2>"$T/err"; rc=$?
is "apikey add: a bad name is refused" "$rc" 3
vigil apikey add other --org X --scope cases >/dev/null 2>"$T/err"; rc=$?
is "apikey add: an unknown scope is a usage error" "$rc" 2
vigil apikey add other --org X --as off1 >/dev/null 2>"$T/err"; rc=$?
is "apikey add: an officer may not add keys" "$rc" 3
vigil apikey list --as off1 >/dev/null 2>"$T/err"; rc=$?
is "apikey list: an officer may not list keys" "$rc" 3
check "apikey list shows the key's prefix, not the key" bash -c \
  "vigil() { \"\$VIGIL\" \"\$@\"; }; out=\$(vigil apikey list); echo \"\$out\" | grep -q '${K:0:10}' && ! echo \"\$out\" | grep -qF -- '$K'"
is "apikey add is audited" "$(sql "SELECT action FROM audit WHERE object = 'apikey:hotline'")" apikey.add

# --- the service ---
LOG=$T/access.log
"$VIGIL" serve --listen 127.0.0.1:0 --access-log "$LOG" --key-rate 1 --key-burst 1000 2>"$T/serve.err" &
SPID=$!
for _ in $(seq 50); do grep -q 'listening on' "$T/serve.err" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$T/serve.err" | head -1)
like "serve: says where it listens" "$URL" '^http://127\.0\.0\.1:[0-9]+$'
# req METHOD PATH [curl args...]: body in $T/body, status echoed
req() { local m=$1 p=$2; shift 2; echo >>"$T/requests"; curl -s -o "$T/body" -w '%{http_code}' -X "$m" "$@" "$URL$p"; }
post() { req POST /api/v1/check -H "Authorization: Bearer $K" -H 'Content-Type: application/json' "$@"; }
js() { python3 -c "import json,sys; d=json.load(open('$T/body')); print($1)"; }

is "healthz: 200 without credentials" "$(req GET /healthz)" 200
is "healthz: the version" "$(js 'd["status"], d["version"]')" "ok $(vigil --version | head -1 | sed 's/^vigil //')"

s=$(post -d "{\"hashes\": [\"$UNK\", \"$ILL\", \"$BEN\", \"$BOTH\", \"$EMPTY\", \"$INT\", \"${ILL2^^}\"],
              \"pdq\": [\"$PN\", \"$PF\", \"$PW\", \"$PS\"]}")
is "check: 200" "$s" 200
is "check: answers in request order" "$(js '" ".join(r["hash"] for r in d["results"])')" \
  "$UNK $ILL $BEN $BOTH $EMPTY $INT $ILL2 $PN $PF $PW $PS"
is "check: types" "$(js '" ".join(r["type"] for r in d["results"])')" "md5 md5 md5 md5 md5 sha1 sha256 pdq pdq pdq pdq"
is "check: known only for illegal and interest entries" "$(js '" ".join(str(r["known"]) for r in d["results"])')" \
  "False True False False False True True True False False True"
is "check: match and distance" "$(js '" ".join("%s/%s" % (r["match"], r["distance"]) for r in d["results"])')" \
  "None/None exact/0 None/None None/None None/None exact/0 exact/0 near/10 None/None None/None exact/0"
is "check: categories" "$(js '" ".join(str(r["category"]) for r in d["results"])')" \
  "None A None None None None B A None None A"
is "check: each result has exactly these fields" "$(js 'sorted(set(tuple(sorted(r)) for r in d["results"]))')" \
  "[('category', 'distance', 'hash', 'known', 'match', 'type')]"
is "check: an empty list is answered" "$(post -d '{"hashes": []}'):$(cat "$T/body")" '200:{"results":[]}'

# --- bad input: status, message and field ---
bad() { # DESC STATUS FIELD curl-args...
  local d=$1 want=$2 field=$3 got; shift 3
  got=$("$@")
  is "$d" "$got $(js 'd.get("field")') $(js '"error" in d and len(d) == 2')" "$want $field True"
}
bad "bad JSON: 400" 400 None post -d '{"hashes": ['
bad "trailing garbage: 400" 400 None post -d '{"hashes": []} []'
bad "not an object: 400" 400 None post -d '["x"]'
bad "unknown member: 400 naming it" 400 colour post -d '{"colour": ["a"]}'
bad "a number for a hash: 400 naming its place" 400 'hashes[1]' post -d "{\"hashes\": [\"$ILL\", 7]}"
bad "a string for the list: 400" 400 pdq post -d '{"pdq": "abc"}'
bad "a 33-digit hash: 400" 400 'hashes[0]' post -d "{\"hashes\": [\"${ILL}a\"]}"
bad "a non-hex hash: 400" 400 'hashes[0]' post -d "{\"hashes\": [\"${ILL:0:31}g\"]}"
bad "an MD5 given as PDQ: 400" 400 'pdq[0]' post -d "{\"pdq\": [\"$ILL\"]}"
bad "SQL in a hash: 400" 400 'hashes[0]' post -d "{\"hashes\": [\"' OR 1=1 --\"]}"
bad "a member twice: 400" 400 hashes post -d '{"hashes": [], "hashes": []}'
bad "neither member: 400" 400 hashes post -d '{}'
python3 -c "import json; print(json.dumps({'hashes': ['%032x' % i for i in range(10001)]}))" >many.json
bad "10,001 hashes: 413" 413 hashes post --data-binary @many.json
head -c 5000000 /dev/zero | tr '\0' ' ' >big.json
bad "a 5 MB body: 413" 413 None post --data-binary @big.json
bad "no key: 401" 401 None req POST /api/v1/check -d '{"hashes": []}'
echo >>"$T/requests"
is "no key: WWW-Authenticate: Bearer" "$(curl -s -D - -o /dev/null -X POST "$URL/api/v1/check" | grep -ci '^WWW-Authenticate: Bearer')" 1
bad "a wrong key: 401" 401 None req POST /api/v1/check -H "Authorization: Bearer vk_${K:3:42}x" -d '{"hashes": []}'
is "X-API-Key is accepted too" "$(req POST /api/v1/check -H "X-API-Key: $K2" -d '{"hashes": []}')" 200
bad "unknown path: 404" 404 None req GET /api/v1/nothing
for p in /../../etc/passwd /static/../server.c /static/%2e%2e/%2e%2e/etc/passwd /static/..%2fmeson.build \
  //etc/passwd /static//etc/passwd /static/%2fetc%2fpasswd '/static/..%5c..%5cx' /static/%252e%252e/x; do
  bad "a traversing path $p: 400" 400 None req GET "$p" --path-as-is
done
bad "a page's file that is not there: 404" 404 None req GET /static/nothing.js
bad "a page as a static file: 404" 404 None req GET /static/inbox.html
bad "check with GET: 405" 405 None req GET /api/v1/check -H "Authorization: Bearer $K"
vigil apikey revoke second >/dev/null 2>&1
bad "a revoked key: 401 at once" 401 None req POST /api/v1/check -H "X-API-Key: $K2" -d '{"hashes": []}'
like "a revoked key: says so" "$(js 'd["error"]')" "API key 'second' is revoked"
vigil apikey revoke second >/dev/null 2>"$T/err"; rc=$?
is "apikey revoke: twice is refused (exit 3)" "$rc" 3
kill "$SPID"; wait "$SPID"
first=$(wc -l <"$T/requests")

# --- rate limit: burst 2, then 429 with Retry-After ---
"$VIGIL" serve --listen 127.0.0.1:0 --access-log "$T/access2.log" --key-rate 0.5 --key-burst 2 2>"$T/serve.err" &
SPID=$!
for _ in $(seq 50); do grep -q 'listening on' "$T/serve.err" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$T/serve.err" | head -1)
s=""
for _ in 1 2 3; do s="$s $(req POST /api/v1/check -H "X-API-Key: $K3" -d "{\"hashes\": [\"$ILL\"]}")"; done
is "rate limit: the third request of a burst of 2 gets 429" "$s" " 200 200 429"
is "rate limit: Retry-After" "$(curl -s -D - -o /dev/null -X POST -H "X-API-Key: $K3" -d '{}' "$URL/api/v1/check" |
  grep -i '^Retry-After' | tr -d '\r' | awk '{print ($2 >= 1)}')" 1
is "rate limit: another key is not held back" "$(post -d '{"hashes": []}')" 200
kill -TERM "$SPID"; wait "$SPID"
is "serve: SIGTERM ends it with 0" "$?" 0

# --- refusals in the audit log: who, route, status and reason; never a body; not a 404 for no route ---
refusals() { sql "SELECT count(*) FROM audit WHERE action = 'serve.refused' AND ($1)"; }
is "audit: each traversing path refused (9)" "$(refusals "detail LIKE 'GET %: 400 path refused%' AND who = '(nobody)'")" 9
is "audit: the revoked key's refusal" "$(refusals "detail LIKE 'POST /api/v1/check: 401 %is revoked'")" 1
is "audit: the too-large bodies (two)" "$(refusals "detail LIKE 'POST /api/v1/check: 413 %'")" 2
is "audit: the key over its rate, named" "$(refusals "who = 'key:slow' AND detail LIKE 'POST /api/v1/check: 429 %'")" 1
is "audit: bad input to the check, by its key, without its content" \
  "$(refusals "who = 'key:hotline' AND detail = 'POST /api/v1/check: 400 the body was refused (what it held is not recorded)'") -gt 3" \
  "$(refusals "who = 'key:hotline' AND detail LIKE '%: 400 %'") -gt 3"
is "audit: no event for a path that is no route" "$(refusals "detail LIKE '%/api/v1/nothing%' OR detail LIKE '%nothing.js%'")" 0
is "audit: no hash of any body in the log" "$(sql "SELECT count(*) FROM audit WHERE detail LIKE '%$ILL%' OR detail LIKE '%$PN%'")" 0
check "audit: the chain is intact after the refusals" vigil audit verify

# --- the access log ---
lines=$(wc -l <"$LOG")
reqs=$(grep -c . "$LOG")
check "access log: every line is JSON with the seven fields" python3 -c "
import json
for l in open('$LOG'):
    d = json.loads(l)
    assert sorted(d) == ['bytes', 'method', 'ms', 'path', 'status', 'time', 'who'], d
"
check "access log: one line per request ($first in the first run)" test "$lines" -eq "$first" -a "$reqs" -eq "$first"
check "access log: names the key, never a hash of a body" bash -c "grep -q '\"who\":\"key:hotline\"' '$LOG' && ! grep -q '$ILL' '$LOG' && ! grep -q '$PN' '$LOG'"
check "access log: refusals are logged with their status" bash -c "grep -q '\"status\":401' '$LOG' && grep -q '\"status\":413' '$LOG'"

# --- counts: requests and hashes per key, added when the service stops ---
is "apikey list: the key's counts (4 answered requests, 11 hashes)" \
  "$(vigil apikey list --format json | python3 -c "import json,sys; print([(k['name'], k['requests'], k['hashes'], k['revoked'] is not None) for k in json.load(sys.stdin)])")" \
  "[('hotline', 3, 11, False), ('second', 1, 0, True), ('slow', 2, 2, False)]"

# --- the service refuses to start on a bad address, a busy port or half of TLS ---
vigil serve --listen nowhere >/dev/null 2>"$T/err"; rc=$?
is "serve: a bad --listen is a usage error" "$rc:$(grep -c 'expected HOST:PORT' "$T/err")" "2:1"
vigil serve --listen 127.0.0.1:80808 >/dev/null 2>"$T/err"; rc=$?
is "serve: a bad port is a usage error" "$rc" 2
vigil serve --cert x.pem >/dev/null 2>"$T/err"; rc=$?
is "serve: --cert without --key is a usage error" "$rc" 2
# --- TLS: --cert and --key serve HTTPS; the session cookie is Secure there ---
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/tls.key" -out "$T/tls.pem" -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
ADMIN=$(vigil user list --format json | python3 -c 'import json,sys; print([u["name"] for u in json.load(sys.stdin) if u["role"] == "admin"][0])')
echo "correct horse battery" | vigil user password "$ADMIN" >/dev/null 2>&1
"$VIGIL" serve --listen 127.0.0.1:0 --cert "$T/tls.pem" --key "$T/tls.key" --access-log /dev/null 2>"$T/serve.err" &
SPID=$!
for _ in $(seq 50); do grep -q 'listening on' "$T/serve.err" && break; sleep 0.1; done
URL=$(grep -o 'https://[0-9.:]*' "$T/serve.err" | head -1)
like "TLS: says https" "$URL" '^https://127\.0\.0\.1:[0-9]+$'
is "TLS: healthz over HTTPS, the certificate checked" \
  "$(curl -s --cacert "$T/tls.pem" -o /dev/null -w '%{http_code}' "$URL/healthz")" 200
is "TLS: the hash check over HTTPS" "$(curl -s --cacert "$T/tls.pem" -o "$T/body" -w '%{http_code}' \
  -H "X-API-Key: $K" -d "{\"hashes\": [\"$ILL\"]}" "$URL/api/v1/check"):$(js 'd["results"][0]["known"]')" "200:True"
is "TLS: plain HTTP on the TLS port gets no answer" "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://${URL#https://}/healthz")" 000
check "TLS: the session cookie is Secure" bash -c "curl -s --cacert '$T/tls.pem' -D - -o /dev/null \
  -d '{\"user\": \"$ADMIN\", \"password\": \"correct horse battery\"}' '$URL/api/v1/login' |
  grep -i '^Set-Cookie: vigil_session=' | grep -q 'Secure'"
kill "$SPID"; wait "$SPID"
vigil serve --listen 127.0.0.1:0 --cert "$T/nothere.pem" --key "$T/tls.key" >/dev/null 2>"$T/err"; rc=$?
is "TLS: a missing certificate is named (exit 3)" "$rc:$(grep -c 'nothere.pem' "$T/err")" "3:1"
vigil serve --listen 127.0.0.1:0 --cert "$T/tls.key" --key "$T/tls.key" >/dev/null 2>"$T/err"; rc=$?
is "TLS: a key given as the certificate is refused (exit 3)" "$rc" 3
done_testing
