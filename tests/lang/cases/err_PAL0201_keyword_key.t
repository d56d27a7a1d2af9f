# Any other keyword as a given key is an error that says to quote it (the
# key is then read as quoted, so the rest of the test is still checked:
# `file` is no field of a process either).
%%POLICY
test "t" {
  given process { name: "sh", file: "x", "in": 1 }
  expect allow
}
%%ERRORS
policy.pal:2:31: error[PAL0201]: 'file' is a keyword, not a key
policy.pal:2:31: error[PAL0301]: unknown field 'process.file'
policy.pal:2:42: error[PAL0301]: unknown field 'process.in'
%%HINT
quote the key: "file"
