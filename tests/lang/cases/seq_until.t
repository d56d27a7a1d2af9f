# `until` drops the group's partial matches; other groups keep theirs, and a
# chain started after it completes.  Events without a timestamp all take the
# time eval started, so they fall in one window.
%%POLICY
sequence "shell then egress" {
  by host.name
  within 1m
  step { on process when process.name == "sh" }
  step { on network when destination.port == 443 }
  until { on process when process.name == "logout" }
  message "{destination.ip}"
}
%%EVENTS
{"event":{"category":["process"]},"host":{"name":"h1"},"process":{"name":"sh"}}
{"event":{"category":["process"]},"host":{"name":"h2"},"process":{"name":"sh"}}
{"event":{"category":["process"]},"host":{"name":"h1"},"process":{"name":"logout"}}
{"event":{"category":["network"]},"host":{"name":"h1"},"destination":{"ip":"9.9.9.9","port":443}}
{"event":{"category":["network"]},"host":{"name":"h2"},"destination":{"ip":"8.8.8.8","port":443}}
{"event":{"category":["process"]},"host":{"name":"h1"},"process":{"name":"sh"}}
{"event":{"category":["network"]},"host":{"name":"h1"},"destination":{"ip":"9.9.9.9","port":443}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"allow","matches":[]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"alert","matches":[{"rule":"shell then egress","effect":"alert","severity":"medium","message":"8.8.8.8","members":[2,5]}]}
{"line":6,"effect":"allow","matches":[]}
{"line":7,"effect":"alert","matches":[{"rule":"shell then egress","effect":"alert","severity":"medium","message":"9.9.9.9","members":[6,7]}]}
