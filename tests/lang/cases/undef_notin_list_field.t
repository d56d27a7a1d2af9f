# `x not in LIST-FIELD` is false when the list field is undefined (every
# comparison with an undefined operand is false, `not in` included), true
# when it is defined and lacks x.
%%POLICY
rule "argnotin"  { on process  when "y" not in process.args }
rule "typenotin" { on process  when "end" not in event.type }
%%EVENTS
{"event":{"category":["process"]},"process":{"name":"a"}}
{"event":{"category":["process"],"type":["start"]},"process":{"name":"a","args":["x"]}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"alert","matches":[{"rule":"argnotin","effect":"alert","severity":"medium","message":"argnotin"},{"rule":"typenotin","effect":"alert","severity":"medium","message":"typenotin"}]}
