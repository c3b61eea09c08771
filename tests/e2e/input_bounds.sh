#!/usr/bin/env bash
# Input that is not a list, or a line without end: each reader fails the file quickly with one
# line naming file and line, and its memory stays bounded. A 1 GiB sparse file of NUL bytes and
# a 320 MiB file of one line go through every text reader (hash-set formats and case import);
# /dev/zero, a device that never ends, is refused at once.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
unset VIGIL_SETS VIGIL_USER
truncate -s 1G zeros.bin   # sparse: no disk
open_registry   # the new registry's own first line (its admin) is not what is tested
# the big text files are made one at a time and removed after use, to keep the disk used small
line320() { head -c 320M /dev/zero | tr '\0' a; }
LIMIT_KB=$((200 * 1024))
have_time=0; [ -x /usr/bin/time ] && have_time=1
# bounded DESC PATTERN CMD...: exit 3 within 20 s, a message matching PATTERN, and (with
# /usr/bin/time) a peak resident size under LIMIT_KB
bounded() {
  local d=$1 pat=$2 rc out rss; shift 2
  [ "$1" = vigil ] && { shift; set -- "$VIGIL" "$@"; }
  if [ $have_time = 1 ]; then
    timeout 20 /usr/bin/time -o "$T/time" -f '%M' "$@" >"$T/out" 2>"$T/err"; rc=$?
  else
    timeout 20 "$@" >"$T/out" 2>"$T/err"; rc=$?
  fi
  out=$(grep -v '^Command exited' "$T/err" | head -1)
  is "$d: exit 3" "$rc" "3"
  like "$d: says why" "$out" "$pat"
  if [ $have_time = 1 ]; then
    rss=$(tail -1 "$T/time")
    if [ "${rss:-999999999}" -lt $LIMIT_KB ] 2>/dev/null; then ok "$d: memory bounded (${rss} KiB)"
    else not_ok "$d: memory bounded" "peak ${rss:-?} KiB, limit $LIMIT_KB KiB"; fi
  else
    skip "$d: memory bounded" "/usr/bin/time not installed" time
  fi
}
bounded "case import /dev/zero" '^vigil: /dev/zero:1: binary data \(NUL byte\)' vigil case import /dev/zero
bounded "case import of NUL bytes" 'zeros.bin:1: binary data' vigil case import zeros.bin
{ printf 'record,ref,date,unit,value,note\n'; line320; } >oneline.csv
bounded "case import, a line of 320 MiB" 'oneline.csv:2: line longer than 1 MiB' vigil case import oneline.csv
rm -f oneline.csv
bounded "hashset import /dev/zero" '/dev/zero: not a regular file' vigil hashset import --name z --kind benign /dev/zero
bounded "hashset import of NUL bytes (auto)" 'zeros.bin: unknown hash-set format' \
  vigil hashset import --name z --kind benign zeros.bin
line320 >oneline.txt
for fmt in md5sum hashdeep pdq nsrl-rds2 hashkeeper icse photodna; do
  bounded "hashset import --format $fmt of NUL bytes" 'zeros.bin:(line )?1: binary data \(NUL byte\)' \
    vigil hashset import --name z --kind benign --format "$fmt" zeros.bin
  bounded "hashset import --format $fmt, a line of 320 MiB" 'oneline.txt:(line )?1: line longer than 1 MiB' \
    vigil hashset import --name z --kind benign --format "$fmt" oneline.txt
done
rm -f oneline.txt
# the NSRL RDSv3 CSV export and delta script, and VICS JSON: their headers, then no end
{ printf 'sha256,sha1,md5,crc32,file_name,file_size,package_id\n'; line320; } >nsrl.csv
bounded "nsrl-rdsv3 CSV, a line of 320 MiB" 'nsrl.csv:line 2: line longer than 1 MiB' \
  vigil hashset import --name z --kind benign --format nsrl-rdsv3 nsrl.csv
rm -f nsrl.csv
{ head -2 "$TESTDATA/hashsets/nsrl-rdsv3/minimal-delta.sql"; head -c 64M /dev/zero; } >delta.sql
bounded "nsrl-rdsv3 delta of NUL bytes" 'delta.sql:line 3: binary data' \
  vigil hashset import --name z --kind benign --format nsrl-rdsv3 \
  --base "$TESTDATA/hashsets/nsrl-rdsv3/minimal.db" delta.sql
{ printf '{"odata.metadata":"http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Cases","value":[{"MediaID":1,"MD5":"'
  line320; printf '"}]}'; } >big.json
bounded "vics, a string of 320 MiB" 'big.json:near byte [0-9]+: a JSON value or run of blanks longer than 1 MiB' \
  vigil hashset import --name z --kind benign --format vics big.json
is "nothing was imported" "$(vigil hashset list 2>/dev/null | grep -c '^z ')" "0"
done_testing
