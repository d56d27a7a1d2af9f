# Non-ASCII text outside strings and comments is PAL0103 (inside them it is
# fine).
%%POLICY
// café is fine in a comment
rule "r" {
  on process
  when process.name == "café" →
}
%%ERRORS
policy.pal:4:31: error[PAL0103]: unexpected non-ASCII character
