#!/usr/bin/env bash
# versions.sh — `palisade version compare`, and palisade's orderings checked
# against the package managers themselves: dpkg --compare-versions, and
# rpm's own rpm.vercmp (rpm 4.18, installed by the test) on rpm's published
# vectors, on the missing-release rule and on generated epoch:version-release
# pairs.  apk-tools is not packaged for Debian (nor on npm), so apk is
# checked against its published vectors in tests/unit/test_version.c, and
# here against go-apk-version, the apk comparator Trivy uses (Debian's
# golang-github-knqyf263-go-apk-version-dev, built with golang-go by the
# test), on those vectors and on generated pairs.
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

# --- go-apk-version (Trivy's port of apk-tools' version.c)
GOAPK=/usr/share/gocode/src/github.com/knqyf263/go-apk-version
if tool go golang-go && tool_file "$GOAPK/version.go" golang-github-knqyf263-go-apk-version-dev; then
    mkdir -p "$TMP/apkcmp"
    cat > "$TMP/apkcmp/main.go" <<'GO'
// "A B" lines in, "<", "=", ">" or "invalid" out, by go-apk-version.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	version "github.com/knqyf263/go-apk-version"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		f := strings.Fields(in.Text())
		a, err1 := version.NewVersion(f[0])
		b, err2 := version.NewVersion(f[1])
		if err1 != nil || err2 != nil {
			fmt.Println("invalid")
			continue
		}
		switch c := a.Compare(b); {
		case c < 0:
			fmt.Println("<")
		case c > 0:
			fmt.Println(">")
		default:
			fmt.Println("=")
		}
	}
}
GO
    if (cd "$TMP/apkcmp" && GO111MODULE=off GOPATH=$TMP/gopath:/usr/share/gocode GOCACHE=$TMP/gocache GOPROXY=off \
            go build -o apkcmp main.go) 2>"$TMP/apkcmp.err"; then
        # apk-tools' published pairs, then every pair of generated versions:
        # letters, letter-digit, pre- and post-release suffixes, revisions
        awk 'NF == 3 && $1 !~ /^#/ { print $1, $3 }' tests/unit/data/apk-version.data > "$TMP/apairs"
        for v in 1.0 1.0.1 1.0a 1.0b2 1.0_alpha 1.0_alpha2 1.0_beta1 1.0_pre1 1.0_rc1 1.0_p1 1.0_git20200101 \
                 1.0_cvs 1.01 1.0.0 2 1.0_rc1_p2 1.0a_p1 1.10 1.9.5p2 1.9.5p10; do
            for r in "" -r0 -r1 -r10; do echo "$v$r"; done
        done > "$TMP/avers"
        awk 'NR == FNR { a[n++] = $0; next } END { for (i = 0; i < n; i++) for (j = 0; j < n; j++) print a[i], a[j] }' \
            "$TMP/avers" /dev/null >> "$TMP/apairs"
        "$TMP/apkcmp/apkcmp" < "$TMP/apairs" > "$TMP/go.out"
        $P version compare apk < "$TMP/apairs" | sed 's/^invalid:.*/invalid/' > "$TMP/pal.out"
        n=$(wc -l < "$TMP/apairs")
        paste -d' ' "$TMP/apairs" "$TMP/go.out" "$TMP/pal.out" | awk '$3 != $4' > "$TMP/adiff"
        # The one known disagreement: go-apk-version (2020) puts a release
        # before its own pre-release ("1.0" < "1.0_rc1"), where apk-tools'
        # test/version.data says "6.0_pre1 < 6.0" and palisade follows it.
        # Only that shape is set aside, and counted.
        awk '{ a = $1; b = $2; if (length(b) < length(a)) { t = a; a = b; b = t }
               if (a ~ /^[0-9.]+[a-z]?$/ && index(b, a "_") == 1 && substr(b, length(a) + 2) ~ /^(alpha|beta|pre|rc)/) next
               print }' "$TMP/adiff" > "$TMP/adiff.other"
        known=$(( $(wc -l < "$TMP/adiff") - $(wc -l < "$TMP/adiff.other") ))
        expect_eq "go-apk-version agrees on all $n pairs (apk-tools' published, generated) but $known where a release meets its own pre-release" \
            "$(head -5 "$TMP/adiff.other")" ""
        expect_eq "there, palisade says what apk-tools' version.data says: 6.0_pre1 < 6.0, 1.0_rc1-r1 < 1.0" \
            "$($P version compare apk 6.0_pre1 6.0) $($P version compare apk 1.0_rc1-r1 1.0)" "< <"
    else
        bad "go build of the go-apk-version comparator" "$(tail -5 "$TMP/apkcmp.err")"
    fi
else
    skip "go-apk-version cross-check" "golang-go or golang-github-knqyf263-go-apk-version-dev could not be installed"
fi
skip "apk version -t itself" "apk-tools is not packaged for Debian bookworm nor on npm, and a static build would need its source from elsewhere; its own test/version.data is checked by test_version and above"

finish
