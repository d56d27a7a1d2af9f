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
# so a fast run that missed the packages cannot pass for one.
#
#   BENCH_FILES=50000 BENCH_PACKAGES=2000 tests/bench/langpkg.sh
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
PALISADE=${PALISADE:-$PWD/$BUILD/palisade}
FILES=${BENCH_FILES:-50000}
PKGS=${BENCH_PACKAGES:-2000}
RUNS=${BENCH_RUNS:-3}
# shellcheck source=tests/bench/lib.sh
. tests/bench/lib.sh
[ -x "$PALISADE" ] || { echo "langpkg bench: $PALISADE not built (run make)" >&2; exit 2; }
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
bench_best "$RUNS" /dev/null sh "$TMP/floor.sh"; floor=$BEST_CPU
bench_best "$RUNS" /dev/null "$PALISADE" inventory "$TMP/img.tar"; inv=$BEST_CPU inv_rss=$BEST_RSS
bench_best "$RUNS" /dev/null "$PALISADE" inventory --hashes "$TMP/img.tar"; hash=$BEST_CPU hash_rss=$BEST_RSS
bench_best "$RUNS" /dev/null "$PALISADE" inventory --hashes --format cyclonedx "$TMP/img.tar"; cdx=$BEST_CPU

printf 'langpkg bench: %s regular files, %s language packages found (%s expected), layer %s MiB gzip\n' \
    "$nfiles" "$found" "$PKGS" "$(( $(stat -c %s "$TMP/layer.tar.gz") >> 20 ))"
printf '  CPU seconds, best of %s; "x floor" = over gzip -dc | tar -t (aim: --hashes at most 1.2x)\n' "$RUNS"
printf '  %-44s %7.3f s\n' "floor: gzip -dc LAYER | tar -t" "$floor"
printf '  %-44s %7.3f s  %5sx floor  peak RSS %5s MiB\n' "palisade inventory" "$inv" "$(bench_x "$inv" "$floor")" "$((inv_rss >> 10))"
printf '  %-44s %7.3f s  %5sx floor  peak RSS %5s MiB\n' "palisade inventory --hashes" "$hash" "$(bench_x "$hash" "$floor")" "$((hash_rss >> 10))"
printf '  %-44s %7.3f s  %5sx floor\n' "palisade inventory --hashes --format cyclonedx" "$cdx" "$(bench_x "$cdx" "$floor")"
