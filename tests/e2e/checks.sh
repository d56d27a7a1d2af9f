#!/usr/bin/env bash
# Every built-in check, end to end: for each check, images that fail it and
# near misses that pass, built by tests/e2e/lib/mkimage.py from two clean
# base images (tests/e2e/data/images/checks.json) and scanned with the
# embedded checks (`palisade scan --format json`).
#
#   - a failing case fails exactly that check (plus the ones it lists in
#     "also"), and a finding's message names the offending thing;
#   - a passing case, and each clean base image, passes every check;
#   - every check of checks/*.pal has at least one failing and one passing
#     case, and no case names a check that does not exist;
#   - checks/frameworks/*.yaml and the checks' `frameworks { ... }` meta
#     agree: every check a YAML lists exists, and every (framework, control)
#     a check names is that framework's YAML listing the check, and back.
#
# One python process builds all images (no interpreter start per image);
# the whole script takes a few seconds.
. "$(dirname "$0")/lib/harness.sh"
python3 - <<'PY'
import copy, glob, json, os, re, subprocess, sys

import mkimage
from harness import PAL, TMP, check, finish


def ok(name, cond, detail=""):  # this script's checks are written name first
    check(cond, name, detail)


# --- the checks and their frameworks meta, from the source ------------------

checks = {}   # id -> {framework: control}
for path in sorted(glob.glob("checks/*.pal")):
    src = open(path, encoding="utf-8").read()
    # declarations start at column 0; a check's chunk runs to the next one
    for m in re.finditer(r'^check\s+"([^"]+)"\s*\{(.*?)(?=^(?:check|test|list|macro|rule|runtime|firewall)\b|\Z)',
                         src, re.S | re.M):
        cid, body = m.group(1), m.group(2)
        fw = re.search(r"\bframeworks\s*\{([^}]*)\}", body)
        checks[cid] = dict(re.findall(r'(\w+)\s*:\s*"([^"]*)"', fw.group(1))) if fw else {}
ok("checks/*.pal declares checks", len(checks) >= 20, "found %d" % len(checks))


# --- the framework YAML files (the simple shape h2's loader reads) -----------

def scalar(v):
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


def read_framework(path):
    fw, controls, cur = {}, [], None
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.match(r"^(\w+):\s*(.*)$", line)
        if m:
            if m.group(1) != "controls":
                fw[m.group(1)] = scalar(m.group(2))
            continue
        m = re.match(r"^\s+-\s+id:\s*(.+)$", line)
        if m:
            cur = {"id": scalar(m.group(1)), "line": n}
            controls.append(cur)
            continue
        m = re.match(r"^\s+(title|checks):\s*(.+)$", line)
        if m and cur is not None:
            if m.group(1) == "checks":
                inner = re.match(r"^\[(.*)\]\s*$", m.group(2).strip())
                cur["checks"] = [scalar(c) for c in inner.group(1).split(",") if c.strip()] if inner else None
            else:
                cur["title"] = scalar(m.group(2))
            continue
        raise SystemExit("%s:%d: line not in the framework shape: %r" % (path, n, line))
    fw["controls"] = controls
    return fw


yaml_pairs = set()   # (framework, control, check)
keys = {}
for path in sorted(glob.glob("checks/frameworks/*.yaml")):
    fw = read_framework(path)
    key = fw.get("framework", "")
    ok("%s has framework, title, version and controls" % path,
       all(fw.get(k) for k in ("framework", "title", "version")) and fw["controls"])
    ok("%s: framework key '%s' is used by one file" % (path, key), key not in keys, "also in %s" % keys.get(key))
    keys[key] = path
    seen = set()
    for c in fw["controls"]:
        where = "%s:%d control %s" % (path, c["line"], c["id"])
        ok(where + " has a title and a checks list", c.get("title") and c.get("checks"))
        ok(where + " is listed once", c["id"] not in seen)
        seen.add(c["id"])
        for cid in c.get("checks") or []:
            ok("%s: check %s exists" % (where, cid), cid in checks)
            yaml_pairs.add((key, c["id"], cid))
for want in ("cis_docker", "nist_800_190", "pci_dss", "hipaa", "gdpr"):
    ok("a framework YAML for %s" % want, want in keys)

meta_pairs = {(fw, ctl, cid) for cid, m in checks.items() for fw, ctl in m.items()}
for fw, ctl, cid in sorted(meta_pairs - yaml_pairs):
    ok("%s names %s %s, which the framework YAML does not list for it" % (cid, fw, ctl), False)
for fw, ctl, cid in sorted(yaml_pairs - meta_pairs):
    ok("%s YAML lists %s under %s, but the check's meta does not name it" % (fw, cid, ctl), False)
ok("framework YAML and check meta agree (%d mappings)" % len(meta_pairs), meta_pairs == yaml_pairs)


# --- images ------------------------------------------------------------------

data = json.load(open("tests/e2e/data/images/checks.json"))
bases, cases = data["bases"], data["cases"]


def spec_for(case):
    spec = copy.deepcopy(bases[case["base"]])
    spec["config"].update(case.get("config", {}))
    if "tags" in case:
        spec["tags"] = case["tags"]
    spec["history"] = spec["history"] + case.get("history", [])
    if "entries" in case:
        spec["layers"].append({"compress": "gzip", "entries": case["entries"]})
        spec["history"].append({"created_by": "COPY case /  # buildkit"})
    if "os_version" in case:
        spec["os_version"] = case["os_version"]
    if "software_hive" in case:
        for e in spec["layers"][0]["entries"]:
            if "software_hive" in e:
                e["software_hive"] = case["software_hive"]
    return spec


def scan(name, spec):
    out = os.path.join(TMP, name + ".tar")
    mkimage.build(spec, out)
    try:
        r = subprocess.run([PAL, "scan", out, "--format", "json"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, "cannot run %s: %s" % (PAL, e)
    if r.returncode not in (0, 1):
        return None, "exit %d: %s" % (r.returncode, r.stderr.strip())
    try:
        rep = json.loads(r.stdout)
    except ValueError as e:
        return None, "not JSON (%s): %s" % (e, r.stdout[:200])
    return [f for f in rep.get("findings", []) if f.get("status", "fail") == "fail"], None


for b in sorted(bases):
    found, err = scan("base-" + b, copy.deepcopy(bases[b]))
    ok("the clean %s base image passes every check" % b, err is None and found == [],
       err or ", ".join("%s: %s" % (f["id"], f["message"]) for f in found or []))

for cid in sorted(checks):
    kinds = {c["expect"] for c in cases.get(cid, [])}
    ok("%s has a failing and a passing image" % cid, kinds == {"fail", "pass"}, "cases: %s" % sorted(kinds))
for cid in sorted(set(cases) - set(checks)):
    ok("cases name an existing check (%s)" % cid, False)

for cid in sorted(cases):
    for i, case in enumerate(cases[cid]):
        label = "%s case %d (%s, %s)" % (cid, i + 1, case["base"], case["expect"])
        found, err = scan("%s-%d" % (cid, i + 1), spec_for(case))
        if err:
            ok(label + " scans", False, err)
            continue
        ids = sorted({f["id"] for f in found})
        detail = "findings: " + ("; ".join("%s: %s" % (f["id"], f["message"]) for f in found) or "none")
        if case["expect"] == "fail":
            ok(label + " fails exactly " + ", ".join([cid] + case.get("also", [])),
               ids == sorted({cid, *case.get("also", [])}), detail)
            if "message" in case:
                ok(label + " names the offending thing (%r)" % case["message"],
                   any(f["id"] == cid and case["message"] in f["message"] for f in found), detail)
            mine = [f for f in found if f["id"] == cid]
            if "remediation" in case:
                ok(label + " tells this image's fix (%r)" % case["remediation"],
                   mine and all(case["remediation"] in f["remediation"] for f in mine), detail)
            if "remediation_not" in case:
                ok(label + " tells no other OS's fix (%r)" % case["remediation_not"],
                   mine and not any(case["remediation_not"] in f["remediation"] for f in mine), detail)
            # a message is a sentence a user reads: no empty quotes, empty
            # lists or undefined values rendered into it
            for f in found:
                ok(label + " %s's message is a plain sentence" % f["id"],
                   not re.search(r"''|\[\]|<undefined>", f["message"]), f["message"])
        else:
            ok(label + " passes every check", ids == [], detail)

finish()
PY
