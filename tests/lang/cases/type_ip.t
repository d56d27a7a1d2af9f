# ip values: == with literals and strings (IPv6 as strings), ordering
# within one family; an IPv4 and an IPv6 address are not ordered (false).
%%POLICY
rule "eq4"    { on network  when destination.ip == 192.0.2.1 }
rule "eq6"    { on network  when destination.ip == "2001:db8::1" }
rule "lt"     { on network  when destination.ip < 192.0.2.10 }
rule "ge6"    { on network  when destination.ip >= "2001:db8::" }
rule "src"    { on network  when source.ip != destination.ip }
%%EVENTS
{"event":{"category":["network"]},"source":{"ip":"192.0.2.1"},"destination":{"ip":"192.0.2.1","port":1}}
{"event":{"category":["network"]},"source":{"ip":"192.0.2.1"},"destination":{"ip":"192.0.2.9","port":1}}
{"event":{"category":["network"]},"source":{"ip":"192.0.2.1"},"destination":{"ip":"2001:DB8:0::1","port":1}}
{"event":{"category":["network"]},"source":{"ip":"192.0.2.1"},"destination":{"ip":"192.0.2.200","port":1}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"eq4","effect":"alert","severity":"medium","message":"eq4"},{"rule":"lt","effect":"alert","severity":"medium","message":"lt"}]}
{"line":2,"effect":"alert","matches":[{"rule":"lt","effect":"alert","severity":"medium","message":"lt"},{"rule":"src","effect":"alert","severity":"medium","message":"src"}]}
{"line":3,"effect":"alert","matches":[{"rule":"eq6","effect":"alert","severity":"medium","message":"eq6"},{"rule":"ge6","effect":"alert","severity":"medium","message":"ge6"},{"rule":"src","effect":"alert","severity":"medium","message":"src"}]}
{"line":4,"effect":"alert","matches":[{"rule":"src","effect":"alert","severity":"medium","message":"src"}]}
