/*
 * lint.h — `palisade lint`: mistakes the compiler accepts, with stable codes.
 *
 * The linter reads a policy repo the way the compiler does, collects the
 * compiler's own diagnostics, and adds findings PAL0700-PAL0799 (each one
 * documented in lang/LINT.md: rationale, example, fix).  It works on the
 * syntax tree and the token stream (lint_rules.c), so it needs no hook in
 * the compiler.  Findings are owned copies: they outlive the repo's parse,
 * so all repos of a run can be reported together (JSON, SARIF).
 *
 * Levels: every code has a default level; a `.palisade.yaml` (lint_config.c)
 * or the caller may set a code to error, warning or off.  Compiler errors
 * stay errors.  Inline comments `// palisade:ignore PAL0701 reason` drop the
 * findings of that code on the comment's line (a comment at the end of a
 * line) or on the next line of code (a comment on a line of its own);
 * `// palisade:ignore-file PAL0707 reason` drops them in the whole file.
 */
#ifndef PAL_LINT_H
#define PAL_LINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lang/syntax/diag.h"

/* A level: PAL_DIAG_ERROR, PAL_DIAG_WARNING, PAL_DIAG_NOTE, or off. */
#define PAL_LINT_OFF (-1)

typedef struct pal_lint_code {
    const char *code;      /* "PAL0701" */
    const char *name;      /* short kebab-case name: "unused-declaration" */
    int level;             /* default level */
    const char *summary;   /* one line */
} pal_lint_code;

extern const pal_lint_code pal_lint_codes[];
extern const size_t pal_lint_ncodes;
/* The entry of a lint code, or NULL for any other code. */
const pal_lint_code *pal_lint_code_find(const char *code);

/* ---- configuration (.palisade.yaml) ---- */

typedef struct pal_lint_level { char code[8]; int level; } pal_lint_level;

typedef struct pal_lint_config {
    int fail_level;            /* findings at or above it fail the run; PAL_LINT_OFF: never */
    pal_lint_level *levels;    /* per-code overrides */
    size_t nlevels;
} pal_lint_config;

/* The defaults: fail at warning, no overrides. */
void pal_lint_config_default(pal_lint_config *cfg);
/* Reads a YAML configuration:
       fail-level: warning          # error | warning | none
       levels:
         PAL0701: off               # error | warning | off
   Returns 0, or -1 with "FILE:LINE:COL: what is wrong" in err. */
int pal_lint_config_load(const char *path, pal_lint_config *cfg, char *err, size_t errcap);
void pal_lint_config_free(pal_lint_config *cfg);
/* The level of a code under cfg, given its default. */
int pal_lint_config_level(const pal_lint_config *cfg, const char *code, int dflt);

/* ---- findings ---- */

#define PAL_LINT_NO_FILE UINT32_MAX

typedef struct pal_finding {
    int level;
    char code[8];
    uint32_t file;             /* index into the linter's files, or PAL_LINT_NO_FILE */
    uint32_t line, col, end_line, end_col;   /* 1-based, columns in code points */
    uint32_t begin, end;       /* byte offsets in the file */
    char *message;
    char *hint;                /* NULL when there is nothing to suggest */
} pal_finding;

typedef struct pal_lint_file {
    char *path;                /* as shown: the directory given joined with the repo path */
    char *text;
    size_t len;
    uint32_t *line_starts;     /* offset of each line, for line numbers in O(log n) */
    uint32_t nlines;
} pal_lint_file;

typedef struct pal_linter {
    pal_lint_file *files;
    size_t nfiles, capfiles;
    pal_finding *findings;
    size_t nfindings, capfindings;
    unsigned errors;           /* repos that could not be read, parsed or compiled */
    /* names across repos, for duplicates between them */
    struct pal_lint_name *names;
    size_t nnames, capnames;
    uint32_t *name_index;      /* open addressing over names: index + 1, 0 = empty */
    size_t name_slots;
    uint32_t nrepos;
} pal_linter;

void pal_linter_init(pal_linter *L);
void pal_linter_free(pal_linter *L);

/* Lints the repo rooted at dir (every .pal file under it, as the compiler
   reads it).  With `only` (paths relative to dir), findings are kept for
   those files alone.  cfg NULL means the defaults.  I/O, parse and compile
   errors become findings at level error and count in L->errors.  Returns 0,
   or -1 when the repo could not be linted at all. */
int pal_lint_repo(pal_linter *L, const char *dir, const char *const *only, size_t nonly,
                  const pal_lint_config *cfg);

/* Sorts the findings by file, position and code (stable output). */
void pal_linter_sort(pal_linter *L);

/* A finding as a diagnostic, for pal_diag_print and friends: *sf is filled
   to describe its file. */
void pal_finding_diag(const pal_linter *L, const pal_finding *f, pal_diagnostic *d, pal_srcfile *sf);

/* ---- as a report ---- */

struct rpt_report;
/* The findings of L (sorted) as a finished lint report in r (rpt_init'ed;
   kind RPT_LINT), for the report writers' json, sarif and github forms
   (lint_report.c).  0, or -1 with err (out of memory). */
int pal_lint_to_report(const pal_linter *L, struct rpt_report *r, char *err, size_t errcap);

/* ---- internal: shared by lint.c and lint_rules.c ---- */

struct pal_file;
struct pal_arena;
typedef struct pal_lint_ctx {
    pal_linter *L;
    const pal_lint_config *cfg;
    struct pal_arena *arena;
    const char *root_name;     /* the last element of the repo directory's real path */
    uint32_t repo;             /* this repo's number in the run */
    uint32_t nfiles;
    const char **relpaths;     /* paths relative to the repo root, sorted */
    uint32_t *file_ids;        /* index in L->files of each */
    struct pal_file **asts;    /* NULL for a file that does not parse */
} pal_lint_ctx;

/* Adds a finding of a PAL07nn code at [begin, end) of repo file i, at the
   code's configured level (nothing when it is off). */
void pal_lint_report(pal_lint_ctx *c, uint32_t file, const char *code, uint32_t begin, uint32_t end,
                     const char *hint, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* The 1-based line of offset off in L->files[file]. */
uint32_t pal_lint_line(const pal_linter *L, uint32_t file, uint32_t off);
/* Runs every PAL07nn rule over the repo's trees. */
void pal_lint_rules(pal_lint_ctx *c);

#endif
