#!/usr/bin/env bash
# `palisade sigma convert` end to end, on Sigma rules written for these tests
# (tests/e2e/sigma/rules: every modifier, every condition form, keyword
# searches, null and empty values, every logsource the built-in mapping
# knows a kind for; tests/e2e/sigma/refused: one rule per refusal reason):
#
#   1. the rules convert (one .pal per file, each rule named by its Sigma
#      id), and what is written is formatted (fmt -l lists nothing), lint
#      clean, and `palisade test` runs test blocks written against it;
#   2. the converted rules decide real-shaped Sysmon, Security and PowerShell
#      records in the three layouts (Winlogbeat, flat, evtx_dump): each
#      record matches exactly the rules written for it, in every layout;
#   3. every refused rule is reported with its file, its id and the reason,
#      nothing is written for it, and --strict turns refusals into exit 2;
#   4. a user mapping replaces the built-in one, and a broken mapping is an
#      error naming its file and line.
#
# Needs $PALISADE (tests/run-all.sh sets it), python3.
. "$(dirname "$0")/lib/harness.sh"
. "$(dirname "$0")/lib/layouts.sh"

D=tests/e2e/sigma
OUT=$TMP/out

# ---- 1. conversion, fmt, lint, test ----
"$PALISADE" sigma convert "$D/rules" -o "$OUT" 2>"$TMP/convert.err"
rc=$?
expect_eq "convert exits 0" "$rc" 0
check "convert counts" grep -q 'converted 9 of 9 rules' "$TMP/convert.err"
n=$(ls "$OUT"/*.pal 2>/dev/null | wc -l)
expect_eq "one .pal per Sigma file" "$n" 9
check "a rule is named by its Sigma id" grep -q "^rule '11111111-0000-4000-8000-000000000001'" "$OUT/proc_modifiers.pal"
check "provenance is kept" grep -q '^// source: tests/e2e/sigma/rules/proc_modifiers.yml' "$OUT/proc_modifiers.pal"
check "references are kept" grep -q 'https://example.invalid/palisade-sigma-tests' "$OUT/proc_modifiers.pal"
check "level becomes severity" grep -q 'severity *high' "$OUT/proc_modifiers.pal"
check "the ATT&CK tag becomes mitre" grep -q 'mitre *"T1059.001"' "$OUT/proc_modifiers.pal"
fmtl=$("$PALISADE" fmt -l "$OUT" 2>&1)
expect_eq "converted output is formatted" "$fmtl" ""
"$PALISADE" lint "$OUT" >"$TMP/lint.out" 2>&1
expect_eq "converted output is lint clean" "$?" 0 || cat "$TMP/lint.out"
cp "$D/tests.pal" "$OUT/tests.pal"
"$PALISADE" test "$OUT" >"$TMP/test.out" 2>&1
expect_eq "palisade test runs tests against converted rules" "$?" 0 || cat "$TMP/test.out"
rm "$OUT/tests.pal"

# ---- 2. decisions over the three layouts ----
python3 - "$TMP" <<'EOF'
import base64, json, sys
tmp = sys.argv[1]
SYSMON = "Microsoft-Windows-Sysmon/Operational"
def sysmon(eid, data):
    return ("Microsoft-Windows-Sysmon", SYSMON, eid, data)
pid = iter(range(4000, 5000))
def proc(image, cmd="x", **kw):
    d = {"UtcTime": "2025-01-01 10:00:00.000", "ProcessGuid": "{1}", "ProcessId": str(next(pid)),
         "Image": image, "CommandLine": cmd, "CurrentDirectory": "C:\\", "User": kw.pop("user", "CORP\\carol"),
         "ParentImage": "C:\\Windows\\explorer.exe", "ParentCommandLine": "explorer.exe", "ParentProcessId": "100"}
    d.update(kw)
    return sysmon(1, {k: v for k, v in d.items() if v is not None})   # None: the record has no such value
enc = base64.b64encode("xIEX (New-Object Net.WebClient)".encode("utf-16le")).decode()
R = "11111111-0000-4000-8000-00000000000"
cases = [
    (proc("C:\\Tools\\Plain.exe"), [R + "1"]),
    (proc("C:\\Windows\\System32\\cmd.exe", "cmd /c CONTAINS-ME"), [R + "1"]),
    (proc("C:\\Windows\\System32\\cmd.exe", "cmd /c casematters"), []),
    (proc("C:\\Windows\\System32\\cmd.exe", "cmd /c CaseMatters"), [R + "1"]),
    (proc("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "powershell -enc " + enc), [R + "1"]),
    (proc("C:\\Glob\\sub\\tool.exe"), [R + "1"]),
    (proc("C:\\Glob\\tool.exe"), []),
    (proc("C:\\T\\user-test.exe", user="CORP\\alice"), [R + "1"]),
    (proc("C:\\T\\user-test.exe", user="CORP\\bob"), []),
    (proc("C:\\T\\h.exe", Hashes="SHA1=00,MD5=0123456789abcdef0123456789abcdef,SHA256=AA"), [R + "1"]),
    (proc("C:\\T\\w.exe", "w.exe \u2013windash-flag"), [R + "1"]),
    (proc("C:\\T\\w.exe", "w.exe x-windash-flag"), []),
    (proc("C:\\T\\neq-test.exe", "other"), [R + "1"]),
    (proc("C:\\T\\neq-test.exe", "ALLOWED"), []),
    (proc("C:\\T\\empty-test.exe", ""), [R + "1"]),
    (proc("C:\\T\\pe.exe", OriginalFileName="Renamed-Original.EXE", IntegrityLevel="High"), [R + "1"]),
    # one selection of proc_modifiers.yml each, and a near miss beside it
    (proc("C:\\T\\s.exe", "STARTS-ME now"), [R + "1"]),
    (proc("C:\\T\\s.exe", "now starts-me"), []),
    (proc("C:\\T\\ENDS-ME.EXE"), [R + "1"]),
    (proc("C:\\T\\ends-me.exe.bak"), []),
    (proc("C:\\T\\a.exe", "Beta and ALPHA"), [R + "1"]),
    (proc("C:\\T\\a.exe", "alpha alone"), []),
    (proc("C:\\T\\w.exe", "a wildXcardZx b"), [R + "1"]),
    (proc("C:\\T\\w.exe", "a wildXcardx b"), []),
    (proc("C:\\T\\e.exe", "a STAR*LIT b"), [R + "1"]),
    (proc("C:\\T\\e.exe", "a starXlit b"), []),
    (proc("C:\\T\\r.exe", "re-123"), [R + "1"]),
    (proc("C:\\T\\r.exe", "RE-123"), []),
    (proc("C:\\T\\r.exe", "re-i-abc"), [R + "1"]),
    (proc("C:\\T\\r.exe", "re-i-123"), []),
    (proc("C:\\T\\b.exe", "p -e " + base64.b64encode(b"Zb64offset-payloadZ").decode()), [R + "1"]),
    (proc("C:\\T\\b.exe", "p -e " + base64.b64encode(b"Zb64offset-paylodZ").decode()), []),
    (proc("C:\\T\\b.exe", base64.b64encode(b"whole-base64").decode()), [R + "1"]),
    (proc("C:\\T\\b.exe", base64.b64encode(b"whole-base65").decode()), []),
    (proc("C:\\T\\f.exe", "same as parent", ParentCommandLine="same as parent"), [R + "1"]),
    (proc("C:\\T\\f.exe", "same as parent", ParentCommandLine="not the same"), []),
    (proc("C:\\T\\p.exe", ProcessId="999991"), [R + "1"]),
    (proc("C:\\T\\p.exe", ProcessId="999990"), []),
    (proc("C:\\T\\p.exe", ProcessId="1"), [R + "1"]),
    (proc("C:\\T\\p.exe", ProcessId="2"), []),
    (proc("C:\\T\\exists-test.exe", ParentImage=None), [R + "1"]),
    (proc("C:\\T\\exists-test.exe"), []),
    (proc("C:\\T\\null-test.exe", ParentCommandLine=None), [R + "1"]),
    (proc("C:\\T\\null-test.exe"), []),
    (proc("C:\\T\\cond-a.exe", "run cond-b1"), [R + "2"]),
    # `1 of cond_pre`: the searches whose names start with cond_pre (pySigma's reading)
    (proc("C:\\T\\cond-pre-a.exe"), [R + "2"]),
    (proc("C:\\T\\x.exe", "run cond-pre-b"), [R + "2"]),
    (proc("C:\\T\\cond-pre.exe", "run cond-pre"), []),
    (proc("C:\\T\\cond-a.exe", "run cond-b2 filtered"), []),
    (sysmon(3, {"UtcTime": "2025-01-01 10:00:00.000", "ProcessId": "3000", "Image": "C:\\T\\nc.exe", "Protocol": "tcp",
                "Initiated": "true", "SourceIp": "10.0.0.5", "SourcePort": "50000", "DestinationIp": "203.0.113.5",
                "DestinationPort": "4444", "User": "CORP\\carol"}), [R + "3"]),
    (sysmon(3, {"UtcTime": "2025-01-01 10:00:00.000", "ProcessId": "3000", "Image": "C:\\T\\nc.exe", "Protocol": "tcp",
                "Initiated": "true", "SourceIp": "10.0.0.5", "SourcePort": "50000", "DestinationIp": "10.1.1.1",
                "DestinationPort": "4444", "User": "CORP\\carol"}), []),
    (sysmon(3, {"UtcTime": "2025-01-01 10:00:00.000", "ProcessId": "3000", "Image": "C:\\T\\nc.exe", "Protocol": "tcp",
                "Initiated": "true", "SourceIp": "10.0.0.5", "SourcePort": "50000", "DestinationIp": "127.0.0.1",
                "DestinationPort": "31337", "User": "CORP\\carol"}), []),
    (sysmon(22, {"UtcTime": "2025-01-01 10:00:00.000", "ProcessId": "3100", "Image": "C:\\T\\q.exe",
                 "QueryName": "a.Tunnel.example", "QueryStatus": "0", "QueryResults": "", "User": "CORP\\carol"}), [R + "4"]),
    (sysmon(11, {"UtcTime": "2025-01-01 10:00:00.000", "ProcessId": "3200", "Image": "C:\\T\\w.exe",
                 "TargetFilename": "C:\\Users\\carol\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\x.VBS",
                 "User": "CORP\\carol"}), [R + "5"]),
    (sysmon(13, {"EventType": "SetValue", "UtcTime": "2025-01-01 10:00:00.000", "ProcessId": "3300", "Image": "C:\\T\\reg.exe",
                 "TargetObject": "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\upd",
                 "Details": "C:\\Users\\carol\\AppData\\Local\\Temp\\a.exe", "User": "CORP\\carol"}), [R + "6"]),
    (sysmon(7, {"UtcTime": "2025-01-01 10:00:00.000", "ProcessId": "3400", "Image": "C:\\T\\host.exe",
                "ImageLoaded": "C:\\T\\TestHook.dll", "Hashes": "SHA256=AB", "Signed": "false", "Signature": "-",
                "SignatureStatus": "Unavailable", "User": "CORP\\carol"}), [R + "7"]),
    (sysmon(7, {"UtcTime": "2025-01-01 10:00:00.000", "ProcessId": "3400", "Image": "C:\\T\\host.exe",
                "ImageLoaded": "C:\\T\\TestHook.dll", "Hashes": "SHA256=AB", "Signed": "true", "Signature": "X",
                "SignatureStatus": "Valid", "User": "CORP\\carol"}), []),
    (("Microsoft-Windows-Security-Auditing", "Security", 4624,
      {"SubjectUserSid": "S-1-5-18", "SubjectUserName": "DC$", "TargetUserName": "svc-test7", "TargetDomainName": "CORP",
       "LogonType": "3", "LogonProcessName": "NtLmSsp", "AuthenticationPackageName": "NTLM", "WorkstationName": "WS1",
       "IpAddress": "10.0.0.9", "IpPort": "50123", "ProcessName": "-", "ProcessId": "0x0"}), [R + "8"]),
    (("Microsoft-Windows-Security-Auditing", "Security", 4624,
      {"SubjectUserSid": "S-1-5-18", "SubjectUserName": "DC$", "TargetUserName": "svc-test7", "TargetDomainName": "CORP",
       "LogonType": "2", "LogonProcessName": "User32", "AuthenticationPackageName": "Negotiate", "WorkstationName": "WS1",
       "IpAddress": "127.0.0.1", "IpPort": "0", "ProcessName": "C:\\Windows\\System32\\svchost.exe", "ProcessId": "0x2a0"}), []),
    (("Microsoft-Windows-PowerShell", "Microsoft-Windows-PowerShell/Operational", 4104,
      {"MessageNumber": "1", "MessageTotal": "1", "ScriptBlockText": "Invoke-TestMarker -Name x -Force",
       "ScriptBlockId": "00000000-0000-0000-0000-000000000001", "Path": ""}), [R + "9"]),
]
def winlogbeat(p, ch, eid, d):
    return {"winlog": {"channel": ch, "event_id": eid, "provider_name": p, "computer_name": "ws1", "event_data": d}}
def flat(p, ch, eid, d):
    r = {"EventID": eid, "Channel": ch, "SourceName": p, "Hostname": "ws1"}
    r.update(d)
    return r
def evtx(p, ch, eid, d):
    return {"Event": {"System": {"Provider": {"#attributes": {"Name": p}}, "EventID": eid, "Channel": ch,
                                 "Computer": "ws1", "TimeCreated": {"#attributes": {"SystemTime": "2025-01-01T10:00:00.000000Z"}}},
                      "EventData": d}}
for name, f in (("winlogbeat", winlogbeat), ("flat", flat), ("evtx", evtx)):
    with open(f"{tmp}/events-{name}.jsonl", "w") as out:
        for (rec, _) in cases:
            out.write(json.dumps(f(*rec)) + "\n")
with open(f"{tmp}/expected.json", "w") as out:
    json.dump([sorted(e) for (_, e) in cases], out)
EOF
decide_layouts "$OUT"

# ---- 3. refusals ----
# each refused file: its id, its class (refused: valid Sigma palisade does
# not convert; not valid Sigma: what the specification or pySigma rejects)
# with the reason's code, and the reason
"$PALISADE" sigma convert "$D/refused" -o "$TMP/refused" 2>"$TMP/refused.err"
expect_eq "refusals alone exit 0" "$?" 0
check "refusals are counted, the invalid ones apart" grep -q 'converted 0 of 17 rules into .* (17 refused, 5 of them not valid Sigma)$' "$TMP/refused.err"
n=$(ls "$TMP/refused" 2>/dev/null | wc -l)
expect_eq "nothing is written for a refused rule" "$n" 0
while IFS='|' read -r file id class reason; do
    check "refused $file names file, id, class and code" \
        grep -qF "$D/refused/$file: id $id: $class: " "$TMP/refused.err"
    grep -F "$D/refused/$file:" "$TMP/refused.err" | grep -qF -- "$reason" \
        && ok "reason of $file" || bad "reason of $file" "$(grep -F "$file" "$TMP/refused.err")"
done <<'EOF'
expand.yml|22222222-0000-4000-8000-000000000001|refused [modifier]|placeholders take their values from a pySigma pipeline
timemod.yml|22222222-0000-4000-8000-000000000002|refused [modifier]|the time modifier |hour has no palisade equivalent
unmapped.yml|22222222-0000-4000-8000-000000000003|refused [field]|field NoSuchSigmaField: no Windows record palisade decodes has a value of that name
logsource.yml|22222222-0000-4000-8000-000000000004|refused [logsource]|logsource product acme category firewall is not in the field mapping
aggregation.yml|22222222-0000-4000-8000-000000000005|refused [condition]|an aggregation without a timeframe counts over whatever time a search covers
correlation.yml|22222222-0000-4000-8000-000000000006|refused [correlation]|a correlation rule
counting.yml|22222222-0000-4000-8000-000000000008|refused [condition]|'2 of' counts selections
textual_port.yml|22222222-0000-4000-8000-000000000009|refused [value]|destination.port is a number
channel.yml|22222222-0000-4000-8000-000000000010|refused [logsource]|logsource product windows service wmi is not in the field mapping (palisade decodes the Windows logs lang/SPEC.md lists under "Windows events"; a rule for another channel's records could never fire)
eventid.yml|22222222-0000-4000-8000-000000000011|refused [eventid]|EventID 6008: palisade does not decode that EventID of channel System (it maps 7045, 7034, 7036, 7040, 7023, 104, 16, 4100, 42), so the converted rule would miss those records
field_kind.yml|22222222-0000-4000-8000-000000000012|refused [field]|line 8: field Details (winlog.event_data.Details) is never in file records, which this logsource's rules run on: palisade has it in registry records only
invalid_yaml.yml|(none)|not valid Sigma [yaml]|line 4:1: YAML syntax error
invalid_no_condition.yml|22222222-0000-4000-8000-000000000015|not valid Sigma [condition]|the detection has no condition
invalid_undefined.yml|22222222-0000-4000-8000-000000000016|not valid Sigma [condition]|condition names 'filter', which the detection does not define
invalid_untitled.yml|22222222-0000-4000-8000-000000000017|not valid Sigma [title]|YAML document 2 of 2 has no title
invalid_modifier.yml|22222222-0000-4000-8000-000000000018|not valid Sigma [modifier]|unknown modifier |endswitch
EOF
check "a YAML alias is refused, with its place" grep -q 'alias.yml: id (none): refused \[limit\]: line 5:16: YAML anchors and aliases' "$TMP/refused.err"
"$PALISADE" sigma convert "$D/refused" "$D/rules" -o "$TMP/strict" --strict 2>/dev/null
expect_eq "--strict: a refusal exits 2" "$?" 2
n=$(ls "$TMP/strict" | wc -l)
expect_eq "--strict still writes what converts" "$n" 9

mkdir -p "$TMP/dup/a" "$TMP/dup/b"
cp "$D/rules/dns_query.yml" "$TMP/dup/a/x.yml"; cp "$D/rules/dns_query.yml" "$TMP/dup/b/x.yml"
"$PALISADE" sigma convert "$TMP/dup/a/x.yml" "$TMP/dup/b/x.yml" -o "$TMP/dupout" 2>"$TMP/dup.err"
check "a second rule with the same id is refused" grep -q 'b/x.yml: id 11111111-0000-4000-8000-000000000004: refused \[duplicate\]: another rule of this run has the same id' "$TMP/dup.err"

# ---- 3b. correlations (event_count, value_count, temporal, temporal_ordered) ----
"$PALISADE" sigma convert "$D/correlations" -o "$TMP/corr" 2>"$TMP/corr.err"
expect_eq "correlations: converted with their rules" "$(tail -n1 "$TMP/corr.err")" \
    "palisade sigma: converted 6 of 11 rules into $TMP/corr (5 refused, 1 of them not valid Sigma)"
check "event_count becomes a counting rule" grep -q 'count >= 10 by source.ip within 5m' "$TMP/corr/event_count.pal"
check "value_count becomes a distinct count" grep -q 'count distinct .*TargetUserName >= 3 by source.ip within 10m' "$TMP/corr/value_count.pal"
check "temporal_ordered becomes a sequence" grep -q '^sequence ' "$TMP/corr/temporal_ordered.pal"
check "temporal becomes an unordered sequence" grep -q '^  unordered$' "$TMP/corr/temporal.pal"
while IFS='|' read -r file reason; do
    grep -F "$D/correlations/$file:" "$TMP/corr.err" | grep -qF -- "$reason" \
        && ok "correlations: $file refused: $reason" || bad "correlations: $file refused: $reason" "$(grep -F "$file" "$TMP/corr.err")"
done <<'EOF'
refused_missing_rule.yml|rule not_here is not in its file
refused_lt.yml|condition lt: palisade counts up to a threshold
refused_alias_rule.yml|alias ip gives no field for rule failed_logon
refused_partial.yml|a temporal correlation of 2 of its 3 rules
refused_timespan.yml|the timespan '1M' is not a number of s, m, h or d
EOF
# the converted rules decide Security records as Sigma means them: 10
# failures from one address (the 10th completes it; the 6th is from another
# address), 3 users tried from one address (each named by its latest try)
python3 - "$TMP/sec.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(12):
        f.write(json.dumps({"EventTime": "2024-03-12 10:00:%02d" % i, "Hostname": "WINCTR-HOST01", "EventID": 4625,
                            "SourceName": "Microsoft-Windows-Security-Auditing", "Channel": "Security",
                            "TargetUserName": "user%d" % (i % 2 if i < 9 else i), "TargetDomainName": "WINCTR-HOST01",
                            "LogonType": "3", "IpAddress": "203.0.113.66" if i != 5 else "198.51.100.1", "IpPort": "49812"}) + "\n")
PY
got=$("$PALISADE" eval --policy "$TMP/corr" --events "$TMP/sec.jsonl" 2>/dev/null |
      jq -r 'select(.matches | length > 0) | "\(.line): " + ([.matches[] | "\(.rule) \(.members | map(tostring) | join(","))"] | join("; "))')
expect_eq "correlations: the converted rules decide Security records" "$got" \
"10: 33333333-0000-4000-8000-000000000002 8,9,10
11: 33333333-0000-4000-8000-000000000001 1,2,3,4,5,7,8,9,10,11"

# group-by User joins on both of its parts (user.domain, user.name); an
# alias joins each rule on its own field.  Sysmon records with UtcTime, so
# the timespans decide: CORP\alice's net then whoami (members in the
# rules' order); bob's net 390 s after his first whoami is too late, his
# second whoami is not; OTHER\bob is another User.  A connection out to
# .9 and one back in from .9 within 10 s; from .7 is another peer; 10.001 s
# later is out of the window.
check "group-by User joins on the domain and the name" grep -q '^  by host.name, user.domain, user.name$' "$TMP/corr/temporal_user.pal"
check "an alias becomes each step's own by" grep -q "'inbound' by host.name, source.ip }" "$TMP/corr/aliases.pal"
python3 - "$TMP/sysmon.jsonl" <<'PY'
import json, sys
def rec(sec, eid, **kv):
    m, s = divmod(sec, 60)
    d = {"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": eid, "Hostname": kv.pop("host", "WIN1"),
         "UtcTime": "2024-03-12 10:%02d:%06.3f" % (m, s)}
    d.update(kv)
    return d
def proc(sec, image, user, host="WIN1"):
    return rec(sec, 1, host=host, Image="C:\\Windows\\System32\\" + image, User=user, ProcessId="4")
def conn(sec, out, src, dst):
    return rec(sec, 3, Initiated="true" if out else "false", SourceIp=src, DestinationIp=dst, Image="C:\\app.exe",
               Protocol="tcp", SourcePort="50000", DestinationPort="443")
recs = [proc(0, "net.exe", "CORP\\alice"), proc(10, "whoami.exe", "CORP\\bob"), proc(20, "whoami.exe", "CORP\\alice"),
        proc(30, "net.exe", "CORP\\bob", host="WIN2"), proc(400, "net.exe", "CORP\\bob"),
        proc(401, "whoami.exe", "OTHER\\bob"), proc(402, "whoami.exe", "CORP\\bob"),
        conn(500, True, "10.0.0.5", "198.51.100.9"), conn(505, False, "198.51.100.7", "10.0.0.5"),
        conn(509, False, "198.51.100.9", "10.0.0.5"), conn(520, True, "10.0.0.5", "198.51.100.9"),
        conn(530.001, False, "198.51.100.9", "10.0.0.5")]
with open(sys.argv[1], "w") as f:
    f.write("".join(json.dumps(r) + "\n" for r in recs))
PY
got=$("$PALISADE" eval --policy "$TMP/corr" --events "$TMP/sysmon.jsonl" 2>/dev/null |
      jq -r 'select(.matches | length > 0) | "\(.line): " + ([.matches[] | "\(.rule) \(.members | map(tostring) | join(","))"] | join("; "))')
expect_eq "correlations: the converted temporal rules decide Sysmon records as Sigma means" "$got" \
"3: 33333333-0000-4000-8000-000000000021 3,1
7: 33333333-0000-4000-8000-000000000021 7,5
10: 33333333-0000-4000-8000-000000000022 8,10"

# ---- 3c. Sigma 1.0 aggregations (`| count() by F > N`, with timeframe) ----
# converted as the event_count / value_count correlations are: a counting
# rule, `count [distinct F] > N by G within T`
"$PALISADE" sigma convert "$D/aggregations" -o "$TMP/agg" 2>"$TMP/agg.err"
expect_eq "aggregations: two convert, two are refused" "$(tail -n1 "$TMP/agg.err")" \
    "palisade sigma: converted 2 of 4 rules into $TMP/agg (2 refused)"
check "count() by F > N becomes a counting rule" grep -q '^  count > 5 by process.parent.executable within 5m$' "$TMP/agg/count_by.pal"
check "count(F) becomes a distinct count" grep -q '^  count distinct winlog.event_data.TargetUserName >= 3 by source.ip within 10m$' "$TMP/agg/count_distinct.pal"
while IFS='|' read -r file reason; do
    grep -F "$D/aggregations/$file:" "$TMP/agg.err" | grep -qF -- "$reason" \
        && ok "aggregations: $file refused: $reason" || bad "aggregations: $file refused: $reason" "$(grep -F "$file" "$TMP/agg.err")"
done <<'EOF'
refused_lt.yml|refused [condition]: line 8: condition: count() < 2: palisade counts up to a threshold (> N or >= N), not fewer events
refused_sum.yml|refused [condition]: line 8: condition: the aggregation sum() has no palisade form
EOF
"$PALISADE" lint "$TMP/agg" >"$TMP/agg-lint.out" 2>&1
expect_eq "aggregations: the converted rules are lint clean" "$?" 0 || cat "$TMP/agg-lint.out"
# parent A starts agg-x.exe six times in 5 s (the 6th is the 6th > 5);
# parent B five times (never more than 5); parent C six times, but the
# 6th 301 s after the 1st, so no 5 minutes hold six.  Failed logons from
# .66: users u0, u1, u0, u2 (the 4th is the 3rd distinct; each user named
# by its latest try); from .77: u0, u1, and u2 11 minutes later (out of
# the window).
python3 - "$TMP/agg.jsonl" <<'PY'
import json, sys
def at(sec):
    m, s = divmod(sec, 60)
    return "2024-03-12 10:%02d:%06.3f" % (m, s)
recs = []
def proc(sec, parent):
    recs.append({"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "Hostname": "WIN1", "UtcTime": at(sec),
                 "Image": "C:\\Tools\\agg-x.exe", "ParentImage": "C:\\Apps\\" + parent + ".exe", "ProcessId": "4"})
def logon(sec, user, ip):
    # evtx_dump's layout, whose TimeCreated gives a Security record its time
    m, s = divmod(sec, 60)
    recs.append({"Event": {"System": {"Provider": {"#attributes": {"Name": "Microsoft-Windows-Security-Auditing"}},
                                      "EventID": 4625, "Channel": "Security", "Computer": "WIN1",
                                      "TimeCreated": {"#attributes": {"SystemTime": "2024-03-12T10:%02d:%02d.000000Z" % (m, s)}}},
                           "EventData": {"TargetUserName": user, "TargetDomainName": "CORP", "LogonType": "3",
                                         "IpAddress": ip, "IpPort": "50000"}}})
for i in range(6): proc(i, "a")
for i in range(5): proc(10 + i, "b")
for i in range(5): proc(20 + i, "c")
proc(321, "c")
for i, u in enumerate(["u0", "u1", "u0", "u2"]): logon(400 + i, u, "203.0.113.66")
logon(410, "u0", "203.0.113.77"); logon(411, "u1", "203.0.113.77"); logon(411 + 660, "u2", "203.0.113.77")
with open(sys.argv[1], "w") as f:
    f.write("".join(json.dumps(r) + "\n" for r in recs))
PY
got=$("$PALISADE" eval --policy "$TMP/agg" --events "$TMP/agg.jsonl" 2>/dev/null |
      jq -r 'select(.matches | length > 0) | "\(.line): " + ([.matches[] | "\(.rule) \(.members | map(tostring) | join(","))"] | join("; "))')
expect_eq "aggregations: the converted rules count as Sigma means" "$got" \
"6: 44444444-0000-4000-8000-000000000001 1,2,3,4,5,6
21: 44444444-0000-4000-8000-000000000002 19,20,21"

# ---- 4. mappings ----
"$PALISADE" sigma mapping >"$TMP/map.yaml"
expect_eq "sigma mapping prints the built-in one" "$?" 0
sed -i 's|^  Image: process.executable$|  Image: process.name|' "$TMP/map.yaml"
"$PALISADE" sigma convert "$D/rules/proc_conditions.yml" -o "$TMP/usermap" --mapping "$TMP/map.yaml" 2>/dev/null
check "a user mapping is used" grep -q "process.name endswith nocase '\\\\cond-a.exe'" "$TMP/usermap/proc_conditions.pal"
printf 'fields:\n  Image: [x\n' >"$TMP/broken.yaml"
"$PALISADE" sigma convert "$D/rules" -o "$TMP/broken" --mapping "$TMP/broken.yaml" 2>"$TMP/broken.err"
expect_eq "a broken mapping exits 2" "$?" 2
check "a broken mapping names its file and line" grep -q "broken.yaml:3:1: YAML syntax error" "$TMP/broken.err"

finish
