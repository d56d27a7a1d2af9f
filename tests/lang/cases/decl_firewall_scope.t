# firewall scope limits the block; without a default, traffic that matches
# no entry has no match; the block's severity applies to its matches; `*`
# is every port; a firewall entry without ports or protocol matches any.
%%POLICY
firewall "c2c only" {
  scope exists(destination.container.image.name)
  severity high
  deny from any to image "db:*" tcp * effect block
  deny from subnet 10.0.0.0/8 to any effect prevent
}
%%EVENTS
{"event":{"category":["network"]},"network":{"transport":"tcp"},"source":{"ip":"10.0.0.1"},"destination":{"ip":"10.0.0.2","port":5432,"container":{"image":{"name":"db:1"}}}}
{"event":{"category":["network"]},"network":{"transport":"udp"},"source":{"ip":"10.0.0.1"},"destination":{"ip":"10.0.0.2","port":5432,"container":{"image":{"name":"db:1"}}}}
{"event":{"category":["network"]},"network":{"transport":"udp"},"source":{"ip":"192.0.2.1"},"destination":{"ip":"10.0.0.2","port":5432,"container":{"image":{"name":"db:1"}}}}
{"event":{"category":["network"]},"network":{"transport":"tcp"},"source":{"ip":"10.0.0.1"},"destination":{"ip":"8.8.8.8","port":53}}
%%EXPECT
{"line":1,"effect":"block","matches":[{"rule":"c2c only","effect":"block","severity":"high","message":"connection 10.0.0.1 -> 10.0.0.2:5432 (db:1) matched firewall entry"}]}
{"line":2,"effect":"prevent","matches":[{"rule":"c2c only","effect":"prevent","severity":"high","message":"connection 10.0.0.1 -> 10.0.0.2:5432 (db:1) matched firewall entry"}]}
{"line":3,"effect":"allow","matches":[]}
{"line":4,"effect":"allow","matches":[]}
