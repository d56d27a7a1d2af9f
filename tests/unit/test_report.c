/*
 * test_report.c — the pieces of `palisade scan` below the command: the
 * bounded YAML reader, framework files, exceptions (dates, globs, expiry)
 * and the report model and writers (sanitising, pass/fail, escaping), for
 * a scan's report and a lint's.
 */
#include <stdlib.h>
#include <unistd.h>
#include "unit.h"
#include "engine/base/yaml.h"
#include "engine/scan/frameworks.h"
#include "engine/scan/exceptions.h"
#include "engine/report/report.h"
#include "engine/vm/program.h"
#include "lang/tools/lint.h"
#include <cJSON.h>

static char err[1024];

static int parse(pal_yaml_doc *d, const char *text)
{
    return pal_yaml_parse(d, "t.yaml", text, strlen(text), NULL, err, sizeof err);
}

static void test_yaml(void)
{
    pal_yaml_doc d;
    CHECK_INT(parse(&d, "a: 4.10\nb:\n  - x\n  - 'y'\n"), 0);
    const pal_yaml *a = pal_yaml_get(d.root, "a"), *b = pal_yaml_get(d.root, "b");
    CHECK_STR(a ? a->str : NULL, "4.10");          /* text as written, never a float */
    CHECK(a && a->plain && a->line == 1 && a->col == 4);
    CHECK(b && b->kind == PAL_YAML_SEQ && b->n == 2 && !b->items[1]->plain && b->items[1]->line == 4);
    CHECK(pal_yaml_get(d.root, "c") == NULL);
    pal_yaml_free(&d);

    CHECK_INT(parse(&d, ""), 0);                   /* an empty document has no root */
    CHECK(d.root == NULL);
    pal_yaml_free(&d);

    CHECK_INT(parse(&d, "a: &x [1]\nb: *x\n"), -1);
    CHECK(strstr(err, "t.yaml:1:4: YAML anchors and aliases") != NULL);
    CHECK_INT(parse(&d, "a: 1\n---\nb: 2\n"), -1);
    CHECK(strstr(err, "t.yaml:2:1: a second YAML document") != NULL);
    CHECK_INT(parse(&d, "a: [1, 2\nb: 3\n"), -1);
    CHECK(strncmp(err, "t.yaml:", 7) == 0 && strstr(err, "YAML syntax error") != NULL);
    CHECK_INT(parse(&d, "? [a]\n: 1\n"), -1);
    CHECK(strstr(err, "mapping key must be a plain value") != NULL);

    /* duplicate keys, however far apart: reported at the second, naming the first */
    char *big = malloc(200000);
    size_t n = 0;
    n += (size_t)sprintf(big + n, "dup: 0\n");
    for (int i = 0; i < 5000; i++) n += (size_t)sprintf(big + n, "k%d: %d\n", i, i);
    sprintf(big + n, "dup: 1\n");
    CHECK_INT(parse(&d, big), -1);
    CHECK(strstr(err, "t.yaml:5002:1: duplicate key 'dup' (first at line 1)") != NULL);

    /* nesting past the limit */
    n = 0;
    for (int i = 0; i < 40; i++) big[n++] = '[';
    for (int i = 0; i < 40; i++) big[n++] = ']';
    big[n] = 0;
    CHECK_INT(parse(&d, big), -1);
    CHECK(strstr(err, "nested deeper than 32 levels") != NULL);
    n = 0;
    for (int i = 0; i < 30; i++) big[n++] = '[';
    for (int i = 0; i < 30; i++) big[n++] = ']';
    big[n] = 0;
    CHECK_INT(parse(&d, big), 0);
    pal_yaml_free(&d);
    free(big);

    /* more nodes than the limit, in a small file */
    size_t cap = 2 * (PAL_YAML_MAX_NODES + 10) + 4;
    char *many = malloc(cap);
    n = 0;
    many[n++] = '[';
    for (unsigned i = 0; i < PAL_YAML_MAX_NODES + 5; i++) { many[n++] = '0'; many[n++] = ','; }
    many[n - 1] = ']';
    many[n] = 0;
    CHECK_INT(parse(&d, many), -1);
    CHECK(strstr(err, "more than 200000 YAML nodes") != NULL);
    free(many);

    /* larger than the byte limit: refused before parsing */
    CHECK_INT(pal_yaml_parse(&d, "t.yaml", "a: 1", PAL_YAML_MAX_BYTES + 1, NULL, err, sizeof err), -1);
    CHECK(strstr(err, "larger than the 4 MiB") != NULL);

    /* a NUL byte or invalid UTF-8 is a reader error, not a crash */
    CHECK_INT(pal_yaml_parse(&d, "t.yaml", "a: \xff\xfe\n", 7, NULL, err, sizeof err), -1);
    CHECK(strncmp(err, "t.yaml:", 7) == 0);
}

static const char fw_ok[] =
    "framework: acme\ntitle: ACME\nversion: \"2\"\ncontrols:\n"
    "  - id: \"4.10\"\n    title: Secrets\n    checks: [PAL-0410, PAL-0425]\n"
    "  - id: \"5\"\n";

static void test_frameworks(void)
{
    pal_frameworks s;
    pal_frameworks_init(&s);
    CHECK_INT(pal_frameworks_add(&s, "acme.yaml", fw_ok, strlen(fw_ok), true, err, sizeof err), 0);
    const pal_framework *f = pal_frameworks_find(&s, "acme");
    CHECK(f && f->ncontrols == 2 && f->user);
    if (f && f->ncontrols == 2) {
        CHECK_STR(f->controls[0].id, "4.10");
        CHECK_INT(f->controls[0].nchecks, 2);
        CHECK_STR(f->controls[0].checks[1], "PAL-0425");
        CHECK_INT(f->controls[1].nchecks, 0);       /* a control no check covers yet */
        CHECK_STR(f->version, "2");
    }
    /* the same key again names the first file */
    CHECK_INT(pal_frameworks_add(&s, "other.yaml", fw_ok, strlen(fw_ok), true, err, sizeof err), -1);
    CHECK(strstr(err, "other.yaml:1:12: framework 'acme' is already defined by acme.yaml") != NULL);

    static const struct { const char *text, *want; } bad[] = {
        {"framework: acme\ncontrols:\n  - id: \"1\"\n    chekcs: [X]\n", "t.yaml:4:5: unknown key 'chekcs' in a control"},
        {"framework: CIS Docker\ncontrols: []\n", "t.yaml:1:12: framework 'CIS Docker' must be a name"},
        {"title: x\ncontrols: []\n", "missing 'framework:'"},
        {"framework: a\ncontrols:\n  - id: \"1\"\n  - id: \"1\"\n", "t.yaml:4:9: control '1' is listed twice (first at line 3)"},
        {"framework: a\ncontrols:\n  - title: x\n", "t.yaml:3:5: this control has no 'id:'"},
        {"framework: a\ncontrols:\n  - id: [1]\n", "t.yaml:3:9: a control id must be a plain value"},
        {"framework: a\ncontrols: {}\n", "'controls:' must be a list"},
        {"framework: a\ncontrols:\n  - id: \"1\"\n    checks: PAL-1\n", "t.yaml:4:13: 'checks:' must be a list"},
        {"- a\n", "a framework file is a mapping"},
        {"", "a framework file is a mapping"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        CHECK_INT(pal_frameworks_add(&s, "t.yaml", bad[i].text, strlen(bad[i].text), true, err, sizeof err), -1);
        if (!strstr(err, bad[i].want)) fprintf(stderr, "  case %zu: got \"%s\"\n", i, err);
        CHECK(strstr(err, bad[i].want) != NULL);
    }
    CHECK_INT(s.n, 1);                               /* failed adds leave the set as it was */
    pal_frameworks_free(&s);
}

static void test_dates(void)
{
    CHECK_INT(cli_parse_date("1970-01-01", 10), 0);
    CHECK_INT(cli_parse_date("2000-03-01", 10), 11017);
    CHECK_INT(cli_parse_date("2024-02-29", 10), 19782);
    CHECK_INT(cli_parse_date("2023-02-29", 10), -1);
    CHECK_INT(cli_parse_date("2027-13-01", 10), -1);
    CHECK_INT(cli_parse_date("2027-1-01", 9), -1);
    CHECK_INT(cli_parse_date("1969-12-31", 10), -1);
    CHECK_INT(cli_parse_date("2027-01-0a", 10), -1);
}

static int write_tmp(char *path, const char *text)
{
    strcpy(path, "/tmp/test_report_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    ssize_t w = write(fd, text, strlen(text));
    close(fd);
    return w == (ssize_t)strlen(text) ? 0 : -1;
}

static void test_exceptions(void)
{
    char path[64];
    const char *text =
        "exceptions:\n"
        "  - id: PAL-0041\n    image: \"shop/*\"\n    reason: old\n    expires: 2020-01-31\n"
        "  - id: PAL-0041\n    image: \"shop/*\"\n    reason: new\n    expires: 2999-01-31\n"
        "  - id: PAL-0424\n    path: \"C:\\\\app\\\\*\"\n    reason: win\n"
        "  - id: PAL-0500\n    path: \"/opt/*\"\n    reason: by message\n"
        "  - id: PAL-0600\n    reason: gone\n    expires: 2020-01-01\n";
    CHECK_INT(write_tmp(path, text), 0);
    pal_exceptions x;
    long today = cli_parse_date("2026-11-23", 10);
    CHECK_INT(pal_exceptions_load(&x, path, today, err, sizeof err), 0);
    CHECK_INT(x.n, 5);
    const char *names[] = {"shop/web:1", "registry/shop/web:1"};
    pal_exception *e = pal_exceptions_match(&x, "PAL-0041", names, 2, NULL, "runs as root", false);
    CHECK(e && !e->expired && !strcmp(e->reason, "new"));     /* the unexpired one wins */
    const char *other[] = {"other/web:1"};
    CHECK(pal_exceptions_match(&x, "PAL-0041", other, 1, NULL, "m", false) == NULL);
    /* Windows paths: case and separators do not matter on a Windows image */
    e = pal_exceptions_match(&x, "PAL-0424", other, 1, "c:/APP/key.pem", "m", true);
    CHECK(e && !strcmp(e->reason, "win"));
    CHECK(pal_exceptions_match(&x, "PAL-0424", other, 1, "c:/APP/key.pem", "m", false) == NULL);
    /* a path glob also matches a word of the message, quotes and brackets off */
    e = pal_exceptions_match(&x, "PAL-0500", other, 1, NULL, "file '/opt/app/x.pem' (mode 600)", false);
    CHECK(e && !strcmp(e->reason, "by message"));
    CHECK(pal_exceptions_match(&x, "PAL-0500", other, 1, NULL, "file /srv/x", false) == NULL);
    /* only expired ones match: returned, marked, so the report can say so */
    e = pal_exceptions_match(&x, "PAL-0600", other, 1, NULL, "m", false);
    CHECK(e && e->expired);
    pal_exceptions_free(&x);
    unlink(path);

    static const struct { const char *text, *want; } bad[] = {
        {"exceptions:\n  - id: X\n", "2:5: exception 'X' has no 'reason:'"},
        {"exceptions:\n  - reason: r\n", "2:5: this exception has no 'id:'"},
        {"exceptions:\n  - id: X\n    reason: r\n    expires: tomorrow\n", "4:14: expires: 'tomorrow' is not a date"},
        {"exceptions:\n  - id: X\n    reason: \"\"\n", "3:13: 'reason' must be 1 to"},
        {"exceptions: {}\n", "'exceptions:' must be a list"},
        {"exception:\n  - id: X\n", "1:1: unknown key 'exception'"},
        {"exceptions:\n  - [X]\n", "2:5: an exception must be a mapping"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(write_tmp(path, bad[i].text), 0);
        err[0] = 0;
        CHECK_INT(pal_exceptions_load(&x, path, today, err, sizeof err), -1);
        if (!strstr(err, bad[i].want)) fprintf(stderr, "  case %zu: got \"%s\"\n", i, err);
        CHECK(strstr(err, bad[i].want) != NULL && strncmp(err, path, strlen(path)) == 0);
        unlink(path);
    }
}

/* A report with one check per severity, findings, an exception. */
static void fill(rpt_report *r)
{
    rpt_init(r);
    r->image.file = rpt_str(r, "img.tar");
    r->image.name = rpt_str(r, "shop/web:1");
    static const char *ids[] = {"PAL-1", "PAL-2", "PAL-3"};
    static const unsigned sev[] = {SEV_CRITICAL, SEV_MEDIUM, SEV_HIGH};
    for (int i = 0; i < 3; i++) {
        rpt_check *c = rpt_add_check(r);
        c->id = rpt_str(r, ids[i]);
        c->title = rpt_str(r, "Title, with: colon");
        c->severity = sev[i];
        c->source = rpt_str(r, "checks/x.pal:1");
    }
}

static rpt_finding *finding(rpt_report *r, unsigned check, const char *msg)
{
    rpt_finding *f = rpt_add_finding(r);
    f->check = check;
    f->severity = r->checks[check].severity;
    f->status = RS_FAIL;
    f->message = rpt_str(r, msg);
    return f;
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

static void test_report(void)
{
    rpt_report r;
    rpt_init(&r);
    /* invalid UTF-8 (a stray byte, an overlong NUL, a surrogate) -> U+FFFD; controls -> space */
    CHECK_STR(rpt_str(&r, "a\xff" "b\xc0\x80" "c\xed\xa0\x80" "d\x01" "e\n\tf\xc3\xa9"),
              "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "d e\n\tf\xc3\xa9");
    CHECK_STR(rpt_strn(&r, "abc\0def", 7), "abc");
    /* U+FFFE (not allowed in XML 1.0) and U+0085 (a C1 control) are replaced too */
    CHECK(strstr(rpt_str(&r, "x\xef\xbf\xbey\xc2\x85z"), "\xef\xbf\xbe") == NULL);
    CHECK(strstr(rpt_str(&r, "x\xef\xbf\xbey\xc2\x85z"), "\xc2\x85") == NULL);
    CHECK(rpt_str(&r, NULL) == NULL);
    rpt_free(&r);

    /* pass/fail: a medium finding under --fail-on high passes */
    fill(&r);
    finding(&r, 1, "medium one");
    rpt_finish(&r);
    CHECK(r.passed);
    CHECK_INT(r.checks_failed, 1);
    CHECK_INT(r.fail_count[SEV_MEDIUM], 1);
    /* an excepted critical passes too, and counts apart */
    rpt_finding *f = finding(&r, 0, "critical one");
    f->status = RS_EXCEPTED;
    f->has_exception = true;
    f->exc = (rpt_exception_ref){"accepted", "2999-01-01", "exc.yaml", 3, false};
    rpt_finish(&r);
    CHECK(r.passed);
    CHECK_INT(r.excepted_findings, 1);
    CHECK_INT(r.checks[0].status, RS_EXCEPTED);
    /* a failing high does not */
    finding(&r, 2, "high: 100% bad,\nreally");
    rpt_finish(&r);
    CHECK(!r.passed);
    CHECK_INT(r.findings[0].check, 2);              /* failing first, by severity */
    /* a check that stopped fails the scan whatever it found */
    rpt_report r2;
    fill(&r2);
    r2.checks[1].error = rpt_str(&r2, "budget");
    rpt_finish(&r2);
    CHECK(!r2.passed);
    CHECK_INT(r2.checks_errors, 1);
    rpt_free(&r2);

    char *gh = render(&r, RF_GITHUB);
    CHECK(strstr(gh, "::error title=PAL-3 (high) Title%2C with%3A colon::high: 100%25 bad,%0Areally\n") != NULL);
    CHECK(strstr(gh, "::warning title=PAL-2 (medium)") != NULL);
    CHECK(strstr(gh, "::notice title=PAL-1 (critical) Title%2C with%3A colon::excepted until 2999-01-01: critical one -- accepted\n") != NULL);
    CHECK(strstr(gh, "\nFAIL: shop/web:1: 2 findings (0 critical, 1 high, 1 medium, 0 low), 1 excepted") != NULL);
    free(gh);

    char *xml = render(&r, RF_JUNIT);
    CHECK(strstr(xml, "<failure type=\"high\" message=\"high: 100% bad,&#10;really\">[high] high: 100% bad,\nreally\n</failure>") != NULL);
    CHECK(strstr(xml, "tests=\"3\" failures=\"2\" errors=\"0\"") != NULL);
    CHECK(strstr(xml, "excepted PAL-1: critical one -- accepted (until 2999-01-01)") != NULL);
    free(xml);

    char *js = render(&r, RF_JSON);
    cJSON *doc = cJSON_Parse(js);
    CHECK(doc != NULL);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(doc, "passed")));
    cJSON *fs = cJSON_GetObjectItem(doc, "findings");
    CHECK_INT(cJSON_GetArraySize(fs), 3);
    cJSON *exc = cJSON_GetObjectItem(cJSON_GetArrayItem(fs, 2), "exception");
    CHECK(exc && !strcmp(cJSON_GetObjectItem(exc, "file")->valuestring, "exc.yaml"));
    cJSON_Delete(doc);
    free(js);

    char *txt = render(&r, RF_TEXT);
    CHECK(strstr(txt, "\nHIGH (1)\n  PAL-3      Title, with: colon\n             high: 100% bad,\n             really\n") != NULL);
    CHECK(strstr(txt, "\nMEDIUM (1)  below --fail-on") != NULL);
    CHECK(strstr(txt, "\nFAIL: 2 findings (0 critical, 1 high, 1 medium, 0 low), 1 excepted; 3 checks: 0 passed, 2 failed, 1 excepted;") != NULL);
    free(txt);

    /* the text report cuts a long list short */
    for (int i = 0; i < 30; i++) finding(&r, 1, "many");
    rpt_finish(&r);
    txt = render(&r, RF_TEXT);
    CHECK(strstr(txt, "... and 11 more (--format json lists them all)") != NULL);
    free(txt);

    /* -o: written whole, replacing the old file; nothing left beside it */
    char path[64];
    CHECK_INT(write_tmp(path, "old"), 0);
    CHECK_INT(rpt_write_file(&r, RF_JSON, path, err, sizeof err), 0);
    FILE *in = fopen(path, "r");
    char head[32] = "";
    CHECK(in && fgets(head, sizeof head, in));
    if (in) fclose(in);
    CHECK(strncmp(head, "{\"schema\":\"palisade.scan/v1\"", 28) == 0);
    unlink(path);
    CHECK_INT(rpt_write_file(&r, RF_JSON, "/nonexistent-dir/r.json", err, sizeof err), -1);
    CHECK(strstr(err, "/nonexistent-dir/r.json") != NULL);
    rpt_free(&r);
}

/* Without --feeds no vulnerability was looked for: every format must say
   so, and none may read like a clean vulnerability scan. */
static void test_vulns_not_checked(void)
{
    rpt_report r;
    fill(&r);
    rpt_finish(&r);
    char *txt = render(&r, RF_TEXT);
    CHECK(strstr(txt, "\nVULNERABILITIES: not checked (no --feeds given") != NULL);
    CHECK(strstr(txt, "; vulnerabilities not checked; fail-on high\n") != NULL);
    free(txt);
    char *js = render(&r, RF_JSON);
    cJSON *doc = cJSON_Parse(js);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(doc, "vulnerabilities_checked")));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "summary"), "vulnerabilities"),
                                            "checked")));
    cJSON *notes = cJSON_GetObjectItem(doc, "notes");
    CHECK(cJSON_GetArraySize(notes) == 1 && !strcmp(cJSON_GetArrayItem(notes, 0)->valuestring, RPT_VULNS_NOT_CHECKED));
    cJSON_Delete(doc);
    free(js);
    char *sarif = render(&r, RF_SARIF);
    doc = cJSON_Parse(sarif);
    cJSON *run = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "runs"), 0);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(run, "properties"), "vulnerabilitiesChecked")));
    cJSON *tn = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(run, "invocations"), 0),
                                    "toolExecutionNotifications");
    cJSON *msg = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(tn, 0), "message"), "text");
    CHECK(msg && !strcmp(msg->valuestring, RPT_VULNS_NOT_CHECKED));
    cJSON_Delete(doc);
    free(sarif);
    char *xml = render(&r, RF_JUNIT);
    CHECK(strstr(xml, "<property name=\"vulnerabilities.checked\" value=\"false\"/>") != NULL);
    CHECK(strstr(xml, "<system-out>" RPT_VULNS_NOT_CHECKED "\n</system-out>") != NULL);
    free(xml);
    char *gh = render(&r, RF_GITHUB);
    CHECK(strstr(gh, "::notice title=palisade scan::" RPT_VULNS_NOT_CHECKED "\n") != NULL);
    CHECK(strstr(gh, "; vulnerabilities not checked; 3 checks") != NULL);
    free(gh);

    /* with --feeds and nothing found, a plain zero, no note */
    r.vulns_scanned = true;
    txt = render(&r, RF_TEXT);
    CHECK(strstr(txt, "not checked") == NULL && strstr(txt, "\nVULNERABILITIES: none found\n") != NULL);
    CHECK(strstr(txt, "; 0 vulnerabilities (0 failing); fail-on high\n") != NULL);
    free(txt);
    js = render(&r, RF_JSON);
    doc = cJSON_Parse(js);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(doc, "vulnerabilities_checked")));
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "notes")), 0);
    cJSON_Delete(doc);
    free(js);
    for (int fmt = RF_SARIF; fmt <= RF_GITHUB; fmt++) {
        char *out = render(&r, fmt);
        CHECK(strstr(out, RPT_VULNS_NOT_CHECKED) == NULL);
        free(out);
    }
    gh = render(&r, RF_GITHUB);
    CHECK(strstr(gh, "; 0 vulnerabilities (0 failing); 3 checks") != NULL);
    free(gh);
    rpt_free(&r);
}

/* A lint report by hand: a lint code and a compiler code, a finding with
   a source range and a hint, one without a file.  The one JSON, SARIF and
   GitHub writer give lint's documented forms (lang/LINT.md). */
static void lint_fill(rpt_report *r)
{
    rpt_init(r);
    r->kind = RPT_LINT;
    r->source_root = rpt_str(r, "/work/my repo");
    r->doc_uri = "https://example.test/LINT.md";
    rpt_check *c = rpt_add_check(r);
    c->id = "PAL0701";
    c->name = "unused-declaration";
    c->title = c->description = "a list or macro that nothing uses";
    c->help_uri = "https://example.test/LINT.md#pal0701";
    c->level = RPT_LEVEL_WARNING;
    c = rpt_add_check(r);
    c->id = "PAL0201";
    c->title = "Compiler diagnostic PAL0201";
    c->level = RPT_LEVEL_NONE;
    /* added out of the severity order a scan would sort into: kept as given */
    rpt_finding *f = rpt_add_finding(r);
    f->check = 0;
    f->level = RPT_LEVEL_WARNING;
    f->status = RS_FAIL;
    f->message = rpt_str(r, "list 'spare' is never used");
    f->hint = rpt_str(r, "remove it");
    f->src = (rpt_source){rpt_str(r, "sub dir/a%,b.pal"), 2, 6, 2, 11};
    f = rpt_add_finding(r);
    f->check = 1;
    f->level = RPT_LEVEL_ERROR;
    f->status = RS_FAIL;
    f->message = rpt_str(r, "syntax error.");
    f->src = (rpt_source){rpt_str(r, "/abs/b.pal"), 3, 4, 0, 0};   /* no end given */
    f = rpt_add_finding(r);
    f->check = 1;
    f->level = RPT_LEVEL_ERROR;
    f->status = RS_FAIL;
    f->message = rpt_str(r, "the repo has no .pal files");
    rpt_finish(r);
}

static cJSON *path_get(cJSON *o, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *save = NULL, *t = strtok_r(buf, ".", &save); t && o; t = strtok_r(NULL, ".", &save))
        o = t[0] >= '0' && t[0] <= '9' ? cJSON_GetArrayItem(o, atoi(t)) : cJSON_GetObjectItemCaseSensitive(o, t);
    return o;
}

static const char *path_str(cJSON *o, const char *path)
{
    cJSON *v = path_get(o, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void test_lint_report(void)
{
    rpt_report r;
    lint_fill(&r);
    CHECK_INT(r.level_count[RPT_LEVEL_ERROR], 2);
    CHECK_INT(r.level_count[RPT_LEVEL_WARNING], 1);
    CHECK_INT(r.findings[0].check, 0);           /* the linter's order, not a scan's */

    char *js = render(&r, RF_JSON);
    CHECK_STR(js, "{\"findings\":[{\"level\":\"warning\",\"code\":\"PAL0701\",\"file\":\"sub dir/a%,b.pal\",\"line\":2,"
                  "\"column\":6,\"end_line\":2,\"end_column\":11,\"message\":\"list 'spare' is never used\","
                  "\"hint\":\"remove it\"},{\"level\":\"error\",\"code\":\"PAL0201\",\"file\":\"/abs/b.pal\",\"line\":3,"
                  "\"column\":4,\"end_line\":0,\"end_column\":0,\"message\":\"syntax error.\"},{\"level\":\"error\","
                  "\"code\":\"PAL0201\",\"message\":\"the repo has no .pal files\"}],\"errors\":2,\"warnings\":1}\n");
    free(js);

    char *gh = render(&r, RF_GITHUB);
    CHECK_STR(gh, "::warning file=sub dir/a%25%2Cb.pal,line=2,col=6,endLine=2,endColumn=11,title=PAL0701 "
                  "unused-declaration::list 'spare' is never used (hint: remove it)\n"
                  "::error file=/abs/b.pal,line=3,col=4,endLine=3,endColumn=4,title=PAL0201::syntax error.\n"
                  "::error title=PAL0201::the repo has no .pal files\n");   /* commands only: no summary */
    free(gh);

    char *sarif = render(&r, RF_SARIF);
    cJSON *doc = cJSON_Parse(sarif);
    cJSON *run = path_get(doc, "runs.0");
    CHECK_STR(path_str(run, "tool.driver.informationUri"), "https://example.test/LINT.md");
    CHECK_STR(path_str(run, "tool.driver.rules.0.name"), "UnusedDeclaration");
    CHECK_STR(path_str(run, "tool.driver.rules.0.shortDescription.text"), "a list or macro that nothing uses.");
    CHECK_STR(path_str(run, "tool.driver.rules.0.helpUri"), "https://example.test/LINT.md#pal0701");
    CHECK_STR(path_str(run, "tool.driver.rules.0.defaultConfiguration.level"), "warning");
    CHECK(path_get(run, "tool.driver.rules.0.properties") == NULL);     /* a scan check's, not a code's */
    CHECK(path_get(run, "tool.driver.rules.1.name") == NULL);           /* a compiler code has none */
    CHECK(path_get(run, "tool.driver.rules.1.defaultConfiguration") == NULL);
    CHECK_STR(path_str(run, "originalUriBaseIds.SRCROOT.uri"), "file:///work/my%20repo/");
    CHECK_STR(path_str(run, "columnKind"), "unicodeCodePoints");
    CHECK_STR(path_str(run, "results.0.message.text"), "list 'spare' is never used (hint: remove it).");
    CHECK_STR(path_str(run, "results.0.locations.0.physicalLocation.artifactLocation.uri"), "sub%20dir/a%25%2Cb.pal");
    CHECK_STR(path_str(run, "results.0.locations.0.physicalLocation.artifactLocation.uriBaseId"), "SRCROOT");
    CHECK_INT(cJSON_GetNumberValue(path_get(run, "results.0.locations.0.physicalLocation.region.endColumn")), 11);
    CHECK(path_get(run, "results.0.partialFingerprints") == NULL && path_get(run, "results.0.properties") == NULL);
    CHECK_STR(path_str(run, "results.1.message.text"), "syntax error.");   /* no second period */
    CHECK_STR(path_str(run, "results.1.locations.0.physicalLocation.artifactLocation.uri"), "file:///abs/b.pal");
    CHECK(path_get(run, "results.1.locations.0.physicalLocation.artifactLocation.uriBaseId") == NULL);
    /* no end: a one-column region, never an empty one */
    CHECK_INT(cJSON_GetNumberValue(path_get(run, "results.1.locations.0.physicalLocation.region.endLine")), 3);
    CHECK_INT(cJSON_GetNumberValue(path_get(run, "results.1.locations.0.physicalLocation.region.endColumn")), 5);
    CHECK_INT(cJSON_GetNumberValue(path_get(run, "results.2.ruleIndex")), 1);
    CHECK(path_get(run, "results.2.locations") == NULL);
    CHECK(path_get(run, "invocations") == NULL && path_get(run, "artifacts") == NULL && path_get(run, "properties") == NULL);
    cJSON_Delete(doc);
    free(sarif);

    /* text is the compiler's format, printed by lint itself; no JUnit */
    FILE *devnull = fopen("/dev/null", "w");
    CHECK_INT(rpt_write(&r, RF_TEXT, devnull), -1);
    CHECK_INT(rpt_write(&r, RF_JUNIT, devnull), -1);
    fclose(devnull);
    /* a write that fails leaves the old file whole and nothing beside it */
    char dir[] = "/tmp/test_report_dir_XXXXXX", path[128];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/out.txt", dir);
    FILE *old = fopen(path, "w");
    if (old) { fputs("old", old); fclose(old); }
    CHECK_INT(rpt_write_file(&r, RF_TEXT, path, err, sizeof err), -1);
    CHECK(strstr(err, "out.txt: cannot write the report") != NULL);
    char buf[16] = "";
    FILE *in = fopen(path, "r");
    CHECK(in && fgets(buf, sizeof buf, in));
    if (in) fclose(in);
    CHECK_STR(buf, "old");
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test \"$(ls -A '%s')\" = out.txt", dir);
    CHECK_INT(system(cmd), 0);
    unlink(path);
    rmdir(dir);
    rpt_free(&r);
}

/* palisade lint's findings through pal_lint_to_report: every lint code a
   rule, a compiler code that occurs after them, places and levels kept. */
static void test_lint_to_report(void)
{
    char dir[] = "/tmp/test_lint_repo_XXXXXX", path[128];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/policy.pal", dir);
    FILE *f = fopen(path, "w");
    if (f) { fputs("list spare = [\"zsh\"]\nrule \"r\" {\n  on process\n  when process.name == \"sh\"\n}\n", f); fclose(f); }
    pal_linter L;
    pal_linter_init(&L);
    CHECK_INT(pal_lint_repo(&L, dir, NULL, 0, NULL), 0);
    pal_linter_sort(&L);
    rpt_report r;
    rpt_init(&r);
    CHECK_INT(pal_lint_to_report(&L, &r, err, sizeof err), 0);
    CHECK_INT(r.kind, RPT_LINT);
    CHECK_INT(r.nchecks, pal_lint_ncodes);        /* no compiler code occurred */
    CHECK_STR(r.checks[0].id, "PAL0701");
    CHECK_STR(r.checks[0].name, "unused-declaration");
    CHECK(r.checks[0].help_uri && strstr(r.checks[0].help_uri, "LINT.md#pal0701") != NULL);
    CHECK_INT(r.nfindings, L.nfindings);
    if (r.nfindings) {
        const rpt_finding *x = &r.findings[0];
        CHECK_STR(r.checks[x->check].id, "PAL0701");
        CHECK_INT(x->level, RPT_LEVEL_WARNING);
        CHECK(x->src.file && strstr(x->src.file, "policy.pal") != NULL);
        CHECK_INT(x->src.line, 1);
        CHECK_INT(x->src.col, 6);
    }
    rpt_free(&r);
    pal_linter_free(&L);
    /* a repo that does not parse: the compiler's code becomes a rule after the lint codes */
    f = fopen(path, "w");
    if (f) { fputs("rule \"r\" { when }\n", f); fclose(f); }
    pal_linter_init(&L);
    pal_lint_repo(&L, dir, NULL, 0, NULL);
    pal_linter_sort(&L);
    rpt_init(&r);
    CHECK_INT(pal_lint_to_report(&L, &r, err, sizeof err), 0);
    CHECK_INT(r.nchecks, pal_lint_ncodes + 1);
    CHECK_STR(r.checks[pal_lint_ncodes].id, "PAL0201");
    CHECK_INT(r.checks[pal_lint_ncodes].level, RPT_LEVEL_NONE);
    CHECK(r.nfindings >= 1 && r.findings[0].check == pal_lint_ncodes && r.findings[0].level == RPT_LEVEL_ERROR);
    rpt_free(&r);
    pal_linter_free(&L);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    test_yaml();
    test_frameworks();
    test_dates();
    test_exceptions();
    test_report();
    test_vulns_not_checked();
    test_lint_report();
    test_lint_to_report();
    return unit_result("test_report");
}
