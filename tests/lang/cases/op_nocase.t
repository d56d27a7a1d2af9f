# `nocase` after a comparison operator ignores ASCII case (only: `\` and
# `/` stay different on plain strings), for == != in, not in, like,
# contains, startswith and endswith, with constants, lists and fields on
# the right; without it plain strings compare byte for byte.  On Windows
# paths the path rules (case and separators) still apply.
%%POLICY
rule "eq"        { on process  when process.command_line == nocase "CMD /C DIR" }
rule "ne"        { on process  when process.command_line != nocase "cmd /c dir" and process.name == "b" }
rule "in"        { on process  when process.command_line in nocase ["WHOAMI /ALL", "x"] }
rule "notin"     { on process  when process.command_line not in nocase ["whoami /all"] and process.name == "c" }
rule "like"      { on process  when process.command_line like nocase "*-ENC*" }
rule "like sep"  { on process  when process.command_line like nocase "*a\\b*" }
rule "contains"  { on process  when process.command_line contains nocase "INVOKE-" }
rule "starts"    { on process  when process.command_line startswith nocase "POWERSHELL" }
rule "ends"      { on process  when process.command_line endswith nocase "BYPASS" }
rule "field"     { on process  when process.command_line contains nocase process.name }
rule "listfield" { on process  when process.args contains nocase "-NOP" }
rule "inlist"    { on process  when "-NOP" in nocase process.args }
rule "cased"     { on process  when process.command_line contains "INVOKE-" }
%%EVENTS
{"event":{"category":["process"]},"process":{"name":"a","command_line":"cmd /c dir"}}
{"event":{"category":["process"]},"process":{"name":"b","command_line":"CMD /C Dir"}}
{"event":{"category":["process"]},"process":{"name":"b","command_line":"cmd /c dirx"}}
{"event":{"category":["process"]},"process":{"name":"c","command_line":"WhoAmI /All"}}
{"event":{"category":["process"]},"process":{"name":"c","command_line":"id"}}
{"event":{"category":["process"]},"process":{"name":"POWERSHELL","command_line":"powershell -nop -Enc invoke-x bypass","args":["powershell","-nop"]}}
{"event":{"category":["process"]},"process":{"name":"d","command_line":"x A/B y"}}
{"event":{"category":["process"]},"process":{"name":"d","command_line":"x A\\B y"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"eq","effect":"alert","severity":"medium","message":"eq"}]}
{"line":2,"effect":"alert","matches":[{"rule":"eq","effect":"alert","severity":"medium","message":"eq"}]}
{"line":3,"effect":"alert","matches":[{"rule":"ne","effect":"alert","severity":"medium","message":"ne"}]}
{"line":4,"effect":"alert","matches":[{"rule":"in","effect":"alert","severity":"medium","message":"in"}]}
{"line":5,"effect":"alert","matches":[{"rule":"notin","effect":"alert","severity":"medium","message":"notin"}]}
{"line":6,"effect":"alert","matches":[{"rule":"like","effect":"alert","severity":"medium","message":"like"},{"rule":"contains","effect":"alert","severity":"medium","message":"contains"},{"rule":"starts","effect":"alert","severity":"medium","message":"starts"},{"rule":"ends","effect":"alert","severity":"medium","message":"ends"},{"rule":"field","effect":"alert","severity":"medium","message":"field"},{"rule":"listfield","effect":"alert","severity":"medium","message":"listfield"},{"rule":"inlist","effect":"alert","severity":"medium","message":"inlist"}]}
{"line":7,"effect":"allow","matches":[]}
{"line":8,"effect":"alert","matches":[{"rule":"like sep","effect":"alert","severity":"medium","message":"like sep"}]}
