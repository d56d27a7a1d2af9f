# The global cap counts the partial matches of every correlation: the
# oldest, of another rule, gives way.
%%POLICY
sequence "a" {
  within 1m
  step { on process when process.name == "a1" }
  step { on process when process.name == "a2" }
}
sequence "b" {
  within 1m
  step { on process when process.name == "b1" }
  step { on process when process.name == "b2" }
}
%%ARGS
--state-max
1
%%EVENTS
{"event":{"category":["process"]},"process":{"name":"a1"}}
{"event":{"category":["process"]},"process":{"name":"b1"}}
{"event":{"category":["process"]},"process":{"name":"a2"}}
{"event":{"category":["process"]},"process":{"name":"b2"}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"allow","matches":[]}
{"line":4,"effect":"alert","matches":[{"rule":"b","effect":"alert","severity":"medium","message":"b","members":[2,4]}]}
%%STDERR
1 evicted (0 by a rule's cap, 1 by the global cap)
