/*
 * testset.h — the `test` blocks of a repo, checked and built into inputs
 * (lang/check/tests.c), ready for the runner (lang/tools/testrun.h).
 *
 * Tests are not part of the compiled program (a bundle never holds them).
 * A compile that is asked for them (pal_compile_tests, palc.h) checks each
 * test like every compile does, then turns its `given` groups into the
 * JSON an input of that kind really arrives as — one ECS event, or an
 * inventory in `palisade inventory` format (inline, or read from a file
 * beside the test) — and decodes it once with the real decoders, so a
 * given value the decoders would not read is a compile error at the test,
 * not a test that silently checks something else.  The set keeps the JSON
 * text, owned by the set (malloc), so it outlives the compiler's arena.
 *
 * A test of several events (one `given` each) keeps one JSON text per
 * event; when any has `at`, each gets an @timestamp, PAL_TEST_T0 plus its
 * offset (one without `at` takes the time of the one before).
 *
 * Coverage counts *targets*: the checks, rules, runtime blocks and
 * firewall blocks of the repo (a runtime block is one target, whatever its
 * sections).
 */
#ifndef PAL_TESTSET_H
#define PAL_TESTSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "engine/vm/program.h"

/* The time a test's events are at, from: 2024-01-01T00:00:00Z, in ms. */
#define PAL_TEST_T0 1704067200000ll

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
    bool windows;          /* an inventory test of a Windows image (image.os) */
    char *input;           /* the input as JSON text (the first event of several) */
    char **more;           /* the events after the first, in order (`given … at +2s`) */
    uint32_t nmore;
} pal_test;

typedef struct pal_test_target {
    char *name;            /* rule name or check ID */
    int kind;              /* PR_CHECK, PR_RULE, PR_RUNTIME, PR_FIREWALL; PR_STEP: a sequence */
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

void pal_testset_free(pal_testset *ts);
/* Index of the target named name, or -1. */
int32_t pal_testset_find(const pal_testset *ts, const char *name);

/* "check", "rule", "runtime", "firewall", "sequence" */
const char *pal_test_target_kind(int kind);

/* "alert", "fail", "pass" */
const char *pal_test_outcome_name(int effect);

#endif
