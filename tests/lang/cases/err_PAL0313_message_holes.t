# Message holes: an unclosed '{' and a hole that is not a name are
# PAL0313; `{{` is a literal brace.
%%POLICY
rule "a" {
  on process
  when process.name == "a"
  message "{{ok}} {process.pid + 1}"
}
check "c" {
  title "t"
  fail when image.os == "linux"
  message "runs as {image.config.user"
}
%%ERRORS
policy.pal:4:19: error[PAL0313]: invalid message hole '{process.pid + 1}'
policy.pal:9:20: error[PAL0313]: unclosed '{' in message
%%HINT
holes hold a field name
