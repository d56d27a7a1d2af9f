# domain fields always compare without case and ignore one trailing dot
# (/tmp/semantics.md: "domain (DNS name, always case-insensitive, trailing
# dot ignored)"): ==, != and endswith alike.
%%POLICY
rule "eq"      { on dns  when dns.question.name == "www.Example.com" }
rule "ne"      { on dns  when dns.question.name != "www.example.com." }
rule "ends"    { on dns  when dns.question.name endswith ".example.com" }
rule "dest"    { on network  when destination.domain == "api.example.com" }
%%EVENTS
{"event":{"category":["network"]},"network":{"protocol":"dns"},"dns":{"question":{"name":"WWW.EXAMPLE.COM."}}}
{"event":{"category":["network"]},"network":{"protocol":"dns"},"dns":{"question":{"name":"www.example.com"}}}
{"event":{"category":["network"]},"network":{"protocol":"dns"},"dns":{"question":{"name":"example.com"}}}
{"event":{"category":["network"]},"destination":{"ip":"1.2.3.4","port":443,"domain":"API.example.com."}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"eq","effect":"alert","severity":"medium","message":"eq"},{"rule":"ends","effect":"alert","severity":"medium","message":"ends"}]}
{"line":2,"effect":"alert","matches":[{"rule":"eq","effect":"alert","severity":"medium","message":"eq"},{"rule":"ends","effect":"alert","severity":"medium","message":"ends"}]}
{"line":3,"effect":"alert","matches":[{"rule":"ne","effect":"alert","severity":"medium","message":"ne"}]}
{"line":4,"effect":"alert","matches":[{"rule":"dest","effect":"alert","severity":"medium","message":"dest"}]}
