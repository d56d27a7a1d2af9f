#!/usr/bin/env bash
# Enforcement costs, as ratios to a baseline measured in the same run
# (no thresholds): the same busybox container under runc, once without the
# agent and once registered with `palisade agent --enforce`.
#   exec      N execs of /bin/true inside the container (a shell loop):
#             time per exec with fanotify answers / without
#   connect   N TCP connects to a peer namespace: with the nftables table / without
#   dns       queries/s through the forwarder (redirected port 53) / straight to the upstream
# Also prints the agent's own answer time per exec (mean and max, from its
# stats line).  Needs root, runc, busybox-static, nft, ip, python3, jq; says
# SKIP otherwise.  Everything stays in namespaces it creates.
set -u
cd "$(dirname "$0")/../.."
PALISADE=${PALISADE:-$PWD/build/palisade}
N=${N:-300}
for t in runc nft ip python3 jq busybox; do command -v $t >/dev/null || { echo "SKIP enforce bench: no $t"; exit 0; }; done
[ "$(id -u)" = 0 ] || { echo "SKIP enforce bench: needs root"; exit 0; }
TMP=$(mktemp -d)
ID=palbench$$ NS_C=${ID}c NS_P=${ID}p RUNC="runc --root $TMP/runc"
AGENT=""
cleanup() {
    $RUNC delete -f "$ID" >/dev/null 2>&1
    [ -n "$AGENT" ] && kill "$AGENT" 2>/dev/null && wait "$AGENT" 2>/dev/null
    kill $SRV $DNS 2>/dev/null
    ip netns del "$NS_C" 2>/dev/null; ip netns del "$NS_P" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
ip netns add "$NS_C"; ip netns add "$NS_P"
ip link add "${ID}a" type veth peer name "${ID}b"
ip link set "${ID}a" netns "$NS_C"; ip link set "${ID}b" netns "$NS_P"
ip -n "$NS_C" addr add 10.203.78.1/24 dev "${ID}a"; ip -n "$NS_P" addr add 10.203.78.2/24 dev "${ID}b"
for ns in "$NS_C" "$NS_P"; do ip -n "$ns" link set lo up; done
ip -n "$NS_C" link set "${ID}a" up; ip -n "$NS_P" link set "${ID}b" up
ip -n "$NS_C" route add default via 10.203.78.2
ip netns exec "$NS_P" timeout 600 python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", 8080)); s.listen(512)
while True:
    c, _ = s.accept(); c.close()' &
SRV=$!
DNSPORT=$((20000 + $$ % 20000))
timeout 600 python3 -c '
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    q, a = s.recvfrom(4096)
    i = 12
    while i < len(q) and q[i]: i += 1 + q[i]
    s.sendto(q[:2] + struct.pack(">HHHHH", 0x8180, 1, 0, 0, 0) + q[12:i + 5], a)' "$DNSPORT" &
DNS=$!

mkdir -p "$TMP/pol"
cat > "$TMP/pol/b.pal" <<'EOF'
package bench
runtime "bench" {
  scope container.image.name like "bench:*"
  process { deny "nc" effect prevent }
  network { deny outbound ip 192.0.2.1 effect prevent   deny outbound port 9 effect alert }
  dns { allow "*.example.test"   default effect prevent }
}
EOF
B=$TMP/b
mkdir -p "$B/rootfs/bin" "$B/rootfs/etc" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/sys" "$B/rootfs/tmp"
cp "$(command -v busybox)" "$B/rootfs/bin/busybox"
for a in sh true sleep; do ln "$B/rootfs/bin/busybox" "$B/rootfs/bin/$a"; done
(cd "$B" && runc spec)
mkconfig() {  # $1: with hooks (1) or not (0)
    jq --arg p "$PALISADE" --arg s "$TMP/ctl.sock" --arg ns "/var/run/netns/$NS_C" --argjson hook "$1" '
      .process.terminal = false | .process.args = ["/bin/sleep", "3600"] | .root.readonly = false |
      .annotations = {"org.opencontainers.image.ref.name": "bench:1"} |
      .linux.namespaces = [.linux.namespaces[] | if .type == "network" then .path = $ns else . end] |
      if $hook == 1 then .hooks = {"createRuntime": [{"path": $p, "args": ["palisade", "hook", "--control", $s]}]} else . end' \
      "$B/config.orig" > "$B/config.json"
}
cp "$B/config.json" "$B/config.orig"

now() { date +%s%N; }
measure() {  # prints: exec_ns connect_ns
    $RUNC run -d -b "$B" "$ID" </dev/null >/dev/null 2>&1 || { echo "runc run failed" >&2; exit 1; }
    local t0 t1 t2
    t0=$(now)
    $RUNC exec "$ID" /bin/sh -c "i=0; while [ \$i -lt $N ]; do /bin/true; i=\$((i+1)); done"
    t1=$(now)
    $RUNC exec "$ID" /bin/sh -c "i=0; while [ \$i -lt $N ]; do busybox nc -w 1 10.203.78.2 8080 </dev/null; i=\$((i+1)); done" >/dev/null 2>&1
    t2=$(now)
    $RUNC delete -f "$ID" >/dev/null 2>&1
    echo $(( (t1 - t0) / N )) $(( (t2 - t1) / N ))
}
dnsrate() {  # NS ADDR PORT: queries per second (1000 sequential queries)
    ip netns exec "$1" python3 -c '
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2); s.connect((sys.argv[1], int(sys.argv[2])))
q = struct.pack(">HHHHHH", 1, 0x100, 1, 0, 0, 0) + b"\x03www\x07example\x04test\x00\x00\x01\x00\x01"
t = time.time(); n = 0
for i in range(1000):
    s.send(q)
    try: s.recv(4096); n += 1
    except socket.timeout: pass
print(int(n / (time.time() - t)))' "$2" "$3"
}

mkconfig 0
read -r base_exec base_conn < <(measure)
base_dns=$(ip netns exec "$NS_C" true; python3 -c 'print()' >/dev/null; dnsrate "$NS_C" 10.203.78.2 53 2>/dev/null || echo 0)
# the baseline DNS figure: straight to the upstream, from the host namespace
base_dns=$(python3 - "$DNSPORT" <<'PY'
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2); s.connect(("127.0.0.1", int(sys.argv[1])))
q = struct.pack(">HHHHHH", 1, 0x100, 1, 0, 0, 0) + b"\x03www\x07example\x04test\x00\x00\x01\x00\x01"
t = time.time(); n = 0
for i in range(1000):
    s.send(q)
    try: s.recv(4096); n += 1
    except socket.timeout: pass
print(int(n / (time.time() - t)))
PY
)
"$PALISADE" build "$TMP/pol" -o "$TMP/bundle" --revision bench >/dev/null
"$PALISADE" agent --policy "$TMP/bundle" --listen "$TMP/ev.sock" --output /dev/null --enforce --control "$TMP/ctl.sock" \
    --dns-upstream "127.0.0.1:$DNSPORT" --runc-root "$TMP/runc" 2>"$TMP/agent.err" &
AGENT=$!
for i in $(seq 100); do [ -S "$TMP/ctl.sock" ] && break; sleep 0.05; done
mkconfig 1
# the DNS figure through the forwarder needs a running, registered container
$RUNC run -d -b "$B" "$ID" </dev/null >/dev/null 2>&1
enf_dns=$(dnsrate "$NS_C" 10.203.78.53 53)
$RUNC delete -f "$ID" >/dev/null 2>&1
read -r enf_exec enf_conn < <(measure)
kill -TERM "$AGENT"; wait "$AGENT" 2>/dev/null; AGENT=""
stats=$(grep -o 'answer time mean [0-9.]* us, max [0-9.]* us' "$TMP/agent.err" | tail -1)
ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.2f}' if b else 'n/a')" "$1" "$2"; }
echo "exec:    $((base_exec / 1000)) us -> $((enf_exec / 1000)) us per exec in a shell loop: ratio $(ratio "$enf_exec" "$base_exec") (agent's $stats)"
echo "connect: $((base_conn / 1000)) us -> $((enf_conn / 1000)) us per nc connect: ratio $(ratio "$enf_conn" "$base_conn")"
echo "dns:     $base_dns q/s direct -> $enf_dns q/s through the forwarder: ratio $(ratio "$enf_dns" "$base_dns")"
