# An event test expects an effect and names a rule, runtime or firewall
# block; an inventory test expects pass or fail and names a check
# (PAL0206 for the outcome, PAL0311 for the `by`).
%%POLICY
rule "r" { on process when process.name == "x" effect alert }
check "C" { title "t" fail when image.os == "x" }
test "a" { given process { name: "x" } expect fail }
test "b" { given process { name: "x" } expect pass by "r" }
test "c" { given image { os: "x" } expect alert }
test "d" { given process { name: "x" } expect alert by "C" }
test "e" { given image { os: "x" } expect fail by "r" }
%%ERRORS
policy.pal:3:47: error[PAL0206]: an event test expects an effect, not fail
policy.pal:4:47: error[PAL0206]: an event test expects an effect, not pass
policy.pal:5:43: error[PAL0206]: an inventory test expects pass or fail
policy.pal:6:47: error[PAL0311]: 'C' is a check: it runs on images, not events
policy.pal:7:43: error[PAL0311]: 'r' decides events, not images
