#!/usr/bin/env bash
# bench/real-news.sh OLD_BIN NEW_BIN [ROUNDS]: two builds of framing on real German text.
# The generated bench corpus is dense in loaded terms and reported speech (three matches per
# kilobyte); this corpus is made of the real sentences in ../shared/data/labeled (GerNTSA
# news and PopBERT Bundestag speeches, 2.4 MB: 840 documents of 15 sentences, paragraphs of
# three), written COPIES times (default 8: 19 MB) so that a run takes long enough to time.
# Times both builds, interleaved, at -j 1 and -j 2 into new folders (the shared benchmark
# lexicon, no model, no page where a build has one) and prints medians in ms; with
# CALLGRIND=1 also instructions for one copy (-j 1). Skipped, with a message, when ../shared
# is absent.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
old=$1 new=$2 rounds=${3:-7}
root=$(cd "$(dirname "$0")/.." && pwd)
data=$root/../shared/data/labeled
lexicon=$root/../shared/bench/lexicon.csv
if [ ! -d "$data/gerntsa" ] || [ ! -d "$data/popbert" ] || [ ! -f "$lexicon" ]; then
  echo "real-news.sh: skipped: needs $data/{gerntsa,popbert} and $lexicon (../shared beside the repository)" >&2
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
corpus=$work/corpus
python3 - "$data" "$corpus" "${COPIES:-8}" <<'PY'
import csv, os, re, sys
data, out, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
for name in ["gerntsa", "popbert"]:
    texts = []
    for split in ["train", "test"]:
        with open(f"{data}/{name}/{split}.csv", encoding="utf-8") as f:
            texts += [re.sub(r"</?t>", "", row["text"]) for row in csv.DictReader(f)]
    for copy in range(copies):
        # Copy 0 alone is what CALLGRIND=1 counts.
        folder = f"{out}/{copy}/{name}"
        os.makedirs(folder)
        for n, at in enumerate(range(0, len(texts), 15)):
            doc = texts[at:at + 15]
            paragraphs = [" ".join(doc[k:k + 3]) for k in range(0, len(doc), 3)]
            with open(f"{folder}/{n:05d}.txt", "w", encoding="utf-8") as f:
                f.write("\n\n".join(paragraphs) + "\n")
PY
echo "corpus: $(find "$corpus" -type f | wc -l) documents, $(du -sb "$corpus" | cut -f1) bytes" >&2

# no_page BIN: --no-summary where the build writes a summary page (builds before it do not).
no_page() { "$1" analyze --help | grep -q -- --no-summary && echo --no-summary || true; }
old_flags=$(no_page "$old") new_flags=$(no_page "$new")

# run NAME BIN JOBS: one timed run into a new folder; prints milliseconds.
run() {
  local out=$work/out-$1-$3 flags=$old_flags
  [ "$1" = new ] && flags=$new_flags
  rm -rf "$out"
  sync
  local start end
  start=$(date +%s%N)
  # shellcheck disable=SC2086 # $flags is empty or one flag
  "$2" analyze "$corpus" -o "$out" --lexicon "$lexicon" --no-model $flags -q -j "$3" || [ $? -eq 1 ]
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

declare -A times
for _ in $(seq "$rounds"); do
  for jobs in 1 2; do
    for name in old new; do
      bin=$old
      [ $name = new ] && bin=$new
      times[$name-$jobs]+="$(run $name "$bin" $jobs) "
    done
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for key in old-1 new-1 old-2 new-2; do
  echo "$key: median $(echo "${times[$key]}" | median) ms (${times[$key]% })"
done
if [ "${CALLGRIND:-0}" = 1 ] && command -v valgrind >/dev/null; then
  for name in old new; do
    bin=$old
    [ $name = new ] && bin=$new
    rm -rf "$work/cg-$name"
    flags=$old_flags
    [ $name = new ] && flags=$new_flags
    # shellcheck disable=SC2086 # $flags is empty or one flag
    refs=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" analyze "$corpus/0" \
      -o "$work/cg-$name" --lexicon "$lexicon" --no-model $flags -q -j 1 2>&1 | sed -n 's/.*refs: *//p')
    echo "$name: $refs instructions (-j 1)"
  done
fi
# Whether the two builds wrote the same reports.
diff -q -r -x run.json -x summary.html "$work/out-old-1" "$work/out-new-1" >/dev/null \
  && echo "reports: same" || echo "reports: differ (expected across a change of the report format; else see bench/same-reports.sh)"
