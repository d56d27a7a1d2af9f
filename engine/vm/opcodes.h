/*
 * opcodes.h — the one list of VM instructions.
 *
 * Every place that needs to know the opcodes (the enum, the names, the
 * operand formats, the stack effects used by the verifier, the disassembler)
 * expands PAL_OPCODES with its own definition of OP().  Opcode numbers are
 * written into bundles: they are explicit, never reused, and a retired
 * number stays retired (list it in the comment at the end).
 *
 * Instruction encoding: one 32-bit little-endian word.
 *
 *    31                       8 7        0
 *   +--------------------------+----------+
 *   |            A (24)        |  op (8)  |   iA   unsigned operand
 *   +--------------------------+----------+
 *   |    B (16)      |  A (8)  |  op (8)  |   iAB  two operands
 *   +----------------+---------+----------+
 *   |           sJ (24)        |  op (8)  |   isJ  signed jump, relative to
 *   +--------------------------+----------+        the next instruction
 *   |         (unused)         |  op (8)  |   iN   no operand
 *   +--------------------------+----------+
 *
 *   iABj: like iAB, but B is a signed 16-bit jump (ITER_NEXT).
 *
 * The compiler refuses, with "rule too long", anything that would need a
 * larger operand than the format holds; it never wraps.
 *
 * Stack effect columns: POP and PUSH count values; the verifier uses them
 * to compute the stack depth at every instruction and rejects code whose
 * depth differs at a join or goes below zero or above the declared maximum.
 *
 * Semantics are in the comment column; "bool" results are always PV_BOOL.
 * Undefined (PV_UNDEF) makes every comparison false; in a boolean context
 * (NOT, AND/OR, JUMP_IF_FALSE, TO_BOOL) undefined counts as false.
 */
#ifndef PAL_OPCODES_H
#define PAL_OPCODES_H

#include <stdint.h>

/*  OP(name,         num, format, pop, push)    semantics */
#define PAL_OPCODES \
    OP(NOP,             0, iN,   0, 0)   /* nothing */ \
    OP(HALT,            1, iN,   0, 0)   /* end of this code chunk */ \
    OP(PUSH_UNDEF,      2, iN,   0, 1)   /* push undefined */ \
    OP(PUSH_TRUE,       3, iN,   0, 1) \
    OP(PUSH_FALSE,      4, iN,   0, 1) \
    OP(PUSH_CONST,      5, iA,   0, 1)   /* push consts[A] */ \
    OP(LOAD_FIELD,      6, iA,   0, 1)   /* push root.slots[A] (undef if A >= nfields) */ \
    OP(LOAD_LOCAL,      7, iA,   0, 1)   /* push locals[A] */ \
    OP(STORE_LOCAL,     8, iA,   1, 0)   /* locals[A] = pop */ \
    OP(GET_FIELD,       9, iA,   1, 1)   /* r = pop; push r.rec.slots[A] if r is a record with > A fields, else undef */ \
    OP(LOAD_LOCAL_FIELD,10, iAB, 0, 1)   /* push locals[A].rec.slots[B] (as GET_FIELD) */ \
    OP(POP,            11, iN,   1, 0) \
    OP(DUP,            12, iN,   1, 2) \
    OP(NOT,            13, iN,   1, 1)   /* push !(pop is true) */ \
    OP(TO_BOOL,        14, iN,   1, 1)   /* push (pop is true) */ \
    OP(JUMP,           15, isJ,  0, 0)   /* pc += sJ */ \
    OP(JUMP_IF_FALSE,  16, isJ,  1, 0)   /* v = pop; if v is not true: pc += sJ */ \
    OP(AND_JUMP,       17, isJ,  1, 1)   /* if top is not true: top = false, pc += sJ; else pop (stack effect shown is for the jump; fallthrough pops) */ \
    OP(OR_JUMP,        18, isJ,  1, 1)   /* if top is true: pc += sJ; else pop (as AND_JUMP) */ \
    OP(EQ,             19, iN,   2, 1)   /* b = pop, a = pop; push a == b (false if either undefined) */ \
    OP(NE,             20, iN,   2, 1)   /* push a != b (false if either undefined) */ \
    OP(LT,             21, iN,   2, 1) \
    OP(LE,             22, iN,   2, 1) \
    OP(GT,             23, iN,   2, 1) \
    OP(GE,             24, iN,   2, 1) \
    OP(ADD,            25, iN,   2, 1)   /* ints; undefined if either is, or on overflow */ \
    OP(SUB,            26, iN,   2, 1) \
    OP(MUL,            27, iN,   2, 1) \
    OP(DIV,            28, iN,   2, 1)   /* undefined on division by zero */ \
    OP(MOD,            29, iN,   2, 1) \
    OP(NEG,            30, iN,   1, 1) \
    OP(MATCH,          31, iA,   1, 1)   /* push (pop matches matchers[A]); false if undefined */ \
    OP(IN_LIST,        32, iN,   2, 1)   /* l = pop, v = pop; push v equals some item of list l */ \
    OP(CONTAINS,       33, iN,   2, 1)   /* b = pop, a = pop; strings: a contains b */ \
    OP(STARTSWITH,     34, iN,   2, 1) \
    OP(ENDSWITH,       35, iN,   2, 1) \
    OP(EXISTS,         36, iN,   1, 1)   /* push (pop is not undefined) */ \
    OP(CALL,           37, iAB,  0, 0)   /* builtin A with B arguments: pops B, pushes 1 (see PAL_BUILTINS) */ \
    OP(ITER_INIT,      38, iA,   1, 0)   /* locals[A] = pop (list or records, else empty); locals[A+1] = 0 */ \
    OP(ITER_NEXT,      39, iABj, 0, 0)   /* if locals[A+1] < len(locals[A]): locals[A+2] = element, locals[A+1]++ ; else pc += B */ \
    OP(EMIT,           40, iA,   0, 0)   /* record outcome A of the running rule, with a copy of the locals */ \
    OP(INC,            41, iN,   1, 1)   /* push pop + 1 (ints) */ \
    OP(MATCH_FIELD,    42, iAB,  0, 1)   /* push (root.slots[B] matches matchers[A]); A < 256 */ \
    OP(NOCASE,         43, iN,   1, 1)   /* push pop, a string flagged PVF_NOCASE (a `nocase` comparison's operand) */

/* Retired opcode numbers: none yet. */

enum pal_format { iN, iA, iAB, isJ, iABj };

enum pal_opcode {
#define OP(name, num, fmt, pop, push) OP_##name = num,
    PAL_OPCODES
#undef OP
    OP__COUNT
};

#define PAL_OP(i)      ((unsigned)((i) & 0xffu))
#define PAL_A24(i)     ((uint32_t)(i) >> 8)
#define PAL_SJ(i)      ((int32_t)(uint32_t)(i) >> 8)   /* arithmetic shift keeps the sign */
#define PAL_A8(i)      (((uint32_t)(i) >> 8) & 0xffu)
#define PAL_B16(i)     ((uint32_t)(i) >> 16)
#define PAL_SB16(i)    ((int32_t)(int16_t)(uint16_t)((uint32_t)(i) >> 16))

#define PAL_MAXARG_A24 0xffffffu
#define PAL_MAXARG_A8  0xffu
#define PAL_MAXARG_B16 0xffffu
#define PAL_MAX_SJ     0x7fffff
#define PAL_MIN_SJ     (-0x800000)

#define PAL_MK_A(op, a)      ((uint32_t)(op) | ((uint32_t)(a) << 8))
#define PAL_MK_AB(op, a, b)  ((uint32_t)(op) | ((uint32_t)(a) << 8) | ((uint32_t)(b) << 16))
#define PAL_MK_SJ(op, sj)    ((uint32_t)(op) | ((uint32_t)(sj) << 8))
#define PAL_MK_ABJ(op, a, sb) ((uint32_t)(op) | ((uint32_t)(a) << 8) | ((uint32_t)(uint16_t)(int16_t)(sb) << 16))

/* Builtin functions for OP_CALL: BUILTIN(name, id, argc, result type). */
#define PAL_BUILTINS \
    BUILTIN(lower,    0, 1) /* string -> string, ASCII lower case */ \
    BUILTIN(upper,    1, 1) \
    BUILTIN(len,      2, 1) /* string bytes, list or collection length */ \
    BUILTIN(basename, 3, 1) /* last path element, '\' and '/' both separate */ \
    BUILTIN(dirname,  4, 1)

enum pal_builtin {
#define BUILTIN(name, id, argc) PAL_BI_##name = id,
    PAL_BUILTINS
#undef BUILTIN
    PAL_BI__COUNT
};

const char *pal_opcode_name(unsigned op);   /* "?" for unknown */
int pal_opcode_format(unsigned op);         /* enum pal_format, -1 for unknown */

#endif
