# Hexadecimal and octal literals are 64-bit signed too: larger ones are
# PAL0105, like decimal ones (not silently wrapped to -1).
%%POLICY
rule "r" {
  on process
  when process.pid == 0xffffffffffffffff or process.pid == 0o7777777777777777777777
}
%%ERRORS
policy.pal:3:23: error[PAL0105]: integer '0xffffffffffffffff' is too large
policy.pal:3:60: error[PAL0105]: integer '0o7777777777777777777777' is too large
