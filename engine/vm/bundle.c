/*
 * bundle.c — writing and reading bundle files (the layout is drawn in
 * bundle.h).
 *
 * Design. Writing is two passes over the program: sizes first (so the file
 * is one allocation), then the records, field by field, little-endian.
 * Reading assumes the file was crafted to hurt: it checks, in this order,
 * the magic, the exact format version, the checksum (so a corrupt or
 * truncated file is named as such before any field is believed), the
 * header fields against the buffer, and the section table (ids in order,
 * sections back to back, each length exactly count * record size).  Only
 * then does it allocate, and every allocation is bounded by the bytes that
 * describe it: a count of 2^32 in a 100-byte file fails the length check
 * and allocates nothing.  String references become pointers only after a
 * bounds check; everything else is left to pal_program_prepare(), which
 * runs the verifier and builds the matchers.
 *
 * The checksum detects corruption, not tampering: anyone can recompute it.
 * Signatures say who built a bundle.  They are a trailer after the body
 * (drawn in bundle.h) rather than a section inside it, so that what is
 * signed is plainly "the first N bytes", the body format and its reader stay
 * as they are, and the reader is handed exactly the bytes the signature
 * covered.  The signature is checked before the body is parsed at all.
 * Ed25519ph (libsodium's multi-part API) lets a 256 MiB bundle be signed
 * and checked in one pass without copying it; the message starts with a
 * fixed label so a palisade signature can never be replayed as a
 * signature over anything else made with the same key.
 */
#include "engine/vm/bundle.h"
#include "engine/base/fileio.h"
#include "engine/base/err.h"
#include "engine/base/limits.h"
#include "engine/core/schema.h"
#include "engine/vm/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static const unsigned char magic[8] = {'P', 'A', 'L', 'B', 'N', 'D', 'L', '\0'};

enum {
    HEADER_FIXED = 72,
    SECTION_ENTRY = 24,
    HEADER_SIZE = HEADER_FIXED + SECTION_ENTRY * PAL_BUNDLE_NSECTIONS,
};

enum section_id {
    S_MANIFEST = 1, S_SOURCES, S_STRINGS, S_CONSTS, S_MATCHERS, S_MITEMS,
    S_RULES, S_OUTCOMES, S_MSGPARTS, S_META, S_CODE, S_NETRULES, S_SEQS, S_SEQPARTS, S_IXRULES, S_IXATOMS,
    S_MRANGES, S_MNETS
};

/* Matcher items are stored by what they hold: strings (string, glob,
   domain and regex sets: S_MITEMS), integer ranges, networks.  A
   matcher's `first` counts in the section of its class; in memory the
   three are one array, strings, then ranges, then networks. */
enum item_class { IC_STR, IC_RANGE, IC_NET, IC_N };
static const unsigned class_section[IC_N] = {S_MITEMS, S_MRANGES, S_MNETS};
static enum item_class class_of(unsigned kind)
{
    return kind == PM_RANGESET ? IC_RANGE : kind == PM_CIDRSET ? IC_NET : IC_STR;
}

/* record sizes, indexed by section id */
static const uint32_t record_size[PAL_BUNDLE_NSECTIONS + 1] = {
    [S_MANIFEST] = 16, [S_SOURCES] = 16, [S_STRINGS] = 1, [S_CONSTS] = 32,
    [S_MATCHERS] = 12, [S_MITEMS] = 8, [S_RULES] = 52, [S_OUTCOMES] = 20,
    [S_MSGPARTS] = 20, [S_META] = 16, [S_CODE] = 4, [S_NETRULES] = 36, [S_SEQS] = 36, [S_SEQPARTS] = 12,
    [S_IXRULES] = 12, [S_IXATOMS] = 4, [S_MRANGES] = 16, [S_MNETS] = 20,
};

static const char *const section_name[PAL_BUNDLE_NSECTIONS + 1] = {
    [S_MANIFEST] = "manifest", [S_SOURCES] = "sources", [S_STRINGS] = "strings",
    [S_CONSTS] = "constants", [S_MATCHERS] = "matchers", [S_MITEMS] = "matcher strings",
    [S_RULES] = "rules", [S_OUTCOMES] = "outcomes", [S_MSGPARTS] = "message parts",
    [S_META] = "metadata", [S_CODE] = "code", [S_NETRULES] = "network entries", [S_SEQS] = "correlations",
    [S_SEQPARTS] = "correlation parts", [S_IXRULES] = "index hints", [S_IXATOMS] = "index hint atoms",
    [S_MRANGES] = "matcher ranges", [S_MNETS] = "matcher networks",
};

/* ---- little-endian cursor ---- */

typedef struct wr { unsigned char *p; } wr;

static void w8(wr *w, uint8_t v) { *w->p++ = v; }
static void w16(wr *w, uint16_t v) { w8(w, (uint8_t)v); w8(w, (uint8_t)(v >> 8)); }
static void w32(wr *w, uint32_t v) { w16(w, (uint16_t)v); w16(w, (uint16_t)(v >> 16)); }
static void w64(wr *w, uint64_t v) { w32(w, (uint32_t)v); w32(w, (uint32_t)(v >> 32)); }
static void wbytes(wr *w, const void *b, size_t n) { if (n) memcpy(w->p, b, n); w->p += n; }
static void wstr(wr *w, pal_str s) { w32(w, s.off); w32(w, s.len); }

typedef struct rd { const unsigned char *p; } rd;

static uint8_t r8(rd *r) { return *r->p++; }
static uint16_t r16(rd *r) { uint16_t lo = r8(r); return (uint16_t)(lo | (uint16_t)r8(r) << 8); }
static uint32_t r32(rd *r) { uint32_t lo = r16(r); return lo | (uint32_t)r16(r) << 16; }
static uint64_t r64(rd *r) { uint64_t lo = r32(r); return lo | (uint64_t)r32(r) << 32; }
static void rbytes(rd *r, void *b, size_t n) { memcpy(b, r->p, n); r->p += n; }
static pal_str rstr(rd *r) { pal_str s; s.off = r32(r); s.len = r32(r); return s; }

static uint32_t get32(const unsigned char *b) { rd r = {b}; return r32(&r); }
static uint64_t get64(const unsigned char *b) { rd r = {b}; return r64(&r); }

/* The checksum field: zlib's CRC-32 (gzip's) of the file read with the
   field as zeros, little-endian in its first 4 bytes, the other 28 zero.
   It is there to name a damaged file as damaged before any field is
   believed, not to resist tampering (anyone can recompute any checksum;
   signatures do that), and a CRC is the tool for that job: it catches
   every burst of up to 32 flipped bits and all but 2^-32 of the rest.
   Versions 1 and 2 used SHA-256, which without SHA extensions (libsodium
   has none) took as long on a 4 MB bundle of 10,000 rules as yara takes
   to load 10,000 compiled rules; CRC-32 is about twenty times as fast. */
static void checksum(const unsigned char *buf, size_t len, unsigned char out[PAL_BUNDLE_CHECKSUM_BYTES])
{
    static const unsigned char zeros[PAL_BUNDLE_CHECKSUM_BYTES];
    uLong c = crc32(0L, Z_NULL, 0);
    c = crc32_z(c, buf, PAL_BUNDLE_CHECKSUM_OFFSET);
    c = crc32_z(c, zeros, sizeof zeros);
    c = crc32_z(c, buf + PAL_BUNDLE_CHECKSUM_OFFSET + PAL_BUNDLE_CHECKSUM_BYTES,
                len - PAL_BUNDLE_CHECKSUM_OFFSET - PAL_BUNDLE_CHECKSUM_BYTES);
    memset(out, 0, PAL_BUNDLE_CHECKSUM_BYTES);
    for (int i = 0; i < 4; i++) out[i] = (unsigned char)(c >> (8 * i));
}

void pal_bundle_seal(unsigned char *buf, size_t len)
{
    if (!buf || len < HEADER_FIXED) return;
    checksum(buf, len, buf + PAL_BUNDLE_CHECKSUM_OFFSET);
}

/* ---- writing ---- */

/* A manifest revision other than the program's is appended to the string
   blob (with its NUL, as every blob string has one). */
typedef struct rev_override {
    const char *s;
    uint32_t len;
    /* where each matcher's items go in the section of its class
       (plan_items), and how many items each class section holds */
    uint32_t *mfirst;
    uint64_t nclass[IC_N];
} rev_override;

/* Lays out the item sections: each matcher's items, in matcher order, in
   the section of its class; a matcher with the same class, first and
   count as an earlier one shares its items, as it did in memory.  Returns
   -1 when out of memory or past the limit. */
static int plan_items(const pal_program *p, rev_override *rv)
{
    uint32_t n = p->nmatchers;
    rv->mfirst = calloc(n ? n : 1, sizeof *rv->mfirst);
    uint64_t cap = 16;
    while (cap < 2 * (uint64_t)n) cap <<= 1;
    uint32_t *seen = calloc(cap, sizeof *seen);   /* matcher index + 1 */
    if (!rv->mfirst || !seen) { free(seen); return -1; }
    for (uint32_t i = 0; i < n; i++) {
        const pal_matcher *m = &p->matchers[i];
        enum item_class c = class_of(m->kind);
        uint64_t h = ((uint64_t)m->first * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)m->count << 2) ^ c;
        h ^= h >> 29;
        uint32_t j = (uint32_t)(h * 0xbf58476d1ce4e5b9ull >> 32) & (uint32_t)(cap - 1);
        for (;; j = (j + 1) & (uint32_t)(cap - 1)) {
            uint32_t k = seen[j];
            if (!k) {
                seen[j] = i + 1;
                rv->mfirst[i] = (uint32_t)rv->nclass[c];
                rv->nclass[c] += m->count;
                break;
            }
            const pal_matcher *o = &p->matchers[k - 1];
            if (o->first == m->first && o->count == m->count && class_of(o->kind) == c) {
                rv->mfirst[i] = rv->mfirst[k - 1];
                break;
            }
        }
        if (rv->nclass[c] > UINT32_MAX) { free(seen); return -1; }
    }
    free(seen);
    return 0;
}

/* Writes the items of every matcher that owns them (see plan_items). */
static void write_items(wr *w, const pal_program *p, const rev_override *rv, enum item_class c)
{
    uint64_t at = 0;
    for (uint32_t i = 0; i < p->nmatchers; i++) {
        const pal_matcher *m = &p->matchers[i];
        if (class_of(m->kind) != c || rv->mfirst[i] != at || !m->count) continue;
        for (uint32_t k = 0; k < m->count; k++) {
            const pal_mitem *it = &p->mitems[m->first + k];
            if (c == IC_STR) wstr(w, it->s);
            else if (c == IC_RANGE) { w64(w, (uint64_t)it->lo); w64(w, (uint64_t)it->hi); }
            else { wbytes(w, it->ip, 16); w8(w, it->prefix); w8(w, it->v6); w16(w, 0); }
        }
        at += m->count;
    }
}

static uint32_t section_count(const pal_program *p, const rev_override *rv, unsigned id)
{
    switch (id) {
    case S_MANIFEST: return 1;
    case S_SOURCES: return p->nsources;
    case S_STRINGS: return p->strings_len + (rv->s ? rv->len + 1 : 0);
    case S_CONSTS: return p->nconsts;
    case S_MATCHERS: return p->nmatchers;
    case S_MITEMS: return (uint32_t)rv->nclass[IC_STR];
    case S_MRANGES: return (uint32_t)rv->nclass[IC_RANGE];
    case S_MNETS: return (uint32_t)rv->nclass[IC_NET];
    case S_RULES: return p->nrules;
    case S_OUTCOMES: return p->noutcomes;
    case S_MSGPARTS: return p->nmsgparts;
    case S_META: return p->nmeta;
    case S_NETRULES: return p->nnetrules;
    case S_SEQS: return p->nseqs;
    case S_SEQPARTS: return p->nseqparts;
    case S_CODE: return p->ncode;
    case S_IXRULES: return p->nixrules;
    case S_IXATOMS: return p->nixatoms;
    default: return 0;
    }
}

static int write_const(wr *w, const pal_program *p, const pal_value *c)
{
    uint64_t payload = 0;
    switch (c->tag) {
    case PV_UNDEF: case PV_IP:
        break;
    case PV_BOOL: case PV_INT:
        payload = (uint64_t)c->u.i;
        break;
    case PV_STR: {
        uintptr_t s = (uintptr_t)c->u.s, lo = (uintptr_t)p->strings;
        if (!p->strings || s < lo || s - lo > p->strings_len || c->len > p->strings_len - (s - lo))
            return -1;
        payload = s - lo;
        break;
    }
    default:
        return -1;
    }
    w8(w, c->tag);
    w8(w, c->flags);
    w16(w, 0);
    w32(w, c->tag == PV_STR ? c->len : 0);
    w64(w, payload);
    if (c->tag == PV_IP) wbytes(w, c->u.ip, 16);
    else wbytes(w, (const unsigned char[16]){0}, 16);
    return 0;
}

static int write_section(wr *w, const pal_program *p, const rev_override *rv, unsigned id)
{
    switch (id) {
    case S_MANIFEST:
        if (rv->s) wstr(w, (pal_str){p->strings_len, rv->len});
        else wstr(w, p->revision);
        w64(w, (uint64_t)p->build_time);
        break;
    case S_SOURCES:
        for (uint32_t i = 0; i < p->nsources; i++) { wstr(w, p->sources[i].path); wstr(w, p->sources[i].sha256); }
        break;
    case S_STRINGS:
        wbytes(w, p->strings, p->strings_len);
        if (rv->s) { wbytes(w, rv->s, rv->len); w8(w, 0); }
        break;
    case S_CONSTS:
        for (uint32_t i = 0; i < p->nconsts; i++)
            if (write_const(w, p, &p->consts[i])) return -1;
        break;
    case S_MATCHERS:
        for (uint32_t i = 0; i < p->nmatchers; i++) {
            const pal_matcher *m = &p->matchers[i];
            w8(w, m->kind); w8(w, m->flags); w16(w, 0); w32(w, rv->mfirst[i]); w32(w, m->count);
        }
        break;
    case S_MITEMS: write_items(w, p, rv, IC_STR); break;
    case S_MRANGES: write_items(w, p, rv, IC_RANGE); break;
    case S_MNETS: write_items(w, p, rv, IC_NET); break;
    case S_RULES:
        for (uint32_t i = 0; i < p->nrules; i++) {
            const pal_rule *r = &p->rules[i];
            wstr(w, r->name); w8(w, r->kind); w8(w, r->kinds); w8(w, r->root); w8(w, 0);
            w16(w, r->nlocals); w16(w, r->max_stack); w32(w, r->code); w32(w, r->code_len);
            w32(w, r->outcome_first); w32(w, r->noutcomes); w32(w, r->meta_first); w32(w, r->nmeta);
            wstr(w, r->src_file); w32(w, r->src_line);
        }
        break;
    case S_OUTCOMES:
        for (uint32_t i = 0; i < p->noutcomes; i++) {
            const pal_outcome *o = &p->outcomes[i];
            w8(w, o->effect); w8(w, o->severity); w16(w, 0); wstr(w, o->label);
            w32(w, o->msg_first); w32(w, o->nmsg);
        }
        break;
    case S_MSGPARTS:
        for (uint32_t i = 0; i < p->nmsgparts; i++) {
            const pal_msgpart *m = &p->msgparts[i];
            w8(w, m->is_expr); w8(w, 0); w16(w, 0); wstr(w, m->s); w32(w, m->code); w32(w, m->code_len);
        }
        break;
    case S_META:
        for (uint32_t i = 0; i < p->nmeta; i++) { wstr(w, p->meta[i].key); wstr(w, p->meta[i].value); }
        break;
    case S_CODE:
        for (uint32_t i = 0; i < p->ncode; i++) w32(w, p->code[i]);
        break;
    case S_NETRULES:
        for (uint32_t i = 0; i < p->nnetrules; i++) {
            const pal_netrule *n = &p->netrules[i];
            w32(w, n->rule); w32(w, n->outcome);
            w8(w, n->action); w8(w, n->effect); w8(w, n->direction); w8(w, n->proto);
            w8(w, n->src_kind); w8(w, n->dst_kind); w16(w, 0);
            w32(w, n->src_m); w32(w, n->dst_m); w32(w, n->port_m); w32(w, n->scope_code); w32(w, n->scope_len);
        }
        break;
    case S_SEQS:
        for (uint32_t i = 0; i < p->nseqs; i++) {
            const pal_seq *q = &p->seqs[i];
            w8(w, q->type); w8(w, q->nsteps); w8(w, q->has_until); w8(w, q->nkeys);
            w8(w, q->effect); w8(w, q->severity); w16(w, 0);
            w32(w, q->step_first); w32(w, q->part_first); w32(w, q->nparts);
            w64(w, (uint64_t)q->within); w64(w, (uint64_t)q->threshold);
        }
        break;
    case S_SEQPARTS:
        for (uint32_t i = 0; i < p->nseqparts; i++) {
            const pal_seqpart *sp = &p->seqparts[i];
            w8(w, sp->kind); w8(w, sp->step); w16(w, sp->index); wstr(w, sp->text);
        }
        break;
    case S_IXRULES:
        for (uint32_t i = 0; i < p->nixrules; i++) {
            const pal_ixrule *h = &p->ixrules[i];
            w8(w, h->state); w8(w, 0); w16(w, 0); w32(w, h->first); w32(w, h->count);
        }
        break;
    case S_IXATOMS:
        for (uint32_t i = 0; i < p->nixatoms; i++) w32(w, p->ixatoms[i]);
        break;
    }
    return 0;
}

int pal_bundle_write(const pal_program *p, unsigned char **buf, size_t *len)
{
    return pal_bundle_write_rev(p, NULL, buf, len);
}

int pal_bundle_write_rev(const pal_program *p, const char *revision, unsigned char **buf, size_t *len)
{
    if (!p || !buf || !len) return -1;
    *buf = NULL;
    *len = 0;
    rev_override rv = {revision, 0, NULL, {0}};
    if (revision) {
        size_t n = strlen(revision);
        if (n > PAL_MAX_STRING_BYTES || (uint64_t)p->strings_len + n + 1 > UINT32_MAX) return -1;
        rv.len = (uint32_t)n;
    }
    /* a matcher's items must exist to be written (the verifier's check;
       pal_bundle_write may be given a program that was never prepared) */
    for (uint32_t i = 0; i < p->nmatchers; i++)
        if ((uint64_t)p->matchers[i].first + p->matchers[i].count > p->nmitems) return -1;
    if (plan_items(p, &rv)) { free(rv.mfirst); return -1; }
    uint64_t total = HEADER_SIZE;
    for (unsigned id = 1; id <= PAL_BUNDLE_NSECTIONS; id++)
        total += (uint64_t)section_count(p, &rv, id) * record_size[id];
    unsigned char *b = total > PAL_MAX_BUNDLE_BYTES ? NULL : calloc(1, (size_t)total);
    if (!b) { free(rv.mfirst); return -1; }

    wr w = {b};
    wbytes(&w, magic, sizeof magic);
    w32(&w, PAL_BUNDLE_VERSION);
    w32(&w, HEADER_SIZE);
    w64(&w, p->schema_digest);
    w64(&w, total);
    w.p += PAL_BUNDLE_CHECKSUM_BYTES;   /* filled in last */
    w32(&w, PAL_BUNDLE_NSECTIONS);
    w32(&w, 0);
    uint64_t off = HEADER_SIZE;
    for (unsigned id = 1; id <= PAL_BUNDLE_NSECTIONS; id++) {
        uint64_t n = section_count(p, &rv, id), bytes = n * record_size[id];
        w32(&w, id); w32(&w, (uint32_t)n); w64(&w, off); w64(&w, bytes);
        off += bytes;
    }
    for (unsigned id = 1; id <= PAL_BUNDLE_NSECTIONS; id++) {
        if (write_section(&w, p, &rv, id)) { free(b); free(rv.mfirst); return -1; }
    }
    free(rv.mfirst);
    pal_bundle_seal(b, (size_t)total);
    *buf = b;
    *len = (size_t)total;
    return 0;
}

/* ---- reading ---- */


typedef struct section { uint32_t count; const unsigned char *data; } section;

/* calloc of n records, never of zero bytes (so NULL always means failure) */
static void *alloc_n(size_t n, size_t size) { return calloc(n ? n : 1, size); }

static int read_sections(const unsigned char *buf, size_t len, section sec[], char *err, size_t cap)
{
    uint64_t expect_off = HEADER_SIZE;
    for (unsigned i = 0; i < PAL_BUNDLE_NSECTIONS; i++) {
        const unsigned char *e = buf + HEADER_FIXED + (size_t)i * SECTION_ENTRY;
        uint32_t id = get32(e), count = get32(e + 4);
        uint64_t off = get64(e + 8), length = get64(e + 16);
        if (id != i + 1)
            return pal_set_err(err, cap, "section table entry %u has id %u, expected %u (%s)", i, id, i + 1,
                        section_name[i + 1]);
        if (off != expect_off)
            return pal_set_err(err, cap, "%s section starts at byte %llu, expected %llu (sections are back to back)",
                        section_name[id], (unsigned long long)off, (unsigned long long)expect_off);
        if (length > len - off)
            return pal_set_err(err, cap, "%s section of %llu bytes at byte %llu runs past the end of the bundle (%zu bytes)",
                        section_name[id], (unsigned long long)length, (unsigned long long)off, len);
        if ((uint64_t)count * record_size[id] != length)
            return pal_set_err(err, cap, "%s section: %u records of %u bytes do not fill its %llu bytes",
                        section_name[id], count, record_size[id], (unsigned long long)length);
        sec[id].count = count;
        sec[id].data = buf + off;
        expect_off = off + length;
    }
    if (expect_off != len)
        return pal_set_err(err, cap, "%llu bytes after the last section", (unsigned long long)(len - expect_off));
    if (sec[S_MANIFEST].count != 1)
        return pal_set_err(err, cap, "manifest section holds %u records, not 1", sec[S_MANIFEST].count);
    if (sec[S_RULES].count > PAL_MAX_RULES)
        return pal_set_err(err, cap, "bundle holds %u rules; the limit is %u", sec[S_RULES].count, PAL_MAX_RULES);
    if (sec[S_CODE].count > PAL_MAX_CODE)
        return pal_set_err(err, cap, "bundle holds %u instructions; the limit is %u", sec[S_CODE].count, PAL_MAX_CODE);
    return 0;
}

static int nonzero(uint32_t v, const char *what, uint32_t i, char *err, size_t cap)
{
    return v ? pal_set_err(err, cap, "%s %u: reserved bytes are not zero", what, i) : 0;
}

/* Each section of the file into its array of the program, in file order.
   Records are read field by field (little-endian, fixed sizes), so a
   record's layout is visible here and in the diagram in bundle.h. */
static int decode_manifest(const section sec[], pal_program *p, char *err, size_t cap)
{
    rd r;
    r.p = sec[S_MANIFEST].data;
    p->revision = rstr(&r);
    p->build_time = (int64_t)r64(&r);

    /* strings: one spare NUL past the end, so even a hostile reference at
       the very end reads a terminator (the verifier still rejects it) */
    p->strings_len = sec[S_STRINGS].count;
    if (!(p->strings = malloc((size_t)p->strings_len + 1))) goto oom;
    if (p->strings_len) memcpy(p->strings, sec[S_STRINGS].data, p->strings_len);
    p->strings[p->strings_len] = '\0';

    p->nsources = sec[S_SOURCES].count;
    if (!(p->sources = alloc_n(p->nsources, sizeof *p->sources))) goto oom;
    r.p = sec[S_SOURCES].data;
    for (uint32_t i = 0; i < p->nsources; i++) { p->sources[i].path = rstr(&r); p->sources[i].sha256 = rstr(&r); }

    return 0;
oom:
    return pal_set_err(err, cap, "out of memory reading the bundle");
}

static int decode_consts(const section sec[], pal_program *p, char *err, size_t cap)
{
    rd r;
    p->nconsts = sec[S_CONSTS].count;
    if (!(p->consts = alloc_n(p->nconsts, sizeof *p->consts))) goto oom;
    r.p = sec[S_CONSTS].data;
    for (uint32_t i = 0; i < p->nconsts; i++) {
        pal_value *c = &p->consts[i];
        c->tag = r8(&r);
        c->flags = r8(&r);
        if (nonzero(r16(&r), "constant", i, err, cap)) return -1;
        uint32_t clen = r32(&r);
        uint64_t payload = r64(&r);
        uint8_t ip[16];
        rbytes(&r, ip, 16);
        switch (c->tag) {
        case PV_UNDEF: break;
        case PV_BOOL: case PV_INT: c->u.i = (int64_t)payload; break;
        case PV_IP: memcpy(c->u.ip, ip, 16); break;
        case PV_STR:
            if (payload > p->strings_len || clen > p->strings_len - payload)
                return pal_set_err(err, cap, "constant %u: string %llu+%u outside the %u-byte string blob", i,
                            (unsigned long long)payload, clen, p->strings_len);
            c->len = clen;
            c->u.s = p->strings + payload;
            break;
        default:
            return pal_set_err(err, cap, "constant %u: type %u is not a scalar", i, c->tag);
        }
    }

    return 0;
oom:
    return pal_set_err(err, cap, "out of memory reading the bundle");
}

static int decode_matchers(const section sec[], pal_program *p, char *err, size_t cap)
{
    rd r;
    p->nmatchers = sec[S_MATCHERS].count;
    if (!(p->matchers = alloc_n(p->nmatchers, sizeof *p->matchers))) goto oom;
    r.p = sec[S_MATCHERS].data;
    for (uint32_t i = 0; i < p->nmatchers; i++) {
        pal_matcher *m = &p->matchers[i];
        m->kind = r8(&r);
        m->flags = r8(&r);
        if (nonzero(r16(&r), "matcher", i, err, cap)) return -1;
        m->first = r32(&r);
        m->count = r32(&r);
    }

    /* the three item sections, one after another (see item_class) */
    uint32_t base[IC_N];
    uint64_t total = 0;
    for (int c = 0; c < IC_N; c++) {
        base[c] = (uint32_t)total;
        total += sec[class_section[c]].count;
    }
    if (total > UINT32_MAX) return pal_set_err(err, cap, "bundle holds %llu matcher items", (unsigned long long)total);
    for (uint32_t i = 0; i < p->nmatchers; i++) {
        pal_matcher *m = &p->matchers[i];
        enum item_class c = class_of(m->kind);
        uint32_t n = sec[class_section[c]].count;
        if ((uint64_t)m->first + m->count > n)
            return pal_set_err(err, cap, "matcher %u: items %u..%llu outside the %u %s", i, m->first,
                               (unsigned long long)m->first + m->count, n, section_name[class_section[c]]);
        m->first += base[c];
    }
    p->nmitems = (uint32_t)total;
    if (!(p->mitems = alloc_n(p->nmitems, sizeof *p->mitems))) goto oom;
    pal_mitem *it = p->mitems;
    r.p = sec[S_MITEMS].data;
    for (uint32_t i = 0; i < sec[S_MITEMS].count; i++, it++) it->s = rstr(&r);
    r.p = sec[S_MRANGES].data;
    for (uint32_t i = 0; i < sec[S_MRANGES].count; i++, it++) {
        it->lo = (int64_t)r64(&r);
        it->hi = (int64_t)r64(&r);
    }
    r.p = sec[S_MNETS].data;
    for (uint32_t i = 0; i < sec[S_MNETS].count; i++, it++) {
        rbytes(&r, it->ip, 16);
        it->prefix = r8(&r);
        it->v6 = r8(&r);
        if (nonzero(r16(&r), "matcher network", i, err, cap)) return -1;
    }

    return 0;
oom:
    return pal_set_err(err, cap, "out of memory reading the bundle");
}

static int decode_rules(const section sec[], pal_program *p, char *err, size_t cap)
{
    rd r;
    p->nrules = sec[S_RULES].count;
    if (!(p->rules = alloc_n(p->nrules, sizeof *p->rules))) goto oom;
    r.p = sec[S_RULES].data;
    for (uint32_t i = 0; i < p->nrules; i++) {
        pal_rule *ru = &p->rules[i];
        ru->name = rstr(&r);
        ru->kind = r8(&r);
        ru->kinds = r8(&r);
        ru->root = r8(&r);
        if (nonzero(r8(&r), "rule", i, err, cap)) return -1;
        ru->nlocals = r16(&r);
        ru->max_stack = r16(&r);
        ru->code = r32(&r);
        ru->code_len = r32(&r);
        ru->outcome_first = r32(&r);
        ru->noutcomes = r32(&r);
        ru->meta_first = r32(&r);
        ru->nmeta = r32(&r);
        ru->src_file = rstr(&r);
        ru->src_line = r32(&r);
    }

    return 0;
oom:
    return pal_set_err(err, cap, "out of memory reading the bundle");
}

static int decode_outcomes(const section sec[], pal_program *p, char *err, size_t cap)
{
    rd r;
    p->noutcomes = sec[S_OUTCOMES].count;
    if (!(p->outcomes = alloc_n(p->noutcomes, sizeof *p->outcomes))) goto oom;
    r.p = sec[S_OUTCOMES].data;
    for (uint32_t i = 0; i < p->noutcomes; i++) {
        pal_outcome *o = &p->outcomes[i];
        o->effect = r8(&r);
        o->severity = r8(&r);
        if (nonzero(r16(&r), "outcome", i, err, cap)) return -1;
        o->label = rstr(&r);
        o->msg_first = r32(&r);
        o->nmsg = r32(&r);
    }

    p->nmsgparts = sec[S_MSGPARTS].count;
    if (!(p->msgparts = alloc_n(p->nmsgparts, sizeof *p->msgparts))) goto oom;
    r.p = sec[S_MSGPARTS].data;
    for (uint32_t i = 0; i < p->nmsgparts; i++) {
        pal_msgpart *m = &p->msgparts[i];
        m->is_expr = r8(&r);
        if (nonzero(r8(&r), "message part", i, err, cap) || nonzero(r16(&r), "message part", i, err, cap))
            return -1;
        m->s = rstr(&r);
        m->code = r32(&r);
        m->code_len = r32(&r);
    }

    return 0;
oom:
    return pal_set_err(err, cap, "out of memory reading the bundle");
}

static int decode_meta_and_code(const section sec[], pal_program *p, char *err, size_t cap)
{
    rd r;
    p->nmeta = sec[S_META].count;
    if (!(p->meta = alloc_n(p->nmeta, sizeof *p->meta))) goto oom;
    r.p = sec[S_META].data;
    for (uint32_t i = 0; i < p->nmeta; i++) { p->meta[i].key = rstr(&r); p->meta[i].value = rstr(&r); }

    p->ncode = sec[S_CODE].count;
    if (!(p->code = alloc_n(p->ncode, sizeof *p->code))) goto oom;
    r.p = sec[S_CODE].data;
    for (uint32_t i = 0; i < p->ncode; i++) p->code[i] = r32(&r);

    p->nnetrules = sec[S_NETRULES].count;
    if (!(p->netrules = alloc_n(p->nnetrules, sizeof *p->netrules))) goto oom;
    r.p = sec[S_NETRULES].data;
    for (uint32_t i = 0; i < p->nnetrules; i++) {
        pal_netrule *n = &p->netrules[i];
        n->rule = r32(&r);
        n->outcome = r32(&r);
        n->action = r8(&r);
        n->effect = r8(&r);
        n->direction = r8(&r);
        n->proto = r8(&r);
        n->src_kind = r8(&r);
        n->dst_kind = r8(&r);
        if (nonzero(r16(&r), "network entry", i, err, cap)) return -1;
        n->src_m = r32(&r);
        n->dst_m = r32(&r);
        n->port_m = r32(&r);
        n->scope_code = r32(&r);
        n->scope_len = r32(&r);
    }

    p->nseqs = sec[S_SEQS].count;
    if (!(p->seqs = alloc_n(p->nseqs, sizeof *p->seqs))) goto oom;
    r.p = sec[S_SEQS].data;
    for (uint32_t i = 0; i < p->nseqs; i++) {
        pal_seq *q = &p->seqs[i];
        q->type = r8(&r);
        q->nsteps = r8(&r);
        q->has_until = r8(&r);
        q->nkeys = r8(&r);
        q->effect = r8(&r);
        q->severity = r8(&r);
        if (nonzero(r16(&r), "correlation", i, err, cap)) return -1;
        q->step_first = r32(&r);
        q->part_first = r32(&r);
        q->nparts = r32(&r);
        q->within = (int64_t)r64(&r);
        q->threshold = (int64_t)r64(&r);
    }
    p->nseqparts = sec[S_SEQPARTS].count;
    if (!(p->seqparts = alloc_n(p->nseqparts, sizeof *p->seqparts))) goto oom;
    r.p = sec[S_SEQPARTS].data;
    for (uint32_t i = 0; i < p->nseqparts; i++) {
        pal_seqpart *sp = &p->seqparts[i];
        sp->kind = r8(&r);
        sp->step = r8(&r);
        sp->index = r16(&r);
        sp->text = rstr(&r);
    }
    return 0;
oom:
    return pal_set_err(err, cap, "out of memory reading the bundle");
}

/* The index hints (program.h): taken as given here; the verifier checks
   they are in range and the index re-proves what they claim. */
static int decode_index_hints(const section sec[], pal_program *p, char *err, size_t cap)
{
    rd r;
    p->nixrules = sec[S_IXRULES].count;
    p->nixatoms = sec[S_IXATOMS].count;
    if (!(p->ixrules = alloc_n(p->nixrules, sizeof *p->ixrules)) || !(p->ixatoms = alloc_n(p->nixatoms, sizeof *p->ixatoms)))
        return pal_set_err(err, cap, "out of memory reading the bundle");
    r.p = sec[S_IXRULES].data;
    for (uint32_t i = 0; i < p->nixrules; i++) {
        pal_ixrule *h = &p->ixrules[i];
        h->state = r8(&r);
        uint32_t zero = r8(&r);
        zero |= r16(&r);
        h->first = r32(&r);
        h->count = r32(&r);
        if (nonzero(zero, "index hint", i, err, cap)) return -1;
    }
    r.p = sec[S_IXATOMS].data;
    for (uint32_t i = 0; i < p->nixatoms; i++) p->ixatoms[i] = r32(&r);
    return 0;
}

static int decode(const section sec[], pal_program *p, char *err, size_t cap)
{
    int (*const steps[])(const section[], pal_program *, char *, size_t) = {
        decode_manifest, decode_consts, decode_matchers, decode_rules, decode_outcomes, decode_meta_and_code,
        decode_index_hints};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (steps[i](sec, p, err, cap) != 0) return -1;
    return 0;
}

int pal_bundle_read(const unsigned char *buf, size_t len, pal_program **out, char *err, size_t cap)
{
    if (out) *out = NULL;
    if (err && cap) err[0] = '\0';
    if (!buf || !out) return pal_set_err(err, cap, "no bundle");
    if (len < HEADER_FIXED)
        return pal_set_err(err, cap, "bundle is truncated: %zu bytes, shorter than its %u-byte header", len, HEADER_FIXED);
    if (memcmp(buf, magic, sizeof magic) != 0)
        return pal_set_err(err, cap, "not a palisade bundle (bad magic); build one with 'palisade build'");
    uint32_t version = get32(buf + 8);
    if (version != PAL_BUNDLE_VERSION)
        return pal_set_err(err, cap, "bundle format version %u; this palisade reads version %u: rebuild the bundle with this palisade",
                    version, PAL_BUNDLE_VERSION);
    if (len > PAL_MAX_BUNDLE_BYTES)
        return pal_set_err(err, cap, "bundle is %zu bytes; the limit is %u", len, PAL_MAX_BUNDLE_BYTES);
    unsigned char sum[32];
    checksum(buf, len, sum);
    if (sodium_memcmp(sum, buf + PAL_BUNDLE_CHECKSUM_OFFSET, sizeof sum) != 0)
        return pal_set_err(err, cap, "bundle checksum mismatch: the file is corrupt or truncated");
    uint32_t header_size = get32(buf + 12);
    uint64_t digest = get64(buf + 16), total = get64(buf + 24);
    uint32_t nsections = get32(buf + 64), reserved = get32(buf + 68);
    if (total != len)
        return pal_set_err(err, cap, "bundle says it is %llu bytes but is %zu: the file is truncated or padded",
                    (unsigned long long)total, len);
    if (nsections != PAL_BUNDLE_NSECTIONS || header_size != HEADER_SIZE || reserved != 0)
        return pal_set_err(err, cap, "bundle header is malformed (%u sections, %u-byte header; expected %u and %u)",
                    nsections, header_size, PAL_BUNDLE_NSECTIONS, (unsigned)HEADER_SIZE);
    if (len < HEADER_SIZE)
        return pal_set_err(err, cap, "bundle is truncated inside its section table");
    if (digest != pal_schema_digest())
        return pal_set_err(err, cap, "bundle was built for a different input schema; rebuild it with this palisade");

    section sec[PAL_BUNDLE_NSECTIONS + 1];
    memset(sec, 0, sizeof sec);
    if (read_sections(buf, len, sec, err, cap)) return -1;

    pal_program *p = calloc(1, sizeof *p);
    if (!p) return pal_set_err(err, cap, "out of memory reading the bundle");
    p->schema_digest = digest;
    if (decode(sec, p, err, cap)) { pal_program_free(p); return -1; }
    char why[512];
    if (pal_program_prepare(p, why, sizeof why)) {
        pal_program_free(p);
        return pal_set_err(err, cap, "bundle does not verify: %s", why);
    }
    *out = p;
    return 0;
}

/* ---- files ---- */


int pal_bundle_save_signed(const pal_program *p, const char *path, const char *revision,
                           const pal_seckey *key, char *err, size_t cap)
{
    unsigned char *buf;
    size_t len;
    if (pal_bundle_write_rev(p, revision, &buf, &len))
        return pal_set_err(err, cap, "%s: cannot serialize the program (invalid constant, or over %u bytes)", path,
                    PAL_MAX_BUNDLE_BYTES);
    if (key) {
        unsigned char *signed_buf;
        size_t signed_len;
        char why[256];
        int rc = pal_bundle_sign(buf, len, key, &signed_buf, &signed_len, why, sizeof why);
        free(buf);
        if (rc) return pal_set_err(err, cap, "%s: %s", path, why);
        buf = signed_buf;
        len = signed_len;
    }
    int rc = pal_write_file_atomic(path, buf, len, 0644, err, cap);
    free(buf);
    return rc;
}

int pal_bundle_save(const pal_program *p, const char *path, char *err, size_t cap)
{
    return pal_bundle_save_signed(p, path, NULL, NULL, err, cap);
}


int pal_bundle_load_verified(const char *path, const pal_pubkey *trusted, pal_bundle_sig *sig,
                             pal_program **out, char *err, size_t cap)
{
    if (out) *out = NULL;
    unsigned char *buf;
    size_t len;
    char why[512];
    int r = pal_read_file(path, PAL_MAX_BUNDLE_BYTES + PAL_SIG_TRAILER_BYTES, (char **)&buf, &len, why, sizeof why);
    if (r == PAL_READ_TOO_LARGE)
        return pal_set_err(err, cap, "%s: larger than a bundle may be (%u bytes)", path, PAL_MAX_BUNDLE_BYTES);
    if (r != PAL_READ_OK) return pal_set_err(err, cap, "%s", why);
    int rc = pal_bundle_open(buf, len, trusted, sig, out, why, sizeof why);
    free(buf);
    if (rc) return pal_set_err(err, cap, "%s: %s", path, why);
    return 0;
}

int pal_bundle_load(const char *path, pal_program **out, char *err, size_t cap)
{
    return pal_bundle_load_verified(path, NULL, NULL, out, err, cap);
}

/* ---- keys ---- */

static const char sig_magic[8] = {'P', 'A', 'L', 'S', 'I', 'G', 'N', '\0'};
static const char sig_label[] = "palisade bundle signature v1\n";
enum { SIG_ALG_ED25519PH = 1, SIG_SIGNED_PREFIX = 64 };

static void key_id_of(const unsigned char pk[32], char id[PAL_KEY_ID_CHARS + 1])
{
    unsigned char h[32];
    crypto_hash_sha256(h, pk, 32);
    sodium_bin2hex(id, PAL_KEY_ID_CHARS + 1, h, PAL_KEY_ID_CHARS / 2);
}

int pal_key_generate(pal_pubkey *pub, pal_seckey *sec)
{
    if (sodium_init() < 0) return -1;
    if (crypto_sign_keypair(pub->pk, sec->sk) != 0) return -1;
    key_id_of(pub->pk, pub->id);
    memcpy(sec->id, pub->id, sizeof sec->id);
    return 0;
}

static char *format_key(const char *header, const char *comment, const char *id, const char *field,
                        const unsigned char *key)
{
    char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof b64, key, 32, sodium_base64_VARIANT_ORIGINAL);
    size_t n = strlen(header) + strlen(comment) + strlen(id) + strlen(field) + strlen(b64) + 64;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s\n# %s\nkey-id %s\n%s %s\n", header, comment, id, field, b64);
    sodium_memzero(b64, sizeof b64);
    return s;
}

char *pal_pubkey_format(const pal_pubkey *k)
{
    return format_key("palisade-public-key v1", "give this file to agents: palisade agent --verify-key FILE",
                      k->id, "ed25519", k->pk);
}

char *pal_seckey_format(const pal_seckey *k)
{
    return format_key("palisade-secret-key v1", "SECRET: signs bundles (palisade build --sign FILE); keep it mode 0600",
                      k->id, "ed25519-seed", k->sk);   /* the first 32 bytes are the seed */
}

/* Parses the three-line key format; `field` names the key line.  *key gets
   32 bytes. */
static int parse_key(const char *text, size_t len, const char *header, const char *field,
                     unsigned char key[32], char id[PAL_KEY_ID_CHARS + 1], char *err, size_t cap)
{
    if (len > PAL_MAX_KEY_FILE_BYTES) return pal_set_err(err, cap, "key file over %u bytes", PAL_MAX_KEY_FILE_BYTES);
    if (memchr(text, '\0', len)) return pal_set_err(err, cap, "not a palisade key file (binary data)");
    bool have_header = false, have_id = false, have_key = false;
    size_t pos = 0;
    unsigned lineno = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len, n = end - pos;
        const char *line = text + pos;
        pos = end + 1;
        lineno++;
        if (n && line[n - 1] == '\r') n--;
        while (n && (line[n - 1] == ' ' || line[n - 1] == '\t')) n--;
        if (n == 0 || line[0] == '#') continue;
        char buf[256];
        if (n >= sizeof buf) return pal_set_err(err, cap, "line %u is too long", lineno);
        memcpy(buf, line, n);
        buf[n] = 0;
        if (!have_header) {
            if (strcmp(buf, header) != 0)
                return pal_set_err(err, cap, "not a palisade key file: the first line must be '%s'%s", header,
                            !strncmp(buf, "palisade-", 9) ? " (is this the other half of the key pair?)" : "");
            have_header = true;
            continue;
        }
        char *sp = strchr(buf, ' ');
        if (!sp) return pal_set_err(err, cap, "line %u: expected 'key-id HEX' or '%s BASE64'", lineno, field);
        *sp = 0;
        const char *val = sp + 1;
        if (!strcmp(buf, "key-id")) {
            if (have_id) return pal_set_err(err, cap, "line %u: a second key-id", lineno);
            if (strlen(val) != PAL_KEY_ID_CHARS || strspn(val, "0123456789abcdef") != PAL_KEY_ID_CHARS)
                return pal_set_err(err, cap, "line %u: key-id must be %u lowercase hex digits", lineno, PAL_KEY_ID_CHARS);
            memcpy(id, val, PAL_KEY_ID_CHARS + 1);
            have_id = true;
        } else if (!strcmp(buf, field)) {
            if (have_key) return pal_set_err(err, cap, "line %u: a second %s line", lineno, field);
            size_t bin_len = 0;
            if (sodium_base642bin(key, 32, val, strlen(val), NULL, &bin_len, NULL,
                                  sodium_base64_VARIANT_ORIGINAL) != 0 || bin_len != 32) {
                sodium_memzero(buf, sizeof buf);
                return pal_set_err(err, cap, "line %u: %s is not 32 bytes of base64", lineno, field);
            }
            have_key = true;
        } else {
            return pal_set_err(err, cap, "line %u: unknown field '%s' (expected key-id and %s)", lineno, buf, field);
        }
        sodium_memzero(buf, sizeof buf);
    }
    if (!have_header) return pal_set_err(err, cap, "empty key file");
    if (!have_id || !have_key) return pal_set_err(err, cap, "the key file is cut short: no %s line", have_id ? field : "key-id");
    return 0;
}

int pal_pubkey_parse(const char *text, size_t len, pal_pubkey *out, char *err, size_t cap)
{
    if (sodium_init() < 0) return pal_set_err(err, cap, "libsodium failed to initialize");
    char id[PAL_KEY_ID_CHARS + 1];
    if (parse_key(text, len, "palisade-public-key v1", "ed25519", out->pk, id, err, cap)) return -1;
    key_id_of(out->pk, out->id);
    if (strcmp(id, out->id) != 0)
        return pal_set_err(err, cap, "key-id %s does not match the key (its id is %s): the file was altered", id, out->id);
    return 0;
}

int pal_seckey_parse(const char *text, size_t len, pal_seckey *out, char *err, size_t cap)
{
    if (sodium_init() < 0) return pal_set_err(err, cap, "libsodium failed to initialize");
    char id[PAL_KEY_ID_CHARS + 1];
    unsigned char seed[32], pk[32];
    int rc = parse_key(text, len, "palisade-secret-key v1", "ed25519-seed", seed, id, err, cap);
    if (rc == 0) {
        crypto_sign_seed_keypair(pk, out->sk, seed);
        key_id_of(pk, out->id);
        if (strcmp(id, out->id) != 0) {
            rc = pal_set_err(err, cap, "key-id %s does not match the key (its id is %s): the file was altered", id, out->id);
            sodium_memzero(out->sk, sizeof out->sk);
        }
    }
    sodium_memzero(seed, sizeof seed);
    return rc;
}

static int load_key_file(const char *path, bool secret, void *out, char *err, size_t cap)
{
    unsigned char *buf;
    size_t len;
    char why[300];
    if (pal_read_file(path, PAL_MAX_KEY_FILE_BYTES, (char **)&buf, &len, why, sizeof why) != PAL_READ_OK)
        return pal_set_err(err, cap, "%s", why);
    int rc = secret ? pal_seckey_parse((const char *)buf, len, out, why, sizeof why)
                    : pal_pubkey_parse((const char *)buf, len, out, why, sizeof why);
    sodium_memzero(buf, len);
    free(buf);
    if (rc) return pal_set_err(err, cap, "%s: %s", path, why);
    return 0;
}

int pal_pubkey_load(const char *path, pal_pubkey *out, char *err, size_t cap)
{
    return load_key_file(path, false, out, err, cap);
}

int pal_seckey_load(const char *path, pal_seckey *out, char *err, size_t cap)
{
    return load_key_file(path, true, out, err, cap);
}

/* ---- signatures ---- */

static void sig_message(crypto_sign_state *st, const unsigned char *body, size_t len, const unsigned char *trailer)
{
    crypto_sign_init(st);
    crypto_sign_update(st, (const unsigned char *)sig_label, sizeof sig_label - 1);
    crypto_sign_update(st, body, len);
    crypto_sign_update(st, trailer, SIG_SIGNED_PREFIX);
}

int pal_bundle_sign(const unsigned char *body, size_t len, const pal_seckey *k,
                    unsigned char **out, size_t *outlen, char *err, size_t cap)
{
    *out = NULL;
    *outlen = 0;
    if (sodium_init() < 0) return pal_set_err(err, cap, "libsodium failed to initialize");
    if (len < HEADER_FIXED || memcmp(body, magic, sizeof magic) != 0 || get64(body + 24) != len)
        return pal_set_err(err, cap, "not an unsigned bundle: only a bundle as 'palisade build' writes it can be signed");
    if (len > PAL_MAX_BUNDLE_BYTES) return pal_set_err(err, cap, "bundle over %u bytes", PAL_MAX_BUNDLE_BYTES);
    unsigned char *b = malloc(len + PAL_SIG_TRAILER_BYTES);
    if (!b) return pal_set_err(err, cap, "out of memory");
    memcpy(b, body, len);
    unsigned char *t = b + len;
    const unsigned char *pk = k->sk + 32;
    unsigned char id_bin[8];
    sodium_hex2bin(id_bin, sizeof id_bin, k->id, PAL_KEY_ID_CHARS, NULL, NULL, NULL);
    wr w = {t};
    wbytes(&w, sig_magic, sizeof sig_magic);
    w32(&w, PAL_SIG_TRAILER_BYTES);
    w32(&w, SIG_ALG_ED25519PH);
    w64(&w, len);
    wbytes(&w, id_bin, sizeof id_bin);
    wbytes(&w, pk, 32);
    crypto_sign_state st;
    sig_message(&st, b, len, t);
    crypto_sign_final_create(&st, t + SIG_SIGNED_PREFIX, NULL, k->sk);
    *out = b;
    *outlen = len + PAL_SIG_TRAILER_BYTES;
    return 0;
}

const char *pal_sig_state_name(pal_sig_state s)
{
    switch (s) {
    case PAL_SIG_UNSIGNED: return "unsigned";
    case PAL_SIG_INTACT: return "signed";
    case PAL_SIG_VALID: return "valid";
    case PAL_SIG_OTHER_KEY: return "other-key";
    case PAL_SIG_INVALID: return "invalid";
    }
    return "invalid";
}

int pal_bundle_check_signature(const unsigned char *buf, size_t len, const pal_pubkey *trusted,
                               pal_bundle_sig *sig, char *err, size_t cap)
{
    pal_bundle_sig local;
    if (!sig) sig = &local;
    memset(sig, 0, sizeof *sig);
    sig->state = PAL_SIG_UNSIGNED;
    sig->body_len = len;
    if (err && cap) err[0] = 0;
    if (!buf) return pal_set_err(err, cap, "no bundle");
    /* The body's own length says whether a trailer follows.  A file too
       short to say, or whose length matches neither, is left to the body
       reader, which names what is wrong with it. */
    bool has_trailer = len >= HEADER_FIXED + PAL_SIG_TRAILER_BYTES && memcmp(buf, magic, sizeof magic) == 0 &&
                       get64(buf + 24) == len - PAL_SIG_TRAILER_BYTES;
    if (!has_trailer) {
        if (trusted && len >= 32 && memcmp(buf, magic, sizeof magic) == 0 && get64(buf + 24) != len)
            return pal_set_err(err, cap, "bundle is cut short or padded (it says %llu bytes, there are %zu): the file is "
                        "corrupt or still being written", (unsigned long long)get64(buf + 24), len);
        if (trusted)
            return pal_set_err(err, cap, "bundle is not signed, and --verify-key (key %s) accepts only bundles it signed: "
                        "sign it with 'palisade build --sign KEY'", trusted->id);
        return 0;
    }
    if (sodium_init() < 0) return pal_set_err(err, cap, "libsodium failed to initialize");
    size_t body_len = len - PAL_SIG_TRAILER_BYTES;
    const unsigned char *t = buf + body_len;
    sig->body_len = body_len;
    sig->state = PAL_SIG_INVALID;
    sodium_bin2hex(sig->key_id, sizeof sig->key_id, t + 24, 8);
    char derived[PAL_KEY_ID_CHARS + 1];
    key_id_of(t + 32, derived);
    if (memcmp(t, sig_magic, sizeof sig_magic) != 0 || get32(t + 8) != PAL_SIG_TRAILER_BYTES ||
        get32(t + 12) != SIG_ALG_ED25519PH || get64(t + 16) != body_len || strcmp(derived, sig->key_id) != 0)
        return pal_set_err(err, cap, "bundle signature trailer is malformed: the file is corrupt or was altered after signing");
    crypto_sign_state st;
    sig_message(&st, buf, body_len, t);
    if (crypto_sign_final_verify(&st, t + SIG_SIGNED_PREFIX, t + 32) != 0)
        return pal_set_err(err, cap, "bundle signature does not verify (signed by key %s): the file was altered after signing",
                    sig->key_id);
    if (!trusted) {
        sig->state = PAL_SIG_INTACT;
        return 0;
    }
    if (sodium_memcmp(t + 32, trusted->pk, 32) != 0) {
        sig->state = PAL_SIG_OTHER_KEY;
        return pal_set_err(err, cap, "bundle is signed by key %s, not by the trusted key %s", sig->key_id, trusted->id);
    }
    sig->state = PAL_SIG_VALID;
    return 0;
}

int pal_bundle_open(const unsigned char *buf, size_t len, const pal_pubkey *trusted,
                    pal_bundle_sig *sig, pal_program **out, char *err, size_t cap)
{
    if (out) *out = NULL;
    pal_bundle_sig local;
    if (!sig) sig = &local;
    if (pal_bundle_check_signature(buf, len, trusted, sig, err, cap)) return -1;
    return pal_bundle_read(buf, sig->body_len, out, err, cap);
}
