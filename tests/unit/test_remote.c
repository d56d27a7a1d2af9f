/*
 * test_remote.c — engine/remote's parsers: Redis URLs (hosts, ports, IPv6,
 * passwords with %-escapes, unix sockets, TLS, parameters, and the errors
 * that say how to write one), "the same server", and --poll durations.
 * The connection, the consumer group and the bundle poller run against a
 * real redis-server and an HTTP server in tests/e2e/redis.sh and
 * bundle_server.sh.
 */
#include "tests/unit/unit.h"

#include "engine/remote/fetch.h"
#include "engine/remote/resp.h"

static int parse(const char *url, pal_redis_url *u, char *err, size_t cap)
{
    err[0] = 0;
    return pal_redis_url_parse(url, u, err, cap);
}

static void test_urls(void)
{
    pal_redis_url u;
    char err[600];
    CHECK_INT(parse("redis://127.0.0.1:6380/events?group=g&consumer=node-1&start=0&field=ev", &u, err, sizeof err), 0);
    CHECK_STR(u.host, "127.0.0.1");
    CHECK_INT(u.port, 6380);
    CHECK_STR(u.stream, "events");
    CHECK_STR(u.group, "g");
    CHECK(u.has_group);
    CHECK_STR(u.consumer, "node-1");
    CHECK_STR(u.start, "0");
    CHECK_STR(u.field, "ev");
    CHECK(!u.tls);
    CHECK_INT(u.db, -1);

    CHECK_INT(parse("redis://redis.internal/s", &u, err, sizeof err), 0);
    CHECK_INT(u.port, 6379);
    CHECK_STR(u.start, "$");
    CHECK(!u.has_group);

    /* a password, %-escaped, with and without a user; the stream %-escaped too */
    CHECK_INT(parse("redis://:p%40ss%20w@h:1/a%3Ab", &u, err, sizeof err), 0);
    CHECK_STR(u.password, "p@ss w");
    CHECK_STR(u.user, "");
    CHECK_STR(u.stream, "a:b");
    CHECK_INT(parse("redis://alice:secret@h/s?db=3&maxlen=1000", &u, err, sizeof err), 0);
    CHECK_STR(u.user, "alice");
    CHECK_STR(u.password, "secret");
    CHECK_INT(u.db, 3);
    CHECK_INT(u.maxlen, 1000);
    CHECK_INT(parse("redis://secret@h/s", &u, err, sizeof err), 0);
    CHECK_STR(u.password, "secret");

    /* IPv6, TLS, unix */
    CHECK_INT(parse("rediss://[::1]:6390/s?tls-ca=/etc/ca.pem&sni=redis.local", &u, err, sizeof err), 0);
    CHECK_STR(u.host, "::1");
    CHECK_INT(u.port, 6390);
    CHECK(u.tls);
    CHECK_STR(u.tls_ca, "/etc/ca.pem");
    CHECK_STR(u.sni, "redis.local");
    CHECK_INT(parse("unix:/run/redis/redis.sock?stream=s&group=g&consumer=c", &u, err, sizeof err), 0);
    CHECK_STR(u.unix_path, "/run/redis/redis.sock");
    CHECK_STR(u.stream, "s");
    CHECK_INT(parse("unix:///run/r.sock?stream=s", &u, err, sizeof err), 0);
    CHECK_STR(u.unix_path, "/run/r.sock");
    char where[300];
    pal_redis_url_where(&u, where, sizeof where);
    CHECK_STR(where, "unix:/run/r.sock");
    CHECK_INT(parse("redis://:pw@h:7/s", &u, err, sizeof err), 0);
    pal_redis_url_where(&u, where, sizeof where);
    CHECK_STR(where, "h:7");   /* never the password */

    /* errors, each saying what to write */
    CHECK_INT(parse("http://h/s", &u, err, sizeof err), -1);
    CHECK(strstr(err, "redis://HOST:PORT/STREAM") != NULL);
    CHECK_INT(parse("redis://h:6379", &u, err, sizeof err), -1);
    CHECK(strstr(err, "names no stream") != NULL);
    CHECK_INT(parse("redis://h:0/s", &u, err, sizeof err), -1);
    CHECK(strstr(err, "not a port number") != NULL);
    CHECK_INT(parse("redis://h:12ab/s", &u, err, sizeof err), -1);
    CHECK_INT(parse("redis://h:65536/s", &u, err, sizeof err), -1);
    CHECK_INT(parse("redis:///s", &u, err, sizeof err), -1);
    CHECK(strstr(err, "no host") != NULL);
    CHECK_INT(parse("redis://h/s?grup=g", &u, err, sizeof err), -1);
    CHECK(strstr(err, "unknown parameter 'grup'") != NULL);
    CHECK_INT(parse("redis://h/s?group", &u, err, sizeof err), -1);
    CHECK(strstr(err, "NAME=VALUE") != NULL);
    CHECK_INT(parse("redis://h/s?start=now", &u, err, sizeof err), -1);
    CHECK(strstr(err, "0 (the stream's first entry) or $") != NULL);
    CHECK_INT(parse("redis://h/s?maxlen=-1", &u, err, sizeof err), -1);
    CHECK_INT(parse("redis://h/s?maxlen=1x", &u, err, sizeof err), -1);
    CHECK_INT(parse("redis://:%zz@h/s", &u, err, sizeof err), -1);
    CHECK_INT(parse("redis://:%4@h/s", &u, err, sizeof err), -1);
    CHECK_INT(parse("redis://h/s%00x", &u, err, sizeof err), -1);   /* no NUL smuggled into a key */
    CHECK_INT(parse("redis://[::1/s", &u, err, sizeof err), -1);
    CHECK_INT(parse("unix:relative.sock?stream=s", &u, err, sizeof err), -1);
    CHECK(strstr(err, "absolute path") != NULL);
    char longurl[2000] = "redis://h/";
    memset(longurl + 10, 'x', 1500);
    CHECK_INT(parse(longurl, &u, err, sizeof err), -1);
    CHECK(strstr(err, "too long") != NULL);
    memset(longurl, 0, sizeof longurl);
    strcpy(longurl, "redis://");
    memset(longurl + 8, 'h', 400);
    strcat(longurl, "/s");
    CHECK_INT(parse(longurl, &u, err, sizeof err), -1);
    CHECK(strstr(err, "host is too long") != NULL);
}

static void test_same_server(void)
{
    pal_redis_url a, b;
    char err[300];
    parse("redis://h:1/in?group=g&consumer=c", &a, err, sizeof err);
    parse("redis://h:1/out?maxlen=5", &b, err, sizeof err);
    CHECK(pal_redis_same_server(&a, &b));   /* one MULTI/EXEC can write and ack */
    parse("redis://h:1/out?db=0", &b, err, sizeof err);
    CHECK(pal_redis_same_server(&a, &b));   /* db 0 is the default */
    parse("redis://h:1/out?db=2", &b, err, sizeof err);
    CHECK(!pal_redis_same_server(&a, &b));
    parse("redis://h:2/out", &b, err, sizeof err);
    CHECK(!pal_redis_same_server(&a, &b));
    parse("redis://:pw@h:1/out", &b, err, sizeof err);
    CHECK(!pal_redis_same_server(&a, &b));
    parse("rediss://h:1/out", &b, err, sizeof err);
    CHECK(!pal_redis_same_server(&a, &b));
}

static void test_durations(void)
{
    CHECK_INT(pal_parse_duration_ms("30s"), 30000);
    CHECK_INT(pal_parse_duration_ms("30"), 30000);
    CHECK_INT(pal_parse_duration_ms("500ms"), 500);
    CHECK_INT(pal_parse_duration_ms("2m"), 120000);
    CHECK_INT(pal_parse_duration_ms("1h"), 3600000);
    CHECK_INT(pal_parse_duration_ms("1.5s"), 1500);
    CHECK_INT(pal_parse_duration_ms("24h"), 86400000);
    CHECK_INT(pal_parse_duration_ms("25h"), -1);
    CHECK_INT(pal_parse_duration_ms("50ms"), -1);   /* under 100 ms: a server would be hammered */
    CHECK_INT(pal_parse_duration_ms("soon"), -1);
    CHECK_INT(pal_parse_duration_ms("5 s"), -1);
    CHECK_INT(pal_parse_duration_ms("-1s"), -1);
    CHECK_INT(pal_parse_duration_ms(""), -1);
}

int main(void)
{
    test_urls();
    test_same_server();
    test_durations();
    return unit_result("test_remote");
}
