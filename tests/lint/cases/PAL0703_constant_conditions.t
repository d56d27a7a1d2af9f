# Conditions that fold to a constant, through macros, contradictions and
# tautologies, and constant parts of larger conditions.
%%POLICY
macro debug = false
macro limit = 10 * 2
rule "never: macro" {
  on process
  when process.name == "a" and debug
}
rule "never: two values" {
  on process
  when process.name == "a" and process.pid == 1 and process.name == "b"
}
rule "always: p or not p" {
  on process
  when exists(process.pid) or not exists(process.pid)
}
rule "part: always true" {
  on process
  when process.name == "a" and limit > 5
}
check "C" {
  title "t"
  severity low
  remediation "r"
  fail when count(p in image.packages: p.name == "x") < 0
}
runtime "rt" {
  scope container.image.name in []
  process {
    deny "sh"
  }
}
%%EXPECT
policy.pal:5:8: warning[PAL0703]: 'process.name == "a" and debug' is never true: the rule never matches
policy.pal:9:8: warning[PAL0703]: 'process.name == "a" and process.pid == 1 and process.name...' is never true: its parts contradict each other
policy.pal:13:8: warning[PAL0703]: 'exists(process.pid) or not exists(process.pid)' is always true
policy.pal:17:32: warning[PAL0703]: 'limit > 5' is always true here, so it changes nothing
policy.pal:23:13: warning[PAL0703]: 'count(p in image.packages: p.name == "x") < 0' is never true: the check never fails
policy.pal:26:9: warning[PAL0703]: 'container.image.name in []' is never true: the block never applies
