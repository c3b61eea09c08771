#!/usr/bin/env bash
# Build the libFuzzer targets with clang (build-fuzz/, ASan + UBSan) and run each
# for FUZZ_SECONDS (default 60) on its corpus. New inputs found go to a scratch
# copy of the corpus (fuzz/artifacts/<target>/new/), crashes to
# fuzz/artifacts/<target>/ (git-ignored); add a crash's reproducer to
# fuzz/corpus/<target>/ once the bug is fixed. Prints one line per target with
# its executions and whether it crashed; exits 1 if any did.
#
# usage: scripts/fuzz.sh [TARGET...]        (default: all fuzz/fuzz_*.c)
#   FUZZ_SECONDS=N  run time per target;  FUZZ_JOBS=N  parallel fuzzing jobs per target (default 1)
#   FUZZ_ARGS="..." extra libFuzzer flags
set -u
cd "$(dirname "$0")/.."
BUILD=build-fuzz
SECONDS_PER=${FUZZ_SECONDS:-60}
JOBS=${FUZZ_JOBS:-1}

if [ ! -f "$BUILD/build.ninja" ]; then
  command -v clang >/dev/null || { echo "fuzz: clang not found (scripts/install-deps.sh)" >&2; exit 2; }
  CC=clang meson setup "$BUILD" --buildtype=debugoptimized -Dfuzz=true \
    -Db_sanitize=address,undefined -Db_lundef=false >"$BUILD.setup.log" 2>&1 \
    || { cat "$BUILD.setup.log" >&2; exit 2; }
  rm -f "$BUILD.setup.log"
fi
meson compile -C "$BUILD" >/dev/null || { meson compile -C "$BUILD" >&2; exit 2; }

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for f in fuzz/fuzz_*.c; do t=${f#fuzz/fuzz_}; targets+=("${t%.c}"); done
fi

# UBSan reports are findings too: stop on the first one so libFuzzer saves the input.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# leaks inside third-party libraries (fuzz/lsan.supp says which and why)
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/fuzz/lsan.supp}

status=0
for t in "${targets[@]}"; do
  exe=$BUILD/fuzz/fuzz_$t
  [ -x "$exe" ] || { echo "fuzz: no target $t" >&2; status=2; continue; }
  art=fuzz/artifacts/$t
  mkdir -p "$art/new"
  rm -f "$art"/fuzz-*.log
  log=$art/fuzz.log
  # The committed corpus is read only: new inputs land in $art/new (first dir is written to).
  par=()
  start=$SECONDS
  [ "$JOBS" -gt 1 ] && par=(-jobs="$JOBS" -workers="$JOBS")
  "$exe" -max_total_time="$SECONDS_PER" "${par[@]}" -print_final_stats=1 \
    -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$art/" ${FUZZ_ARGS:-} \
    "$art/new" "fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  ran=$((SECONDS - start))
  [ "$JOBS" -gt 1 ] && mv -f fuzz-*.log "$art/" 2>/dev/null
  # libFuzzer may print its final stats twice (crash handler, then exit): take the
  # last figure of each process's log, and add up the processes.
  execs=0
  for l in "$log" "$art"/fuzz-*.log; do
    [ -f "$l" ] || continue
    [ "$JOBS" -gt 1 ] && [ "$l" = "$log" ] && continue
    n=$(grep -h '^stat::number_of_executed_units' "$l" | tail -n 1 | awk '{ print $2 + 0 }')
    execs=$((execs + ${n:-0}))
  done
  crashes=$(find "$art" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    verdict="CRASHED (rc $rc; $crashes artifact(s) in $art/, log $log)"
    status=1
  else
    verdict="no crash"
  fi
  echo "fuzz $t: ran ${ran}s (of ${SECONDS_PER}s), $execs executions, $(ls "$art/new" | wc -l) new corpus inputs, $verdict"
done
exit $status
