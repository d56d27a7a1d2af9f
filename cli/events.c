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

enum {
    LINES_MIN_READ = 4096,
    LINES_FIRST_CAP = 16384,
    /* one line at the limit, its newline, and one read's worth beyond it */
    LINES_MAX_CAP = PAL_MAX_EVENT_LINE + 1 + 65536,
};

void cli_lines_init(cli_lines *l)
{
    memset(l, 0, sizeof *l);
}

void cli_lines_free(cli_lines *l)
{
    free(l->buf);
    memset(l, 0, sizeof *l);
}

char *cli_lines_space(cli_lines *l, size_t *avail)
{
    if (l->cap - l->len < LINES_MIN_READ || l->cap < LINES_FIRST_CAP) {
        size_t cap = l->cap ? l->cap : LINES_FIRST_CAP / 2;
        while (cap - l->len < LINES_MIN_READ || cap < LINES_FIRST_CAP) cap *= 2;
        if (cap > LINES_MAX_CAP) cap = LINES_MAX_CAP;
        if (cap - l->len < LINES_MIN_READ) return NULL;   /* cannot happen: len stays under the line limit */
        char *nb = realloc(l->buf, cap);
        if (!nb) return NULL;
        l->buf = nb;
        l->cap = cap;
    }
    *avail = l->cap - l->len;
    return l->buf + l->len;
}

/* One complete line buf[0..n) (without its newline). */
static int emit(cli_lines *l, const char *s, size_t n, cli_line_fn fn, void *user)
{
    l->lineno++;
    if (l->skipping) {
        l->skipping = false;
        return fn(user, NULL, 0, true, l->lineno);
    }
    while (n && (s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
    if (n == 0) return 0;
    if (n > PAL_MAX_EVENT_LINE) return fn(user, NULL, 0, true, l->lineno);
    return fn(user, s, n, false, l->lineno);
}

int cli_lines_commit(cli_lines *l, size_t n, cli_line_fn fn, void *user)
{
    size_t scan = l->len, start = 0;
    l->len += n;
    int rc = 0;
    while (scan < l->len) {
        char *nl = memchr(l->buf + scan, '\n', l->len - scan);
        if (!nl) break;
        size_t end = (size_t)(nl - l->buf);
        rc = emit(l, l->buf + start, end - start, fn, user);
        start = scan = end + 1;
        if (rc) break;
    }
    if (start) {
        memmove(l->buf, l->buf + start, l->len - start);
        l->len -= start;
    }
    if (rc) return rc;
    /* an unfinished line over the limit: drop what is held, remember to
       report it when its newline comes */
    if (l->len > PAL_MAX_EVENT_LINE || (l->skipping && l->len)) {
        l->skipping = true;
        l->len = 0;
    }
    return 0;
}

int cli_lines_finish(cli_lines *l, cli_line_fn fn, void *user)
{
    if (!l->len && !l->skipping) return 0;
    size_t n = l->len;
    l->len = 0;
    return emit(l, l->buf, n, fn, user);
}

bool cli_lines_partial(const cli_lines *l)
{
    return l->len > 0 || l->skipping;
}

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
    if (pal_event_decode_opts(line, len, d->fmt, d->decode_opts, d->decode_all ? NULL : d->p->event_fields_used,
                              &d->arena, &ev, err, sizeof err) != 0) {
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
