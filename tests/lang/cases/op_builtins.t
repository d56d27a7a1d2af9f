# Builtins: exists, lower, upper, len (string bytes, list items), basename
# and dirname (both separators, trailing separators ignored, "" for a bare
# name; results keep the Windows rules of their argument).
%%POLICY
rule "exists"     { on process  when exists(process.parent.name) }
rule "not exists" { on process  when not exists(process.parent.name) }
rule "lower"      { on process  when lower(process.command_line) contains "-enc" }
rule "upper"      { on process  when upper(process.command_line) == "HÉLLO -ENC" }
rule "len str"    { on process  when len(process.command_line) == 11 }
rule "len list"   { on process  when len(process.args) == 2 }
rule "basename"   { on process  when basename(process.executable) == "sh" }
rule "base win"   { on process  when basename(process.parent.executable) == "CMD.EXE" }
rule "base trail" { on process  when basename(process.working_directory) == "b" }
rule "dirname"    { on process  when dirname(process.executable) == "/usr/bin" }
rule "dir bare"   { on process  when dirname(process.name) == "" }
rule "dir win"    { on process  when dirname(process.parent.executable) == "c:/windows/system32" }
%%EVENTS
{"event":{"category":["process"]},"process":{"name":"sh","executable":"/usr/bin/sh","command_line":"héllo -ENC","args":["a","b"],"working_directory":"/a/b/"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"name":"x.exe","executable":"C:\\x.exe","command_line":"héllo -enc","parent":{"executable":"C:\\Windows\\System32\\cmd.exe"},"working_directory":"C:\\a\\b\\"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"not exists","effect":"alert","severity":"medium","message":"not exists"},{"rule":"lower","effect":"alert","severity":"medium","message":"lower"},{"rule":"len str","effect":"alert","severity":"medium","message":"len str"},{"rule":"len list","effect":"alert","severity":"medium","message":"len list"},{"rule":"basename","effect":"alert","severity":"medium","message":"basename"},{"rule":"base trail","effect":"alert","severity":"medium","message":"base trail"},{"rule":"dirname","effect":"alert","severity":"medium","message":"dirname"},{"rule":"dir bare","effect":"alert","severity":"medium","message":"dir bare"}]}
{"line":2,"effect":"alert","matches":[{"rule":"exists","effect":"alert","severity":"medium","message":"exists"},{"rule":"lower","effect":"alert","severity":"medium","message":"lower"},{"rule":"len str","effect":"alert","severity":"medium","message":"len str"},{"rule":"base win","effect":"alert","severity":"medium","message":"base win"},{"rule":"base trail","effect":"alert","severity":"medium","message":"base trail"},{"rule":"dir bare","effect":"alert","severity":"medium","message":"dir bare"},{"rule":"dir win","effect":"alert","severity":"medium","message":"dir win"}]}
