/*
 * blob.c — one layer blob: sniffed, decompressed, hashed and checked as it
 * streams, then handed to the tar reader.
 *
 * Design. A layer is trusted only as far as two digests vouch for it:
 *
 *   digest   sha256 of the blob as stored (an OCI descriptor's digest; a
 *            blob's name blobs/<alg>/<hex> says the same)
 *   diff_id  sha256 of the *uncompressed* tar (the config's
 *            rootfs.diff_ids[i], what the image id, itself the config's
 *            digest, covers)
 *
 * Both are computed in the one pass that reads the layer: every stored byte
 * goes through the blob hash as it is pulled, every decompressed byte
 * through the diff hash as the tar reader is fed.  Nothing is read twice and
 * nothing lands on disk.  A plain (uncompressed) blob has one hash for both.
 *
 * The pipeline of one blob:
 *
 *     pull (outer tar entry, file, memory)  -> blob hash
 *       -> gzip: zlib, which checks every member's CRC-32 and length
 *          zstd: libarchive's raw reader (libzstd checks frame checksums)
 *          plain: as is
 *       -> diff hash -> tar reader (libarchive, tar format only)
 *
 * gzip is inflated here rather than by libarchive because libarchive never
 * checks the gzip trailer ("XXX TODO: Verify the length and CRC"): a byte
 * flipped mid-stream decoded to corrupt files with no error.  Compression is
 * sniffed from the first bytes, not taken from the media type, as docker and
 * containerd do.
 *
 * When the tar reader is done (its end-of-archive blocks may come before the
 * blob ends), pal_inv_blob_finish() decompresses and hashes what is left,
 * through the shared budget, and compares.  An error names the layer, its
 * blob and what did not match.
 */
#include "engine/inventory/inventory.h"
#include <archive.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define BLOB_BLOCK 65536u

enum { ALG_NONE = 0, ALG_SHA256, ALG_SHA512 };
enum { KIND_PLAIN = 0, KIND_GZIP, KIND_ZSTD };

typedef struct hasher {
    int alg;
    union {
        pal_sha256 s256;
        crypto_hash_sha512_state s512;
    } st;
} hasher;

struct pal_inv_blob_stream {
    pal_inv_pull_fn pull;
    void *ud;
    const pal_inv_layer_ref *want;
    unsigned index;
    pal_inv_budget *budget;     /* may be NULL (tests, fuzzing) */

    /* input: the sniffed head, the rest of the chunk that completed it,
       then whatever pull gives */
    unsigned char head[4];
    size_t head_len;
    bool head_pending;
    const unsigned char *rest;
    size_t rest_len;
    bool in_eof;

    int kind;
    hasher blob, diff;
    bool diff_is_blob;          /* plain blob, same algorithm: one hash */
    uint64_t blob_bytes, diff_bytes;

    z_stream z;
    bool z_live, member_done;
    struct archive *raw;        /* zstd */
    struct archive *tar;
    bool out_done;
    void *owned_src;            /* pal_inv_blob_open_mem's source */

    bool failed;
    char err[512];
    unsigned char out[BLOB_BLOCK];
};

int pal_inv_digest_alg(const char *d)
{
    size_t want;
    int alg;
    if (!d) return ALG_NONE;
    if (!strncmp(d, "sha256:", 7)) { want = 64; alg = ALG_SHA256; }
    else if (!strncmp(d, "sha512:", 7)) { want = 128; alg = ALG_SHA512; }
    else return ALG_NONE;
    const char *h = d + 7;
    for (size_t i = 0; i < want; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f'))) return ALG_NONE;
    return h[want] ? ALG_NONE : alg;
}

static void hash_init(hasher *h, int alg)
{
    h->alg = alg;
    if (alg == ALG_SHA256) pal_sha256_init(&h->st.s256);
    else if (alg == ALG_SHA512) crypto_hash_sha512_init(&h->st.s512);
}

static void hash_update(hasher *h, const void *p, size_t n)
{
    if (h->alg == ALG_SHA256) pal_sha256_update(&h->st.s256, p, n);
    else if (h->alg == ALG_SHA512) crypto_hash_sha512_update(&h->st.s512, p, n);
}

/* "sha256:<hex>" of what was hashed, into out (8 + 128 + 1 bytes). */
static void hash_final(hasher *h, char *out)
{
    unsigned char sum[crypto_hash_sha512_BYTES];
    if (h->alg == ALG_SHA256) {
        pal_sha256_final(&h->st.s256, sum);
        memcpy(out, "sha256:", 7);
        pal_hex(sum, crypto_hash_sha256_BYTES, out + 7);
    } else if (h->alg == ALG_SHA512) {
        crypto_hash_sha512_final(&h->st.s512, sum);
        memcpy(out, "sha512:", 7);
        pal_hex(sum, crypto_hash_sha512_BYTES, out + 7);
    } else {
        out[0] = 0;
    }
}

static ssize_t fail(pal_inv_blob_stream *bs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static ssize_t fail(pal_inv_blob_stream *bs, const char *fmt, ...)
{
    if (!bs->failed) {
        char msg[400];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        snprintf(bs->err, sizeof bs->err, "layer %u (%.120s): %.360s", bs->index, bs->want->name, msg);
    }
    bs->failed = true;
    return -1;
}

/* The next stored bytes, hashed as they are handed out (each exactly once). */
static ssize_t next_input(pal_inv_blob_stream *bs, const unsigned char **p)
{
    ssize_t n;
    if (bs->head_pending) {
        bs->head_pending = false;
        if (bs->head_len) { *p = bs->head; n = (ssize_t)bs->head_len; goto got; }
    }
    if (bs->rest_len) {
        *p = bs->rest;
        n = (ssize_t)bs->rest_len;
        bs->rest_len = 0;
        goto got;
    }
    if (bs->in_eof) return 0;
    char e[400];
    const void *v;
    n = bs->pull(bs->ud, &v, e, sizeof e);
    if (n < 0) return fail(bs, "%s", e);
    if (n == 0) { bs->in_eof = true; return 0; }
    *p = v;
got:
    hash_update(&bs->blob, *p, (size_t)n);
    bs->blob_bytes += (uint64_t)n;
    return n;
}

/* --- gzip: zlib, one member after another --- */

static ssize_t inflate_some(pal_inv_blob_stream *bs)
{
    z_stream *z = &bs->z;
    for (;;) {
        if (z->avail_in == 0 && !bs->in_eof) {
            const unsigned char *p;
            ssize_t n = next_input(bs, &p);
            if (n < 0) return -1;
            z->next_in = (unsigned char *)p;
            z->avail_in = (uInt)n;
        }
        if (bs->member_done) {
            /* Another member may follow (gzip files concatenate); bytes that
               do not start one are trailing data, covered by the digest
               but not decompressed (as gzip and libarchive do). */
            if (z->avail_in == 0 || z->next_in[0] != 0x1f || (z->avail_in > 1 && z->next_in[1] != 0x8b))
                return 0;
            inflateReset(z);
            bs->member_done = false;
        }
        z->next_out = bs->out;
        z->avail_out = sizeof bs->out;
        int r = inflate(z, Z_NO_FLUSH);
        size_t got = sizeof bs->out - z->avail_out;
        if (r == Z_STREAM_END) bs->member_done = true;
        else if (r == Z_BUF_ERROR && z->avail_in == 0 && bs->in_eof)
            return fail(bs, "the gzip stream ends early (the layer is truncated; pull or save the image again)");
        else if (r == Z_MEM_ERROR)
            return fail(bs, "out of memory");
        else if (r != Z_OK && r != Z_BUF_ERROR) {
            const char *why = z->msg ? z->msg : "invalid data";
            if (!strcmp(why, "incorrect data check"))
                return fail(bs, "the gzip stream is corrupt: its CRC-32 does not match the data (the layer "
                                "was damaged; pull or save the image again)");
            if (!strcmp(why, "incorrect length check"))
                return fail(bs, "the gzip stream is corrupt: its length does not match the data (the layer "
                                "was damaged; pull or save the image again)");
            return fail(bs, "the gzip stream is corrupt: %s (the layer was damaged; pull or save the image again)", why);
        }
        if (got) return (ssize_t)got;
    }
}

/* --- zstd: libarchive's raw reader over the stored bytes --- */

static la_ssize_t raw_read(struct archive *a, void *ud, const void **buf)
{
    pal_inv_blob_stream *bs = ud;
    const unsigned char *p;
    ssize_t n = next_input(bs, &p);
    if (n < 0) {
        archive_set_error(a, EIO, "%s", bs->err);
        return -1;
    }
    *buf = p;
    return n;
}

static int open_zstd(pal_inv_blob_stream *bs)
{
    bs->raw = archive_read_new();
    if (!bs->raw) return (int)fail(bs, "out of memory");
    archive_read_support_filter_zstd(bs->raw);
    archive_read_support_format_raw(bs->raw);
    struct archive_entry *ae;
    if (archive_read_open(bs->raw, bs, NULL, raw_read, NULL) != ARCHIVE_OK ||
        archive_read_next_header(bs->raw, &ae) != ARCHIVE_OK)
        return (int)fail(bs, "the zstd stream is corrupt: %s (pull or save the image again)",
                         archive_error_string(bs->raw));
    return 0;
}

/* --- the decompressed stream --- */

/* The next decompressed bytes (into *out), 0 at the end, -1 on failure. */
static ssize_t produce(pal_inv_blob_stream *bs, const void **out)
{
    if (bs->failed) return -1;
    if (bs->out_done) return 0;
    ssize_t n;
    if (bs->kind == KIND_PLAIN) {
        const unsigned char *p;
        n = next_input(bs, &p);
        *out = p;
    } else if (bs->kind == KIND_GZIP) {
        n = inflate_some(bs);
        *out = bs->out;
    } else {
        n = archive_read_data(bs->raw, bs->out, sizeof bs->out);
        if (n < 0) fail(bs, "the zstd stream is corrupt: %s (the layer was damaged; pull or save the image again)",
                        archive_error_string(bs->raw));
        *out = bs->out;
    }
    if (n < 0) return -1;
    if (n == 0) { bs->out_done = true; return 0; }
    if (!bs->diff_is_blob) hash_update(&bs->diff, *out, (size_t)n);
    bs->diff_bytes += (uint64_t)n;
    return n;
}

static la_ssize_t tar_read(struct archive *a, void *ud, const void **buf)
{
    pal_inv_blob_stream *bs = ud;
    ssize_t n = produce(bs, buf);
    if (n < 0) {
        archive_set_error(a, EIO, "%s", bs->err);
        return -1;
    }
    return n;
}

pal_inv_blob_stream *pal_inv_blob_open(pal_inv_pull_fn pull, void *ud, const pal_inv_layer_ref *want,
                                       unsigned index, pal_inv_budget *b, char *err, size_t errcap)
{
    pal_inv_blob_stream *bs = calloc(1, sizeof *bs);
    if (!bs) { pal_inv_err(err, errcap, "out of memory"); return NULL; }
    bs->pull = pull;
    bs->ud = ud;
    bs->want = want;
    bs->index = index;
    bs->budget = b;
    if (sodium_init() < 0) { fail(bs, "libsodium failed to initialize"); goto failed; }
    hash_init(&bs->blob, pal_inv_digest_alg(want->digest));
    hash_init(&bs->diff, pal_inv_digest_alg(want->diff_id));
    if ((want->digest && !bs->blob.alg) || (want->diff_id && !bs->diff.alg)) {
        fail(bs, "its expected digest is malformed");
        goto failed;
    }
    /* Sniff: four bytes, which may come in more than one pull. */
    while (bs->head_len < sizeof bs->head) {
        const void *v;
        char e[400];
        ssize_t n = pull(ud, &v, e, sizeof e);
        if (n < 0) { fail(bs, "%s", e); goto failed; }
        if (n == 0) { bs->in_eof = true; break; }
        size_t take = sizeof bs->head - bs->head_len;
        if ((size_t)n < take) take = (size_t)n;
        memcpy(bs->head + bs->head_len, v, take);
        bs->head_len += take;
        if (take < (size_t)n) { bs->rest = (const unsigned char *)v + take; bs->rest_len = (size_t)n - take; }
    }
    bs->head_pending = true;
    const unsigned char *h = bs->head;
    if (bs->head_len >= 2 && h[0] == 0x1f && h[1] == 0x8b) bs->kind = KIND_GZIP;
    else if (bs->head_len >= 4 && h[0] == 0x28 && h[1] == 0xb5 && h[2] == 0x2f && h[3] == 0xfd) bs->kind = KIND_ZSTD;
    bs->diff_is_blob = bs->kind == KIND_PLAIN && bs->blob.alg == bs->diff.alg;
    if (bs->kind == KIND_GZIP) {
        if (inflateInit2(&bs->z, 15 + 16) != Z_OK) { fail(bs, "out of memory"); goto failed; }
        bs->z_live = true;
    } else if (bs->kind == KIND_ZSTD && open_zstd(bs) < 0) {
        goto failed;
    }
    return bs;
failed:
    pal_inv_err(err, errcap, "%s", bs->err);
    pal_inv_blob_close(bs);
    return NULL;
}

struct archive *pal_inv_blob_tar(pal_inv_blob_stream *bs, char *err, size_t errcap)
{
    if (bs->tar) return bs->tar;
    bs->tar = archive_read_new();
    if (!bs->tar) { pal_inv_err(err, errcap, "out of memory"); return NULL; }
    archive_read_support_format_tar(bs->tar);
    if (archive_read_open(bs->tar, bs, NULL, tar_read, NULL) != ARCHIVE_OK) {
        if (bs->failed) pal_inv_err(err, errcap, "%s", bs->err);
        else pal_inv_err(err, errcap, "layer %u (%.120s): not a tar layer (a plain, gzip or zstd tar is expected)",
                         bs->index, bs->want->name);
        return NULL;
    }
    return bs->tar;
}

const char *pal_inv_blob_error(const pal_inv_blob_stream *bs)
{
    return bs->failed ? bs->err : NULL;
}

/* Why two digests differ, for the error. */
static int mismatch(pal_inv_blob_stream *bs, const char *what, const char *got, const char *want,
                    const char *source, char *err, size_t errcap)
{
    pal_inv_err(err, errcap, "layer %u (%.120s): %s hashes to %s, but %s says %s (the layer was damaged "
                "or altered after the image was written; pull or save the image again)",
                bs->index, bs->want->name, what, got, source, want);
    return -1;
}

int pal_inv_blob_finish(pal_inv_blob_stream *bs, char *err, size_t errcap)
{
    /* What the tar reader left: decompressed through the budget, then the
       stored bytes after the compressed stream (trailing data). */
    const void *p;
    ssize_t n;
    char e[400];
    while ((n = produce(bs, &p)) > 0)
        if (bs->budget && pal_inv_budget_add(bs->budget, (uint64_t)n, e, sizeof e) < 0) {
            pal_inv_err(err, errcap, "layer %u (%.120s): %s", bs->index, bs->want->name, e);
            return -1;
        }
    const unsigned char *q;
    while (n == 0 && (n = next_input(bs, &q)) > 0) {}
    if (n < 0) { pal_inv_err(err, errcap, "%s", bs->err); return -1; }

    char got_blob[8 + 2 * crypto_hash_sha512_BYTES + 1], got_diff[sizeof got_blob];
    hash_final(&bs->blob, got_blob);
    if (bs->diff_is_blob) memcpy(got_diff, got_blob, sizeof got_diff);
    else hash_final(&bs->diff, got_diff);
    const pal_inv_layer_ref *w = bs->want;
    if (w->digest && strcmp(got_blob, w->digest))
        return mismatch(bs, "the blob as stored", got_blob, w->digest,
                        w->digest_from ? w->digest_from : "its manifest", err, errcap);
    if (w->diff_id && strcmp(got_diff, w->diff_id)) {
        char src[64];
        snprintf(src, sizeof src, "the config's rootfs.diff_ids[%u]", bs->index);
        return mismatch(bs, bs->kind == KIND_PLAIN ? "the layer" : "the uncompressed layer", got_diff,
                        w->diff_id, src, err, errcap);
    }
    return 0;
}

void pal_inv_blob_close(pal_inv_blob_stream *bs)
{
    if (!bs) return;
    if (bs->tar) archive_read_free(bs->tar);
    if (bs->raw) archive_read_free(bs->raw);
    if (bs->z_live) inflateEnd(&bs->z);
    free(bs->owned_src);
    free(bs);
}

/* --- a blob in memory --- */

typedef struct mem_src { const unsigned char *p; size_t left; } mem_src;

static ssize_t mem_pull(void *ud, const void **buf, char *err, size_t errcap)
{
    mem_src *m = ud;
    size_t n = m->left < BLOB_BLOCK ? m->left : BLOB_BLOCK;
    *buf = m->p;
    m->p += n;
    m->left -= n;
    return (ssize_t)n;
}

pal_inv_blob_stream *pal_inv_blob_open_mem(const void *data, size_t len, const pal_inv_layer_ref *want,
                                           unsigned index, pal_inv_budget *b, char *err, size_t errcap)
{
    /* The source lives beside the stream: one allocation, freed with it. */
    mem_src *m = malloc(sizeof *m);
    if (!m) { pal_inv_err(err, errcap, "out of memory"); return NULL; }
    m->p = data;
    m->left = len;
    pal_inv_blob_stream *bs = pal_inv_blob_open(mem_pull, m, want, index, b, err, errcap);
    if (!bs) { free(m); return NULL; }
    bs->owned_src = m;
    return bs;
}
