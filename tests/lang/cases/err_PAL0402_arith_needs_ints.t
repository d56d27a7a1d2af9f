# Arithmetic and unary minus need ints (PAL0402); there is no string
# concatenation.
%%POLICY
rule "r" {
  on process
  when process.name + "x" == "ax" or -process.name == "a"
}
%%ERRORS
policy.pal:3:21: error[PAL0402]: arithmetic needs ints, not a path and a string
policy.pal:3:38: error[PAL0402]: '-' needs an int, not a path
