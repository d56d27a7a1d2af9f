# and / or / not: precedence (not > and > or), parentheses, constants.
%%POLICY
rule "and"     { on process  when process.name == "a" and process.pid == 1 }
rule "or"      { on process  when process.name == "zz" or process.pid == 1 }
rule "not"     { on process  when not process.name == "b" }
rule "prec"    { on process  when process.name == "x" or process.name == "a" and process.pid == 2 }
rule "paren"   { on process  when (process.name == "x" or process.name == "a") and process.pid == 2 }
rule "notnot"  { on process  when not not process.name == "a" }
rule "notand"  { on process  when not process.name == "a" and process.pid == 3 }
rule "consts"  { on process  when true and not false or false }
%%EVENTS
{"event":{"category":["process"]},"process":{"name":"a","pid":1}}
{"event":{"category":["process"]},"process":{"name":"a","pid":2}}
{"event":{"category":["process"]},"process":{"name":"b","pid":3}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"and","effect":"alert","severity":"medium","message":"and"},{"rule":"or","effect":"alert","severity":"medium","message":"or"},{"rule":"not","effect":"alert","severity":"medium","message":"not"},{"rule":"notnot","effect":"alert","severity":"medium","message":"notnot"},{"rule":"consts","effect":"alert","severity":"medium","message":"consts"}]}
{"line":2,"effect":"alert","matches":[{"rule":"not","effect":"alert","severity":"medium","message":"not"},{"rule":"prec","effect":"alert","severity":"medium","message":"prec"},{"rule":"paren","effect":"alert","severity":"medium","message":"paren"},{"rule":"notnot","effect":"alert","severity":"medium","message":"notnot"},{"rule":"consts","effect":"alert","severity":"medium","message":"consts"}]}
{"line":3,"effect":"alert","matches":[{"rule":"notand","effect":"alert","severity":"medium","message":"notand"},{"rule":"consts","effect":"alert","severity":"medium","message":"consts"}]}
