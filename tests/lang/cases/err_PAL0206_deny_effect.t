# `effect deny` says that deny is not an effect and lists the effects, in a
# rule, a deny entry, a section default, a firewall and a test's expect.
%%POLICY
rule "r" {
  on process
  when process.name == "a"
  effect deny
}
runtime "rt" {
  process { deny "a" effect deny  default effect deny }
}
firewall "fw" {
  deny from any to any effect deny
}
test "t" {
  given process { name: "a" }
  expect deny
}
%%ERRORS
policy.pal:4:10: error[PAL0206]: 'deny' is not an effect
policy.pal:7:29: error[PAL0206]: 'deny' is not an effect
policy.pal:7:50: error[PAL0206]: 'deny' is not an effect
policy.pal:10:31: error[PAL0206]: 'deny' is not an effect
policy.pal:14:10: error[PAL0206]: 'deny' is not an effect
%%HINT
the effects are allow, alert, prevent and block
