/*
 * checks.h — the check runner: compliance checks run on an inventory.
 *
 * One runner for everything that runs checks — `palisade scan` (per check
 * timing, errors and exceptions), `eval --inventory` and `palisade test`
 * (through pal_run_checks, runtime.h) — so a check means the same in each.
 * Every check runs on its own budget (PAL_VM_BUDGET_CHECK): one that runs
 * out stops with an error while the others still run, and the findings it
 * reported before that are kept.  A finding is one EMIT: its message
 * rendered, its severity from the outcome, and the element it is about
 * (the path, name or id of the record a top-level `any x in ...:` was
 * looking at), so a report can say which file or package failed.
 * A check that reports more than PAL_MAX_EMITS findings reports the first
 * ones and counts the rest as dropped.
 *
 * Strings handed to the sink are valid during the call only.
 */
#ifndef PAL_CHECKS_H
#define PAL_CHECKS_H

#include <stddef.h>
#include <stdint.h>
#include "engine/vm/program.h"
#include "engine/vm/vm.h"

typedef struct pal_check_finding {
    uint32_t rule;            /* the check, an index into p->rules */
    uint32_t outcome;         /* index into p->outcomes */
    uint8_t severity;
    const char *message;
    const char *element;      /* NULL when the finding is about the image as a whole */
    size_t element_len;
} pal_check_finding;

typedef struct pal_check_result {
    uint32_t rule;
    int vm_error;             /* PAL_VM_OK, or what stopped the check */
    uint32_t nfindings;       /* reported to the sink */
    uint32_t dropped;         /* past PAL_MAX_EMITS */
    double seconds;
} pal_check_result;

typedef struct pal_check_sink {
    /* Each finding of a check, in order; nonzero stops the run (out of memory). */
    int (*finding)(void *user, const pal_check_finding *f);
    /* After each check (may be NULL); nonzero stops the run. */
    int (*done)(void *user, const pal_check_result *r);
    /* Before each check (may be NULL): progress reporting. */
    void (*starting)(void *user, uint32_t rule);
    void *user;
} pal_check_sink;

/* Runs the checks rules[0..n) of p on the inventory record inv with vm
   (a VM of p).  rules NULL: every check of p, in rule order.  Returns 0,
   or the sink's nonzero value, or -1 when out of memory. */
int pal_checks_run(pal_vm *vm, const pal_program *p, const uint32_t *rules, uint32_t n,
                   const pal_record *inv, const pal_check_sink *sink);

#endif
