# Join fields the steps have: a test that a field exists is fine, and so
# is a step's own `by` beside the sequence's when another step uses it; a
# field required absent that is not a join field is fine too.
%%POLICY
sequence "s" {
  by host.name
  within 1m
  step { on process when process.name == "a" and exists(host.name) and not exists(user.name) }
  step { on process when process.name == "b" by host.os.type }
  step { on process when process.name == "c" }
}
%%EXPECT
%%EXIT 0
