/* err.c — see err.h. */
#include <stdio.h>
#include "engine/base/err.h"

int pal_set_errv(char *err, size_t errcap, const char *fmt, va_list ap)
{
    if (err && errcap) vsnprintf(err, errcap, fmt, ap);
    return -1;
}

int pal_set_err(char *err, size_t errcap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pal_set_errv(err, errcap, fmt, ap);
    va_end(ap);
    return -1;
}
