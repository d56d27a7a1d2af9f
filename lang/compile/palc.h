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
#include "lang/syntax/options.h"
#include "engine/vm/program.h"

/* Compiles the .pal files named in paths (relative to the reader's root). */
pal_program *pal_compile(const char *const *paths, size_t npaths, const pal_compile_opts *o,
                         unsigned *nerrors, unsigned *nwarnings);

/* Convenience: every *.pal under dir (recursively, sorted; hidden
   directories skipped), read from disk. */
pal_program *pal_compile_dir(const char *dir, const pal_compile_opts *o,
                             unsigned *nerrors, unsigned *nwarnings);

/* Every diagnostic pal_compile would report, and no program (nothing is
   verified or prepared): for the linter and editors. */
void pal_check_repo(const char *const *paths, size_t npaths, const pal_compile_opts *o,
                    unsigned *nerrors, unsigned *nwarnings);

/* pal_compile / pal_compile_dir that also fill *tests (zeroed by the
   caller; free it with pal_testset_free whatever the result).  Tests whose
   input cannot be built are reported as diagnostics, and make the compile
   fail like any other error. */
struct pal_testset;
pal_program *pal_compile_tests(const char *const *paths, size_t npaths, const pal_compile_opts *o,
                               unsigned *nerrors, unsigned *nwarnings, struct pal_testset *tests);
pal_program *pal_compile_dir_tests(const char *dir, const pal_compile_opts *o,
                                   unsigned *nerrors, unsigned *nwarnings, struct pal_testset *tests);

/* Reader for a directory on disk (user = the directory path). */
int pal_read_from_dir(void *dir, const char *relpath, char **data, size_t *len);

#endif
