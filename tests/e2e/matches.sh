#!/usr/bin/env bash
# Every match shown and disputes honoured everywhere: a file listed in two sets shows both
# matches (winner first, the listed record named, sets that disagree flagged), in JSONL and CSV;
# a near match names the record it resembles; a dispute of a record's MD5 takes the record out of
# PDQ matching too and the item says which dispute applied; disputes of a digest in no set or of
# a record already disputed are refused; undispute names what it lifts. Benign synthetic pictures.
. "$(dirname "$0")/lib.sh"
E=$T/evidence L=$T/lists
mkdir -p "$E" "$L"
convert -seed 7 -size 96x96 plasma:red-blue "$L/bars.png"
convert -seed 11 -size 96x96 plasma:green-yellow "$L/disc.png"
cp "$L/bars.png" "$E/bars.png"
cp "$L/disc.png" "$E/disc-copy.png"
convert "$L/bars.png" -rotate 90 "$E/bars-turned.png"   # other bytes, the same picture turned
(cd "$L" && vigil hash --pdq --relative bars.png >"$L/alpha.hashdeep" 2>/dev/null)
md5sum "$L/bars.png" >"$L/beta.md5"
(cd "$L" && vigil hash --pdq --relative disc.png >"$L/pics.hashdeep" 2>/dev/null)
vigil hashset import --name alpha --kind illegal --category A "$L/alpha.hashdeep" >/dev/null 2>&1
vigil hashset import --name beta --kind illegal --category B "$L/beta.md5" >/dev/null
vigil hashset import --name pics --kind illegal --category C "$L/pics.hashdeep" >/dev/null
bars_md5=$(md5sum "$L/bars.png" | cut -d' ' -f1)
disc_md5=$(md5sum "$L/disc.png" | cut -d' ' -f1)
disc_sha256=$(sha256sum "$L/disc.png" | cut -d' ' -f1)
scan() { vigil scan --quiet --jsonl "$T/s.jsonl" --csv "$T/s.csv" "$E" >/dev/null; }
item() { jl "$T/s.jsonl" "(lambda i: $2)([x for x in items if x['path'].endswith('/$1')][0])"; }

scan
is "in two sets: the winner stays the first imported" "$(item bars.png "i['match']['set']")" "alpha"
is "... and every match is listed, winner first" \
  "$(item bars.png "[(m['set'], m['kind'], m['category'], m['by']) for m in i['matches']]")" \
  "[('alpha', 'illegal', 'A', 'sha256'), ('beta', 'illegal', 'B', 'md5')]"
is "... the sets disagree on the category: both flagged, the verdict unchanged" \
  "$(item bars.png "(i['verdict'], [m['flags'] for m in i['matches']], i['match']['flags'])")" \
  "('illegal', [['sets-disagree'], ['sets-disagree']], ['sets-disagree'])"
is "... each names its listed record: source file, record number, digests" \
  "$(item bars.png "[(m['record']['source'].split('/')[-1], m['record']['line'], m['record']['md5'] == '$bars_md5', m['record']['pdq'] is not None) for m in i['matches']]")" \
  "[('alpha.hashdeep', 1, True, True), ('beta.md5', 1, True, False)]"
is "... with the set version" "$(item bars.png "[m['version'] for m in i['matches']]")" "[1, 1]"
is "a near match names the record it resembles and the orientation" \
  "$(item bars-turned.png "(i['verdict'], i['matches'][0]['set'], i['matches'][0]['record']['source'].split('/')[-1], i['matches'][0]['record']['md5'] == '$bars_md5', i['matches'][0]['orientation'] == i['match']['dihedral'], i['matches'][0]['orientation'] != 'original')")" \
  "('near', 'alpha', 'alpha.hashdeep', True, True, True)"
is "an unlisted or plain item carries no matches or disputes" \
  "$(jl "$T/s.jsonl" "[('matches' in i, 'disputes' in i) for i in items if i['verdict'] == 'unknown']")" "[]"
csv_row() { python3 -c "import csv,sys; r=[x for x in csv.DictReader(open('$T/s.csv', newline='')) if x['path'].endswith('/$1')][0]; print(*(r[k] for k in sys.argv[1:]))" "${@:2}"; }
is "CSV: the winner's record, flags and every match" "$(csv_row bars.png match_source match_line match_flags matches | sed "s|$L/||")" \
  "alpha.hashdeep 1 sets-disagree alpha:A;beta:B"
is "CSV: a near match's orientation and record" \
  "$(csv_row bars-turned.png verdict match_distance match_source | sed "s|$L/||")" "near $(item bars-turned.png "i['match']['distance']") alpha.hashdeep"

# A dispute of the record's MD5 takes it out by its SHA-256 and its PDQ as well.
is "before: the copy of the listed disc matches by its digest" "$(item disc-copy.png "i['verdict']")" "illegal"
check "dispute the disc's MD5" vigil hashset dispute "$disc_md5" --reason "a test card, wrongly listed"
scan
is "after: no exact match, and no near match at distance 0 through its own PDQ" \
  "$(item disc-copy.png "(i['verdict'], i['match'])")" "('unknown', None)"
is "... and the item says which dispute applied, why, by whom, when" \
  "$(item disc-copy.png "[(d['digest'], d['set'], d['record_set'], d['reason'], d['by'] is not None, d['at'][:2]) for d in i['disputes']]")" \
  "[('$disc_md5', None, 'pics', 'a test card, wrongly listed', True, '20')]"
out=$(vigil hashset dispute "$disc_sha256" --reason "again" 2>&1); rc=$?
is "a second dispute of the same record (by another digest): refused (3)" "$rc" "3"
like "... one line naming the dispute already active" "$out" "^vigil: hashset dispute: .*already disputed \($disc_md5 in every set, by .*: a test card, wrongly listed\)$"
is "... one line" "$(printf '%s\n' "$out" | wc -l)" "1"
out=$(vigil hashset dispute 00112233445566778899aabbccddeeff --reason "never listed" 2>&1); rc=$?
is "a dispute of a digest in no set: refused (3)" "$rc" "3"
like "... one line naming the store and the digest" "$out" "^vigil: hashset dispute: $VIGIL_DB: 00112233445566778899aabbccddeeff is in no hash set$"
out=$(vigil hashset dispute "$disc_md5" --set beta --reason "not in beta" 2>&1); rc=$?
is "a dispute for a set that does not list the digest: refused (3)" "$rc" "3"
out=$(vigil hashset undispute "$disc_md5" 2>&1); rc=$?
is "undispute: ok" "$rc" "0"
like "... its one line names the dispute it lifts: digest, set, reason, who" "$out" \
  "^hashset undispute: lifted the dispute of $disc_md5 in every set \(a test card, wrongly listed, by [^)]+\)$"
scan
is "lifted: the disc matches again" "$(item disc-copy.png "(i['verdict'], 'disputes' in i)")" "('illegal', False)"

done_testing
