# A junk token inside a declaration: unexpected X, expected the tokens that
# may follow.
%%POLICY
rule "r" {
  on process
  when process.name == "a" )
}
%%ERRORS
policy.pal:3:28: error[PAL0201]: unexpected ')', expected name, when, on, effect, count or '}'
