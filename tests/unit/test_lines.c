/*
 * test_lines.c — the line splitter (engine/base/lines.h): lines cut across
 * reads, line numbers that count empty lines, CR LF, the too-long line,
 * the unfinished last line.
 */
#include "tests/unit/unit.h"

#include <stdlib.h>
#include "engine/base/lines.h"
#include "engine/base/limits.h"

typedef struct got {
    char text[64][64];
    long lineno[64];
    bool toolong[64];
    int n;
    int stop_after;      /* return non-zero after this many lines (0: never) */
} got;

static int collect(void *user, const char *line, size_t len, bool toolong, long lineno)
{
    got *g = user;
    if (g->n < 64) {
        size_t k = len < 63 ? len : 63;
        if (line) memcpy(g->text[g->n], line, k);
        g->text[g->n][line ? k : 0] = 0;
        g->lineno[g->n] = lineno;
        g->toolong[g->n] = toolong;
    }
    g->n++;
    return g->stop_after && g->n >= g->stop_after ? 7 : 0;
}

/* Feeds s in pieces of `step` bytes. */
static int feed(pal_lines *l, const char *s, size_t step, got *g)
{
    size_t n = strlen(s), off = 0;
    while (off < n) {
        size_t avail;
        char *space = pal_lines_space(l, &avail);
        if (!space) return -1;
        size_t k = n - off < step ? n - off : step;
        if (k > avail) k = avail;
        memcpy(space, s + off, k);
        off += k;
        int rc = pal_lines_commit(l, k, collect, g);
        if (rc) return rc;
    }
    return 0;
}

static void test_cuts_everywhere(void)
{
    const char *in = "one\r\n\ntwo\n\r\nthree";
    for (size_t step = 1; step <= 20; step++) {
        pal_lines l;
        pal_lines_init(&l);
        got g = {0};
        CHECK_INT(feed(&l, in, step, &g), 0);
        CHECK(pal_lines_partial(&l));
        CHECK_INT(pal_lines_finish(&l, collect, &g), 0);
        CHECK(!pal_lines_partial(&l));
        CHECK_INT(g.n, 3);
        CHECK_STR(g.text[0], "one");
        CHECK_INT(g.lineno[0], 1);
        CHECK_STR(g.text[1], "two");
        CHECK_INT(g.lineno[1], 3);          /* the empty line 2 counts */
        CHECK_STR(g.text[2], "three");
        CHECK_INT(g.lineno[2], 5);          /* "\r" alone is an empty line 4 */
        pal_lines_free(&l);
    }
}

static void test_too_long(void)
{
    size_t big = PAL_MAX_EVENT_LINE + 10;
    char *in = malloc(big + 16);
    memset(in, 'x', big);
    memcpy(in + big, "\nafter\n", 8);
    pal_lines l;
    pal_lines_init(&l);
    got g = {0};
    CHECK_INT(feed(&l, in, 65536, &g), 0);
    CHECK_INT(g.n, 2);
    CHECK(g.toolong[0]);
    CHECK_INT(g.lineno[0], 1);
    CHECK_STR(g.text[1], "after");
    CHECK_INT(g.lineno[1], 2);
    CHECK(l.cap <= PAL_MAX_EVENT_LINE + 1 + 65536);   /* never more than one line and one read */
    pal_lines_free(&l);

    /* exactly at the limit is a line */
    pal_lines_init(&l);
    memset(&g, 0, sizeof g);
    memset(in, 'y', PAL_MAX_EVENT_LINE);
    in[PAL_MAX_EVENT_LINE] = '\n';
    in[PAL_MAX_EVENT_LINE + 1] = 0;
    CHECK_INT(feed(&l, in, 100000, &g), 0);
    CHECK_INT(g.n, 1);
    CHECK(!g.toolong[0]);
    pal_lines_free(&l);
    free(in);
}

static void test_stop(void)
{
    pal_lines l;
    pal_lines_init(&l);
    got g = {0};
    g.stop_after = 1;
    CHECK_INT(feed(&l, "a\nb\n", 100, &g), 7);   /* the callback's value comes back */
    CHECK_INT(g.n, 1);
    pal_lines_free(&l);
}

/* A callback that stops after every line: all lines still arrive, in
   order, one per drain, and no read is possible while some are held. */
static int stop_each(void *user, const char *line, size_t len, bool toolong, long lineno)
{
    collect(user, line, len, toolong, lineno);
    return 1;
}

static void test_pause_and_drain(void)
{
    pal_lines l;
    pal_lines_init(&l);
    got g = {0};
    size_t avail;
    char *space = pal_lines_space(&l, &avail);
    const char *in = "a\nbb\n\nccc\ndd";
    memcpy(space, in, strlen(in));
    CHECK_INT(pal_lines_commit(&l, strlen(in), stop_each, &g), 1);
    CHECK_INT(g.n, 1);
    CHECK(pal_lines_held(&l));
    CHECK(pal_lines_space(&l, &avail) == NULL);     /* drain first */
    CHECK_INT(pal_lines_drain(&l, stop_each, &g), 1);
    CHECK_STR(g.text[1], "bb");
    CHECK_INT(pal_lines_drain(&l, stop_each, &g), 1);
    CHECK_STR(g.text[2], "ccc");
    CHECK_INT(g.lineno[2], 4);
    CHECK_INT(pal_lines_drain(&l, stop_each, &g), 0);  /* only the unfinished "dd" is left */
    CHECK(!pal_lines_held(&l));
    CHECK(pal_lines_partial(&l));
    space = pal_lines_space(&l, &avail);
    CHECK(space != NULL);
    memcpy(space, "d\n", 2);
    CHECK_INT(pal_lines_commit(&l, 2, collect, &g), 0);
    CHECK_INT(g.n, 4);
    CHECK_STR(g.text[3], "ddd");
    CHECK_INT(g.lineno[3], 5);
    pal_lines_free(&l);

    /* finish drains what is held before the last line */
    pal_lines_init(&l);
    memset(&g, 0, sizeof g);
    space = pal_lines_space(&l, &avail);
    memcpy(space, "x\ny\nz", 5);
    CHECK_INT(pal_lines_commit(&l, 5, stop_each, &g), 1);
    CHECK_INT(pal_lines_finish(&l, collect, &g), 0);
    CHECK_INT(g.n, 3);
    CHECK_STR(g.text[1], "y");
    CHECK_STR(g.text[2], "z");
    pal_lines_free(&l);
}

static void test_empty_lines_delivered(void)
{
    pal_lines l;
    pal_lines_init(&l);
    l.deliver_empty = true;
    got g = {0};
    CHECK_INT(feed(&l, "\n\r\nq\n", 3, &g), 0);
    CHECK_INT(g.n, 3);
    CHECK_STR(g.text[0], "");
    CHECK(!g.toolong[0]);
    CHECK_INT(g.lineno[1], 2);
    CHECK_STR(g.text[2], "q");
    pal_lines_free(&l);
    CHECK(l.deliver_empty);                        /* settings outlive free */
}

static void test_small_limit_and_abandon(void)
{
    pal_lines l;
    pal_lines_init(&l);
    l.max_line = 4;
    got g = {0};
    CHECK_INT(feed(&l, "1234\n12345\n123456789012\nok", 5, &g), 0);
    CHECK_INT(g.n, 3);
    CHECK(!g.toolong[0]);
    CHECK(g.toolong[1]);
    CHECK(g.toolong[2]);
    CHECK_INT(g.lineno[2], 3);
    CHECK(l.cap <= 4 + 1 + 65536);
    CHECK_INT(pal_lines_abandon(&l), 4);         /* "ok" never ends */
    CHECK(!pal_lines_partial(&l));
    pal_lines_free(&l);

    /* a line at the limit with a CRLF ending is a line however it is cut;
       one more '\r' makes it too long, however it is cut (found by
       fuzz_lines: cut after the '\r', the line was refused) */
    for (size_t step = 1; step <= 8; step++) {
        pal_lines_init(&l);
        l.max_line = 4;
        memset(&g, 0, sizeof g);
        CHECK_INT(feed(&l, "abcd\r\nabcd\r\r\nabc\r\r\n", step, &g), 0);
        CHECK_INT(g.n, 3);
        CHECK_STR(g.text[0], "abcd");
        CHECK(!g.toolong[0]);
        CHECK(g.toolong[1]);
        CHECK_STR(g.text[2], "abc");
        CHECK(!g.toolong[2]);
        pal_lines_free(&l);
    }
    pal_lines_init(&l);
    l.max_line = 4;
    memset(&g, 0, sizeof g);
    CHECK_INT(feed(&l, "zzzz\r", 1, &g), 0);
    CHECK_INT(pal_lines_finish(&l, collect, &g), 0);
    CHECK_INT(g.n, 1);
    CHECK_STR(g.text[0], "zzzz");
    CHECK_INT(pal_lines_abandon(&l), 0);
    pal_lines_free(&l);
}

/* Lines are handed on in place: their pointers stay good until the next
   read, and forever in a buffer taken with pal_lines_swap_buffer, while
   the splitter goes on in the buffer it was given, the unfinished line
   copied to its front. */
typedef struct kept { const char *p[8]; size_t len[8]; int n; } kept;
static int keep_ptr(void *user, const char *line, size_t len, bool toolong, long lineno)
{
    kept *k = user;
    if (k->n < 8) k->p[k->n] = line, k->len[k->n] = len;
    k->n++;
    return 0;
}

static void test_in_place_and_swap(void)
{
    pal_lines l;
    pal_lines_init(&l);
    l.read_size = 256 * 1024;
    size_t avail;
    char *space = pal_lines_space(&l, &avail);
    CHECK(space != NULL && avail >= 256 * 1024);
    CHECK(l.cap <= PAL_MAX_EVENT_LINE + 1 + 256 * 1024);
    kept k = {0};
    memcpy(space, "one\ntwo\nthr", 11);
    CHECK_INT(pal_lines_commit(&l, 11, keep_ptr, &k), 0);
    CHECK_INT(k.n, 2);
    CHECK(k.p[0] == space && k.p[1] == space + 4);   /* not copied */
    CHECK(!memcmp(k.p[1], "two", 3));
    char *mine = NULL;
    size_t mine_cap = 0;
    CHECK_INT(pal_lines_swap_buffer(&l, &mine, &mine_cap), 0);
    CHECK(mine == space && mine_cap >= 11);            /* the old buffer, the lines where they were */
    CHECK(pal_lines_partial(&l));
    char *space2 = pal_lines_space(&l, &avail);
    CHECK(space2 != NULL && space2 != space + 3 && avail >= 256 * 1024 - 3);
    CHECK(!memcmp(space2 - 3, "thr", 3));
    memcpy(space2, "ee\n", 3);
    k.n = 0;
    CHECK_INT(pal_lines_commit(&l, 3, keep_ptr, &k), 0);
    CHECK_INT(k.n, 1);
    CHECK(k.len[0] == 5 && !memcmp(k.p[0], "three", 5));   /* the unfinished line went with the splitter */
    CHECK(!memcmp(mine + 4, "two", 3));                     /* and the buffer given away is untouched */
    /* the given-away buffer comes back in the next swap */
    char *back = mine;
    CHECK_INT(pal_lines_swap_buffer(&l, &mine, &mine_cap), 0);
    CHECK(mine == space2 - 3);
    CHECK(!pal_lines_partial(&l));
    CHECK(pal_lines_space(&l, &avail) == back);
    free(mine);
    pal_lines_free(&l);
}

int main(void)
{
    test_in_place_and_swap();
    test_pause_and_drain();
    test_empty_lines_delivered();
    test_small_limit_and_abandon();
    test_cuts_everywhere();
    test_too_long();
    test_stop();
    return unit_result("test_lines");
}
