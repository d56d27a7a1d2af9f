# A list nothing uses, a macro nothing uses, and a list used only by that macro.
%%POLICY
list shells = ["sh", "bash"]
list spare = ["zsh"]
list only_for_dead = ["ksh"]
macro dead = process.name in only_for_dead

rule "Shell" {
  on process
  when process.name in shells
}
%%EXPECT
policy.pal:2:6: warning[PAL0701]: list 'spare' is never used
policy.pal:3:6: warning[PAL0701]: list 'only_for_dead' is used only by lists or macros that nothing uses
policy.pal:4:7: warning[PAL0701]: macro 'dead' is never used
