#!/usr/bin/env bash
# tests/fuzz/run.sh — `make fuzz-run`: every fuzz target for a bounded time,
# so that no finding hides another.
#
#   tests/fuzz/run.sh build-fuzz/fuzz_decode build-fuzz/fuzz_vuln ...
#
# Each target gets two passes:
#   1. search: FUZZ_SECONDS of fuzzing from the committed corpus
#      (tests/fuzz/corpus/NAME, read only) and the work corpus
#      (build-fuzz/corpus-NAME, where new inputs go), with leak detection
#      off, in libFuzzer's fork mode with crashes, timeouts and
#      out-of-memory ignored.  With leaks on, libFuzzer stops at the first
#      leak and a crash further on is never reached; and without fork mode
#      the first crash ends the search, so a second bug would wait for the
#      first one's fix.  Every input that failed is kept in
#      build-fuzz/artifacts/NAME/;
#   2. leaks: both corpora replayed once with leak detection on, so a leak
#      the search walked past still fails the run (and a crashing input in
#      the committed corpus, which the fork mode's first merge skips, fails
#      it here).
# A failing target does not stop the others.  One line per target,
#
#   fuzz_decode            runs 61234    cov 1480   corpus 141+37  ok
#
# and for a failure each distinct bug once (inputs replayed, grouped by the
# first frame in palisade's code): the sanitizer's report, the number of
# inputs that hit it and the smallest of them in hex.  Exit status 1 when,
# in any target, an input crashed, hung, ran out of memory or leaked and
# does so again when replayed alone.  Logs are in build-fuzz/logs/.
#
# Environment: FUZZ_SECONDS (search time per target, default 20: the 18
# targets take about 8 minutes on two cores), FUZZ_TIMEOUT (seconds one
# input may take, default 30), FUZZ_MAX_LEN (default 65536), FUZZ_TARGETS
# (the names to run, default all given).
set -u
SECONDS_EACH=${FUZZ_SECONDS:-20}
TIMEOUT=${FUZZ_TIMEOUT:-30}
MAX_LEN=${FUZZ_MAX_LEN:-65536}
OUT=build-fuzz
REPLAY_MAX=8          # failing inputs replayed per target to tell bugs apart
mkdir -p "$OUT/logs" "$OUT/artifacts"

# The last "cov: N" libFuzzer printed, and the last "#N" (inputs run).
last_cov() { grep -o 'cov: [0-9]*' "$1" | tail -n1 | awk '{print $2}'; }
last_runs() { grep -o '^#[0-9]*' "$1" | tail -n1 | tr -d '#'; }

# The report of a log, cut to what says where: the error lines, the frames
# in palisade's code (not libFuzzer's, the sanitizer's or libc's), the summary.
report_of() {
    grep -E '^==[0-9]+== ?ERROR|^ERROR: libFuzzer|runtime error:|^SUMMARY|^ +#[0-9]+ ' "$1" \
        | grep -vF -e ' in fuzzer::' -e ' in __sanitizer' -e ' in __interceptor' -e ' in __pthread' -e ' in __libc' \
            -e ' in _start' -e ' in malloc ' -e ' in calloc ' -e ' in realloc ' -e ' in raise ' -e ' in abort ' \
            -e ' in main ' -e ' (/lib/' -e ' (/usr/lib/' \
        | head -n 20
}
# What tells one bug from another: the first frame in palisade's code.
signature_of() {
    grep -E '^ +#[0-9]+ .* in [^ ]+ [^ ]*(engine|lang|cli)/[^ ]+:[0-9]+' "$1" | head -n1 \
        | sed -E 's/.* in ([^ ]+) [^ ]*((engine|lang|cli)\/[^ :]+:[0-9]+).*/\1 \2/'
}
hex_of() {  # file: its first 512 bytes in hex
    echo "      input ($(wc -c <"$1") bytes; the first 512 in hex):"
    head -c 512 "$1" | od -An -tx1 -v | tr -s ' ' | sed 's/^/      /'
}

# Replays the failing inputs in $art, smallest first (at most REPLAY_MAX,
# and two timeouts: each takes FUZZ_TIMEOUT), and prints each distinct bug
# once.  Sets `reproduced` to the number of inputs that failed again; one
# that did not (fork mode can keep an input that was not the culprit, and
# a timeout may be the machine's load) is listed, and fails nothing.
explain() {  # bin art name
    local bin=$1 art=$2 name=$3 f log sig i=0 timeouts=0 rc leaks
    local -A count=() first=()
    local order=()
    reproduced=0
    while IFS= read -r f; do
        case $(basename "$f") in timeout-*) timeouts=$((timeouts+1)); [ $timeouts -le 2 ] || continue;; esac
        i=$((i+1)); [ $i -le $REPLAY_MAX ] || break
        log=$OUT/logs/$name.replay-$i.log
        leaks=0; [[ $(basename "$f") == leak-* ]] && leaks=1
        "$bin" -detect_leaks=$leaks -timeout="$TIMEOUT" "$f" >"$log" 2>&1; rc=$?
        if [ $rc -eq 0 ]; then sig="(did not fail when replayed)"
        else
            reproduced=$((reproduced+1))
            sig=$(signature_of "$log"); [ -n "$sig" ] || sig="(no frame in palisade's code) $(basename "$f" | cut -d- -f1)"
        fi
        if [ -z "${count[$sig]:-}" ]; then order+=("$sig"); first[$sig]="$f $log"; count[$sig]=0; fi
        count[$sig]=$(( ${count[$sig]} + 1 ))
    done < <(ls -S -r "$art" 2>/dev/null | grep -E '^(crash|timeout|oom|leak)-' | sed "s|^|$art|")
    for sig in "${order[@]}"; do
        set -- ${first[$sig]}
        echo "    $sig: ${count[$sig]} of the inputs replayed; the smallest is $1"
        [ "$sig" = "(did not fail when replayed)" ] && continue
        report_of "$2" | sed 's/^/      /'
        hex_of "$1"
    done
}

failed=() ran=0 total_start=$(date +%s)
for bin in "$@"; do
    name=$(basename "$bin")
    if [ -n "${FUZZ_TARGETS:-}" ] && [[ " $FUZZ_TARGETS " != *" $name "* ]]; then continue; fi
    ran=$((ran+1))
    seeds=tests/fuzz/corpus/$name work=$OUT/corpus-$name art=$OUT/artifacts/$name/
    rm -rf "$art"; mkdir -p "$work" "$art"
    dirs=("$work"); [ -d "$seeds" ] && dirs+=("$seeds")
    nseeds=0; [ -d "$seeds" ] && nseeds=$(ls "$seeds" | wc -l)
    before=$(ls "$work" | wc -l)

    slog=$OUT/logs/$name.search.log llog=$OUT/logs/$name.leaks.log
    "$bin" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -detect_leaks=0 \
        -max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT" -max_len="$MAX_LEN" -artifact_prefix="$art" \
        "${dirs[@]}" >"$slog" 2>&1
    "$bin" -runs=0 -detect_leaks=1 -timeout="$TIMEOUT" -max_len="$MAX_LEN" -artifact_prefix="$art" \
        "${dirs[@]}" >"$llog" 2>&1
    leak_rc=$?

    kinds=()
    for k in crash timeout oom leak; do
        n=$(ls "$art" | grep -c "^$k-")
        [ "$n" -eq 0 ] || kinds+=("$(tr a-z A-Z <<<"$k") x$n")
    done
    # the replay failed without leaving an input (it should not): say so
    [ $leak_rc -eq 0 ] || [ ${#kinds[@]} -gt 0 ] || kinds+=("FAILED (exit $leak_rc, see $llog)")
    result=ok; [ ${#kinds[@]} -eq 0 ] || result=$(IFS=,; echo "${kinds[*]}" | sed 's/,/, /g')
    printf '%-24s runs %-10s cov %-6s corpus %s+%s  %s\n' "$name" "$(last_runs "$slog")" "$(last_cov "$slog")" \
        "$nseeds" "$(( $(ls "$work" | wc -l) - before ))" "$result"
    if [ "$result" != ok ]; then
        explain "$bin" "$art" "$name"
        [ $reproduced -eq 0 ] && [ $leak_rc -eq 0 ] || failed+=("$name")
    fi
done
echo
echo "fuzz-run: $ran targets, ${SECONDS_EACH}s of search each, $(( $(date +%s) - total_start ))s in all"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz-run: FAILED: ${failed[*]} (inputs in $OUT/artifacts/)"
    exit 1
fi
echo "fuzz-run: no crash, hang, out-of-memory or leak"
