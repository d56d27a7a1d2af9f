# A remediation by OS names linux or windows, each with a string; anything
# else is PAL0205 (a typo would otherwise leave the check with no fix text).
%%POLICY
check "c" {
  title "t"
  remediation { linux: "USER app", macos: "USER app", windows: 3 }
  fail when image.os == "linux"
}
%%ERRORS
policy.pal:3:36: error[PAL0205]: a remediation by OS is `linux: "text"` or `windows: "text"`
policy.pal:3:55: error[PAL0205]: a remediation by OS is `linux: "text"` or `windows: "text"`
