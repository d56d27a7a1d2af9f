# A registry event given to a process rule: the rule never sees it, so
# `expect allow` cannot fail (the kind is told from the given groups as
# from the fields of an event, SPEC 15: registry before process).
%%POLICY
rule "no reg.exe" {
  on process
  when process.name == "reg.exe"
}
test "run key by reg.exe" {
  given registry { path: "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\x" } process { name: "reg.exe" }
  expect allow by "no reg.exe"
}
rule "run key" {
  on registry
  when registry.path like "*\\Run\\*"
}
test "run key written" {
  given registry { path: "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\x" }
  expect alert by "run key"
}
%%EXPECT
policy.pal:7:10: warning[PAL0710]: test "run key by reg.exe" cannot fail
