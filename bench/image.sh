#!/usr/bin/env bash
# bench/image.sh [BUILD]: vigil scan of a generated ext4 disk image (raw and E01) against
#  - the floor: reading the image file itself (cat from page cache; ewfexport to stdout for E01),
#  - the peer pipeline: tsk_recover -e IMAGE DIR && hashdeep -r -c md5,sha1,sha256 DIR,
#  - the hashing ceiling: MD5 + SHA-1 + SHA-256 of every byte (openssl speed), per core and for 2.
# Then the same disk as virtual disks (qcow2, VMDK, VHD, VHDX, made from the raw image with
# qemu-img): vigil scan of each against the raw image in the same run, as a ratio.
# IMAGE_SIZE (default 4G) sets the image; its files are the make_file_corpus.sh corpus (what fits)
# and a make_image_corpus.sh picture set. Cached in $VIGIL_BENCH_DIR/image. Figures, not pass/fail.
# IMAGE_PARTS=vdisk runs only the virtual disk comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
BUILD=${1:-build}
VIGIL=$PWD/$BUILD/vigil
SIZE=${IMAGE_SIZE:-4G}
D=$BENCH_DIR/image
IMG=$D/ext4-$SIZE.img
E01=$D/ext4-$SIZE
JOBS=${JOBS:-2}
PARTS=${IMAGE_PARTS:-all}
need_tools mke2fs ewfacquire ewfexport tsk_recover hashdeep openssl python3 qemu-img
[ -x "$VIGIL" ] || die "$VIGIL not built (make)"
mkdir -p "$D"

bytes_of() { numfmt --from=iec "$1"; }
size_b=$(bytes_of "$SIZE")

if [ ! -f "$IMG.done" ]; then
  ensure_corpus
  if [ ! -f "$D/pictures.done" ]; then
    bash "$CORPUS_SCRIPTS/make_image_corpus.sh" --jpeg 400 --png 80 --force "$D/pictures" >"$D/pictures.log"
    mv "$D/pictures.log" "$D/pictures.done"
  fi
  # The tree: pictures, then corpus folders until about 70% of the image is used.
  rm -rf "$D/tree" && mkdir -p "$D/tree"
  cp -al "$D/pictures" "$D/tree/pictures" 2>/dev/null || cp -a "$D/pictures" "$D/tree/pictures"
  budget=$((size_b * 7 / 10 - $(du -sb "$D/tree" | cut -f1)))
  mkdir -p "$D/tree/corpus"
  for f in $(cd "$CORPUS" && find . -mindepth 1 -maxdepth 1 | LC_ALL=C sort); do
    s=$(du -sb "$CORPUS/$f" | cut -f1)
    [ "$s" -le "$budget" ] || continue
    cp -al "$CORPUS/$f" "$D/tree/corpus/" 2>/dev/null || cp -a "$CORPUS/$f" "$D/tree/corpus/"
    budget=$((budget - s))
  done
  rm -f "$IMG" && mke2fs -q -t ext4 -d "$D/tree" "$IMG" "$SIZE"
  rm -rf "$D/tree"
  rm -f "$E01".E?? && ewfacquire -u -q -t "$E01" -c none -S 2G "$IMG" >/dev/null 2>&1
  echo "made $(date -u +%FT%TZ)" >"$IMG.done"
fi

files=$(fls -r -p "$IMG" | grep -c '^r/r [0-9]')
used=$(python3 -c "import sys; print(sum(int(l.split()[0]) for l in sys.stdin))" < <(find "$IMG" -printf '%s\n'))
echo "bench image: $(uname -n), $(nproc) CPUs, $(date -u +%FT%TZ); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "image: $IMG ($SIZE, ext4, $files regular files); E01: $E01.E01 (no compression)"
MB=$((size_b / 1000000))

# Run a command 3 times (after one warm-up), keep the best wall time; print MB/s of the image.
best_of() { # label cmd...
  local label=$1 best= t rss u sy
  shift
  "$@" >/dev/null 2>&1 || true
  for r in $(seq 1 "$REPEAT"); do
    /usr/bin/time -f '%e %M %U %S' -o "$D/time" "$@" >/dev/null 2>"$D/stderr" || { echo "$label: failed: $(tail -n 2 "$D/stderr")"; return; }
    read -r t rss u sy <"$D/time"
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $t < $best else 1)"; then best=$t; best_rss=$rss; best_cpu=$(python3 -c "print($u + $sy)"); fi
  done
  printf '%-36s %8.2f s %8.1f MB/s  CPU %7.2f s  peak RSS %6d KiB\n' "$label" "$best" "$(python3 -c "print($MB / max($best, 0.001))")" "$best_cpu" "$best_rss"
  eval "T_${label//[^a-zA-Z0-9]/_}=$best"
  eval "C_${label//[^a-zA-Z0-9]/_}=$best_cpu"
}

PEER='rm -rf "$1.recovered" && tsk_recover -e "$2" "$1.recovered" >/dev/null && hashdeep -r -c md5,sha1,sha256 "$1.recovered"'

if [ "$PARTS" != vdisk ]; then
warm_cache "$IMG" "$E01".E*
best_of "floor_raw cat" cat "$IMG"
best_of "floor_e01 ewfexport" ewfexport -u -q -t - "$E01.E01"
best_of "vigil_raw scan" "$VIGIL" scan --no-sets --quiet --jobs "$JOBS" --jsonl /dev/null "$IMG"
best_of "vigil_raw scan_no_mime" "$VIGIL" scan --no-sets --quiet --no-mime --jobs "$JOBS" --jsonl /dev/null "$IMG"
best_of "vigil_raw scan_hash_only" "$VIGIL" scan --no-sets --quiet --no-mime --no-pdq --jobs "$JOBS" --jsonl /dev/null "$IMG"
best_of "vigil_e01 scan" "$VIGIL" scan --no-sets --quiet --jobs "$JOBS" --jsonl /dev/null "$E01.E01"
best_of "vigil_e01 scan_no_mime" "$VIGIL" scan --no-sets --quiet --no-mime --jobs "$JOBS" --jsonl /dev/null "$E01.E01"
best_of "vigil_e01 scan_hash_only" "$VIGIL" scan --no-sets --quiet --no-mime --no-pdq --jobs "$JOBS" --jsonl /dev/null "$E01.E01"
REPEAT=1 best_of "peer_raw tsk_recover+hashdeep" bash -c "$PEER" peer "$D/peer" "$IMG"
REPEAT=1 best_of "peer_e01 tsk_recover+hashdeep" bash -c "$PEER" peer "$D/peer" "$E01.E01"
rm -rf "$D/peer.recovered"
"$VIGIL" scan --no-sets --quiet --no-mime --jobs "$JOBS" --jsonl "$D/scan.jsonl" "$IMG"
echo "data: $(tail -n 1 "$D/scan.jsonl")"
echo "(MB/s above are image bytes per second; the files hold the 'bytes' of the summary line)"

ceiling=$(openssl speed -seconds 2 -bytes 1048576 md5 sha1 sha256 2>/dev/null | python3 -c "
import sys
v = {}
for l in sys.stdin:
    p = l.split()
    if p and p[0] in ('md5', 'sha1', 'sha256') and len(p) >= 2:
        v[p[0]] = float(p[-1].rstrip('k')) * 1000 / 1e6
t = sum(1 / v[k] for k in v)
print('%.0f' % (1 / t))")
echo "ceiling: MD5+SHA-1+SHA-256 of every byte, one core: $ceiling MB/s; two cores: $((ceiling * 2)) MB/s"
python3 - "$T_floor_raw_cat" "$T_peer_raw_tsk_recover_hashdeep" "$T_vigil_raw_scan" "$T_vigil_raw_scan_no_mime" \
  "$T_vigil_raw_scan_hash_only" "$T_floor_e01_ewfexport" "$T_peer_e01_tsk_recover_hashdeep" "$T_vigil_e01_scan" \
  "$T_vigil_e01_scan_no_mime" "$T_vigil_e01_scan_hash_only" \
  "$C_floor_raw_cat" "$C_peer_raw_tsk_recover_hashdeep" "$C_vigil_raw_scan" "$C_vigil_raw_scan_no_mime" \
  "$C_vigil_raw_scan_hash_only" "$C_floor_e01_ewfexport" "$C_peer_e01_tsk_recover_hashdeep" "$C_vigil_e01_scan" \
  "$C_vigil_e01_scan_no_mime" "$C_vigil_e01_scan_hash_only" <<'EOF2'
import sys
t = list(map(float, sys.argv[1:]))
wall, cpu = t[:10], t[10:]
for what, v in (("wall time", wall), ("CPU time (user+sys; less sensitive to a busy machine)", cpu)):
    print(f"-- ratios by {what}")
    for name, (floor, peer, full, nomime, hashonly) in (("raw", v[0:5]), ("e01", v[5:10])):
        print(f"{name}: speed-up over the peer: scan {peer / full:.2f}x, --no-mime {peer / nomime:.2f}x, "
              f"--no-mime --no-pdq {peer / hashonly:.2f}x")
        print(f"{name}: time / floor ({'cat' if name == 'raw' else 'ewfexport'}): scan {full / max(floor, 0.01):.2f}x, "
              f"--no-mime {nomime / max(floor, 0.01):.2f}x, --no-mime --no-pdq {hashonly / max(floor, 0.01):.2f}x")
EOF2
fi

# ---- the same disk as virtual disks: each scan's time against the raw image's, same run ----
VD="qcow2 vmdk vhd vhdx"
for f in $VD; do
  out=$D/ext4-$SIZE.$f
  [ -f "$out.done" ] && continue
  case $f in
    qcow2) qemu-img convert -O qcow2 "$IMG" "$out" ;;
    vmdk) qemu-img convert -O vmdk -o subformat=monolithicSparse "$IMG" "$out" ;;
    vhd) qemu-img convert -O vpc -o subformat=dynamic,force_size=on "$IMG" "$out" ;;
    vhdx) qemu-img convert -O vhdx "$IMG" "$out" ;;
  esac
  echo "made $(date -u +%FT%TZ)" >"$out.done"
done
echo "-- virtual disks: $(for f in $VD; do printf '%s %s MB  ' "$f" "$(($(stat -c %s "$D/ext4-$SIZE.$f") / 1000000))"; done)"
warm_cache "$IMG" "$D/ext4-$SIZE".{qcow2,vmdk,vhd,vhdx}
for f in raw $VD; do
  img=$IMG
  [ "$f" = raw ] || img=$D/ext4-$SIZE.$f
  best_of "vd_$f scan" "$VIGIL" scan --no-sets --quiet --jobs "$JOBS" --jsonl /dev/null "$img"
  best_of "vd_$f scan_hash_only" "$VIGIL" scan --no-sets --quiet --no-mime --no-pdq --jobs "$JOBS" --jsonl /dev/null "$img"
done
for f in $VD; do # the same items from every container, or the ratios compare different work
  "$VIGIL" scan --no-sets --quiet --no-mime --no-pdq --jsonl "$D/vd-$f.jsonl" "$D/ext4-$SIZE.$f"
done
"$VIGIL" scan --no-sets --quiet --no-mime --no-pdq --jsonl "$D/vd-raw.jsonl" "$IMG"
python3 - "$D" $VD <<'EOF3'
import json, sys
d, fmts = sys.argv[1], sys.argv[2:]
def items(f):
    out = []
    for l in open(f"{d}/vd-{f}.jsonl"):
        o = json.loads(l)
        if "summary" not in o:
            out.append((tuple(o.get("containers", [])[1:]), o["path"], o["sha256"]))
    return sorted(out)
raw = items("raw")
for f in fmts:
    print(f"{f}: {len(items(f))} items, {'the same items and digests as raw' if items(f) == raw else 'ITEMS DIFFER FROM RAW'}")
EOF3
python3 - $VD <<EOF3
fmts = "$VD".split()
t = {f: ($(for f in raw $VD; do printf '(%s, %s), ' "$(eval echo \$T_vd_${f}_scan)" "$(eval echo \$T_vd_${f}_scan_hash_only)"; done))[i] for i, f in enumerate(["raw"] + fmts)}
c = {f: ($(for f in raw $VD; do printf '(%s, %s), ' "$(eval echo \$C_vd_${f}_scan)" "$(eval echo \$C_vd_${f}_scan_hash_only)"; done))[i] for i, f in enumerate(["raw"] + fmts)}
for what, v in (("wall time", t), ("CPU time", c)):
    print(f"-- virtual disk / raw, by {what} (1.00x: as fast as raw)")
    for f in fmts:
        print(f"{f}: scan {v[f][0] / v['raw'][0]:.2f}x, --no-mime --no-pdq {v[f][1] / v['raw'][1]:.2f}x")
EOF3
