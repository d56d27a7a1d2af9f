/*
 * report.c — the report model: strings made safe for every format,
 * growable arrays, rpt_finish (the one place that settles statuses, counts
 * and pass/fail), and writing a report to a stream or, atomically, a file.
 *
 * The model is filled by the scan (engine/scan/scan.c) or the lint's
 * caller (lang/tools/lint_report.c) and settled once by rpt_finish(); the
 * writers (text.c, json.c, sarif.c, junit.c, github.c) only render it (see
 * report.h for the formats and the JSON schemas).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "engine/report/report.h"
#include "engine/base/err.h"
#include "engine/base/fileio.h"
#include "engine/vm/program.h"

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

const char *rpt_str_cut(rpt_report *r, const char *s, size_t max)
{
    if (!s) return NULL;
    size_t n = strlen(s);
    if (n <= max) return rpt_strn(r, s, n);
    while (max && ((unsigned char)s[max] & 0xc0) == 0x80) max--;   /* not inside a character */
    const char *cut = rpt_strn(r, s, max);
    size_t cl = strlen(cut);
    char *out = pal_arena_alloc(&r->arena, cl + 4);
    if (!out) return cut;
    memcpy(out, cut, cl);
    memcpy(out + cl, "\xe2\x80\xa6", 4);
    return out;
}

const char *rpt_risk_factor_name(int factor)
{
    static const char *const names[RPT_RISK_NFACTORS] = {"severity", "fix", "exploit", "network", "root", "age"};
    return factor >= 0 && factor < RPT_RISK_NFACTORS ? names[factor] : "?";
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
    case RS_NOT_APPLICABLE: return "not_applicable";
    default: return "unknown";
    }
}

const char *rpt_sev_name(unsigned sev)
{
    return sev <= SEV_CRITICAL ? pal_severity_name(sev) : "none";
}

void rpt_fail_on_see(rpt_fail_on_seen *s, unsigned fail_on)
{
    if (!s->reports++) s->fail_on = fail_on;
    else if (fail_on != s->fail_on) s->mixed = true;
}

const char *rpt_fail_on_label(const rpt_fail_on_seen *s)
{
    return s->mixed ? "mixed" : rpt_sev_name(s->reports ? s->fail_on : SEV_HIGH);
}

bool rpt_finding_fails(const rpt_report *r, const rpt_finding *f)
{
    return f->status == RS_FAIL && f->severity >= r->fail_on;
}

const char *rpt_vuln_sev(const rpt_vuln *v)
{
    return v->severity_name ? v->severity_name : rpt_sev_name(v->severity);
}

int rpt_level_of_severity(unsigned sev)
{
    return sev >= SEV_HIGH ? RPT_LEVEL_ERROR : sev == SEV_MEDIUM ? RPT_LEVEL_WARNING : RPT_LEVEL_NOTE;
}

int rpt_finding_level(const rpt_finding *f)
{
    if (f->level > RPT_LEVEL_BY_SEVERITY && f->level < RPT_LEVEL_NONE) return f->level;
    return rpt_level_of_severity(f->severity);
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
    /* a lint's findings are in the linter's order (file, position, code),
       which its JSON and SARIF keep */
    if (r->nfindings && r->kind == RPT_SCAN) qsort(r->findings, r->nfindings, sizeof *r->findings, cmp_finding);
    if (r->nvulns) qsort(r->vulns, r->nvulns, sizeof *r->vulns, cmp_vuln);
    memset(r->fail_count, 0, sizeof r->fail_count);
    memset(r->vuln_count, 0, sizeof r->vuln_count);
    memset(r->level_count, 0, sizeof r->level_count);
    r->excepted_findings = r->vulns_failing = 0;
    for (unsigned i = 0; i < r->nchecks; i++) r->checks[i].nfail = r->checks[i].nexcepted = 0;
    bool failing = false;
    for (unsigned i = 0; i < r->nfindings; i++) {
        const rpt_finding *f = &r->findings[i];
        rpt_check *c = &r->checks[f->check];
        r->level_count[rpt_finding_level(f)]++;
        if (f->status == RS_FAIL) {
            c->nfail++;
            r->fail_count[f->severity <= SEV_CRITICAL ? f->severity : 0]++;
            if (rpt_finding_fails(r, f)) failing = true;
        } else {
            c->nexcepted++;
            r->excepted_findings++;
        }
    }
    r->checks_passed = r->checks_failed = r->checks_excepted = r->checks_errors = r->checks_not_applicable = 0;
    for (unsigned i = 0; i < r->nchecks; i++) {
        rpt_check *c = &r->checks[i];
        c->status = c->error ? RS_ERROR : c->not_applicable ? RS_NOT_APPLICABLE : c->nfail ? RS_FAIL
                  : c->nexcepted ? RS_EXCEPTED : RS_PASS;
        switch (c->status) {
        case RS_ERROR: r->checks_errors++; break;
        case RS_NOT_APPLICABLE: r->checks_not_applicable++; break;
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
    static const char *const names[] = {"text", "json", "sarif", "junit", "github", "html"};
    for (int i = 0; i < 6; i++)
        if (!strcmp(name, names[i])) return i;
    return -1;
}

const char *rpt_format_names(void) { return "text, json, sarif, junit, github, html"; }

int rpt_format_from_path(const char *path, int fallback)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/')) return fallback;
    if (!strcmp(dot, ".json")) return RF_JSON;
    if (!strcmp(dot, ".sarif")) return RF_SARIF;
    if (!strcmp(dot, ".xml")) return RF_JUNIT;
    if (!strcmp(dot, ".html") || !strcmp(dot, ".htm")) return RF_HTML;
    if (!strcmp(dot, ".txt") || !strcmp(dot, ".text")) return RF_TEXT;
    return -1;   /* out.pdf: refused, never written as something else */
}

int rpt_write(const rpt_report *r, int format, FILE *f)
{
    int rc;
    /* a lint's text is the compiler's diagnostic format (its caller prints
       it from the linter, which holds the source); it has no JUnit form */
    if (r->kind == RPT_LINT && (format == RF_TEXT || format == RF_JUNIT || format == RF_HTML)) {
        errno = EINVAL;
        return -1;
    }
    switch (format) {
    case RF_TEXT: rc = rpt_write_text(r, f); break;
    case RF_JSON: rc = rpt_write_json(r, f); break;
    case RF_SARIF: rc = rpt_write_sarif(r, f); break;
    case RF_JUNIT: rc = rpt_write_junit(r, f); break;
    case RF_GITHUB: rc = rpt_write_github(r, f); break;
    case RF_HTML: rc = rpt_write_html(r, f); break;
    default: errno = EINVAL; return -1;
    }
    if (fflush(f) != 0 || ferror(f)) return -1;
    return rc;
}

int rpt_write_file(const rpt_report *r, int format, const char *path, char *err, size_t errcap)
{
    pal_atomic w;
    if (pal_atomic_begin(&w, path, PAL_MODE_DEFAULT, err, errcap) != 0) return -1;
    errno = 0;
    if (rpt_write(r, format, w.f) != 0) {
        int e = errno;
        pal_atomic_abort(&w);
        return pal_set_err(err, errcap, "%s: cannot write the report: %s", path, e ? strerror(e) : "out of memory");
    }
    return pal_atomic_commit(&w, err, errcap);
}
