#!/usr/bin/env bash
# examples/policy-repo is what we tell users to copy: it must be formatted,
# lint clean under its own .palisade.yaml, have passing tests with 100%
# coverage, build into a bundle that decides like the sources, and sign.
# Needs $PALISADE (tests/run-all.sh sets it).
. "$(dirname "$0")/lib/harness.sh"
REPO=examples/policy-repo
run() {  # name command...: passes when the command exits 0
    local name=$1; shift
    if out=$("$@" 2>&1); then ok "$name"; else bad "$name" "$out"; fi
}

run "the repo is formatted (fmt -l lists nothing)" "$PALISADE" fmt -l "$REPO"
run "the repo lints clean under its .palisade.yaml" "$PALISADE" lint "$REPO"
run "its tests pass with 100% coverage" "$PALISADE" test --coverage-min 100 "$REPO"
run "it builds into a bundle" "$PALISADE" build "$REPO" -o "$TMP/p.bundle" --revision example
run "keygen makes a key pair" "$PALISADE" keygen -o "$TMP/team"
run "it builds signed" "$PALISADE" build "$REPO" -o "$TMP/s.bundle" --revision example --sign "$TMP/team.key"
run "the signed bundle verifies with the team key" "$PALISADE" inspect "$TMP/s.bundle" --verify-key "$TMP/team.pub"
# the bundle decides like the sources
ev='{"event":{"category":["process"]},"container":{"image":{"name":"registry.example.com/web:1.4.2"}},"process":{"executable":"/bin/sh","name":"sh","parent":{"name":"nginx"}}}'
a=$(printf '%s\n' "$ev" | "$PALISADE" eval --policy "$REPO" --events - 2>/dev/null | jq -c 'del(.revision)')
b=$(printf '%s\n' "$ev" | "$PALISADE" eval --policy "$TMP/s.bundle" --verify-key "$TMP/team.pub" --events - 2>/dev/null | jq -c 'del(.revision)')
if [ -n "$a" ] && [ "$a" = "$b" ] && printf '%s' "$a" | jq -e '.effect == "prevent" and (.matches | length) == 2' >/dev/null
then ok "the signed bundle decides like the sources (a shell under nginx: prevented, two matches)"
else bad "the signed bundle decides like the sources" "source: $a"$'\n'"bundle: $b"; fi
# the team's check runs beside the built-in ones in a scan
python3 tests/e2e/lib/mkimage.py "$TMP/img.tar" --spec /dev/stdin >/dev/null 2>"$TMP/err" <<'SPEC' || bad "build a test image" "$(cat "$TMP/err")"
{"os": "linux", "tag": "shop:3", "config": {"User": "app", "Healthcheck": {"Test": ["CMD", "true"]}},
 "layers": [{"entries": [{"path": "etc/hostname", "data": "shop\n"}]}]}
SPEC
ids=$("$PALISADE" scan "$TMP/img.tar" --policy "$REPO" --format json 2>/dev/null | jq -r '[.findings[].id] | join(" ")')
case " $ids " in
    *" ACME-0001 "*) ok "scan --policy runs the team's check beside the built-in ones" ;;
    *) bad "scan --policy runs the team's check beside the built-in ones" "findings: $ids" ;;
esac
python3 - "$REPO/.github/workflows/policies.yml" <<'PY' && ok "the CI workflow runs fmt, lint, test, build and publishes the signed bundle" || bad "the CI workflow runs fmt, lint, test, build and publishes the signed bundle"
import sys
s = open(sys.argv[1]).read()
need = ["palisade fmt -d", "palisade lint", "palisade test --coverage-min 100", "palisade build . -o", "--sign",
        "-T policies.bundle"]
sys.exit(0 if all(n in s for n in need) and "\t" not in s else 1)
PY


# ---------------------------------------------------------------- the revision of a directory
# eval, build and the agent name one revision for the same directory (one
# function): git describe in a work tree (+src-HASH when dirty), src-HASH
# of the sources outside one.
rev_of() {  # DIR -> "eval build agent"
    local e b g
    e=$(printf '%s\n' "$ev" | "$PALISADE" eval --policy "$1" --events - 2>/dev/null | jq -r .revision)
    b=$("$PALISADE" build "$1" -o "$TMP/rev.bundle" 2>&1 | sed -n "s/.*revision '\([^']*\)'.*/\1/p")
    g=$(printf '%s\n' "$ev" | "$PALISADE" agent --policy "$1" 2>/dev/null | jq -r .revision)
    echo "$e $b $g"
}
mkdir -p "$TMP/revrepo"
cp -r "$REPO"/. "$TMP/revrepo/"
r=$(rev_of "$TMP/revrepo")
set -- $r
if [ $# = 3 ] && [ "$1" = "$2" ] && [ "$1" = "$3" ] && [[ $1 == src-* ]]
then ok "outside git: eval, build and the agent name the same src-HASH revision ($1)"
else bad "outside git: eval, build and the agent name the same src-HASH revision" "eval build agent: $r"; fi
if command -v git >/dev/null; then
    git -C "$TMP/revrepo" init -q && git -C "$TMP/revrepo" add -A &&
        git -C "$TMP/revrepo" -c user.name=t -c user.email=t@t.invalid commit -qm one
    head=$(git -C "$TMP/revrepo" describe --always)
    expect_eq "in a clean work tree: eval, build and the agent name the commit" "$(rev_of "$TMP/revrepo")" "$head $head $head"
    echo "// changed" >>"$TMP/revrepo/web/rules.pal"
    r=$(rev_of "$TMP/revrepo")
    set -- $r
    if [ $# = 3 ] && [ "$1" = "$2" ] && [ "$1" = "$3" ] && [[ $1 == "$head-dirty+src-"* ]]
    then ok "in a dirty work tree: all three name COMMIT-dirty+src-HASH ($1)"
    else bad "in a dirty work tree: all three name COMMIT-dirty+src-HASH" "eval build agent: $r"; fi
else
    skip "the revision in a git work tree" "git is not installed"
fi


# ---------------------------------------------------------------- one count of rules
# A rule is a declaration (a runtime block with three sections is one rule):
# build, inspect and test --coverage count the same.
for dir in "$REPO" policies; do
    b=$("$PALISADE" build "$dir" -o "$TMP/count.bundle" 2>&1 | sed -n 's/.*: \([0-9]*\) rules\{0,1\}, \([0-9]*\) checks\{0,1\}, .*/\1 \2/p')
    i=$("$PALISADE" inspect "$TMP/count.bundle" | awk '/^rules /{r=$2} /^checks /{c=$2} END{print r, c}')
    c=$("$PALISADE" test --coverage --format json "$dir" 2>/dev/null | jq -r .coverage.total)
    set -- $b
    expect_eq "$dir: build and inspect count the same rules and checks, and test --coverage their sum" \
        "build $b, inspect $i, coverage $c" "build $b, inspect $b, coverage $(( ${1:-0} + ${2:-0} ))"
done

finish
