# Quantifiers over event list fields: process.args (strings),
# dns.resolved_ip (ips); count is an int usable in arithmetic.
%%POLICY
rule "any arg"   { on process  when any a in process.args: a like "-enc*" }
rule "all args"  { on process  when all a in process.args: a startswith "-" }
rule "count"     { on process  when count(a in process.args: a startswith "-") * 10 >= 20 }
rule "lower"     { on process  when any(a in process.args: lower(a) in ["-encodedcommand", "-e"]) }
rule "resolved"  { on dns      when any r in dns.resolved_ip: r in 10.0.0.0/8 }
%%EVENTS
{"event":{"category":["process"]},"process":{"name":"powershell.exe","args":["-enc","AAAA"]}}
{"event":{"category":["process"]},"process":{"name":"powershell.exe","args":["-NoP","-EncodedCommand"]}}
{"event":{"category":["process"]},"process":{"name":"ls","args":[]}}
{"event":{"category":["network"]},"network":{"protocol":"dns"},"dns":{"question":{"name":"a.b"},"resolved_ip":["192.0.2.1","10.9.9.9"]}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"any arg","effect":"alert","severity":"medium","message":"any arg"}]}
{"line":2,"effect":"alert","matches":[{"rule":"all args","effect":"alert","severity":"medium","message":"all args"},{"rule":"count","effect":"alert","severity":"medium","message":"count"},{"rule":"lower","effect":"alert","severity":"medium","message":"lower"}]}
{"line":3,"effect":"alert","matches":[{"rule":"all args","effect":"alert","severity":"medium","message":"all args"}]}
{"line":4,"effect":"alert","matches":[{"rule":"resolved","effect":"alert","severity":"medium","message":"resolved"}]}
