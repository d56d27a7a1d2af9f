# feed("...") files compiled into the program: .txt (one value per line,
# # comments and blank lines skipped, "value,rest" gives value, quotes
# removed), .csv (first column, a header row skipped), .json (strings, or
# objects -> their first string value), .yaml (a sequence of scalars); looked
# up in feeds/ first, then beside the file that uses it; a list may be a
# feed; feeds serve as names, DNS patterns, ips/CIDRs and globs.
%%FILE feeds/bad.txt
# known bad tools
evil.exe

nc, netcat
  "quoted.exe"  
%%FILE feeds/hashes.csv
md5,name
d41d8cd98f00b204e9800998ecf8427e,empty
0cc175b9c0f1b6a831c399e269772661,a
%%FILE feeds/domains.json
["*.evil.test", "bad.test"]
%%FILE feeds/objs.json
[{"n": 1, "net": "203.0.113.0/24"}, {"addr": "198.51.100.7", "other": "x"}]
%%FILE feeds/ips.yaml
# internal
- 10.0.0.0/8
- "fe80::/10"
%%FILE feeds/globs.txt
/tmp/**
/dev/shm/*
%%FILE lib/local.lst
localtool
%%POLICY lib/rules.pal
rule "beside" { on process  when process.name in feed("local.lst") }
%%POLICY policy.pal
list bad = feed("bad.txt")
rule "txt"   { on process  when process.name in bad }
rule "csv"   { on process  when process.hash.md5 in feed("hashes.csv") }
rule "json"  { on dns      when dns.question.name in feed("domains.json") }
rule "objs"  { on network  when destination.ip in feed("objs.json") }
rule "yaml"  { on network  when destination.ip in feed("ips.yaml") }
rule "globs" { on file     when file.path like feed("globs.txt") }
%%EVENTS
{"event":{"category":["process"]},"process":{"name":"evil.exe"}}
{"event":{"category":["process"]},"process":{"name":"nc","hash":{"md5":"0cc175b9c0f1b6a831c399e269772661"}}}
{"event":{"category":["process"]},"process":{"name":"quoted.exe","hash":{"md5":"md5"}}}
{"event":{"category":["process"]},"process":{"name":"netcat"}}
{"event":{"category":["process"]},"process":{"name":"localtool"}}
{"event":{"category":["network"]},"network":{"protocol":"dns"},"dns":{"question":{"name":"x.Evil.Test"}}}
{"event":{"category":["network"]},"network":{"protocol":"dns"},"dns":{"question":{"name":"evil.test"}}}
{"event":{"category":["network"]},"destination":{"ip":"203.0.113.77","port":1}}
{"event":{"category":["network"]},"destination":{"ip":"198.51.100.7","port":1}}
{"event":{"category":["network"]},"destination":{"ip":"fe80::9","port":1}}
{"event":{"category":["network"]},"destination":{"ip":"10.0.0.1","port":1}}
{"event":{"category":["file"]},"file":{"path":"/tmp/a/b"}}
{"event":{"category":["file"]},"file":{"path":"/dev/shm/a/b"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"txt","effect":"alert","severity":"medium","message":"txt"}]}
{"line":2,"effect":"alert","matches":[{"rule":"txt","effect":"alert","severity":"medium","message":"txt"},{"rule":"csv","effect":"alert","severity":"medium","message":"csv"}]}
{"line":3,"effect":"alert","matches":[{"rule":"txt","effect":"alert","severity":"medium","message":"txt"}]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"alert","matches":[{"rule":"beside","effect":"alert","severity":"medium","message":"beside"}]}
{"line":6,"effect":"alert","matches":[{"rule":"json","effect":"alert","severity":"medium","message":"json"}]}
{"line":7,"effect":"allow","matches":[]}
{"line":8,"effect":"alert","matches":[{"rule":"objs","effect":"alert","severity":"medium","message":"objs"}]}
{"line":9,"effect":"alert","matches":[{"rule":"objs","effect":"alert","severity":"medium","message":"objs"}]}
{"line":10,"effect":"alert","matches":[{"rule":"yaml","effect":"alert","severity":"medium","message":"yaml"}]}
{"line":11,"effect":"alert","matches":[{"rule":"yaml","effect":"alert","severity":"medium","message":"yaml"}]}
{"line":12,"effect":"alert","matches":[{"rule":"globs","effect":"alert","severity":"medium","message":"globs"}]}
{"line":13,"effect":"allow","matches":[]}
