/*
 * decode.c — JSON into records: ECS events, raw Sysmon and Falco records,
 * and inventories (the contract is in decode.h).
 *
 * Design.  One schema-driven walker does the work.  Given a JSON object and
 * a schema, it visits the object's members once, comparing each key with
 * the *rest* of the JSON paths of the fields still in play ("candidates").
 * A key that completes a path is that field's value; a key that is a prefix
 * of some paths followed by '.' narrows the candidates, and the walk
 * descends into that member.  Because a key is compared with the rest of a
 * path whatever dots it holds itself, the three layouts ECS producers emit
 * are one case: nested objects {"process":{"name":..}}, flattened keys
 * {"process.name":..} and mixes {"process":{"parent.name":..}}.  The walk
 * only descends along schema paths, so its depth is bounded by the schema
 * and its time is linear in the input (a key is compared with at most the
 * length of a field path, per candidate).
 *
 * Values convert strictly to the field's type.  A value that does not fit
 * leaves the field undefined (policies then see "absent", never a wrong
 * value) and is reported with its JSON path ("files[3].size: expected a
 * number, got a string"); only the first report is kept.  When one field is
 * spelled twice (nested and flattened), the first in document order wins.
 * JSON null means absent.
 *
 * Events.  pal_event_decode checks the line's size and nesting depth itself
 * (so the error names the limit, and cJSON never recurses deeply), parses it
 * with cJSON, then:
 *   1. walks the ECS names of PS_EVENT over the whole object;
 *   2. for Sysmon and Falco records, an adapter fills the fields the walk
 *      left undefined from the raw names: ECS fields that a shipper
 *      (Winlogbeat's Sysmon module) already added win, because they are what
 *      the rest of the user's pipeline sees;
 *   3. sets the kind and the Windows flag, derives names from paths
 *      (process.name from process.executable, ...), flags Windows paths,
 *      and spells network.direction one way (ECS 8 "egress" is "outbound").
 * Fields outside `want` are neither converted nor kept, except the few the
 * kind/OS inference and the derived fields read; those are decoded and then
 * dropped.  A bad value in an event is not fatal: the field is undefined,
 * the call returns 0 and leaves the first such message in err (err[0] is 0
 * when the line was clean); the caller decides what to do with it.
 *
 * Memory.  Every string, list and record is copied into the caller's arena
 * and the cJSON tree is deleted before returning, so the only allocations
 * outside the arena are cJSON's own while a line is parsed.  cJSON records
 * the position of a parse error in a global as well as in the pointer we
 * read: harmless, but a data race for thread sanitizers.
 */
#include "engine/decode/decode.h"
#include "engine/base/limits.h"
#include "engine/core/match.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* decode.c's own bounds (the user-facing limits are in limits.h):
   DEC_MAX_FIELDS  fields in one schema: candidate sets and bitmaps live on
                   the stack, sized by it;
   DEC_PATH_CAP    bytes of JSON path kept for messages (longer is cut);
   DEC_QUOTE       bytes of an untrusted value quoted in a message. */
#define DEC_MAX_FIELDS 256u
#define DEC_PATH_CAP   256u
#define DEC_QUOTE      48u
#define QUOTE_BUF      (DEC_QUOTE * 4u + 8u)

static const char SYSMON_CHANNEL[] = "Microsoft-Windows-Sysmon/Operational";
static const char SYSMON_PROVIDER[] = "Microsoft-Windows-Sysmon";

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

static bool bit_get(const uint8_t *b, unsigned i) { return (b[i >> 3] >> (i & 7)) & 1u; }
static void bit_set(uint8_t *b, unsigned i) { b[i >> 3] |= (uint8_t)(1u << (i & 7)); }

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }
static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static bool eq_ci(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m) return false;
    for (size_t i = 0; i < n; i++)
        if (lower(s[i]) != lower(lit[i])) return false;
    return true;
}

static bool str_eq_ci(const char *s, const char *lit) { return s && eq_ci(s, strlen(s), lit); }

static bool starts_ci(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n >= m && eq_ci(s, m, lit);
}

static const char *find_sub(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    for (size_t i = 0; m <= n && i <= n - m; i++)
        if (memcmp(s + i, lit, m) == 0) return s + i;
    return NULL;
}

static void set_err(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t cap, const char *fmt, ...)
{
    if (!err || !cap) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

/* A printable rendition of untrusted text for a message: at most DEC_QUOTE
   bytes, control and non-ASCII bytes as \xNN, so a hostile value cannot
   forge lines or terminal escapes in a log.  `quotes` adds "...". */
static const char *show(char buf[QUOTE_BUF], const char *s, size_t n, bool quotes)
{
    size_t o = 0;
    if (quotes) buf[o++] = '"';
    for (size_t i = 0; i < n && i < DEC_QUOTE; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') buf[o++] = (char)c;
        else o += (size_t)snprintf(buf + o, QUOTE_BUF - o, "\\x%02x", c);
    }
    if (n > DEC_QUOTE) { memcpy(buf + o, "...", 3); o += 3; }
    if (quotes) buf[o++] = '"';
    buf[o] = 0;
    return buf;
}

/* "a string", "a number", ... for messages about a JSON value. */
static const char *json_kind(const cJSON *v)
{
    if (!v) return "nothing";
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsBool(v)) return cJSON_IsTrue(v) ? "true" : "false";
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsArray(v)) return "an array";
    if (cJSON_IsObject(v)) return "an object";
    return "an invalid value";
}

static const cJSON *item(const cJSON *obj, const char *key)
{
    return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

static const char *jstr(const cJSON *v) { return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL; }

/* The member at a dotted path, whatever mix of nesting and flattened keys
   spells it (the walker's rule, for the few names outside a schema). */
static const cJSON *json_find(const cJSON *obj, const char *path)
{
    if (!cJSON_IsObject(obj)) return NULL;
    for (const cJSON *m = obj->child; m; m = m->next) {
        const char *k = m->string;
        if (!k) continue;
        size_t i = 0;
        while (k[i] && k[i] == path[i]) i++;
        if (k[i]) continue;
        if (path[i] == 0) return m;
        if (path[i] == '.' && i > 0) {
            const cJSON *r = json_find(m, path + i + 1);
            if (r) return r;
        }
    }
    return NULL;
}

/* Decimal integer filling the whole text.  0 ok, 1 not a number, 2 out of
   the int64 range. */
static int parse_int_text(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    if (i == n) return 1;
    uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    bool over = false;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 1;
        unsigned dg = (unsigned)(s[i] - '0');
        if (over || v > (lim - dg) / 10u) over = true;
        else v = v * 10u + dg;
    }
    if (over) return 2;
    if (!neg) *out = (int64_t)v;
    else *out = v == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)v;
    return 0;
}

/* ------------------------------------------------------------------ */
/* the decoder state and its reports                                   */

typedef struct dec {
    pal_arena *a;
    char *err;
    size_t errcap;
    unsigned nbad;     /* values that did not fit their field */
    bool stop_on_bad;  /* pal_record_from_json: the first bad value is fatal */
    bool fatal;        /* arena exhausted or a limit passed: give up */
    size_t plen;
    char path[DEC_PATH_CAP];  /* JSON path of the value being converted */
} dec;

static bool dec_done(const dec *d) { return d->fatal || (d->stop_on_bad && d->nbad); }

static void bad_value(dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bad_value(dec *d, const char *fmt, ...)
{
    if (d->nbad++ || d->fatal || !d->errcap) return;
    size_t n = 0;
    if (d->plen) {
        int w = snprintf(d->err, d->errcap, "%s: ", d->path);
        n = w < 0 ? 0 : (size_t)w;
    }
    if (n >= d->errcap) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->err + n, d->errcap - n, fmt, ap);
    va_end(ap);
}

static void fatal(dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fatal(dec *d, const char *fmt, ...)
{
    if (d->fatal) return;
    d->fatal = true;
    if (!d->errcap) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->err, d->errcap, fmt, ap);
    va_end(ap);
}

static void *dalloc(dec *d, size_t n)
{
    void *p = pal_arena_alloc(d->a, n ? n : 1);
    if (!p) {
        if (d->a->cap)
            fatal(d, "input too large: decoding it needs more than the %zu bytes of memory "
                     "allowed for one input", d->a->cap);
        else
            fatal(d, "out of memory while decoding");
    }
    return p;
}

/* The path buffer grows as the walk descends and is cut back on return.
   Only keys that matched a schema path (or fixed adapter names) enter it. */
static size_t path_push(dec *d, const char *s, size_t n, bool dot)
{
    size_t old = d->plen;
    size_t room = DEC_PATH_CAP - 1 - d->plen;
    if (dot && d->plen && room) { d->path[d->plen++] = '.'; room--; }
    if (n > room) n = room;
    memcpy(d->path + d->plen, s, n);
    d->plen += n;
    d->path[d->plen] = 0;
    return old;
}

static size_t path_push_index(dec *d, size_t i)
{
    char b[32];
    int n = snprintf(b, sizeof b, "[%zu]", i);
    return path_push(d, b, n < 0 ? 0 : (size_t)n, false);
}

static void path_pop(dec *d, size_t old)
{
    d->plen = old;
    d->path[old] = 0;
}

/* ------------------------------------------------------------------ */
/* values                                                               */

static bool str_value(dec *d, unsigned t, const char *s, size_t n, bool windows, pal_value *out)
{
    if (n > UINT32_MAX) { bad_value(d, "string of %zu bytes is too long", n); return false; }
    if (t == PT_DNS && n && s[n - 1] == '.') n--;   /* "example.com." is example.com */
    char *p = dalloc(d, n + 1);
    if (!p) return false;
    memcpy(p, s, n);
    p[n] = 0;
    /* Domain names compare without case everywhere; the VM's case-folding
       comparison is the Windows one, which is exact for names ('\' and '/'
       never occur in them). */
    *out = pal_string(p, (uint32_t)n, (t == PT_PATH && windows) || t == PT_DNS ? PVF_WINDOWS : 0);
    return true;
}

/* An IP address in text; brackets ("[::1]") and an IPv6 zone ("fe80::1%12")
   are dropped, as Windows and socket tools print both. */
static bool ip_text(const char *s, size_t n, pal_value *out)
{
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']') { s++; n -= 2; }
    const char *pct = memchr(s, '%', n);
    if (pct && memchr(s, ':', (size_t)(pct - s))) n = (size_t)(pct - s);
    if (n == 0 || n > 64) return false;
    uint8_t ip[16] = {0};
    bool v6 = false;
    if (!pal_ip_parse(s, n, ip, &v6)) return false;
    pal_value v = pal_undef();
    v.tag = PV_IP;
    v.flags = v6 ? PVF_IPV6 : 0;
    memcpy(v.u.ip, ip, 16);
    *out = v;
    return true;
}

static bool int_value(dec *d, const cJSON *v, bool is_port, pal_value *out)
{
    int64_t i = 0;
    char q[QUOTE_BUF];
    if (cJSON_IsNumber(v)) {
        double x = v->valuedouble;
        if (!isfinite(x) || x != floor(x)) {
            bad_value(d, "expected a whole number, got %g", x);
            return false;
        }
        /* cJSON hands us a double: beyond 2^53 it is no longer exact, so
           larger values must come as strings, which we parse exactly. */
        if (fabs(x) >= 9007199254740992.0) {
            if (fabs(x) < 1e19)
                bad_value(d, "%.0f is out of range (numbers from 2^53 up must be written as strings)", x);
            else
                bad_value(d, "%g is out of range (numbers from 2^53 up must be written as strings)", x);
            return false;
        }
        i = (int64_t)x;
    } else if (cJSON_IsString(v) && v->valuestring) {
        const char *s = v->valuestring;
        size_t n = strlen(s);
        int r = parse_int_text(s, n, &i);
        if (r == 1) { bad_value(d, "expected a number, got a string"); return false; }
        if (r == 2) { bad_value(d, "%s is out of range", show(q, s, n, true)); return false; }
    } else {
        bad_value(d, "expected a number, got %s", json_kind(v));
        return false;
    }
    if (is_port && (i < 0 || i > 65535)) {
        bad_value(d, "%lld is not a port number (0-65535)", (long long)i);
        return false;
    }
    *out = pal_int(i);
    return true;
}

static bool scalar_value(dec *d, unsigned t, bool is_port, const cJSON *v, bool windows, pal_value *out)
{
    char q[QUOTE_BUF];
    switch (t) {
    case PT_STRING:
    case PT_PATH:
    case PT_DNS:
        if (!cJSON_IsString(v) || !v->valuestring) {
            bad_value(d, "expected a string, got %s", json_kind(v));
            return false;
        }
        return str_value(d, t, v->valuestring, strlen(v->valuestring), windows, out);
    case PT_INT:
        return int_value(d, v, is_port, out);
    case PT_BOOL:
        if (cJSON_IsBool(v)) { *out = pal_bool(cJSON_IsTrue(v)); return true; }
        if (cJSON_IsString(v) && v->valuestring) {   /* Sysmon: "Initiated": "true" */
            if (str_eq_ci(v->valuestring, "true")) { *out = pal_bool(true); return true; }
            if (str_eq_ci(v->valuestring, "false")) { *out = pal_bool(false); return true; }
        }
        bad_value(d, "expected true or false, got %s", json_kind(v));
        return false;
    case PT_IP:
        if (!cJSON_IsString(v) || !v->valuestring) {
            bad_value(d, "expected an IP address, got %s", json_kind(v));
            return false;
        }
        if (!ip_text(v->valuestring, strlen(v->valuestring), out)) {
            bad_value(d, "expected an IP address, got %s",
                      show(q, v->valuestring, strlen(v->valuestring), true));
            return false;
        }
        return true;
    default:
        bad_value(d, "a %s cannot be read from JSON", pal_ftype_name(t));
        return false;
    }
}

static const pal_value empty_items[1];

static bool list_value(dec *d, unsigned elem, const cJSON *v, bool windows, pal_value *out)
{
    if (cJSON_IsObject(v)) { bad_value(d, "expected a list, got an object"); return false; }
    pal_value lv = pal_undef();
    lv.tag = PV_LIST;
    if (!cJSON_IsArray(v)) {          /* one scalar is a one-element list */
        pal_value *it = dalloc(d, sizeof *it);
        if (!it || !scalar_value(d, elem, false, v, windows, it)) return false;
        lv.len = 1;
        lv.u.items = it;
        *out = lv;
        return true;
    }
    size_t n = 0;
    for (const cJSON *c = v->child; c; c = c->next)
        if (++n > PAL_MAX_LIST_ITEMS) {
            bad_value(d, "list has more than %u items (PAL_MAX_LIST_ITEMS)", PAL_MAX_LIST_ITEMS);
            return false;
        }
    pal_value *items = n ? dalloc(d, n * sizeof *items) : NULL;
    if (n && !items) return false;
    size_t i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        size_t old = path_push_index(d, i);
        bool ok = scalar_value(d, elem, false, c, windows, &items[i]);
        path_pop(d, old);
        if (!ok) return false;
    }
    lv.len = (uint32_t)n;
    lv.u.items = n ? items : empty_items;
    *out = lv;
    return true;
}

/* ------------------------------------------------------------------ */
/* the schema walk                                                     */

typedef struct rec_ctx {
    const pal_schema *s;
    pal_value *slots;
    const uint8_t *want;   /* fields to convert; NULL = all */
    uint8_t *seen;         /* fields present with a non-null value */
    bool windows;          /* PVF_WINDOWS on PT_PATH values */
    unsigned depth;        /* record nesting, for collections of records */
} rec_ctx;

static bool decode_record(dec *d, const pal_schema *s, const cJSON *obj, bool windows,
                          unsigned depth, pal_record *out);

static bool is_port_field(const pal_field *f)
{
    size_t n = strlen(f->name);
    return n >= 4 && strcmp(f->name + n - 4, "port") == 0 && (n == 4 || f->name[n - 5] == '.');
}

/* A name/value collection may also be written as a JSON object, the way
   image configs hold labels: {"maintainer": "x"} -> [{name, value}]. */
static bool kv_map_value(dec *d, const pal_schema *s, const cJSON *v, pal_value *out)
{
    int iname = pal_schema_find(s, "name", 4), ivalue = pal_schema_find(s, "value", 5);
    if (iname < 0 || ivalue < 0) { bad_value(d, "expected an array of objects, got an object"); return false; }
    size_t n = 0;
    for (const cJSON *c = v->child; c; c = c->next)
        if (++n > PAL_MAX_LIST_ITEMS) {
            bad_value(d, "has more than %u entries (PAL_MAX_LIST_ITEMS)", PAL_MAX_LIST_ITEMS);
            return false;
        }
    pal_record *recs = dalloc(d, (n ? n : 1) * sizeof *recs);
    if (!recs) return false;
    size_t i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        pal_value *slots = dalloc(d, s->nfields * sizeof *slots);
        if (!slots) return false;
        const char *k = c->string ? c->string : "";
        if (!str_value(d, PT_STRING, k, strlen(k), false, &slots[iname])) return false;
        if (!cJSON_IsNull(c)) {
            size_t old = path_push(d, k, strlen(k), true);
            bool ok = scalar_value(d, PT_STRING, false, c, false, &slots[ivalue]);
            path_pop(d, old);
            if (!ok && dec_done(d)) return false;
        }
        recs[i].schema = s;
        recs[i].slots = slots;
    }
    pal_value rv = pal_undef();
    rv.tag = PV_RECORDS;
    rv.len = (uint32_t)n;
    rv.u.recs = recs;
    *out = rv;
    return true;
}

static bool records_value(dec *d, unsigned sid, const cJSON *v, bool windows, unsigned depth,
                          pal_value *out)
{
    const pal_schema *s = pal_schema_get(sid);
    if (!s) { bad_value(d, "internal error: unknown element schema %u", sid); return false; }
    if (depth >= PAL_MAX_JSON_DEPTH) {
        fatal(d, "%s: records nest deeper than %u levels (PAL_MAX_JSON_DEPTH)", d->path, PAL_MAX_JSON_DEPTH);
        return false;
    }
    if (cJSON_IsObject(v) && sid == PS_KV) return kv_map_value(d, s, v, out);
    if (!cJSON_IsArray(v)) {
        bad_value(d, "expected an array of objects, got %s", json_kind(v));
        return false;
    }
    size_t n = 0;
    for (const cJSON *c = v->child; c; c = c->next)
        if (++n > PAL_MAX_LIST_ITEMS) {
            bad_value(d, "has more than %u entries (PAL_MAX_LIST_ITEMS)", PAL_MAX_LIST_ITEMS);
            return false;
        }
    pal_record *recs = dalloc(d, (n ? n : 1) * sizeof *recs);
    if (!recs) return false;
    size_t i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        size_t old = path_push_index(d, i);
        bool ok;
        if (!cJSON_IsObject(c)) {
            bad_value(d, "expected an object, got %s", json_kind(c));
            ok = false;
        } else {
            ok = decode_record(d, s, c, windows, depth, &recs[i]);
        }
        path_pop(d, old);
        if (!ok) return false;
    }
    pal_value rv = pal_undef();
    rv.tag = PV_RECORDS;
    rv.len = (uint32_t)n;
    rv.u.recs = recs;
    *out = rv;
    return true;
}

/* Converts v to field f's type into *out; *out is untouched on failure. */
static bool convert_field(dec *d, const pal_field *f, const cJSON *v, bool windows, unsigned depth,
                          pal_value *out)
{
    pal_value tmp = pal_undef();
    bool ok;
    switch (f->type) {
    case PT_LIST: ok = list_value(d, f->elem, v, windows, &tmp); break;
    case PT_RECORDS: ok = records_value(d, f->elem, v, windows, depth + 1, &tmp); break;
    default: ok = scalar_value(d, f->type, is_port_field(f), v, windows, &tmp); break;
    }
    if (ok) *out = tmp;
    return ok;
}

static void take_field(dec *d, rec_ctx *r, unsigned i, const cJSON *v, const char *key, size_t klen)
{
    if (bit_get(r->seen, i) || cJSON_IsNull(v)) return;   /* first spelling wins; null = absent */
    bit_set(r->seen, i);
    if (r->want && !bit_get(r->want, i)) return;
    size_t old = path_push(d, key, klen, true);
    convert_field(d, &r->s->fields[i], v, r->windows, r->depth, &r->slots[i]);
    path_pop(d, old);
}

/* `done` bytes of every candidate's JSON path are matched by the objects
   above `obj`; each member key is compared with the rest. */
static void walk(dec *d, rec_ctx *r, const cJSON *obj, size_t done, const uint16_t *cand, unsigned ncand)
{
    uint16_t sub[DEC_MAX_FIELDS];
    for (const cJSON *m = obj->child; m && !dec_done(d); m = m->next) {
        const char *k = m->string;
        if (!k) continue;
        unsigned nsub = 0;
        size_t klen = 0;
        for (unsigned c = 0; c < ncand; c++) {
            const char *rest = pal_field_json(&r->s->fields[cand[c]]) + done;
            size_t i = 0;
            while (k[i] && k[i] == rest[i]) i++;
            if (k[i]) continue;                 /* differs, or runs past the path */
            klen = i;
            if (rest[i] == 0) take_field(d, r, cand[c], m, k, i);
            else if (rest[i] == '.' && i > 0 && cJSON_IsObject(m)) sub[nsub++] = cand[c];
        }
        if (nsub) {
            size_t old = path_push(d, k, klen, true);
            walk(d, r, m, done + klen + 1, sub, nsub);
            path_pop(d, old);
        }
    }
}

static void walk_record(dec *d, rec_ctx *r, const cJSON *obj)
{
    uint16_t all[DEC_MAX_FIELDS];
    for (unsigned i = 0; i < r->s->nfields; i++) all[i] = (uint16_t)i;
    walk(d, r, obj, 0, all, r->s->nfields);
}

static bool decode_record(dec *d, const pal_schema *s, const cJSON *obj, bool windows,
                          unsigned depth, pal_record *out)
{
    out->schema = s;
    out->slots = NULL;
    if (s->nfields > DEC_MAX_FIELDS) {
        fatal(d, "internal error: schema '%s' has more than %u fields", s->name, DEC_MAX_FIELDS);
        return false;
    }
    pal_value *slots = dalloc(d, s->nfields * sizeof *slots);   /* zeroed: all PV_UNDEF */
    if (!slots) return false;
    uint8_t seen[DEC_MAX_FIELDS / 8] = {0};
    rec_ctx r = {s, slots, NULL, seen, windows, depth};
    walk_record(d, &r, obj);
    out->slots = slots;
    return !dec_done(d);
}

int pal_record_from_json(const pal_schema *s, const cJSON *obj, bool windows,
                         pal_arena *a, pal_record *out, char *err, size_t errcap)
{
    if (!err) errcap = 0;
    if (errcap) err[0] = 0;
    if (out) { out->schema = s; out->slots = NULL; }
    if (!s || !a || !out) { set_err(err, errcap, "internal error: no schema, arena or output record"); return -1; }
    if (!cJSON_IsObject(obj)) {
        set_err(err, errcap, "expected a JSON object for the %s, got %s", s->name, json_kind(obj));
        return -1;
    }
    dec d = {0};
    d.a = a;
    d.err = err;
    d.errcap = errcap;
    d.stop_on_bad = true;
    return decode_record(&d, s, obj, windows, 0, out) ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* events: the fields inference, adapters and derivations touch        */

enum {
    EF_TIMESTAMP, EF_HOST_NAME, EF_HOST_OS_TYPE, EF_CONTAINER_ID, EF_CONTAINER_NAME,
    EF_IMAGE_NAME, EF_IMAGE_TAG, EF_USER_NAME, EF_CATEGORY, EF_TYPE, EF_ACTION,
    EF_KIND, EF_MODULE, EF_PID, EF_EXE, EF_NAME, EF_CMDLINE, EF_CWD, EF_MD5,
    EF_SHA1, EF_SHA256, EF_PPID, EF_PEXE, EF_PNAME, EF_PCMDLINE, EF_DIRECTION,
    EF_TRANSPORT, EF_PROTOCOL, EF_SRC_IP, EF_SRC_PORT, EF_DST_IP, EF_DST_PORT,
    EF_DST_DOMAIN, EF_DNS_QNAME, EF_DNS_RCODE, EF_DNS_RESOLVED, EF_FILE_PATH,
    EF_FILE_NAME, EF_FILE_EXT, EF_FILE_DIR, EF__COUNT
};

static const char *const ef_names[EF__COUNT] = {
    "timestamp", "host.name", "host.os.type", "container.id", "container.name",
    "container.image.name", "container.image.tag", "user.name", "event.category", "event.type", "event.action",
    "event.kind", "event.module", "process.pid", "process.executable", "process.name", "process.command_line",
    "process.working_directory", "process.hash.md5",
    "process.hash.sha1", "process.hash.sha256", "process.parent.pid", "process.parent.executable",
    "process.parent.name", "process.parent.command_line", "network.direction",
    "network.transport", "network.protocol", "source.ip", "source.port", "destination.ip", "destination.port",
    "destination.domain", "dns.question.name", "dns.response_code", "dns.resolved_ip", "file.path",
    "file.name", "file.extension", "file.directory",
};

/* Fields read by the kind/OS inference and the derived fields: decoded even
   when the caller does not want them, and dropped afterwards. */
static const int ef_needed[] = {EF_CATEGORY, EF_PROTOCOL, EF_HOST_OS_TYPE, EF_EXE, EF_PEXE,
                                EF_FILE_PATH, EF_IMAGE_NAME};

/* Indices are resolved by name once (a schema edit cannot silently shift
   them); -1 when the schema lacks a name, which every setter tolerates. */
static int ef_index[EF__COUNT];
static pthread_once_t ef_once = PTHREAD_ONCE_INIT;

static void ef_init(void)
{
    const pal_schema *s = pal_schema_get(PS_EVENT);
    for (unsigned i = 0; i < EF__COUNT; i++)
        ef_index[i] = pal_schema_find(s, ef_names[i], strlen(ef_names[i]));
}

typedef struct evctx {
    dec d;
    const pal_schema *s;
    pal_value *slots;
    const uint8_t *user_want;               /* NULL = all */
    uint8_t want[DEC_MAX_FIELDS / 8];       /* user_want plus ef_needed */
    uint8_t seen[DEC_MAX_FIELDS / 8];       /* present in the ECS walk */
    pal_event *ev;
} evctx;

static const pal_value *ev_get(const evctx *e, int ef)
{
    static const pal_value undef;
    int i = ef_index[ef];
    return i >= 0 ? &e->slots[i] : &undef;
}


/* The slot of `ef` if it is wanted and still undefined, else NULL. */
static pal_value *ev_free(evctx *e, int ef)
{
    int i = ef_index[ef];
    if (i < 0 || !bit_get(e->want, (unsigned)i) || e->slots[i].tag != PV_UNDEF) return NULL;
    return &e->slots[i];
}

static const pal_field *ev_field(const evctx *e, int ef) { return &e->s->fields[ef_index[ef]]; }

/* Sets `ef` from a raw record's JSON value, found at prefix.key (for
   messages).  Converts exactly like the ECS walk does. */
static void ev_json(evctx *e, int ef, const cJSON *v, const char *prefix, const char *key)
{
    if (!v || cJSON_IsNull(v)) return;
    pal_value *slot = ev_free(e, ef);
    if (!slot) return;
    path_pop(&e->d, 0);
    if (prefix && *prefix) path_push(&e->d, prefix, strlen(prefix), false);
    path_push(&e->d, key, strlen(key), true);
    convert_field(&e->d, ev_field(e, ef), v, false, 0, slot);
    path_pop(&e->d, 0);
}

/* Sets a string (or a one-string list) field from text. */
static void ev_str(evctx *e, int ef, const char *s, size_t n)
{
    pal_value *slot = ev_free(e, ef);
    if (!slot) return;
    const pal_field *f = ev_field(e, ef);
    if (f->type == PT_LIST) {
        pal_value *it = dalloc(&e->d, sizeof *it);
        if (!it || !str_value(&e->d, f->elem, s, n, false, it)) return;
        pal_value lv = pal_undef();
        lv.tag = PV_LIST;
        lv.len = 1;
        lv.u.items = it;
        *slot = lv;
    } else if (f->type == PT_STRING || f->type == PT_PATH || f->type == PT_DNS) {
        str_value(&e->d, f->type, s, n, false, slot);
    }
}

static void ev_lit(evctx *e, int ef, const char *s) { ev_str(e, ef, s, strlen(s)); }

/* A list of constant strings (event.type ["connection", "start"]). */
static void ev_lits(evctx *e, int ef, const char *const *v, unsigned n)
{
    pal_value *slot = ev_free(e, ef);
    if (!slot || ev_field(e, ef)->type != PT_LIST) return;
    pal_value *items = dalloc(&e->d, n * sizeof *items);
    if (!items) return;
    for (unsigned i = 0; i < n; i++)
        if (!str_value(&e->d, PT_STRING, v[i], strlen(v[i]), false, &items[i])) return;
    pal_value lv = pal_undef();
    lv.tag = PV_LIST;
    lv.len = n;
    lv.u.items = items;
    *slot = lv;
}

static void ev_category(evctx *e, const char *cat, const char *const *types, unsigned ntypes)
{
    ev_lits(e, EF_CATEGORY, &cat, 1);
    ev_lits(e, EF_TYPE, types, ntypes);
}

/* Text copied lower-cased (hashes, protocol names). */
static void ev_str_lower(evctx *e, int ef, const char *s, size_t n)
{
    pal_value *slot = ev_free(e, ef);
    if (!slot) return;
    ev_str(e, ef, s, n);
    if (slot->tag == PV_STR) {
        char *p = (char *)slot->u.s;   /* our own arena copy */
        for (size_t i = 0; i < slot->len; i++) p[i] = lower(p[i]);
    }
}

/* ------------------------------------------------------------------ */
/* kind, OS and derived fields                                          */

static bool is_windows_path(const pal_value *v)
{
    if (v->tag != PV_STR) return false;
    const char *s = v->u.s;
    size_t n = v->len;
    bool drive = n >= 3 && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) &&
                 s[1] == ':' && (s[2] == '\\' || s[2] == '/');
    return drive || (n >= 2 && s[0] == '\\' && s[1] == '\\');
}

static bool any_seen_with_prefix(const evctx *e, const char *prefix)
{
    size_t n = strlen(prefix);
    for (unsigned i = 0; i < e->s->nfields; i++)
        if (bit_get(e->seen, i) && strncmp(pal_field_json(&e->s->fields[i]), prefix, n) == 0) return true;
    return false;
}

static bool ev_seen(const evctx *e, int ef) { return ef_index[ef] >= 0 && bit_get(e->seen, (unsigned)ef_index[ef]); }

/* ECS: the kind from event.category, else from which field groups are
   present.  0 with a message in err when neither tells. */
static unsigned ecs_kind(evctx *e)
{
    const pal_value *cat = ev_get(e, EF_CATEGORY);
    const pal_value *proto = ev_get(e, EF_PROTOCOL);
    bool dns = (proto->tag == PV_STR && eq_ci(proto->u.s, proto->len, "dns")) || ev_seen(e, EF_DNS_QNAME);
    if (cat->tag == PV_LIST && cat->len) {
        for (uint32_t i = 0; i < cat->len; i++) {
            const pal_value *c = &cat->u.items[i];
            if (c->tag != PV_STR) continue;
            if (eq_ci(c->u.s, c->len, "process")) return PK_PROCESS;
            if (eq_ci(c->u.s, c->len, "network")) return dns ? PK_DNS : PK_NETWORK;
            if (eq_ci(c->u.s, c->len, "file")) return PK_FILE;
            if (eq_ci(c->u.s, c->len, "dns")) return PK_DNS;   /* palisade's own test events */
        }
        char q[QUOTE_BUF];
        const pal_value *c0 = &cat->u.items[0];
        set_err(e->d.err, e->d.errcap,
                "event.category %s is not an event kind palisade decides (process, network, dns, file)",
                c0->tag == PV_STR ? show(q, c0->u.s, c0->len, true) : "?");
        return 0;
    }
    if (dns || any_seen_with_prefix(e, "dns.")) return PK_DNS;
    if (ev_seen(e, EF_DST_IP) || ev_seen(e, EF_SRC_IP)) return PK_NETWORK;
    if (ev_seen(e, EF_FILE_PATH)) return PK_FILE;
    if (any_seen_with_prefix(e, "process.")) return PK_PROCESS;
    set_err(e->d.err, e->d.errcap, "cannot tell the event kind: add event.category");
    return 0;
}

/* ECS: Windows when the host says so; when no OS is given, when a path
   looks like one (drive letter or UNC). */
static bool ecs_windows(const evctx *e, const cJSON *root)
{
    const pal_value *os = ev_get(e, EF_HOST_OS_TYPE);
    if (os->tag == PV_STR) return eq_ci(os->u.s, os->len, "windows");
    const char *family = jstr(json_find(root, "host.os.family"));
    if (!family) family = jstr(json_find(root, "host.os.platform"));
    if (family) return str_eq_ci(family, "windows");
    return is_windows_path(ev_get(e, EF_EXE)) || is_windows_path(ev_get(e, EF_PEXE)) ||
           is_windows_path(ev_get(e, EF_FILE_PATH));
}

static bool is_sep(char c, bool windows) { return c == '/' || (windows && c == '\\'); }

/* name (last element), directory and extension of a path-valued field. */
static void derive_from_path(evctx *e, int from, int name_ef, int dir_ef, int ext_ef, bool windows)
{
    const pal_value *src = ev_get(e, from);
    if (src->tag != PV_STR || !src->len) return;
    const char *s = src->u.s;
    size_t n = src->len, start = n;
    while (start > 0 && !is_sep(s[start - 1], windows)) start--;
    if (start == n) return;                    /* ends with a separator: no name */
    ev_str(e, name_ef, s + start, n - start);
    if (dir_ef >= 0 && start > 0) {
        size_t dlen = start - 1;
        if (dlen == 0) dlen = 1;                                      /* "/etc" -> "/" */
        else if (windows && dlen == 2 && s[1] == ':') dlen = 3;       /* "C:\x" -> "C:\" */
        ev_str(e, dir_ef, s, dlen);
    }
    if (ext_ef >= 0) {
        const char *dot = NULL;
        for (size_t i = start + 1; i < n; i++) if (s[i] == '.') dot = s + i;   /* ".bashrc" has none */
        if (dot && dot + 1 < s + n) ev_str(e, ext_ef, dot + 1, (size_t)(s + n - dot - 1));
    }
}

/* container.image.tag from "registry:5000/app:v1@sha256:..." -> "v1": after
   the last ':' that follows the last '/', ignoring a digest. */
static void derive_image_tag(evctx *e)
{
    const pal_value *img = ev_get(e, EF_IMAGE_NAME);
    if (img->tag != PV_STR || !ev_free(e, EF_IMAGE_TAG)) return;
    const char *s = img->u.s;
    size_t n = img->len;
    const char *at = memchr(s, '@', n);
    if (at) n = (size_t)(at - s);
    size_t colon = n;
    for (size_t i = n; i > 0; i--) {
        if (s[i - 1] == '/') break;
        if (s[i - 1] == ':') { colon = i - 1; break; }
    }
    if (colon + 1 < n) ev_str(e, EF_IMAGE_TAG, s + colon + 1, n - colon - 1);
}

/* ECS 8 shippers write the host's view as "egress"/"ingress"; SCHEMAS and
   the Sysmon/Falco adapters say "outbound"/"inbound".  One spelling, so a
   policy's `outbound` cannot miss an Elastic Agent event. */
static void normalize_direction(evctx *e)
{
    int i = ef_index[EF_DIRECTION];
    if (i < 0 || e->slots[i].tag != PV_STR) return;
    const pal_value *v = &e->slots[i];
    const char *to = eq_ci(v->u.s, v->len, "egress") ? "outbound"
                   : eq_ci(v->u.s, v->len, "ingress") ? "inbound" : NULL;
    if (!to) return;
    e->slots[i] = pal_undef();
    ev_lit(e, EF_DIRECTION, to);
}

static void finish_event(evctx *e)
{
    bool win = e->ev->windows;
    normalize_direction(e);
    derive_from_path(e, EF_EXE, EF_NAME, -1, -1, win);
    derive_from_path(e, EF_PEXE, EF_PNAME, -1, -1, win);
    derive_from_path(e, EF_FILE_PATH, EF_FILE_NAME, EF_FILE_DIR, EF_FILE_EXT, win);
    derive_image_tag(e);
    for (unsigned i = 0; i < e->s->nfields; i++) {
        pal_value *v = &e->slots[i];
        if (e->user_want && !bit_get(e->user_want, i)) { *v = pal_undef(); continue; }
        if (win && e->s->fields[i].type == PT_PATH && v->tag == PV_STR) v->flags |= PVF_WINDOWS;
    }
}

/* ------------------------------------------------------------------ */
/* ECS                                                                  */

static void walk_event(evctx *e, const cJSON *root)
{
    rec_ctx r = {e->s, e->slots, e->want, e->seen, false, 0};
    walk_record(&e->d, &r, root);
}

static int decode_ecs(evctx *e, const cJSON *root)
{
    walk_event(e, root);
    if (e->d.fatal) return -1;
    e->ev->windows = ecs_windows(e, root);
    e->ev->kind = ecs_kind(e);
    return e->ev->kind ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* Sysmon                                                               */

/* An event-data value; Sysmon writes "-" (and shippers "") for unknown. */
/* Sysmon writes UtcTime as "2024-03-12 10:05:00.120"; Winlogbeat's
   @timestamp (and every other adapter) is ISO 8601.  One form, so a policy
   comparing times sees the same thing from both Sysmon layouts. */
static void sysmon_time(evctx *e, const cJSON *v, const char *pre)
{
    const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
    size_t n = s ? strlen(s) : 0;
    static const char shape[] = "dddd-dd-dd dd:dd:dd";
    bool ok = n >= sizeof shape - 1 && n < 40;
    for (size_t i = 0; ok && i < sizeof shape - 1; i++)
        ok = shape[i] == 'd' ? (s[i] >= '0' && s[i] <= '9') : s[i] == shape[i];
    for (size_t i = sizeof shape - 1; ok && i < n; i++)
        ok = (i == sizeof shape - 1 ? s[i] == '.' : (s[i] >= '0' && s[i] <= '9'));
    if (!ok) { ev_json(e, EF_TIMESTAMP, v, pre, "UtcTime"); return; }
    char iso[48];
    memcpy(iso, s, n);
    iso[10] = 'T';
    iso[n] = 'Z';
    ev_str(e, EF_TIMESTAMP, iso, n + 1);
}

static const cJSON *sysval(const cJSON *data, const char *key)
{
    const cJSON *v = item(data, key);
    if (!v || cJSON_IsNull(v)) return NULL;
    if (cJSON_IsString(v) && (!v->valuestring || !v->valuestring[0] || !strcmp(v->valuestring, "-")))
        return NULL;
    return v;
}

/* "SHA1=..,MD5=..,SHA256=..,IMPHASH=.." -> process.hash.*, lower-case hex as
   ECS writes it (Sysmon writes upper case). */
static void sysmon_hashes(evctx *e, const char *s)
{
    while (*s) {
        const char *end = strchr(s, ',');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        const char *eq = memchr(s, '=', n);
        if (eq) {
            size_t alen = (size_t)(eq - s), hlen = n - alen - 1;
            if (eq_ci(s, alen, "MD5")) ev_str_lower(e, EF_MD5, eq + 1, hlen);
            else if (eq_ci(s, alen, "SHA1")) ev_str_lower(e, EF_SHA1, eq + 1, hlen);
            else if (eq_ci(s, alen, "SHA256")) ev_str_lower(e, EF_SHA256, eq + 1, hlen);
        }
        s += n;
        if (*s == ',') s++;
    }
}

/* QueryResults: "type:  5 edge.example.net;::ffff:13.107.21.200;" -> the
   IPs; CNAME ("type:  5 name") and other typed entries are skipped. */
static void sysmon_resolved(evctx *e, const char *s)
{
    pal_value *slot = ev_free(e, EF_DNS_RESOLVED);
    if (!slot) return;
    size_t total = strlen(s), count = 0;
    pal_value *items = NULL;
    for (int pass = 0; pass < 2; pass++) {          /* count, then fill */
        size_t k = 0;
        for (size_t i = 0; i < total;) {
            size_t b = i;
            while (i < total && s[i] != ';') i++;
            size_t en = i++;
            while (b < en && is_ws(s[b])) b++;
            while (en > b && is_ws(s[en - 1])) en--;
            pal_value ip;
            if (en == b || starts_ci(s + b, en - b, "type:") || !ip_text(s + b, en - b, &ip)) continue;
            if (k >= PAL_MAX_LIST_ITEMS) break;
            if (pass) items[k] = ip;
            k++;
        }
        if (pass == 0) {
            count = k;
            items = dalloc(&e->d, (count ? count : 1) * sizeof *items);
            if (!items) return;
        }
    }
    pal_value lv = pal_undef();
    lv.tag = PV_LIST;
    lv.len = (uint32_t)count;
    lv.u.items = items;
    *slot = lv;
}

/* QueryStatus is a Windows status: 0 success, 9000 + rcode for DNS errors. */
static void sysmon_rcode(evctx *e, const cJSON *v)
{
    int64_t st;
    if (cJSON_IsNumber(v)) st = (int64_t)v->valuedouble;
    else if (!jstr(v) || parse_int_text(v->valuestring, strlen(v->valuestring), &st)) return;
    static const char *const rcode[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};
    if (st == 0) ev_lit(e, EF_DNS_RCODE, rcode[0]);
    else if (st > 9000 && st <= 9005) ev_lit(e, EF_DNS_RCODE, rcode[st - 9000]);
}

static int decode_sysmon(evctx *e, const cJSON *root)
{
    char q[QUOTE_BUF];
    char *err = e->d.err;
    size_t cap = e->d.errcap;
    const char *chan = jstr(json_find(root, "winlog.channel"));
    if (!chan) chan = jstr(item(root, "Channel"));
    if (chan && !str_eq_ci(chan, SYSMON_CHANNEL)) {
        set_err(err, cap, "not a Sysmon record: Channel is %s", show(q, chan, strlen(chan), false));
        return -1;
    }
    const char *prov = jstr(json_find(root, "winlog.provider_name"));
    if (!prov) prov = jstr(item(root, "SourceName"));
    if (!prov) prov = jstr(item(root, "ProviderName"));
    if (!chan && prov && !str_eq_ci(prov, SYSMON_PROVIDER)) {
        set_err(err, cap, "not a Sysmon record: provider is %s", show(q, prov, strlen(prov), false));
        return -1;
    }
    const char *idname = "winlog.event_id";
    const cJSON *id = json_find(root, idname);
    if (!id) id = item(root, idname = "EventID");
    if (!id) {
        set_err(err, cap, "not a Sysmon record: no EventID (winlog.event_id or EventID)");
        return -1;
    }
    int64_t eid = 0;
    bool id_ok = false;
    if (cJSON_IsNumber(id)) {
        id_ok = id->valuedouble == floor(id->valuedouble) && fabs(id->valuedouble) < 1e9;
        if (id_ok) eid = (int64_t)id->valuedouble;
    } else if (jstr(id)) {
        id_ok = parse_int_text(id->valuestring, strlen(id->valuestring), &eid) == 0;
    }
    if (!id_ok) {
        set_err(err, cap, "%s: expected a Sysmon event number, got %s", idname,
                jstr(id) ? show(q, id->valuestring, strlen(id->valuestring), true) : json_kind(id));
        return -1;
    }
    if (eid != 1 && eid != 3 && eid != 11 && eid != 22) {
        set_err(err, cap, "unsupported Sysmon EventID %lld (palisade maps 1, 3, 11, 22)", (long long)eid);
        return -1;
    }

    const char *pre = "winlog.event_data";
    const cJSON *data = json_find(root, pre);
    if (!cJSON_IsObject(data)) data = item(root, pre = "EventData");
    if (!cJSON_IsObject(data)) { data = root; pre = ""; }

    walk_event(e, root);                   /* ECS fields a shipper added win */
    if (e->d.fatal) return -1;

    ev_json(e, EF_HOST_NAME, item(root, "Hostname"), "", "Hostname");
    ev_json(e, EF_HOST_NAME, json_find(root, "winlog.computer_name"), "", "winlog.computer_name");
    sysmon_time(e, sysval(data, "UtcTime"), pre);
    ev_lit(e, EF_HOST_OS_TYPE, "windows");
    ev_lit(e, EF_MODULE, "sysmon");
    ev_lit(e, EF_KIND, "event");

    /* "NT AUTHORITY\SYSTEM" -> "SYSTEM": Winlogbeat puts the domain in
       user.domain, and a policy must see the same user.name either way. */
    const cJSON *user = sysval(data, "User");
    if (jstr(user)) {
        const char *u = user->valuestring, *bs = strrchr(u, '\\');
        if (bs) u = bs + 1;
        if (*u) ev_str(e, EF_USER_NAME, u, strlen(u));
    } else {
        ev_json(e, EF_USER_NAME, user, pre, "User");
    }
    ev_json(e, EF_PID, sysval(data, "ProcessId"), pre, "ProcessId");
    ev_json(e, EF_EXE, sysval(data, "Image"), pre, "Image");

    switch (eid) {
    case 1: {
        ev_json(e, EF_CMDLINE, sysval(data, "CommandLine"), pre, "CommandLine");
        ev_json(e, EF_CWD, sysval(data, "CurrentDirectory"), pre, "CurrentDirectory");
        ev_json(e, EF_PPID, sysval(data, "ParentProcessId"), pre, "ParentProcessId");
        ev_json(e, EF_PEXE, sysval(data, "ParentImage"), pre, "ParentImage");
        ev_json(e, EF_PCMDLINE, sysval(data, "ParentCommandLine"), pre, "ParentCommandLine");
        const char *hashes = jstr(sysval(data, "Hashes"));
        if (hashes) sysmon_hashes(e, hashes);
        static const char *const t[] = {"start"};
        ev_category(e, "process", t, 1);
        e->ev->kind = PK_PROCESS;
        break;
    }
    case 3: {
        const char *proto = jstr(sysval(data, "Protocol"));
        if (proto) ev_str_lower(e, EF_TRANSPORT, proto, strlen(proto));
        const cJSON *init = sysval(data, "Initiated");
        if (init) {
            bool out = cJSON_IsTrue(init) || str_eq_ci(jstr(init), "true");
            ev_lit(e, EF_DIRECTION, out ? "outbound" : "inbound");
        }
        ev_json(e, EF_SRC_IP, sysval(data, "SourceIp"), pre, "SourceIp");
        ev_json(e, EF_SRC_PORT, sysval(data, "SourcePort"), pre, "SourcePort");
        ev_json(e, EF_DST_IP, sysval(data, "DestinationIp"), pre, "DestinationIp");
        ev_json(e, EF_DST_PORT, sysval(data, "DestinationPort"), pre, "DestinationPort");
        ev_json(e, EF_DST_DOMAIN, sysval(data, "DestinationHostname"), pre, "DestinationHostname");
        static const char *const t[] = {"connection", "start"};
        ev_category(e, "network", t, 2);
        e->ev->kind = PK_NETWORK;
        break;
    }
    case 22: {
        ev_json(e, EF_DNS_QNAME, sysval(data, "QueryName"), pre, "QueryName");
        const char *res = jstr(sysval(data, "QueryResults"));
        if (res) sysmon_resolved(e, res);
        const cJSON *st = sysval(data, "QueryStatus");
        if (st) sysmon_rcode(e, st);
        ev_lit(e, EF_PROTOCOL, "dns");
        static const char *const t[] = {"protocol", "info"};
        ev_category(e, "network", t, 2);
        e->ev->kind = PK_DNS;
        break;
    }
    case 11: {
        ev_json(e, EF_FILE_PATH, sysval(data, "TargetFilename"), pre, "TargetFilename");
        /* Winlogbeat's event.action is the task name ("File created (rule:
           FileCreate)"); SPEC says creation, as the other adapters write */
        if (ef_index[EF_ACTION] >= 0) e->slots[ef_index[EF_ACTION]] = pal_undef();
        ev_lit(e, EF_ACTION, "creation");
        static const char *const t[] = {"creation"};
        ev_category(e, "file", t, 1);
        e->ev->kind = PK_FILE;
        break;
    }
    }
    e->ev->windows = true;
    return e->d.fatal ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Falco                                                                */

/* An output field; Falco writes "<NA>" (or null) when it has no value. */
static const cJSON *fval(const cJSON *of, const char *key)
{
    const cJSON *v = item(of, key);
    if (!v || cJSON_IsNull(v)) return NULL;
    if (jstr(v) && (!v->valuestring[0] || !strcmp(v->valuestring, "<NA>"))) return NULL;
    return v;
}

static void falco_field(evctx *e, int ef, const cJSON *of, const char *key)
{
    ev_json(e, ef, fval(of, key), "output_fields", key);
}

/* fd.name of a socket: "10.0.0.5:43210->93.184.216.34:443" (IPv6 too: the
   port follows the last ':').  Fills source (client) and destination. */
static void falco_fd_name(evctx *e, const char *s)
{
    const char *arrow = strstr(s, "->");
    if (!arrow) return;
    struct { const char *p; size_t n; int ip_ef, port_ef; } side[2] = {
        {s, (size_t)(arrow - s), EF_SRC_IP, EF_SRC_PORT},
        {arrow + 2, strlen(arrow + 2), EF_DST_IP, EF_DST_PORT},
    };
    for (int i = 0; i < 2; i++) {
        const char *p = side[i].p;
        size_t n = side[i].n, colon = n;
        while (colon > 0 && p[colon - 1] != ':') colon--;
        if (colon == 0) continue;
        pal_value ip, port;
        int64_t pn;
        if (!ip_text(p, colon - 1, &ip) || parse_int_text(p + colon, n - colon, &pn) || pn < 0 || pn > 65535) {
            char q[QUOTE_BUF];
            path_pop(&e->d, 0);
            path_push(&e->d, "output_fields.fd.name", 21, false);
            bad_value(&e->d, "expected ip:port->ip:port, got %s", show(q, s, strlen(s), true));
            path_pop(&e->d, 0);
            return;
        }
        port = pal_int(pn);
        pal_value *slot = ev_free(e, side[i].ip_ef);
        if (slot) *slot = ip;
        slot = ev_free(e, side[i].port_ef);
        if (slot) *slot = port;
    }
}

/* Opened for writing?  1 yes, 0 read only, -1 the record does not say. */
static int falco_open_write(const cJSON *of, bool *created)
{
    const cJSON *w = fval(of, "evt.is_open_write");
    const char *flags = jstr(fval(of, "evt.arg.flags"));
    if (flags) {
        size_t n = strlen(flags);
        *created = find_sub(flags, n, "O_F_CREATED") != NULL;
        if (find_sub(flags, n, "O_WRONLY") || find_sub(flags, n, "O_RDWR") ||
            find_sub(flags, n, "O_CREAT") || find_sub(flags, n, "O_TRUNC"))
            return 1;
    }
    if (w) return cJSON_IsTrue(w) || str_eq_ci(jstr(w), "true");
    return flags ? 0 : -1;
}

static int decode_falco(evctx *e, const cJSON *root)
{
    char q[QUOTE_BUF];
    char *err = e->d.err;
    size_t cap = e->d.errcap;
    const cJSON *of = item(root, "output_fields");
    if (!cJSON_IsObject(of)) {
        set_err(err, cap, "not a Falco record: no output_fields object");
        return -1;
    }
    const char *source = jstr(item(root, "source"));
    if (source && strcmp(source, "syscall") != 0) {
        set_err(err, cap, "unsupported Falco source %s (palisade maps syscall events)",
                show(q, source, strlen(source), false));
        return -1;
    }

    walk_event(e, root);
    if (e->d.fatal) return -1;

    ev_json(e, EF_HOST_NAME, item(root, "hostname"), "", "hostname");
    ev_json(e, EF_TIMESTAMP, item(root, "time"), "", "time");
    ev_lit(e, EF_HOST_OS_TYPE, "linux");
    ev_lit(e, EF_MODULE, "falco");
    ev_lit(e, EF_KIND, "alert");

    falco_field(e, EF_EXE, of, "proc.exepath");
    const char *exe = jstr(fval(of, "proc.exe"));   /* argv[0]; a path only sometimes */
    if (exe && exe[0] == '/') falco_field(e, EF_EXE, of, "proc.exe");
    falco_field(e, EF_NAME, of, "proc.name");
    falco_field(e, EF_CMDLINE, of, "proc.cmdline");
    falco_field(e, EF_PID, of, "proc.pid");
    falco_field(e, EF_CWD, of, "proc.cwd");
    falco_field(e, EF_PPID, of, "proc.ppid");
    falco_field(e, EF_PEXE, of, "proc.pexepath");
    falco_field(e, EF_PNAME, of, "proc.pname");
    falco_field(e, EF_PCMDLINE, of, "proc.pcmdline");
    falco_field(e, EF_USER_NAME, of, "user.name");
    falco_field(e, EF_CONTAINER_ID, of, "container.id");
    falco_field(e, EF_CONTAINER_NAME, of, "container.name");

    /* container.image.name keeps the tag ("nginx:1.25"), as policies glob
       it; container.image.tag gets the tag alone. */
    falco_field(e, EF_IMAGE_NAME, of, "container.image");
    const char *repo = jstr(fval(of, "container.image.repository"));
    const char *tag = jstr(fval(of, "container.image.tag"));
    if (repo && ev_free(e, EF_IMAGE_NAME)) {
        size_t rn = strlen(repo), tn = tag ? strlen(tag) : 0;
        char *buf = dalloc(&e->d, rn + tn + 2);
        if (!buf) return -1;
        memcpy(buf, repo, rn);
        if (tag) { buf[rn] = ':'; memcpy(buf + rn + 1, tag, tn); }
        ev_str(e, EF_IMAGE_NAME, buf, tag ? rn + 1 + tn : rn);
    }
    falco_field(e, EF_IMAGE_TAG, of, "container.image.tag");

    /* Falco's fd.cip is the client, fd.sip the server; ECS source is the
       side that initiated, so source = client in both directions. */
    falco_field(e, EF_TRANSPORT, of, "fd.l4proto");
    falco_field(e, EF_SRC_IP, of, "fd.cip");
    falco_field(e, EF_SRC_PORT, of, "fd.cport");
    falco_field(e, EF_DST_IP, of, "fd.sip");
    falco_field(e, EF_DST_PORT, of, "fd.sport");
    falco_field(e, EF_DST_DOMAIN, of, "fd.sip.name");   /* the server's name, when Falco resolved it */
    const char *fdname = jstr(fval(of, "fd.name"));
    bool sock = fdname && strstr(fdname, "->");
    if (sock) falco_fd_name(e, fdname);

    const char *et = jstr(fval(of, "evt.type"));
    if (!et) {
        /* older rule outputs omit evt.type: a socket is a connection, a
           record about a process alone is the spawn; a file could be a read */
        if (sock || fval(of, "fd.sip") || fval(of, "fd.cip")) {
            static const char *const t[] = {"connection"};
            ev_category(e, "network", t, 1);
            e->ev->kind = PK_NETWORK;
        } else if (!fdname && (fval(of, "proc.name") || fval(of, "proc.exepath") || fval(of, "proc.cmdline"))) {
            static const char *const t[] = {"start"};
            ev_category(e, "process", t, 1);
            e->ev->kind = PK_PROCESS;
        } else {
            set_err(err, cap, "cannot tell the event kind of a Falco record without evt.type: "
                              "add evt.type to the rule's output");
            return -1;
        }
    } else if (!strcmp(et, "execve") || !strcmp(et, "execveat")) {
        static const char *const t[] = {"start"};
        ev_category(e, "process", t, 1);
        e->ev->kind = PK_PROCESS;
    } else if (!strcmp(et, "connect") || !strcmp(et, "sendto") || !strcmp(et, "sendmsg") ||
               !strcmp(et, "accept") || !strcmp(et, "accept4")) {
        ev_lit(e, EF_DIRECTION, et[0] == 'a' ? "inbound" : "outbound");
        static const char *const t[] = {"connection", "start"};
        ev_category(e, "network", t, 2);
        e->ev->kind = PK_NETWORK;
    } else if (!strcmp(et, "open") || !strcmp(et, "openat") || !strcmp(et, "openat2") || !strcmp(et, "creat")) {
        bool created = !strcmp(et, "creat");
        int w = created ? 1 : falco_open_write(of, &created);
        if (w != 1) {
            set_err(err, cap, w == 0 ? "Falco %s event opens for reading only; palisade decides file writes"
                                     : "cannot tell whether Falco %s event writes: add evt.arg.flags or "
                                       "evt.is_open_write to the rule's output", et);
            return -1;
        }
        falco_field(e, EF_FILE_PATH, of, "fd.name");
        falco_field(e, EF_FILE_PATH, of, "fs.path.name");
        ev_lit(e, EF_ACTION, created ? "creation" : "modification");
        const char *t[] = {created ? "creation" : "change"};
        ev_category(e, "file", t, 1);
        e->ev->kind = PK_FILE;
    } else {
        set_err(err, cap, "Falco evt.type %s is not an event palisade decides (it maps execve, connect, "
                          "accept, sendto and open/openat/creat for writing)", show(q, et, strlen(et), false));
        return -1;
    }
    e->ev->windows = false;
    return e->d.fatal ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* the line                                                             */

/* Nesting depth of JSON text, scanned before cJSON recurses into it. */
static bool too_deep(const char *s, size_t n, size_t *where)
{
    unsigned depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\') i++;
            else if (c == '"') in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '[' || c == '{') {
            if (++depth > PAL_MAX_JSON_DEPTH) { *where = i; return true; }
        } else if ((c == ']' || c == '}') && depth) {
            depth--;
        }
    }
    return false;
}

static pal_input_format sniff(const cJSON *root)
{
    if (json_find(root, "winlog.event_id") || json_find(root, "winlog.channel") || item(root, "EventID"))
        return PAL_INPUT_SYSMON;
    if (cJSON_IsObject(item(root, "output_fields"))) return PAL_INPUT_FALCO;
    return PAL_INPUT_ECS;
}

static const char *json_type_noun(const cJSON *v)
{
    if (cJSON_IsArray(v)) return "an array";
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsBool(v)) return "a boolean";
    if (cJSON_IsNull(v)) return "null";
    return "a value";
}

int pal_event_decode(const char *line, size_t len, pal_input_format fmt,
                     const uint8_t *want, pal_arena *a, pal_event *ev,
                     char *err, size_t errcap)
{
    if (!err) errcap = 0;
    if (errcap) err[0] = 0;
    if (!ev) { set_err(err, errcap, "internal error: no event to decode into"); return -1; }
    memset(ev, 0, sizeof *ev);
    pthread_once(&ef_once, ef_init);
    const pal_schema *s = pal_schema_get(PS_EVENT);
    ev->rec.schema = s;
    if (!line || !a) { set_err(err, errcap, "internal error: no line or arena"); return -1; }
    if (s->nfields > DEC_MAX_FIELDS) {
        set_err(err, errcap, "internal error: the event schema has more than %u fields", DEC_MAX_FIELDS);
        return -1;
    }
    if ((unsigned)fmt > PAL_INPUT_FALCO) { set_err(err, errcap, "internal error: unknown input format %d", (int)fmt); return -1; }

    evctx e;
    memset(&e, 0, sizeof e);
    e.d.a = a;
    e.d.err = err;
    e.d.errcap = errcap;
    e.s = s;
    e.ev = ev;
    e.user_want = want;
    e.slots = dalloc(&e.d, s->nfields * sizeof *e.slots);
    if (!e.slots) return -1;
    ev->rec.slots = e.slots;            /* all undefined until decoded */

    if (len > PAL_MAX_EVENT_LINE) {
        set_err(err, errcap, "line is %zu bytes, over the limit of %u bytes (PAL_MAX_EVENT_LINE)",
                len, PAL_MAX_EVENT_LINE);
        return -1;
    }
    size_t off = 0;
    if (len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) off = 3;   /* BOM from Windows tools */
    while (len > off && is_ws(line[len - 1])) len--;
    while (off < len && is_ws(line[off])) off++;
    if (off == len) { set_err(err, errcap, "empty line: expected one JSON object"); return -1; }
    size_t where = 0;
    if (too_deep(line + off, len - off, &where)) {
        set_err(err, errcap, "line nests deeper than %u levels at byte %zu (PAL_MAX_JSON_DEPTH)",
                PAL_MAX_JSON_DEPTH, off + where + 1);
        return -1;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(line + off, len - off, &end, 0);
    if (!root) {
        size_t at = end && end >= line && end <= line + len ? (size_t)(end - line) : off;
        set_err(err, errcap, "line is not valid JSON at byte %zu", at + 1);
        return -1;
    }
    size_t rest = end ? (size_t)(end - line) : len;
    while (rest < len && is_ws(line[rest])) rest++;
    if (rest < len) {
        cJSON_Delete(root);
        set_err(err, errcap, "line holds more than one JSON value: extra text at byte %zu", rest + 1);
        return -1;
    }
    if (!cJSON_IsObject(root)) {
        set_err(err, errcap, "line is %s, not a JSON object: write one event object per line",
                json_type_noun(root));
        cJSON_Delete(root);
        return -1;
    }

    for (unsigned i = 0; i < s->nfields; i++)
        if (!want || bit_get(want, i)) bit_set(e.want, i);
    for (unsigned i = 0; i < sizeof ef_needed / sizeof ef_needed[0]; i++)
        if (ef_index[ef_needed[i]] >= 0) bit_set(e.want, (unsigned)ef_index[ef_needed[i]]);

    if (fmt == PAL_INPUT_AUTO) fmt = sniff(root);
    int rc;
    switch (fmt) {
    case PAL_INPUT_SYSMON: rc = decode_sysmon(&e, root); break;
    case PAL_INPUT_FALCO: rc = decode_falco(&e, root); break;
    default: rc = decode_ecs(&e, root); break;
    }
    cJSON_Delete(root);
    if (e.d.fatal) {
        ev->kind = 0;
        return -1;
    }
    finish_event(&e);
    if (e.d.fatal) return -1;
    return rc;
}

pal_input_format pal_input_format_from_name(const char *name)
{
    if (!name) return (pal_input_format)-1;
    if (str_eq_ci(name, "auto")) return PAL_INPUT_AUTO;
    if (str_eq_ci(name, "ecs")) return PAL_INPUT_ECS;
    if (str_eq_ci(name, "sysmon")) return PAL_INPUT_SYSMON;
    if (str_eq_ci(name, "falco")) return PAL_INPUT_FALCO;
    return (pal_input_format)-1;
}
