# A quantifier variable named like a list or macro of the package is
# PAL0312.
%%POLICY
list shells = ["sh"]
macro f = true
check "c" {
  title "t"
  fail when any f in image.files: f.setuid
}
rule "r" {
  on process
  when any shells in process.args: shells == "-c"
}
%%ERRORS
policy.pal:5:13: error[PAL0312]: variable 'f' hides a list or macro of the same name
policy.pal:9:8: error[PAL0312]: variable 'shells' hides a list or macro of the same name
