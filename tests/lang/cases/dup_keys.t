# A field given twice in an event (nested and dotted, or one key twice): most
# JSON parsers keep the last value, palisade's walk kept the first, and the
# lab denies were bypassed in between (lines 1-3 were allowed).  The event is
# decided on both values: the decision holds the matches of both readings (a
# match both give is listed once) and a warning names the key.
%%POLICY
runtime "lab" {
  scope container.image.name like "wincontainerapp*"
  process { deny ["cmd.exe"] effect prevent }
  network { deny outbound ip 1.1.1.1 effect alert }
  dns { allow "*.google.com"  default effect prevent }
}
%%EVENTS
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"container":{"image":{"name":"wincontainerapp:v1"}},"process":{"executable":"C:\\app\\app.exe"},"process.executable":"C:\\Windows\\System32\\cmd.exe"}
{"event":{"category":["network"]},"container":{"image":{"name":"wincontainerapp:v1"}},"network":{"direction":"outbound"},"destination":{"ip":"10.0.0.1","port":53},"destination.ip":"1.1.1.1"}
{"event":{"category":["network"]},"container":{"image":{"name":"wincontainerapp:v1"}},"network":{"protocol":"dns"},"dns":{"question":{"name":"www.google.com"}},"dns.question.name":"evil.com"}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"container":{"image":{"name":"wincontainerapp:v1"}},"process.executable":"C:\\Windows\\System32\\cmd.exe","process":{"executable":"C:\\app\\app.exe"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"container":{"image":{"name":"other:v1"}},"container.image.name":"wincontainerapp:v1","process":{"executable":"C:\\Windows\\System32\\cmd.exe"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"container":{"image":{"name":"wincontainerapp:v1"}},"process":{"executable":"C:\\Windows\\System32\\cmd.exe","executable":"C:\\Windows\\System32\\cmd.exe"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"container":{"image":{"name":"wincontainerapp:v1"}},"process":{"executable":"C:\\app\\app.exe","executable":"C:\\app\\app.exe"}}
%%EXPECT
{"line":1,"effect":"prevent","matches":[{"rule":"lab","effect":"prevent","severity":"medium","message":"process C:\\Windows\\System32\\cmd.exe denied in wincontainerapp:v1"}],"warning":"duplicate key process.executable: decided on its first and on its last value"}
{"line":2,"effect":"alert","matches":[{"rule":"lab","effect":"alert","severity":"medium","message":"connection to 1.1.1.1:53 denied in wincontainerapp:v1"}],"warning":"duplicate key destination.ip: decided on its first and on its last value"}
{"line":3,"effect":"prevent","matches":[{"rule":"lab","effect":"prevent","severity":"medium","message":"DNS query for evil.com not allowed in wincontainerapp:v1"}],"warning":"duplicate key dns.question.name: decided on its first and on its last value"}
{"line":4,"effect":"prevent","matches":[{"rule":"lab","effect":"prevent","severity":"medium","message":"process C:\\Windows\\System32\\cmd.exe denied in wincontainerapp:v1"}],"warning":"duplicate key process.executable: decided on its first and on its last value"}
{"line":5,"effect":"prevent","matches":[{"rule":"lab","effect":"prevent","severity":"medium","message":"process C:\\Windows\\System32\\cmd.exe denied in wincontainerapp:v1"}],"warning":"duplicate key container.image.name: decided on its first and on its last value"}
{"line":6,"effect":"prevent","matches":[{"rule":"lab","effect":"prevent","severity":"medium","message":"process C:\\Windows\\System32\\cmd.exe denied in wincontainerapp:v1"}],"warning":"duplicate key process.executable: decided on its first and on its last value"}
{"line":7,"effect":"allow","matches":[],"warning":"duplicate key process.executable: decided on its first and on its last value"}
