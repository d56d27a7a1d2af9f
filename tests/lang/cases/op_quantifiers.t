# any / all / count over inventory collections and list fields: nested
# quantifiers (the inner body sees the outer variable), the call form
# any(x in C: body), the body extending as far right as possible, empty
# collections (any false, all true, count 0), scalar variables over list
# fields ({t} in a message), per-element findings only for a top-level any.
%%POLICY
check "any nested"  { title "t" fail when image.os == "linux" and any f in image.files: f.setuid }
check "all users"   { title "t" fail when all u in image.users: u.locked or not u.empty_password }
check "all fails"   { title "t" fail when all u in image.users: u.uid == 0 }
check "count"       { title "t" fail when count(p in image.packages: p.ecosystem == "dpkg") == 2 }
check "nested"      { title "t" fail when any g in image.groups: any m in g.members: m == "bob" and g.name == "docker"
                      message "{g.name} has bob" }
check "call form"   { title "t" fail when any(u in image.users: u.uid == 0) or image.os == "windows" }
check "all call"    { title "t" fail when all(u in image.users: u.uid == 0) or image.os == "windows" }
check "extends"     { title "t" fail when any x in image.groups: x.gid == 999 or image.os == "linux"
                      message "{x.name}" }
check "extends empty" { title "t" fail when any h in image.history: h.empty_layer or image.os == "linux" }
check "empty any"   { title "t" fail when any(h in image.history: true) }
check "empty all"   { title "t" fail when all h in image.history: false }
check "empty count" { title "t" fail when count(h in image.history: true) == 0 }
check "list field"  { title "t" fail when any t in image.tags: t like "*:latest"
                      message "tag {t}" }
check "env"         { title "t" fail when any e in image.config.env: e.name matches '(?i)password'
                      message "{e.name}={e.value}" }
check "count all"   { title "t" fail when count(f in image.files: true) == 2 and count(t in image.tags: t startswith "web") == 2 }
%%INVENTORY
{"image":{"os":"linux","tags":["web:1","web:latest"],"history":[],
          "config":{"user":"app","env":[{"name":"DB_PASSWORD","value":"x"},{"name":"PATH","value":"/bin"}]}},
 "files":[{"path":"/bin/su","setuid":true,"uid":0},{"path":"/bin/ls","setuid":false,"uid":0}],
 "packages":[{"name":"a","ecosystem":"dpkg"},{"name":"b","ecosystem":"dpkg"},{"name":"c","ecosystem":"apk"}],
 "users":[{"name":"root","uid":0,"locked":false,"empty_password":false},{"name":"bob","uid":1000,"locked":true,"empty_password":true}],
 "groups":[{"name":"docker","gid":998,"members":["bob"]},{"name":"wheel","gid":10,"members":["root","bob"]}]}
%%EXPECT
{"checks":[{"id":"any nested","status":"fail","findings":[{"severity":"medium","message":"any nested failed"}]},{"id":"all users","status":"fail","findings":[{"severity":"medium","message":"all users failed"}]},{"id":"all fails","status":"pass","findings":[]},{"id":"count","status":"fail","findings":[{"severity":"medium","message":"count failed"}]},{"id":"nested","status":"fail","findings":[{"severity":"medium","message":"docker has bob"}]},{"id":"call form","status":"fail","findings":[{"severity":"medium","message":"call form failed"}]},{"id":"all call","status":"pass","findings":[]},{"id":"extends","status":"fail","findings":[{"severity":"medium","message":"docker"},{"severity":"medium","message":"wheel"}]},{"id":"extends empty","status":"pass","findings":[]},{"id":"empty any","status":"pass","findings":[]},{"id":"empty all","status":"fail","findings":[{"severity":"medium","message":"empty all failed"}]},{"id":"empty count","status":"fail","findings":[{"severity":"medium","message":"empty count failed"}]},{"id":"list field","status":"fail","findings":[{"severity":"medium","message":"tag web:latest"}]},{"id":"env","status":"fail","findings":[{"severity":"medium","message":"DB_PASSWORD=x"}]},{"id":"count all","status":"fail","findings":[{"severity":"medium","message":"count all failed"}]}],"revision":""}
