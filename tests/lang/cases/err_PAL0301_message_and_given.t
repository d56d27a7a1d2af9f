# Unknown fields in a message hole and in a test's given keys are PAL0301;
# the hint is the nearest field, written as the key would be in its group.
%%POLICY
rule "r" {
  on process
  when process.name == "a"
  message "{process.nmae} ran"
}
test "t" {
  given process { nam: "a" }
  expect alert by "r"
}
%%ERRORS
policy.pal:4:12: error[PAL0301]: unknown field 'process.nmae'
policy.pal:7:19: error[PAL0301]: unknown field 'process.nam'
%%HINT
did you mean 'process.name'?
did you mean 'name'?
