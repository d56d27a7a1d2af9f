#!/usr/bin/env bash
# The Dockle / docker-bench table of checks/README.md, end to end:
#   - every Dockle code (CIS-DI-0001..0010, DKL-DI-0001..0006,
#     DKL-LI-0001..0003) and docker-bench 4.1..4.11 has a row, which names
#     existing palisade checks or says "not applicable" and why;
#   - each code mapped to checks has an image that fails one of them and
#     one that fails none (tests/e2e/data/images/mapping.json, built on the
#     bases of checks.json);
#   - config-only images shaped like dockle's own manifest fixtures get
#     exactly the findings dockle expects (15), each by the check the table
#     maps dockle's code to.
. "$(dirname "$0")/lib/harness.sh"
python3 - <<'PY'
import collections, copy, glob, json, os, re, subprocess, sys

import mkimage
from harness import PAL, TMP, check, finish


def ok(name, cond, detail=""):  # this script's checks are written name first
    check(cond, name, detail)


checks = set()
for path in glob.glob("checks/*.pal"):
    checks |= set(re.findall(r'^check\s+"([^"]+)"', open(path, encoding="utf-8").read(), re.M))

table = {}
for line in open("checks/README.md", encoding="utf-8"):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) == 3 and re.match(r"^(CIS-DI-\d{4}|DKL-(DI|LI)-\d{4}|docker-bench 4\.\d+)$", cells[0]):
        ok("%s has one row" % cells[0], cells[0] not in table)
        # a "not applicable" row may point at related checks; it maps to none
        na = cells[2].startswith("not applicable: ")
        table[cells[0]] = ([] if na else re.findall(r"\bPAL-\d{4}\b", cells[2]), cells[2])

want = (["CIS-DI-%04d" % i for i in range(1, 11)] + ["DKL-DI-%04d" % i for i in range(1, 7)] +
        ["DKL-LI-%04d" % i for i in range(1, 4)] + ["docker-bench 4.%d" % i for i in range(1, 12)])
for code in want:
    ok("%s is in the table of checks/README.md" % code, code in table)
for code, (ids, text) in sorted(table.items()):
    ok("%s names palisade checks or says why not" % code, ids or text.startswith("not applicable: "), text)
    for cid in ids:
        ok("%s: check %s exists" % (code, cid), cid in checks)

bases = json.load(open("tests/e2e/data/images/checks.json"))["bases"]
data = json.load(open("tests/e2e/data/images/mapping.json"))


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


def failing(name, spec):
    out = os.path.join(TMP, re.sub(r"\W", "_", name) + ".tar")
    mkimage.build(spec, out)
    r = subprocess.run([PAL, "scan", out, "--format", "json"], capture_output=True, text=True, timeout=60)
    if r.returncode not in (0, 1):
        return None, "exit %d: %s" % (r.returncode, r.stderr.strip())
    return [f for f in json.loads(r.stdout)["findings"] if f["status"] == "fail"], None


for code, (ids, _) in sorted(table.items()):
    cases = data["cases"].get(code, [])
    if not ids:
        ok("%s (not applicable) has no images" % code, not cases)
        continue
    ok("%s has a failing and a passing image" % code, {c["expect"] for c in cases} == {"fail", "pass"})
    for i, case in enumerate(cases):
        label = "%s case %d (%s, %s)" % (code, i + 1, case["base"], case["expect"])
        found, err = failing("%s-%d" % (code, i), spec_for(case))
        if err:
            ok(label + " scans", False, err)
            continue
        hit = sorted({f["id"] for f in found} & set(ids))
        detail = "findings: " + ("; ".join("%s: %s" % (f["id"], f["message"]) for f in found) or "none")
        if case["expect"] == "fail":
            ok(label + " fails one of " + ", ".join(ids), hit, detail)
        else:
            ok(label + " fails none of " + ", ".join(ids), not hit, detail)
for code in sorted(set(data["cases"]) - set(table)):
    ok("mapping.json code %s is in the table" % code, False)

total = 0
for fx in data["dockle_fixtures"]:
    found, err = failing("dockle-" + fx["name"], fx["spec"])
    if err:
        ok("dockle fixture %s scans" % fx["name"], False, err)
        continue
    got = dict(collections.Counter(f["id"] for f in found))
    ok("dockle fixture %s: palisade finds what dockle does %s" % (fx["name"], fx["expect"]), got == fx["expect"],
       "got %s: %s" % (got, "; ".join(f["message"] for f in found)))
    # each dockle code is found by a check the table maps it to
    mapped = collections.Counter()
    for code in fx["dockle"]:
        ids = table.get(code, ([], ""))[0]
        cid = next((c for c in ids if c in fx["expect"]), None)
        ok("dockle fixture %s: %s maps to a check it expects" % (fx["name"], code), cid is not None, str(ids))
        if cid:
            mapped[cid] += 1
    ok("dockle fixture %s: one finding per dockle assessment" % fx["name"], dict(mapped) == fx["expect"], str(dict(mapped)))
    total += sum(got.values())
ok("dockle's fixtures: all 15 assessments found", total == 15, "found %d" % total)

finish()
PY
