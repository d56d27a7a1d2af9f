#!/usr/bin/env bash
# The HTML report in a real browser: headless Chromium (Debian's chromium,
# installed here when missing and we are root) loads the page over the
# DevTools protocol (tests/e2e/lib/browser.py) and the test reads the DOM:
#   - the counts on the page are the JSON report's (images, severities,
#     checks, vulnerabilities, framework controls, exceptions, history)
#   - attacker-controlled text — image name and tag, labels, env names,
#     file names, history lines, messages, exception reasons, the image's
#     own file name — with <script>, quotes and angle brackets is held as
#     text: no element, attribute or script came from it
#   - no request leaves the page; sorting and filtering work with scripts,
#     and with scripts off every table is there and the controls are not
#   - screenshots at desktop and phone widths are not blank, the phone
#     layout does not scroll sideways, and print media hides the controls
#   - every text, in HTML and in the SVG charts, has WCAG AA contrast
#     against what is behind it
#   - `tidy -errors` finds no error in any of the pages
# on the example images (examples/images), a 20-image run and a hostile
# image.  The pages, screenshots and a PDF print are kept as artefacts in
# $BUILD/tests/artefacts/html/.
. "$(dirname "$0")/lib/harness.sh"
need jq python3
BUILD=${BUILD:-build}
ART=$PWD/$BUILD/tests/artefacts/html
mkdir -p "$ART"

# The test setup installs the browser and the validator (Debian packages)
# when they are missing and it can; otherwise their checks are skipped.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v tidy >/dev/null 2>&1 || missing+=(tidy)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "html_report: installing ${missing[*]} with apt-get"
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-dejavu-core ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" fonts-dejavu-core; }; } >"$TMP/apt.log" 2>&1 || tail -3 "$TMP/apt.log"
fi
export ART

python3 - <<'PYEOF'
import copy, json, os, re, shutil, subprocess, sys
from harness import PAL, TMP, ok, bad, check, expect_eq, skip, finish
import mkimage  # noqa: F401  (the same module the command line uses)
import browser

ART = os.environ["ART"]
EX = "examples/images"


def build(spec, out):
    path = os.path.join(TMP, "spec-%s.json" % os.path.basename(out))
    with open(path, "w") as f:
        json.dump(spec, f)
    subprocess.run([sys.executable, "tests/e2e/lib/mkimage.py", out, "--spec", path], check=True,
                   stdout=subprocess.DEVNULL)


def load(name):
    with open(os.path.join(EX, name)) as f:
        return json.load(f)


def scan(images, out, *extra):
    """Scans into out.json and out.html; returns the parsed JSON."""
    base = [PAL, "scan"] + images + list(extra)
    r = subprocess.run(base + ["--format", "json", "-o", out + ".json"], capture_output=True, text=True)
    subprocess.run(base + ["-o", out + ".html"], capture_output=True, text=True)
    if r.returncode not in (0, 1, 2) or not os.path.exists(out + ".json"):
        bad("scan " + " ".join(images), r.stderr)
        return None
    with open(out + ".json") as f:
        return json.load(f)


feeds = ["--feeds", EX + "/feed.json", "--exceptions", EX + "/exceptions.yaml"]

# ---------------------------------------------------------------- the example images
examples = []
for name in ("catalog", "shop-api", "wincontainerapp"):
    out = os.path.join(TMP, name + ".tar")
    build(load(name + ".json"), out)
    examples.append(out)
ex = scan(examples, os.path.join(TMP, "examples"), *feeds)

# ---------------------------------------------------------------- a 20-image run
bases = [load("catalog.json"), load("shop-api.json"), load("wincontainerapp.json")]
run20 = []
for i in range(20):
    spec = copy.deepcopy(bases[i % 3])
    spec["tags"] = ["registry.example.com/team%d/svc%02d:1.%d" % (i % 4, i, i)]
    if i % 5 == 4 and spec.get("os") != "windows":
        spec["config"]["User"] = "root"          # a few more failures to tell apart
    if i % 7 == 6 and spec.get("os") != "windows":
        spec["layers"].append({"entries": [{"path": "opt/keys/k%d.pem" % k,
                                            "data": "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n"}
                                           for k in range(i % 4 + 1)]})
    out = os.path.join(TMP, "svc%02d.tar" % i)
    build(spec, out)
    run20.append(out)
r20 = scan(run20, os.path.join(TMP, "run20"), *feeds)

# ---------------------------------------------------------------- a hostile image
P = {
    "tag": "evil/<script>document.title='pwned-tag'</script>:1\"'",
    "label_name": "x<script id=pwn1>1</script>",
    "label_value": "<img src=x onerror=\"document.title='pwned-label'\"> & 'single' \"double\"",
    "env": "<script>alert('env')</script>",
    "file": "opt/app/</td><b id=pwn2>\"q'.pem",
    "history": "RUN echo \"<script>document.title='pwned-history'</script>\" '</code></td></tr></table><i id=pwn3>'",
    "reason": "<iframe id=pwn4 src=x></iframe> accepted & 'quoted' \"risk\" <!--",
    "note": "</textarea><style>body{display:none}</style><a id=pwn5 href=javascript:alert(1)>x</a>",
}
hostile_spec = {
    "layout": "docker25", "os": "linux", "tags": [P["tag"]],
    "config": {"User": "root", "Env": [P["env"] + "=1"],
               "Labels": {P["label_name"]: P["label_value"], "note": P["note"]}},
    "history": [{"created_by": P["history"]}],
    "layers": [{"entries": [
        {"path": "etc/passwd", "data": "root:x:0:0:root:/root:/bin/sh\n"},
        {"path": "opt/app", "type": "dir"},
        {"path": P["file"], "data": "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n"},
        {"path": "opt/app/excepted.pem", "data": "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n"}]}]}
hostile_dir = os.path.join(TMP, "h<i>\"'")
os.makedirs(hostile_dir, exist_ok=True)
hostile_tar = os.path.join(hostile_dir, "img<b>.tar")
build(hostile_spec, hostile_tar)
broken = os.path.join(hostile_dir, "broken<svg onload=alert(1)>.tar")
with open(broken, "w") as f:
    f.write("not a tarball")
exc = os.path.join(TMP, "exc.yaml")
with open(exc, "w") as f:
    f.write("exceptions:\n  - id: PAL-0424\n    path: \"*/excepted.pem\"\n    reason: %s\n    expires: 2999-12-31\n"
            % json.dumps(P["reason"]))
pol = os.path.join(TMP, "pol")
os.makedirs(pol, exist_ok=True)
with open(os.path.join(pol, "note.pal"), "w") as f:
    f.write('package checks.note\n\ncheck "ORG-0001" {\n  title "Note <label> & \\"quotes\\""\n  severity high\n'
            '  fail when any l in image.config.labels: l.name == "note"\n  message "note: {l.value}"\n}\n')
hj = scan([hostile_tar, broken], os.path.join(TMP, "hostile"), "--exceptions", exc, "--policy", pol)

for name in ("examples", "run20", "hostile"):
    for ext in ("html", "json"):
        src = os.path.join(TMP, name + "." + ext)
        if os.path.exists(src):
            shutil.copy(src, os.path.join(ART, name + "." + ext))

# ---------------------------------------------------------------- tidy
if shutil.which("tidy"):
    for name in ("examples", "run20", "hostile"):
        r = subprocess.run(["tidy", "-errors", "-q", os.path.join(TMP, name + ".html")], capture_output=True, text=True)
        check(r.returncode < 2 and "Error:" not in r.stderr, "tidy -errors: no error in the %s page" % name, r.stderr)
    # the validator does catch errors (a canary)
    canary = os.path.join(TMP, "canary.html")
    with open(canary, "w") as f:
        f.write("<!DOCTYPE html><html><head><title>x</title></head><body><p>a<tablex></body></html>")
    r = subprocess.run(["tidy", "-errors", "-q", canary], capture_output=True, text=True)
    check(r.returncode == 2 and "Error:" in r.stderr, "tidy -errors: ... and it reports the canary's error", r.stderr)
else:
    skip("tidy -errors on the pages", "tidy is not installed (apt-get install tidy, or make deps)")

if not browser.chromium():
    skip("the report in a browser", "chromium is not installed (apt-get install chromium, or make deps)")
    finish()

# ---------------------------------------------------------------- the DOM
DOM = r"""
(() => {
  const cells = tr => [...tr.cells].map(c => c.textContent.trim());
  const rows = sel => [...document.querySelectorAll(sel + ' tbody tr')].map(cells);
  const secs = [...document.querySelectorAll('section.image')];
  return {
    title: document.title,
    verdict: ['n-passed', 'n-failed', 'n-errors'].map(id => +document.getElementById(id).textContent),
    sections: secs.map(s => ({
      status: s.dataset.status, name: s.dataset.name,
      sev: Object.fromEntries(['critical', 'high', 'medium', 'low', 'info'].map(k => {
        const t = s.querySelector('table[id$="-f-' + k + '"]');
        return [k, t ? [t.tBodies[0].rows.length, t.querySelectorAll('tbody li').length] : [0, 0]];
      })),
      excepted: (t => t ? t.tBodies[0].rows.length : 0)(s.querySelector('table[id$="-f-excepted"]')),
      vulns: (t => t ? t.tBodies[0].rows.length : 0)(s.querySelector('table[id$="-vulns"]')),
      history: (t => t ? t.tBodies[0].rows.length : 0)(s.querySelector('table[id$="-history"]')),
      text: s.textContent,
    })),
    images: rows('#t-images'),
    fw_head: [...document.querySelectorAll('#t-frameworks thead th')].map(c => c.textContent.trim()),
    frameworks: rows('#t-frameworks'),
    checks: rows('#t-checks'),
    vulns: rows('#t-vulns'),
    exceptions: rows('#t-exceptions'),
    scripts: document.scripts.length,
    svgs: document.querySelectorAll('svg').length,
    foreign: document.querySelectorAll('img,iframe,object,embed,link,base,form,textarea,style:not(head > style),' +
                                       'meta[http-equiv=refresh],[id^=pwn]').length,
    on_attrs: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => /^on/i.test(a.name))).length,
    links: [...document.querySelectorAll('[href],[src],[action],[xlink\\:href]')]
             .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action') || ''),
    body: document.body.textContent,
    controls_hidden: document.getElementById('controls').hidden,
    buttons: document.querySelectorAll('th button').length,
    tables: document.querySelectorAll('table').length,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
  };
})()
"""

# Accessible colours: every piece of text on the page, HTML or SVG, against
# what is behind it, by WCAG 2's contrast ratio: 4.5:1, or 3:1 for large
# text (24px, or 18.66px bold).  HTML text is measured against the first
# ancestor with a background; SVG text against the element under its
# centre (a heat-map cell's rect, or the page).  Returns the pairs that
# fall short, as "text: ratio (colour on background)".
CONTRAST = r"""
window.__contrast = (root) => {
  const rgb = c => { const m = (c || '').match(/[\d.]+/g); return m ? m.map(Number) : null; };
  const opaque = c => { const v = rgb(c); return v && (v.length < 4 || v[3] > 0) ? v : null; };
  const lum = v => { const l = v.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2]; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const bgOf = e => { for (; e && e.nodeType === 1; e = e.parentElement) { const b = opaque(getComputedStyle(e).backgroundColor);
                                                                           if (b) return b; } return [255, 255, 255]; };
  const short = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let n; (n = walker.nextNode());) {
    const e = n.parentElement;
    if (!n.textContent.trim() || seen.has(e) || !e.getClientRects().length || e.closest('script,style,title,head')) continue;
    seen.add(e);
    const cs = getComputedStyle(e);
    if (cs.visibility === 'hidden' || cs.display === 'none') continue;
    let fg, bg;
    if (e instanceof SVGElement) {
      fg = opaque(cs.fill);
      e.scrollIntoView({block: 'center', inline: 'center'});
      const r = e.getBoundingClientRect();
      const under = document.elementsFromPoint(r.x + r.width / 2, r.y + r.height / 2).find(u => u !== e && !e.contains(u));
      bg = under && under.tagName === 'rect' ? opaque(getComputedStyle(under).fill) : bgOf(under);
    } else {
      fg = opaque(cs.color);
      bg = bgOf(e);
    }
    if (!fg || !bg) continue;
    const size = parseFloat(cs.fontSize), bold = parseInt(cs.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const got = ratio(fg, bg);
    if (got < need) short.push(n.textContent.trim().slice(0, 40) + ': ' + got.toFixed(2) + ' (' + fg + ' on ' + bg + ')');
  }
  return short;
};
"""

SEVS = ["critical", "high", "medium", "low", "info"]


def controls(report):
    """Framework -> (failing, total) as the page should count them."""
    seen = {}
    for c in report["checks"]:
        failing = c["status"] in ("fail", "error")
        for f in c.get("frameworks", []):
            k = (f["framework"], f["control"])
            seen[k] = seen.get(k, False) or failing
    out = {}
    for (fw, _), failing in seen.items():
        a, b = out.get(fw, (0, 0))
        out[fw] = (a + failing, b + 1)
    return out


FW_TITLES = {"cis_docker": "CIS Docker", "nist_800_190": "NIST 800-190", "pci_dss": "PCI DSS", "hipaa": "HIPAA",
             "gdpr": "GDPR"}


def heat_text(failing, total):
    return "no controls" if not total else "pass (%d)" % total if not failing else "%d of %d fail" % (failing, total)


def counts_match(tag, doc, dom):
    reports = doc["reports"] if doc.get("schema") == "palisade.scans/v1" else [doc]
    errors = doc.get("errors", [])
    expect_eq(tag + ": one section per image, in order", len(dom["sections"]), len(reports) + len(errors))
    s = doc.get("summary", {})
    if "images" in s:
        expect_eq(tag + ": passed, failed, with errors", dom["verdict"], [s["passed"], s["failed"], s["errors"]])
    rows = {r[0]: r for r in dom["images"]}
    fw_cols = dom["fw_head"][1:]
    fwrows = {r[0]: r for r in dom["frameworks"]}
    good = True
    for k, rep in enumerate(reports):
        name = rep["image"]["name"] or rep["image"]["file"]
        sec = dom["sections"][k]
        f = rep["summary"]["findings"]
        want = [str(f[x]) for x in SEVS] + [str(rep["summary"]["excepted_findings"]),
                "%d of %d" % (rep["summary"]["failed"], rep["summary"]["checks"])]
        got = rows.get(name, [None] * 10)[2:9]
        if got != want:
            bad(tag + ": %s: the images table's counts" % name, "want %s\ngot  %s" % (want, got)); good = False
        for sev in SEVS:
            fails = [x for x in rep["findings"] if x["status"] == "fail" and x["severity"] == sev]
            want = [len({x["id"] for x in fails}), len(fails)]
            if sec["sev"][sev] != want:
                bad(tag + ": %s: %s findings (checks, items)" % (name, sev), "want %s got %s" % (want, sec["sev"][sev]))
                good = False
        exc = len([x for x in rep["findings"] if x["status"] == "excepted"])
        vul = len(rep["vulnerabilities"])
        hist = len(rep["image"].get("history", []))
        if [sec["excepted"], sec["vulns"], sec["history"]] != [exc, vul, hist]:
            bad(tag + ": %s: excepted, vulnerabilities, history rows" % name,
                "want %s got %s" % ([exc, vul, hist], [sec["excepted"], sec["vulns"], sec["history"]])); good = False
        ctl = controls(rep)
        for col, cell in zip(fw_cols, fwrows.get(name, [])[1:]):
            key = next((k for k, v in FW_TITLES.items() if v == col), col)
            want = heat_text(*ctl.get(key, (0, 0)))
            if cell != want:
                bad(tag + ": %s: %s controls in the heat map" % (name, col), "want %r got %r" % (want, cell)); good = False
    check(good, tag + ": every image's counts on the page are the JSON report's")
    # top vulnerabilities: the riskiest first, with the fixed-in version
    allv = [v for rep in reports for v in rep["vulnerabilities"]]
    if allv:
        top = max(v["risk"] for v in allv)
        expect_eq(tag + ": the top vulnerability has the highest risk", int(re.match(r"\d+", dom["vulns"][0][6]).group()), top)
        v0 = [v for v in allv if v["id"] == dom["vulns"][0][0] and v["package"] == dom["vulns"][0][1]][0]
        expect_eq(tag + ": ... and its fixed-in version", dom["vulns"][0][3], v0["fixed_version"] or "no fix")
    # top failing checks: images failing each
    failing = {}
    for rep in reports:
        for c in rep["checks"]:
            if c["status"] == "fail":
                failing[c["id"]] = failing.get(c["id"], 0) + 1
    expect_eq(tag + ": top failing checks and the images each fails on",
              {r[0]: int(r[3]) for r in dom["checks"]}, {c: n for c, n in failing.items() if c in {r[0] for r in dom["checks"]}})
    if failing:
        expect_eq(tag + ": the first failing check fails on the most images", int(dom["checks"][0][3]), max(failing.values()))
    excs = {(x["exception"]["file"], x["exception"]["line"]) for rep in reports
            for x in rep["findings"] + rep["vulnerabilities"] if "exception" in x}
    expect_eq(tag + ": one row per exception that matched", len(dom["exceptions"]), len(excs))


def inert(tag, dom, page):
    expect_eq(tag + ": one script (the page's own), no element from the data",
              [dom["scripts"], dom["foreign"], dom["on_attrs"]], [1, 0, 0])
    expect_eq(tag + ": links only within the page", [l for l in dom["links"] if not l.startswith("#")], [])
    expect_eq(tag + ": the page made no request but for itself",
              [u for u in page.requests if not u.startswith("file://")], [])


shots = []
with browser.Browser() as b:
    for tag, doc in (("examples", ex), ("run20", r20), ("hostile", hj)):
        if not doc:
            continue
        url = "file://" + os.path.join(TMP, tag + ".html")
        page = b.page(1280, 900)
        page.goto(url)
        dom = page.eval(DOM)
        counts_match(tag, doc, dom)
        inert(tag, dom, page)
        check(dom["svgs"] >= 3 and dom["buttons"] > 0 and not dom["controls_hidden"],
              tag + ": charts drawn, sort buttons and filter shown with scripts on")
        page.eval(CONTRAST)
        if tag == "examples":
            # the measure does catch text too faint (a canary: #777 on white is 4.48:1)
            canary = page.eval("(() => { const d = document.createElement('p'); d.style.color = '#777';"
                               "d.textContent = 'canary'; document.body.append(d); const r = __contrast(d);"
                               "d.remove(); return r; })()")
            check(len(canary) == 1 and canary[0].startswith("canary: 4.48"), "contrast: the canary falls short", canary)
        short = page.eval("__contrast(document.body)")
        expect_eq(tag + ": every text, HTML and SVG, has WCAG AA contrast against what is behind it", short, [])
        page.eval("window.scrollTo(0, 0)")
        png = page.screenshot(full=tag != "run20")
        with open(os.path.join(ART, tag + "-desktop.png"), "wb") as f:
            f.write(png)
        shots.append((tag + " desktop", png))
        if tag == "hostile":
            title = page.eval("document.title")
            check("pwned" not in title, "hostile: no injected script ran (the title is the page's)", title)
            body = dom["body"]
            for key, text in P.items():
                if key == "file":
                    text = "/" + text
                check(text in body, "hostile: the %s is on the page as text" % key, text)
            check(hostile_tar in body and broken in body, "hostile: the image files' names are on the page as text")
            names = [s["name"] for s in dom["sections"]]
            expect_eq("hostile: the sections' data-name attributes hold the names exactly", names, [P["tag"], broken])
        if tag == "run20":
            # sorting: the Critical column, descending on the second click
            page.eval("document.querySelectorAll('#t-images thead th button')[2].click()")
            page.eval("document.querySelectorAll('#t-images thead th button')[2].click()")
            col = page.eval("[...document.querySelectorAll('#t-images tbody tr')].map(r => +r.cells[2].textContent)")
            check(col == sorted(col, reverse=True) and len(col) == 20, "sorting: the images table by critical, descending", col)
            # filtering: by name, then by result
            name = doc["reports"][7]["image"]["name"]
            shown = page.eval("(() => { const q = document.getElementById('q'); q.value = %s;"
                              "q.dispatchEvent(new Event('input')); return [...document.querySelectorAll("
                              "'section.image')].filter(s => !s.hidden).map(s => s.dataset.name); })()" % json.dumps(name))
            expect_eq("filtering: by name, one section left", shown, [name])
            npass = page.eval("(() => { const q = document.getElementById('q'); q.value = '';"
                              "q.dispatchEvent(new Event('input')); const st = document.getElementById('st');"
                              "st.value = 'pass'; st.dispatchEvent(new Event('change'));"
                              "return [...document.querySelectorAll('section.image')].filter(s => !s.hidden).length; })()")
            expect_eq("filtering: passing images only", npass, doc["summary"]["passed"])
            # print: controls gone, every section there
            page.eval("(() => { const st = document.getElementById('st'); st.value = '';"
                      "st.dispatchEvent(new Event('change')); })()")
            page.media("print")
            pr = page.eval("[getComputedStyle(document.getElementById('controls')).display,"
                           "[...document.querySelectorAll('section.image')].filter(s => getComputedStyle(s).display"
                           " !== 'none').length]")
            expect_eq("print: the controls are not printed, every image is", pr, ["none", 20])
            pdf = page.pdf()
            with open(os.path.join(ART, "run20.pdf"), "wb") as f:
                f.write(pdf)
            check(pdf[:5] == b"%PDF-" and len(pdf) > 10000, "print: the page prints to a PDF")
            page.media("screen")
        # phone width
        phone = b.page(390, 844, mobile=True)
        phone.goto(url)
        pd = phone.eval(DOM)
        check(pd["overflow"] <= 1, tag + ": at phone width the page does not scroll sideways",
              "%d px too wide" % pd["overflow"])
        png = phone.screenshot()
        with open(os.path.join(ART, tag + "-phone.png"), "wb") as f:
            f.write(png)
        shots.append((tag + " phone", png))
        # scripts off: everything but the controls is there
        off = b.page(1280, 900, scripts=False)
        off.goto(url)
        od = off.eval(DOM)
        expect_eq(tag + ": with scripts off, the same tables, no controls, no sort buttons",
                  [od["tables"], od["controls_hidden"], od["buttons"], len(od["sections"])],
                  [dom["tables"], True, 0, len(dom["sections"])])

for name, png in shots:
    n = browser.png_colours(png)
    check(n >= 8, "screenshot %s is not blank (%d colours)" % (name, n))
finish()
PYEOF
