# A join or counted field holds one value of the event: not a list, not a
# macro; a field the step's kinds do not carry is PAL0302, and join fields
# of one position have one type (PAL0401).
%%POLICY
macro hostname = host.name
sequence "joins" {
  within 1m
  step { on process when process.name == "a" by process.args }
  step { on process when process.name == "b" by process.args }
}
sequence "by macro" {
  within 1m
  by hostname
  step { on process when process.name == "a" }
  step { on process when process.name == "b" }
}
sequence "kinds" {
  within 1m
  by dns.question.name
  step { on process when process.name == "a" }
  step { on dns when dns.question.name == "x.example" }
}
sequence "types" {
  within 1m
  step { on process when process.name == "a" by process.pid }
  step { on process when process.name == "b" by user.name }
}
rule "count a list" {
  on process
  when process.name == "a"
  count distinct process.args >= 3 within 1m
}
%%ERRORS
policy.pal:4:49: error[PAL0316]: 'process.args' cannot join events: it is not an event field holding one value
policy.pal:5:49: error[PAL0316]: 'process.args' cannot join events: it is not an event field holding one value
policy.pal:9:6: error[PAL0316]: 'hostname' cannot join events: it is not an event field holding one value
policy.pal:15:6: error[PAL0302]: 'dns.question.name' is never set in the events this rule runs on
policy.pal:22:49: error[PAL0401]: 'user.name' is a string; the first step joins on an int here
policy.pal:27:18: error[PAL0316]: 'process.args' cannot be counted: it is not an event field holding one value
