# Every mistake is reported, not only the first: an error in one rule does
# not hide a bad message hole in a later rule, and two bad holes in one
# message are both reported.
%%POLICY
rule "a" {
  on process
  when process.nme == "a"
}
rule "b" {
  on process
  when process.name == "b"
  message "{process.nam} {dns.question.name}"
}
%%ERRORS
policy.pal:3:8: error[PAL0301]: unknown field 'process.nme'
policy.pal:8:12: error[PAL0301]: unknown field 'process.nam'
policy.pal:8:26: error[PAL0302]: 'dns.question.name' is never set in the events this rule runs on
