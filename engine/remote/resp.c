/*
 * resp.c — a non-blocking Redis connection (design in resp.h).
 *
 * Name lookups.  getaddrinfo blocks, for as long as the system's resolver
 * likes (seconds per server tried), and this file runs on the agent's
 * loop thread, which decides events meanwhile.  So a host that is not a
 * numeric address is looked up on a thread of its own (detached: a
 * connection closed or freed while its lookup is out abandons it, and the
 * thread frees it when the answer comes), which wakes the loop through an
 * eventfd — the descriptor the connection polls while RESOLVING.  A
 * numeric address is converted at once (AI_NUMERICHOST never blocks).
 *
 * At most one lookup per connection is out.  A connection closed while its
 * lookup has not answered keeps it (c->lk, polled by nobody while DOWN),
 * and the next connect waits for that one instead of starting another: a
 * resolver that never answers costs one thread per connection, not one per
 * reconnect attempt (every ≥ 100 ms, for as long as it hangs).  Its answer,
 * when it comes, is taken by the attempt then waiting (one that came while
 * the connection was down is dropped by the next connect, which asks
 * again); only pal_resp_free abandons a lookup that is out.
 */
#include "engine/remote/resp.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

enum { TAG_INTERNAL = -1000 };   /* AUTH, SELECT: taken by pal_resp_next */

/* A lookup on its thread, shared by the thread and the connection until
   both let go (refs). */
typedef struct lookup {
    pthread_mutex_t lock;
    int refs;
    int efd;                     /* readable when done */
    bool done;
    int rc;                      /* getaddrinfo's */
    struct addrinfo *ai;
    pal_resolve_fn fn;
    char host[256], port[8];
} lookup;

struct pal_resp {
    pal_redis_url u;
    int fd;
    int state;
    lookup *lk;                  /* the lookup out, if any: polled while RESOLVING, kept while DOWN */
    redisReader *rd;
    size_t unparsed;             /* bytes fed to the reader since its last complete reply */
    pal_strbuf out;
    size_t out_off;
    int *tags;                   /* ring of the tags of replies to come */
    size_t tag_head, ntags, tag_cap;
    SSL_CTX *ctx;
    SSL *ssl;
    bool ssl_wants_write;        /* the last SSL call wanted the socket writable */
    char err[512];
};

/* ---- the URL ---- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Copies s[0..n) percent-decoded into dst (cap bytes with the NUL). */
static int decode_into(char *dst, size_t cap, const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            int a = i + 1 < n ? hexval(s[i + 1]) : -1, b = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (a < 0 || b < 0) return -1;
            c = a * 16 + b;
            i += 2;
        }
        if (c == 0 || k + 1 >= cap) return -1;
        dst[k++] = (char)c;
    }
    dst[k] = 0;
    return 0;
}

static int set_param(pal_redis_url *u, const char *k, size_t kn, const char *v, size_t vn, char *err, size_t cap)
{
    char val[512];
    if (decode_into(val, sizeof val, v, vn) != 0) {
        snprintf(err, cap, "parameter %.*s: the value is too long or has a bad %%-escape", (int)kn, k);
        return -1;
    }
#define IS(name) (kn == sizeof name - 1 && !memcmp(k, name, kn))
#define COPY(field) do { if (strlen(val) >= sizeof u->field) goto toolong; strcpy(u->field, val); } while (0)
    if (IS("group")) { COPY(group); u->has_group = true; }
    else if (IS("consumer")) COPY(consumer);
    else if (IS("stream")) COPY(stream);
    else if (IS("field")) COPY(field);
    else if (IS("user")) COPY(user);
    else if (IS("password")) COPY(password);
    else if (IS("tls-ca")) COPY(tls_ca);
    else if (IS("tls-cert")) COPY(tls_cert);
    else if (IS("tls-key")) COPY(tls_key);
    else if (IS("sni")) COPY(sni);
    else if (IS("tls-insecure")) u->tls_insecure = !strcmp(val, "1") || !strcmp(val, "true");
    else if (IS("start")) {
        if (strcmp(val, "0") && strcmp(val, "$")) {
            snprintf(err, cap, "start=%s: a new group starts at 0 (the stream's first entry) or $ (entries added from now)", val);
            return -1;
        }
        COPY(start);
    } else if (IS("maxlen") || IS("db")) {
        char *end;
        long long n = strtoll(val, &end, 10);
        if (!*val || *end || n < 0 || (IS("db") && n > 1000000)) {
            snprintf(err, cap, "%.*s=%s: a whole number, 0 or more", (int)kn, k, val);
            return -1;
        }
        if (IS("db")) u->db = (int)n;
        else u->maxlen = n;
    } else {
        snprintf(err, cap, "unknown parameter '%.*s' (group, consumer, start, maxlen, field, db, user, password, "
                 "tls-ca, tls-cert, tls-key, tls-insecure, sni)", (int)kn, k);
        return -1;
    }
    return 0;
toolong:
    snprintf(err, cap, "parameter %.*s: the value is too long", (int)kn, k);
    return -1;
#undef IS
#undef COPY
}

int pal_redis_url_parse(const char *url, pal_redis_url *u, char *err, size_t cap)
{
    memset(u, 0, sizeof *u);
    u->port = 6379;
    u->db = -1;
    strcpy(u->start, "$");
    const char *p;
    bool is_unix = false;
    if (!strncmp(url, "redis://", 8)) p = url + 8;
    else if (!strncmp(url, "rediss://", 9)) { p = url + 9; u->tls = true; }
    else if (!strncmp(url, "unix://", 7)) { p = url + 7; is_unix = true; }
    else if (!strncmp(url, "unix:", 5)) { p = url + 5; is_unix = true; }
    else {
        snprintf(err, cap, "'%s' is not a Redis URL: write redis://HOST:PORT/STREAM?group=G&consumer=C, rediss:// for "
                 "TLS, or unix:/PATH?stream=STREAM&group=G", url);
        return -1;
    }
    const char *q = strchr(p, '?');
    const char *end = q ? q : p + strlen(p);
    if (is_unix) {
        if (end == p || *p != '/') { snprintf(err, cap, "%s: a unix socket URL names an absolute path: unix:/run/redis.sock?stream=S", url); return -1; }
        if (decode_into(u->unix_path, sizeof u->unix_path, p, (size_t)(end - p)) != 0) {
            snprintf(err, cap, "%s: the socket path is too long (at most %zu bytes)", url, sizeof u->unix_path - 1);
            return -1;
        }
    } else {
        const char *slash = memchr(p, '/', (size_t)(end - p));
        const char *hostend = slash ? slash : end;
        const char *at = NULL;
        for (const char *s = p; s < hostend; s++) if (*s == '@') at = s;
        const char *hp = p;
        if (at) {
            const char *colon = memchr(p, ':', (size_t)(at - p));
            if (colon) {
                if (decode_into(u->user, sizeof u->user, p, (size_t)(colon - p)) != 0 ||
                    decode_into(u->password, sizeof u->password, colon + 1, (size_t)(at - colon - 1)) != 0) {
                    snprintf(err, cap, "%s: the user or password is too long or has a bad %%-escape", "the URL");
                    return -1;
                }
            } else if (decode_into(u->password, sizeof u->password, p, (size_t)(at - p)) != 0) {
                snprintf(err, cap, "the URL's password is too long or has a bad %%-escape");
                return -1;
            }
            hp = at + 1;
        }
        const char *colon = NULL;
        if (*hp == '[') {   /* [v6]:port */
            const char *rb = memchr(hp, ']', (size_t)(hostend - hp));
            if (!rb) { snprintf(err, cap, "the URL's host: an IPv6 address is written [ADDR]:PORT"); return -1; }
            if ((size_t)(rb - hp - 1) >= sizeof u->host) goto host_too_long;
            memcpy(u->host, hp + 1, (size_t)(rb - hp - 1));
            if (rb + 1 < hostend && rb[1] == ':') colon = rb + 1;
            else if (rb + 1 < hostend) {
                snprintf(err, cap, "the URL's host: after [ADDR] comes :PORT or the /STREAM, not '%.*s'",
                         (int)(hostend - rb - 1 > 40 ? 40 : hostend - rb - 1), rb + 1);
                return -1;
            }
        } else {
            colon = memchr(hp, ':', (size_t)(hostend - hp));
            const char *he = colon ? colon : hostend;
            if ((size_t)(he - hp) >= sizeof u->host) goto host_too_long;
            memcpy(u->host, hp, (size_t)(he - hp));
        }
        if (!u->host[0]) { snprintf(err, cap, "the URL has no host: redis://HOST:PORT/STREAM"); return -1; }
        if (colon) {
            char *pe;
            long port = strtol(colon + 1, &pe, 10);
            if (pe != hostend || port < 1 || port > 65535) {
                snprintf(err, cap, "the URL's port '%.*s' is not a port number (1 to 65535)", (int)(hostend - colon - 1), colon + 1);
                return -1;
            }
            u->port = (int)port;
        }
        if (slash && slash + 1 < end &&
            decode_into(u->stream, sizeof u->stream, slash + 1, (size_t)(end - slash - 1)) != 0) {
            snprintf(err, cap, "the URL's stream name is too long or has a bad %%-escape");
            return -1;
        }
    }
    if (q) {
        const char *s = q + 1;
        while (*s) {
            const char *amp = strchr(s, '&');
            const char *pe = amp ? amp : s + strlen(s);
            const char *eq = memchr(s, '=', (size_t)(pe - s));
            if (!eq) { snprintf(err, cap, "parameter '%.*s' has no value (write NAME=VALUE)", (int)(pe - s), s); return -1; }
            if (set_param(u, s, (size_t)(eq - s), eq + 1, (size_t)(pe - eq - 1), err, cap) != 0) return -1;
            s = amp ? amp + 1 : pe;
        }
    }
    if (!u->stream[0]) {
        snprintf(err, cap, "the URL names no stream: redis://HOST:PORT/STREAM (or ?stream=STREAM)");
        return -1;
    }
    if (is_unix && u->tls) { snprintf(err, cap, "TLS over a unix socket is not supported"); return -1; }
    return 0;
host_too_long:
    snprintf(err, cap, "the URL's host is too long");
    return -1;
}

bool pal_redis_same_server(const pal_redis_url *a, const pal_redis_url *b)
{
    return !strcmp(a->host, b->host) && a->port == b->port && !strcmp(a->unix_path, b->unix_path) &&
           a->tls == b->tls && (a->db < 0 ? 0 : a->db) == (b->db < 0 ? 0 : b->db) && !strcmp(a->user, b->user) &&
           !strcmp(a->password, b->password);
}

void pal_redis_url_where(const pal_redis_url *u, char *out, size_t cap)
{
    if (u->unix_path[0]) snprintf(out, cap, "unix:%s", u->unix_path);
    else snprintf(out, cap, "%s%s:%d", u->tls ? "rediss://" : "", u->host, u->port);
}

/* ---- name lookups ---- */

static pal_resolve_fn resolver = getaddrinfo;

void pal_resp_set_resolver(pal_resolve_fn fn) { resolver = fn ? fn : getaddrinfo; }

static void lookup_release(lookup *lk)
{
    pthread_mutex_lock(&lk->lock);
    bool last = --lk->refs == 0;
    pthread_mutex_unlock(&lk->lock);
    if (!last) return;
    if (lk->ai) freeaddrinfo(lk->ai);
    close(lk->efd);
    pthread_mutex_destroy(&lk->lock);
    free(lk);
}

static void *lookup_thread(void *arg)
{
    lookup *lk = arg;
    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    int rc = lk->fn(lk->host, lk->port, &hints, &ai);
    pthread_mutex_lock(&lk->lock);
    lk->rc = rc;
    lk->ai = rc == 0 ? ai : NULL;
    lk->done = true;
    pthread_mutex_unlock(&lk->lock);
    uint64_t one = 1;
    if (write(lk->efd, &one, sizeof one) < 0) {}
    lookup_release(lk);
    return NULL;
}

/* Starts looking host up; NULL when no thread could be made (err set). */
static lookup *lookup_start(const char *host, int port, char *err, size_t cap)
{
    lookup *lk = calloc(1, sizeof *lk);
    if (!lk) { snprintf(err, cap, "out of memory"); return NULL; }
    lk->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (lk->efd < 0) { snprintf(err, cap, "eventfd: %s", strerror(errno)); free(lk); return NULL; }
    pthread_mutex_init(&lk->lock, NULL);
    lk->refs = 2;
    lk->fn = resolver;
    snprintf(lk->host, sizeof lk->host, "%s", host);
    snprintf(lk->port, sizeof lk->port, "%d", port);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256u << 10);
    /* the agent reads its signals through signalfd: the thread takes none */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_t t;
    int rc = pthread_create(&t, &attr, lookup_thread, lk);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        snprintf(err, cap, "cannot start a thread to look the host up: %s", strerror(rc));
        lk->refs = 1;
        lookup_release(lk);
        return NULL;
    }
    return lk;
}

/* ---- the connection ---- */

pal_resp *pal_resp_new(const pal_redis_url *u)
{
    pal_resp *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->u = *u;
    c->fd = -1;
    pal_strbuf_init(&c->out, 0);
    return c;
}

static void set_err(pal_resp *c, const char *fmt, const char *a, const char *b)
{
    char where[300];
    pal_redis_url_where(&c->u, where, sizeof where);
    char msg[400];
    snprintf(msg, sizeof msg, fmt, a, b);
    snprintf(c->err, sizeof c->err, "%.150s: %.350s", where, msg);
}

static bool lookup_answered(lookup *lk)
{
    pthread_mutex_lock(&lk->lock);
    bool done = lk->done;
    pthread_mutex_unlock(&lk->lock);
    return done;
}

/* Lets go of the connection's lookup: its thread, if it is still out,
   finishes alone. */
static void lookup_drop(pal_resp *c)
{
    if (c->lk) { lookup_release(c->lk); c->lk = NULL; }
}

void pal_resp_close(pal_resp *c, const char *why)
{
    if (why) set_err(c, "%s%s", why, "");
    /* one that answered is done with; one still out is kept for the next
       connect, so that reconnecting does not start another (see the top) */
    if (c->lk && lookup_answered(c->lk)) lookup_drop(c);
    if (c->ssl) { SSL_free(c->ssl); c->ssl = NULL; }
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
    c->state = PAL_RESP_DOWN;
    if (c->rd) { redisReaderFree(c->rd); c->rd = NULL; }
    c->unparsed = 0;
    pal_strbuf_clear(&c->out);
    c->out_off = 0;
    c->tag_head = c->ntags = 0;
    c->ssl_wants_write = false;
}

void pal_resp_free(pal_resp *c)
{
    if (!c) return;
    pal_resp_close(c, NULL);
    lookup_drop(c);
    if (c->ctx) SSL_CTX_free(c->ctx);
    pal_strbuf_free(&c->out);
    free(c->tags);
    free(c);
}

int pal_resp_state(const pal_resp *c) { return c->state; }
const char *pal_resp_error(const pal_resp *c) { return c->err; }
int pal_resp_fd(const pal_resp *c) { return c->state == PAL_RESP_RESOLVING && c->lk ? c->lk->efd : c->fd; }
size_t pal_resp_unsent(const pal_resp *c) { return c->out.len - c->out_off; }
size_t pal_resp_waiting(const pal_resp *c) { return c->ntags; }

static int push_tag(pal_resp *c, int tag)
{
    if (c->ntags == c->tag_cap) {
        size_t ncap = c->tag_cap ? c->tag_cap * 2 : 256;
        int *nt = malloc(ncap * sizeof *nt);
        if (!nt) return -1;
        for (size_t i = 0; i < c->ntags; i++) nt[i] = c->tags[(c->tag_head + i) % c->tag_cap];
        free(c->tags);
        c->tags = nt;
        c->tag_cap = ncap;
        c->tag_head = 0;
    }
    c->tags[(c->tag_head + c->ntags) % c->tag_cap] = tag;
    c->ntags++;
    return 0;
}

int pal_resp_command(pal_resp *c, int tag, int argc, const char **argv, const size_t *lens)
{
    if (c->state == PAL_RESP_DOWN) return -1;
    char *cmd = NULL;
    int n = redisFormatCommandArgv(&cmd, argc, argv, lens);
    if (n < 0 || pal_strbuf_append(&c->out, cmd, (size_t)n) != 0 || push_tag(c, tag) != 0) {
        free(cmd);
        pal_resp_close(c, "out of memory");
        return -1;
    }
    free(cmd);
    return 0;
}

int pal_resp_commandv(pal_resp *c, int tag, int argc, const char **argv)
{
    size_t lens[32];
    if (argc > 32) return -1;
    for (int i = 0; i < argc; i++) lens[i] = strlen(argv[i]);
    return pal_resp_command(c, tag, argc, argv, lens);
}

static int tls_setup(pal_resp *c)
{
    if (!c->ctx) {
        c->ctx = SSL_CTX_new(TLS_client_method());
        if (!c->ctx) { set_err(c, "TLS: %s%s", "cannot make a TLS context", ""); return -1; }
        SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
        if (c->u.tls_ca[0]) {
            if (SSL_CTX_load_verify_locations(c->ctx, c->u.tls_ca, NULL) != 1) {
                set_err(c, "TLS: cannot read the CA certificates in %s%s", c->u.tls_ca, "");
                return -1;
            }
        } else {
            SSL_CTX_set_default_verify_paths(c->ctx);
        }
        SSL_CTX_set_verify(c->ctx, c->u.tls_insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, NULL);
        if (c->u.tls_cert[0] &&
            (SSL_CTX_use_certificate_chain_file(c->ctx, c->u.tls_cert) != 1 ||
             SSL_CTX_use_PrivateKey_file(c->ctx, c->u.tls_key[0] ? c->u.tls_key : c->u.tls_cert, SSL_FILETYPE_PEM) != 1)) {
            set_err(c, "TLS: cannot use the client certificate %s or its key %s", c->u.tls_cert, c->u.tls_key);
            return -1;
        }
    }
    c->ssl = SSL_new(c->ctx);
    if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1) { set_err(c, "TLS: %s%s", "out of memory", ""); return -1; }
    const char *name = c->u.sni[0] ? c->u.sni : c->u.host;
    SSL_set_tlsext_host_name(c->ssl, name);
    if (!c->u.tls_insecure) SSL_set1_host(c->ssl, name);
    SSL_set_connect_state(c->ssl);
    return 0;
}

static void queue_hello(pal_resp *c)
{
    if (c->u.password[0]) {
        const char *argv[3] = {"AUTH", c->u.user[0] ? c->u.user : c->u.password, c->u.password};
        size_t lens[3] = {4, strlen(argv[1]), strlen(argv[2])};
        pal_resp_command(c, TAG_INTERNAL, c->u.user[0] ? 3 : 2, argv, lens);
    }
    if (c->u.db > 0) {
        char db[24];
        snprintf(db, sizeof db, "%d", c->u.db);
        pal_resp_commandv(c, TAG_INTERNAL, 2, (const char *[]){"SELECT", db});
    }
}

/* A socket for the address, connecting (non-blocking), TLS set up, AUTH
   and SELECT queued.  Returns 0 (CONNECTING), or -1 with err (DOWN). */
static int start_connect(pal_resp *c, const struct sockaddr *addr, socklen_t addrlen)
{
    int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) { set_err(c, "socket: %s%s", strerror(errno), ""); goto fail; }
    if (addr->sa_family != AF_UNIX) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    }
    if (connect(fd, addr, addrlen) != 0 && errno != EINPROGRESS && errno != EAGAIN) {
        set_err(c, "cannot connect: %s%s", strerror(errno), "");
        close(fd);
        goto fail;
    }
    c->fd = fd;
    c->state = PAL_RESP_CONNECTING;
    if (c->u.tls && tls_setup(c) != 0) { char keep[512]; memcpy(keep, c->err, sizeof keep); pal_resp_close(c, NULL); memcpy(c->err, keep, sizeof keep); return -1; }
    return 0;
fail:;
    char keep[512];
    memcpy(keep, c->err, sizeof keep);
    pal_resp_close(c, NULL);   /* DOWN, nothing queued */
    memcpy(c->err, keep, sizeof keep);
    return -1;
}

int pal_resp_connect(pal_resp *c)
{
    pal_resp_close(c, NULL);
    c->err[0] = 0;
    c->rd = redisReaderCreate();
    if (!c->rd) { set_err(c, "%s%s", "out of memory", ""); return -1; }
    /* the commands go out once connected; queued now, so that they are first */
    c->state = PAL_RESP_RESOLVING;
    queue_hello(c);
    if (c->u.unix_path[0]) {
        struct sockaddr_un sa;
        memset(&sa, 0, sizeof sa);
        sa.sun_family = AF_UNIX;
        memcpy(sa.sun_path, c->u.unix_path, strlen(c->u.unix_path));
        return start_connect(c, (struct sockaddr *)&sa, sizeof sa);
    }
    /* a numeric address is converted here and now (it never blocks) */
    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    char port[8];
    snprintf(port, sizeof port, "%d", c->u.port);
    if (getaddrinfo(c->u.host, port, &hints, &ai) == 0 && ai) {
        int rc = start_connect(c, ai->ai_addr, ai->ai_addrlen);
        freeaddrinfo(ai);
        return rc;
    }
    /* a name: looked up on a thread, the loop goes on (pal_resp_io takes the
       answer) — or the lookup an earlier attempt left out, waited for again */
    if (c->lk) return 0;
    char why[200];
    if (!(c->lk = lookup_start(c->u.host, c->u.port, why, sizeof why))) {
        pal_resp_close(c, why);
        return -1;
    }
    return 0;
}

/* The lookup's answer came: connect to its first address. */
static int lookup_done(pal_resp *c)
{
    lookup *lk = c->lk;
    uint64_t v;
    if (read(lk->efd, &v, sizeof v) < 0) {}
    pthread_mutex_lock(&lk->lock);
    bool done = lk->done;
    int g = lk->rc;
    struct addrinfo *ai = lk->ai;
    lk->ai = NULL;
    pthread_mutex_unlock(&lk->lock);
    if (!done) return 0;
    c->lk = NULL;
    lookup_release(lk);
    if (g != 0 || !ai) {
        char why[300];
        snprintf(why, sizeof why, "cannot resolve the host: %s", g == 0 ? "no address" : gai_strerror(g));
        if (ai) freeaddrinfo(ai);
        pal_resp_close(c, why);
        return -1;
    }
    /* what is queued (AUTH, SELECT, the caller's commands) waits in the output buffer */
    int rc = start_connect(c, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(ai);
    return rc;
}

short pal_resp_events(const pal_resp *c)
{
    if (c->state == PAL_RESP_RESOLVING) return c->lk ? POLLIN : 0;
    if (c->fd < 0) return 0;
    if (c->state == PAL_RESP_CONNECTING) return POLLOUT;
    if (c->state == PAL_RESP_HANDSHAKE) return c->ssl_wants_write ? POLLOUT : POLLIN;
    short ev = POLLIN;
    if (pal_resp_unsent(c) || c->ssl_wants_write) ev |= POLLOUT;
    return ev;
}

static int fail(pal_resp *c, const char *what, const char *detail)
{
    char keep[400];
    snprintf(keep, sizeof keep, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
    pal_resp_close(c, keep);
    return -1;
}

static const char *ssl_why(void)
{
    static __thread char buf[256];
    unsigned long e = ERR_get_error();
    if (!e) return "the connection was closed";
    ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return buf;
}

/* One write or read through TLS or the socket: >0 bytes, 0 would block, -1 failed (closed). */
static ssize_t xfer(pal_resp *c, char *buf, size_t len, bool writing)
{
    if (c->ssl) {
        int n = writing ? SSL_write(c->ssl, buf, (int)(len > 1 << 30 ? 1 << 30 : len))
                        : SSL_read(c->ssl, buf, (int)(len > 1 << 30 ? 1 << 30 : len));
        if (n > 0) { c->ssl_wants_write = false; return n; }
        int e = SSL_get_error(c->ssl, n);
        if (e == SSL_ERROR_WANT_READ) { c->ssl_wants_write = false; return 0; }
        if (e == SSL_ERROR_WANT_WRITE) { c->ssl_wants_write = true; return 0; }
        if (e == SSL_ERROR_ZERO_RETURN) return fail(c, "the server closed the connection", NULL);
        return fail(c, "TLS", ssl_why());
    }
    ssize_t n;
    do n = writing ? send(c->fd, buf, len, MSG_NOSIGNAL) : recv(c->fd, buf, len, 0);
    while (n < 0 && errno == EINTR);
    if (n > 0) return n;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    if (n == 0) return fail(c, "the server closed the connection", NULL);
    return fail(c, writing ? "write" : "read", strerror(errno));
}

int pal_resp_io(pal_resp *c, short revents)
{
    if (c->state == PAL_RESP_RESOLVING && c->lk) {
        if (!(revents & POLLIN)) return 0;
        if (lookup_done(c) != 0) return -1;
        if (c->lk) return 0;   /* not yet */
        revents = 0;           /* the socket was not polled yet */
    }
    if (c->fd < 0) return -1;
    if (c->state == PAL_RESP_CONNECTING) {
        if (!(revents & (POLLOUT | POLLERR | POLLHUP))) return 0;
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0) soerr = errno;
        if (soerr) return fail(c, "cannot connect", strerror(soerr));
        c->state = c->ssl ? PAL_RESP_HANDSHAKE : PAL_RESP_UP;
    }
    if (c->state == PAL_RESP_HANDSHAKE) {
        int r = SSL_do_handshake(c->ssl);
        if (r != 1) {
            int e = SSL_get_error(c->ssl, r);
            if (e == SSL_ERROR_WANT_READ) { c->ssl_wants_write = false; return 0; }
            if (e == SSL_ERROR_WANT_WRITE) { c->ssl_wants_write = true; return 0; }
            return fail(c, "TLS handshake", ssl_why());
        }
        c->ssl_wants_write = false;
        c->state = PAL_RESP_UP;
    }
    /* write what is queued */
    while (pal_resp_unsent(c)) {
        ssize_t n = xfer(c, c->out.s + c->out_off, pal_resp_unsent(c), true);
        if (n < 0) return -1;
        if (n == 0) break;
        c->out_off += (size_t)n;
    }
    if (c->out_off && c->out_off == c->out.len) { pal_strbuf_clear(&c->out); c->out_off = 0; }
    else if (c->out_off > (1u << 20) && c->out_off * 2 > c->out.len) { pal_strbuf_consume(&c->out, c->out_off); c->out_off = 0; }
    /* read what came: a bounded number of reads per turn */
    char buf[65536];
    for (int i = 0; i < 16; i++) {
        ssize_t n = xfer(c, buf, sizeof buf, false);
        if (n < 0) return -1;
        if (n == 0) break;
        if (redisReaderFeed(c->rd, buf, (size_t)n) != REDIS_OK) return fail(c, "reply", "out of memory");
        c->unparsed += (size_t)n;
        if (c->unparsed > PAL_RESP_MAX_REPLY) {
            char lim[32];
            snprintf(lim, sizeof lim, "%u bytes", PAL_RESP_MAX_REPLY);
            return fail(c, "a reply larger than the limit of", lim);
        }
        if ((size_t)n < sizeof buf && !c->ssl) break;
    }
    return 0;
}

int pal_resp_next(pal_resp *c, void **reply, int *tag)
{
    for (;;) {
        if (!c->rd) return 0;
        void *r = NULL;
        if (redisReaderGetReply(c->rd, &r) != REDIS_OK) {
            char why[200];
            snprintf(why, sizeof why, "%s", c->rd->errstr);
            fail(c, "protocol error in a reply", why);
            return 0;
        }
        if (!r) return 0;
        c->unparsed = 0;
        if (!c->ntags) {   /* a reply nobody asked for */
            freeReplyObject(r);
            fail(c, "the server sent a reply to no command", NULL);
            return 0;
        }
        int t = c->tags[c->tag_head];
        c->tag_head = (c->tag_head + 1) % c->tag_cap;
        c->ntags--;
        if (t == TAG_INTERNAL) {
            redisReply *rr = r;
            if (rr->type == REDIS_REPLY_ERROR) {
                char why[300];
                snprintf(why, sizeof why, "%.*s", (int)(rr->len > 250 ? 250 : rr->len), rr->str);
                freeReplyObject(r);
                fail(c, "AUTH or SELECT was refused", why);
                return 0;
            }
            freeReplyObject(r);
            continue;
        }
        *reply = r;
        *tag = t;
        return 1;
    }
}

void pal_resp_reply_free(void *reply)
{
    if (reply) freeReplyObject(reply);
}
