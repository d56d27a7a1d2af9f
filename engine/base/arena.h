/*
 * arena.h — bump allocation for data that dies all at once.
 *
 * Compile-time data (AST, symbol tables) and per-input data (one decoded
 * event, one inventory) live in an arena and are freed together with
 * pal_arena_free(), or recycled with pal_arena_reset(), which keeps the
 * first block so a steady stream of events allocates nothing after warm-up.
 * An arena with a cap refuses (returns NULL) once it would pass the cap:
 * callers turn that into a "too large" error, never a crash.
 */
#ifndef PAL_ARENA_H
#define PAL_ARENA_H

#include <stddef.h>

typedef struct pal_arena_block pal_arena_block;
typedef struct pal_arena {
    pal_arena_block *head;
    size_t total;      /* bytes allocated from the system */
    size_t cap;        /* 0 = unlimited */
} pal_arena;

void pal_arena_init(pal_arena *a, size_t cap);
void *pal_arena_alloc(pal_arena *a, size_t n);           /* 16-aligned, zeroed */
/* 16-aligned, not zeroed: for bytes the caller writes at once (a string's
   text), where zeroing first is work thrown away. */
void *pal_arena_alloc_uninit(pal_arena *a, size_t n);
char *pal_arena_strndup(pal_arena *a, const char *s, size_t n);  /* NUL-terminated */
void pal_arena_reset(pal_arena *a);
void pal_arena_free(pal_arena *a);

#endif
