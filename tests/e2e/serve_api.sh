#!/usr/bin/env bash
# vigil serve's case API over real HTTP on loopback: an authorization matrix calling every
# endpoint as every role (admin, national officer, own unit, other unit, analyst, check key,
# nobody) and checking each status; logins (a wrong password and an unknown user answered
# alike, attempts limited), sessions (HttpOnly SameSite=Strict cookie, ended by logout), CSRF
# on every change; referral answers (accept or decline with a reason, 409 for a transition not
# allowed) changing nothing when refused; the API's JSON equal to the CLI's (stats, case show,
# series list and show, the keys' counts); series reads audited, another unit's case in a
# series shown only as who holds it; the victim's status set by admins and national officers;
# the hash checks counted per key. On SQLite, or on PostgreSQL when VIGIL_PG_URL is set
# (tests/pg-run.sh): there each call runs as the user's database role.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
unset VIGIL_USER VIGIL_CONFIG
export VIGIL_SETS=$T/sets.db
PG=${VIGIL_PG_URL:-}
[ -n "$PG" ] && export VIGIL_DB=$PG
command -v curl >/dev/null || { skip "serve API" "no curl" curl; done_testing; exit; }
# the registry's SQL, whichever database holds it
if [ -n "$PG" ]; then
  sql() { psql -q -X -A -t -h "$PG_HOST" -U vigil -d vigiltest -c "$1"; }
  dump() { "$PG_BIN/pg_dump" -h "$PG_HOST" -U vigil vigiltest; }
else
  sql() { sqlite3 "$VIGIL_DB" "$1"; }
  dump() { sqlite3 "$VIGIL_DB" .dump; }
fi
PW="correct horse battery"
open_registry
# the admin: the login that made the registry (the OS user on SQLite, the database role on PostgreSQL)
ADMIN=$(vigil user list --format json | python3 -c 'import json,sys; print([u["name"] for u in json.load(sys.stdin) if u["role"] == "admin"][0])')
vigil unit add NAT --name "National unit" --type national >/dev/null 2>&1
vigil unit add R01 --name "Region 1" --type regional >/dev/null 2>&1
vigil unit add R02 --name "Region 2" --type regional >/dev/null 2>&1
vigil unit add R03 --name "Region 3" --type regional >/dev/null 2>&1
echo "$PW" | vigil user password "$ADMIN" >/dev/null 2>&1
for u in "nat1 NAT" "off1 R01" "off2 R02" "off3 R03"; do
  set -- $u
  echo "$PW" | vigil user add "$1" --role officer --unit "$2" --password >/dev/null 2>&1
done
echo "$PW" | vigil user add ana --role analyst --password >/dev/null 2>&1
echo "short" | vigil user add weak --role analyst --password >/dev/null 2>"$T/err"; rc=$?
is "user add --password: a short password is refused before the user exists" \
  "$rc:$(vigil user list --format csv | grep -c '^weak,')" "3:0"
check "no password is kept in the clear" bash -c "$(declare -f dump); ! dump | grep -qF '$PW'"
vigil case new --unit R01 --type distribution --title first --as off1 >/dev/null 2>&1
vigil case refer 1 --to R02 --as off1 >/dev/null 2>&1
vigil case new --unit R01 --type grooming --title second --as off1 >/dev/null 2>&1
vigil case refer 2 --to R02 --as off1 >/dev/null 2>&1
vigil case new --unit R03 --type possession --ref R3-5 --title third --as off3 >/dev/null 2>&1
# series S-1: two files (random bytes, listed as a benign test set's illegal entries), one in
# R01's case 1 and one in R03's case 3; different files, so the cases are not linked
mkdir -p one three && head -c 3000 /dev/urandom >one/a.bin && head -c 3000 /dev/urandom >three/b.bin
sha1sum one/a.bin three/b.bin >s1.sha1
vigil hashset import --name test-set --kind illegal --category A --series S-1 s1.sha1 >/dev/null 2>&1
vigil scan --store 1 one >/dev/null 2>&1
vigil scan --store 3 three >/dev/null 2>&1
is "series S-1 is held by cases 1 and 3" "$(vigil series list --format json | python3 -c 'import json,sys
print([(s["name"], [h["case"] for h in s["holders"]]) for s in json.load(sys.stdin)])')" "[('S-1', [1, 3])]"
KEY=$(vigil apikey add hotline --org "Hotline" 2>/dev/null)

"$VIGIL" serve --listen 127.0.0.1:0 --max-body 65536 --access-log "$T/access.log" 2>"$T/serve.err" &
SPID=$!
for _ in $(seq 50); do grep -q 'listening on' "$T/serve.err" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$T/serve.err" | head -1)

python3 - "$URL" "$KEY" "$PW" "$VIGIL" "$VIGIL_DB" "$ADMIN" "${PG_HOST:-}" >"$T/matrix.tap" 2>&1 <<'PY'
import json, re, sqlite3, subprocess, sys, urllib.request, urllib.error
url, key, pw, vigil, db, admin, pg_host = sys.argv[1:8]
n = 0
fails = 0
def ok(cond, desc, extra=""):
    global n, fails
    n += 1
    if not cond:
        fails += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, desc))
    if not cond and extra:
        print("#   " + str(extra)[:500])

class Client:
    def __init__(self, user=None, key=None):
        self.cookie = None; self.csrf = None; self.key = key; self.set_cookie = None
        if user:
            st, body, hdr = self.call("POST", "/api/v1/login", {"user": user, "password": pw})
            assert st == 200, (user, st, body)
            self.csrf = body["csrf"]
            self.set_cookie = hdr.get("Set-Cookie")
            self.cookie = self.set_cookie.split(";")[0]
    def call(self, method, path, body=None, csrf=True, raw=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(url + path, data=data, method=method)
        if self.cookie: req.add_header("Cookie", self.cookie)
        if self.key: req.add_header("Authorization", "Bearer " + self.key)
        if self.csrf and csrf and method != "GET": req.add_header("X-CSRF-Token", self.csrf)
        try:
            with urllib.request.urlopen(req) as r:
                text = r.read()
                return r.status, decode(text, r.headers), r.headers
        except urllib.error.HTTPError as e:
            text = e.read()
            return e.code, decode(text, e.headers), e.headers

def decode(text, headers):
    """JSON bodies as data; a page or a CSV as its text."""
    if not text:
        return None
    return json.loads(text) if headers.get_content_type() == "application/json" else text.decode()

def cli(*args):
    return subprocess.run([vigil, "--db", db, *args], capture_output=True, check=True).stdout

def events():
    """The audit log's events, in order: (who, action, object, detail)."""
    if pg_host:
        out = subprocess.run(["psql", "-q", "-X", "-A", "-t", "-h", pg_host, "-U", "vigil", "-d", "vigiltest", "-c",
                              "SELECT coalesce(json_agg(json_build_array(who, action, object, detail) ORDER BY seq),"
                              " '[]') FROM audit"], capture_output=True, check=True, text=True).stdout
        return [tuple(e) for e in json.loads(out)]
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT who, action, object, detail FROM audit ORDER BY seq").fetchall()
    finally:
        con.close()

AUDITED = {400, 401, 403, 404, 409, 413, 429}
def audited_refusal(before, who, method, path, status, desc):
    """A refused request left exactly one event: serve.refused by who, naming route and status."""
    new = events()[len(before):]
    route = path.split("?")[0]
    m = re.match(r"/api/v1/cases/(\d+)", route)
    obj = "case:" + m.group(1) if m else "route:" + route
    ok(len(new) == 1 and new[0][:3] == (who, "serve.refused", obj) and
       new[0][3].startswith("%s %s: %d " % (method, route, status)), desc + ": audited, nothing else", new)

NAMES = {"admin": admin, "national": "nat1", "own": "off1", "other": "off3", "analyst": "ana", "key": "key:hotline",
         "nobody": "(nobody)"}
roles = {"admin": Client(admin), "national": Client("nat1"), "own": Client("off1"), "other": Client("off3"),
         "analyst": Client("ana"), "key": Client(key=key), "nobody": Client()}
c = roles["own"].set_cookie
ok("HttpOnly" in c and "SameSite=Strict" in c and "Path=/" in c, "the session cookie is HttpOnly, SameSite=Strict", c)
order = ["admin", "national", "own", "other", "analyst", "key", "nobody"]
# (method, path, body): expected status per role, in the order above
matrix = [
    ("GET", "/api/v1/units", None, [200, 200, 200, 200, 200, 403, 401]),
    ("GET", "/api/v1/cases", None, [200, 200, 200, 200, 403, 403, 401]),
    ("GET", "/api/v1/cases/1", None, [200, 200, 200, 403, 403, 403, 401]),
    ("GET", "/api/v1/cases/999", None, [404, 404, 403, 403, 403, 403, 401]),
    ("GET", "/api/v1/stats", None, [200, 200, 200, 200, 200, 403, 401]),
    ("GET", "/api/v1/audit/verify", None, [200, 200, 403, 403, 403, 403, 401]),
    ("GET", "/api/v1/session", None, [200, 200, 200, 200, 200, 403, 401]),
    ("GET", "/api/v1/cases/1/items", None, [200, 200, 200, 403, 403, 403, 401]),
    ("GET", "/api/v1/cases/1/links", None, [200, 200, 200, 403, 403, 403, 401]),
    ("GET", "/api/v1/cases/999/links", None, [404, 404, 403, 403, 403, 403, 401]),
    ("GET", "/api/v1/networks", None, [200, 200, 200, 200, 403, 403, 401]),
    ("GET", "/api/v1/networks/1", None, [404, 404, 404, 404, 403, 403, 401]),
    ("GET", "/api/v1/stats?format=csv", None, [200, 200, 200, 200, 200, 403, 401]),
    ("POST", "/api/v1/session", {}, [405, 405, 405, 405, 405, 405, 405]),
    ("GET", "/inbox", None, [200, 200, 200, 200, 200, 200, 200]),
    ("GET", "/static/common.js", None, [200, 200, 200, 200, 200, 200, 200]),
    ("POST", "/api/v1/cases", {"unit": "R01", "type": "possession"}, [201, 201, 201, 403, 403, 403, 401]),
    ("POST", "/api/v1/cases/1/accept", {}, [None, None, 403, 403, 403, 403, 401]),
    ("POST", "/api/v1/cases/2/status", {"status": "closed", "outcome": "duplicate"}, [None, None, 409, 403, 403, 403, 401]),
    ("POST", "/api/v1/check", {"hashes": []}, [401, 401, 401, 401, 401, 200, 401]),
    ("GET", "/api/v1/series", None, [200, 200, 200, 200, 403, 403, 401]),
    ("GET", "/api/v1/series/S-1", None, [200, 200, 200, 200, 403, 403, 401]),
    ("GET", "/api/v1/series/S-9", None, [404, 404, 404, 404, 403, 403, 401]),
    ("POST", "/api/v1/series", {}, [405, 405, 405, 405, 405, 405, 405]),
    ("POST", "/api/v1/series/S-1", {"victim": "unidentified"}, [200, 200, 403, 403, 403, 403, 401]),
    ("GET", "/series", None, [200, 200, 200, 200, 200, 200, 200]),
    ("GET", "/static/series.js", None, [200, 200, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/stats/keys", None, [200, 200, 403, 403, 403, 403, 401]),
    ("POST", "/api/v1/stats/keys", {}, [405, 405, 405, 405, 405, 405, 405]),
]
for method, path, body, want in matrix:
    for role, w in zip(order, want):
        if w is None:
            continue
        before = events()
        st, b, _ = roles[role].call(method, path, body)
        shape = st < 400 or (isinstance(b, dict) and set(b) == {"error", "field"})
        ok(st == w and shape, "%s %s as %s: %d" % (method, path, role, w), (st, b))
        if st in AUDITED:
            # the hash check looks at keys only: a person there is nobody
            who = NAMES[role] if path != "/api/v1/check" or role == "key" else "(nobody)"
            audited_refusal(before, who, method, path, st, "%s %s as %s" % (method, path, role))
        elif st >= 400:
            ok(events() == before, "%s %s as %s: not a refusal of the route, not audited" % (method, path, role))

# what the pages read: the session's user, unit and CSRF token; the CSV of vigil stats
st, b, _ = roles["own"].call("GET", "/api/v1/session")
ok(st == 200 and b == {"user": "off1", "role": "officer", "national": False, "unit": "R01", "csrf": roles["own"].csrf},
   "session: the user, unit and the CSRF token of the login", b)
st, b, _ = roles["analyst"].call("GET", "/api/v1/session")
ok(st == 200 and b["unit"] is None and b["role"] == "analyst", "session: an analyst has no unit", b)
st, b, h = roles["own"].call("GET", "/api/v1/stats?by=month&format=csv")
ok(st == 200 and b == cli("stats", "--by", "month", "--format", "csv").decode() and h.get_content_type() == "text/csv"
   and "attachment" in h.get("Content-Disposition", ""), "stats as CSV: vigil stats --format csv, as a download", b)
st, b, _ = roles["own"].call("GET", "/api/v1/stats?format=xml")
ok(st == 400 and b["field"] == "format", "stats in an unknown format: 400", (st, b))
st, b, _ = roles["admin"].call("GET", "/api/v1/cases/1/items?verdict=nonsense")
ok(st == 400, "items with an unknown verdict: 400", (st, b))
st, b, _ = roles["admin"].call("GET", "/api/v1/cases/1/items")
ok(st == 200 and b == json.loads(cli("case", "items", "1", "--format", "json")), "items: as vigil case items", b)
st, b, _ = roles["admin"].call("GET", "/api/v1/networks")
ok(st == 200 and b == json.loads(cli("links", "--format", "json")), "networks: as vigil links", b)
# every page and file is sent with a strict policy: scripts and styles of this site only, no framing
for path in ("/login", "/inbox", "/case", "/stats", "/network", "/series", "/static/vigil.css"):
    st, b, h = Client().call("GET", path)
    csp = h.get("Content-Security-Policy", "")
    ok(st == 200 and "script-src 'self'" in csp and "unsafe" not in csp and "frame-ancestors 'none'" in csp and
       h.get("X-Frame-Options") == "DENY" and h.get("X-Content-Type-Options") == "nosniff",
       "%s: CSP, nosniff, no framing" % path, dict(h))
    if not path.startswith("/static"):
        scripts = re.findall(r"<script[^>]*>", b)
        ok(scripts and all(re.fullmatch(r'<script src="/static/[a-z]+\.js" defer>', x) for x in scripts) and
           not re.search(r"<style|\son[a-z]+=|style=|javascript:", b), "%s: no inline script or style" % path, b[:300])

# the answers to the referral: the receiving unit only, a reason needed, no second answer
r2 = Client("off2")
def refused(client, who, body, want, desc, check=None, **kw):
    before = events()
    st, b, _ = client.call("POST", "/api/v1/cases/1/decline", body, **kw)
    ok(st == want and (check is None or check(b)), desc, (st, b))
    audited_refusal(before, who, "POST", "/api/v1/cases/1/decline", want, desc)
refused(r2, "off2", {}, 400, "decline without a reason: 400")
refused(r2, "off2", {"reason": "capacity", "colour": "red"}, 400, "decline with an unknown member: 400 naming it",
        lambda b: b["field"] == "colour")
refused(r2, "off2", {"reason": 7}, 400, "decline with a number for the reason: 400")
refused(r2, "off2", None, 400, "decline with malformed JSON: 400", raw=b'{"reason": "capacity"')
refused(r2, "off2", {"reason": "'; DROP TABLE cases; --"}, 400, "decline with SQL for a reason: 400")
refused(r2, "off2", {"reason": "capacity"}, 403, "decline without the CSRF token: 403", lambda b: "CSRF" in b["error"],
        csrf=False)
saved = r2.csrf; r2.csrf = "x" * 43
refused(r2, "off2", {"reason": "capacity"}, 403, "decline with a wrong CSRF token: 403")
r2.csrf = saved
# refused before the body is read, by its declared length: before anyone is known
refused(r2, "(nobody)", None, 413, "decline with a body over --max-body: 413", raw=b'{"note": "' + b"x" * 70000 + b'"}')
ended = Client("off2"); ended.call("POST", "/api/v1/logout", {})
refused(ended, "(nobody)", {"reason": "capacity"}, 401, "decline in an ended session: 401")
ok(not any("DROP TABLE" in (e[3] or "") or "x" * 100 in (e[3] or "") or "colour" in (e[3] or "") for e in events()),
   "nothing of a request's body is in the audit log", [e for e in events() if e[1] == "serve.refused"])
st, b, _ = r2.call("GET", "/api/v1/cases/1")
ok(st == 200 and b["referrals"][0]["state"] == "pending", "the refused requests changed nothing", b)
st, b, _ = r2.call("POST", "/api/v1/cases/1/decline", {"reason": "capacity", "note": "no examiner free"})
ok(st == 200, "decline with a reason: 200", (st, b))
before = events()
st, b, _ = r2.call("POST", "/api/v1/cases/1/accept", {})
ok(st == 409, "accept after the decline: 409", (st, b))
audited_refusal(before, "off2", "POST", "/api/v1/cases/1/accept", 409, "accept after the decline")
st, b, _ = r2.call("POST", "/api/v1/cases/2/accept", {})
ok(st == 200, "accept: 200", (st, b))
st, b, _ = r2.call("GET", "/api/v1/cases/2")
ok(st == 200 and b["referrals"][0]["state"] == "accepted" and b["owner"] == "R02", "the case is R02's now", b)

# paging and filters of the list
st, b, h = roles["admin"].call("GET", "/api/v1/cases?limit=2&offset=1")
ok(st == 200 and [x["id"] for x in b] == [2, 3], "cases: paging", (st, b))
st, b, _ = roles["admin"].call("GET", "/api/v1/cases?status=registered&offset=1&limit=2")
want = [x["id"] for x in json.loads(cli("case", "list", "--status", "registered", "--format", "json"))][1:3]
ok(st == 200 and [x["id"] for x in b] == want and len(want) == 2, "cases: a filter, then the page", (st, b, want))
st, b, _ = roles["admin"].call("GET", "/api/v1/cases?status=nonsense")
ok(st == 400, "cases: an unknown status: 400", (st, b))
st, b, _ = roles["admin"].call("GET", "/api/v1/cases?limit=0")
ok(st == 400 and b["field"] == "limit", "cases: limit 0: 400", (st, b))

# the API's JSON is the CLI's
st, b, _ = roles["admin"].call("GET", "/api/v1/stats")
ok(json.loads(cli("stats", "--format", "json")) == b, "stats: the same figures as vigil stats", b)
st, b, _ = roles["admin"].call("GET", "/api/v1/stats?by=reason")
ok(json.loads(cli("stats", "--by", "reason", "--format", "json")) == b, "stats by reason: as vigil stats --by reason")
st, b, _ = roles["admin"].call("GET", "/api/v1/cases/2")
ok(json.loads(cli("case", "show", "2", "--format", "json")) == b, "case show: as vigil case show --format json")

# series: the CLI's figures; another unit's case only as who holds it; each read audited
st, b, _ = roles["admin"].call("GET", "/api/v1/series")
ok(st == 200 and b == json.loads(cli("series", "list", "--format", "json")), "series: as vigil series list --format json", b)
st, b, _ = roles["own"].call("GET", "/api/v1/series/S-1")
ok(st == 200 and b == json.loads(cli("series", "show", "S-1", "--format", "json", "--as", "off1")),
   "series show as R01: as vigil series show --format json --as off1", b)
held = {x["unit"]: x for x in (b or {}).get("holders", [])}
ok(b["cases"] == 2 and b["units"] == 2 and b["items"] == 1 and held["R01"]["case"] == 1 and held["R01"]["items"] == 1
   and held.get("R03") == {"case": None, "unit": "R03", "contact": "Region 3", "ref": "R3-5", "visible": False,
                           "items": None},
   "series show as R01: its case and item; R03's case only as who holds it", b)
st, b, _ = roles["other"].call("GET", "/api/v1/series")
ok(st == 200 and [(s["name"], s["items"], [h["case"] for h in s["holders"]]) for s in b] == [("S-1", 1, [None, 3])],
   "series list as R03: R01's case masked, only R03's items counted", b)
before = events()
st, b, _ = roles["other"].call("GET", "/api/v1/series/S-1")
new = [e[:3] for e in events()[len(before):]]
ok(st == 200 and new == [("off3", "series.read", "series:S-1"), ("off3", "series.read", "case:1")],
   "series show as R03: the read audited, and on R01's case that it names", new)
st, b, _ = roles["national"].call("POST", "/api/v1/series/S-1", {"victim": "identified"})
last = events()[-1][:4]
ok(st == 200 and b["victim"] == "identified" and last == ("nat1", "series.victim", "series:S-1", "identified"),
   "series set by a national officer: 200, audited as series.victim", (st, b, last))
shown = json.loads(cli("series", "show", "S-1", "--format", "json"))
ok(shown["victim"] == "identified" and shown["victim_by"] == "nat1", "... vigil series show says identified, by nat1",
   shown)
for body, field in (({"victim": "maybe"}, "victim"), ({"victim": "identified", "colour": "red"}, "colour"), ({}, "victim")):
    before = events()
    st, b, _ = roles["admin"].call("POST", "/api/v1/series/S-1", body)
    ok(st == 400 and b["field"] == field, "series set with %s: 400 naming %s" % (json.dumps(body), field), (st, b))
    audited_refusal(before, admin, "POST", "/api/v1/series/S-1", 400, "series set with a bad body")
before = events()
st, b, _ = roles["admin"].call("POST", "/api/v1/series/S-1", {"victim": "unidentified"}, csrf=False)
ok(st == 403 and "CSRF" in b["error"], "series set without the CSRF token: 403", (st, b))
audited_refusal(before, admin, "POST", "/api/v1/series/S-1", 403, "series set without the CSRF token")
ok(json.loads(cli("series", "show", "S-1", "--format", "json"))["victim"] == "identified",
   "the refused changes changed nothing")

# the hash checks counted per key, at once, where the statistics are; never the hashes
def key_row(role="admin"):
    st, b, _ = roles[role].call("GET", "/api/v1/stats/keys")
    return st, ([x for x in b if x["name"] == "hotline"] or [None])[0] if st == 200 else b
st0, r0 = key_row()
sent = [["7" * 32, "8" * 40, "9" * 64], ["a" * 32, "b" * 32]]
for hs in sent:
    roles["key"].call("POST", "/api/v1/check", {"hashes": hs})
st1, r1 = key_row("national")
ok(st0 == 200 and st1 == 200 and r1["requests"] - r0["requests"] == 2 and r1["hashes"] - r0["hashes"] == 5,
   "stats/keys: two checks of 3 and 2 hashes counted for the key at once", (r0, r1))
st, b, _ = roles["admin"].call("GET", "/api/v1/stats/keys")
ok(st == 200 and b == json.loads(cli("apikey", "list", "--format", "json")), "stats/keys: as vigil apikey list --format json", b)
ok(not any(h in json.dumps(events()) for hs in sent for h in hs), "no hash checked is in the audit log")

# logins and sessions
bad = Client()
st1, b1, _ = bad.call("POST", "/api/v1/login", {"user": "off1", "password": "wrong password!"})
st2, b2, _ = bad.call("POST", "/api/v1/login", {"user": "nosuchuser", "password": "wrong password!"})
ok(st1 == 401 and st2 == 401 and b1 == b2, "login: a wrong password and an unknown user get the same answer", (b1, b2))
st, b, _ = bad.call("POST", "/api/v1/login", {"user": "off1"})
ok(st == 400, "login without a password: 400", (st, b))
# five at once per name, then one every 12 s: eight attempts in a row meet the limit
sts = [bad.call("POST", "/api/v1/login", {"user": "off1", "password": "wrong password!"})[0] for _ in range(8)]
ok(sts[-1] == 429 and set(sts) == {401, 429}, "login: attempts are limited (429)", sts)
st, b, _ = Client().call("POST", "/api/v1/login", {"user": "off1", "password": pw})
ok(st == 429, "login: the right password too waits once the name is limited", (st, b))
own = roles["own"]
st, b, _ = own.call("POST", "/api/v1/logout", {})
ok(st == 200, "logout: 200", (st, b))
st, b, _ = own.call("GET", "/api/v1/units")
ok(st == 401, "the session ends at logout: 401", (st, b))
# the audit log holds the changes and the logins, and is intact
st, b, _ = roles["admin"].call("GET", "/api/v1/audit/verify")
ok(st == 200 and b["intact"], "audit verify: intact after all this", b)
print("1..%d" % n)
sys.exit(1 if fails else 0)
PY
rc=$?
ROOT=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$URL/")
kill "$SPID"; wait "$SPID"
# the python part printed its own TAP; renumber it into this script's
while IFS= read -r line; do
  case $line in
  "ok "*) ok "${line#ok * - }" ;;
  "not ok "*) not_ok "${line#not ok * - }" ;;
  "#"*) echo "$line" ;;
  "1.."*) ;;
  *) echo "# $line" ;;
  esac
done <"$T/matrix.tap"
is "the matrix ran to its end" "$rc:$(grep -c '^1\.\.' "$T/matrix.tap")" "0:1"
is "/ sends to the inbox" "$ROOT" "303 $URL/inbox"
actions=$(sql "SELECT action FROM audit")
check "audit: logins and failed logins are recorded" bash -c \
  "grep -qx user.login <<<'$actions' && grep -qx user.login-failed <<<'$actions'"
check "access log: no password, no CSRF token, no session token" bash -c "! grep -qiE 'horse|csrf|vigil_session' '$T/access.log'"
done_testing
