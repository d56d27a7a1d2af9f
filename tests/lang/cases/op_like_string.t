# `like` on plain string fields: * crosses / and : (no separators in a
# string), ? is one character, case matters; patterns from a list name.
%%POLICY
list images = ["registry.local/web:*", "nginx:1.2?"]
rule "star"   { on process  when container.image.name like "private:console_*" }
rule "cross"  { on process  when container.image.name like "*/web:*" }
rule "named"  { on process  when container.image.name like images }
rule "cmd"    { on process  when process.command_line like "*-enc*" }
%%EVENTS
{"event":{"category":["process"]},"container":{"image":{"name":"private:console_a/b"}},"process":{"command_line":"powershell -enc AAA"}}
{"event":{"category":["process"]},"container":{"image":{"name":"registry.local/web:1.0"}},"process":{"command_line":"powershell -ENC AAA"}}
{"event":{"category":["process"]},"container":{"image":{"name":"nginx:1.25"}},"process":{"command_line":"x"}}
{"event":{"category":["process"]},"container":{"image":{"name":"nginx:1.2"}},"process":{"command_line":"x"}}
{"event":{"category":["process"]},"container":{"image":{"name":"Private:console_a"}},"process":{"command_line":"x"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"star","effect":"alert","severity":"medium","message":"star"},{"rule":"cmd","effect":"alert","severity":"medium","message":"cmd"}]}
{"line":2,"effect":"alert","matches":[{"rule":"cross","effect":"alert","severity":"medium","message":"cross"},{"rule":"named","effect":"alert","severity":"medium","message":"named"}]}
{"line":3,"effect":"alert","matches":[{"rule":"named","effect":"alert","severity":"medium","message":"named"}]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"allow","matches":[]}
