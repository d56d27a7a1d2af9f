/*
 * decode_diff.h — the event decoder's two readings side by side: the cJSON
 * tree (PAL_DECODER_TREE, the reference) and the default one (the pull
 * reader's fast path, engine/decode/decode_fast.c, with the tree for what
 * it leaves), and a generator of event lines that exercise both.
 *
 * dd_compare decodes one line both ways, into two arenas of the same cap,
 * and reports the first difference: the return code, the message byte for
 * byte, the kind, the Windows flag, every field (tag, flags, length, bytes,
 * list items), the Windows paths' originals, and the second reading of a
 * line with a duplicate key.  It also counts, in dd_stats, which lines the
 * default decoder read without a tree, and fails on an anomaly (a lookup
 * the fast path's tables do not declare).
 *
 * dd_gen writes one line from a seed: ECS (nested, dotted and mixed
 * spellings of every schema field), Sysmon (Winlogbeat and flat, every
 * mapped EventID), Falco, with values of the right and the wrong types,
 * nulls, duplicates, escapes (\u, surrogate pairs, an escaped NUL that
 * cuts a cJSON string), raw UTF-8 and bytes that are not, numbers past
 * cJSON's 63 characters, deep nesting, long strings, whitespace, a BOM,
 * and damage (cut short, a byte changed, text after the object).
 *
 * Used by tests/unit/test_decode_diff.c and tests/fuzz/fuzz_decode_diff.c.
 */
#ifndef PAL_DECODE_DIFF_H
#define PAL_DECODE_DIFF_H

#include "engine/decode/decode.h"
#include "engine/decode/decode_int.h"
#include "engine/base/limits.h"
#include "engine/core/winevents.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ compare */

typedef struct dd_stats {
    pal_decode_stats dec;     /* the default decoder's counters over every call */
    unsigned long calls;
} dd_stats;

static bool dd_same_value(const pal_value *a, const pal_value *b, char *why, size_t cap, const char *name);

static bool dd_same_items(const pal_value *a, const pal_value *b, char *why, size_t cap, const char *name)
{
    for (uint32_t i = 0; i < a->len; i++) {
        char sub[160];
        snprintf(sub, sizeof sub, "%s[%u]", name, i);
        if (!dd_same_value(&a->u.items[i], &b->u.items[i], why, cap, sub)) return false;
    }
    return true;
}

static bool dd_same_value(const pal_value *a, const pal_value *b, char *why, size_t cap, const char *name)
{
    if (a->tag != b->tag || a->flags != b->flags || a->len != b->len) {
        snprintf(why, cap, "%s: tag/flags/len %u/%u/%u (tree) vs %u/%u/%u", name, a->tag, a->flags, a->len, b->tag,
                 b->flags, b->len);
        return false;
    }
    switch (a->tag) {
    case PV_UNDEF: return true;
    case PV_BOOL: case PV_INT:
        if (a->u.i == b->u.i) return true;
        snprintf(why, cap, "%s: %lld (tree) vs %lld", name, (long long)a->u.i, (long long)b->u.i);
        return false;
    case PV_STR:
        if (!memcmp(a->u.s, b->u.s, a->len)) return true;
        snprintf(why, cap, "%s: \"%.*s\" (tree) vs \"%.*s\"", name, (int)(a->len > 60 ? 60 : a->len), a->u.s,
                 (int)(b->len > 60 ? 60 : b->len), b->u.s);
        return false;
    case PV_IP:
        if (!memcmp(a->u.ip, b->u.ip, 16)) return true;
        snprintf(why, cap, "%s: the IP addresses differ", name);
        return false;
    case PV_LIST: return dd_same_items(a, b, why, cap, name);
    default:
        snprintf(why, cap, "%s: unexpected tag %u", name, a->tag);
        return false;
    }
}

static bool dd_same_event(const pal_event *a, const pal_event *b, char *why, size_t cap, unsigned depth)
{
    if (a->kind != b->kind || a->windows != b->windows) {
        snprintf(why, cap, "kind/windows %u/%d (tree) vs %u/%d", a->kind, a->windows, b->kind, b->windows);
        return false;
    }
    if (!a->rec.slots != !b->rec.slots) {
        snprintf(why, cap, "one reading has no slots");
        return false;
    }
    const pal_schema *s = pal_schema_get(PS_EVENT);
    for (unsigned i = 0; a->rec.slots && i < s->nfields; i++)
        if (!dd_same_value(pal_record_ref(&a->rec, i), pal_record_ref(&b->rec, i), why, cap, s->fields[i].name)) return false;
    if (a->noriginals != b->noriginals) {
        snprintf(why, cap, "originals: %u (tree) vs %u", a->noriginals, b->noriginals);
        return false;
    }
    for (unsigned i = 0; i < a->noriginals; i++) {
        const pal_original *x = &a->originals[i], *y = &b->originals[i];
        if (x->field != y->field || x->len != y->len || memcmp(x->text, y->text, x->len)) {
            snprintf(why, cap, "original %u differs", i);
            return false;
        }
    }
    if (!a->other != !b->other) {
        snprintf(why, cap, "second reading: %s (tree) vs %s", a->other ? "yes" : "no", b->other ? "yes" : "no");
        return false;
    }
    if (a->other && depth == 0) return dd_same_event(a->other, b->other, why, cap, 1);
    return true;
}

/* Fills the first block of a fresh arena with copies of `word` and gives it
   back: what the decoder allocates next (the event's slots first) starts
   out as that junk, not as zeroes.  The event decoder writes only the slots
   it sets (pal_record's `written`); with the two readings on different junk
   (every 8-byte word a PV_INT 2 for one, a PV_BOOL true for the other) a
   slot read or published without being written differs between them.  Not
   for a small cap: the arena's growth, and so where memory runs out, must
   stay as it is. */
static inline void dd_junk_arena(pal_arena *a, size_t cap, uint64_t word)
{
    enum { JUNK = 8192 };
    if (cap && cap < (1u << 20)) return;
    uint64_t *p = pal_arena_alloc_uninit(a, JUNK);
    if (!p) return;
    for (size_t i = 0; i < JUNK / sizeof *p; i++) p[i] = word;
    pal_arena_reset(a);
}

/* Decodes line both ways; false with the difference in why. */
static inline bool dd_compare(const char *line, size_t len, pal_input_format fmt, const uint8_t *want, size_t arena_cap,
                       dd_stats *st, char *why, size_t cap)
{
    pal_arena a1, a2;
    pal_arena_init(&a1, arena_cap);
    pal_arena_init(&a2, arena_cap);
    dd_junk_arena(&a1, arena_cap, PV_INT);    /* little-endian: tag PV_INT, u.i 2 */
    dd_junk_arena(&a2, arena_cap, PV_BOOL);   /* tag PV_BOOL, u.i 1 */
    pal_decode_opts tree, def;
    memset(&tree, 0, sizeof tree);
    memset(&def, 0, sizeof def);
    tree.decoder = PAL_DECODER_TREE;
    pal_decode_stats s;
    memset(&s, 0, sizeof s);
    def.stats = &s;
    pal_event e1, e2;
    char err1[512], err2[512];
    memset(err1, 'x', sizeof err1);
    memset(err2, 'y', sizeof err2);
    int rc1 = pal_event_decode_opts(line, len, fmt, &tree, want, &a1, &e1, err1, sizeof err1);
    int rc2 = pal_event_decode_opts(line, len, fmt, &def, want, &a2, &e2, err2, sizeof err2);
    bool ok = true;
    if (!memchr(err1, 0, sizeof err1) || !memchr(err2, 0, sizeof err2)) {
        snprintf(why, cap, "a message is not terminated");
        ok = false;
    } else if (rc1 != rc2) {
        snprintf(why, cap, "rc %d (tree) vs %d: \"%.200s\" vs \"%.200s\"", rc1, rc2, err1, err2);
        ok = false;
    } else if (strcmp(err1, err2)) {
        snprintf(why, cap, "message \"%.200s\" (tree) vs \"%.200s\"", err1, err2);
        ok = false;
    } else if (!dd_same_event(&e1, &e2, why, cap, 0)) {
        ok = false;
    } else if (s.anomalies) {
        snprintf(why, cap, "the fast path looked up a name it does not declare");
        ok = false;
    }
    if (st) {
        st->calls++;
        st->dec.fast += s.fast;
        st->dec.indexed += s.indexed;
        for (unsigned i = 0; i < PAL_SLOW__COUNT; i++) st->dec.slow[i] += s.slow[i];
        st->dec.anomalies += s.anomalies;
    }
    pal_arena_free(&a1);
    pal_arena_free(&a2);
    return ok;
}

/* The `want` sets the tests decode with: 0 all fields (NULL), 1 a
   policy-shaped set (the fields the default policies read when this was
   written), 2 one field, 3 none (only what inference reads), 4 two
   network fields.  buf has room for 64 bytes. */
#define DD_WANTS 5
static inline const uint8_t *dd_want(unsigned choice, uint8_t buf[64])
{
    static const char *const policy[] = {"container.id", "container.image.name", "event.action",
                                         "process.executable", "process.name", "process.command_line",
                                         "process.parent.name", "network.direction", "source.ip",
                                         "destination.ip", "destination.port", "destination.domain",
                                         "dns.question.name", "file.path", "file.name", "file.extension", NULL};
    static const char *const one[] = {"process.name", NULL}, *const net[] = {"source.port", "dns.resolved_ip", NULL};
    const char *const *names = choice == 1 ? policy : choice == 2 ? one : choice == 4 ? net : NULL;
    if (choice % DD_WANTS == 0) return NULL;
    memset(buf, 0, 64);
    const pal_schema *s = pal_schema_get(PS_EVENT);
    for (unsigned i = 0; names && names[i]; i++) {
        int f = pal_schema_find(s, names[i], strlen(names[i]));
        if (f >= 0) buf[f / 8] |= (uint8_t)(1u << (f % 8));
    }
    return buf;
}

/* ------------------------------------------------------------ generate */

typedef struct dd_gen {
    uint64_t rng;
    char *s;
    size_t len, cap;
} dd_gen;

static uint32_t dd_rnd(dd_gen *g, uint32_t n)
{
    g->rng = g->rng * 6364136223846793005ull + 1442695040888963407ull;
    uint32_t x = (uint32_t)(g->rng >> 33);
    return n ? x % n : 0;
}

static bool dd_chance(dd_gen *g, unsigned percent) { return dd_rnd(g, 100) < percent; }

static void dd_put(dd_gen *g, const char *p, size_t n)
{
    if (g->len + n + 1 > g->cap) {
        size_t c = g->cap ? g->cap : 1024;
        while (c < g->len + n + 1) c *= 2;
        char *ns = realloc(g->s, c);
        if (!ns) abort();
        g->s = ns;
        g->cap = c;
    }
    memcpy(g->s + g->len, p, n);
    g->len += n;
    g->s[g->len] = 0;
}

static void dd_puts(dd_gen *g, const char *p) { dd_put(g, p, strlen(p)); }

static void dd_printf(dd_gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void dd_printf(dd_gen *g, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0) dd_put(g, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* A JSON string with text t, escaped in one of many ways. */
static void dd_string(dd_gen *g, const char *t, bool key)
{
    dd_puts(g, "\"");
    bool esc = dd_chance(g, key ? 8 : 12);
    for (const char *p = t; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') { dd_printf(g, "\\%c", c); continue; }
        if (c < 0x20) { dd_printf(g, "\\u%04x", c); continue; }
        if (esc && dd_chance(g, 20)) {
            switch (dd_rnd(g, 4)) {
            case 0: dd_printf(g, "\\u%04x", c); continue;
            case 1: dd_printf(g, "\\u%04X", c); continue;
            case 2: if (c == '/') { dd_puts(g, "\\/"); continue; } break;
            default: break;
            }
        }
        dd_put(g, (const char *)&c, 1);
    }
    if (esc && dd_chance(g, 15)) {
        static const char *const tails[] = {"\\u0000tail", "\\u00e9", "\\ud83d\\ude00", "\\n", "\\t", "é",
                                            "\xf0\x9f\x98\x80", "\\u0000", "\\\"", "\\\\"};
        dd_puts(g, tails[dd_rnd(g, sizeof tails / sizeof tails[0])]);
    }
    if (dd_chance(g, 1)) {   /* bytes cJSON takes and the strict reader refuses */
        static const char *const bad[] = {"\xff", "\xc0\xaf", "\x01", "\xed\xa0\x80", "\\ud800", "\t"};
        dd_puts(g, bad[dd_rnd(g, sizeof bad / sizeof bad[0])]);
    }
    dd_puts(g, "\"");
}

static const char *const dd_words[] = {
    "cmd.exe", "powershell.exe", "bash", "nginx", "python3", "/usr/bin/curl", "C:\\Windows\\System32\\cmd.exe",
    "\\Device\\HarddiskVolume3\\Windows\\x.exe", "\\\\?\\C:\\Temp\\a.ps1", "/etc/shadow", "/tmp/x.sh",
    "example.com", "www.bad.example.net.", "bad..name", "a_b-c.example", "10.0.0.5", "::1", "[fe80::1%12]",
    "93.184.216.34", "not an ip", "egress", "ingress", "outbound", "tcp", "dns", "process", "network", "file",
    "start", "creation", "windows", "linux", "Windows", "", "-", "<NA>", "true", "false", "TRUE", "12345",
    "+5", "-0", "9223372036854775807", "9223372036854775808", "65536", "nginx:1.25", "reg:5000/app:v1@sha256:ab",
    "O_WRONLY|O_CREAT", "O_RDONLY", "execve", "connect", "accept4", "openat", "creat", "sendto", "read",
    "10.0.0.5:43210->93.184.216.34:443", "[::1]:5->[::2]:6", "1.2.3.4:99999->5.6.7.8:1", "syscall", "k8s_audit",
    "SHA1=AB,MD5=CD,SHA256=EF,IMPHASH=00", "type:  5 edge.example.net;::ffff:13.107.21.200;1.2.3.4;",
    "2024-03-12 10:05:00.120", "2024-03-12T10:05:00Z", "NT AUTHORITY\\SYSTEM", "Microsoft-Windows-Sysmon/Operational",
    "Microsoft-Windows-Sysmon", "Security", "C:\\Users\\a\\..\\b\\cmd.exe.", "\\??\\C:\\x", "a.b.c.d.e"};

static const char *dd_word(dd_gen *g) { return dd_words[dd_rnd(g, sizeof dd_words / sizeof dd_words[0])]; }

/* A value: of the type a field of type t wants, mostly. */
static void dd_value(dd_gen *g, unsigned t, unsigned elem, unsigned depth, const char *const *choices)
{
    if (choices && dd_chance(g, 85)) {
        unsigned k = 0;
        while (choices[k]) k++;
        dd_puts(g, choices[dd_rnd(g, k)]);
        return;
    }
    unsigned r = dd_rnd(g, 100);
    if (r < 4) { dd_puts(g, "null"); return; }
    if (r < 12) {   /* any other type */
        switch (dd_rnd(g, 9)) {
        case 0: dd_puts(g, dd_chance(g, 50) ? "true" : "false"); return;
        case 1: dd_printf(g, "%d", (int)dd_rnd(g, 200000) - 1000); return;
        case 2: dd_puts(g, "{}"); return;
        case 3: dd_puts(g, "[]"); return;
        case 4: dd_puts(g, "[\"a\",1,null,[2]]"); return;
        case 5: dd_puts(g, "{\"a\":{\"b\":[1,2,{\"c\":\"d\"}]}}"); return;
        case 6: {
            static const char *const nums[] = {"1.5", "-0", "1e3", "1E+2", "2.5e-3", "9007199254740993",
                                               "9007199254740992", "-9007199254740993", "1e19", "123456789012345678901",
                                               "0.000001", "1e400", "-1e400", "65535", "65536", "-1", "0"};
            dd_puts(g, nums[dd_rnd(g, sizeof nums / sizeof nums[0])]);
            return;
        }
        case 7: /* 64 characters and more: cJSON refuses the line */
            dd_puts(g, "1");
            for (unsigned i = 0, n = 60 + dd_rnd(g, 8); i < n; i++) dd_puts(g, "0");
            return;
        default: dd_string(g, dd_word(g), false); return;
        }
    }
    switch (t) {
    case PT_BOOL: dd_puts(g, dd_chance(g, 50) ? "true" : "\"True\""); return;
    case PT_INT:
        if (dd_chance(g, 20)) dd_string(g, dd_chance(g, 50) ? "4242" : dd_word(g), false);
        else dd_printf(g, "%u", dd_rnd(g, 70000));
        return;
    case PT_IP: {
        char ip[64];
        if (dd_chance(g, 30)) snprintf(ip, sizeof ip, "%s", dd_word(g));
        else if (dd_chance(g, 20)) snprintf(ip, sizeof ip, "2001:db8::%x", dd_rnd(g, 65536));
        else snprintf(ip, sizeof ip, "%u.%u.%u.%u", dd_rnd(g, 256), dd_rnd(g, 256), dd_rnd(g, 256), dd_rnd(g, 256));
        dd_string(g, ip, false);
        return;
    }
    case PT_LIST:
        if (dd_chance(g, 15)) { dd_value(g, elem, 0, depth + 1, NULL); return; }   /* one scalar */
        dd_puts(g, "[");
        for (unsigned i = 0, n = dd_rnd(g, 4); i < n; i++) {
            if (i) dd_puts(g, ",");
            dd_value(g, elem, 0, depth + 1, NULL);
        }
        dd_puts(g, "]");
        return;
    default: {
        char buf[256];
        const char *w = dd_word(g);
        if (dd_chance(g, 30)) snprintf(buf, sizeof buf, "%s%u", w, dd_rnd(g, 1000));
        else snprintf(buf, sizeof buf, "%s", w);
        if (dd_chance(g, 1)) {     /* a long string */
            dd_puts(g, "\"");
            for (unsigned i = 0, n = 1000 + dd_rnd(g, 70000); i < n; i++) dd_put(g, &"abcdefghij"[i % 10], 1);
            dd_puts(g, "\"");
            return;
        }
        dd_string(g, buf, false);
        return;
    }
    }
}

/* One member of an event: a dotted path, the type of value it mostly
   gets, and (choices, NULL-terminated raw JSON) values it mostly gets. */
typedef struct dd_member {
    char path[160];
    unsigned type, elem;
    const char *const *choices;
    bool falco;          /* output_fields.X.Y: mostly "X.Y" inside output_fields, as Falco writes it */
} dd_member;

static const char *const dd_categories[] = {"[\"process\"]", "[\"network\"]", "[\"file\"]", "[\"dns\"]",
                                           "\"process\"", "[\"host\",\"network\"]", "[\"web\"]", "[]", "[\"Process\"]",
                                           NULL};
static const char *const dd_event_ids[] = {"1", "3", "11", "22", "\"3\"", "7", "1.5", "\"x\"", "13", "4688",
                                          "4624", "7045", "4104", "{\"#text\":4688}", "{\"#text\":\"1\"}", NULL};
static const char *const dd_channels[] = {"\"Microsoft-Windows-Sysmon/Operational\"", "\"Security\"", "\"System\"",
                                          "\"Microsoft-Windows-PowerShell/Operational\"", "\"Application\"", NULL};
static const char *const dd_sources[] = {"\"syscall\"", "\"k8s_audit\"", NULL};
static const char *const dd_evt_types[] = {"\"execve\"", "\"connect\"", "\"accept\"", "\"openat\"",
                                          "\"open\"", "\"creat\"", "\"sendto\"", "\"read\"", NULL};

#define DD_MAX_MEMBERS 80

/* A tree of keys for one rendering: members split at random dots, with
   objects of the same key merged (or, now and then, given twice). */
typedef struct dd_node {
    char key[160];
    int member;              /* index in members, -1 for an object */
    int child, next;         /* first child, next sibling */
} dd_node;

typedef struct dd_tree {
    dd_node n[DD_MAX_MEMBERS * 6];
    unsigned count;
} dd_tree;

static int dd_tree_add(dd_tree *t, const char *key, int member)
{
    if (t->count >= sizeof t->n / sizeof t->n[0]) return -1;
    dd_node *x = &t->n[t->count];
    snprintf(x->key, sizeof x->key, "%s", key);
    x->member = member;
    x->child = x->next = -1;
    return (int)t->count++;
}

/* Inserts member m with path p into the list at *first. */
static void dd_insert(dd_gen *g, dd_tree *t, int *first, const char *p, int m, bool falco)
{
    /* split at one of the dots, or not at all */
    const char *dots[16];
    unsigned nd = 0;
    for (const char *q = p; *q && nd < 16; q++) if (*q == '.') dots[nd++] = q;
    const char *cut = nd && dd_chance(g, 70) ? dots[dd_rnd(g, nd)] : NULL;
    if (falco && nd) cut = dd_chance(g, 90) ? dots[0] : cut;
    if (!cut) {
        int x = dd_tree_add(t, p, m);
        if (x < 0) return;
        /* append at the end, or put first */
        if (*first < 0 || dd_chance(g, 20)) { t->n[x].next = *first; *first = x; return; }
        int y = *first;
        while (t->n[y].next >= 0) y = t->n[y].next;
        t->n[y].next = x;
        return;
    }
    char head[160];
    size_t hn = (size_t)(cut - p);
    if (hn >= sizeof head) hn = sizeof head - 1;
    memcpy(head, p, hn);
    head[hn] = 0;
    int obj = -1;
    if (!dd_chance(g, 3))   /* now and then the same object key twice */
        for (int y = *first; y >= 0; y = t->n[y].next)
            if (t->n[y].member < 0 && !strcmp(t->n[y].key, head)) { obj = y; break; }
    if (obj < 0) {
        obj = dd_tree_add(t, head, -1);
        if (obj < 0) return;
        if (*first < 0) *first = obj;
        else {
            int y = *first;
            while (t->n[y].next >= 0) y = t->n[y].next;
            t->n[y].next = obj;
        }
    }
    dd_insert(g, t, &t->n[obj].child, cut + 1, m, falco && dd_chance(g, 90) ? false : falco);
}

static void dd_render(dd_gen *g, dd_tree *t, int first, const dd_member *mem, unsigned depth, bool pretty)
{
    dd_puts(g, "{");
    bool any = false;
    for (int x = first; x >= 0; x = t->n[x].next) {
        if (any) dd_puts(g, ",");
        if (pretty) dd_puts(g, "\n  ");
        any = true;
        dd_string(g, t->n[x].key, true);
        dd_puts(g, pretty ? ": " : ":");
        if (t->n[x].member < 0) dd_render(g, t, t->n[x].child, mem, depth + 1, pretty);
        else dd_value(g, mem[t->n[x].member].type, mem[t->n[x].member].elem, depth, mem[t->n[x].member].choices);
    }
    if (pretty) dd_puts(g, "\n");
    dd_puts(g, "}");
}

static void dd_add_choices(dd_member *m, unsigned *n, const char *path, unsigned type, unsigned elem,
                           const char *const *choices)
{
    if (*n >= DD_MAX_MEMBERS) return;
    snprintf(m[*n].path, sizeof m[*n].path, "%s", path);
    m[*n].type = type;
    m[*n].elem = elem;
    m[*n].choices = choices;
    m[*n].falco = false;
    (*n)++;
}

static void dd_add(dd_member *m, unsigned *n, const char *path, unsigned type, unsigned elem)
{
    dd_add_choices(m, n, path, type, elem, NULL);
}

/* The members of one event of a random source. */
static unsigned dd_members(dd_gen *g, dd_member *m)
{
    unsigned n = 0;
    const pal_schema *s = pal_schema_get(PS_EVENT);
    unsigned source = dd_rnd(g, 10);
    if (source < 6) {                 /* ECS: a random subset of the schema, and a category */
        if (dd_chance(g, 92)) dd_add_choices(m, &n, "event.category", PT_LIST, PT_STRING, dd_categories);
        for (unsigned i = 0; i < s->nfields; i++)
            if (dd_chance(g, 35) && strcmp(pal_field_json(&s->fields[i]), "event.category")) dd_add(m, &n, pal_field_json(&s->fields[i]), s->fields[i].type, s->fields[i].elem);
        if (dd_chance(g, 20)) dd_add(m, &n, "host.os.family", PT_STRING, 0);
        if (dd_chance(g, 10)) dd_add(m, &n, "host.os.platform", PT_STRING, 0);
    } else if (source < 8) {          /* Windows: Winlogbeat, flat or evtx_dump */
        unsigned layout = dd_rnd(g, 4);
        const char *data = layout == 0 ? "winlog.event_data." : layout == 1 ? "EventData." : layout == 2 ? "" :
                                                                                          "Event.EventData.";
        const char *id = layout == 0 ? "winlog.event_id" : layout == 3 ? "Event.System.EventID" : "EventID";
        const char *chan = layout == 0 ? "winlog.channel" : layout == 3 ? "Event.System.Channel" : "Channel";
        if (dd_chance(g, 95)) dd_add_choices(m, &n, id, PT_INT, 0, dd_event_ids);
        if (dd_chance(g, 70)) dd_add_choices(m, &n, chan, PT_STRING, 0, dd_channels);
        if (dd_chance(g, 30))
            dd_add(m, &n, layout == 0 ? "winlog.provider_name" : layout == 3 ? "Event.System.Provider.#attributes.Name"
                                                                              : "ProviderName", PT_STRING, 0);
        if (dd_chance(g, 20)) dd_add(m, &n, layout == 3 ? "Event.System.Computer" : "SourceName", PT_STRING, 0);
        if (dd_chance(g, 40)) dd_add(m, &n, layout == 0 ? "winlog.computer_name" : "Hostname", PT_STRING, 0);
        if (dd_chance(g, 20)) dd_add(m, &n, layout == 0 ? "winlog.record_id" : layout == 3 ? "Event.System.EventRecordID"
                                                                                          : "RecordNumber", PT_INT, 0);
        if (layout == 3 && dd_chance(g, 30)) dd_add(m, &n, "Event.System.TimeCreated.#attributes.SystemTime", PT_STRING, 0);
        /* the rows' event data keys (each once), about twelve of them */
        for (size_t k = 0; k < pal_win_nfields; k++) {
            const char *key = pal_win_fields[k].key;
            bool first = true;
            for (size_t j = 0; j < k && first; j++) first = strcmp(pal_win_fields[j].key, key) != 0;
            if (!first || !dd_chance(g, 10)) continue;
            char p[160];
            snprintf(p, sizeof p, "%s%s", data, key);
            bool num = strstr(key, "Id") || strstr(key, "Port") || strstr(key, "Status");
            dd_add(m, &n, p, num ? PT_INT : PT_STRING, 0);
        }
        for (unsigned i = 0; i < s->nfields; i++)   /* ECS fields a shipper added */
            if (dd_chance(g, 6)) dd_add(m, &n, pal_field_json(&s->fields[i]), s->fields[i].type, s->fields[i].elem);
    } else {                          /* Falco */
        for (unsigned k = 0; dec_lookups_falco[k]; k++)
            if (dd_chance(g, 45)) {
                const char *p = dec_lookups_falco[k];
                if (!strcmp(p, "output_fields") && !dd_chance(g, 5)) continue;
                if (!strcmp(p, "source")) { dd_add_choices(m, &n, p, PT_STRING, 0, dd_sources); continue; }
                bool num = strstr(p, "pid") || strstr(p, "port") || strstr(p, "cport") || strstr(p, "sport");
                dd_add_choices(m, &n, p, num ? PT_INT : strstr(p, "is_open") ? PT_BOOL : PT_STRING, 0,
                               !strcmp(p, "output_fields.evt.type") ? dd_evt_types : NULL);
                m[n - 1].falco = !strncmp(p, "output_fields.", 14);
            }
        if (dd_chance(g, 10)) dd_add(m, &n, "rule", PT_STRING, 0);
        for (unsigned i = 0; i < s->nfields; i++)
            if (dd_chance(g, 4)) dd_add(m, &n, pal_field_json(&s->fields[i]), s->fields[i].type, s->fields[i].elem);
    }
    /* names nothing reads */
    static const char *const other[] = {"agent.name", "ecs.version", "message", "tags", "labels.app",
                                        "process.thread.id", "winlog.opcode", "output", "priority",
                                        "process.Name", "Process.name", "processname", "process.", ".process"};
    for (unsigned i = 0, k = dd_rnd(g, 4); i < k; i++)
        dd_add(m, &n, other[dd_rnd(g, sizeof other / sizeof other[0])], PT_STRING, 0);
    /* a field given twice */
    if (n && dd_chance(g, 8)) {
        unsigned i = dd_rnd(g, n);
        dd_add_choices(m, &n, m[i].path, m[i].type, m[i].elem, m[i].choices);
        m[n - 1].falco = m[i].falco;
    }
    return n;
}

/* A deeply nested value of an unknown key. */
static void dd_deep(dd_gen *g, unsigned depth)
{
    dd_puts(g, ",\"deep\":");
    for (unsigned i = 0; i < depth; i++) dd_puts(g, i % 2 ? "[" : "{\"d\":");
    dd_puts(g, "1");
    for (unsigned i = depth; i-- > 0;) dd_puts(g, i % 2 ? "]" : "}");
}

/* One line into g->s / g->len (no newline). */
static inline void dd_gen_line(dd_gen *g)
{
    g->len = 0;
    dd_member m[DD_MAX_MEMBERS];
    unsigned n = dd_members(g, m);
    dd_tree *t = malloc(sizeof *t);
    if (!t) abort();
    t->count = 0;
    int first = -1;
    /* shuffle the order a little */
    for (unsigned i = 0; i + 1 < n; i++)
        if (dd_chance(g, 20)) {
            unsigned j = i + 1 + dd_rnd(g, n - i - 1);
            dd_member x = m[i];
            m[i] = m[j];
            m[j] = x;
        }
    for (unsigned i = 0; i < n; i++) {
        /* a falco name, once inside output_fields, is one key */
        bool falco = m[i].falco;
        if (falco && dd_chance(g, 90)) {
            int obj = -1;
            for (int y = first; y >= 0; y = t->n[y].next)
                if (t->n[y].member < 0 && !strcmp(t->n[y].key, "output_fields")) obj = y;
            if (obj < 0) {
                obj = dd_tree_add(t, "output_fields", -1);
                if (obj < 0) continue;
                if (first < 0) first = obj;
                else {
                    int y = first;
                    while (t->n[y].next >= 0) y = t->n[y].next;
                    t->n[y].next = obj;
                }
            }
            int x = dd_tree_add(t, m[i].path + strlen("output_fields."), (int)i);
            if (x < 0) continue;
            if (t->n[obj].child < 0) t->n[obj].child = x;
            else {
                int y = t->n[obj].child;
                while (t->n[y].next >= 0) y = t->n[y].next;
                t->n[y].next = x;
            }
            continue;
        }
        dd_insert(g, t, &first, m[i].path, (int)i, falco);
    }
    if (dd_chance(g, 2)) dd_puts(g, "\xEF\xBB\xBF");
    if (dd_chance(g, 3)) dd_puts(g, dd_chance(g, 50) ? " \t" : "\r\n");
    size_t start = g->len;
    dd_render(g, t, first, m, 0, dd_chance(g, 5));
    free(t);
    if (dd_chance(g, 4) && g->len > start + 2) {   /* a deep value before the closing brace */
        g->len--;
        dd_deep(g, dd_chance(g, 50) ? 50 + dd_rnd(g, 30) : dd_rnd(g, 10));
        dd_puts(g, "}");
    }
    if (dd_chance(g, 3)) dd_puts(g, dd_chance(g, 50) ? "  \r" : " {}");
    unsigned damage = dd_rnd(g, 100);
    if (damage < 3 && g->len) {
        g->len = dd_rnd(g, (uint32_t)g->len);          /* cut short */
    } else if (damage < 6 && g->len) {
        static const char flips[] = "\"{}[],:\\ 0a\x7f\xff";
        g->s[dd_rnd(g, (uint32_t)g->len)] = flips[dd_rnd(g, sizeof flips - 1)];
    } else if (damage < 7) {
        char *copy = malloc(g->len + 1);
        if (!copy) abort();
        memcpy(copy, g->s, g->len);
        size_t n0 = g->len;
        g->len = 0;
        dd_puts(g, "[");
        dd_put(g, copy, n0);
        dd_puts(g, "]");
        free(copy);
    }
    if (g->cap) g->s[g->len] = 0;
}

#endif
