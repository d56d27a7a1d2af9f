#!/usr/bin/env bash
# Benchmarks (`make bench`): builds tests/bench/bench_lang.c and bench_index.c against
# $BUILD/libpalisade.a with the Makefile's flags and runs them, then times
# `palisade eval` on a generated 100k-line ECS file against a cJSON
# parse-only loop and `jq -c .` over the same file (`run.sh index` runs
# only that and the rule-index part).  Every figure is printed beside a
# baseline measured in the same run; nothing asserts a time, so this never
# fails because a machine is slow.  A sanitizer build
# ($BUILD=build-asan) runs, but its numbers mean nothing.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
PKGS="libpcre2-8 libarchive libcjson yaml-0.1 hivex libsodium zlib"
CC=${CC:-cc}
OPT=${OPT:--O2 -g}

[ -f "$BUILD/libpalisade.a" ] || { echo "bench: $BUILD/libpalisade.a is missing; run make first" >&2; exit 2; }
mkdir -p "$BUILD/bench"
# shellcheck disable=SC2086  # flag lists split on purpose
$CC -std=c11 -D_GNU_SOURCE $OPT -Wall -Wextra -Wno-unused-parameter -I. -I"$BUILD/gen" \
    $(pkg-config --cflags $PKGS) -o "$BUILD/bench/bench_lang" tests/bench/bench_lang.c \
    "$BUILD/libpalisade.a" $(pkg-config --libs $PKGS) -lm -lpthread

if nm "$BUILD/libpalisade.a" 2>/dev/null | grep -q '__asan_'; then
    echo "bench: WARNING: $BUILD/libpalisade.a is built with sanitizers; the figures are not meaningful"
fi
echo "palisade bench — $(git describe --always --dirty 2>/dev/null || echo unknown), $($CC --version | head -n1)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //' || uname -m)"
echo
# `run.sh index` runs only the index and eval-throughput parts below
if [ "${1:-all}" != index ]; then "$BUILD/bench/bench_lang"; fi

# ---- the rule index (tests/bench/bench_index.c) and `palisade eval` throughput ----
# shellcheck disable=SC2086
$CC -std=c11 -D_GNU_SOURCE $OPT -Wall -Wextra -Wno-unused-parameter -I. -I"$BUILD/gen" \
    $(pkg-config --cflags $PKGS) -o "$BUILD/bench/bench_index" tests/bench/bench_index.c \
    "$BUILD/libpalisade.a" $(pkg-config --libs $PKGS) -lm -lpthread
echo
"$BUILD/bench/bench_index" rules

PAL="$BUILD/palisade"
if [ ! -x "$PAL" ]; then
    echo "D. eval throughput: $PAL is missing (run make first); skipped"
    exit 0
fi
EVENTS_N=100000
TMP=$(mktemp -d "${TMPDIR:-/tmp}/palisade-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
"$BUILD/bench/bench_index" gen-events "$TMP/events.jsonl" $EVENTS_N
"$BUILD/bench/bench_index" gen-policy "$TMP/rules1k" 1000

# CPU seconds (user + sys) of a command, output discarded: the machine may
# be shared, and wall time would measure the neighbours.  Exit status 1 is
# `palisade eval` reporting findings; 2 and above is a failure.
cpu() {
    local TIMEFORMAT='%3U %3S' t rc=0
    t=$( { time "$@" >/dev/null 2>&1; } 2>&1 ) || rc=$?
    if [ "$rc" -ge 2 ]; then echo "bench: '$*' failed (exit $rc)" >&2; echo fail; return; fi
    echo "$t" | tail -n1 | awk '{ printf "%.3f", $1 + $2 }'
}
best() {   # best of 3
    local b="" t
    for _ in 1 2 3; do
        t=$(cpu "$@")
        if [ "$t" = fail ]; then echo fail; return; fi
        if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; fi
    done
    echo "$b"
}
floor=$(for _ in 1 2 3; do "$BUILD/bench/bench_index" parse-floor "$TMP/events.jsonl"; done | sort -n | head -n1 | cut -d' ' -f1)
jq_t=""
if command -v jq >/dev/null 2>&1; then jq_t=$(best jq -c . "$TMP/events.jsonl"); fi
def_i=$(best "$PAL" eval --events "$TMP/events.jsonl")
def_n=$(PALISADE_INDEX=0 best "$PAL" eval --events "$TMP/events.jsonl")
gen_i=$(best "$PAL" eval --policy "$TMP/rules1k" --events "$TMP/events.jsonl")
gen_n=$(PALISADE_INDEX=0 best "$PAL" eval --policy "$TMP/rules1k" --events "$TMP/events.jsonl")
if ! cmp -s <("$PAL" eval --policy "$TMP/rules1k" --events "$TMP/events.jsonl" 2>/dev/null) \
            <(PALISADE_INDEX=0 "$PAL" eval --policy "$TMP/rules1k" --events "$TMP/events.jsonl" 2>/dev/null); then
    echo "bench: palisade eval decides differently with and without the index" >&2
    exit 1
fi

size=$(wc -c < "$TMP/events.jsonl")
echo "D. palisade eval throughput: $EVENTS_N ECS lines ($((size / 1000000)) MB; process, network, dns, file),"
echo "   CPU seconds (user + sys), best of 3, output to /dev/null; ratios against the cJSON floor"
row() {   # label seconds
    if [ "$2" = fail ]; then printf '   %-61s failed\n' "$1"; return; fi
    awk -v l="$1" -v t="$2" -v n=$EVENTS_N -v f="$floor" \
        'BEGIN { printf "   %-61s %7.3f s %9.0f ev/s %6.2fx\n", l, t, n / t, t / f }'
}
row "baseline a: cJSON parse + free per line (no decision)" "$floor"
[ -n "$jq_t" ] && row "baseline b: jq -c . (parse and print, no decision)" "$jq_t"
row "palisade eval, default policies, index" "$def_i"
row "palisade eval, default policies, no index (PALISADE_INDEX=0)" "$def_n"
row "palisade eval, 1,000 generated rules, index" "$gen_i"
row "palisade eval, 1,000 generated rules, no index" "$gen_n"
echo "   (decisions with and without the index compared line by line on the 1,000-rule run: identical)"
