# A message hole naming a field the rule's kinds do not carry is PAL0302.
%%POLICY
rule "s" {
  on process
  when process.name == "a"
  message "{file.path}"
}
%%ERRORS
policy.pal:4:12: error[PAL0302]: 'file.path' is never set in the events this rule runs on
