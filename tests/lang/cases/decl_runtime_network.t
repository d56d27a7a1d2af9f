# runtime network section: outbound/inbound entries, ip lists (literals and
# CIDRs, IPv6 as strings), ports, port ranges 8000-8080, ip+port, entries
# without a direction test the remote end (source.ip of inbound events,
# destination.ip otherwise); an event without network.direction matches
# entries of either direction; allow exempts from the default but never
# cancels a deny; dns events are not network-section events.
%%POLICY
list internal = [10.0.0.0/8, 192.168.0.0/16]
list bad = ["203.0.113.0/24", "2001:db8::/32"]
runtime "net" {
  network {
    allow outbound ip internal port 5432
    allow outbound port 443, 8000-8080
    deny outbound ip bad effect block
    deny inbound port 22 effect prevent
    deny ip 198.51.100.7
    deny outbound port 6000-6010, 4444 effect prevent
    default effect alert
  }
}
%%EVENTS
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"network":{"direction":"outbound"},"source":{"ip":"10.0.0.5"},"destination":{"ip":"10.1.2.3","port":5432}}
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"network":{"direction":"outbound"},"source":{"ip":"10.0.0.5"},"destination":{"ip":"8.8.8.8","port":443}}
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"network":{"direction":"outbound"},"source":{"ip":"10.0.0.5"},"destination":{"ip":"8.8.8.8","port":8080}}
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"network":{"direction":"outbound"},"source":{"ip":"10.0.0.5"},"destination":{"ip":"203.0.113.9","port":443}}
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"network":{"direction":"inbound"},"source":{"ip":"1.2.3.4"},"destination":{"ip":"10.0.0.5","port":22}}
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"network":{"direction":"outbound"},"source":{"ip":"10.0.0.5"},"destination":{"ip":"8.8.8.8","port":22}}
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"network":{"direction":"inbound"},"source":{"ip":"198.51.100.7"},"destination":{"ip":"10.0.0.5","port":8443}}
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"network":{"direction":"outbound"},"source":{"ip":"10.0.0.5"},"destination":{"ip":"198.51.100.7","port":80}}
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"destination":{"ip":"2001:db8::1","port":53}}
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"destination":{"ip":"8.8.8.8","port":4444}}
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"network":{"direction":"outbound"},"source":{"ip":"10.0.0.5"},"destination":{"ip":"8.8.8.8","port":9000}}
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"network":{"direction":"inbound"},"source":{"ip":"10.1.1.1"},"destination":{"ip":"10.0.0.5","port":5432}}
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"network":{"protocol":"dns","direction":"outbound"},"destination":{"ip":"203.0.113.9","port":53},"dns":{"question":{"name":"x.example"}}}
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"network":{"direction":"outbound"},"source":{"ip":"10.0.0.5"},"destination":{"ip":"8.8.8.8","port":6005}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"allow","matches":[]}
{"line":4,"effect":"block","matches":[{"rule":"net","effect":"block","severity":"medium","message":"connection to 203.0.113.9:443 denied in app:1"}]}
{"line":5,"effect":"prevent","matches":[{"rule":"net","effect":"prevent","severity":"medium","message":"connection to 10.0.0.5:22 denied in app:1"}]}
{"line":6,"effect":"alert","matches":[{"rule":"net","effect":"alert","severity":"medium","message":"connection to 8.8.8.8:22 not allowed in app:1"}]}
{"line":7,"effect":"alert","matches":[{"rule":"net","effect":"alert","severity":"medium","message":"connection to 10.0.0.5:8443 denied in app:1"}]}
{"line":8,"effect":"alert","matches":[{"rule":"net","effect":"alert","severity":"medium","message":"connection to 198.51.100.7:80 denied in app:1"}]}
{"line":9,"effect":"block","matches":[{"rule":"net","effect":"block","severity":"medium","message":"connection to [2001:db8::1]:53 denied in app:1"}]}
{"line":10,"effect":"prevent","matches":[{"rule":"net","effect":"prevent","severity":"medium","message":"connection to 8.8.8.8:4444 denied in app:1"}]}
{"line":11,"effect":"alert","matches":[{"rule":"net","effect":"alert","severity":"medium","message":"connection to 8.8.8.8:9000 not allowed in app:1"}]}
{"line":12,"effect":"alert","matches":[{"rule":"net","effect":"alert","severity":"medium","message":"connection to 10.0.0.5:5432 not allowed in app:1"}]}
{"line":13,"effect":"allow","matches":[]}
{"line":14,"effect":"prevent","matches":[{"rule":"net","effect":"prevent","severity":"medium","message":"connection to 8.8.8.8:6005 denied in app:1"}]}
