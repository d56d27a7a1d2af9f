# `matches`: PCRE2, unanchored unless ^/$ are written, case-sensitive
# unless (?i), raw strings keep backslashes; never folds case or separators,
# also on Windows paths.
%%POLICY
rule "b64"     { on process  when process.command_line matches '-enc(odedcommand)?\s+[A-Za-z0-9+/]{8,}={0,2}$' }
rule "anchored" { on process  when process.name matches "^sh$" }
rule "unanch"  { on process  when process.name matches "sh" }
rule "nocase"  { on process  when process.command_line matches '(?i)invoke-expression' }
rule "escaped" { on process  when process.command_line matches "\\d{3}" }
rule "winpath" { on process  when process.executable matches '^C:\\Windows\\' }
%%EVENTS
{"event":{"category":["process"]},"process":{"name":"sh","command_line":"powershell -enc SQBFAFgAIAAo=="}}
{"event":{"category":["process"]},"process":{"name":"bash","command_line":"Invoke-Expression 123"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"name":"x.exe","executable":"C:\\Windows\\x.exe","command_line":"-ENC SQBFAFgAIAAo"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"name":"x.exe","executable":"c:\\windows\\x.exe","command_line":"12"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"b64","effect":"alert","severity":"medium","message":"b64"},{"rule":"anchored","effect":"alert","severity":"medium","message":"anchored"},{"rule":"unanch","effect":"alert","severity":"medium","message":"unanch"}]}
{"line":2,"effect":"alert","matches":[{"rule":"unanch","effect":"alert","severity":"medium","message":"unanch"},{"rule":"nocase","effect":"alert","severity":"medium","message":"nocase"},{"rule":"escaped","effect":"alert","severity":"medium","message":"escaped"}]}
{"line":3,"effect":"alert","matches":[{"rule":"winpath","effect":"alert","severity":"medium","message":"winpath"}]}
{"line":4,"effect":"allow","matches":[]}
