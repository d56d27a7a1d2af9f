#!/usr/bin/env bash
# Vulnerability matching end to end, through the built binary
# (`palisade feed match|check|convert-msrc`), on images built with
# tests/e2e/lib/mkimage.py and the feeds under tests/e2e/data/feeds/:
#   - a Debian 12 image (a dpkg status with known packages, binNMU and
#     source-versioned ones) against a small OSV feed: exactly the expected
#     CVEs, fixed versions and risk scores; records for Debian 11, Ubuntu and
#     NuGet do not match; an allow list allows one and reports an expired one;
#   - Windows images: the MSRC CVRF samples converted to a Windows feed; a
#     build before the fixes reports each CVE with its KB, one at the fixed
#     build or with the fixing KB installed reports none;
#   - bad feeds: `feed check` names file and record and exits 2; an
#     unreadable feed directory is exit 2.
#
# Needs $PALISADE (tests/run-all.sh sets it), python3, jq.
. "$(dirname "$0")/lib/harness.sh"
MKIMAGE=tests/e2e/lib/mkimage.py
FEEDS=tests/e2e/data/feeds

# --- a Debian 12 image -------------------------------------------------------
ROOT=$TMP/debian
mkdir -p "$ROOT/var/lib/dpkg" "$ROOT/etc"
cat > "$ROOT/var/lib/dpkg/status" <<'EOF'
Package: base-files
Status: install ok installed
Priority: required
Architecture: amd64
Version: 12.4+deb12u5
Description: Debian base system miscellaneous files

Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl
Version: 3.0.11-1~deb12u1
Description: Secure Sockets Layer toolkit - shared libraries

Package: openssl
Status: install ok installed
Architecture: amd64
Version: 3.0.11-1~deb12u1
Description: Secure Sockets Layer toolkit - cryptographic utility

Package: zlib1g
Status: install ok installed
Architecture: amd64
Source: zlib
Version: 1:1.2.13.dfsg-1
Description: compression library - runtime

Package: libc6
Status: install ok installed
Architecture: amd64
Source: glibc
Version: 2.36-9+deb12u3
Description: GNU C Library: Shared libraries

Package: bash
Status: install ok installed
Architecture: amd64
Source: bash (5.2.15-2)
Version: 5.2.15-2+b2
Description: GNU Bourne Again SHell

Package: curl
Status: deinstall ok config-files
Architecture: amd64
Version: 7.88.1-10+deb12u4
Description: removed: only its conffiles remain
EOF
printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n' > "$ROOT/etc/os-release"
cat > "$TMP/debian.json" <<EOF
{"layout": "docker25", "tags": ["debian-vuln:1"],
 "config": {"User": "", "ExposedPorts": {"80/tcp": {}}, "Cmd": ["bash"]},
 "layers": [{"dir": "$ROOT", "compress": "gzip"}]}
EOF
python3 "$MKIMAGE" "$TMP/debian.tar" --spec "$TMP/debian.json" >/dev/null || bad "mkimage: Debian image"

"$PALISADE" feed match --feeds "$FEEDS/osv-debian" "$TMP/debian.tar" --today 2025-01-01 --format json \
    >"$TMP/deb.json" 2>"$TMP/deb.err"
rc=$?
got=$(jq -r '.vulnerabilities[] | [.id, .package, .version, (.fixed_version // "-"), .severity, (.cvss|tostring), (.risk|tostring)] | join(" ")' "$TMP/deb.json" 2>&1)
# id package version(matched) fixed severity cvss risk — ranked by risk:
#   CVE-2024-2961   29 (7.3) + fix 10 + exploit 20 + network 10 + root 10 + age 259d/36 = 7 -> 86
#   CVE-2023-45853  39 (9.8) + no fix + network 10 + root 10 + age 10 -> 69
#   CVE-2023-5678   21 (5.3) + fix 10 + network 10 + root 10 + age 10 -> 61 (both binary packages)
want="CVE-2024-2961 libc6 2.36-9+deb12u3 2.36-9+deb12u7 high 73 86
CVE-2023-45853 zlib1g 1:1.2.13.dfsg-1 - critical 98 69
CVE-2023-5678 libssl3 3.0.11-1~deb12u1 3.0.11-1~deb12u2 medium 53 61
CVE-2023-5678 openssl 3.0.11-1~deb12u1 3.0.11-1~deb12u2 medium 53 61"
if [ $rc -eq 0 ] && [ "$got" = "$want" ]; then
    ok "Debian image: exactly the expected CVEs, fixed versions and risk scores"
else
    bad "Debian image vulnerabilities (rc=$rc)" "$(printf 'got:\n%s\nwant:\n%s\n' "$got" "$want"; head -c 400 "$TMP/deb.err")"
fi
# factors shown; the OSV id is kept as an alias; source package named
if jq -e '.vulnerabilities[0] | .risk_factors == {"severity":29,"fix":10,"exploit":20,"network":10,"root":10,"age":7}
          and .aliases == "DEBIAN-CVE-2024-2961" and .source_package == "glibc"
          and .feed_ecosystem == "Debian:12" and .published == "2024-04-17" and .age_days == 259
          and .exploit == true and .fix_available == true and .status == "open"' "$TMP/deb.json" >/dev/null; then
    ok "risk factors, aliases, source package and dates are in the JSON"
else
    bad "risk factors in JSON" "$(jq -c '.vulnerabilities[0]' "$TMP/deb.json" 2>&1 | head -c 600)"
fi
# the release is detected (os-release is not read without content; base-files says 12)
if jq -e '[.notes[] | select(test("unknown"))] | length == 0' "$TMP/deb.json" >/dev/null; then
    ok "the Debian release is detected from the image (no 'unknown distribution' note)"
else
    bad "release detection" "$(jq -c '.notes' "$TMP/deb.json")"
fi
# the NuGet record (an ecosystem palisade does not match) is reported as a warning on stderr, naming file and record
if grep -q "export-2024.json: record 2 (PYSEC-2023-212) affected\[0\]: ecosystem 'NuGet'" "$TMP/deb.err"; then
    ok "an unknown ecosystem is reported with file and record"
else
    bad "unknown ecosystem warning" "$(cat "$TMP/deb.err")"
fi
# an Ubuntu 22.04 inventory (as `palisade inventory --content-max` writes it: os-release
# has content) gets the Ubuntu record and none of Debian's; as Debian 12, the reverse
cat > "$TMP/ubuntu.inv.json" <<'EOF'
{"image": {"config": {"user": "ubuntu", "exposed_ports": []}},
 "files": [{"path": "/etc/os-release", "content": "NAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nID=ubuntu\n"}],
 "packages": [{"name": "libssl3", "version": "3.0.2-0ubuntu1.10", "source": "openssl",
               "source_version": "3.0.2-0ubuntu1.10", "ecosystem": "dpkg"}]}
EOF
got=$("$PALISADE" feed match --feeds "$FEEDS/osv-debian" "$TMP/ubuntu.inv.json" --today 2025-01-01 --format json 2>/dev/null |
      jq -r '[.vulnerabilities[] | .id + " " + .package + " " + .fixed_version + " " + .severity + " " + .feed_ecosystem] | join(",")' 2>&1)
if [ "$got" = "CVE-2023-5678 libssl3 3.0.2-0ubuntu1.13 low Ubuntu:22.04:LTS" ]; then
    ok "Ubuntu 22.04 (from os-release): the Ubuntu record only"
else
    bad "Ubuntu 22.04 inventory" "$got"
fi
got=$("$PALISADE" feed match --feeds "$FEEDS/osv-debian" "$TMP/ubuntu.inv.json" --today 2025-01-01 --format json \
        --distro debian:12 2>/dev/null | jq -r '[.vulnerabilities[] | .id + " " + .fixed_version] | join(",")' 2>&1)
if [ "$got" = "CVE-2023-5678 3.0.11-1~deb12u2" ]; then ok "--distro debian:12 overrides os-release"
else bad "--distro debian:12" "$got"; fi
# filters
n=$("$PALISADE" feed match --feeds "$FEEDS/osv-debian" "$TMP/debian.tar" --today 2025-01-01 --format json \
        --only-fixed --vuln-threshold high 2>/dev/null | jq -r '[.vulnerabilities[].id] | join(",")')
if [ "$n" = "CVE-2024-2961" ]; then ok "--only-fixed --vuln-threshold high"; else bad "filters" "$n"; fi

# allow list: one current entry, one expired
cat > "$TMP/allow.yaml" <<'EOF'
allow:
  - id: CVE-2023-45853
    reason: minizip is not built into zlib1g
    expires: 2030-01-01
  - id: CVE-2023-5678
    package: openssl
    reason: DH not used
    expires: 2024-12-01
EOF
"$PALISADE" feed match --feeds "$FEEDS/osv-debian" "$TMP/debian.tar" --today 2025-01-01 \
    --allow-list "$TMP/allow.yaml" --format json >"$TMP/allow.json" 2>"$TMP/allow.err"
if jq -e '[.vulnerabilities[] | {id, package, status, allow_expired}] ==
          [{"id":"CVE-2024-2961","package":"libc6","status":"open","allow_expired":null},
           {"id":"CVE-2023-45853","package":"zlib1g","status":"allowed","allow_expired":false},
           {"id":"CVE-2023-5678","package":"libssl3","status":"open","allow_expired":true},
           {"id":"CVE-2023-5678","package":"openssl","status":"open","allow_expired":true}]' \
        "$TMP/allow.json" >/dev/null &&
   grep -q "allow.yaml: line 5 allow\[1\]: the entry for CVE-2023-5678 expired on 2024-12-01" "$TMP/allow.err"; then
    ok "allow list: allowed, expired entries kept open and reported"
else
    bad "allow list" "$(jq -c '[.vulnerabilities[] | {id, package, status, allow_expired}]' "$TMP/allow.json"; cat "$TMP/allow.err")"
fi
"$PALISADE" feed match --feeds "$FEEDS/osv-debian" "$TMP/debian.tar" --today 2025-01-01 \
    --allow-list "$TMP/allow.yaml" >"$TMP/allow.txt" 2>/dev/null
if grep -q "allow-list entry expired 2024-12-01 (DH not used)" "$TMP/allow.txt" &&
   grep -q "risk: severity 29 + fix 10 + exploit 20 + network 10 + root 10 + age 7" "$TMP/allow.txt"; then
    ok "text output shows the factors and the expired entry"
else
    bad "text output" "$(cat "$TMP/allow.txt")"
fi

# checks query the matched records as image.vulnerabilities (through `scan --feeds`)
mkdir -p "$TMP/pol"
cat > "$TMP/pol/vuln.pal" <<'EOF'
package checks.vulntest

check "VT-1" {
  title "Fixable vulnerability with a known exploit"
  severity high
  fail when any v in image.vulnerabilities: v.fix_available and v.exploit and v.cvss >= 70
  message "{v.id} in {v.package}: fixed in {v.fixed_version} ({v.kb})"
}
EOF
"$PALISADE" scan "$TMP/debian.tar" --feeds "$FEEDS/osv-debian" --policy "$TMP/pol" --no-builtin --format json \
    >"$TMP/scan.json" 2>"$TMP/scan.err"
if jq -e '[.findings[] | select(.id == "VT-1") | .message] == ["CVE-2024-2961 in libc6: fixed in 2.36-9+deb12u7 (<undefined>)"]' \
        "$TMP/scan.json" >/dev/null; then
    ok "a check over image.vulnerabilities sees the matched records"
else
    bad "check over image.vulnerabilities" "$(jq -c '.findings' "$TMP/scan.json" 2>&1 | head -c 600; head -c 400 "$TMP/scan.err")"
fi

# --- Windows ---------------------------------------------------------------------
"$PALISADE" feed convert-msrc "$FEEDS/msrc/2024-Jan.json" "$FEEDS/msrc/2024-Feb.json" -o "$TMP/windows-feed.json" \
    2>"$TMP/conv.err"
rc=$?
if [ $rc -eq 0 ] && jq -e '.format == "palisade-windows-feed" and (.vulnerabilities | length == 5)
        and ([.vulnerabilities[] | select(.id == "CVE-2024-21412")][0] | .exploited == true and .cvss == 8.1
             and (.fixes | map(.kb) | unique == ["KB5034768", "KB5034770"]))' "$TMP/windows-feed.json" >/dev/null &&
   grep -q "2024-Jan.json: Vulnerability\[1\] (CVE-2024-20653): Remediations\[2\] .* no four-part FixedBuild" "$TMP/conv.err"; then
    ok "convert-msrc: CVRF January + February -> 5 Windows CVEs with fixed builds and KBs"
else
    bad "convert-msrc (rc=$rc)" "$(head -c 600 "$TMP/windows-feed.json"; cat "$TMP/conv.err")"
fi

winimage() {  # out ubr kbs-json
    cat > "$TMP/w.json" <<EOF
{"layout": "docker25", "os": "windows", "os_version": "10.0.17763.$2",
 "tags": ["wincontainerapp:v1"], "config": {"User": "ContainerAdministrator"},
 "layers": [{"compress": "gzip", "entries": [
    {"path": "Files/Windows/System32/cmd.exe", "data": "MZ"},
    {"path": "Files/Windows/System32/config/SOFTWARE", "software_hive": {
       "product": "Windows Server 2019 Datacenter", "build_number": 17763, "ubr": $2,
       "kbs": $3}}]}]}
EOF
    python3 "$MKIMAGE" "$1" --spec "$TMP/w.json" >/dev/null
}
winimage "$TMP/win-old.tar" 5206 '["KB5032196"]'
winimage "$TMP/win-jan.tar" 5329 '["KB5034127"]'
winimage "$TMP/win-new.tar" 5458 '["KB5034768"]'
winimage "$TMP/win-kb.tar" 5206 '["KB5034768"]'
got=$("$PALISADE" feed match --feeds "$TMP/windows-feed.json" "$TMP/win-old.tar" --today 2024-03-01 --format json 2>&1 |
      jq -r '.vulnerabilities[] | [.id, .version, .fixed_version, .kb, .severity, (.risk|tostring)] | join(" ")' 2>&1)
# risks: 9.0 -> 36 + fix 10 + root 10 + age 52d/36 = 1 -> 57;  8.1 -> 32 + 10 + exploit 20 + 10 + 0 = 72 ...
want="CVE-2024-21412 10.0.17763.5206 10.0.17763.5458 KB5034768 high 72
CVE-2024-21351 10.0.17763.5206 10.0.17763.5458 KB5034768 medium 70
CVE-2024-20674 10.0.17763.5206 10.0.17763.5329 KB5034127 critical 57
CVE-2024-20653 10.0.17763.5206 10.0.17763.5329 KB5034127 high 52
CVE-2024-21307 10.0.17763.5206 10.0.17763.5329 KB5034127 high 51"
if [ "$got" = "$want" ]; then
    ok "Windows build 17763.5206: every CVE with its fixed build and KB"
else
    bad "Windows before the fixes" "$(printf 'got:\n%s\nwant:\n%s\n' "$got" "$want")"
fi
got=$("$PALISADE" feed match --feeds "$TMP/windows-feed.json" "$TMP/win-jan.tar" --today 2024-03-01 --format json 2>&1 |
      jq -r '[.vulnerabilities[].id] | join(",")')
if [ "$got" = "CVE-2024-21412,CVE-2024-21351" ]; then ok "Windows at January's build: February's CVEs only"
else bad "Windows at January's build" "$got"; fi
for img in win-new win-kb; do
    out=$("$PALISADE" feed match --feeds "$TMP/windows-feed.json" "$TMP/$img.tar" --today 2024-03-01 --format json 2>&1)
    if [ "$(printf '%s' "$out" | jq '.vulnerabilities | length' 2>&1)" = 0 ]; then
        ok "Windows $img (at or past the fixed build / fixing KB installed): none"
    else
        bad "Windows $img" "$out"
    fi
done

# --- bad feeds and errors ----------------------------------------------------------
mkdir -p "$TMP/badfeed"
cp "$FEEDS/osv-debian/DEBIAN-CVE-2023-5678.json" "$TMP/badfeed/"
cat > "$TMP/badfeed/broken.json" <<'EOF'
[{"id": "CVE-2024-9001", "affected": [{"package": {"ecosystem": "Debian:12", "name": "x"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "not a version"}]}]}]}]
EOF
"$PALISADE" feed check "$TMP/badfeed" >"$TMP/check.out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "error: $TMP/badfeed/broken.json: record 0 (CVE-2024-9001) affected\[0\] ranges\[0\]: fixed 'not a version' is not a valid dpkg version" "$TMP/check.out" &&
   grep -q "2 files, 1 records loaded" "$TMP/check.out"; then
    ok "feed check: a bad record is named (file, record, range) and skipped; exit 2"
else
    bad "feed check bad record (rc=$rc)" "$(cat "$TMP/check.out")"
fi
"$PALISADE" feed check "$FEEDS/osv-debian" "$TMP/windows-feed.json" >"$TMP/check.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "6 files, 11 records loaded" "$TMP/check.out"; then
    ok "feed check: the sample feeds load (warnings only), exit 0"
else
    bad "feed check good (rc=$rc)" "$(cat "$TMP/check.out")"
fi
"$PALISADE" feed check "$TMP/nope" >"$TMP/e.out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "cannot read feeds $TMP/nope: No such file or directory" "$TMP/e.out"; then
    ok "a missing feed directory is exit 2"
else
    bad "missing feed directory (rc=$rc)" "$(cat "$TMP/e.out")"
fi
mkdir -p "$TMP/locked" && chmod 000 "$TMP/locked"
if [ "$(id -u)" != 0 ]; then
    "$PALISADE" feed match --feeds "$TMP/locked" "$TMP/debian.tar" >"$TMP/e.out" 2>&1
    rc=$?
    if [ $rc -eq 2 ] && grep -q "cannot read feed directory" "$TMP/e.out"; then
        ok "an unreadable feed directory is exit 2"
    else
        bad "unreadable feed directory (rc=$rc)" "$(cat "$TMP/e.out")"
    fi
fi
"$PALISADE" feed match --feeds "$FEEDS/osv-debian" "$TMP/debian.tar" --allow-list "$TMP/nope.yaml" >"$TMP/e.out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "(reading the allow list)" "$TMP/e.out"; then ok "a missing allow list is exit 2"
else bad "missing allow list (rc=$rc)" "$(cat "$TMP/e.out")"; fi
printf 'allow:\n  - id: CVE-1\n    expire: 2030-01-01\n' > "$TMP/typo.yaml"
"$PALISADE" feed check --allow-list "$TMP/typo.yaml" >"$TMP/e.out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "typo.yaml:2: allow\[0\]: unknown key 'expire'" "$TMP/e.out"; then
    ok "an allow-list typo is an error with its line"
else
    bad "allow-list typo (rc=$rc)" "$(cat "$TMP/e.out")"
fi

finish
