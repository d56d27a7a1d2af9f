#!/usr/bin/env bash
# runtime.sh — the runtime at line rate (issue 13), end to end, against
# baselines measured in the same run.
#
# Generates BENCH_EVENTS (default 1,000,000) ECS lines with
# `bench_index gen-events` (tests/bench/ecs_gen.h: nested, dotted and mixed
# layouts, process / network / dns / file, Linux and Windows, about 1% that
# the default policies flag) and times, on that one file:
#   baseline a  cJSON parse + free of every line       (bench_index parse-floor)
#   baseline b  simdjson On-Demand finding event.category in every line
#               (tests/bench/simdjson_floor.cpp, Debian's libsimdjson-dev;
#               installed here when missing and we are root, else SKIP)
#   baseline c  jq -c . > /dev/null, over the first BENCH_JQ_EVENTS lines
#               (default 100,000: jq is slow, and a rate is a rate)
#   palisade eval --only-findings, default policies
#   palisade eval --only-findings, default policies but chains.pal (a copy of
#               policies/ without it: what the correlations cost shows as the
#               difference)
#   palisade eval, every decision printed
#   palisade agent, the file on standard input, decisions to /dev/null, and,
#               when the agent takes --threads, with --threads 1 and
#               --threads BENCH_THREADS (default 2); SKIP otherwise
# Every figure is CPU seconds (user + sys) of the whole process, best of
# BENCH_RUNS (default 3), printed as events/s and as a ratio of events/s
# to each baseline's (above 1: faster than it), beside the issue's target.
# The --threads comparison is in wall-clock time, the only clock a
# parallel speed-up shows in, so it is as good as the machine is idle:
# the cores other processes kept busy just before and after are printed
# with it, and a warning when that is more than a third of a core.  Then peak RSS of the agent on the
# first BENCH_EVENTS_SMALL lines (default 100,000) and on all of them:
# memory must be flat in the stream's length.
#
# Before timing, it checks what it times: the generated layouts decode to
# identical records (bench_index check-layouts), and on the small file
# eval prints one decision per line, --only-findings exactly the decisions
# with findings, and the agent (each --threads too) the same decision
# lines as eval, in input order.  Nothing asserts a time; a target not met
# is printed as such, never an error.
#
#   BENCH_EVENTS=200000 BENCH_RUNS=1 tests/bench/runtime.sh    # quicker
#   KEEP=1 ...                                                  # keep the temp dir
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
PAL=${PALISADE:-$PWD/$BUILD/palisade}
EVENTS=${BENCH_EVENTS:-1000000}
SMALL=${BENCH_EVENTS_SMALL:-100000}
JQ_EVENTS=${BENCH_JQ_EVENTS:-100000}
RUNS=${BENCH_RUNS:-3}
THREADS=${BENCH_THREADS:-2}
# shellcheck source=tests/bench/lib.sh
. tests/bench/lib.sh

if [ ! -x "$PAL" ] || [ ! -f "$BUILD/libpalisade.a" ]; then echo "runtime bench: build first (make)" >&2; exit 2; fi
[ "$SMALL" -le "$EVENTS" ] || SMALL=$EVENTS
[ "$JQ_EVENTS" -le "$EVENTS" ] || JQ_EVENTS=$EVENTS
TMP=$(mktemp -d "${TMPDIR:-/tmp}/palisade-bench-rt.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$TMP"' EXIT

bench_measure_tool || exit 2
bench_build_c "$BUILD/bench/bench_index" tests/bench/bench_index.c || exit 2
IDX="$BUILD/bench/bench_index"

# baseline b needs a C++ compiler and libsimdjson-dev (bench only: not in DEB_DEPS)
SIMD=""
simd_why=""
if ! pkg-config --exists simdjson 2>/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "runtime bench: installing libsimdjson-dev for the simdjson baseline (bench only)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libsimdjson-dev g++ >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 &&
          DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libsimdjson-dev g++ >/dev/null 2>&1; }
fi
# shellcheck disable=SC2046  # flag lists split on purpose
if ! pkg-config --exists simdjson 2>/dev/null; then
    simd_why="libsimdjson-dev is not installed (apt-get install libsimdjson-dev)"
elif ! command -v "${CXX:-g++}" >/dev/null 2>&1; then
    simd_why="no C++ compiler (${CXX:-g++})"
elif ! "${CXX:-g++}" -std=c++17 -O2 -Wall -Wextra $(pkg-config --cflags simdjson) -o "$BUILD/bench/simdjson_floor" \
        tests/bench/simdjson_floor.cpp $(pkg-config --libs simdjson) 2>"$TMP/simd.err"; then
    simd_why="tests/bench/simdjson_floor.cpp does not build: $(head -n 3 "$TMP/simd.err")"
else
    SIMD="$BUILD/bench/simdjson_floor"
fi

# ---- the input, and checks that the figures are about what they say ----
EV="$TMP/events.jsonl"
"$IDX" gen-events "$EV" "$EVENTS" || exit 2
head -n "$SMALL" "$EV" >"$TMP/small.jsonl"
head -n "$JQ_EVENTS" "$EV" >"$TMP/jq.jsonl"
layouts=$("$IDX" check-layouts 20000) || exit 2
cat "$EV" >/dev/null   # the page cache, not the disk

"$PAL" eval --events "$TMP/small.jsonl" >"$TMP/all.out" 2>"$TMP/eval.err"
[ $? -le 1 ] || { echo "runtime bench: palisade eval failed: $(tail -n 3 "$TMP/eval.err")" >&2; exit 2; }
"$PAL" eval --only-findings --events "$TMP/small.jsonl" >"$TMP/findings.out" 2>/dev/null
n_all=$(wc -l <"$TMP/all.out")
n_find=$(grep -vc '"matches":\[\]' "$TMP/all.out")
n_err=$(grep -c '"error"' "$TMP/all.out")
[ "$n_all" -eq "$SMALL" ] || { echo "runtime bench: eval printed $n_all decisions for $SMALL lines" >&2; exit 2; }
if ! cmp -s "$TMP/findings.out" <(grep -v '"matches":\[\]' "$TMP/all.out"); then
    echo "runtime bench: eval --only-findings does not print exactly the decisions with findings" >&2
    exit 2
fi
[ "$n_err" -eq 0 ] || { echo "runtime bench: $n_err generated lines get an error decision: a generator bug" >&2; exit 2; }
# the floors read every line of it too
floor_lines=$("$IDX" parse-floor "$TMP/small.jsonl" | cut -d' ' -f2)
[ "$floor_lines" = "$SMALL" ] || { echo "runtime bench: the cJSON floor read $floor_lines of $SMALL lines" >&2; exit 2; }
if [ -n "$SIMD" ]; then
    simd_check=$("$SIMD" "$TMP/small.jsonl") || exit 2
    [ "${simd_check%% *}" = "$SMALL" ] ||
        { echo "runtime bench: the simdjson floor read ${simd_check%% *} of $SMALL lines" >&2; exit 2; }
fi
# same_as_eval LABEL ARGS...: the agent's decisions on the small file are eval's
same_as_eval() {
    local label=$1
    shift
    "$PAL" agent "$@" <"$TMP/small.jsonl" >"$TMP/agent.out" 2>"$TMP/agent.err" ||
        { echo "runtime bench: $label failed: $(tail -n 3 "$TMP/agent.err")" >&2; exit 2; }
    # the agent's lines say "event" (what correlation members name an event by); eval's do not
    sed -E 's/^(\{"line":[0-9]+),"event":[0-9]+,/\1,/' "$TMP/agent.out" | cmp -s - "$TMP/all.out" ||
        { echo "runtime bench: $label decides differently from eval, or out of order ($(wc -l <"$TMP/agent.out") lines)" >&2; exit 2; }
}
same_as_eval "palisade agent"
# --threads: a flag the agent may not have yet
HAS_THREADS=""
if "$PAL" agent --threads 1 </dev/null >/dev/null 2>&1; then
    HAS_THREADS=1
    same_as_eval "palisade agent --threads 1" --threads 1
    same_as_eval "palisade agent --threads $THREADS" --threads "$THREADS"
fi

# ---- timing ----
bench_best "$RUNS" /dev/null "$IDX" parse-floor "$EV"; cj=$BEST_CPU
simd=""
if [ -n "$SIMD" ]; then bench_best "$RUNS" /dev/null "$SIMD" "$EV"; simd=$BEST_CPU; fi
jqt=""
if command -v jq >/dev/null 2>&1; then bench_best "$RUNS" /dev/null jq -c . "$TMP/jq.jsonl"; jqt=$BEST_CPU; fi
BEST_OK=1 bench_best "$RUNS" /dev/null "$PAL" eval --only-findings --events "$EV"; ev_find=$BEST_CPU
ev_nochain=""
if [ -f policies/chains.pal ]; then
    mkdir -p "$TMP/nochains" && cp -r policies/. "$TMP/nochains/" && rm -f "$TMP/nochains/chains.pal"
    BEST_OK=1 bench_best "$RUNS" /dev/null "$PAL" eval --only-findings --policy "$TMP/nochains" --events "$EV"
    ev_nochain=$BEST_CPU
fi
BEST_OK=1 bench_best "$RUNS" /dev/null "$PAL" eval --events "$EV"; ev_all=$BEST_CPU
bench_best "$RUNS" "$EV" "$PAL" agent; ag=$BEST_CPU ag_rss=$BEST_RSS
bench_best 1 "$TMP/small.jsonl" "$PAL" agent; ag_small_rss=$BEST_RSS
if [ -n "$HAS_THREADS" ]; then
    load0=$(busy_cores)
    bench_best "$RUNS" "$EV" "$PAL" agent --threads 1; t1_cpu=$BEST_CPU t1_wall=$BEST_WALL t1_rss=$BEST_RSS
    bench_best "$RUNS" "$EV" "$PAL" agent --threads "$THREADS"; tn_cpu=$BEST_CPU tn_wall=$BEST_WALL tn_rss=$BEST_RSS
    load1=$(busy_cores)
    bench_best 1 "$TMP/small.jsonl" "$PAL" agent --threads "$THREADS"; tn_small_rss=$BEST_RSS
fi

# ---- figures ----
size=$(wc -c <"$EV")
cj_r=$(bench_rate "$EVENTS" "$cj")
simd_r=$( [ -n "$simd" ] && bench_rate "$EVENTS" "$simd" || echo "-")
jq_r=$( [ -n "$jqt" ] && bench_rate "$JQ_EVENTS" "$jqt" || echo "-")
printf 'E. the runtime at line rate (issue 13): %s generated ECS lines, %s bytes on average\n' "$EVENTS" "$((size / EVENTS))"
printf '   (half nested, a quarter each dotted and mixed; process, network, dns, file; Linux and Windows;\n'
printf '   %s of the first %s have findings), default policies\n' "$n_find" "$SMALL"
printf '   check: %s\n' "$layouts"
printf '   check: on the first %s lines eval prints one decision per line, --only-findings exactly those with\n' "$SMALL"
printf '   findings, and the agent%s the same lines as eval, in order\n' "${HAS_THREADS:+ (--threads 1 and $THREADS too)}"
printf '   CPU seconds (user + sys) of the whole process, best of %s, output to /dev/null;\n' "$RUNS"
printf '   "x cJSON" = events/s over baseline a'"'"'s events/s (above 1.00: faster than the floor), and so on\n'
printf '   %-52s %8s %10s %8s %8s %8s  %s\n' "" "CPU s" "events/s" "x cJSON" "x simd" "x jq" "target (issue 13)"
xs() { local x; x=$(bench_x "$1" "$2"); [ "$x" = - ] && echo "-" || echo "${x}x"; }   # "1.23x" or "-"
line() {   # label seconds events target
    local r
    r=$(bench_rate "$3" "$2")
    printf '   %-52s %8s %10s %8s %8s %8s  %s\n' "$1" "$2" "$r" "$(xs "$r" "$cj_r")" "$(xs "$r" "$simd_r")" \
        "$(xs "$r" "$jq_r")" "$4"
}
verdict() {   # rate floor-rate target
    local x
    x=$(bench_x "$1" "$2")
    [ "$x" = - ] && { echo "-"; return; }
    awk -v x="$x" -v t="$3" 'BEGIN { printf ">= %.2fx cJSON: %s", t, (x >= t ? "met" : "not met") }'
}
line "baseline a: cJSON parse + free, every line" "$cj" "$EVENTS" ""
if [ -n "$simd" ]; then line "baseline b: simdjson On-Demand, one field per line" "$simd" "$EVENTS" ""
else printf '   %-52s SKIP: %s\n' "baseline b: simdjson On-Demand, one field per line" "$simd_why"; fi
if [ -n "$jqt" ]; then line "baseline c: jq -c . > /dev/null (first $JQ_EVENTS lines)" "$jqt" "$JQ_EVENTS" ""
else printf '   %-52s SKIP: jq is not installed\n' "baseline c: jq -c . > /dev/null"; fi
line "palisade eval --only-findings" "$ev_find" "$EVENTS" "$(verdict "$(bench_rate "$EVENTS" "$ev_find")" "$cj_r" 2.5)"
[ -z "$ev_nochain" ] || line "  the same, policies/ without chains.pal" "$ev_nochain" "$EVENTS" ""
line "palisade eval, every decision printed" "$ev_all" "$EVENTS" "$(verdict "$(bench_rate "$EVENTS" "$ev_all")" "$cj_r" 1.5)"
line "palisade agent < FILE, every decision" "$ag" "$EVENTS" ""

echo
if [ -n "$HAS_THREADS" ]; then
    w1=$(bench_rate "$EVENTS" "$t1_wall") wn=$(bench_rate "$EVENTS" "$tn_wall")
    sp=$(bench_x "$wn" "$w1")
    printf '   the agent in parallel: wall-clock seconds, best of %s; other processes kept %s of %s cores busy\n' \
        "$RUNS" "$load0" "$(nproc)"
    printf '   in the second before these runs, %s in the second after\n' "$load1"
    if awk -v a="$load0" -v b="$load1" 'BEGIN { exit !(a + 0 > 0.3 || b + 0 > 0.3) }'; then
        printf '   WARNING: the machine is busy: the wall-clock figures below show what the other processes left\n'
        printf '   the agent, not its speed-up; rerun on an idle machine\n'
    fi
    printf '   %-52s %8s %10s %8s %8s\n' "" "wall s" "events/s" "CPU s" "CPU/wall"
    printf '   %-52s %8s %10s %8s %7sx\n' "palisade agent --threads 1" "$t1_wall" "$w1" "$t1_cpu" "$(bench_x "$t1_cpu" "$t1_wall")"
    printf '   %-52s %8s %10s %8s %7sx  %sx --threads 1   target >= 1.70x: %s\n' "palisade agent --threads $THREADS" "$tn_wall" \
        "$wn" "$tn_cpu" "$(bench_x "$tn_cpu" "$tn_wall")" "$sp" \
        "$(awk -v x="$sp" 'BEGIN { print (x != "-" && x >= 1.7 ? "met" : "not met") }')"
else
    printf '   %-52s SKIP: this palisade agent has no --threads option\n' "palisade agent --threads 1 / $THREADS"
fi

echo
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
printf '   peak RSS of the agent: memory must be flat in the stream'"'"'s length (%s lines over %s lines ~ 1.00)\n' \
    "$EVENTS" "$SMALL"
printf '   %-52s %14s %14s %8s\n' "" "$SMALL lines" "$EVENTS lines" "ratio"
rss_row() { printf '   %-52s %10s MiB %10s MiB %7sx\n' "$1" "$(mib "$2")" "$(mib "$3")" "$(bench_x "$3" "$2")"; }
rss_row "palisade agent" "$ag_small_rss" "$ag_rss"
if [ -n "$HAS_THREADS" ]; then
    rss_row "palisade agent --threads $THREADS" "$tn_small_rss" "$tn_rss"
    printf '   %-52s %14s %10s MiB\n' "palisade agent --threads 1" "" "$(mib "$t1_rss")"
fi
