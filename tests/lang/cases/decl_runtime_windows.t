# runtime process values on a Windows event: executable paths compare
# without case and with \ = /; raw strings and escaped strings are the same
# text; names compare without case too.
%%POLICY
runtime "win" {
  process {
    allow "C:\\app\\app.exe", 'C:\Windows\System32\PING.EXE'
    deny "cmd.exe", 'C:\Windows\System32\WindowsPowerShell\**' effect prevent
    default effect alert
  }
}
%%EVENTS
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"container":{"image":{"name":"w:1"}},"process":{"executable":"c:/windows/system32/ping.exe"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"container":{"image":{"name":"w:1"}},"process":{"executable":"C:\\APP\\APP.EXE"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"container":{"image":{"name":"w:1"}},"process":{"executable":"C:\\Windows\\System32\\CMD.EXE"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"container":{"image":{"name":"w:1"}},"process":{"executable":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"container":{"image":{"name":"w:1"}},"process":{"executable":"C:\\Windows\\notepad.exe"}}
{"event":{"category":["process"]},"host":{"os":{"type":"linux"}},"container":{"image":{"name":"l:1"}},"process":{"executable":"/usr/bin/CMD.EXE"}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"prevent","matches":[{"rule":"win","effect":"prevent","severity":"medium","message":"process C:\\Windows\\System32\\CMD.EXE denied in w:1"}]}
{"line":4,"effect":"prevent","matches":[{"rule":"win","effect":"prevent","severity":"medium","message":"process C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe denied in w:1"}]}
{"line":5,"effect":"alert","matches":[{"rule":"win","effect":"alert","severity":"medium","message":"process C:\\Windows\\notepad.exe not allowed in w:1"}]}
{"line":6,"effect":"alert","matches":[{"rule":"win","effect":"alert","severity":"medium","message":"process /usr/bin/CMD.EXE not allowed in l:1"}]}
