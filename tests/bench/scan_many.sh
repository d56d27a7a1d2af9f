#!/usr/bin/env bash
# scan_many.sh — memory of a scan of many images next to the largest one.
#
# `palisade scan IMAGE...` keeps one image's inventory in memory at a time,
# so a 20-image run should peak at about what its largest image alone
# needs, not at the sum.  Builds, in one run, 20 images whose merged
# filesystems hold from 2,000 to 60,000 files (inventory memory grows
# with the number of files, about 1 KiB each) plus a few files that make
# checks fire, then measures the peak resident set (ru_maxrss of the
# child) of:
#   largest     palisade scan LARGEST.tar --format json
#   20 images   palisade scan --images DIR --format json (the same 20)
#   20, html    the same with --format html
# and prints each as a ratio to the largest alone (≈ 1 is flat; the sum of
# the 20 images' files over the largest's is printed beside it for what
# "not flat" would look like).  Nothing is asserted.
#
#   FILES_MAX=20000 tests/bench/scan_many.sh    # smaller images, quicker
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
PALISADE=${PALISADE:-$PWD/$BUILD/palisade}
MAX=${FILES_MAX:-60000}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/palisade-bench-XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$TMP"' EXIT
[ -x "$PALISADE" ] || { echo "scan_many bench: $PALISADE not built (run make)" >&2; exit 2; }
mkdir -p "$TMP/images"

echo "scan_many bench: building 20 images of up to $MAX files ..."
python3 - "$TMP/images" "$MAX" <<'PY' || exit 2
import json, os, subprocess, sys
out, top = sys.argv[1], int(sys.argv[2])
total = 0
lines = []
for i in range(20):
    n = top if i == 13 else max(2000, top * (i + 1) // 25)   # image 13 is the largest
    total += n
    spec = {"layout": "docker25", "tags": ["bench/svc%02d:1" % i], "config": {"User": "root" if i % 3 else "app"},
            "layers": [{"many": {"count": n, "prefix": "srv", "per_dir": 500}, "compress": "gzip"},
                       {"entries": [{"path": "etc/passwd", "data": "root:x:0:0::/root:/bin/sh\n"},
                                    {"path": "opt/key.pem", "data": "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n"}]}]}
    path = os.path.join(out, "svc%02d.json" % i)
    json.dump(spec, open(path, "w"))
    lines.append("%s %s\n" % (path, os.path.join(out, "svc%02d.tar" % i)))
r = subprocess.run([sys.executable, "tests/e2e/lib/mkimage.py", "--serve"], input="".join(lines), text=True,
                   capture_output=True)
if r.returncode or '"error"' in r.stdout:
    sys.exit("mkimage: " + (r.stdout + r.stderr)[-500:])
for f in os.listdir(out):
    if f.endswith(".json"):
        os.unlink(os.path.join(out, f))
open(os.path.join(out, "..", "files"), "w").write("%d %d\n" % (total, top))
PY
read -r total largest <"$TMP/files"

# peak RSS in KiB of a command (exit 1, findings, is not a failure)
rss() {
    python3 -c '
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
if r.returncode > 1:
    sys.exit("scan_many bench: %s failed (exit %d): %s" % (" ".join(sys.argv[1:3]), r.returncode, r.stderr.decode()[-300:]))
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}
one=$(rss "$PALISADE" scan "$TMP/images/svc13.tar" --format json) || exit 2
all=$(rss "$PALISADE" scan --images "$TMP/images" --format json) || exit 2
html=$(rss "$PALISADE" scan --images "$TMP/images" --format html) || exit 2
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
printf 'scan_many bench: peak resident memory (ru_maxrss), 20 images of %s files in all, the largest %s\n' "$total" "$largest"
printf '  %-40s %8.1f MiB\n' "palisade scan LARGEST.tar" "$(awk -v k="$one" 'BEGIN { print k / 1024 }')"
printf '  %-40s %8.1f MiB  %5sx the largest alone\n' "palisade scan --images DIR (20), json" \
    "$(awk -v k="$all" 'BEGIN { print k / 1024 }')" "$(ratio "$all" "$one")"
printf '  %-40s %8.1f MiB  %5sx the largest alone\n' "palisade scan --images DIR (20), html" \
    "$(awk -v k="$html" 'BEGIN { print k / 1024 }')" "$(ratio "$html" "$one")"
printf '  (holding every inventory at once would be about %sx: the files of all 20 over the largest)\n' \
    "$(ratio "$total" "$largest")"
