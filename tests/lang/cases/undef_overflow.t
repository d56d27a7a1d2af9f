# Integer overflow is undefined (SPEC section 6), so every comparison with
# the result is false, whichever way it asks; lower/upper keep the Windows
# rules of their argument.
%%POLICY
rule "ovf"      { on process  when process.pid * 9223372036854775807 > 0 or process.pid * 9223372036854775807 <= 0 }
rule "ovf add"  { on process  when process.pid + 9223372036854775807 != 0 }
rule "no ovf"   { on process  when process.pid * 4611686018427387903 > 0 }
rule "lowerwin" { on process  when lower(process.executable) == 'C:\WINDOWS\CMD.EXE' }
%%EVENTS
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"pid":2,"executable":"c:\\windows\\cmd.exe","name":"abc"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"no ovf","effect":"alert","severity":"medium","message":"no ovf"},{"rule":"lowerwin","effect":"alert","severity":"medium","message":"lowerwin"}]}
