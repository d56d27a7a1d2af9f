# runtime process section: a value with / matches process.executable, any
# other process.name; globs; deny effects (default alert); every matching
# deny reports; allow only exempts from the default; the scope limits the
# block; severity applies to every match.
%%POLICY
list shells = ["/bin/sh", "/bin/bash"]
runtime "web" {
  scope container.image.name like "web:*"
  severity high
  process {
    allow "/usr/sbin/nginx", "tini"
    deny shells, "/usr/bin/curl" effect prevent
    deny "nc*" effect block
    deny "/tmp/**"
    default effect alert
  }
}
%%EVENTS
{"event":{"category":["process"]},"container":{"image":{"name":"web:1"}},"process":{"executable":"/usr/sbin/nginx","name":"nginx"}}
{"event":{"category":["process"]},"container":{"image":{"name":"web:1"}},"process":{"executable":"/usr/bin/tini","name":"tini"}}
{"event":{"category":["process"]},"container":{"image":{"name":"web:1"}},"process":{"executable":"/bin/sh","name":"sh"}}
{"event":{"category":["process"]},"container":{"image":{"name":"web:1"}},"process":{"executable":"/usr/bin/ncat","name":"ncat"}}
{"event":{"category":["process"]},"container":{"image":{"name":"web:1"}},"process":{"executable":"/tmp/a/b","name":"b"}}
{"event":{"category":["process"]},"container":{"image":{"name":"web:1"}},"process":{"executable":"/usr/bin/id","name":"id"}}
{"event":{"category":["process"]},"container":{"image":{"name":"db:1"}},"process":{"executable":"/bin/sh","name":"sh"}}
{"event":{"category":["process"]},"process":{"executable":"/bin/sh","name":"sh"}}
{"event":{"category":["process"]},"container":{"image":{"name":"web:1"}},"process":{"executable":"/tmp/x/nc","name":"nc"}}
{"event":{"category":["process"]},"container":{"image":{"name":"web:1"}},"process":{"executable":"/usr/sbin/nginx","name":"nc"}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"prevent","matches":[{"rule":"web","effect":"prevent","severity":"high","message":"process /bin/sh denied in web:1"}]}
{"line":4,"effect":"block","matches":[{"rule":"web","effect":"block","severity":"high","message":"process /usr/bin/ncat denied in web:1"}]}
{"line":5,"effect":"alert","matches":[{"rule":"web","effect":"alert","severity":"high","message":"process /tmp/a/b denied in web:1"}]}
{"line":6,"effect":"alert","matches":[{"rule":"web","effect":"alert","severity":"high","message":"process /usr/bin/id not allowed in web:1"}]}
{"line":7,"effect":"allow","matches":[]}
{"line":8,"effect":"allow","matches":[]}
{"line":9,"effect":"block","matches":[{"rule":"web","effect":"block","severity":"high","message":"process /tmp/x/nc denied in web:1"},{"rule":"web","effect":"alert","severity":"high","message":"process /tmp/x/nc denied in web:1"}]}
{"line":10,"effect":"block","matches":[{"rule":"web","effect":"block","severity":"high","message":"process /usr/sbin/nginx denied in web:1"}]}
