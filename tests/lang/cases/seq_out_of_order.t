# Event time, not arrival, orders the window; an event up to the tolerance
# (2 s) earlier than the step before it still follows it, one more than the
# tolerance behind the latest event seen is late and takes no part.  Sysmon's
# UtcTime and ECS offsets are read as times too.
%%POLICY
sequence "download then run" {
  by host.name
  within 10s
  step { on process when process.name == "curl" }
  step { on process when process.executable like "/tmp/**" }
}
%%EVENTS
{"@timestamp":"2024-05-02T12:00:10+02:00","event":{"category":["process"]},"host":{"name":"h1"},"process":{"name":"curl"}}
{"@timestamp":"2024-05-02T10:00:09.000Z","event":{"category":["process"]},"host":{"name":"h1"},"process":{"executable":"/tmp/x"}}
{"@timestamp":"2024-05-02T10:00:20Z","event":{"category":["process"]},"host":{"name":"h1"},"process":{"name":"curl"}}
{"@timestamp":"2024-05-02T10:00:17.999Z","event":{"category":["process"]},"host":{"name":"h1"},"process":{"executable":"/tmp/x"}}
{"@timestamp":"2024-05-02T10:00:19Z","event":{"category":["process"]},"host":{"name":"h1"},"process":{"executable":"/tmp/x"}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"alert","matches":[{"rule":"download then run","effect":"alert","severity":"medium","message":"download then run","members":[1,2]}]}
{"line":3,"effect":"allow","matches":[]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"alert","matches":[{"rule":"download then run","effect":"alert","severity":"medium","message":"download then run","members":[3,5]}]}
%%STDERR
correlations: 2 matched
1 late events
