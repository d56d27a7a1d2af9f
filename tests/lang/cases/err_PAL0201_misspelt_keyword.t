# A misspelt keyword reads as a name, so the parser stops later (after
# `whne process.name`, at `==`); the hint names the keyword it was near.
%%POLICY
rule "r" {
  on process
  whne process.name == "x"
}
check "c" {
  title "t"
  fail wehn image.os == "linux"
}
%%POLICY other.pal
rul "r2" {
  on process
  when process.name == "y"
}
%%ERRORS
other.pal:1:1: error[PAL0201]: unexpected name
policy.pal:3:21: error[PAL0201]: unexpected ==, expected name, when, on, effect, count or '}'
policy.pal:7:8: error[PAL0201]: unexpected name, expected when
%%HINT
'whne' is not a keyword: did you mean 'when'?
'rul' is not a keyword: did you mean 'rule'?
'wehn' is not a keyword: did you mean 'when'?
