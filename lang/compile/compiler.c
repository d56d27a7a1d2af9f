/*
 * compiler.c — from checked trees to a program.
 *
 * Design. The driver parses every file, builds the symbol tables (lists and
 * macros per package, rule names across the repo), resolves imports, then
 * for each decision-making declaration re-checks its expressions in the
 * right context (checker.c) and emits code:
 *
 *   - expressions become stack code; `and`/`or` short-circuit with
 *     AND_JUMP/OR_JUMP; constant lists right of `in` become one matcher (a
 *     hash set, a DNS suffix table, a CIDR table, a range table, a glob set)
 *     looked up by a single MATCH or MATCH_FIELD; constants fold;
 *   - a `check` EMITs its failure, once per element when its condition is a
 *     top-level `any x in C: ...` (the finding then names the element);
 *   - a `runtime` block becomes one rule per section: every matching deny
 *     EMITs its outcome, and the default EMITs when no deny and no allow
 *     matched;
 *   - a `firewall` block EMITs the first entry that matches, or its default.
 *
 * Jumps are 24-bit; a rule that would need more is refused ("rule too
 * long") rather than miscompiled.  The program is verified by
 * pal_program_prepare() before it is returned, like any loaded bundle.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sodium.h>
#include <cJSON.h>
#include "lang/compile/compile.h"
#include "engine/base/yaml.h"
#include "engine/vm/opcodes.h"
#include "engine/vm/vm.h"
#include "engine/core/match.h"
#include "lang/tools/testrun.h"

/* ---- strmap ---- */

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) { h ^= (unsigned char)s[i]; h *= 16777619u; }
    return h;
}

void *pal_strmap_get(const pal_strmap *m, const char *key, size_t len)
{
    if (!m->nbuckets) return NULL;
    for (pal_strmap_entry *e = m->buckets[hash_bytes(key, len) % m->nbuckets]; e; e = e->next)
        if (e->len == len && !memcmp(e->key, key, len)) return e->value;
    return NULL;
}

int pal_strmap_put(pal_cc *cc, pal_strmap *m, const char *key, size_t len, void *value)
{
    if (m->count >= m->nbuckets) {
        uint32_t nb = m->nbuckets ? m->nbuckets * 2 : 64;
        pal_strmap_entry **b = pal_arena_alloc(&cc->arena, nb * sizeof *b);
        if (!b) return -1;
        for (uint32_t i = 0; i < m->nbuckets; i++)
            for (pal_strmap_entry *e = m->buckets[i], *next; e; e = next) {
                next = e->next;
                uint32_t h = hash_bytes(e->key, e->len) % nb;
                e->next = b[h];
                b[h] = e;
            }
        m->buckets = b;
        m->nbuckets = nb;
    }
    pal_strmap_entry *e = pal_arena_alloc(&cc->arena, sizeof *e);
    if (!e) return -1;
    e->key = key;
    e->len = (uint32_t)len;
    e->value = value;
    uint32_t h = hash_bytes(key, len) % m->nbuckets;
    e->next = m->buckets[h];
    m->buckets[h] = e;
    m->count++;
    return 0;
}

/* ---- program building ---- */

#define GROW(cc, arr, n, cap) \
    ((n) < (cap) ? 1 : grow((void **)&(arr), &(cap), sizeof *(arr), (n) + 1))

static int grow(void **arr, uint32_t *cap, size_t elem, uint32_t need)
{
    uint32_t nc = *cap ? *cap : 16;
    while (nc < need) nc *= 2;
    void *p = realloc(*arr, nc * elem);
    if (!p) return 0;
    *arr = p;
    *cap = nc;
    return 1;
}

static pal_str add_string(pal_cc *cc, const char *s, size_t len)
{
    pal_program *p = cc->p;
    pal_str r = {0, 0};
    if (len > UINT32_MAX / 2 || p->strings_len + len + 1 > UINT32_MAX / 2) { cc->gen_failed = true; return r; }
    uint32_t need = p->strings_len + (uint32_t)len + 1;
    if (need > cc->cap_strings) {
        uint32_t nc = cc->cap_strings ? cc->cap_strings : 4096;
        while (nc < need) nc *= 2;
        char *ns = realloc(p->strings, nc);
        if (!ns) { cc->gen_failed = true; return r; }
        p->strings = ns;
        cc->cap_strings = nc;
    }
    r.off = p->strings_len;
    r.len = (uint32_t)len;
    if (len) memcpy(p->strings + r.off, s, len);
    p->strings[r.off + len] = 0;
    p->strings_len = need;
    return r;
}

static pal_str add_cstr(pal_cc *cc, const char *s) { return add_string(cc, s ? s : "", s ? strlen(s) : 0); }

/* Constants keep their string offset in u.i until the blob is final. */
static uint32_t add_const(pal_cc *cc, pal_value v, const char *s, uint32_t len)
{
    pal_program *p = cc->p;
    if (!GROW(cc, p->consts, p->nconsts, cc->cap_consts)) { cc->gen_failed = true; return 0; }
    if (v.tag == PV_STR) {
        pal_str st = add_string(cc, s, len);
        v.u.i = st.off;
        v.len = st.len;
    }
    p->consts[p->nconsts] = v;
    return p->nconsts++;
}

static void emit(pal_cc *cc, pal_instr ins)
{
    pal_program *p = cc->p;
    if (p->ncode >= PAL_MAX_CODE || !GROW(cc, p->code, p->ncode, cc->cap_code)) {
        cc->gen_failed = true;
        return;
    }
    p->code[p->ncode++] = ins;
}

static void stack(pal_cc *cc, int delta)
{
    cc->stack += delta;
    if (cc->stack > cc->max_stack) cc->max_stack = cc->stack;
}

static uint32_t here(pal_cc *cc) { return cc->p->ncode; }

static uint32_t emit_jump(pal_cc *cc, int op)
{
    uint32_t at = here(cc);
    emit(cc, PAL_MK_SJ(op, 0));
    return at;
}

static void patch(pal_cc *cc, uint32_t at, uint32_t target, pal_loc loc)
{
    if (cc->gen_failed || at >= cc->p->ncode) return;
    int64_t off = (int64_t)target - (int64_t)(at + 1);
    pal_instr ins = cc->p->code[at];
    unsigned op = PAL_OP(ins);
    if (op == OP_ITER_NEXT) {
        if (off < INT16_MIN || off > INT16_MAX) {
            cc_error(cc, "PAL0501", loc, "split the rule", "quantifier body too long (%lld instructions)", (long long)off);
            return;
        }
        cc->p->code[at] = PAL_MK_ABJ(op, PAL_A8(ins), (int16_t)off);
        return;
    }
    if (off < PAL_MIN_SJ || off > PAL_MAX_SJ) {
        cc_error(cc, "PAL0501", loc, "split the rule", "rule too long: a jump of %lld instructions", (long long)off);
        return;
    }
    cc->p->code[at] = PAL_MK_SJ(op, (int32_t)off);
}

static uint32_t new_matcher(pal_cc *cc, int kind, unsigned flags)
{
    pal_program *p = cc->p;
    if (!GROW(cc, p->matchers, p->nmatchers, cc->cap_matchers)) { cc->gen_failed = true; return 0; }
    pal_matcher *m = &p->matchers[p->nmatchers];
    memset(m, 0, sizeof *m);
    m->kind = (uint8_t)kind;
    m->flags = (uint8_t)flags;
    m->first = p->nmitems;
    return p->nmatchers++;
}

static pal_mitem *new_mitem(pal_cc *cc, uint32_t matcher)
{
    pal_program *p = cc->p;
    if (!GROW(cc, p->mitems, p->nmitems, cc->cap_mitems)) { cc->gen_failed = true; return NULL; }
    pal_mitem *it = &p->mitems[p->nmitems++];
    memset(it, 0, sizeof *it);
    p->matchers[matcher].count++;
    return it;
}

/* Builds a matcher from flattened constants for a left side of type lt. */
static uint32_t matcher_for(pal_cc *cc, pal_type lt, const pal_cvals *cv, int kind_override)
{
    int kind;
    unsigned flags = 0;
    if (kind_override) kind = kind_override;
    else if (lt.kind == T_INT) kind = PM_RANGESET;
    else if (lt.kind == T_IP) kind = PM_CIDRSET;
    else if (lt.kind == T_DNS) kind = PM_DNSSET;
    else kind = PM_STRSET;
    if (lt.kind == T_DNS) flags |= PMF_NOCASE;
    if (kind == PM_GLOBSET && lt.kind == T_PATH) flags |= PMF_PATHGLOB;
    uint32_t m = new_matcher(cc, kind, flags);
    for (uint32_t i = 0; i < cv->n && !cc->gen_failed; i++) {
        const pal_cval *v = &cv->v[i];
        pal_mitem *it = new_mitem(cc, m);
        if (!it) break;
        switch (kind) {
        case PM_RANGESET:
            it->lo = v->lo;
            it->hi = v->hi;
            break;
        case PM_CIDRSET:
            if (v->kind == CV_STR) {
                bool v6; unsigned prefix; const char *err;
                if (!pal_cidr_parse(v->s, v->len, it->ip, &v6, &prefix, &err)) { cc->gen_failed = true; break; }
                it->v6 = v6;
                it->prefix = (uint8_t)prefix;
            } else {
                memcpy(it->ip, v->ip, 16);
                it->v6 = v->v6;
                it->prefix = v->prefix;
            }
            break;
        default:
            it->s = add_string(cc, v->s, v->len);
        }
    }
    return m;
}

/* ---- expression code ---- */

static void gen_expr(pal_cc *cc, pal_node *n);

static bool const_bool(pal_node *n, bool *out)
{
    if (n->kind == N_TRUE) { *out = true; return true; }
    if (n->kind == N_FALSE) { *out = false; return true; }
    if (n->kind == N_NOT) { bool b; if (const_bool(n->a, &b)) { *out = !b; return true; } }
    if (n->kind == N_AND || n->kind == N_OR) {
        bool a, b;
        bool ka = const_bool(n->a, &a), kb = const_bool(n->b, &b);
        if (n->kind == N_AND && ((ka && !a) || (kb && !b))) { *out = false; return true; }
        if (n->kind == N_OR && ((ka && a) || (kb && b))) { *out = true; return true; }
        if (ka && kb) { *out = n->kind == N_AND ? a && b : a || b; return true; }
    }
    return false;
}

static bool const_int(pal_node *n, int64_t *out)
{
    int64_t a, b;
    switch (n->kind) {
    case N_INT: *out = n->i; return true;
    case N_NEG: if (const_int(n->a, &a) && a != INT64_MIN) { *out = -a; return true; } return false;
    case N_ADD: case N_SUB: case N_MUL: case N_DIV: case N_MOD:
        if (!const_int(n->a, &a) || !const_int(n->b, &b)) return false;
        switch (n->kind) {
        case N_ADD: return !__builtin_add_overflow(a, b, out);
        case N_SUB: return !__builtin_sub_overflow(a, b, out);
        case N_MUL: return !__builtin_mul_overflow(a, b, out);
        case N_DIV: if (b == 0 || (a == INT64_MIN && b == -1)) return false; *out = a / b; return true;
        default: if (b == 0 || (a == INT64_MIN && b == -1)) return false; *out = a % b; return true;
        }
    default: return false;
    }
}

static void gen_push_int(pal_cc *cc, int64_t v)
{
    emit(cc, PAL_MK_A(OP_PUSH_CONST, add_const(cc, pal_int(v), NULL, 0)));
    stack(cc, 1);
}

static void gen_name(pal_cc *cc, pal_node *n)
{
    switch (n->ref) {
    case REF_FIELD:
        emit(cc, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)n->field));
        stack(cc, 1);
        return;
    case REF_VAR:
        emit(cc, PAL_MK_A(OP_LOAD_LOCAL, (uint32_t)n->local + 2));
        stack(cc, 1);
        return;
    case REF_VAR_FIELD:
        emit(cc, PAL_MK_AB(OP_LOAD_LOCAL_FIELD, (uint32_t)n->local + 2, (uint32_t)n->field));
        stack(cc, 1);
        return;
    case REF_MACRO: {
        pal_decl *d = n->target;
        pal_file *saved = cc->curfile;
        int saved_n = cc->nscope;
        cc->curfile = d->file;
        cc->nscope = 0;     /* macros see no quantifier variables */
        gen_expr(cc, d->expr);
        cc->nscope = saved_n;
        cc->curfile = saved;
        return;
    }
    case REF_LIST: {
        /* a list as a value: only as `x in list`, handled by the caller */
        cc_error(cc, "PAL0404", n->loc, "use it right of `in`", "a list cannot be used as a value here");
        return;
    }
    default:
        cc->gen_failed = true;
    }
}

/* `x in L`.  `x not in L` is generated as `exists(x) and not (x in L)`:
   false when x is undefined, like every comparison. */
static void gen_in(pal_cc *cc, pal_node *n)
{
    pal_node *l = n->a, *r = n->b;
    uint32_t guard = 0, guard2 = UINT32_MAX;
    if (n->kind == N_NOTIN) {
        gen_expr(cc, l);
        emit(cc, OP_EXISTS);
        guard = emit_jump(cc, OP_AND_JUMP);
        stack(cc, -1);
    }
    if (r->kind == N_IP) {       /* a CIDR */
        uint32_t m = new_matcher(cc, PM_CIDRSET, 0);
        pal_mitem *it = new_mitem(cc, m);
        if (it) { memcpy(it->ip, r->ip, 16); it->v6 = r->v6; it->prefix = r->prefix; }
        gen_expr(cc, l);
        emit(cc, PAL_MK_A(OP_MATCH, m));
    } else if (r->type.kind == T_LIST && r->kind == N_NAME && r->ref != REF_LIST) {
        /* a list-valued field or variable: membership at run time; for
           `not in`, an undefined list makes the test false too */
        if (n->kind == N_NOTIN) {
            gen_expr(cc, r);
            emit(cc, OP_EXISTS);
            guard2 = emit_jump(cc, OP_AND_JUMP);
            stack(cc, -1);
        }
        gen_expr(cc, l);
        gen_expr(cc, r);
        emit(cc, OP_IN_LIST);
        stack(cc, -1);
    } else {
        pal_cvals cv = {0};
        if (!pal_const_list(cc, r, &cv)) { free(cv.v); cc->gen_failed = true; return; }
        uint32_t m = matcher_for(cc, l->type, &cv, 0);
        free(cv.v);
        if (l->kind == N_NAME && l->ref == REF_FIELD && m <= PAL_MAXARG_A8 && (uint32_t)l->field <= PAL_MAXARG_B16) {
            emit(cc, PAL_MK_AB(OP_MATCH_FIELD, m, (uint32_t)l->field));
            stack(cc, 1);
        } else {
            gen_expr(cc, l);
            emit(cc, PAL_MK_A(OP_MATCH, m));
        }
    }
    if (n->kind == N_NOTIN) {
        emit(cc, OP_NOT);
        if (guard2 != UINT32_MAX) patch(cc, guard2, here(cc), n->loc);
        patch(cc, guard, here(cc), n->loc);
    }
}

/* A quantifier over a constant list is unrolled: each item is stored in
   the variable's local and the body evaluated; any/all short-circuit. */
static void gen_quant_const(pal_cc *cc, pal_node *n)
{
    pal_cvals cv = {0};
    if (!pal_const_list(cc, n->a, &cv)) { free(cv.v); cc->gen_failed = true; return; }
    if (cv.n > 256) {
        cc_error(cc, "PAL0501", n->a->loc, "match the list with `in`, or quantify over a field",
                 "a quantifier over a constant list is unrolled, and this one has %u items (at most 256)", cv.n);
        free(cv.v);
        return;
    }
    int elem = pal_cvals_elem(&cv);
    uint32_t jumps[256];
    uint32_t nj = 0;
    if (n->kind == N_COUNT) gen_push_int(cc, 0);
    else { emit(cc, n->kind == N_ANY ? OP_PUSH_FALSE : OP_PUSH_TRUE); stack(cc, 1); }
    for (uint32_t i = 0; i < cv.n && !cc->gen_failed; i++) {
        pal_cval *v = &cv.v[i];
        pal_value c = {0};
        const char *str = NULL;
        uint32_t slen = 0;
        if (elem == T_IP) {
            bool v6 = v->v6;
            uint8_t ip[16];
            unsigned prefix;
            const char *err;
            memcpy(ip, v->ip, 16);
            if (v->kind == CV_STR && !pal_cidr_parse(v->s, v->len, ip, &v6, &prefix, &err)) {
                cc_error(cc, "PAL0407", v->loc, err, "'%.*s' is not an IP address", (int)v->len, v->s);
                continue;
            }
            c.tag = PV_IP;
            c.flags = v6 ? PVF_IPV6 : 0;
            memcpy(c.u.ip, ip, 16);
        } else if (v->kind == CV_STR) {
            c = pal_string(NULL, 0, 0);
            str = v->s;
            slen = v->len;
        } else if (v->kind == CV_INT) {
            c = pal_int(v->lo);
        } else {
            cc_error(cc, "PAL0408", v->loc, "list the values one by one", "a quantifier cannot iterate over a range");
            continue;
        }
        emit(cc, PAL_MK_A(OP_PUSH_CONST, add_const(cc, c, str, slen)));
        stack(cc, 1);
        emit(cc, PAL_MK_A(OP_STORE_LOCAL, (uint32_t)n->local + 2));
        stack(cc, -1);
        if (n->kind == N_COUNT) {
            gen_expr(cc, n->b);
            uint32_t skip = emit_jump(cc, OP_JUMP_IF_FALSE);
            stack(cc, -1);
            emit(cc, OP_INC);
            patch(cc, skip, here(cc), n->loc);
            continue;
        }
        emit(cc, OP_POP);          /* the running result is decided by this item */
        stack(cc, -1);
        gen_expr(cc, n->b);
        emit(cc, OP_TO_BOOL);
        if (n->kind == N_ALL) emit(cc, OP_NOT);
        /* any: stop at the first true; all: at the first false (negated) */
        jumps[nj++] = emit_jump(cc, OP_OR_JUMP);
        stack(cc, -1);
        emit(cc, n->kind == N_ANY ? OP_PUSH_FALSE : OP_PUSH_TRUE);
        stack(cc, 1);
    }
    if (n->kind == N_COUNT) { free(cv.v); return; }
    uint32_t done = emit_jump(cc, OP_JUMP);
    /* an early exit lands here with `true` on the stack (for all: a failing item) */
    uint32_t early = here(cc);
    if (n->kind == N_ALL) emit(cc, OP_NOT);
    for (uint32_t i = 0; i < nj; i++) patch(cc, jumps[i], early, n->loc);
    patch(cc, done, here(cc), n->loc);
    free(cv.v);
}

static void gen_expr(pal_cc *cc, pal_node *n)
{
    if (cc->gen_failed) return;
    bool b;
    int64_t iv;
    if (n->type.kind == T_BOOL && const_bool(n, &b)) {
        emit(cc, b ? OP_PUSH_TRUE : OP_PUSH_FALSE);
        stack(cc, 1);
        return;
    }
    if (n->type.kind == T_INT && const_int(n, &iv)) {
        gen_push_int(cc, iv);
        return;
    }
    switch (n->kind) {
    case N_TRUE: emit(cc, OP_PUSH_TRUE); stack(cc, 1); return;
    case N_FALSE: emit(cc, OP_PUSH_FALSE); stack(cc, 1); return;
    case N_INT: gen_push_int(cc, n->i); return;
    case N_STR:
        emit(cc, PAL_MK_A(OP_PUSH_CONST, add_const(cc, pal_string(NULL, 0, 0), n->text, n->len)));
        stack(cc, 1);
        return;
    case N_IP: {
        pal_value v = {0};
        v.tag = PV_IP;
        v.flags = n->v6 ? PVF_IPV6 : 0;
        memcpy(v.u.ip, n->ip, 16);
        emit(cc, PAL_MK_A(OP_PUSH_CONST, add_const(cc, v, NULL, 0)));
        stack(cc, 1);
        return;
    }
    case N_NAME: gen_name(cc, n); return;
    case N_CALL: {
        static const char *names[] = {"lower", "upper", "len", "basename", "dirname"};
        if (n->len == 6 && !memcmp(n->text, "exists", 6)) {
            gen_expr(cc, n->items[0]);
            emit(cc, OP_EXISTS);
            return;
        }
        for (unsigned i = 0; i < 5; i++)
            if (strlen(names[i]) == n->len && !memcmp(names[i], n->text, n->len)) {
                gen_expr(cc, n->items[0]);
                emit(cc, PAL_MK_AB(OP_CALL, i, 1));
                return;
            }
        cc->gen_failed = true;
        return;
    }
    case N_NOT: gen_expr(cc, n->a); emit(cc, OP_NOT); return;
    case N_AND: case N_OR: {
        gen_expr(cc, n->a);
        uint32_t j = emit_jump(cc, n->kind == N_AND ? OP_AND_JUMP : OP_OR_JUMP);
        stack(cc, -1);
        gen_expr(cc, n->b);
        emit(cc, OP_TO_BOOL);
        patch(cc, j, here(cc), n->loc);
        return;
    }
    case N_EQ: case N_NE: case N_LT: case N_LE: case N_GT: case N_GE:
    case N_ADD: case N_SUB: case N_MUL: case N_DIV: case N_MOD:
    case N_CONTAINS: case N_STARTSWITH: case N_ENDSWITH: {
        static const int ops[] = {
            [N_EQ] = OP_EQ, [N_NE] = OP_NE, [N_LT] = OP_LT, [N_LE] = OP_LE, [N_GT] = OP_GT, [N_GE] = OP_GE,
            [N_ADD] = OP_ADD, [N_SUB] = OP_SUB, [N_MUL] = OP_MUL, [N_DIV] = OP_DIV, [N_MOD] = OP_MOD,
            [N_CONTAINS] = OP_CONTAINS, [N_STARTSWITH] = OP_STARTSWITH, [N_ENDSWITH] = OP_ENDSWITH};
        gen_expr(cc, n->a);
        gen_expr(cc, n->b);
        emit(cc, (pal_instr)ops[n->kind]);
        stack(cc, -1);
        return;
    }
    case N_NEG: gen_expr(cc, n->a); emit(cc, OP_NEG); return;
    case N_IN: case N_NOTIN: gen_in(cc, n); return;
    case N_LIKE: {
        pal_cvals cv = {0};
        if (!pal_const_list(cc, n->b, &cv)) { free(cv.v); cc->gen_failed = true; return; }
        uint32_t m = matcher_for(cc, n->a->type, &cv, PM_GLOBSET);
        free(cv.v);
        if (n->a->kind == N_NAME && n->a->ref == REF_FIELD && m <= PAL_MAXARG_A8) {
            emit(cc, PAL_MK_AB(OP_MATCH_FIELD, m, (uint32_t)n->a->field));
            stack(cc, 1);
        } else {
            gen_expr(cc, n->a);
            emit(cc, PAL_MK_A(OP_MATCH, m));
        }
        return;
    }
    case N_MATCHES: {
        uint32_t m = new_matcher(cc, PM_REGEX, 0);
        pal_mitem *it = new_mitem(cc, m);
        if (it) it->s = add_string(cc, n->b->text, n->b->len);
        gen_expr(cc, n->a);
        emit(cc, PAL_MK_A(OP_MATCH, m));
        return;
    }
    case N_ANY: case N_ALL: case N_COUNT: {
        /* locals: base = collection, base+1 = index, base+2 = element */
        int base = n->local;
        if (n->a->kind == N_LIST || n->a->kind == N_CALL || (n->a->kind == N_NAME && n->a->ref == REF_LIST)) {
            gen_quant_const(cc, n);
            return;
        }
        gen_expr(cc, n->a);
        if (n->kind == N_COUNT) {
            /* over something that is not a collection: undefined */
            emit(cc, OP_DUP);
            stack(cc, 1);
            emit(cc, OP_EXISTS);
            uint32_t undef = emit_jump(cc, OP_JUMP_IF_FALSE);
            stack(cc, -1);
            emit(cc, PAL_MK_A(OP_ITER_INIT, (uint32_t)base));
            stack(cc, -1);
            gen_push_int(cc, 0);
            uint32_t loop = here(cc);
            emit(cc, PAL_MK_ABJ(OP_ITER_NEXT, (uint32_t)base, 0));
            gen_expr(cc, n->b);
            uint32_t skip = emit_jump(cc, OP_JUMP_IF_FALSE);
            stack(cc, -1);
            emit(cc, OP_INC);
            patch(cc, skip, loop, n->loc);
            uint32_t back = emit_jump(cc, OP_JUMP);
            patch(cc, back, loop, n->loc);
            uint32_t exhausted = emit_jump(cc, OP_JUMP);
            patch(cc, loop, here(cc) - 1, n->loc);
            uint32_t u = here(cc);
            emit(cc, OP_POP);
            emit(cc, OP_PUSH_UNDEF);
            patch(cc, undef, u, n->loc);
            patch(cc, exhausted, here(cc), n->loc);
            return;
        }
        /* any: true at the first element whose body holds; all: false at the first that fails.
           Over something that is not a collection both are false. */
        emit(cc, OP_DUP);
        stack(cc, 1);
        emit(cc, OP_EXISTS);
        uint32_t undef = emit_jump(cc, OP_JUMP_IF_FALSE);
        stack(cc, -1);
        emit(cc, PAL_MK_A(OP_ITER_INIT, (uint32_t)base));
        stack(cc, -1);
        uint32_t loop = here(cc);
        emit(cc, PAL_MK_ABJ(OP_ITER_NEXT, (uint32_t)base, 0));
        gen_expr(cc, n->b);
        /* The element decides when the body holds (any) or fails (all, where
           NOT turns an undefined body into a failure too). */
        bool any = n->kind == N_ANY;
        if (!any) emit(cc, OP_NOT);
        uint32_t next = emit_jump(cc, OP_JUMP_IF_FALSE);
        stack(cc, -1);
        patch(cc, next, loop, n->loc);
        emit(cc, any ? OP_PUSH_TRUE : OP_PUSH_FALSE);
        uint32_t done = emit_jump(cc, OP_JUMP);
        uint32_t exhausted = here(cc);
        emit(cc, any ? OP_PUSH_FALSE : OP_PUSH_TRUE);
        uint32_t done2 = emit_jump(cc, OP_JUMP);
        /* not a collection: pop it; both quantifiers are false */
        uint32_t u = here(cc);
        emit(cc, OP_POP);
        emit(cc, OP_PUSH_FALSE);
        patch(cc, undef, u, n->loc);
        patch(cc, loop, exhausted, n->loc);
        patch(cc, done, here(cc), n->loc);
        patch(cc, done2, here(cc), n->loc);
        stack(cc, 1);
        return;
    }
    default:
        cc->gen_failed = true;
    }
}

/* ---- rules ---- */

static const char *attr_str(pal_decl *d, const char *key, pal_node **node)
{
    for (pal_attr *a = d->attrs; a; a = a->next)
        if (!strcmp(a->key, key)) {
            if (node) *node = a->value;
            return a->value && (a->value->kind == N_STR || a->value->kind == N_NAME) ? a->value->text : NULL;
        }
    if (node) *node = NULL;
    return NULL;
}

static int severity_of(pal_cc *cc, pal_decl *d, int dflt)
{
    pal_node *v;
    const char *s = attr_str(d, "severity", &v);
    if (!v) return dflt;
    int sev = s ? pal_severity_from_name(s, strlen(s)) : 0;
    if (sev <= 0) {
        char shown[64];
        if (s) snprintf(shown, sizeof shown, "%s", s);
        else if (v->kind == N_INT) snprintf(shown, sizeof shown, "%lld", (long long)v->i);
        else snprintf(shown, sizeof shown, "?");
        cc_error(cc, "PAL0207", v->loc, "severities are info, low, medium, high and critical",
                 "unknown severity '%s'", shown);
        return dflt;
    }
    return sev;
}

static void add_meta(pal_cc *cc, const char *key, const char *value, size_t vlen)
{
    pal_program *p = cc->p;
    if (!GROW(cc, p->meta, p->nmeta, cc->cap_meta)) { cc->gen_failed = true; return; }
    p->meta[p->nmeta].key = add_cstr(cc, key);
    p->meta[p->nmeta].value = add_string(cc, value, vlen);
    p->nmeta++;
}

/* Starts a rule; returns its index. */
static uint32_t begin_rule(pal_cc *cc, pal_decl *d, int kind, int root, unsigned kinds)
{
    pal_program *p = cc->p;
    if (p->nrules >= PAL_MAX_RULES || !GROW(cc, p->rules, p->nrules, cc->cap_rules)) {
        cc_error(cc, "PAL0502", d->loc, NULL, "more than %u rules", PAL_MAX_RULES);
        return 0;
    }
    pal_rule *r = &p->rules[p->nrules];
    memset(r, 0, sizeof *r);
    r->name = add_cstr(cc, d->name);
    r->kind = (uint8_t)kind;
    r->kinds = (uint8_t)kinds;
    r->root = (uint8_t)root;
    r->outcome_first = p->noutcomes;
    r->meta_first = p->nmeta;
    r->src_file = add_cstr(cc, d->file->src->path);
    /* declarations come in file order: count lines from the last one */
    const pal_srcfile *sf = d->file->src;
    if (cc->line_file != sf || cc->line_off > d->loc.begin) {
        cc->line_file = sf;
        cc->line_off = 0;
        cc->line_no = 1;
    }
    for (uint32_t i = cc->line_off; i < d->loc.begin && i < sf->len; i++)
        if (sf->text[i] == '\n') cc->line_no++;
    cc->line_off = d->loc.begin;
    r->src_line = cc->line_no;
    cc->stack = 0;
    cc->max_stack = 0;
    /* metadata the outputs show */
    static const char *keys[] = {"title", "remediation", "rationale", "description", "mitre", NULL};
    for (int i = 0; keys[i]; i++) {
        const char *v = attr_str(d, keys[i], NULL);
        if (v) add_meta(cc, keys[i], v, strlen(v));
    }
    pal_node *fw;
    attr_str(d, "frameworks", &fw);
    if (fw && fw->kind == N_LIST)
        for (uint32_t i = 0; i < fw->nitems; i++) {
            pal_node *kv = fw->items[i];
            if (kv->kind != N_CALL || !kv->a || kv->a->kind != N_STR) {
                cc_error(cc, "PAL0205", kv->loc, "write frameworks { cis_docker: \"4.1\" }", "a framework reference is `name: \"control\"`");
                continue;
            }
            char key[300];
            snprintf(key, sizeof key, "frameworks.%.*s", (int)kv->len, kv->text);
            add_meta(cc, key, kv->a->text, kv->a->len);
        }
    pal_node *tags;
    attr_str(d, "tags", &tags);
    if (tags && tags->kind == N_LIST)
        for (uint32_t i = 0; i < tags->nitems; i++)
            if (tags->items[i]->kind == N_STR) add_meta(cc, "tag", tags->items[i]->text, tags->items[i]->len);
    return p->nrules++;
}

/* The rule's condition code starts here: after its message chunks. */
static void start_code(pal_cc *cc, uint32_t ri)
{
    cc->p->rules[ri].code = here(cc);
    cc->stack = 0;
}

static void end_rule(pal_cc *cc, uint32_t ri)
{
    pal_program *p = cc->p;
    if (ri >= p->nrules) return;
    pal_rule *r = &p->rules[ri];
    emit(cc, OP_HALT);
    r->code_len = here(cc) - r->code;
    r->noutcomes = p->noutcomes - r->outcome_first;
    r->nmeta = p->nmeta - r->meta_first;
    r->nlocals = (uint16_t)cc->nlocals;
    if (cc->max_stack > r->max_stack) r->max_stack = (uint16_t)cc->max_stack;
    if (r->max_stack > PAL_MAX_STACK) {
        r->max_stack = PAL_MAX_STACK;
        cc_error(cc, "PAL0502", cc->cur->loc, "split the rule", "rule needs a stack deeper than %u", PAL_MAX_STACK);
    }
}

/* Adds an outcome to the current rule; message = template node or NULL
   (then dflt_text with holes); label = source text. */
static uint32_t add_outcome(pal_cc *cc, uint32_t ri, int effect, int severity, pal_loc label_loc,
                            pal_node *msg, const char *dflt)
{
    pal_program *p = cc->p;
    if (!GROW(cc, p->outcomes, p->noutcomes, cc->cap_outcomes)) { cc->gen_failed = true; return 0; }
    pal_outcome *o = &p->outcomes[p->noutcomes];
    memset(o, 0, sizeof *o);
    o->effect = (uint8_t)effect;
    o->severity = (uint8_t)severity;
    if (label_loc.file < cc->nfiles && label_loc.end > label_loc.begin) {
        const pal_srcfile *f = cc->files[label_loc.file];
        uint32_t len = label_loc.end - label_loc.begin;
        if (len > 200) len = 200;
        char buf[256];
        uint32_t k = 0;
        bool space = false;
        for (uint32_t i = 0; i < len && label_loc.begin + i < f->len; i++) {   /* one line */
            char c = f->text[label_loc.begin + i];
            if (c == '\n' || c == '\t' || c == ' ' || c == '\r') { space = true; continue; }
            if (space && k) buf[k++] = ' ';
            space = false;
            buf[k++] = c;
        }
        o->label = add_string(cc, buf, k);
    } else {
        o->label = add_cstr(cc, "");
    }
    o->msg_first = p->nmsgparts;
    (void)ri;
    pal_node tmp;
    if (!msg) {
        memset(&tmp, 0, sizeof tmp);
        tmp.kind = N_STR;
        tmp.text = dflt;
        tmp.len = (uint32_t)strlen(dflt);
        tmp.loc = label_loc;
        msg = &tmp;
    }
    /* Message chunks are generated now, before the rule's own code starts
       (start_code), so the rule's code range holds only its condition. */
    uint32_t nparts;
    pal_node *parts = pal_message_holes(cc, msg, &nparts);
    for (uint32_t i = 0; i < nparts; i++) {
        if (!GROW(cc, p->msgparts, p->nmsgparts, cc->cap_msgparts)) { cc->gen_failed = true; break; }
        pal_msgpart *mp = &p->msgparts[p->nmsgparts++];
        memset(mp, 0, sizeof *mp);
        if (parts[i].kind == N_STR) {
            mp->s = add_string(cc, parts[i].text, parts[i].len);
            continue;
        }
        mp->is_expr = 1;
        pal_node *h = &parts[i];
        pal_type t = pal_check_expr(cc, h);
        if (t.kind == T_ERROR) continue;
        if (t.kind == T_RECORDS || t.kind == T_RECORD) {
            cc_error(cc, "PAL0313", h->loc, "name one of its fields: {f.path}", "a message cannot show a whole %s",
                     pal_type_name(t));
            continue;
        }
        mp->code = here(cc);
        cc->stack = 0;
        gen_expr(cc, h);
        emit(cc, OP_HALT);
        mp->code_len = here(cc) - mp->code;
        pal_rule *r = &p->rules[ri];
        if (cc->max_stack > r->max_stack) r->max_stack = (uint16_t)cc->max_stack;
    }
    o->nmsg = p->nmsgparts - o->msg_first;
    return p->noutcomes++ - p->rules[ri].outcome_first;
}

/* Attributes each declaration takes; anything else is a typo to report. */
static void check_attrs(pal_cc *cc, pal_decl *d)
{
    static const char *check_keys = " title severity frameworks rationale remediation description message tags ";
    static const char *rule_keys = " title severity message tags mitre description effect ";
    static const char *block_keys = " title severity description tags mitre ";
    const char *keys = d->kind == D_CHECK ? check_keys : d->kind == D_RULE ? rule_keys : block_keys;
    const char *what = d->kind == D_CHECK ? "a check" : d->kind == D_RULE ? "a rule"
                     : d->kind == D_RUNTIME ? "a runtime block" : "a firewall";
    for (pal_attr *a = d->attrs; a; a = a->next) {
        char word[300];
        snprintf(word, sizeof word, " %s ", a->key);
        if (strstr(keys, word)) continue;
        char hint[300];
        snprintf(hint, sizeof hint, "%s takes:%.*s", what, (int)strlen(keys) - 1, keys);
        cc_error(cc, "PAL0205", a->loc, hint, "unknown attribute '%s'", a->key);
    }
}

/* Emits: if the condition on the stack holds, EMIT outcome. */
static void gen_emit_if(pal_cc *cc, uint32_t outcome, pal_loc loc)
{
    uint32_t skip = emit_jump(cc, OP_JUMP_IF_FALSE);
    stack(cc, -1);
    emit(cc, PAL_MK_A(OP_EMIT, outcome));
    patch(cc, skip, here(cc), loc);
}

static void gen_check(pal_cc *cc, pal_decl *d)
{
    check_attrs(cc, d);
    if (!d->expr) {
        cc_error(cc, "PAL0204", d->name_loc, "add `fail when CONDITION`", "check '%s' has no `fail when` condition", d->name);
        return;
    }
    if (!attr_str(d, "title", NULL))
        cc_warn(cc, "PAL0204", d->name_loc, "add `title \"...\"`", "check '%s' has no title", d->name);
    pal_rule_context(cc, d, PS_IMAGE, 0);
    if (!pal_check_cond(cc, d->expr)) return;
    int sev = severity_of(cc, d, SEV_MEDIUM);
    uint32_t ri = begin_rule(cc, d, PR_CHECK, PS_IMAGE, 0);
    pal_node *msg;
    attr_str(d, "message", &msg);
    if (msg && msg->kind != N_STR) { cc_error(cc, "PAL0205", msg->loc, NULL, "a message is a string"); msg = NULL; }
    pal_node *e = d->expr;
    bool per_element = e->kind == N_ANY;
    /* the message sees the top-level quantifier's variable */
    if (per_element) {
        pal_scope_var *v = &cc->scope[cc->nscope++];
        v->name = e->text;
        v->len = e->len;
        v->local = e->local;
        v->type = e->a->type.kind == T_RECORDS ? (pal_type){T_RECORD, 0, e->a->type.schema} : (pal_type){e->a->type.elem, 0, 0};
    }
    char dflt[300];
    snprintf(dflt, sizeof dflt, "%s failed", d->name);
    uint32_t out = add_outcome(cc, ri, PE_FAIL, sev, d->name_loc, msg, dflt);
    if (per_element) cc->nscope--;
    start_code(cc, ri);
    if (per_element) {
        /* one finding per matching element */
        int base = e->local;
        gen_expr(cc, e->a);
        emit(cc, PAL_MK_A(OP_ITER_INIT, (uint32_t)base));
        stack(cc, -1);
        uint32_t loop = here(cc);
        emit(cc, PAL_MK_ABJ(OP_ITER_NEXT, (uint32_t)base, 0));
        gen_expr(cc, e->b);
        gen_emit_if(cc, out, e->loc);
        uint32_t back = emit_jump(cc, OP_JUMP);
        patch(cc, back, loop, e->loc);
        patch(cc, loop, here(cc), e->loc);
    } else {
        gen_expr(cc, e);
        gen_emit_if(cc, out, e->loc);
    }
    end_rule(cc, ri);
}

static int effect_attr(pal_cc *cc, pal_decl *d, int dflt)
{
    pal_node *v;
    const char *s = attr_str(d, "effect", &v);
    if (!v) return dflt;
    int e = s ? pal_effect_from_name(s, strlen(s)) : 0;
    if (e <= PE_ALLOW || e > PE_BLOCK) {
        cc_error(cc, "PAL0206", v->loc,
                 e == PE_ALLOW ? "a rule reports alert, prevent or block; to exempt events, narrow its condition"
                               : "effects are alert, prevent and block",
                 "unknown effect '%s'", s ? s : "?");
        return dflt;
    }
    return e;
}

static void gen_rule(pal_cc *cc, pal_decl *d)
{
    check_attrs(cc, d);
    if (!d->expr) {
        cc_error(cc, "PAL0204", d->name_loc, "add `when CONDITION`", "rule '%s' has no `when` condition", d->name);
        return;
    }
    pal_rule_context(cc, d, PS_EVENT, d->has_kinds ? d->kinds : PK_ALL);
    cc->infer_kinds = !d->has_kinds;
    if (!pal_check_cond(cc, d->expr)) return;
    unsigned kinds = d->has_kinds ? d->kinds : cc->inferred;
    cc->infer_kinds = false;
    cc->kinds = kinds;
    uint32_t ri = begin_rule(cc, d, PR_RULE, PS_EVENT, kinds);
    pal_node *msg;
    attr_str(d, "message", &msg);
    if (msg && msg->kind != N_STR) { cc_error(cc, "PAL0205", msg->loc, NULL, "a message is a string"); msg = NULL; }
    int eff = effect_attr(cc, d, PE_ALERT);
    uint32_t out = add_outcome(cc, ri, eff, severity_of(cc, d, SEV_MEDIUM), d->name_loc, msg, d->name);
    start_code(cc, ri);
    gen_expr(cc, d->expr);
    gen_emit_if(cc, out, d->expr->loc);
    end_rule(cc, ri);
}

static int field_index(const char *name)
{
    return pal_schema_find(pal_schema_get(PS_EVENT), name, strlen(name));
}

/* Pushes (field matches matcher m). */
static void gen_match_field(pal_cc *cc, const char *field, uint32_t m)
{
    int f = field_index(field);
    if (m <= PAL_MAXARG_A8) {
        emit(cc, PAL_MK_AB(OP_MATCH_FIELD, m, (uint32_t)f));
        stack(cc, 1);
    } else {
        emit(cc, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)f));
        stack(cc, 1);
        emit(cc, PAL_MK_A(OP_MATCH, m));
    }
}

/* Pushes field == string (Windows-aware via the value's flags). */
static void gen_field_eq_str(pal_cc *cc, const char *field, const char *s)
{
    int f = field_index(field);
    emit(cc, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)f));
    stack(cc, 1);
    emit(cc, PAL_MK_A(OP_PUSH_CONST, add_const(cc, pal_string(NULL, 0, 0), s, (uint32_t)strlen(s))));
    stack(cc, 1);
    emit(cc, OP_EQ);
    stack(cc, -1);
}

/* Combines the two booleans on the stack with or (no short-circuit needed). */
static void gen_or2(pal_cc *cc)
{
    /* a b -> a or b:  NOT a, NOT b, EQ gives (not a == not b); simpler with jumps */
    uint32_t j = 0;
    (void)j;
    /* stack: a b ; compute via: b ? true : a */
    uint32_t nb = emit_jump(cc, OP_JUMP_IF_FALSE);   /* pops b */
    stack(cc, -1);
    emit(cc, OP_POP);
    emit(cc, OP_PUSH_TRUE);
    patch(cc, nb, here(cc), (pal_loc){0, 0, 0});
    emit(cc, OP_TO_BOOL);
}

static void gen_and2(pal_cc *cc)
{
    /* stack: a b -> b ? a : false */
    uint32_t nb = emit_jump(cc, OP_JUMP_IF_FALSE);
    stack(cc, -1);
    uint32_t done = emit_jump(cc, OP_JUMP);
    patch(cc, nb, here(cc), (pal_loc){0, 0, 0});
    emit(cc, OP_POP);
    emit(cc, OP_PUSH_FALSE);
    patch(cc, done, here(cc), (pal_loc){0, 0, 0});
    emit(cc, OP_TO_BOOL);
}

static bool has_sep(const char *s, uint32_t n)
{
    return memchr(s, '/', n) || memchr(s, '\\', n);
}

/* Pushes whether the event matches one runtime entry of section sec. */
static bool gen_entry(pal_cc *cc, int sec, pal_entry *e)
{
    pal_cvals cv = {0};
    bool pushed = false;
    if (e->values && !pal_const_list(cc, e->values, &cv)) { free(cv.v); return false; }
    switch (sec) {
    case SEC_PROCESS: case SEC_FILE: case SEC_DNS: {
        if (e->target != ENT_VALUES || e->direction != DIR_ANY) {
            cc_error(cc, "PAL0314", e->loc, "ip, port, inbound and outbound belong in a network section",
                     "this entry does not fit a %s section", sec == SEC_PROCESS ? "process" : sec == SEC_FILE ? "file" : "dns");
            break;
        }
        /* split values: exe paths / names, exact / glob */
        pal_cvals groups[4] = {{0}};  /* 0 exe exact, 1 exe glob, 2 name exact, 3 name glob */
        for (uint32_t i = 0; i < cv.n; i++) {
            pal_cval *v = &cv.v[i];
            if (v->kind != CV_STR) {
                cc_error(cc, "PAL0314", v->loc, NULL, "entries of this section are strings");
                continue;
            }
            if (sec == SEC_DNS) {
                const char *err = pal_dns_pattern_error(v->s, v->len);
                if (err) { cc_error(cc, "PAL0409", v->loc, NULL, "invalid domain pattern: %s", err); continue; }
            }
            int g = (sec == SEC_PROCESS && !has_sep(v->s, v->len) ? 2 : 0) +
                    (sec != SEC_DNS && pal_glob_has_meta(v->s, v->len) ? 1 : 0);
            pal_cvals *gv = &groups[g];
            if (gv->n == gv->cap) {
                gv->cap = gv->cap ? gv->cap * 2 : 8;
                gv->v = realloc(gv->v, gv->cap * sizeof *gv->v);
                if (!gv->v) { cc->gen_failed = true; break; }
            }
            gv->v[gv->n++] = *v;
        }
        const char *fields[4];
        if (sec == SEC_PROCESS) { fields[0] = fields[1] = "process.executable"; fields[2] = fields[3] = "process.name"; }
        else if (sec == SEC_FILE) { fields[0] = fields[1] = "file.path"; fields[2] = fields[3] = NULL; }
        else { fields[0] = fields[1] = "dns.question.name"; fields[2] = fields[3] = NULL; }
        for (int g = 0; g < 4; g++) {
            if (!groups[g].n) continue;
            pal_type lt = {sec == SEC_DNS ? T_DNS : T_PATH, 0, 0};
            uint32_t m = matcher_for(cc, lt, &groups[g], sec == SEC_DNS ? PM_DNSSET : (g & 1) ? PM_GLOBSET : PM_STRSET);
            gen_match_field(cc, fields[g], m);
            if (pushed) gen_or2(cc);
            pushed = true;
            free(groups[g].v);
        }
        break;
    }
    case SEC_NETWORK: {
        /* direction: outbound, inbound, or either; no direction given in
           the event matches both */
        const char *ipfield = e->direction == DIR_INBOUND ? "source.ip" : "destination.ip";
        if (e->direction != DIR_ANY) {
            int f = field_index("network.direction");
            emit(cc, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)f));
            stack(cc, 1);
            emit(cc, OP_EXISTS);
            emit(cc, OP_NOT);
            gen_field_eq_str(cc, "network.direction", e->direction == DIR_OUTBOUND ? "outbound" : "inbound");
            gen_or2(cc);
            pushed = true;
        }
        if (e->values && cv.n) {
            pal_type lt = {T_IP, 0, 0};
            for (uint32_t i = 0; i < cv.n; i++)
                if (cv.v[i].kind == CV_INT || cv.v[i].kind == CV_RANGE) {
                    cc_error(cc, "PAL0314", cv.v[i].loc, "write `port 4444`", "a number where an address is expected");
                    free(cv.v);
                    return false;
                } else if (cv.v[i].kind == CV_STR) {
                    uint8_t ip[16]; bool v6; unsigned pre; const char *err = NULL;
                    if (!pal_cidr_parse(cv.v[i].s, cv.v[i].len, ip, &v6, &pre, &err)) {
                        cc_error(cc, "PAL0407", cv.v[i].loc, err, "'%.*s' is not an IP address or CIDR",
                                 (int)cv.v[i].len, cv.v[i].s);
                        free(cv.v);
                        return false;
                    }
                }
            uint32_t m = matcher_for(cc, lt, &cv, PM_CIDRSET);
            if (e->direction == DIR_ANY) {
                /* the remote end: source.ip for inbound events, else destination.ip */
                gen_match_field(cc, "destination.ip", m);
                gen_field_eq_str(cc, "network.direction", "inbound");
                emit(cc, OP_NOT);
                gen_and2(cc);
                gen_match_field(cc, "source.ip", m);
                gen_field_eq_str(cc, "network.direction", "inbound");
                gen_and2(cc);
                gen_or2(cc);
            } else {
                gen_match_field(cc, ipfield, m);
            }
            if (pushed) gen_and2(cc);
            pushed = true;
        }
        if (e->ports) {
            pal_cvals pv = {0};
            if (!pal_const_list(cc, e->ports, &pv)) { free(pv.v); free(cv.v); return false; }
            for (uint32_t i = 0; i < pv.n; i++)
                if ((pv.v[i].kind != CV_INT && pv.v[i].kind != CV_RANGE) || pv.v[i].lo < 0 || pv.v[i].hi > 65535) {
                    cc_error(cc, "PAL0408", pv.v[i].loc, "ports are 0-65535", "invalid port");
                    free(pv.v);
                    free(cv.v);
                    return false;
                }
            pal_type lt = {T_INT, 0, 0};
            uint32_t m = matcher_for(cc, lt, &pv, PM_RANGESET);
            free(pv.v);
            gen_match_field(cc, "destination.port", m);
            if (pushed) gen_and2(cc);
            pushed = true;
        }
        if (!pushed) {
            emit(cc, OP_PUSH_TRUE);
            stack(cc, 1);
            pushed = true;
        }
        break;
    }
    }
    free(cv.v);
    if (!pushed && !cc->gen_failed) {
        emit(cc, OP_PUSH_FALSE);
        stack(cc, 1);
        pushed = true;
    }
    return pushed;
}

static const char *section_names[SEC__COUNT] = {"process", "network", "dns", "file"};
static const unsigned section_kinds[SEC__COUNT] = {PK_PROCESS, PK_NETWORK, PK_DNS, PK_FILE};
static const char *section_subjects[SEC__COUNT] = {
    "process {process.executable}",
    "connection to {destination.ip}:{destination.port}",
    "DNS query for {dns.question.name}",
    "write to {file.path}",
};

static void gen_runtime(pal_cc *cc, pal_decl *d)
{
    check_attrs(cc, d);
    bool any = false;
    for (int sec = 0; sec < SEC__COUNT; sec++) {
        pal_section *s = &d->sections[sec];
        if (!s->present) continue;
        any = true;
        pal_rule_context(cc, d, PS_EVENT, section_kinds[sec]);
        if (d->scope && !pal_check_cond(cc, d->scope)) return;
        int sev = severity_of(cc, d, SEV_MEDIUM);
        uint32_t ri = begin_rule(cc, d, PR_RUNTIME, PS_EVENT, section_kinds[sec]);
        /* outcomes: one per deny, then the default */
        uint32_t ndeny = 0, nallow = 0;
        for (pal_entry *e = s->entries; e; e = e->next) {
            if (e->allow) { nallow++; continue; }
            char full[600];
            snprintf(full, sizeof full, "%s denied in {container.image.name}", section_subjects[sec]);
            add_outcome(cc, ri, e->effect ? e->effect : PE_ALERT, sev, e->loc, NULL, full);
            ndeny++;
        }
        uint32_t dflt_out = 0;
        if (s->default_effect) {
            char full[600];
            snprintf(full, sizeof full, "%s not allowed in {container.image.name}", section_subjects[sec]);
            dflt_out = add_outcome(cc, ri, s->default_effect, sev, s->default_loc, NULL, full);
        }
        start_code(cc, ri);
        pal_loc loc = s->loc;
        uint32_t out_scope = 0;
        bool scoped = d->scope != NULL;
        if (scoped) {
            gen_expr(cc, d->scope);
            out_scope = emit_jump(cc, OP_JUMP_IF_FALSE);
            stack(cc, -1);
        }
        /* a flag in local 0: some deny matched */
        int flag = cc->nlocals;
        cc->nlocals += 1;
        emit(cc, OP_PUSH_FALSE);
        stack(cc, 1);
        emit(cc, PAL_MK_A(OP_STORE_LOCAL, (uint32_t)flag));
        stack(cc, -1);
        uint32_t oi = 0;
        for (pal_entry *e = s->entries; e; e = e->next) {
            if (e->allow) continue;
            if (!gen_entry(cc, sec, e)) { oi++; continue; }
            uint32_t skip = emit_jump(cc, OP_JUMP_IF_FALSE);
            stack(cc, -1);
            emit(cc, PAL_MK_A(OP_EMIT, oi));
            emit(cc, OP_PUSH_TRUE);
            stack(cc, 1);
            emit(cc, PAL_MK_A(OP_STORE_LOCAL, (uint32_t)flag));
            stack(cc, -1);
            patch(cc, skip, here(cc), e->loc);
            oi++;
        }
        if (s->default_effect) {
            emit(cc, PAL_MK_A(OP_LOAD_LOCAL, (uint32_t)flag));
            stack(cc, 1);
            uint32_t denied = emit_jump(cc, OP_OR_JUMP);
            stack(cc, -1);
            bool first = true;
            for (pal_entry *e = s->entries; e; e = e->next) {
                if (!e->allow) continue;
                if (!gen_entry(cc, sec, e)) continue;
                if (!first) gen_or2(cc);
                first = false;
            }
            if (first) { emit(cc, OP_PUSH_FALSE); stack(cc, 1); }
            patch(cc, denied, here(cc), loc);
            /* true = denied or allowed: no default */
            uint32_t skip = emit_jump(cc, OP_JUMP_IF_FALSE);
            stack(cc, -1);
            uint32_t over = emit_jump(cc, OP_JUMP);
            patch(cc, skip, here(cc), loc);
            emit(cc, PAL_MK_A(OP_EMIT, dflt_out));
            patch(cc, over, here(cc), loc);
        } else {
            /* no default: allow entries generate nothing, but are checked */
            for (pal_entry *e = s->entries; e; e = e->next) {
                if (!e->allow) continue;
                uint32_t mark = here(cc);
                int st = cc->stack;
                gen_entry(cc, sec, e);
                cc->p->ncode = mark;
                cc->stack = st;
            }
        }
        if (!s->default_effect && nallow && !ndeny) {
            cc_warn(cc, "PAL0204", s->loc, "add `default effect alert` (or prevent) to act on everything else",
                    "this %s section allows entries but has no default, so it never reports anything", section_names[sec]);
        }
        if (scoped) patch(cc, out_scope, here(cc), loc);
        end_rule(cc, ri);
    }
    if (!any)
        cc_warn(cc, "PAL0204", d->name_loc, "add a process, network, dns or file section", "runtime '%s' has no sections", d->name);
}

/* Pushes whether one side of a firewall entry matches. */
static void gen_endpoint(pal_cc *cc, pal_endpoint *ep, bool from)
{
    switch (ep->kind) {
    case EP_ANY:
        emit(cc, OP_PUSH_TRUE);
        stack(cc, 1);
        return;
    case EP_IMAGE: {
        pal_cvals cv = {0};
        pal_cvals one = {&(pal_cval){CV_STR, 0, 0, ep->value->text, ep->value->len, 0, 0, {0}, ep->value->loc}, 1, 1, true};
        (void)cv;
        pal_type lt = {T_STRING, 0, 0};
        uint32_t m = matcher_for(cc, lt, &one, PM_GLOBSET);
        const char *peer = from ? "source.container.image.name" : "destination.container.image.name";
        /* peer identity when known; otherwise the event's own container,
           which is the source of outbound and the destination of inbound traffic */
        gen_match_field(cc, peer, m);
        emit(cc, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)field_index(peer)));
        stack(cc, 1);
        emit(cc, OP_EXISTS);
        emit(cc, OP_NOT);
        gen_field_eq_str(cc, "network.direction", "inbound");
        if (from) emit(cc, OP_NOT);
        gen_and2(cc);
        gen_match_field(cc, "container.image.name", m);
        gen_and2(cc);
        gen_or2(cc);
        return;
    }
    case EP_SUBNET: {
        pal_node *v = ep->value;
        uint8_t ip[16]; bool v6 = v->v6; unsigned prefix = v->prefix; const char *err = NULL;
        memcpy(ip, v->ip, 16);
        if (v->kind == N_STR && !pal_cidr_parse(v->text, v->len, ip, &v6, &prefix, &err)) {
            cc_error(cc, "PAL0407", v->loc, err, "'%.*s' is not a subnet", (int)v->len, v->text);
            emit(cc, OP_PUSH_FALSE);
            stack(cc, 1);
            return;
        }
        uint32_t m = new_matcher(cc, PM_CIDRSET, 0);
        pal_mitem *it = new_mitem(cc, m);
        if (it) { memcpy(it->ip, ip, 16); it->v6 = v6; it->prefix = (uint8_t)prefix; }
        gen_match_field(cc, from ? "source.ip" : "destination.ip", m);
        return;
    }
    case EP_HOST:
        if (from) {
            gen_field_eq_str(cc, "host.name", ep->value->text);
        } else {
            pal_cvals one = {&(pal_cval){CV_STR, 0, 0, ep->value->text, ep->value->len, 0, 0, {0}, ep->value->loc}, 1, 1, true};
            pal_type lt = {T_DNS, 0, 0};
            gen_match_field(cc, "destination.domain", matcher_for(cc, lt, &one, PM_STRSET));
        }
        return;
    case EP_DNS: {
        if (from) cc_error(cc, "PAL0314", ep->loc, "use `from host \"name\"` or `from subnet`", "a DNS name is a destination only");
        const char *err = pal_dns_pattern_error(ep->value->text, ep->value->len);
        if (err) cc_error(cc, "PAL0409", ep->value->loc, NULL, "invalid domain pattern: %s", err);
        pal_cvals one = {&(pal_cval){CV_STR, 0, 0, ep->value->text, ep->value->len, 0, 0, {0}, ep->value->loc}, 1, 1, true};
        pal_type lt = {T_DNS, 0, 0};
        gen_match_field(cc, "destination.domain", matcher_for(cc, lt, &one, PM_DNSSET));
        return;
    }
    }
}

static void gen_firewall(pal_cc *cc, pal_decl *d)
{
    check_attrs(cc, d);
    pal_rule_context(cc, d, PS_EVENT, PK_NETWORK);
    if (d->scope && !pal_check_cond(cc, d->scope)) return;
    int sev = severity_of(cc, d, SEV_MEDIUM);
    uint32_t ri = begin_rule(cc, d, PR_FIREWALL, PS_EVENT, PK_NETWORK);
    uint32_t n = 0;
    for (pal_fwentry *e = d->fw; e; e = e->next, n++)
        add_outcome(cc, ri, e->allow ? PE_ALLOW : (e->effect ? e->effect : PE_ALERT), sev, e->loc, NULL,
                    "connection {source.ip} -> {destination.ip}:{destination.port} matched firewall entry");
    uint32_t dflt = 0;
    if (d->default_effect)
        dflt = add_outcome(cc, ri, d->default_effect, sev, d->default_loc, NULL,
                           "connection {source.ip} -> {destination.ip}:{destination.port} from "
                           "{container.image.name} is not allowed by the firewall");
    start_code(cc, ri);
    uint32_t ends[1024];
    uint32_t nends = 0;
    uint32_t out_scope = 0;
    if (d->scope) {
        gen_expr(cc, d->scope);
        out_scope = emit_jump(cc, OP_JUMP_IF_FALSE);
        stack(cc, -1);
    }
    uint32_t oi = 0;
    for (pal_fwentry *e = d->fw; e; e = e->next, oi++) {
        gen_endpoint(cc, &e->from, true);
        gen_endpoint(cc, &e->to, false);
        gen_and2(cc);
        if (e->proto != PROTO_ANY) {
            gen_field_eq_str(cc, "network.transport", e->proto == PROTO_TCP ? "tcp" : "udp");
            gen_and2(cc);
        }
        if (e->ports) {
            pal_cvals pv = {0};
            bool ports_ok = pal_const_list(cc, e->ports, &pv);
            for (uint32_t i = 0; ports_ok && i < pv.n; i++)
                if (pv.v[i].lo < 0 || pv.v[i].hi > 65535) {
                    cc_error(cc, "PAL0408", pv.v[i].loc, "ports are 0-65535", "invalid port");
                    ports_ok = false;
                }
            if (ports_ok) {
                pal_type lt = {T_INT, 0, 0};
                gen_match_field(cc, "destination.port", matcher_for(cc, lt, &pv, PM_RANGESET));
                gen_and2(cc);
            }
            free(pv.v);
        }
        uint32_t skip = emit_jump(cc, OP_JUMP_IF_FALSE);
        stack(cc, -1);
        emit(cc, PAL_MK_A(OP_EMIT, oi));
        if (nends < 1024) ends[nends++] = emit_jump(cc, OP_JUMP);
        else { cc_error(cc, "PAL0502", e->loc, NULL, "more than 1024 firewall entries in one block"); break; }
        patch(cc, skip, here(cc), e->loc);
    }
    if (d->default_effect) emit(cc, PAL_MK_A(OP_EMIT, dflt));
    for (uint32_t i = 0; i < nends; i++) patch(cc, ends[i], here(cc), d->loc);
    if (d->scope) patch(cc, out_scope, here(cc), d->loc);
    end_rule(cc, ri);
}

/* `test` blocks: checked by every compile; `palisade test` builds and runs
   them (lang/tools/testrun.c), so everything a test could get wrong statically is
   an error here, where `palisade build` and the linter see it too. */

static bool given_scalar_ok(int kind, const pal_node *v)
{
    return (pal_is_strlike(kind) && v->kind == N_STR) || (kind == T_INT && v->kind == N_INT) ||
           (kind == T_BOOL && (v->kind == N_TRUE || v->kind == N_FALSE)) ||
           (kind == T_IP && (v->kind == N_IP || v->kind == N_STR));
}

/* Is v a value of type ft (the field `name`)?  Reports and returns false
   when not.  Lists take a list literal or one scalar (ECS writes a
   one-item list as its item); collections take a list of objects, and
   name/value collections also an object ({PATH: "/bin"}), as inventories
   hold them. */
static bool check_given_value(pal_cc *cc, const char *name, pal_type ft, pal_node *v)
{
    if (v->kind == N_IP && v->has_prefix && v->prefix != (v->v6 ? 128 : 32)) {
        cc_error(cc, "PAL0407", v->loc, "give one address: destination { \"ip\": 10.0.0.5 }",
                 "'%s' is given a CIDR, not an address", name);
        return false;
    }
    if (ft.kind == T_LIST) {
        bool is_list = v->kind == N_LIST && !v->i2;
        for (uint32_t i = 0; is_list && i < v->nitems; i++)
            if (!check_given_value(cc, name, (pal_type){ft.elem, 0, 0}, v->items[i])) return false;
        if (is_list || given_scalar_ok(ft.elem, v)) return true;
    } else if (ft.kind == T_RECORDS) {
        const pal_schema *es = pal_schema_get(ft.schema);
        if (v->kind == N_LIST && v->i2 && ft.schema == PS_KV) {   /* {NAME: "value"} */
            for (uint32_t i = 0; i < v->nitems; i++)
                if (!v->items[i]->a || v->items[i]->a->kind != N_STR) {
                    cc_error(cc, "PAL0401", v->items[i]->loc, NULL, "values of '%s' are strings", name);
                    return false;
                }
            return true;
        }
        if (v->kind == N_LIST && !v->i2 && es) {
            for (uint32_t i = 0; i < v->nitems; i++) {
                pal_node *obj = v->items[i];
                if (obj->kind != N_LIST || !obj->i2) {
                    cc_error(cc, "PAL0401", obj->loc, "write each element as an object: [ { path: \"/x\" } ]",
                             "elements of '%s' are records of %s", name, es->name);
                    return false;
                }
                for (uint32_t k = 0; k < obj->nitems; k++) {
                    pal_node *kv = obj->items[k];
                    char sub[600];
                    snprintf(sub, sizeof sub, "%s[].%.*s", name, (int)kv->len, kv->text);
                    int f = pal_schema_find(es, kv->text, kv->len);
                    if (f < 0) {
                        cc_error(cc, "PAL0301", kv->loc, "keys of an element are its fields, without a prefix",
                                 "unknown field '%s'", sub);
                        return false;
                    }
                    if (!kv->a || !check_given_value(cc, sub, pal_type_of_field(&es->fields[f]), kv->a)) return false;
                }
            }
            return true;
        }
    } else if (given_scalar_ok(ft.kind, v)) {
        size_t n = strlen(name);
        bool port = n >= 4 && !strcmp(name + n - 4, "port") && (n == 4 || name[n - 5] == '.');
        if (port && v->kind == N_INT && (v->i < 0 || v->i > 65535)) {
            cc_error(cc, "PAL0408", v->loc, "ports are 0-65535", "'%s' is given %lld, not a port", name, (long long)v->i);
            return false;
        }
        return true;
    }
    cc_error(cc, "PAL0401", v->loc, NULL, "'%s' is %s", name, pal_type_article(ft));
    return false;
}

static void check_test(pal_cc *cc, pal_decl *d)
{
    bool inventory = false;
    for (pal_given *g = d->given; g; g = g->next)
        if (!strcmp(g->group, "image")) inventory = true;
    const pal_schema *s = pal_schema_get(inventory ? PS_IMAGE : PS_EVENT);
    uint8_t *seen = calloc(s->nfields + 1u, 1);
    bool from_file = false;
    for (pal_given *g = d->given; g; g = g->next) {
        bool image = !strcmp(g->group, "image");
        if (inventory && !image) {
            cc_error(cc, "PAL0301", g->loc, "an inventory test gives only image { ... } groups; test events in another test",
                     "'%s' is an event group in an inventory test", g->group);
            continue;
        }
        for (pal_attr *a = g->fields; a; a = a->next) {
            char name[512];
            snprintf(name, sizeof name, "%s.%s", g->group, a->key);
            if (image && !strcmp(a->key, "from_file")) {
                if (a->value->kind != N_STR || !a->value->len)
                    cc_error(cc, "PAL0401", a->value->loc, "from_file: \"inventory.json\", relative to this file",
                             "'from_file' is the path of an inventory JSON file");
                else if (from_file)
                    cc_error(cc, "PAL0203", a->loc, "keep one of them", "'from_file' is given twice");
                from_file = true;
                continue;
            }
            int f = pal_schema_find(s, name, strlen(name));
            if (f < 0 && image) f = pal_schema_find(s, a->key, strlen(a->key));
            if (f < 0) {
                cc_error(cc, "PAL0301", a->loc, "given groups prefix their keys: process { name: \"x\" } sets process.name",
                         "unknown field '%s'", name);
                continue;
            }
            if (seen && seen[f]) {
                cc_error(cc, "PAL0203", a->loc, "keep one of them", "'%s' is given twice", s->fields[f].name);
                continue;
            }
            if (seen) seen[f] = 1;
            check_given_value(cc, s->fields[f].name, pal_type_of_field(&s->fields[f]), a->value);
        }
    }
    free(seen);
    bool outcome_ok = inventory ? (d->expect_effect == PE_FAIL || d->expect_effect == PAL_EXPECT_PASS)
                                : (d->expect_effect >= PE_ALLOW && d->expect_effect <= PE_BLOCK);
    if (!outcome_ok && inventory)
        cc_error(cc, "PAL0206", d->expect_loc, "checks pass or fail: expect fail by \"CHECK-ID\"",
                 "an inventory test expects pass or fail");
    else if (!outcome_ok)
        cc_error(cc, "PAL0206", d->expect_loc,
                 "an event is decided allow, alert, prevent or block; pass and fail are for image tests",
                 "an event test expects an effect, not %s", d->expect_effect == PE_FAIL ? "fail" : "pass");
    if (d->expect_by) {
        pal_decl *t = pal_strmap_get(&cc->rules, d->expect_by, strlen(d->expect_by));
        if (!t)
            cc_error(cc, "PAL0311", d->expect_loc, "name a rule, runtime, firewall or check of this repo",
                     "test expects a decision by unknown rule '%s'", d->expect_by);
        else if (inventory && t->kind != D_CHECK)
            cc_error(cc, "PAL0311", d->expect_loc, "an inventory test names a check after `by`",
                     "'%s' decides events, not images", d->expect_by);
        else if (!inventory && t->kind == D_CHECK)
            cc_error(cc, "PAL0311", d->expect_loc, "an event test names a rule, runtime or firewall block after `by`",
                     "'%s' is a check: it runs on images, not events", d->expect_by);
    }
}

/* ---- feeds ---- */

static bool feed_value_ok(const char *s, size_t n)
{
    return n > 0;
}

static bool feed_push(pal_cvals *out, pal_cval v)
{
    if (out->n == out->cap) {
        uint32_t cap = out->cap ? out->cap * 2 : 64;
        pal_cval *nv = realloc(out->v, cap * sizeof *nv);
        if (!nv) return false;
        out->v = nv;
        out->cap = cap;
    }
    out->v[out->n++] = v;
    return true;
}

/* Appends the values of one feed file to out; reports malformed entries
   with file:line. */
static bool parse_feed(pal_cc *cc, pal_node *call, const char *path, char *data, size_t len, pal_cvals *out)
{
    const char *ext = strrchr(path, '.');
    ext = ext ? ext + 1 : "";
    pal_cval v;
    memset(&v, 0, sizeof v);
    v.kind = CV_STR;
    v.loc = call->loc;
    if (!strcmp(ext, "json")) {
        cJSON *root = cJSON_ParseWithLength(data, len);
        if (!root || !cJSON_IsArray(root)) {
            cc_error(cc, "PAL0602", call->loc, "a JSON feed is an array of strings or of objects",
                     "feed %s is not a JSON array", path);
            cJSON_Delete(root);
            return false;
        }
        int i = 0;
        for (cJSON *it = root->child; it; it = it->next, i++) {
            cJSON *s = it;
            if (cJSON_IsObject(it))
                for (s = it->child; s && !cJSON_IsString(s); s = s->next) {}
            if (!s || !cJSON_IsString(s)) {
                cc_error(cc, "PAL0602", call->loc, NULL, "feed %s: item %d has no string value", path, i);
                continue;
            }
            v.s = pal_arena_strndup(&cc->arena, s->valuestring, strlen(s->valuestring));
            v.len = (uint32_t)strlen(s->valuestring);
            if (out->n >= PAL_MAX_LIST_ITEMS) break;
            if (!feed_push(out, v)) { cJSON_Delete(root); return false; }
        }
        cJSON_Delete(root);
        return true;
    }
    if (!strcmp(ext, "yaml") || !strcmp(ext, "yml")) {
        /* A sequence of scalars, or of mappings (their first scalar value,
           as for JSON objects).  Every problem is a compile error: a feed
           that silently yields nothing would drop the rules that use it. */
        static const pal_yaml_limits lim = {PAL_MAX_FEED_BYTES, PAL_MAX_LIST_ITEMS + 16, 8};
        pal_yaml_doc doc;
        char why[512];
        if (pal_yaml_parse(&doc, path, data, len, &lim, why, sizeof why) != 0) {
            cc_error(cc, "PAL0602", call->loc, "a YAML feed is a list: one `- value` line per item",
                     "feed %s", why);
            return false;
        }
        bool ok = true;
        if (doc.root && doc.root->kind != PAL_YAML_SEQ) {
            cc_error(cc, "PAL0602", call->loc, "a YAML feed is a list: one `- value` line per item",
                     "feed %s is not a YAML list", path);
            ok = false;
        }
        for (unsigned i = 0; ok && doc.root && i < doc.root->n; i++) {
            const pal_yaml *it = doc.root->items[i], *s = it;
            if (it->kind == PAL_YAML_MAP)
                for (unsigned k = 0; k < it->n && (s = it->items[2 * k + 1])->kind != PAL_YAML_SCALAR; k++) {}
            if (!s || s->kind != PAL_YAML_SCALAR || (it->kind == PAL_YAML_MAP && !it->n)) {
                cc_error(cc, "PAL0602", call->loc, NULL, "feed %s:%u:%u: item %u has no scalar value", path, it->line, it->col, i);
                ok = false;
                break;
            }
            if (out->n >= PAL_MAX_LIST_ITEMS) {
                cc_error(cc, "PAL0502", call->loc, NULL, "feed %s has more than %u entries", path, PAL_MAX_LIST_ITEMS);
                ok = false;
                break;
            }
            v.s = pal_arena_strndup(&cc->arena, s->str, s->len);
            v.len = (uint32_t)s->len;
            if (!v.s || !feed_push(out, v)) {
                cc_error(cc, "PAL0502", call->loc, NULL, "feed %s: out of memory", path);
                ok = false;
            }
        }
        pal_yaml_free(&doc);
        return ok;
    }
    /* lines: "value" or "value,rest" (CSV: first column); # comments */
    size_t line = 0;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && data[e] != '\n') e++;
        line++;
        size_t a = i, b = e;
        while (a < b && (data[a] == ' ' || data[a] == '\t')) a++;
        while (b > a && (data[b - 1] == '\r' || data[b - 1] == ' ' || data[b - 1] == '\t')) b--;
        i = e + 1;
        if (a == b || data[a] == '#') continue;
        const char *comma = memchr(data + a, ',', b - a);
        if (comma) b = (size_t)(comma - data);
        while (b > a && data[b - 1] == ' ') b--;
        if (b > a && data[a] == '"' && data[b - 1] == '"' && b - a >= 2) { a++; b--; }
        /* a CSV header: its first cell names the column */
        if (line == 1 && !strcmp(ext, "csv") && (b - a) < 32) {
            static const char *headers[] = {"md5", "sha256", "sha1", "hash", "name", "value", "ip", "address",
                                            "cidr", "subnet", "domain", "host", "hostname", "port", "path",
                                            "executable", "process", "cve", "id", "package", "pattern", NULL};
            bool header = false;
            for (int h = 0; headers[h]; h++)
                if (strlen(headers[h]) == b - a && !strncasecmp(headers[h], data + a, b - a)) header = true;
            if (header) continue;
        }
        if (!feed_value_ok(data + a, b - a)) {
            cc_error(cc, "PAL0602", call->loc, NULL, "feed %s: line %zu: empty value", path, line);
            continue;
        }
        if (out->n >= PAL_MAX_LIST_ITEMS) {
            cc_error(cc, "PAL0502", call->loc, NULL, "feed %s has more than %u entries", path, PAL_MAX_LIST_ITEMS);
            break;
        }
        v.s = pal_arena_strndup(&cc->arena, data + a, b - a);
        v.len = (uint32_t)(b - a);
        if (!feed_push(out, v)) return false;
    }
    return true;
}

static void add_source(pal_cc *cc, const char *path, const char *data, size_t len)
{
    pal_program *p = cc->p;
    if (!GROW(cc, p->sources, p->nsources, cc->cap_sources)) { cc->gen_failed = true; return; }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)data, len);
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    p->sources[p->nsources].path = add_cstr(cc, path);
    p->sources[p->nsources].sha256 = add_cstr(cc, hex);
    p->nsources++;
}

pal_cvals *pal_load_feed(pal_cc *cc, pal_node *call, const char *name, uint32_t len)
{
    char key[1024];
    if (len == 0 || len > 512 || memchr(name, 0, len)) {
        cc_error(cc, "PAL0601", call->loc, NULL, "invalid feed name");
        return NULL;
    }
    if (memmem(name, len, "..", 2) || name[0] == '/') {
        cc_error(cc, "PAL0601", call->loc, "feeds live in the policy repo's feeds/ directory",
                 "feed name '%.*s' leaves the policy repo", (int)len, name);
        return NULL;
    }
    snprintf(key, sizeof key, "%.*s", (int)len, name);
    pal_cvals *cached = pal_strmap_get(&cc->feeds, key, strlen(key));
    if (cached) return cached->ok ? cached : NULL;
    pal_cvals *out = pal_arena_alloc(&cc->arena, sizeof *out);
    if (!out) return NULL;
    char *k = pal_arena_strndup(&cc->arena, key, strlen(key));
    pal_strmap_put(cc, &cc->feeds, k, strlen(k), out);
    /* <repo>/feeds/NAME, then beside the file that uses it */
    char cand[2][1100];
    snprintf(cand[0], sizeof cand[0], "feeds/%s", key);
    const char *dir = cc->curfile ? cc->curfile->src->path : "";
    const char *slash = strrchr(dir, '/');
    snprintf(cand[1], sizeof cand[1], "%.*s%s%s", slash ? (int)(slash - dir) : 0, dir, slash ? "/" : "", key);
    for (int c = 0; c < 2; c++) {
        char *data = NULL;
        size_t dlen = 0;
        if (cc->opts->read && cc->opts->read(cc->opts->read_user, cand[c], &data, &dlen) == 0) {
            if (dlen > PAL_MAX_FEED_BYTES) {
                cc_error(cc, "PAL0602", call->loc, NULL, "feed %s is larger than %u bytes", cand[c], PAL_MAX_FEED_BYTES);
                free(data);
                return NULL;
            }
            add_source(cc, cand[c], data, dlen);
            out->ok = parse_feed(cc, call, cand[c], data, dlen, out);
            free(data);
            return out->ok ? out : NULL;
        }
    }
    cc_error(cc, "PAL0601", call->loc, "put the file in the policy repo's feeds/ directory",
             "feed '%s' not found (looked for %s and %s)", key, cand[0], cand[1]);
    return NULL;
}

/* ---- the driver ---- */

static void register_decls(pal_cc *cc, pal_file *f)
{
    const char *pkg = pal_package_of(cc, f);
    for (pal_decl *d = f->decls; d; d = d->next) {
        if (d->kind == D_LIST || d->kind == D_MACRO) {
            char key[PAL_MAX_IDENT_BYTES * 2 + 8];
            int n = snprintf(key, sizeof key, "%s\x1f%s", pkg, d->name);
            if (n < 0 || (size_t)n >= sizeof key) continue;
            pal_decl *prev = pal_strmap_get(&cc->names, key, (size_t)n);
            if (prev) {
                uint32_t line, col;
                pal_srcfile_linecol(prev->file->src, prev->name_loc.begin, &line, &col);
                char hint[600];
                snprintf(hint, sizeof hint, "the first is at %s:%u:%u", prev->file->src->path, line, col);
                cc_error(cc, "PAL0305", d->name_loc, hint, "'%s' is declared twice in package '%s'", d->name,
                         *pkg ? pkg : "(root)");
                continue;
            }
            char *k = pal_arena_strndup(&cc->arena, key, (size_t)n);
            if (k) pal_strmap_put(cc, &cc->names, k, (size_t)n, d);
        } else if (d->kind != D_TEST) {
            pal_decl *prev = pal_strmap_get(&cc->rules, d->name, strlen(d->name));
            if (prev) {
                uint32_t line, col;
                pal_srcfile_linecol(prev->file->src, prev->name_loc.begin, &line, &col);
                char hint[600];
                snprintf(hint, sizeof hint, "the first is at %s:%u:%u; names and check IDs are unique across the repo",
                         prev->file->src->path, line, col);
                cc_error(cc, "PAL0304", d->name_loc, hint, "'%s' is declared twice", d->name);
                continue;
            }
            if (!*d->name) cc_error(cc, "PAL0204", d->name_loc, NULL, "a rule needs a name");
            pal_strmap_put(cc, &cc->rules, d->name, strlen(d->name), d);
        }
    }
}

static void resolve_imports(pal_cc *cc, pal_file *f)
{
    for (pal_import *im = f->imports; im; im = im->next) {
        size_t n = strlen(im->path);
        for (uint32_t i = 0; i < cc->nfiles && !im->target; i++) {
            const char *p = cc->files[i]->path;
            size_t pl = strlen(p);
            if ((pl == n + 4 && !strncmp(p, im->path, n) && !strcmp(p + n, ".pal")) ||
                (pl > n + 1 && !strncmp(p, im->path, n) && p[n] == '/' && !strchr(p + n + 1, '/')))
                im->target = cc->asts[i];
        }
        if (!im->target)
            cc_error(cc, "PAL0308", im->loc, "imports name a file (lib/windows.pal) or directory of the repo, without .pal",
                     "import \"%s\" not found", im->path);
        else if (im->target == f)
            cc_error(cc, "PAL0307", im->loc, NULL, "a file cannot import itself");
    }
}

static bool import_cycle(pal_cc *cc, pal_file *f)
{
    if (f->visiting == 2) return false;
    if (f->visiting == 1) return true;
    f->visiting = 1;
    for (pal_import *im = f->imports; im; im = im->next)
        if (im->target && im->target != f && import_cycle(cc, im->target)) {
            cc_error(cc, "PAL0307", im->loc, "move the shared lists and macros into a third file both import",
                     "import cycle through \"%s\"", im->path);
            f->visiting = 2;
            return false;
        }
    f->visiting = 2;
    return false;
}

/* The strings blob is final: point string constants into it. */
static void finish_consts(pal_program *p)
{
    for (uint32_t i = 0; i < p->nconsts; i++)
        if (p->consts[i].tag == PV_STR) {
            uint32_t off = (uint32_t)p->consts[i].u.i;
            p->consts[i].u.s = p->strings + off;
        }
}

static void default_diag(const pal_diagnostic *d, void *user)
{
    pal_diag_print(d, user ? user : stderr);
}

/* The driver; with ts, the tests are kept for `palisade test` as well. */
static pal_program *compile_repo(const char *const *paths, size_t npaths, const pal_compile_opts *o,
                                 unsigned *nerrors, unsigned *nwarnings, pal_testset *ts)
{
    static const pal_compile_opts defaults = {0};
    if (!o) o = &defaults;
    if (sodium_init() < 0) return NULL;
    pal_cc *cc = calloc(1, sizeof *cc);
    if (!cc) return NULL;
    cc->opts = o;
    pal_arena_init(&cc->arena, 0);
    cc->diags.fn = o->diag ? o->diag : default_diag;
    cc->diags.user = o->diag ? o->diag_user : stderr;
    cc->diags.max_errors = o->max_errors ? o->max_errors : PAL_MAX_ERRORS;
    cc->p = calloc(1, sizeof *cc->p);
    if (npaths > PAL_MAX_FILES) {
        pal_diag_file(&cc->diags, "PAL0002", paths[0], "more than %u policy files", PAL_MAX_FILES);
        npaths = 0;
    }
    cc->files = pal_arena_alloc(&cc->arena, (npaths + 1) * sizeof *cc->files);
    cc->asts = pal_arena_alloc(&cc->arena, (npaths + 1) * sizeof *cc->asts);
    cc->diags.files = cc->files;
    if (!cc->p || !cc->files || !cc->asts) goto out;

    for (size_t i = 0; i < npaths; i++) {
        char *data = NULL;
        size_t len = 0;
        if (!o->read || o->read(o->read_user, paths[i], &data, &len) != 0) {
            pal_diag_file(&cc->diags, "PAL0001", paths[i], "cannot read the file");
            continue;
        }
        if (len > PAL_MAX_SOURCE_BYTES) {
            pal_diag_file(&cc->diags, "PAL0002", paths[i], "larger than %u bytes", PAL_MAX_SOURCE_BYTES);
            free(data);
            continue;
        }
        if (memchr(data, 0, len)) {
            pal_diag_file(&cc->diags, "PAL0103", paths[i], "contains a NUL byte: not a policy source file");
            free(data);
            continue;
        }
        add_source(cc, paths[i], data, len);
        pal_srcfile *sf = pal_arena_alloc(&cc->arena, sizeof *sf);
        sf->path = pal_arena_strndup(&cc->arena, paths[i], strlen(paths[i]));
        sf->text = pal_arena_strndup(&cc->arena, data, len);
        sf->len = len;
        sf->id = cc->nfiles;
        free(data);
        cc->files[cc->nfiles] = sf;
        cc->diags.nfiles = cc->nfiles + 1;
        cc->asts[cc->nfiles] = pal_parse(&cc->arena, sf, cc->nfiles, &cc->diags);
        if (!cc->asts[cc->nfiles]) { cc->gen_failed = true; break; }
        cc->nfiles++;
    }
    for (uint32_t i = 0; i < cc->nfiles; i++) register_decls(cc, cc->asts[i]);
    for (uint32_t i = 0; i < cc->nfiles; i++) resolve_imports(cc, cc->asts[i]);
    for (uint32_t i = 0; i < cc->nfiles; i++) import_cycle(cc, cc->asts[i]);

    for (uint32_t i = 0; i < cc->nfiles; i++) {
        for (pal_decl *d = cc->asts[i]->decls; d; d = d->next) {
            if (cc->diags.errors > cc->diags.max_errors) break;
            switch (d->kind) {
            case D_LIST: {
                pal_cvals cv = {0};
                cc->curfile = d->file;
                pal_const_list(cc, d->expr, &cv);
                free(cv.v);
                break;
            }
            case D_MACRO:
                break;   /* checked where used */
            case D_CHECK: gen_check(cc, d); break;
            case D_RULE: gen_rule(cc, d); break;
            case D_RUNTIME: gen_runtime(cc, d); break;
            case D_FIREWALL: gen_firewall(cc, d); break;
            case D_TEST: {
                unsigned before = cc->diags.errors;
                check_test(cc, d);
                if (ts && cc->diags.errors == before) pal_testset_add(ts, cc, d);
                break;
            }
            }
        }
    }
    if (ts) pal_testset_finish(ts, cc);
out:
    if (nwarnings) *nwarnings = cc->diags.warnings;
    pal_program *p = cc->p;
    if (cc->diags.errors == 0 && (cc->gen_failed || !p)) {
        pal_diag_file(&cc->diags, "PAL0502", npaths ? paths[0] : "(none)",
                      "the compiler ran out of memory or a limit; see lang/SPEC.md \"Limits\"");
    }
    if (cc->diags.errors == 0 && p) {
        p->revision = add_cstr(cc, o->revision ? o->revision : "");
        p->build_time = o->build_time ? o->build_time : (int64_t)time(NULL);
        p->schema_digest = pal_schema_digest();
        if (!p->strings) add_cstr(cc, "");
        finish_consts(p);
        char err[512];
        if (pal_program_prepare(p, err, sizeof err) != 0) {
            pal_diag_file(&cc->diags, "PAL0502", "(program)", "the compiled program failed verification: %s", err);
        }
    }
    if (nerrors) *nerrors = cc->diags.errors;
    if (cc->diags.errors && p) {
        pal_program_free(p);
        p = NULL;
    }
    for (uint32_t b = 0; b < cc->feeds.nbuckets; b++)
        for (pal_strmap_entry *e = cc->feeds.buckets[b]; e; e = e->next)
            free(((pal_cvals *)e->value)->v);
    pal_arena_free(&cc->arena);
    free(cc);
    return p;
}

/* ---- reading a policy repo from disk ---- */

int pal_read_from_dir(void *dir, const char *relpath, char **data, size_t *len)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", (const char *)dir, relpath) >= (int)sizeof path) return -1;
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)PAL_MAX_FEED_BYTES + 1) {
        fclose(f);
        return -1;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    if (!buf) { fclose(f); return -1; }
    size_t n = fread(buf, 1, (size_t)st.st_size, f);
    fclose(f);
    buf[n] = 0;
    *data = buf;
    *len = n;
    return 0;
}

typedef struct { char **v; size_t n, cap; } pathlist;

static void collect(const char *root, const char *rel, pathlist *out, int depth)
{
    if (depth > 32 || out->n >= PAL_MAX_FILES + 1) return;
    char path[4096];
    snprintf(path, sizeof path, "%s%s%s", root, *rel ? "/" : "", rel);
    DIR *d = opendir(path);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;   /* ., .., .git, hidden */
        char sub[4096];
        snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        char full[8192];
        snprintf(full, sizeof full, "%s/%s", root, sub);
        struct stat st;
        if (stat(full, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) { collect(root, sub, out, depth + 1); continue; }
        size_t n = strlen(sub);
        if (!S_ISREG(st.st_mode) || n < 5 || strcmp(sub + n - 4, ".pal")) continue;
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 32;
            char **nv = realloc(out->v, out->cap * sizeof *nv);
            if (!nv) break;
            out->v = nv;
        }
        out->v[out->n++] = strdup(sub);
    }
    closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

pal_program *pal_compile(const char *const *paths, size_t npaths, const pal_compile_opts *o,
                         unsigned *nerrors, unsigned *nwarnings)
{
    return compile_repo(paths, npaths, o, nerrors, nwarnings, NULL);
}

pal_program *pal_compile_tests(const char *const *paths, size_t npaths, const pal_compile_opts *o,
                               unsigned *nerrors, unsigned *nwarnings, pal_testset *tests)
{
    return compile_repo(paths, npaths, o, nerrors, nwarnings, tests);
}

static pal_program *compile_dir(const char *dir, const pal_compile_opts *o, unsigned *nerrors,
                                unsigned *nwarnings, pal_testset *ts)
{
    pathlist pl = {0};
    struct stat st;
    pal_compile_opts opts = o ? *o : (pal_compile_opts){0};
    pal_diags quick = {opts.diag ? opts.diag : default_diag, opts.diag ? opts.diag_user : stderr, 0, 0, 0, NULL, 0};
    if (stat(dir, &st) != 0) {
        pal_diag_file(&quick, "PAL0001", dir, "%s", strerror(errno));
        if (nerrors) *nerrors = 1;
        return NULL;
    }
    char parent[4096];
    if (S_ISREG(st.st_mode)) {   /* a single .pal file: its directory is the repo */
        snprintf(parent, sizeof parent, "%s", dir);
        char *slash = strrchr(parent, '/');
        const char *base = slash ? slash + 1 : parent;
        pl.v = malloc(sizeof *pl.v);
        pl.v[0] = strdup(base);
        pl.n = 1;
        if (slash) *slash = 0; else snprintf(parent, sizeof parent, ".");
        dir = parent;
    } else {
        collect(dir, "", &pl, 0);
        qsort(pl.v, pl.n, sizeof *pl.v, cmp_str);
    }
    if (pl.n == 0) {
        pal_diag_file(&quick, "PAL0001", dir, "no .pal files here");
        if (nerrors) *nerrors = 1;
        free(pl.v);
        return NULL;
    }
    opts.read = pal_read_from_dir;
    opts.read_user = (void *)dir;
    pal_program *p = compile_repo((const char *const *)pl.v, pl.n, &opts, nerrors, nwarnings, ts);
    for (size_t i = 0; i < pl.n; i++) free(pl.v[i]);
    free(pl.v);
    return p;
}

pal_program *pal_compile_dir(const char *dir, const pal_compile_opts *o, unsigned *nerrors, unsigned *nwarnings)
{
    return compile_dir(dir, o, nerrors, nwarnings, NULL);
}

pal_program *pal_compile_dir_tests(const char *dir, const pal_compile_opts *o, unsigned *nerrors,
                                   unsigned *nwarnings, pal_testset *tests)
{
    return compile_dir(dir, o, nerrors, nwarnings, tests);
}
