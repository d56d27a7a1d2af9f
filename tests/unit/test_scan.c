/*
 * test_scan.c — a scan through the library (engine/scan/scan.h), on images
 * the test builds with tests/e2e/lib/mkimage.py and checks it compiles
 * itself: findings and their elements, frameworks from check metadata and
 * from framework files given as data, the selection, exceptions (expiry by
 * the `today` option), vulnerabilities from a feed, warnings and progress
 * through the callbacks, errors as text, and a report that outlives the
 * scan (rendered after pal_scan_run returned).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cJSON.h>
#include "unit.h"
#include "engine/scan/scan.h"
#include "engine/report/report.h"
#include "lang/compile/palc.h"

static char dir[256];
static const char *helper = "tests/e2e/lib/mkimage.py";
static char err[2048];

/* Writes text (single quotes become double quotes) to dir/name. */
static int put(const char *name, const char *text, bool quotes)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *slash = strrchr(path, '/');
    *slash = 0;
    mkdir(path, 0755);
    *slash = '/';
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    for (const char *p = text; *p; p++) fputc(quotes && *p == '\'' ? '"' : *p, f);
    return fclose(f);
}

static int mkimage(const char *name, const char *spec)
{
    char json[64], cmd[1024];
    snprintf(json, sizeof json, "%s.json", name);
    if (put(json, spec, true) != 0) return -1;
    snprintf(cmd, sizeof cmd, "python3 %s %s/%s.tar --spec %s/%s >/dev/null", helper, dir, name, dir, json);
    return system(cmd);
}

static void quiet(const pal_diagnostic *d, void *user) { (void)user; (void)d; }

static pal_program *compile(const char *sub)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    pal_compile_opts o = {0};
    o.diag = quiet;
    unsigned ne = 0, nw = 0;
    pal_program *p = pal_compile_dir(path, &o, &ne, &nw);
    if (!p) fprintf(stderr, "test_scan: %s does not compile (%u errors)\n", path, ne);
    return p;
}

/* What the callbacks saw. */
typedef struct seen {
    char progress[4096], warnings[4096];
} seen;

static void on_progress(void *user, const char *what)
{
    seen *s = user;
    size_t n = strlen(s->progress);
    snprintf(s->progress + n, sizeof s->progress - n, "%s|", what);
}

static void on_warning(void *user, const char *text)
{
    seen *s = user;
    size_t n = strlen(s->warnings);
    snprintf(s->warnings + n, sizeof s->warnings - n, "%s|", text);
}

static const char checks_pal[] =
    "check 'T-1' {\n"
    "  title       'Runs as root'\n"
    "  severity    high\n"
    "  frameworks  { acme: 'A.1' }\n"
    "  tags        ['users']\n"
    "  remediation { linux: 'add a USER', windows: 'use ContainerUser' }\n"
    "  fail when image.config.user == 'root'\n"
    "  message 'the image runs as root'\n"
    "}\n"
    "check 'T-2' {\n"
    "  title       'Setuid file'\n"
    "  severity    medium\n"
    "  remediation 'chmod a-s'\n"
    "  fail when any f in image.files: f.setuid\n"
    "  message '{f.path} is setuid'\n"
    "}\n"
    "check 'T-3' {\n"
    "  title       'Windows'\n"
    "  severity    low\n"
    "  remediation 'none'\n"
    "  fail when image.os == 'windows'\n"
    "}\n";

static const char acme_yaml[] =
    "framework: acme\ntitle: ACME\ncontrols:\n"
    "  - id: \"A.2\"\n    title: No setuid\n    checks: [T-2]\n";
static const char empty_yaml[] = "framework: empty\ncontrols:\n  - id: \"1\"\n";

static const char image_spec[] =
    "{'layout': 'docker', 'tags': ['shop/api:2'], 'config': {'User': 'root'},"
    " 'layers': [{'entries': ["
    "   {'path': 'etc/os-release', 'data': 'ID=debian\\nVERSION_ID=\\'12\\'\\n'},"
    "   {'path': 'var/lib/dpkg/status', 'data': 'Package: libssl3\\nStatus: install ok installed\\nSource: openssl\\n"
    "Version: 3.0.11-1~deb12u2\\nArchitecture: amd64\\n'},"
    "   {'path': 'usr/bin/su2', 'data': 'x', 'mode': 3565}]}]}";

static pal_program *builtin_prog, *user_prog, *runtime_prog, *clash_prog;
static pal_scan_file fw_files[2];

static void base_opts(pal_scan_opts *o, pal_scan_program *progs, seen *sn, const char *image)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s.tar", dir, image);
    memset(o, 0, sizeof *o);
    memset(sn, 0, sizeof *sn);
    progs[0] = (pal_scan_program){builtin_prog, "built-in", true};
    o->image = path;
    o->programs = progs;
    o->nprograms = 1;
    o->framework_files = fw_files;
    o->nframework_files = 2;
    o->progress = on_progress;
    o->warning = on_warning;
    o->user = sn;
}

static const rpt_check *check_of(const rpt_report *r, const rpt_finding *f) { return &r->checks[f->check]; }

static const rpt_finding *finding_of(const rpt_report *r, const char *id)
{
    for (unsigned i = 0; i < r->nfindings; i++)
        if (!strcmp(check_of(r, &r->findings[i])->id, id)) return &r->findings[i];
    return NULL;
}

static char *render(const rpt_report *r, int fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK_INT(rpt_write(r, fmt, f), 0);
    fclose(f);
    return buf;
}

/* Every check, on an image that fails two of them. */
static void test_scan_all(void)
{
    pal_scan_opts o;
    pal_scan_program progs[1];
    seen sn;
    base_opts(&o, progs, &sn, "img");
    rpt_report r;
    pal_scan_timings t;
    CHECK_INT(pal_scan_run(&o, &r, &t, err, sizeof err), 0);
    CHECK_INT(r.nchecks, 3);
    CHECK_INT(r.nfindings, 2);
    CHECK(!r.passed);                                  /* a failing high under --fail-on high */
    CHECK_STR(r.image.name, "shop/api:2");
    CHECK_STR(r.image.os, "linux");
    const rpt_finding *root = finding_of(&r, "T-1"), *suid = finding_of(&r, "T-2");
    CHECK(root && root->severity == SEV_HIGH && root->element == NULL && !strcmp(root->message, "the image runs as root"));
    CHECK(suid && suid->element && !strcmp(suid->element, "/usr/bin/su2"));
    CHECK(r.findings[0].severity == SEV_HIGH);         /* finished: failing first, by severity */
    if (root) {
        const rpt_check *c = check_of(&r, root);
        CHECK_STR(c->remediation, "add a USER");      /* the image's OS's remediation */
        CHECK(c->nfw == 1 && !strcmp(c->fw[0].framework, "acme") && !strcmp(c->fw[0].control, "A.1"));
        CHECK(c->ntags == 1 && !strcmp(c->tags[0], "users"));
        CHECK(c->source && strstr(c->source, "checks/checks.pal:1") != NULL);
    }
    if (suid) {   /* from the framework file, with the control's title */
        const rpt_check *c = check_of(&r, suid);
        CHECK(c->nfw == 1 && !strcmp(c->fw[0].control, "A.2") && c->fw[0].title && !strcmp(c->fw[0].title, "No setuid"));
    }
    CHECK_INT(r.checks_passed, 1);
    CHECK(strstr(sn.progress, "reading the image|") != NULL);
    CHECK(strstr(sn.progress, "running check 1 of 3: T-1|running check 2 of 3: T-2|running check 3 of 3: T-3|") != NULL);
    CHECK(strstr(sn.progress, "loading vulnerability feeds") == NULL);   /* no --feeds */
    CHECK_STR(sn.warnings, "");
    CHECK(!r.vulns_scanned);
    CHECK_STR(pal_scan_stage_name(PAL_SCAN_READ), "reading the image");
    CHECK(t.seconds[PAL_SCAN_REPORT] == 0);            /* the caller's stage */

    /* the report outlives the scan: frameworks and titles are the report's own */
    char *js = render(&r, RF_JSON);
    cJSON *doc = cJSON_Parse(js);
    cJSON *f0 = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "findings"), 1);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(f0, "controls"), "acme")), "A.2");
    cJSON_Delete(doc);
    free(js);
    rpt_free(&r);
}

/* --framework, --disable and the warning for a framework no check maps to. */
static void test_selection(void)
{
    pal_scan_opts o;
    pal_scan_program progs[1];
    seen sn;
    rpt_report r;
    base_opts(&o, progs, &sn, "img");
    o.framework = "acme";
    CHECK_INT(pal_scan_run(&o, &r, NULL, err, sizeof err), 0);
    CHECK_INT(r.nchecks, 2);                           /* T-1 by its metadata, T-2 by the file */
    rpt_free(&r);

    base_opts(&o, progs, &sn, "img");
    static const char *const off[] = {"T-1"};
    o.disable = off;
    o.ndisable = 1;
    CHECK_INT(pal_scan_run(&o, &r, NULL, err, sizeof err), 0);
    CHECK_INT(r.nchecks, 2);
    CHECK(r.passed);                                   /* the medium one does not fail --fail-on high */
    rpt_free(&r);
    o.fail_on = SEV_MEDIUM;
    CHECK_INT(pal_scan_run(&o, &r, NULL, err, sizeof err), 0);
    CHECK(!r.passed);
    rpt_free(&r);

    base_opts(&o, progs, &sn, "img");
    o.framework = "empty";
    CHECK_INT(pal_scan_run(&o, &r, NULL, err, sizeof err), 0);
    CHECK_INT(r.nchecks, 0);
    CHECK_STR(sn.warnings, "warning: no check maps to framework 'empty'|");
    rpt_free(&r);
}

/* Errors come back as text, naming what and what to do; nothing is printed. */
static void test_errors(void)
{
    pal_scan_opts o;
    pal_scan_program progs[2];
    seen sn;
    rpt_report r;
    base_opts(&o, progs, &sn, "img");
    o.framework = "nope";
    CHECK_INT(pal_scan_run(&o, &r, NULL, err, sizeof err), -1);
    CHECK_STR(err, "unknown framework 'nope'; known: acme, empty");
    rpt_free(&r);

    base_opts(&o, progs, &sn, "img");
    static const char *const off[] = {"T-9"};
    o.disable = off;
    o.ndisable = 1;
    CHECK_INT(pal_scan_run(&o, &r, NULL, err, sizeof err), -1);
    CHECK(strncmp(err, "--disable T-9: no check has that ID", 35) == 0);
    rpt_free(&r);

    base_opts(&o, progs, &sn, "img");
    progs[1] = (pal_scan_program){clash_prog, "mine", false};
    o.nprograms = 2;
    CHECK_INT(pal_scan_run(&o, &r, NULL, err, sizeof err), -1);
    CHECK(strstr(err, "check ID 'T-1' is defined twice: checks/checks.pal:1 (built-in) and ") != NULL);
    rpt_free(&r);

    base_opts(&o, progs, &sn, "missing");
    CHECK_INT(pal_scan_run(&o, &r, NULL, err, sizeof err), -1);
    CHECK(strstr(err, "missing.tar: ") != NULL);
    CHECK(strstr(sn.progress, "reading the image") != NULL);
    rpt_free(&r);

    base_opts(&o, progs, &sn, "img");
    pal_scan_file bad = {"checks/frameworks/bad.yaml", "framework: [\n", 12};
    o.framework_files = &bad;
    o.nframework_files = 1;
    CHECK_INT(pal_scan_run(&o, &r, NULL, err, sizeof err), -1);
    CHECK(strncmp(err, "the built-in framework file checks/frameworks/bad.yaml:", 55) == 0 && strstr(err, "this is a bug"));
    rpt_free(&r);
}

/* A --policy program beside the built-ins; one without checks is a warning. */
static void test_programs(void)
{
    pal_scan_opts o;
    pal_scan_program progs[3];
    seen sn;
    rpt_report r;
    base_opts(&o, progs, &sn, "img");
    progs[1] = (pal_scan_program){user_prog, "/policies/mine", false};
    progs[2] = (pal_scan_program){runtime_prog, "/policies/runtime", false};
    o.nprograms = 3;
    CHECK_INT(pal_scan_run(&o, &r, NULL, err, sizeof err), 0);
    CHECK_INT(r.nchecks, 4);
    CHECK_STR(r.checks[3].id, "U-1");
    CHECK_STR(r.checks[3].source, "users.pal:1 (in /policies/mine)");   /* not a directory here: named as a bundle's */
    CHECK_STR(sn.warnings, "warning: /policies/runtime holds no checks (only runtime rules?)|");
    CHECK(finding_of(&r, "U-1") != NULL);
    rpt_free(&r);
}

/* Exceptions: one applies (excepted, the scan passes), one expired by the
   `today` given (it fails again, and a note says so). */
static void test_exceptions(void)
{
    CHECK_INT(put("exc.yaml",
                  "exceptions:\n  - id: T-1\n    image: \"shop/*\"\n    reason: accepted until the rebuild\n"
                  "    expires: 2030-01-31\n  - id: T-2\n    path: /usr/bin/su2\n    reason: a test fixture\n",
                  false), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/exc.yaml", dir);
    pal_scan_opts o;
    pal_scan_program progs[1];
    seen sn;
    rpt_report r;
    base_opts(&o, progs, &sn, "img");
    o.exceptions = path;
    o.today = 20000;                                  /* 2024-10-04 */
    CHECK_INT(pal_scan_run(&o, &r, NULL, err, sizeof err), 0);
    CHECK(r.passed);
    CHECK_INT(r.excepted_findings, 2);
    rpt_free(&r);

    o.today = 30000;                                  /* 2052: T-1's has expired */
    CHECK_INT(pal_scan_run(&o, &r, NULL, err, sizeof err), 0);
    CHECK(!r.passed);
    const rpt_finding *f = finding_of(&r, "T-1");
    CHECK(f && f->status == RS_FAIL && f->has_exception && f->exc.expired);
    bool noted = false;
    for (unsigned i = 0; i < r.nnotes; i++) noted = noted || strstr(r.notes[i], "expired on 2030-01-31") != NULL;
    CHECK(noted);
    /* the exception's strings are the report's: rendered after the scan freed its file */
    char *txt = render(&r, RF_TEXT);
    CHECK(strstr(txt, "exception expired on 2030-01-31 (") != NULL);
    free(txt);
    rpt_free(&r);

    CHECK_INT(put("bad.yaml", "exceptions:\n  - id: T-1\n", false), 0);
    snprintf(path, sizeof path, "%s/bad.yaml", dir);
    CHECK_INT(pal_scan_run(&o, &r, NULL, err, sizeof err), -1);
    CHECK(strstr(err, "bad.yaml:2:5:") == err + strlen(dir) + 1);   /* the message starts with the file */
    rpt_free(&r);
}

/* A vulnerability feed: the package is matched, fails, and a bad record
   is a warning (and a note) without stopping the scan. */
static void test_vulns(void)
{
    CHECK_INT(put("feeds/osv.json",
                  "[{'id': 'DSA-1', 'aliases': ['CVE-2024-1'], 'summary': 'openssl bug', 'published': '2024-01-02T00:00:00Z',"
                  "  'database_specific': {'severity': 'high'},"
                  "  'affected': [{'package': {'ecosystem': 'Debian:12', 'name': 'openssl'},"
                  "                'ranges': [{'type': 'ECOSYSTEM', 'events': [{'introduced': '0'}, {'fixed': '3.0.13-1'}]}]}]},"
                  " {'id': 'X-2', 'affected': 'bad'}]",
                  true), 0);
    char feeds[512];
    snprintf(feeds, sizeof feeds, "%s/feeds", dir);
    const char *list[] = {feeds};
    pal_scan_opts o;
    pal_scan_program progs[1];
    seen sn;
    rpt_report r;
    base_opts(&o, progs, &sn, "img");
    o.feeds = list;
    o.nfeeds = 1;
    CHECK_INT(pal_scan_run(&o, &r, NULL, err, sizeof err), 0);
    CHECK(r.vulns_scanned);
    CHECK_INT(r.nvulns, 1);
    if (r.nvulns) {
        CHECK_STR(r.vulns[0].package, "libssl3");
        CHECK_STR(r.vulns[0].fixed_version, "3.0.13-1");
        CHECK_INT(r.vulns[0].status, RS_FAIL);
    }
    CHECK_INT(r.vulns_failing, 1);
    CHECK(strstr(sn.progress, "loading vulnerability feeds|") != NULL && strstr(sn.progress, "matching vulnerabilities|"));
    CHECK(strncmp(sn.warnings, "feed error: ", 12) == 0 && strstr(sn.warnings, "osv.json: record 1 (X-2)\n    ") != NULL);
    rpt_free(&r);

    /* below a raised threshold it is shown, not failing */
    o.vuln_threshold = SEV_CRITICAL;
    CHECK_INT(pal_scan_run(&o, &r, NULL, err, sizeof err), 0);
    CHECK(r.nvulns == 1 && r.vulns[0].status == RS_INFO && r.vulns_failing == 0);
    rpt_free(&r);

    const char *none[] = {"/nonexistent-feeds"};
    o.feeds = none;
    CHECK_INT(pal_scan_run(&o, &r, NULL, err, sizeof err), -1);
    CHECK(strstr(err, "/nonexistent-feeds") != NULL && strncmp(err, "--feeds", 7) != 0);
    rpt_free(&r);
}

int main(void)
{
    if (access(helper, R_OK) != 0) {
        fprintf(stderr, "test_scan: run from the repository root (%s not found)\n", helper);
        return 1;
    }
    snprintf(dir, sizeof dir, "/tmp/palisade-scan-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    fw_files[0] = (pal_scan_file){"checks/frameworks/acme.yaml", acme_yaml, strlen(acme_yaml)};
    fw_files[1] = (pal_scan_file){"checks/frameworks/empty.yaml", empty_yaml, strlen(empty_yaml)};
    CHECK_INT(put("checks/checks.pal", checks_pal, true), 0);
    CHECK_INT(put("mine/users.pal", "check 'U-1' {\n  title 'Tagged'\n  severity low\n  remediation 'tag it'\n"
                                    "  fail when image.os == 'linux'\n}\n", true), 0);
    CHECK_INT(put("runtime/r.pal", "rule 'r' {\n  on process\n  when process.name == 'sh'\n}\n", true), 0);
    CHECK_INT(put("clash/c.pal", "check 'T-1' {\n  title 'Again'\n  severity low\n  remediation 'x'\n"
                                 "  fail when image.os == 'linux'\n}\n", true), 0);
    CHECK_INT(mkimage("img", image_spec), 0);
    builtin_prog = compile("checks");
    user_prog = compile("mine");
    runtime_prog = compile("runtime");
    clash_prog = compile("clash");
    CHECK(builtin_prog && user_prog && runtime_prog && clash_prog);
    if (builtin_prog && user_prog && runtime_prog && clash_prog) {
        test_scan_all();
        test_selection();
        test_errors();
        test_programs();
        test_exceptions();
        test_vulns();
    }
    pal_program_free(builtin_prog);
    pal_program_free(user_prog);
    pal_program_free(runtime_prog);
    pal_program_free(clash_prog);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) fprintf(stderr, "could not remove %s\n", dir);
    return unit_result("test_scan");
}
