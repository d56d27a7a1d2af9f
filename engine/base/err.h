/*
 * err.h — the one way the library reports an error in text.
 *
 * Library functions that can fail take (char *err, size_t errcap) and, on
 * failure, write one message there: what went wrong, where (file:line:col
 * when there is a place) and what to do.  They never print and never exit;
 * cli/ decides how a message reaches the user.  err may be NULL (the caller
 * only wants the return code).
 */
#ifndef PAL_ERR_H
#define PAL_ERR_H

#include <stdarg.h>
#include <stddef.h>

/* printf into err (truncated to errcap, always NUL-terminated); a no-op
   when err is NULL or errcap is 0.  Always returns -1, so a failing path
   can `return pal_set_err(...)`. */
int pal_set_err(char *err, size_t errcap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int pal_set_errv(char *err, size_t errcap, const char *fmt, va_list ap);

#endif
