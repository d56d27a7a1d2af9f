# `like` on a Windows path field (Windows event): no case, \ and / equal in
# both pattern and value, * and ? stop at either separator, ** crosses.
%%POLICY
rule "appdata"  { on process  when process.executable like 'C:\Users\*\AppData\**' }
rule "slash"    { on process  when process.executable like "c:/windows/system32/*.exe" }
rule "one"      { on process  when process.executable like 'C:\Windows\System32\cmd.ex?' }
%%EVENTS
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"executable":"c:\\users\\Bob\\appdata\\Local\\Temp\\x.exe"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"executable":"C:\\Users\\a\\b\\AppData\\x.exe"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"executable":"C:\\WINDOWS\\System32\\CMD.EXE"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"executable":"C:\\Windows\\System32\\drivers\\x.exe"}}
{"event":{"category":["process"]},"host":{"os":{"type":"linux"}},"process":{"executable":"c:/windows/system32/cmd.exe"}}
{"event":{"category":["process"]},"host":{"os":{"type":"linux"}},"process":{"executable":"C:/Windows/System32/cmd.exe"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"appdata","effect":"alert","severity":"medium","message":"appdata"}]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"alert","matches":[{"rule":"slash","effect":"alert","severity":"medium","message":"slash"},{"rule":"one","effect":"alert","severity":"medium","message":"one"}]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"alert","matches":[{"rule":"slash","effect":"alert","severity":"medium","message":"slash"}]}
{"line":6,"effect":"allow","matches":[]}
