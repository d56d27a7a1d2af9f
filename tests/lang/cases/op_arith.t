# + - * / % and unary minus on ints: precedence (* / % over + -, unary
# minus tightest), left associativity, / truncates toward zero, % takes the
# sign of the dividend (as in C); constants fold; division or remainder by
# zero is undefined, so the comparison is false (and its != too).
%%POLICY
rule "add"      { on process  when process.pid + 1 == 11 }
rule "sub"      { on process  when process.pid - 20 == -10 }
rule "mul"      { on process  when process.pid * 3 == 30 }
rule "div"      { on process  when process.pid / 3 == 3 }
rule "mod"      { on process  when process.pid % 3 == 1 }
rule "prec"     { on process  when 2 + process.pid * 2 == 22 }
rule "leftassoc" { on process  when process.pid - 5 - 2 == 3 }
rule "unary"    { on process  when -process.pid == -10 }
rule "negdiv"   { on process  when -process.pid / 3 == -3 and -process.pid % 3 == -1 }
rule "fold"     { on process  when process.pid == 2 * 3 + 4 }
rule "paren"    { on process  when (2 + process.pid) * 2 == 24 }
rule "div0"     { on process  when process.pid / process.parent.pid == 0 }
rule "div0 ne"  { on process  when process.pid / process.parent.pid != 0 }
rule "mod0"     { on process  when process.pid % process.parent.pid >= 0 }
rule "durations" { on process  when process.pid * 1000 == 10s and 1m == 60000 and 1h + 30m == 5400000 and 7d == 604800000 and 10ms == 10 }
%%EVENTS
{"event":{"category":["process"]},"process":{"pid":10,"parent":{"pid":0}}}
{"event":{"category":["process"]},"process":{"pid":7,"parent":{"pid":2}}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"add","effect":"alert","severity":"medium","message":"add"},{"rule":"sub","effect":"alert","severity":"medium","message":"sub"},{"rule":"mul","effect":"alert","severity":"medium","message":"mul"},{"rule":"div","effect":"alert","severity":"medium","message":"div"},{"rule":"mod","effect":"alert","severity":"medium","message":"mod"},{"rule":"prec","effect":"alert","severity":"medium","message":"prec"},{"rule":"leftassoc","effect":"alert","severity":"medium","message":"leftassoc"},{"rule":"unary","effect":"alert","severity":"medium","message":"unary"},{"rule":"negdiv","effect":"alert","severity":"medium","message":"negdiv"},{"rule":"fold","effect":"alert","severity":"medium","message":"fold"},{"rule":"paren","effect":"alert","severity":"medium","message":"paren"},{"rule":"durations","effect":"alert","severity":"medium","message":"durations"}]}
{"line":2,"effect":"alert","matches":[{"rule":"mod","effect":"alert","severity":"medium","message":"mod"},{"rule":"div0 ne","effect":"alert","severity":"medium","message":"div0 ne"},{"rule":"mod0","effect":"alert","severity":"medium","message":"mod0"}]}
