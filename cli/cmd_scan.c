/*
 * cmd_scan.c — `palisade scan IMAGE.tar`: read the image, run every
 * enabled check (the built-in ones and the user's) and, with --feeds,
 * match its packages against vulnerability feeds; report; exit 0 pass,
 * 1 fail, 2 error.
 *
 * Design. The built-in checks and each --policy are compiled (or loaded)
 * as separate programs and run on the same inventory record, one VM per
 * program, instead of being compiled together: a user's repo keeps its own
 * imports and feeds, a bundle can be added as it is, and a clash of check
 * IDs is found by comparing the two sets (an error naming both places)
 * rather than surfacing as a compiler error inside the built-ins.  The
 * checks are selected before anything runs (--framework, --disable), so a
 * disabled check costs nothing and cannot stop the scan.
 *
 * Checks run one by one through the VM directly (not pal_run_checks) so
 * each finding keeps its check, its element (the file or package a
 * per-element check is about, from the quantifier variable) and its own
 * time, and a check that exhausts its budget is reported as an error
 * without hiding the others' results.  Everything found goes into the
 * report model (report.h), which settles pass/fail once for every format.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/policy.h"
#include "engine/scan/frameworks.h"
#include "engine/scan/exceptions.h"
#include "engine/report/report.h"
#include "engine/decode/decode.h"
#include "engine/inventory/inventory.h"
#include "engine/base/limits.h"
#include "engine/core/match.h"
#include "engine/vm/vm.h"
#include "engine/runtime/checks.h"
#include "engine/vuln/vuln.h"

#define SCAN_MAX_POLICIES 16u      /* --policy options */
#define SCAN_MAX_FEEDS    16u      /* --feeds options */
#define SCAN_CONTENT_MAX  16384u   /* bytes of small text files checks may read (f.content) */

static void usage(FILE *f)
{
    fprintf(f,
        "usage: palisade scan IMAGE.tar [options]\n"
        "\n"
        "Reads a docker-save or OCI tarball, runs the built-in compliance checks (and\n"
        "yours), matches vulnerabilities with --feeds, and reports.\n"
        "Exit 0 pass, 1 a finding at or above --fail-on (or a failing vulnerability), 2 error.\n"
        "\n"
        "checks:\n"
        "  --policy DIR|BUNDLE      add your checks to the built-in ones (repeatable)\n"
        "  --no-builtin             run only the checks of --policy\n"
        "  --disable ID[,ID...]     do not run these checks (repeatable)\n"
        "  --framework NAME         run only the checks of one framework (cis_docker, nist_800_190, ...)\n"
        "  --frameworks-dir DIR     add your framework files (*.yaml)\n"
        "  --exceptions FILE        accepted risks (YAML): reported as excepted, do not fail\n"
        "vulnerabilities:\n"
        "  --feeds DIR|FILE         OSV, custom and Windows feeds (repeatable)\n"
        "  --vuln-threshold SEV     the lowest severity that fails (default: --fail-on)\n"
        "  --only-fixed             leave out vulnerabilities that have no fix\n"
        "  --grace-days SEV=N,...   a vulnerability younger than N days does not fail yet\n"
        "  --allow-list FILE        CVE allow list (YAML or JSON) with expiry dates\n"
        "output:\n"
        "  --format FMT             text, json, sarif, junit, github (default text; from -o's\n"
        "                           extension .json .sarif .xml when not given)\n"
        "  -o FILE                  write the report to FILE (atomically) instead of stdout\n"
        "  --fail-on SEV            low, medium, high (default) or critical\n"
        "  --timings                print where the time went (stages, slowest checks) on stderr\n");
}

/* ------------------------------------------------------------------ */
/* progress on a terminal                                              */
/* ------------------------------------------------------------------ */

/* A scan that takes more than a second says what it is doing on stderr,
   when stderr is a terminal (never in CI logs or pipes).  A thread wakes
   four times a second and rewrites one status line; the line is erased
   before the report is written. */
static struct progress {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool on, done, shown;
    char stage[160];
    struct timespec start;
} progress = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void *progress_main(void *arg)
{
    (void)arg;
    char last[sizeof progress.stage + 32] = "";
    pthread_mutex_lock(&progress.mu);
    while (!progress.done) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 250000000L;
        if (until.tv_nsec >= 1000000000L) { until.tv_sec++; until.tv_nsec -= 1000000000L; }
        pthread_cond_timedwait(&progress.cv, &progress.mu, &until);
        double s = since(&progress.start);
        char line[sizeof last];
        snprintf(line, sizeof line, "%s (%.0fs)", progress.stage, s);
        if (!progress.done && s >= 1.0 && strcmp(line, last) != 0) {   /* redraw only on change */
            fprintf(stderr, "\r\033[Kpalisade scan: %s", line);
            fflush(stderr);
            memcpy(last, line, sizeof last);
            progress.shown = true;
        }
    }
    if (progress.shown) { fputs("\r\033[K", stderr); fflush(stderr); }
    pthread_mutex_unlock(&progress.mu);
    return NULL;
}

static void progress_start(void)
{
    clock_gettime(CLOCK_MONOTONIC, &progress.start);
    snprintf(progress.stage, sizeof progress.stage, "starting");
    const char *term = getenv("TERM");
    if (!isatty(STDERR_FILENO) || (term && !strcmp(term, "dumb"))) return;
    progress.on = pthread_create(&progress.thread, NULL, progress_main, NULL) == 0;
}

static void progress_stage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void progress_stage(const char *fmt, ...)
{
    if (!progress.on) return;
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&progress.mu);
    vsnprintf(progress.stage, sizeof progress.stage, fmt, ap);
    pthread_mutex_unlock(&progress.mu);
    va_end(ap);
}

static void progress_stop(void)
{
    if (!progress.on) return;
    pthread_mutex_lock(&progress.mu);
    progress.done = true;
    pthread_cond_signal(&progress.cv);
    pthread_mutex_unlock(&progress.mu);
    pthread_join(progress.thread, NULL);
    progress.on = false;
}

/* Like cli_error, for the helpers below that return -1. */
static int scan_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int scan_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("palisade scan: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return -1;
}

/* ------------------------------------------------------------------ */
/* options                                                             */
/* ------------------------------------------------------------------ */

typedef struct scan_opts {
    const char *image;
    const char *policies[SCAN_MAX_POLICIES];
    unsigned npolicies;
    bool no_builtin;
    char **disable;                /* check IDs, split from the comma lists */
    unsigned ndisable;
    const char *framework, *frameworks_dir, *exceptions, *out;
    int format;                    /* -1 = not given */
    unsigned fail_on;
    const char *feeds[SCAN_MAX_FEEDS];
    unsigned nfeeds;
    int vuln_threshold;            /* SEV_*, 0 = --fail-on */
    bool only_fixed;
    int grace_days[5];             /* by pal_vuln_severity */
    const char *allow_list;
    bool timings;                  /* --timings: where the time went, on stderr */
} scan_opts;

static int add_disabled(scan_opts *o, const char *list)
{
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n && (*p == ' ' || *p == '\t')) { p++; n--; }
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
        if (n) {
            char **d = realloc(o->disable, (o->ndisable + 1) * sizeof *d);
            if (!d) return -1;
            o->disable = d;
            if (!(d[o->ndisable] = strndup(p, n))) return -1;
            o->ndisable++;
        }
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

static unsigned parse_severity(const char *s)
{
    int v = pal_severity_from_name(s, strlen(s));
    return v >= SEV_LOW && v <= SEV_CRITICAL ? (unsigned)v : 0;
}

/* "critical=7,high=30,medium=90" */
static int parse_grace(scan_opts *o, const char *spec)
{
    char buf[256];
    if (snprintf(buf, sizeof buf, "%s", spec) >= (int)sizeof buf)
        return cli_error("scan", "--grace-days '%s' is too long", spec);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(t, '=');
        if (!eq) return cli_error("scan", "--grace-days: '%s' is not SEVERITY=DAYS (e.g. critical=7,high=30)", t);
        *eq = 0;
        int sev = pal_vuln_severity_from_name(t);
        char *end;
        errno = 0;
        long days = strtol(eq + 1, &end, 10);
        if (sev <= PAL_VSEV_UNKNOWN || sev > PAL_VSEV_CRITICAL)
            return cli_error("scan", "--grace-days: unknown severity '%s' (low, medium, high, critical)", t);
        if (errno || end == eq + 1 || *end || days < 0 || days > 3650)
            return cli_error("scan", "--grace-days: '%s' is not a number of days from 0 to 3650", eq + 1);
        o->grace_days[sev] = (int)days;
    }
    return 0;
}

static int format_from_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot) return RF_TEXT;
    if (!strcmp(dot, ".json")) return RF_JSON;
    if (!strcmp(dot, ".sarif")) return RF_SARIF;
    if (!strcmp(dot, ".xml")) return RF_JUNIT;
    return RF_TEXT;
}

static int parse_args(int argc, char **argv, scan_opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = -1;
    o->fail_on = SEV_HIGH;
    cli_args A;
    cli_args_init(&A, "scan", argc, argv);
    while (cli_args_next(&A)) {
        const char *a = A.arg;
        if (cli_args_help(&A)) { usage(stdout); return -1; }
        else if (cli_args_value(&A, "--policy", "a policy directory or bundle")) {
            if (o->npolicies == SCAN_MAX_POLICIES) return cli_error("scan", "at most %u --policy options", SCAN_MAX_POLICIES);
            o->policies[o->npolicies++] = A.value;
        } else if (cli_args_flag(&A, "--no-builtin")) o->no_builtin = true;
        else if (cli_args_value(&A, "--disable", "check IDs, e.g. PAL-0046,PAL-0041")) {
            if (add_disabled(o, A.value) != 0) return cli_error("scan", "out of memory");
        } else if (cli_args_value(&A, "--framework", "a framework name, e.g. cis_docker")) o->framework = A.value;
        else if (cli_args_value(&A, "--frameworks-dir", "a directory of framework *.yaml files")) o->frameworks_dir = A.value;
        else if (cli_args_value(&A, "--exceptions", "a YAML file of accepted risks")) o->exceptions = A.value;
        else if (cli_args_value(&A, "-o", "the report file to write") ||
                 cli_args_value(&A, "--output", "the report file to write")) o->out = A.value;
        else if (cli_args_value(&A, "--format", rpt_format_names())) {
            o->format = rpt_format_from_name(A.value);
            if (o->format < 0) return cli_error("scan", "unknown --format '%s' (%s)", A.value, rpt_format_names());
        } else if (cli_args_value(&A, "--fail-on", CLI_WANT_SEVERITY)) {
            o->fail_on = parse_severity(A.value);
            if (!o->fail_on) return cli_error("scan", "unknown --fail-on severity '%s' (low, medium, high, critical)", A.value);
        } else if (cli_args_value(&A, "--feeds", "a feed file or directory")) {
            if (o->nfeeds == SCAN_MAX_FEEDS) return cli_error("scan", "at most %u --feeds options", SCAN_MAX_FEEDS);
            o->feeds[o->nfeeds++] = A.value;
        } else if (cli_args_value(&A, "--vuln-threshold", CLI_WANT_SEVERITY)) {
            o->vuln_threshold = (int)parse_severity(A.value);
            if (!o->vuln_threshold)
                return cli_error("scan", "unknown --vuln-threshold severity '%s' (low, medium, high, critical)", A.value);
        } else if (cli_args_flag(&A, "--only-fixed")) o->only_fixed = true;
        else if (cli_args_value(&A, "--grace-days", "SEVERITY=DAYS,..., e.g. critical=7,high=30")) {
            if (parse_grace(o, A.value) != 0) return EXIT_ERROR;
        } else if (cli_args_value(&A, "--allow-list", "a CVE allow list, YAML or JSON")) o->allow_list = A.value;
        else if (cli_args_flag(&A, "--timings")) o->timings = true;
        else if (cli_args_is_option(&A) || A.failed) return cli_args_unknown(&A);
        else if (!o->image) o->image = a;
        else return cli_error("scan", "one image at a time ('%s' and '%s'); run palisade scan once per image", o->image, a);
    }
    if (A.failed) return EXIT_ERROR;
    if (!o->image) { usage(stderr); return cli_error("scan", "which image? give a docker-save or OCI tarball"); }
    if (o->no_builtin && !o->npolicies)
        return cli_error("scan", "--no-builtin leaves no checks: add --policy DIR|BUNDLE");
    if (!o->nfeeds && (o->vuln_threshold || o->only_fixed || o->allow_list))
        return cli_error("scan", "--vuln-threshold, --only-fixed and --allow-list need --feeds DIR");
    for (int s = 0; s < 5; s++)
        if (o->grace_days[s] && !o->nfeeds) return cli_error("scan", "--grace-days needs --feeds DIR");
    if (o->format < 0) o->format = o->out ? format_from_path(o->out) : RF_TEXT;
    return 0;
}

/* ------------------------------------------------------------------ */
/* checks                                                              */
/* ------------------------------------------------------------------ */

typedef struct scan_prog {
    pal_program *p;
    const char *origin;            /* "built-in" or the --policy path */
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

typedef struct scan {
    scan_opts o;
    scan_prog progs[SCAN_MAX_POLICIES + 1];
    unsigned nprogs;
    scan_check *checks;
    unsigned nchecks;
    unsigned *by_id;               /* check indices sorted by id */
    cli_frameworks fws;
    cli_exceptions exc;
    bool have_exc;
    rpt_report rpt;
    unsigned *rpt_of;              /* scan check -> report check index (or UINT_MAX) */
} scan;

static const char *meta(const pal_program *p, const pal_rule *r, const char *key)
{
    for (uint32_t i = 0; i < r->nmeta; i++) {
        const pal_meta *m = &p->meta[r->meta_first + i];
        if (!strcmp(pal_program_str(p, m->key), key)) return pal_program_str(p, m->value);
    }
    return NULL;
}

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
    const pal_program *p = s->progs[c->prog].p;
    const pal_rule *r = &p->rules[c->rule];
    const char *origin = s->progs[c->prog].origin, *file = pal_program_str(p, r->src_file);
    size_t ol = strlen(origin);
    struct stat st;
    if (!strcmp(origin, "built-in"))
        snprintf(out, cap, "checks/%s:%u%s", file, r->src_line, tagged ? " (built-in)" : "");
    else if (ol > 4 && !strcmp(origin + ol - 4, ".pal"))
        snprintf(out, cap, "%s:%u", origin, r->src_line);
    else if (stat(origin, &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(out, cap, "%s%s%s:%u", origin, ol && origin[ol - 1] == '/' ? "" : "/", file, r->src_line);
    else
        snprintf(out, cap, "%s:%u (in %s)", file, r->src_line, origin);
}

static int load_programs(scan *s)
{
    if (!s->o.no_builtin) {
        pal_program *p = cli_embedded_program("scan", "checks");
        if (!p) return -1;
        s->progs[s->nprogs++] = (scan_prog){p, "built-in", NULL};
    }
    for (unsigned i = 0; i < s->o.npolicies; i++) {
        pal_program *p = cli_load_policy("scan", s->o.policies[i], NULL);
        if (!p) return -1;
        s->progs[s->nprogs++] = (scan_prog){p, s->o.policies[i], NULL};
    }
    unsigned total = 0;
    for (unsigned k = 0; k < s->nprogs; k++) {
        const pal_program *p = s->progs[k].p;
        unsigned here = 0;
        for (uint32_t i = 0; i < p->nrules; i++) here += p->rules[i].kind == PR_CHECK && p->rules[i].root == PS_IMAGE;
        if (k > 0 || s->o.no_builtin)
            if (!here) fprintf(stderr, "palisade scan: warning: %s holds no checks (only runtime rules?)\n", s->progs[k].origin);
        total += here;
    }
    s->checks = calloc(total ? total : 1, sizeof *s->checks);
    s->by_id = calloc(total ? total : 1, sizeof *s->by_id);
    if (!s->checks || !s->by_id) { cli_error("scan", "out of memory"); return -1; }
    for (unsigned k = 0; k < s->nprogs; k++) {
        const pal_program *p = s->progs[k].p;
        for (uint32_t i = 0; i < p->nrules; i++)
            if (p->rules[i].kind == PR_CHECK && p->rules[i].root == PS_IMAGE) {
                scan_check *c = &s->checks[s->nchecks];
                c->prog = k;
                c->rule = i;
                c->id = pal_program_str(p, p->rules[i].name);
                c->selected = true;
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
        cli_error("scan", "check ID '%s' is defined twice: %s and %s; give yours another ID "
                          "(or run only yours with --no-builtin)", s->checks[a].id, wa, wb);
        return -1;
    }
    return 0;
}

static int add_fwref(scan *s, scan_check *c, const char *fw, const char *control, const char *title)
{
    for (unsigned i = 0; i < c->nfw; i++)
        if (!strcmp(c->fw[i].framework, fw) && !strcmp(c->fw[i].control, control)) {
            if (title && *title && !(c->fw[i].title && *c->fw[i].title)) c->fw[i].title = rpt_str(&s->rpt, title);
            return 0;
        }
    if (c->nfw == c->capfw) {
        unsigned cap = c->capfw ? c->capfw * 2 : 4;
        rpt_fwref *n = realloc(c->fw, cap * sizeof *n);
        if (!n) return -1;
        c->fw = n;
        c->capfw = cap;
    }
    c->fw[c->nfw++] = (rpt_fwref){rpt_str(&s->rpt, fw), rpt_str(&s->rpt, control), title ? rpt_str(&s->rpt, title) : NULL};
    return 0;
}

static const cli_fw_control *control_of(const cli_framework *fw, const char *id)
{
    for (unsigned i = 0; fw && i < fw->ncontrols; i++)
        if (!strcmp(fw->controls[i].id, id)) return &fw->controls[i];
    return NULL;
}

static int load_frameworks(scan *s)
{
    char err[1024];
    cli_frameworks_init(&s->fws);
    static const char prefix[] = "checks/frameworks/";
    for (unsigned long i = 0; i < cli_embedded_count; i++) {
        const char *p = cli_embedded_files[i].path;
        size_t l = strlen(p);
        if (strncmp(p, prefix, sizeof prefix - 1) || !(l > 5 && !strcmp(p + l - 5, ".yaml"))) continue;
        if (cli_frameworks_add(&s->fws, p, (const char *)cli_embedded_files[i].data, cli_embedded_files[i].len,
                               false, err, sizeof err) != 0) {
            cli_error("scan", "the built-in framework file %s; this is a bug", err);
            return -1;
        }
    }
    if (s->o.frameworks_dir && cli_frameworks_add_dir(&s->fws, s->o.frameworks_dir, err, sizeof err) != 0) {
        cli_error("scan", "%s", err);
        return -1;
    }
    /* each check's references: its own `frameworks` meta, then every
       control of every framework file that lists it */
    for (unsigned i = 0; i < s->nchecks; i++) {
        scan_check *c = &s->checks[i];
        const pal_program *p = s->progs[c->prog].p;
        const pal_rule *r = &p->rules[c->rule];
        for (uint32_t k = 0; k < r->nmeta; k++) {
            const char *key = pal_program_str(p, p->meta[r->meta_first + k].key);
            if (strncmp(key, "frameworks.", 11) != 0) continue;
            const char *ctl = pal_program_str(p, p->meta[r->meta_first + k].value);
            const cli_fw_control *fc = control_of(cli_frameworks_find(&s->fws, key + 11), ctl);
            if (add_fwref(s, c, key + 11, ctl, fc ? fc->title : NULL) != 0) return scan_fail("out of memory");
        }
    }
    for (unsigned f = 0; f < s->fws.n; f++) {
        const cli_framework *fw = &s->fws.fw[f];
        for (unsigned k = 0; k < fw->ncontrols; k++)
            for (unsigned j = 0; j < fw->controls[k].nchecks; j++) {
                int ci = find_check(s, fw->controls[k].checks[j]);
                if (ci < 0) {
                    /* the built-in files may name checks --no-builtin left out */
                    if (fw->user)
                        fprintf(stderr, "palisade scan: warning: %s:%u: control %s lists %s, which no loaded check has\n",
                                fw->file, fw->controls[k].line, fw->controls[k].id, fw->controls[k].checks[j]);
                    continue;
                }
                if (add_fwref(s, &s->checks[ci], fw->key, fw->controls[k].id, fw->controls[k].title) != 0)
                    return scan_fail("out of memory");
            }
    }
    return 0;
}

/* --framework and --disable */
static int select_checks(scan *s)
{
    if (s->o.framework) {
        const char *key = s->o.framework;
        /* the file's name works too: cis_docker_1.6 -> cis_docker */
        for (unsigned f = 0; f < s->fws.n; f++) {
            const char *base = strrchr(s->fws.fw[f].file, '/');
            base = base ? base + 1 : s->fws.fw[f].file;
            size_t bl = strcspn(base, ".");
            const char *dotyaml = strstr(base, ".yaml");
            if (dotyaml) bl = (size_t)(dotyaml - base);
            if (strlen(key) == bl && !strncmp(base, key, bl)) key = s->fws.fw[f].key;
        }
        bool known = cli_frameworks_find(&s->fws, key) != NULL;
        unsigned n = 0;
        for (unsigned i = 0; i < s->nchecks; i++) {
            scan_check *c = &s->checks[i];
            bool in = false;
            for (unsigned k = 0; k < c->nfw && !in; k++) in = !strcmp(c->fw[k].framework, key);
            c->selected = in;
            n += in;
            known = known || in;
        }
        if (!known) {
            /* list every framework a file or a check names */
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
            cli_error("scan", "unknown framework '%s'; known: %s", s->o.framework, nseen ? list : "(none)");
            return -1;
        }
        if (!n) fprintf(stderr, "palisade scan: warning: no check maps to framework '%s'\n", key);
        s->o.framework = key;
    }
    for (unsigned i = 0; i < s->o.ndisable; i++) {
        int ci = find_check(s, s->o.disable[i]);
        if (ci < 0) {
            cli_error("scan", "--disable %s: no check has that ID (IDs look like PAL-0041; "
                              "palisade scan --format json lists the checks that ran)", s->o.disable[i]);
            return -1;
        }
        s->checks[ci].selected = false;
    }
    return 0;
}

/* The report's entry for each selected check, in program order. */
static int build_report_checks(scan *s)
{
    s->rpt_of = malloc((s->nchecks ? s->nchecks : 1) * sizeof *s->rpt_of);
    if (!s->rpt_of) return scan_fail("out of memory");
    for (unsigned i = 0; i < s->nchecks; i++) {
        scan_check *c = &s->checks[i];
        s->rpt_of[i] = UINT32_MAX;
        if (!c->selected) continue;
        const pal_program *p = s->progs[c->prog].p;
        const pal_rule *r = &p->rules[c->rule];
        rpt_check *rc = rpt_add_check(&s->rpt);
        if (!rc) return scan_fail("out of memory");
        s->rpt_of[i] = s->rpt.nchecks - 1;
        rc->id = rpt_str(&s->rpt, c->id);
        rc->title = rpt_str(&s->rpt, meta(p, r, "title"));
        rc->description = rpt_str(&s->rpt, meta(p, r, "description"));
        rc->rationale = rpt_str(&s->rpt, meta(p, r, "rationale"));
        rc->remediation = rpt_str(&s->rpt, meta(p, r, "remediation"));
        char src[1024];
        source_of(s, i, false, src, sizeof src);
        rc->source = rpt_str(&s->rpt, src);
        rc->severity = r->noutcomes ? p->outcomes[r->outcome_first].severity : SEV_MEDIUM;
        rc->fw = c->fw;
        rc->nfw = c->nfw;
        unsigned ntags = 0;
        for (uint32_t k = 0; k < r->nmeta; k++) ntags += !strcmp(pal_program_str(p, p->meta[r->meta_first + k].key), "tag");
        if (ntags) {
            rc->tags = pal_arena_alloc(&s->rpt.arena, ntags * sizeof *rc->tags);
            if (!rc->tags) return scan_fail("out of memory");
            for (uint32_t k = 0; k < r->nmeta; k++)
                if (!strcmp(pal_program_str(p, p->meta[r->meta_first + k].key), "tag"))
                    rc->tags[rc->ntags++] = rpt_str(&s->rpt, pal_program_str(p, p->meta[r->meta_first + k].value));
        }
    }
    return 0;
}

/* Once the image's OS is known: a check that gives its remediation by OS
   (remediation { linux: "...", windows: "..." }) shows the image's own. */
static void choose_remediations(scan *s, bool windows)
{
    for (unsigned i = 0; i < s->nchecks; i++) {
        if (s->rpt_of[i] == UINT32_MAX) continue;
        const pal_program *p = s->progs[s->checks[i].prog].p;
        const pal_rule *r = &p->rules[s->checks[i].rule];
        const char *text = meta(p, r, windows ? "remediation.windows" : "remediation.linux");
        if (text) s->rpt.checks[s->rpt_of[i]].remediation = rpt_str(&s->rpt, text);
    }
}

/* ------------------------------------------------------------------ */
/* running                                                             */
/* ------------------------------------------------------------------ */

static void apply_exception(scan *s, rpt_exception_ref *ref, int *status, bool *has, cli_exception *e)
{
    if (!e) return;
    e->used++;
    *has = true;
    /* through rpt_str like every report string: a reason with control
       characters must not break JUnit XML or drive the terminal */
    ref->reason = e->reason ? rpt_str(&s->rpt, e->reason) : NULL;
    ref->expires = e->expires;
    ref->expired = e->expired;
    ref->file = rpt_str(&s->rpt, s->exc.file);
    ref->line = e->line;
    if (!e->expired) *status = RS_EXCEPTED;
}

/* The report's side of the check runner (engine/runtime/checks.h). */
typedef struct {
    scan *s;
    unsigned ci;              /* the check running: index into s->checks */
    const char **names;       /* the image's name and tags, for exceptions */
    unsigned nnames;
    bool windows;
} scan_sink;

static void check_starting(void *user, uint32_t rule)
{
    scan_sink *k = user;
    progress_stage("running check %u of %u: %s", k->s->rpt_of[k->ci] + 1, k->s->rpt.nchecks, k->s->checks[k->ci].id);
}

static int check_finding(void *user, const pal_check_finding *fd)
{
    scan_sink *k = user;
    scan *s = k->s;
    rpt_check *rc = &s->rpt.checks[s->rpt_of[k->ci]];
    rpt_finding *f = rpt_add_finding(&s->rpt);
    if (!f) { scan_fail("out of memory"); return 1; }   /* reported: stop the run */
    f->check = s->rpt_of[k->ci];
    f->severity = fd->severity;
    f->status = RS_FAIL;
    f->message = rpt_str(&s->rpt, fd->message);
    f->element = fd->element ? rpt_strn(&s->rpt, fd->element, fd->element_len) : NULL;
    if (s->have_exc)
        apply_exception(s, &f->exc, &f->status, &f->has_exception,
                        cli_exceptions_match(&s->exc, rc->id, k->names, k->nnames, f->element, f->message, k->windows));
    return 0;
}

static int check_done(void *user, const pal_check_result *r)
{
    scan_sink *k = user;
    scan *s = k->s;
    rpt_check *rc = &s->rpt.checks[s->rpt_of[k->ci]];
    if (r->vm_error != PAL_VM_OK) {
        char why[256];
        snprintf(why, sizeof why, "%s; its findings so far are kept. Simplify the check (fewer nested "
                 "quantifiers over large collections) or report it", pal_vm_strerror(r->vm_error));
        rc->error = rpt_str(&s->rpt, why);
    }
    rc->dropped = r->dropped;
    if (rc->dropped)
        rpt_note(&s->rpt, "%s reported only its first %u findings; %u more were dropped (limit PAL_MAX_EMITS)",
                 rc->id, PAL_MAX_EMITS, rc->dropped);
    rc->seconds = r->seconds;
    return 0;
}

static int run_checks(scan *s, const pal_record *rec, bool windows)
{
    const char *names[1 + 64];
    unsigned nnames = 0;
    if (s->rpt.image.name) names[nnames++] = s->rpt.image.name;
    for (unsigned i = 0; i < s->rpt.image.ntags && nnames < 65; i++) names[nnames++] = s->rpt.image.tags[i];
    for (unsigned k = 0; k < s->nprogs; k++) {
        s->progs[k].vm = pal_vm_new(s->progs[k].p);
        if (!s->progs[k].vm) return scan_fail("out of memory");
    }
    scan_sink k = {s, 0, names, nnames, windows};
    pal_check_sink sink = {check_finding, check_done, check_starting, &k};
    for (unsigned i = 0; i < s->nchecks; i++) {
        if (s->rpt_of[i] == UINT32_MAX) continue;
        scan_check *c = &s->checks[i];
        k.ci = i;
        int rc = pal_checks_run(s->progs[c->prog].vm, s->progs[c->prog].p, &c->rule, 1, rec, &sink);
        if (rc < 0) return scan_fail("out of memory");
        if (rc) return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* vulnerabilities                                                     */
/* ------------------------------------------------------------------ */

static void print_feed_problems(const pal_feed_report *rep)
{
    for (unsigned i = 0; i < rep->nproblems; i++) {
        const pal_feed_problem *pb = &rep->problems[i];
        fprintf(stderr, "palisade scan: %s: %s%s%s%s\n", pb->level == PAL_FEED_ERROR ? "feed error" : "feed warning",
                pb->file ? pb->file : "", pb->where ? ": " : "", pb->where ? pb->where : "", "");
        fprintf(stderr, "    %s\n", pb->message ? pb->message : "");
    }
    if (rep->omitted) fprintf(stderr, "palisade scan: ... and %u more feed problems\n", rep->omitted);
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

typedef struct vuln_state {
    pal_feeds *feeds;
    pal_allowlist *allow;
    pal_vuln_list list;
    bool matched;
} vuln_state;

static int load_feeds(scan *s, vuln_state *vs)
{
    char err[1024];
    pal_feed_report rep;
    pal_feed_report_init(&rep);
    vs->feeds = pal_feeds_new();
    if (!vs->feeds) { pal_feed_report_free(&rep); return scan_fail("out of memory"); }
    for (unsigned i = 0; i < s->o.nfeeds; i++)
        if (pal_feeds_add(vs->feeds, s->o.feeds[i], &rep, err, sizeof err) != 0) {
            print_feed_problems(&rep);
            pal_feed_report_free(&rep);
            return scan_fail("%s", err);   /* names the feed file or directory */
        }
    print_feed_problems(&rep);
    if (rep.errors) rpt_note(&s->rpt, "the feeds had %u bad record%s, skipped (see stderr or palisade feed check)",
                             rep.errors, rep.errors == 1 ? "" : "s");
    if (!rep.files) rpt_note(&s->rpt, "no feed files were found in --feeds; no vulnerability can match");
    pal_feed_report_free(&rep);
    if (s->o.allow_list) {
        pal_feed_report arep;
        pal_feed_report_init(&arep);
        vs->allow = pal_allowlist_load(s->o.allow_list, NULL, &arep, err, sizeof err);
        for (unsigned i = 0; i < arep.nproblems; i++)
            rpt_note(&s->rpt, "allow list %s: %s", arep.problems[i].where ? arep.problems[i].where : "",
                     arep.problems[i].message ? arep.problems[i].message : "");
        pal_feed_report_free(&arep);
        if (!vs->allow) return scan_fail("%s", err);   /* names the file */
    }
    return 0;
}

static int match_vulns(scan *s, vuln_state *vs, cJSON *inv)
{
    char err[512];
    pal_vuln_opts vo;
    memset(&vo, 0, sizeof vo);
    vo.allow = vs->allow;
    vo.min_severity = vsev_of(s->o.vuln_threshold ? (unsigned)s->o.vuln_threshold : s->o.fail_on);
    vo.only_fixed = s->o.only_fixed;
    vo.keep_filtered = true;
    memcpy(vo.grace_days, s->o.grace_days, sizeof vo.grace_days);
    if (pal_vuln_match(vs->feeds, inv, &vo, &vs->list, err, sizeof err) != 0)
        return scan_fail("%s: matching vulnerabilities: %s", s->o.image, err);
    vs->matched = true;
    if (pal_vuln_to_json(&vs->list, inv) != 0) return scan_fail("out of memory");
    return 0;
}

static int report_vulns(scan *s, vuln_state *vs, bool windows)
{
    const char *names[65];
    unsigned nnames = 0;
    if (s->rpt.image.name) names[nnames++] = s->rpt.image.name;
    for (unsigned i = 0; i < s->rpt.image.ntags && nnames < 65; i++) names[nnames++] = s->rpt.image.tags[i];
    s->rpt.vulns_scanned = true;
    for (size_t i = 0; i < vs->list.n; i++) {
        const pal_vuln *v = &vs->list.items[i];
        /* --only-fixed leaves unfixed ones out; other filtered ones are
           below the threshold and are shown without failing */
        if (v->status == PAL_VST_BELOW && s->o.only_fixed && !v->fix_available) continue;
        rpt_vuln *rv = rpt_add_vuln(&s->rpt);
        if (!rv) return scan_fail("out of memory");
        rv->id = rpt_str(&s->rpt, v->id);
        rv->package = rpt_str(&s->rpt, v->package);
        rv->version = rpt_str(&s->rpt, v->version);
        rv->ecosystem = rpt_str(&s->rpt, v->ecosystem);
        rv->fixed_version = rpt_str(&s->rpt, v->fixed_version);
        rv->published = rpt_str(&s->rpt, v->published);
        rv->kb = rpt_str(&s->rpt, v->kb);
        rv->source = rpt_str(&s->rpt, v->source);
        rv->title = rpt_str(&s->rpt, v->title);
        rv->severity = sev_of_vuln(v->severity);
        rv->severity_name = pal_vuln_severity_name(v->severity);
        rv->cvss = v->cvss10 >= 0 ? v->cvss10 / 10.0 : 0;
        rv->risk = v->risk;
        rv->age_days = v->age_days;
        rv->fix_available = v->fix_available;
        rv->exploit = v->exploit;
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
                     s->o.grace_days[v->severity], pal_vuln_severity_name(v->severity));
            break;
        case PAL_VST_BELOW:
            rv->status = RS_INFO;
            snprintf(note, sizeof note, "below the vulnerability threshold (%s)",
                     rpt_sev_name(s->o.vuln_threshold ? (unsigned)s->o.vuln_threshold : s->o.fail_on));
            break;
        default:
            rv->status = RS_FAIL;
            if (v->allow_expired)
                snprintf(note, sizeof note, "the allow-list entry expired on %s (%s)",
                         v->allow_expires ? v->allow_expires : "?", v->allow_reason ? v->allow_reason : "");
            break;
        }
        if (rv->status == RS_FAIL && s->have_exc) {
            cli_exception *e = cli_exceptions_match(&s->exc, v->id, names, nnames, v->package, NULL, windows);
            apply_exception(s, &rv->exc, &rv->status, &rv->has_exception, e);
            if (e && rv->status == RS_EXCEPTED)
                snprintf(note, sizeof note, "excepted%s%s: %s", e->expires ? " until " : "", e->expires ? e->expires : "",
                         e->reason);
            else if (e)
                snprintf(note, sizeof note, "the exception in %s:%u expired on %s", s->exc.file, e->line, e->expires);
        }
        if (note[0]) rv->note = rpt_str(&s->rpt, note);
    }
    if (vs->list.omitted) rpt_note(&s->rpt, "%zu more vulnerabilities were not kept (limit PAL_VULN_MAX_RESULTS)", vs->list.omitted);
    for (size_t i = 0; i < vs->list.nnotes; i++) rpt_note(&s->rpt, "%s", vs->list.notes[i]);
    if (vs->list.notes_omitted) rpt_note(&s->rpt, "... and %zu more matching notes", vs->list.notes_omitted);
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

static int describe_image(scan *s, const cJSON *inv)
{
    const cJSON *im = cJSON_GetObjectItemCaseSensitive(inv, "image");
    rpt_image *ri = &s->rpt.image;
    ri->file = rpt_str(&s->rpt, s->o.image);
    ri->name = rpt_str(&s->rpt, json_str(im, "name"));
    ri->id = rpt_str(&s->rpt, json_str(im, "id"));
    ri->os = rpt_str(&s->rpt, json_str(im, "os"));
    ri->os_version = rpt_str(&s->rpt, json_str(im, "os_version"));
    ri->architecture = rpt_str(&s->rpt, json_str(im, "architecture"));
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(im, "tags");
    int n = cJSON_IsArray(tags) ? cJSON_GetArraySize(tags) : 0;
    if (n > 64) n = 64;
    if (n > 0) {
        ri->tags = pal_arena_alloc(&s->rpt.arena, (size_t)n * sizeof *ri->tags);
        if (!ri->tags) return -1;
        const cJSON *t;
        cJSON_ArrayForEach(t, tags) {
            if (ri->ntags == (unsigned)n) break;
            if (cJSON_IsString(t)) ri->tags[ri->ntags++] = rpt_str(&s->rpt, t->valuestring);
        }
    }
    return 0;
}

/* Notes on the exceptions file: expired entries that still matched, and
   entries for this image that matched nothing (stale, or a typo). */
static void note_exceptions(scan *s)
{
    const char *names[65];
    unsigned nnames = 0;
    if (s->rpt.image.name) names[nnames++] = s->rpt.image.name;
    for (unsigned i = 0; i < s->rpt.image.ntags && nnames < 65; i++) names[nnames++] = s->rpt.image.tags[i];
    for (unsigned i = 0; i < s->exc.n; i++) {
        const cli_exception *e = &s->exc.e[i];
        if (e->used && e->expired) {
            rpt_note(&s->rpt, "the exception for %s (%s:%u) expired on %s: its finding%s fail%s again", e->id,
                     s->exc.file, e->line, e->expires, e->used == 1 ? "" : "s", e->used == 1 ? "s" : "");
            continue;
        }
        if (e->used) continue;
        bool for_image = !e->image;
        for (unsigned k = 0; k < nnames && !for_image; k++)
            for_image = pal_glob_match(e->image, strlen(e->image), names[k], strlen(names[k]), false, false);
        bool ran = false;
        for (unsigned k = 0; k < s->rpt.nchecks && !ran; k++) ran = !strcmp(s->rpt.checks[k].id, e->id);
        if (for_image && (ran || s->rpt.vulns_scanned))
            rpt_note(&s->rpt, "the exception for %s (%s:%u) matched no finding on this image; remove it if the risk is gone",
                     e->id, s->exc.file, e->line);
        else if (for_image)   /* a typo in an ID must not pass unnoticed */
            rpt_note(&s->rpt, "the exception for %s (%s:%u) names no check of this scan (IDs are case-sensitive: "
                     "PAL-0041; vulnerability IDs need --feeds)", e->id, s->exc.file, e->line);
    }
}

/* --timings: seconds per stage, and the slowest checks. */
enum { T_SETUP, T_FEEDS, T_READ, T_VULNS, T_RECORD, T_CHECKS, T_REPORT, T__N };
static const char *const stage_names[T__N] = {
    "setup (compile checks, frameworks, exceptions)", "loading vulnerability feeds", "reading the image",
    "matching vulnerabilities", "inventory to record", "running the checks", "writing the report"};

static void lap(double *t, int stage, struct timespec *mark)
{
    t[stage] += since(mark);
    clock_gettime(CLOCK_MONOTONIC, mark);
}

static void print_timings(const scan *s, const double *t)
{
    double total = 0;
    for (int i = 0; i < T__N; i++) total += t[i];
    fprintf(stderr, "palisade scan: timings\n");
    for (int i = 0; i < T__N; i++) fprintf(stderr, "  %-48s %8.3f s\n", stage_names[i], t[i]);
    fprintf(stderr, "  %-48s %8.3f s\n", "total", total);
    /* the five slowest checks (a selection: the report keeps program order) */
    unsigned pick[5], n = 0;
    for (; n < 5 && n < s->rpt.nchecks; n++) {
        unsigned best = UINT32_MAX;
        for (unsigned i = 0; i < s->rpt.nchecks; i++) {
            bool used = false;
            for (unsigned k = 0; k < n; k++) used = used || pick[k] == i;
            if (!used && (best == UINT32_MAX || s->rpt.checks[i].seconds > s->rpt.checks[best].seconds)) best = i;
        }
        pick[n] = best;
    }
    if (n) fprintf(stderr, "  slowest checks:\n");
    for (unsigned k = 0; k < n; k++)
        fprintf(stderr, "    %-46s %8.3f s\n", s->rpt.checks[pick[k]].id, s->rpt.checks[pick[k]].seconds);
}

/* ------------------------------------------------------------------ */

static void scan_free(scan *s)
{
    for (unsigned k = 0; k < s->nprogs; k++) {
        if (s->progs[k].vm) pal_vm_free(s->progs[k].vm);
        pal_program_free(s->progs[k].p);
    }
    for (unsigned i = 0; i < s->nchecks; i++) free(s->checks[i].fw);
    free(s->checks);
    free(s->by_id);
    free(s->rpt_of);
    cli_frameworks_free(&s->fws);
    if (s->have_exc) cli_exceptions_free(&s->exc);
    for (unsigned i = 0; i < s->o.ndisable; i++) free(s->o.disable[i]);
    free(s->o.disable);
    rpt_free(&s->rpt);
}

int cmd_scan(int argc, char **argv)
{
    scan s;
    memset(&s, 0, sizeof s);
    rpt_init(&s.rpt);
    int rc = parse_args(argc, argv, &s.o);
    if (rc != 0) {
        scan_free(&s);
        return rc < 0 ? EXIT_OK : EXIT_ERROR;
    }
    s.rpt.fail_on = s.o.fail_on;
    struct timespec t0, mark;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    mark = t0;
    double times[T__N] = {0};
    vuln_state vs;
    memset(&vs, 0, sizeof vs);
    cJSON *inv = NULL;
    pal_arena a;
    pal_arena_init(&a, 0);
    char err[1024];
    rc = EXIT_ERROR;

    /* everything that can be wrong with the inputs, before the image is read */
    if (load_programs(&s) != 0 || load_frameworks(&s) != 0 || select_checks(&s) != 0 || build_report_checks(&s) != 0)
        goto out;
    if (s.o.exceptions) {
        long today = (long)(time(NULL) / 86400);
        if (cli_exceptions_load(&s.exc, s.o.exceptions, today, err, sizeof err) != 0) {
            cli_error("scan", "%s", err);   /* names the file */
            goto out;
        }
        s.have_exc = true;
    }
    lap(times, T_SETUP, &mark);
    progress_start();
    if (s.o.nfeeds) {
        progress_stage("loading vulnerability feeds");
        if (load_feeds(&s, &vs) != 0) goto out;
        lap(times, T_FEEDS, &mark);
    }

    progress_stage("reading the image");
    pal_inventory_opts io = {true, SCAN_CONTENT_MAX};
    if (pal_inventory_read(s.o.image, &io, &inv, err, sizeof err) != 0) {
        cli_error("scan", "%s: %s", s.o.image, err);
        goto out;
    }
    if (describe_image(&s, inv) != 0) { cli_error("scan", "out of memory"); goto out; }
    lap(times, T_READ, &mark);
    bool windows = s.rpt.image.os && !strcmp(s.rpt.image.os, "windows");
    choose_remediations(&s, windows);
    if (s.o.nfeeds) {
        progress_stage("matching vulnerabilities");
        if (match_vulns(&s, &vs, inv) != 0 || report_vulns(&s, &vs, windows) != 0) goto out;
        lap(times, T_VULNS, &mark);
    }
    pal_record rec;
    if (pal_record_from_json(pal_schema_get(PS_IMAGE), inv, windows, &a, &rec, err, sizeof err) != 0) {
        cli_error("scan", "%s: %s", s.o.image, err);
        goto out;
    }
    lap(times, T_RECORD, &mark);
    progress_stage("running the checks");
    if (run_checks(&s, &rec, windows) != 0) goto out;
    if (s.have_exc) note_exceptions(&s);
    s.rpt.seconds = since(&t0);
    rpt_finish(&s.rpt);
    progress_stop();
    lap(times, T_CHECKS, &mark);

    if (s.o.out) {
        if (rpt_write_file(&s.rpt, s.o.format, s.o.out, err, sizeof err) != 0) {
            cli_error("scan", "-o %s", err);
            goto out;
        }
    } else if (rpt_write(&s.rpt, s.o.format, stdout) != 0) {
        cli_error("scan", "writing the report: %s", strerror(errno));
        goto out;
    }
    lap(times, T_REPORT, &mark);
    if (s.o.timings) print_timings(&s, times);
    for (unsigned i = 0; i < s.rpt.nchecks; i++)
        if (s.rpt.checks[i].error)
            fprintf(stderr, "palisade scan: check %s stopped: %s\n", s.rpt.checks[i].id, s.rpt.checks[i].error);
    rc = s.rpt.checks_errors ? EXIT_ERROR : s.rpt.passed ? EXIT_OK : EXIT_POLICY;
out:
    progress_stop();
    if (vs.matched) pal_vuln_list_free(&vs.list);
    if (vs.allow) pal_allowlist_free(vs.allow);
    if (vs.feeds) pal_feeds_free(vs.feeds);
    cJSON_Delete(inv);
    pal_arena_free(&a);
    scan_free(&s);
    return rc;
}
