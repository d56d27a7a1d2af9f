# count over an undefined collection is undefined (/tmp/semantics.md), so
# both `count(...) == 0` and `count(...) != 0` are false; over an empty
# defined collection it is 0.
%%POLICY
check "count undef eq"  { title "t" fail when count(u in image.users: true) == 0 }
check "count undef ne"  { title "t" fail when count(u in image.users: true) != 0 }
check "count empty"     { title "t" fail when count(g in image.groups: true) == 0 }
%%INVENTORY
{"image":{"os":"linux","config":{"user":"app"}},"files":[],"packages":[],"groups":[]}
%%EXPECT
{"checks":[{"id":"count undef eq","status":"pass","findings":[]},{"id":"count undef ne","status":"pass","findings":[]},{"id":"count empty","status":"fail","findings":[{"severity":"medium","message":"count empty failed"}]}]}
