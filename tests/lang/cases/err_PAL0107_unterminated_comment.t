# An unterminated /* comment is PAL0107 at its start.
%%POLICY
rule "r" { on process when process.name == "a" }
/* a comment
   that never ends
rule "s" { on process when process.name == "b" }
%%ERRORS
policy.pal:2:1: error[PAL0107]: unterminated /* comment
