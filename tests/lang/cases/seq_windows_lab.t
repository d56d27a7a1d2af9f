# The Windows lab as a chain, from raw Sysmon records: cmd.exe started by the
# app, then a connection from that cmd.exe (same host, same process id) to
# 1.1.1.1.  UtcTime is the event time; another pid does not complete it.
%%POLICY
sequence "app shell calls out" {
  by host.name, process.pid
  within 5m
  step shell { on process when process.name == "cmd.exe" and process.parent.name == "wincontainerapp.exe" }
  step call  { on network when destination.ip == 1.1.1.1 }
  effect block
  severity critical
  message "{shell.process.parent.name} started {shell.process.command_line}, which connected to {call.destination.ip}:{call.destination.port}"
}
%%EVENTS
{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,"Hostname":"winvm","UtcTime":"2024-05-02 10:00:01.123","Image":"C:\\Windows\\System32\\cmd.exe","CommandLine":"cmd.exe /c curl https://1.1.1.1","ProcessId":"4584","ParentImage":"C:\\app\\wincontainerapp.exe","ParentProcessId":"4000"}
{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":3,"Hostname":"winvm","UtcTime":"2024-05-02 10:00:02.000","Image":"C:\\Windows\\System32\\curl.exe","ProcessId":"4590","Protocol":"tcp","Initiated":"true","SourceIp":"172.20.0.5","SourcePort":"49811","DestinationIp":"1.1.1.1","DestinationPort":"443"}
{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":3,"Hostname":"winvm","UtcTime":"2024-05-02 10:00:03.000","Image":"C:\\Windows\\System32\\cmd.exe","ProcessId":"4584","Protocol":"tcp","Initiated":"true","SourceIp":"172.20.0.5","SourcePort":"49812","DestinationIp":"1.1.1.1","DestinationPort":"443"}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"block","matches":[{"rule":"app shell calls out","effect":"block","severity":"critical","message":"wincontainerapp.exe started cmd.exe /c curl https://1.1.1.1, which connected to 1.1.1.1:443","members":[1,3]}]}
