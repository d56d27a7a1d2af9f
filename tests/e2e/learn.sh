#!/usr/bin/env bash
# `palisade learn` end to end, as issue 6 asks:
#  1. learn from a stream, evaluate the same stream against the learned
#     policy: every event allowed;
#  2. a stream with new behaviour: exactly the new events alert;
#  3. relearning merges: every line of the existing (hand-edited) file is
#     kept in order, only new entries are added, a second merge adds nothing;
#  4. the Windows lab done by learning: learn the app's baseline, add the
#     deny entries for cmd.exe and 1.1.1.1 to the learned rule, and the lab
#     events decide as the lab asks;
#  5. errors: a merge target that does not parse is refused and untouched.
# Needs $PALISADE (tests/run-all.sh sets it), jq and python3.
. "$(dirname "$0")/lib/harness.sh"

BASE=examples/lab/baseline.jsonl
effects() { "$PALISADE" eval --policy "$1" --events "$2" 2>/dev/null | jq -r '"\(.line):\(.effect)"' | tr '\n' ' '; }

# 1. learn, then the same stream is all allowed
"$PALISADE" learn --events "$BASE" -o "$TMP/learned.pal" 2>"$TMP/err" \
    && ok "learn writes a policy" || bad "learn writes a policy" "$(cat "$TMP/err")"
"$PALISADE" build "$TMP/learned.pal" -o "$TMP/learned.bnd" >/dev/null 2>"$TMP/err" \
    && ok "the learned policy compiles" || bad "the learned policy compiles" "$(cat "$TMP/err")"
n=$(wc -l < "$BASE")
got=$(effects "$TMP/learned.pal" "$BASE")
want=$(seq 1 "$n" | sed 's/$/:allow/' | tr '\n' ' ')
expect_eq "every learned event is allowed" "$got" "$want"
grep -q '^  // 2 events, first 2026-11-20T09:00:02Z, last 2026-11-20T09:00:03Z$' "$TMP/learned.pal" \
    && ok "entries carry counts and first/last seen" || bad "entries carry counts and first/last seen"
grep -q 'allow outbound ip 10.0.0.5 port 5432-5433$' "$TMP/learned.pal" \
    && ok "ports are merged into ranges" || bad "ports are merged into ranges" "$(cat "$TMP/learned.pal")"
grep -q 'allow from image "wincontainerapp:latest" to image "postgres:16" tcp 5432-5433$' "$TMP/learned.pal" \
    && ok "container-to-container traffic becomes a firewall rule" || bad "container-to-container traffic becomes a firewall rule"
grep -q 'allow inbound port 8080$' "$TMP/learned.pal" \
    && ok "listening ports are learned" || bad "listening ports are learned"
mkdir -p "$TMP/lintrepo" && cp "$TMP/learned.pal" "$TMP/lintrepo/"
"$PALISADE" fmt -l "$TMP/learned.pal" >"$TMP/fmt.out" 2>&1 && [ ! -s "$TMP/fmt.out" ] \
    && ok "the learned policy is formatted (fmt -l lists nothing)" || bad "the learned policy is formatted (fmt -l lists nothing)" "$(cat "$TMP/fmt.out")"
"$PALISADE" lint "$TMP/lintrepo" >"$TMP/lint.out" 2>&1 \
    && ok "the learned policy lints clean" || bad "the learned policy lints clean" "$(cat "$TMP/lint.out")"
cp "$TMP/learned.pal" "$TMP/again.pal.ref"
"$PALISADE" learn --events "$BASE" > "$TMP/again.pal" 2>/dev/null
cmp -s "$TMP/again.pal" "$TMP/again.pal.ref" && ok "learning is deterministic" || bad "learning is deterministic"

# 2. new behaviour alerts, and only it
new_event() {  # line-number-tag json
    printf '%s\n' "$1"
}
{
    cat "$BASE"
    # 9: a new process
    echo '{"@timestamp":"2026-11-21T09:00:00Z","event":{"category":["process"],"type":["start"]},"host":{"name":"winhost","os":{"type":"windows"}},"container":{"id":"c0ffee","image":{"name":"wincontainerapp:latest"}},"process":{"pid":5000,"executable":"C:\\Windows\\System32\\certutil.exe"}}'
    # 10: a learned process in other letter case (Windows): allowed
    echo '{"@timestamp":"2026-11-21T09:00:01Z","event":{"category":["process"],"type":["start"]},"host":{"name":"winhost","os":{"type":"windows"}},"container":{"id":"c0ffee","image":{"name":"wincontainerapp:latest"}},"process":{"pid":5001,"executable":"c:/APP/WinContainerApp.exe"}}'
    # 11: a new destination
    echo '{"@timestamp":"2026-11-21T09:00:02Z","event":{"category":["network"],"type":["connection"]},"host":{"name":"winhost","os":{"type":"windows"}},"container":{"id":"c0ffee","image":{"name":"wincontainerapp:latest"}},"network":{"direction":"outbound","transport":"tcp"},"destination":{"ip":"203.0.113.7","port":443}}'
    # 12: a new port on a learned destination
    echo '{"@timestamp":"2026-11-21T09:00:03Z","event":{"category":["network"],"type":["connection"]},"host":{"name":"winhost","os":{"type":"windows"}},"container":{"id":"c0ffee","image":{"name":"wincontainerapp:latest"}},"network":{"direction":"outbound","transport":"tcp"},"destination":{"ip":"10.0.0.5","port":22}}'
    # 13: a new DNS name
    echo '{"@timestamp":"2026-11-21T09:00:04Z","event":{"category":["network"],"type":["protocol"]},"host":{"name":"winhost","os":{"type":"windows"}},"container":{"id":"c0ffee","image":{"name":"wincontainerapp:latest"}},"network":{"protocol":"dns","direction":"outbound"},"dns":{"question":{"name":"pool.minexmr.com"}}}'
    # 14: a learned DNS name, upper case with a trailing dot: allowed
    echo '{"@timestamp":"2026-11-21T09:00:05Z","event":{"category":["network"],"type":["protocol"]},"host":{"name":"winhost","os":{"type":"windows"}},"container":{"id":"c0ffee","image":{"name":"wincontainerapp:latest"}},"network":{"protocol":"dns","direction":"outbound"},"dns":{"question":{"name":"WWW.GOOGLE.COM."}}}'
    # 15: a new listening port
    echo '{"@timestamp":"2026-11-21T09:00:06Z","event":{"category":["network"],"type":["connection"]},"host":{"name":"winhost","os":{"type":"windows"}},"container":{"id":"c0ffee","image":{"name":"wincontainerapp:latest"}},"network":{"direction":"inbound","transport":"tcp"},"source":{"ip":"10.0.0.9","port":50001},"destination":{"ip":"10.0.0.2","port":3389}}'
    # 16: a new container-to-container connection (new image pair)
    echo '{"@timestamp":"2026-11-21T09:00:07Z","event":{"category":["network"],"type":["connection"]},"host":{"name":"winhost","os":{"type":"windows"}},"container":{"id":"beef","image":{"name":"worker:2"}},"network":{"direction":"outbound","transport":"tcp"},"destination":{"ip":"10.0.0.5","port":5432,"container":{"image":{"name":"postgres:16"}}}}'
} > "$TMP/new.jsonl"
got=$("$PALISADE" eval --policy "$TMP/learned.pal" --events "$TMP/new.jsonl" --only-findings 2>/dev/null | jq -r '"\(.line):\(.effect)"' | tr '\n' ' ')
expect_eq "exactly the new behaviour alerts" "$got" "9:alert 11:alert 12:alert 13:alert 15:alert 16:alert "

# 3. relearning merges; nothing is ever dropped
python3 - "$TMP/learned.pal" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read()
# a user reviews the learned file: a deny entry, a comment, a rule of their own
s = s.replace("    default effect alert\n  }\n  network {",
              "    // certutil downloads payloads: never in this app\n"
              "    deny \"certutil.exe\" effect prevent\n"
              "    default effect alert\n  }\n  network {", 1)
s += '\nrule "hand-written" {\n  on process\n  when process.name == "psexec.exe"\n  effect block\n}\n'
open(p, "w").write(s)
EOF
cp "$TMP/learned.pal" "$TMP/before-merge.pal"
"$PALISADE" learn --events "$TMP/new.jsonl" --merge "$TMP/learned.pal" 2>"$TMP/merge.err" \
    && ok "merge runs" || bad "merge runs" "$(cat "$TMP/merge.err")"
python3 - "$TMP/before-merge.pal" "$TMP/learned.pal" <<'EOF' && ok "merge keeps every existing line, in order" || bad "merge keeps every existing line, in order"
import sys
old = open(sys.argv[1]).read().splitlines()
new = open(sys.argv[2]).read().splitlines()
i = 0
for line in new:
    if i < len(old) and line == old[i]:
        i += 1
sys.exit(0 if i == len(old) else 1)
EOF
grep -c '^+ ' "$TMP/merge.err" | grep -qx 6 && ok "the diff lists the 6 new entries (not certutil.exe, which the user denies)" \
    || bad "the diff lists the 6 new entries (not certutil.exe, which the user denies)" "$(cat "$TMP/merge.err")"
mkdir -p "$TMP/lintmerged" && cp "$TMP/learned.pal" "$TMP/lintmerged/"
"$PALISADE" lint "$TMP/lintmerged" >"$TMP/lint.out" 2>&1 && ok "the merged file lints clean (no allow shadowed by a deny)" \
    || bad "the merged file lints clean (no allow shadowed by a deny)" "$(cat "$TMP/lint.out")"
python3 - "$TMP/learned.pal" <<'PY' && ok "new entries go above the section's default line" || bad "new entries go above the section's default line"
import sys, re
s = open(sys.argv[1]).read()
m = re.search(r'  network \{\n(.*?)\n  \}', s, re.S)
lines = m.group(1).splitlines() if m else []
sys.exit(0 if lines and lines[-1].strip() == "default effect alert" else 1)
PY
grep -q '^+ runtime "learned worker:2" network: allow outbound ip 10.0.0.5 port 5432$' "$TMP/merge.err" \
    && ok "a new image gets its own block" || bad "a new image gets its own block" "$(cat "$TMP/merge.err")"
got=$(effects "$TMP/learned.pal" "$TMP/new.jsonl")
want="$(seq 1 8 | sed 's/$/:allow/' | tr '\n' ' ')9:prevent $(seq 10 16 | sed 's/$/:allow/' | tr '\n' ' ')"
expect_eq "after merging, only the hand-written deny still fires" "$got" "$want"
"$PALISADE" fmt -l "$TMP/learned.pal" | { ! grep -q .; } && ok "the merged file stays formatted" || bad "the merged file stays formatted"
cp "$TMP/learned.pal" "$TMP/merged-once.pal"
"$PALISADE" learn --events "$TMP/new.jsonl" --merge "$TMP/learned.pal" 2>"$TMP/merge2.err"
cmp -s "$TMP/learned.pal" "$TMP/merged-once.pal" && grep -q 'nothing new' "$TMP/merge2.err" \
    && ok "merging the same stream twice changes nothing" || bad "merging the same stream twice changes nothing" "$(diff "$TMP/merged-once.pal" "$TMP/learned.pal")"
# a hand-widened entry covers what it matches: nothing new is added under it
sed -i 's/allow "www.google.com"/allow "*.google.com"/' "$TMP/learned.pal"
printf '%s\n' '{"event":{"category":["network"],"type":["protocol"]},"container":{"image":{"name":"wincontainerapp:latest"}},"network":{"protocol":"dns"},"dns":{"question":{"name":"docs.google.com"}}}' > "$TMP/docs.jsonl"
"$PALISADE" learn --events "$TMP/docs.jsonl" --merge "$TMP/learned.pal" 2>"$TMP/merge3.err"
grep -q 'nothing new' "$TMP/merge3.err" && ok "a wildcard entry written by hand covers new names" \
    || bad "a wildcard entry written by hand covers new names" "$(cat "$TMP/merge3.err")"

# 4. the Windows lab, done by learning
"$PALISADE" learn --events "$BASE" --collapse-dns 2 -o "$TMP/lab.pal" 2>/dev/null
mkdir -p "$TMP/lintlab" && cp "$TMP/lab.pal" "$TMP/lintlab/"
"$PALISADE" lint "$TMP/lintlab" >"$TMP/lint.out" 2>&1 && "$PALISADE" fmt -l "$TMP/lab.pal" | { ! grep -q .; } \
    && ok "the collapsed policy is formatted and lints clean" || bad "the collapsed policy is formatted and lints clean" "$(cat "$TMP/lint.out")"
grep -q 'allow "\*.google.com"' "$TMP/lab.pal" && ok "--collapse-dns 2 writes *.google.com" \
    || bad "--collapse-dns 2 writes *.google.com" "$(cat "$TMP/lab.pal")"
# learn and lint agree: the learned wildcard carries the suppression of
# PAL0712 (names below google.com were seen, not google.com), and not when
# google.com itself was seen (PAL0711 would call it needless)
expect_eq "the collapsed policy has no lint finding, notes included" \
    "$("$PALISADE" lint --format json "$TMP/lintlab" 2>&1 | jq -c '[.findings[].code]')" "[]"
dnsev() { printf '{"event":{"category":["network"],"type":["protocol"]},"container":{"image":{"name":"app:1"}},"network":{"protocol":"dns"},"dns":{"question":{"name":"%s"}}}\n' "$@"; }
dnsev a.cdn.example b.cdn.example cdn.example >"$TMP/apex.jsonl"
mkdir -p "$TMP/lintapex"
"$PALISADE" learn --events "$TMP/apex.jsonl" --collapse-dns 2 -o "$TMP/lintapex/l.pal" 2>/dev/null
expect_eq "the apex seen too: no suppression, no lint finding" \
    "$(grep -c palisade:ignore "$TMP/lintapex/l.pal") $("$PALISADE" lint --format json "$TMP/lintapex" 2>&1 | jq -c '[.findings[].code]')" "0 []"
# a later merge that learns the apex itself makes learn's own suppression
# stale (PAL0711 would flag it): the merge removes it, and only it
dnsev a.cdn.example b.cdn.example >"$TMP/apex1.jsonl"
dnsev cdn.example >"$TMP/apex2.jsonl"
mkdir -p "$TMP/lintapex2"
"$PALISADE" learn --events "$TMP/apex1.jsonl" --collapse-dns 2 -o "$TMP/lintapex2/l.pal" 2>/dev/null
n_before=$(grep -c 'palisade:ignore PAL0712' "$TMP/lintapex2/l.pal")
"$PALISADE" learn --events "$TMP/apex2.jsonl" --collapse-dns 2 --merge "$TMP/lintapex2/l.pal" 2>/dev/null
expect_eq "a merge that learns the apex drops learn's stale PAL0712 suppression; lint is clean" \
    "$n_before $(grep -c 'palisade:ignore' "$TMP/lintapex2/l.pal") $(grep -c -e 'allow "\*.cdn.example"' -e 'allow "cdn.example"' "$TMP/lintapex2/l.pal") $("$PALISADE" lint --format json "$TMP/lintapex2" 2>&1 | jq -c '[.findings[].code]')" \
    "1 0 2 []"
python3 - "$TMP/lab.pal" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("    default effect alert\n  }\n  network {",
              "    deny \"cmd.exe\" effect prevent\n    default effect alert\n  }\n  network {", 1)
s = s.replace("    default effect alert\n  }\n  dns {",
              "    deny outbound ip 1.1.1.1 effect alert\n    default effect alert\n  }\n  dns {", 1)
open(p, "w").write(s)
EOF
EV=examples/lab/events.jsonl
line_of() { jq -c --slurp "to_entries | map(select(.value | $1)) | map(.key + 1) | .[]" "$EV"; }
L_APP=$(line_of '.process.pid == 4100 and .event.category == ["process"]')
L_CMD=$(line_of '.process.command_line == "CMD.EXE /c whoami"')
L_PING=$(line_of '.process.command_line == "ping 1.1.1.1"')
L_IP=$(line_of '.destination.ip == "1.1.1.1"')
L_WWW=$(line_of '.dns.question.name == "www.google.com"')
L_AB=$(line_of '.dns.question.name == "a.b.google.com"')
L_EVIL=$(line_of '.dns.question.name == "evil.com"')
dec=$("$PALISADE" eval --policy "$TMP/lab.pal" --events "$EV" 2>/dev/null)
eff() { printf '%s\n' "$dec" | jq -r --argjson l "$1" 'select(.line == $l) | .effect'; }
expect_eq "lab: cmd.exe is prevented" "$(eff "$L_CMD")" prevent
expect_eq "lab: the connection to 1.1.1.1 is denied (alert)" "$(eff "$L_IP")" alert
expect_eq "lab: the app itself is allowed" "$(eff "$L_APP")" allow
expect_eq "lab: ping.exe (learned) is allowed" "$(eff "$L_PING")" allow
expect_eq "lab: www.google.com is allowed" "$(eff "$L_WWW")" allow
expect_eq "lab: a.b.google.com is allowed (*.google.com)" "$(eff "$L_AB")" allow
expect_eq "lab: evil.com alerts (not learned)" "$(eff "$L_EVIL")" alert

# 5. errors
printf 'runtime "learned x" {\n  process {\n' > "$TMP/broken.pal"
cp "$TMP/broken.pal" "$TMP/broken.ref"
"$PALISADE" learn --events "$BASE" --merge "$TMP/broken.pal" >/dev/null 2>"$TMP/err"; rc=$?
expect_eq "a merge target that does not parse: exit 2" "$rc" 2
grep -q 'broken.pal:2:12: unexpected end of file' "$TMP/err" && ok "the error names file:line:col" || bad "the error names file:line:col" "$(cat "$TMP/err")"
cmp -s "$TMP/broken.pal" "$TMP/broken.ref" && ok "the broken file is left untouched" || bad "the broken file is left untouched"
"$PALISADE" learn --events "$TMP/missing.jsonl" >/dev/null 2>&1; expect_eq "a missing event file: exit 2" "$?" 2
printf '{"not json\n{"event":{"category":["process"]},"container":{"image":{"name":"a:1"}},"process":{"executable":"/bin/true"}}\n' > "$TMP/mixed.jsonl"
out=$("$PALISADE" learn --events "$TMP/mixed.jsonl" 2>"$TMP/err"); rc=$?
expect_eq "a bad line is reported and skipped, not fatal" "$rc:$(grep -c 'mixed.jsonl:1:' "$TMP/err")" "0:1"
printf '%s\n' "$out" | grep -q 'allow "/bin/true"' && ok "the good line is still learned" || bad "the good line is still learned" "$out"
"$PALISADE" learn --events "$BASE" --image 'other*' 2>/dev/null | grep -q '^runtime' \
    && bad "--image filters images" || ok "--image filters images"

# 7. container-to-container flows named only by their ends (no container.image.name):
# the firewall matches source/destination.container.image.name first, so
# those flows are learned as firewall rules, and the same stream then passes
cat > "$TMP/c2c.jsonl" <<'JSON'
{"@timestamp":"2026-11-22T09:00:00Z","event":{"category":["network"]},"network":{"transport":"tcp"},"source":{"ip":"10.9.0.1","container":{"image":{"name":"front:1"}}},"destination":{"ip":"10.9.0.2","port":8080,"container":{"image":{"name":"api:2"}}}}
{"@timestamp":"2026-11-22T09:00:01Z","event":{"category":["network"]},"network":{"transport":"udp","direction":"outbound"},"source.container.image.name":"api:2","destination.container.image.name":"cache:7","destination.ip":"10.9.0.3","destination.port":6379}
JSON
out=$("$PALISADE" learn --events "$TMP/c2c.jsonl" 2>"$TMP/c2c.err"); rc=$?
expect_eq "c2c: learn exits 0" "$rc" 0
printf '%s\n' "$out" | grep -q 'allow from image "front:1" to image "api:2" tcp 8080$' \
    && ok "c2c: a flow named by both ends' images becomes a firewall rule" \
    || bad "c2c: a flow named by both ends' images becomes a firewall rule" "$out"$'\n'"$(cat "$TMP/c2c.err")"
printf '%s\n' "$out" | grep -q 'allow from image "api:2" to image "cache:7" udp 6379$' \
    && ok "c2c: dotted keys too" || bad "c2c: dotted keys too" "$out"
grep -q '2 events, 2 learned' "$TMP/c2c.err" && ok "c2c: no event is skipped for want of a container image" \
    || bad "c2c: no event is skipped for want of a container image" "$(cat "$TMP/c2c.err")"
printf '%s\n' "$out" > "$TMP/c2c.pal"
expect_eq "c2c: the learned policy allows the flows it learned" "$(effects "$TMP/c2c.pal" "$TMP/c2c.jsonl")" "1:allow 2:allow "
printf '%s\n' '{"event":{"category":["network"]},"network":{"transport":"tcp"},"source":{"ip":"10.9.0.1","container":{"image":{"name":"front:1"}}},"destination":{"ip":"10.9.0.3","port":6379,"container":{"image":{"name":"cache:7"}}}}' > "$TMP/c2c-new.jsonl"
expect_eq "c2c: a flow it did not learn alerts" "$(effects "$TMP/c2c.pal" "$TMP/c2c-new.jsonl")" "1:alert "

# 8. nothing usable: exit 2, a message saying why, nothing written
: > "$TMP/empty.jsonl"
"$PALISADE" learn --events "$TMP/empty.jsonl" -o "$TMP/none.pal" 2>"$TMP/err"; rc=$?
expect_eq "an empty events file: exit 2" "$rc" 2
[ ! -e "$TMP/none.pal" ] && ok "an empty events file: nothing written" || bad "an empty events file: nothing written" "$(cat "$TMP/none.pal")"
grep -q 'no usable event in .*empty.jsonl: 0 lines' "$TMP/err" && ok "an empty events file: the message says so" \
    || bad "an empty events file: the message says so" "$(cat "$TMP/err")"
printf '%s\n' 'not json' '{"event":{"category":["process"]},"process":{"executable":"/bin/sh"}}' \
    '{"event":{"category":["process"]},"process":{"executable":"/bin/ls"}}' '' '[1]' > "$TMP/allbad.jsonl"
out=$("$PALISADE" learn --events "$TMP/allbad.jsonl" 2>"$TMP/err"); rc=$?
expect_eq "an all-bad events file: exit 2 and nothing on stdout" "$rc:${#out}" "2:0"
grep -q 'no usable event in .*allbad.jsonl: 4 lines, 2 undecodable, 2 without a container image' "$TMP/err" \
    && ok "an all-bad events file: the message counts lines, undecodable lines and events without an image" \
    || bad "an all-bad events file: the message counts lines, undecodable lines and events without an image" "$(cat "$TMP/err")"
cp "$TMP/learned.pal" "$TMP/keep.pal"
"$PALISADE" learn --events "$TMP/allbad.jsonl" --merge "$TMP/learned.pal" 2>/dev/null; rc=$?
cmp -s "$TMP/learned.pal" "$TMP/keep.pal" && expect_eq "nothing usable with --merge: exit 2, the file untouched" "$rc" 2 \
    || bad "nothing usable with --merge: exit 2, the file untouched"
"$PALISADE" learn --events "$BASE" --image 'other*' >/dev/null 2>"$TMP/err"; rc=$?
grep -q "of other images" "$TMP/err" && expect_eq "--image matching nothing: exit 2" "$rc" 2 \
    || bad "--image matching nothing: exit 2" "$(cat "$TMP/err")"

# 6. agent --learn: the learned image is not enforced while it is learned,
# other images are; SIGUSR2 and exit write DIR/learned.pal, merging
mkdir -p "$TMP/agentlearn"
out=$("$PALISADE" agent --policy examples/lab --learn "$TMP/agentlearn" --learn-image 'wincontainerapp*' \
      < examples/lab/events.jsonl 2>"$TMP/agent.err")
L_OTHER=$(jq -c --slurp 'to_entries | map(select(.value.container.image.name == "otherapp:1")) | map(.key + 1) | .[]' examples/lab/events.jsonl)
expect_eq "agent --learn: one decision per event" "$(printf '%s\n' "$out" | grep -c .)" "$(grep -c . examples/lab/events.jsonl)"
got=$(printf '%s\n' "$out" | jq -r --argjson l "$L_CMD" 'select(.line == $l) | "\(.effect) \(.learning) \(.matches[0].effect)"')
expect_eq "agent --learn: cmd.exe in the learned image is not enforced, the would-be match is kept" "$got" "allow true prevent"
got=$(printf '%s\n' "$out" | jq -r --argjson l "$L_OTHER" 'select(.line == $l) | "\(.learning)"')
expect_eq "agent --learn: other images are not learned" "$got" "null"
if [ -f "$TMP/agentlearn/learned.pal" ] && grep -qF "allow 'C:\\app\\wincontainerapp.exe'" "$TMP/agentlearn/learned.pal" \
   && ! grep -q otherapp "$TMP/agentlearn/learned.pal"; then ok "agent --learn writes DIR/learned.pal at exit"
else bad "agent --learn writes DIR/learned.pal at exit" "$(cat "$TMP/agent.err")"; fi
"$PALISADE" build "$TMP/agentlearn/learned.pal" -o "$TMP/al.bnd" >/dev/null 2>&1 \
    && ok "what the agent learned compiles" || bad "what the agent learned compiles"
# SIGUSR2 while following a file: the learned file appears without stopping the agent
: > "$TMP/follow.jsonl"
mkdir -p "$TMP/agentlearn2"
"$PALISADE" agent --follow "$TMP/follow.jsonl" --learn "$TMP/agentlearn2" > "$TMP/follow.out" 2>"$TMP/follow.err" &
apid=$!
# each wait up to 60 s (a loaded machine, ASan); the lines are appended once it is ready
for _ in $(seq 600); do grep -q 'ready' "$TMP/follow.err" 2>/dev/null && break; sleep 0.1; done
cat "$BASE" >> "$TMP/follow.jsonl"
for _ in $(seq 600); do [ "$(grep -c . "$TMP/follow.out" 2>/dev/null)" -ge "$(grep -c . "$BASE")" ] && break; sleep 0.1; done
kill -USR2 "$apid"
for _ in $(seq 600); do [ -f "$TMP/agentlearn2/learned.pal" ] && break; sleep 0.1; done
if [ -f "$TMP/agentlearn2/learned.pal" ] && kill -0 "$apid" 2>/dev/null; then ok "SIGUSR2 writes what was learned and the agent keeps running"
else bad "SIGUSR2 writes what was learned and the agent keeps running" "$(cat "$TMP/follow.err")"; fi
kill -TERM "$apid"; wait "$apid"; rc=$?
expect_eq "agent --learn exits 0 on SIGTERM" "$rc" 0
grep -q "learned.pal: nothing new" "$TMP/follow.err" && ok "the exit write merges into the SIGUSR2 file (nothing new)" \
    || bad "the exit write merges into the SIGUSR2 file (nothing new)" "$(cat "$TMP/follow.err")"
"$PALISADE" agent --learn "$TMP/nope" < /dev/null >/dev/null 2>&1; expect_eq "agent --learn on a missing directory: exit 2" "$?" 2

finish
