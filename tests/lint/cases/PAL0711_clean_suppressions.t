# Suppressions on the line above, at the end of the line, for a whole file,
# and of two codes at once; each suppresses a finding.
%%POLICY
// palisade:ignore PAL0701 kept for the next release
list spare = ["zsh"]
list also_spare = ["ksh"] // palisade:ignore PAL0701 the same
rule "r" {
  on process
  // palisade:ignore PAL0709,PAL0703 the team prefers regexes
  when process.name matches '^sh$' and process.pid != process.pid
}
%%POLICY other.pal
// palisade:ignore-file PAL0706 checks here are drafts
check "draft" {
  fail when image.os == "linux"
}
%%EXPECT
