# `on` takes the event kinds (SPEC 15): process, network, dns, file (keywords)
# and registry, library, authentication, configuration (names); a misspelt
# kind is a syntax error, with the nearest kind as a hint.
%%POLICY
rule "r" {
  on proces
  when process.name == "a"
}
%%ERRORS
policy.pal:2:6: error[PAL0201]: 'proces' is not an event kind
