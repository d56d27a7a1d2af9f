#!/usr/bin/env bash
# The commands' argument handling and exit codes, the same in every command:
#  1. input paths: a directory, a missing file or a read error where a file is
#     read is exit 2 with "palisade CMD: PATH: reason" (and what to give);
#  2. an event input of which no line decodes (a JSON array, pretty-printed
#     JSON) is exit 2 with or without --strict, and the jq command that
#     converts it is said once, in the summary, however long the input;
#  3. options: a value option without its value says "OPT needs a value
#     (what)" in every command — each option the command's usage shows, and
#     a list for feed's subcommands — and unknown options and stray
#     arguments are named; `palisade help CMD` and `palisade CMD --help`
#     print that command's usage for every command;
#  4. the README: the test block its tour shows is the lab's own, and passes;
#  5. build, inspect and the agent count a bundle's rules, checks and sources
#     in the same words.
# Needs $PALISADE (tests/run-all.sh sets it).
. "$(dirname "$0")/lib/harness.sh"

# fails NAME RC TEXT ARGS...: palisade ARGS exits RC and its stderr holds TEXT
# (a fixed string); stdin is empty, and a run is cut off after 20 s (an
# agent that waits instead of failing).
fails() {
    local name=$1 want_rc=$2 text=$3; shift 3
    timeout 20 "$PALISADE" "$@" </dev/null >"$TMP/out" 2>"$TMP/err"; local rc=$?
    if [ "$rc" -eq "$want_rc" ] && grep -qF -- "$text" "$TMP/err"; then ok "$name"
    else bad "$name" "want exit $want_rc and stderr with: $text"$'\n'"got exit $rc, stderr: $(head -c 600 "$TMP/err")"; fi
}

mkdir -p "$TMP/dir" "$TMP/empty" "$TMP/learned"
D=$TMP/dir
printf '{"event":{"category":["process"],"type":["start"]},"process":{"name":"sh","executable":"/bin/sh"}}\n' > "$TMP/ev.jsonl"
EVWANT="(give a JSON-lines file of events, one object per line, or - for standard input)"

# ---- 1. input paths --------------------------------------------------------------
fails "eval --events DIR: exit 2, the path and why" 2 "palisade eval: $D: is a directory $EVWANT" eval --events "$D"
fails "eval --events DIR with --policy: exit 2" 2 "palisade eval: $D: is a directory" eval --policy examples/lab --events "$D"
fails "eval --events MISSING: exit 2, the path and why" 2 "palisade eval: $TMP/nope: No such file or directory" eval --events "$TMP/nope"
# /proc/self/mem opens, and reading its first page fails with EIO: a read error
fails "eval --events: a read error is exit 2 with its reason" 2 \
    "palisade eval: /proc/self/mem: cannot read: Input/output error" eval --events /proc/self/mem
fails "eval --inventory DIR: exit 2, says it is a directory" 2 \
    "palisade eval: $D: is a directory (give the JSON file \`palisade inventory IMAGE.tar > FILE.json\` writes)" eval --inventory "$D"
fails "eval --inventory MISSING: exit 2, the reason" 2 "palisade eval: $TMP/nope: No such file or directory" eval --inventory "$TMP/nope"
fails "eval --inventory: a read error is exit 2 with its reason" 2 \
    "palisade eval: /proc/self/mem: cannot read: Input/output error" eval --inventory /proc/self/mem
fails "learn --events DIR: exit 2, says it is a directory" 2 "palisade learn: $D: is a directory $EVWANT" learn --events "$D"
fails "learn --events MISSING: exit 2, the reason" 2 "palisade learn: $TMP/nope: No such file or directory" learn --events "$TMP/nope"
fails "learn --events: a read error is exit 2 with its reason" 2 \
    "palisade learn: /proc/self/mem: cannot read: Input/output error" learn --events /proc/self/mem
fails "learn --merge DIR: exit 2 before reading the events" 2 "palisade learn: $D: not a regular file" \
    learn --events "$TMP/ev.jsonl" --merge "$D"
# a link to a device as the output: it was read as the learned file and then
# renamed over (as root, `-o /dev/null` replaced /dev/null with a file); the
# link keeps a real device out of reach of this test
ln -s /dev/null "$TMP/null"
fails "learn -o onto a device: refused" 2 "palisade learn: $TMP/null: not a regular file" \
    learn --events "$TMP/ev.jsonl" -o "$TMP/null"
[ -L "$TMP/null" ] && ok "learn -o onto a device: left in place" || bad "learn -o onto a device: replaced by a file"
# every writer refuses it (engine/base/fileio.c, the one atomic writer): a link to /dev/null each time
printf '{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}\n' >"$TMP/bom.json"
"$PALISADE" scan --sbom "$TMP/bom.json" --format json >"$TMP/one.json" 2>/dev/null
for w in "scan --sbom $TMP/bom.json -o NULL --format json" "report $TMP/one.json -o NULL --format json" \
         "build examples/lab -o NULL" "keygen -o NULLKEY --force"; do
    rm -f "$TMP/null" "$TMP/nullkey.key"; ln -s /dev/null "$TMP/null"; ln -s /dev/null "$TMP/nullkey.key"
    set -- ${w//NULLKEY/$TMP/nullkey}; set -- "${@//NULL/$TMP/null}"
    timeout 20 "$PALISADE" "$@" </dev/null >/dev/null 2>"$TMP/err"; rc=$?
    if [ $rc = 2 ] && grep -q "not a regular file" "$TMP/err" && [ -L "$TMP/null" ] && [ -L "$TMP/nullkey.key" ]
    then ok "$1 onto a link to a device: exit 2, refused, the link left in place"
    else bad "$1 onto a link to a device: refused" "exit $rc: $(cat "$TMP/err")"; fi
done
fails "agent --follow DIR: exit 2 (not 'does not exist yet')" 2 "palisade agent: $D: is a directory" agent --follow "$D"
fails "agent --learn MISSING: exit 2, the path first" 2 "palisade agent: $TMP/nope: No such file or directory" agent --learn "$TMP/nope"
fails "agent --learn FILE: exit 2, not a directory" 2 "palisade agent: $TMP/ev.jsonl: not a directory" agent --learn "$TMP/ev.jsonl"
fails "scan --exceptions DIR: exit 2, the path first" 2 "palisade scan: $D: is a directory" scan --exceptions "$D" "$TMP/ev.jsonl"
fails "feed check of a directory without feeds: exit 2" 2 "palisade feed: $TMP/empty: no feed files (*.json) under it" \
    feed check "$TMP/empty"
fails "feed match: a bad image is named" 2 "palisade feed: $D: not an image tarball" feed match --feeds "$TMP/empty" "$D"
mkdir -p "$TMP/inv.json"
fails "feed match: an inventory .json that is a directory" 2 "palisade feed: $TMP/inv.json: is a directory" \
    feed match --feeds "$TMP/empty" "$TMP/inv.json"

# ---- 2. no line decodes ------------------------------------------------------------
# 1,011 events as one pretty-printed JSON array, and as pretty-printed objects
python3 - "$TMP" <<'PY'
import json, sys
ev = [{"event": {"category": ["process"], "type": ["start"]}, "container": {"image": {"name": "app:1"}},
       "process": {"name": "sh", "executable": "/bin/sh", "pid": i}} for i in range(1011)]
open(sys.argv[1] + "/array.json", "w").write(json.dumps(ev, indent=2) + "\n")
open(sys.argv[1] + "/pretty.json", "w").write("".join(json.dumps(e, indent=2) + "\n" for e in ev))
open(sys.argv[1] + "/oneline-array.json", "w").write(json.dumps(ev) + "\n")
PY
nlines=$(wc -l < "$TMP/array.json")
fails "eval: a pretty-printed JSON array is exit 2 without --strict" 2 \
    "palisade eval: $TMP/array.json: none of its $nlines lines is an event: it is a JSON array, and palisade reads JSON lines (one event object per line); convert it with jq -c '.[]' $TMP/array.json > events.jsonl" \
    eval --events "$TMP/array.json"
n=$(grep -c "jq -c" "$TMP/err")
[ "$n" = 1 ] && ok "eval: the jq hint is given once for $nlines lines" || bad "eval: the jq hint is given $n times"
n=$(grep -c . "$TMP/out")
[ "$n" = "$nlines" ] && ok "eval: still one decision line per input line" || bad "eval: $n decision lines for $nlines lines"
fails "eval: a JSON array on one line: the same hint" 2 "its only line is not an event: it is a JSON array" \
    eval --events "$TMP/oneline-array.json"
fails "eval: pretty-printed objects: jq -c ." 2 "it is pretty-printed JSON, and palisade reads JSON lines (one event object per line); convert it with jq -c . $TMP/pretty.json > events.jsonl" \
    eval --events "$TMP/pretty.json"
timeout 20 "$PALISADE" eval --events - < "$TMP/array.json" >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc = 2 ] && grep -qF "palisade eval: standard input: none of its $nlines lines is an event: it is a JSON array, and palisade reads JSON lines (one event object per line); pipe it through jq -c '.[]'" "$TMP/err"
then ok "eval --events -: exit 2, pipe it through jq"; else bad "eval --events -: exit $rc" "$(cat "$TMP/err")"; fi
printf '{"no":"kind"}\n' > "$TMP/nokind.jsonl"
fails "eval: a JSON-lines file of which no line decodes: exit 2, no jq hint" 2 \
    "palisade eval: $TMP/nokind.jsonl: its only line is not an event (the \"error\" of each decision line says why)" \
    eval --events "$TMP/nokind.jsonl"
grep -q 'jq' "$TMP/err" && bad "eval: a jq hint for JSON lines that do not decode" || ok "eval: no jq hint for JSON lines"
cat "$TMP/ev.jsonl" "$TMP/nokind.jsonl" > "$TMP/mixed.jsonl"
timeout 20 "$PALISADE" eval --events "$TMP/mixed.jsonl" >/dev/null 2>&1; rc=$?
[ $rc = 0 ] && ok "eval: one line decodes: exit 0 without --strict" || bad "eval on mixed lines: exit $rc"
timeout 20 "$PALISADE" eval --strict --events "$TMP/mixed.jsonl" >/dev/null 2>&1; rc=$?
[ $rc = 2 ] && ok "eval --strict: a bad line is still exit 2" || bad "eval --strict on mixed lines: exit $rc"
: > "$TMP/empty.jsonl"
timeout 20 "$PALISADE" eval --events "$TMP/empty.jsonl" >/dev/null 2>&1; rc=$?
[ $rc = 0 ] && ok "eval: an empty input is exit 0 (nothing to decode)" || bad "eval on empty input: exit $rc"
fails "learn: a JSON array is exit 2 with the hint" 2 "palisade learn: $TMP/array.json: none of its $nlines lines is an event: it is a JSON array" \
    learn --events "$TMP/array.json" -o "$TMP/learned/out.pal"
n=$(grep -c "jq -c" "$TMP/err")
[ "$n" = 1 ] && ok "learn: the jq hint is given once" || bad "learn: the jq hint is given $n times"
[ -e "$TMP/learned/out.pal" ] && bad "learn: wrote a policy from an input with no event" || ok "learn: nothing written when no line decodes"
fails "learn: pretty-printed objects: jq -c ., as eval says" 2 "palisade learn: $TMP/pretty.json: none of its $(wc -l < "$TMP/pretty.json") lines is an event: it is pretty-printed JSON, and palisade reads JSON lines (one event object per line); convert it with jq -c . $TMP/pretty.json > events.jsonl" \
    learn --events "$TMP/pretty.json" -o "$TMP/learned/out.pal"

# ---- 3. options and help ----------------------------------------------------------
# the value options of a command, read from its usage: the synopsis lines and
# the option table (lines that start with spaces and a dash)
value_options() {
    "$PALISADE" "$1" --help | python3 -c '
import re, sys
keep, syn = [], False
for l in sys.stdin.read().splitlines():
    if l.startswith("usage:"): syn = True; keep.append(l); continue
    if syn and l.startswith(" "): keep.append(l); continue
    syn = False
    if re.match(r"^\s+-", l): keep.append(l)
opts = set()
for l in keep:
    for m in re.finditer(r"(?<![\w-])(--?[a-z][a-z0-9-]*)[ =]([A-Z][A-Za-z0-9_.|:=,\-]*|[a-z]+(?:\|[a-z]+)+)", l):
        opts.add(m.group(1))
print("\n".join(sorted(opts)))'
}
commands=$("$PALISADE" help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 {print $1}' | grep -v '^commands:')
[ "$(printf '%s\n' "$commands" | wc -l)" -ge 14 ] && ok "help lists the commands ($(printf '%s ' $commands))" || bad "help lists the commands" "$commands"
needs_value() {  # cmd option [sub]: "palisade CMD [SUB] OPT" ends with OPT
    local cmd=$1 opt=$2 sub=${3:-}
    nv_try=$((nv_try+1))
    timeout 20 "$PALISADE" $cmd $sub $opt </dev/null >/dev/null 2>"$TMP/err"; local rc=$?
    if [ $rc = 2 ] && grep -qE "^palisade $cmd: $opt needs a value \(.+\)\$" "$TMP/err" && [ "$(wc -l < "$TMP/err")" = 1 ]; then
        nv_ok=$((nv_ok+1))
    else
        bad "palisade $cmd $sub $opt (last): exit 2 and '$opt needs a value (...)'" "exit $rc: $(head -c 400 "$TMP/err")"
    fi
}
nv_ok=0 nv_try=0
for c in $commands; do
    [ "$c" = feed ] && continue
    [ "$c" = sigma ] && continue
    for o in $(value_options "$c"); do needs_value "$c" "$o"; done
done
for o in --allow-list --format; do needs_value feed "$o" check; done
for o in -o --mapping; do needs_value sigma "$o" convert; done
for o in -o --output; do needs_value feed "$o" convert-msrc; done
for o in --feeds --allow-list --distro --today --vuln-threshold --format; do needs_value feed "$o" match; done
needs_value inventory --format
needs_value lint -f
needs_value scan --output
[ "$nv_ok" = "$nv_try" ] && [ "$nv_try" -ge 50 ] && ok "a value option given last says '... needs a value (...)': $nv_ok options in every command" \
    || bad "$nv_ok of $nv_try value options say they need a value"
fails "an option right after a value option is not taken as its value" 2 \
    "palisade eval: --events needs a value (a file, or - for stdin)" eval --events --strict
timeout 20 "$PALISADE" eval --events=- --only-findings < "$TMP/ev.jsonl" >/dev/null 2>&1; rc=$?
[ $rc = 0 ] && ok "--events=FILE is a value" || bad "--events=- is refused: exit $rc"
fails "an unknown option is named, with where to look" 2 "palisade eval: unknown option '--bogus' (see palisade eval --help)" eval --bogus
fails "a stray argument is named" 2 "palisade learn: unexpected argument 'stray' (see palisade learn --help)" learn stray
fails "version: an unknown option" 2 "palisade version: unknown option '--bogus'" version --bogus
for c in $commands; do
    h1=$("$PALISADE" help "$c" 2>&1); r1=$?
    h2=$("$PALISADE" "$c" --help 2>&1); r2=$?
    case $h1 in "usage: palisade $c"*) u=y;; *) u=n;; esac
    if [ $r1 = 0 ] && [ $r2 = 0 ] && [ $u = y ] && [ "$h1" = "$h2" ]; then ok "palisade help $c = palisade $c --help: its own usage"
    else bad "palisade help $c: exit $r1, --help exit $r2, usage line: $u, same: $([ "$h1" = "$h2" ] && echo y || echo n)" "$(printf '%s' "$h1" | head -3)"; fi
done
h=$("$PALISADE" help feed match 2>&1); rc=$?
case $rc:$h in 0:"usage: palisade feed"*"match options:"*) ok "help feed match: feed's usage";; *) bad "help feed match: exit $rc" "$h";; esac
fails "help of an unknown command: exit 2" 2 "palisade help: unknown command 'nope'" help nope
h=$("$PALISADE" help 2>&1); rc=$?
case $rc:$h in 0:"usage: palisade COMMAND"*"palisade help COMMAND"*) ok "palisade help: the overview, and how to get more";; *) bad "palisade help: exit $rc" "$h";; esac

# ---- 4. the README ---------------------------------------------------------------------
block=$(python3 - <<'PY'
import re
text = open("README.md", encoding="utf-8").read()
m = re.search(r"```\n(test \"[^\n]*\" \{\n.*?\n\})\n```", text, re.S)
print(m.group(1) if m else "")
PY
)
name=$(printf '%s\n' "$block" | sed -n '1s/^test "\(.*\)" {$/\1/p')
if [ -n "$name" ] && python3 -c 'import sys; sys.exit(0 if sys.argv[1] in open("examples/lab/wincontainerapp.pal").read() else 1)' "$block"
then ok "README: the tour's test block is in examples/lab/wincontainerapp.pal"
else bad "README: the tour's test block is not in examples/lab" "$block"; fi
out=$("$PALISADE" test --run "^${name}\$" examples/lab 2>&1); rc=$?
case $rc:$out in 0:*"1 passed, 0 failed"*) ok "README: the tour's test passes: $name";; *) bad "README: the tour's test" "exit $rc: $out";; esac

# ---- 5. counts ------------------------------------------------------------------------
"$PALISADE" build examples/tour -o "$TMP/tour.bundle" 2>"$TMP/build.err"
built=$(sed -n 's/^palisade build: [^:]*: \(.*\), revision .*/\1/p' "$TMP/build.err")
inspected=$("$PALISADE" inspect "$TMP/tour.bundle" | awk '$1 == "rules" {r=$2} $1 == "checks" {c=$2} $1 == "sources" {s=$2}
    END {printf "%d rule%s, %d check%s, %d source%s", r, r == 1 ? "" : "s", c, c == 1 ? "" : "s", s, s == 1 ? "" : "s"}')
timeout 20 "$PALISADE" agent --policy "$TMP/tour.bundle" </dev/null >/dev/null 2>"$TMP/agent.err"
ready=$(sed -n 's/^palisade agent: ready: revision [^ ]* (\([^)]*\)) from.*/\1/p' "$TMP/agent.err")
if [ -n "$built" ] && [ "$built" = "$inspected" ] && [ "$built" = "$ready" ]; then ok "build, inspect and agent count alike: $built"
else bad "counts differ" "build: $built"$'\n'"inspect: $inspected"$'\n'"agent: $ready"; fi


# ---- 6. help says what the commands take ---------------------------------------------
# Every option a command parses is in its --help (the long spelling of -o
# and -v aside); keygen and inspect share cmd_sign.c, so their helps together.
missing=
for f in cli/cmd_*.c; do
    c=$(basename "$f" .c); c=${c#cmd_}
    case $c in sign) help=$("$PALISADE" keygen --help 2>&1; "$PALISADE" inspect --help 2>&1) ;;
               *) help=$("$PALISADE" "$c" --help 2>&1) ;; esac
    for o in $(grep -oE 'cli_args_(value|flag)\(&A, "--?[a-zA-Z-]+"' "$f" | grep -oE '"--?[a-zA-Z-]+"' | tr -d '"' | sort -u); do
        case $o in --output|--verbose) continue ;; esac
        grep -qF -- "$o" <<<"$help" || missing="$missing $c:$o"
    done
done
expect_eq "every option a command parses is in its --help" "${missing# }" ""
first=$("$PALISADE" lint --list-codes | head -n1 | cut -d' ' -f1)
last=$("$PALISADE" lint --list-codes | tail -n1 | cut -d' ' -f1)
check "lint --help names the codes from the table ($first-$last)" bash -c '"$0" lint --help | grep -qF "codes $1-$2,"' "$PALISADE" "$first" "$last"
check "the top-level help lists version compare" bash -c '"$0" --help | grep -qE "^  version +version \[compare"' "$PALISADE"
check "learn --help says what --collapse-dns N does" bash -c '"$0" learn --help | grep -qE "^ +--collapse-dns N +[a-z]"' "$PALISADE"
check "the README says what --collapse-dns N does" grep -qE '`--collapse-dns N` [a-z]' README.md
# make install: the binary, the library and its header, and the docs, under DESTDIR/PREFIX
make --no-print-directory -s install-files BUILD="${BUILD:-build}" DESTDIR="$TMP/dest" PREFIX=/opt/pal >"$TMP/install.log" 2>&1; rc=$?
expect_eq "make install-files into a DESTDIR: exit 0" "$rc" 0 || cat "$TMP/install.log"
check "installed: an executable palisade that runs" bash -c '[ -x "$0/opt/pal/bin/palisade" ] && "$0/opt/pal/bin/palisade" version | grep -q palisade' "$TMP/dest"
expect_eq "installed: the library, the public header and the docs" \
    "$(cd "$TMP/dest/opt/pal" && find . -type f | sort | tr '\n' ' ')" \
    "./bin/palisade ./include/palisade.h ./lib/libpalisade.a ./share/doc/palisade/LINT.md ./share/doc/palisade/README.md ./share/doc/palisade/SPEC.md "
check "make install builds first, then installs the same files" bash -c 'make -n install DESTDIR=/x PREFIX=/y 2>&1 | grep "install -m 755 .*palisade /x/y/bin/palisade" >/dev/null'

finish
