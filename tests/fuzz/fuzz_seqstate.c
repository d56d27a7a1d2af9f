/*
 * fuzz_seqstate.c — libFuzzer target for the correlation state file
 * (`palisade agent --state`, engine/runtime/seq.c "the state file").
 *
 * Each input is read three times: as given (the checksum stops almost
 * everything), and with its length field made true and its checksum
 * recomputed, so the fuzzer reaches the body — once for the program that
 * wrote the seeds and once for another that shares only some of its
 * correlations (the dropping path).  Every refusal must say why, naming
 * the file.  Whatever loads must be usable: events are decided with it,
 * and it must write back to a file that reads back and writes again to
 * the same bytes (write . read is the identity on what write makes).
 *
 * The seeds (tests/fuzz/corpus/fuzz_seqstate) are state files `palisade
 * agent --state` wrote for POLICY below, with partial matches of every
 * form.
 */
#include "tests/fuzz/replay.h"
#include "engine/runtime/runtime.h"
#include "engine/runtime/seq.h"
#include "engine/base/arena.h"
#include "lang/compile/palc.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *POLICY =
    "sequence \"ord\" {\n  by host.name\n  within 1m\n"
    "  step a { on process when process.name == \"a\" }\n  step b { on process when process.name == \"b\" }\n"
    "  step c { on process when process.name == \"c\" }\n"
    "  message \"{a.process.command_line} {b.process.command_line} {c.process.command_line}\"\n}\n"
    "sequence \"unord\" {\n  by host.name\n  within 1m\n  unordered\n"
    "  step x { on process when process.name == \"x\" }\n  step y { on process when process.name == \"y\" }\n}\n"
    "rule \"count\" {\n  on process\n  when process.name == \"n\"\n  count >= 3 by host.name within 1m\n}\n"
    "rule \"distinct\" {\n  on process\n  when process.name == \"d\"\n"
    "  count distinct process.pid >= 3 by host.name within 1m\n}\n";
/* keeps "unord" and "count" as they are; "ord" has another window */
static const char *OTHER =
    "rule \"count\" {\n  on process\n  when process.name == \"n\"\n  count >= 3 by host.name within 1m\n}\n"
    "sequence \"unord\" {\n  by host.name\n  within 1m\n  unordered\n"
    "  step x { on process when process.name == \"x\" }\n  step y { on process when process.name == \"y\" }\n}\n"
    "sequence \"ord\" {\n  by host.name\n  within 2m\n"
    "  step a { on process when process.name == \"a\" }\n  step b { on process when process.name == \"b\" }\n"
    "  step c { on process when process.name == \"c\" }\n}\n";

static int read_src(void *user, const char *relpath, char **data, size_t *len)
{
    (void)relpath;
    *len = strlen(user);
    *data = malloc(*len + 1);
    if (!*data) return -1;
    memcpy(*data, user, *len + 1);
    return 0;
}

static pal_program *compile(const char *src)
{
    pal_compile_opts o = {0};
    o.read = read_src;
    o.read_user = (void *)src;
    const char *paths[] = {"state.pal"};
    unsigned errs = 0, warns = 0;
    pal_program *p = pal_compile(paths, 1, &o, &errs, &warns);
    if (!p) abort();   /* the policies above compile */
    return p;
}

static void decide_some(pal_runtime *rt, const pal_program *p)
{
    static const char *const names[] = {"a", "b", "c", "x", "y", "n", "d"};
    pal_arena ar;
    pal_arena_init(&ar, 1u << 16);
    for (int i = 0; i < 7; i++) {
        char line[256];
        int n = snprintf(line, sizeof line,
                         "{\"event\":{\"category\":[\"process\"]},\"host\":{\"name\":\"h\"},\"process\":{\"name\":\"%s\",\"pid\":%d}}",
                         names[i], 10 + i);
        pal_event ev;
        char err[256];
        pal_arena_reset(&ar);
        if (pal_event_decode(line, (size_t)n, PAL_INPUT_ECS, p->event_fields_used, &ar, &ev, err, sizeof err) != 0) abort();
        pal_runtime_set_event(rt, 1u << 20, 1800000000000);
        pal_decision d;
        if (pal_decide_event(rt, &ev, &d) != 0) abort();
    }
    pal_arena_free(&ar);
}

static void try_read(const unsigned char *buf, size_t len, const pal_program *p)
{
    pal_seqstate *s = NULL;
    uint64_t events;
    char err[1024];
    err[0] = 0;
    if (pal_seqstate_read(buf, len, "fuzz.state", p, NULL, &s, &events, err, sizeof err) != 0) {
        if (s || strncmp(err, "fuzz.state: ", 12) != 0) abort();   /* every refusal names the file and says why */
        return;
    }
    /* what loads writes back to a file that reads back to the same bytes */
    unsigned char *a, *b;
    size_t alen, blen;
    if (pal_seqstate_write(s, events, &a, &alen, NULL) != 0) abort();
    pal_seqstate *again = NULL;
    uint64_t events2;
    if (pal_seqstate_read(a, alen, "fuzz.state", p, NULL, &again, &events2, err, sizeof err) != 0 || events2 != events) {
        fprintf(stderr, "fuzz_seqstate: a state written from a loaded one does not read back: %s\n", err);
        abort();
    }
    if (pal_seqstate_write(again, events2, &b, &blen, NULL) != 0) abort();
    if (alen != blen || memcmp(a, b, alen) != 0) {
        fprintf(stderr, "fuzz_seqstate: write(read(write(state))) differs from write(state)\n");
        abort();
    }
    free(a);
    free(b);
    pal_seqstate_free(again);
    /* and decides */
    pal_runtime *rt = pal_runtime_new(p);
    if (!rt) abort();
    if (p->nseqs) pal_runtime_put_seqstate(rt, s);
    else pal_seqstate_free(s);
    decide_some(rt, p);
    pal_runtime_free(rt);
}

static void seal(unsigned char *b, size_t len)
{
    for (int i = 0; i < 8; i++) b[16 + i] = (unsigned char)((uint64_t)len >> (8 * i));
    static const unsigned char zeros[32];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, b, 32);
    crypto_hash_sha256_update(&st, zeros, 32);
    crypto_hash_sha256_update(&st, b + 64, len - 64);
    crypto_hash_sha256_final(&st, b + 32);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pal_program *p, *other;
    if (!p) {
        if (sodium_init() < 0) abort();
        p = compile(POLICY);
        other = compile(OTHER);
    }
    try_read(data, size, p);
    if (size < 64 || size > (4u << 20)) return 0;
    unsigned char *copy = malloc(size);
    if (!copy) return 0;
    memcpy(copy, data, size);
    seal(copy, size);
    try_read(copy, size, p);
    try_read(copy, size, other);
    free(copy);
    return 0;
}
