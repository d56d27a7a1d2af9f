#!/usr/bin/env bash
# Signing bundles as a release pipeline does it: keygen, build --sign,
# inspect (text and JSON), and every consumer (inspect, eval, agent start)
# telling a valid signature from a tampered, foreign or missing one.
#
# Needs $PALISADE (tests/run-all.sh sets it), jq and python3.
. "$(dirname "$0")/lib/harness.sh"
POLICY=examples/lab
EVENTS=examples/lab/events.jsonl

expect() {  # LABEL WANT_RC GOT_RC [detail]
    if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "exit $3 (want $2)${4:+; $4}"; fi
}

# --- keygen -------------------------------------------------------------------
"$PALISADE" keygen -o "$TMP/release" 2>"$TMP/err"
expect "keygen writes a key pair" 0 $? "$(cat "$TMP/err")"
mode=$(stat -c %a "$TMP/release.key" 2>/dev/null)
[ "$mode" = 600 ] && ok "the secret key is mode 0600" || bad "the secret key is mode 0600" "mode $mode"
head -n1 "$TMP/release.pub" | grep -qx 'palisade-public-key v1' && ok "the public key file has its header" \
    || bad "the public key file has its header" "$(head -n2 "$TMP/release.pub")"
KEYID=$(sed -n 's/^key-id //p' "$TMP/release.pub")
[ ${#KEYID} -eq 16 ] && grep -q "$KEYID" "$TMP/err" && grep -q "^key-id $KEYID$" "$TMP/release.key" \
    && ok "both halves and the message name key id $KEYID" || bad "both halves name the key id" "$(cat "$TMP/err")"
cp "$TMP/release.key" "$TMP/release.key.orig"
"$PALISADE" keygen -o "$TMP/release" 2>"$TMP/err"
rc=$?
if [ $rc -eq 2 ] && cmp -s "$TMP/release.key" "$TMP/release.key.orig" && grep -q -- "--force" "$TMP/err"; then
    ok "keygen never overwrites a key without --force"
else bad "keygen never overwrites a key without --force" "exit $rc; $(cat "$TMP/err")"; fi
"$PALISADE" keygen -o "$TMP/other" 2>/dev/null
"$PALISADE" keygen -o "$TMP/forced" 2>/dev/null && chmod 644 "$TMP/forced.key" &&
    "$PALISADE" keygen -o "$TMP/forced" --force 2>/dev/null
rc=$?
[ $rc -eq 0 ] && [ "$(stat -c %a "$TMP/forced.key")" = 600 ] && ok "keygen --force replaces a pair, secret back to 0600" \
    || bad "keygen --force replaces a pair, secret back to 0600" "exit $rc, mode $(stat -c %a "$TMP/forced.key")"

# --- build --sign ---------------------------------------------------------------
"$PALISADE" build "$POLICY" -o "$TMP/signed.palb" --revision v1.2.3 --sign "$TMP/release.key" 2>"$TMP/err"
expect "build --sign" 0 $? "$(cat "$TMP/err")"
grep -q "signed by key $KEYID" "$TMP/err" && ok "build says which key signed" || bad "build says which key signed" "$(cat "$TMP/err")"
"$PALISADE" build "$POLICY" -o "$TMP/unsigned.palb" --revision v1.2.3 2>/dev/null
"$PALISADE" build "$POLICY" -o "$TMP/foreign.palb" --revision v1.2.3 --sign "$TMP/other.key" 2>/dev/null
"$PALISADE" build "$POLICY" -o "$TMP/x.palb" --sign "$TMP/release.pub" 2>"$TMP/err"
rc=$?
[ $rc -eq 2 ] && [ ! -e "$TMP/x.palb" ] && grep -q "release.pub" "$TMP/err" \
    && ok "build --sign with the public half is refused, no bundle written ($(head -c 160 "$TMP/err"))" \
    || bad "build --sign with the public half is refused" "exit $rc; $(cat "$TMP/err")"
python3 - "$TMP/signed.palb" "$TMP/tampered.palb" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
b[len(b) // 2] ^= 0x04
open(sys.argv[2], 'wb').write(b)
EOF

# --- inspect -------------------------------------------------------------------
"$PALISADE" inspect "$TMP/signed.palb" >"$TMP/out" 2>"$TMP/err"
expect "inspect a signed bundle" 0 $? "$(cat "$TMP/err")"
for want in "revision   v1.2.3" "signed by key $KEYID" "policy  wincontainerapp.pal  sha256 " \
            'runtime  "Windows container runtime rule"  on process  effects prevent' "wincontainerapp.pal:9" "checks     0"; do
    grep -qF "$want" "$TMP/out" && ok "inspect text shows: $want" || bad "inspect text shows: $want" "$(cat "$TMP/out")"
done
SHA=$(sha256sum "$POLICY/wincontainerapp.pal" | cut -d' ' -f1)
grep -q "wincontainerapp.pal  sha256 $SHA" "$TMP/out" && ok "inspect: the source digest is the file's SHA-256" \
    || bad "inspect: the source digest is the file's SHA-256" "$(grep sha256 "$TMP/out")"

"$PALISADE" inspect "$TMP/signed.palb" --format json --verify-key "$TMP/release.pub" >"$TMP/out.json" 2>"$TMP/err"
expect "inspect --format json --verify-key (valid)" 0 $? "$(cat "$TMP/err")"
if jq -e --arg k "$KEYID" --arg sha "$SHA" '
    .revision == "v1.2.3" and .signature.state == "valid" and .signature.key_id == $k and
    .signature.trusted_key_id == $k and (.sources | length) == 1 and .sources[0].sha256 == $sha and
    .sources[0].kind == "policy" and (.rules | length) == 3 and
    ([.rules[].on[0]] | sort) == ["dns", "network", "process"] and
    (.rules[] | select(.on == ["network"]) | .effects) == ["alert"] and
    .rules[0].source.file == "wincontainerapp.pal" and .rules[0].source.line == 9 and
    .checks == [] and (.sha256 | length) == 64' "$TMP/out.json" >/dev/null; then
    ok "inspect json: revision, sources with SHA-256, rules with kind/effects/location, signature valid"
else bad "inspect json has the manifest, rules and signature" "$(head -c 1500 "$TMP/out.json")"; fi

state() {  # BUNDLE [KEY]: sets $s (the signature state) and $rc
    if [ -n "${2:-}" ]; then "$PALISADE" inspect "$1" --format json --verify-key "$2" >"$TMP/s.json" 2>"$TMP/s.err"
    else "$PALISADE" inspect "$1" --format json >"$TMP/s.json" 2>"$TMP/s.err"; fi
    rc=$?
    s=$(jq -r '.signature.state' "$TMP/s.json" 2>/dev/null)
}
state "$TMP/unsigned.palb"; [ "$s" = unsigned ] && [ $rc -eq 0 ] && ok "inspect: unsigned bundle, no key: unsigned, exit 0" || bad "inspect unsigned" "$s exit $rc"
state "$TMP/unsigned.palb" "$TMP/release.pub"; [ "$s" = unsigned ] && [ $rc -eq 2 ] && ok "inspect: unsigned bundle with --verify-key: shown, exit 2 (as eval and agent refuse it)" || bad "inspect unsigned with key" "$s exit $rc"
state "$TMP/foreign.palb" "$TMP/release.pub"; [ "$s" = other-key ] && [ $rc -eq 2 ] && grep -q "not by the trusted key $KEYID" "$TMP/s.err" \
    && ok "inspect: bundle signed by another key: other-key, exit 2" || bad "inspect foreign" "$s exit $rc $(cat "$TMP/s.err")"
state "$TMP/foreign.palb"; [ "$s" = signed ] && [ $rc -eq 0 ] && ok "inspect: a signed bundle without a key to check: signed, exit 0" || bad "inspect foreign no key" "$s exit $rc"
# the signature bytes themselves altered: the body parses, the state is invalid
python3 - "$TMP/signed.palb" "$TMP/badsig.palb" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
b[-3] ^= 0x10
open(sys.argv[2], 'wb').write(b)
PY
state "$TMP/badsig.palb"; [ "$s" = invalid ] && [ $rc -eq 2 ] && grep -q "does not verify" "$TMP/s.err" \
    && ok "inspect: a bundle whose signature was altered: shown, state invalid, exit 2" || bad "inspect bad signature" "$s exit $rc $(cat "$TMP/s.err")"
"$PALISADE" inspect "$TMP/tampered.palb" --verify-key "$TMP/release.pub" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -ne 0 ] && grep -qE "altered after signing|checksum" "$TMP/err"; then
    ok "inspect: a tampered bundle is not shown as valid (exit $rc: $(head -n1 "$TMP/err" | cut -c1-120))"
else bad "inspect: a tampered bundle is not shown as valid" "exit $rc; $(cat "$TMP/out" "$TMP/err")"; fi
"$PALISADE" inspect "$TMP/nope.palb" 2>"$TMP/err"
expect "inspect: a missing file is an error" 2 $?

# --- consumers -------------------------------------------------------------------
"$PALISADE" eval --policy "$TMP/signed.palb" --verify-key "$TMP/release.pub" --events "$EVENTS" >"$TMP/dec.jsonl" 2>"$TMP/err"
rc=$?
[ $rc -eq 1 ] && jq -e -s 'length == 9 and all(.[]; .revision == "v1.2.3")' "$TMP/dec.jsonl" >/dev/null \
    && ok "eval --verify-key decides with a validly signed bundle" || bad "eval --verify-key with a valid bundle" "exit $rc; $(cat "$TMP/err")"
for b in unsigned foreign tampered; do
    "$PALISADE" eval --policy "$TMP/$b.palb" --verify-key "$TMP/release.pub" --events "$EVENTS" >"$TMP/dec.jsonl" 2>"$TMP/err"
    rc=$?
    [ $rc -eq 2 ] && [ ! -s "$TMP/dec.jsonl" ] && grep -q "$b.palb" "$TMP/err" \
        && ok "eval --verify-key refuses the $b bundle ($(cut -c1-110 "$TMP/err" | head -n1))" \
        || bad "eval --verify-key refuses the $b bundle" "exit $rc; $(cat "$TMP/err")"
done
# without a key, a signed bundle loads like any other (its signature still has to hold)
"$PALISADE" eval --policy "$TMP/signed.palb" --events "$EVENTS" >/dev/null 2>"$TMP/err"
expect "eval without a key accepts an intact signed bundle" 1 $? "$(cat "$TMP/err")"
"$PALISADE" eval --policy "$TMP/tampered.palb" --events "$EVENTS" >"$TMP/dec.jsonl" 2>"$TMP/err"
rc=$?
[ $rc -eq 2 ] && [ ! -s "$TMP/dec.jsonl" ] && ok "eval without a key still refuses a tampered signed bundle" \
    || bad "eval without a key still refuses a tampered signed bundle" "exit $rc"
# a key file altered by hand is refused
# (the first character of the id changed to another one, whatever it was)
sed 's/^key-id 0/key-id #/; s/^key-id [^#]/key-id 0/; s/^key-id #/key-id 1/' "$TMP/release.pub" >"$TMP/edited.pub"
cmp -s "$TMP/release.pub" "$TMP/edited.pub" && bad "the key file was edited for the next test"
"$PALISADE" eval --policy "$TMP/signed.palb" --verify-key "$TMP/edited.pub" --events "$EVENTS" >/dev/null 2>"$TMP/err"
rc=$?
[ $rc -eq 2 ] && grep -q "edited.pub" "$TMP/err" && ok "a key file whose id does not match its key is refused ($(head -c 120 "$TMP/err"))" \
    || bad "an edited key file is refused" "exit $rc; $(cat "$TMP/err")"
"$PALISADE" agent --policy "$TMP/foreign.palb" --verify-key "$TMP/release.pub" </dev/null >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc -eq 2 ] && [ ! -s "$TMP/out" ] && grep -q "not by the trusted key" "$TMP/err" \
    && ok "agent refuses to start on a bundle signed by another key" || bad "agent refuses a foreign bundle at start" "exit $rc; $(cat "$TMP/err")"

finish
