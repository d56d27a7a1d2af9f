# A rule's defaults: effect alert, severity medium, message = the rule name.
# Falco-style severity aliases: warning = medium, error = high; info, low,
# critical as written.
%%POLICY
rule "defaults" {
  on process
  when process.name == "a"
}
rule "warning alias" {
  on process
  when process.name == "a"
  severity warning
  effect block
}
rule "error alias" {
  on process
  when process.name == "a"
  severity error
  effect prevent
  message "ran {process.name} as {user.name}"
}
rule "info" {
  on process
  when process.name == "a"
  severity info
  mitre "T1059"
  tags ["x", "y"]
  description "an informational rule"
}
rule "critical" {
  on process
  when process.name == "a"
  severity critical
  message "{{literal braces}} {process.name}"
}
rule "low" {
  on process
  when process.name == "a"
  severity low
}
%%EVENTS
{"event":{"category":["process"]},"process":{"name":"a"},"user":{"name":"root"}}
%%EXPECT
{"line":1,"effect":"block","matches":[{"rule":"defaults","effect":"alert","severity":"medium","message":"defaults"},{"rule":"warning alias","effect":"block","severity":"medium","message":"warning alias"},{"rule":"error alias","effect":"prevent","severity":"high","message":"ran a as root"},{"rule":"info","effect":"alert","severity":"info","message":"info"},{"rule":"critical","effect":"alert","severity":"critical","message":"{literal braces} a"},{"rule":"low","effect":"alert","severity":"low","message":"low"}]}
