# Without `on`, a rule runs on the kinds that carry every field it reads
# (SPEC 15 "Event kinds"): dll.path is only in library events, process.name
# in all of them, so "loads" sees the image load only and "by a.exe" sees the
# process start, the image load and the registry write.  "starts" keeps to
# process starts by testing event.type, as a process rule over Sysmon should.
%%POLICY
rule "loads" { when dll.name == "evil.dll" }
rule "by a.exe" { when process.name == "a.exe" message "{event.action}" }
rule "starts" { on process when "start" in event.type and process.name == "a.exe" }
%%EVENTS
{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","ProcessId":"7400","Image":"C:\\Users\\Public\\a.exe","CommandLine":"a.exe"}
{"EventID":7,"Channel":"Microsoft-Windows-Sysmon/Operational","ProcessId":"7400","Image":"C:\\Users\\Public\\a.exe","ImageLoaded":"C:\\Users\\Public\\evil.dll"}
{"EventID":12,"Channel":"Microsoft-Windows-Sysmon/Operational","EventType":"CreateKey","ProcessId":"7400","Image":"C:\\Users\\Public\\a.exe","TargetObject":"HKU\\S-1-5-21-1\\Software\\x"}
{"EventID":10,"Channel":"Microsoft-Windows-Sysmon/Operational","SourceProcessId":"4","SourceImage":"C:\\Windows\\System32\\svchost.exe","TargetImage":"C:\\Users\\Public\\a.exe"}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"by a.exe","effect":"alert","severity":"medium","message":"process-creation"},{"rule":"starts","effect":"alert","severity":"medium","message":"starts"}]}
{"line":2,"effect":"alert","matches":[{"rule":"loads","effect":"alert","severity":"medium","message":"loads"},{"rule":"by a.exe","effect":"alert","severity":"medium","message":"image-load"}]}
{"line":3,"effect":"alert","matches":[{"rule":"by a.exe","effect":"alert","severity":"medium","message":"creation"}]}
{"line":4,"effect":"allow","matches":[]}
