/*
 * test_session.c — the agent's line protocol (engine/runtime/session.h):
 * a request connection answers every line, empty ones too; a stream does
 * not answer empty lines; a small output limit pauses deciding after a
 * line and resuming decides the rest, in order, none twice; end of input
 * and a line cut short are answered.
 */
#include "tests/unit/unit.h"

#include <stdlib.h>
#include "engine/runtime/session.h"
#include "lang/compile/palc.h"

static const char *POLICY =
    "package main\n\nrule \"tag\" {\n  on process\n  when process.name like \"*\"\n  effect alert\n"
    "  message \"{process.command_line}\"\n}\n";

static int read_one(void *user, const char *relpath, char **data, size_t *len)
{
    if (strcmp(relpath, "main.pal")) return -1;
    *len = strlen(POLICY);
    *data = malloc(*len + 1);
    memcpy(*data, POLICY, *len + 1);
    return 0;
}

static pal_program *compile(void)
{
    pal_compile_opts o = {0};
    o.revision = "r";
    o.read = read_one;
    const char *paths[] = {"main.pal"};
    unsigned errs = 0, warns = 0;
    return pal_compile(paths, 1, &o, &errs, &warns);
}

static void feed(pal_session *s, pal_decider *d, const char *text)
{
    size_t avail;
    char *space = pal_session_space(s, &avail);
    CHECK(space != NULL);
    if (!space) return;
    size_t n = strlen(text);
    CHECK(n <= avail);
    memcpy(space, text, n);
    pal_session_commit(s, d, n);
}

static unsigned count_lines(const pal_outq *q)
{
    return (unsigned)pal_outq_lines(q);
}

static void test_replies_to_every_line(void)
{
    pal_program *p = compile();
    CHECK(p != NULL);
    if (!p) return;
    pal_decider d;
    pal_decider_init(&d, p, PAL_INPUT_AUTO);
    pal_session_counts counts = {0};
    pal_outq out = {0}, stream = {0};
    pal_session req, str;
    pal_session_init(&req, &out, 0, true, 0, &counts);
    pal_session_init(&str, &stream, 0, false, 4, &counts);
    const char *in = "\n\r\n{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"a\",\"command_line\":\"q\"}}\n  \n";
    feed(&req, &d, in);
    feed(&str, &d, in);
    CHECK_INT(count_lines(&out), 4);                 /* every request line answered */
    CHECK_INT(count_lines(&stream), 2);              /* a stream skips empty lines */
    const char *o = pal_strbuf_cstr(&out.buf);
    CHECK(!strncmp(o, "{\"line\":1,\"effect\":\"allow\",\"matches\":[],\"error\":\"empty line", 55));
    CHECK(strstr(o, "\n{\"line\":2,\"effect\":\"allow\",\"matches\":[],\"error\":\"empty line") != NULL);
    CHECK(strstr(o, "\n{\"line\":3,\"effect\":\"alert\"") != NULL);
    CHECK(strstr(pal_strbuf_cstr(&stream.buf), "{\"conn\":4,\"line\":3,\"effect\":\"alert\"") != NULL);

    /* end of input: the unfinished last line is a request too */
    feed(&req, &d, "{\"x\"");
    CHECK(pal_session_partial(&req));
    pal_session_finish(&req, &d);
    CHECK_INT(count_lines(&out), 5);
    CHECK(!pal_session_partial(&req));

    /* a line cut short is answered with why */
    feed(&req, &d, "{\"half");
    CHECK(pal_session_cut_short(&req, &d, "cut"));
    CHECK(strstr(pal_strbuf_cstr(&out.buf), "{\"line\":6,\"effect\":\"allow\",\"matches\":[],\"error\":\"cut\"") != NULL);
    CHECK(!pal_session_cut_short(&req, &d, "cut"));   /* nothing begun: nothing to answer */
    CHECK_INT(counts.lines, 6 + 2);
    CHECK_INT(counts.decisions, 6 + 2);

    pal_session_free(&req);
    pal_session_free(&str);
    pal_outq_free(&out);
    pal_outq_free(&stream);
    pal_decider_free(&d);
    pal_program_free(p);
}

static void test_backpressure(void)
{
    pal_program *p = compile();
    if (!p) return;
    pal_decider d;
    pal_decider_init(&d, p, PAL_INPUT_AUTO);
    pal_session_counts counts = {0};
    pal_outq out = {0};
    pal_session s;
    pal_session_init(&s, &out, 300, true, 0, &counts);   /* about two replies */
    char in[4096] = "";
    for (int i = 0; i < 100; i++) strcat(in, "{}\n");
    feed(&s, &d, in);
    CHECK(pal_session_held(&s));
    size_t avail;
    CHECK(pal_session_space(&s, &avail) == NULL);          /* nothing more is read meanwhile */
    CHECK(pal_outq_pending(&out) < 300 + 200);             /* the limit and one reply */
    unsigned total = 0;
    long next = 1;
    bool in_order = true;
    for (int turn = 0; turn < 1000 && total < 100; turn++) {
        /* the client takes everything queued */
        const char *q = pal_outq_data(&out), *end = q + pal_outq_pending(&out);
        while (q < end) {
            const char *nl = memchr(q, '\n', (size_t)(end - q));
            char want[32];
            snprintf(want, sizeof want, "{\"line\":%ld,", next++);
            in_order = in_order && !strncmp(q, want, strlen(want));
            total++;
            q = nl + 1;
        }
        pal_outq_sent(&out, pal_outq_pending(&out));
        pal_session_resume(&s, &d, false);
        CHECK(pal_outq_pending(&out) < 300 + 200);
    }
    CHECK_INT(total, 100);
    CHECK(in_order);
    CHECK(!pal_session_held(&s));
    CHECK(pal_session_space(&s, &avail) != NULL);

    /* at shutdown the limit is ignored: every held line is answered */
    feed(&s, &d, in);
    CHECK(pal_session_held(&s));
    CHECK(!pal_session_resume(&s, &d, true));
    CHECK_INT(count_lines(&out), 100);
    pal_session_free(&s);
    pal_outq_free(&out);
    pal_decider_free(&d);
    pal_program_free(p);
}

int main(void)
{
    test_replies_to_every_line();
    test_backpressure();
    return unit_result("test_session");
}
