# List items, `like` patterns and regexes must be constants (PAL0413).
%%POLICY
list a = ["x", process.name]
rule "r" {
  on process
  when process.name like process.executable or process.name matches process.command_line
}
%%ERRORS
policy.pal:1:16: error[PAL0413]: list items must be constants
policy.pal:4:26: error[PAL0413]: a `like` pattern must be a constant
policy.pal:4:69: error[PAL0413]: a regex must be a constant string
