/*
 * lint.c — the linter's driver: reads a repo, gathers the compiler's
 * diagnostics, runs the PAL07nn rules (lint_rules.c), applies levels and
 * suppression comments, and keeps owned copies of the findings.
 *
 * Design.  A repo is read once from disk; the compiler gets the same bytes
 * through its reader callback, so the tree the rules look at and the
 * program the compiler checked come from one text.  The linter parses each
 * file again on its own (with the token stream, for the suppression
 * comments): parsing is cheap and this keeps the compiler free of lint
 * hooks.  A file that does not parse gets no lint findings, only the
 * compiler's errors.  Findings are copied out (message, hint, positions)
 * and the repo's arena is freed before the next repo is read, so memory is
 * bounded by one repo plus the findings.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "lang/tools/lint.h"
#include "engine/base/fileio.h"
#include "lang/syntax/ast.h"
#include "lang/compile/palc.h"
#include "lang/syntax/grammar.h"
#include "engine/base/arena.h"
#include "engine/base/limits.h"
#include "engine/vm/program.h"

/* Paths in messages and repo walks; longer ones are skipped or cut. */
#define LINT_PATH_BYTES 4096

const pal_lint_code pal_lint_codes[] = {
    {"PAL0701", "unused-declaration", PAL_DIAG_WARNING, "a list or macro that no rule, check or block uses"},
    {"PAL0702", "shadowed-allow", PAL_DIAG_WARNING, "an allow entry that a deny entry of the same runtime section always overrides"},
    {"PAL0703", "constant-condition", PAL_DIAG_WARNING, "a condition, or part of one, that is never true or always true"},
    {"PAL0704", "unreachable-firewall-entry", PAL_DIAG_WARNING, "a firewall entry that an earlier entry always decides first"},
    {"PAL0705", "overlapping-firewall-entries", PAL_DIAG_WARNING, "firewall entries with different outcomes that overlap in part"},
    {"PAL0706", "incomplete-check", PAL_DIAG_WARNING, "a check without title, severity or remediation"},
    {"PAL0707", "package-path-mismatch", PAL_DIAG_WARNING, "a package name that does not match the file's directory"},
    {"PAL0708", "duplicate-name", PAL_DIAG_ERROR, "a check, rule, block or test name used twice"},
    {"PAL0709", "regex-not-needed", PAL_DIAG_WARNING, "a regex that is a plain string comparison or a glob"},
    {"PAL0710", "empty-test", PAL_DIAG_WARNING, "a test that gives nothing or cannot fail"},
    {"PAL0711", "bad-suppression", PAL_DIAG_WARNING, "a palisade:ignore comment that names no code or suppresses nothing"},
    {"PAL0712", "dns-wildcard-without-apex", PAL_DIAG_NOTE, "a DNS pattern *.X in a section that does not list X, which it does not match"},
    {"PAL0713", "unreachable-step", PAL_DIAG_WARNING, "a sequence step that never takes part: its condition never holds, or the until always cancels it"},
    {"PAL0714", "window-inside-tolerance", PAL_DIAG_WARNING, "a sequence or counting window shorter than the tolerance for late events"},
    {"PAL0715", "unset-group-key", PAL_DIAG_WARNING, "a join field a step requires absent, or a sequence 'by' every step replaces"},
};
const size_t pal_lint_ncodes = sizeof pal_lint_codes / sizeof pal_lint_codes[0];

const pal_lint_code *pal_lint_code_find(const char *code)
{
    for (size_t i = 0; i < pal_lint_ncodes; i++)
        if (!strcmp(pal_lint_codes[i].code, code)) return &pal_lint_codes[i];
    return NULL;
}

struct pal_lint_name {
    char *name;
    bool test;             /* a test name (else a check, rule or block) */
    uint32_t file;         /* index in L->files */
    uint32_t begin, end;
    uint32_t repo;
};

void pal_linter_init(pal_linter *L)
{
    memset(L, 0, sizeof *L);
}

void pal_linter_free(pal_linter *L)
{
    for (size_t i = 0; i < L->nfiles; i++) {
        free(L->files[i].path);
        free(L->files[i].text);
        free(L->files[i].line_starts);
    }
    free(L->files);
    for (size_t i = 0; i < L->nfindings; i++) {
        free(L->findings[i].message);
        free(L->findings[i].hint);
    }
    free(L->findings);
    for (size_t i = 0; i < L->nnames; i++) free(L->names[i].name);
    free(L->names);
    free(L->name_index);
    memset(L, 0, sizeof *L);
}

/* ---- files and findings ---- */

static uint32_t add_file(pal_linter *L, const char *path, char *text, size_t len)
{
    if (L->nfiles == L->capfiles) {
        size_t cap = L->capfiles ? L->capfiles * 2 : 64;
        pal_lint_file *v = realloc(L->files, cap * sizeof *v);
        if (!v) return PAL_LINT_NO_FILE;
        L->files = v;
        L->capfiles = cap;
    }
    char *p = strdup(path);
    uint32_t n = 1;
    for (size_t i = 0; i < len; i++) n += text[i] == '\n';
    uint32_t *starts = malloc(n * sizeof *starts);
    if (!p || !starts) { free(p); free(starts); return PAL_LINT_NO_FILE; }
    uint32_t k = 0;
    starts[k++] = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n') starts[k++] = (uint32_t)i + 1;
    L->files[L->nfiles] = (pal_lint_file){p, text, len, starts, n};
    return (uint32_t)L->nfiles++;
}

static uint32_t line_in(const pal_lint_file *f, uint32_t off)
{
    uint32_t lo = 0, hi = f->nlines;   /* the last start <= off */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (f->line_starts[mid] <= off) lo = mid;
        else hi = mid;
    }
    return lo + 1;
}

uint32_t pal_lint_line(const pal_linter *L, uint32_t file, uint32_t off)
{
    return file < L->nfiles ? line_in(&L->files[file], off) : 0;
}

/* Code points from a to b (same line or not: columns restart after '\n'). */
static void advance(const pal_lint_file *f, uint32_t from, uint32_t to, uint32_t *line, uint32_t *col)
{
    for (uint32_t i = from; i < to && i < f->len; i++) {
        if (f->text[i] == '\n') { (*line)++; *col = 1; }
        else if (((unsigned char)f->text[i] & 0xc0) != 0x80) (*col)++;
    }
}

static int cmp_pos(const void *a, const void *b)
{
    const pal_finding *x = a, *y = b;
    if (x->file != y->file) return x->file < y->file ? -1 : 1;
    return x->begin < y->begin ? -1 : x->begin > y->begin;
}

/* Lines and columns of the findings from `from` on: sorted by place, then
   one pass over each file, so many findings in a long line stay linear. */
static void settle_positions(pal_linter *L, size_t from)
{
    if (from >= L->nfindings) return;
    qsort(L->findings + from, L->nfindings - from, sizeof *L->findings, cmp_pos);
    uint32_t file = PAL_LINT_NO_FILE, at = 0, line = 1, col = 1;
    for (size_t i = from; i < L->nfindings; i++) {
        pal_finding *f = &L->findings[i];
        if (f->file == PAL_LINT_NO_FILE || f->file >= L->nfiles) continue;
        const pal_lint_file *lf = &L->files[f->file];
        if (f->file != file) { file = f->file; at = 0; line = 1; col = 1; }
        advance(lf, at, f->begin, &line, &col);
        at = f->begin;
        f->line = line;
        f->col = col;
        uint32_t el = line, ec = col;
        advance(lf, f->begin, f->end, &el, &ec);
        f->end_line = el;
        f->end_col = ec;
    }
}

static pal_finding *add_finding(pal_linter *L, int level, const char *code, uint32_t file,
                                uint32_t begin, uint32_t end, const char *hint, const char *msg)
{
    if (L->nfindings == L->capfindings) {
        size_t cap = L->capfindings ? L->capfindings * 2 : 64;
        pal_finding *v = realloc(L->findings, cap * sizeof *v);
        if (!v) return NULL;
        L->findings = v;
        L->capfindings = cap;
    }
    pal_finding *f = &L->findings[L->nfindings];
    memset(f, 0, sizeof *f);
    f->level = level;
    snprintf(f->code, sizeof f->code, "%s", code ? code : "");
    f->file = file;
    f->message = strdup(msg ? msg : "");
    f->hint = hint ? strdup(hint) : NULL;
    if (!f->message) return NULL;
    if (file != PAL_LINT_NO_FILE && file < L->nfiles) {
        const pal_lint_file *lf = &L->files[file];
        if (begin > lf->len) begin = (uint32_t)lf->len;
        if (end < begin) end = begin;
        if (end > lf->len) end = (uint32_t)lf->len;
        f->begin = begin;
        f->end = end;
        /* lines and columns: settle_positions() */
    }
    L->nfindings++;
    return f;
}

void pal_lint_report(pal_lint_ctx *c, uint32_t file, const char *code, uint32_t begin, uint32_t end,
                     const char *hint, const char *fmt, ...)
{
    const pal_lint_code *lc = pal_lint_code_find(code);
    int level = pal_lint_config_level(c->cfg, code, lc ? lc->level : PAL_DIAG_WARNING);
    if (level == PAL_LINT_OFF) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    uint32_t id = file < c->nfiles ? c->file_ids[file] : PAL_LINT_NO_FILE;
    add_finding(c->L, level, code, id, begin, end, hint, msg);
}

void pal_finding_diag(const pal_linter *L, const pal_finding *f, pal_diagnostic *d, pal_srcfile *sf)
{
    memset(d, 0, sizeof *d);
    memset(sf, 0, sizeof *sf);
    d->level = f->level;
    d->code = f->code;
    d->message = f->message;
    d->hint = f->hint;
    if (f->file != PAL_LINT_NO_FILE && f->file < L->nfiles) {
        const pal_lint_file *lf = &L->files[f->file];
        sf->path = lf->path;
        sf->text = lf->text;
        sf->len = lf->len;
        sf->id = f->file;
        d->file = sf;
        d->line = f->line;
        d->col = f->col;
        d->begin = f->begin;
        d->end = f->end;
    }
}

static int cmp_finding(const void *a, const void *b)
{
    const pal_finding *x = a, *y = b;
    if (x->file != y->file) return x->file < y->file ? -1 : 1;
    if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
    int c = strcmp(x->code, y->code);
    if (c) return c;
    return strcmp(x->message, y->message);
}

void pal_linter_sort(pal_linter *L)
{
    if (L->nfindings) qsort(L->findings, L->nfindings, sizeof *L->findings, cmp_finding);
}

/* ---- reading a repo ---- */

typedef struct { char **v; size_t n, cap; } strvec;

static int sv_add(strvec *sv, const char *s)
{
    if (sv->n == sv->cap) {
        size_t cap = sv->cap ? sv->cap * 2 : 64;
        char **v = realloc(sv->v, cap * sizeof *v);
        if (!v) return -1;
        sv->v = v;
        sv->cap = cap;
    }
    if (!(sv->v[sv->n] = strdup(s))) return -1;
    sv->n++;
    return 0;
}

static void sv_free(strvec *sv)
{
    for (size_t i = 0; i < sv->n; i++) free(sv->v[i]);
    free(sv->v);
    memset(sv, 0, sizeof *sv);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every .pal file under root/rel, as the compiler collects them: hidden
   names skipped, no symlinked directories, bounded depth and count. */
static void collect(const char *root, const char *rel, strvec *out, int depth)
{
    if (depth > 32 || out->n > PAL_MAX_FILES) return;
    char path[LINT_PATH_BYTES];
    if (snprintf(path, sizeof path, "%s%s%s", root, *rel ? "/" : "", rel) >= (int)sizeof path) return;
    DIR *d = opendir(path);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char sub[LINT_PATH_BYTES], full[LINT_PATH_BYTES];
        if (snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name) >= (int)sizeof sub) continue;
        if (snprintf(full, sizeof full, "%s/%s", root, sub) >= (int)sizeof full) continue;
        struct stat st;
        if (lstat(full, &st) != 0) continue;
        size_t n = strlen(e->d_name);
        if (S_ISDIR(st.st_mode)) collect(root, sub, out, depth + 1);
        else if (S_ISREG(st.st_mode) && n > 4 && !strcmp(e->d_name + n - 4, ".pal")) sv_add(out, sub);
    }
    closedir(d);
}

/* The compiler reads .pal files from the linter's copies, feeds from disk. */
typedef struct {
    const char *dir;
    pal_linter *L;
    const char **relpaths;
    uint32_t *ids;
    uint32_t n;
} reader;

static int read_repo_file(void *user, const char *relpath, char **data, size_t *len)
{
    reader *r = user;
    for (uint32_t i = 0; i < r->n; i++) {
        if (strcmp(r->relpaths[i], relpath) != 0 || r->ids[i] == PAL_LINT_NO_FILE) continue;
        const pal_lint_file *f = &r->L->files[r->ids[i]];
        char *copy = malloc(f->len + 1);
        if (!copy) return -1;
        memcpy(copy, f->text, f->len);
        copy[f->len] = 0;
        *data = copy;
        *len = f->len;
        return 0;
    }
    return pal_read_from_dir((void *)r->dir, relpath, data, len);
}

/* Compiler diagnostics become findings: warnings take their configured
   level (and may be turned off); errors stay errors. */
typedef struct {
    pal_linter *L;
    const pal_lint_config *cfg;
    reader *r;
    unsigned errors;
} diag_sink;

static void collect_diag(const pal_diagnostic *d, void *user)
{
    diag_sink *s = user;
    int level = d->level;
    if (level == PAL_DIAG_ERROR) s->errors++;
    else {
        /* PAL0706 says the same about a check without a title, and more */
        const pal_lint_code *c706 = pal_lint_code_find("PAL0706");
        if (d->code && !strcmp(d->code, "PAL0204") && d->message && strstr(d->message, "has no title") &&
            pal_lint_config_level(s->cfg, "PAL0706", c706 ? c706->level : PAL_DIAG_WARNING) != PAL_LINT_OFF)
            return;
        level = pal_lint_config_level(s->cfg, d->code, level);
        if (level == PAL_LINT_OFF) return;
    }
    uint32_t id = PAL_LINT_NO_FILE;
    if (d->file && d->file->path)
        for (uint32_t i = 0; i < s->r->n; i++)
            if (!strcmp(s->r->relpaths[i], d->file->path)) { id = s->r->ids[i]; break; }
    char msg[1200];
    if (id == PAL_LINT_NO_FILE && d->file && d->file->path)
        snprintf(msg, sizeof msg, "%s: %s", d->file->path, d->message);
    else
        snprintf(msg, sizeof msg, "%s", d->message);
    add_finding(s->L, level, d->code, id, d->begin, d->end, d->hint, msg);
}

static void discard_diag(const pal_diagnostic *d, void *user) { (void)d; (void)user; }

/* ---- suppression comments ---- */

typedef struct {
    uint32_t file;         /* index in L->files */
    uint32_t line;         /* 0: the whole file */
    char codes[8][8];
    int ncodes;
    bool used;
    uint32_t begin, end;   /* the comment */
    uint32_t repo_file;
} suppression;

typedef struct { suppression *v; size_t n, cap; } suppvec;

static bool is_code(const char *s, size_t n)
{
    if (n != 7 || memcmp(s, "PAL", 3) != 0) return false;
    for (size_t i = 3; i < 7; i++) if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* `palisade:ignore CODE[,CODE...] reason` or `palisade:ignore-file ...` in
   one comment; the line it applies to is settled by the caller. */
static void parse_suppression(pal_lint_ctx *c, uint32_t rf, const pal_token *t, const char *text,
                              uint32_t target_line, suppvec *out)
{
    const char *s = text + t->begin, *e = text + t->end;
    if (t->kind == PAL_TOK_LINE_COMMENT) s += 2;
    else { s += 2; if (e - s >= 2 && e[-1] == '/' && e[-2] == '*') e -= 2; }
    while (s < e && (*s == ' ' || *s == '\t')) s++;
    static const char key[] = "palisade:ignore";
    if ((size_t)(e - s) < sizeof key - 1 || memcmp(s, key, sizeof key - 1) != 0) return;
    s += sizeof key - 1;
    bool whole = false;
    if (e - s >= 5 && !memcmp(s, "-file", 5)) { whole = true; s += 5; }
    if (s < e && !(*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) return;   /* palisade:ignorexyz */
    suppression sp;
    memset(&sp, 0, sizeof sp);
    sp.file = c->file_ids[rf];
    sp.repo_file = rf;
    sp.begin = t->begin;
    sp.end = t->end;
    sp.line = whole ? 0 : target_line;
    for (;;) {
        while (s < e && (*s == ' ' || *s == '\t' || *s == ',')) s++;
        const char *w = s;
        while (s < e && !(*s == ' ' || *s == '\t' || *s == ',' || *s == '\r' || *s == '\n')) s++;
        if (!is_code(w, (size_t)(s - w))) break;
        if (sp.ncodes < 8) {
            memcpy(sp.codes[sp.ncodes], w, 7);
            sp.codes[sp.ncodes][7] = 0;
            sp.ncodes++;
        }
    }
    if (sp.ncodes == 0) {
        pal_lint_report(c, rf, "PAL0711", t->begin, t->end, "name the codes: // palisade:ignore PAL0701 why",
                        "this palisade:ignore comment names no code, so it suppresses nothing");
        return;
    }
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 16;
        suppression *v = realloc(out->v, cap * sizeof *v);
        if (!v) return;
        out->v = v;
        out->cap = cap;
    }
    out->v[out->n++] = sp;
}

static void find_suppressions(pal_lint_ctx *c, uint32_t rf, const pal_tokens *toks, const pal_lint_file *lf,
                              suppvec *out)
{
    for (uint32_t i = 0; i < toks->n; i++) {
        const pal_token *t = &toks->v[i];
        if (t->kind != PAL_TOK_LINE_COMMENT && t->kind != PAL_TOK_BLOCK_COMMENT) continue;
        /* cheap test first: most comments are not suppressions */
        if (t->end - t->begin < 17 || !memmem(lf->text + t->begin, t->end - t->begin, "palisade:ignore", 15)) continue;
        uint32_t line = line_in(lf, t->begin);
        /* at the end of a line of code: that line; else the next line of code */
        bool trailing = false;
        if (i > 0 && toks->v[i - 1].kind != PAL_TOK_LINE_COMMENT && toks->v[i - 1].kind != PAL_TOK_BLOCK_COMMENT)
            trailing = line_in(lf, toks->v[i - 1].end) == line;
        uint32_t next_line = 0;
        if (!trailing) {
            for (uint32_t j = i + 1; j < toks->n; j++)
                if (toks->v[j].kind != PAL_TOK_LINE_COMMENT && toks->v[j].kind != PAL_TOK_BLOCK_COMMENT) {
                    next_line = line_in(lf, toks->v[j].begin);
                    break;
                }
            if (!next_line) next_line = UINT32_MAX;   /* nothing follows: applies to nothing */
        }
        parse_suppression(c, rf, t, lf->text, trailing ? line : next_line, out);
    }
}

static int cmp_supp(const void *a, const void *b)
{
    const suppression *x = a, *y = b;
    if (x->file != y->file) return x->file < y->file ? -1 : 1;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    return x->begin < y->begin ? -1 : x->begin > y->begin;
}

/* The first suppression for (file, line) in the sorted vector, or where it would be. */
static size_t supp_first(const suppvec *sv, uint32_t file, uint32_t line)
{
    size_t lo = 0, hi = sv->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const suppression *m = &sv->v[mid];
        if (m->file < file || (m->file == file && m->line < line)) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static bool suppresses(suppression *s, const pal_finding *f)
{
    if (s->file != f->file) return false;
    if (s->line && s->line != f->line) return false;
    for (int i = 0; i < s->ncodes; i++)
        if (!strcmp(s->codes[i], f->code)) return true;
    return false;
}

/* Findings are dropped in two steps: marked (code emptied), then the
   marked ones removed from `from` on, keeping the order of the rest. */
static void mark_dropped(pal_finding *f) { f->code[0] = 0; }

static void sweep(pal_linter *L, size_t from)
{
    size_t k = from;
    for (size_t i = from; i < L->nfindings; i++) {
        if (!L->findings[i].code[0]) {
            free(L->findings[i].message);
            free(L->findings[i].hint);
            continue;
        }
        L->findings[k++] = L->findings[i];
    }
    L->nfindings = k;
}

/* ---- names across repos ---- */

static uint32_t name_hash(const char *s, bool test)
{
    uint32_t h = test ? 0x9e3779b9u : 2166136261u;
    for (; *s; s++) h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

/* The slot of a name in L->name_index: where it is, or the empty one where it goes. */
static size_t name_slot(const pal_linter *L, const char *name, bool test)
{
    size_t mask = L->name_slots - 1, h = name_hash(name, test) & mask;
    while (L->name_index[h]) {
        const struct pal_lint_name *n = &L->names[L->name_index[h] - 1];
        if (n->test == test && !strcmp(n->name, name)) break;
        h = (h + 1) & mask;
    }
    return h;
}

static bool grow_names(pal_linter *L)
{
    if (L->nnames + 1 <= L->name_slots / 2 && L->nnames < L->capnames) return true;
    if (L->nnames == L->capnames) {
        size_t cap = L->capnames ? L->capnames * 2 : 64;
        struct pal_lint_name *v = realloc(L->names, cap * sizeof *v);
        if (!v) return false;
        L->names = v;
        L->capnames = cap;
    }
    if (L->nnames + 1 > L->name_slots / 2) {
        size_t slots = L->name_slots ? L->name_slots * 2 : 128;
        uint32_t *idx = calloc(slots, sizeof *idx);
        if (!idx) return false;
        free(L->name_index);
        L->name_index = idx;
        L->name_slots = slots;
        for (size_t i = 0; i < L->nnames; i++)
            L->name_index[name_slot(L, L->names[i].name, L->names[i].test)] = (uint32_t)i + 1;
    }
    return true;
}

/* Names across repos: the second repo to use a name gets PAL0708 (within
   one repo the compiler refuses duplicate rule names, and lint_rules.c
   reports duplicate tests with the place of the first). */
static void note_name(pal_lint_ctx *c, uint32_t rf, const pal_decl *d)
{
    pal_linter *L = c->L;
    bool test = d->kind == D_TEST;
    if (!grow_names(L)) return;
    size_t slot = name_slot(L, d->name, test);
    if (L->name_index[slot]) {
        struct pal_lint_name *n = &L->names[L->name_index[slot] - 1];
        if (n->repo == c->repo) return;
        char hint[LINT_PATH_BYTES + 128];
        snprintf(hint, sizeof hint, "the first is at %s:%u; rename one", L->files[n->file].path,
                 line_in(&L->files[n->file], n->begin));
        if (test)
            pal_lint_report(c, rf, "PAL0708", d->name_loc.begin, d->name_loc.end, hint,
                            "test \"%s\" is declared twice; reports and --run tell tests apart by name", d->name);
        else
            pal_lint_report(c, rf, "PAL0708", d->name_loc.begin, d->name_loc.end, hint,
                            "\"%s\" is also declared in another policy repo; findings and decisions name it alone",
                            d->name);
        return;
    }
    char *name = strdup(d->name);
    if (!name) return;
    L->names[L->nnames] = (struct pal_lint_name){name, test, c->file_ids[rf], d->name_loc.begin,
                                                   d->name_loc.end, c->repo};
    L->name_index[slot] = (uint32_t)++L->nnames;
}

/* ---- the driver ---- */

/* A finding about the repo as a whole (no file of it to point at). */
static int repo_error(pal_linter *L, const char *code, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int repo_error(pal_linter *L, const char *code, const char *hint, const char *fmt, ...)
{
    char msg[LINT_PATH_BYTES + 64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    add_finding(L, PAL_DIAG_ERROR, code, PAL_LINT_NO_FILE, 0, 0, hint, msg);
    L->errors++;
    return -1;
}

/* The repo's .pal files, sorted; -1 (with a finding) when dir is not a
   directory, holds none or holds too many. */
static int list_policy_files(pal_linter *L, const char *dir, strvec *paths)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return repo_error(L, "PAL0001", "check the path", "%s: %s", dir, errno ? strerror(errno) : "not a directory");
    collect(dir, "", paths, 0);
    if (paths->n) qsort(paths->v, paths->n, sizeof *paths->v, cmp_str);
    if (paths->n == 0)
        return repo_error(L, "PAL0001", "lint a policy repo: a directory of .pal files", "%s: no .pal files here", dir);
    if (paths->n > PAL_MAX_FILES)
        return repo_error(L, "PAL0002", NULL, "%s: more than %u policy files", dir, PAL_MAX_FILES);
    return 0;
}

/* Reads repo file i into L->files and parses it on its own (with its
   tokens, for the suppression comments); a file that does not parse has
   no tree, and only the compiler reports on it. */
static void read_repo_source(pal_lint_ctx *c, const char *dir, uint32_t i, pal_tokens *toks)
{
    pal_linter *L = c->L;
    const char *rel = c->relpaths[i];
    char full[LINT_PATH_BYTES], shown[LINT_PATH_BYTES], err[256];
    snprintf(full, sizeof full, "%s/%s", dir, rel);
    if (!strcmp(dir, ".")) snprintf(shown, sizeof shown, "%s", rel);
    else snprintf(shown, sizeof shown, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", rel);
    char *text = NULL;
    size_t len = 0;
    c->file_ids[i] = PAL_LINT_NO_FILE;
    int r = pal_read_file(full, PAL_MAX_SOURCE_BYTES, &text, &len, err, sizeof err);
    if (r != PAL_READ_OK) {
        char msg[LINT_PATH_BYTES + 300];
        /* err names the path as read; the finding names it as the user wrote it */
        const char *why = strncmp(err, full, strlen(full)) == 0 ? err + strlen(full) + 2 : err;
        if (r == PAL_READ_TOO_LARGE) why = "larger than the source file limit; split the file";
        snprintf(msg, sizeof msg, "%s: %s", shown, why);
        add_finding(L, PAL_DIAG_ERROR, "PAL0001", PAL_LINT_NO_FILE, 0, 0, NULL, msg);
        L->errors++;
        return;
    }
    c->file_ids[i] = add_file(L, shown, text, len);
    if (c->file_ids[i] == PAL_LINT_NO_FILE) { free(text); L->errors++; return; }
    if (memchr(text, 0, len)) return;   /* the compiler reports it */
    pal_srcfile *sf = pal_arena_alloc(c->arena, sizeof *sf);
    if (!sf) return;
    sf->path = (char *)rel;
    sf->text = text;
    sf->len = len;
    sf->id = i;
    pal_srcfile *one[1] = {sf};
    pal_diags quiet = {discard_diag, NULL, 0, 0, PAL_MAX_ERRORS, one, 1};
    pal_file *ast = pal_parse_tokens(c->arena, sf, i, &quiet, toks);
    c->asts[i] = quiet.errors ? NULL : ast;
}

/* The compiler's view: its diagnostics become findings (collect_diag). */
static void check_with_compiler(pal_lint_ctx *c, const char *dir)
{
    reader r = {dir, c->L, c->relpaths, c->file_ids, c->nfiles};
    diag_sink sink = {c->L, c->cfg, &r, 0};
    pal_compile_opts o;
    memset(&o, 0, sizeof o);
    o.diag = collect_diag;
    o.diag_user = &sink;
    o.read = read_repo_file;
    o.read_user = &r;
    unsigned nerr = 0, nwarn = 0;
    pal_check_repo(c->relpaths, c->nfiles, &o, &nerr, &nwarn);
    if (nerr || sink.errors) c->L->errors++;
}

/* Drops the findings of this repo (from first_finding on) that a
   palisade:ignore comment suppresses, and reports each comment that
   suppresses nothing (PAL0711). */
static void apply_suppressions(pal_lint_ctx *c, pal_tokens *toks, size_t first_finding)
{
    pal_linter *L = c->L;
    suppvec sv = {0};
    for (uint32_t i = 0; i < c->nfiles; i++)
        if (c->file_ids[i] != PAL_LINT_NO_FILE)
            find_suppressions(c, i, &toks[i], &L->files[c->file_ids[i]], &sv);
    if (sv.n) qsort(sv.v, sv.n, sizeof *sv.v, cmp_supp);
    for (size_t i = first_finding; i < L->nfindings && sv.n; i++) {
        pal_finding *f = &L->findings[i];
        if (f->level == PAL_DIAG_ERROR && !pal_lint_code_find(f->code)) continue;   /* compiler errors stay */
        bool gone = false;
        uint32_t lines[2] = {0, f->line};   /* the file's own, then the line's */
        for (int w = 0; w < 2; w++)
            for (size_t k = supp_first(&sv, f->file, lines[w]); k < sv.n && sv.v[k].file == f->file &&
                 sv.v[k].line == lines[w]; k++)
                if (suppresses(&sv.v[k], f)) { sv.v[k].used = true; gone = true; }
        if (gone) mark_dropped(f);
    }
    sweep(L, first_finding);
    for (size_t k = 0; k < sv.n; k++) {
        if (sv.v[k].used) continue;
        char codes[80] = "";
        for (int j = 0; j < sv.v[k].ncodes; j++)
            snprintf(codes + strlen(codes), sizeof codes - strlen(codes), "%s%s", j ? ", " : "", sv.v[k].codes[j]);
        pal_lint_report(c, sv.v[k].repo_file, "PAL0711", sv.v[k].begin, sv.v[k].end,
                        "remove the comment, or move it to the line it is about",
                        "this palisade:ignore comment suppresses nothing (%s)", codes);
    }
    settle_positions(L, first_finding);   /* and the PAL0711 findings just added */
    free(sv.v);
}

/* Only the files asked about (lang/LINT.md): another file's findings,
   errors included, are not shown.  Its compiler errors still make the
   repo fail to build, so they become one line that says how many there
   are, where the first is, and to lint the repo (the exit status is 2
   either way).  Findings about no file (an unreadable repo) stay. */
static void keep_only_files(pal_lint_ctx *c, const char *dir, const char *const *only, size_t nonly,
                            size_t first_finding)
{
    pal_linter *L = c->L;
    bool *wanted = calloc(L->nfiles + 1, sizeof *wanted);
    for (uint32_t k = 0; wanted && k < c->nfiles; k++)
        for (size_t j = 0; j < nonly; j++)
            if (c->file_ids[k] != PAL_LINT_NO_FILE && !strcmp(only[j], c->relpaths[k])) wanted[c->file_ids[k]] = true;
    unsigned elsewhere = 0;
    char first[LINT_PATH_BYTES + 32] = "";
    for (size_t i = first_finding; wanted && i < L->nfindings; i++) {
        pal_finding *f = &L->findings[i];
        if (f->file == PAL_LINT_NO_FILE || wanted[f->file]) continue;
        if (f->level == PAL_DIAG_ERROR && !pal_lint_code_find(f->code) && elsewhere++ == 0)
            snprintf(first, sizeof first, "%s:%u:%u", L->files[f->file].path, f->line, f->col);
        mark_dropped(f);
    }
    free(wanted);
    sweep(L, first_finding);
    if (elsewhere) {
        char msg[LINT_PATH_BYTES * 2 + 128], hint[LINT_PATH_BYTES + 64];
        snprintf(msg, sizeof msg, "the repository has %u error%s in other files, the first at %s",
                 elsewhere, elsewhere == 1 ? "" : "s", first);
        snprintf(hint, sizeof hint, "lint the repository to see them: palisade lint %s", dir);
        add_finding(L, PAL_DIAG_ERROR, "PAL0004", PAL_LINT_NO_FILE, 0, 0, hint, msg);
    }
}

int pal_lint_repo(pal_linter *L, const char *dir, const char *const *only, size_t nonly,
                  const pal_lint_config *cfg)
{
    pal_lint_config defaults;
    pal_lint_config_default(&defaults);
    if (!cfg) cfg = &defaults;
    size_t first_finding = L->nfindings;
    strvec paths = {0};
    if (list_policy_files(L, dir, &paths) != 0) { sv_free(&paths); return -1; }

    pal_lint_ctx c;
    memset(&c, 0, sizeof c);
    pal_arena arena;
    pal_arena_init(&arena, 0);
    c.L = L;
    c.cfg = cfg;
    c.arena = &arena;
    c.repo = L->nrepos++;
    c.nfiles = (uint32_t)paths.n;
    c.relpaths = (const char **)paths.v;
    c.file_ids = calloc(paths.n, sizeof *c.file_ids);
    c.asts = calloc(paths.n, sizeof *c.asts);
    pal_tokens *toks = calloc(paths.n, sizeof *toks);
    char real[LINT_PATH_BYTES];
    const char *rn = realpath(dir, real) ? real : dir;
    const char *slash = strrchr(rn, '/');
    c.root_name = slash && slash[1] ? slash + 1 : rn;
    int rc = 0;
    if (!c.file_ids || !c.asts || !toks) { rc = -1; L->errors++; goto out; }

    for (uint32_t i = 0; i < c.nfiles; i++) read_repo_source(&c, dir, i, &toks[i]);
    check_with_compiler(&c, dir);
    /* the lint rules, then names shared with earlier repos */
    pal_lint_rules(&c);
    for (uint32_t i = 0; i < c.nfiles; i++)
        for (pal_decl *d = c.asts[i] ? c.asts[i]->decls : NULL; d; d = d->next)
            if (d->kind >= D_CHECK && d->name) note_name(&c, i, d);
    settle_positions(L, first_finding);
    apply_suppressions(&c, toks, first_finding);
    if (only && nonly) keep_only_files(&c, dir, only, nonly, first_finding);
out:
    for (uint32_t i = 0; toks && i < c.nfiles; i++) pal_tokens_free(&toks[i]);
    free(toks);
    free(c.file_ids);
    free(c.asts);
    pal_arena_free(&arena);
    sv_free(&paths);
    return rc;
}
