#!/usr/bin/env bash
# Benchmarks (`make bench`): builds tests/bench/bench_lang.c against
# $BUILD/libpalisade.a with the Makefile's flags and runs it.  Every figure
# is printed beside a baseline measured in the same run; nothing asserts a
# time, so this never fails because a machine is slow.  A sanitizer build
# ($BUILD=build-asan) runs, but its numbers mean nothing.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
PKGS="libpcre2-8 libarchive libcjson yaml-0.1 hivex libsodium"
CC=${CC:-cc}
OPT=${OPT:--O2 -g}

[ -f "$BUILD/libpalisade.a" ] || { echo "bench: $BUILD/libpalisade.a is missing; run make first" >&2; exit 2; }
mkdir -p "$BUILD/bench"
# shellcheck disable=SC2086  # flag lists split on purpose
$CC -std=c11 -D_GNU_SOURCE $OPT -Wall -Wextra -Wno-unused-parameter -I. -Iengine -Ilang -I"$BUILD/gen" \
    $(pkg-config --cflags $PKGS) -o "$BUILD/bench/bench_lang" tests/bench/bench_lang.c \
    "$BUILD/libpalisade.a" $(pkg-config --libs $PKGS) -lm -lpthread

if nm "$BUILD/libpalisade.a" 2>/dev/null | grep -q '__asan_'; then
    echo "bench: WARNING: $BUILD/libpalisade.a is built with sanitizers; the figures are not meaningful"
fi
echo "palisade bench — $(git describe --always --dirty 2>/dev/null || echo unknown), $($CC --version | head -n1)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //' || uname -m)"
echo
"$BUILD/bench/bench_lang"
