#!/usr/bin/env bash
# The Windows lab's compliance step, end to end: an image that runs as
# ContainerAdministrator and holds a file whose MD5 is on the malware feed
# fails with exactly those two findings; the same image fixed passes.
. "$(dirname "$0")/lib/harness.sh"
PAL=$PALISADE tmp=$TMP
ok() { assert "$@"; }  # ok NAME SHELL-EXPRESSION: these scripts' checks are expressions

python3 tests/e2e/lib/mkimage.py "$tmp/bad.tar" --spec examples/images/wincontainerapp.json >/dev/null
python3 - "$tmp/fixed.json" <<'PY'
import json, sys
spec = json.load(open("examples/images/wincontainerapp.json"))
spec["config"]["User"] = "ContainerUser"
spec["layers"][0]["entries"] = [e for e in spec["layers"][0]["entries"] if not e["path"].endswith("payload.bin")]
json.dump(spec, open(sys.argv[1], "w"))
PY
python3 tests/e2e/lib/mkimage.py "$tmp/fixed.tar" --spec "$tmp/fixed.json" >/dev/null

"$PAL" scan "$tmp/bad.tar" --format json > "$tmp/bad.json"; rc=$?
ok "non-compliant image exits 1" '[ $rc -eq 1 ]'
ok "exactly PAL-0041 and PAL-0422" '[ "$(python3 -c "import json;print(\" \".join(sorted(f[\"id\"] for f in json.load(open(\"$tmp/bad.json\"))[\"findings\"])))")" = "PAL-0041 PAL-0422" ]'
ok "the malware finding names the file" 'grep -q "payload.bin matches a known malware hash" "$tmp/bad.json"'
ok "findings list their frameworks" 'grep -q "\"cis_docker\":\"4.1\"" "$tmp/bad.json"'
"$PAL" scan "$tmp/fixed.tar" > "$tmp/fixed.txt"; rc=$?
ok "fixed image passes (exit 0)" '[ $rc -eq 0 ]'
ok "text report says PASS" 'grep -q "^PASS" "$tmp/fixed.txt"'
"$PAL" scan "$tmp/nonexistent.tar" 2> "$tmp/err.txt"; rc=$?
ok "a missing image is an error (exit 2) naming the file" '[ $rc -eq 2 ] && grep -q nonexistent.tar "$tmp/err.txt"'
finish
