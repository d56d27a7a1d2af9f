# Rule, check, runtime and firewall names are unique across the repository:
# duplicates across two files are PAL0304, the hint names the first.
%%POLICY a.pal
rule "same" { on process  when process.name == "a" }
check "C-1" { title "t" fail when image.os == "linux" }
%%POLICY b/b.pal
runtime "same" { process { deny "b" } }
firewall "C-1" { default effect alert }
%%ERRORS
b/b.pal:1:9: error[PAL0304]: 'same' is declared twice
b/b.pal:2:10: error[PAL0304]: 'C-1' is declared twice
%%HINT
the first is at a.pal:1:6
