# Conditions that only look constant: `not x` and `x != v` differ on
# undefined, two values of one field under `or`, strings that may match
# without case, a count compared with 0.
%%POLICY
macro debug = true
rule "a" {
  on process
  when process.name == "a" or process.name == "b"
}
rule "b" {
  on process
  when process.name != process.parent.name and not (process.pid == 1)
}
rule "c" {
  on process
  when process.name == "CMD.EXE" and process.name == "cmd.exe"
}
rule "d" {
  on process
  when debug and process.name == "x"
}
check "C" {
  title "t"
  severity low
  remediation "r"
  fail when count(p in image.packages: p.name == "x") > 0
}
%%EXPECT
