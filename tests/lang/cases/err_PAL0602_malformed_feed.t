# Malformed feeds are PAL0602: a JSON feed that is not an array, a JSON
# item without a string, invalid YAML.
%%FILE feeds/obj.json
{"a": "b"}
%%FILE feeds/items.json
["ok", 5]
%%FILE feeds/bad.yaml
- a
- [b
%%POLICY
list a = feed("obj.json")
list b = feed("items.json")
list c = feed("bad.yaml")
%%ERRORS
policy.pal:1:10: error[PAL0602]: feed feeds/obj.json is not a JSON array
policy.pal:2:10: error[PAL0602]: feed feeds/items.json: item 1 has no string value
policy.pal:3:10: error[PAL0602]: feed feeds/bad.yaml:3:1: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 2); check the indentation and quoting there
