/*
 * runtime.h — decisions: a program applied to events and inventories.
 *
 * Design. The runtime keeps, per event kind, the list of rules that read
 * that kind (the first level of the rule index: dispatch on kind), runs
 * each with the VM, renders the messages of what matched, and combines the
 * effects: the strongest wins (allow < alert < prevent < block); an
 * outcome with effect `allow` (a firewall allow entry) is not a match.
 * Messages are rendered into a buffer owned by the runtime and reused for
 * the next decision: a decision is valid until the next call.
 */
#ifndef PAL_RUNTIME_H
#define PAL_RUNTIME_H

#include "engine/vm/program.h"
#include "engine/decode/decode.h"
#include "engine/vm/vm.h"

typedef struct pal_match {
    uint32_t rule;         /* index into p->rules */
    uint32_t outcome;      /* index into p->outcomes */
    uint8_t effect, severity;
    const char *message;
    size_t message_off;    /* internal: where message is in the runtime's buffer */
    /* a completed correlation (engine/runtime/seq.h): the events that made
       it, by the ids pal_runtime_set_event gave them, and the digest of the
       correlation's compiled form; nmembers is 0 for every other match */
    uint32_t nmembers;
    const uint64_t *members;
    size_t members_off;    /* internal */
    uint64_t revision;
} pal_match;

typedef struct pal_decision {
    int effect;            /* PE_ALLOW when nothing matched */
    uint32_t nmatches;
    pal_match *matches;
    int vm_error;          /* first VM error (budget), 0 if none */
    const char *warning;   /* set by the caller: a field the decoder could not read */
    uint32_t vm_error_rule;
    /* Windows paths the decoder normalised, as the event wrote them (the
       event's; valid as long as it is) */
    const pal_original *originals;
    unsigned noriginals;
} pal_decision;

typedef struct pal_runtime pal_runtime;

pal_runtime *pal_runtime_new(const pal_program *p);
void pal_runtime_free(pal_runtime *rt);
const pal_program *pal_runtime_program(const pal_runtime *rt);

/* Decides one event.  Returns 0, or -1 if out of memory.  A program with
   correlations keeps their state in the runtime (engine/runtime/seq.h):
   events must then come in their stream's order, one runtime per stream. */
int pal_decide_event(pal_runtime *rt, const pal_event *ev, pal_decision *out);

/* The next event's id (what a correlation's match names it by: the line in
   eval, the event's number in the agent) and the clock (ms since the
   epoch), the time of an event without a timestamp when no event had one. */
void pal_runtime_set_event(pal_runtime *rt, uint64_t id, int64_t clock_ms);

/* The correlation state (NULL when the program has none).  Take hands it
   to the caller (the runtime then has none: for a reload, to rebind it to
   the next program, engine/runtime/seq.h); put gives the runtime one for
   its program, which it then owns (the old one is freed). */
struct pal_seqstate;
struct pal_seqstate *pal_runtime_seqstate(const pal_runtime *rt);
struct pal_seqstate *pal_runtime_take_seqstate(pal_runtime *rt);
void pal_runtime_put_seqstate(pal_runtime *rt, struct pal_seqstate *s);

/* Correlations decided on other threads (engine/runtime/workers.h): a
   deferring runtime keeps no state; after pal_decide_event the event's
   step hits, with their group keys and captures made, are appended to out
   as bytes (1: there were hits, 0: none, -1: out of memory).  The runtime
   with the one state applies them, in input order, with
   pal_runtime_apply_hits: d gets only the correlation matches they
   complete (valid until the next call).  `from` is the program that made
   the hits: after a reload its correlations are found in this runtime's
   program by digest (hits of one changed or removed are dropped). */
#include "engine/base/strbuf.h"
void pal_runtime_defer_correlations(pal_runtime *rt);
int pal_runtime_export_hits(pal_runtime *rt, const pal_event *ev, pal_strbuf *out);
bool pal_runtime_has_hits(const pal_runtime *rt);   /* a deferring runtime's last event had step hits */
int pal_runtime_apply_hits(pal_runtime *rt, const pal_program *from, const void *hits, size_t len, uint64_t id,
                           int64_t clock, pal_decision *d);

/* Runs every check on an inventory record (PS_IMAGE): every finding (one
   per EMIT) becomes a match with effect PE_FAIL.  Checks that ran without
   findings passed. */
int pal_run_checks(pal_runtime *rt, const pal_record *inventory, pal_decision *out);

/* The decision as one malloc'ed JSON line (no newline), the format of SPEC
   "Decisions": {"line":N,"effect":...,"matches":[...],"revision":...};
   "original" when the decoder normalised a Windows path.  NULL when out of
   memory.  A convenience over pal_decision_write (engine/runtime/decision.h),
   which writes every decision line. */
char *pal_decision_json(const pal_runtime *rt, const pal_decision *d, long line);

/* The strongest effect rule r of p can give (its outcomes'): what a rule
   that ran out of budget decides, so a slow rule fails closed. */
int pal_rule_strongest_effect(const pal_program *p, uint32_t r);

/* The rule index (engine/runtime/index.h) is on by default; PALISADE_INDEX=0 in
   the environment turns it off for runtimes created afterwards.  Turning it
   on or off never changes a decision, only its cost (the differential
   tests rely on this switch).  Returns whether the index is in use (false
   when asked off, or when there is no memory to build it). */
bool pal_runtime_set_index(pal_runtime *rt, bool on);
/* The index, or NULL when it was never built. */
const struct pal_index *pal_runtime_index(const pal_runtime *rt);
/* VM runs made by pal_decide_event so far (for the benchmarks). */
uint64_t pal_runtime_rules_run(const pal_runtime *rt);

#endif
