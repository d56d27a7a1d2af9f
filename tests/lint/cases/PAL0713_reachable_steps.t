# Steps that only look unreachable: an until like a step but of other kinds,
# a condition that holds sometimes, a step that repeats another.
%%POLICY
sequence "fine" {
  by host.name
  within 1m
  step { on process when process.name == "a" }
  step { on process when process.name == "a" }
  step { on dns when process.name == "b" }
  until { on process when process.name == "b" }
}
%%EXPECT
%%EXIT 0
