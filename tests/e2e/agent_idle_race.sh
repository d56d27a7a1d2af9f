#!/usr/bin/env bash
# `palisade agent --listen PATH --idle-timeout MS`: a connection quiet past
# its idle timeout is closed — but not when bytes came after the loop's
# poll and before the close (they were dropped, their events never
# decided).  The window is made wide and exact with an LD_PRELOAD shim of
# poll(), built here: armed, the first poll that times out waits, its
# return held, until the test has written the next line and says go.  So
# the line is in the socket, unread, when the idle deadline has passed.
# The shim also holds listen() 300 ms after bind(): the socket file must
# not appear before the agent accepts (a client that waits for the file
# and connects at once was refused under load).
. "$(dirname "$0")/lib/harness.sh"
python3 - <<'PYEOF'
import json, os, socket, subprocess, time
from harness import PAL, TMP, ok, bad, check, skip, finish

SHIM = r'''
#define _GNU_SOURCE
#include <dlfcn.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>
/* armed ($IDLE_ARM exists): the first poll that times out creates $IDLE_HELD and returns
   only once $IDLE_GO exists (both files removed) */
int poll(struct pollfd *fds, nfds_t n, int timeout)
{
    int (*real)(struct pollfd *, nfds_t, int) = (int (*)(struct pollfd *, nfds_t, int))dlsym(RTLD_NEXT, "poll");
    int r = real(fds, n, timeout);
    const char *arm = getenv("IDLE_ARM"), *held = getenv("IDLE_HELD"), *go = getenv("IDLE_GO");
    if (r == 0 && arm && held && go && access(arm, F_OK) == 0) {
        unlink(arm);
        close(open(held, 01 | 0100, 0600));   /* O_WRONLY | O_CREAT */
        for (int i = 0; i < 3000 && access(go, F_OK) != 0; i++) usleep(10000);
        unlink(go);
    }
    return r;
}

int listen(int fd, int backlog)
{
    int (*real)(int, int) = (int (*)(int, int))dlsym(RTLD_NEXT, "listen");
    usleep(300000);
    return real(fd, backlog);
}
'''
src, lib = os.path.join(TMP, "idlepoll.c"), os.path.join(TMP, "idlepoll.so")
open(src, "w").write(SHIM.replace("#include <unistd.h>", "#include <fcntl.h>\n#include <unistd.h>"))
p = subprocess.run(["cc", "-shared", "-fPIC", "-o", lib, src, "-ldl"], capture_output=True, text=True)
if p.returncode:
    skip("idle race", "cc could not build the poll shim: " + p.stderr[-200:])
    finish()
arm, held, go = (os.path.join(TMP, n) for n in ("arm", "held", "go"))
lsock, out = os.path.join(TMP, "listen.sock"), os.path.join(TMP, "decisions.jsonl")
env = dict(os.environ, LD_PRELOAD=lib, IDLE_ARM=arm, IDLE_HELD=held, IDLE_GO=go,
           ASAN_OPTIONS=(os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0").lstrip(":"))
log = open(os.path.join(TMP, "agent.log"), "w")
a = subprocess.Popen([PAL, "agent", "--threads", "1", "--listen", lsock, "--output", out, "--idle-timeout", "300"],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, env=env)

def wait_for(cond, timeout=30, step=0.02):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(step)
    return cond()

def lines():
    try:
        return [json.loads(l) for l in open(out) if l.strip()]
    except OSError:
        return []

ev = lambda n: (json.dumps({"event": {"category": ["process"]}, "process": {"name": n}}) + "\n").encode()
check(wait_for(lambda: os.path.exists(lsock)), "the agent listens", open(log.name).read())
c = socket.socket(socket.AF_UNIX)
try:
    c.connect(lsock)
    ok("the socket file appears only once the agent accepts")
except OSError as e:
    bad("the socket file appears only once the agent accepts", "connect as soon as it exists: %s" % e)
    a.kill()
    finish()
c.sendall(ev("first"))
check(wait_for(lambda: len(lines()) >= 1), "the first line is decided", lines())
open(arm, "w").close()
# the loop's next poll times out at the idle deadline, and is held there
got_held = wait_for(lambda: os.path.exists(held), 30)
check(got_held, "the loop's poll timed out at the idle deadline (held by the shim)", open(log.name).read()[-300:])
c.sendall(ev("second"))   # in the socket now, after the poll, before the idle check
open(go, "w").close()
wait_for(lambda: len(lines()) >= 2, 10)
check(len(lines()) == 2,
      "a line that came after the poll, past the idle deadline, is read and decided, not dropped with the connection "
      "(%d decisions)" % len(lines()), lines())
c.close()
a.terminate()
a.wait(30)
log.close()
text = open(log.name).read()
check(a.returncode == 0 and "Sanitizer" not in text and "runtime error" not in text, "the agent exits 0 at SIGTERM", text[-800:])
finish()
PYEOF
