# A typo in the configuration is an error, not a silently ignored line.
%%POLICY
list spare = ["zsh"]
%%FILE .palisade.yaml
levels:
  PAL0799: off
%%EXPECT
%%EXIT 2
