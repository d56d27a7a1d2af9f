/* diag.c — see diag.h. */
#include "lang/syntax/diag.h"
#include <string.h>
#include <stdlib.h>

/* Optimal string alignment distance (Levenshtein plus adjacent swaps),
   three rows of at most 65 entries on the stack. */
unsigned pal_edit_distance(const char *a, size_t an, const char *b, size_t bn)
{
    if (an > 64 || bn > 64) return 99;
    unsigned rows[3][65];
    unsigned *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= bn; j++) prev[j] = (unsigned)j;
    for (size_t i = 1; i <= an; i++) {
        cur[0] = (unsigned)i;
        for (size_t j = 1; j <= bn; j++) {
            unsigned sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            unsigned del = prev[j] + 1, ins = cur[j - 1] + 1;
            unsigned best = sub < del ? sub : del;
            if (ins < best) best = ins;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < best)
                best = pp[j - 2] + 1;
            cur[j] = best;
        }
        unsigned *t = pp; pp = prev; prev = cur; cur = t;
    }
    return prev[bn];
}

bool pal_near_miss(const char *typo, size_t tn, const char *word, size_t wn)
{
    unsigned d = pal_edit_distance(typo, tn, word, wn);
    unsigned allowed = wn <= 4 ? 1 : 2;
    return d > 0 && d <= allowed && d < tn && d < wn;
}

void pal_srcfile_linecol(const pal_srcfile *f, uint32_t off, uint32_t *line, uint32_t *col)
{
    uint32_t l = 1, c = 1;
    if (off > f->len) off = (uint32_t)f->len;
    for (uint32_t i = 0; i < off; i++) {
        if (f->text[i] == '\n') { l++; c = 1; }
        else if (((unsigned char)f->text[i] & 0xc0) != 0x80) c++;   /* count code points */
    }
    *line = l;
    *col = c;
}

void pal_diag_vreport(pal_diags *d, int level, const char *code, pal_loc loc,
                      const char *hint, const char *fmt, va_list ap)
{
    if (level == PAL_DIAG_ERROR) {
        d->errors++;
        if (d->max_errors && d->errors > d->max_errors) return;
    } else if (level == PAL_DIAG_WARNING) {
        d->warnings++;
    }
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    pal_diagnostic x = {0};
    x.level = level;
    x.code = code;
    x.message = msg;
    x.hint = hint;
    if (loc.file < d->nfiles && d->files) {
        x.file = d->files[loc.file];
        x.begin = loc.begin;
        x.end = loc.end;
        pal_srcfile_linecol(x.file, loc.begin, &x.line, &x.col);
    }
    if (d->fn) d->fn(&x, d->user);
    if (level == PAL_DIAG_ERROR && d->max_errors && d->errors == d->max_errors) {
        pal_diagnostic y = {0};
        y.level = PAL_DIAG_NOTE;
        y.code = "PAL0009";
        y.message = "too many errors; stopping here";
        y.hint = "fix the errors above and run again";
        if (d->fn) d->fn(&y, d->user);
    }
}

void pal_diag_report(pal_diags *d, int level, const char *code, pal_loc loc,
                     const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pal_diag_vreport(d, level, code, loc, hint, fmt, ap);
    va_end(ap);
}

void pal_diag_file(pal_diags *d, const char *code, const char *path, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(msg, sizeof msg, "%s: ", path);
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    d->errors++;
    pal_diagnostic x = {0};
    x.level = PAL_DIAG_ERROR;
    x.code = code;
    x.message = msg;
    if (d->fn) d->fn(&x, d->user);
}

static const char *level_name(int l)
{
    return l == PAL_DIAG_ERROR ? "error" : l == PAL_DIAG_WARNING ? "warning" : "note";
}

void pal_diag_print(const pal_diagnostic *d, void *user)
{
    FILE *out = user ? user : stderr;
    if (d->file)
        fprintf(out, "%s:%u:%u: %s[%s]: %s\n", d->file->path, d->line, d->col,
                level_name(d->level), d->code, d->message);
    else
        fprintf(out, "%s[%s]: %s\n", level_name(d->level), d->code, d->message);
    if (d->file) {
        const char *t = d->file->text;
        uint32_t b = d->begin > d->file->len ? (uint32_t)d->file->len : d->begin;
        uint32_t ls = b;
        while (ls > 0 && t[ls - 1] != '\n') ls--;
        uint32_t le = b;
        while (le < d->file->len && t[le] != '\n') le++;
        if (le - ls > 200) le = ls + 200;
        char num[16];
        int w = snprintf(num, sizeof num, "%u", d->line);
        fprintf(out, " %s | %.*s\n", num, (int)(le - ls), t + ls);
        fprintf(out, " %*s | ", w, "");
        for (uint32_t i = ls; i < b; i++) {
            if (((unsigned char)t[i] & 0xc0) == 0x80) continue;
            fputc(t[i] == '\t' ? '\t' : ' ', out);
        }
        uint32_t e = d->end > b ? d->end : b + 1;
        if (e > le) e = le > b ? le : b + 1;
        fputc('^', out);
        for (uint32_t i = b + 1; i < e; i++)
            if (((unsigned char)t[i] & 0xc0) != 0x80) fputc('~', out);
        fputc('\n', out);
    }
    if (d->hint) fprintf(out, "  = hint: %s\n", d->hint);
}

void pal_diag_print_shown(const pal_diagnostic *d, void *user)
{
    const pal_diag_shown *sh = user;
    FILE *out = sh && sh->out ? sh->out : stderr;
    if (!d->file || !sh || !sh->prefix || !*sh->prefix) { pal_diag_print(d, out); return; }
    char path[4608];
    snprintf(path, sizeof path, "%s%s", sh->prefix, d->file->path);
    pal_srcfile shown = *d->file;
    shown.path = path;
    pal_diagnostic x = *d;
    x.file = &shown;
    pal_diag_print(&x, out);
}

void pal_diag_repo_prefix(const char *path, bool is_file, char *out, size_t cap)
{
    size_t n = strlen(path);
    if (is_file) {
        const char *slash = strrchr(path, '/');
        n = slash ? (size_t)(slash - path) + 1 : 0;   /* the directory, its '/' kept */
    } else {
        while (n > 1 && path[n - 1] == '/') n--;
        if (n == 1 && path[0] == '.') n = 0;
    }
    snprintf(out, cap, "%.*s%s", (int)n, path, n && path[n - 1] != '/' ? "/" : "");
}

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c == '\n') fputs("\\n", out);
        else if (c < 0x20) fprintf(out, "\\u%04x", c);
        else fputc(c, out);
    }
    fputc('"', out);
}

void pal_diag_print_json(const pal_diagnostic *d, void *user)
{
    FILE *out = user ? user : stdout;
    fprintf(out, "{\"level\":\"%s\",\"code\":\"%s\",", level_name(d->level), d->code);
    if (d->file) {
        fputs("\"file\":", out);
        json_str(out, d->file->path);
        fprintf(out, ",\"line\":%u,\"column\":%u,", d->line, d->col);
    }
    fputs("\"message\":", out);
    json_str(out, d->message);
    if (d->hint) { fputs(",\"hint\":", out); json_str(out, d->hint); }
    fputs("}\n", out);
}
