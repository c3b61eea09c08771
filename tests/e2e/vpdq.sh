#!/usr/bin/env bash
# vigil vpdq end to end, on clips ffmpeg makes here from benign wallpapers (mate-backgrounds) and
# synthetic patterns: the output format, sampling and limits; a re-encoded copy (other codec,
# bitrate, resolution, container), a trimmed copy (the middle 50%), a letterboxed copy, a copy with
# a logo, and a compilation holding a known clip are near; unrelated clips are not; a still of a
# known clip matches a known picture; damaged, truncated and encrypted files are errors that name
# the reason, and the files after them are still hashed. Prints TAP.
. "$(dirname "$0")/lib.sh"

if ! command -v ffmpeg >/dev/null; then
  skip "vpdq end to end" "no ffmpeg to make the clips" ffmpeg
  done_testing; exit
fi
W=/usr/share/backgrounds/mate
for p in nature/Garden.jpg nature/Dune.jpg abstract/Elephants.jpg; do
  [ -f "$W/$p" ] || { skip "vpdq end to end" "no $W/$p to make the clips from" mate-backgrounds; done_testing; exit; }
done
C="$T/clips"
mkdir -p "$C"
ff() { ffmpeg -nostdin -v error -y "$@"; }
# a 10 s, 30 fps clip of a slow pan over a wallpaper (a camera moving over a still scene)
pan() { ff -loop 1 -i "$1" -vf "scale=1280:720:force_original_aspect_ratio=increase,crop=1280:720,crop=640:360:x='t*6':y='100+t*2',format=yuv420p" -r 30 -t 10 -c:v libx264 "$2"; }
pan "$W/nature/Garden.jpg" "$C/known.mp4"
pan "$W/nature/Dune.jpg" "$C/other1.mp4"
pan "$W/abstract/Elephants.jpg" "$C/other2.mp4"
ff -f lavfi -i mandelbrot=size=640x360:rate=25 -t 6 -c:v libx264 -pix_fmt yuv420p "$C/mandelbrot.mp4"
ff -i "$C/known.mp4" -c:v libvpx-vp9 -b:v 200k -vf scale=426:240 "$C/reencoded.webm"
ff -i "$C/known.mp4" -ss 2.5 -t 5 -c:v libx264 -crf 30 "$C/trimmed.mp4"
ff -i "$C/known.mp4" -vf "scale=640:270,pad=640:360:0:45:black" -c:v mpeg4 -q:v 5 "$C/letterbox.avi"
ff -i "$C/known.mp4" -vf "drawbox=x=20:y=20:w=80:h=30:color=white@0.8:t=fill" -c:v libx264 "$C/logo.mkv"
ff -i "$C/other1.mp4" -i "$C/known.mp4" -i "$C/other2.mp4" -filter_complex "[0:v][1:v][2:v]concat=n=3:v=1" \
  -c:v libx264 "$C/compilation.mp4"
ff -i "$C/known.mp4" -ss 3 -frames:v 1 "$C/still.png"

# 1-4: the output format and sampling
vigil vpdq "$C/known.mp4" >"$T/known.vpdq" 2>"$T/err"; rc=$?
is "vigil vpdq exits 0" "$rc" 0
is "one frame a second of a 10 s clip" "$(wc -l <"$T/known.vpdq")" 10
like "lines are frame,hash,quality,seconds,path" "$(sed -n 4p "$T/known.vpdq")" "^90,[0-9a-f]{64},[0-9]{1,3},3\.000,$C/known\.mp4$"
vigil vpdq --quiet --every 2.5 "$C/known.mp4" >"$T/every"
is "--every 2.5 samples at 0, 2.5, 5 and 7.5 s" "$(cut -d, -f1,4 "$T/every" | tr '\n' ' ')" "0,0.000 75,2.500 150,5.000 225,7.500 "

# 5-7: limits stop hashing with a note, not an error
vigil vpdq --max-frames 3 "$C/known.mp4" >"$T/lim" 2>"$T/err"; rc=$?
is "--max-frames 3: three lines, exit 0" "$(wc -l <"$T/lim") $rc" "3 0"
like "--max-frames names the limit on stderr" "$(cat "$T/err")" "known\.mp4: stopped at --max-frames \(3\)"
vigil vpdq --quiet --max-video-seconds 4.5 "$C/known.mp4" >"$T/lim" 2>/dev/null
is "--max-video-seconds 4.5 hashes the frames up to 4.5 s" "$(cut -d, -f4 "$T/lim" | tail -1)" "4.000"

# 8-14: copies are near the known video, each line naming it, both shares and the time ranges
for f in reencoded.webm trimmed.mp4 letterbox.avi logo.mkv; do
  vigil vpdq --quiet --against "$T/known.vpdq" "$C/$f" >"$T/m.$f" 2>"$T/err"
  like "$f is near the known video" "$(cat "$T/m.$f")" "^video,[0-9.]+,[0-9.]+,[0-9.;-]+,[0-9.;-]+,$C/known\.mp4,$C/$f$"
done
q=$(cut -d, -f2 "$T/m.trimmed.mp4"); k=$(cut -d, -f3 "$T/m.trimmed.mp4")
like "the trimmed copy: every frame of it matches, half of the known video's" "$q $k" "^100\.0 (40|50|60)\.0$"
vigil vpdq --quiet --against "$T/known.vpdq" "$C/compilation.mp4" >"$T/m.comp"
like "the compilation is near by the known video's share, the query share a third" "$(cat "$T/m.comp")" \
  "^video,3[0-9]\.[0-9],100\.0,1[0-9]\.0-1[89]\.0,0\.0-9\.0,"
vigil vpdq --quiet --video-match 101 --against "$T/known.vpdq" "$C/compilation.mp4" >/dev/null 2>"$T/err"; rc=$?
is "--video-match over 100 is refused" "$rc" 2

# 15-16: unrelated clips are not near
vigil vpdq --against "$T/known.vpdq" "$C/other1.mp4" "$C/other2.mp4" "$C/mandelbrot.mp4" >"$T/m.none" 2>"$T/err"; rc=$?
is "unrelated clips: no match, exit 0" "$(wc -l <"$T/m.none") $rc" "0 0"
like "the summary counts them" "$(cat "$T/err")" "3 videos, 26 frames hashed, 0 near"

# 17-18: containers and codecs, recognised by content (no extension)
ff -i "$C/known.mp4" -c:v mpeg2video -f mpegts "$C/c_ts"
ff -i "$C/known.mp4" -c:v flv -f flv "$C/c_flv"
ff -i "$C/known.mp4" -c:v h263 -s 352x288 -f 3gp "$C/c_3gp"
ff -i "$C/known.mp4" -c:v wmv2 -f asf "$C/c_wmv"
ff -i "$C/known.mp4" -c:v libvpx-vp9 -pix_fmt yuv420p10le -b:v 300k -f matroska "$C/c_10bit"
ff -i "$C/known.mp4" -c:v mjpeg -q:v 4 -f avi "$C/c_mjpeg"
ff -i "$C/known.mp4" -t 4 -vf "fps=5,scale=320:-1" -f gif "$C/c_gif"
ff -i "$C/known.mp4" -t 4 -vf "fps=5,scale=320:-1" -loop 0 -c:v libwebp_anim -f webp "$C/c_webp"
vigil vpdq --quiet --against "$T/known.vpdq" "$C"/c_* >"$T/m.cont" 2>"$T/err"; rc=$?
is "MPEG-TS, FLV, 3GP, WMV, 10-bit VP9 in Matroska, MJPEG in AVI, animated GIF and WebP: all near" "$rc $(wc -l <"$T/m.cont")" "0 8"
like "the GIF's 4 s are all the known video's first 4 s" "$(grep c_gif "$T/m.cont")" "^video,100\.0,[0-9.]+,0\.0-3\.0,0\.0-[34]\.0,"
like "so are the animated WebP's" "$(grep c_webp "$T/m.cont")" "^video,100\.0,[0-9.]+,0\.0-3\.0,0\.0-[34]\.0,"

# 19: the reference's own per-video file, named after the file
awk -F, '{ printf "%s,%s,%s,%s\n", $1, $3, $2, $4 }' "$T/known.vpdq" >"$T/known-ref.txt"
vigil vpdq --quiet --against "$T/known-ref.txt" "$C/logo.mkv" >"$T/m.ref"
like "a reference per-video file (frame,quality,hash,timestamp) matches, named by its file" "$(cat "$T/m.ref")" \
  "^video,[0-9.]+,[0-9.]+,.*,known-ref\.txt,$C/logo\.mkv$"

# 20: a still of the known clip matches a known picture set
vigil pdq --quiet "$C/still.png" >"$T/pictures.pdq"
vigil vpdq --quiet --pictures "$T/pictures.pdq" "$C/reencoded.webm" >"$T/m.pic"
like "a frame of the re-encoded copy matches the known still, at its time" "$(grep '^picture,3\.000,' "$T/m.pic")" \
  "^picture,3\.000,[0-9]+,$(cut -d, -f1 "$T/pictures.pdq"),$C/reencoded\.webm$"

# 21-26: errors name the reason; the files after them are still hashed
s=$(stat -c %s "$C/logo.mkv"); head -c $((s / 2)) "$C/logo.mkv" >"$C/truncated.mkv"
ff -i "$C/known.mp4" -c:v copy -movflags +faststart "$C/fast.mp4"
s=$(stat -c %s "$C/fast.mp4"); head -c $((s / 2)) "$C/fast.mp4" >"$C/truncated.mp4"
s=$(stat -c %s "$C/known.mp4"); head -c $((s / 2)) "$C/known.mp4" >"$C/truncated-index.mp4"
python3 -c 'import sys, random
d = bytearray(open(sys.argv[1], "rb").read()); r = random.Random(7)
for i in range(len(d) // 3, len(d) // 3 + 16000): d[i] = r.randrange(256)
open(sys.argv[2], "wb").write(d)' "$C/fast.mp4" "$C/corrupt.mp4"
head -c 20000 /dev/urandom >"$C/noise.mp4"
ff -i "$C/known.mp4" -c:v copy -encryption_scheme cenc-aes-ctr -encryption_key 76a6c65c5ea762046bd749a2e632ccbb \
  -encryption_kid a7e61c373e219033c21091fa607bf3b8 "$C/encrypted.mp4"
vigil vpdq "$C/truncated.mkv" "$C/truncated.mp4" "$C/truncated-index.mp4" "$C/corrupt.mp4" "$C/noise.mp4" \
  "$C/encrypted.mp4" "$C/known.mp4" >"$T/bad" 2>"$T/err"; rc=$?
is "damaged files: exit 3, the good file after them hashed" "$rc $(wc -l <"$T/bad")" "3 10"
like "a truncated Matroska file is an error naming it" "$(cat "$T/err")" "truncated\.mkv: truncated video: the stream ends at [0-9.]+ s of the 10\.0 s declared"
like "a truncated MP4 (index first) is an error naming it" "$(cat "$T/err")" "truncated\.mp4: truncated video: the stream ends at"
like "a truncated MP4 (index last) is an error" "$(cat "$T/err")" "truncated-index\.mp4: damaged or truncated .*container"
like "damaged packets are an error" "$(cat "$T/err")" "corrupt\.mp4: corrupt video stream: [0-9]+ of [0-9]+ packets do not decode"
like "noise is not a video" "$(cat "$T/err")" "noise\.mp4: not a video container"
like "an encrypted stream says so" "$(cat "$T/err")" "encrypted\.mp4: encrypted video stream"

# 28: a path with a line break survives the list round trip (the escaped form)
cp "$C/logo.mkv" "$C/two
lines.mkv"
vigil vpdq --quiet "$C/two
lines.mkv" >"$T/esc.vpdq"
vigil vpdq --quiet --against "$T/esc.vpdq" "$C/known.mp4" >"$T/m.esc"
like "an escaped path is read back whole" "$(cat "$T/m.esc")" '^video,.*two\\nlines\.mkv,'

done_testing
