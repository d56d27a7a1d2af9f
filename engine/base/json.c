/*
 * json.c — see json.h.
 *
 * The cursor's state says what may come next: a value (at the start, after
 * a key's colon or after pal_json_next), the first element of a container
 * just entered, or, after a value, a comma or the container's bracket.
 * Strings are scanned eight bytes at a time while the bytes are plain
 * printable ASCII (no quote, backslash, control or high byte), which is
 * nearly all of any real text, and byte by byte otherwise; that loop is
 * where UTF-8 and escapes are checked.
 */
#include "engine/base/json.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { ST_VALUE = 0, ST_OPEN, ST_AFTER };

static bool fail(pal_json *r, pal_json_err e, size_t at)
{
    if (!r->err) {
        r->err = e;
        r->err_pos = at;
    }
    return false;
}

void pal_json_init(pal_json *r, const char *text, size_t len, const pal_json_opts *o)
{
    memset(r, 0, offsetof(pal_json, objects));
    r->text = text;
    r->len = text ? len : 0;
    r->max_depth = o && o->max_depth ? o->max_depth : PAL_JSON_DEFAULT_DEPTH;
    if (r->max_depth > PAL_JSON_DEPTH_CAP) r->max_depth = PAL_JSON_DEPTH_CAP;
    r->max_string = o ? o->max_string : 0;
    r->max_number = o ? o->max_number : 0;
    r->state = ST_VALUE;
    if (o && o->allow_bom && r->len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) r->pos = 3;
}

static inline size_t skip_ws(const pal_json *r, size_t i)
{
    const char *s = r->text;
    if (i < r->len && (unsigned char)s[i] > ' ') return i;    /* compact text: nothing to skip */
    for (;;) {
        while (i < r->len && (s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) i++;
        /* pretty-printed text: indentation eight spaces at a time */
        uint64_t w;
        while (i + 8 <= r->len && (memcpy(&w, s + i, 8), w == 0x2020202020202020ull)) i += 8;
        if (i >= r->len || s[i] != ' ') return i;
        while (i < r->len && s[i] == ' ') i++;
    }
}

static inline bool in_object(const pal_json *r)
{
    uint32_t d = r->depth - 1;
    return (r->objects[d >> 3] >> (d & 7)) & 1;
}

static inline pal_json_type type_at(pal_json *r)
{
    if (r->pos >= r->len) { fail(r, PAL_JSON_E_EOF, r->len); return PAL_JSON_NONE; }
    switch (r->text[r->pos]) {
    case '{': return PAL_JSON_OBJECT;
    case '[': return PAL_JSON_ARRAY;
    case '"': return PAL_JSON_STRING;
    case 't': return PAL_JSON_TRUE;
    case 'f': return PAL_JSON_FALSE;
    case 'n': return PAL_JSON_NULL;
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': return PAL_JSON_NUMBER;
    default:
        fail(r, PAL_JSON_E_TOKEN, r->pos);
        return PAL_JSON_NONE;
    }
}

static inline pal_json_type peek(pal_json *r)
{
    if (r->err) return PAL_JSON_NONE;
    if (r->state != ST_VALUE) { fail(r, PAL_JSON_E_USAGE, r->pos); return PAL_JSON_NONE; }
    r->pos = skip_ws(r, r->pos);
    return type_at(r);
}

pal_json_type pal_json_peek(pal_json *r)
{
    return peek(r);
}

/* ---------------------------------------------------------------- scalars */

/* Any byte that is '"', '\\', below 0x20 or above 0x7f in w? */
static inline bool swar_special(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t quote = w ^ (ones * '"'), bslash = w ^ (ones * '\\');
    uint64_t z = ((quote - ones) & ~quote) | ((bslash - ones) & ~bslash) | ((w - ones * 0x20) & ~w) | w;
    return (z & high) != 0;
}

static inline bool xdigit(unsigned c)
{
    return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'f');
}

static int hex4(const unsigned char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int c = p[i], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return -1 - i;          /* which digit is bad */
        v = v * 16 + d;
    }
    return v;
}

/* One \uXXXX (and its low half when it is a high surrogate) at s[i] ==
   '\\'; returns the bytes it takes, 0 with the error set. */
static size_t check_u(pal_json *r, const unsigned char *s, size_t i, size_t n)
{
    if (i + 6 > n) {
        for (size_t k = i + 2; k < n; k++)
            if (!xdigit(s[k])) { fail(r, PAL_JSON_E_ESCAPE, k); return 0; }
        fail(r, PAL_JSON_E_EOF, n);
        return 0;
    }
    int v = hex4(s + i + 2);
    if (v < 0) return fail(r, PAL_JSON_E_ESCAPE, i + 2 + (size_t)(-1 - v)), 0;
    if (v >= 0xDC00 && v <= 0xDFFF) return fail(r, PAL_JSON_E_SURROGATE, i), 0;
    if (v < 0xD800 || v > 0xDBFF) return 6;
    /* a high surrogate: a low one must follow */
    if (i + 12 > n) {                 /* the text ends first: is what is there right? */
        if (i + 6 < n && s[i + 6] != '\\') return fail(r, PAL_JSON_E_SURROGATE, i + 6), 0;
        if (i + 7 < n && s[i + 7] != 'u') return fail(r, PAL_JSON_E_SURROGATE, i + 6), 0;
        for (size_t k = i + 8; k < n; k++)
            if (!xdigit(s[k])) return fail(r, PAL_JSON_E_ESCAPE, k), 0;
        return fail(r, PAL_JSON_E_EOF, n), 0;
    }
    if (s[i + 6] != '\\' || s[i + 7] != 'u') return fail(r, PAL_JSON_E_SURROGATE, i + 6), 0;
    int lo = hex4(s + i + 8);
    if (lo < 0) return fail(r, PAL_JSON_E_ESCAPE, i + 8 + (size_t)(-1 - lo)), 0;
    if (lo < 0xDC00 || lo > 0xDFFF) return fail(r, PAL_JSON_E_SURROGATE, i + 6), 0;
    return 12;
}

/* One UTF-8 sequence at s[i] >= 0x80 (Unicode 15, table 3-7); its length,
   0 with the error at the first byte that breaks it. */
static size_t check_utf8(pal_json *r, const unsigned char *s, size_t i, size_t n)
{
    unsigned c = s[i];
    size_t need;
    unsigned lo = 0x80, hi = 0xBF;   /* the range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) need = 1;
    else if (c == 0xE0) { need = 2; lo = 0xA0; }
    else if (c >= 0xE1 && c <= 0xEC) need = 2;
    else if (c == 0xED) { need = 2; hi = 0x9F; }          /* no encoded surrogates */
    else if (c >= 0xEE && c <= 0xEF) need = 2;
    else if (c == 0xF0) { need = 3; lo = 0x90; }          /* no overlong 4-byte forms */
    else if (c >= 0xF1 && c <= 0xF3) need = 3;
    else if (c == 0xF4) { need = 3; hi = 0x8F; }          /* nothing past U+10FFFF */
    else return fail(r, PAL_JSON_E_UTF8, i), 0;
    for (size_t k = 1; k <= need; k++) {
        if (i + k >= n) return fail(r, PAL_JSON_E_EOF, n), 0;
        unsigned b = s[i + k];
        if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return fail(r, PAL_JSON_E_UTF8, i + k), 0;
    }
    return need + 1;
}

/* The string at r->pos (a quote). */
static bool scan_string(pal_json *r, pal_json_str *out)
{
    const unsigned char *s = (const unsigned char *)r->text;
    size_t n = r->len, start = r->pos + 1, i = start;
    bool esc = false;
    for (;;) {
#if defined(__SSE2__)
        /* sixteen bytes at a time; the mask points at the first special one
           (and then the byte is looked at without the word loop below) */
        const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1F);
        while (i + 16 <= n) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                       _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
            unsigned m = (unsigned)(_mm_movemask_epi8(hit) | _mm_movemask_epi8(v));   /* | high bit */
            if (m) { i += (size_t)__builtin_ctz(m); goto special; }
            i += 16;
        }
#endif
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (swar_special(w)) break;
            i += 8;
        }
        while (i < n && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\') i++;
#if defined(__SSE2__)
    special:
#endif
        if (i >= n) return fail(r, PAL_JSON_E_EOF, n);
        unsigned c = s[i];
        if (c == '"') break;
        if (c == '\\') {
            esc = true;
            if (i + 1 >= n) return fail(r, PAL_JSON_E_EOF, n);
            switch (s[i + 1]) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                i += 2;
                continue;
            case 'u': {
                size_t k = check_u(r, s, i, n);
                if (!k) return false;
                i += k;
                continue;
            }
            default:
                return fail(r, PAL_JSON_E_ESCAPE, i + 1);
            }
        }
        if (c < 0x20) return fail(r, PAL_JSON_E_CONTROL, i);
        if (c < 0x80) { i++; continue; }
        size_t k = check_utf8(r, s, i, n);
        if (!k) return false;
        i += k;
    }
    if (r->max_string && i - start > r->max_string) return fail(r, PAL_JSON_E_STRING_LIMIT, r->pos);
    if (out) {
        out->raw = r->text + start;
        out->len = i - start;
        out->escaped = esc;
    }
    r->pos = i + 1;
    return true;
}

static inline bool digit(unsigned c) { return c - '0' < 10u; }

static bool scan_number(pal_json *r, pal_json_num *out)
{
    const unsigned char *s = (const unsigned char *)r->text;
    size_t n = r->len, i = r->pos;
    bool integer = true;
    if (s[i] == '-') i++;
    if (i >= n) return fail(r, PAL_JSON_E_EOF, n);
    if (s[i] == '0') i++;
    else if (digit(s[i])) while (i < n && digit(s[i])) i++;
    else return fail(r, PAL_JSON_E_NUMBER, i);
    if (i < n && s[i] == '.') {
        integer = false;
        i++;
        if (i >= n) return fail(r, PAL_JSON_E_EOF, n);
        if (!digit(s[i])) return fail(r, PAL_JSON_E_NUMBER, i);
        while (i < n && digit(s[i])) i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        integer = false;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        if (i >= n) return fail(r, PAL_JSON_E_EOF, n);
        if (!digit(s[i])) return fail(r, PAL_JSON_E_NUMBER, i);
        while (i < n && digit(s[i])) i++;
    }
    /* "01", "1.2.3", "1e5e5", "1-": a number cannot run on like that */
    if (i < n && (digit(s[i]) || s[i] == '.' || s[i] == 'e' || s[i] == 'E' || s[i] == '+' || s[i] == '-'))
        return fail(r, PAL_JSON_E_NUMBER, i);
    if (r->max_number && i - r->pos > r->max_number) return fail(r, PAL_JSON_E_NUMBER_LIMIT, r->pos);
    if (out) {
        out->raw = r->text + r->pos;
        out->len = i - r->pos;
        out->integer = integer;
    }
    r->pos = i;
    return true;
}

static bool scan_literal(pal_json *r, const char *lit, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (r->pos + k >= r->len) return fail(r, PAL_JSON_E_EOF, r->len);
        if (r->text[r->pos + k] != lit[k]) return fail(r, PAL_JSON_E_TOKEN, r->pos + k);
    }
    r->pos += n;
    return true;
}

/* Consumes the scalar of type t at r->pos. */
static bool scan_scalar(pal_json *r, pal_json_type t, pal_json_str *str, pal_json_num *num)
{
    bool ok;
    switch (t) {
    case PAL_JSON_STRING: ok = scan_string(r, str); break;
    case PAL_JSON_NUMBER: ok = scan_number(r, num); break;
    case PAL_JSON_TRUE: ok = scan_literal(r, "true", 4); break;
    case PAL_JSON_FALSE: ok = scan_literal(r, "false", 5); break;
    case PAL_JSON_NULL: ok = scan_literal(r, "null", 4); break;
    default: return fail(r, PAL_JSON_E_USAGE, r->pos);
    }
    if (ok) r->state = ST_AFTER;
    return ok;
}

bool pal_json_string(pal_json *r, pal_json_str *out)
{
    if (peek(r) != PAL_JSON_STRING) return false;
    return scan_scalar(r, PAL_JSON_STRING, out, NULL);
}

bool pal_json_number(pal_json *r, pal_json_num *out)
{
    if (peek(r) != PAL_JSON_NUMBER) return false;
    return scan_scalar(r, PAL_JSON_NUMBER, NULL, out);
}

bool pal_json_bool(pal_json *r, bool *out)
{
    pal_json_type t = peek(r);
    if (t != PAL_JSON_TRUE && t != PAL_JSON_FALSE) return false;
    if (!scan_scalar(r, t, NULL, NULL)) return false;
    if (out) *out = t == PAL_JSON_TRUE;
    return true;
}

bool pal_json_null(pal_json *r)
{
    if (peek(r) != PAL_JSON_NULL) return false;
    return scan_scalar(r, PAL_JSON_NULL, NULL, NULL);
}

/* ---------------------------------------------------------------- containers */

static inline bool enter(pal_json *r)
{
    pal_json_type t = peek(r);
    if (t != PAL_JSON_ARRAY && t != PAL_JSON_OBJECT) return false;
    if (r->depth >= r->max_depth) return fail(r, PAL_JSON_E_DEPTH, r->pos);
    uint32_t d = r->depth++;
    if (t == PAL_JSON_OBJECT) r->objects[d >> 3] |= (uint8_t)(1u << (d & 7));
    else r->objects[d >> 3] &= (uint8_t)~(1u << (d & 7));
    r->pos++;
    r->state = ST_OPEN;
    return true;
}

static inline bool next(pal_json *r, pal_json_str *key)
{
    if (r->err) return false;
    if (!r->depth || r->state == ST_VALUE) return fail(r, PAL_JSON_E_USAGE, r->pos);
    size_t i = skip_ws(r, r->pos);
    if (i >= r->len) return fail(r, PAL_JSON_E_EOF, r->len);
    bool obj = in_object(r);
    char c = r->text[i];
    if (c == (obj ? '}' : ']')) {
        r->pos = i + 1;
        r->depth--;
        r->state = ST_AFTER;
        return false;
    }
    if (r->state == ST_AFTER) {
        if (c != ',') return fail(r, PAL_JSON_E_TOKEN, i);
        i = skip_ws(r, i + 1);
        if (i >= r->len) return fail(r, PAL_JSON_E_EOF, r->len);
    }
    r->pos = i;
    if (obj) {
        if (r->text[i] != '"') return fail(r, PAL_JSON_E_TOKEN, i);
        if (!scan_string(r, key)) return false;
        i = skip_ws(r, r->pos);
        if (i >= r->len) return fail(r, PAL_JSON_E_EOF, r->len);
        if (r->text[i] != ':') return fail(r, PAL_JSON_E_TOKEN, i);
        r->pos = i + 1;
    }
    r->state = ST_VALUE;
    return true;
}

bool pal_json_enter(pal_json *r)
{
    return enter(r);
}

bool pal_json_next(pal_json *r, pal_json_str *key)
{
    return next(r, key);
}

bool pal_json_skip(pal_json *r)
{
    pal_json_type t = peek(r);
    if (t == PAL_JSON_NONE) return false;
    if (t != PAL_JSON_ARRAY && t != PAL_JSON_OBJECT) return scan_scalar(r, t, NULL, NULL);
    uint32_t base = r->depth;
    if (!enter(r)) return false;
    while (r->depth > base) {
        if (!next(r, NULL)) {
            if (r->err) return false;
            continue;                     /* a container closed */
        }
        t = peek(r);
        if (t == PAL_JSON_NONE) return false;
        if (t == PAL_JSON_ARRAY || t == PAL_JSON_OBJECT) {
            if (!enter(r)) return false;
        } else if (!scan_scalar(r, t, NULL, NULL)) {
            return false;
        }
    }
    return true;
}

bool pal_json_leave(pal_json *r)
{
    if (r->err) return false;
    if (!r->depth) return fail(r, PAL_JSON_E_USAGE, r->pos);
    if (r->state == ST_VALUE && !pal_json_skip(r)) return false;
    while (next(r, NULL))
        if (!pal_json_skip(r)) return false;
    return !r->err;
}

bool pal_json_end(pal_json *r)
{
    if (r->err) return false;
    if (r->depth || r->state != ST_AFTER) return fail(r, PAL_JSON_E_USAGE, r->pos);
    size_t i = skip_ws(r, r->pos);
    if (i < r->len) return fail(r, PAL_JSON_E_TRAILING, i);
    r->pos = i;
    return true;
}

pal_json_err pal_json_error(const pal_json *r, size_t *pos)
{
    if (pos) *pos = r->err ? r->err_pos : r->pos;
    return r->err;
}

const char *pal_json_strerror(pal_json_err e)
{
    switch (e) {
    case PAL_JSON_OK: return "no error";
    case PAL_JSON_E_EOF: return "the text ends inside a value";
    case PAL_JSON_E_TOKEN: return "unexpected character";
    case PAL_JSON_E_NUMBER: return "a number not in JSON's grammar";
    case PAL_JSON_E_CONTROL: return "a raw control character in a string (escape it)";
    case PAL_JSON_E_ESCAPE: return "an invalid escape in a string";
    case PAL_JSON_E_SURROGATE: return "a \\u surrogate that is not a high-low pair";
    case PAL_JSON_E_UTF8: return "bytes that are not UTF-8 in a string";
    case PAL_JSON_E_DEPTH: return "arrays and objects nested too deeply";
    case PAL_JSON_E_STRING_LIMIT: return "a string too long";
    case PAL_JSON_E_NUMBER_LIMIT: return "a number too long";
    case PAL_JSON_E_TRAILING: return "more after the value";
    case PAL_JSON_E_NOMEM: return "out of memory";
    case PAL_JSON_E_USAGE: return "read out of order";
    }
    return "unknown error";
}

void pal_json_position(const char *text, size_t len, size_t pos, unsigned *line, unsigned *col)
{
    unsigned l = 1;
    size_t bol = 0;
    if (pos > len) pos = len;
    for (size_t i = 0; i < pos; i++)
        if (text[i] == '\n') { l++; bol = i + 1; }
    if (line) *line = l;
    if (col) *col = (unsigned)(pos - bol + 1);
}

/* ---------------------------------------------------------------- strings, numbers */

/* Decodes one character of a validated span at *p into out; its length. */
static size_t decode_one(const char **p, char out[4])
{
    const unsigned char *s = (const unsigned char *)*p;
    if (s[0] != '\\') { out[0] = (char)s[0]; *p += 1; return 1; }
    char e = (char)s[1];
    *p += 2;
    switch (e) {
    case 'b': out[0] = '\b'; return 1;
    case 'f': out[0] = '\f'; return 1;
    case 'n': out[0] = '\n'; return 1;
    case 'r': out[0] = '\r'; return 1;
    case 't': out[0] = '\t'; return 1;
    case 'u': break;
    default: out[0] = e; return 1;     /* " \ / */
    }
    uint32_t cp = (uint32_t)hex4(s + 2);
    *p += 4;
    if (cp >= 0xD800 && cp <= 0xDBFF) {  /* validated: a low half follows */
        uint32_t lo = (uint32_t)hex4(s + 8);
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        *p += 6;
    }
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t pal_json_unescape(const pal_json_str *s, char *dst)
{
    if (!s->escaped) {
        if (s->len) memcpy(dst, s->raw, s->len);
        dst[s->len] = 0;
        return s->len;
    }
    const char *p = s->raw, *end = s->raw + s->len;
    size_t n = 0;
    while (p < end) {
        const char *bs = memchr(p, '\\', (size_t)(end - p));
        size_t run = bs ? (size_t)(bs - p) : (size_t)(end - p);
        memcpy(dst + n, p, run);
        n += run;
        p += run;
        if (p < end) n += decode_one(&p, dst + n);
    }
    dst[n] = 0;
    return n;
}

static bool str_eqn(const pal_json_str *s, const char *lit, size_t ln)
{
    if (!s->escaped) return s->len == ln && !memcmp(s->raw, lit, ln);
    if (ln > s->len) return false;
    const char *p = s->raw, *end = s->raw + s->len;
    size_t k = 0;
    while (p < end) {
        char c[4];
        size_t m = decode_one(&p, c);
        if (k + m > ln || memcmp(lit + k, c, m)) return false;
        k += m;
    }
    return k == ln;
}

bool pal_json_str_is(const pal_json_str *s, const char *lit)
{
    return str_eqn(s, lit, strlen(lit));
}

double pal_json_num_double(const pal_json_num *n)
{
    char small[64], *buf = small;
    if (n->len >= sizeof small && !(buf = malloc(n->len + 1))) return NAN;
    memcpy(buf, n->raw, n->len);
    buf[n->len] = 0;
    /* strtod reads the locale's decimal point; JSON's is '.' */
    const char *dp = localeconv()->decimal_point;
    if (dp && dp[0] && dp[0] != '.' && !dp[1])
        for (size_t i = 0; i < n->len; i++) if (buf[i] == '.') buf[i] = dp[0];
    double d = strtod(buf, NULL);
    if (buf != small) free(buf);
    return d;
}

bool pal_json_num_int64(const pal_json_num *n, int64_t *out)
{
    if (!n->integer || !n->len) return false;
    const char *p = n->raw, *end = n->raw + n->len;
    bool neg = *p == '-';
    if (neg) p++;
    uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; p < end; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (limit - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* ---------------------------------------------------------------- the tape */

void pal_json_tape_init(pal_json_tape *t, uint32_t max_nodes)
{
    memset(t, 0, sizeof *t);
    t->max_nodes = max_nodes;
}

void pal_json_tape_free(pal_json_tape *t)
{
    free(t->nodes);
    memset(t, 0, sizeof *t);
}

static uint32_t tape_add(pal_json_tape *t, pal_json *r, pal_json_type type, size_t off)
{
    if (t->n == t->cap) {
        if ((t->max_nodes && t->n >= t->max_nodes) || t->cap >= UINT32_MAX / 2) {
            fail(r, PAL_JSON_E_NOMEM, off);
            return PAL_JSON_NIL;
        }
        uint32_t nc = t->cap ? t->cap * 2 : 256;
        if (t->max_nodes && nc > t->max_nodes) nc = t->max_nodes;
        pal_json_node *nn = realloc(t->nodes, (size_t)nc * sizeof *nn);
        if (!nn) { fail(r, PAL_JSON_E_NOMEM, off); return PAL_JSON_NIL; }
        t->nodes = nn;
        t->cap = nc;
    }
    pal_json_node *n = &t->nodes[t->n];
    n->off = (uint32_t)off;
    n->len = 0;
    n->next = PAL_JSON_NIL;
    n->type = (uint8_t)type;
    n->escaped = 0;
    n->reserved = 0;
    return t->n++;
}

/* Adds the value at the cursor: a scalar whole, a container's node (and
   enters it).  Its index, or NIL. */
static uint32_t tape_value(pal_json_tape *t, pal_json *r)
{
    pal_json_type ty = peek(r);
    if (ty == PAL_JSON_NONE) return PAL_JSON_NIL;
    uint32_t i = tape_add(t, r, ty, ty == PAL_JSON_STRING ? r->pos + 1 : r->pos);
    if (i == PAL_JSON_NIL) return i;
    if (ty == PAL_JSON_ARRAY || ty == PAL_JSON_OBJECT) return enter(r) ? i : PAL_JSON_NIL;
    pal_json_str s;
    pal_json_num num;
    if (!scan_scalar(r, ty, &s, &num)) return PAL_JSON_NIL;
    if (ty == PAL_JSON_STRING) {
        t->nodes[i].len = (uint32_t)s.len;
        t->nodes[i].escaped = s.escaped;
    } else if (ty == PAL_JSON_NUMBER) {
        t->nodes[i].len = (uint32_t)num.len;
    }
    return i;
}

bool pal_json_tape_read(pal_json_tape *t, pal_json *r)
{
    t->n = 0;
    t->text = r->text;
    if (r->len >= UINT32_MAX) return fail(r, PAL_JSON_E_NOMEM, 0);
    /* per open container: its node and its last child (for the links) */
    uint32_t open[PAL_JSON_DEPTH_CAP], last[PAL_JSON_DEPTH_CAP];
    uint32_t base = r->depth, sp = 0;
    uint32_t root = tape_value(t, r);
    if (root == PAL_JSON_NIL) return false;
    if (r->depth > base) { open[0] = root; last[0] = PAL_JSON_NIL; sp = 1; }
    while (sp) {
        uint32_t p = open[sp - 1];
        bool obj = t->nodes[p].type == PAL_JSON_OBJECT;
        pal_json_str key;
        if (!next(r, obj ? &key : NULL)) {
            if (r->err) return false;
            sp--;
            continue;
        }
        uint32_t child;
        if (obj) {
            child = tape_add(t, r, PAL_JSON_STRING, (size_t)(key.raw - r->text));
            if (child == PAL_JSON_NIL) return false;
            t->nodes[child].len = (uint32_t)key.len;
            t->nodes[child].escaped = key.escaped;
        }
        uint32_t depth_before = r->depth;
        uint32_t v = tape_value(t, r);
        if (v == PAL_JSON_NIL) return false;
        if (!obj) child = v;
        t->nodes[p].len++;
        if (last[sp - 1] != PAL_JSON_NIL) t->nodes[last[sp - 1]].next = child;
        last[sp - 1] = child;
        if (r->depth > depth_before) {
            open[sp] = v;
            last[sp] = PAL_JSON_NIL;
            sp++;
        }
    }
    return true;
}

uint32_t pal_json_tape_first(const pal_json_tape *t, uint32_t i)
{
    if (i >= t->n) return PAL_JSON_NIL;
    const pal_json_node *n = &t->nodes[i];
    if ((n->type != PAL_JSON_ARRAY && n->type != PAL_JSON_OBJECT) || !n->len) return PAL_JSON_NIL;
    return i + 1;
}

pal_json_str pal_json_tape_str(const pal_json_tape *t, uint32_t i)
{
    pal_json_str s = {NULL, 0, false};
    if (i < t->n && t->nodes[i].type == PAL_JSON_STRING) {
        s.raw = t->text + t->nodes[i].off;
        s.len = t->nodes[i].len;
        s.escaped = t->nodes[i].escaped;
    }
    return s;
}

pal_json_num pal_json_tape_num(const pal_json_tape *t, uint32_t i)
{
    pal_json_num num = {NULL, 0, false};
    if (i < t->n && t->nodes[i].type == PAL_JSON_NUMBER) {
        num.raw = t->text + t->nodes[i].off;
        num.len = t->nodes[i].len;
        num.integer = !memchr(num.raw, '.', num.len) && !memchr(num.raw, 'e', num.len) &&
                      !memchr(num.raw, 'E', num.len);
    }
    return num;
}

uint32_t pal_json_tape_getn(const pal_json_tape *t, uint32_t i, const char *key, size_t kl)
{
    if (i >= t->n || t->nodes[i].type != PAL_JSON_OBJECT) return PAL_JSON_NIL;
    for (uint32_t k = pal_json_tape_first(t, i); k != PAL_JSON_NIL; k = t->nodes[k].next) {
        const pal_json_node *n = &t->nodes[k];
        if (!n->escaped) {
            if (n->len == kl && (!kl || t->text[n->off] == key[0]) && !memcmp(t->text + n->off, key, kl))
                return k + 1;
        } else {
            pal_json_str s = pal_json_tape_str(t, k);
            if (str_eqn(&s, key, kl)) return k + 1;
        }
    }
    return PAL_JSON_NIL;
}
