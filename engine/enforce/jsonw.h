/*
 * jsonw.h — writing JSON strings from bytes the enforcer did not choose
 * (file names from the kernel, query names off the wire, container ids).
 *
 * Such bytes need not be UTF-8, and the strict reader the decider uses
 * refuses a text that is not: an exec of a file with a Latin-1 name would
 * then be an undecodable event, and an undecodable event is allowed.  So
 * every byte that is not part of a valid UTF-8 sequence is written as the
 * code point of the same value (\u00XX), control characters as \u00XX or
 * their short escapes; the result is always valid JSON, and two different
 * names stay different.
 */
#ifndef PAL_ENFORCE_JSONW_H
#define PAL_ENFORCE_JSONW_H

#include <stddef.h>
#include "engine/base/strbuf.h"

/* Appends "s" (quoted, escaped).  Returns 0, or -1 when out's cap is reached. */
int pal_jsonw_str(pal_strbuf *out, const char *s, size_t n);
/* Appends "key": with a comma before it unless *first. */
int pal_jsonw_key(pal_strbuf *out, const char *key, int *first);

#endif
