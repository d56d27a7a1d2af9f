/*
 * fuzz_util.h — what several fuzz targets share, so that each target's
 * file is about what it fuzzes: the policy it decides with, compiled once
 * from a string in the target (fz_compile); the fuzz bytes read one at a
 * time, zero past the end (fz_bytes); and a small deterministic PRNG
 * seeded from them (fz_next, xorshift64), for cut points and read sizes.
 * Header-only: each target is one translation unit.
 */
#ifndef PAL_FUZZ_UTIL_H
#define PAL_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/compile/palc.h"

typedef struct fz_source { const char *path, *text; } fz_source;

static inline int fz_read_source(void *user, const char *relpath, char **data, size_t *len)
{
    const fz_source *src = user;
    if (strcmp(relpath, src->path)) return -1;
    *len = strlen(src->text);
    *data = malloc(*len + 1);
    if (!*data) return -1;
    memcpy(*data, src->text, *len + 1);
    return 0;
}

/* The one-file policy `text`, named `path` (its package is its name's
   directory), with revision (NULL: none).  The target's own policy must
   compile: anything else is a broken target, so it aborts saying so. */
static inline pal_program *fz_compile(const char *path, const char *text, const char *revision)
{
    fz_source src = {path, text};
    pal_compile_opts o = {0};
    o.revision = revision;
    o.read = fz_read_source;
    o.read_user = &src;
    const char *paths[] = {path};
    unsigned errs = 0, warns = 0;
    pal_program *p = pal_compile(paths, 1, &o, &errs, &warns);
    if (!p) {
        fprintf(stderr, "%s: the fuzz target's own policy does not compile (%u errors)\n", path, errs);
        abort();
    }
    return p;
}

/* The fuzz input, read a byte at a time; 0 once it is used up. */
typedef struct fz_bytes { const uint8_t *p; size_t n, i; } fz_bytes;

static inline unsigned fz_byte(fz_bytes *s) { return s->i < s->n ? s->p[s->i++] : 0; }

/* xorshift64: the next value of the state *s (never seed it with 0). */
static inline uint64_t fz_next(uint64_t *s)
{
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return *s;
}

#endif
