# Allowed values that a deny of the same section matches: exactly, by a glob,
# by a DNS wildcard, and a whole network entry inside a wider deny.
%%POLICY
runtime "web" {
  process {
    allow "/usr/sbin/nginx", "/usr/bin/curl", "nc"
    deny "/usr/bin/*", "nc" effect prevent
  }
  network {
    allow outbound ip 10.1.0.0/16 port 443
    deny outbound ip 10.0.0.0/8 effect block
  }
  dns {
    allow "api.example.com", "*.cdn.example.com"
    deny "*.example.com"
  }
}
%%EXPECT
policy.pal:3:30: warning[PAL0702]: allowing "/usr/bin/curl" has no effect: deny "/usr/bin/*" (line 4)
policy.pal:3:47: warning[PAL0702]: allowing "nc" has no effect: deny "nc" (line 4)
policy.pal:7:5: warning[PAL0702]: 'allow outbound ip 10.1.0.0/16 port 443' never takes effect
policy.pal:11:11: warning[PAL0702]: allowing "api.example.com" has no effect
policy.pal:11:30: warning[PAL0702]: allowing "*.cdn.example.com" has no effect
policy.pal:12:10: note[PAL0712]: "*.example.com" matches names below example.com, not example.com itself
