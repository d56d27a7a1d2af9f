# An unknown field of a quantifier variable is PAL0301 with the nearest
# field of its record as a hint; a field of a scalar variable too.
%%POLICY
check "c" {
  title "t"
  fail when any f in image.files: f.pth == "/etc/shadow"
}
check "d" {
  title "t"
  fail when any t in image.tags: t.name == "x"
}
%%ERRORS
policy.pal:3:35: error[PAL0301]: unknown file 'pth'
policy.pal:7:34: error[PAL0301]: 't' is a string and has no fields
%%HINT
did you mean 'path'?
