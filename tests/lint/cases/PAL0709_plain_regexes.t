# Regexes with nothing a regex is needed for.
%%POLICY
rule "r" {
  on process
  when process.name matches '^cmd\.exe$'
       or process.command_line matches "curl"
       or process.command_line matches '^wget.*'
       or process.executable matches '.*\.ps1$'
       or process.executable matches '^/tmp/.*\.sh$'
       or process.command_line matches ".*"
}
%%EXPECT
policy.pal:3:29: warning[PAL0709]: this regex is a plain string comparison
policy.pal:4:40: warning[PAL0709]: this regex is a plain substring test
policy.pal:5:40: warning[PAL0709]: this regex is a plain substring test
policy.pal:6:38: warning[PAL0709]: this regex is a plain substring test
policy.pal:7:38: warning[PAL0709]: this regex is a glob
policy.pal:8:40: warning[PAL0709]: this regex matches every string
