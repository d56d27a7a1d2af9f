# A process section without `default`: an event matching no entry has no
# match; the deny still reports.
%%POLICY
runtime "deny only" {
  process {
    allow "sh"
    deny "nc" effect prevent
  }
}
%%EVENTS
{"event":{"category":["process"]},"container":{"image":{"name":"a:1"}},"process":{"executable":"/bin/nc","name":"nc"}}
{"event":{"category":["process"]},"container":{"image":{"name":"a:1"}},"process":{"executable":"/bin/id","name":"id"}}
{"event":{"category":["process"]},"container":{"image":{"name":"a:1"}},"process":{"executable":"/bin/sh","name":"sh"}}
%%EXPECT
{"line":1,"effect":"prevent","matches":[{"rule":"deny only","effect":"prevent","severity":"medium","message":"process /bin/nc denied in a:1"}]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"allow","matches":[]}
