# A decision's effect is the strongest of its matches (allow < alert <
# prevent < block), allow when nothing matched; every match is listed, in
# program order (files in path order, declarations in source order); allow
# entries of runtime sections and firewalls never appear as matches.
%%POLICY b.pal
rule "b-alert"   { on process  when process.name in ["a", "ab", "abc"]  effect alert }
%%POLICY a.pal
rule "a-block"   { on process  when process.name == "abc"  effect block }
rule "a-prevent" { on process  when process.name in ["ab", "abc"]  effect prevent }
runtime "rt" {
  process {
    allow "a", "ab", "abc", "ok"
    deny "abc" effect alert
    default effect prevent
  }
}
%%EVENTS
{"event":{"category":["process"]},"container":{"image":{"name":"i:1"}},"process":{"executable":"/bin/a","name":"a"}}
{"event":{"category":["process"]},"container":{"image":{"name":"i:1"}},"process":{"executable":"/bin/ab","name":"ab"}}
{"event":{"category":["process"]},"container":{"image":{"name":"i:1"}},"process":{"executable":"/bin/abc","name":"abc"}}
{"event":{"category":["process"]},"container":{"image":{"name":"i:1"}},"process":{"executable":"/bin/ok","name":"ok"}}
{"event":{"category":["process"]},"container":{"image":{"name":"i:1"}},"process":{"executable":"/bin/zz","name":"zz"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"b-alert","effect":"alert","severity":"medium","message":"b-alert"}]}
{"line":2,"effect":"prevent","matches":[{"rule":"a-prevent","effect":"prevent","severity":"medium","message":"a-prevent"},{"rule":"b-alert","effect":"alert","severity":"medium","message":"b-alert"}]}
{"line":3,"effect":"block","matches":[{"rule":"a-block","effect":"block","severity":"medium","message":"a-block"},{"rule":"a-prevent","effect":"prevent","severity":"medium","message":"a-prevent"},{"rule":"rt","effect":"alert","severity":"medium","message":"process /bin/abc denied in i:1"},{"rule":"b-alert","effect":"alert","severity":"medium","message":"b-alert"}]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"prevent","matches":[{"rule":"rt","effect":"prevent","severity":"medium","message":"process /bin/zz not allowed in i:1"}]}
