#!/usr/bin/env bash
# `palisade agent` and correlation state (sequences, counting rules) as a
# user meets it, in processes and files:
#  1. --state FILE: a chain half seen before SIGTERM completes after the
#     restart, its members named by one event count running on across the
#     two runs; the file is 0600; SIGINT and the end of input write it too;
#  2. a state file that does not verify (a flipped byte, cut short, not a
#     state file, another format) stops the start, exit 2, with a message
#     naming the file, the place and what to do; so does a directory the
#     file could not be written in;
#  3. a state written by another version of the policy keeps the partial
#     matches of the correlations left unchanged and drops the others,
#     counted;
#  4. a reload (the policy directory edited under a running agent) keeps
#     the partial matches of unchanged correlations and drops those of
#     changed and removed ones, counted, and the kept ones complete;
#  5. --state-max-rule and --state-max cap the partial matches; evictions
#     and the rest of the state are in the stats line and the summary;
#  6. --threads N with correlations decides byte for byte as --threads 1
#     (and as eval) on one stream with sequences, counts and distinct
#     counts over interleaved groups;
#  7. every decision says its "event", the number members name it by:
#     each member of a chain is the decision line of its step's event,
#     across a restart with --state too.
# Every scenario runs with --threads 1 and 2.  No assertion depends on a
# sleep: every wait is for a line on stderr or stdout.
. "$(dirname "$0")/lib/harness.sh"
python3 - <<'PYEOF'
import json, os, random, signal, stat, subprocess, threading, time
import harness
from harness import PAL, TMP, ok, bad, finish

WAIT = 60.0
THREADS = 1

def check(cond, name, detail=""):
    return harness.check(cond, "%s [threads %d]" % (name, THREADS), detail)

class Agent:
    """palisade agent as a child; stdout and stderr collected by threads."""
    def __init__(self, args):
        self.p = subprocess.Popen([PAL, "agent", "--threads", str(THREADS)] + args, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.cv = threading.Condition()
        self.out, self.err = [], []
        self.pumps = [threading.Thread(target=self._pump, args=(self.p.stdout, self.out), daemon=True),
                      threading.Thread(target=self._pump, args=(self.p.stderr, self.err), daemon=True)]
        for t in self.pumps:
            t.start()

    def _pump(self, f, into):
        for raw in f:
            with self.cv:
                into.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self.cv.notify_all()
        with self.cv:
            self.cv.notify_all()

    def wait(self, lines, pred, start=0):
        deadline = time.monotonic() + WAIT
        with self.cv:
            i = start
            while True:
                while i < len(lines):
                    if pred(lines[i]):
                        return i, lines[i]
                    i += 1
                if time.monotonic() > deadline or (self.p.poll() is not None and not any(t.is_alive() for t in self.pumps)):
                    return None, None
                self.cv.wait(0.5)

    def wait_err(self, pred, start=0):
        return self.wait(self.err, pred, start)

    def wait_out(self, n):
        """Waits for n decision lines; returns them parsed."""
        i, _ = self.wait(self.out, lambda l: True, n - 1) if n else (0, None)
        with self.cv:
            return [json.loads(l) for l in self.out[:n]] if i is not None else None

    def send(self, *lines):
        self.p.stdin.write("".join(l + "\n" for l in lines).encode())
        self.p.stdin.flush()

    def finish(self, sig=signal.SIGTERM):
        if sig is None:
            self.p.stdin.close()
        else:
            self.p.send_signal(sig)
        try:
            rc = self.p.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = "killed"
        for t in self.pumps:
            t.join(10)
        return rc

    def stderr(self):
        with self.cv:
            return "\n".join(self.err[-12:])

def ready(a, what):
    i, line = a.wait_err(lambda l: "palisade agent: ready:" in l)
    check(line is not None, what + ": the agent is ready", a.stderr())
    return line is not None

def ev(name, host="web-1", cmd="", pid=None, ts=None):
    e = {"event": {"category": ["process"]}, "host": {"name": host}, "process": {"name": name, "command_line": cmd}}
    if pid is not None:
        e["process"]["pid"] = pid
    if ts:
        e["@timestamp"] = ts
    return json.dumps(e)

def chains(matches):
    return [(m["rule"], m.get("members"), m["message"]) for m in matches if "members" in m]

CHAIN = '''sequence "download then run" {{
  by host.name
  within {within}
  step fetch {{ on process  when process.name == "curl" }}
  step run   {{ on process  when process.name == "payload" }}
  effect prevent  severity high
  message "{{fetch.process.command_line}} then {{run.process.command_line}} on {{host.name}}"
}}

rule "burst" {{
  on process
  when process.name == "sudo"
  count >= 3 by host.name within 1h
  message "sudo three times on {{host.name}}"
}}
'''

def write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)

def scenario_restart():
    d = os.path.join(TMP, "restart-%d" % THREADS)
    os.makedirs(d)
    pol, st = os.path.join(d, "policy.pal"), os.path.join(d, "agent.state")
    write(pol, CHAIN.format(within="1h"))
    a = Agent(["--policy", pol, "--state", st])
    if not ready(a, "restart"):
        a.finish()
        return
    i, line = a.wait_err(lambda l: "--state %s: not there yet" % st in l)
    check(line is not None, "restart: a missing state file is the first run, said so", a.stderr())
    a.send(ev("curl", cmd="curl -o /tmp/p http://x"), ev("sudo"), ev("ls"), ev("sudo"))
    first = a.wait_out(4)
    check(first is not None and all(not chains(x["matches"]) for x in first), "restart: nothing matches before the restart")
    rc = a.finish(signal.SIGTERM)
    check(rc == 0, "restart: SIGTERM exits 0", "exit %s\n%s" % (rc, a.stderr()))
    i, line = a.wait_err(lambda l: "--state %s: 2 partial matches written" % st in l)
    check(line is not None, "restart: SIGTERM writes the 2 partial matches", a.stderr())
    check(os.path.exists(st) and stat.S_IMODE(os.stat(st).st_mode) == 0o600, "restart: the state file is 0600",
          oct(os.stat(st).st_mode) if os.path.exists(st) else "missing")

    b = Agent(["--policy", pol, "--state", st])
    if not ready(b, "restart (second run)"):
        b.finish()
        return
    i, line = b.wait_err(lambda l: "--state %s: 2 partial matches read, 0 dropped" % st in l and "events counted from 4" in l)
    check(line is not None, "restart: the second run reads both back, counting events on from 4", b.stderr())
    b.send(ev("payload", cmd="/tmp/p"), ev("sudo"))
    second = b.wait_out(2)
    want = [[("download then run", [1, 5], "curl -o /tmp/p http://x then /tmp/p on web-1")],
            [("burst", [2, 4, 6], "sudo three times on web-1")]]
    got = [chains(x["matches"]) for x in second] if second else None
    check(got == want, "restart: the chains half seen complete after it, members numbered across both runs",
          "want %r\ngot  %r" % (want, got))
    check(second is not None and second[0]["effect"] == "prevent", "restart: the completed chain's effect decides")
    # the end of input writes it too (and the chains completed are gone from it)
    rc = b.finish(None)
    i, line = b.wait_err(lambda l: "--state %s: 0 partial matches written" % st in l)
    check(rc == 0 and line is not None, "restart: the end of input writes the state too", b.stderr())
    c = Agent(["--policy", pol, "--state", st])
    ready(c, "restart (third run)")
    i, line = c.wait_err(lambda l: "0 partial matches read" in l and "events counted from 6" in l)
    check(line is not None, "restart: the third run starts from event 6 with nothing half seen", c.stderr())
    c.send(ev("curl", host="db-1", cmd="curl x"))
    c.wait_out(1)
    rc = c.finish(signal.SIGINT)
    i, line = c.wait_err(lambda l: "--state %s: 1 partial matches written" % st in l)
    check(rc == 0 and line is not None, "restart: SIGINT writes it", c.stderr())

def start_fails(args, what, *want):
    r = subprocess.run([PAL, "agent", "--threads", str(THREADS)] + args, input="", capture_output=True, text=True,
                       timeout=WAIT)
    check(r.returncode == 2 and all(w in r.stderr for w in want) and "ready" not in r.stderr,
          what, "exit %d\n%s" % (r.returncode, r.stderr))

def scenario_damaged():
    d = os.path.join(TMP, "damaged-%d" % THREADS)
    os.makedirs(d)
    pol, st = os.path.join(d, "policy.pal"), os.path.join(d, "agent.state")
    write(pol, CHAIN.format(within="1h"))
    r = subprocess.run([PAL, "agent", "--policy", pol, "--state", st], input=ev("curl", cmd="c") + "\n",
                       capture_output=True, text=True, timeout=WAIT)
    good = open(st, "rb").read()
    fix = "remove it to start with no partial matches"
    bad_file = os.path.join(d, "bad.state")
    def variant(data):
        with open(bad_file, "wb") as f:
            f.write(data)
        return ["--policy", pol, "--state", bad_file]
    flipped = bytearray(good)
    flipped[len(good) - 3] ^= 0x10
    start_fails(variant(bytes(flipped)), "damaged: a flipped byte stops the start",
                bad_file, "damaged state file at byte 32: checksum mismatch", fix)
    start_fails(variant(good[:100]), "damaged: a file cut short stops the start",
                bad_file, "damaged state file at byte 16: it says it is %d bytes but is 100" % len(good), fix)
    start_fails(variant(b"{\"not\": \"a state\"}\n"), "damaged: another kind of file stops the start",
                bad_file, "not a palisade state file (bad magic)")
    other = bytearray(good)
    other[8] = 9
    start_fails(variant(bytes(other)), "damaged: another format stops the start", bad_file,
                "state file format 9; this palisade reads format 1", fix)
    start_fails(["--policy", pol, "--state", os.path.join(d, "no-such-dir", "agent.state")],
                "damaged: a directory that does not exist stops the start",
                "cannot write in %s" % os.path.join(d, "no-such-dir"))
    start_fails(["--policy", pol, "--state", d], "damaged: a directory given as the file stops the start", d)
    # the good one still loads
    r = subprocess.run([PAL, "agent", "--threads", str(THREADS), "--policy", pol, "--state", st],
                       input=ev("payload", cmd="p") + "\n", capture_output=True, text=True, timeout=WAIT)
    dec = json.loads(r.stdout.splitlines()[0]) if r.stdout else {}
    check(r.returncode == 0 and chains(dec.get("matches", [])) == [("download then run", [1, 2], "c then p on web-1")],
          "damaged: the good file still loads and completes its chain", r.stderr + r.stdout)

def scenario_other_policy():
    d = os.path.join(TMP, "other-%d" % THREADS)
    os.makedirs(d)
    pol, st = os.path.join(d, "policy.pal"), os.path.join(d, "agent.state")
    write(pol, CHAIN.format(within="1h"))
    subprocess.run([PAL, "agent", "--policy", pol, "--state", st], input=ev("curl", cmd="c") + "\n" + ev("sudo") + "\n",
                   capture_output=True, text=True, timeout=WAIT)
    write(pol, CHAIN.format(within="2h"))   # the sequence changes, the counting rule does not
    r = subprocess.run([PAL, "agent", "--threads", str(THREADS), "--policy", pol, "--state", st],
                       input=ev("payload", cmd="p") + "\n" + ev("sudo") + "\n" + ev("sudo") + "\n",
                       capture_output=True, text=True, timeout=WAIT)
    check("1 partial matches read, 1 dropped (their correlations changed or are gone)" in r.stderr,
          "other policy: the changed sequence's partial match is dropped, the count's kept", r.stderr)
    decs = [json.loads(l) for l in r.stdout.splitlines()]
    got = [chains(x["matches"]) for x in decs]
    check(got == [[], [], [("burst", [2, 4, 5], "sudo three times on web-1")]],
          "other policy: only the unchanged count completes", repr(got))

def scenario_reload():
    d = os.path.join(TMP, "reload-%d" % THREADS)
    os.makedirs(os.path.join(d, "pol"))
    pol = os.path.join(d, "pol", "policy.pal")
    write(pol, CHAIN.format(within="1h") + '''
sequence "shell then connect" {
  by host.name
  within 1h
  step { on process  when process.name == "sh" }
  step { on process  when process.name == "nc" }
}
''')
    a = Agent(["--policy", os.path.join(d, "pol"), "--reload-delay", "20"])
    if not ready(a, "reload"):
        a.finish()
        return
    a.send(ev("curl", cmd="c"), ev("sudo"), ev("sh"))
    a.wait_out(3)
    n = len(a.err)
    # the first sequence changes its window, the second goes, the count stays
    write(pol, CHAIN.format(within="30m"))
    i, line = a.wait_err(lambda l: "correlations:" in l and "kept" in l, n)
    check(line is not None and "1 partial matches kept, 2 dropped with changed or removed rules" in line,
          "reload: the unchanged count keeps its partial match; the changed and the removed sequence drop theirs",
          line or a.stderr())
    a.wait_err(lambda l: "reloaded: revision" in l, n)
    a.send(ev("payload", cmd="p"), ev("nc"), ev("sudo"), ev("sudo"))
    decs = a.wait_out(7)
    got = [chains(x["matches"]) for x in decs[3:]] if decs else None
    check(got == [[], [], [], [("burst", [2, 6, 7], "sudo three times on web-1")]],
          "reload: only the kept partial match completes", repr(got))
    rc = a.finish()
    check(rc == 0, "reload: SIGTERM exits 0", a.stderr())

def base_chains(outs):
    return outs["agent --threads 1"].count(b'"members"')

def scenario_threads_identical():
    """A stream of many groups through sequences, counts and distinct
    counts: --threads 2 and 4 print the bytes --threads 1 prints (and eval
    --threads 4 those of eval)."""
    if THREADS != 1:
        return
    d = os.path.join(TMP, "identical")
    os.makedirs(d)
    src = os.path.join(d, "policy.pal")
    write(src, CHAIN.format(within="10s") + '''
sequence "any order" {
  by host.name
  within 5s
  unordered
  step { on process  when process.name == "x" }
  step { on process  when process.name == "y" }
}

rule "many pids" {
  on process
  when process.name == "z"
  count distinct process.pid >= 4 by host.name within 5s
}
''')
    pol = os.path.join(d, "policy.palb")
    r = subprocess.run([PAL, "build", src, "-o", pol, "--revision", "identical"], capture_output=True, text=True)
    if not check(r.returncode == 0, "identical: the bundle builds", r.stderr):
        return
    rnd = random.Random(15)
    lines = []
    t = 1714644000000
    for i in range(20000):
        t += rnd.randrange(-1500, 2500)
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t // 1000)) + ".%03dZ" % (t % 1000)
        name = rnd.choice(["curl", "payload", "sudo", "x", "y", "z", "ls", "z"])
        e = ev(name, host="h%d" % rnd.randrange(40), cmd="c%d" % i, pid=rnd.randrange(8),
               ts=ts if rnd.random() < 0.9 else None)
        lines.append(e if rnd.random() > 0.01 else "{broken")
    path = os.path.join(d, "events.jsonl")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    outs = {}
    for n in (1, 2, 4):
        with open(path, "rb") as f:
            r = subprocess.run([PAL, "agent", "--threads", str(n), "--policy", pol], stdin=f, capture_output=True,
                               timeout=WAIT * 4)
        check(r.returncode == 0, "identical: --threads %d exits 0" % n, r.stderr.decode()[-600:])
        outs["agent --threads %d" % n] = r.stdout
    evals = {}
    for extra in ([], ["--threads", "4"]):
        r = subprocess.run([PAL, "eval"] + extra + ["--policy", pol, "--events", path], capture_output=True,
                           timeout=WAIT * 4)
        evals[" ".join(["eval"] + extra)] = r.stdout
    # eval names members by line, the agent by its count of events (a broken line is none): each against its own
    check(evals["eval"].count(b'"members"') == base_chains(outs) and evals["eval --threads 4"] == evals["eval"],
          "identical: eval --threads 4 prints the bytes eval prints, with as many chains as the agent")
    base = outs["agent --threads 1"]
    nchains = base.count(b'"members"')
    check(nchains > 100, "identical: the stream completes many chains (%d)" % nchains)
    for name, out in outs.items():
        first = next((i for i, (x, y) in enumerate(zip(out.split(b"\n"), base.split(b"\n"))) if x != y), None)
        check(out == base, "identical: %s prints the %d bytes --threads 1 prints" % (name, len(base)),
              "first difference at decision %s" % first)

def scenario_caps():
    """--state-max-rule and --state-max cap the agent's partial matches as
    they cap eval's; the evictions, and the rest of the state, are in the
    stats line (SIGUSR1 and at exit) and the summary at exit; a reload to a
    policy without correlations says what it dropped."""
    d = os.path.join(TMP, "caps-%d" % THREADS)
    os.makedirs(os.path.join(d, "pol"))
    pol = os.path.join(d, "pol", "policy.pal")
    write(pol, CHAIN.format(within="1h"))
    a = Agent(["--policy", os.path.join(d, "pol"), "--state-max-rule", "1", "--reload-delay", "20"])
    if not ready(a, "caps"):
        a.finish()
        return
    # web-1's curl is evicted by web-2's (one per rule): only web-2 completes
    a.send(ev("curl", host="web-1", cmd="c1"), ev("curl", host="web-2", cmd="c2"), ev("payload", host="web-1", cmd="p1"),
           ev("payload", host="web-2", cmd="p2"), ev("sudo", host="db-1"))
    decs = a.wait_out(5)
    got = [chains(x["matches"]) for x in decs] if decs else None
    check(got == [[], [], [], [("download then run", [2, 4], "c2 then p2 on web-2")], []],
          "caps: --state-max-rule 1 evicts the older group, which then does not complete", repr(got))
    n = len(a.err)
    a.p.send_signal(signal.SIGUSR1)
    i, line = a.wait_err(lambda l: "palisade agent: stats:" in l, n)
    want = "correlations_matched=1 correlations_live=1 "
    check(line is not None and want in line and "correlations_evicted_rule=1 correlations_evicted_global=0" in line,
          "caps: the stats line counts the match, the live partial match and the eviction", line or a.stderr())
    # a reload to a policy without correlations drops the partial match left, counted
    n = len(a.err)
    write(pol, 'rule "ls" { on process when process.name == "ls" }\n')
    i, line = a.wait_err(lambda l: "correlations:" in l and "dropped" in l, n)
    check(line is not None and "0 partial matches kept, 1 dropped with changed or removed rules" in line,
          "caps: a reload to a policy without correlations says it dropped the partial match", line or a.stderr())
    rc = a.finish()
    check(rc == 0, "caps: SIGTERM exits 0", a.stderr())
    r = subprocess.run([PAL, "agent", "--threads", str(THREADS), "--policy", pol, "--state-max", "1"],
                       input=ev("curl", host="a", cmd="1") + "\n" + ev("curl", host="b", cmd="2") + "\n",
                       capture_output=True, text=True, timeout=WAIT)
    check(r.returncode == 0 and "correlations:" not in r.stderr, "caps: a policy without correlations has no summary",
          r.stderr)
    write(pol, CHAIN.format(within="1h"))
    r = subprocess.run([PAL, "agent", "--threads", str(THREADS), "--policy", pol, "--state-max", "1"],
                       input=ev("curl", host="a", cmd="1") + "\n" + ev("sudo", host="b") + "\n",
                       capture_output=True, text=True, timeout=WAIT)
    check(r.returncode == 0 and "correlations_evicted_rule=0 correlations_evicted_global=1" in r.stderr and
          "palisade agent: correlations: 0 matched, 1 partial matches live" in r.stderr and
          "1 evicted (0 by a rule's cap, 1 by the global cap)" in r.stderr,
          "caps: --state-max 1 evicts across rules, in the stats at exit and the summary", r.stderr)
    # a state written under larger caps goes back in through these, oldest first
    st = os.path.join(d, "agent.state")
    subprocess.run([PAL, "agent", "--policy", pol, "--state", st], capture_output=True, timeout=WAIT,
                   input=ev("curl", host="a", cmd="1") + "\n" + ev("curl", host="b", cmd="2") + "\n", text=True)
    r = subprocess.run([PAL, "agent", "--threads", str(THREADS), "--policy", pol, "--state", st, "--state-max-rule", "1"],
                       input=ev("payload", host="a", cmd="p") + "\n" + ev("payload", host="b", cmd="p") + "\n",
                       capture_output=True, text=True, timeout=WAIT)
    got = [chains(json.loads(l)["matches"]) for l in r.stdout.splitlines()]
    check("1 partial matches read, 0 dropped (their correlations changed or are gone), 1 evicted by the caps" in r.stderr
          and got == [[], [("download then run", [2, 4], "2 then p on b")]],
          "caps: a state file read under --state-max-rule 1 keeps the newest partial match", r.stderr + repr(got))
    for flag, value in (("--state-max", "0"), ("--state-max-rule", "x")):
        start_fails(["--policy", pol, flag, value], "caps: %s %s is refused, naming the flag" % (flag, value),
                    "%s: '%s' is not a number of partial matches from 1 to 100000000" % (flag, value))

def scenario_event_numbers():
    """Every decision of the agent says its "event", the number a chain's
    members name it by: each member is the decision line of the event that
    made that step, in the run before a restart with --state too."""
    d = os.path.join(TMP, "numbers-%d" % THREADS)
    os.makedirs(d)
    pol, st = os.path.join(d, "policy.pal"), os.path.join(d, "agent.state")
    write(pol, CHAIN.format(within="1h"))
    runs = [
        # (input lines, what each is called; None: no decision for it)
        [ev("curl", cmd="curl -o /tmp/p http://x"), "{broken", "", ev("sudo", cmd="sudo a"), ev("ls"),
         ev("curl", host="db-1", cmd="curl y"), ev("sudo", cmd="sudo b")],
        [ev("ls"), ev("payload", cmd="/tmp/p"), "x" * 10, ev("payload", host="db-1", cmd="/tmp/q"),
         ev("sudo", cmd="sudo c")],
    ]
    by_number, decisions = {}, []
    for run, lines in enumerate(runs):
        a = Agent(["--policy", pol, "--state", st])
        if not ready(a, "event numbers (run %d)" % (run + 1)):
            a.finish()
            return
        a.send(*lines)
        n = sum(1 for l in lines if l)
        out = a.wait_out(n)
        rc = a.finish(signal.SIGTERM)
        check(rc == 0 and out is not None, "event numbers: run %d decides its %d lines" % (run + 1, n), a.stderr())
        if out is None:
            return
        given = [l for l in lines if l]
        for x, line in zip(out, given):
            by_number[x.get("event")] = (run, line)
            decisions.append(x)
    numbers = [x.get("event") for x in decisions]
    check(numbers == list(range(1, len(decisions) + 1)),
          "event numbers: every decision says \"event\", 1 up across the restart (undecodable lines too)", repr(numbers))
    got = [(m["rule"], [by_number.get(k, (None, None))[1] for k in m["members"]])
           for x in decisions for m in x["matches"] if "members" in m]
    want = [("download then run", [runs[0][0], runs[1][1]]),
            ("download then run", [runs[0][5], runs[1][3]]),
            ("burst", [runs[0][3], runs[0][6], runs[1][4]])]
    check(got == want, "event numbers: each member is the decision line of its step's event, before and after the restart",
          "want %r\ngot  %r" % (want, got))

SCENARIOS = (scenario_restart, scenario_damaged, scenario_other_policy, scenario_reload, scenario_caps,
             scenario_threads_identical, scenario_event_numbers)
for THREADS in (1, 2):
    for s in SCENARIOS:
        if os.environ.get("AGENT_ONLY") and s.__name__ not in os.environ["AGENT_ONLY"].split(","):
            continue
        try:
            s()
        except Exception:
            import traceback
            bad("%s [threads %d] raised" % (s.__name__, THREADS), traceback.format_exc())
finish()
PYEOF
