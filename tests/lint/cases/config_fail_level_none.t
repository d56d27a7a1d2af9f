%%POLICY
list spare = ["zsh"]
rule "r" {
  on process
  when process.name == "sh"
}
%%FILE .palisade.yaml
fail-level: none
%%EXPECT
policy.pal:1:6: warning[PAL0701]
%%EXIT 0
