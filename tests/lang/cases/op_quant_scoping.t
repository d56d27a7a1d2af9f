# Quantifier scoping: an inner variable with the outer's name hides it
# (the inner collection x.members is read before the inner x is bound, and
# the message sees the top-level variable); `not any ...`; the call form
# any(u in C: body) at the top level is per-element too.
%%POLICY
check "shadow" { title "t" fail when any x in image.groups: any x in x.members: x == "bob"  message "{x.name}" }
check "notany" { title "t" fail when not any f in image.files: f.setuid }
check "ucall"  { title "t" fail when any(u in image.users: u.uid == 0)  message "{u.name} is root" }
%%INVENTORY
{"image":{"os":"linux","config":{"user":"app"}},"files":[{"path":"/a","setuid":false}],"packages":[],"users":[{"name":"root","uid":0},{"name":"app","uid":1000},{"name":"toor","uid":0}],"groups":[{"name":"docker","members":["bob"]},{"name":"x","members":["al"]}]}
%%EXPECT
{"checks":[{"id":"shadow","status":"fail","findings":[{"severity":"medium","message":"docker"}]},{"id":"notany","status":"fail","findings":[{"severity":"medium","message":"notany failed"}]},{"id":"ucall","status":"fail","findings":[{"severity":"medium","message":"root is root"},{"severity":"medium","message":"toor is root"}]}]}
