#!/usr/bin/env bash
# Animated GIF and WebP in vigil scan, from benign synthetic frames (a pan over a wallpaper of
# mate-backgrounds, made here by ffmpeg): one of more than one frame is hashed as a video (vpdq
# equal to vigil vpdq's) and keeps its first frame's PDQ; a one-frame GIF or WebP stays a picture.
# Through --videos, re-encoded copies (GIF to WebP, GIF to MP4) are near the known animation; a
# frame near a known still names its time. The CSV and the HTML report carry the video fields, a
# resumed scan writes the same CSV. A GIF cut in the middle of its frames is a corrupt error item.
# Prints TAP.
. "$(dirname "$0")/lib.sh"

if ! command -v ffmpeg >/dev/null; then
  skip "animated pictures in a scan" "no ffmpeg to make them" ffmpeg
  done_testing; exit
fi
W=/usr/share/backgrounds/mate
for p in nature/Garden.jpg nature/Dune.jpg; do
  [ -f "$W/$p" ] || { skip "animated pictures in a scan" "no $W/$p to make them from" mate-backgrounds; done_testing; exit; }
done
E="$T/ev"
mkdir -p "$E" "$T/made"
ff() { ffmpeg -nostdin -v error -y "$@"; }
# pan PICTURE OUTPUT-OPTIONS...: a 6 s animation at 10 frames a second, a slow pan over a wallpaper
pan() {
  local src=$1; shift
  ff -loop 1 -i "$src" -vf "scale=640:360:force_original_aspect_ratio=increase,crop=640:360,crop=320:180:x='t*12':y='t*4'" -r 10 -t 6 "$@"
}
pan "$W/nature/Garden.jpg" -f gif "$T/made/known.gif"
pan "$W/nature/Dune.jpg" -f gif "$E/other.gif"
cp "$T/made/known.gif" "$E/anim.gif"
ff -i "$T/made/known.gif" -loop 0 -c:v libwebp_anim -quality 60 -f webp "$E/copy.webp"
ff -i "$T/made/known.gif" -pix_fmt yuv420p -c:v libx264 -crf 30 "$E/copy.mp4"
ff -i "$T/made/known.gif" -frames:v 1 -f gif "$E/one.gif"
ff -i "$T/made/known.gif" -frames:v 1 -c:v libwebp -f webp "$E/still.webp"
# the same frame in an animation of one frame (libwebp's tools write one frame as a still): its VP8
# chunk inside ANMF, under a VP8X header with the animation flag and an ANIM chunk
python3 - "$E/still.webp" "$E/one-anim.webp" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[12:16] == b"VP8 ", d[12:16]
vp8 = d[12:20 + struct.unpack("<I", d[16:20])[0]]
w, h = (struct.unpack("<H", d[26 + 2 * i:28 + 2 * i])[0] & 0x3FFF for i in (0, 1))
u24 = lambda v: struct.pack("<I", v)[:3]
chunk = lambda tag, body: tag + struct.pack("<I", len(body)) + body + b"\0" * (len(body) & 1)
body = chunk(b"VP8X", b"\x02\0\0\0" + u24(w - 1) + u24(h - 1)) + chunk(b"ANIM", b"\0" * 6) + \
       chunk(b"ANMF", u24(0) + u24(0) + u24(w - 1) + u24(h - 1) + u24(100) + b"\0" + vp8)
open(sys.argv[2], "wb").write(b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body)
PY
ff -i "$T/made/known.gif" -ss 3 -frames:v 1 "$T/made/still3.png"
echo "notes, not a picture" >"$E/notes.txt"
webp_frames() { python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); print(d.count(b"ANMF"), bool(d[20] & 2))' "$1"; }
is "one-anim.webp: the animation flag with one frame (as made)" "$(webp_frames "$E/one-anim.webp")" "1 True"

# 2-9: an animation is hashed as a video and keeps its picture PDQ; a one-frame one stays a picture
vigil scan --no-sets --jsonl "$T/a.jsonl" "$E" 2>"$T/a.err"; rc=$?
is "scan exits 0, counts add up" "$rc $(jl "$T/a.jsonl" check)" "0 ok"
median() { sort -t, -k3n | awk -F, '{q[NR]=$3} END {print NR, q[int(NR/2)+1]}'; }
for f in anim.gif copy.webp; do
  is "$f: vpdq frames and quality median as vigil vpdq hashes them" \
    "$(jl "$T/a.jsonl" "'%d %d' % (by_path['$E/$f']['vpdq']['frames'], by_path['$E/$f']['vpdq']['quality_median'])")" \
    "$(vigil vpdq --quiet "$E/$f" | median)"
  is "$f: its first frame's PDQ, as vigil pdq gives it" "$(jl "$T/a.jsonl" "by_path['$E/$f']['pdq']")" \
    "$(vigil pdq --quiet "$E/$f" | cut -d, -f1)"
done
is "anim.gif: six frames of its six seconds" "$(jl "$T/a.jsonl" "by_path['$E/anim.gif']['vpdq']['frames']")" "6"
is "one-frame GIF and WebPs: pictures with a PDQ, no vpdq" \
  "$(jl "$T/a.jsonl" "[('vpdq' in by_path['$E/'+f], by_path['$E/'+f]['pdq'] is not None, by_path['$E/'+f]['verdict']) for f in ('one.gif', 'one-anim.webp', 'still.webp')]")" \
  "[(False, True, 'unknown'), (False, True, 'unknown'), (False, True, 'unknown')]"
is "the one-frame GIF's PDQ is the animation's first frame's; the one-frame animated WebP's its still's" \
  "$(jl "$T/a.jsonl" "(by_path['$E/one.gif']['pdq'] == by_path['$E/anim.gif']['pdq'], by_path['$E/one-anim.webp']['pdq'] == by_path['$E/still.webp']['pdq'])")" \
  "(True, True)"
is "every picture and video went to a parser worker (frames are counted there), the text file did not" \
  "$(jl "$T/a.jsonl" "summary['run'].get('isolation')")" "{'worker_files': 7, 'own_files': 1}"

# 10-12: --no-isolation the same; --no-video leaves pictures; --no-pdq still hashes the video
vigil scan --no-sets --quiet --no-isolation --jsonl "$T/b.jsonl" "$E"
fields="sorted((i['path'], i['pdq'], json.dumps(i.get('vpdq')), i['verdict']) for i in items)"
is "--no-isolation: the same fields" "$(jl "$T/b.jsonl" "$fields")" "$(jl "$T/a.jsonl" "$fields")"
vigil scan --no-sets --quiet --no-video --jsonl "$T/c.jsonl" "$E"
is "--no-video: no vpdq, the animations keep their PDQ" \
  "$(jl "$T/c.jsonl" "(any('vpdq' in i for i in items), by_path['$E/anim.gif']['pdq'], by_path['$E/copy.webp']['pdq'])")" \
  "$(jl "$T/a.jsonl" "(False, by_path['$E/anim.gif']['pdq'], by_path['$E/copy.webp']['pdq'])")"
vigil scan --no-sets --quiet --no-pdq --jsonl "$T/d.jsonl" "$E"
# the GIFs and the WebPs with the animation flag go to a worker, which counts their frames
is "--no-pdq: the animations still get vpdq in a worker, no PDQ" \
  "$(jl "$T/d.jsonl" "(by_path['$E/anim.gif']['vpdq']['frames'], by_path['$E/copy.webp']['vpdq']['frames'], by_path['$E/anim.gif']['pdq'], 'vpdq' in by_path['$E/one.gif'], summary['run']['isolation']['worker_files'])")" \
  "(6, 6, None, False, 6)"

# 13-18: known animations and stills
vigil vpdq --quiet "$T/made/known.gif" >"$T/known.vpdq"
vigil pdq --quiet "$T/made/still3.png" | cut -d, -f1,2 >"$T/still.pdq"
vigil hashset import --name known-stills --kind illegal --format pdq "$T/still.pdq" >/dev/null 2>&1
vigil scan --quiet --videos "$T/known.vpdq" --jsonl "$T/e.jsonl" --csv "$T/e.csv" --report "$T/e.html" "$E"; rc=$?
is "scan with --videos and a PDQ set exits 0, counts add up" "$rc $(jl "$T/e.jsonl" check)" "0 ok"
for f in copy.webp copy.mp4; do
  like "$f (re-encoded) is near the known animation: its name, both shares, the time ranges" \
    "$(jl "$T/e.jsonl" "(by_path['$E/$f']['verdict'], by_path['$E/$f']['video_match'])")" \
    "^\('near', \{'known': '$T/made/known\.gif', 'query_percent': ([89][0-9]\.[0-9]|100\.0), 'known_percent': ([89][0-9]\.[0-9]|100\.0), 'query_ranges': '0\.0-5\.0', 'known_ranges': '0\.0-5\.0'\}\)$"
done
like "anim.gif: its frame at 3 s is near the known still, the match names the time" \
  "$(jl "$T/e.jsonl" "tuple(by_path['$E/anim.gif']['match'][k] for k in ('by', 'set', 'frame_seconds', 'distance'))")" \
  "^\('pdq', 'known-stills', 3\.0, 0\)$"
is "the unrelated animation and the one-frame GIF stay unknown" \
  "$(jl "$T/e.jsonl" "[(by_path['$E/'+f]['verdict'], 'video_match' in by_path['$E/'+f]) for f in ('other.gif', 'one.gif')]")" \
  "[('unknown', False), ('unknown', False)]"
vigil scan --quiet --no-isolation --videos "$T/known.vpdq" --jsonl "$T/f.jsonl" "$E"
fields="sorted((i['path'], json.dumps(i.get('video_match')), json.dumps(i['match']), i['verdict']) for i in items)"
is "--no-isolation: the same near verdicts and match fields" "$(jl "$T/f.jsonl" "$fields")" "$(jl "$T/e.jsonl" "$fields")"

# 19-21: the CSV's video columns, equal to the JSONL's fields
csv_video() { python3 - "$1" <<'PY'
import csv, sys
for r in sorted(csv.DictReader(open(sys.argv[1], newline="")), key=lambda r: r["path"]):
    print(r["path"].rsplit("/", 1)[1], *(r[k] for k in ("vpdq_frames", "vpdq_quality_median", "vpdq_limit",
          "video_known", "video_query_percent", "video_known_percent", "video_query_ranges",
          "video_known_ranges", "frame_seconds")), sep="|")
PY
}
jsonl_video() { jl "$1" "'\n'.join('|'.join([i['path'].rsplit('/', 1)[1]] + [str(x) if x is not None else '' for x in (
  (i.get('vpdq') or {}).get('frames'), (i.get('vpdq') or {}).get('quality_median'), (i.get('vpdq') or {}).get('limit'))] +
  ([i['video_match'][k] if k.endswith('ranges') or k == 'known' else '%.1f' % i['video_match'][k]
    for k in ('known', 'query_percent', 'known_percent', 'query_ranges', 'known_ranges')] if 'video_match' in i else [''] * 5) +
  ['%.3f' % i['match']['frame_seconds'] if i['match'] and 'frame_seconds' in i['match'] else ''])
  for i in sorted(items, key=lambda i: i['path']))"; }
is "the CSV's video columns hold the JSONL's vpdq, video_match and frame_seconds" "$(csv_video "$T/e.csv")" "$(jsonl_video "$T/e.jsonl")"
like "anim.gif's CSV row: six frames, near the known GIF over 0-5 s, its frame at 3 s" "$(csv_video "$T/e.csv" | grep '^anim.gif|')" \
  "^anim\.gif\|6\|[0-9]+\|\|$T/made/known\.gif\|100\.0\|100\.0\|0\.0-5\.0\|0\.0-5\.0\|3\.000$"
is "pictures and text have empty video columns" "$(csv_video "$T/e.csv" | grep -E '^(one\.gif|notes\.txt)\|')" \
  "$(printf 'notes.txt|||||||||\none.gif|||||||||')"

# 22: a resumed scan writes the same CSV (the stored lines give back the video fields)
VIGIL_TEST_STOP_AFTER=4 vigil scan --quiet --jobs 1 --videos "$T/known.vpdq" --jsonl "$T/r.jsonl" "$E" >/dev/null 2>&1
vigil scan --quiet --jobs 1 --resume "$T/r.jsonl" --videos "$T/known.vpdq" --csv "$T/r.csv" "$E"; rc=$?
is "resumed after 4 items: the same video columns in the CSV" "$rc $(csv_video "$T/r.csv")" "0 $(csv_video "$T/e.csv")"

# 23-25: the HTML report shows them, as text
if command -v chromium >/dev/null 2>&1; then
  # a known video whose name is markup: the page must show it as text
  sed "s|$T/made/known.gif\$|$T/made/<img src=x onerror=alert(1)>.gif|" "$T/known.vpdq" >"$T/markup.vpdq"
  vigil scan --quiet --videos "$T/markup.vpdq" --report "$T/g.html" "$E"
  timeout 120 chromium --headless=new --disable-gpu --no-sandbox --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-default-apps \
    --user-data-dir="$T/profile" --virtual-time-budget=3000 --dump-dom "file://$T/g.html" >"$T/g.dom" 2>/dev/null
  d=$(tr '\n' ' ' <"$T/g.dom")
  like "the report's near list has a video column" "$d" '<th class="k">video</th>'
  like "near videos: the known one (its markup as text), both shares, the time ranges" "$d" \
    "<td class=\"p\">$E/copy\.mp4</td>.*<div>near the known video $T/made/&lt;img src=x onerror=alert\(1\)&gt;\.gif: [0-9.]+% of this one \(0\.0-5\.0 s\), [0-9.]+% of the known one \(0\.0-5\.0 s\)</div>"
  like "the frames hashed, and the frame near a known picture with its time" "$d" \
    "<td class=\"p\">$E/anim\.gif</td>.*<div>6 frames hashed, quality median [0-9]+</div>.*<div>the frame at 3 s is near a known picture</div>"
else
  skip "the report's video column" "no chromium to render the page" chromium
fi

# 26-31: a GIF cut in the middle of its frames is an error item of kind corrupt naming where it
# stops, as a truncated video is (its digests given, no vpdq); one cut inside its second frame too;
# vigil vpdq names it on stderr (exit 3). A whole GIF with bytes after its trailer is not cut.
C="$T/cut"
mkdir -p "$C"
s=$(stat -c %s "$T/made/known.gif")
head -c $((s / 2)) "$T/made/known.gif" >"$C/half.gif"
second=$(python3 - "$T/made/known.gif" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
# the offset of the second image descriptor: walk the blocks (header, global table, extensions)
p = 13 + (3 << ((d[10] & 7) + 1) if d[10] & 0x80 else 0)
frames = 0
while True:
    if d[p] == 0x21:
        p += 2
    elif d[p] == 0x2C:
        frames += 1
        if frames == 2:
            print(p); break
        p += 10 + ((3 << ((d[p + 9] & 7) + 1)) if d[p + 9] & 0x80 else 0)
        p += 1
    while d[p]:
        p += d[p] + 1
    p += 1
PY
)
head -c $((second + 5)) "$T/made/known.gif" >"$C/second.gif"
{ cat "$T/made/known.gif"; printf 'after the trailer'; } >"$C/tail.gif"
vigil scan --no-sets --jsonl "$T/cut.jsonl" "$C" 2>"$T/cut.err"; rc=$?
is "scan of the cut GIFs exits 0, counts add up" "$rc $(jl "$T/cut.jsonl" check)" "0 ok"
like "half.gif: an error item of kind corrupt naming where it stops, digests given, no vpdq" \
  "$(jl "$T/cut.jsonl" "(by_path['$C/half.gif']['verdict'], by_path['$C/half.gif']['error_kind'], by_path['$C/half.gif']['error'], by_path['$C/half.gif']['sha256'] is not None, 'vpdq' in by_path['$C/half.gif'])")" \
  "^\('error', 'corrupt', 'video: truncated GIF: the file ends inside frame [0-9]+ \(at offset $((s / 2)), [0-9]+ whole frames before\)', True, False\)$"
is "second.gif (cut inside its second frame): the same error, one whole frame before it" \
  "$(jl "$T/cut.jsonl" "(by_path['$C/second.gif']['verdict'], by_path['$C/second.gif']['error_kind'], by_path['$C/second.gif']['error'])")" \
  "('error', 'corrupt', 'video: truncated GIF: the file ends inside frame 2 (at offset $((second + 5)), 1 whole frames before)')"
is "tail.gif (bytes after its trailer): six frames hashed, no error" \
  "$(jl "$T/cut.jsonl" "(by_path['$C/tail.gif']['verdict'], by_path['$C/tail.gif']['vpdq']['frames'], by_path['$C/tail.gif']['error'])")" \
  "('unknown', 6, None)"
like "the cut GIFs are named on stderr" "$(cat "$T/cut.err")" "half\.gif: video: truncated GIF: the file ends inside frame"
out=$(vigil vpdq "$C/half.gif" 2>&1 >/dev/null); rc=$?
like "vigil vpdq names the cut GIF, exit 3" "$rc $out" "^3 .*half\.gif: truncated GIF: the file ends inside frame"

done_testing
