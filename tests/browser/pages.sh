#!/usr/bin/env bash
# vigil serve's web pages in a real browser: Debian's Chromium, headless, driven by playwright-core
# (npm, installed in tests/browser/ by scripts/install-deps.sh; never a browser download). Over a
# registry made by the CLI: log in (a wrong password refused), accept and decline a referral from
# the inbox (vigil case show and the audit log changed), the dashboard's figures and CSV equal to
# vigil stats, a case page, a network view, and the series pages (figures equal to vigil series
# --format json; a national officer records the victim identified). A screenshot of each page goes to $BROWSER_SHOTS
# (build/meson-logs/browser under meson), named in the log.
. "$(dirname "$0")/../e2e/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$T" || exit 1
unset VIGIL_USER VIGIL_CONFIG
export VIGIL_SETS=$T/sets.db
command -v node >/dev/null || { skip "browser pages" "no node" nodejs; done_testing; exit; }
[ -x /usr/bin/chromium ] || { skip "browser pages" "no /usr/bin/chromium" chromium; done_testing; exit; }
[ -f "$HERE/node_modules/playwright-core/package.json" ] || {
  skip "browser pages" "playwright-core missing: run scripts/install-deps.sh (npm ci in tests/browser)" npm
  done_testing; exit; }
SHOTS=${BROWSER_SHOTS:-$T/shots}
mkdir -p "$SHOTS"
echo "# screenshots in $SHOTS"
PW="correct horse battery"
F=$TESTDATA/hashsets/files
day() { date -u -d "$1" +%Y-%m-%d; }

open_registry
vigil unit add NAT --name "National unit" --type national >/dev/null 2>&1
vigil unit add R01 --name "Region 1" --type regional >/dev/null 2>&1
vigil unit add R02 --name "Region 2" --type regional >/dev/null 2>&1
for u in "off1 R01" "off2 R02" "nat1 NAT"; do
  set -- $u
  echo "$PW" | vigil user add "$1" --role officer --unit "$2" --password >/dev/null 2>&1
done
# R01's cases referred to R02: two overdue, one pending in time, one declined already
AT=$(day '-90 days')
c1=$(vigil case new --unit R01 --type distribution --ref R1-7 --title "first" --at "$AT" --as off1 2>/dev/null)
c2=$(vigil case new --unit R01 --type grooming --ref R1-8 --at "$AT" --as off1 2>/dev/null)
c3=$(vigil case new --unit R01 --type possession --ref R1-9 --at "$AT" --as off1 2>/dev/null)
c4=$(vigil case new --unit R02 --type possession --ref R2-1 --as off2 2>/dev/null)
c5=$(vigil case new --unit R01 --type possession --ref R1-10 --at "$AT" --as off1 2>/dev/null)
c6=$(vigil case new --unit R01 --type production --ref R1-11 --as off1 2>/dev/null)
vigil case refer "$c1" --to R02 --at "$(day '-60 days')" --due-days 30 --as off1 >/dev/null 2>&1
vigil case refer "$c2" --to R02 --at "$(day '-5 days')" --due-days 30 --as off1 >/dev/null 2>&1
vigil case refer "$c3" --to R02 --at "$(day '-40 days')" --due-days 30 --as off1 >/dev/null 2>&1
vigil case refer "$c5" --to R02 --at "$(day '-45 days')" --due-days 30 --as off1 >/dev/null 2>&1
vigil case decline "$c3" --reason capacity --at "$(day '-35 days')" --as off2 >/dev/null 2>&1
# c1, c3 and c6 hold the same files (a benign test picture labelled illegal, of series S-1, and
# random bytes): one network; c6 was never referred to R02, so R02 sees of it only who holds it
sha1sum "$F/gradient-16x16.png" >"$T/illegal.sha1"
vigil hashset import --name test-set --kind illegal --category A --series S-1 "$T/illegal.sha1" >/dev/null 2>&1
mkdir -p s1 && cp "$F/gradient-16x16.png" s1/ && head -c 3000 /dev/urandom >s1/new.bin
vigil scan --store "$c1" s1 >/dev/null 2>&1
vigil scan --store "$c3" s1 >/dev/null 2>&1
vigil scan --store "$c6" s1 >/dev/null 2>&1
is "the registry for the pages is made" "$(vigil case list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'):$(vigil links --format json |
  python3 -c 'import json,sys; print(len(json.load(sys.stdin)["links"]))')" "6:3"

"$VIGIL" serve --listen 127.0.0.1:0 --access-log "$T/access.log" 2>"$T/serve.err" &
SPID=$!
for _ in $(seq 50); do grep -q 'listening on' "$T/serve.err" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$T/serve.err" | head -1)

# a hotline's key checks 1 and then 2 hashes: counted for the statistics page
KEY=$(vigil apikey add hotline --org "Hotline" 2>/dev/null)
for body in '{"hashes": ["'"$(sha1sum <"$F/gradient-16x16.png" | cut -c1-40)"'"]}' '{"hashes": ["'"$(printf 7%.0s {1..32})"'", "'"$(printf 8%.0s {1..32})"'"]}'; do
  curl -s -o /dev/null -H "Authorization: Bearer $KEY" --data-binary "$body" "$URL/api/v1/check"
done
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 node "$HERE/pages.mjs" "$URL" "$VIGIL" "$SHOTS" "$PW" "$c1" "$c2" \
  >"$T/pages.tap" 2>&1
rc=$?
kill "$SPID"; wait "$SPID"
while IFS= read -r line; do
  case $line in
  "ok - "*) ok "${line#ok - }" ;;
  "not ok - "*) not_ok "${line#not ok - }" ;;
  "#"*) echo "$line" ;;
  *) echo "# $line" ;;
  esac
done <"$T/pages.tap"
is "the browser run ended well" "$rc" 0
for p in login inbox stats case network series-list series stats-keys; do
  check "screenshot of the $p page" test -s "$SHOTS/$p.png"
done
check "access log: no password, no CSRF token, no session token" bash -c "! grep -qiE 'horse|csrf|vigil_session' '$T/access.log'"
done_testing
