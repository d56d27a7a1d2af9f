#!/usr/bin/env bash
# The Windows container lab, end to end through the binary: the policy in
# examples/lab decides examples/lab/events.jsonl as the lab asks (cmd.exe
# prevented, 1.1.1.1 alerted, DNS only under google.com), first compiled from
# source, then from a bundle built by `palisade build`, and the two runs must
# agree on every decision but the "revision".  `palisade disasm` must show
# where each rule came from.
#
# Needs $PALISADE (tests/run-all.sh sets it) and jq.
. "$(dirname "$0")/lib/harness.sh"
POLICY=examples/lab
EVENTS=examples/lab/events.jsonl
need jq

# The event line (1-based) whose field at jq path $2 equals $3; the lab's
# events are picked by what they are, not by their position in the file.
line_of() {  # jq-filter-selecting-one-event
    jq -c --slurp "to_entries | map(select(.value | $1)) | map(.key + 1) | .[]" "$EVENTS"
}
L_CMD=$(line_of '.process.command_line == "CMD.EXE /c whoami"')
L_IP=$(line_of '.destination.ip == "1.1.1.1"')
L_WWW=$(line_of '.dns.question.name == "www.google.com"')
L_AB=$(line_of '.dns.question.name == "a.b.google.com"')
L_EVILNET=$(line_of '.dns.question.name == "google.com.evil.net"')
L_EVIL=$(line_of '.dns.question.name == "evil.com"')
for v in L_CMD L_IP L_WWW L_AB L_EVILNET L_EVIL; do
    [[ ${!v} =~ ^[0-9]+$ ]] || { bad "events.jsonl holds exactly one event for $v (got '${!v}')"; }
done
NEVENTS=$(grep -c . "$EVENTS")

# decisions FILE LINE -> the decision object for that input line
decision() { jq -c --argjson n "$2" 'select(.line == $n)' "$1"; }

# expect_effect FILE LABEL LINE EFFECT [MESSAGE-SUBSTRING]
expect_effect() {
    local file=$1 label=$2 line=$3 want=$4 msg=${5:-} d got
    d=$(decision "$file" "$line")
    got=$(jq -r '.effect' <<<"$d" 2>/dev/null)
    if [ "$got" != "$want" ]; then
        bad "$label: line $line is $want" "got: ${d:-no decision}"; return
    fi
    if [ "$want" != allow ]; then
        # a non-allow decision names the rule that made it, with that effect
        if ! jq -e --arg e "$want" --arg m "$msg" \
             '.matches | length > 0 and any(.[]; .rule == "Windows container runtime rule"
                                              and .effect == $e and (.message | contains($m)))' \
             <<<"$d" >/dev/null; then
            bad "$label: line $line is $want by the lab rule${msg:+ with message containing '$msg'}" "got: $d"; return
        fi
    elif ! jq -e '.matches == []' <<<"$d" >/dev/null; then
        bad "$label: line $line allowed with no matches" "got: $d"; return
    fi
    ok "$label: line $line is $want"
}

check_run() {  # label decisions-file rc stderr-file
    local label=$1 out=$2 rc=$3 err=$4
    if [ "$rc" -eq 1 ]; then ok "$label: exit 1 (something was prevented)"
    else bad "$label: exit 1 (something was prevented)" "exit $rc; stderr: $(cat "$err")"; fi
    local n
    n=$(jq -s 'length' "$out" 2>/dev/null || echo "not JSON lines")
    if [ "$n" = "$NEVENTS" ]; then ok "$label: one decision per event ($n)"
    else bad "$label: one decision per event ($NEVENTS)" "got $n; stdout: $(head -c 2000 "$out")"; fi
    expect_effect "$out" "$label" "$L_CMD" prevent 'CMD.EXE'
    expect_effect "$out" "$label" "$L_IP" alert '1.1.1.1'
    expect_effect "$out" "$label" "$L_WWW" allow
    expect_effect "$out" "$label" "$L_AB" allow
    expect_effect "$out" "$label" "$L_EVILNET" prevent 'google.com.evil.net'
    expect_effect "$out" "$label" "$L_EVIL" prevent 'evil.com'
}

# --- 1. from source ----------------------------------------------------------
"$PALISADE" eval --policy "$POLICY" --events "$EVENTS" >"$TMP/src.jsonl" 2>"$TMP/src.err"
check_run "source" "$TMP/src.jsonl" $? "$TMP/src.err"

# --- 2. from a bundle --------------------------------------------------------
if "$PALISADE" build "$POLICY" -o "$TMP/lab.bundle" 2>"$TMP/build.err" && [ -s "$TMP/lab.bundle" ]; then
    ok "build writes a bundle"
else
    bad "build writes a bundle" "$(cat "$TMP/build.err")"
fi
"$PALISADE" eval --policy "$TMP/lab.bundle" --events "$EVENTS" >"$TMP/bnd.jsonl" 2>"$TMP/bnd.err"
check_run "bundle" "$TMP/bnd.jsonl" $? "$TMP/bnd.err"

strip_rev() { jq -c 'del(.revision)' "$1"; }
if diff <(strip_rev "$TMP/src.jsonl") <(strip_rev "$TMP/bnd.jsonl") >"$TMP/diff" 2>&1; then
    ok "source and bundle decide identically (apart from revision)"
else
    bad "source and bundle decide identically (apart from revision)" "$(head -20 "$TMP/diff")"
fi
if jq -e 'has("revision")' "$TMP/bnd.jsonl" >/dev/null; then ok "bundle decisions carry a revision"
else bad "bundle decisions carry a revision"; fi

# --- 3. disasm -------------------------------------------------------------
if "$PALISADE" disasm "$TMP/lab.bundle" >"$TMP/disasm.txt" 2>"$TMP/disasm.err"; then
    ok "disasm exits 0"
else
    bad "disasm exits 0" "$(cat "$TMP/disasm.err")"
fi
# Every rule of the policy, with the file and line it was declared on.
nrules=0
while IFS=$'\t' read -r file line name; do
    nrules=$((nrules+1))
    if grep -F "\"$name\"" "$TMP/disasm.txt" | grep -qF "$file:$line"; then
        ok "disasm shows \"$name\" at $file:$line"
    else
        bad "disasm shows \"$name\" at $file:$line" "$(grep -n -F "$name" "$TMP/disasm.txt" | head -5)"
    fi
done < <(grep -nHE '^(runtime|rule|check|firewall) "' "$POLICY"/*.pal |
         sed -E 's|^([^:]*):([0-9]+):[a-z]+ "([^"]*)".*|\1\t\2\t\3|; s|^'"$POLICY"'/||')
[ "$nrules" -gt 0 ] || bad "found the rule declarations of $POLICY"
if grep -qE '^ +[0-9]+ +[A-Z_]+' "$TMP/disasm.txt"; then ok "disasm lists instructions"
else bad "disasm lists instructions"; fi

# --only-findings keeps the lines that went wrong: an undecodable line is a
# finding about the input, not something to drop
out=$( { head -n 2 "$EVENTS"; echo '{"not json'; } | "$PALISADE" eval --policy "$POLICY" --events - --only-findings 2>/dev/null)
got=$(printf '%s\n' "$out" | jq -r 'if .error then "\(.line):error" else "\(.line):\(.effect)" end' | tr '\n' ' ')
want="$L_CMD:prevent 3:error "
[ "$L_CMD" -le 2 ] || want="3:error "
[ "$got" = "$want" ] && ok "--only-findings keeps error lines" || bad "--only-findings keeps error lines" "got: $got want: $want"

finish
