# A hole naming a whole record (the quantifier variable itself) is PAL0313.
%%POLICY
check "b" {
  title "t"
  fail when any f in image.files: f.setuid
  message "{f} is setuid"
}
%%ERRORS
policy.pal:4:12: error[PAL0313]: a message cannot show a whole record of file
%%HINT
name one of its fields
