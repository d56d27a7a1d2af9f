# Windows shorter than the 2 s tolerance for late events, in a sequence and
# in counting rules; 2 s itself is fine.
%%POLICY
sequence "fast" {
  within 500ms
  step { on process when process.name == "a" }
  step { on process when process.name == "b" }
}

rule "burst" {
  on process
  when process.name == "n"
  count >= 3 within 1999ms
}

rule "distinct burst" {
  on network
  when network.direction == "outbound"
  count distinct destination.port >= 10 by source.ip within 1s
}

rule "fine" {
  on process
  when process.name == "n"
  count >= 3 within 2s
}
%%EXPECT
policy.pal:2:10: warning[PAL0714]: the window (500ms) is shorter than the 2000 ms tolerance for late events: which events it holds depends on the order they arrive in, not only on their times
policy.pal:10:21: warning[PAL0714]: the window (1999ms) is shorter than the 2000 ms tolerance for late events: which events it holds depends on the order they arrive in, not only on their times
policy.pal:16:61: warning[PAL0714]: the window (1000ms) is shorter than the 2000 ms tolerance for late events: which events it holds depends on the order they arrive in, not only on their times
%%EXIT 1
