/*
 * verify.h — the bytecode verifier.
 *
 * Every program, freshly compiled or read from a bundle, passes here before
 * it may run (pal_program_prepare calls it): a bundle is untrusted input,
 * and the VM relies on what this checks instead of re-checking on the hot
 * path.  It checks every string reference, constant, matcher item, rule,
 * outcome and message part, and for every code chunk every opcode, operand
 * and jump target, that the code ends (jumps go forward except a
 * quantifier loop's jump back to its ITER_NEXT, whose index only moves
 * forward over a fixed collection), and the stack depth at every
 * instruction by abstract interpretation (see verify.c).  Time and memory
 * are linear in the program.
 */
#ifndef PAL_VERIFY_H
#define PAL_VERIFY_H

#include <stddef.h>
#include "engine/vm/program.h"

/* 0 if p is safe to run; else -1 with a message in err saying what is wrong
   and where: rule 3 ("Shell under web server"): instruction 17: jump target
   912 outside the rule. */
int pal_verify(const pal_program *p, char *err, size_t cap);

#endif
