/*
 * fuzz_index.c — libFuzzer target for the rule index: decisions with the
 * index must equal decisions without it, byte for byte (engine/runtime/index.h).
 *
 * The first byte picks the mode:
 *   0  the rest are the choices of the generators in index_gen.h: a policy
 *      of 1-12 declarations, then up to 24 events;
 *   1  the same, with the compiled bytecode mutated (index_gen.h
 *      ig_mutate) and verified again, so the index meets programs the
 *      compiler would not write;
 *   2  the rest is "policy source NUL JSON lines": any text the fuzzer
 *      finds, compiled, and each line decided both ways;
 *   3  as 0, with index hints (program.h pal_ixrule) attached and then
 *      altered as a crafted bundle could (index_gen.h ig_mutate_hints):
 *      the index proves or re-searches each rule, never trusts a hint.
 * A difference aborts (after printing both decisions and the policy).
 *
 * Build: `make fuzz`; or without libFuzzer, as a replayer of files and
 * corpora (tests/fuzz/replay.h): `make fuzz-replay`.
 */
#include "index_gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/fuzz/replay.h"

#define FUZZ_MAX_EVENTS 24u

static void run_generated(const uint8_t *data, size_t size, bool mutate, bool hints)
{
    ig_gen g = {data, size, 0, 0x9e3779b97f4a7c15ull ^ size};
    ig_buf src = {0}, ev = {0};
    ig_policy(&g, &src, 1 + ig_pick(&g, 12));
    pal_program *p = ig_compile_text(src.s, false);
    if (p && mutate && !ig_mutate(&g, p)) {
        pal_program_free(p);
        p = NULL;
    }
    if (p && hints && !ig_mutate_hints(&g, p)) abort();   /* out of memory, or hints that do not verify */
    if (p) {
        ig_diff d;
        if (ig_diff_init(&d, p)) {
            uint32_t n = 1 + ig_pick(&g, FUZZ_MAX_EVENTS);
            for (uint32_t i = 0; i < n; i++) {
                ig_event(&g, &ev);
                if (!ig_diff_line(&d, ev.s, ev.len, src.s)) abort();
            }
        }
        ig_diff_free(&d);
        pal_program_free(p);
    }
    free(src.s);
    free(ev.s);
}

static void run_text(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t plen = nul ? (size_t)(nul - data) : size;
    char *policy = malloc(plen + 1);
    if (!policy) return;
    memcpy(policy, data, plen);
    policy[plen] = 0;
    pal_program *p = ig_compile_text(policy, false);
    if (p && nul) {
        ig_diff d;
        if (ig_diff_init(&d, p)) {
            const char *s = (const char *)nul + 1, *end = (const char *)data + size;
            unsigned lines = 0;
            while (s < end && lines++ < FUZZ_MAX_EVENTS) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
                if (!ig_diff_line(&d, s, len, policy)) abort();
                s += len + 1;
            }
        }
        ig_diff_free(&d);
    }
    pal_program_free(p);
    free(policy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    switch (data[0] % 4) {
    case 0: run_generated(data + 1, size - 1, false, false); break;
    case 1: run_generated(data + 1, size - 1, true, false); break;
    case 2: run_text(data + 1, size - 1); break;
    default: run_generated(data + 1, size - 1, false, true); break;
    }
    return 0;
}

