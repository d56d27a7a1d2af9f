/*
 * cmd_agent.c — `palisade agent`: decide a live event stream, reloading the
 * rules as they change, without losing an event.
 *
 * Design.  One I/O thread, one poll() loop, every descriptor in it:
 * signals (signalfd), inotify, the reload child's pipe, standard input or
 * a followed file, the two listening sockets and their connections, and
 * the workers' eventfd.  All the agent's state is this thread's; the
 * workers (engine/runtime/workers.h, --threads N, default the cores) only
 * decide, and share nothing with it but the batches they are handed and
 * the read-only program:
 *
 *  - One event in, one decision out.  Every source is a session
 *    (engine/runtime/session.h: a line splitter and a decider).  A
 *    stream source's lines (standard input, --follow, --listen) go to the
 *    workers in batches — the lines of one read, at most PAL_BATCH_LINES,
 *    pointing into the read's buffer, which goes with them — and the
 *    decisions come back through the eventfd and are collected in
 *    submission order into the stream queue: per source, in input order,
 *    the same bytes as --threads 1 writes.  A decision socket request is
 *    decided here, on the I/O thread, the moment its line completes, by
 *    this thread's own decider: an answer never waits behind the stream,
 *    and the workers run AGENT_WORKER_NICE nicer so that this thread gets
 *    a core when a request comes.  With --threads 1 there are no workers
 *    and every line is decided here, as it completes.
 *  - Atomic reloads.  A new program is built by a child process
 *    (cli/agent_reload.c), verified here, and swapped in between two
 *    lines here, and for the workers between two batches (a batch carries
 *    the program in force when it was submitted; every decision names
 *    the revision that made it).  The old program is freed once no batch
 *    carries it and no worker holds it.  A failed build or verification
 *    leaves the running program as it is; failures are reported on stderr
 *    and counted.
 *  - Bounded.  A connection holds at most one unfinished line
 *    (PAL_MAX_EVENT_LINE) plus one read, and AGENT_MAX_REPLY_BACKLOG of
 *    unsent replies (checked after every line: past it the lines already
 *    read wait, undecided, and nothing more is read); the stream sources
 *    share AGENT_MAX_STREAM_BACKLOG, checked before each read, plus what
 *    the batches in flight bring: at most 4 per worker (then the stream
 *    sources read nothing until one is collected).  At most
 *    AGENT_MAX_CONNECTIONS are open and none holds a slot for nothing: a
 *    line begun must end and replies must be taken within
 *    --request-timeout, a silent connection closes after --idle-timeout,
 *    and at the limit the longest-idle one gives way (else a decision
 *    client gets an error reply at once, a writer waits in the listen
 *    backlog).  Each ready descriptor gets one read per turn, so one busy
 *    writer cannot starve the others or the decision socket.
 *  - Shutdown (SIGTERM, SIGINT, or the end of standard input when it is
 *    the only source): stop accepting connections and reading new lines;
 *    a line already begun is read to its newline (one byte at a time, so
 *    not one byte more is taken) for up to --shutdown-grace (default
 *    AGENT_SHUTDOWN_GRACE_MS), then
 *    any line still unfinished gets an error decision; replies are
 *    flushed, the stats line is printed, exit 0.
 *
 * Stream decisions (standard input, --follow, --listen) go to standard
 * output or --output, written once per turn of the loop and never waited
 * for: a consumer that stops reading pauses the stream sources (past
 * AGENT_MAX_STREAM_BACKLOG), not the decision socket.  A
 * decision from a --listen connection carries "conn":N, the connection's
 * serial number, since its "line" counts that connection's lines.  The
 * decision socket answers each request line with its decision line on the
 * same connection, in order, and writes nothing to the stream.
 *
 * Learning mode (--learn DIR, issue 6) plugs in through
 * agent_decided_hook: every decoded event of an image being learned
 * (--learn-image GLOB, default all) feeds a lang/tools/learn.h model and is not
 * enforced — its decision line says allow and "learning":true.  The model
 * is written as DIR/learned.pal, merged into what is there, on SIGUSR2 and
 * at exit: the review-and-commit ("copy into rule") step.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/agent.h"
#include "engine/base/fileio.h"
#include "engine/base/lines.h"
#include "engine/base/strbuf.h"
#include "engine/runtime/decider.h"
#include "engine/runtime/session.h"
#include "engine/runtime/workers.h"
#include "engine/runtime/seq.h"
#include "engine/remote/fetch.h"
#include "engine/remote/rstream.h"
#include "cli/policy.h"
#include "engine/base/limits.h"
#include "engine/core/match.h"
#include "lang/tools/learn.h"

/* The learning hook: set by --learn DIR; it applies to every program the
   agent loads. */
pal_decided_fn agent_decided_hook = NULL;
void *agent_decided_hook_user = NULL;

typedef struct agent_learning {
    pthread_mutex_t lock;     /* the hook runs on the worker threads */
    pal_learn *model;
    const char *dir;
    const char *image_glob;   /* NULL: every image */
    int image_field;          /* container.image.name */
} agent_learning;

/* An event of an image being learned is learned and not enforced. */
static bool learn_hook(void *user, const pal_program *p, const pal_event *ev, const pal_decision *d)
{
    (void)p; (void)d;
    agent_learning *L = user;
    if (L->image_field < 0) return false;
    const pal_value *v = pal_record_ref(&ev->rec, (uint32_t)L->image_field);
    if (v->tag != PV_STR || v->len == 0) return false;
    if (L->image_glob && !pal_glob_match(L->image_glob, strlen(L->image_glob), v->u.s, v->len, false, false))
        return false;
    pthread_mutex_lock(&L->lock);
    int rc = pal_learn_event(L->model, ev);
    pthread_mutex_unlock(&L->lock);
    if (rc != 0) fprintf(stderr, "palisade agent: learning: out of memory; this event was not learned\n");
    return true;
}

static void learn_write(agent_learning *L, const char *why)
{
    if (!L->model) return;
    char err[1024];
    pal_learn_stats st;
    pthread_mutex_lock(&L->lock);
    pal_learn_get_stats(L->model, &st);
    fprintf(stderr, "palisade agent: %s: writing what was learned (%lu events, %u images) to %s\n", why,
            st.learned, st.images, L->dir);
    int rc = cli_learn_write("agent", L->model, L->dir, err, sizeof err);
    pthread_mutex_unlock(&L->lock);
    if (rc != 0) fprintf(stderr, "palisade agent: learning: %s\n", err);
}

static agent_learning learning = {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, NULL, -1};

enum { CONN_LISTEN = 1, CONN_DECISION };
enum { OUT_FLUSH_BYTES = 65536, FOLLOW_CHECK_MS = 250, DEFAULT_RELOAD_DELAY_MS = 200, STREAM_READ_BYTES = 65536 };

typedef struct conn {
    int fd;
    int kind;
    unsigned long serial;
    pal_session s;               /* its lines; decisions to out (decision socket) or to the stream */
    pal_outq out;                /* decision connections: replies not yet sent */
    bool read_done;              /* no more requests/events will be read */
    long long last_active_ms;    /* last byte read or sent (or the accept) */
    long long line_started_ms;   /* when the unfinished line began, or the agent got to it (0: none) */
    long clock_lineno;           /* lines completed when line_started_ms was set */
    long long out_waiting_ms;    /* since when replies wait without a byte taken (0: none) */
} conn;

typedef struct follower {
    const char *path;
    int fd;
    dev_t dev;
    ino_t ino;
    off_t off;
    pal_session s;
    bool at_eof;
    bool read_done;
    long long next_check_ms;
} follower;

typedef struct agent {
    /* options */
    const char *policy_path, *follow_path, *listen_path, *decision_path, *output_path;
    const char *state_path;    /* --state: correlation state kept across restarts (NULL: none) */
    pal_seq_limits seq_limits; /* --state-max, --state-max-rule (0: the defaults) */
    pal_input_format fmt;
    pal_decode_opts dopts;     /* --volume-map */
    bool have_dopts;
    int reload_delay_ms;
    int idle_timeout_ms, request_timeout_ms;   /* 0: never */
    bool from_start;
    const char *input_url;       /* --input redis://...: a consumer group's member */
    pal_rstream_opts ropts;
    pal_rstream *rs;
    pal_fetch_opts fopts;        /* --bundle-url: rules from a bundle server */
    pal_fetcher *fetcher;

    /* rules */
    agent_policy pol;
    pal_program *prog;
    pal_decider *dec;            /* this thread's: the decision socket, and every source without workers */
    unsigned threads;            /* --threads */
    pal_workers *workers;        /* the stream sources' deciders (NULL: --threads 1) */
    pal_program **retired;       /* replaced programs the workers may still be using */
    size_t nretired;
    pal_pubkey trusted;
    bool have_trusted;

    /* descriptors */
    int sig_fd, inotify_fd, listen_fd, decision_fd;
    bool use_stdin, stdin_done;
    pal_session stdin_s;
    follower fol;
    conn *conns[AGENT_MAX_CONNECTIONS];
    size_t nconns;
    unsigned long next_serial;
    bool conn_limit_reported;

    /* output */
    int out_fd;
    int out_wfd;                 /* where stream decisions are written: out_fd, or a non-blocking twin of it */
    bool out_socket;             /* out_fd is a socket: sent with MSG_DONTWAIT */
    pal_outq stream;             /* stream decisions not yet written */
    bool out_error_reported;

    /* reloads */
    long long reload_due_ms, first_change_ms;
    bool reload_again;           /* a change or SIGHUP came while a child was building */

    /* shutdown */
    bool stopping;
    long long stop_deadline_ms;
    int shutdown_grace_ms;       /* --shutdown-grace */
    bool rs_given_up;            /* the grace is over: what the consumer group holds stays pending in Redis */

    pal_session_counts counts;   /* lines in, decisions out, input errors: every session adds to it */
    unsigned long long io_errors, reloads_ok, reloads_failed, replies_dropped, cut_short;
    unsigned long long timed_out, evicted, refused;   /* connections closed by a timeout, to make room, at the limit */
} agent;

static const char *revision(const agent *a)
{
    return pal_program_str(a->prog, a->prog->revision);
}

static void print_stats(const agent *a, const char *when)
{
    char redis[1024] = "";
    if (a->rs) {
        pal_rstream_stats st;
        pal_rstream_get_stats(a->rs, &st);
        snprintf(redis, sizeof redis, " redis_up=%d redis_read=%llu redis_committed=%llu redis_redelivered=%llu "
                 "redis_claimed=%llu redis_reconnects=%llu redis_connect_attempts=%llu redis_dropped=%llu redis_errors=%llu redis_inflight=%u",
                 st.up, st.read, st.committed, st.redelivered, st.claimed, st.reconnects, st.attempts, st.dropped, st.errors, st.inflight);
    }
    if (a->fetcher) {
        pal_fetch_stats fs;
        pal_fetcher_get_stats(a->fetcher, &fs);
        char when[40] = "never";
        if (fs.last_check_ms) {
            time_t t = (time_t)(fs.last_check_ms / 1000);
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        }
        size_t used = strlen(redis);
        snprintf(redis + used, sizeof redis - used, " bundle_checked=%s bundle_checks=%llu bundle_not_modified=%llu "
                 "bundle_downloads=%llu bundle_taken=%llu bundle_refused=%llu bundle_refused_unchanged=%llu bundle_failed=%llu",
                 when, fs.checks, fs.not_modified, fs.downloads, fs.taken, fs.refused, fs.refused_unchanged, fs.failed);
    }
    /* the correlation state (sequences, counting rules): every eviction
       is counted here as well as in the summary at exit */
    char corr[400] = "";
    const pal_seqstate *ss = a->dec ? pal_runtime_seqstate(a->dec->rt) : NULL;
    if (ss) {
        pal_seq_stats cs;
        pal_seqstate_stats(ss, &cs);
        snprintf(corr, sizeof corr, " correlations_matched=%llu correlations_live=%llu correlations_bytes=%llu "
                 "correlations_evicted_rule=%llu correlations_evicted_global=%llu correlations_expired=%llu "
                 "correlations_late=%llu", (unsigned long long)cs.completed, (unsigned long long)cs.live,
                 (unsigned long long)cs.bytes, (unsigned long long)cs.evicted_rule,
                 (unsigned long long)cs.evicted_total, (unsigned long long)cs.expired, (unsigned long long)cs.late);
    }
    fprintf(stderr, "palisade agent: stats%s: events_in=%llu decisions_out=%llu errors=%llu reloads_ok=%llu "
            "reloads_failed=%llu revision=%s connections=%zu replies_dropped=%llu timed_out=%llu evicted=%llu "
            "refused=%llu%s%s\n", when, a->counts.lines, a->counts.decisions,
            a->counts.input_errors + a->counts.write_errors + a->io_errors, a->reloads_ok, a->reloads_failed,
            revision(a), a->nconns, a->replies_dropped, a->timed_out, a->evicted, a->refused, corr, redis);
}

/* ---- output ---- */

/* Writing the stream never stops the loop.  A pipe or FIFO (the usual
   consumer) is written through a non-blocking descriptor of its own —
   for standard output a second opening of the same pipe, so the flags of
   a descriptor shared with other processes are left alone — and a socket
   with MSG_DONTWAIT: what does not fit now waits in the stream queue,
   whose bound (AGENT_MAX_STREAM_BACKLOG) pauses the stream sources, while
   the decision socket goes on being served.  A regular file or a terminal
   is written as it is. */
static void output_mode(agent *a)
{
    if (a->out_wfd >= 0 && a->out_wfd != a->out_fd) close(a->out_wfd);
    a->out_wfd = a->out_fd;
    a->out_socket = false;
    struct stat st;
    if (fstat(a->out_fd, &st) != 0) return;
    if (S_ISSOCK(st.st_mode)) {
        a->out_socket = true;
    } else if (S_ISFIFO(st.st_mode)) {
        if (a->out_fd > STDERR_FILENO) {   /* our own --output FIFO */
            fcntl(a->out_fd, F_SETFL, fcntl(a->out_fd, F_GETFL) | O_NONBLOCK);
            return;
        }
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", a->out_fd);
        int fd = open(proc, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0) a->out_wfd = fd;
    }
}

/* Writes what the stream queue holds: what fits now, or (wait) all of it. */
static void flush_output(agent *a, bool wait)
{
    while (pal_outq_pending(&a->stream)) {
        const char *p = pal_outq_data(&a->stream);
        size_t len = pal_outq_pending(&a->stream);
        ssize_t n = a->out_socket ? send(a->out_wfd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL) : write(a->out_wfd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!wait) return;
            struct pollfd pf = {a->out_wfd, POLLOUT, 0};
            poll(&pf, 1, 1000);
            continue;
        }
        if (n <= 0) {
            a->io_errors++;
            if (!a->out_error_reported)
                fprintf(stderr, "palisade agent: cannot write decisions to %s: %s; they are lost until it is writable\n",
                        a->output_path ? a->output_path : "standard output", strerror(errno));
            a->out_error_reported = true;
            pal_outq_sent(&a->stream, len);
            return;
        }
        a->out_error_reported = false;
        pal_outq_sent(&a->stream, (size_t)n);
    }
}

static int open_output(agent *a, char *err, size_t cap)
{
    if (!a->output_path) { a->out_fd = STDOUT_FILENO; output_mode(a); return 0; }
    int fd = open(a->output_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, cap, "--output %s: %s", a->output_path, strerror(errno));
        return -1;
    }
    if (a->out_wfd >= 0 && a->out_wfd != a->out_fd) close(a->out_wfd);
    a->out_wfd = -1;
    if (a->out_fd > STDERR_FILENO) close(a->out_fd);
    a->out_fd = fd;
    output_mode(a);
    return 0;
}

/* A stream source: large reads, and its lines decided on the workers. */
static void stream_session(agent *a, pal_session *s)
{
    s->lines.read_size = STREAM_READ_BYTES;
    if (a->workers) pal_session_use_workers(s, a->workers);
}

/* The programs replaced by reloads that no worker uses any more are freed. */
static void free_retired(agent *a)
{
    size_t k = 0;
    for (size_t i = 0; i < a->nretired; i++) {
        if (a->workers && pal_workers_uses(a->workers, a->retired[i])) a->retired[k++] = a->retired[i];
        else pal_program_free(a->retired[i]);
    }
    a->nretired = k;
}

/* Decisions the workers have made go to their queues, in order. */
static void collect(agent *a)
{
    if (!a->workers) return;
    pal_workers_collect(a->workers);
    if (a->nretired) free_retired(a);
}

/* A line begun but never ended (the writer stopped mid-line at shutdown). */
static void cut_short(agent *a, pal_session *s)
{
    if (pal_session_cut_short(s, a->dec, "line cut short: the agent stopped before its newline arrived")) a->cut_short++;
}

/* Reads from fd into a session, which decides every line completed (the
   moment it completes, by the program in force).  At shutdown only the
   unfinished line is read, one byte at a time, so nothing past its newline
   is taken.  Never called while the session holds lines.  Returns the
   read's result: >0 bytes, 0 end, -1 nothing now (EAGAIN) or an error. */
static ssize_t read_lines(agent *a, pal_session *s, int fd, bool blocking_fd)
{
    size_t avail;
    char *space = pal_session_space(s, &avail);
    if (!space) {
        if (pal_session_blocked(s)) { errno = EAGAIN; return -1; }
        a->io_errors++;
        errno = ENOMEM;
        return -1;
    }
    if (a->stopping) {
        ssize_t total = 0;
        while (pal_session_partial(s) && !pal_session_blocked(s)) {
            ssize_t n = read(fd, space, 1);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return total ? total : n;
            total++;
            pal_session_commit(s, a->dec, 1);
            if (blocking_fd) break;   /* one byte per poll: the next read might block */
            if (!(space = pal_session_space(s, &avail))) {
                if (!pal_session_blocked(s)) a->io_errors++;
                break;
            }
        }
        return total;
    }
    ssize_t n;
    do n = read(fd, space, avail); while (n < 0 && errno == EINTR);
    if (n > 0) pal_session_commit(s, a->dec, (size_t)n);
    if (pal_outq_pending(&a->stream) >= OUT_FLUSH_BYTES) flush_output(a, false);
    return n;
}

/* The clock of --request-timeout for an unfinished line: from the read
   that began it, or from when the lines held before it were decided (the
   wait for the agent's own output is not the writer's). */
static void line_clock(conn *c, long long now)
{
    if (!pal_session_partial(&c->s)) {
        c->line_started_ms = 0;
    } else if (!c->line_started_ms || c->s.lines.lineno != c->clock_lineno) {
        c->line_started_ms = now;
        c->clock_lineno = c->s.lines.lineno;
    }
}

/* Lines held behind a full output queue are decided once it has room.
   At shutdown a source whose lines are all decided is done. */
static void resume_sources(agent *a, long long now)
{
    if (a->use_stdin && !a->stdin_done) {
        pal_session_resume(&a->stdin_s, a->dec, false);
        if (a->stopping && !pal_session_partial(&a->stdin_s)) a->stdin_done = true;
    }
    if (a->follow_path && !a->fol.read_done) {
        pal_session_resume(&a->fol.s, a->dec, false);
        if (a->stopping && !pal_session_partial(&a->fol.s)) a->fol.read_done = true;
    }
    for (size_t i = 0; i < a->nconns; i++) {
        conn *c = a->conns[i];
        if (c->read_done) continue;
        pal_session_resume(&c->s, a->dec, false);
        line_clock(c, now);
        if (a->stopping && !pal_session_partial(&c->s)) c->read_done = true;
    }
}

/* A stream source waits for room in the stream queue (written each turn). */
static bool stream_held(const agent *a)
{
    if (a->workers && !pal_workers_can_begin(a->workers)) return false;   /* they wait for a batch to be collected */
    if (a->use_stdin && !a->stdin_done && pal_session_held(&a->stdin_s)) return true;
    if (a->follow_path && !a->fol.read_done && pal_session_held(&a->fol.s)) return true;
    for (size_t i = 0; i < a->nconns; i++)
        if (a->conns[i]->kind != CONN_DECISION && pal_session_held(&a->conns[i]->s)) return true;
    return false;
}

/* ---- connections ---- */

static void close_conn(agent *a, size_t i)
{
    conn *c = a->conns[i];
    if (c->kind == CONN_DECISION) a->replies_dropped += pal_outq_lines(&c->out);
    close(c->fd);
    pal_session_free(&c->s);
    pal_outq_free(&c->out);
    free(c);
    a->conns[i] = a->conns[--a->nconns];
}

/* Nothing in flight: no unfinished or held line, no unsent reply. */
static bool conn_quiet(const conn *c)
{
    return !pal_session_partial(&c->s) && !pal_outq_pending(&c->out);
}

/* The connection that gives way when every slot is taken: the one idle
   longest, if it has been idle AGENT_EVICT_MIN_IDLE_MS and has nothing in
   flight, not even unread bytes.  -1 if none; *next_ms (when not NULL)
   gets the time one will be, or 0. */
static int eviction_candidate(agent *a, long long now, long long *next_ms)
{
    if (next_ms) *next_ms = 0;
    for (;;) {
        int best = -1;
        for (size_t i = 0; i < a->nconns; i++) {
            const conn *c = a->conns[i];
            if (!conn_quiet(c) || c->read_done) continue;
            if (best < 0 || c->last_active_ms < a->conns[best]->last_active_ms) best = (int)i;
        }
        if (best < 0) return -1;
        conn *c = a->conns[best];
        if (now - c->last_active_ms < AGENT_EVICT_MIN_IDLE_MS) {
            if (next_ms) *next_ms = c->last_active_ms + AGENT_EVICT_MIN_IDLE_MS;
            return -1;
        }
        char b;
        ssize_t n = recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n <= 0) return best;      /* nothing unread (or the peer is gone) */
        c->last_active_ms = now;       /* bytes wait to be read: not idle after all */
    }
}

/* Every slot is taken and nobody gives way: a decision client is told so
   (an error reply without "line") instead of waiting in the backlog. */
static void refuse(agent *a, int fd)
{
    pal_strbuf b;
    pal_strbuf_init(&b, 0);
    char why[160];
    snprintf(why, sizeof why, "the agent has %u connections open, its limit, and none is idle; try again",
             AGENT_MAX_CONNECTIONS);
    pal_decision_ctx dc = {-1, 0, false, why, false, 0, 0};
    if (pal_decision_write(&b, a->prog, NULL, &dc) == 0) send(fd, b.s, b.len, MSG_NOSIGNAL | MSG_DONTWAIT);
    pal_strbuf_free(&b);
    close(fd);
    a->refused++;
}

/* Accepts what waits.  At the limit the longest-idle connection gives way;
   if none may, a decision client is refused with a reply, and a --listen
   writer waits in the backlog (refusing it would lose the events it has
   already written). */
static void accept_conns(agent *a, int lfd, int kind, long long now)
{
    /* a bounded batch per turn: a flood of connects cannot keep the loop here */
    for (int batch = 0; batch < 64; batch++) {
        if (a->nconns >= AGENT_MAX_CONNECTIONS && kind == CONN_LISTEN && eviction_candidate(a, now, NULL) < 0) break;
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED) {
                a->io_errors++;
                fprintf(stderr, "palisade agent: accept: %s\n", strerror(errno));
            }
            return;
        }
        if (a->nconns >= AGENT_MAX_CONNECTIONS) {
            int v = eviction_candidate(a, now, NULL);
            if (v < 0) {
                if (!a->conn_limit_reported)
                    fprintf(stderr, "palisade agent: %u connections open, the limit, none idle; refusing new decision "
                            "clients until one closes or times out\n", AGENT_MAX_CONNECTIONS);
                a->conn_limit_reported = true;
                refuse(a, fd);
                continue;
            }
            close_conn(a, (size_t)v);
            a->evicted++;
        }
        conn *c = calloc(1, sizeof *c);
        if (!c) { close(fd); a->io_errors++; return; }
        c->fd = fd;
        c->kind = kind;
        c->serial = ++a->next_serial;
        c->last_active_ms = now;
        if (kind == CONN_DECISION) pal_session_init(&c->s, &c->out, AGENT_MAX_REPLY_BACKLOG, true, 0, &a->counts);
        else {
            pal_session_init(&c->s, &a->stream, AGENT_MAX_STREAM_BACKLOG, false, c->serial, &a->counts);
            stream_session(a, &c->s);
        }
        a->conns[a->nconns++] = c;
    }
    if (a->nconns >= AGENT_MAX_CONNECTIONS && !a->conn_limit_reported) {
        fprintf(stderr, "palisade agent: %u connections open, the limit; new writers wait until one closes or is idle\n",
                AGENT_MAX_CONNECTIONS);
        a->conn_limit_reported = true;
    }
}

/* Sends what a decision connection has pending.  Returns -1 if the peer is gone. */
static int send_replies(agent *a, conn *c, long long now)
{
    (void)a;
    int rc = 0;
    while (pal_outq_pending(&c->out)) {
        ssize_t n = send(c->fd, pal_outq_data(&c->out), pal_outq_pending(&c->out), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (n <= 0) { rc = -1; break; }
        pal_outq_sent(&c->out, (size_t)n);   /* a client that reads a little behind never makes it grow */
        c->last_active_ms = now;
        c->out_waiting_ms = 0;
    }
    /* the clock of --request-timeout for replies: from when they began to wait */
    if (pal_outq_pending(&c->out) && !c->out_waiting_ms) c->out_waiting_ms = now;
    return rc;
}

static void service_conn(agent *a, size_t i, short revents, long long now)
{
    conn *c = a->conns[i];
    if (c->kind == CONN_DECISION) {
        if (send_replies(a, c, now) != 0) { close_conn(a, i); return; }
        if (!c->read_done) pal_session_resume(&c->s, a->dec, false);   /* room for held requests' replies */
        line_clock(c, now);
    }
    if ((revents & (POLLIN | POLLHUP | POLLERR)) && !c->read_done && !pal_session_blocked(&c->s)) {
        ssize_t n = read_lines(a, &c->s, c->fd, false);
        if (n > 0) c->last_active_ms = now;
        line_clock(c, now);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
            pal_session_finish(&c->s, a->dec);   /* a last line without newline is a line */
            c->read_done = true;
        } else if (a->stopping && !pal_session_partial(&c->s)) {
            c->read_done = true;
        }
    }
    if (c->kind == CONN_DECISION && send_replies(a, c, now) != 0) {
        close_conn(a, i);
        return;
    }
    if (c->read_done && !pal_outq_pending(&c->out)) close_conn(a, i);
}

/* When a connection's timeout falls due (LLONG_MAX: none): an unfinished
   line must end within --request-timeout, waiting replies must move
   within it, and a quiet connection closes after --idle-timeout. */
static long long conn_expiry(const agent *a, const conn *c, int *why)
{
    long long at = LLONG_MAX;
    *why = 0;
    if (a->request_timeout_ms && c->line_started_ms && pal_session_partial(&c->s) && !pal_session_held(&c->s)) {
        at = c->line_started_ms + a->request_timeout_ms;
        *why = 1;
    }
    if (a->request_timeout_ms && c->out_waiting_ms && pal_outq_pending(&c->out) &&
        c->out_waiting_ms + a->request_timeout_ms < at) {
        at = c->out_waiting_ms + a->request_timeout_ms;
        *why = 2;
    }
    if (a->idle_timeout_ms && !c->read_done && conn_quiet(c) && c->last_active_ms + a->idle_timeout_ms < at) {
        at = c->last_active_ms + a->idle_timeout_ms;
        *why = 3;
    }
    return at;
}

static long long next_expiry(const agent *a)
{
    long long at = LLONG_MAX;
    int why;
    for (size_t i = 0; i < a->nconns; i++) {
        long long t = conn_expiry(a, a->conns[i], &why);
        if (t < at) at = t;
    }
    return at;
}

static void expire_conns(agent *a, long long now)
{
    for (size_t k = a->nconns; k-- > 0;) {
        conn *c = a->conns[k];
        int why;
        if (conn_expiry(a, c, &why) > now) continue;
        if (why == 3) {
            /* bytes that came after this turn's poll are not read yet: the peer is not idle, and closing
               now would drop them (the next turn reads them) */
            char b;
            if (recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) > 0) { c->last_active_ms = now; continue; }
        }
        if (why == 1) {
            /* the line gets its answer (an error), then the connection closes */
            char msg[200];
            snprintf(msg, sizeof msg, "line not finished within %d ms (--request-timeout); the connection is closed",
                     a->request_timeout_ms);
            if (pal_session_cut_short(&c->s, a->dec, msg)) a->cut_short++;
            if (c->kind == CONN_DECISION) send_replies(a, c, now);
        }
        a->timed_out++;
        close_conn(a, k);
    }
}

/* ---- listening sockets ---- */

static int listen_unix(const char *path, char *err, size_t cap)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa.sun_path) {
        snprintf(err, cap, "%s: a unix socket path may be at most %zu bytes", path, sizeof sa.sun_path - 1);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path));
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            snprintf(err, cap, "%s exists and is not a socket; remove it or choose another path", path);
            return -1;
        }
        /* a socket file: stale if nobody answers on it */
        int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
            close(probe);
            snprintf(err, cap, "%s: another process is listening on it (another agent?)", path);
            return -1;
        }
        if (probe >= 0) close(probe);
        unlink(path);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) { snprintf(err, cap, "%s: socket: %s", path, strerror(errno)); return -1; }
    /* Bound under a temporary name and renamed into place once listening, so
       the socket file appearing means the agent accepts: a client (or a
       script waiting for the file) never meets a bound socket that refuses
       connections because listen() has not run yet. Where the temporary name
       would not fit sun_path, the path is bound directly. */
    struct sockaddr_un tmp = sa;
    int n = snprintf(tmp.sun_path, sizeof tmp.sun_path, "%s.%ld~", path, (long)getpid());
    bool staged = n > 0 && (size_t)n < sizeof tmp.sun_path;
    if (!staged) tmp = sa;
    else unlink(tmp.sun_path);
    mode_t old = umask(0177);   /* the socket file is created 0600: only this user may write events or ask */
    int rc = bind(fd, (struct sockaddr *)&tmp, sizeof tmp);
    umask(old);
    if (rc != 0 || listen(fd, 128) != 0 || (staged && rename(tmp.sun_path, path) != 0)) {
        snprintf(err, cap, "%s: cannot listen: %s", path, strerror(errno));
        if (rc == 0) unlink(tmp.sun_path);
        close(fd);
        return -1;
    }
    return fd;
}

/* ---- the followed file (tail -F) ---- */

static void follow_open(agent *a, bool at_start)
{
    follower *f = &a->fol;
    int fd = open(f->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;   /* not there (yet): looked for again on the next change or tick */
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return;
    }
    f->fd = fd;
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    f->off = at_start ? 0 : lseek(fd, 0, SEEK_END);
    if (f->off < 0) f->off = 0;
    f->at_eof = false;
    /* From the end, "line" counts the lines after the start position from
       1, as tail -F shows them: counting the lines before would read the
       whole file at start (minutes on a multi-GB log).  The start message
       says so, with the byte the count starts at. */
    f->s.lines.lineno = 0;
    if (!at_start && f->off > 0)
        fprintf(stderr, "palisade agent: %s is followed from its end (byte %lld): decisions' \"line\" counts "
                "the lines after it from 1, not the file's lines (--from-start reads and numbers the whole file)\n",
                f->path, (long long)f->off);
}

/* The followed path names a new file (rotated) or the file starts again
   (truncated): its lines are numbered from 1, and its decisions say which
   file they are of with "rotation" (as tail -F says it follows a new file). */
static void follow_next_file(agent *a, const char *what)
{
    follower *f = &a->fol;
    f->s.rotation++;
    f->s.lines.lineno = 0;
    fprintf(stderr, "palisade agent: %s %s: reading it from its start; its decisions say \"rotation\":%lu, "
            "lines counted from 1\n", f->path, what, f->s.rotation);
}

/* One read of the followed file; at its end, a look for rotation or
   truncation. */
static void follow_step(agent *a, long long now)
{
    follower *f = &a->fol;
    if (f->read_done) return;
    if (f->fd < 0) {
        if (now < f->next_check_ms) return;
        f->next_check_ms = now + FOLLOW_CHECK_MS;
        follow_open(a, true);   /* a file that appears after we started is read from its start */
        if (f->fd < 0) return;
    }
    if (f->at_eof && now < f->next_check_ms) return;
    if (pal_session_blocked(&f->s)) return;   /* waits for room in the stream queue */
    ssize_t n = read_lines(a, &f->s, f->fd, false);
    if (n > 0) {
        f->off += n;
        f->at_eof = false;
        if (a->stopping && !pal_session_partial(&f->s)) f->read_done = true;
        return;
    }
    if (a->stopping) { f->read_done = true; return; }
    f->at_eof = true;
    f->next_check_ms = now + FOLLOW_CHECK_MS;
    struct stat st;
    if (stat(f->path, &st) != 0) return;   /* moved away, the new one not there yet: keep the old open */
    if (st.st_dev != f->dev || st.st_ino != f->ino) {
        /* rotated: the old file is read to its end (done: we are at it),
           its unfinished last line is a line, then the new file from its start */
        pal_session_finish(&f->s, a->dec);
        close(f->fd);
        f->fd = -1;
        follow_next_file(a, "was rotated");
        follow_open(a, true);
    } else if (st.st_size < f->off) {
        /* truncated in place (copytruncate): start again from the top */
        pal_session_finish(&f->s, a->dec);
        lseek(f->fd, 0, SEEK_SET);
        f->off = 0;
        f->at_eof = false;
        follow_next_file(a, "was truncated");
    }
}

/* ---- reloads ---- */

static void report_reload_failure(agent *a, const char *why)
{
    a->reloads_failed++;
    fprintf(stderr, "palisade agent: reload failed: %s; still deciding with revision %s\n", why, revision(a));
}

static void start_reload(agent *a)
{
    if (!a->pol.path || a->stopping) return;
    if (a->pol.child) { a->reload_again = true; return; }
    char err[512];
    if (agent_reload_start(&a->pol, err, sizeof err) != 0) report_reload_failure(a, err);
}

static void policy_changed(agent *a, long long now)
{
    if (!a->pol.path || a->stopping) return;
    /* debounce: wait for a quiet spell, but not forever under constant change */
    if (!a->reload_due_ms) a->first_change_ms = now;
    long long due = now + a->reload_delay_ms;
    long long latest = a->first_change_ms + (a->reload_delay_ms * 10 > 1000 ? a->reload_delay_ms * 10 : 1000);
    a->reload_due_ms = due < latest ? due : latest;
}

/* A verified program goes into force between two events (a reload, a
   bundle from the server); the old one is freed once nothing uses it.
   Returns 0, or -1 (out of memory: the old program stays, np is freed). */
/* A fresh correlation state for d under the --state-max caps (the
   runtime makes one with the defaults).  -1 when out of memory. */
static int agent_seq_caps(const agent *a, pal_decider *d)
{
    if (!pal_runtime_seqstate(d->rt) || (!a->seq_limits.max_rule && !a->seq_limits.max_total)) return 0;
    pal_seqstate *s = pal_seqstate_new(d->p, &a->seq_limits);
    if (!s) return -1;
    pal_runtime_put_seqstate(d->rt, s);
    return 0;
}

static int install_program(agent *a, pal_program *np, const pal_bundle_sig *sig, const char *from)
{
    pal_decider *nd = malloc(sizeof *nd);
    if (!nd || pal_decider_init(nd, np, a->fmt) != 0) {
        free(nd);
        pal_program_free(np);
        report_reload_failure(a, "out of memory");
        return -1;
    }
    nd->on_decided = agent_decided_hook;
    nd->on_decided_user = agent_decided_hook_user;
    nd->decode_all = agent_decided_hook != NULL;
    nd->decode_opts = a->have_dopts ? &a->dopts : NULL;
    nd->ids_by_count = true;
    nd->events = a->dec->events;
    /* correlations keep the partial matches of every correlation
       whose compiled form is unchanged (engine/runtime/seq.h) */
    struct pal_seqstate *ss = pal_runtime_take_seqstate(a->dec->rt);
    if (ss && np->nseqs) {
        pal_seq_stats before, after;
        pal_seqstate_stats(ss, &before);
        ss = pal_seqstate_rebind(ss, np);
        if (ss) {
            pal_seqstate_stats(ss, &after);
            fprintf(stderr, "palisade agent: correlations: %llu partial matches kept, %llu dropped with changed or removed rules\n",
                    (unsigned long long)(after.kept - before.kept), (unsigned long long)(after.dropped - before.dropped));
            pal_runtime_put_seqstate(nd->rt, ss);
        }
    } else {
        if (ss) {
            /* the new program has no correlations: every partial match goes, said as a reload that drops some */
            pal_seq_stats st;
            pal_seqstate_stats(ss, &st);
            fprintf(stderr, "palisade agent: correlations: 0 partial matches kept, %llu dropped with changed or removed rules\n",
                    (unsigned long long)st.live);
        }
        pal_seqstate_free(ss);
        if (np->nseqs && agent_seq_caps(a, nd) != 0) {
            pal_decider_free(nd);
            free(nd);
            pal_program_free(np);
            report_reload_failure(a, "out of memory");
            return -1;
        }
    }
    /* the swap: the next line is decided by the new program — on
       the workers, the next batch (the batches already submitted
       keep the old one, which is freed once none uses it) */
    pal_program *old = a->prog;
    agent_enforce_reload(np);
    pal_decider_free(a->dec);
    free(a->dec);
    a->dec = nd;
    a->prog = np;
    if (a->workers) {
        pal_workers_set_ordered(a->workers, nd);
        pal_workers_set_program(a->workers, np);
        pal_program **nr = realloc(a->retired, (a->nretired + 1) * sizeof *nr);
        if (nr) {
            a->retired = nr;
            a->retired[a->nretired++] = old;
            old = NULL;
        } else {
            /* no memory to keep it for later: wait until nothing uses it */
            while (pal_workers_uses(a->workers, old)) pal_workers_wait(a->workers, 10);
        }
    }
    pal_program_free(old);
    a->reloads_ok++;
    char counts[96];
    cli_program_counts(np, counts, sizeof counts);
    fprintf(stderr, "palisade agent: reloaded: revision %s (%s%s%s) from %s\n", revision(a), counts,
            sig->state == PAL_SIG_UNSIGNED ? "" : ", signed by key ", sig->state == PAL_SIG_UNSIGNED ? "" : sig->key_id, from);
    if (a->fetcher) pal_fetcher_installed(a->fetcher, revision(a));
    return 0;
}

static void finish_reload(agent *a)
{
    pal_program *np = NULL;
    pal_bundle_sig sig;
    char err[1024];
    int rc = agent_reload_read(&a->pol, &np, &sig, err, sizeof err);
    if (rc == 0) return;   /* more to come */
    if (rc < 0) report_reload_failure(a, err);
    else install_program(a, np, &sig, a->pol.path);
    if (a->reload_again) {   /* a change came while building: build again, after the quiet time */
        a->reload_again = false;
        policy_changed(a, agent_now_ms());
    }
}

/* The bundle server's poller has a verified program. */
static void take_fetched(agent *a)
{
    pal_bundle_sig sig;
    pal_program *np = pal_fetcher_take(a->fetcher, &sig);
    if (np && !a->stopping) install_program(a, np, &sig, a->fopts.url);
    else if (np) pal_program_free(np);
}


/* ---- signals and shutdown ---- */

static void begin_stop(agent *a, const char *why)
{
    if (a->stopping) return;
    a->stopping = true;
    a->stop_deadline_ms = agent_now_ms() + a->shutdown_grace_ms;
    fprintf(stderr, "palisade agent: %s: finishing the lines already begun, then exiting\n", why);
    agent_reload_cancel(&a->pol);
    a->reload_due_ms = 0;
    if (a->listen_fd >= 0) { close(a->listen_fd); a->listen_fd = -1; unlink(a->listen_path); }
    if (a->decision_fd >= 0) { close(a->decision_fd); a->decision_fd = -1; unlink(a->decision_path); }
    if (a->use_stdin && !pal_session_partial(&a->stdin_s)) a->stdin_done = true;
    if (a->follow_path && !pal_session_partial(&a->fol.s)) a->fol.read_done = true;
    for (size_t i = 0; i < a->nconns; i++)
        if (!pal_session_partial(&a->conns[i]->s)) a->conns[i]->read_done = true;
    if (a->rs) pal_rstream_stop(a->rs);   /* what was read is decided and committed; nothing more is read */
}

static void handle_signals(agent *a)
{
    struct signalfd_siginfo si;
    while (read(a->sig_fd, &si, sizeof si) == (ssize_t)sizeof si) {
        switch (si.ssi_signo) {
        case SIGHUP:
            if (a->output_path) {
                char err[512];
                flush_output(a, true);
                if (open_output(a, err, sizeof err) != 0) fprintf(stderr, "palisade agent: %s; keeping the old one\n", err);
            }
            if (a->pol.path) {
                /* the same path as a change seen by inotify: after the quiet
                   time, from a consistent snapshot (a SIGHUP that came
                   mid-write used to load the half-written files) */
                fprintf(stderr, "palisade agent: SIGHUP: reloading %s\n", a->pol.path);
                policy_changed(a, agent_now_ms());
            } else {
                fprintf(stderr, "palisade agent: SIGHUP: the built-in policies are part of the binary; nothing to reload%s\n",
                        a->output_path ? " (the output file was reopened)" : "");
            }
            break;
        case SIGUSR1:
            print_stats(a, "");
            break;
        case SIGUSR2:
            if (learning.model) learn_write(&learning, "SIGUSR2");
            else fprintf(stderr, "palisade agent: SIGUSR2: not learning (start with --learn DIR)\n");
            break;
        case SIGTERM: begin_stop(a, "SIGTERM"); break;
        case SIGINT: begin_stop(a, "SIGINT"); break;
        }
    }
}

/* ---- the loop ---- */

static bool sources_busy(const agent *a)
{
    if (a->workers && pal_workers_inflight(a->workers)) return true;   /* decisions on their way */
    if (a->use_stdin && !a->stdin_done) return true;
    if (a->follow_path && !a->fol.read_done) return true;
    if (a->rs && !a->rs_given_up && pal_rstream_busy(a->rs)) return true;
    for (size_t i = 0; i < a->nconns; i++) {
        const conn *c = a->conns[i];
        if (!c->read_done || pal_outq_pending(&c->out)) return true;
    }
    return false;
}

static void run(agent *a)
{
    enum { MAXFDS = 8 + 3 + AGENT_MAX_CONNECTIONS + AGENT_ENFORCE_MAXFDS };
    struct pollfd pfd[MAXFDS];
    int conn_slot[MAXFDS];
    for (;;) {
        long long now = agent_now_ms();
        /* end of input ends an agent that has nothing else to serve; an
           enforcing one serves the kernel and the hooks, and stops on SIGTERM */
        if (!a->stopping && a->use_stdin && a->stdin_done && a->decision_fd < 0 && a->listen_fd < 0 && !a->follow_path &&
            !agent_enforce_on())
            begin_stop(a, "end of input");
        if (a->stopping) {
            if (now >= a->stop_deadline_ms) {
                /* the grace is over: unfinished lines get their error decisions */
                if (a->use_stdin && !a->stdin_done) { cut_short(a, &a->stdin_s); a->stdin_done = true; }
                if (a->follow_path && !a->fol.read_done) { cut_short(a, &a->fol.s); a->fol.read_done = true; }
                while (a->nconns) {
                    conn *c = a->conns[a->nconns - 1];
                    cut_short(a, &c->s);
                    if (c->kind == CONN_DECISION) send_replies(a, c, now);
                    close_conn(a, a->nconns - 1);
                }
                /* entries not committed by now (an output that does not answer) are left pending: nothing is
                   lost, the group decides them again (this consumer's restart, or a claim) */
                if (a->rs && !a->rs_given_up && pal_rstream_busy(a->rs)) {
                    pal_rstream_stats st;
                    pal_rstream_get_stats(a->rs, &st);
                    fprintf(stderr, "palisade agent: redis: %u entries not committed within the %d ms grace "
                            "(--shutdown-grace); they stay pending and are decided again\n", st.inflight, a->shutdown_grace_ms);
                    a->rs_given_up = true;
                }
            }
            if (!sources_busy(a)) break;
        }
        resume_sources(a, now);
        flush_output(a, false);

        int n = 0, i_sig = -1, i_ino = -1, i_pipe = -1, i_stdin = -1, i_listen = -1, i_decision = -1, i_out = -1;
        int i_work = -1;
        pfd[i_sig = n++] = (struct pollfd){a->sig_fd, POLLIN, 0};
        if (a->workers && (pal_workers_inflight(a->workers) || a->nretired))
            pfd[i_work = n++] = (struct pollfd){pal_workers_fd(a->workers), POLLIN, 0};
        if (pal_outq_pending(&a->stream)) pfd[i_out = n++] = (struct pollfd){a->out_wfd, POLLOUT, 0};
        if (a->inotify_fd >= 0) pfd[i_ino = n++] = (struct pollfd){a->inotify_fd, POLLIN, 0};
        if (a->pol.child) pfd[i_pipe = n++] = (struct pollfd){a->pol.pipe_fd, POLLIN, 0};
        int i_fetch = -1;
        if (a->fetcher) pfd[i_fetch = n++] = (struct pollfd){pal_fetcher_fd(a->fetcher), POLLIN, 0};
        if (a->use_stdin && !a->stdin_done && !pal_session_blocked(&a->stdin_s))
            pfd[i_stdin = n++] = (struct pollfd){STDIN_FILENO, POLLIN, 0};
        /* at the limit a --listen writer is let in only when an idle
           connection can give way; a decision client always gets an answer */
        long long evictable_at = 0;
        if (a->listen_fd >= 0 &&
            (a->nconns < AGENT_MAX_CONNECTIONS || eviction_candidate(a, now, &evictable_at) >= 0))
            pfd[i_listen = n++] = (struct pollfd){a->listen_fd, POLLIN, 0};
        if (a->decision_fd >= 0) pfd[i_decision = n++] = (struct pollfd){a->decision_fd, POLLIN, 0};
        int first_conn = n;
        for (size_t i = 0; i < a->nconns; i++) {
            conn *c = a->conns[i];
            short ev = 0;
            if (!c->read_done && !pal_session_blocked(&c->s)) ev |= POLLIN;
            if (pal_outq_pending(&c->out)) ev |= POLLOUT;
            conn_slot[n] = (int)i;
            pfd[n++] = (struct pollfd){c->fd, ev, 0};
        }

        int first_enf = n;
        n += (int)agent_enforce_pollfds(pfd + n, MAXFDS - (size_t)n);
        int first_redis = n;
        if (a->rs) n += (int)pal_rstream_pollfds(a->rs, pfd + n, 3);

        long long timeout = 1000;
        if (a->reload_due_ms) timeout = a->reload_due_ms - now;
        if (a->pol.child) {
            long long t = a->pol.started_ms + AGENT_RELOAD_TIMEOUT_MS - now;
            if (t < timeout) timeout = t;
        }
        if (a->follow_path && !a->fol.read_done) {
            long long t = (a->fol.fd >= 0 && !a->fol.at_eof && !pal_session_blocked(&a->fol.s)) ? 0
                                                                                            : a->fol.next_check_ms - now;
            if (t < timeout) timeout = t;
        }
        if (a->stopping && a->stop_deadline_ms - now < timeout) timeout = a->stop_deadline_ms - now;
        /* the stream queue has room again: its held lines go on */
        if (stream_held(a) && pal_outq_pending(&a->stream) < AGENT_MAX_STREAM_BACKLOG) timeout = 0;
        if (evictable_at && evictable_at - now < timeout) timeout = evictable_at - now;
        if (a->rs) {
            long long t = pal_rstream_timeout(a->rs, now);
            if (t >= 0 && t < timeout) timeout = t;
        }
        if (!a->stopping) {
            long long t = next_expiry(a) - now;
            if (t < timeout) timeout = t;
        }
        if (timeout < 0) timeout = 0;

        int r = poll(pfd, (nfds_t)n, (int)timeout);
        if (r < 0 && errno != EINTR) {
            fprintf(stderr, "palisade agent: poll: %s\n", strerror(errno));
            a->io_errors++;
            begin_stop(a, "internal error");
            continue;
        }
        now = agent_now_ms();
        if (r < 0) continue;

        if (pfd[i_sig].revents) handle_signals(a);
        if (i_work >= 0 && pfd[i_work].revents) collect(a);
        agent_enforce_handle(pfd + first_enf, (size_t)(first_redis - first_enf), &a->stream.buf);
        if (a->rs) pal_rstream_handle(a->rs, pfd + first_redis, (size_t)(n - first_redis), a->dec, now);
        if (i_ino >= 0 && pfd[i_ino].revents) {
            bool pol = false, fol = false;
            agent_watch_read(&a->pol, &pol, &fol);
            if (pol) policy_changed(a, now);
            if (fol) { a->fol.at_eof = false; a->fol.next_check_ms = now; }
        }
        if (i_pipe >= 0 && pfd[i_pipe].revents && a->pol.child) finish_reload(a);
        if (i_fetch >= 0 && pfd[i_fetch].revents) take_fetched(a);
        if (a->pol.child && now >= a->pol.started_ms + AGENT_RELOAD_TIMEOUT_MS) {
            agent_reload_cancel(&a->pol);
            char why[600];
            snprintf(why, sizeof why, "%s: building the new rules took longer than %d s", a->pol.path,
                     AGENT_RELOAD_TIMEOUT_MS / 1000);
            report_reload_failure(a, why);
        }
        if (a->reload_due_ms && now >= a->reload_due_ms) {
            a->reload_due_ms = 0;
            start_reload(a);
        }

        /* inputs: one read each per turn */
        if (i_stdin >= 0 && pfd[i_stdin].revents) {
            ssize_t got = read_lines(a, &a->stdin_s, STDIN_FILENO, true);
            if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                pal_session_finish(&a->stdin_s, a->dec);
                a->stdin_done = true;
            } else if (a->stopping && !pal_session_partial(&a->stdin_s)) {
                a->stdin_done = true;
            }
        }
        if (a->follow_path) follow_step(a, now);
        /* connections, newest last: a connection closed here moves the
           last one into its place, so walk backwards */
        for (int k = first_enf - 1; k >= first_conn; k--)
            if (pfd[k].revents) service_conn(a, (size_t)conn_slot[k], pfd[k].revents, now);
        if (i_listen >= 0 && (pfd[i_listen].revents & POLLIN) && a->listen_fd >= 0)
            accept_conns(a, a->listen_fd, CONN_LISTEN, now);
        if (i_decision >= 0 && (pfd[i_decision].revents & POLLIN) && a->decision_fd >= 0)
            accept_conns(a, a->decision_fd, CONN_DECISION, now);
        if (!a->stopping) expire_conns(a, now);
        if (a->nconns < AGENT_MAX_CONNECTIONS) a->conn_limit_reported = false;
        /* the consumer group: decisions collected go out, entries read go in */
        if (a->rs) pal_rstream_step(a->rs, a->dec, now);
        (void)i_out;   /* POLLOUT only wakes the loop: the queue is written here */
        flush_output(a, false);
    }
    if (a->workers) {
        pal_workers_finish(a->workers);
        collect(a);
    }
    flush_output(a, true);   /* at exit: every decision made is written */
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: palisade agent [--policy DIR|BUNDLE] [--verify-key PUB] [--input-format auto|ecs|sysmon|evtx-json|falco]\n"
            "                      [--follow FILE [--from-start] | --listen PATH] [--decision-socket PATH]\n"
            "                      [--output FILE] [--reload-delay MS] [--idle-timeout MS] [--request-timeout MS] [--shutdown-grace MS]\n"
            "                      [--learn DIR [--learn-image GLOB]] [--volume-map MAP] [--threads N] [--state FILE]\n"
            "                      [--state-max N] [--state-max-rule N]\n"
            "                      [--input redis://HOST:PORT/STREAM?group=G&consumer=C --output redis://HOST:PORT/STREAM]\n"
            "Decides a live event stream, one decision line per event line, each naming the revision that made it.\n"
            "  --policy DIR|BUNDLE   the rules (default: the built-in runtime policies); reloaded on SIGHUP and when\n"
            "                        the directory or bundle changes; a set that fails to build or verify is\n"
            "                        reported and the running one stays\n"
            "  --verify-key PUB      accept only bundles signed by this key (palisade keygen, build --sign)\n"
            "  events: standard input (default; the agent exits at its end unless it serves a decision socket),\n"
            "  --follow FILE         a file followed across rotation and truncation (from its end; --from-start: all);\n"
            "                        \"line\" is the line in the file, \"rotation\":N the file after N rotations\n"
            "  --listen PATH         a unix socket: any number of writers, one JSON event per line\n"
            "  --input redis://HOST:PORT/STREAM?group=G&consumer=C[&start=0|$][&field=event]\n"
            "                        a Redis stream, read as consumer C of group G (made if absent, from the stream's\n"
            "                        start (0) or its end ($, the default)); rediss:// for TLS, unix:/PATH?stream=S&...\n"
            "                        for a socket, redis://[USER:]PASSWORD@HOST...; with it, --output redis://HOST:PORT/\n"
            "                        STREAM[?maxlen=N] gets one decision per entry (XADD, field \"decision\", carrying\n"
            "                        \"entry\"), and an entry is acked only once its decision is written\n"
            "  --bundle-url URL      the rules from a bundle server (any static HTTP(S) server) serving what\n"
            "                        palisade build --sign wrote; needs --verify-key.  Polled with If-None-Match\n"
            "                        every --poll (default 30s, jittered); a bundle that verifies is swapped in\n"
            "                        like a reload, one that does not is refused and the rules in force stay\n"
            "  --bundle-cache DIR    the last good bundle kept in DIR (written atomically, read back verified at\n"
            "                        start, so a restart while the server is down starts with it); DIR/status.json\n"
            "  --bundle-max-bytes N  a download larger than N bytes is refused (default and most: 256 MiB); a\n"
            "                        refused bundle is not downloaded again while the server serves it unchanged\n"
            "  --bundle-ca FILE      check an https bundle server against the CA certificates in FILE (PEM), not\n"
            "                        the system's (as curl --cacert)\n"
            "  --status DIR          print what the agent caching in DIR last heard from its server, and holds\n"
            "  --claim-idle MS       take over entries pending on any consumer idle this long (default 30000)\n"
            "  --redis-password-file FILE, --redis-tls-ca FILE, --redis-tls-cert FILE, --redis-tls-key FILE\n"
            "                        the Redis password (kept out of the command line) and TLS files\n"
            "  --decision-socket PATH  enforcement points send an event line and read its decision line back\n"
            "  --output FILE         decisions appended to FILE (reopened on SIGHUP) instead of standard output\n"
            "  --reload-delay MS     quiet time after a change or SIGHUP before rebuilding, and the time every\n"
            "                        file must have been unchanged when it is read (default %d)\n"
            "  --idle-timeout MS     a connection with nothing in flight that sends nothing this long is closed\n"
            "                        (default %d; 0: never)\n"
            "  --shutdown-grace MS   at SIGTERM, the time to finish the lines begun and to commit what was read\n"
            "                        from Redis (default %d); then unfinished lines get error decisions, and\n"
            "                        entries not committed stay pending in the group, decided again later\n"
            "  --request-timeout MS  a line begun must end, and replies waiting must be read from, within this\n"
            "                        time, or the line gets an error reply and the connection is closed\n"
            "                        (default %d; 0: never).  With every connection slot taken, the longest-idle\n"
            "                        connection gives way; if none is idle, a decision client gets an error\n"
            "                        reply and a --listen writer waits\n"
            "  --volume-map MAP      \\Device\\HarddiskVolumeN=X:,... : read such Windows paths as drive paths\n"
            "  --threads N           decide the stream on N threads (default: the cores, here %u), decisions in\n"
            "                        input order; 1: all on one thread.  The decision socket is answered on the\n"
            "                        thread that reads, never behind the stream\n"
            "  --state FILE          the partial matches of sequences and counting rules are written to FILE when\n"
            "                        the agent stops and read back when it starts (checked like a bundle; a\n"
            "                        damaged file stops the start); those of rules changed since are dropped\n"
            "  --state-max N, --state-max-rule N\n"
            "                        at most N partial matches in all (default 1000000) and of one correlation\n"
            "                        (default 100000); past a cap the least recently updated is evicted, counted\n"
            "                        in the stats line\n"
            "  --learn DIR           learning mode: events of the images learned (--learn-image GLOB, default all)\n"
            "                        are not enforced (decisions say allow, \"learning\":true); what they do is\n"
            "                        written as runtime and firewall policy to DIR/learned.pal (merged into it)\n"
            "                        on SIGUSR2 and at exit, to review and commit\n"
            "Signals: SIGHUP reload, SIGUSR1 stats line on stderr, SIGUSR2 write what was learned,\n"
            "SIGTERM/SIGINT finish and exit 0.\n",
            DEFAULT_RELOAD_DELAY_MS, AGENT_IDLE_TIMEOUT_MS, AGENT_SHUTDOWN_GRACE_MS, AGENT_REQUEST_TIMEOUT_MS, cli_cores());
    agent_enforce_usage(f);
}

static int agent_setup(agent *a, char *err, size_t cap)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGHUP);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGUSR2);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0 ||
        (a->sig_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
        snprintf(err, cap, "signalfd: %s", strerror(errno));
        return -1;
    }
    signal(SIGPIPE, SIG_IGN);
    if (a->policy_path || a->follow_path) {
        a->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (a->inotify_fd < 0)
            fprintf(stderr, "palisade agent: inotify: %s; changes are seen on SIGHUP only\n", strerror(errno));
    }
    if (agent_policy_init(&a->pol, a->policy_path, a->have_trusted ? &a->trusted : NULL, a->inotify_fd, err, cap))
        return -1;
    a->pol.settle_ms = (unsigned)a->reload_delay_ms;
    pal_bundle_sig sig;
    memset(&sig, 0, sizeof sig);
    bool from_cache = false;
    if (a->fopts.url) {
        if (pal_fetch_initial(&a->fopts, &a->prog, &sig, &from_cache, err, cap) != 0) return -1;
    } else if (a->policy_path) {
        if (agent_reload_wait(&a->pol, &a->prog, &sig, err, cap) != 0) return -1;
    } else {
        a->prog = cli_embedded_program("agent", "policies");
        if (!a->prog) { snprintf(err, cap, "the built-in policies do not load"); return -1; }
    }
    a->dec = malloc(sizeof *a->dec);
    if (!a->dec || pal_decider_init(a->dec, a->prog, a->fmt) != 0) { snprintf(err, cap, "out of memory"); return -1; }
    a->dec->on_decided = agent_decided_hook;
    a->dec->on_decided_user = agent_decided_hook_user;
    a->dec->decode_all = agent_decided_hook != NULL;
    a->dec->decode_opts = a->have_dopts ? &a->dopts : NULL;
    a->dec->ids_by_count = true;   /* lines of several connections interleave */
    if (agent_seq_caps(a, a->dec) != 0) { snprintf(err, cap, "out of memory"); return -1; }
    if (a->state_path) {
        struct pal_seqstate *ss;
        uint64_t events;
        if (agent_state_load(a->state_path, a->prog, &a->seq_limits, &ss, &events, err, cap) != 0) return -1;
        if (ss) pal_runtime_put_seqstate(a->dec->rt, ss);
        a->dec->events = events;
    }
    if (a->threads > 1) {
        char werr[256];
        if (!(a->workers = pal_workers_new(&(pal_workers_opts){a->threads, 0, 0, AGENT_WORKER_NICE}, a->dec, werr, sizeof werr))) {
            snprintf(err, cap, "--threads %u: %s", a->threads, werr);
            return -1;
        }
        /* correlation state is one ordered stream: this thread's decider
           holds it, and settles the workers' step hits in input order */
        pal_workers_set_ordered(a->workers, a->dec);
        pal_workers_set_program(a->workers, a->prog);
        stream_session(a, &a->stdin_s);
    } else {
        a->stdin_s.lines.read_size = STREAM_READ_BYTES;
    }
    if (a->input_url) {
        if (!(a->rs = pal_rstream_new(&a->ropts, &a->counts, err, cap))) return -1;
        if (a->workers) pal_session_use_workers(pal_rstream_session(a->rs), a->workers);
    } else if (open_output(a, err, cap)) return -1;
    if (a->listen_path && (a->listen_fd = listen_unix(a->listen_path, err, cap)) < 0) return -1;
    if (a->decision_path && (a->decision_fd = listen_unix(a->decision_path, err, cap)) < 0) return -1;
    if (a->follow_path) {
        a->fol.path = a->follow_path;
        a->fol.fd = -1;
        pal_session_init(&a->fol.s, &a->stream, AGENT_MAX_STREAM_BACKLOG, false, 0, &a->counts);
        stream_session(a, &a->fol.s);
        if (a->inotify_fd >= 0) agent_watch_follow(&a->pol, a->follow_path);
        follow_open(a, a->from_start);
        if (a->fol.fd < 0) fprintf(stderr, "palisade agent: %s does not exist yet; waiting for it\n", a->follow_path);
    }
    if (a->fopts.url) {
        if (!(a->fetcher = pal_fetcher_start(&a->fopts, from_cache, err, cap))) return -1;
        pal_fetcher_installed(a->fetcher, revision(a));
    }
    char counts[96], from[700];
    cli_program_counts(a->prog, counts, sizeof counts);
    if (a->fopts.url)
        snprintf(from, sizeof from, "%.400s%s%.250s", a->fopts.url, from_cache ? " (its cached copy in " : "",
                 from_cache ? a->fopts.cache_dir : "");
    if (from_cache) strcat(from, ")");
    char threads[48] = "", rin[400] = "", rout[400] = "";
    if (a->threads > 1) snprintf(threads, sizeof threads, "; %u threads", a->threads);
    if (a->rs) {
        char w[300];
        pal_redis_url_where(&a->ropts.in, w, sizeof w);
        snprintf(rin, sizeof rin, "redis %.200s stream %.40s group %.30s as %.30s", w, a->ropts.in.stream,
                 a->ropts.in.group, a->ropts.in.consumer);
        pal_redis_url_where(&a->ropts.out, w, sizeof w);
        snprintf(rout, sizeof rout, "redis %.200s stream %.100s", w, a->ropts.out.stream);
    }
    fprintf(stderr, "palisade agent: ready: revision %s (%s%s%s) from %s; events from %s%s%s; decisions to %s%s%s\n",
            revision(a), counts, sig.state == PAL_SIG_UNSIGNED ? "" : ", signed by key ",
            sig.state == PAL_SIG_UNSIGNED ? "" : sig.key_id,
            a->fopts.url ? from : a->policy_path ? a->policy_path : "the built-in policies",
            a->rs ? rin : a->follow_path ? a->follow_path : a->listen_path ? a->listen_path : "standard input",
            a->decision_path ? "; decision socket " : "", a->decision_path ? a->decision_path : "",
            a->rs ? rout : a->output_path ? a->output_path : "standard output", a->pol.path && a->inotify_fd >= 0 ? "; watching for changes" : "",
            threads);
    return 0;
}

static void agent_teardown(agent *a)
{
    agent_policy_free(&a->pol);
    if (a->listen_fd >= 0) { close(a->listen_fd); unlink(a->listen_path); }
    if (a->decision_fd >= 0) { close(a->decision_fd); unlink(a->decision_path); }
    while (a->nconns) close_conn(a, a->nconns - 1);
    if (a->fol.fd >= 0) close(a->fol.fd);
    pal_session_free(&a->fol.s);
    pal_session_free(&a->stdin_s);
    pal_fetcher_stop(a->fetcher);
    a->fetcher = NULL;
    pal_rstream_free(a->rs);   /* before the workers: its session's batches are collected first */
    a->rs = NULL;
    pal_workers_free(a->workers);   /* joined: nothing uses a program any more */
    a->workers = NULL;
    free_retired(a);
    free(a->retired);
    if (a->dec) { pal_decider_free(a->dec); free(a->dec); }
    if (a->prog) pal_program_free(a->prog);
    if (a->inotify_fd >= 0) close(a->inotify_fd);
    if (a->sig_fd >= 0) close(a->sig_fd);
    if (a->out_wfd >= 0 && a->out_wfd != a->out_fd) close(a->out_wfd);
    if (a->out_fd > STDERR_FILENO) close(a->out_fd);
    pal_outq_free(&a->stream);
}

/* `agent --status DIR`: what the agent that caches its bundles in DIR
   last heard from its server and what it holds (DIR/status.json). */
static int print_status(const char *dir)
{
    char path[4200], err[600];
    snprintf(path, sizeof path, "%s/status.json", dir);
    char *data = NULL;
    size_t len = 0;
    if (pal_read_file(path, 1u << 16, &data, &len, err, sizeof err) != 0)
        return cli_error("agent", "--status: %s (an agent with --bundle-url and --bundle-cache %s writes it)", err, dir);
    cJSON *j = cJSON_ParseWithLength(data, len);
    free(data);
    if (!j) return cli_error("agent", "--status: %s is not JSON", path);
    static const char *keys[] = {"url", "holds", "last_check", "last_result", "last_taken", "etag", "checks",
                                 "not_modified", "downloads", "taken", "refused", "refused_unchanged", "failed"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, keys[i]);
        if (cJSON_IsString(v)) printf("%-13s %s\n", keys[i], v->valuestring);
        else if (cJSON_IsNumber(v)) printf("%-13s %.0f\n", keys[i], v->valuedouble);
    }
    cJSON_Delete(j);
    return EXIT_OK;
}

static bool is_redis_url(const char *s)
{
    return s && (!strncmp(s, "redis://", 8) || !strncmp(s, "rediss://", 9) || !strncmp(s, "unix:", 5));
}

/* --input and --output redis URLs, with the password and TLS flags applied
   to both.  At least once needs an output that acknowledges each decision,
   so a consumer group's decisions go to a Redis stream. */
static int redis_opts(agent *a, const char *password_file, const char *ca, const char *cert, const char *key)
{
    bool out_redis = is_redis_url(a->output_path);
    if ((password_file || ca || cert || key || a->ropts.claim_idle_ms) && !a->input_url)
        return cli_error("agent", "--claim-idle and the --redis-* flags go with --input redis://...");
    if (!a->input_url) {
        if (out_redis)
            return cli_error("agent", "--output %s: decisions go to a Redis stream from a consumer group: give --input "
                             "redis://HOST:PORT/STREAM?group=G&consumer=C too", a->output_path);
        return 0;
    }
    char err[600];
    if (!is_redis_url(a->input_url))
        return cli_error("agent", "--input %s: give a Redis stream, redis://HOST:PORT/STREAM?group=G&consumer=C (for a "
                         "file use --follow, for a socket --listen)", a->input_url);
    if (pal_redis_url_parse(a->input_url, &a->ropts.in, err, sizeof err) != 0) return cli_error("agent", "--input: %s", err);
    if (!a->output_path || !out_redis)
        return cli_error("agent", "--input %s needs --output redis://HOST:PORT/STREAM: an entry is acknowledged only once "
                         "its decision is written to a stream (at least once, nothing lost)", a->input_url);
    if (pal_redis_url_parse(a->output_path, &a->ropts.out, err, sizeof err) != 0) return cli_error("agent", "--output: %s", err);
    if (!a->ropts.in.has_group || !a->ropts.in.consumer[0])
        return cli_error("agent", "--input: name the consumer group and this agent: ?group=G&consumer=C (C its own name, "
                         "the same across restarts, so that it finds its pending entries)");
    if (pal_redis_same_server(&a->ropts.in, &a->ropts.out) && !strcmp(a->ropts.in.stream, a->ropts.out.stream))
        return cli_error("agent", "--input and --output name the same stream %s: decisions would be read as events",
                         a->ropts.in.stream);
    pal_redis_url *us[2] = {&a->ropts.in, &a->ropts.out};
    for (int i = 0; i < 2; i++) {
        pal_redis_url *u = us[i];
        if (password_file) {
            char *data = NULL;
            size_t len = 0;
            if (pal_read_file(password_file, sizeof u->password - 1, &data, &len, err, sizeof err) != 0)
                return cli_error("agent", "--redis-password-file: %s", err);
            while (len && (data[len - 1] == '\n' || data[len - 1] == '\r')) len--;
            memcpy(u->password, data, len);
            u->password[len] = 0;
            free(data);
        }
        if (ca) snprintf(u->tls_ca, sizeof u->tls_ca, "%s", ca);
        if (cert) snprintf(u->tls_cert, sizeof u->tls_cert, "%s", cert);
        if (key) snprintf(u->tls_key, sizeof u->tls_key, "%s", key);
    }
    a->ropts.out_limit = AGENT_MAX_STREAM_BACKLOG;
    a->output_path = NULL;
    return 0;
}

/* A timeout option's milliseconds: 0 (never) to a day. */
static int parse_timeout(const char *opt, const char *text, int *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*end || end == text || v < 0 || v > 86400000) {
        cli_error("agent", "%s takes milliseconds, 0 (never) to 86400000", opt);
        return -1;
    }
    *out = (int)v;
    return 0;
}

int cmd_agent(int argc, char **argv)
{
    agent a;
    memset(&a, 0, sizeof a);
    a.seq_limits.tolerance = -1;   /* the default tolerance */
    a.sig_fd = a.inotify_fd = a.listen_fd = a.decision_fd = -1;
    a.fol.fd = -1;
    a.out_fd = STDOUT_FILENO;
    a.out_wfd = -1;
    a.reload_delay_ms = DEFAULT_RELOAD_DELAY_MS;
    a.idle_timeout_ms = AGENT_IDLE_TIMEOUT_MS;
    a.request_timeout_ms = AGENT_REQUEST_TIMEOUT_MS;
    a.shutdown_grace_ms = AGENT_SHUTDOWN_GRACE_MS;
    a.threads = cli_cores();
    const char *fmtname = "auto", *keypath = NULL;
    bool fetch_flags = false;
    const char *status_dir = NULL;
    const char *redis_password_file = NULL, *redis_tls_ca = NULL, *redis_tls_cert = NULL, *redis_tls_key = NULL;
    cli_args A;
    cli_args_init(&A, "agent", argc, argv);
    while (cli_args_next(&A)) {
        if (cli_args_value(&A, "--policy", CLI_WANT_POLICY)) a.policy_path = A.value;
        else if (cli_args_value(&A, "--verify-key", CLI_WANT_PUBKEY)) keypath = A.value;
        else if (cli_args_value(&A, "--input-format", CLI_WANT_INPUT_FORMAT)) fmtname = A.value;
        else if (cli_args_value(&A, "--volume-map", CLI_WANT_VOLUME_MAP)) {
            char verr[512];
            if (pal_volume_map_parse(A.value, &a.dopts, verr, sizeof verr) != 0)
                return cli_error("agent", "--volume-map: %s", verr);
            a.have_dopts = true;
        }
        else if (cli_args_value(&A, "--follow", "a log file to follow")) a.follow_path = A.value;
        else if (cli_args_flag(&A, "--from-start")) a.from_start = true;
        else if (cli_args_value(&A, "--listen", "a path for the event socket")) a.listen_path = A.value;
        else if (cli_args_value(&A, "--decision-socket", "a path for the decision socket")) a.decision_path = A.value;
        else if (cli_args_value(&A, "--output", "a file for the decision lines, or redis://HOST:PORT/STREAM")) a.output_path = A.value;
        else if (cli_args_value(&A, "--input", "redis://HOST:PORT/STREAM?group=G&consumer=C")) a.input_url = A.value;
        else if (cli_args_value(&A, "--claim-idle", "milliseconds, 1000 to 86400000")) {
            char *end;
            long long v = strtoll(A.value, &end, 10);
            if (*end || end == A.value || v < 1000 || v > 86400000)
                return cli_error("agent", "--claim-idle takes milliseconds, 1000 to 86400000");
            a.ropts.claim_idle_ms = v;
        }
        else if (cli_args_value(&A, "--bundle-url", "http(s)://.../policy.palb")) a.fopts.url = A.value;
        else if (cli_args_value(&A, "--bundle-cache", "a directory for the last good bundle")) a.fopts.cache_dir = A.value;
        else if (cli_args_value(&A, "--poll", "a duration: 30s, 500ms, 2m")) {
            long long v = pal_parse_duration_ms(A.value);
            if (v < 0) return cli_error("agent", "--poll takes a duration, 100ms to 24h: 30s, 500ms, 2m (a bare number is seconds)");
            a.fopts.poll_ms = (unsigned)v;
            fetch_flags = true;
        } else if (cli_args_value(&A, "--bundle-max-bytes", "bytes, at most 268435456")) {
            char *end;
            long long v = strtoll(A.value, &end, 10);
            if (*end || end == A.value || v < 1024 || v > (long long)PAL_MAX_BUNDLE_BYTES)
                return cli_error("agent", "--bundle-max-bytes takes bytes, 1024 to %u", PAL_MAX_BUNDLE_BYTES);
            a.fopts.max_bytes = (size_t)v;
            fetch_flags = true;
        } else if (cli_args_value(&A, "--bundle-ca", "a PEM file of CA certificates")) {
            a.fopts.ca_file = A.value;
            fetch_flags = true;
        } else if (cli_args_value(&A, "--status", "the --bundle-cache DIR of an agent")) status_dir = A.value;
        else if (cli_args_value(&A, "--redis-password-file", "a file holding the Redis password")) redis_password_file = A.value;
        else if (cli_args_value(&A, "--redis-tls-ca", "a PEM file of CA certificates")) redis_tls_ca = A.value;
        else if (cli_args_value(&A, "--redis-tls-cert", "a PEM client certificate")) redis_tls_cert = A.value;
        else if (cli_args_value(&A, "--redis-tls-key", "the client certificate's PEM key")) redis_tls_key = A.value;
        else if (cli_args_value(&A, "--state", "a file for the correlation state")) a.state_path = A.value;
        else if (cli_args_value(&A, "--state-max", "a number of partial matches")) {
            if (cli_seq_limit("agent", "--state-max", A.value, &a.seq_limits.max_total) != 0) return EXIT_ERROR;
        } else if (cli_args_value(&A, "--state-max-rule", "a number of partial matches")) {
            if (cli_seq_limit("agent", "--state-max-rule", A.value, &a.seq_limits.max_rule) != 0) return EXIT_ERROR;
        }
        else if (cli_args_value(&A, "--learn", "a directory for learned.pal")) learning.dir = A.value;
        else if (cli_args_value(&A, "--learn-image", "a glob on the image name, e.g. 'web*'")) learning.image_glob = A.value;
        else if (cli_args_value(&A, "--reload-delay", "milliseconds, 0 to 60000")) {
            char *end;
            long v = strtol(A.value, &end, 10);
            if (*end || v < 0 || v > 60000) return cli_error("agent", "--reload-delay takes milliseconds, 0 to 60000");
            a.reload_delay_ms = (int)v;
        } else if (cli_args_value(&A, "--idle-timeout", "milliseconds, 0 (never) to 86400000")) {
            if (parse_timeout("--idle-timeout", A.value, &a.idle_timeout_ms) != 0) return EXIT_ERROR;
        } else if (cli_args_value(&A, "--shutdown-grace", "milliseconds, 0 to 86400000")) {
            if (parse_timeout("--shutdown-grace", A.value, &a.shutdown_grace_ms) != 0) return EXIT_ERROR;
        } else if (cli_args_value(&A, "--request-timeout", "milliseconds, 0 (never) to 86400000")) {
            if (parse_timeout("--request-timeout", A.value, &a.request_timeout_ms) != 0) return EXIT_ERROR;
        } else if (cli_args_value(&A, "--threads", "a number of threads")) {
            if (cli_threads_value("agent", A.value, &a.threads) != 0) return EXIT_ERROR;
        } else if (agent_enforce_arg(&A)) {
        } else if (cli_args_help(&A)) { usage(stdout); return EXIT_OK; }
        else return cli_args_unknown(&A);
    }
    if (A.failed) return EXIT_ERROR;
    if (status_dir) return print_status(status_dir);
    if ((fetch_flags || a.fopts.cache_dir) && !a.fopts.url)
        return cli_error("agent", "--poll, --bundle-cache, --bundle-max-bytes and --bundle-ca go with --bundle-url URL");
    if (a.fopts.url) {
        if (strncmp(a.fopts.url, "http://", 7) && strncmp(a.fopts.url, "https://", 8))
            return cli_error("agent", "--bundle-url %s: give an http:// or https:// URL of a bundle (palisade build --sign)",
                             a.fopts.url);
        if (a.policy_path) return cli_error("agent", "give one source of rules: --policy or --bundle-url");
        if (!keypath)
            return cli_error("agent", "--bundle-url needs --verify-key PUB: a bundle from a server is taken only when "
                             "signed by that key (palisade keygen, build --sign)");
        if (a.fopts.ca_file && access(a.fopts.ca_file, R_OK) != 0)
            return cli_error("agent", "--bundle-ca %s: %s (a PEM file of the CA certificates that signed the server's)",
                             a.fopts.ca_file, strerror(errno));
        if (a.fopts.ca_file && strncmp(a.fopts.url, "https://", 8))
            return cli_error("agent", "--bundle-ca goes with an https:// --bundle-url (%s is plain http)", a.fopts.url);
        if (a.fopts.cache_dir && mkdir(a.fopts.cache_dir, 0755) != 0 && errno != EEXIST)
            return cli_error("agent", "--bundle-cache %s: %s", a.fopts.cache_dir, strerror(errno));
        a.fopts.trusted = &a.trusted;
    }
    if ((a.follow_path != NULL) + (a.listen_path != NULL) + (a.input_url != NULL) > 1)
        return cli_error("agent", "give one event source: --input redis://..., --follow FILE or --listen PATH (or none: "
                         "standard input)");
    if (redis_opts(&a, redis_password_file, redis_tls_ca, redis_tls_cert, redis_tls_key) != 0) return EXIT_ERROR;
    if (a.from_start && !a.follow_path) return cli_error("agent", "--from-start goes with --follow FILE");
    struct stat fst;
    if (a.follow_path && stat(a.follow_path, &fst) == 0 && !S_ISREG(fst.st_mode))   /* a missing one is waited for */
        return cli_error("agent", "%s: %s (--follow reads a log file that is appended to; for a stream use --listen or stdin)",
                         a.follow_path, S_ISDIR(fst.st_mode) ? "is a directory" : "not a regular file");
    if (keypath && !a.policy_path && !a.fopts.url) return cli_error("agent", "--verify-key needs --policy BUNDLE or --bundle-url URL");
    if (a.listen_path && a.decision_path && !strcmp(a.listen_path, a.decision_path))
        return cli_error("agent", "--listen and --decision-socket need two different paths");
    int fmt = (int)pal_input_format_from_name(fmtname);
    if (fmt < 0) return cli_error("agent", "unknown --input-format '%s' (auto, ecs, sysmon, evtx-json or falco)", fmtname);
    a.fmt = (pal_input_format)fmt;
    a.use_stdin = !a.follow_path && !a.listen_path && !a.input_url;
    char err[1024];
    if (keypath) {
        if (pal_pubkey_load(keypath, &a.trusted, err, sizeof err) != 0) return cli_error("agent", "--verify-key: %s", err);
        a.have_trusted = true;
    }
    if (learning.image_glob && !learning.dir) return cli_error("agent", "--learn-image goes with --learn DIR");
    if (learning.dir) {
        struct stat st;
        if (stat(learning.dir, &st) != 0)
            return cli_error("agent", "%s: %s (--learn writes DIR/learned.pal; create the directory first)", learning.dir,
                             strerror(errno));
        if (!S_ISDIR(st.st_mode))
            return cli_error("agent", "%s: not a directory (--learn writes DIR/learned.pal into it)", learning.dir);
        pal_learn_opts lo = {0};
        lo.image_glob = learning.image_glob;
        if (!(learning.model = pal_learn_new(&lo))) return cli_error("agent", "out of memory");
        learning.image_field = pal_schema_find(pal_schema_get(PS_EVENT), "container.image.name", 20);
        agent_decided_hook = learn_hook;
        agent_decided_hook_user = &learning;
    }
    pal_session_init(&a.stdin_s, &a.stream, AGENT_MAX_STREAM_BACKLOG, false, 0, &a.counts);
    if (agent_setup(&a, err, sizeof err) != 0) {
        agent_teardown(&a);
        pal_learn_free(learning.model);
        return cli_error("agent", "%s", err);
    }
    if (agent_enforce_start(a.prog, err, sizeof err) != 0) {
        agent_teardown(&a);
        pal_learn_free(learning.model);
        return cli_error("agent", "--enforce: %s", err);
    }
    run(&a);
    agent_enforce_stop(&a.stream.buf);
    flush_output(&a, true);
    int rc = EXIT_OK;
    if (a.state_path && agent_state_save(a.state_path, pal_runtime_seqstate(a.dec->rt), a.dec->events, err, sizeof err) != 0) {
        cli_error("agent", "%s", err);
        rc = EXIT_ERROR;
    }
    print_stats(&a, " at exit");
    if (pal_runtime_seqstate(a.dec->rt)) cli_seq_summary("agent", pal_runtime_seqstate(a.dec->rt));
    learn_write(&learning, "exit");
    pal_learn_free(learning.model);
    learning.model = NULL;
    agent_teardown(&a);
    return rc;
}
