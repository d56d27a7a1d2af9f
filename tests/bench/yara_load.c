/*
 * yara_load.c — the baseline of tests/bench/load.sh: libyara loading rules
 * compiled by yarac, timed as bench_load.c times palisade's load.
 *
 *   yara_load RULES.yarc REPS     prints "SECONDS RULES": the best CPU
 *                                 seconds of yr_rules_load over REPS runs
 *
 * yr_initialize and yr_rules_destroy stay outside the timed part (the
 * first is once per process, the second is palisade's pal_program_free).
 * Built only where libyara-dev is installed (`make bench-deps`).
 */
#include <yara.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: yara_load RULES.yarc REPS\n");
        return 2;
    }
    unsigned reps = (unsigned)strtoul(argv[2], NULL, 10);
    if (yr_initialize() != ERROR_SUCCESS) {
        fprintf(stderr, "yara_load: yr_initialize failed\n");
        return 2;
    }
    double best = 1e9;
    uint32_t nrules = 0;
    for (unsigned r = 0; r < reps; r++) {
        YR_RULES *rules;
        double t0 = cpu_s();
        int rc = yr_rules_load(argv[1], &rules);
        double t = cpu_s() - t0;
        if (rc != ERROR_SUCCESS) {
            fprintf(stderr, "yara_load: %s: yr_rules_load failed (%d)\n", argv[1], rc);
            return 2;
        }
        YR_RULES_STATS st;
        if (yr_rules_get_stats(rules, &st) == ERROR_SUCCESS) nrules = st.num_rules;
        if (t < best) best = t;
        yr_rules_destroy(rules);
    }
    yr_finalize();
    printf("%.6f %u\n", best, nrules);
    return 0;
}
