/*
 * util.c — the small pieces every vulnerability stage shares:
 * severity names, civil dates, CVSS v3 base scores and problem reports.
 *
 * CVSS is scored here rather than trusted from a feed because OSV carries
 * only the vector: the base score follows the CVSS v3.1 specification
 * (section 7.1 formulas, Appendix A "Roundup" done in integers so 4.0
 * stays 4.0 and never becomes 4.1 through a float error); v3.0 vectors use
 * v3.0's plain ceil-to-one-decimal rounding.  Dates are proleptic
 * Gregorian day numbers (the days_from_civil algorithm), so age needs no
 * time zone and no libc time functions.
 */
#include "engine/vuln/vuln.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ severities */

static const char *const sev_names[] = {"unknown", "low", "medium", "high", "critical"};

const char *pal_vuln_severity_name(pal_vuln_severity s)
{
    return (unsigned)s <= PAL_VSEV_CRITICAL ? sev_names[s] : "unknown";
}

int pal_vuln_severity_from_name(const char *s)
{
    if (!s) return -1;
    static const struct { const char *name; int sev; } names[] = {
        {"unknown", PAL_VSEV_UNKNOWN}, {"none", PAL_VSEV_UNKNOWN},
        {"not yet assigned", PAL_VSEV_UNKNOWN}, {"untriaged", PAL_VSEV_UNKNOWN},
        {"negligible", PAL_VSEV_LOW}, {"unimportant", PAL_VSEV_LOW}, {"low", PAL_VSEV_LOW},
        {"medium", PAL_VSEV_MEDIUM}, {"moderate", PAL_VSEV_MEDIUM},
        {"high", PAL_VSEV_HIGH}, {"important", PAL_VSEV_HIGH},
        {"critical", PAL_VSEV_CRITICAL},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(s, names[i].name)) return names[i].sev;
    return -1;
}

/* ------------------------------------------------------------ dates */

int pal_date_days(const char *s, long *days)
{
    if (!s) return -1;
    for (int i = 0; i < 10; i++) {
        bool dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : !isdigit((unsigned char)s[i])) return -1;
    }
    if (s[10] && s[10] != 'T' && s[10] != 't' && s[10] != ' ') return -1;
    long y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    long m = (s[5] - '0') * 10 + (s[6] - '0');
    long d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) return -1;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap) return -1;
    /* days_from_civil: day 0 is 1970-01-01 */
    y -= m <= 2;
    long era = y / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *days = era * 146097 + doe - 719468;
    return 0;
}

/* ------------------------------------------------------------ CVSS v3 */

/* Appendix A of CVSS v3.1: round up to one decimal, in integers. */
static int roundup31(double x)
{
    long long i = llround(x * 100000.0);
    if (i % 10000 == 0) return (int)(i / 10000);
    return (int)(i / 10000 + 1);
}

static int roundup30(double x)
{
    return (int)ceil(x * 10.0 - 1e-9);
}

int pal_cvss3_score10(const char *vector)
{
    if (!vector) return -1;
    bool v31;
    if (!strncmp(vector, "CVSS:3.1/", 9)) v31 = true;
    else if (!strncmp(vector, "CVSS:3.0/", 9)) v31 = false;
    else return -1;
    /* metric letters in the order of the base group; value -1 = not seen */
    char av = 0, ac = 0, pr = 0, ui = 0, sc = 0, c = 0, in = 0, a = 0;
    const char *p = vector + 9;
    while (*p) {
        const char *colon = strchr(p, ':');
        if (!colon) return -1;
        size_t klen = (size_t)(colon - p);
        char val = colon[1];
        if (!val || (colon[2] && colon[2] != '/')) {
            /* temporal/environmental metrics have one-letter values too; a
               longer value is not a v3 vector */
            return -1;
        }
        char *slot = NULL;
        if (klen == 2 && !strncmp(p, "AV", 2)) slot = &av;
        else if (klen == 2 && !strncmp(p, "AC", 2)) slot = &ac;
        else if (klen == 2 && !strncmp(p, "PR", 2)) slot = &pr;
        else if (klen == 2 && !strncmp(p, "UI", 2)) slot = &ui;
        else if (klen == 1 && *p == 'S') slot = &sc;
        else if (klen == 1 && *p == 'C') slot = &c;
        else if (klen == 1 && *p == 'I') slot = &in;
        else if (klen == 1 && *p == 'A') slot = &a;
        if (slot) {
            if (*slot) return -1;          /* a metric given twice */
            *slot = val;
        }
        p = colon + 2;
        if (*p == '/') p++;
    }
    double vav, vac, vpr, vui, vc, vi, va;
    switch (av) { case 'N': vav = 0.85; break; case 'A': vav = 0.62; break;
                  case 'L': vav = 0.55; break; case 'P': vav = 0.2; break; default: return -1; }
    switch (ac) { case 'L': vac = 0.77; break; case 'H': vac = 0.44; break; default: return -1; }
    if (sc != 'U' && sc != 'C') return -1;
    bool changed = sc == 'C';
    switch (pr) { case 'N': vpr = 0.85; break; case 'L': vpr = changed ? 0.68 : 0.62; break;
                  case 'H': vpr = changed ? 0.5 : 0.27; break; default: return -1; }
    switch (ui) { case 'N': vui = 0.85; break; case 'R': vui = 0.62; break; default: return -1; }
    double *cia[3] = {&vc, &vi, &va};
    char cv[3] = {c, in, a};
    for (int k = 0; k < 3; k++)
        switch (cv[k]) { case 'H': *cia[k] = 0.56; break; case 'L': *cia[k] = 0.22; break;
                         case 'N': *cia[k] = 0; break; default: return -1; }
    double iss = 1 - (1 - vc) * (1 - vi) * (1 - va);
    double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss;
    double expl = 8.22 * vav * vac * vpr * vui;
    if (impact <= 0) return 0;
    double base = changed ? 1.08 * (impact + expl) : impact + expl;
    if (base > 10) base = 10;
    return v31 ? roundup31(base) : roundup30(base);
}

/* ------------------------------------------------------------ reports */

void pal_feed_report_init(pal_feed_report *r)
{
    memset(r, 0, sizeof *r);
}

void pal_feed_report_free(pal_feed_report *r)
{
    if (!r) return;
    for (unsigned i = 0; i < r->nproblems; i++) {
        free(r->problems[i].file);
        free(r->problems[i].where);
        free(r->problems[i].message);
    }
    free(r->problems);
    memset(r, 0, sizeof *r);
}

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

void pal_feed_report_add(pal_feed_report *r, pal_feed_level level, const char *file,
                         const char *where, const char *fmt, ...)
{
    if (!r) return;
    if (level == PAL_FEED_ERROR) r->errors++;
    else r->warnings++;
    if (r->nproblems >= PAL_FEED_MAX_PROBLEMS) { r->omitted++; return; }
    if (r->nproblems % 64 == 0) {
        pal_feed_problem *np = realloc(r->problems, (r->nproblems + 64) * sizeof *np);
        if (!np) { r->omitted++; return; }
        r->problems = np;
    }
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pal_feed_problem *p = &r->problems[r->nproblems];
    p->level = level;
    p->file = dup_or_empty(file);
    p->where = dup_or_empty(where);
    p->message = strdup(msg);
    if (!p->file || !p->where || !p->message) {
        free(p->file); free(p->where); free(p->message);
        r->omitted++;
        return;
    }
    r->nproblems++;
}
