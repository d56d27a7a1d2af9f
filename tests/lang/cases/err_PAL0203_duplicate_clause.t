# A clause or attribute given twice is PAL0203: a second `when`, `on`,
# severity, a second `fail when`, a second runtime section, a second scope,
# a second default.
%%POLICY
rule "r" {
  on process
  on network
  when process.name == "a"
  when process.name == "b"
  severity high
  severity low
}
check "c" {
  title "t"
  fail when image.os == "linux"
  fail when image.os == "windows"
}
runtime "rt" {
  scope container.image.name == "a"
  scope container.image.name == "b"
  process { deny "a" }
  process { deny "b" }
  dns { allow "*.a.com" default effect alert default effect prevent }
}
%%ERRORS
policy.pal:3:3: error[PAL0203]: a rule has one 'on' clause
policy.pal:5:3: error[PAL0203]: a rule has one 'when' condition
policy.pal:7:3: error[PAL0203]: 'severity' is given twice
policy.pal:12:3: error[PAL0203]: a check has one 'fail when' condition
policy.pal:16:3: error[PAL0203]: a runtime block has one scope
policy.pal:18:3: error[PAL0203]: a second process section in one runtime block
policy.pal:19:46: error[PAL0203]: a section has one default
