/*
 * events.c — line splitting and per-line decisions shared by `eval` and
 * `agent` (design in events.h).
 */
#include "cli/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "engine/base/limits.h"

/* ---- decisions ---- */

int cli_decider_init(cli_decider *d, const pal_program *p, pal_input_format fmt)
{
    memset(d, 0, sizeof *d);
    d->p = p;
    d->fmt = fmt;
    d->rt = pal_runtime_new(p);
    if (!d->rt) return -1;
    pal_arena_init(&d->arena, 64u << 20);
    return 0;
}

void cli_decider_free(cli_decider *d)
{
    if (!d->rt) return;
    pal_runtime_free(d->rt);
    pal_arena_free(&d->arena);
    memset(d, 0, sizeof *d);
}

char *cli_error_decision(const pal_program *p, long lineno, const char *why)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    if (lineno >= 0) cJSON_AddNumberToObject(o, "line", (double)lineno);
    cJSON_AddStringToObject(o, "effect", "allow");
    cJSON_AddArrayToObject(o, "matches");
    cJSON_AddStringToObject(o, "error", why);
    cJSON_AddStringToObject(o, "revision", pal_program_str(p, p->revision));
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

char *cli_decide_line(cli_decider *d, const char *line, size_t len, bool toolong, long lineno, cli_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->effect = PE_ALLOW;
    char err[512];
    err[0] = 0;
    if (toolong) {
        v->input_error = true;
        snprintf(err, sizeof err, "line longer than %u bytes", PAL_MAX_EVENT_LINE);
        return cli_error_decision(d->p, lineno, err);
    }
    pal_event ev;
    pal_arena_reset(&d->arena);
    if (pal_event_decode(line, len, d->fmt, d->decode_all ? NULL : d->p->event_fields_used, &d->arena, &ev,
                         err, sizeof err) != 0) {
        v->input_error = true;
        return cli_error_decision(d->p, lineno, err[0] ? err : "the line could not be decoded");
    }
    pal_decision dec;
    if (pal_decide_event(d->rt, &ev, &dec) != 0) {
        v->input_error = true;
        return cli_error_decision(d->p, lineno, "out of memory deciding this event");
    }
    /* decided, but a field could not be read: say so */
    dec.warning = err[0] ? err : NULL;
    v->warning = err[0] != 0;
    v->effect = dec.effect;
    v->nmatches = dec.nmatches;
    v->vm_error = dec.vm_error != 0;
    bool learning = d->on_decided && d->on_decided(d->on_decided_user, d->p, &ev, &dec);
    if (learning) dec.effect = PE_ALLOW, v->effect = PE_ALLOW;
    char *js = pal_decision_json(d->rt, &dec, lineno);
    if (!js) {
        v->input_error = true;
        return cli_error_decision(d->p, lineno, "out of memory writing this decision");
    }
    if (learning && js[0] == '{') {   /* {"learning":true,... */
        size_t n = strlen(js);
        char *t = malloc(n + 17);
        if (t) {
            memcpy(t, "{\"learning\":true,", 17);
            memcpy(t + 17, js + 1, n);   /* the rest and its NUL */
            free(js);
            js = t;
        }
    }
    return js;
}
