# Each builtin takes one argument (PAL0310); feed takes one constant string.
%%POLICY
list l = feed(process.name)
rule "r" {
  on process
  when lower(process.name, "x") == "a" or exists() or len() == 1
}
%%ERRORS
policy.pal:1:10: error[PAL0310]: feed() takes one string: the feed's file name
policy.pal:4:8: error[PAL0310]: lower() takes 1 argument, not 2
policy.pal:4:43: error[PAL0310]: exists() takes 1 argument, not 0
policy.pal:4:55: error[PAL0310]: len() takes 1 argument, not 0
