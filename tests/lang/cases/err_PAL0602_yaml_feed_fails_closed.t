# A YAML feed the compiler cannot read is a compile error, never a feed
# that silently yields nothing: a feed nested deeper than the YAML reader's
# limit once made every rule using it vanish while build exited 0 (a
# `prevent cmd.exe` rule disappeared and cmd.exe was allowed). Also a
# mapping where a list belongs, and a list item with no scalar.
%%FILE feeds/deep.yaml
- [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
%%FILE feeds/map.yaml
shells: cmd.exe
%%FILE feeds/nested.yaml
- [a, b]
%%FILE feeds/ok.yml
- cmd.exe
- name: powershell.exe
%%POLICY
list deep = feed("deep.yaml")
list map = feed("map.yaml")
list nested = feed("nested.yaml")
rule "shells" { on process  when process.name in deep effect prevent }
rule "map" { on process  when process.name in map effect prevent }
rule "nested" { on process  when process.name in nested effect prevent }
rule "ok" { on process  when process.name in feed("ok.yml") effect prevent }
%%ERRORS
policy.pal:1:13: error[PAL0602]: feed feeds/deep.yaml:1:10: nested deeper than 8 levels
policy.pal:2:12: error[PAL0602]: feed feeds/map.yaml is not a YAML list
policy.pal:3:15: error[PAL0602]: feed feeds/nested.yaml:1:3: item 0 has no scalar value
