#!/usr/bin/env bash
# langpkg.sh — `palisade inventory` of an application image: 50,000 files
# of which 2,000 are language packages (npm, Python, Ruby gems, jars read
# from memory), as a ratio to the floor of reading the same layer with the
# usual tools, `gzip -dc LAYER | tar -t` (decompress and walk the headers).
# The aim (issue 18) is at most 1.2x with --hashes.
#
# CPU seconds (user + sys, the best of BENCH_RUNS runs, default 3): the
# machine is shared, and wall time would measure the neighbours.  Nothing
# asserts a time; the package count is checked (every package is found),
# so a fast run that missed the packages cannot pass for one.  Wall
# seconds are printed beside them: the floor is two processes, gzip and
# tar, on two cores, palisade one thread.
#
# BASELINE=path/to/an/older/palisade adds its --hashes run on the same
# image in the same run: the before and after of a change, side by side.
#
#   BENCH_FILES=50000 BENCH_PACKAGES=2000 tests/bench/langpkg.sh
#   BASELINE=/work/main/build/palisade tests/bench/langpkg.sh
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
PALISADE=${PALISADE:-$PWD/$BUILD/palisade}
FILES=${BENCH_FILES:-50000}
PKGS=${BENCH_PACKAGES:-2000}
RUNS=${BENCH_RUNS:-3}
BASELINE=${BASELINE:-}
# shellcheck source=tests/bench/lib.sh
. tests/bench/lib.sh
[ -x "$PALISADE" ] || { echo "langpkg bench: $PALISADE not built (run make)" >&2; exit 2; }
[ -z "$BASELINE" ] || [ -x "$BASELINE" ] || { echo "langpkg bench: BASELINE=$BASELINE is not a program" >&2; exit 2; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/palisade-bench-lang-XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$TMP"' EXIT
bench_measure_tool

echo "langpkg bench: building a tree of $FILES files with $PKGS language packages ..."
python3 tests/bench/mklangtree.py "$TMP/root" "$FILES" "$PKGS" >/dev/null
tar -C "$TMP/root" --numeric-owner -cf - . | gzip -1 >"$TMP/layer.tar.gz"
cat >"$TMP/spec.json" <<J
{"layout": "docker", "tags": ["bench:lang"], "layers": [{"raw_file": "$TMP/layer.tar.gz"}]}
J
python3 tests/e2e/lib/mkimage.py "$TMP/img.tar" --spec "$TMP/spec.json" >/dev/null
"$PALISADE" inventory "$TMP/img.tar" >"$TMP/inv.json"
found=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for p in d["packages"] if p.get("ecosystem") in ("npm","pypi","rubygems","maven")))' "$TMP/inv.json")
nfiles=$(python3 -c 'import json,sys; print(sum(1 for f in json.load(open(sys.argv[1]))["files"] if f.get("type") == "file"))' "$TMP/inv.json")
if [ "$found" != "$PKGS" ]; then
    echo "langpkg bench: the inventory lists $found language packages, not $PKGS: the figures would mean nothing" >&2
    exit 1
fi

cat "$TMP/img.tar" >/dev/null    # page cache
printf '%s\n' "gzip -dc '$TMP/layer.tar.gz' | tar -t" >"$TMP/floor.sh"
bench_best "$RUNS" /dev/null sh "$TMP/floor.sh"; floor=$BEST_CPU floor_wall=$BEST_WALL
bench_best "$RUNS" /dev/null "$PALISADE" inventory "$TMP/img.tar"; inv=$BEST_CPU inv_wall=$BEST_WALL inv_rss=$BEST_RSS
bench_best "$RUNS" /dev/null "$PALISADE" inventory --hashes "$TMP/img.tar"
hash=$BEST_CPU hash_wall=$BEST_WALL hash_rss=$BEST_RSS
bench_best "$RUNS" /dev/null "$PALISADE" inventory --hashes --format cyclonedx "$TMP/img.tar"; cdx=$BEST_CPU cdx_wall=$BEST_WALL
if [ -n "$BASELINE" ]; then
    bench_best "$RUNS" /dev/null "$BASELINE" inventory --hashes "$TMP/img.tar"; base=$BEST_CPU base_wall=$BEST_WALL
fi

printf 'langpkg bench: %s regular files, %s language packages found (%s expected), layer %s MiB gzip, %s MiB tar\n' \
    "$nfiles" "$found" "$PKGS" "$(( $(stat -c %s "$TMP/layer.tar.gz") >> 20 ))" "$(( $(gzip -dc "$TMP/layer.tar.gz" | wc -c) >> 20 ))"
printf '  CPU and wall seconds, best of %s; "x floor" = over gzip -dc | tar -t (aim: --hashes CPU at most 1.2x)\n' "$RUNS"
row() {  # label cpu wall [rss KiB]
    printf '  %-46s %7.3f s CPU %5sx floor  %7.3f s wall %5sx floor' "$1" "$2" "$(bench_x "$2" "$floor")" "$3" "$(bench_x "$3" "$floor_wall")"
    if [ -n "${4:-}" ]; then printf '  peak RSS %5s MiB' "$(($4 >> 10))"; fi
    printf '\n'
}
printf '  %-46s %7.3f s CPU                %7.3f s wall\n' "floor: gzip -dc LAYER | tar -t" "$floor" "$floor_wall"
row "palisade inventory" "$inv" "$inv_wall" "$inv_rss"
row "palisade inventory --hashes" "$hash" "$hash_wall" "$hash_rss"
row "palisade inventory --hashes --format cyclonedx" "$cdx" "$cdx_wall"
if [ -n "$BASELINE" ]; then
    row "before: BASELINE inventory --hashes" "$base" "$base_wall"
    printf '  %-46s %5sx CPU\n' "--hashes, this build over BASELINE" "$(bench_x "$hash" "$base")"
fi
