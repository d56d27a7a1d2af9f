/*
 * session.c — a line source and its decisions (design in session.h).
 */
#include "engine/runtime/session.h"

#include <string.h>

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

void pal_session_free(pal_session *s)
{
    pal_lines_free(&s->lines);
}

static bool over_limit(const pal_session *s)
{
    return s->out_limit && !s->ignore_limit && pal_outq_pending(s->out) >= s->out_limit;
}

/* One complete line: decided into the queue; stop if the queue is full. */
static int on_line(void *user, const char *line, size_t len, bool toolong, long lineno)
{
    pal_session *s = user;
    pal_decision_ctx c = {lineno, s->conn, false, NULL};
    pal_verdict v;
    s->counts->lines++;
    if (pal_decide_line(s->dec, line, len, toolong, c, &s->out->buf, &v) != 0) {
        s->counts->write_errors++;
    } else {
        s->counts->decisions++;
        if (v.input_error) s->counts->input_errors++;
    }
    return over_limit(s) ? 1 : 0;
}

bool pal_session_blocked(const pal_session *s)
{
    return pal_lines_held(&s->lines) || over_limit(s);
}

char *pal_session_space(pal_session *s, size_t *avail)
{
    if (pal_session_blocked(s)) return NULL;
    return pal_lines_space(&s->lines, avail);
}

bool pal_session_commit(pal_session *s, pal_decider *d, size_t n)
{
    s->dec = d;
    int rc = pal_lines_commit(&s->lines, n, on_line, s);
    s->dec = NULL;
    return rc != 0 && pal_lines_held(&s->lines);
}

bool pal_session_resume(pal_session *s, pal_decider *d, bool ignore_limit)
{
    if (!pal_lines_held(&s->lines)) return false;
    if (over_limit(s) && !ignore_limit) return true;
    s->dec = d;
    s->ignore_limit = ignore_limit;
    pal_lines_drain(&s->lines, on_line, s);
    s->ignore_limit = false;
    s->dec = NULL;
    return pal_lines_held(&s->lines);
}

void pal_session_finish(pal_session *s, pal_decider *d)
{
    s->dec = d;
    s->ignore_limit = true;
    pal_lines_finish(&s->lines, on_line, s);
    s->ignore_limit = false;
    s->dec = NULL;
}

bool pal_session_cut_short(pal_session *s, pal_decider *d, const char *why)
{
    pal_session_resume(s, d, true);
    long lineno = pal_lines_abandon(&s->lines);
    if (!lineno) return false;
    pal_decision_ctx c = {lineno, s->conn, false, why};
    s->counts->lines++;
    if (pal_decision_write(&s->out->buf, d->p, NULL, &c) != 0) {
        s->counts->write_errors++;
    } else {
        s->counts->decisions++;
        s->counts->input_errors++;
    }
    return true;
}
