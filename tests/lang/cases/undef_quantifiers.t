# Quantifiers over an undefined collection: any is false, all is false
# (the inventory lacks "users"; image.config.env is absent too); over a
# defined empty one all is true. A bool field that is absent counts as false
# in a condition, so `not u.locked` holds.
%%POLICY
check "any undef"  { title "t" fail when any u in image.users: true }
check "all undef"  { title "t" fail when all u in image.users: true }
check "all env"    { title "t" fail when all e in image.config.env: false }
check "all empty"  { title "t" fail when all g in image.groups: false }
check "not bool"   { title "t" fail when any f in image.files: not f.setuid  message "{f.path} setuid={f.setuid}" }
%%INVENTORY
{"image":{"os":"linux","config":{"user":"app"}},"files":[{"path":"/a"}],"packages":[],"groups":[]}
%%EXPECT
{"checks":[{"id":"any undef","status":"pass","findings":[]},{"id":"all undef","status":"pass","findings":[]},{"id":"all env","status":"pass","findings":[]},{"id":"all empty","status":"fail","findings":[{"severity":"medium","message":"all empty failed"}]},{"id":"not bool","status":"fail","findings":[{"severity":"medium","message":"/a setuid=<undefined>"}]}]}
