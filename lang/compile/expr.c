/*
 * expr.c — expressions into stack code.
 *
 * `and`/`or` short-circuit with AND_JUMP/OR_JUMP; a constant list right of
 * `in` becomes one matcher (a hash set, a DNS suffix table, a CIDR table,
 * a range table, a glob set) looked up by a single MATCH or MATCH_FIELD;
 * constants fold; a quantifier over a constant list is unrolled, one over
 * a collection becomes an ITER loop whose counter only moves forward.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/compile/codegen.h"
#include "engine/core/match.h"
#include "engine/vm/vm.h"


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
    cg_emit(cc, PAL_MK_A(OP_PUSH_CONST, cg_add_const(cc, pal_int(v), NULL, 0)));
    cg_stack(cc, 1);
}

static void gen_name(pal_cc *cc, pal_node *n)
{
    switch (n->ref) {
    case REF_FIELD:
        cg_emit(cc, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)n->field));
        cg_stack(cc, 1);
        return;
    case REF_VAR:
        cg_emit(cc, PAL_MK_A(OP_LOAD_LOCAL, (uint32_t)n->local + 2));
        cg_stack(cc, 1);
        return;
    case REF_VAR_FIELD:
        cg_emit(cc, PAL_MK_AB(OP_LOAD_LOCAL_FIELD, (uint32_t)n->local + 2, (uint32_t)n->field));
        cg_stack(cc, 1);
        return;
    case REF_MACRO: {
        pal_decl *d = n->target;
        pal_file *saved = cc->curfile;
        int saved_n = cc->nscope;
        cc->curfile = d->file;
        cc->nscope = 0;     /* macros see no quantifier variables */
        cg_expr(cc, d->expr);
        cc->nscope = saved_n;
        cc->curfile = saved;
        return;
    }
    case REF_LIST: {
        /* a list as a value: only as `x in list`, handled by the caller */
        pal_cc_error(cc, "PAL0404", n->loc, "use it right of `in`", "a list cannot be used as a value here");
        return;
    }
    default:
        cc->gen_failed = true;
    }
}

/* Pushes (x matches matcher m): one MATCH_FIELD when x is a field the
   instruction can name, else x's value and a MATCH. */
static void gen_match_operand(pal_cc *cc, pal_node *x, uint32_t m)
{
    if (x->kind == N_NAME && x->ref == REF_FIELD && m <= PAL_MAXARG_A8 && (uint32_t)x->field <= PAL_MAXARG_B16) {
        cg_emit(cc, PAL_MK_AB(OP_MATCH_FIELD, m, (uint32_t)x->field));
        cg_stack(cc, 1);
    } else {
        cg_expr(cc, x);
        cg_emit(cc, PAL_MK_A(OP_MATCH, m));
    }
}

/* `version in [...]`: equality is the ecosystem's ("1.0" == "0:1.0" for
   dpkg), which no hash set can do, so it is `x == a or x == b ...`, and
   `x not in [...]` is `exists(x) and x != a and x != b ...`: a version that
   is not valid for its ecosystem is neither in nor out of a list, as it is
   neither == nor != (at most 256 items, the checker says; x is a field or a
   pure expression, evaluated once per item). */
static void gen_version_in(pal_cc *cc, pal_node *l, pal_node *r, bool negated)
{
    pal_cvals cv = {0};
    if (!pal_const_list(cc, r, &cv) || cv.n > 256) { free(cv.v); cc->gen_failed = true; return; }
    uint32_t jumps[257], nj = 0;
    if (negated) {
        cg_expr(cc, l);
        cg_emit(cc, OP_EXISTS);
    } else {
        cg_emit(cc, OP_PUSH_FALSE);
        cg_stack(cc, 1);
    }
    for (uint32_t i = 0; i < cv.n; i++) {
        if (negated) {
            jumps[nj++] = cg_emit_jump(cc, OP_AND_JUMP);
            cg_stack(cc, -1);
        } else {
            cg_emit(cc, OP_POP);
            cg_stack(cc, -1);
        }
        cg_expr(cc, l);
        cg_emit(cc, PAL_MK_A(OP_PUSH_CONST, cg_add_const(cc, pal_string(NULL, 0, PVF_VERSION), cv.v[i].s, cv.v[i].len)));
        cg_stack(cc, 1);
        cg_emit(cc, negated ? OP_NE : OP_EQ);
        cg_stack(cc, -1);
        if (!negated) {
            jumps[nj++] = cg_emit_jump(cc, OP_OR_JUMP);
            cg_stack(cc, -1);
            cg_emit(cc, OP_PUSH_FALSE);
            cg_stack(cc, 1);
        }
    }
    for (uint32_t i = 0; i < nj; i++) cg_patch(cc, jumps[i], cg_here(cc), r->loc);
    free(cv.v);
}

/* `x in L`.  `x not in L` is generated as `exists(x) and not (x in L)`:
   false when x is undefined, like every comparison. */
static void gen_in(pal_cc *cc, pal_node *n)
{
    pal_node *l = n->a, *r = n->b;
    uint32_t guard = 0, guard2 = UINT32_MAX;
    if (l->type.kind == T_VERSION && r->kind != N_IP && !(r->type.kind == T_LIST && r->kind == N_NAME && r->ref != REF_LIST)) {
        gen_version_in(cc, l, r, n->kind == N_NOTIN);
        return;
    }
    if (n->kind == N_NOTIN) {
        cg_expr(cc, l);
        cg_emit(cc, OP_EXISTS);
        guard = cg_emit_jump(cc, OP_AND_JUMP);
        cg_stack(cc, -1);
    }
    if (r->kind == N_IP) {       /* a CIDR */
        uint32_t m = cg_new_matcher(cc, PM_CIDRSET, 0);
        pal_mitem *it = cg_new_mitem(cc, m);
        if (it) { memcpy(it->ip, r->ip, 16); it->v6 = r->v6; it->prefix = r->prefix; }
        cg_expr(cc, l);
        cg_emit(cc, PAL_MK_A(OP_MATCH, m));
    } else if (r->type.kind == T_LIST && r->kind == N_NAME && r->ref != REF_LIST) {
        /* a list-valued field or variable: membership at run time; for
           `not in`, an undefined list makes the test false too */
        if (n->kind == N_NOTIN) {
            cg_expr(cc, r);
            cg_emit(cc, OP_EXISTS);
            guard2 = cg_emit_jump(cc, OP_AND_JUMP);
            cg_stack(cc, -1);
        }
        cg_expr(cc, l);
        if (n->nocase) cg_emit(cc, OP_NOCASE);
        cg_expr(cc, r);
        cg_emit(cc, OP_IN_LIST);
        cg_stack(cc, -1);
    } else {
        pal_cvals cv = {0};
        if (!pal_const_list(cc, r, &cv)) { free(cv.v); cc->gen_failed = true; return; }
        uint32_t m = cg_matcher_for(cc, l->type, &cv, 0);
        free(cv.v);
        if (n->nocase && !cc->gen_failed) cc->p->matchers[m].flags |= PMF_NOCASE;
        gen_match_operand(cc, l, m);
    }
    if (n->kind == N_NOTIN) {
        cg_emit(cc, OP_NOT);
        if (guard2 != UINT32_MAX) cg_patch(cc, guard2, cg_here(cc), n->loc);
        cg_patch(cc, guard, cg_here(cc), n->loc);
    }
}

static void gen_quant_const(pal_cc *cc, pal_node *n, uint32_t emit_outcome);

bool cg_quant_is_const(const pal_node *n)
{
    return n->a->kind == N_LIST || n->a->kind == N_CALL || (n->a->kind == N_NAME && n->a->ref == REF_LIST);
}

void cg_quant_const_emit(pal_cc *cc, pal_node *n, uint32_t outcome)
{
    gen_quant_const(cc, n, outcome);
}

/* A quantifier over a constant list is unrolled: each item is stored in
   the variable's local and the body evaluated; any/all short-circuit.
   With an outcome (a check's top-level `any`, one finding per item) every
   item's body emits it instead, and nothing is left on the stack. */
static void gen_quant_const(pal_cc *cc, pal_node *n, uint32_t emit_outcome)
{
    pal_cvals cv = {0};
    if (!pal_const_list(cc, n->a, &cv)) { free(cv.v); cc->gen_failed = true; return; }
    if (cv.n > 256) {
        pal_cc_error(cc, "PAL0501", n->a->loc, "match the list with `in`, or quantify over a field",
                 "a quantifier over a constant list is unrolled, and this one has %u items (at most 256)", cv.n);
        free(cv.v);
        return;
    }
    int elem = pal_cvals_elem(&cv);
    uint32_t jumps[256];
    uint32_t nj = 0;
    bool per_item = emit_outcome != UINT32_MAX;
    if (n->kind == N_COUNT) gen_push_int(cc, 0);
    else if (!per_item) { cg_emit(cc, n->kind == N_ANY ? OP_PUSH_FALSE : OP_PUSH_TRUE); cg_stack(cc, 1); }
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
                pal_cc_error(cc, "PAL0407", v->loc, err, "'%.*s' is not an IP address", (int)v->len, v->s);
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
            pal_cc_error(cc, "PAL0408", v->loc, "list the values one by one", "a quantifier cannot iterate over a range");
            continue;
        }
        cg_emit(cc, PAL_MK_A(OP_PUSH_CONST, cg_add_const(cc, c, str, slen)));
        cg_stack(cc, 1);
        cg_emit(cc, PAL_MK_A(OP_STORE_LOCAL, (uint32_t)n->local + 2));
        cg_stack(cc, -1);
        if (per_item) {
            cg_expr(cc, n->b);
            cg_emit_if(cc, emit_outcome, n->loc);
            continue;
        }
        if (n->kind == N_COUNT) {
            cg_expr(cc, n->b);
            uint32_t skip = cg_emit_jump(cc, OP_JUMP_IF_FALSE);
            cg_stack(cc, -1);
            cg_emit(cc, OP_INC);
            cg_patch(cc, skip, cg_here(cc), n->loc);
            continue;
        }
        cg_emit(cc, OP_POP);          /* the running result is decided by this item */
        cg_stack(cc, -1);
        cg_expr(cc, n->b);
        cg_emit(cc, OP_TO_BOOL);
        if (n->kind == N_ALL) cg_emit(cc, OP_NOT);
        /* any: stop at the first true; all: at the first false (negated) */
        jumps[nj++] = cg_emit_jump(cc, OP_OR_JUMP);
        cg_stack(cc, -1);
        cg_emit(cc, n->kind == N_ANY ? OP_PUSH_FALSE : OP_PUSH_TRUE);
        cg_stack(cc, 1);
    }
    if (per_item || n->kind == N_COUNT) { free(cv.v); return; }
    uint32_t done = cg_emit_jump(cc, OP_JUMP);
    /* an early exit lands here with `true` on the cg_stack (for all: a failing item) */
    uint32_t early = cg_here(cc);
    if (n->kind == N_ALL) cg_emit(cc, OP_NOT);
    for (uint32_t i = 0; i < nj; i++) cg_patch(cc, jumps[i], early, n->loc);
    cg_patch(cc, done, cg_here(cc), n->loc);
    free(cv.v);
}

/* Pushes a folded constant or a literal; false when n is neither. */
static bool gen_constant(pal_cc *cc, pal_node *n)
{
    bool b;
    int64_t iv;
    if (n->type.kind == T_BOOL && const_bool(n, &b)) {
        cg_emit(cc, b ? OP_PUSH_TRUE : OP_PUSH_FALSE);
        cg_stack(cc, 1);
        return true;
    }
    if (n->type.kind == T_INT && const_int(n, &iv)) {
        gen_push_int(cc, iv);
        return true;
    }
    switch (n->kind) {
    case N_TRUE: cg_emit(cc, OP_PUSH_TRUE); cg_stack(cc, 1); return true;
    case N_FALSE: cg_emit(cc, OP_PUSH_FALSE); cg_stack(cc, 1); return true;
    case N_INT: gen_push_int(cc, n->i); return true;
    case N_STR:
        /* compared with a version, the constant is one (of the other side's ecosystem) */
        cg_emit(cc, PAL_MK_A(OP_PUSH_CONST, cg_add_const(cc, pal_string(NULL, 0, n->type.kind == T_VERSION ? PVF_VERSION : 0),
                                                         n->text, n->len)));
        cg_stack(cc, 1);
        return true;
    case N_IP: {
        pal_value v = {0};
        v.tag = PV_IP;
        v.flags = n->v6 ? PVF_IPV6 : 0;
        memcpy(v.u.ip, n->ip, 16);
        cg_emit(cc, PAL_MK_A(OP_PUSH_CONST, cg_add_const(cc, v, NULL, 0)));
        cg_stack(cc, 1);
        return true;
    }
    default:
        return false;
    }
}

/* A built-in function call of one argument (the checker refused the rest). */
static void gen_call(pal_cc *cc, pal_node *n)
{
    const pal_function *fn = pal_function_find(n->text, n->len);
    if (!fn || fn->id == PAL_FN_FEED || n->nitems != 1) { cc->gen_failed = true; return; }   /* checked before */
    cg_expr(cc, n->items[0]);
    cg_emit(cc, fn->id == PAL_FN_EXISTS ? (pal_instr)OP_EXISTS : PAL_MK_AB(OP_CALL, (uint32_t)fn->id, 1));
}

/* `a and b`, `a or b`: the left operand decides alone when it can. */
static void gen_and_or(pal_cc *cc, pal_node *n)
{
    cg_expr(cc, n->a);
    uint32_t j = cg_emit_jump(cc, n->kind == N_AND ? OP_AND_JUMP : OP_OR_JUMP);
    cg_stack(cc, -1);
    cg_expr(cc, n->b);
    cg_emit(cc, OP_TO_BOOL);
    cg_patch(cc, j, cg_here(cc), n->loc);
}

/* The right operand of a `nocase` comparison: a string constant is pushed
   flagged PVF_NOCASE (so the code keeps the shape the rule index keys on),
   anything else is flagged at run time by OP_NOCASE. */
static void gen_nocase_operand(pal_cc *cc, pal_node *b)
{
    if (b->kind == N_STR) {
        cg_emit(cc, PAL_MK_A(OP_PUSH_CONST, cg_add_const(cc, pal_string(NULL, 0, PVF_NOCASE), b->text, b->len)));
        cg_stack(cc, 1);
        return;
    }
    cg_expr(cc, b);
    cg_emit(cc, OP_NOCASE);
}

static const int binary_ops[] = {
    [N_EQ] = OP_EQ, [N_NE] = OP_NE, [N_LT] = OP_LT, [N_LE] = OP_LE, [N_GT] = OP_GT, [N_GE] = OP_GE,
    [N_ADD] = OP_ADD, [N_SUB] = OP_SUB, [N_MUL] = OP_MUL, [N_DIV] = OP_DIV, [N_MOD] = OP_MOD,
    [N_CONTAINS] = OP_CONTAINS, [N_STARTSWITH] = OP_STARTSWITH, [N_ENDSWITH] = OP_ENDSWITH};

/* Most strings in one `x contains [...]` (and startswith, endswith): each
   is a test of its own, so the rule's instruction budget bounds them. */
#define PAL_MAX_ANY_STRINGS 4096u

/* `x contains ["a", "b", ...]`: x contains "a" or x contains "b" or ...,
   each test the shape LOAD x, PUSH_CONST, op that the rule index keys. */
static void gen_string_any(pal_cc *cc, pal_node *n)
{
    pal_cvals cv = {0};
    if (!pal_const_list(cc, n->b, &cv)) { free(cv.v); cc->gen_failed = true; return; }
    if (cv.n > PAL_MAX_ANY_STRINGS) {
        pal_cc_error(cc, "PAL0501", n->b->loc, "split the list over several rules, or match whole values with `in`",
                     "a list right of `%s` is tested item by item, and this one has %u strings (at most %u)",
                     n->kind == N_CONTAINS ? "contains" : n->kind == N_STARTSWITH ? "startswith" : "endswith",
                     cv.n, PAL_MAX_ANY_STRINGS);
        free(cv.v);
        return;
    }
    if (cv.n == 0) {
        cg_emit(cc, OP_PUSH_FALSE);
        cg_stack(cc, 1);
        free(cv.v);
        return;
    }
    uint32_t *jumps = malloc(cv.n * sizeof *jumps);
    if (!jumps) { free(cv.v); cc->gen_failed = true; return; }
    for (uint32_t i = 0; i < cv.n && !cc->gen_failed; i++) {
        cg_expr(cc, n->a);
        pal_value c = pal_string(NULL, 0, n->nocase ? PVF_NOCASE : 0);
        cg_emit(cc, PAL_MK_A(OP_PUSH_CONST, cg_add_const(cc, c, cv.v[i].s, cv.v[i].len)));
        cg_stack(cc, 1);
        cg_emit(cc, (pal_instr)binary_ops[n->kind]);
        cg_stack(cc, -1);
        if (i + 1 < cv.n) {
            jumps[i] = cg_emit_jump(cc, OP_OR_JUMP);
            cg_stack(cc, -1);
        }
    }
    for (uint32_t i = 0; i + 1 < cv.n; i++) cg_patch(cc, jumps[i], cg_here(cc), n->loc);
    free(jumps);
    free(cv.v);
}

/* Comparisons, arithmetic and the string tests: both operands, one opcode. */
static void gen_binary(pal_cc *cc, pal_node *n)
{
    if ((n->kind == N_CONTAINS || n->kind == N_STARTSWITH || n->kind == N_ENDSWITH) &&
        n->b->type.kind == T_LIST && n->a->type.kind != T_LIST) {
        gen_string_any(cc, n);
        return;
    }
    cg_expr(cc, n->a);
    if (n->nocase) gen_nocase_operand(cc, n->b);
    else cg_expr(cc, n->b);
    cg_emit(cc, (pal_instr)binary_ops[n->kind]);
    cg_stack(cc, -1);
}

/* `x like PATTERNS`: one glob-set matcher. */
static void gen_like(pal_cc *cc, pal_node *n)
{
    pal_cvals cv = {0};
    if (!pal_const_list(cc, n->b, &cv)) { free(cv.v); cc->gen_failed = true; return; }
    uint32_t m = cg_matcher_for(cc, n->a->type, &cv, PM_GLOBSET);
    free(cv.v);
    if (n->nocase && !cc->gen_failed) cc->p->matchers[m].flags |= PMF_NOCASE;
    gen_match_operand(cc, n->a, m);
}

/* `x matches "regex"`. */
static void gen_matches(pal_cc *cc, pal_node *n)
{
    uint32_t m = cg_new_matcher(cc, PM_REGEX, 0);
    pal_mitem *it = cg_new_mitem(cc, m);
    if (it) it->s = cg_add_string(cc, n->b->text, n->b->len);
    cg_expr(cc, n->a);
    cg_emit(cc, PAL_MK_A(OP_MATCH, m));
}

/* The quantifier loops over a collection.  Locals: base = the collection,
   base+1 = the index, base+2 = the element.  The shape is the one
   engine/vm/verify.c's check_loops accepts: ITER_NEXT heads the loop, its
   exit goes forward, and the only backward jumps go to that ITER_NEXT (the
   counter only moves forward, so every loop ends). */

/* Pushes the collection, and leaves the jump to take when it is not one. */
static uint32_t gen_iter_start(pal_cc *cc, pal_node *n)
{
    cg_expr(cc, n->a);
    cg_emit(cc, OP_DUP);
    cg_stack(cc, 1);
    cg_emit(cc, OP_EXISTS);
    uint32_t undef = cg_emit_jump(cc, OP_JUMP_IF_FALSE);
    cg_stack(cc, -1);
    cg_emit(cc, PAL_MK_A(OP_ITER_INIT, (uint32_t)n->local));
    cg_stack(cc, -1);
    return undef;
}

/* `count x in C: body`: undefined over something that is not a collection. */
static void gen_count_loop(pal_cc *cc, pal_node *n)
{
    uint32_t undef = gen_iter_start(cc, n);
    gen_push_int(cc, 0);
    uint32_t loop = cg_here(cc);
    cg_emit(cc, PAL_MK_ABJ(OP_ITER_NEXT, (uint32_t)n->local, 0));
    cg_expr(cc, n->b);
    uint32_t skip = cg_emit_jump(cc, OP_JUMP_IF_FALSE);
    cg_stack(cc, -1);
    cg_emit(cc, OP_INC);
    cg_patch(cc, skip, loop, n->loc);
    uint32_t back = cg_emit_jump(cc, OP_JUMP);
    cg_patch(cc, back, loop, n->loc);
    uint32_t exhausted = cg_emit_jump(cc, OP_JUMP);
    cg_patch(cc, loop, cg_here(cc) - 1, n->loc);
    uint32_t u = cg_here(cc);
    cg_emit(cc, OP_POP);
    cg_emit(cc, OP_PUSH_UNDEF);
    cg_patch(cc, undef, u, n->loc);
    cg_patch(cc, exhausted, cg_here(cc), n->loc);
}

/* any: true at the first element whose body holds; all: false at the first
   that fails.  Over something that is not a collection both are false. */
static void gen_any_all_loop(pal_cc *cc, pal_node *n)
{
    uint32_t undef = gen_iter_start(cc, n);
    uint32_t loop = cg_here(cc);
    cg_emit(cc, PAL_MK_ABJ(OP_ITER_NEXT, (uint32_t)n->local, 0));
    cg_expr(cc, n->b);
    /* The element decides when the body holds (any) or fails (all, where
       NOT turns an undefined body into a failure too). */
    bool any = n->kind == N_ANY;
    if (!any) cg_emit(cc, OP_NOT);
    uint32_t next = cg_emit_jump(cc, OP_JUMP_IF_FALSE);
    cg_stack(cc, -1);
    cg_patch(cc, next, loop, n->loc);
    cg_emit(cc, any ? OP_PUSH_TRUE : OP_PUSH_FALSE);
    uint32_t done = cg_emit_jump(cc, OP_JUMP);
    uint32_t exhausted = cg_here(cc);
    cg_emit(cc, any ? OP_PUSH_FALSE : OP_PUSH_TRUE);
    uint32_t done2 = cg_emit_jump(cc, OP_JUMP);
    /* not a collection: pop it; both quantifiers are false */
    uint32_t u = cg_here(cc);
    cg_emit(cc, OP_POP);
    cg_emit(cc, OP_PUSH_FALSE);
    cg_patch(cc, undef, u, n->loc);
    cg_patch(cc, loop, exhausted, n->loc);
    cg_patch(cc, done, cg_here(cc), n->loc);
    cg_patch(cc, done2, cg_here(cc), n->loc);
    cg_stack(cc, 1);
}

static void gen_quantifier(pal_cc *cc, pal_node *n)
{
    if (cg_quant_is_const(n)) gen_quant_const(cc, n, UINT32_MAX);
    else if (n->kind == N_COUNT) gen_count_loop(cc, n);
    else gen_any_all_loop(cc, n);
}

void cg_expr(pal_cc *cc, pal_node *n)
{
    if (cc->gen_failed) return;
    if (gen_constant(cc, n)) return;
    switch (n->kind) {
    case N_NAME: gen_name(cc, n); return;
    case N_CALL: gen_call(cc, n); return;
    case N_NOT: cg_expr(cc, n->a); cg_emit(cc, OP_NOT); return;
    case N_AND: case N_OR: gen_and_or(cc, n); return;
    case N_EQ: case N_NE: case N_LT: case N_LE: case N_GT: case N_GE:
    case N_ADD: case N_SUB: case N_MUL: case N_DIV: case N_MOD:
    case N_CONTAINS: case N_STARTSWITH: case N_ENDSWITH:
        gen_binary(cc, n);
        return;
    case N_NEG: cg_expr(cc, n->a); cg_emit(cc, OP_NEG); return;
    case N_IN: case N_NOTIN: gen_in(cc, n); return;
    case N_LIKE: gen_like(cc, n); return;
    case N_MATCHES: gen_matches(cc, n); return;
    case N_ANY: case N_ALL: case N_COUNT: gen_quantifier(cc, n); return;
    default:
        cc->gen_failed = true;
    }
}
