#!/usr/bin/env bash
# `palisade agent` driven as a user drives it: processes, pipes, unix
# sockets, signals and files changing under it.  What is checked:
#  1. the policy changes 100 times while events stream in, some changes
#     broken: events in == decisions out, every decision names the revision
#     that was active when its event was decided (a marker event after each
#     change proves which one that was), no broken version ever decides;
#  2. several writers on --listen at once: every event decided once, per
#     connection in order;
#  3. the decision socket answers, request by request and pipelined, while
#     a stream runs;
#  4. SIGTERM under load loses nothing: each stream's decisions are exactly
#     a prefix of what it sent, and the stats line agrees;
#  5. --verify-key: tampered, other-key-signed, unsigned and cut bundles are
#     refused and the old rules keep deciding; a good one is taken (rename
#     and in-place write, SIGHUP); --follow across rotation and truncation;
#  6. what one client can take: the reply backlog (bounded per line), the
#     connection slots (idle and slowloris connections, a client that never
#     reads: timeouts, eviction, refusal with a reply), a stream reader that
#     stops reading (the decision socket goes on);
#  7. no half-loaded policy: SIGHUPs while a writer rewrites the files in
#     place; every decision comes from a whole rule set of one generation;
#  8. --threads: every scenario runs with --threads 2, and those where
#     threads matter (reloads under a stream, the sockets, SIGTERM under
#     load, half lines, a stalled reader, --follow) again with --threads 1
#     and 4, each check's name saying which; and one stream (events of
#     every kind, broken, over-long, CRLF and empty lines, many batches) is
#     decided byte for byte alike by --threads 1, 2 and 4 and by eval.
# No assertion depends on a sleep: every wait is for an observable event
# (a stderr report, a decision) with a generous timeout.
#
# Needs $PALISADE (tests/run-all.sh sets it) and python3.
. "$(dirname "$0")/lib/harness.sh"
python3 - <<'PYEOF'
import json, os, re, signal, socket, subprocess, sys, threading, time, random
import harness
from harness import PAL, TMP, ok, bad, finish

THREADS = 2           # --threads of every agent started; each pass sets it

def check(cond, name, detail=""):
    return harness.check(cond, "%s [threads %d]" % (name, THREADS), detail)

def agent_cmd(*args):
    return [PAL, "agent", "--threads", str(THREADS)] + list(args)

WAIT = 60.0           # generous: the machine is shared and busy

def ev(ident, name="app.exe"):
    return json.dumps({"event": {"category": ["process"]},
                       "process": {"name": name, "command_line": ident}}) + "\n"

POLICY = '''package main

// version {v}{note}
rule "tag" {{
  on process
  when process.name like "*"
  effect alert
  message "v{v} {{process.command_line}}"
}}

rule "no shells" {{
  on process
  when process.name == "cmd.exe"
  effect prevent
  message "shell {{process.command_line}}"
}}
'''

def policy(v, note=""):
    return POLICY.format(v=v, note=note)

def write_file(path, text, atomic):
    data = text.encode() if isinstance(text, str) else text
    if atomic:
        d, b = os.path.split(path)
        tmp = os.path.join(d, "." + b + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, path)
    else:
        with open(path, "wb") as f:
            f.write(data)

def tag_of(dec):
    """(version, id) from the "tag" match of a decision, or (None, None)."""
    for m in dec.get("matches", []):
        if m["rule"] == "tag":
            v, _, ident = m["message"].partition(" ")
            return int(v[1:]), ident
    return None, None

STARTED = []          # every agent process; one a failed scenario leaves running is killed after it

class Agent:
    """palisade agent as a child process; stdout and stderr collected by threads."""
    def __init__(self, args, stdin=True):
        self.args = args
        self.p = subprocess.Popen(agent_cmd(*args), stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        STARTED.append(self.p)
        self.cv = threading.Condition()
        self.out, self.err = [], []
        self.wlock = threading.Lock()
        self.threads = [threading.Thread(target=self._pump, args=(self.p.stdout, self.out), daemon=True),
                        threading.Thread(target=self._pump, args=(self.p.stderr, self.err), daemon=True)]
        for t in self.threads:
            t.start()

    def _pump(self, f, into):
        for raw in f:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self.cv:
                into.append(line)
                self.cv.notify_all()
        with self.cv:
            self.cv.notify_all()

    def _wait(self, lines, pred, start, timeout):
        deadline = time.monotonic() + timeout
        with self.cv:
            i = start
            while True:
                while i < len(lines):
                    if pred(lines[i]):
                        return i, lines[i]
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0 or (self.p.poll() is not None and not any(t.is_alive() for t in self.threads)):
                    return None, None
                self.cv.wait(min(left, 0.5))

    def wait_err(self, pred, start=0, timeout=WAIT):
        return self._wait(self.err, pred, start, timeout)

    def wait_out(self, pred, start=0, timeout=WAIT):
        return self._wait(self.out, pred, start, timeout)

    def nerr(self):
        with self.cv:
            return len(self.err)

    def nout(self):
        with self.cv:
            return len(self.out)

    def write(self, data):
        with self.wlock:
            self.p.stdin.write(data.encode())
            self.p.stdin.flush()

    def finish(self, sig=None, timeout=WAIT):
        if sig is not None:
            self.p.send_signal(sig)
        elif self.p.stdin:
            try:
                self.p.stdin.close()
            except BrokenPipeError:
                pass
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = "killed after timeout"
        for t in self.threads:
            t.join(10)
        return rc

    def decisions(self):
        with self.cv:
            return [json.loads(l) for l in self.out]

    def stats(self):
        for l in reversed(self.err):
            if "stats at exit:" in l:
                return dict(kv.split("=", 1) for kv in l.split("stats at exit: ", 1)[1].split())
        return {}

    def stderr_text(self):
        with self.cv:
            return "\n".join(self.err[-15:])

def ready(a, what):
    i, line = a.wait_err(lambda l: "palisade agent: ready:" in l)
    if not check(line is not None, what + ": agent is ready", a.stderr_text()):
        return None
    return line.split("revision ", 1)[1].split(" ", 1)[0]

def connect(path, timeout=WAIT):
    """A client that waits in the agent's listen backlog, as a blocking
    connect does.  (With a timeout set, Python's connect on a unix socket
    whose backlog is full fails at once with EAGAIN instead of waiting: the
    limits scenario's 200 writers failed whenever the agent was not run
    while they connected, as on a loaded machine.)"""
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect(path)
            return s
        except BlockingIOError:
            s.close()
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.01)

class LineReader:
    def __init__(self, sock):
        self.s, self.buf = sock, b""
    def line(self):
        while b"\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                return None
            self.buf += chunk
        l, _, self.buf = self.buf.partition(b"\n")
        return json.loads(l)

# --------------------------------------------------------------------------
# 1. 100 policy changes under a stream
# --------------------------------------------------------------------------
def scenario_reload_storm():
    pol = os.path.join(TMP, "storm")
    os.makedirs(pol)
    main = os.path.join(pol, "main.pal")
    write_file(main, policy(0), False)
    a = Agent(["--policy", pol, "--reload-delay", "20"])
    rev0 = ready(a, "storm")
    if rev0 is None:
        a.finish(signal.SIGKILL)
        return
    stop = threading.Event()
    sent = []          # ids in the order written
    def stream():
        n = 0
        while not stop.is_set():
            batch = []
            for _ in range(10):
                ident = "s%d" % n
                n += 1
                batch.append(ident)
            with a.wlock:
                a.p.stdin.write("".join(ev(i) for i in batch).encode())
                a.p.stdin.flush()
                sent.extend(batch)
            time.sleep(0.003)
    def marker(ident):
        with a.wlock:
            a.p.stdin.write(ev(ident).encode())
            a.p.stdin.flush()
            sent.append(ident)
    t = threading.Thread(target=stream, daemon=True)
    t.start()

    rev_version = {rev0: 0}    # revision -> the main.pal version it carries
    active_rev, active_v = rev0, 0
    broken_versions = set()
    marker_problems, report_problems = [], []
    good = bad_count = 0
    lib = os.path.join(pol, "lib")
    for k in range(1, 101):
        start = a.nerr()
        expect_ok = True
        new_v = active_v
        if k == 40:        # a new directory, made by a rename (one event)
            staging = os.path.join(pol, ".staging")
            os.makedirs(staging)
            write_file(os.path.join(staging, "extra.pal"), 'package lib\n\n// %d\nlist unused = ["x"]\n' % k, False)
            os.rename(staging, lib)
        elif k == 41:      # the new directory is watched: breaking a file in it is seen
            write_file(os.path.join(lib, "extra.pal"), 'package lib\n\nlist unused = [\n', False)
            expect_ok = False
        elif k == 42:
            write_file(os.path.join(lib, "extra.pal"), 'package lib\n\n// %d\nlist unused = ["y"]\n' % k, True)
        elif k % 7 == 3:   # broken: a syntax error (the rule in it would say v<k>)
            write_file(main, policy(k).replace("effect alert", "effect = alert"), k % 2 == 0)
            expect_ok = False
        elif k % 7 == 5:   # broken: an unknown field, caught by the checker
            write_file(main, policy(k).replace('process.name like "*"', 'process.nmae like "*"'), k % 2 == 0)
            expect_ok = False
        else:
            write_file(main, policy(k), k % 2 == 0)
            new_v = k
        if expect_ok:
            i, line = a.wait_err(lambda l: "reloaded: revision " in l and
                                 l.split("reloaded: revision ", 1)[1].split(" ", 1)[0] != active_rev, start)
            if line is None:
                report_problems.append("change %d: no 'reloaded' report with a new revision" % k)
                break
            active_rev = line.split("reloaded: revision ", 1)[1].split(" ", 1)[0]
            active_v = new_v
            rev_version[active_rev] = active_v
            good += 1
        else:
            broken_versions.add(k)
            i, line = a.wait_err(lambda l: "reload failed:" in l, start)
            if line is None:
                report_problems.append("change %d (broken): no 'reload failed' report" % k)
                break
            if "still deciding with revision " + active_rev not in line:
                report_problems.append("change %d: %s" % (k, line))
            bad_count += 1
        # the marker: sent after the report, so the program in force is known
        ident = "m%d" % k
        outn = a.nout()
        marker(ident)
        j, dl = a.wait_out(lambda l: ('"v' in l and (" %s\"" % ident) in l), 0)
        if dl is None:
            marker_problems.append("marker %s: no decision" % ident)
            break
        d = json.loads(dl)
        v, _ = tag_of(d)
        if d["revision"] != active_rev or v != active_v:
            marker_problems.append("marker %s decided by %s (v%s), expected %s (v%s)" % (ident, d["revision"], v, active_rev, active_v))
    stop.set()
    t.join()
    rc = a.finish()
    check(rc == 0, "storm: agent exits 0 at the end of its input", "exit %s\n%s" % (rc, a.stderr_text()))
    check(not report_problems, "storm: every change reported (%d reloads, %d refused)" % (good, bad_count),
          "\n".join(report_problems) + "\n" + a.stderr_text())
    check(not marker_problems, "storm: every marker decided by the revision active after its change",
          "\n".join(marker_problems[:10]))
    decs = a.decisions()
    check(len(decs) == len(sent), "storm: events in == decisions out (%d == %d)" % (len(sent), len(decs)))
    st = a.stats()
    check(st.get("events_in") == str(len(sent)) and st.get("decisions_out") == str(len(sent)),
          "storm: the stats line agrees (events_in=%s decisions_out=%s)" % (st.get("events_in"), st.get("decisions_out")))
    check(st.get("reloads_ok") == str(good) and st.get("reloads_failed") == str(bad_count),
          "storm: reloads counted (ok=%s failed=%s)" % (st.get("reloads_ok"), st.get("reloads_failed")),
          "expected ok=%d failed=%d" % (good, bad_count))
    problems = []
    last_v = -1
    for n, d in enumerate(decs):
        v, ident = tag_of(d)
        if d.get("line") != n + 1:
            problems.append("decision %d has line %s" % (n, d.get("line")))
        if ident != sent[n] if n < len(sent) else True:
            problems.append("decision %d is for %s, sent %s" % (n, ident, sent[n] if n < len(sent) else None))
        if d["revision"] not in rev_version:
            problems.append("decision %d names revision %s, never reported as loaded" % (n, d["revision"]))
        elif rev_version[d["revision"]] != v:
            problems.append("decision %d: revision %s is v%d but the rules that matched are v%s" %
                            (n, d["revision"], rev_version[d["revision"]], v))
        if v in broken_versions:
            problems.append("decision %d made by broken version %d" % (n, v))
        if v is not None and v < last_v:
            problems.append("decision %d: version went back from %d to %d" % (n, last_v, v))
        if v is not None:
            last_v = v
        if len(problems) > 10:
            break
    check(not problems, "storm: each decision names the revision whose rules made it; no broken version decides; order kept",
          "\n".join(problems))

# --------------------------------------------------------------------------
# 2-4. sockets and SIGTERM
# --------------------------------------------------------------------------
def fixed_policy(name):
    pol = os.path.join(TMP, name)
    os.makedirs(pol)
    write_file(os.path.join(pol, "main.pal"), policy(1), False)
    return pol

def scenario_writers():
    pol = fixed_policy("writers")
    sock = os.path.join(TMP, "w.sock")
    a = Agent(["--policy", pol, "--listen", sock], stdin=False)
    if ready(a, "writers") is None:
        a.finish(signal.SIGKILL)
        return
    check(oct(os.stat(sock).st_mode & 0o777) == "0o600", "listen socket is mode 0600")
    N, W = 300, 8
    errors = []
    def writer(w):
        try:
            s = connect(sock)
            data = "".join(ev("w%d-%d" % (w, i)) for i in range(N)).encode()
            rnd = random.Random(w)
            pos = 0
            while pos < len(data):       # lines cut at random places across sends
                step = rnd.randint(1, 700)
                s.sendall(data[pos:pos + step])
                pos += step
            s.close()
        except Exception as e:
            errors.append("writer %d: %r" % (w, e))
    ts = [threading.Thread(target=writer, args=(w,)) for w in range(W)]
    for t in ts: t.start()
    for t in ts: t.join()
    # one more writer: a line over the limit and a broken line, then a good one
    s = connect(sock)
    s.sendall(b'{"x":"' + b"a" * (1 << 20) + b'"}\n' + b"{not json\n" + ev("last").encode())
    s.close()
    total = N * W + 3
    i, _ = a.wait_out(lambda l: True, total - 1)
    rc = a.finish(signal.SIGTERM)
    check(not errors, "writers: %d writers connected and sent" % W, "\n".join(errors))
    check(rc == 0, "writers: SIGTERM exits 0", "exit %s" % rc)
    decs = a.decisions()
    check(len(decs) == total, "writers: one decision per event (%d of %d)" % (len(decs), total))
    seen, per_conn, problems = {}, {}, []
    for d in decs:
        if "conn" not in d:
            problems.append("a stream decision without conn: %s" % d)
            continue
        per_conn.setdefault(d["conn"], []).append(d)
        v, ident = tag_of(d)
        if ident:
            seen[ident] = seen.get(ident, 0) + 1
    want = {"w%d-%d" % (w, i) for w in range(W) for i in range(N)} | {"last"}
    missing = want - set(seen)
    dups = [k for k, c in seen.items() if c > 1]
    check(not missing and not dups, "writers: every event decided exactly once",
          "missing %s; duplicated %s" % (sorted(missing)[:5], dups[:5]))
    for c, ds in per_conn.items():
        lines = [d["line"] for d in ds]
        if lines != list(range(1, len(ds) + 1)):
            problems.append("connection %s: lines %s..." % (c, lines[:10]))
        idents = [tag_of(d)[1] for d in ds if tag_of(d)[1] and tag_of(d)[1] != "last"]
        if idents != sorted(idents, key=lambda x: int(x.split("-")[1])):
            problems.append("connection %s: events out of order" % c)
    check(not problems and len(per_conn) == W + 1, "writers: per connection, decisions in the order written (%d connections)" % len(per_conn),
          "\n".join(problems))
    errs = [d for d in decs if "error" in d]
    check(len(errs) == 2 and any("longer than" in d["error"] for d in errs) and any("JSON" in d["error"] for d in errs),
          "writers: the over-long and the broken line get error decisions", json.dumps(errs)[:600])
    check(not os.path.exists(sock), "writers: the socket file is removed at exit")

def scenario_decision_socket():
    pol = fixed_policy("decide")
    lsock, dsock = os.path.join(TMP, "s.sock"), os.path.join(TMP, "d.sock")
    a = Agent(["--policy", pol, "--listen", lsock, "--decision-socket", dsock], stdin=False)
    if ready(a, "decision socket") is None:
        a.finish(signal.SIGKILL)
        return
    stop = threading.Event()
    streamed = [0]
    def stream():
        s = connect(lsock)
        n = 0
        while not stop.is_set():
            s.sendall("".join(ev("bg%d" % (n + i)) for i in range(50)).encode())
            n += 50
        s.close()
        streamed[0] = n
    t = threading.Thread(target=stream, daemon=True)
    t.start()
    a.wait_out(lambda l: True, 200)      # the stream is flowing
    problems = []
    s = connect(dsock)
    r = LineReader(s)
    t0 = time.monotonic()
    for i in range(200):                 # one request at a time, each answered before the next
        shell = i % 3 == 0
        s.sendall(ev("q%d" % i, "cmd.exe" if shell else "app.exe").encode())
        d = r.line()
        if d is None:
            problems.append("request %d: connection closed" % i)
            break
        want = "prevent" if shell else "alert"
        if d["effect"] != want or tag_of(d)[1] != "q%d" % i or d.get("line") != i + 1:
            problems.append("request %d: got %s" % (i, json.dumps(d)[:200]))
    elapsed = time.monotonic() - t0
    check(not problems, "decision socket: 200 requests answered in turn while the stream runs (%.2fs)" % elapsed,
          "\n".join(problems[:5]))
    # pipelined: 100 requests in one write, 100 answers in order
    s.sendall("".join(ev("p%d" % i, "cmd.exe") for i in range(100)).encode())
    got = [r.line() for _ in range(100)]
    check(all(d and d["effect"] == "prevent" and tag_of(d)[1] == "p%d" % i for i, d in enumerate(got)),
          "decision socket: 100 pipelined requests answered in order")
    # a bad request gets an error answer, and the connection goes on
    s.sendall(b"nonsense\n" + ev("after").encode())
    e1, e2 = r.line(), r.line()
    check(e1 and "error" in e1 and e2 and tag_of(e2)[1] == "after", "decision socket: a bad request is answered with an error, and the next is served")
    # an empty request line is a request too: answered (an error), never left waiting
    s.sendall(b"\n\r\n   \n" + ev("after-empty").encode())
    got = [r.line() for _ in range(4)]
    check(all(g and "error" in g and "empty" in g["error"] and g["effect"] == "allow" for g in got[:3]) and
          got[3] and tag_of(got[3])[1] == "after-empty" and [g and g.get("line") for g in got] == [303, 304, 305, 306],
          "decision socket: empty request lines are answered with an error each, in order", json.dumps(got)[:600])
    s.close()
    # several enforcement points at once
    res = []
    def client(c):
        cs = connect(dsock)
        cr = LineReader(cs)
        okc = True
        for i in range(50):
            cs.sendall(ev("c%d-%d" % (c, i)).encode())
            d = cr.line()
            okc = okc and d is not None and tag_of(d)[1] == "c%d-%d" % (c, i)
        cs.close()
        res.append(okc)
    cts = [threading.Thread(target=client, args=(c,)) for c in range(6)]
    for x in cts: x.start()
    for x in cts: x.join()
    check(len(res) == 6 and all(res), "decision socket: 6 clients at once each get their own answers")
    stop.set()
    t.join()
    a.wait_out(lambda l: ('"bg%d"' % (streamed[0] - 1)) in l or (" bg%d\"" % (streamed[0] - 1)) in l, 0)
    rc = a.finish(signal.SIGTERM)
    check(rc == 0, "decision socket: SIGTERM exits 0", "exit %s" % rc)
    decs = a.decisions()
    stream_ids = [tag_of(d)[1] for d in decs]
    check(stream_ids == ["bg%d" % i for i in range(streamed[0])],
          "decision socket: answers never leak into the stream; the stream got its %d decisions" % streamed[0],
          "got %d stream decisions" % len(stream_ids))
    st = a.stats()
    want = streamed[0] + 200 + 100 + 2 + 4 + 300
    check(st.get("events_in") == str(want) and st.get("decisions_out") == str(want),
          "decision socket: stats count stream and requests (%s)" % st.get("events_in"), "want %d: %s" % (want, st))

def prefix_ok(ids, prefix_name):
    want = ["%s%d" % (prefix_name, i) for i in range(len(ids))]
    return ids == want

def scenario_sigterm_stdin():
    pol = fixed_policy("term-stdin")
    a = Agent(["--policy", pol])
    if ready(a, "SIGTERM stdin") is None:
        a.finish(signal.SIGKILL)
        return
    stop = threading.Event()
    def blast():
        n = 0
        try:
            while not stop.is_set():
                a.write("".join(ev("t%d" % (n + i)) for i in range(200)))
                n += 200
        except (BrokenPipeError, OSError, ValueError):
            pass
    t = threading.Thread(target=blast, daemon=True)
    t.start()
    a.wait_out(lambda l: True, 3000)     # under load
    rc = a.finish(signal.SIGTERM)
    stop.set()
    t.join(10)
    check(rc == 0, "SIGTERM under load (stdin): exit 0", "exit %s\n%s" % (rc, a.stderr_text()))
    decs = a.decisions()
    ids = [tag_of(d)[1] for d in decs]
    check(len(decs) >= 3000 and prefix_ok(ids, "t") and all("error" not in d for d in decs),
          "SIGTERM under load (stdin): the decisions are exactly the first %d events, none lost or cut" % len(decs),
          "first bad at %s" % next((i for i, x in enumerate(ids) if x != "t%d" % i), None))
    st = a.stats()
    check(st.get("events_in") == str(len(decs)) == st.get("decisions_out"),
          "SIGTERM under load (stdin): stats events_in == decisions_out == lines printed", str(st))

def scenario_sigterm_sockets():
    pol = fixed_policy("term-sock")
    sock = os.path.join(TMP, "t.sock")
    a = Agent(["--policy", pol, "--listen", sock], stdin=False)
    if ready(a, "SIGTERM sockets") is None:
        a.finish(signal.SIGKILL)
        return
    stop = threading.Event()
    def blast(w):
        try:
            s = connect(sock)
            n = 0
            rnd = random.Random(w)
            pending = b""
            while not stop.is_set():
                pending += "".join(ev("x%d-%d" % (w, n + i)) for i in range(50)).encode()
                n += 50
                while len(pending) > 4096:       # lines cut anywhere
                    k = rnd.randint(1, 4096)
                    s.sendall(pending[:k])
                    pending = pending[k:]
        except OSError:
            pass
    ts = [threading.Thread(target=blast, args=(w,), daemon=True) for w in range(4)]
    for t in ts: t.start()
    a.wait_out(lambda l: True, 4000)
    rc = a.finish(signal.SIGTERM)
    stop.set()
    for t in ts: t.join(10)
    check(rc == 0, "SIGTERM under load (4 socket writers): exit 0", "exit %s\n%s" % (rc, a.stderr_text()))
    decs = a.decisions()
    by_writer, problems = {}, []
    for d in decs:
        v, ident = tag_of(d)
        if ident is None:
            problems.append("no tag: %s" % json.dumps(d)[:200])
            continue
        w, _, n = ident[1:].partition("-")
        by_writer.setdefault(int(w), []).append(int(n))
    for w, ns in by_writer.items():
        if ns != list(range(len(ns))):
            problems.append("writer %d: decisions are not a prefix of what it sent (%s...)" % (w, ns[:5]))
    check(not problems and len(decs) >= 4000, "SIGTERM under load (4 socket writers): per writer exactly a prefix, %d decisions" % len(decs),
          "\n".join(problems[:5]))
    st = a.stats()
    check(st.get("events_in") == str(len(decs)) == st.get("decisions_out"),
          "SIGTERM under load (sockets): stats events_in == decisions_out == lines printed", str(st))

# --------------------------------------------------------------------------
# 5. signed bundles and --follow
# --------------------------------------------------------------------------
def run(*args):
    return subprocess.run([PAL] + list(args), capture_output=True, text=True)

def scenario_verify_key():
    d = os.path.join(TMP, "signed")
    os.makedirs(d)
    src = os.path.join(d, "src")
    os.makedirs(src)
    k1, k2 = os.path.join(d, "k1"), os.path.join(d, "k2")
    for k in (k1, k2):
        r = run("keygen", "-o", k)
        if not check(r.returncode == 0, "keygen %s" % os.path.basename(k), r.stderr):
            return
    def build(v, rev, key, out):
        write_file(os.path.join(src, "main.pal"), policy(v), False)
        args = ["build", src, "-o", out, "--revision", rev] + (["--sign", key + ".key"] if key else [])
        r = run(*args)
        assert r.returncode == 0, r.stderr
        return open(out, "rb").read()
    live = os.path.join(d, "live.palb")
    build(1, "good-1", k1, live)
    # refusals at start
    unsigned = build(9, "unsigned-9", None, os.path.join(d, "unsigned.palb"))
    r = subprocess.run(agent_cmd("--policy", os.path.join(d, "unsigned.palb"), "--verify-key", k1 + ".pub"),
                       input="", capture_output=True, text=True, timeout=WAIT)
    check(r.returncode == 2 and "not signed" in r.stderr and r.stdout == "",
          "verify-key: an agent refuses to start on an unsigned bundle", r.stderr)
    r = subprocess.run(agent_cmd("--policy", src, "--verify-key", k1 + ".pub"), input="", capture_output=True,
                       text=True, timeout=WAIT)
    check(r.returncode == 2 and "signed bundle" in r.stderr, "verify-key: a policy directory is refused with a key", r.stderr)

    a = Agent(["--policy", live, "--verify-key", k1 + ".pub", "--reload-delay", "20"])
    rev = ready(a, "verify-key")
    if rev is None:
        a.finish(signal.SIGKILL)
        return
    check(rev == "good-1", "verify-key: starts on the signed bundle (revision %s)" % rev)
    n = [0]
    def marker_rev():
        n[0] += 1
        ident = "k%d" % n[0]
        a.write(ev(ident))
        j, dl = a.wait_out(lambda l: (" %s\"" % ident) in l)
        if dl is None:
            return None, None
        dd = json.loads(dl)
        return dd["revision"], tag_of(dd)[0]

    def swap(label, data, atomic, want_ok, want_words, want_rev, want_v):
        start = a.nerr()
        write_file(live, data, atomic)
        if want_ok:
            i, line = a.wait_err(lambda l: "reloaded: revision %s " % want_rev in l, start)
        else:
            i, line = a.wait_err(lambda l: "reload failed:" in l, start)
        got = marker_rev()
        words_ok = line is not None and all(w in line for w in want_words)
        check(words_ok and got == (want_rev, want_v), "verify-key: %s -> %s" % (label, (line or "no report").split("agent: ", 1)[-1][:150]),
              "marker decided by %s; want %s\n%s" % (got, (want_rev, want_v), a.stderr_text()))

    good2 = build(2, "good-2", k1, os.path.join(d, "g2.palb"))
    tampered = bytearray(good2)
    tampered[len(tampered) // 3] ^= 0x01
    swap("a tampered bundle is refused", bytes(tampered), True, False, ["altered after signing"], "good-1", 1)
    other = build(3, "other-3", k2, os.path.join(d, "o3.palb"))
    swap("a bundle signed by another key is refused", other, True, False, ["not by the trusted key"], "good-1", 1)
    swap("an unsigned bundle is refused", unsigned, True, False, ["not signed"], "good-1", 1)
    swap("a cut bundle is refused", good2[:len(good2) - 10], False, False, ["cut short"], "good-1", 1)
    sig_flip = bytearray(good2)
    sig_flip[-5] ^= 0x80       # inside the signature itself
    swap("a bundle with its signature altered is refused", bytes(sig_flip), False, False, ["does not verify"], "good-1", 1)
    swap("a good signed bundle (renamed into place) is taken", good2, True, True, ["signed by key"], "good-2", 2)
    good3 = build(3, "good-3", k1, os.path.join(d, "g3.palb"))
    swap("a good signed bundle (written in place) is taken", good3, False, True, [], "good-3", 3)
    # SIGHUP reloads the same file
    start = a.nerr()
    a.p.send_signal(signal.SIGHUP)
    i, line = a.wait_err(lambda l: "reloaded: revision good-3 " in l, start)
    check(line is not None, "verify-key: SIGHUP reloads")
    start = a.nerr()
    a.p.send_signal(signal.SIGUSR1)
    i, line = a.wait_err(lambda l: "palisade agent: stats:" in l, start)
    check(line is not None and "reloads_ok=3" in line and "reloads_failed=5" in line and "revision=good-3" in line,
          "verify-key: SIGUSR1 prints the stats line", line or a.stderr_text())
    rc = a.finish()
    check(rc == 0, "verify-key: exits 0 at the end of input", "exit %s" % rc)
    decs = a.decisions()
    check(all(d["revision"] in ("good-1", "good-2", "good-3") for d in decs) and len(decs) == n[0],
          "verify-key: only good revisions ever decided (%d decisions)" % len(decs))

def scenario_follow():
    d = os.path.join(TMP, "follow")
    os.makedirs(d)
    pol = fixed_policy("follow-pol")
    log, out = os.path.join(d, "events.log"), os.path.join(d, "decisions.jsonl")
    seq = [0]
    def append(path, count):
        with open(path, "a") as f:
            for _ in range(count):
                f.write(ev("f%d" % seq[0]))
                seq[0] += 1
    append(log, 5)
    a = Agent(["--policy", pol, "--follow", log, "--from-start", "--output", out], stdin=False)
    if ready(a, "follow") is None:
        a.finish(signal.SIGKILL)
        return
    def wait_decisions(count):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                with open(out) as f:
                    lines = f.read().splitlines()
                if len(lines) >= count:
                    return [json.loads(l) for l in lines]
            except FileNotFoundError:
                pass
            time.sleep(0.02)
        return None
    steps = []
    steps.append(("the existing lines (--from-start)", wait_decisions(5) is not None))
    append(log, 5)
    steps.append(("appended lines", wait_decisions(10) is not None))
    os.rename(log, log + ".1")       # rotation: the writer still appends to the old file a little
    append(log + ".1", 2)
    steps.append(("lines written to the rotated file before the new one exists", wait_decisions(12) is not None))
    append(log, 5)                   # the new file
    steps.append(("the new file after rotation, from its start", wait_decisions(17) is not None))
    with open(log, "r+") as f:       # truncation in place, shorter than before
        f.truncate(0)
    append(log, 3)
    decs = wait_decisions(20)
    steps.append(("the file truncated and rewritten", decs is not None))
    # a partial line is held until its newline
    with open(log, "a") as f:
        f.write(ev("f%d" % seq[0])[:20])
    with open(log, "a") as f:
        f.write(ev("f%d" % seq[0])[20:])
    seq[0] += 1
    decs = wait_decisions(21)
    steps.append(("a line written in two parts", decs is not None))
    for label, good in steps:
        check(good, "follow: " + label)
    rc = a.finish(signal.SIGTERM)
    check(rc == 0, "follow: SIGTERM exits 0", "exit %s" % rc)
    decs = wait_decisions(0) or []
    ids = [tag_of(x)[1] for x in decs]
    check(ids == ["f%d" % i for i in range(seq[0])], "follow: every line decided once, in order (%d)" % len(ids),
          "got %s" % ids)
    # "line" is the line of the file it was read from: counted from 1 again
    # in each new file, with "rotation" saying which (the rotations and
    # truncations before it; absent in the first file), as `sed -n Np` finds it
    got = [(x.get("rotation", 0), x.get("line")) for x in decs]
    want = [(0, i) for i in range(1, 13)] + [(1, i) for i in range(1, 6)] + [(2, i) for i in range(1, 5)]
    check(got == want, "follow: line numbers restart in the new and the truncated file, which \"rotation\" names",
          "got %s" % got)
    # from the end (no --from-start): the lines before are neither decided
    # nor read to be counted (a multi-GB log would delay the start); "line"
    # counts from the start position, as tail -F shows lines, and the start
    # message says so with the byte it starts at
    log2, out2 = os.path.join(d, "events2.log"), os.path.join(d, "decisions2.jsonl")
    append(log2, 3)
    size = os.path.getsize(log2)
    a = Agent(["--policy", pol, "--follow", log2, "--output", out2], stdin=False)
    if ready(a, "follow from the end") is None:
        a.finish(signal.SIGKILL)
        return
    append(log2, 2)                  # the agent opened the file at its end before it was ready
    out = out2
    decs = wait_decisions(2)
    a.finish(signal.SIGTERM)
    check(decs is not None and [(x.get("rotation", 0), x.get("line")) for x in decs] == [(0, 1), (0, 2)],
          "follow from the end: lines counted from the start position (1, 2), not the file's (4, 5)", "got %s" % decs)
    msg = [l for l in a.err if "followed from its end" in l]
    check(msg == ["palisade agent: %s is followed from its end (byte %d): decisions' \"line\" counts the lines "
                  "after it from 1, not the file's lines (--from-start reads and numbers the whole file)" % (log2, size)],
          "follow from the end: the start message says line numbers are relative, and from which byte", "got %s" % msg)

def scenario_limits_and_partial_lines():
    """More writers than the connection limit all get served; at SIGTERM a
    line half-written is waited for (and decided) when it completes within
    the grace time, and answered with an error when it never does."""
    pol = fixed_policy("limits")
    lsock, dsock = os.path.join(TMP, "l.sock"), os.path.join(TMP, "ld.sock")
    a = Agent(["--policy", pol, "--listen", lsock, "--decision-socket", dsock], stdin=False)
    if ready(a, "limits") is None:
        a.finish(signal.SIGKILL)
        return
    held, errors = [], []
    def writer(i):
        try:
            s = connect(lsock)
            s.sendall(ev("h%d" % i).encode())
            held.append(s)              # stays open: the agent must not need it closed
        except OSError as e:
            errors.append(repr(e))
    ts = [threading.Thread(target=writer, args=(i,)) for i in range(200)]
    for t in ts: t.start()
    # 128 are served while open; the rest wait in the backlog until some close
    i, _ = a.wait_out(lambda l: True, 127)
    check(i is not None, "limits: 128 connections open at once are all served")
    for t in ts: t.join()
    for s in held: s.close()
    i, _ = a.wait_out(lambda l: True, 199)
    check(i is not None and not errors, "limits: the writers over the limit are served as others close (200 of 200)",
          "%s; %d decisions" % (errors[:3], a.nout()))
    line = ev("half").encode()
    # a whole line and the start of the next in one write: once the whole
    # one is decided, the agent holds the start of the next
    s = connect(lsock)
    s.sendall(ev("whole").encode() + line[:25])
    d = connect(dsock)
    d.sendall(ev("whole-request").encode() + line[:30])
    dr = LineReader(d)
    first = dr.line()
    i, _ = a.wait_out(lambda l: " whole\"" in l)
    check(i is not None and first is not None and tag_of(first)[1] == "whole-request", "limits: whole lines before a half one are decided")
    start = a.nerr()
    a.p.send_signal(signal.SIGTERM)
    a.wait_err(lambda l: "SIGTERM" in l, start)
    s.sendall(line[25:])                 # finished within the grace time
    rc = a.finish()
    reply = dr.line()
    decs = a.decisions()
    check(rc == 0 and any(tag_of(x)[1] == "half" for x in decs), "limits: a line half-written at SIGTERM is waited for and decided",
          "exit %s; %s" % (rc, a.stderr_text()))
    check(reply is not None and "cut short" in reply.get("error", ""), "limits: a request never finished is answered with an error at exit",
          str(reply))
    st = a.stats()
    check(st.get("events_in") == st.get("decisions_out") == "204", "limits: stats count every line, the cut one too", str(st))

HALF = '''package main

rule "{f}1" {{
  on process
  when process.name like "*"
  effect alert
  message "{f}1 g{g}"
}}
'''
HALF2 = '''
rule "{f}2" {{
  on process
  when process.name like "*"
  effect alert
  message "{f}2 g{g}"
}}
'''

def scenario_half_loaded():
    """SIGHUPs while a writer rewrites the policy in place, generation after
    generation: two files, each cut between its two rules while it is
    written (a torn file still compiles, one rule short), both files open
    until the generation is written.  Every decision must come from a whole
    rule set: all four rules, all of one generation."""
    pol = os.path.join(TMP, "half")
    os.makedirs(pol)
    def write_generation(g, pause):
        fa = open(os.path.join(pol, "a.pal"), "w")
        fb = open(os.path.join(pol, "b.pal"), "w")
        for fh, name in ((fa, "a"), (fb, "b")):
            fh.write(HALF.format(f=name, g=g))
            fh.flush()
            time.sleep(pause)
            fh.write(HALF2.format(f=name, g=g))
            fh.flush()
        fa.close()
        fb.close()
    write_generation(0, 0)
    a = Agent(["--policy", pol, "--reload-delay", "20"])
    if ready(a, "half-loaded") is None:
        a.finish(signal.SIGKILL)
        return
    G = 40
    stop = threading.Event()
    def writer():
        for g in range(1, G + 1):
            write_generation(g, 0.008)
            time.sleep(0.05)
    def hups():
        rnd = random.Random(20)
        while not stop.is_set():
            a.p.send_signal(signal.SIGHUP)
            time.sleep(rnd.uniform(0.005, 0.04))   # often quiet long enough for a reload to start mid-write
    n = [0]
    def stream():
        while not stop.is_set():
            a.write("".join(ev("e%d" % (n[0] + i)) for i in range(5)))
            n[0] += 5
            time.sleep(0.002)
    ts = [threading.Thread(target=f, daemon=True) for f in (hups, stream)]
    w = threading.Thread(target=writer, daemon=True)
    w.start()
    for x in ts: x.start()
    w.join()
    stop.set()
    for x in ts: x.join()
    # the last generation is taken once the writer is done (liveness)
    final = None
    deadline = time.monotonic() + WAIT
    k = 0
    while time.monotonic() < deadline:
        k += 1
        a.write(ev("final%d" % k))
        lineno = n[0] + k      # its line number: the rules here do not echo the event
        j, dl = a.wait_out(lambda l: l.startswith('{"line":%d,' % lineno), 0)
        if dl is None:
            break
        gens = {m["message"].split(" g")[1] for m in json.loads(dl)["matches"]}
        if gens == {str(G)}:
            final = dl
            break
        time.sleep(0.05)
    rc = a.finish()
    decs = a.decisions()
    bad, gens_seen = [], set()
    for d in decs:
        got = sorted((m["rule"], m["message"].split(" g")[1]) for m in d["matches"])
        rules = [r for r, _ in got]
        gens = {g for _, g in got}
        if rules != ["a1", "a2", "b1", "b2"] or len(gens) != 1:
            bad.append("line %s (revision %s): %s" % (d.get("line"), d.get("revision"), got))
        gens_seen |= gens
    st = a.stats()
    check(rc == 0, "half-loaded: exit 0", "exit %s\n%s" % (rc, a.stderr_text()))
    check(not bad, "half-loaded: all %d decisions came from whole rule sets of one generation "
          "(%d generations decided, %s reloads)" % (len(decs), len(gens_seen), st.get("reloads_ok")),
          "%d bad, e.g.\n%s" % (len(bad), "\n".join(bad[:8])))
    check(final is not None and len(gens_seen) >= 2,
          "half-loaded: the last generation is loaded once the writer stops", a.stderr_text())

def scenario_slow_stdout():
    """A reader of the stream that stops reading (its pipe full) must not
    stop the decision socket; once it reads again it gets every decision."""
    pol = fixed_policy("slow-out")
    dsock = os.path.join(TMP, "slow.sock")
    p = subprocess.Popen(agent_cmd("--policy", pol, "--decision-socket", dsock),
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    STARTED.append(p)
    deadline = time.monotonic() + WAIT
    while not os.path.exists(dsock) and time.monotonic() < deadline:
        time.sleep(0.02)
    N = 20000
    def feed():
        try:
            p.stdin.write("".join(ev("s%d" % i) for i in range(N)).encode())
            p.stdin.close()
        except OSError:
            pass
    t = threading.Thread(target=feed, daemon=True)
    t.start()
    # nobody reads stdout yet: wait until its pipe is full of the stream's decisions
    import fcntl, termios, array
    def buffered():
        buf = array.array("i", [0])
        fcntl.ioctl(p.stdout.fileno(), termios.FIONREAD, buf)
        return buf[0]
    while buffered() < 60000 and time.monotonic() < deadline:
        time.sleep(0.02)
    answers = [request(dsock, ev("q%d" % i), timeout=20) for i in range(5)]
    check(all(d is not None and tag_of(d)[1] == "q%d" % i for i, d in enumerate(answers)),
          "slow stdout: the decision socket answers while nobody reads the stream", str(answers)[:300])
    got = []
    for raw in p.stdout:
        got.append(json.loads(raw))
        if len(got) == N:
            break
    p.send_signal(signal.SIGTERM)
    rest = p.stdout.read()
    rc = p.wait(WAIT)
    t.join(WAIT)
    ids = [tag_of(d)[1] for d in got]
    check(ids == ["s%d" % i for i in range(N)] and not rest.strip() and rc == 0,
          "slow stdout: then the stream gets all %d decisions, in order" % N, "%d decisions, exit %s" % (len(got), rc))

def request(path, line, timeout=WAIT):
    """One request on a new decision-socket connection: its reply, or None."""
    try:
        s = connect(path, timeout)
        s.sendall(line.encode())
        d = LineReader(s).line()
        s.close()
        return d
    except (OSError, ValueError):
        return None

def served_eventually(path, ident, attempts=600):
    """A client that retries while it is refused: the first real answer.
    (A refusal is an answer too: an error reply without "line".)"""
    refusals = 0
    for _ in range(attempts):
        d = request(path, ev(ident))
        if d is not None and "line" in d:
            return d, refusals
        if d is not None:
            refusals += 1
        time.sleep(0.05)
    return None, refusals

def scenario_slots():
    """Connection slots cannot be held hostage: 128 idle connections, then
    128 slowloris ones (a line begun, never ended), then a client that
    never reads its replies — each time a new client is answered (refused
    with a reply while every slot is busy, never left hanging), idle
    connections make room, unfinished lines time out with an error reply,
    and the stalled reader is dropped."""
    pol = fixed_policy("slots")
    dsock = os.path.join(TMP, "slots.sock")
    a = Agent(["--policy", pol, "--decision-socket", dsock, "--request-timeout", "1500", "--idle-timeout", "600000"],
              stdin=False)
    if ready(a, "slots") is None:
        a.finish(signal.SIGKILL)
        return
    idle = [connect(dsock) for _ in range(128)]
    d = request(dsock, ev("newcomer"), timeout=20)
    check(d is not None, "slots: with 128 idle connections open, a new client gets an answer (not a hang)", str(d))
    d, refusals = served_eventually(dsock, "after-idle")
    check(d is not None and tag_of(d)[1] == "after-idle",
          "slots: idle connections make room: a new client is served (refused %d times first)" % refusals, str(d))
    for s in idle:
        s.close()

    slow = []
    for i in range(128):
        s = connect(dsock)
        s.sendall(b'{"event":{"category":["process"]},"process":{"name":"slow')   # never ended
        slow.append(s)
    d, refusals = served_eventually(dsock, "after-slowloris")
    check(d is not None and tag_of(d)[1] == "after-slowloris",
          "slots: 128 slowloris connections time out and a new client is served (refused %d times first)" % refusals, str(d))
    answers = []
    for s in slow:
        r = LineReader(s)
        try:
            answers.append(r.line())
            answers.append(r.line())     # then the end of the connection
        except (OSError, ValueError) as e:
            answers.append(repr(e))
        s.close()
    timed_out = [x for x in answers[0::2] if isinstance(x, dict) and "not finished within 1500 ms" in x.get("error", "")]
    check(len(timed_out) == 128 and all(x is None for x in answers[1::2]),
          "slots: every unfinished request is answered with a timeout error, then closed (%d of 128)" % len(timed_out),
          str(answers[:4]))

    # a client that sends and never reads: dropped once its replies stall
    stalled = connect(dsock)
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    errors = []
    def flood():
        try:
            for _ in range(200):
                stalled.sendall(b"{}\n" * 20000)
        except OSError as e:
            errors.append(e)
    t = threading.Thread(target=flood, daemon=True)
    t.start()
    t.join(WAIT)
    check(not t.is_alive() and errors, "slots: a client that never reads its replies is disconnected", str(errors))
    stalled.close()
    d = request(dsock, ev("after-stall"))
    check(d is not None and tag_of(d)[1] == "after-stall", "slots: the agent still answers", str(d))
    start = a.nerr()
    a.p.send_signal(signal.SIGUSR1)
    i, line = a.wait_err(lambda l: "palisade agent: stats:" in l, start)
    st = dict(kv.split("=", 1) for kv in line.split("stats: ", 1)[1].split()) if line else {}
    check(int(st.get("timed_out", 0)) >= 129 and int(st.get("evicted", 0)) >= 1,
          "slots: stats count the timed out, evicted and refused connections", line or "")
    rc = a.finish(signal.SIGTERM)
    check(rc == 0, "slots: SIGTERM exits 0", "exit %s" % rc)

def scenario_idle_timeout():
    pol = fixed_policy("idle")
    dsock, lsock = os.path.join(TMP, "idle-d.sock"), os.path.join(TMP, "idle-l.sock")
    # 2 s, not less: the idle clock starts at the accept, so a client the
    # machine does not run for that long between its connect and its first
    # send is rightly closed as idle (at 300 ms a pause of the client that
    # long, as a loaded machine makes, failed the check)
    a = Agent(["--policy", pol, "--decision-socket", dsock, "--listen", lsock, "--idle-timeout", "2000"], stdin=False)
    if ready(a, "idle timeout") is None:
        a.finish(signal.SIGKILL)
        return
    s = connect(dsock)
    s.sendall(ev("one").encode())
    r = LineReader(s)
    first = r.line()
    try:
        end = s.recv(1)            # nothing more is sent: the agent closes it
    except OSError as e:
        end = repr(e)
    check(first is not None and end == b"", "idle timeout: an idle decision connection is closed after its answer",
          "%s %r" % (first, end))
    w = connect(lsock)
    w.sendall(ev("streamed").encode())
    try:
        end = w.recv(1)
    except OSError as e:
        end = repr(e)
    check(end == b"", "idle timeout: an idle --listen writer is closed", repr(end))
    i, _ = a.wait_out(lambda l: " streamed\"" in l)
    check(i is not None, "idle timeout: what the writer sent was decided first")
    rc = a.finish(signal.SIGTERM)
    check(rc == 0, "idle timeout: SIGTERM exits 0", "exit %s" % rc)
    r = subprocess.run(agent_cmd("--request-timeout", "x"), capture_output=True, text=True, timeout=WAIT)
    check(r.returncode == 2 and "--request-timeout" in r.stderr, "a bad --request-timeout is refused", r.stderr)

def peak_rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for l in f:
            if l.startswith("VmHWM:"):
                return int(l.split()[1])
    return 0

def scenario_reply_backlog():
    """The reply backlog bounds what one connection can make the agent
    hold: it is checked after every line, not once per read.  A long line
    first grows the connection's read buffer to 1 MiB; then one read takes
    ~1 MiB of 3-byte requests, each answered with a ~120-byte error — 40 MiB
    of replies if the limit is checked once per read."""
    pol = fixed_policy("backlog")
    dsock = os.path.join(TMP, "bl.sock")
    a = Agent(["--policy", pol, "--decision-socket", dsock], stdin=False)
    if ready(a, "reply backlog") is None:
        a.finish(signal.SIGKILL)
        return
    base = peak_rss_kb(a.p.pid)
    s = connect(dsock)
    try:      # a large send buffer, so that one read of the agent's can take 1 MiB
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    except OSError:
        pass
    N = 1000000
    payload = b"x" * 1000000 + b"\n" + b"{}\n" * N
    errors = []
    def send():
        try:
            s.sendall(payload)
        except OSError as e:
            errors.append(repr(e))
    t = threading.Thread(target=send, daemon=True)
    t.start()
    got, buf = 0, b""
    bad_line = None
    while got < N + 1:
        chunk = s.recv(1 << 16)
        if not chunk:
            break
        buf += chunk
        lines = buf.split(b"\n")
        buf = lines.pop()
        for l in lines:
            got += 1
            d = json.loads(l)
            if d.get("line") != got and bad_line is None:
                bad_line = (got, d)
    t.join(WAIT)
    peak = peak_rss_kb(a.p.pid)
    with open("/proc/%d/maps" % a.p.pid) as f:
        sanitized = "libasan" in f.read()
    s.close()
    rc = a.finish(signal.SIGTERM)
    check(not errors and got == N + 1 and bad_line is None,
          "reply backlog: %d pipelined requests, each answered once, in order" % (N + 1),
          "%s; got %d; first bad %s" % (errors, got, bad_line))
    if sanitized:      # ASan keeps freed memory in quarantine: its RSS says nothing of the backlog
        print("skip reply backlog: memory bound (the agent is built with AddressSanitizer)", flush=True)
    else:
        check((peak - base) < 10 * 1024,
              "reply backlog: the agent's memory stays bounded (peak grew by %d KiB, limit 10 MiB)" % (peak - base))
    check(rc == 0, "reply backlog: SIGTERM exits 0", "exit %s" % rc)

def scenario_threads_identical():
    """One stream, decided alike whatever the threads: --threads 1, 2 and 4
    and `palisade eval` print the same bytes, one decision per event line,
    in input order."""
    for cmd in (["agent", "--threads", "0"], ["agent", "--threads", "257"], ["eval", "--threads", "x", "--events", "-"]):
        r = subprocess.run([PAL] + cmd, input="", capture_output=True, text=True, timeout=WAIT)
        check(r.returncode == 2 and "--threads takes a number of threads, 1 to 256" in r.stderr,
              "%s is refused with a reason" % " ".join(cmd), r.stderr)
    src = fixed_policy("identical-%d" % THREADS)
    pol = os.path.join(TMP, "identical-%d.palb" % THREADS)   # a bundle: eval and agent name one revision
    r = run("build", src, "-o", pol, "--revision", "identical")
    if not check(r.returncode == 0, "identical stream: the bundle builds", r.stderr):
        return
    rnd = random.Random(8)
    data_files = sorted(os.path.join("tests/e2e/data", f) for f in os.listdir("tests/e2e/data") if f.endswith(".jsonl"))
    real = []
    for f in data_files:
        with open(f, "rb") as fh:
            real.extend(l for l in fh.read().split(b"\n") if l.strip())
    parts, events = [], 0
    for i in range(30000):
        k = rnd.randrange(100)
        if i % 6000 == 5:
            parts.append(b'{"x":"' + b"a" * (1 << 20) + b'"}\n')   # over the line limit
        elif k < 60:
            parts.append(ev("i%d" % i, "cmd.exe" if k < 10 else "app.exe").encode())
        elif k < 85:
            parts.append(rnd.choice(real) + b"\n")
        elif k < 90:
            parts.append(b"{broken %d\n" % i)
        elif k < 94:
            parts.append(ev("crlf%d" % i).encode()[:-1] + b"\r\n")
        elif k < 98:
            parts.append(b"\n")
            continue
        else:
            parts.append(b"{}\n")
        events += 1
    parts.append(ev("last-without-newline").encode()[:-1])
    events += 1
    stream = b"".join(parts)
    path = os.path.join(TMP, "identical-%d.jsonl" % THREADS)
    with open(path, "wb") as f:
        f.write(stream)
    outs = {}
    for n in (1, 2, 4):
        with open(path, "rb") as f:
            r = subprocess.run([PAL, "agent", "--threads", str(n), "--policy", pol], stdin=f, capture_output=True,
                               timeout=WAIT * 4)
        check(r.returncode == 0, "identical stream: --threads %d exits 0" % n, r.stderr.decode()[-600:])
        outs["--threads %d" % n] = r.stdout
    r = subprocess.run([PAL, "eval", "--policy", pol, "--events", path], capture_output=True, timeout=WAIT * 4)
    outs["eval"] = r.stdout
    r = subprocess.run([PAL, "eval", "--threads", "4", "--policy", pol, "--events", path], capture_output=True,
                       timeout=WAIT * 4)
    outs["eval --threads 4"] = r.stdout
    # eval on workers, reading a pipe that goes quiet: what is decided is written before more input comes
    p = subprocess.Popen([PAL, "eval", "--threads", "2", "--policy", pol, "--events", "-"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    E = 3000           # several batches: more than the workers finish before the reading thread looks
    early = []
    # the reader starts first: E decisions are more than a pipe holds
    rd = threading.Thread(target=lambda: early.extend(p.stdout.readline() for _ in range(E)), daemon=True)
    rd.start()
    p.stdin.write("".join(ev("early%d" % i) for i in range(E)).encode())
    p.stdin.flush()
    rd.join(WAIT)                                       # the input is still open
    p.stdin.write(ev("late").encode())
    p.stdin.close()
    rd.join(WAIT)
    rest = p.stdout.read()
    p.wait(WAIT)
    check([tag_of(json.loads(l))[1] if l else None for l in early] == ["early%d" % i for i in range(E)] and b"late" in rest,
          "identical stream: eval --threads 2 writes its decisions while its input is open and idle")
    base = outs["--threads 1"]
    lines = base.split(b"\n")[:-1]
    check(len(lines) == events, "identical stream: one decision per event line (%d of %d)" % (len(lines), events))
    # the agent numbers every line it decides ("event", what correlation
    # members name it by), in order; eval's members name lines, and it
    # prints no "event": beside that, the same bytes
    numbers = [re.match(rb'\{"line":\d+,"event":(\d+),', l) for l in lines]
    check(all(m and int(m.group(1)) == i + 1 for i, m in enumerate(numbers)),
          "identical stream: the agent's decisions say \"event\":1..%d, in order" % events,
          next((l[:80] for l, m in zip(lines, numbers) if not m), b"").decode(errors="replace"))
    unnumbered = re.sub(rb',"event":\d+,', b",", base)
    for name, out in outs.items():
        if name == "--threads 1":
            continue
        want = unnumbered if name.startswith("eval") else base
        first = next((i for i, (x, y) in enumerate(zip(out.split(b"\n"), want.split(b"\n"))) if x != y), None)
        check(out == want, "identical stream: %s prints the same %d bytes as --threads 1%s" %
              (name, len(want), " (without \"event\")" if name.startswith("eval") else ""),
              "%d bytes; first difference at decision %s" % (len(out), first))

# every scenario with --threads 2; those where the threads matter with 1 and 4 too
ALL = (scenario_reload_storm, scenario_writers, scenario_decision_socket, scenario_sigterm_stdin,
       scenario_sigterm_sockets, scenario_limits_and_partial_lines, scenario_reply_backlog, scenario_slots,
       scenario_idle_timeout, scenario_half_loaded, scenario_slow_stdout,
       scenario_verify_key, scenario_follow, scenario_threads_identical)
THREADED = (scenario_reload_storm, scenario_writers, scenario_decision_socket, scenario_sigterm_stdin,
            scenario_sigterm_sockets, scenario_limits_and_partial_lines, scenario_half_loaded, scenario_slow_stdout,
            scenario_verify_key, scenario_follow)
for threads, scenarios in ((2, ALL), (1, THREADED), (4, THREADED)):
    THREADS = threads
    for scenario in scenarios:
        if os.environ.get("AGENT_ONLY") and scenario.__name__ not in os.environ["AGENT_ONLY"].split(","):
            continue           # AGENT_ONLY=scenario_a,scenario_b: run only those (while working on them)
        if os.environ.get("AGENT_THREADS") and str(threads) not in os.environ["AGENT_THREADS"].split(","):
            continue           # AGENT_THREADS=1,4: only those passes
        t0 = time.monotonic()
        # each pass in its own directory: the scenarios name their files
        sub = os.path.join(TMP, "threads-%d" % threads)
        os.makedirs(sub, exist_ok=True)
        TMP = sub
        try:
            scenario()
        except Exception as e:
            import traceback
            bad("%s [threads %d] raised" % (scenario.__name__, threads), traceback.format_exc())
        finally:
            TMP = os.path.dirname(sub)
            for p in STARTED:      # a scenario that raised left its agent running: it would load the rest
                if p.poll() is None:
                    p.kill()
                    p.wait()
            del STARTED[:]
        print("     (%s, --threads %d: %.1fs)" % (scenario.__name__, threads, time.monotonic() - t0), flush=True)

finish()
PYEOF
