# A check reads the image inventory: an event field is PAL0302.
%%POLICY
check "c" {
  title "t"
  fail when process.name == "sh"
}
%%ERRORS
policy.pal:3:13: error[PAL0302]: 'process.name' is an event field, and checks run on an image inventory
%%HINT
checks read image.*
