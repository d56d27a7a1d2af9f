# An allow entry is checked like a deny entry even when its section has no
# default: `outbound` in a file section is PAL0314 (the section also gets
# the no-default warning).
%%POLICY
runtime "rt" {
  file { allow outbound "/tmp/**" }
}
%%ERRORS
policy.pal:2:10: error[PAL0314]: this entry does not fit a file section
policy.pal:2:3: warning[PAL0204]: this file section allows entries but has no default, so it never reports anything
