/*
 * cmd_scan.c — `palisade scan IMAGE.tar`: read the image, run every
 * enabled check (the built-in ones and the user's) and, with --feeds,
 * match its packages against vulnerability feeds; report; exit 0 pass,
 * 1 fail, 2 error.  `palisade scan IMAGE... ` and `--images DIR` scan
 * several images in one run — the checks compiled and the feeds loaded
 * once, one image's inventory in memory at a time — into one report
 * (engine/report/report.h, "Several images"), exit status by the worst.
 *
 * The scan itself is engine/scan/scan.h (pal_scan_run: checks, frameworks,
 * selection, exceptions, vulnerabilities, the report).  This command parses
 * the flags, compiles or loads the check programs (the built-in ones come
 * from the binary, cli/policy.c) and hands them in with the built-in
 * framework files, shows progress on a terminal, writes the report in the
 * format asked for, and turns its outcome into the exit status.
 */
#include <dirent.h>
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
#include <sys/ioctl.h>
#include <sys/stat.h>
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/policy.h"
#include "engine/scan/scan.h"
#include "engine/scan/frameworks.h"
#include "engine/report/report.h"
#include "engine/base/fileio.h"
#include "engine/vuln/vuln.h"

#define SCAN_MAX_POLICIES 16u      /* --policy options */
#define SCAN_MAX_FEEDS    16u      /* --feeds options */

static void usage(FILE *f)
{
    fprintf(f,
        "usage: palisade scan IMAGE.tar [options]\n"
        "       palisade scan IMAGE.tar IMAGE.tar... | --images DIR [options]\n"
        "\n"
        "Reads a docker-save or OCI tarball, runs the built-in compliance checks (and\n"
        "yours), matches vulnerabilities with --feeds, and reports.\n"
        "Exit 0 pass, 1 a finding at or above --fail-on (or a failing vulnerability), 2 error;\n"
        "with several images, the worst of them (an image that cannot be read is reported\n"
        "and the others are still scanned).\n"
        "\n"
        "images:\n"
        "  --images DIR             scan every image in DIR: *.tar, *.tar.gz, *.tgz, *.tar.zst\n"
        "                           and OCI layout directories, in name order (repeatable)\n"
        "checks:\n"
        "  --policy DIR|BUNDLE      add your checks to the built-in ones (repeatable)\n"
        "  --no-builtin             run only the checks of --policy\n"
        "  --disable ID[,ID...]     do not run these checks (repeatable)\n"
        "  --framework NAME         run only the checks of one framework (cis_docker, nist_800_190, ...)\n"
        "  --frameworks-dir DIR     add your framework files (*.yaml)\n"
        "  --exceptions FILE        accepted risks: a check or a CVE, optionally only in some images\n"
        "                           or paths (YAML: exceptions: [{id, image, path, reason, expires}]);\n"
        "                           reported as excepted, do not fail; applied after --allow-list\n"
        "vulnerabilities:\n"
        "  --feeds DIR|FILE         OSV, custom and Windows feeds (repeatable)\n"
        "  --sbom FILE              scan a CycloneDX or SPDX JSON SBOM instead of an image\n"
        "                           (its packages are matched; a check that reads what an SBOM\n"
        "                           does not list, config, files, users, is not applicable)\n"
        "  --vuln-threshold SEV     the lowest severity that fails (default: --fail-on)\n"
        "  --only-fixed             leave out vulnerabilities that have no fix\n"
        "  --grace-days SEV=N,...   a vulnerability younger than N days does not fail yet\n"
        "  --allow-list FILE        vulnerabilities accepted in every image (YAML or JSON:\n"
        "                           allow: [{id, package, reason, expires}]; README.md); reported\n"
        "                           as allowed, do not fail\n"
        "output:\n"
        "  --format FMT             text, json, sarif, junit, github, html (default text; from\n"
        "                           -o's extension .txt .json .sarif .xml .html when not given;\n"
        "                           another extension is refused)\n"
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
    /* several images: which one, and the bytes read so far */
    bool set;
    unsigned k, n;
    char image[160];
    uint64_t io_base;             /* /proc/self/io rchar at the start, or UINT64_MAX: not readable */
    uint64_t bytes_done;          /* sizes of the images finished (when rchar is not readable) */
    bool redraw;
} progress = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

/* Bytes this process has read (Linux: /proc/self/io rchar), UINT64_MAX
   when unknown.  It is what the progress line calls "read": every byte of
   every image (a layer stored behind the one before it is read twice) and
   of the feeds. */
static uint64_t io_read(void)
{
    FILE *f = fopen("/proc/self/io", "r");
    if (!f) return UINT64_MAX;
    char line[128];
    uint64_t v = UINT64_MAX;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "rchar: ", 7)) { v = strtoull(line + 7, NULL, 10); break; }
    fclose(f);
    return v;
}

/* 1234567 -> "1.2 MB" */
static void human_bytes(double b, char *out, size_t cap)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
    int u = 0;
    while (b >= 1000 && u < 4) { b /= 1000; u++; }
    snprintf(out, cap, u ? "%.1f %s" : "%.0f %s", b, units[u]);
}

/* "image 3 of 20: app.tar: reading the image; 120.4 MB read, 85.3 MB/s"
   (the caller holds the lock) */
static void set_line(char *out, size_t cap, double secs)
{
    uint64_t now = progress.io_base != UINT64_MAX ? io_read() : UINT64_MAX;
    uint64_t bytes = now != UINT64_MAX && now >= progress.io_base ? now - progress.io_base : progress.bytes_done;
    char b[32], rate[32];
    human_bytes((double)bytes, b, sizeof b);
    human_bytes(secs > 0 ? (double)bytes / secs : 0, rate, sizeof rate);
    snprintf(out, cap, "image %u of %u: %s: %s; %s read, %s/s", progress.k, progress.n, progress.image,
             progress.stage, b, rate);
}

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A status line longer than the terminal would wrap, and \r could not
   rewrite it: cut it (at a character) to the width. */
static void fit_terminal(char *line)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_col < 20) return;
    size_t max = (size_t)ws.ws_col - 16, cols = 0;   /* "palisade scan: " and the cursor */
    for (size_t i = 0; line[i]; i++) {
        if (((unsigned char)line[i] & 0xc0) != 0x80 && cols++ == max) { line[i] = 0; return; }
    }
}

static void *progress_main(void *arg)
{
    (void)arg;
    char last[sizeof progress.stage + sizeof progress.image + 96] = "";
    pthread_mutex_lock(&progress.mu);
    while (!progress.done) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 250000000L;
        if (until.tv_nsec >= 1000000000L) { until.tv_sec++; until.tv_nsec -= 1000000000L; }
        pthread_cond_timedwait(&progress.cv, &progress.mu, &until);
        double s = since(&progress.start);
        char line[sizeof last];
        if (progress.set) set_line(line, sizeof line, s);
        else snprintf(line, sizeof line, "%s (%.0fs)", progress.stage, s);
        fit_terminal(line);
        if (progress.redraw) { last[0] = 0; progress.redraw = false; }
        /* one image: only once it takes a while; several: from the start */
        if (!progress.done && (s >= 1.0 || progress.set) && strncmp(line, last, sizeof last - 1) != 0) {
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
    progress.io_base = io_read();
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
    vsnprintf(progress.stage, sizeof progress.stage, fmt, ap);   /* drawn at the next tick */
    pthread_mutex_unlock(&progress.mu);
    va_end(ap);
}

/* Several images: the next one starts (the status line shows it at once). */
static void progress_image(unsigned k, unsigned n, const char *image)
{
    if (!progress.on) return;
    pthread_mutex_lock(&progress.mu);
    progress.set = true;
    progress.k = k;
    progress.n = n;
    const char *base = strrchr(image, '/');
    snprintf(progress.image, sizeof progress.image, "%s", base && base[1] ? base + 1 : image);
    snprintf(progress.stage, sizeof progress.stage, "starting");
    /* drawn here, not at the thread's next tick: every image shows, however quick */
    char line[sizeof progress.stage + sizeof progress.image + 96];
    set_line(line, sizeof line, since(&progress.start));
    fit_terminal(line);
    fprintf(stderr, "\r\033[Kpalisade scan: %s", line);
    fflush(stderr);
    progress.shown = true;
    progress.redraw = true;
    pthread_mutex_unlock(&progress.mu);
}

/* Clears the status line before something else is printed to stderr. */
static void progress_clear(void)
{
    if (!progress.on) return;
    pthread_mutex_lock(&progress.mu);
    if (progress.shown) { fputs("\r\033[K", stderr); fflush(stderr); }
    progress.redraw = true;
    pthread_mutex_unlock(&progress.mu);
}

/* Several images: one finished; its line stays above the status line. */
static void progress_image_done(const char *line, uint64_t size)
{
    if (!progress.on) return;
    pthread_mutex_lock(&progress.mu);
    progress.bytes_done += size;
    fprintf(stderr, "\r\033[Kpalisade scan: %s\n", line);
    fflush(stderr);
    progress.redraw = true;
    pthread_mutex_unlock(&progress.mu);
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

/* ------------------------------------------------------------------ */
/* options                                                             */
/* ------------------------------------------------------------------ */

typedef struct scan_opts {
    char **images;                 /* IMAGE arguments, then each --images DIR's */
    unsigned nimages;
    const char **image_dirs;       /* --images */
    unsigned nimage_dirs;
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
    bool sbom;                     /* --sbom: image is an SBOM file */
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

static int add_image(scan_opts *o, const char *path, size_t len)
{
    char **n = realloc(o->images, (o->nimages + 1) * sizeof *n);
    if (!n) return -1;
    o->images = n;
    if (!(n[o->nimages] = strndup(path, len))) return -1;
    o->nimages++;
    return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && !strcmp(s + n - k, suffix);
}

static int cmp_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* --images DIR: its image tarballs and OCI layout directories, by name. */
static int add_image_dir(scan_opts *o, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return cli_error("scan", "--images %s: %s", dir, strerror(errno));
    char **names = NULL;
    unsigned n = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        if (snprintf(path, sizeof path, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/", e->d_name) >= (int)sizeof path)
            continue;
        struct stat st;
        if (stat(path, &st) != 0) continue;
        bool image = false;
        if (S_ISREG(st.st_mode))
            image = ends_with(e->d_name, ".tar") || ends_with(e->d_name, ".tar.gz") || ends_with(e->d_name, ".tgz") ||
                    ends_with(e->d_name, ".tar.zst");
        else if (S_ISDIR(st.st_mode)) {
            char layout[4200];
            snprintf(layout, sizeof layout, "%s/oci-layout", path);
            image = access(layout, F_OK) == 0;
        }
        if (!image) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) { rc = cli_error("scan", "out of memory"); break; }
            names = nn;
        }
        if (!(names[n] = strdup(path))) { rc = cli_error("scan", "out of memory"); break; }
        n++;
    }
    closedir(d);
    if (!rc && !n)
        rc = cli_error("scan", "--images %s: no images in it (*.tar, *.tar.gz, *.tgz, *.tar.zst files or OCI layout "
                       "directories)", dir);
    if (!rc) qsort(names, n, sizeof *names, cmp_name);
    for (unsigned i = 0; i < n; i++) {
        if (!rc && add_image(o, names[i], strlen(names[i])) != 0) rc = cli_error("scan", "out of memory");
        free(names[i]);
    }
    free(names);
    return rc;
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
        else if (cli_args_value(&A, "--sbom", "a CycloneDX or SPDX JSON file")) {
            if (o->nimages) return cli_error("scan", "--sbom FILE is instead of an image ('%s')", o->images[0]);
            if (add_image(o, A.value, strlen(A.value)) != 0) return cli_error("scan", "out of memory");
            o->sbom = true;
        }
        else if (cli_args_flag(&A, "--timings")) o->timings = true;
        else if (cli_args_value(&A, "--images", "a directory of image tarballs")) {
            const char **d = realloc(o->image_dirs, (o->nimage_dirs + 1) * sizeof *d);
            if (!d) return cli_error("scan", "out of memory");
            o->image_dirs = d;
            d[o->nimage_dirs++] = A.value;
        } else if (cli_args_is_option(&A) || A.failed) return cli_args_unknown(&A);
        else if (add_image(o, a, strlen(a)) != 0) return cli_error("scan", "out of memory");
    }
    if (A.failed) return EXIT_ERROR;
    if (o->sbom && (o->nimages > 1 || o->nimage_dirs))
        return cli_error("scan", "--sbom FILE scans one SBOM; give no image or --images beside it");
    for (unsigned i = 0; i < o->nimage_dirs; i++)
        if (add_image_dir(o, o->image_dirs[i]) != 0) return EXIT_ERROR;
    if (!o->nimages) { usage(stderr); return cli_error("scan", "which image? give a docker-save or OCI tarball"); }
    if (o->no_builtin && !o->npolicies)
        return cli_error("scan", "--no-builtin leaves no checks: add --policy DIR|BUNDLE");
    if (!o->nfeeds && (o->vuln_threshold || o->only_fixed || o->allow_list))
        return cli_error("scan", "--vuln-threshold, --only-fixed and --allow-list need --feeds DIR");
    for (int s = 0; s < 5; s++)
        if (o->grace_days[s] && !o->nfeeds) return cli_error("scan", "--grace-days needs --feeds DIR");
    if (o->format < 0) o->format = o->out ? rpt_format_from_path(o->out, RF_TEXT) : RF_TEXT;
    if (o->format < 0)
        return cli_error("scan", "-o %s: '%s' is not a report format (" RPT_PATH_FORMATS "; or give --format)", o->out,
                         strrchr(o->out, '.'));
    return 0;
}

/* ------------------------------------------------------------------ */
/* the scan (engine/scan/scan.h)                                       */
/* ------------------------------------------------------------------ */

static void on_progress(void *user, const char *what)
{
    (void)user;
    progress_stage("%s", what);
}

static void on_warning(void *user, const char *text)
{
    (void)user;
    fprintf(stderr, "palisade scan: %s\n", text);
}

/* The programs: the built-in checks (unless --no-builtin), then each
   --policy, compiled or loaded; loading prints its own errors. */
static int load_programs(const scan_opts *o, pal_scan_program *progs, unsigned *n)
{
    *n = 0;
    if (!o->no_builtin) {
        pal_program *p = cli_embedded_program("scan", "checks");
        if (!p) return -1;
        progs[(*n)++] = (pal_scan_program){p, "built-in", true};
    }
    for (unsigned i = 0; i < o->npolicies; i++) {
        pal_program *p = cli_load_policy("scan", o->policies[i], NULL);
        if (!p) return -1;
        progs[(*n)++] = (pal_scan_program){p, o->policies[i], false};
    }
    return 0;
}

/* The built-in framework files: the embedded tree's checks/frameworks/NAME.yaml. */
static unsigned builtin_frameworks(pal_scan_file *out, unsigned cap)
{
    static const char prefix[] = "checks/frameworks/";
    unsigned n = 0;
    for (unsigned long i = 0; i < cli_embedded_count && n < cap; i++) {
        const char *p = cli_embedded_files[i].path;
        size_t l = strlen(p);
        if (strncmp(p, prefix, sizeof prefix - 1) || !(l > 5 && !strcmp(p + l - 5, ".yaml"))) continue;
        out[n++] = (pal_scan_file){p, cli_embedded_files[i].data, cli_embedded_files[i].len};
    }
    return n;
}

/* --timings: seconds per stage, and the slowest checks. */
static void print_timings(const rpt_report *r, const pal_scan_timings *t)
{
    double total = 0;
    for (int i = 0; i < PAL_SCAN_NSTAGES; i++) total += t->seconds[i];
    fprintf(stderr, "palisade scan: timings\n");
    for (int i = 0; i < PAL_SCAN_NSTAGES; i++) fprintf(stderr, "  %-48s %8.3f s\n", pal_scan_stage_name(i), t->seconds[i]);
    fprintf(stderr, "  %-48s %8.3f s\n", "total", total);
    /* the five slowest checks (a selection: the report keeps program order) */
    unsigned pick[5], n = 0;
    for (; r && n < 5 && n < r->nchecks; n++) {
        unsigned best = UINT32_MAX;
        for (unsigned i = 0; i < r->nchecks; i++) {
            bool used = false;
            for (unsigned k = 0; k < n; k++) used = used || pick[k] == i;
            if (!used && (best == UINT32_MAX || r->checks[i].seconds > r->checks[best].seconds)) best = i;
        }
        pick[n] = best;
    }
    if (n) fprintf(stderr, "  slowest checks:\n");
    for (unsigned k = 0; k < n; k++)
        fprintf(stderr, "    %-46s %8.3f s\n", r->checks[pick[k]].id, r->checks[pick[k]].seconds);
}

static int write_report(const scan_opts *o, const rpt_report *r)
{
    char err[1024];
    if (o->out) {
        if (rpt_write_file(r, o->format, o->out, err, sizeof err) != 0) return cli_error("scan", "-o %s", err);
    } else if (rpt_write(r, o->format, stdout) != 0) {
        return cli_error("scan", "writing the report: %s", strerror(errno));
    }
    return 0;
}

static void scan_opts_free(scan_opts *o)
{
    for (unsigned i = 0; i < o->nimages; i++) free(o->images[i]);
    free(o->images);
    free(o->image_dirs);
    for (unsigned i = 0; i < o->ndisable; i++) free(o->disable[i]);
    free(o->disable);
}

/* The library's options from the command's. */
static void library_opts(const scan_opts *o, pal_scan_opts *lo)
{
    memset(lo, 0, sizeof *lo);
    lo->image = o->images ? o->images[0] : NULL;
    lo->sbom = o->sbom;
    lo->frameworks_dir = o->frameworks_dir;
    lo->framework = o->framework;
    lo->disable = (const char *const *)o->disable;
    lo->ndisable = o->ndisable;
    lo->exceptions = o->exceptions;
    lo->feeds = o->feeds;
    lo->nfeeds = o->nfeeds;
    lo->fail_on = o->fail_on;
    lo->vuln_threshold = (unsigned)o->vuln_threshold;
    lo->only_fixed = o->only_fixed;
    memcpy(lo->grace_days, o->grace_days, sizeof lo->grace_days);
    lo->allow_list = o->allow_list;
    lo->progress = on_progress;
    lo->warning = on_warning;
}

static void print_check_errors(const rpt_report *r)
{
    const char *img = r->image.name && *r->image.name ? r->image.name : r->image.file;
    for (unsigned i = 0; i < r->nchecks; i++)
        if (r->checks[i].error)
            fprintf(stderr, "palisade scan: %s: check %s stopped: %s\n", img, r->checks[i].id, r->checks[i].error);
}

static uint64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
}

/* The line an image leaves on a terminal when it is done. */
static void image_done_line(char *out, size_t cap, unsigned k, unsigned n, const char *path, const rpt_report *r,
                            uint64_t size, double secs)
{
    char b[32];
    human_bytes((double)size, b, sizeof b);
    if (!r) { snprintf(out, cap, "image %u of %u: %s: ERROR (%s, %.1f s)", k, n, path, b, secs); return; }
    unsigned nfail = 0;
    for (int s = 0; s < 6; s++) nfail += r->fail_count[s];
    char vulns[64] = "vulnerabilities not checked";   /* no --feeds: "0 failing" would say they were */
    if (r->vulns_scanned)
        snprintf(vulns, sizeof vulns, "%u vulnerabilit%s failing", r->vulns_failing, r->vulns_failing == 1 ? "y" : "ies");
    snprintf(out, cap, "image %u of %u: %s: %s, %u finding%s, %s (%s, %.1f s)", k, n, path,
             r->checks_errors ? "ERROR" : r->passed ? "PASS" : "FAIL", nfail, nfail == 1 ? "" : "s", vulns, b, secs);
}

/* Several images into one report: the scanner set up once, each image
   scanned, added to the report and freed before the next; an image that
   cannot be read is reported and the rest still scanned.  The report file
   is written atomically when the last image is in. */
static int scan_set(const scan_opts *o, const pal_scan_opts *lo, double compile)
{
    char err[2048];
    pal_scan_timings total, t;
    pal_scanner *sc = pal_scanner_new(lo, &total, err, sizeof err);
    if (!sc) return cli_error("scan", "%s", err);
    total.seconds[PAL_SCAN_SETUP] += compile;
    pal_atomic w = {0};
    FILE *f = stdout;
    if (o->out) {
        if (pal_atomic_begin(&w, o->out, PAL_MODE_DEFAULT, err, sizeof err) != 0) {
            pal_scanner_free(sc);
            return cli_error("scan", "-o %s", err);
        }
        f = w.f;
    }
    rpt_set *set = rpt_set_begin(o->format, f, NULL);
    if (!set) {
        if (o->out) pal_atomic_abort(&w);
        pal_scanner_free(sc);
        return cli_error("scan", "out of memory");
    }
    bool broken = false;
    progress_start();
    for (unsigned k = 0; k < o->nimages && !broken; k++) {
        const char *path = o->images[k];
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        progress_image(k + 1, o->nimages, path);
        rpt_report r;
        char line[1024];
        uint64_t size = file_size(path);
        if (pal_scanner_scan(sc, path, &r, &t, err, sizeof err) != 0) {
            progress_clear();
            fprintf(stderr, "palisade scan: %s\n", err);
            broken = rpt_set_add_error(set, path, err) != 0;
            image_done_line(line, sizeof line, k + 1, o->nimages, path, NULL, size, since(&t0));
        } else {
            for (int i = 0; i < PAL_SCAN_NSTAGES; i++) total.seconds[i] += t.seconds[i];
            progress_clear();
            print_check_errors(&r);
            struct timespec mark;
            clock_gettime(CLOCK_MONOTONIC, &mark);
            broken = rpt_set_add(set, &r) != 0;
            total.seconds[PAL_SCAN_REPORT] += since(&mark);
            image_done_line(line, sizeof line, k + 1, o->nimages, path, &r, size, since(&t0));
        }
        rpt_free(&r);
        progress_image_done(line, size);
    }
    progress_stop();
    pal_scanner_free(sc);
    int status = rpt_set_status(set);
    int rc = status == 2 ? EXIT_ERROR : status == 1 ? EXIT_POLICY : EXIT_OK;
    errno = 0;
    if (broken) rpt_set_abort(set);
    else broken = rpt_set_end(set) != 0;
    if (broken) {   /* a report cut short is not written: the old file stays */
        rc = cli_error("scan", "writing the report: %s", errno ? strerror(errno) : "out of memory");
        if (o->out) pal_atomic_abort(&w);
    } else if (o->out && pal_atomic_commit(&w, err, sizeof err) != 0) {
        rc = cli_error("scan", "-o %s", err);
    }
    if (o->timings) print_timings(NULL, &total);
    return rc;
}

int cmd_scan(int argc, char **argv)
{
    scan_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc != 0) {
        scan_opts_free(&o);
        return rc < 0 ? EXIT_OK : EXIT_ERROR;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pal_scan_program progs[SCAN_MAX_POLICIES + 1];
    pal_scan_file fw_files[PAL_MAX_FRAMEWORKS];
    pal_scan_opts lo;
    library_opts(&o, &lo);
    lo.programs = progs;
    lo.framework_files = fw_files;
    lo.nframework_files = builtin_frameworks(fw_files, PAL_MAX_FRAMEWORKS);
    pal_scan_timings times;
    rpt_report rpt;
    rpt_init(&rpt);   /* pal_scan_run initialises it again; this is for the early exit */
    char err[1024];
    rc = EXIT_ERROR;
    if (load_programs(&o, progs, &lo.nprograms) != 0) goto out;
    double compile = since(&t0);
    if (o.nimages > 1 || o.nimage_dirs) {   /* several images: one combined report */
        rc = scan_set(&o, &lo, compile);
        goto out;
    }
    progress_start();
    int scanned = pal_scan_run(&lo, &rpt, &times, err, sizeof err);
    progress_stop();
    if (scanned != 0) {
        cli_error("scan", "%s", err);
        goto out;
    }
    times.seconds[PAL_SCAN_SETUP] += compile;   /* the library's clock started after compiling */
    rpt.seconds += compile;
    struct timespec mark;
    clock_gettime(CLOCK_MONOTONIC, &mark);
    if (write_report(&o, &rpt) != 0) goto out;
    times.seconds[PAL_SCAN_REPORT] = since(&mark);
    if (o.timings) print_timings(&rpt, &times);
    for (unsigned i = 0; i < rpt.nchecks; i++)
        if (rpt.checks[i].error) fprintf(stderr, "palisade scan: check %s stopped: %s\n", rpt.checks[i].id, rpt.checks[i].error);
    rc = rpt.checks_errors ? EXIT_ERROR : rpt.passed ? EXIT_OK : EXIT_POLICY;
out:
    for (unsigned k = 0; k < lo.nprograms; k++) pal_program_free((pal_program *)progs[k].program);
    rpt_free(&rpt);
    scan_opts_free(&o);
    return rc;
}
