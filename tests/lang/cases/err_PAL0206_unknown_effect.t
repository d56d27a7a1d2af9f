# Unknown effects are PAL0206: in a rule, a deny entry, a section default,
# a firewall entry and default. (Entries' effects are checked by the
# parser, the rule's by the generator: the rule's comes last.)
%%POLICY
rule "r" {
  on process
  when process.name == "a"
  effect stop
}
runtime "rt" {
  process { deny "a" effect kill  default effect denied }
}
firewall "fw" {
  deny from any to any effect drop
  default effect nope
}
%%ERRORS
policy.pal:7:29: error[PAL0206]: unknown effect 'kill'
policy.pal:7:50: error[PAL0206]: unknown effect 'denied'
policy.pal:10:31: error[PAL0206]: unknown effect 'drop'
policy.pal:11:18: error[PAL0206]: unknown effect 'nope'
policy.pal:4:10: error[PAL0206]: unknown effect 'stop'
%%HINT
effects are allow, alert, prevent and block
