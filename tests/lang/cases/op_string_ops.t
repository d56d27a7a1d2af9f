# contains / startswith / endswith on strings (byte for byte) and on
# Windows paths (no case, \ = /); contains on a list field tests
# membership.
%%POLICY
rule "contains"   { on process  when process.command_line contains "curl" }
rule "starts"     { on process  when process.command_line startswith "/bin/" }
rule "ends"       { on process  when process.command_line endswith ".sh" }
rule "winstarts"  { on process  when process.executable startswith 'C:\Windows\' }
rule "winends"    { on process  when process.executable endswith "/cmd.exe" }
rule "wincont"    { on process  when process.executable contains "SYSTEM32" }
rule "field rhs"  { on process  when process.command_line contains process.name }
%%EVENTS
{"event":{"category":["process"]},"process":{"name":"x","command_line":"/bin/curl http://a/b.sh"}}
{"event":{"category":["process"]},"process":{"name":"sh","command_line":"/BIN/CURL x.SH"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"name":"cmd.exe","executable":"c:/windows/system32/CMD.EXE","command_line":"cmd.exe /c"}}
{"event":{"category":["process"]},"host":{"os":{"type":"linux"}},"process":{"name":"cmd.exe","executable":"c:/windows/system32/CMD.EXE","command_line":"x"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"contains","effect":"alert","severity":"medium","message":"contains"},{"rule":"starts","effect":"alert","severity":"medium","message":"starts"},{"rule":"ends","effect":"alert","severity":"medium","message":"ends"}]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"alert","matches":[{"rule":"winstarts","effect":"alert","severity":"medium","message":"winstarts"},{"rule":"winends","effect":"alert","severity":"medium","message":"winends"},{"rule":"wincont","effect":"alert","severity":"medium","message":"wincont"},{"rule":"field rhs","effect":"alert","severity":"medium","message":"field rhs"}]}
{"line":4,"effect":"allow","matches":[]}
