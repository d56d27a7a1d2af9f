# A raw string must close on its line too.
%%POLICY
rule "r" {
  on process
  when process.executable == 'C:\Windows\cmd.exe
}
%%ERRORS
policy.pal:3:30: error[PAL0101]: unterminated raw string
