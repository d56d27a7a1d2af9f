/*
 * scan.c — pal_scan_run: the checks known, framework references, the
 * selection, the report's checks, exceptions, feeds, the image read and
 * described, vulnerabilities matched, checks run, notes.  See scan.h for
 * the design; the order below is the order of a scan.
 *
 * Everything found goes into the report model (report.h), which settles
 * pass/fail once for every format.  Errors are written to the scan's err
 * buffer by the step that finds them (scan_fail) and end the scan;
 * warnings and progress go to the caller's callbacks.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/stat.h>
#include <cJSON.h>
#include "engine/scan/scan.h"
#include "engine/sbom/sbom.h"
#include "engine/scan/frameworks.h"
#include "engine/scan/exceptions.h"
#include "engine/base/err.h"
#include "engine/base/limits.h"
#include "engine/core/match.h"
#include "engine/core/schema.h"
#include "engine/decode/decode.h"
#include "engine/inventory/inventory.h"
#include "engine/runtime/checks.h"
#include "engine/vm/vm.h"
#include "engine/vuln/vuln.h"

#define SCAN_MAX_NAMES 65u   /* the image's name and up to 64 tags, for exceptions */

/* One program with its VM (made when the checks run). */
typedef struct scan_prog {
    const pal_scan_program *in;
    pal_vm *vm;
} scan_prog;

/* One check known to the scan, selected or not. */
typedef struct scan_check {
    unsigned prog;
    uint32_t rule;
    const char *id;
    bool selected;
    rpt_fwref *fw;
    unsigned nfw, capfw;
} scan_check;

/* What vulnerability matching keeps: the feeds and allow list for the
   whole run, the matches of the image being scanned. */
typedef struct vuln_state {
    pal_feeds *feeds;
    pal_allowlist *allow;
    pal_vuln_list list;
    bool matched;
} vuln_state;

/* The scanner: everything but the image is set up once (pal_scanner_new)
   and reused for each image; the fields under "this image" are reset by
   every pal_scanner_scan. */
struct pal_scanner {
    const pal_scan_opts *o;
    const char *framework;         /* o->framework as a framework key */
    pal_arena arena;               /* framework references and setup notes: the scanner's */
    scan_prog *progs;
    unsigned nprogs;
    scan_check *checks;
    unsigned nchecks;
    unsigned *by_id;               /* check indices sorted by id */
    pal_frameworks fws;
    pal_exceptions exc;
    bool have_exc;
    vuln_state vs;
    unsigned fail_on;              /* SEV_* */
    uint8_t sbom_fields[PAL_FIELDS_BITMAP];   /* --sbom: the image fields an SBOM has (pal_sbom_image_fields) */
    const char **setup_notes;      /* notes every report gets (feed and allow-list problems) */
    unsigned nsetup_notes, cap_setup_notes;
    /* this image */
    const char *image;
    rpt_report *rpt;
    unsigned *rpt_of;              /* scan check -> report check index (or UINT32_MAX) */
    const char *names[SCAN_MAX_NAMES];   /* the image's name and tags */
    unsigned nnames;
    bool windows;
    char *err;
    size_t errcap;
};
typedef struct pal_scanner scan;

static int scan_fail(scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int scan_fail(scan *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pal_set_errv(s->err, s->errcap, fmt, ap);
    va_end(ap);
    return -1;
}

/* A warning or a progress line, formatted, to the caller's callback. */
static void tell(const scan *s, void (*fn)(void *, const char *), const char *fmt, va_list ap)
{
    if (!fn) return;
    char text[2048];
    vsnprintf(text, sizeof text, fmt, ap);
    fn(s->o->user, text);
}

static void warn(const scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(const scan *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tell(s, s->o->warning, fmt, ap);
    va_end(ap);
}

static void progress(const scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void progress(const scan *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tell(s, s->o->progress, fmt, ap);
    va_end(ap);
}

/* A copy in the scanner's arena (strings every image's report copies again). */
static const char *scanner_str(scan *s, const char *str)
{
    return str ? pal_arena_strndup(&s->arena, str, strlen(str)) : NULL;
}

/* A note for every image's report, found while setting up (the feeds). */
static void setup_note(scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void setup_note(scan *s, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (s->nsetup_notes == s->cap_setup_notes) {
        unsigned cap = s->cap_setup_notes ? s->cap_setup_notes * 2 : 8;
        const char **n = realloc(s->setup_notes, cap * sizeof *n);
        if (!n) return;
        s->setup_notes = n;
        s->cap_setup_notes = cap;
    }
    const char *copy = scanner_str(s, text);
    if (copy) s->setup_notes[s->nsetup_notes++] = copy;
}

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ------------------------------------------------------------------ */
/* the checks known                                                    */
/* ------------------------------------------------------------------ */

static const char *meta(const pal_program *p, const pal_rule *r, const char *key)
{
    for (uint32_t i = 0; i < r->nmeta; i++) {
        const pal_meta *m = &p->meta[r->meta_first + i];
        if (!strcmp(pal_program_str(p, m->key), key)) return pal_program_str(p, m->value);
    }
    return NULL;
}

static const pal_program *prog_of(const scan *s, const scan_check *c) { return s->progs[c->prog].in->program; }

static const scan *sort_scan;
static int cmp_check_id(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    int c = strcmp(sort_scan->checks[x].id, sort_scan->checks[y].id);
    return c ? c : (x < y ? -1 : x > y);
}

static int find_check(const scan *s, const char *id)
{
    size_t lo = 0, hi = s->nchecks;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->checks[s->by_id[mid]].id, id);
        if (c == 0) return (int)s->by_id[mid];
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return -1;
}

/* Where a check is written: checks/FILE for the built-ins ("(built-in)"
   added when `tagged`, for messages that compare two places), DIR/FILE
   under a --policy directory, the .pal file given, FILE (in BUNDLE) for a
   bundle. */
static void source_of(const scan *s, unsigned ci, bool tagged, char *out, size_t cap)
{
    const scan_check *c = &s->checks[ci];
    const pal_program *p = prog_of(s, c);
    const pal_rule *r = &p->rules[c->rule];
    const char *origin = s->progs[c->prog].in->origin, *file = pal_program_str(p, r->src_file);
    size_t ol = strlen(origin);
    struct stat st;
    if (s->progs[c->prog].in->builtin)
        snprintf(out, cap, "checks/%s:%u%s", file, r->src_line, tagged ? " (built-in)" : "");
    else if (ol > 4 && !strcmp(origin + ol - 4, ".pal"))
        snprintf(out, cap, "%s:%u", origin, r->src_line);
    else if (stat(origin, &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(out, cap, "%s%s%s:%u", origin, ol && origin[ol - 1] == '/' ? "" : "/", file, r->src_line);
    else
        snprintf(out, cap, "%s:%u (in %s)", file, r->src_line, origin);
}

static bool is_image_check(const pal_rule *r) { return r->kind == PR_CHECK && r->root == PS_IMAGE; }

/* Every image check of every program, and its ID unique across them. */
static int collect_checks(scan *s)
{
    unsigned total = 0;
    for (unsigned k = 0; k < s->nprogs; k++) {
        const pal_program *p = s->progs[k].in->program;
        unsigned here = 0;
        for (uint32_t i = 0; i < p->nrules; i++) here += is_image_check(&p->rules[i]);
        if (!here && !s->progs[k].in->builtin)
            warn(s, "warning: %s holds no checks (only runtime rules?)", s->progs[k].in->origin);
        total += here;
    }
    s->checks = calloc(total ? total : 1, sizeof *s->checks);
    s->by_id = calloc(total ? total : 1, sizeof *s->by_id);
    if (!s->checks || !s->by_id) return scan_fail(s, "out of memory");
    for (unsigned k = 0; k < s->nprogs; k++) {
        const pal_program *p = s->progs[k].in->program;
        for (uint32_t i = 0; i < p->nrules; i++)
            if (is_image_check(&p->rules[i])) {
                s->checks[s->nchecks] = (scan_check){k, i, pal_program_str(p, p->rules[i].name), true, NULL, 0, 0};
                s->by_id[s->nchecks] = s->nchecks;
                s->nchecks++;
            }
    }
    sort_scan = s;
    qsort(s->by_id, s->nchecks, sizeof *s->by_id, cmp_check_id);
    for (unsigned i = 1; i < s->nchecks; i++) {
        unsigned a = s->by_id[i - 1], b = s->by_id[i];
        if (strcmp(s->checks[a].id, s->checks[b].id) != 0) continue;
        char wa[1024], wb[1024];
        source_of(s, a, true, wa, sizeof wa);
        source_of(s, b, true, wb, sizeof wb);
        return scan_fail(s, "check ID '%s' is defined twice: %s and %s; give yours another ID "
                            "(or run only yours with --no-builtin)", s->checks[a].id, wa, wb);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* frameworks                                                          */
/* ------------------------------------------------------------------ */

static int add_fwref(scan *s, scan_check *c, const char *fw, const char *control, const char *title)
{
    for (unsigned i = 0; i < c->nfw; i++)
        if (!strcmp(c->fw[i].framework, fw) && !strcmp(c->fw[i].control, control)) {
            if (title && *title && !(c->fw[i].title && *c->fw[i].title)) c->fw[i].title = scanner_str(s, title);
            return 0;
        }
    if (c->nfw == c->capfw) {
        unsigned cap = c->capfw ? c->capfw * 2 : 4;
        rpt_fwref *n = realloc(c->fw, cap * sizeof *n);
        if (!n) return -1;
        c->fw = n;
        c->capfw = cap;
    }
    c->fw[c->nfw++] = (rpt_fwref){scanner_str(s, fw), scanner_str(s, control), title ? scanner_str(s, title) : NULL};
    if (!c->fw[c->nfw - 1].framework || !c->fw[c->nfw - 1].control) return -1;
    return 0;
}

static const pal_fw_control *control_of(const pal_framework *fw, const char *id)
{
    for (unsigned i = 0; fw && i < fw->ncontrols; i++)
        if (!strcmp(fw->controls[i].id, id)) return &fw->controls[i];
    return NULL;
}

static int read_frameworks(scan *s)
{
    char err[1024];
    pal_frameworks_init(&s->fws);
    for (unsigned i = 0; i < s->o->nframework_files; i++) {
        const pal_scan_file *f = &s->o->framework_files[i];
        if (pal_frameworks_add(&s->fws, f->path, f->data, f->len, false, err, sizeof err) != 0)
            return scan_fail(s, "the built-in framework file %s; this is a bug", err);
    }
    if (s->o->frameworks_dir && pal_frameworks_add_dir(&s->fws, s->o->frameworks_dir, err, sizeof err) != 0)
        return scan_fail(s, "%s", err);
    return 0;
}

/* Each check's references: its own `frameworks` meta, then every control
   of every framework file that lists it. */
static int map_frameworks(scan *s)
{
    for (unsigned i = 0; i < s->nchecks; i++) {
        scan_check *c = &s->checks[i];
        const pal_program *p = prog_of(s, c);
        const pal_rule *r = &p->rules[c->rule];
        for (uint32_t k = 0; k < r->nmeta; k++) {
            const char *key = pal_program_str(p, p->meta[r->meta_first + k].key);
            if (strncmp(key, "frameworks.", 11) != 0) continue;
            const char *ctl = pal_program_str(p, p->meta[r->meta_first + k].value);
            const pal_fw_control *fc = control_of(pal_frameworks_find(&s->fws, key + 11), ctl);
            if (add_fwref(s, c, key + 11, ctl, fc ? fc->title : NULL) != 0) return scan_fail(s, "out of memory");
        }
    }
    for (unsigned f = 0; f < s->fws.n; f++) {
        const pal_framework *fw = &s->fws.fw[f];
        for (unsigned k = 0; k < fw->ncontrols; k++)
            for (unsigned j = 0; j < fw->controls[k].nchecks; j++) {
                int ci = find_check(s, fw->controls[k].checks[j]);
                if (ci < 0) {
                    /* the built-in files may name checks --no-builtin left out */
                    if (fw->user)
                        warn(s, "warning: %s:%u: control %s lists %s, which no loaded check has", fw->file,
                             fw->controls[k].line, fw->controls[k].id, fw->controls[k].checks[j]);
                    continue;
                }
                if (add_fwref(s, &s->checks[ci], fw->key, fw->controls[k].id, fw->controls[k].title) != 0)
                    return scan_fail(s, "out of memory");
            }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* the selection                                                       */
/* ------------------------------------------------------------------ */

/* --framework may name the file too: cis_docker_1.6 -> cis_docker. */
static const char *framework_key(const scan *s, const char *name)
{
    const char *key = name;
    for (unsigned f = 0; f < s->fws.n; f++) {
        const char *base = strrchr(s->fws.fw[f].file, '/');
        base = base ? base + 1 : s->fws.fw[f].file;
        size_t bl = strcspn(base, ".");
        const char *dotyaml = strstr(base, ".yaml");
        if (dotyaml) bl = (size_t)(dotyaml - base);
        if (strlen(name) == bl && !strncmp(base, name, bl)) key = s->fws.fw[f].key;
    }
    return key;
}

/* An unknown --framework: the error lists every framework a file or a check names. */
static int unknown_framework(scan *s)
{
    char list[2048];
    size_t len = 0;
    list[0] = 0;
    const char *seen[512];
    unsigned nseen = 0;
    for (unsigned f = 0; f < s->fws.n && nseen < 512; f++) seen[nseen++] = s->fws.fw[f].key;
    for (unsigned i = 0; i < s->nchecks; i++)
        for (unsigned k = 0; k < s->checks[i].nfw && nseen < 512; k++) {
            bool dup = false;
            for (unsigned j = 0; j < nseen && !dup; j++) dup = !strcmp(seen[j], s->checks[i].fw[k].framework);
            if (!dup) seen[nseen++] = s->checks[i].fw[k].framework;
        }
    for (unsigned j = 0; j < nseen && len < sizeof list; j++) {
        int w = snprintf(list + len, sizeof list - len, "%s%s", j ? ", " : "", seen[j]);
        if (w < 0) break;
        len += (size_t)w;
    }
    return scan_fail(s, "unknown framework '%s'; known: %s", s->o->framework, nseen ? list : "(none)");
}

/* --framework and --disable */
static int select_checks(scan *s)
{
    if (s->o->framework) {
        const char *key = framework_key(s, s->o->framework);
        bool known = pal_frameworks_find(&s->fws, key) != NULL;
        unsigned n = 0;
        for (unsigned i = 0; i < s->nchecks; i++) {
            scan_check *c = &s->checks[i];
            bool in = false;
            for (unsigned k = 0; k < c->nfw && !in; k++) in = !strcmp(c->fw[k].framework, key);
            c->selected = in;
            n += in;
            known = known || in;
        }
        if (!known) return unknown_framework(s);
        if (!n) warn(s, "warning: no check maps to framework '%s'", key);
        s->framework = key;
    }
    for (unsigned i = 0; i < s->o->ndisable; i++) {
        int ci = find_check(s, s->o->disable[i]);
        for (unsigned k = 0; ci < 0 && k < s->nchecks; k++)   /* pal-0041 for PAL-0041: say so */
            if (!strcasecmp(s->checks[k].id, s->o->disable[i]))
                return scan_fail(s, "--disable %s: no check has that ID; did you mean %s? (IDs are case-sensitive)",
                                 s->o->disable[i], s->checks[k].id);
        if (ci < 0)
            return scan_fail(s, "--disable %s: no check has that ID (IDs look like PAL-0041; "
                                "palisade scan --format json lists the checks that ran)", s->o->disable[i]);
        s->checks[ci].selected = false;
    }
    return 0;
}

/* The `tag` metadata of a check, in the report. */
static int report_tags(scan *s, rpt_check *rc, const pal_program *p, const pal_rule *r)
{
    unsigned ntags = 0;
    for (uint32_t k = 0; k < r->nmeta; k++) ntags += !strcmp(pal_program_str(p, p->meta[r->meta_first + k].key), "tag");
    if (!ntags) return 0;
    rc->tags = pal_arena_alloc(&s->rpt->arena, ntags * sizeof *rc->tags);
    if (!rc->tags) return scan_fail(s, "out of memory");
    for (uint32_t k = 0; k < r->nmeta; k++)
        if (!strcmp(pal_program_str(p, p->meta[r->meta_first + k].key), "tag"))
            rc->tags[rc->ntags++] = rpt_str(s->rpt, pal_program_str(p, p->meta[r->meta_first + k].value));
    return 0;
}

/* The report's entry for each selected check, in program order (for each
   image: the report owns copies of everything it points to). */
static int build_report_checks(scan *s)
{
    for (unsigned i = 0; i < s->nchecks; i++) {
        scan_check *c = &s->checks[i];
        s->rpt_of[i] = UINT32_MAX;
        if (!c->selected) continue;
        const pal_program *p = prog_of(s, c);
        const pal_rule *r = &p->rules[c->rule];
        rpt_check *rc = rpt_add_check(s->rpt);
        if (!rc) return scan_fail(s, "out of memory");
        s->rpt_of[i] = s->rpt->nchecks - 1;
        rc->id = rpt_str(s->rpt, c->id);
        rc->title = rpt_str(s->rpt, meta(p, r, "title"));
        rc->description = rpt_str(s->rpt, meta(p, r, "description"));
        rc->rationale = rpt_str(s->rpt, meta(p, r, "rationale"));
        rc->remediation = rpt_str(s->rpt, meta(p, r, "remediation"));
        char src[1024];
        source_of(s, i, false, src, sizeof src);
        rc->source = rpt_str(s->rpt, src);
        rc->severity = r->noutcomes ? p->outcomes[r->outcome_first].severity : SEV_MEDIUM;
        if (c->nfw) {
            rc->fw = pal_arena_alloc(&s->rpt->arena, c->nfw * sizeof *rc->fw);
            if (!rc->fw) return scan_fail(s, "out of memory");
            for (unsigned k = 0; k < c->nfw; k++)
                rc->fw[k] = (rpt_fwref){rpt_str(s->rpt, c->fw[k].framework), rpt_str(s->rpt, c->fw[k].control),
                                        rpt_str(s->rpt, c->fw[k].title)};
            rc->nfw = c->nfw;
        }
        if (report_tags(s, rc, p, r) != 0) return -1;
    }
    return 0;
}

static int read_exceptions(scan *s)
{
    if (!s->o->exceptions) return 0;
    char err[1024];
    long today = s->o->today ? s->o->today : (long)(time(NULL) / 86400);
    if (pal_exceptions_load(&s->exc, s->o->exceptions, today, err, sizeof err) != 0)
        return scan_fail(s, "%s", err);   /* names the file */
    s->have_exc = true;
    return 0;
}

/* ------------------------------------------------------------------ */
/* the image                                                           */
/* ------------------------------------------------------------------ */

static const char *json_str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* A list of the config (strings, or the `key` of objects), bounded by
   RPT_MAX_LIST; what is left out is counted. */
static int config_list(scan *s, const cJSON *arr, const char *key, rpt_strlist *out, unsigned *omitted)
{
    int n = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;
    if (n <= 0) return 0;
    unsigned keep = (unsigned)n < RPT_MAX_LIST ? (unsigned)n : RPT_MAX_LIST;
    *omitted += (unsigned)n - keep;
    if (!(out->v = pal_arena_alloc(&s->rpt->arena, keep * sizeof *out->v))) return scan_fail(s, "out of memory");
    const cJSON *e;
    cJSON_ArrayForEach(e, arr) {
        if (out->n == keep) break;
        const char *v = key ? json_str(e, key) : cJSON_IsString(e) ? e->valuestring : NULL;
        if (v) out->v[out->n++] = rpt_str_cut(s->rpt, v, RPT_MAX_CONFIG_BYTES);
    }
    return 0;
}

/* The config and history, as the report shows them (env: names only). */
static int describe_config(scan *s, const cJSON *im)
{
    rpt_image *ri = &s->rpt->image;
    rpt_config *c = &ri->config;
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(im, "config");
    ri->created = rpt_str_cut(s->rpt, json_str(im, "created"), RPT_MAX_CONFIG_BYTES);
    c->known = true;
    c->user = rpt_str_cut(s->rpt, json_str(cfg, "user"), RPT_MAX_CONFIG_BYTES);
    c->working_dir = rpt_str_cut(s->rpt, json_str(cfg, "working_dir"), RPT_MAX_CONFIG_BYTES);
    if (config_list(s, cJSON_GetObjectItemCaseSensitive(cfg, "entrypoint"), NULL, &c->entrypoint, &c->omitted) ||
        config_list(s, cJSON_GetObjectItemCaseSensitive(cfg, "cmd"), NULL, &c->cmd, &c->omitted) ||
        config_list(s, cJSON_GetObjectItemCaseSensitive(cfg, "exposed_ports"), NULL, &c->ports, &c->omitted) ||
        config_list(s, cJSON_GetObjectItemCaseSensitive(cfg, "volumes"), NULL, &c->volumes, &c->omitted) ||
        config_list(s, cJSON_GetObjectItemCaseSensitive(cfg, "healthcheck"), NULL, &c->healthcheck, &c->omitted) ||
        config_list(s, cJSON_GetObjectItemCaseSensitive(cfg, "env"), "name", &c->env, &c->omitted))
        return -1;
    const cJSON *labels = cJSON_GetObjectItemCaseSensitive(cfg, "labels"), *e;
    int n = cJSON_IsArray(labels) ? cJSON_GetArraySize(labels) : 0;
    if (n > 0) {
        unsigned keep = (unsigned)n < RPT_MAX_LIST ? (unsigned)n : RPT_MAX_LIST;
        c->omitted += (unsigned)n - keep;
        if (!(c->labels = pal_arena_alloc(&s->rpt->arena, keep * sizeof *c->labels))) return scan_fail(s, "out of memory");
        cJSON_ArrayForEach(e, labels) {
            if (c->nlabels == keep) break;
            c->labels[c->nlabels++] = (rpt_label){rpt_str_cut(s->rpt, json_str(e, "name"), RPT_MAX_CONFIG_BYTES),
                                                  rpt_str_cut(s->rpt, json_str(e, "value"), RPT_MAX_CONFIG_BYTES)};
        }
    }
    const cJSON *hist = cJSON_GetObjectItemCaseSensitive(im, "history");
    ri->history_known = true;
    n = cJSON_IsArray(hist) ? cJSON_GetArraySize(hist) : 0;
    if (n > 0) {
        unsigned keep = (unsigned)n < RPT_MAX_LIST ? (unsigned)n : RPT_MAX_LIST;
        ri->history_omitted = (unsigned)n - keep;
        if (!(ri->history = pal_arena_alloc(&s->rpt->arena, keep * sizeof *ri->history))) return scan_fail(s, "out of memory");
        cJSON_ArrayForEach(e, hist) {
            if (ri->nhistory == keep) break;
            ri->history[ri->nhistory++] = (rpt_history){
                rpt_str_cut(s->rpt, json_str(e, "created"), RPT_MAX_CONFIG_BYTES),
                rpt_str_cut(s->rpt, json_str(e, "created_by"), RPT_MAX_CONFIG_BYTES),
                rpt_str_cut(s->rpt, json_str(e, "comment"), RPT_MAX_CONFIG_BYTES),
                cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "empty_layer"))};
        }
    }
    return 0;
}

/* The report's image, and the names exceptions match (its name and tags). */
static int describe_image(scan *s, const cJSON *inv)
{
    const cJSON *im = cJSON_GetObjectItemCaseSensitive(inv, "image");
    rpt_image *ri = &s->rpt->image;
    ri->file = rpt_str(s->rpt, s->image);
    ri->name = rpt_str(s->rpt, json_str(im, "name"));
    ri->id = rpt_str(s->rpt, json_str(im, "id"));
    ri->os = rpt_str(s->rpt, json_str(im, "os"));
    ri->os_version = rpt_str(s->rpt, json_str(im, "os_version"));
    ri->architecture = rpt_str(s->rpt, json_str(im, "architecture"));
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(im, "tags");
    int n = cJSON_IsArray(tags) ? cJSON_GetArraySize(tags) : 0;
    if (n > (int)SCAN_MAX_NAMES - 1) n = (int)SCAN_MAX_NAMES - 1;
    if (n > 0) {
        ri->tags = pal_arena_alloc(&s->rpt->arena, (size_t)n * sizeof *ri->tags);
        if (!ri->tags) return scan_fail(s, "out of memory");
        const cJSON *t;
        cJSON_ArrayForEach(t, tags) {
            if (ri->ntags == (unsigned)n) break;
            if (cJSON_IsString(t)) ri->tags[ri->ntags++] = rpt_str(s->rpt, t->valuestring);
        }
    }
    if (ri->name) s->names[s->nnames++] = ri->name;
    for (unsigned i = 0; i < ri->ntags && s->nnames < SCAN_MAX_NAMES; i++) s->names[s->nnames++] = ri->tags[i];
    s->windows = ri->os && !strcmp(ri->os, "windows");
    if (describe_config(s, im) != 0) return -1;
    /* what the inventory found odd but not fatal (engine/inventory/inventory.h) */
    const cJSON *w;
    cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(inv, "warnings"))
        if (cJSON_IsString(w) && rpt_note(s->rpt, "image: %s", w->valuestring) != 0)
            return scan_fail(s, "out of memory");
    return 0;
}

/* Once the image's OS is known: a check that gives its remediation by OS
   (remediation { linux: "...", windows: "..." }) shows the image's own. */
static void choose_remediations(scan *s)
{
    for (unsigned i = 0; i < s->nchecks; i++) {
        if (s->rpt_of[i] == UINT32_MAX) continue;
        const pal_program *p = prog_of(s, &s->checks[i]);
        const pal_rule *r = &p->rules[s->checks[i].rule];
        const char *text = meta(p, r, s->windows ? "remediation.windows" : "remediation.linux");
        if (text) s->rpt->checks[s->rpt_of[i]].remediation = rpt_str(s->rpt, text);
    }
}

/* ------------------------------------------------------------------ */
/* running the checks                                                  */
/* ------------------------------------------------------------------ */

static void apply_exception(scan *s, rpt_exception_ref *ref, int *status, bool *has, pal_exception *e)
{
    if (!e) return;
    e->used++;
    *has = true;
    /* through rpt_str like every report string: a reason with control
       characters must not break JUnit XML or drive the terminal */
    ref->reason = e->reason ? rpt_str(s->rpt, e->reason) : NULL;
    ref->expires = rpt_str(s->rpt, e->expires);   /* the exceptions file is freed before the report */
    ref->expired = e->expired;
    ref->file = rpt_str(s->rpt, s->exc.file);
    ref->line = e->line;
    if (!e->expired) *status = RS_EXCEPTED;
}

/* The report's side of the check runner (engine/runtime/checks.h). */
typedef struct {
    scan *s;
    unsigned ci;              /* the check running: index into s->checks */
} scan_sink;

static void check_starting(void *user, uint32_t rule)
{
    scan_sink *k = user;
    progress(k->s, "running check %u of %u: %s", k->s->rpt_of[k->ci] + 1, k->s->rpt->nchecks, k->s->checks[k->ci].id);
}

static int check_finding(void *user, const pal_check_finding *fd)
{
    scan_sink *k = user;
    scan *s = k->s;
    rpt_check *rc = &s->rpt->checks[s->rpt_of[k->ci]];
    rpt_finding *f = rpt_add_finding(s->rpt);
    if (!f) { scan_fail(s, "out of memory"); return 1; }   /* reported: stop the run */
    f->check = s->rpt_of[k->ci];
    f->severity = fd->severity;
    f->status = RS_FAIL;
    f->message = rpt_str(s->rpt, fd->message);
    f->element = fd->element ? rpt_strn(s->rpt, fd->element, fd->element_len) : NULL;
    if (s->have_exc)
        apply_exception(s, &f->exc, &f->status, &f->has_exception,
                        pal_exceptions_match(&s->exc, rc->id, s->names, s->nnames, f->element, f->message, s->windows));
    return 0;
}

static int check_done(void *user, const pal_check_result *r)
{
    scan_sink *k = user;
    scan *s = k->s;
    rpt_check *rc = &s->rpt->checks[s->rpt_of[k->ci]];
    if (r->vm_error != PAL_VM_OK) {
        char why[256];
        snprintf(why, sizeof why, "%s; its findings so far are kept. Simplify the check (fewer nested "
                 "quantifiers over large collections) or report it", pal_vm_strerror(r->vm_error));
        rc->error = rpt_str(s->rpt, why);
    }
    rc->dropped = r->dropped;
    if (rc->dropped)
        rpt_note(s->rpt, "%s reported only its first %u findings; %u more were dropped (limit PAL_MAX_EMITS)",
                 rc->id, PAL_MAX_EMITS, rc->dropped);
    rc->seconds = r->seconds;
    return 0;
}

/* --sbom: the image fields check c reads that an SBOM does not list, as
   "a, b and c" in out (empty when an SBOM answers it).  Its condition's
   code is what decides (the message only shows values); a field of a
   collection's records needs the collection, a root field, so the root
   fields are enough. */
static void fields_an_sbom_lacks(const scan *s, const scan_check *c, char *out, size_t cap)
{
    const pal_program *p = prog_of(s, c);
    const pal_rule *r = &p->rules[c->rule];
    uint8_t used[PAL_FIELDS_BITMAP] = {0};
    pal_code_fields_read(p, r->code, r->code_len, used);
    const pal_schema *img = pal_schema_get(PS_IMAGE);
    const char *names[8];
    unsigned n = 0, more = 0;
    for (unsigned f = 0; f < img->nfields && f < 8 * PAL_FIELDS_BITMAP; f++)
        if ((used[f / 8] >> (f % 8) & 1) && !(s->sbom_fields[f / 8] >> (f % 8) & 1)) {
            if (n < 8) names[n++] = img->fields[f].name;
            else more++;
        }
    size_t len = 0;
    out[0] = 0;
    for (unsigned k = 0; k < n && len < cap; k++) {
        const char *sep = !k ? "" : k + 1 == n && !more ? " and " : ", ";
        int w = snprintf(out + len, cap - len, "%s%s", sep, names[k]);
        if (w > 0) len += (size_t)w;
    }
    if (more && len < cap) snprintf(out + len, cap - len, " and %u more", more);
}

/* --sbom: the checks an SBOM cannot answer are not run, and not passed:
   each is reported not applicable, naming the field it needs, and one note
   lists them. */
static int skip_unanswerable(scan *s)
{
    char ids[640] = "";
    size_t len = 0;
    unsigned n = 0, unlisted = 0;
    for (unsigned i = 0; i < s->nchecks; i++) {
        if (s->rpt_of[i] == UINT32_MAX) continue;
        char fields[320];
        fields_an_sbom_lacks(s, &s->checks[i], fields, sizeof fields);
        if (!fields[0]) continue;
        rpt_check *rc = &s->rpt->checks[s->rpt_of[i]];
        char why[400];
        snprintf(why, sizeof why, "reads %s, which an SBOM does not list", fields);
        if (!(rc->not_applicable = rpt_str(s->rpt, why))) return scan_fail(s, "out of memory");
        n++;
        int w = snprintf(ids + len, sizeof ids - len, "%s%s", len ? ", " : "", rc->id);
        if (w < 0 || (size_t)w >= sizeof ids - len - 24) { ids[len] = 0; unlisted++; }
        else len += (size_t)w;
    }
    if (!n) return 0;
    char more[32] = "";
    if (unlisted) snprintf(more, sizeof more, " and %u more", unlisted);
    if (rpt_note(s->rpt, "%u check%s not applicable to an SBOM (it lists packages, not the image's configuration, "
                 "files, accounts or history), so not run: %s%s", n, n == 1 ? " is" : "s are", ids, more) != 0)
        return scan_fail(s, "out of memory");
    return 0;
}

static int run_checks(scan *s, const pal_record *rec)
{
    if (s->o->sbom && skip_unanswerable(s) != 0) return -1;
    for (unsigned k = 0; k < s->nprogs; k++)   /* made for the first image, reused for the rest */
        if (!s->progs[k].vm && !(s->progs[k].vm = pal_vm_new(s->progs[k].in->program)))
            return scan_fail(s, "out of memory");
    scan_sink k = {s, 0};
    pal_check_sink sink = {check_finding, check_done, check_starting, &k};
    for (unsigned i = 0; i < s->nchecks; i++) {
        if (s->rpt_of[i] == UINT32_MAX) continue;
        scan_check *c = &s->checks[i];
        if (s->rpt->checks[s->rpt_of[i]].not_applicable) continue;
        k.ci = i;
        int rc = pal_checks_run(s->progs[c->prog].vm, prog_of(s, c), &c->rule, 1, rec, &sink);
        if (rc < 0) return scan_fail(s, "out of memory");
        if (rc) return -1;
    }
    return 0;
}

/* Notes on the exceptions file: expired entries that still matched, and
   entries for this image that matched nothing (stale, or a typo). */
static void note_exceptions(scan *s)
{
    for (unsigned i = 0; i < s->exc.n; i++) {
        const pal_exception *e = &s->exc.e[i];
        if (e->used && e->expired) {
            rpt_note(s->rpt, "the exception for %s (%s:%u) expired on %s: its finding%s fail%s again", e->id,
                     s->exc.file, e->line, e->expires, e->used == 1 ? "" : "s", e->used == 1 ? "s" : "");
            continue;
        }
        if (e->used) continue;
        bool for_image = !e->image;
        for (unsigned k = 0; k < s->nnames && !for_image; k++)
            for_image = pal_glob_match(e->image, strlen(e->image), s->names[k], strlen(s->names[k]), false, false);
        bool ran = false;
        for (unsigned k = 0; k < s->rpt->nchecks && !ran; k++) ran = !strcmp(s->rpt->checks[k].id, e->id);
        if (for_image && (ran || s->rpt->vulns_scanned))
            rpt_note(s->rpt, "the exception for %s (%s:%u) matched no finding on this image; remove it if the risk is gone",
                     e->id, s->exc.file, e->line);
        else if (for_image)   /* a typo in an ID must not pass unnoticed */
            rpt_note(s->rpt, "the exception for %s (%s:%u) names no check of this scan (IDs are case-sensitive: "
                     "PAL-0041; vulnerability IDs need --feeds)", e->id, s->exc.file, e->line);
    }
}

/* ------------------------------------------------------------------ */
/* vulnerabilities                                                     */
/* ------------------------------------------------------------------ */

static void vuln_state_free(vuln_state *vs)
{
    if (vs->matched) pal_vuln_list_free(&vs->list);
    if (vs->allow) pal_allowlist_free(vs->allow);
    if (vs->feeds) pal_feeds_free(vs->feeds);
}

static unsigned sev_of_vuln(pal_vuln_severity v)
{
    switch (v) {
    case PAL_VSEV_LOW: return SEV_LOW;
    case PAL_VSEV_MEDIUM: return SEV_MEDIUM;
    case PAL_VSEV_HIGH: return SEV_HIGH;
    case PAL_VSEV_CRITICAL: return SEV_CRITICAL;
    default: return SEV_NONE;
    }
}

static pal_vuln_severity vsev_of(unsigned sev)
{
    switch (sev) {
    case SEV_LOW: return PAL_VSEV_LOW;
    case SEV_MEDIUM: return PAL_VSEV_MEDIUM;
    case SEV_HIGH: return PAL_VSEV_HIGH;
    case SEV_CRITICAL: return PAL_VSEV_CRITICAL;
    default: return PAL_VSEV_LOW;
    }
}

static unsigned vuln_threshold(const scan *s)
{
    return s->o->vuln_threshold ? s->o->vuln_threshold : s->fail_on;
}

/* Each problem a feed reported, as a warning. */
static void warn_feed_problems(const scan *s, const pal_feed_report *rep)
{
    for (unsigned i = 0; i < rep->nproblems; i++) {
        const pal_feed_problem *pb = &rep->problems[i];
        warn(s, "%s: %s%s%s\n    %s", pb->level == PAL_FEED_ERROR ? "feed error" : "feed warning",
             pb->file ? pb->file : "", pb->where ? ": " : "", pb->where ? pb->where : "",
             pb->message ? pb->message : "");
    }
    if (rep->omitted) warn(s, "... and %u more feed problems", rep->omitted);
}

static int load_allow_list(scan *s, vuln_state *vs)
{
    char err[1024];
    pal_feed_report arep;
    pal_feed_report_init(&arep);
    vs->allow = pal_allowlist_load(s->o->allow_list, NULL, &arep, err, sizeof err);
    for (unsigned i = 0; i < arep.nproblems; i++)
        setup_note(s, "allow list %s: %s", arep.problems[i].where ? arep.problems[i].where : "",
                 arep.problems[i].message ? arep.problems[i].message : "");
    pal_feed_report_free(&arep);
    if (!vs->allow) return scan_fail(s, "%s", err);   /* names the file */
    return 0;
}

static int load_feeds(scan *s, vuln_state *vs)
{
    char err[1024];
    pal_feed_report rep;
    pal_feed_report_init(&rep);
    vs->feeds = pal_feeds_new();
    if (!vs->feeds) { pal_feed_report_free(&rep); return scan_fail(s, "out of memory"); }
    for (unsigned i = 0; i < s->o->nfeeds; i++)
        if (pal_feeds_add(vs->feeds, s->o->feeds[i], &rep, err, sizeof err) != 0) {
            warn_feed_problems(s, &rep);
            pal_feed_report_free(&rep);
            return scan_fail(s, "%s", err);   /* names the feed file or directory */
        }
    warn_feed_problems(s, &rep);
    if (rep.errors) setup_note(s, "the feeds had %u bad record%s, skipped (see stderr or palisade feed check)",
                             rep.errors, rep.errors == 1 ? "" : "s");
    if (!rep.files) setup_note(s, "no feed files were found in --feeds; no vulnerability can match");
    pal_feed_report_free(&rep);
    return s->o->allow_list ? load_allow_list(s, vs) : 0;
}

static int match_vulns(scan *s, vuln_state *vs, cJSON *inv)
{
    char err[512];
    pal_vuln_opts vo;
    memset(&vo, 0, sizeof vo);
    vo.allow = vs->allow;
    vo.min_severity = vsev_of(vuln_threshold(s));
    vo.only_fixed = s->o->only_fixed;
    vo.keep_filtered = true;
    memcpy(vo.grace_days, s->o->grace_days, sizeof vo.grace_days);
    if (pal_vuln_match(vs->feeds, inv, &vo, &vs->list, err, sizeof err) != 0)
        return scan_fail(s, "%s: matching vulnerabilities: %s", s->image, err);
    vs->matched = true;
    if (pal_vuln_to_json(&vs->list, inv) != 0) return scan_fail(s, "out of memory");
    return 0;
}

/* The report's copy of a matched vulnerability (status and note apart). */
static void copy_vuln(scan *s, rpt_vuln *rv, const pal_vuln *v)
{
    rv->id = rpt_str(s->rpt, v->id);
    rv->package = rpt_str(s->rpt, v->package);
    rv->version = rpt_str(s->rpt, v->version);
    rv->ecosystem = rpt_str(s->rpt, v->ecosystem);
    rv->fixed_version = rpt_str(s->rpt, v->fixed_version);
    rv->published = rpt_str(s->rpt, v->published);
    rv->kb = rpt_str(s->rpt, v->kb);
    rv->source = rpt_str(s->rpt, v->source);
    rv->title = rpt_str(s->rpt, v->title);
    rv->severity = sev_of_vuln(v->severity);
    rv->severity_name = pal_vuln_severity_name(v->severity);
    rv->cvss = v->cvss10 >= 0 ? v->cvss10 / 10.0 : 0;
    rv->risk = v->risk;
    rv->has_factors = true;
    rv->factors[RPT_RISK_SEVERITY] = v->factors.severity;
    rv->factors[RPT_RISK_FIX] = v->factors.fix;
    rv->factors[RPT_RISK_EXPLOIT] = v->factors.exploit;
    rv->factors[RPT_RISK_NETWORK] = v->factors.network;
    rv->factors[RPT_RISK_ROOT] = v->factors.root;
    rv->factors[RPT_RISK_AGE] = v->factors.age;
    rv->age_days = v->age_days;
    rv->fix_available = v->fix_available;
    rv->exploit = v->exploit;
}

/* A vulnerability's status, and the note that says why it does not fail
   (or why an allow-list entry or exception no longer keeps it from failing). */
static void vuln_status(scan *s, rpt_vuln *rv, const pal_vuln *v)
{
    char note[512] = "";
    switch (v->status) {
    case PAL_VST_ALLOWED:
        rv->status = RS_ALLOWED;
        snprintf(note, sizeof note, "allowed%s%s: %s", v->allow_expires ? " until " : "",
                 v->allow_expires ? v->allow_expires : "", v->allow_reason ? v->allow_reason : "");
        break;
    case PAL_VST_GRACE:
        rv->status = RS_GRACE;
        snprintf(note, sizeof note, "published %d days ago, within the %d-day grace period for %s", v->age_days,
                 s->o->grace_days[v->severity], pal_vuln_severity_name(v->severity));
        break;
    case PAL_VST_BELOW:
        rv->status = RS_INFO;
        snprintf(note, sizeof note, "below the vulnerability threshold (%s)", rpt_sev_name(vuln_threshold(s)));
        break;
    default:
        rv->status = RS_FAIL;
        if (v->allow_expired)
            snprintf(note, sizeof note, "the allow-list entry expired on %s (%s)",
                     v->allow_expires ? v->allow_expires : "?", v->allow_reason ? v->allow_reason : "");
        break;
    }
    if (rv->status == RS_FAIL && s->have_exc) {
        pal_exception *e = pal_exceptions_match(&s->exc, v->id, s->names, s->nnames, v->package, NULL, s->windows);
        apply_exception(s, &rv->exc, &rv->status, &rv->has_exception, e);
        if (e && rv->status == RS_EXCEPTED)
            snprintf(note, sizeof note, "excepted%s%s: %s", e->expires ? " until " : "", e->expires ? e->expires : "",
                     e->reason);
        else if (e)
            snprintf(note, sizeof note, "the exception in %s:%u expired on %s", s->exc.file, e->line, e->expires);
    }
    if (note[0]) rv->note = rpt_str(s->rpt, note);
}

static int report_vulns(scan *s, vuln_state *vs)
{
    s->rpt->vulns_scanned = true;
    for (size_t i = 0; i < vs->list.n; i++) {
        const pal_vuln *v = &vs->list.items[i];
        /* --only-fixed leaves unfixed ones out; other filtered ones are
           below the threshold and are shown without failing */
        if (v->status == PAL_VST_BELOW && s->o->only_fixed && !v->fix_available) continue;
        rpt_vuln *rv = rpt_add_vuln(s->rpt);
        if (!rv) return scan_fail(s, "out of memory");
        copy_vuln(s, rv, v);
        vuln_status(s, rv, v);
    }
    if (vs->list.omitted) rpt_note(s->rpt, "%zu more vulnerabilities were not kept (limit PAL_VULN_MAX_RESULTS)", vs->list.omitted);
    for (size_t i = 0; i < vs->list.nnotes; i++) rpt_note(s->rpt, "%s", vs->list.notes[i]);
    if (vs->list.notes_omitted) rpt_note(s->rpt, "... and %zu more matching notes", vs->list.notes_omitted);
    return 0;
}

/* ------------------------------------------------------------------ */
/* the scan                                                            */
/* ------------------------------------------------------------------ */

const char *pal_scan_stage_name(int stage)
{
    static const char *const names[PAL_SCAN_NSTAGES] = {
        "setup (compile checks, frameworks, exceptions)", "loading vulnerability feeds", "reading the image",
        "matching vulnerabilities", "inventory to record", "running the checks", "writing the report"};
    return stage >= 0 && stage < PAL_SCAN_NSTAGES ? names[stage] : "?";
}

static void lap(pal_scan_timings *t, int stage, struct timespec *mark)
{
    if (t) t->seconds[stage] += since(mark);
    clock_gettime(CLOCK_MONOTONIC, mark);
}

static void scan_free(scan *s)
{
    for (unsigned k = 0; k < s->nprogs; k++)
        if (s->progs[k].vm) pal_vm_free(s->progs[k].vm);
    free(s->progs);
    for (unsigned i = 0; i < s->nchecks; i++) free(s->checks[i].fw);
    free(s->checks);
    free(s->by_id);
    free(s->rpt_of);
    free(s->setup_notes);
    pal_frameworks_free(&s->fws);
    if (s->have_exc) pal_exceptions_free(&s->exc);
    vuln_state_free(&s->vs);
    pal_arena_free(&s->arena);
}

/* Everything that can be wrong with the inputs, before any image is read. */
static int setup(scan *s)
{
    s->progs = calloc(s->o->nprograms ? s->o->nprograms : 1, sizeof *s->progs);
    if (!s->progs) return scan_fail(s, "out of memory");
    for (unsigned k = 0; k < s->o->nprograms; k++) s->progs[s->nprogs++].in = &s->o->programs[k];
    if (collect_checks(s) != 0 || read_frameworks(s) != 0 || map_frameworks(s) != 0 || select_checks(s) != 0)
        return -1;
    s->rpt_of = malloc((s->nchecks ? s->nchecks : 1) * sizeof *s->rpt_of);
    if (!s->rpt_of) return scan_fail(s, "out of memory");
    for (const char *const *f = pal_sbom_image_fields; s->o->sbom && *f; f++) {
        int k = pal_schema_find(pal_schema_get(PS_IMAGE), *f, strlen(*f));
        if (k >= 0 && (unsigned)k < 8 * PAL_FIELDS_BITMAP) s->sbom_fields[k / 8] |= (uint8_t)(1u << (k % 8));
    }
    return read_exceptions(s);
}

/* The image: read, described, its vulnerabilities matched, its checks run. */
static int scan_image(scan *s, pal_scan_timings *t, struct timespec *mark)
{
    char err[1024];
    cJSON *inv = NULL;
    pal_arena a;
    pal_arena_init(&a, 0);
    int rc = -1;
    progress(s, "reading the image");
    pal_inventory_opts io = {true, PAL_SCAN_CONTENT_MAX};
    size_t skipped = 0;
    if (s->o->sbom ? pal_sbom_read_file(s->image, &inv, &skipped, err, sizeof err) != 0
                   : pal_inventory_read(s->image, &io, &inv, err, sizeof err) != 0) {
        scan_fail(s, "%s: %s", s->image, err);
        goto out;
    }
    if (skipped)
        warn(s, "%s: %zu components without a package URL palisade can match (pkg:deb, apk, rpm, npm, pypi, "
                "golang, maven, gem, cargo) were left out", s->image, skipped);
    if (describe_image(s, inv) != 0) goto out;
    lap(t, PAL_SCAN_READ, mark);
    choose_remediations(s);
    if (s->o->nfeeds) {
        progress(s, "matching vulnerabilities");
        if (match_vulns(s, &s->vs, inv) != 0 || report_vulns(s, &s->vs) != 0) goto out;
        lap(t, PAL_SCAN_VULNS, mark);
    }
    pal_record rec;
    if (pal_record_from_json(pal_schema_get(PS_IMAGE), inv, s->windows, &a, &rec, err, sizeof err) != 0) {
        scan_fail(s, "%s: %s", s->image, err);
        goto out;
    }
    lap(t, PAL_SCAN_RECORD, mark);
    progress(s, "running the checks");
    if (run_checks(s, &rec) != 0) goto out;
    if (s->have_exc) note_exceptions(s);
    rc = 0;
out:
    cJSON_Delete(inv);   /* the one inventory in memory goes before the next image's */
    pal_arena_free(&a);
    if (s->vs.matched) {
        pal_vuln_list_free(&s->vs.list);
        s->vs.matched = false;
    }
    return rc;
}

pal_scanner *pal_scanner_new(const pal_scan_opts *o, pal_scan_timings *t, char *err, size_t errcap)
{
    struct timespec mark;
    clock_gettime(CLOCK_MONOTONIC, &mark);
    if (t) memset(t, 0, sizeof *t);
    scan *s = calloc(1, sizeof *s);
    if (!s) { pal_set_err(err, errcap, "out of memory"); return NULL; }
    s->o = o;
    s->err = err;
    s->errcap = errcap;
    s->fail_on = o->fail_on ? o->fail_on : SEV_HIGH;
    pal_arena_init(&s->arena, 0);
    if (!o->nprograms) {
        scan_fail(s, "no checks to scan with");
        goto fail;
    }
    if (setup(s) != 0) goto fail;
    lap(t, PAL_SCAN_SETUP, &mark);
    if (o->nfeeds) {
        progress(s, "loading vulnerability feeds");
        if (load_feeds(s, &s->vs) != 0) goto fail;
        lap(t, PAL_SCAN_FEEDS, &mark);
    }
    return s;
fail:
    scan_free(s);
    free(s);
    return NULL;
}

void pal_scanner_free(pal_scanner *s)
{
    if (!s) return;
    scan_free(s);
    free(s);
}

int pal_scanner_scan(pal_scanner *s, const char *image, rpt_report *r, pal_scan_timings *t, char *err, size_t errcap)
{
    struct timespec t0, mark;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    mark = t0;
    if (t) memset(t, 0, sizeof *t);
    rpt_init(r);
    r->fail_on = s->fail_on;
    s->rpt = r;
    s->image = image;
    s->err = err;
    s->errcap = errcap;
    s->nnames = 0;
    s->windows = false;
    int rc = -1;
    if (!image) {
        scan_fail(s, "no image to scan");
        goto out;
    }
    for (unsigned i = 0; i < s->exc.n; i++) s->exc.e[i].used = 0;   /* counted per image */
    if (build_report_checks(s) != 0) goto out;
    for (unsigned i = 0; i < s->nsetup_notes; i++)
        if (rpt_note(r, "%s", s->setup_notes[i]) != 0) { scan_fail(s, "out of memory"); goto out; }
    if (scan_image(s, t, &mark) != 0) goto out;
    r->seconds = since(&t0);
    rpt_finish(r);
    lap(t, PAL_SCAN_CHECKS, &mark);
    rc = 0;
out:
    s->rpt = NULL;
    s->image = NULL;
    return rc;
}

int pal_scan_run(const pal_scan_opts *o, rpt_report *r, pal_scan_timings *t, char *err, size_t errcap)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rpt_init(r);
    r->fail_on = o->fail_on ? o->fail_on : SEV_HIGH;
    if (!o->image) return pal_set_err(err, errcap, "no image or no checks to scan with");
    pal_scanner *s = pal_scanner_new(o, t, err, errcap);
    if (!s) return -1;
    rpt_free(r);
    pal_scan_timings image_t;
    int rc = pal_scanner_scan(s, o->image, r, t ? &image_t : NULL, err, errcap);
    if (t)
        for (int i = 0; i < PAL_SCAN_NSTAGES; i++)
            if (i != PAL_SCAN_SETUP && i != PAL_SCAN_FEEDS) t->seconds[i] += image_t.seconds[i];
    if (rc == 0) r->seconds = since(&t0);
    pal_scanner_free(s);
    return rc;
}
