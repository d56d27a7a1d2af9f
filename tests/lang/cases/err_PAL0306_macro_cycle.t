# A macro that uses itself, directly or through others, is PAL0306, as is
# a list that contains itself.
%%POLICY
macro a = b and process.pid == 1
macro b = process.name == "x" or a
macro self = self
list l1 = ["x", l2]
list l2 = [l1]
rule "r" { on process  when a }
rule "s" { on process  when self }
%%ERRORS
policy.pal:4:17: error[PAL0306]: list 'l2' contains itself
policy.pal:5:12: error[PAL0306]: list 'l1' contains itself
policy.pal:2:34: error[PAL0306]: macro 'a' refers to itself
policy.pal:3:14: error[PAL0306]: macro 'self' refers to itself
%%HINT
a macro may not use itself
