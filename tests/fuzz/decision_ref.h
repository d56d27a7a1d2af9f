/*
 * decision_ref.h — the reference for the decision line writer
 * (engine/runtime/decision.h): cJSON objects built the way engine/runtime,
 * cli/events.c and cmd_agent.c built them before the writer, with each
 * maximal ill-formed UTF-8 subpart replaced by U+FFFD (a replacement
 * written here from the definition).  Shared by tests/unit/test_decision.c
 * and tests/fuzz/fuzz_decision.c.
 */
#ifndef PAL_TESTS_DECISION_REF_H
#define PAL_TESTS_DECISION_REF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "engine/runtime/decision.h"
#include "engine/runtime/runtime.h"
#include "engine/vm/vm.h"
#include "engine/core/schema.h"

/* The code points an n-byte UTF-8 sequence may encode, by n. */
static const uint32_t seq_min[5] = {0, 0, 0x80, 0x800, 0x10000}, seq_max[5] = {0, 0x7f, 0x7ff, 0xffff, 0x10ffff};

/* Could the k bytes at s begin a well-formed sequence of n bytes?  Yes
   when some code point of the range they leave open is a scalar value
   that needs exactly n bytes (not a surrogate). */
static bool could_begin(const unsigned char *s, int k, int n)
{
    uint32_t v = s[0] & (0x7fu >> n);
    for (int i = 1; i < k; i++) {
        if ((s[i] & 0xc0) != 0x80) return false;
        v = v << 6 | (s[i] & 0x3f);
    }
    int free_bits = 6 * (n - k);
    uint32_t lo = v << free_bits, hi = lo | ((1u << free_bits) - 1);
    if (lo < seq_min[n]) lo = seq_min[n];
    if (hi > seq_max[n]) hi = seq_max[n];
    if (lo > hi) return false;
    return !(lo >= 0xd800 && hi <= 0xdfff);
}

/* s with every maximal ill-formed subpart replaced by U+FFFD (malloc'ed). */
static char *fffd(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t n = strlen(str);
    char *out = malloc(3 * n + 1), *o = out;
    for (size_t i = 0; i < n;) {
        int len = s[i] < 0x80 ? 1 : s[i] >= 0xf8 ? 0 : s[i] >= 0xf0 ? 4 : s[i] >= 0xe0 ? 3 : s[i] >= 0xc0 ? 2 : 0;
        int k = 0;
        while (len > 1 && k < len && i + (size_t)k < n && could_begin(s + i, k + 1, len)) k++;
        if (len == 1 || (len > 1 && k == len)) {
            memcpy(o, s + i, (size_t)len);
            o += len;
            i += (size_t)len;
        } else {
            memcpy(o, "\xef\xbf\xbd", 3);
            o += 3;
            i += (size_t)(k ? k : 1);
        }
    }
    *o = 0;
    return out;
}

/* Strings for the reference, freed together. */
typedef struct keep { char *p[64]; int n; } keep;
static const char *clean(keep *k, const char *s)
{
    if (!s) return NULL;
    char *c = fffd(s);
    if (k->n < 64) k->p[k->n++] = c;
    return c;
}
static void keep_free(keep *k)
{
    while (k->n) free(k->p[--k->n]);
}

/* "event" after "line": its digits as they are (a 64-bit count, which a double would round) */
static void ref_event(cJSON *o, uint64_t event)
{
    char digits[24];
    snprintf(digits, sizeof digits, "%llu", (unsigned long long)event);
    if (event) cJSON_AddRawToObject(o, "event", digits);
}

static char *ref_decision(const pal_program *p, const pal_decision *d, long line, uint64_t event)
{
    keep k = {0};
    cJSON *o = cJSON_CreateObject();
    if (line >= 0) cJSON_AddNumberToObject(o, "line", (double)line);
    ref_event(o, event);
    cJSON_AddStringToObject(o, "effect", pal_effect_name((unsigned)d->effect));
    cJSON *arr = cJSON_AddArrayToObject(o, "matches");
    for (uint32_t i = 0; i < d->nmatches; i++) {
        const pal_match *m = &d->matches[i];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "rule", clean(&k, pal_program_str(p, p->rules[m->rule].name)));
        cJSON_AddStringToObject(x, "effect", pal_effect_name(m->effect));
        cJSON_AddStringToObject(x, "severity", pal_severity_name(m->severity));
        cJSON_AddStringToObject(x, "message", m->message ? clean(&k, m->message) : "");
        if (m->nmembers) {
            /* a completed correlation (the default policies have chains) */
            cJSON *mem = cJSON_AddArrayToObject(x, "members");
            for (uint32_t j = 0; j < m->nmembers; j++) cJSON_AddItemToArray(mem, cJSON_CreateNumber((double)m->members[j]));
            char rev[20];
            snprintf(rev, sizeof rev, "%016llx", (unsigned long long)m->revision);
            cJSON_AddStringToObject(x, "rule_revision", rev);
        }
        cJSON_AddItemToArray(arr, x);
    }
    if (d->vm_error) {
        char why[512];
        uint32_t r = d->vm_error_rule;
        if (r < p->nrules && p->rules[r].root != PS_IMAGE)
            snprintf(why, sizeof why, "rule '%s' stopped: %s; the decision takes its strongest effect (%s)",
                     pal_program_str(p, p->rules[r].name), pal_vm_strerror(d->vm_error),
                     pal_effect_name((unsigned)pal_rule_strongest_effect(p, r)));
        else
            snprintf(why, sizeof why, "%s", pal_vm_strerror(d->vm_error));
        cJSON_AddStringToObject(o, "error", clean(&k, why));
    }
    if (d->warning && *d->warning) cJSON_AddStringToObject(o, "warning", clean(&k, d->warning));
    if (d->noriginals) {
        const pal_schema *s = pal_schema_get(PS_EVENT);
        cJSON *orig = cJSON_AddObjectToObject(o, "original");
        for (unsigned i = 0; orig && i < d->noriginals; i++)
            if (d->originals[i].field < s->nfields && d->originals[i].text)
                cJSON_AddStringToObject(orig, s->fields[d->originals[i].field].name, clean(&k, d->originals[i].text));
    }
    cJSON_AddStringToObject(o, "revision", clean(&k, pal_program_str(p, p->revision)));
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    keep_free(&k);
    return s;
}

static char *ref_error(const pal_program *p, long line, uint64_t event, const char *why)
{
    keep k = {0};
    cJSON *o = cJSON_CreateObject();
    if (line >= 0) cJSON_AddNumberToObject(o, "line", (double)line);
    ref_event(o, event);
    cJSON_AddStringToObject(o, "effect", "allow");
    cJSON_AddArrayToObject(o, "matches");
    cJSON_AddStringToObject(o, "error", clean(&k, why));
    cJSON_AddStringToObject(o, "revision", clean(&k, pal_program_str(p, p->revision)));
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    keep_free(&k);
    return s;
}

/* the learning splice of cli/events.c, the rotation one after it, then the conn splice of cmd_agent.c */
static char *ref_line(const pal_program *p, const pal_decision *d, const pal_decision_ctx *c)
{
    char *js;
    if (c->error) {
        js = ref_error(p, c->line, c->event, c->error);
    } else {
        pal_decision dd = *d;
        if (c->learning) dd.effect = PE_ALLOW;
        js = ref_decision(p, &dd, c->line, c->event);
        if (c->learning) {
            size_t n = strlen(js);
            char *t = malloc(n + 17);
            memcpy(t, "{\"learning\":true,", 17);
            memcpy(t + 17, js + 1, n);
            free(js);
            js = t;
        }
    }
    if (c->rotation && !c->error) {
        size_t at = c->learning ? 17 : 1, n = strlen(js);
        char *t = malloc(n + 40);
        memcpy(t, js, at);
        int k = snprintf(t + at, 40, "\"rotation\":%lu,", c->rotation);
        memcpy(t + at + k, js + at, n - at + 1);
        free(js);
        js = t;
    } else if (c->rotation) {
        size_t n = strlen(js);
        char *t = malloc(n + 40);
        int k = snprintf(t, 40, "{\"rotation\":%lu,", c->rotation);
        memcpy(t + k, js + 1, n);
        free(js);
        js = t;
    }
    size_t n = strlen(js);
    char *out = malloc(n + 40);
    if (c->conn) {
        int k = snprintf(out, 40, "{\"conn\":%lu,", c->conn);
        memcpy(out + k, js + 1, n);
    } else {
        memcpy(out, js, n + 1);
    }
    free(js);
    strcat(out, "\n");
    return out;
}

#endif
