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

int main(void)
{
    test_cuts_everywhere();
    test_too_long();
    test_stop();
    return unit_result("test_lines");
}
