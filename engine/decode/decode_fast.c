/*
 * decode_fast.c — the event line read once, with the strict pull reader
 * (engine/base/json.h) and no cJSON tree: the fast path of
 * pal_event_decode.
 *
 * Design.  The tree decoder parses a whole line into cJSON nodes, then
 * walks them against the schema (decode_walk.c), then lets an adapter look
 * up raw names (decode_sysmon.c, decode_falco.c, decode_ecs.c).  Building
 * the tree costs more than everything else together, and most of it is
 * thrown away.  This file replaces the first two steps and keeps the
 * third, so every rule about what a line means stays written once:
 *
 *   1. One pass over the line (dec_fast_read), with the indexed reader
 *      (engine/base/json_index.h) when the line is plain ASCII and at most
 *      PAL_JX_MAX_TEXT bytes, else (or when that reader refuses it) with
 *      the strict pull reader (engine/base/json.h): both accept the same
 *      texts and read them alike, and the pass is written once for both
 *      (the rd_* functions below).  Every member key is looked up in a
 *      table of every name the decoder can read: each schema path of
 *      PS_EVENT, each path an adapter looks up
 *      (the dec_lookups_* lists beside the adapters), and every prefix of
 *      those ending before a '.'.  The table is keyed by (the prefix
 *      matched so far, the key), so nested objects, flattened "a.b.c" keys
 *      and any mix meet the same entry, exactly the walker's rule.  A key
 *      that is in no entry has its value skipped structurally (validated,
 *      not converted).  For schema fields the pass notes which are present
 *      (null is absent) and, for the fields the caller wants (`want` plus
 *      the few the inference reads), where the value is: a span of the
 *      line, nothing copied.  For adapter names it builds a pruned cJSON
 *      tree: only the members on a looked-up path, in document order, in
 *      memory on the stack (a heap block only past that), never freed node
 *      by node.
 *   2. The unchanged decoder then runs over the pruned tree: sniffing the
 *      source, the adapter, the inference and post-processing.  Where it
 *      would walk the schema (dec_walk_event), the spans from step 1 are
 *      converted instead, in document order, with the same conversion code
 *      (dec_scalar_jv, dec_list_*), so values, flags, warnings, the first
 *      warning kept and even the arena's allocations are the walk's.
 *
 * A lookup in the pruned tree finds what it would find in the full tree
 * because it only ever compares the keys it asks for, and every member
 * whose key could match one is kept.  That holds only for declared names:
 * in the fast path dec_item and dec_find check each name against the table,
 * and a name no list declares counts as an anomaly (pal_decode_stats),
 * which the differential test and fuzzer require never to happen.
 *
 * The fast path gives a line back to the tree decoder (before it has
 * written anything) whenever it cannot promise the same result:
 *   - the strict reader refuses the line, or it holds a number of 64 or
 *     more characters (cJSON cuts those at 63 and refuses the line): the
 *     tree decoder then reports cJSON's error, or accepts cJSON's
 *     leniencies (raw control bytes, bytes that are not UTF-8, "01"), as
 *     it always did;
 *   - a name the decoder reads is given twice (the same key twice in one
 *     object, a field spelled nested and flattened, a looked-up path
 *     reached twice): the tree decoder reads such a line twice, first and
 *     last value, which needs the tree;
 *   - the line is over PAL_MAX_EVENT_LINE, nests past PAL_MAX_JSON_DEPTH,
 *     is not an object, or holds an escaped key of over 512 bytes.
 * The caller counts each case (pal_decode_stats).
 *
 * Memory.  The table is built once (pthread_once) and read-only after.
 * Per line: a dec_fast on the caller's stack (about 14 KB), spans into the
 * caller's line, pruned nodes and unescaped text in dec_fast's own buffer,
 * a heap block only when that is full (a line with long escaped strings or
 * many looked-up members), freed by dec_fast_done.  No recursion: nested
 * objects are a stack of at most FAST_LEVELS levels (the depth of the
 * deepest name in the table), and skipped values nest inside the reader's
 * own bounded, non-recursive state.
 */
#include "engine/decode/decode_int.h"
#include "engine/base/json.h"
#include "engine/base/json_index.h"

/* -DPAL_FAST_INDEXED=0: every line with the pull reader (to measure what
   the indexed one saves; the results are the same either way) */
#ifndef PAL_FAST_INDEXED
#define PAL_FAST_INDEXED 1
#endif

#include <pthread.h>
#include <stdlib.h>

/* ---- the table of names ---- */

#define FAST_MAX_ENTRIES 2048u   /* names and prefixes */
#define FAST_SLOTS       8192u   /* (prefix, key) pairs, hashed; a power of two, at most half full */
#define FAST_POOL        65536u  /* bytes of generated names */

enum {
    FE_WALK_GROUP = 1u << 0,   /* a schema path continues after this prefix */
    FE_TREE_GROUP = 1u << 1,   /* a looked-up path continues after it */
    FE_LOOKUP = 1u << 2        /* an adapter looks this path up */
};
/* An entry can be all of these and a schema field at once (winlog.channel
   is a field, sniff() and the Windows adapter look it up; winlog.event_id
   is a field and, for "winlog.event_id.#text", a group): its value is then
   kept both as a span and in the pruned tree. */

typedef struct fast_entry {
    const char *path;   /* the full dotted name */
    uint16_t len;
    int16_t field;      /* PS_EVENT index, -1 if none */
    uint8_t flags;      /* FE_* */
    uint16_t lookup;    /* FE_LOOKUP: its index among the looked-up paths */
} fast_entry;

/* One (prefix, key) pair in 16 bytes, so that a lookup reads one slot:
   the key's first eight bytes are in the slot (zero-padded; keys hold no
   NUL), the rest of a longer key in key[].  The table stays at most half
   full. */
typedef struct fast_slot {
    uint64_t head;      /* the key's first 8 bytes */
    uint16_t tag;       /* the hash's top bits */
    uint16_t state;     /* the entry of the prefix matched so far (0: the root) */
    uint16_t entry;     /* + 1; 0 = an empty slot */
    uint16_t klen;
} fast_slot;

static struct {
    bool ok;            /* the table could be built; false: every line takes the tree */
    unsigned nentries, nslots, nlookups, levels, maxklen;
    fast_entry e[FAST_MAX_ENTRIES];
    fast_slot slot[FAST_SLOTS];
    const char *key[FAST_SLOTS];   /* each slot's key, NUL-terminated (a pruned node's name) */
    uint64_t head2[FAST_SLOTS];    /* its bytes 8..15, zero-padded: most longer keys compare in two words */
    bool port[DEC_MAX_FIELDS];     /* per PS_EVENT field: dec_is_port_field, */
    bool list[DEC_MAX_FIELDS];     /* PT_LIST, */
    uint16_t pathlen[DEC_MAX_FIELDS];   /* strlen(pal_field_json), once */
    size_t pool_used;
    char pool[FAST_POOL];
} T;

static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* A key's first eight bytes as a word, zero-padded. */
static inline uint64_t key_head(const char *k, size_t n)
{
    uint64_t w = 0;
    if (n >= 8) {
        memcpy(&w, k, 8);
        return w;
    }
    for (size_t j = 0; j < n; j++) w |= (uint64_t)(unsigned char)k[j] << (8 * j);
    return w;
}

/* The same, in one load when eight bytes from k are readable (k + 8 <=
   end): a key in the line is followed by its quote, a colon, a value and
   a bracket, so that is every key of four bytes or more and most others. */
static inline uint64_t key_head_in(const char *k, size_t n, const char *end)
{
    if (end - k < 8) return key_head(k, n);
    uint64_t w;
    memcpy(&w, k, 8);
    if (n < 8) w &= (1ull << (8 * n)) - 1u;   /* little-endian: the first n bytes */
    return w;
}

/* The hash of (state, key): its head and the rest eight bytes at a time
   (most keys are one word), with one multiply per word. */
static inline uint32_t key_hash(unsigned state, uint64_t head, const char *k, size_t n, const char *end)
{
    uint64_t h = (((uint64_t)state + 1u) * 0x9E3779B97F4A7C15ull ^ n ^ head) * 0xff51afd7ed558ccdull;
    for (size_t i = 8; i < n; i += 8) {
        uint64_t w = key_head_in(k + i, n - i, end);
        h = ((h ^ (h >> 29)) ^ w) * 0xc4ceb9fe1a85ec53ull;
    }
    return (uint32_t)(h ^ (h >> 32));
}

static int find_entry(const char *path, size_t len)
{
    for (unsigned i = 0; i < T.nentries; i++)
        if (T.e[i].len == len && !memcmp(T.e[i].path, path, len)) return (int)i;
    return -1;
}

/* The entry for path[0..len), added if new (its text copied into the pool
   unless it is the whole NUL-terminated `path`). */
static int entry_for(const char *path, size_t len)
{
    int i = find_entry(path, len);
    if (i >= 0) return i;
    if (T.nentries >= FAST_MAX_ENTRIES || len > UINT16_MAX) return -1;
    const char *text = path;
    if (path[len] != 0) {
        if (T.pool_used + len + 1 > FAST_POOL) return -1;
        char *p = T.pool + T.pool_used;
        memcpy(p, path, len);
        p[len] = 0;
        T.pool_used += len + 1;
        text = p;
    }
    fast_entry *e = &T.e[T.nentries];
    e->path = text;
    e->len = (uint16_t)len;
    e->field = -1;
    e->flags = 0;
    e->lookup = 0;
    return (int)T.nentries++;
}

/* A name the decoder reads, and every prefix of it before a '.'. */
static bool add_name(const char *path, int field, bool lookup)
{
    size_t n = strlen(path);
    if (n == 0 || path[0] == '.' || path[n - 1] == '.' || strstr(path, "..")) return false;
    for (size_t j = 1; j < n; j++) {
        if (path[j] != '.') continue;
        int g = entry_for(path, j);
        if (g < 0) return false;
        T.e[g].flags |= field >= 0 ? FE_WALK_GROUP : FE_TREE_GROUP;
    }
    int i = entry_for(path, n);
    if (i < 0) return false;
    if (field >= 0) T.e[i].field = (int16_t)field;
    if (lookup && !(T.e[i].flags & FE_LOOKUP)) {
        T.e[i].flags |= FE_LOOKUP;
        T.e[i].lookup = (uint16_t)T.nlookups++;
    }
    return true;
}

static bool add_row(unsigned state, unsigned entry, const char *key)
{
    size_t n = strlen(key);
    if (T.nslots >= FAST_SLOTS / 2 || n > UINT16_MAX) return false;
    uint64_t head = key_head(key, n);
    uint32_t h = key_hash(state, head, key, n, key + n);
    unsigned i = h & (FAST_SLOTS - 1);
    while (T.slot[i].entry) i = (i + 1) & (FAST_SLOTS - 1);
    T.slot[i] = (fast_slot){head, (uint16_t)(h >> 16), (uint16_t)state, (uint16_t)(entry + 1), (uint16_t)n};
    T.key[i] = key;
    T.head2[i] = n > 8 ? key_head(key + 8, n - 8 < 8 ? n - 8 : 8) : 0;
    T.nslots++;
    if (n > T.maxklen) T.maxklen = (unsigned)n;
    return true;
}

static bool add_lookups(const char *const *paths)
{
    for (unsigned i = 0; paths[i]; i++)
        if (!add_name(paths[i], -1, true)) return false;
    return true;
}

/* A generated name (dec_lookups_windows writes it in a buffer of its own):
   copied into the pool unless already declared. */
static bool add_lookup_copy(void *ctx, const char *path)
{
    (void)ctx;
    size_t n = strlen(path);
    int i = find_entry(path, n);
    if (i >= 0 && (T.e[i].flags & FE_LOOKUP)) return true;
    if (T.pool_used + n + 1 > FAST_POOL) return false;
    char *p = T.pool + T.pool_used;
    memcpy(p, path, n + 1);
    T.pool_used += n + 1;
    return add_name(p, -1, true);
}

static bool build_table(void)
{
    const pal_schema *s = pal_schema_get(PS_EVENT);
    if (s->nfields > DEC_MAX_FIELDS) return false;
    if (entry_for("", 0) != 0) return false;            /* entry 0: the root */
    T.e[0].flags = FE_WALK_GROUP | FE_TREE_GROUP;
    for (unsigned i = 0; i < s->nfields; i++) {
        const pal_field *f = &s->fields[i];
        if (f->type == PT_RECORDS) return false;     /* not read by this path; none in PS_EVENT */
        if (!add_name(pal_field_json(f), (int)i, false)) return false;
        T.port[i] = dec_is_port_field(f);
        T.list[i] = f->type == PT_LIST;
        T.pathlen[i] = (uint16_t)strlen(pal_field_json(f));
    }
    if (!add_lookups(dec_lookups_sniff) || !add_lookups(dec_lookups_ecs) || !add_lookups(dec_lookups_falco))
        return false;
    if (!dec_lookups_windows(add_lookup_copy, NULL)) return false;
    if (T.nlookups > DEC_FAST_MAX_LOOKUPS) return false;
    /* rows: every entry from the root and from each prefix of it */
    unsigned levels = 1;
    for (unsigned i = 1; i < T.nentries; i++) {
        const fast_entry *e = &T.e[i];
        if (!add_row(0, i, e->path)) return false;
        unsigned depth = 1;
        for (size_t j = 1; j < e->len; j++) {
            if (e->path[j] != '.') continue;
            depth++;
            int st = find_entry(e->path, j);
            if (st < 0 || !add_row((unsigned)st, i, e->path + j + 1)) return false;
        }
        if (depth + 1 > levels) levels = depth + 1;
    }
    if (levels > DEC_FAST_LEVELS) return false;
    T.levels = levels;
    return true;
}

static void table_init(void) { T.ok = build_table(); }

/* The entry that key k (n bytes, already unescaped; readable up to end)
   names when the prefix `state` is matched; -1 when none.  *name is the
   key as the table spells it (NUL-terminated, for a pruned node). */
static inline int lookup(unsigned state, const char *k, size_t n, const char *end, const char **name)
{
    if (n == 0 || n > T.maxklen) return -1;
    uint64_t head = key_head_in(k, n, end);
    uint32_t h = key_hash(state, head, k, n, end);
    uint16_t tag = (uint16_t)(h >> 16);
    for (unsigned i = h & (FAST_SLOTS - 1);; i = (i + 1) & (FAST_SLOTS - 1)) {
        const fast_slot *sl = &T.slot[i];
        if (!sl->entry) return -1;
        if (sl->head != head || sl->tag != tag || sl->state != state || sl->klen != n) continue;
        if (n > 8 && (T.head2[i] != key_head_in(k + 8, n - 8 < 8 ? n - 8 : 8, end) ||
                      (n > 16 && memcmp(T.key[i] + 16, k + 16, n - 16) != 0)))
            continue;
        *name = T.key[i];
        return sl->entry - 1;
    }
}

void dec_fast_check_lookup(dec *d, const char *where, const char *key)
{
    char buf[512];
    size_t wn = strlen(where), kn = strlen(key), n = wn + (wn != 0) + kn;
    const char *name;
    int i = -1;
    if (n < sizeof buf) {
        memcpy(buf, where, wn);
        if (wn) buf[wn] = '.';
        memcpy(buf + wn + (wn != 0), key, kn);
        i = lookup(0, buf, n, buf + sizeof buf, &name);
    }
    if (i < 0 || !(T.e[i].flags & FE_LOOKUP)) d->undeclared_lookup = true;
}

/* ---- the line's own memory: a stack buffer, then heap blocks ---- */

typedef struct fast_block {
    struct fast_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
} fast_block;

static void *fast_alloc(dec_fast *f, size_t n)
{
    n = (n + 15u) & ~(size_t)15u;
    if (f->used + n <= sizeof f->buf) {
        void *p = f->buf + f->used;
        f->used += n;
        return p;
    }
    fast_block *b = f->heap;
    if (!b || b->size - b->used < n) {
        size_t size = n > 16384 ? n : 16384;
        b = malloc(sizeof *b + size);
        if (!b) return NULL;
        b->size = size;
        b->used = 0;
        b->next = f->heap;
        f->heap = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

void dec_fast_done(dec_fast *f)
{
    for (fast_block *b = f->heap, *n; b; b = n) {
        n = b->next;
        free(b);
    }
    f->heap = NULL;
}

/* A string's text as cJSON holds it: unescaped, and cut at an escaped
   NUL (cJSON's strings are C strings).  Unescaped spans are the line
   itself; escaped ones are unescaped into f's memory.  NULL when out of
   memory. */
static const char *text_of(dec_fast *f, const pal_json_str *s, size_t *n, bool terminated)
{
    if (!s->escaped && !terminated) {
        *n = s->len;
        return s->raw;
    }
    char *buf = fast_alloc(f, s->len + 1);
    if (!buf) return NULL;
    size_t m = pal_json_unescape(s, buf);
    *n = s->escaped ? strnlen(buf, m) : m;
    buf[*n] = 0;
    return buf;
}

/* A number's value as cJSON computes it: strtod of its text (the reader
   validated the grammar; the line is refused before this past 63
   characters).  Integers of up to 15 digits are exact as doubles and need
   no strtod. */
static double number_of(const pal_json_num *num)
{
    const char *s = num->raw;
    size_t n = num->len, i = s[0] == '-';
    if (num->integer && n - i <= 15) {
        uint64_t v = 0;
        for (; i < n; i++) v = v * 10u + (unsigned)(s[i] - '0');
        double x = (double)v;
        return s[0] == '-' ? -x : x;
    }
    return pal_json_num_double(num);
}

/* ---- step 1: one pass over the line ---- */

/* cJSON copies at most 63 characters of a number and then refuses the
   line; the reader refuses longer ones too (PAL_JSON_E_NUMBER_LIMIT), so
   such a line goes to the tree and gets cJSON's verdict. */
#define FAST_NUMBER_CAP 63u

static dec_jkind kind_of(pal_json_type t)
{
    switch (t) {
    case PAL_JSON_NULL: return DJ_NULL;
    case PAL_JSON_FALSE: return DJ_FALSE;
    case PAL_JSON_TRUE: return DJ_TRUE;
    case PAL_JSON_NUMBER: return DJ_NUMBER;
    case PAL_JSON_STRING: return DJ_STRING;
    case PAL_JSON_ARRAY: return DJ_ARRAY;
    case PAL_JSON_OBJECT: return DJ_OBJECT;
    default: return DJ_INVALID;
    }
}

/* The pass reads with one of two readers of the same grammar: the indexed
   one (engine/base/json_index.h) for plain lines, else the strict pull
   reader.  Each function below takes `jx` as a constant and is inlined
   into the pass of its reader, so each pass is one function with no
   indirection; the pass is written once. */
typedef struct fast_rd {
    pal_json j;
    pal_jx x;
} fast_rd;

#define RD static inline __attribute__((always_inline))

RD pal_json_type rd_peek(fast_rd *r, bool jx) { return jx ? pal_jx_peek(&r->x) : pal_json_peek(&r->j); }
RD bool rd_enter(fast_rd *r, bool jx) { return jx ? pal_jx_enter(&r->x) : pal_json_enter(&r->j); }
RD bool rd_next(fast_rd *r, bool jx, pal_json_str *key)
{
    return jx ? pal_jx_next(&r->x, key) : pal_json_next(&r->j, key);
}
RD bool rd_string(fast_rd *r, bool jx, pal_json_str *s) { return jx ? pal_jx_string(&r->x, s) : pal_json_string(&r->j, s); }
RD bool rd_number(fast_rd *r, bool jx, pal_json_num *n) { return jx ? pal_jx_number(&r->x, n) : pal_json_number(&r->j, n); }
RD bool rd_bool(fast_rd *r, bool jx) { return jx ? pal_jx_bool(&r->x, NULL) : pal_json_bool(&r->j, NULL); }
RD bool rd_null(fast_rd *r, bool jx) { return jx ? pal_jx_null(&r->x) : pal_json_null(&r->j); }
RD bool rd_skip(fast_rd *r, bool jx) { return jx ? pal_jx_skip(&r->x) : pal_json_skip(&r->j); }
RD bool rd_end(fast_rd *r, bool jx) { return jx ? pal_jx_end(&r->x) : pal_json_end(&r->j); }
RD bool rd_err(const fast_rd *r, bool jx) { return jx ? r->x.err : r->j.err != PAL_JSON_OK; }
/* after a peek: the value's first byte */
RD size_t rd_value_pos(const fast_rd *r, bool jx) { return jx ? pal_jx_value_pos(&r->x) : r->j.pos; }
/* just after what was consumed last */
RD size_t rd_pos(const fast_rd *r, bool jx) { return jx ? r->x.pos : r->j.pos; }
RD const char *rd_text_end(const fast_rd *r, bool jx) { return jx ? r->x.text + r->x.len : r->j.text + r->j.len; }

/* A scalar at the cursor as a span: kind, offset, length, flags. */
RD bool read_span(fast_rd *r, bool jx, pal_json_type t, const char *line, uint8_t *kind, uint8_t *flags,
                  uint32_t *off, uint32_t *len)
{
    pal_json_str s;
    pal_json_num num;
    *kind = (uint8_t)kind_of(t);
    *flags = 0;
    *off = (uint32_t)rd_value_pos(r, jx);        /* peek left the cursor on the value */
    *len = 0;
    switch (t) {
    case PAL_JSON_STRING:
        if (!rd_string(r, jx, &s)) return false;
        *flags = s.escaped ? OCC_ESCAPED : 0;
        *off = (uint32_t)(s.raw - line);
        *len = (uint32_t)s.len;
        return true;
    case PAL_JSON_NUMBER:
        if (!rd_number(r, jx, &num)) return false;
        *flags = num.integer ? OCC_INTEGER : 0;
        *off = (uint32_t)(num.raw - line);   /* of the line, also when r reads a part of it */
        *len = (uint32_t)num.len;
        return true;
    case PAL_JSON_TRUE: case PAL_JSON_FALSE: return rd_bool(r, jx);
    case PAL_JSON_NULL: return rd_null(r, jx);
    default: return rd_skip(r, jx);
    }
}

/* A wanted list's array: its element count, and its elements as spans in
   f->el while they fit (the walk then needs no second reading); else
   only the array's text, read again when it is converted. */
RD bool read_list(dec_fast *f, fast_rd *r, bool jx, fast_occ *o)
{
    o->off = (uint32_t)rd_value_pos(r, jx);
    o->el0 = (uint16_t)f->nel;
    if (!rd_enter(r, jx)) return false;
    uint32_t n = 0;
    bool inline_ok = true;
    while (rd_next(r, jx, NULL)) {
        pal_json_type t = rd_peek(r, jx);
        if (inline_ok && f->nel < DEC_FAST_ELEMS) {
            fast_el *el = &f->el[f->nel++];
            if (!read_span(r, jx, t, f->line, &el->kind, &el->flags, &el->off, &el->len)) return false;
        } else {
            inline_ok = false;
            if (!rd_skip(r, jx)) return false;
        }
        n++;
    }
    if (rd_err(r, jx)) return false;
    o->count = n;
    o->flags |= inline_ok ? OCC_INLINE : 0;
    if (!inline_ok) f->nel = o->el0;      /* give the partial spans back */
    o->len = (uint32_t)(rd_pos(r, jx) - o->off);
    return true;
}

static cJSON *new_node(dec_fast *f, int type)
{
    cJSON *c = fast_alloc(f, sizeof *c);
    if (c) {
        memset(c, 0, sizeof *c);
        c->type = type;
    }
    return c;
}

/* cJSON's convention: child->prev is the last member, last->next NULL. */
static void add_member(cJSON *parent, cJSON *m)
{
    if (!parent->child) {
        parent->child = m;
        m->prev = m;
    } else {
        cJSON *last = parent->child->prev;
        last->next = m;
        m->prev = last;
        parent->child->prev = m;
    }
}

/* The scalar at the cursor into a pruned node (a number: its value as
   cJSON sets valuedouble and valueint).  0 or the reason to give up. */
RD int read_scalar_node(dec_fast *f, fast_rd *r, bool jx, pal_json_type t, cJSON *node)
{
    pal_json_str s;
    pal_json_num num;
    size_t n;
    switch (t) {
    case PAL_JSON_STRING:
        if (!rd_string(r, jx, &s)) return PAL_SLOW_JSON;
        node->type = cJSON_String;
        node->valuestring = (char *)text_of(f, &s, &n, true);
        return node->valuestring ? 0 : PAL_SLOW_OTHER;
    case PAL_JSON_NUMBER: {
        if (!rd_number(r, jx, &num)) return PAL_SLOW_JSON;
        double x = number_of(&num);
        node->type = cJSON_Number;
        node->valuedouble = x;
        node->valueint = x >= (double)INT32_MAX ? INT32_MAX : x <= (double)INT32_MIN ? INT32_MIN : (int)x;
        return 0;
    }
    case PAL_JSON_TRUE: case PAL_JSON_FALSE:
        node->type = t == PAL_JSON_TRUE ? cJSON_True : cJSON_False;
        return rd_bool(r, jx) ? 0 : PAL_SLOW_JSON;
    case PAL_JSON_NULL:
        node->type = cJSON_NULL;
        return rd_null(r, jx) ? 0 : PAL_SLOW_JSON;
    default:
        return PAL_SLOW_JSON;
    }
}

/* The value at a looked-up name into its node: scalars whole, an array's
   scalar elements whole, other containers as empty ones of their kind (no
   adapter looks into those: a value it reads is a scalar, or a list of
   scalars).  0 or the reason to give up. */
RD int read_node(dec_fast *f, fast_rd *r, bool jx, pal_json_type t, cJSON *node)
{
    if (t == PAL_JSON_OBJECT) {
        node->type = cJSON_Object;
        return rd_skip(r, jx) ? 0 : PAL_SLOW_JSON;
    }
    if (t != PAL_JSON_ARRAY) return read_scalar_node(f, r, jx, t, node);
    node->type = cJSON_Array;
    if (!rd_enter(r, jx)) return PAL_SLOW_JSON;
    while (rd_next(r, jx, NULL)) {
        cJSON *el = new_node(f, cJSON_NULL);
        if (!el) return PAL_SLOW_OTHER;
        t = rd_peek(r, jx);
        int rc;
        if (t == PAL_JSON_ARRAY || t == PAL_JSON_OBJECT) {
            el->type = t == PAL_JSON_ARRAY ? cJSON_Array : cJSON_Object;
            rc = rd_skip(r, jx) ? 0 : PAL_SLOW_JSON;
        } else {
            rc = read_scalar_node(f, r, jx, t, el);
        }
        if (rc) return rc;
        add_member(node, el);
    }
    return rd_err(r, jx) ? PAL_SLOW_JSON : 0;
}

/* The value of a name that is a schema field and looked up: a span for
   the walk and a node for the adapter, in one reading.  0 or the reason
   to give up. */
RD int read_both(dec_fast *f, fast_rd *r, bool jx, pal_json_type t, fast_occ *occ, cJSON *node)
{
    if (t == PAL_JSON_ARRAY) {
        /* the node from the elements; a list field's span is the array's
           text, read again when it is converted (not OCC_INLINE) */
        uint32_t off = (uint32_t)rd_value_pos(r, jx);
        int rc = read_node(f, r, jx, t, node);
        if (rc) return rc;
        uint32_t n = 0;
        for (const cJSON *c = node->child; c; c = c->next) n++;
        *occ = (fast_occ){.field = occ->field, .kind = DJ_ARRAY, .off = off};
        if (T.list[occ->field]) {
            occ->len = (uint32_t)(rd_pos(r, jx) - off);
            occ->count = n;
        }
        return 0;
    }
    if (!read_span(r, jx, t, f->line, &occ->kind, &occ->flags, &occ->off, &occ->len)) return PAL_SLOW_JSON;
    switch (t) {
    case PAL_JSON_STRING: {
        pal_json_str s = {f->line + occ->off, occ->len, (occ->flags & OCC_ESCAPED) != 0};
        size_t n;
        node->type = cJSON_String;
        node->valuestring = (char *)text_of(f, &s, &n, true);
        return node->valuestring ? 0 : PAL_SLOW_OTHER;
    }
    case PAL_JSON_NUMBER: {
        pal_json_num num = {f->line + occ->off, occ->len, (occ->flags & OCC_INTEGER) != 0};
        double x = number_of(&num);
        node->type = cJSON_Number;
        node->valuedouble = x;
        node->valueint = x >= (double)INT32_MAX ? INT32_MAX : x <= (double)INT32_MIN ? INT32_MIN : (int)x;
        return 0;
    }
    case PAL_JSON_TRUE: node->type = cJSON_True; return 0;
    case PAL_JSON_FALSE: node->type = cJSON_False; return 0;
    case PAL_JSON_OBJECT: node->type = cJSON_Object; return 0;   /* no adapter looks into it */
    default: return PAL_SLOW_JSON;                              /* null has no span */
    }
}

typedef struct fast_level {
    uint16_t state;    /* the entry matched up to this object */
    uint16_t met0;     /* the names met in the objects open before it */
    uint32_t serial;   /* its number among the objects this thread's passes opened */
    cJSON *tree;       /* its pruned node, NULL when no looked-up path passes through it */
} fast_level;

#define FAST_MET 512u   /* names met in the open objects */

/* A name met twice in one object is found by a stamp per entry: the serial
   of the object it was last met in (each object a pass opens gets a new
   one), so the check is one load, not a scan of the object's names so far.
   Per thread, and kept from line to line: nothing is cleared per line, the
   stamps only when the serials wrap around. */
static _Thread_local struct {
    uint32_t serial;
    uint32_t stamp[FAST_MAX_ENTRIES];
} met_tls;

static inline uint32_t next_serial(void)
{
    if (++met_tls.serial == 0) {
        memset(met_tls.stamp, 0, sizeof met_tls.stamp);
        met_tls.serial = 1;
    }
    return met_tls.serial;
}

/* The pass itself, with either reader: 0, or why the line goes to the tree. */
RD int scan(dec_fast *f, fast_rd *r, bool jx, const uint8_t *want)
{
    uint8_t reached[DEC_FAST_MAX_LOOKUPS / 8];
    memset(reached, 0, (T.nlookups + 7) / 8);
    uint32_t *stamp = met_tls.stamp;
    unsigned nmet = 0;
    fast_level lv[DEC_FAST_LEVELS];
    unsigned nlv = 0;
    const char *kend = rd_text_end(r, jx);

    pal_json_type t = rd_peek(r, jx);
    if (t != PAL_JSON_OBJECT) return t == PAL_JSON_NONE ? PAL_SLOW_JSON : PAL_SLOW_OTHER;
    f->root = new_node(f, cJSON_Object);
    if (!f->root || !rd_enter(r, jx)) return PAL_SLOW_OTHER;
    lv[nlv++] = (fast_level){0, 0, next_serial(), f->root};

    for (;;) {
        pal_json_str key;
        if (!rd_next(r, jx, &key)) {
            if (rd_err(r, jx)) return PAL_SLOW_JSON;
            nmet = lv[--nlv].met0;               /* the object closed */
            if (!nlv) break;
            continue;
        }
        fast_level *L = &lv[nlv - 1];
        const char *k = key.raw, *end = kend;
        size_t kn = key.len;
        char kbuf[513];
        if (key.escaped) {
            if (key.len >= sizeof kbuf) return PAL_SLOW_OTHER;
            kn = strnlen(kbuf, pal_json_unescape(&key, kbuf));   /* cJSON's keys end at a NUL */
            k = kbuf;
            end = kbuf + sizeof kbuf;
        }
        const char *name = NULL;
        int ei = lookup(L->state, k, kn, end, &name);
        if (ei < 0) {                          /* a name nothing reads */
            if (!rd_skip(r, jx)) return PAL_SLOW_JSON;
            continue;
        }
        /* a name met twice: the tree reads such a line twice */
        if (stamp[ei] == L->serial) return PAL_SLOW_DUPLICATE;
        if (nmet == FAST_MET) return PAL_SLOW_OTHER;
        stamp[ei] = L->serial;
        nmet++;
        const fast_entry *E = &T.e[ei];
        if (E->flags & FE_LOOKUP) {
            if (bit_get(reached, E->lookup)) return PAL_SLOW_DUPLICATE;
            bit_set(reached, E->lookup);
        }
        t = rd_peek(r, jx);
        if (t == PAL_JSON_NONE) return PAL_SLOW_JSON;
        fast_occ *occ = NULL;
        if (E->field >= 0) {
            unsigned fi = (unsigned)E->field;
            if (bit_get(f->seen, fi)) return PAL_SLOW_DUPLICATE;   /* a later spelling, null too */
            if (t != PAL_JSON_NULL) {
                bit_set(f->seen, fi);
                if (bit_get(want, fi)) {
                    occ = &f->occ[f->nocc++];
                    occ->field = (uint16_t)fi;
                    occ->count = 0;
                }
            }
        }
        cJSON *node = NULL;
        if (L->tree && (E->flags & (FE_LOOKUP | FE_TREE_GROUP))) {
            node = new_node(f, cJSON_NULL);
            if (!node) return PAL_SLOW_OTHER;
            node->string = (char *)name;
            add_member(L->tree, node);
        }
        if (t == PAL_JSON_OBJECT && (E->flags & (FE_WALK_GROUP | FE_TREE_GROUP))) {
            /* descend; a field here holds an object, which its conversion
               reports, as the walk converts it before it descends */
            if (occ) *occ = (fast_occ){.field = occ->field, .kind = DJ_OBJECT, .off = (uint32_t)rd_value_pos(r, jx)};
            if (node) node->type = cJSON_Object;
            if (!rd_enter(r, jx)) return PAL_SLOW_JSON;
            lv[nlv++] = (fast_level){(uint16_t)ei, (uint16_t)nmet, next_serial(), (E->flags & FE_TREE_GROUP) ? node : NULL};
            continue;
        }
        if (node && occ) {
            int rc = read_both(f, r, jx, t, occ, node);
            if (rc) return rc;
        } else if (node) {
            int rc = read_node(f, r, jx, t, node);
            if (rc) return rc;
        } else if (occ && t == PAL_JSON_ARRAY && T.list[occ->field]) {
            occ->kind = DJ_ARRAY;
            occ->flags = 0;
            if (!read_list(f, r, jx, occ)) return PAL_SLOW_JSON;
        } else if (occ) {
            if (!read_span(r, jx, t, f->line, &occ->kind, &occ->flags, &occ->off, &occ->len)) return PAL_SLOW_JSON;
        } else if (!rd_skip(r, jx)) {
            return PAL_SLOW_JSON;
        }
    }
    if (!rd_end(r, jx)) return PAL_SLOW_JSON;
    return 0;
}

static void fast_reset(dec_fast *f, const char *line)
{
    dec_fast_done(f);
    f->line = line;
    f->nocc = 0;
    f->nel = 0;
    f->used = 0;
    f->root = NULL;
    f->indexed = false;
    memset(f->seen, 0, sizeof f->seen);
}

/* The pass over a plain line with the indexed reader: 0, or nonzero for
   "read it with the pull reader", whatever the reason (that reader
   gives the verdict on what this one refuses). */
static __attribute__((noinline)) int scan_indexed(dec_fast *f, const char *line, size_t len, const uint8_t *want)
{
    pal_jx_index ix;
    if (!pal_jx_build(&ix, line, len)) return PAL_SLOW_OTHER;
    fast_rd r;
    pal_jx_init(&r.x, &ix, line, len, PAL_MAX_JSON_DEPTH, FAST_NUMBER_CAP);
    return scan(f, &r, true, want);
}

static __attribute__((noinline)) int scan_json(dec_fast *f, const char *line, size_t len, const uint8_t *want)
{
    fast_rd r;
    pal_json_opts o = {.max_depth = PAL_MAX_JSON_DEPTH, .max_number = FAST_NUMBER_CAP, .allow_bom = true};
    pal_json_init(&r.j, line, len, &o);
    int rc = scan(f, &r, false, want);
    if (rc == PAL_SLOW_JSON && r.j.err == PAL_JSON_E_DEPTH) rc = PAL_SLOW_LIMIT;
    return rc;
}

int dec_fast_read(dec_fast *f, const char *line, size_t len, const uint8_t *want)
{
    f->heap = NULL;
    fast_reset(f, line);
    pthread_once(&table_once, table_init);
    if (!T.ok) return PAL_SLOW_OTHER;
    if (len > PAL_MAX_EVENT_LINE) return PAL_SLOW_LIMIT;
    if (PAL_FAST_INDEXED && len <= PAL_JX_MAX_TEXT) {
        if (scan_indexed(f, line, len, want) == 0) {
            f->indexed = true;
            return 0;
        }
        fast_reset(f, line);              /* nothing of that pass is kept */
    }
    return scan_json(f, line, len, want);
}

/* ---- step 2: the walk, from the spans ---- */

/* A span as the converters see it.  false when out of memory. */
static bool jv_of_span(dec_fast *f, uint8_t kind, uint8_t flags, uint32_t off, uint32_t len, dec_jv *v)
{
    v->kind = (dec_jkind)kind;
    v->s = NULL;
    v->n = 0;
    v->num = 0.0;
    if (kind == DJ_STRING) {
        pal_json_str s = {f->line + off, len, (flags & OCC_ESCAPED) != 0};
        v->s = text_of(f, &s, &v->n, false);
        return v->s != NULL;
    }
    if (kind == DJ_NUMBER) {
        pal_json_num num = {f->line + off, len, (flags & OCC_INTEGER) != 0};
        v->num = number_of(&num);
    }
    return true;
}

/* The element at the reader's cursor, consumed (containers by kind only). */
static bool jv_at(dec_fast *f, fast_rd *r, dec_jv *v)
{
    uint8_t kind, flags;
    uint32_t off, len;
    pal_json_type t = rd_peek(r, false);
    return read_span(r, false, t, f->line, &kind, &flags, &off, &len) && jv_of_span(f, kind, flags, off, len, v);
}

/* A list field from its array: dec_list_* in the walk's order, from the
   spans kept in step 1 or by reading the array again. */
static bool list_from_occ(dec *d, dec_fast *f, unsigned elem, const fast_occ *o, pal_value *out)
{
    bool ok;
    pal_value *items = dec_list_begin(d, o->count, &ok);
    if (!ok) return false;
    dec_jv v;
    if (o->flags & OCC_INLINE) {
        for (uint32_t i = 0; i < o->count; i++) {
            const fast_el *el = &f->el[o->el0 + i];
            if (!jv_of_span(f, el->kind, el->flags, el->off, el->len, &v)) {
                dec_fatal(d, "out of memory while decoding");
                return false;
            }
            if (!dec_list_item(d, elem, i, &v, false, items)) return false;
        }
    } else {
        fast_rd r;
        pal_json_opts opts = {.max_depth = PAL_MAX_JSON_DEPTH};
        pal_json_init(&r.j, f->line + o->off, o->len, &opts);
        if (!pal_json_enter(&r.j)) return false;
        for (size_t i = 0; pal_json_next(&r.j, NULL); i++) {
            if (!jv_at(f, &r, &v)) {
                if (!r.j.err) dec_fatal(d, "out of memory while decoding");
                return false;
            }
            if (!dec_list_item(d, elem, i, &v, false, items)) return false;
        }
    }
    dec_list_end(items, o->count, out);
    return true;
}

static void convert_occ(evctx *e, dec_fast *f, const fast_occ *o)
{
    dec *d = &e->d;
    const pal_field *fld = &e->s->fields[o->field];
    dec_jv v;
    if (!jv_of_span(f, o->kind, o->flags, o->off, o->len, &v)) {
        dec_fatal(d, "out of memory while decoding");
        return;
    }
    /* the walk's JSON path (the keys that spelled the field, joined by
       dots, are its path), for a message; a string into a string field
       cannot fail but for memory, whose message has no path */
    bool plain = v.kind == DJ_STRING && (fld->type == PT_STRING || fld->type == PT_PATH);
    size_t old = plain ? 0 : dec_path_push(d, pal_field_json(fld), T.pathlen[o->field], true);
    pal_value tmp = pal_undef();
    bool ok;
    if (fld->type == PT_LIST)
        ok = o->kind == DJ_ARRAY ? list_from_occ(d, f, fld->elem, o, &tmp)
                                 : dec_list_single(d, fld->elem, &v, false, &tmp);
    else
        ok = dec_scalar_jv(d, fld->type, T.port[o->field], &v, false, &tmp);
    if (ok) e->slots[o->field] = tmp;
    if (!plain) dec_path_pop(d, old);
}

void dec_fast_walk(evctx *e)
{
    dec_fast *f = e->fast;
    memcpy(e->seen, f->seen, sizeof e->seen);
    for (unsigned i = 0; i < f->nocc && !dec_done(&e->d); i++) convert_occ(e, f, &f->occ[i]);
}
