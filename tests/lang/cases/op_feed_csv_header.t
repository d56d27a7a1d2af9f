# A CSV feed's header row is skipped when its first cell is not a valid
# value for the use: "address" is not an IP, so a feed of addresses with an
# "address,comment" header works against an ip field. Also .yml.
%%FILE feeds/ips.csv
address,comment
203.0.113.0/24,"test net"
%%FILE feeds/names.yml
- evil.exe
- "nc"
%%POLICY
rule "ips"   { on network  when destination.ip in feed("ips.csv") }
rule "names" { on process  when process.name in feed("names.yml") }
%%EVENTS
{"event":{"category":["network"]},"destination":{"ip":"203.0.113.5","port":1}}
{"event":{"category":["process"]},"process":{"name":"nc"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"ips","effect":"alert","severity":"medium","message":"ips"}]}
{"line":2,"effect":"alert","matches":[{"rule":"names","effect":"alert","severity":"medium","message":"names"}]}
