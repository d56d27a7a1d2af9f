/*
 * decider.c — per-line decisions shared by `eval` and `agent` (design in
 * decider.h).
 */
#include "engine/runtime/decider.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "engine/base/limits.h"

int64_t pal_clock_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pal_decider_init(pal_decider *d, const pal_program *p, pal_input_format fmt)
{
    memset(d, 0, sizeof *d);
    d->p = p;
    d->fmt = fmt;
    d->max_line = PAL_MAX_EVENT_LINE;
    d->rt = pal_runtime_new(p);
    if (!d->rt) return -1;
    pal_arena_init(&d->arena, 64u << 20);
    return 0;
}

int pal_decider_init_like(pal_decider *d, const pal_program *p, const pal_decider *like)
{
    if (pal_decider_init(d, p, like->fmt) != 0) return -1;
    d->on_decided = like->on_decided;
    d->on_decided_user = like->on_decided_user;
    d->decode_all = like->decode_all;
    if (like->max_line) d->max_line = like->max_line;
    d->decode_opts = like->decode_opts;
    return 0;
}

void pal_tally_line(pal_tally *t, int rc, const pal_verdict *v, bool written)
{
    t->lines++;
    if (rc != 0) {
        t->write_errors++;
        return;
    }
    if (written) t->decisions++;
    if (v->input_error) t->input_errors++;
    if (v->warning) t->warnings++;
    if (v->effect >= PE_PREVENT) t->denied++;
    if (v->nmatches) t->with_findings++;
}

void pal_tally_add(pal_tally *t, const pal_tally *more)
{
    t->lines += more->lines;
    t->decisions += more->decisions;
    t->input_errors += more->input_errors;
    t->write_errors += more->write_errors;
    t->warnings += more->warnings;
    t->denied += more->denied;
    t->with_findings += more->with_findings;
}

void pal_decider_free(pal_decider *d)
{
    if (!d->rt) return;
    pal_runtime_free(d->rt);
    pal_arena_free(&d->arena);
    memset(d, 0, sizeof *d);
}

static int error_decision(pal_decider *d, pal_decision_ctx c, const char *why, pal_strbuf *out, pal_verdict *v)
{
    v->input_error = true;
    v->effect = PE_ALLOW;
    v->nmatches = 0;
    v->warning = v->vm_error = false;
    c.error = why;
    c.learning = false;
    return pal_decision_write(out, d->p, NULL, &c);
}

int pal_decide_line(pal_decider *d, const char *line, size_t len, bool toolong, pal_decision_ctx c, pal_strbuf *out,
                    pal_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->effect = PE_ALLOW;
    /* the agent numbers every line it decides, decodable or not, unless
       its number came with it (a worker's line: numbered when read) */
    if (d->ids_by_count && !c.event) c.event = ++d->events;
    char err[512];
    err[0] = 0;
    if (toolong) {
        snprintf(err, sizeof err, "line longer than %u bytes", d->max_line);
        return error_decision(d, c, err, out, v);
    }
    pal_event ev;
    pal_arena_reset(&d->arena);
    if (pal_event_decode_opts(line, len, d->fmt, d->decode_opts, d->decode_all ? NULL : d->p->event_fields_used, &d->arena, &ev,
                         err, sizeof err) != 0)
        return error_decision(d, c, err[0] ? err : "the line could not be decoded", out, v);
    pal_decision dec;
    /* a correlation names its events by line (eval), or by their number
       in the agent's stream (lines of several connections interleave) */
    int64_t clock = d->clock_ms ? d->clock_ms : pal_clock_ms();
    pal_runtime_set_event(d->rt, c.event ? c.event : c.line >= 0 ? (uint64_t)c.line : 0, clock);
    if (pal_decide_event(d->rt, &ev, &dec) != 0)
        return error_decision(d, c, "out of memory deciding this event", out, v);
    /* decided, but a field could not be read: say so */
    dec.warning = err[0] ? err : NULL;
    v->warning = err[0] != 0;
    v->effect = dec.effect;
    v->nmatches = dec.nmatches;
    v->vm_error = dec.vm_error != 0;
    c.learning = d->on_decided && d->on_decided(d->on_decided_user, d->p, &ev, &dec);
    c.error = NULL;
    if (c.learning) v->effect = PE_ALLOW;
    /* nobody reads it: writing costs more than deciding did (unless its
       step hits may still complete a chain: the ordered stage decides) */
    bool may_change = d->deferred && pal_runtime_has_hits(d->rt);
    if (c.only_notable && !pal_verdict_notable(v) && !may_change) return 0;
    size_t at = out->len;
    pal_decision_marks marks;
    if (pal_decision_write_marked(out, d->p, &dec, &c, &marks) != 0)
        return error_decision(d, c, "out of memory writing this decision", out, v);
    if (d->deferred) {
        pal_deferred *df = d->deferred;
        size_t hits_at = df->hits.len;
        int x = pal_runtime_export_hits(d->rt, &ev, &df->hits);
        if (x > 0 && df->n == df->cap) {
            size_t nc = df->cap ? df->cap * 2 : 64;
            pal_deferred_line *nl = realloc(df->lines, nc * sizeof *nl);
            if (!nl) x = -1;
            else df->lines = nl, df->cap = nc;
        }
        if (x < 0) {
            pal_strbuf_truncate(&df->hits, hits_at);
            pal_strbuf_truncate(out, at);
            return error_decision(d, c, "out of memory deciding this event", out, v);
        }
        if (x > 0) {
            df->lines[df->n++] = (pal_deferred_line){at, marks, hits_at, df->hits.len - hits_at, c.event, c.line, clock,
                                                     v->effect, c.learning, dec.nmatches != 0, pal_verdict_notable(v)};
            v->deferred = true;
        }
    }
    return 0;
}

void pal_deferred_init(pal_deferred *df)
{
    memset(df, 0, sizeof *df);
    pal_strbuf_init(&df->hits, 0);
}

void pal_deferred_clear(pal_deferred *df)
{
    pal_strbuf_clear(&df->hits);
    df->n = 0;
}

void pal_deferred_free(pal_deferred *df)
{
    pal_strbuf_free(&df->hits);
    free(df->lines);
    memset(df, 0, sizeof *df);
}

int pal_decider_settle(pal_decider *io, const pal_program *from, pal_deferred *df, pal_strbuf *out, pal_strbuf *scratch,
                       pal_tally *t, bool only_notable)
{
    if (!df->n) return 0;
    pal_strbuf_clear(scratch);
    size_t copied = 0;
    int rc = 0;
    for (size_t i = 0; i < df->n; i++) {
        const pal_deferred_line *L = &df->lines[i];
        const char *line = out->s + L->at;
        const pal_decision_marks *mk = &L->marks;
        pal_strbuf_append(scratch, out->s + copied, L->at - copied);
        copied = L->at + mk->len;
        uint64_t id = L->event ? L->event : L->line >= 0 ? (uint64_t)L->line : 0;
        int64_t clock = io->clock_ms ? io->clock_ms : L->clock;
        pal_decision d;
        if (pal_runtime_apply_hits(io->rt, from, df->hits.s + L->hits_at, L->hits_len, id, clock, &d) != 0) {
            rc = -1;
            d.nmatches = 0;
        }
        if (!d.nmatches) {
            if (only_notable && !L->notable) t->decisions--;   /* kept for its hits only: nothing to say after all */
            else pal_strbuf_append(scratch, line, mk->len);
            continue;
        }
        int effect = L->effect;
        for (uint32_t k = 0; k < d.nmatches && !L->learning; k++)
            if (d.matches[k].effect > effect) effect = d.matches[k].effect;
        pal_strbuf_append(scratch, line, mk->effect_at);
        pal_strbuf_putc(scratch, '"');
        pal_strbuf_puts(scratch, pal_effect_name((unsigned)effect));
        pal_strbuf_putc(scratch, '"');
        pal_strbuf_append(scratch, line + mk->effect_end, mk->close_at - mk->effect_end);
        for (uint32_t k = 0; k < d.nmatches; k++) {
            if (k || L->had_matches) pal_strbuf_putc(scratch, ',');
            pal_decision_write_match(scratch, io->p, &d.matches[k]);
        }
        pal_strbuf_append(scratch, line + mk->close_at, mk->len - mk->close_at);
        if (!L->had_matches) t->with_findings++;
        if (effect >= PE_PREVENT && L->effect < PE_PREVENT) t->denied++;
    }
    pal_strbuf_append(scratch, out->s + copied, out->len - copied);
    if (scratch->failed) {   /* out of memory: the lines as they were */
        pal_strbuf_clear(scratch);
        return -1;
    }
    pal_strbuf tmp = *out;
    *out = *scratch;
    *scratch = tmp;
    return rc;
}
