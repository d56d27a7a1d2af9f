/*
 * fuzz_rstream.c — libFuzzer target for the Redis stream member's reply
 * path (engine/remote/rstream.h): the XREADGROUP and XAUTOCLAIM replies a
 * server sends, turned into entries, decided, and each decision made into
 * the value XADD writes — without a server (pal_rstream_test_*).
 *
 * The replies are hostile trees built from the fuzz bytes: a small grammar
 * (below, reply()) writes RESP — arrays nested to depth 6, of up to 3000
 * elements (the member's room is 8, 64 or 512 entries, so a reply bigger
 * than what was asked is common), bulk strings, nil strings and arrays,
 * integers, statuses, errors, and well-formed pieces to get deep: an entry
 * [id, [field, value, ...]], a read's [[stream, entries]], a claim's
 * [cursor, entries, deleted] — and hiredis's own reader turns it into the
 * redisReply tree, exactly as it does a server's bytes.
 *
 * The first byte chooses the room, the field the event is read from and
 * the read size; then each operation byte: a read reply, a re-read of the
 * member's pending entries (recovering), a claim reply (each followed by
 * its tree), feeding the session, or draining the decisions.
 *
 * What must hold:
 *  - no crash, no read outside the tree (ASan), bounded memory;
 *  - every decision drained matches its entry (drain's own check: -1
 *    aborts) and is one JSON object whose "entry" is the entry's id, an id
 *    of at most 47 bytes that the server sent;
 *  - at the end, fed and drained to the last, nothing is held, and every
 *    entry taken has been decided once (read == committed).
 */
#include "tests/fuzz/replay.h"
#include "tests/fuzz/fuzz_util.h"
#include "engine/remote/rstream.h"
#include "lang/compile/palc.h"

#include <cJSON.h>
#include <hiredis/hiredis.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *POLICY =
    "package fz\n\n"
    "rule \"echo\" {\n  on process\n  when process.name like \"*\"\n  effect alert\n"
    "  message \"{process.name} ran {process.command_line}\"\n}\n";

static pal_program *program(void)
{
    static pal_program *p;
    if (!p) p = fz_compile("fz.pal", POLICY, "fz-1");
    return p;
}

/* ---- the fuzz bytes, and the RESP they become ---- */


typedef struct out { char *s; size_t len, cap; bool full; } out;

/* depth: the nesting of the element being written (0: the reply).  hiredis
   0.14 reads arrays nested 8 deep at most (0..7); below DEPTH_LEAVES only
   leaves are written, so no array is deeper than 6. */
enum { RESP_MAX = 1u << 20, ELEMENTS_MAX = 20000, DEPTH_LEAVES = 5 };

static void put(out *o, const void *b, size_t n)
{
    if (o->full || o->len + n > RESP_MAX) { o->full = true; return; }
    if (o->len + n > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->len + n) cap *= 2;
        char *s = realloc(o->s, cap);
        if (!s) { o->full = true; return; }
        o->s = s;
        o->cap = cap;
    }
    if (b) memcpy(o->s + o->len, b, n);
    o->len += n;
}

static void putf(out *o, const char *fmt, long long v)
{
    char b[40];
    int n = snprintf(b, sizeof b, fmt, v);
    put(o, b, (size_t)n);
}

static void bulk(out *o, const char *s, size_t n)
{
    putf(o, "$%lld\r\n", (long long)n);
    put(o, s, n);
    put(o, "\r\n", 2);
}

static const char *WORDS[] = {
    "event", "ev", "other", "decision", "entry", "0-0", "1-1", "1700000000000-0", "",
    "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"sh\",\"command_line\":\"x\"}}",
    "{\"process\":{\"name\":\"a\\nb\"}}", "not json", "{\"event\":", "\r\n", "\n\n\n",
};
#define NWORDS (sizeof WORDS / sizeof WORDS[0])

/* A bulk string: a word, an id, or bytes of the input. */
static void string(fz_bytes *s, out *o, unsigned long long *serial)
{
    unsigned k = fz_byte(s);
    if (k < 96) { const char *w = WORDS[k % NWORDS]; bulk(o, w, strlen(w)); return; }
    if (k < 192) {
        char id[48];
        int n = snprintf(id, sizeof id, "%llu-%u", 1700000000000ull + (*serial)++, k & 3);
        bulk(o, id, (size_t)n);
        return;
    }
    size_t n = fz_byte(s) % 96;   /* up to 95: ids past 47 bytes are refused */
    if (n > s->n - s->i) n = s->n - s->i;
    bulk(o, (const char *)s->p + s->i, n);
    s->i += n;
}

typedef struct budget { unsigned long long serial; size_t elements; } budget;

static void reply(fz_bytes *s, out *o, int depth, budget *b);

/* n elements: each its own tree, or (a "huge count") one tree repeated. */
static void array_of(fz_bytes *s, out *o, int depth, budget *b, size_t n, bool repeat)
{
    if (b->elements + n > ELEMENTS_MAX) n = b->elements < ELEMENTS_MAX ? ELEMENTS_MAX - b->elements : 0;
    b->elements += n;
    putf(o, "*%lld\r\n", (long long)n);
    if (!repeat) {
        for (size_t i = 0; i < n; i++) reply(s, o, depth + 1, b);
        return;
    }
    size_t start = o->len;
    if (n) reply(s, o, depth + 1, b);
    size_t one = o->len - start;
    for (size_t i = 1; i < n && !o->full; i++) {
        put(o, NULL, one);   /* room first: it may move o->s */
        if (!o->full) memcpy(o->s + o->len - one, o->s + start, one);
    }
}

/* An entry as a server writes one: [id, [field, value, ...]], fields and
   values from the grammar so that they are sometimes not strings (the
   entry at depth, its fields at depth + 1, theirs at depth + 2). */
static void entry(fz_bytes *s, out *o, int depth, budget *b)
{
    put(o, "*2\r\n", 4);
    unsigned k = fz_byte(s);
    if (k & 0x80) reply(s, o, depth + 1, b); else string(s, o, &b->serial);
    if (depth + 2 > DEPTH_LEAVES + 1) { put(o, "$-1\r\n", 5); return; }   /* too deep for its fields */
    unsigned pairs = k & 7;
    if (k & 0x40) { put(o, "$-1\r\n", 5); return; }   /* a deleted entry: [id, nil] */
    putf(o, "*%lld\r\n", 2ll * pairs + ((k & 0x20) ? 1 : 0));   /* an odd count: a field with no value */
    for (unsigned i = 0; i < 2 * pairs + ((k & 0x20) ? 1u : 0u); i++) {
        if (fz_byte(s) & 1) reply(s, o, depth + 2, b); else string(s, o, &b->serial);
    }
}

static void reply(fz_bytes *s, out *o, int depth, budget *b)
{
    if (o->full) return;
    unsigned t = fz_byte(s);
    if (depth >= DEPTH_LEAVES) t %= 4;   /* only leaves down there */
    switch (t % 12) {
    case 0: string(s, o, &b->serial); break;
    case 1: put(o, "$-1\r\n", 5); break;                       /* nil */
    case 2: putf(o, ":%lld\r\n", (long long)fz_byte(s) - 128); break;
    case 3: put(o, (t & 16) ? "+stream\r\n" : "-ERR hostile\r\n", (t & 16) ? 9 : 14); break;
    case 4: put(o, "*-1\r\n", 5); break;                       /* a nil array */
    case 5: case 6: {                                          /* an array */
        unsigned k = fz_byte(s);
        bool huge = k & 0x80;
        size_t n = huge ? 100 + (size_t)(k & 0x7f) * 23 : k % 8;
        array_of(s, o, depth, b, n, huge);
        break;
    }
    case 7: case 8:
        if (depth > DEPTH_LEAVES - 1) { put(o, "$-1\r\n", 5); break; }
        entry(s, o, depth, b);
        break;
    case 9: {                                                  /* entries: [entry, ...] */
        unsigned k = fz_byte(s);
        size_t n = (k & 0x80) ? 100 + (size_t)(k & 0x7f) * 23 : k % 16;
        if (b->elements + n > ELEMENTS_MAX) n = b->elements < ELEMENTS_MAX ? ELEMENTS_MAX - b->elements : 0;
        b->elements += n;
        putf(o, "*%lld\r\n", (long long)n);
        for (size_t i = 0; i < n && !o->full; i++) entry(s, o, depth + 1, b);   /* depth < DEPTH_LEAVES: arrays to depth + 2 */
        break;
    }
    case 10:                                                   /* a read's reply: [[stream, entries]] */
        put(o, "*1\r\n*2\r\n", 8);
        bulk(o, "in", 2);
        reply(s, o, depth + 2, b);
        break;
    case 11:                                                   /* a claim's reply: [cursor, entries, deleted] */
        put(o, (t & 16) ? "*3\r\n" : "*2\r\n", 4);
        string(s, o, &b->serial);
        reply(s, o, depth + 1, b);
        if (t & 16) reply(s, o, depth + 1, b);
        break;
    }
}

/* ---- the checks ---- */

typedef struct seen { const out *resp; unsigned long long n; } seen;

static void on_decision(void *user, const char *entry, const char *value, size_t len)
{
    seen *sn = user;
    size_t idlen = strlen(entry);
    if (idlen == 0 || idlen > 47) { fprintf(stderr, "fuzz_rstream: an entry id of %zu bytes\n", idlen); abort(); }
    /* the id came from the server's bytes (a string of the tree) */
    if (!memmem(sn->resp->s, sn->resp->len, entry, idlen)) {
        fprintf(stderr, "fuzz_rstream: entry id '%s' is in no reply\n", entry);
        abort();
    }
    cJSON *j = cJSON_ParseWithLength(value, len);
    const cJSON *e = j ? cJSON_GetObjectItemCaseSensitive(j, "entry") : NULL;
    if (!cJSON_IsObject(j) || !cJSON_IsString(e) || strcmp(e->valuestring, entry)) {
        fprintf(stderr, "fuzz_rstream: the decision of entry %s is not an object naming it: %.*s\n", entry, (int)len, value);
        abort();
    }
    cJSON_Delete(j);
    sn->n++;
}

static void drain(pal_rstream *rs, seen *sn)
{
    if (pal_rstream_test_drain(rs, on_decision, sn) < 0) {
        fprintf(stderr, "fuzz_rstream: a decision matched no entry\n");
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    pal_program *p = program();
    fz_bytes s = {data, size, 0};
    unsigned cfg = fz_byte(&s);
    static const unsigned rooms[] = {8, 64, 512, 4096};
    static const char *fields[] = {"event", "ev", "other", "entry"};
    pal_rstream_opts o;
    memset(&o, 0, sizeof o);
    char err[300];
    if (pal_redis_url_parse("unix:/nonexistent/fuzz.sock?stream=in&group=g&consumer=c", &o.in, err, sizeof err) ||
        pal_redis_url_parse("unix:/nonexistent/fuzz.sock?stream=out", &o.out, err, sizeof err))
        abort();
    snprintf(o.in.field, sizeof o.in.field, "%s", fields[(cfg >> 2) & 3]);
    o.max_inflight = rooms[cfg & 3];
    o.read_count = (cfg & 0x10) ? 1 + ((cfg >> 5) & 7) * 8 : 0;
    o.out_limit = (cfg & 0x80) ? 4096 : 0;   /* a small queue: the session pauses and resumes */
    pal_session_counts counts;
    memset(&counts, 0, sizeof counts);
    pal_rstream *rs = pal_rstream_new(&o, &counts, err, sizeof err);
    if (!rs) abort();
    pal_decider d;
    if (pal_decider_init(&d, p, PAL_INPUT_AUTO) != 0) abort();

    out resp = {0};
    seen sn = {&resp, 0};
    budget b = {0, 0};
    long long now = 1;
    redisReader *rd = redisReaderCreate();
    if (!rd) abort();
    for (int ops = 0; s.i < s.n && ops < 64; ops++) {
        unsigned op = fz_byte(&s) % 5;
        if (op == 3) { pal_rstream_test_feed(rs, &d); continue; }
        if (op == 4) { drain(rs, &sn); continue; }
        size_t from = resp.len;
        reply(&s, &resp, 0, &b);
        if (resp.full) break;
        /* hiredis parses what the grammar wrote, as from a server */
        if (redisReaderFeed(rd, resp.s + from, resp.len - from) != REDIS_OK) abort();
        void *r = NULL;
        if (redisReaderGetReply(rd, &r) != REDIS_OK) abort();   /* the grammar writes valid RESP */
        if (!r) abort();                                        /* and whole replies */
        int kind = op == 0 ? PAL_RSTREAM_TEST_READ : op == 1 ? PAL_RSTREAM_TEST_RECOVER : PAL_RSTREAM_TEST_CLAIM;
        pal_rstream_test_reply(rs, kind, r, now);
    }
    /* the end: everything taken is decided and drained */
    for (int round = 0; round < 100000 && pal_rstream_test_held(rs); round++) {
        pal_rstream_test_feed(rs, &d);
        drain(rs, &sn);
    }
    pal_rstream_stats st;
    pal_rstream_get_stats(rs, &st);
    if (pal_rstream_test_held(rs) || st.read != st.committed) {
        fprintf(stderr, "fuzz_rstream: %zu entries held at the end, %llu read, %llu committed, %llu decisions\n",
                pal_rstream_test_held(rs), st.read, st.committed, sn.n);
        abort();
    }
    redisReaderFree(rd);
    free(resp.s);
    pal_decider_free(&d);
    pal_rstream_free(rs);
    return 0;
}
