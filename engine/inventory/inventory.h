/*
 * inventory.h — what a container image holds, read from its tarball.
 *
 * Design. `pal_inventory_read` turns a `docker save` tarball (legacy
 * `<id>/layer.tar` layout or Docker >= 25's combined manifest.json + OCI
 * layout), an OCI image-layout tarball, either of them gzipped/zstd'd, or a
 * directory holding the same layout (skopeo's oci:DIR), into
 * one cJSON tree whose shape is the PS_IMAGE schema (engine/core/schema.c):
 *
 *   { "image":    { name, tags, id, os, os_version, architecture, created,
 *                   config { user, env[{name,value}], entrypoint, cmd,
 *                            working_dir, exposed_ports, volumes,
 *                            labels[{name,value}], healthcheck },
 *                   history [{created_by, empty_layer, created, comment}],
 *                   layout, layers [{index, blob, digest, media_type, diff_id}],
 *                   diff_ids },
 *     "files":    [{path, type, mode, uid, gid, size, link, setuid, setgid,
 *                   sha256, md5, layer, content}],
 *     "packages": [{name, version, source, source_version, architecture,
 *                   ecosystem, status}],
 *     "users":    [{name, uid, gid, home, shell, empty_password, locked}],
 *     "groups":   [{name, gid, members}],
 *     "windows":  {product_name, build, ubr, version, kbs, source, hive_errors},
 *     "warnings": [string] }
 *
 * "warnings" lists what the image should not hold but that does not make
 * its inventory wrong, each naming the layer and entry: hardlinks to
 * missing targets, to directories, to themselves, hardlink loops,
 * whiteouts of '/', and registry hives that could not be read (also in
 * windows.hive_errors).  Always present, [] when there is nothing to say.
 *
 * Nothing is ever extracted to disk and no file body is held in memory: the
 * image is read in stages, one file each, streaming through libarchive:
 *
 *   tar.c      the outer tarball: an index of its entries (one pass
 *                        that keeps only small JSON blobs), then one stream
 *                        per layer, each opened as a nested tar reader
 *   layout.c   manifest.json / index.json / config -> the "image"
 *                        object and the ordered list of layer blobs
 *   layer.c    applies layers in order to an in-memory tree of
 *                        metadata (whiteouts, opaque dirs, symlinked parents
 *                        resolved inside the root), hashing file bodies as
 *                        they stream past
 *   blob.c     one layer blob: gzip/zstd sniffed and decompressed, the
 *                        blob and its uncompressed tar hashed as they stream
 *                        and checked against the manifest's digest and the
 *                        config's rootfs.diff_ids
 *   hash.c     SHA-256 (libsodium) and MD5 over streamed bytes
 *   packages.c dpkg status / status.d and apk installed databases
 *   rpmdb.c    rpm databases (sqlite, Berkeley DB hash, ndb) and headers
 *   distro.c   os-release -> image.distro; package URLs
 *   langpkg.c  npm, Python, gems, Go/Rust binaries, jars: language packages
 *   users.c    /etc/passwd, /etc/shadow, /etc/group
 *   hive.c     Windows SOFTWARE hive facts through libhivex
 *   inventory.c          the driver: runs the stages, assembles the tree
 *
 * Memory is bounded by the number of files (metadata only), never by the
 * size of the image: the only bodies kept are the package and account
 * databases (each capped) and, when asked, small text files (`content_max`,
 * capped in total); a registry hive is held in an anonymous memory file
 * (memfd) just long enough for hivex to read it.
 *
 * Ownership: pal_inventory_read gives the caller a cJSON tree to free with
 * cJSON_Delete; every other allocation is freed before it returns.
 */
#ifndef PAL_INVENTORY_H
#define PAL_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <cJSON.h>
#include <sodium.h>

/*
 * Limits on hostile images.  They live here rather than in engine/base/limits.h
 * only because that header belongs to another part of the tree; each one is
 * documented, and exceeding one is an error naming it, except the two marked
 * "bounded outcome", which are visible in the inventory instead.
 */
#define PAL_INV_MAX_OUTER_ENTRIES 200000u     /* entries in the outer tarball */
#define PAL_INV_MAX_LAYERS        256u        /* layers in one image (Docker stops at 127) */
#define PAL_INV_MAX_ENTRIES       4000000u    /* tar entries over all layers: bounds time */
#define PAL_INV_MAX_FILES         300000u     /* files in the merged filesystem: bounds memory
                                                 (about 1 KiB of JSON each) */
#define PAL_INV_MAX_PATH          4096u       /* bytes in one path or link target */
#define PAL_INV_MAX_SYMLINKS      40u         /* symlinks followed resolving one path (Linux's ELOOP) */
#define PAL_INV_MAX_FOLLOW_BYTES  (1ull << 30)/* path bytes rewritten by symlink expansion in one
                                                 image: bounds the time of hostile link chains */
#define PAL_INV_MAX_JSON_BYTES    (8u << 20)  /* manifest.json, index.json, one manifest or config */
#define PAL_INV_MAX_META_BYTES    (64u << 20) /* all small JSON blobs kept from the outer tarball */
#define PAL_INV_MAX_INDEX_DEPTH   4u          /* nested OCI image indexes */
#define PAL_INV_MAX_DB_BYTES      (64u << 20) /* one package database or account file */
#define PAL_INV_MAX_KEPT_BYTES    (256u << 20)/* all databases kept at once (status.d has many) */
#define PAL_INV_MAX_HIVE_BYTES    (512u << 20)/* one registry hive (servercore's is ~80 MiB) */
#define PAL_INV_MAX_STASH_BYTES   (128u << 20)/* compressed layers kept in memory when a gzipped
                                                 tarball streams them before their turn; past
                                                 it, that layer costs another pass instead */
#define PAL_INV_MAX_HIVE_KEYS     200000u     /* CBS package keys examined in one hive */
#define PAL_INV_MAX_CONTENT_TOTAL (64u << 20) /* bounded outcome: `content` bodies in one
                                                 inventory; files past it get none and
                                                 image.limits.content_omitted counts them */
#define PAL_INV_MAX_WARNINGS      100u        /* bounded outcome: warnings listed in one
                                                 inventory; the rest are counted */
#define PAL_INV_MAX_HARDLINK_HOPS 8u          /* dangling hardlinks followed to tell a loop */
#define PAL_INV_MAX_RPMDB_BYTES   (256u << 20)/* one rpm database (a full Fedora's rpmdb.sqlite is
                                                 ~100 MiB); counts against PAL_INV_MAX_KEPT_BYTES */
#define PAL_INV_MAX_RPM_PACKAGES  100000u     /* package headers in one rpm database */
#define PAL_INV_MAX_RPM_FILES     200000u     /* bounded outcome: files listed for one package;
                                                 a package with more lists none (counted) */
#define PAL_INV_MAX_LANG_META     (1u << 20)  /* one package.json, METADATA, gemspec kept */
#define PAL_INV_MAX_LANG_LOCK     (32u << 20) /* one package-lock.json kept */
#define PAL_INV_MAX_LANG_ARCHIVE  (512u << 20)/* one jar or binary buffered while it streams (and
                                                 the jars nested in one jar, in all) */
#define PAL_INV_MAX_LANG_BYTES    (256u << 20)/* bounded outcome: language metadata kept in all;
                                                 past it files are not read (a warning counts them) */
/* Decompression: every byte any stage decompresses (outer tarball when it is
   compressed, every layer's tar stream, sparse holes hashed) counts against
   max(PAL_INV_EXPAND_FLOOR, PAL_INV_EXPAND_RATIO x the tarball's size on
   disk), never more than PAL_INV_MAX_EXPANDED.  A bomb stops at the budget
   with an error; a real image (ratio ~3-10) never comes near it. */
#define PAL_INV_EXPAND_RATIO      1000u
#define PAL_INV_EXPAND_FLOOR      (256ull << 20)
#define PAL_INV_MAX_EXPANDED      (64ull << 30)

typedef struct pal_inventory_opts {
    bool hashes;          /* SHA-256 and MD5 of every regular file */
    size_t content_max;   /* 0 = no content; else text files up to this size get "content" */
} pal_inventory_opts;

/* Reads the image tarball (or layout directory) at path; *out is a cJSON object (caller frees with
   cJSON_Delete).  Returns 0, or -1 with a message in err: what went wrong,
   where (layer, entry) and what to do. */
int pal_inventory_read(const char *path, const pal_inventory_opts *o, cJSON **out,
                       char *err, size_t errcap);

/* ===================================================================== *
 * Stages.  Internal to the inventory: exposed for its unit tests and fuzz
 * targets (tests/fuzz/fuzz_inventory_*.c), not for the rest of palisade.
 * ===================================================================== */

struct archive;

/* The decompression and entry budget shared by every stage of one read. */
typedef struct pal_inv_budget {
    uint64_t expanded;   /* bytes decompressed so far */
    uint64_t limit;      /* see PAL_INV_EXPAND_* */
    uint64_t entries;    /* layer tar entries so far */
} pal_inv_budget;

void pal_inv_budget_init(pal_inv_budget *b, uint64_t file_size);
/* Adds n bytes; -1 with a message once over the budget. */
int pal_inv_budget_add(pal_inv_budget *b, uint64_t n, char *err, size_t errcap);

/* --- hash.c --- */
/* SHA-256 with the CPU's SHA extensions when it has them, else libsodium's
   (same digests either way). */
typedef struct pal_sha256 {
    bool ni;
    uint32_t h[8];
    uint64_t len;
    unsigned char buf[64];
    crypto_hash_sha256_state lib;
} pal_sha256;
void pal_sha256_init(pal_sha256 *s);
void pal_sha256_update(pal_sha256 *s, const void *data, size_t n);
void pal_sha256_final(pal_sha256 *s, unsigned char out[32]);
bool pal_sha256_accelerated(void);
typedef struct pal_md5 { uint32_t h[4]; uint64_t len; unsigned char buf[64]; } pal_md5;
void pal_md5_init(pal_md5 *m);
void pal_md5_update(pal_md5 *m, const void *data, size_t n);
void pal_md5_final(pal_md5 *m, unsigned char out[16]);
/* Both hashes over the same bytes, interleaved (about the cost of MD5
   alone); the digests are those of the two updates one after the other. */
void pal_sha256_md5_update(pal_sha256 *s, pal_md5 *m, const void *data, size_t n);
void pal_hex(const unsigned char *in, size_t n, char *out);  /* out: 2n+1 bytes */

/* --- tar.c: the outer tarball --- */
typedef struct pal_inv_src pal_inv_src;
typedef struct pal_inv_blob {
    const char *name;          /* normalized entry name ("blobs/sha256/ab..") */
    uint64_t size;
    uint32_t ordinal;          /* position in the tarball (last one wins on duplicates) */
    const unsigned char *data; /* kept small JSON-looking blobs, else NULL */
    size_t len;
} pal_inv_blob;

/* Opens the tarball and indexes it (one pass), or indexes a directory that
   holds the same layout.  NULL with err on failure. */
pal_inv_src *pal_inv_src_open(const char *path, pal_inv_budget *b, char *err, size_t errcap);
void pal_inv_src_free(pal_inv_src *s);
const pal_inv_blob *pal_inv_src_find(const pal_inv_src *s, const char *name);
/* One layer as the manifest and config describe it. */
typedef struct pal_inv_layer_ref {
    char *name;                /* the blob in the tarball or directory */
    char *digest;              /* "sha256:<hex>" of the blob as stored, or NULL when the
                                  layout gives none (legacy docker save's <id>/layer.tar) */
    const char *digest_from;   /* where digest comes from, for errors ("its name") */
    char *diff_id;             /* "sha256:<hex>" of the uncompressed tar: rootfs.diff_ids[i] */
} pal_inv_layer_ref;
/* Opens each layer's blob, in order, as a tar reader (plain, gzip or zstd,
   sniffed from the content; blob.c), hands it to fn, then checks the blob
   against its digest and diff_id; stops at the first error.  Blobs are
   visited in the order given, re-reading the tarball when one lies behind
   the previous (cheap for a plain tarball, which is seeked). */
typedef int (*pal_inv_layer_fn)(void *ud, unsigned i, struct archive *layer,
                                char *err, size_t errcap);
int pal_inv_src_layers(pal_inv_src *s, const pal_inv_layer_ref *layers, unsigned n,
                       pal_inv_layer_fn fn, void *ud, char *err, size_t errcap);

/* --- blob.c: one layer blob, decompressed and verified as it streams --- */
/* Where a blob's stored bytes come from: each call gives the next ones in
   *buf (valid until the next call) and returns how many, 0 at the end, or
   -1 with a message in err. */
typedef ssize_t (*pal_inv_pull_fn)(void *ud, const void **buf, char *err, size_t errcap);
typedef struct pal_inv_blob_stream pal_inv_blob_stream;
/* A stream over want->name's bytes (its digests are checked when set); b,
   when not NULL, is charged for what pal_inv_blob_finish decompresses.
   NULL with err on failure. */
pal_inv_blob_stream *pal_inv_blob_open(pal_inv_pull_fn pull, void *ud, const pal_inv_layer_ref *want,
                                       unsigned index, pal_inv_budget *b, char *err, size_t errcap);
/* The same over a buffer (stashed layers, fuzzing, tests); data must
   outlive the stream. */
pal_inv_blob_stream *pal_inv_blob_open_mem(const void *data, size_t len, const pal_inv_layer_ref *want,
                                           unsigned index, pal_inv_budget *b, char *err, size_t errcap);
/* The tar reader over the decompressed stream (owned by the stream);
   NULL with err when the blob is not a tar. */
struct archive *pal_inv_blob_tar(pal_inv_blob_stream *bs, char *err, size_t errcap);
/* Why the stream failed (a pull or decompression error, CRC included),
   or NULL: when the tar reader stops on an error, this is its cause. */
const char *pal_inv_blob_error(const pal_inv_blob_stream *bs);
/* After the tar reader: decompresses and hashes the rest of the blob and
   compares both digests.  0, or -1 with err naming the layer, its blob,
   what it hashes to and what the image says. */
int pal_inv_blob_finish(pal_inv_blob_stream *bs, char *err, size_t errcap);
void pal_inv_blob_close(pal_inv_blob_stream *bs);
/* 1 for "sha256:<64 lowercase hex>", 2 for "sha512:<128>", else 0. */
int pal_inv_digest_alg(const char *digest);

/* --- layout.c: manifests and configs --- */
typedef struct pal_inv_layout {
    cJSON *image;              /* the "image" object */
    bool windows;
    pal_inv_layer_ref *layers; /* bottom layer first */
    unsigned nlayers;
} pal_inv_layout;
/* Reads manifest.json (preferred: it carries the repo tags) or index.json;
   every layer gets its diff_id from the config (one per layer, or an
   error) and its digest where the layout gives one. */
int pal_inv_layout_read(const pal_inv_src *s, pal_inv_layout *out, char *err, size_t errcap);
/* The config stage alone, over a config blob (fuzzing, tests). */
int pal_inv_config_parse(const char *json, size_t len, cJSON *image, bool *windows,
                         char *err, size_t errcap);
void pal_inv_layout_free(pal_inv_layout *l);

/* --- layer.c: the merged filesystem --- */
typedef struct pal_fs pal_fs;
typedef struct pal_fs_body { const char *data; size_t len; } pal_fs_body;

pal_fs *pal_fs_new(bool windows, const pal_inventory_opts *o, pal_inv_budget *b);
void pal_fs_free(pal_fs *fs);
/* Applies one layer's tar stream on top of what is there. */
int pal_fs_apply_layer(pal_fs *fs, struct archive *layer, unsigned index,
                       char *err, size_t errcap);
/* The kept body of a database file, following symlinks inside the root
   ("etc/passwd"); {NULL,0} if absent.  For a directory ("var/lib/dpkg/
   status.d") fn is called for every kept file in it, in name order. */
pal_fs_body pal_fs_body_at(pal_fs *fs, const char *path);
void pal_fs_bodies_in(pal_fs *fs, const char *dir,
                      void (*fn)(void *ud, const char *name, pal_fs_body body), void *ud);
/* The "files" array, sorted by path.  Consumes nothing; NULL on no memory. */
cJSON *pal_fs_files_json(pal_fs *fs);
size_t pal_fs_count(const pal_fs *fs);
size_t pal_fs_content_omitted(const pal_fs *fs);

/* Warnings met while layers were applied ("layer N, entry 'x': ..."), in
   order: hardlinks to missing targets, to directories, to themselves or in
   loops; whiteouts of '/' or of their own directory.  *omitted counts those
   past PAL_INV_MAX_WARNINGS.  The strings belong to fs. */
unsigned pal_fs_warnings(const pal_fs *fs, const char *const **out, unsigned *omitted);

/* Windows registry facts gathered from hives while layers streamed past. */
typedef struct pal_win_facts {
    bool have_product, have_build, have_ubr, have_major, have_minor;
    char product_name[256];
    long build, ubr, major, minor;
    char **kbs;                /* "KB5005568", sorted, unique */
    unsigned nkbs;
    char error[320];           /* why a hive could not be read ("" if it could) */
} pal_win_facts;
/* Merged facts (top layer wins; KBs are the union); NULL if no hive seen. */
const pal_win_facts *pal_fs_windows(pal_fs *fs);
/* Hives that could not be read (not fatal: the config's os.version remains):
   up to max messages, each naming the layer and entry. */
unsigned pal_fs_hive_errors(pal_fs *fs, const char **out, unsigned max);

/* --- hive.c --- */
/* Reads product/build/UBR and installed KBs from a SOFTWARE hive (a full
   hive or a layer's Software_Delta).  The hive is handed over as an fd of a
   memory file, which this closes.  0, or -1 with err. */
int pal_hive_facts_fd(int fd, pal_win_facts *out, char *err, size_t errcap);
int pal_hive_facts_mem(const void *data, size_t len, pal_win_facts *out,
                       char *err, size_t errcap);
void pal_win_facts_clear(pal_win_facts *f);

/* --- packages.c, users.c: the databases --- */
/* Each appends records to `arr`; malformed stanzas/lines are skipped (a
   database is data the image's own tools wrote; a torn one is still read as
   far as it parses).  Return the number of records added, -1 on no memory. */
int pal_dpkg_parse(const char *data, size_t len, cJSON *arr);
int pal_apk_parse(const char *data, size_t len, cJSON *arr);
int pal_users_parse(const char *passwd, size_t plen, const char *shadow, size_t slen,
                    cJSON *arr);
int pal_groups_parse(const char *group, size_t len, cJSON *arr);

/* --- langpkg.c: language packages --- */
enum { PAL_LANG_NONE = 0, PAL_LANG_NPM, PAL_LANG_NPMLOCK, PAL_LANG_PYTHON, PAL_LANG_GEM,
       PAL_LANG_JAR, PAL_LANG_EXEC };
/* What to keep of a regular file at path (cleaned, no leading '/'). */
int pal_lang_classify(const char *path, unsigned mode, int64_t size);
/* A jar's or an executable's summary (JSON text, malloc'd) from its bytes;
   NULL when it holds nothing to list (an executable that is not ELF, or no
   build info).  name: the file name (a jar without metadata is named by it). */
char *pal_lang_summarize(int kind, const void *data, size_t len, const char *name);
/* Package records from a kept body (metadata file or summary), location
   path ("/usr/lib/node_modules/x/package.json"); st remembers what
   node_modules held so lock files (handed over last) add only the rest.
   warnings may be NULL. */
typedef struct pal_lang_state pal_lang_state;
pal_lang_state *pal_lang_state_new(void);
void pal_lang_state_free(pal_lang_state *st);
int pal_lang_parse(pal_lang_state *st, int kind, const char *path, const char *data, size_t len,
                   cJSON *arr, cJSON *warnings);
/* Every kept language body, lock files last, each in path order; path has a
   leading '/'. */
void pal_fs_lang_bodies(pal_fs *fs, void (*fn)(void *ud, const char *path, int kind, pal_fs_body body), void *ud);
/* Language files not read because PAL_INV_MAX_LANG_BYTES was reached. */
size_t pal_fs_lang_omitted(const pal_fs *fs);

/* --- distro.c --- */
/* os-release into {id, version_id, name, pretty_name, id_like,
   version_codename} (those present); NULL when it has no ID. */
cJSON *pal_os_release_parse(const char *data, size_t len);
/* The package URL of a package record (its ecosystem, name, version, ...),
   distro being image.distro (may be NULL); malloc'd, NULL when the
   ecosystem has no purl type. */
char *pal_purl(const cJSON *pkg, const cJSON *distro);

/* --- rpmdb.c: rpm databases, from their bytes --- */
typedef struct pal_rpm_report {
    unsigned bad_headers;      /* blobs (or slots, pages) skipped as malformed */
    unsigned long files_omitted;/* file names not listed (PAL_INV_MAX_RPM_FILES) */
    bool truncated;            /* the database stopped reading part way (corrupt) */
} pal_rpm_report;
/* One header blob (headerExport form): appends a package record; 1 added,
   0 skipped as malformed (counted in rep), -1 no memory. */
int pal_rpm_header_parse(const unsigned char *blob, size_t len, cJSON *arr, pal_rpm_report *rep);
/* A whole database: the number of packages added, or -1 with err when the
   file is not that kind of database (or a limit is passed).  rep may be
   NULL. */
int pal_rpmdb_sqlite_parse(const void *data, size_t len, cJSON *arr, pal_rpm_report *rep,
                           char *err, size_t errcap);
int pal_rpmdb_bdb_parse(const void *data, size_t len, cJSON *arr, pal_rpm_report *rep,
                        char *err, size_t errcap);
int pal_rpmdb_ndb_parse(const void *data, size_t len, cJSON *arr, pal_rpm_report *rep,
                        char *err, size_t errcap);

/* --- shared helpers (inventory.c) --- */
/* A cJSON string from untrusted bytes: invalid UTF-8 becomes U+FFFD, NUL
   ends the string (JSON consumers would truncate there anyway). */
cJSON *pal_inv_str(const char *s, size_t n);
/* The one normaliser of names from tarballs, layers, manifests and link
   targets.  Lexical only (no symlink is consulted): empty and "."
   components are dropped, ".." removes the component before it, and the
   result is the components joined by single '/' ("./a//b/./c" -> "a/b/c").
   `base` (may be NULL) is a directory the name is relative to and is
   cleaned first, so "../x" can climb out of it (symlink targets).
     PAL_NAME_ROOTED  a leading '/' means the root the name is already
                      relative to (layer entries: "/etc" is "etc"); without
                      it an absolute name is PAL_NAME_ESCAPES (manifests
                      and the outer tarball, where '/' would mean the host).
   Returns PAL_NAME_OK (out may be "": the root itself; callers that need a
   file name reject that), PAL_NAME_ESCAPES when ".." climbs above the top
   (or the name is absolute without PAL_NAME_ROOTED), or PAL_NAME_TOO_LONG
   when the result and its NUL do not fit in cap bytes. */
enum { PAL_NAME_OK = 0, PAL_NAME_ESCAPES = -1, PAL_NAME_TOO_LONG = -2 };
#define PAL_NAME_ROOTED 1u
int pal_inv_clean_name(const char *base, const char *name, unsigned flags, char *out, size_t cap);
void pal_inv_err(char *err, size_t errcap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
