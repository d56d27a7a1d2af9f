# Group keys no step sets: a step that requires its own join field to be
# absent (it joins no chain), through the sequence's `by` and its own; and
# a sequence `by` that every step (and the until) replaces.  A step's `by`
# over the sequence's, with the sequence's still used by another step, is
# fine.
%%POLICY
sequence "absent" {
  by host.name
  within 1m
  step { on process when process.name == "a" and not exists(host.name) }
  step { on process when not exists(user.name) by user.name }
}

sequence "replaced" {
  by host.name
  within 1m
  step { on process when process.name == "sh" by process.pid }
  step { on network when network.direction == "outbound" by process.pid }
}

sequence "fine" {
  by host.name
  within 1m
  step { on process when process.name == "sh" by process.executable }
  step { on network when network.direction == "outbound" }
}
%%EXPECT
policy.pal:4:50: warning[PAL0715]: 'not exists(host.name)': step 1 requires its join field 'host.name' to be absent, but an event without its join fields takes part in no chain
policy.pal:5:26: warning[PAL0715]: 'not exists(user.name)': step 2 requires its join field 'user.name' to be absent, but an event without its join fields takes part in no chain
policy.pal:9:6: warning[PAL0715]: the sequence's 'by' is never used: every step gives its own
%%EXIT 1
