#!/usr/bin/env bash
# Runs every test layer against the binaries in $BUILD: one line per suite
# with the suite's own closing line ("N passed, M failed[, K skipped]"),
# then the checks that were skipped, by suite and with their reasons (a
# skipped check is one that did not run, and should be seen), and one
# closing line "N passed, M failed" (suites, not assertions), ", K checks
# skipped" added when any were.
set -u
BUILD=${BUILD:-build}
export BUILD PALISADE="$PWD/$BUILD/palisade"
pass=0 fail=0 failed=() skipped=0 skip_lines=()
run() {  # name command...
    local name=$1 last n line; shift
    if "$@" >"$BUILD/tests/$name.log" 2>&1; then
        pass=$((pass+1)); echo "ok    $name  ($(tail -n1 "$BUILD/tests/$name.log"))"
    else
        fail=$((fail+1)); failed+=("$name"); echo "FAIL  $name"; tail -n 30 "$BUILD/tests/$name.log" | sed 's/^/      /'
    fi
    # the harness (tests/e2e/lib/harness.*) closes with ", K skipped" and
    # prints each skip as "skip NAME (REASON)"
    last=$(tail -n1 "$BUILD/tests/$name.log")
    n=$(printf '%s\n' "$last" | sed -n 's/.* \([0-9][0-9]*\) skipped$/\1/p')
    skipped=$((skipped + ${n:-0}))
    while IFS= read -r line; do skip_lines+=("$name: ${line#skip }"); done \
        < <(grep '^skip ' "$BUILD/tests/$name.log")
}
mkdir -p "$BUILD/tests"
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    run "$(basename "$t")" "$t"
done
[ -x tests/lang/run.sh ] && run lang tests/lang/run.sh
for t in tests/e2e/*.sh; do
    [ -e "$t" ] || continue
    run "e2e_$(basename "$t" .sh)" bash "$t"
done
echo
if [ ${#skip_lines[@]} -gt 0 ]; then
    echo "skipped:"
    printf '  %s\n' "${skip_lines[@]}"
fi
[ ${#failed[@]} -eq 0 ] || echo "failed: ${failed[*]}"
summary="$pass passed, $fail failed"
[ "$skipped" -eq 0 ] || summary+=", $skipped checks skipped"
echo "$summary"
[ "$fail" -eq 0 ]
