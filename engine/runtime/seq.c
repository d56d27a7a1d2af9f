/*
 * seq.c — correlation state (semantics and bounds in seq.h).
 *
 * Design.  One hash table over (correlation, group key) holds every entry
 * (a group's partial matches): open addressing with linear probing, each
 * slot a 32-bit tag beside its entry's pointer, so a lookup that finds
 * nothing — most hits of a later step — reads one line of slots and no
 * entry, and the insert that follows it writes the same line; removal
 * shifts the run back (no tombstones).  Memory is what bounds the rate
 * at a million groups (every partial a cache miss or more), so entries
 * are small: a member is 24 bytes, a 2-step sequence's partial 120.  Each entry is also
 * on two age lists, its correlation's and the global one, least recently
 * updated first, so eviction takes a head in O(1); expiry takes the heads
 * of the correlations a min-heap says are due (by their oldest entry's
 * touched + window + tolerance), so a step of the watermark costs nothing
 * when nothing is due, whatever the number of correlations.  An entry is
 * one allocation — the entry, its key, then a sequence's stage pointers
 * and its stage-1 member (the partial most groups never get past), or a
 * count's first member, an unordered one's members — plus one per later
 * stage and per captured message value.  Per sequence and stage a count
 * of the partials there lets the runtime drop, before it makes their
 * keys, the hits of later steps no group waits for (pal_seqstate_wanted).
 * The hot path — an event that hits no step — never gets here: the
 * runtime calls in only for the correlations an event hit.
 */
#include "engine/runtime/seq.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/base/err.h"
#include "engine/base/limits.h"
#include "engine/base/strbuf.h"
#include "engine/core/schema.h"
#include "engine/vm/opcodes.h"

/* A member: 24 bytes.  A count's members carry the value hash (a
   distinct count's) and never captures (those of the completing event
   are rendered when it completes); a sequence's and an unordered one's
   carry their captures: NULL, or one allocation holding a 4-byte length,
   then that many bytes, NUL-separated values. */
typedef struct member {
    int64_t time;          /* INT64_MIN: no hit (unordered) */
    uint64_t id;
    union {
        uint64_t vhash;    /* count, distinct */
        char *cap;         /* sequence, unordered */
    } u;
} member;

static uint32_t cap_len(const member *m)
{
    uint32_t n = 0;
    if (m->u.cap) memcpy(&n, m->u.cap, 4);
    return n;
}
static const char *cap_text(const member *m) { return m->u.cap ? m->u.cap + 4 : NULL; }

/* An entry: one allocation, the header, then the key (to 8 bytes), then
     sequence:   the pointers of stages 2..nsteps-1 (stage 1's is `m`), then
                 the stage-1 member (the partial most groups never get past)
     unordered:  its nsteps members
     counts:     its first member (most groups never get a second); more
                 go to an array of their own, `m` then points there */
typedef struct entry {
    struct entry *lprev, *lnext;   /* the correlation's age list */
    struct entry *gprev, *gnext;   /* the global age list */
    int64_t touched;               /* event time of the last update */
    uint32_t seq;
    uint32_t tag;                  /* its slot's tag: the low half of its hash */
    uint16_t keylen;
    uint16_t unused;
    uint32_t n, cap;               /* counts: members held, room */
    member *m;                     /* sequence: stage 1 (NULL: none); the others: the members */
    unsigned char key[];
} entry;
_Static_assert(PAL_SEQ_KEY_MAX <= UINT16_MAX, "a group key's length fits an entry's keylen");

/* Expiry: the correlations by the time their oldest entry expires (its
   touched + within + tolerance), a binary min-heap.  A correlation is in
   it at most once; its key can be earlier than its oldest entry's real
   expiry (the head was touched or freed since), never later by more than
   the tolerance, so popping it early only costs a look. */
typedef struct due { int64_t at; uint32_t seq; } due;

typedef struct seqinfo {
    const pal_seq *q;
    entry *head, *tail;
    uint32_t count;
    uint32_t live[PAL_MAX_SEQ_STEPS];   /* sequence: partial matches at stage s */
    bool due;                           /* in the expiry heap */
    uint64_t digest;
} seqinfo;

typedef struct slot {
    uint32_t tag;
    entry *e;
} slot;

struct pal_seqstate {
    const pal_program *p;
    pal_seq_limits lim;
    seqinfo *seqs;
    /* the table: open addressing, linear probing; a slot's tag is 0 when
       it is empty, else the low 32 bits of its entry's hash (never 0): a
       probe reads the slots, 4 to a cache line, and touches an entry
       only when its tag is the one sought; tag and entry share a line, so
       the lookup and the insert that follows it, or a removal, load one
       line of the table where separate arrays of tags and entries load two */
    slot *slots;
    uint32_t nslots;               /* a power of two */
    due *heap;
    uint32_t nheap;
    entry *ghead, *gtail;
    uint64_t total;
    pal_seq_stats st;
    bool have_watermark;
    int64_t watermark;
    /* a match's members and message, until the next call */
    uint64_t ids[PAL_MAX_SEQ_THRESHOLD + PAL_MAX_SEQ_STEPS];
    char msg[PAL_MAX_MESSAGE_BYTES + 1];
};

/* ---- hashing ---- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) { h ^= b[i]; h *= 0x100000001b3ull; }
    return h;
}
#define FNV0 0xcbf29ce484222325ull

/* A value as key bytes; false when it cannot join (undefined, a list).
   Windows paths fold case and separators; long strings go by hash. */
enum { KEY_MAX = PAL_SEQ_KEY_MAX, KEY_LONG = 256 };
static bool key_value(const pal_value *v, unsigned char *out, uint32_t *len)
{
    uint32_t n = 0;
    switch (v->tag) {
    case PV_STR: {
        bool fold = v->flags & PVF_WINDOWS;
        if (v->len > KEY_LONG) {
            uint64_t h = FNV0;
            for (uint32_t i = 0; i < v->len; i++) {
                unsigned char c = (unsigned char)v->u.s[i];
                if (fold && c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
                if (fold && c == '\\') c = '/';
                h = fnv(h, &c, 1);
            }
            out[n++] = 'h';
            memcpy(out + n, &h, 8);
            n += 8;
            break;
        }
        out[n++] = 's';
        memcpy(out + n, &v->len, 4);
        n += 4;
        if (!fold) {
            memcpy(out + n, v->u.s, v->len);
            n += v->len;
            break;
        }
        for (uint32_t i = 0; i < v->len; i++) {
            unsigned char c = (unsigned char)v->u.s[i];
            if (fold && c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
            if (fold && c == '\\') c = '/';
            out[n++] = c;
        }
        break;
    }
    case PV_INT: case PV_BOOL:
        out[n++] = 'i';
        memcpy(out + n, &v->u.i, 8);
        n += 8;
        break;
    case PV_IP:
        out[n++] = (v->flags & PVF_IPV6) ? '6' : '4';
        memcpy(out + n, v->u.ip, 16);
        n += 16;
        break;
    default:
        return false;
    }
    *len = n;
    return true;
}

/* The group key of step j of correlation q for the record. */
static bool make_key(const pal_program *p, const pal_seq *q, uint32_t j, const pal_record *rec,
                     unsigned char *key, uint32_t *keylen)
{
    uint32_t n = 0;
    for (uint32_t k = 0; k < q->nkeys; k++) {
        const pal_seqpart *sp = &p->seqparts[q->part_first + j * q->nkeys + k];
        if (!rec->slots || sp->index >= rec->schema->nfields) return false;
        uint32_t vl;
        if (!key_value(pal_record_ref(rec, sp->index), key + n, &vl)) return false;
        n += vl;
    }
    *keylen = n;
    return true;
}

void pal_seq_hit_keys(const pal_program *p, pal_seq_hits *h, const pal_record *rec, unsigned char *keybuf)
{
    h->vhash = 0;
    if (h->seq >= p->nseqs) { h->steps = 0; return; }
    const pal_seq *q = &p->seqs[h->seq];
    for (uint32_t j = 0; j <= q->nsteps; j++) {
        h->keys[j] = NULL;
        h->keylen[j] = 0;
        if (!(h->steps & (1u << j))) continue;
        if ((j == q->nsteps && !q->has_until) || !make_key(p, q, j, rec, keybuf + (size_t)j * KEY_MAX, &h->keylen[j])) {
            h->steps &= ~(1u << j);
            continue;
        }
        h->keys[j] = keybuf + (size_t)j * KEY_MAX;
    }
    if (q->type == PQ_DISTINCT && (h->steps & 1u)) {
        const pal_seqpart *sp = &p->seqparts[q->part_first + q->nkeys];
        unsigned char vb[KEY_MAX];
        uint32_t vl;
        if (!rec->slots || sp->index >= rec->schema->nfields || !key_value(pal_record_ref(rec, sp->index), vb, &vl))
            h->steps &= ~1u;
        else
            h->vhash = fnv(FNV0, vb, vl);
    }
}

/* ---- the expiry heap ---- */

static void heap_swap(pal_seqstate *s, uint32_t i, uint32_t j)
{
    due t = s->heap[i];
    s->heap[i] = s->heap[j];
    s->heap[j] = t;
}

static void heap_push(pal_seqstate *s, uint32_t seq, int64_t at)
{
    uint32_t i = s->nheap++;
    s->heap[i] = (due){at, seq};
    while (i > 0 && s->heap[(i - 1) / 2].at > s->heap[i].at) {
        heap_swap(s, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
    s->seqs[seq].due = true;
}

static void heap_pop(pal_seqstate *s)
{
    s->seqs[s->heap[0].seq].due = false;
    s->heap[0] = s->heap[--s->nheap];
    for (uint32_t i = 0;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < s->nheap && s->heap[l].at < s->heap[m].at) m = l;
        if (r < s->nheap && s->heap[r].at < s->heap[m].at) m = r;
        if (m == i) break;
        heap_swap(s, i, m);
        i = m;
    }
}

static int64_t expiry_of(const pal_seqstate *s, const entry *e)
{
    return e->touched + s->seqs[e->seq].q->within + s->lim.tolerance;
}

/* ---- entries ---- */

static void list_unlink(pal_seqstate *s, entry *e)
{
    seqinfo *si = &s->seqs[e->seq];
    if (e->lprev) e->lprev->lnext = e->lnext; else si->head = e->lnext;
    if (e->lnext) e->lnext->lprev = e->lprev; else si->tail = e->lprev;
    if (e->gprev) e->gprev->gnext = e->gnext; else s->ghead = e->gnext;
    if (e->gnext) e->gnext->gprev = e->gprev; else s->gtail = e->gprev;
    e->lprev = e->lnext = e->gprev = e->gnext = NULL;
}

static void list_append(pal_seqstate *s, entry *e)
{
    seqinfo *si = &s->seqs[e->seq];
    e->lprev = si->tail;
    e->lnext = NULL;
    if (si->tail) si->tail->lnext = e; else si->head = e;
    si->tail = e;
    e->gprev = s->gtail;
    e->gnext = NULL;
    if (s->gtail) s->gtail->gnext = e; else s->ghead = e;
    s->gtail = e;
    if (!si->due) heap_push(s, e->seq, expiry_of(s, e));
}

/* The layout of an entry's allocation after its header (entry above). */
static size_t key_room(uint32_t keylen) { return ((size_t)keylen + 7) & ~(size_t)7; }
static unsigned char *entry_rest(const entry *e) { return (unsigned char *)(uintptr_t)e->key + key_room(e->keylen); }
static uint32_t inline_members(const pal_seq *q) { return q->type == PQ_UNORDERED ? q->nsteps : 1; }
static size_t entry_alloc_bytes(const pal_seq *q, uint32_t keylen)
{
    size_t n = sizeof(entry) + key_room(keylen);
    if (q->type == PQ_SEQUENCE) return n + (q->nsteps - 2u) * sizeof(member *) + sizeof(member);
    return n + inline_members(q) * sizeof(member);
}
static bool members_inline(const entry *e) { return (unsigned char *)e->m == entry_rest(e); }
/* A count's members once they outgrew the entry (their own allocation). */
static uint64_t members_apart_bytes(const pal_seq *q, const entry *e)
{
    return q->type == PQ_SEQUENCE || members_inline(e) ? 0 : (uint64_t)e->cap * sizeof(member);
}

/* A sequence's or an unordered one's member: its captures go. */
static void member_clear(pal_seqstate *s, member *m)
{
    if (m->u.cap) {
        s->st.bytes -= cap_len(m);
        free(m->u.cap);
    }
    m->u.cap = NULL;
}

/* Where a sequence keeps the pointer to its stage st (1 <= st < nsteps). */
static member **stage_slot(const pal_seqstate *s, const entry *e, uint32_t st)
{
    (void)s;
    return st == 1 ? (member **)(uintptr_t)&e->m : (member **)(void *)entry_rest(e) + (st - 2);
}
static member *stage_of(const pal_seqstate *s, const entry *e, uint32_t st) { return *stage_slot(s, e, st); }

/* A sequence's stage-1 partial (one member, the one most groups never
   get past) lives in the entry, after its stage pointers. */
static member *stage1_inline(const pal_seqstate *s, const entry *e)
{
    return (member *)(void *)(entry_rest(e) + (s->seqs[e->seq].q->nsteps - 2u) * sizeof(member *));
}

/* A stage's array is its own allocation, counted, unless it is the inline one. */
static uint64_t part_bytes(const pal_seqstate *s, const entry *e, uint32_t st, const member *part)
{
    return part == stage1_inline(s, e) ? 0 : (uint64_t)st * sizeof(member);
}

/* Stage st of e gets part (st members), counted. */
static void stage_put(pal_seqstate *s, entry *e, uint32_t st, member *part)
{
    *stage_slot(s, e, st) = part;
    s->seqs[e->seq].live[st]++;
    s->st.bytes += part_bytes(s, e, st, part);
}

/* Stage st of e, taken out without freeing it (it moves to st + 1). */
static member *stage_take(pal_seqstate *s, entry *e, uint32_t st)
{
    member **slot = stage_slot(s, e, st);
    member *part = *slot;
    *slot = NULL;
    s->seqs[e->seq].live[st]--;
    s->st.bytes -= part_bytes(s, e, st, part);
    return part;
}

static void stage_free(pal_seqstate *s, entry *e, uint32_t st)
{
    member *part = stage_of(s, e, st);
    if (!part) return;
    for (uint32_t i = 0; i < st; i++) member_clear(s, &part[i]);
    stage_take(s, e, st);
    if (part != stage1_inline(s, e)) free(part);
}

/* Room for a stage-st array of e; NULL when out of memory. */
static member *part_new(pal_seqstate *s, entry *e, uint32_t st)
{
    if (st == 1 && !e->m) {
        /* cleared like calloc's: the entry is malloc'ed, and a state file
           that ends inside this member frees it before it is written */
        member *m = stage1_inline(s, e);
        *m = (member){0};
        return m;
    }
    return calloc(st, sizeof(member));
}

static void entry_contents_free(pal_seqstate *s, entry *e)
{
    const pal_seq *q = s->seqs[e->seq].q;
    if (q->type == PQ_SEQUENCE) {
        for (uint32_t st = 1; st < q->nsteps; st++) stage_free(s, e, st);
        return;
    }
    if (q->type == PQ_UNORDERED)
        for (uint32_t i = 0; i < e->n; i++) member_clear(s, &e->m[i]);
    e->n = 0;
}

/* ---- the table ---- */

static uint64_t key_hash(uint32_t seq, const unsigned char *k, uint32_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ ((uint64_t)seq * 0xff51afd7ed558ccdull) ^ n;
    uint32_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, k + i, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    uint64_t w = 0;
    memcpy(&w, k + i, n - i);
    h = (h ^ w) * 0x94d049bb133111ebull;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return h;
}

static uint32_t tag_of(uint64_t hash) { return (uint32_t)hash ? (uint32_t)hash : 1u; }

#if defined(__GNUC__)
#define PREFETCH(addr) __builtin_prefetch(addr)
#else
#define PREFETCH(addr) ((void)(addr))
#endif

/* Starts loading the table lines a lookup or removal of tag will read. */
static void table_prefetch(const pal_seqstate *s, uint32_t tag)
{
    PREFETCH(&s->slots[tag & (s->nslots - 1)]);
}

static entry *table_find(const pal_seqstate *s, uint32_t seq, uint32_t tag, const unsigned char *key, uint32_t keylen)
{
    uint32_t mask = s->nslots - 1;
    for (uint32_t i = tag & mask; s->slots[i].tag; i = (i + 1) & mask) {
        if (s->slots[i].tag != tag) continue;
        entry *e = s->slots[i].e;
        if (e->seq == seq && e->keylen == keylen && !memcmp(e->key, key, keylen)) return e;
    }
    return NULL;
}

static void table_put(slot *slots, uint32_t nslots, entry *e)
{
    uint32_t i = e->tag & (nslots - 1);
    while (slots[i].tag) i = (i + 1) & (nslots - 1);
    slots[i] = (slot){e->tag, e};
}

/* Removes e, shifting back the entries after it that its slot would have
   kept from their home (no tombstones: a miss stops at the first hole). */
static void table_remove(pal_seqstate *s, const entry *e)
{
    uint32_t mask = s->nslots - 1, i = e->tag & mask;
    while (s->slots[i].e != e) i = (i + 1) & mask;
    for (uint32_t j = i;;) {
        j = (j + 1) & mask;
        if (!s->slots[j].tag) break;
        uint32_t home = s->slots[j].tag & mask;
        /* j stays when its home lies cyclically in (i, j] */
        if (i <= j ? (home > i && home <= j) : (home > i || home <= j)) continue;
        s->slots[i] = s->slots[j];
        i = j;
    }
    s->slots[i] = (slot){0, NULL};
}

/* The table doubles at three quarters full; false when out of memory. */
static bool table_room(pal_seqstate *s)
{
    if ((s->total + 1) * 4 <= (uint64_t)s->nslots * 3 || s->nslots >= (1u << 30)) return true;
    uint32_t ns = s->nslots * 2;
    slot *slots = calloc(ns, sizeof *slots);
    if (!slots) return false;
    for (uint32_t i = 0; i < s->nslots; i++)
        if (s->slots[i].tag) table_put(slots, ns, s->slots[i].e);
    s->st.bytes += (uint64_t)(ns - s->nslots) * sizeof *slots;
    free(s->slots);
    s->slots = slots;
    s->nslots = ns;
    return true;
}

static void entry_free(pal_seqstate *s, entry *e)
{
    table_remove(s, e);
    list_unlink(s, e);
    entry_contents_free(s, e);
    const pal_seq *q = s->seqs[e->seq].q;
    s->st.bytes -= entry_alloc_bytes(q, e->keylen) + members_apart_bytes(q, e);
    if (q->type != PQ_SEQUENCE && !members_inline(e)) free(e->m);
    s->seqs[e->seq].count--;
    s->total--;
    free(e);
}

static entry *entry_find(const pal_seqstate *s, uint32_t seq, uint64_t hash, const unsigned char *key, uint32_t keylen)
{
    return table_find(s, seq, tag_of(hash), key, keylen);
}

/* A new entry, past the caps' evictions; NULL when out of memory. */
static entry *entry_new(pal_seqstate *s, uint32_t seq, uint64_t hash, const unsigned char *key, uint32_t keylen)
{
    seqinfo *si = &s->seqs[seq];
    const pal_seq *q = si->q;
    if (si->count >= s->lim.max_rule && si->head) { entry_free(s, si->head); s->st.evicted_rule++; }
    if (s->total >= s->lim.max_total && s->ghead) { entry_free(s, s->ghead); s->st.evicted_total++; }
    if (!table_room(s)) return NULL;
    size_t bytes = entry_alloc_bytes(q, keylen);
    entry *e = malloc(bytes);   /* not calloc: what is read before it is written is cleared below */
    if (!e) return NULL;
    memset(e, 0, sizeof *e);
    e->tag = tag_of(hash);
    e->seq = seq;
    e->keylen = (uint16_t)keylen;
    memcpy(e->key, key, keylen);
    unsigned char *rest = entry_rest(e);
    if (q->type == PQ_SEQUENCE) {
        memset(rest, 0, (q->nsteps - 2u) * sizeof(member *));   /* stages 2.. (stage 1's, e->m, is NULL) */
    } else {
        e->m = (member *)(void *)rest;
        e->cap = inline_members(q);
        if (q->type == PQ_UNORDERED) {
            for (uint32_t i = 0; i < q->nsteps; i++) e->m[i] = (member){INT64_MIN, 0, {.cap = NULL}};
            e->n = q->nsteps;
        }
    }
    table_put(s->slots, s->nslots, e);
    list_append(s, e);
    si->count++;
    s->total++;
    s->st.bytes += bytes;
    return e;
}

static void entry_touch(pal_seqstate *s, entry *e, int64_t t)
{
    if (t > e->touched) e->touched = t;
    if (e == s->gtail && e == s->seqs[e->seq].tail) return;   /* the newest already (just made) */
    list_unlink(s, e);
    list_append(s, e);
}

/* ---- the state ---- */

pal_seqstate *pal_seqstate_new(const pal_program *p, const pal_seq_limits *lim)
{
    pal_seqstate *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->p = p;
    s->lim.max_rule = lim && lim->max_rule ? lim->max_rule : PAL_SEQ_MAX_RULE_STATE;
    s->lim.max_total = lim && lim->max_total ? lim->max_total : PAL_SEQ_MAX_STATE;
    s->lim.tolerance = lim && lim->tolerance >= 0 ? lim->tolerance : PAL_SEQ_TOLERANCE_MS;
    s->seqs = calloc(p->nseqs + 1, sizeof *s->seqs);
    s->heap = calloc(p->nseqs + 1, sizeof *s->heap);
    s->nslots = 1024;
    s->slots = calloc(s->nslots, sizeof *s->slots);
    if (!s->seqs || !s->heap || !s->slots) { pal_seqstate_free(s); return NULL; }
    s->st.bytes = sizeof *s + (p->nseqs + 1) * (sizeof *s->seqs + sizeof *s->heap) +
                  s->nslots * sizeof *s->slots;
    for (uint32_t i = 0; i < p->nseqs; i++) {
        s->seqs[i].q = &p->seqs[i];
        s->seqs[i].digest = pal_seq_digest(p, i);
    }
    return s;
}

void pal_seqstate_free(pal_seqstate *s)
{
    if (!s) return;
    /* every entry goes: no table or list to keep in order on the way */
    for (entry *e = s->ghead, *next; e; e = next) {
        next = e->gnext;
        entry_contents_free(s, e);
        if (e->m && !members_inline(e)) free(e->m);
        free(e);
    }
    free(s->slots);
    free(s->heap);
    free(s->seqs);
    free(s);
}

void pal_seqstate_prefetch(const pal_seqstate *s, const pal_seq_hits *h)
{
    if (h->seq >= s->p->nseqs) return;
    const pal_seq *q = s->seqs[h->seq].q;
    for (uint32_t j = 0; j <= q->nsteps; j++)
        if ((h->steps & (1u << j)) && h->keys[j]) table_prefetch(s, tag_of(key_hash(h->seq, h->keys[j], h->keylen[j])));
}

uint32_t pal_seqstate_wanted(const pal_seqstate *s, uint32_t seq)
{
    if (seq >= s->p->nseqs) return 0;
    const seqinfo *si = &s->seqs[seq];
    const pal_seq *q = si->q;
    uint32_t want = q->type == PQ_UNORDERED ? (1u << q->nsteps) - 1 : 1u;
    if (q->type == PQ_SEQUENCE)
        for (uint32_t j = 1; j < q->nsteps; j++)
            if (si->live[j]) want |= 1u << j;
    if (q->has_until && si->count) want |= 1u << q->nsteps;
    return want;
}

void pal_seqstate_stats(const pal_seqstate *s, pal_seq_stats *out)
{
    *out = s->st;
    out->live = s->total;
}

const pal_program *pal_seqstate_program(const pal_seqstate *s) { return s->p; }

/* ---- time ---- */

static bool digits(const char *s, size_t len, size_t at, size_t n, int *out)
{
    if (at + n > len) return false;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[at + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    *out = v;
    return true;
}

/* days since 1970-01-01 of a civil date (Howard Hinnant's algorithm) */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

bool pal_seq_parse_time(const char *s, size_t len, int64_t *ms)
{
    int Y, M, D, h, mi, sec;
    if (!digits(s, len, 0, 4, &Y) || len < 19 || s[4] != '-' || !digits(s, len, 5, 2, &M) || s[7] != '-' ||
        !digits(s, len, 8, 2, &D) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, len, 11, 2, &h) ||
        s[13] != ':' || !digits(s, len, 14, 2, &mi) || s[16] != ':' || !digits(s, len, 17, 2, &sec))
        return false;
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || mi > 59 || sec > 60) return false;
    size_t i = 19;
    int64_t frac = 0;
    if (i < len && (s[i] == '.' || s[i] == ',')) {
        size_t nd = 0;
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (nd < 3) frac = frac * 10 + (s[i] - '0');
            nd++;
            i++;
        }
        if (nd == 0) return false;
        for (; nd < 3; nd++) frac *= 10;
    }
    int64_t off = 0;
    if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i < len && (s[i] == '+' || s[i] == '-')) {
        int oh, om;
        int sign = s[i] == '-' ? -1 : 1;
        i++;
        if (!digits(s, len, i, 2, &oh)) return false;
        i += 2;
        if (i < len && s[i] == ':') i++;
        if (!digits(s, len, i, 2, &om)) return false;
        i += 2;
        if (oh > 23 || om > 59) return false;
        off = sign * (int64_t)(oh * 60 + om) * 60000;
    }
    if (i != len) return false;
    int64_t days = days_from_civil(Y, (unsigned)M, (unsigned)D);
    *ms = ((days * 24 + h) * 60 + mi) * 60000 + (int64_t)sec * 1000 + frac - off;
    return true;
}

/* Frees the entries out of their window behind the watermark: the heap's
   due correlations only, each from its oldest entry on. */
static void expire(pal_seqstate *s)
{
    while (s->nheap && s->heap[0].at < s->watermark) {
        uint32_t i = s->heap[0].seq;
        heap_pop(s);
        seqinfo *si = &s->seqs[i];
        int64_t horizon = s->watermark - si->q->within - s->lim.tolerance;
        while (si->head && si->head->touched < horizon) {
            entry_free(s, si->head);
            s->st.expired++;
        }
        if (si->head && !si->due) heap_push(s, i, expiry_of(s, si->head));
        /* the next to expire is likely the oldest of all: load its slot,
           and the neighbour its unlinking writes, now */
        if (s->ghead) {
            table_prefetch(s, s->ghead->tag);
            if (s->ghead->lnext) PREFETCH(s->ghead->lnext);
        }
    }
}

int pal_seq_time_field(void) { return pal_schema_find(pal_schema_get(PS_EVENT), "timestamp", 9); }

bool pal_seq_record_time(const pal_record *rec, int ts_field, int64_t *ms)
{
    const pal_value *v = ts_field >= 0 && rec->slots && (uint32_t)ts_field < rec->schema->nfields ? pal_record_ref(rec, (uint32_t)ts_field) : NULL;
    return v && v->tag == PV_STR && pal_seq_parse_time(v->u.s, v->len, ms);
}

int64_t pal_seqstate_begin(pal_seqstate *s, bool has_time, int64_t time, int64_t clock, bool *late)
{
    int64_t t = has_time ? time : s->have_watermark ? s->watermark : clock;
    *late = s->have_watermark && t < s->watermark - s->lim.tolerance;
    if (*late) { s->st.late++; return t; }
    if (!s->have_watermark || t > s->watermark) {
        s->watermark = t;
        s->have_watermark = true;
        expire(s);
    }
    return t;
}

/* ---- matches ---- */

/* The k-th NUL-separated capture of a member (k from 0), or "". */
static void capture_of(const char *cap, uint32_t caplen, uint32_t k, const char **out, uint32_t *len)
{
    uint32_t i = 0;
    while (cap && k > 0 && i < caplen) {
        if (cap[i++] == 0) k--;
    }
    if (!cap || i >= caplen) { *out = ""; *len = 0; return; }
    *out = cap + i;
    *len = (uint32_t)strlen(cap + i);
}

static void render(pal_seqstate *s, const pal_seq *q, const char *const caps[], const uint32_t caplens[])
{
    const pal_program *p = s->p;
    size_t n = 0, capn = sizeof s->msg - 1;
    bool cut = false;
    uint32_t first = ((uint32_t)q->nsteps + q->has_until) * q->nkeys + (q->type == PQ_DISTINCT);
    for (uint32_t k = first; k < q->nparts && !cut; k++) {
        const pal_seqpart *sp = &p->seqparts[q->part_first + k];
        const char *t;
        uint32_t tl;
        if (sp->kind == SQP_TEXT) { t = pal_program_str(p, sp->text); tl = sp->text.len; }
        else capture_of(caps[sp->step], caplens[sp->step], sp->index - 1u, &t, &tl);
        if (n + tl > capn) { tl = (uint32_t)(capn - n); cut = true; }
        memcpy(s->msg + n, t, tl);
        n += tl;
    }
    if (cut) {
        /* SPEC: a message is cut at 4096 bytes, ending with "…" */
        while (n > 0 && n + 3 > capn) n--;
        while (n > 0 && ((unsigned char)s->msg[n] & 0xc0) == 0x80) n--;
        memcpy(s->msg + n, "\xe2\x80\xa6", 3);
        n += 3;
    }
    s->msg[n] = 0;
}

/* m's captures: a copy of cap (caplen bytes; none when 0); false when
   out of memory.  Counted by their text's bytes, as they are written. */
static bool copy_capture(pal_seqstate *s, member *m, const char *cap, uint32_t caplen)
{
    m->u.cap = NULL;
    if (!cap || !caplen) return true;
    char *c = malloc((size_t)caplen + 4);
    if (!c) return false;
    memcpy(c, &caplen, 4);
    memcpy(c + 4, cap, caplen);
    m->u.cap = c;
    s->st.bytes += caplen;
    return true;
}

static bool room(pal_seqstate *s, entry *e, uint32_t need)
{
    if (need <= e->cap) return true;
    uint32_t nc = e->cap * 2 > need ? e->cap * 2 : need;
    bool was_inline = members_inline(e);
    member *nm = was_inline ? malloc(nc * sizeof *nm) : realloc(e->m, nc * sizeof *nm);
    if (!nm) return false;
    if (was_inline) memcpy(nm, e->m, e->n * sizeof *nm);
    s->st.bytes += (uint64_t)(was_inline ? nc : nc - e->cap) * sizeof *nm;
    e->m = nm;
    e->cap = nc;
    return true;
}

/* Step j's captures, rendered now if they were left for later
   (pal_seq_hits.lazy); false when out of memory. */
static bool hit_capture(const pal_seq_hits *h, uint32_t j, const char **cap, uint32_t *len)
{
    if (!(h->lazy & (1u << j))) {
        *cap = h->captures[j];
        *len = h->caplen[j];
        return true;
    }
    *len = 0;
    *cap = h->render(h->render_ctx, j, len);
    return *cap != NULL;
}

typedef int (*match_fn)(void *user, const pal_seq_match *m);

static int report(pal_seqstate *s, uint32_t seq, const member *ms, uint32_t n, const char *const caps[],
                  const uint32_t caplens[], match_fn fn, void *user)
{
    for (uint32_t i = 0; i < n; i++) s->ids[i] = ms[i].id;
    render(s, s->seqs[seq].q, caps, caplens);
    s->st.completed++;
    pal_seq_match m = {seq, n, s->ids, s->msg};
    return fn(user, &m);
}

/* ---- one correlation's hits ---- */

/* Step j's hit, for a sequence or an unordered one: its group key, hashed,
   and that key's entry (NULL: none yet).  False when the event does not
   hit step j, or its until cancels the same key (the until is applied
   before, pal_seqstate_apply). */
typedef struct step_hit {
    const unsigned char *key;
    uint32_t keylen;
    uint64_t hash;
    entry *e;
} step_hit;

static bool step_hit_of(pal_seqstate *s, const pal_seq_hits *h, uint32_t j, step_hit *x)
{
    const pal_seq *q = s->seqs[h->seq].q;
    if (!(h->steps & (1u << j))) return false;
    x->key = h->keys[j];
    x->keylen = h->keylen[j];
    bool until_hit = h->steps & (1u << q->nsteps);
    if (until_hit && x->keylen == h->keylen[q->nsteps] && !memcmp(x->key, h->keys[q->nsteps], x->keylen)) return false;
    x->hash = key_hash(h->seq, x->key, x->keylen);
    x->e = entry_find(s, h->seq, x->hash, x->key, x->keylen);
    return true;
}

static int apply_sequence(pal_seqstate *s, uint64_t id, int64_t t, const pal_seq_hits *h, match_fn fn, void *user)
{
    const pal_seq *q = s->seqs[h->seq].q;
    for (int j = (int)q->nsteps - 1; j >= 0; j--) {
        step_hit x;
        if (!step_hit_of(s, h, (uint32_t)j, &x)) continue;
        entry *e = x.e;
        member nm = {t, id, {.cap = NULL}};
        if (j > 0) {
            member *part = e ? stage_of(s, e, (uint32_t)j) : NULL;
            if (!part) continue;
            if (t - part[0].time > q->within) { stage_free(s, e, (uint32_t)j); goto tidy; }
            if (t < part[j - 1].time - s->lim.tolerance) continue;
            const char *cap;
            uint32_t caplen;
            if (!hit_capture(h, (uint32_t)j, &cap, &caplen) || !copy_capture(s, &nm, cap, caplen)) return -1;
            if ((uint32_t)j + 1 == q->nsteps) {
                /* complete: report, then drop the partial */
                member all[PAL_MAX_SEQ_STEPS];
                const char *caps[PAL_MAX_SEQ_STEPS + 1];
                uint32_t caplens[PAL_MAX_SEQ_STEPS + 1];
                for (int i = 0; i < j; i++) { all[i] = part[i]; caps[i] = cap_text(&part[i]); caplens[i] = cap_len(&part[i]); }
                all[j] = nm;
                caps[j] = cap_text(&nm);
                caplens[j] = cap_len(&nm);
                int rc = report(s, h->seq, all, (uint32_t)j + 1, caps, caplens, fn, user);
                member_clear(s, &nm);
                stage_free(s, e, (uint32_t)j);
                if (rc != 0) return rc;
            } else {
                member *grown = part == stage1_inline(s, e) ? malloc(((size_t)j + 1) * sizeof *grown)
                                                            : realloc(part, ((size_t)j + 1) * sizeof *grown);
                if (!grown) { member_clear(s, &nm); return -1; }
                if (part == stage1_inline(s, e)) memcpy(grown, part, (size_t)j * sizeof *grown);
                stage_take(s, e, (uint32_t)j);   /* part moved into grown */
                grown[j] = nm;
                stage_free(s, e, (uint32_t)j + 1);   /* the newer partial replaces the older */
                stage_put(s, e, (uint32_t)j + 1, grown);
            }
            entry_touch(s, e, t);
        } else {
            if (!e && !(e = entry_new(s, h->seq, x.hash, x.key, x.keylen))) return -1;
            const char *cap;
            uint32_t caplen;
            if (!hit_capture(h, 0, &cap, &caplen) || !copy_capture(s, &nm, cap, caplen)) return -1;
            stage_free(s, e, 1);   /* the newer partial replaces the older */
            member *part = part_new(s, e, 1);
            part[0] = nm;
            stage_put(s, e, 1, part);
            entry_touch(s, e, t);
        }
    tidy:
        if (e) {
            bool empty = true;
            for (uint32_t st = 1; st < q->nsteps && empty; st++) empty = !stage_of(s, e, st);
            if (empty) entry_free(s, e);
        }
    }
    return 0;
}

static int apply_unordered(pal_seqstate *s, uint64_t id, int64_t t, const pal_seq_hits *h, match_fn fn, void *user)
{
    const pal_seq *q = s->seqs[h->seq].q;
    for (int j = (int)q->nsteps - 1; j >= 0; j--) {
        step_hit x;
        if (!step_hit_of(s, h, (uint32_t)j, &x)) continue;
        entry *e = x.e;
        if (!e && !(e = entry_new(s, h->seq, x.hash, x.key, x.keylen))) return -1;
        member *m = &e->m[j];
        /* an event that satisfies several steps fills each, but replaces
           another event in one step only: that one can still be the other */
        bool holds = false;
        for (uint32_t i = 0; i < q->nsteps && !holds; i++) holds = e->m[i].time != INT64_MIN && e->m[i].id == id;
        if (m->time == INT64_MIN || (t >= m->time && !(holds && m->id != id))) {
            member_clear(s, m);
            member nm = {t, id, {.cap = NULL}};
            const char *cap;
            uint32_t caplen;
            if (!hit_capture(h, (uint32_t)j, &cap, &caplen) || !copy_capture(s, &nm, cap, caplen)) return -1;
            *m = nm;
        }
        entry_touch(s, e, t);
        int64_t lo = INT64_MAX, hi = INT64_MIN;
        bool all = true;
        for (uint32_t i = 0; i < q->nsteps && all; i++) {
            if (e->m[i].time == INT64_MIN) { all = false; break; }
            if (e->m[i].time < lo) lo = e->m[i].time;
            if (e->m[i].time > hi) hi = e->m[i].time;
            /* as many events as steps: one event is not two members */
            for (uint32_t k = 0; k < i && all; k++) all = e->m[k].id != e->m[i].id;
        }
        if (all && hi - lo <= q->within) {
            const char *caps[PAL_MAX_SEQ_STEPS + 1];
            uint32_t caplens[PAL_MAX_SEQ_STEPS + 1];
            for (uint32_t i = 0; i < q->nsteps; i++) { caps[i] = cap_text(&e->m[i]); caplens[i] = cap_len(&e->m[i]); }
            int rc = report(s, h->seq, e->m, q->nsteps, caps, caplens, fn, user);
            entry_free(s, e);
            if (rc != 0) return rc;
        }
    }
    return 0;
}

static int apply_count(pal_seqstate *s, uint64_t id, int64_t t, const pal_seq_hits *h, match_fn fn, void *user)
{
    const pal_seq *q = s->seqs[h->seq].q;
    if (!(h->steps & 1u)) return 0;
    const unsigned char *key = h->keys[0];
    uint32_t keylen = h->keylen[0];
    uint64_t vhash = q->type == PQ_DISTINCT ? h->vhash : 0;
    uint64_t hash = key_hash(h->seq, key, keylen);
    entry *e = entry_find(s, h->seq, hash, key, keylen);
    if (!e && !(e = entry_new(s, h->seq, hash, key, keylen))) return -1;
    /* what has left the window */
    uint32_t w = 0;
    if (q->type == PQ_COUNT) {
        uint32_t drop = 0;
        while (drop < e->n && t - e->m[drop].time > q->within) drop++;
        memmove(e->m, e->m + drop, (e->n - drop) * sizeof *e->m);
        e->n -= drop;
    } else {
        for (uint32_t i = 0; i < e->n; i++)
            if (t - e->m[i].time <= q->within && e->m[i].u.vhash != vhash) {
                if (w != i) e->m[w] = e->m[i];   /* most often nothing moves */
                w++;
            }
        e->n = w;
    }
    if (!room(s, e, e->n + 1)) return -1;
    e->m[e->n++] = (member){t, id, {.vhash = vhash}};
    entry_touch(s, e, t);
    if (e->n >= (uint64_t)q->threshold) {
        const char *caps[1];
        uint32_t caplens[1];
        if (!hit_capture(h, 0, &caps[0], &caplens[0])) return -1;
        int rc = report(s, h->seq, e->m, e->n, caps, caplens, fn, user);
        entry_free(s, e);
        return rc;
    }
    return 0;
}

int pal_seqstate_apply(pal_seqstate *s, uint64_t id, int64_t t, const pal_seq_hits *h,
                       int (*fn)(void *user, const pal_seq_match *m), void *user)
{
    if (h->seq >= s->p->nseqs) return 0;
    const pal_seq *q = s->seqs[h->seq].q;
    if (q->type == PQ_COUNT || q->type == PQ_DISTINCT) return apply_count(s, id, t, h, fn, user);
    if (q->has_until && (h->steps & (1u << q->nsteps))) {
        const unsigned char *ukey = h->keys[q->nsteps];
        uint32_t ulen = h->keylen[q->nsteps];
        uint64_t hash = key_hash(h->seq, ukey, ulen);
        entry *e = entry_find(s, h->seq, hash, ukey, ulen);
        if (e) entry_free(s, e);
    }
    return q->type == PQ_SEQUENCE ? apply_sequence(s, id, t, h, fn, user) : apply_unordered(s, id, t, h, fn, user);
}

/* ---- digests and reloads ---- */

static uint64_t hash_matcher(uint64_t h, const pal_program *p, uint32_t mi)
{
    if (mi >= p->nmatchers) return fnv(h, "?", 1);
    const pal_matcher *m = &p->matchers[mi];
    h = fnv(h, &m->kind, 1);
    h = fnv(h, &m->flags, 1);
    h = fnv(h, &m->count, 4);
    for (uint32_t i = 0; i < m->count && (uint64_t)m->first + i < p->nmitems; i++) {
        const pal_mitem *it = &p->mitems[m->first + i];
        h = fnv(h, pal_program_str(p, it->s), it->s.len);
        h = fnv(h, &it->lo, 8);
        h = fnv(h, &it->hi, 8);
        h = fnv(h, it->ip, 16);
        h = fnv(h, &it->prefix, 1);
        h = fnv(h, &it->v6, 1);
    }
    return h;
}

/* Code with its constants and matchers by content, not by index. */
static uint64_t hash_code(uint64_t h, const pal_program *p, uint32_t code, uint32_t len)
{
    for (uint32_t pc = code; pc < code + len && pc < p->ncode; pc++) {
        pal_instr in = p->code[pc];
        unsigned op = PAL_OP(in);
        if (op == OP_PUSH_CONST && PAL_A24(in) < p->nconsts) {
            const pal_value *c = &p->consts[PAL_A24(in)];
            h = fnv(h, &op, 1);
            h = fnv(h, &c->tag, 1);
            h = fnv(h, &c->flags, 1);
            if (c->tag == PV_STR) h = fnv(h, c->u.s, c->len);
            else if (c->tag == PV_IP) h = fnv(h, c->u.ip, 16);
            else h = fnv(h, &c->u.i, 8);
        } else if (op == OP_MATCH) {
            h = fnv(h, &op, 1);
            h = hash_matcher(h, p, PAL_A24(in));
        } else if (op == OP_MATCH_FIELD) {
            uint32_t f = PAL_B16(in);
            h = fnv(h, &op, 1);
            h = fnv(h, &f, 4);
            h = hash_matcher(h, p, PAL_A8(in));
        } else {
            h = fnv(h, &in, 4);
        }
    }
    return h;
}

uint64_t pal_seq_digest(const pal_program *p, uint32_t i)
{
    if (i >= p->nseqs) return 0;
    const pal_seq *q = &p->seqs[i];
    uint64_t h = FNV0;
    uint8_t head[6] = {q->type, q->nsteps, q->has_until, q->nkeys, q->effect, q->severity};
    h = fnv(h, head, sizeof head);
    h = fnv(h, &q->within, 8);
    h = fnv(h, &q->threshold, 8);
    if (q->step_first < p->nrules) {
        const pal_rule *r = &p->rules[q->step_first];
        h = fnv(h, pal_program_str(p, r->name), r->name.len + 1);
    }
    for (uint32_t k = 0; k < q->nparts && (uint64_t)q->part_first + k < p->nseqparts; k++) {
        const pal_seqpart *sp = &p->seqparts[q->part_first + k];
        h = fnv(h, &sp->kind, 1);
        h = fnv(h, &sp->step, 1);
        h = fnv(h, &sp->index, 2);
        if (sp->kind == SQP_TEXT) h = fnv(h, pal_program_str(p, sp->text), sp->text.len);
    }
    for (uint32_t s = 0; s < (uint32_t)q->nsteps + q->has_until && (uint64_t)q->step_first + s < p->nrules; s++) {
        const pal_rule *r = &p->rules[q->step_first + s];
        h = fnv(h, &r->kinds, 1);
        h = fnv(h, &r->noutcomes, 4);
        h = hash_code(h, p, r->code, r->code_len);
        for (uint32_t o = 0; o < r->noutcomes && (uint64_t)r->outcome_first + o < p->noutcomes; o++) {
            const pal_outcome *oc = &p->outcomes[r->outcome_first + o];
            for (uint32_t k = 0; k < oc->nmsg && (uint64_t)oc->msg_first + k < p->nmsgparts; k++) {
                const pal_msgpart *mp = &p->msgparts[oc->msg_first + k];
                if (mp->is_expr) h = hash_code(h, p, mp->code, mp->code_len);
                else h = fnv(h, pal_program_str(p, mp->s), mp->s.len);
            }
        }
    }
    return h;
}

pal_seqstate *pal_seqstate_rebind(pal_seqstate *s, const pal_program *to)
{
    pal_seqstate *n = pal_seqstate_new(to, &s->lim);
    if (!n) { pal_seqstate_free(s); return NULL; }
    uint64_t base = n->st.bytes;
    n->st = s->st;
    n->st.bytes = base;
    n->have_watermark = s->have_watermark;
    n->watermark = s->watermark;
    /* old correlation -> new one with the same digest, each used once */
    uint32_t *map = malloc((s->p->nseqs + 1) * sizeof *map);
    bool *taken = calloc(to->nseqs + 1, sizeof *taken);
    if (!map || !taken) { free(map); free(taken); pal_seqstate_free(s); pal_seqstate_free(n); return NULL; }
    for (uint32_t i = 0; i < s->p->nseqs; i++) {
        map[i] = UINT32_MAX;
        for (uint32_t j = 0; j < to->nseqs; j++)
            if (!taken[j] && n->seqs[j].digest == s->seqs[i].digest) { map[i] = j; taken[j] = true; break; }
    }
    /* oldest first, so the new lists keep the age order */
    while (s->ghead) {
        entry *e = s->ghead;
        uint32_t j = map[e->seq];
        if (j == UINT32_MAX) { entry_free(s, e); n->st.dropped++; continue; }
        if (!table_room(n)) { free(map); free(taken); pal_seqstate_free(s); pal_seqstate_free(n); return NULL; }
        const pal_seq *q = s->seqs[e->seq].q;
        uint64_t bytes = entry_alloc_bytes(q, e->keylen) + members_apart_bytes(q, e);
        for (uint32_t st = 1; q->type == PQ_SEQUENCE && st < q->nsteps; st++) {
            member *part = stage_of(s, e, st);
            if (!part) continue;
            bytes += part_bytes(s, e, st, part);
            for (uint32_t k = 0; k < st; k++) bytes += cap_len(&part[k]);
            s->seqs[e->seq].live[st]--;
            n->seqs[j].live[st]++;
        }
        if (q->type == PQ_UNORDERED)
            for (uint32_t k = 0; k < e->n; k++) bytes += cap_len(&e->m[k]);
        /* unhook from s without freeing the contents */
        table_remove(s, e);
        list_unlink(s, e);
        s->seqs[e->seq].count--;
        s->total--;
        e->seq = j;
        e->tag = tag_of(key_hash(j, e->key, e->keylen));
        table_put(n->slots, n->nslots, e);
        list_append(n, e);
        n->seqs[j].count++;
        n->total++;
        n->st.bytes += bytes;
        n->st.kept++;
    }
    free(map);
    free(taken);
    pal_seqstate_free(s);
    return n;
}

/* ---- the state file (`palisade agent --state FILE`) ----
 *
 * Layout, little-endian (a bundle's discipline: engine/vm/bundle.c):
 *
 *   0   8  magic "PALSTATE"
 *   8   4  format (PAL_SEQ_STATE_FORMAT)
 *   12  4  header bytes (64)
 *   16  8  the file's bytes
 *   24  8  events: the writer's event count (member ids are at most this)
 *   32  32 SHA-256 of the file with these 32 bytes read as zeros
 *   64  1  flags (bit 0: there is a watermark), 8 the watermark
 *      4  correlations, then each: 8 digest, 1 type, 1 steps, 2 zero,
 *         4 threshold
 *      4  entries, oldest first, each: 4 correlation, 8 touched,
 *         2 key bytes, the key, then by the correlation's type
 *           sequence:   2 stage mask (bit s: stage s, 1 <= s < steps),
 *                       then each stage's s members, stages ascending
 *           unordered:  steps members (time INT64_MIN: no hit yet)
 *           counts:     4 n (1 <= n < threshold), n members
 *   member: 8 time, 8 id, 8 value hash, 4 capture bytes, the captures
 *
 * Reading believes nothing before the checksum matched, and after it
 * still bounds every count by the bytes left, every length by its limit
 * and every time so that no window arithmetic can overflow: a file is
 * input like any other.  Nothing is allocated for the entries of a
 * correlation the program no longer has (they are dropped, counted); the
 * others go in through the caps, oldest first, so a file written with
 * larger caps loses its oldest entries (counted as evictions).
 */

enum { STATE_HEADER = 64, STATE_CHECKSUM_AT = 32, STATE_CORR_BYTES = 16, STATE_MEMBER_FIXED = 28 };
static const unsigned char state_magic[8] = {'P', 'A', 'L', 'S', 'T', 'A', 'T', 'E'};
/* event times past this (year ~285,000) are damage: window arithmetic stays far from overflow */
static const int64_t STATE_TIME_BOUND = (int64_t)1 << 53;

static void state_checksum(const unsigned char *buf, size_t len, unsigned char out[32])
{
    static const unsigned char zeros[32];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, buf, STATE_CHECKSUM_AT);
    crypto_hash_sha256_update(&st, zeros, sizeof zeros);
    crypto_hash_sha256_update(&st, buf + STATE_CHECKSUM_AT + 32, len - STATE_CHECKSUM_AT - 32);
    crypto_hash_sha256_final(&st, out);
}

static void put(pal_strbuf *b, uint64_t v, unsigned n)
{
    char c[8];
    for (unsigned i = 0; i < n; i++) c[i] = (char)(v >> (8 * i));
    pal_strbuf_append(b, c, n);
}

/* A member in the file; caps: it is a sequence's or an unordered one's. */
static size_t member_file_bytes(const member *m, bool caps) { return STATE_MEMBER_FIXED + (caps ? cap_len(m) : 0); }

static size_t entry_file_bytes(const pal_seqstate *s, const entry *e)
{
    const pal_seq *q = s->seqs[e->seq].q;
    size_t n = 4 + 8 + 2 + e->keylen;
    if (q->type == PQ_SEQUENCE) {
        n += 2;
        for (uint32_t st = 1; st < q->nsteps; st++) {
            const member *part = stage_of(s, e, st);
            for (uint32_t i = 0; part && i < st; i++) n += member_file_bytes(&part[i], true);
        }
    } else {
        if (q->type != PQ_UNORDERED) n += 4;
        for (uint32_t i = 0; i < e->n; i++) n += member_file_bytes(&e->m[i], q->type == PQ_UNORDERED);
    }
    return n;
}

/* caps: a sequence's or an unordered one's member (a value hash of 0
   in the file), else a count's (no captures) */
static void put_member(pal_strbuf *b, const member *m, bool caps)
{
    uint32_t caplen = caps ? cap_len(m) : 0;
    put(b, (uint64_t)m->time, 8);
    put(b, m->id, 8);
    put(b, caps ? 0 : m->u.vhash, 8);
    put(b, caplen, 4);
    if (caplen) pal_strbuf_append(b, cap_text(m), caplen);
}

int pal_seqstate_write(const pal_seqstate *s, uint64_t events, unsigned char **buf, size_t *len, uint64_t *omitted)
{
    *buf = NULL;
    *len = 0;
    if (omitted) *omitted = 0;
    uint32_t ncorr = s ? s->p->nseqs : 0;
    size_t size = STATE_HEADER + 1 + 8 + 4 + (size_t)ncorr * STATE_CORR_BYTES + 4;
    /* past the limit, the oldest entries stay out: walk back from the newest */
    const entry *first = s ? s->ghead : NULL;
    uint64_t nentries = 0, left_out = 0;
    if (s)
        for (const entry *e = s->gtail; e; e = e->gprev) {
            size_t eb = entry_file_bytes(s, e);
            if (size + eb > PAL_MAX_STATE_BYTES) {
                first = e->gnext;
                for (; e; e = e->gprev) left_out++;
                break;
            }
            size += eb;
            nentries++;
        }
    pal_strbuf b;
    pal_strbuf_init(&b, 0);
    pal_strbuf_append(&b, (const char *)state_magic, sizeof state_magic);
    put(&b, PAL_SEQ_STATE_FORMAT, 4);
    put(&b, STATE_HEADER, 4);
    put(&b, size, 8);
    put(&b, events, 8);
    put(&b, 0, 8); put(&b, 0, 8); put(&b, 0, 8); put(&b, 0, 8);   /* the checksum, once all is written */
    put(&b, s && s->have_watermark ? 1 : 0, 1);
    put(&b, s && s->have_watermark ? (uint64_t)s->watermark : 0, 8);
    put(&b, ncorr, 4);
    for (uint32_t i = 0; i < ncorr; i++) {
        const pal_seq *q = s->seqs[i].q;
        put(&b, s->seqs[i].digest, 8);
        put(&b, q->type, 1);
        put(&b, q->nsteps, 1);
        put(&b, 0, 2);
        put(&b, (uint64_t)q->threshold, 4);
    }
    put(&b, nentries, 4);
    for (const entry *e = first; e; e = e->gnext) {
        const pal_seq *q = s->seqs[e->seq].q;
        put(&b, e->seq, 4);
        put(&b, (uint64_t)e->touched, 8);
        put(&b, e->keylen, 2);
        pal_strbuf_append(&b, (const char *)e->key, e->keylen);
        if (q->type == PQ_SEQUENCE) {
            uint32_t mask = 0;
            for (uint32_t st = 1; st < q->nsteps; st++)
                if (stage_of(s, e, st)) mask |= 1u << st;
            put(&b, mask, 2);
            for (uint32_t st = 1; st < q->nsteps; st++) {
                const member *part = stage_of(s, e, st);
                for (uint32_t i = 0; part && i < st; i++) put_member(&b, &part[i], true);
            }
        } else {
            if (q->type != PQ_UNORDERED) put(&b, e->n, 4);
            for (uint32_t i = 0; i < e->n; i++) put_member(&b, &e->m[i], q->type == PQ_UNORDERED);
        }
    }
    if (b.failed || b.len != size) {   /* out of memory (the size is computed to match) */
        pal_strbuf_free(&b);
        return -1;
    }
    unsigned char *out = (unsigned char *)b.s;
    state_checksum(out, size, out + STATE_CHECKSUM_AT);
    *buf = out;
    *len = size;
    if (omitted) *omitted = left_out;
    return 0;
}

/* A cursor over a state file being read; `at` is named in messages. */
typedef struct srd {
    const unsigned char *b;
    size_t len, at;
    const char *name;
    char *err;
    size_t cap;
} srd;

static int damaged(srd *r, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int damaged(srd *r, size_t at, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return pal_set_err(r->err, r->cap,
                       "%s: damaged state file at byte %zu: %s; remove it to start with no partial matches "
                       "(the chains half seen before are forgotten)",
                       r->name, at, what);
}

static bool have(srd *r, size_t n) { return r->len - r->at >= n; }

static uint64_t take(srd *r, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) v |= (uint64_t)r->b[r->at + i] << (8 * i);
    r->at += n;
    return v;
}

/* What the file says of one correlation, and where it goes. */
typedef struct scorr {
    uint64_t digest;
    uint8_t type, nsteps;
    uint32_t threshold;
    uint32_t to;           /* the program's correlation, or UINT32_MAX: dropped */
} scorr;

static bool time_ok(int64_t t) { return t >= -STATE_TIME_BOUND && t <= STATE_TIME_BOUND; }

/* One member; kept into *m when m is not NULL.  caps: a sequence's or an
   unordered one's (captures, no value hash), else a count's (a value
   hash, no captures).  ncaps: the captures the step's rule renders (a
   kept member's capture bytes hold exactly that many NUL-terminated
   values, or none); none for counts. */
static int read_member(srd *r, pal_seqstate *s, member *m, bool may_be_empty, bool caps, uint32_t ncaps,
                       uint64_t events, bool *empty)
{
    size_t at = r->at;
    if (!have(r, STATE_MEMBER_FIXED)) return damaged(r, at, "the file ends inside a member");
    int64_t time = (int64_t)take(r, 8);
    uint64_t id = take(r, 8), vhash = take(r, 8);
    uint32_t caplen = (uint32_t)take(r, 4);
    *empty = time == INT64_MIN;
    if (*empty) {
        if (!may_be_empty) return damaged(r, at, "a member without a time");
        if (id || vhash || caplen) return damaged(r, at, "an empty member with contents");
        return 0;
    }
    if (!time_ok(time)) return damaged(r, at, "member time %lld is out of range", (long long)time);
    if (id == 0 || id > events)
        return damaged(r, at, "member event %llu, but the file counts %llu events", (unsigned long long)id,
                       (unsigned long long)events);
    if (!have(r, caplen)) return damaged(r, at, "a member's %u capture bytes run past the end", caplen);
    const unsigned char *cap = r->b + r->at;
    r->at += caplen;
    if (!m) return 0;
    if (caps && vhash) return damaged(r, at, "a value hash in a member of a sequence");
    if (caplen) {
        uint32_t nuls = 0;
        for (uint32_t i = 0; i < caplen; i++) nuls += cap[i] == 0;
        if (caplen > ncaps * (PAL_MAX_SEQ_CAPTURE + 1) || nuls != ncaps || cap[caplen - 1] != 0)
            return damaged(r, at, "a member's captures are not the %u values its step renders", ncaps);
    }
    *m = (member){time, id, {.vhash = vhash}};
    if (caps && !copy_capture(s, m, (const char *)cap, caplen))
        return pal_set_err(r->err, r->cap, "%s: out of memory", r->name);
    return 0;
}

static uint32_t step_captures(const pal_program *p, const pal_seq *q, uint32_t step)
{
    const pal_rule *rule = &p->rules[q->step_first + step];
    return rule->noutcomes ? rule->noutcomes - 1 : 0;
}

/* One entry: into s when its correlation is kept, else only read past. */
static int read_entry(srd *r, pal_seqstate *s, const scorr *corr, uint32_t ncorr, uint64_t events, uint64_t *kept,
                      uint64_t *dropped)
{
    size_t at = r->at;
    if (!have(r, 14)) return damaged(r, at, "the file ends inside an entry");
    uint32_t ci = (uint32_t)take(r, 4);
    int64_t touched = (int64_t)take(r, 8);
    uint32_t keylen = (uint32_t)take(r, 2);
    if (ci >= ncorr) return damaged(r, at, "an entry of correlation %u, but the file has %u", ci, ncorr);
    if (!time_ok(touched)) return damaged(r, at, "an entry updated at %lld, out of range", (long long)touched);
    if (keylen > KEY_MAX) return damaged(r, at, "a group key of %u bytes (at most %u)", keylen, KEY_MAX);
    if (!have(r, keylen)) return damaged(r, at, "the group key runs past the end");
    const unsigned char *key = r->b + r->at;
    r->at += keylen;
    const scorr *c = &corr[ci];
    entry *e = NULL;
    const pal_seq *q = NULL;
    if (c->to != UINT32_MAX) {
        q = s->seqs[c->to].q;
        uint64_t hash = key_hash(c->to, key, keylen);
        if (entry_find(s, c->to, hash, key, keylen)) return damaged(r, at, "a group key given twice");
        if (!(e = entry_new(s, c->to, hash, key, keylen))) return pal_set_err(r->err, r->cap, "%s: out of memory", r->name);
    }
    bool empty;
    if (c->type == PQ_SEQUENCE) {
        if (!have(r, 2)) return damaged(r, r->at, "the file ends inside an entry");
        size_t mat = r->at;
        uint32_t mask = (uint32_t)take(r, 2);
        uint32_t valid = ((1u << c->nsteps) - 1) & ~1u;
        if (!mask || (mask & ~valid)) return damaged(r, mat, "stage mask 0x%x for a sequence of %u steps", mask, c->nsteps);
        for (uint32_t st = 1; st < c->nsteps; st++) {
            if (!(mask & (1u << st))) continue;
            member *part = NULL;
            if (e) {
                if (!(part = part_new(s, e, st))) return pal_set_err(r->err, r->cap, "%s: out of memory", r->name);
                stage_put(s, e, st, part);
            }
            for (uint32_t i = 0; i < st; i++)
                if (read_member(r, s, part ? &part[i] : NULL, false, true, e ? step_captures(s->p, q, i) : 0, events, &empty))
                    return -1;
        }
    } else if (c->type == PQ_UNORDERED) {
        bool any = false;
        for (uint32_t j = 0; j < c->nsteps; j++) {
            if (read_member(r, s, e ? &e->m[j] : NULL, true, true, e ? step_captures(s->p, q, j) : 0, events, &empty))
                return -1;
            any |= !empty;
        }
        if (!any) return damaged(r, at, "an entry without a member");
    } else {
        if (!have(r, 4)) return damaged(r, r->at, "the file ends inside an entry");
        size_t nat = r->at;
        uint32_t n = (uint32_t)take(r, 4);
        if (n == 0 || n >= c->threshold) return damaged(r, nat, "%u members for a count of %u", n, c->threshold);
        if (e && !room(s, e, n)) return pal_set_err(r->err, r->cap, "%s: out of memory", r->name);
        for (uint32_t i = 0; i < n; i++) {
            if (read_member(r, s, e ? &e->m[i] : NULL, false, false, 0, events, &empty)) return -1;
            if (e) e->n = i + 1;
        }
    }
    if (e) {
        e->touched = touched;
        (*kept)++;
    } else {
        (*dropped)++;
    }
    return 0;
}

int pal_seqstate_read(const unsigned char *buf, size_t len, const char *name, const pal_program *p,
                      const pal_seq_limits *lim, pal_seqstate **out, uint64_t *events, char *err, size_t cap)
{
    *out = NULL;
    *events = 0;
    srd r = {buf, len, 0, name, err, cap};
    if (memcmp(buf, state_magic, len < sizeof state_magic ? len : sizeof state_magic) != 0 || len == 0)
        return pal_set_err(err, cap,
                           "%s: not a palisade state file (bad magic): give --state a file the agent wrote, or a "
                           "path that does not exist yet (the agent writes it when it stops)",
                           name);
    if (len < STATE_HEADER)
        return damaged(&r, len, "%zu bytes, shorter than the %u-byte header", len, (unsigned)STATE_HEADER);
    r.at = 8;
    uint32_t format = (uint32_t)take(&r, 4), header = (uint32_t)take(&r, 4);
    uint64_t total = take(&r, 8);
    if (format != PAL_SEQ_STATE_FORMAT)
        return pal_set_err(err, cap,
                           "%s: state file format %u; this palisade reads format %u: remove it to start with no "
                           "partial matches (the chains half seen before are forgotten)",
                           name, format, PAL_SEQ_STATE_FORMAT);
    if (header != STATE_HEADER) return damaged(&r, 12, "a %u-byte header (%u expected)", header, (unsigned)STATE_HEADER);
    if (total != len)
        return damaged(&r, 16, "it says it is %llu bytes but is %zu: truncated or padded", (unsigned long long)total, len);
    if (len > PAL_MAX_STATE_BYTES) return damaged(&r, 16, "%zu bytes; the limit is %u", len, PAL_MAX_STATE_BYTES);
    unsigned char sum[32];
    state_checksum(buf, len, sum);
    if (sodium_memcmp(sum, buf + STATE_CHECKSUM_AT, sizeof sum) != 0)
        return damaged(&r, STATE_CHECKSUM_AT, "checksum mismatch: the file is corrupt");
    *events = take(&r, 8);
    r.at = STATE_HEADER;
    if (!have(&r, 13)) return damaged(&r, r.at, "the file ends inside the watermark");
    uint32_t flags = (uint32_t)take(&r, 1);
    int64_t watermark = (int64_t)take(&r, 8);
    if (flags > 1) return damaged(&r, STATE_HEADER, "flags 0x%x (only bit 0 is defined)", flags);
    if (!time_ok(watermark) || (!flags && watermark))
        return damaged(&r, STATE_HEADER + 1, "watermark %lld is out of range", (long long)watermark);
    size_t cat = r.at;
    uint32_t ncorr = (uint32_t)take(&r, 4);
    if ((r.len - r.at) / STATE_CORR_BYTES < ncorr)
        return damaged(&r, cat, "%u correlations do not fit in the %zu bytes left", ncorr, r.len - r.at);
    pal_seqstate *s = pal_seqstate_new(p, lim);
    scorr *corr = calloc((size_t)ncorr + 1, sizeof *corr);
    bool *taken = calloc((size_t)p->nseqs + 1, sizeof *taken);
    if (!s || !corr || !taken) {
        pal_seqstate_free(s);
        free(corr);
        free(taken);
        return pal_set_err(err, cap, "%s: out of memory", name);
    }
    int rc = 0;
    for (uint32_t i = 0; i < ncorr && rc == 0; i++) {
        size_t at = r.at;
        scorr *c = &corr[i];
        c->digest = take(&r, 8);
        c->type = (uint8_t)take(&r, 1);
        c->nsteps = (uint8_t)take(&r, 1);
        uint32_t zero = (uint32_t)take(&r, 2);
        c->threshold = (uint32_t)take(&r, 4);
        c->to = UINT32_MAX;
        bool counts = c->type == PQ_COUNT || c->type == PQ_DISTINCT;
        if (c->type < PQ_SEQUENCE || c->type > PQ_DISTINCT || zero ||
            (counts ? c->nsteps != 1 || c->threshold < 1 || c->threshold > PAL_MAX_SEQ_THRESHOLD
                    : c->nsteps < 2 || c->nsteps > PAL_MAX_SEQ_STEPS || c->threshold != 0)) {
            rc = damaged(&r, at, "correlation %u: type %u, %u steps, threshold %u", i, c->type, c->nsteps, c->threshold);
            break;
        }
        for (uint32_t j = 0; j < p->nseqs; j++) {
            if (taken[j] || s->seqs[j].digest != c->digest) continue;
            const pal_seq *q = &p->seqs[j];
            if (q->type != c->type || q->nsteps != c->nsteps || (counts && q->threshold != c->threshold)) {
                rc = damaged(&r, at, "correlation %u has the digest of one of the program's but not its form", i);
                break;
            }
            c->to = j;
            taken[j] = true;
            break;
        }
    }
    uint64_t kept = 0, dropped = 0;
    if (rc == 0) {
        size_t at = r.at;
        if (!have(&r, 4)) rc = damaged(&r, at, "the file ends before its entries");
        else {
            uint32_t nentries = (uint32_t)take(&r, 4);
            for (uint32_t i = 0; i < nentries && rc == 0; i++) rc = read_entry(&r, s, corr, ncorr, *events, &kept, &dropped);
            if (rc == 0 && r.at != r.len) rc = damaged(&r, r.at, "%zu bytes after the last entry", r.len - r.at);
        }
    }
    free(corr);
    free(taken);
    if (rc != 0) {
        pal_seqstate_free(s);
        *events = 0;
        return -1;
    }
    s->have_watermark = flags & 1;
    s->watermark = watermark;
    s->st.kept = kept;
    s->st.dropped = dropped;
    *out = s;
    return 0;
}
