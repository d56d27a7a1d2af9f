/*
 * lines.c — the line splitter (design in lines.h).
 */
#include "engine/base/lines.h"

#include <stdlib.h>
#include <string.h>
#include "engine/base/limits.h"

enum {
    LINES_MIN_READ = 4096,
    LINES_FIRST_CAP = 16384,
    LINES_READ_SLACK = 65536,   /* one read's worth beyond a line at the limit */
};

static size_t max_line(const pal_lines *l)
{
    return l->max_line ? l->max_line : PAL_MAX_EVENT_LINE;
}

void pal_lines_init(pal_lines *l)
{
    memset(l, 0, sizeof *l);
}

void pal_lines_free(pal_lines *l)
{
    free(l->buf);
    size_t keep_max = l->max_line;
    bool keep_empty = l->deliver_empty;
    memset(l, 0, sizeof *l);
    l->max_line = keep_max;
    l->deliver_empty = keep_empty;
}

char *pal_lines_space(pal_lines *l, size_t *avail)
{
    if (l->held) return NULL;   /* complete lines wait: drain them first */
    /* one line at the limit, its newline, and one read's worth beyond it */
    size_t max_cap = max_line(l) + 1 + LINES_READ_SLACK;
    if (l->cap - l->len < LINES_MIN_READ || l->cap < LINES_FIRST_CAP) {
        size_t cap = l->cap ? l->cap : LINES_FIRST_CAP / 2;
        while (cap - l->len < LINES_MIN_READ || cap < LINES_FIRST_CAP) cap *= 2;
        if (cap > max_cap) cap = max_cap;
        if (cap - l->len < LINES_MIN_READ) return NULL;   /* cannot happen: len stays under the line limit */
        char *nb = realloc(l->buf, cap);
        if (!nb) return NULL;
        l->buf = nb;
        l->cap = cap;
    }
    *avail = l->cap - l->len;
    return l->buf + l->len;
}

/* A line's length against the limit: its bytes before the newline, less
   the '\r' of a CRLF ending.  The same measure decides while the line is
   still arriving (pal_lines_drain) and when it is complete (emit), so
   whether a line is too long never depends on how its bytes were cut into
   reads (the fuzzer found a line at the limit plus its '\r', refused when
   the '\n' came in a later read, accepted when it came in the same one). */
static size_t measured(const char *s, size_t n)
{
    return n && s[n - 1] == '\r' ? n - 1 : n;
}

/* One complete line (without its newline). */
static int emit(pal_lines *l, const char *s, size_t n, pal_line_fn fn, void *user)
{
    l->lineno++;
    if (l->skipping || measured(s, n) > max_line(l)) {
        l->skipping = false;
        return fn(user, NULL, 0, true, l->lineno);
    }
    while (n && s[n - 1] == '\r') n--;
    if (n == 0 && !l->deliver_empty) return 0;
    return fn(user, s, n, false, l->lineno);
}

int pal_lines_commit(pal_lines *l, size_t n, pal_line_fn fn, void *user)
{
    l->len += n;
    return pal_lines_drain(l, fn, user);
}

int pal_lines_drain(pal_lines *l, pal_line_fn fn, void *user)
{
    size_t start = 0;
    int rc = 0;
    l->held = false;
    while (l->scan < l->len) {
        char *nl = memchr(l->buf + l->scan, '\n', l->len - l->scan);
        if (!nl) { l->scan = l->len; break; }
        size_t end = (size_t)(nl - l->buf);
        rc = emit(l, l->buf + start, end - start, fn, user);
        start = l->scan = end + 1;
        if (rc) break;
    }
    if (start) {
        memmove(l->buf, l->buf + start, l->len - start);
        l->len -= start;
        l->scan -= start;
    }
    if (rc) {
        /* stopped: what follows stays, unread by the scan, for the next drain */
        l->held = l->scan < l->len;
        return rc;
    }
    /* an unfinished line over the limit: drop what is held, remember to
       report it when its newline comes */
    if (measured(l->buf, l->len) > max_line(l) || (l->skipping && l->len)) {
        l->skipping = true;
        l->len = l->scan = 0;
    }
    return 0;
}

int pal_lines_finish(pal_lines *l, pal_line_fn fn, void *user)
{
    int rc = pal_lines_drain(l, fn, user);
    if (rc) return rc;
    if (!l->len && !l->skipping) return 0;
    size_t n = l->len;
    l->len = l->scan = 0;
    return emit(l, l->buf, n, fn, user);
}

bool pal_lines_partial(const pal_lines *l)
{
    return l->len > 0 || l->skipping;
}

bool pal_lines_held(const pal_lines *l)
{
    return l->held;
}

long pal_lines_abandon(pal_lines *l)
{
    if (!pal_lines_partial(l)) return 0;
    l->len = l->scan = 0;
    l->skipping = l->held = false;
    return ++l->lineno;
}
