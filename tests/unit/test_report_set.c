/*
 * test_report_set.c — reports of several images (engine/report/set.c),
 * saved reports read back (load.c) and the HTML page's escaping (html.c),
 * the overview's exceptions (in force, expiring soon, expired), on reports
 * built in memory.
 */
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "tests/unit/unit.h"
#include "engine/report/report.h"
#include "engine/vm/program.h"

static const char *hostile = "<script>alert(1)</script>\"'&amp;";

/* A small finished report: one failing check with a finding, one passing
   check, an excepted finding, a vulnerability with risk factors, a config
   with a label and a history line (both hostile). */
static void make(rpt_report *r, const char *name, bool failing)
{
    rpt_init(r);
    r->image.file = rpt_str(r, "img.tar");
    r->image.name = rpt_str(r, name);
    r->image.config.known = true;
    r->image.config.user = rpt_str(r, "root");
    r->image.config.labels = pal_arena_alloc(&r->arena, sizeof *r->image.config.labels);
    r->image.config.labels[0] = (rpt_label){rpt_str(r, hostile), rpt_str(r, hostile)};
    r->image.config.nlabels = 1;
    r->image.history_known = true;
    r->image.history = pal_arena_alloc(&r->arena, sizeof *r->image.history);
    r->image.history[0] = (rpt_history){"", rpt_str(r, hostile), "", false};
    r->image.nhistory = 1;
    rpt_check *c = rpt_add_check(r);
    c->id = "PAL-0041";
    c->title = "Non-root user";
    c->severity = SEV_HIGH;
    c->remediation = "USER app";
    c->fw = pal_arena_alloc(&r->arena, sizeof *c->fw);
    c->fw[0] = (rpt_fwref){"cis_docker", "4.1", "a user"};
    c->nfw = 1;
    rpt_check *p = rpt_add_check(r);
    p->id = "PAL-0046";
    p->severity = SEV_LOW;
    if (failing) {
        rpt_finding *f = rpt_add_finding(r);
        f->check = 0;
        f->severity = SEV_HIGH;
        f->status = RS_FAIL;
        f->message = rpt_str(r, hostile);
    }
    rpt_finding *e = rpt_add_finding(r);
    e->check = 1;
    e->severity = SEV_LOW;
    e->status = RS_EXCEPTED;
    e->message = "no healthcheck";
    e->has_exception = true;
    e->exc = (rpt_exception_ref){rpt_str(r, hostile), "2999-12-31", "exc.yaml", 3, false};
    r->vulns_scanned = true;
    rpt_vuln *v = rpt_add_vuln(r);
    v->id = "CVE-2024-1";
    v->package = "libssl3";
    v->version = "3.0.1";
    v->fixed_version = "3.0.2";
    v->severity = SEV_MEDIUM;
    v->severity_name = "medium";
    v->risk = 40;
    v->status = RS_INFO;
    v->has_factors = true;
    v->factors[RPT_RISK_SEVERITY] = 18;
    v->factors[RPT_RISK_FIX] = 10;
    rpt_finish(r);
}

static char *render_set(int fmt, bool with_error)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    rpt_set *s = rpt_set_begin(fmt, f, NULL);
    CHECK(s != NULL);
    rpt_report a, b;
    make(&a, "a:1", true);
    make(&b, "b:1", false);
    CHECK_INT(rpt_set_add(s, &a), 0);
    if (with_error) CHECK_INT(rpt_set_add_error(s, "bad<x>.tar", "not a tar archive"), 0);
    CHECK_INT(rpt_set_add(s, &b), 0);
    CHECK_INT(rpt_set_status(s), with_error ? 2 : 1);
    rpt_free(&a);   /* added reports may go at once */
    rpt_free(&b);
    CHECK_INT(rpt_set_end(s), 0);
    fclose(f);
    return buf;
}

static void test_json_set(void)
{
    char *text = render_set(RF_JSON, true);
    cJSON *doc = cJSON_Parse(text);
    CHECK(doc != NULL);
    CHECK_STR(cJSON_GetObjectItem(doc, "schema")->valuestring, "palisade.scans/v1");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "reports")), 2);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "errors")), 1);
    cJSON *sum = cJSON_GetObjectItem(doc, "summary");
    CHECK_INT(cJSON_GetObjectItem(sum, "images")->valueint, 3);
    CHECK_INT(cJSON_GetObjectItem(sum, "passed")->valueint, 1);
    CHECK_INT(cJSON_GetObjectItem(sum, "failed")->valueint, 1);
    CHECK_INT(cJSON_GetObjectItem(sum, "errors")->valueint, 1);
    CHECK_INT(cJSON_GetObjectItem(cJSON_GetObjectItem(sum, "findings"), "high")->valueint, 1);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(doc, "passed")));

    /* each report reads back to the same document */
    cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "reports"), 0);
    rpt_report back;
    char err[512];
    CHECK_INT(rpt_from_json(&back, first, err, sizeof err), 0);
    CHECK_INT(back.nfindings, 2);
    CHECK_INT(back.fail_count[SEV_HIGH], 1);
    CHECK_INT(back.excepted_findings, 1);
    CHECK(!back.passed);
    CHECK_STR(back.image.config.labels[0].value, hostile);
    CHECK_STR(back.image.history[0].created_by, hostile);
    CHECK_INT(back.vulns[0].factors[RPT_RISK_FIX], 10);
    CHECK_INT(back.checks[0].nfw, 1);
    char *again = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&again, &len);
    CHECK_INT(rpt_write(&back, RF_JSON, f), 0);
    fclose(f);
    cJSON *redoc = cJSON_Parse(again);
    CHECK(cJSON_Compare(redoc, first, true));
    cJSON_Delete(redoc);
    free(again);
    rpt_free(&back);
    cJSON_Delete(doc);
    free(text);
}

static void test_load_errors(void)
{
    static const struct { const char *json, *err; } cases[] = {
        {"[]", "report: not a JSON object"},
        {"{\"schema\": \"palisade.scans/v1\"}", "schema: not a palisade.scan/v1 report"},
        {"{\"schema\": \"palisade.scan/v1\"}", "image: missing, or not an object"},
        {"{\"schema\": \"palisade.scan/v1\", \"image\": {\"name\": 3}}", "image: 'name' must be a string"},
        {"{\"schema\": \"palisade.scan/v1\", \"image\": {}, \"findings\": [{\"id\": \"X\", \"severity\": \"high\", \"status\": \"lost\"}]}",
         "findings[0]: unknown status 'lost'"},
        {"{\"schema\": \"palisade.scan/v1\", \"image\": {}, \"vulnerabilities\": [{\"id\": \"C\", \"status\": \"fail\", \"risk\": 900}]}",
         "vulnerabilities[0]: 'risk' must be a number from 0 to 100"},
        {"{\"schema\": \"palisade.scan/v1\", \"image\": {}, \"checks\": [{\"id\": \"A\"}, {\"id\": \"A\"}]}",
         "checks[1]: check 'A' is listed twice"},
        {"{\"schema\": \"palisade.scan/v1\", \"image\": {\"history\": [1]}}", "image.history[0]: must be an object"},
        {"{\"schema\": \"palisade.scan/v1\", \"image\": {}, \"fail_on\": \"info\"}", "fail_on: must be low, medium, high or critical"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *doc = cJSON_Parse(cases[i].json);
        rpt_report r;
        char err[512] = "";
        CHECK_INT(rpt_from_json(&r, doc, err, sizeof err), -1);
        CHECK_STR(err, cases[i].err);
        rpt_free(&r);
        cJSON_Delete(doc);
    }
    /* invalid UTF-8 and control characters in a saved report become safe strings */
    cJSON *doc = cJSON_Parse("{\"schema\": \"palisade.scan/v1\", \"image\": {\"name\": \"a\\u0001b\"}, "
                             "\"findings\": [{\"id\": \"X\", \"severity\": \"high\", \"status\": \"fail\", \"message\": \"m\"}]}");
    rpt_report r;
    char err[512];
    CHECK_INT(rpt_from_json(&r, doc, err, sizeof err), 0);
    CHECK_STR(r.image.name, "a b");
    CHECK_INT(r.nchecks, 1);   /* the finding's check, made from it */
    CHECK(!r.passed);
    rpt_free(&r);
    cJSON_Delete(doc);
    /* a report that leaves out the image's fields and an exception's renders in every
       format (the text writer printed a NULL file name: found by fuzz_report_json) */
    doc = cJSON_Parse("{\"schema\": \"palisade.scan/v1\", \"image\": {}, \"findings\": [{\"id\": \"X\", "
                      "\"severity\": \"high\", \"status\": \"excepted\", \"exception\": {}}], "
                      "\"vulnerabilities\": [{\"id\": \"C\", \"status\": \"fail\"}]}");
    CHECK_INT(rpt_from_json(&r, doc, err, sizeof err), 0);
    for (int fmt = RF_TEXT; fmt <= RF_HTML; fmt++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        CHECK_INT(rpt_write(&r, fmt, f), 0);
        fclose(f);
        CHECK(len > 0);
        free(buf);
    }
    rpt_free(&r);
    cJSON_Delete(doc);
    /* the writers' own "not checked" note is not read back as a note of the report's,
       also when a control character stands for a space in it (it reads back as a space,
       and a second round trip doubled the note: found by fuzz_report_json) */
    char *note = strdup(RPT_VULNS_NOT_CHECKED);
    *strchr(note, ' ') = '\x19';
    cJSON *d2 = cJSON_CreateObject();
    cJSON_AddStringToObject(d2, "schema", "palisade.scan/v1");
    cJSON_AddObjectToObject(d2, "image");
    cJSON *na = cJSON_AddArrayToObject(d2, "notes");
    cJSON_AddItemToArray(na, cJSON_CreateString(RPT_VULNS_NOT_CHECKED));
    cJSON_AddItemToArray(na, cJSON_CreateString(note));
    cJSON_AddItemToArray(na, cJSON_CreateString("a note of its own"));
    free(note);
    CHECK_INT(rpt_from_json(&r, d2, err, sizeof err), 0);
    CHECK_INT(r.nnotes, 1);
    if (r.nnotes) CHECK_STR(r.notes[0], "a note of its own");
    rpt_free(&r);
    cJSON_Delete(d2);
}

static void test_html_escaping(void)
{
    char *html = render_set(RF_HTML, true);
    CHECK(html && !strncmp(html, "<!DOCTYPE html>", 15));
    /* the hostile string never appears raw, only escaped */
    CHECK(strstr(html, "<script>alert") == NULL);
    CHECK(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;amp;") != NULL);
    CHECK(strstr(html, "bad&lt;x&gt;.tar") != NULL);
    /* one script: the page's own, allowed by its hash */
    const char *p = html;
    int scripts = 0;
    while ((p = strstr(p, "<script"))) { scripts++; p++; }
    CHECK_INT(scripts, 1);
    CHECK(strstr(html, "script-src 'sha256-") != NULL);
    CHECK(strstr(html, "http://") == NULL || strstr(html, "http://") == strstr(html, "http://www.w3.org/2000/svg"));
    free(html);
}

/* An image whose findings are excepted by three exceptions: one expired (the
   finding fails again), one ending 10 days after `today`, one far off; the
   second image matches the far one too. */
static void add_excepted(rpt_report *r, const char *name, bool all)
{
    rpt_init(r);
    r->image.file = "img.tar";
    r->image.name = name;
    rpt_check *c = rpt_add_check(r);
    c->id = "PAL-0424";
    c->severity = SEV_HIGH;
    static const rpt_exception_ref excs[] = {
        {"far off", "2999-12-31", "exc.yaml", 3, false},
        {"ends soon", "2026-01-11", "exc.yaml", 7, false},
        {"ran out", "2025-12-31", "exc.yaml", 11, true},
    };
    for (int i = 0; i < (all ? 3 : 1); i++) {
        rpt_finding *f = rpt_add_finding(r);
        f->check = 0;
        f->severity = SEV_HIGH;
        f->status = excs[i].expired ? RS_FAIL : RS_EXCEPTED;
        f->message = "a key";
        f->has_exception = true;
        f->exc = excs[i];
    }
    rpt_finish(r);
}

static char *exceptions_page(unsigned expiring_days)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    rpt_set_opts o = {20454, expiring_days, NULL};   /* today: 2026-01-01 */
    rpt_set *s = rpt_set_begin(RF_HTML, f, &o);
    CHECK(s != NULL);
    rpt_report a, b;
    add_excepted(&a, "a:1", true);
    add_excepted(&b, "b:1", false);
    CHECK_INT(rpt_set_add(s, &a), 0);
    CHECK_INT(rpt_set_add(s, &b), 0);
    rpt_free(&a);
    rpt_free(&b);
    CHECK_INT(rpt_set_end(s), 0);
    fclose(f);
    return buf;
}

/* The overview's exceptions: in force, expiring soon (by --expiring-days),
   expired; one row per exception, soonest first, counting the images. */
static void test_html_exceptions(void)
{
    char *html = exceptions_page(0);   /* 30 days */
    const char *t = strstr(html, "<table class=\"sortable\" id=\"t-exceptions\">");
    CHECK(strstr(html, "<p>3 exceptions matched: 2 in force, of which 1 expires within 30 days; 1 expired") != NULL);
    CHECK(t != NULL);
    if (t) {
        const char *ran = strstr(t, "ran out"), *soon = strstr(t, "ends soon"), *far = strstr(t, "far off");
        CHECK(ran && soon && far && ran < soon && soon < far);   /* by expiry date */
        CHECK(strstr(t, "<td>2025-12-31</td><td data-sort=\"0\" class=\"exc-expired\">expired: fails again</td>"
                        "<td>1</td><td>0</td><td>1</td><td>exc.yaml:11</td>") != NULL);
        CHECK(strstr(t, "<td>2026-01-11</td><td data-sort=\"1\" class=\"exc-soon\">expiring soon (in 10 days)</td>"
                        "<td>1</td><td>0</td><td>1</td><td>exc.yaml:7</td>") != NULL);
        CHECK(strstr(t, "<td>2999-12-31</td><td data-sort=\"2\">in force</td><td>2</td><td>0</td><td>2</td>"
                        "<td>exc.yaml:3</td>") != NULL);
    }
    free(html);
    html = exceptions_page(9);         /* 10 days away is no longer soon */
    CHECK(strstr(html, "2 in force, of which 0 expire within 9 days; 1 expired") != NULL);
    CHECK(strstr(html, "expiring soon") == NULL);
    free(html);
    html = exceptions_page(10);        /* ... and on the day it is */
    CHECK(strstr(html, "expiring soon (in 10 days)") != NULL);
    free(html);
}

static void test_str_cut(void)
{
    rpt_report r;
    rpt_init(&r);
    CHECK_STR(rpt_str_cut(&r, "abcdef", 6), "abcdef");
    CHECK_STR(rpt_str_cut(&r, "abcdef", 3), "abc\xe2\x80\xa6");
    /* never inside a character: é is two bytes */
    CHECK_STR(rpt_str_cut(&r, "a\xc3\xa9z", 2), "a\xe2\x80\xa6");
    rpt_free(&r);
}

static void test_other_sets(void)
{
    char *text = render_set(RF_TEXT, false);
    CHECK(strstr(text, "FAIL: 2 images: 1 passed, 1 failed;") != NULL);
    free(text);
    char *sarif = render_set(RF_SARIF, true);
    cJSON *doc = cJSON_Parse(sarif);
    CHECK(doc != NULL);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "runs")), 3);
    cJSON_Delete(doc);
    free(sarif);
    char *gh = render_set(RF_GITHUB, false);
    CHECK(strstr(gh, "title=a%3A1%3A PAL-0041 (high)") != NULL);
    free(gh);
}

int main(void)
{
    test_json_set();
    test_load_errors();
    test_html_escaping();
    test_html_exceptions();
    test_str_cut();
    test_other_sets();
    return unit_result("test_report_set");
}
