# The file ends inside a declaration: unexpected end of file, with a hint
# that a } or ) may be missing.
%%POLICY
rule "r" {
  on process
  when (process.name == "a"
%%ERRORS
policy.pal:3:28: error[PAL0201]: unexpected end of file, expected ')'
%%HINT
a '}' or ')' may be missing above
