#!/usr/bin/env bash
# Sigma rules for the Windows logs beyond Sysmon, Security, System's service
# control manager and PowerShell/Operational: Application, Windows Defender,
# BITS, CodeIntegrity, AppLocker, AppX, DNS client and server, Windows
# Firewall, MSExchange Management, NTLM, SMB client, Task Scheduler,
# Security-Mitigations, IIS configuration, classic Windows PowerShell (its
# Name=Value Data lines), System's other providers (104, 16, 4100, 42, 7023),
# Security 4657, 4663, 4723, 4742, 4776, 6416 and Sysmon 255.  The rules
# (tests/e2e/sigma/channels) are ours, in the shapes SigmaHQ's rules for
# these logs take.  Each converts; each record, in the Winlogbeat, flat and
# evtx_dump layouts, matches exactly the rules written for it, and a near
# miss beside it matches none.
#
# Needs $PALISADE (tests/run-all.sh sets it), python3.
. "$(dirname "$0")/lib/harness.sh"
. "$(dirname "$0")/lib/layouts.sh"

D=tests/e2e/sigma/channels
OUT=$TMP/out
"$PALISADE" sigma convert "$D" -o "$OUT" 2>"$TMP/convert.err"
expect_eq "convert exits 0" "$?" 0
check "every rule converts" grep -q 'converted 33 of 33 rules' "$TMP/convert.err" || cat "$TMP/convert.err"
"$PALISADE" lint "$OUT" >"$TMP/lint.out" 2>&1
expect_eq "converted output is lint clean" "$?" 0 || cat "$TMP/lint.out"

python3 - "$TMP" <<'EOF'
import json, sys
tmp = sys.argv[1]
R = "55555555-0000-4000-8000-0000000000"
def log(p, ch):
    return lambda eid, d, **kw: (p, ch, eid, d, kw)
APP = lambda prov: log(prov, "Application")
DEF = log("Microsoft-Windows-Windows Defender", "Microsoft-Windows-Windows Defender/Operational")
BITS = log("Microsoft-Windows-Bits-Client", "Microsoft-Windows-Bits-Client/Operational")
CI = log("Microsoft-Windows-CodeIntegrity", "Microsoft-Windows-CodeIntegrity/Operational")
AL = log("Microsoft-Windows-AppLocker", "Microsoft-Windows-AppLocker/EXE and DLL")
APPX = log("Microsoft-Windows-AppXDeployment-Server", "Microsoft-Windows-AppXDeploymentServer/Operational")
APPXP = log("Microsoft-Windows-AppxPackagingOM", "Microsoft-Windows-AppxPackaging/Operational")
DNSC = log("Microsoft-Windows-DNS-Client", "Microsoft-Windows-DNS-Client/Operational")
DNSS = log("Microsoft-Windows-DNS-Server-Service", "DNS Server")
FW = log("Microsoft-Windows-Windows Firewall With Advanced Security",
         "Microsoft-Windows-Windows Firewall With Advanced Security/Firewall")
EXCH = log("MSExchange CmdletLogs", "MSExchange Management")
NTLM = log("Microsoft-Windows-NTLM", "Microsoft-Windows-NTLM/Operational")
SMB = log("Microsoft-Windows-SMBClient", "Microsoft-Windows-SmbClient/Security")
TASK = log("Microsoft-Windows-TaskScheduler", "Microsoft-Windows-TaskScheduler/Operational")
MIT = log("Microsoft-Windows-Security-Mitigations", "Microsoft-Windows-Security-Mitigations/UserMode")
IIS = log("Microsoft-IIS-Configuration", "Microsoft-IIS-Configuration/Operational")
PSC = log("PowerShell", "Windows PowerShell")
SYS = lambda prov: log(prov, "System")
SEC = log("Microsoft-Windows-Security-Auditing", "Security")
SYSMON = log("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational")
subj = {"SubjectUserSid": "S-1-5-21-1-2-3-1104", "SubjectUserName": "carol", "SubjectDomainName": "CORP",
        "SubjectLogonId": "0x3e7a1"}
def ps(host, **kv):
    lines = "".join(f"\t{k}={v}\r\n" for k, v in dict({"HostName": "ConsoleHost", "HostApplication": host}, **kv).items())
    return ["Available", "None", lines]
al = lambda path: {"PolicyName": "EXE", "RuleName": "-", "TargetUser": "S-1-5-21-1-1001", "TargetProcessId": "4120",
                   "FullFilePath": path, "FileHash": "AB12"}
fw = lambda app, action: {"RuleId": "{r-1}", "RuleName": "allow 4444", "ApplicationPath": "C:\\x.exe", "Action": action,
                          "LocalPorts": "4444", "ModifyingUser": "S-1-5-18", "ModifyingApplication": app}
sql = "audit_schema_version:1\nobject_name:xp_cmdshell\nstatement:EXEC xp_cmdshell 'whoami'"
cases = [
    (APP("MSSQLSERVER")(33205, [sql], level=4), [R + "01"]),
    (APP("MSSQLSERVER")(33205, [sql.replace("xp_cmdshell", "sp_who")], level=4), []),
    (APP("MSSQLSERVER")(33205, [sql], level=2), []),
    (DEF(1116, {"Product Name": "Microsoft Defender Antivirus", "Threat Name": "Trojan:PowerShell/X", "Source Name": "AMSI",
                "Path": "amsi:_C:\\x.ps1"}), [R + "02"]),
    (DEF(1116, {"Product Name": "Microsoft Defender Antivirus", "Threat Name": "Trojan:Win32/X",
                "Source Name": "Real-Time Protection", "Path": "file:_C:\\x.exe"}), []),
    (DEF(5007, {"Product Name": "Microsoft Defender Antivirus", "Old Value": "HKLM\\...\\SubmitSamplesConsent = 0x1",
                "New Value": "HKLM\\...\\SubmitSamplesConsent = 0x0"}), [R + "03"]),
    (DEF(5007, {"Product Name": "Microsoft Defender Antivirus", "Old Value": "HKLM\\...\\SubmitSamplesConsent = 0x0",
                "New Value": "HKLM\\...\\SubmitSamplesConsent = 0x1"}), []),
    (BITS(16403, {"jobTitle": "j", "RemoteName": "http://198.51.100.7/a.exe", "LocalName": "C:\\Users\\Public\\a.exe"}),
     [R + "04"]),
    (BITS(16403, {"jobTitle": "j", "RemoteName": "http://198.51.100.7/a.exe", "LocalName": "C:\\Tools\\a.exe"}), []),
    (BITS(3, {"jobTitle": "j", "processPath": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
              "processId": "5120"}), [R + "05"]),
    (BITS(3, {"jobTitle": "j", "processPath": "C:\\Windows\\System32\\svchost.exe", "processId": "900"}), []),
    (CI(3077, {"FileNameBuffer": "C:\\x\\b.dll", "ProcessNameBuffer": "C:\\x\\host.exe"}), [R + "06"]),
    (CI(3033, {"FileNameBuffer": "C:\\x\\b.dll", "ProcessNameBuffer": "C:\\x\\host.exe"}), []),
    (AL(8004, al("C:\\Users\\Public\\x.exe")), [R + "07"]),
    (AL(8002, al("C:\\Users\\Public\\x.exe")), []),
    (APPX(854, {"Path": "https://transfer.sh/x/evil.msix"}), [R + "08"]),
    (APPX(854, {"Path": "https://store.example.com/x.msix"}), []),
    (APPXP(157, {"subjectName": "CN=Palisade Test Signer, O=Test"}), [R + "09"]),
    (APPXP(157, {"subjectName": "CN=Microsoft Corporation"}), []),
    (DNSC(3008, {"QueryName": "aaa.stage.123456.example.net", "QueryStatus": "0"}), [R + "0a"]),
    (DNSC(3008, {"QueryName": "www.example.net", "QueryStatus": "0"}), []),
    (DNSS(6004, ["198.51.100.9", "corp.example.com"]), [R + "0b"]),
    (DNSS(6004, ["10.0.0.9", "corp.example.com"]), []),
    (FW(2004, fw("C:\\Windows\\System32\\wbem\\WmiPrvSE.exe", "3")), [R + "0c"]),
    (FW(2004, fw("C:\\Windows\\System32\\netsh.exe", "3")), []),
    (FW(2097, fw("C:\\Windows\\System32\\wbem\\WmiPrvSE.exe", "2")), []),
    (EXCH(1, ["New-ExchangeCertificate", " -GenerateRequest -RequestFile \\\\localhost\\C$\\inetpub\\x.aspx"]), [R + "0d"]),
    (EXCH(1, ["New-ExchangeCertificate", " -GenerateRequest -RequestFile C:\\certs\\x.req"]), []),
    (NTLM(8001, {"TargetName": "TERMSRV/host02", "ProcessId": "1200", "ProcessName": "C:\\Windows\\System32\\mstsc.exe"}),
     [R + "0e"]),
    (NTLM(8001, {"TargetName": "cifs/fs01", "ProcessId": "1200", "ProcessName": "C:\\Windows\\explorer.exe"}), []),
    (SMB(31010, {"ShareName": "\\\\fs01\\ADMIN$", "ServerName": "fs01"}), [R + "0f"]),
    (SMB(31010, {"ShareName": "\\\\fs01\\data", "ServerName": "fs01"}), []),
    (TASK(129, {"TaskName": "\\upd", "Path": "C:\\Users\\Public\\upd.exe", "ProcessID": "6200"}), [R + "10"]),
    (TASK(129, {"TaskName": "\\upd", "Path": "C:\\Program Files\\upd.exe", "ProcessID": "6200"}), []),
    (MIT(12, {"ProcessPath": "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\NisSrv.exe", "ProcessId": "3100",
              "ImageName": "C:\\x\\evil.dll"}), [R + "11"]),
    (MIT(11, {"ProcessPath": "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\NisSrv.exe", "ProcessId": "3100",
              "ImageName": "C:\\x\\evil.dll"}), []),
    (IIS(29, {"Configuration": "/system.applicationHost/sites/siteDefaults/logFile/@logTargetW3C",
              "OldValue": "File,ETW", "NewValue": "File"}), [R + "12"]),
    (IIS(29, {"Configuration": "/system.applicationHost/sites/siteDefaults/logFile/@logTargetW3C",
              "OldValue": "File", "NewValue": "File,ETW"}), []),
    # classic PowerShell 400 is not a process start (the engine starts in a process already launched;
    # pySigma's process_creation is Sysmon 1 and Security 4688), so a process_creation rule on
    # HostApplication does not see it, where the ps_classic_start rule beside it does
    (PSC(400, ps("powershell.exe -nop -w hidden -c x")), [R + "13"]),
    (PSC(400, ps("powershell.exe -nop -c x")), []),
    (PSC(400, ps("C:\\Tools\\palisade-test-impersonate.exe list")), []),
    (PSC(800, ["\tHostApplication=powershell.exe\r\n\tCommandLine=Get-ItemProperty -Path 'HKLM:\\...\\RDP-Tcp' -Name PortNumber\r\n",
               "CommandInvocation(Get-ItemProperty)"]), [R + "14"]),
    (PSC(800, ["\tHostApplication=powershell.exe\r\n\tCommandLine=Get-ChildItem C:\\\r\n", "x"]), []),
    (SYS("Microsoft-Windows-Eventlog")(104, {"SubjectUserName": "admin", "SubjectDomainName": "CORP"}, ud="LogFileCleared"),
     [R + "16"]),
    (SYS("Microsoft-Windows-Eventlog")(104, {"SubjectUserName": "svc-backup", "SubjectDomainName": "CORP"},
                                       ud="LogFileCleared"), []),
    (SYS("Microsoft-Windows-Kernel-General")(16, {"HiveName": "\\??\\C:\\Users\\a\\AppData\\Local\\Temp\\SAM-1.dmp",
                                                  "KeysUpdated": "3"}), [R + "17"]),
    (SYS("Microsoft-Windows-Kernel-General")(16, {"HiveName": "\\??\\C:\\Users\\a\\ntuser.dat", "KeysUpdated": "3"}), []),
    (SYS("Microsoft-Windows-Iphlpsvc")(4100, {"IsatapRouter": "203.0.113.66"}), [R + "18"]),
    (SYS("Microsoft-Windows-Iphlpsvc")(4100, {"IsatapRouter": "::1"}), []),
    (SYS("Microsoft-Windows-Kerberos-Key-Distribution-Center")(42, ["krbtgt"], level=2), [R + "19"]),
    (SYS("Microsoft-Windows-Kerberos-Key-Distribution-Center")(42, ["krbtgt"], level=3), []),
    (SYS("Service Control Manager")(7023, {"param1": "Microsoft Defender Antivirus Service", "param2": "denied"}),
     [R + "1a"]),
    (SYS("Service Control Manager")(7023, {"param1": "Print Spooler", "param2": "denied"}), []),
    (SEC(4657, dict(subj, ObjectName="\\REGISTRY\\MACHINE\\SOFTWARE\\Classes\\CLSID\\{x}\\InprocServer32",
                    ObjectValueName="(Default)", NewValue="C:\\Users\\Public\\x.dll", OperationType="%%1905")), [R + "1b"]),
    (SEC(4657, dict(subj, ObjectName="\\REGISTRY\\MACHINE\\SOFTWARE\\Classes\\CLSID\\{x}\\InprocServer32",
                    ObjectValueName="(Default)", NewValue="C:\\Windows\\x.dll", OperationType="%%1905")), []),
    (SEC(4663, dict(subj, ObjectServer="Security", ObjectType="File", ObjectName="\\Device\\CdRom0\\setup.exe",
                    AccessMask="0x1")), [R + "1c"]),
    (SEC(4663, dict(subj, ObjectServer="Security", ObjectType="File", ObjectName="C:\\x\\setup.exe", AccessMask="0x1")), []),
    (SEC(4723, dict(subj, TargetUserName="Administrator", TargetDomainName="CORP")), [R + "1d"]),
    (SEC(4723, dict(subj, TargetUserName="carol", TargetDomainName="CORP")), []),
    (SEC(4742, dict(subj, SubjectUserName="ANONYMOUS LOGON", TargetUserName="DC01$", PasswordLastSet="3/12/2025 10:00:00 AM")),
     [R + "1e"]),
    (SEC(4742, dict(subj, SubjectUserName="ANONYMOUS LOGON", TargetUserName="DC09-test$", PasswordLastSet="3/12/2025 10:00:00 AM")), []),
    (SEC(4776, {"PackageName": "MICROSOFT_AUTHENTICATION_PACKAGE_V1_0", "TargetUserName": "admin",
                "Workstation": "AbCdEfGhIjKlMnOp", "Status": "0x0"}), [R + "1f"]),
    (SEC(4776, {"PackageName": "MICROSOFT_AUTHENTICATION_PACKAGE_V1_0", "TargetUserName": "admin",
                "Workstation": "WS7", "Status": "0x0"}), []),
    (SEC(6416, dict(subj, DeviceId="USBSTOR\\Disk", DeviceDescription="Disk drive", ClassName="DiskDrive")), [R + "20"]),
    (SEC(6416, dict(subj, DeviceId="HID\\x", DeviceDescription="Keyboard", ClassName="Keyboard")), []),
    (SYSMON(255, {"UtcTime": "2025-01-01 10:00:00.000", "ID": "ConfigUpdate",
                  "Description": "Failed to open service configuration with error 5"}), [R + "21"]),
    (SYSMON(255, {"UtcTime": "2025-01-01 10:00:00.000", "ID": "DriverLoad", "Description": "Failed to load the driver"}), []),
]
LEVELS = {1: "critical", 2: "error", 3: "warning", 4: "information", 5: "verbose"}
def params(d):
    return {f"param{i + 1}": v for i, v in enumerate(d)} if isinstance(d, list) else d
def winlogbeat(p, ch, eid, d, kw):
    w = {"channel": ch, "event_id": eid, "provider_name": p, "computer_name": "ws1"}
    if "ud" in kw:
        w["user_data"] = dict(d, xml_name=kw["ud"])
    else:
        w["event_data"] = params(d)
    rec = {"winlog": w}
    if "level" in kw:
        rec["log"] = {"level": LEVELS[kw["level"]]}
    return rec
def flat(p, ch, eid, d, kw):
    r = {"EventID": eid, "Channel": ch, "SourceName": p, "Hostname": "ws1"}
    if "level" in kw:
        r["Level"] = kw["level"]
    r.update({"Data": d} if isinstance(d, list) else d)
    return r
def evtx(p, ch, eid, d, kw):
    sysm = {"Provider": {"#attributes": {"Name": p}}, "EventID": eid, "Channel": ch, "Computer": "ws1",
            "TimeCreated": {"#attributes": {"SystemTime": "2025-01-01T10:00:00.000000Z"}}}
    if "level" in kw:
        sysm["Level"] = kw["level"]
    rec = {"Event": {"System": sysm}}
    if "ud" in kw:
        rec["Event"]["UserData"] = {kw["ud"]: dict({"#attributes": {"xmlns": "http://manifests.microsoft.com/win/2004/08/windows/eventlog"}}, **d)}
    elif "AppLocker" in ch:
        rec["Event"]["UserData"] = {"RuleAndFileData": dict({"#attributes": {"xmlns": "http://schemas.microsoft.com/schemas/event/Microsoft.Windows/1.0.0.0"}}, **d)}
    else:
        rec["Event"]["EventData"] = {"Data": {"#text": d}} if isinstance(d, list) else d
    return rec
def winlogbeat_al(p, ch, eid, d, kw):
    if "AppLocker" in ch:
        return {"winlog": {"channel": ch, "event_id": eid, "provider_name": p, "user_data": dict(d, xml_name="RuleAndFileData")}}
    return winlogbeat(p, ch, eid, d, kw)
for name, f in (("winlogbeat", winlogbeat_al), ("flat", flat), ("evtx", evtx)):
    with open(f"{tmp}/events-{name}.jsonl", "w") as out:
        for (rec, _) in cases:
            out.write(json.dumps(f(*rec)) + "\n")
with open(f"{tmp}/expected.json", "w") as out:
    json.dump([sorted(e) for (_, e) in cases], out)
EOF
decide_layouts "$OUT"
finish
