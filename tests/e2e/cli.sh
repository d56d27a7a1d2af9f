#!/usr/bin/env bash
# The commands' argument handling and exit codes, the same in every command:
#  1. input paths: a directory, a missing file or a read error where a file is
#     read is exit 2 with "palisade CMD: PATH: reason" (and what to give);
# Needs $PALISADE (tests/run-all.sh sets it).
set -u
cd "$(dirname "$0")/../.."
PALISADE=${PALISADE:-$PWD/build/palisade}
case $PALISADE in /*) ;; *) PALISADE="$PWD/$PALISADE" ;; esac
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0 fail=0
ok()  { pass=$((pass+1)); echo "ok   $1"; }
bad() { fail=$((fail+1)); echo "FAIL $1"; [ $# -lt 2 ] || printf '%s\n' "$2" | sed 's/^/     /'; }

# fails NAME RC TEXT ARGS...: palisade ARGS exits RC and its stderr holds TEXT
# (a fixed string); stdin is empty, and a run is cut off after 20 s (an
# agent that waits instead of failing).
fails() {
    local name=$1 want_rc=$2 text=$3; shift 3
    timeout 20 "$PALISADE" "$@" </dev/null >"$TMP/out" 2>"$TMP/err"; local rc=$?
    if [ "$rc" -eq "$want_rc" ] && grep -qF -- "$text" "$TMP/err"; then ok "$name"
    else bad "$name" "want exit $want_rc and stderr with: $text"$'\n'"got exit $rc, stderr: $(head -c 600 "$TMP/err")"; fi
}

mkdir -p "$TMP/dir" "$TMP/empty" "$TMP/learned"
D=$TMP/dir
printf '{"event":{"category":["process"],"type":["start"]},"process":{"name":"sh","executable":"/bin/sh"}}\n' > "$TMP/ev.jsonl"
EVWANT="(give a JSON-lines file of events, one object per line, or - for standard input)"

# ---- 1. input paths --------------------------------------------------------------
fails "eval --events DIR: exit 2, the path and why" 2 "palisade eval: $D: is a directory $EVWANT" eval --events "$D"
fails "eval --events DIR with --policy: exit 2" 2 "palisade eval: $D: is a directory" eval --policy examples/lab --events "$D"
fails "eval --events MISSING: exit 2, the path and why" 2 "palisade eval: $TMP/nope: No such file or directory" eval --events "$TMP/nope"
# /proc/self/mem opens, and reading its first page fails with EIO: a read error
fails "eval --events: a read error is exit 2 with its reason" 2 \
    "palisade eval: /proc/self/mem: cannot read: Input/output error" eval --events /proc/self/mem
fails "eval --inventory DIR: exit 2, says it is a directory" 2 \
    "palisade eval: $D: is a directory (give the JSON file \`palisade inventory IMAGE.tar > FILE.json\` writes)" eval --inventory "$D"
fails "eval --inventory MISSING: exit 2, the reason" 2 "palisade eval: $TMP/nope: No such file or directory" eval --inventory "$TMP/nope"
fails "eval --inventory: a read error is exit 2 with its reason" 2 \
    "palisade eval: /proc/self/mem: cannot read: Input/output error" eval --inventory /proc/self/mem
fails "learn --events DIR: exit 2, says it is a directory" 2 "palisade learn: $D: is a directory $EVWANT" learn --events "$D"
fails "learn --events MISSING: exit 2, the reason" 2 "palisade learn: $TMP/nope: No such file or directory" learn --events "$TMP/nope"
fails "learn --events: a read error is exit 2 with its reason" 2 \
    "palisade learn: /proc/self/mem: cannot read: Input/output error" learn --events /proc/self/mem
fails "learn --merge DIR: exit 2 before reading the events" 2 "palisade learn: $D: not a regular file" \
    learn --events "$TMP/ev.jsonl" --merge "$D"
# a link to a device as the output: it was read as the learned file and then
# renamed over (as root, `-o /dev/null` replaced /dev/null with a file); the
# link keeps a real device out of reach of this test
ln -s /dev/null "$TMP/null"
fails "learn -o onto a device: refused" 2 "palisade learn: $TMP/null: not a regular file" \
    learn --events "$TMP/ev.jsonl" -o "$TMP/null"
[ -L "$TMP/null" ] && ok "learn -o onto a device: left in place" || bad "learn -o onto a device: replaced by a file"
fails "agent --follow DIR: exit 2 (not 'does not exist yet')" 2 "palisade agent: $D: is a directory" agent --follow "$D"
fails "agent --learn MISSING: exit 2, the path first" 2 "palisade agent: $TMP/nope: No such file or directory" agent --learn "$TMP/nope"
fails "agent --learn FILE: exit 2, not a directory" 2 "palisade agent: $TMP/ev.jsonl: not a directory" agent --learn "$TMP/ev.jsonl"
fails "scan --exceptions DIR: exit 2, the path first" 2 "palisade scan: $D: is a directory" scan --exceptions "$D" "$TMP/ev.jsonl"
fails "feed check of a directory without feeds: exit 2" 2 "palisade feed: $TMP/empty: no feed files (*.json) under it" \
    feed check "$TMP/empty"
fails "feed match: a bad image is named" 2 "palisade feed: $D: not an image tarball" feed match --feeds "$TMP/empty" "$D"
mkdir -p "$TMP/inv.json"
fails "feed match: an inventory .json that is a directory" 2 "palisade feed: $TMP/inv.json: is a directory" \
    feed match --feeds "$TMP/empty" "$TMP/inv.json"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
