/*
 * bench_decode.c — the event decoder alone, as rates beside the cJSON
 * parse-only floor measured in the same run.  Built and run by
 * tests/bench/decode.sh.
 *
 *   bench_decode FILE [POLICY_DIR]
 *
 * FILE is JSON lines (decode.sh writes them with `bench_index gen-events`).
 * The lines are read into memory first, so only decoding is timed; every
 * figure is the best of five runs of CPU time (the machine is shared),
 * interleaved so that a neighbour's burst hits them all alike:
 *
 *   cJSON parse + free                        the floor any cJSON consumer pays
 *   strict pull reader, validate and skip     the floor of one pass of engine/base/json.h
 *   decode, tree (PAL_DECODER_TREE)           the reference decoder
 *   decode, default (the fast path)           with its fallbacks counted
 *
 * each with `want` = the fields the policies in POLICY_DIR read (default:
 * policies/, what the shipped policies read, as `palisade eval` decodes)
 * and with every field.  The same lines flattened to dotted keys
 * ("process.name": ...) and half-flattened (mixed) are measured too.  Rates
 * are lines per CPU second; "x floor" is the rate over cJSON's.  Before
 * timing, each line is decoded both ways and the results compared; a
 * difference stops the bench.
 */
#include "lang/compile/palc.h"
#include "engine/decode/decode.h"
#include "engine/base/json.h"
#include "tests/fuzz/decode_diff.h"

#include <cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 5

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bench_decode: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct lines {
    char *text;
    size_t n, bytes;
    const char **s;
    size_t *len;
} lines;

static void split(lines *L)
{
    L->n = 0;
    for (size_t i = 0; i < L->bytes; i++) L->n += L->text[i] == '\n';
    L->s = malloc((L->n + 1) * sizeof *L->s);
    L->len = malloc((L->n + 1) * sizeof *L->len);
    if (!L->s || !L->len) die("out of memory");
    size_t k = 0;
    for (size_t i = 0; i < L->bytes;) {
        size_t j = i;
        while (j < L->bytes && L->text[j] != '\n') j++;
        if (j > i) {
            L->s[k] = L->text + i;
            L->len[k] = j - i;
            k++;
        }
        i = j + 1;
    }
    L->n = k;
}

static void read_lines(const char *path, lines *L)
{
    FILE *f = fopen(path, "rb");
    if (!f) die("%s: cannot open", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    L->text = malloc((size_t)n + 1);
    if (!L->text || fread(L->text, 1, (size_t)n, f) != (size_t)n) die("%s: cannot read", path);
    fclose(f);
    L->bytes = (size_t)n;
    split(L);
}

/* obj's members into out as dotted keys; `depth` levels flattened (0 = all). */
static void flatten_into(cJSON *out, const cJSON *obj, const char *prefix, unsigned depth, unsigned level)
{
    for (const cJSON *m = obj->child; m; m = m->next) {
        char key[512];
        snprintf(key, sizeof key, "%s%s%s", prefix, *prefix ? "." : "", m->string);
        if (cJSON_IsObject(m) && (!depth || level < depth)) flatten_into(out, m, key, depth, level + 1);
        else cJSON_AddItemToObject(out, key, cJSON_Duplicate(m, 1));
    }
}

/* The lines re-written with dotted keys: all levels, or only the top one. */
static void relayout(const lines *in, lines *out, unsigned depth)
{
    size_t cap = in->bytes * 2 + 1, used = 0;
    out->text = malloc(cap);
    if (!out->text) die("out of memory");
    for (size_t i = 0; i < in->n; i++) {
        cJSON *j = cJSON_ParseWithLength(in->s[i], in->len[i]);
        if (!j) die("line %zu does not parse", i + 1);
        cJSON *flat = cJSON_CreateObject();
        flatten_into(flat, j, "", depth, 0);
        char *p = cJSON_PrintUnformatted(flat);
        size_t n = strlen(p);
        if (used + n + 1 > cap) {
            cap = (used + n + 1) * 2;
            out->text = realloc(out->text, cap);
            if (!out->text) die("out of memory");
        }
        memcpy(out->text + used, p, n);
        used += n;
        out->text[used++] = '\n';
        free(p);
        cJSON_Delete(flat);
        cJSON_Delete(j);
    }
    out->bytes = used;
    split(out);
}

typedef struct measure {
    const char *name;
    int kind;                 /* 0 cJSON, 1 pull reader, 2 tree, 3 default */
    const uint8_t *want;
    double best;
    pal_decode_stats stats;   /* kind 3: one run's counters */
} measure;

static double run(const lines *L, measure *m, pal_arena *a)
{
    pal_decode_opts o;
    memset(&o, 0, sizeof o);
    o.decoder = m->kind == 2 ? PAL_DECODER_TREE : PAL_DECODER_DEFAULT;
    pal_decode_stats st;
    memset(&st, 0, sizeof st);
    if (m->kind == 3) o.stats = &st;
    pal_event ev;
    char err[512];
    double t0 = cpu_s();
    for (size_t i = 0; i < L->n; i++) {
        if (m->kind == 0) {
            cJSON_Delete(cJSON_ParseWithLength(L->s[i], L->len[i]));
        } else if (m->kind == 1) {
            pal_json r;
            pal_json_init(&r, L->s[i], L->len[i], NULL);
            if (pal_json_skip(&r)) pal_json_end(&r);
        } else {
            pal_arena_reset(a);
            pal_event_decode_opts(L->s[i], L->len[i], PAL_INPUT_AUTO, &o, m->want, a, &ev, err, sizeof err);
        }
    }
    double t = cpu_s() - t0;
    if (m->kind == 3) m->stats = st;
    return t;
}

static void bench(const char *title, const lines *L, const uint8_t *policy_want)
{
    /* the two readings agree on every line before anything is timed */
    uint8_t buf[64];
    for (size_t i = 0; i < L->n; i++) {
        char why[512];
        if (!dd_compare(L->s[i], L->len[i], PAL_INPUT_AUTO, policy_want, 64u << 20, NULL, why, sizeof why) ||
            !dd_compare(L->s[i], L->len[i], PAL_INPUT_AUTO, NULL, 64u << 20, NULL, why, sizeof why))
            die("%s, line %zu: the tree and the default decoder differ: %s", title, i + 1, why);
    }
    (void)buf;
    measure ms[] = {
        {"cJSON parse + free (the floor)", 0, NULL, 1e30, {0}},
        {"strict pull reader, validate + skip", 1, NULL, 1e30, {0}},
        {"decode, tree, policies' fields", 2, policy_want, 1e30, {0}},
        {"decode, default, policies' fields", 3, policy_want, 1e30, {0}},
        {"decode, tree, every field", 2, NULL, 1e30, {0}},
        {"decode, default, every field", 3, NULL, 1e30, {0}},
    };
    unsigned nm = sizeof ms / sizeof ms[0];
    pal_arena a;
    pal_arena_init(&a, 64u << 20);
    for (unsigned r = 0; r < RUNS; r++)
        for (unsigned k = 0; k < nm; k++) {
            double t = run(L, &ms[k], &a);
            if (t < ms[k].best) ms[k].best = t;
        }
    pal_arena_free(&a);
    printf("   %s: %zu lines, %.0f bytes per line\n", title, L->n, (double)L->bytes / (double)L->n);
    double floor_rate = (double)L->n / ms[0].best;
    for (unsigned k = 0; k < nm; k++) {
        double rate = (double)L->n / ms[k].best;
        printf("     %-40s %8.0f ns/line %10.0f lines/s %6.2fx floor", ms[k].name, ms[k].best / (double)L->n * 1e9,
               rate, rate / floor_rate);
        if (ms[k].kind == 3) {
            const pal_decode_stats *s = &ms[k].stats;
            uint64_t slow = 0;
            for (unsigned i = 0; i < PAL_SLOW__COUNT; i++) slow += s->slow[i];
            printf("   to the tree: %llu of %llu (%.3f%%)", (unsigned long long)slow,
                   (unsigned long long)(slow + s->fast), 100.0 * (double)slow / (double)(slow + s->fast));
        }
        printf("\n");
    }
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) die("usage: bench_decode FILE [POLICY_DIR]");
    const char *pdir = argc > 2 ? argv[2] : "policies";
    pal_compile_opts co;
    memset(&co, 0, sizeof co);
    unsigned ne = 0, nw = 0;
    pal_program *p = pal_compile_dir(pdir, &co, &ne, &nw);
    if (!p) die("%s: the policies do not compile", pdir);
    uint8_t want[64];
    memcpy(want, p->event_fields_used, sizeof want);
    unsigned nwant = 0;
    for (unsigned i = 0; i < 8 * sizeof want; i++) nwant += (want[i / 8] >> (i % 8)) & 1u;
    pal_program_free(p);

    lines nested, dotted, mixed;
    read_lines(argv[1], &nested);
    if (!nested.n) die("%s: no lines", argv[1]);
    relayout(&nested, &dotted, 0);
    relayout(&nested, &mixed, 1);
    printf("E. event decoding alone (tests/bench/bench_decode.c): CPU time, best of %d, lines in memory;\n"
           "   \"policies' fields\" = the %u fields %s/ reads; x floor = rate / cJSON parse-only rate\n",
           RUNS, nwant, pdir);
    bench("ECS nested (as generated)", &nested, want);
    bench("ECS dotted (\"process.name\": ...)", &dotted, want);
    bench("ECS mixed (\"process\": {\"parent.name\": ...})", &mixed, want);
    return 0;
}
