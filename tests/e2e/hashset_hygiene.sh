#!/usr/bin/env bash
# List hygiene and disputes: a trivially common file or a digest also listed as benign never
# makes an illegal verdict alone (interest, with flags); hashset check reports them and weak PDQ
# entries; a dispute takes an entry out of matching, is kept with who and why, exported, and
# undone; export writes a set back out as a list that imports to the same entries.
. "$(dirname "$0")/lib.sh"
F=$TESTDATA/hashsets/files
S=$T/seized
mkdir -p "$S"
cp "$F/hello.txt" "$F/lorem.txt" "$S/"
# the 1x1 transparent GIF of web pages (benign, and in every cache)
printf 'GIF89a\001\000\001\000\200\000\000\000\000\000\377\377\377!\371\004\001\000\000\000\000,\000\000\000\000\001\000\001\000\000\002\002D\001\000;' >"$S/pixel.gif"
sha256sum "$S/hello.txt" "$S/lorem.txt" "$S/pixel.gif" >"$T/illegal.sha256"
sha256sum "$S/lorem.txt" >"$T/benign.sha256"
vigil hashset import --name vics --kind illegal --category A "$T/illegal.sha256" >/dev/null
vigil hashset import --name nsrl --kind benign "$T/benign.sha256" >/dev/null
hello=$(sha256sum "$S/hello.txt" | cut -d' ' -f1)
pixel=$(sha256sum "$S/pixel.gif" | cut -d' ' -f1)
lorem=$(sha256sum "$S/lorem.txt" | cut -d' ' -f1)
scan() { vigil scan --quiet --jsonl "$T/s.jsonl" "$S" >/dev/null; }
v() { jl "$T/s.jsonl" "[(i['verdict'], (i['match'] or {}).get('flags')) for i in items if i['path'].endswith('/$1')][0]"; }

scan
is "plainly listed: illegal, no flags" "$(v hello.txt)" "('illegal', None)"
is "the 1x1 GIF in an illegal set: interest, flagged common-file" "$(v pixel.gif)" "('interest', ['common-file'])"
is "also in a benign set: interest, flagged also-benign" "$(v lorem.txt)" "('interest', ['also-benign'])"
is "summary: flagged items are not counted illegal" "$(jl "$T/s.jsonl" "(summary['illegal'], summary['interest'])")" "(1, 2)"

j=$(vigil hashset check --json)
is "check: the common file and the benign overlap, by digest" \
  "$(printf '%s' "$j" | python3 -c "import json,sys; print(sorted((p['problem'], p['digest']) for p in json.load(sys.stdin)))")" \
  "$(python3 -c "print(sorted([('also-benign', '$lorem'), ('common-file', '$pixel')]))")"
printf '%s,30\n%s,100\n0000000000000000000000000000000000000000000000000000000000000000,0\n' \
  "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$T/weak.pdq"
vigil hashset import --name pdqs --kind illegal --format pdq "$T/weak.pdq" >/dev/null
md5sum "$S/pixel.gif" "$S/pixel.gif" >"$T/twice.md5"
vigil hashset import --name twice --kind interest "$T/twice.md5" >/dev/null
out=$(vigil hashset check 2>&1)
like "check: a PDQ entry of quality 30 is reported" "$out" "pdq-low-quality +pdqs .*PDQ quality 30"
like "check: repeated records merged at import are reported per set" "$out" "duplicates +twice .*1 repeated records merged"
like "check: a closing count" "$out" "hashset check: 4 problems"

# Disputes
out=$(vigil hashset dispute "$hello" 2>&1); rc=$?
is "dispute without a reason: usage error" "$rc" "2"
out=$(vigil hashset dispute "$hello" --reason "r" --set nosuch 2>&1); rc=$?
is "dispute for an unknown set: refused (3)" "$rc" "3"
# disputes are for admins and national officers (the hash-set policy; see hashset_policy.sh)
vigil unit add NAT --name "National unit" --type national >/dev/null
vigil user add nat-1 --unit NAT --role officer >/dev/null
check "dispute hello's SHA-256 in every set" vigil hashset dispute "$hello" --as nat-1 --reason "a greeting, wrongly listed"
scan
is "a disputed entry no longer matches" "$(v hello.txt)" "('unknown', None)"
like "disputes lists it with who, when and why" "$(vigil hashset disputes)" "$hello +\* +yes +20[0-9-]+T[^ ]* +nat-1 +a greeting, wrongly listed"
vigil hashset disputes --export "$T/disputes.csv"
is "disputes --export writes CSV for the list's owner" \
  "$(python3 -c "import csv; r=list(csv.DictReader(open('$T/disputes.csv'))); print(len(r), r[0]['digest'] == '$hello', r[0]['reason'], r[0]['active'])")" \
  "1 True a greeting, wrongly listed yes"
check "undispute" vigil hashset undispute "$hello"
scan
is "after undispute it matches again" "$(v hello.txt)" "('illegal', None)"
out=$(vigil hashset undispute "$hello" 2>&1); rc=$?
is "undispute with nothing active: not found (3)" "$rc" "3"
check "a dispute for one set only" vigil hashset dispute "$lorem" --reason "benign after all" --set nsrl
scan
is "... takes only that set's entry out: lorem is plainly illegal now" "$(v lorem.txt)" "('illegal', None)"

# Export: a hashdeep list that imports back to the same entries.
vigil hashset import --name hd --kind benign "$TESTDATA/hashsets/hashdeep/known-md5-sha1-sha256.hashdeep" >/dev/null
out=$(vigil hashset export --name hd --format hashdeep -o "$T/hd.out" 2>&1)
like "export: counts written" "$out" "hd: 6 entries written, 0 with no place in hashdeep"
out=$(vigil hashset import --name hd2 --kind benign "$T/hd.out")
like "export: the list imports back to the same 6 entries" "$out" "hd2: 6 records read = 6 added"
is "export: same digests" "$(grep -v '^[%#]' "$T/hd.out" | cut -d, -f1-4 | sort | md5sum)" \
  "$(grep -v '^[%#]' "$TESTDATA/hashsets/hashdeep/known-md5-sha1-sha256.hashdeep" | cut -d, -f1-4 | sort -u | grep -v ',d41d8cd98f00b204e9800998ecf8427e,' | md5sum)"
out=$(vigil hashset export --name nosuch --format hashdeep 2>&1); rc=$?
is "export of an unknown set: not found (3)" "$rc" "3"
# An output that cannot be written: exit 4 and one line, as in hash and scan.
out=$(vigil hashset export --name hd --format hashdeep -o /dev/full 2>&1); rc=$?
is "export to a full device (-o): exit 4" "$rc" "4"
is "... one line naming the output" "$out" "vigil: hashset export: /dev/full: cannot write the output: No space left on device"
out=$(vigil hashset export --name hd --format hashdeep 2>&1 >/dev/full); rc=$?
is "export to a full device (stdout): exit 4" "$rc" "4"
is "... one line" "$out" "vigil: hashset export: stdout: cannot write the output: No space left on device"

# An MD5-only record and an MD5+SHA-256 record of one file, in two files of one import: linked by
# the MD5, counted as a merged record in the file that brought it; each file's line reconciles.
export VIGIL_DB="$T/linked.db"
md5sum "$F/gradient-16x16.png" >"$T/g.md5"
printf '%%%%%%%% HASHDEEP-1.0\n%%%%%%%% size,md5,sha256,filename\n463,%s,%s,gradient-16x16.png\n' \
  "$(md5sum "$F/gradient-16x16.png" | cut -d' ' -f1)" "$(sha256sum "$F/gradient-16x16.png" | cut -d' ' -f1)" >"$T/g.hashdeep"
out=$(vigil hashset import --name linked --kind illegal --category A "$T/g.md5" "$T/g.hashdeep")
like "two files, one file listed in both by its MD5: one entry added, one record merged" "$out" \
  "linked: 2 records read = 1 added \+ 1 duplicate \+ 0 empty-file digests skipped \+ 0 rejected \+ 0 retracted; 0 conflicts"
reconciled() { python3 -c 'import re, sys
m = [re.search(r": (\d+) records? read = (\d+) added \+ (\d+) duplicates? \+ (\d+) empty-file digests? skipped \+ (\d+) rejected \+ (\d+) retracted", l) for l in sys.stdin]
ok = [int(x[1]) == sum(map(int, x.groups()[1:])) for x in m if x]
print(len(ok), all(ok))'; }
is "... and each file's own line reconciles" "$(printf '%s\n' "$out" | reconciled)" "3 True"
like "check: the set's merged records, no conflict (same category)" "$(vigil hashset check 2>&1)" \
  "duplicates +linked .*1 repeated records merged into or linked to existing entries at import, 0 with a different category"

# One file listed twice with different categories and different sets of digests (the VICS US
# sample: MD5+SHA-1+SHA-256 as category 1, MD5+SHA-1 as category 2): the two entries are linked
# by their shared digests, a counted conflict; the match gives the most serious category,
# flagged, so the verdict is interest.
export VIGIL_DB="$T/vics-us.db"
out=$(vigil hashset import --name vicsus --kind illegal "$TESTDATA/hashsets/vics/vics-2.0-us-cases.json")
is "VICS sample: the repeated MD5 is a merged record and 1 conflict" "$out" \
  "vicsus: 4 records read = 3 added + 1 duplicate + 0 empty-file digests skipped + 0 rejected + 0 retracted; 1 conflict"
j=$(vigil hashset check --json)
is "check: the shared MD5 listed as a conflict, the most serious category kept" \
  "$(printf '%s' "$j" | python3 -c "import json,sys; print([(p['digest'], p['detail']) for p in json.load(sys.stdin) if p['problem'] == 'conflict'])")" \
  "[('67b8e86b97f6e456f919987397bc7ab8', \"shares its MD5, SHA-1 with 1 entry of another category; kept '1'\")]"
mkdir -p "$T/gradient"
cp "$F/gradient-16x16.png" "$T/gradient/"
vigil scan --quiet --jsonl "$T/g.jsonl" "$T/gradient" >/dev/null
is "scan of that file: category 1 (the most serious), flagged conflict, verdict interest" \
  "$(jl "$T/g.jsonl" "[(i['verdict'], i['match']['category'], i['match']['flags']) for i in items][0]")" \
  "('interest', '1', ['conflict'])"

done_testing
