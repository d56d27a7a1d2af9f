/*
 * options.h — what a compilation is given: how to read the repo's files,
 * where diagnostics go, and what to stamp on the program.
 *
 * The front end, the checker and the generator all read these (the parser
 * is handed sources, the checker reads feeds and test inventories through
 * the same reader), so they are declared here, below all of them; the
 * public entry points are in lang/compile/palc.h.
 */
#ifndef PAL_OPTIONS_H
#define PAL_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include "lang/syntax/diag.h"

/* Reads the repo file at relpath ("feeds/malware.md5") into a malloc'ed,
   NUL-terminated buffer.  Returns 0, or -1 if it does not exist / cannot be read. */
typedef int (*pal_read_fn)(void *user, const char *relpath, char **data, size_t *len);

struct pal_program;

typedef struct pal_compile_opts {
    const char *revision;      /* manifest revision; "" when NULL */
    /* A revision that depends on what was compiled (the CLI's src-HASH of
       the sources, cli/policy.c): when set, called once the program's
       sources are known, and what it writes to out is the revision. */
    void (*revision_of)(void *user, const struct pal_program *p, char *out, size_t cap);
    void *revision_user;
    int64_t build_time;        /* 0 = now */
    pal_diag_fn diag;          /* NULL = pal_diag_print to stderr */
    void *diag_user;
    unsigned max_errors;       /* 0 = PAL_MAX_ERRORS */
    pal_read_fn read;          /* how feeds and .pal files are read */
    void *read_user;
} pal_compile_opts;

#endif
