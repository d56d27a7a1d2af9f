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
 * "Windows"), fixes with a four-part FixedBuild.  Severity, CVSS and exploit
 * status come only from the threats and score sets about a Windows product
 * the vulnerability has a fix for (or about no product in particular): a
 * CVE that is Critical for Office and Important for Windows is Important
 * here.  Several documents merge: a CVE revised in a later month gains the
 * later fixes, and keeps the highest severity, CVSS and exploit status any
 * document gave it.  The output is sorted (vulnerabilities by id, fixes by
 * build) so converting the same documents twice gives the same bytes.
 *
 * Every lookup is a hash probe or a binary search (vulnerabilities by CVE,
 * fixes by CVE+product+build+KB, a document's products by ProductID), so a
 * year of documents converts in time linear in its size.
 */
#include "engine/vuln/vuln.h"
#include "engine/base/err.h"
#include "engine/base/fileio.h"
#include "engine/base/arena.h"
#include "engine/base/strmap.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MSRC_MAX_DOCS 1000u

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

/* ---------------------------------------------------------------- lookups */

/* Sets of strings (or maps to a pointer), over engine/base/strmap.h with
   the keys copied into the conversion's arena: vulnerabilities by CVE,
   fixes by (CVE, product, build, KB), products already in the output.
   Months of CVRF hold thousands of CVEs, each fixed for tens of products:
   every lookup is a hash probe, not a walk over what was converted so far. */
typedef struct strset {
    pal_strmap map;
    pal_arena *mem;
} strset;

static void *const PRESENT = (void *)&PRESENT;   /* the value of a set member */

static void *strset_get(const strset *m, const char *key)
{
    return pal_strmap_get(&m->map, key, strlen(key));
}

/* Adds key with val (non-NULL) unless it is there; *added says which.
   false on no memory. */
static bool strset_add(strset *m, const char *key, void *val, bool *added)
{
    *added = false;
    if (strset_get(m, key)) return true;
    size_t n = strlen(key);
    char *k = pal_arena_strndup(m->mem, key, n);
    if (!k || pal_strmap_put(m->mem, &m->map, k, n, val) < 0) return false;
    *added = true;
    return true;
}

/* One document's ProductTree.FullProductName, sorted by ProductID so the
   products a remediation or threat lists are found by binary search.
   `order` is the product's place in the document: a remediation's fixes
   are made in that order, as the document lists the products. */
typedef struct product {
    const char *id, *name;
    unsigned order;
    bool windows;
} product;

typedef struct products {
    product *p;
    size_t n;
} products;

static int product_cmp(const void *pa, const void *pb)
{
    const product *a = pa, *b = pb;
    int r = strcmp(a->id, b->id);
    return r ? r : (a->order > b->order) - (a->order < b->order);
}

static bool products_load(const cJSON *list, products *out)
{
    out->n = 0;
    out->p = malloc(((size_t)cJSON_GetArraySize(list) + 1) * sizeof *out->p);
    if (!out->p) return false;
    unsigned order = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, list) {
        const char *pid = str_of(p, "ProductID"), *pname = str_of(p, "Value");
        unsigned o = order++;
        if (!pid || !pname) continue;
        out->p[out->n++] = (product){pid, pname, o, !strncmp(pname, "Windows", 7)};
    }
    qsort(out->p, out->n, sizeof *out->p, product_cmp);
    return true;
}

/* The first product with id pid, or NULL; the rest with that id follow it. */
static const product *products_find(const products *ps, const char *pid)
{
    size_t lo = 0, hi = ps->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(ps->p[mid].id, pid) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo < ps->n && !strcmp(ps->p[lo].id, pid) ? &ps->p[lo] : NULL;
}

/* Calls each product o's ProductID (a string or an array) names. */
#define FOR_LISTED(o, pid_var) \
    for (const cJSON *ids_ = cJSON_GetObjectItemCaseSensitive((o), "ProductID"), \
                     *it_ = cJSON_IsString(ids_) ? ids_ : cJSON_IsArray(ids_) ? ids_->child : NULL; \
         it_; it_ = cJSON_IsString(ids_) ? NULL : it_->next) \
        for (const char *pid_var = cJSON_IsString(it_) ? it_->valuestring : NULL; pid_var; pid_var = NULL)

static int ptr_order_cmp(const void *pa, const void *pb)
{
    const product *a = *(const product *const *)pa, *b = *(const product *const *)pb;
    return (a->order > b->order) - (a->order < b->order);
}

typedef struct convert_state {
    cJSON *vulns, *used_products;
    pal_arena mem;        /* the sets' keys and entries */
    strset by_cve;        /* CVE -> its output object */
    strset fix_keys;      /* "CVE\x1fproduct\x1fbuild\x1fkb" of every fix made */
    strset used;          /* product ids in the output's products table */
    bool oom;
} convert_state;

static void convert_state_free(convert_state *st)
{
    pal_arena_free(&st->mem);
}

/* The output vulnerability for id (created on first use). */
static cJSON *vuln_for(convert_state *st, const char *id)
{
    cJSON *found = strset_get(&st->by_cve, id);
    if (found) return found;
    cJSON *v = cJSON_CreateObject();
    if (!v) return NULL;
    cJSON_AddStringToObject(v, "id", id);
    cJSON_AddStringToObject(v, "title", "");
    cJSON_AddStringToObject(v, "severity", "unknown");
    cJSON_AddBoolToObject(v, "exploited", false);
    cJSON_AddArrayToObject(v, "fixes");
    bool added;
    if (!strset_add(&st->by_cve, id, v, &added)) { cJSON_Delete(v); return NULL; }
    cJSON_AddItemToArray(st->vulns, v);
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

/* Sorts array arr in place by relinking its items (detaching them one by
   one would walk the list for each). */
static void sort_array(cJSON *arr, int (*cmp)(const void *, const void *))
{
    int n = cJSON_GetArraySize(arr);
    if (n < 2) return;
    cJSON **items = malloc((size_t)n * sizeof *items);
    if (!items) return;                           /* unsorted, still correct */
    int k = 0;
    for (cJSON *c = arr->child; c && k < n; c = c->next) items[k++] = c;
    qsort(items, (size_t)k, sizeof *items, cmp);
    for (int i = 0; i < k; i++) {
        items[i]->prev = i ? items[i - 1] : items[k - 1];   /* cJSON: the first's prev is the last */
        items[i]->next = i + 1 < k ? items[i + 1] : NULL;
    }
    arr->child = items[0];
    free(items);
}

/* Does a threat or score set o apply to one of the products in fixed (the
   Windows products this vulnerability has fixes for)?  One that names no
   product applies to the vulnerability as a whole. */
static bool about_fixed(const cJSON *o, const strset *fixed)
{
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(o, "ProductID");
    if (!ids || (cJSON_IsArray(ids) && !ids->child)) return true;
    FOR_LISTED(o, pid)
        if (strset_get(fixed, pid)) return true;
    return false;
}

/* What one Vulnerability[] entry gathers before it joins the output. */
typedef struct vuln_work {
    const char *file, *cve, *where;   /* where: "Vulnerability[i] (CVE)", for messages */
    cJSON *fixes;                     /* the fixes it adds */
    strset fixed;                     /* the Windows product ids it fixes, for the severity */
    const product **listed;           /* one remediation's products (reused) */
    size_t capl;
    bool windows, convertible;        /* a fix for a Windows product; one with a four-part build */
} vuln_work;

/* The products remediation rem lists, each once, in the document's order;
   how many are in w->listed. */
static size_t remediation_products(vuln_work *w, const cJSON *rem, const products *ps, convert_state *st)
{
    size_t nl = 0;
    FOR_LISTED(rem, pid)
        for (const product *p = products_find(ps, pid); p && p < ps->p + ps->n && !strcmp(p->id, pid); p++) {
            if (nl == w->capl) {
                size_t nc = w->capl ? w->capl * 2 : 64;
                const product **nn = realloc(w->listed, nc * sizeof *nn);
                if (!nn) { st->oom = true; break; }
                w->listed = nn;
                w->capl = nc;
            }
            w->listed[nl++] = p;
        }
    if (st->oom) return nl;
    if (nl > 1) qsort(w->listed, nl, sizeof *w->listed, ptr_order_cmp);
    return nl;
}

/* "KB5034127" from a remediation's "5034127" or "KB5034127"; "" when it
   is not a KB number. */
static void kb_name(const char *kb, char kbn[24])
{
    kbn[0] = 0;
    if (!kb) return;
    const char *d = strncasecmp(kb, "KB", 2) ? kb : kb + 2;
    size_t n = strlen(d);
    if (n && n <= 16 && strspn(d, "0123456789") == n) snprintf(kbn, 24, "KB%s", d);
}

/* Adds the fix of Windows product p to build fb (and KB kbn) unless it is
   already in the output, and p to the output's products table. */
static void add_fix(vuln_work *w, convert_state *st, const product *p, const char *fb, const char *kbn)
{
    bool added;
    if (!strset_add(&w->fixed, p->id, PRESENT, &added)) { st->oom = true; return; }
    /* skip exact duplicates: a product listed twice, or the same
       fix in another month's document */
    char key[256];
    snprintf(key, sizeof key, "%s\x1f%s\x1f%s\x1f%s", w->cve, p->id, fb, kbn);
    if (!strset_add(&st->fix_keys, key, PRESENT, &added)) { st->oom = true; return; }
    if (!added) return;
    cJSON *fx = cJSON_CreateObject();
    if (!fx) { st->oom = true; return; }
    cJSON_AddStringToObject(fx, "product", p->id);
    cJSON_AddStringToObject(fx, "fixed_build", fb);
    if (kbn[0]) cJSON_AddStringToObject(fx, "kb", kbn);
    cJSON_AddItemToArray(w->fixes, fx);
    /* remember the product for the output's table */
    if (!strset_add(&st->used, p->id, PRESENT, &added)) { st->oom = true; return; }
    if (added) {
        cJSON *np = cJSON_CreateObject();
        if (!np) { st->oom = true; return; }
        cJSON_AddStringToObject(np, "id", p->id);
        cJSON_AddStringToObject(np, "name", p->name);
        cJSON_AddItemToArray(st->used_products, np);
    }
}

/* The vendor fixes (Remediations of Type 2) for Windows products; one
   without a four-part FixedBuild is reported and left out. */
static void gather_fixes(vuln_work *w, const cJSON *vu, const products *ps, convert_state *st,
                         pal_feed_report *rep)
{
    unsigned ri = 0;
    const cJSON *rem;
    cJSON_ArrayForEach(rem, cJSON_GetObjectItemCaseSensitive(vu, "Remediations")) {
        unsigned rix = ri++;
        if (type_of(rem) != 2) continue;
        const char *kb = value_of(rem, "Description");
        const char *fb = str_of(rem, "FixedBuild");
        size_t nl = remediation_products(w, rem, ps, st);
        if (st->oom) break;
        for (size_t li = 0; li < nl && !st->oom; li++) {
            const product *p = w->listed[li];
            if (li && p == w->listed[li - 1]) continue;
            if (!p->windows) continue;
            w->windows = true;
            if (!windows_build4(fb)) {
                pal_feed_report_add(rep, PAL_FEED_WARNING, w->file, w->where,
                                    "Remediations[%u] for %s has no four-part FixedBuild ('%.40s'): "
                                    "not convertible, left out", rix, p->name, fb ? fb : "");
                continue;
            }
            char kbn[24];
            kb_name(kb, kbn);
            w->convertible = true;
            add_fix(w, st, p, fb, kbn);
        }
        if (st->oom) break;
    }
}

/* Severity and exploit status from the threats about a product in fixed
   (an Office product's "Critical" says nothing about the Windows build). */
static void windows_threats(const cJSON *vu, const strset *fixed, int *sev, bool *exploited)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(vu, "Threats")) {
        int ty = type_of(t);
        const char *d = value_of(t, "Description");
        if (!d || !about_fixed(t, fixed)) continue;
        if (ty == 3) {
            int s = pal_vuln_severity_from_name(d);
            if (s > *sev) *sev = s;
        } else if (ty == 1 && strstr(d, "Exploited:Yes")) {
            *exploited = true;
        }
    }
}

/* The highest CVSS base score (x10) about a product in fixed; -1: none. */
static int windows_cvss(const cJSON *vu, const strset *fixed)
{
    int cvss = -1;
    const cJSON *cs;
    cJSON_ArrayForEach(cs, cJSON_GetObjectItemCaseSensitive(vu, "CVSSScoreSets")) {
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(cs, "BaseScore");
        if (!about_fixed(cs, fixed)) continue;
        if (cJSON_IsNumber(b) && b->valuedouble >= 0 && b->valuedouble <= 10) {
            int s10 = (int)(b->valuedouble * 10 + 0.5);
            if (s10 > cvss) cvss = s10;
        }
    }
    return cvss;
}

/* The day it was first published (its first revision, else the
   document's release date) as YYYY-MM-DD; "" when neither is a date. */
static void published_day(const cJSON *vu, const char *doc_date, char date[11])
{
    const char *pub = NULL;
    const cJSON *rh = cJSON_GetObjectItemCaseSensitive(vu, "RevisionHistory");
    if (cJSON_GetArraySize(rh) > 0) pub = str_of(cJSON_GetArrayItem(rh, 0), "Date");
    if (!pub) pub = doc_date;
    long days;
    date[0] = 0;
    if (pub && pal_date_days(pub, &days) == 0) { memcpy(date, pub, 10); date[10] = 0; }
}

/* Merges what this document says into output vulnerability v: the first
   title, the highest severity and CVSS, exploited if any document says
   so, the earliest publication day, and the new fixes. */
static void merge_vuln(cJSON *v, const cJSON *vu, int sev, int cvss, bool exploited, const char *date,
                       cJSON *fixes)
{
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
    while ((f = cJSON_DetachItemFromArray(fixes, 0))) cJSON_AddItemToArray(out, f);
}

static void convert_vuln(const char *file, unsigned index, const cJSON *vu, const products *ps,
                         convert_state *st, const char *doc_date, pal_feed_report *rep)
{
    const char *cve = str_of(vu, "CVE");
    char where[96];
    snprintf(where, sizeof where, "Vulnerability[%u]%s%.40s%s", index, cve ? " (" : "", cve ? cve : "",
             cve ? ")" : "");
    if (!cve || !*cve || strlen(cve) > 64) {
        pal_feed_report_add(rep, PAL_FEED_ERROR, file, where, "no CVE: skipped");
        return;
    }
    vuln_work w = {.file = file, .cve = cve, .where = where, .fixed = {.mem = &st->mem}};
    w.fixes = cJSON_CreateArray();
    if (!w.fixes) { st->oom = true; return; }
    gather_fixes(&w, vu, ps, st, rep);
    free(w.listed);
    if (st->oom || !w.windows || !w.convertible) {
        /* not about Windows builds: not a problem */
        cJSON_Delete(w.fixes);
        return;
    }
    int sev = 0;
    bool exploited = false;
    windows_threats(vu, &w.fixed, &sev, &exploited);
    int cvss = windows_cvss(vu, &w.fixed);
    char date[11];
    published_day(vu, doc_date, date);
    cJSON *v = vuln_for(st, cve);
    if (!v) { cJSON_Delete(w.fixes); st->oom = true; return; }
    merge_vuln(v, vu, sev, cvss, exploited, date, w.fixes);
    cJSON_Delete(w.fixes);
}

cJSON *pal_msrc_convert(const char *const *files, unsigned nfiles, pal_feed_report *rep,
                        char *err, size_t errcap)
{
    if (nfiles > MSRC_MAX_DOCS) {
        pal_set_err(err, errcap, "more than %u CVRF documents at once", MSRC_MAX_DOCS);
        return NULL;
    }
    cJSON *feed = cJSON_CreateObject();
    cJSON *docs = feed ? cJSON_CreateArray() : NULL;
    cJSON *prods = docs ? cJSON_CreateArray() : NULL;
    cJSON *vulns = prods ? cJSON_CreateArray() : NULL;
    if (!vulns) {
        cJSON_Delete(feed); cJSON_Delete(docs); cJSON_Delete(prods);
        pal_set_err(err, errcap, "out of memory");
        return NULL;
    }
    cJSON_AddStringToObject(feed, "format", "palisade-windows-feed");
    cJSON_AddNumberToObject(feed, "version", 1);
    cJSON_AddItemToObject(feed, "generated_from", docs);
    cJSON_AddItemToObject(feed, "products", prods);
    cJSON_AddItemToObject(feed, "vulnerabilities", vulns);
    convert_state st = {.vulns = vulns, .used_products = prods};
    pal_arena_init(&st.mem, 0);
    st.by_cve.mem = st.fix_keys.mem = st.used.mem = &st.mem;
    for (unsigned i = 0; i < nfiles; i++) {
        char why[600];
        size_t len = 0;
        char *text = NULL;
        if (pal_read_file(files[i], PAL_FEED_MAX_FILE_BYTES, &text, &len, why, sizeof why) != PAL_READ_OK) {
            pal_set_err(err, errcap, "%s (reading a CVRF document)", why);
            convert_state_free(&st);
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
            if (doc) pal_set_err(err, errcap, "%s is not a CVRF document (no ProductTree and Vulnerability "
                             "array): fetch it from the MSRC API with Accept: application/json", files[i]);
            else pal_set_err(err, errcap, "%s:%d: not valid JSON", files[i], line);
            convert_state_free(&st);
            cJSON_Delete(doc);
            cJSON_Delete(feed);
            return NULL;
        }
        const cJSON *tr = cJSON_GetObjectItemCaseSensitive(doc, "DocumentTracking");
        const char *doc_id = value_of(cJSON_GetObjectItemCaseSensitive(tr, "Identification"), "ID");
        if (doc_id) cJSON_AddItemToArray(docs, cJSON_CreateString(doc_id));
        const char *doc_date = str_of(tr, "InitialReleaseDate");
        const cJSON *plist = cJSON_GetObjectItemCaseSensitive(pt, "FullProductName");
        if (!cJSON_IsArray(plist))
            pal_feed_report_add(rep, PAL_FEED_ERROR, files[i], "ProductTree",
                                "no FullProductName array: no product can be named");
        products ps;
        if (!products_load(cJSON_IsArray(plist) ? plist : NULL, &ps)) st.oom = true;
        unsigned k = 0;
        const cJSON *vu;
        cJSON_ArrayForEach(vu, vl) {
            if (st.oom) break;
            convert_vuln(files[i], k++, vu, &ps, &st, doc_date, rep);
        }
        free(ps.p);
        cJSON_Delete(doc);
        if (st.oom) {
            pal_set_err(err, errcap, "out of memory converting %s", files[i]);
            convert_state_free(&st);
            cJSON_Delete(feed);
            return NULL;
        }
    }
    convert_state_free(&st);
    cJSON *v;
    cJSON_ArrayForEach(v, vulns) sort_array(cJSON_GetObjectItemCaseSensitive(v, "fixes"), fix_cmp);
    sort_array(vulns, vuln_cmp);
    sort_array(prods, vuln_cmp);          /* products are keyed by "id" as well */
    if (rep) rep->records += (unsigned)cJSON_GetArraySize(vulns);
    return feed;
}
