/*
 * encode.c — the constant encodings behind encode.h.
 *
 * windash follows pySigma's SigmaWindowsDashModifier: a '-' or '/' that
 * does not follow a word character (or starts the text) and is followed by
 * one is a flag character, and every flag character independently becomes
 * each of '-', '/', en dash, em dash and horizontal bar.  Word characters
 * are those of Python's `\w` on text: ASCII letters, digits and '_', and
 * non-ASCII characters except the General Punctuation block (U+2000-206F,
 * where the dashes themselves live).
 *
 * base64offset follows pySigma's SigmaBase64OffsetModifier: the text is
 * encoded after 0, 1 and 2 bytes of padding, and each form keeps only the
 * characters that do not depend on the bytes around the text (cut at the
 * start by 0, 2 or 3 characters, at the end by 0, 3 or 2 depending on the
 * total length modulo 3), so `contains` finds the text wherever it sits in
 * a base64 string.
 */
#include "lang/check/encode.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *name; int enc; } encodings[] = {
    {"windash", PAL_ENC_WINDASH}, {"base64", PAL_ENC_BASE64}, {"base64offset", PAL_ENC_BASE64OFFSET},
    {"utf16le", PAL_ENC_UTF16LE}, {"utf16be", PAL_ENC_UTF16BE}, {"utf16", PAL_ENC_UTF16},
    {"wide", PAL_ENC_WIDE},
};

int pal_encoding_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof encodings / sizeof encodings[0]; i++)
        if (strlen(encodings[i].name) == len && !memcmp(encodings[i].name, name, len)) return encodings[i].enc;
    return PAL_ENC_NONE;
}

const char *pal_encoding_name(int enc)
{
    for (size_t i = 0; i < sizeof encodings / sizeof encodings[0]; i++)
        if (encodings[i].enc == enc) return encodings[i].name;
    return "?";
}

/* ---- UTF-8 ---- */

/* Decodes one scalar value at s[i]; returns its length, or 0 when the
   bytes there are not well-formed UTF-8. */
static size_t utf8_next(const unsigned char *s, size_t len, size_t i, uint32_t *cp)
{
    unsigned c = s[i];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) n = 2, v = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, v = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, v = c & 0x07, min = 0x10000;
    else return 0;
    if (i + n > len) return 0;
    for (size_t k = 1; k < n; k++) {
        if ((s[i + k] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i + k] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return n;
}

static bool is_word_cp(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_';
    return !(cp >= 0x2000 && cp <= 0x206F);
}

/* Is the character that starts at s[i] (i < len) a word character?  Bytes
   that are not UTF-8 count as word characters (they are not a dash). */
static bool word_at(const unsigned char *s, size_t len, size_t i)
{
    uint32_t cp;
    return utf8_next(s, len, i, &cp) ? is_word_cp(cp) : true;
}

/* Is the character that ends just before s[i] (i > 0) a word character? */
static bool word_before(const unsigned char *s, size_t len, size_t i)
{
    size_t j = i - 1;
    while (j > 0 && i - j < 4 && (s[j] & 0xC0) == 0x80) j--;
    uint32_t cp;
    size_t n = utf8_next(s, len, j, &cp);
    if (n && j + n == i) return is_word_cp(cp);
    return (s[i - 1] & 0x80) != 0;   /* a stray byte: as word_at */
}

/* ---- windash ---- */

static const char *const dashes[5] = {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"};

static const char *windash(const unsigned char *s, size_t len, pal_encode_emit emit, void *ctx)
{
    size_t pos[8];
    unsigned npos = 0;
    uint64_t variants = 1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '-' && s[i] != '/') continue;
        if (i > 0 && word_before(s, len, i)) continue;
        if (i + 1 >= len || !word_at(s, len, i + 1)) continue;
        variants *= 5;
        if (npos == sizeof pos / sizeof pos[0] || variants > PAL_WINDASH_MAX)
            return "more than 625 strings (at most four flag characters: - or / starting a word)";
        pos[npos++] = i;
    }
    /* each variant is at most 3 bytes longer per flag character */
    char *buf = malloc(len + 3 * npos + 1);
    if (!buf) return "out of memory";
    unsigned choice[8] = {0};
    const char *err = NULL;
    for (uint64_t v = 0; v < variants && !err; v++) {
        size_t o = 0, from = 0;
        for (unsigned k = 0; k < npos; k++) {
            memcpy(buf + o, s + from, pos[k] - from);
            o += pos[k] - from;
            size_t dl = strlen(dashes[choice[k]]);
            memcpy(buf + o, dashes[choice[k]], dl);
            o += dl;
            from = pos[k] + 1;
        }
        memcpy(buf + o, s + from, len - from);
        o += len - from;
        if (!emit(ctx, buf, o)) err = "out of memory";
        /* next combination, the last flag character fastest */
        for (unsigned k = npos; k-- > 0;) {
            if (++choice[k] < 5) break;
            choice[k] = 0;
        }
    }
    free(buf);
    return err;
}

/* ---- base64 ---- */

static size_t b64(const unsigned char *in, size_t n, char *out)
{
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = A[v >> 18]; out[o++] = A[(v >> 12) & 63]; out[o++] = A[(v >> 6) & 63]; out[o++] = A[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = A[v >> 18]; out[o++] = A[(v >> 12) & 63]; out[o++] = '='; out[o++] = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = A[v >> 18]; out[o++] = A[(v >> 12) & 63]; out[o++] = A[(v >> 6) & 63]; out[o++] = '=';
    }
    return o;
}

static const char *base64(const unsigned char *s, size_t len, bool offsets, pal_encode_emit emit, void *ctx)
{
    unsigned char *in = malloc(len + 2);
    char *out = malloc((len + 2) / 3 * 4 + 8);
    const char *err = NULL;
    if (!in || !out) { err = "out of memory"; goto done; }
    if (!offsets) {
        if (!emit(ctx, out, b64(s, len, out))) err = "out of memory";
        goto done;
    }
    static const size_t cut_start[3] = {0, 2, 3};
    static const size_t cut_end[3] = {0, 3, 2};
    for (size_t pad = 0; pad < 3 && !err; pad++) {
        memset(in, ' ', pad);
        memcpy(in + pad, s, len);
        size_t n = b64(in, len + pad, out);
        size_t a = cut_start[pad], e = cut_end[(len + pad) % 3];
        size_t keep = n > a + e ? n - a - e : 0;
        if (!emit(ctx, out + a, keep)) err = "out of memory";
    }
done:
    free(in);
    free(out);
    return err;
}

/* ---- UTF-16 ---- */

static const char *utf16(const unsigned char *s, size_t len, int enc, pal_encode_emit emit, void *ctx)
{
    /* at most 2 bytes out per byte in (4 per 4-byte sequence), plus the mark */
    unsigned char *out = malloc(2 * len + 2);
    if (!out) return "out of memory";
    size_t o = 0;
    bool be = enc == PAL_ENC_UTF16BE;
    if (enc == PAL_ENC_UTF16) { out[o++] = 0xFF; out[o++] = 0xFE; }
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_next(s, len, i, &cp);
        if (!n) { free(out); return "the text is not UTF-8, so it has no UTF-16 form"; }
        i += n;
        uint16_t units[2];
        int nu = 1;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            units[0] = (uint16_t)(0xD800 | (cp >> 10));
            units[1] = (uint16_t)(0xDC00 | (cp & 0x3FF));
            nu = 2;
        } else {
            units[0] = (uint16_t)cp;
        }
        for (int k = 0; k < nu; k++) {
            out[o++] = be ? (unsigned char)(units[k] >> 8) : (unsigned char)(units[k] & 0xFF);
            out[o++] = be ? (unsigned char)(units[k] & 0xFF) : (unsigned char)(units[k] >> 8);
        }
    }
    bool ok = emit(ctx, (const char *)out, o);
    free(out);
    return ok ? NULL : "out of memory";
}

const char *pal_encode(int enc, const char *s, size_t len, pal_encode_emit emit, void *ctx)
{
    const unsigned char *u = (const unsigned char *)s;
    switch (enc) {
    case PAL_ENC_WINDASH: return windash(u, len, emit, ctx);
    case PAL_ENC_BASE64: return base64(u, len, false, emit, ctx);
    case PAL_ENC_BASE64OFFSET: return base64(u, len, true, emit, ctx);
    case PAL_ENC_UTF16LE: case PAL_ENC_WIDE: case PAL_ENC_UTF16BE: case PAL_ENC_UTF16:
        return utf16(u, len, enc, emit, ctx);
    default:
        return "unknown encoding";
    }
}
