#!/usr/bin/env bash
# A consumer group's throughput (`BUILD=build bash tests/bench/redis.sh [N]`):
# N entries (default 200,000) already in a stream of a redis-server of the
# bench's own (loopback, no persistence), decided by 1 agent, then by 2
# agents of one group (each --threads 1, so that adding an agent is what
# adds a core), decisions XADDed to an output stream and every entry acked:
# wall seconds from the agents' start to the last ack, best of RUNS
# (default 3), the two interleaved, and the ratio of 1 agent's time to 2
# agents' measured in the same run.  redis-server shares the machine's
# cores with the agents, so the ratio says what a second agent adds on this
# machine, not on a fleet.  Nothing asserts a time.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
N=${1:-200000}
RUNS=${BENCH_RUNS:-3}
PAL="$BUILD/palisade"
[ -x "$PAL" ] || { echo "bench redis: $PAL is missing; run make first" >&2; exit 2; }
command -v redis-server >/dev/null || { echo "bench redis: no redis-server (make deps)"; exit 0; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PAL=$PAL N=$N RUNS=$RUNS TMP=$TMP PYTHONPATH=tests/e2e/lib python3 - <<'PYEOF'
import json, os, signal, subprocess, time
from resp import Redis, start_server

PAL, N, RUNS, TMP = os.environ["PAL"], int(os.environ["N"]), int(os.environ["RUNS"]), os.environ["TMP"]
srv = start_server(os.path.join(TMP, "redis"))
r = Redis(port=srv.port)
line = json.dumps({"event": {"category": ["process"]}, "process": {"name": "sh", "executable": "/bin/sh",
                   "command_line": "sh -c id"}, "container": {"image": {"name": "web"}}})
r.pipeline([("XADD", "in", "*", "event", line) for _ in range(N)], chunk=10000)

def run(agents, k):
    group, out = "g%d-%d" % (agents, k), "out%d-%d" % (agents, k)
    r.call("DEL", out)
    t0 = time.time()
    ps = [subprocess.Popen([PAL, "agent", "--threads", "1",
                            "--input", "redis://127.0.0.1:%d/in?group=%s&consumer=c%d&start=0" % (srv.port, group, i),
                            "--output", "redis://127.0.0.1:%d/%s" % (srv.port, out)],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
          for i in range(agents)]
    while True:
        g = [dict(zip(x[0::2], x[1::2])) for x in r.call("XINFO", "GROUPS", "in")]
        g = [x for x in g if x["name"] == group]
        if g and g[0]["entries-read"] == N and g[0]["pending"] == 0:
            break
        time.sleep(0.01)
    t = time.time() - t0
    for p in ps:
        p.send_signal(signal.SIGTERM)
    for p in ps:
        p.wait()
    assert r.call("XLEN", out) >= N
    r.call("DEL", out)
    r.call("XGROUP", "DESTROY", "in", group)
    return t

best = {1: None, 2: None}
for k in range(RUNS):
    for a in (1, 2):
        t = run(a, k)
        best[a] = t if best[a] is None else min(best[a], t)
print("redis consumer group, %d entries, best of %d (wall seconds, start to last ack):" % (N, RUNS))
for a in (1, 2):
    print("  %d agent%s  %7.2f s  %9.0f entries/s" % (a, " " if a == 1 else "s", best[a], N / best[a]))
print("  2 agents / 1 agent throughput: %.2fx (%d cores here, redis-server among them)" % (best[1] / best[2], os.cpu_count()))
srv.stop()
PYEOF
