# NXLog's flat layout: EventTime is the event's time when it gives its zone
# (Z, or an offset: NXLog's ISO DateFormats), so on Security records, which
# carry no UtcTime, windows are decided by it.  Line 3 is 61 s after line 1
# (line 2 is 11:20:30Z written at +01:00), so line 4 completes 2,3,4; read
# in arrival order, line 3 would complete 1,2,3.  A zone-less EventTime
# (line 5: NXLog's default, the collector's local time) is not a time: the
# event takes the watermark (11:21:10.5), so 6 and 7 are not late and
# complete 5,6,7 (read as UTC 11:30 it would have made them late).
%%POLICY
rule "failures" {
  on authentication
  when event.outcome == "failure"
  count >= 3 by source.ip within 1m
}
%%EVENTS
{"EventTime":"2024-03-12T11:20:00.000000Z","Hostname":"WIN1","EventType":"AUDIT_FAILURE","EventID":4625,"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security","RecordNumber":1,"TargetUserName":"administrator","TargetDomainName":"WIN1","LogonType":"3","IpAddress":"203.0.113.77","IpPort":"4000","Status":"0xc000006d","SourceModuleName":"in_eventlog","SourceModuleType":"im_msvistalog"}
{"EventTime":"2024-03-12T12:20:30+01:00","Hostname":"WIN1","EventType":"AUDIT_FAILURE","EventID":4625,"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security","RecordNumber":2,"TargetUserName":"administrator","TargetDomainName":"WIN1","LogonType":"3","IpAddress":"203.0.113.77","IpPort":"4000","Status":"0xc000006d","SourceModuleName":"in_eventlog","SourceModuleType":"im_msvistalog"}
{"EventTime":"2024-03-12T11:21:01Z","Hostname":"WIN1","EventType":"AUDIT_FAILURE","EventID":4625,"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security","RecordNumber":3,"TargetUserName":"administrator","TargetDomainName":"WIN1","LogonType":"3","IpAddress":"203.0.113.77","IpPort":"4000","Status":"0xc000006d","SourceModuleName":"in_eventlog","SourceModuleType":"im_msvistalog"}
{"EventTime":"2024-03-12 11:21:10.500000Z","Hostname":"WIN1","EventType":"AUDIT_FAILURE","EventID":4625,"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security","RecordNumber":4,"TargetUserName":"administrator","TargetDomainName":"WIN1","LogonType":"3","IpAddress":"203.0.113.77","IpPort":"4000","Status":"0xc000006d","SourceModuleName":"in_eventlog","SourceModuleType":"im_msvistalog"}
{"EventTime":"2024-03-12 11:30:00","Hostname":"WIN1","EventType":"AUDIT_FAILURE","EventID":4625,"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security","RecordNumber":5,"TargetUserName":"administrator","TargetDomainName":"WIN1","LogonType":"3","IpAddress":"203.0.113.77","IpPort":"4000","Status":"0xc000006d","SourceModuleName":"in_eventlog","SourceModuleType":"im_msvistalog"}
{"EventTime":"2024-03-12T11:21:11Z","Hostname":"WIN1","EventType":"AUDIT_FAILURE","EventID":4625,"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security","RecordNumber":6,"TargetUserName":"administrator","TargetDomainName":"WIN1","LogonType":"3","IpAddress":"203.0.113.77","IpPort":"4000","Status":"0xc000006d","SourceModuleName":"in_eventlog","SourceModuleType":"im_msvistalog"}
{"EventTime":"2024-03-12T11:21:12+0000","Hostname":"WIN1","EventType":"AUDIT_FAILURE","EventID":4625,"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security","RecordNumber":7,"TargetUserName":"administrator","TargetDomainName":"WIN1","LogonType":"3","IpAddress":"203.0.113.77","IpPort":"4000","Status":"0xc000006d","SourceModuleName":"in_eventlog","SourceModuleType":"im_msvistalog"}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"allow","matches":[]}
{"line":4,"effect":"alert","matches":[{"rule":"failures","effect":"alert","severity":"medium","message":"failures","members":[2,3,4]}]}
{"line":5,"effect":"allow","matches":[]}
{"line":6,"effect":"allow","matches":[]}
{"line":7,"effect":"alert","matches":[{"rule":"failures","effect":"alert","severity":"medium","message":"failures","members":[5,6,7]}]}
%%STDERR
correlations: 2 matched, 0 partial matches live
