/*
 * workers.c — the parallel deciders (design in workers.h).
 *
 * One mutex guards what the workers and the I/O thread share: the list of
 * batches in flight (head..tail, in submission order; `todo` is the oldest
 * not yet taken), each submitted batch's state, the program in force and
 * each worker's program.  A worker holds the lock only to take a batch and
 * to mark it done; it decides with the lock released, touching nothing
 * but its own decider and the batch it took.  The free list and the
 * in-flight count belong to the I/O thread alone.
 *
 * A batch is marked done by its worker; the one that completes the oldest
 * batch (the head) rings the eventfd, since only then can anything be
 * collected — a batch done ahead of an older one waits, and is collected
 * with it.
 */
#include "engine/runtime/workers.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { LINE_TEXT, LINE_TOOLONG, LINE_ERROR };
enum { B_FREE, B_FILLING, B_QUEUED, B_RUNNING, B_DONE };

typedef struct batch_line {
    const char *s;        /* LINE_TEXT: the line's bytes */
    size_t len;           /* LINE_TEXT: its length; LINE_ERROR: where its reason is in notes */
    long lineno;
    int kind;
    uint64_t event;       /* its "event" (0: none), numbered when it was read */
} batch_line;

struct pal_batch {
    unsigned max_lines;   /* full at this many */
    pal_batch *next;      /* the next in flight (submission order), or in the free list */
    int state;            /* under the lock once submitted */
    const pal_program *prog;
    batch_line *lines;
    size_t n, cap;
    char *in;             /* the input buffer the batch owns (its lines point into it, or into an earlier batch's) */
    size_t incap;
    pal_strbuf notes;     /* the reasons of LINE_ERROR lines, NUL-terminated one after another */
    pal_strbuf out;       /* its decision lines */
    pal_deferred df;      /* its correlations, for the ordered stage (workers.h) */
    pal_tally tally;
    pal_batch_dest dest;
};

typedef struct worker {
    pal_workers *w;
    pthread_t thread;
    bool started;
    pal_decider dec;
    bool have_dec;
    const pal_program *prog;   /* dec's program; written under the lock; NULL: none */
} worker;

struct pal_workers {
    pthread_mutex_t mu;
    pthread_cond_t work;       /* a batch to take, a new program, or stop */
    pthread_cond_t done;       /* the oldest batch is done */
    worker *ws;
    unsigned nthreads;
    pal_decider like;          /* the settings of every worker's decider */
    const pal_program *current;
    pal_batch *head, *tail, *todo;
    bool stop;
    int efd;
    /* the I/O thread's alone */
    pal_batch *free_list;
    unsigned nfree, inflight, slots, batch_lines;
    int nice;                  /* each worker's nice value, or INT_MIN: as it is */
    pal_decider *ordered;      /* the correlations' ordered stage, or NULL (set before any batch) */
    pal_strbuf scratch;        /* where it rewrites a batch's lines */
};

static void ring(pal_workers *w)
{
    uint64_t one = 1;
    ssize_t r;
    do r = write(w->efd, &one, sizeof one); while (r < 0 && errno == EINTR);
    /* EAGAIN: the counter is at its maximum, so it is readable anyway */
}

static void batch_free(pal_batch *b)
{
    if (!b) return;
    free(b->lines);
    free(b->in);
    pal_strbuf_free(&b->notes);
    pal_strbuf_free(&b->out);
    pal_deferred_free(&b->df);
    free(b);
}

/* Decides every line of b with the worker's decider. */
static void decide(worker *me, pal_batch *b)
{
    pal_strbuf_clear(&b->out);
    memset(&b->tally, 0, sizeof b->tally);
    pal_deferred_clear(&b->df);
    if (me->have_dec) me->dec.deferred = me->w->ordered ? &b->df : NULL;
    for (size_t i = 0; i < b->n; i++) {
        const batch_line *L = &b->lines[i];
        pal_decision_ctx c = {L->lineno, b->dest.conn, false, NULL, b->dest.only_notable, b->dest.rotation, L->event};
        pal_verdict v;
        memset(&v, 0, sizeof v);
        v.effect = PE_ALLOW;
        size_t mark = b->out.len;
        int rc;
        if (L->kind == LINE_ERROR || !me->have_dec) {
            c.error = L->kind == LINE_ERROR ? b->notes.s + L->len : "out of memory deciding this event";
            v.input_error = true;
            rc = pal_decision_write(&b->out, b->prog, NULL, &c);
        } else {
            rc = pal_decide_line(&me->dec, L->s, L->len, L->kind == LINE_TOOLONG, c, &b->out, &v);
        }
        bool written = rc == 0;
        if (written && b->dest.only_notable && !pal_verdict_notable(&v) && !v.deferred) {
            pal_strbuf_truncate(&b->out, mark);
            written = false;
        }
        pal_tally_line(&b->tally, rc, &v, written);
    }
}

/* The worker's decider, for program p (called with the lock released). */
static void switch_program(worker *me, const pal_program *p)
{
    pal_workers *w = me->w;
    if (me->have_dec) pal_decider_free(&me->dec);
    me->have_dec = p && pal_decider_init_like(&me->dec, p, &w->like) == 0;
    if (me->have_dec && w->ordered) pal_runtime_defer_correlations(me->dec.rt);
    pthread_mutex_lock(&w->mu);
    me->prog = me->have_dec ? p : NULL;
    pthread_mutex_unlock(&w->mu);
}

static void *worker_main(void *arg)
{
    worker *me = arg;
    pal_workers *w = me->w;
    /* on Linux a thread's nice value is its own; raising it needs no privilege */
    if (w->nice != INT_MIN) (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), w->nice);
    pthread_mutex_lock(&w->mu);
    for (;;) {
        pal_batch *b = w->todo;
        if (b) {
            w->todo = b->next;
            b->state = B_RUNNING;
            const pal_program *p = b->prog;
            bool switch_needed = me->prog != p || !me->have_dec;
            pthread_mutex_unlock(&w->mu);
            if (switch_needed) switch_program(me, p);
            decide(me, b);
            pthread_mutex_lock(&w->mu);
            b->state = B_DONE;
            if (b == w->head) {
                pthread_cond_broadcast(&w->done);
                ring(w);
            }
            continue;
        }
        if (w->stop) break;
        if (me->have_dec && me->prog != w->current) {
            /* idle, with a program no longer in force: let go of it, so it can be freed */
            pthread_mutex_unlock(&w->mu);
            switch_program(me, NULL);
            ring(w);
            pthread_mutex_lock(&w->mu);
            continue;
        }
        pthread_cond_wait(&w->work, &w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    if (me->have_dec) pal_decider_free(&me->dec);
    me->have_dec = false;
    return NULL;
}

pal_workers *pal_workers_new(const pal_workers_opts *o, const pal_decider *like, char *err, size_t errcap)
{
    unsigned nthreads = o->threads, slots = o->slots;
    if (nthreads < 1 || nthreads > PAL_MAX_WORKERS) {
        snprintf(err, errcap, "between 1 and %d worker threads, not %u", PAL_MAX_WORKERS, nthreads);
        return NULL;
    }
    pal_workers *w = calloc(1, sizeof *w);
    if (!w || !(w->ws = calloc(nthreads, sizeof *w->ws))) {
        free(w);
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    w->nthreads = nthreads;
    w->slots = slots ? slots : 4 * nthreads;
    w->batch_lines = o->batch_lines ? o->batch_lines : PAL_BATCH_LINES;
    w->nice = INT_MIN;
    if (o->nice > 0) {
        errno = 0;
        int base = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
        if (errno == 0) w->nice = base + o->nice > 19 ? 19 : base + o->nice;
    }
    pal_strbuf_init(&w->scratch, 0);
    w->like = *like;
    w->like.p = NULL;
    w->like.rt = NULL;
    memset(&w->like.arena, 0, sizeof w->like.arena);
    w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->work, NULL);
    pthread_cond_init(&w->done, &ca);
    pthread_condattr_destroy(&ca);
    if (w->efd < 0) {
        snprintf(err, errcap, "eventfd: %s", strerror(errno));
        pal_workers_free(w);
        return NULL;
    }
    /* the workers block every signal: they go to the I/O thread */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = 0;
    for (unsigned i = 0; i < nthreads && rc == 0; i++) {
        w->ws[i].w = w;
        rc = pthread_create(&w->ws[i].thread, NULL, worker_main, &w->ws[i]);
        w->ws[i].started = rc == 0;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        snprintf(err, errcap, "cannot start %u worker threads: %s", nthreads, strerror(rc));
        pal_workers_free(w);
        return NULL;
    }
    return w;
}

void pal_workers_free(pal_workers *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    /* what was never taken is dropped: the workers stop after their batch */
    w->todo = NULL;
    pthread_cond_broadcast(&w->work);
    pthread_mutex_unlock(&w->mu);
    for (unsigned i = 0; i < w->nthreads; i++)
        if (w->ws[i].started) pthread_join(w->ws[i].thread, NULL);
    for (pal_batch *b = w->head, *next; b; b = next) next = b->next, batch_free(b);
    for (pal_batch *b = w->free_list, *next; b; b = next) next = b->next, batch_free(b);
    if (w->efd >= 0) close(w->efd);
    pal_strbuf_free(&w->scratch);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->work);
    pthread_cond_destroy(&w->done);
    free(w->ws);
    free(w);
}

unsigned pal_workers_threads(const pal_workers *w) { return w->nthreads; }
int pal_workers_fd(const pal_workers *w) { return w->efd; }
unsigned pal_workers_inflight(const pal_workers *w) { return w->inflight; }
bool pal_workers_can_begin(const pal_workers *w) { return w->inflight < w->slots; }

void pal_workers_set_ordered(pal_workers *w, pal_decider *io) { w->ordered = io; }

void pal_workers_set_program(pal_workers *w, const pal_program *p)
{
    pthread_mutex_lock(&w->mu);
    w->current = p;
    pthread_cond_broadcast(&w->work);   /* idle workers let go of the old one */
    pthread_mutex_unlock(&w->mu);
}

bool pal_workers_uses(pal_workers *w, const pal_program *p)
{
    bool used = false;
    pthread_mutex_lock(&w->mu);
    for (unsigned i = 0; i < w->nthreads && !used; i++) used = w->ws[i].prog == p;
    for (const pal_batch *b = w->head; b && !used; b = b->next) used = b->prog == p;
    pthread_mutex_unlock(&w->mu);
    return used;
}

pal_batch *pal_workers_begin(pal_workers *w, bool force)
{
    if (!force && w->inflight >= w->slots) return NULL;
    pal_batch *b = w->free_list;
    if (b) {
        w->free_list = b->next;
        w->nfree--;
    } else {
        if (!(b = calloc(1, sizeof *b))) return NULL;
        pal_strbuf_init(&b->notes, 0);
        pal_strbuf_init(&b->out, 0);
        pal_deferred_init(&b->df);
    }
    b->next = NULL;
    b->max_lines = w->batch_lines;
    b->state = B_FILLING;
    b->n = 0;
    pal_strbuf_clear(&b->notes);
    w->inflight++;
    return b;
}

static int grow_lines(pal_batch *b)
{
    if (b->n < b->cap) return 0;
    size_t cap = b->cap ? b->cap * 2 : 256;
    batch_line *nl = realloc(b->lines, cap * sizeof *nl);
    if (!nl) return -1;
    b->lines = nl;
    b->cap = cap;
    return 0;
}

int pal_batch_add(pal_batch *b, const char *line, size_t len, bool toolong, long lineno, uint64_t event)
{
    if (grow_lines(b) != 0) return -1;
    b->lines[b->n++] = (batch_line){toolong ? NULL : line, toolong ? 0 : len, lineno, toolong ? LINE_TOOLONG : LINE_TEXT,
                                    event};
    return 0;
}

int pal_batch_add_error(pal_batch *b, long lineno, const char *why)
{
    size_t off = b->notes.len;
    if (grow_lines(b) != 0 || pal_strbuf_append(&b->notes, why, strlen(why) + 1) != 0) {
        pal_strbuf_truncate(&b->notes, off);
        b->notes.failed = false;
        return -1;
    }
    b->lines[b->n++] = (batch_line){NULL, off, lineno, LINE_ERROR, 0};
    return 0;
}

size_t pal_batch_size(const pal_batch *b) { return b->n; }
bool pal_batch_full(const pal_batch *b) { return b->n >= b->max_lines; }

int pal_batch_take_buffer(pal_batch *b, pal_lines *l)
{
    return pal_lines_swap_buffer(l, &b->in, &b->incap);
}

void pal_workers_submit(pal_workers *w, pal_batch *b, const pal_batch_dest *dest)
{
    b->dest = *dest;
    b->next = NULL;
    pthread_mutex_lock(&w->mu);
    b->prog = w->current;
    b->state = B_QUEUED;
    if (w->tail) w->tail->next = b;
    else w->head = b;
    w->tail = b;
    if (!w->todo) w->todo = b;
    pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->mu);
}

/* Back to the free list; beyond what the bound can use, freed. */
static void recycle(pal_workers *w, pal_batch *b)
{
    w->inflight--;
    if (w->nfree >= w->slots) {
        batch_free(b);
        return;
    }
    b->state = B_FREE;
    b->next = w->free_list;
    w->free_list = b;
    w->nfree++;
}

void pal_workers_cancel(pal_workers *w, pal_batch *b)
{
    recycle(w, b);
}

unsigned pal_workers_collect(pal_workers *w)
{
    uint64_t v;
    while (read(w->efd, &v, sizeof v) < 0 && errno == EINTR) {}
    pthread_mutex_lock(&w->mu);
    pal_batch *first = w->head, *last = NULL;
    for (pal_batch *b = w->head; b && b->state == B_DONE; b = b->next) last = b;
    if (last) {
        w->head = last->next;
        if (!w->head) w->tail = NULL;
        last->next = NULL;
    }
    pthread_mutex_unlock(&w->mu);
    if (!last) return 0;
    unsigned n = 0;
    for (pal_batch *b = first, *next; b; b = next, n++) {
        next = b->next;
        if (w->ordered && pal_decider_settle(w->ordered, b->prog, &b->df, &b->out, &w->scratch, &b->tally,
                                             b->dest.only_notable) != 0)
            b->tally.write_errors++;   /* out of memory: a chain may be missing from its line */
        if (b->out.len && pal_strbuf_append(b->dest.out, b->out.s, b->out.len) != 0) {
            b->dest.out->failed = false;   /* the lines already there stand */
            b->tally.write_errors += b->tally.decisions;
            b->tally.decisions = 0;
        }
        pal_tally_add(b->dest.tally, &b->tally);
        recycle(w, b);
    }
    return n;
}

unsigned pal_workers_wait(pal_workers *w, int timeout_ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    if (timeout_ms > 0) {
        until.tv_sec += timeout_ms / 1000;
        until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&w->mu);
    while (w->head && w->head->state != B_DONE && timeout_ms != 0) {
        if (timeout_ms < 0) pthread_cond_wait(&w->done, &w->mu);
        else if (pthread_cond_timedwait(&w->done, &w->mu, &until) == ETIMEDOUT) break;
    }
    pthread_mutex_unlock(&w->mu);
    return pal_workers_collect(w);
}

void pal_workers_finish(pal_workers *w)
{
    for (;;) {
        pthread_mutex_lock(&w->mu);
        bool any = w->head != NULL;
        pthread_mutex_unlock(&w->mu);
        if (!any) return;
        pal_workers_wait(w, -1);
    }
}
