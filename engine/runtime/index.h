/*
 * index.h — the rule index: which event rules can possibly fire on an event.
 *
 * Design. Most runtime rules start with a test of one event field against
 * constants (`process.name in shells`, `dns.question.name in ["*.pool.xyz"]`,
 * `destination.ip in 10.0.0.0/8`), so an event can only make a handful of
 * them fire.  The index is derived from the program as loaded (compiled or
 * read from a bundle, whose hints it proves rather than trusts, see
 * pal_index_attach_hints) by reading each event rule's bytecode:
 *
 *   1. *Atoms*: instruction patterns whose boolean result depends on one
 *      root field only and which are true only when the field's value hits
 *      a key: MATCH_FIELD / LOAD_FIELD+MATCH over a string set, a glob set
 *      (exact items, or the literal prefix or suffix of each glob), a DNS
 *      set (names, `*.` suffixes), a CIDR set or a small port set;
 *      `field == CONST`; `field startswith / endswith / contains CONST`;
 *      each also through lower() / upper(), which folding makes no-ops.
 *   2. *Proof*: an abstract interpretation of the rule's code over
 *      {false, true, unknown} for the stack and the locals, with a chosen
 *      set S of atoms forced false and every other value unknown.  If no
 *      path then reaches an EMIT of an outcome other than `allow`, nor an
 *      instruction that could spend the rule's instruction budget (a
 *      backward jump, a `contains` that is not an atom), then the rule can
 *      only produce a match, or a VM error, when some atom of S is true:
 *      it is indexed under the keys of S.  Otherwise it stays in its
 *      kinds' "always run" lists.  S starts as every atom and is shrunk
 *      greedily, least selective atom first, while the proof still holds.
 *   3. *Keys*, all compared in one canonical form — ASCII lower case with
 *      '/' as '\' (pal_path_fold), which every equality the VM uses (exact,
 *      domain, Windows path) implies — so a key hit is necessary for a
 *      match, never sufficient: one hash table on (field, folded value or
 *      integer), a byte trie per field on folded prefixes, another on
 *      reversed folded suffixes (glob tails, `endswith`, and DNS wildcards
 *      as ".suffix", which makes it a suffix trie by labels), an
 *      Aho-Corasick automaton per field on `contains` needles (one pass
 *      over the value finds them all), and a binary trie per field and
 *      address family on CIDR prefixes.
 *
 * At decision time the runtime probes the fields the index knows with the
 * event's values, gets the candidate rules (deduplicated with a stamp per
 * rule), and runs them merged with the "always run" list, in rule order, so
 * firewall first-match and effect combination are exactly as without the
 * index.  tests/unit/test_index.c and tests/fuzz/fuzz_index.c check that
 * decisions with the index equal decisions without it.
 *
 * A `contains` atom that misses may still charge the budget (vm.c counts
 * case-folded searches by the byte): a value long enough to make that
 * charge matter makes every rule with a `contains` on its field a
 * candidate, so a budget error is reported exactly as without the index.
 *
 * Loading is what the agent pays at every reload: a bundle carries the
 * analysis (the states and chosen atoms, as hints the index proves again
 * rather than trusts: pal_index_attach_hints below), the tables grow as
 * they fill, and the binary tries of CIDR keys are built where the probe
 * reads them.
 *
 * The index is read-only after pal_index_build() and may be shared by
 * threads; the probe's scratch belongs to the caller.
 */
#ifndef PAL_INDEX_H
#define PAL_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "engine/vm/program.h"
#include "engine/core/value.h"

typedef struct pal_index pal_index;

enum pal_index_state {
    PAL_IX_ALWAYS = 0,   /* runs on every event of its kinds */
    PAL_IX_INDEXED,      /* runs only when one of its keys is hit */
    PAL_IX_NEVER,        /* provably never matches nor errs: never runs */
    PAL_IX_NOT_EVENT     /* a check (or a rule of no event kind): not the index's business */
};

typedef struct pal_index_stats {
    uint32_t rules;        /* event rules considered */
    uint32_t indexed, always, never;
    uint32_t keys;         /* distinct hash keys */
    uint32_t nodes;        /* trie nodes, prefix + suffix + CIDR */
    uint32_t postings;     /* (key or node, rule) pairs */
    uint32_t over_cap;     /* rules left always-run because the index was full */
    uint32_t hinted;       /* rules indexed or never run by their bundle hint, proven */
    uint32_t hint_missed;  /* rules whose hint did not prove: searched instead */
} pal_index_stats;

/* Builds the index of p's event rules.  p must have been prepared
   (pal_program_prepare) and must outlive the index.  NULL when out of
   memory (the caller then decides without an index). */
pal_index *pal_index_build(const pal_program *p);
void pal_index_free(pal_index *ix);

/* Index hints (engine/vm/program.h pal_ixrule): the states and atoms the
   search below (2.) found, for a bundle to carry.  pal_index_build proves
   each rule with its hint, one pass of the analysis instead of one per
   atom tried, and searches for any rule whose hint does not prove, so the
   index of a bundle with true hints is the index without them, and a
   crafted hint costs time, never a decision.  pal_index_attach_hints
   builds the index of p (prepared) without hints and writes them into p,
   replacing any; 0, or -1 when out of memory (p has no hints then). */
int pal_index_attach_hints(pal_program *p);

int pal_index_rule_state(const pal_index *ix, uint32_t rule);
/* Rules of PS_EVENT that always run for event kind bit k (0..3), ascending. */
const uint32_t *pal_index_always(const pal_index *ix, unsigned k, uint32_t *n);
pal_index_stats pal_index_get_stats(const pal_index *ix);

/* Per-caller scratch for pal_index_probe (one per thread, like a VM):
   stamps per rule and per index node, and the hit list. */
typedef struct pal_index_scratch pal_index_scratch;
pal_index_scratch *pal_index_scratch_new(const pal_index *ix);
void pal_index_scratch_free(pal_index_scratch *s);

/* Candidate rules for an event record: every indexed rule (of a kind in
   `kinds`) one of whose keys the record's field values hit, once each, in
   no particular order.  Sets *hits to the list (in s, valid until the
   next probe) and returns its length. */
uint32_t pal_index_probe(const pal_index *ix, const pal_record *rec, unsigned kinds,
                         pal_index_scratch *s, const uint32_t **hits);

/* What rule r is indexed under, for tests and `disasm`-style output:
   "process.name = \"cmd.exe\" | dns.question.name suffix \".pool.xyz\"",
   or "always" / "never".  Writes at most cap bytes (NUL-terminated,
   shortened with "..."); returns the length written. */
size_t pal_index_describe_rule(const pal_index *ix, uint32_t rule, char *out, size_t cap);

#endif
