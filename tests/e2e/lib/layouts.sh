# tests/e2e/lib/layouts.sh — the Windows layouts check shared by the Sigma
# e2e scripts.  Sourced after harness.sh.
#
# decide_layouts POLICY: for each layout (winlogbeat, flat, evtx), evaluates
# $TMP/events-LAYOUT.jsonl under POLICY and checks each record's decision
# matches exactly the rules $TMP/expected.json lists for it (a JSON list,
# one sorted list of rule names per record), with no error — one expect_eq
# per layout; on a failure the first eval messages are shown.
decide_layouts() {
    local policy=$1 layout got
    for layout in winlogbeat flat evtx; do
        "$PALISADE" eval --policy "$policy" --events "$TMP/events-$layout.jsonl" >"$TMP/dec-$layout.jsonl" 2>"$TMP/eval-$layout.err"
        got=$(python3 - "$TMP/dec-$layout.jsonl" "$TMP/expected.json" <<'PY'
import json, sys
want = json.load(open(sys.argv[2]))
lines = [json.loads(l) for l in open(sys.argv[1])]
bad = []
if len(lines) != len(want):
    bad.append(f"{len(lines)} decisions for {len(want)} records")
for i, (d, w) in enumerate(zip(lines, want)):
    got = sorted(m["rule"] for m in d.get("matches", []))
    if got != w or "error" in d:
        bad.append(f"record {i + 1}: got {got} {d.get('error', '')}, want {w}")
print("\n".join(bad) if bad else "ok")
PY
)
        expect_eq "converted rules decide the $layout layout" "$got" ok
        [ "$got" = ok ] || head -3 "$TMP/eval-$layout.err"
    done
}
