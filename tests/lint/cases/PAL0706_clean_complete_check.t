%%POLICY
check "C1" {
  title       "Runs as root"
  severity    high
  remediation "Add a USER instruction."
  fail when image.config.user == "root"
}
%%EXPECT
