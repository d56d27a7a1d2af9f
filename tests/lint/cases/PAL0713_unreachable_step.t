# Steps that never take part: a condition that is never true (constant, or
# contradicting itself), and a step whose events the until always cancels.
# A step that only looks like the until (other kinds, another condition) is
# fine.  (The macro is used: only by a step, which PAL0701 sees.)
%%POLICY
macro debug = false

sequence "never" {
  within 1m
  step a { on process when process.name == "a" and debug }
  step b { on process when process.pid == 1 and process.pid == 2 }
  step c { on process when process.name == "c" }
}

sequence "cancelled" {
  by host.name
  within 1m
  step { on process when process.name == "a" }
  step { on process when process.name == "reboot" }
  until { on process when process.name == "reboot" }
}

sequence "fine" {
  by host.name
  within 1m
  unordered
  step { on process when process.name == "a" }
  step { on dns when process.name == "b" }
  until { on process when process.name == "b" }
}
%%EXPECT
policy.pal:5:3: warning[PAL0713]: step 'a' never takes part: its condition is never true, so it and the steps after it are never reached
policy.pal:6:3: warning[PAL0713]: step 'b' never takes part: its condition is never true, so it and the steps after it are never reached
policy.pal:14:3: warning[PAL0713]: step 2 never takes part: every event it holds for also satisfies `until`, which cancels the chain, so the sequence never matches
%%EXIT 1
