# tests/e2e/lib/harness.sh — the prologue and epilogue every e2e script shares.
#
# Sourced first thing by each tests/e2e/*.sh:
#
#     . "$(dirname "$0")/lib/harness.sh"
#
# It leaves the script in the repository root with
#   PALISADE  the binary under test, an absolute path: $PALISADE as given
#             (tests/run-all.sh sets it; a relative one is taken from where
#             the script was started), else build/palisade
#   TMP       a fresh directory, removed when the script exits (made
#             writable first: tests that chmod files in it need no trap)
#   PYTHONPATH  with tests/e2e/lib first, so embedded Python can
#             `from harness import ...` (harness.py, the same helpers) and
#             `import mkimage`
# and the counting helpers below.  A script ends with `finish`, which prints
# the closing line tests/run-all.sh shows, "N passed, M failed, K skipped",
# and exits 1 if anything failed.  Scripts whose checks run in one embedded
# Python process source this file for the prologue only and let harness.py
# count and finish.
#
# The counters are plain variables, pass, fail and skipped, because test
# bodies have read them; the helpers count through _harness_pass and
# _harness_fail, so a script may redefine ok (the scan_* scripts make it
# `assert`) without breaking expect_eq or check.

set -u
_harness_caller_pwd=$PWD
cd "$(dirname "${BASH_SOURCE[0]}")/../../.." || exit 2
case ${PALISADE:-} in
    "") PALISADE=$PWD/build/palisade ;;
    /*) ;;
    *) PALISADE=$_harness_caller_pwd/$PALISADE ;;
esac
unset _harness_caller_pwd
TMP=$(mktemp -d)
trap 'chmod -R u+rwx "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT
PYTHONPATH=$PWD/tests/e2e/lib${PYTHONPATH:+:$PYTHONPATH}
export PALISADE TMP PYTHONPATH

pass=0 fail=0 skipped=0

_harness_pass() { pass=$((pass+1)); echo "ok   $1"; }
_harness_fail() {  # NAME [DETAIL]: DETAIL is printed indented under the name
    fail=$((fail+1)); echo "FAIL $1"
    [ $# -lt 2 ] || printf '%s\n' "$2" | sed 's/^/     /'
}

# ok NAME — a check that passed.
ok()  { _harness_pass "$1"; }
# bad NAME [DETAIL] — a check that failed, with what was seen.
bad() { _harness_fail "$@"; }
# skip NAME REASON — a check that could not run here (counted and shown;
# the reason says what would make it run).
skip() { skipped=$((skipped+1)); echo "skip $1 (${2:-no reason given})"; }
# check, assert and expect_eq return 1 when the check failed, so a script
# can print more about a failure: `assert NAME EXPR || head "$log"`.
# check NAME COMMAND... — passes when the command succeeds.
check() {
    local name=$1; shift
    if "$@"; then _harness_pass "$name"; else _harness_fail "$name"; return 1; fi
}
# assert NAME SHELL-EXPRESSION — passes when the expression, eval'd in the
# caller's variables, succeeds.
assert() {
    if eval "$2"; then _harness_pass "$1"; else _harness_fail "$1"; return 1; fi
}
# expect_eq NAME GOT WANT
expect_eq() {
    if [ "$2" = "$3" ]; then _harness_pass "$1"
    else _harness_fail "$1" "expected: $3"$'\n'"got:      $2"; return 1; fi
}
# need COMMAND... — the script cannot run without these: one failure and the
# closing line, then exit.
need() {
    local c missing=()
    for c in "$@"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    _harness_fail "this script needs ${missing[*]} (make deps installs it)"
    finish
}
# finish — the closing line; exit status 1 when a check failed.
finish() {
    echo "$pass passed, $fail failed, $skipped skipped"
    [ "$fail" -eq 0 ] && exit 0
    exit 1
}
