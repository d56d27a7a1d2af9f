# `on` takes process, network, dns or file; a misspelt kind is a syntax
# error (kinds are keywords).
%%POLICY
rule "r" {
  on proces
  when process.name == "a"
}
%%ERRORS
policy.pal:2:6: error[PAL0201]: unexpected name, expected process, network, dns or file
