/*
 * bench_vuln.c — feed load and vulnerability matching times against
 * baselines measured in the same process and run (tests/bench/vuln.sh
 * builds and runs it).
 *
 *   bench_vuln FEED_DIR IMAGE.tar [ROUNDS]   load, match, attach
 *   bench_vuln --load FEED_DIR               load only
 *
 * Load baselines, over exactly the bytes of FEED_DIR's *.json files:
 *   read        open + read + close of every file (what any loader pays)
 *   cJSON       cJSON_ParseWithLength + cJSON_Delete of every file, the
 *               files read into memory beforehand (parse only, no loading)
 * and for matching, the inventory of the image.  Times are CPU seconds of
 * this process (user + system, best of 3 for the load), so other work on a
 * shared machine does not count; each is printed beside its baseline as a
 * ratio.  Nothing asserts a time: a slow machine never fails the bench.
 */
#include "engine/inventory/inventory.h"
#include "engine/vuln/vuln.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct files {
    char **path;
    char **text;
    size_t *len;
    size_t n, cap, bytes;
} files;

static void collect(files *fs, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        size_t pl = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(pl);
        snprintf(p, pl, "%s/%s", dir, e->d_name);
        struct stat st;
        size_t nl = strlen(e->d_name);
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) { collect(fs, p); free(p); continue; }
        if (!S_ISREG(st.st_mode) || nl < 6 || strcmp(e->d_name + nl - 5, ".json")) { free(p); continue; }
        if (fs->n == fs->cap) {
            fs->cap = fs->cap ? fs->cap * 2 : 1024;
            fs->path = realloc(fs->path, fs->cap * sizeof *fs->path);
            fs->text = realloc(fs->text, fs->cap * sizeof *fs->text);
            fs->len = realloc(fs->len, fs->cap * sizeof *fs->len);
        }
        fs->path[fs->n] = p;
        fs->text[fs->n] = NULL;
        fs->len[fs->n++] = 0;
    }
    closedir(d);
}

/* open + read + close of every file: the floor of any loader */
static double time_read(files *fs, bool keep)
{
    double t0 = cpu_now();
    fs->bytes = 0;
    for (size_t i = 0; i < fs->n; i++) {
        int fd = open(fs->path[i], O_RDONLY);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0) { perror(fs->path[i]); exit(2); }
        char *buf = malloc((size_t)st.st_size + 1);
        size_t n = 0;
        ssize_t r;
        while ((r = read(fd, buf + n, (size_t)st.st_size + 1 - n)) > 0) n += (size_t)r;
        close(fd);
        buf[n] = 0;
        fs->bytes += n;
        if (keep) { free(fs->text[i]); fs->text[i] = buf; fs->len[i] = n; }
        else free(buf);
    }
    return cpu_now() - t0;
}

static double time_cjson(const files *fs)
{
    double t0 = cpu_now();
    for (size_t i = 0; i < fs->n; i++) {
        cJSON *root = cJSON_ParseWithLength(fs->text[i], fs->len[i] + 1);
        if (!root) { fprintf(stderr, "bench_vuln: cJSON rejects %s\n", fs->path[i]); exit(2); }
        cJSON_Delete(root);
    }
    return cpu_now() - t0;
}

static double best3(double a, double b, double c)
{
    double m = a < b ? a : b;
    return m < c ? m : c;
}

/* Loads dir three times; prints the best beside the baselines.  Returns
   the last load (the caller frees). */
static pal_feeds *bench_load(const char *dir, double *t_load_out)
{
    files fs = {0};
    collect(&fs, dir);
    double t_read = best3(time_read(&fs, false), time_read(&fs, false), time_read(&fs, true));
    double t_cjson = best3(time_cjson(&fs), time_cjson(&fs), time_cjson(&fs));
    char err[1024];
    pal_feeds *f = NULL;
    double t_load = 1e9;
    pal_feed_report rep;
    for (int r = 0; r < 3; r++) {
        pal_feeds_free(f);
        pal_feed_report_init(&rep);
        double t0 = cpu_now();
        f = pal_feeds_load(dir, &rep, err, sizeof err);
        double t = cpu_now() - t0;
        if (!f) { fprintf(stderr, "bench_vuln: %s\n", err); exit(2); }
        if (t < t_load) t_load = t;
        if (r < 2) pal_feed_report_free(&rep);
    }
    pal_feeds_stats st;
    pal_feeds_stats_get(f, &st);
    printf("  %zu files, %.1f MiB; %zu OSV records loaded, %zu package keys, %u problems\n",
           fs.n, fs.bytes / 1048576.0, st.osv_records, st.packages, rep.errors + rep.warnings);
    printf("  %-48s %8.3f s  (baseline a)\n", "read the files (open, read, close)", t_read);
    printf("  %-48s %8.3f s  (baseline b)\n", "cJSON parse + free, files already read", t_cjson);
    printf("  %-48s %8.3f s  %6.2fx a  %6.2fx b\n", "pal_feeds_load (read, parse, validate, index)",
           t_load, t_load / t_read, t_load / t_cjson);
    pal_feed_report_free(&rep);
    for (size_t i = 0; i < fs.n; i++) { free(fs.path[i]); free(fs.text[i]); }
    free(fs.path); free(fs.text); free(fs.len);
    *t_load_out = t_load;
    return f;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--load")) {
        double t;
        pal_feeds_free(bench_load(argv[2], &t));
        return 0;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: bench_vuln FEED_DIR IMAGE.tar [ROUNDS] | bench_vuln --load FEED_DIR\n");
        return 2;
    }
    int rounds = argc > 3 ? atoi(argv[3]) : 5;
    if (rounds < 1) rounds = 1;
    char err[1024];

    double t_load;
    pal_feeds *f = bench_load(argv[1], &t_load);

    double t0 = cpu_now();
    cJSON *inv = NULL;
    pal_inventory_opts io = {0};
    if (pal_inventory_read(argv[2], &io, &inv, err, sizeof err) < 0) {
        fprintf(stderr, "bench_vuln: %s\n", err);
        return 2;
    }
    double t_inv = cpu_now() - t0;
    int npkgs = cJSON_GetArraySize(cJSON_GetObjectItem(inv, "packages"));

    double best = 1e9, tj = 0;
    size_t found = 0;
    pal_vuln_opts o = {.today = "2025-01-01"};
    for (int r = 0; r < rounds; r++) {
        pal_vuln_list l;
        t0 = cpu_now();
        if (pal_vuln_match(f, inv, &o, &l, err, sizeof err) < 0) {
            fprintf(stderr, "bench_vuln: %s\n", err);
            return 2;
        }
        double t = cpu_now() - t0;
        if (t < best) best = t;
        found = l.n;
        if (r == rounds - 1) {
            t0 = cpu_now();
            pal_vuln_to_json(&l, inv);
            tj = cpu_now() - t0;
        }
        pal_vuln_list_free(&l);
    }
    printf("  %-48s %8.4f s  (baseline c, %d packages)\n", "inventory of the image", t_inv, npkgs);
    printf("  %-48s %8.4f s  %7.3fx c\n", "load the feed (from above)", t_load, t_load / t_inv);
    printf("  %-48s %8.4f s  %7.3fx c  (best of %d; %zu vulnerabilities)\n",
           "match the image against the feed", best, best / t_inv, rounds, found);
    printf("  %-48s %8.4f s  %7.3fx c\n", "attach image.vulnerabilities (to_json)", tj, tj / t_inv);
    printf("  %-48s %8.2f us\n", "match per package", best / (npkgs ? npkgs : 1) * 1e6);
    pal_feeds_free(f);
    cJSON_Delete(inv);
    return 0;
}
