#!/usr/bin/env bash
# Runs every test layer against the binaries in $BUILD and prints one
# closing line "N passed, M failed" (suites, not assertions).
set -u
BUILD=${BUILD:-build}
export BUILD PALISADE="$PWD/$BUILD/palisade"
pass=0 fail=0 failed=()
run() {  # name command...
    local name=$1; shift
    if "$@" >"$BUILD/tests/$name.log" 2>&1; then
        pass=$((pass+1)); echo "ok    $name  ($(tail -n1 "$BUILD/tests/$name.log"))"
    else
        fail=$((fail+1)); failed+=("$name"); echo "FAIL  $name"; tail -n 30 "$BUILD/tests/$name.log" | sed 's/^/      /'
    fi
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
[ ${#failed[@]} -eq 0 ] || echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
