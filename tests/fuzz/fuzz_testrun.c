/*
 * fuzz_testrun.c — `palisade test` as a library (lang/tools/testrun.c): a
 * policy with `test` blocks compiled with its tests, and every test run.
 *
 * The input is up to three NUL-separated pieces, as in fuzz_compile:
 * "policy.pal", then "lib/common.pal", then the content served for every
 * other file the compile reads (an inventory `from_file`, a feed).  What
 * must hold, beyond "no crash, no sanitizer report, no hang":
 *   - a failed compile reported an error;
 *   - a compiled set is complete (no test dropped), each test has a name, a
 *     file and its input as JSON text that parses; a `by` names a target;
 *     every target is found by its name;
 *   - running a test never fails for want of memory, and never because its
 *     input does not decode (the compile already decoded it: a given value
 *     the decoders would not read is a compile error); an error is only a
 *     rule that stopped, and then the test fails; a pass is got == expect;
 *   - hits name distinct targets, strongest first then in source order,
 *     each with a count and a message, and mark their targets covered;
 *   - running a test again gives the same result.
 *
 * Build: `make fuzz`; or without libFuzzer, as a replayer of files and
 * corpora (tests/fuzz/replay.h): `make fuzz-replay`.
 * FUZZ_TESTRUN_VERBOSE=1 in the environment prints the diagnostics.
 */
#include "lang/tools/testrun.h"
#include "lang/compile/palc.h"
#include "engine/vm/program.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/fuzz/replay.h"

#define FUZZ_MAX_TESTS 32u   /* tests run per input: bounded work */

typedef struct { const char *text[3]; size_t len[3]; } fuzz_repo;

static int read_repo(void *user, const char *relpath, char **data, size_t *len)
{
    const fuzz_repo *r = user;
    int piece = !strcmp(relpath, "policy.pal") ? 0 : !strcmp(relpath, "lib/common.pal") ? 1 : 2;
    if (!r->text[piece]) return -1;
    *data = malloc(r->len[piece] + 1);
    if (!*data) return -1;
    memcpy(*data, r->text[piece], r->len[piece]);
    (*data)[r->len[piece]] = 0;
    *len = r->len[piece];
    return 0;
}

static void on_diag(const pal_diagnostic *d, void *user)
{
    if (d->level == PAL_DIAG_ERROR) ++*(unsigned *)user;
    if (getenv("FUZZ_TESTRUN_VERBOSE")) pal_diag_print(d, stderr);
}

static void check_result(const pal_testset *ts, const pal_test *t, const pal_test_result *res, const bool *covered)
{
    if (res->status != PAL_TEST_PASS && res->status != PAL_TEST_FAIL) abort();
    if (res->error && res->error[0] != '\'') {
        fprintf(stderr, "fuzz_testrun: test \"%s\" has an input that compiled but does not run: %s\n", t->name, res->error);
        abort();
    }
    if (res->status == PAL_TEST_PASS && (res->error || res->got != t->expect)) abort();
    if (res->status == PAL_TEST_FAIL && !res->error && res->got == t->expect) abort();
    if (res->nhits > ts->ntargets || (res->nhits && !res->hits)) abort();
    for (uint32_t h = 0; h < res->nhits; h++) {
        const pal_test_hit *x = &res->hits[h];
        if (x->target >= ts->ntargets || x->count == 0 || !x->message || !covered[x->target]) abort();
        if (h) {
            const pal_test_hit *p = &res->hits[h - 1];
            if (p->effect < x->effect || (p->effect == x->effect && p->target >= x->target)) abort();
        }
    }
}

static bool same_result(const pal_test_result *a, const pal_test_result *b)
{
    if (a->status != b->status || a->got != b->got || a->nhits != b->nhits) return false;
    if (!a->error != !b->error || (a->error && strcmp(a->error, b->error))) return false;
    for (uint32_t h = 0; h < a->nhits; h++) {
        const pal_test_hit *x = &a->hits[h], *y = &b->hits[h];
        if (x->target != y->target || x->effect != y->effect || x->count != y->count || strcmp(x->message, y->message))
            return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_repo repo = {0};
    const char *p = (const char *)data, *end = p + size;
    for (int i = 0; i < 3 && p <= end; i++) {
        const char *nul = (i < 2) ? memchr(p, 0, (size_t)(end - p)) : NULL;
        repo.text[i] = p;
        repo.len[i] = nul ? (size_t)(nul - p) : (size_t)(end - p);
        if (!nul) break;
        p = nul + 1;
    }
    const char *paths[2] = {"policy.pal", "lib/common.pal"};
    size_t npaths = repo.text[1] ? 2 : 1;

    unsigned errors_seen = 0;
    pal_compile_opts o = {0};
    o.revision = "fuzz";
    o.build_time = 1;
    o.diag = on_diag;
    o.diag_user = &errors_seen;
    o.read = read_repo;
    o.read_user = &repo;
    unsigned nerrors = 0, nwarnings = 0;
    pal_testset ts;
    memset(&ts, 0, sizeof ts);
    pal_program *prog = pal_compile_tests(paths, npaths, &o, &nerrors, &nwarnings, &ts);
    if (!prog) {
        if (nerrors == 0 || errors_seen == 0) abort();   /* every failure says why */
        pal_testset_free(&ts);
        return 0;
    }
    if (nerrors != 0 || ts.oom) abort();

    for (uint32_t t = 0; t < ts.ntargets; t++) {
        const pal_test_target *x = &ts.targets[t];
        if (!x->name || !x->file) abort();
        int32_t f = pal_testset_find(&ts, x->name);
        if (f < 0 || (uint32_t)f >= ts.ntargets || strcmp(ts.targets[f].name, x->name)) abort();
    }
    for (uint32_t i = 0; i < ts.ntests; i++) {
        const pal_test *t = &ts.tests[i];
        if (!t->name || !t->file || !t->input || t->line < 1) abort();
        if ((t->by != NULL) != (t->by_target >= 0) || t->by_target >= (int32_t)ts.ntargets) abort();
        for (uint32_t e = 0; e <= t->nmore; e++) {
            cJSON *j = cJSON_Parse(e ? t->more[e - 1] : t->input);
            if (!cJSON_IsObject(j)) abort();   /* each input is the JSON an input arrives as */
            cJSON_Delete(j);
        }
    }

    pal_test_runner *run = pal_test_runner_new(prog, &ts);
    if (!run) abort();
    uint32_t n = ts.ntests < FUZZ_MAX_TESTS ? ts.ntests : FUZZ_MAX_TESTS;
    for (uint32_t i = 0; i < n; i++) {
        pal_test_result a, b;
        if (pal_test_run(run, i, &a) != 0) abort();   /* not for want of memory, on inputs this small */
        check_result(&ts, &ts.tests[i], &a, pal_test_covered(run));
        if (pal_test_run(run, i, &b) != 0) abort();
        if (!same_result(&a, &b)) abort();
        pal_test_result_free(&a);
        pal_test_result_free(&b);
    }
    pal_test_runner_free(run);
    pal_testset_free(&ts);
    pal_program_free(prog);
    return 0;
}
