#!/usr/bin/env bash
# tests/fuzz/run.sh — `make fuzz-run`: every fuzz target for a bounded time,
# so that one finding cannot hide another.
#
#   tests/fuzz/run.sh build-fuzz/fuzz_decode build-fuzz/fuzz_vuln ...
#
# Each target gets two passes:
#   1. search: FUZZ_SECONDS of fuzzing with leak detection off, starting from
#      the committed corpus (tests/fuzz/corpus/NAME, read only) and the work
#      corpus (build-fuzz/corpus-NAME, where new inputs go).  With leaks on,
#      libFuzzer stops at the first leak, and a crash further on is never
#      reached; off, the search runs until it finds a crash (or a timeout, or
#      an out-of-memory), which stops it, or until its time is up;
#   2. leaks: both corpora replayed once with leak detection on (LSan),
#      so a leak the search walked past still fails the run.
# A failing target does not stop the others.  One line per target:
#
#   fuzz_decode            runs 61234  cov 1480  corpus 141+37  ok
#   fuzz_frameworks        runs 70012  cov 720   corpus 16+899  CRASH build-fuzz/artifacts/...
#
# and, for a failure, the sanitizer's report (its first lines) and the input
# in hex.  Exit status 1 when any target crashed, hung, ran out of memory
# or leaked.  Logs: build-fuzz/logs/NAME.{search,leaks}.log.
#
# Environment: FUZZ_SECONDS (per target, default 25: the 18 targets take
# about 9 minutes on two cores), FUZZ_TIMEOUT (seconds one input may take,
# default 30), FUZZ_MAX_LEN (default 65536), FUZZ_TARGETS (names to run,
# default all given).
set -u
SECONDS_EACH=${FUZZ_SECONDS:-25}
TIMEOUT=${FUZZ_TIMEOUT:-30}
MAX_LEN=${FUZZ_MAX_LEN:-65536}
OUT=build-fuzz
mkdir -p "$OUT/logs" "$OUT/artifacts"

# The last "cov: N" libFuzzer printed, and a stat line's value.
last_cov() { grep -o 'cov: [0-9]*' "$1" | tail -n1 | awk '{print $2}'; }
stat_of() { sed -n "s/^stat::$2: *//p" "$1" | tail -n1; }

# What stopped a run, from its log: crash, timeout, oom, leak — or ok.
verdict() {  # log exit-status
    if [ "$2" -eq 0 ]; then echo ok; return; fi
    if grep -q 'ERROR: LeakSanitizer' "$1"; then echo LEAK
    elif grep -q 'ERROR: libFuzzer: timeout' "$1"; then echo TIMEOUT
    elif grep -qE 'ERROR: libFuzzer: out-of-memory|malloc\(.*\) exceeds' "$1"; then echo OOM
    else echo CRASH; fi
}

# The input that triggered it (libFuzzer names it on its last lines).
artifact_of() { sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$1" | tail -n1; }

show_failure() {  # log
    local art
    # the report's first line, its frames in palisade (not libFuzzer's or
    # the sanitizer's own), its summary
    grep -E '^==[0-9]+== ?ERROR|^ERROR: libFuzzer|^SUMMARY|^ +#[0-9]+ ' "$1" \
        | grep -vF -e ' in fuzzer::' -e ' in __sanitizer' -e ' in __interceptor' -e ' in __pthread' -e ' in __libc' \
            -e ' in _start' -e ' in malloc ' -e ' in calloc ' -e ' in realloc ' -e ' in raise ' -e ' in abort ' -e ' in main ' -e ' (/lib/' \
        | head -n 25 | sed 's/^/      /'
    art=$(artifact_of "$1")
    if [ -n "$art" ] && [ -f "$art" ]; then
        echo "      input ($(wc -c <"$art") bytes, hex; the first 512):"
        head -c 512 "$art" | od -An -tx1 -v | tr -s ' ' | sed 's/^/      /'
    fi
}

failed=() ran=0 total_start=$(date +%s)
for bin in "$@"; do
    name=$(basename "$bin")
    if [ -n "${FUZZ_TARGETS:-}" ] && [[ " $FUZZ_TARGETS " != *" $name "* ]]; then continue; fi
    ran=$((ran+1))
    seeds=tests/fuzz/corpus/$name work=$OUT/corpus-$name art=$OUT/artifacts/$name/
    mkdir -p "$work" "$art"
    dirs=("$work"); [ -d "$seeds" ] && dirs+=("$seeds")
    nseeds=0; [ -d "$seeds" ] && nseeds=$(ls "$seeds" | wc -l)
    before=$(ls "$work" | wc -l)

    slog=$OUT/logs/$name.search.log llog=$OUT/logs/$name.leaks.log
    "$bin" -max_total_time="$SECONDS_EACH" -detect_leaks=0 -timeout="$TIMEOUT" -max_len="$MAX_LEN" \
        -print_final_stats=1 -artifact_prefix="$art" "${dirs[@]}" >"$slog" 2>&1
    search=$(verdict "$slog" $?)
    # the leak pass runs whatever the search found: a crash must not hide a leak either
    "$bin" -runs=0 -detect_leaks=1 -timeout="$TIMEOUT" -max_len="$MAX_LEN" -artifact_prefix="$art" \
        "${dirs[@]}" >"$llog" 2>&1
    leaks=$(verdict "$llog" $?)
    runs=$(stat_of "$slog" number_of_executed_units)
    [ -n "$runs" ] || runs=$(grep -o '^#[0-9]*' "$slog" | tail -n1 | tr -d '#')
    cov=$(last_cov "$slog")
    new=$(( $(ls "$work" | wc -l) - before ))
    result=ok logs=()
    [ "$search" = ok ] || { result=$search; logs+=("$slog"); }
    if [ "$leaks" != ok ] && [ "$leaks" != "$search" ]; then
        [ "$result" = ok ] && result=$leaks || result="$result+$leaks"
        logs+=("$llog")
    fi
    line=$(printf '%-24s runs %-8s cov %-6s corpus %s+%s  %s' "$name" "${runs:-?}" "${cov:-?}" "$nseeds" "$new" "$result")
    for l in "${logs[@]}"; do line+=" $(artifact_of "$l")"; done
    echo "$line"
    if [ "$result" != ok ]; then
        failed+=("$name ($result)")
        for l in "${logs[@]}"; do show_failure "$l"; done
    fi
done
echo
echo "fuzz-run: $ran targets, ${SECONDS_EACH}s of search each, $(( $(date +%s) - total_start ))s in all"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz-run: FAILED: ${failed[*]}"
    exit 1
fi
echo "fuzz-run: no crash, hang, out-of-memory or leak"
