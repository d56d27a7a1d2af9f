#!/usr/bin/env bash
# scan.sh — what evaluating the checks costs next to reading the image.
#
# Builds, in one run, a docker-save tarball whose one gzip layer is a real
# directory tree of this machine (BENCH_SRC, default /usr/share/doc) plus a
# few files that make checks fire (a setuid binary, a private key, apt
# lists), and times on that same tarball:
#   inventory   palisade inventory IMAGE --hashes --content-max 16384
#               (exactly the reading a scan does: hashes for the malware
#               feeds, small text files for the secret checks)
#   scan        palisade scan IMAGE --format json (reading + compiling the
#               built-in checks + running every check + the report)
#   scan, tiny  palisade scan on a one-file image: the fixed cost (compiling
#               the embedded checks, loading frameworks)
# and prints scan / inventory: evaluating all checks must cost little next
# to reading the image, so the ratio should stay close to 1.  The scan's
# own --timings split the same run into reading, building the record and
# running the checks, so "checks vs reading" is measured, not inferred.
# Every figure is wall-clock time, as --timings measures its stages, so on a
# busy machine it includes the neighbours; each is the best of RUNS
# (default 1: the default tree takes a while to hash).  Nothing asserts a
# time.
#
#   BENCH_SRC=/usr/share tests/bench/scan.sh       # a bigger tree (8x), slower
#   RUNS=3 KEEP=1 ...                              # more runs, keep the temp dir
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
PALISADE=${PALISADE:-$PWD/$BUILD/palisade}
SRC=${BENCH_SRC:-/usr/share/doc}
RUNS=${RUNS:-1}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/palisade-bench-XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$TMP"' EXIT
[ -x "$PALISADE" ] || { echo "scan bench: $PALISADE not built (run make)" >&2; exit 2; }

echo "scan bench: packing $SRC ..."
tar -C "$SRC" --numeric-owner -cf - . 2>/dev/null | gzip -1 >"$TMP/layer.tar.gz"
cat >"$TMP/image.json" <<EOF
{"layout": "docker", "tags": ["bench:1"], "config": {"User": "root"},
 "history": [{"created_by": "COPY . /usr/share"}, {"created_by": "RUN apt-get update"}],
 "layers": [{"raw_file": "$TMP/layer.tar.gz"},
            {"entries": [{"path": "usr/bin/sudo2", "data": "x", "mode": 3565},
                         {"path": "opt/app/key.pem", "data": "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n"},
                         {"path": "var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease", "data": "x"}]}]}
EOF
cat >"$TMP/tiny.json" <<'EOF'
{"layout": "docker", "tags": ["tiny:1"], "layers": [{"entries": [{"path": "hello", "data": "hi\n"}]}]}
EOF
python3 tests/e2e/lib/mkimage.py "$TMP/image.tar" --spec "$TMP/image.json" >/dev/null || exit 2
python3 tests/e2e/lib/mkimage.py "$TMP/tiny.tar" --spec "$TMP/tiny.json" >/dev/null || exit 2

# best NAME CMD...: sets SECS to the best wall time of $RUNS runs.  scan
# exits 1 when it finds something, which is not a failure here; 2 is.
best() {
    SECS=
    for _ in $(seq "$RUNS"); do
        local t0 t1 rc
        t0=$(date +%s.%N)
        "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?
        t1=$(date +%s.%N)
        [ $rc -le 1 ] || { echo "scan bench: '$*' failed (exit $rc): $(tail -3 "$TMP/err")" >&2; exit 2; }
        SECS=$(awk -v a="$t0" -v b="$t1" -v s="${SECS:-}" 'BEGIN { d = b - a; if (s == "" || d < s) s = d; printf "%.3f", s }')
    done
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

cat "$TMP/image.tar" >/dev/null   # warm the page cache
best "$PALISADE" inventory "$TMP/image.tar" --hashes --content-max 16384
inv=$SECS
files=$(grep -o '"path":' "$TMP/out" | wc -l)
best "$PALISADE" scan "$TMP/image.tar" --format json --timings
scan=$SECS
checks=$(jq -r '.summary.checks' "$TMP/out" 2>/dev/null || echo "?")
findings=$(jq -r '.findings | length' "$TMP/out" 2>/dev/null || echo "?")
stage() { awk -v s="$1" 'index($0, s) == 3 { print $(NF-1); exit }' "$TMP/err"; }
t_read=$(stage "reading the image") t_rec=$(stage "inventory to record") t_checks=$(stage "running the checks")
t_setup=$(stage "setup")
cp "$TMP/err" "$TMP/timings"
best "$PALISADE" scan "$TMP/tiny.tar" --format json
tiny=$SECS

printf 'scan bench: %s — %s files in the inventory, %s checks, %s findings (wall-clock seconds, best of %s)\n' \
    "$SRC" "$files" "$checks" "$findings" "$RUNS"
printf '  %-44s %7.3f s\n' "palisade inventory --hashes --content-max 16K" "$inv"
printf '  %-44s %7.3f s  %5sx inventory\n' "palisade scan (same image)" "$scan" "$(ratio "$scan" "$inv")"
printf '  %-44s %7.3f s  (fixed cost: compile checks, frameworks)\n' "palisade scan (one-file image)" "$tiny"
printf '  inside that scan (--timings):\n'
printf '    %-42s %7.3f s\n' "setup (compile the checks, frameworks)" "$t_setup"
printf '    %-42s %7.3f s\n' "reading the image" "$t_read"
printf '    %-42s %7.3f s  %5sx reading\n' "inventory to record" "$t_rec" "$(ratio "$t_rec" "$t_read")"
printf '    %-42s %7.3f s  %5sx reading\n' "running all $checks checks" "$t_checks" "$(ratio "$t_checks" "$t_read")"
sed -n '/slowest checks/,$p' "$TMP/timings" | sed 's/^/  /'
