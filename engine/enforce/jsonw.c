/*
 * jsonw.c — JSON strings from arbitrary bytes (design in jsonw.h).
 */
#include "engine/enforce/jsonw.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; }
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

int pal_jsonw_str(pal_strbuf *out, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    pal_strbuf_putc(out, '"');
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        char tmp[8];
        if (c == '"' || c == '\\') { pal_strbuf_putc(out, '\\'); pal_strbuf_putc(out, (char)c); i++; continue; }
        if (c < 0x20 || c == 0x7f) {
            const char *e = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : NULL;
            if (e) pal_strbuf_puts(out, e);
            else { snprintf(tmp, sizeof tmp, "\\u%04x", c); pal_strbuf_puts(out, tmp); }
            i++;
            continue;
        }
        size_t l = utf8_len(s + i, n - i);
        if (l == 0) {   /* not UTF-8: the byte as the code point of its value */
            snprintf(tmp, sizeof tmp, "\\u%04x", c);
            pal_strbuf_puts(out, tmp);
            i++;
            continue;
        }
        pal_strbuf_append(out, (const char *)s + i, l);
        i += l;
    }
    pal_strbuf_putc(out, '"');
    return out->failed ? -1 : 0;
}

int pal_jsonw_key(pal_strbuf *out, const char *key, int *first)
{
    if (!*first) pal_strbuf_putc(out, ',');
    *first = 0;
    pal_jsonw_str(out, key, strlen(key));
    pal_strbuf_putc(out, ':');
    return out->failed ? -1 : 0;
}
