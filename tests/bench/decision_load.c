/*
 * decision_load.c — a load generator for the agent's decision socket
 * (tests/bench/agent.sh).
 *
 *   decision_load SOCKET RATE SECONDS EVENTS.jsonl
 *
 * Sends event lines (taken in turn from EVENTS.jsonl) as requests on one
 * connection at RATE requests per second for SECONDS, open loop: a sender
 * thread sends each request at its scheduled time whether or not the
 * replies before it have come (so a slow agent cannot slow the load down
 * and hide its own latency), and a receiver thread reads the replies,
 * which come in order, one line each.  A request's latency is from its
 * scheduled time to its reply's last byte.  Prints one line:
 *
 *   rate=R sent=N answered=N errors=E p50_us=.. p99_us=.. p999_us=.. max_us=..
 *
 * "errors" counts replies with an "error" member (none are expected of
 * well-formed events).  Exits 1 when a reply is missing.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

typedef struct load {
    int fd;
    size_t n;                 /* requests */
    int64_t *sched;           /* scheduled send time of each */
    int64_t *lat;             /* its latency, -1 until answered */
    char **ev;
    size_t nev;
    volatile size_t sent;
    unsigned long errors;
} load;

static void *receiver(void *arg)
{
    load *L = arg;
    static char buf[1 << 16];
    size_t got = 0;
    bool in_error = false;    /* the reply being read has "error" */
    char tail[16] = "";       /* the last bytes seen, for a match across reads */
    while (got < L->n) {
        ssize_t k = recv(L->fd, buf, sizeof buf, 0);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        int64_t t = now_ns();
        for (ssize_t i = 0; i < k; i++) {
            memmove(tail, tail + 1, sizeof tail - 2);
            tail[sizeof tail - 2] = buf[i];
            if (!strncmp(tail + sizeof tail - 9, "\"error\":", 8)) in_error = true;
            if (buf[i] != '\n') continue;
            if (got < L->n) L->lat[got] = t - L->sched[got];
            if (in_error) L->errors++;
            in_error = false;
            got++;
        }
    }
    return NULL;
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: decision_load SOCKET RATE SECONDS EVENTS.jsonl\n");
        return 2;
    }
    double rate = atof(argv[2]), secs = atof(argv[3]);
    if (rate <= 0 || secs <= 0) return 2;
    FILE *f = fopen(argv[4], "r");
    if (!f) { perror(argv[4]); return 2; }
    load L = {0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while (L.nev < 1000 && (len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] != '\n') continue;
        L.ev = realloc(L.ev, (L.nev + 1) * sizeof *L.ev);
        L.ev[L.nev++] = strdup(line);
    }
    fclose(f);
    free(line);
    if (!L.nev) { fprintf(stderr, "%s: no event lines\n", argv[4]); return 2; }
    L.n = (size_t)(rate * secs);
    L.sched = calloc(L.n, sizeof *L.sched);
    L.lat = malloc(L.n * sizeof *L.lat);
    for (size_t i = 0; i < L.n; i++) L.lat[i] = -1;

    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", argv[1]);
    L.fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (L.fd < 0 || connect(L.fd, (struct sockaddr *)&sa, sizeof sa) != 0) { perror(argv[1]); return 2; }
    pthread_t rt;
    pthread_create(&rt, NULL, receiver, &L);

    /* every request whose time has come is sent, then a sleep to the next
       one's time (not a spin: the generator must not take a core from
       the agent it measures) */
    prctl(PR_SET_TIMERSLACK, 1UL);
    int64_t start = now_ns() + 10000000, step = (int64_t)(1e9 / rate);
    for (size_t i = 0; i < L.n; i++) L.sched[i] = start + (int64_t)i * step;
    for (size_t i = 0; i < L.n;) {
        int64_t t = now_ns();
        if (t < L.sched[i]) {
            struct timespec at = {(time_t)(L.sched[i] / 1000000000), (long)(L.sched[i] % 1000000000)};
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);
            continue;
        }
        for (; i < L.n && L.sched[i] <= t; i++) {
            const char *ev = L.ev[i % L.nev];
            size_t n = strlen(ev), off = 0;
            while (off < n) {
                ssize_t k = send(L.fd, ev + off, n - off, MSG_NOSIGNAL);
                if (k < 0 && errno == EINTR) continue;
                if (k <= 0) { perror("send"); return 1; }
                off += (size_t)k;
            }
        }
    }
    /* the replies still due, for up to 10 s */
    struct timespec limit;
    clock_gettime(CLOCK_REALTIME, &limit);
    limit.tv_sec += 10;
    if (pthread_timedjoin_np(rt, NULL, &limit) != 0) {
        shutdown(L.fd, SHUT_RDWR);
        pthread_join(rt, NULL);
    }
    size_t answered = 0;
    for (size_t i = 0; i < L.n; i++)
        if (L.lat[i] >= 0) L.lat[answered++] = L.lat[i];
    qsort(L.lat, answered, sizeof *L.lat, cmp64);
#define PCT(p) (answered ? L.lat[(size_t)((answered - 1) * (p))] / 1000.0 : 0.0)
    printf("rate=%.0f sent=%zu answered=%zu errors=%lu p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f\n", rate, L.n,
           answered, L.errors, PCT(0.50), PCT(0.99), PCT(0.999), answered ? L.lat[answered - 1] / 1000.0 : 0.0);
    close(L.fd);
    return answered == L.n ? 0 : 1;
}
