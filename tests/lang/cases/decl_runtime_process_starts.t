# A runtime process section decides launches (SPEC 11 "runtime", 15): the
# Windows process records that are not starts — an exit (Sysmon 5, Security
# 4689), a process access (10), a WMI consumer (20, no executable at all) —
# are not allowed or denied by it, while the starts (Sysmon 1, Security
# 4688, an ECS event with or without event.type) are.  Nor are the records
# of a launch's aftermath that name no process to allow: classic PowerShell's
# engine start (400, whose HostApplication is the hosting process's command
# line, not a program) and stop, its provider and pipeline records, and
# AppLocker's verdicts (allowed, audited, blocked).
%%POLICY
runtime "app" {
  process {
    allow 'C:\app\app.exe'
    default effect prevent
  }
}
%%EVENTS
{"EventID":1,"Image":"C:\\Windows\\System32\\cmd.exe","CommandLine":"cmd"}
{"EventID":4688,"Channel":"Security","NewProcessName":"C:\\Windows\\System32\\cmd.exe","NewProcessId":"0x10"}
{"EventID":5,"Image":"C:\\Windows\\System32\\cmd.exe","ProcessId":"16"}
{"EventID":4689,"Channel":"Security","ProcessName":"C:\\Windows\\System32\\cmd.exe","ProcessId":"0x10"}
{"EventID":10,"SourceImage":"C:\\Windows\\System32\\svchost.exe","TargetImage":"C:\\app\\app.exe"}
{"EventID":20,"EventType":"WmiConsumerEvent","Operation":"Created","Destination":"cmd /c x"}
{"EventID":1,"Image":"C:\\app\\app.exe","CommandLine":"app"}
{"event":{"category":["process"],"type":["start"]},"host":{"os":{"type":"windows"}},"process":{"executable":"C:\\Windows\\System32\\cmd.exe"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"executable":"C:\\Windows\\System32\\cmd.exe"}}
{"event":{"category":["process"],"type":["end"]},"host":{"os":{"type":"windows"}},"process":{"executable":"C:\\Windows\\System32\\cmd.exe"}}
{"EventID":400,"Channel":"Windows PowerShell","SourceName":"PowerShell","Data":["Available","None","\tNewEngineState=Available\r\n\tPreviousEngineState=None\r\n\tHostName=ConsoleHost\r\n\tHostApplication=C:\\app\\app.exe -x\r\n\tEngineVersion=5.1"]}
{"EventID":403,"Channel":"Windows PowerShell","SourceName":"PowerShell","Data":["Stopped","Available","\tNewEngineState=Stopped\r\n\tHostApplication=C:\\app\\app.exe -x\r\n"]}
{"EventID":600,"Channel":"Windows PowerShell","SourceName":"PowerShell","Data":["Registry","Started","\tProviderName=Registry\r\n\tHostApplication=C:\\app\\app.exe -x\r\n"]}
{"EventID":800,"Channel":"Windows PowerShell","SourceName":"PowerShell","Data":["\tHostApplication=C:\\app\\app.exe -x\r\n\tCommandLine=Get-ChildItem\r\n","x"]}
{"winlog":{"channel":"Microsoft-Windows-AppLocker/EXE and DLL","provider_name":"Microsoft-Windows-AppLocker","event_id":8002,"user_data":{"xml_name":"RuleAndFileData","PolicyName":"EXE","RuleName":"All files","FullFilePath":"%OSDRIVE%\\APP\\APP.EXE","TargetUser":"S-1-5-21-1"}}}
{"winlog":{"channel":"Microsoft-Windows-AppLocker/EXE and DLL","provider_name":"Microsoft-Windows-AppLocker","event_id":8004,"user_data":{"xml_name":"RuleAndFileData","PolicyName":"EXE","RuleName":"-","FullFilePath":"%OSDRIVE%\\X\\EVIL.EXE","TargetUser":"S-1-5-21-1"}}}
%%EXPECT
{"line":1,"effect":"prevent","matches":[{"rule":"app","effect":"prevent","severity":"medium","message":"process C:\\Windows\\System32\\cmd.exe not allowed"}]}
{"line":2,"effect":"prevent","matches":[{"rule":"app","effect":"prevent","severity":"medium","message":"process C:\\Windows\\System32\\cmd.exe not allowed"}]}
{"line":3,"effect":"allow","matches":[]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"allow","matches":[]}
{"line":6,"effect":"allow","matches":[]}
{"line":7,"effect":"allow","matches":[]}
{"line":8,"effect":"prevent","matches":[{"rule":"app","effect":"prevent","severity":"medium","message":"process C:\\Windows\\System32\\cmd.exe not allowed"}]}
{"line":9,"effect":"prevent","matches":[{"rule":"app","effect":"prevent","severity":"medium","message":"process C:\\Windows\\System32\\cmd.exe not allowed"}]}
{"line":10,"effect":"allow","matches":[]}
{"line":11,"effect":"allow","matches":[]}
{"line":12,"effect":"allow","matches":[]}
{"line":13,"effect":"allow","matches":[]}
{"line":14,"effect":"allow","matches":[]}
{"line":15,"effect":"allow","matches":[]}
{"line":16,"effect":"allow","matches":[]}
