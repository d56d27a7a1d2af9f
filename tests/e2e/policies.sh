#!/usr/bin/env bash
# The default runtime policies (policies/, compiled into the binary) decide a
# realistic ECS stream as they should: `palisade eval` with no --policy on
# tests/e2e/data/default-policies.jsonl.  Each event says what it must
# produce in labels.palisade_expect ("Rule; Rule", or "allow" for ordinary
# container activity), and the decision must name exactly those rules.
# Also: every rule in policies/ has an event here, every rule carries a
# MITRE technique and a severity, the counts are pinned, and the built-in
# copy decides like the source directory (so a stale embed is caught).
#
# Needs $PALISADE (tests/run-all.sh sets it), jq and python3.
. "$(dirname "$0")/lib/harness.sh"
EVENTS=tests/e2e/data/default-policies.jsonl
need jq

# Pinned: change these only together with the event file or the policies,
# and say why in the commit.
# 286 = 113 single events + 173 of the chains of policies/chains.pal (one of
# each, at the end of the file: each labelled on the event that completes it).
WANT_EVENTS=286 WANT_FINDINGS=88 WANT_PREVENTED=23 WANT_ALLOWED=198

# --- 1. the built-in policies decide the stream ------------------------------
"$PALISADE" eval --events "$EVENTS" >"$TMP/dec.jsonl" 2>"$TMP/dec.err"
rc=$?
if [ "$rc" -eq 1 ]; then ok "eval exits 1 (events were prevented)"
else bad "eval exits 1 (events were prevented)" "exit $rc; $(head -5 "$TMP/dec.err")"; fi

summary=$(grep '^palisade eval: [0-9]* events' "$TMP/dec.err")
chains=$(grep '^palisade eval: correlations:' "$TMP/dec.err")
case "$chains" in
    "palisade eval: correlations: 13 matched,"*) ok "correlations: the 13 chains of the file match" ;;
    *) bad "correlations: the 13 chains of the file match" "got: $chains" ;;
esac
want_summary="palisade eval: $WANT_EVENTS events, $WANT_FINDINGS with findings, $WANT_PREVENTED prevented or blocked, 0 input errors"
case "$summary" in
    "$want_summary"*) ok "summary: $want_summary" ;;
    *) bad "summary: $want_summary" "got: $summary" ;;
esac

n=$(grep -c . "$EVENTS")
[ "$n" -eq "$WANT_EVENTS" ] && ok "event file holds $WANT_EVENTS events" || bad "event file holds $WANT_EVENTS events" "got $n"
d=$(jq -s 'length' "$TMP/dec.jsonl" 2>/dev/null || echo "not JSON lines")
[ "$d" = "$n" ] && ok "one decision per event ($d)" || bad "one decision per event ($n)" "got $d"

if jq -e -s 'all(.[]; .revision | startswith("builtin-"))' "$TMP/dec.jsonl" >/dev/null; then
    ok "decisions carry the built-in revision"
else
    bad "decisions carry the built-in revision" "$(jq -r '.revision' "$TMP/dec.jsonl" | sort -u | head -3)"
fi
if jq -e -s 'all(.[]; has("error") | not)' "$TMP/dec.jsonl" >/dev/null; then ok "no line has an error"
else bad "no line has an error" "$(jq -c 'select(has("error"))' "$TMP/dec.jsonl" | head -3)"; fi

# --- 2. each event produces exactly the rules it names ------------------------
# Joined by line: input line N is decision .line == N.
python3 - "$EVENTS" "$TMP/dec.jsonl" >"$TMP/join.txt" <<'EOF'
import json, sys
decisions = {}
for text in open(sys.argv[2], encoding="utf-8"):
    d = json.loads(text)
    decisions[d["line"]] = d
allowed = fired = 0
for n, text in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    expect = json.loads(text)["labels"]["palisade_expect"]
    want = [] if expect == "allow" else sorted(expect.split("; "))
    if want: fired += 1
    else: allowed += 1
    d = decisions.get(n, {"matches": [], "effect": "none"})
    got = sorted(m["rule"] for m in d["matches"])
    if got != want or (not want and d["effect"] != "allow"):
        print(f"MISMATCH line {n}: want {'; '.join(want) or 'allow'}; got {'; '.join(got) or 'nothing'} ({d['effect']})")
print(f"COUNTS {fired} {allowed}")
EOF
mismatch=$(grep -c '^MISMATCH' "$TMP/join.txt")
read -r _ fired allowed < <(grep '^COUNTS' "$TMP/join.txt")
if [ "$mismatch" -eq 0 ]; then ok "every event decides exactly as labelled ($fired firing, $allowed ordinary)"
else bad "every event decides exactly as labelled" "$(grep '^MISMATCH' "$TMP/join.txt" | head -20)"; fi
[ "$allowed" -eq "$WANT_ALLOWED" ] && ok "$WANT_ALLOWED ordinary events in the file" || bad "$WANT_ALLOWED ordinary events in the file" "got $allowed"

# A match carries what an operator needs: severity and a message that names
# what happened (no unfilled holes on these complete events).
if jq -e -s '[.[].matches[]] | all(.[]; (.severity | IN("low","medium","high","critical"))
                                     and (.message | length > 20) and (.message | contains("<undefined>") | not))' \
      "$TMP/dec.jsonl" >/dev/null; then
    ok "every match has a severity and a filled-in message"
else
    bad "every match has a severity and a filled-in message" \
        "$(jq -c '.matches[] | select((.message | contains("<undefined>")) or (.message | length <= 20))' "$TMP/dec.jsonl" | head -3)"
fi

# --- 3. every rule of policies/ is exercised and tagged -----------------------
python3 - policies "$EVENTS" >"$TMP/rules.txt" <<'EOF'
import json, re, sys, glob
src = {}
for path in sorted(glob.glob(sys.argv[1] + "/*.pal")):
    text = open(path, encoding="utf-8").read()
    # a declaration runs from `rule "NAME" {` (or `sequence`) to the next top-level keyword
    for m in re.finditer(r'^(?:rule|sequence) "([^"]+)" \{(.*?)^\}', text, re.S | re.M):
        src[m.group(1)] = (path, m.group(2))
labelled = set()
for line in open(sys.argv[2], encoding="utf-8"):
    e = json.loads(line)["labels"]["palisade_expect"]
    if e != "allow":
        labelled.update(e.split("; "))
for name, (path, body) in sorted(src.items()):
    problems = []
    if not re.search(r'^\s*mitre\s+"T\d{4}(\.\d{3})?"\s*$', body, re.M): problems.append("no mitre \"Tnnnn[.nnn]\"")
    if not re.search(r'^\s*severity\s+(low|medium|high|critical)\s*$', body, re.M): problems.append("no severity")
    if not re.search(r'^\s*message\s+"', body, re.M): problems.append("no message")
    if name not in labelled: problems.append("no event in the e2e file")
    print(f"{name}\t{path}\t{'; '.join(problems)}")
for name in sorted(labelled - set(src)):
    print(f"{name}\t-\tlabelled in the event file but not a rule of policies/")
EOF
nrules=$(grep -c . "$TMP/rules.txt")
if [ "$nrules" -ge 40 ]; then ok "policies/ holds $nrules rules (at least 40)"
else bad "policies/ holds at least 40 rules" "got $nrules"; fi
probs=$(awk -F'\t' '$3 != ""' "$TMP/rules.txt")
[ -z "$probs" ] && ok "every rule has mitre, severity, message and an event here" || bad "every rule has mitre, severity, message and an event here" "$probs"

# --- 4. --only-findings, and the embed matches the source ---------------------
"$PALISADE" eval --only-findings --events "$EVENTS" >"$TMP/only.jsonl" 2>/dev/null
c=$(grep -c . "$TMP/only.jsonl")
[ "$c" -eq "$WANT_FINDINGS" ] && ok "--only-findings prints the $WANT_FINDINGS decisions with matches" \
                              || bad "--only-findings prints the $WANT_FINDINGS decisions with matches" "got $c"

"$PALISADE" eval --policy policies --events "$EVENTS" >"$TMP/src.jsonl" 2>"$TMP/src.err"
strip() { jq -c 'del(.revision)' "$1"; }
if diff <(strip "$TMP/dec.jsonl") <(strip "$TMP/src.jsonl") >"$TMP/diff" 2>&1; then
    ok "the built-in policies decide like policies/ compiled from source"
else
    bad "the built-in policies decide like policies/ compiled from source (rebuild the binary?)" "$(head -10 "$TMP/diff")"
fi

finish
