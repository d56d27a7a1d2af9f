#!/usr/bin/env python3
"""Lint cases: one file per case in tests/lint/cases/*.t, run by tests/e2e/lint.sh.

A case is a small policy repo and what `palisade lint` must report on it:

    %%POLICY [path]     a .pal file of the repo (default policy.pal; several make a repo)
    %%FILE path         any other file of the repo (.palisade.yaml, a feed)
    %%ARGS              extra arguments, one line (paths are relative to the repo;
                        the repo itself is linted when no path is given)
    %%EXPECT            the findings, one per line, in output order: each line is a
                        prefix of a diagnostic's first line ("policy.pal:3:6: warning[PAL0701]"
                        or with its message); an empty section means no finding at all
    %%EXIT n            the exit status (default: 0 without findings, 1 with)

Every case runs the text format, and the JSON format must list the same
findings.  A case named PAL07nn_* is about that code: tests/e2e/lint.sh
checks that each code has a case that reports it and one that does not.
Lines starting with `#` before the first section are comments.
Prints one line per failing case and "N passed, M failed".
"""
import glob, json, os, re, subprocess, sys, tempfile

PAL = os.environ.get("PALISADE") or os.path.join(os.environ.get("BUILD", "build"), "palisade")
HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = re.compile(r"^(\S+:\d+:\d+: )?(error|warning|note)\[PAL\d{4}\]")

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

def run_case(path):
    secs = parse(path)
    expect, args, exit_code = None, [], None
    with tempfile.TemporaryDirectory() as tmp:
        repo = os.path.join(tmp, "repo")
        os.makedirs(repo)
        for kind, arg, body in secs:
            if kind in ("POLICY", "FILE"):
                p = os.path.join(repo, arg or "policy.pal")
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, "w", encoding="utf-8") as f:
                    f.write(body)
            elif kind == "EXPECT":
                expect = [l for l in body.splitlines() if l.strip()]
            elif kind == "ARGS":
                args = body.split()
            elif kind == "EXIT":
                exit_code = int(arg or body.strip())
            else:
                return f"unknown section %%{kind}"
        if expect is None:
            return "no %%EXPECT section"
        if not any(not a.startswith("-") for a in args) and "--config" not in args:
            args = args + ["."]
        r = subprocess.run([PAL, "lint"] + args, cwd=repo, capture_output=True, text=True, timeout=60)
        got = [l for l in r.stdout.splitlines() if HEADER.match(l)]
        want_exit = exit_code if exit_code is not None else (1 if expect else 0)
        problems = []
        if len(got) != len(expect) or any(not g.startswith(e) for g, e in zip(got, expect)):
            problems.append("findings differ:\n  want: " + "\n        ".join(expect or ["(none)"]) +
                            "\n  got:  " + "\n        ".join(got or ["(none)"]))
        if r.returncode != want_exit:
            problems.append(f"exit {r.returncode}, want {want_exit}\n  stderr: {r.stderr.strip()[:500]}")
        j = subprocess.run([PAL, "lint", "--format", "json"] + args, cwd=repo, capture_output=True, text=True, timeout=60)
        try:
            doc = json.loads(j.stdout)
            codes = [f["code"] for f in doc["findings"]]
            text_codes = [re.search(r"\[(PAL\d{4})\]", g).group(1) for g in got]
            if codes != text_codes:
                problems.append(f"json findings {codes} differ from text {text_codes}")
            if j.returncode != r.returncode:
                problems.append(f"json exit {j.returncode} differs from text exit {r.returncode}")
        except (ValueError, KeyError) as e:
            problems.append(f"json output is not the findings document: {e}: {j.stdout[:200]}")
        return "\n".join(problems) or None

def main():
    cases = sorted(glob.glob(os.path.join(HERE, "cases", "*.t")))
    if len(sys.argv) > 1:
        cases = [c for c in cases if any(a in os.path.basename(c) for a in sys.argv[1:])]
    passed = failed = 0
    for c in cases:
        err = run_case(c)
        if err:
            failed += 1
            print(f"FAIL {os.path.basename(c)}\n  " + err.replace("\n", "\n  "))
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)

main()
