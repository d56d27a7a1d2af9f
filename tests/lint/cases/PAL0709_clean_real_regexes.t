# Classes, alternation, quantifiers, flags and escapes like \b need a regex.
%%POLICY
rule "r" {
  on process
  when process.name matches '(?i)^cmd\.exe$'
       or process.command_line matches '\bcurl\b'
       or process.command_line matches '^(wget|curl) '
       or process.command_line matches '-[eE]nc'
       or process.command_line matches '^a.b$'
       or process.command_line matches '[0-9]+'
}
%%EXPECT
