# `in` with a domain on the left: the list holds DNS patterns. "*.x.com"
# matches names with at least one more label, at any depth, not x.com nor
# x.com.evil.net nor badx.com; no case; one trailing dot ignored; "*" is
# every name; an exact pattern matches only itself.
%%POLICY
rule "wild"    { on dns  when dns.question.name in ["*.google.com"] }
rule "exact"   { on dns  when dns.question.name in ["google.com"] }
rule "both"    { on dns  when dns.question.name in ["google.com", "*.google.com"] }
rule "star"    { on dns  when dns.question.name in ["*"] }
rule "notin"   { on dns  when dns.question.name not in ["*.google.com"] }
rule "dest"    { on network  when destination.domain in ["*.example.org"] }
%%EVENTS
{"event":{"category":["network"]},"network":{"protocol":"dns"},"dns":{"question":{"name":"www.google.com"}}}
{"event":{"category":["network"]},"network":{"protocol":"dns"},"dns":{"question":{"name":"A.B.Google.COM."}}}
{"event":{"category":["network"]},"network":{"protocol":"dns"},"dns":{"question":{"name":"google.com"}}}
{"event":{"category":["network"]},"network":{"protocol":"dns"},"dns":{"question":{"name":"google.com.evil.net"}}}
{"event":{"category":["network"]},"network":{"protocol":"dns"},"dns":{"question":{"name":"badgoogle.com"}}}
{"event":{"category":["network"]},"destination":{"ip":"1.2.3.4","port":443,"domain":"api.EXAMPLE.org"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"wild","effect":"alert","severity":"medium","message":"wild"},{"rule":"both","effect":"alert","severity":"medium","message":"both"},{"rule":"star","effect":"alert","severity":"medium","message":"star"}]}
{"line":2,"effect":"alert","matches":[{"rule":"wild","effect":"alert","severity":"medium","message":"wild"},{"rule":"both","effect":"alert","severity":"medium","message":"both"},{"rule":"star","effect":"alert","severity":"medium","message":"star"}]}
{"line":3,"effect":"alert","matches":[{"rule":"exact","effect":"alert","severity":"medium","message":"exact"},{"rule":"both","effect":"alert","severity":"medium","message":"both"},{"rule":"star","effect":"alert","severity":"medium","message":"star"},{"rule":"notin","effect":"alert","severity":"medium","message":"notin"}]}
{"line":4,"effect":"alert","matches":[{"rule":"star","effect":"alert","severity":"medium","message":"star"},{"rule":"notin","effect":"alert","severity":"medium","message":"notin"}]}
{"line":5,"effect":"alert","matches":[{"rule":"star","effect":"alert","severity":"medium","message":"star"},{"rule":"notin","effect":"alert","severity":"medium","message":"notin"}]}
{"line":6,"effect":"alert","matches":[{"rule":"dest","effect":"alert","severity":"medium","message":"dest"}]}
