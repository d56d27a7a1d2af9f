/*
 * palc.h — the compiler's public face: policy sources in, a verified
 * program out.
 *
 * pal_compile() takes every file of a policy repo through a reader callback
 * (from disk for `palisade build DIR`, from the binary for the embedded
 * defaults), parses each .pal file, checks names and types across all of
 * them, and generates bytecode.  Diagnostics go to the callback; the result
 * is NULL when there was any error.  A returned program has passed
 * pal_program_prepare() (verified, matchers built) and is ready to run.
 */
#ifndef PAL_PALC_H
#define PAL_PALC_H

#include <stddef.h>
#include <stdint.h>
#include "lang/syntax/diag.h"
#include "engine/vm/program.h"

/* Reads the repo file at relpath ("feeds/malware.md5") into a malloc'ed,
   NUL-terminated buffer.  Returns 0, or -1 if it does not exist / cannot be read. */
typedef int (*pal_read_fn)(void *user, const char *relpath, char **data, size_t *len);

typedef struct pal_compile_opts {
    const char *revision;      /* manifest revision; "" when NULL */
    int64_t build_time;        /* 0 = now */
    pal_diag_fn diag;          /* NULL = pal_diag_print to stderr */
    void *diag_user;
    unsigned max_errors;       /* 0 = PAL_MAX_ERRORS */
    pal_read_fn read;          /* how feeds and .pal files are read */
    void *read_user;
} pal_compile_opts;

/* Compiles the .pal files named in paths (relative to the reader's root). */
pal_program *pal_compile(const char *const *paths, size_t npaths, const pal_compile_opts *o,
                         unsigned *nerrors, unsigned *nwarnings);

/* Convenience: every *.pal under dir (recursively, sorted; hidden
   directories skipped), read from disk. */
pal_program *pal_compile_dir(const char *dir, const pal_compile_opts *o,
                             unsigned *nerrors, unsigned *nwarnings);

/* Reader for a directory on disk (user = the directory path). */
int pal_read_from_dir(void *dir, const char *relpath, char **data, size_t *len);

#endif
