# Windows of the tolerance or more: nothing to say.
%%POLICY
sequence "s" {
  within 2s
  step { on process when process.name == "a" }
  step { on process when process.name == "b" }
}

rule "r" {
  on process
  when process.name == "n"
  count >= 3 within 1h
}
%%EXPECT
%%EXIT 0
