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
    /* one line at the limit, its newline, and one read's worth beyond it */
    LINES_MAX_CAP = PAL_MAX_EVENT_LINE + 1 + 65536,
};

void pal_lines_init(pal_lines *l)
{
    memset(l, 0, sizeof *l);
}

void pal_lines_free(pal_lines *l)
{
    free(l->buf);
    memset(l, 0, sizeof *l);
}

char *pal_lines_space(pal_lines *l, size_t *avail)
{
    if (l->cap - l->len < LINES_MIN_READ || l->cap < LINES_FIRST_CAP) {
        size_t cap = l->cap ? l->cap : LINES_FIRST_CAP / 2;
        while (cap - l->len < LINES_MIN_READ || cap < LINES_FIRST_CAP) cap *= 2;
        if (cap > LINES_MAX_CAP) cap = LINES_MAX_CAP;
        if (cap - l->len < LINES_MIN_READ) return NULL;   /* cannot happen: len stays under the line limit */
        char *nb = realloc(l->buf, cap);
        if (!nb) return NULL;
        l->buf = nb;
        l->cap = cap;
    }
    *avail = l->cap - l->len;
    return l->buf + l->len;
}

/* One complete line buf[0..n) (without its newline). */
static int emit(pal_lines *l, const char *s, size_t n, pal_line_fn fn, void *user)
{
    l->lineno++;
    if (l->skipping) {
        l->skipping = false;
        return fn(user, NULL, 0, true, l->lineno);
    }
    while (n && (s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
    if (n == 0) return 0;
    if (n > PAL_MAX_EVENT_LINE) return fn(user, NULL, 0, true, l->lineno);
    return fn(user, s, n, false, l->lineno);
}

int pal_lines_commit(pal_lines *l, size_t n, pal_line_fn fn, void *user)
{
    size_t scan = l->len, start = 0;
    l->len += n;
    int rc = 0;
    while (scan < l->len) {
        char *nl = memchr(l->buf + scan, '\n', l->len - scan);
        if (!nl) break;
        size_t end = (size_t)(nl - l->buf);
        rc = emit(l, l->buf + start, end - start, fn, user);
        start = scan = end + 1;
        if (rc) break;
    }
    if (start) {
        memmove(l->buf, l->buf + start, l->len - start);
        l->len -= start;
    }
    if (rc) return rc;
    /* an unfinished line over the limit: drop what is held, remember to
       report it when its newline comes */
    if (l->len > PAL_MAX_EVENT_LINE || (l->skipping && l->len)) {
        l->skipping = true;
        l->len = 0;
    }
    return 0;
}

int pal_lines_finish(pal_lines *l, pal_line_fn fn, void *user)
{
    if (!l->len && !l->skipping) return 0;
    size_t n = l->len;
    l->len = 0;
    return emit(l, l->buf, n, fn, user);
}

bool pal_lines_partial(const pal_lines *l)
{
    return l->len > 0 || l->skipping;
}
