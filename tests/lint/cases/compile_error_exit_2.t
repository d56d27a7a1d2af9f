# A policy that does not compile: its errors are findings, exit 2.
%%POLICY
rule "r" {
  on process
  when process.nmae == "sh"
}
%%EXPECT
policy.pal:3:8: error[PAL0301]
%%EXIT 2
