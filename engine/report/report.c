/*
 * report.c — the scan report model, the text and JSON writers, and
 * writing a report file atomically.
 *
 * The model is filled by cmd_scan.c and settled once by rpt_finish(); the
 * writers only render it (see report.h for the formats and the JSON
 * schema).  The text report is for people: findings grouped by severity,
 * each check's findings together, long lists cut short with a pointer to
 * the JSON, and one closing line that starts with PASS or FAIL.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cJSON.h>
#include "engine/report/report.h"
#include "engine/base/about.h"
#include "engine/vm/program.h"

/* Findings of one check the text report shows before "... and N more". */
#define RPT_TEXT_MAX_PER_CHECK 20u

void rpt_init(rpt_report *r)
{
    memset(r, 0, sizeof *r);
    pal_arena_init(&r->arena, 0);
    r->fail_on = SEV_HIGH;
    r->started = time(NULL);
}

void rpt_free(rpt_report *r)
{
    free(r->checks);
    free(r->findings);
    free(r->vulns);
    free(r->notes);
    pal_arena_free(&r->arena);
    memset(r, 0, sizeof *r);
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) { len = 2; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { len = 3; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { len = 4; min = 0x10000; }
    else return 0;
    if (n < len) return 0;
    unsigned cp = c & (0x3f >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    /* valid UTF-8 but not allowed in XML 1.0 (JUnit), or C1 controls a
       terminal would act on: shown as U+FFFD like invalid bytes */
    if (cp == 0xfffe || cp == 0xffff || (cp >= 0x80 && cp <= 0x9f)) return 0;
    return len;
}

const char *rpt_strn(rpt_report *r, const char *s, size_t n)
{
    if (!s) return NULL;
    /* worst case every byte becomes the 3-byte U+FFFD */
    char *out = pal_arena_alloc(&r->arena, 3 * n + 1);
    if (!out) return "";
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < n && u[i];) {
        size_t l = utf8_len(u + i, n - i);
        if (l == 0) {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
        } else if (l == 1) {
            unsigned char c = u[i++];
            out[o++] = (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? ' ' : (char)c;
        } else {
            memcpy(out + o, u + i, l);
            o += l;
            i += l;
        }
    }
    out[o] = 0;
    return out;
}

const char *rpt_str(rpt_report *r, const char *s)
{
    return s ? rpt_strn(r, s, strlen(s)) : NULL;
}

#define GROW_ONE(arr, n, cap) \
    ((n) < (cap) || grow((void **)&(arr), &(cap), sizeof *(arr)) == 0)

static int grow(void **arr, unsigned *cap, size_t elem)
{
    unsigned nc = *cap ? *cap * 2 : 16;
    void *p = realloc(*arr, (size_t)nc * elem);
    if (!p) return -1;
    *arr = p;
    *cap = nc;
    return 0;
}

rpt_check *rpt_add_check(rpt_report *r)
{
    if (!GROW_ONE(r->checks, r->nchecks, r->cap_checks)) return NULL;
    rpt_check *c = &r->checks[r->nchecks++];
    memset(c, 0, sizeof *c);
    return c;
}

rpt_finding *rpt_add_finding(rpt_report *r)
{
    if (!GROW_ONE(r->findings, r->nfindings, r->cap_findings)) return NULL;
    rpt_finding *f = &r->findings[r->nfindings++];
    memset(f, 0, sizeof *f);
    return f;
}

rpt_vuln *rpt_add_vuln(rpt_report *r)
{
    if (!GROW_ONE(r->vulns, r->nvulns, r->cap_vulns)) return NULL;
    rpt_vuln *v = &r->vulns[r->nvulns++];
    memset(v, 0, sizeof *v);
    v->age_days = -1;
    return v;
}

int rpt_note(rpt_report *r, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (!GROW_ONE(r->notes, r->nnotes, r->cap_notes)) return -1;
    r->notes[r->nnotes++] = rpt_str(r, buf);
    return 0;
}

const char *rpt_status_name(int status)
{
    switch (status) {
    case RS_PASS: return "pass";
    case RS_FAIL: return "fail";
    case RS_EXCEPTED: return "excepted";
    case RS_ALLOWED: return "allowed";
    case RS_GRACE: return "grace";
    case RS_INFO: return "info";
    case RS_ERROR: return "error";
    default: return "unknown";
    }
}

const char *rpt_sev_name(unsigned sev)
{
    return sev <= SEV_CRITICAL ? pal_severity_name(sev) : "none";
}

bool rpt_finding_fails(const rpt_report *r, const rpt_finding *f)
{
    return f->status == RS_FAIL && f->severity >= r->fail_on;
}

const char *rpt_vuln_sev(const rpt_vuln *v)
{
    return v->severity_name ? v->severity_name : rpt_sev_name(v->severity);
}

bool rpt_vuln_fails(const rpt_report *r, const rpt_vuln *v)
{
    (void)r;
    return v->status == RS_FAIL;
}

/* The findings array is sorted with the report as context (check IDs). */
static const rpt_report *sort_report;

static int cmp_finding(const void *a, const void *b)
{
    const rpt_finding *x = a, *y = b;
    if (x->status != y->status) return x->status == RS_FAIL ? -1 : y->status == RS_FAIL ? 1 : 0;
    if (x->severity != y->severity) return x->severity > y->severity ? -1 : 1;
    int c = strcmp(sort_report->checks[x->check].id, sort_report->checks[y->check].id);
    if (c) return c;
    c = strcmp(x->message, y->message);
    if (c) return c;
    return strcmp(x->element ? x->element : "", y->element ? y->element : "");
}

static int cmp_vuln(const void *a, const void *b)
{
    const rpt_vuln *x = a, *y = b;
    if ((x->status == RS_FAIL) != (y->status == RS_FAIL)) return x->status == RS_FAIL ? -1 : 1;
    if (x->severity != y->severity) return x->severity > y->severity ? -1 : 1;
    if (x->risk != y->risk) return x->risk > y->risk ? -1 : 1;
    int c = strcmp(x->id, y->id);
    return c ? c : strcmp(x->package ? x->package : "", y->package ? y->package : "");
}

void rpt_finish(rpt_report *r)
{
    sort_report = r;
    if (r->nfindings) qsort(r->findings, r->nfindings, sizeof *r->findings, cmp_finding);
    if (r->nvulns) qsort(r->vulns, r->nvulns, sizeof *r->vulns, cmp_vuln);
    memset(r->fail_count, 0, sizeof r->fail_count);
    memset(r->vuln_count, 0, sizeof r->vuln_count);
    r->excepted_findings = r->vulns_failing = 0;
    for (unsigned i = 0; i < r->nchecks; i++) r->checks[i].nfail = r->checks[i].nexcepted = 0;
    bool failing = false;
    for (unsigned i = 0; i < r->nfindings; i++) {
        const rpt_finding *f = &r->findings[i];
        rpt_check *c = &r->checks[f->check];
        if (f->status == RS_FAIL) {
            c->nfail++;
            r->fail_count[f->severity <= SEV_CRITICAL ? f->severity : 0]++;
            if (rpt_finding_fails(r, f)) failing = true;
        } else {
            c->nexcepted++;
            r->excepted_findings++;
        }
    }
    r->checks_passed = r->checks_failed = r->checks_excepted = r->checks_errors = 0;
    for (unsigned i = 0; i < r->nchecks; i++) {
        rpt_check *c = &r->checks[i];
        c->status = c->error ? RS_ERROR : c->nfail ? RS_FAIL : c->nexcepted ? RS_EXCEPTED : RS_PASS;
        switch (c->status) {
        case RS_ERROR: r->checks_errors++; break;
        case RS_FAIL: r->checks_failed++; break;
        case RS_EXCEPTED: r->checks_excepted++; break;
        default: r->checks_passed++; break;
        }
    }
    for (unsigned i = 0; i < r->nvulns; i++) {
        const rpt_vuln *v = &r->vulns[i];
        r->vuln_count[v->severity <= SEV_CRITICAL ? v->severity : 0]++;
        if (rpt_vuln_fails(r, v)) { r->vulns_failing++; failing = true; }
    }
    r->passed = !failing && r->checks_errors == 0;
}

int rpt_format_from_name(const char *name)
{
    static const char *const names[] = {"text", "json", "sarif", "junit", "github"};
    for (int i = 0; i < 5; i++)
        if (!strcmp(name, names[i])) return i;
    return -1;
}

const char *rpt_format_names(void) { return "text, json, sarif, junit, github"; }

int rpt_write(const rpt_report *r, int format, FILE *f)
{
    int rc;
    switch (format) {
    case RF_TEXT: rc = rpt_write_text(r, f); break;
    case RF_JSON: rc = rpt_write_json(r, f); break;
    case RF_SARIF: rc = rpt_write_sarif(r, f); break;
    case RF_JUNIT: rc = rpt_write_junit(r, f); break;
    case RF_GITHUB: rc = rpt_write_github(r, f); break;
    default: return -1;
    }
    if (fflush(f) != 0 || ferror(f)) return -1;
    return rc;
}

int rpt_write_file(const rpt_report *r, int format, const char *path, char *err, size_t errcap)
{
    /* the temp file sits beside the target so rename() stays on one file system */
    size_t n = strlen(path);
    char *tmp = malloc(n + 32);
    if (!tmp) { snprintf(err, errcap, "%s: out of memory", path); return -1; }
    snprintf(tmp, n + 32, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errcap, "%s: cannot create a file beside it: %s", path, strerror(errno));
        free(tmp);
        return -1;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        close(fd);
        unlink(tmp);
        free(tmp);
        return -1;
    }
    int rc = rpt_write(r, format, f);
    int saved = errno;
    if (fsync(fileno(f)) != 0 && rc == 0) { rc = -1; saved = errno; }
    if (fclose(f) != 0 && rc == 0) { rc = -1; saved = errno; }
    /* mkstemp makes the file 0600; a report is no secret of the scanner's */
    if (rc == 0) {
        mode_t um = umask(0);
        umask(um);
        if (chmod(tmp, 0666 & ~um) != 0) { rc = -1; saved = errno; }
    }
    if (rc == 0 && rename(tmp, path) != 0) { rc = -1; saved = errno; }
    if (rc != 0) {
        snprintf(err, errcap, "%s: cannot write the report: %s", path, saved ? strerror(saved) : "out of memory");
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

/* ------------------------------------------------------------------ */
/* text                                                                */
/* ------------------------------------------------------------------ */

static void upper(char *dst, const char *src, size_t cap)
{
    size_t i = 0;
    for (; src[i] && i + 1 < cap; i++) dst[i] = (char)(src[i] >= 'a' && src[i] <= 'z' ? src[i] - 32 : src[i]);
    dst[i] = 0;
}

/* Prints a message indented under its check; continuation lines of a
   multi-line message keep the indent. */
static void indented(FILE *f, const char *indent, const char *s)
{
    fputs(indent, f);
    for (; *s; s++) {
        fputc(*s, f);
        if (*s == '\n' && s[1]) fputs(indent, f);
    }
    fputc('\n', f);
}

static void text_findings(const rpt_report *r, FILE *f, int status, unsigned sev, bool by_sev)
{
    for (unsigned i = 0; i < r->nfindings;) {
        const rpt_finding *x = &r->findings[i];
        if (x->status != status || (by_sev && x->severity != sev)) { i++; continue; }
        const rpt_check *c = &r->checks[x->check];
        /* every finding of this check (with this status and severity) together */
        unsigned j = i, shown = 0;
        if (by_sev) fprintf(f, "  %-10s %s\n", c->id, c->title ? c->title : "");
        else fprintf(f, "  %-10s %-8s %s\n", c->id, rpt_sev_name(x->severity), c->title ? c->title : "");
        for (; j < r->nfindings; j++) {
            const rpt_finding *y = &r->findings[j];
            if (y->check != x->check || y->status != status || y->severity != x->severity) break;
            if (shown++ < RPT_TEXT_MAX_PER_CHECK) {
                indented(f, "             ", y->message);
                if (y->has_exception && status == RS_EXCEPTED)
                    fprintf(f, "             excepted%s%s: %s (%s:%u)\n", y->exc.expires ? " until " : "",
                            y->exc.expires ? y->exc.expires : "", y->exc.reason, y->exc.file, y->exc.line);
                else if (y->has_exception && y->exc.expired)
                    fprintf(f, "             exception expired on %s (%s:%u): %s\n", y->exc.expires, y->exc.file,
                            y->exc.line, y->exc.reason);
            }
        }
        if (shown > RPT_TEXT_MAX_PER_CHECK)
            fprintf(f, "             ... and %u more (--format json lists them all)\n", shown - RPT_TEXT_MAX_PER_CHECK);
        if (c->dropped && status == RS_FAIL)
            fprintf(f, "             ... and %u more the check found past its limit of findings\n", c->dropped);
        if (status == RS_FAIL && c->remediation && *c->remediation) indented(f, "             fix: ", c->remediation);
        if (status == RS_FAIL && c->nfw) {   /* the controls it counts against, as the JSON lists them */
            fputs("             frameworks:", f);
            for (unsigned k = 0; k < c->nfw; k++)
                fprintf(f, "%s %s %s", k ? "," : "", c->fw[k].framework, c->fw[k].control);
            fputc('\n', f);
        }
        i = j;
    }
}

int rpt_write_text(const rpt_report *r, FILE *f)
{
    const rpt_image *im = &r->image;
    fprintf(f, "%s", im->name && *im->name ? im->name : im->file);
    bool paren = false;
    if (im->os && *im->os) { fprintf(f, " (%s", im->os); paren = true; }
    if (im->os_version && *im->os_version) fprintf(f, " %s", im->os_version);
    if (im->id && *im->id) {
        const char *id = strncmp(im->id, "sha256:", 7) ? im->id : im->id + 7;
        fprintf(f, "%s%.12s", paren ? ", " : " (", id);
        paren = true;
    }
    fprintf(f, "%s", paren ? ")" : "");
    if (im->name && *im->name && im->file) fprintf(f, " from %s", im->file);
    fprintf(f, ": %u check%s run\n", r->nchecks, r->nchecks == 1 ? "" : "s");

    for (int sev = SEV_CRITICAL; sev >= SEV_NONE; sev--) {
        unsigned n = 0;
        for (unsigned i = 0; i < r->nfindings; i++)
            n += r->findings[i].status == RS_FAIL && r->findings[i].severity == (unsigned)sev;
        if (!n) continue;
        char name[16];
        upper(name, rpt_sev_name((unsigned)sev), sizeof name);
        fprintf(f, "\n%s (%u)%s\n", name, n, (unsigned)sev < r->fail_on ? "  below --fail-on: reported, does not fail" : "");
        text_findings(r, f, RS_FAIL, (unsigned)sev, true);
    }
    if (r->excepted_findings) {
        fprintf(f, "\nEXCEPTED (%u)  accepted risks: reported, do not fail\n", r->excepted_findings);
        text_findings(r, f, RS_EXCEPTED, 0, false);
    }
    bool errors = false;
    for (unsigned i = 0; i < r->nchecks; i++)
        if (r->checks[i].error) {
            if (!errors) fprintf(f, "\nERRORS\n");
            errors = true;
            fprintf(f, "  %-10s stopped: %s\n", r->checks[i].id, r->checks[i].error);
        }
    if (r->nvulns) {
        fprintf(f, "\nVULNERABILITIES (%u)\n", r->nvulns);
        for (unsigned i = 0; i < r->nvulns; i++) {
            const rpt_vuln *v = &r->vulns[i];
            char sev[16];
            upper(sev, rpt_vuln_sev(v), sizeof sev);
            fprintf(f, "  %-8s %-18s %s %s", sev, v->id, v->package ? v->package : "", v->version ? v->version : "");
            if (v->fixed_version && *v->fixed_version) fprintf(f, " -> %s", v->fixed_version);
            else if (!v->fix_available) fprintf(f, " (no fix)");
            if (v->kb && *v->kb) fprintf(f, " %s", v->kb);
            fprintf(f, "  risk %d", v->risk);
            if (v->status != RS_FAIL) fprintf(f, "  [%s]", rpt_status_name(v->status));
            fputc('\n', f);
            if (v->title && *v->title) indented(f, "           ", v->title);
            if (v->note && *v->note) indented(f, "           ", v->note);
        }
    } else if (r->vulns_scanned) {
        fprintf(f, "\nVULNERABILITIES: none found\n");
    } else {
        fprintf(f, "\nVULNERABILITIES: not checked (no --feeds given, so no package was matched against a "
                   "vulnerability feed)\n");
    }
    if (r->nnotes) {
        fprintf(f, "\nNOTES\n");
        for (unsigned i = 0; i < r->nnotes; i++) indented(f, "  ", r->notes[i]);
    }
    unsigned nfail = 0;
    for (int s = 0; s < 6; s++) nfail += r->fail_count[s];
    fprintf(f, "\n%s: %u finding%s (%u critical, %u high, %u medium, %u low)", r->passed ? "PASS" : "FAIL", nfail,
            nfail == 1 ? "" : "s", r->fail_count[SEV_CRITICAL], r->fail_count[SEV_HIGH], r->fail_count[SEV_MEDIUM],
            r->fail_count[SEV_LOW] + r->fail_count[SEV_INFO] + r->fail_count[SEV_NONE]);
    if (r->excepted_findings) fprintf(f, ", %u excepted", r->excepted_findings);
    fprintf(f, "; %u check%s: %u passed, %u failed", r->nchecks, r->nchecks == 1 ? "" : "s", r->checks_passed,
            r->checks_failed);
    if (r->checks_excepted) fprintf(f, ", %u excepted", r->checks_excepted);
    if (r->checks_errors) fprintf(f, ", %u stopped with an error", r->checks_errors);
    if (r->vulns_scanned)
        fprintf(f, "; %u vulnerabilit%s (%u failing)", r->nvulns, r->nvulns == 1 ? "y" : "ies", r->vulns_failing);
    else
        fputs("; vulnerabilities not checked", f);
    fprintf(f, "; fail-on %s\n", rpt_sev_name(r->fail_on));
    return 0;
}

/* ------------------------------------------------------------------ */
/* json                                                                */
/* ------------------------------------------------------------------ */

static void add_str(cJSON *o, const char *k, const char *v)
{
    cJSON_AddItemToObject(o, k, cJSON_CreateString(v ? v : ""));
}

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

int rpt_write_json(const rpt_report *r, FILE *f)
{
    cJSON *root = cJSON_CreateObject();
    add_str(root, "schema", "palisade.scan/v1");
    cJSON *tool = cJSON_AddObjectToObject(root, "tool");
    add_str(tool, "name", "palisade");
    add_str(tool, "version", PALISADE_VERSION);
    cJSON *im = cJSON_AddObjectToObject(root, "image");
    add_str(im, "file", r->image.file);
    add_str(im, "name", r->image.name);
    cJSON *tags = cJSON_AddArrayToObject(im, "tags");
    for (unsigned i = 0; i < r->image.ntags; i++) cJSON_AddItemToArray(tags, cJSON_CreateString(r->image.tags[i]));
    add_str(im, "id", r->image.id);
    add_str(im, "os", r->image.os);
    add_str(im, "os_version", r->image.os_version);
    add_str(im, "architecture", r->image.architecture);

    cJSON *fa = cJSON_AddArrayToObject(root, "findings");
    for (unsigned i = 0; i < r->nfindings; i++) {
        const rpt_finding *x = &r->findings[i];
        const rpt_check *c = &r->checks[x->check];
        cJSON *o = cJSON_CreateObject();
        add_str(o, "id", c->id);
        add_str(o, "title", c->title);
        add_str(o, "severity", rpt_sev_name(x->severity));
        add_str(o, "status", rpt_status_name(x->status));
        add_str(o, "message", x->message);
        if (x->element) add_str(o, "element", x->element);
        cJSON *fw = cJSON_AddArrayToObject(o, "frameworks");
        cJSON *ctl = cJSON_AddObjectToObject(o, "controls");
        for (unsigned k = 0; k < c->nfw; k++) {
            cJSON *e = cJSON_CreateObject();
            add_str(e, "framework", c->fw[k].framework);
            add_str(e, "control", c->fw[k].control);
            if (c->fw[k].title && *c->fw[k].title) add_str(e, "title", c->fw[k].title);
            cJSON_AddItemToArray(fw, e);
            cJSON *have = cJSON_GetObjectItemCaseSensitive(ctl, c->fw[k].framework);
            if (!have) add_str(ctl, c->fw[k].framework, c->fw[k].control);
            else {
                size_t n = strlen(have->valuestring) + strlen(c->fw[k].control) + 3;
                char *joined = malloc(n);
                if (joined) {
                    snprintf(joined, n, "%s, %s", have->valuestring, c->fw[k].control);
                    cJSON_ReplaceItemInObjectCaseSensitive(ctl, c->fw[k].framework, cJSON_CreateString(joined));
                    free(joined);
                }
            }
        }
        add_str(o, "remediation", c->remediation);
        if (x->has_exception) cJSON_AddItemToObject(o, "exception", exception_json(&x->exc));
        cJSON_AddItemToArray(fa, o);
    }

    cJSON_AddBoolToObject(root, "vulnerabilities_checked", r->vulns_scanned);
    cJSON *va = cJSON_AddArrayToObject(root, "vulnerabilities");
    for (unsigned i = 0; i < r->nvulns; i++) {
        const rpt_vuln *v = &r->vulns[i];
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
        add_str(o, "published", v->published);
        cJSON_AddNumberToObject(o, "age_days", (double)v->age_days);
        cJSON_AddBoolToObject(o, "exploit", v->exploit);
        add_str(o, "kb", v->kb);
        add_str(o, "source", v->source);
        add_str(o, "title", v->title);
        add_str(o, "status", rpt_status_name(v->status));
        if (v->note) add_str(o, "note", v->note);
        if (v->has_exception) cJSON_AddItemToObject(o, "exception", exception_json(&v->exc));
        cJSON_AddItemToArray(va, o);
    }

    cJSON *ca = cJSON_AddArrayToObject(root, "checks");
    for (unsigned i = 0; i < r->nchecks; i++) {
        const rpt_check *c = &r->checks[i];
        cJSON *o = cJSON_CreateObject();
        add_str(o, "id", c->id);
        add_str(o, "title", c->title);
        add_str(o, "severity", rpt_sev_name(c->severity));
        add_str(o, "status", rpt_status_name(c->status));
        cJSON_AddNumberToObject(o, "findings", c->nfail + c->nexcepted);
        if (c->dropped) cJSON_AddNumberToObject(o, "dropped", c->dropped);
        add_str(o, "source", c->source);
        if (c->error) add_str(o, "error", c->error);
        cJSON_AddItemToArray(ca, o);
    }
    cJSON *na = cJSON_AddArrayToObject(root, "notes");
    for (unsigned i = 0; i < r->nnotes; i++) cJSON_AddItemToArray(na, cJSON_CreateString(r->notes[i]));
    if (!r->vulns_scanned) cJSON_AddItemToArray(na, cJSON_CreateString(RPT_VULNS_NOT_CHECKED));

    cJSON *s = cJSON_AddObjectToObject(root, "summary");
    cJSON_AddNumberToObject(s, "checks", r->nchecks);
    cJSON_AddNumberToObject(s, "passed", r->checks_passed);
    cJSON_AddNumberToObject(s, "failed", r->checks_failed);
    cJSON_AddNumberToObject(s, "excepted", r->checks_excepted);
    cJSON_AddNumberToObject(s, "errors", r->checks_errors);
    cJSON_AddItemToObject(s, "findings", sev_counts(r->fail_count));
    cJSON_AddNumberToObject(s, "excepted_findings", r->excepted_findings);
    cJSON *vs = sev_counts(r->vuln_count);
    cJSON_AddNumberToObject(vs, "failing", r->vulns_failing);
    cJSON_AddBoolToObject(vs, "checked", r->vulns_scanned);   /* beside the counts it qualifies */
    cJSON_AddItemToObject(s, "vulnerabilities", vs);
    add_str(root, "fail_on", rpt_sev_name(r->fail_on));
    cJSON_AddBoolToObject(root, "passed", r->passed);

    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!text) return -1;
    fputs(text, f);
    fputc('\n', f);
    free(text);
    return 0;
}
