"""The e2e harness for checks written in Python (tests/e2e/lib/harness.sh's twin).

An e2e script that does its checking in one embedded Python process sources
harness.sh for the prologue (repository root as the working directory,
$PALISADE, $TMP removed at exit, this directory on PYTHONPATH), then:

    python3 - <<'PYEOF'
    from harness import PAL, TMP, ok, bad, check, expect_eq, skip, finish
    ...
    finish()
    PYEOF

The helpers print what harness.sh's do ("ok   NAME", "FAIL NAME" with the
detail indented under it, "skip NAME (REASON)") and finish() prints the same
closing line, "N passed, M failed, K skipped", then exits 1 if anything
failed.  They may be called from several threads (the agent's scenarios do).

A script that ends without finish() -- an uncaught exception, an early
sys.exit -- still prints the closing line, with one more failure saying so,
and exits 1: a crashed test must never read as a clean run.
"""

import atexit
import os
import sys
import threading
import traceback

PALISADE = os.environ.get("PALISADE") or os.path.abspath("build/palisade")
PAL = PALISADE
TMP = os.environ.get("TMP", "")

passed = failed = skipped = 0
DETAIL_LINES = 20          # a failure's detail is cut here: enough to see why
_lock = threading.Lock()
_finished = False


def _print(line):
    print(line, flush=True)


def ok(name):
    """A check that passed."""
    global passed
    with _lock:
        passed += 1
        _print("ok   " + name)


def bad(name, detail=""):
    """A check that failed; detail (any value) says what was seen."""
    global failed
    with _lock:
        failed += 1
        _print("FAIL " + name)
        for line in str(detail).splitlines()[:DETAIL_LINES] if detail else ():
            _print("     " + line)


def check(cond, name, detail=""):
    """ok(name) if cond else bad(name, detail); returns cond."""
    if cond:
        ok(name)
    else:
        bad(name, detail)
    return cond


def expect_eq(name, got, want):
    """Passes when got == want; the detail shows both."""
    return check(got == want, name, "expected: %r\ngot:      %r" % (want, got))


def skip(name, reason):
    """A check that could not run here: counted and shown, with the reason."""
    global skipped
    with _lock:
        skipped += 1
        _print("skip %s (%s)" % (name, reason))


def summary():
    return "%d passed, %d failed, %d skipped" % (passed, failed, skipped)


def finish():
    """The closing line; exits 1 when a check failed."""
    global _finished
    _finished = True
    _print(summary())
    sys.exit(1 if failed else 0)


_excepthook = sys.excepthook


def _uncaught(kind, value, tb):
    _excepthook(kind, value, tb)    # the whole traceback, on stderr
    bad("the script raised %s" % kind.__name__, "".join(traceback.format_exception_only(kind, value)))


def _unfinished():
    if _finished:
        return
    if not failed:
        bad("the script ended before finish()")
    _print(summary())
    sys.stdout.flush()
    os._exit(1)


sys.excepthook = _uncaught
atexit.register(_unfinished)
