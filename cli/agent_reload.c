/*
 * agent_reload.c — watching the policy, and rebuilding it off to the side
 * (the design is in agent.h).
 *
 * Watching.  inotify on every directory of a policy tree, plus the parent
 * directory for the policy's own name, because deployments replace a
 * policy by renaming a new one over it (`palisade build` does, so does a
 * symlink swap): a watch on the old inode would never hear of the new one.
 * A bundle is watched only through its parent directory, for writes that
 * are finished (close after write, rename into place) — never for a file
 * still being written.  Watches use IN_MASK_ADD so the followed file may
 * live in the same directory as the policy.
 *
 * Rebuilding.  A child process does the slow, risky part — parse and
 * compile a whole repo, or read a 256 MiB file — and writes one message to
 * a pipe: 'B' and the bundle bytes, or 'E' and why not.  The child is the
 * agent's own binary exec'ed afresh (`palisade __reload-child`, its stdout
 * the pipe), not a bare fork: the agent has worker, writer and lookup
 * threads, and a fork keeps whatever lock one of them held at that moment
 * (an allocator's, stdio's) locked forever in the child — a compile after a
 * bare fork could hang (it did, under ASan with --threads 4).  Between fork
 * and exec the child only calls async-signal-safe functions.  The
 * compiler's diagnostics go to the agent's stderr straight from the child.
 * The parent trusts nothing it reads from the pipe: the bytes go through
 * pal_bundle_open, exactly as a file would.
 */
#include "cli/agent.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/policy.h"
#include "engine/base/limits.h"
#include "engine/runtime/index.h"
#include "lang/compile/palc.h"
#include "lang/compile/snapshot.h"

/* What a reload child may send: a tag byte, then a bundle (with trailer). */
#define RELOAD_MAX_MESSAGE (1u + PAL_MAX_BUNDLE_BYTES + PAL_SIG_TRAILER_BYTES)

#define TREE_EVENTS (IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF)
#define NAME_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM)
#define BUNDLE_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO)
#define FOLLOW_EVENTS (IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM)

long long agent_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

/* dir and base of a path ("a/b/" -> "a", "b"; "b" -> ".", "b") */
static void split_path(const char *path, char *dir, size_t dcap, char *base, size_t bcap)
{
    char tmp[PATH_MAX];
    copy_str(tmp, sizeof tmp, path);
    size_t n = strlen(tmp);
    while (n > 1 && tmp[n - 1] == '/') tmp[--n] = 0;
    char *slash = strrchr(tmp, '/');
    if (!slash) { copy_str(dir, dcap, "."); copy_str(base, bcap, tmp); }
    else if (slash == tmp) { copy_str(dir, dcap, "/"); copy_str(base, bcap, slash + 1); }
    else { *slash = 0; copy_str(dir, dcap, tmp); copy_str(base, bcap, slash + 1); }
}

static void add_watch(agent_policy *ap, const char *dir, uint32_t mask, int role, const char *name)
{
    if (ap->inotify_fd < 0) return;
    if (ap->nwatches >= AGENT_MAX_WATCHES) {
        if (!ap->watch_overflow_reported)
            fprintf(stderr, "palisade agent: more than %u directories to watch; changes under the rest are seen on SIGHUP only\n",
                    AGENT_MAX_WATCHES);
        ap->watch_overflow_reported = true;
        return;
    }
    int wd = inotify_add_watch(ap->inotify_fd, dir, mask | IN_MASK_ADD);
    if (wd < 0) return;   /* gone already, or no permission: nothing to hear */
    for (size_t i = 0; i < ap->nwatches; i++)
        if (ap->watches[i].wd == wd && ap->watches[i].role == role &&
            (!name || (ap->watches[i].name && !strcmp(ap->watches[i].name, name))))
            return;
    if (ap->nwatches == ap->cap_watches) {
        size_t cap = ap->cap_watches ? ap->cap_watches * 2 : 16;
        agent_watch *nw = realloc(ap->watches, cap * sizeof *nw);
        if (!nw) return;
        ap->watches = nw;
        ap->cap_watches = cap;
    }
    char *copy = name ? strdup(name) : NULL;
    if (name && !copy) return;
    ap->watches[ap->nwatches++] = (agent_watch){wd, role, copy};
}

static void watch_tree(agent_policy *ap, const char *dir, int depth)
{
    if (depth > 32) return;
    add_watch(ap, dir, TREE_EVENTS, AGENT_WATCH_TREE, NULL);
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;   /* ., .., .git, hidden: not compiled either */
        char sub[PATH_MAX];
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) >= sizeof sub) continue;
        struct stat st;
        if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) watch_tree(ap, sub, depth + 1);
    }
    closedir(d);
}

void agent_policy_watch(agent_policy *ap)
{
    if (!ap->path || ap->inotify_fd < 0) return;
    char dir[PATH_MAX], base[NAME_MAX + 1];
    split_path(ap->path, dir, sizeof dir, base, sizeof base);
    if (ap->is_bundle) {
        add_watch(ap, dir, BUNDLE_EVENTS, AGENT_WATCH_POLICY_NAME, base);
    } else {
        add_watch(ap, dir, NAME_EVENTS, AGENT_WATCH_POLICY_NAME, base);
        watch_tree(ap, ap->path, 0);
    }
}

int agent_watch_follow(agent_policy *ap, const char *path)
{
    char dir[PATH_MAX], base[NAME_MAX + 1];
    split_path(path, dir, sizeof dir, base, sizeof base);
    size_t before = ap->nwatches;
    add_watch(ap, dir, FOLLOW_EVENTS, AGENT_WATCH_FOLLOW_NAME, base);
    return ap->nwatches > before ? 0 : -1;
}

int agent_policy_init(agent_policy *ap, const char *path, const pal_pubkey *trusted, int inotify_fd,
                      char *err, size_t cap)
{
    memset(ap, 0, sizeof *ap);
    ap->path = path;
    ap->trusted = trusted;
    ap->inotify_fd = inotify_fd;
    ap->pipe_fd = -1;
    if (!path) return 0;
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, cap, "%s: %s", path, strerror(errno));
        return -1;
    }
    ap->is_bundle = cli_is_bundle(path);
    if (trusted && !ap->is_bundle) {
        snprintf(err, cap, "%s: --verify-key needs a signed bundle, and this is a policy source; build one with "
                 "'palisade build DIR -o BUNDLE --sign KEY'", path);
        return -1;
    }
    agent_policy_watch(ap);
    return 0;
}

void agent_policy_free(agent_policy *ap)
{
    agent_reload_cancel(ap);
    for (size_t i = 0; i < ap->nwatches; i++) free(ap->watches[i].name);
    free(ap->watches);
    free(ap->buf);
    ap->watches = NULL;
    ap->buf = NULL;
}

static bool ignorable_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] == '.' || (n && name[n - 1] == '~');   /* hidden files, editor backups and swap files */
}

void agent_watch_read(agent_policy *ap, bool *policy_changed, bool *follow_changed)
{
    if (ap->inotify_fd < 0) return;
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t n = read(ap->inotify_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            p += sizeof *ev + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) { *policy_changed = *follow_changed = true; continue; }
            const char *name = ev->len ? ev->name : "";
            for (size_t i = 0; i < ap->nwatches; i++) {
                agent_watch *w = &ap->watches[i];
                if (w->wd != ev->wd) continue;
                switch (w->role) {
                case AGENT_WATCH_TREE:
                    if ((ev->mask & (TREE_EVENTS | IN_IGNORED)) && !(ev->len && ignorable_name(name)))
                        *policy_changed = true;
                    break;
                case AGENT_WATCH_POLICY_NAME:
                    if ((ev->mask & (ap->is_bundle ? BUNDLE_EVENTS : NAME_EVENTS)) && !strcmp(name, w->name))
                        *policy_changed = true;
                    break;
                case AGENT_WATCH_FOLLOW_NAME:
                    if (!strcmp(name, w->name) || (ev->mask & IN_IGNORED)) *follow_changed = true;
                    break;
                }
            }
            if (ev->mask & IN_IGNORED) {   /* the directory went away: forget its watches */
                size_t k = 0;
                for (size_t i = 0; i < ap->nwatches; i++) {
                    if (ap->watches[i].wd == ev->wd) free(ap->watches[i].name);
                    else ap->watches[k++] = ap->watches[i];
                }
                ap->nwatches = k;
            }
        }
    }
}

/* ---- the reload child ---- */

static int write_all(int fd, const void *buf, size_t len)
{
    const unsigned char *b = buf;
    while (len) {
        ssize_t n = write(fd, b, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        b += n;
        len -= (size_t)n;
    }
    return 0;
}

static void child_fail(int fd, const char *fmt, const char *a, const char *b)
{
    char msg[1024];
    msg[0] = 'E';
    snprintf(msg + 1, sizeof msg - 1, fmt, a, b);
    write_all(fd, msg, strlen(msg));
    _exit(1);
}

/* Closes every inherited descriptor but stdio and the pipe: a client
   connection must see its EOF when the agent closes it, not when a reload
   child happens to exit. */
static void close_inherited(int keep)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) return;
    int dfd = dirfd(d);
    int fds[1024], n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 1024) {
        int fd = atoi(e->d_name);
        if (e->d_name[0] != '.' && fd > 2 && fd != keep && fd != dfd) fds[n++] = fd;
    }
    closedir(d);
    for (int i = 0; i < n; i++) close(fds[i]);
}

static void child_main(const char *path, bool is_bundle, unsigned settle_ms, int fd)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGIO, SIG_IGN);   /* a writer breaking the snapshot's probe lease (lang/compile/snapshot.h) */
    close_inherited(fd);
    char err[1024];
    pal_snapshot_opts so = {0};
    so.settle_ms = settle_ms;
    so.max_wait_ms = AGENT_SNAPSHOT_WAIT_MS;
    so.probe_writers = true;
    so.diag_out = stderr;
    char prefix[4200];   /* files named as the user can open them, as build names them */
    struct stat pst;
    pal_diag_repo_prefix(path, stat(path, &pst) == 0 && S_ISREG(pst.st_mode), prefix, sizeof prefix);
    so.diag_prefix = prefix;
    if (is_bundle) {
        unsigned char *buf;
        size_t len;
        if (pal_read_file_snapshot(path, PAL_MAX_BUNDLE_BYTES + PAL_SIG_TRAILER_BYTES, &so, &buf, &len, NULL, err,
                                   sizeof err))
            child_fail(fd, "%s%s", err, "");
        if (write_all(fd, "B", 1) || write_all(fd, buf, len)) _exit(1);
        _exit(0);
    }
    pal_compile_opts o = {0};
    o.revision = "";
    unsigned errors = 0, warnings = 0;
    pal_program *p = pal_compile_snapshot(path, &o, &so, &errors, &warnings, NULL, err, sizeof err);
    if (!p && !errors) child_fail(fd, "%s%s", err, "");
    if (!p) {
        snprintf(err, sizeof err, "%u error%s", errors, errors == 1 ? "" : "s");
        child_fail(fd, "%s: does not compile (%s, above)", path, err);
    }
    char rev[512];
    cli_directory_revision(path, p, rev, sizeof rev);
    (void)pal_index_attach_hints(p);   /* so the agent proves the index instead of searching (index.h) */
    unsigned char *buf;
    size_t len;
    if (pal_bundle_write_rev(p, rev, &buf, &len) != 0)
        child_fail(fd, "%s: the compiled program cannot be written as a bundle (over %s bytes?)", path, "256 MiB");
    if (write_all(fd, "B", 1) || write_all(fd, buf, len)) _exit(1);
    _exit(0);
}

/* `palisade __reload-child PATH SETTLE_MS bundle|tree`, exec'ed by
   agent_reload_start with the pipe as stdout: never returns. */
int agent_reload_child(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[3], "bundle") && strcmp(argv[3], "tree"))) {
        fprintf(stderr, "palisade __reload-child: for the agent's own use (PATH SETTLE_MS bundle|tree)\n");
        _exit(2);
    }
    child_main(argv[1], !strcmp(argv[3], "bundle"), (unsigned)strtoul(argv[2], NULL, 10), STDOUT_FILENO);
    _exit(1);
}

int agent_reload_start(agent_policy *ap, char *err, size_t cap)
{
    if (ap->child) return 0;
    /* directories made since the last look are watched before the child
       reads them: a change after this is heard, one before it is compiled */
    agent_policy_watch(ap);
    /* everything the child needs is made before the fork: after it, only
       async-signal-safe calls until exec */
    char settle[24];
    snprintf(settle, sizeof settle, "%u", ap->settle_ms);
    char *argv[] = {"palisade", "__reload-child", (char *)ap->path, settle, ap->is_bundle ? "bundle" : "tree", NULL};
    static const char exec_failed[] = "Ecannot start a reload: exec /proc/self/exe failed";
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(err, cap, "cannot start a reload: pipe: %s", strerror(errno));
        return -1;
    }
    fflush(NULL);   /* nothing buffered may be written twice */
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, cap, "cannot start a reload: fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        /* dup2's copy does not carry O_CLOEXEC: the pipe survives exec as stdout */
        if (dup2(fds[1], STDOUT_FILENO) >= 0) execv("/proc/self/exe", argv);
        ssize_t w = write(fds[1], exec_failed, sizeof exec_failed - 1);
        (void)w;
        _exit(127);
    }
    close(fds[1]);
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    ap->child = pid;
    ap->pipe_fd = fds[0];
    ap->len = 0;
    ap->too_big = false;
    ap->started_ms = agent_now_ms();
    return 0;
}

void agent_reload_cancel(agent_policy *ap)
{
    if (!ap->child) return;
    kill(ap->child, SIGKILL);
    while (waitpid(ap->child, NULL, 0) < 0 && errno == EINTR) {}
    ap->child = 0;
    if (ap->pipe_fd >= 0) close(ap->pipe_fd);
    ap->pipe_fd = -1;
    ap->len = 0;
}

static void describe_status(int status, char *out, size_t cap)
{
    if (WIFSIGNALED(status)) snprintf(out, cap, "was killed by signal %d", WTERMSIG(status));
    else snprintf(out, cap, "exited with status %d", WEXITSTATUS(status));
}

int agent_reload_read(agent_policy *ap, pal_program **out, pal_bundle_sig *sig, char *err, size_t cap)
{
    *out = NULL;
    for (;;) {
        if (ap->cap - ap->len < 65536) {
            size_t ncap = ap->cap ? ap->cap * 2 : 262144;
            if (ncap > (size_t)RELOAD_MAX_MESSAGE + 1) ncap = (size_t)RELOAD_MAX_MESSAGE + 1;
            if (ncap <= ap->cap) { ap->too_big = true; ap->len = 0; }   /* keep draining, keep nothing */
            else {
                unsigned char *nb = realloc(ap->buf, ncap);
                if (!nb) { ap->too_big = true; ap->len = 0; }
                else { ap->buf = nb; ap->cap = ncap; }
            }
        }
        ssize_t n = read(ap->pipe_fd, ap->buf + ap->len, ap->cap - ap->len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
        if (n <= 0) break;
        ap->len += (size_t)n;
        if (ap->len > RELOAD_MAX_MESSAGE) { ap->too_big = true; ap->len = 0; }
    }
    close(ap->pipe_fd);
    ap->pipe_fd = -1;
    int status = 0;
    while (waitpid(ap->child, &status, 0) < 0 && errno == EINTR) {}
    ap->child = 0;
    size_t len = ap->len;
    ap->len = 0;
    const char *what = ap->path;
    if (ap->too_big) {
        snprintf(err, cap, "%s: larger than a bundle may be (%u bytes)", what, PAL_MAX_BUNDLE_BYTES);
        return -1;
    }
    if (len > 0 && ap->buf[0] == 'E') {
        snprintf(err, cap, "%.*s", (int)(len - 1 > 2000 ? 2000 : len - 1), (const char *)ap->buf + 1);
        return -1;
    }
    if (len == 0 || ap->buf[0] != 'B' || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char st[64];
        describe_status(status, st, sizeof st);
        snprintf(err, cap, "%s: the reload process %s before it finished", what, st);
        return -1;
    }
    char why[768];
    if (pal_bundle_open(ap->buf + 1, len - 1, ap->trusted, sig, out, why, sizeof why) != 0) {
        snprintf(err, cap, "%s: %s", what, why);
        return -1;
    }
    /* a large bundle's buffer is not kept between reloads */
    if (ap->cap > (4u << 20)) { free(ap->buf); ap->buf = NULL; ap->cap = 0; }
    return 1;
}

int agent_reload_wait(agent_policy *ap, pal_program **out, pal_bundle_sig *sig, char *err, size_t cap)
{
    if (agent_reload_start(ap, err, cap) != 0) return -1;
    for (;;) {
        struct pollfd pfd = {ap->pipe_fd, POLLIN, 0};
        long long left = ap->started_ms + AGENT_RELOAD_TIMEOUT_MS - agent_now_ms();
        if (left <= 0) {
            agent_reload_cancel(ap);
            snprintf(err, cap, "%s: loading took longer than %d s", ap->path, AGENT_RELOAD_TIMEOUT_MS / 1000);
            return -1;
        }
        int r = poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
        if (r < 0 && errno != EINTR) { agent_reload_cancel(ap); snprintf(err, cap, "poll: %s", strerror(errno)); return -1; }
        if (r <= 0) continue;
        int rc = agent_reload_read(ap, out, sig, err, cap);
        if (rc != 0) return rc > 0 ? 0 : -1;
    }
}
