/*
 * strbuf.h — a growing byte buffer for output that is built, then sent.
 *
 * A writer appends without checking each step: the first allocation that
 * fails sets `failed` and every later append does nothing, so the caller
 * checks once at the end (SQLite's StrAccum does the same).  The bytes are
 * s[0..len), not NUL-terminated unless pal_strbuf_cstr asks for it.  A
 * buffer may be capped (max, 0 = none): an append that would pass the cap
 * fails the same way, so a hostile input cannot make it grow without bound.
 * pal_strbuf_consume drops bytes from the front (what a socket took).
 */
#ifndef PAL_BASE_STRBUF_H
#define PAL_BASE_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct pal_strbuf {
    char *s;
    size_t len, cap;
    size_t max;          /* 0: no cap */
    bool failed;         /* an append did not fit or memory ran out: the contents are incomplete */
} pal_strbuf;

void pal_strbuf_init(pal_strbuf *b, size_t max);
void pal_strbuf_free(pal_strbuf *b);
/* Forgets the contents (and a failure), keeps the memory. */
void pal_strbuf_clear(pal_strbuf *b);
/* Returns 0, or -1 (and sets failed) when it does not fit. */
int pal_strbuf_append(pal_strbuf *b, const char *s, size_t n);
int pal_strbuf_putc(pal_strbuf *b, char c);
/* Makes room for n more bytes (cap - len >= n) without writing any, so a
   writer can then write them directly.  Returns 0, or -1 when they would
   pass the cap (failed is left as it was: a shorter append may still fit)
   or memory ran out (failed set). */
int pal_strbuf_reserve(pal_strbuf *b, size_t n);
int pal_strbuf_puts(pal_strbuf *b, const char *s);
/* Cuts the contents back to len bytes (len <= b->len), e.g. to take back
   what a failed writer left half-written. */
void pal_strbuf_truncate(pal_strbuf *b, size_t len);
/* Drops the first n bytes. */
void pal_strbuf_consume(pal_strbuf *b, size_t n);
/* The contents as a C string (NULL if that does not fit). */
const char *pal_strbuf_cstr(pal_strbuf *b);

#endif
