# Recovery: two independent syntax errors in two declarations of one file
# are both reported, with no cascade, and the declarations between and after
# them are still checked (the unknown field in the last rule).
%%POLICY
rule "one" {
  on process
  when process.name == == "a"
}
rule "fine" {
  on process
  when process.name == "b"
}
check "two" {
  title "t"
  fail when image.os in ["linux" "windows"]
}
rule "three" {
  on process
  when process.nam == "c"
}
%%ERRORS
policy.pal:3:24: error[PAL0201]: unexpected ==
policy.pal:11:34: error[PAL0201]: unexpected string, expected ']'
policy.pal:15:8: error[PAL0301]: unknown field 'process.nam'
