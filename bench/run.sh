#!/usr/bin/env bash
# bench/run.sh: end-to-end throughput of `framing analyze` beside the Python peer and the
# floors (rg, cat), on a generated German news corpus. See bench/README.md.
#
#   bash bench/run.sh [--mb 30] [--reps 3] [--seed 1]   # side-by-side table
#   bash bench/run.sh --scale [--seed 1]                 # peak RSS on 200 MB and 2 GB, one-big 50 MB
#
# Every tool runs once per round, the order rotating each round (interleaved, so that load
# from other processes hits all tools alike); the table shows medians over the rounds.
set -euo pipefail

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

mb=30 reps=3 seed=1 scale=0
while [ $# -gt 0 ]; do
  case $1 in
    --mb) mb=${2:?--mb needs a value}; shift 2 ;;
    --reps) reps=${2:?--reps needs a value}; shift 2 ;;
    --seed) seed=${2:?--seed needs a value}; shift 2 ;;
    --scale) scale=1; shift ;;
    -h | --help) usage ;;
    *) echo "run.sh: unknown argument $1" >&2; usage ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
shared=$root/../shared/bench
cd "$root"

echo "building release binaries..." >&2
cargo build --release --quiet --bin framing --example gen_corpus
bin=$root/target/release/framing
gen=$root/target/release/examples/gen_corpus

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# GNU time gives the peak RSS; without it only wall time is measured.
if /usr/bin/time -v true >/dev/null 2>&1; then
  have_gnu_time=1
else
  have_gnu_time=0
  echo "note: GNU time not found at /usr/bin/time (apt-get install time): peak RSS not measured" >&2
fi

# timed LOG CMD...: runs CMD (output to LOG); sets T_WALL (s), T_RSS_KB and T_RC.
timed() {
  local log=$1 t0 t1
  shift
  T_RC=0
  # Untimed: the reports of the run before are written back now, not under this one.
  sync
  t0=$(date +%s%N)
  if [ "$have_gnu_time" = 1 ]; then
    /usr/bin/time -v -o "$work/time.txt" "$@" >"$log" 2>&1 || T_RC=$?
    T_RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
  else
    "$@" >"$log" 2>&1 || T_RC=$?
    T_RSS_KB=
  fi
  t1=$(date +%s%N)
  T_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
}

median() {
  printf '%s\n' "$@" | sort -g |
    awk '{a[NR] = $1} END {if (NR == 0) print "NA"; else if (NR % 2) print a[(NR + 1) / 2];
         else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

corpus_bytes() {
  find "$1" -type f \( -name '*.txt' -o -name '*.md' \) -printf '%s\n' | awk '{s += $1} END {printf "%d\n", s}'
}

corpus_files() {
  find "$1" -type f \( -name '*.txt' -o -name '*.md' \) | wc -l
}

# corpus_for MB: the generated corpus directory, made once and cached under target/.
corpus_for() {
  local dir=$root/target/bench-corpus-$1-$seed
  if [ ! -e "$dir.complete" ] || [ ! -d "$dir" ]; then
    rm -rf "$dir"
    "$gen" --mb "$1" --seed "$seed" "$dir" >&2
    touch "$dir.complete"
  fi
  echo "$dir"
}

# The read-everything floor, also used to put the corpus in the page cache.
read_all() {
  find "$1" -type f \( -name '*.txt' -o -name '*.md' \) -print0 | xargs -0 cat >/dev/null
}

lex_args=()
if [ -f "$shared/lexicon.csv" ]; then
  lex_args=(--lexicon "$shared/lexicon.csv")
else
  echo "note: $shared/lexicon.csv not found: framing uses its bundled lexicon; peer and floors skipped" >&2
fi

# The model analyze uses by default (bundled German sentiment model); override with MODEL=FILE.
model=${MODEL:-$root/models/de-sentiment-gerntsa.json}
[ -f "$model" ] || model=""

# check_rc NAME MAX: fails the script when the last run exited above MAX (framing exits 1
# when it skipped files, still a full run; 2 on failure).
check_rc() {
  local name=$1 max=$2
  if [ "$T_RC" -gt "$max" ]; then
    echo "run.sh: $name failed (exit $T_RC):" >&2
    tail -n 20 "$work/$name.log" >&2
    exit 1
  fi
}

# framing_run NAME ARGS...: `framing analyze` of the corpus into $work/out-NAME, timed.
framing_run() {
  local name=$1
  shift
  timed "$work/$name.log" "$bin" analyze "$corpus" -o "$work/out-$name" -q "$@"
  check_rc "$name" 1
}

# framing_once NAME ARGS...: a re-run, replacing the report of the round before (--force).
framing_once() {
  framing_run "$1" --force "${@:2}"
}

# framing_first NAME ARGS...: a first run, into a folder that does not exist yet. The
# previous round's report is removed untimed, before timed's sync.
framing_first() {
  rm -rf "$work/out-$1"
  framing_run "$@"
}

# ---------------------------------------------------------------- scale mode
if [ "$scale" = 1 ]; then
  echo "| corpus | files | MB | wall s | MB/s | peak RSS MB |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  for size in 200 2000; do
    need_kb=$((size * 1000 * 3))
    free_kb=$(df -Pk "$root/target" | awk 'NR == 2 {print $4}')
    if [ "$free_kb" -lt "$need_kb" ]; then
      echo "run.sh: skipping $size MB: needs ~$((need_kb / 1000)) MB free in target/, have $((free_kb / 1000))" >&2
      continue
    fi
    corpus=$(corpus_for "$size")
    read_all "$corpus"
    framing_once "scale-$size" "${lex_args[@]}" --no-model -j 2
    rm -rf "$work/out-scale-$size"
    bytes=$(corpus_bytes "$corpus")
    printf '| %s MB, seed %s | %s | %.0f | %.2f | %.1f | %s |\n' "$size" "$seed" "$(corpus_files "$corpus")" \
      "$(awk -v b="$bytes" 'BEGIN {print b / 1e6}')" "$T_WALL" \
      "$(awk -v b="$bytes" -v s="$T_WALL" 'BEGIN {print b / 1e6 / s}')" \
      "$(awk -v k="$T_RSS_KB" 'BEGIN {if (k == "") print "n/a"; else printf "%.1f", k / 1024}')"
  done
  corpus=$root/target/bench-onebig-50
  [ -e "$corpus.complete" ] && [ -d "$corpus" ] || { rm -rf "$corpus" && "$gen" --one-big 50 "$corpus" >&2 && touch "$corpus.complete"; }
  read_all "$corpus"
  framing_once one-big "${lex_args[@]}" --no-model -j 2
  printf '| one file, 50 MB, no punctuation | 1 | 50 | %.2f | %.1f | %s |\n' "$T_WALL" \
    "$(awk -v s="$T_WALL" 'BEGIN {print 50 / s}')" \
    "$(awk -v k="$T_RSS_KB" 'BEGIN {if (k == "") print "n/a"; else printf "%.1f", k / 1024}')"
  exit 0
fi

# ---------------------------------------------------------------- side-by-side table
corpus=$(corpus_for "$mb")
bytes=$(corpus_bytes "$corpus")
files=$(corpus_files "$corpus")

tools=(framing-j1 framing-j2 framing-j1-new framing-j2-new)
# The 10,000-row lexicon: the shared rows plus generated pseudo-word patterns.
if [ ${#lex_args[@]} -gt 0 ]; then
  "$gen" --lexicon 10000 --base "$shared/lexicon.csv" "$work/lexicon-10k.csv" >&2
  tools+=(framing-10k-j2)
fi
if [ -n "$model" ]; then
  tools+=(framing-model-j1 framing-model-j2)
else
  echo "note: no model file (models/de-sentiment-gerntsa.json or MODEL=FILE): the runs with a model are skipped" >&2
fi
if [ -f "$shared/peer_python.py" ] && [ ${#lex_args[@]} -gt 0 ]; then
  if python3 -c 'import pysbd, sklearn, pandas, numpy' 2>/dev/null; then
    echo "training the Python peer's model once (untimed)..." >&2
    python3 "$shared/peer_python.py" "$corpus" "$work/peer-train" --lexicon "$shared/lexicon.csv" \
      --model "$work/peer-model.pkl" --train-only >&2
    tools+=(python-regex-j2 python-pysbd-j2)
  else
    echo "note: Python peer skipped: its requirements are not importable;" \
      "install with: pip install -r $shared/requirements.txt" >&2
  fi
  if command -v rg >/dev/null 2>&1; then
    python3 "$shared/lexicon_regex.py" --rg "$shared/lexicon.csv" >"$work/patterns.txt"
    tools+=(rg)
  else
    echo "note: rg floor skipped: ripgrep not installed (apt-get install ripgrep)" >&2
  fi
fi
tools+=(cat)

run_tool() {
  local name=$1
  case $name in
    framing-j1) framing_once "$name" "${lex_args[@]}" --no-model -j 1 ;;
    framing-j2) framing_once "$name" "${lex_args[@]}" --no-model -j 2 ;;
    framing-j1-new) framing_first "$name" "${lex_args[@]}" --no-model -j 1 ;;
    framing-j2-new) framing_first "$name" "${lex_args[@]}" --no-model -j 2 ;;
    framing-10k-j2) framing_once "$name" --lexicon "$work/lexicon-10k.csv" --no-model -j 2 ;;
    framing-model-j1) framing_once "$name" "${lex_args[@]}" --model "$model" -j 1 ;;
    framing-model-j2) framing_once "$name" "${lex_args[@]}" --model "$model" -j 2 ;;
    python-regex-j2 | python-pysbd-j2)
      local seg=${name#python-}
      seg=${seg%-j2}
      timed "$work/$name.log" python3 "$shared/peer_python.py" "$corpus" "$work/out-$name" \
        --lexicon "$shared/lexicon.csv" --jobs 2 --segmenter "$seg" --model "$work/peer-model.pkl"
      check_rc "$name" 0
      ;;
    rg)
      timed "$work/$name.log" rg -P -w -c -i -f "$work/patterns.txt" "$corpus"
      check_rc "$name" 1
      ;;
    cat)
      # GNU time cannot run a shell function, hence the same pipeline as read_all in sh.
      # shellcheck disable=SC2016 # $1 is expanded by that sh, not here
      timed "$work/$name.log" sh -c 'find "$1" -type f \( -name "*.txt" -o -name "*.md" \) -print0 |
        xargs -0 cat >/dev/null' _ "$corpus"
      check_rc "$name" 0
      ;;
  esac
}

echo "corpus: $corpus ($files files, $bytes bytes); $(nproc) cores; $reps rounds" >&2
read_all "$corpus"
declare -A walls rss ratios
n=${#tools[@]}
for ((r = 0; r < reps; r++)); do
  declare -A round=()
  for ((k = 0; k < n; k++)); do
    name=${tools[$(((k + r) % n))]}
    run_tool "$name"
    round[$name]=$T_WALL
    walls[$name]="${walls[$name]:-} $T_WALL"
    rss[$name]="${rss[$name]:-} ${T_RSS_KB:-}"
    echo "  round $((r + 1))/$reps: $name $T_WALL s" >&2
  done
  for name in "${tools[@]}"; do
    ratios[$name]="${ratios[$name]:-} $(awk -v a="${round[$name]}" -v b="${round[framing-j2]}" 'BEGIN {printf "%.3f", a / b}')"
  done
  speedup_rerun="${speedup_rerun:-} $(awk -v a="${round[framing-j1]}" -v b="${round[framing-j2]}" 'BEGIN {printf "%.3f", a / b}')"
  speedup_first="${speedup_first:-} $(awk -v a="${round[framing-j1-new]}" -v b="${round[framing-j2-new]}" 'BEGIN {printf "%.3f", a / b}')"
  unset round
done

echo
echo "corpus: $files files, $(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1e6}') MB (seed $seed);" \
  "$(nproc) cores; median of $reps interleaved rounds; ratio = wall / wall of framing -j 2 in the same round"
echo
echo "| tool | median wall s | MB/s | docs/s | peak RSS MB | ratio vs framing -j 2 |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for name in "${tools[@]}"; do
  # shellcheck disable=SC2086 # word splitting of the space-separated samples is intended
  wall=$(median ${walls[$name]})
  # shellcheck disable=SC2086
  ratio=$(median ${ratios[$name]})
  peak=n/a
  if [ "$have_gnu_time" = 1 ]; then
    # shellcheck disable=SC2086
    peak=$(awk -v k="$(median ${rss[$name]})" 'BEGIN {printf "%.1f", k / 1024}')
  fi
  printf '| %s | %.3f | %.1f | %.0f | %s | %.2f |\n' "$name" "$wall" \
    "$(awk -v b="$bytes" -v s="$wall" 'BEGIN {print b / 1e6 / s}')" \
    "$(awk -v f="$files" -v s="$wall" 'BEGIN {print f / s}')" "$peak" "$ratio"
done

echo
# shellcheck disable=SC2086 # word splitting of the space-separated samples is intended
echo "-j 1 -> -j 2 (median of round ratios): $(median $speedup_rerun) re-running with --force," \
  "$(median $speedup_first) into a new folder"
