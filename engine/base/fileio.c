/* fileio.c — see fileio.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "engine/base/err.h"
#include "engine/base/fileio.h"

static int read_all(int fd, const char *name, size_t max, const struct stat *st, char **data, size_t *len,
                    char *err, size_t errcap)
{
    /* A regular file is read into one buffer of its size (plus one byte to
       see it grew); anything else grows geometrically up to max + 1. */
    bool regular = S_ISREG(st->st_mode);
    size_t cap = regular ? (size_t)st->st_size + 2 : 65536;
    if (cap > max + 2) cap = max + 2;
    char *buf = malloc(cap);
    if (!buf) return pal_set_err(err, errcap, "%s: out of memory", name);
    size_t n = 0;
    for (;;) {
        if (n + 1 >= cap) {
            if (cap >= max + 2) break;
            size_t ncap = cap * 2 > max + 2 ? max + 2 : cap * 2;
            char *nb = realloc(buf, ncap);
            if (!nb) { free(buf); return pal_set_err(err, errcap, "%s: out of memory", name); }
            buf = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            return pal_set_err(err, errcap, "%s: cannot read: %s", name, strerror(e));
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    if (n > max) {
        free(buf);
        pal_set_err(err, errcap, "%s: larger than the limit of %zu bytes", name, max);
        return PAL_READ_TOO_LARGE;
    }
    buf[n] = 0;
    *data = buf;
    *len = n;
    return PAL_READ_OK;
}

static int read_open_fd(int fd, const char *name, size_t max, char **data, size_t *len, char *err, size_t errcap)
{
    struct stat st;
    if (fstat(fd, &st) != 0) return pal_set_err(err, errcap, "%s: %s", name, strerror(errno));
    if (S_ISDIR(st.st_mode)) return pal_set_err(err, errcap, "%s: is a directory, not a file", name);
    if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > (uintmax_t)max) {
        pal_set_err(err, errcap, "%s: %jd bytes is larger than the limit of %zu bytes", name,
                    (intmax_t)st.st_size, max);
        return PAL_READ_TOO_LARGE;
    }
    return read_all(fd, name, max, &st, data, len, err, errcap);
}

int pal_read_fd(int fd, const char *name, size_t max, char **data, size_t *len, char *err, size_t errcap)
{
    *data = NULL;
    *len = 0;
    return read_open_fd(fd, name, max, data, len, err, errcap);
}

int pal_read_file(const char *path, size_t max, char **data, size_t *len, char *err, size_t errcap)
{
    *data = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        /* the C library's words, as every command prints them: "PATH: No such file or directory" */
        return pal_set_err(err, errcap, "%s: %s", path, strerror(errno));
    }
    int rc = read_open_fd(fd, path, max, data, len, err, errcap);
    close(fd);
    return rc;
}

int pal_read_path_or_stdin(const char *path, size_t max, char **data, size_t *len, char *err, size_t errcap)
{
    if (!strcmp(path, "-")) return pal_read_fd(STDIN_FILENO, "standard input", max, data, len, err, errcap);
    return pal_read_file(path, max, data, len, err, errcap);
}

/* ---- atomic writes ---- */

/* rename(2) replaces whatever has the name: a device, a FIFO, a socket
   (as root, `-o /dev/null` once replaced /dev/null with a regular file).
   Only a regular file, or nothing, is replaced; a link is followed to see
   what it names.  Checked when a write begins and again before the rename. */
static int refuse_non_regular(const char *path, char *err, size_t errcap)
{
    struct stat st;
    if (stat(path, &st) != 0 || S_ISREG(st.st_mode)) return 0;
    const char *what = S_ISDIR(st.st_mode) ? "a directory" : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                     : S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISSOCK(st.st_mode) ? "a socket" : "not a file";
    return pal_set_err(err, errcap, "%s: not a regular file (%s): not replaced; write to a file", path, what);
}

int pal_atomic_begin(pal_atomic *w, const char *path, int mode, char *err, size_t errcap)
{
    memset(w, 0, sizeof *w);
    if (refuse_non_regular(path, err, errcap) != 0) return -1;
    size_t n = strlen(path);
    w->path = strdup(path);
    w->tmp = malloc(n + 16);
    if (!w->path || !w->tmp) {
        free(w->path);
        free(w->tmp);
        return pal_set_err(err, errcap, "%s: out of memory", path);
    }
    /* beside the target, so the rename stays on one file system, and hidden
       (".NAME.tmp-XXXXXX"), so a policy loader or a watcher that skips
       hidden files never sees half a file */
    const char *slash = strrchr(path, '/');
    if (slash) snprintf(w->tmp, n + 16, "%.*s/.%s.tmp-XXXXXX", (int)(slash - path), path, slash + 1);
    else snprintf(w->tmp, n + 16, ".%s.tmp-XXXXXX", path);
    int fd = mkstemp(w->tmp);
    if (fd < 0) {
        int e = errno;
        free(w->path);
        free(w->tmp);
        return pal_set_err(err, errcap, "%s: cannot create a file beside it: %s", path, strerror(e));
    }
    w->f = fdopen(fd, "w");
    if (!w->f) {
        int e = errno;
        close(fd);
        unlink(w->tmp);
        free(w->path);
        free(w->tmp);
        return pal_set_err(err, errcap, "%s: %s", path, strerror(e));
    }
    w->mode = mode;
    return 0;
}

void pal_atomic_abort(pal_atomic *w)
{
    if (w->f) fclose(w->f);
    if (w->tmp) unlink(w->tmp);
    free(w->tmp);
    free(w->path);
    memset(w, 0, sizeof *w);
}

int pal_atomic_commit(pal_atomic *w, char *err, size_t errcap)
{
    int e = 0;
    if (fflush(w->f) != 0 || ferror(w->f)) e = errno ? errno : EIO;
    if (!e && fsync(fileno(w->f)) != 0) e = errno;
    if (fclose(w->f) != 0 && !e) e = errno;
    w->f = NULL;
    /* mkstemp makes the file 0600; the target gets the mode asked for */
    mode_t mode;
    if (w->mode == PAL_MODE_DEFAULT) {
        mode_t um = umask(0);
        umask(um);
        mode = 0666 & ~um;
    } else {
        mode = (mode_t)w->mode & 07777;
    }
    if (!e && chmod(w->tmp, mode) != 0) e = errno;
    int rc = 0;
    if (!e && refuse_non_regular(w->path, err, errcap) != 0) rc = -1;   /* it became one since the begin */
    else if (!e && rename(w->tmp, w->path) != 0) e = errno;
    if (e) rc = pal_set_err(err, errcap, "%s: cannot write: %s", w->path, strerror(e));
    pal_atomic_abort(w);   /* unlinks the temporary name: after a rename it no longer exists */
    return rc;
}

int pal_write_file_atomic(const char *path, const void *buf, size_t len, int mode, char *err, size_t errcap)
{
    pal_atomic w;
    if (pal_atomic_begin(&w, path, mode, err, errcap) != 0) return -1;
    if (len && fwrite(buf, 1, len, w.f) != len) {
        int e = errno;
        pal_atomic_abort(&w);
        return pal_set_err(err, errcap, "%s: cannot write: %s", path, strerror(e ? e : EIO));
    }
    return pal_atomic_commit(&w, err, errcap);
}

/* ---- listing ---- */

static int push_path(pal_pathlist *l, const char *rel)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v) return -1;
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(rel))) return -1;
    l->n++;
    return 0;
}

static bool has_suffix(const char *s, const char *const *suffixes)
{
    if (!suffixes) return true;
    size_t n = strlen(s);
    for (; *suffixes; suffixes++) {
        size_t m = strlen(*suffixes);
        if (n > m && !strcmp(s + n - m, *suffixes)) return true;
    }
    return false;
}

/* The walk keeps an explicit stack of directories to visit (relative
   paths), so depth costs no C stack. */
static int walk(const char *root, const char *const *suffixes, unsigned max_depth, size_t max, pal_pathlist *out)
{
    typedef struct { char *rel; unsigned depth; } pending;
    pending *todo = NULL;
    size_t ntodo = 0, captodo = 0;
    int rc = 0;
    char *first = strdup("");
    if (!first) return -1;
    todo = malloc(sizeof *todo * 16);
    if (!todo) { free(first); return -1; }
    captodo = 16;
    todo[ntodo++] = (pending){first, 0};
    while (ntodo && rc == 0) {
        pending cur = todo[--ntodo];
        size_t plen = strlen(root) + strlen(cur.rel) + 2;
        char *dirpath = malloc(plen);
        if (!dirpath) { free(cur.rel); rc = -1; break; }
        snprintf(dirpath, plen, "%s%s%s", root, *cur.rel ? "/" : "", cur.rel);
        DIR *d = opendir(dirpath);
        free(dirpath);
        if (!d) { free(cur.rel); continue; }   /* unreadable subdirectory: skipped like a hidden one */
        int dfd = dirfd(d);
        struct dirent *e;
        while (rc == 0 && (e = readdir(d))) {
            if (e->d_name[0] == '.') continue;   /* ., .., .git, hidden files */
            struct stat st;
            if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
            bool link = S_ISLNK(st.st_mode);
            if (link && fstatat(dfd, e->d_name, &st, 0) != 0) continue;   /* dangling link */
            size_t rlen = strlen(cur.rel) + strlen(e->d_name) + 2;
            char *rel = malloc(rlen);
            if (!rel) { rc = -1; break; }
            snprintf(rel, rlen, "%s%s%s", cur.rel, *cur.rel ? "/" : "", e->d_name);
            if (S_ISDIR(st.st_mode)) {
                if (link || cur.depth + 1 > max_depth) { free(rel); continue; }
                if (ntodo == captodo) {
                    pending *nt = realloc(todo, sizeof *todo * captodo * 2);
                    if (!nt) { free(rel); rc = -1; break; }
                    todo = nt;
                    captodo *= 2;
                }
                todo[ntodo++] = (pending){rel, cur.depth + 1};
                continue;
            }
            if (S_ISREG(st.st_mode) && has_suffix(e->d_name, suffixes)) {
                if (out->n >= max) { out->truncated = true; free(rel); break; }
                if (push_path(out, rel) != 0) rc = -1;
            }
            free(rel);
        }
        closedir(d);
        free(cur.rel);
        if (out->truncated) break;
    }
    while (ntodo) free(todo[--ntodo].rel);
    free(todo);
    return rc;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int pal_list_files(const char *root, const char *const *suffixes, unsigned max_depth, size_t max,
                   pal_pathlist *out, char *err, size_t errcap)
{
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(root, &st) != 0) {
        int e = errno;
        if (e == ENOENT) return pal_set_err(err, errcap, "%s: no such file or directory", root);
        return pal_set_err(err, errcap, "%s: %s", root, strerror(e));
    }
    if (!S_ISDIR(st.st_mode)) return pal_set_err(err, errcap, "%s: not a directory", root);
    if (walk(root, suffixes, max_depth, max, out) != 0) {
        pal_pathlist_free(out);
        return pal_set_err(err, errcap, "%s: out of memory", root);
    }
    if (out->n > 1) qsort(out->v, out->n, sizeof *out->v, cmp_path);   /* an empty tree has no array (UBSan) */
    return 0;
}

void pal_pathlist_free(pal_pathlist *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}
