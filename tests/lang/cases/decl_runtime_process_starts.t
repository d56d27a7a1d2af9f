# A runtime process section decides launches (SPEC 11 "runtime", 15): the
# Windows process records that are not starts — an exit (Sysmon 5, Security
# 4689), a process access (10), a WMI consumer (20, no executable at all) —
# are not allowed or denied by it, while the starts (Sysmon 1, Security
# 4688, an ECS event with or without event.type) are.
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
