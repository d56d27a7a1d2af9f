#!/usr/bin/env bash
# inventory.sh — how fast `palisade inventory` reads an image, against
# decompressing and listing it with gzip and tar, and how much memory it
# needs.
#
# Builds, in one run, a docker-save tarball whose one gzip layer is a real
# directory tree of this machine (BENCH_SRC, default /usr/share/doc: about
# the files and bytes of a Debian base image; /usr/share is 8 times that
# and takes minutes), then times on that same tarball, in wall-clock
# seconds (on a busy machine they include the neighbours):
#   baseline     gzip -dc LAYER | tar -t    (decompress + walk headers with
#                                             the usual tools; not a floor:
#                                             libarchive inflates faster than
#                                             gzip(1), so palisade can beat it)
#   inventory    palisade inventory IMAGE
#   --hashes     palisade inventory IMAGE --hashes (SHA-256 + MD5 of every file)
# and reports each as a ratio of its time to the baseline's (above 1:
# slower than it), with peak RSS (/usr/bin/time).  Then the same layer four
# times over (4x the bytes, the same files), against four baselines: the
# peak RSS must not grow with the bytes, since bodies are streamed, never
# held — memory follows the number of files only.
#
#   BENCH_SRC=/usr/share tests/bench/inventory.sh   # a bigger tree
#   KEEP=1 ...                                      # keep the temp dir
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
PALISADE=${PALISADE:-$PWD/$BUILD/palisade}
SRC=${BENCH_SRC:-/usr/share/doc}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/palisade-bench-XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$TMP"' EXIT
[ -x "$PALISADE" ] || { echo "inventory bench: $PALISADE not built (run make)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "inventory bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

echo "inventory bench: packing $SRC ..."
tar -C "$SRC" --numeric-owner -cf - . 2>/dev/null | gzip -1 >"$TMP/layer.tar.gz"
entries=$(gzip -dc "$TMP/layer.tar.gz" | tar -t | wc -l)
zbytes=$(stat -c %s "$TMP/layer.tar.gz")
tbytes=$(gzip -dc "$TMP/layer.tar.gz" | wc -c)
cat >"$TMP/one.json" <<EOF
{"layout": "docker", "tags": ["bench:1"], "layers": [{"raw_file": "$TMP/layer.tar.gz"}]}
EOF
cat >"$TMP/four.json" <<EOF
{"layout": "docker", "tags": ["bench:4"], "dedupe_links": false, "layers": [
  {"raw_file": "$TMP/layer.tar.gz"}, {"raw_file": "$TMP/layer.tar.gz"},
  {"raw_file": "$TMP/layer.tar.gz"}, {"raw_file": "$TMP/layer.tar.gz"}]}
EOF
python3 tests/e2e/lib/mkimage.py "$TMP/one.tar" --spec "$TMP/one.json" >/dev/null || exit 2
python3 tests/e2e/lib/mkimage.py "$TMP/four.tar" --spec "$TMP/four.json" >/dev/null || exit 2

# measure CMD...: sets SECS (wall-clock seconds) and KB (peak RSS) from /usr/bin/time
measure() {
    /usr/bin/time -f "%e %M" -o "$TMP/time" "$@" >/dev/null 2>"$TMP/err" || {
        echo "inventory bench: '$*' failed: $(tail -3 "$TMP/err")" >&2; exit 2; }
    read -r SECS KB <"$TMP/time"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# warm the page cache once so the first timing is not the disk's
cat "$TMP/one.tar" >/dev/null
measure sh -c "gzip -dc '$TMP/layer.tar.gz' | tar -t"
base=$SECS
measure "$PALISADE" inventory "$TMP/one.tar"
inv=$SECS inv_kb=$KB
measure "$PALISADE" inventory "$TMP/one.tar" --hashes
hash=$SECS hash_kb=$KB
measure "$PALISADE" inventory "$TMP/four.tar"
four=$SECS four_kb=$KB
files=$("$PALISADE" inventory "$TMP/one.tar" | grep -c '"path":')

printf 'inventory bench: %s — %s tar entries, %s files in the inventory\n' "$SRC" "$entries" "$files"
printf '  layer: %s MiB gzip, %s MiB tar\n' "$((zbytes >> 20))" "$((tbytes >> 20))"
printf '  wall-clock seconds, one run each; "x base" = seconds over the baseline'"'"'s (above 1: slower)\n'
printf '  %-36s %7.2f s\n' "baseline: gzip -dc LAYER | tar -t" "$base"
printf '  %-36s %7.2f s  %5sx base    peak RSS %5s MiB\n' "palisade inventory" "$inv" "$(ratio "$inv" "$base")" "$(mib "$inv_kb")"
printf '  %-36s %7.2f s  %5sx base    peak RSS %5s MiB\n' "palisade inventory --hashes" "$hash" "$(ratio "$hash" "$base")" "$(mib "$hash_kb")"
printf '  %-36s %7.2f s  %5sx 4 bases peak RSS %5s MiB\n' "4x the bytes (4 layers), same files" "$four" \
    "$(ratio "$four" "$(awk -v f="$base" 'BEGIN { print 4 * f }')")" "$(mib "$four_kb")"
printf '  memory 4x bytes / 1x bytes: %s (flat = streaming; it follows files, not bytes)\n' "$(ratio "$four_kb" "$inv_kb")"
