# A test that gives nothing, and one that expects a firewall (network events
# only) to allow a process event: neither can fail.
%%POLICY
firewall "fw" {
  default effect alert
}
rule "r" {
  on process
  when process.name == "sh"
}
test "nothing given" {
  given process { }
  expect allow
}
test "a process event past a firewall" {
  given process { name: "sh" }
  expect allow by "fw"
}
test "r alerts" {
  given process { name: "sh" }
  expect alert by "r"
}
%%EXPECT
policy.pal:8:6: warning[PAL0710]: test "nothing given" gives no input
policy.pal:14:10: warning[PAL0710]: test "a process event past a firewall" cannot fail
