# shellcheck shell=bash
# lib.sh — what the bench scripts share (sourced by run.sh, runtime.sh and agent.sh).
#
# bench_build_c OUT SRC        a C bench program against $BUILD/libpalisade.a,
#                              with the Makefile's flags
# bench_best RUNS IN CMD...    run CMD RUNS times, standard input from IN
#                              (/dev/null for none), output discarded, and set
#                              BEST_CPU   least user + sys CPU seconds of a run
#                              BEST_WALL  least wall-clock seconds of a run
#                              BEST_RSS   largest peak RSS of a run, in KiB
#                              or BEST_CPU=fail (with the reason on stderr)
#                              when a run exits above BEST_OK (default 0;
#                              BEST_OK=1 bench_best ... for `palisade eval`,
#                              whose 1 reports findings, not a failure)
# bench_rate N SECS            events per second
# bench_x A B                  A / B with two decimals ("-" when either is missing)
# busy_cores                   cores other processes keep busy over one quiet second
#
# Why CPU seconds: the machine is shared, and wall time would measure the
# neighbours; the best of RUNS is the run least disturbed by them.  Wall
# time is kept for what only it can show (a parallel agent's speed-up).
# The times come from tests/bench/measure.c (wait4 rusage, microseconds):
# bash's `time` and /usr/bin/time round to milliseconds and 10 ms.

BENCH_PKGS="libpcre2-8 libarchive libcjson yaml-0.1 hivex libsodium zlib sqlite3"

bench_build_c() {
    local out=$1 src=$2
    mkdir -p "$(dirname "$out")"
    # shellcheck disable=SC2046,SC2086  # flag lists split on purpose
    ${CC:-cc} -std=c11 -D_GNU_SOURCE ${OPT:--O2 -g} -Wall -Wextra -Wno-unused-parameter -I. -I"$BUILD/gen" \
        $(pkg-config --cflags $BENCH_PKGS) -o "$out" "$src" \
        "$BUILD/libpalisade.a" $(pkg-config --libs $BENCH_PKGS) -lm -lpthread
}

# measure.c has no palisade dependency; built once per run.
bench_measure_tool() {
    BENCH_MEASURE="$BUILD/bench/measure"
    mkdir -p "$BUILD/bench"
    ${CC:-cc} -std=c11 -O2 -Wall -Wextra -o "$BENCH_MEASURE" tests/bench/measure.c
}

bench_best() {
    local runs=$1 in=$2 r u s w k rc out
    shift 2
    BEST_CPU="" BEST_WALL="" BEST_RSS=0
    out=$(mktemp "${TMPDIR:-/tmp}/palisade-bench-m.XXXXXX")
    for r in $(seq "$runs"); do
        MEASURE_OUT=$out "$BENCH_MEASURE" "$@" <"$in" >/dev/null 2>"$out.err" || true
        read -r u s w k rc <"$out" || rc=127
        if [ "${rc:-127}" -gt "${BEST_OK:-0}" ]; then
            echo "bench: '$*' failed (exit ${rc:-?}, run $r): $(tail -n 3 "$out.err")" >&2
            BEST_CPU=fail BEST_WALL=fail
            rm -f "$out" "$out.err"
            return
        fi
        BEST_CPU=$(awk -v u="$u" -v s="$s" -v b="$BEST_CPU" 'BEGIN { t = u + s; if (b == "" || t < b) b = t; printf "%.3f", b }')
        BEST_WALL=$(awk -v w="$w" -v b="$BEST_WALL" 'BEGIN { if (b == "" || w < b) b = w; printf "%.3f", b }')
        [ "$k" -gt "$BEST_RSS" ] && BEST_RSS=$k
    done
    rm -f "$out" "$out.err"
}

bench_rate() { awk -v n="$1" -v t="$2" 'BEGIN { if (t == "fail" || t == "" || t <= 0) print "-"; else printf "%.0f", n / t }'; }

bench_x() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || a == "" || b == "" || b <= 0) print "-"; else printf "%.2f", a / b }'
}

# busy_cores: how many cores other processes keep busy, over one second
# in which this script runs nothing (from /proc/stat; "?" without it)
busy_cores() {
    local a b
    a=$(head -n1 /proc/stat 2>/dev/null) || { echo "?"; return; }
    sleep 1
    b=$(head -n1 /proc/stat)
    awk -v a="$a" -v b="$b" -v n="$(nproc)" 'BEGIN {
        split(a, x); split(b, y); tot = 0; idle = 0
        for (i = 2; i <= 9; i++) tot += y[i] - x[i]
        idle = (y[5] - x[5]) + (y[6] - x[6])
        printf "%.1f", (tot > 0 ? n * (tot - idle) / tot : 0) }'
}
