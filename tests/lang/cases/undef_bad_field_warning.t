# A field of the wrong type is undefined, and the decision says which field
# could not be read; the event is still decided.
%%POLICY
rule "port" {
  on network
  when destination.port in [4444, 6667] or not exists(destination.port)
  effect alert
  message "port {destination.port}"
}
%%EVENTS
{"event":{"category":["network"]},"destination":{"ip":"10.0.0.1","port":"abc"}}
{"event":{"category":["network"]},"destination":{"ip":"10.0.0.1","port":4444}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"port","effect":"alert","severity":"medium","message":"port <undefined>"}],"warning":"destination.port: expected a number, got a string"}
{"line":2,"effect":"alert","matches":[{"rule":"port","effect":"alert","severity":"medium","message":"port 4444"}]}
