# A string must close on its line (PAL0101); the next line still parses.
%%POLICY
rule "r" {
  on process
  when process.name == "cmd.exe
}
%%ERRORS
policy.pal:3:24: error[PAL0101]: unterminated string
%%HINT
close the string with " on the same line
