/*
 * vm.h — running a verified program: the stack VM and the load-time matchers.
 *
 * A program is made runnable once, by pal_program_prepare(): it verifies
 * every index and jump (engine/vm/verify.h), then builds each matcher's
 * load-time structure (hash tables, sorted arrays; regexes are compiled on
 * first use, once, thread-safely).  After that the program is read-only and
 * may be shared by any number of threads, each with its own pal_vm.
 *
 * A pal_vm owns everything one evaluation touches — the value stack, the
 * locals, the emitted outcomes, a scratch buffer for string results, the
 * PCRE2 match data — all sized from the program at pal_vm_new(), so
 * pal_vm_run() never allocates.  Values the VM returns (emit locals,
 * rendered messages) point into the root record, the program's constants or
 * the VM's scratch: they are valid until the next pal_vm_run() on that VM.
 */
#ifndef PAL_VM_H
#define PAL_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "engine/vm/program.h"
#include "engine/core/value.h"

/* ---- preparing a program (engine/vm/matcher.c) ---- */

/* Verifies p, builds every matcher's runtime structure and computes
   p->event_fields_used.  Returns 0, or -1 with a message in err (the
   program is left as it was, to be freed by the caller).  Regexes are
   compiled on first use, not here (engine/vm/matcher.c); one that does not
   compile matches nothing. */
int pal_program_prepare(pal_program *p, char *err, size_t cap);

/* Compiles every regex of a prepared program now.  Returns 0, or -1 naming
   the first pattern that does not compile, its rule and the offset: for
   `palisade build` and `inspect`, which should say so rather than load a
   rule that can never match. */
int pal_program_check_regexes(const pal_program *p, char *err, size_t cap);

/* Does v match matcher m?  Scalars only: undefined never matches; a PV_LIST
   matches if any item does.  Ints match RANGESET, IPs CIDRSET, strings the
   other kinds; any other pairing is false.  match_data is a VM's
   pal_vm_match_data() (PCRE2 scratch); NULL works but allocates. */
bool pal_matcher_match(const pal_program *p, const pal_matcher *m, pal_value v, void *match_data);

/* Frees m->rt (pal_program_free calls it for every matcher). */
void pal_matcher_free_rt(pal_matcher *m);

/* ---- the VM (engine/vm/vm.c) ---- */

typedef struct pal_emit {
    uint32_t outcome;    /* absolute index into p->outcomes */
    uint16_t nlocals;
    pal_value *locals;   /* a copy of the rule's locals at the EMIT */
} pal_emit;

typedef struct pal_vm pal_vm;   /* one per thread */

enum { PAL_VM_OK = 0, PAL_VM_BUDGET = -1, PAL_VM_STACK = -2, PAL_VM_FAULT = -3 };

/* NULL when out of memory.  p must have been prepared and must outlive the VM. */
pal_vm *pal_vm_new(const pal_program *p);
void pal_vm_free(pal_vm *vm);

/* Runs rules[rule] on root (its schema must be the rule's root).  Emits are
   reset first.  budget = the most instructions it may execute.  Returns
   PAL_VM_OK or an error (the emits so far stay readable). */
int pal_vm_run(pal_vm *vm, uint32_t rule, const pal_record *root, uint64_t budget);
uint32_t pal_vm_nemits(const pal_vm *vm);
const pal_emit *pal_vm_emit(const pal_vm *vm, uint32_t i);
/* EMITs past PAL_MAX_EMITS in the last run, which were dropped. */
uint32_t pal_vm_dropped_emits(const pal_vm *vm);

/* Renders the message of emit e (its outcome's message parts; expression
   parts evaluated with e's locals on root): strings as they are, ints in
   decimal, IPs in text form, bools true/false, lists as [a, b], undefined
   as <undefined>.  Writes a NUL-terminated string of at most
   min(cap, PAL_MAX_MESSAGE_BYTES + 1) bytes, ending in "…" when truncated;
   returns its length.  Does not disturb the emits or their values. */
size_t pal_vm_render(pal_vm *vm, uint32_t rule, const pal_record *root, const pal_emit *e,
                     char *out, size_t cap);
/* How much of the VM's scratch is in use (just after a run: what the
   rule's own evaluation took), and pal_vm_render as it renders with that
   much in use, whatever ran since: a message rendered later, from the same
   record, comes out as it would have right after the run (its room in the
   scratch is the same; nothing it reads points into the scratch). */
size_t pal_vm_scratch_mark(const pal_vm *vm);
size_t pal_vm_render_at(pal_vm *vm, size_t scratch_mark, uint32_t rule, const pal_record *root, const pal_emit *e,
                        char *out, size_t cap);

/* Evaluates an expression chunk of rule (code..code+len, verified as a
   message expression is: a network entry's scope) on root; *out is its
   value (undefined on an error), valid like an emit's.  Returns PAL_VM_OK
   or an error. */
int pal_vm_eval(pal_vm *vm, uint32_t rule, const pal_record *root, uint32_t code, uint32_t len, uint64_t budget,
                pal_value *out);

const char *pal_vm_strerror(int code);

/* The VM's PCRE2 match data, for callers of pal_matcher_match. */
void *pal_vm_match_data(pal_vm *vm);

/* The comparison semantics of opcodes.h, for the compiler's constant
   folding and the tests.  pal_value_eq: 1 equal, 0 different, -1 not
   comparable (either undefined, or mismatched types) — EQ and NE are both
   false then.  pal_value_cmp: false when a and b are not ordered (as
   before, or bools, lists, IPs of different families), else true with
   *order < 0, 0 or > 0. */
int pal_value_eq(pal_value a, pal_value b);
bool pal_value_cmp(pal_value a, pal_value b, int *order);

#endif
