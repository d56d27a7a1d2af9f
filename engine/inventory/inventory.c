/*
 * inventory.c — the driver: tarball -> layout -> layers -> databases -> JSON.
 *
 * Design. Each stage lives in its own file (see inventory.h); this one only
 * runs them in order and assembles the tree, so the order of work is
 * readable in one function, pal_inventory_read():
 *
 *   1. index the tarball, keeping its small JSON blobs   (tar.c)
 *   2. find manifest, config and layer order            (layout.c)
 *   3. stream every layer into the merged filesystem    (layer.c)
 *   4. parse the databases the filesystem kept          (packages.c,
 *      and os-release into image.distro                  rpmdb.c, users.c,
 *                                                         distro.c)
 *   5. Windows: facts from the hives the layers carried (hive.c),
 *      or from the config's os.version when no hive could be read.
 *
 * All five share one budget (decompressed bytes, tar entries), so a hostile
 * image is stopped wherever its bomb sits.
 */
#include "engine/inventory/inventory.h"
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pal_inv_err(char *err, size_t errcap, const char *fmt, ...)
{
    if (!err || !errcap) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errcap, fmt, ap);
    va_end(ap);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    size_t k;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) k = 2;
    else if (c == 0xe0) { k = 3; lo = 0xa0; }
    else if (c >= 0xe1 && c <= 0xec) k = 3;
    else if (c == 0xed) { k = 3; hi = 0x9f; }    /* no UTF-16 surrogates */
    else if (c >= 0xee && c <= 0xef) k = 3;
    else if (c == 0xf0) { k = 4; lo = 0x90; }
    else if (c >= 0xf1 && c <= 0xf3) k = 4;
    else if (c == 0xf4) { k = 4; hi = 0x8f; }
    else return 0;
    if (n < k || s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < k; i++)
        if ((s[i] & 0xc0) != 0x80) return 0;
    return k;
}

cJSON *pal_inv_str(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t end = 0;
    while (end < n && p[end]) end++;
    char small[512];
    char *buf = end * 3 + 1 <= sizeof small ? small : malloc(end * 3 + 1);
    if (!buf) return NULL;
    size_t o = 0;
    for (size_t i = 0; i < end;) {
        size_t k = utf8_len(p + i, end - i);
        if (k) {
            memcpy(buf + o, p + i, k);
            o += k;
            i += k;
        } else {
            memcpy(buf + o, "\xef\xbf\xbd", 3);  /* U+FFFD */
            o += 3;
            i++;
        }
    }
    buf[o] = 0;
    cJSON *v = cJSON_CreateString(buf);
    if (buf != small) free(buf);
    return v;
}

/* The one tar-name normaliser (the contract is in inventory.h). */
int pal_inv_clean_name(const char *base, const char *name, unsigned flags, char *out, size_t cap)
{
    size_t o = 0;
    if (name[0] == '/' && !(flags & PAL_NAME_ROOTED)) return PAL_NAME_ESCAPES;
    for (int part = base ? 0 : 1; part < 2; part++) {
        const char *p = part == 0 ? base : name;
        while (*p) {
            const char *q = strchr(p, '/');
            size_t len = q ? (size_t)(q - p) : strlen(p);
            if (len == 0 || (len == 1 && p[0] == '.')) {
                /* "a//b", "./a", "a/": nothing */
            } else if (len == 2 && p[0] == '.' && p[1] == '.') {
                if (o == 0) return PAL_NAME_ESCAPES;
                while (o > 0 && out[o - 1] != '/') o--;
                if (o > 0) o--;
            } else {
                if (o + len + 2 > cap) return PAL_NAME_TOO_LONG;
                if (o) out[o++] = '/';
                memcpy(out + o, p, len);
                o += len;
            }
            p += len;
            if (*p == '/') p++;
        }
    }
    out[o] = 0;
    return PAL_NAME_OK;
}

/* --- layers --- */

typedef struct apply_ctx {
    pal_fs *fs;
    const pal_inv_layout *lay;
} apply_ctx;

static int apply_one(void *ud, unsigned i, struct archive *layer, char *err, size_t errcap)
{
    apply_ctx *c = ud;
    char e[1024];
    if (pal_fs_apply_layer(c->fs, layer, i, e, sizeof e) == 0) return 0;
    /* "layer 2, entry ..." -> "layer 2 (blobs/sha256/ab..), entry ..." */
    char head[32];
    int hl = snprintf(head, sizeof head, "layer %u", i);
    if (!strncmp(e, head, (size_t)hl))
        pal_inv_err(err, errcap, "layer %u (%.120s)%s", i, c->lay->layers[i].name, e + hl);
    else
        pal_inv_err(err, errcap, "layer %u (%.120s): %s", i, c->lay->layers[i].name, e);
    return -1;
}

/* A layer's error names the image too, when it has a name (the tarball
   may be one of many with the same file name). */
static void name_image(const cJSON *image, char *err, size_t errcap)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(image, "name");
    if (!err || !errcap || !cJSON_IsString(name) || !name->valuestring[0]) return;
    char *copy = strdup(err);
    if (copy) pal_inv_err(err, errcap, "image %.200s, %s", name->valuestring, copy);
    free(copy);
}

/* --- databases --- */

static void add_dpkg_d(void *ud, const char *name, pal_fs_body b)
{
    size_t n = strlen(name);
    /* status.d also holds <pkg>.md5sums lists: not stanzas */
    if (n > 8 && !strcmp(name + n - 8, ".md5sums")) return;
    pal_dpkg_parse(b.data, b.len, ud);
}

static void warn(cJSON *warnings, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(cJSON *warnings, const char *fmt, ...)
{
    char line[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    cJSON_AddItemToArray(warnings, pal_inv_str(line, strlen(line)));
}

/* rpm's databases: the first of the backends found at each of rpm's two
   homes (var/lib/rpm is often a link to usr/lib/sysimage/rpm: the same
   body is read once).  A database that cannot be read is a warning, not an
   error: the rest of the inventory stands, and says so. */
static void rpm_packages(pal_fs *fs, cJSON *arr, cJSON *warnings)
{
    static const char *const dirs[] = {"var/lib/rpm", "usr/lib/sysimage/rpm"};
    static const struct { const char *file; int (*parse)(const void *, size_t, cJSON *, pal_rpm_report *, char *, size_t); } be[] = {
        {"rpmdb.sqlite", pal_rpmdb_sqlite_parse}, {"Packages.db", pal_rpmdb_ndb_parse}, {"Packages", pal_rpmdb_bdb_parse},
    };
    const char *seen = NULL;
    for (unsigned d = 0; d < 2; d++)
        for (unsigned k = 0; k < 3; k++) {
            char path[64];
            snprintf(path, sizeof path, "%s/%s", dirs[d], be[k].file);
            pal_fs_body b = pal_fs_body_at(fs, path);
            if (!b.data || b.data == seen) continue;
            seen = b.data;
            pal_rpm_report rep = {0};
            char e[400] = "";
            int n = be[k].parse(b.data, b.len, arr, &rep, e, sizeof e);
            if (n < 0) warn(warnings, "/%s: the rpm database could not be read: %s (its packages are not listed)", path, e);
            else if (rep.truncated) warn(warnings, "/%s: the rpm database stops part way: %s (%d packages read)", path, e, n);
            if (rep.bad_headers)
                warn(warnings, "/%s: %u malformed rpm header%s skipped", path, rep.bad_headers, rep.bad_headers == 1 ? "" : "s");
            if (rep.files_omitted)
                warn(warnings, "/%s: %lu file names of packages with more than %u files not listed (PAL_INV_MAX_RPM_FILES)",
                     path, rep.files_omitted, PAL_INV_MAX_RPM_FILES);
            break;   /* one backend per home: rpm reads only the configured one */
        }
}

typedef struct lang_ctx { pal_lang_state *st; cJSON *arr, *warnings; } lang_ctx;

static void add_lang(void *ud, const char *path, int kind, pal_fs_body b)
{
    lang_ctx *c = ud;
    pal_lang_parse(c->st, kind, path, b.data, b.len, c->arr, c->warnings);
}

/* npm, Python, gems, Go and Rust binaries, jars (langpkg.c). */
static void lang_packages(pal_fs *fs, cJSON *arr, cJSON *warnings)
{
    lang_ctx c = {pal_lang_state_new(), arr, warnings};
    if (!c.st) return;
    pal_fs_lang_bodies(fs, add_lang, &c);
    pal_lang_state_free(c.st);
    size_t om = pal_fs_lang_omitted(fs);
    if (om)
        warn(warnings, "%zu language package files not read: over %u MiB of them kept (PAL_INV_MAX_LANG_BYTES)",
             om, PAL_INV_MAX_LANG_BYTES >> 20);
}

static cJSON *packages_of(pal_fs *fs, cJSON *warnings)
{
    cJSON *arr = cJSON_CreateArray();
    if (!arr) return NULL;
    pal_fs_body b = pal_fs_body_at(fs, "var/lib/dpkg/status");
    if (b.data) pal_dpkg_parse(b.data, b.len, arr);
    pal_fs_bodies_in(fs, "var/lib/dpkg/status.d", add_dpkg_d, arr);
    pal_fs_body a = pal_fs_body_at(fs, "lib/apk/db/installed");
    if (a.data) pal_apk_parse(a.data, a.len, arr);
    pal_fs_body a2 = pal_fs_body_at(fs, "usr/lib/apk/db/installed");
    if (a2.data && a2.data != a.data) pal_apk_parse(a2.data, a2.len, arr);
    rpm_packages(fs, arr, warnings);
    lang_packages(fs, arr, warnings);
    return arr;
}

/* Every package gets its purl (distro: image.distro, may be NULL). */
static void add_purls(cJSON *packages, const cJSON *distro)
{
    cJSON *p;
    cJSON_ArrayForEach(p, packages) {
        if (cJSON_GetObjectItemCaseSensitive(p, "purl")) continue;
        char *u = pal_purl(p, distro);
        if (u) cJSON_AddItemToObject(p, "purl", cJSON_CreateString(u));
        free(u);
    }
}

/* --- windows --- */

/* "10.0.17763.1234" -> up to 4 numbers; returns how many parsed. */
static int version_parts(const char *s, long v[4])
{
    int k = 0;
    while (s && *s && k < 4) {
        char *end;
        long x = strtol(s, &end, 10);
        if (end == s || x < 0) break;
        v[k++] = x;
        if (*end != '.') break;
        s = end + 1;
    }
    return k;
}

static cJSON *windows_of(pal_fs *fs, const cJSON *image)
{
    cJSON *w = cJSON_CreateObject();
    if (!w) return NULL;
    const pal_win_facts *f = pal_fs_windows(fs);
    const cJSON *osv = cJSON_GetObjectItemCaseSensitive(image, "os_version");
    long cv[4] = {0};
    int ncv = version_parts(cJSON_IsString(osv) ? osv->valuestring : NULL, cv);
    bool reg = f && f->have_build;
    long major = f && f->have_major ? f->major : ncv >= 1 ? cv[0] : 10;
    long minor = f && f->have_minor ? f->minor : ncv >= 2 ? cv[1] : 0;
    long build = reg ? f->build : ncv >= 3 ? cv[2] : -1;
    long ubr = reg ? (f->have_ubr ? f->ubr : 0) : ncv >= 4 ? cv[3] : (ncv >= 3 ? 0 : -1);
    if (f && f->have_product) {
        cJSON *s = pal_inv_str(f->product_name, strlen(f->product_name));
        if (s) cJSON_AddItemToObject(w, "product_name", s);
    }
    if (build >= 0) {
        cJSON_AddNumberToObject(w, "build", (double)build);
        cJSON_AddNumberToObject(w, "ubr", (double)ubr);
        char ver[96];
        snprintf(ver, sizeof ver, "%ld.%ld.%ld.%ld", major, minor, build, ubr);
        cJSON_AddStringToObject(w, "version", ver);
    }
    cJSON *kbs = cJSON_AddArrayToObject(w, "kbs");
    for (unsigned i = 0; f && kbs && i < f->nkbs; i++)
        cJSON_AddItemToArray(kbs, cJSON_CreateString(f->kbs[i]));
    cJSON_AddStringToObject(w, "source", reg ? "registry" : build >= 0 ? "config" : "none");
    const char *errs[16];
    unsigned ne = pal_fs_hive_errors(fs, errs, 16);
    if (ne) {
        cJSON *ea = cJSON_AddArrayToObject(w, "hive_errors");
        for (unsigned i = 0; ea && i < ne; i++)
            cJSON_AddItemToArray(ea, pal_inv_str(errs[i], strlen(errs[i])));
    }
    return w;
}

/* --- warnings --- */

static cJSON *warnings_of(pal_fs *fs)
{
    cJSON *arr = cJSON_CreateArray();
    if (!arr) return NULL;
    const char *hive[16];
    unsigned nh = pal_fs_hive_errors(fs, hive, 16);
    for (unsigned i = 0; i < nh; i++) {
        char line[512];
        snprintf(line, sizeof line, "%s (registry hive not read: the build comes from the config)", hive[i]);
        cJSON_AddItemToArray(arr, pal_inv_str(line, strlen(line)));
    }
    const char *const *w;
    unsigned omitted, n = pal_fs_warnings(fs, &w, &omitted);
    for (unsigned i = 0; i < n; i++) cJSON_AddItemToArray(arr, pal_inv_str(w[i], strlen(w[i])));
    if (omitted) {
        char line[128];
        snprintf(line, sizeof line, "%u more warnings not listed (PAL_INV_MAX_WARNINGS)", omitted);
        cJSON_AddItemToArray(arr, cJSON_CreateString(line));
    }
    return arr;
}

/* --- the driver --- */

int pal_inventory_read(const char *path, const pal_inventory_opts *o, cJSON **out,
                       char *err, size_t errcap)
{
    *out = NULL;
    pal_inventory_opts opts = {0};
    if (o) opts = *o;
    if (sodium_init() < 0) {
        pal_inv_err(err, errcap, "libsodium failed to initialize");
        return -1;
    }
    pal_inv_budget budget;
    pal_inv_src *src = pal_inv_src_open(path, &budget, err, errcap);
    if (!src) return -1;
    pal_inv_layout lay;
    if (pal_inv_layout_read(src, &lay, err, errcap) < 0) {
        pal_inv_src_free(src);
        return -1;
    }
    int rc = -1;
    cJSON *root = NULL;
    pal_fs *fs = pal_fs_new(lay.windows, &opts, &budget);
    if (!fs) { pal_inv_err(err, errcap, "out of memory"); goto done; }
    apply_ctx ac = {fs, &lay};
    if (pal_inv_src_layers(src, lay.layers, lay.nlayers, apply_one, &ac, err, errcap) < 0) {
        name_image(lay.image, err, errcap);
        goto done;
    }

    root = cJSON_CreateObject();
    if (!root) { pal_inv_err(err, errcap, "out of memory"); goto done; }
    cJSON *image = lay.image;
    lay.image = NULL;
    cJSON_AddItemToObject(root, "image", image);
    if (opts.content_max) {
        cJSON *lim = cJSON_AddObjectToObject(image, "limits");
        if (lim) cJSON_AddNumberToObject(lim, "content_omitted", (double)pal_fs_content_omitted(fs));
    }
    cJSON *warnings = warnings_of(fs);
    if (!warnings) { pal_inv_err(err, errcap, "out of memory"); goto done; }
    if (!lay.windows) {
        pal_fs_body osr = pal_fs_body_at(fs, "etc/os-release");
        if (!osr.data) osr = pal_fs_body_at(fs, "usr/lib/os-release");
        cJSON *distro = osr.data ? pal_os_release_parse(osr.data, osr.len) : NULL;
        if (distro) cJSON_AddItemToObject(image, "distro", distro);
    }
    cJSON *files = pal_fs_files_json(fs);
    cJSON *packages = packages_of(fs, warnings);
    cJSON *users = cJSON_CreateArray(), *groups = cJSON_CreateArray();
    if (!files || !packages || !users || !groups) {
        cJSON_Delete(files); cJSON_Delete(packages); cJSON_Delete(users); cJSON_Delete(groups);
        cJSON_Delete(warnings);
        pal_inv_err(err, errcap, "out of memory");
        goto done;
    }
    add_purls(packages, cJSON_GetObjectItemCaseSensitive(image, "distro"));
    cJSON_AddItemToObject(root, "files", files);
    cJSON_AddItemToObject(root, "packages", packages);
    if (!lay.windows) {
        pal_fs_body pw = pal_fs_body_at(fs, "etc/passwd"), sh = pal_fs_body_at(fs, "etc/shadow");
        pal_fs_body gr = pal_fs_body_at(fs, "etc/group");
        pal_users_parse(pw.data, pw.len, sh.data, sh.len, users);
        pal_groups_parse(gr.data, gr.len, groups);
    }
    cJSON_AddItemToObject(root, "users", users);
    cJSON_AddItemToObject(root, "groups", groups);
    if (lay.windows) {
        cJSON *w = windows_of(fs, image);
        if (w) cJSON_AddItemToObject(root, "windows", w);
    }
    cJSON_AddItemToObject(root, "warnings", warnings);
    *out = root;
    root = NULL;
    rc = 0;
done:
    cJSON_Delete(root);
    pal_fs_free(fs);
    pal_inv_layout_free(&lay);
    pal_inv_src_free(src);
    return rc;
}
