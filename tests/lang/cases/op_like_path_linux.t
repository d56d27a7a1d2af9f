# `like` on a Linux path field: * and ? stop at /, ** crosses it, the whole
# value must match, byte for byte (case matters), a list of patterns
# matches if any does.
%%POLICY
rule "star"     { on file  when file.path like "/tmp/*.sh" }
rule "dstar"    { on file  when file.path like "/etc/**" }
rule "qmark"    { on file  when file.path like "/tmp/?.sh" }
rule "list"     { on file  when file.path like ["/var/log/*", "/root/**"] }
rule "mid"      { on file  when file.path like "/home/*/.ssh/**" }
rule "whole"    { on file  when file.path like "tmp" }
%%EVENTS
{"event":{"category":["file"]},"file":{"path":"/tmp/a.sh"}}
{"event":{"category":["file"]},"file":{"path":"/tmp/d/ab.sh"}}
{"event":{"category":["file"]},"file":{"path":"/etc/ssl/certs/x.pem"}}
{"event":{"category":["file"]},"file":{"path":"/etc"}}
{"event":{"category":["file"]},"file":{"path":"/TMP/a.sh"}}
{"event":{"category":["file"]},"file":{"path":"/var/log/sub/x"}}
{"event":{"category":["file"]},"file":{"path":"/root/.bashrc"}}
{"event":{"category":["file"]},"file":{"path":"/home/bob/.ssh/authorized_keys"}}
{"event":{"category":["file"]},"file":{"path":"/home/a/b/.ssh/k"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"star","effect":"alert","severity":"medium","message":"star"},{"rule":"qmark","effect":"alert","severity":"medium","message":"qmark"}]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"alert","matches":[{"rule":"dstar","effect":"alert","severity":"medium","message":"dstar"}]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"allow","matches":[]}
{"line":6,"effect":"allow","matches":[]}
{"line":7,"effect":"alert","matches":[{"rule":"list","effect":"alert","severity":"medium","message":"list"}]}
{"line":8,"effect":"alert","matches":[{"rule":"mid","effect":"alert","severity":"medium","message":"mid"}]}
{"line":9,"effect":"allow","matches":[]}
