# A suppression that names no code, and one that suppresses nothing.
%%POLICY
// palisade:ignore because
list spare = ["zsh"]
// palisade:ignore PAL0709 not a regex here
rule "r" {
  on process
  when process.name == "sh"
}
%%EXPECT
policy.pal:1:1: warning[PAL0711]: this palisade:ignore comment names no code
policy.pal:2:6: warning[PAL0701]
policy.pal:3:1: warning[PAL0711]: this palisade:ignore comment suppresses nothing (PAL0709)
