/*
 * snapshot.c — compiling a policy repo from a consistent snapshot (design
 * in snapshot.h).
 *
 * The walk is the compiler's (lang/compile/driver.c: pal_list_files for
 * ".pal", depth 32, at most PAL_MAX_FILES + 1, sorted).  Feeds are read
 * when the compiler asks, by the rules of pal_read_from_dir (regular files
 * up to PAL_MAX_FEED_BYTES + 1 bytes), and become part of the snapshot.
 * The reads are this module's own, not pal_read_file's: the identity and
 * times must be those of the descriptor the bytes came from.
 */
#include "lang/compile/snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "engine/base/fileio.h"
#include "engine/base/limits.h"
#include "lang/syntax/diag.h"

enum { DEFAULT_MAX_WAIT_MS = 60000, MAX_DEPTH = 32 };

typedef struct snap_file {
    char *rel;
    char *data;              /* NUL-terminated */
    size_t len;
    bool missing;            /* not a readable regular file (the compiler was told so) */
    bool too_large;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtim, ctim;
} snap_file;

typedef struct snap {
    char root[4096];
    size_t max_bytes;
    const pal_snapshot_opts *so;
    bool single;             /* the repo is one named .pal file */
    snap_file *f;
    size_t n, cap;
    pal_pathlist pal;        /* the .pal files, sorted */
    char walk_err[512];      /* the tree could not be listed */
    bool unstable;
    char why[512];
    long long settle_until_ms;   /* realtime: when the latest change read will be settle_ms old */
    char *diag;              /* the attempt's diagnostics, printed */
    size_t diaglen;
    FILE *diagf;
} snap;

static long long realtime_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long ts_ms(struct timespec t)
{
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sleep_ms(long long ms)
{
    if (ms <= 0) return;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

__attribute__((format(printf, 2, 3)))
static void set_unstable(snap *s, const char *fmt, ...)
{
    if (s->unstable) return;   /* the first reason is the one worth telling */
    s->unstable = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->why, sizeof s->why, fmt, ap);
    va_end(ap);
}

static void snap_reset(snap *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->f[i].rel);
        free(s->f[i].data);
    }
    pal_pathlist_free(&s->pal);
    s->n = 0;
    s->walk_err[0] = 0;
    s->unstable = false;
    s->why[0] = 0;
    s->settle_until_ms = 0;
    if (s->diagf) fclose(s->diagf);
    free(s->diag);
    s->diag = NULL;
    s->diaglen = 0;
    s->diagf = open_memstream(&s->diag, &s->diaglen);
}

static void snap_free(snap *s)
{
    snap_reset(s);
    if (s->diagf) fclose(s->diagf);
    free(s->diag);
    free(s->f);
}

/* root/rel; a lone file (pal_read_file_snapshot) has no root: rel is its path */
static int full_path(const snap *s, const char *rel, char *out, size_t cap)
{
    int n = s->root[0] ? snprintf(out, cap, "%s/%s", s->root, rel) : snprintf(out, cap, "%s", rel);
    return n >= 0 && (size_t)n < cap ? 0 : -1;
}

/* Is anyone writing the file?  A read lease is refused (EAGAIN) exactly
   when some process has it open for writing; other refusals (not the
   owner, a filesystem without leases) tell nothing. */
static void probe_writer(snap *s, int fd, const char *rel)
{
    if (!s->so->probe_writers) return;
    if (fcntl(fd, F_SETLEASE, F_RDLCK) == 0) fcntl(fd, F_SETLEASE, F_UNLCK);
    else if (errno == EAGAIN) set_unstable(s, "%s is open for writing", rel);
}

static void check_settled(snap *s, const char *rel, const struct stat *st)
{
    if (!s->so->settle_ms) return;
    long long changed = ts_ms(st->st_mtim) > ts_ms(st->st_ctim) ? ts_ms(st->st_mtim) : ts_ms(st->st_ctim);
    long long now = realtime_ms();
    /* a time in the future (clock skew, touch -d) is no sign of a writer at work */
    if (changed > now || now - changed >= (long long)s->so->settle_ms) return;
    set_unstable(s, "%s changed %lld ms ago", rel, now - changed);
    if (changed + s->so->settle_ms > s->settle_until_ms) s->settle_until_ms = changed + s->so->settle_ms;
}

/* Reads rel into f (first pass). */
static void read_into(snap *s, const char *rel, snap_file *f)
{
    char path[8192];
    f->missing = true;
    if (full_path(s, rel, path, sizeof path) != 0) return;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) { close(fd); return; }
    f->missing = false;
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    f->size = st.st_size;
    f->mtim = st.st_mtim;
    f->ctim = st.st_ctim;
    probe_writer(s, fd, rel);
    check_settled(s, rel, &st);
    if ((size_t)st.st_size > s->max_bytes) { f->too_large = true; close(fd); return; }
    size_t want = (size_t)st.st_size;
    f->data = malloc(want + 2);
    if (!f->data) { f->missing = true; close(fd); return; }
    size_t got = 0;
    for (;;) {   /* one byte more than the size: a file that grew is caught here */
        ssize_t r = read(fd, f->data + got, want + 1 - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
        if (got == want + 1) break;
    }
    close(fd);
    if (got != want) set_unstable(s, "%s changed while it was read", rel);
    f->len = got > want ? want : got;
    f->data[f->len] = 0;
}

static snap_file *add_file(snap *s, const char *rel)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        snap_file *nf = realloc(s->f, cap * sizeof *nf);
        if (!nf) return NULL;
        s->f = nf;
        s->cap = cap;
    }
    snap_file *f = &s->f[s->n];
    memset(f, 0, sizeof *f);
    if (!(f->rel = strdup(rel))) return NULL;
    s->n++;
    read_into(s, rel, f);
    return f;
}

/* The compiler's reader: from the snapshot, adding what it has not read yet. */
static int snap_read(void *user, const char *relpath, char **data, size_t *len)
{
    snap *s = user;
    snap_file *f = NULL;
    for (size_t i = 0; i < s->n && !f; i++)
        if (!strcmp(s->f[i].rel, relpath)) f = &s->f[i];
    if (!f && !(f = add_file(s, relpath))) return -1;
    if (f->missing || f->too_large || !f->data) return -1;
    char *copy = malloc(f->len + 1);
    if (!copy) return -1;
    memcpy(copy, f->data, f->len + 1);
    *data = copy;
    *len = f->len;
    return 0;
}

static void walk(snap *s, pal_pathlist *out)
{
    static const char *const pal_suffix[] = {".pal", NULL};
    if (pal_list_files(s->root, pal_suffix, MAX_DEPTH, PAL_MAX_FILES + 1, out, s->walk_err, sizeof s->walk_err) != 0 &&
        !s->walk_err[0])
        snprintf(s->walk_err, sizeof s->walk_err, "the directory cannot be listed");
}

/* Second pass: the file is what it was when first read. */
static void verify_file(snap *s, const snap_file *f)
{
    char path[8192];
    if (full_path(s, f->rel, path, sizeof path) != 0) return;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct stat st;
    bool regular = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (!regular) {
        if (fd >= 0) close(fd);
        if (!f->missing) set_unstable(s, "%s went away while the policy was read", f->rel);
        return;
    }
    if (f->missing) { close(fd); set_unstable(s, "%s appeared while the policy was read", f->rel); return; }
    if (st.st_dev != f->dev || st.st_ino != f->ino || st.st_size != f->size ||
        st.st_mtim.tv_sec != f->mtim.tv_sec || st.st_mtim.tv_nsec != f->mtim.tv_nsec ||
        st.st_ctim.tv_sec != f->ctim.tv_sec || st.st_ctim.tv_nsec != f->ctim.tv_nsec) {
        close(fd);
        set_unstable(s, "%s changed while the policy was read", f->rel);
        return;
    }
    probe_writer(s, fd, f->rel);
    if (f->too_large) { close(fd); return; }
    char buf[65536];
    size_t off = 0;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        if (off + (size_t)r > f->len || memcmp(f->data + off, buf, (size_t)r)) {
            close(fd);
            set_unstable(s, "%s changed while the policy was read", f->rel);
            return;
        }
        off += (size_t)r;
    }
    close(fd);
    if (off != f->len) set_unstable(s, "%s changed while the policy was read", f->rel);
}

static void verify(snap *s)
{
    /* the same .pal files (a single file named by the caller: nothing to list) */
    if (!s->single) {
        pal_pathlist again = {0};
        walk(s, &again);
        bool same = again.n == s->pal.n && again.truncated == s->pal.truncated;
        for (size_t i = 0; same && i < again.n; i++) same = !strcmp(again.v[i], s->pal.v[i]);
        if (!same) set_unstable(s, "files were added or removed while the policy was read");
        pal_pathlist_free(&again);
    }
    for (size_t i = 0; i < s->n && !s->unstable; i++) verify_file(s, &s->f[i]);
}

static void buffer_diag(const pal_diagnostic *d, void *user)
{
    snap *s = user;
    pal_diag_shown shown = {s->diagf, s->so->diag_prefix};
    if (s->diagf) pal_diag_print_shown(d, &shown);
}

/* The wait before the next attempt: until the latest change is settled,
   or a short back-off. */
static long long next_wait(const snap *s, unsigned attempt)
{
    long long w = s->settle_until_ms - realtime_ms();
    if (w < 5) w = attempt < 10 ? 10 * (long long)attempt : 100;
    return w > 1000 ? 1000 : w;
}

static void fail_unstable(const snap *s, const char *what, unsigned waited, char *err, size_t errcap)
{
    snprintf(err, errcap, "%s kept changing while it was read for %u ms (%s); not loaded — a later change or "
             "SIGHUP tries again", what, waited, s->why);
}

pal_program *pal_compile_snapshot(const char *dir, const pal_compile_opts *o, const pal_snapshot_opts *so,
                                  unsigned *nerrors, unsigned *nwarnings, pal_snapshot_result *res, char *err,
                                  size_t errcap)
{
    pal_snapshot_result scratch;
    if (!res) res = &scratch;
    memset(res, 0, sizeof *res);
    if (nerrors) *nerrors = 0;
    if (nwarnings) *nwarnings = 0;
    err[0] = 0;
    snap s;
    memset(&s, 0, sizeof s);
    s.so = so;
    s.max_bytes = (size_t)PAL_MAX_FEED_BYTES + 1;
    FILE *out = so->diag_out ? so->diag_out : stderr;
    unsigned max_wait = so->max_wait_ms ? so->max_wait_ms : DEFAULT_MAX_WAIT_MS;

    struct stat st;
    const char *single = NULL;   /* the one .pal file dir names */
    if (stat(dir, &st) != 0) {
        pal_diags quick = {pal_diag_print, out, 0, 0, 0, NULL, 0};
        pal_diag_file(&quick, "PAL0001", dir, "%s", strerror(errno));
        if (nerrors) *nerrors = 1;
        return NULL;
    }
    if (S_ISREG(st.st_mode)) {
        snprintf(s.root, sizeof s.root, "%s", dir);
        char *slash = strrchr(s.root, '/');
        single = slash ? dir + (slash - s.root) + 1 : dir;
        if (slash) *slash = 0;
        else snprintf(s.root, sizeof s.root, ".");
    } else {
        snprintf(s.root, sizeof s.root, "%s", dir);
    }

    long long start = monotonic_ms();
    for (unsigned attempt = 1;; attempt++) {
        snap_reset(&s);
        res->attempts = attempt;
        s.single = single != NULL;
        if (single) {
            s.pal.v = malloc(sizeof *s.pal.v);
            if (s.pal.v && (s.pal.v[0] = strdup(single))) s.pal.n = s.pal.cap = 1;
        } else {
            walk(&s, &s.pal);
        }
        for (size_t i = 0; i < s.pal.n && !s.unstable; i++) add_file(&s, s.pal.v[i]);
        pal_program *p = NULL;
        unsigned ne = 0, nw = 0;
        if (!s.unstable) {
            if (s.walk_err[0] || s.pal.n == 0) {
                pal_diags quick = {buffer_diag, &s, 0, 0, 0, NULL, 0};
                if (s.walk_err[0]) pal_diag_file(&quick, "PAL0001", dir, "%s", s.walk_err);
                else pal_diag_file(&quick, "PAL0001", dir, "no .pal files here");
                ne = 1;
            } else {
                pal_compile_opts opts = o ? *o : (pal_compile_opts){0};
                opts.read = snap_read;
                opts.read_user = &s;
                opts.diag = buffer_diag;
                opts.diag_user = &s;
                p = pal_compile((const char *const *)s.pal.v, s.pal.n, &opts, &ne, &nw);
            }
            if (!s.unstable) verify(&s);
        }
        if (!s.unstable) {
            if (s.diagf) fflush(s.diagf);
            if (s.diaglen) fwrite(s.diag, 1, s.diaglen, out);
            fflush(out);
            res->files = (unsigned)s.n;
            if (nerrors) *nerrors = ne;
            if (nwarnings) *nwarnings = nw;
            snap_free(&s);
            return p;
        }
        pal_program_free(p);
        snprintf(res->unstable, sizeof res->unstable, "%s", s.why);
        long long waited = monotonic_ms() - start;
        if (waited >= max_wait) {
            fail_unstable(&s, dir, (unsigned)waited, err, errcap);
            snap_free(&s);
            return NULL;
        }
        long long w = next_wait(&s, attempt);
        if (w > max_wait - waited) w = max_wait - waited;
        sleep_ms(w);
    }
}

int pal_read_file_snapshot(const char *path, size_t max_bytes, const pal_snapshot_opts *so, unsigned char **data,
                           size_t *len, pal_snapshot_result *res, char *err, size_t errcap)
{
    pal_snapshot_result scratch;
    if (!res) res = &scratch;
    memset(res, 0, sizeof *res);
    err[0] = 0;
    snap s;
    memset(&s, 0, sizeof s);
    s.so = so;
    s.max_bytes = max_bytes;
    unsigned max_wait = so->max_wait_ms ? so->max_wait_ms : DEFAULT_MAX_WAIT_MS;
    long long start = monotonic_ms();
    for (unsigned attempt = 1;; attempt++) {
        snap_reset(&s);
        res->attempts = attempt;
        s.root[0] = 0;
        snap_file *f = add_file(&s, path);
        if (!f) { snprintf(err, errcap, "%s: out of memory", path); snap_free(&s); return -1; }
        if (f->missing) {
            snprintf(err, errcap, "%s: %s", path, "cannot read it (missing, or not a regular file)");
            snap_free(&s);
            return -1;
        }
        if (f->too_large) {
            snprintf(err, errcap, "%s: larger than %zu bytes", path, max_bytes);
            snap_free(&s);
            return -1;
        }
        if (!s.unstable) verify_file(&s, f);
        if (!s.unstable) {
            *data = (unsigned char *)f->data;
            *len = f->len;
            f->data = NULL;
            res->files = 1;
            snap_free(&s);
            return 0;
        }
        snprintf(res->unstable, sizeof res->unstable, "%s", s.why);
        long long waited = monotonic_ms() - start;
        if (waited >= max_wait) {
            fail_unstable(&s, path, (unsigned)waited, err, errcap);
            snap_free(&s);
            return -1;
        }
        long long w = next_wait(&s, attempt);
        if (w > max_wait - waited) w = max_wait - waited;
        sleep_ms(w);
    }
}
