/*
 * session.c — a line source and its decisions (design in session.h).
 *
 * On workers, the one rule that keeps the lines valid: the splitter's
 * buffer goes with the last batch that points into it.  Every read's
 * lines are added to batches as they are cut; when the read is used up
 * (nothing held) the last batch takes the buffer and the splitter goes on
 * in the one that batch gave back.  Batches are collected in order, so the
 * earlier batches that point into the same buffer (a read of more than
 * PAL_BATCH_LINES lines) are gone before it is reused.  While lines are
 * held (no slot for the next batch) the buffer stays with the splitter,
 * "borrowed" by the batches already submitted, and nothing is read into
 * it until the held lines have gone too and a batch has taken it — an
 * empty one, if need be.
 */
#include "engine/runtime/session.h"

#include <string.h>
#include "engine/runtime/workers.h"

void pal_outq_sent(pal_outq *q, size_t n)
{
    q->off += n;
    if (q->off >= q->buf.len) {
        q->off = 0;
        pal_strbuf_clear(&q->buf);
    } else if (q->off >= pal_outq_pending(q)) {
        /* amortised: the bytes moved are fewer than the bytes sent */
        pal_strbuf_consume(&q->buf, q->off);
        q->off = 0;
    }
}

unsigned long pal_outq_lines(const pal_outq *q)
{
    unsigned long n = 0;
    const char *p = pal_outq_data(q), *end = p + pal_outq_pending(q);
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) n++, p++;
    return n;
}

void pal_outq_free(pal_outq *q)
{
    pal_strbuf_free(&q->buf);
    q->off = 0;
}

void pal_session_init(pal_session *s, pal_outq *out, size_t out_limit, bool replies, unsigned long conn,
                      pal_session_counts *counts)
{
    memset(s, 0, sizeof *s);
    pal_lines_init(&s->lines);
    s->lines.deliver_empty = replies;   /* a request/reply client waits for an answer to every line */
    s->out = out;
    s->out_limit = out_limit;
    s->replies = replies;
    s->conn = conn;
    s->counts = counts;
}

void pal_session_use_workers(pal_session *s, pal_workers *w)
{
    s->workers = w;
}

void pal_session_free(pal_session *s)
{
    /* batches still point into the buffer: they go first */
    if (s->workers && s->borrowed) pal_workers_finish(s->workers);
    s->borrowed = false;
    pal_lines_free(&s->lines);
}

static bool over_limit(const pal_session *s)
{
    return s->out_limit && !s->ignore_limit && pal_outq_pending(s->out) >= s->out_limit;
}

/* ---- on workers ---- */

static void submit(pal_session *s, pal_batch *b)
{
    pal_batch_dest d = {&s->out->buf, s->counts, s->conn, s->only_notable, s->rotation};
    pal_workers_submit(s->workers, b, &d);
}

/* A line into the current batch; a full batch goes, and if no slot is
   free for the next, the lines behind it are held. */
static int batch_line(pal_session *s, const char *line, size_t len, bool toolong, long lineno)
{
    /* numbered here, in reading order, as deciding in place numbers it */
    uint64_t event = s->dec && s->dec->ids_by_count ? ++s->dec->events : 0;
    if (!s->batch || pal_batch_add(s->batch, line, len, toolong, lineno, event) != 0) {
        s->counts->lines++;
        s->counts->write_errors++;   /* out of memory: this line's decision is lost */
        return 0;
    }
    if (pal_batch_full(s->batch)) {
        submit(s, s->batch);
        s->borrowed = true;
        s->batch = pal_workers_begin(s->workers, s->ignore_limit);
        if (!s->batch) return 1;
    }
    return 0;
}

/* After a drain: the current batch goes (or back, when empty), and with it
   the buffer, unless lines are still held in it. */
static void end_batches(pal_session *s)
{
    pal_batch *b = s->batch;
    s->batch = NULL;
    bool has = b && pal_batch_size(b) > 0;
    if (pal_lines_held(&s->lines)) {
        if (has) {
            submit(s, b);
            s->borrowed = true;
        } else if (b) {
            pal_workers_cancel(s->workers, b);
        }
        return;
    }
    if (!has && !s->borrowed) {
        if (b) pal_workers_cancel(s->workers, b);
        return;
    }
    if (!b) b = pal_workers_begin(s->workers, true);   /* an empty batch, to carry the buffer */
    if (b && pal_batch_take_buffer(b, &s->lines) == 0) {
        submit(s, b);
        s->borrowed = false;
        return;
    }
    /* out of memory for the trade: the batches in flight are waited for, so nothing points into the buffer */
    if (b && pal_batch_size(b)) submit(s, b);
    else if (b) pal_workers_cancel(s->workers, b);
    pal_workers_finish(s->workers);
    s->borrowed = false;
}

/* ---- deciding ---- */

/* One complete line: decided into the queue (or into a batch); stop if
   the queue is full (or no batch slot is free). */
static int on_line(void *user, const char *line, size_t len, bool toolong, long lineno)
{
    pal_session *s = user;
    if (s->peek) s->peek(s->peek_user, line, len, toolong);
    if (s->workers) return batch_line(s, line, len, toolong, lineno);
    pal_decision_ctx c = {lineno, s->conn, false, NULL, s->only_notable, s->rotation, 0};
    pal_verdict v;
    size_t mark = s->out->buf.len;
    int rc = pal_decide_line(s->dec, line, len, toolong, c, &s->out->buf, &v);
    bool written = rc == 0;
    if (written && s->only_notable && !pal_verdict_notable(&v)) {
        pal_strbuf_truncate(&s->out->buf, mark);
        written = false;
    }
    pal_tally_line(s->counts, rc, &v, written);
    return over_limit(s) ? 1 : 0;
}

bool pal_session_blocked(const pal_session *s)
{
    return pal_lines_held(&s->lines) || over_limit(s) || (s->workers && !pal_workers_can_begin(s->workers));
}

char *pal_session_space(pal_session *s, size_t *avail)
{
    if (pal_session_blocked(s)) return NULL;
    return pal_lines_space(&s->lines, avail);
}

/* Runs fn (a drain of the splitter) with the decider, or with a batch to
   fill; false when no batch could be begun. */
static bool begin(pal_session *s, pal_decider *d)
{
    s->dec = d;
    if (!s->workers) return true;
    s->batch = pal_workers_begin(s->workers, s->ignore_limit);
    return s->batch != NULL;
}

static void end(pal_session *s)
{
    if (s->workers) end_batches(s);
    s->dec = NULL;
}

bool pal_session_commit(pal_session *s, pal_decider *d, size_t n)
{
    if (!begin(s, d)) {
        /* cannot happen after pal_session_space: the bytes wait as if held */
        s->lines.len += n;
        s->lines.held = true;
        s->dec = NULL;
        return true;
    }
    int rc = pal_lines_commit(&s->lines, n, on_line, s);
    end(s);
    return rc != 0 && pal_lines_held(&s->lines);
}

bool pal_session_resume(pal_session *s, pal_decider *d, bool ignore_limit)
{
    if (!pal_lines_held(&s->lines)) return false;
    if (over_limit(s) && !ignore_limit) return true;
    s->ignore_limit = ignore_limit;
    if (begin(s, d)) {
        pal_lines_drain(&s->lines, on_line, s);
        end(s);
    }
    s->ignore_limit = false;
    s->dec = NULL;
    return pal_lines_held(&s->lines);
}

void pal_session_finish(pal_session *s, pal_decider *d)
{
    s->ignore_limit = true;
    if (begin(s, d)) {
        pal_lines_finish(&s->lines, on_line, s);
        end(s);
    }
    s->ignore_limit = false;
    s->dec = NULL;
}

bool pal_session_cut_short(pal_session *s, pal_decider *d, const char *why)
{
    pal_session_resume(s, d, true);
    long lineno = pal_lines_abandon(&s->lines);
    if (!lineno) return false;
    if (s->workers) {
        /* after the lines before it: in a batch of its own */
        pal_batch *b = pal_workers_begin(s->workers, true);
        if (!b || pal_batch_add_error(b, lineno, why) != 0) {
            if (b) pal_workers_cancel(s->workers, b);
            s->counts->lines++;
            s->counts->write_errors++;
            return true;
        }
        s->batch = b;
        end_batches(s);
        return true;
    }
    pal_decision_ctx c = {lineno, s->conn, false, why, false, s->rotation, 0};
    s->counts->lines++;
    if (pal_decision_write(&s->out->buf, d->p, NULL, &c) != 0) {
        s->counts->write_errors++;
    } else {
        s->counts->decisions++;
        s->counts->input_errors++;
    }
    return true;
}
