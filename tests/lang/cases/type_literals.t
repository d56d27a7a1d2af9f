# int literals: decimal, 0x/0X hex, 0o/0O octal, durations in milliseconds;
# strings: escapes \\ \" \n \t \r \xHH \u{H..}, raw strings without escapes.
%%POLICY
rule "hex"      { on process  when process.pid == 0x1F and process.pid == 0X1f }
rule "octal"    { on process  when process.parent.pid == 0o755 and process.parent.pid == 0O755 }
rule "dur"      { on process  when 2m == 120000 and 1s + 5ms == 1005 and 1d == 24 * 1h }
rule "quote"    { on process  when process.command_line == "say \"hi\"\\" }
rule "tab"      { on process  when process.args contains "a\tb" }
rule "newline"  { on process  when process.args contains "l1\nl2\r" }
rule "hexesc"   { on process  when process.name == "\x41\x62c" }
rule "unicode"  { on process  when process.user.name == "\u{e9}t\u{E9}\u{1F600}" }
rule "raw"      { on process  when process.working_directory == 'C:\x\n' and process.working_directory == "C:\\x\\n" }
%%EVENTS
{"event":{"category":["process"]},"process":{"pid":31,"parent":{"pid":493},"name":"Abc","command_line":"say \"hi\"\\","args":["a\tb","l1\nl2\r"],"user":{"name":"été😀"},"working_directory":"C:\\x\\n"}}
{"event":{"category":["process"]},"process":{"pid":30,"parent":{"pid":755},"name":"abc"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"hex","effect":"alert","severity":"medium","message":"hex"},{"rule":"octal","effect":"alert","severity":"medium","message":"octal"},{"rule":"dur","effect":"alert","severity":"medium","message":"dur"},{"rule":"quote","effect":"alert","severity":"medium","message":"quote"},{"rule":"tab","effect":"alert","severity":"medium","message":"tab"},{"rule":"newline","effect":"alert","severity":"medium","message":"newline"},{"rule":"hexesc","effect":"alert","severity":"medium","message":"hexesc"},{"rule":"unicode","effect":"alert","severity":"medium","message":"unicode"},{"rule":"raw","effect":"alert","severity":"medium","message":"raw"}]}
{"line":2,"effect":"alert","matches":[{"rule":"dur","effect":"alert","severity":"medium","message":"dur"}]}
