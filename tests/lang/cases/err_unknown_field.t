%%POLICY
rule "r" {
  on process
  when proces.name == "cmd.exe"
}
%%ERRORS
policy.pal:3:8: error[PAL0301]: unknown field 'proces.name'
%%HINT
did you mean 'process.name'?
