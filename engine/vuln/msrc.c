/*
 * msrc.c — Microsoft's CVRF JSON security update documents turned into
 * a palisade Windows feed (engine/vuln/vuln.h, format 3).
 *
 * Design.  The MSRC API (api.msrc.microsoft.com/cvrf/v3.0/cvrf/<YYYY-Mon>,
 * Accept: application/json) publishes one CVRF document per Patch Tuesday:
 * ProductTree.FullProductName lists {ProductID, Value}; each
 * Vulnerability[] has CVE, Title.Value, Threats[] (Type 3 = severity in
 * Description.Value per product; Type 1 = exploit status text such as
 * "Publicly Disclosed:No;Exploited:Yes;..."), CVSSScoreSets[] (BaseScore,
 * Vector, ProductID[]), RevisionHistory[] (Date) and Remediations[] —
 * Type 2 is a vendor fix whose Description.Value is the KB number and
 * FixedBuild the build that carries it, for the ProductID[] listed.
 *
 * Only what the matcher can use is kept: Windows products (names starting
 * "Windows"), fixes with a four-part FixedBuild.  Several documents merge:
 * a CVE revised in a later month gains the later fixes, and keeps the
 * highest severity, CVSS and exploit status any document gave it.  The
 * output is sorted (vulnerabilities by id, fixes by build) so converting
 * the same documents twice gives the same bytes.
 */
#include "engine/vuln/vuln.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MSRC_MAX_DOCS 1000u

static void set_err(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t cap, const char *fmt, ...)
{
    if (!err || !cap) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* {"Value": "..."} members, as CVRF JSON wraps most text. */
static const char *value_of(const cJSON *o, const char *key)
{
    return str_of(cJSON_GetObjectItemCaseSensitive(o, key), "Value");
}

/* Type fields are numbers in v2/v3 JSON; accept the XML names as well. */
static int type_of(const cJSON *o)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "Type");
    if (cJSON_IsNumber(t)) return t->valueint;
    if (!cJSON_IsString(t)) return -1;
    static const struct { const char *name; int type; } names[] = {
        {"Impact", 0}, {"Exploit Status", 1}, {"Target Set", 2}, {"Severity", 3},
        {"Workaround", 0}, {"Mitigation", 1}, {"Vendor Fix", 2}, {"VendorFix", 2},
        {"None Available", 3}, {"Will Not Fix", 4},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(t->valuestring, names[i].name)) return names[i].type;
    return -1;
}

static bool lists_product(const cJSON *o, const char *pid)
{
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(o, "ProductID");
    if (cJSON_IsString(ids)) return !strcmp(ids->valuestring, pid);
    const cJSON *i;
    cJSON_ArrayForEach(i, ids) if (cJSON_IsString(i) && !strcmp(i->valuestring, pid)) return true;
    return false;
}

static bool windows_build4(const char *s)
{
    if (!s || !*s) return false;
    int dots = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '.') { if (p == s || p[1] == '.' || !p[1]) return false; dots++; }
        else if (!isdigit((unsigned char)*p)) return false;
    }
    return dots == 3 && strlen(s) < 48;
}

/* The output vulnerability for id in feed (created on first use). */
static cJSON *vuln_for(cJSON *vulns, const char *id)
{
    cJSON *v;
    cJSON_ArrayForEach(v, vulns)
        if (!strcmp(str_of(v, "id"), id)) return v;
    v = cJSON_CreateObject();
    if (!v) return NULL;
    cJSON_AddStringToObject(v, "id", id);
    cJSON_AddStringToObject(v, "title", "");
    cJSON_AddStringToObject(v, "severity", "unknown");
    cJSON_AddBoolToObject(v, "exploited", false);
    cJSON_AddArrayToObject(v, "fixes");
    cJSON_AddItemToArray(vulns, v);
    return v;
}

static void set_str(cJSON *o, const char *k, const char *v)
{
    cJSON *n = cJSON_CreateString(v);
    if (n) cJSON_ReplaceItemInObjectCaseSensitive(o, k, n);
}

static int fix_cmp(const void *pa, const void *pb)
{
    const cJSON *a = *(const cJSON *const *)pa, *b = *(const cJSON *const *)pb;
    int r = strcmp(str_of(a, "fixed_build"), str_of(b, "fixed_build"));
    if (r) return r;
    r = strcmp(str_of(a, "product"), str_of(b, "product"));
    return r ? r : strcmp(str_of(a, "kb") ? str_of(a, "kb") : "", str_of(b, "kb") ? str_of(b, "kb") : "");
}

static int vuln_cmp(const void *pa, const void *pb)
{
    return strcmp(str_of(*(const cJSON *const *)pa, "id"), str_of(*(const cJSON *const *)pb, "id"));
}

/* Rebuilds array arr in sorted order. */
static void sort_array(cJSON *arr, int (*cmp)(const void *, const void *))
{
    int n = cJSON_GetArraySize(arr);
    if (n < 2) return;
    cJSON **items = malloc((size_t)n * sizeof *items);
    if (!items) return;                           /* unsorted, still correct */
    for (int i = n - 1; i >= 0; i--) items[i] = cJSON_DetachItemFromArray(arr, i);
    qsort(items, (size_t)n, sizeof *items, cmp);
    for (int i = 0; i < n; i++) cJSON_AddItemToArray(arr, items[i]);
    free(items);
}

static void convert_vuln(const char *file, unsigned index, const cJSON *vu, const cJSON *products,
                         cJSON *vulns, cJSON *used_products, const char *doc_date,
                         pal_feed_report *rep, bool *oom)
{
    const char *cve = str_of(vu, "CVE");
    char where[96];
    snprintf(where, sizeof where, "Vulnerability[%u]%s%.40s%s", index, cve ? " (" : "", cve ? cve : "",
             cve ? ")" : "");
    if (!cve || !*cve || strlen(cve) > 64) {
        pal_feed_report_add(rep, PAL_FEED_ERROR, file, where, "no CVE: skipped");
        return;
    }
    /* Windows products this vulnerability has vendor fixes for */
    cJSON *fixes = cJSON_CreateArray();
    if (!fixes) { *oom = true; return; }
    int sev = 0, cvss = -1;
    bool windows = false;
    unsigned ri = 0;
    const cJSON *rem;
    cJSON_ArrayForEach(rem, cJSON_GetObjectItemCaseSensitive(vu, "Remediations")) {
        unsigned rix = ri++;
        if (type_of(rem) != 2) continue;
        const char *kb = value_of(rem, "Description");
        const char *fb = str_of(rem, "FixedBuild");
        const cJSON *p;
        cJSON_ArrayForEach(p, products) {
            const char *pid = str_of(p, "ProductID"), *pname = str_of(p, "Value");
            if (!pid || !pname || strncmp(pname, "Windows", 7) || !lists_product(rem, pid)) continue;
            windows = true;
            if (!windows_build4(fb)) {
                pal_feed_report_add(rep, PAL_FEED_WARNING, file, where,
                                    "Remediations[%u] for %s has no four-part FixedBuild ('%.40s'): "
                                    "not convertible, left out", rix, pname, fb ? fb : "");
                continue;
            }
            char kbn[24] = "";
            if (kb) {
                const char *d = strncasecmp(kb, "KB", 2) ? kb : kb + 2;
                size_t n = strlen(d);
                if (n && n <= 16 && strspn(d, "0123456789") == n) snprintf(kbn, sizeof kbn, "KB%s", d);
            }
            /* skip exact duplicates (a product listed twice) */
            bool dup = false;
            const cJSON *f;
            cJSON_ArrayForEach(f, fixes)
                if (!strcmp(str_of(f, "product"), pid) && !strcmp(str_of(f, "fixed_build"), fb) &&
                    !strcmp(str_of(f, "kb") ? str_of(f, "kb") : "", kbn)) dup = true;
            if (dup) continue;
            cJSON *fx = cJSON_CreateObject();
            if (!fx) { *oom = true; break; }
            cJSON_AddStringToObject(fx, "product", pid);
            cJSON_AddStringToObject(fx, "fixed_build", fb);
            if (kbn[0]) cJSON_AddStringToObject(fx, "kb", kbn);
            cJSON_AddItemToArray(fixes, fx);
            /* remember the product for the output's table */
            bool have = false;
            const cJSON *up;
            cJSON_ArrayForEach(up, used_products) if (!strcmp(str_of(up, "id"), pid)) have = true;
            if (!have) {
                cJSON *np = cJSON_CreateObject();
                if (!np) { *oom = true; break; }
                cJSON_AddStringToObject(np, "id", pid);
                cJSON_AddStringToObject(np, "name", pname);
                cJSON_AddItemToArray(used_products, np);
            }
        }
    }
    if (!windows || !cJSON_GetArraySize(fixes)) {
        cJSON_Delete(fixes);                       /* not about Windows builds: not a problem */
        return;
    }
    /* severity and CVSS: the highest given for a Windows product */
    const cJSON *t;
    bool exploited = false;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(vu, "Threats")) {
        int ty = type_of(t);
        const char *d = value_of(t, "Description");
        if (!d) continue;
        if (ty == 3) {
            int s = pal_vuln_severity_from_name(d);
            if (s > sev) sev = s;
        } else if (ty == 1 && strstr(d, "Exploited:Yes")) {
            exploited = true;
        }
    }
    const cJSON *cs;
    cJSON_ArrayForEach(cs, cJSON_GetObjectItemCaseSensitive(vu, "CVSSScoreSets")) {
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(cs, "BaseScore");
        if (cJSON_IsNumber(b) && b->valuedouble >= 0 && b->valuedouble <= 10) {
            int s10 = (int)(b->valuedouble * 10 + 0.5);
            if (s10 > cvss) cvss = s10;
        }
    }
    const char *pub = NULL;
    const cJSON *rh = cJSON_GetObjectItemCaseSensitive(vu, "RevisionHistory");
    if (cJSON_GetArraySize(rh) > 0) pub = str_of(cJSON_GetArrayItem(rh, 0), "Date");
    if (!pub) pub = doc_date;
    long days;
    char date[11] = "";
    if (pub && pal_date_days(pub, &days) == 0) { memcpy(date, pub, 10); date[10] = 0; }

    cJSON *v = vuln_for(vulns, cve);
    if (!v) { cJSON_Delete(fixes); *oom = true; return; }
    const char *title = value_of(vu, "Title");
    if (title && !*str_of(v, "title")) set_str(v, "title", title);
    int old = pal_vuln_severity_from_name(str_of(v, "severity"));
    if (sev > old) set_str(v, "severity", pal_vuln_severity_name((pal_vuln_severity)sev));
    const cJSON *oc = cJSON_GetObjectItemCaseSensitive(v, "cvss");
    if (cvss >= 0 && (!oc || (int)(oc->valuedouble * 10 + 0.5) < cvss)) {
        cJSON *n = cJSON_CreateNumber(cvss / 10.0);
        if (n) {
            if (oc) cJSON_ReplaceItemInObjectCaseSensitive(v, "cvss", n);
            else cJSON_AddItemToObject(v, "cvss", n);
        }
    }
    if (exploited) {
        cJSON *n = cJSON_CreateTrue();
        if (n) cJSON_ReplaceItemInObjectCaseSensitive(v, "exploited", n);
    }
    const char *opub = str_of(v, "published");
    if (date[0] && (!opub || strcmp(date, opub) < 0)) {
        if (opub) set_str(v, "published", date);
        else cJSON_AddStringToObject(v, "published", date);
    }
    cJSON *out = cJSON_GetObjectItemCaseSensitive(v, "fixes");
    cJSON *f;
    while ((f = cJSON_DetachItemFromArray(fixes, 0))) {
        bool dup = false;
        const cJSON *g;
        cJSON_ArrayForEach(g, out)
            if (!fix_cmp(&f, &g)) dup = true;
        if (dup) cJSON_Delete(f);
        else cJSON_AddItemToArray(out, f);
    }
    cJSON_Delete(fixes);
}

cJSON *pal_msrc_convert(const char *const *files, unsigned nfiles, pal_feed_report *rep,
                        char *err, size_t errcap)
{
    if (nfiles > MSRC_MAX_DOCS) {
        set_err(err, errcap, "more than %u CVRF documents at once", MSRC_MAX_DOCS);
        return NULL;
    }
    cJSON *feed = cJSON_CreateObject();
    cJSON *docs = feed ? cJSON_CreateArray() : NULL;
    cJSON *prods = docs ? cJSON_CreateArray() : NULL;
    cJSON *vulns = prods ? cJSON_CreateArray() : NULL;
    if (!vulns) {
        cJSON_Delete(feed); cJSON_Delete(docs); cJSON_Delete(prods);
        set_err(err, errcap, "out of memory");
        return NULL;
    }
    cJSON_AddStringToObject(feed, "format", "palisade-windows-feed");
    cJSON_AddNumberToObject(feed, "version", 1);
    cJSON_AddItemToObject(feed, "generated_from", docs);
    cJSON_AddItemToObject(feed, "products", prods);
    cJSON_AddItemToObject(feed, "vulnerabilities", vulns);
    for (unsigned i = 0; i < nfiles; i++) {
        char why[160];
        size_t len = 0;
        char *text = pal_feed_read_file(files[i], PAL_FEED_MAX_FILE_BYTES, &len, why, sizeof why);
        if (!text) {
            set_err(err, errcap, "cannot read %s: %s", files[i], why);
            cJSON_Delete(feed);
            return NULL;
        }
        const char *end = NULL;
        cJSON *doc = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
        int line = 1;
        for (const char *q = text; !doc && end && q < end && q < text + len; q++) line += *q == '\n';
        free(text);
        const cJSON *vl = cJSON_GetObjectItemCaseSensitive(doc, "Vulnerability");
        const cJSON *pt = cJSON_GetObjectItemCaseSensitive(doc, "ProductTree");
        if (!doc || !cJSON_IsArray(vl) || !cJSON_IsObject(pt)) {
            if (doc) set_err(err, errcap, "%s is not a CVRF document (no ProductTree and Vulnerability "
                             "array): fetch it from the MSRC API with Accept: application/json", files[i]);
            else set_err(err, errcap, "%s:%d: not valid JSON", files[i], line);
            cJSON_Delete(doc);
            cJSON_Delete(feed);
            return NULL;
        }
        const cJSON *tr = cJSON_GetObjectItemCaseSensitive(doc, "DocumentTracking");
        const char *doc_id = value_of(cJSON_GetObjectItemCaseSensitive(tr, "Identification"), "ID");
        if (doc_id) cJSON_AddItemToArray(docs, cJSON_CreateString(doc_id));
        const char *doc_date = str_of(tr, "InitialReleaseDate");
        const cJSON *products = cJSON_GetObjectItemCaseSensitive(pt, "FullProductName");
        if (!cJSON_IsArray(products))
            pal_feed_report_add(rep, PAL_FEED_ERROR, files[i], "ProductTree",
                                "no FullProductName array: no product can be named");
        bool oom = false;
        unsigned k = 0;
        const cJSON *vu;
        cJSON_ArrayForEach(vu, vl) {
            convert_vuln(files[i], k++, vu, products, vulns, prods, doc_date, rep, &oom);
            if (oom) break;
        }
        cJSON_Delete(doc);
        if (oom) {
            set_err(err, errcap, "out of memory converting %s", files[i]);
            cJSON_Delete(feed);
            return NULL;
        }
    }
    cJSON *v;
    cJSON_ArrayForEach(v, vulns) sort_array(cJSON_GetObjectItemCaseSensitive(v, "fixes"), fix_cmp);
    sort_array(vulns, vuln_cmp);
    sort_array(prods, vuln_cmp);          /* products are keyed by "id" as well */
    if (rep) rep->records += (unsigned)cJSON_GetArraySize(vulns);
    return feed;
}
