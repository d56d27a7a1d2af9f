/*
 * index.c — the rule index (see index.h for what it promises).
 *
 * Design notes beyond the header:
 *
 * Soundness rests on two facts, each checked in one place.  (1) For every
 * atom, "the atom is true" implies "a key of the atom is hit by the field's
 * value" (keys_of_atom() and probe_value() are written side by side with
 * engine/vm/matcher.c's and vm.c's semantics; when an atom's truth cannot be
 * bounded by keys — a regex with no required literal, a glob with no
 * literal end, the DNS pattern "*", a wide port range — it is no atom at
 * all and counts as unknown).  (2) The abstract interpreter
 * over-approximates the VM: an unknown value may take either branch, every
 * join is the union of what flows in, and anything it does not model (an
 * operand out of range, an unknown opcode, an iterator) makes the rule
 * "always run".  A rule is skipped only when both agree that it cannot
 * reach a non-allow EMIT and cannot spend its budget; since every path
 * that the skipped run would take is then acyclic and shorter than the
 * budget (counting what each `contains` may charge, see probe_value), and
 * the program is verified, that run could not have reported a VM error
 * either: the decision is the same to the byte.
 *
 * Bounds.  Analysis memory is per rule (code length x (stack + locals)) and
 * capped; the analysis has a work budget per rule and per program; the
 * index as a whole has caps on postings and key bytes.  Whatever passes a
 * cap falls back to "always run", which is slower, never wrong.  At
 * decision time the cost is linear in the bytes of the probed values plus
 * the postings of the keys they hit, each node and rule collected once.
 */
#include "engine/runtime/index.h"
#include "engine/vm/opcodes.h"
#include "engine/core/schema.h"
#include "engine/base/limits.h"
#include "engine/core/match.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Limits of this module (limits.h belongs to the coordinator; these are
   local because nothing outside the index needs them):
   - analysis state of one rule: code length x (stack + locals) bytes;
   - abstract-interpretation work, counted in state bytes touched, per rule
     (the greedy shrinking of the atom set stops, keeping what is proven,
     when it is spent) and for the whole program (rules analysed after it
     is spent stay always-run: a hostile bundle loads, just unindexed);
   - atoms considered per rule (more are treated as unknown values), and
     atoms the shrinking tries to drop (the costliest first; a rule with
     more keeps the rest: more keys, never a wrong one);
   - (key, rule) postings and key bytes in the whole index: a program past
     them keeps its remaining rules always-run;
   - a port set is indexed when it spans at most this many ports;
   - what one `contains` that finds nothing may charge a rule's budget on
     a value the index lets it skip (vm.c charges a case-folded search one
     unit per 256 byte comparisons, so n value bytes and an m-byte needle
     cost at most n*m/256). */
#define IX_MAX_ANALYSIS_BYTES   (16u << 20)
#define IX_MAX_STEPS_PER_RULE   (1u << 24)
#define IX_MAX_STEPS_TOTAL      (1ull << 29)
#define IX_MAX_ATOMS_PER_RULE   512u
#define IX_MAX_SHRINK_TRIES     48u
#define IX_MAX_POSTINGS         (1u << 22)
#define IX_MAX_KEY_BYTES        (64u << 20)
#define IX_MAX_RANGE_KEYS       1024u
#define IX_INFIX_CHARGE         1024u

_Static_assert(PAL_IX_ALWAYS == 0 && PAL_IX_INDEXED == 1 && PAL_IX_NEVER == 2 && PAL_IX_NOT_EVENT == 3,
               "the states of a bundle's index hints (engine/vm/program.h pal_ixrule)");

/* ---- folding, as pal_path_fold ---- */

static inline unsigned char fold(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return (unsigned char)(c + ('a' - 'A'));
    return c == '/' ? '\\' : c;
}

static inline uint64_t mix(uint64_t h)
{
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return h;
}

enum { K_STR = 1, K_INT, K_PREFIX, K_SUFFIX, K_CIDR, K_INFIX };

static uint64_t hash_start(unsigned type, unsigned field)
{
    uint64_t h = 0xcbf29ce484222325ull;
    h = (h ^ type) * 0x100000001b3ull;
    h = (h ^ (field & 0xff)) * 0x100000001b3ull;
    h = (h ^ (field >> 8)) * 0x100000001b3ull;
    return h;
}

static uint64_t hash_folded(unsigned field, const char *s, size_t len)
{
    uint64_t h = hash_start(K_STR, field);
    for (size_t i = 0; i < len; i++) h = (h ^ fold((unsigned char)s[i])) * 0x100000001b3ull;
    return mix(h);
}

static uint64_t hash_int(unsigned field, int64_t v)
{
    uint64_t h = hash_start(K_INT, field), u = (uint64_t)v;
    for (int i = 0; i < 8; i++) h = (h ^ ((u >> (8 * i)) & 0xff)) * 0x100000001b3ull;
    return mix(h);
}

/* ---- the index ---- */

typedef struct hkey {
    uint64_t h;
    uint32_t off, len;     /* folded bytes in kbytes (K_STR); K_INT: 8 bytes */
    uint32_t node;
    uint16_t field;
    uint8_t type;
} hkey;

typedef struct field_ix {
    uint32_t prefix, suffix, cidr4, cidr6;   /* trie roots, 0 = none */
    uint32_t infix;                          /* Aho-Corasick root over `contains` needles */
    uint32_t long_node;                      /* rules with a `contains` on this field, for long values */
    uint32_t max_needle;                     /* longest such needle */
    uint32_t *infix_next;                    /* the infix root's 256 moves */
    uint8_t has_str, has_int;
    uint8_t kinds;                           /* kinds of the rules keyed here */
} field_ix;

/* An atom (see index.h): an instruction pattern at `pc` (relative to the
   rule's code) of `len` instructions. */
enum { AT_MATCHER = 1, AT_EQ, AT_PREFIX, AT_SUFFIX, AT_INFIX };
typedef struct atom {
    uint32_t pc;
    uint8_t len, kind;
    uint16_t field;
    uint32_t arg;          /* matcher index (AT_MATCHER) or constant index */
    uint32_t nkeys, keybytes, triebytes, triebits;   /* triebits: CIDR prefix bits */
    double cost;
    uint8_t chosen;        /* in the rule's key set (else kept for its `contains` charge) */
} atom;

/* A trie edge: key ((parent << 9) | symbol) + 1, 0 = empty slot, and the
   child node.  Key and child side by side, so a probe touches one cache
   line (the table of a large policy does not fit in the cache). */
typedef struct ix_edge { uint64_t key; uint32_t child; } ix_edge;

struct pal_index {
    const pal_program *p;
    uint8_t *state;                    /* per rule, pal_index_state */
    uint32_t *atom_first, *atom_count; /* per rule: its chosen atoms */
    atom *atoms;
    uint32_t natoms, cap_atoms;
    uint32_t *always[PAL_NKINDS];
    uint32_t nalways[PAL_NKINDS];

    hkey *keys;
    uint32_t nkeys, cap_keys;
    uint32_t *ktab;                    /* open addressing: key index + 1 */
    uint32_t kmask;
    char *kbytes;
    size_t nkbytes, cap_kbytes;

    ix_edge *edges;                    /* trie edges, open addressing (edge_get) */
    uint32_t emask, nedges;

    uint32_t nnodes;                   /* node 0 is "none" */
    uint32_t *fail, *dict;             /* Aho-Corasick links of `contains` trie nodes */
    uint32_t *bit_child;               /* CIDR tries: [2 * node + bit], 0 = none, built in
                                          place (bit_add); covers every node after the build */
    size_t cap_bits;
    uint32_t nbit_edges;
    uint8_t *is_infix;
    uint32_t *post_first, *post_count;
    uint32_t *post;
    uint32_t npost;

    field_ix *fields;
    uint32_t nfields;
    uint8_t *field_factor;             /* per field, for pricing (field_factors) */
    uint16_t *probe_fields;
    uint32_t nprobe;
    pal_index_stats stats;
};

/* ---- key enumeration: the one place atoms become keys ---- */

typedef struct key {
    uint8_t type;
    uint8_t lead_dot;      /* K_SUFFIX: the key is "." + s (a DNS wildcard) */
    uint8_t v6, prefix;    /* K_CIDR */
    uint16_t field;
    const char *s;
    uint32_t len;
    int64_t i;
    uint8_t ip[16];
} key;

typedef bool (*key_fn)(void *user, const key *k);

static uint32_t dns_trim(const char *s, uint32_t len)
{
    return (len > 0 && s[len - 1] == '.') ? len - 1 : len;
}

/* Emits the keys of one glob item; false when the item has no literal
   end to key on (then the whole atom is not indexable). */
static bool glob_key(uint16_t field, const char *s, uint32_t len, key_fn fn, void *user, bool *stop)
{
    key k = {.field = field, .s = s};
    if (!pal_glob_has_meta(s, len)) {
        k.type = K_STR;
        k.len = len;
    } else {
        uint32_t pre = 0, suf = 0;
        while (pre < len && s[pre] != '*' && s[pre] != '?') pre++;
        while (suf < len && s[len - 1 - suf] != '*' && s[len - 1 - suf] != '?') suf++;
        if (!pre && !suf) return false;
        if (pre >= suf) { k.type = K_PREFIX; k.len = pre; }
        else { k.type = K_SUFFIX; k.s = s + len - suf; k.len = suf; }
    }
    if (!fn(user, &k)) *stop = true;
    return true;
}

/* Skips the escape at p[i] == '\\'; returns the index after it, and sets
   *literal when it stands for one plain character.  Escapes with
   arguments (\x{..}, \p{..}, \g<..>, \k<..>, \c X, \0nn, \12...) are
   skipped whole, so their arguments are never taken for literal text. */
static uint32_t skip_escape(const char *p, uint32_t n, uint32_t i, bool *literal)
{
    *literal = false;
    if (i + 1 >= n) return n;
    unsigned char c = (unsigned char)p[i + 1];
    uint32_t j = i + 2;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
        *literal = c < 0x80;          /* an escaped punctuation character */
        return j;
    }
    switch (c) {
    case 'x': case 'o': case 'N': case 'p': case 'P': case 'g': case 'k':
        if (j < n && (p[j] == '{' || p[j] == '<' || p[j] == '\'')) {
            char close = p[j] == '{' ? '}' : p[j] == '<' ? '>' : '\'';
            while (j < n && p[j] != close) j++;
            return j < n ? j + 1 : n;
        }
        if (c == 'x') { for (int k = 0; k < 2 && j < n && isxdigit((unsigned char)p[j]); k++) j++; return j; }
        if (c == 'p' || c == 'P') return j < n ? j + 1 : n;
        if (c == 'g') {
            if (j < n && (p[j] == '+' || p[j] == '-')) j++;
            while (j < n && p[j] >= '0' && p[j] <= '9') j++;
        }
        return j;
    case 'c':
        return j < n ? j + 1 : n;
    default:
        if (c >= '0' && c <= '9')
            while (j < n && p[j] >= '0' && p[j] <= '9') j++;
        return j;
    }
}

/* The longest run of literal characters that every match of the PCRE2
   pattern p must contain, as a substring of p: the top-level sequence of
   the pattern (outside groups, classes and escapes) read left to right,
   a character followed by ?, * or { dropped, a run ended after + and at
   anything else that is not a plain character.  Gives up (false) on what
   could make a top-level character optional: an alternation at the top
   level, (*VERB)s such as (*ACCEPT), \Q..\E, comments, extended mode.
   When the pattern may be caseless, runs stop at k, s (which PCRE2's
   Unicode caseless matching also pairs with U+212A and U+017F) and at
   non-ASCII bytes, so folding the run to ASCII lower case stays exact. */
static bool regex_literal(const char *p, uint32_t n, bool nocase, uint32_t *off, uint32_t *len)
{
    /* pass 1: features that defeat the reading below, and inline flags */
    for (uint32_t i = 0; i < n; i++) {
        if (p[i] == '\\') {
            if (i + 1 < n && (p[i + 1] == 'Q' || p[i + 1] == 'E')) return false;
            i++;
            continue;
        }
        if (p[i] != '(' || i + 1 >= n) continue;
        if (p[i + 1] == '*') return false;
        if (p[i + 1] != '?') continue;
        if (i + 2 < n && p[i + 2] == '#') return false;
        for (uint32_t j = i + 2; j < n && (isalpha((unsigned char)p[j]) || p[j] == '-' || p[j] == '^'); j++) {
            if (p[j] == 'x') return false;
            if (p[j] == 'i') nocase = true;
        }
    }
    /* pass 2: the top-level sequence */
    int depth = 0;
    uint32_t best_off = 0, best_len = 0, start = 0, cur = 0;   /* current run: [start, start + cur) */
#define END_RUN() do { if (cur > best_len) { best_len = cur; best_off = start; } cur = 0; } while (0)
    for (uint32_t i = 0; i < n;) {
        unsigned char c = (unsigned char)p[i];
        switch (c) {
        case '\\': {
            bool lit;
            END_RUN();
            i = skip_escape(p, n, i, &lit);
            continue;
        }
        case '[': {
            END_RUN();
            uint32_t j = i + 1;
            if (j < n && p[j] == '^') j++;
            if (j < n && p[j] == ']') j++;          /* a leading ] is a member */
            while (j < n && p[j] != ']') {
                if (p[j] == '\\') { bool lit; j = skip_escape(p, n, j, &lit); continue; }
                if (p[j] == '[' && j + 1 < n && (p[j + 1] == ':' || p[j + 1] == '.' || p[j + 1] == '=')) {
                    char kind = p[j + 1];
                    j += 2;
                    while (j + 1 < n && !(p[j] == kind && p[j + 1] == ']')) j++;
                    j += 2;
                    continue;
                }
                j++;
            }
            if (j >= n) return false;
            i = j + 1;
            continue;
        }
        case '(':
            END_RUN();
            depth++;
            i++;
            continue;
        case ')':
            END_RUN();
            if (--depth < 0) return false;
            i++;
            continue;
        case '|':
            if (depth == 0) return false;
            i++;
            continue;
        case '.': case '^': case '$':
            END_RUN();
            i++;
            continue;
        case '?': case '*':
            if (cur) cur--;           /* the character before is optional */
            END_RUN();
            i++;
            continue;
        case '{': {
            /* {n}, {n,m}, {,m}: a quantifier (its digits are no text);
               anything else, a literal brace.  Either way the character
               before may be optional and the run ends. */
            uint32_t j = i + 1;
            while (j < n && ((p[j] >= '0' && p[j] <= '9') || p[j] == ',' || p[j] == ' ')) j++;
            if (cur) cur--;
            END_RUN();
            i = (j < n && p[j] == '}') ? j + 1 : i + 1;
            continue;
        }
        case '+':
            END_RUN();
            i++;
            continue;
        default:
            if (depth == 0) {
                bool folds = nocase && (c >= 0x80 || c == 'k' || c == 'K' || c == 's' || c == 'S');
                if (folds) END_RUN();
                else if (cur++ == 0) start = i;
            }
            i++;
            continue;
        }
    }
    END_RUN();
#undef END_RUN
    if (depth != 0 || best_len == 0) return false;
    *off = best_off;
    *len = best_len;
    return true;
}

/* Calls fn for every key of atom a (stopping early if fn returns false).
   Returns false if the atom cannot be keyed.  An atom with no keys at all
   (an empty set, a field the schema does not have) is never true. */
static bool keys_of_atom(const pal_program *p, const atom *a, key_fn fn, void *user)
{
    const pal_schema *ev = pal_schema_get(PS_EVENT);
    bool stop = false;
    if (a->field >= ev->nfields) return true;          /* undefined: never true */
    if (a->kind != AT_MATCHER) {
        const pal_value *c = &p->consts[a->arg];
        key k = {.field = a->field};
        if (a->kind != AT_EQ) {
            if (c->tag != PV_STR) return true;          /* startswith a non-string: false */
            k.type = a->kind == AT_PREFIX ? K_PREFIX : a->kind == AT_SUFFIX ? K_SUFFIX : K_INFIX;
            k.s = c->u.s;
            k.len = c->len;
        } else if (c->tag == PV_STR) {
            k.type = K_STR;
            k.s = c->u.s;
            k.len = c->len;
        } else if (c->tag == PV_INT) {
            k.type = K_INT;
            k.i = c->u.i;
        } else if (c->tag == PV_IP) {
            k.type = K_CIDR;
            k.v6 = (c->flags & PVF_IPV6) ? 1 : 0;
            k.prefix = k.v6 ? 128 : 32;
            memcpy(k.ip, c->u.ip, 16);
        } else if (c->tag == PV_UNDEF) {
            return true;                                /* == undefined: false */
        } else {
            return false;                               /* booleans: not worth a key */
        }
        fn(user, &k);
        return true;
    }
    const pal_matcher *m = &p->matchers[a->arg];
    const pal_mitem *items = p->mitems + m->first;
    switch (m->kind) {
    case PM_STRSET:
        for (uint32_t i = 0; i < m->count && !stop; i++) {
            key k = {.type = K_STR, .field = a->field, .s = pal_program_str(p, items[i].s), .len = items[i].s.len};
            if (!fn(user, &k)) stop = true;
        }
        return true;
    case PM_GLOBSET:
        /* first make sure every item can be keyed, so fn never sees a
           partial atom */
        for (uint32_t i = 0; i < m->count; i++) {
            const char *s = pal_program_str(p, items[i].s);
            uint32_t len = items[i].s.len;
            if (pal_glob_has_meta(s, len) && (s[0] == '*' || s[0] == '?') &&
                (len == 0 || s[len - 1] == '*' || s[len - 1] == '?'))
                return false;
        }
        for (uint32_t i = 0; i < m->count && !stop; i++)
            glob_key(a->field, pal_program_str(p, items[i].s), items[i].s.len, fn, user, &stop);
        return true;
    case PM_DNSSET:
        for (uint32_t i = 0; i < m->count; i++) {
            const char *s = pal_program_str(p, items[i].s);
            if (dns_trim(s, items[i].s.len) == 1 && s[0] == '*') return false;   /* "*": every name */
        }
        for (uint32_t i = 0; i < m->count && !stop; i++) {
            const char *s = pal_program_str(p, items[i].s);
            uint32_t len = dns_trim(s, items[i].s.len);
            key k = {.field = a->field};
            if (len >= 2 && s[0] == '*' && s[1] == '.') {
                k.type = K_SUFFIX;
                k.lead_dot = 1;
                k.s = s + 2;
                k.len = len - 2;
            } else {
                k.type = K_STR;
                k.s = s;
                k.len = len;
            }
            if (!fn(user, &k)) stop = true;
        }
        return true;
    case PM_CIDRSET:
        for (uint32_t i = 0; i < m->count && !stop; i++) {
            key k = {.type = K_CIDR, .field = a->field, .v6 = items[i].v6 ? 1 : 0};
            unsigned bits = k.v6 ? 128 : 32;
            k.prefix = (uint8_t)(items[i].prefix > bits ? bits : items[i].prefix);
            memcpy(k.ip, items[i].ip, 16);
            if (!fn(user, &k)) stop = true;
        }
        return true;
    case PM_RANGESET: {
        uint64_t span = 0;
        for (uint32_t i = 0; i < m->count; i++) {
            if (items[i].hi < items[i].lo) continue;     /* empty range */
            uint64_t w = (uint64_t)items[i].hi - (uint64_t)items[i].lo;
            if (w >= IX_MAX_RANGE_KEYS) return false;
            span += w + 1;
            if (span > IX_MAX_RANGE_KEYS) return false;
        }
        for (uint32_t i = 0; i < m->count && !stop; i++)
            for (int64_t v = items[i].lo; v <= items[i].hi && !stop; v++) {
                key k = {.type = K_INT, .field = a->field, .i = v};
                if (!fn(user, &k)) stop = true;
                if (v == INT64_MAX) break;
            }
        return true;
    }
    case PM_REGEX: {
        /* a literal every match contains: a `contains` key */
        uint32_t off, len;
        if (m->count != 1) return false;
        if (!regex_literal(pal_program_str(p, items[0].s), items[0].s.len, (m->flags & PMF_NOCASE) != 0, &off, &len))
            return false;
        key k = {.type = K_INFIX, .field = a->field, .s = pal_program_str(p, items[0].s) + off, .len = len};
        fn(user, &k);
        return true;
    }
    default:
        return false;
    }
}

/* ---- atoms: finding them and pricing them ---- */

/* How many events a key on a field selects, as a factor on its cost:
   fields with a handful of values (event.category, network.transport, a
   Windows record's EventID and channel, which every converted Sigma rule
   tests beside its selective fields) hit most events, names of images and
   hosts many.  One byte per schema
   field, computed once per build (a name comparison per atom was 5% of
   building the index of 10,000 rules). */
static void field_factors(uint8_t *out, const pal_schema *ev)
{
    static const char *const low[] = {
        "network.direction", "network.transport", "network.protocol", "event.category", "event.type",
        "event.action", "event.kind", "event.module", "host.os.type", "dns.question.type",
        "dns.response_code", "winlog.event_id", "winlog.channel", "winlog.provider_name", NULL};
    static const char *const medium[] = {"container.image.name", "container.image.tag", "container.name",
                                         "host.name", "user.name", NULL};
    for (uint32_t f = 0; f < ev->nfields; f++) {
        out[f] = 1;
        for (int i = 0; low[i]; i++)
            if (!strcmp(ev->fields[f].name, low[i])) out[f] = 3;
        for (int i = 0; medium[i]; i++)
            if (!strcmp(ev->fields[f].name, medium[i])) out[f] = 2;
    }
}

typedef struct pricing { uint32_t nkeys, keybytes, triebytes, triebits; double cost; } pricing;

static bool price_key(void *user, const key *k)
{
    pricing *pr = user;
    pr->nkeys++;
    switch (k->type) {
    case K_STR: case K_INT:
        pr->cost += 1;
        pr->keybytes += k->type == K_INT ? 8 : k->len;
        break;
    case K_PREFIX: case K_SUFFIX:
        /* a short literal end is hit by many values */
        pr->cost += 1 + 32.0 / (k->len + k->lead_dot + 1);
        pr->keybytes += k->len + k->lead_dot;
        pr->triebytes += k->len + k->lead_dot;
        break;
    case K_INFIX:
        /* a substring anywhere is hit more often still */
        pr->cost += 2 + 64.0 / (k->len + 1);
        pr->keybytes += k->len;
        pr->triebytes += k->len;
        break;
    default: {
        unsigned bits = k->v6 ? 128 : 32;
        pr->cost += 1 + (double)(bits - k->prefix) / (k->v6 ? 8 : 2);
        pr->keybytes += k->prefix;
        pr->triebits += k->prefix;
        break;
    }
    }
    return true;
}

static bool price_atom(const pal_program *p, const uint8_t *factors, uint32_t nfields, atom *a)
{
    pricing pr = {0};
    if (!keys_of_atom(p, a, price_key, &pr)) return false;
    unsigned fc = a->field < nfields ? factors[a->field] : 1;
    double factor = fc == 3 ? 1000 : fc == 2 ? 10 : 1;
    a->nkeys = pr.nkeys;
    a->keybytes = pr.keybytes;
    a->triebytes = pr.triebytes;
    a->triebits = pr.triebits;
    a->cost = pr.cost * factor;
    return true;
}

static bool is_jump(unsigned op)
{
    return op == OP_JUMP || op == OP_JUMP_IF_FALSE || op == OP_AND_JUMP || op == OP_OR_JUMP;
}

/* Marks every instruction some jump lands on: an atom must not be entered
   in its middle. */
static void mark_targets(const pal_instr *code, uint32_t len, uint8_t *target)
{
    memset(target, 0, len);
    for (uint32_t pc = 0; pc < len; pc++) {
        unsigned op = PAL_OP(code[pc]);
        int64_t t;
        if (is_jump(op)) t = (int64_t)pc + 1 + PAL_SJ(code[pc]);
        else if (op == OP_ITER_NEXT) t = (int64_t)pc + 1 + PAL_SB16(code[pc]);
        else continue;
        if (t >= 0 && t < len) target[t] = 1;
    }
}

/* Recognizes the atom starting at pc, if any:
     MATCH_FIELD m, f
     LOAD_FIELD f, [CALL lower|upper]..., MATCH m
     LOAD_FIELD f, [CALL lower|upper]..., PUSH_CONST c, EQ|STARTSWITH|ENDSWITH|CONTAINS
     PUSH_CONST c, LOAD_FIELD f, [CALL lower|upper]..., EQ
   lower() and upper() change nothing the folded keys see (and when they
   fail they give undefined, which matches nothing).  No instruction after
   the first may be a jump target. */
static bool atom_at(const pal_program *p, const pal_instr *code, uint32_t len, const uint8_t *target,
                    uint32_t pc, atom *a)
{
    memset(a, 0, sizeof *a);
    a->pc = pc;
    pal_instr in = code[pc];
    unsigned op = PAL_OP(in);
    if (op == OP_MATCH_FIELD) {
        if (PAL_A8(in) >= p->nmatchers) return false;
        a->kind = AT_MATCHER;
        a->len = 1;
        a->arg = PAL_A8(in);
        a->field = (uint16_t)PAL_B16(in);
        return true;
    }
    uint32_t i = pc, cidx = UINT32_MAX, field;
    if (op == OP_PUSH_CONST) {
        cidx = PAL_A24(in);
        i++;
        if (i >= len || target[i] || PAL_OP(code[i]) != OP_LOAD_FIELD) return false;
    } else if (op != OP_LOAD_FIELD) {
        return false;
    }
    field = PAL_A24(code[i]);
    i++;
    /* case changes, at most a few (the atom length is a byte) */
    while (i < len && !target[i] && PAL_OP(code[i]) == OP_CALL && i - pc < 8) {
        unsigned bi = PAL_A8(code[i]);
        if (PAL_B16(code[i]) != 1 || (bi != PAL_BI_lower && bi != PAL_BI_upper)) return false;
        i++;
    }
    if (i >= len || target[i] || field > UINT16_MAX) return false;
    unsigned opn = PAL_OP(code[i]);
    if (cidx == UINT32_MAX) {
        if (opn == OP_MATCH) {
            if (PAL_A24(code[i]) >= p->nmatchers) return false;
            a->kind = AT_MATCHER;
            a->arg = PAL_A24(code[i]);
            a->field = (uint16_t)field;
            a->len = (uint8_t)(i + 1 - pc);
            return true;
        }
        if (opn != OP_PUSH_CONST) return false;
        cidx = PAL_A24(code[i]);
        i++;
        if (i >= len || target[i]) return false;
        opn = PAL_OP(code[i]);
        if (opn == OP_EQ) a->kind = AT_EQ;
        else if (opn == OP_STARTSWITH) a->kind = AT_PREFIX;
        else if (opn == OP_ENDSWITH) a->kind = AT_SUFFIX;
        else if (opn == OP_CONTAINS) a->kind = AT_INFIX;
        else return false;
    } else {
        if (opn != OP_EQ) return false;
        a->kind = AT_EQ;
    }
    if (cidx >= p->nconsts) return false;
    /* `contains` with a non-string is list membership of that value: not
       keyed here (and so not an atom: the analysis then refuses it) */
    if (a->kind == AT_INFIX && p->consts[cidx].tag != PV_STR) return false;
    a->len = (uint8_t)(i + 1 - pc);
    a->field = (uint16_t)field;
    a->arg = cidx;
    return true;
}

/* ---- the abstract interpreter ---- */

/* Truthiness of a value: bit 1 "may be not true", bit 2 "may be true";
   a join is a bitwise or.  0 is "never reached". */
enum { AV_F = 1, AV_T = 2, AV_ANY = 3 };

static inline uint8_t av_not(uint8_t v) { return (uint8_t)(((v & AV_F) << 1) | ((v & AV_T) >> 1)); }

typedef struct absint {
    const pal_program *p;
    const pal_rule *r;
    const pal_instr *code;
    uint32_t len, width, max_stack, nlocals;
    int32_t *depth;        /* per pc; -1 unvisited */
    uint8_t *st;           /* per pc: width bytes, stack then locals */
    uint8_t *queued;
    uint32_t *work;
    uint32_t nwork;
    int32_t *atom_of;      /* per pc: atom index or -1 */
    const atom *atoms;
    const uint8_t *forced; /* per atom: 1 = assumed false */
    uint8_t *cur;          /* width bytes */
    uint64_t steps, max_steps;
} absint;

/* Merges a state into pc's; returns false when the program is outside
   what the analysis models. */
static bool flow(absint *ai, int64_t pc, uint32_t depth, const uint8_t *s)
{
    if (pc < 0 || pc >= ai->len || depth > ai->max_stack) return false;
    uint8_t *dst = ai->st + (size_t)pc * ai->width;
    bool changed = false;
    if (ai->depth[pc] < 0) {
        ai->depth[pc] = (int32_t)depth;
        memcpy(dst, s, ai->width);
        changed = true;
    } else {
        if ((uint32_t)ai->depth[pc] != depth) return false;
        for (uint32_t i = 0; i < ai->width; i++) {
            uint8_t v = (uint8_t)(dst[i] | s[i]);
            if (v != dst[i]) { dst[i] = v; changed = true; }
        }
    }
    if (changed && !ai->queued[pc]) {
        ai->queued[pc] = 1;
        ai->work[ai->nwork++] = (uint32_t)pc;
    }
    return true;
}

/* The abstract effect of the instruction at pc on state s (depth d): its
   successors get the result through flow().  Returns 1 when the answer is
   "yes, or cannot tell" (an allowed-effect EMIT, a loop, a bad operand),
   else 0.
   Long on purpose, like vm.c's exec(): one `case` per opcode, each a few
   lines, so every abstract effect can be read against the concrete one in
   exec() and the opcode list.  NEED, PUSH and FLOW return "cannot tell"
   from step() itself; split into a function per opcode family, each would
   need its own copy of them and a status to pass back, and a caller that
   dropped one would make the index unsound (a rule skipped that can fire). */
static int step(absint *ai, uint32_t pc, uint8_t *s, uint32_t d)
{
    const pal_program *p = ai->p;
    const pal_rule *r = ai->r;
    const uint32_t MS = ai->max_stack, NL = ai->nlocals;
    uint8_t *L = s + MS;
    pal_instr in = ai->code[pc];
    unsigned op = PAL_OP(in);
    int64_t next = (int64_t)pc + 1;
#define NEED(n) do { if (d < (n)) return 1; } while (0)
#define PUSH(v) do { if (d >= MS) return 1; s[d++] = (v); } while (0)
#define FLOW(t) do { if (!flow(ai, (t), d, s)) return 1; } while (0)

    int32_t ax = ai->atom_of[pc];
    if (ax >= 0) {
        PUSH(ai->forced[ax] ? AV_F : AV_ANY);
        FLOW(next + ai->atoms[ax].len - 1);
        return 0;
    }
    switch (op) {
    case OP_NOP:
        FLOW(next);
        break;
    case OP_HALT:
        break;
    case OP_PUSH_UNDEF: case OP_PUSH_FALSE:
        PUSH(AV_F); FLOW(next);
        break;
    case OP_PUSH_TRUE:
        PUSH(AV_T); FLOW(next);
        break;
    case OP_PUSH_CONST: {
        uint32_t a = PAL_A24(in);
        if (a >= p->nconsts) return 1;
        PUSH(p->consts[a].tag == PV_BOOL && p->consts[a].u.i ? AV_T : AV_F);
        FLOW(next);
        break;
    }
    case OP_LOAD_FIELD: case OP_MATCH_FIELD:
        PUSH(AV_ANY); FLOW(next);
        break;
    case OP_LOAD_LOCAL: {
        uint32_t a = PAL_A24(in);
        if (a >= NL) return 1;
        PUSH(L[a]); FLOW(next);
        break;
    }
    case OP_STORE_LOCAL: {
        uint32_t a = PAL_A24(in);
        if (a >= NL) return 1;
        NEED(1);
        L[a] = s[--d];
        s[d] = 0;
        FLOW(next);
        break;
    }
    case OP_LOAD_LOCAL_FIELD:
        if (PAL_A8(in) >= NL) return 1;
        PUSH(AV_ANY); FLOW(next);
        break;
    case OP_GET_FIELD: case OP_NEG: case OP_INC: case OP_EXISTS:
        NEED(1); s[d - 1] = AV_ANY; FLOW(next);
        break;
    case OP_NOCASE:     /* flags a string: its truth does not change */
        NEED(1); FLOW(next);
        break;
    case OP_MATCH:
        if (PAL_A24(in) >= p->nmatchers) return 1;
        NEED(1); s[d - 1] = AV_ANY; FLOW(next);
        break;
    case OP_CALL:
        if (PAL_B16(in) != 1) return 1;
        NEED(1); s[d - 1] = AV_ANY; FLOW(next);
        break;
    case OP_POP:
        NEED(1); s[--d] = 0; FLOW(next);
        break;
    case OP_DUP:
        NEED(1); { uint8_t top = s[d - 1]; PUSH(top); } FLOW(next);
        break;
    case OP_NOT:
        NEED(1); s[d - 1] = av_not(s[d - 1]); FLOW(next);
        break;
    case OP_TO_BOOL:
        NEED(1); FLOW(next);
        break;
    case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE:
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD:
    case OP_IN_LIST: case OP_STARTSWITH: case OP_ENDSWITH:
        NEED(2); s[--d] = 0; s[d - 1] = AV_ANY; FLOW(next);
        break;
    case OP_JUMP: case OP_JUMP_IF_FALSE: case OP_AND_JUMP: case OP_OR_JUMP: {
        int64_t t = next + PAL_SJ(in);
        if (t <= pc) return 1;          /* a loop: its cost is not bounded here */
        if (op == OP_JUMP) { FLOW(t); break; }
        NEED(1);
        uint8_t v = s[d - 1];
        if (op == OP_JUMP_IF_FALSE) {
            s[--d] = 0;
            if (v & AV_F) FLOW(t);
            if (v & AV_T) FLOW(next);
        } else if (op == OP_AND_JUMP) {
            if (v & AV_F) { s[d - 1] = AV_F; FLOW(t); }
            if (v & AV_T) { s[--d] = 0; FLOW(next); }
        } else {
            if (v & AV_T) { s[d - 1] = AV_T; FLOW(t); }
            if (v & AV_F) { s[--d] = 0; FLOW(next); }
        }
        break;
    }
    case OP_EMIT: {
        uint32_t a = PAL_A24(in);
        if (a >= r->noutcomes) return 1;
        if (p->outcomes[r->outcome_first + a].effect != PE_ALLOW) return 1;
        FLOW(next);
        break;
    }
    default:
        /* CONTAINS (a case-folded search charges the budget by the
           byte), the iterators (a loop), anything unknown */
        return 1;
    }
#undef NEED
#undef PUSH
#undef FLOW
    return 0;
}

/* Can the rule, with the forced atoms false, reach a non-allow EMIT or
   spend its budget?  Returns 1 (yes, or cannot tell), 0 (proven no).
   A work-list fixpoint over the code: each instruction's state is the
   join of what flows into it (flow()), and step() applies one instruction. */
static int reachable_effect(absint *ai)
{
    const uint32_t W = ai->width, MS = ai->max_stack, NL = ai->nlocals;
    for (uint32_t i = 0; i < ai->len; i++) { ai->depth[i] = -1; ai->queued[i] = 0; }
    ai->nwork = 0;
    ai->steps += ai->len;
    uint8_t *init = ai->cur;
    memset(init, 0, W);
    for (uint32_t i = 0; i < NL; i++) init[MS + i] = AV_F;   /* locals start undefined */
    if (!flow(ai, 0, 0, init)) return 1;
    uint8_t *s = ai->cur;
    while (ai->nwork) {
        uint32_t pc = ai->work[--ai->nwork];
        ai->queued[pc] = 0;
        ai->steps += 1 + W;
        if (ai->steps > ai->max_steps) return 1;
        memcpy(s, ai->st + (size_t)pc * W, W);
        if (step(ai, pc, s, (uint32_t)ai->depth[pc])) return 1;
    }
    return 0;
}

/* ---- building ---- */

typedef struct builder {
    pal_index *ix;
    uint64_t *pairs;       /* (node << 32) | rule */
    uint32_t npairs, cap_pairs;
    uint32_t rule;
    bool oom;
} builder;

static bool grow_array(void **arr, uint32_t *cap, size_t elem, uint32_t need)
{
    if (need <= *cap) return true;
    uint64_t nc = *cap ? *cap : 16;
    while (nc < need) nc *= 2;
    if (nc > UINT32_MAX) return false;
    void *n = realloc(*arr, (size_t)nc * elem);
    if (!n) return false;
    *arr = n;
    *cap = (uint32_t)nc;
    return true;
}

static uint32_t new_node(pal_index *ix) { return ix->nnodes++; }

static uint32_t edge_get(const pal_index *ix, uint32_t parent, unsigned sym)
{
    if (!ix->edges) return 0;
    uint64_t k = (((uint64_t)parent << 9) | sym) + 1;
    for (uint32_t i = (uint32_t)mix(k * 0x9e3779b97f4a7c15ull) & ix->emask;; i = (i + 1) & ix->emask) {
        if (ix->edges[i].key == k) return ix->edges[i].child;
        if (!ix->edges[i].key) return 0;
    }
}

/* Doubles the edge table (edges are (parent, symbol) -> child numbers,
   nothing points into the table, so it may move).  False when out of memory. */
static bool edges_grow(pal_index *ix)
{
    uint64_t ncap = 2 * ((uint64_t)ix->emask + 1);
    if (ncap > (1ull << 32)) return false;
    ix_edge *ne = calloc(ncap, sizeof *ne);
    if (!ne) return false;
    uint32_t nmask = (uint32_t)(ncap - 1);
    for (uint64_t i = 0; i <= ix->emask; i++) {
        uint64_t k = ix->edges[i].key;
        if (!k) continue;
        uint32_t j = (uint32_t)mix(k * 0x9e3779b97f4a7c15ull) & nmask;
        while (ne[j].key) j = (j + 1) & nmask;
        ne[j] = ix->edges[i];
    }
    free(ix->edges);
    ix->edges = ne;
    ix->emask = nmask;
    return true;
}

/* The child of parent by sym, made when missing; 0 when out of memory. */
static uint32_t edge_add(pal_index *ix, uint32_t parent, unsigned sym)
{
    uint64_t k = (((uint64_t)parent << 9) | sym) + 1;
    uint32_t i = (uint32_t)mix(k * 0x9e3779b97f4a7c15ull) & ix->emask;
    for (;; i = (i + 1) & ix->emask) {
        if (ix->edges[i].key == k) return ix->edges[i].child;
        if (!ix->edges[i].key) break;
    }
    if (2 * ((uint64_t)ix->nedges + 1) > (uint64_t)ix->emask + 1) {   /* keep the load at most 1/2 */
        if (!edges_grow(ix)) return 0;
        for (i = (uint32_t)mix(k * 0x9e3779b97f4a7c15ull) & ix->emask; ix->edges[i].key; i = (i + 1) & ix->emask) {}
    }
    ix->edges[i].key = k;
    ix->edges[i].child = new_node(ix);
    ix->nedges++;
    return ix->edges[i].child;
}

/* bit_child holds node's two entries (grown, zero-filled). */
static bool bits_reserve(pal_index *ix, uint32_t node)
{
    size_t need = 2 * (size_t)node + 2;
    if (need <= ix->cap_bits) return true;
    size_t nc = ix->cap_bits ? ix->cap_bits : 1024;
    while (nc < need) nc *= 2;
    uint32_t *nb = realloc(ix->bit_child, nc * sizeof *nb);
    if (!nb) return false;
    memset(nb + ix->cap_bits, 0, (nc - ix->cap_bits) * sizeof *nb);
    ix->bit_child = nb;
    ix->cap_bits = nc;
    return true;
}

/* The child of a CIDR trie node by one address bit, made when missing; 0
   when out of memory.  The binary tries are built where the probe reads
   them, not through the edge table (a /24 is 24 edges: they were most of
   the table, and of the time spent building it). */
static uint32_t bit_add(pal_index *ix, uint32_t parent, unsigned bit)
{
    if (!bits_reserve(ix, parent)) return 0;
    uint32_t *c = &ix->bit_child[2 * (size_t)parent + bit];
    if (!*c) {
        *c = new_node(ix);
        ix->nbit_edges++;
    }
    return *c;
}

static bool add_pair(builder *b, uint32_t node)
{
    if (!grow_array((void **)&b->pairs, &b->cap_pairs, sizeof *b->pairs, b->npairs + 1)) { b->oom = true; return false; }
    b->pairs[b->npairs++] = ((uint64_t)node << 32) | b->rule;
    return true;
}

static uint32_t hkey_find(const pal_index *ix, uint64_t h, unsigned type, unsigned field, const char *s, uint32_t len,
                          int64_t iv)
{
    for (uint32_t i = (uint32_t)h & ix->kmask;; i = (i + 1) & ix->kmask) {
        uint32_t k = ix->ktab[i];
        if (!k) return UINT32_MAX - i;   /* encodes the free slot */
        const hkey *e = &ix->keys[k - 1];
        if (e->h != h || e->type != type || e->field != field) continue;
        if (type == K_INT) {
            int64_t stored;
            memcpy(&stored, ix->kbytes + e->off, 8);
            if (stored == iv) return k - 1;
            continue;
        }
        if (e->len != len) continue;
        const char *sk = ix->kbytes + e->off;
        uint32_t j = 0;
        while (j < len && (unsigned char)sk[j] == fold((unsigned char)s[j])) j++;
        if (j == len) return k - 1;
    }
}

static bool insert_key(void *user, const key *k)
{
    builder *b = user;
    pal_index *ix = b->ix;
    field_ix *f = &ix->fields[k->field];
    uint32_t node = 0;
    switch (k->type) {
    case K_STR: case K_INT: {
        uint64_t h = k->type == K_STR ? hash_folded(k->field, k->s, k->len) : hash_int(k->field, k->i);
        uint32_t found = hkey_find(ix, h, k->type, k->field, k->s, k->len, k->i);
        if (found < ix->nkeys) { node = ix->keys[found].node; break; }
        uint32_t slot = UINT32_MAX - found;
        uint32_t blen = k->type == K_INT ? 8 : k->len;
        if (ix->nkbytes + blen > ix->cap_kbytes) { b->oom = true; return false; }
        hkey *e = &ix->keys[ix->nkeys];
        e->h = h;
        e->off = (uint32_t)ix->nkbytes;
        e->len = blen;
        e->field = k->field;
        e->type = k->type;
        if (k->type == K_INT) memcpy(ix->kbytes + ix->nkbytes, &k->i, 8);
        else for (uint32_t j = 0; j < k->len; j++) ix->kbytes[ix->nkbytes + j] = (char)fold((unsigned char)k->s[j]);
        ix->nkbytes += blen;
        e->node = node = new_node(ix);
        ix->ktab[slot] = ++ix->nkeys;
        if (k->type == K_STR) f->has_str = 1; else f->has_int = 1;
        break;
    }
    /* edge_add gives 0 when out of memory, which ends the walk */
    case K_PREFIX:
        if (!f->prefix) f->prefix = new_node(ix);
        node = f->prefix;
        for (uint32_t j = 0; j < k->len && node; j++) node = edge_add(ix, node, fold((unsigned char)k->s[j]));
        break;
    case K_INFIX:
        if (!f->infix) { f->infix = new_node(ix); ix->is_infix[f->infix] = 1; }
        node = f->infix;
        for (uint32_t j = 0; j < k->len && node; j++) {
            node = edge_add(ix, node, fold((unsigned char)k->s[j]));
            if (node) ix->is_infix[node] = 1;
        }
        break;
    case K_SUFFIX:
        if (!f->suffix) f->suffix = new_node(ix);
        node = f->suffix;
        for (uint32_t j = k->len; j > 0 && node; j--) node = edge_add(ix, node, fold((unsigned char)k->s[j - 1]));
        if (k->lead_dot && node) node = edge_add(ix, node, '.');
        break;
    default: {
        uint32_t *root = k->v6 ? &f->cidr6 : &f->cidr4;
        if (!*root) *root = new_node(ix);
        node = *root;
        for (unsigned j = 0; j < k->prefix && node; j++) node = bit_add(ix, node, (k->ip[j / 8] >> (7 - j % 8)) & 1u);
        break;
    }
    }
    if (!node) { b->oom = true; return false; }
    f->kinds |= ix->p->rules[b->rule].kinds;
    return add_pair(b, node);
}


/* Atoms of one rule, sorted by decreasing cost for the greedy pass. */
typedef struct ranked { uint32_t atom; double cost; } ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->cost != y->cost) return x->cost > y->cost ? -1 : 1;
    return (x->atom > y->atom) - (x->atom < y->atom);
}

typedef struct work_mem {
    int32_t *depth;
    uint8_t *st, *queued, *target, *cur, *forced, *hint;
    uint32_t *work;
    int32_t *atom_of;
    atom *atoms;
    ranked *rank;
    size_t cap_len, cap_st, cap_width;
} work_mem;

static bool work_reserve(work_mem *w, uint32_t len, uint32_t width)
{
    if (len > w->cap_len) {
        free(w->depth); free(w->queued); free(w->target); free(w->work); free(w->atom_of);
        free(w->atoms); free(w->rank); free(w->forced); free(w->hint);
        w->hint = calloc(len, 1);   /* kept all zero between rules */
        w->depth = malloc(len * sizeof *w->depth);
        w->queued = malloc(len);
        w->target = malloc(len);
        w->work = malloc(len * sizeof *w->work);
        w->atom_of = malloc(len * sizeof *w->atom_of);
        w->atoms = malloc(len * sizeof *w->atoms);
        w->rank = malloc(len * sizeof *w->rank);
        w->forced = malloc(len);
        w->cap_len = len;
        if (!w->depth || !w->queued || !w->target || !w->work || !w->atom_of || !w->atoms || !w->rank || !w->forced ||
            !w->hint) {
            w->cap_len = 0;
            return false;
        }
    }
    size_t need = (size_t)len * width;
    if (need > w->cap_st || !w->st) {
        free(w->st);
        w->st = malloc(need ? need : 1);
        w->cap_st = need;
        if (!w->st) { w->cap_st = 0; return false; }
    }
    if (width > w->cap_width || !w->cur) {
        free(w->cur);
        w->cur = malloc(width ? width : 1);
        w->cap_width = width;
        if (!w->cur) { w->cap_width = 0; return false; }
    }
    return true;
}

static void work_free(work_mem *w)
{
    free(w->depth); free(w->queued); free(w->target); free(w->work); free(w->atom_of);
    free(w->atoms); free(w->rank); free(w->forced); free(w->hint); free(w->st); free(w->cur);
}

/* A proven rule: NEVER when no atom is forced, else INDEXED with its forced
   atoms (and its `contains` atoms, forced or not) appended to ix->atoms.
   Returns -1 when out of memory. */
static int keep_atoms(pal_index *ix, work_mem *w, uint32_t ri, uint32_t natoms, uint32_t ninfix)
{
    uint32_t kept = 0;
    for (uint32_t i = 0; i < natoms; i++) kept += w->forced[i];
    if (!kept) {
        ix->state[ri] = PAL_IX_NEVER;
        return 0;
    }
    if (!grow_array((void **)&ix->atoms, &ix->cap_atoms, sizeof *ix->atoms, ix->natoms + kept + ninfix)) return -1;
    ix->atom_first[ri] = ix->natoms;
    for (uint32_t i = 0; i < natoms; i++)
        if (w->forced[i] || w->atoms[i].kind == AT_INFIX) {
            ix->atoms[ix->natoms] = w->atoms[i];
            ix->atoms[ix->natoms++].chosen = w->forced[i];
        }
    ix->atom_count[ri] = ix->natoms - ix->atom_first[ri];
    ix->state[ri] = PAL_IX_INDEXED;
    return 0;
}

/* Rule ri by its hint (program.h pal_ixrule), after mark_targets: the
   atoms are found as analyse_rule finds them, the hinted ones are forced
   false, and one pass of the analysis must prove the rule — instead of the
   search, which runs it once per atom it tries to drop.  Atoms the hint
   does not name are left as plain instructions (the analysis gives an
   unforced atom and its instructions the same "unknown"), except
   `contains`, which the analysis models only as an atom.  Returns 0 when
   the hint is proven (the rule's state and atoms are set), 1 when it is
   not (the caller searches as if there were no hint: a wrong hint costs
   time, never a decision), -1 when out of memory. */
static int analyse_hinted(pal_index *ix, work_mem *w, uint32_t ri, uint64_t *budget)
{
    const pal_program *p = ix->p;
    const pal_rule *r = &p->rules[ri];
    const pal_ixrule *h = &p->ixrules[ri];
    if (h->state == PAL_IX_ALWAYS) return 0;   /* the state already is; always running is always right */
    if (h->state != PAL_IX_INDEXED && h->state != PAL_IX_NEVER) return 1;
    uint32_t len = r->code_len, width = (uint32_t)r->max_stack + r->nlocals;
    const pal_instr *code = p->code + r->code;
    /* hint[pc]: 1 keyed, 2 a `contains` kept unkeyed (the verifier checked pc < len) */
    uint32_t hinted = 0;
    int rc = 1;
    for (uint32_t k = 0; k < h->count; k++) {
        uint32_t v = p->ixatoms[h->first + k], pc = v & ~PAL_IXATOM_KEY;
        if (w->hint[pc]) goto out;   /* named twice */
        w->hint[pc] = (v & PAL_IXATOM_KEY) ? 1 : 2;
    }
    uint32_t natoms = 0, ninfix = 0, nkeyed = 0;
    for (uint32_t pc = 0; pc < len; pc++) w->atom_of[pc] = -1;
    for (uint32_t pc = 0; pc < len && natoms < IX_MAX_ATOMS_PER_RULE; pc++) {
        atom a;
        if (!atom_at(p, code, len, w->target, pc, &a)) continue;
        uint8_t hk = w->hint[pc];
        if (hk && a.kind != AT_INFIX && hk != 1) goto out;   /* only a `contains` is kept unkeyed */
        if (hk || a.kind == AT_INFIX) {
            if (!price_atom(p, ix->field_factor, ix->nfields, &a)) {
                if (hk) goto out;
                continue;
            }
            hinted += hk != 0;
            nkeyed += hk == 1;
            ninfix += a.kind == AT_INFIX;
            w->forced[natoms] = hk == 1;
            w->atoms[natoms] = a;
            w->atom_of[pc] = (int32_t)natoms;
            natoms++;
        }
        pc += a.len - 1u;
    }
    if (hinted != h->count || (h->state == PAL_IX_NEVER) != (nkeyed == 0)) goto out;
    /* as analyse_rule: past this, `contains` is left to the VM, and a rule
       keyed by one is no longer what the search would find */
    if (ninfix && (uint64_t)len + (uint64_t)ninfix * IX_INFIX_CHARGE >= PAL_VM_BUDGET_EVENT) goto out;
    absint ai = {
        .p = p, .r = r, .code = code, .len = len, .width = width, .max_stack = r->max_stack,
        .nlocals = r->nlocals, .depth = w->depth, .st = w->st, .queued = w->queued, .work = w->work,
        .atom_of = w->atom_of, .atoms = w->atoms, .forced = w->forced, .cur = w->cur,
        .max_steps = *budget < IX_MAX_STEPS_PER_RULE ? *budget : IX_MAX_STEPS_PER_RULE,
    };
    int unproven = reachable_effect(&ai);
    *budget -= ai.steps < *budget ? ai.steps : *budget;
    if (!unproven) rc = keep_atoms(ix, w, ri, natoms, ninfix);
out:
    for (uint32_t k = 0; k < h->count; k++) w->hint[p->ixatoms[h->first + k] & ~PAL_IXATOM_KEY] = 0;
    return rc;
}

/* Decides the state of rule ri and, when indexed, appends its chosen atoms
   (and its `contains` atoms, chosen or not) to ix->atoms.  Returns -1 when
   out of memory. */
static int analyse_rule(pal_index *ix, work_mem *w, uint32_t ri, uint64_t *budget)
{
    const pal_program *p = ix->p;
    const pal_rule *r = &p->rules[ri];
    ix->state[ri] = PAL_IX_ALWAYS;
    uint32_t len = r->code_len;
    uint32_t width = (uint32_t)r->max_stack + r->nlocals;
    if (len == 0 || len >= PAL_VM_BUDGET_EVENT || (uint64_t)len * (width ? width : 1) > IX_MAX_ANALYSIS_BYTES)
        return 0;
    if (!work_reserve(w, len, width)) return -1;
    const pal_instr *code = p->code + r->code;

    mark_targets(code, len, w->target);
    if (ri < p->nixrules) {
        int rc = analyse_hinted(ix, w, ri, budget);
        if (rc < 0) return rc;
        if (rc == 0) {
            ix->stats.hinted += ix->state[ri] != PAL_IX_ALWAYS;
            return 0;
        }
        ix->stats.hint_missed++;
        ix->state[ri] = PAL_IX_ALWAYS;   /* not proven: search */
    }
    uint32_t natoms = 0, ninfix = 0;
    for (uint32_t pc = 0; pc < len; pc++) w->atom_of[pc] = -1;
    for (uint32_t pc = 0; pc < len && natoms < IX_MAX_ATOMS_PER_RULE; pc++) {
        atom a;
        if (!atom_at(p, code, len, w->target, pc, &a)) continue;
        if (!price_atom(p, ix->field_factor, ix->nfields, &a)) continue;
        ninfix += a.kind == AT_INFIX;
        w->atoms[natoms] = a;
        w->atom_of[pc] = (int32_t)natoms;
        natoms++;
        pc += a.len - 1u;
    }
    /* Every `contains` may charge the budget up to IX_INFIX_CHARGE on the
       values a skipped rule sees (longer values make the rule a candidate,
       see probe_value): together with one unit per instruction that must
       stay below the budget, or `contains` is left to the VM alone. */
    if ((uint64_t)len + (uint64_t)ninfix * IX_INFIX_CHARGE >= PAL_VM_BUDGET_EVENT) {
        uint32_t kept = 0;
        for (uint32_t i = 0; i < natoms; i++) {
            if (w->atoms[i].kind == AT_INFIX) { w->atom_of[w->atoms[i].pc] = -1; continue; }
            w->atoms[kept] = w->atoms[i];
            w->atom_of[w->atoms[kept].pc] = (int32_t)kept;
            kept++;
        }
        natoms = kept;
        ninfix = 0;
    }

    absint ai = {
        .p = p, .r = r, .code = code, .len = len, .width = width, .max_stack = r->max_stack,
        .nlocals = r->nlocals, .depth = w->depth, .st = w->st, .queued = w->queued, .work = w->work,
        .atom_of = w->atom_of, .atoms = w->atoms, .forced = w->forced, .cur = w->cur,
        .max_steps = *budget < IX_MAX_STEPS_PER_RULE ? *budget : IX_MAX_STEPS_PER_RULE,
    };
    memset(w->forced, 1, natoms ? natoms : 1);
    int unproven = reachable_effect(&ai);
    *budget -= ai.steps < *budget ? ai.steps : *budget;
    if (unproven) return 0;
    ai.steps = 0;
    ai.max_steps = *budget < IX_MAX_STEPS_PER_RULE ? *budget : IX_MAX_STEPS_PER_RULE;
    /* Shrink: drop the least selective atoms while the proof holds. */
    for (uint32_t i = 0; i < natoms; i++) { w->rank[i].atom = i; w->rank[i].cost = w->atoms[i].cost; }
    qsort(w->rank, natoms, sizeof *w->rank, cmp_ranked);
    for (uint32_t i = 0; i < natoms && i < IX_MAX_SHRINK_TRIES; i++) {
        uint32_t a = w->rank[i].atom;
        w->forced[a] = 0;
        if (reachable_effect(&ai)) {
            w->forced[a] = 1;
            if (ai.steps > ai.max_steps) break;   /* out of time: keep what is proven */
        }
    }
    *budget -= ai.steps < *budget ? ai.steps : *budget;
    return keep_atoms(ix, w, ri, natoms, ninfix);
}

/* Children of every node of the `contains` tries, for the breadth-first
   pass that sets the Aho-Corasick links. */
typedef struct adj { uint32_t *first, *count, *child; uint16_t *sym; } adj;

static bool build_links(pal_index *ix)
{
    uint32_t n = ix->nnodes;
    ix->fail = calloc(n, sizeof *ix->fail);
    ix->dict = calloc(n, sizeof *ix->dict);
    adj g = {calloc(n + 1, sizeof *g.first), calloc(n + 1, sizeof *g.count), NULL, NULL};
    uint32_t *queue = malloc(n * sizeof *queue);
    bool ok = false;
    if (!ix->fail || !ix->dict || !g.first || !g.count || !queue) goto out;
    uint32_t nin = 0;
    for (uint32_t i = 0; i <= ix->emask; i++) {
        if (!ix->edges[i].key) continue;
        uint32_t parent = (uint32_t)((ix->edges[i].key - 1) >> 9);
        if (parent < n && ix->is_infix[parent]) { g.count[parent]++; nin++; }
    }
    g.child = malloc((nin ? nin : 1) * sizeof *g.child);
    g.sym = malloc((nin ? nin : 1) * sizeof *g.sym);
    if (!g.child || !g.sym) goto out;
    for (uint32_t i = 0, acc = 0; i < n; i++) { g.first[i] = acc; acc += g.count[i]; g.count[i] = 0; }
    for (uint32_t i = 0; i <= ix->emask; i++) {
        if (!ix->edges[i].key) continue;
        uint32_t parent = (uint32_t)((ix->edges[i].key - 1) >> 9);
        if (parent >= n || !ix->is_infix[parent]) continue;
        uint32_t at = g.first[parent] + g.count[parent]++;
        g.child[at] = ix->edges[i].child;
        g.sym[at] = (uint16_t)((ix->edges[i].key - 1) & 0x1ff);
    }
    for (uint32_t f = 0; f < ix->nfields; f++) {
        uint32_t root = ix->fields[f].infix;
        if (!root) continue;
        uint32_t head = 0, tail = 0;
        ix->fail[root] = root;
        queue[tail++] = root;
        while (head < tail) {
            uint32_t u = queue[head++];
            for (uint32_t e = 0; e < g.count[u]; e++) {
                uint32_t v = g.child[g.first[u] + e];
                unsigned c = g.sym[g.first[u] + e];
                uint32_t fv = root;
                if (u != root) {
                    uint32_t x = ix->fail[u], to;
                    for (;;) {
                        if ((to = edge_get(ix, x, c)) != 0) { fv = to; break; }
                        if (x == root) break;
                        x = ix->fail[x];
                    }
                }
                ix->fail[v] = fv;
                /* the nearest proper suffix state that ends a needle (the
                   root's own postings, the empty needle, are collected once
                   per value instead) */
                ix->dict[v] = fv == root ? 0 : ix->post_count[fv] ? fv : ix->dict[fv];
                queue[tail++] = v;
            }
        }
    }
    ok = true;
out:
    free(g.first); free(g.count); free(g.child); free(g.sym); free(queue);
    return ok;
}

void pal_index_free(pal_index *ix)
{
    if (!ix) return;
    free(ix->state);
    free(ix->atom_first);
    free(ix->atom_count);
    free(ix->atoms);
    for (unsigned k = 0; k < PAL_NKINDS; k++) free(ix->always[k]);
    free(ix->keys);
    free(ix->ktab);
    free(ix->kbytes);
    free(ix->edges);
    free(ix->fail);
    free(ix->dict);
    free(ix->bit_child);
    free(ix->is_infix);
    free(ix->post_first);
    free(ix->post_count);
    free(ix->post);
    for (uint32_t f = 0; ix->fields && f < ix->nfields; f++) free(ix->fields[f].infix_next);
    free(ix->fields);
    free(ix->field_factor);
    free(ix->probe_fields);
    free(ix);
}

typedef struct build_totals { uint64_t pairs, bytes, trie, bits; } build_totals;

/* 1. prove what each rule needs; sum what its keys will take. */
static int prove_rules(pal_index *ix, build_totals *tot)
{
    const pal_program *p = ix->p;
    work_mem w = {0};
    uint64_t budget = IX_MAX_STEPS_TOTAL;
    for (uint32_t ri = 0; ri < p->nrules; ri++) {
        const pal_rule *r = &p->rules[ri];
        if (r->root != PS_EVENT || !(r->kinds & PK_ALL)) { ix->state[ri] = PAL_IX_NOT_EVENT; continue; }
        ix->stats.rules++;
        if (analyse_rule(ix, &w, ri, &budget) != 0) { work_free(&w); return -1; }
        if (ix->state[ri] != PAL_IX_INDEXED) continue;
        uint64_t pairs = 0, bytes = 0, trie = 0, bits = 0;
        for (uint32_t i = 0; i < ix->atom_count[ri]; i++) {
            const atom *a = &ix->atoms[ix->atom_first[ri] + i];
            pairs += (a->chosen ? a->nkeys : 0) + (a->kind == AT_INFIX);
            bytes += (a->chosen ? a->keybytes : 0) + 8;
            trie += a->chosen ? a->triebytes : 0;
            bits += a->chosen ? a->triebits : 0;
        }
        if (tot->pairs + pairs > IX_MAX_POSTINGS || tot->bytes + bytes > IX_MAX_KEY_BYTES) {
            ix->state[ri] = PAL_IX_ALWAYS;
            ix->natoms = ix->atom_first[ri];
            ix->atom_count[ri] = 0;
            ix->stats.over_cap++;
            continue;
        }
        tot->pairs += pairs;
        tot->bytes += bytes;
        tot->trie += trie;
        tot->bits += bits;
    }
    work_free(&w);
    return 0;
}

/* 2. the tables, sized from the totals: a key is at most one hash entry,
   a key byte at most one trie edge, a prefix bit one CIDR trie edge, so
   the nodes are bounded (is_infix); the edge table grows as it fills. */
static int size_tables(pal_index *ix, const build_totals *tot)
{
    ix->cap_keys = (uint32_t)(tot->pairs ? tot->pairs : 1);
    ix->keys = malloc(ix->cap_keys * sizeof *ix->keys);
    uint64_t kcap = 16;
    while (kcap < tot->pairs * 2) kcap <<= 1;
    ix->kmask = (uint32_t)(kcap - 1);
    ix->ktab = calloc(kcap, sizeof *ix->ktab);
    ix->cap_kbytes = tot->bytes ? tot->bytes : 1;
    ix->kbytes = malloc(ix->cap_kbytes);
    /* tot->trie counts every key byte, but keys share prefixes (a policy's
       paths, a feed's domains): the edge table starts at half that many
       slots and doubles whenever it is half full (edge_add) */
    uint64_t ecap = 16;
    while (ecap < tot->trie / 2) ecap <<= 1;
    ix->emask = (uint32_t)(ecap - 1);
    ix->edges = calloc(ecap, sizeof *ix->edges);
    ix->is_infix = calloc(1 + tot->pairs + tot->trie + tot->bits + 8u * ix->nfields, 1);
    if (!ix->keys || !ix->ktab || !ix->kbytes || !ix->edges || !ix->is_infix) return -1;
    ix->nnodes = 1;
    return 0;
}

/* 3. keys and postings, then the links and the byte tables of the tries. */
static int fill_postings(pal_index *ix, builder *b)
{
    const pal_program *p = ix->p;
    for (uint32_t ri = 0; ri < p->nrules; ri++) {
        if (ix->state[ri] != PAL_IX_INDEXED) continue;
        b->rule = ri;
        for (uint32_t i = 0; i < ix->atom_count[ri]; i++) {
            const atom *a = &ix->atoms[ix->atom_first[ri] + i];
            if (a->chosen) keys_of_atom(p, a, insert_key, b);
            if (a->kind == AT_INFIX && a->field < ix->nfields && p->consts[a->arg].tag == PV_STR) {
                field_ix *f = &ix->fields[a->field];
                if (!f->long_node) f->long_node = new_node(ix);
                if (p->consts[a->arg].len > f->max_needle) f->max_needle = p->consts[a->arg].len;
                f->kinds |= p->rules[ri].kinds;
                add_pair(b, f->long_node);
            }
            if (b->oom) return -1;
        }
    }
    /* Postings grouped by node with a counting sort: the pairs were made
       rule by rule in ascending order, and the sort is stable, so each
       node's rules come out ascending and a rule keyed twice on a node
       (two atoms with the same key) twice in a row, dropped here. */
    ix->post_first = calloc(ix->nnodes, sizeof *ix->post_first);
    ix->post_count = calloc(ix->nnodes, sizeof *ix->post_count);
    ix->post = malloc((b->npairs ? b->npairs : 1) * sizeof *ix->post);
    if (!ix->post_first || !ix->post_count || !ix->post) return -1;
    for (uint32_t i = 0; i < b->npairs; i++) ix->post_count[b->pairs[i] >> 32]++;
    for (uint32_t n = 0, at = 0; n < ix->nnodes; n++) {
        ix->post_first[n] = at;
        at += ix->post_count[n];
        ix->post_count[n] = 0;
    }
    for (uint32_t i = 0; i < b->npairs; i++) {
        uint32_t node = (uint32_t)(b->pairs[i] >> 32), rule = (uint32_t)b->pairs[i];
        uint32_t *slot = ix->post + ix->post_first[node], c = ix->post_count[node];
        if (c && slot[c - 1] == rule) continue;
        slot[c] = rule;
        ix->post_count[node] = c + 1;
        ix->npost++;
    }
    free(b->pairs);
    b->pairs = NULL;
    if (!build_links(ix)) return -1;
    if (!bits_reserve(ix, ix->nnodes - 1)) return -1;   /* a probe may ask any node */
    for (uint32_t f = 0; f < ix->nfields; f++) {
        field_ix *fi = &ix->fields[f];
        if (!fi->infix) continue;
        if (!(fi->infix_next = calloc(256, sizeof *fi->infix_next))) return -1;
        for (unsigned c = 0; c < 256; c++) fi->infix_next[c] = edge_get(ix, fi->infix, c);
    }
    return 0;
}

/* 4. the always-run lists and the fields to probe. */
static void finish_lists(pal_index *ix)
{
    const pal_program *p = ix->p;
    for (uint32_t ri = 0; ri < p->nrules; ri++) {
        const pal_rule *r = &p->rules[ri];
        switch (ix->state[ri]) {
        case PAL_IX_ALWAYS:
            ix->stats.always++;
            for (unsigned k = 0; k < PAL_NKINDS; k++)
                if (r->kinds & (1u << k)) ix->always[k][ix->nalways[k]++] = ri;
            break;
        case PAL_IX_INDEXED: ix->stats.indexed++; break;
        case PAL_IX_NEVER: ix->stats.never++; break;
        default: break;
        }
    }
    for (uint32_t f = 0; f < ix->nfields; f++) {
        const field_ix *fi = &ix->fields[f];
        if (fi->has_str || fi->has_int || fi->prefix || fi->suffix || fi->cidr4 || fi->cidr6 || fi->infix ||
            fi->long_node)
            ix->probe_fields[ix->nprobe++] = (uint16_t)f;
    }
    ix->stats.keys = ix->nkeys;
    ix->stats.nodes = ix->nedges + ix->nbit_edges;
    ix->stats.postings = ix->npost;
}

pal_index *pal_index_build(const pal_program *p)
{
    pal_index *ix = calloc(1, sizeof *ix);
    if (!ix) return NULL;
    ix->p = p;
    const pal_schema *ev = pal_schema_get(PS_EVENT);
    ix->nfields = ev->nfields;
    uint32_t nr = p->nrules ? p->nrules : 1;
    ix->state = calloc(nr, 1);
    ix->atom_first = calloc(nr, sizeof *ix->atom_first);
    ix->atom_count = calloc(nr, sizeof *ix->atom_count);
    ix->fields = calloc(ix->nfields ? ix->nfields : 1, sizeof *ix->fields);
    ix->field_factor = malloc(ix->nfields ? ix->nfields : 1);
    if (ix->field_factor) field_factors(ix->field_factor, ev);
    ix->probe_fields = calloc(ix->nfields ? ix->nfields : 1, sizeof *ix->probe_fields);
    for (unsigned k = 0; k < PAL_NKINDS; k++) ix->always[k] = calloc(nr, sizeof(uint32_t));
    builder b = {.ix = ix};
    build_totals tot = {0};
    bool ok = ix->state && ix->atom_first && ix->atom_count && ix->fields && ix->probe_fields && ix->field_factor;
    for (unsigned k = 0; k < PAL_NKINDS; k++) ok = ok && ix->always[k];
    if (ok && prove_rules(ix, &tot) == 0 && size_tables(ix, &tot) == 0 && fill_postings(ix, &b) == 0) {
        finish_lists(ix);
        return ix;
    }
    free(b.pairs);
    pal_index_free(ix);
    return NULL;
}

int pal_index_attach_hints(pal_program *p)
{
    free(p->ixrules);
    free(p->ixatoms);
    p->ixrules = NULL;
    p->ixatoms = NULL;
    p->nixrules = p->nixatoms = 0;
    pal_index *ix = pal_index_build(p);   /* the search: there are no hints now */
    if (!ix) return -1;
    uint32_t nrules = p->nrules, natoms = 0;
    for (uint32_t r = 0; r < nrules; r++)
        if (ix->state[r] == PAL_IX_INDEXED) natoms += ix->atom_count[r];
    pal_ixrule *rules = calloc(nrules ? nrules : 1, sizeof *rules);
    uint32_t *atoms = malloc((natoms ? natoms : 1) * sizeof *atoms);
    if (!rules || !atoms) {
        free(rules);
        free(atoms);
        pal_index_free(ix);
        return -1;
    }
    uint32_t n = 0;
    for (uint32_t r = 0; r < nrules; r++) {
        rules[r].state = ix->state[r];
        if (ix->state[r] != PAL_IX_INDEXED) continue;
        rules[r].first = n;
        rules[r].count = ix->atom_count[r];
        for (uint32_t i = 0; i < ix->atom_count[r]; i++) {
            const atom *a = &ix->atoms[ix->atom_first[r] + i];
            atoms[n++] = a->pc | (a->chosen ? PAL_IXATOM_KEY : 0);
        }
    }
    pal_index_free(ix);
    p->ixrules = rules;
    p->nixrules = nrules;
    p->ixatoms = atoms;
    p->nixatoms = n;
    return 0;
}

/* ---- queries ---- */

int pal_index_rule_state(const pal_index *ix, uint32_t rule)
{
    return rule < ix->p->nrules ? ix->state[rule] : PAL_IX_NOT_EVENT;
}

const uint32_t *pal_index_always(const pal_index *ix, unsigned k, uint32_t *n)
{
    if (k >= PAL_NKINDS) { *n = 0; return NULL; }
    *n = ix->nalways[k];
    return ix->always[k];
}

pal_index_stats pal_index_get_stats(const pal_index *ix) { return ix->stats; }

struct pal_index_scratch {
    uint32_t nrules, nnodes;
    uint32_t gen;
    uint32_t *rule_stamp;  /* == gen: already in hits */
    uint32_t *node_stamp;  /* == gen: postings already collected */
    uint32_t *hits;
};

pal_index_scratch *pal_index_scratch_new(const pal_index *ix)
{
    pal_index_scratch *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->nrules = ix->p->nrules ? ix->p->nrules : 1;
    s->nnodes = ix->nnodes ? ix->nnodes : 1;
    s->rule_stamp = calloc(s->nrules, sizeof *s->rule_stamp);
    s->node_stamp = calloc(s->nnodes, sizeof *s->node_stamp);
    s->hits = malloc(s->nrules * sizeof *s->hits);
    if (!s->rule_stamp || !s->node_stamp || !s->hits) { pal_index_scratch_free(s); return NULL; }
    return s;
}

void pal_index_scratch_free(pal_index_scratch *s)
{
    if (!s) return;
    free(s->rule_stamp);
    free(s->node_stamp);
    free(s->hits);
    free(s);
}

typedef struct probe {
    const pal_index *ix;
    pal_index_scratch *s;
    uint32_t gen, n;
} probe;

/* Adds the rules of a node, once per probe. */
static inline void collect(probe *pr, uint32_t node)
{
    pal_index_scratch *s = pr->s;
    if (s->node_stamp[node] == pr->gen) return;
    s->node_stamp[node] = pr->gen;
    const pal_index *ix = pr->ix;
    uint32_t c = ix->post_count[node];
    const uint32_t *r = ix->post + ix->post_first[node];
    for (uint32_t i = 0; i < c; i++)
        if (s->rule_stamp[r[i]] != pr->gen) {
            s->rule_stamp[r[i]] = pr->gen;
            s->hits[pr->n++] = r[i];
        }
}

static void probe_str(probe *pr, unsigned field, const char *s, uint32_t len)
{
    const pal_index *ix = pr->ix;
    uint64_t h = hash_folded(field, s, len);
    uint32_t k = hkey_find(ix, h, K_STR, field, s, len, 0);
    if (k < ix->nkeys) collect(pr, ix->keys[k].node);
}

static void walk_prefix(probe *pr, uint32_t node, const char *s, uint32_t len)
{
    collect(pr, node);
    for (uint32_t i = 0; i < len && node; i++) {
        node = edge_get(pr->ix, node, fold((unsigned char)s[i]));
        if (node) collect(pr, node);
    }
}

static void walk_suffix(probe *pr, uint32_t node, const char *s, uint32_t len)
{
    collect(pr, node);
    for (uint32_t i = len; i > 0 && node; i--) {
        node = edge_get(pr->ix, node, fold((unsigned char)s[i - 1]));
        if (node) collect(pr, node);
    }
}

/* Aho-Corasick: every needle occurring in s, in one pass. */
static void walk_infix(probe *pr, uint32_t root, const uint32_t *root_next, const char *s, uint32_t len)
{
    const pal_index *ix = pr->ix;
    collect(pr, root);                      /* the empty needle */
    uint32_t st = root;
    for (uint32_t i = 0; i < len; i++) {
        unsigned c = fold((unsigned char)s[i]);
        /* most of a value matches no needle: the root's moves are a table */
        for (;;) {
            if (st == root) { st = root_next[c] ? root_next[c] : root; break; }
            uint32_t to = edge_get(ix, st, c);
            if (to) { st = to; break; }
            st = ix->fail[st];
        }
        /* a node already collected in this probe has had its chain collected */
        for (uint32_t o = ix->post_count[st] ? st : ix->dict[st]; o && pr->s->node_stamp[o] != pr->gen; o = ix->dict[o])
            collect(pr, o);
    }
}

static void probe_value(probe *pr, unsigned field, pal_value v, int depth)
{
    const field_ix *fi = &pr->ix->fields[field];
    switch (v.tag) {
    case PV_STR: {
        const char *s = v.u.s ? v.u.s : "";
        bool dot = v.len > 0 && s[v.len - 1] == '.';   /* domain names compare without it */
        if (fi->has_str) {
            probe_str(pr, field, s, v.len);
            if (dot) probe_str(pr, field, s, v.len - 1);
        }
        if (fi->prefix) walk_prefix(pr, fi->prefix, s, v.len);
        if (fi->suffix) {
            walk_suffix(pr, fi->suffix, s, v.len);
            if (dot) walk_suffix(pr, fi->suffix, s, v.len - 1);
        }
        if (fi->infix) walk_infix(pr, fi->infix, fi->infix_next, s, v.len);
        /* A value so long that a `contains` that misses could still charge
           a rule's budget by IX_INFIX_CHARGE or more: every rule with a
           `contains` on the field runs, so a budget error stays reported.
           (On a list, `contains` is membership and charges nothing.) */
        if (fi->long_node && depth == 0 &&
            (uint64_t)v.len * fi->max_needle >= (uint64_t)IX_INFIX_CHARGE * 256u)
            collect(pr, fi->long_node);
        break;
    }
    case PV_INT:
        if (fi->has_int) {
            uint32_t k = hkey_find(pr->ix, hash_int(field, v.u.i), K_INT, field, NULL, 0, v.u.i);
            if (k < pr->ix->nkeys) collect(pr, pr->ix->keys[k].node);
        }
        break;
    case PV_IP: {
        bool v6 = (v.flags & PVF_IPV6) != 0;
        uint32_t node = v6 ? fi->cidr6 : fi->cidr4;
        if (!node) break;
        collect(pr, node);
        unsigned bits = v6 ? 128 : 32;
        for (unsigned j = 0; j < bits && node; j++) {
            node = pr->ix->bit_child[2 * (size_t)node + ((v.u.ip[j / 8] >> (7 - j % 8)) & 1u)];
            if (node) collect(pr, node);
        }
        break;
    }
    case PV_LIST:
        /* a list matches when an item does (pal_matcher_match) */
        if (depth == 0)
            for (uint32_t i = 0; i < v.len; i++) probe_value(pr, field, v.u.items[i], 1);
        break;
    default:
        break;
    }
}

uint32_t pal_index_probe(const pal_index *ix, const pal_record *rec, unsigned kinds, pal_index_scratch *s,
                         const uint32_t **hits)
{
    if (++s->gen == 0) {
        memset(s->rule_stamp, 0, s->nrules * sizeof *s->rule_stamp);
        memset(s->node_stamp, 0, s->nnodes * sizeof *s->node_stamp);
        s->gen = 1;
    }
    probe pr = {ix, s, s->gen, 0};
    *hits = s->hits;
    if (!rec || !rec->schema || !rec->slots) return 0;
    uint32_t nf = rec->schema->nfields < ix->nfields ? rec->schema->nfields : ix->nfields;
    for (uint32_t i = 0; i < ix->nprobe; i++) {
        unsigned f = ix->probe_fields[i];
        if (f >= nf || !(ix->fields[f].kinds & kinds)) continue;
        probe_value(&pr, f, pal_record_at(rec, f), 0);
    }
    return pr.n;
}

/* ---- describing ---- */

typedef struct describer {
    char *out;
    size_t cap, len;
    bool full;
    const pal_schema *ev;
} describer;

static void dput(describer *d, const char *s, size_t n)
{
    if (d->full) return;
    if (d->len + n + 4 >= d->cap) {
        size_t room = d->cap > d->len + 4 ? d->cap - d->len - 4 : 0;
        memcpy(d->out + d->len, s, room);
        d->len += room;
        if (d->cap >= 4) { memcpy(d->out + d->len, "...", 3); d->len += 3; }
        d->full = true;
        return;
    }
    memcpy(d->out + d->len, s, n);
    d->len += n;
}

static void dputs(describer *d, const char *s) { dput(d, s, strlen(s)); }

static bool describe_key(void *user, const key *k)
{
    describer *d = user;
    char buf[96];
    if (d->len) dputs(d, " | ");
    dputs(d, d->ev->fields[k->field].name);
    switch (k->type) {
    case K_STR: dputs(d, " = \""); dput(d, k->s, k->len); dputs(d, "\""); break;
    case K_INT: snprintf(buf, sizeof buf, " = %lld", (long long)k->i); dputs(d, buf); break;
    case K_PREFIX: dputs(d, " prefix \""); dput(d, k->s, k->len); dputs(d, "\""); break;
    case K_INFIX: dputs(d, " contains \""); dput(d, k->s, k->len); dputs(d, "\""); break;
    case K_SUFFIX:
        dputs(d, " suffix \"");
        if (k->lead_dot) dputs(d, ".");
        dput(d, k->s, k->len);
        dputs(d, "\"");
        break;
    default: {
        size_t n = pal_ip_format(k->ip, k->v6, buf, sizeof buf - 8);
        if (n >= sizeof buf - 8) n = 0;
        snprintf(buf + n, sizeof buf - n, "/%u", k->prefix);
        dputs(d, " in ");
        dputs(d, buf);
        break;
    }
    }
    return !d->full;
}

size_t pal_index_describe_rule(const pal_index *ix, uint32_t rule, char *out, size_t cap)
{
    if (!out || cap == 0) return 0;
    describer d = {out, cap, 0, false, pal_schema_get(PS_EVENT)};
    int st = pal_index_rule_state(ix, rule);
    if (st != PAL_IX_INDEXED) {
        dputs(&d, st == PAL_IX_ALWAYS ? "always" : st == PAL_IX_NEVER ? "never" : "not an event rule");
    } else {
        for (uint32_t i = 0; i < ix->atom_count[rule] && !d.full; i++) {
            const atom *a = &ix->atoms[ix->atom_first[rule] + i];
            if (!a->chosen || a->field >= d.ev->nfields) continue;
            keys_of_atom(ix->p, a, describe_key, &d);
        }
        if (!d.len) dputs(&d, "(no key: never true)");
    }
    out[d.len < cap ? d.len : cap - 1] = '\0';
    return d.len;
}
