/*
 * load.c — a saved palisade.scan/v1 document read back into the report
 * model (rpt_from_json, report.h), so `palisade report` renders saved
 * scans with the same writers as a live one.
 *
 * Design.  The document is untrusted (a file anyone may hand over): each
 * field is read by type, a field of the wrong type is an error naming its
 * JSON path ("findings[3].severity: expected a string"), an unknown value
 * of an enumeration (a severity, a status) is an error too, and every
 * string goes through rpt_str like a live scan's, so a hostile report
 * cannot break the page or the other formats.  Fields the schema gained
 * after a report was written (config, history, risk factors, a check's
 * frameworks) may be absent: the model then says "not known".  Statuses,
 * counts and pass/fail are settled again by rpt_finish from the findings,
 * as they were when the report was written, rather than trusted from its
 * summary.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cJSON.h>
#include "engine/report/report.h"
#include "engine/base/err.h"
#include "engine/base/strmap.h"
#include "engine/vm/program.h"

typedef struct loader {
    rpt_report *r;
    char *err;
    size_t errcap;
    pal_strmap check_by_id;   /* id -> index + 1 */
} loader;

static int fail(loader *L, const char *where, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(loader *L, const char *where, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return pal_set_err(L->err, L->errcap, "%s: %s", where, what);
}

/* A string member: *out NULL when absent (or JSON null); -1 on another type. */
static int get_str(loader *L, const cJSON *o, const char *key, const char *where, const char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    *out = NULL;
    if (!v || cJSON_IsNull(v)) return 0;
    if (!cJSON_IsString(v)) return fail(L, where, "'%s' must be a string", key);
    *out = rpt_str(L->r, v->valuestring);
    return 0;
}

static int get_num(loader *L, const cJSON *o, const char *key, const char *where, double lo, double hi, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v || cJSON_IsNull(v)) return 0;
    if (!cJSON_IsNumber(v) || v->valuedouble < lo || v->valuedouble > hi)
        return fail(L, where, "'%s' must be a number from %g to %g", key, lo, hi);
    *out = v->valuedouble;
    return 0;
}

static int get_bool(loader *L, const cJSON *o, const char *key, const char *where, bool *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v || cJSON_IsNull(v)) return 0;
    if (!cJSON_IsBool(v)) return fail(L, where, "'%s' must be true or false", key);
    *out = cJSON_IsTrue(v);
    return 0;
}

/* An array member (NULL when absent); -1 on another type. */
static int get_arr(loader *L, const cJSON *o, const char *key, const char *where, const cJSON **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    *out = NULL;
    if (!v || cJSON_IsNull(v)) return 0;
    if (!cJSON_IsArray(v)) return fail(L, where, "'%s' must be an array", key);
    *out = v;
    return 0;
}

static int severity_of(loader *L, const char *name, const char *where, bool vuln, unsigned *out)
{
    if (!name) { *out = vuln ? SEV_NONE : SEV_MEDIUM; return 0; }
    if (!strcmp(name, "none") || (vuln && !strcmp(name, "unknown"))) { *out = SEV_NONE; return 0; }
    int s = pal_severity_from_name(name, strlen(name));
    if (s <= 0) return fail(L, where, "unknown severity '%s' (info, low, medium, high, critical)", name);
    *out = (unsigned)s;
    return 0;
}

static int status_of(loader *L, const char *name, const char *where, const int *allowed, int *out)
{
    for (const int *a = allowed; *a >= 0; a++)
        if (name && !strcmp(name, rpt_status_name(*a))) { *out = *a; return 0; }
    return fail(L, where, "unknown status '%s'", name ? name : "(none)");
}

/* A list of strings, bounded as a live scan's. */
static int strlist(loader *L, const cJSON *o, const char *key, const char *where, rpt_strlist *out, unsigned *omitted)
{
    const cJSON *a, *e;
    if (get_arr(L, o, key, where, &a) != 0) return -1;
    int n = a ? cJSON_GetArraySize(a) : 0;
    if (n <= 0) return 0;
    unsigned keep = (unsigned)n < RPT_MAX_LIST ? (unsigned)n : RPT_MAX_LIST;
    if (omitted) *omitted += (unsigned)n - keep;
    if (!(out->v = pal_arena_alloc(&L->r->arena, keep * sizeof *out->v))) return fail(L, where, "out of memory");
    cJSON_ArrayForEach(e, a) {
        if (out->n == keep) break;
        if (!cJSON_IsString(e)) return fail(L, where, "'%s' must hold strings", key);
        out->v[out->n++] = rpt_str_cut(L->r, e->valuestring, RPT_MAX_CONFIG_BYTES);
    }
    return 0;
}

static const char *cut(loader *L, const char *s) { return s ? rpt_str_cut(L->r, s, RPT_MAX_CONFIG_BYTES) : NULL; }

static int load_config(loader *L, const cJSON *cfg)
{
    rpt_config *c = &L->r->image.config;
    const char *w = "image.config";
    if (!cJSON_IsObject(cfg)) return fail(L, w, "must be an object");
    c->known = true;
    if (get_str(L, cfg, "user", w, &c->user) || get_str(L, cfg, "working_dir", w, &c->working_dir) ||
        strlist(L, cfg, "entrypoint", w, &c->entrypoint, &c->omitted) || strlist(L, cfg, "cmd", w, &c->cmd, &c->omitted) ||
        strlist(L, cfg, "env", w, &c->env, &c->omitted) || strlist(L, cfg, "exposed_ports", w, &c->ports, &c->omitted) ||
        strlist(L, cfg, "volumes", w, &c->volumes, &c->omitted) ||
        strlist(L, cfg, "healthcheck", w, &c->healthcheck, &c->omitted))
        return -1;
    c->user = cut(L, c->user);
    c->working_dir = cut(L, c->working_dir);
    double omitted = 0;
    if (get_num(L, cfg, "omitted", w, 0, 1e9, &omitted) != 0) return -1;
    c->omitted += (unsigned)omitted;
    const cJSON *labels, *e;
    if (get_arr(L, cfg, "labels", w, &labels) != 0) return -1;
    int n = labels ? cJSON_GetArraySize(labels) : 0;
    if (n <= 0) return 0;
    unsigned keep = (unsigned)n < RPT_MAX_LIST ? (unsigned)n : RPT_MAX_LIST;
    c->omitted += (unsigned)n - keep;
    if (!(c->labels = pal_arena_alloc(&L->r->arena, keep * sizeof *c->labels))) return fail(L, w, "out of memory");
    cJSON_ArrayForEach(e, labels) {
        if (c->nlabels == keep) break;
        rpt_label *l = &c->labels[c->nlabels++];
        if (!cJSON_IsObject(e)) return fail(L, "image.config.labels", "each label must be {\"name\", \"value\"}");
        if (get_str(L, e, "name", "image.config.labels", &l->name) || get_str(L, e, "value", "image.config.labels", &l->value))
            return -1;
        l->name = cut(L, l->name);
        l->value = cut(L, l->value);
    }
    return 0;
}

static int load_history(loader *L, const cJSON *hist)
{
    rpt_image *im = &L->r->image;
    if (!cJSON_IsArray(hist)) return fail(L, "image.history", "must be an array");
    im->history_known = true;
    int n = cJSON_GetArraySize(hist);
    if (n <= 0) return 0;
    unsigned keep = (unsigned)n < RPT_MAX_LIST ? (unsigned)n : RPT_MAX_LIST;
    im->history_omitted = (unsigned)n - keep;
    if (!(im->history = pal_arena_alloc(&L->r->arena, keep * sizeof *im->history))) return fail(L, "image.history", "out of memory");
    const cJSON *e;
    cJSON_ArrayForEach(e, hist) {
        if (im->nhistory == keep) break;
        char where[64];
        snprintf(where, sizeof where, "image.history[%u]", im->nhistory);
        if (!cJSON_IsObject(e)) return fail(L, where, "must be an object");
        rpt_history *h = &im->history[im->nhistory++];
        if (get_str(L, e, "created", where, &h->created) || get_str(L, e, "created_by", where, &h->created_by) ||
            get_str(L, e, "comment", where, &h->comment) || get_bool(L, e, "empty_layer", where, &h->empty_layer))
            return -1;
        h->created = cut(L, h->created);
        h->created_by = cut(L, h->created_by);
        h->comment = cut(L, h->comment);
    }
    return 0;
}

static int load_image(loader *L, const cJSON *doc)
{
    const cJSON *im = cJSON_GetObjectItemCaseSensitive(doc, "image");
    if (!cJSON_IsObject(im)) return fail(L, "image", "missing, or not an object");
    rpt_image *ri = &L->r->image;
    const char *w = "image";
    if (get_str(L, im, "file", w, &ri->file) || get_str(L, im, "name", w, &ri->name) || get_str(L, im, "id", w, &ri->id) ||
        get_str(L, im, "os", w, &ri->os) || get_str(L, im, "os_version", w, &ri->os_version) ||
        get_str(L, im, "architecture", w, &ri->architecture) || get_str(L, im, "created", w, &ri->created))
        return -1;
    rpt_strlist tags = {0};
    if (strlist(L, im, "tags", w, &tags, NULL) != 0) return -1;
    ri->tags = tags.v;
    ri->ntags = tags.n;
    /* a live scan always has these (maybe empty), and the writers count on it */
    const char **always[] = {&ri->file, &ri->name, &ri->id, &ri->os, &ri->os_version, &ri->architecture};
    for (size_t i = 0; i < sizeof always / sizeof always[0]; i++)
        if (!*always[i]) *always[i] = "";
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(im, "config");
    if (cfg && load_config(L, cfg) != 0) return -1;
    const cJSON *hist = cJSON_GetObjectItemCaseSensitive(im, "history");
    if (hist && load_history(L, hist) != 0) return -1;
    double omitted = 0;
    if (get_num(L, im, "history_omitted", w, 0, 1e9, &omitted) != 0) return -1;
    ri->history_omitted += (unsigned)omitted;
    return 0;
}

/* "frameworks": [{"framework", "control", "title"}] into the check's references. */
static int load_fw(loader *L, const cJSON *o, const char *where, rpt_check *c)
{
    const cJSON *a, *e;
    if (get_arr(L, o, "frameworks", where, &a) != 0) return -1;
    int n = a ? cJSON_GetArraySize(a) : 0;
    if (n <= 0 || c->nfw) return 0;
    if (!(c->fw = pal_arena_alloc(&L->r->arena, (size_t)n * sizeof *c->fw))) return fail(L, where, "out of memory");
    cJSON_ArrayForEach(e, a) {
        if (!cJSON_IsObject(e)) return fail(L, where, "each of 'frameworks' must be an object");
        rpt_fwref *f = &c->fw[c->nfw];
        if (get_str(L, e, "framework", where, &f->framework) || get_str(L, e, "control", where, &f->control) ||
            get_str(L, e, "title", where, &f->title))
            return -1;
        if (!f->framework || !f->control) return fail(L, where, "a framework reference needs 'framework' and 'control'");
        c->nfw++;
    }
    return 0;
}

static int check_index(loader *L, const char *id)
{
    uintptr_t v = (uintptr_t)pal_strmap_get(&L->check_by_id, id, strlen(id));
    return v ? (int)(v - 1) : -1;
}

static int add_check(loader *L, const char *id, const char *where, rpt_check **out)
{
    rpt_check *c = rpt_add_check(L->r);
    if (!c) return fail(L, where, "out of memory");
    c->id = id;
    c->level = RPT_LEVEL_BY_SEVERITY;
    if (pal_strmap_put(&L->r->arena, &L->check_by_id, id, strlen(id), (void *)(uintptr_t)L->r->nchecks) != 0)
        return fail(L, where, "out of memory");
    *out = c;
    return 0;
}

static int load_checks(loader *L, const cJSON *doc)
{
    const cJSON *a, *e;
    if (get_arr(L, doc, "checks", "report", &a) != 0) return -1;
    unsigned i = 0;
    cJSON_ArrayForEach(e, a) {
        char where[64];
        snprintf(where, sizeof where, "checks[%u]", i++);
        if (!cJSON_IsObject(e)) return fail(L, where, "must be an object");
        const char *id, *sev;
        if (get_str(L, e, "id", where, &id) != 0) return -1;
        if (!id || !*id) return fail(L, where, "'id' is missing");
        if (check_index(L, id) >= 0) return fail(L, where, "check '%s' is listed twice", id);
        rpt_check *c;
        if (add_check(L, id, where, &c) != 0) return -1;
        double dropped = 0;
        if (get_str(L, e, "title", where, &c->title) || get_str(L, e, "severity", where, &sev) ||
            get_str(L, e, "source", where, &c->source) || get_str(L, e, "error", where, &c->error) ||
            get_str(L, e, "not_applicable", where, &c->not_applicable) ||
            get_num(L, e, "dropped", where, 0, 1e9, &dropped) || severity_of(L, sev, where, false, &c->severity) ||
            load_fw(L, e, where, c))
            return -1;
        c->dropped = (unsigned)dropped;
    }
    return 0;
}

static int load_exception(loader *L, const cJSON *o, const char *where, bool *has, rpt_exception_ref *x)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "exception");
    if (!e || cJSON_IsNull(e)) return 0;
    if (!cJSON_IsObject(e)) return fail(L, where, "'exception' must be an object");
    double line = 0;
    *has = true;
    if (get_str(L, e, "reason", where, &x->reason) || get_str(L, e, "expires", where, &x->expires) ||
        get_str(L, e, "file", where, &x->file) || get_bool(L, e, "expired", where, &x->expired) ||
        get_num(L, e, "line", where, 0, 4294967295.0, &line))
        return -1;
    x->line = (unsigned)line;
    if (!x->reason) x->reason = "";
    if (!x->file) x->file = "";
    return 0;
}

static int load_findings(loader *L, const cJSON *doc)
{
    static const int statuses[] = {RS_FAIL, RS_EXCEPTED, -1};
    const cJSON *a, *e;
    if (get_arr(L, doc, "findings", "report", &a) != 0) return -1;
    unsigned i = 0;
    cJSON_ArrayForEach(e, a) {
        char where[64];
        snprintf(where, sizeof where, "findings[%u]", i++);
        if (!cJSON_IsObject(e)) return fail(L, where, "must be an object");
        const char *id, *sev, *status, *title, *remediation;
        if (get_str(L, e, "id", where, &id) || get_str(L, e, "severity", where, &sev) ||
            get_str(L, e, "status", where, &status) || get_str(L, e, "title", where, &title) ||
            get_str(L, e, "remediation", where, &remediation))
            return -1;
        if (!id || !*id) return fail(L, where, "'id' is missing");
        int ci = check_index(L, id);
        rpt_check *c;
        if (ci < 0) {   /* a report cut by hand: the finding's check is made from it */
            if (add_check(L, id, where, &c) != 0) return -1;
            c->title = title;
            ci = (int)L->r->nchecks - 1;
            if (severity_of(L, sev, where, false, &c->severity) != 0) return -1;
        }
        c = &L->r->checks[ci];
        if (!c->remediation && remediation && *remediation) c->remediation = remediation;
        if (load_fw(L, e, where, c) != 0) return -1;
        rpt_finding *f = rpt_add_finding(L->r);
        if (!f) return fail(L, where, "out of memory");
        f->check = (unsigned)ci;
        f->level = RPT_LEVEL_BY_SEVERITY;
        if (severity_of(L, sev, where, false, &f->severity) || status_of(L, status, where, statuses, &f->status) ||
            get_str(L, e, "message", where, &f->message) || get_str(L, e, "element", where, &f->element) ||
            load_exception(L, e, where, &f->has_exception, &f->exc))
            return -1;
        if (!f->message) f->message = "";
    }
    return 0;
}

static int load_vulns(loader *L, const cJSON *doc)
{
    static const int statuses[] = {RS_FAIL, RS_EXCEPTED, RS_ALLOWED, RS_GRACE, RS_INFO, -1};
    const cJSON *a, *e;
    if (get_arr(L, doc, "vulnerabilities", "report", &a) != 0) return -1;
    unsigned i = 0;
    cJSON_ArrayForEach(e, a) {
        char where[64];
        snprintf(where, sizeof where, "vulnerabilities[%u]", i++);
        if (!cJSON_IsObject(e)) return fail(L, where, "must be an object");
        rpt_vuln *v = rpt_add_vuln(L->r);
        if (!v) return fail(L, where, "out of memory");
        const char *sev, *status;
        double cvss = 0, risk = 0, age = -1;
        if (get_str(L, e, "id", where, &v->id) || get_str(L, e, "package", where, &v->package) ||
            get_str(L, e, "version", where, &v->version) || get_str(L, e, "ecosystem", where, &v->ecosystem) ||
            get_str(L, e, "fixed_version", where, &v->fixed_version) || get_str(L, e, "published", where, &v->published) ||
            get_str(L, e, "kb", where, &v->kb) || get_str(L, e, "source", where, &v->source) ||
            get_str(L, e, "title", where, &v->title) || get_str(L, e, "note", where, &v->note) ||
            get_str(L, e, "severity", where, &sev) || get_str(L, e, "status", where, &status) ||
            get_bool(L, e, "fix_available", where, &v->fix_available) || get_bool(L, e, "exploit", where, &v->exploit) ||
            get_num(L, e, "cvss", where, 0, 10, &cvss) || get_num(L, e, "risk", where, 0, 100, &risk) ||
            get_num(L, e, "age_days", where, -1, 1e7, &age) || severity_of(L, sev, where, true, &v->severity) ||
            status_of(L, status, where, statuses, &v->status) || load_exception(L, e, where, &v->has_exception, &v->exc))
            return -1;
        if (!v->id || !*v->id) return fail(L, where, "'id' is missing");
        if (!v->package) v->package = "";
        if (!v->version) v->version = "";
        if (!v->ecosystem) v->ecosystem = "";
        v->severity_name = sev ? sev : "unknown";
        v->cvss = cvss;
        v->risk = (int)risk;
        v->age_days = (long)age;
        const cJSON *rf = cJSON_GetObjectItemCaseSensitive(e, "risk_factors");
        if (rf && !cJSON_IsNull(rf)) {
            if (!cJSON_IsObject(rf)) return fail(L, where, "'risk_factors' must be an object");
            v->has_factors = true;
            for (int k = 0; k < RPT_RISK_NFACTORS; k++) {
                double p = 0;
                if (get_num(L, rf, rpt_risk_factor_name(k), where, 0, 100, &p) != 0) return -1;
                v->factors[k] = (int)p;
            }
        }
    }
    return 0;
}

static int load_notes(loader *L, const cJSON *doc)
{
    const cJSON *a, *e;
    if (get_arr(L, doc, "notes", "report", &a) != 0) return -1;
    cJSON_ArrayForEach(e, a) {
        if (!cJSON_IsString(e)) return fail(L, "notes", "must hold strings");
        /* the writers say this themselves whenever vulnerabilities were not checked;
           compared as it will be stored (control characters made spaces), or a near
           copy would come back as the very note and be written twice */
        const char *note = rpt_str(L->r, e->valuestring);
        if (!strcmp(note, RPT_VULNS_NOT_CHECKED)) continue;
        if (rpt_note(L->r, "%s", note) != 0) return fail(L, "notes", "out of memory");
    }
    return 0;
}

/* "2026-12-07T02:51:30Z" -> seconds since the epoch; 0 when not that. */
static time_t parse_started(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) return 0;
    return timegm(&tm);
}

int rpt_from_json(rpt_report *r, const cJSON *doc, char *err, size_t errcap)
{
    rpt_init(r);
    r->started = 0;
    loader L = {r, err, errcap, {0}};
    if (!cJSON_IsObject(doc)) return fail(&L, "report", "not a JSON object");
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(doc, "schema");
    if (!cJSON_IsString(schema) || strcmp(schema->valuestring, "palisade.scan/v1") != 0)
        return fail(&L, "schema", "not a palisade.scan/v1 report");
    const char *started, *fail_on;
    if (get_str(&L, doc, "started", "report", &started) || get_str(&L, doc, "fail_on", "report", &fail_on) ||
        get_bool(&L, doc, "vulnerabilities_checked", "report", &r->vulns_scanned))
        return -1;
    r->started = parse_started(started);
    if (fail_on && (severity_of(&L, fail_on, "fail_on", false, &r->fail_on) != 0 || r->fail_on < SEV_LOW))
        return fail(&L, "fail_on", "must be low, medium, high or critical");
    if (load_image(&L, doc) != 0 || load_checks(&L, doc) != 0 || load_findings(&L, doc) != 0 || load_vulns(&L, doc) != 0 ||
        load_notes(&L, doc) != 0)
        return -1;
    rpt_finish(r);
    return 0;
}
