/*
 * test_remote.c — engine/remote's parsers: Redis URLs (hosts, ports, IPv6,
 * passwords with %-escapes, unix sockets, TLS, parameters, and the errors
 * that say how to write one), "the same server", and --poll durations.
 * A host name is looked up off the loop: with the lookup held, connecting
 * returns at once and the member goes on turning; released, it connects
 * and its first commands arrive.  The rest of the connection, the consumer
 * group and the bundle poller run against a real redis-server and an HTTP
 * server in tests/e2e/redis.sh and bundle_server.sh.
 */
#include "tests/unit/unit.h"

#include <dirent.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "engine/remote/fetch.h"
#include "engine/remote/resp.h"
#include "engine/remote/rstream.h"
#include "lang/compile/palc.h"

#include <hiredis/hiredis.h>
#include <stdlib.h>

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

/* Bytes after an IPv6 address's bracket were dropped without a word: [::1]junk was ::1. */
static void test_bracket_junk(void)
{
    pal_redis_url u;
    char err[600];
    CHECK_INT(parse("redis://[::1]junk/s", &u, err, sizeof err), -1);
    CHECK(strstr(err, "not 'junk'") != NULL);
    CHECK_INT(parse("redis://[::1]:7/s", &u, err, sizeof err), 0);
    CHECK_STR(u.host, "::1");
    CHECK_INT(parse("redis://[::1]/s", &u, err, sizeof err), 0);
}

/* An ETag is sent back in If-None-Match: one with a control byte inside is
   not kept, so a server cannot add a header line to our next request. */
static void test_etag_control_bytes(void)
{
    pal_http_head h;
    pal_http_head_init(&h);
    const char *ok = "ETag: \"v1\"\r\n", *cr = "ETag: \"v1\"\rX-Injected: 1\r\n";
    pal_http_head_line(&h, ok, strlen(ok));
    CHECK_STR(h.etag, "\"v1\"");
    pal_http_head_line(&h, cr, strlen(cr));
    CHECK_STR(h.etag, "");
    const char *tab = "Last-Modified:\tMon, 07 Dec 2026 10:00:00 GMT\r\n";
    pal_http_head_line(&h, tab, strlen(tab));
    CHECK_STR(h.last_modified, "Mon, 07 Dec 2026 10:00:00 GMT");
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
    CHECK_INT(pal_parse_duration_ms("nan"), -1);   /* fuzz_redis_url: was (long long)NaN */
    CHECK_INT(pal_parse_duration_ms("nanms"), -1);
    CHECK_INT(pal_parse_duration_ms("inf"), -1);
}

/* ---- a held lookup ---- */

static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t held_cond = PTHREAD_COND_INITIALIZER;
static bool held_entered, held_released, held_gave_up;
static char held_host[64];

/* Waits until the test releases it (at most 20 s, then says so), then
   answers 127.0.0.1: a name server that is slow to answer. */
static int held_resolver(const char *host, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
    pthread_mutex_lock(&held_lock);
    snprintf(held_host, sizeof held_host, "%s", host);
    held_entered = true;
    pthread_cond_broadcast(&held_cond);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 20;
    while (!held_released)
        if (pthread_cond_timedwait(&held_cond, &held_lock, &until) != 0) { held_gave_up = true; break; }
    pthread_mutex_unlock(&held_lock);
    return getaddrinfo("127.0.0.1", service, hints, res);
}

static int no_such_host(const char *host, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
    (void)host; (void)service; (void)hints; (void)res;
    return EAI_NONAME;
}

static void hold(void)
{
    pthread_mutex_lock(&held_lock);
    held_entered = held_released = held_gave_up = false;
    held_host[0] = 0;
    pthread_mutex_unlock(&held_lock);
}

static void wait_entered(void)
{
    pthread_mutex_lock(&held_lock);
    while (!held_entered) pthread_cond_wait(&held_cond, &held_lock);
    pthread_mutex_unlock(&held_lock);
}

static void release(void)
{
    pthread_mutex_lock(&held_lock);
    held_released = true;
    pthread_cond_broadcast(&held_cond);
    pthread_mutex_unlock(&held_lock);
}

static bool gave_up(void)
{
    pthread_mutex_lock(&held_lock);
    bool g = held_gave_up;
    pthread_mutex_unlock(&held_lock);
    return g;
}

static int listener(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) != 0)
        return -1;
    *port = ntohs(sa.sin_port);
    return fd;
}

/* A connection to a host name: connect returns while the lookup is held,
   the descriptor polled is not ready until it answers, and then the
   connection is made and AUTH (queued first) goes out. */
static void test_lookup_off_loop(void)
{
    int port, lfd = listener(&port);
    CHECK(lfd >= 0);
    if (lfd < 0) return;
    pal_resp_set_resolver(held_resolver);
    hold();
    char url[200], err[300];
    snprintf(url, sizeof url, "redis://:secret@slow-name.invalid:%d/s", port);
    pal_redis_url u;
    CHECK_INT(pal_redis_url_parse(url, &u, err, sizeof err), 0);
    pal_resp *c = pal_resp_new(&u);
    CHECK_INT(pal_resp_connect(c), 0);
    wait_entered();
    /* the lookup is out and held, and the caller has its thread back */
    CHECK_INT(pal_resp_state(c), PAL_RESP_RESOLVING);
    CHECK(!gave_up());
    CHECK_STR(held_host, "slow-name.invalid");
    CHECK_INT(pal_resp_commandv(c, 7, 2, (const char *[]){"PING", "x"}), 0);   /* queued meanwhile */
    struct pollfd p = {pal_resp_fd(c), pal_resp_events(c), 0};
    CHECK(p.fd >= 0 && p.events == POLLIN);
    CHECK_INT(poll(&p, 1, 0), 0);
    release();
    CHECK_INT(poll(&p, 1, 20000), 1);
    CHECK_INT(pal_resp_io(c, p.revents), 0);
    CHECK(!gave_up());
    CHECK(pal_resp_state(c) == PAL_RESP_CONNECTING || pal_resp_state(c) == PAL_RESP_UP);
    int sfd = accept(lfd, NULL, NULL);
    CHECK(sfd >= 0);
    for (int turn = 0; turn < 100 && pal_resp_unsent(c); turn++) {
        struct pollfd q = {pal_resp_fd(c), pal_resp_events(c), 0};
        if (poll(&q, 1, 1000) == 1) CHECK_INT(pal_resp_io(c, q.revents), 0);
    }
    char got[256] = "";
    size_t n = 0;
    const char *want = "*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n*2\r\n$4\r\nPING\r\n$1\r\nx\r\n";
    while (sfd >= 0 && n < strlen(want)) {
        ssize_t k = read(sfd, got + n, sizeof got - 1 - n);
        if (k <= 0) break;
        n += (size_t)k;
    }
    got[n] = 0;
    CHECK_STR(got, want);
    if (sfd >= 0) close(sfd);
    pal_resp_free(c);

    /* a connection closed while its lookup is out abandons it: the thread
       ends alone, and its answer goes nowhere */
    hold();
    c = pal_resp_new(&u);
    CHECK_INT(pal_resp_connect(c), 0);
    wait_entered();
    pal_resp_free(c);
    release();

    /* a lookup that fails says so through pal_resp_io (a resolver of the test's: no name server needed) */
    pal_resp_set_resolver(no_such_host);
    CHECK_INT(pal_redis_url_parse("redis://no-such-host.invalid:1/s", &u, err, sizeof err), 0);
    c = pal_resp_new(&u);
    CHECK_INT(pal_resp_connect(c), 0);
    struct pollfd q = {pal_resp_fd(c), pal_resp_events(c), 0};
    CHECK_INT(poll(&q, 1, 30000), 1);
    CHECK_INT(pal_resp_io(c, q.revents), -1);
    CHECK_INT(pal_resp_state(c), PAL_RESP_DOWN);
    CHECK(strstr(pal_resp_error(c), "cannot resolve the host") != NULL);
    pal_resp_free(c);
    pal_resp_set_resolver(NULL);
    close(lfd);
}

/* The threads of this process (each lookup out is one). */
static int threads_now(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d) return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* A resolver that does not answer: every attempt to connect gives up
   (closes, as the stream's reconnect does) and tries again.  At most one
   lookup per connection is out — the next attempt waits for the one still
   out instead of starting another thread — and when it answers at last,
   that attempt connects with its answer. */
static void test_lookup_one_per_connection(void)
{
    int port, lfd = listener(&port);
    CHECK(lfd >= 0);
    if (lfd < 0) return;
    pal_resp_set_resolver(held_resolver);
    hold();
    char url[200], err[300];
    snprintf(url, sizeof url, "redis://never-answers.invalid:%d/s", port);
    pal_redis_url u;
    CHECK_INT(pal_redis_url_parse(url, &u, err, sizeof err), 0);
    pal_resp *c = pal_resp_new(&u);
    int before = threads_now();
    CHECK(before > 0);
    for (int attempt = 0; attempt < 8; attempt++) {
        CHECK_INT(pal_resp_connect(c), 0);
        CHECK_INT(pal_resp_state(c), PAL_RESP_RESOLVING);
        CHECK(pal_resp_fd(c) >= 0);
        CHECK_INT(pal_resp_events(c), POLLIN);
        pal_resp_close(c, "no answer yet");
        /* closed: nothing to poll, though the lookup is still out */
        CHECK_INT(pal_resp_state(c), PAL_RESP_DOWN);
        CHECK_INT(pal_resp_fd(c), -1);
        CHECK_INT(pal_resp_events(c), 0);
    }
    wait_entered();
    int grew = threads_now() - before;
    CHECK(grew <= 1);   /* 8 before the cap (threads that ended since only lower it) */
    if (grew > 1) fprintf(stderr, "  %d lookup threads for one connection\n", grew);
    /* the attempt after the answer came connects with it */
    CHECK_INT(pal_resp_connect(c), 0);
    struct pollfd p = {pal_resp_fd(c), pal_resp_events(c), 0};
    release();
    CHECK_INT(poll(&p, 1, 20000), 1);
    CHECK_INT(pal_resp_io(c, p.revents), 0);
    CHECK(!gave_up());
    CHECK(pal_resp_state(c) == PAL_RESP_CONNECTING || pal_resp_state(c) == PAL_RESP_UP);
    int sfd = accept(lfd, NULL, NULL);
    CHECK(sfd >= 0);
    if (sfd >= 0) close(sfd);
    pal_resp_free(c);

    /* a connection freed while its lookup is out lets it go: the thread ends alone */
    hold();
    c = pal_resp_new(&u);
    CHECK_INT(pal_resp_connect(c), 0);
    pal_resp_close(c, NULL);
    pal_resp_free(c);
    release();
    pal_resp_set_resolver(NULL);
    close(lfd);
}

/* The consumer-group member turns while its lookup is held: step returns,
   nothing is ready, and once the name answers its setup (XGROUP CREATE)
   reaches the server. */
static void test_rstream_lookup_held(void)
{
    int port, lfd = listener(&port);
    CHECK(lfd >= 0);
    if (lfd < 0) return;
    pal_resp_set_resolver(held_resolver);
    hold();
    pal_rstream_opts o;
    memset(&o, 0, sizeof o);
    char url[200], err[300];
    snprintf(url, sizeof url, "redis://slow-name.invalid:%d/in?group=g&consumer=c", port);
    CHECK_INT(pal_redis_url_parse(url, &o.in, err, sizeof err), 0);
    snprintf(url, sizeof url, "redis://slow-name.invalid:%d/out", port);
    CHECK_INT(pal_redis_url_parse(url, &o.out, err, sizeof err), 0);
    pal_session_counts counts;
    memset(&counts, 0, sizeof counts);
    pal_rstream *rs = pal_rstream_new(&o, &counts, err, sizeof err);
    CHECK(rs != NULL);
    if (!rs) { close(lfd); return; }
    pal_rstream_step(rs, NULL, 1);   /* connects: both connections look the name up */
    wait_entered();
    struct pollfd fds[3];
    unsigned turns = 0;
    for (int i = 0; i < 50; i++) {   /* the loop's turns meanwhile */
        size_t n = pal_rstream_pollfds(rs, fds, 3);
        CHECK_INT(n, 2);
        CHECK_INT(poll(fds, (nfds_t)n, 0), 0);
        pal_rstream_handle(rs, fds, n, NULL, 2 + i);
        pal_rstream_step(rs, NULL, 2 + i);
        turns++;
    }
    CHECK_INT(turns, 50);
    CHECK(!gave_up());
    pal_rstream_stats st;
    pal_rstream_get_stats(rs, &st);
    CHECK_INT(st.attempts, 1);
    CHECK(!st.up);
    release();
    /* the server: accepts the member's connections (reads and commands) and reads what they send */
    int sfds[2] = {-1, -1}, nsfd = 0;
    char got[8192];
    size_t n = 0;
    for (int i = 0; i < 400 && !memmem(got, n, "XGROUP", 6); i++) {
        size_t k = pal_rstream_pollfds(rs, fds, 3);
        struct pollfd all[6];
        memcpy(all, fds, k * sizeof *fds);
        size_t m = k;
        all[m++] = (struct pollfd){lfd, POLLIN, 0};
        for (int j = 0; j < nsfd; j++) all[m++] = (struct pollfd){sfds[j], POLLIN, 0};
        if (poll(all, (nfds_t)m, 50) <= 0) continue;
        pal_rstream_handle(rs, all, k, NULL, 100 + i);
        pal_rstream_step(rs, NULL, 100 + i);
        if (all[k].revents && nsfd < 2) sfds[nsfd++] = accept(lfd, NULL, NULL);
        for (size_t j = k + 1; j < m; j++) {
            if (!all[j].revents) continue;
            ssize_t r = read(all[j].fd, got + n, sizeof got - n);
            if (r > 0) n += (size_t)r;
        }
    }
    CHECK(memmem(got, n, "XGROUP", 6) != NULL);
    CHECK(!gave_up());
    for (int j = 0; j < nsfd; j++) if (sfds[j] >= 0) close(sfds[j]);
    pal_rstream_free(rs);
    close(lfd);
    pal_resp_set_resolver(NULL);
}

/* What fn writes to standard error, into buf. */
static void stderr_of(void (*fn)(void *), void *arg, char *buf, size_t cap)
{
    buf[0] = 0;
    fflush(stderr);
    int saved = dup(2);
    FILE *tmp = tmpfile();
    if (saved < 0 || !tmp) { fn(arg); return; }
    dup2(fileno(tmp), 2);
    fn(arg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    size_t n = fread(buf, 1, cap - 1, tmp);
    buf[n] = 0;
    fclose(tmp);
}

typedef struct step_at { pal_rstream *rs; long long now; } step_at;
static void step_it(void *arg) { step_at *s = arg; pal_rstream_step(s->rs, NULL, s->now); }

/* A name that never answers: the member's setup gives up at its deadline
   with an error that says what it waited for, and connects again after the
   back-off, as for a refused connection — while the lookup still out is
   waited for again, not started again (one thread for the connection).
   The clock is the caller's: no sleeping, no timing. */
static void test_rstream_setup_timeout(void)
{
    pal_resp_set_resolver(held_resolver);
    hold();
    pal_rstream_opts o;
    memset(&o, 0, sizeof o);
    char err[300];
    CHECK_INT(pal_redis_url_parse("redis://never-answers.invalid:6379/in?group=g&consumer=c", &o.in, err, sizeof err), 0);
    CHECK_INT(pal_redis_url_parse("redis://never-answers.invalid:6379/out", &o.out, err, sizeof err), 0);
    pal_session_counts counts;
    memset(&counts, 0, sizeof counts);
    pal_rstream *rs = pal_rstream_new(&o, &counts, err, sizeof err);
    CHECK(rs != NULL);
    if (!rs) return;
    int before = threads_now();
    pal_rstream_step(rs, NULL, 1000);   /* connects: both connections look the name up */
    wait_entered();
    /* the loop is woken at the deadline: 10 s after the attempt began */
    CHECK_INT(pal_rstream_timeout(rs, 1000), 10000);
    CHECK_INT(pal_rstream_timeout(rs, 7000), 4000);
    char log[2048];
    step_at sa = {rs, 10999};
    stderr_of(step_it, &sa, log, sizeof log);
    CHECK_STR(log, "");   /* not yet */
    pal_rstream_stats st;
    pal_rstream_get_stats(rs, &st);
    CHECK_INT(st.reconnects, 0);
    sa.now = 11000;
    stderr_of(step_it, &sa, log, sizeof log);
    CHECK(strstr(log, "palisade agent: redis: never-answers.invalid:6379: the host name lookup gave no answer "
                      "within 10 s; connecting again in ") == log);
    pal_rstream_get_stats(rs, &st);
    CHECK_INT(st.reconnects, 1);
    CHECK_INT(st.attempts, 1);
    CHECK(!st.up);
    /* down: woken for the next attempt within the back-off (100 ms, jittered) */
    long long wait = pal_rstream_timeout(rs, 11000);
    CHECK(wait > 0 && wait <= 200);
    sa.now = 11000 + wait;
    stderr_of(step_it, &sa, log, sizeof log);
    pal_rstream_get_stats(rs, &st);
    CHECK_INT(st.attempts, 2);
    CHECK_INT(pal_rstream_timeout(rs, 11000 + wait), 10000);
    /* the second attempt times out as well, and the lookups still out were
       not started again: no thread more than the connections' own */
    sa.now = 11000 + wait + 10000;
    stderr_of(step_it, &sa, log, sizeof log);
    CHECK(strstr(log, "the host name lookup gave no answer within 10 s") != NULL);
    pal_rstream_get_stats(rs, &st);
    CHECK_INT(st.reconnects, 2);
    int grew = threads_now() - before;
    CHECK(grew <= 2);   /* one lookup each for the reads' and the commands' connections */
    if (grew > 2) fprintf(stderr, "  %d lookup threads for two connections\n", grew);
    CHECK(!gave_up());
    pal_rstream_free(rs);
    release();
    pal_resp_set_resolver(NULL);
}

/* ---- the reply path, without a server ---- */

static const char *POLICY = "package t\n\nrule \"echo\" {\n  on process\n  when process.name like \"*\"\n  effect alert\n"
                            "  message \"{process.command_line}\"\n}\n";

static int read_policy(void *user, const char *relpath, char **data, size_t *len)
{
    (void)user;
    if (strcmp(relpath, "t.pal")) return -1;
    *len = strlen(POLICY);
    *data = malloc(*len + 1);
    if (!*data) return -1;
    memcpy(*data, POLICY, *len + 1);
    return 0;
}

typedef struct got { unsigned n; char last_error[1024]; char ids[400][48]; } got;

static void on_decision(void *user, const char *entry, const char *value, size_t len)
{
    got *g = user;
    if (g->n < 400) snprintf(g->ids[g->n], sizeof g->ids[0], "%s", entry);
    g->n++;
    const char *e = memmem(value, len, "\"error\":\"", 9);
    if (e) snprintf(g->last_error, sizeof g->last_error, "%.*s", (int)(len - (size_t)(e - value)), e);
}

/* A read's reply of n entries, entry i with the event field (or, when i is
   in `nofield`, only another field), parsed by hiredis as from a server. */
static void *parse_resp(const char *text)
{
    redisReader *rd = redisReaderCreate();
    void *r = NULL;
    redisReaderFeed(rd, text, strlen(text));
    redisReaderGetReply(rd, &r);
    redisReaderFree(rd);
    return r;
}

static void *read_reply(unsigned n, unsigned nofield)
{
    pal_strbuf b;
    pal_strbuf_init(&b, 0);
    char tmp[400];
    snprintf(tmp, sizeof tmp, "*1\r\n*2\r\n$2\r\nin\r\n*%u\r\n", n);
    pal_strbuf_puts(&b, tmp);
    for (unsigned i = 0; i < n; i++) {
        char id[32], ev[200];
        snprintf(id, sizeof id, "1700000000000-%u", i);
        snprintf(ev, sizeof ev, "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"a\",\"command_line\":\"m%u\"}}", i);
        const char *field = i == nofield ? "other" : "event";
        snprintf(tmp, sizeof tmp, "*2\r\n$%zu\r\n%s\r\n*2\r\n$%zu\r\n%s\r\n$%zu\r\n%s\r\n", strlen(id), id,
                 strlen(field), field, strlen(ev), ev);
        pal_strbuf_puts(&b, tmp);
    }
    redisReader *rd = redisReaderCreate();
    void *r = NULL;
    redisReaderFeed(rd, b.s, b.len);
    redisReaderGetReply(rd, &r);
    redisReaderFree(rd);
    pal_strbuf_free(&b);
    return r;
}

/* Every entry read is decided, even when the decisions' queue fills and
   the session holds lines (it was never resumed: the member stalled with
   the lines behind the limit undecided); an entry without the field gets
   an error that names it, the field and what to set. */
static void test_reply_path(void)
{
    pal_compile_opts co = {0};
    co.revision = "t-1";
    co.read = read_policy;
    const char *paths[] = {"t.pal"};
    unsigned errs = 0, warns = 0;
    pal_program *p = pal_compile(paths, 1, &co, &errs, &warns);
    CHECK(p != NULL);
    if (!p) return;
    pal_decider d;
    CHECK_INT(pal_decider_init(&d, p, PAL_INPUT_AUTO), 0);
    pal_rstream_opts o;
    memset(&o, 0, sizeof o);
    char err[300];
    CHECK_INT(pal_redis_url_parse("redis://127.0.0.1:1/in?group=g&consumer=c", &o.in, err, sizeof err), 0);
    CHECK_INT(pal_redis_url_parse("redis://127.0.0.1:1/out", &o.out, err, sizeof err), 0);
    o.out_limit = 4096;   /* about 20 decisions */
    o.max_inflight = 512;
    pal_session_counts counts;
    memset(&counts, 0, sizeof counts);
    pal_rstream *rs = pal_rstream_new(&o, &counts, err, sizeof err);
    CHECK(rs != NULL);
    if (!rs) { pal_decider_free(&d); pal_program_free(p); return; }
    CHECK_INT(pal_rstream_test_reply(rs, PAL_RSTREAM_TEST_READ, read_reply(300, 7), 1), PAL_RSTREAM_TEST_READ);
    got g;
    memset(&g, 0, sizeof g);
    for (int round = 0; round < 1000 && pal_rstream_test_held(rs); round++) {
        pal_rstream_test_feed(rs, &d);
        CHECK(pal_rstream_test_drain(rs, on_decision, &g) >= 0);
    }
    CHECK_INT(pal_rstream_test_held(rs), 0);
    CHECK_INT(g.n, 300);
    CHECK_STR(g.ids[0], "1700000000000-0");
    CHECK_STR(g.ids[299], "1700000000000-299");
    CHECK(strstr(g.last_error, "entry 1700000000000-7 of stream in has no field \\\"event\\\"") != NULL);
    CHECK(strstr(g.last_error, "field=NAME in the --input URL") != NULL);

    /* an id that is not MS-SEQ is not taken (its quote would break the decision's JSON, and XACK would name garbage) */
    pal_rstream_stats st;
    pal_rstream_get_stats(rs, &st);
    unsigned long long errors = st.errors, read = st.read;
    const char *ev = "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"a\"}}";
    char text[1024];
    snprintf(text, sizeof text, "*1\r\n*2\r\n$2\r\nin\r\n*3\r\n"
             "*2\r\n$5\r\n1-2\"x\r\n*2\r\n$5\r\nevent\r\n$%zu\r\n%s\r\n"
             "*2\r\n$0\r\n\r\n*2\r\n$5\r\nevent\r\n$%zu\r\n%s\r\n"
             "*2\r\n$3\r\n5-6\r\n*2\r\n$5\r\nevent\r\n$%zu\r\n%s\r\n", strlen(ev), ev, strlen(ev), ev, strlen(ev), ev);
    CHECK_INT(pal_rstream_test_reply(rs, PAL_RSTREAM_TEST_READ, parse_resp(text), 2), PAL_RSTREAM_TEST_READ);
    memset(&g, 0, sizeof g);
    for (int round = 0; round < 10 && pal_rstream_test_held(rs); round++) {
        pal_rstream_test_feed(rs, &d);
        CHECK(pal_rstream_test_drain(rs, on_decision, &g) >= 0);
    }
    CHECK_INT(g.n, 1);
    CHECK_STR(g.ids[0], "5-6");
    pal_rstream_get_stats(rs, &st);
    CHECK_INT(st.errors - errors, 2);
    CHECK_INT(st.read - read, 1);

    /* an error reply gives the connections up, and is freed (it leaked: LeakSanitizer under make asan) */
    CHECK_INT(pal_rstream_test_reply(rs, PAL_RSTREAM_TEST_READ, parse_resp("-NOGROUP No such key 'in'\r\n"), 3), -1);
    CHECK_INT(pal_rstream_test_reply(rs, PAL_RSTREAM_TEST_CLAIM, parse_resp("-ERR hostile\r\n"), 4), -1);
    pal_rstream_free(rs);
    pal_decider_free(&d);
    pal_program_free(p);
}

int main(void)
{
    test_reply_path();
    test_urls();
    test_bracket_junk();
    test_etag_control_bytes();
    test_lookup_off_loop();
    test_lookup_one_per_connection();
    test_rstream_lookup_held();
    test_rstream_setup_timeout();
    test_same_server();
    test_durations();
    return unit_result("test_remote");
}
