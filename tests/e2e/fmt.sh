#!/usr/bin/env bash
# `palisade fmt` end to end:
#  1. every .pal file of the project (git ls-files '*.pal') and every policy of
#     the language cases (tests/lang/cases/*.t): formatting twice equals
#     formatting once, and each repo compiles to the same program before and
#     after formatting (`palisade disasm`, less its header, source line
#     numbers, and the whitespace and commas of entry labels, which quote the
#     source);
#  2. the CLI: standard input, -l, -d (a diff that patch(1) applies), -w
#     (in place, mode kept), exit codes 0/1/2, a file that does not parse left
#     untouched while the others are still handled;
#  3. the built-in content is formatted: `fmt -l checks policies examples`
#     lists nothing.
# Needs $PALISADE (tests/run-all.sh sets it), python3 and patch.
. "$(dirname "$0")/lib/harness.sh"
ROOT=$PWD

# ---- 1. every policy in the project ----------------------------------------
# Each directory holding tracked .pal files is a repo, and each language case
# (its %%POLICY and %%FILE sections) is one.  All are copied twice, one copy
# is formatted in place with one `fmt -w`, and then
#  - `fmt -l` over the formatted copy lists nothing (idempotence);
#  - a repo whose text changed and that compiles compiles to the same program.
mkdir -p "$TMP/orig/project" "$TMP/orig/cases"
for d in $(git ls-files '*.pal' | xargs -n1 dirname | sort -u); do
    mkdir -p "$TMP/orig/project/$d"
    cp -R "$d/." "$TMP/orig/project/$d/"
done
python3 - "$TMP/orig/cases" <<'EOF'
import os, re, sys, glob
out = sys.argv[1]
for path in sorted(glob.glob("tests/lang/cases/*.t")):
    name = os.path.basename(path)[:-2]
    secs, cur = [], None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^%%([A-Z]+)\s*(.*?)\s*$", line)
        if m:
            cur = [m.group(1), m.group(2), []]; secs.append(cur)
        elif cur is not None:
            cur[2].append(line)
    for kind, arg, body in secs:
        if kind in ("POLICY", "FILE"):
            p = os.path.join(out, name, arg or "policy.pal")
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "w", encoding="utf-8").write("".join(body))
EOF
cp -R "$TMP/orig" "$TMP/new"
"$PALISADE" fmt -w "$TMP/new/project" 2> "$TMP/project.err"
expect_eq "project .pal files: every one formats ($(git ls-files '*.pal' | wc -l) files)" "$(head -n 3 "$TMP/project.err")" ""
"$PALISADE" fmt -w "$TMP/new/cases" 2> "$TMP/cases.err"
n_broken=$(grep -c 'error\[' "$TMP/cases.err")
out=$(cd "$TMP/new" && "$PALISADE" fmt -l project cases 2>/dev/null)
expect_eq "formatting twice = formatting once (project and language cases)" "$out" ""

# One python process compares every repo (spawning only disasm): a repo
# whose text changed and that compiled before must compile to the same
# program after.
out=$(python3 - "$TMP" "$PALISADE" <<'EOF'
import filecmp, os, re, subprocess, sys
tmp, pal = sys.argv[1], sys.argv[2]
def normalize(text):
    out = []
    for line in text.splitlines():
        if line.startswith(";"):
            continue
        line = re.sub(r"\s\S+\.pal:\d+\s*$", "", line)
        if re.match(r"\s*outcome \d+:", line) or " EMIT " in line:
            j = line.rfind('"')
            i = line.rfind('"', 0, j)
            if i >= 0:
                line = line[:i] + re.sub(r"[\s,]", "", line[i:j]) + line[j:]
        out.append(line)
    return out
def same_tree(a, b):
    c = filecmp.dircmp(a, b)
    if c.left_only or c.right_only or c.diff_files:
        return False
    return all(same_tree(os.path.join(a, s), os.path.join(b, s)) for s in c.common_dirs)
repos = set()
for top in ("project", "cases"):
    for root, dirs, files in os.walk(os.path.join(tmp, "orig", top)):
        if any(f.endswith(".pal") for f in files):
            repos.add(os.path.relpath(root, os.path.join(tmp, "orig")))
compared, bad = 0, []
for d in sorted(repos):
    a, b = os.path.join(tmp, "orig", d), os.path.join(tmp, "new", d)
    if same_tree(a, b):
        continue
    ra = subprocess.run([pal, "disasm", a], capture_output=True, text=True)
    if ra.returncode != 0:
        continue   # an error case: nothing to compare
    compared += 1
    rb = subprocess.run([pal, "disasm", b], capture_output=True, text=True)
    na, nb = normalize(ra.stdout), normalize(rb.stdout)
    if rb.returncode != 0 or na != nb:
        first = next((f"- {x} + {y}" for x, y in zip(na, nb) if x != y), rb.stderr.strip()[:200])
        bad.append(f"{d}: {first}")
print(compared)
for x in bad:
    print(x)
EOF
)
n_compared=$(printf '%s\n' "$out" | head -n1)
expect_eq "formatted repos compile to the same program ($n_compared repos changed and compile)" \
    "$(printf '%s\n' "$out" | tail -n +2)" ""
[ "${n_compared:-0}" -ge 30 ] && ok "enough formatted repos to compare ($n_compared; $n_broken diagnostics from error cases)" \
    || bad "only ${n_compared:-0} formatted repos compared"

# ---- 2. the CLI --------------------------------------------------------------
mkdir -p "$TMP/cli/sub" "$TMP/cli/.hidden"
cat > "$TMP/cli/messy.pal" <<'EOF'
rule "r" { on process  when process.name == "a"   effect prevent }
EOF
cat > "$TMP/cli/sub/clean.pal" <<'EOF'
list shells = ["sh", "bash"]
EOF
printf 'list x = [1,2]\n' > "$TMP/cli/.hidden/skipped.pal"
printf 'rule "broken" { when }\n' > "$TMP/broken.pal"
want='rule "r" {
  on process
  when process.name == "a"
  effect prevent
}'
expect_eq "stdin to stdout" "$("$PALISADE" fmt < "$TMP/cli/messy.pal")" "$want"
expect_eq "- is stdin" "$("$PALISADE" fmt - < "$TMP/cli/sub/clean.pal")" 'list shells = ["sh", "bash"]'
expect_eq "a file to stdout" "$("$PALISADE" fmt "$TMP/cli/messy.pal")" "$want"

out=$(cd "$TMP" && "$PALISADE" fmt -l cli); rc=$?
expect_eq "-l lists what would change (hidden dirs skipped)" "$out" "cli/messy.pal"
expect_eq "-l exits 1 when something would change" "$rc" "1"
out=$(cd "$TMP" && "$PALISADE" fmt -l cli/sub); rc=$?
expect_eq "-l on formatted files: nothing, exit 0" "$out:$rc" ":0"

cp "$TMP/cli/messy.pal" "$TMP/patched.pal"
(cd "$TMP" && "$PALISADE" fmt -d patched.pal > d.diff); rc=$?
expect_eq "-d exits 1 when something would change" "$rc" "1"
head -n2 "$TMP/d.diff" | grep -q '^--- patched.pal.orig' && grep -q '^+++ patched.pal' "$TMP/d.diff" \
    && ok "-d: unified diff headers" || bad "-d: unified diff headers" "$(head -n3 "$TMP/d.diff")"
if command -v patch >/dev/null; then
    (cd "$TMP" && patch -s -p0 < d.diff) && expect_eq "-d: the diff applies and gives the formatted text" \
        "$(cat "$TMP/patched.pal")" "$want" || bad "-d: patch failed"
fi
expect_eq "-d on a formatted file prints nothing" "$("$PALISADE" fmt -d "$TMP/cli/sub/clean.pal"; echo "rc=$?")" "rc=0"

chmod 640 "$TMP/cli/messy.pal"
"$PALISADE" fmt -w "$TMP/cli"; rc=$?
expect_eq "-w exits 0" "$rc" "0"
expect_eq "-w rewrites the file" "$(cat "$TMP/cli/messy.pal")" "$want"
expect_eq "-w keeps the mode" "$(stat -c %a "$TMP/cli/messy.pal")" "640"
expect_eq "-w leaves no temporary file" "$(ls -A "$TMP/cli" | tr '\n' ' ')" ".hidden messy.pal sub "
expect_eq "-w does not touch hidden directories" "$(cat "$TMP/cli/.hidden/skipped.pal")" "list x = [1,2]"
before=$(stat -c %Y "$TMP/cli/sub/clean.pal")
sleep 1; "$PALISADE" fmt -w "$TMP/cli/sub/clean.pal"
expect_eq "-w does not rewrite a formatted file" "$(stat -c %Y "$TMP/cli/sub/clean.pal")" "$before"

cp "$TMP/broken.pal" "$TMP/broken.orig"
printf 'list y = [ 3 ]\n' > "$TMP/other.pal"
err=$("$PALISADE" fmt -w "$TMP/broken.pal" "$TMP/other.pal" 2>&1); rc=$?
expect_eq "a file that does not parse: exit 2" "$rc" "2"
case "$err" in *"broken.pal:1:"*"error[PAL0201]"*) ok "its diagnostics name the file and place";;
    *) bad "its diagnostics name the file and place" "$err";; esac
cmp -s "$TMP/broken.pal" "$TMP/broken.orig" && ok "the broken file is left untouched" || bad "the broken file is left untouched"
expect_eq "the other files are still formatted" "$(cat "$TMP/other.pal")" "list y = [3]"
"$PALISADE" fmt -l "$TMP/broken.pal" >/dev/null 2>&1
expect_eq "-l on a broken file: exit 2" "$?" "2"
"$PALISADE" fmt -w < "$TMP/cli/messy.pal" >/dev/null 2>&1
expect_eq "-w on standard input is an error" "$?" "2"
"$PALISADE" fmt "$TMP/nonexistent.pal" >/dev/null 2>&1
expect_eq "a missing file: exit 2" "$?" "2"
"$PALISADE" fmt --bogus >/dev/null 2>&1
expect_eq "an unknown option: exit 2" "$?" "2"
# a directory without .pal files is a wrong path, as lint, test and build say
mkdir -p "$TMP/nopal/sub" && printf 'x\n' > "$TMP/nopal/sub/readme.txt"
for mode in "" -l -d -w; do
    out=$("$PALISADE" fmt $mode "$TMP/nopal" 2>&1); rc=$?
    expect_eq "fmt ${mode:-(print)} on a directory without .pal files: exit 2, says so" "$rc:$out" \
        "2:palisade fmt: $TMP/nopal: no .pal files under it"
done
printf 'list  z = [ 1 ]\n' > "$TMP/messy2.pal"
out=$("$PALISADE" fmt -l "$TMP/nopal" "$TMP/messy2.pal" 2>/dev/null); rc=$?
expect_eq "fmt -l: the other paths are still handled" "$rc:$out" "2:$TMP/messy2.pal"
head -c 9000000 /dev/zero | tr '\0' ' ' > "$TMP/huge.pal"
"$PALISADE" fmt "$TMP/huge.pal" >/dev/null 2>&1
expect_eq "a file over 8 MiB is refused: exit 2" "$?" "2"

# ---- 3. the built-in content is formatted -------------------------------------
dirs=""
for d in checks policies examples; do [ -d "$d" ] && dirs="$dirs $d"; done
out=$("$PALISADE" fmt -l $dirs 2>&1); rc=$?
expect_eq "fmt -l checks policies examples lists nothing" "$out:$rc" ":0"

# hostile layout: a bracket thousands of columns to the right must not indent
# every continuation line by that much (was 1.6 GB of spaces from 140 KB)
python3 - "$TMP/wide.pal" <<'PY'
import sys
terms = " + ".join(["1"] * 20000)
open(sys.argv[1], "w").write('rule "x" {\n  on process\n  when ' + terms + ' + f(1,\n' + "1,\n" * 20000 + '1) == 2\n}\n')
PY
timeout 60 "$PALISADE" fmt "$TMP/wide.pal" > "$TMP/wide.out" 2>/dev/null; rc=$?
in=$(wc -c < "$TMP/wide.pal"); outsz=$(wc -c < "$TMP/wide.out")
[ "$rc" -eq 0 ] && [ "$outsz" -lt $((in * 4)) ] && "$PALISADE" fmt "$TMP/wide.out" | cmp -s - "$TMP/wide.out" \
    && ok "a far-right bracket does not blow up continuation indents ($in -> $outsz bytes, idempotent)" \
    || bad "a far-right bracket does not blow up continuation indents" "rc $rc, $in -> $outsz bytes"

finish
