/*
 * learn.c — the learning model and its rendering as palisade source.
 *
 * Design notes (the contract is in learn.h):
 *  - Observations live in one open-addressing hash table per (image,
 *    section), keyed by a canonical string (folded Windows path, lower-case
 *    DNS name, "ip|port"), so a long stream costs one hash per event and
 *    memory grows with distinct behaviour, not with events.
 *  - Rendering never edits parsed structure: it works out what is new and
 *    produces insertions at byte offsets of the existing text.  A fresh file
 *    is the degenerate case (header plus every block appended).  The one
 *    deletion: learn's own PAL0712 suppression above a `*.apex` entry, once
 *    the apex is allowed (it would be a needless suppression, PAL0711).
 *  - Whether an observation is already known is decided with the same
 *    matching the VM uses (path equality and globs, DNS patterns, CIDR
 *    containment, port ranges), so an entry a user widened by hand
 *    ("*.google.com", 10.0.0.0/8) covers what it matches.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <strings.h>
#include "lang/tools/learn.h"
#include "lang/syntax/ast.h"
#include "engine/base/arena.h"
#include "engine/core/match.h"
#include "engine/vm/program.h"
#include "engine/core/schema.h"

/* ---- growable text ---- */

typedef struct buf { char *p; size_t len, cap; bool oom; } buf;

static void bput(buf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) { b->oom = true; return; }
        b->p = p; b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}
static void bputs(buf *b, const char *s) { bput(b, s, strlen(s)); }
static void bprintf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) { bput(b, tmp, (size_t)n); return; }
    char *big = malloc((size_t)n + 1);
    if (!big) { b->oom = true; return; }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    bput(b, big, (size_t)n);
    free(big);
}

/* A string literal that reads back as s: "…" when nothing needs escaping,
   a raw '…' string for Windows paths (readable backslashes), else "…"
   with escapes. */
static void bquote(buf *b, const char *s, size_t n)
{
    bool plain = true, raw = true;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') plain = false;
        if (c == '\'') raw = false;
        if (c < 0x20 || c == 0x7f) raw = plain = false;
    }
    if (plain || raw) {
        const char *q = plain ? "\"" : "'";
        bput(b, q, 1); bput(b, s, n); bput(b, q, 1);
        return;
    }
    bput(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') { bput(b, "\\", 1); bput(b, (const char *)&c, 1); }
        else if (c < 0x20 || c == 0x7f) bprintf(b, "\\x%02x", c);
        else bput(b, (const char *)&c, 1);
    }
    bput(b, "\"", 1);
}

/* ---- observations ---- */

typedef struct obs {
    char *key;          /* canonical */
    char *text;         /* as first seen */
    char *a, *b;        /* firewall: source and destination image */
    int port;           /* -1 = none */
    int proto;          /* PROTO_* (firewall) */
    bool windows;
    unsigned long count;
    char first[40], last[40];
} obs;

typedef struct obs_set {
    obs **slots;
    size_t cap, n;
} obs_set;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++) { h ^= (unsigned char)*s; h *= 0x100000001b3ull; }
    return h;
}

static void stamp(obs *o, const char *ts)
{
    if (!ts || !*ts) return;
    size_t n = strlen(ts);
    if (n >= sizeof o->first) n = sizeof o->first - 1;
    char t[40];
    memcpy(t, ts, n); t[n] = 0;
    if (!o->first[0] || strcmp(t, o->first) < 0) memcpy(o->first, t, n + 1);
    if (!o->last[0] || strcmp(t, o->last) > 0) memcpy(o->last, t, n + 1);
}

/* Finds or adds key; *added tells which.  NULL when out of memory or full. */
static obs *set_get(obs_set *s, const char *key, bool *added)
{
    *added = false;
    if (s->n + 1 > s->cap / 2) {
        if (s->n >= PAL_LEARN_MAX_ENTRIES) {
            for (size_t i = s->cap ? hash_str(key) & (s->cap - 1) : 0; s->cap && s->slots[i];
                 i = (i + 1) & (s->cap - 1))
                if (!strcmp(s->slots[i]->key, key)) return s->slots[i];
            return NULL;
        }
        size_t cap = s->cap ? s->cap * 2 : 64;
        obs **slots = calloc(cap, sizeof *slots);
        if (!slots) return NULL;
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->slots[i]) continue;
            size_t j = hash_str(s->slots[i]->key) & (cap - 1);
            while (slots[j]) j = (j + 1) & (cap - 1);
            slots[j] = s->slots[i];
        }
        free(s->slots);
        s->slots = slots; s->cap = cap;
    }
    size_t i = hash_str(key) & (s->cap - 1);
    for (; s->slots[i]; i = (i + 1) & (s->cap - 1))
        if (!strcmp(s->slots[i]->key, key)) return s->slots[i];
    obs *o = calloc(1, sizeof *o);
    if (!o || !(o->key = strdup(key))) { free(o); return NULL; }
    o->port = -1;
    s->slots[i] = o;
    s->n++;
    *added = true;
    return o;
}

static const obs *set_find(const obs_set *s, const char *key)
{
    if (!s->cap) return NULL;
    for (size_t i = hash_str(key) & (s->cap - 1); s->slots[i]; i = (i + 1) & (s->cap - 1))
        if (!strcmp(s->slots[i]->key, key)) return s->slots[i];
    return NULL;
}

static void set_free(obs_set *s)
{
    for (size_t i = 0; i < s->cap; i++) {
        obs *o = s->slots[i];
        if (!o) continue;
        free(o->key); free(o->text); free(o->a); free(o->b); free(o);
    }
    free(s->slots);
    memset(s, 0, sizeof *s);
}

static int cmp_obs(const void *x, const void *y)
{
    const obs *a = *(obs *const *)x, *b = *(obs *const *)y;
    return strcmp(a->key, b->key);
}

/* The set's observations sorted by key (caller frees the array). */
static obs **set_sorted(const obs_set *s)
{
    obs **v = malloc((s->n + 1) * sizeof *v);
    if (!v) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < s->cap; i++) if (s->slots[i]) v[k++] = s->slots[i];
    qsort(v, k, sizeof *v, cmp_obs);
    return v;
}

enum { L_PROC, L_OUT, L_IN, L_DNS, L__COUNT };

typedef struct image {
    char *name;
    obs_set sets[L__COUNT];
} image;

struct pal_learn {
    pal_learn_opts opts;
    image *images;
    size_t nimages, capimages;
    obs_set firewall;
    pal_learn_stats st;
    int f[64];   /* field indices, see field_names */
};

static const char *const field_names[] = {
    "timestamp", "container.image.name", "process.executable", "process.name",
    "network.direction", "network.transport", "source.ip", "destination.ip",
    "destination.port", "dns.question.name", "source.container.image.name",
    "destination.container.image.name",
};
enum { F_TS, F_IMAGE, F_EXE, F_PNAME, F_DIR, F_TRANSPORT, F_SIP, F_DIP, F_DPORT, F_QNAME,
       F_SIMAGE, F_DIMAGE, F__COUNT };

pal_learn *pal_learn_new(const pal_learn_opts *o)
{
    pal_learn *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    if (o) l->opts = *o;
    const pal_schema *s = pal_schema_get(PS_EVENT);
    for (int i = 0; i < F__COUNT; i++)
        l->f[i] = pal_schema_find(s, field_names[i], strlen(field_names[i]));
    return l;
}

void pal_learn_free(pal_learn *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->nimages; i++) {
        for (int k = 0; k < L__COUNT; k++) set_free(&l->images[i].sets[k]);
        free(l->images[i].name);
    }
    free(l->images);
    set_free(&l->firewall);
    free(l);
}

void pal_learn_get_stats(const pal_learn *l, pal_learn_stats *out)
{
    *out = l->st;
    out->images = (unsigned)l->nimages;
}

/* A string field of the event, NUL-terminated into tmp; NULL when absent. */
static const char *fstr(const pal_learn *l, const pal_event *ev, int which, char *tmp, size_t cap)
{
    int i = l->f[which];
    if (i < 0) return NULL;
    const pal_value *v = pal_record_ref(&ev->rec, (uint32_t)i);
    if (v->tag == PV_STR) {
        if (v->len == 0 || v->len >= cap || memchr(v->u.s, 0, v->len)) return NULL;
        memcpy(tmp, v->u.s, v->len);
        tmp[v->len] = 0;
        return tmp;
    }
    if (v->tag == PV_IP) {
        if (pal_ip_format(v->u.ip, (v->flags & PVF_IPV6) != 0, tmp, cap) == 0) return NULL;
        return tmp;
    }
    return NULL;
}

static int fint(const pal_learn *l, const pal_event *ev, int which)
{
    int i = l->f[which];
    if (i < 0) return -1;
    const pal_value *v = pal_record_ref(&ev->rec, (uint32_t)i);
    if (v->tag != PV_INT || v->u.i < 0 || v->u.i > 65535) return -1;
    return (int)v->u.i;
}

/* Images learned at most; events of further images are counted as dropped. */
#define LEARN_MAX_IMAGES 10000
static image image_full;   /* returned when the model holds LEARN_MAX_IMAGES */

static image *image_get(pal_learn *l, const char *name)
{
    for (size_t i = 0; i < l->nimages; i++)
        if (!strcmp(l->images[i].name, name)) return &l->images[i];
    if (l->nimages >= LEARN_MAX_IMAGES) return &image_full;
    if (l->nimages == l->capimages) {
        size_t cap = l->capimages ? l->capimages * 2 : 8;
        image *v = realloc(l->images, cap * sizeof *v);
        if (!v) return NULL;
        l->images = v; l->capimages = cap;
    }
    image *im = &l->images[l->nimages];
    memset(im, 0, sizeof *im);
    if (!(im->name = strdup(name))) return NULL;
    l->nimages++;
    return im;
}

/* Records one observation; returns 0, 1 when the set is full, -1 OOM. */
static int note(pal_learn *l, obs_set *s, const char *key, const char *text, const char *ts,
                obs **out)
{
    bool added;
    obs *o = set_get(s, key, &added);
    if (!o) {
        if (s->n >= PAL_LEARN_MAX_ENTRIES) { l->st.dropped++; return 1; }
        return -1;
    }
    if (added && text && !(o->text = strdup(text))) return -1;
    o->count++;
    stamp(o, ts);
    if (out) *out = o;
    return 0;
}

static bool is_windows_path(const char *s)
{
    return strchr(s, '\\') || (isalpha((unsigned char)s[0]) && s[1] == ':');
}

/* One container-to-container flow into the firewall model: from the
   source's image to the destination's, each end falling back to the
   event's own image the way the firewall's `image` endpoints do (the
   source when the event is not inbound, the destination when it is).
   Returns 1 when learned, 0 when an end has no image, -1 OOM. */
static int learn_flow(pal_learn *l, const pal_event *ev, const char *own, bool inbound, int port,
                      const char *when)
{
    char t1[1024], t2[1024], tr[16], key[2200];
    const char *src = fstr(l, ev, F_SIMAGE, t1, sizeof t1);
    const char *dst = fstr(l, ev, F_DIMAGE, t2, sizeof t2);
    if (!src && !inbound) src = own;
    if (!dst && inbound) dst = own;
    if (!src || !dst) return 0;
    const char *t = fstr(l, ev, F_TRANSPORT, tr, sizeof tr);
    int proto = t && !strcasecmp(t, "tcp") ? PROTO_TCP : t && !strcasecmp(t, "udp") ? PROTO_UDP : PROTO_ANY;
    snprintf(key, sizeof key, "%s\x1f%s\x1f%d|%05d", src, dst, proto, port < 0 ? 99999 : port);
    obs *o = NULL;
    int rc = note(l, &l->firewall, key, NULL, when, &o);
    if (rc < 0) return -1;
    if (o && !o->a) {
        o->a = strdup(src); o->b = strdup(dst);
        o->port = port; o->proto = proto;
        if (!o->a || !o->b) return -1;
    }
    return 1;
}

static bool glob_ok(const pal_learn *l, const char *name)
{
    return !l->opts.image_glob ||
           pal_glob_match(l->opts.image_glob, strlen(l->opts.image_glob), name, strlen(name), false, false);
}

/* A network event without container.image.name can still name both ends
   (source/destination.container.image.name, what the firewall matches
   first): its flow is learned when either end passes --image. */
static int learn_ends_only(pal_learn *l, const pal_event *ev, const char *when)
{
    char t1[1024], t2[1024], dir[32];
    const char *src = ev->kind == PK_NETWORK ? fstr(l, ev, F_SIMAGE, t1, sizeof t1) : NULL;
    const char *dst = ev->kind == PK_NETWORK ? fstr(l, ev, F_DIMAGE, t2, sizeof t2) : NULL;
    if (!src || !dst) { l->st.skipped_no_image++; return 0; }
    if (!glob_ok(l, src) && !glob_ok(l, dst)) { l->st.skipped_filtered++; return 0; }
    const char *d = fstr(l, ev, F_DIR, dir, sizeof dir);
    int rc = learn_flow(l, ev, NULL, d && !strcmp(d, "inbound"), fint(l, ev, F_DPORT), when);
    if (rc < 0) return -1;
    l->st.learned++;
    return 0;
}

int pal_learn_event(pal_learn *l, const pal_event *ev)
{
    char img[1024], ts[64], t1[1024], key[2200];
    l->st.events++;
    const char *name = fstr(l, ev, F_IMAGE, img, sizeof img);
    const char *when = fstr(l, ev, F_TS, ts, sizeof ts);
    if (!name) return learn_ends_only(l, ev, when);
    if (!glob_ok(l, name)) {
        l->st.skipped_filtered++;
        return 0;
    }
    bool used = false;
    int rc = 0;
    image *im = NULL;
    switch (ev->kind) {
    case PK_PROCESS: {
        const char *exe = fstr(l, ev, F_EXE, t1, sizeof t1);
        if (!exe) exe = fstr(l, ev, F_PNAME, t1, sizeof t1);
        if (!exe || pal_glob_has_meta(exe, strlen(exe))) break;
        if (!(im = image_get(l, name))) return -1;
        if (im == &image_full) { l->st.dropped++; return 0; }
        bool win = ev->windows || is_windows_path(exe);
        if (win) {
            size_t n = pal_path_fold(exe, strlen(exe), key, sizeof key);
            if (n == (size_t)-1) break;
            key[n] = 0;
        } else {
            snprintf(key, sizeof key, "%s", exe);
        }
        obs *o = NULL;
        rc = note(l, &im->sets[L_PROC], key, exe, when, &o);
        if (o) o->windows = win;
        used = true;
        break;
    }
    case PK_NETWORK: {
        char dir[32];
        const char *d = fstr(l, ev, F_DIR, dir, sizeof dir);
        bool inbound = d && !strcmp(d, "inbound");
        int port = fint(l, ev, F_DPORT);
        if (!(im = image_get(l, name))) return -1;
        if (im == &image_full) { l->st.dropped++; return 0; }
        if (inbound) {
            if (port < 0) break;
            snprintf(key, sizeof key, "%05d", port);
            obs *o = NULL;
            rc = note(l, &im->sets[L_IN], key, NULL, when, &o);
            if (o) o->port = port;
            used = true;
        } else {
            const char *ip = fstr(l, ev, F_DIP, t1, sizeof t1);
            if (ip) {
                snprintf(key, sizeof key, "%s|%05d", ip, port < 0 ? 99999 : port);
                obs *o = NULL;
                rc = note(l, &im->sets[L_OUT], key, ip, when, &o);
                if (o) o->port = port;
                used = true;
            }
        }
        if (rc == 0) {   /* container to container */
            int f = learn_flow(l, ev, name, inbound, port, when);
            if (f < 0) return -1;
            if (f) used = true;
        }
        break;
    }
    case PK_DNS: {
        const char *q = fstr(l, ev, F_QNAME, t1, sizeof t1);
        if (!q) break;
        size_t n = strlen(q);
        if (n > 1 && q[n - 1] == '.') n--;
        if (n >= sizeof key) break;
        for (size_t i = 0; i < n; i++) key[i] = (char)tolower((unsigned char)q[i]);
        key[n] = 0;
        if (pal_dns_pattern_error(key, n) || strchr(key, '*')) break;
        if (!(im = image_get(l, name))) return -1;
        if (im == &image_full) { l->st.dropped++; return 0; }
        rc = note(l, &im->sets[L_DNS], key, key, when, NULL);
        used = true;
        break;
    }
    default:
        break;
    }
    if (rc < 0) return -1;
    if (used) l->st.learned++;
    else l->st.skipped_unusable++;
    return 0;
}

/* ---- what an existing file already allows ---- */

typedef struct known_block {
    const pal_decl *d;        /* learned runtime block, or NULL */
} known_block;

static bool node_str(const pal_node *n, const char **s, size_t *len)
{
    if (!n || n->kind != N_STR) return false;
    *s = n->text; *len = n->len;
    return true;
}

static bool ports_cover(const pal_node *ports, int port)
{
    if (!ports) return true;
    if (port < 0) return false;
    for (uint32_t i = 0; i < ports->nitems; i++) {
        const pal_node *p = ports->items[i];
        if (p->kind == N_INT && p->i == port) return true;
        if (p->kind == N_RANGE && p->i <= port && port <= p->i2) return true;
    }
    return false;
}

static bool ip_in_node(const pal_node *v, const char *ip)
{
    uint8_t a[16];
    bool v6;
    if (!pal_ip_parse(ip, strlen(ip), a, &v6)) return false;
    if (v->kind == N_IP)
        return pal_cidr_contains(v->ip, v->v6, v->prefix, a, v6);
    const char *s; size_t n;
    if (node_str(v, &s, &n)) {
        uint8_t net[16]; bool nv6; unsigned prefix; const char *err;
        if (pal_cidr_parse(s, n, net, &nv6, &prefix, &err))
            return pal_cidr_contains(net, nv6, prefix, a, v6);
    }
    return false;
}

static bool known_in_section(const pal_section *sec, int which, const obs *o)
{
    if (!sec->present) return false;
    /* deny entries count too: an allow beside a hand-written deny of the
       same thing would be dead (lint PAL0702), and the user's deny says
       what they think of it */
    for (const pal_entry *e = sec->entries; e; e = e->next) {
        if (which == L_OUT || which == L_IN) {
            if (which == L_OUT && e->direction == DIR_INBOUND) continue;
            if (which == L_IN && e->direction == DIR_OUTBOUND) continue;
            bool has_ip = e->target == ENT_IP || e->target == ENT_IP_PORT;
            bool has_port = e->target == ENT_PORT || e->target == ENT_IP_PORT;
            if (!ports_cover(has_port ? e->ports : NULL, o->port)) continue;
            if (which == L_IN) { if (!has_ip) return true; continue; }
            if (!has_ip) return true;
            for (uint32_t i = 0; e->values && i < e->values->nitems; i++)
                if (ip_in_node(e->values->items[i], o->text)) return true;
            continue;
        }
        for (uint32_t i = 0; e->values && i < e->values->nitems; i++) {
            const char *s; size_t n;
            if (!node_str(e->values->items[i], &s, &n)) continue;
            if (which == L_DNS) {
                if (pal_dns_match(s, n, o->key, strlen(o->key))) return true;
            } else if (pal_glob_has_meta(s, n)) {
                if (pal_glob_match(s, n, o->text, strlen(o->text), false, o->windows)) return true;
            } else if (pal_path_eq(s, n, o->text, strlen(o->text), o->windows)) {
                return true;
            } else {
                /* a bare name entry ("ping.exe") covers executables of that name */
                bool has_sep = memchr(s, '/', n) || memchr(s, '\\', n);
                const char *base = o->text + strlen(o->text);
                while (base > o->text && base[-1] != '/' && !(o->windows && base[-1] == '\\')) base--;
                if (!has_sep && pal_path_eq(s, n, base, strlen(base), o->windows)) return true;
            }
        }
    }
    return false;
}

static bool known_in_firewall(const pal_decl *d, const obs *o)
{
    /* a deny that matches comes first and decides: an allow after it would
       be unreachable (lint PAL0704) */
    for (const pal_fwentry *e = d->fw; e; e = e->next) {
        if (e->proto != PROTO_ANY && e->proto != o->proto) continue;
        if (!ports_cover(e->ports, o->port)) continue;
        const char *s; size_t n;
        bool from_ok = e->from.kind == EP_ANY ||
            (e->from.kind == EP_IMAGE && node_str(e->from.value, &s, &n) &&
             pal_glob_match(s, n, o->a, strlen(o->a), false, false));
        bool to_ok = e->to.kind == EP_ANY ||
            (e->to.kind == EP_IMAGE && node_str(e->to.value, &s, &n) &&
             pal_glob_match(s, n, o->b, strlen(o->b), false, false));
        if (from_ok && to_ok) return true;
    }
    return false;
}

/* ---- rendering ---- */

static void comment(buf *b, const char *indent, unsigned long count, const char *first, const char *last)
{
    bprintf(b, "%s// %lu event%s", indent, count, count == 1 ? "" : "s");
    if (first[0]) {
        if (strcmp(first, last)) bprintf(b, ", first %s, last %s", first, last);
        else bprintf(b, ", at %s", first);
    }
    bputs(b, "\n");
}

typedef struct agg { unsigned long count; char first[40], last[40]; } agg;

static void agg_add(agg *g, const obs *o)
{
    g->count += o->count;
    if (o->first[0] && (!g->first[0] || strcmp(o->first, g->first) < 0)) strcpy(g->first, o->first);
    if (o->last[0] && (!g->last[0] || strcmp(o->last, g->last) > 0)) strcpy(g->last, o->last);
}

/* "80, 443, 8000-8002" from the sorted ports of v[0..n) */
static void port_list(buf *b, obs *const *v, size_t n)
{
    int lo = -1, hi = -1;
    bool first = true;
    for (size_t i = 0; i <= n; i++) {
        int p = i < n ? v[i]->port : -2;
        if (p >= 0 && p == hi) continue;           /* same port twice (different IPs merged) */
        if (p >= 0 && hi >= 0 && p == hi + 1) { hi = p; continue; }
        if (lo >= 0) {
            bputs(b, first ? "" : ", ");
            first = false;
            if (lo == hi) bprintf(b, "%d", lo); else bprintf(b, "%d-%d", lo, hi);
        }
        lo = hi = p;
    }
}

static int cmp_port(const void *x, const void *y)
{
    const obs *a = *(obs *const *)x, *b = *(obs *const *)y;
    return (a->port > b->port) - (a->port < b->port);
}

static void ip_literal(buf *b, const char *ip)
{
    if (strchr(ip, ':')) bquote(b, ip, strlen(ip));   /* IPv6: only as a string */
    else bputs(b, ip);
}

/* Where the entries of one section go: the text at `indent`, the diff
   lines (naming `label`), and what the section already holds (NULL:
   nothing). */
typedef struct section_out {
    buf *b, *diff;
    const char *label, *indent;
    const pal_section *known;
    int which;            /* L_PROC, L_OUT, L_IN or L_DNS */
    buf line;             /* the entry being written */
    const char *apex;     /* a *.apex entry whose apex is not listed: PAL0712 suppressed, saying why */
    size_t added;
} section_out;

static bool is_known(const section_out *o, const obs *ob)
{
    return o->known && known_in_section(o->known, o->which, ob);
}

/* The suppression learn writes above a `*.apex` entry whose apex was not
   seen (lint PAL0712 would note it), without indent and newline; a merge
   that later learns the apex finds it by this text and removes it. */
static void learned_apex_ignore(buf *b, const char *apex)
{
    bprintf(b, "// palisade:ignore PAL0712 learned: names below %s were seen, not %s itself", apex, apex);
}

/* Writes the entry in o->line, after its comment, and its diff line. */
static void put_entry(section_out *o, unsigned long count, const char *first, const char *last)
{
    static const char *const secname[] = {"process", "network", "network", "dns"};
    comment(o->b, o->indent, count, first, last);
    /* the linter notes a *.X without X (it does not match X): here that is
       what was seen, so the entry says so instead of being noted */
    if (o->apex) {
        bputs(o->b, o->indent);
        learned_apex_ignore(o->b, o->apex);
        bputs(o->b, "\n");
    }
    o->apex = NULL;
    bprintf(o->b, "%s%s\n", o->indent, o->line.p);
    if (o->diff) bprintf(o->diff, "+ %s %s: %s\n", o->label, secname[o->which], o->line.p);
    o->added++;
}

/* Processes, or DNS names not collapsed: one entry each. */
static void render_names(section_out *o, obs **v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (is_known(o, v[i])) continue;
        o->line.len = 0;
        bputs(&o->line, "allow ");
        bquote(&o->line, v[i]->text, strlen(v[i]->text));
        put_entry(o, v[i]->count, v[i]->first, v[i]->last);
    }
}

/* DNS names grouped by parent: a parent with collapse_dns or more
   children becomes one `*.parent` entry. */
static void render_dns_collapsed(section_out *o, obs **v, size_t n, unsigned collapse_dns)
{
    bool *done = calloc(n + 1, 1);
    if (!done) { o->b->oom = true; return; }
    for (size_t i = 0; i < n; i++) {
        if (done[i]) continue;
        const char *dot = strchr(v[i]->key, '.');
        const char *parent = dot ? dot + 1 : NULL;
        size_t kids = 0;
        agg g = {0};
        if (parent && strchr(parent, '.')) {
            for (size_t j = 0; j < n; j++) {
                const char *d2 = strchr(v[j]->key, '.');
                if (d2 && !strcmp(d2 + 1, parent)) kids++;
            }
        }
        o->line.len = 0;
        if (kids >= collapse_dns && kids > 1) {
            obs probe = {0};
            bool all_known = true;
            for (size_t j = 0; j < n; j++) {
                const char *d2 = strchr(v[j]->key, '.');
                if (!d2 || strcmp(d2 + 1, parent)) continue;
                done[j] = true;
                agg_add(&g, v[j]);
                probe = *v[j];
                if (!is_known(o, &probe)) all_known = false;
            }
            if (all_known) continue;
            bool apex_listed = false;
            for (size_t j = 0; j < n && !apex_listed; j++) apex_listed = !strcmp(v[j]->key, parent);
            obs apex = {.key = (char *)parent, .text = (char *)parent, .port = -1};
            if (!apex_listed && !is_known(o, &apex)) o->apex = parent;
            bputs(&o->line, "allow \"*.");
            bputs(&o->line, parent);
            bputs(&o->line, "\"");
        } else {
            done[i] = true;
            if (is_known(o, v[i])) continue;
            agg_add(&g, v[i]);
            bputs(&o->line, "allow ");
            bquote(&o->line, v[i]->key, strlen(v[i]->key));
        }
        put_entry(o, g.count, g.first, g.last);
    }
    free(done);
}

/* Inbound ports: one entry with all of them. */
static void render_inbound(section_out *o, obs **v, size_t n)
{
    obs **nv = malloc((n + 1) * sizeof *nv);
    size_t k = 0;
    agg g = {0};
    if (!nv) { o->b->oom = true; return; }
    for (size_t i = 0; i < n; i++)
        if (!is_known(o, v[i])) { nv[k++] = v[i]; agg_add(&g, v[i]); }
    if (k) {
        qsort(nv, k, sizeof *nv, cmp_port);
        bputs(&o->line, "allow inbound port ");
        port_list(&o->line, nv, k);
        put_entry(o, g.count, g.first, g.last);
    }
    free(nv);
}

/* Outbound: one entry per address, its ports merged (v is sorted by key,
   ip|port), and one without ports for connections that had none. */
static void render_outbound(section_out *o, obs **v, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && !strcmp(v[j]->text, v[i]->text)) j++;
        obs **nv = malloc((j - i + 1) * sizeof *nv);
        if (!nv) { o->b->oom = true; break; }
        size_t k = 0, noport = 0;
        agg g = {0}, gn = {0};
        for (size_t m = i; m < j; m++) {
            if (is_known(o, v[m])) continue;
            if (v[m]->port < 0) { noport++; agg_add(&gn, v[m]); }
            else { nv[k++] = v[m]; agg_add(&g, v[m]); }
        }
        if (noport) {
            o->line.len = 0;
            bputs(&o->line, "allow outbound ip ");
            ip_literal(&o->line, v[i]->text);
            put_entry(o, gn.count, gn.first, gn.last);
        }
        if (k) {
            o->line.len = 0;
            bputs(&o->line, "allow outbound ip ");
            ip_literal(&o->line, v[i]->text);
            bputs(&o->line, " port ");
            port_list(&o->line, nv, k);
            put_entry(o, g.count, g.first, g.last);
        }
        free(nv);
        i = j;
    }
}

/* Appends, for the observations of one section not already known, entry
   lines (each with its comment) at `indent`; diff lines name `label`. */
static size_t render_section(buf *b, buf *diff, const char *label, const char *indent,
                             const image *im, int which, const pal_section *known,
                             unsigned collapse_dns)
{
    const obs_set *s = &im->sets[which];
    obs **v = set_sorted(s);
    if (!v) { b->oom = true; return 0; }
    section_out o = {b, diff, label, indent, known, which, {0}, NULL, 0};
    if (which == L_PROC || (which == L_DNS && !collapse_dns)) render_names(&o, v, s->n);
    else if (which == L_DNS) render_dns_collapsed(&o, v, s->n, collapse_dns);
    else if (which == L_IN) render_inbound(&o, v, s->n);
    else render_outbound(&o, v, s->n);
    if (o.line.oom) b->oom = true;
    free(o.line.p);
    free(v);
    return o.added;
}

static void render_block(buf *b, buf *diff, const image *im, unsigned collapse_dns)
{
    char label[1100];
    snprintf(label, sizeof label, "runtime \"learned %s\"", im->name);
    bputs(b, "\nruntime ");
    {
        buf nm = {0};
        bputs(&nm, "learned ");
        bputs(&nm, im->name);
        if (nm.oom) { b->oom = true; return; }
        bquote(b, nm.p, nm.len);
        free(nm.p);
    }
    bputs(b, " {\n  scope container.image.name == ");
    bquote(b, im->name, strlen(im->name));
    bputs(b, "\n");
    static const struct { const char *name; int sets[2]; } secs[] = {
        {"process", {L_PROC, -1}}, {"network", {L_OUT, L_IN}}, {"dns", {L_DNS, -1}},
    };
    for (size_t s = 0; s < sizeof secs / sizeof secs[0]; s++) {
        size_t total = 0;
        for (int k = 0; k < 2; k++) if (secs[s].sets[k] >= 0) total += im->sets[secs[s].sets[k]].n;
        if (!total) continue;
        bprintf(b, "  %s {\n", secs[s].name);
        for (int k = 0; k < 2; k++)
            if (secs[s].sets[k] >= 0)
                render_section(b, diff, label, "    ", im, secs[s].sets[k], NULL, collapse_dns);
        bputs(b, "    default effect alert\n  }\n");
    }
    bputs(b, "}\n");
}

static int cmp_fw(const void *x, const void *y)
{
    const obs *a = *(obs *const *)x, *b = *(obs *const *)y;
    int c = strcmp(a->a, b->a);
    if (!c) c = strcmp(a->b, b->b);
    if (!c) c = (a->proto > b->proto) - (a->proto < b->proto);
    if (!c) c = (a->port > b->port) - (a->port < b->port);
    return c;
}

static const char *const proto_name[] = {"", "tcp", "udp"};

/* Firewall entries not known to `known` (NULL: all): one per (from, to,
   protocol), ports merged. */
static size_t render_firewall_entries(buf *b, buf *diff, const obs_set *s, const pal_decl *known,
                                      const char *indent)
{
    obs **v = set_sorted(s);
    if (!v) { b->oom = true; return 0; }
    qsort(v, s->n, sizeof *v, cmp_fw);
    size_t added = 0;
    buf line = {0};
    for (size_t i = 0; i < s->n;) {
        size_t j = i;
        while (j < s->n && !strcmp(v[j]->a, v[i]->a) && !strcmp(v[j]->b, v[i]->b) &&
               v[j]->proto == v[i]->proto) j++;
        obs **nv = malloc((j - i + 1) * sizeof *nv);
        if (!nv) { b->oom = true; break; }
        size_t k = 0;
        bool anyport = false;
        agg g = {0};
        for (size_t m = i; m < j; m++) {
            if (known && known_in_firewall(known, v[m])) continue;
            agg_add(&g, v[m]);
            if (v[m]->port < 0) anyport = true; else nv[k++] = v[m];
        }
        if (g.count) {
            line.len = 0;
            bputs(&line, "allow from image ");
            bquote(&line, v[i]->a, strlen(v[i]->a));
            bputs(&line, " to image ");
            bquote(&line, v[i]->b, strlen(v[i]->b));
            if (v[i]->proto) { bputs(&line, " "); bputs(&line, proto_name[v[i]->proto]); }
            if (k && !anyport) {
                bputs(&line, " ");
                port_list(&line, nv, k);
            }
            comment(b, indent, g.count, g.first, g.last);
            bprintf(b, "%s%s\n", indent, line.p);
            if (diff) bprintf(diff, "+ firewall \"learned container-to-container\": %s\n", line.p);
            added++;
        }
        free(nv);
        i = j;
    }
    if (line.oom) b->oom = true;
    free(line.p);
    free(v);
    return added;
}

/* ---- merging into existing text ---- */

/* Offset of the '}' closing the first '{' at or after `from`, skipping
   strings and comments; (size_t)-1 if unbalanced. */
static size_t closing_brace(const char *t, size_t len, size_t from)
{
    int depth = 0;
    for (size_t i = from; i < len; i++) {
        char c = t[i];
        if (c == '/' && i + 1 < len && t[i + 1] == '/') {
            while (i < len && t[i] != '\n') i++;
        } else if (c == '/' && i + 1 < len && t[i + 1] == '*') {
            i += 2;
            while (i + 1 < len && !(t[i] == '*' && t[i + 1] == '/')) i++;
            i++;
        } else if (c == '\'') {
            i++;
            while (i < len && t[i] != '\'' && t[i] != '\n') i++;
        } else if (c == '"') {
            i++;
            while (i < len && t[i] != '"') { if (t[i] == '\\') i++; i++; }
        } else if (c == '{') {
            depth++;
        } else if (c == '}') {
            if (--depth == 0) return i;
            if (depth < 0) return (size_t)-1;
        }
    }
    return (size_t)-1;
}

/* An edit of the existing text: `text` put at `at` in place of the `del`
   bytes there (0: a pure insertion). */
typedef struct insertion { size_t at, del; char *text; } insertion;

typedef struct edits { insertion *v; size_t n, cap; bool oom, unbalanced; } edits;

/* Takes text (malloc'ed, or NULL for a deletion). */
static void add_edit(edits *E, size_t at, size_t del, char *text)
{
    if (E->n == E->cap) {
        size_t cap = E->cap ? E->cap * 2 : 16;
        insertion *v = realloc(E->v, cap * sizeof *v);
        if (!v) { E->oom = true; free(text); return; }
        E->v = v; E->cap = cap;
    }
    E->v[E->n++] = (insertion){at, del, text};
}

/* Appends each line of `lines`, prefixed with indent and extra. */
static void put_indented(buf *b, const char *indent, const char *extra, const char *lines)
{
    for (const char *p = lines; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        bputs(b, indent);
        bputs(b, extra);
        bput(b, p, n);
        bputs(b, "\n");
        p += n + (e ? 1 : 0);
    }
}

/* Inserts `lines` (each already indented relative to `extra`) before the
   closing brace at `brace`: at the start of its line when the brace opens
   its line, else on a new line. */
static void insert_before_brace(edits *E, const char *t, size_t brace, const char *lines,
                                const char *extra)
{
    if (brace == (size_t)-1) { E->unbalanced = true; return; }
    size_t ls = brace;
    while (ls > 0 && t[ls - 1] != '\n') ls--;
    bool alone = true;
    for (size_t i = ls; i < brace; i++) if (t[i] != ' ' && t[i] != '\t') alone = false;
    buf b = {0};
    char indent[64];
    size_t il = 0;
    for (size_t i = ls; i < brace && il < sizeof indent - 1 && (t[i] == ' ' || t[i] == '\t'); i++)
        indent[il++] = t[i];
    indent[il] = 0;
    if (!alone) bputs(&b, "\n");
    /* re-indent every line of `lines` by the brace's indent */
    put_indented(&b, indent, extra, lines);
    if (!alone) bputs(&b, indent);
    if (b.oom) { E->oom = true; free(b.p); return; }
    add_edit(E, alone ? ls : brace, 0, b.p);
}

static int cmp_image(const void *x, const void *y)
{
    return strcmp((*(image *const *)x)->name, (*(image *const *)y)->name);
}

static int cmp_ins(const void *x, const void *y)
{
    const insertion *a = x, *b = y;
    if (a->at != b->at) return (a->at > b->at) - (a->at < b->at);
    return (a->del > b->del) - (a->del < b->del);   /* an insertion before a deletion at the same place */
}

static void first_error(const pal_diagnostic *d, void *user)
{
    char *msg = user;
    if (d->level != PAL_DIAG_ERROR || msg[0]) return;
    snprintf(msg, 512, "%s:%u:%u: %s", d->file ? d->file->path : "?", d->line, d->col, d->message);
}

/* The existing policy, copied NUL-terminated into *text (which the tree
   points into) and parsed; NULL with err set (and *text freed) when it does
   not parse. */
static pal_file *parse_existing(pal_arena *arena, const char *existing, size_t existing_len,
                                const char *existing_name, char **text, char *err, size_t errcap)
{
    char msg[512] = "";
    *text = malloc(existing_len + 1);
    pal_srcfile *src = pal_arena_alloc(arena, sizeof *src);   /* the tree points at it */
    if (!*text || !src) { free(*text); *text = NULL; snprintf(err, errcap, "out of memory"); return NULL; }
    memcpy(*text, existing, existing_len);
    (*text)[existing_len] = 0;
    *src = (pal_srcfile){(char *)(existing_name ? existing_name : "existing"), *text, existing_len, 0};
    pal_srcfile *files[1] = {src};
    pal_diags d = {0};
    d.fn = first_error;
    d.user = msg;
    d.max_errors = 1;
    d.files = files;
    d.nfiles = 1;
    pal_file *file = pal_parse(arena, src, 0, &d);
    if (!file || d.errors) {
        snprintf(err, errcap, "%s", msg[0] ? msg : "the existing policy does not parse");
        free(*text);
        *text = NULL;
        return NULL;
    }
    return file;
}

/* Learn's own PAL0712 suppressions in the dns section sec that go stale
   once the apex is allowed: the apex seen now (the merge lists it, or a
   new wildcard covers it) or already covered by the section.  Each is a
   deletion of its whole line — the line right above its `*.apex` entry,
   in exactly the text learned_apex_ignore writes; a suppression written
   or edited by hand is left alone. */
static void drop_stale_apex_ignores(edits *E, buf *diff, const char *label, const char *text, const pal_section *sec,
                                    const image *im)
{
    for (const pal_entry *e = sec->entries; e; e = e->next) {
        for (uint32_t i = 0; e->values && i < e->values->nitems; i++) {
            const char *v; size_t n;
            if (!node_str(e->values->items[i], &v, &n) || n < 3 || v[0] != '*' || v[1] != '.') continue;
            char apex[256];
            if (n - 2 >= sizeof apex || memchr(v + 2, '*', n - 2)) continue;
            for (size_t k = 0; k < n - 2; k++) apex[k] = (char)tolower((unsigned char)v[2 + k]);
            apex[n - 2] = 0;
            obs probe = {.key = apex, .text = apex, .port = -1};
            if (!set_find(&im->sets[L_DNS], apex) && !known_in_section(sec, L_DNS, &probe)) continue;
            size_t ls = e->loc.begin;
            while (ls > 0 && text[ls - 1] != '\n') ls--;
            if (ls == 0) continue;
            size_t pls = ls - 1;
            while (pls > 0 && text[pls - 1] != '\n') pls--;
            size_t c = pls;
            while (c < ls && (text[c] == ' ' || text[c] == '\t')) c++;
            buf want = {0};
            learned_apex_ignore(&want, apex);
            if (want.oom) { E->oom = true; return; }
            size_t end = ls - 1;   /* the newline */
            if (end > c && text[end - 1] == '\r') end--;
            if (end - c == want.len && !memcmp(text + c, want.p, want.len)) {
                add_edit(E, pls, ls - pls, NULL);
                if (diff) bprintf(diff, "- %s dns: the PAL0712 suppression above \"*.%s\" (%s is allowed now)\n", label, apex, apex);
            }
            free(want.p);
        }
    }
}

/* What an existing `runtime "learned IMAGE"` block d lacks of image im:
   new entries above a section's default line (or before its closing
   brace), new sections before the block's closing brace. */
static void merge_learned_runtime(edits *E, buf *diff, const char *text, size_t len, const pal_decl *d,
                                  const image *im, unsigned collapse_dns)
{
    char label[1100];
    snprintf(label, sizeof label, "runtime \"learned %s\"", im->name);
    static const struct { int sec; int sets[2]; const char *name; } secs[] = {
        {SEC_PROCESS, {L_PROC, -1}, "process"}, {SEC_NETWORK, {L_OUT, L_IN}, "network"},
        {SEC_DNS, {L_DNS, -1}, "dns"},
    };
    buf newsecs = {0};
    for (size_t s = 0; s < sizeof secs / sizeof secs[0]; s++) {
        const pal_section *sec = &d->sections[secs[s].sec];
        buf lines = {0};
        size_t added = 0;
        for (int k = 0; k < 2; k++)
            if (secs[s].sets[k] >= 0)
                added += render_section(&lines, diff, label, "", im, secs[s].sets[k], sec, collapse_dns);
        if (added && sec->present && sec->default_effect) {
            /* new entries go above the section's default line */
            insert_before_brace(E, text, sec->default_loc.begin, lines.p, "");
        } else if (added && sec->present) {
            size_t brace = closing_brace(text, len, sec->loc.begin);
            insert_before_brace(E, text, brace, lines.p, "  ");
        } else if (added) {
            bprintf(&newsecs, "%s {\n", secs[s].name);
            put_indented(&newsecs, "  ", "", lines.p);
            bputs(&newsecs, "  default effect alert\n}\n");
        }
        if (lines.oom) E->oom = true;
        free(lines.p);
        if (secs[s].sec == SEC_DNS && sec->present) drop_stale_apex_ignores(E, diff, label, text, sec, im);
    }
    if (newsecs.len) {
        size_t brace = closing_brace(text, len, d->loc.begin);
        insert_before_brace(E, text, brace, newsecs.p, "  ");
    }
    if (newsecs.oom) E->oom = true;
    free(newsecs.p);
}

/* Existing learned blocks: the insertions each needs.  seen[i] says
   whether image i has a block, *fw_seen whether the firewall has one. */
static void merge_learned_blocks(pal_learn *l, const pal_file *file, const char *text, size_t len, edits *E,
                                 buf *diff, bool *seen, bool *fw_seen)
{
    for (const pal_decl *d = file ? file->decls : NULL; d; d = d->next) {
        if (d->kind == D_FIREWALL && d->name && !strcmp(d->name, "learned container-to-container")) {
            *fw_seen = true;
            buf lines = {0};
            if (render_firewall_entries(&lines, diff, &l->firewall, d, "")) {
                size_t brace = closing_brace(text, len, d->loc.begin);
                insert_before_brace(E, text, brace, lines.p, "  ");
            }
            free(lines.p);
            continue;
        }
        if (d->kind != D_RUNTIME || !d->name || strncmp(d->name, "learned ", 8)) continue;
        const char *imgname = d->name + 8;
        image *im = NULL;
        for (size_t i = 0; i < l->nimages; i++)
            if (!strcmp(l->images[i].name, imgname)) { im = &l->images[i]; seen[i] = true; }
        if (im) merge_learned_runtime(E, diff, text, len, d, im, l->opts.collapse_dns);
    }
}

/* The existing text with the insertions made (in place order). */
static void splice_insertions(buf *out, const char *text, size_t len, edits *E)
{
    if (E->n) qsort(E->v, E->n, sizeof *E->v, cmp_ins);   /* qsort(NULL, 0) is UB */
    size_t at = 0;
    for (size_t i = 0; i < E->n; i++) {
        if (E->v[i].at < at) continue;   /* inside a deleted line: cannot happen (edits are at line starts) */
        bput(out, text + at, E->v[i].at - at);
        if (E->v[i].text) bputs(out, E->v[i].text);
        at = E->v[i].at + E->v[i].del;
    }
    bput(out, text + at, len - at);
    if (out->len && out->p[out->len - 1] != '\n') bputs(out, "\n");
}

/* A block for each image without one (by name), then the firewall block
   when there is none yet. */
static void render_new_blocks(buf *out, buf *diff, pal_learn *l, const bool *seen, bool fw_seen)
{
    image **order = malloc((l->nimages + 1) * sizeof *order);
    size_t no = 0;
    if (order) {
        for (size_t i = 0; i < l->nimages; i++) if (!seen[i]) order[no++] = &l->images[i];
        if (no > 1) qsort(order, no, sizeof *order, cmp_image);
        for (size_t i = 0; i < no; i++) render_block(out, diff, order[i], l->opts.collapse_dns);
    } else {
        out->oom = true;
    }
    free(order);
    if (!fw_seen && l->firewall.n) {
        bputs(out, "\nfirewall \"learned container-to-container\" {\n"
                   "  scope exists(destination.container.image.name)\n");
        render_firewall_entries(out, diff, &l->firewall, NULL, "  ");
        bputs(out, "  default effect alert\n}\n");
    }
}

char *pal_learn_render(pal_learn *l, const char *existing, size_t existing_len,
                       const char *existing_name, char **diff_out, char *err, size_t errcap)
{
    buf out = {0}, diff = {0};
    edits E = {0};
    pal_arena arena;
    pal_arena_init(&arena, 0);
    pal_file *file = NULL;
    char *text = NULL;
    if (existing) {
        file = parse_existing(&arena, existing, existing_len, existing_name, &text, err, errcap);
        if (!file) { pal_arena_free(&arena); return NULL; }
    }

    /* Existing learned blocks: insert what they lack. */
    bool *seen = calloc(l->nimages + 1, 1);
    bool fw_seen = false;
    if (!seen) { free(text); pal_arena_free(&arena); snprintf(err, errcap, "out of memory"); return NULL; }
    merge_learned_blocks(l, file, text, existing_len, &E, &diff, seen, &fw_seen);

    /* The existing text with its insertions, then new blocks. */
    if (text) {
        splice_insertions(&out, text, existing_len, &E);
    } else {
        bputs(&out, "// Learned by `palisade learn`: what each image's containers were seen doing.\n"
                    "// Review it, add deny entries where needed, and commit it; relearning with\n"
                    "// --merge adds new behaviour and keeps everything already here.  No package\n"
                    "// line: the file belongs to the package of the directory it is put in.\n");
    }
    render_new_blocks(&out, &diff, l, seen, fw_seen);

    for (size_t i = 0; i < E.n; i++) free(E.v[i].text);
    free(E.v);
    free(seen);
    free(text);
    pal_arena_free(&arena);
    if (out.oom || diff.oom || E.oom || E.unbalanced) {
        free(out.p); free(diff.p);
        if (E.unbalanced)
            snprintf(err, errcap, "%s: cannot find the closing brace of a learned block; "
                     "check the file's braces", existing_name ? existing_name : "existing");
        else
            snprintf(err, errcap, "out of memory");
        return NULL;
    }
    if (diff_out) *diff_out = diff.p ? diff.p : strdup("");
    else free(diff.p);
    return out.p ? out.p : strdup("");
}
