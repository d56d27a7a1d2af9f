#!/usr/bin/env bash
# sigma.sh — 1,000 converted Sigma rules over Windows events (issue 16),
# against the cJSON floor measured in the same run.
#
# Generates BENCH_SIGMA_RULES (default 1000) Sigma rules in the shapes the
# SigmaHQ Windows corpus is made of — process_creation (Image|endswith,
# OriginalFileName, CommandLine|contains lists and |all, ParentImage,
# windash, base64offset, filters), registry_set, network_connection,
# image_load, dns_query, file_event — each keyed on values of its own, as
# real rules are; converts them with `palisade sigma convert` (all must
# convert); and generates BENCH_EVENTS (default 300,000) Sysmon records in
# the Winlogbeat layout (process starts, connections, registry writes,
# image loads, DNS queries, file creations; about 1% match a rule), then
# times on that one file:
#   baseline    cJSON parse + free of every line (bench_index parse-floor)
#   palisade eval --only-findings with one rule that never matches: the
#               cost of reading the records, to which the rules add theirs
#   palisade eval --only-findings with the converted rules, index on
#   the same with the rule index off (PALISADE_INDEX=0), for scale
# CPU seconds (user + sys), best of BENCH_RUNS (default 3), printed as
# events/s and as a ratio to the cJSON floor.  Before timing it checks
# that the rules fire: the events written to match do, the others do not.
# Nothing asserts a time.
#
#   BENCH_EVENTS=50000 BENCH_RUNS=1 tests/bench/sigma.sh    # quicker
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
PAL=${PALISADE:-$PWD/$BUILD/palisade}
RULES=${BENCH_SIGMA_RULES:-1000}
EVENTS=${BENCH_EVENTS:-300000}
RUNS=${BENCH_RUNS:-3}
# shellcheck source=tests/bench/lib.sh
. tests/bench/lib.sh

if [ ! -x "$PAL" ] || [ ! -f "$BUILD/libpalisade.a" ]; then echo "sigma bench: build first (make)" >&2; exit 2; fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/palisade-bench-sigma.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$TMP"' EXIT
bench_measure_tool || exit 2
bench_build_c "$BUILD/bench/bench_index" tests/bench/bench_index.c || exit 2
IDX="$BUILD/bench/bench_index"

python3 - "$TMP" "$RULES" "$EVENTS" <<'EOF' || exit 2
import base64, json, os, random, sys
tmp, nrules, nevents = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(16)
os.makedirs(f"{tmp}/rules")
SYSMON = "Microsoft-Windows-Sysmon/Operational"
def q(s): return "'" + s.replace("'", "''") + "'"
hits = []   # (kind, record data) written to match rule i
for i in range(nrules):
    kind = ["proc"] * 6 + ["reg", "net", "img", "dns", "file"]
    k = kind[i % len(kind)]
    rid = f"00000000-0000-4000-8000-{i:012d}"
    tool = f"tool{i:04d}"
    head = f"title: Bench rule {i}\nid: {rid}\nlevel: medium\ntags:\n    - attack.t1059\n"
    if k == "proc":
        shape = i % 5
        if shape == 0:
            det = (f"    selection_img:\n        - Image|endswith: '\\{tool}.exe'\n        - OriginalFileName: '{tool}.exe'\n"
                   f"    selection_cli:\n        CommandLine|contains:\n            - ' -x{i} '\n            - ' /y{i} '\n"
                   f"    filter_main:\n        ParentImage|endswith: '\\msiexec.exe'\n"
                   f"    condition: all of selection_* and not 1 of filter_main*\n")
            hit = {"Image": f"C:\\Users\\Public\\{tool}.exe", "CommandLine": f"{tool}.exe -x{i} now"}
        elif shape == 1:
            det = (f"    selection:\n        CommandLine|contains|all:\n            - 'alpha{i}z'\n            - 'beta{i}z'\n"
                   f"        Image|endswith:\n            - '\\cmd.exe'\n            - '\\powershell.exe'\n    condition: selection\n")
            hit = {"Image": "C:\\Windows\\System32\\cmd.exe", "CommandLine": f"cmd /c alpha{i}z and beta{i}z"}
        elif shape == 2:
            det = (f"    selection:\n        ParentImage|endswith: '\\{tool}.exe'\n        Image|endswith:\n"
                   f"            - '\\rundll32.exe'\n            - '\\regsvr32.exe'\n    condition: selection\n")
            hit = {"Image": "C:\\Windows\\System32\\rundll32.exe", "ParentImage": f"C:\\Apps\\{tool}.exe", "CommandLine": "rundll32 x.dll,Y"}
        elif shape == 3:
            det = (f"    selection:\n        CommandLine|windash|contains: ' -w{i}flag '\n    condition: selection\n")
            hit = {"Image": "C:\\Windows\\System32\\cmd.exe", "CommandLine": f"x.exe /w{i}flag y"}
        else:
            word = f"Payload{i:04d}"
            det = (f"    selection:\n        CommandLine|base64offset|contains: '{word}'\n    condition: selection\n")
            hit = {"Image": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                   "CommandLine": "powershell -enc " + base64.b64encode(f"xx{word}yy".encode()).decode()}
        src = "    category: process_creation\n    product: windows\n"
        hits.append((1, hit))
    elif k == "reg":
        det = (f"    selection:\n        TargetObject|contains: '\\Software\\Vendor{i}\\Run'\n        Details|contains: '\\Temp\\'\n    condition: selection\n")
        src = "    category: registry_set\n    product: windows\n"
        hits.append((13, {"EventType": "SetValue", "TargetObject": f"HKLM\\Software\\Vendor{i}\\Run\\x", "Details": "C:\\Temp\\a.exe"}))
    elif k == "net":
        det = (f"    selection:\n        Image|endswith: '\\{tool}.exe'\n        Initiated: 'true'\n"
               f"    filter:\n        DestinationIp|cidr:\n            - '10.0.0.0/8'\n            - '192.168.0.0/16'\n"
               f"    condition: selection and not filter\n")
        src = "    category: network_connection\n    product: windows\n"
        hits.append((3, {"Image": f"C:\\Apps\\{tool}.exe", "Initiated": "true", "Protocol": "tcp", "SourceIp": "10.1.1.1",
                         "SourcePort": "50000", "DestinationIp": "203.0.113.7", "DestinationPort": "443"}))
    elif k == "img":
        det = (f"    selection:\n        ImageLoaded|endswith: '\\{tool}.dll'\n    filter:\n        Signed: 'true'\n    condition: selection and not filter\n")
        src = "    category: image_load\n    product: windows\n"
        hits.append((7, {"Image": "C:\\Apps\\host.exe", "ImageLoaded": f"C:\\Apps\\{tool}.dll", "Signed": "false", "SignatureStatus": "Unavailable"}))
    elif k == "dns":
        det = (f"    selection:\n        QueryName|endswith: '.c2-{i}.example'\n    condition: selection\n")
        src = "    category: dns_query\n    product: windows\n"
        hits.append((22, {"Image": "C:\\Apps\\host.exe", "QueryName": f"a.c2-{i}.example", "QueryStatus": "0"}))
    else:
        det = (f"    selection:\n        TargetFilename|contains: '\\Drop{i}\\'\n        TargetFilename|endswith: '.ps1'\n    condition: selection\n")
        src = "    category: file_event\n    product: windows\n"
        hits.append((11, {"Image": "C:\\Apps\\host.exe", "TargetFilename": f"C:\\Users\\u\\Drop{i}\\x.ps1"}))
    with open(f"{tmp}/rules/r{i:04d}.yml", "w") as f:
        f.write(head + "logsource:\n" + src + "detection:\n" + det)

# background: ordinary activity that matches nothing
procs = ["svchost.exe", "chrome.exe", "explorer.exe", "conhost.exe", "msedge.exe", "OneDrive.exe", "Teams.exe", "notepad.exe"]
def background(n):
    e = rnd.randrange(10)
    p = rnd.choice(procs)
    base = {"UtcTime": "2025-01-01 10:00:00.000", "ProcessGuid": "{%08x}" % n, "ProcessId": str(1000 + n % 50000),
            "Image": f"C:\\Program Files\\App\\{p}", "User": "CORP\\user%d" % (n % 300)}
    if e < 4:
        base.update({"CommandLine": f"\"C:\\Program Files\\App\\{p}\" --type=renderer --field-trial-handle={n} --lang=en-US",
                     "CurrentDirectory": "C:\\Program Files\\App\\", "ParentImage": "C:\\Windows\\explorer.exe",
                     "ParentCommandLine": "C:\\Windows\\Explorer.EXE", "ParentProcessId": "4000",
                     "OriginalFileName": p, "Description": "App", "Company": "Vendor", "IntegrityLevel": "Medium",
                     "Hashes": "SHA1=%040x,MD5=%032x,SHA256=%064x,IMPHASH=%032x" % (n, n, n, n)})
        return 1, base
    if e < 6:
        base.update({"Protocol": "tcp", "Initiated": "true", "SourceIp": "10.0.%d.%d" % (n % 250, n % 200), "SourcePort": str(49152 + n % 10000),
                     "DestinationIp": "142.250.%d.%d" % (n % 250, n % 200), "DestinationPort": "443", "DestinationHostname": "www.example.com"})
        return 3, base
    if e < 8:
        base.update({"EventType": "SetValue", "TargetObject": "HKU\\S-1-5-21-1\\Software\\App\\Settings\\k%d" % (n % 1000), "Details": "DWORD (0x00000001)"})
        return 13, base
    if e < 9:
        base.update({"ImageLoaded": "C:\\Windows\\System32\\kernelbase.dll", "Signed": "true", "Signature": "Microsoft Windows",
                     "SignatureStatus": "Valid", "Hashes": "SHA256=%064x" % n})
        return 7, base
    base.update({"QueryName": "host%d.example.net" % (n % 5000), "QueryStatus": "0", "QueryResults": "::ffff:203.0.113.9;"})
    return 22, base
def line(eid, data, n):
    d = {"UtcTime": "2025-01-01 10:00:00.000", "ProcessGuid": "{%08x}" % n, "ProcessId": str(1000 + n % 50000), "User": "CORP\\u"}
    d.update(data)
    return json.dumps({"@timestamp": "2025-01-01T10:00:00.000Z", "host": {"name": "ws%d" % (n % 100)},
                       "winlog": {"channel": SYSMON, "event_id": eid, "provider_name": "Microsoft-Windows-Sysmon",
                                  "computer_name": "ws%d" % (n % 100), "event_data": d}})
with open(f"{tmp}/events.jsonl", "w") as f, open(f"{tmp}/check.jsonl", "w") as c, open(f"{tmp}/check.want", "w") as w:
    for n in range(nevents):
        if n % 100 == 0:
            i = (n // 100) % nrules
            f.write(line(*hits[i], n) + "\n")
        else:
            f.write(line(*background(n), n) + "\n")
    for i, h in enumerate(hits):
        c.write(line(*h, i) + "\n")
        w.write(f"00000000-0000-4000-8000-{i:012d}\n")
    for n in range(2000):
        c.write(line(*background(n), n) + "\n")
        w.write("-\n")
EOF

"$PAL" sigma convert "$TMP/rules" -o "$TMP/pal" 2>"$TMP/convert.err" || { cat "$TMP/convert.err" >&2; exit 2; }
grep -q "converted $RULES of $RULES rules" "$TMP/convert.err" || { echo "sigma bench: not every rule converted: $(tail -n 3 "$TMP/convert.err")" >&2; exit 2; }
"$PAL" build "$TMP/pal" -o "$TMP/sigma.bundle" >/dev/null 2>"$TMP/build.err" || { cat "$TMP/build.err" >&2; exit 2; }

# the rules fire on what was written for them, and on nothing else
"$PAL" eval --policy "$TMP/sigma.bundle" --events "$TMP/check.jsonl" >"$TMP/check.out" 2>/dev/null
python3 - "$TMP/check.out" "$TMP/check.want" <<'EOF' || exit 2
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
want = [l.strip() for l in open(sys.argv[2])]
bad = [i for i, (d, w) in enumerate(zip(got, want))
       if sorted(m["rule"] for m in d["matches"]) != ([] if w == "-" else [w]) or "error" in d]
if len(got) != len(want) or bad:
    print(f"sigma bench: {len(bad)} of {len(want)} check records decided wrongly (first: line {bad[0] + 1 if bad else '?'})", file=sys.stderr)
    sys.exit(2)
EOF
cat "$TMP/events.jsonl" >/dev/null

mkdir -p "$TMP/one"
echo 'rule "never" { on process when process.name == "no-such-process.exe" }' >"$TMP/one/one.pal"
bench_best "$RUNS" /dev/null "$IDX" parse-floor "$TMP/events.jsonl"; cj=$BEST_CPU
BEST_OK=1 bench_best "$RUNS" /dev/null "$PAL" eval --only-findings --policy "$TMP/one" --events "$TMP/events.jsonl"; one=$BEST_CPU
BEST_OK=1 bench_best "$RUNS" /dev/null "$PAL" eval --only-findings --policy "$TMP/sigma.bundle" --events "$TMP/events.jsonl"; ev=$BEST_CPU
BEST_OK=1 PALISADE_INDEX=0 bench_best 1 /dev/null "$PAL" eval --only-findings --policy "$TMP/sigma.bundle" --events "$TMP/events.jsonl"; noix=$BEST_CPU
found=$("$PAL" eval --only-findings --policy "$TMP/sigma.bundle" --events "$TMP/events.jsonl" 2>/dev/null | wc -l)

r_one=$(bench_rate "$EVENTS" "$one")
r_cj=$(bench_rate "$EVENTS" "$cj") r_ev=$(bench_rate "$EVENTS" "$ev") r_noix=$(bench_rate "$EVENTS" "$noix")
echo "sigma bench: $RULES converted Sigma rules over $EVENTS Sysmon records (Winlogbeat layout), $found with findings; CPU seconds, best of $RUNS"
printf '  %-52s %8s s  %10s ev/s\n' "cJSON parse + free (the floor)" "$cj" "$r_cj"
printf '  %-52s %8s s  %10s ev/s  %s x the floor\n' "palisade eval --only-findings, one rule (reading)" "$one" "$r_one" "$(bench_x "$r_one" "$r_cj")"
printf '  %-52s %8s s  %10s ev/s  %s x the floor\n' "palisade eval --only-findings, $RULES Sigma rules" "$ev" "$r_ev" "$(bench_x "$r_ev" "$r_cj")"
printf '  %-52s %8s s  %10s ev/s  %s x the floor\n' "the same, rule index off (PALISADE_INDEX=0), 1 run" "$noix" "$r_noix" "$(bench_x "$r_noix" "$r_cj")"
