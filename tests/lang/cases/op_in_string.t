# `in` / `not in` with strings: exact membership in a list literal, a list
# name, a spliced list; path fields are Windows-aware (no case, \ = /) on
# Windows events, byte for byte on Linux ones; plain string fields are
# always byte for byte.
%%POLICY
list shells = ["cmd.exe", "powershell.exe"]
rule "lit"      { on process  when process.name in ["sh", "bash"] }
rule "named"    { on process  when process.name in shells }
rule "spliced"  { on process  when process.name in [shells, "sh"] }
rule "notin"    { on process  when process.name not in ["sh", "bash", "cmd.exe"] }
rule "winpath"  { on process  when process.executable in ['C:\Windows\System32\cmd.exe'] }
rule "string"   { on process  when process.command_line in ["cmd.exe /c dir"] }
%%EVENTS
{"event":{"category":["process"]},"process":{"name":"sh","executable":"/bin/sh"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"name":"CMD.EXE","executable":"c:/windows/system32/CMD.exe","command_line":"CMD.EXE /c dir"}}
{"event":{"category":["process"]},"process":{"name":"CMD.EXE","executable":"/c/windows/system32/CMD.exe","command_line":"cmd.exe /c dir"}}
{"event":{"category":["process"]},"process":{"name":"cmd.exe","executable":"/opt/cmd.exe"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"lit","effect":"alert","severity":"medium","message":"lit"},{"rule":"spliced","effect":"alert","severity":"medium","message":"spliced"}]}
{"line":2,"effect":"alert","matches":[{"rule":"named","effect":"alert","severity":"medium","message":"named"},{"rule":"spliced","effect":"alert","severity":"medium","message":"spliced"},{"rule":"winpath","effect":"alert","severity":"medium","message":"winpath"}]}
{"line":3,"effect":"alert","matches":[{"rule":"notin","effect":"alert","severity":"medium","message":"notin"},{"rule":"string","effect":"alert","severity":"medium","message":"string"}]}
{"line":4,"effect":"alert","matches":[{"rule":"named","effect":"alert","severity":"medium","message":"named"},{"rule":"spliced","effect":"alert","severity":"medium","message":"spliced"}]}
