#!/usr/bin/env bash
# load.sh — loading a 10,000-rule bundle beside yara loading 10,000 compiled
# rules of comparable shape, in one run (`make bench` runs it).
#
# tests/bench/bench_load.c writes N rules (tests/bench/gen_rules.h) as
# palisade source and, rule for rule, as YARA source with the same
# literals and regexes; `palisade build` and `yarac` compile them.  Then
# bench_load times what an agent's reload does with the bundle (read,
# checksum, decode, verify, matchers, rule index: pal_bundle_load_verified
# and pal_runtime_new) and tests/bench/yara_load.c times yr_rules_load of
# the compiled rules: CPU seconds, the best of REPS runs in each of ROUNDS
# rounds taken in turn, so both see the same machine.  Printed as a ratio
# (palisade / yara, below 1.00 is faster); nothing asserts a time.  The
# same bundle signed, loaded with --verify-key's check, is printed beside.
#
# yara's side needs the Debian packages yara and libyara-dev
# (`make bench-deps`); without them this prints SKIP.
#
#   N=1000 tests/bench/load.sh      # another size
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
PALISADE=${PALISADE:-$PWD/$BUILD/palisade}
N=${N:-10000}
REPS=${REPS:-10}
ROUNDS=${ROUNDS:-3}
PKGS="libpcre2-8 libarchive libcjson yaml-0.1 hivex libsodium zlib"
CC=${CC:-cc}
OPT=${OPT:--O2 -g}
[ -x "$PALISADE" ] && [ -f "$BUILD/libpalisade.a" ] || { echo "load bench: build first (make)" >&2; exit 2; }

echo "E. loading $N compiled rules: palisade's bundle beside yara's compiled rules"
if ! command -v yarac >/dev/null 2>&1 || ! { pkg-config --exists yara 2>/dev/null || [ -f /usr/include/yara.h ]; }; then
    echo "   SKIP: yara and libyara-dev are not installed (make bench-deps)"
    exit 0
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/palisade-bench-load.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$TMP"' EXIT
mkdir -p "$BUILD/bench"
# shellcheck disable=SC2086  # flag lists split on purpose
$CC -std=c11 -D_GNU_SOURCE $OPT -Wall -Wextra -Wno-unused-parameter -I. -I"$BUILD/gen" $(pkg-config --cflags $PKGS) \
    -o "$BUILD/bench/bench_load" tests/bench/bench_load.c "$BUILD/libpalisade.a" $(pkg-config --libs $PKGS) -lm -lpthread \
    || exit 2
# shellcheck disable=SC2046
$CC -std=c11 -D_GNU_SOURCE $OPT -Wall -Wextra -o "$BUILD/bench/yara_load" tests/bench/yara_load.c \
    $(pkg-config --cflags --libs yara 2>/dev/null || echo -lyara) || exit 2

quiet() { "$@" >"$TMP/log" 2>&1 || { cat "$TMP/log" >&2; echo "load bench: '$*' failed" >&2; exit 2; }; }
quiet "$BUILD/bench/bench_load" gen "$TMP" "$N"
quiet "$PALISADE" build "$TMP/pal" -o "$TMP/rules.bundle" --revision bench
quiet "$PALISADE" keygen -o "$TMP/bench"
quiet "$PALISADE" build "$TMP/pal" -o "$TMP/signed.bundle" --revision bench --sign "$TMP/bench.key"
quiet yarac -w "$TMP/rules.yar" "$TMP/rules.yarc"

min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a + 0 < b + 0) ? a : b }'; }
pal_t="" pal_l="" pal_i="" sig_t="" yara_t="" nr_pal="" nr_yara=""
for _ in $(seq "$ROUNDS"); do
    read -r t l i nr_pal < <("$BUILD/bench/bench_load" load "$TMP/rules.bundle" "$REPS") || exit 2
    pal_t=$(min "$t" "$pal_t"); pal_l=$(min "$l" "$pal_l"); pal_i=$(min "$i" "$pal_i")
    read -r t _ _ _ < <("$BUILD/bench/bench_load" load "$TMP/signed.bundle" "$REPS" "$TMP/bench.pub") || exit 2
    sig_t=$(min "$t" "$sig_t")
    read -r t nr_yara < <("$BUILD/bench/yara_load" "$TMP/rules.yarc" "$REPS") || exit 2
    yara_t=$(min "$t" "$yara_t")
done
if [ "$nr_pal" != "$N" ] || [ "$nr_yara" != "$N" ]; then
    echo "load bench: loaded $nr_pal palisade rules and $nr_yara yara rules, not $N each" >&2
    exit 2
fi
kb() { echo $(( $(stat -c %s "$1") / 1000 )); }
echo "   bundle $(kb "$TMP/rules.bundle") kB, yara's compiled rules $(kb "$TMP/rules.yarc") kB;" \
     "CPU seconds, best of $REPS x $ROUNDS; ratio to yara's load"
row() { awk -v l="$1" -v t="$2" -v y="$yara_t" 'BEGIN { printf "   %-62s %8.2f ms %6.2fx\n", l, t * 1e3, t / y }'; }
row "baseline: yara, yr_rules_load of $N compiled rules" "$yara_t"
row "palisade: bundle load + verify + matchers + rule index" "$pal_t"
row "  of which pal_bundle_load_verified (read .. matchers)" "$pal_l"
row "  of which the rule index (pal_runtime_new)" "$pal_i"
row "palisade: the same bundle signed, checked against its key" "$sig_t"
