#!/usr/bin/env bash
# The public API as an installed library is used: engine/palisade.h alone
# (copied where no other palisade header is), libpalisade.a, and a program
# that compiles examples/lab and decides its events.  libpalisade.a exports
# exactly the functions palisade.h declares (everything else is hidden,
# -fvisibility=hidden), and the header compiles as C++ too.
. "$(dirname "$0")/lib/harness.sh"
BUILD=${BUILD:-build}
PKGS="libpcre2-8 libarchive libcjson yaml-0.1 hivex libsodium zlib sqlite3"
# a sanitizer build of the library needs its runtime in the program too
SAN=""
if nm "$BUILD/libpalisade.a" 2>/dev/null | grep -q '__asan_'; then SAN="-fsanitize=address,undefined"; fi

declared=$(grep -o 'PALISADE_API[^(]*palisade_[a-z_]*(' engine/palisade.h | grep -o 'palisade_[a-z_]*($' | tr -d '(' | sort -u)
exported=$(readelf -sW "$BUILD/libpalisade.a" | awk '$5=="GLOBAL" && $6=="DEFAULT" && $7!="UND" {print $8}' | sort -u)
if [ -n "$declared" ] && [ "$declared" = "$exported" ]; then ok "libpalisade.a exports exactly the $(echo "$declared" | wc -l) functions of palisade.h"
else bad "libpalisade.a exports exactly palisade.h" "$(diff <(echo "$declared") <(echo "$exported"))"; fi
leaked=$(readelf -sW "$BUILD/libpalisade.a" | awk '$5=="GLOBAL" && $7!="UND" {print $8}' | grep -E '^(yy|cc_)' | sort -u | head -5)
[ -z "$leaked" ] && ok "no global yy*/cc_* symbol, hidden or not (the parser and scanner are pal_yy*)" \
    || bad "no global yy*/cc_* symbol" "$leaked"

mkdir -p "$TMP/include"
cp engine/palisade.h "$TMP/include/"
cat > "$TMP/embed.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <palisade.h>

static void diag(void *u, const char *m) { (void)u; fprintf(stderr, "%s\n", m); }

int main(int argc, char **argv)
{
    unsigned nerr;
    palisade_policy *p = palisade_compile(argv[1], diag, NULL, &nerr);
    if (!p) return 2;
    palisade_decider *d = palisade_decider_new(p);
    FILE *f = fopen(argv[2], "r");
    char line[65536];
    while (f && fgets(line, sizeof line, f)) {
        if (line[0] == '\n') continue;
        const char *js;
        int e = palisade_decide(d, line, strlen(line), &js);
        printf("%d %s\n", e, js);
    }
    if (f) fclose(f);
    palisade_decider_free(d);
    palisade_policy_free(p);
    return argc > 3;
}
C
# shellcheck disable=SC2046  # flag lists split on purpose
if cc -std=c11 -Wall -Wextra -Werror $SAN -I"$TMP/include" -o "$TMP/embed" "$TMP/embed.c" "$BUILD/libpalisade.a" \
      $(pkg-config --libs $PKGS) -lm -lpthread 2>"$TMP/cc.err"; then
    ok "a program using only palisade.h builds against libpalisade.a"
    out=$("$TMP/embed" examples/lab examples/lab/events.jsonl 2>&1); rc=$?
    # the revision aside: eval names a directory as the agent does (git
    # describe or src-HASH, cli/policy.c); the library leaves it "" unless
    # the caller gives one (palisade.h, palisade_revision)
    want=$("$BUILD/palisade" eval --policy examples/lab --events examples/lab/events.jsonl 2>/dev/null \
           | jq -c 'del(.line, .revision)' | while read -r l; do printf '%s\n' "$l"; done)
    got=$(printf '%s\n' "$out" | cut -d' ' -f2- | jq -c 'del(.revision)')
    if [ $rc -eq 0 ] && [ -n "$got" ] && [ "$got" = "$want" ]; then ok "it decides the lab's events exactly as palisade eval does"
    else bad "it decides the lab's events exactly as palisade eval does" "rc $rc; $(diff <(echo "$want") <(echo "$got") | head -10)"; fi
    prevents=$(printf '%s\n' "$out" | grep -c '^2 ')
    [ "$prevents" -ge 1 ] && ok "cmd.exe is PALISADE_PREVENT through the API ($prevents)" || bad "cmd.exe is PALISADE_PREVENT through the API" "$out"
else
    bad "a program using only palisade.h builds against libpalisade.a" "$(cat "$TMP/cc.err")"
fi
printf '#include <palisade.h>\nint main() { return palisade_version()[0] == 0; }\n' > "$TMP/embed.cc"
if command -v g++ >/dev/null; then
    g++ -Wall -Werror -fsyntax-only -I"$TMP/include" "$TMP/embed.cc" 2>"$TMP/cxx.err" \
        && ok "palisade.h compiles as C++" || bad "palisade.h compiles as C++" "$(cat "$TMP/cxx.err")"
fi

finish
