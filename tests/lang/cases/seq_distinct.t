# A distinct count: a value seen again counts once (its latest event is
# named), values older than the window drop out.
%%POLICY
rule "port scan" {
  on network
  when network.direction == "outbound"
  count distinct destination.port >= 3 by source.ip within 1m
  message "{source.ip} probed {destination.port} and more"
}
%%EVENTS
{"@timestamp":"2024-05-02T10:00:00Z","event":{"category":["network"]},"network":{"direction":"outbound"},"source":{"ip":"10.0.0.1"},"destination":{"ip":"10.0.0.9","port":22}}
{"@timestamp":"2024-05-02T10:00:01Z","event":{"category":["network"]},"network":{"direction":"outbound"},"source":{"ip":"10.0.0.1"},"destination":{"ip":"10.0.0.9","port":22}}
{"@timestamp":"2024-05-02T10:00:02Z","event":{"category":["network"]},"network":{"direction":"outbound"},"source":{"ip":"10.0.0.2"},"destination":{"ip":"10.0.0.9","port":80}}
{"@timestamp":"2024-05-02T10:00:03Z","event":{"category":["network"]},"network":{"direction":"outbound"},"source":{"ip":"10.0.0.1"},"destination":{"ip":"10.0.0.9","port":80}}
{"@timestamp":"2024-05-02T10:00:04Z","event":{"category":["network"]},"network":{"direction":"outbound"},"source":{"ip":"10.0.0.1"},"destination":{"ip":"10.0.0.9","port":443}}
{"@timestamp":"2024-05-02T10:00:10Z","event":{"category":["network"]},"network":{"direction":"outbound"},"source":{"ip":"10.0.0.2"},"destination":{"ip":"10.0.0.9","port":81}}
{"@timestamp":"2024-05-02T10:01:30Z","event":{"category":["network"]},"network":{"direction":"outbound"},"source":{"ip":"10.0.0.2"},"destination":{"ip":"10.0.0.9","port":82}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"allow","matches":[]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"alert","matches":[{"rule":"port scan","effect":"alert","severity":"medium","message":"10.0.0.1 probed 443 and more","members":[2,4,5]}]}
{"line":6,"effect":"allow","matches":[]}
{"line":7,"effect":"allow","matches":[]}
