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
    size_t keep_max = l->max_line, keep_read = l->read_size;
    bool keep_empty = l->deliver_empty;
    memset(l, 0, sizeof *l);
    l->max_line = keep_max;
    l->deliver_empty = keep_empty;
    l->read_size = keep_read;
}

/* The most the buffer ever holds: one line at the limit, its newline, and
   one read's worth beyond it. */
static size_t max_cap(const pal_lines *l)
{
    size_t slack = l->read_size > LINES_READ_SLACK ? l->read_size : LINES_READ_SLACK;
    return max_line(l) + 1 + slack;
}

char *pal_lines_space(pal_lines *l, size_t *avail)
{
    if (l->held) return NULL;   /* complete lines wait: drain them first */
    if (l->start) {
        /* the lines handed on are forgotten: the unfinished tail (short,
           but for a long line) moves to the front, once per read */
        memmove(l->buf, l->buf + l->start, l->len - l->start);
        l->len -= l->start;
        l->scan -= l->start;
        l->start = 0;
    }
    size_t want = l->read_size > LINES_MIN_READ ? l->read_size : LINES_MIN_READ;
    if (l->cap - l->len < LINES_MIN_READ || l->cap < LINES_FIRST_CAP || l->cap < want) {
        size_t cap = l->cap ? l->cap : LINES_FIRST_CAP / 2;
        while (cap - l->len < LINES_MIN_READ || cap < LINES_FIRST_CAP || cap < want) cap *= 2;
        if (cap > max_cap(l)) cap = max_cap(l);
        if (cap - l->len < LINES_MIN_READ) return NULL;   /* cannot happen: len stays under the line limit */
        if (cap > l->cap) {
            char *nb = realloc(l->buf, cap);
            if (!nb) return NULL;
            l->buf = nb;
            l->cap = cap;
        }
    }
    *avail = l->cap - l->len;
    return l->buf + l->len;
}

int pal_lines_swap_buffer(pal_lines *l, char **buf, size_t *cap)
{
    size_t keep = l->len - l->start;
    char *nb = *buf;
    size_t ncap = *cap;
    /* as big as the old one, so the next read needs no allocation either */
    size_t need = l->cap > keep ? l->cap : keep;
    if (ncap < need) {
        char *t = malloc(need ? need : 1);
        if (!t) return -1;
        free(nb);
        nb = t;
        ncap = need;
    }
    if (keep) memcpy(nb, l->buf + l->start, keep);
    *buf = l->buf;
    *cap = l->cap;
    l->buf = nb;
    l->cap = ncap;
    l->len = keep;
    l->scan -= l->start;
    l->start = 0;
    return 0;
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
    int rc = 0;
    l->held = false;
    while (l->scan < l->len) {
        char *nl = memchr(l->buf + l->scan, '\n', l->len - l->scan);
        if (!nl) { l->scan = l->len; break; }
        size_t end = (size_t)(nl - l->buf);
        size_t begin = l->start;
        l->start = l->scan = end + 1;   /* handed on: the bytes stay until the next pal_lines_space */
        rc = emit(l, l->buf + begin, end - begin, fn, user);
        if (rc) break;
    }
    if (rc) {
        /* stopped: what follows stays, unread by the scan, for the next drain */
        l->held = l->scan < l->len;
        return rc;
    }
    /* an unfinished line over the limit: drop what is held, remember to
       report it when its newline comes */
    if (measured(l->buf + l->start, l->len - l->start) > max_line(l) || (l->skipping && l->len > l->start)) {
        l->skipping = true;
        l->len = l->scan = l->start;
    }
    return 0;
}

int pal_lines_finish(pal_lines *l, pal_line_fn fn, void *user)
{
    int rc = pal_lines_drain(l, fn, user);
    if (rc) return rc;
    if (l->len == l->start && !l->skipping) return 0;
    const char *s = l->buf + l->start;
    size_t n = l->len - l->start;
    l->start = l->scan = l->len;
    return emit(l, s, n, fn, user);
}

bool pal_lines_partial(const pal_lines *l)
{
    return l->len > l->start || l->skipping;
}

bool pal_lines_held(const pal_lines *l)
{
    return l->held;
}

long pal_lines_abandon(pal_lines *l)
{
    if (!pal_lines_partial(l)) return 0;
    l->len = l->scan = l->start;
    l->skipping = l->held = false;
    return ++l->lineno;
}
