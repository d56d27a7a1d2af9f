/*
 * sarif.c — the scan report as SARIF 2.1.0, for code-scanning UIs
 * (GitHub, Azure DevOps) and SARIF viewers.
 *
 * Mapping.  Every check that ran is a rule (tool.driver.rules) carrying
 * its title, description, remediation as help, and in properties its
 * severity, frameworks and tags, plus GitHub's `security-severity` score
 * so code scanning ranks it.  Every finding is a result pointing at its
 * rule by id and index.  An image is not source code, so a result's
 * location is the image tarball as the artifact (run.artifacts[0], a
 * file: URI) with a logical location naming what in the image the
 * finding is about (the file, package or user, or the image itself).
 * Excepted findings stay in the log with an accepted external suppression
 * holding the reason — the SARIF way of "reported, not failing".  Each
 * vulnerability ID is a rule too, and each vulnerable package a result.
 * Checks that stopped and report notes become tool execution notifications.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cJSON.h>
#include "engine/report/report.h"
#include "engine/base/about.h"
#include "engine/vm/program.h"

static const char *level_of(unsigned sev)
{
    return sev >= SEV_HIGH ? "error" : sev == SEV_MEDIUM ? "warning" : "note";
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

static void sarif_text(cJSON *o, const char *k, const char *text)
{
    cJSON *m = cJSON_AddObjectToObject(o, k);
    sarif_str(m, "text", text && *text ? text : "-");
}

/* A rule name in PascalCase from the check title ("Image should be
   created with a non-root user" -> "ImageShouldBeCreatedWithANonRootUser"),
   as SARIF viewers show names as identifiers. */
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

/* file: URI of the image tarball: absolute, percent-encoded (RFC 3986
   unreserved characters and '/' kept). */
static char *file_uri(const char *path)
{
    char *abs = realpath(path, NULL);
    const char *p = abs ? abs : path;
    size_t n = strlen(p);
    char *out = malloc(3 * n + 16);
    if (!out) { free(abs); return NULL; }
    size_t o = (size_t)sprintf(out, "file://%s", p[0] == '/' ? "" : "/");
    for (const unsigned char *u = (const unsigned char *)p; *u; u++) {
        if ((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') || (*u >= '0' && *u <= '9') ||
            strchr("-._~/", *u))
            out[o++] = (char)*u;
        else
            o += (size_t)sprintf(out + o, "%%%02X", *u);
    }
    out[o] = 0;
    free(abs);
    return out;
}

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; s && *s; s++) { h ^= (unsigned char)*s; h *= 1099511628211ull; }
    return h * 1099511628211ull;
}

/* A finding is about the image as a whole (its config, or one file among
   thousands in its layers): the region is the whole tarball, in bytes. */
static cJSON *location(const rpt_report *r, const char *uri, long long size, const char *element, const char *kind)
{
    cJSON *loc = cJSON_CreateObject();
    cJSON *phys = cJSON_AddObjectToObject(loc, "physicalLocation");
    cJSON *al = cJSON_AddObjectToObject(phys, "artifactLocation");
    sarif_str(al, "uri", uri);
    cJSON_AddNumberToObject(al, "index", 0);
    if (size >= 0) {
        cJSON *region = cJSON_AddObjectToObject(phys, "region");
        cJSON_AddNumberToObject(region, "byteOffset", 0);
        cJSON_AddNumberToObject(region, "byteLength", (double)size);
    }
    cJSON *ll = cJSON_AddArrayToObject(loc, "logicalLocations");
    cJSON *l = cJSON_CreateObject();
    const char *img = r->image.name && *r->image.name ? r->image.name : r->image.file;
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

static void notification(cJSON *notes, const char *text)
{
    cJSON *n = cJSON_CreateObject();
    sarif_str(n, "level", "note");
    sarif_text(n, "message", text);
    cJSON_AddItemToArray(notes, n);
}

int rpt_write_sarif(const rpt_report *r, FILE *f)
{
    char *uri = file_uri(r->image.file ? r->image.file : "image");
    if (!uri) return -1;
    struct stat st;
    long long size = r->image.file && stat(r->image.file, &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
    cJSON *root = cJSON_CreateObject();
    sarif_str(root, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    sarif_str(root, "version", "2.1.0");
    cJSON *runs = cJSON_AddArrayToObject(root, "runs");
    cJSON *run = cJSON_CreateObject();
    cJSON_AddItemToArray(runs, run);
    cJSON *driver = cJSON_AddObjectToObject(cJSON_AddObjectToObject(run, "tool"), "driver");
    sarif_str(driver, "name", "palisade");
    sarif_str(driver, "version", PALISADE_VERSION);
    sarif_str(driver, "semanticVersion", PALISADE_VERSION);
    cJSON *rules = cJSON_AddArrayToObject(driver, "rules");

    for (unsigned i = 0; i < r->nchecks; i++) {
        const rpt_check *c = &r->checks[i];
        cJSON *rule = cJSON_CreateObject();
        char name[128];
        pascal(name, sizeof name, c->title, c->id);
        sarif_str(rule, "id", c->id);
        sarif_str(rule, "name", name);
        sarif_text(rule, "shortDescription", c->title && *c->title ? c->title : c->id);
        const char *full = c->description && *c->description ? c->description : c->rationale;
        if (full && *full) sarif_text(rule, "fullDescription", full);
        if (c->remediation && *c->remediation) sarif_text(rule, "help", c->remediation);
        cJSON *dc = cJSON_AddObjectToObject(rule, "defaultConfiguration");
        sarif_str(dc, "level", level_of(c->severity));
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
        cJSON_AddItemToArray(rules, rule);
    }
    /* one rule per vulnerability ID, after the checks */
    int *vrule = r->nvulns ? calloc(r->nvulns, sizeof *vrule) : NULL;
    if (r->nvulns && !vrule) { cJSON_Delete(root); free(uri); return -1; }
    int nrules = (int)r->nchecks;
    for (unsigned i = 0; i < r->nvulns; i++) {
        const rpt_vuln *v = &r->vulns[i];
        vrule[i] = -1;
        for (unsigned j = 0; j < i; j++)
            if (!strcmp(r->vulns[j].id, v->id)) { vrule[i] = vrule[j]; break; }
        if (vrule[i] >= 0) continue;
        vrule[i] = nrules++;
        cJSON *rule = cJSON_CreateObject();
        sarif_str(rule, "id", v->id);
        char name[128];
        pascal(name, sizeof name, NULL, v->id);
        sarif_str(rule, "name", name);
        sarif_text(rule, "shortDescription", v->title && *v->title ? v->title : v->id);
        char help[512];
        if (v->fix_available && v->fixed_version && *v->fixed_version)
            snprintf(help, sizeof help, "Upgrade %s to %s or later%s%s.", v->package, v->fixed_version,
                     v->kb && *v->kb ? ", or install " : "", v->kb && *v->kb ? v->kb : "");
        else
            snprintf(help, sizeof help, "No fixed version is known for %s; mitigate or replace the package.",
                     v->package ? v->package : v->id);
        sarif_text(rule, "help", help);
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
        cJSON_AddItemToArray(rules, rule);
    }

    cJSON *arts = cJSON_AddArrayToObject(run, "artifacts");
    cJSON *art = cJSON_CreateObject();
    sarif_str(cJSON_AddObjectToObject(art, "location"), "uri", uri);
    if (size >= 0) cJSON_AddNumberToObject(art, "length", (double)size);
    cJSON *roles = cJSON_AddArrayToObject(art, "roles");
    cJSON_AddItemToArray(roles, cJSON_CreateString("analysisTarget"));
    if (r->image.name && *r->image.name) sarif_text(art, "description", r->image.name);
    cJSON_AddItemToArray(arts, art);

    cJSON *results = cJSON_AddArrayToObject(run, "results");
    for (unsigned i = 0; i < r->nfindings; i++) {
        const rpt_finding *x = &r->findings[i];
        const rpt_check *c = &r->checks[x->check];
        cJSON *res = cJSON_CreateObject();
        sarif_str(res, "ruleId", c->id);
        cJSON_AddNumberToObject(res, "ruleIndex", x->check);
        sarif_str(res, "level", level_of(x->severity));
        sarif_text(res, "message", x->message);
        cJSON *locs = cJSON_AddArrayToObject(res, "locations");
        cJSON_AddItemToArray(locs, location(r, uri, size, x->element, "resource"));
        fingerprint(res, c->id, x->element, x->message);
        if (x->status == RS_EXCEPTED) suppress(res, x->exc.reason);
        cJSON *props = cJSON_AddObjectToObject(res, "properties");
        sarif_str(props, "severity", rpt_sev_name(x->severity));
        sarif_str(props, "status", rpt_status_name(x->status));
        if (x->has_exception && x->exc.expires) sarif_str(props, "exceptionExpires", x->exc.expires);
        if (x->has_exception && x->exc.expired) cJSON_AddBoolToObject(props, "exceptionExpired", true);
        cJSON_AddItemToArray(results, res);
    }
    for (unsigned i = 0; i < r->nvulns; i++) {
        const rpt_vuln *v = &r->vulns[i];
        cJSON *res = cJSON_CreateObject();
        sarif_str(res, "ruleId", v->id);
        cJSON_AddNumberToObject(res, "ruleIndex", vrule[i]);
        sarif_str(res, "level", vuln_level(v));
        char msg[1024];
        int n = snprintf(msg, sizeof msg, "%s: %s %s is vulnerable (%s)", v->id, v->package ? v->package : "",
                         v->version ? v->version : "", rpt_vuln_sev(v));
        if (n > 0 && (size_t)n < sizeof msg && v->fixed_version && *v->fixed_version)
            n += snprintf(msg + n, sizeof msg - (size_t)n, "; fixed in %s", v->fixed_version);
        if (n > 0 && (size_t)n < sizeof msg && v->note && *v->note)
            snprintf(msg + n, sizeof msg - (size_t)n, "; %s", v->note);
        sarif_text(res, "message", msg);
        cJSON *locs = cJSON_AddArrayToObject(res, "locations");
        cJSON_AddItemToArray(locs, location(r, uri, size, v->package, "package"));
        fingerprint(res, v->id, v->package, v->version);
        if (v->status == RS_EXCEPTED) suppress(res, v->exc.reason);
        else if (v->status == RS_ALLOWED) suppress(res, v->note ? v->note : "on the allow list");
        cJSON *props = cJSON_AddObjectToObject(res, "properties");
        sarif_str(props, "status", rpt_status_name(v->status));
        cJSON_AddNumberToObject(props, "risk", v->risk);
        if (v->note) sarif_str(props, "note", v->note);
        cJSON_AddItemToArray(results, res);
    }
    free(vrule);

    cJSON *invs = cJSON_AddArrayToObject(run, "invocations");
    cJSON *inv = cJSON_CreateObject();
    cJSON_AddBoolToObject(inv, "executionSuccessful", r->checks_errors == 0);
    cJSON *notes = cJSON_AddArrayToObject(inv, "toolExecutionNotifications");
    for (unsigned i = 0; i < r->nchecks; i++)
        if (r->checks[i].error) {
            cJSON *n = cJSON_CreateObject();
            sarif_str(n, "level", "error");
            char msg[512];
            snprintf(msg, sizeof msg, "check %s stopped: %s", r->checks[i].id, r->checks[i].error);
            sarif_text(n, "message", msg);
            cJSON_AddItemToArray(notes, n);
        }
    for (unsigned i = 0; i < r->nnotes; i++) notification(notes, r->notes[i]);
    if (!r->vulns_scanned) notification(notes, RPT_VULNS_NOT_CHECKED);
    cJSON_AddItemToArray(invs, inv);

    cJSON *props = cJSON_AddObjectToObject(run, "properties");
    sarif_str(props, "image", r->image.name);
    sarif_str(props, "imageId", r->image.id);
    sarif_str(props, "failOn", rpt_sev_name(r->fail_on));
    cJSON_AddBoolToObject(props, "vulnerabilitiesChecked", r->vulns_scanned);
    cJSON_AddBoolToObject(props, "passed", r->passed);

    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    free(uri);
    if (!text) return -1;
    fputs(text, f);
    fputc('\n', f);
    free(text);
    return 0;
}
