#!/usr/bin/env bash
# `palisade test` end to end:
#  1. the CLI on a small repo: the failure lines pinned (test location, rule
#     location, expected and decided), -v, --run, coverage numbers and the
#     --coverage-min gate, exit codes 0/1/2, compile errors, JSON and JUnit
#     (validated against tests/tools/junit.xsd), an inventory from a file;
#  2. the project's own content: every test block of checks/, policies/ and
#     each directory of examples/ with .pal files passes, and checks/ and
#     policies/ are 100% covered (--coverage-min 100).
# Needs $PALISADE (tests/run-all.sh sets it), jq, xmllint and python3.
. "$(dirname "$0")/lib/harness.sh"
ptest() { (cd "$TMP" && "$PALISADE" test "$@"); }

# ---- 1. the CLI ------------------------------------------------------------
mkdir -p "$TMP/repo/lib" "$TMP/repo/testdata"
cat > "$TMP/repo/main.pal" <<'EOF'
list shells = ["cmd.exe", "powershell.exe"]

rule "Shell" {
  on process
  when process.name in shells
  effect prevent
  message "shell {process.name} in {container.image.name}"
}

check "ROOT" {
  title "runs as root"
  severity high
  fail when image.config.user in ["", "root"]
  message "runs as '{image.config.user}'"
}

test "cmd is prevented" {
  given process { name: "cmd.exe" } container { image.name: "app:v1" }
  expect prevent by "Shell"
}

test "powershell only alerts" {
  given process { name: "powershell.exe" } container { image.name: "app:v1" }
  expect alert by "Shell"
}

test "a root image passes" {
  given image { config.user: "root" }
  expect pass by "ROOT"
}

test "the scanned image fails ROOT" {
  given image { from_file: "testdata/app.json" }
  expect fail by "ROOT"
}

test "the scanned image as a user" {
  given image { from_file: "testdata/app.json", config.user: "app" }
  expect pass
}
EOF
cat > "$TMP/repo/lib/net.pal" <<'EOF'
rule "Any curl" {
  on process
  when process.executable like "**/curl"
  effect alert
  message "curl ran"
}

firewall "db" {
  allow from image "web:*" to image "postgres:*" tcp 5432
  default effect alert
}

test "curl alerts" {
  given process { executable: "/usr/bin/curl" }
  expect allow
}
EOF
# an inventory as `palisade inventory` writes it, of an image run as root
mkdir -p "$TMP/rootfs/etc"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$TMP/rootfs/etc/passwd"
python3 tests/e2e/lib/mkimage.py "$TMP/app.tar" --dir "$TMP/rootfs" --tag app:1 >/dev/null
"$PALISADE" inventory "$TMP/app.tar" > "$TMP/repo/testdata/app.json" 2>"$TMP/err" \
    && ok "an inventory for from_file" || bad "an inventory for from_file" "$(cat "$TMP/err")"

ptest repo > "$TMP/out" 2>"$TMP/err"; rc=$?
expect_eq "a failing test exits 1" "$rc" 1
expect_eq "failure lines: test location, rule location, expected and decided" "$(cat "$TMP/out")" \
'repo/lib/net.pal:13:1: FAIL "curl alerts": expected allow, got alert by "Any curl" (repo/lib/net.pal:1:1): curl ran
repo/main.pal:22:1: FAIL "powershell only alerts": expected alert by "Shell" (repo/main.pal:3:1), got prevent: shell powershell.exe in app:v1
repo/main.pal:27:1: FAIL "a root image passes": expected pass by "ROOT" (repo/main.pal:10:1), got fail: runs as '"'"'root'"'"'
3 passed, 3 failed'
expect_eq "nothing on stderr" "$(cat "$TMP/err")" ""

ptest -v --run 'cmd|scanned' repo > "$TMP/out" 2>&1; rc=$?
expect_eq "-v --run: only the selected tests, passes listed" "$(cat "$TMP/out")" \
'repo/main.pal:17:1: PASS "cmd is prevented"
repo/main.pal:32:1: PASS "the scanned image fails ROOT"
repo/main.pal:37:1: PASS "the scanned image as a user"
3 passed, 0 failed, 3 not selected by --run'
expect_eq "all selected tests pass: exit 0" "$rc" 0

ptest --coverage --run 'cmd' repo > "$TMP/out" 2>&1
expect_eq "coverage names what no test exercised" "$(cat "$TMP/out")" \
'coverage: 1 of 4 rules and checks exercised (25.0%)
  not exercised: repo/lib/net.pal:1:1: rule "Any curl"
  not exercised: repo/lib/net.pal:8:1: firewall "db"
  not exercised: repo/main.pal:10:1: check "ROOT"
1 passed, 0 failed, 5 not selected by --run'
ptest --run cmd --coverage-min 25 repo >/dev/null 2>&1; rc=$?
expect_eq "--coverage-min at the coverage: exit 0" "$rc" 0
ptest --run cmd --coverage-min 25.1 repo >/dev/null 2>"$TMP/err"; rc=$?
expect_eq "--coverage-min above the coverage: exit 1" "$rc" 1
expect_eq "--coverage-min says why" "$(cat "$TMP/err")" "palisade test: coverage 25.0% is below --coverage-min 25.1"
ptest --coverage repo | grep '^coverage' > "$TMP/out"
expect_eq "every test run counts for coverage, passing or not" "$(cat "$TMP/out")" \
    "coverage: 3 of 4 rules and checks exercised (75.0%)"

# a file alone: its directory is the repo; locations keep the path given
ptest repo/lib/net.pal > "$TMP/out" 2>&1
expect_eq "a file alone" "$(head -n1 "$TMP/out")" \
    'repo/lib/net.pal:13:1: FAIL "curl alerts": expected allow, got alert by "Any curl" (repo/lib/net.pal:1:1): curl ran'
(cd "$TMP/repo" && "$PALISADE" test --run cmd) > "$TMP/out" 2>&1; rc=$?
expect_eq "no path: the current directory" "$rc:$(cat "$TMP/out")" "0:1 passed, 0 failed, 5 not selected by --run"

# JSON
ptest --format json --coverage repo > "$TMP/out.json" 2>/dev/null
expect_eq "json: counts" "$(jq -c '[.passed, .failed, .skipped, .coverage.covered, .coverage.total, .coverage.percent]' "$TMP/out.json")" \
    "[3,3,0,3,4,75]"
expect_eq "json: a failure" \
    "$(jq -c '.tests[] | select(.name == "powershell only alerts") | [.status, .file, .line, .expected.outcome, .expected.by.name, .expected.by.line, .got.outcome, .got.matches[0].message]' "$TMP/out.json")" \
    '["fail","repo/main.pal",22,"alert","Shell",3,"prevent","shell powershell.exe in app:v1"]'
expect_eq "json: uncovered" "$(jq -c '[.coverage.uncovered[] | .kind + " " + .name]' "$TMP/out.json")" '["firewall db"]'

# JUnit, against the Ant schema
ptest --format junit repo > "$TMP/out.xml" 2>/dev/null; rc=$?
expect_eq "junit: exit 1 on failures" "$rc" 1
if xmllint --noout --schema tests/tools/junit.xsd "$TMP/out.xml" 2>"$TMP/err"; then ok "junit validates against junit.xsd"
else bad "junit validates against junit.xsd" "$(cat "$TMP/err")"; fi
expect_eq "junit: one suite per file, failures counted" \
    "$(xmllint --xpath 'concat(count(//testsuite), " ", count(//testcase), " ", count(//failure), " ", //testsuite[@name="repo/main.pal"]/@failures)' "$TMP/out.xml")" \
    "2 6 3 2"

# errors: exit 2, with the diagnostics of a compile
mkdir -p "$TMP/broken"
cat > "$TMP/broken/x.pal" <<'EOF'
rule "r" { on process when process.name == "x" effect alert }
test "t" {
  given process { name: "x" }
  expect alert by "nope"
}
EOF
ptest broken > "$TMP/out" 2>"$TMP/err"; rc=$?
expect_eq "a compile error exits 2" "$rc" 2
grep -q "^broken/x.pal:4:10: error\[PAL0311\]: test expects a decision by unknown rule 'nope'" "$TMP/err" \
    && ok "the compile error is printed with its location" || bad "the compile error is printed with its location" "$(cat "$TMP/err")"
cat > "$TMP/broken/x.pal" <<'EOF'
check "C" { title "t" fail when image.os == "x" }
test "t" {
  given image { from_file: "missing.json" }
  expect pass
}
EOF
ptest broken >/dev/null 2>"$TMP/err"; rc=$?
expect_eq "an unreadable inventory file exits 2" "$rc" 2
grep -q "^broken/x.pal:3:28: error\[PAL0001\]: cannot read inventory file 'missing.json'" "$TMP/err" \
    && ok "...naming the test's line" || bad "...naming the test's line" "$(cat "$TMP/err")"
ptest --run '(' repo >/dev/null 2>"$TMP/err"; rc=$?
expect_eq "a bad --run regex exits 2" "$rc:$(cat "$TMP/err")" \
    "2:palisade test: --run '(': invalid regex at offset 1: missing closing parenthesis"
ptest --format xml repo >/dev/null 2>&1; rc=$?
expect_eq "an unknown format exits 2" "$rc" 2
"$PALISADE" build "$TMP/repo" -o "$TMP/repo.bundle" >/dev/null 2>&1
ptest repo.bundle >/dev/null 2>"$TMP/err"; rc=$?
expect_eq "a bundle is refused" "$rc" 2
ptest no-such-dir >/dev/null 2>&1; rc=$?
expect_eq "a missing path exits 2" "$rc" 2

# ---- 2. the project's content ---------------------------------------------
content() {  # dir [extra args]: the dir's tests pass (coverage reported)
    local dir=$1; shift
    "$PALISADE" test --coverage "$@" "$dir" > "$TMP/content.out" 2>&1; local rc=$?
    local summary cov
    summary=$(tail -n1 "$TMP/content.out")
    cov=$(grep '^coverage:' "$TMP/content.out" | sed 's/^coverage: //')
    if [ "$rc" -eq 0 ]; then ok "palisade test $* $dir: $summary; $cov"
    else bad "palisade test $* $dir: $summary; $cov" "$(grep -v '^ *$' "$TMP/content.out" | head -n 40)"; fi
}
content checks --coverage-min 100
content policies --coverage-min 100
for d in examples/*/; do
    d=${d%/}
    [ -n "$(find "$d" -name '*.pal' -print -quit)" ] || continue
    content "$d" --coverage-min 100
done


# ---- 3. nothing to run ------------------------------------------------------
# A bundle is refused with only the error (no "0 passed, 0 failed" beside
# it); a repo without test blocks says so and exits 0, as `go test` does.
"$PALISADE" build examples/lab -o "$TMP/lab.bundle" 2>/dev/null
"$PALISADE" test "$TMP/lab.bundle" >"$TMP/b.out" 2>"$TMP/b.err"; rc=$?
expect_eq "test BUNDLE: exit 2, the error on stderr and nothing on stdout" "$rc [$(cat "$TMP/b.out")] $(grep -c 'not a .pal file or a directory' "$TMP/b.err")" "2 [] 1"
mkdir -p "$TMP/notests"
printf 'rule "r" {\n  when process.name == "a"\n}\n' >"$TMP/notests/r.pal"
"$PALISADE" test "$TMP/notests" >"$TMP/n.out" 2>"$TMP/n.err"; rc=$?
expect_eq "a repo with no tests: exit 0, saying no tests were found" \
    "$rc $(cat "$TMP/n.out")" "0 no tests found in $TMP/notests (write test blocks: lang/SPEC.md, 'test'); 0 passed, 0 failed"
"$PALISADE" test --coverage-min 50 "$TMP/notests" >/dev/null 2>&1; rc=$?
expect_eq "a repo with no tests and --coverage-min: exit 1 (nothing exercised)" "$rc" 1

finish
