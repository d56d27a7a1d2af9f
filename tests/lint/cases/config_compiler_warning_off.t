# Compiler warnings take levels too; the --fail-level flag beats the file.
%%POLICY
runtime "rt" {
  process {
    allow "sh"
  }
}
%%FILE .palisade.yaml
fail-level: warning
levels:
  PAL0204: off
%%ARGS
--fail-level error .
%%EXPECT
%%EXIT 0
