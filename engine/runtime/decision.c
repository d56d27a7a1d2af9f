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

/* A JSON string: escaped as cJSON's print_string_ptr escapes it ('"',
   '\\', \b \f \n \r \t by name, other bytes under 0x20 as \u00xx), and
   what is not UTF-8 replaced by U+FFFD, so that the line is JSON text
   (RFC 8259 section 8.1) whatever bytes an event carried into a message. */
static void put_string(pal_strbuf *b, const char *str)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str, *run = s;
    pal_strbuf_putc(b, '"');
    while (*s) {
        unsigned char c = *s;
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') { s++; continue; }
        if (c >= 0x80) {
            int n = utf8_sequence(s);
            if (n > 0) { s += n; continue; }
            pal_strbuf_append(b, (const char *)run, (size_t)(s - run));
            pal_strbuf_append(b, "\xEF\xBF\xBD", 3);   /* U+FFFD */
            s += -n;
            run = s;
            continue;
        }
        pal_strbuf_append(b, (const char *)run, (size_t)(s - run));
        char esc[6] = {'\\', 0};
        size_t n = 2;
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
        pal_strbuf_append(b, esc, n);
        run = ++s;
    }
    pal_strbuf_append(b, (const char *)run, (size_t)(s - run));
    pal_strbuf_putc(b, '"');
}

/* "key": the member's name and colon, after a comma unless first. */
static void put_key(pal_strbuf *b, const char *key, bool *first)
{
    if (!*first) pal_strbuf_putc(b, ',');
    *first = false;
    pal_strbuf_putc(b, '"');
    pal_strbuf_puts(b, key);
    pal_strbuf_append(b, "\":", 2);
}

/* An unsigned number in decimal, without printf (once or twice per
   decision line: printf's parsing cost more than the digits). */
static void put_unsigned(pal_strbuf *b, unsigned long long v)
{
    char tmp[24];
    size_t n = sizeof tmp;
    do tmp[--n] = (char)('0' + v % 10u); while (v /= 10u);
    pal_strbuf_append(b, tmp + n, sizeof tmp - n);
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
    pal_strbuf_append(out, "{\"rule\":", 8);
    put_string(out, pal_program_str(p, p->rules[m->rule].name));
    pal_strbuf_append(out, ",\"effect\":", 10);
    put_string(out, pal_effect_name(m->effect));
    pal_strbuf_append(out, ",\"severity\":", 12);
    put_string(out, pal_severity_name(m->severity));
    pal_strbuf_append(out, ",\"message\":", 11);
    put_string(out, m->message ? m->message : "");
    if (m->nmembers) {
        /* a completed correlation: its member events and its compiled form */
        char tmp[32];
        pal_strbuf_puts(out, ",\"members\":[");
        for (uint32_t k = 0; k < m->nmembers; k++) {
            snprintf(tmp, sizeof tmp, "%s%llu", k ? "," : "", (unsigned long long)m->members[k]);
            pal_strbuf_puts(out, tmp);
        }
        snprintf(tmp, sizeof tmp, "%016llx", (unsigned long long)m->revision);
        pal_strbuf_puts(out, "],\"rule_revision\":\"");
        pal_strbuf_puts(out, tmp);
        pal_strbuf_putc(out, '"');
    }
    pal_strbuf_putc(out, '}');
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
    pal_strbuf_putc(out, '{');
    if (c->conn) {
        put_key(out, "conn", &first);
        put_unsigned(out, c->conn);
    }
    if (c->learning && !c->error) {
        put_key(out, "learning", &first);
        pal_strbuf_puts(out, "true");
    }
    if (c->line >= 0) {
        put_key(out, "line", &first);
        put_number(out, c->line);
    }
    int effect = c->error || c->learning ? PE_ALLOW : d->effect;
    put_key(out, "effect", &first);
    size_t effect_at = out->len;
    put_string(out, pal_effect_name((unsigned)effect));
    size_t effect_end = out->len;
    put_key(out, "matches", &first);
    pal_strbuf_putc(out, '[');
    for (uint32_t i = 0; !c->error && i < d->nmatches; i++) {
        if (i) pal_strbuf_putc(out, ',');
        pal_decision_write_match(out, p, &d->matches[i]);
    }
    size_t close_at = out->len;
    pal_strbuf_putc(out, ']');
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
            pal_strbuf_putc(out, '{');
            bool ofirst = true;
            for (unsigned i = 0; i < d->noriginals; i++) {
                const pal_original *og = &d->originals[i];
                if (og->field >= s->nfields || !og->text) continue;
                put_key(out, s->fields[og->field].name, &ofirst);
                put_string(out, og->text);
            }
            pal_strbuf_putc(out, '}');
        }
    }
    put_key(out, "revision", &first);
    put_string(out, pal_program_str(p, p->revision));
    pal_strbuf_append(out, "}\n", 2);
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
