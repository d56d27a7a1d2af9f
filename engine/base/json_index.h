/*
 * json_index.h — the strict pull reader of json.h for "plain" texts, over a
 * structural index built sixteen bytes at a time: a hot loop's reader.
 *
 * Design.  Most event lines are plain: every byte is printable ASCII
 * (0x20..0x7E).  In such a text no string holds a control byte or UTF-8 to
 * check, and whitespace can only be spaces.  pal_jx_build classifies the
 * whole text in one vector pass into three bitmaps, one bit per byte:
 *
 *   quote   every '"' that is not escaped (each opens or closes a string)
 *   bslash  every backslash (a string holding one is unescaped and its
 *           escapes checked when it is read; most hold none)
 *   token   where something starts outside strings: a structural byte
 *           ({ } [ ] : ,), an opening quote, or the first byte of a run of
 *           other non-space bytes (a number or a literal, or junk)
 *
 * Escaped bytes are found from the runs of backslashes, inside-string bits
 * are a prefix XOR of the quotes (both as in simdjson).  The reader then
 * steps from token to token with a count-trailing-zeros, never looking at
 * the bytes of strings or spaces again; only numbers, literals and the
 * escapes of strings that have them are read byte by byte, as json.c
 * reads them.
 *
 * It accepts exactly what pal_json accepts, for the texts it takes: every
 * byte between two tokens is a space or inside a string, so checking the
 * tokens' order (the same states as json.c) and each number's and
 * literal's spelling up to the end of its run checks the whole text.  It
 * refuses more than pal_json: a text that is not plain, longer than
 * PAL_JX_MAX_TEXT, or invalid in any way just makes it fail, with no
 * reason and no position — the caller then reads the text with pal_json,
 * which gives the verdict and the message.  So callers treat a failure as
 * "read it the other way", never as "invalid".  tests/unit/test_json_index.c
 * holds both readers to the same events on every text it has.
 *
 * The functions are static inline so that a caller's loop (the event
 * decoder's fast path, engine/decode/decode_fast.c) compiles into one
 * function.  The reader owns nothing; the index is the caller's (on the
 * stack: 2 KiB per 8 KiB of text).
 */
#ifndef PAL_JSON_INDEX_H
#define PAL_JSON_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "engine/base/json.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define PAL_JX_MAX_TEXT  8192u                         /* longer texts are not indexed */
#define PAL_JX_WORDS     (PAL_JX_MAX_TEXT / 64u)
#define PAL_JX_MAX_DEPTH 128u                          /* the most max_depth can be */
#define PAL_JX_NONE      SIZE_MAX                      /* no token left */

/* The steps are forced inline: each is a few instructions, and a caller's
   loop made of calls to them would be mostly calls. */
#define PAL_JX_STEP static inline __attribute__((always_inline))

typedef struct pal_jx_index {
    uint64_t token[PAL_JX_WORDS];
    uint64_t quote[PAL_JX_WORDS];
    uint64_t bslash[PAL_JX_WORDS];
    size_t nwords;
    bool any_bslash;
} pal_jx_index;

enum { PAL_JX_VALUE = 0, PAL_JX_OPEN, PAL_JX_AFTER };   /* json.c's ST_* */

typedef struct pal_jx {
    const char *text;
    size_t len;
    const pal_jx_index *ix;
    size_t w;              /* the token word being read */
    uint64_t rest;         /* its tokens not yet taken */
    size_t t;              /* the next token's offset, or PAL_JX_NONE */
    size_t pos;            /* just after what was consumed last */
    size_t max_number;     /* as pal_json_opts; 0 = no limit */
    uint8_t state;
    uint32_t depth, max_depth;
    uint64_t objects[PAL_JX_MAX_DEPTH / 64];   /* bit d: the container at depth d is an object */
    /* err apart from state: next to it, a compiler tests both with one
       16-bit load after two 8-bit stores, which cannot be forwarded from
       the store buffer (a stall of a dozen cycles per token) */
    bool err;
} pal_jx;

/* ---- the index ---- */

static inline uint64_t pal_jx_prefix_xor(uint64_t x)
{
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
}

/* The bytes a backslash escapes, from a block's backslashes (simdjson's
   find_escaped_branchless: a run of backslashes escapes every other byte,
   starting from the run's first).  *carry: the last byte of the block
   before was an escaping backslash (0 or 1), updated for the next. */
static inline uint64_t pal_jx_escaped(uint64_t bs, uint64_t *carry)
{
    const uint64_t even = 0x5555555555555555ull;
    bs &= ~*carry;                                /* escaped itself: not an escape */
    uint64_t follows = bs << 1 | *carry;
    uint64_t odd_starts = bs & ~even & ~follows;
    uint64_t even_seq;
    *carry = __builtin_add_overflow(odd_starts, bs, &even_seq) ? 1u : 0u;
    return (even ^ (even_seq << 1)) & follows;
}

/* One 64-byte block's classes as bitmaps; false when a byte is not plain. */
static inline bool pal_jx_block(const unsigned char *b, uint64_t *quote, uint64_t *structural, uint64_t *space,
                                uint64_t *bslash)
{
#if defined(__SSE2__)
    uint64_t q = 0, st = 0, sp = 0, bs = 0, bad = 0;
    const __m128i vq = _mm_set1_epi8('"'), vbs = _mm_set1_epi8('\\'), vsp = _mm_set1_epi8(' ');
    const __m128i vcolon = _mm_set1_epi8(':'), vcomma = _mm_set1_epi8(','), v20 = _mm_set1_epi8(0x20);
    const __m128i vopen = _mm_set1_epi8('{'), vclose = _mm_set1_epi8('}'), vctl = _mm_set1_epi8(0x1F);
    const __m128i vdel = _mm_set1_epi8(0x7F);
    for (unsigned k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * k));
        __m128i lo = _mm_or_si128(v, v20);   /* '[' -> '{', ']' -> '}' */
        __m128i s = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(lo, vopen), _mm_cmpeq_epi8(lo, vclose)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, vcolon), _mm_cmpeq_epi8(v, vcomma)));
        __m128i x = _mm_or_si128(_mm_cmpeq_epi8(v, vdel), _mm_cmpeq_epi8(_mm_max_epu8(v, vctl), vctl));
        unsigned sh = 16 * k;
        q |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vq)) << sh;
        st |= (uint64_t)(unsigned)_mm_movemask_epi8(s) << sh;
        sp |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vsp)) << sh;
        bs |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vbs)) << sh;
        bad |= (uint64_t)(unsigned)(_mm_movemask_epi8(x) | _mm_movemask_epi8(v)) << sh;   /* | high bit */
    }
    if (bad) return false;
#else
    uint64_t q = 0, st = 0, sp = 0, bs = 0;
    for (unsigned i = 0; i < 64; i++) {
        unsigned c = b[i];
        if (c < 0x20 || c >= 0x7F) return false;
        uint64_t bit = 1ull << i;
        if (c == '"') q |= bit;
        else if (c == '\\') bs |= bit;
        else if (c == ' ') sp |= bit;
        else if (c == '{' || c == '}' || c == '[' || c == ']' || c == ':' || c == ',') st |= bit;
    }
#endif
    *quote = q;
    *structural = st;
    *space = sp;
    *bslash = bs;
    return true;
}

/* Indexes text[0..len); false when it is empty, longer than
   PAL_JX_MAX_TEXT, not plain, or ends inside a string. */
static inline bool pal_jx_build(pal_jx_index *ix, const char *text, size_t len)
{
    if (len == 0 || len > PAL_JX_MAX_TEXT) return false;
    const unsigned char *s = (const unsigned char *)text;
    size_t nw = (len + 63) / 64;
    uint64_t in_string = 0, scalar_carry = 0, esc_carry = 0;   /* from the block before */
    uint64_t any_bs = 0;
    for (size_t w = 0; w < nw; w++) {
        unsigned char pad[64];
        const unsigned char *b = s + 64 * w;
        if (64 * w + 64 > len) {                  /* the last block, padded with spaces */
            memset(pad, ' ', sizeof pad);
            memcpy(pad, b, len - 64 * w);
            b = pad;
        }
        uint64_t q, st, sp, bs;
        if (!pal_jx_block(b, &q, &st, &sp, &bs)) return false;
        if (bs | esc_carry) q &= ~pal_jx_escaped(bs, &esc_carry);
        any_bs |= bs;
        uint64_t inside = pal_jx_prefix_xor(q) ^ in_string;   /* opening quote .. before the closing one */
        in_string = (uint64_t)((int64_t)inside >> 63);
        uint64_t outside = ~(inside | q);
        uint64_t scalar = outside & ~st & ~sp;
        uint64_t starts = scalar & ~((scalar << 1) | scalar_carry);
        scalar_carry = scalar >> 63;
        ix->token[w] = (st & outside) | (q & inside) | starts;
        ix->quote[w] = q;
        ix->bslash[w] = bs;
    }
    if (in_string) return false;
    ix->nwords = nw;
    ix->any_bslash = any_bs != 0;
    return true;
}

/* ---- the reader ---- */

PAL_JX_STEP void pal_jx_advance(pal_jx *r)
{
    while (!r->rest) {
        if (++r->w >= r->ix->nwords) { r->t = PAL_JX_NONE; return; }
        r->rest = r->ix->token[r->w];
    }
    r->t = 64 * r->w + (size_t)__builtin_ctzll(r->rest);
    r->rest &= r->rest - 1;
}

/* Starts reading text (indexed in ix) like pal_json_init with opts'
   max_depth and max_number (max_string is not supported: 0 only). */
static inline void pal_jx_init(pal_jx *r, const pal_jx_index *ix, const char *text, size_t len,
                               uint32_t max_depth, size_t max_number)
{
    r->text = text;
    r->len = len;
    r->ix = ix;
    r->w = 0;
    r->rest = ix->token[0];
    r->pos = 0;
    r->max_number = max_number;
    r->depth = 0;
    r->max_depth = max_depth && max_depth <= PAL_JX_MAX_DEPTH ? max_depth : PAL_JX_MAX_DEPTH;
    r->state = PAL_JX_VALUE;
    r->err = false;
    memset(r->objects, 0, sizeof r->objects);
    pal_jx_advance(r);
}

PAL_JX_STEP bool pal_jx_fail(pal_jx *r)
{
    r->err = true;
    return false;
}

/* The closing quote of the string whose opening quote is at p. */
PAL_JX_STEP size_t pal_jx_close(const pal_jx *r, size_t p)
{
    size_t w = p / 64;
    uint64_t m = r->ix->quote[w] & ~((2ull << (p % 64)) - 1u);   /* the quotes after p */
    while (!m) m = r->ix->quote[++w];     /* the index has no open string at its end */
    return 64 * w + (size_t)__builtin_ctzll(m);
}

/* Does text[a..b) hold a backslash? */
PAL_JX_STEP bool pal_jx_has_bslash(const pal_jx *r, size_t a, size_t b)
{
    if (!r->ix->any_bslash || a >= b) return false;
    const uint64_t *bs = r->ix->bslash;
    size_t wa = a / 64, wb = (b - 1) / 64;
    uint64_t first = bs[wa] & (~0ull << (a % 64)), last_mask = ~0ull >> (63 - (b - 1) % 64);
    if (wa == wb) return (first & last_mask) != 0;
    if (first) return true;
    for (size_t w = wa + 1; w < wb; w++)
        if (bs[w]) return true;
    return (bs[wb] & last_mask) != 0;
}

static inline int pal_jx_hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int c = (unsigned char)p[i], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return -1;
        v = v * 16 + d;
    }
    return v;
}

/* The escapes of the string text[a..b) (a backslash is in it) are JSON's:
   \" \\ \/ \b \f \n \r \t and \uXXXX, surrogates in high-low pairs. */
static inline bool pal_jx_escapes_ok(const char *s, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++) {
        if (s[i] != '\\') continue;
        if (i + 1 >= b) return false;
        switch (s[i + 1]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            i++;
            continue;
        case 'u': {
            if (i + 6 > b) return false;
            int v = pal_jx_hex4(s + i + 2);
            if (v < 0 || (v >= 0xDC00 && v <= 0xDFFF)) return false;
            if (v >= 0xD800 && v <= 0xDBFF) {
                if (i + 12 > b || s[i + 6] != '\\' || s[i + 7] != 'u') return false;
                int lo = pal_jx_hex4(s + i + 8);
                if (lo < 0xDC00 || lo > 0xDFFF) return false;
                i += 6;
            }
            i += 5;
            continue;
        }
        default:
            return false;
        }
    }
    return true;
}

/* The string whose opening quote is at `open` as a span, checked; its
   closing quote in *close. */
PAL_JX_STEP bool pal_jx_str_at(pal_jx *r, size_t open, pal_json_str *out, size_t *close)
{
    size_t c = pal_jx_close(r, open);
    bool esc = pal_jx_has_bslash(r, open + 1, c);
    if (esc && !pal_jx_escapes_ok(r->text, open + 1, c)) return pal_jx_fail(r);
    if (out) {
        out->raw = r->text + open + 1;
        out->len = c - open - 1;
        out->escaped = esc;
    }
    *close = c;
    return true;
}

/* After a number or literal ending at e: the run of non-space bytes must
   end there too ("01", "1.2.3", "truex" do not). */
PAL_JX_STEP bool pal_jx_run_ends(const pal_jx *r, size_t e)
{
    if (e >= r->len) return true;
    char c = r->text[e];
    return c == ' ' || c == ',' || c == '}' || c == ']' || c == ':' || c == '{' || c == '[' || c == '"';
}

PAL_JX_STEP pal_json_type pal_jx_peek(pal_jx *r)
{
    if (r->err || r->state != PAL_JX_VALUE || r->t == PAL_JX_NONE) return (pal_jx_fail(r), PAL_JSON_NONE);
    switch (r->text[r->t]) {
    case '{': return PAL_JSON_OBJECT;
    case '[': return PAL_JSON_ARRAY;
    case '"': return PAL_JSON_STRING;
    case 't': return PAL_JSON_TRUE;
    case 'f': return PAL_JSON_FALSE;
    case 'n': return PAL_JSON_NULL;
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': return PAL_JSON_NUMBER;
    default: return (pal_jx_fail(r), PAL_JSON_NONE);
    }
}

/* The offset of the value at the cursor (after a peek). */
PAL_JX_STEP size_t pal_jx_value_pos(const pal_jx *r) { return r->t; }

PAL_JX_STEP bool pal_jx_enter(pal_jx *r)
{
    pal_json_type t = pal_jx_peek(r);
    if (t != PAL_JSON_OBJECT && t != PAL_JSON_ARRAY) return false;
    if (r->depth >= r->max_depth) return pal_jx_fail(r);
    uint32_t d = r->depth++;
    if (t == PAL_JSON_OBJECT) r->objects[d / 64] |= 1ull << (d % 64);
    else r->objects[d / 64] &= ~(1ull << (d % 64));
    r->pos = r->t + 1;
    pal_jx_advance(r);
    r->state = PAL_JX_OPEN;
    return true;
}

PAL_JX_STEP bool pal_jx_next(pal_jx *r, pal_json_str *key)
{
    if (r->err || !r->depth || r->state == PAL_JX_VALUE || r->t == PAL_JX_NONE) return pal_jx_fail(r);
    uint32_t d = r->depth - 1;
    bool obj = (r->objects[d / 64] >> (d % 64)) & 1;
    char c = r->text[r->t];
    if (c == (obj ? '}' : ']')) {
        r->pos = r->t + 1;
        r->depth--;
        r->state = PAL_JX_AFTER;
        pal_jx_advance(r);
        return false;
    }
    if (r->state == PAL_JX_AFTER) {
        if (c != ',') return pal_jx_fail(r);
        pal_jx_advance(r);
        if (r->t == PAL_JX_NONE) return pal_jx_fail(r);
    }
    if (obj) {
        size_t close;
        if (r->text[r->t] != '"' || !pal_jx_str_at(r, r->t, key, &close)) return pal_jx_fail(r);
        pal_jx_advance(r);
        if (r->t == PAL_JX_NONE || r->text[r->t] != ':') return pal_jx_fail(r);
        r->pos = r->t + 1;
        pal_jx_advance(r);
    }
    r->state = PAL_JX_VALUE;
    return true;
}

PAL_JX_STEP bool pal_jx_digit(char c) { return (unsigned)(c - '0') < 10u; }

/* A scalar of type t at the cursor (peeked): consumed, out filled. */
PAL_JX_STEP bool pal_jx_scalar(pal_jx *r, pal_json_type t, pal_json_str *str, pal_json_num *num)
{
    const char *s = r->text;
    size_t n = r->len, i = r->t, e;
    switch (t) {
    case PAL_JSON_STRING:
        if (!pal_jx_str_at(r, i, str, &e)) return false;
        e++;
        break;
    case PAL_JSON_NUMBER: {
        bool integer = true;
        e = i;
        if (s[e] == '-') e++;
        if (e >= n) return pal_jx_fail(r);
        if (s[e] == '0') e++;
        else if (pal_jx_digit(s[e])) while (e < n && pal_jx_digit(s[e])) e++;
        else return pal_jx_fail(r);
        if (e < n && s[e] == '.') {
            integer = false;
            if (++e >= n || !pal_jx_digit(s[e])) return pal_jx_fail(r);
            while (e < n && pal_jx_digit(s[e])) e++;
        }
        if (e < n && (s[e] == 'e' || s[e] == 'E')) {
            integer = false;
            e++;
            if (e < n && (s[e] == '+' || s[e] == '-')) e++;
            if (e >= n || !pal_jx_digit(s[e])) return pal_jx_fail(r);
            while (e < n && pal_jx_digit(s[e])) e++;
        }
        if (!pal_jx_run_ends(r, e) || (r->max_number && e - i > r->max_number)) return pal_jx_fail(r);
        if (num) {
            num->raw = s + i;
            num->len = e - i;
            num->integer = integer;
        }
        break;
    }
    case PAL_JSON_TRUE: case PAL_JSON_NULL: case PAL_JSON_FALSE: {
        const char *lit = t == PAL_JSON_TRUE ? "true" : t == PAL_JSON_NULL ? "null" : "false";
        size_t ln = t == PAL_JSON_FALSE ? 5 : 4;
        if (n - i < ln || memcmp(s + i, lit, ln) != 0 || !pal_jx_run_ends(r, i + ln)) return pal_jx_fail(r);
        e = i + ln;
        break;
    }
    default:
        return pal_jx_fail(r);
    }
    r->pos = e;
    r->state = PAL_JX_AFTER;
    pal_jx_advance(r);
    return true;
}

PAL_JX_STEP bool pal_jx_string(pal_jx *r, pal_json_str *out)
{
    return pal_jx_peek(r) == PAL_JSON_STRING && pal_jx_scalar(r, PAL_JSON_STRING, out, NULL);
}

PAL_JX_STEP bool pal_jx_number(pal_jx *r, pal_json_num *out)
{
    return pal_jx_peek(r) == PAL_JSON_NUMBER && pal_jx_scalar(r, PAL_JSON_NUMBER, NULL, out);
}

PAL_JX_STEP bool pal_jx_bool(pal_jx *r, bool *out)
{
    pal_json_type t = pal_jx_peek(r);
    if (t != PAL_JSON_TRUE && t != PAL_JSON_FALSE) return false;
    if (!pal_jx_scalar(r, t, NULL, NULL)) return false;
    if (out) *out = t == PAL_JSON_TRUE;
    return true;
}

PAL_JX_STEP bool pal_jx_null(pal_jx *r)
{
    return pal_jx_peek(r) == PAL_JSON_NULL && pal_jx_scalar(r, PAL_JSON_NULL, NULL, NULL);
}

static inline bool pal_jx_skip(pal_jx *r)
{
    pal_json_type t = pal_jx_peek(r);
    if (t == PAL_JSON_NONE) return false;
    if (t != PAL_JSON_ARRAY && t != PAL_JSON_OBJECT) return pal_jx_scalar(r, t, NULL, NULL);
    uint32_t base = r->depth;
    if (!pal_jx_enter(r)) return false;
    while (r->depth > base) {
        if (!pal_jx_next(r, NULL)) {
            if (r->err) return false;
            continue;                     /* a container closed */
        }
        t = pal_jx_peek(r);
        if (t == PAL_JSON_NONE) return false;
        if (t == PAL_JSON_ARRAY || t == PAL_JSON_OBJECT) {
            if (!pal_jx_enter(r)) return false;
        } else if (!pal_jx_scalar(r, t, NULL, NULL)) {
            return false;
        }
    }
    return true;
}

/* After the top-level value: nothing but spaces follow. */
PAL_JX_STEP bool pal_jx_end(pal_jx *r)
{
    if (r->err || r->depth || r->state != PAL_JX_AFTER) return pal_jx_fail(r);
    if (r->t != PAL_JX_NONE) return pal_jx_fail(r);
    return true;
}

#endif
