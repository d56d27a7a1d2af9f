# Without `on`, a rule's kinds are inferred from the fields it reads: only
# common fields -> every kind; destination.port -> network and dns;
# dns.question.name -> dns; file.path -> file.
%%POLICY
rule "any kind" {
  when process.name == "curl"
}
rule "net or dns" {
  when destination.port == 53
}
rule "dns only" {
  when dns.question.name == "example.com" or process.name == "curl"
}
rule "file only" {
  when file.path startswith "/tmp" or process.name == "curl"
}
%%EVENTS
{"event":{"category":["process"]},"process":{"name":"curl"}}
{"event":{"category":["network"]},"process":{"name":"curl"},"destination":{"ip":"9.9.9.9","port":53}}
{"event":{"category":["network"]},"network":{"protocol":"dns"},"process":{"name":"curl"},"destination":{"port":53},"dns":{"question":{"name":"example.com"}}}
{"event":{"category":["file"]},"process":{"name":"curl"},"file":{"path":"/tmp/x"}}
{"event":{"category":["file"]},"process":{"name":"vi"},"file":{"path":"/etc/x"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"any kind","effect":"alert","severity":"medium","message":"any kind"}]}
{"line":2,"effect":"alert","matches":[{"rule":"any kind","effect":"alert","severity":"medium","message":"any kind"},{"rule":"net or dns","effect":"alert","severity":"medium","message":"net or dns"}]}
{"line":3,"effect":"alert","matches":[{"rule":"any kind","effect":"alert","severity":"medium","message":"any kind"},{"rule":"net or dns","effect":"alert","severity":"medium","message":"net or dns"},{"rule":"dns only","effect":"alert","severity":"medium","message":"dns only"}]}
{"line":4,"effect":"alert","matches":[{"rule":"any kind","effect":"alert","severity":"medium","message":"any kind"},{"rule":"file only","effect":"alert","severity":"medium","message":"file only"}]}
{"line":5,"effect":"allow","matches":[]}
