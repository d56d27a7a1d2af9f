#!/usr/bin/env bash
# Prevent and block for real (issue 14): the lab translated to a Linux
# container run by Debian's runc with a busybox-static root file system.
#
# Everything it touches is its own: two network namespaces it creates
# (the container's, with a veth to a peer namespace that plays the
# outside world: 10.203.77.2 allowed, .3 prevented, .4 alerted), a DNS
# upstream on loopback, runc state under $TMP, the agent's control socket
# under $TMP.  fanotify marks go only on the container's own mounts and
# the nftables table only into the container's namespace; the trap below
# removes the container, the namespaces and every process it started.
# No packet leaves the machine.
#
# Needs root, runc, busybox (static), nft, ip and python3; without them
# every check is counted as skipped (CI=true: a failure instead, since CI
# installs them through `make deps`).
. "$(dirname "$0")/lib/harness.sh"

NCHECKS=17
missing=""
[ "$(id -u)" = 0 ] || missing="$missing root"
for t in runc nft ip python3 jq; do command -v $t >/dev/null 2>&1 || missing="$missing $t"; done
BUSYBOX=$(command -v busybox 2>/dev/null || true)
if [ -z "$BUSYBOX" ] || ldd "$BUSYBOX" >/dev/null 2>&1; then missing="$missing busybox-static"; fi
if [ -n "$missing" ]; then
    if [ "${CI:-}" = true ]; then
        bad "enforcement prerequisites" "missing:$missing (make deps installs them)"
    else
        for i in $(seq $NCHECKS); do skip "enforce check $i" "missing:$missing"; done
    fi
    finish
fi

ID=palenf$$
NS_C=${ID}c NS_P=${ID}p
RUNC="runc --root $TMP/runc"
SOCK=$TMP/control.sock
OUT=$TMP/decisions.jsonl
ERR=$TMP/agent.err
PIDS=""
cleanup() {
    $RUNC kill "$ID" KILL >/dev/null 2>&1
    sleep 0.2
    $RUNC delete -f "$ID" >/dev/null 2>&1
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for p in $PIDS; do wait "$p" 2>/dev/null; done
    ip netns del "$NS_C" 2>/dev/null
    ip netns del "$NS_P" 2>/dev/null
    chmod -R u+rwx "$TMP" 2>/dev/null; rm -rf "$TMP"
}
trap cleanup EXIT

# --- the test's own network: container netns <-veth-> peer netns ----------------
ip netns add "$NS_C" && ip netns add "$NS_P" || { bad "network namespaces" "ip netns add failed"; finish; }
ip link add "${ID}a" type veth peer name "${ID}b"
ip link set "${ID}a" netns "$NS_C"
ip link set "${ID}b" netns "$NS_P"
ip -n "$NS_C" addr add 10.203.77.1/24 dev "${ID}a"
ip -n "$NS_P" addr add 10.203.77.2/24 dev "${ID}b"
ip -n "$NS_P" addr add 10.203.77.3/24 dev "${ID}b"
ip -n "$NS_P" addr add 10.203.77.4/24 dev "${ID}b"
for ns in "$NS_C" "$NS_P"; do ip -n "$ns" link set lo up; done
ip -n "$NS_C" link set "${ID}a" up
ip -n "$NS_P" link set "${ID}b" up
ip -n "$NS_C" route add default via 10.203.77.2

# an HTTP server on every peer address (bounded: it exits with the test)
mkdir -p "$TMP/www" && echo hello-from-peer > "$TMP/www/index.html"
ip netns exec "$NS_P" timeout 300 python3 -m http.server 8080 --bind 0.0.0.0 --directory "$TMP/www" >/dev/null 2>&1 &
PIDS="$PIDS $!"

# a DNS upstream on loopback: every A question gets 10.203.77.2
DNSPORT=$((20000 + $$ % 20000))
timeout 300 python3 - "$DNSPORT" <<'PY' >/dev/null 2>&1 &
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    q, a = s.recvfrom(4096)
    if len(q) < 12: continue
    i = 12
    while i < len(q) and q[i]: i += 1 + q[i]
    question = q[12:i + 5]
    qtype = struct.unpack(">H", q[i + 1:i + 3])[0]
    answers = b""
    n = 0
    if qtype == 1:
        answers = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([10, 203, 77, 2])
        n = 1
    hdr = q[:2] + struct.pack(">HHHHH", 0x8180, 1, n, 0, 0)
    s.sendto(hdr + question + answers, a)
PY
PIDS="$PIDS $!"

# --- the policy, signed; the agent -------------------------------------------------
mkdir -p "$TMP/pol"
policy() {  # $1: the process section's extra deny line
cat > "$TMP/pol/lab.pal" <<EOF
package runtime.lab

runtime "lab container" {
  scope container.image.name like "enforce-test:*"
  process {
    $1
    deny "nc" effect prevent
    deny "telnet" effect block
  }
  network {
    deny outbound ip 10.203.77.3 effect prevent
    deny outbound ip 10.203.77.4 effect alert
  }
  dns {
    allow "*.example.test"
    default effect prevent
  }
}
EOF
}
"$PALISADE" keygen -o "$TMP/key" >/dev/null 2>&1
policy 'deny "sh" effect prevent'
"$PALISADE" build "$TMP/pol" -o "$TMP/b1" --revision r1 --sign "$TMP/key.key" >/dev/null 2>"$TMP/build.err" \
    || { bad "build the signed bundle" "$(cat "$TMP/build.err")"; finish; }
cp "$TMP/b1" "$TMP/bundle"

"$PALISADE" agent --policy "$TMP/bundle" --verify-key "$TMP/key.pub" --reload-delay 100 \
    --listen "$TMP/events.sock" --output "$OUT" \
    --enforce --control "$SOCK" --dns-upstream "127.0.0.1:$DNSPORT" --runc-root "$TMP/runc" 2>"$ERR" &
AGENT=$!
PIDS="$PIDS $AGENT"
for i in $(seq 1200); do [ -S "$SOCK" ] && break; sleep 0.05; done   # up to 60 s: a loaded machine, ASan
if [ -S "$SOCK" ]; then ok "the agent enforces, with its control socket"; else bad "the agent enforces, with its control socket" "$(cat "$ERR")"; finish; fi

# --- the container: busybox applets as hard links (a symlink is decided as its target) ---
B=$TMP/bundle-c
mkdir -p "$B/rootfs/bin" "$B/rootfs/etc" "$B/rootfs/tmp" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/sys"
cp "$BUSYBOX" "$B/rootfs/bin/busybox"
for a in sh nc telnet nslookup sleep true echo cat; do ln "$B/rootfs/bin/busybox" "$B/rootfs/bin/$a"; done
echo "nameserver 10.203.77.53" > "$B/rootfs/etc/resolv.conf"
(cd "$B" && runc spec)
# the hook waits up to 60 s for the agent: it fails open, so a hook that gave
# up (at 5 s, with the agent paused that long) started the container unenforced
jq --arg p "$PALISADE" --arg s "$SOCK" --arg ns "/var/run/netns/$NS_C" '
  .process.terminal = false | .process.args = ["/bin/sleep", "3600"] | .root.readonly = false |
  .annotations = {"org.opencontainers.image.ref.name": "enforce-test:1"} |
  .linux.namespaces = [.linux.namespaces[] | if .type == "network" then .path = $ns else . end] |
  .hooks = {"createRuntime": [{"path": $p, "args": ["palisade", "hook", "--control", $s, "--timeout", "60000"]}],
            "poststop": [{"path": $p, "args": ["palisade", "hook", "--control", $s, "poststop"]}]}' \
  "$B/config.json" > "$B/config.new" && mv "$B/config.new" "$B/config.json"
$RUNC run -d -b "$B" "$ID" </dev/null >"$TMP/run.out" 2>&1
state() { $RUNC state "$ID" 2>/dev/null | jq -r .status; }
if [ "$(state)" = running ]; then ok "runc starts the container through the createRuntime hook"
else bad "runc starts the container through the createRuntime hook" "$(cat "$TMP/run.out"; tail -5 "$ERR")"; finish; fi
grep -q "container $ID registered" "$ERR" && ok "the hook registered it with the agent" || bad "the hook registered it with the agent" "$(tail -5 "$ERR")"

# decision lines: wait for one that matches a jq filter
wait_line() {  # FILTER (up to 60 s: the machine may be loaded)
    for i in $(seq 600); do
        jq -c "select($1)" "$OUT" 2>/dev/null | grep -q . && return 0
        sleep 0.1
    done
    return 1
}

# --- processes -----------------------------------------------------------------
$RUNC exec "$ID" /bin/sh -c 'echo shell' >"$TMP/sh.out" 2>&1; rc=$?
if [ $rc -ne 0 ] && grep -qi "operation not permitted" "$TMP/sh.out" && ! grep -q shell "$TMP/sh.out"; then
    ok "runc exec CONTAINER sh fails with EPERM"
else bad "runc exec CONTAINER sh fails with EPERM" "rc $rc: $(cat "$TMP/sh.out")"; fi
[ "$(state)" = running ] && ok "the app keeps running" || bad "the app keeps running" "state $(state)"
wait_line '.enforce.point == "exec" and .effect == "prevent" and .matches[0].rule == "lab container" and .revision == "r1" and .enforce.action == "denied"' \
    && ok "the denied exec is a decision line (rule, revision r1)" || bad "the denied exec is a decision line (rule, revision r1)" "$(tail -3 "$OUT")"

# --- network -------------------------------------------------------------------
# connections with the busybox binary by its own name (nc is prevented; Debian's
# static busybox wget crashes), the request on standard input
get() { printf 'GET / HTTP/1.0\r\n\r\n' | $RUNC exec "$ID" /bin/busybox nc -w 5 "$1" 8080 2>&1; }
get 10.203.77.3 >"$TMP/w3"
grep -qi "refused" "$TMP/w3" && ok "a connection to the denied address is refused" || bad "a connection to the denied address is refused" "$(cat "$TMP/w3")"
get 10.203.77.2 >"$TMP/w2"
grep -q hello-from-peer "$TMP/w2" && ok "an allowed connection succeeds" || bad "an allowed connection succeeds" "$(cat "$TMP/w2")"
get 10.203.77.4 >"$TMP/w4"
grep -q hello-from-peer "$TMP/w4" && ok "an alerted connection succeeds" || bad "an alerted connection succeeds" "$(cat "$TMP/w4")"
wait_line '.enforce.point == "network" and .effect == "prevent" and (.matches[0].message | test("10.203.77.3:8080")) and .revision == "r1"' \
    && ok "the refused connection is a decision line" || bad "the refused connection is a decision line" "$(grep network "$OUT" | tail -3)"
wait_line '.enforce.point == "network" and .effect == "alert" and (.matches[0].message | test("10.203.77.4")) and .matches[0].rule == "lab container"' \
    && ok "the alerted connection is a decision line" || bad "the alerted connection is a decision line" "$(grep network "$OUT" | tail -3)"

# --- DNS -----------------------------------------------------------------------
$RUNC exec "$ID" /bin/nslookup www.example.test >"$TMP/d1" 2>&1
grep -q "10.203.77.2" "$TMP/d1" && ok "an allowed name resolves through the forwarder" || bad "an allowed name resolves through the forwarder" "$(cat "$TMP/d1")"
$RUNC exec "$ID" /bin/nslookup evil.test >"$TMP/d2" 2>&1
grep -q "REFUSED" "$TMP/d2" && ok "a denied name gets REFUSED" || bad "a denied name gets REFUSED" "$(cat "$TMP/d2")"
wait_line '.enforce.point == "dns" and .enforce.action == "refused" and .effect == "prevent" and (.matches[0].message | test("evil.test")) and .revision == "r1"' \
    && ok "the refused query is a decision line" || bad "the refused query is a decision line" "$(grep dns "$OUT" | tail -3)"

# --- reload: the deny of sh removed (signed r2), then an unsigned r3 ----------------
policy ''
"$PALISADE" build "$TMP/pol" -o "$TMP/b2" --revision r2 --sign "$TMP/key.key" >/dev/null 2>&1
cp "$TMP/b2" "$TMP/bundle.new" && mv "$TMP/bundle.new" "$TMP/bundle"
for i in $(seq 1200); do grep -q "reloaded: revision r2" "$ERR" && break; sleep 0.05; done
$RUNC exec "$ID" /bin/sh -c 'echo shell' >"$TMP/sh2.out" 2>&1
grep -q '^shell$' "$TMP/sh2.out" && ok "a reload that removes the deny lets sh run" || bad "a reload that removes the deny lets sh run" "$(cat "$TMP/sh2.out"; tail -3 "$ERR")"
policy 'deny "sh" effect prevent'
"$PALISADE" build "$TMP/pol" -o "$TMP/b3" --revision r3 >/dev/null 2>&1
cp "$TMP/b3" "$TMP/bundle.new" && mv "$TMP/bundle.new" "$TMP/bundle"
for i in $(seq 1200); do grep -q "reload failed" "$ERR" && break; sleep 0.05; done
$RUNC exec "$ID" /bin/sh -c 'echo shell' >"$TMP/sh3.out" 2>&1
if grep -q "reload failed" "$ERR" && grep -q '^shell$' "$TMP/sh3.out" && ! grep -q '"revision":"r3"' "$OUT"; then
    ok "an unsigned bundle under --verify-key changes nothing"
else bad "an unsigned bundle under --verify-key changes nothing" "$(cat "$TMP/sh3.out"; tail -3 "$ERR")"; fi

# --- block -----------------------------------------------------------------------
$RUNC exec "$ID" /bin/telnet 10.203.77.2 8080 >"$TMP/t.out" 2>&1
for i in $(seq 600); do [ "$(state)" = running ] || break; sleep 0.1; done
st=$(state)
if [ "$st" != running ] && wait_line '.enforce.point == "exec" and .effect == "block" and .enforce.stopped == true and .matches[0].rule == "lab container" and .revision == "r2"'; then
    ok "block stops the container, and its decision line says so"
else bad "block stops the container, and its decision line says so" "state $st; $(tail -3 "$OUT")"; fi

kill -TERM "$AGENT" 2>/dev/null; wait "$AGENT" 2>/dev/null

# --- run as the README writes it: no stdin (systemd, &) -------------------------------
# an enforcing agent serves the kernel and the hooks, not only its stdin:
# end of input does not stop it; SIGTERM does
"$PALISADE" agent --policy "$TMP/b1" --verify-key "$TMP/key.pub" --enforce --control "$TMP/c2.sock" \
    </dev/null >/dev/null 2>"$TMP/agent2.err" &
A2=$!
PIDS="$PIDS $A2"
for i in $(seq 100); do [ -S "$TMP/c2.sock" ] && break; sleep 0.05; done
sleep 1
if [ -S "$TMP/c2.sock" ] && kill -0 "$A2" 2>/dev/null; then
    ok "an enforcing agent with its stdin at end of file keeps running"
else bad "an enforcing agent with its stdin at end of file keeps running" "$(cat "$TMP/agent2.err")"; fi
kill -TERM "$A2" 2>/dev/null; wait "$A2"; rc=$?
if [ "$rc" = 0 ]; then ok "SIGTERM stops it, exit 0"; else bad "SIGTERM stops it, exit 0" "exit $rc; $(cat "$TMP/agent2.err")"; fi
finish
