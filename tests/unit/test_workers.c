/*
 * test_workers.c — the parallel deciders (engine/runtime/workers.h) and a
 * stream session on them (engine/runtime/session.h).
 *
 *  - A stream decided on 1, 2 and 4 workers, with batches of 1 to 1024
 *    lines and 1 to 8 slots, cut into reads of every size: the queue gets
 *    byte for byte what the same session writes deciding in place, and the
 *    tallies agree.  Small batches and slots make a read's lines wait for
 *    a slot (held) and several batches point into one read's buffer.
 *  - A reload between batches: every decision names the program in force
 *    when its batch was submitted; the old program is in use until its
 *    batches are collected and the workers let go of it, then not.
 *  - The slot bound: begin refuses past it, unless forced.
 *  - Error lines, only-notable decisions, cut-short lines and the end of
 *    input on workers.
 *  - Correlations on workers (the ordered stage): a sequence, an unordered
 *    sequence and a count over the same stream, beside stateless rules,
 *    decide the same bytes and tallies as in place, members named by line
 *    or by event count; a reload between batches settles the batches of
 *    the old program in flight against the new program's state (the
 *    unchanged correlation completes across it, the changed one not).
 */
#include "tests/unit/unit.h"

#include <stdlib.h>
#include "engine/runtime/seq.h"
#include "engine/runtime/session.h"
#include "engine/runtime/workers.h"
#include "lang/compile/palc.h"

static const char *POLICY_A =
    "package main\n\nrule \"tag\" {\n  on process\n  when process.name like \"*\"\n  effect alert\n"
    "  message \"a {process.command_line}\"\n}\n\n"
    "rule \"shell\" {\n  on process\n  when process.name == \"cmd.exe\"\n  effect prevent\n"
    "  message \"shell\"\n}\n";
static const char *POLICY_B =
    "package main\n\nrule \"tag\" {\n  on process\n  when process.name like \"*\"\n  effect alert\n"
    "  message \"b {process.command_line}\"\n}\n";

/* every line of make_stream's that is an event takes part */
static const char *POLICY_SEQ =
    "package main\n\nrule \"shell\" {\n  on process\n  when process.name == \"cmd.exe\"\n  effect alert\n"
    "  message \"shell {process.command_line}\"\n}\n\n"
    "sequence \"app then shell\" {\n  within 1h\n"
    "  step first { on process when process.name == \"app\" }\n  step then { on process when process.name == \"cmd.exe\" }\n"
    "  effect prevent\n  message \"{first.process.command_line} then {then.process.command_line}\"\n}\n\n"
    "sequence \"both\" {\n  within 1h\n  unordered\n"
    "  step { on process when process.name == \"x\" }\n  step { on process when process.name == \"last\" }\n}\n\n"
    "rule \"apps\" {\n  on process\n  when process.name == \"app\"\n  count >= 7 within 1h\n}\n";

static const char *current_text;
static int read_one(void *user, const char *relpath, char **data, size_t *len)
{
    if (strcmp(relpath, "main.pal")) return -1;
    *len = strlen(current_text);
    *data = malloc(*len + 1);
    memcpy(*data, current_text, *len + 1);
    return 0;
}

static pal_program *compile(const char *text, const char *revision)
{
    current_text = text;
    pal_compile_opts o = {0};
    o.revision = revision;
    o.read = read_one;
    const char *paths[] = {"main.pal"};
    unsigned errs = 0, warns = 0;
    return pal_compile(paths, 1, &o, &errs, &warns);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return n ? (uint32_t)(rng % n) : 0;
}

/* A stream of every kind of line: events, shells, broken, empty, CRLF,
   short garbage, too long for a small line limit. */
static char *make_stream(size_t nlines, size_t *len)
{
    size_t cap = nlines * 160 + 64, n = 0;
    char *s = malloc(cap);
    for (size_t i = 0; i < nlines; i++) {
        uint32_t k = rnd(100);
        if (k < 55)
            n += (size_t)snprintf(s + n, cap - n, "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"%s\","
                                  "\"command_line\":\"c%zu\"}}\n", k < 10 ? "cmd.exe" : "app", i);
        else if (k < 65) n += (size_t)snprintf(s + n, cap - n, "{broken %zu\n", i);
        else if (k < 75) n += (size_t)snprintf(s + n, cap - n, "\n");
        else if (k < 80) n += (size_t)snprintf(s + n, cap - n, "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"x\"}}\r\n");
        else if (k < 95) n += (size_t)snprintf(s + n, cap - n, "x\n");
        else n += (size_t)snprintf(s + n, cap - n, "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"%0120d\"}}\n", 7);
    }
    n += (size_t)snprintf(s + n, cap - n, "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"last\"}}");
    *len = n;
    return s;
}

typedef struct run_opts {
    pal_workers_opts w;       /* threads 0: decided in place */
    size_t max_read;
    bool only_notable;
    bool cut;                 /* the last line is cut short instead of finished */
    bool by_count;            /* correlation members named by event count (the agent), not by line */
} run_opts;

/* The stream through one session; returns its queue's bytes (malloc'ed). */
static char *run_stream(pal_program *p, const char *in, size_t n, const run_opts *o, pal_tally *t, size_t *outlen)
{
    pal_decider d;
    CHECK_INT(pal_decider_init(&d, p, PAL_INPUT_AUTO), 0);
    d.clock_ms = 1000;   /* the events have no time of their own */
    d.ids_by_count = o->by_count;
    pal_workers *w = NULL;
    if (o->w.threads) {
        char err[128];
        w = pal_workers_new(&o->w, &d, err, sizeof err);
        CHECK(w != NULL);
        if (!w) return NULL;
        pal_workers_set_ordered(w, &d);
        pal_workers_set_program(w, p);
    }
    pal_outq out = {0};
    memset(t, 0, sizeof *t);
    pal_session s;
    pal_session_init(&s, &out, 0, false, 3, t);
    s.lines.max_line = 100;
    s.only_notable = o->only_notable;
    if (w) pal_session_use_workers(&s, w);
    size_t off = 0;
    unsigned guard = 0;
    while (off < n || pal_session_held(&s)) {
        if (guard++ > 10000000) { CHECK(!"no progress"); break; }
        size_t avail;
        char *space = pal_session_space(&s, &avail);
        if (space && off < n) {
            size_t k = 1 + rnd((uint32_t)o->max_read);
            if (k > avail) k = avail;
            if (k > n - off) k = n - off;
            memcpy(space, in + off, k);
            off += k;
            pal_session_commit(&s, &d, k);
        } else if (w && !pal_workers_can_begin(w)) {
            pal_workers_wait(w, -1);
        }
        if (w && rnd(3) == 0) pal_workers_collect(w);
        pal_session_resume(&s, &d, false);
    }
    if (o->cut) pal_session_cut_short(&s, &d, "cut short");
    else pal_session_finish(&s, &d);
    if (w) {
        pal_workers_finish(w);
        CHECK_INT(pal_workers_inflight(w), 0);
    }
    pal_session_free(&s);
    pal_workers_free(w);
    if (pal_runtime_seqstate(d.rt)) {
        pal_seq_stats st;
        pal_seqstate_stats(pal_runtime_seqstate(d.rt), &st);
        t->warnings += st.completed << 32;   /* the chains completed join the comparison */
    }
    pal_decider_free(&d);
    char *r = malloc(out.buf.len + 1);
    memcpy(r, out.buf.s, out.buf.len);
    r[out.buf.len] = 0;
    *outlen = out.buf.len;
    pal_outq_free(&out);
    return r;
}

static void same_as_in_place(const char *policy, bool by_count)
{
    pal_program *p = compile(policy, "ra");
    CHECK(p != NULL);
    if (!p) return;
    size_t n;
    char *in = make_stream(3000, &n);
    static const unsigned threads[] = {1, 2, 4}, lines[] = {1, 3, 64, 1024}, slots[] = {1, 2, 8};
    static const size_t reads[] = {7, 100, 5000, 200000};
    unsigned runs = 0, differ = 0;
    for (int notable = 0; notable < 2; notable++) {
        for (int cut = 0; cut < 2; cut++) {
            run_opts ref_o = {{0, 0, 0, 0}, 4096, notable, cut, by_count};
            pal_tally ref_t;
            size_t ref_len;
            char *ref = run_stream(p, in, n, &ref_o, &ref_t, &ref_len);
            CHECK(ref_t.lines > 2500 && ref_t.input_errors > 250 && ref_t.with_findings > (p->nseqs ? 200u : 1000u));
            if (p->nseqs) CHECK((ref_t.warnings >> 32) > 200);   /* chains completed: the stage has work */
            for (size_t a = 0; a < 3; a++)
                for (size_t b = 0; b < 4; b++)
                    for (size_t c = 0; c < 3; c++) {
                        size_t rd = reads[(a + b + c + (size_t)notable) % 4];
                        run_opts o = {{threads[a], slots[c], lines[b], 0}, rd, notable, cut, by_count};
                        pal_tally t;
                        size_t len;
                        char *got = run_stream(p, in, n, &o, &t, &len);
                        runs++;
                        bool same = got && len == ref_len && !memcmp(got, ref, len) && t.lines == ref_t.lines &&
                                    t.warnings == ref_t.warnings &&
                                    t.decisions == ref_t.decisions && t.input_errors == ref_t.input_errors &&
                                    t.with_findings == ref_t.with_findings && t.denied == ref_t.denied &&
                                    t.write_errors == 0;
                        if (!same && differ++ < 3)
                            fprintf(stderr, "threads %u slots %u batch %u reads %zu notable %d cut %d: %zu bytes vs %zu, "
                                    "%llu lines vs %llu\n", threads[a], slots[c], lines[b], rd, notable, cut, len, ref_len,
                                    t.lines, ref_t.lines);
                        free(got);
                    }
            free(ref);
        }
    }
    printf("test_workers: %u runs on workers, each the same bytes as deciding in place%s\n", runs,
           p->nseqs ? (by_count ? " (correlations, members by event count)" : " (correlations, members by line)") : "");
    CHECK_INT(differ, 0);
    free(in);
    pal_program_free(p);
}

static void test_same_as_in_place(void)
{
    same_as_in_place(POLICY_A, false);
    same_as_in_place(POLICY_SEQ, false);
    same_as_in_place(POLICY_SEQ, true);
}

/* A reload with batches in flight: those of the old program are settled
   against the new program's state, which the old one's was rebound to. */
static void test_reload_correlations(void)
{
    static const char *V1 =
        "package main\n\nsequence \"kept\" {\n  by host.name\n  within 1h\n"
        "  step { on process when process.name == \"a\" }\n  step { on process when process.name == \"b\" }\n}\n\n"
        "sequence \"changed\" {\n  by host.name\n  within 1h\n"
        "  step { on process when process.name == \"a\" }\n  step { on process when process.name == \"b\" }\n}\n";
    static const char *V2 =
        "package main\n\nsequence \"changed\" {\n  by host.name\n  within 2h\n"
        "  step { on process when process.name == \"a\" }\n  step { on process when process.name == \"b\" }\n}\n\n"
        "sequence \"kept\" {\n  by host.name\n  within 1h\n"
        "  step { on process when process.name == \"a\" }\n  step { on process when process.name == \"b\" }\n}\n";
    pal_program *pa = compile(V1, "ra"), *pb = compile(V2, "rb");
    CHECK(pa && pb);
    if (!pa || !pb) return;
    pal_decider *da = malloc(sizeof *da), *db = malloc(sizeof *db);
    CHECK_INT(pal_decider_init(da, pa, PAL_INPUT_AUTO), 0);
    da->clock_ms = 1000;
    char err[128];
    pal_workers *w = pal_workers_new(&(pal_workers_opts){2, 64, 4, 0}, da, err, sizeof err);
    CHECK(w != NULL);
    if (!w) return;
    pal_workers_set_ordered(w, da);
    pal_workers_set_program(w, pa);
    pal_strbuf out;
    pal_strbuf_init(&out, 0);
    pal_tally t = {0};
    pal_batch_dest dest = {&out, &t, 0, false, 0};
    static char lines[64][160];
    long lineno = 0;
    for (int k = 0; k < 8; k++) {
        if (k == 4) {
            /* the reload, as the agent makes it: the state moves to the new
               decider, which settles from now on (batches in flight too) */
            CHECK_INT(pal_decider_init(db, pb, PAL_INPUT_AUTO), 0);
            db->clock_ms = 1000;
            pal_seqstate *s = pal_seqstate_rebind(pal_runtime_take_seqstate(da->rt), pb);
            CHECK(s != NULL);
            pal_runtime_put_seqstate(db->rt, s);
            db->events = da->events;
            pal_workers_set_ordered(w, db);
            pal_workers_set_program(w, pb);
            pal_decider_free(da);
        }
        pal_batch *b = pal_workers_begin(w, false);
        CHECK(b != NULL);
        if (!b) break;
        for (int i = 0; i < 4; i++) {
            ++lineno;
            /* before the reload the first steps of host h0..h15, after it the second */
            int len = snprintf(lines[lineno], sizeof lines[lineno],
                               "{\"event\":{\"category\":[\"process\"]},\"host\":{\"name\":\"h%d\"},\"process\":{\"name\":\"%s\"}}",
                               (k % 4) * 4 + i, k < 4 ? "a" : "b");
            CHECK_INT(pal_batch_add(b, lines[lineno], (size_t)len, false, lineno, 0), 0);
        }
        pal_workers_submit(w, b, &dest);
    }
    pal_workers_finish(w);
    /* every second step completes "kept" (16 chains), none "changed" */
    const char *s = pal_strbuf_cstr(&out);
    unsigned kept = 0, changed = 0;
    for (const char *x = s; (x = strstr(x, "\"rule\":\"kept\"")); x++) kept++;
    for (const char *x = s; (x = strstr(x, "\"rule\":\"changed\"")); x++) changed++;
    CHECK_INT(kept, 16);
    CHECK_INT(changed, 0);
    CHECK(strstr(s, "{\"line\":17,\"effect\":\"alert\",\"matches\":[{\"rule\":\"kept\",\"effect\":\"alert\",\"severity\":\"medium\","
                    "\"message\":\"kept\",\"members\":[1,17]") != NULL);
    pal_workers_free(w);
    pal_strbuf_free(&out);
    pal_decider_free(db);
    free(da);
    free(db);
    pal_program_free(pa);
    pal_program_free(pb);
}

/* Lines added straight to batches, a reload between them. */
static void test_reload_between_batches(void)
{
    pal_program *pa = compile(POLICY_A, "ra"), *pb = compile(POLICY_B, "rb");
    CHECK(pa && pb);
    if (!pa || !pb) return;
    pal_decider like;
    CHECK_INT(pal_decider_init(&like, pa, PAL_INPUT_AUTO), 0);
    char err[128];
    pal_workers *w = pal_workers_new(&(pal_workers_opts){3, 64, 5, 0}, &like, err, sizeof err);
    CHECK(w != NULL);
    if (!w) return;
    CHECK_INT(pal_workers_threads(w), 3);
    pal_workers_set_program(w, pa);
    static char lines[400][128];
    pal_strbuf out;
    pal_strbuf_init(&out, 0);
    pal_tally t = {0};
    pal_batch_dest dest = {&out, &t, 0, false, 0};
    long lineno = 0;
    for (int k = 0; k < 40; k++) {
        if (k == 20) pal_workers_set_program(w, pb);
        pal_batch *b = pal_workers_begin(w, false);
        CHECK(b != NULL);
        if (!b) break;
        for (int i = 0; i < 5; i++) {
            ++lineno;
            int len = snprintf(lines[lineno], sizeof lines[lineno],
                               "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"p\",\"command_line\":\"%ld\"}}", lineno);
            CHECK_INT(pal_batch_add(b, lines[lineno], (size_t)len, false, lineno, 0), 0);
        }
        CHECK(pal_batch_full(b));
        pal_workers_submit(w, b, &dest);
        if (k % 7 == 0) pal_workers_collect(w);
    }
    pal_workers_finish(w);
    CHECK_INT(t.lines, 200);
    CHECK_INT(t.decisions, 200);
    /* decisions in order; the first 20 batches by ra, the rest by rb */
    const char *s = pal_strbuf_cstr(&out);
    long want = 1;
    unsigned wrong = 0;
    for (const char *line = s; line && *line; want++) {
        const char *nl = strchr(line, '\n');
        char head[64], msg[64];
        snprintf(head, sizeof head, "{\"line\":%ld,", want);
        bool a = want <= 100;
        snprintf(msg, sizeof msg, "\"message\":\"%c %ld\"", a ? 'a' : 'b', want);
        bool ok = !strncmp(line, head, strlen(head)) && strstr(line, msg) && strstr(line, a ? "\"revision\":\"ra\"" : "\"revision\":\"rb\"") &&
                  strstr(line, msg) < nl;
        if (!ok && wrong++ < 3) fprintf(stderr, "decision %ld: %.*s\n", want, (int)(nl - line), line);
        line = nl ? nl + 1 : NULL;
    }
    CHECK_INT(wrong, 0);
    CHECK_INT(want - 1, 200);
    /* the old program: no batch carries it any more; the workers let go of it when idle */
    unsigned spins = 0;
    while (pal_workers_uses(w, pa) && spins++ < 100000) pal_workers_wait(w, 1);
    CHECK(!pal_workers_uses(w, pa));
    CHECK(pal_workers_uses(w, pb) || !pal_workers_uses(w, pb));   /* in force: the workers may hold it or not */
    pal_workers_free(w);
    pal_strbuf_free(&out);
    pal_decider_free(&like);
    pal_program_free(pa);
    pal_program_free(pb);
}

static void test_slots_and_errors(void)
{
    pal_program *p = compile(POLICY_A, "ra");
    CHECK(p != NULL);
    if (!p) return;
    pal_decider like;
    CHECK_INT(pal_decider_init(&like, p, PAL_INPUT_AUTO), 0);
    char err[128];
    CHECK(pal_workers_new(&(pal_workers_opts){0, 0, 0, 0}, &like, err, sizeof err) == NULL);
    CHECK(strstr(err, "worker threads") != NULL);
    pal_workers *w = pal_workers_new(&(pal_workers_opts){1, 2, 0, 0}, &like, err, sizeof err);
    CHECK(w != NULL);
    if (!w) return;
    pal_workers_set_program(w, p);
    pal_batch *b1 = pal_workers_begin(w, false), *b2 = pal_workers_begin(w, false);
    CHECK(b1 && b2);
    CHECK(!pal_workers_can_begin(w));
    CHECK(pal_workers_begin(w, false) == NULL);   /* the bound */
    pal_batch *b3 = pal_workers_begin(w, true);   /* forced: past it */
    CHECK(b3 != NULL);
    CHECK_INT(pal_workers_inflight(w), 3);
    pal_strbuf out;
    pal_strbuf_init(&out, 0);
    pal_tally t = {0};
    pal_batch_dest dest = {&out, &t, 9, true, 0};
    const char *shell = "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"cmd.exe\"}}";
    CHECK_INT(pal_batch_add(b1, shell, strlen(shell), false, 1, 0), 0);
    const char *quiet = "{\"event\":{\"category\":[\"network\"]}}";
    CHECK_INT(pal_batch_add(b1, quiet, strlen(quiet), false, 2, 0), 0);     /* nothing to say: not written */
    CHECK_INT(pal_batch_add(b1, NULL, 0, true, 3, 0), 0);
    char why[64];
    snprintf(why, sizeof why, "gone \"%s\"", "away");
    CHECK_INT(pal_batch_add_error(b2, 4, why), 0);
    why[0] = 'X';                                                        /* copied */
    pal_workers_cancel(w, b3);
    pal_workers_submit(w, b2, &dest);
    pal_workers_submit(w, b1, &dest);                                    /* after b2: its lines come after */
    pal_workers_finish(w);
    CHECK_INT(pal_workers_inflight(w), 0);
    const char *s = pal_strbuf_cstr(&out);
    CHECK(s && !strncmp(s, "{\"conn\":9,\"line\":4,\"effect\":\"allow\",\"matches\":[],\"error\":\"gone \\\"away\\\"\"", 70));
    const char *l1 = s ? strstr(s, "\"line\":1,") : NULL, *l3 = s ? strstr(s, "\"line\":3,") : NULL;
    CHECK(l1 && l3 && l1 < l3 && strstr(s, "\"line\":2,") == NULL);
    CHECK(l3 && strstr(l3, "longer than") != NULL);
    CHECK_INT(t.lines, 4);
    CHECK_INT(t.decisions, 3);
    CHECK_INT(t.input_errors, 2);
    CHECK_INT(t.denied, 1);
    CHECK_INT(pal_workers_collect(w), 0);
    pal_workers_free(w);
    pal_strbuf_free(&out);
    pal_decider_free(&like);
    pal_program_free(p);
}

int main(void)
{
    test_slots_and_errors();
    test_reload_between_batches();
    test_same_as_in_place();
    test_reload_correlations();
    return unit_result("test_workers");
}
