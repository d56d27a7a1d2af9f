#!/usr/bin/env bash
# Benchmarks (`make bench` runs this, then runtime.sh, inventory.sh, scan.sh
# and vuln.sh): builds tests/bench/bench_lang.c and bench_index.c against
# $BUILD/libpalisade.a with the Makefile's flags and runs them (A-C), then
# D: what the rule index buys end to end, `palisade eval` with the index
# and with PALISADE_INDEX=0 on BENCH_INDEX_EVENTS (default 100,000) lines
# that name the generated rules.  The line-rate figures (eval and the
# agent against cJSON, simdjson and jq, issue 13) are runtime.sh's.
# `run.sh index` runs only C and D.  Every figure is printed beside a
# baseline measured in the same run; nothing asserts a time, so this never
# fails because a machine is slow.  A sanitizer build ($BUILD=build-asan)
# runs, but its numbers mean nothing.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
CC=${CC:-cc}
OPT=${OPT:--O2 -g}
RUNS=${BENCH_RUNS:-3}
# shellcheck source=tests/bench/lib.sh
. tests/bench/lib.sh

[ -f "$BUILD/libpalisade.a" ] || { echo "bench: $BUILD/libpalisade.a is missing; run make first" >&2; exit 2; }
bench_build_c "$BUILD/bench/bench_lang" tests/bench/bench_lang.c

if nm "$BUILD/libpalisade.a" 2>/dev/null | grep -q '__asan_'; then
    echo "bench: WARNING: $BUILD/libpalisade.a is built with sanitizers; the figures are not meaningful"
fi
echo "palisade bench — $(git describe --always --dirty 2>/dev/null || echo unknown), $($CC --version | head -n1)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //' || uname -m)"
echo
# `run.sh index` runs only the index and eval parts below
if [ "${1:-all}" != index ]; then "$BUILD/bench/bench_lang"; fi

# ---- the rule index (tests/bench/bench_index.c) and `palisade eval` with and without it ----
bench_build_c "$BUILD/bench/bench_index" tests/bench/bench_index.c
bench_measure_tool
echo
"$BUILD/bench/bench_index" rules

PAL="$BUILD/palisade"
if [ ! -x "$PAL" ]; then
    echo "D. eval with and without the index: $PAL is missing (run make first); skipped"
    exit 0
fi
EVENTS_N=${BENCH_INDEX_EVENTS:-100000}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/palisade-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
"$BUILD/bench/bench_index" gen-index-events "$TMP/events.jsonl" "$EVENTS_N"
"$BUILD/bench/bench_index" gen-policy "$TMP/rules1k" 1000
cat "$TMP/events.jsonl" >/dev/null

if ! cmp -s <("$PAL" eval --policy "$TMP/rules1k" --events "$TMP/events.jsonl" 2>/dev/null) \
            <(PALISADE_INDEX=0 "$PAL" eval --policy "$TMP/rules1k" --events "$TMP/events.jsonl" 2>/dev/null); then
    echo "bench: palisade eval decides differently with and without the index" >&2
    exit 1
fi
findings=$("$PAL" eval --only-findings --policy "$TMP/rules1k" --events "$TMP/events.jsonl" 2>/dev/null | wc -l)
BEST_OK=1 bench_best "$RUNS" /dev/null "$PAL" eval --events "$TMP/events.jsonl"; def_i=$BEST_CPU
PALISADE_INDEX=0 BEST_OK=1 bench_best "$RUNS" /dev/null "$PAL" eval --events "$TMP/events.jsonl"; def_n=$BEST_CPU
BEST_OK=1 bench_best "$RUNS" /dev/null "$PAL" eval --policy "$TMP/rules1k" --events "$TMP/events.jsonl"; gen_i=$BEST_CPU
PALISADE_INDEX=0 BEST_OK=1 bench_best "$RUNS" /dev/null "$PAL" eval --policy "$TMP/rules1k" --events "$TMP/events.jsonl"; gen_n=$BEST_CPU

size=$(wc -c < "$TMP/events.jsonl")
echo "D. what the index buys end to end: palisade eval, every decision printed to /dev/null, on $EVENTS_N"
echo "   lines of the pool's shape ($((size / EVENTS_N)) bytes on average, nested ECS; about 1 in 3 names a"
echo "   generated rule, and $findings get findings from the 1,000 rules); CPU seconds of the whole process,"
echo "   best of $RUNS; \"index speed-up\" = events/s with the index over events/s without it"
row() {   # label seconds-with seconds-without
    printf '   %-40s index %7s s %9s ev/s   no index %7s s %9s ev/s   index speed-up %sx\n' "$1" "$2" \
        "$(bench_rate "$EVENTS_N" "$2")" "$3" "$(bench_rate "$EVENTS_N" "$3")" "$(bench_x "$3" "$2")"
}
row "default policies" "$def_i" "$def_n"
row "1,000 generated rules" "$gen_i" "$gen_n"
echo "   (decisions with and without the index compared line by line on the 1,000-rule run: identical;"
echo "    eval's rate against JSON parsers on realistic events is part E, tests/bench/runtime.sh)"
