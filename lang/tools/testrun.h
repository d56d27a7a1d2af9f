/*
 * testrun.h — `palisade test` as a library: the tests of a repo (checked
 * and built by the compiler, lang/check/testset.h) run through the same
 * runtime as `eval` and `scan`, and compared with what they expect.
 *
 * Running a test decodes its JSON again exactly as `palisade eval` does
 * (pal_event_decode / pal_record_from_json) and asks the runtime for the
 * decision or the check findings.  What each rule did is kept per rule
 * (strongest effect, number of matches, first message): that is what the
 * comparison, the failure text and coverage need, and it is bounded by
 * the number of rules, however many findings a check reports.
 *
 * A test exercises a target when the target matched on the test's input
 * (a check: failed) or when the test names it after `by`.
 */
#ifndef PAL_TESTRUN_H
#define PAL_TESTRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lang/check/testset.h"
#include "engine/vm/program.h"

/* ---- running ---- */

enum { PAL_TEST_PASS = 0, PAL_TEST_FAIL = 1 };

/* What one target did on a test's input. */
typedef struct pal_test_hit {
    uint32_t target;
    int effect;            /* strongest effect of its matches (PE_FAIL for a check) */
    uint32_t count;        /* matches (findings) */
    char *message;         /* the first message with that effect */
} pal_test_hit;

typedef struct pal_test_result {
    int status;            /* PAL_TEST_PASS / PAL_TEST_FAIL */
    int got;               /* what was compared with expect: the decision's effect, the
                              `by` target's strongest effect (PE_ALLOW: it did not match),
                              or for inventories PE_FAIL / PAL_EXPECT_PASS */
    pal_test_hit *hits;    /* every target that matched, strongest first, then source order */
    uint32_t nhits;
    char *error;           /* a rule that stopped (instruction budget), or an input that
                              could not be decoded; the test then fails.  NULL if none. */
} pal_test_result;

typedef struct pal_test_runner pal_test_runner;

/* p must be the program compiled with ts, prepared, and outlive the runner.
   NULL when out of memory. */
pal_test_runner *pal_test_runner_new(const pal_program *p, const pal_testset *ts);
void pal_test_runner_free(pal_test_runner *r);

/* Runs test i; fills *out (free with pal_test_result_free) and marks the
   targets it exercised.  Returns 0, or -1 when out of memory. */
int pal_test_run(pal_test_runner *r, uint32_t i, pal_test_result *out);
void pal_test_result_free(pal_test_result *res);

/* covered[t] for every target t of the set: exercised by a test run so far. */
const bool *pal_test_covered(const pal_test_runner *r);

#endif
