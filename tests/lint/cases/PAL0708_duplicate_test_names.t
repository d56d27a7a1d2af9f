# Two tests with one name: reports and --run cannot tell them apart.  Files
# are read in path order, so the one in policy.pal is the second.
%%POLICY
rule "r" {
  on process
  when process.name == "sh"
}
test "shell" {
  given process { name: "sh" }
  expect alert by "r"
}
%%POLICY other.pal
test "shell" {
  given process { name: "bash" }
  expect allow by "r"
}
%%EXPECT
policy.pal:5:6: error[PAL0708]: test "shell" is declared twice
