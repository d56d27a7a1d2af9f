# A rule or deny entry cannot have effect allow (effects of matches are
# alert, prevent or block; allow is only for `expect`).
%%POLICY
rule "r" {
  on process
  when process.name == "a"
  effect allow
}
runtime "rt" {
  process { deny "a" effect allow }
}
%%ERRORS
policy.pal:7:29: error[PAL0206]: unknown effect 'allow'
policy.pal:4:10: error[PAL0206]: unknown effect 'allow'
