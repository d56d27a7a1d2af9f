/*
 * jx_diff.h — the indexed reader (engine/base/json_index.h) and the strict
 * pull reader (engine/base/json.h) walking one text, for
 * tests/unit/test_json_index.c and tests/fuzz/fuzz_json_index.c.
 *
 * Each walk writes every value and key as it is read (type, raw span,
 * escaped and integer flags, brackets) into a buffer; jxd_check applies
 * the two rules the readers are held to: what the indexed reader accepts
 * the pull reader accepts with the same walk, and a plain text (printable
 * ASCII, at most PAL_JX_MAX_TEXT bytes) the pull reader accepts the
 * indexed one accepts too; pal_jx_skip agrees with the walk.
 */
#ifndef PAL_JX_DIFF_H
#define PAL_JX_DIFF_H

#include <stdio.h>
#include <string.h>
#include "engine/base/json.h"
#include "engine/base/json_index.h"
#include "engine/base/strbuf.h"

#define JXD_DEPTH 64u
#define JXD_NUMBER_CAP 63u

static inline void put_span(pal_strbuf *o, char tag, const char *s, size_t n, bool flag)
{
    char head[40];
    int w = snprintf(head, sizeof head, "%c%d:%zu:", tag, flag ? 1 : 0, n);
    pal_strbuf_append(o, head, (size_t)w);
    pal_strbuf_append(o, s, n);
}

/* The walk with the pull reader; false when it refuses the text. */
static inline bool walk_json(const char *text, size_t len, pal_strbuf *o)
{
    pal_json r;
    pal_json_opts opts = {.max_depth = JXD_DEPTH, .max_number = JXD_NUMBER_CAP};
    pal_json_init(&r, text, len, &opts);
    char kinds[PAL_JX_MAX_DEPTH + 2];
    unsigned sp = 0;
    bool have_value = true;   /* the root */
    for (;;) {
        if (have_value) {
            pal_json_type t = pal_json_peek(&r);
            pal_json_str s;
            pal_json_num n;
            switch (t) {
            case PAL_JSON_OBJECT: case PAL_JSON_ARRAY:
                if (!pal_json_enter(&r)) return false;
                kinds[sp++] = t == PAL_JSON_OBJECT ? '}' : ']';
                pal_strbuf_putc(o, t == PAL_JSON_OBJECT ? '{' : '[');
                break;
            case PAL_JSON_STRING:
                if (!pal_json_string(&r, &s)) return false;
                put_span(o, 's', s.raw, s.len, s.escaped);
                break;
            case PAL_JSON_NUMBER:
                if (!pal_json_number(&r, &n)) return false;
                put_span(o, 'n', n.raw, n.len, n.integer);
                break;
            case PAL_JSON_TRUE: case PAL_JSON_FALSE:
                if (!pal_json_bool(&r, NULL)) return false;
                pal_strbuf_putc(o, t == PAL_JSON_TRUE ? 't' : 'f');
                break;
            case PAL_JSON_NULL:
                if (!pal_json_null(&r)) return false;
                pal_strbuf_putc(o, '0');
                break;
            default:
                return false;
            }
        }
        if (!sp) break;
        pal_json_str key = {NULL, 0, false};
        if (!pal_json_next(&r, &key)) {
            if (r.err) return false;
            pal_strbuf_putc(o, kinds[--sp]);
            have_value = false;
            if (!sp) break;
            continue;
        }
        if (kinds[sp - 1] == '}') put_span(o, 'k', key.raw, key.len, key.escaped);
        have_value = true;
    }
    return pal_json_end(&r);
}

/* The same walk with the indexed reader. */
static inline bool walk_jx(const char *text, size_t len, pal_strbuf *o)
{
    static pal_jx_index ix;
    if (!pal_jx_build(&ix, text, len)) return false;
    pal_jx r;
    pal_jx_init(&r, &ix, text, len, JXD_DEPTH, JXD_NUMBER_CAP);
    char kinds[PAL_JX_MAX_DEPTH + 2];
    unsigned sp = 0;
    bool have_value = true;
    for (;;) {
        if (have_value) {
            pal_json_type t = pal_jx_peek(&r);
            pal_json_str s;
            pal_json_num n;
            switch (t) {
            case PAL_JSON_OBJECT: case PAL_JSON_ARRAY:
                if (!pal_jx_enter(&r)) return false;
                kinds[sp++] = t == PAL_JSON_OBJECT ? '}' : ']';
                pal_strbuf_putc(o, t == PAL_JSON_OBJECT ? '{' : '[');
                break;
            case PAL_JSON_STRING:
                if (!pal_jx_string(&r, &s)) return false;
                put_span(o, 's', s.raw, s.len, s.escaped);
                break;
            case PAL_JSON_NUMBER:
                if (!pal_jx_number(&r, &n)) return false;
                put_span(o, 'n', n.raw, n.len, n.integer);
                break;
            case PAL_JSON_TRUE: case PAL_JSON_FALSE:
                if (!pal_jx_bool(&r, NULL)) return false;
                pal_strbuf_putc(o, t == PAL_JSON_TRUE ? 't' : 'f');
                break;
            case PAL_JSON_NULL:
                if (!pal_jx_null(&r)) return false;
                pal_strbuf_putc(o, '0');
                break;
            default:
                return false;
            }
        }
        if (!sp) break;
        pal_json_str key = {NULL, 0, false};
        if (!pal_jx_next(&r, &key)) {
            if (r.err) return false;
            pal_strbuf_putc(o, kinds[--sp]);
            have_value = false;
            if (!sp) break;
            continue;
        }
        if (kinds[sp - 1] == '}') put_span(o, 'k', key.raw, key.len, key.escaped);
        have_value = true;
    }
    return pal_jx_end(&r);
}

/* Skipping must agree too: the whole text as one skipped value. */
static inline bool skip_jx(const char *text, size_t len)
{
    static pal_jx_index ix;
    if (!pal_jx_build(&ix, text, len)) return false;
    pal_jx r;
    pal_jx_init(&r, &ix, text, len, JXD_DEPTH, JXD_NUMBER_CAP);
    return pal_jx_skip(&r) && pal_jx_end(&r);
}

static inline bool plain(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7F) return false;
    return n > 0;
}

/* The verdicts on text and whether they keep the rules; on a break, why
   (static buffers: one caller at a time). */
typedef struct jxd_result {
    bool jx_ok, json_ok, plain;
    const char *broken;   /* NULL: the rules hold */
} jxd_result;

static inline jxd_result jxd_check(const char *text, size_t len)
{
    static pal_strbuf a, b;
    static bool init;
    if (!init) {
        pal_strbuf_init(&a, 0);
        pal_strbuf_init(&b, 0);
        init = true;
    }
    pal_strbuf_clear(&a);
    pal_strbuf_clear(&b);
    jxd_result r = {walk_jx(text, len, &a), walk_json(text, len, &b), plain(text, len) && len <= PAL_JX_MAX_TEXT,
                    NULL};
    if (r.jx_ok && !r.json_ok) r.broken = "the indexed reader accepts what the pull reader refuses";
    else if (r.jx_ok && (a.len != b.len || memcmp(pal_strbuf_cstr(&a), pal_strbuf_cstr(&b), a.len) != 0))
        r.broken = "the indexed reader reads differently from the pull reader";
    else if (r.json_ok && r.plain && !r.jx_ok) r.broken = "the indexed reader refuses a plain text the pull reader accepts";
    else if (skip_jx(text, len) != r.jx_ok) r.broken = "pal_jx_skip and the walk disagree";
    return r;
}

#endif
