# A condition must be a bool (PAL0403): a bare int field, a string, an int
# under `not`, in a scope and in a quantifier body.
%%POLICY
rule "r" {
  on process
  when process.pid
}
check "c" {
  title "t"
  fail when not image.config.user
}
runtime "rt" {
  scope container.image.name
  process { deny "sh" }
}
check "d" {
  title "t"
  fail when any f in image.files: f.path
}
%%ERRORS
policy.pal:3:8: error[PAL0403]: expected a condition, got an int
policy.pal:7:17: error[PAL0403]: expected a condition, got a string
policy.pal:10:9: error[PAL0403]: expected a condition, got a string
policy.pal:15:35: error[PAL0403]: expected a condition, got a path
