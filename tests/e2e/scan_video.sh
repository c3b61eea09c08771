#!/usr/bin/env bash
# vPDQ inside vigil scan, on clips ffmpeg makes here from benign wallpapers (mate-backgrounds):
# every video gets "vpdq" {frames, quality_median}, equal to what vigil vpdq hashes, in the parser
# workers and with --no-isolation alike; --no-video skips it; --max-frames applies; a truncated, a
# corrupt and an encrypted video are error items naming the reason with their digests; pictures and
# other files are not touched. With --videos (known videos) a re-encoded copy is near with the match
# fields, an unrelated clip is not; a frame near a known picture makes a video near, naming its time.
# With vigil-faulty, a video decoder that crashes or hangs in its worker costs that video alone.
# Prints TAP.
. "$(dirname "$0")/lib.sh"

if ! command -v ffmpeg >/dev/null; then
  skip "scan with videos" "no ffmpeg to make the clips" ffmpeg
  done_testing; exit
fi
W=/usr/share/backgrounds/mate
for p in nature/Garden.jpg nature/Dune.jpg; do
  [ -f "$W/$p" ] || { skip "scan with videos" "no $W/$p to make the clips from" mate-backgrounds; done_testing; exit; }
done
E="$T/ev"
mkdir -p "$E" "$T/made"
ff() { ffmpeg -nostdin -v error -y "$@"; }
# a 10 s, 30 fps clip of a slow pan over a wallpaper (as tests/e2e/vpdq.sh makes them)
pan() { ff -loop 1 -i "$1" -vf "scale=1280:720:force_original_aspect_ratio=increase,crop=1280:720,crop=640:360:x='t*6':y='100+t*2',format=yuv420p" -r 30 -t 10 -c:v libx264 "$2"; }
pan "$W/nature/Garden.jpg" "$T/made/known.mp4"
pan "$W/nature/Dune.jpg" "$E/other.mp4"
ff -i "$T/made/known.mp4" -c:v libvpx-vp9 -b:v 200k -vf scale=426:240 "$E/copy.webm"
ff -i "$T/made/known.mp4" -c:v libx264 -crf 30 "$T/made/logo-src.mkv"
s=$(stat -c %s "$T/made/logo-src.mkv"); head -c $((s / 2)) "$T/made/logo-src.mkv" >"$E/truncated.mkv"
ff -i "$T/made/known.mp4" -c:v copy -movflags +faststart "$T/made/fast.mp4"
python3 -c 'import sys, random
d = bytearray(open(sys.argv[1], "rb").read()); r = random.Random(7)
for i in range(len(d) // 3, len(d) // 3 + 16000): d[i] = r.randrange(256)
open(sys.argv[2], "wb").write(d)' "$T/made/fast.mp4" "$E/corrupt.mp4"
ff -i "$T/made/known.mp4" -c:v copy -encryption_scheme cenc-aes-ctr -encryption_key 76a6c65c5ea762046bd749a2e632ccbb \
  -encryption_kid a7e61c373e219033c21091fa607bf3b8 "$E/encrypted.mp4"
ff -i "$T/made/known.mp4" -ss 3 -frames:v 1 "$T/made/still.png"
cp "$W/nature/Dune.jpg" "$E/picture.jpg"
echo "notes, not a video" >"$E/notes.txt"

# 1-10: every video hashed in the workers, the same frames as vigil vpdq
vigil scan --no-sets --jsonl "$T/a.jsonl" "$E" 2>"$T/a.err"; rc=$?
is "scan exits 0" "$rc" 0
is "counts add up" "$(jl "$T/a.jsonl" check)" ok
want=$(vigil vpdq --quiet "$E/other.mp4" | wc -l)
is "other.mp4: vpdq frames as vigil vpdq hashes them" "$(jl "$T/a.jsonl" "by_path['$E/other.mp4']['vpdq']['frames']")" "$want"
want=$(vigil vpdq --quiet "$E/copy.webm" | sort -t, -k3n | awk -F, '{q[NR]=$3} END {print q[int(NR/2)+1]}')
is "copy.webm: 10 frames, the median quality of vigil vpdq's frames" \
  "$(jl "$T/a.jsonl" "(by_path['$E/copy.webm']['vpdq']['frames'], by_path['$E/copy.webm']['vpdq']['quality_median'])")" "(10, $want)"
is "videos without a match are unknown" "$(jl "$T/a.jsonl" "(by_path['$E/other.mp4']['verdict'], by_path['$E/copy.webm']['verdict'])")" "('unknown', 'unknown')"
is "a picture and a text file have no vpdq field" \
  "$(jl "$T/a.jsonl" "('vpdq' in by_path['$E/picture.jpg'], by_path['$E/picture.jpg']['pdq'] is not None, 'vpdq' in by_path['$E/notes.txt'])")" \
  "(False, True, False)"
is "the five videos and the picture went to parser workers (FFmpeg and the decoders parse them), the text file did not" \
  "$(jl "$T/a.jsonl" "summary['run'].get('isolation')")" "{'worker_files': 6, 'own_files': 1}"
like "a truncated video is an error item naming why, its digests reported" \
  "$(jl "$T/a.jsonl" "(by_path['$E/truncated.mkv']['verdict'], by_path['$E/truncated.mkv']['sha256'] is not None, by_path['$E/truncated.mkv']['error'], 'vpdq' in by_path['$E/truncated.mkv'])")" \
  "^\('error', True, 'video: truncated video: the stream ends at [0-9.]+ s of the 10\.0 s declared', False\)$"
like "a corrupt video is an error item naming why" \
  "$(jl "$T/a.jsonl" "(by_path['$E/corrupt.mp4']['verdict'], by_path['$E/corrupt.mp4']['error'])")" \
  "^\('error', 'video: corrupt video stream: [0-9]+ of [0-9]+ packets do not decode"
is "an encrypted video is an error item of kind encrypted" \
  "$(jl "$T/a.jsonl" "(by_path['$E/encrypted.mp4']['verdict'], by_path['$E/encrypted.mp4']['error_kind'], by_path['$E/encrypted.mp4']['error'])")" \
  "('error', 'encrypted', 'video: encrypted video stream (Common Encryption), cannot decode')"
is "the summary counts the three errors, one encrypted" \
  "$(jl "$T/a.jsonl" "(summary['error'], summary['errors']['encrypted'])")" "(3, 1)"
like "the error items are named on stderr" "$(cat "$T/a.err")" "truncated\.mkv: video: truncated video"

# 11-12: --no-isolation gives the same fields
vigil scan --no-sets --quiet --no-isolation --jsonl "$T/b.jsonl" "$E"; rc=$?
fields="sorted((i['path'], json.dumps(i.get('vpdq')), i['verdict'], i['error']) for i in items)"
is "--no-isolation exits 0" "$rc" 0
is "--no-isolation: the same vpdq fields, verdicts and errors" "$(jl "$T/b.jsonl" "$fields")" "$(jl "$T/a.jsonl" "$fields")"

# 13-14: --no-video: no decode, no video errors
vigil scan --no-sets --quiet --no-video --jsonl "$T/c.jsonl" "$E"; rc=$?
is "--no-video exits 0" "$rc" 0
is "--no-video: no vpdq field, the damaged videos unknown" \
  "$(jl "$T/c.jsonl" "(any('vpdq' in i for i in items), by_path['$E/truncated.mkv']['verdict'], summary['error'], summary['scan']['options']['video'])")" \
  "(False, 'unknown', 0, 0)"

# 15: --max-frames stops hashing with the limit named, not an error
vigil scan --no-sets --quiet --max-frames 3 --jsonl "$T/d.jsonl" "$E/other.mp4"
is "--max-frames 3: three frames, the limit named, not an error" \
  "$(jl "$T/d.jsonl" "(items[0]['vpdq']['frames'], items[0]['vpdq'].get('limit'), items[0]['verdict'])")" \
  "(3, 'stopped at --max-frames (3)', 'unknown')"

# 16-21: known videos and known pictures make videos near
vigil vpdq --quiet "$T/made/known.mp4" >"$T/known.vpdq"
vigil pdq --quiet "$T/made/still.png" | cut -d, -f1,2 >"$T/still.pdq"
vigil hashset import --name known-stills --kind illegal --format pdq "$T/still.pdq" >/dev/null 2>&1
vigil scan --quiet --videos "$T/known.vpdq" --jsonl "$T/e.jsonl" "$E"; rc=$?
is "scan with --videos and a PDQ set exits 0, counts add up" "$rc $(jl "$T/e.jsonl" check)" "0 ok"
m="by_path['$E/copy.webm']"
like "the re-encoded copy is near the known video: its name, both shares, the time ranges" \
  "$(jl "$T/e.jsonl" "($m['verdict'], $m['video_match'])")" \
  "^\('near', \{'known': '$T/made/known\.mp4', 'query_percent': ([89][0-9]\.[0-9]|100\.0), 'known_percent': [0-9.]+, 'query_ranges': '[0-9.;-]+', 'known_ranges': '[0-9.;-]+'\}\)$"
like "its frame at 3 s is near the known still: match by PDQ naming the frame's time" \
  "$(jl "$T/e.jsonl" "($m['match']['by'], $m['match']['set'], $m['match']['frame_seconds'], $m['match']['distance'] <= 31)")" \
  "^\('pdq', 'known-stills', 3\.0, True\)$"
is "the unrelated clip stays unknown, with no match fields" \
  "$(jl "$T/e.jsonl" "(by_path['$E/other.mp4']['verdict'], 'video_match' in by_path['$E/other.mp4'], by_path['$E/other.mp4']['match'])")" \
  "('unknown', False, None)"
vigil scan --quiet --no-isolation --videos "$T/known.vpdq" --jsonl "$T/f.jsonl" "$E"
fields="sorted((i['path'], json.dumps(i.get('video_match')), json.dumps(i['match']), i['verdict']) for i in items)"
is "--no-isolation: the same near verdicts and match fields" "$(jl "$T/f.jsonl" "$fields")" "$(jl "$T/e.jsonl" "$fields")"
vigil scan --quiet --no-video --videos "$T/known.vpdq" --jsonl "$T/g.jsonl" "$E" 2>"$T/g.err"; rc=$?
is "--videos with --no-video is refused" "$rc" 2

# 22-25: a video decoder that crashes or hangs in its worker costs that video alone (test build)
if [ -n "${VIGIL_FAULTY:-}" ]; then
  VIGIL_FAULT=video:crash:copy.webm "$VIGIL_FAULTY" scan --no-sets --quiet --jsonl "$T/h.jsonl" "$E"
  like "a crashing video decoder: an error item naming it, the other videos hashed" \
    "$(jl "$T/h.jsonl" "(by_path['$E/copy.webm']['error_kind'], by_path['$E/copy.webm']['error'], by_path['$E/other.mp4']['vpdq']['frames'], summary['error'])")" \
    "^\('crashed', 'parser crashed: .* in video decoder', 10, 4\)$"
  VIGIL_FAULT=video:spin:copy.webm "$VIGIL_FAULTY" scan --no-sets --quiet --item-timeout 2 --jsonl "$T/i.jsonl" "$E"
  is "a video decoder that makes no progress: timed out, the rest hashed" \
    "$(jl "$T/i.jsonl" "(by_path['$E/copy.webm']['error'], by_path['$E/other.mp4']['vpdq']['frames'])")" \
    "('parser timed out after 2 s in video decoder', 10)"
else
  skip "video decoder faults in the worker" "VIGIL_FAULTY (the test build with the fault switch) not given"
fi

done_testing
