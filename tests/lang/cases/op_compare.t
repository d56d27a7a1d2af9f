# == != < <= > >= on ints, strings (byte order), and the no-chaining rule
# is covered in err_PAL0201_chained_compare.t.
%%POLICY
rule "eq"   { on process  when process.pid == 10 }
rule "ne"   { on process  when process.pid != 10 }
rule "lt"   { on process  when process.pid < 10 }
rule "le"   { on process  when process.pid <= 10 }
rule "gt"   { on process  when process.pid > 10 }
rule "ge"   { on process  when process.pid >= 10 }
rule "s_eq" { on process  when process.command_line == "b" }
rule "s_ne" { on process  when process.command_line != "b" }
rule "s_lt" { on process  when process.command_line < "b" }
rule "s_ge" { on process  when process.command_line >= "b" }
rule "s_gt" { on process  when "b" > process.command_line }
rule "neg"  { on process  when process.parent.pid == -1 }
%%EVENTS
{"event":{"category":["process"]},"process":{"pid":9,"command_line":"a","parent":{"pid":-1}}}
{"event":{"category":["process"]},"process":{"pid":10,"command_line":"b"}}
{"event":{"category":["process"]},"process":{"pid":11,"command_line":"ba"}}
{"event":{"category":["process"]},"process":{"pid":-5,"command_line":"B"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"ne","effect":"alert","severity":"medium","message":"ne"},{"rule":"lt","effect":"alert","severity":"medium","message":"lt"},{"rule":"le","effect":"alert","severity":"medium","message":"le"},{"rule":"s_ne","effect":"alert","severity":"medium","message":"s_ne"},{"rule":"s_lt","effect":"alert","severity":"medium","message":"s_lt"},{"rule":"s_gt","effect":"alert","severity":"medium","message":"s_gt"},{"rule":"neg","effect":"alert","severity":"medium","message":"neg"}]}
{"line":2,"effect":"alert","matches":[{"rule":"eq","effect":"alert","severity":"medium","message":"eq"},{"rule":"le","effect":"alert","severity":"medium","message":"le"},{"rule":"ge","effect":"alert","severity":"medium","message":"ge"},{"rule":"s_eq","effect":"alert","severity":"medium","message":"s_eq"},{"rule":"s_ge","effect":"alert","severity":"medium","message":"s_ge"}]}
{"line":3,"effect":"alert","matches":[{"rule":"ne","effect":"alert","severity":"medium","message":"ne"},{"rule":"gt","effect":"alert","severity":"medium","message":"gt"},{"rule":"ge","effect":"alert","severity":"medium","message":"ge"},{"rule":"s_ne","effect":"alert","severity":"medium","message":"s_ne"},{"rule":"s_ge","effect":"alert","severity":"medium","message":"s_ge"}]}
{"line":4,"effect":"alert","matches":[{"rule":"ne","effect":"alert","severity":"medium","message":"ne"},{"rule":"lt","effect":"alert","severity":"medium","message":"lt"},{"rule":"le","effect":"alert","severity":"medium","message":"le"},{"rule":"s_ne","effect":"alert","severity":"medium","message":"s_ne"},{"rule":"s_lt","effect":"alert","severity":"medium","message":"s_lt"},{"rule":"s_gt","effect":"alert","severity":"medium","message":"s_gt"}]}
