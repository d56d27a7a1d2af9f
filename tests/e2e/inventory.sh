#!/usr/bin/env bash
# `palisade inventory` through the built binary, on images built here with
# tests/e2e/lib/mkimage.py:
#   - a "real Debian rootfs": this machine's dpkg database, accounts and a few
#     real binaries, packed as a docker-save tarball with gzip layers.  The
#     package list must equal `dpkg-query -W --admindir=<rootfs>/var/lib/dpkg`
#     (less packages in state "rc", which palisade leaves out: only their
#     conffiles remain), name for name and version for version; file hashes
#     must equal sha256sum/md5sum of the same files.
#   - the same rootfs as an OCI layout, gzipped whole: the same inventory.
#   - a Windows image (Files/, Hives/ with a real regf SOFTWARE hive).
#   - errors: exit 2 and "palisade inventory: FILE: ..." on stderr, damaged
#     layers (a bad gzip CRC, a wrong diff_id) included, for scan too.
#
# Needs $PALISADE (tests/run-all.sh sets it), python3, dpkg-query, jq.
. "$(dirname "$0")/lib/harness.sh"
MKIMAGE=tests/e2e/lib/mkimage.py

# --- a real Debian root filesystem ------------------------------------------
ROOT=$TMP/rootfs
mkdir -p "$ROOT/var/lib/dpkg" "$ROOT/etc" "$ROOT/usr/bin"
cp /var/lib/dpkg/status "$ROOT/var/lib/dpkg/status"
cp /etc/passwd /etc/group "$ROOT/etc/"
for b in /usr/bin/dpkg-query /usr/bin/tar /usr/bin/gzip; do
    [ -f "$b" ] && cp "$b" "$ROOT/usr/bin/"
done
# a second layer on top, as a Dockerfile RUN would leave it
UP=$TMP/upper
mkdir -p "$UP/etc" "$UP/usr/bin"
printf 'palisade e2e\n' > "$UP/etc/motd"
cat > "$TMP/debian.json" <<EOF
{"layout": "docker", "tags": ["debian-e2e:1"],
 "config": {"User": "1000", "Cmd": ["bash"], "Labels": {"org.opencontainers.image.vendor": "e2e"}},
 "layers": [{"dir": "$ROOT", "compress": "gzip"}, {"dir": "$UP", "compress": "zstd"}]}
EOF
if python3 "$MKIMAGE" "$TMP/debian.tar" --spec "$TMP/debian.json" >/dev/null; then
    ok "mkimage builds a docker-save tarball of the rootfs"
else
    bad "mkimage builds a docker-save tarball of the rootfs"
fi

"$PALISADE" inventory "$TMP/debian.tar" --hashes >"$TMP/debian.inv" 2>"$TMP/debian.err"
rc=$?
if [ "$rc" -eq 0 ] && jq -e . "$TMP/debian.inv" >/dev/null 2>&1; then
    ok "inventory --hashes exits 0 with valid JSON"
else
    bad "inventory --hashes exits 0 with valid JSON" "exit $rc; $(head -c 500 "$TMP/debian.err")"
fi

# dpkg-query prints ${binary:Package}: name:arch for Multi-Arch: same and
# foreign-architecture packages.
native=$(dpkg --print-architecture)
dpkg-query -W --admindir="$ROOT/var/lib/dpkg" -f '${db:Status-Abbrev}|${binary:Package}\t${Version}\n' \
    | grep -v '^rc' | cut -d'|' -f2 | sort >"$TMP/dpkg-query.txt"
jq -r --arg native "$native" '.packages[] | select(.ecosystem == "dpkg")
      | (if .multi_arch == "same" or (.architecture != $native and .architecture != "all")
         then .name + ":" + .architecture else .name end) + "\t" + .version' \
    "$TMP/debian.inv" | sort >"$TMP/palisade.txt"
n=$(wc -l <"$TMP/dpkg-query.txt")
if [ "$n" -gt 0 ] && cmp -s "$TMP/dpkg-query.txt" "$TMP/palisade.txt"; then
    ok "packages equal dpkg-query -W --admindir ($n packages)"
else
    bad "packages equal dpkg-query -W --admindir" "$(diff "$TMP/dpkg-query.txt" "$TMP/palisade.txt" | head -20)"
fi
if [ -z "$(dpkg-query -W --admindir="$ROOT/var/lib/dpkg" -f '${db:Status-Abbrev}\n' | grep -v '^ii')" ]; then
    # every package installed: then it is exactly `dpkg-query -W`
    if cmp -s <(dpkg-query -W --admindir="$ROOT/var/lib/dpkg" | sort) "$TMP/palisade.txt"; then
        ok "packages equal plain dpkg-query -W output"
    else
        bad "packages equal plain dpkg-query -W output"
    fi
fi

bad_hash=""
for b in "$ROOT"/usr/bin/*; do
    name=/usr/bin/$(basename "$b")
    want_sha=$(sha256sum "$b" | cut -d' ' -f1)
    want_md5=$(md5sum "$b" | cut -d' ' -f1)
    got=$(jq -r --arg p "$name" '.files[] | select(.path == $p) | .sha256 + " " + .md5' "$TMP/debian.inv")
    [ "$got" = "$want_sha $want_md5" ] || bad_hash="$bad_hash $name($got)"
done
if [ -z "$bad_hash" ]; then ok "SHA-256 and MD5 equal sha256sum/md5sum"; else bad "file hashes" "$bad_hash"; fi

users_want=$(grep -c '^[^#+-]' /etc/passwd)
if [ "$(jq '.users | length' "$TMP/debian.inv")" = "$users_want" ] &&
   [ "$(jq -r '.users[] | select(.name == "root") | .uid' "$TMP/debian.inv")" = 0 ]; then
    ok "users: one record per /etc/passwd line ($users_want)"
else
    bad "users: one record per /etc/passwd line" "$(jq -c '.users[:3]' "$TMP/debian.inv")"
fi
if jq -e '.image.name == "debian-e2e:1" and .image.config.user == "1000"
          and (.image.config.labels[0].name == "org.opencontainers.image.vendor")
          and (.files[] | select(.path == "/etc/motd") | .layer == 1)' "$TMP/debian.inv" >/dev/null; then
    ok "image name, config and per-layer files"
else
    bad "image name, config and per-layer files" "$(jq -c '.image | {name, config}' "$TMP/debian.inv")"
fi

# --- the same rootfs as a gzipped OCI layout reads the same -----------------
sed 's/"layout": "docker"/"layout": "oci", "outer_compress": "gzip"/' "$TMP/debian.json" >"$TMP/oci.json"
python3 "$MKIMAGE" "$TMP/oci.tar.gz" --spec "$TMP/oci.json" >/dev/null
"$PALISADE" inventory "$TMP/oci.tar.gz" --hashes >"$TMP/oci.inv" 2>"$TMP/oci.err"
if [ $? -eq 0 ] && [ "$(jq -c '.files, .packages, .users' "$TMP/oci.inv" | md5sum)" = \
                      "$(jq -c '.files, .packages, .users' "$TMP/debian.inv" | md5sum)" ]; then
    ok "a gzipped OCI-layout tarball gives the same files, packages and users"
else
    bad "a gzipped OCI-layout tarball gives the same inventory" "$(head -c 300 "$TMP/oci.err")"
fi

# --- a Windows image ---------------------------------------------------------
cat > "$TMP/win.json" <<'EOF'
{"layout": "docker25", "os": "windows", "os_version": "10.0.17763.1000",
 "tags": ["wincontainerapp:v1"], "config": {"User": "ContainerAdministrator"},
 "layers": [
  {"compress": "gzip", "entries": [
    {"path": "Files/Windows/System32/cmd.exe", "data": "MZ"},
    {"path": "Files/Windows/System32/config/SOFTWARE", "software_hive": {
       "product": "Windows Server 2019 Datacenter", "build_number": 17763, "ubr": 1000,
       "kbs": ["KB4100001"]}},
    {"path": "UtilityVM/Files/x.exe", "data": "MZ"}]},
  {"compress": "gzip", "entries": [
    {"path": "Files/app/wincontainerapp.exe", "data": "MZ"},
    {"path": "Hives/Software_Delta", "software_hive": {"build_number": 17763, "ubr": 1879,
       "kbs": ["KB5005568"]}}]}]}
EOF
python3 "$MKIMAGE" "$TMP/win.tar" --spec "$TMP/win.json" >/dev/null
"$PALISADE" inventory "$TMP/win.tar" >"$TMP/win.inv" 2>"$TMP/win.err"
if [ $? -eq 0 ] && jq -e '.image.os == "windows"
        and .windows.version == "10.0.17763.1879" and .windows.build == 17763 and .windows.ubr == 1879
        and .windows.product_name == "Windows Server 2019 Datacenter"
        and .windows.kbs == ["KB4100001", "KB5005568"]
        and ([.files[].path] | index("C:\\Windows\\System32\\cmd.exe") != null)
        and ([.files[].path | select(test("UtilityVM"))] | length == 0)' "$TMP/win.inv" >/dev/null; then
    ok "Windows: build and UBR from the hives, KBs, C:\\ paths, no UtilityVM"
else
    bad "Windows image" "$(jq -c '.windows' "$TMP/win.inv" 2>&1; head -c 300 "$TMP/win.err")"
fi

# --- warnings: odd but readable images ------------------------------------------
cat > "$TMP/warn.json" <<'EOF'
{"layout": "oci", "tags": ["warn:1"],
 "layers": [{"entries": [{"path": "bin/sh", "data": "x"},
                         {"path": "bin/dangling", "type": "hardlink", "link": "nowhere/x"},
                         {"path": ".wh.", "data": ""}]}]}
EOF
python3 "$MKIMAGE" "$TMP/warn.tar" --spec "$TMP/warn.json" >/dev/null
"$PALISADE" inventory "$TMP/warn.tar" >"$TMP/warn.inv" 2>"$TMP/warn.err"
if [ $? -eq 0 ] && jq -e '(.warnings | length) == 2
        and (.warnings[0] | startswith("layer 0, entry '"'"'bin/dangling'"'"': hardlink to '"'"'nowhere/x'"'"'"))
        and (.warnings[1] | contains("a whiteout of '"'"'/'"'"' is ignored"))' "$TMP/warn.inv" >/dev/null; then
    ok "inventory: warnings for a dangling hardlink and a whiteout of /"
else
    bad "inventory warnings" "$(jq -c .warnings "$TMP/warn.inv" 2>&1; cat "$TMP/warn.err")"
fi
"$PALISADE" scan "$TMP/warn.tar" >"$TMP/warn.txt" 2>"$TMP/warn.err"; rc=$?
if [ "$rc" -ne 2 ] && grep -q '^NOTES' "$TMP/warn.txt" &&
   grep -qF "image: layer 0, entry 'bin/dangling': hardlink to 'nowhere/x'" "$TMP/warn.txt"; then
    ok "scan (text): the warnings are notes"
else
    bad "scan (text) notes" "exit $rc; $(tail -8 "$TMP/warn.txt"; cat "$TMP/warn.err")"
fi
"$PALISADE" scan "$TMP/warn.tar" --format json >"$TMP/warn.json.out" 2>"$TMP/warn.err"; rc=$?
if [ "$rc" -ne 2 ] && jq -e '[.notes[] | select(startswith("image: layer 0, entry"))] | length == 2' \
        "$TMP/warn.json.out" >/dev/null; then
    ok "scan (json): the warnings are notes"
else
    bad "scan (json) notes" "exit $rc; $(jq -c .notes "$TMP/warn.json.out" 2>&1; cat "$TMP/warn.err")"
fi

# --- errors -------------------------------------------------------------------
expect_error() {  # name expected-stderr-fragment args...
    local name=$1 frag=$2; shift 2
    "$PALISADE" inventory "$@" >"$TMP/e.out" 2>"$TMP/e.err"
    local rc=$?
    if [ "$rc" -eq 2 ] && grep -qF -- "$frag" "$TMP/e.err" && [ ! -s "$TMP/e.out" ]; then
        ok "$name"
    else
        bad "$name" "exit $rc; $(cat "$TMP/e.err")"
    fi
}
expect_error "a missing file: exit 2, file named" "palisade inventory: $TMP/nope.tar: cannot open" "$TMP/nope.tar"
printf 'not a tarball' >"$TMP/text.tar"
expect_error "not a tarball: exit 2" "palisade inventory: $TMP/text.tar: not a tar archive" "$TMP/text.tar"
cat > "$TMP/esc.json" <<'EOF'
{"layout": "docker", "manifest_override": {"Layers": ["../../../../etc/shadow"]},
 "layers": [{"entries": [{"path": "a", "data": "x"}]}]}
EOF
python3 "$MKIMAGE" "$TMP/esc.tar" --spec "$TMP/esc.json" >/dev/null
expect_error "a manifest naming a blob outside the tarball" "points outside the tarball" "$TMP/esc.tar"
# a layer damaged after the image was written: its gzip CRC no longer matches
cat > "$TMP/crc.json" <<'EOF'
{"layout": "docker", "tags": ["crc:1"],
 "layers": [{"compress": "gzip", "damage": {"flip": -8}, "entries": [{"path": "etc/motd", "data": "hi"}]}]}
EOF
python3 "$MKIMAGE" "$TMP/crc.tar" --spec "$TMP/crc.json" >/dev/null
expect_error "a gzip layer with a bad CRC: exit 2, image and layer named" \
    "palisade inventory: $TMP/crc.tar: image crc:1, layer 0 (" "$TMP/crc.tar"
if grep -qF "CRC-32 does not match" "$TMP/e.err"; then ok "... and the CRC named"; else bad "CRC named" "$(cat "$TMP/e.err")"; fi
"$PALISADE" scan "$TMP/crc.tar" >"$TMP/s.out" 2>"$TMP/s.err"; rc=$?
if [ "$rc" -eq 2 ] && grep -qF "palisade scan: $TMP/crc.tar: image crc:1, layer 0 (" "$TMP/s.err" &&
   grep -qF "CRC-32 does not match" "$TMP/s.err"; then
    ok "palisade scan of the same image: exit 2"
else
    bad "palisade scan of a damaged image" "exit $rc; $(cat "$TMP/s.err")"
fi
cat > "$TMP/diff.json" <<'EOF'
{"layout": "oci", "tags": ["diff:1"],
 "layers": [{"diff_id": "sha256:1111111111111111111111111111111111111111111111111111111111111111",
             "entries": [{"path": "etc/motd", "data": "hi"}]}]}
EOF
python3 "$MKIMAGE" "$TMP/diff.tar" --spec "$TMP/diff.json" >/dev/null
expect_error "a layer that is not its diff_id: exit 2" \
    "but the config's rootfs.diff_ids[0] says sha256:1111111111111111111111111111111111111111111111111111111111111111" \
    "$TMP/diff.tar"
expect_error "unknown --format" "unknown format 'swid' (json, cyclonedx or spdx)" "$TMP/debian.tar" --format swid
expect_error "no image" "no image given"
expect_error "unknown option" "unknown option '--bogus'" --bogus "$TMP/debian.tar"
if "$PALISADE" inventory --help | grep -q -- '--hashes'; then ok "--help lists the options"; else bad "--help"; fi

finish
