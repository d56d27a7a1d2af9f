# Type mismatches are PAL0401: an int compared with a string, ordering
# bools, a string in a list of ints, an int in a list of strings, a string
# operator on an int, a given value of the wrong type.
%%POLICY
rule "r" {
  on process
  when process.pid == "1"
    or (exists(process.name) < true)
    or process.name in [1, 2]
    or process.pid in ["1"]
    or process.pid contains "1"
}
test "t" {
  given process { pid: "42" }
  expect alert by "r"
}
%%ERRORS
policy.pal:3:20: error[PAL0401]: cannot compare an int with a string
policy.pal:4:30: error[PAL0401]: bools have no order
policy.pal:5:25: error[PAL0401]: a path cannot equal a number or address
policy.pal:6:24: error[PAL0401]: an int cannot equal a string
policy.pal:7:20: error[PAL0401]: string operators need strings, not an int and a string
policy.pal:10:24: error[PAL0401]: 'process.pid' is an int
