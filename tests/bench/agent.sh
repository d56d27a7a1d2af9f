#!/usr/bin/env bash
# The agent at line rate (`make bench`, or `BUILD=build bash tests/bench/agent.sh [N]`):
#  A. throughput: `palisade agent --threads 1` and `--threads 2` (and
#     `eval --threads 1/2`, the same machinery) on N generated ECS lines
#     (default 1,000,000; tests/bench/bench_index.c gen-events) from a file
#     on standard input, decisions to /dev/null: wall seconds, best of 3,
#     runs interleaved, and the ratio of --threads 2 to --threads 1 measured
#     in the same run (wall time: the point of threads is to finish sooner;
#     CPU seconds and CPU/wall, the cores the process kept busy, are printed
#     beside it, and the cores other processes kept busy and the load
#     average before and after the runs, since the machine may be shared);
#  B. memory: peak RSS of `agent --threads 2` on 100k lines and on N lines
#     (flat in the stream's length: batches and buffers are reused);
#  C. the decision socket while a stream runs: tests/bench/decision_load.c
#     sends requests at 1,000/s and 20,000/s (open loop, one connection)
#     to an agent --threads 2 whose standard input is an endless stream of
#     the same events, and prints p50/p99/p99.9 beside the same load on an
#     agent with no stream.
# BENCH_ONLY=AC (say) runs only those parts.  Nothing asserts a time.  A
# sanitizer build runs, but its figures mean nothing.
set -eu
cd "$(dirname "$0")/../.."
# shellcheck source=tests/bench/lib.sh
. tests/bench/lib.sh
BUILD=${BUILD:-build}
N=${1:-1000000}
PKGS="libpcre2-8 libarchive libcjson yaml-0.1 hivex libsodium zlib sqlite3"
CC=${CC:-cc}
OPT=${OPT:--O2 -g}
PAL="$BUILD/palisade"
[ -x "$PAL" ] && [ -f "$BUILD/libpalisade.a" ] || { echo "bench agent: $PAL is missing; run make first" >&2; exit 2; }
mkdir -p "$BUILD/bench"
# shellcheck disable=SC2086  # flag lists split on purpose
$CC -std=c11 -D_GNU_SOURCE $OPT -Wall -Wextra -Wno-unused-parameter -I. -I"$BUILD/gen" \
    $(pkg-config --cflags $PKGS) -o "$BUILD/bench/bench_index" tests/bench/bench_index.c \
    "$BUILD/libpalisade.a" $(pkg-config --libs $PKGS) -lm -lpthread
$CC -std=c11 -D_GNU_SOURCE $OPT -Wall -Wextra -o "$BUILD/bench/decision_load" tests/bench/decision_load.c -lpthread
if nm "$BUILD/libpalisade.a" 2>/dev/null | grep -q '__asan_'; then
    echo "bench agent: WARNING: built with sanitizers; the figures are not meaningful"
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/palisade-bench-agent.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
"$BUILD/bench/bench_index" gen-events "$TMP/events.jsonl" "$N"
head -n 100000 "$TMP/events.jsonl" > "$TMP/events100k.jsonl"
size=$(wc -c < "$TMP/events.jsonl")
echo "palisade agent bench — $(git describe --always --dirty 2>/dev/null || echo unknown); $(nproc) cores"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine slows the threaded runs most)"
echo

# wall and CPU seconds of one run, output to /dev/null; "fail" on exit >= 2
run() {
    local TIMEFORMAT='%3R %3U %3S' t rc=0
    t=$( { time "$@" < "$TMP/events.jsonl" >/dev/null 2>"$TMP/err"; } 2>&1 ) || rc=$?
    if [ "$rc" -ge 2 ]; then echo "bench agent: '$*' failed (exit $rc): $(tail -n2 "$TMP/err")" >&2; echo fail; return; fi
    echo "$t" | tail -n1 | awk '{ printf "%.3f %.3f", $1, $2 + $3 }'
}
ONLY=${BENCH_ONLY:-ABC}
declare -A wall cpu
if [[ $ONLY == *A* ]]; then
busy0=$(busy_cores) load0=$(cut -d' ' -f1-3 /proc/loadavg)
labels=("agent --threads 1" "agent --threads 2" "eval --threads 1" "eval --threads 2")
cmds=("$PAL agent --threads 1" "$PAL agent --threads 2" "$PAL eval --events - --threads 1" "$PAL eval --events - --threads 2")
for _ in 1 2 3; do
    for i in "${!labels[@]}"; do
        # shellcheck disable=SC2086
        r=$(run ${cmds[$i]})
        [ "$r" = fail ] && exit 1
        w=${r% *}; c=${r#* }
        l=${labels[$i]}
        if [ -z "${wall[$l]:-}" ] || awk -v a="$w" -v b="${wall[$l]}" 'BEGIN { exit !(a < b) }'; then
            wall[$l]=$w; cpu[$l]=$c
        fi
    done
done
busy1=$(busy_cores) load1=$(cut -d' ' -f1-3 /proc/loadavg)
echo "A. throughput: $N ECS lines ($((size / 1000000)) MB), default policies, every decision written to /dev/null;"
echo "   wall seconds, best of 3; CPU/wall = the cores the process kept busy (user + sys over wall)"
echo "   the machine: other processes kept $busy0 of $(nproc) cores busy in the second before these runs, $busy1 in"
echo "   the second after; load average $load0 before, $load1 after"
if awk -v a="$busy0" -v b="$busy1" 'BEGIN { exit !(a + 0 > 0.3 || b + 0 > 0.3) }'; then
    echo "   WARNING: the machine is busy: --threads 2 gets what the other processes leave, not two cores"
    # With autogroup scheduling each session's processes share one
    # scheduling entity: against busy sessions, two threads get the share
    # one would, and CPU/wall stays near 1.0 however the work is split.
    [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null)" = 1 ] &&
        echo "   (sched_autogroup_enabled=1: CPU is shared between sessions, not threads: against busy sessions two threads get no more than one)"
fi
for l in "${labels[@]}"; do
    awk -v l="$l" -v w="${wall[$l]}" -v c="${cpu[$l]}" -v n="$N" \
        'BEGIN { printf "   %-22s %7.3f s wall %7.3f s CPU %5.2fx CPU/wall %10.0f ev/s\n", l, w, c, c / w, n / w }'
done
awk -v a="${wall[agent --threads 1]}" -v b="${wall[agent --threads 2]}" -v c="${wall[eval --threads 1]}" -v d="${wall[eval --threads 2]}" \
    'BEGIN { printf "   agent --threads 2 / --threads 1: %.2fx the events per second (eval: %.2fx)\n", a / b, c / d }'
# the same bytes whatever the threads
if ! cmp -s <("$PAL" agent --threads 1 < "$TMP/events100k.jsonl" 2>/dev/null) \
            <("$PAL" agent --threads 2 < "$TMP/events100k.jsonl" 2>/dev/null); then
    echo "bench agent: --threads 2 decides differently from --threads 1" >&2
    exit 1
fi
echo "   (the decisions of --threads 1 and 2 compared byte for byte on 100k lines: identical)"
echo
fi

rss() {   # peak RSS in KiB of the agent on a file
    /usr/bin/time -f %M "$PAL" agent --threads 2 < "$1" 2>&1 >/dev/null | tail -n1
}
if [[ $ONLY != *B* ]]; then :
elif [ -x /usr/bin/time ]; then
    r1=$(rss "$TMP/events100k.jsonl"); r2=$(rss "$TMP/events.jsonl")
    echo "B. memory: peak RSS of agent --threads 2: $r1 KiB on 100k lines, $r2 KiB on $N lines ($(awk -v a="$r1" -v b="$r2" 'BEGIN { printf "%.2fx", b / a }'))"
else
    echo "B. memory: /usr/bin/time is missing; skipped"
fi
echo

# C. an agent serving a decision socket, with or without a stream on its standard input
latency() {   # label stream(0/1) rate
    local sock="$TMP/d$RANDOM.sock" feeder="" ap
    if [ "$2" = 1 ]; then
        ( while :; do cat "$TMP/events100k.jsonl"; done ) | "$PAL" agent --threads 2 --decision-socket "$sock" \
            >/dev/null 2>"$TMP/agent.err" &
        ap=$!
    else
        "$PAL" agent --threads 2 --decision-socket "$sock" </dev/null >/dev/null 2>"$TMP/agent.err" &
        ap=$!
    fi
    pids+=("$ap")
    for _ in $(seq 200); do [ -S "$sock" ] && break; sleep 0.05; done
    [ "$2" = 1 ] && sleep 1    # the stream is flowing
    local agent_pid
    agent_pid=$(pgrep -n -f -- "--decision-socket $sock" || true)
    [ -n "$agent_pid" ] && kill -USR1 "$agent_pid" 2>/dev/null || true
    sleep 0.1
    local before
    before=$(grep -o 'events_in=[0-9]*' "$TMP/agent.err" | tail -n1 | cut -d= -f2)
    local t0 t1 out
    t0=$(date +%s.%N)
    out=$("$BUILD/bench/decision_load" "$sock" "$3" 3 "$TMP/events100k.jsonl" || echo "FAILED")
    t1=$(date +%s.%N)
    [ -n "$agent_pid" ] && kill -USR1 "$agent_pid" 2>/dev/null || true
    sleep 0.1
    local after
    after=$(grep -o 'events_in=[0-9]*' "$TMP/agent.err" | tail -n1 | cut -d= -f2)
    [ -n "$agent_pid" ] && kill -TERM "$agent_pid" 2>/dev/null || true
    kill "$ap" 2>/dev/null || true
    wait "$ap" 2>/dev/null || true
    local stream=""
    if [ "$2" = 1 ] && [ -n "$before" ] && [ -n "$after" ]; then
        stream=$(awk -v a="$before" -v b="$after" -v t0="$t0" -v t1="$t1" -v r="$3" \
            'BEGIN { printf "; stream %.0f ev/s", (b - a - r * 3) / (t1 - t0) }')
    fi
    printf '   %-34s %s%s\n' "$1" "$out" "$stream"
}
[[ $ONLY == *C* ]] || exit 0
echo "C. decision socket latency (one connection, open loop, 3 s each; latency from the scheduled send to the reply)"
latency "1k req/s, no stream" 0 1000
latency "1k req/s, stream on stdin" 1 1000
latency "20k req/s, no stream" 0 20000
latency "20k req/s, stream on stdin" 1 20000
exit 0   # the last latency call's status is a condition test, not a failure of the bench
