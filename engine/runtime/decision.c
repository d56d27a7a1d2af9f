/*
 * decision.c — the decision line writer (format and design in decision.h).
 */
#include "engine/runtime/decision.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/vm/vm.h"
#include "engine/runtime/runtime.h"
#include "engine/core/schema.h"

/* The length of the well-formed UTF-8 sequence at s (s[0] >= 0x80), or,
   when there is none, minus the length of its maximal subpart: the lead
   byte and the continuation bytes that could still have begun a
   well-formed sequence (Unicode 15, table 3-7 and section 3.9; what
   Python's and the WHATWG decoders replace with one U+FFFD each).  The
   string ends at a NUL, which is never a continuation byte. */
static int utf8_sequence(const unsigned char *s)
{
    unsigned c = s[0];
    int n;
    unsigned lo = 0x80, hi = 0xBF;   /* the range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else return -1;
    for (int k = 1; k < n; k++) {
        unsigned b = s[k];
        if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return -k;
    }
    return n;
}

/* Appends without a call per piece when the room is there (the buffer is
   reused line after line, so it nearly always is); else through
   pal_strbuf_append, which grows it or marks it failed.  A cap lowered
   below what the buffer holds already still binds (has_room). */
static inline bool has_room(const pal_strbuf *b, size_t n)
{
    return !b->failed && b->cap - b->len >= n && (!b->max || (b->len <= b->max && b->max - b->len >= n));
}

static inline void app(pal_strbuf *b, const char *s, size_t n)
{
    if (has_room(b, n)) {
        memcpy(b->s + b->len, s, n);
        b->len += n;
    } else {
        pal_strbuf_append(b, s, n);
    }
}

static inline void app_c(pal_strbuf *b, char c)
{
    if (has_room(b, 1)) b->s[b->len++] = c;
    else pal_strbuf_append(b, &c, 1);
}

#define APP_LIT(b, lit) app((b), (lit), sizeof(lit) - 1)

/* Room for n more bytes, or the buffer marked failed (what an append that
   does not fit does): the same demands as appending piece by piece. */
static inline bool need(pal_strbuf *b, size_t n)
{
    if (has_room(b, n) || pal_strbuf_reserve(b, n) == 0) return true;
    b->failed = true;
    return false;
}

/* A JSON string: escaped as cJSON's print_string_ptr escapes it ('"',
   '\\', \b \f \n \r \t by name, other bytes under 0x20 as \u00xx), and
   what is not UTF-8 replaced by U+FFFD, so that the line is JSON text
   (RFC 8259 section 8.1) whatever bytes an event carried into a message.
   Runs of plain bytes are copied whole, straight into the buffer. */
static void put_string(pal_strbuf *b, const char *str)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    if (!need(b, 1)) return;
    b->s[b->len++] = '"';
    for (;;) {
        const unsigned char *run = s;
        while (*s >= 0x20 && *s < 0x80 && *s != '"' && *s != '\\') s++;   /* stops at the NUL too */
        size_t n = (size_t)(s - run);
        if (n) {
            if (!need(b, n)) return;
            memcpy(b->s + b->len, run, n);
            b->len += n;
        }
        unsigned char c = *s;
        if (!c) break;
        const char *piece;
        char esc[6] = {'\\', 0};
        int k = 0;
        if (c >= 0x80) {
            k = utf8_sequence(s);
            piece = k > 0 ? (const char *)s : "\xEF\xBF\xBD";   /* U+FFFD for an ill-formed subpart */
            n = k > 0 ? (size_t)k : 3;
            s += k > 0 ? k : -k;
        } else {
            piece = esc;
            n = 2;
            switch (c) {
            case '"': esc[1] = '"'; break;
            case '\\': esc[1] = '\\'; break;
            case '\b': esc[1] = 'b'; break;
            case '\f': esc[1] = 'f'; break;
            case '\n': esc[1] = 'n'; break;
            case '\r': esc[1] = 'r'; break;
            case '\t': esc[1] = 't'; break;
            default:
                esc[1] = 'u', esc[2] = '0', esc[3] = '0', esc[4] = hex[c >> 4], esc[5] = hex[c & 15];
                n = 6;
            }
            s++;
        }
        if (!need(b, n)) return;
        memcpy(b->s + b->len, piece, n);
        b->len += n;
    }
    if (!need(b, 1)) return;
    b->s[b->len++] = '"';
}

/* "key": the member's name and colon, after a comma unless first. */
static void put_key(pal_strbuf *b, const char *key, bool *first)
{
    if (!*first) app_c(b, ',');
    *first = false;
    app_c(b, '"');
    app(b, key, strlen(key));
    app(b, "\":", 2);
}

/* An unsigned number in decimal, without printf (once or twice per
   decision line: printf's parsing cost more than the digits). */
static void put_unsigned(pal_strbuf *b, unsigned long long v)
{
    char tmp[24];
    size_t n = sizeof tmp;
    do tmp[--n] = (char)('0' + v % 10u); while (v /= 10u);
    app(b, tmp + n, sizeof tmp - n);
}

/* A line number as cJSON prints a number: an int as an int, a larger
   value through %1.15g (round-trip checked, else %1.17g). */
static void put_number(pal_strbuf *b, long v)
{
    char tmp[32];
    if (v >= INT_MIN && v <= INT_MAX) {
        if (v < 0) pal_strbuf_putc(b, '-');
        put_unsigned(b, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v);
        return;
    } else {
        double d = (double)v;
        snprintf(tmp, sizeof tmp, "%1.15g", d);
        if (strtod(tmp, NULL) != d) snprintf(tmp, sizeof tmp, "%1.17g", d);
    }
    pal_strbuf_puts(b, tmp);
}

void pal_decision_write_match(pal_strbuf *out, const pal_program *p, const pal_match *m)
{
    APP_LIT(out, "{\"rule\":");
    put_string(out, pal_program_str(p, p->rules[m->rule].name));
    APP_LIT(out, ",\"effect\":");
    put_string(out, pal_effect_name(m->effect));
    APP_LIT(out, ",\"severity\":");
    put_string(out, pal_severity_name(m->severity));
    APP_LIT(out, ",\"message\":");
    put_string(out, m->message ? m->message : "");
    if (m->nmembers) {
        /* a completed correlation: its member events and its compiled form */
        static const char hex[] = "0123456789abcdef";
        char tmp[16];
        APP_LIT(out, ",\"members\":[");
        for (uint32_t k = 0; k < m->nmembers; k++) {
            if (k) app_c(out, ',');
            put_unsigned(out, m->members[k]);
        }
        for (unsigned k = 0; k < 16; k++) tmp[k] = hex[(m->revision >> (60 - 4 * k)) & 15u];   /* %016llx */
        APP_LIT(out, "],\"rule_revision\":\"");
        app(out, tmp, sizeof tmp);
        app_c(out, '"');
    }
    app_c(out, '}');
}

int pal_decision_write(pal_strbuf *out, const pal_program *p, const pal_decision *d, const pal_decision_ctx *c)
{
    return pal_decision_write_marked(out, p, d, c, NULL);
}

int pal_decision_write_marked(pal_strbuf *out, const pal_program *p, const pal_decision *d, const pal_decision_ctx *c,
                              pal_decision_marks *marks)
{
    size_t start = out->len;
    bool first = true;
    app_c(out, '{');
    if (c->conn) {
        put_key(out, "conn", &first);
        put_unsigned(out, c->conn);
    }
    if (c->learning && !c->error) {
        put_key(out, "learning", &first);
        APP_LIT(out, "true");
    }
    if (c->rotation) {
        put_key(out, "rotation", &first);
        put_unsigned(out, c->rotation);
    }
    if (c->line >= 0) {
        put_key(out, "line", &first);
        put_number(out, c->line);
    }
    if (c->event) {
        put_key(out, "event", &first);
        put_unsigned(out, c->event);
    }
    int effect = c->error || c->learning ? PE_ALLOW : d->effect;
    put_key(out, "effect", &first);
    size_t effect_at = out->len;
    put_string(out, pal_effect_name((unsigned)effect));
    size_t effect_end = out->len;
    put_key(out, "matches", &first);
    app_c(out, '[');
    for (uint32_t i = 0; !c->error && i < d->nmatches; i++) {
        if (i) app_c(out, ',');
        pal_decision_write_match(out, p, &d->matches[i]);
    }
    size_t close_at = out->len;
    app_c(out, ']');
    if (c->error) {
        put_key(out, "error", &first);
        put_string(out, c->error);
    } else {
        if (d->vm_error) {
            /* a stopped rule decided with its strongest effect: say which and why */
            char why[512];
            uint32_t r = d->vm_error_rule;
            if (r < p->nrules && p->rules[r].root != PS_IMAGE)
                snprintf(why, sizeof why, "rule '%s' stopped: %s; the decision takes its strongest effect (%s)",
                         pal_program_str(p, p->rules[r].name), pal_vm_strerror(d->vm_error),
                         pal_effect_name((unsigned)pal_rule_strongest_effect(p, r)));
            else
                snprintf(why, sizeof why, "%s", pal_vm_strerror(d->vm_error));
            put_key(out, "error", &first);
            put_string(out, why);
        }
        if (d->warning && *d->warning) {
            put_key(out, "warning", &first);
            put_string(out, d->warning);
        }
        if (d->noriginals) {
            /* what the event wrote, for each path the decoder normalised */
            const pal_schema *s = pal_schema_get(PS_EVENT);
            put_key(out, "original", &first);
            app_c(out, '{');
            bool ofirst = true;
            for (unsigned i = 0; i < d->noriginals; i++) {
                const pal_original *og = &d->originals[i];
                if (og->field >= s->nfields || !og->text) continue;
                put_key(out, s->fields[og->field].name, &ofirst);
                put_string(out, og->text);
            }
            app_c(out, '}');
        }
    }
    put_key(out, "revision", &first);
    put_string(out, pal_program_str(p, p->revision));
    APP_LIT(out, "}\n");
    if (out->failed) {
        pal_strbuf_truncate(out, start);
        out->failed = false;
        return -1;
    }
    if (marks) {
        marks->effect_at = effect_at - start;
        marks->effect_end = effect_end - start;
        marks->close_at = close_at - start;
        marks->len = out->len - start;
    }
    return 0;
}
