# `in` with a list-valued field on the right (process.args, event.type,
# dns.resolved_ip, image-side lists in op_quantifiers.t), and `contains` on
# a list field.
%%POLICY
rule "arg"       { on process  when "-c" in process.args }
rule "notarg"    { on process  when "-c" not in process.args }
rule "type"      { on process  when "start" in event.type }
rule "contains"  { on process  when process.args contains "-e" }
rule "resolved"  { on dns  when 10.0.0.1 in dns.resolved_ip }
%%EVENTS
{"event":{"category":["process"],"type":["start"]},"process":{"name":"sh","args":["sh","-c","id"]}}
{"event":{"category":["process"],"type":["end"]},"process":{"name":"sh","args":["sh","-e"]}}
{"event":{"category":["network"]},"network":{"protocol":"dns"},"dns":{"question":{"name":"a.b"},"resolved_ip":["10.0.0.1","10.0.0.2"]}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"arg","effect":"alert","severity":"medium","message":"arg"},{"rule":"type","effect":"alert","severity":"medium","message":"type"}]}
{"line":2,"effect":"alert","matches":[{"rule":"notarg","effect":"alert","severity":"medium","message":"notarg"},{"rule":"contains","effect":"alert","severity":"medium","message":"contains"}]}
{"line":3,"effect":"alert","matches":[{"rule":"resolved","effect":"alert","severity":"medium","message":"resolved"}]}
