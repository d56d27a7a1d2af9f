/*
 * decider.c — per-line decisions shared by `eval` and `agent` (design in
 * decider.h).
 */
#include "engine/runtime/decider.h"

#include <stdio.h>
#include <string.h>
#include "engine/base/limits.h"

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
    if (pal_decision_write(out, d->p, &dec, &c) != 0)
        return error_decision(d, c, "out of memory writing this decision", out, v);
    return 0;
}
