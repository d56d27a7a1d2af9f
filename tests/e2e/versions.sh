#!/usr/bin/env bash
# versions.sh — `palisade version compare`, and palisade's orderings checked
# against the package managers themselves: dpkg --compare-versions, and
# rpm's own rpm.vercmp (rpm 4.18, installed by the test) on rpm's published
# vectors, on the missing-release rule and on generated epoch:version-release
# pairs.  apk-tools is not packaged for Debian, so apk is checked against its
# published vectors in tests/unit/test_version.c instead.
. "$(dirname "$0")/lib/harness.sh"
. "$(dirname "$0")/lib/tools.sh"

P=$PALISADE

expect_eq "apk letter-digit: sudo 1.9.5p2 fixes CVE-2021-3156" "$($P version compare apk 1.9.5p2-r0 1.9.5p1-r0)" ">"
expect_eq "apk: 1.9.5p2 is after 1.9.5" "$($P version compare alpine 1.9.5p2-r0 1.9.5-r0)" ">"
expect_eq "rpm: a missing release is older" "$($P version compare rpm 1 1-1)" "<"
expect_eq "pypi: rc before the release" "$($P version compare pypi 1.0rc1 1.0)" "<"
expect_eq "maven: SNAPSHOT before the release" "$($P version compare maven 2.17.1-SNAPSHOT 2.17.1)" "<"
expect_eq "dpkg: epoch wins" "$($P version compare dpkg 1:1.0 2.0)" ">"
out=$($P version compare apk 1.0_foo 1.0); rc=$?
expect_eq "an invalid version says why, exit 2" "$out/$rc" "invalid: '1.0_foo': unknown suffix: apk knows _alpha _beta _pre _rc _cvs _svn _git _hg _p/2"
out=$(printf '1.0 1.0-1\n2.0 1.0\nonly-one\n1:1 1:1\n' | $P version compare rpm); rc=$?
expect_eq "stdin: one answer a line, exit 2 when one is invalid" "$(echo $out)/$rc" \
    '< > invalid: expected two versions on the line, "A B" =/2'
out=$(printf '1.0 1.0-1\n' | $P version compare rpm); rc=$?
expect_eq "stdin: all valid, exit 0" "$out/$rc" "</0"
$P version compare nuget 1 2 >/dev/null 2>"$TMP/err"; rc=$?
assert "an unknown ecosystem is an error naming the known ones" \
    '[ $rc = 2 ] && grep -q "unknown ecosystem .nuget. (dpkg, apk, rpm" "$TMP/err"'

# --- versions in the language: a check's `p.version < "B"` answers as
# `version compare` does, for every ecosystem (each pair is one check over a
# package of that ecosystem; the language and the command share no code but
# engine/core/version.c, so a type that fell back to text order would differ:
# 1.10 vs 1.9, r10 vs r9, epochs, rc, SNAPSHOT)
cat > "$TMP/pairs.txt" <<'EOF'
dpkg 1.10 1.9
dpkg 1:1.0 2.0
dpkg 1.0~rc1 1.0
dpkg 0:1.0 1.0
apk 1.1.24-r9 1.1.24-r10
apk 1.9.5p2-r0 1.9.5-r0
apk 1.2.3_rc1-r0 1.2.3-r0
rpm 1.0 1.0-1
rpm 2:1.0-1.el9 10.0-1.el9
rpm 1.0-10.el9 1.0-9.el9
npm 4.17.21-beta.1 4.17.21
npm 1.10.0 1.9.0
pypi 1.0rc1 1.0
pypi 1.0.post1 1.0
go v1.10.0 v1.9.0
go v0.0.0-20210101000000-abcdefabcdef v0.1.0
maven 2.17.1-SNAPSHOT 2.17.1
maven 1.0-alpha-1 1.0
rubygems 1.0.a 1.0
rubygems 1.10 1.9
cargo 0.10.0 0.9.0
EOF
mkdir -p "$TMP/lang"
{
    echo '{"image": {"os": "linux"}, "files": [], "users": [], "groups": [], "packages": ['
    k=0
    while read -r eco a b; do
        [ $k = 0 ] || echo ','
        printf '{"name": "p%d", "version": "%s", "ecosystem": "%s"}' "$k" "$a" "$eco"
        k=$((k + 1))
    done < "$TMP/pairs.txt"
    echo ']}'
} > "$TMP/lang.json"
k=0
while read -r eco a b; do
    for op in '<' '==' '>'; do
        printf 'check "p%d %s" { title "t" fail when any p in image.packages: p.name == "p%d" and p.version %s "%s" }\n' \
            "$k" "$op" "$k" "$op" "$b"
    done
    k=$((k + 1))
done < "$TMP/pairs.txt" > "$TMP/lang/versions.pal"
$P eval --policy "$TMP/lang" --inventory "$TMP/lang.json" > "$TMP/lang.out" 2>"$TMP/lang.err"
got=$(jq -r '.checks[] | select(.status == "fail") | .id' "$TMP/lang.out" | awk '{ print $2 }' | sed 's/==/=/' | tr '\n' ' ')
want=$(while read -r eco a b; do $P version compare "$eco" "$a" "$b"; done < "$TMP/pairs.txt" | tr '\n' ' ')
expect_eq "p.version < / == / > \"B\" in a check answers as version compare, $(wc -l < "$TMP/pairs.txt") pairs of 9 ecosystems" \
    "$got" "$want"
expect_eq "... and not as text (1.10 > 1.9 as dpkg, npm, go, rubygems, cargo order)" \
    "$(jq -r '.checks[] | select(.id == "p0 >" or .id == "p11 >") | .status' "$TMP/lang.out" | tr '\n' ' ')" "fail fail "

# a test's given inventory gets the same types
cat > "$TMP/lang/given.pal" <<'EOF'
check "old musl" {
  title "musl older than 1.1.24-r10"
  fail when any p in image.packages: p.name == "musl" and p.version < "1.1.24-r10"
}
test "r9 is older" {
  given image { packages: [ { name: "musl", version: "1.1.24-r9", ecosystem: "apk" } ] }
  expect fail by "old musl"
}
test "r10 is not (text order would say r10 < r9... and fail)" {
  given image { packages: [ { name: "musl", version: "1.1.24-r10", ecosystem: "apk" } ] }
  expect pass by "old musl"
}
EOF
out=$($P test "$TMP/lang" 2>&1); rc=$?
expect_eq "palisade test: given packages compare as versions" "$(echo "$out" | tail -1)/$rc" "2 passed, 0 failed/0"
printf 'check "c" { title "t" fail when any p in image.packages: p.version < p.name }\n' > "$TMP/lang/given.pal"
out=$($P build "$TMP/lang" -o "$TMP/b.bundle" 2>&1); rc=$?
assert "a version compared as text does not build (PAL0414), exit 2" \
    '[ $rc = 2 ] && printf "%s" "$out" | grep -q "error\[PAL0414\]: p.version is a version"'

# --- dpkg itself
if command -v dpkg >/dev/null 2>&1; then
    pairs="1.0 1.0-1
1.0~rc1 1.0
1:1.0 2.0
2.36-9+deb12u3 2.36-9+deb12u10
1.0+dfsg-1 1.0-1
0:1.0 1.0
1.0a 1.0+b1
3.0.11-1~deb12u2 3.0.11-1"
    bad=0
    while read -r a b; do
        want="="
        dpkg --compare-versions "$a" lt "$b" && want="<"
        dpkg --compare-versions "$a" gt "$b" && want=">"
        got=$($P version compare dpkg "$a" "$b")
        [ "$got" = "$want" ] || { bad=$((bad+1)); echo "dpkg says $a $want $b, palisade $got"; }
    done <<<"$pairs"
    expect_eq "dpkg --compare-versions agrees on every pair" "$bad" 0
else
    skip "dpkg --compare-versions" "no dpkg on this machine"
fi

# --- rpm itself: rpm.vercmp is rpmverCmp over [epoch:]version[-release]
if tool rpm rpm; then
    # rpm's published vectors, the missing-release cases and generated EVRs
    sed -n 's/^RPMVERCMP(\([^,]*\), \([^,]*\), .*/\1 \2/p' tests/unit/data/rpmvercmp.data > "$TMP/pairs"
    cat >>"$TMP/pairs" <<'PAIRS'
1 1-1
1.0 1.0-5
1.0-5 1.0
1:1.0 1:1.0-0
1.0 1.1-5
2.0.1 2.0.1-0.el9
PAIRS
    for e in "" 1:; do for v in 1.0 1.0.1 1.0a 1.0~rc1 1.0^git1; do for r in "" -1 -1.el9 -2.el9_3.1; do
        echo "$e$v$r"; done; done; done > "$TMP/evrs"
    awk 'NR==FNR{a[n++]=$0; next} END{for(i=0;i<n;i+=3) for(j=1;j<n;j+=5) print a[i], a[j]}' \
        "$TMP/evrs" /dev/null > "$TMP/gen"
    cat "$TMP/gen" >> "$TMP/pairs"
    # one rpm run: a Lua loop over the pairs
    {
        echo '%{lua:'
        echo 'for line in io.lines("'"$TMP/pairs"'") do'
        echo '  local sp = line:find(" ", 1, true)'   # no %: rpm would expand it
        echo '  local a, b = line:sub(1, sp - 1), line:sub(sp + 1)'
        echo '  local c = rpm.vercmp(a, b)'
        echo '  print((c < 0 and "<" or c > 0 and ">" or "=") .. "\n")'   # rpm's print adds no newline
        echo 'end}'
    } > "$TMP/cmp.lua"
    rpm --eval "$(cat "$TMP/cmp.lua")" 2>"$TMP/rpm.err" | sed '/^$/d' > "$TMP/rpm.out"
    $P version compare rpm < "$TMP/pairs" > "$TMP/pal.out"
    n=$(wc -l < "$TMP/pairs")
    if [ "$(wc -l < "$TMP/rpm.out")" = "$n" ]; then
        d=$(paste -d' ' "$TMP/pairs" "$TMP/rpm.out" "$TMP/pal.out" | awk '$3 != $4' | head -5)
        expect_eq "rpm.vercmp agrees on all $n pairs (published, missing release, generated)" "$d" ""
    else
        bad "rpm --eval gave $(wc -l < "$TMP/rpm.out") answers for $n pairs" "$(head -3 "$TMP/rpm.err")"
    fi
else
    skip "rpm.vercmp cross-check" "rpm could not be installed (apt-get install rpm)"
fi
skip "apk version -t cross-check" "apk-tools is not packaged for Debian; test_version checks apk-tools' own test/version.data"

finish
