/*
 * cmd_fmt.c — `palisade fmt [-w] [-l] [-d] [PATH ...]`: canonical layout of
 * policy source (lang/tools/fmt.c does the work).
 *
 * Like gofmt: with no path it formats standard input to standard output;
 * a directory means every .pal file under it (hidden entries skipped, in
 * sorted order); a file named on the command line is formatted whatever its
 * name.  -w rewrites files that change, atomically (a temporary file in the
 * same directory, renamed over the original, mode kept), so an interrupted
 * run never leaves half a policy.  -l lists the files that would change,
 * -d prints a unified diff; with either, the exit status is 1 when anything
 * would change, which is what CI wants.  A file that does not parse is
 * reported (exit 2) and never touched; the other files are still handled.
 * A directory with no .pal file under it is exit 2, as for lint and build.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/cli.h"
#include "engine/base/fileio.h"
#include "lang/tools/fmt.h"
#include "engine/base/limits.h"

/* A unified diff gives up on finding the shortest edit past this many
   differing lines and shows the rest as one replacement. */
#define FMT_DIFF_MAX_EDITS 20000

typedef struct { char **v; size_t n, cap; } pathvec;

static int pv_add(pathvec *pv, const char *s)
{
    if (pv->n == pv->cap) {
        size_t cap = pv->cap ? pv->cap * 2 : 64;
        char **v = realloc(pv->v, cap * sizeof *v);
        if (!v) return -1;
        pv->v = v;
        pv->cap = cap;
    }
    if (!(pv->v[pv->n] = strdup(s))) return -1;
    pv->n++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcmp(s + n - m, suf);
}

/* Every .pal file under dir; symlinks are not followed into directories. */
static void walk(const char *dir, pathvec *out, int depth, int *err)
{
    if (depth > 32 || out->n > PAL_MAX_FILES * 4) return;
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "palisade fmt: %s: %s\n", dir, strerror(errno));
        *err = 1;
        return;
    }
    pathvec here = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char p[4096];
        if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p) continue;
        pv_add(&here, p);
    }
    closedir(d);
    qsort(here.v, here.n, sizeof *here.v, cmp_str);
    for (size_t i = 0; i < here.n; i++) {
        struct stat st;
        if (lstat(here.v[i], &st) == 0) {
            if (S_ISDIR(st.st_mode)) walk(here.v[i], out, depth + 1, err);
            else if (S_ISREG(st.st_mode) && ends_with(here.v[i], ".pal")) pv_add(out, here.v[i]);
        }
        free(here.v[i]);
    }
    free(here.v);
}

/* ---- unified diff (Myers) ---- */

typedef struct { const char *s; size_t n; } line;

static size_t split_lines(const char *s, size_t n, line **out)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) count += s[i] == '\n';
    if (n && s[n - 1] != '\n') count++;
    line *v = malloc((count + 1) * sizeof *v);
    if (!v) { *out = NULL; return 0; }
    size_t k = 0, start = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n') { v[k++] = (line){s + start, i + 1 - start}; start = i + 1; }
    if (start < n) v[k++] = (line){s + start, n - start};
    *out = v;
    return k;
}

static bool line_eq(line a, line b) { return a.n == b.n && !memcmp(a.s, b.s, a.n); }

/* op per line of the edit script: ' ' keep, '-' delete (from a), '+' insert (from b). */
typedef struct { char op; size_t ai, bi; } edit;

/* The shortest edit script, by Myers' greedy algorithm with the trace kept
   per step; past FMT_DIFF_MAX_EDITS steps, a plain replacement. */
static edit *diff_lines(const line *a, size_t n, const line *b, size_t m, size_t *nedits)
{
    size_t max = n + m;
    if (max > FMT_DIFF_MAX_EDITS) max = FMT_DIFF_MAX_EDITS;
    size_t width = 2 * max + 1;
    long *v = calloc(width, sizeof *v);
    long **trace = calloc(max + 1, sizeof *trace);
    edit *e = malloc((n + m + 1) * sizeof *e);
    size_t ne = 0;
    long found = -1;
    if (!v || !trace || !e) goto plain;
    long off = (long)max;
    for (long d = 0; d <= (long)max; d++) {
        trace[d] = malloc(width * sizeof *v);
        if (!trace[d]) goto plain;
        for (long k = -d; k <= d; k += 2) {
            long x;
            if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) x = v[off + k + 1];
            else x = v[off + k - 1] + 1;
            long y = x - k;
            while (x < (long)n && y < (long)m && line_eq(a[x], b[y])) x++, y++;
            v[off + k] = x;
            if (x >= (long)n && y >= (long)m) { found = d; break; }
        }
        memcpy(trace[d], v, width * sizeof *v);
        if (found >= 0) break;
    }
    if (found < 0) goto plain;
    /* walk back */
    {
        long x = (long)n, y = (long)m;
        edit *rev = malloc((n + m + 1) * sizeof *rev);
        size_t nr = 0;
        if (!rev) goto plain;
        for (long d = found; d > 0; d--) {
            long *pv = trace[d - 1];
            long k = x - y;
            long pk = (k == -d || (k != d && pv[off + k - 1] < pv[off + k + 1])) ? k + 1 : k - 1;
            long px = pv[off + pk], py = px - pk;
            while (x > px && y > py) { x--; y--; rev[nr++] = (edit){' ', (size_t)x, (size_t)y}; }
            if (x == px) { y--; rev[nr++] = (edit){'+', (size_t)x, (size_t)y}; }
            else { x--; rev[nr++] = (edit){'-', (size_t)x, (size_t)y}; }
        }
        while (x > 0 && y > 0) { x--; y--; rev[nr++] = (edit){' ', (size_t)x, (size_t)y}; }
        for (size_t i = 0; i < nr; i++) e[ne++] = rev[nr - 1 - i];
        free(rev);
    }
    goto done;
plain:
    ne = 0;
    if (e) {
        for (size_t i = 0; i < n; i++) e[ne++] = (edit){'-', i, 0};
        for (size_t j = 0; j < m; j++) e[ne++] = (edit){'+', n, j};
    }
done:
    if (trace)
        for (size_t d = 0; d <= max; d++) free(trace[d]);
    free(trace);
    free(v);
    *nedits = ne;
    return e;
}

static void put_line(char op, line l)
{
    putchar(op);
    fwrite(l.s, 1, l.n, stdout);
    if (!l.n || l.s[l.n - 1] != '\n') fputs("\n\\ No newline at end of file\n", stdout);
}

static void print_diff(const char *name, const char *a, size_t an, const char *b, size_t bn)
{
    line *la, *lb;
    size_t n = split_lines(a, an, &la), m = split_lines(b, bn, &lb);
    size_t ne = 0;
    edit *e = (la && lb) ? diff_lines(la, n, lb, m, &ne) : NULL;
    if (!e) { free(la); free(lb); fprintf(stderr, "palisade fmt: %s: out of memory for the diff\n", name); return; }
    printf("--- %s.orig\n+++ %s\n", name, name);
    const size_t ctx = 3;
    size_t i = 0;
    while (i < ne) {
        while (i < ne && e[i].op == ' ') i++;
        if (i >= ne) break;
        /* a hunk: from ctx lines before this change to ctx after the last change
           that is within 2*ctx of the next */
        size_t start = i >= ctx ? i - ctx : 0;
        size_t end = i;
        for (;;) {
            while (end < ne && e[end].op != ' ') end++;
            size_t j = end;
            while (j < ne && e[j].op == ' ' && j - end < 2 * ctx) j++;
            if (j < ne && e[j].op != ' ') { end = j; continue; }
            end = end + ctx < ne ? end + ctx : ne;
            /* trailing context only over unchanged lines */
            break;
        }
        size_t astart = 0, bstart = 0, acount = 0, bcount = 0;
        bool afirst = true, bfirst = true;
        for (size_t k = start; k < end; k++) {
            if (e[k].op != '+') { if (afirst) { astart = e[k].ai; afirst = false; } acount++; }
            if (e[k].op != '-') { if (bfirst) { bstart = e[k].bi; bfirst = false; } bcount++; }
        }
        if (afirst) astart = e[start].ai;
        if (bfirst) bstart = e[start].bi;
        printf("@@ -%zu,%zu +%zu,%zu @@\n", acount ? astart + 1 : astart, acount, bcount ? bstart + 1 : bstart, bcount);
        for (size_t k = start; k < end; k++) {
            if (e[k].op == '+') put_line('+', lb[e[k].bi]);
            else put_line(e[k].op, la[e[k].ai]);
        }
        i = end;
    }
    free(e);
    free(la);
    free(lb);
}

/* ---- writing in place ---- */

/* The formatted text over the file, atomically, keeping its mode. */
static int write_atomic(const char *path, const char *data, size_t len)
{
    struct stat st;
    char err[600];
    if (stat(path, &st) != 0) {
        fprintf(stderr, "palisade fmt: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (pal_write_file_atomic(path, data, len, (int)(st.st_mode & 07777), err, sizeof err) != 0) {
        fprintf(stderr, "palisade fmt: %s (file unchanged)\n", err);
        return -1;
    }
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: palisade fmt [-w] [-l] [-d] [PATH ...]\n"
               "Formats policy source in the one canonical layout (lang/LINT.md, \"Formatting\").\n"
               "With no PATH, reads standard input and writes standard output. A directory\n"
               "means every .pal file under it.\n"
               "  -w  write the result to the file (atomically) instead of standard output\n"
               "  -l  list the files whose formatting differs\n"
               "  -d  print a unified diff of what would change\n"
               "Exit status: 0 ok; 1 with -l or -d when a file is not formatted; 2 a file does\n"
               "not parse or cannot be read or written (it is left untouched), or a directory\n"
               "holds no .pal file.\n");
}

int cmd_fmt(int argc, char **argv)
{
    bool write = false, list = false, diff = false;
    pathvec paths = {0};
    int rc = EXIT_OK;
    bool changed_any = false;
    bool explicit_paths = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); return EXIT_OK; }
        if (a[0] == '-' && a[1] && strcmp(a, "--")) {
            if (a[1] == '-') return cli_error("fmt", "unknown option '%s' (see palisade fmt --help)", a);
            for (const char *c = a + 1; *c; c++) {
                if (*c == 'w') write = true;
                else if (*c == 'l') list = true;
                else if (*c == 'd') diff = true;
                else return cli_error("fmt", "unknown option '-%c' (see palisade fmt --help)", *c);
            }
            continue;
        }
        if (!strcmp(a, "--")) continue;
        explicit_paths = true;
        if (!strcmp(a, "-")) { pv_add(&paths, "-"); continue; }
        struct stat st;
        if (stat(a, &st) != 0) {
            fprintf(stderr, "palisade fmt: %s: %s\n", a, strerror(errno));
            rc = EXIT_ERROR;
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            int err = 0;
            size_t before = paths.n;
            walk(a, &paths, 0, &err);
            if (err) rc = EXIT_ERROR;
            /* as lint, test and build say: a directory without policy is a wrong path */
            else if (paths.n == before) rc = cli_error("fmt", "%s: no .pal files under it", a);
        } else {
            pv_add(&paths, a);
        }
    }
    if (!explicit_paths) pv_add(&paths, "-");
    for (size_t i = 0; i < paths.n; i++) {
        const char *p = paths.v[i];
        bool is_stdin = !strcmp(p, "-");
        const char *name = is_stdin ? "<stdin>" : p;
        if (is_stdin && write) {
            rc = cli_error("fmt", "-w needs files to write; standard input is printed instead");
            continue;
        }
        char *src = NULL;
        size_t len = 0;
        char why[600];
        int r = is_stdin ? pal_read_fd(STDIN_FILENO, name, PAL_MAX_SOURCE_BYTES, &src, &len, why, sizeof why)
                         : pal_read_file(p, PAL_MAX_SOURCE_BYTES, &src, &len, why, sizeof why);
        if (r == PAL_READ_TOO_LARGE) {
            fprintf(stderr, "palisade fmt: %s: larger than %u bytes; split the file\n", name, PAL_MAX_SOURCE_BYTES);
            rc = EXIT_ERROR;
            continue;
        }
        if (r != PAL_READ_OK) { fprintf(stderr, "palisade fmt: %s\n", why); rc = EXIT_ERROR; continue; }
        char *out = NULL;
        size_t outlen = 0;
        if (pal_format(name, src, len, NULL, NULL, &out, &outlen) != 0) {
            free(src);
            rc = EXIT_ERROR;
            continue;
        }
        bool changed = outlen != len || memcmp(out, src, len) != 0;
        if (changed) changed_any = true;
        if (list && changed) printf("%s\n", name);
        if (diff && changed) print_diff(name, src, len, out, outlen);
        if (write && changed && !is_stdin) {
            if (write_atomic(p, out, outlen) != 0) rc = EXIT_ERROR;
        }
        if (!write && !list && !diff) fwrite(out, 1, outlen, stdout);
        free(out);
        free(src);
    }
    for (size_t i = 0; i < paths.n; i++) free(paths.v[i]);
    free(paths.v);
    fflush(stdout);
    if (rc == EXIT_OK && changed_any && (list || diff)) rc = EXIT_POLICY;
    return rc;
}
