/*
 * layer.c — layers applied in order to an in-memory filesystem.
 *
 * Design. The merged filesystem is a tree of metadata nodes (no file
 * bodies), indexed by a hash table keyed on (parent node, name) so every
 * path step is O(1).  Each layer's tar stream is applied entry by entry as
 * it decompresses, with the semantics docker and containerd give layers:
 *
 *   - names are cleaned lexically ("./a//b/" -> "a/b"); a leading '/' is
 *     dropped (the layer root is the image root); a `..` that would climb
 *     above the root is an error, as docker refuses such layers;
 *   - a symlink in the *middle* of a path is followed, inside the root, as
 *     when extraction runs chrooted: absolute targets start at the image
 *     root and `..` stops there, so a link to "/../../etc" can never reach
 *     outside; at most PAL_INV_MAX_SYMLINKS are followed per path;
 *   - a later entry replaces an earlier one at the same path (a directory
 *     over a directory only updates its metadata); of duplicates in one
 *     layer the last wins, as with tar extraction;
 *   - `.wh.NAME` hides NAME and `.wh..wh..opq` hides a directory's
 *     contents, only for what lower layers put there (OCI image spec:
 *     whiteouts never hide entries of their own layer); other `.wh..wh.`
 *     names are aufs bookkeeping and are ignored;
 *   - hardlinks take the metadata and hashes of their target (they share
 *     its inode); a hardlink to a path that does not exist (or to a
 *     directory, to itself, in a loop of such links) stays a "hardlink"
 *     record with no size and no hashes, and is a warning;
 *   - a whiteout of '/' (".wh.", ".wh.." at the top) is ignored, with a
 *     warning: a layer cannot remove the root;
 *   - Windows layers hold the C: drive under Files/ and registry hives
 *     under Hives/; UtilityVM/ is the utility VM's, not the image's.  Names
 *     compare without case, as NTFS does.
 *
 * Bodies stream through SHA-256/MD5 when hashes are asked for.  The only
 * bodies kept are the account and package databases (the nodes that
 * resolve to /etc/passwd, /var/lib/dpkg/status, rpm's rpmdb.sqlite, ...),
 * os-release and, with content_max,
 * small text files; a kept body lives on its node, so a later layer that
 * replaces or whiteouts the file drops it too.  SOFTWARE hives (a base
 * hive under Files/ or a layer's Hives/Software_Delta) go to a memfd and
 * are read by hive.c as soon as they end; only the facts stay.
 */
#include "engine/inventory/inventory.h"
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

enum { FT_FILE = 1, FT_DIR, FT_SYMLINK, FT_HARDLINK, FT_CHAR, FT_BLOCK, FT_FIFO, FT_SOCKET };
static const char *const type_names[] = {"", "file", "dir", "symlink", "hardlink",
                                         "char", "block", "fifo", "socket"};

enum { KEEP_NONE = 0, KEEP_DB, KEEP_CONTENT, KEEP_LANG };

typedef struct node {
    struct node *parent, *child, *next, *prev; /* children: doubly linked */
    struct node *hnext;                        /* hash chain */
    char *name;
    uint32_t namelen, hash;
    uint8_t type, hashed, keep;
    uint8_t dangling;                          /* a hardlink with nothing to share */
    uint8_t lang;                              /* KEEP_LANG: the PAL_LANG_* kind of the body */
    uint16_t layer;
    uint16_t clean_below;                      /* layer+1 of the last prune that left
                                                  nothing of lower layers under it */
    uint32_t mode, uid, gid;
    int64_t size;
    char *link;
    unsigned char sha256[32], md5[16];
    char *body;
    size_t body_len;
} node;

typedef struct hive_rec {
    unsigned layer;
    int delta;               /* Hives/Software_Delta over the layer's base hive */
    pal_win_facts f;
} hive_rec;

struct pal_fs {
    bool windows;
    pal_inventory_opts opts;
    pal_inv_budget *budget;
    node root;
    node **buckets;
    size_t nbuckets, count;
    size_t kept_bytes, content_bytes, content_omitted;
    size_t lang_bytes, lang_omitted;           /* language metadata kept (PAL_INV_MAX_LANG_BYTES) */
    char **warnings;           /* what was odd but not fatal, in the order met */
    unsigned nwarnings, warnings_omitted;
    uint64_t follow_bytes;     /* symlink expansion work so far */
    unsigned layer;
    hive_rec *hives;
    unsigned nhives;
    pal_win_facts merged;
    bool merged_done;
};

#define WALK_MAX (2u * PAL_INV_MAX_PATH + 2u)

/* ---------------------------------------------------------------- names */

static unsigned char fold(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static uint32_t name_hash(const pal_fs *fs, const node *parent, const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull ^ ((uintptr_t)parent * 0x9e3779b97f4a7c15ull);
    for (size_t i = 0; i < n; i++) {
        h ^= fs->windows ? fold((unsigned char)s[i]) : (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    return (uint32_t)(h ^ (h >> 32));
}

static bool name_eq(const pal_fs *fs, const node *n, const char *s, size_t len)
{
    if (n->namelen != len) return false;
    if (!fs->windows) return memcmp(n->name, s, len) == 0;
    for (size_t i = 0; i < len; i++)
        if (fold((unsigned char)n->name[i]) != fold((unsigned char)s[i])) return false;
    return true;
}

static bool same_name(const pal_fs *fs, const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen) return false;
    if (!fs->windows) return memcmp(a, b, alen) == 0;
    for (size_t i = 0; i < alen; i++)
        if (fold((unsigned char)a[i]) != fold((unsigned char)b[i])) return false;
    return true;
}

static bool ieq(const char *a, size_t alen, const char *b)
{
    return alen == strlen(b) && strncasecmp(a, b, alen) == 0;
}

/* Printable, bounded form of a hostile name for an error message. */
static const char *shown(const char *s, char *buf, size_t cap)
{
    size_t o = 0;
    for (; *s && o + 4 < cap; s++) buf[o++] = (unsigned char)*s < 32 || *s == 127 ? '?' : *s;
    if (*s) { buf[o++] = '.'; buf[o++] = '.'; buf[o++] = '.'; }
    buf[o] = 0;
    return buf;
}

/* ----------------------------------------------------------------- tree */

static node *child_of(const pal_fs *fs, const node *dir, const char *s, size_t n)
{
    uint32_t h = name_hash(fs, dir, s, n);
    for (node *c = fs->buckets[h & (fs->nbuckets - 1)]; c; c = c->hnext)
        if (c->hash == h && c->parent == dir && name_eq(fs, c, s, n)) return c;
    return NULL;
}

static int grow(pal_fs *fs)
{
    size_t nb = fs->nbuckets * 2;
    node **b = calloc(nb, sizeof *b);
    if (!b) return -1;
    for (size_t i = 0; i < fs->nbuckets; i++)
        for (node *c = fs->buckets[i], *nx; c; c = nx) {
            nx = c->hnext;
            c->hnext = b[c->hash & (nb - 1)];
            b[c->hash & (nb - 1)] = c;
        }
    free(fs->buckets);
    fs->buckets = b;
    fs->nbuckets = nb;
    return 0;
}

static node *new_child(pal_fs *fs, node *dir, const char *s, size_t n, char *err, size_t errcap)
{
    if (fs->count >= PAL_INV_MAX_FILES) {
        pal_inv_err(err, errcap, "more than %u files in the image (PAL_INV_MAX_FILES bounds the "
                    "inventory's memory; this image is unusually large or hostile)", PAL_INV_MAX_FILES);
        return NULL;
    }
    if (fs->count >= fs->nbuckets && grow(fs) < 0) goto oom;
    node *c = calloc(1, sizeof *c);
    if (!c || !(c->name = malloc(n + 1))) { free(c); goto oom; }
    memcpy(c->name, s, n);
    c->name[n] = 0;
    c->namelen = (uint32_t)n;
    c->hash = name_hash(fs, dir, s, n);
    c->parent = dir;
    c->next = dir->child;
    if (dir->child) dir->child->prev = c;
    dir->child = c;
    c->hnext = fs->buckets[c->hash & (fs->nbuckets - 1)];
    fs->buckets[c->hash & (fs->nbuckets - 1)] = c;
    fs->count++;
    return c;
oom:
    pal_inv_err(err, errcap, "out of memory");
    return NULL;
}

static void drop_body(pal_fs *fs, node *n)
{
    if (!n->body) return;
    if (n->keep == KEEP_CONTENT) fs->content_bytes -= n->body_len;
    else if (n->keep == KEEP_LANG) fs->lang_bytes -= n->body_len;
    else fs->kept_bytes -= n->body_len;
    free(n->body);
    n->body = NULL;
    n->body_len = 0;
    n->keep = KEEP_NONE;
}

/* Unlinks and frees one childless node. */
static void free_leaf(pal_fs *fs, node *n)
{
    node *dir = n->parent;
    if (n->prev) n->prev->next = n->next; else dir->child = n->next;
    if (n->next) n->next->prev = n->prev;
    node **pp = &fs->buckets[n->hash & (fs->nbuckets - 1)];
    while (*pp != n) pp = &(*pp)->hnext;
    *pp = n->hnext;
    drop_body(fs, n);
    free(n->name);
    free(n->link);
    free(n);
    fs->count--;
}

/* Post-order walk of top's subtree, without recursion (a tree built through
   symlinks can be deeper than any one path).  Removes every node whose
   layer is below `below` and that has nothing left under it; below =
   UINT32_MAX removes everything.  With keep_top, top itself stays. */
static void prune(pal_fs *fs, node *top, uint32_t below, bool keep_top)
{
    /* Whiteouts repeat (one opaque marker per entry is enough to make a
       layer quadratic): once a subtree holds nothing below `below`, only
       nodes of newer layers can join it, so a second prune is a no-op. */
    if (below != UINT32_MAX && top->clean_below >= below + 1) return;
    node *cur = top;
    while (cur->child) cur = cur->child;
    for (;;) {
        node *sib = cur == top ? NULL : cur->next, *up = cur->parent;
        bool at_top = cur == top;
        if (!cur->child && cur->layer < below && !(at_top && keep_top)) free_leaf(fs, cur);
        else if (at_top && below != UINT32_MAX) top->clean_below = (uint16_t)(below + 1);
        if (at_top) return;
        if (sib) {
            cur = sib;
            while (cur->child) cur = cur->child;
        } else {
            cur = up;
        }
    }
}

static void remove_subtree(pal_fs *fs, node *n) { prune(fs, n, UINT32_MAX, false); }

/* --------------------------------------------------------------- walking */

typedef struct walk_out {
    node *dir;                  /* directory holding the last component */
    char last[PAL_INV_MAX_PATH + 1];
    size_t lastlen;             /* 0: the path is the root itself */
} walk_out;

enum { WALK_OK = 0, WALK_MISSING = 1, WALK_ERR = -1 };

/* Resolves every component of `path` but the last, following symlinks
   inside the root.  create: missing directories are made (implicitly, in
   the current layer); otherwise a missing one is WALK_MISSING.  `follows`
   carries the symlink count across calls for one lookup. */
static int walk_parent(pal_fs *fs, node *start, const char *path, bool create, unsigned *follows,
                       walk_out *w, char *err, size_t errcap)
{
    char rest[WALK_MAX];
    size_t rlen = strlen(path);
    if (rlen >= sizeof rest) {
        pal_inv_err(err, errcap, "path longer than %u bytes (PAL_INV_MAX_PATH)", PAL_INV_MAX_PATH);
        return WALK_ERR;
    }
    memcpy(rest, path, rlen + 1);
    node *cur = start;
    size_t pos = 0;
    char tmp[WALK_MAX];
    for (;;) {
        while (pos < rlen && rest[pos] == '/') pos++;
        size_t end = pos;
        while (end < rlen && rest[end] != '/') end++;
        const char *c = rest + pos;
        size_t clen = end - pos;
        size_t after = end;
        while (after < rlen && rest[after] == '/') after++;
        if (after >= rlen) {  /* c is the last component (maybe empty) */
            if (clen == 2 && c[0] == '.' && c[1] == '.') { cur = cur->parent ? cur->parent : cur; clen = 0; }
            else if (clen == 1 && c[0] == '.') clen = 0;
            if (clen > PAL_INV_MAX_PATH) {
                pal_inv_err(err, errcap, "a name longer than %u bytes (PAL_INV_MAX_PATH)", PAL_INV_MAX_PATH);
                return WALK_ERR;
            }
            w->dir = cur;
            memcpy(w->last, c, clen);
            w->last[clen] = 0;
            w->lastlen = clen;
            return WALK_OK;
        }
        pos = after;
        if (clen == 0 || (clen == 1 && c[0] == '.')) continue;
        if (clen == 2 && c[0] == '.' && c[1] == '.') {
            if (cur->parent) cur = cur->parent;   /* the root is its own parent */
            continue;
        }
        node *n = child_of(fs, cur, c, clen);
        if (!n) {
            if (!create) return WALK_MISSING;
            n = new_child(fs, cur, c, clen, err, errcap);
            if (!n) return WALK_ERR;
            n->type = FT_DIR;
            n->mode = 0755;
            n->layer = (uint16_t)fs->layer;
        }
        if (n->type == FT_DIR) { cur = n; continue; }
        if (n->type == FT_SYMLINK && n->link && !fs->windows) {
            if (++*follows > PAL_INV_MAX_SYMLINKS) {
                pal_inv_err(err, errcap, "more than %u symlinks to follow (a symlink loop; PAL_INV_MAX_SYMLINKS)",
                            PAL_INV_MAX_SYMLINKS);
                return WALK_ERR;
            }
            size_t ll = strlen(n->link), rem = rlen - pos;
            fs->follow_bytes += ll + 1 + rem;
            if (fs->follow_bytes > PAL_INV_MAX_FOLLOW_BYTES) {
                pal_inv_err(err, errcap, "resolving symlinks has rewritten more than %llu MiB of paths "
                            "(PAL_INV_MAX_FOLLOW_BYTES; a hostile chain of links)",
                            (unsigned long long)(PAL_INV_MAX_FOLLOW_BYTES >> 20));
                return WALK_ERR;
            }
            if (ll + 1 + rem + 1 > sizeof tmp) {
                pal_inv_err(err, errcap, "symlinks expand to a path longer than %u bytes (PAL_INV_MAX_PATH)",
                            2 * PAL_INV_MAX_PATH);
                return WALK_ERR;
            }
            memcpy(tmp, n->link, ll);
            tmp[ll] = '/';
            memcpy(tmp + ll + 1, rest + pos, rem);
            rlen = ll + 1 + rem;
            tmp[rlen] = 0;
            memcpy(rest, tmp, rlen + 1);
            pos = 0;
            if (n->link[0] == '/') cur = &fs->root;
            continue;
        }
        if (!create) return WALK_MISSING;
        char b[128];
        pal_inv_err(err, errcap, "'%s' is a %s, not a directory, but a later entry is inside it",
                    shown(n->name, b, sizeof b), type_names[n->type]);
        return WALK_ERR;
    }
}

/* The node at path, following symlinks (the last one too when follow). */
static node *lookup(pal_fs *fs, const char *path, bool follow)
{
    unsigned follows = 0;
    char buf[PAL_INV_MAX_PATH + 1];
    node *start = &fs->root;
    walk_out *w = malloc(sizeof *w);
    node *found = NULL;
    if (!w || strlen(path) > PAL_INV_MAX_PATH) goto done;
    strcpy(buf, path);
    for (;;) {
        char e[8];
        if (walk_parent(fs, start, buf, false, &follows, w, e, sizeof e) != WALK_OK) goto done;
        node *n = w->lastlen ? child_of(fs, w->dir, w->last, w->lastlen) : w->dir;
        if (!n) goto done;
        if (!(follow && n->type == FT_SYMLINK && n->link && !fs->windows)) { found = n; goto done; }
        if (++follows > PAL_INV_MAX_SYMLINKS || strlen(n->link) > PAL_INV_MAX_PATH) goto done;
        start = n->link[0] == '/' ? &fs->root : w->dir;
        strcpy(buf, n->link);
    }
done:
    free(w);
    return found;
}

/* ------------------------------------------------------------ databases */

/* Files whose bodies are kept: what the package and account stages read. */
static const char *const db_paths[] = {
    "var/lib/dpkg/status", "lib/apk/db/installed", "usr/lib/apk/db/installed",
    "etc/passwd", "etc/shadow", "etc/group", "etc/os-release", "usr/lib/os-release",
    /* rpm's databases (PAL_INV_MAX_RPMDB_BYTES each): first in RPM_DB_FIRST.. */
    "var/lib/rpm/rpmdb.sqlite", "var/lib/rpm/Packages", "var/lib/rpm/Packages.db",
    "usr/lib/sysimage/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/Packages",
    "usr/lib/sysimage/rpm/Packages.db",
};
#define RPM_DB_FIRST 8u

/* Does (dir, name) resolve to where a database lives?  Resolution follows
   the symlinks already in the tree, so a usrmerged /lib -> usr/lib still
   finds lib/apk/db/installed. */
/* 0: not a database; DB_SMALL: one of PAL_INV_MAX_DB_BYTES; DB_RPM: an rpm
   database, up to PAL_INV_MAX_RPMDB_BYTES. */
enum { DB_NO = 0, DB_SMALL, DB_RPM };
static int is_db(pal_fs *fs, node *dir, const char *name, size_t len)
{
    if (fs->windows) return DB_NO;
    walk_out *w = NULL;
    int yes = DB_NO;
    for (unsigned i = 0; i < sizeof db_paths / sizeof db_paths[0] && !yes; i++) {
        const char *base = strrchr(db_paths[i], '/') + 1;
        if (strlen(base) != len || memcmp(base, name, len)) continue;
        if (!w && !(w = malloc(sizeof *w))) return DB_NO;
        unsigned follows = 0;
        char e[8];
        if (walk_parent(fs, &fs->root, db_paths[i], false, &follows, w, e, sizeof e) == WALK_OK && w->dir == dir)
            yes = i >= RPM_DB_FIRST ? DB_RPM : DB_SMALL;
    }
    free(w);
    if (!yes && dir->namelen == 8 && !memcmp(dir->name, "status.d", 8) &&
        lookup(fs, "var/lib/dpkg/status.d", true) == dir)
        yes = DB_SMALL;
    return yes;
}

pal_fs_body pal_fs_body_at(pal_fs *fs, const char *path)
{
    node *n = lookup(fs, path, true);
    pal_fs_body b = {NULL, 0};
    if (n && n->body && n->keep == KEEP_DB) { b.data = n->body; b.len = n->body_len; }
    return b;
}

static int name_cmp(const void *a, const void *b)
{
    const node *x = *(node *const *)a, *y = *(node *const *)b;
    size_t n = x->namelen < y->namelen ? x->namelen : y->namelen;
    int c = memcmp(x->name, y->name, n);
    return c ? c : (x->namelen > y->namelen) - (x->namelen < y->namelen);
}

/* Children of dir in name order (caller frees); NULL when none/no memory. */
static node **sorted_children(node *dir, size_t *count)
{
    size_t n = 0;
    for (node *c = dir->child; c; c = c->next) n++;
    *count = n;
    if (!n) return NULL;
    node **v = malloc(n * sizeof *v);
    if (!v) { *count = 0; return NULL; }
    n = 0;
    for (node *c = dir->child; c; c = c->next) v[n++] = c;
    qsort(v, n, sizeof *v, name_cmp);
    return v;
}

void pal_fs_bodies_in(pal_fs *fs, const char *dir,
                      void (*fn)(void *ud, const char *name, pal_fs_body body), void *ud)
{
    node *d = lookup(fs, dir, true);
    if (!d || d->type != FT_DIR) return;
    size_t n;
    node **v = sorted_children(d, &n);
    for (size_t i = 0; i < n; i++)
        if (v[i]->body && v[i]->keep == KEEP_DB) {
            pal_fs_body b = {v[i]->body, v[i]->body_len};
            fn(ud, v[i]->name, b);
        }
    free(v);
}

typedef struct lang_item { char *path; node *n; } lang_item;

static int lang_cmp(const void *a, const void *b)
{
    const lang_item *x = a, *y = b;
    bool lx = x->n->lang == PAL_LANG_NPMLOCK, ly = y->n->lang == PAL_LANG_NPMLOCK;
    if (lx != ly) return lx ? 1 : -1;            /* lock files after the node_modules trees */
    return strcmp(x->path, y->path);
}

void pal_fs_lang_bodies(pal_fs *fs, void (*fn)(void *ud, const char *path, int kind, pal_fs_body body), void *ud)
{
    size_t n = 0, cap = 0;
    lang_item *v = NULL;
    for (size_t b = 0; b < fs->nbuckets; b++)
        for (node *x = fs->buckets[b]; x; x = x->hnext) {
            if (x->keep != KEEP_LANG || !x->body) continue;
            /* the path, from the root down */
            size_t len = 0;
            for (node *p = x; p && p != &fs->root; p = p->parent) len += p->namelen + 1;
            char *path = malloc(len + 1);
            if (!path) continue;
            size_t o = len;
            path[o] = 0;
            for (node *p = x; p && p != &fs->root; p = p->parent) {
                o -= p->namelen;
                memcpy(path + o, p->name, p->namelen);
                path[--o] = '/';
            }
            if (n == cap) {
                size_t nc = cap ? 2 * cap : 256;
                lang_item *nv = realloc(v, nc * sizeof *nv);
                if (!nv) { free(path); continue; }
                v = nv;
                cap = nc;
            }
            v[n].path = path;
            v[n++].n = x;
        }
    if (n) qsort(v, n, sizeof *v, lang_cmp);
    for (size_t i = 0; i < n; i++) {
        pal_fs_body body = {v[i].n->body, v[i].n->body_len};
        fn(ud, v[i].path, v[i].n->lang, body);
        free(v[i].path);
    }
    free(v);
}

size_t pal_fs_lang_omitted(const pal_fs *fs) { return fs->lang_omitted; }

/* ------------------------------------------------------------ the fs */

pal_fs *pal_fs_new(bool windows, const pal_inventory_opts *o, pal_inv_budget *b)
{
    pal_fs *fs = calloc(1, sizeof *fs);
    if (!fs) return NULL;
    fs->windows = windows;
    if (o) fs->opts = *o;
    fs->budget = b;
    fs->nbuckets = 1024;
    fs->buckets = calloc(fs->nbuckets, sizeof *fs->buckets);
    if (!fs->buckets) { free(fs); return NULL; }
    fs->root.type = FT_DIR;
    fs->root.mode = 0755;
    if (sodium_init() < 0) { free(fs->buckets); free(fs); return NULL; }
    return fs;
}

void pal_fs_free(pal_fs *fs)
{
    if (!fs) return;
    if (fs->root.child) prune(fs, &fs->root, UINT32_MAX, true);
    free(fs->buckets);
    for (unsigned i = 0; i < fs->nhives; i++) pal_win_facts_clear(&fs->hives[i].f);
    free(fs->hives);
    pal_win_facts_clear(&fs->merged);
    for (unsigned i = 0; i < fs->nwarnings; i++) free(fs->warnings[i]);
    free(fs->warnings);
    free(fs);
}

size_t pal_fs_count(const pal_fs *fs) { return fs->count; }
size_t pal_fs_content_omitted(const pal_fs *fs) { return fs->content_omitted; }

/* ------------------------------------------------------------ layers */

typedef struct layer_ctx {
    pal_fs *fs;
    struct archive *a;
    unsigned index;
    int64_t last;              /* archive_filter_bytes(a, 0) already counted */
    const char *entry;         /* raw entry name, for messages */
    const char *path;          /* the cleaned name (what language packages are told by) */
    int lang;                  /* keep_kind's PAL_LANG_* verdict for the current file */
    char *err;
    size_t errcap;
} layer_ctx;

static int lerr(layer_ctx *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int lerr(layer_ctx *L, const char *fmt, ...)
{
    char msg[512], b[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (L->entry) pal_inv_err(L->err, L->errcap, "layer %u, entry '%s': %s", L->index,
                              shown(L->entry, b, sizeof b), msg);
    else pal_inv_err(L->err, L->errcap, "layer %u: %s", L->index, msg);
    return -1;
}

/* A warning: something the image should not hold but that does not stop
   the read ("layer N, entry 'x': ..."), kept up to PAL_INV_MAX_WARNINGS. */
static void lwarn(layer_ctx *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void lwarn(layer_ctx *L, const char *fmt, ...)
{
    pal_fs *fs = L->fs;
    if (fs->nwarnings >= PAL_INV_MAX_WARNINGS) { fs->warnings_omitted++; return; }
    char msg[512], b[160], line[800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "layer %u, entry '%s': %s", L->index, shown(L->entry, b, sizeof b), msg);
    char **nw = realloc(fs->warnings, (fs->nwarnings + 1) * sizeof *nw);
    if (!nw) return;
    fs->warnings = nw;
    if ((nw[fs->nwarnings] = strdup(line))) fs->nwarnings++;
}

static int account(layer_ctx *L, uint64_t extra)
{
    int64_t now = archive_filter_bytes(L->a, 0);
    uint64_t d = now > L->last ? (uint64_t)(now - L->last) : 0;
    L->last = now > L->last ? now : L->last;
    char e[400];
    if (pal_inv_budget_add(L->fs->budget, d + extra, e, sizeof e) < 0) return lerr(L, "%s", e);
    return 0;
}

/* Body handling for one regular file: hashes, kept body, hive memfd. */
typedef struct body_sink {
    bool hash;
    pal_sha256 sha;
    pal_md5 md5;
    char *keep;                /* kept bytes (cap = keep_cap) */
    size_t keep_len, keep_cap;
    bool keep_overflow;
    int memfd;                 /* hive, or -1 */
    bool memfd_failed;
    bool sniff_elf;            /* keep only if the first bytes are an ELF header */
} body_sink;

static void sink_bytes(body_sink *s, const void *p, size_t n)
{
    if (s->hash) {
        pal_sha256_md5_update(&s->sha, &s->md5, p, n);
    }
    if (s->keep) {
        size_t k = n;
        if (k > s->keep_cap - s->keep_len) { s->keep_overflow = true; k = s->keep_cap - s->keep_len; }
        memcpy(s->keep + s->keep_len, p, k);
        s->keep_len += k;
        if (s->sniff_elf && s->keep_len >= 4) {
            s->sniff_elf = false;
            if (memcmp(s->keep, "\177ELF", 4)) { free(s->keep); s->keep = NULL; s->keep_len = 0; }
        }
    }
    if (s->memfd >= 0 && !s->memfd_failed) {
        const char *c = p;
        while (n) {
            ssize_t w = write(s->memfd, c, n);
            if (w <= 0) { s->memfd_failed = true; break; }
            c += w;
            n -= (size_t)w;
        }
    }
}

static int sink_zeros(layer_ctx *L, body_sink *s, uint64_t n)
{
    static const unsigned char zeros[65536];
    if (account(L, n) < 0) return -1;
    while (n) {
        size_t k = n < sizeof zeros ? (size_t)n : sizeof zeros;
        sink_bytes(s, zeros, k);
        n -= k;
    }
    return 0;
}

/* Reads (or skips) the current entry's data through the budget.  Sparse
   holes are zeros to the hashes, as they are to a reader of the file. */
static int read_body(layer_ctx *L, body_sink *s, int64_t declared)
{
    bool sinking = s && (s->hash || s->keep || s->memfd >= 0);
    int64_t pos = 0;
    for (;;) {
        const void *buf;
        size_t len;
        la_int64_t off;
        int r = archive_read_data_block(L->a, &buf, &len, &off);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN)
            return lerr(L, "the layer is truncated or corrupt: %s", archive_error_string(L->a));
        if (account(L, 0) < 0) return -1;
        if (!sinking) continue;
        if (off > pos && sink_zeros(L, s, (uint64_t)(off - pos)) < 0) return -1;
        sink_bytes(s, buf, len);
        if (off + (int64_t)len > pos) pos = off + (int64_t)len;
    }
    if (sinking && declared > pos && sink_zeros(L, s, (uint64_t)(declared - pos)) < 0) return -1;
    return 0;
}

/* Valid UTF-8 text without NUL: what `content` may hold. */
static bool is_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0) return false;
        if (c < 0x80) { i++; continue; }
        size_t k = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
        if (!k || c > 0xf4 || i + k > n) return false;
        for (size_t j = 1; j < k; j++)
            if (((unsigned char)s[i + j] & 0xc0) != 0x80) return false;
        i += k;
    }
    return true;
}

static int record_hive(layer_ctx *L, int fd, bool delta)
{
    pal_fs *fs = L->fs;
    hive_rec *h = realloc(fs->hives, (fs->nhives + 1) * sizeof *h);
    if (!h) { close(fd); return lerr(L, "out of memory"); }
    fs->hives = h;
    hive_rec *r = &h[fs->nhives];
    memset(r, 0, sizeof *r);
    r->layer = L->index;
    r->delta = delta;
    char e[256];
    if (pal_hive_facts_fd(fd, &r->f, e, sizeof e) < 0) {
        /* A hive hivex cannot read is not fatal: the config's os.version
           still gives the build, and the inventory says which hive failed. */
        pal_win_facts_clear(&r->f);
        char b[160];
        snprintf(r->f.error, sizeof r->f.error, "layer %u, %.120s: %.180s", L->index,
                 shown(L->entry, b, sizeof b), e);
    }
    fs->nhives++;
    fs->merged_done = false;
    return 0;
}

static void set_meta(node *n, struct archive_entry *ae, unsigned layer)
{
    int64_t uid = archive_entry_uid(ae), gid = archive_entry_gid(ae);
    n->mode = archive_entry_perm(ae) & 07777;
    n->uid = uid < 0 ? 0 : uid > UINT32_MAX ? UINT32_MAX : (uint32_t)uid;
    n->gid = gid < 0 ? 0 : gid > UINT32_MAX ? UINT32_MAX : (uint32_t)gid;
    n->layer = (uint16_t)layer;
}

/* --- one entry, in named steps ---
 *
 * apply_entry() reads as the order of work: clean the name, route Windows
 * layers (Files/, Hives/, UtilityVM/), resolve the parent directory, apply a
 * whiteout, or else place a node (resolving a hardlink's target first) and
 * stream a regular file's body into what it feeds.  Each step either
 * finishes the entry (its data skipped) or hands it on. */

enum { ENTRY_DONE = 1, ENTRY_GO_ON = 0 };   /* steps return these, or -1 */

/* The entry's name, cleaned into path (PAL_INV_MAX_PATH + 1 bytes). */
static int entry_path(layer_ctx *L, struct archive_entry *ae, char *path, size_t cap)
{
    const char *raw = archive_entry_pathname_utf8(ae);
    if (!raw) raw = archive_entry_pathname(ae);
    if (!raw) return lerr(L, "an entry has no name (the layer is corrupt)");
    L->entry = raw;
    int c = pal_inv_clean_name(NULL, raw, PAL_NAME_ROOTED, path, cap);
    if (c == PAL_NAME_ESCAPES)
        return lerr(L, "the name climbs out of the image root with '..' (docker refuses such "
                       "layers; the image is malformed or hostile)");
    if (c == PAL_NAME_TOO_LONG) return lerr(L, "the name is longer than %u bytes (PAL_INV_MAX_PATH)", PAL_INV_MAX_PATH);
    return 0;
}

/* Hives/Software_Delta or Hives/Software_Base: the layer's registry, read
   by hive.c from a memory file; nothing of it enters the tree. */
static int read_hive_entry(layer_ctx *L, struct archive_entry *ae, bool delta)
{
    int64_t sz = archive_entry_size(ae);
    if (sz > (int64_t)PAL_INV_MAX_HIVE_BYTES)
        return lerr(L, "registry hive larger than %u MiB (PAL_INV_MAX_HIVE_BYTES)", PAL_INV_MAX_HIVE_BYTES >> 20);
    body_sink s = {.memfd = memfd_create("palisade-hive", MFD_CLOEXEC)};
    if (s.memfd < 0) return lerr(L, "cannot make a memory file for the hive: %s", strerror(errno));
    if (read_body(L, &s, sz) < 0) { close(s.memfd); return -1; }
    if (s.memfd_failed) { close(s.memfd); return lerr(L, "cannot buffer the hive: %s", strerror(errno)); }
    return record_hive(L, s.memfd, delta);
}

/* Windows layers: Files/ is C:\, Hives/ the registry, UtilityVM/ not the
   image's.  *rel becomes the path under C:\ and *hive says whether it is the
   base SOFTWARE hive; anything outside Files/ is finished here. */
static int windows_entry(layer_ctx *L, struct archive_entry *ae, const char *path, const char **rel,
                         bool *hive)
{
    const char *slash = strchr(path, '/');
    size_t top = slash ? (size_t)(slash - path) : strlen(path);
    if (!ieq(path, top, "Files")) {
        bool regular = archive_entry_filetype(ae) == AE_IFREG && !archive_entry_hardlink(ae);
        if (regular && ieq(path, top, "Hives") && slash &&
            (!strcasecmp(slash + 1, "Software_Delta") || !strcasecmp(slash + 1, "Software_Base"))) {
            if (read_hive_entry(L, ae, !strcasecmp(slash + 1, "Software_Delta")) < 0) return -1;
            return ENTRY_DONE;
        }
        return read_body(L, NULL, 0) < 0 ? -1 : ENTRY_DONE;
    }
    *rel = slash ? slash + 1 : "";
    *hive = !strcasecmp(*rel, "Windows/System32/config/SOFTWARE");
    return ENTRY_GO_ON;
}

/* Whiteouts hide what lower layers put here. */
static int apply_whiteout(layer_ctx *L, node *dir, const char *name, size_t nlen)
{
    if (nlen < 4 || memcmp(name, ".wh.", 4)) return ENTRY_GO_ON;
    if (nlen == 12 && !memcmp(name, ".wh..wh..opq", 12)) {
        prune(L->fs, dir, L->index, true);
    } else if (nlen >= 8 && !memcmp(name, ".wh..wh.", 8)) {
        /* aufs metadata (.wh..wh.plnk, .wh..wh.aufs): not part of the fs */
    } else if (nlen == 4 || (nlen == 5 && name[4] == '.') || (nlen == 6 && name[4] == '.' && name[5] == '.')) {
        /* ".wh.", ".wh..", ".wh...": the directory itself, or its parent */
        if (dir == &L->fs->root) lwarn(L, "a whiteout of '/' is ignored (a layer cannot remove the root)");
        else lwarn(L, "a whiteout of its own directory is ignored (a whiteout names a file in it)");
    } else {
        node *hidden = child_of(L->fs, dir, name + 4, nlen - 4);
        if (hidden) prune(L->fs, hidden, L->index, false);
    }
    return read_body(L, NULL, 0) < 0 ? -1 : ENTRY_DONE;
}

static uint8_t entry_type(struct archive_entry *ae)
{
    if (archive_entry_hardlink(ae)) return FT_HARDLINK;
    switch (archive_entry_filetype(ae)) {
    case AE_IFDIR: return FT_DIR;
    case AE_IFLNK: return FT_SYMLINK;
    case AE_IFCHR: return FT_CHAR;
    case AE_IFBLK: return FT_BLOCK;
    case AE_IFIFO: return FT_FIFO;
    case AE_IFSOCK: return FT_SOCKET;
    default: return FT_FILE;
    }
}

/* Where a path inside the root leads (its last component not followed):
   the node there (NULL if none) and whether it is (dir, name) itself. */
static node *resolve_at(pal_fs *fs, const char *path, walk_out *w, node *dir, const char *name, size_t nlen,
                        bool *is_entry)
{
    unsigned follows = 0;
    char e[8];
    *is_entry = false;
    if (!*path || walk_parent(fs, &fs->root, path, false, &follows, w, e, sizeof e) != WALK_OK) return NULL;
    if (!w->lastlen) return w->dir;
    *is_entry = w->dir == dir && same_name(fs, w->last, w->lastlen, name, nlen);
    return child_of(fs, w->dir, w->last, w->lastlen);
}

/* A hardlink whose target is itself a dangling hardlink: follows the chain
   (a few hops) to tell a loop back to this entry from a chain that ends at
   nothing. */
static void warn_dangling_chain(layer_ctx *L, node *tn, const char *shown_target, walk_out *w, node *dir,
                                const char *name, size_t nlen)
{
    node *cur = tn;
    for (unsigned hop = 0; hop < PAL_INV_MAX_HARDLINK_HOPS; hop++) {
        bool is_entry;
        node *next = resolve_at(L->fs, cur->link ? cur->link : "", w, dir, name, nlen, &is_entry);
        if (is_entry) {
            lwarn(L, "a hardlink loop: '%s' links back to this entry through its own target "
                  "(neither has a file to share; kept as hardlinks with no size or hashes)", shown_target);
            return;
        }
        if (!next || next->type != FT_HARDLINK || !next->dangling) break;
        cur = next;
    }
    lwarn(L, "hardlink to '%s', itself a hardlink to nothing (kept with no size or hashes)", shown_target);
}

/* A hardlink shares its target's inode: the target is resolved before
   anything at this path is replaced (it may be a link to itself).  trel
   (PAL_INV_MAX_PATH + 1 bytes) gets the target's path inside the root;
   *target a copy of its node when it exists and is not a directory.  A
   target that is missing, a directory, the entry itself, or a hardlink to
   nothing is a warning. */
static int hardlink_target(layer_ctx *L, const char *hl, node *dir, const char *name, size_t nlen,
                           char *trel_out, node *target, bool *have_target)
{
    pal_fs *fs = L->fs;
    char clean[PAL_INV_MAX_PATH + 1];
    int tc = pal_inv_clean_name(NULL, hl, PAL_NAME_ROOTED, clean, sizeof clean);
    if (tc == PAL_NAME_ESCAPES) return lerr(L, "hardlink target climbs out of the image root with '..' (a hostile layer)");
    if (tc == PAL_NAME_TOO_LONG) return lerr(L, "hardlink target longer than %u bytes (PAL_INV_MAX_PATH)", PAL_INV_MAX_PATH);
    const char *trel = clean;
    if (fs->windows) {
        const char *slash = strchr(clean, '/');
        trel = slash && ieq(clean, (size_t)(slash - clean), "Files") ? slash + 1 : "";
    }
    snprintf(trel_out, PAL_INV_MAX_PATH + 1, "%s", trel);
    walk_out *w = malloc(sizeof *w);
    if (!w) return lerr(L, "out of memory");
    bool self;
    node *tn = resolve_at(fs, trel, w, dir, name, nlen, &self);
    char b[160];
    const char *st = shown(hl, b, sizeof b);
    *have_target = tn && tn->type != FT_DIR;
    if (*have_target) *target = *tn;
    if (self && *have_target && !tn->dangling)
        lwarn(L, "a hardlink to itself (it keeps the file it replaces)");
    else if (self)
        lwarn(L, "a hardlink to itself, with no file to share (kept with no size or hashes)");
    else if (!tn)
        lwarn(L, "hardlink to '%s', which no earlier entry created (kept with no size or hashes)", st);
    else if (tn->type == FT_DIR)
        lwarn(L, "hardlink to '%s', a directory (hardlinks name files; kept with no size or hashes)", st);
    else if (tn->type == FT_HARDLINK && tn->dangling)
        warn_dangling_chain(L, tn, st, w, dir, name, nlen);
    free(w);
    return 0;
}

/* The node an entry of `type` lands on: what was at (dir, name) is
   replaced, except that a directory over a directory keeps its children. */
static node *place_node(layer_ctx *L, node *dir, const char *name, size_t nlen, uint8_t type,
                        struct archive_entry *ae)
{
    pal_fs *fs = L->fs;
    node *n = child_of(fs, dir, name, nlen);
    if (n && !(n->type == FT_DIR && type == FT_DIR)) {
        remove_subtree(fs, n);
        n = NULL;
    }
    char e[400];
    if (!n && !(n = new_child(fs, dir, name, nlen, e, sizeof e))) { lerr(L, "%s", e); return NULL; }
    drop_body(fs, n);
    free(n->link);
    n->link = NULL;
    n->type = type;
    n->hashed = 0;
    n->dangling = 0;
    set_meta(n, ae, L->index);
    n->size = type == FT_FILE && archive_entry_size(ae) > 0 ? archive_entry_size(ae) : 0;
    return n;
}

/* A symlink's target as written; a hardlink's as a path in the root, with
   its target's metadata and hashes when the target exists. */
static int set_link(layer_ctx *L, node *n, struct archive_entry *ae, const char *hardlink_rel,
                    const node *target)
{
    const char *t = n->type == FT_SYMLINK ? archive_entry_symlink_utf8(ae) : hardlink_rel;
    if (!t && n->type == FT_SYMLINK) t = archive_entry_symlink(ae);
    if (!t) t = "";
    if (strlen(t) > PAL_INV_MAX_PATH) return lerr(L, "link target longer than %u bytes (PAL_INV_MAX_PATH)", PAL_INV_MAX_PATH);
    n->link = strdup(t);
    if (!n->link) return lerr(L, "out of memory");
    if (target) {
        n->mode = target->mode;
        n->uid = target->uid;
        n->gid = target->gid;
        n->size = target->size;
        n->hashed = target->hashed;
        memcpy(n->sha256, target->sha256, sizeof n->sha256);
        memcpy(n->md5, target->md5, sizeof n->md5);
    }
    return 0;
}

/* Whether a regular file's body is kept (KEEP_DB, KEEP_CONTENT), decided
   before it streams past; -1 when a database is over its limits. */
static int keep_kind(layer_ctx *L, node *dir, const char *name, size_t nlen, const node *file)
{
    pal_fs *fs = L->fs;
    int64_t sz = file->size;
    L->lang = PAL_LANG_NONE;
    int db = is_db(fs, dir, name, nlen);
    if (db) {
        if (db == DB_SMALL && sz > (int64_t)PAL_INV_MAX_DB_BYTES)
            return lerr(L, "database file larger than %u MiB (PAL_INV_MAX_DB_BYTES)", PAL_INV_MAX_DB_BYTES >> 20);
        if (db == DB_RPM && sz > (int64_t)PAL_INV_MAX_RPMDB_BYTES)
            return lerr(L, "rpm database larger than %u MiB (PAL_INV_MAX_RPMDB_BYTES)", PAL_INV_MAX_RPMDB_BYTES >> 20);
        if (fs->kept_bytes + (size_t)sz > PAL_INV_MAX_KEPT_BYTES)
            return lerr(L, "package and account databases over %u MiB in all (PAL_INV_MAX_KEPT_BYTES)",
                        PAL_INV_MAX_KEPT_BYTES >> 20);
        return KEEP_DB;
    }
    if (!fs->windows && L->path && (L->lang = pal_lang_classify(L->path, file->mode, sz))) {
        /* metadata is kept whole, within the budget; jars and binaries are
           buffered while they stream and only their summary is kept */
        bool whole = L->lang != PAL_LANG_JAR && L->lang != PAL_LANG_EXEC;
        if (!whole || fs->lang_bytes + (size_t)sz <= PAL_INV_MAX_LANG_BYTES) return KEEP_LANG;
        fs->lang_omitted++;
        L->lang = PAL_LANG_NONE;
    }
    if (fs->opts.content_max && (size_t)sz <= fs->opts.content_max) {
        if (fs->content_bytes + (size_t)sz <= PAL_INV_MAX_CONTENT_TOTAL) return KEEP_CONTENT;
        fs->content_omitted++;
    }
    return KEEP_NONE;
}

/* A regular file's body streams through the hashes, into its kept copy
   and, for the base SOFTWARE hive, into a memory file for hive.c. */
static int read_file(layer_ctx *L, node *n, int keep, bool hive)
{
    pal_fs *fs = L->fs;
    body_sink s = {.hash = fs->opts.hashes, .memfd = -1, .sniff_elf = keep == KEEP_LANG && L->lang == PAL_LANG_EXEC};
    int64_t sz = n->size;
    if (keep) {
        s.keep_cap = (size_t)sz;
        s.keep = malloc(s.keep_cap + 1);
        if (!s.keep) return lerr(L, "out of memory");
    }
    if (hive) {
        if (sz > (int64_t)PAL_INV_MAX_HIVE_BYTES) {
            free(s.keep);
            return lerr(L, "registry hive larger than %u MiB (PAL_INV_MAX_HIVE_BYTES)", PAL_INV_MAX_HIVE_BYTES >> 20);
        }
        s.memfd = memfd_create("palisade-hive", MFD_CLOEXEC);
        if (s.memfd < 0) { free(s.keep); return lerr(L, "cannot make a memory file for the hive: %s", strerror(errno)); }
    }
    if (s.hash) {
        pal_sha256_init(&s.sha);
        pal_md5_init(&s.md5);
    }
    if (read_body(L, &s, sz) < 0) {
        free(s.keep);
        if (s.memfd >= 0) close(s.memfd);
        return -1;
    }
    if (s.hash) {
        pal_sha256_final(&s.sha, n->sha256);
        pal_md5_final(&s.md5, n->md5);
        n->hashed = 1;
    }
    if (s.keep && keep == KEEP_LANG && (L->lang == PAL_LANG_JAR || L->lang == PAL_LANG_EXEC)) {
        /* the buffered jar or binary gives way to its summary */
        const char *base = strrchr(L->path, '/');
        char *sum = pal_lang_summarize(L->lang, s.keep, s.keep_len, base ? base + 1 : L->path);
        free(s.keep);
        s.keep = sum;
        s.keep_len = sum ? strlen(sum) : 0;
        if (sum && fs->lang_bytes + s.keep_len > PAL_INV_MAX_LANG_BYTES) {
            free(sum);
            s.keep = NULL;
            fs->lang_omitted++;
        }
    }
    if (s.keep) {
        if (keep == KEEP_CONTENT && !is_text(s.keep, s.keep_len)) {
            free(s.keep);
        } else {
            s.keep[s.keep_len] = 0;
            n->body = s.keep;
            n->body_len = s.keep_len;
            n->keep = (uint8_t)keep;
            n->lang = keep == KEEP_LANG ? (uint8_t)L->lang : 0;
            if (keep == KEEP_CONTENT) fs->content_bytes += s.keep_len;
            else if (keep == KEEP_LANG) fs->lang_bytes += s.keep_len;
            else fs->kept_bytes += s.keep_len;
        }
    }
    if (s.memfd >= 0 && !s.memfd_failed) return record_hive(L, s.memfd, false);
    if (s.memfd >= 0) close(s.memfd);   /* could not buffer it: the config's os.version remains */
    return 0;
}

/* The entry at rel, once its parent is resolved (w). */
static int apply_at(layer_ctx *L, struct archive_entry *ae, const walk_out *w, bool hive)
{
    node *dir = w->dir;
    const char *name = w->last;
    size_t nlen = w->lastlen;
    int r = apply_whiteout(L, dir, name, nlen);
    if (r != ENTRY_GO_ON) return r < 0 ? -1 : 0;

    uint8_t type = entry_type(ae);
    node target = {0};
    bool have_target = false;
    char hardlink_rel[PAL_INV_MAX_PATH + 1] = "";
    if (type == FT_HARDLINK &&
        hardlink_target(L, archive_entry_hardlink(ae), dir, name, nlen, hardlink_rel, &target, &have_target) < 0)
        return -1;
    node *n = place_node(L, dir, name, nlen, type, ae);
    if (!n) return -1;
    n->dangling = type == FT_HARDLINK && (!have_target || target.dangling);
    if ((type == FT_SYMLINK || type == FT_HARDLINK) &&
        set_link(L, n, ae, hardlink_rel, have_target ? &target : NULL) < 0)
        return -1;
    if (type != FT_FILE) return read_body(L, NULL, 0);
    int keep = keep_kind(L, dir, name, nlen, n);
    return keep < 0 ? -1 : read_file(L, n, keep, hive);
}

static int apply_entry(layer_ctx *L, struct archive_entry *ae)
{
    char path[PAL_INV_MAX_PATH + 1];
    if (entry_path(L, ae, path, sizeof path) < 0) return -1;
    const char *rel = path;
    bool hive = false;
    if (L->fs->windows) {
        int r = windows_entry(L, ae, path, &rel, &hive);
        if (r != ENTRY_GO_ON) return r < 0 ? -1 : 0;
    }
    if (!*rel) return read_body(L, NULL, 0);   /* the root itself */
    L->path = rel;

    unsigned follows = 0;
    walk_out *w = malloc(sizeof *w);
    if (!w) return lerr(L, "out of memory");
    char e[400];
    int rc;
    if (walk_parent(L->fs, &L->fs->root, rel, true, &follows, w, e, sizeof e) != WALK_OK)
        rc = lerr(L, "%s", e);
    else if (w->lastlen == 0)
        rc = read_body(L, NULL, 0);             /* resolved to the root */
    else
        rc = apply_at(L, ae, w, hive);
    free(w);
    return rc;
}

int pal_fs_apply_layer(pal_fs *fs, struct archive *a, unsigned index, char *err, size_t errcap)
{
    layer_ctx L = {.fs = fs, .a = a, .index = index, .err = err, .errcap = errcap};
    fs->layer = index;
    for (;;) {
        struct archive_entry *ae;
        L.entry = NULL;
        int r = archive_read_next_header(a, &ae);
        if (r == ARCHIVE_EOF) return 0;
        if (r < ARCHIVE_WARN) {
            const char *why = archive_error_string(a);
            return lerr(&L, "%s (the layer is not a tar archive, or is truncated or corrupt)",
                        why ? why : "unreadable");
        }
        if (account(&L, 0) < 0) return -1;
        if (++fs->budget->entries > PAL_INV_MAX_ENTRIES)
            return lerr(&L, "more than %u tar entries over all layers (PAL_INV_MAX_ENTRIES)",
                        PAL_INV_MAX_ENTRIES);
        if (apply_entry(&L, ae) < 0) return -1;
    }
}

/* ------------------------------------------------------------ output */

static void add_num(cJSON *o, const char *k, double v)
{
    cJSON *n = cJSON_CreateNumber(v);
    if (n) cJSON_AddItemToObjectCS(o, k, n);
}

static void add_s(cJSON *o, const char *k, const char *s, size_t n)
{
    cJSON *v = pal_inv_str(s, n);
    if (v) cJSON_AddItemToObjectCS(o, k, v);
}

static cJSON *node_json(pal_fs *fs, const node *n, const char *path, size_t plen)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    add_s(o, "path", path, plen);
    cJSON_AddItemToObjectCS(o, "type", cJSON_CreateStringReference(type_names[n->type]));
    add_num(o, "mode", n->mode);
    add_num(o, "uid", n->uid);
    add_num(o, "gid", n->gid);
    add_num(o, "size", (double)n->size);
    if (n->link) {
        if (n->type == FT_HARDLINK) {
            /* Shown as the path it names, in the image's own notation. */
            size_t ll = strlen(n->link);
            char *p = malloc(ll + 4);
            if (p) {
                size_t o2 = 0;
                if (fs->windows) { memcpy(p, "C:\\", 3); o2 = 3; } else p[o2++] = '/';
                for (size_t i = 0; i < ll; i++) p[o2++] = fs->windows && n->link[i] == '/' ? '\\' : n->link[i];
                add_s(o, "link", p, o2);
                free(p);
            }
        } else {
            add_s(o, "link", n->link, strlen(n->link));
        }
    }
    cJSON_AddItemToObjectCS(o, "setuid", cJSON_CreateBool(n->mode & 04000));
    cJSON_AddItemToObjectCS(o, "setgid", cJSON_CreateBool(n->mode & 02000));
    if (n->hashed) {
        char hex[65];
        pal_hex(n->sha256, 32, hex);
        add_s(o, "sha256", hex, 64);
        pal_hex(n->md5, 16, hex);
        add_s(o, "md5", hex, 32);
    }
    add_num(o, "layer", n->layer);
    /* Databases kept for the package/account stages are content too (a
       jar's or a binary's summary is not the file's content). */
    if (n->body && !(n->keep == KEEP_LANG && (n->lang == PAL_LANG_JAR || n->lang == PAL_LANG_EXEC)) &&
        (n->keep == KEEP_CONTENT ||
                    (fs->opts.content_max && n->body_len <= fs->opts.content_max && is_text(n->body, n->body_len))))
        add_s(o, "content", n->body, n->body_len);
    return o;
}

cJSON *pal_fs_files_json(pal_fs *fs)
{
    cJSON *arr = cJSON_CreateArray();
    if (!arr) return NULL;
    /* Depth-first, children in name order; the path buffer holds the
       current node's path and each stack entry remembers how much of it is
       its parent's. */
    typedef struct frame { node *n; size_t plen; } frame;
    size_t cap = 1024, top = 0, pcap = 4096;
    frame *st = malloc(cap * sizeof *st);
    char *path = malloc(pcap);
    cJSON *tail = NULL;
    if (!st || !path) goto oom;
    const char *rootp = fs->windows ? "C:" : "";
    size_t rootlen = strlen(rootp);
    memcpy(path, rootp, rootlen);
    char sep = fs->windows ? '\\' : '/';
    {
        size_t k;
        node **v = sorted_children(&fs->root, &k);
        if (k && !v) goto oom;
        if (k > cap) { frame *ns = realloc(st, k * sizeof *st); if (!ns) { free(v); goto oom; } st = ns; cap = k; }
        for (size_t i = k; i-- > 0;) st[top++] = (frame){v[i], rootlen};
        free(v);
    }
    while (top) {
        frame f = st[--top];
        node *n = f.n;
        size_t need = f.plen + 1 + n->namelen + 1;
        if (need > pcap) {
            while (pcap < need) pcap *= 2;
            char *np = realloc(path, pcap);
            if (!np) goto oom;
            path = np;
        }
        path[f.plen] = sep;
        memcpy(path + f.plen + 1, n->name, n->namelen);
        size_t plen = f.plen + 1 + n->namelen;
        cJSON *o = node_json(fs, n, path, plen);
        if (!o) goto oom;
        /* Appending at the tail keeps this linear (cJSON_AddItemToArray
           walks the list). */
        if (!tail) arr->child = o; else { tail->next = o; o->prev = tail; }
        tail = o;
        arr->child->prev = tail;
        if (n->type == FT_DIR && n->child) {
            size_t k;
            node **v = sorted_children(n, &k);
            if (!v) goto oom;
            if (top + k > cap) {
                size_t nc = (top + k) * 2;
                frame *ns = realloc(st, nc * sizeof *ns);
                if (!ns) { free(v); goto oom; }
                st = ns;
                cap = nc;
            }
            for (size_t i = k; i-- > 0;) st[top++] = (frame){v[i], plen};
            free(v);
        }
    }
    free(st);
    free(path);
    return arr;
oom:
    free(st);
    free(path);
    cJSON_Delete(arr);
    return NULL;
}

/* ------------------------------------------------------------ windows */

static int kb_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int rec_cmp(const void *a, const void *b)
{
    const hive_rec *x = a, *y = b;
    if (x->layer != y->layer) return x->layer < y->layer ? -1 : 1;
    return x->delta - y->delta;
}

const pal_win_facts *pal_fs_windows(pal_fs *fs)
{
    if (!fs->nhives) return NULL;
    if (fs->merged_done) return &fs->merged;
    pal_win_facts_clear(&fs->merged);
    pal_win_facts *m = &fs->merged;
    /* Bottom to top, a base hive before its layer's delta: later wins. */
    qsort(fs->hives, fs->nhives, sizeof *fs->hives, rec_cmp);
    size_t total = 0;
    for (unsigned i = 0; i < fs->nhives; i++) total += fs->hives[i].f.nkbs;
    m->kbs = total ? malloc(total * sizeof *m->kbs) : NULL;
    for (unsigned i = 0; i < fs->nhives; i++) {
        const pal_win_facts *f = &fs->hives[i].f;
        if (f->have_product) { m->have_product = true; memcpy(m->product_name, f->product_name, sizeof m->product_name); }
        if (f->have_build) { m->have_build = true; m->build = f->build; }
        if (f->have_ubr) { m->have_ubr = true; m->ubr = f->ubr; }
        if (f->have_major) { m->have_major = true; m->major = f->major; }
        if (f->have_minor) { m->have_minor = true; m->minor = f->minor; }
        for (unsigned k = 0; m->kbs && k < f->nkbs; k++)
            if ((m->kbs[m->nkbs] = strdup(f->kbs[k]))) m->nkbs++;
    }
    if (m->nkbs) {
        qsort(m->kbs, m->nkbs, sizeof *m->kbs, kb_cmp);
        unsigned w = 0;
        for (unsigned i = 0; i < m->nkbs; i++) {
            if (w && !strcmp(m->kbs[w - 1], m->kbs[i])) free(m->kbs[i]);
            else m->kbs[w++] = m->kbs[i];
        }
        m->nkbs = w;
    }
    fs->merged_done = true;
    return m;
}

unsigned pal_fs_warnings(const pal_fs *fs, const char *const **out, unsigned *omitted)
{
    *out = (const char *const *)fs->warnings;
    *omitted = fs->warnings_omitted;
    return fs->nwarnings;
}

unsigned pal_fs_hive_errors(pal_fs *fs, const char **out, unsigned max)
{
    unsigned k = 0;
    for (unsigned i = 0; i < fs->nhives && k < max; i++)
        if (fs->hives[i].f.error[0]) out[k++] = fs->hives[i].f.error;
    return k;
}
