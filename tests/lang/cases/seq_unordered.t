# `unordered` (Sigma's temporal): the latest hit of every step, in any
# order, all within the window; members are listed in step order.
%%POLICY
sequence "miner" {
  by host.name
  within 10s
  unordered
  step written { on file when file.path like "/tmp/**" }
  step ran     { on process when process.executable like "/tmp/**" }
  step pool    { on network when destination.port == 3333 }
  message "{written.file.path} {ran.process.executable} {pool.destination.ip}"
}
%%EVENTS
{"@timestamp":"2024-05-02T10:00:00Z","event":{"category":["network"]},"host":{"name":"h"},"destination":{"ip":"1.2.3.4","port":3333}}
{"@timestamp":"2024-05-02T10:00:02Z","event":{"category":["file"]},"host":{"name":"h"},"file":{"path":"/tmp/m"}}
{"@timestamp":"2024-05-02T10:00:05Z","event":{"category":["process"]},"host":{"name":"h"},"process":{"executable":"/tmp/m"}}
{"@timestamp":"2024-05-02T10:00:20Z","event":{"category":["file"]},"host":{"name":"h"},"file":{"path":"/tmp/n"}}
{"@timestamp":"2024-05-02T10:00:21Z","event":{"category":["process"]},"host":{"name":"h"},"process":{"executable":"/tmp/n"}}
{"@timestamp":"2024-05-02T10:00:40Z","event":{"category":["network"]},"host":{"name":"h"},"destination":{"ip":"5.6.7.8","port":3333}}
{"@timestamp":"2024-05-02T10:00:41Z","event":{"category":["file"]},"host":{"name":"h"},"file":{"path":"/tmp/o"}}
{"@timestamp":"2024-05-02T10:00:42Z","event":{"category":["process"]},"host":{"name":"h"},"process":{"executable":"/tmp/o"}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"alert","matches":[{"rule":"miner","effect":"alert","severity":"medium","message":"/tmp/m /tmp/m 1.2.3.4","members":[2,3,1]}]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"allow","matches":[]}
{"line":6,"effect":"allow","matches":[]}
{"line":7,"effect":"allow","matches":[]}
{"line":8,"effect":"alert","matches":[{"rule":"miner","effect":"alert","severity":"medium","message":"/tmp/o /tmp/o 5.6.7.8","members":[7,8,6]}]}
