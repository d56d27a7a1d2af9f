# `expect allow` and `expect fail` are valid test outcomes (semantics:
# expect allow|alert|prevent|block|pass|fail), though allow and fail are
# keywords.
%%POLICY
rule "cmd" {
  on process
  when process.name == "cmd.exe"
}
check "C1" {
  title "root user"
  fail when image.config.user == "root"
}
test "notepad is allowed" {
  given process { name: "notepad.exe" }
  expect allow by "cmd"
}
test "a root image fails" {
  given image { os: "linux", config.user: "root" }
  expect fail by "C1"
}
%%ERRORS
