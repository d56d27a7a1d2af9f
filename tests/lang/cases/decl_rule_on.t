# `on` restricts a rule to its kinds: the same process.name on a process,
# network, dns and file event; only the kinds listed match.
%%POLICY
rule "proc only" {
  on process
  when process.name == "curl"
}
rule "net and dns" {
  on network, dns
  when process.name == "curl"
  effect prevent
  severity high
  message "{process.name} talks to {destination.ip}"
}
%%EVENTS
{"event":{"category":["process"]},"process":{"name":"curl"}}
{"event":{"category":["network"]},"process":{"name":"curl"},"destination":{"ip":"9.9.9.9","port":443}}
{"event":{"category":["network"]},"network":{"protocol":"dns"},"process":{"name":"curl"},"dns":{"question":{"name":"example.com"}}}
{"event":{"category":["file"]},"process":{"name":"curl"},"file":{"path":"/tmp/x"}}
{"event":{"category":["process"]},"process":{"name":"wget"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"proc only","effect":"alert","severity":"medium","message":"proc only"}]}
{"line":2,"effect":"prevent","matches":[{"rule":"net and dns","effect":"prevent","severity":"high","message":"curl talks to 9.9.9.9"}]}
{"line":3,"effect":"prevent","matches":[{"rule":"net and dns","effect":"prevent","severity":"high","message":"curl talks to <undefined>"}]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"allow","matches":[]}
