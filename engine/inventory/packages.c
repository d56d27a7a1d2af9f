/*
 * packages.c — installed packages from dpkg and apk databases.
 *
 * Design. Both databases are stanzas of "Key: value" (dpkg, deb822) or
 * "K:value" (apk) lines separated by blank lines, so one stanza walker
 * serves both; each format only says which keys it wants.  The walker works
 * on (pointer, length) — a database is untrusted bytes and may hold NULs or
 * lack a final newline — and keeps nothing but the output records.
 *
 * dpkg (var/lib/dpkg/status, and distroless's var/lib/dpkg/status.d/<pkg>
 * files, which are the same stanzas without a Status field):
 *   - a package is listed unless its Status state is "not-installed" or
 *     "config-files" (removed, only its conffiles left: no code to be
 *     vulnerable); a stanza without Status counts as installed.  That is
 *     `dpkg-query -W` less the packages in state "rc";
 *   - "Source: glibc (2.36-9)" gives source and source_version; without
 *     Source, the source is the package itself, as dpkg's ${source:Package}.
 * apk (lib/apk/db/installed): P name, V version, A architecture, o origin
 *   (the source package, built at the same version).
 *
 * Records carry name, version, source, source_version, architecture,
 * ecosystem ("dpkg" / "apk"), status (the dpkg state word, "installed" for
 * apk), and for dpkg multi_arch when the package declares it.
 */
#include "engine/inventory/inventory.h"
#include <string.h>
#include <strings.h>

typedef struct span { const char *p; size_t n; } span;

#define MAX_KEYS 8

typedef struct stanza_spec {
    char sep;                          /* ':' between key and value */
    bool trim_space;                   /* dpkg: "Key: value"; apk: "K:value" */
    const char *keys[MAX_KEYS];        /* wanted keys, NULL-terminated */
} stanza_spec;

static bool key_eq(const stanza_spec *sp, span k, const char *want)
{
    return k.n == strlen(want) && (sp->trim_space ? strncasecmp(k.p, want, k.n) == 0
                                                  : memcmp(k.p, want, k.n) == 0);
}

/* Calls fn for each stanza with the values of the wanted keys (n = 0 when
   absent).  Continuation lines (leading space/tab) belong to the previous
   field and are not needed by any key we read. */
static int stanzas(const char *data, size_t len, const stanza_spec *sp,
                   int (*fn)(void *ud, const span *vals), void *ud)
{
    span vals[MAX_KEYS];
    bool any = false;
    int added = 0;
    memset(vals, 0, sizeof vals);
    const char *p = data, *end = data + len;
    for (;;) {
        const char *eol = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
        const char *le = eol ? eol : end;
        size_t ll = (size_t)(le - p);
        if (ll && p[ll - 1] == '\r') ll--;
        bool blank = true;
        for (size_t i = 0; i < ll; i++)
            if (p[i] != ' ' && p[i] != '\t') { blank = false; break; }
        if (blank || p >= end) {
            if (any) {
                int r = fn(ud, vals);
                if (r < 0) return -1;
                added += r;
            }
            memset(vals, 0, sizeof vals);
            any = false;
            if (p >= end) break;
        } else if (p[0] != ' ' && p[0] != '\t') {
            const char *colon = memchr(p, sp->sep, ll);
            if (colon) {
                span k = {p, (size_t)(colon - p)};
                span v = {colon + 1, ll - (size_t)(colon - p) - 1};
                if (sp->trim_space) {
                    while (v.n && (*v.p == ' ' || *v.p == '\t')) { v.p++; v.n--; }
                    while (v.n && (v.p[v.n - 1] == ' ' || v.p[v.n - 1] == '\t')) v.n--;
                }
                for (unsigned i = 0; i < MAX_KEYS && sp->keys[i]; i++)
                    if (key_eq(sp, k, sp->keys[i])) { vals[i] = v; any = true; break; }
            }
        }
        if (!eol) {
            p = end;
            continue;  /* one more round flushes the last stanza */
        }
        p = eol + 1;
    }
    return added;
}

static void put(cJSON *o, const char *k, span v)
{
    cJSON *s = pal_inv_str(v.p ? v.p : "", v.n);
    if (s) cJSON_AddItemToObject(o, k, s);
}

static span cstr(const char *s) { span v = {s, strlen(s)}; return v; }

/* --- dpkg --- */

enum { D_PACKAGE, D_VERSION, D_ARCH, D_SOURCE, D_STATUS, D_MULTIARCH };

static int dpkg_one(void *ud, const span *v)
{
    cJSON *arr = ud;
    if (!v[D_PACKAGE].n) return 0;
    span state = cstr("installed");
    if (v[D_STATUS].p) {
        /* "want flag state": the third word */
        span s = v[D_STATUS];
        for (int word = 0; word < 3; word++) {
            while (s.n && *s.p == ' ') { s.p++; s.n--; }
            size_t w = 0;
            while (w < s.n && s.p[w] != ' ') w++;
            if (word == 2) { state.p = s.p; state.n = w; }
            s.p += w;
            s.n -= w;
        }
        if (!state.n || (state.n == 13 && !memcmp(state.p, "not-installed", 13)) ||
            (state.n == 12 && !memcmp(state.p, "config-files", 12)))
            return 0;
    }
    span src = v[D_PACKAGE], srcver = v[D_VERSION];
    if (v[D_SOURCE].n) {
        /* "name" or "name (version)" */
        span s = v[D_SOURCE];
        size_t w = 0;
        while (w < s.n && s.p[w] != ' ' && s.p[w] != '(') w++;
        src.p = s.p;
        src.n = w;
        const char *open = memchr(s.p, '(', s.n);
        if (open) {
            const char *close = memchr(open, ')', s.n - (size_t)(open - s.p));
            if (close) {
                srcver.p = open + 1;
                srcver.n = (size_t)(close - open - 1);
                while (srcver.n && *srcver.p == ' ') { srcver.p++; srcver.n--; }
                while (srcver.n && srcver.p[srcver.n - 1] == ' ') srcver.n--;
            }
        }
        if (!src.n) src = v[D_PACKAGE];
    }
    cJSON *o = cJSON_CreateObject();
    if (!o) return -1;
    put(o, "name", v[D_PACKAGE]);
    put(o, "version", v[D_VERSION]);
    put(o, "source", src);
    put(o, "source_version", srcver);
    put(o, "architecture", v[D_ARCH]);
    put(o, "ecosystem", cstr("dpkg"));
    put(o, "status", state);
    if (v[D_MULTIARCH].n) put(o, "multi_arch", v[D_MULTIARCH]);
    cJSON_AddItemToArray(arr, o);
    return 1;
}

int pal_dpkg_parse(const char *data, size_t len, cJSON *arr)
{
    static const stanza_spec sp = {':', true,
        {"Package", "Version", "Architecture", "Source", "Status", "Multi-Arch", NULL}};
    return stanzas(data, len, &sp, dpkg_one, arr);
}

/* --- apk --- */

enum { A_NAME, A_VERSION, A_ARCH, A_ORIGIN };

static int apk_one(void *ud, const span *v)
{
    cJSON *arr = ud;
    if (!v[A_NAME].n) return 0;
    cJSON *o = cJSON_CreateObject();
    if (!o) return -1;
    put(o, "name", v[A_NAME]);
    put(o, "version", v[A_VERSION]);
    put(o, "source", v[A_ORIGIN].n ? v[A_ORIGIN] : v[A_NAME]);
    put(o, "source_version", v[A_VERSION]);
    put(o, "architecture", v[A_ARCH]);
    put(o, "ecosystem", cstr("apk"));
    put(o, "status", cstr("installed"));
    cJSON_AddItemToArray(arr, o);
    return 1;
}

int pal_apk_parse(const char *data, size_t len, cJSON *arr)
{
    static const stanza_spec sp = {':', false, {"P", "V", "A", "o", NULL}};
    return stanzas(data, len, &sp, apk_one, arr);
}
