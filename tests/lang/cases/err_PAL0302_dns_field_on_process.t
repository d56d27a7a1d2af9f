# `on process` with a dns field: PAL0302, with a hint naming the kind that
# carries it; also through a macro (reported at the macro).
%%POLICY
macro q = dns.question.name == "x.com"
rule "r" {
  on process
  when dns.question.name == "evil.com" or q
}
%%ERRORS
policy.pal:4:8: error[PAL0302]: 'dns.question.name' is never set in the events this rule runs on
policy.pal:1:11: error[PAL0302]: 'dns.question.name' is never set in the events this rule runs on
%%HINT
'dns.question.name' is in dns events
