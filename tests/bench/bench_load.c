/*
 * bench_load.c — what loading a compiled policy costs, beside yara's
 * loading of compiled rules of the same shape.  Built and run by
 * tests/bench/load.sh (yara's side is tests/bench/yara_load.c).
 *
 *   bench_load gen DIR N            DIR/pal/bench.pal and DIR/rules.yar: N
 *                                   rules each, of the shapes in gen_rules.h
 *   bench_load load BUNDLE REPS [PUB]
 *                                   loads BUNDLE REPS times as an agent's
 *                                   reload does: pal_bundle_load_verified
 *                                   (read, checksum, signature when PUB is
 *                                   given, decode, verify, matchers) and
 *                                   pal_runtime_new (the rule index), and
 *                                   prints the best CPU seconds of each part
 *                                   and of the whole: "TOTAL LOAD INDEX RULES"
 *
 * CPU time of the process (everything here is one thread), the best of
 * REPS: the machine may be shared, and the least disturbed run is the
 * figure.  Freeing is outside the timed part, as it is on yara's side.
 */
#include "engine/vm/bundle.h"
#include "engine/runtime/runtime.h"
#include "engine/runtime/index.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bench_load: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

#include "tests/bench/gen_rules.h"

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "w");
    if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) die("%s: %s", path, strerror(errno));
}

static void gen(const char *dir, unsigned n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/pal", dir);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) die("%s: %s", dir, strerror(errno));
    if (mkdir(path, 0755) != 0 && errno != EEXIST) die("%s: %s", path, strerror(errno));
    char *pal, *yar;
    size_t pal_len, yar_len;
    gen_both(n, true, &pal, &pal_len, &yar, &yar_len);
    snprintf(path, sizeof path, "%s/pal/bench.pal", dir);
    write_file(path, pal, pal_len);
    snprintf(path, sizeof path, "%s/rules.yar", dir);
    write_file(path, yar, yar_len);
    free(pal);
    free(yar);
}

static void load(const char *bundle, unsigned reps, const char *pubpath)
{
    char err[1024];
    pal_pubkey pub;
    if (pubpath && pal_pubkey_load(pubpath, &pub, err, sizeof err) != 0) die("%s", err);
    double best_total = 1e9, best_load = 1e9, best_index = 1e9;
    uint32_t nrules = 0;
    for (unsigned r = 0; r < reps; r++) {
        pal_program *p;
        pal_bundle_sig sig;
        double t0 = cpu_s();
        if (pal_bundle_load_verified(bundle, pubpath ? &pub : NULL, &sig, &p, err, sizeof err) != 0) die("%s", err);
        double t1 = cpu_s();
        pal_runtime *rt = pal_runtime_new(p);
        double t2 = cpu_s();
        if (!rt || !pal_runtime_index(rt)) die("out of memory building the runtime");
        if (pubpath && sig.state != PAL_SIG_VALID) die("%s: not signed by %s", bundle, pubpath);
        nrules = p->nrules;
        if (t2 - t0 < best_total) best_total = t2 - t0;
        if (t1 - t0 < best_load) best_load = t1 - t0;
        if (t2 - t1 < best_index) best_index = t2 - t1;
        pal_runtime_free(rt);
        pal_program_free(p);
    }
    printf("%.6f %.6f %.6f %u\n", best_total, best_load, best_index, nrules);
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "gen")) gen(argv[2], (unsigned)strtoul(argv[3], NULL, 10));
    else if ((argc == 4 || argc == 5) && !strcmp(argv[1], "load"))
        load(argv[2], (unsigned)strtoul(argv[3], NULL, 10), argc == 5 ? argv[4] : NULL);
    else die("usage: bench_load gen DIR N | load BUNDLE REPS [PUBKEY]");
    return 0;
}
