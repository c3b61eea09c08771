#!/usr/bin/env bash
# Known videos in the hash-set store (hashset import --format vpdq), on clips ffmpeg makes here from
# benign wallpapers (mate-backgrounds): vigil vpdq's output and the reference's per-video file
# import; list counts the videos; export gives vigil vpdq's lines back byte for byte; a bad line
# fails the file naming file and line and stores nothing; the import is an audit event; a scan
# through the store finds a re-encoded copy near with the match naming the set, kind and category,
# as --videos finds it; a benign set's videos are not matched; the known-video file is checked on
# open, goes with its version (replace, remove) and is copied by db backup; db check names a lost
# or damaged one and reindex rebuilds it from the imported lists; a video inside a zip, a tar or a
# disk image has the same vpdq and match fields as the file itself. Prints TAP.
. "$(dirname "$0")/lib.sh"

if ! command -v ffmpeg >/dev/null; then
  skip "known videos in the store" "no ffmpeg to make the clips" ffmpeg
  done_testing; exit
fi
W=/usr/share/backgrounds/mate
for p in nature/Garden.jpg nature/Dune.jpg; do
  [ -f "$W/$p" ] || { skip "known videos in the store" "no $W/$p to make the clips from" mate-backgrounds; done_testing; exit; }
done
E="$T/ev"
mkdir -p "$E" "$T/made"
ff() { ffmpeg -nostdin -v error -y "$@"; }
# a 10 s, 30 fps clip of a slow pan over a wallpaper (as tests/e2e/scan_video.sh makes them)
pan() { ff -loop 1 -i "$1" -vf "scale=1280:720:force_original_aspect_ratio=increase,crop=1280:720,crop=640:360:x='t*6':y='100+t*2',format=yuv420p" -r 30 -t 10 -c:v libx264 "$2"; }
pan "$W/nature/Garden.jpg" "$T/made/known.mp4"
pan "$W/nature/Dune.jpg" "$E/other.mp4"
ff -i "$T/made/known.mp4" -c:v libvpx-vp9 -b:v 200k -vf scale=426:240 "$E/copy.webm"

vigil vpdq --quiet "$T/made/known.mp4" >"$T/known.vpdq"
# the reference's per-video file of the other clip: frame,quality,hash,timestamp, named after the file
vigil vpdq --quiet "$E/other.mp4" | awk -F, '{print $1 "," $3 "," $2 "," $4}' >"$T/other-clip.txt"

# 1-5: import, list, audit
vigil hashset import --name vids --kind illegal --category A1 --format vpdq "$T/known.vpdq" "$T/other-clip.txt" \
  >"$T/imp.out" 2>&1; rc=$?
is "import --format vpdq of vigil's list and a reference file exits 0" "$rc" 0
frames=$(($(wc -l <"$T/known.vpdq") + $(wc -l <"$T/other-clip.txt")))
is "list: two videos, no digest entries" "$(vigil hashset list | awk '$1=="vids"{print $2, $3, $6}')" "illegal 0 2"
is "list --json: videos and their frames" \
  "$(vigil hashset list --json | python3 -c 'import json,sys; s=[x for x in json.load(sys.stdin) if x["name"]=="vids"][0]; print(s["videos"], s["video_frames"], s["format"])')" \
  "2 $frames vpdq"
like "the import is an audit event counting the videos" \
  "$(sqlite3 "$T/vigil.db" "SELECT action || '|' || object || '|' || detail FROM audit WHERE action LIKE 'hashset.%'")" \
  "^hashset\.import\|vids\|kind=illegal version=1 entries=0 records=$frames added=$frames .*format=vpdq videos=2 frames=$frames$"
ls "$T/vigil.db.sets/"*.seg.vpdq >/dev/null 2>&1; is "the videos lie beside the version's segment" "$?" 0

# 6-9: export round trip; a set of digests has no videos to export
vigil hashset export --name vids --format vpdq -o "$T/out.vpdq" 2>/dev/null; rc=$?
is "export --format vpdq exits 0" "$rc" 0
is "export: vigil vpdq's lines back byte for byte, then the reference file's video under its name" \
  "$(cat "$T/out.vpdq")" \
  "$(cat "$T/known.vpdq"; awk -F, '{printf "%s,%s,%s,%s,other-clip.txt\n", $1, $3, $2, $4}' "$T/other-clip.txt")"
vigil hashset import --name again --kind interest --format vpdq "$T/out.vpdq" >/dev/null 2>&1
vigil hashset export --name again --format vpdq -o "$T/again.vpdq" 2>/dev/null
is "export, import, export: the same bytes" "$(cmp "$T/out.vpdq" "$T/again.vpdq" && echo same)" "same"
printf '%s\n' 00000000000000000000000000000001 >"$T/one.md5"
vigil hashset import --name digests --kind illegal --format md5sum "$T/one.md5" >/dev/null 2>&1
out=$(vigil hashset export --name digests --format vpdq 2>&1); rc=$?
like "a set of digests has nothing to export as vpdq: refused, saying so" "$rc $out" \
  "^3 vigil: hashset export: digests: none of its 1 entry has a place in vpdq; nothing written$"
vigil hashset remove digests >/dev/null 2>&1

# 10-12: a bad line fails the file, naming file and line; nothing stored
{ head -3 "$T/known.vpdq"; echo "4,zz,100,4.000,x.mp4"; } >"$T/bad.vpdq"
out=$(vigil hashset import --name bad --kind illegal --format vpdq "$T/bad.vpdq" 2>&1); rc=$?
is "a bad line: exit status 3" "$rc" 3
like "a bad line: one error naming file and line" "$out" "bad\.vpdq:4: not a vpdq line"
is "a bad line: no set" "$(vigil hashset list | grep -c '^bad ')" "0"

# 13-19: scan through the store, as with --videos
vigil hashset remove again >/dev/null 2>&1
vigil scan --quiet --jsonl "$T/s.jsonl" "$E"; rc=$?
is "scan with the store's known videos exits 0, counts add up" "$rc $(jl "$T/s.jsonl" check)" "0 ok"
is "the summary's sets count the known videos" "$(jl "$T/s.jsonl" '[(s["name"], s["videos"]) for s in summary["sets"]]')" "[('vids', 2)]"
m="by_path['$E/copy.webm']"
is "the re-encoded copy is near, the match naming set, kind, category and the known video" \
  "$(jl "$T/s.jsonl" "($m['verdict'], $m['match']['by'], $m['match']['set'], $m['match']['category'], $m['matches'][0]['kind'], $m['matches'][0]['version'], $m['video_match']['known'])")" \
  "('near', 'vpdq', 'vids', 'A1', 'illegal', 1, '$T/made/known.mp4')"
is "the other clip is near its reference file's video" \
  "$(jl "$T/s.jsonl" "(by_path['$E/other.mp4']['verdict'], by_path['$E/other.mp4']['video_match']['known'])")" \
  "('near', 'other-clip.txt')"
vigil scan --quiet --no-isolation --jsonl "$T/n.jsonl" "$E"
fields="sorted((i['path'], json.dumps(i.get('video_match')), json.dumps(i['match']), json.dumps(i['matches']), i['verdict']) for i in items)"
is "--no-isolation: the same verdicts and match fields" "$(jl "$T/n.jsonl" "$fields")" "$(jl "$T/s.jsonl" "$fields")"
vigil scan --quiet --no-sets --videos "$T/known.vpdq" --jsonl "$T/v.jsonl" "$E"
is "the same shares and ranges as --videos finds" \
  "$(jl "$T/s.jsonl" "json.dumps($m['video_match'])")" "$(jl "$T/v.jsonl" "json.dumps($m['video_match'])")"
vigil hashset import --replace --change-kind --name vids --kind benign --format vpdq "$T/known.vpdq" >/dev/null 2>&1
vigil scan --quiet --jsonl "$T/b.jsonl" "$E"
is "a benign set's videos make nothing near" "$(jl "$T/b.jsonl" "($m['verdict'], 'video_match' in $m)")" "('unknown', False)"

# 20-22: the file goes with its version: one after a replacement, copied by db backup, gone with the set
vigil hashset import --replace --change-kind --name vids --kind illegal --format vpdq "$T/known.vpdq" >/dev/null 2>&1
is "after two replacements: one known-video file, the current version's" "$(ls "$T/vigil.db.sets/" | grep -c '\.seg\.vpdq$')" "1"
vigil db backup "$T/copy.db" >/dev/null 2>&1
VIGIL_DB="$T/copy.db" vigil hashset export --name vids --format vpdq -o "$T/copy.vpdq" 2>/dev/null
is "db backup carries the known videos" "$(cmp "$T/known.vpdq" "$T/copy.vpdq" && echo same)" "same"
vigil hashset import --name gone --kind interest --format vpdq "$T/other-clip.txt" >/dev/null 2>&1
vigil hashset remove gone >/dev/null 2>&1
is "a removed set's known-video file is removed" "$(ls "$T/vigil.db.sets/" | grep -c '\.seg\.vpdq$')" "1"

# 23-25: the known-video file is checked on open, and must be there
f=$(ls "$T/vigil.db.sets/"*.seg.vpdq)
python3 -c 'import sys; p=sys.argv[1]; d=bytearray(open(p,"rb").read()); d[200]^=1; open(p,"wb").write(d)' "$f"
out=$(vigil scan --quiet --jsonl "$T/c.jsonl" "$E" 2>&1); rc=$?
is "a damaged known-video file: the scan refuses (exit 4)" "$rc" 4
like "naming the file and why" "$out" "\.seg\.vpdq: the body's checksum does not match"
rm -f "$f"
out=$(vigil scan --quiet --jsonl "$T/c.jsonl" "$E" 2>&1); rc=$?
like "a missing known-video file: the scan refuses, naming it and the set" "$rc $out" \
  "^4 vigil: scan: .*\.seg\.vpdq: the known videos of set 'vids' are missing"

# 26-36: db check names a lost or damaged known-video file; reindex rebuilds it from the lists the
# set was imported from (refusing when a list changed or is gone), and the match comes back
out=$(vigil db check 2>&1); rc=$?
like "db check: a missing known-video file is a problem naming it, the set and the repair" "$rc $(grep vids <<<"$out")" \
  "^1 hash set vids: .*\.seg\.vpdq: the known videos of set 'vids' are missing; repair: vigil hashset reindex"
out=$(vigil hashset reindex 2>&1); rc=$?
like "reindex rebuilds the missing file, saying so (exit 0)" "$rc $out" \
  "^0 vigil: note: .*\.seg\.vpdq: the known videos of set 'vids' are missing; rebuilding set 'vids' from the lists"
vigil scan --quiet --jsonl "$T/r.jsonl" "$E"; rc=$?
is "after reindex: the copy is near the known video again" \
  "$rc $(jl "$T/r.jsonl" "($m['verdict'], $m['match']['set'], $m['video_match']['known'])")" "0 ('near', 'vids', '$T/made/known.mp4')"
vigil hashset export --name vids --format vpdq -o "$T/re.vpdq" 2>/dev/null
is "the rebuilt file gives the imported list back" "$(cmp "$T/known.vpdq" "$T/re.vpdq" && echo same)" "same"
versions() { vigil hashset list --json | python3 -c 'import json,sys; print(len([x for x in json.load(sys.stdin) if x["name"]=="vids"][0]["versions"]))'; }
before=$(versions)
out=$(vigil hashset reindex 2>&1); rc=$?
is "reindex of a sound store: silent, no new version" "$rc|$out|$(versions)" "0||$before"
f=$(ls "$T/vigil.db.sets/"*.seg.vpdq)
python3 -c 'import sys; p=sys.argv[1]; d=bytearray(open(p,"rb").read()); d[-1]^=1; open(p,"wb").write(d)' "$f"
out=$(vigil db check 2>&1); rc=$?
like "db check: a damaged known-video file is a problem saying why" "$rc $(grep vids <<<"$out")" "^1 hash set vids: .*\.seg\.vpdq: the body's checksum does not match"
cp "$T/known.vpdq" "$T/known.keep"
sed -i '2d' "$T/known.vpdq"
out=$(vigil hashset reindex 2>&1); rc=$?
like "reindex from a list that changed since its import: refused (4), saying so" "$rc $(tail -1 <<<"$out")" \
  "^4 .*set 'vids': its segment must be rebuilt but the source $T/known\.vpdq changed since it was imported"
rm "$T/known.vpdq"
out=$(vigil hashset reindex 2>&1); rc=$?
like "reindex without the list: refused (4), naming it" "$rc $(tail -1 <<<"$out")" "^4 .*set 'vids': .*source $T/known\.vpdq is gone"
mv "$T/known.keep" "$T/known.vpdq"
out=$(vigil hashset reindex 2>&1); rc=$?
like "reindex rebuilds the damaged file once the list is back" "$rc $out" "^0 vigil: note: .*\.seg\.vpdq: the body's checksum does not match"
out=$(vigil db check 2>&1); rc=$?
is "db check after the rebuild: sound" "$rc" 0
vigil scan --quiet --jsonl "$T/r2.jsonl" "$E"
is "and the copy is near again" "$(jl "$T/r2.jsonl" "$m['verdict']")" "near"

# 37-42: a video inside a zip, a tar and an ext4 image is hashed through the store as the file
# itself is: the re-encoded copy is near the known video, with the same vpdq and match fields
PATH=$PATH:/usr/sbin:/sbin
M="$T/members"
mkdir -p "$M" "$T/tree/clips"
cp "$E/copy.webm" "$M/copy.webm"
cp "$E/copy.webm" "$T/tree/clips/copy.webm"
python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z: z.write(sys.argv[2], "clips/copy.webm")' \
  "$M/clips.zip" "$E/copy.webm"
tar -C "$T/tree" -cf "$M/clips.tar" clips/copy.webm
vigil scan --quiet --jsonl "$T/m.jsonl" "$M"; rc=$?
is "scan of the archives exits 0, counts add up" "$rc $(jl "$T/m.jsonl" check)" "0 ok"
member() { jl "$T/m.jsonl" "[(i['verdict'], json.dumps(i.get('vpdq')), json.dumps(i.get('video_match')), json.dumps(i['match']), json.dumps(i['matches'])) for i in items if i['path'] == '$1' and i.get('containers') == $2]"; }
plain=$(jl "$T/m.jsonl" "[(i['verdict'], json.dumps(i.get('vpdq')), json.dumps(i.get('video_match')), json.dumps(i['match']), json.dumps(i['matches'])) for i in items if i['path'] == '$M/copy.webm']")
like "the file itself is near the known video" "$plain" "^\[\('near', '\{\"frames\": 10, .*\"set\": \"vids\""
is "the zip's member: the same verdict, vpdq, video_match and match fields" "$(member clips/copy.webm "['$M/clips.zip']")" "$plain"
is "the tar's member: the same" "$(member clips/copy.webm "['$M/clips.tar']")" "$plain"
vigil scan --quiet --no-isolation --jsonl "$T/mn.jsonl" "$M"
fields="sorted((json.dumps(i.get('containers')), i['path'], json.dumps(i.get('vpdq')), json.dumps(i.get('video_match')), i['verdict']) for i in items)"
is "--no-isolation: the same members' fields" "$(jl "$T/mn.jsonl" "$fields")" "$(jl "$T/m.jsonl" "$fields")"
if command -v mke2fs >/dev/null; then
  mke2fs -q -t ext4 -d "$T/tree" "$M/disk.img" 16M >/dev/null
  vigil scan --quiet --jsonl "$T/d.jsonl" "$M/disk.img" "$M/copy.webm"; rc=$?
  plain=$(jl "$T/d.jsonl" "[(i['verdict'], json.dumps(i.get('vpdq')), json.dumps(i.get('video_match')), json.dumps(i['match']), json.dumps(i['matches'])) for i in items if i['path'] == '$M/copy.webm']")
  is "a file inside an ext4 image: the same fields as the file itself" \
    "$rc $(jl "$T/d.jsonl" "[(i['verdict'], json.dumps(i.get('vpdq')), json.dumps(i.get('video_match')), json.dumps(i['match']), json.dumps(i['matches'])) for i in items if i['path'].endswith('clips/copy.webm') and i.get('containers')]")" \
    "0 $plain"
else
  skip "a video inside a disk image" "no mke2fs to make the image" e2fsprogs
fi

done_testing
