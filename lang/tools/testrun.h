/*
 * testrun.h — `palisade test` as a library: the `test` blocks of a policy
 * repo turned into inputs, run through the same runtime as `eval` and
 * `scan`, and compared with what they expect.
 *
 * Design. Tests are not part of the compiled program (a bundle never holds
 * them).  A compile that is asked for them (pal_compile_tests) checks each
 * test like every compile does, then turns its `given` groups into the
 * JSON an input of that kind really arrives as — one ECS event, or an
 * inventory in `palisade inventory` format (inline, or read from a file
 * beside the test) — and decodes it once with the real decoders, so a
 * given value the decoders would not read is a compile error at the test,
 * not a test that silently checks something else.  The set keeps the JSON
 * text, owned by the set (malloc), so it outlives the compiler's arena.
 *
 * Running a test decodes that JSON again exactly as `palisade eval` does
 * (pal_event_decode / pal_record_from_json) and asks the runtime for the
 * decision or the check findings.  What each rule did is kept per rule
 * (strongest effect, number of matches, first message): that is what the
 * comparison, the failure text and coverage need, and it is bounded by
 * the number of rules, however many findings a check reports.
 *
 * Coverage counts *targets*: the checks, rules, runtime blocks and
 * firewall blocks of the repo (a runtime block is one target, whatever its
 * sections).  A test exercises a target when the target matched on the
 * test's input (a check: failed) or when the test names it after `by`.
 */
#ifndef PAL_TESTRUN_H
#define PAL_TESTRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lang/compile/palc.h"
#include "engine/vm/program.h"

/* `expect pass` (an inventory test where the check(s) pass). */
#define PAL_EXPECT_PASS (-1)

typedef struct pal_test {
    char *name;
    char *file;            /* the .pal file, relative to the repo */
    uint32_t line, col;    /* of the `test` keyword */
    uint32_t expect_line, expect_col;
    int expect;            /* PE_ALLOW..PE_BLOCK (event tests); PE_FAIL or PAL_EXPECT_PASS (inventory tests) */
    char *by;              /* NULL, or the rule or check named after `by` */
    int32_t by_target;     /* index into targets, -1 without `by` */
    bool inventory;        /* an inventory test (given image { ... }) */
    char *input;           /* the input as JSON text */
} pal_test;

typedef struct pal_test_target {
    char *name;            /* rule name or check ID */
    int kind;              /* PR_CHECK, PR_RULE, PR_RUNTIME, PR_FIREWALL */
    char *file;
    uint32_t line, col;    /* of the declaration's keyword */
} pal_test_target;

typedef struct pal_testset {
    pal_test *tests;
    uint32_t ntests, cap_tests;
    pal_test_target *targets;   /* in source order */
    uint32_t ntargets, cap_targets;
    uint32_t *by_name;          /* target indices sorted by name */
    bool oom;                   /* a test could not be kept: the set is incomplete */
} pal_testset;

/* pal_compile / pal_compile_dir (palc.h) that also fill *tests (zeroed by
   the caller; free it with pal_testset_free whatever the result).  Tests
   whose input cannot be built are reported as diagnostics, and make the
   compile fail like any other error. */
pal_program *pal_compile_tests(const char *const *paths, size_t npaths, const pal_compile_opts *o,
                               unsigned *nerrors, unsigned *nwarnings, pal_testset *tests);
pal_program *pal_compile_dir_tests(const char *dir, const pal_compile_opts *o,
                                   unsigned *nerrors, unsigned *nwarnings, pal_testset *tests);

void pal_testset_free(pal_testset *ts);
/* Index of the target named name, or -1. */
int32_t pal_testset_find(const pal_testset *ts, const char *name);

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

/* "alert", "fail", "pass" */
const char *pal_test_outcome_name(int effect);

/* ---- internal: called by the compiler (lang/compile/compiler.c) ---- */
struct pal_cc;
struct pal_decl;
/* Builds the input of test d (already checked without errors) and keeps it. */
void pal_testset_add(pal_testset *ts, struct pal_cc *cc, struct pal_decl *d);
/* After every declaration: the targets, and each test's `by` target. */
void pal_testset_finish(pal_testset *ts, struct pal_cc *cc);

#endif
