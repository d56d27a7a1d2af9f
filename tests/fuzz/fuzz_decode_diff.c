/*
 * fuzz_decode_diff.c — libFuzzer target: the event decoder's fast path
 * (engine/decode/decode_fast.c) against the cJSON tree it must equal
 * (tests/fuzz/decode_diff.h compares them).
 *
 * The first byte chooses: bits 0-1 the input format (auto, ecs, sysmon,
 * falco), bits 2-4 the `want` set (dd_want), bit 5 a 4 KiB arena (the
 * "too large" paths) instead of 64 MiB; bit 7 makes the rest a seed for
 * the line generator (every layout, source and mutation it knows) instead
 * of the line itself.  Any difference in return code, message, kind, flags
 * or any field, or a lookup the fast path does not declare, aborts.
 *
 * Build: `make fuzz`; or without libFuzzer, as a replayer of files and
 * corpora (tests/fuzz/replay.h): `make fuzz-replay`.
 */
#include "tests/fuzz/replay.h"
#include "tests/fuzz/decode_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t sel = data[0];
    pal_input_format fmt = (pal_input_format)(sel & 3u);
    uint8_t buf[64];
    const uint8_t *want = dd_want((sel >> 2) & 7u, buf);
    size_t cap = (sel & 0x20u) ? 4096u : (64u << 20);
    char why[512];
    if (sel & 0x80u) {
        dd_gen g = {0x9e3779b97f4a7c15ull, NULL, 0, 0};
        for (size_t i = 1; i < size; i++) g.rng = (g.rng ^ data[i]) * 0x100000001b3ull;
        for (int k = 0; k < 4; k++) {
            dd_gen_line(&g);
            char *line = malloc(g.len ? g.len : 1);   /* exact size: no NUL after the line */
            if (!line) abort();
            memcpy(line, g.s, g.len);
            if (!dd_compare(line, g.len, fmt, want, cap, NULL, why, sizeof why)) {
                fprintf(stderr, "fuzz_decode_diff: %s\n", why);
                abort();
            }
            free(line);
        }
        free(g.s);
        return 0;
    }
    size_t len = size - 1;
    char *line = malloc(len ? len : 1);
    if (!line) return 0;
    memcpy(line, data + 1, len);
    if (!dd_compare(line, len, fmt, want, cap, NULL, why, sizeof why)) {
        fprintf(stderr, "fuzz_decode_diff: %s\n", why);
        abort();
    }
    free(line);
    return 0;
}
