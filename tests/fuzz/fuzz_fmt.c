/*
 * fuzz_fmt.c — libFuzzer target for lang/tools/fmt.c (`palisade fmt`).
 *
 * Any input is policy source.  Invariants users rely on:
 *   - formatting either refuses (the source does not parse) or succeeds;
 *   - formatted output is a fixed point: formatting it again gives it back
 *     byte for byte (so `fmt -l` in CI never flips);
 *   - nothing is read past the input (it is passed with its exact length).
 *
 * Build: `make fuzz`; or without libFuzzer, as a replayer of files and
 * corpora (tests/fuzz/replay.h): `make fuzz-replay`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/tools/fmt.h"
#include "tests/fuzz/replay.h"

static void quiet(const pal_diagnostic *d, void *user) { (void)d; (void)user; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20)) return 0;
    char *src = malloc(size ? size : 1);
    if (!src) return 0;
    memcpy(src, data, size);
    char *out = NULL, *again = NULL;
    size_t outlen = 0, againlen = 0;
    if (pal_format("fuzz.pal", src, size, quiet, NULL, &out, &outlen) == 0) {
        if (!out || strlen(out) != outlen) abort();
        if (pal_format("fuzz.pal", out, outlen, quiet, NULL, &again, &againlen) != 0) {
            fprintf(stderr, "formatted output does not format:\n%s", out);
            abort();
        }
        if (againlen != outlen || memcmp(again, out, outlen) != 0) {
            fprintf(stderr, "fmt is not idempotent:\n--- once\n%s--- twice\n%s", out, again);
            abort();
        }
    }
    free(again);
    free(out);
    free(src);
    return 0;
}

