/*
 * sigma.c — one Sigma rule into one palisade `rule` (the contract is in
 * sigma.h; the field mapping in sigma_map.c).
 *
 * Design.  The converter writes palisade source text, not a syntax tree:
 * the output is what a user reads and edits, and palisade's own parser,
 * checker and formatter then judge it — every converted rule is compiled
 * alone and formatted before it is handed back, so a converter slip is a
 * refusal, never a file that does not build.
 *
 * Translation, piece by piece (SigmaHQ's specification v2, pySigma's
 * reading where the text is silent):
 *
 *   value        Sigma's escapes (\* \? \\) and wildcards become a literal
 *                with wildcard marks.  No wildcard: ==, or the modifier's
 *                contains/startswith/endswith.  A leading or trailing `*`
 *                only: contains/startswith/endswith (cleaner, and the rule
 *                index keys them).  Other wildcards: `like`, with `*`
 *                written `**` on path fields (Sigma's `*` crosses `\`);
 *                what a glob cannot say (`?` on a path, a literal `*`)
 *                becomes an anchored regex.
 *   case         Sigma compares without case: every string test is
 *                `nocase` unless the rule says `|cased`; `|re` is
 *                case-sensitive unless `|re|i`.
 *   lists        values are ORed (`in`, or a constant list right of
 *                contains/startswith/endswith/like), ANDed with `|all`.
 *   encodings    |windash |base64 |base64offset |utf16le |utf16be |utf16
 *                |wide become the language's functions of the same names,
 *                applied in the order written.
 *   others       |re (with i m s), |cidr, |exists, |fieldref, |gt |gte
 *                |lt |lte, |neq; `null` is "the field is absent".
 *   refused      |expand (placeholders need a pipeline's values), the time
 *                modifiers (palisade has no date parts), filter documents,
 *                aggregations in the condition (correlations are
 *                converted: "correlations" below), a field
 *                the mapping does not name or the schema lacks, a textual
 *                test on a number or an address that has no exact form.
 *
 *   condition    or < and < not < `N of` < parentheses; `1 of`/`any of`
 *                is or, `all of` is and, over identifiers matching the
 *                pattern (`them`: every identifier not starting with `_`).
 *
 * Broader, never narrower: where palisade's schema compares more loosely
 * than Sigma's text (Windows paths ignore case and treat '\' and '/' as
 * one; domains ignore a trailing dot), the converted rule matches at least
 * what the Sigma rule matches.
 */
#include "lang/tools/sigma.h"
#include "lang/tools/sigma_int.h"
#include "lang/tools/fmt.h"
#include "lang/compile/palc.h"
#include "engine/base/yaml.h"
#include "engine/base/strbuf.h"
#include "engine/core/schema.h"
#include "engine/core/match.h"
#include "engine/core/winevents.h"
#include "engine/base/limits.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the conversion of one rule ---- */

typedef struct conv {
    const pal_sigma_map *map;
    const sigma_source *src;
    const pal_yaml_doc *doc;
    const pal_yaml *detection;
    pal_sigma_result *res;
    const char *name;                /* the rule's name when not its id (a rule collection's second rule, ...) */
    const char *note;                /* a provenance line (which document of a collection), or NULL */
    bool negated;                    /* the search being converted is under an odd number of `not`s */
    const char *search_name;         /* ... and its identifier */
    char absent[320];                /* "FIELD in SEARCH, ...": tests taken as false (absent_field) */
    bool refused;
    unsigned depth;
    struct {                         /* a Sigma 1.0 aggregation: `| count([F]) [by G] > N` */
        bool present, gt;
        char field[128], by[128];    /* Sigma names; "" when not given */
        long long n;
        const pal_yaml *at;
    } agg;
} conv;

/* Refuses the rule: the first reason wins (later ones follow from it).
   invalid: the file is not valid Sigma; code: the reason's class (sigma.h). */
static bool vrefuse(conv *c, bool invalid, const char *code, const pal_yaml *at, const char *fmt, va_list ap)
{
    if (c->refused) return false;
    c->refused = true;
    c->res->invalid = invalid;
    snprintf(c->res->code, sizeof c->res->code, "%s", code);
    int n = 0;
    if (at) n = snprintf(c->res->reason, sizeof c->res->reason, "line %u: ", at->line);
    if (n < 0 || (size_t)n >= sizeof c->res->reason) n = 0;
    vsnprintf(c->res->reason + n, sizeof c->res->reason - (size_t)n, fmt, ap);
    return false;
}

/* Valid Sigma that palisade does not convert, for the reason class `code`. */
__attribute__((format(printf, 4, 5)))
static bool refuse_as(conv *c, const char *code, const pal_yaml *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vrefuse(c, false, code, at, fmt, ap);
    va_end(ap);
    return false;
}

/* Not valid Sigma: what the specification (or pySigma) rejects. */
__attribute__((format(printf, 4, 5)))
static bool invalid(conv *c, const char *code, const pal_yaml *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vrefuse(c, true, code, at, fmt, ap);
    va_end(ap);
    return false;
}

/* A conversion palisade has no form for (the class "value" unless the
   caller names another): the common case, so the short name. */
__attribute__((format(printf, 3, 4)))
static bool refuse(conv *c, const pal_yaml *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vrefuse(c, false, "value", at, fmt, ap);
    va_end(ap);
    return false;
}

__attribute__((format(printf, 2, 3)))
static void sbf(pal_strbuf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) { pal_strbuf_append(b, tmp, (size_t)n); return; }
    char *big = malloc((size_t)n + 1);
    if (!big) { b->failed = true; return; }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    pal_strbuf_append(b, big, (size_t)n);
    free(big);
}

/* A palisade string literal of s: raw ('…') when it can be, else "…" with
   escapes.  Raw strings keep Windows paths readable. */
static void put_lit(pal_strbuf *b, const char *s, size_t n)
{
    bool raw = true;
    for (size_t i = 0; i < n && raw; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\'' || ch < 0x20 || ch == 0x7f) raw = false;
    }
    if (raw) {
        pal_strbuf_putc(b, '\'');
        pal_strbuf_append(b, s, n);
        pal_strbuf_putc(b, '\'');
        return;
    }
    pal_strbuf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        switch (ch) {
        case '"': pal_strbuf_append(b, "\\\"", 2); break;
        case '\\': pal_strbuf_append(b, "\\\\", 2); break;
        case '\n': pal_strbuf_append(b, "\\n", 2); break;
        case '\t': pal_strbuf_append(b, "\\t", 2); break;
        case '\r': pal_strbuf_append(b, "\\r", 2); break;
        default:
            if (ch < 0x20 || ch == 0x7f) sbf(b, "\\x%02x", ch);
            else pal_strbuf_putc(b, (char)ch);
        }
    }
    pal_strbuf_putc(b, '"');
}

/* ---- precedence of generated text ---- */

/* How loosely a piece of generated condition binds, from its top-level
   operators (outside quotes and brackets): a comparison or call, `not x`,
   `a and b`, `a or b`, or a quantifier (whose body reaches to the right). */
enum { L_ATOM = 0, L_NOT, L_AND, L_OR, L_QUANT };

static int level_of(const char *s, size_t n)
{
    int depth = 0, level = L_ATOM;
    char q = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (q) {
            if (q == '"' && ch == '\\') i++;
            else if (ch == q) q = 0;
            continue;
        }
        if (ch == '\'' || ch == '"') q = ch;
        else if (ch == '(' || ch == '[') depth++;
        else if (ch == ')' || ch == ']') depth--;
        else if (depth == 0 && ch == ':') return L_QUANT;
        else if (depth == 0 && (ch == ' ' || ch == '\n')) {
            const char *w = s + i + 1;
            size_t rest = n - i - 1;
            if (rest >= 3 && !strncmp(w, "or ", 3)) level = L_OR;
            else if (rest >= 4 && !strncmp(w, "and ", 4) && level < L_AND) level = L_AND;
        }
    }
    if (level == L_ATOM && n >= 4 && !strncmp(s, "not ", 4)) level = L_NOT;
    return level;
}

/* Appends piece p to o, in parentheses when it binds more loosely than max. */
static void put_piece(pal_strbuf *o, const char *p, size_t n, int max)
{
    bool paren = level_of(p, n) > max;
    if (paren) pal_strbuf_putc(o, '(');
    pal_strbuf_append(o, p, n);
    if (paren) pal_strbuf_putc(o, ')');
}

/* ---- Sigma values ---- */

/* A Sigma string after its escapes: bytes, and which of them are wildcards. */
typedef struct sval {
    char *s;          /* the bytes (NUL-terminated) */
    uint8_t *wild;    /* per byte: 0 literal, '*' or '?' a wildcard */
    size_t n;
    bool null;        /* YAML null (or an empty plain scalar) */
    bool plain;       /* written without quotes (numbers, true/false) */
} sval;

static void sval_free(sval *v) { free(v->s); free(v->wild); memset(v, 0, sizeof *v); }

/* Parses Sigma's escapes (pySigma: a backslash before *, ? or a backslash
   makes it literal; any other backslash is itself).  raw: no escapes and
   no wildcards (|re, |fieldref). */
static bool sval_parse(const pal_yaml *y, bool raw, sval *v)
{
    memset(v, 0, sizeof *v);
    v->plain = y->plain;
    if (y->plain && (y->len == 0 || !strcmp(y->str, "null") || !strcmp(y->str, "~") ||
                     !strcmp(y->str, "Null") || !strcmp(y->str, "NULL"))) {
        v->null = true;
        return true;
    }
    v->s = malloc(y->len + 1);
    v->wild = calloc(y->len + 1, 1);
    if (!v->s || !v->wild) { sval_free(v); return false; }
    for (size_t i = 0; i < y->len; i++) {
        char ch = y->str[i];
        if (!raw && ch == '\\' && i + 1 < y->len && (y->str[i + 1] == '*' || y->str[i + 1] == '?' || y->str[i + 1] == '\\')) {
            v->s[v->n++] = y->str[++i];
            continue;
        }
        if (!raw && (ch == '*' || ch == '?')) v->wild[v->n] = (uint8_t)ch;
        v->s[v->n++] = ch;
    }
    v->s[v->n] = 0;
    return true;
}

static bool sval_has_wild(const sval *v, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (v->wild[i]) return true;
    return false;
}

static bool sval_has_literal(const sval *v, char ch)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->s[i] == ch && !v->wild[i]) return true;
    return false;
}

/* ---- modifiers ---- */

enum { VO_EQ = 0, VO_CONTAINS, VO_STARTS, VO_ENDS };
enum { CMP_NONE = 0, CMP_LT, CMP_LE, CMP_GT, CMP_GE };
enum { ENC_MAX = 8 };

typedef struct mods {
    int op;                     /* VO_* from contains/startswith/endswith */
    int cmp;                    /* CMP_* */
    bool all, cased, re, re_i, re_m, re_s, cidr, exists, fieldref, neq;
    const char *enc[ENC_MAX];   /* windash base64 ... in the order written */
    int nenc;
} mods;

static bool parse_mods(conv *c, const pal_yaml *key, const char *s, mods *m)
{
    memset(m, 0, sizeof *m);
    while (*s) {
        const char *e = strchr(s, '|');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        char w[32];
        if (n == 0 || n >= sizeof w) return invalid(c, "modifier", key, "modifier '%.*s' in '%s' is not one Sigma defines", (int)(n > 60 ? 60 : n), s, key->str);
        memcpy(w, s, n);
        w[n] = 0;
        int op = -1;
        if (!strcmp(w, "contains")) op = VO_CONTAINS;
        else if (!strcmp(w, "startswith")) op = VO_STARTS;
        else if (!strcmp(w, "endswith")) op = VO_ENDS;
        if (op >= 0) {
            if (m->op != VO_EQ) return invalid(c, "modifier", key, "'%s' has two of contains, startswith and endswith", key->str);
            m->op = op;
        } else if (!strcmp(w, "all")) m->all = true;
        else if (!strcmp(w, "cased")) m->cased = true;
        else if (!strcmp(w, "re")) m->re = true;
        else if (m->re && !strcmp(w, "i")) m->re_i = true;
        else if (m->re && !strcmp(w, "m")) m->re_m = true;
        else if (m->re && !strcmp(w, "s")) m->re_s = true;
        else if (!strcmp(w, "cidr")) m->cidr = true;
        else if (!strcmp(w, "exists")) m->exists = true;
        else if (!strcmp(w, "fieldref")) m->fieldref = true;
        else if (!strcmp(w, "neq")) m->neq = true;
        else if (!strcmp(w, "lt")) m->cmp = CMP_LT;
        else if (!strcmp(w, "lte")) m->cmp = CMP_LE;
        else if (!strcmp(w, "gt")) m->cmp = CMP_GT;
        else if (!strcmp(w, "gte")) m->cmp = CMP_GE;
        else if (!strcmp(w, "windash") || !strcmp(w, "base64") || !strcmp(w, "base64offset") ||
                 !strcmp(w, "utf16le") || !strcmp(w, "utf16be") || !strcmp(w, "utf16") || !strcmp(w, "wide")) {
            if (m->nenc == ENC_MAX) return refuse_as(c, "limit", key, "'%s' chains more than %d encodings", key->str, ENC_MAX);
            m->enc[m->nenc++] = !strcmp(w, "windash") ? "windash" : !strcmp(w, "base64") ? "base64"
                              : !strcmp(w, "base64offset") ? "base64offset" : !strcmp(w, "utf16le") ? "utf16le"
                              : !strcmp(w, "utf16be") ? "utf16be" : !strcmp(w, "utf16") ? "utf16" : "wide";
        } else if (!strcmp(w, "expand"))
            return refuse_as(c, "modifier", key, "'%s': |expand placeholders take their values from a pySigma pipeline, which palisade has not got; write the values out", key->str);
        else if (!strcmp(w, "minute") || !strcmp(w, "hour") || !strcmp(w, "day") || !strcmp(w, "week") ||
                 !strcmp(w, "month") || !strcmp(w, "year"))
            return refuse_as(c, "modifier", key, "'%s': the time modifier |%s has no palisade equivalent (timestamps are text)", key->str, w);
        else
            return invalid(c, "modifier", key, "'%s': unknown modifier |%s", key->str, w);
        s += n;
        if (*s == '|') s++;
    }
    int kinds = (m->op != VO_EQ) + m->re + m->cidr + m->exists + (m->cmp != CMP_NONE);
    if (kinds > 1 || (m->fieldref && (m->re || m->cidr || m->exists || m->cmp || m->nenc)) ||
        (m->nenc && (m->re || m->cidr || m->exists || m->cmp)))
        return refuse_as(c, "modifier", key, "'%s' combines modifiers that do not go together", key->str);
    return true;
}

/* ---- fields ---- */

typedef struct target {
    int idx;              /* schema field index */
    const char *name;
    int type;             /* PT_* */
    int elem;             /* PT_LIST: element type */
} target;

/* The kinds of a logsource's `on` ("process", "file, registry"), or 0
   when it names none (the compiler infers the kind from the fields). */
static unsigned source_kinds(const sigma_source *src)
{
    unsigned kinds = 0;
    for (const char *k = src && src->kind ? src->kind : ""; *k;) {
        while (*k == ',' || *k == ' ') k++;
        size_t n = strcspn(k, ", ");
        kinds |= (unsigned)pal_kind_from_name(k, n);
        k += n;
    }
    return kinds;
}

/* The schema field a Sigma field maps to, for a rule of logsource src.  A
   field no record of the logsource's kind carries (Details, a registry
   value's, on a file_event rule; TargetObject on process_creation) is the
   rule's mistake: a test of it is never true there, so the rule is refused
   naming the field and the kinds that have it, rather than converted into
   a rule that does something else than its author read. */
static bool resolve_for(conv *c, const sigma_source *src, const pal_yaml *at, const char *sigma_field, const char *palisade,
                        target *t)
{
    const pal_schema *s = pal_schema_get(PS_EVENT);
    int i = pal_schema_find(s, palisade, strlen(palisade));
    if (i < 0)
        return refuse_as(c, "field", at, "field %s maps to %s, which is not a field of this palisade's event schema", sigma_field, palisade);
    unsigned kinds = source_kinds(src), has = s->fields[i].kinds;
    if (kinds && has != PK_ALL && !(has & kinds)) {
        char names[96] = "";
        size_t n = 0;
        for (unsigned b = 0; b < PAL_NKINDS; b++)
            if (has & (1u << b) && n < sizeof names)
                n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", n ? ", " : "", pal_kind_name(1u << b));
        return refuse_as(c, "field", at, "field %s (%s) is never in %s records, which this logsource's rules run on: palisade "
                         "has it in %s records only, so here it is never set (a slip in the field or the logsource?)", sigma_field, s->fields[i].name, src->kind, names);
    }
    t->idx = i;
    t->name = s->fields[i].name;
    t->type = s->fields[i].type;
    t->elem = s->fields[i].elem;
    return true;
}

static bool resolve(conv *c, const pal_yaml *at, const char *sigma_field, const char *palisade, target *t)
{
    return resolve_for(c, c->src, at, sigma_field, palisade, t);
}

/* The mapping of a Sigma field (with the fallback prefix), NULL when none. */
static const sigma_field_map *field_map(conv *c, const char *name, sigma_field_map *scratch, char *buf, size_t cap)
{
    const sigma_field_map *f = sigma_map_field(c->map, c->src, name);
    if (f) return f;
    if (!c->map->fallback) return NULL;
    int n = snprintf(buf, cap, "%s%s", c->map->fallback, name);
    if (n < 0 || (size_t)n >= cap) return NULL;
    if (pal_schema_find(pal_schema_get(PS_EVENT), buf, (size_t)n) < 0) return NULL;
    memset(scratch, 0, sizeof *scratch);
    scratch->sigma = name;
    scratch->kind = SM_FIELD;
    scratch->target = buf;
    return scratch;
}

static bool is_strlike(int t) { return t == PT_STRING || t == PT_PATH || t == PT_DNS; }

/* ---- one test: FIELD OP VALUE ---- */

/* A constant expression for a string value under the encodings: "'x'",
   "base64offset(utf16le('x'))". */
static void put_encoded(pal_strbuf *b, const mods *m, const char *s, size_t n)
{
    for (int i = m->nenc - 1; i >= 0; i--) sbf(b, "%s(", m->enc[i]);
    put_lit(b, s, n);
    for (int i = 0; i < m->nenc; i++) pal_strbuf_putc(b, ')');
}

/* The glob of v (with the modifier's stars) for `like`, or false when a
   glob cannot say it: a literal * or ?, a ? on a path field. */
static bool glob_of(const sval *v, int op, bool path, pal_strbuf *g)
{
    if (sval_has_literal(v, '*') || sval_has_literal(v, '?')) return false;
    if (op == VO_CONTAINS || op == VO_ENDS) pal_strbuf_append(g, path ? "**" : "*", path ? 2 : 1);
    for (size_t i = 0; i < v->n; i++) {
        if (v->wild[i] == '*') pal_strbuf_append(g, path ? "**" : "*", path ? 2 : 1);
        else if (v->wild[i] == '?') { if (path) return false; pal_strbuf_putc(g, '?'); }
        else pal_strbuf_putc(g, v->s[i]);
    }
    if (op == VO_CONTAINS || op == VO_STARTS) pal_strbuf_append(g, path ? "**" : "*", path ? 2 : 1);
    return true;
}

/* The anchored regex of v (wildcards as .* and .), case-insensitive unless cased. */
static void regex_of(const sval *v, int op, bool cased, pal_strbuf *r)
{
    pal_strbuf_append(r, cased ? "(?s)" : "(?is)", cased ? 4 : 5);
    if (op != VO_CONTAINS && op != VO_ENDS) pal_strbuf_putc(r, '^');
    for (size_t i = 0; i < v->n; i++) {
        if (v->wild[i] == '*') { pal_strbuf_append(r, ".*", 2); continue; }
        if (v->wild[i] == '?') { pal_strbuf_putc(r, '.'); continue; }
        if (strchr("\\^$.|?*+()[]{}", v->s[i])) pal_strbuf_putc(r, '\\');
        pal_strbuf_putc(r, v->s[i]);
    }
    if (op != VO_CONTAINS && op != VO_STARTS) pal_strbuf_putc(r, '$');
}

/* What one string value becomes: an operator and a constant. */
enum { TO_EQ = 0, TO_CONTAINS, TO_STARTS, TO_ENDS, TO_LIKE, TO_RE, TO__N };
static const char *const to_words[TO__N] = {"in", "contains", "startswith", "endswith", "like", "matches"};

typedef struct test_list {
    pal_strbuf items[TO__N];   /* constants, comma-separated */
    unsigned n[TO__N];
} test_list;

static void tl_init(test_list *t)
{
    memset(t, 0, sizeof *t);
    for (int i = 0; i < TO__N; i++) pal_strbuf_init(&t->items[i], PAL_SIGMA_MAX_OUTPUT);
}

static void tl_free(test_list *t)
{
    for (int i = 0; i < TO__N; i++) pal_strbuf_free(&t->items[i]);
}

static void tl_add(test_list *t, int to, const char *lit, size_t n, bool is_expr)
{
    pal_strbuf *b = &t->items[to];
    if (t->n[to]++) pal_strbuf_append(b, ", ", 2);
    if (is_expr) pal_strbuf_append(b, lit, n);
    else put_lit(b, lit, n);
}

/* Sorts one string value of a string field into t. */
static bool string_value(conv *c, const pal_yaml *at, const mods *m, const sval *v, bool path, bool dns, test_list *t)
{
    if (m->re) {
        pal_strbuf r;
        pal_strbuf_init(&r, 0);
        const char *flags = m->re_i ? (m->re_m ? (m->re_s ? "(?ims)" : "(?im)") : (m->re_s ? "(?is)" : "(?i)"))
                                    : (m->re_m ? (m->re_s ? "(?ms)" : "(?m)") : (m->re_s ? "(?s)" : ""));
        pal_strbuf_puts(&r, flags);
        pal_strbuf_append(&r, v->s, v->n);
        tl_add(t, TO_RE, r.s ? r.s : "", r.len, false);
        pal_strbuf_free(&r);
        return true;
    }
    if (m->nenc) {
        if (sval_has_wild(v, 0, v->n) && strcmp(m->enc[0], "windash") != 0)
            return invalid(c, "modifier", at, "a value with wildcards cannot be %s-encoded (as in pySigma)", m->enc[0]);
        if (sval_has_wild(v, 0, v->n)) {
            /* windash of a pattern: like over the spellings */
            pal_strbuf g, e;
            pal_strbuf_init(&g, 0);
            pal_strbuf_init(&e, 0);
            bool ok = !path && glob_of(v, m->op, false, &g);
            if (ok) put_encoded(&e, m, g.s ? g.s : "", g.len);
            if (ok) tl_add(t, TO_LIKE, e.s ? e.s : "", e.len, true);
            pal_strbuf_free(&g);
            pal_strbuf_free(&e);
            return ok ? true : refuse(c, at, "a windash value with these wildcards has no glob form here");
        }
        pal_strbuf e;
        pal_strbuf_init(&e, 0);
        put_encoded(&e, m, v->s, v->n);
        static const int to_of[] = {TO_EQ, TO_CONTAINS, TO_STARTS, TO_ENDS};
        tl_add(t, to_of[m->op], e.s ? e.s : "", e.len, true);
        pal_strbuf_free(&e);
        return true;
    }
    /* wildcards only at the ends become the modifier they spell */
    size_t from = 0, to = v->n;
    int op = m->op;
    bool lead = v->n > 0 && v->wild[0] == '*', trail = v->n > 1 && v->wild[v->n - 1] == '*';
    if ((lead || trail) && !sval_has_wild(v, lead ? 1 : 0, trail ? v->n - 1 : v->n)) {
        bool lead_ok = !lead || op == VO_EQ || op == VO_ENDS || op == VO_CONTAINS;
        bool trail_ok = !trail || op == VO_EQ || op == VO_STARTS || op == VO_CONTAINS;
        if (lead_ok && trail_ok && (v->n > 1 || op == VO_EQ)) {
            from = lead ? 1 : 0;
            to = trail ? v->n - 1 : v->n;
            bool s = lead || op == VO_CONTAINS || op == VO_ENDS, e = trail || op == VO_CONTAINS || op == VO_STARTS;
            op = s && e ? VO_CONTAINS : s ? VO_ENDS : e ? VO_STARTS : VO_EQ;
            if (v->n == 1) { op = VO_CONTAINS; from = to = 0; }   /* '*': any value */
        }
    }
    if (!sval_has_wild(v, from, to)) {
        static const int to_of[] = {TO_EQ, TO_CONTAINS, TO_STARTS, TO_ENDS};
        /* a domain pattern right of `in` reads `*` as a label wildcard: a
           literal star is compared with == instead (a regex, to keep it one test) */
        if (dns && op == VO_EQ && memchr(v->s + from, '*', to - from)) {
            sval lit = *v;
            lit.s = v->s + from; lit.wild = v->wild + from; lit.n = to - from;
            pal_strbuf r;
            pal_strbuf_init(&r, 0);
            regex_of(&lit, VO_EQ, m->cased, &r);
            tl_add(t, TO_RE, r.s ? r.s : "", r.len, false);
            pal_strbuf_free(&r);
            return true;
        }
        tl_add(t, to_of[op], v->s + from, to - from, false);
        return true;
    }
    pal_strbuf g;
    pal_strbuf_init(&g, 0);
    if (glob_of(v, m->op, path, &g)) {
        tl_add(t, TO_LIKE, g.s ? g.s : "", g.len, false);
    } else {
        pal_strbuf_clear(&g);
        regex_of(v, m->op, m->cased, &g);
        tl_add(t, TO_RE, g.s ? g.s : "", g.len, false);
    }
    pal_strbuf_free(&g);
    return true;
}

/* Writes the tests of t on `field` (a name, or the quantifier variable)
   joined by `or` (or `and` for |all, one test per constant). */
static void tl_emit(const test_list *t, const char *field, bool cased, bool all, bool dns, pal_strbuf *o)
{
    bool first = true;
    const char *join = all ? " and " : " or ";
    for (int k = 0; k < TO__N; k++) {
        if (!t->n[k]) continue;
        const char *items = t->items[k].s;
        size_t len = t->items[k].len;
        const char *nc = (cased || k == TO_RE) ? "" : " nocase";
        if (all || k == TO_RE || (k == TO_EQ && dns)) {
            /* one test per constant: split the comma-joined list back
               (constants are literals or calls; commas inside them are
               inside quotes or parentheses) */
            size_t i = 0;
            while (i < len) {
                size_t j = i;
                int depth = 0;
                char q = 0;
                for (; j < len; j++) {
                    char ch = items[j];
                    if (q) { if (ch == '\\' && q == '"') j++; else if (ch == q) q = 0; continue; }
                    if (ch == '\'' || ch == '"') q = ch;
                    else if (ch == '(') depth++;
                    else if (ch == ')') depth--;
                    else if (ch == ',' && depth == 0) break;
                }
                if (!first) pal_strbuf_puts(o, join);
                first = false;
                const char *word = k == TO_EQ ? (items[i] == '\'' || items[i] == '"' ? "==" : "in") : to_words[k];
                sbf(o, "%s %s%s %.*s", field, word, nc, (int)(j - i), items + i);
                i = j + 2;
            }
            continue;
        }
        if (!first) pal_strbuf_puts(o, join);
        first = false;
        if (t->n[k] == 1 && k != TO_EQ && k != TO_LIKE) sbf(o, "%s %s%s %.*s", field, to_words[k], nc, (int)len, items);
        else if (t->n[k] == 1 && k == TO_EQ && (items[0] == '\'' || items[0] == '"')) sbf(o, "%s ==%s %.*s", field, nc, (int)len, items);
        else if (t->n[k] == 1 && k == TO_LIKE) sbf(o, "%s like%s %.*s", field, nc, (int)len, items);
        else sbf(o, "%s %s%s [%.*s]", field, to_words[k], nc, (int)len, items);
    }
}

/* IPv4 text prefix ("10.", "192.168.", "172.1") as the CIDRs it covers. */
static bool ipv4_prefix_cidrs(const char *p, size_t n, test_list *t)
{
    unsigned oct[4], k = 0;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        unsigned v = 0;
        while (j < n && isdigit((unsigned char)p[j]) && j - i < 3) v = v * 10 + (unsigned)(p[j++] - '0');
        if (j == i) return false;
        if (j < n && p[j] != '.') return false;
        if (j == n) {   /* a partial last octet: every octet whose text starts so */
            if (k >= 4) return false;
            char part[4];
            memcpy(part, p + i, j - i);
            part[j - i] = 0;
            for (unsigned o = 0; o < 256; o++) {
                char txt[4];
                snprintf(txt, sizeof txt, "%u", o);
                if (strncmp(txt, part, strlen(part)) != 0) continue;
                char cidr[32];
                unsigned a[4] = {0, 0, 0, 0};
                for (unsigned q = 0; q < k; q++) a[q] = oct[q];
                a[k] = o;
                int len = snprintf(cidr, sizeof cidr, "%u.%u.%u.%u/%u", a[0], a[1], a[2], a[3], 8 * (k + 1));
                tl_add(t, TO_EQ, cidr, (size_t)len, false);
            }
            return true;
        }
        if (v > 255 || k >= 3 || (j - i > 1 && p[i] == '0')) return false;
        oct[k++] = v;
        i = j + 1;
        if (i == n) {   /* ends with '.': whole octets */
            char cidr[32];
            unsigned a[4] = {0, 0, 0, 0};
            for (unsigned q = 0; q < k; q++) a[q] = oct[q];
            int len = snprintf(cidr, sizeof cidr, "%u.%u.%u.%u/%u", a[0], a[1], a[2], a[3], 8 * k);
            tl_add(t, TO_EQ, cidr, (size_t)len, false);
            return true;
        }
    }
    return false;
}

static bool parse_int(const char *s, size_t n, long long *out)
{
    if (n == 0 || n > 20) return false;
    char buf[24];
    memcpy(buf, s, n);
    buf[n] = 0;
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (*end || errno) return false;
    *out = v;
    return true;
}

/* The values of a field condition: one scalar, or a list of them. */
/* A value sval_parse reads as null. */
static bool sval_is_null(const pal_yaml *y)
{
    return y->plain && (y->len == 0 || !strcmp(y->str, "null") || !strcmp(y->str, "~") || !strcmp(y->str, "Null") ||
                        !strcmp(y->str, "NULL"));
}

typedef struct values { const pal_yaml **v; unsigned n; const pal_yaml *one; } values;

static bool get_values(conv *c, const pal_yaml *key, const pal_yaml *val, values *vs)
{
    memset(vs, 0, sizeof *vs);
    if (val->kind == PAL_YAML_SCALAR) {
        vs->one = val;
        vs->v = &vs->one;
        vs->n = 1;
        return true;
    }
    if (val->kind == PAL_YAML_SEQ) {
        for (unsigned i = 0; i < val->n; i++)
            if (val->items[i]->kind != PAL_YAML_SCALAR)
                return invalid(c, "detection", val->items[i], "'%s' lists something other than values", key->str);
        if (val->n == 0) return refuse(c, key, "'%s' has an empty list of values", key->str);
        vs->v = (const pal_yaml **)val->items;
        vs->n = val->n;
        return true;
    }
    return invalid(c, "detection", val, "'%s' takes a value or a list of values, not a mapping", key->str);
}

static bool bool_word(const char *s, bool *out)
{
    if (!strcasecmp(s, "true") || !strcasecmp(s, "yes")) { *out = true; return true; }
    if (!strcasecmp(s, "false") || !strcasecmp(s, "no")) { *out = false; return true; }
    return false;
}

/* The User field written into a domain and a name field: DOMAIN\NAME. */
static bool split_test(conv *c, const pal_yaml *at, const sigma_field_map *fm, const mods *m, const sval *v,
                       pal_strbuf *o)
{
    target d, nm;
    if (!resolve(c, at, fm->sigma, fm->split[0], &d) || !resolve(c, at, fm->sigma, fm->split[1], &nm)) return false;
    size_t from = 0, to = v->n;
    int op = m->op;
    if (v->n > 1 && v->wild[0] == '*' && (op == VO_EQ || op == VO_ENDS)) { from = 1; op = op == VO_EQ ? VO_ENDS : VO_ENDS; }
    if (to > from + 1 && v->wild[to - 1] == '*' && (op == VO_EQ || op == VO_STARTS || op == VO_ENDS)) {
        to--;
        op = (from == 1 || op == VO_ENDS) ? VO_CONTAINS : VO_STARTS;
    }
    if (sval_has_wild(v, from, to) || m->nenc || m->re)
        return refuse(c, at, "%s is split into %s and %s; a pattern or an encoding of it cannot be split", fm->sigma, d.name, nm.name);
    const char *s = v->s + from;
    size_t n = to - from;
    const char *bs = memchr(s, '\\', n);
    if (bs && memchr(bs + 1, '\\', n - (size_t)(bs + 1 - s)))
        return refuse(c, at, "%s is split into %s and %s at its backslash; this value has two", fm->sigma, d.name, nm.name);
    const char *nc = m->cased ? "" : " nocase";
    pal_strbuf_putc(o, '(');
    if (!bs) {
        switch (op) {
        case VO_EQ: sbf(o, "not exists(%s) and %s ==%s ", d.name, nm.name, nc); put_lit(o, s, n); break;
        case VO_CONTAINS:
            sbf(o, "%s contains%s ", d.name, nc); put_lit(o, s, n);
            sbf(o, " or %s contains%s ", nm.name, nc); put_lit(o, s, n);
            break;
        case VO_STARTS:
            sbf(o, "%s startswith%s ", d.name, nc); put_lit(o, s, n);
            sbf(o, " or not exists(%s) and %s startswith%s ", d.name, nm.name, nc); put_lit(o, s, n);
            break;
        default: sbf(o, "%s endswith%s ", nm.name, nc); put_lit(o, s, n); break;
        }
    } else {
        size_t dl = (size_t)(bs - s), nl = n - dl - 1;
        static const char *const dop[] = {"==", "endswith", "==", "endswith"};
        static const char *const nop[] = {"==", "startswith", "startswith", "=="};
        sbf(o, "%s %s%s ", d.name, dop[op], nc); put_lit(o, s, dl);
        sbf(o, " and %s %s%s ", nm.name, nop[op], nc); put_lit(o, bs + 1, nl);
    }
    pal_strbuf_putc(o, ')');
    return true;
}

/* Hashes: "ALGO=HEX" values into the field of that algorithm. */
static bool hash_test(conv *c, const pal_yaml *at, const sigma_field_map *fm, const sval *v, pal_strbuf *o)
{
    static const char *const names[SM__NHASH] = {"MD5", "SHA1", "SHA256", "IMPHASH"};
    static const size_t hexlen[SM__NHASH] = {32, 40, 64, 32};
    const char *eq = memchr(v->s, '=', v->n);
    if (!eq || sval_has_wild(v, 0, v->n))
        return refuse(c, at, "%s values are ALGO=HEX (MD5=…, SHA256=…, IMPHASH=…) to be mapped onto hash fields", fm->sigma);
    size_t al = (size_t)(eq - v->s), hl = v->n - al - 1;
    for (int k = 0; k < SM__NHASH; k++) {
        if (strlen(names[k]) != al || strncasecmp(v->s, names[k], al)) continue;
        if (!fm->hash[k]) return refuse(c, at, "the mapping has no field for %s hashes of %s", names[k], fm->sigma);
        if (hl != hexlen[k] || memchr(eq + 1, ',', hl))
            return refuse(c, at, "%s value '%.80s' is not one whole %s hash", fm->sigma, v->s, names[k]);
        target t;
        if (!resolve(c, at, fm->sigma, fm->hash[k], &t)) return false;
        sbf(o, "%s == nocase ", t.name);
        put_lit(o, eq + 1, hl);
        return true;
    }
    return refuse(c, at, "%s value '%.80s' names no hash algorithm palisade maps", fm->sigma, v->s);
}

/* An EventID the rule's channel source pins must be one the decoder maps
   for that channel: a record of another EventID is an error line, never
   decided, so the converted rule would silently miss it (weaker than the
   Sigma rule).  Such a rule is refused, naming the EventIDs it could see. */
static bool event_ids_decoded(conv *c, const pal_yaml *key, const mods *m, const values *vs)
{
    if (!c->src || !c->src->nchannels || m->op != VO_EQ || m->cmp != CMP_NONE || m->exists || m->re || m->fieldref)
        return true;
    for (unsigned i = 0; i < vs->n; i++) {
        const char *s = vs->v[i]->str;
        char *end;
        errno = 0;
        long long id = strtoll(s, &end, 10);
        if (!*s || *end || errno || id < 0 || id > 65535) continue;   /* not a plain EventID: the compiler judges it */
        unsigned first = 0;
        bool decoded = false;
        for (unsigned k = 0; k < c->src->nchannels && !decoded; k++) {
            const char *ch = c->src->channels[k];
            unsigned src = pal_win_source_of_channel(ch, strlen(ch));
            if (!first) first = src;
            decoded = src && pal_win_event_find(src, id);
        }
        if (decoded || !first) continue;
        char ids[512];
        pal_win_event_ids(first, ids, sizeof ids);
        return refuse_as(c, "eventid", vs->v[i], "%s %lld: palisade does not decode that EventID of channel %s (it maps %s), so the "
                      "converted rule would miss those records", key->str, id, c->src->channels[0], ids);
    }
    return true;
}

/* A Sigma field the mapping does not name: refused, saying whether any
   Windows record palisade decodes has a value of that name (then the
   mapping could name it), and if not, what the name belongs to. */
static bool unknown_field(conv *c, const pal_yaml *key, const char *fname)
{
    static const struct { const char *name, *what; } foreign[] = {
        {"ProcessCommandLine", "Microsoft Defender for Endpoint's column, and the label Event Viewer shows for Security "
                               "4688's CommandLine; Sysmon 1 and Security 4688 write CommandLine, Sigma's name for it: "
                               "rename it, or map it in a --mapping file"},
        {"EventLog", "not a field of a Windows record; the channel is Channel (or the logsource's service)"},
    };
    for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++)
        if (!strcmp(fname, foreign[i].name))
            return refuse_as(c, "field", key, "field %s: no record of this logsource has it (%s)", fname, foreign[i].what);
    const pal_win_field *row = NULL, *other_case = NULL;
    for (size_t i = 0; i < pal_win_nfields && !row; i++) {
        if (!strcmp(pal_win_fields[i].key, fname)) row = &pal_win_fields[i];
        else if (!other_case && !strcasecmp(pal_win_fields[i].key, fname)) other_case = &pal_win_fields[i];
    }
    if (row)
        return refuse_as(c, "field", key, "field %s is not in the field mapping; palisade reads %s records' %s into %s (map it in a "
                      "--mapping file: palisade sigma mapping prints the built-in one)", fname,
                      pal_win_source_get(row->source)->name, row->key, row->field);
    if (other_case)
        return refuse_as(c, "field", key, "field %s: no record palisade decodes has it; Windows writes %s (Sigma field names are "
                      "case-sensitive)", fname, other_case->key);
    return refuse_as(c, "field", key, "field %s: no Windows record palisade decodes has a value of that name, and the "
                  "mapping names none, so a test of it could never be true on them (a field of another product's "
                  "records, or one an enrichment adds?)", fname);
}

/* A field no record of the rule's logsource carries, tested under `not`.
   Such a test is never true there, so on those records the Sigma rule
   means `false` for it — pySigma's query on the same records reads it so
   too.  Under an odd number of `not`s that only lets more records through
   (a filter that excludes nothing: broader, never narrower), so it is
   converted as `false` and named in a comment; in a positive place it
   would make the rule fire less or never, and is refused (unknown_field,
   resolve_for).  Only plain tests: null, |exists and |neq are true on an
   absent field.  A field the mapping lacks counts only when no record
   palisade decodes has a value of that name in any case. */
static bool absent_field(conv *c, const char *fname, const sigma_field_map *fm, const mods *m, const pal_yaml *key,
                         const pal_yaml *val, pal_strbuf *o)
{
    if (!c->negated || m->exists || m->neq) return false;
    if (val->kind == PAL_YAML_SCALAR ? sval_is_null(val) : val->kind != PAL_YAML_SEQ) return false;
    for (unsigned i = 0; val->kind == PAL_YAML_SEQ && i < val->n; i++)
        if (val->items[i]->kind != PAL_YAML_SCALAR || sval_is_null(val->items[i])) return false;
    if (!fm) {
        static const char *const foreign[] = {"ProcessCommandLine", "EventLog"};   /* unknown_field names what they are */
        for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++)
            if (!strcmp(fname, foreign[i])) return false;
        for (size_t i = 0; i < pal_win_nfields; i++)
            if (!strcasecmp(pal_win_fields[i].key, fname)) return false;
    } else {
        if (fm->kind != SM_FIELD || !fm->target) return false;
        const pal_schema *sc = pal_schema_get(PS_EVENT);
        int i = pal_schema_find(sc, fm->target, strlen(fm->target));
        unsigned kinds = source_kinds(c->src);
        if (i < 0 || !kinds || sc->fields[i].kinds == PK_ALL || (sc->fields[i].kinds & kinds)) return false;
    }
    (void)key;
    size_t n = strlen(c->absent);
    char item[160];
    snprintf(item, sizeof item, "%.80s in %.60s", fname, c->search_name ? c->search_name : "a search");
    if (!strstr(c->absent, item) && n + strlen(item) + 3 < sizeof c->absent)
        snprintf(c->absent + n, sizeof c->absent - n, "%s%s", n ? ", " : "", item);
    pal_strbuf_puts(o, "false");
    return true;
}

/* One field condition: `Field|mods: value(s)`, into o. */
static bool field_test(conv *c, const pal_yaml *key, const char *fname, const char *modtext, const pal_yaml *val,
                       pal_strbuf *o)
{
    mods m;
    if (!parse_mods(c, key, modtext, &m)) return false;
    sigma_field_map scratch;
    char fbuf[256];
    const sigma_field_map *fm = field_map(c, fname, &scratch, fbuf, sizeof fbuf);
    if (absent_field(c, fname, fm, &m, key, val, o)) return true;
    if (!fm) return unknown_field(c, key, fname);
    values vs;
    if (!get_values(c, key, val, &vs)) return false;
    if (fm->kind == SM_FIELD && fm->target && !strcmp(fm->target, "winlog.event_id") && !event_ids_decoded(c, key, &m, &vs))
        return false;
    if (m.all && vs.n < 2 && !m.exists) {
        /* Sigma forbids |all on one value; it means the value itself */
        m.all = false;
    }
    pal_strbuf body;
    pal_strbuf_init(&body, PAL_SIGMA_MAX_OUTPUT);
    bool ok = true;
    bool first = true;
    const char *join = m.all ? " and " : " or ";

    if (fm->kind == SM_SPLIT || fm->kind == SM_HASHES || fm->kind == SM_VALUES) {
        for (unsigned i = 0; ok && i < vs.n; i++) {
            sval v;
            if (!sval_parse(vs.v[i], false, &v)) { ok = refuse_as(c, "limit", vs.v[i], "out of memory"); break; }
            if (!first) pal_strbuf_puts(&body, join);
            first = false;
            if (m.exists || v.null) {
                bool want = false;
                if (m.exists && !bool_word(vs.v[i]->str, &want)) ok = invalid(c, "modifier", vs.v[i], "|exists takes true or false");
                const char *f = fm->kind == SM_SPLIT ? fm->split[1] : fm->kind == SM_VALUES ? fm->target : NULL;
                target t;
                if (ok && !f) ok = refuse(c, key, "%s maps onto several hash fields: |exists and null have no single field to test", fname);
                if (ok && resolve(c, key, fname, f, &t)) sbf(&body, "%sexists(%s)", want ? "" : "not ", t.name);
                else ok = false;
            } else if (m.fieldref || m.cidr || m.cmp || m.re) {
                ok = refuse(c, key, "'%s': this modifier does not apply to %s as the mapping writes it", key->str, fname);
            } else if (fm->kind == SM_SPLIT) {
                ok = split_test(c, vs.v[i], fm, &m, &v, &body);
            } else if (fm->kind == SM_HASHES) {
                ok = hash_test(c, vs.v[i], fm, &v, &body);
            } else {
                const char *to = NULL;
                for (unsigned k = 0; k < fm->nvalues && !to; k++)
                    if (!strcasecmp(fm->from[k], v.s)) to = fm->to[k];
                target t;
                if (!to) ok = refuse(c, vs.v[i], "%s value '%.80s' is not in the mapping's table of values", fname, v.s);
                else if (m.op != VO_EQ || sval_has_wild(&v, 0, v.n)) ok = refuse(c, vs.v[i], "%s is translated by a table of values: only whole values compare", fname);
                else if (resolve(c, key, fname, fm->target, &t)) { sbf(&body, "%s == ", t.name); put_lit(&body, to, strlen(to)); }
                else ok = false;
            }
            sval_free(&v);
        }
        goto done;
    }

    target t;
    if (!resolve(c, key, fname, fm->target, &t)) { ok = false; goto done; }
    bool list = t.type == PT_LIST;
    int type = list ? t.elem : t.type;
    const char *subject = list ? "x" : t.name;

    if (m.exists) {
        bool want;
        if (vs.n != 1 || !bool_word(vs.v[0]->str, &want)) { ok = invalid(c, "modifier", key, "|exists takes true or false"); goto done; }
        sbf(&body, "%sexists(%s)", want ? "" : "not ", t.name);
        goto done;
    }
    if (m.fieldref) {
        for (unsigned i = 0; ok && i < vs.n; i++) {
            sigma_field_map s2;
            char b2[256];
            const sigma_field_map *om = field_map(c, vs.v[i]->str, &s2, b2, sizeof b2);
            target u;
            if (!om || om->kind != SM_FIELD) { ok = refuse_as(c, "field", vs.v[i], "|fieldref names %s, which the mapping does not map onto one field", vs.v[i]->str); break; }
            if (!resolve(c, vs.v[i], vs.v[i]->str, om->target, &u)) { ok = false; break; }
            bool strs = is_strlike(type) && is_strlike(u.type);
            if (list || (!strs && (u.type != type || m.op != VO_EQ)))
                { ok = refuse(c, vs.v[i], "|fieldref compares %s with %s, which differ in type", t.name, u.name); break; }
            static const char *const w[] = {"==", "contains", "startswith", "endswith"};
            if (!first) pal_strbuf_puts(&body, join);
            first = false;
            sbf(&body, "%s %s%s %s", t.name, w[m.op], strs && !m.cased ? " nocase" : "", u.name);
        }
        goto done;
    }

    test_list tl;
    tl_init(&tl);
    pal_strbuf extra;   /* tests that are not string constants: null, ints, ... */
    pal_strbuf_init(&extra, PAL_SIGMA_MAX_OUTPUT);
    bool efirst = true;
    for (unsigned i = 0; ok && i < vs.n; i++) {
        const pal_yaml *y = vs.v[i];
        sval v;
        if (!sval_parse(y, m.re, &v)) { ok = refuse_as(c, "limit", y, "out of memory"); break; }
        if (v.n > 65536) { ok = refuse_as(c, "limit", y, "a value of %zu bytes is longer than a palisade string may be (65536)", v.n); sval_free(&v); break; }
        /* Windows writes '-' for "no value", and the adapters read it as
           absent: on a number or an address field it can only mean that */
        bool dash = !v.null && v.n == 1 && v.s[0] == '-' && !is_strlike(type) && m.op == VO_EQ && !m.cmp && !m.cidr;
        if (v.null || dash) {
            if (!efirst) pal_strbuf_puts(&extra, join);
            efirst = false;
            sbf(&extra, "not exists(%s)", t.name);
        } else if (is_strlike(type)) {
            if (m.cidr || m.cmp) ok = refuse(c, y, "'%s': %s is text; |cidr and the comparisons take addresses and numbers", key->str, t.name);
            else ok = string_value(c, y, &m, &v, type == PT_PATH, type == PT_DNS, &tl);
            /* '' is "the field is empty", and '-' Windows' "no value": the
               Windows adapters drop both, so such a field arrives absent
               (a test for '-' alone would never match a record) */
            bool no_value = v.n == 0 || (v.n == 1 && v.s[0] == '-' && !sval_has_wild(&v, 0, 1));
            if (ok && no_value && m.op == VO_EQ && !m.re && !m.nenc && !list) {
                if (!efirst) pal_strbuf_puts(&extra, join);
                efirst = false;
                sbf(&extra, "not exists(%s)", t.name);
            }
        } else if (type == PT_INT) {
            long long n;
            if (m.nenc || m.re || m.cidr || m.op != VO_EQ || sval_has_wild(&v, 0, v.n))
                ok = refuse(c, y, "'%s': %s is a number; a textual test of it has no exact form", key->str, t.name);
            else if (!parse_int(v.s, v.n, &n))
                ok = refuse(c, y, "'%s': '%.40s' is not a number, and %s is one", key->str, v.s, t.name);
            else if (m.cmp) {
                static const char *const w[] = {"", "<", "<=", ">", ">="};
                if (!efirst) pal_strbuf_puts(&extra, join);
                efirst = false;
                sbf(&extra, "%s %s %lld", subject, w[m.cmp], n);
            } else {
                char num[32];
                int len = snprintf(num, sizeof num, "%lld", n);
                tl_add(&tl, TO_EQ, num, (size_t)len, true);
            }
        } else if (type == PT_IP) {
            uint8_t ip[16];
            bool v6;
            unsigned prefix;
            const char *err;
            bool star_end = v.n > 1 && v.wild[v.n - 1] == '*' && !sval_has_wild(&v, 0, v.n - 1);
            if (m.nenc || m.re || m.cmp || m.op == VO_CONTAINS || m.op == VO_ENDS ||
                (sval_has_wild(&v, 0, v.n) && !(star_end && m.op == VO_EQ)))
                ok = refuse(c, y, "'%s': %s is an address; this textual test of it has no exact form", key->str, t.name);
            else if (m.op == VO_STARTS || star_end) {
                size_t n = star_end ? v.n - 1 : v.n;
                if (!ipv4_prefix_cidrs(v.s, n, &tl))
                    ok = refuse(c, y, "'%s': the text prefix '%.40s' of %s is not an IPv4 prefix palisade can write as CIDRs", key->str, v.s, t.name);
            } else if (!pal_cidr_parse(v.s, v.n, ip, &v6, &prefix, &err)) {
                ok = refuse(c, y, "'%s': '%.60s' is not an address or CIDR (%s)", key->str, v.s, err ? err : "unreadable");
            } else if (!m.cidr && memchr(v.s, '/', v.n)) {
                ok = refuse(c, y, "'%s': '%.60s' is a CIDR; write |cidr", key->str, v.s);
            } else {
                tl_add(&tl, TO_EQ, v.s, v.n, false);
            }
        } else if (type == PT_BOOL) {
            bool b;
            if (m.op != VO_EQ || m.nenc || m.re || m.cidr || m.cmp || !bool_word(v.s, &b))
                ok = refuse(c, y, "'%s': %s is true or false", key->str, t.name);
            else {
                if (!efirst) pal_strbuf_puts(&extra, join);
                efirst = false;
                sbf(&extra, "%s == %s", subject, b ? "true" : "false");
            }
        } else {
            ok = refuse(c, y, "'%s': %s has a type Sigma values do not map onto", key->str, t.name);
        }
        sval_free(&v);
    }
    if (ok) {
        pal_strbuf tests;
        pal_strbuf_init(&tests, PAL_SIGMA_MAX_OUTPUT);
        bool cased = m.cased || !is_strlike(type);
        if (type == PT_IP) {
            /* addresses: one `in` over addresses and CIDRs */
            if (tl.n[TO_EQ] == 1 && !memchr(tl.items[TO_EQ].s, '/', tl.items[TO_EQ].len) && !m.all)
                sbf(&tests, "%s == %.*s", subject, (int)tl.items[TO_EQ].len, tl.items[TO_EQ].s);
            else if (tl.n[TO_EQ] && !m.all)
                sbf(&tests, "%s in [%.*s]", subject, (int)tl.items[TO_EQ].len, tl.items[TO_EQ].s);
            else if (tl.n[TO_EQ])
                tl_emit(&tl, subject, true, true, false, &tests);
        } else if (type == PT_INT) {
            if (tl.n[TO_EQ] == 1) sbf(&tests, "%s == %.*s", subject, (int)tl.items[TO_EQ].len, tl.items[TO_EQ].s);
            else if (tl.n[TO_EQ] && !m.all) sbf(&tests, "%s in [%.*s]", subject, (int)tl.items[TO_EQ].len, tl.items[TO_EQ].s);
            else if (tl.n[TO_EQ]) ok = refuse(c, key, "'%s': a number cannot equal several values at once", key->str);
        } else {
            tl_emit(&tl, subject, cased, m.all, type == PT_DNS, &tests);
        }
        bool have_tests = tests.len > 0, have_extra = extra.len > 0;
        if (list && (have_tests || have_extra)) sbf(&body, "(any x in %s: (", t.name);
        if (have_tests) pal_strbuf_append(&body, tests.s, tests.len);
        if (have_tests && have_extra) pal_strbuf_puts(&body, join);
        if (have_extra) pal_strbuf_append(&body, extra.s, extra.len);
        if (list && (have_tests || have_extra)) pal_strbuf_append(&body, "))", 2);
        pal_strbuf_free(&tests);
    }
    tl_free(&tl);
    pal_strbuf_free(&extra);

done:
    if (ok && body.failed) ok = refuse_as(c, "limit", key, "the converted test of '%s' is too large", key->str);
    if (ok) {
        if (m.neq) pal_strbuf_puts(o, "not ");
        put_piece(o, body.s, body.len, m.neq ? L_NOT : L_OR);
    }
    pal_strbuf_free(&body);
    return ok;
}

/* ---- keyword (field-less) searches ---- */

static bool keyword_test(conv *c, const pal_yaml *key, const char *modtext, const pal_yaml *val, pal_strbuf *o)
{
    mods m;
    if (!parse_mods(c, key, modtext, &m)) return false;
    /* the fields searched: the entry's list, or every text field of its kind */
    const char *fields[512];
    unsigned nf = 0;
    if (c->src->nkeywords) {
        for (unsigned k = 0; k < c->src->nkeywords && nf < 512; k++) fields[nf++] = c->src->keywords[k];
    } else if (c->src->keywords_all || c->map->keywords_all) {
        int kind = c->src->kind ? pal_kind_from_name(c->src->kind, strlen(c->src->kind)) : 0;
        if (!kind) return refuse_as(c, "field", key, "a keyword (field-less) search needs a logsource with a kind, to know which fields to search");
        const pal_schema *s = pal_schema_get(PS_EVENT);
        for (unsigned k = 0; k < s->nfields && nf < 512; k++)
            if (is_strlike(s->fields[k].type) && (s->fields[k].kinds & (unsigned)kind) && strcmp(s->fields[k].name, "timestamp"))
                fields[nf++] = s->fields[k].name;
    }
    if (!nf)
        return refuse_as(c, "field", key, "a keyword (field-less) search, and the mapping names no keyword fields for this logsource");
    if (m.exists || m.fieldref || m.cidr || m.cmp)
        return refuse(c, key, "a keyword search takes string values");
    values vs;
    if (!get_values(c, key, val, &vs)) return false;
    if (m.op == VO_EQ && !m.re) m.op = VO_CONTAINS;   /* a keyword is found anywhere */
    pal_strbuf_putc(o, '(');
    for (unsigned i = 0; i < vs.n; i++) {
        sval v;
        if (!sval_parse(vs.v[i], m.re, &v) || v.null) { sval_free(&v); return refuse(c, vs.v[i], "a keyword is a string"); }
        if (i) pal_strbuf_puts(o, m.all ? " and " : " or ");
        pal_strbuf_putc(o, '(');
        for (unsigned k = 0; k < nf; k++) {
            target t;
            if (!resolve(c, vs.v[i], "(keyword)", fields[k], &t)) { sval_free(&v); return false; }
            if (!is_strlike(t.type)) { sval_free(&v); return refuse(c, vs.v[i], "keyword field %s is not text", t.name); }
            test_list tl;
            tl_init(&tl);
            bool ok = string_value(c, vs.v[i], &m, &v, t.type == PT_PATH, t.type == PT_DNS, &tl);
            if (ok) {
                if (k) pal_strbuf_puts(o, " or ");
                tl_emit(&tl, t.name, m.cased, false, t.type == PT_DNS, o);
            }
            tl_free(&tl);
            if (!ok) { sval_free(&v); return false; }
        }
        pal_strbuf_putc(o, ')');
        sval_free(&v);
    }
    pal_strbuf_putc(o, ')');
    return true;
}

/* ---- search identifiers ---- */

/* 1 if a condition piece is the constant true, 0 if false, -1 otherwise
   (empty patterns make them, and searches absent_field made false). */
static int piece_const(const pal_strbuf *t)
{
    if (t->len == 4 && !memcmp(t->s, "true", 4)) return 1;
    if (t->len == 5 && !memcmp(t->s, "false", 5)) return 0;
    return -1;
}


/* A map of field conditions: all of them. */
static bool map_search(conv *c, const pal_yaml *map, pal_strbuf *o)
{
    if (map->n == 0) return refuse(c, map, "an empty search");
    pal_strbuf t;
    pal_strbuf_init(&t, PAL_SIGMA_MAX_OUTPUT);
    bool ok = true, never = false;   /* never: a test is the constant false (absent_field) */
    for (unsigned i = 0; ok && i < map->n; i++) {
        const pal_yaml *k = map->items[2 * i], *v = map->items[2 * i + 1];
        const char *bar = strchr(k->str, '|');
        size_t fl = bar ? (size_t)(bar - k->str) : k->len;
        char fname[256];
        if (fl >= sizeof fname) { ok = refuse_as(c, "limit", k, "field name too long"); break; }
        memcpy(fname, k->str, fl);
        fname[fl] = 0;
        pal_strbuf_clear(&t);
        ok = fl == 0 ? keyword_test(c, k, bar ? bar + 1 : "", v, &t)
                     : field_test(c, k, fname, bar ? bar + 1 : "", v, &t);
        if (!ok) break;
        if (piece_const(&t) == 0) never = true;
        if (i) pal_strbuf_puts(o, " and ");
        put_piece(o, t.s, t.len, map->n > 1 ? L_AND : L_OR);
    }
    pal_strbuf_free(&t);
    if (ok && never) { pal_strbuf_clear(o); pal_strbuf_puts(o, "false"); }
    return ok;
}

static bool search(conv *c, const pal_yaml *name, const pal_yaml *def, pal_strbuf *o)
{
    if (def->kind == PAL_YAML_MAP) return map_search(c, def, o);
    if (def->kind == PAL_YAML_SEQ) {
        if (def->n == 0) return refuse(c, def, "search %s is an empty list", name->str);
        bool maps = def->items[0]->kind == PAL_YAML_MAP;
        for (unsigned i = 0; i < def->n; i++)
            if ((def->items[i]->kind == PAL_YAML_MAP) != maps || def->items[i]->kind == PAL_YAML_SEQ)
                return refuse(c, def->items[i], "search %s mixes values and field conditions", name->str);
        if (!maps) {
            pal_yaml key = *name;
            return keyword_test(c, &key, "", def, o);
        }
        pal_strbuf t;
        pal_strbuf_init(&t, PAL_SIGMA_MAX_OUTPUT);
        bool ok = true;
        unsigned kept = 0;
        for (unsigned i = 0; ok && i < def->n; i++) {
            pal_strbuf_clear(&t);
            ok = map_search(c, def->items[i], &t);
            if (!ok || piece_const(&t) == 0) continue;   /* false or-ed changes nothing */
            if (kept++) pal_strbuf_puts(o, " or ");
            put_piece(o, t.s, t.len, L_OR);
        }
        if (ok && !kept) pal_strbuf_puts(o, "false");
        pal_strbuf_free(&t);
        return ok;
    }
    return refuse(c, def, "search %s is a single value; a keyword search is a list", name->str);
}

/* ---- the condition ---- */

typedef struct cond {
    conv *c;
    const pal_yaml *at;
    const char *s;
    size_t pos, len;
    char tok[128];
    size_t toklen;
    unsigned paren;        /* inside parentheses or `not`: operands stay on one line */
    unsigned neg;          /* 1 under an odd number of `not`s */
    char **texts;          /* per detection key and polarity (2 i + neg): its search's text (lazily), NULL: not yet */
    uint8_t *failed;
} cond;

static void next_tok(cond *p)
{
    while (p->pos < p->len && isspace((unsigned char)p->s[p->pos])) p->pos++;
    p->toklen = 0;
    if (p->pos >= p->len) { p->tok[0] = 0; return; }
    char ch = p->s[p->pos];
    if (ch == '(' || ch == ')' || ch == '|') {
        p->tok[0] = ch; p->tok[1] = 0; p->toklen = 1; p->pos++;
        return;
    }
    while (p->pos < p->len && !isspace((unsigned char)p->s[p->pos]) && p->s[p->pos] != '(' &&
           p->s[p->pos] != ')' && p->s[p->pos] != '|') {
        if (p->toklen + 1 < sizeof p->tok) p->tok[p->toklen++] = p->s[p->pos];
        p->pos++;
    }
    p->tok[p->toklen] = 0;
}

static bool tok_is(const cond *p, const char *w) { return !strcmp(p->tok, w); }

/* Sigma's identifier patterns, as pySigma (the reference implementation,
   behind sigma-cli and every pySigma backend) reads them: `*` any run, and
   the pattern anchored at the start only (a regex `match`), so `1 of
   selection` takes selection_a and selection_b as well as selection.  The
   specification's text does not say; rules rely on it (SigmaHQ's own). */
static bool id_match(const char *pat, const char *s)
{
    char prefix[sizeof ((cond *)0)->tok + 2];
    size_t n = strlen(pat);
    if (n + 2 > sizeof prefix) return false;
    memcpy(prefix, pat, n);
    prefix[n] = '*';
    return pal_glob_match(prefix, n + 1, s, strlen(s), false, PAL_FOLD_NONE);
}

static const pal_yaml *detection_key(const cond *p, unsigned i) { return p->c->detection->items[2 * i]; }

static bool is_search_key(const pal_yaml *k)
{
    return strcmp(k->str, "condition") != 0 && strcmp(k->str, "timeframe") != 0;
}

static bool ident_text(cond *p, unsigned i, pal_strbuf *o)
{
    unsigned at = 2 * i + p->neg;   /* a search under `not` may convert otherwise (absent_field) */
    if (!p->texts[at]) {
        if (p->failed[at]) return false;
        pal_strbuf b;
        pal_strbuf_init(&b, PAL_SIGMA_MAX_OUTPUT);
        p->c->negated = p->neg;
        p->c->search_name = detection_key(p, i)->str;
        bool found = search(p->c, detection_key(p, i), p->c->detection->items[2 * i + 1], &b);
        p->c->negated = false;
        p->c->search_name = NULL;
        if (!found || b.failed || !pal_strbuf_cstr(&b)) {
            if (b.failed) refuse_as(p->c, "limit", detection_key(p, i), "search %s converts to more than %u bytes", detection_key(p, i)->str, PAL_SIGMA_MAX_OUTPUT);
            pal_strbuf_free(&b);
            p->failed[at] = 1;
            return false;
        }
        p->texts[at] = b.s;   /* owned by p */
    }
    pal_strbuf_puts(o, p->texts[at]);
    return true;
}

static bool cond_or(cond *p, pal_strbuf *o);


/* The condition's operators, each operand written into a buffer of its
   own first so it can be parenthesised only where precedence needs it;
   the top level puts one operand a line. */
static bool cond_atom(cond *p, pal_strbuf *o)
{
    conv *c = p->c;
    if (++c->depth > PAL_SIGMA_MAX_COND_DEPTH) return refuse_as(c, "limit", p->at, "the condition nests deeper than %u", PAL_SIGMA_MAX_COND_DEPTH);
    bool ok;
    if (tok_is(p, "(")) {
        next_tok(p);
        p->paren++;
        ok = cond_or(p, o);
        p->paren--;
        if (ok && !tok_is(p, ")")) ok = invalid(c, "condition", p->at, "condition: ')' expected at '%s'", p->tok[0] ? p->tok : "the end");
        if (ok) next_tok(p);
    } else if (tok_is(p, "not")) {
        next_tok(p);
        pal_strbuf t;
        pal_strbuf_init(&t, PAL_SIGMA_MAX_OUTPUT);
        p->paren++;
        p->neg ^= 1;
        ok = cond_atom(p, &t);
        p->neg ^= 1;
        p->paren--;
        int k = ok ? piece_const(&t) : -1;
        if (k >= 0) pal_strbuf_puts(o, k ? "false" : "true");
        else if (ok) { pal_strbuf_puts(o, "not "); put_piece(o, t.s, t.len, L_NOT); }
        pal_strbuf_free(&t);
    } else if (p->toklen && (tok_is(p, "1") || tok_is(p, "any") || tok_is(p, "all") || isdigit((unsigned char)p->tok[0]))) {
        bool all = tok_is(p, "all");
        if (!all && !tok_is(p, "1") && !tok_is(p, "any"))
            return refuse_as(c, "condition", p->at, "condition: '%s of' counts selections, which palisade does not convert (only 1 of and all of)", p->tok);
        next_tok(p);
        if (!tok_is(p, "of")) return invalid(c, "condition", p->at, "condition: 'of' expected after '%s'", all ? "all" : "1");
        next_tok(p);
        if (!p->toklen || tok_is(p, "(") || tok_is(p, ")"))
            return invalid(c, "condition", p->at, "condition: an identifier pattern or 'them' expected after 'of'");
        bool them = tok_is(p, "them");
        unsigned hits = 0;
        bool absorbed = false;   /* a search that is the constant deciding the whole (absent_field) */
        size_t start = o->len;
        ok = true;
        pal_strbuf t;
        pal_strbuf_init(&t, PAL_SIGMA_MAX_OUTPUT);
        for (unsigned i = 0; ok && i < c->detection->n; i++) {
            const pal_yaml *k = detection_key(p, i);
            if (!is_search_key(k)) continue;
            if (them ? k->str[0] == '_' : !id_match(p->tok, k->str)) continue;
            pal_strbuf_clear(&t);
            ok = ident_text(p, i, &t);
            if (!ok) break;
            int kc = piece_const(&t);   /* false or-ed (true and-ed) changes nothing */
            if (kc >= 0) { absorbed |= kc == (int)!all; continue; }
            if (hits++) pal_strbuf_puts(o, all ? " and " : " or ");
            put_piece(o, t.s, t.len, all ? L_AND : L_OR);
        }
        pal_strbuf_free(&t);
        if (ok && absorbed) {
            pal_strbuf_truncate(o, start);
            pal_strbuf_puts(o, all ? "false" : "true");
        }
        /* a pattern that matches no search is the empty or (false) or the
           empty and (true), as pySigma builds them: SigmaHQ writes `and not
           1 of filter_optional_*` before any such filter exists.  The
           constant is folded away by the operators around it. */
        if (ok && !hits && !absorbed) pal_strbuf_puts(o, all ? "true" : "false");
        if (ok) next_tok(p);
    } else if (p->toklen && !tok_is(p, ")") && !tok_is(p, "|") && !tok_is(p, "and") && !tok_is(p, "or")) {
        unsigned i;
        for (i = 0; i < c->detection->n; i++)
            if (is_search_key(detection_key(p, i)) && !strcmp(detection_key(p, i)->str, p->tok)) break;
        if (i == c->detection->n) return invalid(c, "condition", p->at, "condition names '%s', which the detection does not define", p->tok);
        ok = ident_text(p, i, o);
        if (ok) next_tok(p);
    } else if (tok_is(p, "|")) {
        ok = invalid(c, "condition", p->at, "condition: a search expected before '|'");
    } else {
        ok = invalid(c, "condition", p->at, "condition: unexpected '%s'", p->toklen ? p->tok : "end");
    }
    c->depth--;
    return ok;
}

/* Operands of `and` (or of `or`), each parenthesised when it binds more
   loosely; at the top level one operand a line. */
static bool cond_join(cond *p, pal_strbuf *o, bool is_or)
{
    pal_strbuf t, acc;
    pal_strbuf_init(&t, PAL_SIGMA_MAX_OUTPUT);
    pal_strbuf_init(&acc, PAL_SIGMA_MAX_OUTPUT);
    const char *word = is_or ? "or" : "and";
    bool ok = true, first = true, absorbed = false;
    for (;;) {
        pal_strbuf_clear(&t);
        ok = is_or ? cond_join(p, &t, false) : cond_atom(p, &t);
        if (!ok) break;
        /* constants from empty patterns: true and-ed (false or-ed) changes
           nothing; false and-ed (true or-ed) decides the whole */
        int k = piece_const(&t);
        if (k == (int)is_or) absorbed = true;
        else if (k < 0) {
            if (!first) sbf(&acc, p->paren ? " %s " : "\n    %s ", word);
            put_piece(&acc, t.s, t.len, is_or ? L_OR : L_AND);
            first = false;
        }
        if (!tok_is(p, word)) break;
        next_tok(p);
    }
    if (ok && (absorbed || first)) pal_strbuf_puts(o, absorbed == is_or ? "true" : "false");
    else if (ok) pal_strbuf_append(o, acc.s, acc.len);
    pal_strbuf_free(&t);
    pal_strbuf_free(&acc);
    return ok;
}

static bool cond_or(cond *p, pal_strbuf *o) { return cond_join(p, o, true); }

/* A Sigma 1.0 aggregation, the text after a condition's `|` (the
 * specification's "agg-function(agg-field) [by group-field] comparison-op
 * value", deprecated in 2.0 for correlations but still in SigmaHQ's
 * deprecated folder and forks).  count() counts the events the search
 * matches, count(F) the distinct values of F, per value of the group-field,
 * within the detection's timeframe; it is sufficient that one group reaches
 * the value.  That is the event_count (value_count) correlation, which
 * palisade writes as a counting rule, so a count compared with > or >= is
 * converted; the other functions (min, max, avg, sum), a comparison that
 * waits for fewer events (<, <=, ==), `near`, and a count without a
 * timeframe (it counts over whatever time a search covers, which a stream
 * has not got) are refused. */
static bool aggregation(conv *c, const pal_yaml *at, const char *s, size_t len)
{
    char text[256];
    if (len >= sizeof text) return refuse_as(c, "limit", at, "the aggregation is longer than %zu bytes", sizeof text - 1);
    memcpy(text, s, len);
    text[len] = 0;
    const char *q = text;
#define SKIP_WS() while (isspace((unsigned char)*q)) q++
    SKIP_WS();
    size_t w = strspn(q, "abcdefghijklmnopqrstuvwxyz");
    if (w == 4 && !strncmp(q, "near", 4))
        return refuse_as(c, "condition", at, "condition: a near aggregation (Sigma 1.0): write it as a temporal correlation rule, "
                         "which palisade converts");
    if (w != 5 || strncmp(q, "count", 5)) {
        if (w && (!strncmp(q, "min", w) || !strncmp(q, "max", w) || !strncmp(q, "avg", w) || !strncmp(q, "sum", w)))
            return refuse_as(c, "condition", at, "condition: the aggregation %.*s() has no palisade form (palisade counts events "
                             "and distinct values)", (int)w, q);
        return invalid(c, "condition", at, "condition: '| %.40s' is not an aggregation (count(), min(), max(), avg() or sum())", q);
    }
    q += 5;
    SKIP_WS();
    if (*q != '(') return invalid(c, "condition", at, "condition: count takes a field in parentheses: count() or count(FIELD)");
    q++;
    SKIP_WS();
    size_t f = strcspn(q, ") \t");
    if (f >= sizeof c->agg.field) return refuse_as(c, "limit", at, "condition: the aggregation's field name is too long");
    memcpy(c->agg.field, q, f);
    c->agg.field[f] = 0;
    q += f;
    SKIP_WS();
    if (*q != ')') return invalid(c, "condition", at, "condition: ')' expected after count(%s", c->agg.field);
    q++;
    SKIP_WS();
    if (!strncmp(q, "by", 2) && isspace((unsigned char)q[2])) {
        q += 2;
        SKIP_WS();
        size_t b = strcspn(q, " \t<>=!,");
        if (!b) return invalid(c, "condition", at, "condition: a field expected after 'by'");
        if (b >= sizeof c->agg.by) return refuse_as(c, "limit", at, "condition: the group-by field name is too long");
        memcpy(c->agg.by, q, b);
        c->agg.by[b] = 0;
        q += b;
        SKIP_WS();
        if (*q == ',') return refuse_as(c, "condition", at, "condition: an aggregation by several fields (Sigma 1.0 groups by one): "
                                        "write it as a correlation rule, whose group-by lists them");
    }
    const char *op = q;
    size_t ol = strspn(q, "<>=!");
    q += ol;
    SKIP_WS();
    char *end;
    errno = 0;
    long long n = strtoll(q, &end, 10);
    if (!ol || end == q || errno) return invalid(c, "condition", at, "condition: the aggregation compares the count with a number: count() > N");
    q = end;
    SKIP_WS();
    if (*q) return invalid(c, "condition", at, "condition: unexpected '%.40s' after the aggregation", q);
#undef SKIP_WS
    bool gt = ol == 1 && *op == '>', gte = ol == 2 && !strncmp(op, ">=", 2);
    if (!gt && !gte)
        return refuse_as(c, "condition", at, "condition: count() %.*s %lld: palisade counts up to a threshold (> N or >= N), "
                         "not fewer events", (int)ol, op, n);
    if (n < 1 || (gt ? n + 1 : n) > PAL_MAX_SEQ_THRESHOLD)
        return refuse_as(c, "limit", at, "condition: a threshold of %lld; palisade counts from 1 up to %u", n, PAL_MAX_SEQ_THRESHOLD);
    const pal_yaml *tf = pal_yaml_get(c->detection, "timeframe");
    if (!tf)
        return refuse_as(c, "condition", at, "condition: an aggregation without a timeframe counts over whatever time a search "
                         "covers, which an event stream has not got: give the detection a timeframe (5m, 1h, ...) to count in");
    c->agg.present = true;
    c->agg.gt = gt;
    c->agg.n = n;
    c->agg.at = at;
    return true;
}

/* The whole `when` expression of the detection. */
static bool condition(conv *c, pal_strbuf *o)
{
    const pal_yaml *cnd = pal_yaml_get(c->detection, "condition");
    if (!cnd) return invalid(c, "condition", c->detection, "the detection has no condition");

    const pal_yaml **conds = NULL;
    unsigned nconds;
    const pal_yaml *one = cnd;
    if (cnd->kind == PAL_YAML_SCALAR) { conds = &one; nconds = 1; }
    else if (cnd->kind == PAL_YAML_SEQ && cnd->n > 0) {
        conds = (const pal_yaml **)cnd->items;
        nconds = cnd->n;
        for (unsigned i = 0; i < nconds; i++)
            if (conds[i]->kind != PAL_YAML_SCALAR) return invalid(c, "condition", conds[i], "a condition is text");
    } else return invalid(c, "condition", cnd, "the condition is text, or a list of texts");
    cond p = {.c = c};
    p.texts = calloc(2 * (size_t)c->detection->n + 1, sizeof *p.texts);
    p.failed = calloc(2 * (size_t)c->detection->n + 1, 1);
    bool ok = p.texts && p.failed;
    if (!ok) refuse_as(c, "limit", cnd, "out of memory");
    if (nconds > 1) pal_strbuf_putc(o, '(');
    for (unsigned i = 0; ok && i < nconds; i++) {
        p.at = conds[i];
        p.s = conds[i]->str;
        p.len = conds[i]->len;
        p.pos = 0;
        c->depth = 0;
        next_tok(&p);
        if (i) pal_strbuf_puts(o, ") or (");
        size_t start = o->len;
        ok = cond_or(&p, o);
        if (ok && o->len - start <= 5) {
            pal_strbuf piece = {.s = o->s + start, .len = o->len - start};
            int k = piece_const(&piece);
            if (k >= 0)
                ok = refuse_as(c, "condition", conds[i], "condition: with the patterns that match no search read as empty "
                               "(and the tests of fields no record of the logsource carries as false), it is always %s, so "
                               "the rule would %s", k ? "true" : "false",
                               k ? "fire on every record of its logsource" : "never fire");
        }
        if (ok && p.toklen && tok_is(&p, "|") && nconds == 1) ok = aggregation(c, conds[i], p.s + p.pos, p.len - p.pos);
        else if (ok && tok_is(&p, "|"))
            ok = refuse_as(c, "condition", conds[i], "condition: an aggregation in a list of conditions: palisade counts one "
                           "search; write it as a Sigma correlation rule");
        else if (ok && p.toklen) ok = invalid(c, "condition", conds[i], "condition: unexpected '%s'", p.tok);
    }
    /* a timeframe is the window of an aggregation; without one it means nothing */
    const pal_yaml *tf = pal_yaml_get(c->detection, "timeframe");
    if (ok && tf && !c->agg.present)
        ok = refuse_as(c, "condition", tf, "timeframe without an aggregation in the condition: a timeframe is the window of a "
                       "count (| count() > N) or a correlation rule's timespan");
    if (nconds > 1) pal_strbuf_putc(o, ')');
    for (unsigned i = 0; p.texts && i < 2 * c->detection->n; i++) free(p.texts[i]);
    free(p.texts);
    free(p.failed);
    return ok;
}

/* ---- metadata and the rule ---- */

static const char *scalar(const pal_yaml *map, const char *key)
{
    const pal_yaml *v = pal_yaml_get(map, key);
    return v && v->kind == PAL_YAML_SCALAR ? v->str : NULL;
}

/* A comment line: control characters as spaces (a newline starts another
   comment line with the same prefix). */
static void comment(pal_strbuf *b, const char *prefix, const char *text)
{
    sbf(b, "// %s", prefix);
    for (const char *s = text; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '\n') {
            if (s[1]) sbf(b, "\n// %*s", (int)strlen(prefix), "");
            continue;
        }
        pal_strbuf_putc(b, ch < 0x20 || ch == 0x7f ? ' ' : (char)ch);
    }
    pal_strbuf_putc(b, '\n');
}

static void comment_list(pal_strbuf *b, const pal_yaml *rule, const char *key)
{
    const pal_yaml *v = pal_yaml_get(rule, key);
    if (!v) return;
    if (v->kind == PAL_YAML_SCALAR) {
        char p[64];
        snprintf(p, sizeof p, "%s: ", key);
        comment(b, p, v->str);
        return;
    }
    if (v->kind != PAL_YAML_SEQ || !v->n) return;
    sbf(b, "// %s:\n", key);
    for (unsigned i = 0; i < v->n; i++)
        if (v->items[i]->kind == PAL_YAML_SCALAR) comment(b, "  ", v->items[i]->str);
}

/* A message template: braces doubled, so no `{` is read as a hole. */
static void put_message(pal_strbuf *b, const char *s)
{
    pal_strbuf tmp;
    pal_strbuf_init(&tmp, 0);
    for (; *s; s++) {
        if (*s == '{' || *s == '}') pal_strbuf_putc(&tmp, *s);
        pal_strbuf_putc(&tmp, *s);
    }
    put_lit(b, tmp.s ? tmp.s : "", tmp.len);
    pal_strbuf_free(&tmp);
}

/* The first ATT&CK technique tag: attack.t1059.001 -> T1059.001. */
static bool mitre_of(const pal_yaml *tags, char *out, size_t cap)
{
    if (!tags || tags->kind != PAL_YAML_SEQ) return false;
    for (unsigned i = 0; i < tags->n; i++) {
        const pal_yaml *t = tags->items[i];
        if (t->kind != PAL_YAML_SCALAR || strncasecmp(t->str, "attack.t", 8) || !isdigit((unsigned char)t->str[8])) continue;
        size_t n = strlen(t->str + 7);
        if (n + 1 > cap) continue;
        for (size_t k = 0; k < n; k++) out[k] = (char)toupper((unsigned char)t->str[7 + k]);
        out[n] = 0;
        return true;
    }
    return false;
}

static const char *severity_of(const char *level)
{
    if (!level) return NULL;
    if (!strcasecmp(level, "informational")) return "info";
    if (!strcasecmp(level, "low")) return "low";
    if (!strcasecmp(level, "medium")) return "medium";
    if (!strcasecmp(level, "high")) return "high";
    if (!strcasecmp(level, "critical")) return "critical";
    return NULL;
}

/* A converted declaration's attributes, from the Sigma rule's metadata
   (level, title, description, the first ATT&CK technique, tags; the title
   is the message), and its closing brace. */
static void put_attributes(pal_strbuf *out, const pal_yaml *rule, const char *title)
{
    const char *sev = severity_of(scalar(rule, "level"));
    if (sev) sbf(out, "  severity %s\n", sev);
    pal_strbuf_puts(out, "  title ");
    put_lit(out, title, strlen(title));
    pal_strbuf_putc(out, '\n');
    const char *desc = scalar(rule, "description");
    if (desc && *desc) {
        pal_strbuf_puts(out, "  description ");
        put_lit(out, desc, strlen(desc) > 4000 ? 4000 : strlen(desc));
        pal_strbuf_putc(out, '\n');
    }
    char mitre[64];
    const pal_yaml *tags = pal_yaml_get(rule, "tags");
    if (mitre_of(tags, mitre, sizeof mitre)) sbf(out, "  mitre \"%s\"\n", mitre);
    if (tags && tags->kind == PAL_YAML_SEQ && tags->n) {
        pal_strbuf_puts(out, "  tags [");
        for (unsigned i = 0, k = 0; i < tags->n; i++) {
            if (tags->items[i]->kind != PAL_YAML_SCALAR) continue;
            if (k++) pal_strbuf_puts(out, ", ");
            put_lit(out, tags->items[i]->str, tags->items[i]->len);
        }
        pal_strbuf_puts(out, "]\n");
    }
    pal_strbuf_puts(out, "  message ");
    put_message(out, title);
    pal_strbuf_puts(out, "\n}\n");
}

/* The provenance comment every converted file opens with. */
static void put_provenance(pal_strbuf *out, const char *file, const char *id, const char *title)
{
    sbf(out, "// Converted from Sigma by palisade sigma convert.\n");
    comment(out, "source: ", file);
    if (*id) comment(out, "id: ", id);
    comment(out, "title: ", title);
}

/* The comment naming the tests absent_field took as false. */
static void put_absent_note(pal_strbuf *out, const conv *c)
{
    if (!*c->absent) return;
    char n[480];
    snprintf(n, sizeof n, "no record of this logsource carries %s: those tests, under not, are false, so they exclude "
             "nothing (the rule is broader, never narrower)", c->absent);
    comment(out, "note: ", n);
}

/* ---- compiling the result alone ---- */

typedef struct one_file { const char *text; size_t len; } one_file;

static int read_one(void *user, const char *relpath, char **data, size_t *len)
{
    const one_file *f = user;
    if (strcmp(relpath, "sigma.pal") != 0) return -1;
    *data = malloc(f->len + 1);
    if (!*data) return -1;
    memcpy(*data, f->text, f->len);
    (*data)[f->len] = 0;
    *len = f->len;
    return 0;
}

typedef struct first_diag { char text[400]; bool have; } first_diag;

static void keep_first(const pal_diagnostic *d, void *user)
{
    first_diag *f = user;
    if (f->have || d->level != PAL_DIAG_ERROR) return;
    f->have = true;
    snprintf(f->text, sizeof f->text, "%u:%u: %s[%s]: %s", d->line, d->col, "error", d->code ? d->code : "", d->message);
}

static bool self_check(conv *c, const char *text, size_t len)
{
    one_file f = {text, len};
    first_diag fd = {{0}, false};
    pal_compile_opts o = {0};
    o.read = read_one;
    o.read_user = &f;
    o.diag = keep_first;
    o.diag_user = &fd;
    o.max_errors = 1;
    const char *paths[] = {"sigma.pal"};
    unsigned ne = 0, nw = 0;
    pal_program *p = pal_compile(paths, 1, &o, &ne, &nw);
    if (!p) return refuse_as(c, "internal", NULL, "palisade cannot compile the converted rule: %s", fd.have ? fd.text : "no diagnostic");
    pal_program_free(p);
    return true;
}

static void quiet(const pal_diagnostic *d, void *user) { (void)d; (void)user; }

/* ---- correlations (Sigma's event_count, value_count, temporal,
 * temporal_ordered) ----
 *
 * A correlation names its rules, which are other documents of the same
 * file (by `name` or `id`).  Each rule's detection is converted as a rule's
 * would be, and the correlation becomes one palisade declaration over
 * them: event_count and value_count a counting rule (`count [distinct F]
 * >= N by ... within T`, the rules' conditions joined by `or`), temporal a
 * `sequence ... unordered`, temporal_ordered a `sequence`, a step per rule.
 * group-by fields go through each rule's field mapping (different fields
 * per rule become a step's own `by`); an alias of `aliases` names, per
 * rule (by its `name`), the Sigma field it stands for in that rule's
 * events; a field the mapping splits (User: DOMAIN\name) joins on both of
 * its fields, since two Users are equal when both parts are.  What
 * palisade has no form for is refused: a condition other than gte/gt (or,
 * for temporal, other than all of the rules), a timespan in months or
 * years, more than 4 join fields. */

static void copy_meta(char *dst, size_t cap, const char *s);

enum { CORR_MAX_RULES = PAL_MAX_SEQ_STEPS };

typedef struct corr_rule {
    const char *ref;
    const pal_yaml *doc;
    char *when;                    /* the converted condition, with the logsource's */
    const char *kind;              /* `on` kind, or NULL */
    char by[PAL_MAX_SEQ_KEYS][128];  /* the palisade join fields, in group-by order */
    unsigned nby;
    char value[128];               /* value_count: the field counted */
} corr_rule;

/* A Sigma field of a group-by or value_count, through rule r's mapping. */
static bool corr_field(conv *c, conv *rc, const pal_yaml *at, const char *name, char *out, size_t cap)
{
    sigma_field_map scratch;
    char buf[300];
    const sigma_field_map *fm = field_map(rc, name, &scratch, buf, sizeof buf);
    if (!fm) return refuse_as(c, "field", at, "field %s is not in the field mapping", name);
    if (fm->kind != SM_FIELD && fm->kind != SM_VALUES)
        return refuse_as(c, "correlation", at, "field %s maps to several palisade fields; a correlation groups on one", name);
    target t;
    if (!resolve_for(c, rc->src, at, name, fm->target, &t)) return false;
    snprintf(out, cap, "%s", t.name);
    return true;
}

/* A group-by field through rule r's mapping, appended to r's join
   fields: a field the mapping splits (User) is both of its fields. */
static bool corr_by(conv *c, conv *rc, const pal_yaml *at, const char *name, corr_rule *r)
{
    sigma_field_map scratch;
    char buf[300];
    const sigma_field_map *fm = field_map(rc, name, &scratch, buf, sizeof buf);
    const char *fields[2] = {NULL, NULL};
    unsigned nf = 1;
    if (fm && fm->kind == SM_SPLIT) { fields[0] = fm->split[0]; fields[1] = fm->split[1]; nf = 2; }
    else if (fm && (fm->kind == SM_FIELD || fm->kind == SM_VALUES)) fields[0] = fm->target;
    else if (!fm) return refuse_as(c, "field", at, "field %s is not in the field mapping", name);
    else return refuse_as(c, "correlation", at, "field %s maps to several palisade fields; a correlation groups on one", name);
    for (unsigned f = 0; f < nf; f++) {
        if (r->nby == PAL_MAX_SEQ_KEYS)
            return refuse_as(c, "limit", at, "group-by joins on more than %u palisade fields (%s is %u of them); palisade joins on at most %u",
                          PAL_MAX_SEQ_KEYS, name, nf, PAL_MAX_SEQ_KEYS);
        target t;
        if (!resolve_for(c, rc->src, at, name, fields[f], &t)) return false;
        snprintf(r->by[r->nby++], sizeof r->by[0], "%s", t.name);
    }
    return true;
}

/* The Sigma field that group-by entry `name` stands for in the events of
   rule `doc`: through `aliases` when it names an alias, else itself.
   NULL (refused) when the alias gives the rule no field. */
static const char *corr_alias(conv *c, const pal_yaml *aliases, const pal_yaml *at, const char *name, const pal_yaml *doc,
                              const char *ref)
{
    const pal_yaml *al = aliases ? pal_yaml_get(aliases, name) : NULL;
    if (!al) return name;
    if (al->kind != PAL_YAML_MAP) {
        invalid(c, "correlation", at, "alias %s maps rule names to fields (aliases: %s: {RULE: FIELD})", name, name);
        return NULL;
    }
    const char *rule_name = scalar(doc, "name");
    const char *f = rule_name ? scalar(al, rule_name) : NULL;
    if (!f || !*f) {
        refuse_as(c, "correlation", at, "alias %s gives no field for rule %s (aliases are keyed by the rules' name attribute)", name,
               rule_name ? rule_name : ref);
        return NULL;
    }
    return f;
}

/* "5m" -> ms; false when not a Sigma timespan palisade takes. */
static bool timespan_of(const char *s, char *out, size_t cap)
{
    if (!s || !isdigit((unsigned char)*s)) return false;
    size_t i = 0;
    while (isdigit((unsigned char)s[i])) i++;
    if (i > 9 || strlen(s + i) != 1 || !strchr("smhd", s[i])) return false;
    snprintf(out, cap, "%s", s);
    return true;
}

static bool convert_correlation(conv *c, const char *file, const pal_yaml *rule, const pal_yaml_doc *docs, unsigned ndocs,
                                pal_strbuf *out)
{
    pal_sigma_result *r = c->res;
    copy_meta(r->id, sizeof r->id, scalar(rule, "id"));
    copy_meta(r->title, sizeof r->title, scalar(rule, "title"));
    const char *title = scalar(rule, "title");
    if (!title || !*title) return invalid(c, "title", rule, "the rule has no title");
    const pal_yaml *cor = pal_yaml_get(rule, "correlation");
    if (!cor || cor->kind != PAL_YAML_MAP) return invalid(c, "correlation", cor, "a correlation is a mapping (type, rules, group-by, timespan, condition)");
    const char *type = scalar(cor, "type");
    bool counts = type && (!strcmp(type, "event_count") || !strcmp(type, "value_count"));
    bool temporal = type && (!strcmp(type, "temporal") || !strcmp(type, "temporal_ordered"));
    if (!counts && !temporal)
        return refuse_as(c, "correlation", cor, "a correlation rule of type %s: palisade converts event_count, value_count, temporal and temporal_ordered",
                      type ? type : "(none)");
    const pal_yaml *aliases = pal_yaml_get(cor, "aliases");
    if (aliases && aliases->kind != PAL_YAML_MAP) return invalid(c, "correlation", aliases, "aliases is a mapping: ALIAS: {RULE: FIELD}");
    char within[16];
    /* the specification's timespan is mandatory: a number and s, m, h or d */
    if (!pal_yaml_get(cor, "timespan"))
        return invalid(c, "correlation", cor, "the correlation has no timespan (it is mandatory: 5m, 1h, ...)%s",
                       pal_yaml_get(rule, "timespan") ? "; the rule's timespan is outside correlation:, where it is not read" : "");
    if (!timespan_of(scalar(cor, "timespan"), within, sizeof within))
        return invalid(c, "correlation", pal_yaml_get(cor, "timespan"), "the timespan '%s' is not a number of s, m, h or d",
                       scalar(cor, "timespan") ? scalar(cor, "timespan") : "");
    /* the rules it names, from the other documents of the file */
    const pal_yaml *rules = pal_yaml_get(cor, "rules");
    const pal_yaml *one_rule = rules;
    const pal_yaml **refs = NULL;
    unsigned nrefs = 0;
    if (rules && rules->kind == PAL_YAML_SCALAR) { refs = &one_rule; nrefs = 1; }
    else if (rules && rules->kind == PAL_YAML_SEQ) { refs = (const pal_yaml **)rules->items; nrefs = rules->n; }
    if (!nrefs) return invalid(c, "correlation", cor, "a correlation rule names its rules");
    if (nrefs > CORR_MAX_RULES) return refuse_as(c, "limit", rules, "a correlation of %u rules; palisade takes at most %u", nrefs, CORR_MAX_RULES);
    if (temporal && nrefs < 2) return refuse_as(c, "correlation", rules, "a temporal correlation of one rule: palisade sequences take 2 to %u", CORR_MAX_RULES);
    corr_rule cr[CORR_MAX_RULES];
    memset(cr, 0, sizeof cr);
    bool ok = true;
    const pal_yaml *gb = pal_yaml_get(cor, "group-by");
    const pal_yaml *one_gb = gb;
    const pal_yaml **gbs = NULL;
    unsigned ngb = 0;
    if (gb && gb->kind == PAL_YAML_SCALAR) { gbs = &one_gb; ngb = 1; }
    else if (gb && gb->kind == PAL_YAML_SEQ) { gbs = (const pal_yaml **)gb->items; ngb = gb->n; }
    if (ngb > PAL_MAX_SEQ_KEYS) return refuse_as(c, "limit", gb, "group-by names %u fields; palisade joins on at most %u", ngb, PAL_MAX_SEQ_KEYS);
    /* the condition: a threshold, gte or gt */
    const pal_yaml *cnd = pal_yaml_get(cor, "condition");
    long long n = 0;
    bool gt = false;
    const char *value_field = NULL;
    if (cnd && cnd->kind != PAL_YAML_MAP) return invalid(c, "correlation", cnd, "the correlation's condition is a mapping (gte: N)");
    for (unsigned i = 0; cnd && i < cnd->n; i++) {
        const pal_yaml *k = cnd->items[2 * i], *v = cnd->items[2 * i + 1];
        if (!strcmp(k->str, "field") && v->kind == PAL_YAML_SCALAR) { value_field = v->str; continue; }
        if ((strcmp(k->str, "gte") && strcmp(k->str, "gt")) || v->kind != PAL_YAML_SCALAR || !parse_int(v->str, v->len, &n) || n < 1)
            return refuse_as(c, "correlation", k, "condition %s: palisade counts up to a threshold (gte: N or gt: N, N at least 1)", k->str);
        if (gt) return refuse_as(c, "correlation", k, "the condition has one threshold");
        gt = !strcmp(k->str, "gt");
    }
    if (counts && !n) return invalid(c, "correlation", cor, "an event_count or value_count correlation needs a condition (gte: N)");
    if (counts && (gt ? n + 1 : n) > PAL_MAX_SEQ_THRESHOLD)
        return refuse_as(c, "limit", cnd, "a threshold of %lld; palisade counts up to %u", n, PAL_MAX_SEQ_THRESHOLD);
    if (temporal && n && (gt ? n + 1 : n) != (long long)nrefs)
        return refuse_as(c, "correlation", cnd, "a temporal correlation of %lld of its %u rules: palisade sequences need all of them", gt ? n + 1 : n, nrefs);
    if (!strcmp(type, "value_count") && !value_field) return invalid(c, "correlation", cnd, "a value_count correlation names the field it counts (condition: field:)");
    if (strcmp(type, "value_count") && value_field) return invalid(c, "correlation", cnd, "condition: field belongs to value_count");
    for (unsigned i = 0; ok && i < nrefs; i++) {
        const pal_yaml *ref = refs[i];
        if (ref->kind != PAL_YAML_SCALAR) { ok = invalid(c, "correlation", ref, "a correlation names its rules by name or id"); break; }
        cr[i].ref = ref->str;
        for (unsigned d = 0; d < ndocs && !cr[i].doc; d++) {
            const pal_yaml *dr = docs[d].root;
            if (dr == rule || !dr || dr->kind != PAL_YAML_MAP || pal_yaml_get(dr, "correlation")) continue;
            const char *nm = scalar(dr, "name"), *id = scalar(dr, "id");
            if ((nm && !strcmp(nm, ref->str)) || (id && !strcmp(id, ref->str))) cr[i].doc = dr;
        }
        if (!cr[i].doc) {
            ok = refuse_as(c, "correlation", ref, "a correlation rule whose rule %s is not in its file: put the correlation and its rules in one file, as YAML documents", ref->str);
            break;
        }
        /* the rule's condition, as a rule's would be converted */
        pal_sigma_result sub;
        memset(&sub, 0, sizeof sub);
        conv rc = {.map = c->map, .res = &sub, .doc = c->doc};
        const pal_yaml *ls = pal_yaml_get(cr[i].doc, "logsource");
        const char *product = ls ? scalar(ls, "product") : NULL, *category = ls ? scalar(ls, "category") : NULL,
                   *service = ls ? scalar(ls, "service") : NULL;
        rc.src = ls && ls->kind == PAL_YAML_MAP ? sigma_map_source(c->map, product, category, service) : NULL;
        rc.detection = pal_yaml_get(cr[i].doc, "detection");
        if (!rc.src) { ok = refuse_as(c, "logsource", ref, "rule %s: its logsource is not in the field mapping", ref->str); break; }
        if (!rc.detection || rc.detection->kind != PAL_YAML_MAP) { ok = invalid(c, "detection", ref, "rule %s has no detection", ref->str); break; }
        pal_strbuf w;
        pal_strbuf_init(&w, PAL_SIGMA_MAX_OUTPUT);
        if (rc.src->when) {
            put_piece(&w, rc.src->when, strlen(rc.src->when), L_AND);
            pal_strbuf_puts(&w, " and ");
        }
        pal_strbuf cond_text;
        pal_strbuf_init(&cond_text, PAL_SIGMA_MAX_OUTPUT);
        bool converted = condition(&rc, &cond_text);
        if (converted && rc.agg.present) {
            converted = false;
            refuse_as(&rc, "correlation", rc.agg.at, "its condition is an aggregation, and a correlation's rules are searches");
        }
        if (!converted) {
            ok = sub.invalid ? invalid(c, sub.code, ref, "rule %s: %s", ref->str, sub.reason)
                             : refuse_as(c, sub.code, ref, "rule %s: %s", ref->str, sub.reason);
        } else {
            size_t an = strlen(c->absent);   /* the rule's filters that exclude nothing (absent_field), named */
            if (*rc.absent && an + strlen(rc.absent) + 3 < sizeof c->absent)
                snprintf(c->absent + an, sizeof c->absent - an, "%s%s", an ? ", " : "", rc.absent);
            put_piece(&w, cond_text.s ? cond_text.s : "false", cond_text.len, L_AND);
            cr[i].when = pal_strbuf_cstr(&w) ? strdup(w.s) : NULL;
            if (!cr[i].when) ok = refuse_as(c, "limit", ref, "out of memory");
        }
        pal_strbuf_free(&cond_text);
        pal_strbuf_free(&w);
        cr[i].kind = rc.src->kind;
        for (unsigned k = 0; ok && k < ngb; k++) {
            if (gbs[k]->kind != PAL_YAML_SCALAR) { ok = invalid(c, "correlation", gbs[k], "group-by lists field names"); break; }
            const char *field = corr_alias(c, aliases, gbs[k], gbs[k]->str, cr[i].doc, cr[i].ref);
            ok = field && corr_by(c, &rc, gbs[k], field, &cr[i]);
        }
        if (ok && value_field) ok = corr_field(c, &rc, cnd, value_field, cr[i].value, sizeof cr[i].value);
    }
    bool same_by = true;
    for (unsigned i = 1; ok && i < nrefs; i++) {
        if (cr[i].nby != cr[0].nby)
            ok = refuse_as(c, "correlation", gb, "group-by is %u palisade fields in rule %s but %u in rule %s: the steps of a sequence join on as many",
                        cr[0].nby, cr[0].ref, cr[i].nby, cr[i].ref);
        for (unsigned k = 0; ok && k < cr[0].nby; k++) same_by = same_by && !strcmp(cr[i].by[k], cr[0].by[k]);
    }
    for (unsigned i = 1; ok && i < nrefs && value_field; i++)
        if (strcmp(cr[i].value, cr[0].value)) ok = refuse_as(c, "correlation", cnd, "%s maps to other fields in the rules; a value_count counts one", value_field);
    if (ok && counts && !same_by) ok = refuse_as(c, "correlation", gb, "group-by maps to other fields in the rules; a count groups on one set");
    if (ok) {
        put_provenance(out, file, r->id, title);
        put_absent_note(out, c);
        sbf(out, "// correlation: %s of", type);
        for (unsigned i = 0; i < nrefs; i++) sbf(out, " %s", cr[i].ref);
        sbf(out, "\n");
        if (counts) {
            pal_strbuf_puts(out, "rule ");
            put_lit(out, *r->id ? r->id : title, strlen(*r->id ? r->id : title));
            pal_strbuf_puts(out, " {\n");
            bool kinds = true;
            for (unsigned i = 0; i < nrefs; i++) kinds = kinds && cr[i].kind;
            if (kinds) {
                pal_strbuf_puts(out, "  on ");
                for (unsigned i = 0; i < nrefs; i++) {
                    bool dup = false;
                    for (unsigned j = 0; j < i; j++) dup = dup || !strcmp(cr[j].kind, cr[i].kind);
                    if (!dup) sbf(out, "%s%s", i ? ", " : "", cr[i].kind);
                }
                pal_strbuf_putc(out, '\n');
            }
            pal_strbuf_puts(out, "  when ");
            for (unsigned i = 0; i < nrefs; i++) sbf(out, "%s(%s)", i ? " or " : "", cr[i].when);
            pal_strbuf_puts(out, "\n  count ");
            if (value_field) sbf(out, "distinct %s ", cr[0].value);
            sbf(out, "%s %lld", gt ? ">" : ">=", n);
            for (unsigned k = 0; k < cr[0].nby; k++) sbf(out, "%s%s", k ? ", " : " by ", cr[0].by[k]);
            sbf(out, " within %s\n", within);
        } else {
            pal_strbuf_puts(out, "sequence ");
            put_lit(out, *r->id ? r->id : title, strlen(*r->id ? r->id : title));
            pal_strbuf_puts(out, " {\n");
            if (same_by && cr[0].nby) {
                pal_strbuf_puts(out, "  by ");
                for (unsigned k = 0; k < cr[0].nby; k++) sbf(out, "%s%s", k ? ", " : "", cr[0].by[k]);
                pal_strbuf_putc(out, '\n');
            }
            sbf(out, "  within %s\n", within);
            if (!strcmp(type, "temporal")) pal_strbuf_puts(out, "  unordered\n");
            for (unsigned i = 0; i < nrefs; i++) {
                pal_strbuf_puts(out, "  step {");
                if (cr[i].kind) sbf(out, " on %s", cr[i].kind);
                sbf(out, " when %s", cr[i].when);
                for (unsigned k = 0; !same_by && k < cr[i].nby; k++) sbf(out, "%s%s", k ? ", " : " by ", cr[i].by[k]);
                pal_strbuf_puts(out, " }\n");
            }
        }
        put_attributes(out, rule, title);
        if (out->failed) ok = refuse_as(c, "limit", NULL, "the converted rule is larger than %u bytes", PAL_SIGMA_MAX_OUTPUT);
    }
    for (unsigned i = 0; i < nrefs; i++) free(cr[i].when);
    return ok;
}

/* The documents of a YAML stream: split at lines that are `---`. */
enum { SIGMA_MAX_DOCS = CORR_MAX_RULES + 1 };
static unsigned split_docs(const char *data, size_t len, size_t starts[], size_t ends[], bool *too_many)
{
    unsigned n = 0;
    size_t begin = 0, i = 0;
    *too_many = false;
    while (i <= len) {
        size_t e = i;
        while (e < len && data[e] != '\n') e++;
        size_t l = e - i;
        while (l > 3 && (data[i + l - 1] == ' ' || data[i + l - 1] == '\r')) l--;
        bool sep = l == 3 && !memcmp(data + i, "---", 3);
        if (sep || e >= len) {
            size_t end = sep ? i : len;
            bool blank = true;
            for (size_t k = begin; k < end && blank; k++) blank = isspace((unsigned char)data[k]) != 0;
            if (!blank) {
                if (n == SIGMA_MAX_DOCS) { *too_many = true; return n; }
                starts[n] = begin;
                ends[n] = end;
                n++;
            }
            begin = e + 1;
        }
        i = e + 1;
    }
    return n;
}

/* ---- the entry point ---- */

/* A later document's lines, as lines of the file (each document is read
   alone, from its own first line). */
static void shift_lines(pal_yaml *n, unsigned by)
{
    if (!n) return;
    n->line += by;
    if (n->kind == PAL_YAML_SEQ || n->kind == PAL_YAML_MAP)
        for (unsigned i = 0; i < (n->kind == PAL_YAML_MAP ? 2 * n->n : n->n); i++) shift_lines(n->items[i], by);
}

static unsigned lines_before(const char *data, size_t at)
{
    unsigned n = 0;
    for (size_t i = 0; i < at; i++) n += data[i] == '\n';
    return n;
}

static void copy_meta(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s ? s : "");
    for (char *p = dst; *p; p++)
        if ((unsigned char)*p < 0x20) *p = ' ';
}

/* Windows logsource categories the built-in mapping leaves out, and why:
   no log palisade reads has their records. */
static const char *unmapped_category(const char *category)
{
    static const struct { const char *category, *why; } cats[] = {
        {"file_access", "Sysmon has no file-access record; only the Microsoft-Windows-Kernel-File ETW provider "
                        "does, which palisade does not read"},
        {"file_rename", "Sysmon has no file-rename record; only the Microsoft-Windows-Kernel-File ETW provider "
                        "does, which palisade does not read"},
    };
    for (size_t i = 0; i < sizeof cats / sizeof cats[0]; i++)
        if (!strcasecmp(category, cats[i].category)) return cats[i].why;
    return NULL;
}

/* The counting clause of a Sigma 1.0 aggregation (aggregation() read it):
   `count [distinct F] > N [by G] within T`, F and G through the mapping as
   a correlation's are. */
static bool count_clause(conv *c, pal_strbuf *out)
{
    char within[16], value[128] = "";
    const pal_yaml *tf = pal_yaml_get(c->detection, "timeframe");
    if (!timespan_of(tf && tf->kind == PAL_YAML_SCALAR ? tf->str : NULL, within, sizeof within))
        return refuse_as(c, "condition", tf, "the timeframe '%.40s' is not a number of s, m, h or d",
                         tf && tf->kind == PAL_YAML_SCALAR ? tf->str : "");
    if (*c->agg.field && !corr_field(c, c, c->agg.at, c->agg.field, value, sizeof value)) return false;
    corr_rule by;
    memset(&by, 0, sizeof by);
    if (*c->agg.by && !corr_by(c, c, c->agg.at, c->agg.by, &by)) return false;
    pal_strbuf_puts(out, "  count ");
    if (*value) sbf(out, "distinct %s ", value);
    sbf(out, "%s %lld", c->agg.gt ? ">" : ">=", c->agg.n);
    for (unsigned k = 0; k < by.nby; k++) sbf(out, "%s%s", k ? ", " : " by ", by.by[k]);
    sbf(out, " within %s\n", within);
    return true;
}

static bool convert_doc(conv *c, const char *file, const pal_yaml *rule, pal_strbuf *out)
{
    pal_sigma_result *r = c->res;
    if (!rule || rule->kind != PAL_YAML_MAP) return invalid(c, "yaml", rule, "a Sigma rule is a YAML mapping");
    copy_meta(r->id, sizeof r->id, scalar(rule, "id"));
    copy_meta(r->title, sizeof r->title, scalar(rule, "title"));
    if (pal_yaml_get(rule, "correlation"))
        return refuse_as(c, "correlation", pal_yaml_get(rule, "correlation"),
                      "a correlation rule without its rules: put the correlation and the rules it names in one file, as YAML documents");
    if (pal_yaml_get(rule, "filter"))
        return refuse_as(c, "filter", pal_yaml_get(rule, "filter"), "a Sigma filter document (it changes other rules; apply it to them first)");
    const char *title = scalar(rule, "title");
    if (!title || !*title) return invalid(c, "title", rule, "the rule has no title");
    const pal_yaml *ls = pal_yaml_get(rule, "logsource");
    if (!ls || ls->kind != PAL_YAML_MAP) return invalid(c, "logsource", rule, "the rule has no logsource");
    const char *product = scalar(ls, "product"), *category = scalar(ls, "category"), *service = scalar(ls, "service");
    /* Sigma's keys are lower case: `Service: security` is not a service,
       and read without it the rule would apply to more than it says */
    static const char *const ls_keys[] = {"category", "product", "service", "definition"};
    for (unsigned i = 0; i < ls->n; i++) {
        const pal_yaml *k = ls->items[2 * i];
        for (size_t j = 0; k->kind == PAL_YAML_SCALAR && j < sizeof ls_keys / sizeof ls_keys[0]; j++)
            if (!strcasecmp(k->str, ls_keys[j]) && strcmp(k->str, ls_keys[j]) != 0)
                return refuse_as(c, "logsource", k, "logsource key '%s' is not Sigma's '%s' (Sigma's keys are lower case; read "
                              "without it, the rule would apply to more records than it names)", k->str, ls_keys[j]);
    }
    c->src = sigma_map_source(c->map, product, category, service);
    const char *why_not = product && !strcasecmp(product, "windows") && category ? unmapped_category(category) : NULL;
    if (!c->src && why_not)
        return refuse_as(c, "logsource", ls, "logsource category %s: %s", category, why_not);
    if (!c->src)   /* a Windows channel palisade does not decode: a rule for it would convert and never fire */
        return refuse_as(c, "logsource", ls, "logsource%s%s%s%s%s%s is not in the field mapping%s", product ? " product " : "", product ? product : "",
                      category ? " category " : "", category ? category : "", service ? " service " : "", service ? service : "",
                      product && !strcmp(product, "windows") && service && !category
                          ? " (palisade decodes the Windows logs lang/SPEC.md lists under \"Windows events\"; a rule for "
                            "another channel's records could never fire)"
                          : "");
    /* the entry's channels: one palisade decodes, or the rule could never fire */
    bool any_decoded = !c->src->nchannels;
    for (unsigned i = 0; i < c->src->nchannels && !any_decoded; i++)
        any_decoded = pal_win_source_of_channel(c->src->channels[i], strlen(c->src->channels[i])) != PW_NONE;
    if (!any_decoded)
        return refuse_as(c, "logsource", ls, "the field mapping's entry (line %u) names channel %s, which palisade does not decode, so "
                      "the converted rule could never fire", c->src->line, c->src->channels[0]);
    c->detection = pal_yaml_get(rule, "detection");
    if (!c->detection || c->detection->kind != PAL_YAML_MAP) return invalid(c, "detection", rule, "the rule has no detection");

    pal_strbuf when;
    pal_strbuf_init(&when, PAL_SIGMA_MAX_OUTPUT);
    bool ok = condition(c, &when);
    if (ok && when.failed) ok = refuse_as(c, "limit", c->detection, "the converted condition is larger than %u bytes", PAL_SIGMA_MAX_OUTPUT);
    if (!ok) { pal_strbuf_free(&when); return false; }

    /* provenance */
    put_provenance(out, file, r->id, title);
    if (c->note) comment(out, "", c->note);
    put_absent_note(out, c);
    const char *keys[] = {"status", "author", "date", "modified", "license", NULL};
    for (int i = 0; keys[i]; i++)
        if (scalar(rule, keys[i])) {
            char p[32];
            snprintf(p, sizeof p, "%s: ", keys[i]);
            comment(out, p, scalar(rule, keys[i]));
        }
    sbf(out, "// logsource:%s%s%s%s%s%s\n", product ? " product " : "", product ? product : "", category ? " category " : "",
        category ? category : "", service ? " service " : "", service ? service : "");
    comment_list(out, rule, "references");
    comment_list(out, rule, "falsepositives");
    comment_list(out, rule, "fields");

    /* the rule: its name is the Sigma id, so decisions carry it */
    pal_strbuf_puts(out, "rule ");
    const char *name = c->name ? c->name : *r->id ? r->id : title;
    put_lit(out, name, strlen(name));
    pal_strbuf_puts(out, " {\n");
    if (c->src->kind) sbf(out, "  on %s\n", c->src->kind);
    pal_strbuf_puts(out, "  when ");
    if (c->src->nchannels == 1) {
        pal_strbuf_puts(out, "winlog.channel == nocase ");
        put_lit(out, c->src->channels[0], strlen(c->src->channels[0]));
        pal_strbuf_puts(out, "\n    and ");
    } else if (c->src->nchannels) {
        pal_strbuf_puts(out, "winlog.channel in nocase [");
        for (unsigned i = 0; i < c->src->nchannels; i++) {
            if (i) pal_strbuf_puts(out, ", ");
            put_lit(out, c->src->channels[i], strlen(c->src->channels[i]));
        }
        pal_strbuf_puts(out, "]\n    and ");
    }
    if (c->src->when) {
        put_piece(out, c->src->when, strlen(c->src->when), L_AND);
        pal_strbuf_puts(out, "\n    and ");
        put_piece(out, when.s ? when.s : "false", when.len, L_AND);
    } else if (c->src->nchannels) {
        put_piece(out, when.s ? when.s : "false", when.len, L_AND);
    } else {
        pal_strbuf_append(out, when.s ? when.s : "false", when.len);
    }
    pal_strbuf_free(&when);
    pal_strbuf_putc(out, '\n');
    if (c->agg.present && !count_clause(c, out)) return false;
    put_attributes(out, rule, title);
    if (out->failed) return refuse_as(c, "limit", NULL, "the converted rule is larger than %u bytes", PAL_SIGMA_MAX_OUTPUT);
    return true;
}

/* A refusal decided before any rule is read (the file as a whole). */
__attribute__((format(printf, 4, 5)))
static void file_refusal(pal_sigma_result *out, bool is_invalid, const char *code, const char *fmt, ...)
{
    out->invalid = is_invalid;
    snprintf(out->code, sizeof out->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->reason, sizeof out->reason, fmt, ap);
    va_end(ap);
}

/* A YAML reader's error: a syntax error makes the file invalid (no YAML
   reader takes it); the rest are palisade's bounds (size, depth, nodes) and
   its refusal of anchors and aliases. */
static bool yaml_error_is_syntax(const char *err) { return strstr(err, "YAML syntax error") != NULL; }

/* ---- rule collections (Sigma 1.0: several rules in one file) ----
 *
 * A file of several YAML documents and no correlation is a rule
 * collection.  A document with `action: global` holds keys merged into
 * every rule document after it (several globals accumulate), `action:
 * reset` drops them, `action: repeat` is the rule before it again with the
 * repeat's keys merged over it; a document without an action is a rule.
 * The merge is the specification's as pySigma and sigmac do it: key by
 * key, a mapping in both merged again, any other value taken from the
 * document merged in (the global's over the rule's, the repeat's over the
 * rule it repeats); lists are replaced, not joined.  Each rule converts
 * alone, named by its id (the second rule with that id ID-2, the third
 * ID-3, ...; so every decision still carries the Sigma id), into the
 * file's one .pal.  A rule refused refuses the file, naming its document:
 * a collection never converts in part. */

/* dest with src's keys merged over it (skip: a key of src left out), in a;
   src itself when either is not a mapping.  NULL when a is full. */
static const pal_yaml *yaml_merge(pal_arena *a, const pal_yaml *dest, const pal_yaml *src, const char *skip)
{
    if (!dest || dest->kind != PAL_YAML_MAP || !src || src->kind != PAL_YAML_MAP) return src;
    pal_yaml *m = pal_arena_alloc(a, sizeof *m);
    pal_yaml **items = pal_arena_alloc(a, (2 * (size_t)(dest->n + src->n) + 1) * sizeof *items);
    if (!m || !items) return NULL;
    *m = *dest;
    m->items = items;
    if (dest->n) memcpy(items, dest->items, 2 * (size_t)dest->n * sizeof *items);
    for (unsigned i = 0; i < src->n; i++) {
        pal_yaml *k = src->items[2 * i], *v = src->items[2 * i + 1];
        if (skip && !strcmp(k->str, skip)) continue;
        unsigned j = 0;
        while (j < m->n && strcmp(items[2 * j]->str, k->str)) j++;
        const pal_yaml *mv = j < m->n ? yaml_merge(a, items[2 * j + 1], v, NULL) : v;
        if (!mv) return NULL;
        if (j == m->n) { items[2 * j] = k; m->n++; }
        items[2 * j + 1] = (pal_yaml *)mv;
    }
    return m;
}

/* The rules of a collection, merged (docs: the file's documents; empty
   ones, comments only, hold nothing and are passed over).  false with the
   refusal in out. */
typedef struct coll_rule { const pal_yaml *rule; unsigned doc; } coll_rule;

static bool collection_rules(pal_sigma_result *out, pal_arena *a, const pal_yaml_doc *docs, unsigned ndocs, coll_rule *rules,
                             unsigned *nrules)
{
    const pal_yaml *globals = NULL, *prev = NULL;
    unsigned n = 0;
    for (unsigned d = 0; d < ndocs; d++) {
        const pal_yaml *r = docs[d].root;
        if (!r) continue;
        if (r->kind != PAL_YAML_MAP) {
            file_refusal(out, true, "yaml", "YAML document %u of %u is not a mapping (a Sigma rule, or an action document)", d + 1, ndocs);
            return false;
        }
        const pal_yaml *act = pal_yaml_get(r, "action");
        const char *action = act && act->kind == PAL_YAML_SCALAR ? act->str : NULL;
        const pal_yaml *rule = NULL;
        if (act && (!action || (strcmp(action, "global") && strcmp(action, "reset") && strcmp(action, "repeat")))) {
            file_refusal(out, true, "collection", "line %u: YAML document %u: action '%.40s' is not one of a Sigma rule collection's "
                         "(global, reset, repeat)", act->line, d + 1, action ? action : "(not a word)");
            return false;
        }
        if (action && !strcmp(action, "global")) {
            globals = yaml_merge(a, globals ? globals : &(pal_yaml){.kind = PAL_YAML_MAP, .line = r->line, .col = r->col}, r, "action");
            if (!globals) goto full;
            continue;
        }
        if (action && !strcmp(action, "reset")) { globals = NULL; continue; }
        if (action) {   /* repeat */
            if (!prev) {
                file_refusal(out, false, "collection", "line %u: YAML document %u: action: repeat, and no rule before it to repeat "
                             "(pySigma repeats the global document, sigmac refuses it): write the rule out whole", act->line, d + 1);
                return false;
            }
            rule = yaml_merge(a, prev, r, "action");
        } else {
            rule = globals ? yaml_merge(a, r, globals, NULL) : r;
        }
        if (!rule) goto full;
        const char *title = scalar(rule, "title");
        if (!title || !*title) {
            file_refusal(out, true, "title", "YAML document %u of %u has no title: each document without an action is a rule of "
                         "its own (a part shared by the rules after it needs action: global)", d + 1, ndocs);
            return false;
        }
        rules[n].rule = rule;
        rules[n].doc = d;
        prev = rule;
        n++;
    }
    *nrules = n;
    return true;
full:
    file_refusal(out, false, "limit", "the rule collection's merged rules are larger than palisade's bound for one file");
    return false;
}

/* Converts a collection's rules into one text; false with the refusal in
   c->res (the document and the rule's own reason). */
static bool convert_collection(conv *c, const char *file, const pal_yaml_doc *docs, unsigned ndocs, pal_strbuf *out)
{
    pal_sigma_result *res = c->res;
    pal_arena a;
    pal_arena_init(&a, 4u << 20);
    coll_rule rules[SIGMA_MAX_DOCS];
    unsigned n = 0;
    for (unsigned d = 0; d < ndocs && !*res->id; d++)   /* a refusal of the file names the first id given */
        if (docs[d].root && docs[d].root->kind == PAL_YAML_MAP) copy_meta(res->id, sizeof res->id, scalar(docs[d].root, "id"));
    bool ok = collection_rules(res, &a, docs, ndocs, rules, &n);
    if (ok && !n) {
        file_refusal(res, true, "title", "%u YAML documents and no rule among them (only action documents)", ndocs);
        ok = false;
    }
    char names[SIGMA_MAX_DOCS][300];
    for (unsigned k = 0; ok && k < n; k++) {
        const char *id = scalar(rules[k].rule, "id"), *title = scalar(rules[k].rule, "title");
        char base[300];
        copy_meta(base, sizeof base, id && *id ? id : title);
        unsigned same = 0;
        for (unsigned j = 0; j < k; j++) {
            const char *jid = scalar(rules[j].rule, "id"), *jt = scalar(rules[j].rule, "title");
            char jb[300];
            copy_meta(jb, sizeof jb, jid && *jid ? jid : jt);
            same += !strcmp(jb, base);
        }
        if (same) snprintf(names[k], sizeof names[k], "%.280s-%u", base, same + 1);
        else snprintf(names[k], sizeof names[k], "%s", base);
        char note[96];
        snprintf(note, sizeof note, "collection: YAML document %u of %u, rule %u of %u", rules[k].doc + 1, ndocs, k + 1, n);
        pal_sigma_result sub;
        memset(&sub, 0, sizeof sub);
        conv rc = {.map = c->map, .res = &sub, .doc = &docs[rules[k].doc], .name = names[k], .note = n > 1 ? note : NULL};
        pal_strbuf text;
        pal_strbuf_init(&text, PAL_SIGMA_MAX_OUTPUT);
        if (!convert_doc(&rc, file, rules[k].rule, &text)) {
            res->invalid = sub.invalid;
            snprintf(res->code, sizeof res->code, "%s", sub.code);
            snprintf(res->reason, sizeof res->reason, "YAML document %u (rule %u of %u in the collection): %.560s", rules[k].doc + 1,
                     k + 1, n, sub.reason);
            if (*sub.id) copy_meta(res->id, sizeof res->id, sub.id);
            ok = false;
        } else if (text.failed || out->len + text.len > PAL_SIGMA_MAX_OUTPUT) {
            file_refusal(res, false, "limit", "the converted rules are larger than %u bytes", PAL_SIGMA_MAX_OUTPUT);
            ok = false;
        } else {
            if (k) pal_strbuf_putc(out, '\n');
            pal_strbuf_append(out, text.s, text.len);
            if (!k) {
                copy_meta(res->id, sizeof res->id, sub.id);
                copy_meta(res->title, sizeof res->title, sub.title);
            }
        }
        pal_strbuf_free(&text);
    }
    pal_arena_free(&a);
    c->refused = !ok;
    return ok;
}

/* The converted text through palisade's compiler and formatter, into out. */
static bool finish(conv *c, const pal_strbuf *text)
{
    if (!self_check(c, text->s, text->len)) return false;
    char *fmt = NULL;
    size_t fl = 0;
    if (pal_format("sigma.pal", text->s, text->len, quiet, NULL, &fmt, &fl) != 0)
        return refuse_as(c, "internal", NULL, "the converted rule cannot be formatted; please report it");
    c->res->source = fmt;
    c->res->source_len = fl;
    c->res->status = PAL_SIGMA_CONVERTED;
    return true;
}

int pal_sigma_convert(const pal_sigma_map *m, const char *file, const char *data, size_t len, pal_sigma_result *out)
{
    memset(out, 0, sizeof *out);
    out->status = PAL_SIGMA_REFUSED;
    conv c = {.map = m, .res = out};
    pal_yaml_doc doc;
    char err[512];
    pal_yaml_limits lim = {PAL_SIGMA_MAX_BYTES, PAL_SIGMA_MAX_NODES, PAL_SIGMA_MAX_DEPTH};
    if (len > PAL_SIGMA_MAX_BYTES) {
        file_refusal(out, false, "limit", "the file is larger than the %u bytes a Sigma rule may have", PAL_SIGMA_MAX_BYTES);
        return out->status;
    }
    /* a correlation and its rules: several documents */
    size_t starts[SIGMA_MAX_DOCS], ends[SIGMA_MAX_DOCS];
    bool too_many;
    unsigned ndocs = split_docs(data, len, starts, ends, &too_many);
    if (ndocs > 1 || too_many) {
        if (too_many) {
            file_refusal(out, false, "limit", "more than %u YAML documents: a correlation and its rules are at most %u",
                         SIGMA_MAX_DOCS, SIGMA_MAX_DOCS);
            return out->status;
        }
        pal_yaml_doc docs[SIGMA_MAX_DOCS];
        unsigned parsed = 0, corr = UINT32_MAX;
        bool bad = false;
        for (unsigned d = 0; d < ndocs && !bad; d++) {
            if (pal_yaml_parse(&docs[d], file, data + starts[d], ends[d] - starts[d], &lim, err, sizeof err) != 0) {
                /* "FILE:LINE:COL: what", LINE in the document: as "line L:COL: what" of the file */
                const char *msg = err;
                size_t fl = strlen(file);
                unsigned long line = 0;
                char *rest = NULL;
                if (!strncmp(err, file, fl) && err[fl] == ':') {
                    line = strtoul(err + fl + 1, &rest, 10);
                    if (rest && *rest == ':') msg = rest + 1;
                    else line = 0;
                }
                if (line) {
                    /* "... at line N" in the message: that document's line too */
                    unsigned off = lines_before(data, starts[d]);
                    char msg2[512];
                    size_t o = 0;
                    for (const char *q = msg; *q && o + 12 < sizeof msg2;) {
                        if (!strncmp(q, "at line ", 8) && isdigit((unsigned char)q[8])) {
                            char *after;
                            unsigned long l = strtoul(q + 8, &after, 10);
                            o += (size_t)snprintf(msg2 + o, sizeof msg2 - o, "at line %lu", l + off);
                            q = after;
                        } else {
                            msg2[o++] = *q++;
                        }
                    }
                    msg2[o < sizeof msg2 ? o : sizeof msg2 - 1] = 0;
                    file_refusal(out, yaml_error_is_syntax(err), yaml_error_is_syntax(err) ? "yaml" : "limit",
                                 "line %lu:%.500s (YAML document %u)", line + off, msg2, d + 1);
                }
                else
                    file_refusal(out, yaml_error_is_syntax(err), yaml_error_is_syntax(err) ? "yaml" : "limit", "YAML document %u: %s",
                                 d + 1, err);
                bad = true;
                break;
            }
            shift_lines(docs[d].root, lines_before(data, starts[d]));
            parsed++;
            if (docs[d].root && docs[d].root->kind == PAL_YAML_MAP && pal_yaml_get(docs[d].root, "correlation")) {
                if (corr != UINT32_MAX) {
                    file_refusal(out, false, "correlation", "two correlations in one file: put each in its own file, with its rules");
                    bad = true;
                }
                corr = d;
            }
        }
        for (unsigned d = 0; d < ndocs && !bad && corr != UINT32_MAX; d++) {
            const pal_yaml *r = docs[d].root;
            const pal_yaml *act = r && r->kind == PAL_YAML_MAP ? pal_yaml_get(r, "action") : NULL;
            if (act) {
                file_refusal(out, false, "collection", "line %u: a correlation and an action document (YAML document %u): palisade "
                             "does not merge action documents into a correlation's rules; write the rules out whole", act->line, d + 1);
                bad = true;
            }
        }
        pal_strbuf text;
        pal_strbuf_init(&text, PAL_SIGMA_MAX_OUTPUT);
        if (!bad && corr == UINT32_MAX) {
            c.doc = &docs[0];
            if (convert_collection(&c, file, docs, ndocs, &text) && pal_strbuf_cstr(&text)) finish(&c, &text);
        }
        if (!bad && corr != UINT32_MAX) {
            c.doc = &docs[corr];
            if (convert_correlation(&c, file, docs[corr].root, docs, ndocs, &text) && pal_strbuf_cstr(&text)) finish(&c, &text);
        }
        pal_strbuf_free(&text);
        for (unsigned d = 0; d < parsed; d++) pal_yaml_free(&docs[d]);
        return out->status;
    }
    if (pal_yaml_parse(&doc, file, data, len, &lim, err, sizeof err) != 0) {
        /* "FILE:LINE:COL: what": the file is named by the caller already */
        const char *msg = err;
        size_t fl = strlen(file);
        if (!strncmp(err, file, fl) && err[fl] == ':') msg = err + fl + 1;
        const char *hint = strstr(err, "second YAML document") ? " (a rule collection or a correlation with its rules: put each rule in its own file)" : "";
        file_refusal(out, yaml_error_is_syntax(err), yaml_error_is_syntax(err) ? "yaml" : "limit", "line %s%s", msg, hint);
        return out->status;
    }
    c.doc = &doc;
    pal_strbuf text;
    pal_strbuf_init(&text, PAL_SIGMA_MAX_OUTPUT);
    const pal_yaml *act = doc.root && doc.root->kind == PAL_YAML_MAP ? pal_yaml_get(doc.root, "action") : NULL;
    if (act) {
        copy_meta(out->id, sizeof out->id, scalar(doc.root, "id"));
        file_refusal(out, false, "collection", "line %u: action: %.40s in the file's only YAML document: an action document is "
                     "part of a rule collection, not a rule (pySigma reads no rule from this file); without the action line "
                     "it is one", act->line, act->kind == PAL_YAML_SCALAR ? act->str : "");
    } else if (convert_doc(&c, file, doc.root, &text) && pal_strbuf_cstr(&text)) {
        finish(&c, &text);
    }
    pal_strbuf_free(&text);
    pal_yaml_free(&doc);
    return out->status;
}

void pal_sigma_result_free(pal_sigma_result *r)
{
    if (!r) return;
    free(r->source);
    r->source = NULL;
}
