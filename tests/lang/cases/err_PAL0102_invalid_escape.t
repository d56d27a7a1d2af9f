# An unknown escape is PAL0102, pointing at the backslash, with a hint to
# double the backslash or use a raw string: the usual Windows-path slip.
%%POLICY
rule "r" {
  on process
  when process.executable == "C:\Windows\cmd.exe"
}
%%ERRORS
policy.pal:3:33: error[PAL0102]: unknown escape '\W'
policy.pal:3:41: error[PAL0102]: unknown escape '\c'
%%HINT
or use a raw string 'C:\Windows'
