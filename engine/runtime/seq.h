/*
 * seq.h — correlation state: what `sequence` blocks and counting rules
 * remember between events, bounded.
 *
 * Semantics (lang/SPEC.md "Sequences and counts" is the user's version;
 * tests/fuzz/fuzz_seq.c holds a separate reference implementation).
 *
 * Time.  An event's time is its `@timestamp` (ECS, and what the Sysmon and
 * Falco adapters map `UtcTime` and `time` to), else the latest event time
 * seen (the watermark), else the clock the caller gives.  The watermark is
 * the largest time of the events that satisfied some step: an event that
 * satisfies none never reaches this module.  An event older than the watermark by more
 * than the tolerance is *late*: it takes part in no correlation (counted).
 * Events within the tolerance of each other are taken in arrival order.
 *
 * Groups.  A correlation's events are grouped by its key fields (`by`; a
 * step may name its own); an event with any key field undefined takes no
 * part.  Windows paths in keys compare without case and with '\' = '/'.
 *
 *   sequence (ordered): per group, at most one partial match per stage
 *     1..n-1 (stage s has matched steps 0..s-1).  An event that satisfies
 *     `until` drops the group's partial matches and does nothing else.
 *     Otherwise, for each step j the event satisfies, from the last step
 *     down: a stage-j partial whose first member is no more than `within`
 *     before the event, and whose last member is not more than the
 *     tolerance after it, advances to stage j+1 (replacing the partial
 *     there) or, at the last step, completes: a match naming every member.
 *     A partial the event finds out of its window is dropped.  Then, if
 *     the event satisfies step 0, it starts a new stage-1 partial
 *     (replacing the one there).
 *   unordered: per group, the latest hit of every step (by event time);
 *     the event's hits replace older ones (but another event in one step
 *     only, so that one can still be another step's); when every step has
 *     a hit, of as many events as steps, and they lie within `within` of
 *     each other: a match, and the group is cleared.  `until` clears the
 *     group.
 *   count: per group, the hits in arrival order; hits more than `within`
 *     before the event are dropped from the front; when N remain: a match
 *     naming them, and the group is cleared.
 *   distinct count: per group, for each distinct value of the field (by a
 *     64-bit hash), its latest hit; values last seen more than `within`
 *     before the event are dropped; when N values remain: a match naming
 *     the event that brought each, and the group is cleared.
 *
 * Bounds.  A group's state is one *partial match* entry.  Entries count
 * against a per-correlation and a global cap; a new entry past a cap
 * evicts the least recently updated entry (of the correlation, or of all),
 * counted.  Entries untouched for `within` + tolerance behind the
 * watermark are expired, counted.  Nothing is allocated for an event that
 * hits no step.
 *
 * Not thread-safe: one state for one ordered stream of events.
 */
#ifndef PAL_RUNTIME_SEQ_H
#define PAL_RUNTIME_SEQ_H

#include <stdbool.h>
#include <stdint.h>
#include "engine/vm/program.h"
#include "engine/core/value.h"
#include "engine/base/limits.h"

typedef struct pal_seq_limits {
    uint32_t max_rule;     /* entries of one correlation; 0: PAL_SEQ_MAX_RULE_STATE */
    uint32_t max_total;    /* entries of all; 0: PAL_SEQ_MAX_STATE */
    int64_t tolerance;     /* ms; < 0: PAL_SEQ_TOLERANCE_MS */
} pal_seq_limits;

typedef struct pal_seq_stats {
    uint64_t live;             /* entries now */
    uint64_t bytes;            /* their memory, approximately */
    uint64_t evicted_rule;     /* by a correlation's cap */
    uint64_t evicted_total;    /* by the global cap */
    uint64_t expired;          /* out of their window */
    uint64_t late;             /* events too late to take part */
    uint64_t completed;        /* matches */
    uint64_t kept, dropped;    /* at a reload: entries carried over, dropped with a changed or removed rule */
} pal_seq_stats;

typedef struct pal_seqstate pal_seqstate;

pal_seqstate *pal_seqstate_new(const pal_program *p, const pal_seq_limits *lim);
void pal_seqstate_free(pal_seqstate *s);
void pal_seqstate_stats(const pal_seqstate *s, pal_seq_stats *out);
const pal_program *pal_seqstate_program(const pal_seqstate *s);

/* The compiled form of correlation i: equal digests mean the same steps,
   keys, window and message (not the same indices in the program). */
uint64_t pal_seq_digest(const pal_program *p, uint32_t i);

/* Milliseconds since the epoch from an RFC 3339 time (`2024-05-02T10:00:01.123Z`,
   an offset, a space for the T, any fraction; no zone is UTC); false if it
   is not one. */
bool pal_seq_parse_time(const char *s, size_t len, int64_t *ms);

/* The event's hits of correlation q: bit j = step j (bit nsteps: until),
   set only when the step's group key could be made (every key field
   defined and of one value; for a distinct count also the value counted).
   captures[j] is what the captures of step j rendered, NUL-separated, in
   the order of the step rule's outcomes (NULL: none), caplen[j] its bytes;
   keys[j] the group key (pal_seq_hit_keys makes it), vhash the distinct
   count's value hash.  Nothing here points into the event: the hits can be
   made on one thread and applied on another (engine/runtime/workers.h).
   The exception: when the state is applied where the event still is, the
   captures can be left unrendered (bit j of lazy: step j's), and the state
   asks render(render_ctx, j, &len) for them only when it keeps or reports
   them (most hits of a later step find no partial, and a count keeps no
   captures until it completes); NULL from render is out of memory, and
   the text is valid until the next render. */
typedef struct pal_seq_hits {
    uint32_t seq;
    uint32_t steps;
    const char *captures[PAL_MAX_SEQ_STEPS + 1];
    uint32_t caplen[PAL_MAX_SEQ_STEPS + 1];
    uint32_t lazy;
    const char *(*render)(void *render_ctx, uint32_t step, uint32_t *len);
    void *render_ctx;
    const unsigned char *keys[PAL_MAX_SEQ_STEPS + 1];
    uint32_t keylen[PAL_MAX_SEQ_STEPS + 1];
    uint64_t vhash;
} pal_seq_hits;

/* The longest group key pal_seq_hit_keys writes, per step: each field a
   tag, a length and a string of at most 256 bytes (a longer one goes by
   its hash). */
#define PAL_SEQ_KEY_MAX (PAL_MAX_SEQ_KEYS * (1u + 4u + 256u))

/* Fills h->keys, h->keylen and h->vhash for the steps set in h->steps
   from the event's record, into keybuf (room for PAL_SEQ_KEY_MAX per step
   of the correlation, the until included), and clears the steps whose key
   cannot be made.  The steps left are what the state will look at. */
void pal_seq_hit_keys(const pal_program *p, pal_seq_hits *h, const pal_record *rec, unsigned char *keybuf);

/* The event time a record gives (its @timestamp, ts_field; -1: none), or
   false when it has none. */
bool pal_seq_record_time(const pal_record *rec, int ts_field, int64_t *ms);
/* The PS_EVENT field of the event time. */
int pal_seq_time_field(void);

/* A completed correlation: its members in step order (counts: in arrival
   order), and its message. */
typedef struct pal_seq_match {
    uint32_t seq;
    uint32_t nmembers;
    const uint64_t *members;   /* valid until the next call */
    const char *message;       /* valid until the next call */
} pal_seq_match;

/* The steps of correlation q whose hits can change the state now: a
   sequence's step 0, and a later step j only while some group has matched
   the steps before it; every step of an unordered one; a count's step;
   the until only while the correlation has an entry.  The runtime drops
   the others before it makes their group keys: a hit the state would look
   up and find nothing for costs nothing; and it does not run their rules
   at all when another step of the event holds (the watermark moves with
   that one), only when none does. */
uint32_t pal_seqstate_wanted(const pal_seqstate *s, uint32_t q);

/* A hint, before pal_seqstate_begin: starts loading what applying h will
   look up in the table, so the wait overlaps the expiry begin does. */
void pal_seqstate_prefetch(const pal_seqstate *s, const pal_seq_hits *h);

/* Starts an event: its time (returned: its own when has_time, else the
   watermark, else clock) and whether it is late (a late event is not
   applied). */
int64_t pal_seqstate_begin(pal_seqstate *s, bool has_time, int64_t time, int64_t clock, bool *late);
/* Applies one correlation's hits (keys made) of the event begun at time
   t, which matches name by id (the line, or the agent's event number); fn
   is called for each match it completes (a nonzero return stops and is
   returned).  -1 when out of memory. */
int pal_seqstate_apply(pal_seqstate *s, uint64_t id, int64_t t, const pal_seq_hits *h,
                       int (*fn)(void *user, const pal_seq_match *m), void *user);

/* Reload: moves the entries of every correlation of s whose digest some
   correlation of `to` has into a new state for `to` (the rest are dropped,
   counted); s is freed.  NULL when out of memory (s is freed too). */
pal_seqstate *pal_seqstate_rebind(pal_seqstate *s, const pal_program *to);

/* ---- the state file: `palisade agent --state FILE` (layout in seq.c) ---- */

#define PAL_SEQ_STATE_FORMAT 1u

/* s (NULL: a program without correlations) as a state file's bytes,
   malloc'ed into *buf and *len, with the writer's event count (member ids
   are at most it, and continue from it after a restart).  Past
   PAL_MAX_STATE_BYTES the oldest entries stay out (*omitted counts them).
   -1 when out of memory. */
int pal_seqstate_write(const pal_seqstate *s, uint64_t events, unsigned char **buf, size_t *len, uint64_t *omitted);

/* A state file read back for program p: verified first (magic, format,
   length, checksum), then every count and length bounded by the bytes left
   and the limits.  The partial matches of correlations p has unchanged (by
   digest) are kept, through the caps oldest first (evictions counted);
   the others are dropped: stats kept and dropped count both.  On damage:
   -1, and "NAME: damaged state file at byte N: what; what to do" in err. */
int pal_seqstate_read(const unsigned char *buf, size_t len, const char *name, const pal_program *p,
                      const pal_seq_limits *lim, pal_seqstate **out, uint64_t *events, char *err, size_t cap);

#endif
