/*
 * distro.c — the distribution an image says it is (os-release), and the
 * package URLs (purl) of its packages.
 *
 * Design. os-release(5) is the one place every distribution names itself
 * (ID, VERSION_ID, ...); the inventory reads it once, from the kept body of
 * /etc/os-release or /usr/lib/os-release (symlinks followed inside the
 * root), into image.distro, and everything downstream — vulnerability
 * matching in `scan` and in `feed match`, purls, SBOMs — reads that object
 * instead of parsing the file again.  Values are shell-like: unquoted, or in
 * single or double quotes, "\\" escaping in double quotes.
 *
 * purls (github.com/package-url/purl-spec): pkg:TYPE/NAMESPACE/NAME@VERSION
 * ?QUALIFIERS, every part percent-encoded except unreserved characters
 * (a Go module path and an npm scope keep their '/'):
 *   dpkg  pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=debian-12
 *   apk   pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.1
 *   rpm   pkg:rpm/redhat/openssl@3.0.7-24.el9?arch=x86_64&epoch=1&distro=rhel-9.3
 *   npm   pkg:npm/%40babel/core@7.23.0, pypi pkg:pypi/requests@2.31.0 (name
 *   normalised as PEP 503), go pkg:golang/github.com/x/y@v1.2.3, maven
 *   pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1, gem pkg:gem/rake@13.0.6,
 *   cargo pkg:cargo/serde@1.0.190.
 */
#include "engine/inventory/inventory.h"
#include "engine/base/strbuf.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cJSON *pal_os_release_parse(const char *data, size_t len)
{
    static const struct { const char *key, *json; } keys[] = {
        {"ID", "id"}, {"VERSION_ID", "version_id"}, {"NAME", "name"}, {"PRETTY_NAME", "pretty_name"},
        {"ID_LIKE", "id_like"}, {"VERSION_CODENAME", "version_codename"},
    };
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    const char *p = data, *end = data + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *eq = memchr(p, '=', (size_t)(le - p));
        if (eq && p < le && *p != '#') {
            size_t kl = (size_t)(eq - p);
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
                if (strlen(keys[k].key) != kl || memcmp(keys[k].key, p, kl)) continue;
                if (cJSON_GetObjectItemCaseSensitive(o, keys[k].json)) break;   /* the first wins */
                char val[512];
                size_t n = 0;
                const char *v = eq + 1;
                char q = 0;
                if (v < le && (*v == '"' || *v == '\'')) q = *v++;
                while (v < le && n < sizeof val - 1) {
                    if (q && *v == q) break;
                    if (q == '"' && *v == '\\' && v + 1 < le) v++;
                    if (!q && (*v == ' ' || *v == '\t' || *v == '\r')) break;
                    val[n++] = *v++;
                }
                cJSON *s = pal_inv_str(val, n);
                if (s) cJSON_AddItemToObject(o, keys[k].json, s);
                break;
            }
        }
        p = nl ? nl + 1 : end;
    }
    if (!cJSON_GetObjectItemCaseSensitive(o, "id")) { cJSON_Delete(o); return NULL; }
    return o;
}

/* ------------------------------------------------------------ purl */

static void pct(pal_strbuf *b, const char *s, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || *p == '.' || *p == '-' || *p == '_' || *p == '~' || (keep_slash && *p == '/')) {
            pal_strbuf_putc(b, (char)*p);
        } else {
            pal_strbuf_putc(b, '%');
            pal_strbuf_putc(b, hex[*p >> 4]);
            pal_strbuf_putc(b, hex[*p & 15]);
        }
    }
}

static const char *sget(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void qual(pal_strbuf *b, bool *first, const char *k, const char *v)
{
    if (!v || !*v) return;
    pal_strbuf_putc(b, *first ? '?' : '&');
    *first = false;
    pal_strbuf_puts(b, k);
    pal_strbuf_putc(b, '=');
    pct(b, v, false);
}

char *pal_purl(const cJSON *pkg, const cJSON *distro)
{
    const char *eco = sget(pkg, "ecosystem"), *name = sget(pkg, "name"), *ver = sget(pkg, "version");
    if (!eco || !name || !*name) return NULL;
    const char *id = sget(distro, "id"), *vid = sget(distro, "version_id");
    char distro_q[160] = "";
    if (id) snprintf(distro_q, sizeof distro_q, "%s%s%s", id, vid ? "-" : "", vid ? vid : "");
    pal_strbuf b;
    pal_strbuf_init(&b, 8192);
    bool first = true;
    if (!strcmp(eco, "dpkg") || !strcmp(eco, "apk")) {
        bool deb = eco[0] == 'd';
        pal_strbuf_puts(&b, deb ? "pkg:deb/" : "pkg:apk/");
        pct(&b, id ? id : deb ? "debian" : "alpine", false);
        pal_strbuf_putc(&b, '/');
        pct(&b, name, false);
        if (ver) { pal_strbuf_putc(&b, '@'); pct(&b, ver, false); }
        qual(&b, &first, "arch", sget(pkg, "architecture"));
        if (!deb || sget(pkg, "source")) {
            const char *src = sget(pkg, "source");
            if (deb && src && strcmp(src, name)) qual(&b, &first, "upstream", src);
        }
        qual(&b, &first, "distro", distro_q);
    } else if (!strcmp(eco, "rpm")) {
        pal_strbuf_puts(&b, "pkg:rpm/");
        pct(&b, !id ? "rpm" : !strcmp(id, "rhel") ? "redhat" : !strcmp(id, "sles") ? "suse"
                : !strncmp(id, "opensuse", 8) ? "opensuse" : id, false);
        pal_strbuf_putc(&b, '/');
        pct(&b, name, false);
        /* the version without its epoch, which is a qualifier */
        const char *colon = ver ? strchr(ver, ':') : NULL;
        if (ver) { pal_strbuf_putc(&b, '@'); pct(&b, colon ? colon + 1 : ver, false); }
        qual(&b, &first, "arch", sget(pkg, "architecture"));
        const cJSON *ep = cJSON_GetObjectItemCaseSensitive(pkg, "epoch");
        char e[24];
        if (cJSON_IsNumber(ep)) { snprintf(e, sizeof e, "%.0f", ep->valuedouble); qual(&b, &first, "epoch", e); }
        qual(&b, &first, "distro", distro_q);
    } else {
        static const struct { const char *eco, *type; } t[] = {
            {"npm", "npm"}, {"pypi", "pypi"}, {"go", "golang"}, {"maven", "maven"},
            {"rubygems", "gem"}, {"cargo", "cargo"},
        };
        const char *type = NULL;
        for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
            if (!strcmp(eco, t[i].eco)) type = t[i].type;
        if (!type) { pal_strbuf_free(&b); return NULL; }
        pal_strbuf_puts(&b, "pkg:");
        pal_strbuf_puts(&b, type);
        pal_strbuf_putc(&b, '/');
        if (!strcmp(type, "maven")) {
            const char *g = sget(pkg, "group");
            if (g && *g) { pct(&b, g, false); pal_strbuf_putc(&b, '/'); }
            pct(&b, name, false);
        } else if (!strcmp(type, "npm") && name[0] == '@' && strchr(name, '/')) {
            const char *sl = strchr(name, '/');
            pal_strbuf_puts(&b, "%40");
            char scope[256];
            snprintf(scope, sizeof scope, "%.*s", (int)(sl - name - 1), name + 1);
            pct(&b, scope, false);
            pal_strbuf_putc(&b, '/');
            pct(&b, sl + 1, false);
        } else if (!strcmp(type, "pypi")) {
            /* PEP 503: lower case, runs of -_. as one '-' */
            char norm[512];
            size_t n = 0;
            for (const char *p = name; *p && n < sizeof norm - 1; p++) {
                if (*p == '-' || *p == '_' || *p == '.') {
                    if (n && norm[n - 1] != '-') norm[n++] = '-';
                } else {
                    norm[n++] = (char)tolower((unsigned char)*p);
                }
            }
            norm[n] = 0;
            pct(&b, norm, false);
        } else {
            pct(&b, name, !strcmp(type, "golang"));
        }
        if (ver && *ver) { pal_strbuf_putc(&b, '@'); pct(&b, ver, false); }
    }
    const char *c = b.failed ? NULL : pal_strbuf_cstr(&b);
    char *out = c ? strdup(c) : NULL;
    pal_strbuf_free(&b);
    return out;
}
