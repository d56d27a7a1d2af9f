/*
 * fuzz_lines.c — libFuzzer target for the line splitter (engine/base/lines.h).
 *
 * The first four bytes set the splitter up: a line limit (1..255 bytes, or
 * the real PAL_MAX_EVENT_LINE), whether empty lines are delivered, and the
 * seeds of two generators — one cuts the rest of the input into reads of
 * 1..N bytes, the other decides which lines make the callback stop (as a
 * full output queue does), after which the held lines are drained, maybe
 * stopping again, before the next read.  The lines the splitter hands on
 * must be exactly those of a plain reference splitter run on the whole
 * input — same number, same text, same too-long flags, same line numbers —
 * however the bytes were cut and however often it stopped; it must never
 * hold more than the line limit plus one read.  Two more bits of the
 * second byte: lines are kept as pointers (checked, before the next read,
 * to still hold their bytes: lines are handed on in place), and after each
 * read the buffer is traded (pal_lines_swap_buffer, as the parallel
 * deciders take it), the kept lines checked in the buffer given away.
 *
 * Build: `make fuzz`; or without libFuzzer, as a replayer of files:
 *   cc -DPAL_FUZZ_MAIN ... tests/fuzz/fuzz_lines.c build/libpalisade.a ...
 */
#include "tests/fuzz/replay.h"
#include "tests/fuzz/fuzz_util.h"
#include "engine/base/lines.h"
#include "engine/base/limits.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct line_rec { size_t off, len; bool toolong; long lineno; } line_rec;

typedef struct run {
    line_rec *v;
    size_t n, cap;
    char *text;                /* the delivered lines' bytes, one after another */
    size_t tlen, tcap;
    uint64_t stop_rng;
    unsigned stop_every;       /* 0: never stop */
    bool keep;                 /* the lines handed on are kept as pointers until checked */
    const char **kept;         /* kept[i]: where line v[nchecked + i] was handed on */
    size_t nkept, capkept, nchecked;
} run;

static void add(run *r, const char *line, size_t len, bool toolong, long lineno)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->v = realloc(r->v, r->cap * sizeof *r->v);
        if (!r->v) abort();
    }
    if (r->tlen + len > r->tcap) {
        while (r->tlen + len > r->tcap) r->tcap = r->tcap ? r->tcap * 2 : 4096;
        r->text = realloc(r->text, r->tcap);
        if (!r->text) abort();
    }
    if (len) memcpy(r->text + r->tlen, line, len);
    r->v[r->n++] = (line_rec){r->tlen, len, toolong, lineno};
    r->tlen += len;
}

static int on_line(void *user, const char *line, size_t len, bool toolong, long lineno)
{
    run *r = user;
    if (toolong && (line || len)) abort();
    if (!toolong && !line && len) abort();
    add(r, line, len, toolong, lineno);
    if (r->keep) {
        if (r->nkept == r->capkept) {
            r->capkept = r->capkept ? r->capkept * 2 : 64;
            r->kept = realloc(r->kept, r->capkept * sizeof *r->kept);
            if (!r->kept) abort();
        }
        r->kept[r->nkept++] = line;
    }
    return r->stop_every && fz_next(&r->stop_rng) % r->stop_every == 0;
}

/* The reference: the whole input at once.  A line is the bytes before its
   newline (or the unfinished last one, when not empty); it is too long
   when, less one '\r' of a CRLF ending, it has more than max bytes;
   otherwise its trailing '\r's are cut and an empty one is dropped unless
   empty lines are delivered. */
static void reference(const char *s, size_t n, size_t max, bool deliver_empty, run *out)
{
    long lineno = 0;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '\n') continue;
        if (i == n && i == start) break;   /* no unfinished last line */
        size_t len = i - start;
        lineno++;
        size_t eff = len - (len && s[start + len - 1] == '\r');
        if (eff > max) {
            add(out, NULL, 0, true, lineno);
        } else {
            while (len && s[start + len - 1] == '\r') len--;
            if (len || deliver_empty) add(out, s + start, len, false, lineno);
        }
        start = i + 1;
    }
}

/* The lines kept since the last check still hold their bytes where they
   were handed on. */
static void check_kept(run *r)
{
    for (size_t i = 0; i < r->nkept; i++) {
        const line_rec *x = &r->v[r->nchecked + i];
        if (x->len && memcmp(r->kept[i], r->text + x->off, x->len)) {
            fprintf(stderr, "line #%ld moved before the next read\n", x->lineno);
            abort();
        }
    }
    r->nchecked += r->nkept;
    r->nkept = 0;
}

static void drain_all(pal_lines *l, run *r)
{
    for (unsigned guard = 0; pal_lines_held(l); guard++) {
        if (guard > 10000000) abort();
        pal_lines_drain(l, on_line, r);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4) return 0;
    size_t max = data[0] ? data[0] : PAL_MAX_EVENT_LINE;
    bool deliver_empty = data[1] & 1;
    unsigned stop_every = (data[1] >> 1) & 7;          /* 0: never; else about 1 line in stop_every */
    uint64_t cut_rng = 0x9e3779b97f4a7c15ull ^ data[2];
    unsigned max_read = 1u + data[3] * 37u;
    bool keep = data[1] & 0x10, swap = data[1] & 0x20;
    char *spare = NULL;         /* the buffer traded with the splitter */
    size_t spare_cap = 0;
    const char *in = (const char *)data + 4;
    size_t n = size - 4;

    pal_lines l;
    pal_lines_init(&l);
    l.max_line = max;
    l.deliver_empty = deliver_empty;
    run got = {0};
    got.stop_every = stop_every;
    got.stop_rng = 0x243f6a8885a308d3ull ^ data[1];
    got.keep = keep || swap;
    size_t off = 0;
    while (off < n) {
        drain_all(&l, &got);
        if (swap) {
            if (pal_lines_swap_buffer(&l, &spare, &spare_cap) != 0) abort();
            check_kept(&got);   /* in the buffer given away */
        }
        check_kept(&got);
        size_t avail;
        char *space = pal_lines_space(&l, &avail);
        if (!space) abort();                           /* nothing held, so there is room */
        if (avail < 4096) abort();
        size_t k = 1 + fz_next(&cut_rng) % max_read;
        if (k > avail) k = avail;
        if (k > n - off) k = n - off;
        memcpy(space, in + off, k);
        off += k;
        pal_lines_commit(&l, k, on_line, &got);
        if (l.len > max + 1 + 65536 || l.cap > max + 1 + 65536) abort();   /* one line and one read */
    }
    for (unsigned guard = 0; pal_lines_finish(&l, on_line, &got) != 0; guard++)
        if (guard > 10000000) abort();
    if (pal_lines_partial(&l) || pal_lines_held(&l)) abort();
    check_kept(&got);
    free(spare);
    free(got.kept);

    run want = {0};
    reference(in, n, max, deliver_empty, &want);
    bool same = got.n == want.n;
    for (size_t i = 0; same && i < got.n; i++) {
        const line_rec *a = &got.v[i], *b = &want.v[i];
        same = a->toolong == b->toolong && a->lineno == b->lineno && a->len == b->len &&
               !memcmp(got.text + a->off, want.text + b->off, a->len);
        if (!same)
            fprintf(stderr, "line %zu: got #%ld toolong=%d len=%zu, want #%ld toolong=%d len=%zu\n", i, a->lineno,
                    a->toolong, a->len, b->lineno, b->toolong, b->len);
    }
    if (!same) {
        fprintf(stderr, "splitter and reference differ: %zu lines vs %zu (max %zu, empty %d)\n", got.n, want.n, max,
                deliver_empty);
        abort();
    }
    free(got.v);
    free(got.text);
    free(want.v);
    free(want.text);
    pal_lines_free(&l);
    return 0;
}

