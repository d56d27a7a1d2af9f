/*
 * workers.h — deciding lines on N threads, the decisions in input order.
 *
 * The thread that reads (the agent's poll loop, eval's read loop — the
 * "I/O thread") cuts its input into lines (engine/base/lines.h) and hands
 * them over in batches: a batch is up to PAL_BATCH_LINES lines of one
 * source, as pointers into the buffer they were read into, and the batch
 * takes that buffer with it (pal_batch_take_buffer), so no line is copied.
 * A worker takes the oldest batch waiting and decides its lines with a
 * decider of its own — runtime, VM, arena, output: all per thread; the
 * program alone is shared, and it is only read — writing the decision
 * lines into the batch.  Batches are collected (pal_workers_collect)
 * strictly in the order they were submitted: each batch's decisions are
 * appended to its destination and its tally added to the destination's,
 * so every destination receives its decisions in input order, whichever
 * worker finished first.
 *
 * Programs.  A batch carries the program in force when it was submitted
 * (pal_workers_set_program); a worker switches its decider to that program
 * before the batch's first line, so a reload takes effect between two
 * batches, never within one, and every decision of a batch names one
 * revision.  A program no longer in force stays in use until the last
 * batch that carries it has been collected and every worker has let go of
 * its decider for it (an idle worker lets go as soon as it sees the new
 * program): pal_workers_uses says when the caller may free it.
 *
 * Bounds.  At most `slots` batches are in flight (begun and not yet
 * collected): past that pal_workers_begin returns NULL and the caller
 * reads no more until a batch is collected — unless forced (the end of an
 * input, a line cut short: what a source must finish now), which may pass
 * the bound by the few batches that takes.  Batches, their line arrays,
 * input and output buffers are reused: nothing is allocated per batch
 * once they have grown.
 *
 * Wake-ups.  An eventfd (pal_workers_fd) becomes readable when the oldest
 * batch is done (so collect has something to take) or a worker has let go
 * of a program; the I/O thread polls it with its other descriptors, or
 * blocks in pal_workers_wait.
 *
 * Priority.  A worker may run at a higher nice value than the thread that
 * made it (pal_workers_opts.nice): the agent's I/O thread, which answers
 * the decision socket itself, then gets a core as soon as a request comes,
 * however busy the stream keeps the workers.
 *
 * Correlations.  Their state is one ordered stream, so no worker keeps
 * any: with an ordered stage set (pal_workers_set_ordered), every worker
 * defers (engine/runtime/decider.h) — it decides each line's stateless
 * part and step hits — and collecting settles each batch, in submission
 * order, with the stage's decider, which holds the one state: the chains
 * completed are spliced into their lines, so the bytes are those one
 * thread writes.  A batch of a program replaced since is settled against
 * the state of the new one (correlations found by digest: what a reload
 * keeps; hits of those changed or removed are dropped), so a reload never
 * splits the state.
 *
 * Threads.  Every function here is called by one thread, the one that
 * made the workers.  The workers run the deciders only, and with them the
 * decider's hook (pal_decided_fn), which must then be thread-safe (the
 * agent's learning hook takes a lock).  Workers block every signal.
 */
#ifndef PAL_RUNTIME_WORKERS_H
#define PAL_RUNTIME_WORKERS_H

#include <stdbool.h>
#include <stddef.h>
#include "engine/base/lines.h"
#include "engine/base/strbuf.h"
#include "engine/runtime/decider.h"

enum {
    PAL_BATCH_LINES = 1024,     /* lines per batch, at most (a read of short lines is several batches) */
    PAL_MAX_WORKERS = 256,
};

typedef struct pal_workers pal_workers;
typedef struct pal_batch pal_batch;

/* Where a batch's decisions go, and how. */
typedef struct pal_batch_dest {
    pal_strbuf *out;          /* decision lines appended here, in order */
    pal_tally *tally;         /* the batch's tally added here */
    unsigned long conn;       /* "conn" of every decision (0: none) */
    bool only_notable;        /* decisions with nothing to say are not written (eval --only-findings) */
    unsigned long rotation;   /* "rotation" of every decision (0: none) */
} pal_batch_dest;

typedef struct pal_workers_opts {
    unsigned threads;         /* 1..PAL_MAX_WORKERS */
    unsigned slots;           /* batches in flight at most (0: 4 per thread) */
    unsigned batch_lines;     /* lines per batch at most (0: PAL_BATCH_LINES) */
    int nice;                 /* added to each worker's nice value (0: the creating thread's) */
} pal_workers_opts;

/* The workers.  Each one's decider gets the settings of `like`
   (pal_decider_init_like; its program is not used).  NULL with err set
   when the threads or the memory cannot be had. */
pal_workers *pal_workers_new(const pal_workers_opts *o, const pal_decider *like, char *err, size_t errcap);
/* Stops and joins the workers and frees every batch (collect first: the
   decisions of batches still in flight are dropped). */
void pal_workers_free(pal_workers *w);
unsigned pal_workers_threads(const pal_workers *w);

/* The correlations' ordered stage: io's runtime holds the state; its
   decider settles every batch as it is collected (NULL: none — every
   worker then keeps a state of its own, which is right only for a program
   without correlations).  Set it before the first batch, and again when io
   is replaced (a reload), before the old one is freed. */
void pal_workers_set_ordered(pal_workers *w, pal_decider *io);

/* The program of every batch submitted from now on (p must stay alive
   while pal_workers_uses(w, p)). */
void pal_workers_set_program(pal_workers *w, const pal_program *p);
/* A batch in flight carries p, or a worker still holds a decider for it. */
bool pal_workers_uses(pal_workers *w, const pal_program *p);

/* A batch to fill: NULL when `slots` batches are in flight (and not
   forced), or out of memory. */
pal_batch *pal_workers_begin(pal_workers *w, bool force);
bool pal_workers_can_begin(const pal_workers *w);
/* Adds a line (line is NULL when toolong); the bytes must stay where they
   are until the batch is collected: in the buffer the batch takes, or in
   one an earlier batch of the same source took.  event: its number in
   the agent's count (engine/runtime/decider.h), given as it is read, so
   a worker's decision says the number deciding in place would; 0 for
   none (eval).  Returns 0, or -1 when out of memory. */
int pal_batch_add(pal_batch *b, const char *line, size_t len, bool toolong, long lineno, uint64_t event);
/* A line that gets an error decision saying why (copied). */
int pal_batch_add_error(pal_batch *b, long lineno, const char *why);
size_t pal_batch_size(const pal_batch *b);
bool pal_batch_full(const pal_batch *b);
/* The batch takes the splitter's buffer, every line handed on from it
   staying where it is, and gives the splitter the one it holds
   (pal_lines_swap_buffer).  Returns 0, or -1 when out of memory. */
int pal_batch_take_buffer(pal_batch *b, pal_lines *l);
/* Hands a batch to the workers. */
void pal_workers_submit(pal_workers *w, pal_batch *b, const pal_batch_dest *dest);
/* An empty batch, not submitted after all. */
void pal_workers_cancel(pal_workers *w, pal_batch *b);

/* Appends the decisions of the batches that are done, oldest first, up to
   the first that is not (a decision that does not fit in its destination
   counts as a write error).  Returns how many batches it collected. */
unsigned pal_workers_collect(pal_workers *w);
/* Readable when there may be something to collect (or a program was let
   go of); pal_workers_collect empties it. */
int pal_workers_fd(const pal_workers *w);
/* Blocks until the oldest batch in flight is done (or none is), at most
   timeout_ms (-1: no limit); then collects.  Returns how many batches it
   collected. */
unsigned pal_workers_wait(pal_workers *w, int timeout_ms);
/* Waits for and collects every batch in flight. */
void pal_workers_finish(pal_workers *w);
/* Batches begun and not yet collected. */
unsigned pal_workers_inflight(const pal_workers *w);

#endif
