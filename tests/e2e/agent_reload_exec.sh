#!/usr/bin/env bash
# The agent rebuilds a changed policy in a child that is its own binary
# exec'ed afresh (`palisade __reload-child`), never a bare fork of the
# multi-threaded agent: a fork keeps any lock a worker, writer or lookup
# thread held at that moment locked in the child, and a compile there
# could hang for good (seen under ASan with --threads 4: no reload in
# 63 s).  The reload is held open by --reload-delay (the child waits for
# the changed file to be quiet that long), and the test reads the child's
# command line from /proc while it waits.
. "$(dirname "$0")/lib/harness.sh"
python3 - <<'PYEOF'
import os, signal, subprocess, time
from harness import PAL, TMP, ok, bad, check, finish

pol = os.path.join(TMP, "pol")
os.makedirs(pol)
rule = 'package main\n\nrule "r%d" {\n  on process\n  when process.name == "x%d"\n  effect alert\n  message "m"\n}\n'
open(os.path.join(pol, "a.pal"), "w").write(rule % (1, 1))
err = open(os.path.join(TMP, "agent.err"), "w+")
a = subprocess.Popen([PAL, "agent", "--threads", "4", "--policy", pol, "--reload-delay", "1500"],
                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err)

def children():
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            st = open("/proc/%s/stat" % d).read()
            if int(st.rsplit(")", 1)[1].split()[1]) == a.pid:
                out.append(open("/proc/%s/cmdline" % d, "rb").read().split(b"\0"))
        except (OSError, ValueError, IndexError):
            pass
    return out

def wait_for(cond, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        r = cond()
        if r:
            return r
        time.sleep(0.01)
    return cond()

def stderr_text():
    err.flush()
    return open(err.name).read()

check(wait_for(lambda: "palisade agent: ready:" in stderr_text(), 60),
      "the agent starts", stderr_text())
open(os.path.join(pol, "a.pal"), "w").write(rule % (2, 2))
a.send_signal(signal.SIGHUP)
seen = wait_for(lambda: [c for c in children() if len(c) > 1], 60)
check(seen and seen[0][1] == b"__reload-child" and seen[0][2] == pol.encode(),
      "the reload child is the agent's binary exec'ed afresh (palisade __reload-child POLICY ...)", repr(seen))
check(wait_for(lambda: "reloaded" in stderr_text(), 60), "the reload completes", stderr_text())
a.stdin.close()
check(a.wait(60) == 0, "the agent exits 0 at the end of input", stderr_text())
p = subprocess.run([PAL, "__reload-child"], capture_output=True, text=True)
check(p.returncode == 2 and "for the agent's own use" in p.stderr, "__reload-child run by hand exits 2 saying what it is",
      "%s %s" % (p.returncode, p.stderr))
finish()
PYEOF
