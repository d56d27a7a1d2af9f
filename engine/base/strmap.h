/*
 * strmap.h — a string-keyed hash map whose entries live in an arena.
 *
 * For tables built once and thrown away together (the compiler's symbol
 * tables, deduplication sets): put and get only, no removal.  Keys are
 * (pointer, length) and are not copied — they must outlive the map (put
 * arena strings in it).  FNV-1a hashing, chained buckets, doubled when the
 * load reaches one, so a put is amortised O(1) whatever the input.
 */
#ifndef PAL_STRMAP_H
#define PAL_STRMAP_H

#include <stddef.h>
#include <stdint.h>
#include "engine/base/arena.h"

typedef struct pal_strmap_entry {
    const char *key;
    uint32_t len;
    void *value;
    struct pal_strmap_entry *next;
} pal_strmap_entry;

typedef struct pal_strmap {
    pal_strmap_entry **buckets;
    uint32_t nbuckets, count;
} pal_strmap;                 /* zero-initialised is empty */

void *pal_strmap_get(const pal_strmap *m, const char *key, size_t len);
/* Adds key -> value (a key already present is added again, shadowing the
   old entry).  0, or -1 when the arena is full. */
int pal_strmap_put(pal_arena *a, pal_strmap *m, const char *key, size_t len, void *value);

#endif
