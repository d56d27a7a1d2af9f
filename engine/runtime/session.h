/*
 * session.h — one source of event lines and where its decisions go: the
 * line protocol of `palisade agent`, below the agent's I/O so that a test
 * or a fuzz target runs exactly what the agent runs.
 *
 * A session is a line splitter (engine/base/lines.h) whose every line is
 * decided (engine/runtime/decider.h) into an output queue.  Two kinds:
 *
 *  - a stream (standard input, a followed file, a --listen connection):
 *    decision lines go to an output queue the streams share; empty lines
 *    get none (as in `palisade eval`); "conn" names a --listen connection.
 *  - a request connection (the decision socket, replies = true): every
 *    request line, an empty one too, gets exactly one reply line, in order,
 *    on the connection's own queue — an empty or malformed request gets an
 *    error decision, so a client waiting for its answer always gets one.
 *
 * Backpressure, per line.  A line is decided as soon as it is complete; if
 * the queue then holds out_limit or more unsent bytes, deciding stops and
 * the lines already read stay in the splitter (held) until
 * pal_session_resume finds room; while lines are held there is no space to
 * read into, nor while the queue is at its limit, so the caller reads
 * nothing new.  So a queue never holds more than out_limit plus one
 * decision line, however many short requests one read brought (with the limit checked once per read, 1 MiB of "{}\n"
 * requests queued ~40 MiB of replies).
 *
 * The decider is passed to every call, not kept: the agent swaps it at a
 * reload, and the next line is decided by the new one.
 *
 * On workers (pal_session_use_workers, engine/runtime/workers.h) a stream
 * session decides nothing itself: each read's lines go to the workers in
 * batches (PAL_BATCH_LINES at most), the buffer they were read into going
 * with the last batch that points into it, and their decisions reach the
 * queue, in order, when the batches are collected.  The session is then
 * blocked while no batch can be begun (every slot in flight), and when a
 * read has more lines than the free slots can take, the rest are held
 * until pal_session_resume finds a slot.  The queue then holds at most
 * out_limit plus what the batches in flight bring.  The end of input and
 * a line cut short may go past the slots (forced batches).  Request
 * connections (replies) are always decided in place, on the reading
 * thread, so that an answer never waits behind the stream.
 */
#ifndef PAL_RUNTIME_SESSION_H
#define PAL_RUNTIME_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include "engine/base/lines.h"
#include "engine/base/strbuf.h"
#include "engine/runtime/decider.h"

/* Bytes to send: buf.s[off..buf.len). */
typedef struct pal_outq {
    pal_strbuf buf;
    size_t off;
} pal_outq;

static inline size_t pal_outq_pending(const pal_outq *q) { return q->buf.len - q->off; }
static inline const char *pal_outq_data(const pal_outq *q) { return q->buf.s + q->off; }
/* n bytes were sent; the rest moves to the front once it is the smaller part. */
void pal_outq_sent(pal_outq *q, size_t n);
/* Complete lines not yet (fully) sent: replies a closed connection loses. */
unsigned long pal_outq_lines(const pal_outq *q);
void pal_outq_free(pal_outq *q);

/* Totals, added to by every session that shares them (lines = events in,
   decisions = decision lines queued). */
typedef pal_tally pal_session_counts;

/* Sees each line on the reading thread, before it is decided (eval takes
   the shape of the first line for its hint). */
typedef void (*pal_line_peek_fn)(void *user, const char *line, size_t len, bool toolong);

typedef struct pal_session {
    pal_lines lines;
    pal_outq *out;
    size_t out_limit;                  /* 0: no limit */
    bool replies;
    unsigned long conn;
    unsigned long rotation;            /* a followed file: rotations so far, its decisions' "rotation" */
    pal_session_counts *counts;
    /* settings, after pal_session_init */
    bool only_notable;                 /* decisions with nothing to say are not queued (eval --only-findings) */
    pal_line_peek_fn peek;             /* NULL: none */
    void *peek_user;
    /* internal */
    pal_decider *dec;                  /* during a call */
    bool ignore_limit;                 /* during pal_session_resume(.., true) */
    struct pal_workers *workers;       /* NULL: lines are decided in place */
    struct pal_batch *batch;           /* being filled during a call */
    bool borrowed;                     /* a batch in flight points into the splitter's buffer */
} pal_session;

void pal_session_init(pal_session *s, pal_outq *out, size_t out_limit, bool replies, unsigned long conn,
                      pal_session_counts *counts);
/* Frees what the session holds (on workers, after the batches that point
   into its buffer, if any, are collected). */
void pal_session_free(pal_session *s);
/* From now on the lines go to the workers (a stream, not a request
   session), decided by the program in force there; the decider passed to
   the calls is not used. */
void pal_session_use_workers(pal_session *s, struct pal_workers *w);

/* Where to read the next bytes (pal_lines_space): NULL while the session
   is blocked, or when out of memory. */
char *pal_session_space(pal_session *s, size_t *avail);
/* n bytes were read into the space: decides every line they complete, up
   to the output limit.  Returns true when it stopped there (lines held). */
bool pal_session_commit(pal_session *s, pal_decider *d, size_t n);
/* Decides held lines while the output has room (ignore_limit: all of
   them, at shutdown).  Returns true while lines are still held. */
bool pal_session_resume(pal_session *s, pal_decider *d, bool ignore_limit);
/* End of input: the held lines, then an unfinished last line, which is a
   line too (decided whatever the limit: nothing more will be read). */
void pal_session_finish(pal_session *s, pal_decider *d);
/* The writer will never end the line it began: the held lines are
   decided, then the unfinished one gets an error decision saying why.
   Returns whether there was an unfinished line. */
bool pal_session_cut_short(pal_session *s, pal_decider *d, const char *why);

/* Read nothing now: lines are held, or the output is at its limit. */
bool pal_session_blocked(const pal_session *s);
/* An unfinished line (or held lines) is waiting. */
static inline bool pal_session_partial(const pal_session *s) { return pal_lines_partial(&s->lines); }
static inline bool pal_session_held(const pal_session *s) { return pal_lines_held(&s->lines); }

#endif
