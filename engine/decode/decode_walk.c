/*
 * decode_walk.c — the schema-driven walker every source shares, and value
 * conversion (decode_int.h has the design).
 */
#include "engine/decode/decode_int.h"

#include <math.h>

const char *dec_find_sub(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    for (size_t i = 0; m <= n && i <= n - m; i++)
        if (memcmp(s + i, lit, m) == 0) return s + i;
    return NULL;
}


/* A printable rendition of untrusted text for a message: at most DEC_QUOTE
   bytes, control and non-ASCII bytes as \xNN, so a hostile value cannot
   forge lines or terminal escapes in a log.  `quotes` adds "...". */
const char *dec_show(char buf[QUOTE_BUF], const char *s, size_t n, bool quotes)
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
const char *dec_json_kind(const cJSON *v)
{
    dec_jv j = dec_jv_of(v);
    return dec_jv_kind(&j);
}

/* The member at a dotted path, whatever mix of nesting and flattened keys
   spells it (the walker's rule, for the few names outside a schema). */
const cJSON *dec_json_find(const cJSON *obj, const char *path)
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
            const cJSON *r = dec_json_find(m, path + i + 1);
            if (r) return r;
        }
    }
    return NULL;
}

/* The adapters' lookups, read the way the walk reads (see "duplicate
   keys" below): the first member with the key, noting a later one; or, in
   the last-wins reading, the last.  `where` is the object's JSON path, for
   the note. */
const cJSON *dec_item(dec *d, const cJSON *obj, const char *key, const char *where)
{
    if (d->check_lookups) dec_fast_check_lookup(d, where, key);
    if (!cJSON_IsObject(obj)) return NULL;
    const cJSON *found = NULL;
    for (const cJSON *m = obj->child; m; m = m->next) {
        if (!m->string || m->string[0] != key[0] || strcmp(m->string, key) != 0) continue;
        if (d->last_wins) { found = m; continue; }
        if (!found) { found = m; continue; }
        dec_note_dup(d, where, key, strlen(key));
        break;
    }
    return found;
}

/* dec_json_find, read the same way.  In the last-wins reading a member is
   shadowed by a later one with the same key, whether or not that one holds
   the path; in the first reading such a later member, or a later spelling
   of the path, is a duplicate. */
static const cJSON *find_in(dec *d, const cJSON *obj, const char *path, const char *full)
{
    if (!cJSON_IsObject(obj)) return NULL;
    size_t met[8], nmet = 0;       /* last-wins: lengths of the keys met at this level */
    const cJSON *found = NULL;
    size_t found_len = 0;
    for (const cJSON *m = dec_first_member(d, obj); m; m = dec_next_member(d, obj, m)) {
        const char *k = m->string;
        if (!k) continue;
        size_t i = 0;
        while (k[i] && k[i] == path[i]) i++;
        if (k[i] || (path[i] != 0 && !(path[i] == '.' && i > 0))) continue;
        if (d->last_wins) {
            bool shadowed = false;
            for (size_t j = 0; j < nmet; j++) shadowed |= met[j] == i;
            if (shadowed) continue;
            if (nmet < 8) met[nmet++] = i;
        } else if (found) {
            /* a later member: the same key, or another spelling that resolves */
            if (i == found_len || path[i] == 0 || find_in(d, m, path + i + 1, full))
                dec_note_dup(d, "", full, (size_t)(path - full) + i);
            break;
        }
        const cJSON *r = path[i] == 0 ? m : find_in(d, m, path + i + 1, full);
        if (!r) continue;
        if (d->last_wins) return r;
        found = r;
        found_len = i;
    }
    return found;
}

const cJSON *dec_find(dec *d, const cJSON *obj, const char *path)
{
    if (d->check_lookups) dec_fast_check_lookup(d, "", path);
    return find_in(d, obj, path, path);
}

/* Decimal integer filling the whole text.  0 ok, 1 not a number, 2 out of
   the int64 range. */
int dec_parse_int(const char *s, size_t n, int64_t *out)
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

void dec_bad_value(dec *d, const char *fmt, ...)
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

void dec_fatal(dec *d, const char *fmt, ...)
{
    if (d->fatal) return;
    d->fatal = true;
    if (!d->errcap) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->err, d->errcap, fmt, ap);
    va_end(ap);
}

static void alloc_failed(dec *d)
{
        if (d->a->cap)
            dec_fatal(d, "input too large: decoding it needs more than the %zu bytes of memory "
                     "allowed for one input", d->a->cap);
        else
            dec_fatal(d, "out of memory while decoding");
}

void *dec_alloc(dec *d, size_t n)
{
    void *p = pal_arena_alloc(d->a, n ? n : 1);
    if (!p) alloc_failed(d);
    return p;
}

void *dec_alloc_text(dec *d, size_t n)
{
    void *p = pal_arena_alloc_uninit(d->a, n ? n : 1);
    if (!p) alloc_failed(d);
    return p;
}

/* The path buffer grows as the walk descends and is cut back on return.
   Only keys that matched a schema path (or fixed adapter names) enter it. */
size_t dec_path_push(dec *d, const char *s, size_t n, bool dot)
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

size_t dec_path_push_index(dec *d, size_t i)
{
    char b[32];   /* "[%zu]", without printf: once per list element */
    size_t n = sizeof b;
    b[--n] = ']';
    do b[--n] = (char)('0' + i % 10); while (i /= 10);
    b[--n] = '[';
    return dec_path_push(d, b + n, sizeof b - n, false);
}

void dec_path_pop(dec *d, size_t old)
{
    d->plen = old;
    d->path[old] = 0;
}

/* ------------------------------------------------------------------ */
/* values                                                               */

/* Why a domain name (one trailing dot already dropped) is not a name a
   resolver would look up, into why[cap]; false when it is valid.  Every
   label is 1-63 bytes of letters, digits, '-' and '_' (SRV and DMARC
   names use '_'), the whole at most 253 bytes; the empty name is the
   root.  Such a name must never match an allow entry ("www.google.com.."
   is not in *.google.com), so the field is left undefined instead. */
static bool dns_name_invalid(const char *s, size_t n, char *why, size_t cap)
{
    if (n == 0) return false;
    if (n > 253) { snprintf(why, cap, "%zu bytes (at most 253)", n); return true; }
    size_t label = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            if (label == 0) { snprintf(why, cap, "empty label"); return true; }
            if (label > 63) { snprintf(why, cap, "label of %zu bytes (at most 63)", label); return true; }
            label = 0;
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) {
            if (c > 0x20 && c < 0x7f) snprintf(why, cap, "byte '%c' is not allowed (letters, digits, '-' and '_')", c);
            else if (c == ' ') snprintf(why, cap, "byte ' ' is not allowed (letters, digits, '-' and '_')");
            else snprintf(why, cap, "byte 0x%02x is not allowed (letters, digits, '-' and '_')", c);
            return true;
        }
        label++;
    }
    return false;
}

bool dec_str_value(dec *d, unsigned t, const char *s, size_t n, bool windows, pal_value *out)
{
    if (n > UINT32_MAX) { dec_bad_value(d, "string of %zu bytes is too long", n); return false; }
    if (t == PT_DNS) {
        size_t full = n;
        if (n && s[n - 1] == '.') n--;   /* "example.com." is example.com */
        char why[96], q[QUOTE_BUF];
        if (dns_name_invalid(s, n, why, sizeof why)) {
            dec_bad_value(d, "invalid DNS name %s: %s", dec_show(q, s, full, true), why);
            return false;
        }
    }
    char *p = dec_alloc_text(d, n + 1);
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
bool dec_ip_text(const char *s, size_t n, pal_value *out)
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

/* A cJSON node as the converters see it (decode_int.h, "dec_jv"). */
dec_jv dec_jv_of(const cJSON *v)
{
    dec_jv j = {DJ_NOTHING, NULL, 0, 0.0};
    if (!v) return j;
    if (cJSON_IsString(v)) {
        j.kind = DJ_STRING;
        j.s = v->valuestring;
        j.n = v->valuestring ? strlen(v->valuestring) : 0;
    } else if (cJSON_IsNumber(v)) {
        j.kind = DJ_NUMBER;
        j.num = v->valuedouble;
    } else if (cJSON_IsBool(v)) {
        j.kind = cJSON_IsTrue(v) ? DJ_TRUE : DJ_FALSE;
    } else if (cJSON_IsNull(v)) {
        j.kind = DJ_NULL;
    } else if (cJSON_IsArray(v)) {
        j.kind = DJ_ARRAY;
    } else if (cJSON_IsObject(v)) {
        j.kind = DJ_OBJECT;
    } else {
        j.kind = DJ_INVALID;
    }
    return j;
}

const char *dec_jv_kind(const dec_jv *v)
{
    switch (v->kind) {
    case DJ_NOTHING: return "nothing";
    case DJ_STRING: return "a string";
    case DJ_NUMBER: return "a number";
    case DJ_TRUE: return "true";
    case DJ_FALSE: return "false";
    case DJ_NULL: return "null";
    case DJ_ARRAY: return "an array";
    case DJ_OBJECT: return "an object";
    default: return "an invalid value";
    }
}

static bool int_value(dec *d, const dec_jv *v, bool is_port, pal_value *out)
{
    int64_t i = 0;
    char q[QUOTE_BUF];
    if (v->kind == DJ_NUMBER) {
        double x = v->num;
        if (!isfinite(x) || x != floor(x)) {
            dec_bad_value(d, "expected a whole number, got %g", x);
            return false;
        }
        /* JSON numbers arrive as doubles (cJSON's, or strtod's on the fast
           path): beyond 2^53 they are no longer exact, so larger values
           must come as strings, which we parse exactly. */
        if (fabs(x) >= 9007199254740992.0) {
            if (fabs(x) < 1e19)
                dec_bad_value(d, "%.0f is out of range (numbers from 2^53 up must be written as strings)", x);
            else
                dec_bad_value(d, "%g is out of range (numbers from 2^53 up must be written as strings)", x);
            return false;
        }
        i = (int64_t)x;
    } else if (v->kind == DJ_STRING && v->s) {
        int r = dec_parse_int(v->s, v->n, &i);
        if (r == 1) { dec_bad_value(d, "expected a number, got a string"); return false; }
        if (r == 2) { dec_bad_value(d, "%s is out of range", dec_show(q, v->s, v->n, true)); return false; }
    } else {
        dec_bad_value(d, "expected a number, got %s", dec_jv_kind(v));
        return false;
    }
    if (is_port && (i < 0 || i > 65535)) {
        dec_bad_value(d, "%lld is not a port number (0-65535)", (long long)i);
        return false;
    }
    *out = pal_int(i);
    return true;
}

bool dec_scalar_jv(dec *d, unsigned t, bool is_port, const dec_jv *v, bool windows, pal_value *out)
{
    char q[QUOTE_BUF];
    bool str = v->kind == DJ_STRING && v->s;
    switch (t) {
    case PT_STRING:
    case PT_PATH:
    case PT_DNS:
    case PT_VERSION:   /* the ecosystem is set when the record is complete (decode_record.c) */
        if (!str) {
            dec_bad_value(d, "expected a string, got %s", dec_jv_kind(v));
            return false;
        }
        return dec_str_value(d, t, v->s, v->n, windows, out);
    case PT_INT:
        return int_value(d, v, is_port, out);
    case PT_BOOL:
        if (v->kind == DJ_TRUE || v->kind == DJ_FALSE) { *out = pal_bool(v->kind == DJ_TRUE); return true; }
        if (str) {   /* Sysmon: "Initiated": "true" */
            if (eq_ci(v->s, v->n, "true")) { *out = pal_bool(true); return true; }
            if (eq_ci(v->s, v->n, "false")) { *out = pal_bool(false); return true; }
        }
        dec_bad_value(d, "expected true or false, got %s", dec_jv_kind(v));
        return false;
    case PT_IP:
        if (!str) {
            dec_bad_value(d, "expected an IP address, got %s", dec_jv_kind(v));
            return false;
        }
        if (!dec_ip_text(v->s, v->n, out)) {
            dec_bad_value(d, "expected an IP address, got %s", dec_show(q, v->s, v->n, true));
            return false;
        }
        return true;
    default:
        dec_bad_value(d, "a %s cannot be read from JSON", pal_ftype_name(t));
        return false;
    }
}

bool dec_scalar_value(dec *d, unsigned t, bool is_port, const cJSON *v, bool windows, pal_value *out)
{
    dec_jv j = dec_jv_of(v);
    return dec_scalar_jv(d, t, is_port, &j, windows, out);
}

/* ---- lists, in the three steps both readers take (decode_int.h) ---- */

static const pal_value empty_items[1];

bool dec_list_single(dec *d, unsigned elem, const dec_jv *v, bool windows, pal_value *out)
{
    if (v->kind == DJ_OBJECT) { dec_bad_value(d, "expected a list, got an object"); return false; }
    pal_value *it = dec_alloc(d, sizeof *it);        /* one scalar is a one-element list */
    if (!it || !dec_scalar_jv(d, elem, false, v, windows, it)) return false;
    dec_list_end(it, 1, out);
    return true;
}

pal_value *dec_list_begin(dec *d, size_t n, bool *ok)
{
    *ok = false;
    if (n > PAL_MAX_LIST_ITEMS) {
        dec_bad_value(d, "list has more than %u items (PAL_MAX_LIST_ITEMS)", PAL_MAX_LIST_ITEMS);
        return NULL;
    }
    pal_value *items = n ? dec_alloc(d, n * sizeof *items) : NULL;
    *ok = !n || items;
    return items;
}

bool dec_list_item(dec *d, unsigned elem, size_t i, const dec_jv *v, bool windows, pal_value *items)
{
    size_t old = dec_path_push_index(d, i);
    bool ok = dec_scalar_jv(d, elem, false, v, windows, &items[i]);
    dec_path_pop(d, old);
    return ok;
}

void dec_list_end(pal_value *items, size_t n, pal_value *out)
{
    pal_value lv = pal_undef();
    lv.tag = PV_LIST;
    lv.len = (uint32_t)n;
    lv.u.items = n ? items : empty_items;
    *out = lv;
}

static bool list_value(dec *d, unsigned elem, const cJSON *v, bool windows, pal_value *out)
{
    if (!cJSON_IsArray(v)) {
        dec_jv j = dec_jv_of(v);
        return dec_list_single(d, elem, &j, windows, out);
    }
    size_t n = 0;
    for (const cJSON *c = v->child; c && n <= PAL_MAX_LIST_ITEMS; c = c->next) n++;
    bool ok;
    pal_value *items = dec_list_begin(d, n, &ok);
    if (!ok) return false;
    size_t i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        dec_jv j = dec_jv_of(c);
        if (!dec_list_item(d, elem, i, &j, windows, items)) return false;
    }
    dec_list_end(items, n, out);
    return true;
}

bool dec_is_port_field(const pal_field *f)
{
    size_t n = strlen(f->name);
    return n >= 4 && strcmp(f->name + n - 4, "port") == 0 && (n == 4 || f->name[n - 5] == '.');
}

/* Converts v to field f's type into *out; *out is untouched on failure. */
bool dec_convert_field(dec *d, const pal_field *f, const cJSON *v, bool windows, unsigned depth,
                          pal_value *out)
{
    pal_value tmp = pal_undef();
    bool ok;
    switch (f->type) {
    case PT_LIST: ok = list_value(d, f->elem, v, windows, &tmp); break;
    case PT_RECORDS: ok = dec_records_value(d, f->elem, v, windows, depth + 1, &tmp); break;
    default: ok = dec_scalar_value(d, f->type, dec_is_port_field(f), v, windows, &tmp); break;
    }
    if (ok) *out = tmp;
    return ok;
}

/* ---- duplicate keys ----

   A field given twice (the same key twice in one object, or one field
   spelled nested and flattened) is read two ways, because JSON parsers
   disagree on it and a policy must not be bypassed in the gap: the first
   reading keeps the first non-null spelling of every field and merges
   objects given twice (what this walk always did); the second
   (d->last_wins) reads like a parser that keeps the last member of a key
   and, across spellings, the last in document order, null included.  The
   first reading notes the first key that makes them differ in d->dup; the
   caller then runs the second.  Only keys the decoder reads are compared
   (a key that matches a schema path, or one an adapter looks up), so the
   cost stays linear: a key met again is found among the keys met at its
   own level, which are at most a few per field.  Inventories
   (pal_record_from_json) are read once, the first way: the note is not
   looked at there, and a test's inline keys override a from_file inventory
   by coming first. */

void dec_note_dup(dec *d, const char *where, const char *key, size_t klen)
{
    if (d->last_wins || d->dup[0]) return;
    size_t o = 0, cap = sizeof d->dup - 1, wn = strlen(where);
    if (wn > cap) wn = cap;
    memcpy(d->dup, where, wn);
    o = wn;
    if (wn && o < cap) d->dup[o++] = '.';
    if (klen > cap - o) klen = cap - o;
    memcpy(d->dup + o, key, klen);
    d->dup[o + klen] = 0;
}

static void take_field(dec *d, rec_ctx *r, unsigned i, const cJSON *v, const char *key, size_t klen)
{
    if (d->last_wins) {
        /* members come last first: the first met is the last spelling */
        if (bit_get(r->met, i)) return;
        bit_set(r->met, i);
        if (cJSON_IsNull(v)) return;
    } else if (bit_get(r->seen, i)) {
        /* a spelling after the value taken: the readings differ */
        dec_note_dup(d, d->path, key, klen);
        return;
    } else if (cJSON_IsNull(v)) {
        return;   /* null = absent; a later value is taken */
    }
    bit_set(r->seen, i);
    if (r->want && !bit_get(r->want, i)) return;
    size_t old = dec_path_push(d, key, klen, true);
    dec_convert_field(d, &r->s->fields[i], v, r->windows, r->depth, dec_slot_claim(r->slots, r->written, i));
    dec_path_pop(d, old);
}

/* Keys met at one level, by what identifies a key there: the first
   candidate it matched and its length (equal keys match the same
   candidates).  Bounded by the distinct keys a schema can match. */
#define DEC_LEVEL_KEYS (DEC_MAX_FIELDS * 4u)
typedef struct level_keys { unsigned n; struct { uint16_t cand, len; } k[DEC_LEVEL_KEYS]; } level_keys;

/* true when the key was met before at this level (and records it if not) */
static bool level_met(level_keys *lk, uint16_t cand, size_t len)
{
    for (unsigned i = 0; i < lk->n; i++)
        if (lk->k[i].cand == cand && lk->k[i].len == len) return true;
    if (lk->n < DEC_LEVEL_KEYS) {
        lk->k[lk->n].cand = cand;
        lk->k[lk->n].len = (uint16_t)len;
        lk->n++;
    }
    return false;
}

/* `done` bytes of every candidate's JSON path are matched by the objects
   above `obj`; each member key is compared with the rest. */
static void walk(dec *d, rec_ctx *r, const cJSON *obj, size_t done, const uint16_t *cand, unsigned ncand)
{
    uint16_t sub[DEC_MAX_FIELDS];
    level_keys lk;
    lk.n = 0;
    for (const cJSON *m = dec_first_member(d, obj); m && !dec_done(d); m = dec_next_member(d, obj, m)) {
        const char *k = m->string;
        if (!k) continue;
        unsigned nsub = 0, first = ncand;
        size_t klen = 0;
        for (unsigned c = 0; c < ncand; c++) {
            const char *rest = pal_field_json(&r->s->fields[cand[c]]) + done;
            size_t i = 0;
            while (k[i] && k[i] == rest[i]) i++;
            if (k[i]) continue;                 /* differs, or runs past the path */
            if (rest[i] != 0 && !(rest[i] == '.' && i > 0)) continue;
            klen = i;
            if (first == ncand) {
                first = c;
                /* a group key (process, not process.name: take_field sees
                   those) again in this object */
                if (rest[i] == '.' && (d->last_wins || !d->dup[0]) && level_met(&lk, cand[c], i)) {
                    if (d->last_wins) break;            /* shadowed by the later member */
                    dec_note_dup(d, d->path, k, i);
                }
            }
            if (rest[i] == 0) take_field(d, r, cand[c], m, k, i);
            else if (cJSON_IsObject(m)) sub[nsub++] = cand[c];
        }
        if (nsub) {
            size_t old = dec_path_push(d, k, klen, true);
            walk(d, r, m, done + klen + 1, sub, nsub);
            dec_path_pop(d, old);
        }
    }
}

void dec_walk_record(dec *d, rec_ctx *r, const cJSON *obj)
{
    uint16_t all[DEC_MAX_FIELDS];
    for (unsigned i = 0; i < r->s->nfields; i++) all[i] = (uint16_t)i;
    walk(d, r, obj, 0, all, r->s->nfields);
}
