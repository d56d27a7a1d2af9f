# `=` in a condition is PAL0201 with the hint "use == to compare", and is
# read as == so the rest is checked.
%%POLICY
rule "r" {
  on process
  when process.name = "cmd.exe" and process.pd == 1
}
%%ERRORS
policy.pal:3:21: error[PAL0201]: unexpected '=' in a condition
policy.pal:3:37: error[PAL0301]: unknown field 'process.pd'
%%HINT
use == to compare
