#!/usr/bin/env bash
# `palisade agent --bundle-url URL --verify-key KEY --poll ... --bundle-cache DIR`
# against a static file server on loopback (tests/e2e/lib/bundle_server.py:
# ETags and 304s as nginx or S3 give them) serving exactly what `palisade
# build --sign` wrote:
#  1. the agent starts from the server; a new revision put on the server is
#     picked up and decides (asked through the decision socket); the cache
#     holds the served bytes, status.json and `agent --status DIR` say what it
#     holds and when it last checked;
#  2. polls of an unchanged bundle are 304s: no body sent, no download
#     counted;
#  3. a tampered, an unsigned, a truncated, an oversized and a wrong-key
#     bundle are each refused (counted, logged), and the rules in force keep
#     deciding; the cache keeps the last good one; the oversized one is
#     downloaded once across several polls (304s to its ETag after, counted
#     as refused_unchanged), and with the server's ETags off it is known by
#     its Content-Length and not refused or logged again;
#  4. the server down: failures counted, never fatal; an agent restarted
#     while it is down starts from the cache; with no cache, or a cache that
#     does not verify, it does not start (exit 2, saying why); the server
#     back with a new revision: picked up;
#  5. the flags: --bundle-url without --verify-key, with --policy, not http,
#     --bundle-ca with http:// or a file that is not there;
#  6. https with a CA made here by openssl (the server: tests/e2e/lib/
#     bundle_server.py over ssl): --bundle-ca CA starts from it and picks a
#     new revision up; another CA, or none (the system's), is refused.
. "$(dirname "$0")/lib/harness.sh"
python3 - <<'PYEOF'
import json, os, shutil, signal, socket, subprocess, time
from harness import PAL, TMP, ok, bad, check, expect_eq, finish
from bundle_server import BundleServer

POLICY = '''package main

rule "no shells" {
  on process
  when process.name == "sh"
  effect prevent
  message "v%d"
}
'''
SRC = os.path.join(TMP, "src")
os.makedirs(SRC)
SERVE = os.path.join(TMP, "www")
os.makedirs(SERVE)
CACHE = os.path.join(TMP, "cache")

def run(*args):
    return subprocess.run([PAL] + list(args), capture_output=True, text=True, timeout=120)

for k in ("k1", "k2"):
    r = run("keygen", "-o", os.path.join(TMP, k))
    assert r.returncode == 0, r.stderr

def build(v, key="k1"):
    """palisade build [--sign]: the bytes a release uploads."""
    open(os.path.join(SRC, "main.pal"), "w").write(POLICY % v)
    out = os.path.join(TMP, "rev-%d.palb" % v)
    args = ["build", SRC, "-o", out, "--revision", "rev-%d" % v]
    if key:
        args += ["--sign", os.path.join(TMP, key + ".key")]
    r = run(*args)
    assert r.returncode == 0, r.stderr
    return open(out, "rb").read()

def publish(data):
    """An upload: the new file renamed into place."""
    tmp = os.path.join(SERVE, ".policy.palb.tmp")
    open(tmp, "wb").write(data)
    os.rename(tmp, os.path.join(SERVE, "policy.palb"))

def wait_for(cond, timeout=60, step=0.05):
    end = time.time() + timeout
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(step)
    return cond()

AGENTS = []

class Agent:
    def __init__(self, args, name):
        self.log = os.path.join(TMP, "agent-%s.log" % name)
        self.sock = os.path.join(TMP, "dec-%s.sock" % name)
        self.errf = open(self.log, "w")
        self.sigterm = None
        AGENTS.append(self)
        self.p = subprocess.Popen([PAL, "agent", "--threads", "1", "--decision-socket", self.sock] + args,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.errf)
    def text(self):
        return open(self.log).read()
    def ready(self):
        return wait_for(lambda: "ready:" in self.text() or self.p.poll() is not None) and "ready:" in self.text()
    def decide(self):
        """The revision that decides a shell, asked through the decision socket."""
        s = socket.socket(socket.AF_UNIX)
        s.connect(self.sock)
        s.sendall(json.dumps({"event": {"category": ["process"]}, "process": {"name": "sh"}}).encode() + b"\n")
        buf = b""
        while b"\n" not in buf:
            buf += s.recv(65536)
        s.close()
        d = json.loads(buf)
        return d.get("revision"), d.get("effect")
    def stats(self):
        n = self.text().count("stats:")
        self.p.send_signal(signal.SIGUSR1)
        wait_for(lambda: self.text().count("stats:") > n, 20)
        l = [x for x in self.text().splitlines() if "stats:" in x][-1]
        return dict(kv.split("=", 1) for kv in l.split(": ", 2)[-1].split() if "=" in kv)
    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            if self.sigterm is None:
                self.sigterm = True
        self.p.wait(60)
        self.errf.close()

srv = BundleServer(SERVE, os.path.join(TMP, "requests.log"))
URL = srv.url("policy.palb")
common = ["--bundle-url", URL, "--verify-key", os.path.join(TMP, "k1.pub"), "--poll", "200ms",
          "--bundle-cache", CACHE, "--bundle-max-bytes", "100000"]

# 1. start, new revision
rev1 = build(1)
publish(rev1)
a = Agent(common, "one")
check(a.ready() and "revision rev-1" in a.text(), "the agent starts with the server's bundle (rev-1)", a.text())
expect_eq("rev-1 decides", a.decide(), ("rev-1", "prevent"))

# 2. unchanged: 304s, nothing downloaded
n0 = len(srv.requests())
wait_for(lambda: sum(1 for q in srv.requests()[n0:] if q["status"] == 304) >= 3)
reqs = srv.requests()
notmod = [q for q in reqs if q["status"] == 304]
check(len(notmod) >= 3 and all(q["bytes"] == 0 and q["if_none_match"] for q in notmod),
      "an unchanged bundle is asked for with If-None-Match and answered 304 with no body (%d of %d requests)" %
      (len(notmod), len(reqs)), reqs[-5:])
st = a.stats()
expect_eq("stats: the 304s are counted and cost no download (downloads = the 200s after the start)",
          (int(st["bundle_not_modified"]) >= len(notmod), st["bundle_downloads"]),
          (True, str(sum(1 for q in srv.requests() if q["status"] == 200) - 1)))

rev2 = build(2)
publish(rev2)
wait_for(lambda: "reloaded: revision rev-2" in a.text())
expect_eq("a new revision on the server is picked up and decides", a.decide(), ("rev-2", "prevent"))
check(open(os.path.join(CACHE, "bundle.palb"), "rb").read() == rev2, "the cache holds exactly the served bytes", "")
check(not [f for f in os.listdir(CACHE) if f.startswith(".bundle")],
      "no temporary bundle file is left in the cache", os.listdir(CACHE))
wait_for(lambda: '"holds":"rev-2"' in open(os.path.join(CACHE, "status.json")).read())
status = json.load(open(os.path.join(CACHE, "status.json")))
check(status["holds"] == "rev-2" and status["last_check"].endswith("Z") and status["taken"] >= 1,
      "status.json: what it holds, when it last checked (%s), what it got (%s)" % (status["last_check"], status["last_result"]),
      status)
r = run("agent", "--status", CACHE)
check(r.returncode == 0 and "holds         rev-2" in r.stdout and "last_check" in r.stdout,
      "agent --status DIR prints it", r.stdout + r.stderr)

# 3. refusals
def mutate(data):
    b = bytearray(data)
    b[len(b) // 2] ^= 0x40
    return bytes(b)
cases = [
    ("tampered", mutate(build(3)), "signature"),
    ("unsigned", build(4, key=None), "not signed"),
    ("truncated", build(5)[: len(rev2) // 2], "cut short"),
    ("oversized", build(6) + b"\0" * 150000, "larger than the limit"),
    ("signed by another key", build(7, key="k2"), "not by the trusted key"),
]
def refusals():
    return [l for l in a.text().splitlines() if "refused" in l and "bundle http" in l]
for name, data, why in cases:
    # the wait is for this bundle's refusal, by its reason
    before, seen = int(a.stats()["bundle_refused"]), len(refusals())
    n_pub = len(srv.requests())
    publish(data)
    last = wait_for(lambda: [l for l in refusals()[seen:] if why in l], 30, 0.2)
    got = int(a.stats()["bundle_refused"]) > before
    check(got and last, "a %s bundle is refused (%s)" % (name, last[-1][last[-1].find("refused"):][:90] if last else "-"),
          a.text()[-600:])
    expect_eq("... and rev-2 keeps deciding", a.decide(), ("rev-2", "prevent"))
    if name == "oversized":
        st0 = a.stats()
        n_ref = len(refusals())
        wait_for(lambda: len(srv.requests()) >= n_pub + 5, 30, 0.1)
        since = srv.requests()[n_pub:]
        st1 = a.stats()
        ok200 = [q for q in since if q["status"] == 200]
        check(len(ok200) == 1 and len(since) >= 5 and all(q["status"] == 304 and q["if_none_match"] for q in since[len(ok200):])
              and int(st1["bundle_refused"]) == int(st0["bundle_refused"])
              and int(st1["bundle_refused_unchanged"]) >= int(st0["bundle_refused_unchanged"]) + 3,
              "... downloaded once across %d polls: then 304s to its ETag (refused_unchanged %s, refused %s; before: the "
              "ETag was dropped and every poll downloaded it)" % (len(since), st1["bundle_refused_unchanged"], st1["bundle_refused"]),
              (since, st0, st1))
        # a server without ETags (python3 -m http.server): known by its Content-Length, not refused again
        srv.etags = False
        n2 = len(srv.requests())
        wait_for(lambda: len(srv.requests()) >= n2 + 3, 30, 0.1)
        st2 = a.stats()
        check(int(st2["bundle_refused"]) == int(st1["bundle_refused"]) and len(refusals()) == n_ref
              and int(st2["bundle_refused_unchanged"]) >= int(st1["bundle_refused_unchanged"]) + 3
              and int(st2["bundle_downloads"]) == int(st1["bundle_downloads"]),
              "... served again without an ETag: known by its Content-Length, neither read, refused nor logged again "
              "(refused_unchanged %s)" % st2["bundle_refused_unchanged"], (st1, st2, refusals()[n_ref:]))
        srv.etags = True
check(open(os.path.join(CACHE, "bundle.palb"), "rb").read() == rev2, "the cache still holds rev-2 after the refusals", "")
# the refused bundle is not downloaded again and again: it is 304 now
n1 = len(srv.requests())
wait_for(lambda: len(srv.requests()) >= n1 + 3)
check(all(q["status"] == 304 for q in srv.requests()[n1:]), "a refused bundle unchanged on the server is not downloaded again (304)",
      srv.requests()[n1:])

# 4. server down
srv.stop()
before = int(a.stats()["bundle_failed"])
wait_for(lambda: int(a.stats()["bundle_failed"]) >= before + 2, 30, 0.2)
check(a.p.poll() is None and "failed" in a.text(), "the server down: failures counted and logged, the agent runs on", a.text()[-300:])
expect_eq("... and rev-2 decides", a.decide(), ("rev-2", "prevent"))
a.stop()

b = Agent(common, "restart")
check(b.ready() and "revision rev-2" in b.text() and "cached copy" in b.text(),
      "restarted while the server is down: it starts with the cached rev-2", b.text())
expect_eq("... which decides", b.decide(), ("rev-2", "prevent"))

r = run("agent", "--bundle-url", URL, "--verify-key", os.path.join(TMP, "k1.pub"), "--bundle-cache", os.path.join(TMP, "empty"))
check(r.returncode == 2 and "does not start without verified rules" in r.stderr,
      "no cache and the server down: the agent does not start", r.stderr)
bad_cache = os.path.join(TMP, "badcache")
os.makedirs(bad_cache)
open(os.path.join(bad_cache, "bundle.palb"), "wb").write(mutate(rev2))
r = run("agent", "--bundle-url", URL, "--verify-key", os.path.join(TMP, "k1.pub"), "--bundle-cache", bad_cache)
check(r.returncode == 2 and "cached bundle" in r.stderr and "refused" in r.stderr,
      "a cache that does not verify is not started from", r.stderr)

rev8 = build(8)
publish(rev8)
srv.start()
wait_for(lambda: "reloaded: revision rev-8" in b.text())
expect_eq("the server back with rev-8: picked up", b.decide(), ("rev-8", "prevent"))
b.stop()

# 5. flags
for args, want in [
    (["--bundle-url", URL], "needs --verify-key"),
    (["--bundle-url", URL, "--verify-key", os.path.join(TMP, "k1.pub"), "--policy", SRC], "one source of rules"),
    (["--bundle-url", "ftp://x/y", "--verify-key", os.path.join(TMP, "k1.pub")], "http:// or https://"),
    (["--poll", "30s"], "go with --bundle-url"),
    (["--bundle-url", URL, "--verify-key", os.path.join(TMP, "k1.pub"), "--poll", "soon"], "takes a duration"),
    (["--bundle-url", URL, "--verify-key", os.path.join(TMP, "k1.pub"), "--bundle-ca", os.path.join(TMP, "k1.pub")],
     "goes with an https://"),
    (["--bundle-url", "https://localhost:1/p.palb", "--verify-key", os.path.join(TMP, "k1.pub"), "--bundle-ca",
      os.path.join(TMP, "nothere.pem")], "--bundle-ca %s: No such file" % os.path.join(TMP, "nothere.pem")),
    (["--bundle-ca", os.path.join(TMP, "k1.pub")], "go with --bundle-url"),
]:
    r = run("agent", *args)
    check(r.returncode == 2 and want in r.stderr, "flags: %s -> exit 2, '%s'" % (" ".join(args)[:60], want), r.stderr)
srv.stop()

# 6. https, a CA of the test's own
d = os.path.join(TMP, "tls")
os.makedirs(d)
def sh(*args):
    return subprocess.run(args, cwd=d, capture_output=True, text=True)
rc = sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
        "-days", "2", "-subj", "/CN=palisade-test-ca").returncode
rc |= sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr",
         "-subj", "/CN=localhost").returncode
open(os.path.join(d, "ext"), "w").write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
rc |= sh("openssl", "x509", "-req", "-in", "srv.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
         "-out", "srv.crt", "-days", "2", "-extfile", "ext").returncode
rc |= sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other.crt",
         "-days", "2", "-subj", "/CN=other-ca").returncode
if rc:
    bad("https: openssl made the test's CA and certificates", sh("openssl", "version").stdout)
else:
    tsrv = BundleServer(SERVE, os.path.join(TMP, "tls-requests.log"), tls=(os.path.join(d, "srv.crt"), os.path.join(d, "srv.key")))
    TURL = tsrv.url("policy.palb")
    key = ["--verify-key", os.path.join(TMP, "k1.pub")]
    t = Agent(["--bundle-url", TURL, "--bundle-ca", os.path.join(d, "ca.crt"), "--poll", "200ms",
               "--bundle-cache", os.path.join(TMP, "tlscache")] + key, "https")
    check(t.ready() and "revision rev-8" in t.text(), "https: --bundle-ca CA: the agent starts from %s" % TURL, t.text())
    expect_eq("... which decides", t.decide(), ("rev-8", "prevent"))
    publish(build(9))
    wait_for(lambda: "reloaded: revision rev-9" in t.text())
    expect_eq("https: a new revision is picked up", t.decide(), ("rev-9", "prevent"))
    t.stop()
    for label, extra in [("another CA", ["--bundle-ca", os.path.join(d, "other.crt")]), ("no --bundle-ca (the system's CAs)", [])]:
        r = run("agent", "--bundle-url", TURL, *extra, *key, "--bundle-cache", os.path.join(TMP, "tlsnone"))
        check(r.returncode == 2 and "certificate" in r.stderr and "does not start without verified rules" in r.stderr,
              "https: %s: the server's certificate is refused, the agent does not start" % label, r.stderr)
    tsrv.stop()

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
