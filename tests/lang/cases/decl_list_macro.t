# list: literals, a trailing comma, other lists and ranges spliced in; macro:
# a named expression of any type (bool, int), expanded where used, nested
# macros, macros used above their declaration.
%%POLICY
list shells  = ["sh", "bash",]
list all_sh  = [shells, "zsh", "dash"]
list web     = [80, 443, 8000..8080]
list more    = [web, 9000]
macro big    = 50 * 1024 * 1024
macro is_sh  = process.name in all_sh
macro risky  = is_sh and not trusted
macro trusted = process.user.name == "admin"
rule "shell" {
  on process
  when risky
}
rule "port" {
  on network
  when destination.port in more
}
rule "big pid" {
  on process
  when process.pid > big
}
%%EVENTS
{"event":{"category":["process"]},"process":{"name":"zsh","pid":1}}
{"event":{"category":["process"]},"process":{"name":"bash","pid":1,"user":{"name":"admin"}}}
{"event":{"category":["process"]},"process":{"name":"sh","pid":52428801}}
{"event":{"category":["process"]},"process":{"name":"vi","pid":52428800}}
{"event":{"category":["network"]},"destination":{"ip":"1.2.3.4","port":8080}}
{"event":{"category":["network"]},"destination":{"ip":"1.2.3.4","port":9000}}
{"event":{"category":["network"]},"destination":{"ip":"1.2.3.4","port":8081}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"shell","effect":"alert","severity":"medium","message":"shell"}]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"alert","matches":[{"rule":"shell","effect":"alert","severity":"medium","message":"shell"},{"rule":"big pid","effect":"alert","severity":"medium","message":"big pid"}]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"alert","matches":[{"rule":"port","effect":"alert","severity":"medium","message":"port"}]}
{"line":6,"effect":"alert","matches":[{"rule":"port","effect":"alert","severity":"medium","message":"port"}]}
{"line":7,"effect":"allow","matches":[]}
