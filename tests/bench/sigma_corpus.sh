#!/usr/bin/env bash
# What fraction of a Sigma rule corpus `palisade sigma convert` converts, and
# why the rest is refused, by count.  Run it on a checkout of SigmaHQ's rules:
#
#   tests/bench/sigma_corpus.sh ~/src/sigma/rules/windows
#
# Prints the rate per folder (each directory of rules under the one given)
# and overall, then each refusal reason with its count, the variable parts
# of a reason (field names, line numbers, logsource values) folded so alike
# refusals group together; one example file per reason.  Not a pass/fail
# test: the figure is the measurement.  Needs python3.
set -u
PALISADE=${PALISADE:-build/palisade}
[ $# -ge 1 ] || { echo "usage: $0 SIGMA_RULES_DIR [palisade sigma convert options]" >&2; exit 2; }
DIR=${1%/}; shift
OUT=$(mktemp -d "${TMPDIR:-/tmp}/palisade-sigma-corpus.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
"$PALISADE" sigma convert "$DIR" -o "$OUT/pal" "$@" 2>"$OUT/err"
rc=$?
[ $rc -le 1 ] || { echo "palisade sigma convert exited $rc" >&2; tail -5 "$OUT/err" >&2; exit 1; }
python3 - "$DIR" "$OUT/err" <<'EOF'
import collections, os, re, sys
root, errf = sys.argv[1], sys.argv[2]
files = []
for d, _, names in os.walk(root):
    files += [os.path.join(d, n) for n in names if n.endswith((".yml", ".yaml"))]
refused = {}
line_re = re.compile(r"^palisade sigma: (.*?): id (.*?): refused: (.*)$")
for line in open(errf, errors="replace"):
    m = line_re.match(line.rstrip("\n"))
    if m:
        refused[m.group(1)] = m.group(3)
def folder(f):
    rel = os.path.relpath(f, root)
    return os.path.dirname(rel) or "."
per = collections.defaultdict(lambda: [0, 0])
for f in files:
    per[folder(f)][0] += 1
    per[folder(f)][1] += f not in refused
def fold(r):
    r = re.sub(r"^line \d+(:\d+)?: ", "", r)
    r = re.sub(r"\(while scanning.*", "", r)
    r = re.sub(r"at line \d+", "at line N", r)
    return r.strip()
reasons = collections.Counter(fold(r) for r in refused.values())
example = {}
for f, r in sorted(refused.items()):
    example.setdefault(fold(r), f)
total, conv = len(files), len(files) - len(refused)
print(f"{'folder':40} {'rules':>6} {'converted':>9}  rate")
for k in sorted(per):
    n, c = per[k]
    print(f"{k:40} {n:6} {c:9}  {100.0 * c / n:5.1f}%")
print(f"{'all':40} {total:6} {conv:9}  {100.0 * conv / max(total, 1):5.1f}%")
print(f"\nrefusals by reason ({len(refused)}):")
for r, n in reasons.most_common():
    print(f"{n:5}  {r}\n       e.g. {os.path.relpath(example[r], root)}")
EOF
