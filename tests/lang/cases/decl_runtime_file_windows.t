# A runtime file section decides file events (SPEC 11 "runtime"): Sysmon's
# file records are, an ECS file event with or without event.category is —
# but a Windows Defender detection (kind file, so that policies and Sigma's
# windefend rules see it, event.category "malware") is not a write: it has
# no file.path for an allow entry to pass, so the section's default would
# decide every detection ("write not allowed", prevent).
%%POLICY
runtime "writes" {
  file {
    allow 'C:\Users\**'
    default effect prevent
  }
}
%%EVENTS
{"EventID":11,"Image":"C:\\x.exe","TargetFilename":"C:\\Users\\a\\ok.txt"}
{"EventID":11,"Image":"C:\\x.exe","TargetFilename":"C:\\Windows\\evil.dll"}
{"event":{"category":["file"]},"host":{"os":{"type":"windows"}},"file":{"path":"C:\\Windows\\evil.dll"}}
{"winlog":{"channel":"Microsoft-Windows-Windows Defender/Operational","provider_name":"Microsoft-Windows-Windows Defender","event_id":1116,"event_data":{"Product Name":"Microsoft Defender Antivirus","Threat Name":"Trojan:Win32/X","Source Name":"Real-Time Protection","Process Name":"C:\\Users\\a\\x.exe","Path":"file:_C:\\Users\\a\\x.exe"}}}
{"winlog":{"channel":"Microsoft-Windows-Windows Defender/Operational","provider_name":"Microsoft-Windows-Windows Defender","event_id":1117,"event_data":{"Product Name":"Microsoft Defender Antivirus","Threat Name":"Trojan:Win32/X","Action Name":"Quarantine","Path":"file:_C:\\Temp\\x.exe"}}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"prevent","matches":[{"rule":"writes","effect":"prevent","severity":"medium","message":"write to C:\\Windows\\evil.dll not allowed"}]}
{"line":3,"effect":"prevent","matches":[{"rule":"writes","effect":"prevent","severity":"medium","message":"write to C:\\Windows\\evil.dll not allowed"}]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"allow","matches":[]}
