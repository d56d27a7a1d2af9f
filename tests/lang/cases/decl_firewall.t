# firewall: image/subnet/host/dns/any endpoints, protocol and ports (lists,
# ranges), entries tried in order with the first match winning (allow ends
# the search with no match), the default effect for everything else. `from
# image` falls back to the event's container when the event is not inbound;
# `to image` to the event's container when it is inbound. dns events are not
# decided by firewalls.
%%POLICY
firewall "cnnf" {
  allow from image "front:*" to image "api:*" tcp 8080
  deny  from image "front:*" to any effect prevent
  allow from subnet 10.1.0.0/16 to image "api:*" tcp 443, 8000-8080
  deny  from any to dns "*.onion.example" effect block
  allow from host "build-01" to host "registry.local"
  allow from any to subnet "fd00::/8"
  deny  from any to subnet 10.0.0.0/8 udp effect prevent
  default effect alert
}
%%EVENTS
{"event":{"category":["network"]},"network":{"transport":"tcp"},"source":{"ip":"10.9.0.1","container":{"image":{"name":"front:1"}}},"destination":{"ip":"10.9.0.2","port":8080,"container":{"image":{"name":"api:2"}}}}
{"event":{"category":["network"]},"network":{"transport":"tcp"},"source":{"ip":"10.9.0.1","container":{"image":{"name":"front:1"}}},"destination":{"ip":"10.9.0.2","port":9090,"container":{"image":{"name":"api:2"}}}}
{"event":{"category":["network"]},"container":{"image":{"name":"front:1"}},"network":{"direction":"outbound","transport":"tcp"},"source":{"ip":"10.9.0.1"},"destination":{"ip":"10.9.0.2","port":8080,"container":{"image":{"name":"api:2"}}}}
{"event":{"category":["network"]},"container":{"image":{"name":"api:1"}},"network":{"direction":"inbound","transport":"tcp"},"source":{"ip":"10.1.5.5"},"destination":{"ip":"10.9.0.2","port":443}}
{"event":{"category":["network"]},"container":{"image":{"name":"x:1"}},"network":{"direction":"outbound","transport":"tcp"},"source":{"ip":"10.9.0.1"},"destination":{"ip":"192.0.2.1","port":443,"domain":"x.y.onion.example"}}
{"event":{"category":["network"]},"host":{"name":"build-01"},"network":{"direction":"outbound","transport":"tcp"},"source":{"ip":"10.9.0.1"},"destination":{"ip":"192.0.2.2","port":443,"domain":"Registry.Local."}}
{"event":{"category":["network"]},"network":{"transport":"tcp"},"source":{"ip":"fd00::1"},"destination":{"ip":"fd00::5","port":443}}
{"event":{"category":["network"]},"network":{"transport":"udp"},"source":{"ip":"192.0.2.9"},"destination":{"ip":"10.2.3.4","port":53}}
{"event":{"category":["network"]},"container":{"image":{"name":"x:1"}},"network":{"transport":"tcp"},"source":{"ip":"192.0.2.9"},"destination":{"ip":"10.2.3.4","port":80}}
{"event":{"category":["network"]},"network":{"protocol":"dns","transport":"udp"},"source":{"ip":"192.0.2.9"},"destination":{"ip":"10.2.3.4","port":53},"dns":{"question":{"name":"a.example"}}}
{"event":{"category":["network"]},"container":{"image":{"name":"front:1"}},"network":{"direction":"outbound","transport":"tcp"},"source":{"ip":"10.9.0.1"},"destination":{"ip":"192.0.2.1","port":443,"domain":"a.onion.example"}}
{"event":{"category":["network"]},"host":{"name":"build-02"},"network":{"direction":"outbound","transport":"tcp"},"source":{"ip":"10.9.0.1"},"destination":{"ip":"192.0.2.2","port":443,"domain":"registry.local"}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"prevent","matches":[{"rule":"cnnf","effect":"prevent","severity":"medium","message":"connection 10.9.0.1 (front:1) -> 10.9.0.2:9090 (api:2) matched firewall entry"}]}
{"line":3,"effect":"allow","matches":[]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"block","matches":[{"rule":"cnnf","effect":"block","severity":"medium","message":"connection 10.9.0.1 (x:1) -> 192.0.2.1:443 (x.y.onion.example) matched firewall entry"}]}
{"line":6,"effect":"allow","matches":[]}
{"line":7,"effect":"allow","matches":[]}
{"line":8,"effect":"prevent","matches":[{"rule":"cnnf","effect":"prevent","severity":"medium","message":"connection 192.0.2.9 -> 10.2.3.4:53 matched firewall entry"}]}
{"line":9,"effect":"alert","matches":[{"rule":"cnnf","effect":"alert","severity":"medium","message":"connection 192.0.2.9 (x:1) -> 10.2.3.4:80 is not allowed by the firewall"}]}
{"line":10,"effect":"allow","matches":[]}
{"line":11,"effect":"prevent","matches":[{"rule":"cnnf","effect":"prevent","severity":"medium","message":"connection 10.9.0.1 (front:1) -> 192.0.2.1:443 (a.onion.example) matched firewall entry"}]}
{"line":12,"effect":"alert","matches":[{"rule":"cnnf","effect":"alert","severity":"medium","message":"connection 10.9.0.1 (build-02) -> 192.0.2.2:443 (registry.local) is not allowed by the firewall"}]}
