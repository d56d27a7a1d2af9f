/*
 * lint_rules.c — the PAL07nn rules (lang/LINT.md says why each exists).
 *
 * Design.  The rules read the syntax trees of one repo after the compiler
 * has accepted or rejected it; they never need the checker's annotations.
 * Names are resolved here the way the checker resolves them (quantifier
 * variables, then lists and macros of the file's package, then imported
 * ones, then fields), constants are folded through macros, and the sets of
 * values in runtime entries and firewall endpoints are compared with the
 * matching primitives of engine/core/match.h, so "covers" means what the VM will
 * do.  Every rule errs on the side of silence: when a value is not known at
 * lint time (a feed, a macro that is not constant) nothing is claimed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "lang/tools/lint.h"
#include "lang/syntax/ast.h"
#include "engine/base/arena.h"
#include "engine/base/limits.h"
#include "engine/core/match.h"
#include "engine/vm/program.h"
#include "engine/core/schema.h"

/* Paths in messages and repo walks; longer ones are skipped or cut. */
#define LINT_PATH_BYTES 4096

/* Macros nest at most this deep when folded (deeper is a cycle, which the
   compiler reports, or not worth folding). */
#define LINT_MAX_FOLD_DEPTH 32
/* Items of a value set compared pairwise; larger sets are not compared. */
#define LINT_MAX_SET_ITEMS 4096

typedef struct rules {
    pal_lint_ctx *c;
    const char **pkgs;         /* package of each file */
    pal_file ***imports;       /* per file, the target of each import (NULL when missing) */
    uint32_t *nimports;
    /* name table: (package, name) -> list or macro, open addressing */
    struct slot { const char *pkg; const char *name; pal_decl *d; } *tab;
    uint32_t tabcap;
    /* lists and macros whose own references are still to be followed */
    pal_decl **work;
    uint32_t nwork, capwork;
} rules;

#define NS_TARGETS "\x01"
#define NS_TESTS "\x02"

typedef struct scope { const char *name; uint32_t len; const struct scope *up; } scope;

/* The repo index of a parsed file (lint.c numbers the sources so). */
static uint32_t file_index(rules *R, const pal_file *f)
{
    uint32_t i = f && f->src ? f->src->id : 0;
    return i < R->c->nfiles ? i : 0;
}

/* ---- names ---- */

static uint32_t hash2(const char *a, const char *b, size_t blen)
{
    uint32_t h = 2166136261u;
    for (; *a; a++) h = (h ^ (uint8_t)*a) * 16777619u;
    h = (h ^ 0x1f) * 16777619u;
    for (size_t i = 0; i < blen; i++) h = (h ^ (uint8_t)b[i]) * 16777619u;
    return h;
}

static void tab_put(rules *R, const char *pkg, pal_decl *d)
{
    uint32_t h = hash2(pkg, d->name, strlen(d->name)) & (R->tabcap - 1);
    while (R->tab[h].d) {
        if (!strcmp(R->tab[h].pkg, pkg) && !strcmp(R->tab[h].name, d->name)) return;   /* first wins */
        h = (h + 1) & (R->tabcap - 1);
    }
    R->tab[h] = (struct slot){pkg, d->name, d};
}

static pal_decl *tab_get(const rules *R, const char *pkg, const char *name, size_t len)
{
    if (!R->tabcap) return NULL;
    uint32_t h = hash2(pkg, name, len) & (R->tabcap - 1);
    while (R->tab[h].d) {
        if (!strcmp(R->tab[h].pkg, pkg) && strlen(R->tab[h].name) == len && !memcmp(R->tab[h].name, name, len))
            return R->tab[h].d;
        h = (h + 1) & (R->tabcap - 1);
    }
    return NULL;
}

static bool in_scope(const scope *sc, const char *text, size_t seg0)
{
    for (; sc; sc = sc->up)
        if (sc->len == seg0 && !memcmp(sc->name, text, seg0)) return true;
    return false;
}

/* The list or macro a name means in file fi, or NULL (a variable, a field,
   or nothing). */
static pal_decl *resolve(const rules *R, uint32_t fi, const pal_node *n, const scope *sc)
{
    if (!n || n->kind != N_NAME || !n->text) return NULL;
    const char *dot = memchr(n->text, '.', n->len);
    size_t seg0 = dot ? (size_t)(dot - n->text) : n->len;
    if (in_scope(sc, n->text, seg0)) return NULL;
    if (!dot) return tab_get(R, R->pkgs[fi], n->text, n->len);
    pal_file *f = R->c->asts[fi];
    uint32_t k = 0;
    for (pal_import *im = f ? f->imports : NULL; im; im = im->next, k++) {
        pal_file *t = k < R->nimports[fi] ? R->imports[fi][k] : NULL;
        if (t && strlen(im->alias) == seg0 && !memcmp(im->alias, n->text, seg0)) {
            pal_decl *d = tab_get(R, R->pkgs[file_index((rules *)R, t)], dot + 1, n->len - seg0 - 1);
            if (d) return d;
        }
    }
    return NULL;
}

static const char *package_of(rules *R, uint32_t i)
{
    pal_file *f = R->c->asts[i];
    if (f && f->package) return f->package;
    const char *path = R->c->relpaths[i];
    const char *slash = strrchr(path, '/');
    if (!slash) return "";
    char *pkg = pal_arena_strndup(R->c->arena, path, (size_t)(slash - path));
    if (!pkg) return "";
    for (char *p = pkg; *p; p++) if (*p == '/') *p = '.';
    return pkg;
}

static bool setup(rules *R, pal_lint_ctx *c)
{
    memset(R, 0, sizeof *R);
    R->c = c;
    uint32_t n = c->nfiles;
    R->pkgs = pal_arena_alloc(c->arena, (n + 1) * sizeof *R->pkgs);
    R->imports = pal_arena_alloc(c->arena, (n + 1) * sizeof *R->imports);
    R->nimports = pal_arena_alloc(c->arena, (n + 1) * sizeof *R->nimports);
    if (!R->pkgs || !R->imports || !R->nimports) return false;
    uint32_t ndecls = 0;
    for (uint32_t i = 0; i < n; i++) {
        R->pkgs[i] = package_of(R, i);
        for (pal_decl *d = c->asts[i] ? c->asts[i]->decls : NULL; d; d = d->next) ndecls++;
    }
    R->tabcap = 64;
    while (R->tabcap < ndecls * 2 + 2) R->tabcap *= 2;
    R->tab = pal_arena_alloc(c->arena, R->tabcap * sizeof *R->tab);
    if (!R->tab) return false;
    /* lists and macros by package; rule-like names and test names in two
       namespaces of their own (no package is "\x01" or "\x02") */
    for (uint32_t i = 0; i < n; i++)
        for (pal_decl *d = c->asts[i] ? c->asts[i]->decls : NULL; d; d = d->next) {
            if (!d->name) continue;
            if (d->kind == D_LIST || d->kind == D_MACRO) tab_put(R, R->pkgs[i], d);
            else if (d->kind == D_TEST) tab_put(R, NS_TESTS, d);
            else tab_put(R, NS_TARGETS, d);
        }
    /* imports: PATH.pal, or a file directly in PATH/ (the first in path order) */
    for (uint32_t i = 0; i < n; i++) {
        pal_file *f = c->asts[i];
        uint32_t k = 0;
        for (pal_import *im = f ? f->imports : NULL; im; im = im->next) k++;
        R->nimports[i] = k;
        R->imports[i] = pal_arena_alloc(c->arena, (k + 1) * sizeof **R->imports);
        if (!R->imports[i]) return false;
        k = 0;
        for (pal_import *im = f ? f->imports : NULL; im; im = im->next, k++) {
            size_t pn = strlen(im->path);
            for (uint32_t j = 0; j < n && !R->imports[i][k]; j++) {
                const char *p = c->relpaths[j];
                size_t pl = strlen(p);
                if ((pl == pn + 4 && !strncmp(p, im->path, pn) && !strcmp(p + pn, ".pal")) ||
                    (pl > pn + 1 && !strncmp(p, im->path, pn) && p[pn] == '/' && !strchr(p + pn + 1, '/')))
                    R->imports[i][k] = c->asts[j];
            }
        }
    }
    return true;
}

/* ---- spans and text ---- */

static void span_rec(const pal_node *n, uint32_t *b, uint32_t *e, int depth)
{
    if (!n || depth > 4000) return;
    if (n->loc.end > n->loc.begin || n->loc.begin) {
        if (n->loc.begin < *b) *b = n->loc.begin;
        if (n->loc.end > *e) *e = n->loc.end;
    }
    span_rec(n->a, b, e, depth + 1);
    span_rec(n->b, b, e, depth + 1);
    for (uint32_t i = 0; i < n->nitems; i++) span_rec(n->items[i], b, e, depth + 1);
}

/* The source bytes a subtree covers (without enclosing parentheses). */
static pal_loc span(const pal_node *n)
{
    uint32_t b = UINT32_MAX, e = 0;
    span_rec(n, &b, &e, 0);
    pal_loc l = {n ? n->loc.file : 0, b == UINT32_MAX ? 0 : b, e};
    if (n && n->kind == N_CALL) {   /* a call's own loc is its name: reach the ')' */
        l.begin = n->loc.begin;
    }
    return l;
}

/* A short quote of the source, for messages. */
static const char *quote(rules *R, uint32_t fi, pal_loc l, char *buf, size_t cap)
{
    uint32_t id = R->c->file_ids[fi];
    const pal_lint_file *f = id < R->c->L->nfiles ? &R->c->L->files[id] : NULL;
    size_t k = 0;
    if (f && l.end <= f->len) {
        bool space = false;
        for (uint32_t i = l.begin; i < l.end && k + 8 < cap; i++) {
            char ch = f->text[i];
            if (ch == '\n' || ch == '\r' || ch == '\t' || ch == ' ') { space = true; continue; }
            if (space && k) buf[k++] = ' ';
            space = false;
            buf[k++] = ch;
        }
        if (l.end - l.begin > 60 && k > 60) { k = 57; memcpy(buf + k, "...", 3); k += 3; }
    }
    buf[k] = 0;
    return buf;
}

/* The source line holding offset off, blanks squeezed. */
static const char *line_quote(rules *R, uint32_t fi, uint32_t off, char *buf, size_t cap)
{
    uint32_t id = R->c->file_ids[fi];
    if (id >= R->c->L->nfiles) { buf[0] = 0; return buf; }
    const pal_lint_file *f = &R->c->L->files[id];
    uint32_t b = off, e = off;
    while (b > 0 && f->text[b - 1] != '\n') b--;
    while (e < f->len && f->text[e] != '\n') e++;
    /* without a trailing comment */
    for (uint32_t i = b; i + 1 < e; i++)
        if (f->text[i] == '/' && f->text[i + 1] == '/') { e = i; break; }
    pal_loc l = {0, b, e};
    return quote(R, fi, l, buf, cap);
}

static void report(rules *R, uint32_t fi, const char *code, pal_loc l, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static void report(rules *R, uint32_t fi, const char *code, pal_loc l, const char *hint, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pal_lint_report(R->c, fi, code, l.begin, l.end, hint, "%s", msg);
}

/* ---- PAL0701: lists and macros nothing uses ---- */

/* Marks on the linter's own trees (the checker never sees them, so the
   `visiting` field is free): reachable from a rule-like declaration, and
   named by any list or macro. */
enum { LINT_USED = 1, LINT_REFERENCED = 2 };

typedef void (*ref_fn)(rules *R, uint32_t fi, pal_decl *target, void *u);

/* Calls fn for every list or macro an expression names. */
static void walk_refs(rules *R, uint32_t fi, const pal_node *n, const scope *sc, ref_fn fn, void *u, int depth)
{
    if (!n || depth > 4000) return;
    switch (n->kind) {
    case N_NAME: {
        pal_decl *d = resolve(R, fi, n, sc);
        if (d) fn(R, fi, d, u);
        return;
    }
    case N_ANY: case N_ALL: case N_COUNT: {
        walk_refs(R, fi, n->a, sc, fn, u, depth + 1);
        scope inner = {n->text, n->len, sc};
        walk_refs(R, fi, n->b, &inner, fn, u, depth + 1);
        return;
    }
    default:
        walk_refs(R, fi, n->a, sc, fn, u, depth + 1);
        walk_refs(R, fi, n->b, sc, fn, u, depth + 1);
        for (uint32_t i = 0; i < n->nitems; i++) walk_refs(R, fi, n->items[i], sc, fn, u, depth + 1);
    }
}

static void mark_used(rules *R, uint32_t fi, pal_decl *d, void *u)
{
    (void)fi;
    (void)u;
    if (d->visiting & LINT_USED) return;
    d->visiting |= LINT_USED;
    /* followed later from a work list: chains of lists may be long */
    if (R->nwork == R->capwork) {
        uint32_t cap = R->capwork ? R->capwork * 2 : 64;
        pal_decl **v = pal_arena_alloc(R->c->arena, cap * sizeof *v);
        if (!v) return;
        if (R->nwork) memcpy(v, R->work, R->nwork * sizeof *v);
        R->work = v;
        R->capwork = cap;
    }
    R->work[R->nwork++] = d;
}

static void mark_referenced(rules *R, uint32_t fi, pal_decl *d, void *u)
{
    (void)R;
    (void)fi;
    (void)u;
    d->visiting |= LINT_REFERENCED;
}

/* Everything a rule-like declaration reads. */
static void walk_decl(rules *R, uint32_t fi, pal_decl *d, ref_fn fn)
{
    walk_refs(R, fi, d->expr, NULL, fn, NULL, 0);
    walk_refs(R, fi, d->scope, NULL, fn, NULL, 0);
    for (pal_step *st = d->kind == D_SEQUENCE ? d->steps : NULL; st; st = st->next) walk_refs(R, fi, st->expr, NULL, fn, NULL, 0);
    if (d->kind == D_SEQUENCE && d->until) walk_refs(R, fi, d->until->expr, NULL, fn, NULL, 0);
    if (d->kind == D_RUNTIME)
        for (int s = 0; s < SEC__COUNT; s++)
            for (pal_entry *e = d->sections[s].present ? d->sections[s].entries : NULL; e; e = e->next) {
                walk_refs(R, fi, e->values, NULL, fn, NULL, 0);
                walk_refs(R, fi, e->ports, NULL, fn, NULL, 0);
            }
}

static void unused_declarations(rules *R)
{
    pal_lint_ctx *c = R->c;
    for (uint32_t i = 0; i < c->nfiles; i++)
        for (pal_decl *d = c->asts[i] ? c->asts[i]->decls : NULL; d; d = d->next) {
            if (d->kind == D_CHECK || d->kind == D_RULE || d->kind == D_RUNTIME || d->kind == D_FIREWALL ||
                d->kind == D_SEQUENCE)
                walk_decl(R, i, d, mark_used);
            else if (d->kind == D_LIST || d->kind == D_MACRO)
                walk_refs(R, i, d->expr, NULL, mark_referenced, NULL, 0);
        }
    while (R->nwork) {
        pal_decl *d = R->work[--R->nwork];
        walk_refs(R, file_index(R, d->file), d->expr, NULL, mark_used, NULL, 0);
    }
    for (uint32_t i = 0; i < c->nfiles; i++)
        for (pal_decl *d = c->asts[i] ? c->asts[i]->decls : NULL; d; d = d->next) {
            if ((d->kind != D_LIST && d->kind != D_MACRO) || !d->name) continue;
            if (d->visiting & LINT_USED) continue;
            const char *what = d->kind == D_LIST ? "list" : "macro";
            if (d->visiting & LINT_REFERENCED)
                report(R, i, "PAL0701", d->name_loc, "remove it with the declarations that use it, or use them",
                       "%s '%s' is used only by lists or macros that nothing uses", what, d->name);
            else
                report(R, i, "PAL0701", d->name_loc, "remove it, or use it in a rule, check or block",
                       "%s '%s' is never used", what, d->name);
        }
}

/* ---- constant values (PAL0703) ---- */

enum { CK_UNKNOWN = 0, CK_BOOL, CK_INT, CK_STR };
typedef struct cval { int kind; bool b; int64_t i; const char *s; uint32_t len; } cval;

static cval unknown(void) { cval v = {CK_UNKNOWN, false, 0, NULL, 0}; return v; }
static cval boolean(bool b) { cval v = {CK_BOOL, b, 0, NULL, 0}; return v; }

static bool node_equal(const pal_node *a, const pal_node *b, int depth)
{
    if (!a || !b) return a == b;
    if (depth > 200 || a->kind != b->kind || a->len != b->len || a->nitems != b->nitems) return false;
    if (a->len && (!a->text || !b->text || memcmp(a->text, b->text, a->len))) return false;
    if (a->kind == N_INT && a->i != b->i) return false;
    if (a->kind == N_RANGE && (a->i != b->i || a->i2 != b->i2)) return false;
    if (a->kind == N_IP && (memcmp(a->ip, b->ip, 16) || a->prefix != b->prefix)) return false;
    if (!node_equal(a->a, b->a, depth + 1) || !node_equal(a->b, b->b, depth + 1)) return false;
    for (uint32_t i = 0; i < a->nitems; i++)
        if (!node_equal(a->items[i], b->items[i], depth + 1)) return false;
    return true;
}

/* Does the expression read anything (a field, a variable)?  Constant-only
   expressions are what folding is for. */
static cval fold(rules *R, uint32_t fi, const pal_node *n, const scope *sc, int depth);

static bool int_of(cval v, int64_t *out) { if (v.kind != CK_INT) return false; *out = v.i; return true; }

static int cmp_vals(cval a, cval b, bool *ok)
{
    *ok = true;
    if (a.kind == CK_INT && b.kind == CK_INT) return a.i < b.i ? -1 : a.i > b.i;
    if (a.kind == CK_STR && b.kind == CK_STR) {
        size_t m = a.len < b.len ? a.len : b.len;
        int c = memcmp(a.s, b.s, m);
        if (c) return c < 0 ? -1 : 1;
        return a.len < b.len ? -1 : a.len > b.len;
    }
    if (a.kind == CK_BOOL && b.kind == CK_BOOL) return (int)a.b - (int)b.b;
    *ok = false;
    return 0;
}

/* The items of a constant list literal (list names followed); false when
   anything in it is not known here (a feed, a non-literal). */
static bool const_items(rules *R, uint32_t fi, const pal_node *n, cval *out, uint32_t *nout, uint32_t cap, int depth)
{
    if (!n || depth > LINT_MAX_FOLD_DEPTH) return false;
    if (n->kind == N_NAME) {
        pal_decl *d = resolve(R, fi, n, NULL);
        if (!d || d->kind != D_LIST) return false;
        return const_items(R, file_index(R, d->file), d->expr, out, nout, cap, depth + 1);
    }
    if (n->kind != N_LIST) return false;
    for (uint32_t i = 0; i < n->nitems; i++) {
        const pal_node *it = n->items[i];
        if (it->kind == N_LIST || it->kind == N_NAME) {
            if (!const_items(R, fi, it, out, nout, cap, depth + 1)) return false;
            continue;
        }
        if (it->kind == N_RANGE) {
            if (*nout + 2 > cap) return false;
            out[(*nout)++] = (cval){CK_INT, false, it->i, NULL, 1};   /* len 1 marks a range */
            out[(*nout)++] = (cval){CK_INT, false, it->i2, NULL, 1};
            continue;
        }
        cval v = fold(R, fi, it, NULL, depth + 1);
        if (v.kind != CK_INT && v.kind != CK_STR) return false;
        if (*nout + 1 > cap) return false;
        v.len = v.kind == CK_INT ? 0 : v.len;
        out[(*nout)++] = v;
    }
    return true;
}

static cval fold(rules *R, uint32_t fi, const pal_node *n, const scope *sc, int depth)
{
    if (!n || depth > LINT_MAX_FOLD_DEPTH) return unknown();
    switch (n->kind) {
    case N_TRUE: return boolean(true);
    case N_FALSE: return boolean(false);
    case N_INT: { cval v = {CK_INT, false, n->i, NULL, 0}; return v; }
    case N_STR: { cval v = {CK_STR, false, 0, n->text, n->len}; return v; }
    case N_NAME: {
        pal_decl *d = resolve(R, fi, n, sc);
        if (d && d->kind == D_MACRO) return fold(R, file_index(R, d->file), d->expr, NULL, depth + 1);
        return unknown();
    }
    case N_NOT: {
        cval a = fold(R, fi, n->a, sc, depth + 1);
        return a.kind == CK_BOOL ? boolean(!a.b) : unknown();
    }
    case N_AND: case N_OR: {
        cval a = fold(R, fi, n->a, sc, depth + 1), b = fold(R, fi, n->b, sc, depth + 1);
        bool is_and = n->kind == N_AND;
        /* false and x, x and false; true or x, x or true */
        if ((a.kind == CK_BOOL && a.b != is_and) || (b.kind == CK_BOOL && b.b != is_and)) return boolean(!is_and);
        if (a.kind == CK_BOOL && b.kind == CK_BOOL) return boolean(is_and ? a.b && b.b : a.b || b.b);
        return unknown();
    }
    case N_NEG: {
        int64_t x;
        cval a = fold(R, fi, n->a, sc, depth + 1);
        if (!int_of(a, &x) || x == INT64_MIN) return unknown();
        cval v = {CK_INT, false, -x, NULL, 0};
        return v;
    }
    case N_ADD: case N_SUB: case N_MUL: case N_DIV: case N_MOD: {
        int64_t x, y, r;
        if (!int_of(fold(R, fi, n->a, sc, depth + 1), &x) || !int_of(fold(R, fi, n->b, sc, depth + 1), &y))
            return unknown();
        bool ovf = false;
        switch (n->kind) {
        case N_ADD: ovf = __builtin_add_overflow(x, y, &r); break;
        case N_SUB: ovf = __builtin_sub_overflow(x, y, &r); break;
        case N_MUL: ovf = __builtin_mul_overflow(x, y, &r); break;
        case N_DIV: ovf = y == 0 || (x == INT64_MIN && y == -1); r = ovf ? 0 : x / y; break;
        default: ovf = y == 0 || (x == INT64_MIN && y == -1); r = ovf ? 0 : x % y; break;
        }
        if (ovf) return unknown();
        cval v = {CK_INT, false, r, NULL, 0};
        return v;
    }
    case N_EQ: case N_NE: case N_LT: case N_LE: case N_GT: case N_GE: {
        /* x != x, x < x, x > x are never true, defined or not */
        if ((n->kind == N_NE || n->kind == N_LT || n->kind == N_GT) && node_equal(n->a, n->b, 0))
            return boolean(false);
        cval a = fold(R, fi, n->a, sc, depth + 1), b = fold(R, fi, n->b, sc, depth + 1);
        bool ok;
        int c = cmp_vals(a, b, &ok);
        if (!ok) {
            /* count(...) and len(...) are never negative */
            int64_t k;
            bool cnt_a = n->a && (n->a->kind == N_COUNT || (n->a->kind == N_CALL && n->a->text && !strcmp(n->a->text, "len")));
            if (cnt_a && int_of(b, &k) && ((n->kind == N_LT && k <= 0) || (n->kind == N_LE && k < 0) ||
                                           (n->kind == N_EQ && k < 0)))
                return boolean(false);
            return unknown();
        }
        switch (n->kind) {
        case N_EQ: return boolean(c == 0);
        case N_NE: return boolean(c != 0);
        case N_LT: return boolean(c < 0);
        case N_LE: return boolean(c <= 0);
        case N_GT: return boolean(c > 0);
        default: return boolean(c >= 0);
        }
    }
    case N_IN: {
        /* nothing is in an empty list */
        if (n->b && n->b->kind == N_LIST && n->b->nitems == 0) return boolean(false);
        cval a = fold(R, fi, n->a, sc, depth + 1);
        if (a.kind != CK_INT && a.kind != CK_STR) return unknown();
        cval items[256];
        uint32_t k = 0;
        if (!const_items(R, fi, n->b, items, &k, 256, depth + 1)) return unknown();
        for (uint32_t i = 0; i < k; i++) {
            if (items[i].kind == CK_INT && items[i].len == 1 && i + 1 < k) {   /* a range */
                if (a.kind == CK_INT && a.i >= items[i].i && a.i <= items[i + 1].i) return boolean(true);
                i++;
                continue;
            }
            bool ok;
            if (cmp_vals(a, items[i], &ok) == 0 && ok) return boolean(true);
        }
        /* a constant string may still match as a path or domain: only claim
           "not in" for ints */
        return a.kind == CK_INT ? boolean(false) : unknown();
    }
    case N_ANY: case N_ALL: {
        if (n->a && n->a->kind == N_LIST && n->a->nitems == 0) return boolean(n->kind == N_ALL);
        return unknown();
    }
    default:
        return unknown();
    }
}

/* Flattens an and-chain (or an or-chain) into its operands. */
static void flatten(const pal_node *n, int kind, const pal_node **out, uint32_t *k, uint32_t cap, int depth)
{
    if (!n) return;
    if (n->kind == kind && depth < 2000) {
        flatten(n->a, kind, out, k, cap, depth + 1);
        flatten(n->b, kind, out, k, cap, depth + 1);
        return;
    }
    if (*k < cap) out[(*k)++] = n;
}

static const pal_node *strip_not(const pal_node *n, bool *negated)
{
    *negated = false;
    while (n && n->kind == N_NOT) { *negated = !*negated; n = n->a; }
    return n;
}

/* In `a and b and ...`: x == c1 with x == c2, or p with not p: never true.
   In `a or b or ...`: p with not p: always true. */
static bool contradiction(rules *R, uint32_t fi, const pal_node *n, const scope *sc, bool *always)
{
    const pal_node *ops[64];
    uint32_t k = 0;
    flatten(n, n->kind, ops, &k, 64, 0);
    for (uint32_t i = 0; i < k; i++)
        for (uint32_t j = i + 1; j < k; j++) {
            bool ni, nj;
            const pal_node *a = strip_not(ops[i], &ni), *b = strip_not(ops[j], &nj);
            if (ni != nj && node_equal(a, b, 0)) { *always = n->kind == N_OR; return true; }
            if (n->kind == N_AND && !ni && !nj && a->kind == N_EQ && b->kind == N_EQ &&
                node_equal(a->a, b->a, 0)) {
                cval x = fold(R, fi, a->b, sc, 0), y = fold(R, fi, b->b, sc, 0);
                bool ok;
                /* different ints, or strings that differ even without case */
                if (cmp_vals(x, y, &ok) != 0 && ok &&
                    (x.kind == CK_INT || (x.kind == CK_STR && (x.len != y.len || strncasecmp(x.s, y.s, x.len))))) {
                    *always = false;
                    return true;
                }
            }
        }
    return false;
}

typedef struct {
    const char *whole_never, *whole_always;   /* messages for the whole condition */
} cond_words;

static void check_part(rules *R, uint32_t fi, const pal_node *n, const scope *sc, int depth);

static void check_condition(rules *R, uint32_t fi, const pal_node *n, const cond_words *w)
{
    if (!n) return;
    char q[128];
    cval v = fold(R, fi, n, NULL, 0);
    if (v.kind == CK_BOOL) {
        pal_loc l = span(n);
        report(R, fi, "PAL0703", l, "rewrite or remove the condition",
               "'%s' is %s: %s", quote(R, fi, l, q, sizeof q), v.b ? "always true" : "never true",
               v.b ? w->whole_always : w->whole_never);
        return;
    }
    check_part(R, fi, n, NULL, 0);
}

static void check_part(rules *R, uint32_t fi, const pal_node *n, const scope *sc, int depth)
{
    if (!n || depth > 2000) return;
    char q[128];
    if (n->kind == N_AND || n->kind == N_OR) {
        bool always;
        if (contradiction(R, fi, n, sc, &always)) {
            pal_loc l = span(n);
            report(R, fi, "PAL0703", l, always ? "drop the test, or fix the one that was meant" : "one of the comparisons is wrong",
                   "'%s' is %s", quote(R, fi, l, q, sizeof q),
                   always ? "always true: a test or its negation always holds" : "never true: its parts contradict each other");
            return;
        }
        const pal_node *ops[2] = {n->a, n->b};
        for (int i = 0; i < 2; i++) {
            const pal_node *o = ops[i];
            if (!o || o->kind == n->kind) {   /* the rest of the chain */
                check_part(R, fi, o, sc, depth + 1);
                continue;
            }
            cval v = fold(R, fi, o, sc, 0);
            /* a macro that is a constant is a switch (`macro debug = true`):
               only the whole condition it makes constant is worth a word */
            if (v.kind == CK_BOOL && o->kind != N_NAME) {
                pal_loc l = span(o);
                bool useless = v.b == (n->kind == N_AND);   /* true in an and, false in an or */
                report(R, fi, "PAL0703", l, useless ? "remove it" : "fix or remove it",
                       "'%s' is %s here, so %s", quote(R, fi, l, q, sizeof q), v.b ? "always true" : "never true",
                       useless ? "it changes nothing" : (v.b ? "the whole condition is always true" : "the whole condition is never true"));
            } else {
                check_part(R, fi, o, sc, depth + 1);
            }
        }
        return;
    }
    if (n->kind == N_NOT) { check_part(R, fi, n->a, sc, depth + 1); return; }
    if (n->kind == N_ANY || n->kind == N_ALL || n->kind == N_COUNT) {
        scope inner = {n->text, n->len, sc};
        cval v = fold(R, fi, n->b, &inner, 0);
        if (v.kind == CK_BOOL && n->kind != N_COUNT) {
            pal_loc l = span(n->b);
            report(R, fi, "PAL0703", l, "test the element, or drop the quantifier",
                   "the body '%s' is %s for every element", quote(R, fi, l, q, sizeof q), v.b ? "true" : "false");
            return;
        }
        check_part(R, fi, n->b, &inner, depth + 1);
        return;
    }
    /* a comparison that is constant inside a larger condition */
    if (n->kind >= N_EQ && n->kind <= N_ENDSWITH) {
        cval v = fold(R, fi, n, sc, 0);
        if (v.kind == CK_BOOL) {
            pal_loc l = span(n);
            report(R, fi, "PAL0703", l, "compare a field, not two constants",
                   "'%s' is %s", quote(R, fi, l, q, sizeof q), v.b ? "always true" : "never true");
        }
    }
}

static void constant_conditions(rules *R)
{
    static const cond_words check_w = {"the check never fails", "the check fails for every image"};
    static const cond_words rule_w = {"the rule never matches", "the rule matches every event of its kinds"};
    static const cond_words scope_w = {"the block never applies", "the scope limits nothing; remove it"};
    pal_lint_ctx *c = R->c;
    for (uint32_t i = 0; i < c->nfiles; i++)
        for (pal_decl *d = c->asts[i] ? c->asts[i]->decls : NULL; d; d = d->next) {
            if (d->kind == D_CHECK) check_condition(R, i, d->expr, &check_w);
            else if (d->kind == D_RULE) check_condition(R, i, d->expr, &rule_w);
            if (d->kind == D_RUNTIME || d->kind == D_FIREWALL) check_condition(R, i, d->scope, &scope_w);
        }
}

/* ---- PAL0709: regexes that are a plain comparison or a glob ---- */

/* Classifies a PCRE pattern made of literal characters and `.*` only. */
static bool plain_regex(const char *p, size_t n, bool *start, bool *end, char *lit, size_t *litn,
                        size_t *stars, size_t star_at[], size_t maxstars)
{
    size_t i = 0, k = 0;
    *start = *end = false;
    *stars = 0;
    if (i < n && p[i] == '^') { *start = true; i++; }
    size_t stop = n;
    if (stop > i && p[stop - 1] == '$' && (stop < 2 || p[stop - 2] != '\\')) { *end = true; stop--; }
    bool leading = true;
    size_t trailing_from = SIZE_MAX;
    while (i < stop) {
        char ch = p[i];
        if (ch == '.' && i + 1 < stop && p[i + 1] == '*' && !(i + 2 < stop && (p[i + 2] == '?' || p[i + 2] == '+'))) {
            i += 2;
            if (leading) { *start = false; continue; }   /* ^.*x is x anywhere */
            if (*stars >= maxstars) return false;
            if (k == 0 || (*stars && star_at[*stars - 1] == k)) continue;   /* .*.* */
            star_at[(*stars)++] = k;
            trailing_from = k;
            continue;
        }
        leading = false;
        if (ch == '\\') {
            if (i + 1 >= stop) return false;
            char e = p[i + 1];
            if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) return false;
            ch = e;
            i += 2;
        } else if (strchr("^$.|?*+()[]{}", ch)) {
            return false;
        } else {
            i++;
        }
        if (k + 1 >= 512) return false;
        lit[k++] = ch;
        trailing_from = SIZE_MAX;
    }
    /* x.* at the end is x followed by anything: no end anchor */
    if (*stars && star_at[*stars - 1] == k && trailing_from == k) { (*stars)--; *end = false; }
    *litn = k;
    return true;
}

static void quote_str(const char *s, size_t n, char *out, size_t cap)
{
    bool bs = memchr(s, '\\', n) != NULL, sq = memchr(s, '\'', n) != NULL;
    size_t k = 0;
    if (bs && !sq) {
        out[k++] = '\'';
        for (size_t i = 0; i < n && k + 3 < cap; i++) out[k++] = s[i];
        out[k++] = '\'';
    } else {
        out[k++] = '"';
        for (size_t i = 0; i < n && k + 4 < cap; i++) {
            if (s[i] == '"' || s[i] == '\\') out[k++] = '\\';
            out[k++] = s[i];
        }
        out[k++] = '"';
    }
    out[k] = 0;
}

static void regex_in(rules *R, uint32_t fi, const pal_node *n, int depth)
{
    if (!n || depth > 4000) return;
    if (n->kind == N_MATCHES && n->b && n->b->kind == N_STR && n->b->text) {
        bool start, end;
        char lit[512];
        size_t litn, nstars, star_at[16];
        const char *p = n->b->text;
        if (plain_regex(p, n->b->len, &start, &end, lit, &litn, &nstars, star_at, 16)) {
            char q[1500], sug[1700];
            if (litn == 0 && start && end && nstars == 0) {
                report(R, fi, "PAL0709", n->b->loc, "write `== \"\"`", "this regex only tests for the empty string");
            } else if (litn == 0) {
                report(R, fi, "PAL0709", n->b->loc, "test exists(x) instead, or drop the test",
                       "this regex matches every string");
            } else if (nstars == 0) {
                quote_str(lit, litn, q, sizeof q);
                const char *op = start && end ? "==" : start ? "startswith" : end ? "endswith" : "contains";
                snprintf(sug, sizeof sug, "write `%s %s` (note: == and the others ignore case on Windows paths and domains; matches does not)", op, q);
                report(R, fi, "PAL0709", n->b->loc, sug, "this regex is a plain %s", start && end ? "string comparison" : "substring test");
            } else if (!memchr(lit, '*', litn) && !memchr(lit, '?', litn)) {
                /* a glob: literal runs joined by ** (which crosses / on paths, like .*) */
                char g[700];
                size_t k = 0, s = 0;
                if (!start) { g[k++] = '*'; g[k++] = '*'; }
                for (size_t i = 0; i < litn && k + 4 < sizeof g; i++) {
                    while (s < nstars && star_at[s] == i) { g[k++] = '*'; g[k++] = '*'; s++; }
                    g[k++] = lit[i];
                }
                while (s < nstars && k + 3 < sizeof g) { g[k++] = '*'; g[k++] = '*'; s++; }
                if (!end && k + 3 < sizeof g) { g[k++] = '*'; g[k++] = '*'; }
                quote_str(g, k, q, sizeof q);
                snprintf(sug, sizeof sug, "write `like %s` (globs run in linear time; on a plain string * does as well as **)", q);
                report(R, fi, "PAL0709", n->b->loc, sug, "this regex is a glob");
            }
        }
    }
    regex_in(R, fi, n->a, depth + 1);
    regex_in(R, fi, n->b, depth + 1);
    for (uint32_t i = 0; i < n->nitems; i++) regex_in(R, fi, n->items[i], depth + 1);
}

static void plain_regexes(rules *R)
{
    pal_lint_ctx *c = R->c;
    for (uint32_t i = 0; i < c->nfiles; i++)
        for (pal_decl *d = c->asts[i] ? c->asts[i]->decls : NULL; d; d = d->next) {
            if (d->kind == D_LIST || d->kind == D_TEST) continue;
            regex_in(R, i, d->expr, 0);
            regex_in(R, i, d->scope, 0);
        }
}

/* ---- value sets of runtime entries and firewall endpoints ---- */

enum { V_STR = 1, V_IP, V_PORTS };
typedef struct vitem {
    int kind;
    const char *s;
    uint32_t len;
    uint8_t ip[16];
    bool v6;
    unsigned prefix;
    int64_t lo, hi;
    pal_loc loc;
} vitem;

typedef struct vset { vitem *v; uint32_t n, cap; bool unknown; } vset;

static void vs_add(rules *R, vset *s, vitem it)
{
    if (s->n >= LINT_MAX_SET_ITEMS) { s->unknown = true; return; }
    if (s->n == s->cap) {
        uint32_t cap = s->cap ? s->cap * 2 : 16;
        vitem *v = pal_arena_alloc(R->c->arena, cap * sizeof *v);
        if (!v) { s->unknown = true; return; }
        if (s->n) memcpy(v, s->v, s->n * sizeof *v);
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = it;
}

/* Values of an entry: strings, IPs (strings parsed when as_ip), ints and
   ranges; list names are followed. */
static void collect_values(rules *R, uint32_t fi, const pal_node *n, vset *s, bool as_ip, pal_loc at, int depth)
{
    if (!n || depth > LINT_MAX_FOLD_DEPTH) { s->unknown = true; return; }
    vitem it;
    memset(&it, 0, sizeof it);
    /* where to point: the item in the entry (a list name, not its items) */
    it.loc = at.end ? at : n->loc;
    switch (n->kind) {
    case N_LIST:
        for (uint32_t i = 0; i < n->nitems; i++) collect_values(R, fi, n->items[i], s, as_ip, at, depth + 1);
        return;
    case N_NAME: {
        pal_decl *d = resolve(R, fi, n, NULL);
        if (!d || d->kind != D_LIST) { s->unknown = true; return; }
        collect_values(R, file_index(R, d->file), d->expr, s, as_ip, it.loc, depth + 1);
        return;
    }
    case N_STR:
        if (as_ip) {
            const char *err = NULL;
            if (!pal_cidr_parse(n->text, n->len, it.ip, &it.v6, &it.prefix, &err)) { s->unknown = true; return; }
            it.kind = V_IP;
        } else {
            it.kind = V_STR;
            it.s = n->text;
            it.len = n->len;
        }
        vs_add(R, s, it);
        return;
    case N_IP:
        it.kind = V_IP;
        memcpy(it.ip, n->ip, 16);
        it.v6 = n->v6;
        it.prefix = n->has_prefix ? n->prefix : (n->v6 ? 128 : 32);
        vs_add(R, s, it);
        return;
    case N_INT:
        it.kind = V_PORTS;
        it.lo = it.hi = n->i;
        vs_add(R, s, it);
        return;
    case N_RANGE:
        it.kind = V_PORTS;
        it.lo = n->i;
        it.hi = n->i2;
        vs_add(R, s, it);
        return;
    default:
        s->unknown = true;   /* a feed, a call, an expression */
    }
}

static bool windows_shaped(const char *s, uint32_t n)
{
    return memchr(s, '\\', n) || (n >= 2 && s[1] == ':' && ((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'));
}

static bool has_sep(const char *s, uint32_t n) { return memchr(s, '/', n) || memchr(s, '\\', n); }

static bool has_double_star(const char *s, uint32_t n)
{
    for (uint32_t i = 0; i + 1 < n; i++) if (s[i] == '*' && s[i + 1] == '*') return true;
    return false;
}

/* Does glob d match everything glob (or name) a matches?  a is read as a
   literal string; a `**` in a needs a `**` in d. */
static bool glob_covers(const char *d, uint32_t dn, const char *a, uint32_t an, bool path)
{
    bool win = windows_shaped(d, dn) || windows_shaped(a, an);
    if (has_double_star(a, an) && !has_double_star(d, dn)) return false;
    return pal_glob_match(d, dn, a, an, path, win);
}

/* DNS pattern d covers pattern a: "*", equal names, or *.x over names and
   patterns below x. */
static bool dns_covers(const char *d, uint32_t dn, const char *a, uint32_t an)
{
    if (dn == 1 && d[0] == '*') return true;
    if (an == 1 && a[0] == '*') return false;
    bool a_wild = an >= 2 && a[0] == '*' && a[1] == '.';
    bool d_wild = dn >= 2 && d[0] == '*' && d[1] == '.';
    if (!a_wild) return pal_dns_match(d, dn, a, an);
    if (!d_wild) return false;
    /* *.x covers *.y when y is x or below x */
    const char *ax = a + 2, *dx = d + 2;
    uint32_t axn = an - 2, dxn = dn - 2;
    while (axn && ax[axn - 1] == '.') axn--;
    while (dxn && dx[dxn - 1] == '.') dxn--;
    if (axn < dxn) return false;
    if (strncasecmp(ax + axn - dxn, dx, dxn) != 0) return false;
    return axn == dxn || ax[axn - dxn - 1] == '.';
}

static bool ip_covers(const vitem *d, const vitem *a)
{
    if (d->v6 != a->v6 || d->prefix > a->prefix) return false;
    return pal_cidr_contains(d->ip, d->v6, d->prefix, a->ip, a->v6);
}


/* Ports: is every port of a in d? (NULL = every port) */
static bool ports_cover(const vset *d, const vset *a)
{
    if (!d) return true;
    if (d->unknown) return false;
    if (!a) {   /* all ports: d must hold 0-65535 */
        for (uint32_t i = 0; i < d->n; i++) if (d->v[i].lo <= 0 && d->v[i].hi >= 65535) return true;
        return false;
    }
    if (a->unknown) return false;
    for (uint32_t i = 0; i < a->n; i++) {
        /* walk the range of a through d's ranges */
        int64_t lo = a->v[i].lo, hi = a->v[i].hi;
        bool progress = true;
        while (lo <= hi && progress) {
            progress = false;
            for (uint32_t j = 0; j < d->n; j++)
                if (d->v[j].lo <= lo && d->v[j].hi >= lo) { lo = d->v[j].hi + 1; progress = true; }
        }
        if (lo <= hi) return false;
    }
    return true;
}

static bool ports_overlap(const vset *x, const vset *y)
{
    if (!x || !y) return true;
    if (x->unknown || y->unknown) return false;
    for (uint32_t i = 0; i < x->n; i++)
        for (uint32_t j = 0; j < y->n; j++)
            if (x->v[i].lo <= y->v[j].hi && y->v[j].lo <= x->v[i].hi) return true;
    return false;
}

/* ---- PAL0702: allow entries that a deny entry overrides ---- */

static bool str_covers(int sec, const vitem *d, const vitem *a)
{
    if (d->kind != V_STR || a->kind != V_STR) return false;
    if (sec == SEC_DNS) return dns_covers(d->s, d->len, a->s, a->len);
    if (sec == SEC_PROCESS && has_sep(d->s, d->len) != has_sep(a->s, a->len)) return false;   /* name vs executable */
    return glob_covers(d->s, d->len, a->s, a->len, true);
}

static uint32_t line_of(rules *R, uint32_t fi, uint32_t off)
{
    return pal_lint_line(R->c->L, R->c->file_ids[fi], off);
}

static void shadowed_allows(rules *R)
{
    pal_lint_ctx *c = R->c;
    char q1[128], q2[128];
    for (uint32_t fi = 0; fi < c->nfiles; fi++)
        for (pal_decl *d = c->asts[fi] ? c->asts[fi]->decls : NULL; d; d = d->next) {
            if (d->kind != D_RUNTIME) continue;
            for (int s = 0; s < SEC__COUNT; s++) {
                pal_section *sec = &d->sections[s];
                if (!sec->present) continue;
                for (pal_entry *a = sec->entries; a; a = a->next) {
                    if (!a->allow) continue;
                    if (s == SEC_NETWORK) {
                        vset av = {0}, ap = {0};
                        bool a_ip = a->target == ENT_IP || a->target == ENT_IP_PORT || a->target == ENT_VALUES;
                        bool a_port = a->target == ENT_PORT || a->target == ENT_IP_PORT;
                        if (a_ip) collect_values(R, fi, a->values, &av, true, (pal_loc){0, 0, 0}, 0);
                        if (a_port) collect_values(R, fi, a->ports, &ap, false, (pal_loc){0, 0, 0}, 0);
                        if (av.unknown || ap.unknown) continue;
                        for (pal_entry *x = sec->entries; x; x = x->next) {
                            if (x->allow) continue;
                            if (x->direction != DIR_ANY && x->direction != a->direction) continue;
                            vset xv = {0}, xp = {0};
                            bool x_ip = x->target == ENT_IP || x->target == ENT_IP_PORT || x->target == ENT_VALUES;
                            bool x_port = x->target == ENT_PORT || x->target == ENT_IP_PORT;
                            if (x_ip) collect_values(R, fi, x->values, &xv, true, (pal_loc){0, 0, 0}, 0);
                            if (x_port) collect_values(R, fi, x->ports, &xp, false, (pal_loc){0, 0, 0}, 0);
                            if (xv.unknown || xp.unknown) continue;
                            bool ip_ok = !x_ip;
                            if (x_ip && a_ip) {
                                ip_ok = true;
                                for (uint32_t i = 0; i < av.n && ip_ok; i++) {
                                    bool cov = false;
                                    for (uint32_t j = 0; j < xv.n && !cov; j++) cov = ip_covers(&xv.v[j], &av.v[i]);
                                    ip_ok = cov;
                                }
                            }
                            if (!ip_ok || !ports_cover(x_port ? &xp : NULL, a_port ? &ap : NULL)) continue;
                            report(R, fi, "PAL0702", a->loc, "remove the allow entry, or narrow the deny entry",
                                   "'%s' never takes effect: '%s' (line %u) denies all of it, and a deny wins over an allow",
                                   quote(R, fi, a->loc, q1, sizeof q1), quote(R, fi, x->loc, q2, sizeof q2),
                                   line_of(R, fi, x->loc.begin));
                            break;
                        }
                        continue;
                    }
                    /* process, dns, file: value by value */
                    vset av = {0};
                    collect_values(R, fi, a->values, &av, false, (pal_loc){0, 0, 0}, 0);
                    for (uint32_t i = 0; i < av.n; i++) {
                        bool done = false;
                        for (pal_entry *x = sec->entries; x && !done; x = x->next) {
                            if (x->allow) continue;
                            vset xv = {0};
                            collect_values(R, fi, x->values, &xv, false, (pal_loc){0, 0, 0}, 0);
                            for (uint32_t j = 0; j < xv.n && !done; j++) {
                                if (!str_covers(s, &xv.v[j], &av.v[i])) continue;
                                char hint[256];
                                snprintf(hint, sizeof hint,
                                         "remove \"%.*s\" from the allow entry, or narrow the deny entry (in a %s section every matching deny reports)",
                                         (int)(av.v[i].len > 80 ? 80 : av.v[i].len), av.v[i].s, pal_section_name(s));
                                report(R, fi, "PAL0702", av.v[i].loc, hint,
                                       "allowing \"%.*s\" has no effect: deny \"%.*s\" (line %u) matches it, and a deny wins over an allow",
                                       (int)(av.v[i].len > 80 ? 80 : av.v[i].len), av.v[i].s,
                                       (int)(xv.v[j].len > 80 ? 80 : xv.v[j].len), xv.v[j].s, line_of(R, fi, x->loc.begin));
                                done = true;
                            }
                        }
                    }
                }
            }
        }
}

/* ---- PAL0712: a DNS wildcard whose apex is not listed ---- */

/* `*.google.com` matches names below google.com, never google.com itself
   (lang/SPEC.md).  Whoever writes `allow "*.google.com"` alone often means
   the name too; a note says so.  The section's values are compared as a
   whole: when any entry lists the apex, or a pattern that covers it
   (`*.com`, `*`), the author has thought about it, and when any value is
   unknown (a feed) nothing is claimed. */
static void dns_wildcard_apex(rules *R)
{
    pal_lint_ctx *c = R->c;
    for (uint32_t fi = 0; fi < c->nfiles; fi++)
        for (pal_decl *d = c->asts[fi] ? c->asts[fi]->decls : NULL; d; d = d->next) {
            if (d->kind != D_RUNTIME || !d->sections[SEC_DNS].present) continue;
            vset all = {0};
            for (pal_entry *e = d->sections[SEC_DNS].entries; e && !all.unknown; e = e->next)
                collect_values(R, fi, e->values, &all, false, (pal_loc){0, 0, 0}, 0);
            if (all.unknown) continue;
            for (pal_entry *e = d->sections[SEC_DNS].entries; e; e = e->next) {
                vset mine = {0};
                collect_values(R, fi, e->values, &mine, false, (pal_loc){0, 0, 0}, 0);
                for (uint32_t i = 0; i < mine.n; i++) {
                    const vitem *v = &mine.v[i];
                    if (v->kind != V_STR || v->len < 3 || v->s[0] != '*' || v->s[1] != '.') continue;
                    const char *apex = v->s + 2;
                    uint32_t an = v->len - 2;
                    while (an && apex[an - 1] == '.') an--;
                    if (!an || memchr(apex, '*', an)) continue;
                    bool covered = false;
                    for (uint32_t j = 0; j < all.n && !covered; j++)
                        covered = all.v[j].kind == V_STR && dns_covers(all.v[j].s, all.v[j].len, apex, an);
                    if (covered) continue;
                    int vn = v->len > 80 ? 80 : (int)v->len, n = an > 80 ? 80 : (int)an;
                    char hint[256];
                    snprintf(hint, sizeof hint, "list \"%.*s\" too if the name itself is meant: %s \"%.*s\", \"%.*s\"",
                             n, apex, e->allow ? "allow" : "deny", n, apex, vn, v->s);
                    report(R, fi, "PAL0712", v->loc, hint,
                           "\"%.*s\" matches names below %.*s, not %.*s itself, and the section does not list it", vn,
                           v->s, n, apex, n, apex);
                }
            }
        }
}

/* ---- PAL0704, PAL0705: firewall entries ---- */

typedef struct fwent {
    pal_fwentry *e;
    vset from_ip, to_ip;   /* subnet endpoints */
    vset ports;            /* NULL ports = any */
    bool ports_any, ok;
} fwent;

static bool ep_covers(rules *R, const pal_endpoint *d, const vset *dip, const pal_endpoint *a, const vset *aip, bool to)
{
    (void)R;
    if (d->kind == EP_ANY) return true;
    if (a->kind == EP_ANY) return false;
    const pal_node *dv = d->value, *av = a->value;
    if (d->kind == EP_SUBNET && a->kind == EP_SUBNET) {
        if (dip->unknown || aip->unknown || !dip->n || !aip->n) return false;
        return ip_covers(&dip->v[0], &aip->v[0]);
    }
    if (!dv || !av || dv->kind != N_STR || av->kind != N_STR) return false;
    if (d->kind == EP_IMAGE && a->kind == EP_IMAGE) return pal_glob_match(dv->text, dv->len, av->text, av->len, false, false);
    if (d->kind == EP_HOST && a->kind == EP_HOST)
        return to ? pal_dns_match(dv->text, dv->len, av->text, av->len) && !memchr(dv->text, '*', dv->len)
                  : dv->len == av->len && !memcmp(dv->text, av->text, dv->len);
    /* `to dns` and `to host` both read destination.domain */
    if (to && d->kind == EP_DNS && (a->kind == EP_DNS || a->kind == EP_HOST)) return dns_covers(dv->text, dv->len, av->text, av->len);
    if (to && d->kind == EP_HOST && a->kind == EP_DNS)
        return !memchr(av->text, '*', av->len) && pal_dns_match(av->text, av->len, dv->text, dv->len);
    return false;
}

static bool fw_covers(rules *R, const fwent *d, const fwent *a)
{
    return ep_covers(R, &d->e->from, &d->from_ip, &a->e->from, &a->from_ip, false) &&
           ep_covers(R, &d->e->to, &d->to_ip, &a->e->to, &a->to_ip, true) &&
           (d->e->proto == PROTO_ANY || d->e->proto == a->e->proto) &&
           ports_cover(d->ports_any ? NULL : &d->ports, a->ports_any ? NULL : &a->ports);
}

static bool same_endpoint(rules *R, const pal_endpoint *x, const vset *xip, const pal_endpoint *y, const vset *yip, bool to)
{
    return x->kind == y->kind && ep_covers(R, x, xip, y, yip, to) && ep_covers(R, y, yip, x, xip, to);
}

static bool same_endpoints(rules *R, const fwent *x, const fwent *y)
{
    return same_endpoint(R, &x->e->from, &x->from_ip, &y->e->from, &y->from_ip, false) &&
           same_endpoint(R, &x->e->to, &x->to_ip, &y->e->to, &y->to_ip, true);
}

static const char *fw_outcome(const pal_fwentry *e, char *buf, size_t cap)
{
    if (e->allow) return "allow";
    const char *eff = e->effect == PE_PREVENT ? "prevent" : e->effect == PE_BLOCK ? "block" : "alert";
    snprintf(buf, cap, "deny (%s)", eff);
    return buf;
}

static void firewall_entries(rules *R)
{
    pal_lint_ctx *c = R->c;
    char q[128], o1[32], o2[32];
    for (uint32_t fi = 0; fi < c->nfiles; fi++)
        for (pal_decl *d = c->asts[fi] ? c->asts[fi]->decls : NULL; d; d = d->next) {
            if (d->kind != D_FIREWALL) continue;
            uint32_t n = 0;
            for (pal_fwentry *e = d->fw; e; e = e->next) n++;
            if (n < 2 || n > PAL_MAX_OUTCOMES) continue;
            fwent *v = pal_arena_alloc(c->arena, n * sizeof *v);
            if (!v) return;
            uint32_t k = 0;
            for (pal_fwentry *e = d->fw; e; e = e->next, k++) {
                v[k].e = e;
                if (e->from.kind == EP_SUBNET) collect_values(R, fi, e->from.value, &v[k].from_ip, true, (pal_loc){0, 0, 0}, 0);
                if (e->to.kind == EP_SUBNET) collect_values(R, fi, e->to.value, &v[k].to_ip, true, (pal_loc){0, 0, 0}, 0);
                v[k].ports_any = e->ports == NULL;
                if (e->ports) collect_values(R, fi, e->ports, &v[k].ports, false, (pal_loc){0, 0, 0}, 0);
            }
            for (uint32_t j = 1; j < n; j++) {
                bool reported = false;
                for (uint32_t i = 0; i < j && !reported; i++) {
                    if (!fw_covers(R, &v[i], &v[j])) continue;
                    char hint[200];
                    snprintf(hint, sizeof hint, "entries are tried in order and the first match decides: remove this one, or move it above line %u",
                             line_of(R, fi, v[i].e->loc.begin));
                    report(R, fi, "PAL0704", v[j].e->loc, hint,
                           "this entry never decides anything: the entry at line %u (%s) matches all of its traffic first",
                           line_of(R, fi, v[i].e->loc.begin), line_quote(R, fi, v[i].e->loc.begin, q, sizeof q));
                    reported = true;
                }
                /* overlap: the same endpoints and protocol, port sets that
                   share some ports (neither holding the other), and
                   different outcomes — two ranges written for one pair of
                   endpoints that were meant to be disjoint.  Entries whose
                   endpoints differ overlap all the time by design
                   (exceptions above a general entry) and are not reported. */
                for (uint32_t i = 0; i < j && !reported; i++) {
                    bool same = v[i].e->allow == v[j].e->allow && (v[i].e->allow || (v[i].e->effect ? v[i].e->effect : PE_ALERT) == (v[j].e->effect ? v[j].e->effect : PE_ALERT));
                    if (same || v[i].e->proto != v[j].e->proto || !same_endpoints(R, &v[i], &v[j]) ||
                        fw_covers(R, &v[j], &v[i]) ||
                        !ports_overlap(v[i].ports_any ? NULL : &v[i].ports, v[j].ports_any ? NULL : &v[j].ports)) continue;
                    char hint[200];
                    snprintf(hint, sizeof hint, "if line %u should win for the shared traffic, move it above; else narrow one of them",
                             line_of(R, fi, v[j].e->loc.begin));
                    report(R, fi, "PAL0705", v[j].e->loc, hint,
                           "this entry (%s) overlaps the entry at line %u (%s): traffic that matches both gets the earlier one's outcome",
                           fw_outcome(v[j].e, o2, sizeof o2), line_of(R, fi, v[i].e->loc.begin), fw_outcome(v[i].e, o1, sizeof o1));
                    reported = true;
                }
            }
        }
}

/* ---- PAL0706: checks without title, severity or remediation ---- */

static bool has_attr(const pal_decl *d, const char *key)
{
    for (const pal_attr *a = d->attrs; a; a = a->next)
        if (!strcmp(a->key, key)) return true;
    return false;
}

static void incomplete_checks(rules *R)
{
    pal_lint_ctx *c = R->c;
    static const char *const need[] = {"title", "severity", "remediation"};
    for (uint32_t i = 0; i < c->nfiles; i++)
        for (pal_decl *d = c->asts[i] ? c->asts[i]->decls : NULL; d; d = d->next) {
            if (d->kind != D_CHECK) continue;
            char missing[64] = "";
            int k = 0;
            for (int j = 0; j < 3; j++)
                if (!has_attr(d, need[j]))
                    snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%s", k++ ? ", " : "", need[j]);
            if (!k) continue;
            report(R, i, "PAL0706", d->name_loc,
                   "reports show a check by its title and severity, and tell how to fix it by its remediation",
                   "check \"%s\" has no %s", d->name, missing);
        }
}

/* ---- PAL0707: package names that do not match the directory ---- */

static void package_paths(rules *R)
{
    pal_lint_ctx *c = R->c;
    for (uint32_t i = 0; i < c->nfiles; i++) {
        pal_file *f = c->asts[i];
        if (!f || !f->package) continue;
        const char *path = c->relpaths[i];
        const char *slash = strrchr(path, '/');
        char dir[LINT_PATH_BYTES] = "", want[LINT_PATH_BYTES] = "", alt[LINT_PATH_BYTES * 2 + 2];
        if (slash) snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
        snprintf(want, sizeof want, "%s", dir);
        for (char *p = want; *p; p++) if (*p == '/') *p = '.';
        /* the repo's own name is accepted as the root: `package checks` in checks/ */
        snprintf(alt, sizeof alt, "%s%s%s", c->root_name, *want ? "." : "", want);
        if (!strcmp(f->package, want) || !strcmp(f->package, alt)) continue;
        char hint[LINT_PATH_BYTES * 3 + 160];
        if (*want)
            snprintf(hint, sizeof hint, "write `package %s` (or leave it out: the directory is the package), or move the file", want);
        else
            snprintf(hint, sizeof hint, "write `package %s`, or leave it out (files at the root are in the root package)", alt);
        report(R, i, "PAL0707", f->package_loc, hint,
               "package '%s' does not match the file's directory '%s'", f->package, *dir ? dir : c->root_name);
    }
}

/* ---- PAL0708 (within a repo): duplicate test names ---- */

static void duplicate_tests(rules *R)
{
    pal_lint_ctx *c = R->c;
    for (uint32_t i = 0; i < c->nfiles; i++)
        for (pal_decl *d = c->asts[i] ? c->asts[i]->decls : NULL; d; d = d->next) {
            if (d->kind != D_TEST || !d->name) continue;
            pal_decl *first = tab_get(R, NS_TESTS, d->name, strlen(d->name));   /* the first in path order */
            if (!first || first == d) continue;
            uint32_t ffi = file_index(R, first->file), id = c->file_ids[ffi];
            char hint[LINT_PATH_BYTES + 64];
            snprintf(hint, sizeof hint, "the first is at %s:%u; rename one",
                     id < c->L->nfiles ? c->L->files[id].path : "?", line_of(R, ffi, first->name_loc.begin));
            report(R, i, "PAL0708", d->name_loc, hint,
                   "test \"%s\" is declared twice; reports and --run tell tests apart by name", d->name);
        }
}

/* ---- PAL0710: tests that assert nothing ---- */

static unsigned test_kind(const pal_decl *t)
{
    unsigned k = 0;
    for (const pal_given *g = t->given; g; g = g->next) {
        if (!strcmp(g->group, "image")) return 0;
        if (!strcmp(g->group, "event"))
            for (const pal_attr *a = g->fields; a; a = a->next)
                if (!strcmp(a->key, "category")) return 0;   /* given explicitly: not guessed */
        if (!strcmp(g->group, "dns")) k |= PK_DNS;
        if (!strcmp(g->group, "network"))
            for (const pal_attr *a = g->fields; a; a = a->next)
                if (!strcmp(a->key, "protocol") && a->value && a->value->kind == N_STR && a->value->len == 3 &&
                    !strncasecmp(a->value->text, "dns", 3))
                    k |= PK_DNS;
        if (!strcmp(g->group, "source") || !strcmp(g->group, "destination"))
            for (const pal_attr *a = g->fields; a; a = a->next)
                if (!strcmp(a->key, "ip")) k |= PK_NETWORK;
        if (!strcmp(g->group, "file"))
            for (const pal_attr *a = g->fields; a; a = a->next)
                if (!strcmp(a->key, "path")) k |= PK_FILE;
        if (!strcmp(g->group, "registry")) k |= PK_REGISTRY;
        if (!strcmp(g->group, "dll")) k |= PK_LIBRARY;
        if (!strcmp(g->group, "process")) k |= PK_PROCESS;
    }
    /* the order in which an event's kind is told from its fields (SPEC 15) */
    if (k & PK_DNS) return PK_DNS;
    if (k & PK_NETWORK) return PK_NETWORK;
    if (k & PK_FILE) return PK_FILE;
    if (k & PK_REGISTRY) return PK_REGISTRY;
    if (k & PK_LIBRARY) return PK_LIBRARY;
    if (k & PK_PROCESS) return PK_PROCESS;
    return 0;
}

static pal_decl *find_target(rules *R, const char *name)
{
    return tab_get(R, NS_TARGETS, name, strlen(name));
}

static void empty_tests(rules *R)
{
    pal_lint_ctx *c = R->c;
    for (uint32_t i = 0; i < c->nfiles; i++)
        for (pal_decl *d = c->asts[i] ? c->asts[i]->decls : NULL; d; d = d->next) {
            if (d->kind != D_TEST) continue;
            bool gives = false;
            for (pal_given *g = d->given; g; g = g->next) if (g->fields) gives = true;
            if (!gives) {
                report(R, i, "PAL0710", d->name_loc, "give the fields the rule or check under test reads",
                       "test \"%s\" gives no input: every group is empty", d->name);
                continue;
            }
            if (!d->expect_by || d->expect_effect != PE_ALLOW) continue;
            unsigned kind = test_kind(d);
            pal_decl *t = find_target(R, d->expect_by);
            if (!kind || !t) continue;
            unsigned tk = 0;
            if (t->kind == D_RULE && t->has_kinds) tk = t->kinds;
            else if (t->kind == D_FIREWALL) tk = PK_NETWORK;
            else if (t->kind == D_RUNTIME)
                for (int s = 0; s < SEC__COUNT; s++) if (t->sections[s].present) tk |= pal_section_kind(s);
            if (!tk || (tk & kind)) continue;
            report(R, i, "PAL0710", d->expect_loc, "give an event of a kind it decides, so the test can fail",
                   "test \"%s\" cannot fail: \"%s\" never sees %s events, so it always allows this one",
                   d->name, d->expect_by, pal_kind_name(kind));
        }
}

/* ---- PAL0713, PAL0714, PAL0715: sequences and counting rules ---- */

/* The step's condition requires `field` to be absent: a top-level
   `not exists(field)` conjunct. */
static const pal_node *requires_absent(const pal_node *cond, const char *field, size_t flen)
{
    const pal_node *ops[64];
    uint32_t k = 0;
    flatten(cond, N_AND, ops, &k, 64, 0);
    for (uint32_t i = 0; i < k; i++) {
        bool neg;
        const pal_node *o = strip_not(ops[i], &neg);
        if (neg && o && o->kind == N_CALL && o->len == 6 && !memcmp(o->text, "exists", 6) && o->nitems == 1 &&
            o->items[0]->kind == N_NAME && o->items[0]->len == flen && !memcmp(o->items[0]->text, field, flen))
            return ops[i];
    }
    return NULL;
}

static void seq_findings(rules *R, uint32_t fi, pal_decl *d)
{
    char q[128], w[32];
    /* PAL0714: a window inside the tolerance (both are in ms) */
    if (d->has_within && d->within < PAL_SEQ_TOLERANCE_MS && (d->kind == D_SEQUENCE || d->count_kind != CNT_NONE)) {
        snprintf(w, sizeof w, "%lldms", (long long)d->within);
        report(R, fi, "PAL0714", d->within_loc, "widen the window to 2s or more",
               "the window (%s) is shorter than the %d ms tolerance for late events: which events it holds "
               "depends on the order they arrive in, not only on their times",
               w, PAL_SEQ_TOLERANCE_MS);
    }
    if (d->kind != D_SEQUENCE) return;
    uint32_t j = 0;
    bool all_own = d->nsteps > 0;
    for (pal_step *st = d->steps; st; st = st->next, j++) {
        const pal_node *by = st->by ? st->by : d->by;
        if (!st->by) all_own = false;
        /* PAL0713: a step whose condition never holds, or that the until
           always cancels */
        cval v = fold(R, fi, st->expr, NULL, 0);
        bool always = true;
        const char *why = NULL;
        if ((v.kind == CK_BOOL && !v.b) ||
            (st->expr && st->expr->kind == N_AND && contradiction(R, fi, st->expr, NULL, &always) && !always))
            why = "its condition is never true";
        else if (d->until && st->expr && node_equal(st->expr, d->until->expr, 0) &&
                 (!d->until->has_kinds || !st->has_kinds || (st->kinds & ~d->until->kinds) == 0))
            why = "every event it holds for also satisfies `until`, which cancels the chain";
        if (why) {
            const char *then = d->unordered ? "the sequence never matches"
                             : j + 1 < d->nsteps ? "it and the steps after it are never reached" : "the sequence never matches";
            if (st->name) report(R, fi, "PAL0713", st->loc, "fix the condition, or the until",
                                 "step '%s' never takes part: %s, so %s", st->name, why, then);
            else report(R, fi, "PAL0713", st->loc, "fix the condition, or the until",
                        "step %u never takes part: %s, so %s", j + 1, why, then);
        }
        /* PAL0715: a join field the step requires absent (an event without
           one of its join fields joins no group) */
        for (uint32_t k = 0; by && k < by->nitems; k++) {
            const pal_node *f = by->items[k];
            const pal_node *absent = f && f->kind == N_NAME ? requires_absent(st->expr, f->text, f->len) : NULL;
            if (!absent) continue;
            pal_loc l = span(absent);
            report(R, fi, "PAL0715", l, "join on a field the step's events have, or drop the test",
                   "'%s': step %u requires its join field '%.*s' to be absent, but an event without its join "
                   "fields takes part in no chain",
                   quote(R, fi, l, q, sizeof q), j + 1, (int)f->len, f->text);
        }
    }
    /* PAL0715: the sequence's `by` that every step replaces with its own */
    if (d->by && all_own && (!d->until || d->until->by))
        report(R, fi, "PAL0715", d->by_loc, "remove it",
               "the sequence's 'by' is never used: every step gives its own");
}

static void sequences(rules *R)
{
    pal_lint_ctx *c = R->c;
    for (uint32_t i = 0; i < c->nfiles; i++)
        for (pal_decl *d = c->asts[i] ? c->asts[i]->decls : NULL; d; d = d->next)
            if (d->kind == D_SEQUENCE || (d->kind == D_RULE && d->count_kind != CNT_NONE)) seq_findings(R, i, d);
}

void pal_lint_rules(pal_lint_ctx *c)
{
    rules R;
    if (!setup(&R, c)) return;
    unused_declarations(&R);
    shadowed_allows(&R);
    constant_conditions(&R);
    firewall_entries(&R);
    incomplete_checks(&R);
    package_paths(&R);
    duplicate_tests(&R);
    plain_regexes(&R);
    empty_tests(&R);
    dns_wildcard_apex(&R);
    sequences(&R);
}
