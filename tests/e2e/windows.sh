#!/usr/bin/env bash
# Windows telemetry end to end (issue 16; SPEC 15 "Windows events"): one small
# intrusion on a Windows container host — a failed and a good network logon,
# a PsExec-style service, an encoded PowerShell with its script block, an
# unsigned DLL load, the C2 connection and its DNS query, a dropped file with
# its Zone.Identifier stream, a Run key and a Defender policy value, lsass
# access, a remote thread, a pipe, a WMI consumer, a WFP connection, a
# deletion, a process exit and a Sysmon record palisade does not map — as
# Winlogbeat ships it, as NXLog writes it (flat) and as evtx_dump -o jsonl
# writes it (tests/e2e/data/windows-*.jsonl, the same 21 records).
#
#   1. every layout gives the same decisions, line by line, and each record
#      is decided by the rules written for it (one rule per kind and more);
#   2. auto-detection decides each file as --input-format does, and a stream
#      mixing the three layouts line by line decides as each file does;
#   3. evtx_dump's default (pretty-printed) output is refused line by line
#      with the advice to use jq -c / -o jsonl, and once compacted decides as
#      the jsonl file does.
#
# Needs $PALISADE (tests/run-all.sh sets it), python3.
. "$(dirname "$0")/lib/harness.sh"

mkdir -p "$TMP/policy"
cat >"$TMP/policy/windows.pal" <<'EOF'
package windows

rule "brute force" {
  on authentication
  when event.outcome == "failure" and winlog.event_data.LogonType == 3
  message "failed network logon of {user.name} from {source.ip}"
}
rule "network logon" {
  on authentication
  when event.outcome == "success" and winlog.event_data.LogonType == 3 and winlog.event_data.AuthenticationPackageName == "NTLM"
  message "NTLM network logon of {user.domain}\\{user.name} from {source.ip}, logon {winlog.logon.id}"
}
rule "psexec-like service" {
  on configuration
  when winlog.event_data.ImagePath contains "\\\\127.0.0.1\\C$"
  message "service {service.name} ({service.type}) writes to the admin share"
}
rule "encoded powershell" {
  on process
  when "start" in event.type and process.pe.original_file_name == "PowerShell.EXE" and process.command_line contains " -enc "
  message "{process.name} from {process.parent.name} as {user.name} ({winlog.event_data.IntegrityLevel})"
}
rule "encoded powershell (security)" {
  on process
  when event.code == "4688" and process.name == "powershell.exe" and process.command_line contains " -enc "
  message "{process.name} pid {process.pid} from pid {process.parent.pid} ({winlog.event_data.MandatoryLabel})"
}
rule "download cradle" {
  on process
  when powershell.file.script_block_text contains "DownloadString"
  message "script block {powershell.file.script_block_id}"
}
rule "unsigned dll from Public" {
  on library
  when dll.path like "C:/Users/Public/**" and dll.code_signature.signed == false
  message "{process.name} loaded {dll.name} ({dll.code_signature.status}) {dll.hash.sha256}"
}
rule "c2 connection" {
  on network
  when destination.ip == 203.0.113.9 or destination.port == 4444
  message "{process.executable} -> {destination.ip}:{destination.port} {network.transport} {network.direction}"
}
rule "bad domain" {
  on dns
  when dns.question.name in ["*.badactor.invalid"]
  message "{dns.question.name} -> {dns.resolved_ip}"
}
rule "dropped exe" {
  on file
  when event.action == "creation" and file.extension == "exe"
  message "{process.name} wrote {file.path}"
}
rule "downloaded" {
  on file
  when event.action == "stream-creation" and winlog.event_data.Contents contains "ZoneId=3"
  message "{file.name} came from the internet ({file.hash.sha256})"
}
rule "run key" {
  on registry
  when registry.hive == "HKLM" and registry.key like "*\\CurrentVersion\\Run\\*"
  message "{registry.value} = {registry.data.strings}"
}
rule "defender off" {
  on registry
  when registry.value == "DisableAntiSpyware" and "1" in registry.data.strings
  message "{registry.data.type} {winlog.event_data.Details}"
}
rule "lsass access" {
  on process
  when winlog.event_data.TargetImage like "C:/Windows/System32/lsass.exe" and winlog.event_data.GrantedAccess == "0x1010"
  message "{process.name} opened lsass with {winlog.event_data.GrantedAccess}"
}
rule "remote thread" {
  on process
  when event.action == "remote-thread-creation"
  message "{process.name} -> {winlog.event_data.TargetImage} ({winlog.event_data.TargetUser})"
}
rule "cobalt pipe" {
  on file
  when file.name like "\\MSSE-*-server"
  message "pipe {file.name} by {process.name}"
}
rule "wmi persistence" {
  on process
  when event.action == "wmi-consumer" and winlog.event_data.Type == "Command Line"
  message "consumer {winlog.event_data.Name}: {winlog.event_data.Destination}"
}
rule "script deleted" {
  on file
  when event.action == "deletion" and file.extension == "bat"
  message "{file.path} deleted ({file.hash.sha256})"
}
rule "exit" {
  on process
  when "end" in event.type
  message "{process.name} exited"
}
EOF

python3 - <<'PYEOF'
import json, os, subprocess
from harness import PAL, TMP, bad, check, finish

POLICY = os.path.join(TMP, "policy")
DATA = "tests/e2e/data"
LAYOUTS = {"winlogbeat": "sysmon", "flat": "sysmon", "evtx": "evtx-json"}

# WFP (5156) writes device paths: the host's volume 3 is C:
def eval_(path, fmt=None, extra=("--volume-map", "\\Device\\HarddiskVolume3=C:")):
    args = [PAL, "eval", "--policy", POLICY, "--events", path] + (["--input-format", fmt] if fmt else [])
    p = subprocess.run(args + list(extra), capture_output=True, text=True)
    decs = []
    for l in p.stdout.splitlines():
        try: decs.append(json.loads(l))
        except ValueError: bad(f"{path}: output is JSON lines", l[:300])
    return p.returncode, decs, p.stderr

def view(d):   # what a layout must not change: effect, matches, error
    return (d.get("effect"), json.dumps(d.get("matches"), sort_keys=True), d.get("error"))

# 1. the three layouts decide alike, and each record is decided by its rules
want = {1: ["brute force"], 2: ["network logon"], 3: ["psexec-like service"], 4: ["encoded powershell"],
        5: ["encoded powershell (security)"], 6: ["download cradle"], 7: ["unsigned dll from Public"],
        8: ["c2 connection"], 9: ["bad domain"], 10: ["dropped exe"], 11: ["downloaded"], 12: ["run key"],
        13: ["defender off"], 14: ["lsass access"], 15: ["remote thread"], 16: ["cobalt pipe"],
        17: ["wmi persistence"], 18: ["c2 connection"], 19: ["script deleted"], 20: ["exit"], 21: []}
runs = {}
for name, fmt in LAYOUTS.items():
    rc, decs, err = eval_(f"{DATA}/windows-{name}.jsonl", fmt)
    runs[name] = decs
    check(rc == 0 and len(decs) == 21, f"{name}: 21 decisions, exit 0", f"exit {rc}, {len(decs)} decisions\n{err}")
    got = {d["line"]: sorted(m["rule"] for m in d.get("matches", [])) for d in decs}
    diff = {l: (w, got.get(l)) for l, w in want.items() if sorted(w) != got.get(l)}
    check(not diff, f"{name}: every record decided by the rule written for it",
          "\n".join(f"line {l}: want {w}, got {g}" for l, (w, g) in sorted(diff.items())))
    warn = [d for d in decs if d.get("warning")]
    check(not warn, f"{name}: no line has an unreadable field", json.dumps(warn[:2]))
    d21 = next((d for d in decs if d["line"] == 21), {})
    check("unsupported Sysmon EventID 27 (palisade maps 1, 2, 3, 4, 5," in d21.get("error", ""),
          f"{name}: the unmapped Sysmon 27 record is an error decision naming the EventIDs palisade maps", d21)
for name in ("flat", "evtx"):
    a, b = runs["winlogbeat"], runs[name]
    diffs = [(x["line"], view(x), view(y)) for x, y in zip(a, b) if view(x) != view(y)]
    check(len(a) == len(b) and not diffs, f"{name}: decides every record as the Winlogbeat layout does",
          "\n".join(f"line {l}:\n  winlogbeat {x}\n  {name} {y}" for l, x, y in diffs[:4]))
msgs = {d["line"]: [m["message"] for m in d["matches"]] for d in runs["evtx"]}
check(msgs.get(2) == ["NTLM network logon of WINCTR-HOST01\\administrator from 203.0.113.66, logon 0x8d2a1"],
      "the logon's account, source and logon id", msgs.get(2))
check(msgs.get(5) == ["powershell.exe pid 6120 from pid 5980 (S-1-16-16384)"],
      "Security 4688: hex pids read as numbers, the mandatory label as written", msgs.get(5))
check(msgs.get(4) == ["powershell.exe from cmd.exe as SYSTEM (System)"], "Sysmon 1: PE name, user, integrity level",
      msgs.get(4))
check(msgs.get(13) == ["REG_DWORD DWORD (0x00000001)"], "registry DWORD data read as its value", msgs.get(13))
check(msgs.get(18) == ["C:\\users\\public\\svchost.exe -> 198.51.100.7:4444 tcp outbound"],
      "WFP 5156: \\device\\harddiskvolume path, direction and protocol number", msgs.get(18))

# 2. auto-detection, and a stream mixing the layouts
for name, fmt in LAYOUTS.items():
    _, a, _ = eval_(f"{DATA}/windows-{name}.jsonl")
    check([view(d) for d in a] == [view(d) for d in runs[name]], f"{name}: auto-detection decides like --input-format {fmt}")
lines = {n: open(f"{DATA}/windows-{n}.jsonl").read().splitlines() for n in LAYOUTS}
mixed = os.path.join(TMP, "mixed.jsonl")
order = list(LAYOUTS)
with open(mixed, "w") as f:
    for i in range(21):
        f.write(lines[order[i % 3]][i] + "\n")
_, m, err = eval_(mixed)
check([view(d) for d in m] == [view(d) for d in runs["winlogbeat"]],
      "a stream mixing the three layouts line by line decides as each file does", err)

# 3. evtx_dump's pretty-printed default output
rc, p, err = eval_(f"{DATA}/windows-evtx-pretty.json")
errs = [d.get("error", "") for d in p]
check(len(p) > 3 and all(e for e in errs), "pretty-printed: every line is an error decision, none is misread",
      errs[:3])
check(errs and errs[0].startswith("line is evtx_dump's record header (\"Record N\"), not a whole JSON object"),
      "pretty-printed: the first line's error says what it is", errs[:1])
check(rc == 2 and err.count("-o jsonl") == 1 and "it is evtx_dump's default output (pretty-printed records)" in err,
      "pretty-printed: eval exits 2 and says once how to write JSON lines (evtx_dump -o jsonl)", f"exit {rc}: {err}")
pj = os.path.join(TMP, "jq-pretty.json")
with open(pj, "w") as f:
    f.write(json.dumps(json.loads(open(f"{DATA}/windows-evtx.jsonl").readline()), indent=2) + "\n")
rc2, _, err2 = eval_(pj)
check(rc2 == 2 and "it is pretty-printed JSON" in err2 and "convert it with jq -c . " in err2,
      "a pretty-printed record (jq . output): exit 2, convert it with jq -c .", f"exit {rc2}: {err2}")
check(len(errs) > 1 and errs[1].startswith("line is '{' alone, not a whole JSON object: this looks like pretty-printed"),
      "pretty-printed: '{' alone is named as a piece of a pretty-printed document", errs[1:2])
compact = os.path.join(TMP, "compacted.jsonl")
with open(f"{DATA}/windows-evtx-pretty.json") as f, open(compact, "w") as out:
    text, dec, i = f.read(), json.JSONDecoder(), 0
    while i < len(text):
        if text.startswith("Record ", i):
            i = text.index("\n", i) + 1; continue
        if text[i].isspace(): i += 1; continue
        obj, i = dec.raw_decode(text, i)
        out.write(json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n")   # what jq -c writes
_, c, _ = eval_(compact)
check([view(d) for d in c] == [view(d) for d in runs["evtx"][:3]], "compacted, the pretty-printed records decide as the jsonl ones")
finish()
PYEOF
