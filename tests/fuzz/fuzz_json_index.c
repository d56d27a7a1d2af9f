/*
 * fuzz_json_index.c — libFuzzer target: the indexed JSON reader
 * (engine/base/json_index.h) against the strict pull reader on any text
 * (tests/fuzz/jx_diff.h).  A text the indexed reader accepts must be read
 * identically by the pull reader; a plain text the pull reader accepts
 * must be accepted by the indexed one.  Any break aborts.
 *
 * Build: `make fuzz`; or without libFuzzer, as a replayer of files and
 * corpora (tests/fuzz/replay.h): `make fuzz-replay`.
 */
#include "tests/fuzz/replay.h"
#include "tests/fuzz/jx_diff.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1);   /* exact size: no NUL after the text */
    if (!text) return 0;
    memcpy(text, data, size);
    jxd_result r = jxd_check(text, size);
    if (r.broken) {
        fprintf(stderr, "fuzz_json_index: %s\n", r.broken);
        abort();
    }
    free(text);
    return 0;
}
