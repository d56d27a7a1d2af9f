/*
 * set.c — a report of several images (report.h, "Several images in one
 * report"): one document in the chosen format, to which each image's
 * finished report is added as soon as it exists.
 *
 * Design.  A run over many images must not hold many images: the scan
 * keeps one inventory at a time, and the set keeps no report.  Each
 * format's per-image part is written out when the image is added — the
 * writers' own parts (a SARIF run, a JUnit testsuite, a palisade.scan/v1
 * line, the text and github reports) — and only what the closing summary
 * needs stays: the totals and, for the text table, one short row per image
 * (its name and counts).  HTML puts its overview first, so html.c stages
 * the images' sections in a temporary file and writes the page at the end.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "engine/report/report.h"
#include "engine/base/about.h"
#include "engine/vm/program.h"

/* What the text summary table shows of one image. */
typedef struct set_row {
    char *label;                  /* name, or file */
    int status;                   /* RS_PASS RS_FAIL RS_ERROR */
    unsigned fail_count[6], excepted, vulns, vulns_failing;
    bool vulns_checked;           /* --feeds given */
    char *error;                  /* why it could not be scanned */
} set_row;

struct rpt_set {
    int format;
    FILE *f;
    rpt_set_opts o;
    rpt_html *html;
    unsigned images, passed, failed, errors;
    unsigned fail_count[6], vuln_count[6], excepted, vulns_failing;
    bool vulns_checked, check_errors;
    rpt_fail_on_seen fail_on;
    set_row *rows;                /* text: one per image */
    unsigned nrows, cap_rows;
    cJSON *errors_json;           /* json: the "errors" array */
    unsigned parts;               /* json, sarif: parts written (a comma before the next) */
    bool failed_write;
};

static const char *label_of(const rpt_report *r)
{
    return r->image.name && *r->image.name ? r->image.name : r->image.file ? r->image.file : "image";
}

static int add_row(rpt_set *s, const char *label, int status, const rpt_report *r, const char *error)
{
    if (s->format != RF_TEXT) return 0;
    if (s->nrows == s->cap_rows) {
        unsigned cap = s->cap_rows ? s->cap_rows * 2 : 16;
        set_row *n = realloc(s->rows, cap * sizeof *n);
        if (!n) return -1;
        s->rows = n;
        s->cap_rows = cap;
    }
    set_row *row = &s->rows[s->nrows];
    memset(row, 0, sizeof *row);
    row->label = strdup(label);
    row->error = error ? strdup(error) : NULL;
    if (!row->label || (error && !row->error)) { free(row->label); free(row->error); return -1; }
    row->status = status;
    if (r) {
        memcpy(row->fail_count, r->fail_count, sizeof row->fail_count);
        row->excepted = r->excepted_findings;
        row->vulns = r->nvulns;
        row->vulns_failing = r->vulns_failing;
        row->vulns_checked = r->vulns_scanned;
    }
    s->nrows++;
    return 0;
}

rpt_set *rpt_set_begin(int format, FILE *f, const rpt_set_opts *o)
{
    if (format < RF_TEXT || format > RF_HTML) { errno = EINVAL; return NULL; }
    rpt_set *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->format = format;
    s->f = f;
    if (o) s->o = *o;
    switch (format) {
    case RF_JSON:
        if (!(s->errors_json = cJSON_CreateArray())) { free(s); return NULL; }
        fprintf(f, "{\"schema\":\"palisade.scans/v1\",\"tool\":{\"name\":\"palisade\",\"version\":\"%s\"},\"reports\":[\n",
                PALISADE_VERSION);
        break;
    case RF_SARIF:
        fputs("{\n  \"$schema\": \"" RPT_SARIF_SCHEMA "\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n", f);
        break;
    case RF_JUNIT:
        rpt_junit_begin(f);
        break;
    case RF_HTML:
        if (!(s->html = rpt_html_begin(f, &s->o))) { free(s); return NULL; }
        break;
    default:
        break;
    }
    return s;
}

/* A JSON or SARIF part after the first is preceded by a comma. */
static void separator(rpt_set *s)
{
    if (s->parts++ && (s->format == RF_JSON || s->format == RF_SARIF)) fputs(",\n", s->f);
}

static int put_json(FILE *f, cJSON *o)
{
    if (!o) return -1;
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text) return -1;
    fputs(text, f);
    free(text);
    return 0;
}

int rpt_set_add(rpt_set *s, const rpt_report *r)
{
    s->images++;
    bool error = r->checks_errors > 0;
    if (error) s->errors++, s->check_errors = true;
    else if (r->passed) s->passed++;
    else s->failed++;
    for (int k = 0; k < 6; k++) {
        s->fail_count[k] += r->fail_count[k];
        s->vuln_count[k] += r->vuln_count[k];
    }
    s->excepted += r->excepted_findings;
    s->vulns_failing += r->vulns_failing;
    s->vulns_checked = s->vulns_checked || r->vulns_scanned;
    rpt_fail_on_see(&s->fail_on, r->fail_on);
    if (add_row(s, label_of(r), error ? RS_ERROR : r->passed ? RS_PASS : RS_FAIL, r, NULL) != 0) return -1;
    separator(s);
    int rc = 0;
    switch (s->format) {
    case RF_TEXT:
        if (s->images > 1) fputs("\n========================================================================\n\n", s->f);
        rc = rpt_write_text(r, s->f);
        break;
    case RF_JSON: rc = rpt_write_json(r, s->f); break;
    case RF_SARIF: rc = put_json(s->f, rpt_sarif_run(r)); break;
    case RF_JUNIT: rpt_junit_suite(r, s->f, s->images - 1); break;
    case RF_GITHUB: rc = rpt_write_github_image(r, s->f, true); break;
    case RF_HTML: rc = rpt_html_add(s->html, r); break;
    }
    if (rc != 0 || ferror(s->f)) s->failed_write = true;
    return rc != 0 || ferror(s->f) ? -1 : 0;
}

int rpt_set_add_error(rpt_set *s, const char *image, const char *error)
{
    s->images++;
    s->errors++;
    if (!image) image = "image";
    if (!error) error = "";
    if (add_row(s, image, RS_ERROR, NULL, error) != 0) return -1;
    int rc = 0;
    switch (s->format) {
    case RF_TEXT:
        if (s->images > 1) fputs("\n========================================================================\n\n", s->f);
        fprintf(s->f, "%s: ERROR: %s\n", image, error);
        break;
    case RF_JSON: {
        cJSON *e = cJSON_CreateObject();
        if (!e) return -1;
        cJSON_AddStringToObject(e, "file", image);
        cJSON_AddStringToObject(e, "error", error);
        cJSON_AddItemToArray(s->errors_json, e);   /* no line in "reports" */
        break;
    }
    case RF_SARIF:
        separator(s);
        rc = put_json(s->f, rpt_sarif_error_run(image, error));
        break;
    case RF_JUNIT: rpt_junit_error_suite(s->f, image, error, s->images - 1); break;
    case RF_GITHUB: rpt_github_error(s->f, image, error); break;
    case RF_HTML: rc = rpt_html_add_error(s->html, image, error); break;
    }
    if (rc != 0 || ferror(s->f)) s->failed_write = true;
    return rc != 0 || ferror(s->f) ? -1 : 0;
}

int rpt_set_status(const rpt_set *s)
{
    return s->errors ? 2 : s->failed ? 1 : 0;
}

static bool set_passed(const rpt_set *s) { return !s->errors && !s->failed; }

static unsigned low_and_below(const unsigned c[6]) { return c[SEV_LOW] + c[SEV_INFO] + c[SEV_NONE]; }

/* "FAIL: 3 images: 1 passed, 1 failed, 1 could not be scanned; 6 findings (...); ..." */
static void summary_line(const rpt_set *s, char *out, size_t cap)
{
    unsigned nfail = 0;
    for (int k = 0; k < 6; k++) nfail += s->fail_count[k];
    int n = snprintf(out, cap, "%s: %u image%s: %u passed, %u failed", set_passed(s) ? "PASS" : "FAIL", s->images,
                     s->images == 1 ? "" : "s", s->passed, s->failed);
    if (n > 0 && (size_t)n < cap && s->errors)
        n += snprintf(out + n, cap - (size_t)n, ", %u with errors", s->errors);
    if (n > 0 && (size_t)n < cap)
        n += snprintf(out + n, cap - (size_t)n, "; %u finding%s (%u critical, %u high, %u medium, %u low)", nfail,
                      nfail == 1 ? "" : "s", s->fail_count[SEV_CRITICAL], s->fail_count[SEV_HIGH],
                      s->fail_count[SEV_MEDIUM], low_and_below(s->fail_count));
    if (n > 0 && (size_t)n < cap && s->excepted) n += snprintf(out + n, cap - (size_t)n, ", %u excepted", s->excepted);
    if (n > 0 && (size_t)n < cap) {
        if (s->vulns_checked)
            n += snprintf(out + n, cap - (size_t)n, "; %u vulnerabilit%s failing", s->vulns_failing,
                          s->vulns_failing == 1 ? "y" : "ies");
        else
            n += snprintf(out + n, cap - (size_t)n, "; vulnerabilities not checked");
    }
    if (n > 0 && (size_t)n < cap)
        snprintf(out + n, cap - (size_t)n, "; fail-on %s", rpt_fail_on_label(&s->fail_on));
}

static void text_summary(const rpt_set *s)
{
    FILE *f = s->f;
    fputs("\n========================================================================\n\n", f);
    fprintf(f, "%-40s %-6s %5s %5s %5s %5s %5s %s\n", "IMAGE", "RESULT", "CRIT", "HIGH", "MED", "LOW", "EXC",
            "VULNS FAILING");
    for (unsigned i = 0; i < s->nrows; i++) {
        const set_row *r = &s->rows[i];
        const char *res = r->status == RS_PASS ? "PASS" : r->status == RS_FAIL ? "FAIL" : "ERROR";
        if (r->error) {
            fprintf(f, "%-40s %-6s %s\n", r->label, res, r->error);
            continue;
        }
        fprintf(f, "%-40s %-6s %5u %5u %5u %5u %5u ", r->label, res, r->fail_count[SEV_CRITICAL],
                r->fail_count[SEV_HIGH], r->fail_count[SEV_MEDIUM], low_and_below(r->fail_count), r->excepted);
        if (r->vulns_checked) fprintf(f, "%u of %u\n", r->vulns_failing, r->vulns);
        else fputs("not checked\n", f);
    }
    char line[1024];
    summary_line(s, line, sizeof line);
    fprintf(f, "\n%s\n", line);
}

static cJSON *sev_counts(const unsigned c[6])
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "critical", c[SEV_CRITICAL]);
    cJSON_AddNumberToObject(o, "high", c[SEV_HIGH]);
    cJSON_AddNumberToObject(o, "medium", c[SEV_MEDIUM]);
    cJSON_AddNumberToObject(o, "low", c[SEV_LOW]);
    cJSON_AddNumberToObject(o, "info", c[SEV_INFO] + c[SEV_NONE]);
    return o;
}

/* The rest of palisade.scans/v1 after "reports". */
static int json_tail(rpt_set *s)
{
    cJSON *tail = cJSON_CreateObject();
    if (!tail) return -1;
    cJSON_AddItemToObject(tail, "errors", s->errors_json);
    s->errors_json = NULL;
    cJSON *sum = cJSON_AddObjectToObject(tail, "summary");
    cJSON_AddNumberToObject(sum, "images", s->images);
    cJSON_AddNumberToObject(sum, "passed", s->passed);
    cJSON_AddNumberToObject(sum, "failed", s->failed);
    cJSON_AddNumberToObject(sum, "errors", s->errors);
    cJSON_AddItemToObject(sum, "findings", sev_counts(s->fail_count));
    cJSON_AddNumberToObject(sum, "excepted_findings", s->excepted);
    cJSON *vs = sev_counts(s->vuln_count);
    cJSON_AddNumberToObject(vs, "failing", s->vulns_failing);
    cJSON_AddBoolToObject(vs, "checked", s->vulns_checked);
    cJSON_AddItemToObject(sum, "vulnerabilities", vs);
    cJSON_AddStringToObject(tail, "fail_on", rpt_fail_on_label(&s->fail_on));
    cJSON_AddBoolToObject(tail, "passed", set_passed(s));
    char *text = cJSON_PrintUnformatted(tail);
    cJSON_Delete(tail);
    if (!text) return -1;
    /* text is {"errors":...}: its members continue the open document */
    fprintf(s->f, "],%s\n", text + 1);
    free(text);
    return 0;
}

static void set_free(rpt_set *s)
{
    for (unsigned i = 0; i < s->nrows; i++) {
        free(s->rows[i].label);
        free(s->rows[i].error);
    }
    free(s->rows);
    cJSON_Delete(s->errors_json);
    free(s);
}

int rpt_set_end(rpt_set *s)
{
    int rc = s->failed_write ? -1 : 0;
    char line[1024];
    switch (s->format) {
    case RF_TEXT: text_summary(s); break;
    case RF_JSON: if (json_tail(s) != 0) rc = -1; break;
    case RF_SARIF: fputs("\n  ]\n}\n", s->f); break;
    case RF_JUNIT: rpt_junit_end(s->f); break;
    case RF_GITHUB:
        summary_line(s, line, sizeof line);
        rpt_github_line(s->f, line);
        break;
    case RF_HTML:
        if (rpt_html_end(s->html) != 0) rc = -1;
        s->html = NULL;
        break;
    }
    if (fflush(s->f) != 0 || ferror(s->f)) rc = -1;
    set_free(s);
    return rc;
}

void rpt_set_abort(rpt_set *s)
{
    if (!s) return;
    if (s->html) rpt_html_abort(s->html);
    set_free(s);
}
