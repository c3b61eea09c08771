#!/usr/bin/env bash
# Build and run every test: once in the normal build, once under AddressSanitizer and
# UndefinedBehaviorSanitizer (build-asan/), and the multi-threaded tests (scan pipeline, image
# readers, store import threads, PDQ index batches) once more under ThreadSanitizer (build-tsan/).
# The last line is always "N passed, N failed, N skipped"; the skipped tests and their reasons are
# listed above it. With CI=true a skip for want of a package scripts/install-deps.sh installs fails.
set -u
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ASAN=build-asan
logs=()
status=0

build() { # dir, meson args...
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log" >&2; return 1; }
    rm -f "$dir.setup.log"
  fi
  meson compile -C "$dir" >/dev/null || meson compile -C "$dir" >&2
}

run() { # dir [test names...]
  local dir=$1; shift
  rm -f "$dir/meson-logs/testlog.json"
  meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes 2 "$@" >"$dir/test-output.log" 2>&1 || status=1
  grep -E '^ *[0-9]+/[0-9]+ ' "$dir/test-output.log" >&2 || true
  logs+=("$dir/meson-logs/testlog.json")
}

# The browser tests' npm library: a fresh clone has none even where install-deps.sh ran elsewhere.
# Without npm (or the registry) the browser test says why it skips.
scripts/npm-deps.sh || echo "check: tests/browser/node_modules not installed" >&2
if build "$BUILD" --buildtype=debugoptimized; then run "$BUILD"; else status=1; logs+=("$BUILD/missing-testlog.json"); fi
if build "$ASAN" --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 run "$ASAN"
else
  status=1; logs+=("$ASAN/missing-testlog.json")
fi
TSAN=build-tsan
if build "$TSAN" --buildtype=debug -Db_sanitize=thread; then
  TSAN_OPTIONS="halt_on_error=1 suppressions=$PWD/tests/tsan.supp" run "$TSAN" unit_scan unit_scan_stop e2e_scan_verdicts e2e_scan_archives e2e_interrupt e2e_pdq_scan \
    unit_store unit_pdq_index e2e_hashset_spill e2e_hashset_store e2e_scan_image unit_hashset_exchange e2e_hashset
else
  status=1; logs+=("$TSAN/missing-testlog.json")
fi
python3 scripts/test-summary.py "${logs[@]}" || status=1
exit $status
