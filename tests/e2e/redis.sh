#!/usr/bin/env bash
# `palisade agent --input redis://... --output redis://...` against a real
# redis-server of the test's own (loopback, a free port, no persistence):
#  1. one agent: a new group from the stream's start decides what is there,
#     one decision per entry, each naming its "entry" and deciding that
#     entry's event (the rule's message echoes a marker of the event), an
#     entry without the event field gets an error decision (naming the
#     entry, the field, and ?field= to set), nothing stays
#     pending; start=$ (the default) reads only what comes after;
#  2. 100k events through 3 agents of one group, one SIGKILLed mid-stream
#     (with entries pending on it) and one restarted (SIGTERM, started
#     again under its name): every entry has exactly one decision not
#     marked a redelivery and any others are marked, none is missing,
#     nothing is left pending, the dead agent's entries were claimed;
#     the same with input and output on two servers (XADD, then XACK), one
#     of two agents SIGKILLed: decisions written twice are marked;
#  3. connection loss: the agent's connections killed by the server again
#     and again mid-stream: reconnects counted, nothing lost, duplicates
#     marked; a server down at start: the agent waits with backoff (its
#     attempts counted, a few, not a busy loop) and starts when it comes;
#  4. back-pressure, input and output on two servers (pipelined XADD then
#     XACK): the output server stopped (SIGSTOP) while 30k entries wait:
#     what the agent holds stays at its bound (pending <= 4096), and all
#     is written once it runs again;
#  5. a password (--redis-password-file, requirepass), a wrong one
#     (reported, retried, not fatal), a unix socket, TLS (rediss:// with a
#     CA of the test's own; a wrong CA refused);
#  6. the flags: --input without --output redis://, no group, the same
#     stream in and out, a bad URL: exit 2 with what to write;
#  7. a slow name server: the Redis host's name held unanswered (getaddrinfo
#     wrapped through LD_PRELOAD by a shim built here): the agent's loop
#     answers decision requests meanwhile; released, it joins the group.
# No assertion depends on a sleep: waits are for what Redis or the agent's
# stderr shows, with generous timeouts.
. "$(dirname "$0")/lib/harness.sh"
if ! command -v redis-server >/dev/null; then
    if [ "${CI:-}" = true ]; then bad "redis-server is installed (make deps)"; else skip "redis.sh" "no redis-server: make deps"; fi
    finish
fi
python3 - <<'PYEOF'
import json, os, signal, subprocess, sys, threading, time
from harness import PAL, TMP, ok, bad, check, expect_eq, skip, finish
from resp import Redis, RedisError, start_server, free_port

POLICY = '''package main

rule "tag" {
  on process
  when process.name like "*"
  effect alert
  message "{process.command_line}"
}

rule "no shells" {
  on process
  when process.name == "sh"
  effect prevent
  message "shell {process.command_line}"
}
'''
POL = os.path.join(TMP, "pol")
os.makedirs(POL)
open(os.path.join(POL, "main.pal"), "w").write(POLICY)

def ev(marker, name="app"):
    return json.dumps({"event": {"category": ["process"]}, "process": {"name": name, "command_line": marker}})

def wait_for(cond, timeout=120, step=0.05):
    end = time.time() + timeout
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(step)
    return cond()

AGENTS = []

class Agent:
    def __init__(self, name, args, threads=2, env=None):
        self.name = name
        self.log = os.path.join(TMP, "agent-%s-%d.log" % (name, time.time_ns()))
        self.errf = open(self.log, "w")
        self.sigterm = None
        AGENTS.append(self)
        self.p = subprocess.Popen([PAL, "agent", "--threads", str(threads), "--policy", POL] + args,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.errf,
                                  env=dict(os.environ, **(env or {})))
    def text(self):
        return open(self.log).read()
    def ready(self, timeout=60):
        return wait_for(lambda: "ready:" in self.text() or self.p.poll() is not None, timeout) and "ready:" in self.text()
    def stats(self):
        n = self.text().count("stats:")
        self.p.send_signal(signal.SIGUSR1)
        if not wait_for(lambda: self.text().count("stats:") > n, 20):
            return {}
        return parse_stats(self.text())
    def stop(self, sig=signal.SIGTERM):
        if self.p.poll() is None:
            self.p.send_signal(sig)
            if self.sigterm is None:
                self.sigterm = sig == signal.SIGTERM
        try:
            self.p.wait(60)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.errf.close()
        return parse_stats(self.text())

def parse_stats(text):
    lines = [l for l in text.splitlines() if "stats" in l and "events_in=" in l]
    if not lines:
        return {}
    return dict(kv.split("=", 1) for kv in lines[-1].split(": ", 2)[-1].split() if "=" in kv)

def url(srv, stream, **params):
    q = "&".join("%s=%s" % kv for kv in params.items())
    return "redis://127.0.0.1:%d/%s%s" % (srv.port, stream, "?" + q if q else "")

def decisions(r, key):
    """entry id -> list of decision objects."""
    out = {}
    for eid, fv in r.xrange_all(key):
        d = json.loads(fv["decision"])
        if d.get("entry") != fv.get("entry"):
            d["_mismatch"] = fv.get("entry")
        out.setdefault(d.get("entry"), []).append(d)
    return out

def verify(r, name, markers, out_key, want_dups=None):
    """Every entry in markers (id -> marker) has its decision, deciding its event."""
    ds = decisions(r, out_key)
    missing = [i for i in markers if i not in ds]
    extra = [i for i in ds if i not in markers]
    firsts = bad_dup = wrong = 0
    dups = 0
    for i, lst in ds.items():
        unmarked = [d for d in lst if not d.get("redelivered")]
        if len(unmarked) > 1:
            bad_dup += 1
        dups += len(lst) - 1
        for d in lst:
            m = markers.get(i)
            msgs = [x.get("message") for x in d.get("matches", [])]
            if m is None or m not in msgs or "_mismatch" in d:
                wrong += 1
    check(not missing and not extra, "%s: every entry has a decision (%d entries, %d decisions)" %
          (name, len(markers), sum(len(l) for l in ds.values())),
          "missing %d (e.g. %s), extra %d" % (len(missing), missing[:3], len(extra)))
    check(bad_dup == 0, "%s: at most one decision per entry is not marked a redelivery (%d duplicates, all marked)" %
          (name, dups), "%d entries with two unmarked decisions" % bad_dup)
    check(wrong == 0, "%s: each decision decides its own entry's event" % name, "%d wrong" % wrong)
    return dups

def pending(r, stream, group):
    try:
        return r.call("XPENDING", stream, group)[0]
    except RedisError:
        return -1

def group_done(r, stream, group):
    """Everything in the stream was delivered to the group and acked."""
    info = r.call("XINFO", "STREAM", stream)
    last = dict(zip(info[0::2], info[1::2]))["last-generated-id"]
    for g in r.call("XINFO", "GROUPS", stream):
        g = dict(zip(g[0::2], g[1::2]))
        if g["name"] == group:
            return g["pending"] == 0 and g["last-delivered-id"] == last
    return False

def add(r, stream, n, prefix, field="event"):
    """n entries; returns id -> marker."""
    cmds = [("XADD", stream, "*", field, ev("%s%d" % (prefix, i))) for i in range(n)]
    ids = r.pipeline(cmds)
    return {eid: "%s%d" % (prefix, i) for i, eid in enumerate(ids)}

# --------------------------------------------------------------------------
# 1. one agent
# --------------------------------------------------------------------------
def scenario_basic(srv):
    r = Redis(port=srv.port)
    before = add(r, "b:in", 500, "pre")
    shell = r.call("XADD", "b:in", "*", "event", ev("sh1", "sh"))
    nofield = r.call("XADD", "b:in", "*", "other", "x")
    a = Agent("basic", ["--input", url(srv, "b:in", group="g", consumer="one", start="0"),
                        "--output", url(srv, "b:out")])
    if not check(a.ready(), "basic: the agent starts", a.text()):
        a.stop(); return
    want = len(before) + 2
    wait_for(lambda: r.call("XLEN", "b:out") >= want and pending(r, "b:in", "g") == 0, 60)
    ds = decisions(r, "b:out")
    expect_eq("basic: one decision per entry", (len(ds), sum(len(v) for v in ds.values())), (want, want))
    d = ds.get(shell, [{}])[0]
    check(d.get("effect") == "prevent" and d.get("revision") and d.get("entry") == shell,
          "basic: a decision names its entry and revision (%s)" % json.dumps(d)[:120], d)
    d = ds.get(nofield, [{}])[0]
    err = d.get("error") or ""
    check(d.get("effect") == "allow" and ("entry %s of stream b:in has no field \"event\"" % nofield) in err
          and "field=NAME in the --input URL" in err,
          "basic: an entry without the event field gets an error decision naming the entry, the field and what to set "
          "(%s)" % err[:150], d)
    markers = dict(before); markers[shell] = "shell sh1"
    ds.pop(nofield, None)
    wrong = [i for i, m in markers.items() if m not in [x.get("message") for x in ds.get(i, [{}])[0].get("matches", [])]]
    check(not wrong, "basic: each decision decides its entry's event (a marker echoed by the rule)", wrong[:3])
    expect_eq("basic: nothing pending", pending(r, "b:in", "g"), 0)
    # entries after the start: decided at once; fields come out as "entry" and "decision"
    later = add(r, "b:in", 10, "late")
    wait_for(lambda: r.call("XLEN", "b:out") >= want + 10, 30)
    expect_eq("basic: entries added later are decided", r.call("XLEN", "b:out"), want + 10)
    st = a.stop()
    check(st.get("redis_committed") == str(want + 10) and st.get("redis_redelivered") == "0",
          "basic: the stats count what was committed (%s)" % st.get("redis_committed"), st)
    # start=$ (default): a new group sees only what comes after it
    a = Agent("dollar", ["--input", url(srv, "b:in", group="g2", consumer="one"), "--output", url(srv, "b:out2")])
    a.ready()
    wait_for(lambda: "g2" in str(r.call("XINFO", "GROUPS", "b:in")), 30)
    new = add(r, "b:in", 5, "new")
    wait_for(lambda: r.call("XLEN", "b:out2") >= 5, 30)
    time.sleep(0.3)
    ds = decisions(r, "b:out2")
    expect_eq("basic: start=$ decides only entries added after the group was made", sorted(ds), sorted(new))
    a.stop()
    # maxlen: approximate trimming keeps the output near N
    a = Agent("maxlen", ["--input", url(srv, "b:in", group="g3", consumer="one", start="0"),
                         "--output", url(srv, "b:out3", maxlen="100")])
    a.ready()
    total = r.call("XLEN", "b:in")
    wait_for(lambda: group_done(r, "b:in", "g3"), 60)
    n = r.call("XLEN", "b:out3")
    check(100 <= n < total, "basic: ?maxlen=100 trims the output stream approximately (%d of %d kept)" % (n, total), n)
    a.stop()
    r.close()

# --------------------------------------------------------------------------
# 2. 100k events, 3 agents, one killed, one restarted
# --------------------------------------------------------------------------
def scenario_group(srv, total=100000):
    r = Redis(port=srv.port)
    markers = add(r, "g:in", total, "m")
    common = ["--output", url(srv, "g:out"), "--claim-idle", "1000"]
    def start(name):
        a = Agent(name, ["--input", url(srv, "g:in", group="G", consumer=name, start="0")] + common)
        a.ready()
        return a
    agents = {n: start(n) for n in ("c1", "c2", "c3")}
    ok("group: 3 agents started on one group") if all("ready:" in a.text() for a in agents.values()) else \
        bad("group: 3 agents started", [a.text() for a in agents.values()])
    wait_for(lambda: r.call("XLEN", "g:out") >= total * 0.25, 300)
    # c2 dies holding entries
    def c2_pending():
        info = r.call("XPENDING", "g:in", "G")
        return {c: int(n) for c, n in (info[3] or [])}.get("c2", 0)
    held = wait_for(lambda: c2_pending() > 0, 60, 0.001)
    agents["c2"].stop(signal.SIGKILL)
    held = c2_pending()
    check(held > 0, "group: c2 is SIGKILLed with %d entries pending on it" % held, held)
    wait_for(lambda: r.call("XLEN", "g:out") >= total * 0.55, 300)
    st3 = agents["c3"].stop(signal.SIGTERM)
    check(st3.get("redis_inflight") == "0", "group: c3 stopped by SIGTERM committed what it had read (inflight 0)", st3)
    agents["c3"] = start("c3")
    wait_for(lambda: pending(r, "g:in", "G") == 0 and r.call("XLEN", "g:out") >= total, 600, 0.2)
    expect_eq("group: nothing left pending", pending(r, "g:in", "G"), 0)
    stats = {n: a.stats() for n, a in agents.items() if n != "c2"}
    # c3's first life claimed too (its stats at exit): the restart counts from 0
    claimed = sum(int(s.get("redis_claimed", 0)) for s in stats.values()) + int(st3.get("redis_claimed", 0))
    check(claimed >= held, "group: the dead agent's %d entries were claimed by the others (%d claimed)" % (held, claimed), stats)
    share = {n: int(s.get("redis_committed", 0)) for n, s in stats.items()}
    check(all(v > 0 for v in share.values()), "group: every live agent decided a share (%s)" % share, share)
    dups = verify(r, "group", markers, "g:out")
    for a in agents.values():
        a.stop()
    r.call("DEL", "g:in", "g:out")
    r.close()

def scenario_group_two_servers(srv, total=30000):
    """The same on two servers (XADD, then XACK): a kill between the two leaves
    decisions written whose entries are still pending; decided again, marked."""
    outsrv = start_server(os.path.join(TMP, "outsrv2"))
    r, ro = Redis(port=srv.port), Redis(port=outsrv.port)
    markers = add(r, "h:in", total, "h")
    def start(name):
        a = Agent(name, ["--input", url(srv, "h:in", group="H", consumer=name, start="0"),
                         "--output", url(outsrv, "h:out"), "--claim-idle", "1000"])
        a.ready()
        return a
    a1, a2 = start("d1"), start("d2")
    wait_for(lambda: ro.call("XLEN", "h:out") >= total * 0.3, 300, 0.001)
    a2.stop(signal.SIGKILL)
    wait_for(lambda: pending(r, "h:in", "H") == 0 and group_done(r, "h:in", "H"), 300, 0.2)
    st = a1.stats()
    dups = verify(ro, "two servers, one agent SIGKILLed", markers, "h:out")
    check(int(st.get("redis_claimed", 0)) > 0, "two servers: the survivor claimed the dead agent's entries (%s claimed, "
          "%d decisions written twice, the second marked)" % (st.get("redis_claimed"), dups), st)
    a1.stop()
    r.close(); ro.close()
    outsrv.stop()

# --------------------------------------------------------------------------
# 3. connection loss; a server down at start
# --------------------------------------------------------------------------
def scenario_loss(srv):
    r = Redis(port=srv.port)
    a = Agent("loss", ["--input", url(srv, "l:in", group="g", consumer="x", start="0"), "--output", url(srv, "l:out")])
    a.ready()
    markers = {}
    kills = 0
    for round in range(6):
        markers.update(add(r, "l:in", 3000, "r%d-" % round))
        wait_for(lambda: r.call("XLEN", "l:out") > len(markers) - 2500, 60, 0.001)
        kills += r.call("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")
    wait_for(lambda: pending(r, "l:in", "g") == 0 and len(decisions(r, "l:out")) >= len(markers), 120, 0.2)
    st = a.stats()
    check(int(st.get("redis_reconnects", 0)) >= 6, "loss: the connections killed 6 times (%d clients): reconnects counted (%s)" %
          (kills, st.get("redis_reconnects")), st)
    verify(r, "loss", markers, "l:out")
    a.stop()
    r.close()
    # a server that is not there yet
    port = free_port()
    d = os.path.join(TMP, "late")
    a = Agent("late", ["--input", "redis://127.0.0.1:%d/in?group=g&consumer=x&start=0" % port,
                       "--output", "redis://127.0.0.1:%d/out" % port])
    check(a.ready(), "down at start: the agent starts and waits", a.text())
    t0 = time.time()
    wait_for(lambda: a.text().count("connecting again") >= 2, 30)
    time.sleep(2)
    st = a.stats()
    elapsed = time.time() - t0
    att = int(st.get("redis_connect_attempts", 0))
    check(a.p.poll() is None and 2 <= att <= 4 + 2 * elapsed, "down at start: it retries with backoff (%d attempts in %.1f s), "
          "not in a busy loop" % (att, elapsed), st)
    late = start_server(d, port=port)
    rl = Redis(port=port)
    m = add(rl, "in", 100, "late")
    wait_for(lambda: pending(rl, "in", "g") == 0 and rl.call("XLEN", "out") >= 100, 60)
    verify(rl, "down at start", m, "out")
    a.stop()
    rl.close()
    late.stop()

# --------------------------------------------------------------------------
# 4. back-pressure: the output server stops
# --------------------------------------------------------------------------
def scenario_backpressure(srv):
    outsrv = start_server(os.path.join(TMP, "outsrv"))
    r, ro = Redis(port=srv.port), Redis(port=outsrv.port)
    a = Agent("bp", ["--input", url(srv, "p:in", group="g", consumer="x", start="0"), "--output", url(outsrv, "p:out"),
                     "--shutdown-grace", "1000"])
    a.ready()
    m = add(r, "p:in", 2000, "warm")
    wait_for(lambda: pending(r, "p:in", "g") == 0 and ro.call("XLEN", "p:out") >= 2000, 60)
    expect_eq("two servers: decisions written, entries acked (XADD, then XACK)", ro.call("XLEN", "p:out"), 2000)
    ro.close()
    outsrv.proc.send_signal(signal.SIGSTOP)
    m2 = add(r, "p:in", 30000, "bp")
    m.update(m2)
    # the agent reads what its bound lets it, then waits
    held = wait_for(lambda: (lambda n: n if n >= 4096 - 512 else 0)(pending(r, "p:in", "g")), 60)
    time.sleep(1.5)
    held2 = pending(r, "p:in", "g")
    rss = int([l for l in open("/proc/%d/status" % a.p.pid) if l.startswith("VmRSS")][0].split()[1])
    check(0 < held2 <= 4096, "back-pressure: with the output stopped the agent holds at most 4096 entries (%d pending, "
          "the other %d wait in Redis; rss %d kB)" % (held2, 30000 - held2, rss), held2)
    # SIGTERM while the output does not answer: the agent exits after its --shutdown-grace (it waited for
    # the output forever), leaving what it held pending; restarted under its name, it decides them again
    a.p.send_signal(signal.SIGTERM)
    a.sigterm = True
    try:
        a.p.wait(30)
    except subprocess.TimeoutExpired:
        pass
    check(a.p.poll() == 0 and "not committed within the 1000 ms grace" in a.text(),
          "back-pressure: SIGTERM with the output stopped: the agent exits after --shutdown-grace 1000, its "
          "entries left pending", "rc %s: %s" % (a.p.poll(), a.text()[-400:]))
    if a.p.poll() is None:
        a.p.kill(); a.p.wait()
    a.errf.close()
    outsrv.proc.send_signal(signal.SIGCONT)
    a = Agent("bp2", ["--input", url(srv, "p:in", group="g", consumer="x", start="0"), "--output", url(outsrv, "p:out")])
    ro = Redis(port=outsrv.port)
    wait_for(lambda: pending(r, "p:in", "g") == 0 and ro.call("XLEN", "p:out") >= 32000, 120, 0.2)
    verify(ro, "back-pressure", m, "p:out")
    a.stop()
    r.close(); ro.close()
    outsrv.stop()

# --------------------------------------------------------------------------
# 5. password, unix socket, TLS
# --------------------------------------------------------------------------
def scenario_auth(tmp):
    srv = start_server(os.path.join(tmp, "auth"), extra=["--requirepass", "s3cret pass"])
    r = Redis(port=srv.port, password="s3cret pass")
    pw = os.path.join(tmp, "pw")
    open(pw, "w").write("s3cret pass\n")
    m = add(r, "in", 50, "a")
    a = Agent("auth", ["--input", url(srv, "in", group="g", consumer="x", start="0"), "--output", url(srv, "out"),
                       "--redis-password-file", pw])
    a.ready()
    wait_for(lambda: r.call("XLEN", "out") >= 50, 30)
    verify(r, "password file", m, "out")
    check("s3cret" not in " ".join(open("/proc/%d/cmdline" % a.p.pid).read().split("\0")),
          "password file: the password is not on the command line", "")
    a.stop()
    # in the URL, %-escaped
    a = Agent("authurl", ["--input", "redis://:s3cret%%20pass@127.0.0.1:%d/in?group=g2&consumer=x&start=0" % srv.port,
                          "--output", "redis://:s3cret%%20pass@127.0.0.1:%d/out2" % srv.port])
    a.ready()
    wait_for(lambda: r.call("XLEN", "out2") >= 50, 30)
    expect_eq("password in the URL: decided", r.call("XLEN", "out2"), 50)
    a.stop()
    bad_pw = os.path.join(tmp, "badpw")
    open(bad_pw, "w").write("wrong")
    a = Agent("badpw", ["--input", url(srv, "in", group="g3", consumer="x"), "--output", url(srv, "out3"),
                        "--redis-password-file", bad_pw])
    a.ready()
    seen = wait_for(lambda: "AUTH or SELECT was refused" in a.text(), 20)
    check(seen and a.p.poll() is None, "a wrong password: reported, retried, the agent keeps running", a.text()[-500:])
    a.stop()
    # a unix socket
    m = add(r, "uin", 20, "u")
    a = Agent("unix", ["--input", "unix:%s?stream=uin&group=g&consumer=x&start=0&password=s3cret%%20pass" % srv.unix,
                       "--output", "unix:%s?stream=uout&password=s3cret%%20pass" % srv.unix])
    a.ready()
    wait_for(lambda: r.call("XLEN", "uout") >= 20, 30)
    verify(r, "unix socket", m, "uout")
    a.stop()
    r.close()
    srv.stop()
    # TLS
    d = os.path.join(tmp, "tls")
    os.makedirs(d)
    def sh(*args):
        return subprocess.run(args, cwd=d, capture_output=True, text=True)
    rc = sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
            "-days", "2", "-subj", "/CN=test-ca").returncode
    rc |= sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr",
             "-subj", "/CN=localhost").returncode
    open(os.path.join(d, "ext"), "w").write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    rc |= sh("openssl", "x509", "-req", "-in", "srv.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "srv.crt", "-days", "2", "-extfile", "ext").returncode
    rc |= sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other.crt",
             "-days", "2", "-subj", "/CN=other-ca").returncode
    if rc:
        skip("TLS", "openssl could not make the test certificates")
        return
    tport = free_port()
    srv = start_server(os.path.join(d, "srv"), extra=["--tls-port", str(tport), "--tls-cert-file", os.path.join(d, "srv.crt"),
                                                      "--tls-key-file", os.path.join(d, "srv.key"),
                                                      "--tls-ca-cert-file", os.path.join(d, "ca.crt"),
                                                      "--tls-auth-clients", "no"])
    r = Redis(port=srv.port)
    m = add(r, "tin", 30, "t")
    a = Agent("tls", ["--input", "rediss://localhost:%d/tin?group=g&consumer=x&start=0" % tport,
                      "--output", "rediss://localhost:%d/tout" % tport, "--redis-tls-ca", os.path.join(d, "ca.crt")])
    a.ready()
    wait_for(lambda: r.call("XLEN", "tout") >= 30, 30)
    verify(r, "TLS (rediss://, the server's certificate checked against --redis-tls-ca)", m, "tout")
    a.stop()
    a = Agent("tlsbad", ["--input", "rediss://localhost:%d/tin?group=g2&consumer=x&start=0" % tport,
                         "--output", "rediss://localhost:%d/tout2" % tport, "--redis-tls-ca", os.path.join(d, "other.crt")])
    a.ready()
    seen = wait_for(lambda: "TLS handshake" in a.text() and "certificate verify failed" in a.text(), 20)
    check(seen and r.call("XLEN", "tout2") == 0, "TLS: a server whose certificate the CA did not sign is refused",
          a.text()[-400:])
    a.stop()
    r.close()
    srv.stop()

# --------------------------------------------------------------------------
# 6. the flags
# --------------------------------------------------------------------------
def scenario_flags():
    cases = [
        (["--input", "redis://127.0.0.1:1/s?group=g&consumer=c"], "needs --output redis://"),
        (["--input", "redis://127.0.0.1:1/s?group=g&consumer=c", "--output", "redis://127.0.0.1:1/s"], "the same stream"),
        (["--input", "redis://127.0.0.1:1/s?consumer=c", "--output", "redis://127.0.0.1:1/o"], "?group=G&consumer=C"),
        (["--input", "redis://127.0.0.1:99999/s?group=g&consumer=c", "--output", "redis://127.0.0.1:1/o"], "not a port number"),
        (["--input", "redis://127.0.0.1/s?group=g&consumer=c&bogus=1", "--output", "redis://127.0.0.1/o"], "unknown parameter 'bogus'"),
        (["--input", "redis://127.0.0.1/s?group=g&consumer=c&start=7", "--output", "redis://127.0.0.1/o"], "start=7"),
        (["--input", "/tmp/x", "--output", "redis://127.0.0.1/o"], "give a Redis stream"),
        (["--output", "redis://127.0.0.1/o"], "give --input"),
        (["--input", "redis://127.0.0.1/s?group=g&consumer=c", "--output", "redis://127.0.0.1/o", "--follow", "/tmp/x"], "one event source"),
    ]
    for args, want in cases:
        p = subprocess.run([PAL, "agent"] + args, capture_output=True, text=True, timeout=30)
        check(p.returncode == 2 and want in p.stderr, "flags: %s -> exit 2, '%s'" % (" ".join(args)[:70], want),
              "rc %d: %s" % (p.returncode, p.stderr))

# --------------------------------------------------------------------------
# 7. a slow name server
# --------------------------------------------------------------------------
SHIM = r'''
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
/* getaddrinfo("slow.test"): no answer while the file $SLOWDNS_HOLD exists, then 127.0.0.1
   (a numeric-only lookup never asks a name server: it fails at once, as it does) */
int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
    int (*real)(const char *, const char *, const struct addrinfo *, struct addrinfo **) =
        (int (*)(const char *, const char *, const struct addrinfo *, struct addrinfo **))dlsym(RTLD_NEXT, "getaddrinfo");
    if (node && !strcmp(node, "slow.test") && !(hints && (hints->ai_flags & AI_NUMERICHOST))) {
        const char *hold = getenv("SLOWDNS_HOLD");
        while (hold && access(hold, F_OK) == 0) usleep(20000);
        node = "127.0.0.1";
    }
    return real(node, service, hints, res);
}
'''

def decide_on(sock_path, marker):
    import socket
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(sock_path)
    s.sendall(ev(marker, "sh").encode() + b"\n")
    buf = b""
    try:
        while b"\n" not in buf:
            got = s.recv(65536)
            if not got:
                break
            buf += got
    except OSError:
        pass
    s.close()
    return json.loads(buf) if buf.strip() else None

def scenario_slow_dns(srv):
    src = os.path.join(TMP, "slowdns.c")
    lib = os.path.join(TMP, "slowdns.so")
    open(src, "w").write(SHIM)
    p = subprocess.run(["cc", "-shared", "-fPIC", "-o", lib, src, "-ldl"], capture_output=True, text=True)
    if p.returncode:
        skip("slow name server", "cc could not build the getaddrinfo shim: " + p.stderr[-200:])
        return
    hold = os.path.join(TMP, "slowdns.hold")
    open(hold, "w").close()
    r = Redis(port=srv.port)
    sock = os.path.join(TMP, "slowdns.sock")
    env = {"LD_PRELOAD": lib, "SLOWDNS_HOLD": hold,
           "ASAN_OPTIONS": (os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0").lstrip(":")}
    a = Agent("slowdns", ["--input", "redis://slow.test:%d/d:in?group=g&consumer=x&start=0" % srv.port,
                          "--output", "redis://slow.test:%d/d:out" % srv.port, "--decision-socket", sock], env=env)
    if not check(a.ready(), "slow name server: the agent starts", a.text()):
        os.unlink(hold); a.stop(); return
    answers = [decide_on(sock, "q%d" % i) for i in range(5)]
    got = [d.get("effect") if d else None for d in answers]
    held = os.path.exists(hold) and not r.call("EXISTS", "d:in")
    check(got == ["prevent"] * 5 and held,
          "slow name server: while the Redis host's name is unanswered, the loop decides (5 decision requests "
          "answered, the group not yet made)", "%s %s %s" % (got, held, a.text()[-400:]))
    m = add(r, "d:in", 20, "dns")
    os.unlink(hold)
    wait_for(lambda: r.call("XLEN", "d:out") >= 20, 60)
    verify(r, "slow name server: once the name answers, the agent joins the group and decides", m, "d:out")
    a.stop()
    r.close()

main = start_server(os.path.join(TMP, "redis"))
try:
    scenario_flags()
    scenario_slow_dns(main)
    scenario_basic(main)
    scenario_loss(main)
    scenario_backpressure(main)
    scenario_auth(TMP)
    scenario_group(main)
    scenario_group_two_servers(main)
finally:
    main.stop()
for a in AGENTS:
    if a.p.poll() is None:
        a.stop()
termed = [a for a in AGENTS if a.sigterm]
sick = [a.log for a in AGENTS if "Sanitizer" in a.text() or "runtime error" in a.text()]
check(all(a.p.returncode == 0 for a in termed) and not sick,
      "every agent stopped by SIGTERM exited 0 (%d), and no sanitizer report" % len(termed),
      "\n".join(["%s: rc %s" % (a.log, a.p.returncode) for a in termed if a.p.returncode != 0] +
                [open(l).read()[-1500:] for l in sick[:1]]))
finish()
PYEOF
