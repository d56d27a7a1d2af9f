/*
 * fuzz_learn.c — libFuzzer target for lang/tools/learn.c.
 *
 * The input is event lines, a NUL byte, then the text of an existing
 * learned file.  The events feed a model; the model is rendered fresh and
 * merged into the text.  Invariants users rely on:
 *   - a fresh rendering always parses (learned source compiles);
 *   - a merge either refuses (the text does not parse) or keeps every byte
 *     of the existing text, in order (relearning never drops anything);
 *   - merging the same model into its own merge result adds nothing.
 *
 * Build: `make fuzz`; or without libFuzzer, as a replayer of files and
 * corpora (tests/fuzz/replay.h): `make fuzz-replay`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/decode/decode.h"
#include "engine/base/limits.h"
#include "lang/tools/learn.h"
#include "lang/syntax/ast.h"
#include "engine/base/arena.h"
#include "tests/fuzz/replay.h"

static bool is_subsequence(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i = 0;
    for (size_t j = 0; j < blen && i < alen; j++) if (a[i] == b[j]) i++;
    return i == alen;
}

static bool parses(const char *text)
{
    pal_arena a;
    pal_arena_init(&a, 0);
    pal_srcfile src = {(char *)"fresh.pal", (char *)text, strlen(text), 0};
    pal_srcfile *files[1] = {&src};
    pal_diags d = {0};
    d.max_errors = 1;
    d.files = files;
    d.nfiles = 1;
    pal_file *f = pal_parse(&a, &src, 0, &d);
    bool ok = f && d.errors == 0;
    pal_arena_free(&a);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = memchr(data, 0, size);
    size_t elen = sep ? (size_t)(sep - data) : size;
    const char *existing = sep ? (const char *)sep + 1 : NULL;
    size_t xlen = sep ? size - elen - 1 : 0;
    if (memchr(existing ? existing : "", 0, xlen)) return 0;   /* text files hold no NUL */

    pal_learn_opts o = {0};
    o.collapse_dns = elen % 3 == 0 ? 2 : 0;
    pal_learn *l = pal_learn_new(&o);
    pal_arena a;
    pal_arena_init(&a, 16u << 20);
    for (size_t i = 0; i < elen;) {
        const uint8_t *nl = memchr(data + i, '\n', elen - i);
        size_t n = nl ? (size_t)(nl - (data + i)) : elen - i;
        pal_event ev;
        char err[256];
        pal_arena_reset(&a);
        if (n <= PAL_MAX_EVENT_LINE &&
            pal_event_decode((const char *)data + i, n, PAL_INPUT_AUTO, NULL, &a, &ev, err, sizeof err) == 0)
            pal_learn_event(l, &ev);
        i += n + 1;
    }
    pal_arena_free(&a);

    char err[600], *diff = NULL;
    char *fresh = pal_learn_render(l, NULL, 0, NULL, NULL, err, sizeof err);
    if (fresh && !parses(fresh)) { fprintf(stderr, "fresh learned source does not parse:\n%s", fresh); abort(); }
    free(fresh);
    if (existing) {
        char *merged = pal_learn_render(l, existing, xlen, "existing.pal", &diff, err, sizeof err);
        if (merged) {
            if (!is_subsequence(existing, xlen, merged, strlen(merged))) abort();
            char *diff2 = NULL;
            char *again = pal_learn_render(l, merged, strlen(merged), "merged.pal", &diff2, err, sizeof err);
            if (!again || strcmp(again, merged) != 0) {
                fprintf(stderr, "a second merge changed the file:\n%s\n----\n%s", merged, again ? again : err);
                abort();
            }
            free(again);
            free(diff2);
        }
        free(merged);
        free(diff);
    }
    pal_learn_free(l);
    return 0;
}

