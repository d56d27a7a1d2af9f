/*
 * bench_vuln.c — vulnerability matching time against the inventory time,
 * in one process and one run (tests/bench/vuln.sh builds and runs it).
 *
 *   bench_vuln FEED_DIR IMAGE.tar [ROUNDS]
 *
 * Times, on the same machine and data:
 *   inventory   pal_inventory_read(IMAGE)        (the baseline a scan pays anyway)
 *   load        pal_feeds_load(FEED_DIR)          (once per scan, or once per agent)
 *   match       pal_vuln_match(feeds, inventory)  (per image; best of ROUNDS)
 *   to_json     pal_vuln_to_json                  (attaching image.vulnerabilities)
 * and prints each beside the inventory time as a ratio.  Nothing asserts a
 * time: a slow machine never fails the bench.
 */
#include "engine/inventory/inventory.h"
#include "engine/vuln/vuln.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_vuln FEED_DIR IMAGE.tar [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 3 ? atoi(argv[3]) : 5;
    if (rounds < 1) rounds = 1;
    char err[1024];

    double t0 = now();
    cJSON *inv = NULL;
    pal_inventory_opts io = {0};
    if (pal_inventory_read(argv[2], &io, &inv, err, sizeof err) < 0) {
        fprintf(stderr, "bench_vuln: %s\n", err);
        return 2;
    }
    double t_inv = now() - t0;
    int npkgs = cJSON_GetArraySize(cJSON_GetObjectItem(inv, "packages"));

    pal_feed_report rep;
    pal_feed_report_init(&rep);
    t0 = now();
    pal_feeds *f = pal_feeds_load(argv[1], &rep, err, sizeof err);
    double t_load = now() - t0;
    if (!f) { fprintf(stderr, "bench_vuln: %s\n", err); return 2; }
    pal_feeds_stats st;
    pal_feeds_stats_get(f, &st);

    double best = 1e9;
    size_t found = 0;
    pal_vuln_opts o = {.today = "2025-01-01"};
    for (int r = 0; r < rounds; r++) {
        pal_vuln_list l;
        t0 = now();
        if (pal_vuln_match(f, inv, &o, &l, err, sizeof err) < 0) {
            fprintf(stderr, "bench_vuln: %s\n", err);
            return 2;
        }
        double t = now() - t0;
        if (t < best) best = t;
        found = l.n;
        if (r == rounds - 1) {
            t0 = now();
            pal_vuln_to_json(&l, inv);
            double tj = now() - t0;
            printf("  %-44s %9.4f s  %7.3fx inventory\n", "attach image.vulnerabilities (to_json)", tj, tj / t_inv);
        }
        pal_vuln_list_free(&l);
    }
    printf("  %-44s %9.4f s  (baseline, %d packages)\n", "inventory of the image", t_inv, npkgs);
    printf("  %-44s %9.4f s  %7.3fx inventory  (%zu OSV records, %zu package keys, %u files)\n",
           "load the feed (once)", t_load, t_load / t_inv, st.osv_records, st.packages, rep.files);
    printf("  %-44s %9.4f s  %7.3fx inventory  (best of %d; %zu vulnerabilities)\n",
           "match the image against the feed", best, best / t_inv, rounds, found);
    printf("  %-44s %9.2f us\n", "match per package", best / (npkgs ? npkgs : 1) * 1e6);
    pal_feeds_free(f);
    pal_feed_report_free(&rep);
    cJSON_Delete(inv);
    return 0;
}
