# .palisade.yaml turns a code off, raises another to error, and fails only on
# errors: the warning left does not fail the run.
%%POLICY
list spare = ["zsh"]
rule "r" {
  on process
  when process.name matches '^sh$'
}
check "C" {
  fail when image.os == "linux"
}
%%FILE .palisade.yaml
fail-level: error
levels:
  PAL0701: off
  PAL0709: error
%%EXPECT
policy.pal:4:29: error[PAL0709]
policy.pal:6:7: warning[PAL0706]
%%EXIT 1
