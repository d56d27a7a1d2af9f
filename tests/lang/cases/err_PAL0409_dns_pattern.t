# DNS patterns: `*` only as the whole first label (or alone); anything
# else is PAL0409, right of `in` with a domain, in dns sections, in `to dns`.
%%POLICY
rule "r" {
  on dns
  when dns.question.name in ["a*.example.com", "*.ok.com"]
}
runtime "rt" {
  dns { deny "www.*.com" }
}
firewall "fw" {
  deny from any to dns "*foo.com"
}
%%ERRORS
policy.pal:3:30: error[PAL0409]: invalid domain pattern: '*' is only allowed as the whole first label, as in "*.example.com"
policy.pal:6:14: error[PAL0409]: invalid domain pattern: '*' is only allowed as the whole first label, as in "*.example.com"
policy.pal:9:24: error[PAL0409]: invalid domain pattern: '*' must be a whole label, as in "*.example.com"
