/*
 * exceptions.c — the --exceptions file: read strictly, matched per finding.
 *
 * The file is read with the shared YAML reader (frameworks.c): bounded,
 * no aliases, every error at a line.  Entries are kept in file order and a
 * finding takes the first unexpired entry that matches; expired entries
 * are only used to explain why a finding fails again.  Matching is linear
 * in the number of entries, and each glob match is linear in its inputs
 * (pal_glob_match), so a large file costs time proportional to its size
 * times the findings — both bounded.
 */
#include <stdio.h>
#include <string.h>
#include "engine/scan/exceptions.h"
#include "engine/core/match.h"

static bool leap(long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

long cli_parse_date(const char *s, size_t len)
{
    if (len != 10 || s[4] != '-' || s[7] != '-') return -1;
    for (size_t i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return -1;
    long y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || m < 1 || m > 12 || d < 1) return -1;
    if (d > mdays[m - 1] + (m == 2 && leap(y))) return -1;
    long days = 0;
    for (long yy = 1970; yy < y; yy++) days += leap(yy) ? 366 : 365;
    for (int mm = 1; mm < m; mm++) days += mdays[mm - 1] + (mm == 2 && leap(y));
    return days + d - 1;
}

static const char *copy_scalar(pal_exceptions *x, const pal_yaml_doc *doc, const pal_yaml *v,
                               const char *what, size_t max, char *err, size_t errcap)
{
    if (v->kind != PAL_YAML_SCALAR) {
        pal_yaml_error(doc, v, err, errcap, "'%s' must be a plain value (a string)", what);
        return NULL;
    }
    if (v->len == 0 || v->len > max) {
        pal_yaml_error(doc, v, err, errcap, "'%s' must be 1 to %zu characters long", what, max);
        return NULL;
    }
    if (memchr(v->str, 0, v->len)) {
        pal_yaml_error(doc, v, err, errcap, "'%s' holds a NUL character", what);
        return NULL;
    }
    const char *c = pal_arena_strndup(&x->arena, v->str, v->len);
    if (!c) pal_yaml_error(doc, v, err, errcap, "out of memory");
    return c;
}

int pal_exceptions_load(pal_exceptions *x, const char *file, long today, char *err, size_t errcap)
{
    static const char *const top_keys[] = {"exceptions", NULL};
    static const char *const entry_keys[] = {"id", "image", "path", "reason", "expires", NULL};
    memset(x, 0, sizeof *x);
    pal_yaml_doc doc;
    if (pal_yaml_load(&doc, file, NULL, err, errcap) != 0) return -1;
    pal_arena_init(&x->arena, 0);
    int rc = -1;
    const pal_yaml *root = doc.root;
    x->file = pal_arena_strndup(&x->arena, file, strlen(file));
    if (!x->file) { snprintf(err, errcap, "%s: out of memory", file); goto out; }
    if (!root || root->kind != PAL_YAML_MAP) {
        pal_yaml_error(&doc, root, err, errcap,
                       "an exceptions file is a mapping 'exceptions:' holding a list of entries "
                       "(- id: PAL-0041  reason: ...  expires: 2027-01-31)");
        goto out;
    }
    if (pal_yaml_known_keys(&doc, root, "the exceptions file", top_keys, err, errcap) != 0) goto out;
    const pal_yaml *list = pal_yaml_get(root, "exceptions");
    if (!list || list->kind != PAL_YAML_SEQ) {
        pal_yaml_error(&doc, list ? list : root, err, errcap,
                       "'exceptions:' must be a list of entries (- id: PAL-0041  reason: ...)");
        goto out;
    }
    if (list->n > CLI_MAX_EXCEPTIONS) {
        pal_yaml_error(&doc, list, err, errcap, "more than %u exceptions; split them by image", CLI_MAX_EXCEPTIONS);
        goto out;
    }
    x->e = list->n ? pal_arena_alloc(&x->arena, list->n * sizeof *x->e) : NULL;
    if (list->n && !x->e) { snprintf(err, errcap, "%s: out of memory", file); goto out; }
    for (unsigned i = 0; i < list->n; i++) {
        const pal_yaml *ent = list->items[i];
        pal_exception *e = &x->e[i];
        if (ent->kind != PAL_YAML_MAP) {
            pal_yaml_error(&doc, ent, err, errcap, "an exception must be a mapping with id: and reason:");
            goto out;
        }
        if (pal_yaml_known_keys(&doc, ent, "an exception", entry_keys, err, errcap) != 0) goto out;
        e->line = ent->line;
        const pal_yaml *v = pal_yaml_get(ent, "id");
        if (!v) { pal_yaml_error(&doc, ent, err, errcap, "this exception has no 'id:' (a check ID such as PAL-0041, or a CVE ID)"); goto out; }
        if (!(e->id = copy_scalar(x, &doc, v, "id", 256, err, errcap))) goto out;
        v = pal_yaml_get(ent, "reason");
        if (!v) {
            pal_yaml_error(&doc, ent, err, errcap,
                           "exception '%s' has no 'reason:'; say why the risk is accepted (a ticket, an owner)", e->id);
            goto out;
        }
        if (!(e->reason = copy_scalar(x, &doc, v, "reason", 4096, err, errcap))) goto out;
        if ((v = pal_yaml_get(ent, "image")) && !(e->image = copy_scalar(x, &doc, v, "image", 1024, err, errcap))) goto out;
        if ((v = pal_yaml_get(ent, "path")) && !(e->path = copy_scalar(x, &doc, v, "path", 4096, err, errcap))) goto out;
        if ((v = pal_yaml_get(ent, "expires"))) {
            if (!(e->expires = copy_scalar(x, &doc, v, "expires", 64, err, errcap))) goto out;
            e->expires_day = cli_parse_date(e->expires, strlen(e->expires));
            if (e->expires_day < 0) {
                pal_yaml_error(&doc, v, err, errcap, "expires: '%s' is not a date; write YYYY-MM-DD (2027-01-31)",
                               e->expires);
                goto out;
            }
            e->expired = today > e->expires_day;
        }
    }
    x->n = list->n;
    rc = 0;
out:
    pal_yaml_free(&doc);
    if (rc != 0) pal_exceptions_free(x);
    return rc;
}

void pal_exceptions_free(pal_exceptions *x)
{
    pal_arena_free(&x->arena);
    memset(x, 0, sizeof *x);
}

static bool glob(const char *pat, const char *s, size_t slen, bool windows)
{
    return pal_glob_match(pat, strlen(pat), s, slen, false, windows);
}

/* The path glob against the whole message, then against each word of it
   with surrounding quotes and brackets taken off: messages name what they
   are about ("/opt/app/x.pem holds a private key"). */
static bool message_matches(const char *pat, const char *msg, bool windows)
{
    if (glob(pat, msg, strlen(msg), windows)) return true;
    const char *p = msg;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n') p++;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n') p++;
        const char *end = p;
        while (w < end && strchr("'\"([{<", *w)) w++;
        while (end > w && strchr("'\")]}>,;", end[-1])) end--;
        if (end > w && glob(pat, w, (size_t)(end - w), windows)) return true;
    }
    return false;
}

pal_exception *pal_exceptions_match(pal_exceptions *x, const char *id, const char *const *names,
                                    unsigned nnames, const char *element, const char *message,
                                    bool windows)
{
    pal_exception *expired = NULL;
    for (unsigned i = 0; i < x->n; i++) {
        pal_exception *e = &x->e[i];
        if (strcmp(e->id, id) != 0) continue;
        if (e->image) {
            bool ok = false;
            for (unsigned k = 0; k < nnames && !ok; k++)
                ok = names[k] && glob(e->image, names[k], strlen(names[k]), false);
            if (!ok) continue;
        }
        if (e->path) {
            bool ok = (element && glob(e->path, element, strlen(element), windows)) ||
                      (message && message_matches(e->path, message, windows));
            if (!ok) continue;
        }
        if (!e->expired) return e;
        if (!expired) expired = e;
    }
    return expired;
}
