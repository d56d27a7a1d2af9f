# An ordered sequence joined by host.name: the order of the steps, the group
# key, the window's edge (equal to `within` is inside, 1 ms more is not), and
# a partial match used once.
%%POLICY
sequence "download then run" {
  by host.name
  within 10s
  step fetch { on process when process.name in ["curl", "wget"] }
  step run   { on process when process.executable like "/tmp/**" }
  effect prevent
  severity high
  message "{fetch.process.command_line} then {run.process.executable} on {host.name}"
}
%%EVENTS
{"@timestamp":"2024-05-02T10:00:00Z","event":{"category":["process"]},"host":{"name":"h1"},"process":{"name":"curl","command_line":"curl -o /tmp/x"}}
{"@timestamp":"2024-05-02T10:00:01Z","event":{"category":["process"]},"host":{"name":"h2"},"process":{"executable":"/tmp/x"}}
{"@timestamp":"2024-05-02T10:00:02Z","event":{"category":["process"]},"host":{"name":"h1"},"process":{"executable":"/tmp/x"}}
{"@timestamp":"2024-05-02T10:00:03Z","event":{"category":["process"]},"host":{"name":"h1"},"process":{"executable":"/tmp/x"}}
{"@timestamp":"2024-05-02T10:00:10Z","event":{"category":["process"]},"host":{"name":"h1"},"process":{"name":"wget","command_line":"wget e/y"}}
{"@timestamp":"2024-05-02T10:00:20Z","event":{"category":["process"]},"host":{"name":"h1"},"process":{"executable":"/tmp/y"}}
{"@timestamp":"2024-05-02T10:00:30Z","event":{"category":["process"]},"host":{"name":"h1"},"process":{"name":"curl","command_line":"curl late"}}
{"@timestamp":"2024-05-02T10:00:40.001Z","event":{"category":["process"]},"host":{"name":"h1"},"process":{"executable":"/tmp/z"}}
{"@timestamp":"2024-05-02T10:00:50Z","event":{"category":["process"]},"host":{"name":"h3"},"process":{"executable":"/tmp/z"}}
{"@timestamp":"2024-05-02T10:00:51Z","event":{"category":["process"]},"host":{"name":"h3"},"process":{"name":"curl"}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"prevent","matches":[{"rule":"download then run","effect":"prevent","severity":"high","message":"curl -o /tmp/x then /tmp/x on h1","members":[1,3]}]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"allow","matches":[]}
{"line":6,"effect":"prevent","matches":[{"rule":"download then run","effect":"prevent","severity":"high","message":"wget e/y then /tmp/y on h1","members":[5,6]}]}
{"line":7,"effect":"allow","matches":[]}
{"line":8,"effect":"allow","matches":[]}
{"line":9,"effect":"allow","matches":[]}
{"line":10,"effect":"allow","matches":[]}
