/*
 * rstream.c — a consumer-group member (design in rstream.h).
 *
 * The entries between read and ack are a ring in read order, and so in
 * decision order: [committing ...][being decided ...].  Decisions come
 * back in line order (the session's, and the workers collect in order),
 * so the first entry being decided is the next decision's; commits are
 * replied to in order, so the committing ones at the front leave first.
 * After a connection loss the ring holds only stale entries (still being
 * decided, their decisions to be dropped), ahead of any read since.
 */
#include "engine/remote/rstream.h"
#include "engine/runtime/workers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/hiredis.h>

enum { T_GROUP = 1, T_TYPE, T_READ, T_CLAIM, T_MULTI, T_QUEUED, T_EXEC, T_XADD, T_XACK };
enum { P_DOWN = 0, P_SETUP, P_RECOVER, P_LIVE };
enum { E_FED = 1, E_COMMITTING };
enum { M_PRESENT = 0, M_NO_FIELD, M_DELETED };   /* the entry's event field */
enum { TX_MAX = 512, BLOCK_MS = 2000, BACKOFF_MIN_MS = 100, BACKOFF_MAX_MS = 5000, LOG_EVERY_MS = 10000,
       SETUP_TIMEOUT_MS = 10000 };

typedef struct ent {
    char id[48];
    unsigned long long seq;      /* its line in the session */
    unsigned char state;
    unsigned char missing;       /* M_*: its decision's error says which, and what to set */
    bool redelivered, stale;
} ent;

typedef struct commit {
    unsigned n;                  /* entries, from the ring's front */
    unsigned xadds_left;         /* pipelined: XADD replies still to come */
} commit;

/* A reply's entries, fed to the session one by one. */
typedef struct fetched {
    redisReply *reply;
    redisReply *entries;
    size_t next;
    bool redelivered, claimed;
    struct fetched *link;
} fetched;

struct pal_rstream {
    pal_rstream_opts o;
    pal_resp *rd, *cm, *ou;      /* reads; group, claims, acks (and commits on one server); the output's XADDs (another server) */
    bool one_server;
    int phase;
    int setup_left;
    long long setup_deadline_ms;  /* P_SETUP: given up then, and tried again as a refused connection is */
    long long reconnect_at_ms, last_log_ms;
    unsigned backoff_ms;
    unsigned long long suppressed_logs;
    char recover_id[48];
    bool read_busy, claim_busy;
    char claim_cursor[48];
    long long next_claim_ms;
    bool stopping;

    /* entries between read and ack */
    ent *ring;
    size_t cap, head, count, undecided;   /* ring[head + undecided] is the first being decided */
    commit *commits;
    size_t chead, ncommits;
    unsigned long long seq;       /* lines fed */
    bool tx_failed;               /* an error reply within the open transaction */

    /* entries read, not yet fed */
    fetched *fq, *fq_tail;
    size_t queued;
    size_t reserved_read, reserved_claim;   /* the COUNT of a read or claim not yet replied to */
    const char *cur;              /* the value being fed, and how far */
    size_t cur_len, cur_off;
    bool cur_open;                /* its newline is still to be written */

    pal_session s;
    pal_outq decisions;
    pal_strbuf scratch;
    pal_rstream_stats st;
};

static ent *at(pal_rstream *rs, size_t i) { return &rs->ring[(rs->head + i) % rs->cap]; }

static void logf_(pal_rstream *rs, long long now, const char *fmt, const char *a, const char *b)
{
    if (now && rs->last_log_ms && now - rs->last_log_ms < LOG_EVERY_MS) { rs->suppressed_logs++; return; }
    rs->last_log_ms = now;
    char msg[1024];
    snprintf(msg, sizeof msg, fmt, a, b);
    if (rs->suppressed_logs)
        fprintf(stderr, "palisade agent: redis: %s (and %llu more such messages)\n", msg, rs->suppressed_logs);
    else
        fprintf(stderr, "palisade agent: redis: %s\n", msg);
    rs->suppressed_logs = 0;
}

pal_rstream *pal_rstream_new(const pal_rstream_opts *o, pal_session_counts *counts, char *err, size_t cap)
{
    pal_rstream *rs = calloc(1, sizeof *rs);
    if (!rs) { snprintf(err, cap, "out of memory"); return NULL; }
    rs->o = *o;
    if (!rs->o.claim_idle_ms) rs->o.claim_idle_ms = 30000;
    if (!rs->o.max_inflight) rs->o.max_inflight = 4096;
    if (!rs->o.read_count) rs->o.read_count = 512;
    if (rs->o.read_count > rs->o.max_inflight) rs->o.read_count = rs->o.max_inflight;
    if (!rs->o.out_limit) rs->o.out_limit = 4u << 20;
    if (rs->o.setup_timeout_ms <= 0) rs->o.setup_timeout_ms = SETUP_TIMEOUT_MS;
    if (!rs->o.in.field[0]) strcpy(rs->o.in.field, "event");
    if (!rs->o.out.field[0]) strcpy(rs->o.out.field, "decision");
    if (!rs->o.in.has_group) {
        snprintf(err, cap, "the input URL names no consumer group: add ?group=G&consumer=C");
        free(rs);
        return NULL;
    }
    if (!rs->o.in.consumer[0]) {
        snprintf(err, cap, "the input URL names no consumer: add &consumer=C, a name of its own for each agent, the "
                 "same across its restarts (its pending entries are found by it)");
        free(rs);
        return NULL;
    }
    rs->one_server = pal_redis_same_server(&rs->o.in, &rs->o.out);
    rs->cap = rs->o.max_inflight;
    rs->ring = calloc(rs->cap, sizeof *rs->ring);
    rs->commits = calloc(rs->cap, sizeof *rs->commits);
    rs->rd = pal_resp_new(&rs->o.in);
    rs->cm = pal_resp_new(&rs->o.in);
    if (!rs->one_server) rs->ou = pal_resp_new(&rs->o.out);
    if (!rs->ring || !rs->commits || !rs->rd || !rs->cm || (!rs->one_server && !rs->ou)) {
        pal_rstream_free(rs);
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    pal_session_init(&rs->s, &rs->decisions, rs->o.out_limit, false, 0, counts);
    rs->s.lines.deliver_empty = true;   /* every entry gets its decision, an empty one too */
    rs->s.lines.read_size = 65536;
    pal_strbuf_init(&rs->scratch, 0);
    rs->backoff_ms = BACKOFF_MIN_MS;
    return rs;
}

static void free_fetched(pal_rstream *rs)
{
    while (rs->fq) {
        fetched *f = rs->fq;
        rs->fq = f->link;
        freeReplyObject(f->reply);
        free(f);
    }
    rs->fq_tail = NULL;
    rs->queued = 0;
}

void pal_rstream_free(pal_rstream *rs)
{
    if (!rs) return;
    pal_resp_free(rs->rd);
    pal_resp_free(rs->cm);
    pal_resp_free(rs->ou);
    /* an entry half fed has its bytes in the session: nothing points into a reply after this */
    free_fetched(rs);
    pal_session_free(&rs->s);
    pal_outq_free(&rs->decisions);
    pal_strbuf_free(&rs->scratch);
    free(rs->ring);
    free(rs->commits);
    free(rs);
}

pal_session *pal_rstream_session(pal_rstream *rs) { return &rs->s; }

static pal_resp *out_conn(pal_rstream *rs) { return rs->one_server ? rs->cm : rs->ou; }

static unsigned jitter(unsigned ms)
{
    /* +-25%: agents that lost one server together do not come back in step */
    return ms * 3 / 4 + (unsigned)(rand() % (int)(ms / 2 + 1));
}

/* Everything in flight is given up; the connections are made again later. */
static void reset(pal_rstream *rs, long long now, const char *why)
{
    size_t dropped = rs->undecided;   /* decided, or being committed: still pending in Redis */
    for (size_t i = rs->undecided; i < rs->count; i++) {
        if (!at(rs, i)->stale) dropped++;
        at(rs, i)->stale = true;
    }
    rs->head = (rs->head + rs->undecided) % rs->cap;
    rs->count -= rs->undecided;
    rs->undecided = 0;
    rs->chead = rs->ncommits = 0;
    rs->st.dropped += dropped;
    /* an entry half fed: only its newline is still written (it is stale: its decision is dropped) */
    if (rs->cur_open) {
        rs->cur = "";
        rs->cur_len = rs->cur_off = 0;
    }
    free_fetched(rs);
    rs->reserved_read = rs->reserved_claim = 0;
    pal_resp_close(rs->rd, NULL);
    pal_resp_close(rs->cm, NULL);
    if (rs->ou) pal_resp_close(rs->ou, NULL);
    if (rs->phase != P_DOWN) rs->st.reconnects++;
    rs->phase = P_DOWN;
    rs->read_busy = rs->claim_busy = false;
    rs->tx_failed = false;
    unsigned wait = jitter(rs->backoff_ms);
    rs->reconnect_at_ms = now + wait;
    if (rs->backoff_ms < BACKOFF_MAX_MS) rs->backoff_ms = rs->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : rs->backoff_ms * 2;
    char detail[160];
    snprintf(detail, sizeof detail, "; connecting again in %u ms%s", wait,
             dropped ? " (the entries not yet acked will be decided again)" : "");
    logf_(rs, now, "%s%s", why, detail);
}

static void connect_all(pal_rstream *rs, long long now)
{
    pal_resp *cs[3] = {rs->cm, rs->rd, rs->ou};
    rs->st.attempts++;
    for (int i = 0; i < 3; i++) {
        if (!cs[i]) continue;
        if (pal_resp_connect(cs[i]) != 0) {
            reset(rs, now, pal_resp_error(cs[i]));   /* still DOWN: a failed attempt is not another loss */
            return;
        }
    }
    rs->phase = P_SETUP;
    rs->setup_left = 0;
    rs->setup_deadline_ms = now + rs->o.setup_timeout_ms;
    const char *o = rs->o.in.stream;
    if (pal_resp_commandv(rs->cm, T_GROUP, 6, (const char *[]){"XGROUP", "CREATE", o, rs->o.in.group, rs->o.in.start, "MKSTREAM"}) == 0)
        rs->setup_left++;
    if (pal_resp_commandv(out_conn(rs), T_TYPE, 2, (const char *[]){"TYPE", rs->o.out.stream}) == 0) rs->setup_left++;
    strcpy(rs->recover_id, "0");
    strcpy(rs->claim_cursor, "0-0");
}

/* ---- reading ---- */

static size_t room(const pal_rstream *rs)
{
    size_t used = rs->count + rs->queued + rs->reserved_read + rs->reserved_claim;
    return used >= rs->cap ? 0 : rs->cap - used;
}

static bool in_flight(const pal_rstream *rs, const char *id, size_t len)
{
    if (len >= sizeof rs->ring[0].id) return false;
    for (size_t i = 0; i < rs->count; i++) {
        const ent *e = &rs->ring[(rs->head + i) % rs->cap];
        if (!e->stale && strlen(e->id) == len && !memcmp(e->id, id, len)) return true;
    }
    return false;
}

/* A reply's entries join the queue to be fed (the reply is kept while they are). */
static size_t enqueue(pal_rstream *rs, redisReply *reply, redisReply *entries, bool redelivered, bool claimed)
{
    if (!entries || entries->type != REDIS_REPLY_ARRAY || !entries->elements) { freeReplyObject(reply); return 0; }
    fetched *f = calloc(1, sizeof *f);
    if (!f) { freeReplyObject(reply); return 0; }   /* they stay pending: re-read or claimed later */
    f->reply = reply;
    f->entries = entries;
    f->redelivered = redelivered;
    f->claimed = claimed;
    if (rs->fq_tail) rs->fq_tail->link = f; else rs->fq = f;
    rs->fq_tail = f;
    rs->queued += entries->elements;
    return entries->elements;
}

/* XREADGROUP's reply: [[stream, [[id, [f, v, ...]], ...]]], or nil. */
static redisReply *read_entries(redisReply *r)
{
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 1) return NULL;
    redisReply *s = r->element[0];
    if (s->type != REDIS_REPLY_ARRAY || s->elements != 2) return NULL;
    return s->element[1];
}

static void issue_read(pal_rstream *rs)
{
    if (rs->read_busy || rs->stopping || (rs->phase != P_RECOVER && rs->phase != P_LIVE)) return;
    size_t n = room(rs);
    /* no dribble of tiny reads when nearly full */
    if (n == 0 || (n < rs->o.read_count && n < rs->cap / 4)) return;
    if (n > rs->o.read_count) n = rs->o.read_count;
    char count[24], block[24];
    snprintf(count, sizeof count, "%zu", n);
    snprintf(block, sizeof block, "%d", BLOCK_MS);
    const pal_redis_url *u = &rs->o.in;
    int rc;
    if (rs->phase == P_RECOVER)
        rc = pal_resp_commandv(rs->rd, T_READ, 9, (const char *[]){"XREADGROUP", "GROUP", u->group, u->consumer, "COUNT",
                                                                    count, "STREAMS", u->stream, rs->recover_id});
    else
        rc = pal_resp_commandv(rs->rd, T_READ, 11, (const char *[]){"XREADGROUP", "GROUP", u->group, u->consumer, "COUNT",
                                                                     count, "BLOCK", block, "STREAMS", u->stream, ">"});
    if (rc == 0) { rs->read_busy = true; rs->reserved_read = n; }
}

static void issue_claim(pal_rstream *rs, long long now)
{
    if (rs->claim_busy || rs->stopping || rs->phase != P_LIVE || now < rs->next_claim_ms) return;
    size_t n = room(rs);
    if (n < rs->cap / 4) return;
    if (n > rs->o.read_count) n = rs->o.read_count;
    char count[24], idle[24];
    snprintf(count, sizeof count, "%zu", n);
    snprintf(idle, sizeof idle, "%lld", rs->o.claim_idle_ms);
    const pal_redis_url *u = &rs->o.in;
    if (pal_resp_commandv(rs->cm, T_CLAIM, 8, (const char *[]){"XAUTOCLAIM", u->stream, u->group, u->consumer, idle,
                                                                rs->claim_cursor, "COUNT", count}) == 0) {
        rs->claim_busy = true;
        rs->reserved_claim = n;
    }
}

/* ---- feeding the session ---- */

/* An entry id as Redis writes one: MS-SEQ, digits.  The decision's JSON
   carries it unescaped, and XACK names it. */
static bool stream_id(const char *s, size_t n)
{
    size_t dash = 0, digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '-' && !dash && digits) { dash = i; continue; }
        if (s[i] < '0' || s[i] > '9') return false;
        digits++;
    }
    return dash && dash + 1 < n;
}

/* The next entry's event, and its place in the ring.  false: none. */
static bool next_entry(pal_rstream *rs)
{
    while (rs->fq) {
        fetched *f = rs->fq;
        if (f->next >= f->entries->elements) {
            rs->fq = f->link;
            if (!rs->fq) rs->fq_tail = NULL;
            freeReplyObject(f->reply);
            free(f);
            continue;
        }
        redisReply *e = f->entries->element[f->next++];
        rs->queued--;
        if (e->type != REDIS_REPLY_ARRAY || e->elements < 1 || e->element[0]->type != REDIS_REPLY_STRING ||
            e->element[0]->len >= sizeof rs->ring[0].id) {
            rs->st.errors++;
            continue;
        }
        redisReply *id = e->element[0];
        if (!stream_id(id->str, id->len)) { rs->st.errors++; continue; }   /* not from Redis: it would be acked as garbage */
        if (f->claimed && in_flight(rs, id->str, id->len)) continue;   /* ours already, still on its way */
        if (rs->count == rs->cap) { rs->st.errors++; continue; }       /* cannot happen: reads ask for the room */
        ent *slot = at(rs, rs->count++);
        memset(slot, 0, sizeof *slot);
        memcpy(slot->id, id->str, id->len);
        slot->seq = ++rs->seq;
        slot->state = E_FED;
        slot->redelivered = f->redelivered;
        rs->st.read++;
        if (f->redelivered) rs->st.redelivered++;
        if (f->claimed) rs->st.claimed++;
        rs->cur = "";
        rs->cur_len = rs->cur_off = 0;
        rs->cur_open = true;
        /* the event: the value of the field named; none (a deleted entry, another producer's) is an empty line,
           whose error decision is rewritten to say so (xadd) */
        slot->missing = e->elements >= 2 && e->element[1]->type == REDIS_REPLY_ARRAY ? M_NO_FIELD : M_DELETED;
        if (e->elements >= 2 && e->element[1]->type == REDIS_REPLY_ARRAY) {
            redisReply *fv = e->element[1];
            size_t flen = strlen(rs->o.in.field);
            for (size_t k = 0; k + 1 < fv->elements; k += 2) {
                redisReply *key = fv->element[k], *val = fv->element[k + 1];
                if (key->type == REDIS_REPLY_STRING && key->len == flen && !memcmp(key->str, rs->o.in.field, flen) &&
                    val->type == REDIS_REPLY_STRING) {
                    rs->cur = val->str;
                    rs->cur_len = val->len;
                    slot->missing = M_PRESENT;
                    break;
                }
            }
        }
        return true;
    }
    return false;
}

static void feed(pal_rstream *rs, pal_decider *d)
{
    /* lines held (the decisions' queue was at its limit, or no batch slot was free) go first: until they
       are decided the session gives no space, and nothing else would decide them */
    if (pal_session_resume(&rs->s, d, false)) return;
    for (;;) {
        if (!rs->cur_open && !next_entry(rs)) return;
        size_t avail;
        char *sp = pal_session_space(&rs->s, &avail);
        if (!sp) return;
        size_t w = 0;
        while (w < avail) {
            if (!rs->cur_open && !next_entry(rs)) break;
            size_t take = rs->cur_len - rs->cur_off;
            if (take > avail - w) take = avail - w;
            for (size_t i = 0; i < take; i++) {
                char c = rs->cur[rs->cur_off + i];
                sp[w + i] = (c == '\n' || c == '\r') ? ' ' : c;   /* one entry, one line */
            }
            w += take;
            rs->cur_off += take;
            if (rs->cur_off < rs->cur_len || w == avail) break;
            sp[w++] = '\n';
            rs->cur_open = false;
            rs->cur = NULL;
        }
        if (w) pal_session_commit(&rs->s, d, w);
        if (w < avail && !rs->cur_open && !rs->fq) return;
    }
}

/* ---- committing ---- */

static int send_argv(pal_resp *c, int tag, pal_strbuf *args, size_t argc)
{
    /* args holds argc (length, bytes) pairs laid out by push_arg */
    const char **argv = malloc(argc * sizeof *argv);
    size_t *lens = malloc(argc * sizeof *lens);
    if (!argv || !lens) { free(argv); free(lens); return -1; }
    const char *p = args->s;
    for (size_t i = 0; i < argc; i++) {
        size_t n;
        memcpy(&n, p, sizeof n);
        p += sizeof n;
        argv[i] = p;
        lens[i] = n;
        p += n;
    }
    int rc = pal_resp_command(c, tag, (int)argc, argv, lens);
    free(argv);
    free(lens);
    return rc;
}

static void push_arg(pal_strbuf *b, const char *s, size_t n)
{
    pal_strbuf_append(b, (const char *)&n, sizeof n);
    pal_strbuf_append(b, s, n);
}

static void xack(pal_rstream *rs, size_t first, size_t n)
{
    pal_strbuf b;
    pal_strbuf_init(&b, 0);
    push_arg(&b, "XACK", 4);
    push_arg(&b, rs->o.in.stream, strlen(rs->o.in.stream));
    push_arg(&b, rs->o.in.group, strlen(rs->o.in.group));
    for (size_t i = 0; i < n; i++) push_arg(&b, at(rs, first + i)->id, strlen(at(rs, first + i)->id));
    if (b.failed || send_argv(rs->cm, T_XACK, &b, n + 3) != 0) pal_resp_close(rs->cm, "out of memory");
    pal_strbuf_free(&b);
}

static void put_json_string(pal_strbuf *b, const char *s)
{
    pal_strbuf_puts(b, "\"");
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') pal_strbuf_append(b, "\\", 1);
        if ((unsigned char)*s < 0x20) continue;
        pal_strbuf_append(b, s, 1);
    }
    pal_strbuf_puts(b, "\"");
}

/* Where the string value of "error" lies in a decision line: [*from, *to)
   with its quotes.  false: none. */
static bool error_value(const char *line, size_t len, size_t *from, size_t *to)
{
    static const char key[] = "\"error\":\"";
    const char *p = memmem(line, len, key, sizeof key - 1);
    if (!p) return false;
    size_t i = (size_t)(p - line) + sizeof key - 1;
    *from = i - 1;
    for (; i < len; i++) {
        if (line[i] == '\\') { i++; continue; }
        if (line[i] == '"') { *to = i + 1; return true; }
    }
    return false;
}

/* The decision line (its newline dropped) with the entry first, into
   rs->scratch: {"entry":"ID","redelivered":true,...}.  An entry whose
   event field is missing was an empty line: its error says so, with what
   to set.  Returns 0, or -1 when out of memory. */
static int decision_value(pal_rstream *rs, const ent *e, const char *line, size_t len)
{
    pal_strbuf *j = &rs->scratch;
    pal_strbuf_clear(j);
    pal_strbuf_puts(j, "{\"entry\":\"");
    pal_strbuf_puts(j, e->id);   /* digits and one '-': nothing to escape */
    pal_strbuf_puts(j, e->redelivered ? "\",\"redelivered\":true," : "\",");
    size_t from, to;
    if (e->missing != M_PRESENT && error_value(line, len, &from, &to)) {
        char why[1024];
        if (e->missing == M_DELETED)
            snprintf(why, sizeof why, "entry %s of stream %.200s was deleted before it was decided (no fields to read)",
                     e->id, rs->o.in.stream);
        else
            snprintf(why, sizeof why, "entry %s of stream %.200s has no field \"%s\", where the event is read from: "
                     "write each event as the entry's \"%s\" field, or name the field that holds it with field=NAME in "
                     "the --input URL (redis://HOST:PORT/STREAM?group=G&consumer=C&field=NAME)",
                     e->id, rs->o.in.stream, rs->o.in.field, rs->o.in.field);
        pal_strbuf_append(j, line + 1, from - 1);
        put_json_string(j, why);
        pal_strbuf_append(j, line + to, len - to);
    } else {
        pal_strbuf_append(j, line + 1, len - 1);
    }
    return j->failed ? -1 : 0;
}

static int xadd(pal_rstream *rs, pal_resp *c, int tag, const ent *e, const char *line, size_t len)
{
    if (decision_value(rs, e, line, len) != 0) return -1;
    pal_strbuf *j = &rs->scratch;
    const pal_redis_url *o = &rs->o.out;
    const char *argv[10];
    size_t lens[10];
    int n = 0;
#define ARG(s, l) (argv[n] = (s), lens[n] = (l), n++)
    char maxlen[24];
    ARG("XADD", 4);
    ARG(o->stream, strlen(o->stream));
    if (o->maxlen) {
        snprintf(maxlen, sizeof maxlen, "%lld", o->maxlen);
        ARG("MAXLEN", 6);
        ARG("~", 1);   /* approximate: trimmed by whole nodes, cheap */
        ARG(maxlen, strlen(maxlen));
    }
    ARG("*", 1);
    ARG("entry", 5);
    ARG(e->id, strlen(e->id));
    ARG(o->field, strlen(o->field));
    ARG(j->s, j->len);
#undef ARG
    return pal_resp_command(c, tag, n, argv, lens);
}

/* The number in "line":N of a decision line, or 0. */
static unsigned long long line_of(const char *s, size_t len)
{
    const char *end = s + (len > 96 ? 96 : len);   /* "line" is among the first members */
    for (const char *p = s; p + 7 < end; p++) {
        if (memcmp(p, "\"line\":", 7)) continue;
        unsigned long long n = 0;
        for (p += 7; p < end && *p >= '0' && *p <= '9'; p++) n = n * 10 + (unsigned)(*p - '0');
        return n;
    }
    return 0;
}

/* Decisions made go out: a transaction per run (one server), or XADDs whose replies bring the XACK. */
static void commit_decisions(pal_rstream *rs, long long now)
{
    pal_outq *q = &rs->decisions;
    size_t in_tx = 0, tx_first = 0;
    pal_resp *oc = out_conn(rs);
    if (rs->phase != P_DOWN && (pal_resp_state(oc) == PAL_RESP_DOWN || pal_resp_state(rs->cm) == PAL_RESP_DOWN))
        reset(rs, now, pal_resp_state(oc) == PAL_RESP_DOWN ? pal_resp_error(oc) : pal_resp_error(rs->cm));
    bool up = rs->phase != P_DOWN;   /* else every entry in the ring is stale */
    while (pal_outq_pending(q)) {
        const char *line = pal_outq_data(q);
        const char *nl = memchr(line, '\n', pal_outq_pending(q));
        if (!nl) break;
        size_t len = (size_t)(nl - line);
        unsigned long long seq = line_of(line, len);
        size_t i = rs->undecided;
        if (i >= rs->count || at(rs, i)->seq != seq || len < 2 || line[0] != '{') {
            /* a decision that matches no entry: one was lost on the way (out of memory); start over */
            pal_outq_sent(q, len + 1);
            reset(rs, now, "a decision did not match its entry (out of memory?)");
            return;
        }
        ent *e = at(rs, i);
        if (e->stale || !up) {
            /* read before the connection was lost: it is pending still, and comes back */
            rs->head = (rs->head + 1) % rs->cap;   /* stale entries are the front: undecided is 0 */
            rs->count--;
            pal_outq_sent(q, len + 1);
            continue;
        }
        if (rs->one_server && !in_tx) {
            if (pal_resp_commandv(rs->cm, T_MULTI, 1, (const char *[]){"MULTI"}) != 0) break;
            tx_first = i;
        }
        if (xadd(rs, oc, rs->one_server ? T_QUEUED : T_XADD, e, line, len) != 0) break;
        e->state = E_COMMITTING;
        rs->undecided++;
        in_tx++;
        pal_outq_sent(q, len + 1);
        if (in_tx == TX_MAX) {
            if (rs->one_server) {
                xack(rs, tx_first, in_tx);
                pal_resp_commandv(rs->cm, T_EXEC, 1, (const char *[]){"EXEC"});
            }
            commit *c = &rs->commits[(rs->chead + rs->ncommits++) % rs->cap];
            c->n = c->xadds_left = (unsigned)in_tx;
            in_tx = 0;
        }
    }
    if (in_tx) {
        if (rs->one_server) {
            xack(rs, tx_first, in_tx);
            pal_resp_commandv(rs->cm, T_EXEC, 1, (const char *[]){"EXEC"});
        }
        commit *c = &rs->commits[(rs->chead + rs->ncommits++) % rs->cap];
        c->n = c->xadds_left = (unsigned)in_tx;
    }
}

/* The oldest commit is done: its entries leave the ring. */
static void commit_done(pal_rstream *rs)
{
    commit *c = &rs->commits[rs->chead];
    rs->head = (rs->head + c->n) % rs->cap;
    rs->count -= c->n;
    rs->undecided -= c->n;
    rs->st.committed += c->n;
    rs->chead = (rs->chead + 1) % rs->cap;
    rs->ncommits--;
}

/* ---- replies ---- */

static void reply_text(const redisReply *r, char *out, size_t cap)
{
    snprintf(out, cap, "%.*s", (int)(r->len > 300 ? 300 : r->len), r->str ? r->str : "");
}

/* Takes r (frees it, or keeps it while its entries are fed).  Returns
   false when the connections were reset. */
static bool on_reply(pal_rstream *rs, pal_resp *from, redisReply *r, int tag, long long now)
{
    char text[320];
    bool err = r->type == REDIS_REPLY_ERROR;
    if (err) reply_text(r, text, sizeof text);
    switch (tag) {
    case T_GROUP:
        rs->setup_left--;
        if (err && strncmp(text, "BUSYGROUP", 9)) { rs->st.errors++; reset(rs, now, text); freeReplyObject(r); return false; }
        break;
    case T_TYPE:
        rs->setup_left--;
        if (err || (r->type == REDIS_REPLY_STATUS && strcmp(r->str, "none") && strcmp(r->str, "stream"))) {
            char why[700];
            snprintf(why, sizeof why, "the output key %.200s holds a %.200s, not a stream: decisions cannot be written to it",
                     rs->o.out.stream, err ? text : r->str);
            rs->st.errors++;
            reset(rs, now, why);
            freeReplyObject(r); return false;
        }
        break;
    case T_READ: {
        rs->read_busy = false;
        rs->reserved_read = 0;
        if (err) { rs->st.errors++; reset(rs, now, text); freeReplyObject(r); return false; }
        if (rs->stopping) break;   /* delivered, not decided: pending, for a restart or a claim */
        redisReply *entries = read_entries(r);
        size_t n = entries ? entries->elements : 0;
        if (rs->phase == P_RECOVER) {
            if (n == 0) {
                rs->phase = P_LIVE;
                rs->next_claim_ms = now;   /* a restarted agent helps at once */
                rs->backoff_ms = BACKOFF_MIN_MS;
            } else {
                const redisReply *last = entries->element[n - 1];
                if (last->type == REDIS_REPLY_ARRAY && last->elements >= 1 && last->element[0]->type == REDIS_REPLY_STRING &&
                    last->element[0]->len < sizeof rs->recover_id) {
                    memcpy(rs->recover_id, last->element[0]->str, last->element[0]->len);
                    rs->recover_id[last->element[0]->len] = 0;
                } else {
                    rs->phase = P_LIVE;
                }
            }
        }
        if (n) { enqueue(rs, r, entries, rs->phase == P_RECOVER, false); return true; }
        break;
    }
    case T_CLAIM: {
        rs->claim_busy = false;
        rs->reserved_claim = 0;
        if (err) { rs->st.errors++; reset(rs, now, text); freeReplyObject(r); return false; }
        if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2 && r->element[0]->type == REDIS_REPLY_STRING &&
            r->element[0]->len < sizeof rs->claim_cursor) {
            memcpy(rs->claim_cursor, r->element[0]->str, r->element[0]->len);
            rs->claim_cursor[r->element[0]->len] = 0;
            bool more = strcmp(rs->claim_cursor, "0-0") != 0;
            long long interval = rs->o.claim_idle_ms / 2 < 1000 ? 1000 : rs->o.claim_idle_ms / 2;
            rs->next_claim_ms = more ? now : now + interval;
            if (!rs->stopping && r->element[1]->type == REDIS_REPLY_ARRAY && r->element[1]->elements) {
                enqueue(rs, r, r->element[1], true, true);
                return true;
            }
        }
        break;
    }
    case T_MULTI:
    case T_QUEUED:
        if (err) { rs->tx_failed = true; rs->st.errors++; logf_(rs, now, "in a transaction: %s%s", text, ""); }
        break;
    case T_EXEC:
        if (!rs->ncommits) break;
        if (err || r->type != REDIS_REPLY_ARRAY) {
            /* not applied: the entries are pending, as if the connection had been lost */
            rs->st.errors++;
            reset(rs, now, err ? text : "a transaction was not applied");
            freeReplyObject(r); return false;
        }
        for (size_t k = 0; k < r->elements; k++) {
            if (r->element[k]->type == REDIS_REPLY_ERROR) {
                reply_text(r->element[k], text, sizeof text);
                rs->st.errors++;
                logf_(rs, now, "a command of a commit failed when it ran: %s%s", text, "");
            }
        }
        rs->tx_failed = false;
        commit_done(rs);
        break;
    case T_XADD:
        if (!rs->ncommits) break;
        if (err) { rs->st.errors++; reset(rs, now, text); freeReplyObject(r); return false; }   /* not written: not acked */
        if (--rs->commits[rs->chead].xadds_left == 0) {
            xack(rs, 0, rs->commits[rs->chead].n);
            commit_done(rs);
        }
        break;
    case T_XACK:
        if (err) { rs->st.errors++; logf_(rs, now, "XACK: %s%s", text, ""); }
        break;
    }
    (void)from;
    freeReplyObject(r);
    if (rs->phase == P_SETUP && rs->setup_left == 0) rs->phase = P_RECOVER;
    return true;
}

/* ---- the loop's calls ---- */

size_t pal_rstream_pollfds(pal_rstream *rs, struct pollfd *fds, size_t cap)
{
    size_t n = 0;
    pal_resp *cs[3] = {rs->rd, rs->cm, rs->ou};
    for (int i = 0; i < 3 && n < cap; i++) {
        if (!cs[i] || pal_resp_fd(cs[i]) < 0) continue;
        fds[n++] = (struct pollfd){pal_resp_fd(cs[i]), pal_resp_events(cs[i]), 0};
    }
    return n;
}

void pal_rstream_handle(pal_rstream *rs, const struct pollfd *fds, size_t n, pal_decider *d, long long now)
{
    (void)d;
    pal_resp *cs[3] = {rs->rd, rs->cm, rs->ou};
    for (size_t k = 0; k < n; k++) {
        if (!fds[k].revents) continue;
        for (int i = 0; i < 3; i++) {
            if (!cs[i] || pal_resp_fd(cs[i]) != fds[k].fd) continue;
            if (pal_resp_io(cs[i], fds[k].revents) != 0) {
                if (cs[i] == rs->rd && rs->stopping) break;   /* closed on purpose */
                reset(rs, now, pal_resp_error(cs[i]));
                return;
            }
            void *r;
            int tag;
            while (pal_resp_next(cs[i], &r, &tag) == 1)
                if (!on_reply(rs, cs[i], r, tag, now)) return;
            if (pal_resp_state(cs[i]) == PAL_RESP_DOWN) { reset(rs, now, pal_resp_error(cs[i])); return; }
        }
    }
}

/* The setup took too long: a name lookup that never answers (its thread
   stays out, and the next attempt waits for it rather than starting
   another: resp.c), a connect to an address that drops the SYN, a TLS
   handshake or a server that never replies.  Said as what was waited for,
   then retried as a refused connection is (reset's back-off). */
static void setup_timed_out(pal_rstream *rs, long long now)
{
    pal_resp *cs[3] = {rs->cm, rs->rd, rs->ou};
    const pal_resp *late = NULL;
    for (int i = 0; i < 3 && !late; i++)   /* the first one not up says what was waited for */
        if (cs[i] && pal_resp_state(cs[i]) != PAL_RESP_UP) late = cs[i];
    const pal_redis_url *u = late == rs->ou ? &rs->o.out : &rs->o.in;
    char where[300], why[600];
    pal_redis_url_where(u, where, sizeof where);
    int st = late ? pal_resp_state(late) : PAL_RESP_UP;
    const char *what = st == PAL_RESP_RESOLVING ? "the host name lookup gave no answer"
                       : st == PAL_RESP_CONNECTING ? "the connection was not accepted"
                       : st == PAL_RESP_HANDSHAKE ? "the TLS handshake did not finish"
                       : "the server did not answer the setup (XGROUP CREATE, TYPE)";
    snprintf(why, sizeof why, "%.250s: %s within %lld s", where, what, (rs->o.setup_timeout_ms + 999) / 1000);
    reset(rs, now, why);
}

void pal_rstream_step(pal_rstream *rs, pal_decider *d, long long now)
{
    if (rs->phase == P_SETUP && now >= rs->setup_deadline_ms) setup_timed_out(rs, now);
    if (rs->phase == P_DOWN && !rs->stopping && now >= rs->reconnect_at_ms) connect_all(rs, now);
    commit_decisions(rs, now);
    feed(rs, d);
    commit_decisions(rs, now);   /* decided in place (no workers): out at once */
    issue_read(rs);
    issue_claim(rs, now);
}

static long long activity_timeout(const pal_rstream *rs, long long now);

long long pal_rstream_timeout(const pal_rstream *rs, long long now)
{
    if (rs->phase == P_DOWN) {
        if (rs->stopping) return -1;
        return rs->reconnect_at_ms > now ? rs->reconnect_at_ms - now : 0;
    }
    long long t = activity_timeout(rs, now);
    if (rs->phase == P_SETUP) {   /* woken at the setup's deadline */
        long long left = rs->setup_deadline_ms > now ? rs->setup_deadline_ms - now : 0;
        if (t < 0 || left < t) t = left;
    }
    return t;
}

static long long activity_timeout(const pal_rstream *rs, long long now)
{
    if ((rs->cur_open || rs->fq) && !pal_session_blocked(&rs->s)) return 0;
    /* held lines wait for room in the queue (made by the next commit) or a worker's slot (its eventfd wakes the loop) */
    if (pal_session_held(&rs->s) && (!rs->s.workers || pal_workers_can_begin(rs->s.workers))) return 0;
    if (pal_outq_pending(&rs->decisions)) return 0;
    if (rs->phase == P_LIVE && !rs->claim_busy && !rs->stopping) {
        long long t = rs->next_claim_ms - now;
        return t < 0 ? 0 : t;
    }
    return -1;
}

void pal_rstream_stop(pal_rstream *rs)
{
    rs->stopping = true;
    /* a blocked read is given up: what it would bring stays pending for a restart or a claim */
    if (rs->read_busy) { pal_resp_close(rs->rd, NULL); rs->read_busy = false; rs->reserved_read = 0; }
}

bool pal_rstream_busy(const pal_rstream *rs)
{
    if (rs->phase == P_DOWN) return false;   /* what is in flight is pending in Redis */
    return rs->count || rs->fq || rs->cur_open || pal_outq_pending(&rs->decisions) || rs->claim_busy;
}

void pal_rstream_get_stats(const pal_rstream *rs, pal_rstream_stats *st)
{
    *st = rs->st;
    st->up = rs->phase == P_RECOVER || rs->phase == P_LIVE;
    st->inflight = (unsigned)(rs->count + rs->queued);
}

/* ---- without a server (tests, fuzz_rstream) ---- */

int pal_rstream_test_reply(pal_rstream *rs, int kind, void *reply, long long now)
{
    rs->phase = kind == PAL_RSTREAM_TEST_RECOVER ? P_RECOVER : P_LIVE;
    rs->stopping = false;
    size_t n = room(rs);
    if (n > rs->o.read_count) n = rs->o.read_count;
    int tag;
    if (kind == PAL_RSTREAM_TEST_CLAIM) { rs->claim_busy = true; rs->reserved_claim = n; tag = T_CLAIM; }
    else { rs->read_busy = true; rs->reserved_read = n; tag = T_READ; }
    if (!on_reply(rs, NULL, reply, tag, now)) return -1;
    return rs->phase == P_RECOVER ? PAL_RSTREAM_TEST_RECOVER : PAL_RSTREAM_TEST_READ;
}

void pal_rstream_test_feed(pal_rstream *rs, pal_decider *d)
{
    feed(rs, d);
}

long pal_rstream_test_drain(pal_rstream *rs, void (*out)(void *user, const char *entry, const char *value, size_t len),
                            void *user)
{
    pal_outq *q = &rs->decisions;
    long n = 0;
    while (pal_outq_pending(q)) {
        const char *line = pal_outq_data(q);
        const char *nl = memchr(line, '\n', pal_outq_pending(q));
        if (!nl) return -1;   /* the session writes whole lines */
        size_t len = (size_t)(nl - line);
        if (rs->count == 0 || at(rs, 0)->seq != line_of(line, len) || len < 2 || line[0] != '{') return -1;
        ent *e = at(rs, 0);
        if (!e->stale) {   /* a stale entry's decision is dropped, as commit_decisions does */
            if (decision_value(rs, e, line, len) != 0) return -1;
            out(user, e->id, rs->scratch.s, rs->scratch.len);
        }
        rs->head = (rs->head + 1) % rs->cap;   /* as if committed */
        rs->count--;
        rs->st.committed++;
        pal_outq_sent(q, len + 1);
        n++;
    }
    return n;
}

size_t pal_rstream_test_held(const pal_rstream *rs)
{
    return rs->count + rs->queued;
}
