/*
 * sbom.c — CycloneDX 1.6 and SPDX 2.3 JSON from an inventory, and back
 * (the design is in sbom.h).
 */
#include "engine/sbom/sbom.h"
#include "engine/base/about.h"
#include "engine/base/fileio.h"
#include "engine/inventory/inventory.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *sget(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void set_err(char *err, size_t cap, const char *msg)
{
    if (err && cap) snprintf(err, cap, "%s", msg);
}

/* RFC 3339 UTC: SOURCE_DATE_EPOCH when set, else now. */
static void timestamp(char out[32])
{
    time_t t = time(NULL);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (!*end && v >= 0) t = (time_t)v;
    }
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A UUID (version 5 layout) from a SHA-256 of the image's identity. */
static void image_uuid(const cJSON *inv, char out[37])
{
    const cJSON *img = cJSON_GetObjectItemCaseSensitive(inv, "image");
    const char *id = sget(img, "id"), *name = sget(img, "name");
    pal_sha256 s;
    pal_sha256_init(&s);
    pal_sha256_update(&s, "palisade-sbom:", 14);
    if (id) pal_sha256_update(&s, id, strlen(id));
    pal_sha256_update(&s, "|", 1);
    if (name) pal_sha256_update(&s, name, strlen(name));
    unsigned char d[32];
    pal_sha256_final(&s, d);
    d[6] = (unsigned char)((d[6] & 0x0f) | 0x50);
    d[8] = (unsigned char)((d[8] & 0x3f) | 0x80);
    char hex[65];
    pal_hex(d, 16, hex);
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

static const char *image_name(const cJSON *inv)
{
    const cJSON *img = cJSON_GetObjectItemCaseSensitive(inv, "image");
    const char *n = sget(img, "name");
    if (n && *n) return n;
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(img, "tags");
    const cJSON *t0 = cJSON_GetArrayItem(tags, 0);
    if (cJSON_IsString(t0)) return t0->valuestring;
    const char *id = sget(img, "id");
    return id && *id ? id : "image";
}

/* A hash table from path to sha256 would be faster; files are sorted by
   path in the inventory, so a binary search does as well. */
typedef struct file_index { const cJSON **v; size_t n; } file_index;

static int path_cmp(const void *a, const void *b)
{
    const char *x = sget(*(const cJSON *const *)a, "path"), *y = sget(*(const cJSON *const *)b, "path");
    return strcmp(x ? x : "", y ? y : "");
}

static void index_files(const cJSON *inv, file_index *fi)
{
    const cJSON *files = cJSON_GetObjectItemCaseSensitive(inv, "files");
    fi->n = 0;
    fi->v = NULL;
    int n = cJSON_GetArraySize(files);
    if (n <= 0) return;
    fi->v = malloc((size_t)n * sizeof *fi->v);
    if (!fi->v) return;
    const cJSON *f;
    cJSON_ArrayForEach(f, files)
        if (sget(f, "sha256")) fi->v[fi->n++] = f;
    qsort(fi->v, fi->n, sizeof *fi->v, path_cmp);
}

static const char *lookup_sha(const file_index *fi, const char *path)
{
    if (!path || strstr(path, "!/") || !fi->v) return NULL;
    size_t lo = 0, hi = fi->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(sget(fi->v[mid], "path"), path);
        if (!c) return sget(fi->v[mid], "sha256");
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return NULL;
}

static void prop(cJSON *props, const char *name, const char *value)
{
    if (!value || !*value) return;
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "name", name);
    cJSON_AddStringToObject(p, "value", value);
    cJSON_AddItemToArray(props, p);
}

/* ------------------------------------------------------------ CycloneDX */

cJSON *pal_sbom_cyclonedx(const cJSON *inv, char *err, size_t errcap)
{
    cJSON *bom = cJSON_CreateObject();
    if (!bom) { set_err(err, errcap, "out of memory"); return NULL; }
    char uuid[37], ts[32], urn[48];
    image_uuid(inv, uuid);
    timestamp(ts);
    snprintf(urn, sizeof urn, "urn:uuid:%s", uuid);
    cJSON_AddStringToObject(bom, "$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
    cJSON_AddStringToObject(bom, "bomFormat", "CycloneDX");
    cJSON_AddStringToObject(bom, "specVersion", "1.6");
    cJSON_AddStringToObject(bom, "serialNumber", urn);
    cJSON_AddNumberToObject(bom, "version", 1);
    const cJSON *img = cJSON_GetObjectItemCaseSensitive(inv, "image");
    cJSON *meta = cJSON_AddObjectToObject(bom, "metadata");
    cJSON_AddStringToObject(meta, "timestamp", ts);
    cJSON *tools = cJSON_AddObjectToObject(meta, "tools");
    cJSON *tc = cJSON_AddArrayToObject(tools, "components");
    cJSON *tool = cJSON_CreateObject();
    cJSON_AddStringToObject(tool, "type", "application");
    cJSON_AddStringToObject(tool, "name", "palisade");
    cJSON_AddStringToObject(tool, "version", PALISADE_VERSION);
    cJSON_AddItemToArray(tc, tool);
    cJSON *mc = cJSON_AddObjectToObject(meta, "component");
    cJSON_AddStringToObject(mc, "type", "container");
    cJSON_AddStringToObject(mc, "bom-ref", "image");
    cJSON_AddStringToObject(mc, "name", image_name(inv));
    const char *iid = sget(img, "id");
    if (iid && *iid) {
        cJSON_AddStringToObject(mc, "version", iid);
        if (!strncmp(iid, "sha256:", 7) && strlen(iid) == 71) {
            cJSON *h = cJSON_AddArrayToObject(mc, "hashes");
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "alg", "SHA-256");
            cJSON_AddStringToObject(o, "content", iid + 7);
            cJSON_AddItemToArray(h, o);
        }
    }
    cJSON *mprops = cJSON_CreateArray();
    prop(mprops, "palisade:image:os", sget(img, "os"));
    prop(mprops, "palisade:image:architecture", sget(img, "architecture"));
    if (cJSON_GetArraySize(mprops)) cJSON_AddItemToObject(mc, "properties", mprops);
    else cJSON_Delete(mprops);

    cJSON *comps = cJSON_AddArrayToObject(bom, "components");
    cJSON *deps = cJSON_AddArrayToObject(bom, "dependencies");
    cJSON *top = cJSON_CreateObject();
    cJSON_AddStringToObject(top, "ref", "image");
    cJSON *top_on = cJSON_AddArrayToObject(top, "dependsOn");
    cJSON_AddItemToArray(deps, top);

    const cJSON *distro = cJSON_GetObjectItemCaseSensitive(img, "distro");
    if (sget(distro, "id")) {
        cJSON *os = cJSON_CreateObject();
        cJSON_AddStringToObject(os, "type", "operating-system");
        cJSON_AddStringToObject(os, "bom-ref", "os");
        cJSON_AddStringToObject(os, "name", sget(distro, "id"));
        if (sget(distro, "version_id")) cJSON_AddStringToObject(os, "version", sget(distro, "version_id"));
        if (sget(distro, "pretty_name")) cJSON_AddStringToObject(os, "description", sget(distro, "pretty_name"));
        cJSON_AddItemToArray(comps, os);
        cJSON_AddItemToArray(top_on, cJSON_CreateString("os"));
    }
    file_index fi;
    index_files(inv, &fi);
    const cJSON *p;
    int k = 0;
    char ref[48];
    /* Go main modules depend on the other modules of their binary */
    cJSON *go_main = NULL, *go_on = NULL;
    const char *go_loc = NULL;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(inv, "packages")) {
        const char *name = sget(p, "name");
        if (!name || !*name) continue;
        snprintf(ref, sizeof ref, "pkg-%d", ++k);
        const char *eco = sget(p, "ecosystem"), *loc = sget(p, "location");
        bool main_mod = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "main"));
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "type", main_mod ? "application" : "library");
        cJSON_AddStringToObject(c, "bom-ref", ref);
        if (sget(p, "group")) cJSON_AddStringToObject(c, "group", sget(p, "group"));
        cJSON_AddStringToObject(c, "name", name);
        if (sget(p, "version")) cJSON_AddStringToObject(c, "version", sget(p, "version"));
        const char *lic = sget(p, "license");
        if (lic && *lic) {
            cJSON *ls = cJSON_AddArrayToObject(c, "licenses");
            cJSON *l = cJSON_CreateObject(), *li = cJSON_AddObjectToObject(l, "license");
            cJSON_AddStringToObject(li, "name", lic);
            cJSON_AddItemToArray(ls, l);
        }
        if (sget(p, "purl")) cJSON_AddStringToObject(c, "purl", sget(p, "purl"));
        const char *sha = lookup_sha(&fi, loc);
        if (sha) {
            cJSON *h = cJSON_AddArrayToObject(c, "hashes");
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "alg", "SHA-256");
            cJSON_AddStringToObject(o, "content", sha);
            cJSON_AddItemToArray(h, o);
        }
        cJSON *props = cJSON_CreateArray();
        prop(props, "palisade:ecosystem", eco);
        prop(props, "palisade:location", loc);
        const char *src = sget(p, "source");
        if (src && strcmp(src, name)) prop(props, "palisade:source", src);
        prop(props, "palisade:source_version", sget(p, "source_version"));
        const cJSON *ep = cJSON_GetObjectItemCaseSensitive(p, "epoch");
        if (cJSON_IsNumber(ep)) {
            char e[24];
            snprintf(e, sizeof e, "%.0f", ep->valuedouble);
            prop(props, "palisade:epoch", e);
        }
        prop(props, "palisade:architecture", sget(p, "architecture"));
        if (cJSON_GetArraySize(props)) cJSON_AddItemToObject(c, "properties", props);
        else cJSON_Delete(props);
        cJSON_AddItemToArray(comps, c);
        cJSON_AddItemToArray(top_on, cJSON_CreateString(ref));
        if (eco && !strcmp(eco, "go")) {
            if (main_mod) {
                go_main = cJSON_CreateObject();
                cJSON_AddStringToObject(go_main, "ref", ref);
                go_on = cJSON_AddArrayToObject(go_main, "dependsOn");
                cJSON_AddItemToArray(deps, go_main);
                go_loc = loc;
            } else if (go_main && go_loc && loc && !strcmp(go_loc, loc)) {
                cJSON_AddItemToArray(go_on, cJSON_CreateString(ref));
            }
        }
        if (k > (int)PAL_SBOM_MAX_COMPONENTS) break;
    }
    free(fi.v);
    return bom;
}

/* ------------------------------------------------------------ SPDX */

/* SPDXRef- ids allow letters, digits, '.' and '-'. */
static void spdx_id(char *out, size_t cap, const char *prefix, int n)
{
    snprintf(out, cap, "SPDXRef-%s-%d", prefix, n);
}

cJSON *pal_sbom_spdx(const cJSON *inv, char *err, size_t errcap)
{
    cJSON *doc = cJSON_CreateObject();
    if (!doc) { set_err(err, errcap, "out of memory"); return NULL; }
    char uuid[37], ts[32], ns[600];
    image_uuid(inv, uuid);
    timestamp(ts);
    const char *name = image_name(inv);
    cJSON_AddStringToObject(doc, "spdxVersion", "SPDX-2.3");
    cJSON_AddStringToObject(doc, "dataLicense", "CC0-1.0");
    cJSON_AddStringToObject(doc, "SPDXID", "SPDXRef-DOCUMENT");
    cJSON_AddStringToObject(doc, "name", name);
    /* an https URI unique to this image (SPDX asks for one; nothing is served there) */
    char safe[400];
    size_t o = 0;
    for (const char *s = name; *s && o < sizeof safe - 1; s++)
        safe[o++] = isalnum((unsigned char)*s) || *s == '.' || *s == '-' ? *s : '-';
    safe[o] = 0;
    snprintf(ns, sizeof ns, "https://palisade.invalid/spdx/%s-%s", safe, uuid);
    cJSON_AddStringToObject(doc, "documentNamespace", ns);
    cJSON *ci = cJSON_AddObjectToObject(doc, "creationInfo");
    cJSON_AddStringToObject(ci, "created", ts);
    cJSON *cr = cJSON_AddArrayToObject(ci, "creators");
    cJSON_AddItemToArray(cr, cJSON_CreateString("Tool: palisade-" PALISADE_VERSION));
    cJSON *pkgs = cJSON_AddArrayToObject(doc, "packages");
    cJSON *rels = cJSON_AddArrayToObject(doc, "relationships");
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "spdxElementId", "SPDXRef-DOCUMENT");
    cJSON_AddStringToObject(r, "relationshipType", "DESCRIBES");
    cJSON_AddStringToObject(r, "relatedSpdxElement", "SPDXRef-Image");
    cJSON_AddItemToArray(rels, r);
    cJSON *ip = cJSON_CreateObject();
    cJSON_AddStringToObject(ip, "name", name);
    cJSON_AddStringToObject(ip, "SPDXID", "SPDXRef-Image");
    const cJSON *img = cJSON_GetObjectItemCaseSensitive(inv, "image");
    const char *iid = sget(img, "id");
    if (iid && *iid) cJSON_AddStringToObject(ip, "versionInfo", iid);
    cJSON_AddStringToObject(ip, "downloadLocation", "NOASSERTION");
    cJSON_AddFalseToObject(ip, "filesAnalyzed");
    cJSON_AddStringToObject(ip, "primaryPackagePurpose", "CONTAINER");
    if (iid && !strncmp(iid, "sha256:", 7) && strlen(iid) == 71) {
        cJSON *cs = cJSON_AddArrayToObject(ip, "checksums");
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "algorithm", "SHA256");
        cJSON_AddStringToObject(c, "checksumValue", iid + 7);
        cJSON_AddItemToArray(cs, c);
    }
    cJSON_AddItemToArray(pkgs, ip);
    const cJSON *distro = cJSON_GetObjectItemCaseSensitive(img, "distro");
    if (sget(distro, "id")) {
        cJSON *os = cJSON_CreateObject();
        cJSON_AddStringToObject(os, "name", sget(distro, "id"));
        cJSON_AddStringToObject(os, "SPDXID", "SPDXRef-OperatingSystem");
        if (sget(distro, "version_id")) cJSON_AddStringToObject(os, "versionInfo", sget(distro, "version_id"));
        cJSON_AddStringToObject(os, "downloadLocation", "NOASSERTION");
        cJSON_AddFalseToObject(os, "filesAnalyzed");
        cJSON_AddStringToObject(os, "primaryPackagePurpose", "OPERATING-SYSTEM");
        cJSON_AddItemToArray(pkgs, os);
        cJSON *rr = cJSON_CreateObject();
        cJSON_AddStringToObject(rr, "spdxElementId", "SPDXRef-Image");
        cJSON_AddStringToObject(rr, "relationshipType", "CONTAINS");
        cJSON_AddStringToObject(rr, "relatedSpdxElement", "SPDXRef-OperatingSystem");
        cJSON_AddItemToArray(rels, rr);
    }
    file_index fi;
    index_files(inv, &fi);
    const cJSON *p;
    int k = 0;
    char id[64];
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(inv, "packages")) {
        const char *pname = sget(p, "name");
        if (!pname || !*pname) continue;
        spdx_id(id, sizeof id, "Package", ++k);
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "name", pname);
        cJSON_AddStringToObject(s, "SPDXID", id);
        if (sget(p, "version")) cJSON_AddStringToObject(s, "versionInfo", sget(p, "version"));
        if (sget(p, "vendor")) {
            char sup[600];
            snprintf(sup, sizeof sup, "Organization: %s", sget(p, "vendor"));
            cJSON_AddStringToObject(s, "supplier", sup);
        }
        cJSON_AddStringToObject(s, "downloadLocation", "NOASSERTION");
        cJSON_AddFalseToObject(s, "filesAnalyzed");
        cJSON_AddStringToObject(s, "licenseConcluded", "NOASSERTION");
        cJSON_AddStringToObject(s, "licenseDeclared", "NOASSERTION");
        if (sget(p, "license")) cJSON_AddStringToObject(s, "licenseComments", sget(p, "license"));
        cJSON_AddStringToObject(s, "copyrightText", "NOASSERTION");
        const char *loc = sget(p, "location");
        if (loc) {
            char si[PAL_INV_MAX_PATH + 64];
            snprintf(si, sizeof si, "read from %s", loc);
            cJSON_AddStringToObject(s, "sourceInfo", si);
        } else if (sget(p, "ecosystem")) {
            char si[128];
            snprintf(si, sizeof si, "the image's %s database", sget(p, "ecosystem"));
            cJSON_AddStringToObject(s, "sourceInfo", si);
        }
        const char *sha = lookup_sha(&fi, loc);
        if (sha) {
            cJSON *cs = cJSON_AddArrayToObject(s, "checksums");
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "algorithm", "SHA256");
            cJSON_AddStringToObject(c, "checksumValue", sha);
            cJSON_AddItemToArray(cs, c);
        }
        if (sget(p, "purl")) {
            cJSON *er = cJSON_AddArrayToObject(s, "externalRefs");
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "referenceCategory", "PACKAGE-MANAGER");
            cJSON_AddStringToObject(e, "referenceType", "purl");
            cJSON_AddStringToObject(e, "referenceLocator", sget(p, "purl"));
            cJSON_AddItemToArray(er, e);
        }
        cJSON_AddItemToArray(pkgs, s);
        cJSON *rr = cJSON_CreateObject();
        cJSON_AddStringToObject(rr, "spdxElementId", "SPDXRef-Image");
        cJSON_AddStringToObject(rr, "relationshipType", "CONTAINS");
        cJSON_AddStringToObject(rr, "relatedSpdxElement", id);
        cJSON_AddItemToArray(rels, rr);
        if (k > (int)PAL_SBOM_MAX_COMPONENTS) break;
    }
    free(fi.v);
    cJSON *desc = cJSON_AddArrayToObject(doc, "documentDescribes");
    cJSON_AddItemToArray(desc, cJSON_CreateString("SPDXRef-Image"));
    return doc;
}

/* ------------------------------------------------------------ reading */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decoding into out (cap bytes); false when it does not fit. */
static bool pct_decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (o + 1 >= cap) return false;
        if (s[i] == '%' && i + 2 < n + 0 && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = 0;
    return true;
}

/* pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS#SUBPATH -> a package record. */
static cJSON *from_purl(const char *purl, const char *fallback_name, const char *fallback_ver)
{
    if (strncasecmp(purl, "pkg:", 4)) return NULL;   /* scheme and type are case-insensitive */
    const char *s = purl + 4;
    size_t tl = strcspn(s, "/");
    if (!s[tl] || tl == 0 || tl > 16) return NULL;
    char type[17];
    for (size_t i = 0; i < tl; i++) type[i] = (char)tolower((unsigned char)s[i]);
    type[tl] = 0;
    const char *rest = s + tl + 1;
    size_t rl = strcspn(rest, "?#");
    const char *q = rest[rl] == '?' ? rest + rl + 1 : NULL;
    /* the version follows the last '@' (the purl spec splits from the right;
       an npm scope is written "%40scope", so no '@' in clear precedes it) */
    const char *at = NULL;
    for (size_t i = rl; i > 0; i--)
        if (rest[i - 1] == '@') { at = rest + i - 1; break; }
    size_t pl = at ? (size_t)(at - rest) : rl;
    char path[1024], ver[1024] = "", name[1024], ns[1024] = "";
    if (!pct_decode(rest, pl, path, sizeof path)) return NULL;
    if (at && !pct_decode(at + 1, rl - pl - 1, ver, sizeof ver)) return NULL;
    const char *slash = strrchr(path, '/');
    if (slash) {
        snprintf(ns, sizeof ns, "%.*s", (int)(slash - path), path);
        snprintf(name, sizeof name, "%s", slash + 1);
    } else {
        snprintf(name, sizeof name, "%s", path);
    }
    static const struct { const char *type, *eco; } t[] = {
        {"deb", "dpkg"}, {"apk", "apk"}, {"rpm", "rpm"}, {"npm", "npm"}, {"pypi", "pypi"},
        {"golang", "go"}, {"maven", "maven"}, {"gem", "rubygems"}, {"cargo", "cargo"},
    };
    const char *eco = NULL;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(type, t[i].type)) eco = t[i].eco;
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    char full[2100];
    if (eco && !strcmp(eco, "go") && ns[0]) snprintf(full, sizeof full, "%s/%s", ns, name);
    else if (eco && !strcmp(eco, "npm") && ns[0]) snprintf(full, sizeof full, "%s/%s", ns, name);
    else snprintf(full, sizeof full, "%s", name[0] ? name : (fallback_name ? fallback_name : ""));
    cJSON_AddStringToObject(o, "name", full);
    /* qualifiers: arch, epoch (rpm), upstream / distro */
    char arch[128] = "", epoch[32] = "", upstream[512] = "";
    for (const char *p = q; p && *p && *p != '#';) {
        size_t kl = strcspn(p, "=&#");
        const char *v = p[kl] == '=' ? p + kl + 1 : NULL;
        size_t vl = v ? strcspn(v, "&#") : 0;
        if (v && kl == 4 && !strncmp(p, "arch", 4)) pct_decode(v, vl, arch, sizeof arch);
        if (v && kl == 5 && !strncmp(p, "epoch", 5)) pct_decode(v, vl, epoch, sizeof epoch);
        if (v && kl == 8 && !strncmp(p, "upstream", 8)) pct_decode(v, vl, upstream, sizeof upstream);
        p = v ? v + vl : p + kl;
        if (*p == '&') p++;
    }
    char fullver[1100];
    const char *vv = ver[0] ? ver : fallback_ver;
    if (vv && epoch[0] && eco && !strcmp(eco, "rpm") && strcmp(epoch, "0")) snprintf(fullver, sizeof fullver, "%s:%s", epoch, vv);
    else snprintf(fullver, sizeof fullver, "%s", vv ? vv : "");
    if (fullver[0]) cJSON_AddStringToObject(o, "version", fullver);
    cJSON_AddStringToObject(o, "ecosystem", eco ? eco : "");
    if (eco && !strcmp(eco, "maven") && ns[0]) cJSON_AddStringToObject(o, "group", ns);
    if (arch[0]) cJSON_AddStringToObject(o, "architecture", arch);
    if (epoch[0] && strcmp(epoch, "0")) cJSON_AddNumberToObject(o, "epoch", atof(epoch));
    if (upstream[0]) cJSON_AddStringToObject(o, "source", upstream);
    cJSON_AddStringToObject(o, "purl", purl);
    cJSON_AddStringToObject(o, "status", "installed");
    return o;
}

static const char *prop_of(const cJSON *c, const char *name)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(c, "properties")) {
        const char *n = sget(p, "name");
        if (n && !strcmp(n, name)) return sget(p, "value");
    }
    return NULL;
}

const char *const pal_sbom_image_fields[] = {
    "image.name", "image.distro.id", "image.distro.version_id", "image.packages", "image.vulnerabilities", NULL,
};

cJSON *pal_sbom_read(const cJSON *doc, size_t *skipped, char *err, size_t errcap)
{
    *skipped = 0;
    bool cdx = sget(doc, "bomFormat") && !strcmp(sget(doc, "bomFormat"), "CycloneDX");
    bool spdx = sget(doc, "spdxVersion") && !strncmp(sget(doc, "spdxVersion"), "SPDX-2.", 7);
    if (!cdx && !spdx) {
        set_err(err, errcap, "not a CycloneDX (\"bomFormat\": \"CycloneDX\") or SPDX 2.x (\"spdxVersion\") JSON document");
        return NULL;
    }
    cJSON *inv = cJSON_CreateObject();
    cJSON *image = cJSON_AddObjectToObject(inv, "image");
    cJSON *pkgs = cJSON_AddArrayToObject(inv, "packages");
    cJSON_AddArrayToObject(inv, "files");
    cJSON_AddArrayToObject(inv, "warnings");
    if (!image || !pkgs) { cJSON_Delete(inv); set_err(err, errcap, "out of memory"); return NULL; }
    const cJSON *c, *list;
    size_t n = 0;
    if (cdx) {
        const cJSON *mc = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "metadata"), "component");
        if (sget(mc, "name")) cJSON_AddStringToObject(image, "name", sget(mc, "name"));
        list = cJSON_GetObjectItemCaseSensitive(doc, "components");
        if (list && !cJSON_IsArray(list)) { cJSON_Delete(inv); set_err(err, errcap, "components is not an array"); return NULL; }
        cJSON_ArrayForEach(c, list) {
            if (++n > PAL_SBOM_MAX_COMPONENTS) break;
            const char *type = sget(c, "type");
            if (type && !strcmp(type, "operating-system")) {
                cJSON *d = cJSON_AddObjectToObject(image, "distro");
                if (sget(c, "name")) cJSON_AddStringToObject(d, "id", sget(c, "name"));
                if (sget(c, "version")) cJSON_AddStringToObject(d, "version_id", sget(c, "version"));
                continue;
            }
            const char *purl = sget(c, "purl");
            cJSON *rec = purl ? from_purl(purl, sget(c, "name"), sget(c, "version")) : NULL;
            if (!rec || !*sget(rec, "ecosystem")) { (*skipped)++; cJSON_Delete(rec); continue; }
            const char *loc = prop_of(c, "palisade:location"), *src = prop_of(c, "palisade:source");
            const char *srcv = prop_of(c, "palisade:source_version");
            if (loc) cJSON_AddStringToObject(rec, "location", loc);
            if (src) { cJSON_DeleteItemFromObject(rec, "source"); cJSON_AddStringToObject(rec, "source", src); }
            if (srcv) cJSON_AddStringToObject(rec, "source_version", srcv);
            cJSON_AddItemToArray(pkgs, rec);
        }
    } else {
        if (sget(doc, "name")) cJSON_AddStringToObject(image, "name", sget(doc, "name"));
        list = cJSON_GetObjectItemCaseSensitive(doc, "packages");
        if (list && !cJSON_IsArray(list)) { cJSON_Delete(inv); set_err(err, errcap, "packages is not an array"); return NULL; }
        cJSON_ArrayForEach(c, list) {
            if (++n > PAL_SBOM_MAX_COMPONENTS) break;
            const char *purpose = sget(c, "primaryPackagePurpose");
            if (purpose && !strcmp(purpose, "OPERATING-SYSTEM")) {
                cJSON *d = cJSON_AddObjectToObject(image, "distro");
                if (sget(c, "name")) cJSON_AddStringToObject(d, "id", sget(c, "name"));
                if (sget(c, "versionInfo")) cJSON_AddStringToObject(d, "version_id", sget(c, "versionInfo"));
                continue;
            }
            if (purpose && !strcmp(purpose, "CONTAINER")) continue;
            const char *purl = NULL;
            const cJSON *e;
            cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(c, "externalRefs")) {
                const char *t = sget(e, "referenceType");
                if (t && !strcmp(t, "purl")) purl = sget(e, "referenceLocator");
            }
            cJSON *rec = purl ? from_purl(purl, sget(c, "name"), sget(c, "versionInfo")) : NULL;
            if (!rec || !*sget(rec, "ecosystem")) { (*skipped)++; cJSON_Delete(rec); continue; }
            cJSON_AddItemToArray(pkgs, rec);
        }
    }
    return inv;
}

int pal_sbom_read_file(const char *path, cJSON **out, size_t *skipped, char *err, size_t errcap)
{
    *out = NULL;
    *skipped = 0;
    char *buf = NULL, e[512];
    size_t len = 0;
    if (pal_read_file(path, PAL_SBOM_MAX_BYTES, &buf, &len, e, sizeof e) != PAL_READ_OK) {
        if (err && errcap) snprintf(err, errcap, "%s", e);
        return -1;
    }
    cJSON *doc = cJSON_ParseWithLength(buf, len);
    free(buf);
    if (!doc) {
        if (err && errcap) snprintf(err, errcap, "%s is not JSON (palisade reads CycloneDX and SPDX JSON SBOMs)", path);
        return -1;
    }
    *out = pal_sbom_read(doc, skipped, e, sizeof e);
    cJSON_Delete(doc);
    if (!*out) {
        if (err && errcap) snprintf(err, errcap, "%s: %s", path, e);
        return -1;
    }
    return 0;
}
