/*
 * fuzz_redis_url.c — libFuzzer target for the Redis URL parser
 * (engine/remote/resp.h: redis://, rediss://, unix:, userinfo and
 * ?group=&consumer=&maxlen=&password=... with %-escapes) and the --poll
 * duration parser (engine/remote/fetch.h).
 *
 * The input, up to its first NUL, is a URL.  What must hold:
 *  - a refusal says why (a non-empty error);
 *  - what parses is well formed: a host or an absolute socket path, never
 *    both kinds, never TLS over a socket, a port 1..65535, a stream, a
 *    start of 0 or $, every field a string of its own size;
 *  - written back as a canonical URL (every byte of every value
 *    %-escaped, all of it as parameters), it parses to the same fields:
 *    the parser and its escapes agree with themselves, whatever the bytes;
 *  - a URL is the same server as itself;
 *  - a duration is refused (-1) or 100 ms to a day.
 */
#include "tests/fuzz/replay.h"
#include "engine/remote/fetch.h"
#include "engine/remote/resp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct buf { char s[16384]; size_t len; } buf;

static void add(buf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->len + n >= sizeof b->s) n = sizeof b->s - 1 - b->len;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

/* Every byte %-escaped but letters and digits. */
static void pct(buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char e[4];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) { e[0] = (char)c; e[1] = 0; }
        else snprintf(e, sizeof e, "%%%02X", c);
        add(b, e);
    }
}

static void param(buf *b, const char *name, const char *value)
{
    add(b, b->s[b->len - 1] == '?' ? "" : "&");
    add(b, name);
    add(b, "=");
    pct(b, value);
}

static void canonical(const pal_redis_url *u, buf *b)
{
    b->len = 0;
    b->s[0] = 0;
    char num[32];
    if (u->unix_path[0]) {
        add(b, "unix:/");
        pct(b, u->unix_path + 1);
        add(b, "?");
        param(b, "stream", u->stream);
    } else {
        add(b, u->tls ? "rediss://" : "redis://");
        bool bracket = strchr(u->host, ':') || u->host[0] == '[';
        add(b, bracket ? "[" : "");
        add(b, u->host);   /* the parser takes a host as written */
        add(b, bracket ? "]" : "");
        snprintf(num, sizeof num, ":%d/", u->port);
        add(b, num);
        pct(b, u->stream);
        add(b, "?");
        param(b, "start", u->start);
    }
    if (u->has_group) param(b, "group", u->group);
    if (u->consumer[0]) param(b, "consumer", u->consumer);
    if (u->field[0]) param(b, "field", u->field);
    if (u->user[0]) param(b, "user", u->user);
    if (u->password[0]) param(b, "password", u->password);
    if (u->tls_ca[0]) param(b, "tls-ca", u->tls_ca);
    if (u->tls_cert[0]) param(b, "tls-cert", u->tls_cert);
    if (u->tls_key[0]) param(b, "tls-key", u->tls_key);
    if (u->sni[0]) param(b, "sni", u->sni);
    if (u->tls_insecure) param(b, "tls-insecure", "1");
    if (u->unix_path[0]) param(b, "start", u->start);
    snprintf(num, sizeof num, "%lld", u->maxlen);
    param(b, "maxlen", num);
    if (u->db >= 0) { snprintf(num, sizeof num, "%d", u->db); param(b, "db", num); }
}

#define TERMINATED(f) (strnlen(u->f, sizeof u->f) < sizeof u->f)

static void well_formed(const pal_redis_url *u, const char *url)
{
    bool ok = TERMINATED(host) && TERMINATED(unix_path) && TERMINATED(user) && TERMINATED(password) &&
              TERMINATED(stream) && TERMINATED(group) && TERMINATED(consumer) && TERMINATED(start) &&
              TERMINATED(field) && TERMINATED(tls_ca) && TERMINATED(tls_cert) && TERMINATED(tls_key) && TERMINATED(sni);
    ok = ok && (u->unix_path[0] ? u->unix_path[0] == '/' && !u->host[0] && !u->tls : u->host[0] != 0);
    ok = ok && u->port >= 1 && u->port <= 65535 && u->stream[0] && (!strcmp(u->start, "0") || !strcmp(u->start, "$"));
    ok = ok && u->maxlen >= 0 && u->db >= -1;
    if (!ok) {
        fprintf(stderr, "fuzz_redis_url: '%s' parsed to a malformed URL\n", url);
        abort();
    }
}

#define SAME(f) (!strcmp(a->f, b->f))

static bool same_fields(const pal_redis_url *a, const pal_redis_url *b)
{
    return SAME(host) && a->port == b->port && SAME(unix_path) && a->tls == b->tls && SAME(user) && SAME(password) &&
           a->db == b->db && SAME(stream) && SAME(group) && SAME(consumer) && SAME(start) && a->maxlen == b->maxlen &&
           SAME(field) && SAME(tls_ca) && SAME(tls_cert) && SAME(tls_key) && SAME(sni) &&
           a->tls_insecure == b->tls_insecure && a->has_group == b->has_group;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *url = malloc(size + 1);
    if (!url) return 0;
    memcpy(url, data, size);
    url[size] = 0;

    static pal_redis_url u, v;   /* large: not on the stack */
    static buf canon;
    char err[1024] = "";
    if (pal_redis_url_parse(url, &u, err, sizeof err) != 0) {
        if (!err[0]) { fprintf(stderr, "fuzz_redis_url: '%s' refused without a reason\n", url); abort(); }
    } else {
        well_formed(&u, url);
        canonical(&u, &canon);
        char err2[1024] = "";
        if (pal_redis_url_parse(canon.s, &v, err2, sizeof err2) != 0 || !same_fields(&u, &v)) {
            fprintf(stderr, "fuzz_redis_url: '%s' written back as '%s' %s\n", url, canon.s,
                    err2[0] ? err2 : "parses to other fields");
            abort();
        }
        if (!pal_redis_same_server(&u, &u)) abort();
        char where[600];
        pal_redis_url_where(&u, where, sizeof where);
    }
    long long ms = pal_parse_duration_ms(url);
    if (ms != -1 && (ms < 100 || ms > 86400000)) {
        fprintf(stderr, "fuzz_redis_url: duration '%s' is %lld ms\n", url, ms);
        abort();
    }
    free(url);
    return 0;
}
