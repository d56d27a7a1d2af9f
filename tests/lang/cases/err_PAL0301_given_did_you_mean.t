# A misspelt given key gets the nearest field as its hint, as it is written
# in its group (`config.user` in `image { ... }`, `path` in an element of
# `files`); a key with no near field (the group's prefix written twice)
# keeps the hint that groups prefix their keys.
%%POLICY
check "c" {
  title "t"
  fail when image.config.user == "root"
}
test "user" {
  given image { config.usr: "root" }
  expect fail
}
test "files" {
  given image { files: [ { pth: "/bin/su" } ] }
  expect pass
}
test "prefix" {
  given process { process.name: "sh" }
  expect allow
}
%%ERRORS
policy.pal:6:17: error[PAL0301]: unknown field 'image.config.usr'
policy.pal:10:28: error[PAL0301]: unknown field 'image.files[].pth'
policy.pal:14:19: error[PAL0301]: unknown field 'process.process.name'
%%HINT
did you mean 'config.user'?
did you mean 'path'?
given groups prefix their keys
