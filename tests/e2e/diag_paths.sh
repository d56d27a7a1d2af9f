#!/usr/bin/env bash
# Every command names a policy file the same way in its diagnostics: as a
# path the user can open from where they ran it (the repo as they named
# it, then the file's path inside the repo).  lint and test did; build,
# eval, scan --policy and the agent named it inside the repo only, so
# `palisade build policies` said `web/a.pal` where lint said
# `policies/web/a.pal`.
. "$(dirname "$0")/lib/harness.sh"
need jq python3

mkdir -p "$TMP/work/policies/web"
cat >"$TMP/work/policies/web/a.pal" <<'EOF'
rule "x" {
  on process
  when process.name == "a" and
  effect alert
}
EOF
cd "$TMP/work" || exit 2

# the file named in the first diagnostic line a command printed
first_file() { sed -n 's/^\([^ :]*\.pal\):[0-9]*:[0-9]*: error\[.*/\1/p' "$1" | head -1; }
names() {  # DIR-AS-GIVEN: what each command calls the broken file
    local p=$1 out=""
    for cmd in build eval scan test lint agent; do
        case $cmd in
            build) "$PALISADE" build "$p" -o "$TMP/b.bundle" >"$TMP/o" 2>&1 ;;
            eval)  "$PALISADE" eval --policy "$p" --events /dev/null >"$TMP/o" 2>&1 ;;
            scan)  "$PALISADE" scan --sbom "$TMP/sbom.json" --policy "$p" >"$TMP/o" 2>&1 ;;
            test)  "$PALISADE" test "$p" >"$TMP/o" 2>&1 ;;
            lint)  "$PALISADE" lint "$p" >"$TMP/o" 2>&1 ;;
            agent) "$PALISADE" agent --policy "$p" </dev/null >"$TMP/o" 2>&1 ;;
        esac
        out="$out $cmd=$(first_file "$TMP/o")"
    done
    printf '%s\n' "${out# }"
}
printf '%s\n' '{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"component":{"type":"container","name":"x"}},"components":[]}' >"$TMP/sbom.json"

expect_eq "from above the repo, every command names policies/web/a.pal" "$(names policies)" \
    "build=policies/web/a.pal eval=policies/web/a.pal scan=policies/web/a.pal test=policies/web/a.pal lint=policies/web/a.pal agent=policies/web/a.pal"
expect_eq "the repo given with a trailing slash: the same" "$(names policies/)" \
    "build=policies/web/a.pal eval=policies/web/a.pal scan=policies/web/a.pal test=policies/web/a.pal lint=policies/web/a.pal agent=policies/web/a.pal"
expect_eq "by its absolute path: the absolute file" "$(names "$TMP/work/policies")" \
    "$(for c in build eval scan test lint agent; do printf '%s=%s ' $c "$TMP/work/policies/web/a.pal"; done | sed 's/ $//')"
cd policies || exit 2
expect_eq "inside the repo: the repo's own path, web/a.pal" "$(names .)" \
    "build=web/a.pal eval=web/a.pal scan=web/a.pal test=web/a.pal lint=web/a.pal agent=web/a.pal"
cd web || exit 2
# a single file: its directory is the repo (build takes directories only)
one=""
"$PALISADE" eval --policy a.pal --events /dev/null >"$TMP/o" 2>&1; one="$one $(first_file "$TMP/o")"
"$PALISADE" test a.pal >"$TMP/o" 2>&1; one="$one $(first_file "$TMP/o")"
"$PALISADE" lint a.pal >"$TMP/o" 2>&1; one="$one $(first_file "$TMP/o")"
"$PALISADE" eval --policy ../web/a.pal --events /dev/null >"$TMP/o" 2>&1; one="$one $(first_file "$TMP/o")"
"$PALISADE" test ../web/a.pal >"$TMP/o" 2>&1; one="$one $(first_file "$TMP/o")"
"$PALISADE" lint ../web/a.pal >"$TMP/o" 2>&1; one="$one $(first_file "$TMP/o")"
"$PALISADE" lint "$TMP/work/policies/web/a.pal" >"$TMP/o" 2>&1; one="$one $(first_file "$TMP/o")"
expect_eq "one .pal file: eval, test and lint name it as given" "${one# }" \
    "a.pal a.pal a.pal ../web/a.pal ../web/a.pal ../web/a.pal $TMP/work/policies/web/a.pal"
mkdir -p "$TMP/work/elsewhere" && cd "$TMP/work/elsewhere" || exit 2
"$PALISADE" lint ../policies/web/a.pal >"$TMP/o" 2>&1
expect_eq "lint from a sibling directory: the file as given" "$(first_file "$TMP/o")" "../policies/web/a.pal"
"$PALISADE" lint -f github ../policies/web/a.pal >"$TMP/o" 2>&1
check "lint's GitHub annotation names it as given too" grep -q '^::error file=\.\./policies/web/a\.pal,line=4' "$TMP/o"
# inside a repo (a .palisade.yaml above the file) lint keeps the path inside
# the checkout, whatever spelling was given: SARIF and GitHub annotations
# need checkout-relative paths
mkdir -p "$TMP/work/checkout/sub"
: >"$TMP/work/checkout/.palisade.yaml"
cp "$TMP/work/policies/web/a.pal" "$TMP/work/checkout/sub/a.pal"
cd "$TMP/work/checkout" || exit 2
"$PALISADE" lint ./sub/../sub/a.pal >"$TMP/o" 2>&1
expect_eq "lint inside a repo: the checkout-relative path" "$(first_file "$TMP/o")" "sub/a.pal"
"$PALISADE" lint -f github ./sub/../sub/a.pal >"$TMP/o" 2>&1
check "lint's annotation inside a repo: checkout-relative" grep -q '^::error file=sub/a\.pal,line=4' "$TMP/o"

# the agent's reload names it the same way (the policy broken after start)
cd "$TMP/work" || exit 2
mkdir -p good/web
printf 'rule "y" {\n  on process\n  when process.name == "y"\n  effect alert\n}\n' >good/web/a.pal
mkfifo "$TMP/in"
"$PALISADE" agent --policy good --reload-delay 50 <"$TMP/in" >/dev/null 2>"$TMP/agent.err" &
apid=$!
exec 7>"$TMP/in"
for i in $(seq 200); do grep -q "ready\|revision" "$TMP/agent.err" 2>/dev/null && break; sleep 0.05; done
cp policies/web/a.pal good/web/a.pal
for i in $(seq 400); do grep -q "reload failed" "$TMP/agent.err" && break; sleep 0.05; done
exec 7>&-
wait $apid
expect_eq "the agent's reload names good/web/a.pal" "$(first_file "$TMP/agent.err")" "good/web/a.pal"

finish
