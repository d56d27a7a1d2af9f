# Against an ip field a list holds addresses and CIDRs, as literals or as
# strings ("strings allowed"): IPv4 literals and IPv6 strings mix in one
# list, also in a runtime network entry.
%%POLICY
list bad = [198.51.100.0/24, "2001:db8::/32", 192.0.2.7]
rule "in"  { on network  when destination.ip in bad }
rule "lit" { on network  when destination.ip in [10.0.0.0/8, "fd00::/8"] }
runtime "rt" {
  network { deny outbound ip bad, "203.0.113.0/24" effect block }
}
%%EVENTS
{"event":{"category":["network"]},"network":{"direction":"outbound"},"destination":{"ip":"198.51.100.9","port":1}}
{"event":{"category":["network"]},"network":{"direction":"outbound"},"destination":{"ip":"2001:db8::5","port":1}}
{"event":{"category":["network"]},"network":{"direction":"outbound"},"destination":{"ip":"fd00::1","port":1}}
{"event":{"category":["network"]},"network":{"direction":"outbound"},"destination":{"ip":"203.0.113.1","port":1}}
%%EXPECT
{"line":1,"effect":"block","matches":[{"rule":"in","effect":"alert","severity":"medium","message":"in"},{"rule":"rt","effect":"block","severity":"medium","message":"connection to 198.51.100.9:1 denied"}]}
{"line":2,"effect":"block","matches":[{"rule":"in","effect":"alert","severity":"medium","message":"in"},{"rule":"rt","effect":"block","severity":"medium","message":"connection to [2001:db8::5]:1 denied"}]}
{"line":3,"effect":"alert","matches":[{"rule":"lit","effect":"alert","severity":"medium","message":"lit"}]}
{"line":4,"effect":"block","matches":[{"rule":"rt","effect":"block","severity":"medium","message":"connection to 203.0.113.1:1 denied"}]}
