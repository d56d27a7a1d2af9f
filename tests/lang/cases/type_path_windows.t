# path fields are Windows (no case, \ = /) when host.os.type is windows;
# without host.os.type, when a path is Windows-shaped (a drive letter and
# :\ or :/, or a leading \\); otherwise byte for byte. ==, != and ordering
# all follow it.
%%POLICY
rule "eq"      { on process  when process.executable == 'C:\Windows\System32\cmd.exe' }
rule "ne"      { on process  when process.executable != 'C:\Windows\System32\cmd.exe' }
rule "lt"      { on process  when process.executable < 'c:\windows\system32\d' }
rule "name"    { on process  when process.name == "cmd.exe" }
%%EVENTS
{"event":{"category":["process"]},"host":{"os":{"type":"Windows"}},"process":{"executable":"c:/WINDOWS/system32/CMD.EXE","name":"CMD.EXE"}}
{"event":{"category":["process"]},"process":{"executable":"C:/windows/SYSTEM32/cmd.exe","name":"CMD.exe"}}
{"event":{"category":["process"]},"process":{"executable":"\\\\server\\share\\cmd.exe","name":"CMD.EXE"}}
{"event":{"category":["process"]},"host":{"os":{"type":"linux"}},"process":{"executable":"c:/WINDOWS/system32/CMD.EXE","name":"CMD.EXE"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"eq","effect":"alert","severity":"medium","message":"eq"},{"rule":"lt","effect":"alert","severity":"medium","message":"lt"},{"rule":"name","effect":"alert","severity":"medium","message":"name"}]}
{"line":2,"effect":"alert","matches":[{"rule":"eq","effect":"alert","severity":"medium","message":"eq"},{"rule":"lt","effect":"alert","severity":"medium","message":"lt"},{"rule":"name","effect":"alert","severity":"medium","message":"name"}]}
{"line":3,"effect":"alert","matches":[{"rule":"ne","effect":"alert","severity":"medium","message":"ne"},{"rule":"lt","effect":"alert","severity":"medium","message":"lt"},{"rule":"name","effect":"alert","severity":"medium","message":"name"}]}
{"line":4,"effect":"alert","matches":[{"rule":"ne","effect":"alert","severity":"medium","message":"ne"},{"rule":"lt","effect":"alert","severity":"medium","message":"lt"}]}
