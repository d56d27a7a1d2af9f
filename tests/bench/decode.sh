#!/usr/bin/env bash
# decode.sh — the event decoder alone (tests/bench/bench_decode.c): the tree
# decoder and the default one (the pull reader's fast path) on generated
# ECS lines, nested, dotted and mixed, as rates beside a cJSON parse-only
# floor and the strict reader's own validate-and-skip floor, measured in the
# same run, with how many lines the fast path gave to the tree.  CPU time
# and ratios only; nothing asserts a time.
#
#   EVENTS_N=1000000 tests/bench/decode.sh     # default 200000 lines
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
EVENTS_N=${EVENTS_N:-200000}
PKGS="libpcre2-8 libarchive libcjson yaml-0.1 hivex libsodium zlib"
CC=${CC:-cc}
OPT=${OPT:--O2 -g}
[ -f "$BUILD/libpalisade.a" ] || { echo "decode bench: $BUILD/libpalisade.a is missing; run make first" >&2; exit 2; }
mkdir -p "$BUILD/bench"
for b in bench_index bench_decode; do
    # shellcheck disable=SC2086  # flag lists split on purpose
    $CC -std=c11 -D_GNU_SOURCE $OPT -Wall -Wextra -Wno-unused-parameter -I. -I"$BUILD/gen" \
        $(pkg-config --cflags $PKGS) -o "$BUILD/bench/$b" tests/bench/$b.c \
        "$BUILD/libpalisade.a" $(pkg-config --libs $PKGS) -lm -lpthread
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/palisade-bench-decode.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
"$BUILD/bench/bench_index" gen-events "$TMP/events.jsonl" "$EVENTS_N"
"$BUILD/bench/bench_decode" "$TMP/events.jsonl" policies
