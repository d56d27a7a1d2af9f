# `in` / `not in` with ints: ints and inclusive ranges lo..hi, negative
# ints, a list name; ranges are not only for ports.
%%POLICY
list web = [80, 443, 8000..8080]
rule "lit"     { on network  when destination.port in [22, 80] }
rule "range"   { on network  when destination.port in [8000..8080] }
rule "named"   { on network  when destination.port in web }
rule "notin"   { on network  when destination.port not in web }
rule "pid"     { on network  when process.pid in [1..100, -1] }
%%EVENTS
{"event":{"category":["network"]},"destination":{"ip":"1.1.1.1","port":80},"process":{"pid":1}}
{"event":{"category":["network"]},"destination":{"ip":"1.1.1.1","port":8000},"process":{"pid":100}}
{"event":{"category":["network"]},"destination":{"ip":"1.1.1.1","port":8080},"process":{"pid":101}}
{"event":{"category":["network"]},"destination":{"ip":"1.1.1.1","port":8081},"process":{"pid":-1}}
{"event":{"category":["network"]},"destination":{"ip":"1.1.1.1","port":7999},"process":{"pid":0}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"lit","effect":"alert","severity":"medium","message":"lit"},{"rule":"named","effect":"alert","severity":"medium","message":"named"},{"rule":"pid","effect":"alert","severity":"medium","message":"pid"}]}
{"line":2,"effect":"alert","matches":[{"rule":"range","effect":"alert","severity":"medium","message":"range"},{"rule":"named","effect":"alert","severity":"medium","message":"named"},{"rule":"pid","effect":"alert","severity":"medium","message":"pid"}]}
{"line":3,"effect":"alert","matches":[{"rule":"range","effect":"alert","severity":"medium","message":"range"},{"rule":"named","effect":"alert","severity":"medium","message":"named"}]}
{"line":4,"effect":"alert","matches":[{"rule":"notin","effect":"alert","severity":"medium","message":"notin"},{"rule":"pid","effect":"alert","severity":"medium","message":"pid"}]}
{"line":5,"effect":"alert","matches":[{"rule":"notin","effect":"alert","severity":"medium","message":"notin"}]}
