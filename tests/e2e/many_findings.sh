#!/usr/bin/env bash
# Decisions with thousands of findings keep every message intact (the
# runtime's message buffer grows while a decision is built).
. "$(dirname "$0")/lib/harness.sh"
PAL=$PALISADE tmp=$TMP
mkdir -p "$tmp/repo"
for c in A B C; do
  printf 'check "%s" {\n  title "t" severity low\n  fail when any f in image.files: f.setuid\n  message "%s: setuid file {f.path}"\n}\n' "$c" "$c"
done > "$tmp/repo/checks.pal"
python3 - "$tmp/inv.json" <<'PY'
import json, sys
files = [{"path": "/usr/lib/a-rather-long-directory-name/tool%04d" % i, "type": "file", "setuid": True} for i in range(1000)]
json.dump({"image": {"name": "many:1", "os": "linux", "config": {"user": "app"}}, "files": files}, open(sys.argv[1], "w"))
PY
"$PAL" eval --policy "$tmp/repo" --inventory "$tmp/inv.json" > "$tmp/out.json"; rc=$?
python3 - "$tmp/out.json" "$rc" <<'PY'
import json, sys
from harness import check, finish
out = json.load(open(sys.argv[1]))
ok = int(sys.argv[2]) == 1
for c in out["checks"]:
    msgs = [f["message"] for f in c["findings"]]
    want = ["%s: setuid file /usr/lib/a-rather-long-directory-name/tool%04d" % (c["id"], i) for i in range(1000)]
    ok = ok and msgs == want
check(ok, "3 checks x 1000 findings: exit 1, every message intact and in order")
finish()
PY
