# There are no fractions: 1.5s is one invalid number (PAL0105, "write 1.5s
# as 1500ms"), not a stray '.' followed by a syntax error.
%%POLICY
rule "r" {
  on process
  when process.pid == 1.5s
}
%%ERRORS
policy.pal:3:23: error[PAL0105]: invalid number '1.5s'
