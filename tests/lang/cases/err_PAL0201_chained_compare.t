# Comparisons do not chain: a == b == c is a syntax error.
%%POLICY
rule "r" {
  on process
  when process.pid == 1 == true
}
%%ERRORS
policy.pal:3:25: error[PAL0201]: unexpected ==, expected name, when, on, effect, count or '}'
