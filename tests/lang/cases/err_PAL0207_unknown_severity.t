# Unknown severities are PAL0207, in rules, checks and runtime blocks.
%%POLICY
rule "r" {
  on process
  when process.name == "a"
  severity urgent
}
check "c" {
  title "t"
  severity severe
  fail when image.os == "linux"
}
runtime "rt" {
  severity "high!"
  process { deny "a" }
}
%%ERRORS
policy.pal:4:12: error[PAL0207]: unknown severity 'urgent'
policy.pal:8:12: error[PAL0207]: unknown severity 'severe'
policy.pal:12:12: error[PAL0207]: unknown severity 'high!'
%%HINT
severities are info, low, medium, high and critical
