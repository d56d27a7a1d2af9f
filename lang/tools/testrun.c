/*
 * testrun.c — the tests of a policy repo, run (the contract is in
 * testrun.h; building the inputs is lang/check/tests.c).
 *
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "lang/tools/testrun.h"
#include "engine/decode/decode.h"
#include "engine/runtime/runtime.h"
#include "engine/runtime/seq.h"
#include "engine/base/limits.h"

/* ---- running ---- */

struct pal_test_runner {
    const pal_program *p;
    const pal_testset *ts;
    pal_runtime *rt;
    int32_t *rule_target;   /* per program rule: its target, -1 if none */
    int32_t *hit_of;        /* per target: its hit in the result being built, -1 */
    bool *covered;
    pal_arena arena;        /* the decoded input of one test */
};

pal_test_runner *pal_test_runner_new(const pal_program *p, const pal_testset *ts)
{
    pal_test_runner *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->p = p;
    r->ts = ts;
    pal_arena_init(&r->arena, 0);
    r->rt = pal_runtime_new(p);
    r->rule_target = malloc((p->nrules + 1u) * sizeof *r->rule_target);
    r->hit_of = malloc((ts->ntargets + 1u) * sizeof *r->hit_of);
    r->covered = calloc(ts->ntargets + 1u, sizeof *r->covered);
    if (!r->rt || !r->rule_target || !r->hit_of || !r->covered) { pal_test_runner_free(r); return NULL; }
    for (uint32_t i = 0; i < p->nrules; i++) r->rule_target[i] = pal_testset_find(ts, pal_program_str(p, p->rules[i].name));
    for (uint32_t t = 0; t < ts->ntargets; t++) r->hit_of[t] = -1;
    return r;
}

void pal_test_runner_free(pal_test_runner *r)
{
    if (!r) return;
    pal_runtime_free(r->rt);
    free(r->rule_target);
    free(r->hit_of);
    free(r->covered);
    pal_arena_free(&r->arena);
    free(r);
}

const bool *pal_test_covered(const pal_test_runner *r) { return r->covered; }

void pal_test_result_free(pal_test_result *res)
{
    if (!res) return;
    for (uint32_t i = 0; i < res->nhits; i++) free(res->hits[i].message);
    free(res->hits);
    free(res->error);
    memset(res, 0, sizeof *res);
}

/* The order hits are shown in: strongest first, then source order. */
static int cmp_hit(const void *a, const void *b)
{
    const pal_test_hit *x = a, *y = b;
    if (x->effect != y->effect) return x->effect > y->effect ? -1 : 1;
    return x->target < y->target ? -1 : x->target > y->target;
}

static int set_error(pal_test_result *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int set_error(pal_test_result *out, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    free(out->error);
    out->error = strdup(buf);
    return out->error ? 0 : -1;
}

/* Folds the decision's matches into one hit per target (added to those
   of the test's earlier events). */
static int collect_hits(pal_test_runner *r, const pal_decision *d, pal_test_result *out)
{
    pal_test_hit *nh = realloc(out->hits, (out->nhits + d->nmatches + 1u) * sizeof *nh);
    if (!nh) return -1;
    out->hits = nh;
    for (uint32_t i = 0; i < out->nhits; i++) r->hit_of[out->hits[i].target] = (int32_t)i;
    int rc = 0;
    for (uint32_t i = 0; i < d->nmatches; i++) {
        const pal_match *m = &d->matches[i];
        int32_t t = m->rule < r->p->nrules ? r->rule_target[m->rule] : -1;
        if (t < 0) continue;
        pal_test_hit *h;
        if (r->hit_of[t] < 0) {
            r->hit_of[t] = (int32_t)out->nhits;
            h = &out->hits[out->nhits++];
            memset(h, 0, sizeof *h);
            h->target = (uint32_t)t;
            h->effect = PE_NONE;
        } else {
            h = &out->hits[r->hit_of[t]];
        }
        h->count++;
        if (m->effect > h->effect) {
            h->effect = m->effect;
            free(h->message);
            h->message = strdup(m->message ? m->message : "");
            if (!h->message) rc = -1;
        }
    }
    for (uint32_t i = 0; i < out->nhits; i++) r->hit_of[out->hits[i].target] = -1;
    qsort(out->hits, out->nhits, sizeof *out->hits, cmp_hit);
    return rc;
}

int pal_test_run(pal_test_runner *r, uint32_t i, pal_test_result *out)
{
    memset(out, 0, sizeof *out);
    out->status = PAL_TEST_FAIL;
    if (i >= r->ts->ntests) return set_error(out, "no test %u", i);
    const pal_test *t = &r->ts->tests[i];
    pal_arena_reset(&r->arena);
    char err[512];
    err[0] = 0;
    pal_decision d;
    int rc;
    if (t->inventory) {
        cJSON *j = cJSON_Parse(t->input);
        pal_record rec;
        if (!j) return -1;
        rc = pal_record_from_json(pal_schema_get(PS_IMAGE), j, t->windows, &r->arena, &rec, err, sizeof err);
        cJSON_Delete(j);
        if (rc != 0) return set_error(out, "the inventory cannot be read: %s", err);
        if (pal_run_checks(r->rt, &rec, &d) != 0) return -1;
    } else {
        /* every test starts with no partial matches; its events (one, or
           one per `given`) are decided in order, together: the strongest
           effect and every match of any of them */
        if (r->p->nseqs) {
            struct pal_seqstate *fresh = pal_seqstate_new(r->p, NULL);
            if (!fresh) return -1;
            pal_runtime_put_seqstate(r->rt, fresh);
        }
        int effect = PE_ALLOW;
        int vm_error = 0;
        uint32_t vm_error_rule = 0;
        for (uint32_t e = 0; e <= t->nmore; e++) {
            const char *input = e ? t->more[e - 1] : t->input;
            pal_event ev;
            pal_arena_reset(&r->arena);
            rc = pal_event_decode(input, strlen(input), PAL_INPUT_ECS, r->p->event_fields_used, &r->arena, &ev, err,
                                  sizeof err);
            if (rc != 0) return set_error(out, "event %u cannot be decoded: %s", e + 1, err);
            pal_runtime_set_event(r->rt, e + 1, PAL_TEST_T0);
            if (pal_decide_event(r->rt, &ev, &d) != 0) return -1;
            if (collect_hits(r, &d, out) != 0) return -1;
            if (d.effect > effect) effect = d.effect;
            if (d.vm_error && !vm_error) { vm_error = d.vm_error; vm_error_rule = d.vm_error_rule; }
        }
        d.effect = effect;
        d.vm_error = vm_error;
        d.vm_error_rule = vm_error_rule;
    }
    if (t->inventory && collect_hits(r, &d, out) != 0) return -1;

    /* what is compared with expect */
    if (t->inventory) {
        bool failed = false;
        for (uint32_t h = 0; h < out->nhits; h++)
            if (t->by_target < 0 || out->hits[h].target == (uint32_t)t->by_target) failed = true;
        out->got = failed ? PE_FAIL : PAL_EXPECT_PASS;
    } else if (t->by_target >= 0) {
        out->got = PE_ALLOW;
        for (uint32_t h = 0; h < out->nhits; h++)
            if (out->hits[h].target == (uint32_t)t->by_target && out->hits[h].effect > out->got) out->got = out->hits[h].effect;
    } else {
        out->got = d.effect;
    }
    out->status = out->got == t->expect ? PAL_TEST_PASS : PAL_TEST_FAIL;
    if (d.vm_error) {
        /* a rule that stopped decided on part of its condition: not a pass */
        out->status = PAL_TEST_FAIL;
        const char *name = d.vm_error_rule < r->p->nrules ? pal_program_str(r->p, r->p->rules[d.vm_error_rule].name) : "?";
        if (set_error(out, "'%s' stopped: %s", name, pal_vm_strerror(d.vm_error)) != 0) return -1;
    }

    bool *cov = r->covered;
    for (uint32_t h = 0; h < out->nhits; h++) cov[out->hits[h].target] = true;
    if (t->by_target >= 0) cov[t->by_target] = true;
    return 0;
}
