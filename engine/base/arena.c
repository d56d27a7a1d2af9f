/* arena.c — see arena.h. Blocks grow geometrically; big requests get their own. */
#include "engine/base/arena.h"
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

struct pal_arena_block {
    pal_arena_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

#define FIRST_BLOCK 4096u

void pal_arena_init(pal_arena *a, size_t cap)
{
    a->head = NULL;
    a->total = 0;
    a->cap = cap;
}

void *pal_arena_alloc_uninit(pal_arena *a, size_t n)
{
    if (n > SIZE_MAX / 2) return NULL;
    n = (n + 15u) & ~(size_t)15u;
    pal_arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = b ? b->size * 2 : FIRST_BLOCK;
        if (size < n) size = n;
        if (a->cap && a->total + size > a->cap) {
            size = n;                         /* try the exact size first */
            if (a->total + size > a->cap) return NULL;
        }
        pal_arena_block *nb = malloc(sizeof *nb + size);
        if (!nb) return NULL;
        nb->size = size;
        nb->used = 0;
        nb->next = a->head;
        a->head = nb;
        a->total += size;
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

void *pal_arena_alloc(pal_arena *a, size_t n)
{
    void *p = pal_arena_alloc_uninit(a, n);
    if (p) memset(p, 0, n);
    return p;
}

char *pal_arena_strndup(pal_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX) return NULL;
    char *p = pal_arena_alloc_uninit(a, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void pal_arena_reset(pal_arena *a)
{
    /* keep the largest (newest) block, free the rest */
    pal_arena_block *b = a->head;
    if (!b) return;
    pal_arena_block *rest = b->next;
    while (rest) { pal_arena_block *n = rest->next; free(rest); rest = n; }
    b->next = NULL;
    b->used = 0;
    a->total = b->size;
}

void pal_arena_free(pal_arena *a)
{
    pal_arena_block *b = a->head;
    while (b) { pal_arena_block *n = b->next; free(b); b = n; }
    a->head = NULL;
    a->total = 0;
}
