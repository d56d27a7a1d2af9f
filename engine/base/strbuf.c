/*
 * strbuf.c — the growing output buffer (design in strbuf.h).
 */
#include "engine/base/strbuf.h"

#include <stdlib.h>
#include <string.h>

void pal_strbuf_init(pal_strbuf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
}

void pal_strbuf_free(pal_strbuf *b)
{
    free(b->s);
    size_t max = b->max;
    memset(b, 0, sizeof *b);
    b->max = max;
}

void pal_strbuf_clear(pal_strbuf *b)
{
    b->len = 0;
    b->failed = false;
}

static int grow(pal_strbuf *b, size_t need)
{
    if (b->failed) return -1;
    if (need < b->len || (b->max && need > b->max)) { b->failed = true; return -1; }
    if (need <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) {
        if (cap > (size_t)-1 / 2) { cap = need; break; }
        cap *= 2;
    }
    if (b->max && cap > b->max) cap = b->max;
    char *s = realloc(b->s, cap);
    if (!s) { b->failed = true; return -1; }
    b->s = s;
    b->cap = cap;
    return 0;
}

int pal_strbuf_append(pal_strbuf *b, const char *s, size_t n)
{
    if (grow(b, b->len + n) != 0) return -1;
    if (n) memcpy(b->s + b->len, s, n);
    b->len += n;
    return 0;
}

int pal_strbuf_reserve(pal_strbuf *b, size_t n)
{
    if (b->failed || n > (size_t)-1 - b->len) return -1;
    if (b->max && b->len + n > b->max) return -1;
    return grow(b, b->len + n);
}

int pal_strbuf_putc(pal_strbuf *b, char c)
{
    return pal_strbuf_append(b, &c, 1);
}

int pal_strbuf_puts(pal_strbuf *b, const char *s)
{
    return pal_strbuf_append(b, s, strlen(s));
}

void pal_strbuf_truncate(pal_strbuf *b, size_t len)
{
    if (len < b->len) b->len = len;
}

void pal_strbuf_consume(pal_strbuf *b, size_t n)
{
    if (n >= b->len) { b->len = 0; return; }
    memmove(b->s, b->s + n, b->len - n);
    b->len -= n;
}

const char *pal_strbuf_cstr(pal_strbuf *b)
{
    if (grow(b, b->len + 1) != 0) return NULL;
    b->s[b->len] = 0;
    return b->s;
}
