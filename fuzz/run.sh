#!/usr/bin/env bash
# Builds the fuzz targets and runs each for SECONDS, seeded from fuzz/seeds/<target>/.
#
#   bash fuzz/run.sh SECONDS [TARGET…]      (default: all targets)
#
# Needs nightly and cargo-fuzz (`cargo install cargo-fuzz`). Not part of .ci/run.
# Working corpora grow in fuzz/corpus/<target>/ (seeds are copied in; finds are kept across
# runs), crashes/timeouts/OOMs go to fuzz/artifacts/<target>/, libFuzzer's log of the last
# run to fuzz/target/logs/<target>.log. Everything runs under `nice -n 19`.
# Exit status: 0 when no target wrote an artifact, 1 when one did, 2 on usage/build errors.
set -euo pipefail

usage() {
    echo "usage: bash fuzz/run.sh SECONDS [TARGET…]" >&2
    echo "targets: ${ALL_TARGETS[*]}" >&2
    exit 2
}

ALL_TARGETS=(analyze_bytes lexicon_parse model_load jsonl_line meta_csv)
[[ $# -ge 1 && $1 =~ ^[0-9]+$ && $1 -gt 0 ]] || usage
SECONDS_PER_TARGET=$1
shift
TARGETS=("$@")
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=("${ALL_TARGETS[@]}")
for t in "${TARGETS[@]}"; do
    [[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || { echo "unknown target: $t" >&2; usage; }
done

FUZZ_DIR=$(cd "$(dirname "$0")" && pwd)
cd "$FUZZ_DIR"

# Limits: a hostile model or lexicon may allocate a lot or be slow; both are findings.
RSS_LIMIT_MB=${RSS_LIMIT_MB:-2048}
TIMEOUT_S=${TIMEOUT_S:-10}

echo "== building (cargo +nightly fuzz build -O)" >&2
# `cargo fuzz build` takes one target or none (all).
if [[ ${#TARGETS[@]} -eq 1 ]]; then
    nice -n 19 cargo +nightly fuzz build -O "${TARGETS[0]}" >&2 || exit 2
else
    nice -n 19 cargo +nightly fuzz build -O >&2 || exit 2
fi
HOST=$(rustc +nightly -vV | sed -n 's/^host: //p')
BIN_DIR="$FUZZ_DIR/target/$HOST/release"

LOG_DIR="$FUZZ_DIR/target/logs"
# The targets that need a path write their input to a file in the temp directory.
export TMPDIR="$FUZZ_DIR/target/fuzz-tmp"
mkdir -p "$LOG_DIR" "$TMPDIR"

declare -A EXECS RESULT
found=0
for t in "${TARGETS[@]}"; do
    corpus="$FUZZ_DIR/corpus/$t"
    artifacts="$FUZZ_DIR/artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    cp -n "$FUZZ_DIR/seeds/$t"/* "$corpus"/ 2>/dev/null || true
    dict=()
    [[ -f "$FUZZ_DIR/dicts/$t.dict" ]] && dict=("-dict=$FUZZ_DIR/dicts/$t.dict")
    before=$(find "$artifacts" -type f | sort)
    log="$LOG_DIR/$t.log"
    echo "== $t: ${SECONDS_PER_TARGET}s, corpus $corpus ($(find "$corpus" -type f | wc -l) inputs)" >&2
    status=0
    nice -n 19 "$BIN_DIR/$t" "$corpus" \
        -max_total_time="$SECONDS_PER_TARGET" \
        -rss_limit_mb="$RSS_LIMIT_MB" \
        -timeout="$TIMEOUT_S" \
        -print_final_stats=1 \
        -artifact_prefix="$artifacts/" \
        "${dict[@]}" >"$log" 2>&1 || status=$?
    rm -f "$TMPDIR"/framing-fuzz-"$t"-*
    EXECS[$t]=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    new=$(comm -13 <(echo "$before") <(find "$artifacts" -type f | sort) | sed '/^$/d')
    if [[ -n $new ]]; then
        found=1
        RESULT[$t]="ARTIFACT: $(echo "$new" | tr '\n' ' ')"
        grep -m 3 -E '^==[0-9]+== ERROR|panicked at|^SUMMARY' "$log" >&2 || true
    elif [[ $status -ne 0 ]]; then
        found=1
        RESULT[$t]="exit status $status without artifact (see $log)"
    else
        RESULT[$t]="no crash"
    fi
done

echo
printf '%-15s %14s  %s\n' target executions result
for t in "${TARGETS[@]}"; do
    printf '%-15s %14s  %s\n' "$t" "${EXECS[$t]:-?}" "${RESULT[$t]}"
done
echo "logs: $LOG_DIR/<target>.log"
exit "$found"
