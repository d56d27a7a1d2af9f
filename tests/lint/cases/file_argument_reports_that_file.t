# Linting one file of a repo: the repo is read whole (the list is used in
# b.pal), and only the file's own findings are shown.
%%POLICY a.pal
list shells = ["sh"]
list spare_a = ["x"]
%%POLICY b.pal
list spare_b = ["y"]
rule "r" {
  on process
  when process.name in shells
}
%%FILE .palisade.yaml
fail-level: warning
%%ARGS
a.pal
%%EXPECT
a.pal:2:6: warning[PAL0701]: list 'spare_a' is never used
