#!/usr/bin/env bash
# bench/same-reports.sh OLD_BIN NEW_BIN [CORPUS…]: do two builds of framing write the same
# reports? Runs both on the example corpus (German and English rules, with and without the
# model, with --explain), the golden fixture, each CORPUS given (e.g. a generated one), a
# sharded run merged, and --jsonl, then compares every output byte for byte (run.json
# aside: it holds times and the command line; summary.html is compared with the folder's
# name, which it shows, made the same). Prints one line per comparison; exit 1 on any
# difference.
set -uo pipefail
[ $# -ge 2 ] || { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Both binaries are run as `framing`: the page's method box names the program.
mkdir "$work/old-bin" "$work/new-bin"
cp "$1" "$work/old-bin/framing" && cp "$2" "$work/new-bin/framing" || exit 2
old=$work/old-bin/framing new=$work/new-bin/framing
shift 2
status=0

# differ NAME: compares the folders old-NAME and new-NAME; prints the differences.
differ() {
  local name=$1
  diff -r -x run.json -x summary.html "$work/old-$name" "$work/new-$name" || return 1
  if [ -f "$work/old-$name/summary.html" ] || [ -f "$work/new-$name/summary.html" ]; then
    diff <(sed "s/old-/new-/g" "$work/old-$name/summary.html" 2>&1) "$work/new-$name/summary.html" \
      || { echo "(summary.html)"; return 1; }
  fi
}

# same NAME ARGS…: runs `analyze ARGS… -o DIR` with both binaries and compares the folders.
same() {
  local name=$1
  shift
  "$old" analyze "$@" -o "$work/old-$name" -q >/dev/null 2>&1
  local old_rc=$?
  "$new" analyze "$@" -o "$work/new-$name" -q >/dev/null 2>&1
  local new_rc=$?
  if [ "$old_rc" != "$new_rc" ]; then
    echo "DIFFERENT $name: exit $old_rc vs $new_rc"; status=1
  elif differ "$name" >"$work/diff-$name" 2>&1; then
    echo "same      $name ($(cat "$work/new-$name"/*.csv | wc -c) bytes of CSV)"
  else
    echo "DIFFERENT $name: see below"; head -20 "$work/diff-$name"; status=1
  fi
}

cd "$root"
same example-de examples/corpus
same example-de-explain examples/corpus --explain
same example-en examples/corpus --lang en
same example-no-model examples/corpus --no-model -j 1
same fixture tests/fixtures/analyze/corpus --lexicon tests/fixtures/analyze/lexicon.csv --no-model
n=0
for corpus in "$@"; do
  n=$((n + 1))
  same "corpus$n" "$corpus" --no-model
  same "corpus$n-model" "$corpus"
done

# Shards merged.
for bin in old new; do
  b=$old; [ $bin = new ] && b=$new
  for k in 1 2 3; do "$b" analyze examples/corpus --shard $k/3 -o "$work/$bin-part$k" -q >/dev/null 2>&1; done
  "$b" merge "$work/$bin-merged" "$work/$bin-part1" "$work/$bin-part2" "$work/$bin-part3" -q >/dev/null 2>&1
done
if differ merged >/dev/null; then echo "same      merged shards"; else echo "DIFFERENT merged shards"; status=1; fi

# JSON lines.
python3 - "$root/examples/corpus" >"$work/docs.jsonl" <<'PY'
import json, pathlib, sys
for p in sorted(pathlib.Path(sys.argv[1]).rglob("*.txt")):
    print(json.dumps({"id": str(p), "text": p.read_text(encoding="utf-8", errors="replace")}))
PY
"$old" analyze --jsonl "$work/docs.jsonl" -q >"$work/old.jsonl" 2>/dev/null
"$new" analyze --jsonl "$work/docs.jsonl" -q >"$work/new.jsonl" 2>/dev/null
if cmp -s "$work/old.jsonl" "$work/new.jsonl"; then echo "same      jsonl ($(wc -l <"$work/new.jsonl") lines)"; else echo "DIFFERENT jsonl"; status=1; fi
exit $status
