# runtime network ports: a list name in a port position, `*` (every port),
# ip + several ports and ranges; a scope on host.name; bracketed value
# lists in a process section; an event without a container shows
# <undefined> in the generated message.
%%POLICY
list web = [80, 443]
list bad = ["198.51.100.0/24"]
runtime "rt" {
  scope host.name == "h1"
  network {
    allow port web
    deny inbound port * effect prevent
    deny outbound ip bad, "2001:db8::/32" port 8000-8100, 9000 effect block
    default effect alert
  }
  process { deny ["nc", "ncat"], "/usr/bin/socat" }
}
%%EVENTS
{"event":{"category":["network"]},"host":{"name":"h1"},"network":{"direction":"inbound"},"source":{"ip":"1.2.3.4"},"destination":{"ip":"10.0.0.1","port":80}}
{"event":{"category":["network"]},"host":{"name":"h1"},"network":{"direction":"inbound"},"source":{"ip":"1.2.3.4"},"destination":{"ip":"10.0.0.1","port":81}}
{"event":{"category":["network"]},"host":{"name":"h1"},"network":{"direction":"outbound"},"destination":{"ip":"198.51.100.9","port":8050}}
{"event":{"category":["network"]},"host":{"name":"h1"},"network":{"direction":"outbound"},"destination":{"ip":"198.51.100.9","port":8200}}
{"event":{"category":["network"]},"host":{"name":"h1"},"network":{"direction":"outbound"},"destination":{"ip":"2001:db8::5","port":9000}}
{"event":{"category":["network"]},"host":{"name":"h2"},"network":{"direction":"outbound"},"destination":{"ip":"2001:db8::5","port":9000}}
{"event":{"category":["process"]},"host":{"name":"h1"},"process":{"executable":"/usr/bin/socat","name":"socat"}}
{"event":{"category":["process"]},"host":{"name":"h1"},"process":{"executable":"/usr/bin/ncat","name":"ncat"}}
%%EXPECT
{"line":1,"effect":"prevent","matches":[{"rule":"rt","effect":"prevent","severity":"medium","message":"connection to 10.0.0.1:80 denied on host h1"}]}
{"line":2,"effect":"prevent","matches":[{"rule":"rt","effect":"prevent","severity":"medium","message":"connection to 10.0.0.1:81 denied on host h1"}]}
{"line":3,"effect":"block","matches":[{"rule":"rt","effect":"block","severity":"medium","message":"connection to 198.51.100.9:8050 denied on host h1"}]}
{"line":4,"effect":"alert","matches":[{"rule":"rt","effect":"alert","severity":"medium","message":"connection to 198.51.100.9:8200 not allowed on host h1"}]}
{"line":5,"effect":"block","matches":[{"rule":"rt","effect":"block","severity":"medium","message":"connection to [2001:db8::5]:9000 denied on host h1"}]}
{"line":6,"effect":"allow","matches":[]}
{"line":7,"effect":"alert","matches":[{"rule":"rt","effect":"alert","severity":"medium","message":"process /usr/bin/socat denied on host h1"}]}
{"line":8,"effect":"alert","matches":[{"rule":"rt","effect":"alert","severity":"medium","message":"process /usr/bin/ncat denied on host h1"}]}
