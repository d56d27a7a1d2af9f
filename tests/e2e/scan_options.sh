#!/usr/bin/env bash
# palisade scan's options, end to end, on images built by mkimage.py:
#   exit codes and --fail-on; frameworks (every finding lists them,
#   --framework, --frameworks-dir, bad framework files); --disable;
#   --exceptions (excepted, expired, image and path globs, bad files);
#   custom checks added with --policy (dir and bundle), --no-builtin,
#   duplicate check IDs; -o (atomic, format from the extension).
. "$(dirname "$0")/lib/harness.sh"
PAL=$PALISADE tmp=$TMP
ok() { assert "$@"; }  # ok NAME SHELL-EXPRESSION: these scripts' checks are expressions
scan() { "$PAL" scan "$@"; }
# jq over a JSON report: q FILE FILTER
q() { jq -r "$2" "$1"; }

# ---------------------------------------------------------------- images
# clean: passes every built-in check.  bad: runs as root (PAL-0041, high),
# holds a private key under /opt/app (PAL-0424, high) and a setuid file
# (PAL-0048, medium).  medium: only the setuid file.
base='"layout": "docker25", "tags": ["shop/web:1.4.2"],
 "history": [{"created_by": "COPY app /app", "empty_layer": false}]'
accounts='{"path": "etc/passwd", "data": "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n"},
   {"path": "etc/group", "data": "root:x:0:\napp:x:1000:\n"},
   {"path": "app/server", "data": "#!/bin/sh\necho hi\n", "mode": 493}'
key='{"path": "opt/app/key.pem", "data": "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----\n"}'
setuid='{"path": "usr/bin/su2", "data": "x", "mode": 3565}'
health='"Healthcheck": {"Test": ["CMD", "/app/health"]}'
cat >"$tmp/clean.json" <<EOF
{$base, "config": {"User": "app", $health}, "layers": [{"entries": [$accounts]}]}
EOF
cat >"$tmp/bad.json" <<EOF
{$base, "config": {"User": "root", $health}, "layers": [{"entries": [$accounts, $key, $setuid]}]}
EOF
cat >"$tmp/medium.json" <<EOF
{$base, "config": {"User": "app", $health}, "layers": [{"entries": [$accounts, $setuid]}]}
EOF
for i in clean bad medium; do
    python3 tests/e2e/lib/mkimage.py "$tmp/$i.tar" --spec "$tmp/$i.json" >/dev/null || { echo "FAIL building $i"; exit 1; }
done
ids() { q "$1" '[.findings[] | select(.status == "fail") | .id] | sort | join(" ")'; }

# ---------------------------------------------------------------- exit codes
scan "$tmp/clean.tar" >"$tmp/out" 2>&1; rc=$?
ok "clean image passes (exit 0)" '[ $rc -eq 0 ] && grep -q "^PASS" "$tmp/out"'
scan "$tmp/bad.tar" --format json >"$tmp/bad.json.out"; rc=$?
ok "bad image fails (exit 1)" '[ $rc -eq 1 ]'
ok "bad image: exactly PAL-0041, PAL-0048, PAL-0424" '[ "$(ids "$tmp/bad.json.out")" = "PAL-0041 PAL-0048 PAL-0424" ]'
ok "json says passed=false, fail_on high" '[ "$(q "$tmp/bad.json.out" ".passed,.fail_on" | tr "\n" " ")" = "false high " ]'
scan "$tmp/bad.tar" --fail-on critical >/dev/null; rc=$?
ok "--fail-on critical: high findings do not fail (exit 0)" '[ $rc -eq 0 ]'
scan "$tmp/medium.tar" >"$tmp/out"; rc=$?
ok "a medium finding passes at the default --fail-on high" '[ $rc -eq 0 ] && grep -q "^PASS" "$tmp/out" && grep -q "PAL-0048" "$tmp/out"'
scan "$tmp/medium.tar" --fail-on medium >/dev/null; rc=$?
ok "--fail-on medium fails on it (exit 1)" '[ $rc -eq 1 ]'
scan "$tmp/bad.tar" >"$tmp/out"; rc=$?
ok "text report groups by severity" 'grep -q "^HIGH (2)" "$tmp/out" && grep -q "^MEDIUM (1)" "$tmp/out" && grep -q "^FAIL: 3 findings" "$tmp/out"'
scan "$tmp/nope.tar" 2>"$tmp/err"; rc=$?
ok "a missing image is exit 2 naming it" '[ $rc -eq 2 ] && grep -q "nope.tar" "$tmp/err"'
scan "$tmp/bad.tar" --fail-on severe 2>"$tmp/err" >/dev/null; rc=$?
ok "an unknown --fail-on is exit 2" '[ $rc -eq 2 ] && grep -q "severe" "$tmp/err"'
scan "$tmp/bad.tar" --bogus 2>"$tmp/err" >/dev/null; rc=$?
ok "an unknown option is exit 2" '[ $rc -eq 2 ] && grep -q "unknown option" "$tmp/err"'
scan "$tmp/bad.tar" --format xml 2>"$tmp/err" >/dev/null; rc=$?
ok "an unknown --format is exit 2 listing the formats" '[ $rc -eq 2 ] && grep -q "sarif" "$tmp/err"'

# ---------------------------------------------------------------- frameworks
ok "PAL-0041 lists CIS Docker 4.1 with the control's title" \
   '[ "$(q "$tmp/bad.json.out" ".findings[] | select(.id==\"PAL-0041\") | .frameworks[] | select(.framework==\"cis_docker\") | .control + \"|\" + .title")" = "4.1|Ensure that a user for the container has been created" ]'
ok "every finding lists at least one framework" '[ "$(q "$tmp/bad.json.out" "[.findings[] | select((.frameworks | length) == 0)] | length")" = 0 ]'
ok "controls map for each finding" '[ "$(q "$tmp/bad.json.out" ".findings[] | select(.id==\"PAL-0041\") | .controls.cis_docker")" = "4.1" ]'
# the checks --framework cis_docker must run: every check whose references name cis_docker
scan "$tmp/bad.tar" --format json --framework cis_docker >"$tmp/cis.json"; rc=$?
ok "--framework cis_docker runs only checks mapped to it" \
   '[ "$(q "$tmp/cis.json" "[.findings[] | select(all(.frameworks[]; .framework != \"cis_docker\"))] | length")" = 0 ] && [ "$(q "$tmp/cis.json" ".summary.checks")" -lt "$(q "$tmp/bad.json.out" ".summary.checks")" ]'
ok "--framework cis_docker: PAL-0041 still fails, the key check (not CIS) is gone" \
   '[ $rc -eq 1 ] && ids "$tmp/cis.json" | grep -q PAL-0041 && ! ids "$tmp/cis.json" | grep -q PAL-0424'
scan "$tmp/bad.tar" --format json --framework cis_docker_1.6 >"$tmp/cis2.json"
ok "--framework takes the file name too (cis_docker_1.6)" '[ "$(q "$tmp/cis2.json" ".summary.checks")" = "$(q "$tmp/cis.json" ".summary.checks")" ]'
scan "$tmp/bad.tar" --framework nist_9999 2>"$tmp/err" >/dev/null; rc=$?
ok "an unknown framework is exit 2 listing the known ones" '[ $rc -eq 2 ] && grep -q "nist_9999" "$tmp/err" && grep -q "cis_docker" "$tmp/err" && grep -q "pci_dss" "$tmp/err"'

mkdir -p "$tmp/fw" "$tmp/fwbad" "$tmp/fwdup"
cat >"$tmp/fw/acme.yaml" <<'EOF'
framework: acme
title: ACME container standard
version: "2"
controls:
  - id: SEC-1
    title: No root containers
    checks: [PAL-0041]
  - id: SEC-2
    title: Not automated yet
EOF
scan "$tmp/bad.tar" --format json --frameworks-dir "$tmp/fw" >"$tmp/acme.json"
ok "--frameworks-dir: a user framework shows on the findings it maps" \
   '[ "$(q "$tmp/acme.json" ".findings[] | select(.id==\"PAL-0041\") | .frameworks[] | select(.framework==\"acme\") | .control")" = "SEC-1" ]'
scan "$tmp/bad.tar" --format json --frameworks-dir "$tmp/fw" --framework acme >"$tmp/acme2.json"
ok "--framework acme runs its one check" '[ "$(q "$tmp/acme2.json" ".summary.checks")" = 1 ] && [ "$(ids "$tmp/acme2.json")" = "PAL-0041" ]'
printf 'framework: acme\ncontrols:\n  - id: "1"\n    checks: [PAL-0041\n  - id: "2"\n' >"$tmp/fwbad/broken.yaml"
scan "$tmp/bad.tar" --frameworks-dir "$tmp/fwbad" 2>"$tmp/err" >/dev/null; rc=$?
ok "a framework file with a YAML error is exit 2 at file:line" '[ $rc -eq 2 ] && grep -q "broken.yaml:[0-9]*:[0-9]*: YAML syntax error" "$tmp/err"'
printf 'framework: acme\ncontrols:\n  - id: "1"\n    chekcs: [PAL-0041]\n' >"$tmp/fwbad/broken.yaml"
scan "$tmp/bad.tar" --frameworks-dir "$tmp/fwbad" 2>"$tmp/err" >/dev/null; rc=$?
ok "a misspelt key is exit 2 at its line" '[ $rc -eq 2 ] && grep -q "broken.yaml:4:5: unknown key .chekcs." "$tmp/err"'
printf 'framework: acme\nbase: &b [PAL-0041]\ncontrols:\n  - id: "1"\n    checks: *b\n' >"$tmp/fwbad/broken.yaml"
scan "$tmp/bad.tar" --frameworks-dir "$tmp/fwbad" 2>"$tmp/err" >/dev/null; rc=$?
ok "YAML anchors/aliases are refused" '[ $rc -eq 2 ] && grep -q "broken.yaml:2:.*anchors and aliases" "$tmp/err"'
printf 'framework: cis_docker\ncontrols: []\n' >"$tmp/fwdup/mine.yaml"
scan "$tmp/bad.tar" --frameworks-dir "$tmp/fwdup" 2>"$tmp/err" >/dev/null; rc=$?
ok "a framework key the built-ins use is exit 2 naming both files" '[ $rc -eq 2 ] && grep -q "mine.yaml:1" "$tmp/err" && grep -q "checks/frameworks/cis_docker" "$tmp/err"'

# ---------------------------------------------------------------- --disable
scan "$tmp/bad.tar" --format json --disable PAL-0041 >"$tmp/d1.json"
ok "--disable PAL-0041: gone, one check fewer" \
   '[ "$(ids "$tmp/d1.json")" = "PAL-0048 PAL-0424" ] && [ "$(( $(q "$tmp/bad.json.out" ".summary.checks") - 1 ))" = "$(q "$tmp/d1.json" ".summary.checks")" ]'
scan "$tmp/bad.tar" --disable PAL-0041,PAL-0424 >/dev/null; rc1=$?
scan "$tmp/bad.tar" --disable PAL-0041 --disable " PAL-0424" >/dev/null; rc2=$?
ok "--disable takes comma lists and repeats (then only medium: exit 0)" '[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]'
scan "$tmp/bad.tar" --disable PAL-9999 2>"$tmp/err" >/dev/null; rc=$?
ok "--disable of an unknown ID is exit 2" '[ $rc -eq 2 ] && grep -q "PAL-9999" "$tmp/err"'
scan "$tmp/bad.tar" --disable pal-0041 2>"$tmp/err" >/dev/null; rc=$?
ok "--disable pal-0041: exit 2, naming the ID in its case" '[ $rc -eq 2 ] && grep -qF "did you mean PAL-0041? (IDs are case-sensitive)" "$tmp/err"'
echo old >"$tmp/out.pdf"
scan "$tmp/bad.tar" -o "$tmp/out.pdf" 2>"$tmp/err" >/dev/null; rc=$?
ok "-o out.pdf: exit 2 naming the extensions, nothing written" '[ $rc -eq 2 ] && grep -qF "is not a report format (.txt, .json, .sarif, .xml, .html; or give --format)" "$tmp/err" && [ "$(cat "$tmp/out.pdf")" = old ]'
scan "$tmp/bad.tar" -o "$tmp/out.pdf" --format json >/dev/null 2>&1
ok "-o out.pdf --format json: the format given wins" 'jq -e ".schema == \"palisade.scan/v1\"" "$tmp/out.pdf" >/dev/null'
scan "$tmp/bad.tar" -o "$tmp/out.txt" >/dev/null 2>&1
ok "-o out.txt: text" 'tail -n1 "$tmp/out.txt" | grep -qE "^(PASS|FAIL): "'

# ---------------------------------------------------------------- exceptions
cat >"$tmp/exc.yaml" <<'EOF'
# accepted risks
exceptions:
  - id: PAL-0041
    image: "shop/*"
    reason: "runs as root until ticket SEC-12"
    expires: 2999-01-31
  - id: PAL-0424
    path: "/opt/app/*"
    reason: "test key, not a secret"
  - id: PAL-0048
    image: "other/*"
    reason: "not this image"
EOF
scan "$tmp/bad.tar" --format json --exceptions "$tmp/exc.yaml" >"$tmp/e.json"; rc=$?
ok "excepted findings do not fail the scan (only the medium is left: exit 0)" '[ $rc -eq 0 ] && [ "$(q "$tmp/e.json" .passed)" = true ]'
ok "excepted findings are reported with status and reason" \
   '[ "$(q "$tmp/e.json" ".findings[] | select(.id==\"PAL-0041\") | .status + \"|\" + .exception.reason + \"|\" + .exception.expires")" = "excepted|runs as root until ticket SEC-12|2999-01-31" ]'
ok "a path glob on the element excepts the key finding" '[ "$(q "$tmp/e.json" ".findings[] | select(.id==\"PAL-0424\") | .status")" = excepted ]'
ok "an image glob for another image does not apply" '[ "$(q "$tmp/e.json" ".findings[] | select(.id==\"PAL-0048\") | .status")" = fail ]'
ok "summary counts excepted findings apart" '[ "$(q "$tmp/e.json" ".summary.excepted_findings,.summary.findings.high" | tr "\n" " ")" = "2 0 " ]'
scan "$tmp/bad.tar" --exceptions "$tmp/exc.yaml" >"$tmp/e.txt"
ok "text report has an EXCEPTED section with the reason" 'grep -q "^EXCEPTED (2)" "$tmp/e.txt" && grep -q "until 2999-01-31: runs as root until ticket SEC-12" "$tmp/e.txt"'
cat >"$tmp/exc2.yaml" <<'EOF'
exceptions:
  - id: PAL-0041
    reason: "was fine last year"
    expires: 2020-01-31
  - id: PAL-0424
    path: "/srv/*"
    reason: "other path"
EOF
scan "$tmp/bad.tar" --format json --exceptions "$tmp/exc2.yaml" >"$tmp/e2.json"; rc=$?
ok "an expired exception no longer applies: the scan fails" '[ $rc -eq 1 ] && [ "$(q "$tmp/e2.json" ".findings[] | select(.id==\"PAL-0041\") | .status")" = fail ]'
ok "... and the report says it expired" \
   '[ "$(q "$tmp/e2.json" ".findings[] | select(.id==\"PAL-0041\") | .exception.expired")" = true ] && q "$tmp/e2.json" ".notes[]" | grep -q "PAL-0041 (.*exc2.yaml:2) expired on 2020-01-31"'
ok "a path glob that matches nothing leaves the finding failing" '[ "$(q "$tmp/e2.json" ".findings[] | select(.id==\"PAL-0424\") | .status")" = fail ]'
ok "an exception that matched nothing is noted" 'q "$tmp/e2.json" ".notes[]" | grep -q "PAL-0424 (.*exc2.yaml:5) matched no finding"'
scan "$tmp/bad.tar" --exceptions "$tmp/exc2.yaml" >"$tmp/e2.txt"
ok "text report shows the expiry" 'grep -q "exception expired on 2020-01-31" "$tmp/e2.txt"'
cat >"$tmp/exc3.yaml" <<'EOF'
exceptions:
  - id: pal-0041
    reason: "a typo: IDs are case-sensitive"
EOF
scan "$tmp/bad.tar" --format json --exceptions "$tmp/exc3.yaml" >"$tmp/e3.json"; rc=$?
ok "an exception naming no check of the scan is noted, not silently ignored" \
   '[ $rc -eq 1 ] && q "$tmp/e3.json" ".notes[]" | grep -q "pal-0041 (.*exc3.yaml:2) names no check of this scan"'
ok "the text report lists a failing finding's framework controls" 'grep -q "frameworks: cis_docker 4.1" "$tmp/e2.txt"'

printf 'exceptions:\n  - id: PAL-0041\n    reason: "x"\n   expires: 2027-01-01\n' >"$tmp/bad1.yaml"
scan "$tmp/bad.tar" --exceptions "$tmp/bad1.yaml" 2>"$tmp/err" >/dev/null; rc=$?
ok "bad YAML in --exceptions is exit 2 with file:line" '[ $rc -eq 2 ] && grep -q "bad1.yaml:[0-9]*:[0-9]*: YAML syntax error" "$tmp/err"'
printf 'exceptions:\n  - id: PAL-0041\n    expires: 2027-01-01\n' >"$tmp/bad2.yaml"
scan "$tmp/bad.tar" --exceptions "$tmp/bad2.yaml" 2>"$tmp/err" >/dev/null; rc=$?
ok "an exception without a reason is exit 2 at its line" '[ $rc -eq 2 ] && grep -q "bad2.yaml:2:5: .*no .reason:" "$tmp/err"'
printf 'exceptions:\n  - id: PAL-0041\n    reason: x\n    expires: 2027-02-30\n' >"$tmp/bad3.yaml"
scan "$tmp/bad.tar" --exceptions "$tmp/bad3.yaml" 2>"$tmp/err" >/dev/null; rc=$?
ok "an impossible date is exit 2 at its line" '[ $rc -eq 2 ] && grep -q "bad3.yaml:4:14: expires: .2027-02-30. is not a date" "$tmp/err"'
printf 'exceptions:\n  - id: PAL-0041\n    reason: x\n    reson: y\n' >"$tmp/bad4.yaml"
scan "$tmp/bad.tar" --exceptions "$tmp/bad4.yaml" 2>"$tmp/err" >/dev/null; rc=$?
ok "an unknown key in an exception is exit 2" '[ $rc -eq 2 ] && grep -q "bad4.yaml:4:5: unknown key .reson." "$tmp/err"'
printf 'exceptions:\n  - id: PAL-0041\n    reason: x\n    id: PAL-0042\n' >"$tmp/bad5.yaml"
scan "$tmp/bad.tar" --exceptions "$tmp/bad5.yaml" 2>"$tmp/err" >/dev/null; rc=$?
ok "a duplicate key is exit 2" '[ $rc -eq 2 ] && grep -q "bad5.yaml:4:5: duplicate key .id." "$tmp/err"'
scan "$tmp/bad.tar" --exceptions "$tmp/none.yaml" 2>"$tmp/err" >/dev/null; rc=$?
ok "a missing exceptions file is exit 2" '[ $rc -eq 2 ] && grep -q "none.yaml" "$tmp/err"'

# ---------------------------------------------------------------- custom checks
mkdir -p "$tmp/mine/checks" "$tmp/dup"
cat >"$tmp/mine/checks/org.pal" <<'EOF'
package checks.org

check "ORG-0001" {
  title       "Images must carry an owner label"
  severity    high
  frameworks  { acme: "SEC-3" }
  remediation "LABEL owner=team@example.com"
  fail when not (any l in image.config.labels: l.name == "owner")
  message "no owner label"
}
EOF
scan "$tmp/clean.tar" --format json --policy "$tmp/mine" >"$tmp/c.json"; rc=$?
ok "--policy DIR adds checks to the built-ins" '[ $rc -eq 1 ] && [ "$(ids "$tmp/c.json")" = "ORG-0001" ] && [ "$(q "$tmp/c.json" ".summary.checks")" = "$(( $(q "$tmp/bad.json.out" ".summary.checks") + 1 ))" ]'
ok "a custom check's own frameworks meta is listed" '[ "$(q "$tmp/c.json" ".findings[0].controls.acme")" = SEC-3 ]'
ok "a custom check's source names the file" 'q "$tmp/c.json" ".checks[] | select(.id==\"ORG-0001\") | .source" | grep -q "mine/checks/org.pal:3"'
scan "$tmp/bad.tar" --format json --policy "$tmp/mine" --no-builtin >"$tmp/c2.json"
ok "--no-builtin runs only the user's checks" '[ "$(q "$tmp/c2.json" ".summary.checks")" = 1 ] && [ "$(ids "$tmp/c2.json")" = "ORG-0001" ]'
scan "$tmp/bad.tar" --no-builtin 2>"$tmp/err" >/dev/null; rc=$?
ok "--no-builtin without --policy is exit 2" '[ $rc -eq 2 ] && grep -q "no-builtin" "$tmp/err"'
"$PAL" build "$tmp/mine" -o "$tmp/mine.bundle" >/dev/null 2>&1
scan "$tmp/clean.tar" --format json --policy "$tmp/mine.bundle" >"$tmp/c3.json"; rc=$?
ok "--policy BUNDLE adds the bundle's checks" '[ $rc -eq 1 ] && [ "$(ids "$tmp/c3.json")" = "ORG-0001" ]'
cat >"$tmp/dup/root.pal" <<'EOF'
package checks.dup

check "PAL-0041" {
  title "My own root check"
  fail when image.config.user == "root"
}
EOF
scan "$tmp/bad.tar" --policy "$tmp/dup" 2>"$tmp/err" >/dev/null; rc=$?
ok "a check ID that is already built in is exit 2 naming both places" \
   '[ $rc -eq 2 ] && grep -q "PAL-0041" "$tmp/err" && grep -q "cis_docker.pal:[0-9]* (built-in)" "$tmp/err" && grep -q "root.pal:3" "$tmp/err"'
scan "$tmp/bad.tar" --format json --policy "$tmp/dup" --no-builtin >"$tmp/c4.json"; rc=$?
ok "... and runs alone with --no-builtin (default severity medium: exit 0)" '[ $rc -eq 0 ] && [ "$(ids "$tmp/c4.json")" = "PAL-0041" ] && [ "$(q "$tmp/c4.json" ".findings[0].title")" = "My own root check" ]'
printf 'package checks.broken\ncheck "X" { fail when image.nope == 1 }\n' >"$tmp/dup/root.pal"
scan "$tmp/bad.tar" --policy "$tmp/dup" 2>"$tmp/err" >/dev/null; rc=$?
ok "a --policy that does not compile is exit 2 naming the file" '[ $rc -eq 2 ] && grep -q "root.pal:2" "$tmp/err"'

# a check that runs out of its instruction budget: exit 2, the report still
# written with the check as an error and the other checks' findings
mkdir -p "$tmp/slow"
cat >"$tmp/slow/q.pal" <<'EOF'
package checks.slow

check "ORG-0900" {
  title    "Quadratic over the files"
  severity low
  fail when any f in image.files: any g in image.files: f.size == g.size + 1000000
  message  "{f.path}"
}
EOF
cat >"$tmp/many.json" <<'EOF'
{"layout": "docker", "tags": ["many:1"], "config": {"User": "root"}, "layers": [{"many": {"count": 8000, "prefix": "d", "per_dir": 1000}}]}
EOF
python3 tests/e2e/lib/mkimage.py "$tmp/many.tar" --spec "$tmp/many.json" >/dev/null
scan "$tmp/many.tar" --policy "$tmp/slow" --format json >"$tmp/slow.json" 2>"$tmp/err"; rc=$?
ok "a check out of budget: exit 2, named on stderr" '[ $rc -eq 2 ] && grep -q "check ORG-0900 stopped: instruction budget" "$tmp/err"'
ok "... the report is still written, the check has status error, others' findings stay" \
   '[ "$(q "$tmp/slow.json" ".checks[] | select(.id==\"ORG-0900\") | .status")" = error ] && [ "$(q "$tmp/slow.json" ".summary.errors,.passed" | tr "\n" " ")" = "1 false " ] && ids "$tmp/slow.json" | grep -q PAL-0041'

# ---------------------------------------------------------------- -o
mkdir -p "$tmp/out.d"
scan "$tmp/bad.tar" -o "$tmp/out.d/report.sarif" >"$tmp/stdout"; rc=$?
ok "-o writes the report there, nothing on stdout" '[ $rc -eq 1 ] && [ ! -s "$tmp/stdout" ] && [ -s "$tmp/out.d/report.sarif" ]'
ok "-o FILE.sarif picks SARIF" '[ "$(jq -r .version "$tmp/out.d/report.sarif")" = 2.1.0 ]'
ok "-o leaves no temp file behind" '[ "$(ls "$tmp/out.d" | wc -l)" = 1 ]'
scan "$tmp/bad.tar" --format json -o "$tmp/out.d/report.sarif" >/dev/null
ok "--format wins over the extension; the file is replaced whole" '[ "$(jq -r .schema "$tmp/out.d/report.sarif")" = palisade.scan/v1 ]'
scan "$tmp/bad.tar" -o "$tmp/no/such/dir/r.json" 2>"$tmp/err" >/dev/null; rc=$?
ok "-o into a missing directory is exit 2" '[ $rc -eq 2 ] && grep -q "no/such/dir/r.json" "$tmp/err"'
echo "x" >"$tmp/out.d/keep.txt"
scan "$tmp/nope.tar" -o "$tmp/out.d/keep.txt" 2>/dev/null; rc=$?
ok "a scan that errors leaves an existing report untouched" '[ $rc -eq 2 ] && [ "$(cat "$tmp/out.d/keep.txt")" = x ]'

finish
