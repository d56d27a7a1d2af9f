#!/usr/bin/env bash
# Sigma rules on the Windows events palisade decodes beyond process, network,
# file, registry, image and logon records: Security shares (5140, 5145),
# directory objects (4662), service installs (4697), scheduled tasks (4698,
# 4702), group members (4732); System service
# crashes and start types (7034, 7040); PowerShell module logging (4103);
# Sysmon 2, 4, 9 and 29; Security 1102 (its data in UserData/LogFileCleared)
# and WFP filters (5441, 5447); a logsource of product windows alone.  The rules (tests/e2e/sigma/events) are ours, in the
# shapes SigmaHQ's rules for these events take.  Each converts, and each
# record, in the Winlogbeat, flat and evtx_dump layouts, matches exactly the
# rules written for it (a near miss beside each matches none).
#
# Needs $PALISADE (tests/run-all.sh sets it), python3.
. "$(dirname "$0")/lib/harness.sh"
. "$(dirname "$0")/lib/layouts.sh"

D=tests/e2e/sigma/events
OUT=$TMP/out
"$PALISADE" sigma convert "$D" -o "$OUT" 2>"$TMP/convert.err"
expect_eq "convert exits 0" "$?" 0
check "every rule converts" grep -q 'converted 17 of 17 rules' "$TMP/convert.err" || cat "$TMP/convert.err"
"$PALISADE" lint "$OUT" >"$TMP/lint.out" 2>&1
expect_eq "converted output is lint clean" "$?" 0 || cat "$TMP/lint.out"

python3 - "$TMP" <<'EOF'
import json, sys
tmp = sys.argv[1]
SEC = ("Microsoft-Windows-Security-Auditing", "Security")
SYSTEM = ("Service Control Manager", "System")
SYSMON = ("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational")
PS = ("Microsoft-Windows-PowerShell", "Microsoft-Windows-PowerShell/Operational")
R = "33333333-0000-4000-8000-0000000000"
subj = {"SubjectUserSid": "S-1-5-21-1-2-3-1104", "SubjectUserName": "carol", "SubjectDomainName": "CORP",
        "SubjectLogonId": "0x3e7a1"}
def sec(eid, **d):
    return SEC + (eid, dict(subj, **d))
def share(eid, name, rel="", ip="203.0.113.7"):
    d = {"ObjectType": "File", "IpAddress": ip, "IpPort": "50444", "ShareName": name, "ShareLocalPath": "",
         "AccessMask": "0x3", "AccessList": "%%4416 %%4417"}
    if eid == 5145:
        d["RelativeTargetName"] = rel
    return sec(eid, **d)
def sysmon(eid, **d):
    return SYSMON + (eid, dict({"UtcTime": "2025-01-01 10:00:00.000", "ProcessGuid": "{1}", "ProcessId": "4100",
                                "User": "CORP\\carol"}, **d))
task = "<Task><Actions><Exec><Command>powershell</Command><Arguments>-nop -enc SQBFAFgA</Arguments></Exec></Actions></Task>"
cases = [
    (share(5145, "\\\\*\\IPC$", "spoolss"), [R + "01"]),
    (share(5145, "\\\\*\\IPC$", "spoolss", ip="127.0.0.1"), []),
    (share(5145, "\\\\*\\IPC$", "lsarpc"), []),
    (sec(4662, ObjectServer="DS", ObjectType="%{19195a5b-6da0-11d0-afd3-00c04fd930c9}", ObjectName="%{abc}",
         OperationType="Object Access", AccessMask="0x100", AccessList="%%7688",
         Properties="%%7688 {1131f6aa-9c07-11d1-f79f-00c04fc2dcd2} {19195a5b-6da0-11d0-afd3-00c04fd930c9}"), [R + "02"]),
    (sec(4662, ObjectServer="DS", ObjectType="%{x}", ObjectName="%{abc}", OperationType="Object Access",
         AccessMask="0x100", AccessList="%%7688", Properties="%%7688 {bf967a86-0de6-11d0-a285-00aa003049e2}"), []),
    (sec(4698, TaskName="\\Updater", TaskContent=task), [R + "03"]),
    (sec(4702, TaskName="\\Updater", TaskContentNew=task), [R + "03"]),
    (sec(4698, TaskName="\\Updater", TaskContent="<Task><Command>notepad</Command></Task>"), []),
    (sec(4697, ServiceName="upd", ServiceFileName="%COMSPEC% /Q cmd /c echo x > \\\\.\\pipe\\p", ServiceType="0x10",
         ServiceStartType="3", ServiceAccount="LocalSystem"), [R + "04"]),
    (sec(4697, ServiceName="upd", ServiceFileName="C:\\Program Files\\upd\\upd.exe", ServiceType="0x10",
         ServiceStartType="2", ServiceAccount="LocalSystem"), []),
    (sec(4732, MemberName="-", MemberSid="S-1-5-21-1-2-3-1199", TargetUserName="Administrators",
         TargetDomainName="Builtin", TargetSid="S-1-5-32-544"), [R + "05"]),
    (sec(4732, MemberName="-", MemberSid="S-1-5-21-1-2-3-1199", TargetUserName="Remote Desktop Users",
         TargetDomainName="Builtin", TargetSid="S-1-5-32-555"), []),
    (SYSTEM + (7034, {"param1": "Message Queuing", "param2": "1"}), [R + "07"]),
    (SYSTEM + (7034, {"param1": "Print Spooler", "param2": "1"}), []),
    (SYSTEM + (7040, {"param1": "Windows Event Log", "param2": "auto start", "param3": "disabled",
                      "param4": "EventLog"}), [R + "08"]),
    (SYSTEM + (7040, {"param1": "Windows Event Log", "param2": "demand start", "param3": "auto start",
                      "param4": "EventLog"}), []),
    (PS + (4103, {"ContextInfo": "Severity = Informational Host Application = powershell.exe",
                  "UserData": "", "Payload": "CommandInvocation(Invoke-PalTestMarker): \"Invoke-PalTestMarker\""}), [R + "09"]),
    (PS + (4103, {"ContextInfo": "Host Application = powershell.exe", "UserData": "",
                  "Payload": "CommandInvocation(Get-Date)"}), []),
    (sysmon(2, Image="C:\\Users\\carol\\stomp-test.exe", TargetFilename="C:\\Users\\carol\\x.exe",
            CreationUtcTime="2019-01-01 00:00:00.000", PreviousCreationUtcTime="2025-01-01 09:59:00.000"), [R + "0a"]),
    (sysmon(2, Image="C:\\Users\\carol\\stomp-test.exe", TargetFilename="C:\\Users\\carol\\x.txt",
            CreationUtcTime="2019-01-01 00:00:00.000", PreviousCreationUtcTime="2025-01-01 09:59:00.000"), []),
    (sysmon(9, Image="C:\\Users\\carol\\dd.exe", Device="\\Device\\HarddiskVolume2"), [R + "0b"]),
    (sysmon(9, Image="C:\\Windows\\System32\\svchost.exe", Device="\\Device\\HarddiskVolume2"), []),
    (SYSMON + (4, {"UtcTime": "2025-01-01 10:00:00.000", "State": "Stopped", "Version": "15.0", "SchemaVersion": "4.90"}),
     [R + "0c"]),
    (SYSMON + (4, {"UtcTime": "2025-01-01 10:00:00.000", "State": "Started", "Version": "15.0", "SchemaVersion": "4.90"}),
     []),
    (sysmon(29, Image="C:\\Users\\carol\\dl.exe", TargetFilename="C:\\Users\\carol\\AppData\\Local\\Temp\\a.exe",
            Hashes="SHA256=AB"), [R + "0d"]),
    (sysmon(29, Image="C:\\Users\\carol\\dl.exe", TargetFilename="C:\\Tools\\a.exe", Hashes="SHA256=AB"), []),
    (share(5140, "\\\\*\\ADMIN$"), [R + "0e"]),
    (share(5140, "\\\\*\\ADMIN$", ip="10.1.2.3"), []),
    (("Microsoft-Windows-Eventlog", "Security", 1102, subj), [R + "0f"]),
    (("Microsoft-Windows-Eventlog", "Security", 1102, dict(subj, SubjectUserName="WS1$")), []),
    (sec(5447, ProcessId="1944", UserSid="S-1-5-19", UserName="LOCAL SERVICE", ChangeType="%%16385",
         FilterName="Block outbound palisade-test-agent", FilterType="%%16387", LayerName="ALE Connect v4 Layer"),
     [R + "10"]),
    (sec(5441, FilterName="Port Scanning Prevention Filter", LayerName="ALE Receive/Accept v4 Layer"), []),
    (sec(4688, NewProcessName="C:\\Windows\\System32\\cmd.exe", NewProcessId="0x1c4", ProcessId="0x1a0",
         CommandLine="cmd /c copy x.dll C:\\Windows\\System32\\Tasks\\x.dll"), [R + "11"]),
    (sysmon(1, Image="C:\\Windows\\System32\\cmd.exe", CommandLine="cmd /c copy x.dll C:\\Windows\\System32\\Tasks\\"),
     [R + "11"]),
    (sysmon(1, Image="C:\\Windows\\System32\\cmd.exe", CommandLine="cmd /c dir C:\\Windows\\System32\\Tasks"), []),
]
cases += [
    (sec(4624, TargetUserName="carol", TargetDomainName="CORP", LogonType="9", TargetOutboundUserName="palisade-test-net",
         TargetOutboundDomainName="CORP"), [R + "12"]),
    (sec(4624, TargetUserName="carol", TargetDomainName="CORP", LogonType="9", TargetOutboundUserName="carol",
         TargetOutboundDomainName="CORP"), []),
]
# records whose data is UserData/<element> (winevents.c pal_win_user_datas)
USER_DATA = {1102: "LogFileCleared"}
def winlogbeat(p, ch, eid, d):
    if eid in USER_DATA:
        return {"winlog": {"channel": ch, "event_id": eid, "provider_name": p, "computer_name": "ws1",
                           "user_data": dict(d, xml_name=USER_DATA[eid])}}
    return {"winlog": {"channel": ch, "event_id": eid, "provider_name": p, "computer_name": "ws1", "event_data": d}}
def flat(p, ch, eid, d):
    r = {"EventID": eid, "Channel": ch, "SourceName": p, "Hostname": "ws1"}
    r.update(d)
    return r
def evtx(p, ch, eid, d):
    rec = {"Event": {"System": {"Provider": {"#attributes": {"Name": p}}, "EventID": eid, "Channel": ch,
                                "Computer": "ws1", "TimeCreated": {"#attributes": {"SystemTime": "2025-01-01T10:00:00.000000Z"}}}}}
    if eid in USER_DATA:
        rec["Event"]["UserData"] = {USER_DATA[eid]: dict({"#attributes": {"xmlns": "http://manifests.microsoft.com/win/2004/08/windows/eventlog"}}, **d)}
    else:
        rec["Event"]["EventData"] = d
    return rec
for name, f in (("winlogbeat", winlogbeat), ("flat", flat), ("evtx", evtx)):
    with open(f"{tmp}/events-{name}.jsonl", "w") as out:
        for (rec, _) in cases:
            out.write(json.dumps(f(*rec)) + "\n")
with open(f"{tmp}/expected.json", "w") as out:
    json.dump([sorted(e) for (_, e) in cases], out)
EOF
decide_layouts "$OUT"
finish
