# An invalid DNS name never matches an allow entry: the decoder leaves the
# field undefined with a warning (empty label, label over 63 bytes, name over
# 253 bytes, a byte other than letters, digits, '-' and '_'), so the section's
# default decides it.  One trailing dot is still ignored.  Line 1 was allowed
# by *.google.com before (one of its two trailing dots was dropped, the other
# ignored by the match).
%%POLICY
runtime "lab dns" {
  dns { allow "*.google.com"  default effect prevent }
}
firewall "domains" {
  allow from any to dns "*.google.com"
  default effect alert
}
%%EVENTS
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"network":{"protocol":"dns"},"dns":{"question":{"name":"www.google.com.."}}}
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"network":{"protocol":"dns"},"dns":{"question":{"name":"www..google.com"}}}
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"network":{"protocol":"dns"},"dns":{"question":{"name":"www.google.com "}}}
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"network":{"protocol":"dns"},"dns":{"question":{"name":"WWW.Google.COM."}}}
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"network":{"direction":"outbound","transport":"tcp"},"source":{"ip":"10.0.0.9"},"destination":{"ip":"142.250.1.1","port":443,"domain":"www.google.com.."}}
{"event":{"category":["network"]},"container":{"image":{"name":"app:1"}},"network":{"direction":"outbound","transport":"tcp"},"source":{"ip":"10.0.0.9"},"destination":{"ip":"142.250.1.1","port":443,"domain":"www.google.com."}}
%%EXPECT
{"line":1,"effect":"prevent","matches":[{"rule":"lab dns","effect":"prevent","severity":"medium","message":"DNS query not allowed in app:1"}],"warning":"dns.question.name: invalid DNS name \"www.google.com..\": empty label"}
{"line":2,"effect":"prevent","matches":[{"rule":"lab dns","effect":"prevent","severity":"medium","message":"DNS query not allowed in app:1"}],"warning":"dns.question.name: invalid DNS name \"www..google.com\": empty label"}
{"line":3,"effect":"prevent","matches":[{"rule":"lab dns","effect":"prevent","severity":"medium","message":"DNS query not allowed in app:1"}],"warning":"dns.question.name: invalid DNS name \"www.google.com \": byte ' ' is not allowed (letters, digits, '-' and '_')"}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"alert","matches":[{"rule":"domains","effect":"alert","severity":"medium","message":"connection 10.0.0.9 (app:1) -> 142.250.1.1:443 is not allowed by the firewall"}],"warning":"destination.domain: invalid DNS name \"www.google.com..\": empty label"}
{"line":6,"effect":"allow","matches":[]}
