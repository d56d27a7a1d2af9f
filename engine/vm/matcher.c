/*
 * matcher.c — the load-time structures behind `in`, `like` and `matches`,
 * and pal_program_prepare(), which makes a program runnable.
 *
 * Design. A policy tests one value against a set: a list of executables, of
 * domains, of CIDRs, of ports.  Lists come from feeds and may hold a million
 * items, so each set is turned once, at load, into a structure whose lookup
 * cost does not grow with the set:
 *
 *   STRSET   open-addressing hash tables.  Windows paths compare without case
 *            and with '\' == '/', so beside the exact table there is one over
 *            pal_path_fold()ed keys; a value flagged PVF_WINDOWS is looked up
 *            there, hashed and compared through the same folding on the fly
 *            (no copy of the value).  PMF_NOCASE folds the exact table's keys
 *            to ASCII lower case.
 *   DNSSET   names and `*.suffix` wildcards in two hash tables: a lookup
 *            tries the name, then every suffix after a '.', so it costs
 *            O(labels) probes whatever the size of the set.
 *   GLOBSET  patterns without metacharacters go into STRSET-style tables;
 *            only real globs are tried one by one with pal_glob_match.
 *            PMF_NOCASE folds ASCII case (only) on both, for `like nocase`.
 *   CIDRSET  prefixes grouped by (family, length), each group sorted: a
 *            lookup masks the address once per length present and binary
 *            searches that group.
 *   RANGESET ranges sorted and merged into disjoint intervals; binary search.
 *   REGEX    PCRE2 with UTF (invalid UTF-8 in a subject simply does not
 *            match) and JIT when available.  Every match runs under a match
 *            limit and a depth limit so a pathological pattern cannot stall
 *            an event stream.  Compiling is most of what loading a program
 *            with thousands of regexes would cost (JIT especially), and an
 *            event stream touches few of them, so a pattern is compiled the
 *            first time a value is matched against it, not at load; matchers
 *            with the same pattern and flags share one compiled pattern.
 *
 * Everything built here hangs off matcher->rt, is read-only afterwards (so
 * one program is shared by all threads) and is freed by pal_matcher_free_rt.
 * The one exception is a regex's compiled code, built once on first use
 * under the pattern's own mutex and published with a release store that
 * readers pair with an acquire load (regex_ready), so any number of
 * threads may race to use a fresh program.  A pattern that does not compile
 * (only a crafted bundle has one: the checker refuses bad regexes at
 * compile time, PAL0406) matches nothing, as a match that hits a limit
 * does; pal_program_check_regexes() compiles every pattern eagerly and names
 * the first that fails, for `palisade build` and `inspect`.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "engine/vm/vm.h"
#include "engine/vm/verify.h"
#include "engine/core/match.h"
#include "engine/vm/opcodes.h"
#include "engine/core/schema.h"
#include "engine/base/err.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Regular-expression bounds (not in limits.h, which this module may not
   edit): PCRE2's count of backtracking steps and of nested backtracking
   frames per match.  Far above what a sane pattern needs on one field of an
   event, far below what lets a catastrophic pattern burn a core. */
#define PAL_REGEX_MATCH_LIMIT  1000000u
#define PAL_REGEX_DEPTH_LIMIT  10000u
#define PAL_REGEX_HEAP_LIMIT_KIB 8192u

/* ---- hashing with on-the-fly folding ---- */

enum fold { FOLD_NONE, FOLD_CASE, FOLD_PATH };

static inline unsigned char fold_char(unsigned char c, enum fold f)
{
    if (f == FOLD_NONE) return c;
    if (c >= 'A' && c <= 'Z') return (unsigned char)(c + ('a' - 'A'));
    if (f == FOLD_PATH && c == '/') return '\\';
    return c;
}

static uint64_t hash_key(const char *s, size_t len, enum fold f)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) {
        h ^= fold_char((unsigned char)s[i], f);
        h *= 0x100000001b3ull;
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return h;
}

/* Keys are stored folded already; only the probe needs folding. */
static bool key_eq(const char *stored, size_t slen, const char *probe, size_t plen, enum fold f)
{
    if (slen != plen) return false;
    for (size_t i = 0; i < plen; i++)
        if ((unsigned char)stored[i] != fold_char((unsigned char)probe[i], f)) return false;
    return true;
}

typedef struct keytab {
    enum fold fold;
    uint32_t mask;          /* capacity - 1; capacity a power of two >= 2n */
    uint32_t n;
    uint32_t *slot;         /* 0 = empty, else key index + 1 */
    const char **key;       /* into the owning rt's key buffer */
    uint32_t *klen;
} keytab;

/* Each matcher's structure is one allocation (a 10,000-rule program has
   ~14,000 matchers, and three allocations per table were a fifth of its
   load): its size is summed first, then the parts are carved out of it in
   order, 8-byte aligned. */
static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

static void *carve(char **cur, size_t bytes)
{
    void *p = *cur;
    *cur += align8(bytes);
    return p;
}

static uint64_t keytab_cap(uint32_t nmax)
{
    uint64_t cap = 4;
    while (cap < (uint64_t)nmax * 2) cap <<= 1;
    return cap;
}

static size_t keytab_bytes(uint32_t nmax)
{
    size_t n = nmax ? nmax : 1;
    return align8(keytab_cap(nmax) * sizeof(uint32_t)) + align8(n * sizeof(const char *)) +
           align8(n * sizeof(uint32_t));
}

/* Lays a table for up to nmax keys out of a zeroed block. */
static void keytab_place(keytab *t, uint32_t nmax, enum fold f, char **cur)
{
    uint64_t cap = keytab_cap(nmax);
    size_t n = nmax ? nmax : 1;
    t->fold = f;
    t->mask = (uint32_t)(cap - 1);
    t->n = 0;
    t->slot = carve(cur, cap * sizeof *t->slot);
    t->key = carve(cur, n * sizeof *t->key);
    t->klen = carve(cur, n * sizeof *t->klen);
}

static bool keytab_has(const keytab *t, const char *s, size_t len)
{
    if (!t->n) return false;
    for (uint32_t i = (uint32_t)hash_key(s, len, t->fold) & t->mask;; i = (i + 1) & t->mask) {
        uint32_t k = t->slot[i];
        if (!k) return false;
        if (key_eq(t->key[k - 1], t->klen[k - 1], s, len, t->fold)) return true;
    }
}

/* Inserts an already folded key (a duplicate is ignored). */
static void keytab_add(keytab *t, const char *s, uint32_t len)
{
    uint32_t i = (uint32_t)hash_key(s, len, FOLD_NONE) & t->mask;
    for (;; i = (i + 1) & t->mask) {
        uint32_t k = t->slot[i];
        if (!k) break;
        if (t->klen[k - 1] == len && memcmp(t->key[k - 1], s, len) == 0) return;
    }
    t->key[t->n] = s;
    t->klen[t->n] = len;
    t->slot[i] = ++t->n;
}

/* A buffer holding folded copies of the keys (in the matcher's block).
   Sized in advance so the pointers handed to the tables never move. */
typedef struct keybuf { char *buf; size_t used, cap; } keybuf;

static const char *keybuf_put(keybuf *b, const char *s, uint32_t len, enum fold f)
{
    char *out = b->buf + b->used;
    if (f == FOLD_PATH) {
        size_t n = pal_path_fold(s, len, out, b->cap - b->used);
        if (n != len) return NULL;   /* folding keeps the length; anything else is a bug */
    } else {
        for (uint32_t i = 0; i < len; i++) out[i] = (char)fold_char((unsigned char)s[i], f);
    }
    b->used += len;
    return out;
}

/* ---- the runtime structures ---- */

typedef struct strset_rt {
    keytab exact, folded;   /* folded: pal_path_fold()ed, for PVF_WINDOWS values */
} strset_rt;

typedef struct dnsset_rt {
    keytab names, suffixes; /* "*.example.com" is "example.com" in suffixes */
    bool any;               /* the pattern "*" */
} dnsset_rt;

typedef struct globset_rt {
    keytab exact, folded;   /* patterns without * or ? */
    uint32_t nglobs;
    uint32_t *globs;        /* mitem indices of real globs */
} globset_rt;

typedef struct cidr_group { uint8_t v6, prefix; uint32_t first, count; } cidr_group;
typedef struct cidr_net { uint8_t v6, prefix; uint8_t ip[16]; } cidr_net;
typedef struct cidrset_rt {
    cidr_net *nets;         /* sorted by (v6, prefix, ip), host bits cleared */
    cidr_group *groups;
    uint32_t ngroups;
} cidrset_rt;

typedef struct rangeset_rt {
    int64_t *lo, *hi;       /* disjoint, ascending */
    uint32_t n;
} rangeset_rt;

/* One pattern, shared by every REGEX matcher with the same text and flags
   (m->rt of each points here).  state moves once from RX_PENDING to
   RX_READY or RX_BROKEN, under `lock`; code and mctx are written before
   that store and only read after it.  refs is touched only by prepare and
   free, which no thread runs concurrently with matching. */
enum { RX_PENDING = 0, RX_READY, RX_BROKEN };
typedef struct regex_rt {
    _Atomic int state;
    pthread_mutex_t lock;
    const char *pat;        /* in the program's string blob */
    uint32_t len;
    uint8_t flags;          /* PMF_NOCASE */
    uint32_t refs;
    pcre2_code *code;
    pcre2_match_context *mctx;
} regex_rt;

void pal_matcher_free_rt(pal_matcher *m)
{
    if (!m->rt) return;
    if (m->kind == PM_REGEX) {
        regex_rt *r = m->rt;
        m->rt = NULL;
        if (--r->refs) return;   /* another matcher still shares it */
        pcre2_code_free(r->code);
        pcre2_match_context_free(r->mctx);
        pthread_mutex_destroy(&r->lock);
        free(r);
        return;
    }
    free(m->rt);                 /* every other kind is one block (carve) */
    m->rt = NULL;
}

static size_t items_bytes(const pal_program *p, const pal_matcher *m)
{
    size_t n = 0;
    for (uint32_t i = 0; i < m->count; i++) n += p->mitems[m->first + i].s.len;
    return n;
}

static const char *item_str(const pal_program *p, const pal_matcher *m, uint32_t i, uint32_t *len)
{
    const pal_mitem *it = &p->mitems[m->first + i];
    *len = it->s.len;
    return pal_program_str(p, it->s);
}

static int build_strset(const pal_program *p, pal_matcher *m, char *err, size_t cap)
{
    size_t kbytes = 2 * items_bytes(p, m) + 1;
    size_t need = align8(sizeof(strset_rt)) + 2 * keytab_bytes(m->count) + align8(kbytes);
    char *cur = calloc(1, need);
    if (!cur) goto oom;
    strset_rt *r = carve(&cur, sizeof *r);
    m->rt = r;
    keytab_place(&r->exact, m->count, (m->flags & PMF_NOCASE) ? FOLD_CASE : FOLD_NONE, &cur);
    keytab_place(&r->folded, m->count, FOLD_PATH, &cur);
    keybuf kb = {.buf = carve(&cur, kbytes), .cap = kbytes};
    for (uint32_t i = 0; i < m->count; i++) {
        uint32_t len;
        const char *s = item_str(p, m, i, &len);
        const char *k1 = keybuf_put(&kb, s, len, r->exact.fold);
        const char *k2 = keybuf_put(&kb, s, len, FOLD_PATH);
        if (!k1 || !k2) goto oom;
        keytab_add(&r->exact, k1, len);
        keytab_add(&r->folded, k2, len);
    }
    return 0;
oom:
    snprintf(err, cap, "out of memory building a string set of %u items", m->count);
    return -1;
}

/* A domain name without its one optional trailing dot. */
static uint32_t dns_trim(const char *s, uint32_t len)
{
    return (len > 0 && s[len - 1] == '.') ? len - 1 : len;
}

static int build_dnsset(const pal_program *p, pal_matcher *m, char *err, size_t cap)
{
    size_t kbytes = items_bytes(p, m) + 1;
    size_t need = align8(sizeof(dnsset_rt)) + 2 * keytab_bytes(m->count) + align8(kbytes);
    char *cur = calloc(1, need);
    if (!cur) goto oom;
    dnsset_rt *r = carve(&cur, sizeof *r);
    m->rt = r;
    keytab_place(&r->names, m->count, FOLD_CASE, &cur);
    keytab_place(&r->suffixes, m->count, FOLD_CASE, &cur);
    keybuf kb = {.buf = carve(&cur, kbytes), .cap = kbytes};
    for (uint32_t i = 0; i < m->count; i++) {
        uint32_t len;
        const char *s = item_str(p, m, i, &len);
        len = dns_trim(s, len);
        if (len == 1 && s[0] == '*') {
            r->any = true;
        } else if (len >= 2 && s[0] == '*' && s[1] == '.') {
            const char *k = keybuf_put(&kb, s + 2, len - 2, FOLD_CASE);
            keytab_add(&r->suffixes, k, len - 2);
        } else {
            const char *k = keybuf_put(&kb, s, len, FOLD_CASE);
            keytab_add(&r->names, k, len);
        }
    }
    return 0;
oom:
    snprintf(err, cap, "out of memory building a domain set of %u items", m->count);
    return -1;
}

static int build_globset(const pal_program *p, pal_matcher *m, char *err, size_t cap)
{
    size_t kbytes = 2 * items_bytes(p, m) + 1, n = m->count ? m->count : 1;
    size_t need = align8(sizeof(globset_rt)) + 2 * keytab_bytes(m->count) + align8(n * sizeof(uint32_t)) +
                  align8(kbytes);
    char *cur = calloc(1, need);
    if (!cur) goto oom;
    globset_rt *r = carve(&cur, sizeof *r);
    m->rt = r;
    keytab_place(&r->exact, m->count, (m->flags & PMF_NOCASE) ? FOLD_CASE : FOLD_NONE, &cur);
    keytab_place(&r->folded, m->count, FOLD_PATH, &cur);
    r->globs = carve(&cur, n * sizeof *r->globs);
    keybuf kb = {.buf = carve(&cur, kbytes), .cap = kbytes};
    for (uint32_t i = 0; i < m->count; i++) {
        uint32_t len;
        const char *s = item_str(p, m, i, &len);
        if (pal_glob_has_meta(s, len)) {
            r->globs[r->nglobs++] = m->first + i;
            continue;
        }
        const char *k1 = keybuf_put(&kb, s, len, r->exact.fold);
        const char *k2 = keybuf_put(&kb, s, len, FOLD_PATH);
        if (!k1 || !k2) goto oom;
        keytab_add(&r->exact, k1, len);
        keytab_add(&r->folded, k2, len);
    }
    return 0;
oom:
    snprintf(err, cap, "out of memory building a pattern set of %u items", m->count);
    return -1;
}

static void mask_ip(uint8_t ip[16], unsigned prefix, bool v6)
{
    unsigned bytes = v6 ? 16 : 4;
    for (unsigned b = 0; b < 16; b++) {
        if (b >= bytes) { ip[b] = 0; continue; }
        unsigned keep = prefix > b * 8 ? prefix - b * 8 : 0;
        if (keep >= 8) continue;
        ip[b] &= (uint8_t)(0xff00u >> keep);
    }
}

static int cmp_net(const void *a, const void *b)
{
    const cidr_net *x = a, *y = b;
    if (x->v6 != y->v6) return x->v6 < y->v6 ? -1 : 1;
    if (x->prefix != y->prefix) return x->prefix < y->prefix ? -1 : 1;
    return memcmp(x->ip, y->ip, 16);
}

static int build_cidrset(const pal_program *p, pal_matcher *m, char *err, size_t cap)
{
    size_t n = m->count ? m->count : 1;
    char *cur = calloc(1, align8(sizeof(cidrset_rt)) + align8(n * sizeof(cidr_net)) + align8(n * sizeof(cidr_group)));
    if (!cur) goto oom;
    cidrset_rt *r = carve(&cur, sizeof *r);
    m->rt = r;
    r->nets = carve(&cur, n * sizeof *r->nets);
    r->groups = carve(&cur, n * sizeof *r->groups);
    for (uint32_t i = 0; i < m->count; i++) {
        const pal_mitem *it = &p->mitems[m->first + i];
        cidr_net *n = &r->nets[i];
        n->v6 = it->v6 ? 1 : 0;
        n->prefix = it->prefix;
        memcpy(n->ip, it->ip, 16);
        mask_ip(n->ip, n->prefix, n->v6);
    }
    qsort(r->nets, m->count, sizeof *r->nets, cmp_net);
    for (uint32_t i = 0; i < m->count; i++) {
        cidr_group *g = r->ngroups ? &r->groups[r->ngroups - 1] : NULL;
        if (g && g->v6 == r->nets[i].v6 && g->prefix == r->nets[i].prefix) {
            g->count++;
        } else {
            g = &r->groups[r->ngroups++];
            g->v6 = r->nets[i].v6;
            g->prefix = r->nets[i].prefix;
            g->first = i;
            g->count = 1;
        }
    }
    return 0;
oom:
    snprintf(err, cap, "out of memory building an address set of %u items", m->count);
    return -1;
}

typedef struct range { int64_t lo, hi; } range;

static int cmp_range(const void *a, const void *b)
{
    const range *x = a, *y = b;
    if (x->lo != y->lo) return x->lo < y->lo ? -1 : 1;
    return (x->hi > y->hi) - (x->hi < y->hi);
}

static int build_rangeset(const pal_program *p, pal_matcher *m, char *err, size_t cap)
{
    size_t n = m->count ? m->count : 1;
    char *cur = calloc(1, align8(sizeof(rangeset_rt)) + 2 * align8(n * sizeof(int64_t)));
    range *tmp = malloc(n * sizeof *tmp);
    if (!cur || !tmp) { free(cur); free(tmp); goto oom; }
    rangeset_rt *r = carve(&cur, sizeof *r);
    m->rt = r;
    for (uint32_t i = 0; i < m->count; i++) {
        tmp[i].lo = p->mitems[m->first + i].lo;
        tmp[i].hi = p->mitems[m->first + i].hi;
    }
    qsort(tmp, m->count, sizeof *tmp, cmp_range);
    r->lo = carve(&cur, n * sizeof *r->lo);
    r->hi = carve(&cur, n * sizeof *r->hi);
    for (uint32_t i = 0; i < m->count; i++) {
        /* merge touching and overlapping ranges (hi + 1 without overflow) */
        if (r->n && (tmp[i].lo <= r->hi[r->n - 1] ||
                     (r->hi[r->n - 1] < INT64_MAX && tmp[i].lo == r->hi[r->n - 1] + 1))) {
            if (tmp[i].hi > r->hi[r->n - 1]) r->hi[r->n - 1] = tmp[i].hi;
            continue;
        }
        r->lo[r->n] = tmp[i].lo;
        r->hi[r->n] = tmp[i].hi;
        r->n++;
    }
    free(tmp);
    return 0;
oom:
    snprintf(err, cap, "out of memory building a range set of %u items", m->count);
    return -1;
}

/* Appends s to the message, with control characters shown as '?' and long
   text shortened, so a hostile pattern cannot garble the terminal. */
static void quote_into(char *out, size_t cap, const char *s, size_t len)
{
    size_t o = 0;
    if (cap == 0) return;
    for (size_t i = 0; i < len && o + 4 < cap; i++) {
        if (i == 60) { memcpy(out + o, "...", 3); o += 3; break; }
        unsigned char c = (unsigned char)s[i];
        out[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    out[o] = '\0';
}

/* Compiles r's pattern: 0, or -1 with the reason in err.  *retry is set
   when the failure is memory, which a later use may not hit again. */
static int regex_compile(regex_rt *r, char *err, size_t cap, bool *retry)
{
    uint32_t opts = PCRE2_UTF;
#ifdef PCRE2_MATCH_INVALID_UTF
    opts |= PCRE2_MATCH_INVALID_UTF;
#endif
    if (r->flags & PMF_NOCASE) opts |= PCRE2_CASELESS;
    int ecode;
    PCRE2_SIZE eoff;
    *retry = false;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)r->pat, r->len, opts, &ecode, &eoff, NULL);
    if (!code) {
        char msg[160], shown[80];
        pcre2_get_error_message(ecode, (PCRE2_UCHAR *)msg, sizeof msg);
        quote_into(shown, sizeof shown, r->pat, r->len);
        snprintf(err, cap, "regex \"%s\" does not compile at offset %zu: %s", shown, (size_t)eoff, msg);
        *retry = ecode == PCRE2_ERROR_HEAP_FAILED;
        return -1;
    }
    /* JIT is an optimisation: where it is unavailable the interpreter runs. */
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    pcre2_match_context *mctx = pcre2_match_context_create(NULL);
    if (!mctx) {
        pcre2_code_free(code);
        snprintf(err, cap, "out of memory compiling a regex");
        *retry = true;
        return -1;
    }
    pcre2_set_match_limit(mctx, PAL_REGEX_MATCH_LIMIT);
    pcre2_set_depth_limit(mctx, PAL_REGEX_DEPTH_LIMIT);
    pcre2_set_heap_limit(mctx, PAL_REGEX_HEAP_LIMIT_KIB);
    r->code = code;
    r->mctx = mctx;
    return 0;
}

/* r compiled, on first use by whichever thread gets there (see the top of
   the file); NULL when the pattern does not compile. */
static const regex_rt *regex_ready(regex_rt *r)
{
    int st = atomic_load_explicit(&r->state, memory_order_acquire);
    if (st == RX_PENDING) {
        pthread_mutex_lock(&r->lock);
        st = atomic_load_explicit(&r->state, memory_order_relaxed);
        if (st == RX_PENDING) {
            char why[320];
            bool retry;
            if (regex_compile(r, why, sizeof why, &retry) == 0) st = RX_READY;
            else if (!retry) st = RX_BROKEN;
            /* out of memory: stays pending, this match fails, a later one retries */
            if (st != RX_PENDING) atomic_store_explicit(&r->state, st, memory_order_release);
        }
        pthread_mutex_unlock(&r->lock);
    }
    return st == RX_READY ? r : NULL;
}

/* A REGEX matcher's structure: a new pattern record, or the one an
   earlier matcher with the same text and flags already has (found through
   `seen`, a table over matcher indices built by pal_program_prepare). */
static int build_regex(const pal_program *p, pal_matcher *m, regex_rt *shared, char *err, size_t cap)
{
    if (shared) {
        shared->refs++;
        m->rt = shared;
        return 0;
    }
    regex_rt *r = calloc(1, sizeof *r);
    if (!r || pthread_mutex_init(&r->lock, NULL) != 0) {
        free(r);
        snprintf(err, cap, "out of memory preparing a regex");
        return -1;
    }
    atomic_init(&r->state, RX_PENDING);
    r->pat = item_str(p, m, 0, &r->len);
    r->flags = m->flags & PMF_NOCASE;
    r->refs = 1;
    m->rt = r;
    return 0;
}

/* ---- lookups ---- */

static bool strset_has(const strset_rt *r, const char *s, size_t len, bool windows)
{
    return windows ? keytab_has(&r->folded, s, len) : keytab_has(&r->exact, s, len);
}

static bool dnsset_has(const dnsset_rt *r, const char *s, uint32_t len)
{
    if (r->any) return true;
    len = dns_trim(s, len);
    if (keytab_has(&r->names, s, len)) return true;
    if (!r->suffixes.n) return false;
    /* "*.example.com" needs one more, non-empty label: the suffix starts
       after a '.' that has a label character before it (as pal_dns_match). */
    for (uint32_t i = 1; i < len; i++)
        if (s[i] == '.' && s[i - 1] != '.' && keytab_has(&r->suffixes, s + i + 1, len - i - 1))
            return true;
    return false;
}

static bool globset_has(const pal_program *p, const pal_matcher *m, const char *s, uint32_t len,
                        bool windows)
{
    const globset_rt *r = m->rt;
    /* A Windows value compares by the path rules; else PMF_NOCASE (`like
       nocase`, domain-typed fields) folds ASCII case only, and the exact
       table holds case-folded keys for it. */
    unsigned fold = windows ? PAL_FOLD_PATH : (m->flags & PMF_NOCASE) ? PAL_FOLD_CASE : PAL_FOLD_NONE;
    if (windows ? keytab_has(&r->folded, s, len) : keytab_has(&r->exact, s, len)) return true;
    bool path = (m->flags & PMF_PATHGLOB) != 0;
    for (uint32_t i = 0; i < r->nglobs; i++) {
        const pal_mitem *it = &p->mitems[r->globs[i]];
        if (pal_glob_match(pal_program_str(p, it->s), it->s.len, s, len, path, fold)) return true;
    }
    return false;
}

static bool cidrset_has(const cidrset_rt *r, const uint8_t ip[16], bool v6)
{
    for (uint32_t g = 0; g < r->ngroups; g++) {
        const cidr_group *grp = &r->groups[g];
        if (grp->v6 != v6) continue;
        cidr_net key = {.v6 = v6, .prefix = grp->prefix};
        memcpy(key.ip, ip, 16);
        mask_ip(key.ip, grp->prefix, v6);
        uint32_t lo = grp->first, hi = grp->first + grp->count;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            int c = memcmp(r->nets[mid].ip, key.ip, 16);
            if (c == 0) return true;
            if (c < 0) lo = mid + 1; else hi = mid;
        }
    }
    return false;
}

static bool rangeset_has(const rangeset_rt *r, int64_t x)
{
    /* the last interval with lo <= x */
    uint32_t lo = 0, hi = r->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (r->lo[mid] <= x) lo = mid + 1; else hi = mid;
    }
    return lo > 0 && x <= r->hi[lo - 1];
}

static bool regex_has(regex_rt *rx, const char *s, size_t len, void *match_data)
{
    const regex_rt *r = regex_ready(rx);
    if (!r) return false;   /* does not compile: matches nothing */
    pcre2_match_data *md = match_data;
    pcre2_match_data *own = NULL;
    if (!md) {
        own = md = pcre2_match_data_create(1, NULL);
        if (!md) return false;
    }
    int rc = pcre2_match(r->code, (PCRE2_SPTR)(s ? s : ""), len, 0, 0, md, r->mctx);
    pcre2_match_data_free(own);
    /* No match, a limit hit or invalid UTF-8: not a match. */
    return rc >= 0;
}

static bool match_scalar(const pal_program *p, const pal_matcher *m, pal_value v, void *match_data)
{
    if (!m->rt) return false;
    bool windows = (v.flags & PVF_WINDOWS) != 0;
    switch (m->kind) {
    case PM_STRSET:
        return v.tag == PV_STR && strset_has(m->rt, v.u.s, v.len, windows);
    case PM_DNSSET:
        return v.tag == PV_STR && dnsset_has(m->rt, v.u.s, v.len);
    case PM_GLOBSET:
        return v.tag == PV_STR && globset_has(p, m, v.u.s, v.len, windows);
    case PM_REGEX:
        return v.tag == PV_STR && regex_has(m->rt, v.u.s, v.len, match_data);
    case PM_CIDRSET:
        return v.tag == PV_IP && cidrset_has(m->rt, v.u.ip, (v.flags & PVF_IPV6) != 0);
    case PM_RANGESET:
        return v.tag == PV_INT && rangeset_has(m->rt, v.u.i);
    default:
        return false;
    }
}

bool pal_matcher_match(const pal_program *p, const pal_matcher *m, pal_value v, void *match_data)
{
    if (v.tag == PV_LIST) {
        for (uint32_t i = 0; i < v.len; i++)
            if (v.u.items[i].tag != PV_LIST && match_scalar(p, m, v.u.items[i], match_data)) return true;
        return false;
    }
    return match_scalar(p, m, v, match_data);
}

/* ---- preparing a program ---- */

static int build_matcher(const pal_program *p, pal_matcher *m, char *err, size_t cap)
{
    switch (m->kind) {
    case PM_STRSET: return build_strset(p, m, err, cap);
    case PM_DNSSET: return build_dnsset(p, m, err, cap);
    case PM_GLOBSET: return build_globset(p, m, err, cap);
    case PM_CIDRSET: return build_cidrset(p, m, err, cap);
    case PM_RANGESET: return build_rangeset(p, m, err, cap);
    case PM_REGEX: return build_regex(p, m, NULL, err, cap);
    default:
        snprintf(err, cap, "unknown matcher kind %u", m->kind);
        return -1;
    }
}

static void mark_fields(pal_program *p, uint32_t code, uint32_t len)
{
    pal_code_fields_read(p, code, len, p->event_fields_used);
}

/* The first rule whose code uses matcher m, to name it in a load error
   (-1 if none does).  Only runs on the error path. */
static int64_t rule_using(const pal_program *p, uint32_t m)
{
    for (uint32_t r = 0; r < p->nrules; r++) {
        const pal_rule *rule = &p->rules[r];
        for (uint32_t pc = rule->code; pc < rule->code + rule->code_len; pc++) {
            pal_instr in = p->code[pc];
            if ((PAL_OP(in) == OP_MATCH && PAL_A24(in) == m) || (PAL_OP(in) == OP_MATCH_FIELD && PAL_A8(in) == m))
                return r;
        }
    }
    return -1;
}

/* REGEX matchers by (pattern, flags), so identical patterns compile once:
   open addressing over matcher indices, sized for every matcher. */
typedef struct regex_seen { uint32_t *slot, mask; } regex_seen;

static int regex_seen_init(regex_seen *t, const pal_program *p)
{
    uint64_t n = 0, cap = 16;
    for (uint32_t i = 0; i < p->nmatchers; i++) n += p->matchers[i].kind == PM_REGEX;
    while (cap < 2 * n) cap <<= 1;
    t->mask = (uint32_t)(cap - 1);
    t->slot = n ? calloc(cap, sizeof *t->slot) : NULL;
    return n && !t->slot ? -1 : 0;
}

/* The structure of an earlier matcher with matcher i's pattern and flags,
   or NULL after recording i as the first of its kind. */
static regex_rt *regex_seen_find(regex_seen *t, const pal_program *p, uint32_t i)
{
    if (!t->slot) return NULL;
    const pal_matcher *m = &p->matchers[i];
    const pal_mitem *it = &p->mitems[m->first];
    const char *pat = pal_program_str(p, it->s);
    uint8_t flags = m->flags & PMF_NOCASE;
    uint32_t h = (uint32_t)(hash_key(pat, it->s.len, FOLD_NONE) ^ flags) & t->mask;
    for (;; h = (h + 1) & t->mask) {
        uint32_t k = t->slot[h];
        if (!k) { t->slot[h] = i + 1; return NULL; }
        regex_rt *r = p->matchers[k - 1].rt;
        if (r && r->flags == flags && r->len == it->s.len && memcmp(r->pat, pat, r->len) == 0) return r;
    }
}

int pal_program_check_regexes(const pal_program *p, char *err, size_t cap)
{
    for (uint32_t i = 0; i < p->nmatchers; i++) {
        const pal_matcher *m = &p->matchers[i];
        if (m->kind != PM_REGEX || !m->rt || regex_ready(m->rt)) continue;
        /* say why: compile a private copy (the shared one stays as it is) */
        regex_rt probe = {.pat = ((regex_rt *)m->rt)->pat, .len = ((regex_rt *)m->rt)->len,
                          .flags = ((regex_rt *)m->rt)->flags};
        char why[320];
        bool retry;
        if (regex_compile(&probe, why, sizeof why, &retry) == 0) {   /* memory came back since */
            pcre2_code_free(probe.code);
            pcre2_match_context_free(probe.mctx);
            continue;
        }
        int64_t r = rule_using(p, i);
        if (r >= 0)
            return pal_set_err(err, cap, "rule %lld (\"%.*s\"), matcher %u: %s", (long long)r,
                               (int)(p->rules[r].name.len > 80 ? 80 : p->rules[r].name.len),
                               pal_program_str(p, p->rules[r].name), i, why);
        return pal_set_err(err, cap, "matcher %u: %s", i, why);
    }
    return 0;
}

int pal_program_prepare(pal_program *p, char *err, size_t cap)
{
    if (pal_verify(p, err, cap) != 0) return -1;
    for (uint32_t i = 0; i < p->nmatchers; i++) pal_matcher_free_rt(&p->matchers[i]);
    regex_seen seen;
    if (regex_seen_init(&seen, p) != 0) return pal_set_err(err, cap, "out of memory preparing the matchers");
    for (uint32_t i = 0; i < p->nmatchers; i++) {
        char why[320];
        pal_matcher *m = &p->matchers[i];
        int rc = m->kind == PM_REGEX ? build_regex(p, m, regex_seen_find(&seen, p, i), why, sizeof why)
                                     : build_matcher(p, m, why, sizeof why);
        if (rc != 0) {
            free(seen.slot);
            int64_t r = rule_using(p, i);
            if (r >= 0)
                snprintf(err, cap, "rule %lld (\"%.*s\"), matcher %u: %s", (long long)r,
                         (int)(p->rules[r].name.len > 80 ? 80 : p->rules[r].name.len),
                         pal_program_str(p, p->rules[r].name), i, why);
            else
                snprintf(err, cap, "matcher %u: %s", i, why);
            for (uint32_t j = 0; j <= i; j++) pal_matcher_free_rt(&p->matchers[j]);
            return -1;
        }
    }
    free(seen.slot);
    memset(p->event_fields_used, 0, sizeof p->event_fields_used);
    for (uint32_t r = 0; r < p->nrules; r++) {
        const pal_rule *rule = &p->rules[r];
        if (rule->root != PS_EVENT) continue;
        mark_fields(p, rule->code, rule->code_len);
        for (uint32_t o = 0; o < rule->noutcomes; o++) {
            const pal_outcome *oc = &p->outcomes[rule->outcome_first + o];
            for (uint32_t k = 0; k < oc->nmsg; k++) {
                const pal_msgpart *mp = &p->msgparts[oc->msg_first + k];
                if (mp->is_expr) mark_fields(p, mp->code, mp->code_len);
            }
        }
    }
    /* correlations read the event's time and their key fields too */
    if (p->nseqs) {
        int ts = pal_schema_find(pal_schema_get(PS_EVENT), "timestamp", 9);
        if (ts >= 0) p->event_fields_used[ts / 8] |= (uint8_t)(1u << (ts % 8));
    }
    for (uint32_t i = 0; i < p->nseqparts; i++) {
        const pal_seqpart *sp = &p->seqparts[i];
        if ((sp->kind == SQP_KEY || sp->kind == SQP_DISTINCT) && sp->index < 8 * sizeof p->event_fields_used)
            p->event_fields_used[sp->index / 8] |= (uint8_t)(1u << (sp->index % 8));
    }
    return 0;
}
