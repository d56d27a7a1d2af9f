#!/usr/bin/env bash
# Sigma 1.0 rule collections, the FileName field, and filters on fields no
# record of the logsource carries, end to end, on rules of our own
# (tests/e2e/sigma/collections):
#
#   1. a collection converts into one .pal holding each of its rules, named
#      by the Sigma id (ID, ID-2, ...), the global document's keys merged
#      into each rule after it, a repeat's over the rule it repeats, nothing
#      of the global after a reset; what is written is formatted and lint
#      clean; a filter (under `not`) on a field no record of the logsource
#      carries converts as excluding nothing, and says so in a comment;
#   2. the converted rules decide real-shaped Sysmon and System records in
#      the three layouts (Winlogbeat, flat, evtx_dump): each record matches
#      exactly the rules written for it, and the near miss beside it none.
#
# Needs $PALISADE (tests/run-all.sh sets it), python3.
. "$(dirname "$0")/lib/harness.sh"
. "$(dirname "$0")/lib/layouts.sh"

D=tests/e2e/sigma/collections
OUT=$TMP/out

# ---- 1. conversion ----
"$PALISADE" sigma convert "$D" -o "$OUT" 2>"$TMP/convert.err"
expect_eq "convert exits 0" "$?" 0
check "every file converts" grep -q 'converted 4 of 4 rules' "$TMP/convert.err" || cat "$TMP/convert.err"
R=66666666-0000-4000-8000-00000000000
got=$(grep -ho "^rule '[^']*'" "$OUT"/*.pal | sort | tr '\n' ' ')
expect_eq "each rule of a collection, named ID, ID-2" "$got" \
    "rule '${R}1' rule '${R}1-2' rule '${R}2' rule '${R}2-2' rule '${R}3' rule '${R}4' rule '${R}5' rule '${R}6' "
expect_eq "the global's author goes into the rules before the reset only" \
    "$(grep -c '^// author: palisade tests' "$OUT/repeat_reset.pal")" 2
check "the global's level becomes each rule's severity" grep -q 'severity *high' "$OUT/global.pal"
expect_eq "the global's tags go into both rules" "$(grep -c 'mitre *"T1569.002"' "$OUT/global.pal")" 2
check "a rule's own level after the reset" grep -q 'severity *low' "$OUT/repeat_reset.pal"
check "provenance names the document" grep -q '^// collection: YAML document 3 of 3, rule 2 of 2' "$OUT/global.pal"
check "a filter on a field the records lack is named" grep -q '^// note: no record of this logsource carries Details in filter_registry_field: those tests, under not, are false' "$OUT/absent_filters.pal"
check "... TargetParentImage too" grep -q '^// note: no record of this logsource carries TargetParentImage in filter_main_parent' "$OUT/absent_filters.pal"
fmtl=$("$PALISADE" fmt -l "$OUT" 2>&1)
expect_eq "converted output is formatted" "$fmtl" ""
"$PALISADE" lint "$OUT" >"$TMP/lint.out" 2>&1
expect_eq "converted output is lint clean" "$?" 0 || cat "$TMP/lint.out"

# ---- 2. decisions over the three layouts ----
python3 - "$TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
SYSMON = ("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational")
SCM = ("Service Control Manager", "System")
R = "66666666-0000-4000-8000-00000000000"
pid = iter(range(6000, 7000))
def proc(image, cmd=None, parent="C:\\Windows\\explorer.exe"):
    return SYSMON + (1, {"UtcTime": "2025-01-01 10:00:00.000", "ProcessGuid": "{1}", "ProcessId": str(next(pid)),
                         "Image": "C:\\T\\" + image, "CommandLine": cmd or image, "CurrentDirectory": "C:\\",
                         "User": "CORP\\carol", "ParentImage": parent, "ParentCommandLine": "parent", "ParentProcessId": "100"})
def service(name, path):
    return SCM + (7045, {"ServiceName": name, "ImagePath": path, "ServiceType": "user mode service",
                         "StartType": "demand start", "AccountName": "LocalSystem"})
def file_event(eid, path, image="C:\\Windows\\System32\\cmd.exe"):
    return SYSMON + (eid, {"UtcTime": "2025-01-01 10:00:00.000", "ProcessGuid": "{1}", "ProcessId": "5000",
                           "User": "CORP\\carol", "Image": image, "TargetFilename": path,
                           "Hashes": "SHA256=AB", "IsExecutable": "false", "Archived": "false"})
def remote_thread(source, target):
    return SYSMON + (8, {"UtcTime": "2025-01-01 10:00:00.000", "SourceProcessGuid": "{1}", "SourceProcessId": "5100",
                         "SourceImage": source, "TargetProcessGuid": "{2}", "TargetProcessId": "5200", "TargetImage": target,
                         "NewThreadId": "77", "StartAddress": "0x1000", "StartModule": "", "StartFunction": "",
                         "SourceUser": "CORP\\carol", "TargetUser": "CORP\\carol"})
cases = [
    (proc("collection-a.exe"), [R + "1"]),
    (proc("collection-a.exe", parent="C:\\T\\collection-ok.exe"), []),
    (proc("collection-a2.exe"), []),
    (service("collection-b", "C:\\Temp\\x.exe"), [R + "1-2"]),
    (service("collection-b", "C:\\Program Files\\collection-ok\\svc.exe"), []),
    (service("collection-c", "C:\\Temp\\x.exe"), []),
    (proc("repeat-a.exe"), [R + "2"]),
    (proc("repeat-a.exe", "repeat-a.exe --dry-run"), []),
    (proc("repeat-b.exe"), [R + "2-2"]),
    (proc("repeat-b.exe", "repeat-b.exe --dry-run"), []),
    (proc("after-reset.exe", "after-reset.exe --dry-run"), [R + "3"]),
    (proc("after-reset.exe", "after-reset.exe --quiet"), []),
    (file_event(23, "C:\\inetpub-test\\logs\\W3SVC1\\u_ex250101.log"), [R + "4"]),
    (file_event(23, "C:\\inetpub-test\\logs\\W3SVC1\\u_ex250101.txt"), []),
    (file_event(23, "D:\\inetpub-test\\logs\\u_ex250101.log"), []),
    (file_event(11, "C:\\inetpub-test\\logs\\W3SVC1\\u_ex250101.log"), []),
    # a filter on a field file records lack excludes nothing; the other still does
    (file_event(11, "C:\\Windows\\System32\\WinEVT\\Logs\\a.evtx-test"), [R + "5"]),
    (file_event(11, "C:\\Windows\\System32\\WinEVT\\Logs\\a.evtx-test", image="C:\\T\\ok-writer.exe"), []),
    (file_event(11, "C:\\Windows\\System32\\WinEVT\\Logs\\a.evtx"), []),
    (remote_thread("C:\\T\\inject-test.exe", "C:\\Windows\\System32\\svchost.exe"), [R + "6"]),
    (remote_thread("C:\\T\\inject-test.exe", "C:\\T\\ok-target.exe"), []),
    (remote_thread("C:\\T\\other.exe", "C:\\Windows\\System32\\svchost.exe"), []),
]
def winlogbeat(p, ch, eid, d):
    return {"winlog": {"channel": ch, "event_id": eid, "provider_name": p, "computer_name": "ws1", "event_data": d}}
def flat(p, ch, eid, d):
    r = {"EventID": eid, "Channel": ch, "SourceName": p, "Hostname": "ws1"}
    r.update(d)
    return r
def evtx(p, ch, eid, d):
    return {"Event": {"System": {"Provider": {"#attributes": {"Name": p}}, "EventID": eid, "Channel": ch,
                                 "Computer": "ws1", "TimeCreated": {"#attributes": {"SystemTime": "2025-01-01T10:00:00.000000Z"}}},
                      "EventData": d}}
for name, f in (("winlogbeat", winlogbeat), ("flat", flat), ("evtx", evtx)):
    with open(f"{tmp}/events-{name}.jsonl", "w") as out:
        for (rec, _) in cases:
            out.write(json.dumps(f(*rec)) + "\n")
with open(f"{tmp}/expected.json", "w") as out:
    json.dump([sorted(e) for (_, e) in cases], out)
PY
decide_layouts "$OUT"
finish
