/*
 * langpkg.c — language packages: npm, Python, Ruby gems, Go and Rust
 * binaries, Java archives.
 *
 * Design. Language packages are found by where their metadata lives, in two
 * steps that keep the layer stream (layer.c) fast and its memory bounded:
 *
 *   1. while a layer streams, pal_lang_classify() looks at each regular
 *      file's path, mode and size and says what, if anything, to keep:
 *        PAL_LANG_NPM   node_modules/NAME/package.json, node_modules/@S/N/package.json
 *        PAL_LANG_NPMLOCK  package-lock.json outside node_modules
 *        PAL_LANG_PYTHON   NAME.dist-info/METADATA, NAME.egg-info/PKG-INFO, a NAME.egg-info file
 *        PAL_LANG_GEM   specifications/NAME.gemspec
 *        PAL_LANG_JAR   *.jar *.war *.ear *.jpi *.hpi
 *        PAL_LANG_EXEC  an executable of 1 KiB or more (kept only if it is ELF)
 *      metadata files are kept whole (they are small, capped); a jar or an
 *      ELF binary is buffered only while it streams past, reduced to a small
 *      JSON summary (pal_lang_summarize: the artifacts in a jar, the Go build
 *      info or the cargo-auditable list of a binary) and the buffer freed;
 *   2. once every layer is applied (so a later layer's deletion counts),
 *      pal_lang_parse() turns each kept body into package records with
 *      ecosystem, name, version, license where the metadata says, and
 *      location (the file they came from).
 *
 * Formats, all read as hostile input with every length checked:
 *  - npm package.json / package-lock.json (lockfileVersion 1: nested
 *    "dependencies"; 2 and 3: "packages" keyed by node_modules path): cJSON,
 *    bounded by the kept size; a lock's packages are listed only when the
 *    same name@version was not already found in a node_modules tree.
 *  - Python core metadata (RFC 822 headers up to the first blank line):
 *    Name, Version, License-Expression or License.
 *  - gemspecs as rubygems writes them under specifications/: the string
 *    after `.name =`, `.version =`, and the first of `.licenses =`.
 *  - Go build info (Go >= 1.18): the .go.buildinfo section (found through
 *    the section headers, else by its 16-byte aligned magic "\xff Go
 *    buildinf:"), flags bit 2 = strings inline as varint-prefixed bytes:
 *    the toolchain version, then the module info: "path", "mod PATH VER",
 *    "dep PATH VER", "=> PATH VER" (a replacement of the line before).  The
 *    toolchain becomes package "stdlib" (as OSV names it); a main module at
 *    "(devel)" is listed without a version.  Older binaries (pointers, not
 *    inline strings) are reported in the summary and not listed.
 *  - cargo auditable: the .dep-v0 section, zlib-compressed JSON
 *    {"packages":[{name, version, source, ...}]}, inflated up to 8 MiB.
 *  - Java: the archive is a zip read from memory by libarchive; every
 *    META-INF/maven/G/A/pom.properties is an artifact (groupId, artifactId,
 *    version); with none, META-INF/MANIFEST.MF's Implementation-Title/
 *    -Version (or Bundle-SymbolicName/-Version); jars inside it (Spring
 *    Boot's BOOT-INF/lib, WEB-INF/lib) are read the same way, two levels
 *    deep, their location "outer.jar!/BOOT-INF/lib/inner.jar".
 */
#include "engine/inventory/inventory.h"
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

/* ------------------------------------------------------------ classify */

static bool ends_with(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && !memcmp(s + n - k, suf, k);
}

/* The i-th path component counted from the end (0 = the file name). */
static bool component(const char *path, unsigned back, const char **c, size_t *n)
{
    size_t end = strlen(path);
    for (unsigned k = 0;; k++) {
        size_t st = end;
        while (st > 0 && path[st - 1] != '/') st--;
        if (k == back) { *c = path + st; *n = end - st; return true; }
        if (st == 0) return false;
        end = st - 1;
    }
}

static bool comp_is(const char *path, unsigned back, const char *want)
{
    const char *c;
    size_t n;
    return component(path, back, &c, &n) && n == strlen(want) && !memcmp(c, want, n);
}

int pal_lang_classify(const char *path, unsigned mode, int64_t size)
{
    const char *base;
    size_t bn;
    if (!component(path, 0, &base, &bn) || size <= 0) return PAL_LANG_NONE;
    if (bn == 12 && !memcmp(base, "package.json", 12) && size <= (int64_t)PAL_INV_MAX_LANG_META) {
        const char *p;
        size_t pn;
        if (comp_is(path, 2, "node_modules")) return PAL_LANG_NPM;
        if (comp_is(path, 3, "node_modules") && component(path, 2, &p, &pn) && pn > 1 && p[0] == '@')
            return PAL_LANG_NPM;
        return PAL_LANG_NONE;
    }
    if (bn == 17 && !memcmp(base, "package-lock.json", 17) && size <= (int64_t)PAL_INV_MAX_LANG_LOCK &&
        !strstr(path, "node_modules/"))
        return PAL_LANG_NPMLOCK;
    if (size <= (int64_t)PAL_INV_MAX_LANG_META) {
        const char *d;
        size_t dn;
        bool have_dir = component(path, 1, &d, &dn);
        if (bn == 8 && !memcmp(base, "METADATA", 8) && have_dir && ends_with(d, dn, ".dist-info")) return PAL_LANG_PYTHON;
        if (bn == 8 && !memcmp(base, "PKG-INFO", 8) && have_dir && ends_with(d, dn, ".egg-info")) return PAL_LANG_PYTHON;
        if (ends_with(base, bn, ".egg-info")) return PAL_LANG_PYTHON;
        if (ends_with(base, bn, ".gemspec") && comp_is(path, 1, "specifications")) return PAL_LANG_GEM;
    }
    if ((ends_with(base, bn, ".jar") || ends_with(base, bn, ".war") || ends_with(base, bn, ".ear") ||
         ends_with(base, bn, ".jpi") || ends_with(base, bn, ".hpi")) && size <= (int64_t)PAL_INV_MAX_LANG_ARCHIVE)
        return PAL_LANG_JAR;
    if ((mode & 0111) && size >= 1024 && size <= (int64_t)PAL_INV_MAX_LANG_ARCHIVE) return PAL_LANG_EXEC;
    return PAL_LANG_NONE;
}

/* ------------------------------------------------------------ records */

static cJSON *record(cJSON *arr, const char *eco, const char *name, size_t nl, const char *ver, size_t vl,
                     const char *location)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddItemToObject(o, "name", pal_inv_str(name, nl));
    if (ver && vl) cJSON_AddItemToObject(o, "version", pal_inv_str(ver, vl));
    cJSON_AddStringToObject(o, "ecosystem", eco);
    cJSON_AddStringToObject(o, "status", "installed");
    cJSON_AddItemToObject(o, "location", pal_inv_str(location, strlen(location)));
    cJSON_AddItemToArray(arr, o);
    return o;
}

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* npm's "license": a string, or the old {"type": "MIT"} form. */
static void npm_license(cJSON *rec, const cJSON *pkg)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(pkg, "license");
    const char *s = cJSON_IsString(l) ? l->valuestring : jstr(l, "type");
    if (s && *s) cJSON_AddItemToObject(rec, "license", pal_inv_str(s, strlen(s)));
}

/* ------------------------------------------------------------ npm */

static int parse_npm(const char *data, size_t len, const char *loc, cJSON *arr)
{
    cJSON *j = cJSON_ParseWithLength(data, len);
    if (!j) return 0;
    const char *name = jstr(j, "name"), *ver = jstr(j, "version");
    int n = 0;
    if (name && *name && ver && *ver) {
        cJSON *r = record(arr, "npm", name, strlen(name), ver, strlen(ver), loc);
        if (r) { npm_license(r, j); n = 1; }
    }
    cJSON_Delete(j);
    return n;
}

typedef struct seen_set { char **keys; size_t n, cap; } seen_set;

static bool seen_has(const seen_set *s, const char *k)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->keys[i], k)) return true;
    return false;
}

static int lock_v1(const cJSON *deps, const char *loc, cJSON *arr, const seen_set *seen, unsigned depth)
{
    if (depth > 64) return 0;
    int n = 0;
    const cJSON *d;
    cJSON_ArrayForEach(d, deps) {
        const char *ver = jstr(d, "version");
        if (d->string && ver) {
            char key[1024];
            snprintf(key, sizeof key, "npm\t%s\t%s", d->string, ver);
            if (!seen_has(seen, key) && record(arr, "npm", d->string, strlen(d->string), ver, strlen(ver), loc)) n++;
        }
        n += lock_v1(cJSON_GetObjectItemCaseSensitive(d, "dependencies"), loc, arr, seen, depth + 1);
    }
    return n;
}

static int parse_npm_lock(const char *data, size_t len, const char *loc, cJSON *arr, const seen_set *seen)
{
    cJSON *j = cJSON_ParseWithLength(data, len);
    if (!j) return 0;
    int n = 0;
    const cJSON *pkgs = cJSON_GetObjectItemCaseSensitive(j, "packages");
    if (cJSON_IsObject(pkgs)) {
        const cJSON *p;
        cJSON_ArrayForEach(p, pkgs) {
            const char *key = p->string, *ver = jstr(p, "version");
            if (!key || !*key || !ver || cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "link"))) continue;
            const char *nm = strstr(key, "node_modules/");
            const char *last = NULL;
            while (nm) { last = nm; nm = strstr(nm + 13, "node_modules/"); }
            const char *name = jstr(p, "name");
            if (!name) name = last ? last + 13 : NULL;
            if (!name || !*name) continue;
            char k[1024];
            snprintf(k, sizeof k, "npm\t%s\t%s", name, ver);
            if (seen_has(seen, k)) continue;
            cJSON *r = record(arr, "npm", name, strlen(name), ver, strlen(ver), loc);
            if (r) { npm_license(r, p); n++; }
        }
    } else {
        n = lock_v1(cJSON_GetObjectItemCaseSensitive(j, "dependencies"), loc, arr, seen, 0);
    }
    cJSON_Delete(j);
    return n;
}

/* ------------------------------------------------------------ python */

static int parse_python(const char *data, size_t len, const char *loc, cJSON *arr)
{
    const char *name = NULL, *ver = NULL, *lic = NULL, *expr = NULL;
    size_t nl = 0, vl = 0, ll = 0, el = 0;
    const char *p = data, *end = data + len;
    while (p < end) {
        const char *nlp = memchr(p, '\n', (size_t)(end - p));
        const char *le = nlp ? nlp : end;
        size_t n = (size_t)(le - p);
        if (n && p[n - 1] == '\r') n--;
        if (n == 0) break;                              /* the headers end at the first blank line */
        const char *colon = memchr(p, ':', n);
        if (colon && p[0] != ' ' && p[0] != '\t') {
            size_t kl = (size_t)(colon - p);
            const char *v = colon + 1;
            size_t vn = n - kl - 1;
            while (vn && (*v == ' ' || *v == '\t')) { v++; vn--; }
            while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t')) vn--;
            if (kl == 4 && !strncasecmp(p, "Name", 4) && !name) { name = v; nl = vn; }
            else if (kl == 7 && !strncasecmp(p, "Version", 7) && !ver) { ver = v; vl = vn; }
            else if (kl == 7 && !strncasecmp(p, "License", 7) && !lic) { lic = v; ll = vn; }
            else if (kl == 18 && !strncasecmp(p, "License-Expression", 18) && !expr) { expr = v; el = vn; }
        }
        p = nlp ? nlp + 1 : end;
    }
    if (!name || !nl || !ver || !vl) return 0;
    cJSON *r = record(arr, "pypi", name, nl, ver, vl, loc);
    if (!r) return 0;
    if (expr && el) cJSON_AddItemToObject(r, "license", pal_inv_str(expr, el));
    else if (lic && ll && ll < 200 && strncasecmp(lic, "UNKNOWN", 7)) cJSON_AddItemToObject(r, "license", pal_inv_str(lic, ll));
    return 1;
}

/* ------------------------------------------------------------ gems */

/* The first "..." or '...' after `key` and an '='. */
static const char *gem_field(const char *data, size_t len, const char *key, size_t *out)
{
    size_t kl = strlen(key);
    for (const char *p = data; p + kl < data + len;) {
        const char *hit = memmem(p, (size_t)(data + len - p), key, kl);
        if (!hit) return NULL;
        const char *q = hit + kl, *end = data + len;
        while (q < end && (*q == ' ' || *q == '\t')) q++;
        if (q < end && *q == '=') {
            q++;
            while (q < end && *q != '"' && *q != '\'' && *q != '\n') q++;
            if (q < end && (*q == '"' || *q == '\'')) {
                char quote = *q++;
                const char *e = memchr(q, quote, (size_t)(end - q));
                if (e && e - q < 512) { *out = (size_t)(e - q); return q; }
            }
        }
        p = hit + kl;
    }
    return NULL;
}

static int parse_gem(const char *data, size_t len, const char *loc, cJSON *arr)
{
    size_t nl, vl, ll;
    const char *name = gem_field(data, len, ".name", &nl);
    const char *ver = gem_field(data, len, ".version", &vl);
    if (!name || !nl || !ver || !vl) return 0;
    cJSON *r = record(arr, "rubygems", name, nl, ver, vl, loc);
    if (!r) return 0;
    const char *lic = gem_field(data, len, ".licenses", &ll);
    if (!lic) lic = gem_field(data, len, ".license", &ll);
    if (lic && ll) cJSON_AddItemToObject(r, "license", pal_inv_str(lic, ll));
    return 1;
}

/* ------------------------------------------------------------ ELF: Go and Rust */

typedef struct elf {
    const unsigned char *p;
    size_t len;
    bool is64, be;
} elf;

static uint64_t eu(const elf *e, size_t off, unsigned n)
{
    if (off > e->len || n > e->len - off) return 0;
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        unsigned k = e->be ? i : n - 1 - i;
        v = v << 8 | e->p[off + k];
    }
    return v;
}

/* The bytes of the section named `want`, or NULL. */
static const unsigned char *elf_section(const elf *e, const char *want, size_t *out_len)
{
    uint64_t shoff = e->is64 ? eu(e, 0x28, 8) : eu(e, 0x20, 4);
    unsigned shentsize = (unsigned)(e->is64 ? eu(e, 0x3a, 2) : eu(e, 0x2e, 2));
    unsigned shnum = (unsigned)(e->is64 ? eu(e, 0x3c, 2) : eu(e, 0x30, 2));
    unsigned shstrndx = (unsigned)(e->is64 ? eu(e, 0x3e, 2) : eu(e, 0x32, 2));
    if (!shoff || shentsize < (e->is64 ? 64u : 40u) || shnum == 0 || shstrndx >= shnum ||
        shoff > e->len || (uint64_t)shnum * shentsize > e->len - shoff)
        return NULL;
#define SH(i, off64, off32, n64, n32) (e->is64 ? eu(e, shoff + (uint64_t)(i) * shentsize + (off64), (n64)) \
                                               : eu(e, shoff + (uint64_t)(i) * shentsize + (off32), (n32)))
    uint64_t str_off = SH(shstrndx, 0x18, 0x10, 8, 4), str_size = SH(shstrndx, 0x20, 0x14, 8, 4);
    if (str_off > e->len || str_size > e->len - str_off) return NULL;
    size_t wl = strlen(want);
    for (unsigned i = 0; i < shnum; i++) {
        uint64_t name = SH(i, 0, 0, 4, 4);
        if (name + wl + 1 > str_size) continue;
        if (memcmp(e->p + str_off + name, want, wl + 1)) continue;
        uint64_t type = SH(i, 4, 4, 4, 4);
        if (type == 8) return NULL;                       /* SHT_NOBITS: nothing in the file */
        uint64_t off = SH(i, 0x18, 0x10, 8, 4), size = SH(i, 0x20, 0x14, 8, 4);
        if (off > e->len || size > e->len - off) return NULL;
        *out_len = (size_t)size;
        return e->p + off;
    }
#undef SH
    return NULL;
}

static const unsigned char go_magic[14] = {0xff, ' ', 'G', 'o', ' ', 'b', 'u', 'i', 'l', 'd', 'i', 'n', 'f', ':'};

/* A varint-prefixed string at *p (inline build info). */
static bool go_string(const unsigned char **p, const unsigned char *end, const unsigned char **s, size_t *n)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*p >= end) return false;
        unsigned char b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            if (v > (uint64_t)(end - *p)) return false;
            *s = *p;
            *n = (size_t)v;
            *p += v;
            return true;
        }
    }
    return false;
}

static void go_summary(const unsigned char *bi, size_t blen, cJSON *sum)
{
    if (blen < 32) return;
    unsigned flags = bi[15];
    if (!(flags & 2)) {
        cJSON_AddStringToObject(sum, "go_error", "Go build info before Go 1.18 (pointers, not inline strings): not read");
        return;
    }
    const unsigned char *p = bi + 32, *end = bi + blen, *v, *m;
    size_t vn, mn;
    if (!go_string(&p, end, &v, &vn) || !go_string(&p, end, &m, &mn)) return;
    cJSON_AddItemToObject(sum, "go", pal_inv_str((const char *)v, vn));
    /* module info is framed by 16-byte sentinels */
    if (mn >= 32) { m += 16; mn -= 32; }
    cJSON *mods = cJSON_AddArrayToObject(sum, "modules");
    cJSON *last = NULL;
    const unsigned char *q = m, *qe = m + mn;
    while (q < qe) {
        const unsigned char *nl = memchr(q, '\n', (size_t)(qe - q));
        const unsigned char *le = nl ? nl : qe;
        const char *f[4] = {0};
        size_t fl[4] = {0};
        int nf = 0;
        for (const unsigned char *t = q; t <= le && nf < 4;) {
            const unsigned char *tab = memchr(t, '\t', (size_t)(le - t));
            const unsigned char *te = tab ? tab : le;
            f[nf] = (const char *)t;
            fl[nf++] = (size_t)(te - t);
            if (!tab) break;
            t = tab + 1;
        }
        bool mod = nf >= 2 && fl[0] == 3 && !memcmp(f[0], "mod", 3);
        bool dep = nf >= 3 && fl[0] == 3 && !memcmp(f[0], "dep", 3);
        bool repl = nf >= 3 && fl[0] == 2 && !memcmp(f[0], "=>", 2);
        if (mod || dep) {
            last = cJSON_CreateObject();
            cJSON_AddItemToObject(last, "path", pal_inv_str(f[1], fl[1]));
            if (nf >= 3) cJSON_AddItemToObject(last, "version", pal_inv_str(f[2], fl[2]));
            if (mod) cJSON_AddTrueToObject(last, "main");
            cJSON_AddItemToArray(mods, last);
        } else if (repl && last && fl[2] && !(fl[2] == 7 && !memcmp(f[2], "(devel)", 7))) {
            /* a replacement by another module version; a local directory
               ("=> ./dep (devel)") keeps the required module's name */
            cJSON_ReplaceItemInObject(last, "path", pal_inv_str(f[1], fl[1]));
            cJSON_DeleteItemFromObject(last, "version");
            cJSON_AddItemToObject(last, "version", pal_inv_str(f[2], fl[2]));
        }
        if (cJSON_GetArraySize(mods) > 100000) break;
        q = nl ? nl + 1 : qe;
    }
}

static void cargo_summary(const unsigned char *z, size_t zlen, cJSON *sum)
{
    const size_t cap = 8u << 20;
    unsigned char *out = malloc(cap);
    if (!out) return;
    z_stream s = {0};
    if (inflateInit(&s) != Z_OK) { free(out); return; }
    s.next_in = (unsigned char *)z;
    s.avail_in = (uInt)(zlen > UINT32_MAX ? UINT32_MAX : zlen);
    s.next_out = out;
    s.avail_out = (uInt)cap;
    int r = inflate(&s, Z_FINISH);
    size_t n = cap - s.avail_out;
    inflateEnd(&s);
    if (r == Z_STREAM_END) {
        cJSON *j = cJSON_ParseWithLength((const char *)out, n);
        cJSON *pk = cJSON_DetachItemFromObjectCaseSensitive(j, "packages");
        if (cJSON_IsArray(pk)) cJSON_AddItemToObject(sum, "cargo", pk);
        else cJSON_Delete(pk);
        cJSON_Delete(j);
    } else {
        cJSON_AddStringToObject(sum, "cargo_error", "the cargo-auditable .dep-v0 section does not inflate (or is over 8 MiB)");
    }
    free(out);
}

static cJSON *elf_summary(const unsigned char *p, size_t len)
{
    if (len < 64 || memcmp(p, "\177ELF", 4) || (p[4] != 1 && p[4] != 2) || (p[5] != 1 && p[5] != 2)) return NULL;
    elf e = {p, len, p[4] == 2, p[5] == 2};
    cJSON *sum = cJSON_CreateObject();
    if (!sum) return NULL;
    size_t bl = 0;
    const unsigned char *bi = elf_section(&e, ".go.buildinfo", &bl);
    if (!bi || bl < 32 || memcmp(bi, go_magic, 14)) {
        /* no section headers (stripped with sstrip, or a packer): the magic is 16-byte aligned */
        bi = NULL;
        for (size_t off = 0; off + 32 <= len; off += 16)
            if (p[off] == 0xff && !memcmp(p + off, go_magic, 14)) { bi = p + off; bl = len - off; break; }
    }
    if (bi) go_summary(bi, bl > (4u << 20) ? (4u << 20) : bl, sum);
    size_t cl = 0;
    const unsigned char *dep = elf_section(&e, ".dep-v0", &cl);
    if (dep && cl) cargo_summary(dep, cl, sum);
    if (!cJSON_GetArraySize(sum)) { cJSON_Delete(sum); return NULL; }
    return sum;
}

/* ------------------------------------------------------------ Java */

typedef struct jar_ctx {
    cJSON *list;                /* artifacts found: {group, name, version, in} */
    uint64_t nested_bytes;
} jar_ctx;

/* "Key: value" of a manifest's main section (continuation lines joined). */
static bool manifest_value(const char *m, size_t len, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    const char *p = m, *end = m + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        size_t n = (size_t)(le - p);
        if (n && p[n - 1] == '\r') n--;
        if (n == 0) return false;                       /* the main section ends */
        if (n > kl + 1 && !strncasecmp(p, key, kl) && p[kl] == ':') {
            const char *v = p + kl + 1;
            size_t vn = n - kl - 1, o = 0;
            while (vn && *v == ' ') { v++; vn--; }
            for (;;) {
                for (size_t i = 0; i < vn && o + 1 < cap; i++) out[o++] = v[i];
                if (!nl || nl + 1 >= end || nl[1] != ' ') break;   /* a continuation line */
                p = nl + 2;
                nl = memchr(p, '\n', (size_t)(end - p));
                le = nl ? nl : end;
                vn = (size_t)(le - p);
                if (vn && p[vn - 1] == '\r') vn--;
                v = p;
            }
            out[o] = 0;
            return o > 0;
        }
        p = nl ? nl + 1 : end;
    }
    return false;
}

static bool prop_value(const char *s, size_t len, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    for (const char *p = s, *end = s + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        size_t n = (size_t)(le - p);
        if (n && p[n - 1] == '\r') n--;
        if (n > kl && !memcmp(p, key, kl) && (p[kl] == '=' || p[kl] == ':')) {
            size_t vn = n - kl - 1;
            if (vn >= cap) vn = cap - 1;
            memcpy(out, p + kl + 1, vn);
            out[vn] = 0;
            return vn > 0;
        }
        p = nl ? nl + 1 : end;
    }
    return false;
}

static void jar_add(jar_ctx *c, const char *group, const char *name, const char *ver, const char *in)
{
    if (cJSON_GetArraySize(c->list) >= 10000) return;
    cJSON *o = cJSON_CreateObject();
    if (!o) return;
    if (group && *group) cJSON_AddItemToObject(o, "group", pal_inv_str(group, strlen(group)));
    cJSON_AddItemToObject(o, "name", pal_inv_str(name, strlen(name)));
    if (ver && *ver) cJSON_AddItemToObject(o, "version", pal_inv_str(ver, strlen(ver)));
    if (in && *in) cJSON_AddItemToObject(o, "in", pal_inv_str(in, strlen(in)));
    cJSON_AddItemToArray(c->list, o);
}

/* Reads the current entry into a new buffer of at most cap bytes (NULL past it). */
static char *entry_bytes(struct archive *a, int64_t size, size_t cap, size_t *len)
{
    if (size < 0 || (uint64_t)size > cap) return NULL;
    char *b = malloc((size_t)size + 1);
    if (!b) return NULL;
    la_ssize_t n = archive_read_data(a, b, (size_t)size);
    if (n < 0) { free(b); return NULL; }
    b[n] = 0;
    *len = (size_t)n;
    return b;
}

static void jar_read(jar_ctx *c, const void *data, size_t len, const char *name, const char *in, unsigned depth)
{
    struct archive *a = archive_read_new();
    if (!a) return;
    archive_read_support_format_zip(a);
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) { archive_read_free(a); return; }
    char *manifest = NULL;
    size_t mlen = 0;
    int poms = 0;
    struct archive_entry *ae;
    unsigned entries = 0;
    while (archive_read_next_header(a, &ae) == ARCHIVE_OK && ++entries <= 200000) {
        const char *en = archive_entry_pathname(ae);
        if (!en || archive_entry_filetype(ae) != AE_IFREG) continue;
        size_t enl = strlen(en);
        int64_t sz = archive_entry_size(ae);
        if (!strcmp(en, "META-INF/MANIFEST.MF") && !manifest) {
            manifest = entry_bytes(a, sz, 1u << 20, &mlen);
        } else if (!strncmp(en, "META-INF/maven/", 15) && ends_with(en, enl, "/pom.properties")) {
            size_t pl;
            char *props = entry_bytes(a, sz, 64u << 10, &pl);
            char g[256], art[256], v[256];
            if (props && prop_value(props, pl, "artifactId", art, sizeof art) &&
                prop_value(props, pl, "version", v, sizeof v)) {
                if (!prop_value(props, pl, "groupId", g, sizeof g)) g[0] = 0;
                jar_add(c, g, art, v, in);
                poms++;
            }
            free(props);
        } else if (depth < 2 && (ends_with(en, enl, ".jar") || ends_with(en, enl, ".war")) && sz > 0 &&
                   c->nested_bytes + (uint64_t)sz <= PAL_INV_MAX_LANG_ARCHIVE) {
            size_t nl;
            char *inner = entry_bytes(a, sz, 64u << 20, &nl);
            if (inner) {
                c->nested_bytes += nl;
                char where[PAL_INV_MAX_PATH];
                snprintf(where, sizeof where, "%s!/%s", in ? in : "", en);
                const char *base = strrchr(en, '/');
                jar_read(c, inner, nl, base ? base + 1 : en, where, depth + 1);
                free(inner);
            }
        }
    }
    if (!poms && manifest) {
        char title[256] = "", ver[256] = "", vendor[256] = "";
        if (!manifest_value(manifest, mlen, "Implementation-Title", title, sizeof title))
            manifest_value(manifest, mlen, "Bundle-SymbolicName", title, sizeof title);
        if (!manifest_value(manifest, mlen, "Implementation-Version", ver, sizeof ver))
            manifest_value(manifest, mlen, "Bundle-Version", ver, sizeof ver);
        manifest_value(manifest, mlen, "Implementation-Vendor-Id", vendor, sizeof vendor);
        char *semi = strchr(title, ';');                 /* Bundle-SymbolicName: x;singleton:=true */
        if (semi) *semi = 0;
        if (!title[0] && name) {
            /* the file name, "log4j-core-2.14.1.jar" -> log4j-core */
            snprintf(title, sizeof title, "%s", name);
            char *dot = strrchr(title, '.');
            if (dot) *dot = 0;
            for (char *d = title; *d; d++)
                if (*d == '-' && d[1] >= '0' && d[1] <= '9') { *d = 0; break; }
        }
        if (title[0] && ver[0]) jar_add(c, vendor, title, ver, in);
    }
    free(manifest);
    archive_read_free(a);
}

/* ------------------------------------------------------------ summaries and records */

char *pal_lang_summarize(int kind, const void *data, size_t len, const char *name)
{
    cJSON *sum = NULL;
    if (kind == PAL_LANG_EXEC) {
        sum = elf_summary(data, len);
    } else if (kind == PAL_LANG_JAR) {
        jar_ctx c = {cJSON_CreateArray(), 0};
        if (!c.list) return NULL;
        jar_read(&c, data, len, name, NULL, 0);
        if (cJSON_GetArraySize(c.list)) {
            sum = cJSON_CreateObject();
            if (sum) cJSON_AddItemToObject(sum, "java", c.list);
            else cJSON_Delete(c.list);
        } else {
            cJSON_Delete(c.list);
        }
    }
    if (!sum) return NULL;
    char *s = cJSON_PrintUnformatted(sum);
    cJSON_Delete(sum);
    return s;
}

static int from_summary(const char *data, size_t len, const char *loc, cJSON *arr, cJSON *warnings)
{
    cJSON *s = cJSON_ParseWithLength(data, len);
    if (!s) return 0;
    int n = 0;
    const char *gover = jstr(s, "go");
    const char *gerr = jstr(s, "go_error");
    if (gerr && warnings) {
        char w[PAL_INV_MAX_PATH + 200];
        snprintf(w, sizeof w, "%s: %s", loc, gerr);
        cJSON_AddItemToArray(warnings, pal_inv_str(w, strlen(w)));
    }
    if (gover && *gover) {
        cJSON *r = record(arr, "go", "stdlib", 6, gover, strlen(gover), loc);
        if (r) n++;
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(s, "modules")) {
        const char *path = jstr(m, "path"), *ver = jstr(m, "version");
        if (!path || !*path) continue;
        if (ver && !strcmp(ver, "(devel)")) ver = NULL;
        cJSON *r = record(arr, "go", path, strlen(path), ver, ver ? strlen(ver) : 0, loc);
        if (r) {
            if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "main"))) cJSON_AddTrueToObject(r, "main");
            n++;
        }
    }
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(s, "cargo")) {
        const char *name = jstr(m, "name"), *ver = jstr(m, "version"), *src = jstr(m, "source");
        if (!name || !*name || !ver) continue;
        if (src && strcmp(src, "crates.io") && strcmp(src, "CratesIo")) continue;   /* local / git crates: no registry version */
        if (record(arr, "cargo", name, strlen(name), ver, strlen(ver), loc)) n++;
    }
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(s, "java")) {
        const char *name = jstr(m, "name"), *ver = jstr(m, "version"), *g = jstr(m, "group"), *in = jstr(m, "in");
        if (!name) continue;
        /* nested jars: "/app/app.jar!/BOOT-INF/lib/x.jar" */
        char where[2 * PAL_INV_MAX_PATH + 2];
        snprintf(where, sizeof where, "%s%s", loc, in ? in : "");
        cJSON *r = record(arr, "maven", name, strlen(name), ver, ver ? strlen(ver) : 0, where);
        if (r && g) cJSON_AddItemToObject(r, "group", pal_inv_str(g, strlen(g)));
        if (r) n++;
    }
    cJSON_Delete(s);
    return n;
}

struct pal_lang_state { seen_set seen; };

pal_lang_state *pal_lang_state_new(void) { return calloc(1, sizeof(pal_lang_state)); }

void pal_lang_state_free(pal_lang_state *st)
{
    if (!st) return;
    for (size_t i = 0; i < st->seen.n; i++) free(st->seen.keys[i]);
    free(st->seen.keys);
    free(st);
}

/* Remembers name@version of what node_modules held, for the lock files. */
static void remember(pal_lang_state *st, cJSON *arr, int from)
{
    for (int i = from; i < cJSON_GetArraySize(arr); i++) {
        const cJSON *r = cJSON_GetArrayItem(arr, i);
        const char *n = jstr(r, "name"), *v = jstr(r, "version");
        if (!n || !v) continue;
        char k[1024];
        snprintf(k, sizeof k, "npm\t%s\t%s", n, v);
        if (st->seen.n == st->seen.cap) {
            size_t nc = st->seen.cap ? 2 * st->seen.cap : 64;
            char **nk = realloc(st->seen.keys, nc * sizeof *nk);
            if (!nk) return;
            st->seen.keys = nk;
            st->seen.cap = nc;
        }
        char *d = strdup(k);
        if (d) st->seen.keys[st->seen.n++] = d;
    }
}

int pal_lang_parse(pal_lang_state *st, int kind, const char *path, const char *data, size_t len,
                   cJSON *arr, cJSON *warnings)
{
    int from = cJSON_GetArraySize(arr);
    switch (kind) {
    case PAL_LANG_NPM: {
        int n = parse_npm(data, len, path, arr);
        if (st) remember(st, arr, from);
        return n;
    }
    case PAL_LANG_NPMLOCK: {
        seen_set none = {0};
        return parse_npm_lock(data, len, path, arr, st ? &st->seen : &none);
    }
    case PAL_LANG_PYTHON: return parse_python(data, len, path, arr);
    case PAL_LANG_GEM: return parse_gem(data, len, path, arr);
    case PAL_LANG_EXEC:
    case PAL_LANG_JAR: return from_summary(data, len, path, arr, warnings);
    }
    return 0;
}
