/*
 * fetch.h — signed bundles pulled from a bundle server: `palisade agent
 * --bundle-url URL --verify-key KEY [--poll 30s] [--bundle-cache DIR]`
 * (issue 17).
 *
 * The server is any static HTTP(S) server (nginx, S3, a forge's release
 * assets): the file served is exactly what `palisade build --sign` wrote.
 * A poller thread of its own (libcurl's easy interface, blocking, so the
 * agent's poll loop never waits on the network) asks for it with
 * If-None-Match: the ETag of the last response it took in, so an unchanged
 * bundle costs a 304 and no download.  A 200's body is read into memory
 * up to a size limit (past it the transfer is aborted), then checked on
 * the same thread — the signature against the trusted key, then the
 * bundle and its bytecode (pal_bundle_open, exactly as a file is) — and
 * only a verified program is handed to the loop (pal_fetcher_take, woken
 * through an eventfd), which swaps it in between two events as it does a
 * local reload.  A bundle refused, a failed or timed-out request, a
 * server down: counted, logged, never fatal; the rules in force keep
 * deciding (keep-last-good).
 *
 * A refused bundle is remembered: its ETag is asked for with If-None-Match
 * from then on (a 304 costs nothing), and a 200 whose headers are the
 * refused one's (its ETag, or its Content-Length and Last-Modified; for a
 * bundle too big, its Content-Length alone) is dropped before its body is
 * read; either is counted (refused_unchanged), neither is refused or
 * logged again.  Name lookups are the poller's too (libcurl's threaded
 * resolver, bounded by the connect timeout), and a stopping agent aborts
 * the request in flight at once (the progress callback).  --bundle-ca FILE
 * checks an https server against those CAs, as curl --cacert does.
 *
 * The cache.  Every bundle taken is written to DIR/bundle.palb (with its
 * ETag in DIR/bundle.etag), atomically (a temporary file, fsync, rename),
 * after it verified; at start an agent reads it back through the same
 * verification.  So an agent that restarts while the server is down
 * starts with its last good rules — never with none, never with an
 * unverified one: with neither a verified cache nor a verified download it
 * does not start.  DIR/status.json says when the poller last asked, what
 * it got and what it holds (`palisade agent --status DIR` prints it).
 *
 * Jitter.  Each wait is the interval times a random factor in [0.75,
 * 1.25], and the first one after a start a random part of it, so a
 * thousand agents restarted together do not poll in step.
 */
#ifndef PAL_REMOTE_FETCH_H
#define PAL_REMOTE_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "engine/vm/bundle.h"
#include "engine/vm/program.h"

typedef struct pal_fetch_opts {
    const char *url;              /* http:// or https:// */
    const pal_pubkey *trusted;    /* required: only bundles it signed are taken */
    const char *cache_dir;        /* NULL: no cache */
    unsigned poll_ms;             /* 0: 30000 */
    size_t max_bytes;             /* 0: PAL_MAX_BUNDLE_BYTES */
    unsigned timeout_ms;          /* a request, all of it (0: 60000; connecting: at most 10 s of it) */
    const char *ca_file;          /* --bundle-ca: the CA certificates (PEM) an https server is checked against, instead of the system's */
} pal_fetch_opts;

typedef struct pal_fetch_stats {
    unsigned long long checks;        /* requests made */
    unsigned long long not_modified;  /* 304s */
    unsigned long long downloads;     /* 200s with a body read */
    unsigned long long taken;         /* verified and handed over */
    unsigned long long refused;       /* downloaded and refused (signature, structure, size) */
    unsigned long long refused_unchanged; /* the bundle refused last, served again: a 304 to its ETag, or known by its
                                             headers (ETag, or Content-Length and Last-Modified) and not read */
    unsigned long long failed;        /* no answer, an error status, a timeout */
    int64_t last_check_ms;            /* wall clock of the last answer or failure (0: none yet) */
    int64_t last_taken_ms;
    char last_result[160];            /* "304 not modified", "200 taken", "refused: ...", "failed: ..." */
    char etag[128];
    char holds[128];                  /* the revision in force (pal_fetcher_installed) */
} pal_fetch_stats;

typedef struct pal_fetcher pal_fetcher;

/* The program the agent starts with: the cache when it verifies (*from_cache), else one download now.
   Returns 0 with *out and *sig, or -1 with err (neither source gave a verified bundle). */
int pal_fetch_initial(const pal_fetch_opts *o, pal_program **out, pal_bundle_sig *sig, bool *from_cache,
                      char *err, size_t cap);
/* Starts the poller (the first poll after a jittered part of the interval, soon when the start was
   from the cache).  NULL with err. */
pal_fetcher *pal_fetcher_start(const pal_fetch_opts *o, bool started_from_cache, char *err, size_t cap);
/* Stops and joins it. */
void pal_fetcher_stop(pal_fetcher *f);
/* Readable when a verified program waits to be taken. */
int pal_fetcher_fd(const pal_fetcher *f);
/* The program waiting (NULL: none), now the caller's, and its signature. */
pal_program *pal_fetcher_take(pal_fetcher *f, pal_bundle_sig *sig);
/* The agent swapped it in (or kept another): what status and stats name. */
void pal_fetcher_installed(pal_fetcher *f, const char *revision);
void pal_fetcher_get_stats(pal_fetcher *f, pal_fetch_stats *st);

/* A response's headers as the poller reads them, a line at a time as
   libcurl hands them over (each with its line end, not NUL-terminated):
   the status and the ETag, Last-Modified and Content-Length of the
   response being read (a status line starts a response over, so a
   redirect's are forgotten). */
typedef struct pal_http_head {
    long status;                  /* 0: no status line, or not a number */
    long long length;             /* Content-Length; -1: none, or not a number */
    char etag[128], last_modified[64];   /* empty: none, or too long to keep */
} pal_http_head;
void pal_http_head_init(pal_http_head *h);
/* One line; true at the blank line that ends a response's headers. */
bool pal_http_head_line(pal_http_head *h, const char *line, size_t len);

/* "30s", "500ms", "2m", "1h", or a number of seconds: milliseconds, 100 ms to a day.  -1 when not one. */
long long pal_parse_duration_ms(const char *s);

#endif
