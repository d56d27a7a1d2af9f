/* strmap.c — see strmap.h. */
#include <string.h>
#include "engine/base/strmap.h"

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) { h ^= (unsigned char)s[i]; h *= 16777619u; }
    return h;
}

void *pal_strmap_get(const pal_strmap *m, const char *key, size_t len)
{
    if (!m->nbuckets) return NULL;
    for (pal_strmap_entry *e = m->buckets[hash_bytes(key, len) % m->nbuckets]; e; e = e->next)
        if (e->len == len && !memcmp(e->key, key, len)) return e->value;
    return NULL;
}

int pal_strmap_put(pal_arena *a, pal_strmap *m, const char *key, size_t len, void *value)
{
    if (m->count >= m->nbuckets) {
        uint32_t nb = m->nbuckets ? m->nbuckets * 2 : 64;
        pal_strmap_entry **b = pal_arena_alloc(a, nb * sizeof *b);
        if (!b) return -1;
        for (uint32_t i = 0; i < m->nbuckets; i++)
            for (pal_strmap_entry *e = m->buckets[i], *next; e; e = next) {
                next = e->next;
                uint32_t h = hash_bytes(e->key, e->len) % nb;
                e->next = b[h];
                b[h] = e;
            }
        m->buckets = b;
        m->nbuckets = nb;
    }
    pal_strmap_entry *e = pal_arena_alloc(a, sizeof *e);
    if (!e) return -1;
    e->key = key;
    e->len = (uint32_t)len;
    e->value = value;
    uint32_t h = hash_bytes(key, len) % m->nbuckets;
    e->next = m->buckets[h];
    m->buckets[h] = e;
    m->count++;
    return 0;
}
