/*
 * tar.c — the outer tarball: an index, then one stream per layer.
 *
 * Design. A docker-save or OCI tarball names its layers in a manifest that
 * may come before or after the layers themselves (docker writes the
 * manifest last), so the tarball is read in passes over one open fd:
 *
 *   1. index: every regular entry's normalized name, size and ordinal;
 *      small blobs that look like JSON (manifests, configs, index.json) are
 *      kept in memory, up to PAL_INV_MAX_META_BYTES in all.  Symlinked
 *      entries (docker save links repeated `<id>/layer.tar`s) are aliases.
 *   2. layers: the tarball is read again and each wanted layer entry is
 *      opened as a blob stream (blob.c) whose input is the outer entry's
 *      data, so a layer is decompressed, hashed and verified as it streams
 *      and never lands anywhere.  Layers are handed over in image order; when the
 *      next one lies behind the current position, a new pass starts.  A
 *      plain tarball skips data with lseek, so extra passes cost headers
 *      only; a gzipped one is decompressed again per pass (at most one
 *      pass per layer, documented in the limits) — unless the layer that
 *      streamed past early was small enough to keep, compressed, in memory.
 *
 * A directory holding the same layout (an OCI layout, an extracted docker
 * save) is indexed the same way and needs no passes.
 *
 * Skipping compressed data still decompresses it, so skips go block by
 * block through the shared budget rather than archive_read_data_skip(),
 * which could spend hours inside one call on a bomb.
 */
#include "engine/inventory/inventory.h"
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_BLOCK 65536u
#define MAX_ALIAS_HOPS 8u

typedef struct src_entry {
    pal_inv_blob blob;        /* blob.name owned */
    char *alias;              /* symlink entry: the normalized name it points at */
    unsigned char *owned;     /* kept data */
} src_entry;

struct pal_inv_src {
    int fd;                   /* the tarball, or the layout directory */
    bool dir;                 /* an OCI layout (or extracted docker save) directory */
    bool compressed;          /* the outer tarball has a compression filter */
    pal_inv_budget *budget;
    src_entry *e;
    unsigned n, cap;
    size_t meta_bytes;
};

void pal_inv_budget_init(pal_inv_budget *b, uint64_t file_size)
{
    memset(b, 0, sizeof *b);
    uint64_t lim = file_size > PAL_INV_MAX_EXPANDED / PAL_INV_EXPAND_RATIO
                       ? PAL_INV_MAX_EXPANDED : file_size * PAL_INV_EXPAND_RATIO;
    if (lim < PAL_INV_EXPAND_FLOOR) lim = PAL_INV_EXPAND_FLOOR;
    if (lim > PAL_INV_MAX_EXPANDED) lim = PAL_INV_MAX_EXPANDED;
    b->limit = lim;
}

int pal_inv_budget_add(pal_inv_budget *b, uint64_t n, char *err, size_t errcap)
{
    b->expanded += n;
    if (b->expanded <= b->limit) return 0;
    pal_inv_err(err, errcap,
                "decompresses to more than %llu MiB, over %u times its size "
                "(a decompression bomb, or an image past PAL_INV_MAX_EXPANDED; "
                "check where the image came from)",
                (unsigned long long)(b->limit >> 20), PAL_INV_EXPAND_RATIO);
    return -1;
}

/* A name in the outer tarball or layout directory: relative, inside it,
   and not empty (it names a file); 0 or -1. */
static int outer_name(const char *base, const char *name, char *out, size_t cap)
{
    return pal_inv_clean_name(base, name, 0, out, cap) == PAL_NAME_OK && out[0] ? 0 : -1;
}

static int entry_cmp(const void *a, const void *b)
{
    const src_entry *x = a, *y = b;
    int c = strcmp(x->blob.name, y->blob.name);
    if (c) return c;
    return x->blob.ordinal < y->blob.ordinal ? -1 : x->blob.ordinal > y->blob.ordinal;
}

static const src_entry *find_raw(const pal_inv_src *s, const char *name)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->e[mid].blob.name, name);
        if (c == 0) return &s->e[mid];
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return NULL;
}

static const src_entry *find_entry(const pal_inv_src *s, const char *name)
{
    char buf[PAL_INV_MAX_PATH];
    if (outer_name(NULL, name, buf, sizeof buf) < 0) return NULL;
    const src_entry *e = find_raw(s, buf);
    for (unsigned hops = 0; e && e->alias; hops++) {
        if (hops == MAX_ALIAS_HOPS) return NULL;
        e = find_raw(s, e->alias);
    }
    return e;
}

const pal_inv_blob *pal_inv_src_find(const pal_inv_src *s, const char *name)
{
    const src_entry *e = find_entry(s, name);
    return e ? &e->blob : NULL;
}

static struct archive *open_outer(pal_inv_src *s, char *err, size_t errcap)
{
    struct archive *a = archive_read_new();
    if (!a) { pal_inv_err(err, errcap, "out of memory"); return NULL; }
    /* The whole tarball may be compressed; xz too, as people keep them.
       (Layers are decompressed by blob.c, which checks what they hold.) */
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_zstd(a);
    archive_read_support_filter_xz(a);
    archive_read_support_format_tar(a);
    if (lseek(s->fd, 0, SEEK_SET) != 0 || archive_read_open_fd(a, s->fd, READ_BLOCK) != ARCHIVE_OK) {
        pal_inv_err(err, errcap, "not a tar archive: %s (give a `docker save` or OCI-layout tarball)",
                    archive_error_string(a) ? archive_error_string(a) : strerror(errno));
        archive_read_free(a);
        return NULL;
    }
    return a;
}

/* Counts what the outer reader decompressed since *last (compressed outer
   tarballs only: a plain one's skipped bytes are seeked, not read). */
static int outer_account(pal_inv_src *s, struct archive *a, int64_t *last, char *err, size_t errcap)
{
    if (!s->compressed) return 0;
    int64_t now = archive_filter_bytes(a, 0);
    int64_t d = now - *last;
    *last = now;
    return d > 0 ? pal_inv_budget_add(s->budget, (uint64_t)d, err, errcap) : 0;
}

/* Skips the current entry's data through the budget. */
static int skip_data(pal_inv_src *s, struct archive *a, int64_t *last, char *err, size_t errcap)
{
    if (!s->compressed) {
        if (archive_read_data_skip(a) != ARCHIVE_OK) {
            pal_inv_err(err, errcap, "truncated or corrupt tarball: %s (the file is damaged; save the image again)",
                        archive_error_string(a));
            return -1;
        }
        return 0;
    }
    for (;;) {
        const void *buf;
        size_t len;
        la_int64_t off;
        int r = archive_read_data_block(a, &buf, &len, &off);
        if (r == ARCHIVE_EOF) return 0;
        if (r < ARCHIVE_WARN) {
            pal_inv_err(err, errcap, "truncated or corrupt tarball: %s (the file is damaged; save the image again)",
                        archive_error_string(a));
            return -1;
        }
        if (outer_account(s, a, last, err, errcap) < 0) return -1;
    }
}

static bool meta_candidate(const char *name, uint64_t size)
{
    if (size > PAL_INV_MAX_JSON_BYTES) return false;
    size_t n = strlen(name);
    if (!strcmp(name, "manifest.json") || !strcmp(name, "index.json") ||
        !strcmp(name, "oci-layout") || !strcmp(name, "repositories"))
        return true;
    if (n > 5 && !strcmp(name + n - 5, ".json")) return true;
    return !strncmp(name, "blobs/", 6);
}

static int keep_data(pal_inv_src *s, struct archive *a, src_entry *e, int64_t *last,
                     char *err, size_t errcap)
{
    size_t cap = (size_t)e->blob.size;
    unsigned char *buf = malloc(cap + 1);
    if (!buf) { pal_inv_err(err, errcap, "out of memory"); return -1; }
    size_t len = 0;
    bool looked = false;
    for (;;) {
        la_ssize_t r = archive_read_data(a, buf + len, cap - len < READ_BLOCK ? cap - len : READ_BLOCK);
        if (r < 0) {
            pal_inv_err(err, errcap, "truncated or corrupt tarball at '%s': %s (the file is damaged; save the image again)",
                        e->blob.name, archive_error_string(a));
            free(buf);
            return -1;
        }
        if (outer_account(s, a, last, err, errcap) < 0) { free(buf); return -1; }
        len += (size_t)r;
        if (!looked && (len >= 64 || r == 0)) {
            /* Blobs are JSON or layers; only JSON is worth keeping. */
            size_t i = 0;
            while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t')) i++;
            if (i == len || (buf[i] != '{' && buf[i] != '[')) {
                free(buf);
                return skip_data(s, a, last, err, errcap);
            }
            looked = true;
        }
        if (r == 0 || len == cap) break;
    }
    if (s->meta_bytes + len > PAL_INV_MAX_META_BYTES) {
        free(buf);
        return skip_data(s, a, last, err, errcap);  /* a later lookup reports it */
    }
    s->meta_bytes += len;
    buf[len] = 0;
    e->owned = buf;
    e->blob.data = buf;
    e->blob.len = len;
    return 0;
}

static src_entry *push_entry(pal_inv_src *s, const char *name, uint64_t size, uint32_t ordinal,
                             const char *alias, char *err, size_t errcap)
{
    if (s->n == s->cap) {
        unsigned nc = s->cap ? s->cap * 2 : 64;
        src_entry *ne = realloc(s->e, nc * sizeof *ne);
        if (!ne) { pal_inv_err(err, errcap, "out of memory"); return NULL; }
        s->e = ne;
        s->cap = nc;
    }
    src_entry *e = &s->e[s->n];
    memset(e, 0, sizeof *e);
    e->blob.name = strdup(name);
    e->blob.ordinal = ordinal;
    e->blob.size = size;
    if (!e->blob.name || (alias && !(e->alias = strdup(alias)))) {
        free((char *)e->blob.name);
        pal_inv_err(err, errcap, "out of memory");
        return NULL;
    }
    s->n++;
    return e;
}

/* Sorts by name; of duplicates the last in the tarball wins, as tar
   extraction would have it. */
static void finish_index(pal_inv_src *s)
{
    if (s->n) qsort(s->e, s->n, sizeof *s->e, entry_cmp);
    unsigned w = 0;
    for (unsigned i = 0; i < s->n; i++) {
        if (w > 0 && !strcmp(s->e[w - 1].blob.name, s->e[i].blob.name)) {
            src_entry *old = &s->e[w - 1];
            free((char *)old->blob.name);
            free(old->alias);
            free(old->owned);
            *old = s->e[i];
        } else {
            s->e[w++] = s->e[i];
        }
    }
    s->n = w;
}

void pal_inv_src_free(pal_inv_src *s)
{
    if (!s) return;
    for (unsigned i = 0; i < s->n; i++) {
        free((char *)s->e[i].blob.name);
        free(s->e[i].alias);
        free(s->e[i].owned);
    }
    free(s->e);
    if (s->fd >= 0) close(s->fd);
    free(s);
}

/* --- a layout directory ---
 *
 * `skopeo copy ... oci:DIR` and `tar -x` of a docker save leave the same
 * layout in a directory.  It is indexed like a tarball (the top, blobs/<alg>/
 * and <id>/ levels), and every file is opened one component at a time with
 * O_NOFOLLOW, so a symlink in the layout can never lead outside it; symlinks
 * between entries (docker's repeated layer.tar) are aliases, as in a tarball.
 */

/* Opens a normalized name under dirfd; -1 unless it is a regular file
   reached without following any symlink. */
static int open_beneath(int dirfd, const char *name)
{
    char buf[PAL_INV_MAX_PATH];
    if (strlen(name) >= sizeof buf) return -1;
    strcpy(buf, name);
    int cur = dirfd;
    char *p = buf;
    for (;;) {
        char *slash = strchr(p, '/');
        if (slash) *slash = 0;
        /* O_NONBLOCK: a FIFO planted in the layout must not hang the open */
        int fd = openat(cur, p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | (slash ? O_DIRECTORY : 0));
        if (cur != dirfd) close(cur);
        if (fd < 0) return -1;
        if (!slash) {
            struct stat st;
            if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) { close(fd); return -1; }
            return fd;
        }
        cur = fd;
        p = slash + 1;
    }
}

static int keep_file(pal_inv_src *s, int dfd, const char *leaf, src_entry *e)
{
    int fd = openat(dfd, leaf, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) return 0;
    size_t cap = (size_t)e->blob.size;
    unsigned char *buf = malloc(cap + 1);
    size_t len = 0;
    while (buf && len < cap) {
        ssize_t r = read(fd, buf + len, cap - len);
        if (r <= 0) break;
        len += (size_t)r;
    }
    close(fd);
    size_t i = 0;
    while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t')) i++;
    if (!buf || i == len || (buf[i] != '{' && buf[i] != '[') || s->meta_bytes + len > PAL_INV_MAX_META_BYTES) {
        free(buf);
        return 0;
    }
    s->meta_bytes += len;
    buf[len] = 0;
    e->owned = buf;
    e->blob.data = buf;
    e->blob.len = len;
    return 0;
}

static int index_dir(pal_inv_src *s, int dfd, const char *prefix, unsigned depth, uint32_t *ordinal,
                     uint64_t *total, char *err, size_t errcap)
{
    int dup_fd = dup(dfd);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!d) {
        if (dup_fd >= 0) close(dup_fd);
        pal_inv_err(err, errcap, "cannot list '%s': %s", *prefix ? prefix : ".", strerror(errno));
        return -1;
    }
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        if (++*ordinal > PAL_INV_MAX_OUTER_ENTRIES) {
            pal_inv_err(err, errcap, "more than %u files in the layout directory (PAL_INV_MAX_OUTER_ENTRIES)",
                        PAL_INV_MAX_OUTER_ENTRIES);
            rc = -1;
            break;
        }
        char name[PAL_INV_MAX_PATH];
        if ((size_t)snprintf(name, sizeof name, "%s%s", prefix, de->d_name) >= sizeof name - 1) continue;
        struct stat st;
        if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) continue;
        if (S_ISDIR(st.st_mode)) {
            if (depth >= 2) continue;
            int sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0) continue;
            strcat(name, "/");
            rc = index_dir(s, sub, name, depth + 1, ordinal, total, err, errcap);
            close(sub);
        } else if (S_ISLNK(st.st_mode)) {
            char target[PAL_INV_MAX_PATH], alias[PAL_INV_MAX_PATH], base[PAL_INV_MAX_PATH];
            ssize_t n = readlinkat(dfd, de->d_name, target, sizeof target - 1);
            if (n <= 0) continue;
            target[n] = 0;
            snprintf(base, sizeof base, "%s", prefix);
            if (outer_name(base, target, alias, sizeof alias) < 0) continue;
            if (!push_entry(s, name, 0, *ordinal, alias, err, errcap)) rc = -1;
        } else if (S_ISREG(st.st_mode)) {
            *total += (uint64_t)st.st_size;
            src_entry *e = push_entry(s, name, (uint64_t)st.st_size, *ordinal, NULL, err, errcap);
            if (!e) rc = -1;
            else if (meta_candidate(name, e->blob.size)) rc = keep_file(s, dfd, de->d_name, e);
        }
    }
    closedir(d);
    return rc;
}

static pal_inv_src *open_dir(pal_inv_src *s, pal_inv_budget *b, char *err, size_t errcap)
{
    s->dir = true;
    uint32_t ordinal = 0;
    uint64_t total = 0;
    if (index_dir(s, s->fd, "", 0, &ordinal, &total, err, errcap) < 0) {
        pal_inv_src_free(s);
        return NULL;
    }
    pal_inv_budget_init(b, total);
    finish_index(s);
    return s;
}

/* The alias a link entry of the outer tarball makes (a symlink is relative
   to its directory, a hardlink to the top); -1 when it points outside. */
static int link_alias(struct archive_entry *ae, const char *name, char *alias, size_t cap)
{
    const char *target = archive_entry_hardlink(ae);
    if (target) return outer_name(NULL, target, alias, cap);
    target = archive_entry_symlink(ae);
    char dir[PAL_INV_MAX_PATH];
    strcpy(dir, name);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0; else dir[0] = 0;
    return target ? outer_name(dir, target, alias, cap) : -1;
}

/* One entry of the index pass: a regular file or a link inside the tarball
   is indexed (small JSON kept), anything else skipped. */
static int index_entry(pal_inv_src *s, struct archive *a, struct archive_entry *ae, uint32_t ordinal,
                       int64_t *last, char *err, size_t errcap)
{
    char name[PAL_INV_MAX_PATH], alias[PAL_INV_MAX_PATH];
    const char *raw = archive_entry_pathname(ae);
    unsigned ft = archive_entry_filetype(ae);
    bool link = ft == AE_IFLNK || archive_entry_hardlink(ae);
    if (!raw || (ft != AE_IFREG && !link) || outer_name(NULL, raw, name, sizeof name) < 0)
        return skip_data(s, a, last, err, errcap);
    if (link && link_alias(ae, name, alias, sizeof alias) < 0)
        return skip_data(s, a, last, err, errcap);   /* points outside the tarball: never followed */
    uint64_t size = archive_entry_size_is_set(ae) && archive_entry_size(ae) > 0
                        ? (uint64_t)archive_entry_size(ae) : 0;
    src_entry *e = push_entry(s, name, size, ordinal, link ? alias : NULL, err, errcap);
    if (!e) return -1;
    if (!link && meta_candidate(name, e->blob.size)) return keep_data(s, a, e, last, err, errcap);
    return skip_data(s, a, last, err, errcap);
}

/* Pass 1 over a tarball: the index. */
static int index_tarball(pal_inv_src *s, char *err, size_t errcap)
{
    struct archive *a = open_outer(s, err, errcap);
    if (!a) return -1;
    s->compressed = archive_filter_count(a) > 1;
    struct archive_entry *ae;
    int64_t last = 0;
    int r;
    uint32_t ordinal = 0;
    while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        if (outer_account(s, a, &last, err, errcap) < 0) goto fail;
        if (++ordinal > PAL_INV_MAX_OUTER_ENTRIES) {
            pal_inv_err(err, errcap, "more than %u entries in the tarball (PAL_INV_MAX_OUTER_ENTRIES; "
                        "this is not an image docker or an OCI tool wrote)", PAL_INV_MAX_OUTER_ENTRIES);
            goto fail;
        }
        if (index_entry(s, a, ae, ordinal, &last, err, errcap) < 0) goto fail;
    }
    if (r != ARCHIVE_EOF) {
        pal_inv_err(err, errcap, "%s: %s (the file is damaged or not a tarball; save the image again)",
                    ordinal ? "truncated or corrupt tarball" : "not a tar archive", archive_error_string(a));
        goto fail;
    }
    archive_read_free(a);
    finish_index(s);
    return 0;
fail:
    archive_read_free(a);
    return -1;
}

pal_inv_src *pal_inv_src_open(const char *path, pal_inv_budget *b, char *err, size_t errcap)
{
    pal_inv_src *s = calloc(1, sizeof *s);
    if (!s) { pal_inv_err(err, errcap, "out of memory"); return NULL; }
    s->budget = b;
    s->fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (s->fd < 0 || fstat(s->fd, &st) < 0) {
        pal_inv_err(err, errcap, "cannot open: %s (check the path)", strerror(errno));
        goto fail;
    }
    if (S_ISDIR(st.st_mode)) return open_dir(s, b, err, errcap);
    if (!S_ISREG(st.st_mode)) {
        pal_inv_err(err, errcap, "not a regular file or directory (give the tarball "
                    "`docker save IMAGE -o FILE` wrote, or an OCI layout directory)");
        goto fail;
    }
    pal_inv_budget_init(b, (uint64_t)st.st_size);
    if (index_tarball(s, err, errcap) == 0) return s;
fail:
    pal_inv_src_free(s);
    return NULL;
}

/* --- layers ---
 *
 * Every layer takes one path, apply_stream(): a blob stream (blob.c) over
 * the blob's stored bytes, wherever they come from (the outer tarball's
 * entry, a file of a layout directory, a copy stashed in memory), its tar
 * reader handed to fn, then the blob checked against its digests.  A
 * 0-byte blob is an empty layer with no tar at all; its digests must still
 * be those of nothing.
 */

static int apply_stream(pal_inv_blob_stream *bs, unsigned i, pal_inv_layer_fn fn, void *ud,
                        char *err, size_t errcap)
{
    if (!bs) return -1;
    int rc = -1;
    struct archive *tar = pal_inv_blob_tar(bs, err, errcap);
    if (tar) {
        rc = fn(ud, i, tar, err, errcap);
        /* A tar error caused by the stream (truncated, CRC, a corrupt
           tarball around the layer) is reported as its cause. */
        if (rc < 0 && pal_inv_blob_error(bs)) pal_inv_err(err, errcap, "%s", pal_inv_blob_error(bs));
        if (rc == 0) rc = pal_inv_blob_finish(bs, err, errcap);
    }
    pal_inv_blob_close(bs);
    return rc;
}

static int check_empty(const pal_inv_layer_ref *ref, unsigned i, char *err, size_t errcap)
{
    pal_inv_blob_stream *bs = pal_inv_blob_open_mem("", 0, ref, i, NULL, err, errcap);
    if (!bs) return -1;
    int rc = pal_inv_blob_finish(bs, err, errcap);
    pal_inv_blob_close(bs);
    return rc;
}

/* A blob that is a file of a layout directory. */
typedef struct fd_src { int fd; unsigned char buf[READ_BLOCK]; } fd_src;

static ssize_t fd_pull(void *ud, const void **buf, char *err, size_t errcap)
{
    fd_src *f = ud;
    ssize_t n;
    do n = read(f->fd, f->buf, sizeof f->buf); while (n < 0 && errno == EINTR);
    if (n < 0) pal_inv_err(err, errcap, "cannot read the blob: %s", strerror(errno));
    *buf = f->buf;
    return n;
}

static int dir_layers(pal_inv_src *s, const pal_inv_layer_ref *layers, unsigned n,
                      pal_inv_layer_fn fn, void *ud, char *err, size_t errcap)
{
    fd_src *f = malloc(sizeof *f);
    if (!f) { pal_inv_err(err, errcap, "out of memory"); return -1; }
    int rc = 0;
    for (unsigned i = 0; i < n && rc == 0; i++) {
        const pal_inv_blob *b = pal_inv_src_find(s, layers[i].name);
        if (b && b->size == 0) { rc = check_empty(&layers[i], i, err, errcap); continue; }
        f->fd = b ? open_beneath(s->fd, b->name) : -1;
        if (f->fd < 0) {
            pal_inv_err(err, errcap, "layer %u: '%s' is not a regular file inside the layout "
                        "(symlinks out of it are never followed)", i, layers[i].name);
            rc = -1;
            break;
        }
        rc = apply_stream(pal_inv_blob_open(fd_pull, f, &layers[i], i, s->budget, err, errcap), i, fn, ud,
                          err, errcap);
        close(f->fd);
    }
    free(f);
    return rc;
}

/* A blob that is an entry of the outer tarball, read as it streams past. */
typedef struct outer_feed {
    pal_inv_src *s;
    struct archive *outer;
    int64_t *last;
    unsigned char buf[READ_BLOCK];
} outer_feed;

static ssize_t outer_pull(void *ud, const void **buf, char *err, size_t errcap)
{
    outer_feed *f = ud;
    la_ssize_t r = archive_read_data(f->outer, f->buf, sizeof f->buf);
    if (r < 0) {
        pal_inv_err(err, errcap, "the tarball is truncated or corrupt inside this layer: %s",
                    archive_error_string(f->outer));
        return -1;
    }
    if (outer_account(f->s, f->outer, f->last, err, errcap) < 0) return -1;
    *buf = f->buf;
    return r;
}

/* A compressed outer tarball cannot seek, so a layer that streams past
   before its turn would cost another decompression pass.  Such a layer is
   kept instead, still compressed, while all kept layers fit in
   PAL_INV_MAX_STASH_BYTES; only bigger ones wait for a later pass.  (docker
   save orders layers by id or digest, not by use, so this is the common
   case for `docker save | gzip`.) */
typedef struct stash { unsigned char *data; size_t len; } stash;

typedef struct layers_run {
    pal_inv_src *s;
    const pal_inv_layer_ref *layers;
    unsigned n, next;
    uint32_t *want;            /* ordinal of each layer's blob; 0 = empty layer */
    uint64_t *size;
    stash *st;
    size_t stashed;
    outer_feed *feed;
    pal_inv_layer_fn fn;
    void *ud;
    char *err;
    size_t errcap;
} layers_run;

/* Moves past empty layers and applies kept ones that are next in line. */
static int drain(layers_run *R)
{
    while (R->next < R->n && (!R->want[R->next] || R->st[R->next].data)) {
        unsigned i = R->next;
        stash *k = &R->st[i];
        int lr;
        if (k->data)
            lr = apply_stream(pal_inv_blob_open_mem(k->data, k->len, &R->layers[i], i, R->s->budget,
                                                    R->err, R->errcap), i, R->fn, R->ud, R->err, R->errcap);
        else
            lr = check_empty(&R->layers[i], i, R->err, R->errcap);
        free(k->data);
        k->data = NULL;
        R->stashed -= k->len;
        k->len = 0;
        if (lr < 0) return -1;
        R->next++;
    }
    return 0;
}

/* Keeps the current entry for a later layer j, if it fits; 1 kept, 0 not. */
static int stash_entry(layers_run *R, struct archive *a, uint32_t ordinal, int64_t *last)
{
    unsigned j = R->next + 1;
    while (j < R->n && (R->want[j] != ordinal || R->st[j].data)) j++;
    if (j >= R->n || R->size[j] > PAL_INV_MAX_STASH_BYTES - R->stashed) return 0;
    size_t cap = (size_t)R->size[j], len = 0;
    unsigned char *buf = malloc(cap ? cap : 1);
    if (!buf) return 0;
    for (;;) {
        la_ssize_t r = archive_read_data(a, buf + len, cap - len < READ_BLOCK ? cap - len : READ_BLOCK);
        if (r < 0) {
            free(buf);
            pal_inv_err(R->err, R->errcap, "truncated or corrupt tarball in layer %u: %s "
                        "(the file is damaged; save the image again)", j, archive_error_string(a));
            return -1;
        }
        if (outer_account(R->s, a, last, R->err, R->errcap) < 0) { free(buf); return -1; }
        len += (size_t)r;
        if (r == 0 || len == cap) break;
    }
    R->st[j].data = buf;
    R->st[j].len = len;
    R->stashed += len;
    return 1;
}

/* One pass over the tarball: applies every layer it meets in its turn,
   stashes or skips the others; stops where the next layer lies behind. */
static int layers_pass(layers_run *R)
{
    pal_inv_src *s = R->s;
    struct archive *a = open_outer(s, R->err, R->errcap);
    if (!a) return -1;
    struct archive_entry *ae;
    int64_t last = 0;
    int r = ARCHIVE_OK, rc = -1;
    uint32_t ordinal = 0;
    unsigned before = R->next;
    while (R->next < R->n && ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK || r == ARCHIVE_WARN)) {
        ordinal++;
        if (outer_account(s, a, &last, R->err, R->errcap) < 0) goto out;
        if (ordinal != R->want[R->next]) {
            int k = s->compressed ? stash_entry(R, a, ordinal, &last) : 0;
            if (k < 0 || (k == 0 && skip_data(s, a, &last, R->err, R->errcap) < 0)) goto out;
            continue;
        }
        unsigned i = R->next;
        R->feed->s = s;
        R->feed->outer = a;
        R->feed->last = &last;
        if (apply_stream(pal_inv_blob_open(outer_pull, R->feed, &R->layers[i], i, s->budget, R->err, R->errcap),
                         i, R->fn, R->ud, R->err, R->errcap) < 0)
            goto out;
        R->next++;
        if (drain(R) < 0) goto out;
        /* The same blob twice, or the next layer earlier in the tarball:
           another pass. */
        if (R->next < R->n && R->want[R->next] <= ordinal) break;
        if (skip_data(s, a, &last, R->err, R->errcap) < 0) goto out;
    }
    if (R->next < R->n && r != ARCHIVE_EOF && r != ARCHIVE_OK && r != ARCHIVE_WARN) {
        pal_inv_err(R->err, R->errcap, "truncated or corrupt tarball before layer %u: %s "
                    "(the file is damaged; save the image again)", R->next, archive_error_string(a));
        goto out;
    }
    if (R->next == before) {
        pal_inv_err(R->err, R->errcap, "layer %u: '%s' vanished from the tarball between passes "
                    "(was the file changed while it was read?)", R->next, R->layers[R->next].name);
        goto out;
    }
    rc = 0;
out:
    archive_read_free(a);
    return rc;
}

int pal_inv_src_layers(pal_inv_src *s, const pal_inv_layer_ref *layers, unsigned n,
                       pal_inv_layer_fn fn, void *ud, char *err, size_t errcap)
{
    if (s->dir) return dir_layers(s, layers, n, fn, ud, err, errcap);
    layers_run R = {s, layers, n, 0, calloc(n ? n : 1, sizeof *R.want), calloc(n ? n : 1, sizeof *R.size),
                    calloc(n ? n : 1, sizeof *R.st), 0, malloc(sizeof *R.feed), fn, ud, err, errcap};
    int rc = -1;
    if (!R.want || !R.size || !R.st || !R.feed) {
        pal_inv_err(err, errcap, "out of memory");
        goto out;
    }
    for (unsigned i = 0; i < n; i++) {
        const pal_inv_blob *b = pal_inv_src_find(s, layers[i].name);
        if (!b) {
            pal_inv_err(err, errcap, "layer %u: '%s' is not in the image", i, layers[i].name);
            goto out;
        }
        /* A 0-byte blob (the empty digest, e3b0c442...) is an empty layer. */
        R.want[i] = b->size ? b->ordinal : 0;
        R.size[i] = b->size;
    }
    if (drain(&R) < 0) goto out;
    while (R.next < n)
        if (layers_pass(&R) < 0) goto out;
    rc = 0;
out:
    for (unsigned i = 0; R.st && i < n; i++) free(R.st[i].data);
    free(R.want);
    free(R.size);
    free(R.st);
    free(R.feed);
    return rc;
}
