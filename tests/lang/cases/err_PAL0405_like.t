# `like` and `matches` need a string on the left; `like` patterns are
# strings (PAL0405).
%%POLICY
rule "r" {
  on process
  when process.pid like "1*" or process.args matches "x" or process.name like [1, 2]
}
%%ERRORS
policy.pal:3:8: error[PAL0405]: `like` needs a string on its left, not an int
policy.pal:3:33: error[PAL0405]: `matches` needs a string on its left, not a list of string
policy.pal:3:80: error[PAL0405]: `like` patterns are strings
