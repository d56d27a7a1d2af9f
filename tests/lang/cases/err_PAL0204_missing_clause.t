# A rule without `when` and a check without `fail when` are PAL0204
# errors; a check without a title is a PAL0204 warning; so is a runtime
# block without sections.
%%POLICY
rule "no when" {
  on process
  effect prevent
}
check "no fail" {
  title "t"
}
check "no title" {
  fail when image.os == "linux"
}
runtime "empty" {
  scope container.image.name == "a"
}
%%ERRORS
policy.pal:1:6: error[PAL0204]: rule 'no when' has no `when` condition
policy.pal:5:7: error[PAL0204]: check 'no fail' has no `fail when` condition
policy.pal:8:7: warning[PAL0204]: check 'no title' has no title
policy.pal:11:9: warning[PAL0204]: runtime 'empty' has no sections
