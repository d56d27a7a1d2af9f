# An attribute a declaration does not accept is PAL0205 (a misspelt
# `severity` must not be silently ignored).
%%POLICY
rule "r" {
  on process
  when process.name == "a"
  severty high
}
check "c" {
  title "t"
  colour "red"
  fail when image.os == "linux"
}
%%ERRORS
policy.pal:4:3: error[PAL0205]: unknown attribute 'severty'
policy.pal:8:3: error[PAL0205]: unknown attribute 'colour'
