/*
 * fuzz_seq.c — differential target for correlations: random event streams
 * decided by the runtime (engine/runtime/seq.c, through pal_decide_event)
 * and by a reference implementation of the semantics written here, apart
 * from it, straight from lang/SPEC.md "sequence": plain arrays, linear
 * search, no hashing, no caps, no expiry (neither can change a result:
 * what expires could no longer be in a window, and the caps here are
 * never reached).
 *
 * Every three input bytes are one event: a process name (a, b, c, u, x)
 * and a host (h0..h2, or none); a time step (-4 s .. +11.5 s in 500 ms steps, so events
 * come out of order, within and past the 2 s tolerance, across the 10 s
 * windows), or no timestamp at all; a pid and a parent pid (or none).
 * Both sides must report the same matches, rule and members, event by
 * event.  An input whose length is not a multiple of three restarts the
 * runtime every (last byte % 16 + 1) events, the way `agent --state`
 * does: the state written, read back for the same program into a new
 * runtime — which must change nothing.
 *
 * Build: `make fuzz`; or without libFuzzer, as a replayer of files
 * (`make fuzz-replay`).
 */
#include "tests/fuzz/replay.h"
#include "tests/fuzz/fuzz_util.h"
#include "engine/runtime/runtime.h"
#include "engine/runtime/seq.h"
#include "engine/base/limits.h"
#include "lang/compile/palc.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *POLICY =
    "sequence \"ord\" {\n  by host.name\n  within 10s\n"
    "  step { on process when process.name == \"a\" }\n"
    "  step { on process when process.name == \"b\" }\n"
    "  step { on process when process.name == \"c\" }\n"
    "  until { on process when process.name == \"u\" }\n}\n"
    "sequence \"unord\" {\n  by host.name\n  within 10s\n  unordered\n"
    "  step { on process when process.name == \"a\" }\n"
    "  step { on process when process.name == \"b\" }\n}\n"
    "rule \"cnt\" {\n  on process\n  when process.name == \"c\"\n  count >= 3 by host.name within 10s\n}\n"
    "rule \"dst\" {\n  on process\n  when exists(process.pid)\n  count distinct process.pid >= 3 by host.name within 10s\n}\n"
    "sequence \"perstep\" {\n  within 10s\n"
    "  step { on process when process.name == \"a\" by process.pid }\n"
    "  step { on process when process.name == \"b\" by process.parent.pid }\n}\n";

enum { WITHIN = 10000, TOL = PAL_SEQ_TOLERANCE_MS, MAXEV = 400, NCORR = 5 };
static const int64_t T0 = 1704067200000;   /* 2024-01-01T00:00:00Z */
static const int64_t CLOCK = 1800000000000;

static pal_program *program(void)
{
    static pal_program *p;
    if (!p) p = fz_compile("seq.pal", POLICY, NULL);
    return p;
}

/* ---- the events ---- */

typedef struct fev {
    char name;        /* a b c u x */
    int host;         /* 0..2, -1 none */
    bool has_ts;
    int64_t ts;
    int pid, ppid;    /* 1..3, 0 none */
} fev;

/* ---- the reference ---- */

typedef struct rmem { int64_t t; uint64_t id; int val; } rmem;
typedef struct rmatch { int corr; int n; uint64_t ids[16]; } rmatch;

/* one group of one correlation */
typedef struct rgroup {
    bool used;
    int corr;
    int key;
    bool stage_on[3];        /* ordered: stage s (1..n-1) */
    rmem stage[3][3];
    bool hit_on[2];          /* unordered */
    rmem hit[2];
    rmem list[8];            /* count, distinct */
    int nlist;
} rgroup;

typedef struct ref {
    bool have_w;
    int64_t w;
    rgroup g[64];
} ref;

static rgroup *group(ref *r, int corr, int key, bool create)
{
    for (int i = 0; i < 64; i++)
        if (r->g[i].used && r->g[i].corr == corr && r->g[i].key == key) return &r->g[i];
    if (!create) return NULL;
    for (int i = 0; i < 64; i++)
        if (!r->g[i].used) {
            memset(&r->g[i], 0, sizeof r->g[i]);
            r->g[i].used = true;
            r->g[i].corr = corr;
            r->g[i].key = key;
            return &r->g[i];
        }
    abort();   /* 5 correlations x at most 4 keys */
}

static bool hits_step(const fev *e, int corr, int step)
{
    switch (corr) {
    case 0: return step == 3 ? e->name == 'u' : e->name == "abc"[step];
    case 1: return e->name == "ab"[step];
    case 2: return e->name == 'c';
    case 3: return e->pid != 0;
    default: return e->name == "ab"[step];
    }
}

static int nsteps(int corr) { return corr == 0 ? 3 : corr == 2 || corr == 3 ? 1 : 2; }

/* the group key of a step: a host or a pid; -1 when the event has none */
static int key_of(const fev *e, int corr, int step)
{
    if (corr == 4) return step == 0 ? (e->pid ? e->pid : -1) : (e->ppid ? e->ppid : -1);
    return e->host;
}

static void add(rmatch *out, int *nout, int corr, const rmem *ms, int n)
{
    rmatch *m = &out[(*nout)++];
    m->corr = corr;
    m->n = n;
    for (int i = 0; i < n; i++) m->ids[i] = ms[i].id;
}

static void ref_event(ref *r, const fev *e, uint64_t id, rmatch *out, int *nout)
{
    *nout = 0;
    bool any = false;
    for (int c = 0; c < NCORR; c++)
        for (int s = 0; s <= (c == 0 ? 3 : nsteps(c) - 1); s++) any |= hits_step(e, c, s);
    if (!any) return;
    int64_t t = e->has_ts ? e->ts : r->have_w ? r->w : CLOCK;
    if (r->have_w && t < r->w - TOL) return;   /* late */
    if (!r->have_w || t > r->w) { r->w = t; r->have_w = true; }

    /* ordered, with until */
    {
        int ukey = -2;
        if (hits_step(e, 0, 3) && key_of(e, 0, 3) >= 0) {
            ukey = key_of(e, 0, 3);
            rgroup *g = group(r, 0, ukey, false);
            if (g) g->used = false;
        }
        for (int j = 2; j >= 0; j--) {
            if (!hits_step(e, 0, j)) continue;
            int k = key_of(e, 0, j);
            if (k < 0 || k == ukey) continue;
            rmem me = {t, id, 0};
            if (j > 0) {
                rgroup *g = group(r, 0, k, false);
                if (!g || !g->stage_on[j]) continue;
                if (t - g->stage[j][0].t > WITHIN) g->stage_on[j] = false;
                else if (t >= g->stage[j][j - 1].t - TOL) {
                    if (j == 2) {
                        rmem all[3] = {g->stage[2][0], g->stage[2][1], me};
                        add(out, nout, 0, all, 3);
                        g->stage_on[2] = false;
                    } else {
                        g->stage[2][0] = g->stage[1][0];
                        g->stage[2][1] = me;
                        g->stage_on[2] = true;
                        g->stage_on[1] = false;
                    }
                }
                if (!g->stage_on[1] && !g->stage_on[2]) g->used = false;
            } else {
                rgroup *g = group(r, 0, k, true);
                g->stage[1][0] = me;
                g->stage_on[1] = true;
            }
        }
    }
    /* unordered */
    for (int j = 1; j >= 0; j--) {
        if (!hits_step(e, 1, j) || key_of(e, 1, j) < 0) continue;
        rgroup *g = group(r, 1, key_of(e, 1, j), true);
        if (!g->hit_on[j] || t >= g->hit[j].t) { g->hit[j] = (rmem){t, id, 0}; g->hit_on[j] = true; }
        if (g->hit_on[0] && g->hit_on[1]) {
            int64_t d = g->hit[0].t - g->hit[1].t;
            if (d < 0) d = -d;
            if (d <= WITHIN) { add(out, nout, 1, g->hit, 2); g->used = false; }
        }
    }
    /* count and distinct count */
    for (int c = 2; c <= 3; c++) {
        if (!hits_step(e, c, 0) || key_of(e, c, 0) < 0) continue;
        rgroup *g = group(r, c, key_of(e, c, 0), true);
        rmem kept[8];
        int nk = 0;
        for (int i = 0; i < g->nlist; i++) {
            bool keep = c == 2 ? true : t - g->list[i].t <= WITHIN && g->list[i].val != e->pid;
            if (keep) kept[nk++] = g->list[i];
        }
        if (c == 2) {   /* from the front only */
            int drop = 0;
            while (drop < nk && t - kept[drop].t > WITHIN) drop++;
            memmove(kept, kept + drop, (size_t)(nk - drop) * sizeof *kept);
            nk -= drop;
        }
        kept[nk++] = (rmem){t, id, e->pid};
        memcpy(g->list, kept, (size_t)nk * sizeof *kept);
        g->nlist = nk;
        if (nk >= 3) { add(out, nout, c, g->list, nk); g->used = false; }
    }
    /* ordered, with a key per step */
    for (int j = 1; j >= 0; j--) {
        if (!hits_step(e, 4, j) || key_of(e, 4, j) < 0) continue;
        int k = key_of(e, 4, j);
        rmem me = {t, id, 0};
        if (j == 1) {
            rgroup *g = group(r, 4, k, false);
            if (!g || !g->stage_on[1]) continue;
            if (t - g->stage[1][0].t > WITHIN) g->stage_on[1] = false;
            else if (t >= g->stage[1][0].t - TOL) {
                rmem all[2] = {g->stage[1][0], me};
                add(out, nout, 4, all, 2);
                g->stage_on[1] = false;
            }
            if (!g->stage_on[1]) g->used = false;
        } else {
            rgroup *g = group(r, 4, k, true);
            g->stage[1][0] = me;
            g->stage_on[1] = true;
        }
    }
}

/* ---- the runtime ---- */

static size_t event_json(const fev *e, char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"%c\"", e->name);
    if (e->pid) n += (size_t)snprintf(out + n, cap - n, ",\"pid\":%d", e->pid);
    if (e->ppid) n += (size_t)snprintf(out + n, cap - n, ",\"parent\":{\"pid\":%d}", e->ppid);
    n += (size_t)snprintf(out + n, cap - n, "}");
    if (e->host >= 0) n += (size_t)snprintf(out + n, cap - n, ",\"host\":{\"name\":\"h%d\"}", e->host);
    if (e->has_ts) {
        int64_t ms = e->ts;
        int64_t secs = ms / 1000, frac = ms % 1000;
        if (frac < 0) { frac += 1000; secs--; }
        int64_t days = secs / 86400, rem = secs % 86400;
        if (rem < 0) { rem += 86400; days--; }
        /* only 2023-12-31 and 2024-01-01..02 occur: T0 +- a few hours */
        int day = (int)(days - 19723);   /* 19723 = 2024-01-01 */
        const char *date = day < 0 ? "2023-12-31" : day == 0 ? "2024-01-01" : "2024-01-02";
        n += (size_t)snprintf(out + n, cap - n, ",\"@timestamp\":\"%sT%02d:%02d:%02d.%03dZ\"", date, (int)(rem / 3600),
                              (int)(rem / 60 % 60), (int)(rem % 60), (int)frac);
    }
    n += (size_t)snprintf(out + n, cap - n, "}");
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pal_program *p = program();
    static const char *names[NCORR] = {"ord", "unord", "cnt", "dst", "perstep"};
    pal_runtime *rt = pal_runtime_new(p);
    if (!rt) abort();
    pal_arena arena;
    pal_arena_init(&arena, 1u << 20);
    ref *r = calloc(1, sizeof *r);
    if (!r) abort();
    int64_t cur = T0 + 12 * 3600 * 1000;
    size_t nev = size / 3 > MAXEV ? MAXEV : size / 3;
    size_t restart_every = size % 3 ? data[size - 1] % 16u + 1 : 0;
    for (size_t i = 0; i < nev; i++) {
        if (restart_every && i && i % restart_every == 0) {
            unsigned char *file;
            size_t flen;
            pal_seqstate *s;
            uint64_t events;
            char err[512];
            if (pal_seqstate_write(pal_runtime_seqstate(rt), i, &file, &flen, NULL) != 0) abort();
            if (pal_seqstate_read(file, flen, "state", p, NULL, &s, &events, err, sizeof err) != 0 || events != i) {
                fprintf(stderr, "fuzz_seq: the state written after event %zu does not read back: %s\n", i, err);
                abort();
            }
            free(file);
            pal_runtime_free(rt);
            if (!(rt = pal_runtime_new(p))) abort();
            pal_runtime_put_seqstate(rt, s);
        }
        const uint8_t *b = data + 3 * i;
        fev e;
        e.name = "abcux"[b[0] % 5];
        e.host = (int)(b[0] / 5 % 4) - 1;
        e.has_ts = !(b[1] & 0x80);
        cur += ((int64_t)(b[1] % 32) - 8) * 500;   /* 500 ms steps: the 10 s windows and 2 s tolerance are hit exactly */
        e.ts = cur;
        e.pid = b[2] % 4;
        e.ppid = b[2] / 4 % 4;
        uint64_t id = i + 1;

        rmatch want[8];
        int nwant;
        ref_event(r, &e, id, want, &nwant);

        char line[512];
        size_t len = event_json(&e, line, sizeof line);
        pal_event ev;
        char err[256];
        pal_arena_reset(&arena);
        if (pal_event_decode(line, len, PAL_INPUT_ECS, p->event_fields_used, &arena, &ev, err, sizeof err) != 0) {
            fprintf(stderr, "fuzz_seq: cannot decode %s: %s\n", line, err);
            abort();
        }
        pal_runtime_set_event(rt, id, CLOCK);
        pal_decision d;
        if (pal_decide_event(rt, &ev, &d) != 0) abort();
        int ngot = 0;
        bool same = true;
        for (uint32_t k = 0; k < d.nmatches; k++) {
            const pal_match *m = &d.matches[k];
            if (!m->nmembers) continue;
            const char *rule = pal_program_str(p, p->rules[m->rule].name);
            if (ngot >= nwant || strcmp(rule, names[want[ngot].corr]) || (int)m->nmembers != want[ngot].n) same = false;
            for (uint32_t x = 0; same && x < m->nmembers; x++) same = m->members[x] == want[ngot].ids[x];
            ngot++;
        }
        if (ngot != nwant) same = false;
        if (!same) {
            fprintf(stderr, "fuzz_seq: event %zu %s: the runtime and the reference differ\n  reference:", i + 1, line);
            for (int k = 0; k < nwant; k++) {
                fprintf(stderr, " %s[", names[want[k].corr]);
                for (int x = 0; x < want[k].n; x++) fprintf(stderr, "%s%" PRIu64, x ? "," : "", want[k].ids[x]);
                fprintf(stderr, "]");
            }
            fprintf(stderr, "\n  runtime:  ");
            for (uint32_t k = 0; k < d.nmatches; k++) {
                const pal_match *m = &d.matches[k];
                if (!m->nmembers) continue;
                fprintf(stderr, " %s[", pal_program_str(p, p->rules[m->rule].name));
                for (uint32_t x = 0; x < m->nmembers; x++) fprintf(stderr, "%s%" PRIu64, x ? "," : "", m->members[x]);
                fprintf(stderr, "]");
            }
            fprintf(stderr, "\n");
            abort();
        }
    }
    free(r);
    pal_arena_free(&arena);
    pal_runtime_free(rt);
    return 0;
}
