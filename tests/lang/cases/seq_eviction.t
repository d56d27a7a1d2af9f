# A tiny cap: with one partial match per rule, a second group evicts the
# first (oldest first), which then cannot complete; the eviction is counted
# in the summary.
%%POLICY
sequence "download then run" {
  by host.name
  within 1m
  step { on process when process.name == "curl" }
  step { on process when process.executable like "/tmp/**" }
}
%%ARGS
--state-max-rule
1
%%EVENTS
{"event":{"category":["process"]},"host":{"name":"h1"},"process":{"name":"curl"}}
{"event":{"category":["process"]},"host":{"name":"h2"},"process":{"name":"curl"}}
{"event":{"category":["process"]},"host":{"name":"h1"},"process":{"executable":"/tmp/x"}}
{"event":{"category":["process"]},"host":{"name":"h2"},"process":{"executable":"/tmp/x"}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"allow","matches":[]}
{"line":4,"effect":"alert","matches":[{"rule":"download then run","effect":"alert","severity":"medium","message":"download then run","members":[2,4]}]}
%%STDERR
1 evicted (1 by a rule's cap, 0 by the global cap)
