/*
 * fuzz_agent_protocol.c — libFuzzer target for the agent's line protocol
 * (engine/runtime/session.h): the decision socket's requests and replies,
 * and a --listen stream, exactly as `palisade agent` runs them, without
 * the sockets.
 *
 * The first four bytes choose: a request connection or a stream; an
 * output limit (none, or 1..~8 KiB, so deciding pauses and resumes
 * often); a line limit (the real 1 MiB or 1..255 bytes); whether the
 * learning hook claims some events; whether the input ends (the last
 * unfinished line is a request) or is cut short (it gets an error); and
 * the seeds for how the rest is cut into reads and how much of the queue
 * the client takes each turn; and, for a stream, whether its lines are
 * decided on workers (engine/runtime/workers.h: one or two threads, one or
 * two batch slots, batches of 1..8 lines, so that batches fill, lines wait
 * for a slot and buffers are traded all the time).  The rest is what the
 * client sends.
 *
 * What must hold, whatever the bytes and cuts:
 *  - the output is whole lines, each one JSON object;
 *  - a request connection answers every line, empty ones too, in order,
 *    "line" counting 1, 2, 3...; a stream answers every non-empty line,
 *    with the connection's "conn";
 *  - each answer is byte for byte the decision of its line decided alone
 *    by a fresh decider (so no state leaks from one request to the next,
 *    and the splitting is the reference splitting of fuzz_lines.c);
 *  - the queue never holds more than the output limit plus one answer
 *    (on workers: plus the answers of the batches in flight), and nothing
 *    is read while lines are held.
 *
 * Build: `make fuzz`; or without libFuzzer, as a replayer of files:
 *   cc -DPAL_FUZZ_MAIN ... tests/fuzz/fuzz_agent_protocol.c build/libpalisade.a ...
 */
#include "tests/fuzz/replay.h"
#include "tests/fuzz/fuzz_util.h"
#include "engine/runtime/session.h"
#include "engine/runtime/workers.h"
#include "engine/base/limits.h"
#include "lang/compile/palc.h"

#include <cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *POLICY =
    "package fz\n\n"
    "list shells = [\"cmd.exe\", \"powershell.exe\", \"sh\"]\n\n"
    "runtime \"lab\" {\n"
    "  scope container.image.name like \"lab*\"\n"
    "  process {\n    allow \"C:\\\\app\\\\app.exe\"\n    deny shells effect prevent\n  }\n"
    "  network {\n    deny outbound ip 1.1.1.1 effect alert\n  }\n"
    "  dns {\n    allow \"*.example.com\"\n    default effect prevent\n  }\n"
    "}\n\n"
    "firewall \"console\" {\n"
    "  allow from image \"a*\" to image \"b*\" tcp 8081-8083\n"
    "  default effect alert\n"
    "}\n\n"
    "rule \"echo\" {\n  on process\n  when process.name like \"*\"\n  effect alert\n"
    "  message \"{process.name} ran {process.command_line} under {process.parent.name}\"\n}\n\n"
    "rule \"shell\" {\n  on process\n  when process.name in shells\n  effect block\n  severity critical\n"
    "  message \"shell \\\"{process.command_line}\\\"\"\n}\n";

static pal_program *program(void)
{
    static pal_program *p;
    if (!p) p = fz_compile("fz.pal", POLICY, "fz-1");
    return p;
}

static bool learn_odd(void *user, const pal_program *p, const pal_event *ev, const pal_decision *d)
{
    return d->nmatches % 2 == 1;
}

typedef struct client {
    char *buf;          /* answers taken, not yet a whole line */
    size_t len, cap, scanned;
    long lines;         /* whole answers seen */
} client;

/* The reference line i of the input: where it is, and what it should get. */
typedef struct ref_line { size_t off, len; bool toolong; bool unfinished; long lineno; } ref_line;

/* The lines of fuzz_lines.c's reference splitter; when the input is cut
   short (cut), its unfinished last line, whatever it holds, is answered
   (with an error). */
static size_t reference(const char *s, size_t n, size_t max, bool deliver_empty, bool cut, ref_line *out, size_t cap)
{
    long lineno = 0;
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= n && k < cap; i++) {
        if (i < n && s[i] != '\n') continue;
        if (i == n && i == start) break;
        size_t len = i - start;
        lineno++;
        size_t eff = len - (len && s[start + len - 1] == '\r');
        bool toolong = eff > max;
        if (!toolong)
            while (len && s[start + len - 1] == '\r') len--;
        if (toolong || len || deliver_empty || (cut && i == n)) out[k++] = (ref_line){start, len, toolong, i == n, lineno};
        start = i + 1;
    }
    return k;
}

typedef struct check {
    const char *in;
    ref_line *ref;
    size_t nref;
    pal_decider *fresh;     /* decides each reference line alone */
    pal_strbuf want;
    unsigned long conn;
    bool cut;               /* the unfinished last line was cut short */
    const char *cut_why;
} check;

static void check_answer(check *ck, client *cl, const char *line, size_t len)
{
    cJSON *o = cJSON_ParseWithLength(line, len);
    if (!o || !cJSON_IsObject(o)) { fprintf(stderr, "not one JSON object: %.*s\n", (int)len, line); abort(); }
    cJSON_Delete(o);
    if ((size_t)cl->lines >= ck->nref) { fprintf(stderr, "more answers than lines\n"); abort(); }
    const ref_line *r = &ck->ref[cl->lines++];
    pal_strbuf_clear(&ck->want);
    pal_decision_ctx c = {r->lineno, ck->conn, false, NULL, false, 0, 0};
    if (r->unfinished && ck->cut) {
        c.error = ck->cut_why;
        if (pal_decision_write(&ck->want, ck->fresh->p, NULL, &c) != 0) abort();
    } else {
        pal_verdict v;
        if (pal_decide_line(ck->fresh, r->toolong ? NULL : ck->in + r->off, r->toolong ? 0 : r->len, r->toolong, c,
                            &ck->want, &v) != 0)
            abort();
    }
    if (ck->want.len != len + 1 || memcmp(ck->want.s, line, len)) {
        fprintf(stderr, "answer %ld differs from the line decided alone:\n  got  %.*s\n  want %.*s", cl->lines, (int)len,
                line, (int)ck->want.len, ck->want.s);
        abort();
    }
}

/* The client takes up to k bytes of the queue. */
static void take(pal_outq *q, size_t k, client *cl, check *ck)
{
    size_t n = pal_outq_pending(q);
    if (k > n) k = n;
    if (!k) return;
    if (cl->len + k > cl->cap) {
        while (cl->len + k > cl->cap) cl->cap = cl->cap ? cl->cap * 2 : 4096;
        cl->buf = realloc(cl->buf, cl->cap);
        if (!cl->buf) abort();
    }
    memcpy(cl->buf + cl->len, pal_outq_data(q), k);
    cl->len += k;
    pal_outq_sent(q, k);
    size_t start = 0;
    for (size_t i = cl->scanned; i < cl->len; i++) {
        if (cl->buf[i] != '\n') continue;
        check_answer(ck, cl, cl->buf + start, i - start);
        start = i + 1;
    }
    memmove(cl->buf, cl->buf + start, cl->len - start);
    cl->len -= start;
    cl->scanned = cl->len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4) return 0;
    bool replies = data[0] & 1;
    size_t out_limit = (data[0] & 2) ? 1 + (size_t)data[1] * 32 : 0;
    size_t max_line = (data[0] & 4) ? (data[2] ? data[2] : 1) : PAL_MAX_EVENT_LINE;
    bool learning = data[0] & 8;
    bool cut = data[0] & 16;
    uint64_t rng = 0x9e3779b97f4a7c15ull ^ ((uint64_t)data[3] << 8) ^ data[1];
    unsigned max_read = 1 + (data[3] & 63) * 64;
    const char *in = (const char *)data + 4;
    size_t n = size - 4;

    /* one decider for every run, as the agent has one for every
       connection (and one more to decide each line alone) */
    static pal_decider d, fresh;
    static bool ready;
    if (!ready) {
        pal_program *p = program();
        if (pal_decider_init(&d, p, PAL_INPUT_AUTO) != 0 || pal_decider_init(&fresh, p, PAL_INPUT_AUTO) != 0) abort();
        ready = true;
    }
    d.max_line = fresh.max_line = (unsigned)max_line;
    d.on_decided = fresh.on_decided = learning ? learn_odd : NULL;
    d.decode_all = fresh.decode_all = learning;
    pal_session_counts counts = {0};
    pal_outq out = {0};
    pal_session s;
    unsigned long conn = replies ? 0 : 7;
    pal_session_init(&s, &out, out_limit, replies, conn, &counts);
    s.lines.max_line = max_line;
    pal_workers *w = NULL;
    pal_workers_opts wo = {.threads = 1 + ((data[0] >> 6) & 1), .slots = 1 + ((data[0] >> 7) & 1), .batch_lines = 1 + data[2] % 8};
    if (!replies && (data[0] & 32)) {
        char werr[128];
        if (!(w = pal_workers_new(&wo, &d, werr, sizeof werr))) abort();
        pal_workers_set_program(w, d.p);
        pal_session_use_workers(&s, w);
    }
    /* what the batches in flight may add to the queue: each line's answer well under 64 KiB */
    size_t inflight_bound = w ? (size_t)(wo.slots + 2) * wo.batch_lines * 65536 : 0;

    size_t cap_ref = n + 2;
    ref_line *ref = malloc(cap_ref * sizeof *ref);
    if (!ref) abort();
    check ck = {in, ref, reference(in, n, max_line, replies, cut, ref, cap_ref), &fresh, {0}, conn, cut, "cut short"};
    client cl = {0};

    size_t off = 0;
    for (unsigned turn = 0; off < n || pal_session_held(&s); turn++) {
        if (turn > 10000000) abort();
        size_t avail;
        char *space = pal_session_space(&s, &avail);
        if (!pal_session_blocked(&s) && off < n) {
            if (!space) abort();
            size_t k = 1 + fz_next(&rng) % max_read;
            if (k > avail) k = avail;
            if (k > n - off) k = n - off;
            memcpy(space, in + off, k);
            off += k;
            pal_session_commit(&s, &d, k);
        } else if (space) {
            abort();                  /* no read while lines are held or the queue is full */
        }
        /* the queue: at most the limit plus one answer */
        if (out_limit && pal_outq_pending(&out) > out_limit + 65536 + inflight_bound) {
            fprintf(stderr, "queue %zu over limit %zu\n", pal_outq_pending(&out), out_limit);
            abort();
        }
        /* the client reads a little or a lot; now and then nothing */
        size_t k = fz_next(&rng) % 8 ? 1 + fz_next(&rng) % (2 * (out_limit ? out_limit : 4096) + 256) : 0;
        if (w) {
            /* every slot in flight: wait for the oldest; else take what is done */
            if (!pal_workers_can_begin(w)) pal_workers_wait(w, -1);
            else pal_workers_collect(w);
        }
        take(&out, k, &cl, &ck);
        pal_session_resume(&s, &d, false);
    }
    if (cut) pal_session_cut_short(&s, &d, "cut short");
    else pal_session_finish(&s, &d);
    if (pal_session_partial(&s) || pal_session_held(&s)) abort();
    if (w) {
        pal_workers_finish(w);
        if (pal_workers_inflight(w)) abort();
    }
    take(&out, (size_t)-1, &cl, &ck);
    if (cl.len) { fprintf(stderr, "an answer without its newline\n"); abort(); }
    if ((size_t)cl.lines != ck.nref) {
        fprintf(stderr, "%ld answers for %zu lines\n", cl.lines, ck.nref);
        abort();
    }
    if (counts.decisions + counts.write_errors != counts.lines || counts.lines != ck.nref) abort();

    free(cl.buf);
    free(ref);
    pal_strbuf_free(&ck.want);
    pal_session_free(&s);
    pal_workers_free(w);
    pal_outq_free(&out);
    return 0;
}

