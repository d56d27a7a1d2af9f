# A stray character is PAL0103; && || ! are reported with a hint and read
# as and/or/not, so the rest of the rule is still checked (the misspelt
# field is reported too).
%%POLICY
rule "r" {
  on process
  when process.name == "a" && process.pid == 1 || !exists(process.args) $
       or process.nme == "b"
}
%%ERRORS
policy.pal:3:28: error[PAL0103]: '&&' is not an operator
policy.pal:3:48: error[PAL0103]: '||' is not an operator
policy.pal:3:51: error[PAL0103]: '!' is not an operator
policy.pal:3:73: error[PAL0103]: unexpected character '$'
policy.pal:4:11: error[PAL0301]: unknown field 'process.nme'
%%HINT
write 'and'
