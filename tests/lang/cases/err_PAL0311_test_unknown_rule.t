# A test expecting a decision by an unknown rule is PAL0311.
%%POLICY
rule "cmd" { on process  when process.name == "cmd.exe"  effect prevent }
test "t" {
  given process { name: "cmd.exe" }
  expect prevent by "cmd.exe rule"
}
%%ERRORS
policy.pal:4:10: error[PAL0311]: test expects a decision by unknown rule 'cmd.exe rule'
