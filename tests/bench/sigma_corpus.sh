#!/usr/bin/env bash
# What fraction of a Sigma rule corpus `palisade sigma convert` converts, and
# why the rest is refused, by count.  Run it on a checkout of SigmaHQ's rules:
#
#   tests/bench/sigma_corpus.sh ~/src/sigma/rules/windows
#
# Two denominators: every .yml/.yaml file, and the files that are valid
# Sigma — the converter marks a file that is not ("not valid Sigma [CODE]":
# a YAML syntax error, no title, no condition, a condition naming a search
# the detection lacks, a correlation without its timespan; what the
# specification, or pySigma, rejects), and those are listed apart, since no
# converter could convert them.  Prints the rates per folder (each
# directory of rules under the one given) and overall, then the refusals of
# valid rules by reason code and by reason, the variable parts of a reason
# (field names, line numbers, logsource values) folded so alike refusals
# group together, one example file per reason.  The classes come from the
# converter's codes (sigma.h), not from the reasons' text.  Not a
# pass/fail test: the figures are the measurement.  Needs python3.
set -u
PALISADE=${PALISADE:-build/palisade}
[ $# -ge 1 ] || { echo "usage: $0 SIGMA_RULES_DIR [palisade sigma convert options]" >&2; exit 2; }
DIR=${1%/}; shift
OUT=$(mktemp -d "${TMPDIR:-/tmp}/palisade-sigma-corpus.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
"$PALISADE" sigma convert "$DIR" -o "$OUT/pal" "$@" 2>"$OUT/err"
rc=$?
[ $rc -le 1 ] || { echo "palisade sigma convert exited $rc" >&2; tail -5 "$OUT/err" >&2; exit 1; }
python3 - "$DIR" "$OUT/err" <<'PY'
import collections, os, re, sys
root, errf = sys.argv[1], sys.argv[2]
files = []
for d, _, names in os.walk(root):
    files += [os.path.join(d, n) for n in names if n.endswith((".yml", ".yaml"))]
refused, invalid = {}, {}   # file -> (code, reason)
line_re = re.compile(r"^palisade sigma: (.*?): id (.*?): (refused|not valid Sigma) \[([a-z-]+)\]: (.*)$")
for line in open(errf, errors="replace"):
    m = line_re.match(line.rstrip("\n"))
    if m:
        (invalid if m.group(3) == "not valid Sigma" else refused)[m.group(1)] = (m.group(4), m.group(5))
def folder(f):
    rel = os.path.relpath(f, root)
    return os.path.dirname(rel) or "."
per = collections.defaultdict(lambda: [0, 0, 0])   # files, invalid, converted
for f in files:
    p = per[folder(f)]
    p[0] += 1
    p[1] += f in invalid
    p[2] += f not in invalid and f not in refused
def fold(r):
    r = re.sub(r"^(rule \S+: )?line \d+(:\d+)?: ", "", r)
    r = re.sub(r"\(while scanning.*", "", r)
    r = re.sub(r"at line \d+", "at line N", r)
    r = re.sub(r"\(it maps [0-9, ]+\)", "(it maps ...)", r)
    return r.strip()
def pct(a, b): return f"{100.0 * a / b:5.1f}%" if b else "    -"
total, bad = len(files), len(invalid)
conv = total - bad - len(refused)
print(f"{'folder':44} {'files':>5} {'invalid':>7} {'converted':>9}  {'of all':>6}  {'of valid':>8}")
for k in sorted(per):
    n, i, c = per[k]
    print(f"{k:44} {n:5} {i:7} {c:9}  {pct(c, n):>6}  {pct(c, n - i):>8}")
print(f"{'all':44} {total:5} {bad:7} {conv:9}  {pct(conv, total):>6}  {pct(conv, total - bad):>8}")
print(f"\nall files: {conv} of {total} convert ({pct(conv, total).strip()}); "
      f"valid Sigma rules: {conv} of {total - bad} convert ({pct(conv, total - bad).strip()})")
codes = collections.Counter(c for c, _ in refused.values())
print(f"\nrefusals of valid rules by code ({len(refused)}):")
for c, n in codes.most_common():
    print(f"{n:5}  {c}")
reasons = collections.Counter((c, fold(r)) for c, r in refused.values())
example = {}
for f, (c, r) in sorted(refused.items()):
    example.setdefault((c, fold(r)), f)
print(f"\nrefusals of valid rules by reason ({len(refused)}):")
for (c, r), n in reasons.most_common():
    print(f"{n:5}  [{c}] {r}\n       e.g. {os.path.relpath(example[(c, r)], root)}")
print(f"\nnot valid Sigma ({bad}; not in the 'of valid' denominator):")
for f, (c, r) in sorted(invalid.items()):
    print(f"       {os.path.relpath(f, root)}\n         [{c}] {r}")
PY
