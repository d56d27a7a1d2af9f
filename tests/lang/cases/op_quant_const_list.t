# A quantifier over a constant list (a literal, a list name, a feed): the
# variable is each element. (SPEC open point 10: the generator refuses
# these today.)
%%POLICY
list flags = ["-enc", "-encodedcommand"]
rule "literal" { on process  when any p in ["-enc", "-e "]: lower(process.command_line) contains p }
rule "named"   { on process  when any p in flags: lower(process.command_line) contains p }
rule "count"   { on process  when count(p in flags: process.command_line contains p) == 2 }
rule "all"     { on process  when all p in flags: not (process.command_line contains p) }
%%EVENTS
{"event":{"category":["process"]},"process":{"name":"powershell.exe","command_line":"powershell -EncodedCommand AAA"}}
{"event":{"category":["process"]},"process":{"name":"powershell.exe","command_line":"powershell -encodedcommand AAA"}}
{"event":{"category":["process"]},"process":{"name":"powershell.exe","command_line":"powershell -File x.ps1"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"literal","effect":"alert","severity":"medium","message":"literal"},{"rule":"named","effect":"alert","severity":"medium","message":"named"},{"rule":"all","effect":"alert","severity":"medium","message":"all"}]}
{"line":2,"effect":"alert","matches":[{"rule":"literal","effect":"alert","severity":"medium","message":"literal"},{"rule":"named","effect":"alert","severity":"medium","message":"named"},{"rule":"count","effect":"alert","severity":"medium","message":"count"}]}
{"line":3,"effect":"alert","matches":[{"rule":"all","effect":"alert","severity":"medium","message":"all"}]}
