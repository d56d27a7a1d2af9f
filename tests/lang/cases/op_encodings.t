# The constant encodings (Sigma's modifiers): windash() gives each flag
# character as - / en dash, em dash and horizontal bar; base64offset() the
# three forms text takes inside base64; utf16le()/wide() the UTF-16 bytes;
# they nest, and stand where a constant list does (here right of
# contains, endswith and ==-like `in`).
%%POLICY
rule "b64off"  { on process  when process.command_line contains base64offset(utf16le("IEX")) }
rule "windash" { on process  when process.command_line contains nocase windash(" -enc ") }
rule "b64"     { on process  when process.command_line endswith base64("whoami") }
rule "wide"    { on process  when process.command_line contains base64offset(wide("IEX")) }
rule "utf16"   { on process  when process.command_line in base64(utf16(["A", "B"])) }
rule "utf16be" { on process  when process.command_line in base64(utf16be("A\u{20ac}")) }
rule "pair"    { on process  when process.command_line in base64(utf16le("\u{1f600}")) }
%%EVENTS
{"event": {"category": ["process"]}, "process": {"name": "p", "command_line": "powershell -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA"}}
{"event": {"category": ["process"]}, "process": {"name": "p", "command_line": "powershell -enc YQBJAEUAWAAgACgATgBlAHcALQBPAGIAagBlAGMAdAAgAE4AZQB0AC4AVwBlAGIAQwBsAGkAZQBuAHQAKQA="}}
{"event": {"category": ["process"]}, "process": {"name": "p", "command_line": "powershell -enc YQBiAEkARQBYACAAKABOAGUAdwAtAE8AYgBqAGUAYwB0ACAATgBlAHQALgBXAGUAYgBDAGwAaQBlAG4AdAApAA=="}}
{"event": {"category": ["process"]}, "process": {"name": "p", "command_line": "powershell -enc aQBlAHgAIAB4AA=="}}
{"event": {"category": ["process"]}, "process": {"name": "p", "command_line": "x /enc y"}}
{"event": {"category": ["process"]}, "process": {"name": "p", "command_line": "x –enc y"}}
{"event": {"category": ["process"]}, "process": {"name": "p", "command_line": "x ―ENC y"}}
{"event": {"category": ["process"]}, "process": {"name": "p", "command_line": "x a-enc y"}}
{"event": {"category": ["process"]}, "process": {"name": "p", "command_line": "echo d2hvYW1p"}}
{"event": {"category": ["process"]}, "process": {"name": "p", "command_line": "//5BAA=="}}
{"event": {"category": ["process"]}, "process": {"name": "p", "command_line": "AEEgrA=="}}
{"event": {"category": ["process"]}, "process": {"name": "p", "command_line": "PdgA3g=="}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"b64off","effect":"alert","severity":"medium","message":"b64off"},{"rule":"windash","effect":"alert","severity":"medium","message":"windash"},{"rule":"wide","effect":"alert","severity":"medium","message":"wide"}]}
{"line":2,"effect":"alert","matches":[{"rule":"b64off","effect":"alert","severity":"medium","message":"b64off"},{"rule":"windash","effect":"alert","severity":"medium","message":"windash"},{"rule":"wide","effect":"alert","severity":"medium","message":"wide"}]}
{"line":3,"effect":"alert","matches":[{"rule":"b64off","effect":"alert","severity":"medium","message":"b64off"},{"rule":"windash","effect":"alert","severity":"medium","message":"windash"},{"rule":"wide","effect":"alert","severity":"medium","message":"wide"}]}
{"line":4,"effect":"alert","matches":[{"rule":"windash","effect":"alert","severity":"medium","message":"windash"}]}
{"line":5,"effect":"alert","matches":[{"rule":"windash","effect":"alert","severity":"medium","message":"windash"}]}
{"line":6,"effect":"alert","matches":[{"rule":"windash","effect":"alert","severity":"medium","message":"windash"}]}
{"line":7,"effect":"alert","matches":[{"rule":"windash","effect":"alert","severity":"medium","message":"windash"}]}
{"line":8,"effect":"allow","matches":[]}
{"line":9,"effect":"alert","matches":[{"rule":"b64","effect":"alert","severity":"medium","message":"b64"}]}
{"line":10,"effect":"alert","matches":[{"rule":"utf16","effect":"alert","severity":"medium","message":"utf16"}]}
{"line":11,"effect":"alert","matches":[{"rule":"utf16be","effect":"alert","severity":"medium","message":"utf16be"}]}
{"line":12,"effect":"alert","matches":[{"rule":"pair","effect":"alert","severity":"medium","message":"pair"}]}
