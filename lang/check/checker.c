/*
 * checker.c — names and types.
 *
 * Design. Every name in a policy is resolved here, in this order: a
 * quantifier variable (innermost first), a field of such a variable
 * (`f.md5`), a list or macro of the rule's own package, one of an imported
 * package (`windows.shells`), and finally a field of the input schema the
 * rule runs on (events for rules, the image inventory for checks).  A name
 * that resolves to nothing is an error with the nearest known name as a
 * hint, never a silent undefined at run time.
 *
 * Types are checked against engine/core/schema.c; a comparison of a path with
 * an int, `like` with a non-string pattern, a regex that does not compile,
 * a malformed CIDR — each has its own code.  T_ERROR marks a subtree that
 * was already reported, so one mistake gives one diagnostic.
 *
 * Macros are checked where they are used (their fields resolve against the
 * using rule's schema); diagnostics are deduplicated by place, so a broken
 * macro used ten times is reported once.  The checker annotates nodes in
 * place; the generator re-runs it on each rule just before emitting, so the
 * annotations of a shared macro always belong to the rule being generated.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "lang/check/check.h"
#include "lang/check/encode.h"
#include "engine/core/match.h"
#include "engine/core/version.h"

static pal_type T(int kind) { pal_type t = {(uint8_t)kind, 0, 0}; return t; }
static pal_type TL(int elem) { pal_type t = {T_LIST, (uint8_t)elem, 0}; return t; }

bool pal_is_strlike(int k) { return k == T_STRING || k == T_PATH || k == T_DNS; }

static int tkind_of_ftype(int ft)
{
    switch (ft) {
    case PT_BOOL: return T_BOOL;
    case PT_INT: return T_INT;
    case PT_STRING: return T_STRING;
    case PT_PATH: return T_PATH;
    case PT_DNS: return T_DNS;
    case PT_IP: return T_IP;
    case PT_LIST: return T_LIST;
    case PT_RECORDS: return T_RECORDS;
    case PT_VERSION: return T_VERSION;
    default: return T_ERROR;
    }
}

pal_type pal_type_of_field(const pal_field *f)
{
    pal_type t = T(tkind_of_ftype(f->type));
    if (f->type == PT_LIST) t.elem = (uint8_t)tkind_of_ftype(f->elem);
    if (f->type == PT_RECORDS) t.schema = f->elem;
    if (f->type == PT_VERSION) t.elem = f->elem;
    return t;
}

const char *pal_type_name(pal_type t)
{
    static char buf[4][64];
    static int next;
    static const char *names[] = {"error", "bool", "int", "string", "path", "domain", "ip",
                                  "CIDR", "range", "list", "collection", "record", "version"};
    char *b = buf[next++ & 3];
    if (t.kind == T_LIST)
        snprintf(b, 64, "list of %s", t.elem < 13 ? names[t.elem] : "?");
    else if (t.kind == T_RECORDS || t.kind == T_RECORD)
        snprintf(b, 64, "%s of %s", t.kind == T_RECORDS ? "collection" : "record",
                 pal_schema_get(t.schema) ? pal_schema_get(t.schema)->name : "?");
    else
        snprintf(b, 64, "%s", t.kind < 13 ? names[t.kind] : "?");
    return b;
}

/* "an int", "a string" */
const char *pal_type_article(pal_type t)
{
    static char buf[4][80];
    static int next;
    const char *name = pal_type_name(t);
    char *b = buf[next++ & 3];
    snprintf(b, 80, "%s %s", strchr("aeiou", name[0]) ? "an" : "a", name);
    return b;
}

/* ---- diagnostics ---- */

static bool first_report(pal_cc *cc, const char *code, pal_loc loc)
{
    char key[64];
    int n = snprintf(key, sizeof key, "%s:%u:%u:%u", code, loc.file, loc.begin, loc.end);
    if (pal_strmap_get(&cc->seen_diags, key, (size_t)n)) return false;
    char *k = pal_arena_strndup(&cc->arena, key, (size_t)n);
    if (k) pal_strmap_put(&cc->arena, &cc->seen_diags, k, (size_t)n, (void *)1);
    return true;
}

void pal_cc_error(pal_cc *cc, const char *code, pal_loc loc, const char *hint, const char *fmt, ...)
{
    cc->gen_failed = true;
    if (!first_report(cc, code, loc)) return;
    va_list ap;
    va_start(ap, fmt);
    pal_diag_vreport(&cc->diags, PAL_DIAG_ERROR, code, loc, hint, fmt, ap);
    va_end(ap);
}

void pal_cc_warn(pal_cc *cc, const char *code, pal_loc loc, const char *hint, const char *fmt, ...)
{
    if (!first_report(cc, code, loc)) return;
    va_list ap;
    va_start(ap, fmt);
    pal_diag_vreport(&cc->diags, PAL_DIAG_WARNING, code, loc, hint, fmt, ap);
    va_end(ap);
}

/* ---- scopes ---- */

void pal_rule_context(pal_cc *cc, pal_decl *d, int root, unsigned kinds)
{
    cc->cur = d;
    cc->curfile = d ? d->file : NULL;
    cc->root = root;
    cc->kinds = kinds;
    cc->infer_kinds = false;
    cc->inferred = PK_ALL;
    cc->nscope = 0;
    cc->nlocals = 0;
    cc->depth = 0;
    cc->depth_reported = false;
}

int pal_scope_push(pal_cc *cc, const char *name, uint32_t len, pal_type t, pal_loc loc)
{
    if (cc->nlocals + 3 > (int)PAL_MAX_LOCALS || cc->nscope >= (int)PAL_MAX_LOCALS) {
        pal_cc_error(cc, "PAL0502", loc, "split the condition into separate rules",
                 "quantifiers nested too deeply (at most %u locals per rule)", PAL_MAX_LOCALS);
        return -1;
    }
    int base = cc->nlocals;
    cc->nlocals += 3;
    pal_scope_var *v = &cc->scope[cc->nscope++];
    v->name = name;
    v->len = len;
    v->local = base;
    v->type = t;
    return base;
}

void pal_scope_pop(pal_cc *cc)
{
    if (cc->nscope > 0) cc->nscope--;
    /* locals are not reused: a rule's nlocals is the total it needs, which
       keeps emitted witnesses (EMIT copies all locals) unambiguous */
}

/* ---- packages and lookups ---- */

const char *pal_package_of(pal_cc *cc, pal_file *f)
{
    if (f->package) return f->package;
    /* the directory of the file, with '/' as '.' ("" at the root) */
    const char *path = f->src->path;
    const char *slash = strrchr(path, '/');
    if (!slash) return "";
    size_t n = (size_t)(slash - path);
    char *pkg = pal_arena_strndup(&cc->arena, path, n);
    if (!pkg) return "";
    for (char *c = pkg; *c; c++) if (*c == '/') *c = '.';
    f->package = pkg;
    return pkg;
}

static pal_decl *lookup_named(pal_cc *cc, const char *pkg, const char *name, size_t len)
{
    char key[PAL_MAX_IDENT_BYTES * 2 + 8];
    int n = snprintf(key, sizeof key, "%s\x1f%.*s", pkg, (int)len, name);
    if (n < 0 || (size_t)n >= sizeof key) return NULL;
    return pal_strmap_get(&cc->names, key, (size_t)n);
}

/* The field of s nearest to name (fewer than 4 edits: field names are long
   and dotted), or NULL. */
const char *pal_nearest_field(const pal_schema *s, const char *name, size_t len)
{
    const char *best = NULL;
    unsigned bd = 4;
    for (unsigned i = 0; i < s->nfields; i++) {
        unsigned d = pal_edit_distance(name, len, s->fields[i].name, strlen(s->fields[i].name));
        if (d < bd) { bd = d; best = s->fields[i].name; }
    }
    return best;
}

/* The list (or, unless lists_only, macro) of package pkg nearest to name,
   for a "did you mean" hint; NULL when none is a near miss.  Ties go to the
   name first in byte order, so the hint does not depend on hashing. */
static const char *nearest_name(pal_cc *cc, const char *pkg, const char *name, size_t len, bool lists_only)
{
    size_t plen = strlen(pkg);
    const char *best = NULL;
    unsigned bd = 99;
    for (uint32_t b = 0; b < cc->names.nbuckets; b++)
        for (const pal_strmap_entry *e = cc->names.buckets[b]; e; e = e->next) {
            const pal_decl *d = e->value;
            if (e->len <= plen || memcmp(e->key, pkg, plen) || e->key[plen] != '\x1f') continue;
            if (lists_only && d->kind != D_LIST) continue;
            const char *cand = e->key + plen + 1;
            size_t cn = e->len - plen - 1;
            if (!pal_near_miss(name, len, cand, cn)) continue;
            unsigned dist = pal_edit_distance(name, len, cand, cn);
            if (dist < bd || (dist == bd && strcmp(d->name, best) < 0)) { bd = dist; best = d->name; }
        }
    return best;
}

/* PAL0303 for an unknown plain name: the nearest list or macro of the
   file's package as the hint when there is one, else `fallback`. */
static void unknown_name(pal_cc *cc, pal_node *n, bool lists_only, const char *fallback)
{
    const char *near = cc->curfile ? nearest_name(cc, pal_package_of(cc, cc->curfile), n->text, n->len, lists_only)
                                   : NULL;
    char hint[PAL_MAX_IDENT_BYTES + 32];
    if (near) snprintf(hint, sizeof hint, "did you mean '%s'?", near);
    pal_cc_error(cc, "PAL0303", n->loc, near ? hint : fallback, "unknown %s '%.*s'",
             lists_only ? "list" : "list or macro", (int)n->len, n->text);
}

static void unknown_field(pal_cc *cc, pal_node *n, const pal_schema *s, const char *what)
{
    const char *near = pal_nearest_field(s, n->text, n->len);
    char hint[256];
    if (near) snprintf(hint, sizeof hint, "did you mean '%s'?", near);
    else snprintf(hint, sizeof hint, "lang/SPEC.md lists the fields of %s", s->name);
    pal_cc_error(cc, "PAL0301", n->loc, hint, "unknown %s '%.*s'", what, (int)n->len, n->text);
}

static pal_type check_macro_use(pal_cc *cc, pal_node *n, pal_decl *d);

static pal_type resolve_name(pal_cc *cc, pal_node *n)
{
    const char *dot = memchr(n->text, '.', n->len);
    size_t seg0 = dot ? (size_t)(dot - n->text) : n->len;

    /* 1. quantifier variables, innermost first */
    for (int i = cc->nscope - 1; i >= 0; i--) {
        pal_scope_var *v = &cc->scope[i];
        if (v->len != seg0 || memcmp(v->name, n->text, seg0) != 0) continue;
        if (!dot) {
            n->ref = REF_VAR;
            n->local = v->local;
            return v->type;
        }
        if (v->type.kind != T_RECORD) {
            pal_cc_error(cc, "PAL0301", n->loc, NULL, "'%.*s' is %s and has no fields",
                     (int)seg0, n->text, pal_type_article(v->type));
            return T(T_ERROR);
        }
        const pal_schema *s = pal_schema_get(v->type.schema);
        int f = pal_schema_find(s, dot + 1, n->len - seg0 - 1);
        if (f < 0) {
            pal_node sub = *n;
            sub.text = dot + 1;
            sub.len = n->len - (uint32_t)seg0 - 1;
            unknown_field(cc, &sub, s, s->name);
            /* report at the whole name */
            return T(T_ERROR);
        }
        n->ref = REF_VAR_FIELD;
        n->local = v->local;
        n->field = f;
        return pal_type_of_field(&s->fields[f]);
    }

    /* 2. lists and macros: own package, then imports */
    pal_decl *d = NULL;
    if (cc->curfile) {
        if (!dot) {
            d = lookup_named(cc, pal_package_of(cc, cc->curfile), n->text, n->len);
        } else {
            for (pal_import *im = cc->curfile->imports; im && !d; im = im->next)
                if (im->target && strlen(im->alias) == seg0 && !memcmp(im->alias, n->text, seg0))
                    d = lookup_named(cc, pal_package_of(cc, im->target), dot + 1, n->len - seg0 - 1);
        }
    }
    if (d) {
        n->target = d;
        if (d->kind == D_LIST) {
            n->ref = REF_LIST;
            pal_cvals cv = {0};
            if (!pal_const_list(cc, d->expr, &cv)) return T(T_ERROR);
            int elem = pal_cvals_elem(&cv);
            free(cv.v);
            return TL(elem);
        }
        n->ref = REF_MACRO;
        return check_macro_use(cc, n, d);
    }

    /* 3. fields of the rule's input */
    const pal_schema *s = pal_schema_get((unsigned)cc->root);
    int f = pal_schema_find(s, n->text, n->len);
    if (f >= 0) {
        const pal_field *fd = &s->fields[f];
        n->ref = REF_FIELD;
        n->field = f;
        if (cc->root == PS_EVENT && fd->kinds != PK_ALL) {
            if (cc->infer_kinds) {
                cc->inferred &= fd->kinds;
                if (!cc->inferred)
                    pal_cc_error(cc, "PAL0302", n->loc, "split the rule: one per event kind",
                             "'%.*s' is not carried by the same kind of event as the other fields of this rule",
                             (int)n->len, n->text);
            } else if (!(fd->kinds & cc->kinds)) {
                char hint[128];
                snprintf(hint, sizeof hint, "'%.*s' is in %s events", (int)n->len, n->text,
                         pal_kind_name(fd->kinds & -fd->kinds));   /* its first kind */
                pal_cc_error(cc, "PAL0302", n->loc, hint, "'%.*s' is never set in the events this rule runs on",
                         (int)n->len, n->text);
                return T(T_ERROR);
            }
        }
        return pal_type_of_field(fd);
    }
    if (cc->root == PS_IMAGE && pal_schema_find(pal_schema_get(PS_EVENT), n->text, n->len) >= 0) {
        pal_cc_error(cc, "PAL0302", n->loc, "event fields are for `rule` and `runtime`; checks read image.*",
                 "'%.*s' is an event field, and checks run on an image inventory", (int)n->len, n->text);
        return T(T_ERROR);
    }
    if (cc->root == PS_EVENT && pal_schema_find(pal_schema_get(PS_IMAGE), n->text, n->len) >= 0) {
        pal_cc_error(cc, "PAL0302", n->loc, "image fields are for `check`",
                 "'%.*s' is an image inventory field, and this rule runs on events", (int)n->len, n->text);
        return T(T_ERROR);
    }
    if (!dot) {
        unknown_name(cc, n, false, "declare it with `list` or `macro`, or import its package");
        return T(T_ERROR);
    }
    unknown_field(cc, n, s, "field");
    return T(T_ERROR);
}

static pal_type check_macro_use(pal_cc *cc, pal_node *n, pal_decl *d)
{
    if (d->visiting) {
        pal_cc_error(cc, "PAL0306", n->loc, "a macro may not use itself, directly or through others",
                 "macro '%s' refers to itself", d->name);
        return T(T_ERROR);
    }
    /* a macro sees its own file's names, and no quantifier variables */
    pal_file *saved_file = cc->curfile;
    pal_scope_var saved[PAL_MAX_LOCALS];
    int saved_n = cc->nscope;
    memcpy(saved, cc->scope, sizeof(pal_scope_var) * (size_t)saved_n);
    cc->nscope = 0;
    cc->curfile = d->file;
    d->visiting = 1;
    pal_type t = pal_check_expr(cc, d->expr);
    d->visiting = 0;
    cc->curfile = saved_file;
    memcpy(cc->scope, saved, sizeof(pal_scope_var) * (size_t)saved_n);
    cc->nscope = saved_n;
    return t;
}

/* ---- constant lists ---- */

static bool cv_push(pal_cvals *out, pal_cval v)
{
    if (out->n == out->cap) {
        uint32_t cap = out->cap ? out->cap * 2 : 16;
        if (cap > PAL_MAX_LIST_ITEMS * 2u) return false;
        pal_cval *nv = realloc(out->v, cap * sizeof *nv);
        if (!nv) return false;
        out->v = nv;
        out->cap = cap;
    }
    out->v[out->n++] = v;
    return true;
}

pal_cvals *pal_load_feed(pal_cc *cc, pal_node *call, const char *name, uint32_t len);

static bool const_list_rec(pal_cc *cc, pal_node *n, pal_cvals *out, int depth);

/* One string an encoding gave, copied into the compiler's arena. */
typedef struct encode_out { pal_cc *cc; pal_cvals *out; pal_loc loc; bool toolong; } encode_out;

static bool encode_emit(void *ctx, const char *s, size_t len)
{
    encode_out *e = ctx;
    pal_cval v;
    memset(&v, 0, sizeof v);
    v.kind = CV_STR;
    v.loc = e->loc;
    v.s = pal_arena_strndup(&e->cc->arena, s, len);
    v.len = (uint32_t)len;
    if (!v.s) return false;
    if (!cv_push(e->out, v)) { e->toolong = true; return false; }
    return true;
}

/* windash("-enc"), base64offset(utf16le("IEX")), ...: the argument is a
   constant string or list, each of its strings encoded in turn. */
static bool encode_call(pal_cc *cc, pal_node *n, pal_cvals *out, int depth)
{
    int enc = pal_encoding_find(n->text, n->len);
    if (n->nitems != 1) {
        pal_cc_error(cc, "PAL0310", n->loc, "write e.g. base64offset(\"IEX\")", "%s() takes one argument: a constant string or list",
                     pal_encoding_name(enc));
        return false;
    }
    pal_cvals arg = {0};
    if (!const_list_rec(cc, n->items[0], &arg, depth + 1)) { free(arg.v); return false; }
    encode_out e = {cc, out, n->loc, false};
    for (uint32_t i = 0; i < arg.n; i++) {
        if (arg.v[i].kind != CV_STR) {
            pal_cc_error(cc, "PAL0401", arg.v[i].loc, NULL, "%s() encodes strings, not numbers or addresses",
                         pal_encoding_name(enc));
            free(arg.v);
            return false;
        }
        e.loc = arg.v[i].loc;
        const char *err = pal_encode(enc, arg.v[i].s, arg.v[i].len, encode_emit, &e);
        if (err && !e.toolong) {
            pal_cc_error(cc, "PAL0413", n->loc, NULL, "%s(): %s", pal_encoding_name(enc), err);
            free(arg.v);
            return false;
        }
        if (e.toolong) {
            free(arg.v);
            pal_cc_error(cc, "PAL0502", n->loc, NULL, "list longer than %u items", PAL_MAX_LIST_ITEMS);
            return false;
        }
    }
    free(arg.v);
    return true;
}

static bool const_list_rec(pal_cc *cc, pal_node *n, pal_cvals *out, int depth)
{
    if (depth > 32) {
        pal_cc_error(cc, "PAL0306", n->loc, NULL, "lists refer to each other too deeply (a cycle?)");
        return false;
    }
    pal_cval v;
    memset(&v, 0, sizeof v);
    v.loc = n->loc;
    switch (n->kind) {
    case N_LIST:
        for (uint32_t i = 0; i < n->nitems; i++)
            if (!const_list_rec(cc, n->items[i], out, depth + 1)) return false;
        return true;
    case N_STR:
        v.kind = CV_STR; v.s = n->text; v.len = n->len;
        break;
    case N_INT:
        v.kind = CV_INT; v.lo = v.hi = n->i;
        break;
    case N_NEG:
        if (n->a && n->a->kind == N_INT) { v.kind = CV_INT; v.lo = v.hi = -n->a->i; break; }
        goto notconst;
    case N_RANGE:
        v.kind = CV_RANGE; v.lo = n->i; v.hi = n->i2;
        break;
    case N_IP:
        v.kind = CV_IP; memcpy(v.ip, n->ip, 16); v.prefix = n->prefix; v.v6 = n->v6;
        break;
    case N_NAME: {
        const char *dot = memchr(n->text, '.', n->len);
        size_t seg0 = dot ? (size_t)(dot - n->text) : n->len;
        pal_decl *d = NULL;
        pal_file *f = cc->curfile;
        if (f && !dot) d = lookup_named(cc, pal_package_of(cc, f), n->text, n->len);
        for (pal_import *im = f ? f->imports : NULL; im && !d && dot; im = im->next)
            if (im->target && strlen(im->alias) == seg0 && !memcmp(im->alias, n->text, seg0))
                d = lookup_named(cc, pal_package_of(cc, im->target), dot + 1, n->len - seg0 - 1);
        if (d && d->kind == D_LIST) {
            if (d->visiting) {
                pal_cc_error(cc, "PAL0306", n->loc, NULL, "list '%s' contains itself", d->name);
                return false;
            }
            pal_file *saved = cc->curfile;
            cc->curfile = d->file;
            d->visiting = 1;
            bool ok = const_list_rec(cc, d->expr, out, depth + 1);
            d->visiting = 0;
            cc->curfile = saved;
            return ok;
        }
        if (!d && !dot) {
            unknown_name(cc, n, true, "declare it with `list`");
            return false;
        }
        goto notconst;
    }
    case N_CALL:
        if (n->len == 4 && !memcmp(n->text, "feed", 4)) {
            if (n->nitems != 1 || n->items[0]->kind != N_STR) {
                pal_cc_error(cc, "PAL0310", n->loc, "write feed(\"malware.md5\")", "feed() takes one string: the feed's file name");
                return false;
            }
            pal_cvals *fv = pal_load_feed(cc, n, n->items[0]->text, n->items[0]->len);
            if (!fv) return false;
            for (uint32_t i = 0; i < fv->n; i++)
                if (!cv_push(out, fv->v[i])) goto toolong;
            return true;
        }
        if (pal_encoding_find(n->text, n->len)) return encode_call(cc, n, out, depth);
        goto notconst;
    default:
    notconst:
        pal_cc_error(cc, "PAL0413", n->loc, "lists hold strings, numbers, ranges, IPs, list names and feed(...)",
                 "list items must be constants");
        return false;
    }
    if (!cv_push(out, v)) goto toolong;
    return true;
toolong:
    pal_cc_error(cc, "PAL0502", n->loc, NULL, "list longer than %u items", PAL_MAX_LIST_ITEMS);
    return false;
}

/* On failure out holds nothing (its items are freed and out->v is NULL), so
   no caller has to remember a free on its error path; a caller that frees
   anyway frees NULL.  Some did not, once per refused compile (PAL0412). */
static bool const_list_fail(pal_cvals *out)
{
    free(out->v);
    out->v = NULL;
    out->n = out->cap = 0;
    out->ok = false;
    return false;
}

bool pal_const_list(pal_cc *cc, pal_node *n, pal_cvals *out)
{
    out->n = 0;
    out->ok = const_list_rec(cc, n, out, 0);
    if (!out->ok) return const_list_fail(out);
    /* one kind of item per list: strings, numbers/ranges, or addresses */
    for (uint32_t i = 1; i < out->n; i++) {
        int a = out->v[0].kind, b = out->v[i].kind;
        bool num_a = a == CV_INT || a == CV_RANGE, num_b = b == CV_INT || b == CV_RANGE;
        /* addresses may be written as IP literals or as strings ("fd00::/8") */
        bool addr = (a == CV_IP && b == CV_STR) || (a == CV_STR && b == CV_IP);
        if (a != b && !(num_a && num_b) && !addr) {
            pal_cc_error(cc, "PAL0412", out->v[i].loc, "keep strings, numbers and addresses in separate lists",
                     "this list mixes %s and %s", a == CV_STR ? "strings" : num_a ? "numbers" : "addresses",
                     b == CV_STR ? "strings" : num_b ? "numbers" : "addresses");
            return const_list_fail(out);
        }
    }
    return true;
}

/* The element type of a flattened constant list. */
int pal_cvals_elem(const pal_cvals *cv)
{
    int elem = T_STRING;
    for (uint32_t i = 0; i < cv->n; i++) {
        if (cv->v[i].kind == CV_IP) return T_IP;
        if (cv->v[i].kind == CV_INT || cv->v[i].kind == CV_RANGE) elem = T_INT;
    }
    return elem;
}

/* Is n a constant list (so `in` can compile it to a set)? Quietly. */
static bool is_const_list_node(pal_cc *cc, pal_node *n)
{
    if (n->kind == N_LIST) {
        for (uint32_t i = 0; i < n->nitems; i++) {
            pal_node *x = n->items[i];
            if (x->kind == N_STR || x->kind == N_INT || x->kind == N_RANGE || x->kind == N_IP) continue;
            if (x->kind == N_NEG && x->a && x->a->kind == N_INT) continue;
            if (!is_const_list_node(cc, x)) return false;
        }
        return true;
    }
    if (n->kind == N_CALL && n->len == 4 && !memcmp(n->text, "feed", 4)) return true;
    if (n->kind == N_CALL && pal_encoding_find(n->text, n->len)) return true;
    if (n->kind == N_NAME) {
        /* a list name (not shadowed by a quantifier variable) */
        for (int i = cc->nscope - 1; i >= 0; i--)
            if (cc->scope[i].len == n->len && !memcmp(cc->scope[i].name, n->text, n->len)) return false;
        pal_type t = resolve_name(cc, n);
        return t.kind != T_ERROR && n->ref == REF_LIST;
    }
    return false;
}

/* ---- expressions ---- */

static bool is_cidr(pal_node *n)
{
    return n->kind == N_IP && n->has_prefix;
}

/* A string constant where an IP is expected: parse it in place. */
static bool coerce_ip(pal_cc *cc, pal_node *n)
{
    if (n->kind != N_STR) return false;
    uint8_t ip[16]; bool v6; unsigned prefix; const char *err = NULL;
    if (!pal_cidr_parse(n->text, n->len, ip, &v6, &prefix, &err)) {
        pal_cc_error(cc, "PAL0407", n->loc, err, "'%.*s' is not an IP address or CIDR", (int)n->len, n->text);
        return false;
    }
    n->kind = N_IP;
    memcpy(n->ip, ip, 16);
    n->v6 = v6;
    n->prefix = (uint8_t)prefix;
    n->has_prefix = (v6 && prefix < 128) || (!v6 && prefix < 32) || memchr(n->text, '/', n->len);
    n->type = T(T_IP);
    return true;
}

/* A string constant compared with a domain name loses one trailing dot,
   as the decoders drop it from the names they read. */
static void domain_constant(pal_type t, pal_node *other)
{
    if (t.kind == T_DNS && other->kind == N_STR && other->len > 1 && other->text[other->len - 1] == '.')
        other->len--;
}

/* Versions.  A version field (p.version) orders by its ecosystem's rules
   at run time; a string constant compared with one becomes a version
   constant, checked here: against the field's ecosystem when the schema
   fixes one (image.os_version is a Windows build), else it must be a
   version in at least one ecosystem (the package's is known only at run
   time).  Comparing a version with a string that is not a constant would
   order it as text, which is what the type exists to prevent (PAL0414). */
static bool version_text_ok(pal_cc *cc, pal_type vt, const char *s, uint32_t len, pal_loc loc)
{
    const char *why = NULL;
    if (vt.elem) {
        why = pal_ver_error((pal_ver_eco)vt.elem, s, len);
        if (!why) return true;
        char hint[96];
        snprintf(hint, sizeof hint, "`palisade version compare %s A B` says how %s reads a version",
                 pal_ver_eco_name((pal_ver_eco)vt.elem), pal_ver_eco_name((pal_ver_eco)vt.elem));
        pal_cc_error(cc, "PAL0415", loc, hint, "'%.*s' is not a valid %s version: %s", (int)len, s,
                     pal_ver_eco_name((pal_ver_eco)vt.elem), why);
        return false;
    }
    for (int e = 1; e <= PAL_VER__LAST; e++) {
        const char *w = pal_ver_error((pal_ver_eco)e, s, len);
        if (!w) return true;
        if (e == PAL_VER_DPKG) why = w;
    }
    pal_cc_error(cc, "PAL0415", loc, "`palisade version compare ECOSYSTEM A B` says how an ecosystem reads a version",
                 "'%.*s' is not a version in any ecosystem (dpkg: %s)", (int)len, s, why ? why : "invalid");
    return false;
}

static bool coerce_version(pal_cc *cc, pal_type vt, pal_node *n)
{
    if (!version_text_ok(cc, vt, n->text, n->len, n->loc)) return false;
    n->type = vt;
    return true;
}

/* a version on one side, a string that is no constant on the other */
static bool version_as_text(pal_cc *cc, pal_node *n, pal_type a, pal_type b)
{
    if (!((a.kind == T_VERSION && pal_is_strlike(b.kind)) || (b.kind == T_VERSION && pal_is_strlike(a.kind))))
        return false;
    pal_node *v = a.kind == T_VERSION ? n->a : n->b, *s = a.kind == T_VERSION ? n->b : n->a;
    bool named = v->kind == N_NAME;
    pal_cc_error(cc, "PAL0414", s->loc, "compare with a version field or a string constant, e.g. p.version < \"1.2.3-1\"",
                 "%.*s%s is a version, and comparing it with %s would order it as text", named ? (int)v->len : 0,
                 named ? v->text : "", named ? "" : "this", pal_type_article(a.kind == T_VERSION ? b : a));
    return true;
}

/* A string ordered against a constant that looks like a version ("1.10",
   "v2.3.0"): text order puts "1.10" before "1.9".  A warning, since the
   string may be meant as text; the fields that hold versions are versions. */
static bool looks_like_version(const char *s, uint32_t len)
{
    uint32_t i = 0, dots = 0;
    if (i < len && (s[i] == 'v' || s[i] == 'V')) i++;
    if (i >= len || s[i] < '0' || s[i] > '9') return false;
    for (; i < len; i++) {
        char c = s[i];
        if (c == '.') { dots++; continue; }
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '+' ||
              c == '~' || c == '_'))
            return false;
    }
    return dots > 0;
}

static bool comparable(pal_type a, pal_type b)
{
    if (pal_is_strlike(a.kind) && pal_is_strlike(b.kind)) return true;
    return a.kind == b.kind && a.kind != T_LIST && a.kind != T_RECORDS && a.kind != T_RECORD;
}

static const pal_function functions[] = {
    {"exists", 1, PAL_FN_EXISTS},
#define BUILTIN(name, id, argc) {#name, argc, PAL_BI_##name},
    PAL_BUILTINS
#undef BUILTIN
    {"feed", 1, PAL_FN_FEED},
    {"windash", 1, PAL_FN_ENCODE}, {"base64", 1, PAL_FN_ENCODE}, {"base64offset", 1, PAL_FN_ENCODE},
    {"utf16le", 1, PAL_FN_ENCODE}, {"utf16be", 1, PAL_FN_ENCODE}, {"utf16", 1, PAL_FN_ENCODE},
    {"wide", 1, PAL_FN_ENCODE},
};
#define NFUNCTIONS (sizeof functions / sizeof functions[0])

const pal_function *pal_function_find(const char *name, size_t len)
{
    for (size_t i = 0; i < NFUNCTIONS; i++)
        if (strlen(functions[i].name) == len && !memcmp(functions[i].name, name, len)) return &functions[i];
    return NULL;
}

static pal_type check_call(pal_cc *cc, pal_node *n)
{
    const pal_function *fn = pal_function_find(n->text, n->len);
    if (!fn) {
        char hint[256] = "functions are";
        size_t k = strlen(hint);
        for (size_t i = 0; i < NFUNCTIONS && k < sizeof hint; i++)
            k += (size_t)snprintf(hint + k, sizeof hint - k, "%s %s", i == 0 ? "" : i + 1 == NFUNCTIONS ? " and" : ",",
                                  functions[i].name);
        pal_cc_error(cc, "PAL0309", n->loc, hint, "unknown function '%.*s'", (int)n->len, n->text);
        return T(T_ERROR);
    }
    if (n->nitems != fn->argc) {
        pal_cc_error(cc, "PAL0310", n->loc, NULL, "%s() takes %d argument%s, not %u", fn->name,
                 fn->argc, fn->argc == 1 ? "" : "s", n->nitems);
        return T(T_ERROR);
    }
    if (fn->id == PAL_FN_FEED || fn->id == PAL_FN_ENCODE) {   /* a constant list */
        pal_cvals cv = {0};
        if (!pal_const_list(cc, n, &cv)) return T(T_ERROR);
        int elem = pal_cvals_elem(&cv);
        free(cv.v);
        return TL(elem);
    }
    pal_type a = pal_check_expr(cc, n->items[0]);
    if (a.kind == T_ERROR) return a;
    switch (fn->id) {
    case PAL_FN_EXISTS: return T(T_BOOL);
    case PAL_BI_lower: case PAL_BI_upper:
        if (a.kind == T_VERSION) {
            pal_cc_error(cc, "PAL0414", n->items[0]->loc, "compare the version itself; like and matches test its text",
                         "%s() of a version is a string, which orders as text", fn->name);
            return T(T_ERROR);
        }
        if (!pal_is_strlike(a.kind)) break;
        return T(a.kind == T_PATH ? T_PATH : a.kind == T_DNS ? T_DNS : T_STRING);
    case PAL_BI_len:
        if (!pal_is_strlike(a.kind) && a.kind != T_VERSION && a.kind != T_LIST && a.kind != T_RECORDS) break;
        return T(T_INT);
    case PAL_BI_basename: case PAL_BI_dirname:
        if (!pal_is_strlike(a.kind)) break;
        return T(T_PATH);
    }
    pal_cc_error(cc, "PAL0401", n->items[0]->loc, NULL, "%s() does not take %s", fn->name, pal_type_article(a));
    return T(T_ERROR);
}

static pal_type check_quant(pal_cc *cc, pal_node *n)
{
    pal_type c = pal_check_expr(cc, n->a);
    if (c.kind == T_ERROR) return c;
    pal_type var;
    if (c.kind == T_RECORDS) { var = T(T_RECORD); var.schema = c.schema; }
    else if (c.kind == T_LIST) var = T(c.elem);
    else {
        pal_cc_error(cc, "PAL0410", n->a->loc, "quantify over a collection (image.files) or a list field",
                 "cannot iterate over %s", pal_type_article(c));
        return T(T_ERROR);
    }
    if (cc->curfile) {
        if (lookup_named(cc, pal_package_of(cc, cc->curfile), n->text, n->len))
            pal_cc_error(cc, "PAL0312", n->loc, "rename the variable", "variable '%.*s' hides a list or macro of the same name",
                     (int)n->len, n->text);
    }
    int base = pal_scope_push(cc, n->text, n->len, var, n->loc);
    if (base < 0) return T(T_ERROR);
    n->local = base;
    bool ok = pal_check_cond(cc, n->b);
    pal_scope_pop(cc);
    if (!ok) return T(T_ERROR);
    return T(n->kind == N_COUNT ? T_INT : T_BOOL);
}

static const char *op_word(int kind)
{
    switch (kind) {
    case N_EQ: return "==";
    case N_NE: return "!=";
    case N_LT: return "<";
    case N_LE: return "<=";
    case N_GT: return ">";
    case N_GE: return ">=";
    case N_IN: return "in";
    case N_NOTIN: return "not in";
    case N_LIKE: return "like";
    case N_MATCHES: return "matches";
    case N_CONTAINS: return "contains";
    case N_STARTSWITH: return "startswith";
    default: return "endswith";
    }
}

/* `nocase` where it means nothing: an ordering, a regex, a non-string. */
static void nocase_misplaced(pal_cc *cc, pal_node *n, pal_type operand)
{
    if (n->kind == N_MATCHES)
        pal_cc_error(cc, "PAL0417", n->loc, "write (?i) at the start of the pattern: matches '(?i)^cmd'",
                     "`matches` does not take nocase");
    else if (n->kind == N_LT || n->kind == N_LE || n->kind == N_GT || n->kind == N_GE)
        pal_cc_error(cc, "PAL0417", n->loc, "nocase goes with == != in, not in, like, contains, startswith and endswith",
                     "`%s` does not take nocase", op_word(n->kind));
    else
        pal_cc_error(cc, "PAL0417", n->loc, "nocase compares strings; drop it here",
                     "`%s nocase` needs strings, not %s", op_word(n->kind), pal_type_article(operand));
}

static pal_type check_in(pal_cc *cc, pal_node *n)
{
    pal_type l = pal_check_expr(cc, n->a);
    pal_node *r = n->b;
    if (l.kind == T_ERROR) return l;
    if (n->nocase && !pal_is_strlike(l.kind)) { nocase_misplaced(cc, n, l); return T(T_ERROR); }
    if (is_cidr(r) || (l.kind == T_IP && r->kind == N_STR)) {
        if (l.kind != T_IP) {
            pal_cc_error(cc, "PAL0401", n->loc, NULL, "%s cannot be in a CIDR", pal_type_article(l));
            return T(T_ERROR);
        }
        if (r->kind == N_STR && !coerce_ip(cc, r)) return T(T_ERROR);
        r->type = T(T_CIDR);
        return T(T_BOOL);
    }
    if (is_const_list_node(cc, r)) {
        pal_cvals cv = {0};
        if (!pal_const_list(cc, r, &cv)) { free(cv.v); return T(T_ERROR); }
        bool ok = true;
        for (uint32_t i = 0; i < cv.n && ok; i++) {
            pal_cval *v = &cv.v[i];
            if (l.kind == T_VERSION) {
                if (v->kind != CV_STR) {
                    pal_cc_error(cc, "PAL0401", v->loc, NULL, "a version cannot equal a number or address");
                    ok = false;
                } else if (!version_text_ok(cc, l, v->s, v->len, v->loc)) {
                    ok = false;
                } else if (cv.n > 256) {
                    pal_cc_error(cc, "PAL0501", r->loc, "match the versions with ranges: p.version >= \"1.0\" and p.version < \"1.4\"",
                                 "a version `in` a list is one comparison per item, and this list has %u (at most 256)", cv.n);
                    ok = false;
                }
            } else if (pal_is_strlike(l.kind)) {
                if (v->kind != CV_STR) {
                    pal_cc_error(cc, "PAL0401", v->loc, NULL, "%s cannot equal a number or address", pal_type_article(l));
                    ok = false;
                } else if (l.kind == T_DNS) {
                    const char *err = pal_dns_pattern_error(v->s, v->len);
                    if (err) { pal_cc_error(cc, "PAL0409", v->loc, NULL, "invalid domain pattern: %s", err); ok = false; }
                }
            } else if (l.kind == T_INT) {
                if (v->kind != CV_INT && v->kind != CV_RANGE) {
                    pal_cc_error(cc, "PAL0401", v->loc, NULL, "an int cannot equal %s", v->kind == CV_STR ? "a string" : "an address");
                    ok = false;
                }
            } else if (l.kind == T_IP) {
                if (v->kind == CV_STR) {
                    uint8_t ip[16]; bool v6; unsigned prefix; const char *err = NULL;
                    if (!pal_cidr_parse(v->s, v->len, ip, &v6, &prefix, &err)) {
                        pal_cc_error(cc, "PAL0407", v->loc, err, "'%.*s' is not an IP address or CIDR", (int)v->len, v->s);
                        ok = false;
                    }
                } else if (v->kind != CV_IP) {
                    pal_cc_error(cc, "PAL0401", v->loc, NULL, "an ip cannot equal a number");
                    ok = false;
                }
            } else {
                pal_cc_error(cc, "PAL0401", n->loc, NULL, "`in` needs a string, int or ip on its left, not %s",
                         pal_type_article(l));
                ok = false;
            }
        }
        free(cv.v);
        return ok ? T(T_BOOL) : T(T_ERROR);
    }
    pal_type rt = pal_check_expr(cc, r);
    if (rt.kind == T_ERROR) return rt;
    if (rt.kind != T_LIST) {
        pal_cc_error(cc, "PAL0404", r->loc, "write a list [..], a list name, feed(...) or a list field",
                 "`in` needs a list on its right, not %s", pal_type_article(rt));
        return T(T_ERROR);
    }
    pal_type et = T(rt.elem);
    if (!comparable(l, et)) {
        pal_cc_error(cc, "PAL0401", n->loc, NULL, "%s cannot be in %s", pal_type_article(l), pal_type_article(rt));
        return T(T_ERROR);
    }
    return T(T_BOOL);
}

static pal_type check_pattern_op(pal_cc *cc, pal_node *n)
{
    pal_type l = pal_check_expr(cc, n->a);
    if (l.kind == T_ERROR) return l;
    if (n->nocase && n->kind == N_MATCHES) { nocase_misplaced(cc, n, l); return T(T_ERROR); }
    if (!pal_is_strlike(l.kind) && l.kind != T_VERSION) {   /* a version's text can be matched */
        pal_cc_error(cc, "PAL0405", n->a->loc, NULL, "`%s` needs a string on its left, not %s",
                 n->kind == N_LIKE ? "like" : "matches", pal_type_article(l));
        return T(T_ERROR);
    }
    pal_node *r = n->b;
    if (n->kind == N_LIKE) {
        pal_cvals cv = {0};
        if (r->kind != N_STR && !is_const_list_node(cc, r)) {
            pal_cc_error(cc, "PAL0413", r->loc, "write the pattern as a string or a list of strings",
                     "a `like` pattern must be a constant");
            return T(T_ERROR);
        }
        if (!pal_const_list(cc, r, &cv)) { free(cv.v); return T(T_ERROR); }
        bool ok = true;
        for (uint32_t i = 0; i < cv.n; i++)
            if (cv.v[i].kind != CV_STR) {
                pal_cc_error(cc, "PAL0405", cv.v[i].loc, NULL, "`like` patterns are strings");
                ok = false;
                break;
            }
        free(cv.v);
        return ok ? T(T_BOOL) : T(T_ERROR);
    }
    /* matches: one constant regex, compiled now to report errors with a place */
    if (r->kind != N_STR) {
        pal_cc_error(cc, "PAL0413", r->loc, "write the regex as a string: matches '^a.*b$'",
                 "a regex must be a constant string");
        return T(T_ERROR);
    }
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)r->text, r->len, PCRE2_UTF, &errcode, &erroff, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof msg);
        pal_loc at = r->loc;
        at.begin = r->loc.begin + 1 + (uint32_t)erroff;
        if (at.begin >= r->loc.end) at.begin = r->loc.end - 1;
        at.end = at.begin + 1;
        pal_cc_error(cc, "PAL0406", at, "regexes are PCRE2; a raw string '...' avoids doubling backslashes",
                 "invalid regex: %s (at offset %zu)", (const char *)msg, (size_t)erroff);
        return T(T_ERROR);
    }
    pcre2_code_free(re);
    return T(T_BOOL);
}

pal_type pal_check_expr(pal_cc *cc, pal_node *n)
{
    if (!n) return T(T_ERROR);
    if (++cc->depth > 2000) {
        cc->depth--;
        if (!cc->depth_reported)
            pal_cc_error(cc, "PAL0202", n->loc, "split the expression into macros", "expression nested too deeply");
        cc->depth_reported = true;
        return T(T_ERROR);
    }
    pal_type t = T(T_ERROR);
    switch (n->kind) {
    case N_TRUE: case N_FALSE: t = T(T_BOOL); break;
    case N_INT: t = T(T_INT); break;
    case N_STR: t = T(T_STRING); break;
    case N_IP:
        t = T(n->has_prefix ? T_CIDR : T_IP);
        if (n->has_prefix) {
            pal_cc_error(cc, "PAL0407", n->loc, "use `ip in 10.0.0.0/8`", "a CIDR can only be the right side of `in`");
            t = T(T_ERROR);
        }
        break;
    case N_RANGE:
        pal_cc_error(cc, "PAL0408", n->loc, "use `port in [8000..8080]`", "a range can only be in a list right of `in`");
        break;
    case N_LIST: {
        /* a list used as a value (not right of in/like): constant lists only */
        pal_cvals cv = {0};
        if (pal_const_list(cc, n, &cv)) {
            t = TL(pal_cvals_elem(&cv));
        }
        free(cv.v);
        break;
    }
    case N_NAME: t = resolve_name(cc, n); break;
    case N_CALL: t = check_call(cc, n); break;
    case N_NOT:
        t = pal_check_cond(cc, n->a) ? T(T_BOOL) : T(T_ERROR);
        break;
    case N_AND: case N_OR: {
        bool a = pal_check_cond(cc, n->a);
        bool b = pal_check_cond(cc, n->b);
        t = a && b ? T(T_BOOL) : T(T_ERROR);
        break;
    }
    case N_EQ: case N_NE: case N_LT: case N_LE: case N_GT: case N_GE: {
        pal_type a = pal_check_expr(cc, n->a), b = pal_check_expr(cc, n->b);
        if (a.kind == T_ERROR || b.kind == T_ERROR) break;
        if (a.kind == T_IP && n->b->kind == N_STR) { if (!coerce_ip(cc, n->b)) break; b = T(T_IP); }
        if (b.kind == T_IP && n->a->kind == N_STR) { if (!coerce_ip(cc, n->a)) break; a = T(T_IP); }
        if (a.kind == T_VERSION && n->b->kind == N_STR) { if (!coerce_version(cc, a, n->b)) break; b = a; }
        if (b.kind == T_VERSION && n->a->kind == N_STR) { if (!coerce_version(cc, b, n->a)) break; a = b; }
        if (version_as_text(cc, n, a, b)) break;
        if (n->kind != N_EQ && n->kind != N_NE && pal_is_strlike(a.kind) && pal_is_strlike(b.kind)) {
            pal_node *k = n->b->kind == N_STR ? n->b : n->a->kind == N_STR ? n->a : NULL;
            if (k && (n->a->kind != N_STR || n->b->kind != N_STR) && looks_like_version(k->text, k->len))
                pal_cc_warn(cc, "PAL0416", n->loc, "fields that hold versions (p.version, image.distro.version_id) order as versions",
                            "'%.*s' looks like a version, but this orders strings byte by byte (\"1.10\" < \"1.9\")",
                            (int)k->len, k->text);
        }
        if ((a.kind == T_IP && n->b->has_prefix && n->b->kind == N_IP) ||
            (b.kind == T_IP && n->a->has_prefix && n->a->kind == N_IP)) {
            pal_cc_error(cc, "PAL0407", n->loc, "use `in` to test membership in a CIDR", "cannot compare an ip with a CIDR using ==");
            break;
        }
        if (!comparable(a, b)) {
            pal_cc_error(cc, "PAL0401", n->loc, NULL, "cannot compare %s with %s", pal_type_article(a), pal_type_article(b));
            break;
        }
        domain_constant(a, n->b);
        domain_constant(b, n->a);
        if (n->nocase && (!(n->kind == N_EQ || n->kind == N_NE) || !pal_is_strlike(a.kind))) {
            nocase_misplaced(cc, n, a);
            break;
        }
        if (n->kind != N_EQ && n->kind != N_NE && a.kind == T_BOOL) {
            pal_cc_error(cc, "PAL0401", n->loc, NULL, "bools have no order");
            break;
        }
        t = T(T_BOOL);
        break;
    }
    case N_ADD: case N_SUB: case N_MUL: case N_DIV: case N_MOD: {
        pal_type a = pal_check_expr(cc, n->a), b = pal_check_expr(cc, n->b);
        if (a.kind == T_ERROR || b.kind == T_ERROR) break;
        if (a.kind != T_INT || b.kind != T_INT) {
            pal_cc_error(cc, "PAL0402", n->loc, NULL, "arithmetic needs ints, not %s and %s", pal_type_article(a), pal_type_article(b));
            break;
        }
        t = T(T_INT);
        break;
    }
    case N_NEG: {
        pal_type a = pal_check_expr(cc, n->a);
        if (a.kind == T_ERROR) break;
        if (a.kind != T_INT) { pal_cc_error(cc, "PAL0402", n->loc, NULL, "'-' needs an int, not %s", pal_type_article(a)); break; }
        t = T(T_INT);
        break;
    }
    case N_IN: case N_NOTIN: t = check_in(cc, n); break;
    case N_LIKE: case N_MATCHES: t = check_pattern_op(cc, n); break;
    case N_CONTAINS: case N_STARTSWITH: case N_ENDSWITH: {
        pal_type a = pal_check_expr(cc, n->a), b = pal_check_expr(cc, n->b);
        if (a.kind == T_ERROR || b.kind == T_ERROR) break;
        if (n->kind == N_CONTAINS && a.kind == T_LIST) {
            if (!comparable(T(a.elem), b)) {
                pal_cc_error(cc, "PAL0401", n->loc, NULL, "%s cannot contain %s", pal_type_article(a), pal_type_article(b));
                break;
            }
            if (n->nocase && !pal_is_strlike(b.kind)) { nocase_misplaced(cc, n, b); break; }
        } else if (pal_is_strlike(a.kind) && b.kind == T_LIST && is_const_list_node(cc, n->b)) {
            /* `x contains ["a", "b"]`: any of the strings (the list's items
               are constants, so each test is a keyed atom of the index) */
            if (b.elem != T_STRING) {
                pal_cc_error(cc, "PAL0401", n->b->loc, NULL, "`%s` takes strings, not %s", op_word(n->kind),
                             pal_type_article(b));
                break;
            }
        } else if ((pal_is_strlike(a.kind) || a.kind == T_VERSION) && (pal_is_strlike(b.kind) || b.kind == T_VERSION)) {
            /* on a version these are tests of its text: p.version endswith "+deb12u1" */
            domain_constant(a, n->b);
        } else {
            pal_cc_error(cc, "PAL0401", n->loc, NULL, "string operators need strings, not %s and %s",
                     pal_type_article(a), pal_type_article(b));
            break;
        }
        t = T(T_BOOL);
        break;
    }
    case N_ANY: case N_ALL: case N_COUNT: t = check_quant(cc, n); break;
    case N_FEED: break;
    }
    n->type = t;
    cc->depth--;
    return t;
}

bool pal_check_cond(pal_cc *cc, pal_node *n)
{
    pal_type t = pal_check_expr(cc, n);
    if (t.kind == T_ERROR) return false;
    if (t.kind != T_BOOL) {
        pal_cc_error(cc, "PAL0403", n->loc, "compare it: `x == ...`, `x in [...]`, `exists(x)`",
                 "expected a condition, got %s", pal_type_article(t));
        return false;
    }
    return true;
}

/* ---- message templates: "text {name} text" ---- */

/* Returns an array of nodes: N_STR for literal text, N_NAME for holes. */
pal_node *pal_message_holes(pal_cc *cc, pal_node *msg, uint32_t *count)
{
    uint32_t cap = 8, n = 0;
    pal_node *parts = pal_arena_alloc(&cc->arena, cap * sizeof *parts);
    const char *s = msg->text;
    uint32_t len = msg->len, i = 0;
    char *lit = pal_arena_alloc(&cc->arena, len + 1);
    uint32_t litn = 0;
    while (parts && lit && i <= len) {
        bool flush = i == len;
        if (!flush && s[i] == '{' && i + 1 < len && s[i + 1] == '{') { lit[litn++] = '{'; i += 2; continue; }
        if (!flush && s[i] == '}' && i + 1 < len && s[i + 1] == '}') { lit[litn++] = '}'; i += 2; continue; }
        if (!flush && s[i] != '{') { lit[litn++] = s[i++]; continue; }
        if (n + 2 >= cap) {
            pal_node *np = pal_arena_alloc(&cc->arena, cap * 2 * sizeof *np);
            if (!np) break;
            memcpy(np, parts, n * sizeof *np);
            parts = np;
            cap *= 2;
        }
        if (litn) {
            memset(&parts[n], 0, sizeof parts[n]);
            parts[n].kind = N_STR;
            parts[n].text = pal_arena_strndup(&cc->arena, lit, litn);
            parts[n].len = litn;
            parts[n].loc = msg->loc;
            n++;
            litn = 0;
        }
        if (flush) break;
        uint32_t j = i + 1;
        while (j < len && s[j] != '}') j++;
        pal_loc at = {msg->loc.file, msg->loc.begin + 1 + i, msg->loc.begin + 2 + j};
        if (j >= len) {
            pal_cc_error(cc, "PAL0313", at, "close it with }, or write {{ for a literal brace", "unclosed '{' in message");
            break;
        }
        const char *name = s + i + 1;
        uint32_t nlen = j - i - 1;
        while (nlen && (*name == ' ')) { name++; nlen--; }
        while (nlen && name[nlen - 1] == ' ') nlen--;
        bool valid = nlen > 0;
        for (uint32_t k = 0; k < nlen; k++) {
            char c = name[k];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'))
                valid = false;
        }
        if (!valid) {
            pal_cc_error(cc, "PAL0313", at, "holes hold a field name: {process.name}, {f.path}",
                     "invalid message hole '{%.*s}'", (int)(j - i - 1), s + i + 1);
        } else {
            memset(&parts[n], 0, sizeof parts[n]);
            parts[n].kind = N_NAME;
            parts[n].text = pal_arena_strndup(&cc->arena, name, nlen);
            parts[n].len = nlen;
            parts[n].loc = at;
            parts[n].field = -1;
            parts[n].local = -1;
            n++;
        }
        i = j + 1;
    }
    *count = n;
    return parts;
}
