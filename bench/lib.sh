# Shared by bench/hash.sh and bench/scan.sh (sourced, not run).
# Data lives in $VIGIL_BENCH_DIR (default /work/bench-data), never in the repo.
# Figures only, never pass/fail. MB = 10^6 bytes.

BENCH_DIR=${VIGIL_BENCH_DIR:-/work/bench-data}
REPEAT=${BENCH_REPEAT:-3}
# The corpus generators are in the repository (scripts/corpus), so a clone benchmarks on its own.
CORPUS_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/scripts/corpus
CORPUS=$BENCH_DIR/corpus
SMALL=$BENCH_DIR/small4k

die() { echo "bench: $*" >&2; exit 2; }

need_tools() {
  local t
  for t in "$@"; do command -v "$t" >/dev/null || die "$t not found (scripts/install-deps.sh)"; done
  [ -x /usr/bin/time ] || die "/usr/bin/time not found (package 'time', scripts/install-deps.sh)"
}

# The 2 GB corpus of make_file_corpus.sh (defaults: 20000 small, 100 large, seed 1),
# made once and reused; corpus.done holds the generator's closing line.
ensure_corpus() {
  mkdir -p "$BENCH_DIR"
  if [ -f "$BENCH_DIR/corpus.done" ] && [ -d "$CORPUS" ]; then
    echo "corpus: reusing $CORPUS ($(tail -n 1 "$BENCH_DIR/corpus.done"))"
    return
  fi
  [ -f "$CORPUS_SCRIPTS/make_file_corpus.sh" ] || die "make_file_corpus.sh not found in $CORPUS_SCRIPTS"
  echo "corpus: making $CORPUS with make_file_corpus.sh (about 2 GB, a few minutes)"
  rm -f "$BENCH_DIR/corpus.done"
  bash "$CORPUS_SCRIPTS/make_file_corpus.sh" --force "$CORPUS" >"$BENCH_DIR/corpus.log" || die "corpus generation failed"
  mv "$BENCH_DIR/corpus.log" "$BENCH_DIR/corpus.done"
  echo "corpus: $(tail -n 1 "$BENCH_DIR/corpus.done")"
}

# The VICS 2.0 file of bench/mkvics.py with N records (seed 1), made once and reused; prints its path.
ensure_vics() {
  local f=$BENCH_DIR/vics-$1-seed1.json
  mkdir -p "$BENCH_DIR"
  if [ ! -f "$f.done" ]; then
    echo "data: making $f ($1 records, seed 1)" >&2
    python3 bench/mkvics.py "$f" "$1" 1 >&2 || die "VICS generation failed"
    touch "$f.done"
  fi
  echo "$f"
}

# Read every file once so that all runs hash from the page cache.
warm_cache() { # dir...
  find "$@" -type f -print0 | xargs -0 -n 512 cat >/dev/null
}

tree_files() { find "$1" -type f | wc -l; }
tree_bytes() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f\n", s }'; }

# Busy share of all CPUs over 0.5 s, in percent, from /proc/stat.
cpu_busy() {
  local a b
  a=($(head -n 1 /proc/stat)); sleep 0.5; b=($(head -n 1 /proc/stat))
  awk -v u="$(( b[1] + b[2] + b[3] + b[6] + b[7] + b[8] - a[1] - a[2] - a[3] - a[6] - a[7] - a[8] ))" \
      -v i="$(( b[4] + b[5] - a[4] - a[5] ))" 'BEGIN { printf "%.0f", (u + i) ? 100 * u / (u + i) : 0 }'
}

# The machine may be shared: before each timed run wait (up to BENCH_QUIET_WAIT s,
# default 30) until other work uses under 15% of the CPUs. Runs that started on a
# busy machine are counted in BUSY_RUNS and reported.
BUSY_RUNS=0
wait_quiet() {
  local waited=0 busy
  while busy=$(cpu_busy); [ "$busy" -ge 15 ]; do
    if [ "$waited" -ge "${BENCH_QUIET_WAIT:-30}" ]; then
      BUSY_RUNS=$((BUSY_RUNS + 1))
      echo "bench: note: machine still ${busy}% busy with other work after ${waited}s; timing anyway" >&2
      return
    fi
    sleep 2; waited=$((waited + 3))
  done
}

# measure NAME CMD...: runs CMD $REPEAT times (stdout to /dev/null, stderr kept in
# $BENCH_DIR/last-stderr.log). Sets M_SECS (median wall seconds), M_CPU (median
# user+sys seconds), M_RSS_KB (largest peak RSS over the runs), M_ALL (every wall
# time), M_RC (last nonzero exit status or 0).
measure() {
  local name=$1; shift
  local i t0 t1 tf times=() cpus=() others=() rss=0 r a b
  tf=$(mktemp)
  M_RC=0
  for ((i = 0; i < REPEAT; i++)); do
    wait_quiet
    a=($(head -n 1 /proc/stat))
    t0=$(date +%s%N)
    /usr/bin/time -f '%M %U %S' -o "$tf" "$@" >/dev/null 2>"$BENCH_DIR/last-stderr.log" || M_RC=$?
    t1=$(date +%s%N)
    b=($(head -n 1 /proc/stat))
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')")
    read -r r u s < <(tail -n 1 "$tf")
    cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')")
    others+=("$(awk -v busy="$(( b[1] + b[2] + b[3] + b[6] + b[7] + b[8] - a[1] - a[2] - a[3] - a[6] - a[7] - a[8] ))" \
      -v idle="$(( b[4] + b[5] - a[4] - a[5] ))" -v mine="$u" -v mine2="$s" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { o = busy - (mine + mine2) * hz; if (o < 0) o = 0; printf "%.0f", (busy + idle) ? 100 * o / (busy + idle) : 0 }')")
    [ "$r" -gt "$rss" ] 2>/dev/null && rss=$r
  done
  rm -f "$tf"
  M_SECS=$(median "${times[@]}")
  M_CPU=$(median "${cpus[@]}")
  M_OTHER=$(median "${others[@]}")
  M_ALL="${times[*]}"
  M_RSS_KB=$rss
  if [ "$M_RC" -ne 0 ]; then
    echo "bench: warning: '$name' exited with status $M_RC: $(head -c 300 "$BENCH_DIR/last-stderr.log")" >&2
  fi
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / s / 1e6 }'; }   # bytes secs
per_s() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }        # count secs
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", 100 * a / b }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }                  # KiB -> MiB
