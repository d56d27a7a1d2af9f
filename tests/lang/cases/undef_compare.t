# Undefined: every comparison with an absent field is false, including !=
# and `not in`; `not (x == v)` is true; arithmetic and builtins of
# undefined are undefined (so compare false either way); exists() tells.
# Event 1 lacks process.parent, process.args and destination.*; event 2 has
# them, to show each rule can match.
%%POLICY
rule "eq"        { when process.parent.name == "x" }
rule "ne"        { when process.parent.name != "x" }
rule "lt"        { when process.parent.name < "zzz" }
rule "ge"        { when process.parent.pid >= 0 }
rule "in"        { when process.parent.name in ["x", "y"] }
rule "notin"     { when process.parent.name not in ["y"] }
rule "like"      { when process.parent.name like "*" }
rule "matches"   { when process.parent.name matches "" }
rule "contains"  { when process.parent.name contains "" }
rule "starts"    { when process.parent.name startswith "" }
rule "ends"      { when process.parent.name endswith "" }
rule "noteq"     { when not (process.parent.name == "x") }
rule "arith"     { when process.parent.pid + 1 != 0 or -process.parent.pid != 0 or process.parent.pid * 0 == 0 }
rule "builtin"   { when lower(process.parent.name) != "" or len(process.parent.name) >= 0 or basename(process.parent.executable) != "" }
rule "exists"    { when exists(process.parent.name) }
rule "notexists" { when not exists(process.parent.name) }
rule "argin"     { when "x" in process.args }
rule "argcont"   { when process.args contains "x" }
rule "ipin"      { on network  when destination.ip in 10.0.0.0/8 }
rule "ipnotin"   { on network  when destination.ip not in 10.0.0.0/8 }
rule "ipne"      { on network  when destination.ip != 1.1.1.1 }
%%EVENTS
{"event":{"category":["network"]},"process":{"name":"a"},"source":{"ip":"1.2.3.4"}}
{"event":{"category":["network"]},"process":{"name":"a","parent":{"name":"x","pid":1,"executable":"/x"},"args":["x"]},"destination":{"ip":"8.8.8.8","port":1}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"noteq","effect":"alert","severity":"medium","message":"noteq"},{"rule":"notexists","effect":"alert","severity":"medium","message":"notexists"}]}
{"line":2,"effect":"alert","matches":[{"rule":"eq","effect":"alert","severity":"medium","message":"eq"},{"rule":"lt","effect":"alert","severity":"medium","message":"lt"},{"rule":"ge","effect":"alert","severity":"medium","message":"ge"},{"rule":"in","effect":"alert","severity":"medium","message":"in"},{"rule":"notin","effect":"alert","severity":"medium","message":"notin"},{"rule":"like","effect":"alert","severity":"medium","message":"like"},{"rule":"matches","effect":"alert","severity":"medium","message":"matches"},{"rule":"contains","effect":"alert","severity":"medium","message":"contains"},{"rule":"starts","effect":"alert","severity":"medium","message":"starts"},{"rule":"ends","effect":"alert","severity":"medium","message":"ends"},{"rule":"arith","effect":"alert","severity":"medium","message":"arith"},{"rule":"builtin","effect":"alert","severity":"medium","message":"builtin"},{"rule":"exists","effect":"alert","severity":"medium","message":"exists"},{"rule":"argin","effect":"alert","severity":"medium","message":"argin"},{"rule":"argcont","effect":"alert","severity":"medium","message":"argcont"},{"rule":"ipnotin","effect":"alert","severity":"medium","message":"ipnotin"},{"rule":"ipne","effect":"alert","severity":"medium","message":"ipne"}]}
