#!/usr/bin/env python3
"""Language tests: one file per case in tests/lang/cases/*.t.

A case is a policy plus what it must produce, in sections:

    %%POLICY [path]        the .pal source (several %%POLICY sections make a repo;
                           path defaults to policy.pal)
    %%FILE path            any other repo file (a feed)
    %%EVENTS               JSON lines for `palisade eval --events`
    %%INVENTORY            a JSON inventory for `palisade eval --inventory`
    %%EXPECT               the expected output lines (decisions without "revision",
                           or the checks object), compared exactly
    %%ERRORS               the expected diagnostics: every `file:line:col: error[...]`
                           and `warning[...]` line the compiler prints, compared exactly
                           (the source line, caret and hint lines are not compared)
    %%HINT                 optional: substrings the diagnostics output must contain,
                           one a line
    %%ARGS                 optional: more arguments for `palisade eval`, one a line
    %%STDERR               optional: substrings eval's standard error must contain, one a line

Lines starting with `#` before the first section are comments.
Prints "N passed, M failed".
"""
import json, os, re, subprocess, sys, tempfile

PAL = os.path.abspath(os.environ.get("PALISADE") or os.path.join(os.environ.get("BUILD", "build"), "palisade"))
HERE = os.path.dirname(os.path.abspath(__file__))

def parse(path):
    sections, cur = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^%%([A-Z]+)\s*(.*?)\s*$", line)
            if m:
                cur = [m.group(1), m.group(2), []]
                sections.append(cur)
            elif cur is not None:
                cur[2].append(line)
            elif not line.startswith("#") and line.strip():
                raise SystemExit(f"{path}: text before the first %% section")
    return [(k, a, "".join(b)) for k, a, b in sections]

def strip_rev(line):
    try:
        d = json.loads(line)
    except ValueError:
        return line
    d.pop("revision", None)
    # a correlation's compiled-form digest is tested where it can be
    # compared (tests/unit/test_seq.c), not pinned here
    for m in d.get("matches", []) if isinstance(d, dict) else []:
        if isinstance(m, dict): m.pop("rule_revision", None)
    return json.dumps(d, sort_keys=True)

def run_case(path):
    secs = parse(path)
    with tempfile.TemporaryDirectory() as tmp:
        repo = os.path.join(tmp, "repo")
        os.makedirs(repo)
        events = inventory = expect = errors = hint = None
        args, want_stderr = [], []
        for kind, arg, body in secs:
            if kind in ("POLICY", "FILE"):
                p = os.path.join(repo, arg or "policy.pal")
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, "w", encoding="utf-8") as f:
                    f.write(body)
            elif kind == "EVENTS": events = body
            elif kind == "INVENTORY": inventory = body
            elif kind == "EXPECT": expect = body
            elif kind == "ERRORS": errors = body
            elif kind == "HINT": hint = [l.strip() for l in body.splitlines() if l.strip()]
            elif kind == "ARGS": args = [l.strip() for l in body.splitlines() if l.strip()]
            elif kind == "STDERR": want_stderr = [l.strip() for l in body.splitlines() if l.strip()]
            else: return f"unknown section %%{kind}"
        if errors is not None:
            # run inside the repo, so files are named by their repo paths as a
            # user there sees them (commands name a file as it opens from the cwd)
            r = subprocess.run([PAL, "build", ".", "-o", os.path.join(tmp, "b")], capture_output=True, text=True,
                               timeout=60, cwd=repo)
            got = [l for l in r.stderr.splitlines() if re.search(r"(error|warning)\[PAL\d+\]", l)]
            want = [l for l in errors.splitlines() if l.strip()]
            if errors.strip() == "" and r.returncode != 0:
                return f"expected a clean build, got exit {r.returncode}:\n{r.stderr}"
            if want and r.returncode == 0 and any("error[" in w for w in want):
                return "expected errors, but the build succeeded"
            if got != want:
                return "diagnostics differ:\n  want: " + "\n        ".join(want) + "\n  got:  " + "\n        ".join(got) + "\n" + r.stderr
            for h in hint or []:
                if h not in r.stderr:
                    return f"output lacks {h!r}:\n{r.stderr}"
            if r.returncode < 0:
                return f"compiler crashed (signal {-r.returncode})"
            return None
        if events is not None:
            ev = os.path.join(tmp, "events.jsonl")
            with open(ev, "w", encoding="utf-8") as f:
                f.write(events)
            r = subprocess.run([PAL, "eval", "--policy", ".", "--events", ev] + args, capture_output=True, text=True,
                               timeout=60, cwd=repo)
        elif inventory is not None:
            inv = os.path.join(tmp, "inv.json")
            with open(inv, "w", encoding="utf-8") as f:
                f.write(inventory)
            r = subprocess.run([PAL, "eval", "--policy", ".", "--inventory", inv], capture_output=True, text=True,
                               timeout=60, cwd=repo)
        else:
            return "a case needs %%EVENTS, %%INVENTORY or %%ERRORS"
        if r.returncode not in (0, 1):
            return f"palisade eval exited {r.returncode}:\n{r.stderr}"
        got = [strip_rev(l) for l in r.stdout.splitlines() if l.strip()]
        want = [strip_rev(l) for l in (expect or "").splitlines() if l.strip()]
        if got != want:
            out = ["output differs:"]
            for i in range(max(len(got), len(want))):
                g = got[i] if i < len(got) else "(none)"
                w = want[i] if i < len(want) else "(none)"
                if g != w:
                    out.append(f"  line {i+1}\n    want: {w}\n    got:  {g}")
            return "\n".join(out) + "\n" + r.stderr
        for w in want_stderr:
            if w not in r.stderr:
                return f"standard error lacks {w!r}:\n{r.stderr}"
    return None

def main():
    cases = sorted(f for f in os.listdir(os.path.join(HERE, "cases")) if f.endswith(".t"))
    only = sys.argv[1:]
    passed = failed = 0
    for c in cases:
        if only and not any(o in c for o in only):
            continue
        err = run_case(os.path.join(HERE, "cases", c))
        if err:
            failed += 1
            print(f"FAIL {c}: {err}")
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main())
