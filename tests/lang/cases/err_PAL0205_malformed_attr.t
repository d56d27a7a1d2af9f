# A message that is not a string, and a frameworks entry that is not
# `name: "control"`, are PAL0205.
%%POLICY
rule "r" {
  on process
  when process.name == "a"
  message 42
}
check "c" {
  title "t"
  frameworks { cis_docker: 4 }
  fail when image.os == "linux"
}
%%ERRORS
policy.pal:4:11: error[PAL0205]: a message is a string
policy.pal:8:16: error[PAL0205]: a framework reference is `name: "control"`
