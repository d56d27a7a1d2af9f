# A regex that does not compile is PAL0406, pointing at the offset PCRE2
# reports, with the offset in the message.
%%POLICY
rule "r" {
  on process
  when process.command_line matches 'ab(c' or process.name matches '[z-a]'
}
%%ERRORS
policy.pal:3:42: error[PAL0406]: invalid regex: missing closing parenthesis (at offset 4)
policy.pal:3:72: error[PAL0406]: invalid regex: range out of order in character class (at offset 3)
%%HINT
regexes are PCRE2
