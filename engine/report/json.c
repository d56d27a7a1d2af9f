/*
 * json.c — the machine formats in JSON: a scan's palisade.scan/v1 and a
 * lint's findings document (both schemas in report.h; the lint one also in
 * lang/LINT.md).  They share the document's shape on the wire — one line,
 * unformatted, ending in a newline — and the string and level helpers; the
 * fields are each schema's own.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cJSON.h>
#include "engine/report/report.h"
#include "engine/base/about.h"
#include "engine/vm/program.h"

static void add_str(cJSON *o, const char *k, const char *v)
{
    cJSON_AddItemToObject(o, k, cJSON_CreateString(v ? v : ""));
}

/* Both documents go out the same way: one line, unformatted, a newline. */
static int put_doc(cJSON *root, FILE *f)
{
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!text) return -1;
    fputs(text, f);
    fputc('\n', f);
    free(text);
    return 0;
}

static const char *level_name(int level)
{
    return level == RPT_LEVEL_ERROR ? "error" : level == RPT_LEVEL_WARNING ? "warning" : "note";
}

/* ---- lint: {"findings": [...], "errors": N, "warnings": N} ---- */

static cJSON *lint_finding_json(const rpt_report *r, const rpt_finding *x)
{
    cJSON *o = cJSON_CreateObject();
    add_str(o, "level", level_name(rpt_finding_level(x)));
    add_str(o, "code", r->checks[x->check].id);
    if (x->src.file) {
        add_str(o, "file", x->src.file);
        cJSON_AddNumberToObject(o, "line", x->src.line);
        cJSON_AddNumberToObject(o, "column", x->src.col);
        cJSON_AddNumberToObject(o, "end_line", x->src.end_line);
        cJSON_AddNumberToObject(o, "end_column", x->src.end_col);
    }
    add_str(o, "message", x->message);
    if (x->hint) add_str(o, "hint", x->hint);
    return o;
}

static int write_lint_json(const rpt_report *r, FILE *f)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "findings");
    for (unsigned i = 0; i < r->nfindings; i++) cJSON_AddItemToArray(arr, lint_finding_json(r, &r->findings[i]));
    cJSON_AddNumberToObject(root, "errors", r->level_count[RPT_LEVEL_ERROR]);
    cJSON_AddNumberToObject(root, "warnings", r->level_count[RPT_LEVEL_WARNING]);
    return put_doc(root, f);
}

/* ---- scan: palisade.scan/v1 ---- */

static cJSON *exception_json(const rpt_exception_ref *e)
{
    cJSON *x = cJSON_CreateObject();
    add_str(x, "reason", e->reason);
    if (e->expires) add_str(x, "expires", e->expires);
    cJSON_AddBoolToObject(x, "expired", e->expired);
    add_str(x, "file", e->file);
    cJSON_AddNumberToObject(x, "line", e->line);
    return x;
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

static cJSON *strlist_json(const rpt_strlist *l)
{
    cJSON *a = cJSON_CreateArray();
    for (unsigned i = 0; i < l->n; i++) cJSON_AddItemToArray(a, cJSON_CreateString(l->v[i]));
    return a;
}

static cJSON *config_json(const rpt_config *c)
{
    cJSON *o = cJSON_CreateObject();
    add_str(o, "user", c->user);
    add_str(o, "working_dir", c->working_dir);
    cJSON_AddItemToObject(o, "entrypoint", strlist_json(&c->entrypoint));
    cJSON_AddItemToObject(o, "cmd", strlist_json(&c->cmd));
    cJSON_AddItemToObject(o, "env", strlist_json(&c->env));
    cJSON_AddItemToObject(o, "exposed_ports", strlist_json(&c->ports));
    cJSON_AddItemToObject(o, "volumes", strlist_json(&c->volumes));
    cJSON_AddItemToObject(o, "healthcheck", strlist_json(&c->healthcheck));
    cJSON *labels = cJSON_AddArrayToObject(o, "labels");
    for (unsigned i = 0; i < c->nlabels; i++) {
        cJSON *l = cJSON_CreateObject();
        add_str(l, "name", c->labels[i].name);
        add_str(l, "value", c->labels[i].value);
        cJSON_AddItemToArray(labels, l);
    }
    if (c->omitted) cJSON_AddNumberToObject(o, "omitted", c->omitted);
    return o;
}

static cJSON *history_json(const rpt_image *image)
{
    cJSON *a = cJSON_CreateArray();
    for (unsigned i = 0; i < image->nhistory; i++) {
        const rpt_history *h = &image->history[i];
        cJSON *o = cJSON_CreateObject();
        add_str(o, "created", h->created);
        add_str(o, "created_by", h->created_by);
        add_str(o, "comment", h->comment);
        cJSON_AddBoolToObject(o, "empty_layer", h->empty_layer);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static cJSON *image_json(const rpt_image *image)
{
    cJSON *im = cJSON_CreateObject();
    add_str(im, "file", image->file);
    add_str(im, "name", image->name);
    cJSON *tags = cJSON_AddArrayToObject(im, "tags");
    for (unsigned i = 0; i < image->ntags; i++) cJSON_AddItemToArray(tags, cJSON_CreateString(image->tags[i]));
    add_str(im, "id", image->id);
    add_str(im, "os", image->os);
    add_str(im, "os_version", image->os_version);
    add_str(im, "architecture", image->architecture);
    if (image->created) add_str(im, "created", image->created);
    if (image->config.known) cJSON_AddItemToObject(im, "config", config_json(&image->config));
    if (image->history_known) {
        cJSON_AddItemToObject(im, "history", history_json(image));
        if (image->history_omitted) cJSON_AddNumberToObject(im, "history_omitted", image->history_omitted);
    }
    return im;
}

/* "frameworks": every reference; "controls": one string per framework,
   several controls joined with ", ". */
static void frameworks_json(cJSON *o, const rpt_check *c)
{
    cJSON *fw = cJSON_AddArrayToObject(o, "frameworks");
    cJSON *ctl = cJSON_AddObjectToObject(o, "controls");
    for (unsigned k = 0; k < c->nfw; k++) {
        cJSON *e = cJSON_CreateObject();
        add_str(e, "framework", c->fw[k].framework);
        add_str(e, "control", c->fw[k].control);
        if (c->fw[k].title && *c->fw[k].title) add_str(e, "title", c->fw[k].title);
        cJSON_AddItemToArray(fw, e);
        cJSON *have = cJSON_GetObjectItemCaseSensitive(ctl, c->fw[k].framework);
        if (!have) {
            add_str(ctl, c->fw[k].framework, c->fw[k].control);
            continue;
        }
        size_t n = strlen(have->valuestring) + strlen(c->fw[k].control) + 3;
        char *joined = malloc(n);
        if (joined) {
            snprintf(joined, n, "%s, %s", have->valuestring, c->fw[k].control);
            cJSON_ReplaceItemInObjectCaseSensitive(ctl, c->fw[k].framework, cJSON_CreateString(joined));
            free(joined);
        }
    }
}

static cJSON *scan_finding_json(const rpt_report *r, const rpt_finding *x)
{
    const rpt_check *c = &r->checks[x->check];
    cJSON *o = cJSON_CreateObject();
    add_str(o, "id", c->id);
    add_str(o, "title", c->title);
    add_str(o, "severity", rpt_sev_name(x->severity));
    add_str(o, "status", rpt_status_name(x->status));
    add_str(o, "message", x->message);
    if (x->element) add_str(o, "element", x->element);
    frameworks_json(o, c);
    add_str(o, "remediation", c->remediation);
    if (x->has_exception) cJSON_AddItemToObject(o, "exception", exception_json(&x->exc));
    return o;
}

static cJSON *vuln_json(const rpt_vuln *v)
{
    cJSON *o = cJSON_CreateObject();
    add_str(o, "id", v->id);
    add_str(o, "package", v->package);
    add_str(o, "version", v->version);
    add_str(o, "ecosystem", v->ecosystem);
    add_str(o, "fixed_version", v->fixed_version);
    cJSON_AddBoolToObject(o, "fix_available", v->fix_available);
    add_str(o, "severity", rpt_vuln_sev(v));
    cJSON_AddNumberToObject(o, "cvss", v->cvss);
    cJSON_AddNumberToObject(o, "risk", v->risk);
    if (v->has_factors) {
        cJSON *rf = cJSON_AddObjectToObject(o, "risk_factors");
        for (int k = 0; k < RPT_RISK_NFACTORS; k++) cJSON_AddNumberToObject(rf, rpt_risk_factor_name(k), v->factors[k]);
    }
    add_str(o, "published", v->published);
    cJSON_AddNumberToObject(o, "age_days", (double)v->age_days);
    cJSON_AddBoolToObject(o, "exploit", v->exploit);
    add_str(o, "kb", v->kb);
    add_str(o, "source", v->source);
    add_str(o, "title", v->title);
    add_str(o, "status", rpt_status_name(v->status));
    if (v->note) add_str(o, "note", v->note);
    if (v->has_exception) cJSON_AddItemToObject(o, "exception", exception_json(&v->exc));
    return o;
}

static cJSON *check_json(const rpt_check *c)
{
    cJSON *o = cJSON_CreateObject();
    add_str(o, "id", c->id);
    add_str(o, "title", c->title);
    add_str(o, "severity", rpt_sev_name(c->severity));
    add_str(o, "status", rpt_status_name(c->status));
    cJSON *fw = cJSON_AddArrayToObject(o, "frameworks");   /* a passing check's controls pass */
    for (unsigned k = 0; k < c->nfw; k++) {
        cJSON *e = cJSON_CreateObject();
        add_str(e, "framework", c->fw[k].framework);
        add_str(e, "control", c->fw[k].control);
        if (c->fw[k].title && *c->fw[k].title) add_str(e, "title", c->fw[k].title);
        cJSON_AddItemToArray(fw, e);
    }
    cJSON_AddNumberToObject(o, "findings", c->nfail + c->nexcepted);
    if (c->dropped) cJSON_AddNumberToObject(o, "dropped", c->dropped);
    add_str(o, "source", c->source);
    if (c->error) add_str(o, "error", c->error);
    if (c->not_applicable) add_str(o, "not_applicable", c->not_applicable);
    return o;
}

static cJSON *summary_json(const rpt_report *r)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddNumberToObject(s, "checks", r->nchecks);
    cJSON_AddNumberToObject(s, "passed", r->checks_passed);
    cJSON_AddNumberToObject(s, "failed", r->checks_failed);
    cJSON_AddNumberToObject(s, "excepted", r->checks_excepted);
    cJSON_AddNumberToObject(s, "errors", r->checks_errors);
    cJSON_AddNumberToObject(s, "not_applicable", r->checks_not_applicable);
    cJSON_AddItemToObject(s, "findings", sev_counts(r->fail_count));
    cJSON_AddNumberToObject(s, "excepted_findings", r->excepted_findings);
    cJSON *vs = sev_counts(r->vuln_count);
    cJSON_AddNumberToObject(vs, "failing", r->vulns_failing);
    cJSON_AddBoolToObject(vs, "checked", r->vulns_scanned);   /* beside the counts it qualifies */
    cJSON_AddItemToObject(s, "vulnerabilities", vs);
    return s;
}

static int write_scan_json(const rpt_report *r, FILE *f)
{
    cJSON *root = cJSON_CreateObject();
    add_str(root, "schema", "palisade.scan/v1");
    cJSON *tool = cJSON_AddObjectToObject(root, "tool");
    add_str(tool, "name", "palisade");
    add_str(tool, "version", PALISADE_VERSION);
    if (r->started > 0) {
        char stamp[32];
        struct tm tm;
        gmtime_r(&r->started, &tm);
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
        add_str(root, "started", stamp);
    }
    cJSON_AddItemToObject(root, "image", image_json(&r->image));
    cJSON *fa = cJSON_AddArrayToObject(root, "findings");
    for (unsigned i = 0; i < r->nfindings; i++) cJSON_AddItemToArray(fa, scan_finding_json(r, &r->findings[i]));
    cJSON_AddBoolToObject(root, "vulnerabilities_checked", r->vulns_scanned);
    cJSON *va = cJSON_AddArrayToObject(root, "vulnerabilities");
    for (unsigned i = 0; i < r->nvulns; i++) cJSON_AddItemToArray(va, vuln_json(&r->vulns[i]));
    cJSON *ca = cJSON_AddArrayToObject(root, "checks");
    for (unsigned i = 0; i < r->nchecks; i++) cJSON_AddItemToArray(ca, check_json(&r->checks[i]));
    cJSON *na = cJSON_AddArrayToObject(root, "notes");
    for (unsigned i = 0; i < r->nnotes; i++) cJSON_AddItemToArray(na, cJSON_CreateString(r->notes[i]));
    if (!r->vulns_scanned) cJSON_AddItemToArray(na, cJSON_CreateString(RPT_VULNS_NOT_CHECKED));
    cJSON_AddItemToObject(root, "summary", summary_json(r));
    add_str(root, "fail_on", rpt_sev_name(r->fail_on));
    cJSON_AddBoolToObject(root, "passed", r->passed);
    return put_doc(root, f);
}

int rpt_write_json(const rpt_report *r, FILE *f)
{
    return r->kind == RPT_LINT ? write_lint_json(r, f) : write_scan_json(r, f);
}
