# The shape of a correlation: 2 to 16 steps, a window in range, step names
# unique, every step joining on as many fields as the first, a count in
# range; and `within` is required (PAL0204).
%%POLICY
sequence "one step" {
  within 1m
  step { on process when process.name == "a" }
}
sequence "no window" {
  step { on process when process.name == "a" }
  step { on process when process.name == "b" }
}
sequence "twins" {
  within 0ms
  step x { on process when process.name == "a" }
  step x { on process when process.name == "b" }
}
sequence "uneven joins" {
  within 1m
  step { on process when process.name == "a" by host.name }
  step { on process when process.name == "b" by host.name, user.name }
}
rule "too many" {
  on process
  when process.name == "a"
  count >= 1001 within 1m
}
%%ERRORS
policy.pal:1:10: error[PAL0315]: sequence 'one step' has 1 step
policy.pal:5:10: error[PAL0204]: sequence 'no window' has no `within` window
policy.pal:10:10: error[PAL0315]: window of 0 ms is out of range
policy.pal:12:8: error[PAL0315]: a second step named 'x'
policy.pal:17:49: error[PAL0315]: this step joins on 2 fields, the first step on 1
policy.pal:22:3: error[PAL0315]: count of 1001 is out of range
