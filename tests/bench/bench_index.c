/*
 * bench_index.c — what the rule index buys, as ratios measured in the same
 * run.  Built and run by tests/bench/run.sh.
 *
 * `bench_index rules`: per-event cost of pal_decide_event at 1, 100, 1,000
 * and 10,000 generated rules, with the index and without it (kind dispatch
 * only), over a pool of decoded events (process, network, dns, file).  The
 * rules are the shapes real policies have: process names in lists,
 * executable globs, destination CIDRs with ports, DNS names and wildcards,
 * command-line regexes (behind a process name, behind a `contains`
 * literal, or alone, keyed by a literal the regex requires), and one rule
 * in 100 a regex with no literal outside an alternation, which nothing can
 * index (those stay "always run": the part of the cost that still grows
 * with the rule count, printed as such).  Before timing, every pool event is decided
 * both ways and the decisions must be identical, or the bench stops.
 * Figures: ns/event, rules run per event, index/no-index at the same size,
 * and cost at N rules over cost at 1 rule (1.00 = flat).
 *
 * Helpers for run.sh and runtime.sh:
 *   bench_index gen-events FILE N [nested|dotted|mixed|all]
 *                                      N realistic ECS lines for the default policies
 *                                      (tests/bench/ecs_gen.h: kinds, OSes, layouts)
 *   bench_index gen-index-events FILE N  N lines of the pool's shape, naming the
 *                                      generated rules (run.sh's index-vs-none rows)
 *   bench_index check-layouts N        the first N of those in all three layouts
 *                                      decode to identical records, or exit 1
 *   bench_index gen-policy DIR N       DIR/bench.pal with N generated rules
 *   bench_index parse-floor FILE       cJSON parse + free of every line, timed
 */
#include "lang/compile/palc.h"
#include "engine/decode/decode.h"
#include "engine/runtime/index.h"
#include "engine/base/limits.h"
#include "engine/runtime/runtime.h"
#include "engine/core/schema.h"

#include <cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tests/bench/ecs_gen.h"

#define POOL 2048u
#define MIN_SECONDS 0.25   /* each measurement runs at least this long */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bench_index: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

#include "tests/bench/gen_rules.h"

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint32_t rnd(uint32_t n)   /* xorshift64*: the same figures every run */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)(((rng_state * 0x2545f4914f6cdd1dull) >> 32) % n);
}

/* One event; `span` is the number of rules whose names it may hit (about
   one event in three names a generated rule). */
static void gen_event(sbuf *b, unsigned j, unsigned span)
{
    unsigned id = rnd(span * 3 + 1);
    b->len = 0;
    switch (j % 4) {
    case 0: {
        static const char *names[] = {"cmd.exe", "powershell.exe", "bash", "nginx", "python3", "svchost.exe"};
        char name[64];
        uint32_t pick = rnd(6);
        if (pick == 0) snprintf(name, sizeof name, "%s", names[rnd(6)]);
        else if (pick < 3) snprintf(name, sizeof name, "tool%u.exe", id);
        else if (pick < 5) snprintf(name, sizeof name, "runner%u.exe", id);
        else snprintf(name, sizeof name, "helper%u", id);
        if (rnd(2))
            sb_printf(b, "{\"@timestamp\":\"2026-11-23T10:00:00Z\",\"event\":{\"category\":[\"process\"],\"type\":[\"start\"]},"
                         "\"host\":{\"name\":\"w%u\",\"os\":{\"type\":\"windows\"}},\"container\":{\"id\":\"c%u\",\"image\":{\"name\":\"app%u:1\"}},"
                         "\"process\":{\"pid\":%u,\"name\":\"%s\",\"executable\":\"C:\\\\Apps\\\\app%u\\\\bin\\\\%s\","
                         "\"command_line\":\"%s --flag%u -enc%u QUJDREVGR0hJSg== marker%u --exec https://x/\","
                         "\"args\":[\"%s\",\"--flag%u\"],\"parent\":{\"name\":\"explorer.exe\",\"pid\":4}},\"user\":{\"name\":\"app\"}}",
                      j % 50, j % 200, id, 1000 + j, name, id, name, name, id, id, id, name, id);
        else
            sb_printf(b, "{\"@timestamp\":\"2026-11-23T10:00:00Z\",\"event\":{\"category\":[\"process\"],\"type\":[\"start\"]},"
                         "\"host\":{\"name\":\"l%u\",\"os\":{\"type\":\"linux\"}},\"container\":{\"id\":\"c%u\",\"image\":{\"name\":\"app%u:1\"}},"
                         "\"process\":{\"pid\":%u,\"name\":\"%s\",\"executable\":\"/opt/app%u/bin/%s\","
                         "\"command_line\":\"%s --flag%u token%u=0123456789abcdef0\",\"args\":[\"%s\",\"--flag%u\"],\"parent\":{\"name\":\"bash\",\"pid\":1}},"
                         "\"user\":{\"name\":\"root\"}}",
                      j % 50, j % 200, id, 1000 + j, name, id, name, name, id, id, name, id);
        break;
    }
    case 1:
        sb_printf(b, "{\"@timestamp\":\"2026-11-23T10:00:00Z\",\"event\":{\"category\":[\"network\"]},"
                     "\"network\":{\"direction\":\"outbound\",\"transport\":\"tcp\"},"
                     "\"container\":{\"id\":\"c%u\",\"image\":{\"name\":\"app%u:1\"}},\"process\":{\"name\":\"curl\",\"pid\":%u},"
                     "\"source\":{\"ip\":\"172.20.0.5\",\"port\":%u},\"destination\":{\"ip\":\"%u.%u.%u.%u\",\"port\":%u}}",
                  j % 200, id, 2000 + j, 40000 + rnd(20000), rnd(2) ? 10 : 93, (id / 250) % 250, id % 250, 1 + rnd(254),
                  rnd(2) ? 1000 + id % 60000 : 20000 + id % 40000 + rnd(12));
        break;
    case 2:
        sb_printf(b, "{\"@timestamp\":\"2026-11-23T10:00:00Z\",\"event\":{\"category\":[\"network\"]},\"network\":{\"protocol\":\"dns\"},"
                     "\"container\":{\"id\":\"c%u\",\"image\":{\"name\":\"app%u:1\"}},\"process\":{\"name\":\"resolver\",\"pid\":%u},"
                     "\"dns\":{\"question\":{\"name\":\"%s%u.example%s\",\"type\":\"A\"}}}",
                  j % 200, id, 3000 + j, rnd(2) ? "www.bad" : "c2-", id, rnd(2) ? "" : ".net");
        break;
    default:
        sb_printf(b, "{\"@timestamp\":\"2026-11-23T10:00:00Z\",\"event\":{\"category\":[\"file\"],\"action\":\"creation\"},"
                     "\"container\":{\"id\":\"c%u\",\"image\":{\"name\":\"app%u:1\"}},\"process\":{\"name\":\"tool%u.exe\",\"pid\":%u},"
                     "\"file\":{\"path\":\"/var/lib/app%u/data/%u.tmp\",\"name\":\"%u.tmp\",\"extension\":\"tmp\"}}",
                  j % 200, id, id, 4000 + j, id, j, j);
        break;
    }
}

/* ---- compiling from memory ---- */

typedef struct { const char *text; size_t len; } mem_file;

static int read_mem(void *user, const char *relpath, char **data, size_t *len)
{
    const mem_file *f = user;
    if (strcmp(relpath, "bench.pal")) return -1;
    *data = malloc(f->len + 1);
    if (!*data) return -1;
    memcpy(*data, f->text, f->len + 1);
    *len = f->len;
    return 0;
}

static void print_diag(const pal_diagnostic *d, void *user)
{
    (void)user;
    if (d->level == PAL_DIAG_ERROR) pal_diag_print(d, stderr);
}

static pal_program *compile_mem(const char *text, size_t len)
{
    mem_file f = {text, len};
    const char *path = "bench.pal";
    pal_compile_opts o = {0};
    o.revision = "bench";
    o.build_time = 1;
    o.diag = print_diag;
    o.read = read_mem;
    o.read_user = &f;
    unsigned nerr = 0;
    pal_program *p = pal_compile(&path, 1, &o, &nerr, NULL);
    if (!p) die("the generated policy does not compile (%u errors): a bench bug", nerr);
    return p;
}

/* ---- part: per-event cost by rule count ---- */

static pal_event pool[POOL];
static pal_arena pool_arena;

static void build_pool(unsigned span)
{
    pal_arena_reset(&pool_arena);
    sbuf b = {0};
    char err[256];
    rng_state = 0x2545f4914f6cdd1dull;
    for (unsigned j = 0; j < POOL; j++) {
        gen_event(&b, j, span);
        if (pal_event_decode(b.s, b.len, PAL_INPUT_AUTO, NULL, &pool_arena, &pool[j], err, sizeof err) != 0)
            die("generated event %u does not decode: %s\n%s", j, err, b.s);
    }
    free(b.s);
}

typedef struct figure { double ns; double runs; double matched; } figure;

static figure measure(pal_runtime *rt)
{
    figure f = {0};
    uint64_t n = 0, m = 0;
    uint64_t runs0 = pal_runtime_rules_run(rt);
    double t0 = now_s(), t;
    pal_decision d;
    do {
        for (unsigned j = 0; j < POOL; j++) {
            if (pal_decide_event(rt, &pool[j], &d) != 0) die("out of memory");
            m += d.effect != PE_ALLOW;
        }
        n += POOL;
        t = now_s() - t0;
    } while (t < MIN_SECONDS);
    f.ns = t * 1e9 / (double)n;
    f.runs = (double)(pal_runtime_rules_run(rt) - runs0) / (double)n;
    f.matched = 100.0 * (double)m / (double)n;
    return f;
}

static void same_decisions(pal_runtime *with, pal_runtime *without, unsigned nrules)
{
    for (unsigned j = 0; j < POOL; j++) {
        pal_decision a, b;
        if (pal_decide_event(with, &pool[j], &a) != 0) die("out of memory");
        char *ja = pal_decision_json(with, &a, j);
        if (pal_decide_event(without, &pool[j], &b) != 0) die("out of memory");
        char *jb = pal_decision_json(without, &b, j);
        if (!ja || !jb || strcmp(ja, jb))
            die("%u rules, event %u: with the index %s, without %s", nrules, j, ja ? ja : "?", jb ? jb : "?");
        free(ja);
        free(jb);
    }
}

static void bench_rules(void)
{
    /* the last row: 10,000 rules with no unindexable regex, to show the
       indexed part alone */
    static const unsigned sizes[] = {1, 100, 1000, 10000, 10000};
    enum { NS = 5 };
    figure with[NS], without[NS];
    double build_ms[NS];
    pal_index_stats st[NS];
    pal_arena_init(&pool_arena, 0);
    printf("C. rule index: pal_decide_event over a pool of %u decoded events (1/4 each process, network,\n"
           "   dns, file; about 1 in 3 names a generated rule), at least %.2f s per figure\n", POOL, MIN_SECONDS);
    for (int s = 0; s < NS; s++) {
        size_t len;
        char *src = gen_policy(sizes[s], s < NS - 1, &len);
        pal_program *p = compile_mem(src, len);
        free(src);
        build_pool(sizes[s]);
        double t0 = now_s();
        pal_runtime *rt = pal_runtime_new(p);
        build_ms[s] = (now_s() - t0) * 1e3;
        pal_runtime *rt0 = pal_runtime_new(p);
        if (!rt || !rt0 || !pal_runtime_set_index(rt, true)) die("out of memory");
        pal_runtime_set_index(rt0, false);
        st[s] = pal_index_get_stats(pal_runtime_index(rt));
        same_decisions(rt, rt0, sizes[s]);
        with[s] = measure(rt);
        without[s] = measure(rt0);
        pal_runtime_free(rt);
        pal_runtime_free(rt0);
        pal_program_free(p);
    }
    printf("   %7s %8s %8s %11s %11s %9s %9s %8s %9s %8s\n", "rules", "indexed", "always", "ns/ev idx", "ns/ev none",
           "runs idx", "runs none", "idx/none", "idx vs 1", "matched");
    for (int s = 0; s < NS; s++)
        printf("   %6u%s %8u %8u %11.0f %11.0f %9.2f %9.1f %7.3fx %8.2fx %7.1f%%\n", sizes[s], s == NS - 1 ? "*" : " ",
               st[s].indexed, st[s].always,
               with[s].ns, without[s].ns, with[s].runs, without[s].runs, with[s].ns / without[s].ns,
               with[s].ns / with[0].ns, with[s].matched);
    printf("   index build at pal_runtime_new: ");
    for (int s = 0; s < NS - 1; s++) printf("%s%u rules %.1f ms", s ? ", " : "", sizes[s], build_ms[s]);
    printf("\n   (\"idx vs 1\": cost at N rules over cost at 1 rule with the index, 1.00 = flat; the \"always\"\n"
           "    rules are the 1 in 100 regexes with no required literal, which no key can select: their\n"
           "    share grows with N; 10000*: the same rules without those; decisions with and without the\n"
           "    index were identical on every pool event)\n\n");
    pal_arena_free(&pool_arena);
}

/* ---- helpers for the eval throughput part ---- */

static void write_ecs_events(const char *path, unsigned n, const char *layout)
{
    int l = !strcmp(layout, "nested") ? ECS_NESTED : !strcmp(layout, "dotted") ? ECS_DOTTED
          : !strcmp(layout, "mixed") ? ECS_MIXED : !strcmp(layout, "all") ? ECS_ALL : -1;
    if (l < 0) die("gen-events: layout '%s': give nested, dotted, mixed or all", layout);
    FILE *f = fopen(path, "w");
    if (!f) die("%s: %s", path, strerror(errno));
    static char buf[1 << 20];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    ecs_generate(f, n, l);
    if (fclose(f) != 0) die("%s: write failed", path);
}

/* Values equal as the VM sees them (scalars and lists of scalars: what an
   event holds). */
static bool same_value(const pal_value *a, const pal_value *b)
{
    if (a->tag != b->tag || a->flags != b->flags || a->len != b->len) return false;
    switch (a->tag) {
    case PV_UNDEF: return true;
    case PV_BOOL: case PV_INT: return a->u.i == b->u.i;
    case PV_STR: return !memcmp(a->u.s, b->u.s, a->len);
    case PV_IP: return !memcmp(a->u.ip, b->u.ip, 16);
    case PV_LIST:
        for (uint32_t i = 0; i < a->len; i++)
            if (!same_value(&a->u.items[i], &b->u.items[i])) return false;
        return true;
    default: return false;
    }
}

/* The generator's promise (ecs_gen.h): the three layouts of an event decode
   to the same record.  Every one of N events is written in each layout and
   decoded; kind, OS and every slot must agree, or the bench stops. */
static void check_layouts(unsigned n)
{
    static const char *const names[] = {"nested", "dotted", "mixed"};
    ecs_event *e = calloc(1, sizeof *e);
    if (!e) die("out of memory");
    pal_arena a[3];
    pal_event ev[3];
    char *text[3] = {NULL, NULL, NULL};
    size_t len[3] = {0, 0, 0};
    char err[256];
    for (int l = 0; l < 3; l++) pal_arena_init(&a[l], 0);
    ecs_rng = 0x9e3779b97f4a7c15ull;
    unsigned long fields = 0;
    for (unsigned j = 0; j < n; j++) {
        ecs_build(e, j);
        uint64_t keep = ecs_rng;
        for (int l = 0; l < 3; l++) {
            ecs_rng = keep;
            free(text[l]);
            FILE *m = open_memstream(&text[l], &len[l]);
            if (!m) die("out of memory");
            ecs_write(m, e, l);
            fclose(m);
            pal_arena_reset(&a[l]);
            if (pal_event_decode(text[l], len[l] - 1, PAL_INPUT_AUTO, NULL, &a[l], &ev[l], err, sizeof err) != 0)
                die("generated event %u (%s) does not decode: %s\n%s", j, names[l], err, text[l]);
        }
        ecs_rng = keep;
        for (int l = 1; l < 3; l++) {
            if (ev[l].kind != ev[0].kind || ev[l].windows != ev[0].windows || !!ev[l].other != !!ev[0].other)
                die("event %u: %s and nested decode to different kinds or OSes\n%s%s", j, names[l], text[0], text[l]);
            const pal_schema *sc = ev[0].rec.schema;
            for (unsigned i = 0; i < sc->nfields; i++)
                if (!same_value(pal_record_ref(&ev[0].rec, i), pal_record_ref(&ev[l].rec, i)))
                    die("event %u: field %s differs between nested and %s\n%s%s", j, pal_field_json(&sc->fields[i]),
                        names[l], text[0], text[l]);
        }
        for (unsigned i = 0; i < ev[0].rec.schema->nfields; i++) fields += pal_record_ref(&ev[0].rec, i)->tag != PV_UNDEF;
    }
    printf("%u events, each written nested, dotted and mixed: identical records (%.1f fields set per event)\n", n,
           (double)fields / n);
    for (int l = 0; l < 3; l++) { pal_arena_free(&a[l]); free(text[l]); }
    free(e);
}

static void write_index_events(const char *path, unsigned n)
{
    FILE *f = fopen(path, "w");
    if (!f) die("%s: %s", path, strerror(errno));
    sbuf b = {0};
    rng_state = 0x1234567ull;
    for (unsigned j = 0; j < n; j++) {
        gen_event(&b, j, 1000);
        fwrite(b.s, 1, b.len, f);
        fputc('\n', f);
    }
    free(b.s);
    if (fclose(f) != 0) die("%s: write failed", path);
}

static void write_policy(const char *dir, unsigned n)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) die("%s: %s", dir, strerror(errno));
    char path[4096];
    snprintf(path, sizeof path, "%s/bench.pal", dir);
    size_t len;
    char *src = gen_policy(n, true, &len);
    FILE *f = fopen(path, "w");
    if (!f || fwrite(src, 1, len, f) != len || fclose(f) != 0) die("%s: write failed", path);
    free(src);
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The floor any JSON-lines consumer pays: reading the file, cJSON parse
   and free of every line, nothing decided.  Prints "CPU-SECONDS LINES"
   (CPU time, as run.sh measures the commands it compares this with). */
static void parse_floor(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) die("%s: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long lines = 0, bad = 0;
    double t0 = cpu_s();
    while ((n = getline(&line, &cap, f)) > 0) {
        cJSON *j = cJSON_ParseWithLength(line, (size_t)n);
        if (!j) bad++;
        cJSON_Delete(j);
        lines++;
    }
    double t = cpu_s() - t0;
    free(line);
    fclose(f);
    if (bad) die("%lu lines of %s do not parse", bad, path);
    printf("%.6f %lu\n", t, lines);
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "rules";
    if (!strcmp(what, "rules")) bench_rules();
    else if (!strcmp(what, "gen-events") && (argc == 4 || argc == 5))
        write_ecs_events(argv[2], (unsigned)strtoul(argv[3], NULL, 10), argc == 5 ? argv[4] : "all");
    else if (!strcmp(what, "check-layouts") && argc == 3) check_layouts((unsigned)strtoul(argv[2], NULL, 10));
    else if (!strcmp(what, "gen-index-events") && argc == 4) write_index_events(argv[2], (unsigned)strtoul(argv[3], NULL, 10));
    else if (!strcmp(what, "gen-policy") && argc == 4) write_policy(argv[2], (unsigned)strtoul(argv[3], NULL, 10));
    else if (!strcmp(what, "parse-floor") && argc == 3) parse_floor(argv[2]);
    else die("usage: bench_index [rules | gen-events FILE N [nested|dotted|mixed|all] | gen-index-events FILE N |\n"
             "                    check-layouts N | gen-policy DIR N | parse-floor FILE]");
    return 0;
}
