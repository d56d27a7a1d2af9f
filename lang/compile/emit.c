/*
 * emit.c — building the program: the string blob, constants, code, jumps
 * and matchers (the generator's only way to write into cc->p).
 *
 * Arrays grow geometrically (malloc'ed, as program.h's ownership rule
 * says); strings are appended to one blob and referenced by offset, and
 * string constants keep their offset until the blob is final (driver.c
 * points them into it).  Jumps are 24-bit and quantifier jumps 16-bit; a
 * rule that would need more is refused with "rule too long" at its place
 * rather than miscompiled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/compile/codegen.h"
#include "engine/core/match.h"

int cg_grow(void **arr, uint32_t *cap, size_t elem, uint32_t need)
{
    uint32_t nc = *cap ? *cap : 16;
    while (nc < need) nc *= 2;
    void *p = realloc(*arr, nc * elem);
    if (!p) return 0;
    *arr = p;
    *cap = nc;
    return 1;
}

pal_str cg_add_string(pal_cc *cc, const char *s, size_t len)
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

pal_str cg_add_cstr(pal_cc *cc, const char *s) { return cg_add_string(cc, s ? s : "", s ? strlen(s) : 0); }

/* Constants keep their string offset in u.i until the blob is final. */
uint32_t cg_add_const(pal_cc *cc, pal_value v, const char *s, uint32_t len)
{
    pal_program *p = cc->p;
    if (!GROW(cc, p->consts, p->nconsts, cc->cap_consts)) { cc->gen_failed = true; return 0; }
    if (v.tag == PV_STR) {
        pal_str st = cg_add_string(cc, s, len);
        v.u.i = st.off;
        v.len = st.len;
    }
    p->consts[p->nconsts] = v;
    return p->nconsts++;
}

void cg_emit(pal_cc *cc, pal_instr ins)
{
    pal_program *p = cc->p;
    if (p->ncode >= PAL_MAX_CODE || !GROW(cc, p->code, p->ncode, cc->cap_code)) {
        cc->gen_failed = true;
        return;
    }
    p->code[p->ncode++] = ins;
}

void cg_stack(pal_cc *cc, int delta)
{
    cc->stack += delta;
    if (cc->stack > cc->max_stack) cc->max_stack = cc->stack;
}

uint32_t cg_here(pal_cc *cc) { return cc->p->ncode; }

uint32_t cg_emit_jump(pal_cc *cc, int op)
{
    uint32_t at = cg_here(cc);
    cg_emit(cc, PAL_MK_SJ(op, 0));
    return at;
}

void cg_patch(pal_cc *cc, uint32_t at, uint32_t target, pal_loc loc)
{
    if (cc->gen_failed || at >= cc->p->ncode) return;
    int64_t off = (int64_t)target - (int64_t)(at + 1);
    pal_instr ins = cc->p->code[at];
    unsigned op = PAL_OP(ins);
    if (op == OP_ITER_NEXT) {
        if (off < INT16_MIN || off > INT16_MAX) {
            pal_cc_error(cc, "PAL0501", loc, "split the rule", "quantifier body too long (%lld instructions)", (long long)off);
            return;
        }
        cc->p->code[at] = PAL_MK_ABJ(op, PAL_A8(ins), (int16_t)off);
        return;
    }
    if (off < PAL_MIN_SJ || off > PAL_MAX_SJ) {
        pal_cc_error(cc, "PAL0501", loc, "split the rule", "rule too long: a jump of %lld instructions", (long long)off);
        return;
    }
    cc->p->code[at] = PAL_MK_SJ(op, (int32_t)off);
}

uint32_t cg_new_matcher(pal_cc *cc, int kind, unsigned flags)
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

pal_mitem *cg_new_mitem(pal_cc *cc, uint32_t matcher)
{
    pal_program *p = cc->p;
    if (!GROW(cc, p->mitems, p->nmitems, cc->cap_mitems)) { cc->gen_failed = true; return NULL; }
    pal_mitem *it = &p->mitems[p->nmitems++];
    memset(it, 0, sizeof *it);
    p->matchers[matcher].count++;
    return it;
}

/* Builds a matcher from flattened constants for a left side of type lt. */
uint32_t cg_matcher_for(pal_cc *cc, pal_type lt, const pal_cvals *cv, int kind_override)
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
    uint32_t m = cg_new_matcher(cc, kind, flags);
    for (uint32_t i = 0; i < cv->n && !cc->gen_failed; i++) {
        const pal_cval *v = &cv->v[i];
        pal_mitem *it = cg_new_mitem(cc, m);
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
            it->s = cg_add_string(cc, v->s, v->len);
        }
    }
    return m;
}
