# Without `on`, fields of kinds that no event carries together are PAL0302
# (hint: split the rule).
%%POLICY
rule "r" {
  when file.path == "/etc/passwd" and dns.question.name == "x.com"
}
%%ERRORS
policy.pal:2:39: error[PAL0302]: 'dns.question.name' is not carried by the same kind of event as the other fields of this rule
%%HINT
split the rule
