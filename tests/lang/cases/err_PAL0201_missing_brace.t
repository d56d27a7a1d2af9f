# A rule missing its closing brace: the error names the next declaration's
# keyword and what was expected; the following rule is still parsed (its
# own mistake is reported too).
%%POLICY
rule "a" {
  on process
  when process.name == "a"

rule "b" {
  on process
  when process.nme == "b"
}
%%ERRORS
policy.pal:5:1: error[PAL0201]: unexpected rule, expected name, when, on, effect, count or '}'
policy.pal:7:8: error[PAL0301]: unknown field 'process.nme'
