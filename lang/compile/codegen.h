/*
 * codegen.h — what the code generator's files share (emit.c, expr.c,
 * decls.c, blocks.c; driver.c calls the entry points).
 *
 * The generator writes into the program cc->p through the cg_ helpers:
 * strings and constants (emit.c), instructions and jumps, matchers built
 * from constant lists.  A failure to allocate sets cc->gen_failed and is
 * reported once by the driver; a limit a policy can reach (a jump too
 * long) is a diagnostic at its place.  Nothing here is part of the
 * library's API.
 */
#ifndef PAL_CODEGEN_H
#define PAL_CODEGEN_H

#include "lang/check/check.h"
#include "engine/vm/opcodes.h"
#include "engine/vm/program.h"

/* emit.c: program building */
#define GROW(cc, arr, n, cap) \
    ((n) < (cap) ? 1 : cg_grow((void **)&(arr), &(cap), sizeof *(arr), (n) + 1))
int cg_grow(void **arr, uint32_t *cap, size_t elem, uint32_t need);
pal_str cg_add_string(pal_cc *cc, const char *s, size_t len);
pal_str cg_add_cstr(pal_cc *cc, const char *s);
uint32_t cg_add_const(pal_cc *cc, pal_value v, const char *s, uint32_t len);
void cg_emit(pal_cc *cc, pal_instr ins);
void cg_stack(pal_cc *cc, int delta);          /* tracks the stack depth of the chunk */
uint32_t cg_here(pal_cc *cc);
uint32_t cg_emit_jump(pal_cc *cc, int op);      /* a jump to patch later */
void cg_patch(pal_cc *cc, uint32_t at, uint32_t target, pal_loc loc);
uint32_t cg_new_matcher(pal_cc *cc, int kind, unsigned flags);
pal_mitem *cg_new_mitem(pal_cc *cc, uint32_t matcher);
uint32_t cg_matcher_for(pal_cc *cc, pal_type lt, const pal_cvals *cv, int kind_override);

/* expr.c */
void cg_expr(pal_cc *cc, pal_node *n);         /* pushes the expression's value */
/* A quantifier over `[...]`, `feed(...)` or a list name (not a field). */
bool cg_quant_is_const(const pal_node *n);
/* A check's top-level `any x in CONSTANT_LIST: body`: unrolled, each item
   whose body holds EMITs outcome; nothing is left on the stack. */
void cg_quant_const_emit(pal_cc *cc, pal_node *n, uint32_t outcome);

/* decls.c: what every decision-making declaration shares, checks and rules */
const char *cg_attr_str(pal_decl *d, const char *key, pal_node **node);
int cg_severity_of(pal_cc *cc, pal_decl *d, int dflt);
void cg_add_meta(pal_cc *cc, const char *key, const char *value, size_t vlen);
uint32_t cg_begin_rule(pal_cc *cc, pal_decl *d, int kind, int root, unsigned kinds);
void cg_start_code(pal_cc *cc, uint32_t ri);
void cg_end_rule(pal_cc *cc, uint32_t ri);
/* An outcome of the current rule; msg = its message template or NULL for
   the default text dflt. */
uint32_t cg_add_outcome(pal_cc *cc, uint32_t ri, int effect, int severity, pal_loc label_loc,
                        pal_node *msg, const char *dflt);
void cg_check_attrs(pal_cc *cc, pal_decl *d);
void cg_emit_if(pal_cc *cc, uint32_t outcome, pal_loc loc);
int cg_effect_attr(pal_cc *cc, pal_decl *d, int dflt);
void cg_check(pal_cc *cc, pal_decl *d);
void cg_rule(pal_cc *cc, pal_decl *d);

/* blocks.c: runtime and firewall blocks, desugared into rules */
void cg_runtime(pal_cc *cc, pal_decl *d);
void cg_firewall(pal_cc *cc, pal_decl *d);

/* seq.c: correlations, desugared into step rules and a pal_seq */
void cg_sequence(pal_cc *cc, pal_decl *d);
void cg_counting_rule(pal_cc *cc, pal_decl *d);   /* a rule with `count ... within` */

/* blockmsg.c: their outcomes, with messages naming what the event has.  A
   deny entry's message is the same for every entry of a section or
   firewall: the first fills *share, the others use its parts (NULL: no
   sharing). */
typedef struct cg_shared_msg { bool have; uint32_t first, n; } cg_shared_msg;
uint32_t cg_runtime_outcome(pal_cc *cc, uint32_t ri, int effect, int severity, pal_loc loc, int section, bool deny,
                            cg_shared_msg *share);
uint32_t cg_firewall_outcome(pal_cc *cc, uint32_t ri, int effect, int severity, pal_loc loc, bool deny,
                             cg_shared_msg *share);

#endif
