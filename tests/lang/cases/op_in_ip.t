# `in` with IPs: a CIDR literal, a list of addresses and CIDRs, strings
# (IPv4 and IPv6) parsed at compile time, a list name; an IPv4 address is
# never in an IPv6 prefix; == with an address string; IPv4-mapped IPv6 is
# IPv4.
%%POLICY
list internal = [10.0.0.0/8, 192.168.0.0/16, 127.0.0.1]
list v6 = ["fe80::/10", "::1"]
rule "cidr"      { on network  when destination.ip in 10.0.0.0/8 }
rule "list"      { on network  when destination.ip in [172.16.0.0/12, 8.8.8.8] }
rule "named"     { on network  when destination.ip in internal }
rule "strings"   { on network  when destination.ip in ["10.0.0.0/8", "fe80::/10"] }
rule "v6"        { on network  when destination.ip in v6 }
rule "eq"        { on network  when destination.ip == "::1" or destination.ip == 8.8.8.8 }
rule "notin"     { on network  when destination.ip not in internal }
%%EVENTS
{"event":{"category":["network"]},"destination":{"ip":"10.1.2.3","port":1}}
{"event":{"category":["network"]},"destination":{"ip":"8.8.8.8","port":1}}
{"event":{"category":["network"]},"destination":{"ip":"fe80::1","port":1}}
{"event":{"category":["network"]},"destination":{"ip":"::1","port":1}}
{"event":{"category":["network"]},"destination":{"ip":"127.0.0.1","port":1}}
{"event":{"category":["network"]},"destination":{"ip":"::ffff:10.0.0.1","port":1}}
{"event":{"category":["network"]},"destination":{"ip":"172.31.255.255","port":1}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"cidr","effect":"alert","severity":"medium","message":"cidr"},{"rule":"named","effect":"alert","severity":"medium","message":"named"},{"rule":"strings","effect":"alert","severity":"medium","message":"strings"}]}
{"line":2,"effect":"alert","matches":[{"rule":"list","effect":"alert","severity":"medium","message":"list"},{"rule":"eq","effect":"alert","severity":"medium","message":"eq"},{"rule":"notin","effect":"alert","severity":"medium","message":"notin"}]}
{"line":3,"effect":"alert","matches":[{"rule":"strings","effect":"alert","severity":"medium","message":"strings"},{"rule":"v6","effect":"alert","severity":"medium","message":"v6"},{"rule":"notin","effect":"alert","severity":"medium","message":"notin"}]}
{"line":4,"effect":"alert","matches":[{"rule":"v6","effect":"alert","severity":"medium","message":"v6"},{"rule":"eq","effect":"alert","severity":"medium","message":"eq"},{"rule":"notin","effect":"alert","severity":"medium","message":"notin"}]}
{"line":5,"effect":"alert","matches":[{"rule":"named","effect":"alert","severity":"medium","message":"named"}]}
{"line":6,"effect":"alert","matches":[{"rule":"cidr","effect":"alert","severity":"medium","message":"cidr"},{"rule":"named","effect":"alert","severity":"medium","message":"named"},{"rule":"strings","effect":"alert","severity":"medium","message":"strings"}]}
{"line":7,"effect":"alert","matches":[{"rule":"list","effect":"alert","severity":"medium","message":"list"},{"rule":"notin","effect":"alert","severity":"medium","message":"notin"}]}
