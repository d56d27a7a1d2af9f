#!/usr/bin/env bash
# palisade scan of several images in one run (IMAGE... and --images DIR) and
# palisade report over saved JSON reports:
#   - each image's part of the combined report is exactly what a scan of
#     that image alone writes (palisade.scans/v1 reports[k] == the
#     palisade.scan/v1 document, "started" aside)
#   - exit status by the worst image; an image that cannot be read is
#     reported, named on stderr, and the others are still scanned
#   - every format's set form: text and github per image then a summary,
#     one SARIF run and one JUnit testsuite per image (validated)
#   - --images DIR picks tarballs and OCI layout directories, in name order
#   - progress on a terminal (a pty): image k of n, bytes read, rate; none
#     when stderr is not a terminal
#   - palisade report: saved reports back to the same JSON and the same HTML,
#     and a file that is not a report is an error naming the place, with
#     nothing written
. "$(dirname "$0")/lib/harness.sh"
PAL=$PALISADE tmp=$TMP
need jq python3 xmllint
q() { jq -r "$2" "$1"; }

# ---------------------------------------------------------------- images
python3 tests/e2e/lib/mkimage.py "$tmp/pass.tar" --spec examples/images/catalog.json >/dev/null &&
python3 tests/e2e/lib/mkimage.py "$tmp/fail.tar" --spec examples/images/shop-api.json >/dev/null &&
python3 tests/e2e/lib/mkimage.py "$tmp/win.tar" --spec examples/images/wincontainerapp.json >/dev/null ||
    { bad "building the images"; finish; }
echo "not a tarball" >"$tmp/broken.tar"
feeds=(--feeds examples/images/feed.json --exceptions examples/images/exceptions.yaml)

"$PAL" scan "$tmp/pass.tar" "$tmp/fail.tar" "$tmp/broken.tar" "$tmp/win.tar" "${feeds[@]}" --format json \
    >"$tmp/set.json" 2>"$tmp/set.err"; rc=$?
expect_eq "an unreadable image among them: exit 2 (the worst)" "$rc" 2
check "stderr names the unreadable image" grep -q "^palisade scan: $tmp/broken.tar: not a tar archive" "$tmp/set.err"
expect_eq "json: palisade.scans/v1, three reports, one error" \
    "$(q "$tmp/set.json" '[.schema, (.reports|length), (.errors|length), .errors[0].file] | map(tostring) | join(" ")')" \
    "palisade.scans/v1 3 1 $tmp/broken.tar"
expect_eq "json: summary by image" "$(q "$tmp/set.json" '[.summary.images, .summary.passed, .summary.failed, .summary.errors, .passed] | map(tostring) | join(" ")')" \
    "4 1 2 1 false"
k=0
for img in pass fail win; do
    "$PAL" scan "$tmp/$img.tar" "${feeds[@]}" --format json >"$tmp/one-$img.json" 2>/dev/null
    expect_eq "json: reports[$k] is exactly the one-image report of $img.tar" \
        "$(jq -S --argjson k $k '.reports[$k] | del(.started)' "$tmp/set.json")" "$(jq -S 'del(.started)' "$tmp/one-$img.json")"
    k=$((k + 1))
done
expect_eq "json: summary findings are the images' sums" \
    "$(q "$tmp/set.json" '.summary.findings | [.critical, .high, .medium, .low] | map(tostring) | join(" ")')" \
    "$(jq -rs 'map(.summary.findings) | [map(.critical), map(.high), map(.medium), map(.low)] | map(add) | map(tostring) | join(" ")' "$tmp"/one-{pass,fail,win}.json)"

"$PAL" scan "$tmp/pass.tar" "$tmp/pass.tar" >/dev/null 2>&1; rc=$?
expect_eq "two passing images: exit 0" "$rc" 0
"$PAL" scan "$tmp/pass.tar" "$tmp/fail.tar" "${feeds[@]}" >/dev/null 2>&1; rc=$?
expect_eq "a failing image among passing ones: exit 1" "$rc" 1
"$PAL" scan "$tmp/pass.tar" --format json | jq -e '.schema == "palisade.scan/v1"' >/dev/null
expect_eq "one IMAGE argument: still palisade.scan/v1" "$?" 0

# The set's fail-on is the reports' own (one threshold here), whichever
# image comes first: an unreadable first image has no threshold to set it.
for order in "broken pass" "pass broken"; do
    set -- $order
    for fmt in json text html; do
        "$PAL" scan "$tmp/$1.tar" "$tmp/$2.tar" --fail-on medium --format $fmt -o "$tmp/order-$1.$fmt" 2>/dev/null
    done
done
for first in broken pass; do
    expect_eq "fail-on with the unreadable image $([ $first = broken ] && echo first || echo last): json says medium" \
        "$(q "$tmp/order-$first.json" .fail_on)" medium
    expect_eq "fail-on with the unreadable image $([ $first = broken ] && echo first || echo last): text says medium" \
        "$(tail -n1 "$tmp/order-$first.text" | sed 's/.*; //')" "fail-on medium"
    check "fail-on with the unreadable image $([ $first = broken ] && echo first || echo last): html says medium" \
        grep -q "fails on medium and above" "$tmp/order-$first.html"
done

# ---------------------------------------------------------------- formats
args=("$tmp/pass.tar" "$tmp/fail.tar" "$tmp/broken.tar" "${feeds[@]}")
for fmt in text github junit sarif; do "$PAL" scan "${args[@]}" --format $fmt >"$tmp/set.$fmt" 2>/dev/null; done
check "text: each image's report, then the table" grep -q "^registry.example.com/shop/api:2.0.1  *FAIL " "$tmp/set.text"
expect_eq "text: the closing line sums the images" "$(tail -n1 "$tmp/set.text" | cut -d';' -f1)" \
    "FAIL: 3 images: 1 passed, 1 failed, 1 with errors"
expect_eq "text: one per-image closing line per image scanned" "$(grep -cE '^(PASS|FAIL): [0-9]+ finding' "$tmp/set.text")" 2
check "github: every annotation title starts with its image" \
    bash -c '! grep "^::" "$0" | grep -v "^::[a-z]* title=registry.example.com/\|^::[a-z]* title=palisade scan%3A "' "$tmp/set.github"
check "github: the unreadable image is an ::error" grep -q "^::error title=palisade scan%3A $tmp/broken.tar::" "$tmp/set.github"
check "junit: validates against the Ant schema" xmllint --noout --schema tests/tools/junit.xsd "$tmp/set.junit"
expect_eq "junit: one testsuite per image, the unreadable one with an error" \
    "$(xmllint --xpath 'count(//testsuite)' "$tmp/set.junit") $(xmllint --xpath 'string(//testsuite[3]/@errors)' "$tmp/set.junit")" "3 1"
expect_eq "sarif: one run per image, only the unreadable one unsuccessful" \
    "$(q "$tmp/set.sarif" '[.version, (.runs|length), (.runs | map(.invocations[0].executionSuccessful) | map(tostring) | join(","))] | map(tostring) | join(" ")')" \
    "2.1.0 3 true,true,false"
expect_eq "sarif: each run's results are its image's findings and vulnerabilities" \
    "$(q "$tmp/set.sarif" '.runs[1].results | length')" "$(q "$tmp/one-fail.json" '(.findings | length) + (.vulnerabilities | length)')"

# ---------------------------------------------------------------- --images DIR
mkdir -p "$tmp/dir/sub" "$tmp/dir/oci"
cp "$tmp/fail.tar" "$tmp/dir/b-fail.tar"
gzip -c "$tmp/pass.tar" >"$tmp/dir/a-pass.tar.gz"
echo "notes" >"$tmp/dir/README.md"
cp "$tmp/pass.tar" "$tmp/dir/.hidden.tar"
python3 tests/e2e/lib/mkimage.py "$tmp/oci.tar" --spec examples/images/catalog.json >/dev/null
tar -C "$tmp/dir/oci" -xf "$tmp/oci.tar"
"$PAL" scan --images "$tmp/dir" --format json >"$tmp/dir.json" 2>"$tmp/dir.err"; rc=$?
expect_eq "--images: tarballs and OCI directories, by name, no hidden or other files" \
    "$(q "$tmp/dir.json" '[.reports[].image.file] | join(" ")') rc=$rc" "$tmp/dir/a-pass.tar.gz $tmp/dir/b-fail.tar $tmp/dir/oci rc=1"
mkdir -p "$tmp/empty"
"$PAL" scan --images "$tmp/empty" >/dev/null 2>"$tmp/empty.err"; rc=$?
expect_eq "--images of a directory without images: exit 2, says what it looks for" \
    "$rc $(grep -c 'no images in it (\*.tar' "$tmp/empty.err")" "2 1"
"$PAL" scan --images "$tmp/dir" --format json -o "$tmp/out.json" 2>/dev/null
expect_eq "-o: the set written to the file" "$(q "$tmp/out.json" .schema)" "palisade.scans/v1"
"$PAL" scan "$tmp/pass.tar" "$tmp/fail.tar" -o "$tmp/out.html" 2>/dev/null
check "-o FILE.html: the html format" grep -q '^<!DOCTYPE html>' "$tmp/out.html"

# ---------------------------------------------------------------- progress
check "no progress when stderr is not a terminal" bash -c '! grep -q "image 1 of" "$0"' "$tmp/set.err"
cat >"$tmp/on_tty.py" <<'PY'
import os, pty, subprocess, sys
master, slave = pty.openpty()
env = dict(os.environ, TERM="xterm")
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=slave, env=env)
os.close(slave)
out = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
p.wait()
sys.stdout.write(out.decode("utf-8", "replace"))
sys.exit(p.returncode)
PY
python3 "$tmp/on_tty.py" "$PAL" scan "$tmp/pass.tar" "$tmp/fail.tar" "$tmp/broken.tar" "${feeds[@]}" >"$tmp/tty.err"; rc=$?
expect_eq "on a terminal: the same exit status" "$rc" 2
check "on a terminal: a line per image, k of n, with its result" \
    bash -c 'grep -q "image 1 of 3: $1/pass.tar: PASS" "$0" && grep -q "image 2 of 3: $1/fail.tar: FAIL" "$0" && grep -q "image 3 of 3: $1/broken.tar: ERROR" "$0"' "$tmp/tty.err" "$tmp"
check "on a terminal: the status line shows the image, the bytes read and the rate" \
    grep -qE 'image [123] of 3: [a-z]+\.tar: .*; [0-9.]+ [kMG]?B read, [0-9.]+ [kMG]?B/s' "$tmp/tty.err"

# Without --feeds no vulnerability was looked for: "0 failing" / "0 of 0" would say they were.
python3 "$tmp/on_tty.py" "$PAL" scan "$tmp/pass.tar" "$tmp/fail.tar" >"$tmp/tty-nofeeds.err"
check "on a terminal without --feeds: the image's line says vulnerabilities were not checked" \
    grep -qE "image 1 of 2: $tmp/pass.tar: PASS, [0-9]+ findings?, vulnerabilities not checked \(" "$tmp/tty-nofeeds.err"
check "on a terminal with --feeds: the image's line counts the failing ones" \
    grep -qE "image 2 of 3: $tmp/fail.tar: FAIL, [0-9]+ findings?, [0-9]+ vulnerabilit(y|ies) failing \(" "$tmp/tty.err"
"$PAL" scan "$tmp/pass.tar" "$tmp/fail.tar" >"$tmp/nofeeds.text" 2>/dev/null
expect_eq "text table without --feeds: VULNS FAILING says not checked" \
    "$(grep -E "^registry.example.com/shop/api:2.0.1 +FAIL" "$tmp/nofeeds.text" | sed 's/.* [0-9][0-9]* *//')" "not checked"
check "text table with --feeds: VULNS FAILING is N of M" \
    grep -qE "^registry.example.com/shop/api:2.0.1 +FAIL( +[0-9]+){5} +[0-9]+ of [0-9]+$" "$tmp/set.text"

# ---------------------------------------------------------------- palisade report
"$PAL" report "$tmp/set.json" --format json >"$tmp/again.json" 2>"$tmp/again.err"; rc=$?
expect_eq "report: a saved set reads back to the same JSON" \
    "$(jq -S 'del(.tool)' "$tmp/again.json") rc=$rc" "$(jq -S 'del(.tool)' "$tmp/set.json") rc=0"
"$PAL" report "$tmp/one-fail.json" "$tmp/one-win.json" --format json >"$tmp/two.json"
expect_eq "report: two one-image reports become a set of two, each unchanged" \
    "$(jq -S '.reports[1]' "$tmp/two.json")" "$(jq -S . "$tmp/one-win.json")"
"$PAL" scan "$tmp/fail.tar" "$tmp/win.tar" "${feeds[@]}" --format html -o "$tmp/scan.html" 2>/dev/null
"$PAL" report "$tmp/one-fail.json" "$tmp/one-win.json" -o "$tmp/report.html"; rc=$?
expect_eq "report: the same HTML as the scan wrote (its generation time aside)" \
    "$(grep -v 'Generated' "$tmp/report.html" | grep -v '<dt>Scanned' | md5sum) rc=$rc" \
    "$(grep -v 'Generated' "$tmp/scan.html" | grep -v '<dt>Scanned' | md5sum) rc=0"
echo '{"schema": "palisade.scan/v1", "image": {}, "findings": [{"id": "X", "severity": "severe", "status": "fail"}]}' >"$tmp/bad1.json"
echo '{"schema": "something/v2"}' >"$tmp/bad2.json"
printf '{"schema": "palisade.scan/v1", "findings": [' >"$tmp/bad3.json"
for n in 1 2 3; do
    echo old >"$tmp/keep.html"
    "$PAL" report "$tmp/one-fail.json" "$tmp/bad$n.json" -o "$tmp/keep.html" 2>"$tmp/bad$n.err"; echo $? >"$tmp/bad$n.rc"
done
expect_eq "report: an unknown severity is exit 2, naming the file and the field" \
    "$(cat "$tmp/bad1.rc") $(cat "$tmp/bad1.err")" "2 palisade report: $tmp/bad1.json: findings[0]: unknown severity 'severe' (info, low, medium, high, critical)"
check "report: another schema is refused, naming what it reads" grep -q "bad2.json: not a palisade scan report (schema 'something/v2')" "$tmp/bad2.err"
check "report: truncated JSON is refused with the place" grep -q "bad3.json: not JSON (near byte" "$tmp/bad3.err"
expect_eq "report: after an error nothing is written (the old file stays)" "$(cat "$tmp/keep.html")" "old"
finish
