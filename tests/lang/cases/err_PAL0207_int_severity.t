# A number as a severity is PAL0207, and the message shows what was
# written.
%%POLICY
check "c" {
  title "t"
  severity 5
  fail when image.os == "linux"
}
%%ERRORS
policy.pal:3:12: error[PAL0207]: unknown severity '5'
