/*
 * decider.h — one event line in, one decision line out: the part of
 * `palisade eval` and `palisade agent` that must behave exactly alike.
 *
 * pal_decider turns one line into one decision line: decode (only the
 * fields the program reads), decide, write (engine/runtime/decision.h).
 * Every line gets a decision — a line that cannot be decoded gets an allow
 * decision with an "error" naming why, as does an event the runtime could
 * not decide (out of memory) and a line over the length limit.  After each
 * decoded event a hook may look at the event and its decision (the
 * learning mode of `agent --learn` uses it).
 *
 * No allocation per event once the arena and the output buffer have
 * grown.  Not thread-safe: one decider per thread (the decoder keeps no
 * global state, but a decider's arena and runtime are its own); the
 * program is only read, so any number of deciders, on any threads, may
 * share one (engine/runtime/workers.h).
 */
#ifndef PAL_RUNTIME_DECIDER_H
#define PAL_RUNTIME_DECIDER_H

#include <stdbool.h>
#include <stddef.h>
#include "engine/base/arena.h"
#include "engine/base/strbuf.h"
#include "engine/decode/decode.h"
#include "engine/runtime/decision.h"
#include "engine/runtime/runtime.h"

/* Hook: a decoded event and its decision (valid only during the call).
   Returning true means the event's image is being learned (`agent
   --learn`): nothing is enforced for it, so the decision line says effect
   allow and "learning":true, and keeps the matches that would have fired. */
typedef bool (*pal_decided_fn)(void *user, const pal_program *p, const pal_event *ev, const pal_decision *d);

/* Correlations on the workers (engine/runtime/workers.h).  A deciding
   thread cannot hold correlation state of its own: the state is one
   ordered stream.  So a worker's decider *defers*: it decides the line's
   stateless part and its step hits, writes the decision line as if no
   chain completed, and notes, for a line with step hits, the hits (group
   keys, captures, time: nothing that points into the event) and where
   the line is.  The thread that collects the batches, in input order,
   settles them (pal_decider_settle) with its own decider — the one with
   the state, that also answers the agent's decision socket — and splices
   the chains completed into their lines: the same bytes as one thread
   writes. */
typedef struct pal_deferred_line {
    size_t at;                 /* the line's first byte in the batch's output */
    pal_decision_marks marks;  /* its effect and the end of its matches */
    size_t hits_at, hits_len;  /* its hits, in hits */
    uint64_t event;            /* its "event" (the agent's number: what members name it by), or 0: by line */
    long line;                 /* its "line" */
    int64_t clock;             /* the clock it was decided at */
    int effect;                /* its effect as written (allow when learning) */
    bool learning, had_matches, notable;
} pal_deferred_line;

typedef struct pal_deferred {
    pal_strbuf hits;
    pal_deferred_line *lines;
    size_t n, cap;
} pal_deferred;

void pal_deferred_init(pal_deferred *df);
void pal_deferred_clear(pal_deferred *df);
void pal_deferred_free(pal_deferred *df);

typedef struct pal_decider {
    const pal_program *p;
    pal_runtime *rt;
    pal_arena arena;             /* the decoded event; reset per line */
    pal_input_format fmt;
    pal_decided_fn on_decided;   /* NULL: none */
    void *on_decided_user;
    bool decode_all;             /* decode every field, not only those the rules read (learning) */
    unsigned max_line;           /* the line limit named in the too-long error (PAL_MAX_EVENT_LINE) */
    const pal_decode_opts *decode_opts;   /* --volume-map; NULL: none */
    /* correlations (engine/runtime/seq.h): the clock an event without a
       timestamp gets before any event had one (0: the wall clock at each
       event; eval fixes it at its start, so a file decides alike every
       run), and whether members are named by line or, in the agent (whose
       streams interleave), by the event's number: every line decided gets
       the next (events counts them; on workers the reading thread numbers
       each line as it hands it over, pal_batch_add), and its decision says
       it ("event") */
    int64_t clock_ms;
    bool ids_by_count;
    uint64_t events;
    pal_deferred *deferred;      /* non-NULL: correlations are deferred to it (above) */
} pal_decider;

/* Milliseconds since the epoch, now. */
int64_t pal_clock_ms(void);

typedef struct pal_verdict {
    int effect;          /* PE_*: the decision's effect */
    unsigned nmatches;
    bool input_error;    /* the line was not decided (error decision) */
    bool warning;        /* decided, but a field could not be read */
    bool vm_error;       /* a rule ran out of budget */
    bool deferred;       /* its correlations are to be settled: the line may still change */
} pal_verdict;

/* Returns 0, or -1 when out of memory.  p must outlive the decider. */
int pal_decider_init(pal_decider *d, const pal_program *p, pal_input_format fmt);
/* The same for p, with the settings of `like` (format, hook, decode
   options, line limit): how every worker's decider is made. */
int pal_decider_init_like(pal_decider *d, const pal_program *p, const pal_decider *like);
void pal_decider_free(pal_decider *d);

/* Decides one line (line may be NULL when toolong) and appends its
   decision line, newline included, to out (none when c.only_notable and
   the verdict is not notable); c gives "line" and "conn".
   Returns 0, or -1 only when not even an error decision fits in out; *v
   describes what was written. */
int pal_decide_line(pal_decider *d, const char *line, size_t len, bool toolong, pal_decision_ctx c, pal_strbuf *out,
                    pal_verdict *v);

/* Worth printing when only findings are: matches, an error or a warning. */
static inline bool pal_verdict_notable(const pal_verdict *v)
{
    return v->nmatches || v->vm_error || v->warning || v->input_error;
}

/* What a run of lines came to: kept by every source (engine/runtime/
   session.h) and by each batch the workers decide. */
typedef struct pal_tally {
    unsigned long long lines;          /* lines decided (events in) */
    unsigned long long decisions;      /* decision lines written */
    unsigned long long input_errors;   /* error decisions among them */
    unsigned long long write_errors;   /* lines whose decision could not be written (out of memory) */
    unsigned long long warnings;       /* decided with a field that could not be read */
    unsigned long long denied;         /* effect prevent or block */
    unsigned long long with_findings;  /* with matches */
} pal_tally;

/* One line: rc and *v from pal_decide_line; written = its decision line
   was kept (not dropped as unworthy of printing). */
void pal_tally_line(pal_tally *t, int rc, const pal_verdict *v, bool written);
void pal_tally_add(pal_tally *t, const pal_tally *more);

/* The ordered stage: the deferred lines of one batch (decided with
   program `from`), in order, into io's correlation state; the chains they
   complete spliced into their lines in out (rewritten through scratch),
   t corrected (findings, denials; a line kept only for its hits and
   still without findings is dropped when only_notable).  Returns 0, or -1 when out of memory
   (the lines stay as the workers wrote them). */
int pal_decider_settle(pal_decider *io, const pal_program *from, pal_deferred *df, pal_strbuf *out, pal_strbuf *scratch,
                       pal_tally *t, bool only_notable);

#endif
