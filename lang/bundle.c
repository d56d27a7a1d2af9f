/*
 * bundle.c — writing and reading bundle files (the layout is drawn in
 * bundle.h).
 *
 * Design. Writing is two passes over the program: sizes first (so the file
 * is one allocation), then the records, field by field, little-endian.
 * Reading assumes the file was crafted to hurt: it checks, in this order,
 * the magic, the exact format version, the SHA-256 (so a corrupt or
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
 * Signatures (manifest, later) are what will say who built a bundle.
 */
#include "bundle.h"
#include "limits.h"
#include "schema.h"
#include "vm.h"

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

static const unsigned char magic[8] = {'P', 'A', 'L', 'B', 'N', 'D', 'L', '\0'};

enum {
    HEADER_FIXED = 72,
    SECTION_ENTRY = 24,
    HEADER_SIZE = HEADER_FIXED + SECTION_ENTRY * PAL_BUNDLE_NSECTIONS,
};

enum section_id {
    S_MANIFEST = 1, S_SOURCES, S_STRINGS, S_CONSTS, S_MATCHERS, S_MITEMS,
    S_RULES, S_OUTCOMES, S_MSGPARTS, S_META, S_CODE
};

/* record sizes, indexed by section id */
static const uint32_t record_size[PAL_BUNDLE_NSECTIONS + 1] = {
    [S_MANIFEST] = 16, [S_SOURCES] = 16, [S_STRINGS] = 1, [S_CONSTS] = 32,
    [S_MATCHERS] = 12, [S_MITEMS] = 44, [S_RULES] = 52, [S_OUTCOMES] = 20,
    [S_MSGPARTS] = 20, [S_META] = 16, [S_CODE] = 4,
};

static const char *const section_name[PAL_BUNDLE_NSECTIONS + 1] = {
    [S_MANIFEST] = "manifest", [S_SOURCES] = "sources", [S_STRINGS] = "strings",
    [S_CONSTS] = "constants", [S_MATCHERS] = "matchers", [S_MITEMS] = "matcher items",
    [S_RULES] = "rules", [S_OUTCOMES] = "outcomes", [S_MSGPARTS] = "message parts",
    [S_META] = "metadata", [S_CODE] = "code",
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

/* SHA-256 of the file with the checksum field read as zeros. */
static void checksum(const unsigned char *buf, size_t len, unsigned char out[32])
{
    static const unsigned char zeros[PAL_BUNDLE_CHECKSUM_BYTES];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, buf, PAL_BUNDLE_CHECKSUM_OFFSET);
    crypto_hash_sha256_update(&st, zeros, sizeof zeros);
    crypto_hash_sha256_update(&st, buf + PAL_BUNDLE_CHECKSUM_OFFSET + PAL_BUNDLE_CHECKSUM_BYTES,
                              len - PAL_BUNDLE_CHECKSUM_OFFSET - PAL_BUNDLE_CHECKSUM_BYTES);
    crypto_hash_sha256_final(&st, out);
}

void pal_bundle_seal(unsigned char *buf, size_t len)
{
    if (!buf || len < HEADER_FIXED) return;
    checksum(buf, len, buf + PAL_BUNDLE_CHECKSUM_OFFSET);
}

/* ---- writing ---- */

static uint32_t section_count(const pal_program *p, unsigned id)
{
    switch (id) {
    case S_MANIFEST: return 1;
    case S_SOURCES: return p->nsources;
    case S_STRINGS: return p->strings_len;
    case S_CONSTS: return p->nconsts;
    case S_MATCHERS: return p->nmatchers;
    case S_MITEMS: return p->nmitems;
    case S_RULES: return p->nrules;
    case S_OUTCOMES: return p->noutcomes;
    case S_MSGPARTS: return p->nmsgparts;
    case S_META: return p->nmeta;
    default: return p->ncode;
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

static int write_section(wr *w, const pal_program *p, unsigned id)
{
    switch (id) {
    case S_MANIFEST:
        wstr(w, p->revision);
        w64(w, (uint64_t)p->build_time);
        break;
    case S_SOURCES:
        for (uint32_t i = 0; i < p->nsources; i++) { wstr(w, p->sources[i].path); wstr(w, p->sources[i].sha256); }
        break;
    case S_STRINGS:
        wbytes(w, p->strings, p->strings_len);
        break;
    case S_CONSTS:
        for (uint32_t i = 0; i < p->nconsts; i++)
            if (write_const(w, p, &p->consts[i])) return -1;
        break;
    case S_MATCHERS:
        for (uint32_t i = 0; i < p->nmatchers; i++) {
            const pal_matcher *m = &p->matchers[i];
            w8(w, m->kind); w8(w, m->flags); w16(w, 0); w32(w, m->first); w32(w, m->count);
        }
        break;
    case S_MITEMS:
        for (uint32_t i = 0; i < p->nmitems; i++) {
            const pal_mitem *it = &p->mitems[i];
            wstr(w, it->s); w64(w, (uint64_t)it->lo); w64(w, (uint64_t)it->hi);
            wbytes(w, it->ip, 16); w8(w, it->prefix); w8(w, it->v6); w16(w, 0);
        }
        break;
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
    }
    return 0;
}

int pal_bundle_write(const pal_program *p, unsigned char **buf, size_t *len)
{
    if (!p || !buf || !len) return -1;
    *buf = NULL;
    *len = 0;
    uint64_t total = HEADER_SIZE;
    for (unsigned id = 1; id <= PAL_BUNDLE_NSECTIONS; id++)
        total += (uint64_t)section_count(p, id) * record_size[id];
    if (total > PAL_MAX_BUNDLE_BYTES) return -1;
    unsigned char *b = calloc(1, (size_t)total);
    if (!b) return -1;

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
        uint64_t n = section_count(p, id), bytes = n * record_size[id];
        w32(&w, id); w32(&w, (uint32_t)n); w64(&w, off); w64(&w, bytes);
        off += bytes;
    }
    for (unsigned id = 1; id <= PAL_BUNDLE_NSECTIONS; id++) {
        if (write_section(&w, p, id)) { free(b); return -1; }
    }
    pal_bundle_seal(b, (size_t)total);
    *buf = b;
    *len = (size_t)total;
    return 0;
}

/* ---- reading ---- */

static int fail(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t cap, const char *fmt, ...)
{
    if (err && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, cap, fmt, ap);
        va_end(ap);
    }
    return -1;
}

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
            return fail(err, cap, "section table entry %u has id %u, expected %u (%s)", i, id, i + 1,
                        section_name[i + 1]);
        if (off != expect_off)
            return fail(err, cap, "%s section starts at byte %llu, expected %llu (sections are back to back)",
                        section_name[id], (unsigned long long)off, (unsigned long long)expect_off);
        if (length > len - off)
            return fail(err, cap, "%s section of %llu bytes at byte %llu runs past the end of the bundle (%zu bytes)",
                        section_name[id], (unsigned long long)length, (unsigned long long)off, len);
        if ((uint64_t)count * record_size[id] != length)
            return fail(err, cap, "%s section: %u records of %u bytes do not fill its %llu bytes",
                        section_name[id], count, record_size[id], (unsigned long long)length);
        sec[id].count = count;
        sec[id].data = buf + off;
        expect_off = off + length;
    }
    if (expect_off != len)
        return fail(err, cap, "%llu bytes after the last section", (unsigned long long)(len - expect_off));
    if (sec[S_MANIFEST].count != 1)
        return fail(err, cap, "manifest section holds %u records, not 1", sec[S_MANIFEST].count);
    if (sec[S_RULES].count > PAL_MAX_RULES)
        return fail(err, cap, "bundle holds %u rules; the limit is %u", sec[S_RULES].count, PAL_MAX_RULES);
    if (sec[S_CODE].count > PAL_MAX_CODE)
        return fail(err, cap, "bundle holds %u instructions; the limit is %u", sec[S_CODE].count, PAL_MAX_CODE);
    return 0;
}

static int nonzero(uint32_t v, const char *what, uint32_t i, char *err, size_t cap)
{
    return v ? fail(err, cap, "%s %u: reserved bytes are not zero", what, i) : 0;
}

static int decode(const section sec[], pal_program *p, char *err, size_t cap)
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
                return fail(err, cap, "constant %u: string %llu+%u outside the %u-byte string blob", i,
                            (unsigned long long)payload, clen, p->strings_len);
            c->len = clen;
            c->u.s = p->strings + payload;
            break;
        default:
            return fail(err, cap, "constant %u: type %u is not a scalar", i, c->tag);
        }
    }

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

    p->nmitems = sec[S_MITEMS].count;
    if (!(p->mitems = alloc_n(p->nmitems, sizeof *p->mitems))) goto oom;
    r.p = sec[S_MITEMS].data;
    for (uint32_t i = 0; i < p->nmitems; i++) {
        pal_mitem *it = &p->mitems[i];
        it->s = rstr(&r);
        it->lo = (int64_t)r64(&r);
        it->hi = (int64_t)r64(&r);
        rbytes(&r, it->ip, 16);
        it->prefix = r8(&r);
        it->v6 = r8(&r);
        if (nonzero(r16(&r), "matcher item", i, err, cap)) return -1;
    }

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

    p->nmeta = sec[S_META].count;
    if (!(p->meta = alloc_n(p->nmeta, sizeof *p->meta))) goto oom;
    r.p = sec[S_META].data;
    for (uint32_t i = 0; i < p->nmeta; i++) { p->meta[i].key = rstr(&r); p->meta[i].value = rstr(&r); }

    p->ncode = sec[S_CODE].count;
    if (!(p->code = alloc_n(p->ncode, sizeof *p->code))) goto oom;
    r.p = sec[S_CODE].data;
    for (uint32_t i = 0; i < p->ncode; i++) p->code[i] = r32(&r);
    return 0;
oom:
    return fail(err, cap, "out of memory reading the bundle");
}

int pal_bundle_read(const unsigned char *buf, size_t len, pal_program **out, char *err, size_t cap)
{
    if (out) *out = NULL;
    if (err && cap) err[0] = '\0';
    if (!buf || !out) return fail(err, cap, "no bundle");
    if (len < HEADER_FIXED)
        return fail(err, cap, "bundle is truncated: %zu bytes, shorter than its %u-byte header", len, HEADER_FIXED);
    if (memcmp(buf, magic, sizeof magic) != 0)
        return fail(err, cap, "not a palisade bundle (bad magic); build one with 'palisade build'");
    uint32_t version = get32(buf + 8);
    if (version != PAL_BUNDLE_VERSION)
        return fail(err, cap, "bundle format version %u; this palisade reads version %u: rebuild the bundle with this palisade",
                    version, PAL_BUNDLE_VERSION);
    if (len > PAL_MAX_BUNDLE_BYTES)
        return fail(err, cap, "bundle is %zu bytes; the limit is %u", len, PAL_MAX_BUNDLE_BYTES);
    unsigned char sum[32];
    checksum(buf, len, sum);
    if (sodium_memcmp(sum, buf + PAL_BUNDLE_CHECKSUM_OFFSET, sizeof sum) != 0)
        return fail(err, cap, "bundle checksum mismatch: the file is corrupt or truncated");
    uint32_t header_size = get32(buf + 12);
    uint64_t digest = get64(buf + 16), total = get64(buf + 24);
    uint32_t nsections = get32(buf + 64), reserved = get32(buf + 68);
    if (total != len)
        return fail(err, cap, "bundle says it is %llu bytes but is %zu: the file is truncated or padded",
                    (unsigned long long)total, len);
    if (nsections != PAL_BUNDLE_NSECTIONS || header_size != HEADER_SIZE || reserved != 0)
        return fail(err, cap, "bundle header is malformed (%u sections, %u-byte header; expected %u and %u)",
                    nsections, header_size, PAL_BUNDLE_NSECTIONS, (unsigned)HEADER_SIZE);
    if (len < HEADER_SIZE)
        return fail(err, cap, "bundle is truncated inside its section table");
    if (digest != pal_schema_digest())
        return fail(err, cap, "bundle was built for a different input schema; rebuild it with this palisade");

    section sec[PAL_BUNDLE_NSECTIONS + 1];
    memset(sec, 0, sizeof sec);
    if (read_sections(buf, len, sec, err, cap)) return -1;

    pal_program *p = calloc(1, sizeof *p);
    if (!p) return fail(err, cap, "out of memory reading the bundle");
    p->schema_digest = digest;
    if (decode(sec, p, err, cap)) { pal_program_free(p); return -1; }
    char why[512];
    if (pal_program_prepare(p, why, sizeof why)) {
        pal_program_free(p);
        return fail(err, cap, "bundle does not verify: %s", why);
    }
    *out = p;
    return 0;
}

/* ---- files ---- */

int pal_bundle_save(const pal_program *p, const char *path, char *err, size_t cap)
{
    unsigned char *buf;
    size_t len;
    if (pal_bundle_write(p, &buf, &len))
        return fail(err, cap, "%s: cannot serialize the program (invalid constant, or over %u bytes)", path,
                    PAL_MAX_BUNDLE_BYTES);
    size_t tlen = strlen(path) + 32;
    char *tmp = malloc(tlen);
    if (!tmp) { free(buf); return fail(err, cap, "%s: out of memory", path); }
    snprintf(tmp, tlen, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        int e = errno;
        free(buf); free(tmp);
        return fail(err, cap, "%s: cannot create: %s", path, strerror(e));
    }
    size_t done = 0;
    int e = 0;
    while (done < len) {
        ssize_t n = write(fd, buf + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) { e = n < 0 ? errno : EIO; break; }
        done += (size_t)n;
    }
    if (!e && fsync(fd) != 0) e = errno;
    if (close(fd) != 0 && !e) e = errno;
    if (!e && rename(tmp, path) != 0) e = errno;
    if (e) unlink(tmp);
    free(buf);
    free(tmp);
    if (e) return fail(err, cap, "%s: cannot write: %s", path, strerror(e));
    return 0;
}

int pal_bundle_load(const char *path, pal_program **out, char *err, size_t cap)
{
    if (out) *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(err, cap, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return fail(err, cap, "%s: cannot stat: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return fail(err, cap, "%s: not a regular file", path);
    }
    if (st.st_size > (off_t)PAL_MAX_BUNDLE_BYTES) {
        close(fd);
        return fail(err, cap, "%s: %lld bytes; a bundle may be at most %u bytes", path, (long long)st.st_size,
                    PAL_MAX_BUNDLE_BYTES);
    }
    /* read at most one byte more than the limit: the file may grow under us */
    size_t want = (size_t)st.st_size, len = 0;
    unsigned char *buf = malloc(want + 1);
    if (!buf) { close(fd); return fail(err, cap, "%s: out of memory", path); }
    for (;;) {
        ssize_t n = read(fd, buf + len, want + 1 - len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            free(buf); close(fd);
            return fail(err, cap, "%s: cannot read: %s", path, strerror(e));
        }
        if (n == 0) break;
        len += (size_t)n;
        if (len > want) {
            free(buf); close(fd);
            return fail(err, cap, "%s: the file changed while it was read; try again", path);
        }
    }
    close(fd);
    char why[512];
    int rc = pal_bundle_read(buf, len, out, why, sizeof why);
    free(buf);
    if (rc) return fail(err, cap, "%s: %s", path, why);
    return 0;
}
