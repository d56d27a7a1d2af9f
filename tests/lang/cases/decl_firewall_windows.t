# A firewall block decides connections (SPEC 11 "firewall"): network events
# with an end it can name — an address, the destination's name or port, a
# container at either end.  BITS jobs (3, 59, 16403) and an SMB client
# failure (31010) are of kind network but carry none: the block's default
# decided each ("connection -> is not allowed by the firewall").  A share
# access (Security 5140, source.ip) and ECS events with an address, a
# domain or a port are decided; an ECS network event with none is not.
%%POLICY
firewall "fw" {
  allow from any to subnet 10.0.0.0/8
  default effect alert
}
%%EVENTS
{"winlog":{"channel":"Microsoft-Windows-Bits-Client/Operational","provider_name":"Microsoft-Windows-Bits-Client","event_id":3,"event_data":{"jobTitle":"upd","processPath":"C:\\Windows\\System32\\svchost.exe","processId":"812"}}}
{"winlog":{"channel":"Microsoft-Windows-Bits-Client/Operational","provider_name":"Microsoft-Windows-Bits-Client","event_id":59,"event_data":{"jobTitle":"upd","url":"http://203.0.113.9/x.exe"}}}
{"winlog":{"channel":"Microsoft-Windows-Bits-Client/Operational","provider_name":"Microsoft-Windows-Bits-Client","event_id":16403,"event_data":{"jobTitle":"upd","RemoteName":"http://203.0.113.9/x.exe","LocalName":"C:\\Temp\\x.exe"}}}
{"winlog":{"channel":"Microsoft-Windows-SmbClient/Security","provider_name":"Microsoft-Windows-SMBClient","event_id":31010,"event_data":{"ShareName":"\\\\fs01\\ADMIN$","ServerName":"fs01","Status":"0xc0000022"}}}
{"winlog":{"channel":"Security","provider_name":"Microsoft-Windows-Security-Auditing","event_id":5140,"event_data":{"ShareName":"\\\\*\\ADMIN$","IpAddress":"203.0.113.5","IpPort":"49751","ObjectType":"File"}}}
{"event":{"category":["network"]},"host":{"name":"h1"},"network":{"transport":"tcp"}}
{"event":{"category":["network"]},"host":{"name":"h1"},"destination":{"ip":"10.1.2.3","port":443}}
{"event":{"category":["network"]},"host":{"name":"h1"},"destination":{"ip":"203.0.113.9","port":443}}
{"event":{"category":["network"]},"host":{"name":"h1"},"destination":{"domain":"x.example"}}
{"event":{"category":["network"]},"host":{"name":"h1"},"destination":{"port":4444}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"allow","matches":[]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"alert","matches":[{"rule":"fw","effect":"alert","severity":"medium","message":"connection 203.0.113.5 -> is not allowed by the firewall"}]}
{"line":6,"effect":"allow","matches":[]}
{"line":7,"effect":"allow","matches":[]}
{"line":8,"effect":"alert","matches":[{"rule":"fw","effect":"alert","severity":"medium","message":"connection h1 -> 203.0.113.9:443 is not allowed by the firewall"}]}
{"line":9,"effect":"alert","matches":[{"rule":"fw","effect":"alert","severity":"medium","message":"connection h1 -> x.example is not allowed by the firewall"}]}
{"line":10,"effect":"alert","matches":[{"rule":"fw","effect":"alert","severity":"medium","message":"connection h1 -> port 4444 is not allowed by the firewall"}]}
