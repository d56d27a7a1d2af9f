# runtime dns section (DNS patterns against dns.question.name, no case,
# trailing dot ignored) and file section (path globs against file.path:
# * stops at /, ** crosses it); one block with both sections and no scope.
%%POLICY
runtime "dns and files" {
  dns {
    allow "*.registry.local", "api.stripe.com"
    deny "*.onion.example", "evil.test" effect prevent
    default effect alert
  }
  file {
    allow "/var/cache/nginx/**", "/tmp/*.log"
    deny "/etc/**", "/usr/**" effect prevent
    deny "/tmp/*.sh" effect block
    default effect alert
  }
}
%%EVENTS
{"event":{"category":["network"]},"container":{"image":{"name":"a:1"}},"network":{"protocol":"dns"},"dns":{"question":{"name":"Pull.Registry.Local."}}}
{"event":{"category":["network"]},"container":{"image":{"name":"a:1"}},"network":{"protocol":"dns"},"dns":{"question":{"name":"registry.local"}}}
{"event":{"category":["network"]},"container":{"image":{"name":"a:1"}},"network":{"protocol":"dns"},"dns":{"question":{"name":"api.stripe.com"}}}
{"event":{"category":["network"]},"container":{"image":{"name":"a:1"}},"network":{"protocol":"dns"},"dns":{"question":{"name":"www.api.stripe.com"}}}
{"event":{"category":["network"]},"container":{"image":{"name":"a:1"}},"network":{"protocol":"dns"},"dns":{"question":{"name":"a.b.onion.example"}}}
{"event":{"category":["network"]},"container":{"image":{"name":"a:1"}},"network":{"protocol":"dns"},"dns":{"question":{"name":"EVIL.test"}}}
{"event":{"category":["file"]},"container":{"image":{"name":"a:1"}},"file":{"path":"/var/cache/nginx/a/b"}}
{"event":{"category":["file"]},"container":{"image":{"name":"a:1"}},"file":{"path":"/tmp/app.log"}}
{"event":{"category":["file"]},"container":{"image":{"name":"a:1"}},"file":{"path":"/tmp/sub/app.log"}}
{"event":{"category":["file"]},"container":{"image":{"name":"a:1"}},"file":{"path":"/etc/ssl/certs/x.pem"}}
{"event":{"category":["file"]},"container":{"image":{"name":"a:1"}},"file":{"path":"/tmp/x.sh"}}
{"event":{"category":["file"]},"container":{"image":{"name":"a:1"}},"file":{"path":"/etc"}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"alert","matches":[{"rule":"dns and files","effect":"alert","severity":"medium","message":"DNS query for registry.local not allowed in a:1"}]}
{"line":3,"effect":"allow","matches":[]}
{"line":4,"effect":"alert","matches":[{"rule":"dns and files","effect":"alert","severity":"medium","message":"DNS query for www.api.stripe.com not allowed in a:1"}]}
{"line":5,"effect":"prevent","matches":[{"rule":"dns and files","effect":"prevent","severity":"medium","message":"DNS query for a.b.onion.example denied in a:1"}]}
{"line":6,"effect":"prevent","matches":[{"rule":"dns and files","effect":"prevent","severity":"medium","message":"DNS query for EVIL.test denied in a:1"}]}
{"line":7,"effect":"allow","matches":[]}
{"line":8,"effect":"allow","matches":[]}
{"line":9,"effect":"alert","matches":[{"rule":"dns and files","effect":"alert","severity":"medium","message":"write to /tmp/sub/app.log not allowed in a:1"}]}
{"line":10,"effect":"prevent","matches":[{"rule":"dns and files","effect":"prevent","severity":"medium","message":"write to /etc/ssl/certs/x.pem denied in a:1"}]}
{"line":11,"effect":"block","matches":[{"rule":"dns and files","effect":"block","severity":"medium","message":"write to /tmp/x.sh denied in a:1"}]}
{"line":12,"effect":"alert","matches":[{"rule":"dns and files","effect":"alert","severity":"medium","message":"write to /etc not allowed in a:1"}]}
