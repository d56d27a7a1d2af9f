/*
 * exceptions.h — accepted risks: findings a team has decided to live with
 * for a while, read from a YAML file (`palisade scan --exceptions FILE`).
 *
 *   exceptions:
 *     - id: PAL-0041            # a check ID, or a vulnerability ID (CVE-2024-1234)
 *       image: "myapp:*"        # optional: glob on the image name or any of its tags
 *       path: "*.pem"           # optional: glob on the finding's element (the file,
 *                               #   package or user it is about) or its message
 *       reason: "runs as root until ticket SEC-12"    # required
 *       expires: 2027-01-31     # optional: the last day it applies (UTC)
 *
 * Design. An exception never hides a finding: a finding it covers is
 * reported with status "excepted" and the reason, and does not fail the
 * scan.  Past its expiry date an exception stops applying — the finding
 * fails again — and the report says which exception expired, so an
 * accepted risk cannot quietly become permanent.  Globs: `*` matches any
 * run of characters (across `/` too), `?` one character; on a Windows
 * image paths compare without case and with `\` equal to `/`.
 */
#ifndef PAL_EXCEPTIONS_H
#define PAL_EXCEPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include "engine/scan/frameworks.h"

#define CLI_MAX_EXCEPTIONS 100000u   /* entries in one exceptions file */

typedef struct pal_exception {
    const char *id, *image, *path, *reason;
    const char *expires;      /* "YYYY-MM-DD", or NULL: no expiry */
    long expires_day;         /* days since 1970-01-01 of `expires` */
    bool expired;             /* today is past `expires` */
    unsigned line;            /* where the entry starts */
    unsigned used;            /* findings it matched (expired ones too) */
} pal_exception;

typedef struct pal_exceptions {
    pal_arena arena;
    const char *file;
    pal_exception *e;
    unsigned n;
} pal_exceptions;

/* Reads FILE; `today` is days since the epoch (UTC), which decides
   `expired`.  0, or -1 with "FILE:LINE:COL: what; what to do". */
int pal_exceptions_load(pal_exceptions *x, const char *file, long today, char *err, size_t errcap);
void pal_exceptions_free(pal_exceptions *x);

/* The exception for a finding of check/vulnerability `id` on an image
   known by `names` (its name and tags): an unexpired one when any
   matches, else an expired one (so the report can say it expired), else
   NULL.  `element` and `message` may be NULL. */
pal_exception *pal_exceptions_match(pal_exceptions *x, const char *id, const char *const *names,
                                    unsigned nnames, const char *element, const char *message,
                                    bool windows);

/* "2027-01-31" -> days since the epoch; -1 if not a real date. */
long cli_parse_date(const char *s, size_t len);

#endif
