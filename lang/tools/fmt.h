/*
 * fmt.h — the canonical layout of .pal source (`palisade fmt`).
 *
 * pal_format() turns one source file into its canonical text: the same
 * tokens (give or take an optional comma) and the same comments, laid out
 * one way.  It refuses a file that does not parse, and it checks its own
 * output: the result is re-read and must hold the same tokens and comments,
 * so a formatter bug is an error, never a changed policy.
 */
#ifndef PAL_FMT_H
#define PAL_FMT_H

#include <stddef.h>
#include "lang/syntax/diag.h"

/* Formats src (len bytes, need not be NUL-terminated); path names the file
   in diagnostics.  On success returns 0 and a malloc'ed, NUL-terminated text
   in *out (*outlen bytes).  Returns -1 when the source does not parse (its
   diagnostics go to diag; NULL prints them to stderr) or cannot be formatted
   (a diagnostic says why); *out is then NULL. */
int pal_format(const char *path, const char *src, size_t len, pal_diag_fn diag, void *diag_user,
               char **out, size_t *outlen);

#endif
