# The lab rule: Windows paths without case, DNS wildcards at any depth.
%%POLICY
runtime "lab" {
  scope container.image.name like "wincontainerapp*"
  process { deny ["cmd.exe"] effect prevent }
  network { deny outbound ip 1.1.1.1 effect alert }
  dns { allow "*.google.com"  default effect prevent }
}
%%EVENTS
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"container":{"image":{"name":"wincontainerapp:v1"}},"process":{"executable":"C:\\WINDOWS\\system32\\CMD.EXE"}}
{"event":{"category":["network"]},"container":{"image":{"name":"wincontainerapp:v1"}},"network":{"direction":"outbound"},"destination":{"ip":"1.1.1.1","port":53}}
{"event":{"category":["network"]},"container":{"image":{"name":"wincontainerapp:v1"}},"network":{"protocol":"dns"},"dns":{"question":{"name":"a.b.google.com"}}}
{"event":{"category":["network"]},"container":{"image":{"name":"wincontainerapp:v1"}},"network":{"protocol":"dns"},"dns":{"question":{"name":"google.com.evil.net"}}}
{"event":{"category":["network"]},"container":{"image":{"name":"other:v1"}},"network":{"protocol":"dns"},"dns":{"question":{"name":"evil.com"}}}
%%EXPECT
{"line":1,"effect":"prevent","matches":[{"rule":"lab","effect":"prevent","severity":"medium","message":"process C:\\WINDOWS\\system32\\CMD.EXE denied in wincontainerapp:v1"}]}
{"line":2,"effect":"alert","matches":[{"rule":"lab","effect":"alert","severity":"medium","message":"connection to 1.1.1.1:53 denied in wincontainerapp:v1"}]}
{"line":3,"effect":"allow","matches":[]}
{"line":4,"effect":"prevent","matches":[{"rule":"lab","effect":"prevent","severity":"medium","message":"DNS query for google.com.evil.net not allowed in wincontainerapp:v1"}]}
{"line":5,"effect":"allow","matches":[]}
