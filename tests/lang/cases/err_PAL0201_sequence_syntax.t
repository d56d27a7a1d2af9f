# `count` takes >= or > only; a step holds on, when and by.
%%POLICY
rule "r" {
  on process
  when process.name == "a"
  count < 3 within 1m
}
sequence "s" {
  within 1m
  step { on process when process.name == "a" severity high }
  step { on process when process.name == "b" }
}
%%ERRORS
policy.pal:4:9: error[PAL0201]: unexpected <, expected distinct, > or >=
policy.pal:8:46: error[PAL0201]: unexpected name, expected when, on, by or '}'
