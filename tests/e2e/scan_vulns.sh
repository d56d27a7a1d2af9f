#!/usr/bin/env bash
# Vulnerabilities in palisade scan: --feeds, --vuln-threshold, --only-fixed,
# --grace-days, --allow-list, CVE exceptions, checks over
# image.vulnerabilities, and bad feed inputs — on a Debian image built by
# mkimage.py and a small OSV feed written here.
. "$(dirname "$0")/lib/harness.sh"
PAL=$PALISADE tmp=$TMP
ok() { assert "$@"; }  # ok NAME SHELL-EXPRESSION: these scripts' checks are expressions
q() { jq -r "$2" "$1"; }
vulns() { q "$1" '[.vulnerabilities[] | .id + ":" + .status] | join(" ")'; }

# A clean Debian 12 image (no compliance finding) with three packages:
#   libssl3 (source openssl) 3.0.11  — CVE-2024-0001 high, fixed in 3.0.13   (published 2024)
#   zlib1g  (source zlib)            — CVE-2024-0002 low, no fix             (published 2024)
#   curl 7.88                        — CVE-2099-0003 critical, fixed, published "today"
today=$(date -u +%Y-%m-%d)
cat >"$tmp/img.json" <<'EOF'
{"layout": "docker25", "tags": ["shop/api:2.0.1"],
 "config": {"User": "app", "Healthcheck": {"Test": ["CMD", "/app/health"]}},
 "history": [{"created_by": "COPY app /app", "empty_layer": false}],
 "layers": [{"entries": [
   {"path": "etc/passwd", "data": "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n"},
   {"path": "etc/group", "data": "root:x:0:\napp:x:1000:\n"},
   {"path": "etc/os-release", "data": "ID=debian\nVERSION_ID=\"12\"\n"},
   {"path": "var/lib/dpkg/status", "data": "Package: libssl3\nStatus: install ok installed\nSource: openssl\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\n\nPackage: zlib1g\nStatus: install ok installed\nSource: zlib (1:1.2.13.dfsg-1)\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\n\nPackage: curl\nStatus: install ok installed\nVersion: 7.88.1-10+deb12u5\nArchitecture: amd64\n"}
 ]}]}
EOF
python3 tests/e2e/lib/mkimage.py "$tmp/img.tar" --spec "$tmp/img.json" >/dev/null || { echo "FAIL building the image"; exit 1; }
mkdir -p "$tmp/feeds"
cat >"$tmp/feeds/osv.json" <<EOF
[{"id": "DSA-0001-1", "aliases": ["CVE-2024-0001"], "summary": "openssl: overflow", "published": "2024-01-02T00:00:00Z",
  "database_specific": {"severity": "high"},
  "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.13-1~deb12u1"}]}]}]},
 {"id": "CVE-2024-0002", "summary": "zlib: low", "published": "2024-03-02T00:00:00Z",
  "database_specific": {"severity": "low"},
  "affected": [{"package": {"ecosystem": "Debian:12", "name": "zlib"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]},
 {"id": "CVE-2099-0003", "summary": "curl: brand new", "published": "${today}T00:00:00Z",
  "database_specific": {"severity": "critical"},
  "affected": [{"package": {"ecosystem": "Debian:12", "name": "curl"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "7.88.1-10+deb12u6"}]}]}]}]
EOF
scan() { "$PAL" scan "$tmp/img.tar" --feeds "$tmp/feeds" --format json "$@" 2>"$tmp/err"; }

scan >"$tmp/a.json"; rc=$?
ok "no flags: high and critical fail, low is info (exit 1)" \
   '[ $rc -eq 1 ] && [ "$(vulns "$tmp/a.json")" = "CVE-2099-0003:fail CVE-2024-0001:fail CVE-2024-0002:info" ]'
ok "fixed versions and fix_available" \
   '[ "$(q "$tmp/a.json" "[.vulnerabilities[] | .fixed_version + \"/\" + (.fix_available|tostring)] | join(\" \")")" = "7.88.1-10+deb12u6/true 3.0.13-1~deb12u1/true /false" ]'
ok "risk scores are 0..100 and the packages are named" \
   '[ "$(q "$tmp/a.json" "[.vulnerabilities[] | select(.risk < 0 or .risk > 100)] | length")" = 0 ] && [ "$(q "$tmp/a.json" "[.vulnerabilities[].package] | join(\" \")")" = "curl libssl3 zlib1g" ]'
ok "summary counts failing vulnerabilities" '[ "$(q "$tmp/a.json" ".summary.vulnerabilities.failing")" = 2 ]'

scan --vuln-threshold critical >"$tmp/b.json"; rc=$?
ok "--vuln-threshold critical: only the critical fails" '[ $rc -eq 1 ] && [ "$(vulns "$tmp/b.json")" = "CVE-2099-0003:fail CVE-2024-0001:info CVE-2024-0002:info" ]'
scan --vuln-threshold low >"$tmp/c.json"
ok "--vuln-threshold low: all three fail" '[ "$(vulns "$tmp/c.json")" = "CVE-2099-0003:fail CVE-2024-0001:fail CVE-2024-0002:fail" ]'
scan --only-fixed --vuln-threshold low >"$tmp/d.json"
ok "--only-fixed leaves out the one with no fix" '[ "$(vulns "$tmp/d.json")" = "CVE-2099-0003:fail CVE-2024-0001:fail" ]'
scan --grace-days critical=7,high=30 >"$tmp/e.json"; rc=$?
ok "--grace-days: today's critical is in grace, the old high still fails" \
   '[ $rc -eq 1 ] && [ "$(vulns "$tmp/e.json")" = "CVE-2024-0001:fail CVE-2099-0003:grace CVE-2024-0002:info" ]'
ok "... with a note saying why" 'q "$tmp/e.json" ".vulnerabilities[] | select(.status==\"grace\") | .note" | grep -q "within the 7-day grace period for critical"'

cat >"$tmp/allow.yaml" <<'EOF'
allow:
  - id: CVE-2024-0001
    reason: "not reachable: we never parse X.509"
    expires: 2999-01-01
  - id: CVE-2099-0003
    reason: "was fine"
    expires: 2020-01-01
EOF
scan --allow-list "$tmp/allow.yaml" >"$tmp/f.json"; rc=$?
ok "--allow-list: an allowed CVE does not fail, with its reason" \
   '[ "$(q "$tmp/f.json" ".vulnerabilities[] | select(.id==\"CVE-2024-0001\") | .status + \"|\" + .note")" = "allowed|allowed until 2999-01-01: not reachable: we never parse X.509" ]'
ok "--allow-list: an expired entry does not apply, and says so" \
   '[ $rc -eq 1 ] && q "$tmp/f.json" ".vulnerabilities[] | select(.id==\"CVE-2099-0003\") | .status + \"|\" + .note" | grep -q "^fail|the allow-list entry expired on 2020-01-01"'
"$PAL" scan "$tmp/img.tar" --feeds "$tmp/feeds" --allow-list "$tmp/allow.yaml" --format sarif >"$tmp/f.sarif"
ok "sarif: an allowed vulnerability is a suppressed result" \
   '[ "$(q "$tmp/f.sarif" ".runs[0].results[] | select(.ruleId==\"CVE-2024-0001\") | .suppressions[0].status")" = accepted ]'

# the allow list as README.md documents it: its example, pointed at this
# feed's CVE (libssl3 is built from the source package openssl), applies;
# the same entry for another package does not; the JSON form reads the same
python3 - "$(dirname "$0")/../../README.md" "$tmp/readme-allow.yaml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
blocks = [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if b.startswith("allow:")]
if len(blocks) != 1: sys.exit("README.md: want one ```yaml block starting with allow:, found %d" % len(blocks))
open(sys.argv[2], "w").write(blocks[0])
PY
readme_rc=$?
id=$(sed -n 's/^ *- id: *\([^ ]*\).*/\1/p' "$tmp/readme-allow.yaml")
sed "s/$id/CVE-2024-0001/" "$tmp/readme-allow.yaml" >"$tmp/ra.yaml"
scan --allow-list "$tmp/ra.yaml" >"$tmp/ra.json"
sed 's/package: openssl/package: zlib/' "$tmp/ra.yaml" >"$tmp/rb.yaml"
scan --allow-list "$tmp/rb.yaml" >"$tmp/rb.json"
printf '{"allow": [{"id": "cve-2024-0001", "package": "libssl3", "reason": "r"}]}\n' >"$tmp/ra.json-list"
scan --allow-list "$tmp/ra.json-list" >"$tmp/rc.json"
ok "README's allow-list example applies as documented (package: the source package; JSON; id in any case)" \
   '[ $readme_rc -eq 0 ] && [ "$(q "$tmp/ra.json" ".vulnerabilities[] | select(.id==\"CVE-2024-0001\") | .status")" = allowed ] &&
    [ "$(q "$tmp/rb.json" ".vulnerabilities[] | select(.id==\"CVE-2024-0001\") | .status")" = fail ] &&
    [ "$(q "$tmp/rc.json" ".vulnerabilities[] | select(.id==\"CVE-2024-0001\") | .status")" = allowed ]'
"$PAL" scan --help >"$tmp/help.txt"
ok "scan --help gives the allow list's and the exceptions' keys, and which applies first" \
   'grep -q "allow: \[{id, package, reason, expires}\]" "$tmp/help.txt" &&
    grep -q "exceptions: \[{id, image, path, reason, expires}\]" "$tmp/help.txt" && grep -q "applied after --allow-list" "$tmp/help.txt"'

cat >"$tmp/exc.yaml" <<'EOF'
exceptions:
  - id: CVE-2099-0003
    image: "shop/*"
    path: "curl"
    reason: "patched image ships Monday"
  - id: CVE-2024-0001
    path: "libcrypto*"
    reason: "another package"
EOF
scan --exceptions "$tmp/exc.yaml" >"$tmp/g.json"; rc=$?
ok "a CVE exception (path = package) excepts that vulnerability" \
   '[ "$(q "$tmp/g.json" ".vulnerabilities[] | select(.id==\"CVE-2099-0003\") | .status + \"|\" + .exception.reason")" = "excepted|patched image ships Monday" ]'
ok "an exception for another package leaves the CVE failing (exit 1)" \
   '[ $rc -eq 1 ] && [ "$(q "$tmp/g.json" ".vulnerabilities[] | select(.id==\"CVE-2024-0001\") | .status")" = fail ]'
printf 'exceptions:\n  - id: CVE-2099-0003\n    reason: r\n  - id: CVE-2024-0001\n    reason: r\n' >"$tmp/exc2.yaml"
scan --exceptions "$tmp/exc2.yaml" >"$tmp/h.json"; rc=$?
ok "with both failing CVEs excepted the scan passes (exit 0)" '[ $rc -eq 0 ] && [ "$(q "$tmp/h.json" .passed)" = true ]'

# checks can read image.vulnerabilities
mkdir -p "$tmp/mine"
cat >"$tmp/mine/v.pal" <<'EOF'
package checks.vulns

check "ORG-0100" {
  title    "Exploitable or critical vulnerability with a fix"
  severity critical
  fail when any v in image.vulnerabilities: v.severity == "critical" and v.fix_available
  message  "{v.id} in {v.package}: upgrade to {v.fixed_version}"
}
EOF
scan --policy "$tmp/mine" >"$tmp/i.json"
ok "a check over image.vulnerabilities sees the matches" \
   '[ "$(q "$tmp/i.json" ".findings[] | select(.id==\"ORG-0100\") | .message")" = "CVE-2099-0003 in curl: upgrade to 7.88.1-10+deb12u6" ]'
"$PAL" scan "$tmp/img.tar" --policy "$tmp/mine" --format json >"$tmp/j.json"
ok "without --feeds it finds nothing and lists no vulnerabilities" \
   '[ "$(q "$tmp/j.json" "[.findings[] | select(.id==\"ORG-0100\")] | length")" = 0 ] && [ "$(q "$tmp/j.json" ".vulnerabilities | length")" = 0 ]'

# bad inputs
printf '[{"id": "BAD-1", "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "not a version!!"}]}]}]}]\n' >"$tmp/feeds/broken.json"
scan >"$tmp/k.json"; rc=$?
ok "a bad feed record is reported on stderr and skipped; the rest still match" \
   '[ $rc -eq 1 ] && grep -q "broken.json" "$tmp/err" && [ "$(q "$tmp/k.json" ".vulnerabilities | length")" = 3 ]'
ok "... and the report notes it" 'q "$tmp/k.json" ".notes[]" | grep -q "bad record"'
rm "$tmp/feeds/broken.json"
"$PAL" scan "$tmp/img.tar" --feeds "$tmp/no-such-dir" 2>"$tmp/err" >/dev/null; rc=$?
ok "an unreadable --feeds is exit 2 naming it" '[ $rc -eq 2 ] && grep -q "no-such-dir" "$tmp/err"'
"$PAL" scan "$tmp/img.tar" --only-fixed 2>"$tmp/err" >/dev/null; rc=$?
ok "--only-fixed without --feeds is exit 2" '[ $rc -eq 2 ] && grep -q "need --feeds" "$tmp/err"'
scan --grace-days urgent=3 >/dev/null; rc=$?
ok "--grace-days with an unknown severity is exit 2" '[ $rc -eq 2 ] && grep -q "urgent" "$tmp/err"'
printf 'allow:\n  - reason: no id\n' >"$tmp/allow-bad.yaml"
scan --allow-list "$tmp/allow-bad.yaml" >/dev/null; rc=$?
ok "a bad allow list is exit 2 naming it" '[ $rc -eq 2 ] && grep -q "allow-bad.yaml" "$tmp/err"'

finish
