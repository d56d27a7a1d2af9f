/*
 * fuzz_fmt.c — libFuzzer target for lang/tools/fmt.c (`palisade fmt`).
 *
 * Any input is policy source.  Invariants users rely on:
 *   - formatting either refuses (the source does not parse) or succeeds;
 *   - formatted output is a fixed point: formatting it again gives it back
 *     byte for byte (so `fmt -l` in CI never flips);
 *   - nothing is read past the input (it is passed with its exact length).
 *
 * Build: `make fuzz`; or as a replayer of files with -DPAL_FUZZ_MAIN.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/tools/fmt.h"

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

#ifdef PAL_FUZZ_MAIN
int main(int argc, char **argv)
{
    static uint8_t buf[1 << 20];
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) { perror(argv[i]); return 2; }
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
    }
    return 0;
}
#endif
