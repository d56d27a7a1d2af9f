# Generated messages name what the event has (they said `<undefined>`):
# the process by its executable, else its name, command line or pid; the
# container by its image, else its name or id, else the host; a firewall
# connection by both ends' addresses and, in brackets, the container at each
# end as the image endpoints see it (the end's own image or id, else the
# event's container on the side it is on: the source unless inbound), or
# that alone without an address.  An IPv6 address before a port is written
# in brackets, also in a rule's own message.
%%POLICY
runtime "rt" {
  process { deny "nc" effect prevent   default effect alert }
  network { deny outbound port 8000, 4444 effect block }
}
firewall "fw" {
  deny from any to subnet 10.99.0.0/16 effect prevent
  default effect alert
}
rule "own" {
  on network
  when destination.port == 4444
  message "to {destination.ip}:{destination.port} then {destination.ip}"
}
%%EVENTS
{"event":{"category":["process"]},"process":{"name":"nc"},"container":{"id":"c0ffee"}}
{"event":{"category":["process"]},"process":{"command_line":"sh -c id"},"container":{"name":"web-1"}}
{"event":{"category":["process"]},"process":{"pid":4242},"host":{"name":"node-3"}}
{"event":{"category":["process"]},"process":{"executable":"/usr/bin/nc","name":"nc"},"container":{"image":{"name":"app:1"},"id":"c0ffee"}}
{"event":{"category":["process"]},"event.type":["start"]}
{"event":{"category":["network"]},"network":{"direction":"outbound"},"destination":{"ip":"2001:db8::5","port":8000},"container":{"image":{"name":"app:1"}}}
{"event":{"category":["network"]},"network":{"direction":"outbound"},"destination":{"domain":"c2.example","port":8000},"container":{"id":"c0ffee"}}
{"event":{"category":["network"]},"network":{"direction":"outbound"},"destination":{"port":8000}}
{"event":{"category":["network"]},"network":{"direction":"outbound"},"source":{"ip":"10.0.0.9"},"destination":{"ip":"10.99.0.5","port":5432},"container":{"id":"c0ffee"}}
{"event":{"category":["network"]},"network":{"direction":"inbound"},"source":{"ip":"10.0.0.7"},"destination":{"ip":"10.99.0.5","port":5432},"container":{"image":{"name":"db:16"}}}
{"event":{"category":["network"]},"source":{"ip":"10.0.0.9","container":{"image":{"name":"front:1"}}},"destination":{"ip":"10.99.0.5","port":80,"container":{"id":"beef"}}}
{"event":{"category":["network"]},"network":{"direction":"outbound"},"source":{"ip":"fd00::9"},"destination":{"ip":"fd00::5","port":443,"domain":"api.example"},"host":{"name":"node-3"}}
{"event":{"category":["network"]},"network":{"direction":"outbound"},"destination":{"ip":"2001:db8::7","port":4444}}
%%EXPECT
{"line":1,"effect":"prevent","matches":[{"rule":"rt","effect":"prevent","severity":"medium","message":"process nc denied in c0ffee"}]}
{"line":2,"effect":"alert","matches":[{"rule":"rt","effect":"alert","severity":"medium","message":"process sh -c id not allowed in web-1"}]}
{"line":3,"effect":"alert","matches":[{"rule":"rt","effect":"alert","severity":"medium","message":"process 4242 not allowed on host node-3"}]}
{"line":4,"effect":"prevent","matches":[{"rule":"rt","effect":"prevent","severity":"medium","message":"process /usr/bin/nc denied in app:1"}]}
{"line":5,"effect":"alert","matches":[{"rule":"rt","effect":"alert","severity":"medium","message":"process not allowed"}]}
{"line":6,"effect":"block","matches":[{"rule":"rt","effect":"block","severity":"medium","message":"connection to [2001:db8::5]:8000 denied in app:1"},{"rule":"fw","effect":"alert","severity":"medium","message":"connection app:1 -> [2001:db8::5]:8000 is not allowed by the firewall"}]}
{"line":7,"effect":"block","matches":[{"rule":"rt","effect":"block","severity":"medium","message":"connection to c2.example:8000 denied in c0ffee"},{"rule":"fw","effect":"alert","severity":"medium","message":"connection c0ffee -> c2.example:8000 is not allowed by the firewall"}]}
{"line":8,"effect":"block","matches":[{"rule":"rt","effect":"block","severity":"medium","message":"connection to port 8000 denied"},{"rule":"fw","effect":"alert","severity":"medium","message":"connection -> port 8000 is not allowed by the firewall"}]}
{"line":9,"effect":"prevent","matches":[{"rule":"fw","effect":"prevent","severity":"medium","message":"connection 10.0.0.9 (c0ffee) -> 10.99.0.5:5432 matched firewall entry"}]}
{"line":10,"effect":"prevent","matches":[{"rule":"fw","effect":"prevent","severity":"medium","message":"connection 10.0.0.7 -> 10.99.0.5:5432 (db:16) matched firewall entry"}]}
{"line":11,"effect":"prevent","matches":[{"rule":"fw","effect":"prevent","severity":"medium","message":"connection 10.0.0.9 (front:1) -> 10.99.0.5:80 (beef) matched firewall entry"}]}
{"line":12,"effect":"alert","matches":[{"rule":"fw","effect":"alert","severity":"medium","message":"connection fd00::9 (node-3) -> [fd00::5]:443 (api.example) is not allowed by the firewall"}]}
{"line":13,"effect":"block","matches":[{"rule":"rt","effect":"block","severity":"medium","message":"connection to [2001:db8::7]:4444 denied"},{"rule":"fw","effect":"alert","severity":"medium","message":"connection -> [2001:db8::7]:4444 is not allowed by the firewall"},{"rule":"own","effect":"alert","severity":"medium","message":"to [2001:db8::7]:4444 then 2001:db8::7"}]}
