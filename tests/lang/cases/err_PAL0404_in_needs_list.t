# `in` needs a list on its right (PAL0404); a list compared as a value is
# a type mismatch.
%%POLICY
list shells = ["sh"]
rule "r" {
  on process
  when process.name in process.executable or process.pid in 5
}
rule "s" {
  on process
  when shells == "sh"
}
%%ERRORS
policy.pal:4:24: error[PAL0404]: `in` needs a list on its right, not a path
policy.pal:4:61: error[PAL0404]: `in` needs a list on its right, not an int
policy.pal:8:15: error[PAL0401]: cannot compare a list of string with a string
