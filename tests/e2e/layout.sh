#!/usr/bin/env bash
# The folder rules of engine/ARCHITECTURE.md (tests/tools/check_layout.py):
# the tree keeps them, and the check fails when an include goes the wrong
# way, is not written from the root, or a header of ours could shadow a
# system one — shown on a copy of the tree with one breach each.  Also the
# bug that started it: with the Makefile's include path, <limits.h> in a
# cli/ source is the system header (cc -H lists what was included).
. "$(dirname "$0")/lib/harness.sh"

out=$(python3 tests/tools/check_layout.py . 2>&1) && ok "the tree keeps the folder rules" || bad "the tree keeps the folder rules" "$out"

copy() { rm -rf "$TMP/t"; mkdir -p "$TMP/t"; cp -r engine lang cli Makefile "$TMP/t/"; }
breach() {  # name expected-substring command-that-breaks-the-copy
    local name=$1 want=$2; shift 2
    copy
    (cd "$TMP/t" && eval "$*")
    local o rc
    o=$(python3 tests/tools/check_layout.py "$TMP/t" 2>&1); rc=$?
    if [ $rc -eq 1 ] && [[ $o == *"$want"* ]]; then ok "$name"; else bad "$name" "rc $rc: $o"; fi
}
breach "the VM including the language fails" "engine/vm must not include lang/syntax" \
    'printf "#include \"lang/syntax/ast.h\"\n" >> engine/vm/vm.c'
breach "the language including the CLI fails" "lang/compile must not include cli" \
    'printf "#include \"cli/cli.h\"\n" >> lang/compile/driver.c'
breach "a lower engine stage including a higher one fails" "engine/core must not include engine/runtime" \
    'printf "#include \"engine/runtime/runtime.h\"\n" >> engine/core/schema.c'
breach "an include not written from the root fails" '"vm.h" is not a path from the repository root' \
    'printf "#include \"vm.h\"\n" >> engine/vm/verify.c'
breach "a header of ours that would shadow <limits.h> fails" "<limits.h> would find our limits.h" \
    'cp engine/base/limits.h limits.h && printf "#include <limits.h>\n" >> cli/main.c'
breach "another directory on the include path fails" "-Iengine on the include path" \
    'sed -i "s|-I\. -I\$(BUILD)/gen|-I. -Iengine -I\$(BUILD)/gen|" Makefile'

# the original bug, checked with the compiler itself
BUILD=${BUILD:-build}
printf '#include <limits.h>\nint x = INT_MAX;\n' > "$TMP/lim.c"
hdr=$(cc -std=c11 -I. -I"$BUILD/gen" -H -fsyntax-only "$TMP/lim.c" 2>&1 | grep -m1 'limits\.h' | sed 's/^\.* *//')
case "$hdr" in
    /usr/*limits.h) ok "<limits.h> is the system header ($hdr)";;
    *) bad "<limits.h> is the system header" "got: $hdr";;
esac

finish
