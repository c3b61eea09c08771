#!/usr/bin/env bash
# The HTML report opened in a real browser (headless Chromium): the header a case file needs,
# totals, the item tables rendered by the page's script (archive members, sorting, filtering,
# paging), and no network request, not even one smuggled into the page.
. "$(dirname "$0")/lib.sh"
if ! command -v chromium >/dev/null 2>&1; then
  skip "report rendered in a browser" "no chromium" chromium
  done_testing
  exit
fi
F=$TESTDATA/hashsets/files
# The browser's own background traffic is switched off; what is left is filtered by host below.
browse() { # OUT URL [flags...]: the DOM after the script ran
  local out=$1 url=$2; shift 2
  timeout 120 chromium --headless=new --disable-gpu --no-sandbox --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-default-apps \
    --user-data-dir="$T/profile" --virtual-time-budget=3000 "$@" --dump-dom "$url" >"$out" 2>/dev/null
}
page_urls() { grep -o '"url":"[^"]*"' "$1" | grep -vE '\.(google|googleapis|gvt1)\.com/' | sort -u; }

cd "$T"
mkdir -p ev/sub zipped
convert -size 64x48 gradient:blue-yellow ev/sunset.jpg
convert -size 200x150 gradient:red-white zipped/holiday1.jpg
convert -size 40x40 xc:green ev/sub/green.png
cp ev/sunset.jpg zipped/sunset-copy.jpg                 # the same content loose and in a zip
(cd zipped && zip -q ../ev/holiday.zip holiday1.jpg sunset-copy.jpg)
cp "$F/lorem.txt" ev/                                   # known benign: counted, not listed
printf 'x' >'ev/<img src=x>.txt'
md5sum "$F/lorem.txt" >benign.md5
vigil hashset import --name nsrl-test --kind benign benign.md5 >/dev/null
vigil scan --quiet --case "CR 2026/17" --exhibit "EX-3" --examiner "A. Examiner" --report r.html ev
is "scan with case, exhibit and examiner exits 0" "$?" "0"

browse dom.html "file://$T/r.html"
d=$(tr '\n' ' ' <dom.html)
like "the script ran to the end" "$d" 'data-ready="[0-9.]+"'
like "header: case, exhibit, examiner" "$d" "<th>case</th><td>CR 2026/17</td>.*<th>exhibit</th><td>EX-3</td>.*<th>examiner</th><td>A. Examiner</td>"
like "header: the evidence path in full" "$d" "<th>evidence</th><td class=\"p\">$T/ev<br>"
like "header: complete scan, said at the top" "$d" "<h1>vigil scan report</h1> ?<div class=\"banner good\" id=\"completeness\">Complete"
like "header: the set compared with its version and entries" "$d" "<td>nsrl-test</td><td>benign</td><td>1</td><td class=\"n\">1</td>"
like "totals in order of severity" "$d" "<td>illegal</td>.*<td>near</td>.*<td>interest</td>.*<td>unknown</td>.*<td>error</td>.*<td>benign</td>"
like "totals: 6 unknown items, 5 distinct contents" "$d" "<td>unknown</td><td class=\"n\">6</td><td class=\"n\">5</td>"
like "benign items summarised with a count" "$d" "1 items \(1 distinct contents\) matched lists of known-good files"
is "benign items not listed one by one" "$(grep -c 'lorem.txt' dom.html)" "0"
like "archive members read 'zip > member'" "$d" "<td class=\"p\">ev/holiday.zip &gt; holiday1.jpg</td>"
like "human sizes" "$d" "<td class=\"n\" title=\"[0-9]+ bytes\">[0-9.]+ kB</td>"
like "file times for a folder scan" "$d" "<td class=\"p\">ev/sunset.jpg</td>(<td[^>]*>[^<]*</td>){2}<td class=\"t\">20[0-9]{2}-[0-9]{2}-[0-9]{2}T"
like "a name that looks like markup stays text" "$d" "ev/&lt;img src=x&gt;.txt"
like "the page says how many rows it shows" "$d" "rows 1 to 4 of 4"
is "no always-empty column (no 'reason' among unknown images)" "$(tr '\n' ' ' <dom.html | grep -o 'id="h0".*id="h1"' | grep -c '<th[^>]*>reason</th>')" "0"

# Sorting and filtering, driven from the address as a person's clicks would leave them.
browse sorted.html "file://$T/r.html?sort=size&desc=1"
first=$(tr '\n' ' ' <sorted.html | grep -o 'id="h0".*' | grep -oE '<tbody><tr class="vd-unknown"><td class="p">[^<]*' | head -1)
like "sorted by size, largest first" "$first" "holiday1.jpg$"
browse sorted.html "file://$T/r.html?sort=size"
first=$(tr '\n' ' ' <sorted.html | grep -o 'id="h0".*' | grep -oE '<tbody><tr class="vd-unknown"><td class="p">[^<]*' | head -1)
like "sorted by size, smallest first" "$first" "green.png$"
browse filtered.html "file://$T/r.html?q=GREEN"
f=$(tr '\n' ' ' <filtered.html | grep -o 'id="h0".*id="h1"' | grep -oE '<tbody>.*</tbody>|rows [^<]*')
like "filtered: one row left, said so" "$f" "rows 1 to 1 of 1 \(filtered from 4\)"
like "filtered: the row that matches" "$f" "ev/sub/green.png"
is "filtered: the others gone" "$(printf '%s' "$f" | grep -c 'sunset.jpg')" "0"

# The page shows every entry of "matches" (winner first, a near match naming its record) and
# renders a thumbnail blurred; both planted in the page's data, which its script policy allows.
python3 - r.html planted-data.html "$TESTDATA/report/thumb.jpg" <<'PY'
import base64, json, re, sys
page, out, jpeg = sys.argv[1], sys.argv[2], sys.argv[3]
s = open(page, encoding="utf-8").read()
# The list's rows are arrays in the order of its keys; the planted row is written as a whole
# object, which the page reads as well.
d = re.search(r'(<script type="application/json" id=d0>)(.*?)(</script>)', s, re.S)
data = json.loads(d.group(2))
rows = data["rows"]
i = next(n for n, r in enumerate(rows) if dict(zip(data["keys"], r))["path"] == "ev/sunset.jpg")
row = dict(zip(data["keys"], rows[i]))
row["matches"] = [{"set": "list-b", "version": 3, "kind": "illegal", "by": "pdq", "distance": 4,
                   "orientation": "rot90", "record": {"name": "rec-7", "source": "b.csv", "line": 12}},
                  {"set": "list-a", "version": 1, "by": "sha256", "distance": 0}]
rows[i] = row
s = s[:d.start(2)] + json.dumps(data).replace("<", "\\u003c") + s[d.end(2):]
t = '<script type="application/json" id=thumbs>{"0:%d":"data:image/jpeg;base64,%s"}</script>\n' % \
    (i, base64.b64encode(open(jpeg, "rb").read()).decode())
j = s.rindex("<script>")
open(out, "w", encoding="utf-8").write(s[:j] + t + s[j:])
PY
browse planted-dom.html "file://$T/planted-data.html"
p=$(tr "\n" " " <planted-dom.html)
like "matches: every entry, the winner first and bold, the near one naming its record" "$p" \
  '<div class="w">list-b v3 \(pdq, distance 4, rot90\) illegal; record rec-7 in b.csv:12</div><div>list-a v1 \(sha256\)</div>'
like "thumbnail: a picture column, the image blurred until clicked" "$p" '<th>picture</th>.*<img class="th" src="data:image/jpeg;base64,'

# No network: nothing requested by the page, and the page's policy blocks a load planted in it.
browse /dev/null "file://$T/r.html" --log-net-log="$T/net.json"
is "no network request from the report" "$(page_urls net.json)" ""
sed 's|<h1>|<img src="http://192.0.2.1/planted.png"><h1>|' r.html >planted.html
printf '<html><body><img src="http://192.0.2.1/control.png"></body></html>' >control.html
browse /dev/null "file://$T/control.html" --log-net-log="$T/net-control.json"
like "control: the net log sees a page's request" "$(page_urls net-control.json)" "192.0.2.1/control.png"
browse /dev/null "file://$T/planted.html" --log-net-log="$T/net-planted.json"
is "a load planted in the report is blocked by its Content-Security-Policy" "$(page_urls net-planted.json)" ""

# An interrupted scan says so at the top, before anything else.
mkdir -p many && for i in $(seq 1 20); do truncate -s 200M "many/f$i.img"; done # sparse: 4 GB to hash
"$VIGIL" scan --quiet --jobs 1 --report int.html many &
pid=$!
sleep 1
kill -INT "$pid" 2>/dev/null
wait "$pid"
rc=$?
if [ "$rc" = 130 ] && [ -f int.html ]; then   # stopped by SIGINT (not killed by it before its handler was set)
  browse int-dom.html "file://$T/int.html"
  like "interrupted: a prominent banner right under the title" "$(tr '\n' ' ' <int-dom.html)" \
    "<h1>vigil scan report</h1> ?<div class=\"banner bad\" id=\"completeness\">INCOMPLETE: the scan was interrupted"
else
  skip "interrupted scan banner" "the interrupt did not stop a running scan (exit $rc)"
fi
done_testing
