# A quantifier over something that is not a list or collection is PAL0410.
%%POLICY
rule "r" {
  on process
  when any c in process.name: c == "a"
}
check "c" {
  title "t"
  fail when count(x in image.os: true) > 1
}
%%ERRORS
policy.pal:3:17: error[PAL0410]: cannot iterate over a path
policy.pal:7:24: error[PAL0410]: cannot iterate over a string
%%HINT
quantify over a collection
