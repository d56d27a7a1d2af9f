%%POLICY
rule "r" {
  on process
  when process.name == "sh"
}
test "sh alerts" {
  given process { name: "sh" }
  expect alert by "r"
}
test "bash does not" {
  given process { name: "bash" }
  expect allow by "r"
}
%%EXPECT
