/* checks.c — the check runner (see checks.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "engine/runtime/checks.h"
#include "engine/base/limits.h"
#include "engine/core/schema.h"

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* What a per-element finding is about: the first record among the emit's
   locals is the quantifier variable (`any f in image.files: ...`); its
   path, name, id or history step names it. */
static void element_of(const pal_emit *e, const char **s, size_t *len)
{
    static const char *const keys[] = {"path", "name", "id", "created_by", NULL};
    *s = NULL;
    *len = 0;
    for (uint16_t i = 0; i < e->nlocals; i++) {
        if (e->locals[i].tag != PV_RECORD || !e->locals[i].u.rec) continue;
        const pal_record *rec = e->locals[i].u.rec;
        for (const char *const *k = keys; *k; k++) {
            int fi = pal_schema_find(rec->schema, *k, strlen(*k));
            if (fi < 0) continue;
            pal_value v = pal_record_at(rec, (uint32_t)fi);
            if (v.tag == PV_STR && v.len) { *s = v.u.s; *len = v.len; return; }
        }
        return;
    }
}

static int run_one(pal_vm *vm, const pal_program *p, uint32_t r, const pal_record *inv,
                   const pal_check_sink *sink, char *msg)
{
    if (sink->starting) sink->starting(sink->user, r);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pal_check_result res = {r, pal_vm_run(vm, r, inv, PAL_VM_BUDGET_CHECK), 0, 0, 0};
    res.dropped = pal_vm_dropped_emits(vm);
    uint32_t n = pal_vm_nemits(vm);
    for (uint32_t i = 0; i < n; i++) {
        const pal_emit *em = pal_vm_emit(vm, i);
        pal_vm_render(vm, r, inv, em, msg, PAL_MAX_MESSAGE_BYTES + 8);
        pal_check_finding f = {r, em->outcome, 0, msg, NULL, 0};
        f.severity = em->outcome < p->noutcomes ? p->outcomes[em->outcome].severity : SEV_MEDIUM;
        element_of(em, &f.element, &f.element_len);
        int rc = sink->finding(sink->user, &f);
        if (rc) return rc;
        res.nfindings++;
    }
    res.seconds = since(&t0);
    return sink->done ? sink->done(sink->user, &res) : 0;
}

int pal_checks_run(pal_vm *vm, const pal_program *p, const uint32_t *rules, uint32_t n,
                   const pal_record *inv, const pal_check_sink *sink)
{
    char *msg = malloc(PAL_MAX_MESSAGE_BYTES + 8);
    if (!msg) return -1;
    int rc = 0;
    if (rules) {
        for (uint32_t i = 0; i < n && !rc; i++) rc = run_one(vm, p, rules[i], inv, sink, msg);
    } else {
        for (uint32_t r = 0; r < p->nrules && !rc; r++)
            if (p->rules[r].root == PS_IMAGE) rc = run_one(vm, p, r, inv, sink, msg);
    }
    free(msg);
    return rc;
}
