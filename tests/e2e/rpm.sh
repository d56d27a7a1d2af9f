#!/usr/bin/env bash
# rpm.sh — rpm images: databases that rpm itself wrote, read from the image.
#
# rpmbuild makes a handful of packages (an epoch, an x86_64 one, a source rpm
# with a subpackage), `rpm --root R -i --justdb` records them in an
# rpmdb.sqlite, and the inventory of an image holding R must list exactly
# what `rpm -qa` lists, with the same epochs, licenses, source rpms and file
# lists.  The same headers then go into a Berkeley DB hash Packages (db_load
# writes it; rpm's read-only bdb backend must list the same) and into an ndb
# Packages.db (written by tests/e2e/lib/mkrpmndb.py from rpm's format: Debian's
# rpm has no ndb backend to ask).  Damaged databases are warnings that name
# the file.  Then vulnerability matching: OSV "Red Hat" records by release,
# Fedora (no OSV data) noted, and `feed match` taking the release from
# os-release exactly as `scan` does (an Alpine 3.11 image gets 3.11's
# advisories only).  rpm, rpmbuild and db_load are installed by the test;
# without them those checks SKIP.
. "$(dirname "$0")/lib/harness.sh"
. "$(dirname "$0")/lib/tools.sh"
P=$PALISADE
mk() { python3 tests/e2e/lib/mkimage.py "$@" >/dev/null; }
inv_nvra() {  # IMAGE -> sorted N-V-R.A lines, as rpm -qa prints them
    "$P" inventory "$1" | jq -r '.packages[] | select(.ecosystem == "rpm") |
        "\(.name)-\(.version | sub("^[0-9]+:"; ""))" + (if .architecture != "" then ".\(.architecture)" else "" end)' | sort
}

# ---------------------------------------------------------------- feed match reads os-release
# (no rpm needed) Alpine 3.11 with sudo 1.9.5p1: the 3.11 advisory only
mkdir -p "$TMP/alp/lib/apk/db" "$TMP/alp/etc" "$TMP/feeds"
printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.11.6\n' > "$TMP/alp/etc/os-release"
printf 'P:sudo\nV:1.9.5p1-r0\nA:x86_64\no:sudo\n\n' > "$TMP/alp/lib/apk/db/installed"
mk "$TMP/alp.tar" --dir "$TMP/alp"
cat > "$TMP/feeds/alpine.json" <<'J'
[{"id": "CVE-2021-3156", "summary": "sudo heap overflow", "published": "2021-01-26T00:00:00Z",
  "affected": [{"package": {"ecosystem": "Alpine:v3.11", "name": "sudo"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.9.5p2-r0"}]}]}]},
 {"id": "CVE-2099-0001", "summary": "only on 3.19", "published": "2024-01-26T00:00:00Z",
  "affected": [{"package": {"ecosystem": "Alpine:v3.19", "name": "sudo"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.9.15-r0"}]}]}]}]
J
fm=$("$P" feed match --feeds "$TMP/feeds/alpine.json" --format json "$TMP/alp.tar" 2>/dev/null | jq -r '[.vulnerabilities[].id] | join(" ")')
expect_eq "feed match: release from os-release (3.11), the 3.19 record not matched" "$fm" "CVE-2021-3156"
sc=$("$P" scan "$TMP/alp.tar" --feeds "$TMP/feeds/alpine.json" --format json 2>/dev/null | jq -r '[.vulnerabilities[].id] | join(" ")')
expect_eq "scan matches the same as feed match" "$sc" "$fm"
fixed=$("$P" feed match --feeds "$TMP/feeds/alpine.json" --format json "$TMP/alp.tar" 2>/dev/null | jq -r '.vulnerabilities[0].fixed_version')
expect_eq "the letter-digit fix 1.9.5p2-r0 is read as a version" "$fixed" "1.9.5p2-r0"

if ! tool rpmbuild rpm || ! tool rpm rpm; then
    skip "rpm databases written by rpm" "rpm/rpmbuild could not be installed (apt-get install rpm)"
    finish
fi

# ---------------------------------------------------------------- packages rpm builds
top=$TMP/rpmbuild
mkdir -p "$top/SPECS"
spec() {  # NAME VERSION RELEASE EPOCH
    cat > "$top/SPECS/$1.spec" <<S
Name: $1
Version: $2
Release: $3
$([ "$4" != 0 ] && echo "Epoch: $4")
Summary: palisade test package $1
License: MIT and (BSD or GPLv2+)
Vendor: Palisade Tests
%description
test package
%install
mkdir -p %{buildroot}/usr/share/$1 %{buildroot}/usr/bin
echo data > %{buildroot}/usr/share/$1/README
echo data > %{buildroot}/usr/share/$1/NEWS
printf '#!/bin/sh\n' > %{buildroot}/usr/bin/$1
%files
/usr/share/$1
/usr/bin/$1
S
}
spec hello 1.0 1.el9 0
spec libfoo 2.3.4 5.el9 2
spec bar 0.9 0.1.rc1.el9 0
cat > "$top/SPECS/openssl.spec" <<'S'
Name: openssl
Version: 3.0.7
Release: 24.el9
Epoch: 1
Summary: palisade test openssl
License: ASL 2.0
Vendor: Palisade Tests
%description
test
%package libs
Summary: libs
%description libs
libs
%install
mkdir -p %{buildroot}/usr/lib64 %{buildroot}/usr/bin
echo lib > %{buildroot}/usr/lib64/libssl.so.3
printf '#!/bin/sh\n' > %{buildroot}/usr/bin/openssl
%files
/usr/bin/openssl
%files libs
/usr/lib64/libssl.so.3
S
built=0
for s in hello libfoo bar; do
    rpmbuild -bb --define "_topdir $top" --target noarch "$top/SPECS/$s.spec" >"$TMP/rb.log" 2>&1 && built=$((built+1))
done
rpmbuild -bb --define "_topdir $top" --target x86_64 "$top/SPECS/openssl.spec" >"$TMP/rb.log" 2>&1 && built=$((built+1))
if [ "$built" != 4 ]; then
    bad "rpmbuild built $built of 4 packages" "$(tail -5 "$TMP/rb.log")"
    finish
fi
R=$TMP/rhel
mkdir -p "$R/etc"
printf 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.3"\nPRETTY_NAME="Red Hat Enterprise Linux 9.3 (Plow)"\n' > "$R/etc/os-release"
rpm --root "$R" --dbpath /var/lib/rpm -i --nodeps --justdb --noscripts --ignorearch $(find "$top/RPMS" -name '*.rpm') 2>"$TMP/rpm.err"
rm -f "$R"/var/lib/rpm/.rpm.lock "$R"/var/lib/rpm/rpmdb.sqlite-shm "$R"/var/lib/rpm/rpmdb.sqlite-wal
q() { rpm --root "$1" --dbpath /var/lib/rpm "${@:2}" 2>/dev/null; }
q "$R" -qa --qf '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\n' | sort > "$TMP/rpm-qa"
assert "rpm recorded 5 packages in rpmdb.sqlite" '[ "$(wc -l < "$TMP/rpm-qa")" = 5 ] && [ -f "$R/var/lib/rpm/rpmdb.sqlite" ]' || cat "$TMP/rpm.err"
mk "$TMP/rhel.tar" --dir "$R"
inv_nvra "$TMP/rhel.tar" > "$TMP/pal-qa"
expect_eq "sqlite: the inventory lists exactly what rpm -qa lists" "$(cat "$TMP/pal-qa")" "$(cat "$TMP/rpm-qa")"
"$P" inventory "$TMP/rhel.tar" > "$TMP/rhel.json"
want=$(q "$R" -qa --qf '%{NAME} %|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE} %{LICENSE}|%{VENDOR}|%{SOURCERPM}\n' | sort)
got=$(jq -r '.packages[] | "\(.name) \(.version) \(.license)|\(.vendor)|\(.source)-\(.source_version).src.rpm"' "$TMP/rhel.json" | sort)
expect_eq "epoch:version-release, license, vendor and source rpm as rpm --qf gives them" "$got" "$want"
want=$(q "$R" -ql openssl-libs hello | sort)
got=$(jq -r '.packages[] | select(.name == "openssl-libs" or .name == "hello") | .files[]' "$TMP/rhel.json" | sort)
expect_eq "files owned: the header's lists, as rpm -ql" "$got" "$want"
expect_eq "distribution from os-release" "$(jq -r '.image.distro | "\(.id) \(.version_id)"' "$TMP/rhel.json")" "rhel 9.3"
expect_eq "purl: namespace redhat, epoch a qualifier" \
    "$(jq -r '.packages[] | select(.name == "openssl-libs") | .purl' "$TMP/rhel.json")" \
    "pkg:rpm/redhat/openssl-libs@3.0.7-24.el9?arch=x86_64&epoch=1&distro=rhel-9.3"

# the same database under usr/lib/sysimage/rpm, var/lib/rpm a link to it (Fedora, SUSE)
S=$TMP/sysimage
mkdir -p "$S/usr/lib/sysimage" "$S/var/lib" "$S/etc"
cp -r "$R/var/lib/rpm" "$S/usr/lib/sysimage/rpm"
ln -s ../../usr/lib/sysimage/rpm "$S/var/lib/rpm"
printf 'ID=fedora\nVERSION_ID=39\n' > "$S/etc/os-release"
mk "$TMP/sysimage.tar" --dir "$S"
expect_eq "usr/lib/sysimage/rpm through the var/lib/rpm link: each package once" \
    "$(inv_nvra "$TMP/sysimage.tar")" "$(cat "$TMP/rpm-qa")"

# ---------------------------------------------------------------- Berkeley DB hash
hexes() { sqlite3 "$R/var/lib/rpm/rpmdb.sqlite" 'select hnum, lower(hex(blob)) from Packages'; }
if tool db_load db-util && tool sqlite3 sqlite3; then
    for ps in 512 4096; do
        B=$TMP/bdb$ps
        mkdir -p "$B/var/lib/rpm" "$B/etc"
        cp "$R/etc/os-release" "$B/etc/"
        { printf 'VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize=%s\nHEADER=END\n' "$ps"
          hexes | while IFS='|' read -r n hex; do printf ' %02x000000\n %s\n' "$n" "$hex"; done
          printf 'DATA=END\n'; } > "$TMP/dump$ps"
        db_load -f "$TMP/dump$ps" "$B/var/lib/rpm/Packages"
        bq=$(rpm --root "$B" --dbpath /var/lib/rpm --define '_db_backend bdb_ro' -qa \
             --qf '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\n' 2>/dev/null | sort)
        expect_eq "bdb (pages of $ps): rpm's own bdb_ro backend reads the fixture" "$bq" "$(cat "$TMP/rpm-qa")"
        mk "$TMP/bdb$ps.tar" --dir "$B"
        expect_eq "bdb (pages of $ps$([ $ps = 512 ] && echo ', headers on overflow pages')): the inventory lists what rpm -qa lists" \
            "$(inv_nvra "$TMP/bdb$ps.tar")" "$(cat "$TMP/rpm-qa")"
    done
    # ---------------------------------------------------------------- ndb
    N=$TMP/ndb
    mkdir -p "$N/usr/lib/sysimage/rpm" "$N/etc"
    printf 'NAME="SLES"\nID="sles"\nVERSION_ID="15.5"\n' > "$N/etc/os-release"
    python3 tests/e2e/lib/mkrpmndb.py "$N/usr/lib/sysimage/rpm/Packages.db" $(hexes | cut -d'|' -f2)
    mk "$TMP/ndb.tar" --dir "$N"
    expect_eq "ndb Packages.db: the inventory lists the same packages" "$(inv_nvra "$TMP/ndb.tar")" "$(cat "$TMP/rpm-qa")"
    expect_eq "ndb: purls in the suse namespace" \
        "$("$P" inventory "$TMP/ndb.tar" | jq -r '.packages[] | select(.name == "hello") | .purl')" \
        "pkg:rpm/suse/hello@1.0-1.el9?arch=noarch&distro=sles-15.5"
    # one blob damaged: its Adler-32 fails, it is skipped and counted, the rest listed
    python3 - "$N/usr/lib/sysimage/rpm/Packages.db" <<'PY'
import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[4096 + 100] ^= 0xff; open(p, "wb").write(b)
PY
    mk "$TMP/ndb-bad.tar" --dir "$N"
    "$P" inventory "$TMP/ndb-bad.tar" > "$TMP/ndb-bad.json"; rc=$?
    assert "ndb: a damaged blob is skipped with a warning naming the file, the other 4 listed" \
        '[ $rc = 0 ] && [ "$(jq ".packages | length" "$TMP/ndb-bad.json")" = 4 ] &&
         jq -r ".warnings[]" "$TMP/ndb-bad.json" | grep -q "^/usr/lib/sysimage/rpm/Packages.db: 1 malformed rpm header skipped"'
else
    skip "Berkeley DB and ndb fixtures" "db_load (db-util) or sqlite3 could not be installed"
fi

# ---------------------------------------------------------------- damaged sqlite
D=$TMP/damaged
mkdir -p "$D/var/lib/rpm"
head -c 8192 "$R/var/lib/rpm/rpmdb.sqlite" > "$D/var/lib/rpm/rpmdb.sqlite"
mk "$TMP/damaged.tar" --dir "$D"
"$P" inventory "$TMP/damaged.tar" > "$TMP/damaged.json" 2>"$TMP/damaged.err"; rc=$?
assert "a truncated rpmdb.sqlite: exit 0, a warning naming it" \
    '[ $rc = 0 ] && jq -r ".warnings[]" "$TMP/damaged.json" | grep -q "^/var/lib/rpm/rpmdb.sqlite: "'
printf 'not a database at all' > "$D/var/lib/rpm/rpmdb.sqlite"
mk "$TMP/garbage.tar" --dir "$D"
w=$("$P" inventory "$TMP/garbage.tar" | jq -r '.warnings[0]')
expect_eq "garbage in rpmdb.sqlite: the warning says what it should be" "$w" \
    '/var/lib/rpm/rpmdb.sqlite: the rpm database could not be read: not an SQLite database (rpmdb.sqlite should start with "SQLite format 3") (its packages are not listed)'

# ---------------------------------------------------------------- matching
cat > "$TMP/feeds/redhat.json" <<'J'
[{"id": "RHSA-2024:0001", "aliases": ["CVE-2024-1111"], "summary": "openssl: a flaw",
  "published": "2024-02-01T00:00:00Z", "database_specific": {"severity": "important"},
  "affected": [{"package": {"ecosystem": "Red Hat:enterprise_linux:9::baseos", "name": "openssl-libs"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:3.0.7-25.el9_3"}]}]},
               {"package": {"ecosystem": "Red Hat:enterprise_linux:8::baseos", "name": "libfoo"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2:9.0-1.el8"}]}]}]}]
J
out=$("$P" feed match --feeds "$TMP/feeds/redhat.json" --format json "$TMP/rhel.tar" | jq -r '[.vulnerabilities[] | "\(.id) \(.package) \(.fixed_version)"] | join(",")')
expect_eq "Red Hat 9 record matches openssl-libs by its binary name; the RHEL 8 one does not" "$out" \
    "CVE-2024-1111 openssl-libs 1:3.0.7-25.el9_3"
notes=$("$P" feed match --feeds "$TMP/feeds/redhat.json" "$TMP/sysimage.tar")
assert "Fedora: OSV has no advisories, said so, nothing matched" \
    'printf "%s" "$notes" | grep -q "0 vulnerabilities" && printf "%s" "$notes" | grep -q "OSV publishes no advisories for this rpm distribution"'

finish
