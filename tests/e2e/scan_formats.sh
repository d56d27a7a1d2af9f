#!/usr/bin/env bash
# palisade scan's machine formats, validated by the tools their consumers use:
#   sarif   Microsoft's SARIF Multitool `validate` (tests/tools/sarif-multitool.sh
#           installs it) with no errors, and the SARIF 2.1.0 JSON schema it ships
#           (the Multitool silently skips a file that does not deserialize, so the
#           schema check catches what it would not); a canary with a known error
#           proves the validator really ran
#   junit   xmllint --schema against the Ant JUnit XSD (tests/tools/junit.xsd)
#   json    strict JSON with the documented fields (engine/report/report.h)
#   github  one workflow command per line, escaped per GitHub's rules
# on an image with findings, an excepted finding, file names full of
# characters each format must escape (% , : < & " newline, invalid UTF-8),
# and vulnerabilities from a small OSV feed.
#
# SKIP_SARIF_MULTITOOL=1 skips the Multitool (offline machines); nothing
# else is ever skipped.
. "$(dirname "$0")/lib/harness.sh"
PAL=$PALISADE tmp=$TMP
ok() { assert "$@"; }  # ok NAME SHELL-EXPRESSION: these scripts' checks are expressions
q() { jq -r "$2" "$1"; }

# ---------------------------------------------------------------- the image
# PAL-0041 (root), PAL-0048 (setuid, medium), PAL-0424 private keys under
# hostile names; the dpkg database has openssl (fixed upstream: fails)
# and zlib (low, no fix: below the threshold).
b64() { printf '%s' "$1" | base64 -w0; }
pem='-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----\n'
cat >"$tmp/img.json" <<EOF
{"layout": "docker25", "tags": ["shop/api:2.0.1"],
 "config": {"User": "root", "Healthcheck": {"Test": ["CMD", "/app/health"]}},
 "history": [{"created_by": "COPY app /app", "empty_layer": false}],
 "layers": [{"entries": [
   {"path": "etc/passwd", "data": "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n"},
   {"path": "etc/group", "data": "root:x:0:\napp:x:1000:\n"},
   {"path": "etc/os-release", "data": "ID=debian\nVERSION_ID=\"12\"\n"},
   {"path": "var/lib/dpkg/status", "data": "Package: libssl3\nStatus: install ok installed\nSource: openssl\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\n\nPackage: zlib1g\nStatus: install ok installed\nSource: zlib (1:1.2.13.dfsg-1)\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\n"},
   {"path": "usr/bin/su2", "data": "x", "mode": 3565},
   {"path": "opt/app", "type": "dir"},
   {"path": "opt/app/ok.pem", "data": "$pem"},
   {"path_b64": "$(b64 'opt/app/100%,a:b<&>"q'"'"'.pem')", "data": "$pem"},
   {"path_b64": "$(b64 $'opt/app/line\nbreak.pem')", "data": "$pem"},
   {"path_b64": "$(printf 'opt/app/bad\xff\xfeutf8.pem' | base64 -w0)", "data": "$pem"}
 ]}]}
EOF
python3 tests/e2e/lib/mkimage.py "$tmp/img.tar" --spec "$tmp/img.json" >/dev/null || { echo "FAIL building the image"; exit 1; }
mkdir -p "$tmp/feeds"
cat >"$tmp/feeds/osv.json" <<'EOF'
[{"id": "DSA-0001-1", "aliases": ["CVE-2024-0001"], "summary": "openssl: buffer overflow in X.509 <names> & \"quotes\"",
  "published": "2024-01-02T00:00:00Z", "database_specific": {"severity": "high"},
  "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.13-1~deb12u1"}]}]}]},
 {"id": "CVE-2024-0002", "summary": "zlib: a low one", "published": "2024-03-02T00:00:00Z",
  "database_specific": {"severity": "low"},
  "affected": [{"package": {"ecosystem": "Debian:12", "name": "zlib"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}]
EOF
cat >"$tmp/exc.yaml" <<'EOF'
exceptions:
  - id: PAL-0424
    path: "/opt/app/ok.pem"
    reason: "a test fixture, not a secret"
    expires: 2999-12-31
EOF
# a custom check whose title holds the characters that end a property
mkdir -p "$tmp/mine"
cat >"$tmp/mine/org.pal" <<'EOF'
package checks.org

check "ORG-0001" {
  title    "Owner, team: label missing"
  severity low
  fail when not (any l in image.config.labels: l.name == "owner")
  message  "no owner label, see: wiki"
}
EOF
args=(--feeds "$tmp/feeds" --exceptions "$tmp/exc.yaml" --policy "$tmp/mine")

for fmt in json sarif junit github text; do
    "$PAL" scan "$tmp/img.tar" "${args[@]}" --format $fmt >"$tmp/out.$fmt" 2>"$tmp/err.$fmt"
    echo $? >"$tmp/rc.$fmt"
done
ok "every format exits 1 (a failing finding and vulnerability)" \
   '[ "$(cat "$tmp"/rc.json "$tmp"/rc.sarif "$tmp"/rc.junit "$tmp"/rc.github "$tmp"/rc.text | sort -u)" = 1 ]'
ok "nothing on stderr" '! [ -s "$tmp/err.json" ] && ! [ -s "$tmp/err.sarif" ] && ! [ -s "$tmp/err.junit" ]'

# ---------------------------------------------------------------- json
J="$tmp/out.json"
ok "json: strict JSON (python json, no NaN)" 'python3 -c "import json,sys; json.load(open(sys.argv[1]), parse_constant=lambda c: sys.exit(1))" "$J"'
ok "json: schema palisade.scan/v1 with the documented top-level fields" \
   '[ "$(q "$J" "[.schema, (.image|type), (.findings|type), (.vulnerabilities|type), (.checks|type), (.summary|type), (.passed|type), .fail_on] | join(\",\")")" = "palisade.scan/v1,object,array,array,array,object,boolean,high" ]'
ok "json: image name, id, os" '[ "$(q "$J" ".image.name + \"|\" + .image.os + \"|\" + (.image.id|.[0:7])")" = "shop/api:2.0.1|linux|sha256:" ]'
ok "json: four key findings (one excepted), names kept exactly" \
   '[ "$(q "$J" "[.findings[] | select(.id==\"PAL-0424\")] | length")" = 4 ] && q "$J" ".findings[].element" | grep -qF "/opt/app/100%,a:b<&>\"q'"'"'.pem"'
ok "json: a newline in a file name is kept as \\n" 'q "$J" ".findings[].message" | grep -q "^/opt/app/line$"'
ok "json: invalid UTF-8 becomes U+FFFD" 'q "$J" ".findings[].element" | grep -q "bad��utf8.pem"'
ok "json: the excepted finding" '[ "$(q "$J" ".findings[] | select(.status==\"excepted\") | .element + \"|\" + .exception.reason")" = "/opt/app/ok.pem|a test fixture, not a secret" ]'
ok "json: every finding has id, title, severity, status, message, frameworks, remediation" \
   '[ "$(q "$J" "[.findings[] | select((.id|type)==\"string\" and (.title|type)==\"string\" and (.severity|type)==\"string\" and (.status|type)==\"string\" and (.message|type)==\"string\" and (.frameworks|type)==\"array\" and (.remediation|type)==\"string\")] | length")" = "$(q "$J" ".findings|length")" ]'
ok "json: vulnerabilities with id, package, fixed version, status" \
   '[ "$(q "$J" "[.vulnerabilities[] | .id + \"|\" + .package + \"|\" + .fixed_version + \"|\" + .status] | join(\" \")")" = "CVE-2024-0001|libssl3|3.0.13-1~deb12u1|fail CVE-2024-0002|zlib1g||info" ]'
ok "json: summary counts" \
   '[ "$(q "$J" "[.summary.findings.high, .summary.findings.medium, .summary.findings.low, .summary.excepted_findings, .summary.vulnerabilities.failing] | map(tostring) | join(\",\")")" = "4,1,1,1,1" ]'
ok "json: checks[] has every check that ran with its status" \
   '[ "$(q "$J" ".checks|length")" = "$(q "$J" .summary.checks)" ] && [ "$(q "$J" ".checks[] | select(.id==\"PAL-0041\") | .status")" = fail ]'

# ---------------------------------------------------------------- sarif
S="$tmp/out.sarif"
ok "sarif: version 2.1.0, one run, tool palisade" '[ "$(q "$S" ".version + \"|\" + (.runs|length|tostring) + \"|\" + .runs[0].tool.driver.name")" = "2.1.0|1|palisade" ]'
ok "sarif: one result per finding and vulnerability" \
   '[ "$(q "$S" ".runs[0].results|length")" = "$(( $(q "$J" ".findings|length") + $(q "$J" ".vulnerabilities|length") ))" ]'
ok "sarif: every result names a rule that exists at its index" \
   '[ "$(q "$S" ".runs[0] as \$r | [.runs[0].results[] | select(\$r.tool.driver.rules[.ruleIndex].id != .ruleId)] | length")" = 0 ]'
ok "sarif: rules carry help and frameworks" \
   'q "$S" ".runs[0].tool.driver.rules[] | select(.id==\"PAL-0041\") | .help.text, (.properties.frameworks[] | .framework + \" \" + .control)" | grep -q "^cis_docker 4.1$"'
ok "sarif: the excepted finding is an accepted suppression with the reason" \
   '[ "$(q "$S" "[.runs[0].results[] | select(.suppressions) | .suppressions[0].status + \"|\" + .suppressions[0].justification] | join(\" \")")" = "accepted|a test fixture, not a secret" ]'
ok "sarif: a vulnerability is a rule and a result" '[ "$(q "$S" "[.runs[0].results[] | select(.ruleId==\"CVE-2024-0001\")] | length")" = 1 ]'
ok "sarif: results point at the image (file: URI) and a logical location" \
   '[ "$(q "$S" ".runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri | startswith(\"file:///\")")" = true ] && q "$S" ".runs[0].results[].locations[0].logicalLocations[0].name" | grep -q "^/opt/app/ok.pem$"'

# a canary with a known error: the validators must reject it
jq '.runs[0].results[0].ruleIndex = 999' "$S" >"$tmp/canary-index.sarif"
jq '.runs[0].results[0].level = "severe"' "$S" >"$tmp/canary-schema.sarif"
if [ "${SKIP_SARIF_MULTITOOL:-}" = 1 ]; then
    skip "sarif: Multitool validate" "SKIP_SARIF_MULTITOOL=1"
else
    MT=$(tests/tools/sarif-multitool.sh) || MT=
    ok "sarif: the SARIF Multitool is installed (tests/tools/sarif-multitool.sh)" '[ -n "$MT" ]'
    if [ -n "$MT" ]; then
        export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
        "$MT" validate "$S" "$tmp/canary-index.sarif" >"$tmp/mt.log" 2>&1
        ok "sarif: Multitool validate finds no error in palisade's output" \
           '! grep "out.sarif" "$tmp/mt.log" | grep -q ": error " && grep -q "files scanned" "$tmp/mt.log"' || grep "out.sarif" "$tmp/mt.log" | grep ": error " | head -5
        ok "sarif: ... and does find the canary's error (the validator ran)" 'grep "canary-index.sarif" "$tmp/mt.log" | grep -q ": error SARIF1009"'
        schema="$(dirname "$MT")/sarif-2.1.0.json"
        if python3 -c "import jsonschema" 2>/dev/null; then
            cat >"$tmp/schema.py" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
v = jsonschema.validators.validator_for(schema)(schema)
errs = list(v.iter_errors(json.load(open(sys.argv[2]))))
for e in errs[:5]:
    print("%s: %s" % ("/".join(map(str, e.absolute_path)), e.message[:200]))
sys.exit(1 if errs else 0)
PY
            ok "sarif: valid against the SARIF 2.1.0 JSON schema" 'python3 "$tmp/schema.py" "$schema" "$S"'
            ok "sarif: ... which rejects the canary" '! python3 "$tmp/schema.py" "$schema" "$tmp/canary-schema.sarif" >/dev/null'
        else
            skip "sarif: JSON schema check" "python3-jsonschema is not installed"
        fi
    fi
fi

# ---------------------------------------------------------------- junit
X="$tmp/out.junit"
ok "junit: valid against the Ant JUnit XSD" 'xmllint --noout --schema tests/tools/junit.xsd "$X" 2>"$tmp/xsd.log"' || head -5 "$tmp/xsd.log"
count() { xmllint --xpath "$1" "$X" 2>/dev/null; }
ok "junit: one testsuite for the image" '[ "$(count "count(/testsuites/testsuite)")" = 1 ] && [ "$(count "string(/testsuites/testsuite/@name)")" = "shop/api:2.0.1" ]'
ok "junit: one testcase per check run and per vulnerability" \
   '[ "$(count "count(//testcase)")" = "$(( $(q "$J" .summary.checks) + $(q "$J" ".vulnerabilities|length") ))" ] && [ "$(count "string(//testsuite/@tests)")" = "$(count "count(//testcase)")" ]'
ok "junit: failures = failed checks + failing vulnerabilities" \
   '[ "$(count "count(//testcase/failure)")" = "$(( $(q "$J" .summary.failed) + 1 ))" ] && [ "$(count "string(//testsuite/@failures)")" = "$(count "count(//testcase/failure)")" ]'
ok "junit: the key check's failure lists the hostile names intact" \
   'count "string(//testcase[starts-with(@name,\"PAL-0424\")]/failure)" | grep -qF "/opt/app/100%,a:b<&>\"q'"'"'.pem holds a private key"'
ok "junit: the excepted finding is in system-out with its reason" 'count "string(//system-out)" | grep -q "excepted PAL-0424: /opt/app/ok.pem.*a test fixture"'

# ---------------------------------------------------------------- github
G="$tmp/out.github"
ok "github: every line is a workflow command or the summary" '! grep -qvE "^(::(error|warning|notice) title=[^:]*::|PASS: |FAIL: )" "$G"'
ok "github: one ::error per failing high finding and vulnerability" \
   '[ "$(grep -c "^::error " "$G")" = "$(( $(q "$J" ".summary.findings.high") + 1 ))" ]'
ok "github: the medium finding is a ::warning, the excepted one a ::notice" \
   'grep -q "^::warning title=PAL-0048 (medium)" "$G" && grep -q "^::notice title=PAL-0424 (high).*::excepted until 2999-12-31: /opt/app/ok.pem holds a private key -- a test fixture" "$G"'
ok "github: % and newlines in messages are escaped (%25, %0A)" \
   'grep -qF "::/opt/app/100%25,a:b<&>\"q'"'"'.pem holds a private key%0Afix: " "$G" && grep -qF "::/opt/app/line%0Abreak.pem holds" "$G"'
ok "github: , and : in a title are escaped (%2C, %3A), not in the message" \
   'grep -qxF "::notice title=ORG-0001 (low) Owner%2C team%3A label missing::no owner label, see: wiki" "$G"'
ok "github: the summary line says FAIL" '[ "$(tail -n1 "$G" | cut -c1-5)" = "FAIL:" ]'

# ---------------------------------------------------------------- text
T="$tmp/out.text"
ok "text: grouped by severity, excepted and vulnerabilities apart, FAIL summary" \
   'grep -q "^HIGH (4)" "$T" && grep -q "^EXCEPTED (1)" "$T" && grep -q "^VULNERABILITIES (2)" "$T" && grep -q "^FAIL: 6 findings (0 critical, 4 high, 1 medium, 1 low), 1 excepted" "$T"'
"$PAL" scan "$tmp/img.tar" --disable PAL-0424,PAL-0041 --format text >"$tmp/pass.txt"; rc=$?
ok "text: PASS when only the medium finding is left" '[ $rc -eq 0 ] && grep -q "^PASS: 1 finding " "$tmp/pass.txt"'

# ---------------------------------------------------------------- no --feeds
# no package was matched against a feed: every format says so, none reads
# like a clean vulnerability scan (an empty list and zero counts)
NC="vulnerabilities were not checked: no --feeds given"
for fmt in json sarif junit github text; do
    "$PAL" scan "$tmp/img.tar" --format $fmt >"$tmp/nf.$fmt" 2>/dev/null
done
ok "json without --feeds: vulnerabilities_checked false, beside the counts too, and a note" \
   '[ "$(q "$tmp/nf.json" "[.vulnerabilities_checked, .summary.vulnerabilities.checked, (.vulnerabilities|length)] | map(tostring) | join(\",\")")" = "false,false,0" ] && q "$tmp/nf.json" ".notes[]" | grep -qF "$NC"'
ok "json with --feeds: vulnerabilities_checked true, no such note" \
   '[ "$(q "$J" "[.vulnerabilities_checked, .summary.vulnerabilities.checked] | map(tostring) | join(\",\")")" = "true,true" ] && ! grep -qF "$NC" "$J"'
ok "sarif without --feeds: run property and a tool notification" \
   '[ "$(q "$tmp/nf.sarif" ".runs[0].properties.vulnerabilitiesChecked")" = false ] && q "$tmp/nf.sarif" ".runs[0].invocations[0].toolExecutionNotifications[].message.text" | grep -qF "$NC"'
ok "junit without --feeds: property vulnerabilities.checked=false and system-out, still valid" \
   'xmllint --xpath "string(//property[@name=\"vulnerabilities.checked\"]/@value)" "$tmp/nf.junit" | grep -qx false && xmllint --xpath "string(//system-out)" "$tmp/nf.junit" | grep -qF "$NC" && xmllint --noout --schema tests/tools/junit.xsd "$tmp/nf.junit" 2>/dev/null'
ok "github without --feeds: a ::notice and the summary line say so" \
   'grep -qF "::notice title=palisade scan::$NC" "$tmp/nf.github" && tail -n1 "$tmp/nf.github" | grep -qF "; vulnerabilities not checked;"'
ok "text without --feeds: VULNERABILITIES not checked, and in the summary" \
   'grep -q "^VULNERABILITIES: not checked (no --feeds given" "$tmp/nf.text" && tail -n1 "$tmp/nf.text" | grep -qF "; vulnerabilities not checked;"'
ok "text with --feeds: nothing says not checked" '! grep -q "not checked" "$T"'

finish
