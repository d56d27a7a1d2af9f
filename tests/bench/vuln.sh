#!/usr/bin/env bash
# vuln.sh — vulnerability matching time for a 100,000-record OSV feed
# against an image with 500 packages, beside the inventory time of the same
# image, in one run.
#
# Generates (deterministically) a Debian image whose dpkg status holds 500
# packages and an OSV feed of 100,000 Debian:12 records in export files:
# 20 records for each installed source package (ranges with introduced /
# fixed / last_affected, some versions lists, several releases) and the
# rest for packages the image does not have, as a real distribution feed
# is.  The feed is written twice: as export arrays of 20,000 records (A)
# and as osv.dev's zip exports lay it out, one pretty-printed file per
# record in one directory (B).  Then times in-process
# (tests/bench/bench_vuln.c): the load of each layout beside reading the
# same files and a cJSON parse-only of the same bytes, match (best of 5),
# attaching the JSON; `jq -c .` over the same files; and end to end through
# the CLI.  CPU seconds and ratios only; nothing asserts a time.
#
#   RECORDS=20000 PACKAGES=200 tests/bench/vuln.sh    # smaller
#   KEEP=1 ...                                        # keep the temp dir
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
PALISADE=${PALISADE:-$PWD/$BUILD/palisade}
RECORDS=${RECORDS:-100000}
PACKAGES=${PACKAGES:-500}
PKGS="libpcre2-8 libarchive libcjson yaml-0.1 hivex libsodium zlib sqlite3"
CC=${CC:-cc}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/palisade-bench-vuln-XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$TMP"' EXIT
[ -x "$PALISADE" ] && [ -f "$BUILD/libpalisade.a" ] || { echo "vuln bench: build first (make)" >&2; exit 2; }

# shellcheck disable=SC2086
$CC -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -I. $(pkg-config --cflags $PKGS) \
    -o "$BUILD/bench_vuln" tests/bench/bench_vuln.c "$BUILD/libpalisade.a" $(pkg-config --libs $PKGS) -lm -lpthread \
    || exit 2

python3 - "$TMP" "$RECORDS" "$PACKAGES" <<'PY'
import json, os, random, sys
tmp, nrec, npkg = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(7)
root = os.path.join(tmp, "root")
os.makedirs(os.path.join(root, "var/lib/dpkg"))
def ver(r):
    return "%d.%d.%d-%d%s" % (r.randint(0, 9), r.randint(0, 30), r.randint(0, 99), r.randint(1, 9),
                              r.choice(["", "+deb12u1", "~deb12u2", "+b1"]))
pkgs, stanzas = [], ["Package: base-files\nStatus: install ok installed\nArchitecture: amd64\nVersion: 12.4+deb12u5\n"]
for i in range(npkg - 1):
    src = "src%04d" % (i // 2)            # two binaries per source, as libfoo1 + foo-bin
    v = ver(rnd)
    pkgs.append(src)
    stanzas.append("Package: bin%04d\nStatus: install ok installed\nArchitecture: amd64\nSource: %s\nVersion: %s\n"
                   % (i, src, v))
open(os.path.join(root, "var/lib/dpkg/status"), "w").write("\n".join(stanzas))
srcs = sorted(set(pkgs))
feed, files = os.path.join(tmp, "feed"), os.path.join(tmp, "feed-files")
os.makedirs(feed)
os.makedirs(files)
records, per_file = [], 20000
def flush(n):
    json.dump(records, open(os.path.join(feed, "export-%03d.json" % n), "w"))
    records.clear()
hit_total = min(nrec, len(srcs) * 20)
for k in range(nrec):
    name = srcs[k % len(srcs)] if k < hit_total else "other%06d" % k
    kind = k % 5
    if kind == 0:
        ranges = [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": ver(rnd)}]}]
    elif kind == 1:
        ranges = [{"type": "ECOSYSTEM", "events": [{"introduced": ver(rnd)}, {"last_affected": ver(rnd)}]}]
    elif kind == 2:
        ranges = [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": ver(rnd)},
                                                    {"introduced": ver(rnd)}, {"fixed": ver(rnd)}]}]
    else:
        ranges = [{"type": "ECOSYSTEM", "events": [{"introduced": ver(rnd)}, {"fixed": ver(rnd)}]}]
    aff = [{"package": {"ecosystem": "Debian:12", "name": name}, "ranges": ranges}]
    if kind == 4:
        aff.append({"package": {"ecosystem": "Debian:11", "name": name},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}],
                    "versions": [ver(rnd) for _ in range(3)]})
    for a in aff:                         # as osv.dev writes them
        a["package"]["purl"] = "pkg:deb/debian/%s?arch=source" % name
        a["database_specific"] = {"source": "https://security-tracker.debian.org/tracker/data/json"}
    rid = "CVE-%d-%05d" % (2000 + k // 90000, k % 90000)
    records.append({"schema_version": "1.6.0", "id": rid, "modified": "2024-06-01T00:00:00Z",
                    "published": "2023-%02d-%02dT00:00:00Z" % (1 + k % 12, 1 + k % 28),
                    "summary": "generated record %d" % k,
                    "details": "In %s before the fix, a crafted \"input\" leads to a heap overflow.\n"
                               "Remote attackers may execute code.\n\nSee the references." % name,
                    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
                    "affected": aff,
                    "references": [{"type": "ADVISORY", "url": "https://security-tracker.debian.org/tracker/" + rid},
                                   {"type": "WEB", "url": "https://example.org/advisories/%d" % k}]})
    # osv.dev's zip export: one pretty-printed file per record, in one directory
    with open(os.path.join(files, rid + ".json"), "w") as out:
        json.dump(records[-1], out, indent=2)
    if len(records) == per_file:
        flush(k // per_file)
if records:
    flush(nrec // per_file)
spec = {"layout": "docker25", "tags": ["bench-vuln:1"], "layers": [{"dir": root, "compress": "gzip"}]}
json.dump(spec, open(os.path.join(tmp, "image.json"), "w"))
PY
[ $? -eq 0 ] || exit 2
python3 tests/e2e/lib/mkimage.py "$TMP/image.tar" --spec "$TMP/image.json" >/dev/null || exit 2

# CPU seconds (user + sys) of a command, output discarded: the machine may be
# shared, and wall time would measure the neighbours.  It runs in $(...), so
# its `exit 2` ends only that subshell: every caller adds `|| exit 2`, or a
# failed command would print as an empty figure.
cpu() {
    local TIMEFORMAT='%3U %3S' t
    t=$( { time "$@" >/dev/null 2>"$TMP/err"; } 2>&1 ) || { echo "vuln bench: $* failed: $(tail -2 "$TMP/err")" >&2; exit 2; }
    echo "$t" | tail -n1 | awk '{ printf "%.3f", $1 + $2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
jq_floor() {   # jq -c . over every file of a feed directory, one process per 5,000 files
    if command -v jq >/dev/null 2>&1; then
        cpu bash -c "find '$1' -name '*.json' -print0 | xargs -0 -n 5000 jq -c . >/dev/null"
    fi
}

echo "vuln bench: $RECORDS OSV records against $PACKAGES packages; CPU seconds"
echo " A. export layout: arrays of 20,000 records per file (as OSV API batches and mirrors give)"
"$BUILD/bench_vuln" "$TMP/feed" "$TMP/image.tar" 5 || exit 2
j=$(jq_floor "$TMP/feed") || exit 2
[ -n "$j" ] && printf '  %-48s %8s s  (baseline d)\n' "jq -c . of the same files" "$j"
echo " B. osv.dev zip layout: one pretty-printed file per record, in one directory"
"$BUILD/bench_vuln" --load "$TMP/feed-files" || exit 2
j=$(jq_floor "$TMP/feed-files") || exit 2
[ -n "$j" ] && printf '  %-48s %8s s  (baseline d)\n' "jq -c . of the same files" "$j"

# end to end through the CLI, same data
cat "$TMP/image.tar" "$TMP"/feed/* >/dev/null
inv=$(cpu "$PALISADE" inventory "$TMP/image.tar") || exit 2
chk=$(cpu "$PALISADE" feed check "$TMP/feed") || exit 2
chkf=$(cpu "$PALISADE" feed check "$TMP/feed-files") || exit 2
mat=$(cpu "$PALISADE" feed match --feeds "$TMP/feed" "$TMP/image.tar" --today 2025-01-01 --format json) || exit 2
echo " C. end to end (CLI)"
printf '  %-48s %8s s  (baseline)\n' "palisade inventory IMAGE" "$inv"
printf '  %-48s %8s s  %7sx inventory\n' "palisade feed check FEED (A: parse + load)" "$chk" "$(ratio "$chk" "$inv")"
printf '  %-48s %8s s  %7sx inventory\n' "palisade feed check FEED (B: parse + load)" "$chkf" "$(ratio "$chkf" "$inv")"
printf '  %-48s %8s s  %7sx inventory\n' "palisade feed match (A: inventory+load+match)" "$mat" "$(ratio "$mat" "$inv")"
