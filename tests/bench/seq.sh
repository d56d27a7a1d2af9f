#!/usr/bin/env bash
# seq.sh — correlations at line rate (issue 15): 100 sequence rules joined
# by host.name over N events (default 1,000,000) of N distinct hosts, each
# event starting a partial match of one rule, timestamps 1 ms apart so the
# 10-minute windows expire the oldest as it runs.  Prints the throughput as
# a ratio to the stateless default policies (policies/ without chains.pal)
# on the same events in the same run (aim >= 0.7x), and the memory per live partial match: the state's own
# count of bytes, and the peak RSS over the baseline's, per partial match.
set -eu
BUILD=${BUILD:-build}
N=${SEQ_BENCH_EVENTS:-1000000}
RUNS=${SEQ_BENCH_RUNS:-2}
. tests/bench/lib.sh
bench_measure_tool
PAL=$BUILD/palisade
T=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "kept $T" || trap 'rm -rf "$T"' EXIT
python3 - "$T" "$N" <<'PY'
import json, random, sys
d, n = sys.argv[1], int(sys.argv[2])
random.seed(1)
with open(d + "/seq100.pal", "w") as f:
    for i in range(100):
        f.write('sequence "chain %d" {\n  by host.name\n  within 10m\n'
                '  step { on process when process.name == "p%d" }\n'
                '  step { on process when process.executable like "/tmp/%d/**" }\n}\n' % (i, i, i))
with open(d + "/events.json", "w") as f:
    for k in range(n):
        i = random.randrange(100)
        s = k // 1000
        f.write(json.dumps({"@timestamp": "2024-05-02T%02d:%02d:%02d.%03dZ" % (10 + s // 3600, s // 60 % 60, s % 60, k % 1000),
                            "event": {"category": ["process"]}, "host": {"name": "host-%07d" % k},
                            "process": {"name": "p%d" % i, "executable": "/usr/bin/p%d" % i, "pid": k}}) + "\n")
PY
# the baseline: the default policies without their chains (policies/chains.pal)
mkdir "$T/stateless"
cp -R policies/. "$T/stateless/"
rm "$T/stateless/chains.pal"
BEST_OK=1 bench_best "$RUNS" /dev/null "$PAL" eval --policy "$T/stateless" --events "$T/events.json"
base_cpu=$BEST_CPU base_rss=$BEST_RSS
BEST_OK=1 bench_best "$RUNS" /dev/null "$PAL" eval --policy "$T/seq100.pal" --events "$T/events.json"
seq_cpu=$BEST_CPU seq_rss=$BEST_RSS
summary=$("$PAL" eval --policy "$T/seq100.pal" --events "$T/events.json" 2>&1 >/dev/null | grep 'correlations:')
live=$(printf '%s\n' "$summary" | sed -n 's/.* \([0-9][0-9]*\) partial matches live (\([0-9]*\) bytes).*/\1/p')
bytes=$(printf '%s\n' "$summary" | sed -n 's/.* partial matches live (\([0-9]*\) bytes).*/\1/p')
echo "seq: $N events, 100 sequence rules, $N distinct group keys"
echo "  $summary"
echo "  default policies (stateless): $(bench_rate "$N" "$base_cpu") events/s"
echo "  100 sequence rules:           $(bench_rate "$N" "$seq_cpu") events/s, $(bench_x "$base_cpu" "$seq_cpu")x the default policies"
awk -v b="$bytes" -v l="$live" -v r="$seq_rss" -v r0="$base_rss" 'BEGIN { if (l > 0)
    printf "  memory per live partial match: %.0f bytes counted, %.0f bytes of peak RSS over the baseline\n", b / l, (r - r0) * 1024 / l }'
