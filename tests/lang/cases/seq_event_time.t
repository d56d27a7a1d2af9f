# Event time from each adapter decides the windows: Falco's time (nanoseconds:
# 30.001 s after the shell is past a 30 s window), evtx_dump's TimeCreated
# SystemTime on Security records (the 5th failure within 60 s completes the
# count, exactly 60 s after the first kept is inside).  Read as arrival
# order without times, line 4 and line 9 would complete instead.
%%POLICY
sequence "shell then out" {
  by container.id, process.pid
  within 30s
  step sh  { on process when process.name == "bash" }
  step net { on network when network.direction == "outbound" }
  message "{sh.container.id} {net.destination.ip}"
}
rule "failures" {
  on authentication
  when event.outcome == "failure"
  count >= 5 by source.ip within 1m
}
%%EVENTS
{"hostname":"node","priority":"Notice","rule":"x","source":"syscall","time":"2024-03-12T11:20:00.000000123Z","output_fields":{"container.id":"c1","evt.type":"execve","proc.name":"bash","proc.exepath":"/bin/bash","proc.cmdline":"bash -i","proc.pid":100,"user.name":"root"}}
{"hostname":"node","priority":"Notice","rule":"x","source":"syscall","time":"2024-03-12T11:20:06.000000123Z","output_fields":{"container.id":"c1","evt.type":"connect","fd.cip":"10.42.0.5","fd.cport":40000,"fd.sip":"93.184.216.34","fd.sport":443,"fd.l4proto":"tcp","proc.name":"bash","proc.pid":100}}
{"hostname":"node","priority":"Notice","rule":"x","source":"syscall","time":"2024-03-12T11:20:10.000000123Z","output_fields":{"container.id":"c2","evt.type":"execve","proc.name":"bash","proc.exepath":"/bin/bash","proc.cmdline":"bash -i","proc.pid":100,"user.name":"root"}}
{"hostname":"node","priority":"Notice","rule":"x","source":"syscall","time":"2024-03-12T11:20:40.001000123Z","output_fields":{"container.id":"c2","evt.type":"connect","fd.cip":"10.42.0.5","fd.cport":40000,"fd.sip":"93.184.216.34","fd.sport":443,"fd.l4proto":"tcp","proc.name":"bash","proc.pid":100}}
{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing"}},"EventID":4625,"TimeCreated":{"#attributes":{"SystemTime":"2024-03-12T11:21:40.000000Z"}},"EventRecordID":10,"Channel":"Security","Computer":"WIN1"},"EventData":{"TargetUserName":"administrator","TargetDomainName":"WIN1","LogonType":3,"IpAddress":"203.0.113.77","IpPort":4000,"Status":"0xc000006d"}}}
{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing"}},"EventID":4625,"TimeCreated":{"#attributes":{"SystemTime":"2024-03-12T11:21:41.000000Z"}},"EventRecordID":11,"Channel":"Security","Computer":"WIN1"},"EventData":{"TargetUserName":"administrator","TargetDomainName":"WIN1","LogonType":3,"IpAddress":"203.0.113.77","IpPort":4000,"Status":"0xc000006d"}}}
{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing"}},"EventID":4625,"TimeCreated":{"#attributes":{"SystemTime":"2024-03-12T11:21:42.000000Z"}},"EventRecordID":12,"Channel":"Security","Computer":"WIN1"},"EventData":{"TargetUserName":"administrator","TargetDomainName":"WIN1","LogonType":3,"IpAddress":"203.0.113.77","IpPort":4000,"Status":"0xc000006d"}}}
{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing"}},"EventID":4625,"TimeCreated":{"#attributes":{"SystemTime":"2024-03-12T11:21:43.000000Z"}},"EventRecordID":13,"Channel":"Security","Computer":"WIN1"},"EventData":{"TargetUserName":"administrator","TargetDomainName":"WIN1","LogonType":3,"IpAddress":"203.0.113.77","IpPort":4000,"Status":"0xc000006d"}}}
{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing"}},"EventID":4625,"TimeCreated":{"#attributes":{"SystemTime":"2024-03-12T11:22:41.500000Z"}},"EventRecordID":14,"Channel":"Security","Computer":"WIN1"},"EventData":{"TargetUserName":"administrator","TargetDomainName":"WIN1","LogonType":3,"IpAddress":"203.0.113.77","IpPort":4000,"Status":"0xc000006d"}}}
{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing"}},"EventID":4625,"TimeCreated":{"#attributes":{"SystemTime":"2024-03-12T11:22:42.000000Z"}},"EventRecordID":15,"Channel":"Security","Computer":"WIN1"},"EventData":{"TargetUserName":"administrator","TargetDomainName":"WIN1","LogonType":3,"IpAddress":"203.0.113.77","IpPort":4000,"Status":"0xc000006d"}}}
{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing"}},"EventID":4625,"TimeCreated":{"#attributes":{"SystemTime":"2024-03-12T11:22:42.000000Z"}},"EventRecordID":16,"Channel":"Security","Computer":"WIN1"},"EventData":{"TargetUserName":"administrator","TargetDomainName":"WIN1","LogonType":3,"IpAddress":"203.0.113.77","IpPort":4000,"Status":"0xc000006d"}}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"alert","matches":[{"rule":"shell then out","effect":"alert","severity":"medium","message":"c1 93.184.216.34","members":[1,2]}]}
{"line":3,"effect":"allow","matches":[]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"allow","matches":[]}
{"line":6,"effect":"allow","matches":[]}
{"line":7,"effect":"allow","matches":[]}
{"line":8,"effect":"allow","matches":[]}
{"line":9,"effect":"allow","matches":[]}
{"line":10,"effect":"allow","matches":[]}
{"line":11,"effect":"alert","matches":[{"rule":"failures","effect":"alert","severity":"medium","message":"failures","members":[7,8,9,10,11]}]}
%%STDERR
correlations: 2 matched, 0 partial matches live
