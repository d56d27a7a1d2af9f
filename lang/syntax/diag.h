/*
 * diag.h — diagnostics: errors and warnings with stable codes.
 *
 * Design (after jq's locfile.c): the front end records locations as byte
 * offsets into a source file; only when a diagnostic is reported are they
 * turned into line:col, the source line and a caret.  Every diagnostic has a
 * stable code (PALnnnn, listed in lang/SPEC.md "Errors") so users can look
 * it up and tests can pin it.  The library never prints: diagnostics go to
 * one callback; cli/ prints them (pal_diag_print is the default printer).
 */
#ifndef PAL_DIAG_H
#define PAL_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct pal_srcfile {
    char *path;        /* as given to the compiler (relative to the repo) */
    char *text;        /* NUL-terminated */
    size_t len;
    uint32_t id;
} pal_srcfile;

typedef struct pal_loc {
    uint32_t file;     /* index into the compiler's file table */
    uint32_t begin, end;   /* byte offsets [begin, end) */
} pal_loc;

enum pal_diag_level { PAL_DIAG_ERROR = 0, PAL_DIAG_WARNING, PAL_DIAG_NOTE };

typedef struct pal_diagnostic {
    int level;
    const char *code;      /* "PAL0301" */
    const pal_srcfile *file;   /* NULL when not about a file */
    uint32_t line, col;    /* 1-based; 0 when unknown */
    uint32_t begin, end;
    const char *message;
    const char *hint;      /* NULL or what to do */
} pal_diagnostic;

typedef void (*pal_diag_fn)(const pal_diagnostic *d, void *user);

typedef struct pal_diags {
    pal_diag_fn fn;
    void *user;
    unsigned errors, warnings;
    unsigned max_errors;
    pal_srcfile **files;   /* borrowed: the compiler's file table */
    uint32_t nfiles;
} pal_diags;

void pal_diag_report(pal_diags *d, int level, const char *code, pal_loc loc,
                     const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void pal_diag_vreport(pal_diags *d, int level, const char *code, pal_loc loc,
                      const char *hint, const char *fmt, va_list ap);
/* A diagnostic about a file as a whole (I/O, size): no location. */
void pal_diag_file(pal_diags *d, const char *code, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Edit distance for "did you mean" hints: insertions, deletions,
   substitutions and swaps of two neighbours (`whne` is 1 from `when`) each
   cost 1.  Words longer than 64 bytes are 99 from everything. */
unsigned pal_edit_distance(const char *a, size_t an, const char *b, size_t bn);
/* Is `typo` close enough to `word` to suggest it: 1 edit for short words,
   2 from 5 bytes on, and never the whole word. */
bool pal_near_miss(const char *typo, size_t tn, const char *word, size_t wn);

/* line/col of a byte offset */
void pal_srcfile_linecol(const pal_srcfile *f, uint32_t off, uint32_t *line, uint32_t *col);

/* Default printer: "file:line:col: error[PAL0301]: message", the source line,
   a caret under [begin,end), and "  = hint: ..." (user is the FILE*). */
void pal_diag_print(const pal_diagnostic *d, void *user);
/* One JSON object per diagnostic, one per line (user is the FILE*). */
void pal_diag_print_json(const pal_diagnostic *d, void *user);

/* Files are named to the user as a path they can open from where they
   ran the command — the repo's path as they gave it, then the file's path
   inside the repo ("policies/" + "web/shells.pal") — by every command:
   build, eval, scan, test, lint and the agent.  The compiler itself keeps
   repo paths (bundles, packages and imports are about the repo).
   pal_diag_print_shown is pal_diag_print with that prefix (user is a
   pal_diag_shown); pal_diag_repo_prefix makes it for a repo named by
   `path` (a directory, or a .pal file whose directory is the repo):
   "" for ".", else the directory with one '/' after it. */
typedef struct pal_diag_shown {
    FILE *out;                  /* NULL: stderr */
    const char *prefix;
} pal_diag_shown;
void pal_diag_print_shown(const pal_diagnostic *d, void *user);
void pal_diag_repo_prefix(const char *path, bool is_file, char *out, size_t cap);

#endif
