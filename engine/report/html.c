/*
 * html.c — the state of one or many images as one self-contained HTML page,
 * for people: `palisade scan ... --format html -o report.html` and
 * `palisade report SCAN.json... -o report.html`.
 *
 * What it shows.  An overview — images by failing findings per severity,
 * the frameworks' controls per image as a heat map, the checks that fail
 * on most images, the vulnerabilities with the highest risk score and
 * their fixed-in versions, the exceptions in force and those expiring soon
 * — then one section per image: its config and history, findings grouped
 * by severity with what to fix, vulnerabilities with package, installed
 * and fixed versions and the parts of their score, notes.  Every chart is
 * an inline SVG and is followed by a table holding the same numbers;
 * colours come from colour-blind-safe palettes (Paul Tol's, ColorBrewer's
 * Oranges ramp for the heat map), and every coloured cell also says what
 * it means in words.
 *
 * Self-contained and inert.  No external resource of any kind: one
 * <style>, one small <script> (sorting the tables, filtering the images;
 * the page is complete without it — the controls are `hidden` until the
 * script shows them), and a Content-Security-Policy that allows exactly
 * that style and script by their SHA-256 and nothing else, so even a
 * mistake in escaping could not load or run anything.  Everything from the
 * image or a saved report — names, labels, file names, history lines,
 * messages, exception reasons — is attacker-controlled and goes through
 * esc(), which escapes & < > " and ' (text and double-quoted attributes
 * alike); ids are numbers, never derived from data.
 *
 * Streaming.  The overview comes first but is known only when the last
 * image is in, so each image's section is written to a temporary file as
 * the image is added and copied in at the end; what the overview needs is
 * aggregated as images arrive (per image a row of counters; per check,
 * vulnerability and exception one entry, bounded by HTML_MAX_*), so memory
 * does not grow with the reports, only by a row per image.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include "engine/report/report.h"
#include "engine/base/about.h"
#include "engine/base/strmap.h"
#include "engine/vm/program.h"

#define HTML_MAX_FW          32u      /* frameworks in the heat map */
#define HTML_MAX_CHECKS      10000u   /* distinct check IDs aggregated */
#define HTML_MAX_VULNS       100000u  /* distinct (vulnerability, package) aggregated */
#define HTML_MAX_EXCEPTIONS  10000u   /* distinct exceptions aggregated */
#define HTML_MAX_PER_CHECK   100u     /* findings of one check listed in an image's section */
#define HTML_MAX_IMAGE_VULNS 5000u    /* vulnerabilities listed in one image's section */
#define HTML_CHART_ROWS      50u      /* images in a chart (the tables list all) */
#define HTML_TOP             20u      /* top failing checks, top vulnerabilities */
#define HTML_LABEL_BYTES     30u      /* an image's name in a chart: its last bytes, "…" before */

typedef struct html_image {
    const char *label, *file, *error;
    int status;                                  /* RS_PASS RS_FAIL RS_ERROR */
    unsigned fail_count[6], excepted, vulns, vulns_failing, checks, checks_failed;
    bool vulns_checked;
    unsigned fw_total[HTML_MAX_FW], fw_failing[HTML_MAX_FW];
} html_image;

typedef struct html_check {
    const char *id, *title, *remediation;
    unsigned severity, images_failing, findings;
} html_check;

typedef struct html_vuln {
    const char *id, *package, *installed, *fixed, *severity;
    unsigned sev;
    double cvss;
    int risk;
    unsigned images, failing;
    bool exploit;
} html_vuln;

typedef struct html_exc {
    const char *id, *reason, *expires, *file;
    unsigned line, findings, vulns, images, last_image;
    bool expired;
} html_exc;

struct rpt_html {
    FILE *out, *body;
    rpt_set_opts o;
    long today;
    pal_arena arena;
    html_image *images;
    unsigned nimages, cap_images;
    const char *fw[HTML_MAX_FW];
    unsigned nfw;
    pal_strmap check_map, vuln_map, exc_map;
    html_check *checks; unsigned nchecks, cap_checks, checks_untracked;
    html_vuln *vulns;   unsigned nvulns, cap_vulns, vulns_untracked;
    html_exc *excs;     unsigned nexcs, cap_excs;
    rpt_fail_on_seen fail_on;
    bool any_vulns_checked, oom;
};

/* ------------------------------------------------------------------ */
/* text                                                                */
/* ------------------------------------------------------------------ */

/* Escapes for HTML text and double-quoted attribute values alike. */
static void esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* s cut to at most max bytes at a character boundary, "…" added: for
   chart labels, where the table beside the chart has the whole name. */
static void esc_cut(FILE *f, const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (n <= max) { esc(f, s); return; }
    while (max && ((unsigned char)s[max] & 0xc0) == 0x80) max--;
    char buf[256];
    if (max >= sizeof buf) max = sizeof buf - 1;
    memcpy(buf, s, max);
    buf[max] = 0;
    esc(f, buf);
    fputs("\xe2\x80\xa6", f);
}

/* The end of s, at most max bytes, "…" before it: a chart's image label,
   where a name's last part (repository and tag) tells images apart. */
static void esc_tail(FILE *f, const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (n <= max) { esc(f, s); return; }
    const char *t = s + n - max;
    while (*t && ((unsigned char)*t & 0xc0) == 0x80) t++;
    fputs("\xe2\x80\xa6", f);
    esc(f, t);
}

static const char *nz(const char *s) { return s ? s : ""; }

static const char *arena_str(rpt_html *h, const char *s)
{
    if (!s) return NULL;
    char *c = pal_arena_strndup(&h->arena, s, strlen(s));
    if (!c) h->oom = true;
    return c ? c : "";
}

/* ------------------------------------------------------------------ */
/* dates                                                               */
/* ------------------------------------------------------------------ */

/* Days since 1970-01-01 of "YYYY-MM-DD" (Howard Hinnant's days_from_civil);
   -1 when it is not one. */
static long day_of(const char *s)
{
    if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-') return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return -1;
    long y = strtol(s, NULL, 10), m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    if (m < 1 || m > 12 || d < 1 || d > 31) return -1;
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* ------------------------------------------------------------------ */
/* frameworks and severities                                           */
/* ------------------------------------------------------------------ */

static const char *fw_title(const char *key)
{
    static const struct { const char *key, *title; } known[] = {
        {"cis_docker", "CIS Docker"}, {"nist_800_190", "NIST 800-190"}, {"pci_dss", "PCI DSS"},
        {"hipaa", "HIPAA"}, {"gdpr", "GDPR"}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strcmp(known[i].key, key)) return known[i].title;
    return key;
}

/* The heat map's columns: the five built-in frameworks in their usual
   order, then any other in the order met. */
static int fw_index(rpt_html *h, const char *key)
{
    for (unsigned i = 0; i < h->nfw; i++)
        if (!strcmp(h->fw[i], key)) return (int)i;
    if (h->nfw == HTML_MAX_FW) return -1;
    h->fw[h->nfw] = arena_str(h, key);
    return (int)h->nfw++;
}

static const char *sev_class(unsigned sev)
{
    switch (sev) {
    case SEV_CRITICAL: return "critical";
    case SEV_HIGH: return "high";
    case SEV_MEDIUM: return "medium";
    case SEV_LOW: return "low";
    default: return "info";
    }
}

static const char *sev_title(unsigned sev)
{
    switch (sev) {
    case SEV_CRITICAL: return "Critical";
    case SEV_HIGH: return "High";
    case SEV_MEDIUM: return "Medium";
    case SEV_LOW: return "Low";
    default: return "Info";
    }
}

static unsigned vuln_sev(const rpt_vuln *v) { return v->severity <= SEV_CRITICAL ? v->severity : SEV_NONE; }

static const char *status_word(int status)
{
    return status == RS_PASS ? "pass" : status == RS_FAIL ? "fail" : "error";
}

static void badge(FILE *f, int status)
{
    fprintf(f, "<span class=\"badge b-%s\">%s</span>", status_word(status),
            status == RS_PASS ? "PASS" : status == RS_FAIL ? "FAIL" : "ERROR");
}

static void sev_badge(FILE *f, unsigned sev, const char *name)
{
    fprintf(f, "<span class=\"sev s-%s\">", sev_class(sev));
    esc(f, name ? name : rpt_sev_name(sev));
    fputs("</span>", f);
}

/* ------------------------------------------------------------------ */
/* aggregating what the overview needs                                 */
/* ------------------------------------------------------------------ */

#define GROW(arr, n, cap) \
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

static html_image *new_image(rpt_html *h)
{
    if (!GROW(h->images, h->nimages, h->cap_images)) { h->oom = true; return NULL; }
    html_image *im = &h->images[h->nimages++];
    memset(im, 0, sizeof *im);
    return im;
}

/* Each framework's controls on this image: a control fails when any check
   mapped to it failed (or stopped: not shown to pass). */
static void image_controls(rpt_html *h, html_image *im, const rpt_report *r)
{
    pal_arena a;
    pal_arena_init(&a, 0);
    pal_strmap seen = {0};
    for (unsigned i = 0; i < r->nchecks; i++) {
        const rpt_check *c = &r->checks[i];
        if (c->status == RS_NOT_APPLICABLE) continue;   /* says nothing about its controls */
        bool failing = c->status == RS_FAIL || c->status == RS_ERROR;
        for (unsigned k = 0; k < c->nfw; k++) {
            int fi = fw_index(h, nz(c->fw[k].framework));
            if (fi < 0) continue;
            char key[512];
            int n = snprintf(key, sizeof key, "%d\x1f%s", fi, nz(c->fw[k].control));
            if (n < 0 || (size_t)n >= sizeof key) continue;
            uintptr_t *state = pal_strmap_get(&seen, key, (size_t)n);
            if (!state) {
                char *kc = pal_arena_strndup(&a, key, (size_t)n);
                state = pal_arena_alloc(&a, sizeof *state);
                if (!kc || !state || pal_strmap_put(&a, &seen, kc, (size_t)n, state) != 0) { h->oom = true; break; }
                *state = 0;
                im->fw_total[fi]++;
            }
            if (failing && !*state) {
                *state = 1;
                im->fw_failing[fi]++;
            }
        }
    }
    pal_arena_free(&a);
}

static void aggregate_checks(rpt_html *h, const rpt_report *r)
{
    for (unsigned i = 0; i < r->nchecks; i++) {
        const rpt_check *c = &r->checks[i];
        if (c->status != RS_FAIL || !c->id) continue;
        /* the map holds the entry's index: the array moves as it grows */
        unsigned *slot = pal_strmap_get(&h->check_map, c->id, strlen(c->id));
        if (!slot) {
            if (h->nchecks == HTML_MAX_CHECKS) { h->checks_untracked++; continue; }
            if (!GROW(h->checks, h->nchecks, h->cap_checks)) { h->oom = true; return; }
            const char *id = arena_str(h, c->id);
            slot = pal_arena_alloc(&h->arena, sizeof *slot);
            if (!slot || !id || pal_strmap_put(&h->arena, &h->check_map, id, strlen(id), slot) != 0) { h->oom = true; return; }
            *slot = h->nchecks;
            h->checks[h->nchecks++] = (html_check){id, arena_str(h, c->title), NULL, c->severity, 0, 0};
        }
        html_check *e = &h->checks[*slot];
        if (!e->remediation && c->remediation && *c->remediation) e->remediation = arena_str(h, c->remediation);
        e->images_failing++;
        e->findings += c->nfail;
        if (c->severity > e->severity) e->severity = c->severity;
    }
}

static void aggregate_vulns(rpt_html *h, const rpt_report *r)
{
    for (unsigned i = 0; i < r->nvulns; i++) {
        const rpt_vuln *v = &r->vulns[i];
        char key[1024];
        int n = snprintf(key, sizeof key, "%s\x1f%s", nz(v->id), nz(v->package));
        if (n < 0 || (size_t)n >= sizeof key) continue;
        unsigned *slot = pal_strmap_get(&h->vuln_map, key, (size_t)n);
        if (!slot) {
            if (h->nvulns == HTML_MAX_VULNS) { h->vulns_untracked++; continue; }
            if (!GROW(h->vulns, h->nvulns, h->cap_vulns)) { h->oom = true; return; }
            const char *k = arena_str(h, key);
            slot = pal_arena_alloc(&h->arena, sizeof *slot);
            if (!slot || !k || pal_strmap_put(&h->arena, &h->vuln_map, k, (size_t)n, slot) != 0) { h->oom = true; return; }
            *slot = h->nvulns;
            h->vulns[h->nvulns++] = (html_vuln){arena_str(h, nz(v->id)), arena_str(h, nz(v->package)),
                                                 arena_str(h, nz(v->version)), arena_str(h, nz(v->fixed_version)),
                                                 arena_str(h, rpt_vuln_sev(v)), vuln_sev(v), v->cvss, v->risk, 0, 0,
                                                 v->exploit};
        }
        html_vuln *e = &h->vulns[*slot];
        e->images++;
        if (v->status == RS_FAIL) e->failing++;
        if (v->risk > e->risk) {   /* the riskiest instance's versions */
            e->risk = v->risk;
            e->installed = arena_str(h, nz(v->version));
            e->fixed = arena_str(h, nz(v->fixed_version));
        }
        e->exploit = e->exploit || v->exploit;
    }
}

static void aggregate_exception(rpt_html *h, const char *id, const rpt_exception_ref *x, bool vuln)
{
    char key[1024];
    int n = snprintf(key, sizeof key, "%s:%u", nz(x->file), x->line);
    if (n < 0 || (size_t)n >= sizeof key) return;
    unsigned *slot = pal_strmap_get(&h->exc_map, key, (size_t)n);
    if (!slot) {
        if (h->nexcs == HTML_MAX_EXCEPTIONS) return;
        if (!GROW(h->excs, h->nexcs, h->cap_excs)) { h->oom = true; return; }
        const char *k = arena_str(h, key);
        slot = pal_arena_alloc(&h->arena, sizeof *slot);
        if (!slot || !k || pal_strmap_put(&h->arena, &h->exc_map, k, (size_t)n, slot) != 0) { h->oom = true; return; }
        *slot = h->nexcs;
        h->excs[h->nexcs++] = (html_exc){arena_str(h, nz(id)), arena_str(h, nz(x->reason)), arena_str(h, x->expires),
                                         arena_str(h, nz(x->file)), x->line, 0, 0, 0, 0, x->expired};
    }
    html_exc *e = &h->excs[*slot];
    if (vuln) e->vulns++;
    else e->findings++;
    if (e->last_image != h->nimages) {   /* h->nimages: this image's 1-based number */
        e->last_image = h->nimages;
        e->images++;
    }
}

static void aggregate(rpt_html *h, html_image *im, const rpt_report *r)
{
    image_controls(h, im, r);
    aggregate_checks(h, r);
    aggregate_vulns(h, r);
    for (unsigned i = 0; i < r->nfindings; i++)
        if (r->findings[i].has_exception)
            aggregate_exception(h, r->checks[r->findings[i].check].id, &r->findings[i].exc, false);
    for (unsigned i = 0; i < r->nvulns; i++)
        if (r->vulns[i].has_exception) aggregate_exception(h, r->vulns[i].id, &r->vulns[i].exc, true);
}

/* ------------------------------------------------------------------ */
/* one image's section                                                 */
/* ------------------------------------------------------------------ */

static void image_open(FILE *f, unsigned n, int status, const char *label)
{
    fprintf(f, "<section class=\"image\" id=\"img-%u\" data-image=\"\" data-status=\"%s\" data-name=\"", n,
            status_word(status));
    esc(f, label);
    fprintf(f, "\" aria-labelledby=\"img-%u-h\">\n<h2 id=\"img-%u-h\">", n, n);
    badge(f, status);
    fputc(' ', f);
    esc(f, label);
    fputs("</h2>\n", f);
}

static void fact(FILE *f, const char *name, const char *value)
{
    if (!value || !*value) return;
    fprintf(f, "<dt>%s</dt><dd>", name);
    esc(f, value);
    fputs("</dd>\n", f);
}

static void strlist(FILE *f, const rpt_strlist *l)
{
    for (unsigned i = 0; i < l->n; i++) {
        fputs(i ? " <code>" : "<code>", f);
        esc(f, l->v[i]);
        fputs("</code>", f);
    }
}

static void config_row(FILE *f, const char *name, const rpt_strlist *l)
{
    if (!l->n) return;
    fprintf(f, "<tr><th scope=\"row\">%s</th><td>", name);
    strlist(f, l);
    fputs("</td></tr>\n", f);
}

static void config_section(FILE *f, const rpt_image *im)
{
    const rpt_config *c = &im->config;
    fputs("<h3>Configuration</h3>\n", f);
    if (!c->known) {
        fputs("<p>Not in this report (it was written by an older palisade).</p>\n", f);
        return;
    }
    fputs("<div class=\"scroll\"><table class=\"kv\"><tbody>\n", f);
    fputs("<tr><th scope=\"row\">User</th><td>", f);
    if (c->user && *c->user) { fputs("<code>", f); esc(f, c->user); fputs("</code>", f); }
    else fputs("(not set: root)", f);
    fputs("</td></tr>\n", f);
    config_row(f, "Entrypoint", &c->entrypoint);
    config_row(f, "Cmd", &c->cmd);
    if (c->working_dir && *c->working_dir) {
        fputs("<tr><th scope=\"row\">Working directory</th><td><code>", f);
        esc(f, c->working_dir);
        fputs("</code></td></tr>\n", f);
    }
    config_row(f, "Exposed ports", &c->ports);
    config_row(f, "Volumes", &c->volumes);
    config_row(f, "Healthcheck", &c->healthcheck);
    config_row(f, "Environment (names)", &c->env);
    if (c->nlabels) {
        fputs("<tr><th scope=\"row\">Labels</th><td><ul class=\"plain\">", f);
        for (unsigned i = 0; i < c->nlabels; i++) {
            fputs("<li><code>", f);
            esc(f, c->labels[i].name);
            fputs("</code> = <code>", f);
            esc(f, c->labels[i].value);
            fputs("</code></li>", f);
        }
        fputs("</ul></td></tr>\n", f);
    }
    if (c->omitted) fprintf(f, "<tr><th scope=\"row\">Left out</th><td>%u more entries</td></tr>\n", c->omitted);
    fputs("</tbody></table></div>\n", f);
}

static void history_section(FILE *f, const rpt_image *im, unsigned n)
{
    if (!im->history_known) return;
    fprintf(f, "<h3>History (%u)</h3>\n", im->nhistory + im->history_omitted);
    if (!im->nhistory) { fputs("<p>The config has no history.</p>\n", f); return; }
    fprintf(f, "<div class=\"scroll\"><table class=\"sortable\" id=\"img-%u-history\"><thead><tr><th scope=\"col\">#</th>"
               "<th scope=\"col\">Created</th><th scope=\"col\">Created by</th><th scope=\"col\">Layer</th>"
               "</tr></thead><tbody>\n", n);
    for (unsigned i = 0; i < im->nhistory; i++) {
        const rpt_history *hi = &im->history[i];
        fprintf(f, "<tr><td>%u</td><td>", i + 1);
        esc(f, hi->created);
        fputs("</td><td><code class=\"wrap\">", f);
        esc(f, hi->created_by);
        fputs("</code>", f);
        if (hi->comment && *hi->comment) { fputs(" <span class=\"muted\">", f); esc(f, hi->comment); fputs("</span>", f); }
        fprintf(f, "</td><td>%s</td></tr>\n", hi->empty_layer ? "empty" : "layer");
    }
    fputs("</tbody></table></div>\n", f);
    if (im->history_omitted) fprintf(f, "<p>%u more entries left out.</p>\n", im->history_omitted);
}

static void frameworks_cell(FILE *f, const rpt_check *c)
{
    for (unsigned k = 0; k < c->nfw; k++) {
        if (k) fputs(", ", f);
        esc(f, fw_title(nz(c->fw[k].framework)));
        fputc(' ', f);
        esc(f, c->fw[k].control);
    }
}

/* One finding as a list item: its message, and the element when the
   message does not already name it. */
static void finding_item(FILE *f, const rpt_finding *x)
{
    fputs("<li>", f);
    esc(f, x->message);
    if (x->element && *x->element && !(x->message && strstr(x->message, x->element))) {
        fputs(" <code>", f);
        esc(f, x->element);
        fputs("</code>", f);
    }
    if (x->has_exception && x->exc.expired) {
        fputs(" <span class=\"warn\">(the exception in ", f);
        esc(f, x->exc.file);
        fprintf(f, ":%u expired on ", x->exc.line);
        esc(f, x->exc.expires);
        fputs(")</span>", f);
    }
    fputs("</li>", f);
}

static void findings_of_severity(FILE *f, const rpt_report *r, unsigned sev, unsigned n)
{
    unsigned count = 0;
    for (unsigned i = 0; i < r->nfindings; i++)
        count += r->findings[i].status == RS_FAIL && r->findings[i].severity == sev;
    if (!count) return;
    fprintf(f, "<h4 id=\"img-%u-%s\">", n, sev_class(sev));
    sev_badge(f, sev, sev_title(sev));
    fprintf(f, " %u finding%s%s</h4>\n", count, count == 1 ? "" : "s",
            sev < r->fail_on ? " <span class=\"muted\">(below fail-on: reported, does not fail)</span>" : "");
    fprintf(f, "<div class=\"scroll\"><table class=\"sortable findings\" id=\"img-%u-f-%s\"><thead><tr>"
               "<th scope=\"col\">Check</th><th scope=\"col\">Title</th><th scope=\"col\">Findings</th>"
               "<th scope=\"col\">What to fix</th><th scope=\"col\">Frameworks</th></tr></thead><tbody>\n",
            n, sev_class(sev));
    /* findings are sorted by status, severity, check: a check's are together */
    for (unsigned i = 0; i < r->nfindings;) {
        const rpt_finding *x = &r->findings[i];
        if (x->status != RS_FAIL || x->severity != sev) { i++; continue; }
        const rpt_check *c = &r->checks[x->check];
        unsigned j = i, shown = 0;
        fputs("<tr><td>", f);
        esc(f, c->id);
        fputs("</td><td>", f);
        esc(f, c->title);
        fputs("</td><td><ul class=\"plain\">", f);
        for (; j < r->nfindings; j++) {
            const rpt_finding *y = &r->findings[j];
            if (y->check != x->check || y->status != RS_FAIL || y->severity != sev) break;
            if (shown++ < HTML_MAX_PER_CHECK) finding_item(f, y);
        }
        fputs("</ul>", f);
        if (shown > HTML_MAX_PER_CHECK)
            fprintf(f, "<p class=\"muted\">&#8230; and %u more (the JSON report lists them all)</p>", shown - HTML_MAX_PER_CHECK);
        if (c->dropped) fprintf(f, "<p class=\"muted\">&#8230; and %u more past the check's limit</p>", c->dropped);
        fputs("</td><td>", f);
        esc(f, c->remediation);
        fputs("</td><td>", f);
        frameworks_cell(f, c);
        fputs("</td></tr>\n", f);
        i = j;
    }
    fputs("</tbody></table></div>\n", f);
}

static void excepted_findings(FILE *f, const rpt_report *r, unsigned n)
{
    if (!r->excepted_findings) return;
    fprintf(f, "<h4 id=\"img-%u-excepted\">Excepted: %u accepted risk%s (reported, do not fail)</h4>\n", n,
            r->excepted_findings, r->excepted_findings == 1 ? "" : "s");
    fprintf(f, "<div class=\"scroll\"><table class=\"sortable\" id=\"img-%u-f-excepted\"><thead><tr>"
               "<th scope=\"col\">Check</th><th scope=\"col\">Severity</th><th scope=\"col\">Finding</th>"
               "<th scope=\"col\">Reason</th><th scope=\"col\">Expires</th><th scope=\"col\">Exception</th>"
               "</tr></thead><tbody>\n", n);
    for (unsigned i = 0; i < r->nfindings; i++) {
        const rpt_finding *x = &r->findings[i];
        if (x->status != RS_EXCEPTED) continue;
        fputs("<tr><td>", f);
        esc(f, r->checks[x->check].id);
        fputs("</td><td>", f);
        sev_badge(f, x->severity, NULL);
        fputs("</td><td><ul class=\"plain\">", f);
        finding_item(f, x);
        fputs("</ul></td><td>", f);
        esc(f, x->exc.reason);
        fputs("</td><td>", f);
        esc(f, x->exc.expires ? x->exc.expires : "never");
        fputs("</td><td>", f);
        esc(f, x->exc.file);
        fprintf(f, ":%u</td></tr>\n", x->exc.line);
    }
    fputs("</tbody></table></div>\n", f);
}

static void findings_section(FILE *f, const rpt_report *r, unsigned n)
{
    unsigned nfail = 0;
    for (int k = 0; k < 6; k++) nfail += r->fail_count[k];
    fprintf(f, "<h3>Findings</h3>\n<p>%u failing finding%s (%u critical, %u high, %u medium, %u low, %u info)",
            nfail, nfail == 1 ? "" : "s", r->fail_count[SEV_CRITICAL], r->fail_count[SEV_HIGH],
            r->fail_count[SEV_MEDIUM], r->fail_count[SEV_LOW], r->fail_count[SEV_INFO] + r->fail_count[SEV_NONE]);
    if (r->excepted_findings) fprintf(f, ", %u excepted", r->excepted_findings);
    fprintf(f, "; %u check%s: %u passed, %u failed", r->nchecks, r->nchecks == 1 ? "" : "s", r->checks_passed,
            r->checks_failed);
    if (r->checks_excepted) fprintf(f, ", %u excepted", r->checks_excepted);
    if (r->checks_errors) fprintf(f, ", %u stopped with an error", r->checks_errors);
    if (r->checks_not_applicable) fprintf(f, ", %u not applicable", r->checks_not_applicable);
    fputs(".</p>\n", f);
    for (int sev = SEV_CRITICAL; sev >= SEV_NONE; sev--) {
        if (sev == SEV_NONE) continue;   /* info and none are listed together below */
        findings_of_severity(f, r, (unsigned)sev, n);
    }
    excepted_findings(f, r, n);
    if (r->checks_errors) {
        fputs("<h4>Checks that stopped</h4>\n<ul>\n", f);
        for (unsigned i = 0; i < r->nchecks; i++)
            if (r->checks[i].error) {
                fputs("<li><code>", f);
                esc(f, r->checks[i].id);
                fputs("</code>: ", f);
                esc(f, r->checks[i].error);
                fputs("</li>\n", f);
            }
        fputs("</ul>\n", f);
    }
}

static void risk_factors(FILE *f, const rpt_vuln *v)
{
    if (!v->has_factors) { fputs("&#8212;", f); return; }
    bool any = false;
    for (int k = 0; k < RPT_RISK_NFACTORS; k++) {
        if (!v->factors[k]) continue;
        fprintf(f, "%s%s +%d", any ? ", " : "", rpt_risk_factor_name(k), v->factors[k]);
        any = true;
    }
    if (!any) fputs("none", f);
}

static void vulns_section(FILE *f, const rpt_report *r, unsigned n)
{
    fprintf(f, "<h3>Vulnerabilities (%u)</h3>\n", r->nvulns);
    if (!r->vulns_scanned) {
        fputs("<p>Not checked: no <code>--feeds</code> given, so no package was matched against a vulnerability feed.</p>\n", f);
        return;
    }
    if (!r->nvulns) { fputs("<p>None found in the feeds given.</p>\n", f); return; }
    fprintf(f, "<p>%u failing.</p>\n<div class=\"scroll\"><table class=\"sortable\" id=\"img-%u-vulns\"><thead><tr>"
               "<th scope=\"col\">ID</th><th scope=\"col\">Package</th><th scope=\"col\">Installed</th>"
               "<th scope=\"col\">Fixed in</th><th scope=\"col\">Severity</th><th scope=\"col\">CVSS</th>"
               "<th scope=\"col\">Risk</th><th scope=\"col\">Score factors</th><th scope=\"col\">Status</th>"
               "<th scope=\"col\">About</th></tr></thead><tbody>\n", r->vulns_failing, n);
    for (unsigned i = 0; i < r->nvulns && i < HTML_MAX_IMAGE_VULNS; i++) {
        const rpt_vuln *v = &r->vulns[i];
        fputs("<tr><td>", f);
        esc(f, v->id);
        fputs("</td><td>", f);
        esc(f, v->package);
        fputs("</td><td><code>", f);
        esc(f, v->version);
        fputs("</code></td><td>", f);
        if (v->fixed_version && *v->fixed_version) { fputs("<code>", f); esc(f, v->fixed_version); fputs("</code>", f); }
        else fputs("no fix", f);
        if (v->kb && *v->kb) { fputc(' ', f); esc(f, v->kb); }
        fprintf(f, "</td><td data-sort=\"%u\">", vuln_sev(v));
        sev_badge(f, vuln_sev(v), rpt_vuln_sev(v));
        fprintf(f, "</td><td>%.1f</td><td>%d</td><td>", v->cvss, v->risk);
        risk_factors(f, v);
        fputs("</td><td>", f);
        esc(f, rpt_status_name(v->status));
        fputs("</td><td>", f);
        esc(f, v->title);
        if (v->note && *v->note) { fputs(" <span class=\"muted\">(", f); esc(f, v->note); fputs(")</span>", f); }
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
    if (r->nvulns > HTML_MAX_IMAGE_VULNS)
        fprintf(f, "<p>&#8230; and %u more (the JSON report lists them all).</p>\n", r->nvulns - HTML_MAX_IMAGE_VULNS);
}

static void image_section(FILE *f, const rpt_report *r, unsigned n, int status, const char *label)
{
    const rpt_image *im = &r->image;
    image_open(f, n, status, label);
    fputs("<dl class=\"facts\">\n", f);
    fact(f, "File", im->file);
    fact(f, "Name", im->name);
    if (im->ntags > 1 || (im->ntags == 1 && (!im->name || strcmp(im->name, im->tags[0])))) {
        fputs("<dt>Tags</dt><dd>", f);
        for (unsigned i = 0; i < im->ntags; i++) { fputs(i ? ", " : "", f); esc(f, im->tags[i]); }
        fputs("</dd>\n", f);
    }
    fact(f, "ID", im->id);
    char os[256];
    snprintf(os, sizeof os, "%s%s%s", nz(im->os), im->os_version && *im->os_version ? " " : "", nz(im->os_version));
    fact(f, "OS", os);
    fact(f, "Architecture", im->architecture);
    fact(f, "Created", im->created);
    if (r->started > 0) {
        char stamp[32];
        struct tm tm;
        gmtime_r(&r->started, &tm);
        strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M UTC", &tm);
        fact(f, "Scanned", stamp);
    }
    fact(f, "Fails on", rpt_sev_name(r->fail_on));
    fputs("</dl>\n", f);
    config_section(f, im);
    history_section(f, im, n);
    findings_section(f, r, n);
    vulns_section(f, r, n);
    if (r->nnotes || !r->vulns_scanned) {
        fputs("<h3>Notes</h3>\n<ul>\n", f);
        for (unsigned i = 0; i < r->nnotes; i++) { fputs("<li>", f); esc(f, r->notes[i]); fputs("</li>\n", f); }
        if (!r->vulns_scanned) fputs("<li>" RPT_VULNS_NOT_CHECKED "</li>\n", f);
        fputs("</ul>\n", f);
    }
    fputs("<p class=\"top\"><a href=\"#overview\">Back to the overview</a></p>\n</section>\n", f);
}

/* ------------------------------------------------------------------ */
/* the set's parts                                                     */
/* ------------------------------------------------------------------ */

rpt_html *rpt_html_begin(FILE *f, const rpt_set_opts *o)
{
    rpt_html *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->out = f;
    if (o) h->o = *o;
    if (!h->o.expiring_days) h->o.expiring_days = 30;
    h->today = h->o.today ? h->o.today : (long)(time(NULL) / 86400);
    pal_arena_init(&h->arena, 0);
    if (!(h->body = tmpfile())) { pal_arena_free(&h->arena); free(h); return NULL; }
    /* the built-in frameworks always have their column, in this order */
    static const char *const builtin[] = {"cis_docker", "nist_800_190", "pci_dss", "hipaa", "gdpr"};
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++) fw_index(h, builtin[i]);
    return h;
}

static const char *label_of(const rpt_report *r)
{
    return r->image.name && *r->image.name ? r->image.name : r->image.file ? r->image.file : "image";
}

int rpt_html_add(rpt_html *h, const rpt_report *r)
{
    html_image *im = new_image(h);
    if (!im) return -1;
    im->label = arena_str(h, label_of(r));
    im->file = arena_str(h, nz(r->image.file));
    im->status = r->checks_errors ? RS_ERROR : r->passed ? RS_PASS : RS_FAIL;
    memcpy(im->fail_count, r->fail_count, sizeof im->fail_count);
    im->excepted = r->excepted_findings;
    im->vulns = r->nvulns;
    im->vulns_failing = r->vulns_failing;
    im->vulns_checked = r->vulns_scanned;
    im->checks = r->nchecks;
    im->checks_failed = r->checks_failed;
    h->any_vulns_checked = h->any_vulns_checked || r->vulns_scanned;
    rpt_fail_on_see(&h->fail_on, r->fail_on);
    aggregate(h, im, r);
    image_section(h->body, r, h->nimages, im->status, im->label);
    if (h->oom) return -1;
    return ferror(h->body) ? -1 : 0;
}

int rpt_html_add_error(rpt_html *h, const char *image, const char *error)
{
    html_image *im = new_image(h);
    if (!im) return -1;
    im->label = arena_str(h, nz(image));
    im->file = im->label;
    im->error = arena_str(h, nz(error));
    im->status = RS_ERROR;
    image_open(h->body, h->nimages, RS_ERROR, im->label);
    fputs("<p class=\"error\">Could not be scanned: ", h->body);
    esc(h->body, error);
    fputs("</p>\n<p class=\"top\"><a href=\"#overview\">Back to the overview</a></p>\n</section>\n", h->body);
    if (h->oom) return -1;
    return ferror(h->body) ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* the overview                                                        */
/* ------------------------------------------------------------------ */

static unsigned total_failing(const html_image *im)
{
    unsigned n = 0;
    for (int k = 0; k < 6; k++) n += im->fail_count[k];
    return n;
}

static void image_link(FILE *f, const rpt_html *h, unsigned i)
{
    fprintf(f, "<a href=\"#img-%u\">", i + 1);
    esc(f, h->images[i].label);
    fputs("</a>", f);
}

/* data-image rows and items: what the filter hides and shows */
static void image_attrs(FILE *f, const html_image *im)
{
    fprintf(f, " data-image=\"\" data-status=\"%s\" data-name=\"", status_word(im->status));
    esc(f, im->label);
    fputc('"', f);
}

static const rpt_html *sort_h;
static int cmp_image_findings(const void *a, const void *b)
{
    const html_image *x = &sort_h->images[*(const unsigned *)a], *y = &sort_h->images[*(const unsigned *)b];
    for (int k = SEV_CRITICAL; k >= SEV_NONE; k--)
        if (x->fail_count[k] != y->fail_count[k]) return x->fail_count[k] > y->fail_count[k] ? -1 : 1;
    return *(const unsigned *)a < *(const unsigned *)b ? -1 : 1;
}

/* The images in a chart: the HTML_CHART_ROWS with the most (and worst)
   findings, in that order; *n how many. */
static unsigned *chart_images(const rpt_html *h, unsigned *n)
{
    unsigned *order = malloc((h->nimages ? h->nimages : 1) * sizeof *order);
    if (!order) return NULL;
    for (unsigned i = 0; i < h->nimages; i++) order[i] = i;
    sort_h = h;
    qsort(order, h->nimages, sizeof *order, cmp_image_findings);
    *n = h->nimages < HTML_CHART_ROWS ? h->nimages : HTML_CHART_ROWS;
    return order;
}

#define CHART_W      800
#define CHART_LABEL  230
#define CHART_ROW    24
#define CHART_TOP    34

static void chart_open(FILE *f, const char *id, int height, const char *label)
{
    fprintf(f, "<figure class=\"chart\"><svg id=\"%s\" viewBox=\"0 0 %d %d\" width=\"100%%\" role=\"img\" aria-label=\"",
            id, CHART_W, height);
    esc(f, label);
    fprintf(f, "\" xmlns=\"http://www.w3.org/2000/svg\">\n");
}

static void chart_label(FILE *f, int y, const char *text)
{
    fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"lbl\" text-anchor=\"end\">", CHART_LABEL - 8, y + 16);
    esc_tail(f, text, HTML_LABEL_BYTES);
    fputs("</text>\n", f);
}

static void severity_chart(FILE *f, const rpt_html *h)
{
    unsigned n;
    unsigned *order = chart_images(h, &n);
    if (!order) return;
    unsigned max = 1;
    for (unsigned i = 0; i < n; i++) if (total_failing(&h->images[order[i]]) > max) max = total_failing(&h->images[order[i]]);
    int height = CHART_TOP + (int)n * CHART_ROW + 10;
    char label[160];
    snprintf(label, sizeof label, "Failing findings by severity for %u image%s; the table below has the numbers", n,
             n == 1 ? "" : "s");
    chart_open(f, "chart-severity", height, label);
    /* legend */
    int x = CHART_LABEL;
    for (int k = SEV_CRITICAL; k >= SEV_INFO; k--) {
        fprintf(f, "<rect x=\"%d\" y=\"6\" width=\"14\" height=\"14\" class=\"f-%s\"/><text x=\"%d\" y=\"18\" class=\"lbl\">%s</text>\n",
                x, sev_class((unsigned)k), x + 18, sev_title((unsigned)k));
        x += 100;
    }
    int width = CHART_W - CHART_LABEL - 50;
    for (unsigned i = 0; i < n; i++) {
        const html_image *im = &h->images[order[i]];
        int y = CHART_TOP + (int)i * CHART_ROW;
        chart_label(f, y, im->label);
        double bx = CHART_LABEL;
        for (int k = SEV_CRITICAL; k >= SEV_NONE; k--) {
            unsigned c = im->fail_count[k] + (k == SEV_INFO ? im->fail_count[SEV_NONE] : 0);
            if (k == SEV_NONE || !c) continue;
            double w = (double)c * width / max;
            fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" class=\"f-%s\"><title>", bx, y + 3, w,
                    CHART_ROW - 6, sev_class((unsigned)k));
            esc(f, im->label);
            fprintf(f, ": %u %s</title></rect>\n", c, sev_class((unsigned)k));
            bx += w;
        }
        if (im->status == RS_ERROR && im->error)
            fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"lbl\">error</text>\n", bx + 4, y + 16);
        else
            fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"lbl\">%u</text>\n", bx + 4, y + 16, total_failing(im));
    }
    fputs("</svg><figcaption>Failing findings per image, by severity", f);
    if (h->nimages > n) fprintf(f, " (the %u images with the most; the table lists all %u)", n, h->nimages);
    fputs(".</figcaption></figure>\n", f);
    free(order);
}

static void images_table(FILE *f, const rpt_html *h)
{
    fputs("<div class=\"scroll\"><table class=\"sortable\" id=\"t-images\"><caption>Images by failing findings per severity"
          "</caption><thead><tr><th scope=\"col\">Image</th><th scope=\"col\">Result</th><th scope=\"col\">Critical</th>"
          "<th scope=\"col\">High</th><th scope=\"col\">Medium</th><th scope=\"col\">Low</th><th scope=\"col\">Info</th>"
          "<th scope=\"col\">Excepted</th><th scope=\"col\">Checks failed</th><th scope=\"col\">Vulnerabilities failing</th>"
          "</tr></thead><tbody>\n", f);
    for (unsigned i = 0; i < h->nimages; i++) {
        const html_image *im = &h->images[i];
        fputs("<tr", f);
        image_attrs(f, im);
        fputs("><th scope=\"row\">", f);
        image_link(f, h, i);
        fprintf(f, "</th><td data-sort=\"%d\">", im->status == RS_FAIL ? 0 : im->status == RS_ERROR ? 1 : 2);
        badge(f, im->status);
        if (im->error) {
            fputs("</td><td colspan=\"8\">", f);
            esc(f, im->error);
            fputs("</td></tr>\n", f);
            continue;
        }
        fprintf(f, "</td><td>%u</td><td>%u</td><td>%u</td><td>%u</td><td>%u</td><td>%u</td><td>%u of %u</td><td>",
                im->fail_count[SEV_CRITICAL], im->fail_count[SEV_HIGH], im->fail_count[SEV_MEDIUM],
                im->fail_count[SEV_LOW], im->fail_count[SEV_INFO] + im->fail_count[SEV_NONE], im->excepted,
                im->checks_failed, im->checks);
        if (im->vulns_checked) fprintf(f, "%u of %u", im->vulns_failing, im->vulns);
        else fputs("not checked", f);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
}

/* A heat-map level from the share of failing controls: 0 none failing,
   1..4 up to a quarter, half, three quarters, more; -1 no control. */
static int heat_level(unsigned failing, unsigned total)
{
    if (!total) return -1;
    if (!failing) return 0;
    double share = (double)failing / total;
    return share <= 0.25 ? 1 : share <= 0.5 ? 2 : share <= 0.75 ? 3 : 4;
}

static void heat_text(FILE *f, unsigned failing, unsigned total)
{
    if (!total) fputs("no controls", f);
    else if (!failing) fprintf(f, "pass (%u)", total);
    else fprintf(f, "%u of %u fail", failing, total);
}

static void heat_map(FILE *f, const rpt_html *h)
{
    unsigned n;
    unsigned *order = chart_images(h, &n);
    if (!order) return;
    int colw = h->nfw ? (CHART_W - CHART_LABEL) / (int)h->nfw : 100;
    int height = CHART_TOP + (int)n * CHART_ROW + 10;
    char label[160];
    snprintf(label, sizeof label, "Framework controls failing per image, %u image%s by %u framework%s; the table below has "
             "the numbers", n, n == 1 ? "" : "s", h->nfw, h->nfw == 1 ? "" : "s");
    chart_open(f, "chart-frameworks", height, label);
    for (unsigned k = 0; k < h->nfw; k++) {
        fprintf(f, "<text x=\"%d\" y=\"22\" class=\"lbl\" text-anchor=\"middle\">", CHART_LABEL + (int)k * colw + colw / 2);
        esc_cut(f, fw_title(h->fw[k]), 16);
        fputs("</text>\n", f);
    }
    for (unsigned i = 0; i < n; i++) {
        const html_image *im = &h->images[order[i]];
        int y = CHART_TOP + (int)i * CHART_ROW;
        chart_label(f, y, im->label);
        for (unsigned k = 0; k < h->nfw; k++) {
            int lv = im->error ? -1 : heat_level(im->fw_failing[k], im->fw_total[k]);
            int x = CHART_LABEL + (int)k * colw;
            fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"heat h%s\"><title>", x + 1, y + 1,
                    colw - 2, CHART_ROW - 2, lv < 0 ? "na" : (const char *[]){"0", "1", "2", "3", "4"}[lv]);
            esc(f, im->label);
            fputs(", ", f);
            esc(f, fw_title(h->fw[k]));
            fputs(": ", f);
            if (im->error) fputs("could not be scanned", f);
            else heat_text(f, im->fw_failing[k], im->fw_total[k]);
            fprintf(f, "</title></rect><text x=\"%d\" y=\"%d\" class=\"cell h%st\" text-anchor=\"middle\">", x + colw / 2,
                    y + 16, lv < 0 ? "na" : (const char *[]){"0", "1", "2", "3", "4"}[lv]);
            if (im->error || !im->fw_total[k]) fputs("&#8212;", f);
            else if (!im->fw_failing[k]) fputs("pass", f);
            else fprintf(f, "%u/%u", im->fw_failing[k], im->fw_total[k]);
            fputs("</text>\n", f);
        }
    }
    fputs("</svg><figcaption>Controls failing per framework (failing of the controls the checks that ran map to)", f);
    if (h->nimages > n) fprintf(f, "; the %u images with the most findings, the table lists all %u", n, h->nimages);
    fputs(".</figcaption></figure>\n", f);
    free(order);

    fputs("<div class=\"scroll\"><table class=\"sortable heat-table\" id=\"t-frameworks\"><caption>Controls failing per "
          "framework</caption><thead><tr><th scope=\"col\">Image</th>", f);
    for (unsigned k = 0; k < h->nfw; k++) {
        fputs("<th scope=\"col\">", f);
        esc(f, fw_title(h->fw[k]));
        fputs("</th>", f);
    }
    fputs("</tr></thead><tbody>\n", f);
    for (unsigned i = 0; i < h->nimages; i++) {
        const html_image *im = &h->images[i];
        fputs("<tr", f);
        image_attrs(f, im);
        fputs("><th scope=\"row\">", f);
        image_link(f, h, i);
        fputs("</th>", f);
        for (unsigned k = 0; k < h->nfw; k++) {
            int lv = im->error ? -1 : heat_level(im->fw_failing[k], im->fw_total[k]);
            fprintf(f, "<td class=\"heat-td h%s\" data-sort=\"%u\">", lv < 0 ? "na" : (const char *[]){"0", "1", "2", "3", "4"}[lv],
                    im->error ? 0 : im->fw_failing[k]);
            if (im->error) fputs("error", f);
            else heat_text(f, im->fw_failing[k], im->fw_total[k]);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
}

static int cmp_check(const void *a, const void *b)
{
    const html_check *x = a, *y = b;
    if (x->images_failing != y->images_failing) return x->images_failing > y->images_failing ? -1 : 1;
    if (x->severity != y->severity) return x->severity > y->severity ? -1 : 1;
    if (x->findings != y->findings) return x->findings > y->findings ? -1 : 1;
    return strcmp(x->id, y->id);
}

static void top_checks(FILE *f, rpt_html *h)
{
    fputs("<h2 id=\"top-checks\">Top failing checks</h2>\n", f);
    if (!h->nchecks) { fputs("<p>No check failed on any image.</p>\n", f); return; }
    qsort(h->checks, h->nchecks, sizeof *h->checks, cmp_check);
    unsigned n = h->nchecks < HTML_TOP ? h->nchecks : HTML_TOP;
    unsigned max = h->checks[0].images_failing ? h->checks[0].images_failing : 1;
    int height = 10 + (int)n * CHART_ROW;
    char label[160];
    snprintf(label, sizeof label, "Images failing each of the %u checks that fail most; the table below has the numbers", n);
    chart_open(f, "chart-checks", height, label);
    int width = CHART_W - CHART_LABEL - 50;
    for (unsigned i = 0; i < n; i++) {
        const html_check *c = &h->checks[i];
        int y = 4 + (int)i * CHART_ROW;
        chart_label(f, y, c->id);
        double w = (double)c->images_failing * width / max;
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" class=\"f-%s\"><title>", CHART_LABEL, y + 3, w,
                CHART_ROW - 6, sev_class(c->severity));
        esc(f, c->id);
        fprintf(f, ": fails on %u image%s</title></rect><text x=\"%.1f\" y=\"%d\" class=\"lbl\">%u</text>\n",
                c->images_failing, c->images_failing == 1 ? "" : "s", CHART_LABEL + w + 4, y + 16, c->images_failing);
    }
    fputs("</svg><figcaption>Images each check fails on, coloured by the check's severity.</figcaption></figure>\n", f);
    fputs("<div class=\"scroll\"><table class=\"sortable\" id=\"t-checks\"><caption>Top failing checks</caption><thead><tr>"
          "<th scope=\"col\">Check</th><th scope=\"col\">Title</th><th scope=\"col\">Severity</th>"
          "<th scope=\"col\">Images failing</th><th scope=\"col\">Findings</th><th scope=\"col\">What to fix</th>"
          "</tr></thead><tbody>\n", f);
    for (unsigned i = 0; i < n; i++) {
        const html_check *c = &h->checks[i];
        fputs("<tr><td>", f);
        esc(f, c->id);
        fputs("</td><td>", f);
        esc(f, c->title);
        fprintf(f, "</td><td data-sort=\"%u\">", c->severity);
        sev_badge(f, c->severity, NULL);
        fprintf(f, "</td><td>%u</td><td>%u</td><td>", c->images_failing, c->findings);
        esc(f, c->remediation);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
    if (h->nchecks > n) fprintf(f, "<p>%u more checks fail on at least one image; each image's section lists them.</p>\n",
                                h->nchecks - n);
}

static int cmp_vuln(const void *a, const void *b)
{
    const html_vuln *x = a, *y = b;
    if (x->risk != y->risk) return x->risk > y->risk ? -1 : 1;
    if (x->sev != y->sev) return x->sev > y->sev ? -1 : 1;
    if (x->images != y->images) return x->images > y->images ? -1 : 1;
    int c = strcmp(x->id, y->id);
    return c ? c : strcmp(x->package, y->package);
}

static void top_vulns(FILE *f, rpt_html *h)
{
    fputs("<h2 id=\"top-vulns\">Top vulnerabilities by risk</h2>\n", f);
    if (!h->any_vulns_checked) {
        fputs("<p>Not checked: no image was scanned with <code>--feeds</code>.</p>\n", f);
        return;
    }
    if (!h->nvulns) { fputs("<p>None found in the feeds given.</p>\n", f); return; }
    qsort(h->vulns, h->nvulns, sizeof *h->vulns, cmp_vuln);
    unsigned n = h->nvulns < HTML_TOP ? h->nvulns : HTML_TOP;
    int height = 10 + (int)n * CHART_ROW;
    char label[160];
    snprintf(label, sizeof label, "Risk score of the %u riskiest vulnerabilities; the table below has the numbers", n);
    chart_open(f, "chart-vulns", height, label);
    int width = CHART_W - CHART_LABEL - 50;
    for (unsigned i = 0; i < n; i++) {
        const html_vuln *v = &h->vulns[i];
        int y = 4 + (int)i * CHART_ROW;
        char name[300];
        snprintf(name, sizeof name, "%s %s", v->id, v->package);
        chart_label(f, y, name);
        double w = (double)v->risk * width / 100.0;
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" class=\"f-%s\"><title>", CHART_LABEL, y + 3, w,
                CHART_ROW - 6, sev_class(v->sev));
        esc(f, name);
        fprintf(f, ": risk %d</title></rect><text x=\"%.1f\" y=\"%d\" class=\"lbl\">%d</text>\n", v->risk,
                CHART_LABEL + w + 4, y + 16, v->risk);
    }
    fputs("</svg><figcaption>Risk score (0 to 100), coloured by severity.</figcaption></figure>\n", f);
    fputs("<div class=\"scroll\"><table class=\"sortable\" id=\"t-vulns\"><caption>Top vulnerabilities by risk</caption>"
          "<thead><tr><th scope=\"col\">ID</th><th scope=\"col\">Package</th><th scope=\"col\">Installed</th>"
          "<th scope=\"col\">Fixed in</th><th scope=\"col\">Severity</th><th scope=\"col\">CVSS</th>"
          "<th scope=\"col\">Risk</th><th scope=\"col\">Images</th><th scope=\"col\">Failing on</th>"
          "</tr></thead><tbody>\n", f);
    for (unsigned i = 0; i < n; i++) {
        const html_vuln *v = &h->vulns[i];
        fputs("<tr><td>", f);
        esc(f, v->id);
        fputs("</td><td>", f);
        esc(f, v->package);
        fputs("</td><td><code>", f);
        esc(f, v->installed);
        fputs("</code></td><td>", f);
        if (*v->fixed) { fputs("<code>", f); esc(f, v->fixed); fputs("</code>", f); }
        else fputs("no fix", f);
        fprintf(f, "</td><td data-sort=\"%u\">", v->sev);
        sev_badge(f, v->sev, v->severity);
        fprintf(f, "</td><td>%.1f</td><td>%d%s</td><td>%u</td><td>%u</td></tr>\n", v->cvss, v->risk,
                v->exploit ? " (exploit known)" : "", v->images, v->failing);
    }
    fputs("</tbody></table></div>\n", f);
    if (h->nvulns > n) fprintf(f, "<p>%u more; each image's section lists its own.</p>\n", h->nvulns - n);
}

static int cmp_exc(const void *a, const void *b)
{
    const html_exc *x = a, *y = b;
    if (x->expired != y->expired) return x->expired ? -1 : 1;
    long dx = x->expires ? day_of(x->expires) : LONG_MAX, dy = y->expires ? day_of(y->expires) : LONG_MAX;
    if (dx != dy) return dx < dy ? -1 : 1;
    int c = strcmp(x->file, y->file);
    return c ? c : (x->line < y->line ? -1 : x->line > y->line);
}

static void exceptions_part(FILE *f, rpt_html *h)
{
    fputs("<h2 id=\"exceptions\">Exceptions</h2>\n", f);
    if (!h->nexcs) { fputs("<p>No exception matched a finding or vulnerability.</p>\n", f); return; }
    qsort(h->excs, h->nexcs, sizeof *h->excs, cmp_exc);
    unsigned expired = 0, soon = 0;
    for (unsigned i = 0; i < h->nexcs; i++) {
        long d = h->excs[i].expires ? day_of(h->excs[i].expires) : -1;
        if (h->excs[i].expired) expired++;
        else if (d >= 0 && d - h->today <= (long)h->o.expiring_days) soon++;
    }
    fprintf(f, "<p>%u exception%s matched: %u in force, of which %u expire%s within %u days; %u expired (their findings "
               "fail again).</p>\n", h->nexcs, h->nexcs == 1 ? "" : "s", h->nexcs - expired, soon, soon == 1 ? "s" : "",
            h->o.expiring_days, expired);
    fputs("<div class=\"scroll\"><table class=\"sortable\" id=\"t-exceptions\"><caption>Exceptions in force and expiring"
          "</caption><thead><tr><th scope=\"col\">ID</th><th scope=\"col\">Reason</th><th scope=\"col\">Expires</th>"
          "<th scope=\"col\">Status</th><th scope=\"col\">Findings</th><th scope=\"col\">Vulnerabilities</th>"
          "<th scope=\"col\">Images</th><th scope=\"col\">Where</th></tr></thead><tbody>\n", f);
    for (unsigned i = 0; i < h->nexcs; i++) {
        const html_exc *e = &h->excs[i];
        long d = e->expires ? day_of(e->expires) : -1;
        fputs("<tr><td>", f);
        esc(f, e->id);
        fputs("</td><td>", f);
        esc(f, e->reason);
        fputs("</td><td>", f);
        esc(f, e->expires ? e->expires : "never");
        if (e->expired) fputs("</td><td data-sort=\"0\" class=\"exc-expired\">expired: fails again", f);
        else if (d >= 0 && d - h->today <= (long)h->o.expiring_days)
            fprintf(f, "</td><td data-sort=\"1\" class=\"exc-soon\">expiring soon (in %ld day%s)", d - h->today,
                    d - h->today == 1 ? "" : "s");
        else fputs("</td><td data-sort=\"2\">in force", f);
        fprintf(f, "</td><td>%u</td><td>%u</td><td>%u</td><td>", e->findings, e->vulns, e->images);
        esc(f, e->file);
        fprintf(f, ":%u</td></tr>\n", e->line);
    }
    fputs("</tbody></table></div>\n", f);
}

/* ------------------------------------------------------------------ */
/* the page                                                            */
/* ------------------------------------------------------------------ */

static const char style[] =
    ":root{--fg:#1a1a1a;--muted:#555;--line:#c8c8c8;--bg:#fff;--head:#f2f2f2}"
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:var(--fg);"
    "background:var(--bg);margin:0 auto;padding:0 16px 40px;max-width:1200px}"
    "h1{font-size:1.6em;margin:.8em 0 .2em}h2{font-size:1.3em;margin:1.6em 0 .4em;border-bottom:2px solid var(--line)}"
    "h3{font-size:1.1em;margin:1.2em 0 .3em}h4{font-size:1em;margin:1em 0 .3em}"
    "code{font-family:'DejaVu Sans Mono',Consolas,monospace;font-size:.92em;background:#f4f4f4;padding:0 2px;"
    "overflow-wrap:anywhere}"
    ".wrap{white-space:pre-wrap}.muted{color:var(--muted)}.warn{color:#8a3b00}.error{color:#8a1c00;font-weight:600}"
    "table{border-collapse:collapse;margin:.4em 0 1em;min-width:50%}"
    "caption{text-align:left;font-weight:600;padding:.2em 0}"
    "th,td{border:1px solid var(--line);padding:4px 7px;text-align:left;vertical-align:top;overflow-wrap:anywhere}"
    "thead th{background:var(--head);white-space:nowrap}th button{font:inherit;font-weight:600;background:none;border:0;padding:0;"
    "cursor:pointer;color:inherit;text-align:left}th button::after{content:' \\2195';color:var(--muted)}"
    "th[aria-sort=ascending] button::after{content:' \\2191'}th[aria-sort=descending] button::after{content:' \\2193'}"
    ".scroll{overflow-x:auto}ul.plain{margin:0;padding-left:1.1em}"
    ".badge,.sev{display:inline-block;padding:0 6px;border-radius:3px;font-size:.85em;font-weight:700;letter-spacing:.02em}"
    ".b-pass{background:#1b7837;color:#fff}.b-fail{background:#b2182b;color:#fff}.b-error{background:#4d4d4d;color:#fff}"
    ".s-critical{background:#882255;color:#fff}.s-high{background:#cc3311;color:#fff}.s-medium{background:#ee7733;color:#000}"
    ".s-low{background:#0077bb;color:#fff}.s-info{background:#bbbbbb;color:#000}"
    ".f-critical{fill:#882255}.f-high{fill:#cc3311}.f-medium{fill:#ee7733}.f-low{fill:#0077bb}.f-info{fill:#bbbbbb}"
    ".h0{fill:#d9efe9}.h1{fill:#fdd0a2}.h2{fill:#fdae6b}.h3{fill:#f16913}.h4{fill:#a63603}.hna{fill:#eeeeee}"
    ".heat{stroke:#fff}.cell{font-size:12px}.h4t{fill:#fff}.h0t,.h1t,.h2t,.h3t,.hnat{fill:#000}"
    "td.h0{background:#d9efe9}td.h1{background:#fdd0a2}td.h2{background:#fdae6b}td.h3{background:#f16913}"
    "td.h4{background:#a63603;color:#fff}td.hna{background:#eeeeee}"
    ".exc-expired{background:#f4c7c3}.exc-soon{background:#fdd0a2}"
    "svg text.lbl{font-size:12px;fill:#1a1a1a}figure.chart{margin:.6em 0;overflow-x:auto}figure.chart svg{min-width:560px}figcaption{color:var(--muted);font-size:.9em}"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:.4em 0}dl.facts dt{font-weight:600}"
    "dl.facts dd{margin:0;overflow-wrap:anywhere}"
    "nav ol{columns:3 16em;padding-left:1.5em}.controls{margin:.6em 0;padding:8px;background:var(--head);"
    "display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center}.controls input{min-width:14em}"
    "[hidden]{display:none!important}section.image{margin-top:2em}p.top{font-size:.9em}"
    "@media (max-width:600px){body{font-size:14px;padding:0 8px 24px}nav ol{columns:1}table{min-width:0}}"
    "@media print{.controls,p.top{display:none!important}section.image{break-before:page}"
    "tr,figure{break-inside:avoid}a{color:inherit;text-decoration:none}body{max-width:none}}";

/* Sorting and filtering only; the page reads the same without it. */
static const char script[] =
    "(function(){'use strict';"
    "function val(td){var v=td.getAttribute('data-sort');if(v===null)v=td.textContent.trim();"
    "return /^-?[0-9]+(\\.[0-9]+)?$/.test(v)?parseFloat(v):v.toLowerCase();}"
    "function sortBy(t,i,th){var asc=th.getAttribute('aria-sort')!=='ascending';"
    "Array.prototype.forEach.call(t.tHead.rows[0].cells,function(c){c.removeAttribute('aria-sort');});"
    "th.setAttribute('aria-sort',asc?'ascending':'descending');var b=t.tBodies[0];"
    "var rows=Array.prototype.slice.call(b.rows).map(function(r,k){return [r,k];});"
    "rows.sort(function(x,y){var a=x[0].cells[i],c=y[0].cells[i];if(!a||!c)return x[1]-y[1];"
    "var p=val(a),q=val(c);if(p<q)return asc?-1:1;if(p>q)return asc?1:-1;return x[1]-y[1];});"
    "rows.forEach(function(r){b.appendChild(r[0]);});}"
    "document.querySelectorAll('table.sortable').forEach(function(t){if(!t.tHead||!t.tBodies[0])return;"
    "Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,i){var b=document.createElement('button');"
    "b.type='button';b.textContent=th.textContent;th.textContent='';th.appendChild(b);"
    "b.addEventListener('click',function(){sortBy(t,i,th);});});});"
    "var box=document.getElementById('controls'),q=document.getElementById('q'),st=document.getElementById('st'),"
    "out=document.getElementById('shown');if(!box)return;box.hidden=false;"
    "function apply(){var text=q.value.toLowerCase(),s=st.value,n=0;"
    "document.querySelectorAll('section[data-image]').forEach(function(el){"
    "var ok=(!s||el.getAttribute('data-status')===s)&&(!text||el.getAttribute('data-name').toLowerCase().indexOf(text)>=0);"
    "el.hidden=!ok;if(ok)n++;});"
    "document.querySelectorAll('tr[data-image],li[data-image]').forEach(function(el){"
    "el.hidden=!((!s||el.getAttribute('data-status')===s)&&(!text||el.getAttribute('data-name').toLowerCase().indexOf(text)>=0));});"
    "out.textContent=n+' shown';}"
    "q.addEventListener('input',apply);st.addEventListener('change',apply);apply();})();";

static void csp_hash(const char *text, char *out, size_t cap)
{
    unsigned char sum[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(sum, (const unsigned char *)text, strlen(text));
    sodium_bin2base64(out, cap, sum, sizeof sum, sodium_base64_VARIANT_ORIGINAL);
}

static void page_head(FILE *f, const rpt_html *h, const char *title)
{
    char sh[64], jh[64];
    csp_hash(style, sh, sizeof sh);
    csp_hash(script, jh, sizeof jh);
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-%s'; "
               "script-src 'sha256-%s'; img-src 'none'; base-uri 'none'; form-action 'none'\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<meta name=\"generator\" content=\"palisade %s\">\n<title>", sh, jh, PALISADE_VERSION);
    esc(f, title);
    fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n", style);
    (void)h;
}

static void page_header(FILE *f, const rpt_html *h, const char *title)
{
    unsigned passed = 0, failed = 0, errors = 0;
    for (unsigned i = 0; i < h->nimages; i++) {
        if (h->images[i].status == RS_PASS) passed++;
        else if (h->images[i].status == RS_FAIL) failed++;
        else errors++;
    }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char stamp[40];
    strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M UTC", &tm);
    fputs("<header id=\"overview\">\n<h1>", f);
    esc(f, title);
    fputs("</h1>\n<p class=\"lead\" id=\"verdict\">", f);
    badge(f, errors ? RS_ERROR : failed ? RS_FAIL : RS_PASS);
    fprintf(f, " %u image%s: <span id=\"n-passed\">%u</span> passed, <span id=\"n-failed\">%u</span> failed, "
               "<span id=\"n-errors\">%u</span> with errors; fails on %s and above. Generated %s by palisade %s.</p>\n",
            h->nimages, h->nimages == 1 ? "" : "s", passed, failed, errors,
            h->fail_on.mixed ? "(mixed)" : rpt_fail_on_label(&h->fail_on), stamp, PALISADE_VERSION);
    fputs("</header>\n", f);
    fputs("<div id=\"controls\" class=\"controls\" hidden><label for=\"q\">Filter images</label>"
          "<input id=\"q\" type=\"search\" placeholder=\"name or file\">"
          "<label for=\"st\">Result</label><select id=\"st\"><option value=\"\">all</option>"
          "<option value=\"fail\">failing</option><option value=\"pass\">passing</option>"
          "<option value=\"error\">errors</option></select><span id=\"shown\" aria-live=\"polite\"></span></div>\n", f);
    fputs("<nav aria-label=\"Contents\"><h2>Contents</h2><p><a href=\"#sev\">Images by severity</a> &#183; "
          "<a href=\"#frameworks\">Frameworks</a> &#183; <a href=\"#top-checks\">Top failing checks</a> &#183; "
          "<a href=\"#top-vulns\">Top vulnerabilities</a> &#183; <a href=\"#exceptions\">Exceptions</a></p><ol>\n", f);
    for (unsigned i = 0; i < h->nimages; i++) {
        fputs("<li", f);
        image_attrs(f, &h->images[i]);
        fputc('>', f);
        image_link(f, h, i);
        fputc(' ', f);
        badge(f, h->images[i].status);
        fputs("</li>\n", f);
    }
    fputs("</ol></nav>\n", f);
}

/* Copies the staged image sections into the page. */
static int copy_body(rpt_html *h)
{
    if (fflush(h->body) != 0 || fseek(h->body, 0, SEEK_SET) != 0) return -1;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, h->body)) > 0)
        if (fwrite(buf, 1, n, h->out) != n) return -1;
    return ferror(h->body) ? -1 : 0;
}

static void html_free(rpt_html *h)
{
    if (h->body) fclose(h->body);
    free(h->images);
    free(h->checks);
    free(h->vulns);
    free(h->excs);
    pal_arena_free(&h->arena);
    free(h);
}

int rpt_html_end(rpt_html *h)
{
    FILE *f = h->out;
    char title[512];
    if (h->o.title) snprintf(title, sizeof title, "%s", h->o.title);
    else if (h->nimages == 1) snprintf(title, sizeof title, "palisade: %s", h->images[0].label);
    else snprintf(title, sizeof title, "palisade: %u images", h->nimages);
    page_head(f, h, title);
    page_header(f, h, title);
    fputs("<main>\n<h2 id=\"sev\">Images by severity</h2>\n", f);
    severity_chart(f, h);
    images_table(f, h);
    fputs("<h2 id=\"frameworks\">Frameworks</h2>\n", f);
    heat_map(f, h);
    top_checks(f, h);
    top_vulns(f, h);
    exceptions_part(f, h);
    int rc = copy_body(h);
    fprintf(f, "</main>\n<script>%s</script>\n</body>\n</html>\n", script);
    if (h->oom || ferror(f)) rc = -1;
    html_free(h);
    return rc;
}

void rpt_html_abort(rpt_html *h)
{
    if (h) html_free(h);
}

int rpt_write_html(const rpt_report *r, FILE *f)
{
    rpt_html *h = rpt_html_begin(f, NULL);
    if (!h) return -1;
    if (rpt_html_add(h, r) != 0) { rpt_html_abort(h); return -1; }
    return rpt_html_end(h);
}
