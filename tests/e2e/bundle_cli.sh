#!/usr/bin/env bash
# Bundles through the CLI, as an agent operator meets them: a damaged bundle
# (one byte flipped anywhere, or cut short) must be refused with exit 2 and a
# message naming the file, and must decide nothing — a half-read bundle that
# quietly allows everything is the failure this guards against.  A policy
# with a syntax error must not build, and must say file:line:col and the
# error code.  `build --revision` must reach every decision.
#
# Needs $PALISADE (tests/run-all.sh sets it), jq and python3.
. "$(dirname "$0")/lib/harness.sh"
POLICY=examples/lab
EVENTS=examples/lab/events.jsonl

# --- a good bundle, with a revision ------------------------------------------
GOOD=$TMP/lab.bundle
if "$PALISADE" build "$POLICY" -o "$GOOD" --revision r1 2>"$TMP/build.err" && [ -s "$GOOD" ]; then
    ok "build --revision r1 writes a bundle"
else
    bad "build --revision r1 writes a bundle" "$(cat "$TMP/build.err")"
    finish; exit 1   # nothing below can run without the bundle
fi
"$PALISADE" eval --policy "$GOOD" --events "$EVENTS" >"$TMP/good.jsonl" 2>"$TMP/good.err"
rc=$?
if [ "$rc" -eq 1 ] && [ "$(jq -s 'length' "$TMP/good.jsonl")" = "$(grep -c . "$EVENTS")" ]; then
    ok "the intact bundle decides every event (exit 1)"
else
    bad "the intact bundle decides every event (exit 1)" "exit $rc; $(cat "$TMP/good.err")"
fi
if jq -e -s 'length > 0 and all(.[]; .revision == "r1")' "$TMP/good.jsonl" >/dev/null; then
    ok "every decision carries revision \"r1\""
else
    bad "every decision carries revision \"r1\"" "$(jq -c '.revision' "$TMP/good.jsonl" | sort | uniq -c)"
fi
# A bundle built without --revision must not claim r1.
"$PALISADE" build "$POLICY" -o "$TMP/norev.bundle" 2>/dev/null
if "$PALISADE" eval --policy "$TMP/norev.bundle" --events "$EVENTS" 2>/dev/null |
   jq -e -s 'length > 0 and all(.[]; .revision != "r1")' >/dev/null; then
    ok "without --revision the revision is not r1"
else
    bad "without --revision the revision is not r1"
fi

SIZE=$(stat -c %s "$GOOD")

# refused LABEL FILE [WORD]: eval on FILE exits 2, prints no decision, and
# stderr names the file (and contains WORD when given).
refused() {
    local label=$1 file=$2 word=${3:-}
    "$PALISADE" eval --policy "$file" --events "$EVENTS" >"$TMP/out" 2>"$TMP/err"
    local rc=$? problems=""
    [ "$rc" -eq 2 ] || problems+="exit $rc (want 2); "
    [ ! -s "$TMP/out" ] || problems+="stdout is not empty: $(head -c 300 "$TMP/out"); "
    grep -qF "$(basename "$file")" "$TMP/err" || problems+="stderr does not name the file; "
    [ -z "$word" ] || grep -qiE "$word" "$TMP/err" || problems+="stderr does not say /$word/; "
    if [ -z "$problems" ]; then ok "$label refused: $(head -n1 "$TMP/err")"
    else bad "$label refused" "$problems"$'\n'"stderr: $(head -n5 "$TMP/err")"; fi
}

# flip OUT POS / truncate_to OUT LEN: copies of the good bundle, damaged.
flip() {  # out position
    python3 - "$GOOD" "$1" "$2" <<'EOF'
import sys
src, out, pos = sys.argv[1], sys.argv[2], int(sys.argv[3])
b = bytearray(open(src, 'rb').read())
b[pos] ^= 0x5a
open(out, 'wb').write(b)
EOF
}
truncate_to() {  # out length
    head -c "$2" "$GOOD" >"$1"
}

# --- one byte flipped ---------------------------------------------------------
# Header fields (bundle.h): version 8, schema digest 16, total length 24,
# checksum 32, section count 64, section table 72; then the middle and the end.
for pos in 8 16 24 40 64 80 $((SIZE / 2)) $((SIZE - 1)); do
    flip "$TMP/flip$pos.bundle" "$pos"
    refused "bundle with byte $pos flipped" "$TMP/flip$pos.bundle" 'bundle|corrupt'
done
# The magic itself: the file is no longer recognisably a bundle, but it must
# still be refused, not read as something else that decides.
flip "$TMP/flip0.bundle" 0
refused "bundle with its magic (byte 0) flipped" "$TMP/flip0.bundle"

# --- truncated -----------------------------------------------------------------
for len in 8 40 71 72 $((SIZE / 2)) $((SIZE - 1)); do
    truncate_to "$TMP/trunc$len.bundle" "$len"
    refused "bundle truncated to $len bytes" "$TMP/trunc$len.bundle" 'bundle|corrupt|truncated'
done
# Cut inside the magic, or to nothing (a copy that died at once): refused too.
for len in 4 0; do
    truncate_to "$TMP/trunc$len.bundle" "$len"
    refused "bundle truncated to $len bytes" "$TMP/trunc$len.bundle"
done

# --- crafted: a loop that never ends ------------------------------------------
# A well-formed bundle (checksum recomputed) whose count() loop jumps back to
# itself instead of to its ITER_NEXT: stack depths agree, every operand is in
# range, and it would spin until the per-event budget stopped it.  The
# verifier proves termination, so the bundle is refused before it decides.
mkdir -p "$TMP/looprepo"
cat >"$TMP/looprepo/loop.pal" <<'EOF'
rule "count args" {
  on process
  when count(a in process.args: a == "x") > 0
  effect prevent
}
EOF
"$PALISADE" build "$TMP/looprepo" -o "$TMP/loop.bundle" --revision r1 2>/dev/null
"$PALISADE" eval --policy "$TMP/loop.bundle" --events "$EVENTS" >/dev/null 2>&1
rc=$?
if [ "$rc" -le 1 ]; then ok "the count() bundle loads and decides"
else bad "the count() bundle loads and decides" "exit $rc"; fi
python3 - "$TMP/loop.bundle" "$TMP/spin.bundle" <<'EOF'
import struct, sys, zlib
b = bytearray(open(sys.argv[1], 'rb').read())
nsec = struct.unpack_from('<I', b, 64)[0]
for k in range(nsec):
    sid, count, off, length = struct.unpack_from('<IIQQ', b, 72 + 24 * k)
    if sid == 11: break
else:
    sys.exit("no code section")
for i in range(count):
    ins = struct.unpack_from('<I', b, off + 4 * i)[0]
    sj = ins >> 8
    if sj & 0x800000: sj -= 1 << 24
    if ins & 0xff == 15 and sj < 0:             # the loop's JUMP back to its ITER_NEXT
        struct.pack_into('<I', b, off + 4 * i, 15 | ((-1 & 0xffffff) << 8))   # JUMP to itself
        break
else:
    sys.exit("no backward JUMP in the code")
b[32:64] = bytes(32)
b[32:36] = struct.pack("<I", zlib.crc32(b))   # checksum: CRC-32, then 28 zero bytes
open(sys.argv[2], 'wb').write(b)
EOF
refused "bundle whose loop jumps back to itself" "$TMP/spin.bundle" 'jumps back'

# --- crafted: a regex that does not compile ------------------------------------
# Regexes compile on first use, not at load (a 10,000-rule bundle would
# spend most of its load in PCRE2), so a crafted pattern that PCRE2 refuses
# loads; its rule never matches (as a match that hits a PCRE2 limit), the
# other rules decide as before, and `inspect` names the pattern.
mkdir -p "$TMP/rxrepo"
cat >"$TMP/rxrepo/rx.pal" <<'EOF'
rule "marker regex" {
  on process
  when process.command_line matches 'zq.marker'
  effect alert
}
rule "shell" {
  on process
  when process.name == "sh"
  effect alert
}
EOF
"$PALISADE" build "$TMP/rxrepo" -o "$TMP/rx.bundle" 2>/dev/null
python3 - "$TMP/rx.bundle" "$TMP/badrx.bundle" <<'EOF'
import struct, sys, zlib
b = bytearray(open(sys.argv[1], 'rb').read())
at = b.find(b'zq.marker')
if at < 0: sys.exit("pattern not in the bundle")
b[at + 2] = ord('(')                        # 'zq(marker': a missing )
b[32:64] = bytes(32)
b[32:36] = struct.pack("<I", zlib.crc32(b))   # checksum: CRC-32, then 28 zero bytes
open(sys.argv[2], 'wb').write(b)
EOF
printf '%s\n' '{"event":{"category":["process"]},"process":{"name":"sh","command_line":"zq(marker zqxmarker"}}' >"$TMP/rx.jsonl"
"$PALISADE" eval --policy "$TMP/badrx.bundle" --events "$TMP/rx.jsonl" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 0 ] && jq -e '[.matches[].rule] == ["shell"]' "$TMP/out" >/dev/null; then
    ok "a bundle with a regex PCRE2 refuses loads; that rule never matches, the others decide"
else
    bad "a bundle with a regex PCRE2 refuses loads; that rule never matches, the others decide" \
        "exit $rc; $(cat "$TMP/out" "$TMP/err")"
fi
"$PALISADE" inspect "$TMP/badrx.bundle" >/dev/null 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -qF 'rule 0 ("marker regex"), matcher 0: regex "zq(marker" does not compile at offset 9' "$TMP/err" &&
   grep -qF "$(basename "$TMP/badrx.bundle")" "$TMP/err"; then
    ok "inspect names the regex that does not compile and its rule (exit 2, a bad bundle)"
else
    bad "inspect names the regex that does not compile and its rule (exit 2, a bad bundle)" "exit $rc; $(cat "$TMP/err")"
fi
"$PALISADE" inspect "$TMP/rx.bundle" >/dev/null 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then ok "inspect of the intact bundle exits 0"; else bad "inspect of the intact bundle exits 0" "exit $rc"; fi

# --- a syntax error does not build -------------------------------------------
mkdir -p "$TMP/badrepo/sub"
cp "$POLICY"/*.pal "$TMP/badrepo/"
cat >"$TMP/badrepo/sub/broken.pal" <<'EOF'
package sub

rule "broken" {
  on process
  when process.name = = "x"
}
EOF
cp "$GOOD" "$TMP/keep.bundle"
"$PALISADE" build "$TMP/badrepo" -o "$TMP/keep.bundle" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 2 ]; then ok "build with a syntax error exits 2"
else bad "build with a syntax error exits 2" "exit $rc; $(head -n5 "$TMP/err")"; fi
if grep -qE '(^|/)sub/broken\.pal:5:[0-9]+: error\[PAL[0-9]{4}\]' "$TMP/err"; then
    ok "stderr has the file:line:col: error[PALnnnn] line ($(grep -m1 -E 'error\[PAL' "$TMP/err"))"
else
    bad "stderr has sub/broken.pal:5:COL: error[PALnnnn]" "$(head -n8 "$TMP/err")"
fi
if cmp -s "$GOOD" "$TMP/keep.bundle"; then ok "a failed build leaves the existing bundle as it was"
else bad "a failed build leaves the existing bundle as it was"; fi
"$PALISADE" build "$TMP/badrepo" -o "$TMP/new.bundle" >/dev/null 2>&1
if [ ! -e "$TMP/new.bundle" ]; then ok "a failed build writes no bundle"
else bad "a failed build writes no bundle"; fi
if [ -z "$(ls -A "$TMP" | grep -vE '^(lab|norev|keep|loop|spin|rx|badrx|flip[0-9]+|trunc[0-9]+)\.bundle$|^(badrepo|looprepo|rxrepo|rx\.jsonl|out|err|build\.err|good\.jsonl|good\.err)$')" ]; then
    ok "a failed build leaves no temporary file behind"
else
    bad "a failed build leaves no temporary file behind" "$(ls -A "$TMP")"
fi

finish
