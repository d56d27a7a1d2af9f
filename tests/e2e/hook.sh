#!/usr/bin/env bash
# The hook's fail-open warning, under the real runc: runc captures a hook's
# stdout and stderr and shows them only when the hook fails, so the warning
# of a fail-open (the hook succeeds, the container starts unenforced) must
# reach the operator elsewhere — syslog, and the --log FILE of the hook's
# config.  No agent runs: the control socket named does not exist.
#
# syslog is caught without touching the machine's /dev: runc runs in a
# mount namespace of its own whose /dev is an overlay of the real one with
# this test's datagram socket at /dev/log (the path glibc's syslog writes).
# Needs root, runc, busybox (static), unshare, python3 and jq; without
# them every check is counted as skipped (CI=true: a failure instead).
. "$(dirname "$0")/lib/harness.sh"

# --log naming a FIFO nobody reads (or another non-file): the hook reports that it is not a file and
# goes on, where an open for writing that waits for a reader would hang the container's start
# (runc waits for its hooks).  Needs no runc: a hook with an unreadable state reports an error.
mkfifo "$TMP/log.fifo"
timeout 10 "$PALISADE" hook --log "$TMP/log.fifo" </dev/null >"$TMP/fifo.out" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q -- "--log $TMP/log.fifo: not a regular file" "$TMP/fifo.out"
then ok "hook --log FIFO: not waited on, said (exit $rc)"
else bad "hook --log FIFO: not waited on, said (exit $rc)" "$(cat "$TMP/fifo.out")"; fi

NCHECKS=6
missing=""
[ "$(id -u)" = 0 ] || missing="$missing root"
for t in runc unshare python3 jq; do command -v $t >/dev/null 2>&1 || missing="$missing $t"; done
BUSYBOX=$(command -v busybox 2>/dev/null || true)
if [ -z "$BUSYBOX" ] || ldd "$BUSYBOX" >/dev/null 2>&1; then missing="$missing busybox-static"; fi
if [ -z "$missing" ] && ! unshare -m --propagation private true 2>/dev/null; then missing="$missing mount-namespaces"; fi
if [ -n "$missing" ]; then
    if [ "${CI:-}" = true ]; then bad "hook prerequisites" "missing:$missing (make deps installs them)"
    else for i in $(seq $NCHECKS); do skip "hook check $i" "missing:$missing"; done; fi
    finish
fi

ID=palhook$$
RUNC="runc --root $TMP/runc"
cleanup() {
    for c in "$ID" "${ID}c"; do $RUNC delete -f "$c" >/dev/null 2>&1; done
    chmod -R u+rwx "$TMP" 2>/dev/null; rm -rf "$TMP"
}
trap cleanup EXIT

B=$TMP/bundle
mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/sys"
cp "$BUSYBOX" "$B/rootfs/bin/busybox"
ln "$B/rootfs/bin/busybox" "$B/rootfs/bin/true"
(cd "$B" && runc spec)
config() {  # EXTRA-HOOK-ARGS (a JSON array): the container runs true, once
    jq --arg p "$PALISADE" --arg s "$TMP/no-agent.sock" --arg l "$TMP/hook.log" --argjson extra "$1" '
      .process.terminal = false | .process.args = ["/bin/true"] | .root.readonly = false |
      .hooks = {"createRuntime": [{"path": $p,
                "args": (["palisade", "hook", "--control", $s, "--timeout", "300", "--image", "hook-test:1",
                          "--log", $l] + $extra)}]}' "$B/config.json" >"$B/config.new" && mv "$B/config.new" "$B/config.json"
}

# runc in a namespace whose /dev/log is ours; the catcher writes what it
# gets to syslog.out and stops after the run
run_with_syslog() {  # CONTAINER-ID
    unshare -m --propagation private bash -c '
        set -e
        mkdir -p "$TMP/ov" && mount -t tmpfs hooktest "$TMP/ov" && mkdir "$TMP/ov/up" "$TMP/ov/work"
        mount -t overlay overlay -o "lowerdir=/dev,upperdir=$TMP/ov/up,workdir=$TMP/ov/work" /dev
        python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(\"/dev/log\"); s.settimeout(0.5)
open(sys.argv[1] + \".ready\", \"w\").close()
with open(sys.argv[1], \"ab\") as out:
    while True:
        try: out.write(s.recv(65536) + b\"\\n\"); out.flush()
        except socket.timeout:
            import os
            if os.path.exists(sys.argv[1] + \".stop\"): break
" "$TMP/syslog.out" &
        catcher=$!
        for i in $(seq 200); do [ -e "$TMP/syslog.out.ready" ] && break; sleep 0.05; done
        set +e
        runc --root "$TMP/runc" run -b "$B" "$1" </dev/null >"$TMP/run.out" 2>&1
        echo $? >"$TMP/run.rc"
        touch "$TMP/syslog.out.stop"
        wait $catcher
    ' hook "$1"
    rm -f "$TMP/syslog.out.ready" "$TMP/syslog.out.stop"
}
export TMP B

config '[]'
run_with_syslog "$ID"
rc=$(cat "$TMP/run.rc" 2>/dev/null)
if [ "$rc" = 0 ]; then ok "no agent: the container starts (fail-open)"
else bad "no agent: the container starts (fail-open)" "rc $rc: $(cat "$TMP/run.out")"; fi
if ! grep -q "fail-open" "$TMP/run.out"; then ok "... and runc shows none of the hook's output (why it must go elsewhere)"
else bad "... and runc shows none of the hook's output (why it must go elsewhere)" "$(cat "$TMP/run.out")"; fi
if grep -q "palisade-hook\[[0-9]*\]: container $ID: .*no-agent.sock.*it starts without enforcement (fail-open)" "$TMP/syslog.out" 2>/dev/null
then ok "the fail-open warning is in syslog (ident palisade-hook, the container and the socket named)"
else bad "the fail-open warning is in syslog (ident palisade-hook, the container and the socket named)" "$(cat "$TMP/syslog.out" 2>&1)"; fi
if grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z palisade hook: container $ID: .*it starts without enforcement \(fail-open\)$" "$TMP/hook.log" 2>/dev/null
then ok "... and appended to --log FILE, one line with its time"
else bad "... and appended to --log FILE, one line with its time" "$(cat "$TMP/hook.log" 2>&1)"; fi
$RUNC delete -f "$ID" >/dev/null 2>&1

# --fail-closed: runc refuses the container and shows the hook's error itself; the log has it too
config '["--fail-closed"]'
: >"$TMP/syslog.out"
run_with_syslog "${ID}c"
rc=$(cat "$TMP/run.rc" 2>/dev/null)
if [ "$rc" != 0 ] && grep -q "the container does not start" "$TMP/run.out"; then ok "--fail-closed: runc refuses it and shows the hook's error"
else bad "--fail-closed: runc refuses it and shows the hook's error" "rc $rc: $(cat "$TMP/run.out")"; fi
if grep -q "container ${ID}c: .*--fail-closed: the container does not start" "$TMP/hook.log" &&
   grep -q "palisade-hook.*container ${ID}c: .*--fail-closed" "$TMP/syslog.out"
then ok "... and syslog and --log FILE have it too"
else bad "... and syslog and --log FILE have it too" "$(cat "$TMP/hook.log" "$TMP/syslog.out" 2>&1)"; fi

finish
