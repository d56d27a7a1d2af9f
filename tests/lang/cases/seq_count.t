# A counting rule: N events of a group within the window (the oldest drop
# out as it slides), then the group starts over; `> N` is N + 1 events.
%%POLICY
rule "many sshd" {
  on process
  when process.name == "sshd"
  count >= 3 by user.name within 10s
  severity high
  message "{user.name} started sshd 3 times"
}
rule "two curls" {
  on process
  when process.name == "curl"
  count > 1 within 1h
}
%%EVENTS
{"@timestamp":"2024-05-02T10:00:00Z","event":{"category":["process"]},"user":{"name":"bob"},"process":{"name":"sshd"}}
{"@timestamp":"2024-05-02T10:00:01Z","event":{"category":["process"]},"user":{"name":"bob"},"process":{"name":"sshd"}}
{"@timestamp":"2024-05-02T10:00:02Z","event":{"category":["process"]},"user":{"name":"eve"},"process":{"name":"sshd"}}
{"@timestamp":"2024-05-02T10:00:11Z","event":{"category":["process"]},"user":{"name":"bob"},"process":{"name":"sshd"}}
{"@timestamp":"2024-05-02T10:00:12Z","event":{"category":["process"]},"user":{"name":"bob"},"process":{"name":"sshd"}}
{"@timestamp":"2024-05-02T10:00:13Z","event":{"category":["process"]},"user":{"name":"bob"},"process":{"name":"sshd"}}
{"@timestamp":"2024-05-02T10:00:14Z","event":{"category":["process"]},"user":{"name":"bob"},"process":{"name":"curl"}}
{"@timestamp":"2024-05-02T10:00:15Z","event":{"category":["process"]},"user":{"name":"eve"},"process":{"name":"curl"}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"allow","matches":[]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"allow","matches":[]}
{"line":6,"effect":"alert","matches":[{"rule":"many sshd","effect":"alert","severity":"high","message":"bob started sshd 3 times","members":[4,5,6]}]}
{"line":7,"effect":"allow","matches":[]}
{"line":8,"effect":"alert","matches":[{"rule":"two curls","effect":"alert","severity":"medium","message":"two curls","members":[7,8]}]}
