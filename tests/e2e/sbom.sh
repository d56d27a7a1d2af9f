#!/usr/bin/env bash
# sbom.sh — `palisade inventory --format cyclonedx|spdx`, and SBOMs as scan
# input (`scan --sbom FILE`, `feed match SBOM.json`).
#
# The CycloneDX document is validated by the CycloneDX project's own
# JavaScript library (npm @cyclonedx/cyclonedx-library, its JsonStrictValidator
# over the bundled bom-1.6 JSON schema; installed from npm by the test, SKIP
# when npm cannot get it), and a deliberately broken copy must be rejected by
# it, so a validator that accepts anything cannot pass this test.  The SPDX
# 2.3 JSON schema is in no Debian bookworm package and no npm package found
# (the registry's search is not reachable from here; the SPDX packages on it
# are license lists and expression parsers), so that check SKIPs and
# the SPDX document is checked here against the spec's required fields and
# reference rules instead.  Then both SBOMs are scanned with OSV feeds and
# must find what scanning the image finds.
. "$(dirname "$0")/lib/harness.sh"
. "$(dirname "$0")/lib/tools.sh"
P=$PALISADE
R=$TMP/root
mkdir -p "$R/etc" "$R/var/lib/dpkg" "$R/app/node_modules/lodash" "$R/usr/lib/python3/dist-packages/requests-2.31.0.dist-info"
printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' > "$R/etc/os-release"
printf 'Package: libssl3\nStatus: install ok installed\nSource: openssl\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\n\nPackage: base-files\nStatus: install ok installed\nVersion: 12.4+deb12u5\nArchitecture: amd64\n' \
    > "$R/var/lib/dpkg/status"
echo '{"name":"lodash","version":"4.17.20","license":"MIT"}' > "$R/app/node_modules/lodash/package.json"
printf 'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nLicense: Apache 2.0\n\n' \
    > "$R/usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA"
python3 tests/e2e/lib/mkimage.py "$TMP/img.tar" --dir "$R" --tag shop/api:2 >/dev/null
export SOURCE_DATE_EPOCH=1700000000
"$P" inventory --hashes "$TMP/img.tar" --format cyclonedx > "$TMP/bom.cdx.json"; rc1=$?
"$P" inventory --hashes "$TMP/img.tar" --format spdx > "$TMP/bom.spdx.json"; rc2=$?
"$P" inventory --hashes "$TMP/img.tar" > "$TMP/inv.json"
assert "both formats are written, exit 0" '[ $rc1 = 0 ] && [ $rc2 = 0 ]'
"$P" inventory "$TMP/img.tar" --format swid >/dev/null 2>"$TMP/err"; rc=$?
assert "an unknown format is exit 2 naming the known ones" '[ $rc = 2 ] && grep -q "json, cyclonedx or spdx" "$TMP/err"'

# ---------------------------------------------------------------- CycloneDX content
c() { jq -r "$1" "$TMP/bom.cdx.json"; }
expect_eq "CycloneDX 1.6, the image as the metadata component" \
    "$(c '"\(.bomFormat) \(.specVersion) \(.metadata.component.type) \(.metadata.component.name)"')" "CycloneDX 1.6 container shop/api:2"
expect_eq "every package is a component with its purl" \
    "$(c '[.components[] | select(.type == "library") | .purl] | sort | join(" ")')" \
    "$(jq -r '[.packages[].purl] | sort | join(" ")' "$TMP/inv.json")"
expect_eq "the operating system from os-release" "$(c '.components[] | select(.type == "operating-system") | "\(.name) \(.version)"')" "debian 12"
expect_eq "hashes: the SHA-256 of the file a package was read from" \
    "$(c '.components[] | select(.name == "lodash") | .hashes[0].content')" \
    "$(jq -r '.files[] | select(.path == "/app/node_modules/lodash/package.json") | .sha256' "$TMP/inv.json")"
expect_eq "dependencies: the image depends on every component" \
    "$(c '[.dependencies[] | select(.ref == "image") | .dependsOn[]] | length')" "$(c '.components | length')"
expect_eq "the serial number follows the image (same image, same number)" \
    "$(c .serialNumber)" "$("$P" inventory "$TMP/img.tar" --format cyclonedx | jq -r .serialNumber)"
expect_eq "SOURCE_DATE_EPOCH fixes the timestamp" "$(c .metadata.timestamp)" "2023-11-14T22:13:20Z"

# outside the build tree: a node_modules folder holds names ending in .d, which
# the Makefile would read as dependency files
V=${BUILD:-build}-npm
if npm_module @cyclonedx/cyclonedx-library "$V" && npm_module ajv "$V" && npm_module ajv-formats "$V" &&
   npm_module ajv-formats-draft2019 "$V"; then
    cat > "$V/validate.js" <<'JS'
// The CycloneDX library's strict JSON validator (bom-1.6 schema); prints
// "valid" or the errors, exit 0 / 1.
const CDX = require('@cyclonedx/cyclonedx-library');
const fs = require('fs');
new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6)
  .validate(fs.readFileSync(process.argv[2], 'utf8'))
  .then(e => { if (e === null) console.log('valid'); else { console.log(JSON.stringify(e)); process.exitCode = 1; } },
        e => { console.log('validator error: ' + e); process.exitCode = 2; });
JS
    out=$(cd "$V" && node validate.js "$TMP/bom.cdx.json")
    expect_eq "the CycloneDX library's JsonStrictValidator accepts the BOM" "$out" "valid"
    # the validator stops at the first error, so each broken copy breaks one thing
    jq '.components[0].type = "lib"' "$TMP/bom.cdx.json" > "$TMP/broken.cdx.json"
    out=$(cd "$V" && node validate.js "$TMP/broken.cdx.json")
    assert "... and rejects a copy with an unknown component type (the validator is not a no-op)" \
        'printf "%s" "$out" | grep -q "/components/0/type"'
    jq '.serialNumber = "nope"' "$TMP/bom.cdx.json" > "$TMP/broken.cdx.json"
    out=$(cd "$V" && node validate.js "$TMP/broken.cdx.json")
    assert "... and one whose serial number is no urn:uuid" 'printf "%s" "$out" | grep -q "/serialNumber"'
else
    skip "CycloneDX library validation" "npm could not install @cyclonedx/cyclonedx-library (npm registry unreachable?)"
fi

# ---------------------------------------------------------------- SPDX content
skip "SPDX JSON schema validation" "no Debian bookworm or npm package ships the SPDX 2.3 document schema (npm's SPDX packages are license lists and expression parsers); the spec's rules are checked below"
s() { jq -r "$1" "$TMP/bom.spdx.json"; }
problems=$(python3 - "$TMP/bom.spdx.json" <<'PY'
# SPDX 2.3 clause by clause: the document creation fields (6.1-6.9), each
# package's required fields (7.1 name, 7.2 SPDXID, 7.7 downloadLocation,
# 7.8 filesAnalyzed), id syntax, checksums, external references and
# relationships between elements that exist.
import json, re, sys
d = json.load(open(sys.argv[1])); bad = []
idre = re.compile(r"^SPDXRef-[A-Za-z0-9.\-]+$")
for k, want in [("spdxVersion", "SPDX-2.3"), ("dataLicense", "CC0-1.0"), ("SPDXID", "SPDXRef-DOCUMENT")]:
    if d.get(k) != want: bad.append("%s is %r" % (k, d.get(k)))
if not d.get("name"): bad.append("no document name")
if not re.match(r"^https?://[^#\s]+$", d.get("documentNamespace", "")): bad.append("documentNamespace is not a URI without '#'")
ci = d.get("creationInfo", {})
if not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", ci.get("created", "")): bad.append("created is not YYYY-MM-DDThh:mm:ssZ")
if not ci.get("creators") or not all(re.match(r"^(Tool|Organization|Person): .+", c) for c in ci["creators"]): bad.append("creators")
ids = {"SPDXRef-DOCUMENT"}
for p in d.get("packages", []):
    for k in ("name", "SPDXID", "downloadLocation"):
        if not p.get(k): bad.append("package without %s: %r" % (k, p.get("name")))
    if not idre.match(p.get("SPDXID", "")): bad.append("bad SPDXID %r" % p.get("SPDXID"))
    if p["SPDXID"] in ids: bad.append("duplicate SPDXID " + p["SPDXID"])
    ids.add(p["SPDXID"])
    if not isinstance(p.get("filesAnalyzed"), bool): bad.append("filesAnalyzed not a boolean")
    for c in p.get("checksums", []):
        if c.get("algorithm") == "SHA256" and not re.match(r"^[0-9a-f]{64}$", c.get("checksumValue", "")): bad.append("bad SHA256")
    for e in p.get("externalRefs", []):
        if e.get("referenceCategory") != "PACKAGE-MANAGER" or e.get("referenceType") != "purl" or \
           not re.match(r"^pkg:[a-z]+/.+", e.get("referenceLocator", "")): bad.append("bad externalRef %r" % e)
    for k in ("licenseConcluded", "licenseDeclared", "copyrightText"):
        if k in p and p[k] not in ("NOASSERTION", "NONE") and k != "copyrightText": bad.append("%s %r" % (k, p[k]))
for r in d.get("relationships", []):
    for k in ("spdxElementId", "relatedSpdxElement"):
        if r.get(k) not in ids: bad.append("relationship to an unknown element %r" % r.get(k))
    if r.get("relationshipType") not in ("DESCRIBES", "CONTAINS"): bad.append("relationshipType %r" % r.get("relationshipType"))
print("\n".join(bad))
PY
)
expect_eq "SPDX 2.3: required fields, id syntax, checksums, purls and relationships as the spec says" "$problems" ""
expect_eq "SPDX: the document describes the image, which contains every package" \
    "$(s '[.relationships[] | select(.relationshipType == "CONTAINS")] | length')" \
    "$(s '[.packages[] | select(.SPDXID != "SPDXRef-Image")] | length')"
expect_eq "SPDX: purls as the inventory's" \
    "$(s '[.packages[].externalRefs[]?.referenceLocator] | sort | join(" ")')" "$(jq -r '[.packages[].purl] | sort | join(" ")' "$TMP/inv.json")"

# ---------------------------------------------------------------- SBOMs as scan input
mkdir -p "$TMP/feeds"
cat > "$TMP/feeds/osv.json" <<'J'
[{"id": "DSA-0001-1", "aliases": ["CVE-2024-0001"], "summary": "openssl: overflow", "published": "2024-01-02T00:00:00Z",
  "database_specific": {"severity": "high"},
  "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.13-1~deb12u1"}]}]}]},
 {"id": "GHSA-35jh-r3h4-6jhm", "aliases": ["CVE-2021-23337"], "summary": "lodash command injection",
  "database_specific": {"severity": "high"},
  "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]}]},
 {"id": "CVE-2024-0003", "summary": "only Debian 11", "affected": [{"package": {"ecosystem": "Debian:11", "name": "openssl"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}]
J
ids() { jq -r '[.vulnerabilities[] | "\(.id):\(.package)"] | sort | join(" ")' "$1"; }
"$P" scan "$TMP/img.tar" --feeds "$TMP/feeds" --format json > "$TMP/scan-img.json" 2>/dev/null
"$P" scan --sbom "$TMP/bom.cdx.json" --feeds "$TMP/feeds" --format json > "$TMP/scan-cdx.json" 2>"$TMP/scan-cdx.err"; rc=$?
"$P" scan --sbom "$TMP/bom.spdx.json" --feeds "$TMP/feeds" --format json > "$TMP/scan-spdx.json" 2>/dev/null
want="CVE-2021-23337:lodash CVE-2024-0001:libssl3"
expect_eq "scan IMAGE finds the openssl (by source) and lodash records" "$(ids "$TMP/scan-img.json")" "$want"
expect_eq "scan --sbom CycloneDX finds the same (release from the OS component)" "$(ids "$TMP/scan-cdx.json")" "$want"
expect_eq "scan --sbom SPDX finds the same" "$(ids "$TMP/scan-spdx.json")" "$want"
assert "scan --sbom exits as a scan does (1: high vulnerabilities)" '[ $rc = 1 ]'
fm=$("$P" feed match --feeds "$TMP/feeds" --format json "$TMP/bom.cdx.json" | jq -r '[.vulnerabilities[] | "\(.id):\(.package)"] | sort | join(" ")')
expect_eq "feed match reads an SBOM as an inventory" "$fm" "$want"
echo '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "x", "version": "1"}]}' > "$TMP/nopurl.json"
"$P" scan --sbom "$TMP/nopurl.json" --format json > /dev/null 2>"$TMP/np.err"
assert "components without a purl are left out, with a warning" 'grep -q "1 components without a package URL" "$TMP/np.err"'
echo '{"hello": 1}' > "$TMP/notsbom.json"
"$P" scan --sbom "$TMP/notsbom.json" >/dev/null 2>"$TMP/ns.err"; rc=$?
assert "a JSON file that is no SBOM: exit 2 saying what was expected" '[ $rc = 2 ] && grep -q "not a CycloneDX" "$TMP/ns.err"'
"$P" scan --sbom "$TMP/bom.cdx.json" "$TMP/img.tar" >/dev/null 2>"$TMP/both.err"; rc=$?
assert "--sbom and an image together: exit 2" '[ $rc = 2 ]'


# ---------------------------------------------------------------- checks an SBOM cannot answer
# An SBOM lists packages, not the image's configuration, files or accounts:
# a check that reads those is not applicable (not run, counted, never
# failed); one that reads only packages runs as on the image.
mkdir -p "$TMP/pkgpol"
cat > "$TMP/pkgpol/pkg.pal" <<'PAL'
package sbomtest
check "SBOM-0001" {
  title "lodash is installed"
  severity high
  fail when any p in image.packages: p.name == "lodash"
  message "lodash {p.version} is installed"
}
PAL
"$P" scan "$TMP/img.tar" --format json > "$TMP/na-img.json" 2>/dev/null
"$P" scan --sbom "$TMP/bom.cdx.json" --format json > "$TMP/na.json" 2>"$TMP/na.err"; rc=$?
n=$(jq '.checks | length' "$TMP/na.json")
expect_eq "the image itself fails PAL-0041 (no USER is set)" \
    "$(jq -r '.checks[] | select(.id == "PAL-0041") | .status' "$TMP/na-img.json")" fail
expect_eq "scan --sbom: every built-in check reads what an SBOM does not list: all not applicable, none failed, exit 0" \
    "$(jq -c '[.summary.not_applicable, .summary.passed, .summary.failed, (.findings | length), .passed]' "$TMP/na.json") rc=$rc" \
    "[$n,0,0,0,true] rc=0"
expect_eq "scan --sbom: PAL-0041 has status not_applicable, saying which field it needs" \
    "$(jq -r '.checks[] | select(.id == "PAL-0041") | "\(.status): \(.not_applicable)"' "$TMP/na.json")" \
    "not_applicable: reads image.os and image.config.user, which an SBOM does not list"
check "scan --sbom: a note names the checks not run" \
    bash -c 'jq -e ".notes | any(test(\"^[0-9]+ checks are not applicable to an SBOM .*: PAL-0041\"))" "$0" >/dev/null' "$TMP/na.json"
"$P" scan --sbom "$TMP/bom.cdx.json" --policy "$TMP/pkgpol" --format json > "$TMP/na-pol.json" 2>/dev/null; rc=$?
expect_eq "scan --sbom: a check that reads only packages still runs (and fails here)" \
    "$(jq -r '[.checks[] | select(.id == "SBOM-0001") | .status] | join(",")' "$TMP/na-pol.json") $(jq -r .summary.not_applicable "$TMP/na-pol.json") rc=$rc" \
    "fail $n rc=1"
"$P" scan --sbom "$TMP/bom.cdx.json" > "$TMP/na.txt" 2>/dev/null
check "scan --sbom text: the summary counts them" grep -qE "; $n checks: 0 passed, 0 failed, $n not applicable;" "$TMP/na.txt"
"$P" scan --sbom "$TMP/bom.cdx.json" --format junit > "$TMP/na.xml" 2>/dev/null
expect_eq "scan --sbom junit: each such check is a skipped testcase" \
    "$(xmllint --xpath 'count(//testcase/skipped)' "$TMP/na.xml") $(xmllint --xpath 'string(//testsuite/@skipped)' "$TMP/na.xml")" "$n $n"
check "scan --sbom junit: still valid Ant JUnit XML" xmllint --noout --schema tests/tools/junit.xsd "$TMP/na.xml"
"$P" report "$TMP/na.json" --format json > "$TMP/na-again.json" 2>/dev/null
expect_eq "palisade report reads the status back" \
    "$(jq -S '.reports[0]' "$TMP/na-again.json" | md5sum)" "$(jq -S . "$TMP/na.json" | md5sum)"

finish
