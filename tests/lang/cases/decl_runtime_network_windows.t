# A runtime network section decides connections: network events that carry
# the address its entries test (the remote end: source.ip of an inbound
# event, destination.ip of the others) or destination.port (SPEC 11
# "runtime").  BITS jobs (3, 59, 16403) and an SMB client failure (31010)
# are of kind network, so that policies and Sigma see them, but carry no
# address: the section's default decided each one ("connection not
# allowed").  Security 5140/5145 (a share accessed from source.ip) are
# inbound: an inbound entry, an entry without a direction (the remote end)
# and the default test their source.ip.  ECS
# network events with an address or a port are decided, one with neither
# is not.
%%POLICY
list internal = [10.0.0.0/8]
runtime "net" {
  network {
    allow inbound ip internal
    allow outbound ip internal
    deny inbound ip 198.51.100.0/24 effect prevent
    deny ip 192.0.2.0/24 effect block
    default effect alert
  }
}
%%EVENTS
{"winlog":{"channel":"Microsoft-Windows-Bits-Client/Operational","provider_name":"Microsoft-Windows-Bits-Client","event_id":3,"event_data":{"jobTitle":"upd","processPath":"C:\\Windows\\System32\\svchost.exe","processId":"812"}}}
{"winlog":{"channel":"Microsoft-Windows-Bits-Client/Operational","provider_name":"Microsoft-Windows-Bits-Client","event_id":59,"event_data":{"jobTitle":"upd","url":"http://203.0.113.9/x.exe"}}}
{"winlog":{"channel":"Microsoft-Windows-Bits-Client/Operational","provider_name":"Microsoft-Windows-Bits-Client","event_id":16403,"event_data":{"jobTitle":"upd","RemoteName":"http://203.0.113.9/x.exe","LocalName":"C:\\Temp\\x.exe"}}}
{"winlog":{"channel":"Microsoft-Windows-SmbClient/Security","provider_name":"Microsoft-Windows-SMBClient","event_id":31010,"event_data":{"ShareName":"\\\\fs01\\ADMIN$","ServerName":"fs01","Status":"0xc0000022"}}}
{"winlog":{"channel":"Security","provider_name":"Microsoft-Windows-Security-Auditing","event_id":5140,"event_data":{"ShareName":"\\\\*\\ADMIN$","IpAddress":"10.1.2.3","IpPort":"49750","ObjectType":"File"}}}
{"winlog":{"channel":"Security","provider_name":"Microsoft-Windows-Security-Auditing","event_id":5140,"event_data":{"ShareName":"\\\\*\\ADMIN$","IpAddress":"203.0.113.5","IpPort":"49751","ObjectType":"File"}}}
{"winlog":{"channel":"Security","provider_name":"Microsoft-Windows-Security-Auditing","event_id":5145,"event_data":{"ShareName":"\\\\*\\C$","RelativeTargetName":"x.exe","IpAddress":"198.51.100.7","IpPort":"49752","ObjectType":"File"}}}
{"event":{"category":["network"]},"host":{"name":"h1"},"network":{"transport":"tcp"}}
{"event":{"category":["network"]},"host":{"name":"h1"},"network":{"direction":"outbound"},"destination":{"ip":"203.0.113.9"}}
{"event":{"category":["network"]},"host":{"name":"h1"},"destination":{"port":4444}}
{"event":{"category":["network"]},"host":{"name":"h1"},"network":{"direction":"outbound"},"source":{"ip":"203.0.113.9"}}
{"winlog":{"channel":"Security","provider_name":"Microsoft-Windows-Security-Auditing","event_id":5145,"event_data":{"ShareName":"\\\\*\\C$","RelativeTargetName":"y.exe","IpAddress":"192.0.2.9","IpPort":"49753","ObjectType":"File"}}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"allow","matches":[]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"allow","matches":[]}
{"line":6,"effect":"alert","matches":[{"rule":"net","effect":"alert","severity":"medium","message":"connection from 203.0.113.5 not allowed"}]}
{"line":7,"effect":"prevent","matches":[{"rule":"net","effect":"prevent","severity":"medium","message":"connection from 198.51.100.7 denied"}]}
{"line":8,"effect":"allow","matches":[]}
{"line":9,"effect":"alert","matches":[{"rule":"net","effect":"alert","severity":"medium","message":"connection to 203.0.113.9 not allowed on host h1"}]}
{"line":10,"effect":"alert","matches":[{"rule":"net","effect":"alert","severity":"medium","message":"connection to port 4444 not allowed on host h1"}]}
{"line":11,"effect":"allow","matches":[]}
{"line":12,"effect":"block","matches":[{"rule":"net","effect":"block","severity":"medium","message":"connection from 192.0.2.9 denied"}]}
