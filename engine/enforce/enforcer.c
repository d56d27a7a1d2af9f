/*
 * enforcer.c — containers, exec answers, NFLOG, the DNS forwarder, block
 * (design in enforcer.h).
 */
#include "engine/enforce/enforcer.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "engine/base/err.h"
#include "engine/base/fileio.h"
#include "engine/core/match.h"
#include "engine/enforce/ctl.h"
#include "engine/enforce/dns.h"
#include "engine/enforce/jsonw.h"
#include "engine/enforce/mounts.h"
#include "engine/enforce/nflog.h"
#include "engine/enforce/nft.h"
#include "engine/runtime/decider.h"
#include "engine/vm/vm.h"

typedef struct container {
    bool used;
    pal_oci_container c;
    int pidfd;                  /* the init process; readable when it exits */
    int netns_fd;               /* -1: the host's own namespace, network left alone */
    int dns_fd, nflog_fd;       /* in the container's namespace; -1 none */
    uint64_t mnt_ids[PAL_MAX_CONTAINER_MOUNTS];
    unsigned nmnt;
    bool stopped;
} container;

typedef struct ctlconn {
    int fd;
    char buf[PAL_CTL_MAX_LINE + 1];
    size_t len;
} ctlconn;

typedef struct pending {
    bool used;
    uint16_t up_id, client_id;
    int cidx;
    struct sockaddr_storage from;
    socklen_t fromlen;
    char name[PAL_DNS_MAX_NAME + 1];
    uint16_t qtype;
    long long deadline;
} pending;

struct pal_enforcer {
    pal_enforcer_opts o;
    const pal_program *p;
    pal_decider dec;            /* the loop's: DNS and packets */
    pal_vm *vm;                 /* the loop's: scopes for the tables */
    pthread_mutex_t lock;       /* cs (the exec thread reads it), out, log, st, exec handover */
    pthread_cond_t cond;
    container *cs;
    unsigned long long line;    /* decision lines, from 1 (atomic) */

    int fan_fd, wake_fd;
    int note_fd;                /* eventfd: the exec thread queued a line */
    pthread_t thr;
    bool thr_running, stop;
    pal_decider *exec_dec, *exec_pending, *exec_retired;

    pal_strbuf out, log;
    pal_enforcer_stats st;

    int ctl_fd;
    ctlconn *conns[PAL_ENF_MAX_CTL_CONNS];

    int up_fd;
    pending *pend;              /* indexed by the id sent upstream */
    uint16_t next_slot;
    uint64_t host_netns_ino;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void logf_(pal_enforcer *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(pal_enforcer *e, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&e->lock);
    if (e->log.len < 1u << 20) { pal_strbuf_puts(&e->log, tmp); pal_strbuf_putc(&e->log, '\n'); }
    pthread_mutex_unlock(&e->lock);
}

/* ---- events and decisions ---- */

static void put_container(pal_strbuf *b, const pal_oci_container *c)
{
    pal_strbuf_puts(b, ",\"host\":{\"os\":{\"type\":\"linux\"}},\"container\":{\"id\":");
    pal_jsonw_str(b, c->id, strlen(c->id));
    if (c->image[0]) {
        pal_strbuf_puts(b, ",\"image\":{\"name\":");
        pal_jsonw_str(b, c->image, strlen(c->image));
        pal_strbuf_putc(b, '}');
    }
    pal_strbuf_putc(b, '}');
}

static void put_member(pal_strbuf *b, const char *key, const char *val, bool first)
{
    if (!first) pal_strbuf_putc(b, ',');
    pal_strbuf_putc(b, '"');
    pal_strbuf_puts(b, key);
    pal_strbuf_puts(b, "\":");
    pal_jsonw_str(b, val, strlen(val));
}

typedef struct fill_ctx { const char *point, *id, *done; bool stopped; } fill_ctx;

static void fill_simple(void *user, const pal_verdict *v, pal_strbuf *b)
{
    fill_ctx *f = user;
    (void)v;
    put_member(b, "point", f->point, true);
    put_member(b, "container", f->id, false);
    put_member(b, "action", f->done, false);
}

/* Stops a container: SIGKILL to its init through the pidfd. */
static bool stop_container(pal_enforcer *e, int pidfd, const char *id, const char *rule)
{
    if (pidfd < 0) return false;
    if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) != 0 && errno != ESRCH) {
        logf_(e, "block: could not stop container %s: %s", id, strerror(errno));
        return false;
    }
    pthread_mutex_lock(&e->lock);
    e->st.containers_stopped++;
    pthread_mutex_unlock(&e->lock);
    logf_(e, "block: container %s stopped (rule '%s')", id, rule && rule[0] ? rule : "?");
    return true;
}

/* ---- the exec thread ---- */

static container *by_mount(pal_enforcer *e, uint64_t mnt)
{
    for (unsigned i = 0; i < PAL_ENF_MAX_CONTAINERS; i++) {
        container *c = &e->cs[i];
        if (!c->used) continue;
        for (unsigned k = 0; k < c->nmnt; k++)
            if (c->mnt_ids[k] == mnt) return c;
    }
    return NULL;
}

static void exec_event(pal_enforcer *e, const struct fanotify_event_metadata *m, pal_strbuf *ev)
{
    uint64_t t0 = now_ns();
    char link[64], path[PATH_MAX + 1];
    snprintf(link, sizeof link, "/proc/self/fd/%d", m->fd);
    ssize_t n = readlink(link, path, PATH_MAX);
    path[n > 0 ? n : 0] = 0;
    struct statx sx;
    uint64_t mnt = statx(m->fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) == 0 ? sx.stx_mnt_id : 0;
    pal_oci_container cc;
    int pidfd = -1;
    bool known = false;
    pthread_mutex_lock(&e->lock);
    container *c = by_mount(e, mnt);
    if (c) { cc = c->c; pidfd = c->pidfd; known = true; }
    pal_decider *d = e->exec_dec;
    pthread_mutex_unlock(&e->lock);
    int effect = e->o.unknown_effect;
    char rule[256] = "";
    if (known && d) {
        /* the path the container sees: the host's view cut at its rootfs */
        const char *in = path;
        size_t rl = strlen(cc.rootfs);
        while (rl > 1 && cc.rootfs[rl - 1] == '/') rl--;
        if (rl > 1 && !strncmp(path, cc.rootfs, rl) && path[rl] == '/') in = path + rl;
        const char *base = strrchr(in, '/');
        base = base ? base + 1 : in;
        pal_strbuf_clear(ev);
        pal_strbuf_puts(ev, "{\"event\":{\"category\":[\"process\"],\"type\":[\"start\"],\"action\":\"exec\"},\"process\":{\"executable\":");
        pal_jsonw_str(ev, in, strlen(in));
        pal_strbuf_puts(ev, ",\"name\":");
        pal_jsonw_str(ev, base, strlen(base));
        char pid[24];
        snprintf(pid, sizeof pid, ",\"pid\":%d}", (int)m->pid);
        pal_strbuf_puts(ev, pid);
        put_container(ev, &cc);
        pal_strbuf_putc(ev, '}');
        /* the answer goes out first; the line is written after it */
        pal_verdict v;
        pal_strbuf line;
        pal_strbuf_init(&line, 1u << 20);
        pal_decision_ctx ctx = {.line = (long)__atomic_add_fetch(&e->line, 1, __ATOMIC_RELAXED)};
        int rc = pal_decide_line(d, ev->s, ev->len, false, ctx, &line, &v);
        effect = rc != 0 || v.input_error ? e->o.unknown_effect : v.effect;
        struct fanotify_response r = {.fd = m->fd, .response = effect >= PE_PREVENT ? FAN_DENY : FAN_ALLOW};
        ssize_t w = write(e->fan_fd, &r, sizeof r);
        (void)w;
        uint64_t dt = now_ns() - t0;
        bool stopped = false;
        if (effect >= PE_BLOCK) {
            const char *mm = line.s ? strstr(line.s, "\"rule\":\"") : NULL;
            if (mm) { mm += 8; size_t k = 0; while (mm[k] && mm[k] != '"' && k + 1 < sizeof rule) { rule[k] = mm[k]; k++; } rule[k] = 0; }
            stopped = stop_container(e, pidfd, cc.id, rule);
        }
        if (rc == 0 && line.len >= 2) {
            pal_strbuf_truncate(&line, line.len - 2);
            pal_strbuf_puts(&line, ",\"enforce\":{");
            put_member(&line, "point", "exec", true);
            put_member(&line, "container", cc.id, false);
            put_member(&line, "action", effect >= PE_PREVENT ? "denied" : "allowed", false);
            if (stopped) pal_strbuf_puts(&line, ",\"stopped\":true");
            pal_strbuf_puts(&line, "}}\n");
        }
        pthread_mutex_lock(&e->lock);
        e->st.execs++;
        if (effect >= PE_PREVENT) e->st.execs_denied++;
        e->st.exec_ns_total += dt;
        if (dt > e->st.exec_ns_max) e->st.exec_ns_max = dt;
        if (rc == 0 && !line.failed && e->out.len + line.len <= PAL_ENF_MAX_OUTPUT) pal_strbuf_append(&e->out, line.s, line.len);
        else e->st.exec_lines_dropped++;
        pthread_mutex_unlock(&e->lock);
        pal_strbuf_free(&line);
        uint64_t one = 1;
        ssize_t nw = write(e->note_fd, &one, sizeof one);
        (void)nw;
        return;
    }
    struct fanotify_response r = {.fd = m->fd, .response = effect >= PE_PREVENT ? FAN_DENY : FAN_ALLOW};
    ssize_t w = write(e->fan_fd, &r, sizeof r);
    (void)w;
    pthread_mutex_lock(&e->lock);
    e->st.execs++;
    e->st.exec_unknown++;
    if (effect >= PE_PREVENT) e->st.execs_denied++;
    pthread_mutex_unlock(&e->lock);
}

static void *exec_thread(void *arg)
{
    pal_enforcer *e = arg;
    static _Thread_local char buf[65536] __attribute__((aligned(8)));
    pal_strbuf ev;
    pal_strbuf_init(&ev, 1u << 20);
    for (;;) {
        struct pollfd p[2] = {{e->fan_fd, POLLIN, 0}, {e->wake_fd, POLLIN, 0}};
        int n = poll(p, 2, -1);
        if (n < 0 && errno != EINTR) break;
        if (p[1].revents & POLLIN) {
            uint64_t x;
            ssize_t r = read(e->wake_fd, &x, sizeof x);
            (void)r;
        }
        pthread_mutex_lock(&e->lock);
        if (e->exec_pending) {
            e->exec_retired = e->exec_dec;
            e->exec_dec = e->exec_pending;
            e->exec_pending = NULL;
            pthread_cond_broadcast(&e->cond);
        }
        bool stop = e->stop;
        pthread_mutex_unlock(&e->lock);
        if (stop) break;
        if (!(p[0].revents & POLLIN)) continue;
        ssize_t len = read(e->fan_fd, buf, sizeof buf);
        if (len <= 0) continue;
        struct fanotify_event_metadata *m = (struct fanotify_event_metadata *)buf;
        for (; FAN_EVENT_OK(m, len); m = FAN_EVENT_NEXT(m, len)) {
            if (m->vers != FANOTIFY_METADATA_VERSION) break;
            if (m->fd < 0) continue;
            if (m->mask & FAN_OPEN_EXEC_PERM) exec_event(e, m, &ev);
            close(m->fd);
        }
    }
    pal_strbuf_free(&ev);
    return NULL;
}

/* ---- running in a container's network namespace ---- */

typedef struct nsjob {
    int nsfd;
    int (*fn)(struct nsjob *j);
    unsigned port, group;
    int out_fd;
    char err[256];
} nsjob;

static void *ns_thread(void *arg)
{
    nsjob *j = arg;
    if (setns(j->nsfd, CLONE_NEWNET) != 0) {
        snprintf(j->err, sizeof j->err, "cannot enter the network namespace: %s", strerror(errno));
        j->out_fd = -1;
        return NULL;
    }
    j->out_fd = j->fn(j);
    return NULL;
}

/* Runs j->fn on a short-lived thread inside the namespace: the caller's
   own namespace never changes. */
static int in_netns(nsjob *j)
{
    pthread_t t;
    j->out_fd = -1;
    if (pthread_create(&t, NULL, ns_thread, j) != 0) { snprintf(j->err, sizeof j->err, "cannot start a thread"); return -1; }
    pthread_join(t, NULL);
    return j->out_fd;
}

static int job_dns_socket(nsjob *j)
{
    /* loopback up: the forwarder listens on it (a fresh namespace has it down) */
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s >= 0) {
        struct ifreq ifr;
        memset(&ifr, 0, sizeof ifr);
        snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
        if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP)) {
            ifr.ifr_flags |= IFF_UP;
            ioctl(s, SIOCSIFFLAGS, &ifr);
        }
        close(s);
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) { snprintf(j->err, sizeof j->err, "DNS socket: %s", strerror(errno)); return -1; }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)j->port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        snprintf(j->err, sizeof j->err, "DNS forwarder on 127.0.0.1:%u: %s", j->port, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int job_nflog(nsjob *j)
{
    return pal_nflog_open(j->group, j->err, sizeof j->err);
}

/* ---- tables ---- */

/* The container's fields as an event record (for the scopes). */
static int apply_table(pal_enforcer *e, container *c, const pal_program *p, pal_vm *vm, char *err, size_t cap)
{
    if (c->netns_fd < 0) return 0;
    pal_strbuf ev, script;
    pal_strbuf_init(&ev, 1u << 16);
    pal_strbuf_init(&script, 16u << 20);
    pal_strbuf_puts(&ev, "{\"event\":{\"category\":[\"network\"]}");
    put_container(&ev, &c->c);
    pal_strbuf_putc(&ev, '}');
    pal_arena arena;
    pal_arena_init(&arena, 1u << 20);
    pal_event evt;
    char derr[256];
    int rc = -1;
    const pal_record *rec = NULL;
    if (pal_event_decode(ev.s, ev.len, PAL_INPUT_ECS, NULL, &arena, &evt, derr, sizeof derr) == 0) rec = &evt.rec;
    pal_nft_target t = {.image = c->c.image, .scope_rec = rec, .nflog_group = e->o.nflog_group,
                        .dns_port = e->o.dns_upstream ? e->o.dns_port : 0};
    pal_nft_stats st;
    if (pal_nft_generate(p, vm, &t, &script, &st) != 0) {
        pal_set_err(err, cap, "container %s: the nftables table is too large", c->c.id);
    } else if (pal_nft_apply(e->o.nft, c->netns_fd, script.s, script.len, err, cap) == 0) {
        rc = 0;
    } else {
        pthread_mutex_lock(&e->lock);
        e->st.nft_errors++;
        pthread_mutex_unlock(&e->lock);
    }
    pal_arena_free(&arena);
    pal_strbuf_free(&ev);
    pal_strbuf_free(&script);
    return rc;
}

/* ---- containers ---- */

static void release(pal_enforcer *e, container *c, bool remove_table)
{
    if (remove_table && c->netns_fd >= 0 && !c->stopped) {
        pal_strbuf s;
        pal_strbuf_init(&s, 4096);
        pal_nft_delete(&s);
        char err[512];
        pal_nft_apply(e->o.nft, c->netns_fd, s.s, s.len, err, sizeof err);
        pal_strbuf_free(&s);
    }
    if (c->pidfd >= 0) close(c->pidfd);
    if (c->netns_fd >= 0) close(c->netns_fd);
    if (c->dns_fd >= 0) close(c->dns_fd);
    if (c->nflog_fd >= 0) close(c->nflog_fd);
    /* marks go with their mounts; a registered container's mounts are
       its own, so nothing else is left marked */
    for (unsigned i = 0; i < PAL_ENF_DNS_PENDING; i++)
        if (e->pend[i].used && e->pend[i].cidx == (int)(c - e->cs)) e->pend[i].used = false;
    pthread_mutex_lock(&e->lock);
    memset(c, 0, sizeof *c);
    c->pidfd = c->netns_fd = c->dns_fd = c->nflog_fd = -1;
    pthread_mutex_unlock(&e->lock);
}

static uint64_t ns_ino(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

/* Marks the container's mounts for exec permission. */
static int mark_mounts(pal_enforcer *e, container *c, char *err, size_t cap)
{
    char path[PAL_OCI_MAX_PATH + 64];
    snprintf(path, sizeof path, "/proc/%d/mountinfo", (int)c->c.pid);
    char *theirs = NULL, *ours = NULL;
    size_t tlen = 0, olen = 0;
    char e2[512];
    if (pal_read_file(path, 16u << 20, &theirs, &tlen, e2, sizeof e2) != 0)
        return pal_set_err(err, cap, "container %s: %s", c->c.id, e2);
    if (pal_read_file("/proc/self/mountinfo", 16u << 20, &ours, &olen, e2, sizeof e2) != 0) {
        free(theirs);
        return pal_set_err(err, cap, "%s", e2);
    }
    pal_mount *ms = malloc(sizeof *ms * PAL_MAX_CONTAINER_MOUNTS);
    int n = ms ? pal_mounts_select(theirs, tlen, c->c.rootfs, ms, PAL_MAX_CONTAINER_MOUNTS) : -1;
    int rc = 0;
    c->nmnt = 0;
    if (n <= 0) rc = pal_set_err(err, cap, "container %s: no mounts to mark in %s", c->c.id, path);
    for (int i = 0; rc == 0 && i < n; i++) {
        /* never the agent's own mounts: a container that shares our mount
           namespace would have us mark the host */
        if (pal_mounts_has_id(ours, olen, ms[i].id)) {
            rc = pal_set_err(err, cap, "container %s shares the agent's mount namespace (mount %llu, %s); exec enforcement needs its own",
                             c->c.id, (unsigned long long)ms[i].id, ms[i].point);
            break;
        }
        snprintf(path, sizeof path, "/proc/%d/root%s", (int)c->c.pid, ms[i].point);
        struct statx sx;
        if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) != 0 || sx.stx_mnt_id != ms[i].id) continue;
        if (fanotify_mark(e->fan_fd, FAN_MARK_ADD | FAN_MARK_MOUNT | FAN_MARK_DONT_FOLLOW, FAN_OPEN_EXEC_PERM, AT_FDCWD, path) != 0) {
            if (i == 0) rc = pal_set_err(err, cap, "container %s: fanotify mark on %s: %s", c->c.id, ms[i].point, strerror(errno));
            continue;
        }
        pthread_mutex_lock(&e->lock);
        c->mnt_ids[c->nmnt++] = ms[i].id;
        pthread_mutex_unlock(&e->lock);
    }
    if (rc == 0 && c->nmnt == 0) rc = pal_set_err(err, cap, "container %s: none of its mounts could be marked", c->c.id);
    free(ms);
    free(theirs);
    free(ours);
    return rc;
}

static container *find(pal_enforcer *e, const char *id)
{
    for (unsigned i = 0; i < PAL_ENF_MAX_CONTAINERS; i++)
        if (e->cs[i].used && !strcmp(e->cs[i].c.id, id)) return &e->cs[i];
    return NULL;
}

int pal_enforcer_register(pal_enforcer *e, const pal_oci_container *oc, char *err, size_t cap)
{
    if (!pal_oci_id_ok(oc->id, strlen(oc->id))) return pal_set_err(err, cap, "not a container id");
    if (oc->pid <= 0) return pal_set_err(err, cap, "container %s: no init pid", oc->id);
    container *old = find(e, oc->id);
    if (old) release(e, old, false);
    container *c = NULL;
    for (unsigned i = 0; i < PAL_ENF_MAX_CONTAINERS && !c; i++)
        if (!e->cs[i].used) c = &e->cs[i];
    if (!c) return pal_set_err(err, cap, "more than %u containers", PAL_ENF_MAX_CONTAINERS);
    memset(c, 0, sizeof *c);
    c->c = *oc;
    c->pidfd = c->netns_fd = c->dns_fd = c->nflog_fd = -1;
    c->pidfd = (int)syscall(SYS_pidfd_open, oc->pid, 0);
    if (c->pidfd < 0) return pal_set_err(err, cap, "container %s: init pid %d: %s", oc->id, (int)oc->pid, strerror(errno));
    /* the network namespace: the config's path, else the init's */
    char nspath[PAL_OCI_MAX_PATH + 32];
    if (oc->netns[0]) snprintf(nspath, sizeof nspath, "%s", oc->netns);
    else snprintf(nspath, sizeof nspath, "/proc/%d/ns/net", (int)oc->pid);
    int nsfd = open(nspath, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (nsfd < 0 || fstat(nsfd, &st) != 0) {
        int x = errno;
        if (nsfd >= 0) close(nsfd);
        close(c->pidfd);
        c->pidfd = -1;
        return pal_set_err(err, cap, "container %s: network namespace %s: %s", oc->id, nspath, strerror(x));
    }
    if ((uint64_t)st.st_ino == e->host_netns_ino) {
        close(nsfd);
        logf_(e, "container %s shares the host's network namespace: its network and DNS are not enforced", oc->id);
    } else {
        c->netns_fd = nsfd;
    }
    pthread_mutex_lock(&e->lock);
    c->used = true;
    pthread_mutex_unlock(&e->lock);
    int rc = 0;
    if (!e->o.no_exec && e->fan_fd >= 0) rc = mark_mounts(e, c, err, cap);
    if (rc == 0 && c->netns_fd >= 0) {
        if (e->o.dns_upstream) {
            nsjob j = {.nsfd = c->netns_fd, .fn = job_dns_socket, .port = e->o.dns_port};
            c->dns_fd = in_netns(&j);
            if (c->dns_fd < 0) rc = pal_set_err(err, cap, "container %s: %s", oc->id, j.err);
        }
        if (rc == 0) {
            nsjob j = {.nsfd = c->netns_fd, .fn = job_nflog, .group = e->o.nflog_group};
            c->nflog_fd = in_netns(&j);
            if (c->nflog_fd < 0) rc = pal_set_err(err, cap, "container %s: %s", oc->id, j.err);
        }
        if (rc == 0) rc = apply_table(e, c, e->p, e->vm, err, cap);
    }
    if (rc != 0) { release(e, c, true); return -1; }
    logf_(e, "container %s registered (pid %d, image '%s', %u mounts marked%s)", oc->id, (int)oc->pid, oc->image, c->nmnt,
          c->netns_fd >= 0 ? ", nftables table in its network namespace" : "");
    return 0;
}

int pal_enforcer_unregister(pal_enforcer *e, const char *id)
{
    container *c = find(e, id);
    if (!c) return -1;
    release(e, c, true);
    logf_(e, "container %s unregistered", id);
    return 0;
}

int pal_enforcer_pickup(pal_enforcer *e, const char *root, void (*warn)(void *, const char *), void *user)
{
    DIR *d = opendir(root);
    if (!d) return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || !pal_oci_id_ok(de->d_name, strlen(de->d_name))) continue;
        char path[PAL_OCI_MAX_PATH + 300];
        snprintf(path, sizeof path, "%s/%s/state.json", root, de->d_name);
        char *text = NULL;
        size_t len = 0;
        char err[1024], msg[PAL_OCI_MAX_PATH + 1400];
        if (pal_read_file(path, PAL_OCI_MAX_DOC, &text, &len, err, sizeof err) != 0) continue;
        pal_oci_container c;
        int rc = pal_oci_runc_state_parse(text, len, &c, err, sizeof err);
        free(text);
        if (rc == 0 && c.bundle[0]) {
            pal_oci_container cfg = c;
            if (pal_oci_config_load(&cfg, err, sizeof err) == 0) memcpy(c.image, cfg.image, sizeof c.image);
        }
        if (rc == 0 && kill(c.pid, 0) != 0) continue;   /* not running */
        if (rc == 0) rc = pal_enforcer_register(e, &c, err, sizeof err);
        if (rc != 0) {
            snprintf(msg, sizeof msg, "%s: %s", path, err);
            if (warn) warn(user, msg);
            continue;
        }
        n++;
    }
    closedir(d);
    return n;
}

/* ---- DNS ---- */

static void dns_query(pal_enforcer *e, int ci)
{
    container *c = &e->cs[ci];
    unsigned char msg[PAL_DNS_MAX_MSG];
    struct sockaddr_storage from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(c->dns_fd, msg, sizeof msg, 0, (struct sockaddr *)&from, &fl);
    if (n <= 0) return;
    e->st.dns_queries++;
    pal_dns_question q;
    char err[256];
    int prc = pal_dns_parse_query(msg, (size_t)n, &q, err, sizeof err);
    unsigned char reply[PAL_DNS_MAX_MSG];
    if (prc != 0) {
        /* what cannot be read is not forwarded */
        e->st.dns_dropped++;
        if (prc > 0) {
            size_t rl = pal_dns_reply(msg, (size_t)n, &q, prc, reply, sizeof reply);
            if (rl) sendto(c->dns_fd, reply, rl, 0, (struct sockaddr *)&from, fl);
        }
        logf_(e, "container %s: DNS query not forwarded: %s", c->c.id, err);
        return;
    }
    pal_strbuf ev;
    pal_strbuf_init(&ev, 1u << 16);
    char tb[16];
    pal_strbuf_puts(&ev, "{\"event\":{\"category\":[\"network\"]},\"network\":{\"protocol\":\"dns\",\"transport\":\"udp\",\"direction\":\"outbound\"},\"dns\":{\"question\":{\"name\":");
    pal_jsonw_str(&ev, q.name, strlen(q.name));
    pal_strbuf_puts(&ev, ",\"type\":");
    const char *tn = pal_dns_type_name(q.qtype, tb, sizeof tb);
    pal_jsonw_str(&ev, tn, strlen(tn));
    pal_strbuf_puts(&ev, "}}");
    put_container(&ev, &c->c);
    pal_strbuf_putc(&ev, '}');
    /* decide; the line's "enforce" says refused or forwarded */
    pal_verdict v;
    pal_strbuf line;
    pal_strbuf_init(&line, 1u << 20);
    pal_decision_ctx ctx = {.line = (long)__atomic_add_fetch(&e->line, 1, __ATOMIC_RELAXED)};
    int rc = pal_decide_line(&e->dec, ev.s, ev.len, false, ctx, &line, &v);
    int effect = rc != 0 || v.input_error ? PE_ALLOW : v.effect;
    const char *done;
    if (effect >= PE_PREVENT) {
        size_t rl = pal_dns_reply(msg, (size_t)n, &q, PAL_DNS_REFUSED, reply, sizeof reply);
        if (rl) sendto(c->dns_fd, reply, rl, 0, (struct sockaddr *)&from, fl);
        e->st.dns_refused++;
        done = "refused";
    } else {
        /* a free slot: its index is the id the upstream sees */
        long long now = now_ms();
        int slot = -1;
        for (unsigned k = 0; k < PAL_ENF_DNS_PENDING; k++) {
            unsigned s = (e->next_slot + k) % PAL_ENF_DNS_PENDING;
            if (!e->pend[s].used || e->pend[s].deadline < now) { slot = (int)s; break; }
        }
        if (slot < 0 || e->up_fd < 0) {
            size_t rl = pal_dns_reply(msg, (size_t)n, &q, PAL_DNS_SERVFAIL, reply, sizeof reply);
            if (rl) sendto(c->dns_fd, reply, rl, 0, (struct sockaddr *)&from, fl);
            e->st.dns_dropped++;
            done = "servfail";
        } else {
            /* the upstream id: the slot in the low bits, random high bits
               against off-path answers (checked when the answer comes) */
            uint16_t rnd = (uint16_t)(now_ns() >> 7);
            uint16_t up_id = (uint16_t)((rnd & ~(uint16_t)(PAL_ENF_DNS_PENDING - 1)) | (unsigned)slot);
            pending *pd = &e->pend[slot];
            pd->used = true;
            pd->up_id = up_id;
            pd->client_id = q.id;
            pd->cidx = ci;
            pd->from = from;
            pd->fromlen = fl;
            memcpy(pd->name, q.name, sizeof pd->name);
            pd->qtype = q.qtype;
            pd->deadline = now + PAL_ENF_DNS_TIMEOUT_MS;
            e->next_slot = (uint16_t)((slot + 1) % PAL_ENF_DNS_PENDING);
            msg[0] = (unsigned char)(up_id >> 8);
            msg[1] = (unsigned char)up_id;
            send(e->up_fd, msg, (size_t)n, 0);
            e->st.dns_forwarded++;
            done = "forwarded";
        }
    }
    bool stopped = false;
    char rule[256] = "";
    if (effect >= PE_BLOCK) {
        const char *mm = line.s ? strstr(line.s, "\"rule\":\"") : NULL;
        if (mm) { mm += 8; size_t k = 0; while (mm[k] && mm[k] != '"' && k + 1 < sizeof rule) { rule[k] = mm[k]; k++; } rule[k] = 0; }
        stopped = c->stopped = stop_container(e, c->pidfd, c->c.id, rule);
    }
    if (rc == 0 && line.len >= 2) {
        pal_strbuf_truncate(&line, line.len - 2);
        pal_strbuf_puts(&line, ",\"enforce\":{");
        put_member(&line, "point", "dns", true);
        put_member(&line, "container", c->c.id, false);
        put_member(&line, "action", done, false);
        if (stopped) pal_strbuf_puts(&line, ",\"stopped\":true");
        pal_strbuf_puts(&line, "}}\n");
        pthread_mutex_lock(&e->lock);
        if (!line.failed && e->out.len + line.len <= PAL_ENF_MAX_OUTPUT) pal_strbuf_append(&e->out, line.s, line.len);
        pthread_mutex_unlock(&e->lock);
    }
    pal_strbuf_free(&line);
    pal_strbuf_free(&ev);
}

/* An answer from the upstream: relayed to the container that asked, with
   its own id, when it matches a query in flight (id, name and type). */
static void dns_answer(pal_enforcer *e)
{
    unsigned char msg[PAL_DNS_MAX_MSG];
    ssize_t n = recv(e->up_fd, msg, sizeof msg, 0);
    if (n <= 0) return;
    pal_dns_question a;
    if (pal_dns_parse_answer(msg, (size_t)n, &a) != 0) return;
    pending *pd = &e->pend[a.id % PAL_ENF_DNS_PENDING];
    if (!pd->used || pd->up_id != a.id || pd->qtype != a.qtype || !pal_dns_name_eq(pd->name, a.name)) return;
    pd->used = false;
    container *c = &e->cs[pd->cidx];
    if (!c->used || c->dns_fd < 0) return;
    msg[0] = (unsigned char)(pd->client_id >> 8);
    msg[1] = (unsigned char)pd->client_id;
    sendto(c->dns_fd, msg, (size_t)n, 0, (struct sockaddr *)&pd->from, pd->fromlen);
    e->st.dns_answers++;
}

/* ---- logged packets ---- */

typedef struct pkt_ctx { pal_enforcer *e; int ci; } pkt_ctx;

static void on_packet(void *user, const pal_nflog_pkt *pk)
{
    pkt_ctx *x = user;
    pal_enforcer *e = x->e;
    container *c = &e->cs[x->ci];
    e->st.packets_logged++;
    bool inbound = !strcmp(pk->prefix, "palisade i");
    char src[64], dst[64];
    pal_ip_format(pk->src, pk->v6, src, sizeof src);
    pal_ip_format(pk->dst, pk->v6, dst, sizeof dst);
    const char *tr = pk->proto == IPPROTO_TCP ? "tcp" : pk->proto == IPPROTO_UDP ? "udp" :
                     pk->proto == IPPROTO_ICMP ? "icmp" : pk->proto == IPPROTO_ICMPV6 ? "ipv6-icmp" : NULL;
    pal_strbuf ev;
    pal_strbuf_init(&ev, 1u << 16);
    char tmp[256];
    pal_strbuf_puts(&ev, "{\"event\":{\"category\":[\"network\"]},\"network\":{");
    if (tr) { snprintf(tmp, sizeof tmp, "\"transport\":\"%s\",", tr); pal_strbuf_puts(&ev, tmp); }
    snprintf(tmp, sizeof tmp, "\"direction\":\"%s\"},\"source\":{\"ip\":\"%s\"", inbound ? "inbound" : "outbound", src);
    pal_strbuf_puts(&ev, tmp);
    if (pk->have_ports) { snprintf(tmp, sizeof tmp, ",\"port\":%u", pk->sport); pal_strbuf_puts(&ev, tmp); }
    snprintf(tmp, sizeof tmp, "},\"destination\":{\"ip\":\"%s\"", dst);
    pal_strbuf_puts(&ev, tmp);
    if (pk->have_ports) { snprintf(tmp, sizeof tmp, ",\"port\":%u", pk->dport); pal_strbuf_puts(&ev, tmp); }
    pal_strbuf_putc(&ev, '}');
    put_container(&ev, &c->c);
    pal_strbuf_putc(&ev, '}');
    char rule[256];
    fill_ctx f = {"network", c->c.id, "logged", false};
    /* the kernel already rejected what it could; the line says so */
    pal_strbuf line;
    pal_strbuf_init(&line, 1u << 20);
    pal_verdict v;
    pal_decision_ctx ctx = {.line = (long)__atomic_add_fetch(&e->line, 1, __ATOMIC_RELAXED)};
    int rc = pal_decide_line(&e->dec, ev.s, ev.len, false, ctx, &line, &v);
    int effect = rc != 0 || v.input_error ? PE_ALLOW : v.effect;
    f.done = effect >= PE_PREVENT ? "rejected" : "allowed";
    rule[0] = 0;
    if (effect >= PE_BLOCK) {
        const char *mm = line.s ? strstr(line.s, "\"rule\":\"") : NULL;
        if (mm) { mm += 8; size_t k = 0; while (mm[k] && mm[k] != '"' && k + 1 < sizeof rule) { rule[k] = mm[k]; k++; } rule[k] = 0; }
        f.stopped = c->stopped = stop_container(e, c->pidfd, c->c.id, rule);
    }
    if (rc == 0 && line.len >= 2) {
        pal_strbuf_truncate(&line, line.len - 2);
        pal_strbuf_puts(&line, ",\"enforce\":{");
        fill_simple(&f, &v, &line);
        if (f.stopped) pal_strbuf_puts(&line, ",\"stopped\":true");
        pal_strbuf_puts(&line, "}}\n");
        pthread_mutex_lock(&e->lock);
        if (!line.failed && e->out.len + line.len <= PAL_ENF_MAX_OUTPUT) pal_strbuf_append(&e->out, line.s, line.len);
        pthread_mutex_unlock(&e->lock);
    }
    pal_strbuf_free(&line);
    pal_strbuf_free(&ev);
}

static void nflog_read(pal_enforcer *e, int ci)
{
    static unsigned char buf[65536] __attribute__((aligned(8)));
    for (int k = 0; k < 64; k++) {
        ssize_t n = recv(e->cs[ci].nflog_fd, buf, sizeof buf, 0);
        if (n <= 0) return;
        pkt_ctx x = {e, ci};
        pal_nflog_parse(buf, (size_t)n, on_packet, &x);
        if (!e->cs[ci].used) return;
    }
}

/* ---- the control socket ---- */

static void ctl_close(pal_enforcer *e, unsigned i)
{
    close(e->conns[i]->fd);
    free(e->conns[i]);
    e->conns[i] = NULL;
}

static void ctl_request(pal_enforcer *e, ctlconn *cn, const char *line, size_t len)
{
    pal_ctl_request rq;
    char err[1024];
    const char *why = NULL;
    if (pal_ctl_parse(line, len, &rq, err, sizeof err) != 0) why = err;
    else if (rq.op == PAL_CTL_REGISTER) {
        if (pal_enforcer_register(e, &rq.c, err, sizeof err) != 0) why = err;
    } else if (rq.op == PAL_CTL_UNREGISTER) {
        pal_enforcer_unregister(e, rq.c.id);
    }
    if (why) logf_(e, "control: %s", why);
    pal_strbuf r;
    pal_strbuf_init(&r, 8192);
    pal_ctl_reply(&r, why);
    ssize_t w = send(cn->fd, r.s, r.len, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)w;
    pal_strbuf_free(&r);
}

static void ctl_read(pal_enforcer *e, unsigned i)
{
    ctlconn *cn = e->conns[i];
    ssize_t n = read(cn->fd, cn->buf + cn->len, sizeof cn->buf - 1 - cn->len);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) { ctl_close(e, i); return; }
    cn->len += (size_t)n;
    char *start = cn->buf;
    char *nl;
    while ((nl = memchr(start, '\n', cn->len - (size_t)(start - cn->buf)))) {
        ctl_request(e, cn, start, (size_t)(nl - start));
        start = nl + 1;
    }
    size_t rest = cn->len - (size_t)(start - cn->buf);
    memmove(cn->buf, start, rest);
    cn->len = rest;
    if (cn->len == sizeof cn->buf - 1) {
        pal_strbuf r;
        pal_strbuf_init(&r, 512);
        pal_ctl_reply(&r, "control request: longer than 65536 bytes");
        ssize_t w = send(cn->fd, r.s, r.len, MSG_NOSIGNAL | MSG_DONTWAIT);
        (void)w;
        pal_strbuf_free(&r);
        ctl_close(e, i);
    }
}

static int ctl_listen(const char *path, char *err, size_t cap)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) return pal_set_err(err, cap, "control socket path '%s' is too long", path), -1;
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return pal_set_err(err, cap, "socket: %s", strerror(errno)), -1;
    unlink(path);
    mode_t old = umask(077);
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc != 0 || listen(fd, 16) != 0) {
        int x = errno;
        close(fd);
        return pal_set_err(err, cap, "control socket %s: %s", path, strerror(x)), -1;
    }
    return fd;
}

/* ---- polling ---- */

enum { TAG_CTL = 1, TAG_CONN, TAG_UP, TAG_DNS, TAG_NFLOG, TAG_PIDFD };

size_t pal_enforcer_pollfds(pal_enforcer *e, struct pollfd *fds, size_t cap)
{
    size_t n = 0;
#define ADD(fd_) do { if (n < cap && (fd_) >= 0) { fds[n].fd = (fd_); fds[n].events = POLLIN; fds[n].revents = 0; n++; } } while (0)
    ADD(e->ctl_fd);
    ADD(e->note_fd);
    for (unsigned i = 0; i < PAL_ENF_MAX_CTL_CONNS; i++)
        if (e->conns[i]) ADD(e->conns[i]->fd);
    ADD(e->up_fd);
    for (unsigned i = 0; i < PAL_ENF_MAX_CONTAINERS; i++) {
        container *c = &e->cs[i];
        if (!c->used) continue;
        ADD(c->dns_fd);
        ADD(c->nflog_fd);
        ADD(c->pidfd);
    }
#undef ADD
    return n;
}

static bool ready(const struct pollfd *fds, size_t n, int fd)
{
    if (fd < 0) return false;
    for (size_t i = 0; i < n; i++)
        if (fds[i].fd == fd) return (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
    return false;
}

void pal_enforcer_handle(pal_enforcer *e, const struct pollfd *fds, size_t n)
{
    if (ready(fds, n, e->note_fd)) {
        uint64_t x;
        ssize_t r = read(e->note_fd, &x, sizeof x);
        (void)r;
    }
    if (ready(fds, n, e->ctl_fd)) {
        int fd = accept4(e->ctl_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd >= 0) {
            unsigned i = 0;
            while (i < PAL_ENF_MAX_CTL_CONNS && e->conns[i]) i++;
            ctlconn *cn = i < PAL_ENF_MAX_CTL_CONNS ? calloc(1, sizeof *cn) : NULL;
            if (!cn) close(fd);
            else { cn->fd = fd; e->conns[i] = cn; }
        }
    }
    for (unsigned i = 0; i < PAL_ENF_MAX_CTL_CONNS; i++)
        if (e->conns[i] && ready(fds, n, e->conns[i]->fd)) ctl_read(e, i);
    if (ready(fds, n, e->up_fd)) for (int k = 0; k < 64; k++) {
        int before = (int)e->st.dns_answers;
        dns_answer(e);
        if ((int)e->st.dns_answers == before) {
            unsigned char tmp[1];
            if (recv(e->up_fd, tmp, 1, MSG_PEEK | MSG_DONTWAIT) < 0) break;
        }
    }
    for (unsigned i = 0; i < PAL_ENF_MAX_CONTAINERS; i++) {
        container *c = &e->cs[i];
        if (!c->used) continue;
        if (ready(fds, n, c->dns_fd)) for (int k = 0; k < 64 && c->used && c->dns_fd >= 0; k++) {
            unsigned char tmp[1];
            if (recv(c->dns_fd, tmp, 1, MSG_PEEK | MSG_DONTWAIT) < 0) break;
            dns_query(e, (int)i);
        }
        if (c->used && ready(fds, n, c->nflog_fd)) nflog_read(e, (int)i);
        if (c->used && ready(fds, n, c->pidfd)) {
            /* the container's init ended: nothing left to enforce */
            char id[PAL_OCI_MAX_ID + 1];
            memcpy(id, c->c.id, sizeof id);
            c->stopped = true;
            release(e, c, false);
            logf_(e, "container %s ended", id);
        }
    }
}

/* ---- life ---- */

static int upstream_socket(const char *spec, char *err, size_t cap)
{
    char host[256];
    const char *colon = strrchr(spec, ':');
    if (!colon || (size_t)(colon - spec) >= sizeof host) return pal_set_err(err, cap, "--dns-upstream '%s': write ADDR:PORT", spec), -1;
    memcpy(host, spec, (size_t)(colon - spec));
    host[colon - spec] = 0;
    char *hb = host;
    if (hb[0] == '[') { hb++; size_t l = strlen(hb); if (l && hb[l - 1] == ']') hb[l - 1] = 0; }
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port <= 0 || port > 65535) return pal_set_err(err, cap, "--dns-upstream '%s': bad port", spec), -1;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t sl;
    int fam;
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, hb, &s4->sin_addr) == 1) { fam = AF_INET; s4->sin_family = AF_INET; s4->sin_port = htons((uint16_t)port); sl = sizeof *s4; }
    else if (inet_pton(AF_INET6, hb, &s6->sin6_addr) == 1) { fam = AF_INET6; s6->sin6_family = AF_INET6; s6->sin6_port = htons((uint16_t)port); sl = sizeof *s6; }
    else return pal_set_err(err, cap, "--dns-upstream '%s': not an IP address", spec), -1;
    int fd = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) != 0) {
        int x = errno;
        if (fd >= 0) close(fd);
        return pal_set_err(err, cap, "--dns-upstream %s: %s", spec, strerror(x)), -1;
    }
    return fd;
}

pal_enforcer *pal_enforcer_new(const pal_enforcer_opts *o, const pal_program *p, char *err, size_t cap)
{
    pal_enforcer *e = calloc(1, sizeof *e);
    if (!e) { pal_set_err(err, cap, "out of memory"); return NULL; }
    e->o = *o;
    if (!e->o.dns_port) e->o.dns_port = PAL_ENF_DEFAULT_DNS_PORT;
    if (!e->o.nflog_group) e->o.nflog_group = PAL_ENF_DEFAULT_NFLOG;
    if (e->o.unknown_effect != PE_PREVENT) e->o.unknown_effect = PE_ALERT;
    e->fan_fd = e->wake_fd = e->ctl_fd = e->up_fd = -1;
    e->note_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    pthread_mutex_init(&e->lock, NULL);
    pthread_cond_init(&e->cond, NULL);
    pal_strbuf_init(&e->out, PAL_ENF_MAX_OUTPUT * 2);
    pal_strbuf_init(&e->log, 2u << 20);
    e->cs = calloc(PAL_ENF_MAX_CONTAINERS, sizeof *e->cs);
    e->pend = calloc(PAL_ENF_DNS_PENDING, sizeof *e->pend);
    if (!e->cs || !e->pend) { pal_set_err(err, cap, "out of memory"); goto fail; }
    for (unsigned i = 0; i < PAL_ENF_MAX_CONTAINERS; i++)
        e->cs[i].pidfd = e->cs[i].netns_fd = e->cs[i].dns_fd = e->cs[i].nflog_fd = -1;
    e->host_netns_ino = ns_ino("/proc/self/ns/net");
    e->p = p;
    if (pal_decider_init(&e->dec, p, PAL_INPUT_ECS) != 0 || !(e->vm = pal_vm_new(p))) { pal_set_err(err, cap, "out of memory"); goto fail; }
    if (o->dns_upstream && (e->up_fd = upstream_socket(o->dns_upstream, err, cap)) < 0) goto fail;
    if (!o->no_exec) {
        e->fan_fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY | O_LARGEFILE | O_CLOEXEC);
        if (e->fan_fd < 0) { pal_set_err(err, cap, "fanotify_init: %s (exec enforcement needs CAP_SYS_ADMIN and CONFIG_FANOTIFY_ACCESS_PERMISSIONS)", strerror(errno)); goto fail; }
        e->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        e->exec_dec = calloc(1, sizeof *e->exec_dec);
        if (e->wake_fd < 0 || !e->exec_dec || pal_decider_init(e->exec_dec, p, PAL_INPUT_ECS) != 0) { pal_set_err(err, cap, "out of memory"); goto fail; }
        /* the thread answers with every signal blocked: the agent's signalfd sees them */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        int rc = pthread_create(&e->thr, NULL, exec_thread, e);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (rc != 0) { pal_set_err(err, cap, "cannot start the exec thread"); goto fail; }
        e->thr_running = true;
    }
    if (o->control_path && (e->ctl_fd = ctl_listen(o->control_path, err, cap)) < 0) goto fail;
    return e;
fail:
    pal_enforcer_free(e);
    return NULL;
}

void pal_enforcer_free(pal_enforcer *e)
{
    if (!e) return;
    if (e->cs)
        for (unsigned i = 0; i < PAL_ENF_MAX_CONTAINERS; i++)
            if (e->cs[i].used) release(e, &e->cs[i], true);
    if (e->thr_running) {
        pthread_mutex_lock(&e->lock);
        e->stop = true;
        pthread_mutex_unlock(&e->lock);
        uint64_t one = 1;
        ssize_t w = write(e->wake_fd, &one, sizeof one);
        (void)w;
        pthread_join(e->thr, NULL);
    }
    /* closing the group answers allow to anything still waiting */
    if (e->fan_fd >= 0) close(e->fan_fd);
    if (e->wake_fd >= 0) close(e->wake_fd);
    if (e->note_fd >= 0) close(e->note_fd);
    if (e->ctl_fd >= 0) { close(e->ctl_fd); if (e->o.control_path) unlink(e->o.control_path); }
    for (unsigned i = 0; i < PAL_ENF_MAX_CTL_CONNS; i++) if (e->conns[i]) ctl_close(e, i);
    if (e->up_fd >= 0) close(e->up_fd);
    if (e->exec_dec) { pal_decider_free(e->exec_dec); free(e->exec_dec); }
    if (e->dec.rt) pal_decider_free(&e->dec);
    if (e->vm) pal_vm_free(e->vm);
    pal_strbuf_free(&e->out);
    pal_strbuf_free(&e->log);
    free(e->cs);
    free(e->pend);
    pthread_mutex_destroy(&e->lock);
    pthread_cond_destroy(&e->cond);
    free(e);
}

int pal_enforcer_set_program(pal_enforcer *e, const pal_program *p)
{
    pal_decider nd;
    pal_vm *nvm = pal_vm_new(p);
    pal_decider *xd = e->thr_running ? calloc(1, sizeof *xd) : NULL;
    if (!nvm || pal_decider_init(&nd, p, PAL_INPUT_ECS) != 0 || (e->thr_running && (!xd || pal_decider_init(xd, p, PAL_INPUT_ECS) != 0))) {
        if (nvm) pal_vm_free(nvm);
        free(xd);
        return -1;
    }
    /* 1. the kernel tables, one transaction each */
    for (unsigned i = 0; i < PAL_ENF_MAX_CONTAINERS; i++) {
        container *c = &e->cs[i];
        if (!c->used || c->netns_fd < 0) continue;
        char err[2048];
        if (apply_table(e, c, p, nvm, err, sizeof err) != 0) logf_(e, "reload: %s (the container keeps its old table)", err);
    }
    /* 2. the exec thread's decider, taken between two events */
    if (e->thr_running) {
        pthread_mutex_lock(&e->lock);
        e->exec_pending = xd;
        uint64_t one = 1;
        ssize_t w = write(e->wake_fd, &one, sizeof one);
        (void)w;
        while (e->exec_pending) pthread_cond_wait(&e->cond, &e->lock);
        pal_decider *old = e->exec_retired;
        e->exec_retired = NULL;
        pthread_mutex_unlock(&e->lock);
        if (old) { pal_decider_free(old); free(old); }
    }
    /* 3. the loop's own */
    pal_decider_free(&e->dec);
    pal_vm_free(e->vm);
    e->dec = nd;
    e->vm = nvm;
    e->p = p;
    return 0;
}

void pal_enforcer_take_output(pal_enforcer *e, pal_strbuf *out)
{
    pthread_mutex_lock(&e->lock);
    if (e->out.len) { pal_strbuf_append(out, e->out.s, e->out.len); pal_strbuf_clear(&e->out); }
    pthread_mutex_unlock(&e->lock);
}

void pal_enforcer_take_log(pal_enforcer *e, pal_strbuf *out)
{
    pthread_mutex_lock(&e->lock);
    if (e->log.len) { pal_strbuf_append(out, e->log.s, e->log.len); pal_strbuf_clear(&e->log); }
    pthread_mutex_unlock(&e->lock);
}

void pal_enforcer_get_stats(pal_enforcer *e, pal_enforcer_stats *st)
{
    pthread_mutex_lock(&e->lock);
    *st = e->st;
    st->containers = 0;
    for (unsigned i = 0; i < PAL_ENF_MAX_CONTAINERS; i++) st->containers += e->cs[i].used;
    pthread_mutex_unlock(&e->lock);
}
