/*
 * sarif.c — a report as SARIF 2.1.0, for code-scanning UIs (GitHub, Azure
 * DevOps), IDEs and SARIF viewers: the one SARIF writer, for `palisade
 * scan` and `palisade lint`.
 *
 * Mapping, a scan.  Every check that ran is a rule (tool.driver.rules)
 * carrying its title, description, remediation as help, and in properties
 * its severity, frameworks and tags, plus GitHub's `security-severity`
 * score so code scanning ranks it.  Every finding is a result pointing at
 * its rule by id and index.  An image is not source code, so a result's
 * location is the image tarball as the artifact (run.artifacts[0], a file:
 * URI) with a logical location naming what in the image the finding is
 * about (the file, package or user, or the image itself), and palisade
 * gives each result a fingerprint (there are no source lines for a viewer
 * to compute one from).  Excepted findings stay in the log with an
 * accepted external suppression holding the reason — the SARIF way of
 * "reported, not failing".  Each vulnerability ID is a rule too, and each
 * vulnerable package a result.  Checks that stopped and report notes
 * become tool execution notifications.
 *
 * Mapping, a lint.  Every lint code is a rule (its kebab name as the rule
 * name, its default level, a help URI into lang/LINT.md), and each
 * compiler code that occurs is one too.  A result's location is a source
 * region in code points (run.columnKind); relative paths are relative to
 * SRCROOT, the directory the lint ran in (run.originalUriBaseIds).  Texts
 * end with a period, as SARIF asks of messages; a scan's texts are kept as
 * its checks wrote them.
 *
 * The document is built as a cJSON tree by one function per part (rules,
 * artifacts, results, invocation, run properties) and printed once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cJSON.h>
#include "engine/report/report.h"
#include "engine/base/about.h"
#include "engine/vm/program.h"

/* What every part of one document needs. */
typedef struct sarif {
    const rpt_report *r;
    bool sentences;              /* end texts with a period (a lint's) */
    char *image_uri;             /* a scan's artifact: the image tarball */
    long long image_size;        /* its length in bytes, -1 when unknown */
    int *vuln_rule;              /* each vulnerability's rule index */
} sarif;

static const char *level_name(int level)
{
    return level == RPT_LEVEL_ERROR ? "error" : level == RPT_LEVEL_WARNING ? "warning" : "note";
}

static const char *level_of(unsigned sev)
{
    return level_name(rpt_level_of_severity(sev));
}

/* A failing vulnerability of unknown severity is not a mere note. */
static const char *vuln_level(const rpt_vuln *v)
{
    if (v->status != RS_FAIL) return "note";
    return v->severity == SEV_NONE ? "warning" : level_of(v->severity);
}

/* GitHub code scanning's numeric severity (0-10) for a palisade severity. */
static const char *security_severity(unsigned sev)
{
    switch (sev) {
    case SEV_CRITICAL: return "9.5";
    case SEV_HIGH: return "8.0";
    case SEV_MEDIUM: return "5.5";
    case SEV_LOW: return "3.0";
    default: return "0.0";
    }
}

static void sarif_str(cJSON *o, const char *k, const char *v)
{
    cJSON_AddItemToObject(o, k, cJSON_CreateString(v ? v : ""));
}

/* {"text": ...}: "-" for an empty text; with sentences, a period added
   unless it already ends a sentence. */
static void sarif_text(const sarif *s, cJSON *o, const char *k, const char *text)
{
    cJSON *m = cJSON_AddObjectToObject(o, k);
    if (!text || !*text) { sarif_str(m, "text", "-"); return; }
    size_t n = strlen(text);
    char last = text[n - 1];
    if (!s->sentences || last == '.' || last == '?' || last == '!') { sarif_str(m, "text", text); return; }
    char *t = malloc(n + 2);
    if (!t) { sarif_str(m, "text", text); return; }
    memcpy(t, text, n);
    t[n] = '.';
    t[n + 1] = 0;
    sarif_str(m, "text", t);
    free(t);
}

/* A rule name in PascalCase ("Image should be created with a non-root
   user" -> "ImageShouldBeCreatedWithANonRootUser", "unused-declaration" ->
   "UnusedDeclaration"), as SARIF viewers show names as identifiers; the
   fallback's letters and digits when that is empty or starts with one. */
static void pascal(char *out, size_t cap, const char *title, const char *fallback)
{
    size_t o = 0;
    bool up = true;
    for (const char *p = title ? title : ""; *p && o + 1 < cap; p++) {
        char c = *p;
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum) { up = true; continue; }
        if (up && c >= 'a' && c <= 'z') c = (char)(c - 32);
        out[o++] = c;
        up = false;
    }
    out[o] = 0;
    if (o == 0 || (out[0] >= '0' && out[0] <= '9')) {
        o = 0;
        for (const char *p = fallback; *p && o + 1 < cap; p++)
            if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) out[o++] = *p;
        out[o] = 0;
    }
}

/* prefix + path percent-encoded (RFC 3986 unreserved characters and '/'
   kept), malloc'ed; NULL when out of memory. */
static char *uri_of(const char *prefix, const char *path)
{
    size_t n = strlen(path), pl = strlen(prefix);
    char *out = malloc(pl + 3 * n + 2);
    if (!out) return NULL;
    memcpy(out, prefix, pl);
    size_t o = pl;
    for (const unsigned char *u = (const unsigned char *)path; *u; u++) {
        if ((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') || (*u >= '0' && *u <= '9') ||
            strchr("-._~/", *u))
            out[o++] = (char)*u;
        else
            o += (size_t)sprintf(out + o, "%%%02X", *u);
    }
    out[o] = 0;
    return out;
}

/* The file: URI of a file, made absolute. */
static char *file_uri(const char *path)
{
    char *abs = realpath(path, NULL);
    const char *p = abs ? abs : path;
    char *out = uri_of(p[0] == '/' ? "file://" : "file:///", p);
    free(abs);
    return out;
}

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; s && *s; s++) { h ^= (unsigned char)*s; h *= 1099511628211ull; }
    return h * 1099511628211ull;
}

/* ------------------------------------------------------------------ */
/* rules                                                               */
/* ------------------------------------------------------------------ */

/* A scan check's name is its title in PascalCase; a lint code has its own
   kebab name, and a compiler code none. */
static void rule_name(const sarif *s, cJSON *rule, const rpt_check *c)
{
    char name[128];
    if (s->r->kind == RPT_LINT && !c->name) return;
    pascal(name, sizeof name, s->r->kind == RPT_LINT ? c->name : c->title, c->id);
    sarif_str(rule, "name", name);
}

/* A scan check's properties: what code scanning ranks and filters by. */
static void check_properties(cJSON *rule, const rpt_check *c)
{
    cJSON *props = cJSON_AddObjectToObject(rule, "properties");
    sarif_str(props, "severity", rpt_sev_name(c->severity));
    sarif_str(props, "security-severity", security_severity(c->severity));
    if (c->rationale && *c->rationale) sarif_str(props, "rationale", c->rationale);
    sarif_str(props, "source", c->source);
    cJSON *tags = cJSON_AddArrayToObject(props, "tags");
    cJSON_AddItemToArray(tags, cJSON_CreateString("security"));
    cJSON_AddItemToArray(tags, cJSON_CreateString("compliance"));
    for (unsigned k = 0; k < c->ntags; k++) cJSON_AddItemToArray(tags, cJSON_CreateString(c->tags[k]));
    cJSON *fw = cJSON_AddArrayToObject(props, "frameworks");
    for (unsigned k = 0; k < c->nfw; k++) {
        cJSON *e = cJSON_CreateObject();
        sarif_str(e, "framework", c->fw[k].framework);
        sarif_str(e, "control", c->fw[k].control);
        cJSON_AddItemToArray(fw, e);
    }
}

static cJSON *check_rule(const sarif *s, const rpt_check *c)
{
    cJSON *rule = cJSON_CreateObject();
    sarif_str(rule, "id", c->id);
    rule_name(s, rule, c);
    sarif_text(s, rule, "shortDescription", c->title && *c->title ? c->title : c->id);
    const char *full = c->description && *c->description ? c->description : c->rationale;
    if (full && *full) sarif_text(s, rule, "fullDescription", full);
    if (c->remediation && *c->remediation) sarif_text(s, rule, "help", c->remediation);
    if (c->help_uri) sarif_str(rule, "helpUri", c->help_uri);
    if (c->level != RPT_LEVEL_NONE) {
        cJSON *dc = cJSON_AddObjectToObject(rule, "defaultConfiguration");
        sarif_str(dc, "level", c->level == RPT_LEVEL_BY_SEVERITY ? level_of(c->severity) : level_name(c->level));
    }
    if (s->r->kind == RPT_SCAN) check_properties(rule, c);
    return rule;
}

static cJSON *vuln_rule(const sarif *s, const rpt_vuln *v)
{
    cJSON *rule = cJSON_CreateObject();
    sarif_str(rule, "id", v->id);
    char name[128];
    pascal(name, sizeof name, NULL, v->id);
    sarif_str(rule, "name", name);
    sarif_text(s, rule, "shortDescription", v->title && *v->title ? v->title : v->id);
    char help[512];
    if (v->fix_available && v->fixed_version && *v->fixed_version)
        snprintf(help, sizeof help, "Upgrade %s to %s or later%s%s.", v->package, v->fixed_version,
                 v->kb && *v->kb ? ", or install " : "", v->kb && *v->kb ? v->kb : "");
    else
        snprintf(help, sizeof help, "No fixed version is known for %s; mitigate or replace the package.",
                 v->package ? v->package : v->id);
    sarif_text(s, rule, "help", help);
    cJSON *dc = cJSON_AddObjectToObject(rule, "defaultConfiguration");
    sarif_str(dc, "level", v->severity == SEV_NONE ? "warning" : level_of(v->severity));
    cJSON *props = cJSON_AddObjectToObject(rule, "properties");
    sarif_str(props, "severity", rpt_vuln_sev(v));
    char ss[16];
    if (v->cvss > 0) snprintf(ss, sizeof ss, "%.1f", v->cvss);
    else snprintf(ss, sizeof ss, "%s", security_severity(v->severity));
    sarif_str(props, "security-severity", ss);
    cJSON *tags = cJSON_AddArrayToObject(props, "tags");
    cJSON_AddItemToArray(tags, cJSON_CreateString("security"));
    cJSON_AddItemToArray(tags, cJSON_CreateString("vulnerability"));
    return rule;
}

/* The rules: every check, then one per vulnerability ID (s->vuln_rule gets
   each vulnerability's index). */
static void rules(const sarif *s, cJSON *driver)
{
    const rpt_report *r = s->r;
    cJSON *arr = cJSON_AddArrayToObject(driver, "rules");
    for (unsigned i = 0; i < r->nchecks; i++) cJSON_AddItemToArray(arr, check_rule(s, &r->checks[i]));
    int nrules = (int)r->nchecks;
    for (unsigned i = 0; i < r->nvulns; i++) {
        s->vuln_rule[i] = -1;
        for (unsigned j = 0; j < i; j++)
            if (!strcmp(r->vulns[j].id, r->vulns[i].id)) { s->vuln_rule[i] = s->vuln_rule[j]; break; }
        if (s->vuln_rule[i] >= 0) continue;
        s->vuln_rule[i] = nrules++;
        cJSON_AddItemToArray(arr, vuln_rule(s, &r->vulns[i]));
    }
}

static void tool(const sarif *s, cJSON *run)
{
    cJSON *driver = cJSON_AddObjectToObject(cJSON_AddObjectToObject(run, "tool"), "driver");
    sarif_str(driver, "name", "palisade");
    sarif_str(driver, "version", PALISADE_VERSION);
    sarif_str(driver, "semanticVersion", PALISADE_VERSION);
    if (s->r->doc_uri) sarif_str(driver, "informationUri", s->r->doc_uri);
    rules(s, driver);
}

/* ------------------------------------------------------------------ */
/* where results are                                                   */
/* ------------------------------------------------------------------ */

/* A scan's one artifact: the image tarball. */
static void image_artifact(const sarif *s, cJSON *run)
{
    cJSON *arts = cJSON_AddArrayToObject(run, "artifacts");
    cJSON *art = cJSON_CreateObject();
    sarif_str(cJSON_AddObjectToObject(art, "location"), "uri", s->image_uri);
    if (s->image_size >= 0) cJSON_AddNumberToObject(art, "length", (double)s->image_size);
    cJSON *roles = cJSON_AddArrayToObject(art, "roles");
    cJSON_AddItemToArray(roles, cJSON_CreateString("analysisTarget"));
    if (s->r->image.name && *s->r->image.name) sarif_text(s, art, "description", s->r->image.name);
    cJSON_AddItemToArray(arts, art);
}

/* A lint's base: SRCROOT, the directory relative paths start from. */
static void source_base(const sarif *s, cJSON *run)
{
    if (s->r->source_root) {
        size_t n = strlen(s->r->source_root);
        char *dir = malloc(n + 2);
        if (dir) {
            snprintf(dir, n + 2, "%s%s", s->r->source_root, n && s->r->source_root[n - 1] == '/' ? "" : "/");
            char *uri = uri_of(dir[0] == '/' ? "file://" : "file:///", dir);
            cJSON *root = cJSON_AddObjectToObject(cJSON_AddObjectToObject(run, "originalUriBaseIds"), "SRCROOT");
            sarif_str(root, "uri", uri ? uri : "file:///");
            free(uri);
            free(dir);
        }
    }
    sarif_str(run, "columnKind", "unicodeCodePoints");
}

/* A finding about the image as a whole (its config, or one file among
   thousands in its layers): the region is the whole tarball, in bytes. */
static cJSON *image_location(const sarif *s, const char *element, const char *kind)
{
    cJSON *loc = cJSON_CreateObject();
    cJSON *phys = cJSON_AddObjectToObject(loc, "physicalLocation");
    cJSON *al = cJSON_AddObjectToObject(phys, "artifactLocation");
    sarif_str(al, "uri", s->image_uri);
    cJSON_AddNumberToObject(al, "index", 0);
    if (s->image_size >= 0) {
        cJSON *region = cJSON_AddObjectToObject(phys, "region");
        cJSON_AddNumberToObject(region, "byteOffset", 0);
        cJSON_AddNumberToObject(region, "byteLength", (double)s->image_size);
    }
    cJSON *ll = cJSON_AddArrayToObject(loc, "logicalLocations");
    cJSON *l = cJSON_CreateObject();
    const char *img = s->r->image.name && *s->r->image.name ? s->r->image.name : s->r->image.file;
    if (element && *element) {
        sarif_str(l, "name", element);
        size_t n = strlen(img) + strlen(element) + 2;
        char *fq = malloc(n);
        if (fq) { snprintf(fq, n, "%s!%s", img, element); sarif_str(l, "fullyQualifiedName", fq); free(fq); }
        sarif_str(l, "kind", kind);
    } else {
        sarif_str(l, "name", img);
        sarif_str(l, "fullyQualifiedName", img);
        sarif_str(l, "kind", "module");
    }
    cJSON_AddItemToArray(ll, l);
    return loc;
}

/* A place in source: an absolute path as a file: URI, a relative one
   against SRCROOT; the region never empty (SARIF wants end after start). */
static cJSON *source_location(const rpt_source *src)
{
    cJSON *loc = cJSON_CreateObject();
    cJSON *phys = cJSON_AddObjectToObject(loc, "physicalLocation");
    cJSON *art = cJSON_AddObjectToObject(phys, "artifactLocation");
    bool abs = src->file[0] == '/';
    char *uri = uri_of(abs ? "file://" : "", src->file);
    sarif_str(art, "uri", uri ? uri : src->file);
    if (!abs) sarif_str(art, "uriBaseId", "SRCROOT");
    free(uri);
    cJSON *reg = cJSON_AddObjectToObject(phys, "region");
    unsigned line = src->line ? src->line : 1, col = src->col ? src->col : 1;
    unsigned el = src->end_line ? src->end_line : src->line, ec = src->end_col ? src->end_col : src->col;
    if (el < src->line || (el == src->line && ec <= src->col)) { el = src->line; ec = src->col + 1; }
    cJSON_AddNumberToObject(reg, "startLine", line);
    cJSON_AddNumberToObject(reg, "startColumn", col);
    cJSON_AddNumberToObject(reg, "endLine", el ? el : 1);
    cJSON_AddNumberToObject(reg, "endColumn", ec ? ec : 2);
    return loc;
}

/* ------------------------------------------------------------------ */
/* results                                                             */
/* ------------------------------------------------------------------ */

static void suppress(cJSON *res, const char *justification)
{
    cJSON *sa = cJSON_AddArrayToObject(res, "suppressions");
    cJSON *s = cJSON_CreateObject();
    sarif_str(s, "kind", "external");
    sarif_str(s, "status", "accepted");
    sarif_str(s, "justification", justification);
    cJSON_AddItemToArray(sa, s);
}

static void fingerprint(cJSON *res, const char *a, const char *b, const char *c)
{
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)fnv(fnv(fnv(1469598103934665603ull, a), b), c));
    cJSON *pf = cJSON_AddObjectToObject(res, "partialFingerprints");
    sarif_str(pf, "palisadeFinding/v1", hex);
}

/* "message (hint: ...)": the hint, where there is one, in the message. */
static void finding_message(const sarif *s, cJSON *res, const rpt_finding *x)
{
    if (!x->hint) { sarif_text(s, res, "message", x->message); return; }
    size_t n = strlen(x->message) + strlen(x->hint) + 16;
    char *msg = malloc(n);
    if (msg) snprintf(msg, n, "%s (hint: %s)", x->message, x->hint);
    sarif_text(s, res, "message", msg ? msg : x->message);
    free(msg);
}

static cJSON *finding_result(const sarif *s, const rpt_finding *x)
{
    const rpt_check *c = &s->r->checks[x->check];
    cJSON *res = cJSON_CreateObject();
    sarif_str(res, "ruleId", c->id);
    cJSON_AddNumberToObject(res, "ruleIndex", x->check);
    sarif_str(res, "level", level_name(rpt_finding_level(x)));
    finding_message(s, res, x);
    if (x->src.file)
        cJSON_AddItemToArray(cJSON_AddArrayToObject(res, "locations"), source_location(&x->src));
    else if (s->r->kind == RPT_SCAN)
        cJSON_AddItemToArray(cJSON_AddArrayToObject(res, "locations"), image_location(s, x->element, "resource"));
    if (s->r->kind != RPT_SCAN) return res;
    fingerprint(res, c->id, x->element, x->message);
    if (x->status == RS_EXCEPTED) suppress(res, x->exc.reason);
    cJSON *props = cJSON_AddObjectToObject(res, "properties");
    sarif_str(props, "severity", rpt_sev_name(x->severity));
    sarif_str(props, "status", rpt_status_name(x->status));
    if (x->has_exception && x->exc.expires) sarif_str(props, "exceptionExpires", x->exc.expires);
    if (x->has_exception && x->exc.expired) cJSON_AddBoolToObject(props, "exceptionExpired", true);
    return res;
}

static cJSON *vuln_result(const sarif *s, const rpt_vuln *v, int rule)
{
    cJSON *res = cJSON_CreateObject();
    sarif_str(res, "ruleId", v->id);
    cJSON_AddNumberToObject(res, "ruleIndex", rule);
    sarif_str(res, "level", vuln_level(v));
    char msg[1024];
    int n = snprintf(msg, sizeof msg, "%s: %s %s is vulnerable (%s)", v->id, v->package ? v->package : "",
                     v->version ? v->version : "", rpt_vuln_sev(v));
    if (n > 0 && (size_t)n < sizeof msg && v->fixed_version && *v->fixed_version)
        n += snprintf(msg + n, sizeof msg - (size_t)n, "; fixed in %s", v->fixed_version);
    if (n > 0 && (size_t)n < sizeof msg && v->note && *v->note)
        snprintf(msg + n, sizeof msg - (size_t)n, "; %s", v->note);
    sarif_text(s, res, "message", msg);
    cJSON *locs = cJSON_AddArrayToObject(res, "locations");
    cJSON_AddItemToArray(locs, image_location(s, v->package, "package"));
    fingerprint(res, v->id, v->package, v->version);
    if (v->status == RS_EXCEPTED) suppress(res, v->exc.reason);
    else if (v->status == RS_ALLOWED) suppress(res, v->note ? v->note : "on the allow list");
    cJSON *props = cJSON_AddObjectToObject(res, "properties");
    sarif_str(props, "status", rpt_status_name(v->status));
    cJSON_AddNumberToObject(props, "risk", v->risk);
    if (v->note) sarif_str(props, "note", v->note);
    return res;
}

static void results(const sarif *s, cJSON *run)
{
    cJSON *arr = cJSON_AddArrayToObject(run, "results");
    for (unsigned i = 0; i < s->r->nfindings; i++) cJSON_AddItemToArray(arr, finding_result(s, &s->r->findings[i]));
    for (unsigned i = 0; i < s->r->nvulns; i++)
        cJSON_AddItemToArray(arr, vuln_result(s, &s->r->vulns[i], s->vuln_rule[i]));
}

/* ------------------------------------------------------------------ */
/* how the scan went                                                   */
/* ------------------------------------------------------------------ */

static void notification(const sarif *s, cJSON *notes, const char *level, const char *text)
{
    cJSON *n = cJSON_CreateObject();
    sarif_str(n, "level", level);
    sarif_text(s, n, "message", text);
    cJSON_AddItemToArray(notes, n);
}

static void invocation(const sarif *s, cJSON *run)
{
    const rpt_report *r = s->r;
    cJSON *inv = cJSON_CreateObject();
    cJSON_AddBoolToObject(inv, "executionSuccessful", r->checks_errors == 0);
    cJSON *notes = cJSON_AddArrayToObject(inv, "toolExecutionNotifications");
    for (unsigned i = 0; i < r->nchecks; i++)
        if (r->checks[i].error) {
            char msg[512];
            snprintf(msg, sizeof msg, "check %s stopped: %s", r->checks[i].id, r->checks[i].error);
            notification(s, notes, "error", msg);
        }
    for (unsigned i = 0; i < r->nnotes; i++) notification(s, notes, "note", r->notes[i]);
    if (!r->vulns_scanned) notification(s, notes, "note", RPT_VULNS_NOT_CHECKED);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(run, "invocations"), inv);
}

static void run_properties(const sarif *s, cJSON *run)
{
    cJSON *props = cJSON_AddObjectToObject(run, "properties");
    sarif_str(props, "image", s->r->image.name);
    sarif_str(props, "imageId", s->r->image.id);
    sarif_str(props, "failOn", rpt_sev_name(s->r->fail_on));
    cJSON_AddBoolToObject(props, "vulnerabilitiesChecked", s->r->vulns_scanned);
    cJSON_AddBoolToObject(props, "passed", s->r->passed);
}

cJSON *rpt_sarif_run(const rpt_report *r)
{
    sarif s = {r, r->kind == RPT_LINT, NULL, -1, NULL};
    bool scan = r->kind == RPT_SCAN;
    if (scan) {
        struct stat st;
        if (!(s.image_uri = file_uri(r->image.file ? r->image.file : "image"))) return NULL;
        if (r->image.file && stat(r->image.file, &st) == 0 && S_ISREG(st.st_mode)) s.image_size = (long long)st.st_size;
    }
    if (r->nvulns && !(s.vuln_rule = calloc(r->nvulns, sizeof *s.vuln_rule))) { free(s.image_uri); return NULL; }
    cJSON *run = cJSON_CreateObject();
    tool(&s, run);
    if (scan) image_artifact(&s, run);
    else source_base(&s, run);
    results(&s, run);
    if (scan) {
        invocation(&s, run);
        run_properties(&s, run);
    }
    free(s.image_uri);
    free(s.vuln_rule);
    return run;
}

/* An image that could not be scanned: a run with no results whose
   invocation failed, the reason as an error notification. */
cJSON *rpt_sarif_error_run(const char *image, const char *error)
{
    rpt_report empty;
    rpt_init(&empty);
    empty.image.file = image;
    sarif s = {&empty, false, file_uri(image ? image : "image"), -1, NULL};
    if (!s.image_uri) return NULL;
    cJSON *run = cJSON_CreateObject();
    tool(&s, run);
    image_artifact(&s, run);
    cJSON_AddArrayToObject(run, "results");
    cJSON *inv = cJSON_CreateObject();
    cJSON_AddBoolToObject(inv, "executionSuccessful", false);
    notification(&s, cJSON_AddArrayToObject(inv, "toolExecutionNotifications"), "error", error);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(run, "invocations"), inv);
    free(s.image_uri);
    rpt_free(&empty);
    return run;
}

int rpt_write_sarif(const rpt_report *r, FILE *f)
{
    cJSON *run = rpt_sarif_run(r);
    if (!run) return -1;
    cJSON *root = cJSON_CreateObject();
    sarif_str(root, "$schema", RPT_SARIF_SCHEMA);
    sarif_str(root, "version", "2.1.0");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "runs"), run);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) return -1;
    fputs(text, f);
    fputc('\n', f);
    free(text);
    return 0;
}
