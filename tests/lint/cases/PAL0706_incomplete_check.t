# Checks missing title, severity or remediation (the compiler's own warning
# for a missing title is folded into this one).
%%POLICY
check "C1" {
  fail when image.os == "linux"
}
check "C2" {
  title "Runs as root"
  severity high
  fail when image.config.user == "root"
}
%%EXPECT
policy.pal:1:7: warning[PAL0706]: check "C1" has no title, severity, remediation
policy.pal:4:7: warning[PAL0706]: check "C2" has no remediation
