/*
 * rstream.h — events from a Redis stream, read as one consumer of a
 * consumer group, and one decision per entry written to another stream;
 * an entry is acknowledged only once its decision is.  `palisade agent
 * --input redis://... --output redis://...` (issue 17).
 *
 * Clustering is Redis's: any number of agents join one group (XREADGROUP
 * GROUP G C), each entry goes to one of them, and adding an agent adds
 * throughput.  This file is one member.
 *
 * At least once, nothing lost.  An entry read is pending in the group
 * (its PEL) until XACKed, and it is XACKed only after its decision is in
 * the output stream:
 *
 *  - input and output on the same server (and database): the decisions
 *    of a run of entries and their XACK go in one MULTI/EXEC.  A
 *    transaction is applied whole or not at all, so a crash or a lost
 *    connection never leaves a decision written and its entry pending (a
 *    duplicate) or an entry acked with no decision (a loss).  The output
 *    key is checked to be a stream (or absent) when connecting, because
 *    EXEC does not roll back a command that fails when it runs (a
 *    WRONGTYPE XADD), and that is the one way its XACK could go through
 *    alone; errors at queueing time (OOM, a wrong argument) abort the
 *    whole transaction.
 *  - different servers: no transaction spans two servers, so the XADDs
 *    are pipelined on the output's connection and, once their replies
 *    say they were written, the XACK goes on the input's.  A crash
 *    between the two leaves the entry pending: it is decided again
 *    (marked a redelivery), never lost.
 *
 * Recovery.  On every (re)connection this member first re-reads its own
 * pending entries (XREADGROUP ... 0): what it had read and not acked when
 * it died or lost the connection.  Then new entries (>), and every
 * --claim-idle / 2 an XAUTOCLAIM takes over the entries pending on any
 * consumer idle longer than --claim-idle: a dead agent's work is finished
 * by the others.  Entries decided again — re-read, or claimed — carry
 * "redelivered":true in their decision; a consumer of the output that
 * wants exactly once keeps the first decision of each "entry".
 *
 * Connection loss.  Every connection is closed, the decisions not yet
 * committed are dropped (their entries are still pending: they come back
 * with the re-read), the entries still being decided are marked stale
 * and their decisions dropped as they come, and the connections are made
 * again after a backoff (100 ms doubling to 5 s, jittered), counted.
 * Nothing is acked that was not written, so nothing is skipped; an entry
 * is acked at most once per decision written.
 *
 * Back-pressure.  At most max_inflight entries are held between the read
 * and the ack (read, being decided, decided, being committed); past it
 * nothing is read, so a slow output or slow deciding leaves the entries
 * in Redis, not in memory.  A read asks for no more than the room left.
 *
 * Deciding.  The entries' events (the field named by ?field=, default
 * "event") are lines of one pal_session (engine/runtime/session.h) — on
 * the agent's workers when it has them — one line per entry, whatever the
 * value holds (newlines in it are spaces; a missing field or a deleted
 * entry is an empty line, which gets an error decision), so every entry
 * gets exactly one decision, matched to its entry by its "line".
 */
#ifndef PAL_REMOTE_RSTREAM_H
#define PAL_REMOTE_RSTREAM_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include "engine/remote/resp.h"
#include "engine/runtime/session.h"

typedef struct pal_rstream_opts {
    pal_redis_url in, out;
    long long claim_idle_ms;      /* XAUTOCLAIM entries idle this long (0: the default, 30000) */
    unsigned max_inflight;        /* entries between read and ack (0: 4096) */
    unsigned read_count;          /* entries per read at most (0: 512) */
    size_t out_limit;             /* the decisions' queue (0: 4 MiB) */
    long long setup_timeout_ms;   /* name lookup, connect, TLS and the setup replies, in all (0: 10000) */
} pal_rstream_opts;

typedef struct pal_rstream_stats {
    unsigned long long read;          /* entries read (new, re-read and claimed) */
    unsigned long long committed;     /* decisions written and their entries acked */
    unsigned long long redelivered;   /* entries re-read or claimed */
    unsigned long long claimed;       /* of them, taken over from another consumer (or an idle self) */
    unsigned long long reconnects;    /* connection losses */
    unsigned long long attempts;      /* connections begun (every attempt, the first too) */
    unsigned long long dropped;       /* decisions not committed because the connection was lost (redelivered later) */
    unsigned long long errors;        /* error replies (besides a lost connection) */
    bool up;
    unsigned inflight;
} pal_rstream_stats;

typedef struct pal_rstream pal_rstream;

/* counts: the tally the agent's sources share.  NULL with err. */
pal_rstream *pal_rstream_new(const pal_rstream_opts *o, pal_session_counts *counts, char *err, size_t cap);
void pal_rstream_free(pal_rstream *rs);
/* The session the entries are lines of (for pal_session_use_workers). */
pal_session *pal_rstream_session(pal_rstream *rs);

/* The descriptors to poll (at most 3); handle gets the same slice back. */
size_t pal_rstream_pollfds(pal_rstream *rs, struct pollfd *fds, size_t cap);
void pal_rstream_handle(pal_rstream *rs, const struct pollfd *fds, size_t n, pal_decider *d, long long now);
/* Everything that is not waiting for a descriptor: connect when due,
   feed entries read to the session, commit decisions made, read and
   claim when there is room.  Call after the workers' batches were
   collected, and each turn. */
void pal_rstream_step(pal_rstream *rs, pal_decider *d, long long now);
/* Milliseconds until step has something to do without a descriptor
   (0: now; -1: nothing). */
long long pal_rstream_timeout(const pal_rstream *rs, long long now);

/* Shutdown: read and claim nothing more; entries read are still decided
   and committed.  busy: something is still on its way to the output. */
void pal_rstream_stop(pal_rstream *rs);
bool pal_rstream_busy(const pal_rstream *rs);
void pal_rstream_get_stats(const pal_rstream *rs, pal_rstream_stats *st);

/* Without a server, for tests and fuzz_rstream: the reply handling and
   the deciding of its entries, exactly as the loop runs them.
   pal_rstream_test_reply takes reply (a redisReply tree, now the
   member's) as the answer to a read (XREADGROUP ... >), a re-read of its
   own pending entries (XREADGROUP ... 0, while recovering) or a claim
   (XAUTOCLAIM), and returns the phase the member is in after it
   (PAL_RSTREAM_TEST_RECOVER while re-reading, else _READ), or -1 when it
   gave the connections up (an error reply).  pal_rstream_test_feed hands
   the entries taken to the session (decided on d), and _drain takes the
   decisions made, each with its entry id and the value XADD would write,
   the entries leaving as if committed: the count, or -1 when a decision
   matched no entry.  _held: entries taken and not yet drained. */
enum { PAL_RSTREAM_TEST_READ = 0, PAL_RSTREAM_TEST_RECOVER, PAL_RSTREAM_TEST_CLAIM };
int pal_rstream_test_reply(pal_rstream *rs, int kind, void *reply, long long now);
void pal_rstream_test_feed(pal_rstream *rs, pal_decider *d);
long pal_rstream_test_drain(pal_rstream *rs, void (*out)(void *user, const char *entry, const char *value, size_t len),
                            void *user);
size_t pal_rstream_test_held(const pal_rstream *rs);

#endif
