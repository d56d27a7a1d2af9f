/*
 * rpmdb.c — installed rpm packages, read from the database bytes in memory.
 *
 * Design. rpm keeps one "header" per installed package, the same blob in
 * every database backend, and the backends only differ in how they store
 * the blobs.  So there is one header parser and three small readers that
 * hand it blobs; nothing touches the disk and every reader works on the
 * kept body of the database file (layer.c keeps it like dpkg's status):
 *
 *   rpmdb.sqlite  (RHEL 9, Fedora >= 33, CBL-Mariner 2, Amazon Linux 2023)
 *                 table Packages(hnum, blob): libsqlite3 opens a copy of
 *                 the bytes as an in-memory database (sqlite3_deserialize),
 *                 read-only; a corrupt file is sqlite's SQLITE_CORRUPT, an
 *                 error, never a crash.
 *   Packages      (RHEL/CentOS 7-8, Amazon Linux 2) Berkeley DB hash
 *                 database, read by walking its pages here: every hash page's
 *                 key/data pairs, the data inline or on a chain of overflow
 *                 pages.  Bounds: the page size is a power of two 512..64 KiB,
 *                 every page number is below the file's page count, an
 *                 overflow chain visits at most as many pages as the file has
 *                 and must deliver exactly its declared length.
 *   Packages.db   (SUSE, rpm's "ndb"): slot pages of (pkgidx, blkoff,
 *                 blkcnt) and blobs framed by "BlbS" head and "BlbE" tail with
 *                 an Adler-32 over both (lib/backend/ndb/rpmpkg.c); a slot
 *                 pointing outside the file or at a blob whose frame or sum
 *                 does not check is skipped and counted.
 *
 * A header blob (headerExport: no magic) is
 *     il (u32 BE)  dl (u32 BE)  il x {tag, type, offset, count} (u32 BE)  data[dl]
 * and is parsed as hostile input: il and dl are bounded (rpm's own
 * HEADER_TAGS_MAX / HEADER_DATA_MAX), the blob must hold 8 + 16 il + dl
 * bytes, every entry we read has a known type, an offset inside the data and
 * a count whose bytes fit; strings must end with a NUL inside the data;
 * file lists need BASENAMES, DIRNAMES and DIRINDEXES of matching counts with
 * every index below the number of directories.  A blob that fails any of
 * these is skipped (counted in the report), never half-read.
 *
 * Records: name, version ("[epoch:]version-release", what matching and
 * policies compare), epoch (when the header has one), release, architecture,
 * source and source_version (from SOURCERPM "openssl-3.0.7-24.el9.src.rpm"),
 * license, vendor, ecosystem "rpm", status "installed", and files (the paths
 * the header lists, at most PAL_INV_MAX_RPM_FILES per package).
 */
#include "engine/inventory/inventory.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_TAGS_MAX 0xffffu
#define HEADER_DATA_MAX 0x0fffffffu

enum {
    RPMTAG_NAME = 1000, RPMTAG_VERSION = 1001, RPMTAG_RELEASE = 1002, RPMTAG_EPOCH = 1003,
    RPMTAG_VENDOR = 1011, RPMTAG_LICENSE = 1014, RPMTAG_ARCH = 1022, RPMTAG_OLDFILENAMES = 1027,
    RPMTAG_SOURCERPM = 1044, RPMTAG_DIRINDEXES = 1116, RPMTAG_BASENAMES = 1117,
    RPMTAG_DIRNAMES = 1118,
};
enum { T_INT32 = 4, T_STRING = 6, T_STRING_ARRAY = 8, T_I18NSTRING = 9 };

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

typedef struct hdr {
    const unsigned char *index, *data;
    uint32_t il, dl;
} hdr;

typedef struct entry { uint32_t type, offset, count; bool found; } entry;

static entry find_tag(const hdr *h, uint32_t tag)
{
    entry e = {0, 0, 0, false};
    for (uint32_t i = 0; i < h->il; i++) {
        const unsigned char *p = h->index + 16u * i;
        if (be32(p) != tag) continue;
        e.type = be32(p + 4);
        e.offset = be32(p + 8);
        e.count = be32(p + 12);
        e.found = true;
        return e;
    }
    return e;
}

/* The k-th string of a STRING / I18NSTRING / STRING_ARRAY entry; NULL when
   absent or out of bounds. *next, when set, walks the array. */
static const char *str_at(const hdr *h, uint32_t off, size_t *len)
{
    if (off >= h->dl) return NULL;
    const unsigned char *nul = memchr(h->data + off, 0, h->dl - off);
    if (!nul) return NULL;
    *len = (size_t)(nul - (h->data + off));
    return (const char *)h->data + off;
}

static const char *tag_str(const hdr *h, uint32_t tag, size_t *len)
{
    entry e = find_tag(h, tag);
    if (!e.found || e.count < 1 || (e.type != T_STRING && e.type != T_I18NSTRING && e.type != T_STRING_ARRAY))
        return NULL;
    return str_at(h, e.offset, len);
}

/* The strings of a STRING_ARRAY entry: fills out[] (up to max) and returns
   the count, or -1 when the entry is malformed. */
static long str_array(const hdr *h, entry e, const char **out, uint32_t *lens, uint32_t max)
{
    if (e.type != T_STRING_ARRAY || e.count > max || e.count > h->dl) return -1;
    uint32_t off = e.offset;
    for (uint32_t k = 0; k < e.count; k++) {
        size_t n;
        const char *s = str_at(h, off, &n);
        if (!s) return -1;
        out[k] = s;
        lens[k] = (uint32_t)n;
        off += (uint32_t)n + 1;
    }
    return (long)e.count;
}

static void add_str(cJSON *o, const char *key, const char *s, size_t n)
{
    cJSON *v = pal_inv_str(s, n);
    if (v) cJSON_AddItemToObject(o, key, v);
}

/* The file list: DIRNAMES[DIRINDEXES[i]] + BASENAMES[i], or OLDFILENAMES. */
static int header_files(const hdr *h, cJSON *o, pal_rpm_report *rep)
{
    entry bn = find_tag(h, RPMTAG_BASENAMES), dn = find_tag(h, RPMTAG_DIRNAMES),
          di = find_tag(h, RPMTAG_DIRINDEXES), old = find_tag(h, RPMTAG_OLDFILENAMES);
    if (!bn.found && !old.found) return 0;
    uint32_t n = bn.found ? bn.count : old.count;
    if (n > PAL_INV_MAX_RPM_FILES) {
        rep->files_omitted += n;
        return 0;
    }
    const char **names = malloc((size_t)n * sizeof *names + 1);
    uint32_t *lens = malloc((size_t)n * sizeof *lens + 1);
    const char **dirs = NULL;
    uint32_t *dlens = NULL;
    int rc = -1;
    if (!names || !lens) goto done;
    if (str_array(h, bn.found ? bn : old, names, lens, n) < 0) { rc = 1; goto done; }
    cJSON *files = cJSON_CreateArray();
    if (!files) goto done;
    if (bn.found) {
        if (!dn.found || !di.found || di.type != T_INT32 || di.count != n || dn.count > PAL_INV_MAX_RPM_FILES ||
            di.offset > h->dl || (uint64_t)di.count * 4u > h->dl - di.offset) {
            cJSON_Delete(files);
            rc = 1;
            goto done;
        }
        dirs = malloc((size_t)dn.count * sizeof *dirs + 1);
        dlens = malloc((size_t)dn.count * sizeof *dlens + 1);
        if (!dirs || !dlens) { cJSON_Delete(files); goto done; }
        if (str_array(h, dn, dirs, dlens, dn.count) < 0) { cJSON_Delete(files); rc = 1; goto done; }
        char path[2 * PAL_INV_MAX_PATH + 2];
        for (uint32_t i = 0; i < n; i++) {
            uint32_t d = be32(h->data + di.offset + 4u * i);
            if (d >= dn.count || dlens[d] + lens[i] > 2 * PAL_INV_MAX_PATH) { cJSON_Delete(files); rc = 1; goto done; }
            memcpy(path, dirs[d], dlens[d]);
            memcpy(path + dlens[d], names[i], lens[i]);
            cJSON_AddItemToArray(files, pal_inv_str(path, dlens[d] + lens[i]));
        }
    } else {
        for (uint32_t i = 0; i < n; i++) cJSON_AddItemToArray(files, pal_inv_str(names[i], lens[i]));
    }
    cJSON_AddItemToObject(o, "files", files);
    rc = 0;
done:
    free(names);
    free(lens);
    free(dirs);
    free(dlens);
    return rc;
}

/* "openssl-3.0.7-24.el9.src.rpm" -> name "openssl", version "3.0.7-24.el9". */
static void source_rpm(const char *s, size_t n, cJSON *o, const char *name, size_t name_len)
{
    const char *tail[] = {".src.rpm", ".nosrc.rpm"};
    for (int k = 0; k < 2; k++) {
        size_t t = strlen(tail[k]);
        if (n > t && !memcmp(s + n - t, tail[k], t)) { n -= t; break; }
    }
    const char *r = NULL, *v = NULL;
    for (size_t i = n; i-- > 0;)
        if (s[i] == '-') {
            if (!r) r = s + i;
            else { v = s + i; break; }
        }
    if (!v || v == s) {
        add_str(o, "source", name, name_len);
        return;
    }
    add_str(o, "source", s, (size_t)(v - s));
    add_str(o, "source_version", v + 1, (size_t)(s + n - v - 1));
}

int pal_rpm_header_parse(const unsigned char *blob, size_t len, cJSON *arr, pal_rpm_report *rep)
{
    pal_rpm_report dummy = {0};
    if (!rep) rep = &dummy;
    if (len < 8) goto bad;
    hdr h = {0};
    h.il = be32(blob);
    h.dl = be32(blob + 4);
    if (h.il < 1 || h.il > HEADER_TAGS_MAX || h.dl > HEADER_DATA_MAX ||
        8u + 16ull * h.il + h.dl > len)
        goto bad;
    h.index = blob + 8;
    h.data = h.index + 16u * h.il;
    size_t nl, vl, rl, al = 0, ll = 0, vel = 0, sl = 0;
    const char *name = tag_str(&h, RPMTAG_NAME, &nl);
    const char *ver = tag_str(&h, RPMTAG_VERSION, &vl);
    const char *rel = tag_str(&h, RPMTAG_RELEASE, &rl);
    if (!name || !nl || !ver || !rel) goto bad;
    const char *arch = tag_str(&h, RPMTAG_ARCH, &al);
    const char *lic = tag_str(&h, RPMTAG_LICENSE, &ll);
    const char *vendor = tag_str(&h, RPMTAG_VENDOR, &vel);
    const char *srpm = tag_str(&h, RPMTAG_SOURCERPM, &sl);
    entry ep = find_tag(&h, RPMTAG_EPOCH);
    bool has_epoch = ep.found && ep.type == T_INT32 && ep.count >= 1 && ep.offset <= h.dl - 4 && h.dl >= 4;
    uint32_t epoch = has_epoch ? be32(h.data + ep.offset) : 0;

    cJSON *o = cJSON_CreateObject();
    if (!o) return -1;
    add_str(o, "name", name, nl);
    char evr[3 * 4096 + 16];
    if (vl + rl > 8000) { cJSON_Delete(o); goto bad; }
    int n = has_epoch ? snprintf(evr, sizeof evr, "%u:%.*s-%.*s", epoch, (int)vl, ver, (int)rl, rel)
                      : snprintf(evr, sizeof evr, "%.*s-%.*s", (int)vl, ver, (int)rl, rel);
    add_str(o, "version", evr, (size_t)n);
    if (srpm && sl) source_rpm(srpm, sl, o, name, nl);
    else add_str(o, "source", name, nl);
    add_str(o, "architecture", arch ? arch : "", al);
    add_str(o, "ecosystem", "rpm", 3);
    add_str(o, "status", "installed", 9);
    if (has_epoch) cJSON_AddNumberToObject(o, "epoch", epoch);
    add_str(o, "release", rel, rl);
    if (lic) add_str(o, "license", lic, ll);
    if (vendor) add_str(o, "vendor", vendor, vel);
    int fr = header_files(&h, o, rep);
    if (fr < 0) { cJSON_Delete(o); return -1; }
    if (fr > 0) { cJSON_Delete(o); goto bad; }
    cJSON_AddItemToArray(arr, o);
    return 1;
bad:
    rep->bad_headers++;
    return 0;
}

/* ------------------------------------------------------------ sqlite */

/* Called every 1000 virtual machine steps: a real rpmdb is read in well
   under a million; past 10^9 (minutes of work) the query is stopped. */
static int sqlite_budget(void *ud)
{
    unsigned long *n = ud;
    return ++*n > 1000000ul;
}

int pal_rpmdb_sqlite_parse(const void *data, size_t len, cJSON *arr, pal_rpm_report *rep,
                           char *err, size_t errcap)
{
    pal_rpm_report dummy = {0};
    if (!rep) rep = &dummy;
    if (len < 100 || memcmp(data, "SQLite format 3", 16)) {
        pal_inv_err(err, errcap, "not an SQLite database (rpmdb.sqlite should start with \"SQLite format 3\")");
        return -1;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL) != SQLITE_OK) {
        pal_inv_err(err, errcap, "sqlite could not open an in-memory database");
        sqlite3_close(db);
        return -1;
    }
    /* sqlite owns (and frees) the copy; WAL mode (bytes 18-19 = 2) cannot run
       on a memory database, so the copy is switched to rollback mode: what
       the main file holds is what a checkpointed database holds */
    unsigned char *copy = sqlite3_malloc64(len);
    if (!copy) { sqlite3_close(db); pal_inv_err(err, errcap, "out of memory"); return -1; }
    memcpy(copy, data, len);
    if (copy[18] == 2) copy[18] = 1;
    if (copy[19] == 2) copy[19] = 1;
    int rc = sqlite3_deserialize(db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
                                 SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
    if (rc != SQLITE_OK) {
        pal_inv_err(err, errcap, "sqlite could not read the database: %s", sqlite3_errstr(rc));
        sqlite3_close(db);
        return -1;
    }
    /* A hostile file could make Packages a view over a runaway recursive
       query: it must be a table, and the statement has a step budget. */
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, (int)PAL_INV_MAX_RPMDB_BYTES);
    sqlite3_progress_handler(db, 1000, sqlite_budget, &(unsigned long){0});
    sqlite3_stmt *st = NULL;
    rc = sqlite3_prepare_v2(db, "SELECT type FROM sqlite_master WHERE name = 'Packages'", -1, &st, NULL);
    bool table = rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
                 sqlite3_column_text(st, 0) && !strcmp((const char *)sqlite3_column_text(st, 0), "table");
    sqlite3_finalize(st);
    st = NULL;
    if (!table) {
        pal_inv_err(err, errcap, "no Packages table in the rpm database (rpm's sqlite backend keeps "
                                 "Packages(hnum, blob))");
        sqlite3_close(db);
        return -1;
    }
    rc = sqlite3_prepare_v2(db, "SELECT blob FROM Packages ORDER BY hnum", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        pal_inv_err(err, errcap, "no Packages table in the rpm database (%s)", sqlite3_errmsg(db));
        sqlite3_close(db);
        return -1;
    }
    int added = 0;
    unsigned rows = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (++rows > PAL_INV_MAX_RPM_PACKAGES) {
            pal_inv_err(err, errcap, "more than %u packages in the rpm database (PAL_INV_MAX_RPM_PACKAGES)",
                        PAL_INV_MAX_RPM_PACKAGES);
            added = -1;
            break;
        }
        const void *b = sqlite3_column_blob(st, 0);
        int bl = sqlite3_column_bytes(st, 0);
        if (!b || bl <= 0) { rep->bad_headers++; continue; }
        int r = pal_rpm_header_parse(b, (size_t)bl, arr, rep);
        if (r < 0) { added = -1; pal_inv_err(err, errcap, "out of memory"); break; }
        added += r;
    }
    if (added >= 0 && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        pal_inv_err(err, errcap, "the rpm database is corrupt: %s", sqlite3_errmsg(db));
        added = added > 0 ? added : -1;
        if (added > 0) rep->truncated = true;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return added;
}

/* ------------------------------------------------------------ Berkeley DB hash */

#define DB_HASHMAGIC 0x061561u
enum { P_HASH_UNSORTED = 2, P_OVERFLOW = 7, P_HASHMETA = 8, P_HASH = 13 };
enum { H_KEYDATA = 1, H_DUPLICATE = 2, H_OFFPAGE = 3, H_OFFDUP = 4 };
#define PAGE_HDR 26u            /* lsn 8, pgno 4, prev 4, next 4, entries 2, hf_offset 2, level 1, type 1 */

typedef struct bdb {
    const unsigned char *p;
    size_t len;
    uint32_t pagesize, npages;
    bool swap;                  /* the file is big-endian */
} bdb;

static uint32_t bdb32(const bdb *d, const unsigned char *p) { return d->swap ? be32(p) : le32(p); }
static uint16_t bdb16(const bdb *d, const unsigned char *p)
{
    return d->swap ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

/* Gathers an overflow chain of tlen bytes starting at pgno into a new buffer. */
static unsigned char *bdb_overflow(const bdb *d, uint32_t pgno, uint32_t tlen)
{
    if (tlen == 0 || tlen > PAL_INV_MAX_DB_BYTES) return NULL;
    unsigned char *out = malloc(tlen);
    if (!out) return NULL;
    uint32_t got = 0;
    for (uint32_t hops = 0; pgno && got < tlen; hops++) {
        if (pgno >= d->npages || hops >= d->npages) break;
        const unsigned char *pg = d->p + (size_t)pgno * d->pagesize;
        if (pg[25] != P_OVERFLOW) break;
        uint32_t used = bdb16(d, pg + 22);              /* hf_offset: bytes on this page */
        if (used > d->pagesize - PAGE_HDR || used > tlen - got) break;
        memcpy(out + got, pg + PAGE_HDR, used);
        got += used;
        pgno = bdb32(d, pg + 16);                       /* next_pgno */
    }
    if (got != tlen) { free(out); return NULL; }
    return out;
}

int pal_rpmdb_bdb_parse(const void *data, size_t len, cJSON *arr, pal_rpm_report *rep,
                        char *err, size_t errcap)
{
    pal_rpm_report dummy = {0};
    if (!rep) rep = &dummy;
    const unsigned char *p = data;
    if (len < 512) { pal_inv_err(err, errcap, "too short for a Berkeley DB file"); return -1; }
    bdb d = {p, len, 0, 0, false};
    uint32_t magic = le32(p + 12);
    if (magic != DB_HASHMAGIC) {
        if (be32(p + 12) != DB_HASHMAGIC) {
            pal_inv_err(err, errcap, "not a Berkeley DB hash database (magic %08x; rpm's Packages is one)", magic);
            return -1;
        }
        d.swap = true;
    }
    d.pagesize = bdb32(&d, p + 20);
    if (d.pagesize < 512 || d.pagesize > 65536 || (d.pagesize & (d.pagesize - 1))) {
        pal_inv_err(err, errcap, "Berkeley DB page size %u is not a power of two from 512 to 65536", d.pagesize);
        return -1;
    }
    if (p[24] != 0) { pal_inv_err(err, errcap, "the Berkeley DB database is encrypted"); return -1; }
    if (p[25] != P_HASHMETA) { pal_inv_err(err, errcap, "page 0 is not a hash metadata page"); return -1; }
    d.npages = (uint32_t)(len / d.pagesize > UINT32_MAX ? UINT32_MAX : len / d.pagesize);
    int added = 0;
    unsigned values = 0;
    for (uint32_t pg = 1; pg < d.npages; pg++) {
        const unsigned char *page = p + (size_t)pg * d.pagesize;
        if (page[25] != P_HASH && page[25] != P_HASH_UNSORTED) continue;
        uint16_t n = bdb16(&d, page + 20);
        if ((size_t)PAGE_HDR + 2u * n > d.pagesize) { rep->bad_headers++; continue; }
        /* entries alternate key, data; items are packed from the page's end */
        for (uint16_t i = 0; i + 1 < n; i += 2) {
            uint16_t koff = bdb16(&d, page + PAGE_HDR + 2u * i);
            uint16_t doff = bdb16(&d, page + PAGE_HDR + 2u * (i + 1));
            uint16_t dend = koff;                         /* the item before it ends where the key starts */
            if (koff >= d.pagesize || doff >= d.pagesize || doff >= dend || doff < PAGE_HDR + 2u * n) {
                rep->bad_headers++;
                continue;
            }
            /* rpm's key is the 4-byte instance number; instance 0 is bookkeeping */
            if (page[koff] == H_KEYDATA && koff + 5u <= d.pagesize) {
                uint32_t inst = bdb32(&d, page + koff + 1);
                if (inst == 0) continue;
            }
            if (++values > PAL_INV_MAX_RPM_PACKAGES) {
                pal_inv_err(err, errcap, "more than %u packages in the rpm database (PAL_INV_MAX_RPM_PACKAGES)",
                            PAL_INV_MAX_RPM_PACKAGES);
                return -1;
            }
            const unsigned char *item = page + doff;
            int r = 0;
            if (item[0] == H_KEYDATA) {
                r = pal_rpm_header_parse(item + 1, (size_t)(dend - doff - 1), arr, rep);
            } else if (item[0] == H_OFFPAGE && doff + 12u <= d.pagesize) {
                uint32_t opg = bdb32(&d, item + 4), tlen = bdb32(&d, item + 8);
                unsigned char *blob = bdb_overflow(&d, opg, tlen);
                if (!blob) { rep->bad_headers++; continue; }
                r = pal_rpm_header_parse(blob, tlen, arr, rep);
                free(blob);
            } else {
                rep->bad_headers++;
                continue;
            }
            if (r < 0) { pal_inv_err(err, errcap, "out of memory"); return -1; }
            added += r;
        }
    }
    return added;
}

/* ------------------------------------------------------------ ndb */

#define NDB_MAGIC       ('R' | 'p' << 8 | 'm' << 16 | (uint32_t)'P' << 24)
#define NDB_SLOT_MAGIC  ('S' | 'l' << 8 | 'o' << 16 | (uint32_t)'t' << 24)
#define NDB_HEAD_MAGIC  ('B' | 'l' << 8 | 'b' << 16 | (uint32_t)'S' << 24)
#define NDB_TAIL_MAGIC  ('B' | 'l' << 8 | 'b' << 16 | (uint32_t)'E' << 24)
#define NDB_PAGE 4096u
#define NDB_BLK 16u

static uint32_t adler32_update(uint32_t adler, const unsigned char *buf, size_t len)
{
    uint32_t s1 = adler & 0xffff, s2 = adler >> 16;
    while (len) {
        size_t k = len < 5552 ? len : 5552;
        len -= k;
        while (k--) { s1 += *buf++; s2 += s1; }
        s1 %= 65521;
        s2 %= 65521;
    }
    return s2 << 16 | s1;
}

int pal_rpmdb_ndb_parse(const void *data, size_t len, cJSON *arr, pal_rpm_report *rep,
                        char *err, size_t errcap)
{
    pal_rpm_report dummy = {0};
    if (!rep) rep = &dummy;
    const unsigned char *p = data;
    if (len < NDB_PAGE || le32(p) != NDB_MAGIC) {
        pal_inv_err(err, errcap, "not an rpm ndb database (Packages.db should start with \"RpmP\")");
        return -1;
    }
    if (le32(p + 4) != 0) { pal_inv_err(err, errcap, "rpm ndb version %u (palisade reads version 0)", le32(p + 4)); return -1; }
    uint32_t slotnpages = le32(p + 12);
    if (slotnpages == 0 || (uint64_t)slotnpages * NDB_PAGE > len) {
        pal_inv_err(err, errcap, "rpm ndb slot pages (%u) do not fit in the file", slotnpages);
        return -1;
    }
    uint64_t fileblks = len / NDB_BLK, minblk = (uint64_t)slotnpages * (NDB_PAGE / NDB_BLK);
    int added = 0;
    unsigned slots = 0;
    for (uint64_t o = 32; o + 16 <= (uint64_t)slotnpages * NDB_PAGE; o += 16) {
        const unsigned char *s = p + o;
        if (le32(s) != NDB_SLOT_MAGIC) { rep->bad_headers++; continue; }
        uint32_t pkgidx = le32(s + 4), blkoff = le32(s + 8), blkcnt = le32(s + 12);
        if (!blkoff) continue;                              /* a free slot */
        if (!pkgidx || !blkcnt || blkoff < minblk || (uint64_t)blkoff + blkcnt > fileblks) {
            rep->bad_headers++;
            continue;
        }
        if (++slots > PAL_INV_MAX_RPM_PACKAGES) {
            pal_inv_err(err, errcap, "more than %u packages in the rpm database (PAL_INV_MAX_RPM_PACKAGES)",
                        PAL_INV_MAX_RPM_PACKAGES);
            return -1;
        }
        const unsigned char *b = p + (size_t)blkoff * NDB_BLK;
        size_t room = (size_t)blkcnt * NDB_BLK;
        if (room < 28 || le32(b) != NDB_HEAD_MAGIC || le32(b + 4) != pkgidx) { rep->bad_headers++; continue; }
        uint32_t bloblen = le32(b + 12);
        if ((uint64_t)16 + bloblen + 12 > room || (16 + (uint64_t)bloblen + 12 + NDB_BLK - 1) / NDB_BLK != blkcnt) {
            rep->bad_headers++;
            continue;
        }
        const unsigned char *tail = b + room - 12;
        uint32_t sum = adler32_update(1, b, room - 12);   /* head, blob and padding */
        if (le32(tail) != sum || le32(tail + 4) != bloblen || le32(tail + 8) != NDB_TAIL_MAGIC) {
            rep->bad_headers++;
            continue;
        }
        int r = pal_rpm_header_parse(b + 16, bloblen, arr, rep);
        if (r < 0) { pal_inv_err(err, errcap, "out of memory"); return -1; }
        added += r;
    }
    return added;
}
