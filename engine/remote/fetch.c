/*
 * fetch.c — the bundle server poller (design in fetch.h).
 *
 * Threads: the poller thread owns the curl handle, the download buffer and
 * the cache files; the agent's thread owns the program once taken.  They
 * share the slot (one verified program waiting), the stats and the
 * revision held, under one mutex; the eventfd wakes the agent, a condition
 * variable wakes the poller (to stop, or to write the status file anew).
 */
#include "engine/remote/fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "engine/base/fileio.h"
#include "engine/base/limits.h"

/* The response last refused, to know it again from its headers: a
   bundle refused once is not downloaded (nor refused and logged) again
   while the server serves the same one. */
typedef struct refused_mark {
    bool set, too_big;
    char etag[128], last_modified[64];
    long long length;             /* its Content-Length (-1: none given) */
} refused_mark;

struct pal_fetcher {
    pal_fetch_opts o;
    char *url, *cache_dir, *ca_file;
    atomic_bool abort_now;        /* stopping: a request in flight gives up */
    refused_mark refused;         /* the poller's */
    pal_pubkey trusted;
    pthread_t thread;
    bool running;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop, status_dirty;
    int efd;
    pal_program *slot;
    pal_bundle_sig slot_sig;
    pal_fetch_stats st;
    unsigned char taken_hash[crypto_generichash_BYTES];   /* the last bundle taken (or started with) */
    bool have_hash;
    bool started_from_cache;
    uint64_t rng;
};

long long pal_parse_duration_ms(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0) return -1;
    double ms;
    if (!*end || !strcmp(end, "s")) ms = v * 1000;
    else if (!strcmp(end, "ms")) ms = v;
    else if (!strcmp(end, "m")) ms = v * 60000;
    else if (!strcmp(end, "h")) ms = v * 3600000;
    else return -1;
    if (!(ms >= 100 && ms <= 86400000.0)) return -1;   /* NaN too ("nan" is a number to strtod) */
    return (long long)ms;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void iso_time(int64_t ms, char *out, size_t cap)
{
    if (!ms) { snprintf(out, cap, "never"); return; }
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- one request ---- */

typedef struct download {
    unsigned char *buf;
    size_t len, cap, max;
    bool too_big;
    bool refused_again;           /* its headers are those of the response last refused: not read */
    pal_http_head h;              /* the last response's headers (a redirect's are replaced by the next) */
    long status;                  /* the final response's (libcurl's) */
    const refused_mark *refused;  /* NULL: none */
    const atomic_bool *abort_now; /* NULL: never */
} download;

static bool same_as_refused(const refused_mark *m, const pal_http_head *h)
{
    if (!m || !m->set) return false;
    if (m->etag[0] && h->etag[0]) return !strcmp(m->etag, h->etag);
    if (h->length < 0 || h->length != m->length) return false;
    if (m->last_modified[0] || h->last_modified[0]) return !strcmp(m->last_modified, h->last_modified);
    return m->too_big;   /* a size alone says only that it is too big again */
}

static size_t on_body(char *p, size_t size, size_t n, void *user)
{
    download *d = user;
    size_t k = size * n;
    if (d->len + k > d->max) { d->too_big = true; return 0; }   /* 0 aborts the transfer */
    if (d->len + k > d->cap) {
        size_t ncap = d->cap ? d->cap : 65536;
        while (ncap < d->len + k) ncap *= 2;
        if (ncap > d->max) ncap = d->max;
        unsigned char *nb = realloc(d->buf, ncap);
        if (!nb) return 0;
        d->buf = nb;
        d->cap = ncap;
    }
    memcpy(d->buf + d->len, p, k);
    d->len += k;
    return k;
}

/* A header's value, trimmed, into out (left empty when it does not fit). */
static void header_value(const char *p, size_t k, size_t namelen, char *out, size_t cap)
{
    const char *v = p + namelen, *e = p + k;
    while (v < e && (*v == ' ' || *v == '\t')) v++;
    while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\t')) e--;
    size_t len = (size_t)(e - v);
    out[0] = 0;
    /* a control byte inside (a bare CR, a NUL) is not kept: the ETag goes
       back out in our If-None-Match line, which must stay one header */
    for (const char *q = v; q < e; q++)
        if ((unsigned char)*q < 0x20 && *q != '\t') return;
    if (len < cap) { memcpy(out, v, len); out[len] = 0; }
}

/* Digits within [p, e) after blanks: the number, or -1 (none, or past 10^15, or anything else after). */
static long long header_number(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t')) p++;
    long long v = 0;
    int digits = 0;
    for (; p < e && *p >= '0' && *p <= '9'; p++) {
        if (++digits > 15) return -1;
        v = v * 10 + (*p - '0');
    }
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
    return digits && p == e ? v : -1;
}

void pal_http_head_init(pal_http_head *h)
{
    memset(h, 0, sizeof *h);
    h->length = -1;
}

bool pal_http_head_line(pal_http_head *h, const char *p, size_t k)
{
    if (k > 5 && !strncasecmp(p, "HTTP/", 5)) {   /* a response begins: a redirect's headers start over */
        pal_http_head_init(h);
        const char *sp = memchr(p, ' ', k), *e = p + k;
        if (sp) {
            const char *q = sp + 1;
            while (q < e && *q >= '0' && *q <= '9') q++;
            long long st = header_number(sp + 1, q);
            h->status = st >= 0 && st < 1000 ? (long)st : 0;
        }
    } else if (k > 5 && !strncasecmp(p, "etag:", 5)) {
        header_value(p, k, 5, h->etag, sizeof h->etag);
    } else if (k > 14 && !strncasecmp(p, "last-modified:", 14)) {
        header_value(p, k, 14, h->last_modified, sizeof h->last_modified);
    } else if (k > 15 && !strncasecmp(p, "content-length:", 15)) {
        h->length = header_number(p + 15, p + k);
    } else if ((k == 2 && p[0] == '\r' && p[1] == '\n') || (k == 1 && p[0] == '\n')) {
        return true;
    }
    return false;
}

/* Every header line of every response (redirects too), then a blank line:
   at the end of a 200's headers, the body is refused before it is read
   when it is the one refused last time, or when it says it is too big. */
static size_t on_header(char *p, size_t size, size_t n, void *user)
{
    download *d = user;
    size_t k = size * n;
    if (pal_http_head_line(&d->h, p, k) && d->h.status == 200) {
        if (same_as_refused(d->refused, &d->h)) { d->refused_again = true; return 0; }
        if (d->h.length >= 0 && (unsigned long long)d->h.length > d->max) { d->too_big = true; return 0; }
    }
    return k;
}

/* Called often during a request, the name lookup too: a stopping agent does not wait for it. */
static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal; (void)dlnow; (void)ultotal; (void)ulnow;
    const download *d = user;
    return d->abort_now && atomic_load(d->abort_now) ? 1 : 0;
}

/* 0: a body (200), 1: not modified (304), 2: the response last refused
   (refused), seen again by its headers and not read, -1: failed (err). */
static int request(const pal_fetch_opts *o, const char *url, const char *etag, const refused_mark *refused,
                   const atomic_bool *abort_now, download *d, char *err, size_t cap)
{
    memset(d, 0, sizeof *d);
    d->max = o->max_bytes ? o->max_bytes : PAL_MAX_BUNDLE_BYTES;
    pal_http_head_init(&d->h);
    d->refused = refused;
    d->abort_now = abort_now;
    CURL *c = curl_easy_init();
    if (!c) { snprintf(err, cap, "out of memory"); return -1; }
    char cerr[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdrs = NULL;
    char inm[160];
    if (etag && etag[0]) {
        snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
        hdrs = curl_slist_append(hdrs, inm);
    }
    unsigned timeout = o->timeout_ms ? o->timeout_ms : 60000;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, d);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, d);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);    /* S3 and forge release assets redirect */
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(timeout < 10000 ? timeout : 10000));
    /* a Content-Length past the limit is refused at the end of the headers (on_header), a body that grows past it as it comes (on_body) */
    curl_easy_setopt(c, CURLOPT_USERAGENT, "palisade-agent");
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, d);
    if (o->ca_file) curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);   /* as curl --cacert: these CAs, not the system's */
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &d->status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    if (d->refused_again) return 2;
    if (d->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        snprintf(err, cap, "refused: larger than the limit of %zu bytes (--bundle-max-bytes)", d->max);
        d->too_big = true;
        return -1;
    }
    if (rc != CURLE_OK) {
        snprintf(err, cap, "failed: %s", cerr[0] ? cerr : curl_easy_strerror(rc));
        return -1;
    }
    if (d->status == 304) return 1;
    if (d->status != 200) {
        snprintf(err, cap, "failed: the server answered HTTP %ld", d->status);
        return -1;
    }
    return 0;
}

/* ---- the cache ---- */

static void cache_path(const char *dir, const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static int cache_write(const char *dir, const unsigned char *buf, size_t len, const char *etag, char *err, size_t cap)
{
    char p[4200];
    cache_path(dir, "bundle.palb", p, sizeof p);
    if (pal_write_file_atomic(p, buf, len, 0644, err, cap) != 0) return -1;
    cache_path(dir, "bundle.etag", p, sizeof p);
    return pal_write_file_atomic(p, etag, strlen(etag), 0644, err, cap);
}

int pal_fetch_initial(const pal_fetch_opts *o, pal_program **out, pal_bundle_sig *sig, bool *from_cache,
                      char *err, size_t cap)
{
    *out = NULL;
    *from_cache = false;
    curl_global_init(CURL_GLOBAL_DEFAULT);   /* here, on the agent's thread, before any other thread */
    char cache_why[800] = "";
    if (o->cache_dir) {
        char p[4200], why[600];
        cache_path(o->cache_dir, "bundle.palb", p, sizeof p);
        char *data = NULL;
        size_t len = 0;
        size_t max = o->max_bytes ? o->max_bytes : PAL_MAX_BUNDLE_BYTES;
        if (pal_read_file(p, max + PAL_SIG_TRAILER_BYTES, &data, &len, why, sizeof why) != 0) {
            snprintf(cache_why, sizeof cache_why, "no cached bundle (%s)", why);
        } else if (pal_bundle_open((unsigned char *)data, len, o->trusted, sig, out, why, sizeof why) != 0) {
            snprintf(cache_why, sizeof cache_why, "the cached bundle %.300s is refused: %.400s", p, why);
            *out = NULL;
        } else {
            free(data);
            *from_cache = true;
            return 0;
        }
        free(data);
    }
    download d;
    char why[600];
    int rc = request(o, o->url, NULL, NULL, NULL, &d, why, sizeof why);
    if (rc == 0 && pal_bundle_open(d.buf, d.len, o->trusted, sig, out, why, sizeof why) == 0) {
        if (o->cache_dir && cache_write(o->cache_dir, d.buf, d.len, d.h.etag, why, sizeof why) != 0)
            fprintf(stderr, "palisade agent: --bundle-cache: %s; the bundle is not cached\n", why);
        free(d.buf);
        return 0;
    }
    if (rc == 0) *out = NULL;
    free(d.buf);
    snprintf(err, cap, "%s: %s%s; %s%s", o->url, rc == 0 ? "refused: " : "", why,
             o->cache_dir ? cache_why : "no --bundle-cache DIR to start from",
             ": the agent does not start without verified rules");
    return -1;
}

/* ---- the poller ---- */

static uint64_t next_rand(pal_fetcher *f)
{
    /* xorshift64*: jitter only, not secrets */
    f->rng ^= f->rng >> 12;
    f->rng ^= f->rng << 25;
    f->rng ^= f->rng >> 27;
    return f->rng * 2685821657736338717ull;
}

static long long jittered(pal_fetcher *f, long long ms, double lo, double hi)
{
    double u = (double)(next_rand(f) >> 11) / 9007199254740992.0;
    return (long long)(ms * (lo + (hi - lo) * u));
}

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c < 0x20) fprintf(out, "\\u%04x", c);
        else fputc(c, out);
    }
    fputc('"', out);
}

/* DIR/status.json, from a copy of the stats. */
static void write_status(pal_fetcher *f, const pal_fetch_stats *st)
{
    if (!f->cache_dir) return;
    char p[4200], err[600], when[40], taken[40];
    cache_path(f->cache_dir, "status.json", p, sizeof p);
    pal_atomic w;
    if (pal_atomic_begin(&w, p, 0644, err, sizeof err) != 0) return;
    iso_time(st->last_check_ms, when, sizeof when);
    iso_time(st->last_taken_ms, taken, sizeof taken);
    fprintf(w.f, "{\"url\":");
    json_str(w.f, f->url);
    fprintf(w.f, ",\"holds\":");
    json_str(w.f, st->holds);
    fprintf(w.f, ",\"last_check\":\"%s\",\"last_result\":", when);
    json_str(w.f, st->last_result);
    fprintf(w.f, ",\"last_taken\":\"%s\",\"etag\":", taken);
    json_str(w.f, st->etag);
    fprintf(w.f, ",\"checks\":%llu,\"not_modified\":%llu,\"downloads\":%llu,\"taken\":%llu,\"refused\":%llu,"
            "\"refused_unchanged\":%llu,\"failed\":%llu}\n",
            st->checks, st->not_modified, st->downloads, st->taken, st->refused, st->refused_unchanged, st->failed);
    pal_atomic_commit(&w, err, sizeof err);
}

static void poll_once(pal_fetcher *f)
{
    char etag[128];
    pthread_mutex_lock(&f->lock);
    snprintf(etag, sizeof etag, "%s", f->st.etag);
    pthread_mutex_unlock(&f->lock);
    download d;
    char why[700] = "";
    int rc = request(&f->o, f->url, etag, &f->refused, &f->abort_now, &d, why, sizeof why);
    pal_program *np = NULL;
    pal_bundle_sig sig;
    bool same = false;
    unsigned char h[crypto_generichash_BYTES];
    if (rc == 0) {
        crypto_generichash(h, sizeof h, d.buf, d.len, NULL, 0);
        same = f->have_hash && !memcmp(h, f->taken_hash, sizeof h);
        char vwhy[600];
        if (!same && pal_bundle_open(d.buf, d.len, &f->trusted, &sig, &np, vwhy, sizeof vwhy) != 0) {
            np = NULL;
            snprintf(why, sizeof why, "refused: %s", vwhy);
        }
        if (np && f->cache_dir) {
            char cerr[600];
            if (cache_write(f->cache_dir, d.buf, d.len, d.h.etag, cerr, sizeof cerr) != 0)
                fprintf(stderr, "palisade agent: --bundle-cache: %s; the new bundle is not cached\n", cerr);
        }
        if (np) { memcpy(f->taken_hash, h, sizeof h); f->have_hash = true; }
    }
    free(d.buf);
    /* the refusal remembered (the poller's own): known again by its ETag, or its size and date */
    bool refused_now = (rc == 0 && !same && !np) || (rc == -1 && d.too_big);
    if (refused_now) {
        f->refused = (refused_mark){.set = true, .too_big = d.too_big, .length = rc == 0 ? (long long)d.len : d.h.length};
        snprintf(f->refused.etag, sizeof f->refused.etag, "%s", d.h.etag);
        snprintf(f->refused.last_modified, sizeof f->refused.last_modified, "%s", d.h.last_modified);
    } else if (rc == 0) {
        f->refused.set = false;   /* the server serves another one */
    }
    pthread_mutex_lock(&f->lock);
    f->st.checks++;
    f->st.last_check_ms = wall_ms();
    bool log = false;
    if (rc == 1) {
        f->st.not_modified++;
        if (f->refused.set && etag[0] && !strcmp(etag, f->refused.etag)) {
            f->st.refused_unchanged++;
            snprintf(f->st.last_result, sizeof f->st.last_result, "304 not modified: the bundle refused before, unchanged");
        } else {
            snprintf(f->st.last_result, sizeof f->st.last_result, "304 not modified");
        }
    } else if (rc == 2) {
        f->st.refused_unchanged++;
        snprintf(f->st.last_result, sizeof f->st.last_result, "200 the bundle refused before, unchanged (not read)");
    } else if (rc == 0) {
        f->st.downloads++;
        /* the ETag answered for, taken or refused: an unchanged refused bundle is a 304 next time, not another download */
        snprintf(f->st.etag, sizeof f->st.etag, "%s", d.h.etag);
        if (same) {
            snprintf(f->st.last_result, sizeof f->st.last_result, "200 the bundle in force, unchanged");
        } else if (np) {
            f->st.taken++;
            f->st.last_taken_ms = f->st.last_check_ms;
            snprintf(f->st.last_result, sizeof f->st.last_result, "200 taken");
            if (f->slot) pal_program_free(f->slot);   /* never taken: the newer one replaces it */
            f->slot = np;
            f->slot_sig = sig;
            uint64_t one = 1;
            if (write(f->efd, &one, sizeof one) < 0) {}
        } else {
            f->st.refused++;
            snprintf(f->st.last_result, sizeof f->st.last_result, "%.159s", why);
            log = true;
        }
    } else {
        if (d.too_big) {
            f->st.refused++;
            /* asked for with If-None-Match from now on: an unchanged oversized bundle is a 304, not another download */
            snprintf(f->st.etag, sizeof f->st.etag, "%s", d.h.etag);
        } else {
            f->st.failed++;
        }
        snprintf(f->st.last_result, sizeof f->st.last_result, "%.159s", why);
        log = true;
    }
    pal_fetch_stats copy = f->st;
    pthread_mutex_unlock(&f->lock);
    if (log)
        fprintf(stderr, "palisade agent: bundle %s: %s; still deciding with revision %s\n", f->url, why,
                copy.holds[0] ? copy.holds : "(none)");
    write_status(f, &copy);
}

static void *poller(void *arg)
{
    pal_fetcher *f = arg;
    long long interval = f->o.poll_ms ? f->o.poll_ms : 30000;
    /* the first wait: a random part of the interval (soon after a start from the cache, which may be old) */
    long long wait = f->started_from_cache ? jittered(f, interval < 2000 ? interval : 2000, 0.1, 1.0)
                                           : jittered(f, interval, 0.25, 1.0);
    for (;;) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        long long ns = (long long)until.tv_nsec + (wait % 1000) * 1000000LL;
        until.tv_sec += (time_t)(wait / 1000 + ns / 1000000000LL);
        until.tv_nsec = (long)(ns % 1000000000LL);
        pthread_mutex_lock(&f->lock);
        for (;;) {
            if (f->stop) { pthread_mutex_unlock(&f->lock); return NULL; }
            if (f->status_dirty) {
                f->status_dirty = false;
                pal_fetch_stats copy = f->st;
                pthread_mutex_unlock(&f->lock);
                write_status(f, &copy);
                pthread_mutex_lock(&f->lock);
                continue;
            }
            if (pthread_cond_timedwait(&f->wake, &f->lock, &until) == ETIMEDOUT) break;
        }
        pthread_mutex_unlock(&f->lock);
        poll_once(f);
        wait = jittered(f, interval, 0.75, 1.25);
    }
}

pal_fetcher *pal_fetcher_start(const pal_fetch_opts *o, bool started_from_cache, char *err, size_t cap)
{
    pal_fetcher *f = calloc(1, sizeof *f);
    if (!f) { snprintf(err, cap, "out of memory"); return NULL; }
    f->o = *o;
    f->url = strdup(o->url);
    f->cache_dir = o->cache_dir ? strdup(o->cache_dir) : NULL;
    f->ca_file = o->ca_file ? strdup(o->ca_file) : NULL;
    f->o.ca_file = f->ca_file;
    atomic_init(&f->abort_now, false);
    f->trusted = *o->trusted;
    f->o.trusted = &f->trusted;
    f->o.url = f->url;
    f->o.cache_dir = f->cache_dir;
    f->started_from_cache = started_from_cache;
    f->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (getrandom(&f->rng, sizeof f->rng, 0) != (ssize_t)sizeof f->rng) f->rng = (uint64_t)wall_ms() ^ (uint64_t)getpid();
    f->rng |= 1;
    pthread_mutex_init(&f->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&f->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (!f->url || (o->cache_dir && !f->cache_dir) || (o->ca_file && !f->ca_file) || f->efd < 0) {
        snprintf(err, cap, "out of memory");
        pal_fetcher_stop(f);
        return NULL;
    }
    if (o->cache_dir) {
        /* the ETag of the cached bundle: a restart asks If-None-Match for it */
        char p[4200], why[300];
        cache_path(o->cache_dir, "bundle.etag", p, sizeof p);
        char *data = NULL;
        size_t len = 0;
        if (pal_read_file(p, sizeof f->st.etag - 1, &data, &len, why, sizeof why) == 0) {
            memcpy(f->st.etag, data, len);
            f->st.etag[len] = 0;
        }
        free(data);
        cache_path(o->cache_dir, "bundle.palb", p, sizeof p);
        data = NULL;
        if (pal_read_file(p, (o->max_bytes ? o->max_bytes : PAL_MAX_BUNDLE_BYTES) + PAL_SIG_TRAILER_BYTES, &data, &len, why,
                          sizeof why) == 0) {
            crypto_generichash(f->taken_hash, sizeof f->taken_hash, (unsigned char *)data, len, NULL, 0);
            f->have_hash = true;
        }
        free(data);
    }
    /* the poller blocks no signal the agent reads through signalfd */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&f->thread, NULL, poller, f);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        snprintf(err, cap, "cannot start the poller thread: %s", strerror(rc));
        pal_fetcher_stop(f);
        return NULL;
    }
    f->running = true;
    return f;
}

void pal_fetcher_stop(pal_fetcher *f)
{
    if (!f) return;
    if (f->running) {
        pthread_mutex_lock(&f->lock);
        f->stop = true;
        atomic_store(&f->abort_now, true);   /* a request in flight gives up at its next progress call */
        pthread_cond_signal(&f->wake);
        pthread_mutex_unlock(&f->lock);
        pthread_join(f->thread, NULL);
    }
    if (f->slot) pal_program_free(f->slot);
    if (f->efd >= 0) close(f->efd);
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->wake);
    free(f->url);
    free(f->cache_dir);
    free(f->ca_file);
    free(f);
}

int pal_fetcher_fd(const pal_fetcher *f) { return f->efd; }

pal_program *pal_fetcher_take(pal_fetcher *f, pal_bundle_sig *sig)
{
    uint64_t v;
    if (read(f->efd, &v, sizeof v) < 0) {}
    pthread_mutex_lock(&f->lock);
    pal_program *p = f->slot;
    f->slot = NULL;
    if (p && sig) *sig = f->slot_sig;
    pthread_mutex_unlock(&f->lock);
    return p;
}

void pal_fetcher_installed(pal_fetcher *f, const char *revision)
{
    pthread_mutex_lock(&f->lock);
    snprintf(f->st.holds, sizeof f->st.holds, "%s", revision);
    f->status_dirty = true;
    pthread_cond_signal(&f->wake);
    pthread_mutex_unlock(&f->lock);
}

void pal_fetcher_get_stats(pal_fetcher *f, pal_fetch_stats *st)
{
    pthread_mutex_lock(&f->lock);
    *st = f->st;
    pthread_mutex_unlock(&f->lock);
}
