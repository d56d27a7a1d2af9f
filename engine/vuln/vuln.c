/*
 * vuln.c — vulnerability feeds loaded into an index, and an inventory
 * matched against them.
 *
 * Design.  A feed file is read whole, checked as strict JSON and laid out
 * as a tape in one pass (engine/base/json.h); its records are validated and
 * copied into the feeds' arena, and the tape, the read buffer and the
 * scratch arena of decoded strings are reused for the next file: loading
 * allocates only what it keeps, and per-file costs are one openat, fstat,
 * read and close.  What is kept is deliberately flat:
 *
 *   vrec  one vulnerability as a feed states it (id, aliases, title,
 *         severity, CVSS, exploit, published, which file);
 *   aff   one "this package in this ecosystem is affected like so" entry —
 *         an OSV affected[] item, a custom rule, an md5 rule — pointing at
 *         its vrec and chained into a hash index by (kind, package name);
 *   wfix  one Windows (build line, fixed build, KB) triple of a vrec.
 *
 * Versions are validated by their ecosystem when loaded, and range events
 * are sorted then, so matching one package is a hash lookup and a walk over
 * a handful of sorted events — the OSV evaluation algorithm
 * (ossf.github.io/osv-schema, "Evaluation"): the version is affected when
 * the last event at or below it is an `introduced`, where `fixed` and
 * `limit` end a run at their version and `last_affected` just after it.
 *
 * OSV's Debian, Ubuntu and Alpine records name the SOURCE package (the
 * security trackers work by source), so those entries are matched with the
 * package's source name and source version; custom rules, written by users
 * about what they see installed, match the binary name too.
 */
#include "engine/vuln/vuln.h"
#include "engine/base/err.h"
#include "engine/base/arena.h"
#include "engine/base/json.h"
#include "engine/base/strmap.h"
#include "engine/core/version.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ================================================================ model */

/* What a package is matched by: the inventory's package ecosystem. */
enum { K_NONE = 0, K_DPKG, K_APK, K_RPM, K_ANY, K_MD5,
       K_NPM, K_PYPI, K_GO, K_MAVEN, K_GEM, K_CARGO };   /* language packages */

/* The distribution an OSV entry is about; D_ANY for custom rules. */
enum { D_ANY = 0, D_DEBIAN, D_UBUNTU, D_ALPINE, D_REDHAT, D_ALMA, D_ROCKY, D_SUSE, D_OPENSUSE,
       D_LANG,       /* a language ecosystem: the same on every distribution */
       D_NO_OSV };   /* an rpm distribution OSV publishes nothing for (Fedora, Amazon, ...) */

static const struct {
    const char *osv;      /* OSV ecosystem name (before ':') */
    const char *os_id;    /* os-release ID */
    int distro, kind;
    pal_ver_eco eco;
} distros[] = {
    {"Debian", "debian", D_DEBIAN, K_DPKG, PAL_VER_DPKG},
    {"Ubuntu", "ubuntu", D_UBUNTU, K_DPKG, PAL_VER_DPKG},
    {"Alpine", "alpine", D_ALPINE, K_APK, PAL_VER_APK},
    {"Red Hat", "rhel", D_REDHAT, K_RPM, PAL_VER_RPM},
    {"AlmaLinux", "almalinux", D_ALMA, K_RPM, PAL_VER_RPM},
    {"Rocky Linux", "rocky", D_ROCKY, K_RPM, PAL_VER_RPM},
    {"SUSE", "sles", D_SUSE, K_RPM, PAL_VER_RPM},
    {"openSUSE", "opensuse-leap", D_OPENSUSE, K_RPM, PAL_VER_RPM},
    /* language ecosystems: matched by the package's own name whatever the
       image's distribution; os_id "" never names an image */
    {"npm", "", D_LANG, K_NPM, PAL_VER_NPM},
    {"PyPI", "", D_LANG, K_PYPI, PAL_VER_PYPI},
    {"Go", "", D_LANG, K_GO, PAL_VER_GO},
    {"Maven", "", D_LANG, K_MAVEN, PAL_VER_MAVEN},
    {"RubyGems", "", D_LANG, K_GEM, PAL_VER_RUBYGEMS},
    {"crates.io", "", D_LANG, K_CARGO, PAL_VER_CARGO},
};
#define NDISTROS (sizeof distros / sizeof distros[0])


enum { EV_INTRODUCED = 0, EV_FIXED, EV_LAST_AFFECTED, EV_LIMIT };

typedef struct event {
    const char *v;        /* NULL for introduced "0": before every version */
    uint8_t kind;
} event;

typedef struct range {
    event *ev;            /* sorted by version */
    uint32_t n;
} range;

typedef struct vrec {
    const char *id, *aliases, *title, *published, *source;
    int16_t cvss10;       /* -1 unknown */
    uint8_t severity;
    bool exploit;
} vrec;

typedef struct aff {
    uint32_t rec;         /* index into recs */
    uint32_t next;        /* index chain (UINT32_MAX ends it) */
    uint8_t kind, distro;
    bool custom;
    pal_ver_eco eco;      /* 0 for K_ANY: the installed package's own */
    const char *release;  /* normalized: "12", "22.04", "3.19"; NULL = every release */
    const char *feed_eco; /* "Debian:12", "custom", "md5" */
    range *ranges;
    uint32_t nranges;
    const char **versions;
    uint32_t nversions;
    const char *min, *max, *fixed;  /* custom rules: inclusive bounds, fix */
} aff;

typedef struct wfix {
    uint32_t rec;
    uint32_t line[3];     /* major, minor, build */
    uint32_t ubr;         /* fixed revision */
    const char *fixed, *kb, *product;
} wfix;

typedef struct slot {
    const char *name;
    uint32_t hash, head, tail;   /* a chain in feed order; appending is O(1) */
    uint8_t kind;
} slot;

struct pal_feeds {
    pal_arena mem;
    vrec *recs;
    size_t nrecs, caprecs;
    aff *affs;
    size_t naffs, capaffs;
    wfix *wf;
    size_t nwf, capwf;
    slot *tab;
    size_t tabcap, tabn;
    size_t bytes, files;
    pal_feeds_stats st;
    /* while loading only (load_buffers_free) */
    pal_arena scratch;    /* strings decoded from the current record */
    pal_json_tape tape;   /* the current file */
    char *buf;            /* its text */
    size_t bufcap;
};

#define NIL UINT32_MAX

/* ================================================================ helpers */

static uint32_t fnv(uint8_t kind, const char *s)
{
    uint32_t h = 2166136261u ^ kind;
    h *= 16777619u;
    for (; *s; s++) { h ^= (unsigned char)*s; h *= 16777619u; }
    return h;
}

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return true;
    size_t nc = *cap ? *cap * 2 : 256;
    while (nc < need) nc *= 2;
    void *np = realloc(*p, nc * elem);
    if (!np) return false;
    *p = np;
    *cap = nc;
    return true;
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char *keep(pal_feeds *f, const char *s)
{
    return s ? pal_arena_strndup(&f->mem, s, strlen(s)) : NULL;
}

/* The index: open addressing, (kind, name) -> first aff of a chain. */
static slot *tab_find(const pal_feeds *f, uint8_t kind, const char *name, uint32_t h)
{
    if (!f->tabcap) return NULL;
    size_t mask = f->tabcap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        slot *s = &f->tab[i];
        if (!s->name) return s;
        if (s->hash == h && s->kind == kind && !strcmp(s->name, name)) return s;
    }
}

static bool tab_grow(pal_feeds *f)
{
    size_t nc = f->tabcap ? f->tabcap * 2 : 1024;
    slot *nt = calloc(nc, sizeof *nt);
    if (!nt) return false;
    for (size_t i = 0; i < f->tabcap; i++) {
        slot *s = &f->tab[i];
        if (!s->name) continue;
        size_t j = s->hash & (nc - 1);
        while (nt[j].name) j = (j + 1) & (nc - 1);
        nt[j] = *s;
    }
    free(f->tab);
    f->tab = nt;
    f->tabcap = nc;
    return true;
}

/* Chains aff a under (kind, name), keeping feed order within a chain. */
static bool index_add(pal_feeds *f, uint8_t kind, const char *name, uint32_t a)
{
    if ((f->tabn + 1) * 2 > f->tabcap && !tab_grow(f)) return false;
    uint32_t h = fnv(kind, name);
    slot *s = tab_find(f, kind, name, h);
    f->affs[a].next = NIL;
    if (!s->name) {
        s->name = name;
        s->hash = h;
        s->kind = kind;
        s->head = s->tail = a;
        f->tabn++;
        f->st.packages++;
        return true;
    }
    f->affs[s->tail].next = a;
    s->tail = a;
    return true;
}

static uint32_t index_head(const pal_feeds *f, uint8_t kind, const char *name)
{
    if (!name || !f->tabcap) return NIL;
    const slot *s = tab_find(f, kind, name, fnv(kind, name));
    return s && s->name ? s->head : NIL;
}

/* ================================================================ loading */

/* Feed files are read with the strict reader (engine/base/json.h) into a
   tape, so a record's members are found whatever their order; the tape,
   the read buffer and the scratch arena for decoded strings are reused
   from file to file, so loading allocates only what it keeps. */

typedef uint32_t jv;            /* a node of the current file's tape; JNIL = absent */
#define JNIL PAL_JSON_NIL

/* Where a problem is, formatted only when one is reported: the OSV loader
   passes a record, an affected entry and a range or version many times for
   each problem it finds. */
enum { W_TEXT = 0, W_REC, W_AFF, W_RANGE, W_VERSION };

typedef struct loadctx {
    pal_feeds *f;
    pal_feed_report *rep;
    const char *file;     /* kept copy in the arena */
    const pal_json_tape *t;
    char where[224];
    uint8_t wl;           /* W_*: W_TEXT = where holds the text */
    unsigned wrec, waff, wsub;
    const char *wid;      /* the record's id (scratch) */
    char *err;
    size_t errcap;
    bool fatal;           /* a limit or no memory: stop the whole load */
} loadctx;

static const char *where_of(loadctx *c)
{
    if (c->wl == W_TEXT) return c->where;
    size_t cap = sizeof c->where;
    int n = snprintf(c->where, cap, "record %u (%.80s)", c->wrec, c->wid);
    if (c->wl >= W_AFF && n > 0 && (size_t)n < cap)
        n += snprintf(c->where + n, cap - (size_t)n, " affected[%u]", c->waff);
    if (c->wl >= W_RANGE && n > 0 && (size_t)n < cap)
        snprintf(c->where + n, cap - (size_t)n, c->wl == W_RANGE ? " ranges[%u]" : " versions[%u]", c->wsub);
    return c->where;
}

#define WHERE(c, ...) ((c)->wl = W_TEXT, snprintf((c)->where, sizeof (c)->where, __VA_ARGS__))
#define PROBLEM(c, lv, ...) pal_feed_report_add((c)->rep, (lv), (c)->file, where_of(c), __VA_ARGS__)

static bool oom(loadctx *c)
{
    pal_set_err(c->err, c->errcap, "%s: out of memory loading feeds", c->file);
    c->fatal = true;
    return false;
}

static bool limit(loadctx *c, const char *what, const char *macro, unsigned long long value)
{
    pal_set_err(c->err, c->errcap, "%s: more than %llu %s (%s): split the feed or load fewer files",
            c->file, value, what, macro);
    c->fatal = true;
    return false;
}

/* ---------------------------------------------------------------- the tape */

static pal_json_type jtype(const loadctx *c, jv v) { return pal_json_tape_type(c->t, v); }
static jv jget(const loadctx *c, jv o, const char *key) { return pal_json_tape_get(c->t, o, key); }
static bool jtrue(const loadctx *c, jv o, const char *key) { return jtype(c, jget(c, o, key)) == PAL_JSON_TRUE; }

/* Elements of an array (nothing for any other value). */
static jv jfirst(const loadctx *c, jv a)
{
    return jtype(c, a) == PAL_JSON_ARRAY ? pal_json_tape_first(c->t, a) : JNIL;
}
#define JFOR(c, it, arr) for (jv it = jfirst((c), (arr)); it != JNIL; it = pal_json_tape_next((c)->t, it))

static unsigned jsize(const loadctx *c, jv a)
{
    return jtype(c, a) == PAL_JSON_ARRAY ? c->t->nodes[a].len : 0;
}

/* A string value as a C string (in the scratch arena, which lives for one
   record), or NULL when v is not a string.  Like cJSON's valuestring, it
   ends at an escaped NUL. */
static const char *jstr(loadctx *c, jv v)
{
    if (jtype(c, v) != PAL_JSON_STRING) return NULL;
    pal_json_str s = pal_json_tape_str(c->t, v);
    char *p = pal_arena_alloc(&c->f->scratch, s.len + 1);
    if (!p) { oom(c); return NULL; }
    pal_json_unescape(&s, p);
    return p;
}

static const char *jstr_of(loadctx *c, jv o, const char *key) { return jstr(c, jget(c, o, key)); }

static bool jstr_is(const loadctx *c, jv v, const char *lit)
{
    if (jtype(c, v) != PAL_JSON_STRING) return false;
    pal_json_str s = pal_json_tape_str(c->t, v);
    return pal_json_str_is(&s, lit);
}

/* ---------------------------------------------------------------- records */

/* A bounded string from a feed: NULL with a problem when too long. */
static const char *bounded(loadctx *c, const char *s, const char *what)
{
    if (s && strlen(s) > PAL_FEED_MAX_STRING) {
        PROBLEM(c, PAL_FEED_ERROR, "%s is longer than %u bytes (PAL_FEED_MAX_STRING)",
                what, PAL_FEED_MAX_STRING);
        return NULL;
    }
    return s;
}

static int32_t add_rec(loadctx *c, const vrec *r)
{
    pal_feeds *f = c->f;
    if (f->nrecs >= PAL_FEED_MAX_RECORDS) { limit(c, "records", "PAL_FEED_MAX_RECORDS", PAL_FEED_MAX_RECORDS); return -1; }
    if (!grow((void **)&f->recs, &f->caprecs, f->nrecs + 1, sizeof *f->recs)) { oom(c); return -1; }
    f->recs[f->nrecs] = *r;
    return (int32_t)f->nrecs++;
}

static aff *new_aff(loadctx *c, uint32_t *idx)
{
    pal_feeds *f = c->f;
    if (f->naffs >= PAL_FEED_MAX_AFFECTED) { limit(c, "affected entries", "PAL_FEED_MAX_AFFECTED", PAL_FEED_MAX_AFFECTED); return NULL; }
    if (!grow((void **)&f->affs, &f->capaffs, f->naffs + 1, sizeof *f->affs)) { oom(c); return NULL; }
    *idx = (uint32_t)f->naffs;
    aff *a = &f->affs[f->naffs++];
    memset(a, 0, sizeof *a);
    a->next = NIL;
    return a;
}

/* Severity and CVSS from the usual places a record keeps them. */
static void cvss_from(loadctx *c, jv sev_arr, int *cvss10)
{
    JFOR(c, s, sev_arr) {
        if (!jstr_is(c, jget(c, s, "type"), "CVSS_V3")) continue;
        const char *score = jstr_of(c, s, "score");
        if (!score) continue;
        int v = pal_cvss3_score10(score);
        if (v >= 0) { *cvss10 = v; return; }
    }
}

static int sev_from_cvss(int cvss10)
{
    if (cvss10 < 0) return -1;
    if (cvss10 >= 90) return PAL_VSEV_CRITICAL;
    if (cvss10 >= 70) return PAL_VSEV_HIGH;
    if (cvss10 >= 40) return PAL_VSEV_MEDIUM;
    if (cvss10 > 0) return PAL_VSEV_LOW;
    return PAL_VSEV_UNKNOWN;
}

/* A number or numeric string 0..10 as x10; -1 otherwise. */
static int score10_of(loadctx *c, jv v)
{
    double d;
    if (jtype(c, v) == PAL_JSON_NUMBER) {
        pal_json_num n = pal_json_tape_num(c->t, v);
        d = pal_json_num_double(&n);
    } else {
        const char *s = jstr(c, v);
        if (!s || !*s) return -1;
        char *end;
        d = strtod(s, &end);
        if (*end) return -1;
    }
    if (!(d >= 0 && d <= 10)) return -1;
    return (int)(d * 10 + 0.5);
}

/* A title as image.vulnerabilities shows it: the first line of the text,
   control characters (C0, DEL, C1) turned into spaces, at most cap - 1
   bytes and never cut inside a UTF-8 character (the reader has checked
   the text is UTF-8). */
static void clean_title(const char *t, char *out, size_t cap)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)(t ? t : "");
    while (*p && *p != '\n' && *p != '\r') {
        size_t k = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        for (size_t i = 1; i < k; i++) if (!p[i]) k = i;   /* not UTF-8 after all: stop short */
        if (n + k >= cap) break;
        bool control = *p < 0x20 || *p == 0x7F || (k == 2 && p[0] == 0xC2 && p[1] < 0xA0);
        if (control) out[n++] = ' ';
        else { memcpy(out + n, p, k); n += k; }
        p += k;
    }
    while (n && out[n - 1] == ' ') n--;
    out[n] = 0;
}

/* Sort of events by version: merge sort (stable, no global state). */
static int ev_cmp(pal_ver_eco eco, const event *a, const event *b)
{
    if (!a->v || !b->v) return (a->v != NULL) - (b->v != NULL);
    int r = 0;
    pal_ver_cmp(eco, a->v, strlen(a->v), b->v, strlen(b->v), &r);
    return r;
}

static void ev_sort(pal_ver_eco eco, event *ev, event *tmp, uint32_t n)
{
    if (n < 2) return;
    uint32_t h = n / 2;
    ev_sort(eco, ev, tmp, h);
    ev_sort(eco, ev + h, tmp, n - h);
    uint32_t i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = ev_cmp(eco, &ev[j], &ev[i]) < 0 ? ev[j++] : ev[i++];
    while (i < h) tmp[k++] = ev[i++];
    while (j < n) tmp[k++] = ev[j++];
    memcpy(ev, tmp, n * sizeof *ev);
}

static const char *eco_name(pal_ver_eco eco)
{
    return eco == PAL_VER_APK ? "apk" : eco == PAL_VER_RPM ? "rpm" : "dpkg";
}

/* A version string from a feed (s: NULL when the value is not a string):
   kept when valid for eco, else reported. */
static const char *feed_version(loadctx *c, pal_ver_eco eco, const char *s, const char *what,
                                bool *bad)
{
    if (!s) {
        if (!c->fatal) PROBLEM(c, PAL_FEED_ERROR, "%s is not a string", what);
        *bad = true;
        return NULL;
    }
    if (!bounded(c, s, what)) { *bad = true; return NULL; }
    const char *why = pal_ver_error(eco, s, strlen(s));
    if (why) {
        PROBLEM(c, PAL_FEED_ERROR, "%s '%s' is not a valid %s version (%s): skipped", what, s,
                eco_name(eco), why);
        *bad = true;
        return NULL;
    }
    char *k = keep(c->f, s);
    if (!k) { oom(c); *bad = true; }
    return k;
}

/* PEP 503's normalised name (lower case, runs of "-_." as one '-'): PyPI
   names match however a record or a METADATA file spells them. */
static const char *pypi_name(const char *s, char *buf, size_t cap)
{
    size_t n = 0;
    for (; *s && n + 1 < cap; s++) {
        if (*s == '-' || *s == '_' || *s == '.') {
            if (n && buf[n - 1] != '-') buf[n++] = '-';
        } else {
            buf[n++] = (char)tolower((unsigned char)*s);
        }
    }
    buf[n] = 0;
    return buf;
}

/* The release an OSV ecosystem suffix names, as os-release's VERSION_ID
   gives it: "12", "22.04:LTS" and "Pro:18.04:LTS" -> "22.04"/"18.04",
   "v3.19" -> "3.19", "9" (AlmaLinux, Rocky Linux), Red Hat's
   "enterprise_linux:9::appstream" / "rhel_eus:9.2::baseos" -> "9"/"9.2",
   SUSE's "Linux Enterprise Server 15 SP5" -> "15.5", openSUSE's
   "Leap 15.5" -> "15.5".  *out NULL: every release ("Tumbleweed", no
   suffix).  false when the suffix names no release of that distribution
   (Red Hat's other products: "openshift:4.14::el9"). */
static bool norm_release(pal_feeds *f, int distro, const char *rest, const char **out)
{
    *out = NULL;
    if (!rest || !*rest) return true;
    const char *p = rest;
    size_t n;
    if (distro == D_REDHAT) {
        size_t prod = strcspn(p, ":");
        if (!((prod == 16 && !strncmp(p, "enterprise_linux", 16)) || !strncmp(p, "rhel_", 5)) || !p[prod])
            return false;
        p += prod + 1;
        n = strcspn(p, ":");
        if (!n || !isdigit((unsigned char)*p)) return false;
    } else if (distro == D_SUSE || distro == D_OPENSUSE) {
        /* the first word that is a number, and a service pack after it */
        while (*p && !(isdigit((unsigned char)*p) && (p == rest || p[-1] == ' '))) p++;
        if (!*p) return true;
        n = strspn(p, "0123456789.");
        char buf[48];
        if (n >= 24) return true;
        memcpy(buf, p, n);
        buf[n] = 0;
        if (!strncmp(p + n, " SP", 3) && isdigit((unsigned char)p[n + 3]) && !strchr(buf, '.')) {
            size_t sp = strspn(p + n + 3, "0123456789");
            if (sp < 8) { buf[n] = '.'; memcpy(buf + n + 1, p + n + 3, sp); n += 1 + sp; buf[n] = 0; }
        }
        *out = pal_arena_strndup(&f->mem, buf, n);
        return true;
    } else {
        if (distro == D_UBUNTU)
            while (*p && !isdigit((unsigned char)*p)) {
                const char *colon = strchr(p, ':');
                if (!colon) return true;
                p = colon + 1;
            }
        if (*p == 'v') p++;
        n = strcspn(p, ":");
        if (!n) return true;
    }
    *out = pal_arena_strndup(&f->mem, p, n);
    return true;
}

/* The distribution an OSV ecosystem names ("Debian:12": Debian) as an
   index in distros[], and the release it names (norm_release); -1, with a
   warning, when palisade matches neither. */
static int osv_distro(loadctx *c, const char *eco_s, const char **release)
{
    size_t base_len = strcspn(eco_s, ":");
    int d = -1;
    for (size_t k = 0; k < NDISTROS; k++)
        if (strlen(distros[k].osv) == base_len && !strncmp(distros[k].osv, eco_s, base_len))
            d = (int)k;
    if (d < 0) {
        PROBLEM(c, PAL_FEED_WARNING,
                "ecosystem '%s' is not one palisade matches (Debian, Ubuntu, Alpine, Red Hat, "
                "AlmaLinux, Rocky Linux, SUSE, openSUSE, npm, PyPI, Go, Maven, RubyGems, "
                "crates.io): entry skipped", eco_s);
        return -1;
    }
    if (!norm_release(c->f, distros[d].distro, eco_s[base_len] ? eco_s + base_len + 1 : NULL, release)) {
        PROBLEM(c, PAL_FEED_WARNING, "ecosystem '%s' names no %s release palisade can match "
                "(Red Hat: enterprise_linux or rhel_* products): entry skipped", eco_s, distros[d].osv);
        return -1;
    }
    return d;
}

/* The events of one range into ev[] (room for all of them), *n of them;
   false (reported) when one is malformed or none is "introduced". */
static bool osv_events(loadctx *c, jv evs, pal_ver_eco eco, event *ev, uint32_t *n)
{
    bool bad = false, has_intro = false;
    JFOR(c, e, evs) {
        static const char *const keys[] = {"introduced", "fixed", "last_affected", "limit"};
        jv val = JNIL;
        int kind = -1, nkeys = 0;
        for (int k = 0; k < 4; k++) {
            jv v = jget(c, e, keys[k]);
            if (v != JNIL) { val = v; kind = k; nkeys++; }
        }
        if (nkeys != 1) {
            PROBLEM(c, PAL_FEED_ERROR, "event %u must have exactly one of introduced, fixed, "
                    "last_affected, limit: range skipped", *n);
            return false;
        }
        ev[*n].kind = (uint8_t)kind;
        if (kind == EV_INTRODUCED) has_intro = true;
        if (kind == EV_INTRODUCED && jstr_is(c, val, "0")) {
            ev[(*n)++].v = NULL;
            continue;
        }
        ev[*n].v = feed_version(c, eco, jstr(c, val), keys[kind], &bad);
        if (bad) return false;
        (*n)++;
    }
    if (!has_intro) {
        PROBLEM(c, PAL_FEED_ERROR, "no introduced event: range skipped");
        return false;
    }
    return true;
}

/* One ECOSYSTEM (or SEMVER) range, its events sorted by version, into *out.  1: kept;
   0: skipped (reported); -1: the entry stops (out of memory, a fatal
   error). */
static int osv_range(loadctx *c, jv r, pal_ver_eco eco, range *out)
{
    jv evs = jget(c, r, "events");
    jv type = jget(c, r, "type");
    if (jtype(c, type) != PAL_JSON_STRING || jtype(c, evs) != PAL_JSON_ARRAY) {
        PROBLEM(c, PAL_FEED_ERROR, "a range needs a type and an events array: range skipped");
        return 0;
    }
    /* SEMVER ranges are semver 2.0.0 versions, which the npm, Go and
       crates.io orderings read as they are */
    bool semver_ok = eco == PAL_VER_NPM || eco == PAL_VER_GO || eco == PAL_VER_CARGO;
    if (!jstr_is(c, type, "ECOSYSTEM") && !(semver_ok && jstr_is(c, type, "SEMVER"))) {
        const char *ts = jstr(c, type);
        if (!ts) return -1;
        PROBLEM(c, PAL_FEED_WARNING, "range type %s is not matched against packages "
                "(only ECOSYSTEM is, and SEMVER for npm, Go and crates.io): range skipped", ts);
        return 0;
    }
    unsigned ne = jsize(c, evs);
    if (ne == 0 || ne > PAL_FEED_MAX_VERSIONS) {
        PROBLEM(c, PAL_FEED_ERROR, ne ? "more than %u events (PAL_FEED_MAX_VERSIONS): range skipped"
                                      : "no events: range skipped", PAL_FEED_MAX_VERSIONS);
        return 0;
    }
    event *ev = pal_arena_alloc(&c->f->mem, (size_t)ne * sizeof *ev);
    event small[16];
    event *tmp = ne <= 16 ? small : malloc((size_t)ne * sizeof *tmp);
    if (!ev || !tmp) { if (tmp != small) free(tmp); oom(c); return -1; }
    uint32_t n = 0;
    if (!osv_events(c, evs, eco, ev, &n)) {
        if (tmp != small) free(tmp);
        return c->fatal ? -1 : 0;
    }
    ev_sort(eco, ev, tmp, n);
    if (tmp != small) free(tmp);
    out->ev = ev;
    out->n = n;
    return 1;
}

/* The entry's ranges that are kept, into *out (*nout of them); false when
   the entry stops. */
static bool osv_ranges(loadctx *c, jv ranges, pal_ver_eco eco, range **out, uint32_t *nout,
                       bool *any_problem)
{
    unsigned nr = jsize(c, ranges);
    range *rs = nr ? pal_arena_alloc(&c->f->mem, nr * sizeof *rs) : NULL;
    if (nr && !rs) { oom(c); return false; }
    uint32_t nrs = 0;
    unsigned ri = 0;
    JFOR(c, r, ranges) {
        c->wl = W_RANGE;
        c->wsub = ri++;
        int kept = osv_range(c, r, eco, &rs[nrs]);
        if (kept < 0) return false;
        if (kept) nrs++;
        else *any_problem = true;
    }
    *out = rs;
    *nout = nrs;
    return true;
}

/* The entry's valid versions[], into *out (*nout of them); false when the
   entry stops. */
static bool osv_versions(loadctx *c, jv versions, pal_ver_eco eco, const char ***out, uint32_t *nout,
                         bool *any_problem)
{
    unsigned nv = jsize(c, versions);
    if (nv > PAL_FEED_MAX_VERSIONS) {
        c->wl = W_AFF;
        PROBLEM(c, PAL_FEED_ERROR, "more than %u versions (PAL_FEED_MAX_VERSIONS): versions skipped",
                PAL_FEED_MAX_VERSIONS);
        *any_problem = true;
        nv = 0;
    }
    const char **vs = nv ? pal_arena_alloc(&c->f->mem, nv * sizeof *vs) : NULL;
    if (nv && !vs) { oom(c); return false; }
    uint32_t nvs = 0;
    unsigned vi = 0;
    if (nv)
        JFOR(c, v, versions) {
            c->wl = W_VERSION;
            c->wsub = vi++;
            bool bad = false;
            const char *s = feed_version(c, eco, jstr(c, v), "version", &bad);
            if (c->fatal) return false;
            if (bad) { *any_problem = true; continue; }
            vs[nvs++] = s;
        }
    *out = vs;
    *nout = nvs;
    return true;
}

/* Debian keeps an urgency per package; a record without a severity of its
   own takes it. */
static void osv_take_urgency(loadctx *c, uint32_t rec, jv af)
{
    jv es = jget(c, af, "ecosystem_specific");
    const char *urg = jstr_of(c, es, "urgency");
    if (!urg) urg = jstr_of(c, es, "severity");
    int sv = pal_vuln_severity_from_name(urg);
    vrec *vr = &c->f->recs[rec];
    if (sv > 0 && vr->severity == PAL_VSEV_UNKNOWN) vr->severity = (uint8_t)sv;
}

/* One OSV affected[] entry of record rec. */
static void osv_affected(loadctx *c, uint32_t rec, jv af, unsigned j, bool *used)
{
    c->wl = W_AFF;
    c->waff = j;
    jv pkg = jget(c, af, "package");
    const char *eco_s = jstr_of(c, pkg, "ecosystem"), *name = jstr_of(c, pkg, "name");
    if (c->fatal) return;
    if (jtype(c, af) != PAL_JSON_OBJECT || !eco_s || !name || !*name) {
        PROBLEM(c, PAL_FEED_ERROR, "no package.ecosystem and package.name strings: entry skipped");
        return;
    }
    if (!bounded(c, name, "package.name") || !bounded(c, eco_s, "package.ecosystem")) return;
    const char *release;
    int d = osv_distro(c, eco_s, &release);
    if (d < 0) return;
    pal_ver_eco eco = distros[d].eco;

    jv ranges = jget(c, af, "ranges");
    jv versions = jget(c, af, "versions");
    if ((ranges != JNIL && jtype(c, ranges) != PAL_JSON_ARRAY) ||
        (versions != JNIL && jtype(c, versions) != PAL_JSON_ARRAY)) {
        PROBLEM(c, PAL_FEED_ERROR, "ranges and versions must be arrays: entry skipped");
        return;
    }
    range *rs = NULL;
    const char **vs = NULL;
    uint32_t nrs = 0, nvs = 0;
    bool any_problem = false;
    if (!osv_ranges(c, ranges, eco, &rs, &nrs, &any_problem) ||
        !osv_versions(c, versions, eco, &vs, &nvs, &any_problem))
        return;

    c->wl = W_AFF;
    if (!nrs && !nvs) {
        if (!any_problem)
            PROBLEM(c, PAL_FEED_ERROR, "no ECOSYSTEM ranges and no versions: entry skipped");
        return;
    }
    uint32_t ai;
    aff *a = new_aff(c, &ai);
    if (!a) return;
    a->rec = rec;
    a->kind = (uint8_t)distros[d].kind;
    a->distro = (uint8_t)distros[d].distro;
    a->eco = eco;
    a->release = release;
    a->feed_eco = keep(c->f, eco_s);
    a->ranges = rs;
    a->nranges = nrs;
    a->versions = vs;
    a->nversions = nvs;
    char norm[PAL_FEED_MAX_STRING + 1];
    const char *kname = keep(c->f, a->kind == K_PYPI ? pypi_name(name, norm, sizeof norm) : name);
    if (!a->feed_eco || !kname || !index_add(c->f, a->kind, kname, ai)) { oom(c); return; }
    osv_take_urgency(c, rec, af);
    *used = true;
}

/* Appends s to a comma-separated list unless it is there or is skip. */
static void alias_add(char *list, size_t cap, const char *s, const char *skip)
{
    size_t n = strlen(s), len = strlen(list);
    if (!n || n > 64 || !strcmp(s, skip) || len + n + 2 > cap) return;
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, ",");
        if (k == n && !strncmp(p, s, n)) return;
        p += k + (p[k] == ',');
    }
    if (len) list[len++] = ',';
    memcpy(list + len, s, n + 1);
}

/* The id reported for a record: its own if it is a CVE, else its only CVE
   alias (Debian's DSA/DLA/DEBIAN-CVE and Ubuntu's UBUNTU-CVE records name
   one), else its own; every other id goes to aliases. */
static void pick_id(loadctx *c, jv rec, const char *id, const char **out_id, char *aliases,
                    size_t cap)
{
    static const char *const lists[] = {"aliases", "upstream"};
    const char *cve = NULL;
    int ncve = 0;
    *out_id = id;
    aliases[0] = 0;
    if (strncmp(id, "CVE-", 4)) {
        for (int l = 0; l < 2; l++)
            JFOR(c, a, jget(c, rec, lists[l])) {
                const char *s = jstr(c, a);
                if (s && !strncmp(s, "CVE-", 4) && strlen(s) <= 64 && (!cve || strcmp(cve, s))) {
                    ncve++;
                    cve = s;
                }
            }
        if (ncve == 1) *out_id = cve;
    }
    alias_add(aliases, cap, id, *out_id);
    for (int l = 0; l < 2; l++)
        JFOR(c, a, jget(c, rec, lists[l])) {
            const char *s = jstr(c, a);
            if (s) alias_add(aliases, cap, s, *out_id);
        }
}

static void osv_record(loadctx *c, jv rec, unsigned index)
{
    pal_arena_reset(&c->f->scratch);
    const char *id = jstr_of(c, rec, "id");
    if (c->fatal) return;
    if (jtype(c, rec) != PAL_JSON_OBJECT || !id || !*id || strlen(id) > 128) {
        WHERE(c, "record %u", index);
        PROBLEM(c, PAL_FEED_ERROR, "not an OSV record (no \"id\" string): skipped");
        if (c->rep) c->rep->skipped++;
        return;
    }
    c->wl = W_REC;
    c->wrec = index;
    c->wid = id;
    if (jget(c, rec, "withdrawn") != JNIL) return;  /* retracted: not a problem */
    jv affected = jget(c, rec, "affected");
    if (!jsize(c, affected)) {
        PROBLEM(c, PAL_FEED_ERROR, "no \"affected\" array: skipped");
        if (c->rep) c->rep->skipped++;
        return;
    }
    vrec r = {0};
    const char *rid;
    char aliases[1024], title[256];
    pick_id(c, rec, id, &rid, aliases, sizeof aliases);
    const char *t = jstr_of(c, rec, "summary");
    if (!t || !*t) t = jstr_of(c, rec, "details");
    clean_title(t, title, sizeof title);
    int cvss = -1;
    jv sev_arr = jget(c, rec, "severity");
    cvss_from(c, sev_arr, &cvss);
    jv ds = jget(c, rec, "database_specific");
    if (cvss < 0) cvss = score10_of(c, jget(c, ds, "cvss"));
    int sev = pal_vuln_severity_from_name(jstr_of(c, ds, "severity"));
    if (sev <= 0)
        JFOR(c, s, sev_arr)
            if (jstr_is(c, jget(c, s, "type"), "Ubuntu"))
                sev = pal_vuln_severity_from_name(jstr_of(c, s, "score"));
    if (sev <= 0) sev = sev_from_cvss(cvss);
    r.severity = (uint8_t)(sev > 0 ? sev : 0);
    r.cvss10 = (int16_t)cvss;
    r.exploit = jtrue(c, ds, "exploit_known") || jtrue(c, ds, "exploited") || jtrue(c, ds, "kev");
    const char *pub = jstr_of(c, rec, "published");
    long days;
    char date[11] = "";
    if (pub && pal_date_days(pub, &days) == 0) { memcpy(date, pub, 10); date[10] = 0; }
    if (c->fatal) return;
    r.id = keep(c->f, rid);
    r.aliases = keep(c->f, aliases);
    r.title = keep(c->f, title);
    r.published = date[0] ? keep(c->f, date) : NULL;
    r.source = c->file;
    if (!r.id || !r.aliases || !r.title || (date[0] && !r.published)) { oom(c); return; }
    int32_t ri = add_rec(c, &r);
    if (ri < 0) return;
    bool used = false;
    unsigned j = 0;
    JFOR(c, af, affected) {
        osv_affected(c, (uint32_t)ri, af, j++, &used);
        if (c->fatal) return;
    }
    if (used) {
        c->f->st.osv_records++;
        if (c->rep) c->rep->records++;
    } else {
        c->f->nrecs--;                 /* nothing points at it */
        if (c->rep) c->rep->skipped++;
    }
}

/* ---------------------------------------------------------------- custom */

static int kind_of_type(const char *t)
{
    static const struct { const char *name; int kind; } types[] = {
        {"dpkg", K_DPKG}, {"deb", K_DPKG}, {"debian", K_DPKG}, {"ubuntu", K_DPKG},
        {"apk", K_APK}, {"alpine", K_APK}, {"rpm", K_RPM}, {"package", K_ANY},
        {"md5", K_MD5},
    };
    for (size_t i = 0; t && i < sizeof types / sizeof types[0]; i++)
        if (!strcasecmp(t, types[i].name)) return types[i].kind;
    return K_NONE;
}

static pal_ver_eco eco_of_kind(int k)
{
    switch (k) {
    case K_DPKG: return PAL_VER_DPKG;
    case K_APK: return PAL_VER_APK;
    case K_RPM: return PAL_VER_RPM;
    case K_NPM: return PAL_VER_NPM;
    case K_PYPI: return PAL_VER_PYPI;
    case K_GO: return PAL_VER_GO;
    case K_MAVEN: return PAL_VER_MAVEN;
    case K_GEM: return PAL_VER_RUBYGEMS;
    case K_CARGO: return PAL_VER_CARGO;
    }
    return 0;
}

/* A custom bound: valid for the rule's ecosystem, or for K_ANY for at
   least one of dpkg, apk, rpm (the installed package decides). */
static const char *custom_version(loadctx *c, int kind, jv v, const char *what, bool *bad)
{
    if (v == JNIL) return NULL;
    const char *s = jstr(c, v);
    if (c->fatal) { *bad = true; return NULL; }
    if (kind != K_ANY) return feed_version(c, eco_of_kind(kind), s, what, bad);
    if (!s || !bounded(c, s, what)) {
        if (!s) PROBLEM(c, PAL_FEED_ERROR, "%s is not a string", what);
        *bad = true;
        return NULL;
    }
    if (pal_ver_error(PAL_VER_DPKG, s, strlen(s)) && pal_ver_error(PAL_VER_APK, s, strlen(s)) &&
        pal_ver_error(PAL_VER_RPM, s, strlen(s))) {
        PROBLEM(c, PAL_FEED_ERROR, "%s '%s' is not a valid dpkg, apk or rpm version: skipped", what, s);
        *bad = true;
        return NULL;
    }
    char *k = keep(c->f, s);
    if (!k) { oom(c); *bad = true; }
    return k;
}

static bool is_hex(const char *s, size_t n)
{
    if (strlen(s) != n) return false;
    for (size_t i = 0; i < n; i++) if (!isxdigit((unsigned char)s[i])) return false;
    return true;
}

static void custom_rules(loadctx *c, jv rules)
{
    if (jtype(c, rules) != PAL_JSON_ARRAY) {
        WHERE(c, "rules");
        PROBLEM(c, PAL_FEED_ERROR, "\"rules\" must be an array: file skipped");
        return;
    }
    unsigned i = 0;
    JFOR(c, rule, rules) {
        pal_arena_reset(&c->f->scratch);
        unsigned idx = i++;
        const char *name = jstr_of(c, rule, "name");
        WHERE(c, "rules[%u]%s%.80s%s", idx, name ? " (" : "", name ? name : "", name ? ")" : "");
        const char *type = jstr_of(c, rule, "type");
        const char *pkg = jstr_of(c, rule, "package");
        if (c->fatal) return;
        int kind = kind_of_type(type);
        bool bad = false, object = jtype(c, rule) == PAL_JSON_OBJECT;
        if (!object || !name || !*name || !bounded(c, name, "name")) {
            if (object && (!name || !*name))
                PROBLEM(c, PAL_FEED_ERROR, "a rule needs a \"name\" (the CVE or your own id): skipped");
            else if (!object)
                PROBLEM(c, PAL_FEED_ERROR, "a rule must be an object: skipped");
            bad = true;
        } else if (!type) {
            PROBLEM(c, PAL_FEED_ERROR, "no \"type\" (dpkg, apk, rpm, package or md5): skipped");
            bad = true;
        } else if (kind == K_NONE) {
            PROBLEM(c, PAL_FEED_WARNING, "type '%.40s' is not matched by palisade (dpkg, apk, rpm, "
                    "package, md5): skipped", type);
            bad = true;
        } else if (kind == K_MD5) {
            const char *md5 = jstr_of(c, rule, "md5");
            if (!md5 || !is_hex(md5, 32)) {
                PROBLEM(c, PAL_FEED_ERROR, "type md5 needs \"md5\": 32 hex digits: skipped");
                bad = true;
            }
        } else if (!pkg || !*pkg || !bounded(c, pkg, "package")) {
            if (!pkg || !*pkg) PROBLEM(c, PAL_FEED_ERROR, "no \"package\" name: skipped");
            bad = true;
        }
        const char *min = NULL, *max = NULL, *fixed = NULL;
        if (!bad && kind != K_MD5) {
            min = custom_version(c, kind, jget(c, rule, "minVersionInclusive"), "minVersionInclusive", &bad);
            if (!bad) max = custom_version(c, kind, jget(c, rule, "maxVersionInclusive"),
                                           "maxVersionInclusive", &bad);
            if (!bad) fixed = custom_version(c, kind, jget(c, rule, "fixedVersion"), "fixedVersion", &bad);
        }
        if (c->fatal) return;
        if (bad) { if (c->rep) c->rep->skipped++; continue; }

        vrec r = {0};
        r.id = keep(c->f, name);
        const char *title = jstr_of(c, rule, "title");
        if (!title) title = jstr_of(c, rule, "description");
        char t[256];
        clean_title(title, t, sizeof t);
        r.title = keep(c->f, t);
        r.aliases = "";
        int cvss = score10_of(c, jget(c, rule, "cvss"));
        int sev = pal_vuln_severity_from_name(jstr_of(c, rule, "severity"));
        if (sev <= 0) sev = sev_from_cvss(cvss);
        r.severity = (uint8_t)(sev > 0 ? sev : 0);
        r.cvss10 = (int16_t)cvss;
        r.exploit = jtrue(c, rule, "exploit") || jtrue(c, rule, "exploited");
        const char *pub = jstr_of(c, rule, "published");
        long days;
        if (pub && pal_date_days(pub, &days) == 0) r.published = pal_arena_strndup(&c->f->mem, pub, 10);
        r.source = c->file;
        if (c->fatal) return;
        if (!r.id || !r.title) { oom(c); return; }
        int32_t ri = add_rec(c, &r);
        if (ri < 0) return;
        uint32_t ai;
        aff *a = new_aff(c, &ai);
        if (!a) return;
        a->rec = (uint32_t)ri;
        a->kind = (uint8_t)kind;
        a->custom = true;
        a->eco = eco_of_kind(kind);
        a->feed_eco = kind == K_MD5 ? "md5" : "custom";
        a->min = min;
        a->max = max;
        a->fixed = fixed;
        char key[40];
        const char *kname;
        if (kind == K_MD5) {
            const char *md5 = jstr_of(c, rule, "md5");
            if (!md5) return;
            for (int k = 0; k < 32; k++) key[k] = (char)tolower((unsigned char)md5[k]);
            key[32] = 0;
            kname = keep(c->f, key);
            c->f->st.md5_rules++;
        } else {
            kname = keep(c->f, pkg);
            c->f->st.custom_rules++;
        }
        if (!kname || !index_add(c->f, a->kind, kname, ai)) { oom(c); return; }
        if (c->rep) c->rep->records++;
    }
}

/* ---------------------------------------------------------------- Windows */

/* "10.0.17763.5329" -> parts; false unless exactly four numbers. */
static bool win_build(const char *s, uint32_t out[4])
{
    if (!s || pal_ver_error(PAL_VER_WINDOWS, s, strlen(s))) return false;
    int n = 0;
    const char *p = s;
    while (n < 4) {
        char *end;
        unsigned long v = strtoul(p, &end, 10);
        if (end == p || v > 0xffffffffUL) return false;
        out[n++] = (uint32_t)v;
        if (*end != '.') { p = end; break; }
        p = end + 1;
    }
    return n == 4 && *p == 0;
}

/* "KB5034127" or "5034127" -> "KB5034127"; false if neither. */
static bool norm_kb(const char *s, char out[24])
{
    if (!s) return false;
    if (!strncasecmp(s, "KB", 2)) s += 2;
    size_t n = strlen(s);
    if (n == 0 || n > 16) return false;
    for (size_t i = 0; i < n; i++) if (!isdigit((unsigned char)s[i])) return false;
    snprintf(out, 24, "KB%s", s);
    return true;
}

/* The products table of a Windows feed, by id (in the scratch arena): a
   fix names its product by id, and a feed has thousands of fixes over
   hundreds of products.  The last product with an id names it, as the
   table's own order would have it (a later put shadows an earlier one). */
static bool prod_tab_build(loadctx *c, jv products, pal_strmap *pt)
{
    JFOR(c, p, products) {
        const char *id = jstr_of(c, p, "id");
        if (!id) { if (c->fatal) return false; continue; }
        if (pal_strmap_put(&c->f->scratch, pt, id, strlen(id), (void *)(uintptr_t)(p + 1)) < 0) return false;
    }
    return true;
}

static jv prod_tab_find(const pal_strmap *pt, const char *id)
{
    uintptr_t v = (uintptr_t)pal_strmap_get(pt, id, strlen(id));
    return v ? (jv)(v - 1) : JNIL;
}

static void windows_feed(loadctx *c, jv root)
{
    jv products = jget(c, root, "products");
    jv vulns = jget(c, root, "vulnerabilities");
    jv ver = jget(c, root, "version");
    WHERE(c, "(file)");
    double vd = 0;
    if (jtype(c, ver) == PAL_JSON_NUMBER) {
        pal_json_num n = pal_json_tape_num(c->t, ver);
        vd = pal_json_num_double(&n);
    }
    if (!(vd >= 1.0 && vd < 2.0)) {        /* cJSON's valueint == 1, as before */
        PROBLEM(c, PAL_FEED_ERROR, "palisade-windows-feed version must be 1: file skipped");
        return;
    }
    if (jtype(c, vulns) != PAL_JSON_ARRAY) {
        PROBLEM(c, PAL_FEED_ERROR, "no \"vulnerabilities\" array: file skipped");
        return;
    }
    pal_strmap pt = {0};
    if (!prod_tab_build(c, products, &pt)) { if (!c->fatal) oom(c); return; }
    unsigned i = 0;
    JFOR(c, v, vulns) {
        unsigned idx = i++;
        const char *id = jstr_of(c, v, "id");
        WHERE(c, "vulnerabilities[%u]%s%.80s%s", idx, id ? " (" : "", id ? id : "", id ? ")" : "");
        jv fixes = jget(c, v, "fixes");
        if (!id || !*id || !bounded(c, id, "id") || jtype(c, fixes) != PAL_JSON_ARRAY) {
            if (id && *id && strlen(id) <= PAL_FEED_MAX_STRING)
                PROBLEM(c, PAL_FEED_ERROR, "no \"fixes\" array: skipped");
            else if (!id || !*id)
                PROBLEM(c, PAL_FEED_ERROR, "no \"id\": skipped");
            if (c->rep) c->rep->skipped++;
            continue;
        }
        vrec r = {0};
        r.id = keep(c->f, id);
        char t[256];
        clean_title(jstr_of(c, v, "title"), t, sizeof t);
        r.title = keep(c->f, t);
        r.aliases = "";
        int cvss = score10_of(c, jget(c, v, "cvss"));
        int sev = pal_vuln_severity_from_name(jstr_of(c, v, "severity"));
        if (sev <= 0) sev = sev_from_cvss(cvss);
        r.severity = (uint8_t)(sev > 0 ? sev : 0);
        r.cvss10 = (int16_t)cvss;
        r.exploit = jtrue(c, v, "exploited");
        const char *pub = jstr_of(c, v, "published");
        long days;
        if (pub && pal_date_days(pub, &days) == 0) r.published = pal_arena_strndup(&c->f->mem, pub, 10);
        r.source = c->file;
        if (c->fatal) break;
        if (!r.id || !r.title) { oom(c); break; }
        int32_t ri = add_rec(c, &r);
        if (ri < 0) break;
        unsigned nfix = 0, fi = 0;
        JFOR(c, fx, fixes) {
            unsigned fidx = fi++;
            const char *fb = jstr_of(c, fx, "fixed_build"), *kb = jstr_of(c, fx, "kb");
            const char *prod = jstr_of(c, fx, "product");
            if (c->fatal) break;
            uint32_t parts[4];
            char kbn[24];
            if (!win_build(fb, parts)) {
                PROBLEM(c, PAL_FEED_ERROR, "fixes[%u]: fixed_build '%.40s' is not a Windows build "
                        "like 10.0.17763.5329: fix skipped", fidx, fb ? fb : "(missing)");
                continue;
            }
            if (kb && !norm_kb(kb, kbn)) {
                PROBLEM(c, PAL_FEED_ERROR, "fixes[%u]: kb '%.40s' is not a KB number like KB5034127: "
                        "fix skipped", fidx, kb);
                continue;
            }
            const char *pname = prod ? jstr_of(c, prod_tab_find(&pt, prod), "name") : NULL;
            pal_feeds *f = c->f;
            if (!grow((void **)&f->wf, &f->capwf, f->nwf + 1, sizeof *f->wf)) { oom(c); break; }
            if (f->nwf >= PAL_FEED_MAX_AFFECTED) { limit(c, "affected entries", "PAL_FEED_MAX_AFFECTED", PAL_FEED_MAX_AFFECTED); break; }
            wfix *w = &f->wf[f->nwf];
            w->rec = (uint32_t)ri;
            memcpy(w->line, parts, sizeof w->line);
            w->ubr = parts[3];
            w->fixed = keep(f, fb);
            w->kb = kb ? keep(f, kbn) : NULL;
            w->product = pname && strlen(pname) < 256 ? keep(f, pname) : NULL;
            if (!w->fixed || (kb && !w->kb)) { oom(c); break; }
            f->nwf++;
            f->st.windows_fixes++;
            nfix++;
        }
        if (c->fatal) break;
        if (nfix) {
            c->f->st.windows_cves++;
            if (c->rep) c->rep->records++;
        } else {
            if (jsize(c, fixes) == 0)
                PROBLEM(c, PAL_FEED_ERROR, "no fixes: skipped");
            c->f->nrecs--;
            if (c->rep) c->rep->skipped++;
        }
    }
}

/* ---------------------------------------------------------------- files */


/* The bounded read of engine/base/fileio.c, into the feeds' reused buffer
   from an open fd (closed here): a feed directory of 100,000 files would
   otherwise malloc and free a buffer per file (this is the one reader of
   its own, for that reason).  A read that stops at the size fstat gave is
   taken as the end: a feed directory of 100,000 small files pays one
   read each, not two. */
static bool feed_buf_room(pal_feeds *f, size_t need)
{
    if (need <= f->bufcap) return true;
    size_t nc = f->bufcap ? f->bufcap : 65536;
    while (nc < need) nc *= 2;
    char *nb = realloc(f->buf, nc);
    if (!nb) return false;
    f->buf = nb;
    f->bufcap = nc;
    return true;
}

static char *read_feed_fd(pal_feeds *f, int fd, size_t *len, char *why, size_t whycap)
{
    struct stat st;
    char *res = NULL;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(why, whycap, "not a regular file");
        goto out;
    }
    size_t max = PAL_FEED_MAX_FILE_BYTES;
    if ((unsigned long long)st.st_size > max) {
        snprintf(why, whycap, "larger than %zu bytes: split it", max);
        goto out;
    }
    size_t size = (size_t)st.st_size, n = 0;
    if (!feed_buf_room(f, size + 2)) { snprintf(why, whycap, "out of memory"); goto out; }
    for (;;) {
        if (n + 2 > f->bufcap && !feed_buf_room(f, f->bufcap * 2)) {
            snprintf(why, whycap, "out of memory");
            goto out;
        }
        ssize_t r = read(fd, f->buf + n, f->bufcap - 1 - n);
        if (r < 0) {
            if (errno == EINTR) continue;
            snprintf(why, whycap, "%s", strerror(errno));
            goto out;
        }
        if (r == 0) break;
        n += (size_t)r;
        if (n > max) {                 /* grew while we read it */
            snprintf(why, whycap, "larger than %zu bytes: split it", max);
            goto out;
        }
        if (n == size) break;          /* asked for more: this is the end */
    }
    f->buf[n] = 0;
    *len = n;
    res = f->buf;
out:
    close(fd);
    return res;
}

/* Loads one parsed feed document of any kind. */
static void load_doc(loadctx *c, jv root)
{
    if (jtype(c, root) == PAL_JSON_ARRAY) {
        unsigned i = 0;
        JFOR(c, r, root) {
            osv_record(c, r, i++);
            if (c->fatal) return;
        }
        return;
    }
    if (jstr_is(c, jget(c, root, "format"), "palisade-windows-feed")) { windows_feed(c, root); return; }
    jv rules = jget(c, root, "rules");
    if (rules != JNIL) { custom_rules(c, rules); return; }
    jv vulns = jget(c, root, "vulns");  /* OSV API's querybatch shape */
    if (jtype(c, vulns) == PAL_JSON_ARRAY) { load_doc(c, vulns); return; }
    if (jtype(c, root) == PAL_JSON_OBJECT && jget(c, root, "id") != JNIL &&
        (jget(c, root, "affected") != JNIL || jget(c, root, "modified") != JNIL)) {
        osv_record(c, root, 0);
        return;
    }
    WHERE(c, "(file)");
    PROBLEM(c, PAL_FEED_WARNING, "not a feed (an OSV record or array of them, {\"rules\": [...]} "
            "or a palisade-windows-feed): ignored");
}

/* Reads (fd, or path when fd < 0), parses and loads one file.  Returns
   false only on a fatal error. */
static bool load_file(pal_feeds *f, int fd, const char *path, pal_feed_report *rep, char *err,
                      size_t errcap)
{
    loadctx c = {.f = f, .rep = rep, .err = err, .errcap = errcap, .t = &f->tape};
    c.file = keep(f, path);
    if (!c.file) {
        if (fd >= 0) close(fd);
        pal_set_err(err, errcap, "%s: out of memory loading feeds", path);
        return false;
    }
    char why[160];
    size_t len = 0;
    if (fd < 0) fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    char *text = NULL;
    if (fd < 0) snprintf(why, sizeof why, "%s", strerror(errno));
    else text = read_feed_fd(f, fd, &len, why, sizeof why);
    if (!text) {
        WHERE(&c, "(file)");
        PROBLEM(&c, PAL_FEED_ERROR, "cannot read: %s%s", why,
                strstr(why, "larger") ? " (PAL_FEED_MAX_FILE_BYTES)" : "");
        return true;
    }
    f->bytes += len;
    if (f->bytes > PAL_FEED_MAX_TOTAL_BYTES) {
        pal_set_err(err, errcap, "%s: feeds add up to more than %llu bytes (PAL_FEED_MAX_TOTAL_BYTES)",
                path, (unsigned long long)PAL_FEED_MAX_TOTAL_BYTES);
        return false;
    }
    if (rep) rep->files++;
    f->files++;
    pal_json r;
    pal_json_opts jo = {.max_depth = PAL_FEED_MAX_JSON_DEPTH, .allow_bom = true};
    pal_json_init(&r, text, len, &jo);
    if (!pal_json_tape_read(&f->tape, &r) || !pal_json_end(&r)) {
        size_t at;
        pal_json_err e = pal_json_error(&r, &at);
        if (e == PAL_JSON_E_NOMEM) return oom(&c);
        unsigned line, col;
        pal_json_position(text, len, at, &line, &col);
        WHERE(&c, "line %u", line);
        PROBLEM(&c, PAL_FEED_ERROR, "not valid JSON at column %u: %s%s: file skipped", col,
                pal_json_strerror(e), e == PAL_JSON_E_DEPTH ? " (PAL_FEED_MAX_JSON_DEPTH)" : "");
        return true;
    }
    pal_arena_reset(&f->scratch);
    load_doc(&c, 0);
    return !c.fatal;
}

typedef struct dirent_name {
    char *name;
    unsigned char type;   /* d_type */
} dirent_name;

static int name_cmp(const void *a, const void *b)
{
    return strcmp(((const dirent_name *)a)->name, ((const dirent_name *)b)->name);
}

static bool ends_json(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && !strcasecmp(name + n - 5, ".json");
}

/* Walks dir in name order (so loads are reproducible).  Files are opened
   relative to the directory, and readdir's entry type saves a stat per
   name where the file system gives it. */
static bool load_dir(pal_feeds *f, const char *dir, unsigned depth, pal_feed_report *rep,
                     char *err, size_t errcap, bool top)
{
    if (depth > PAL_FEED_MAX_DEPTH) {
        pal_feed_report_add(rep, PAL_FEED_WARNING, dir, NULL, "nested deeper than %u directories "
                            "(PAL_FEED_MAX_DEPTH): not read", PAL_FEED_MAX_DEPTH);
        return true;
    }
    DIR *d = opendir(dir);
    if (!d) {
        if (top) {
            pal_set_err(err, errcap, "cannot read feed directory %s: %s", dir, strerror(errno));
            return false;
        }
        pal_feed_report_add(rep, PAL_FEED_ERROR, dir, NULL, "cannot read directory: %s", strerror(errno));
        return true;
    }
    dirent_name *names = NULL;
    size_t n = 0, cap = 0;
    bool ok = true;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;   /* ., .., hidden files (.git) */
        if (f->files + n >= PAL_FEED_MAX_FILES) {
            pal_set_err(err, errcap, "%s: more than %u feed files (PAL_FEED_MAX_FILES)", dir, PAL_FEED_MAX_FILES);
            ok = false;
            break;
        }
        if (!grow((void **)&names, &cap, n + 1, sizeof *names) || !(names[n].name = strdup(e->d_name))) {
            pal_set_err(err, errcap, "%s: out of memory", dir);
            ok = false;
            break;
        }
        names[n++].type = e->d_type;
    }
    if (ok && n > 1) qsort(names, n, sizeof *names, name_cmp);
    int dfd = dirfd(d);
    size_t dl = strlen(dir);
    char *path = NULL;
    size_t pathcap = 0;
    for (size_t i = 0; ok && i < n; i++) {
        size_t nl = strlen(names[i].name), pl = dl + nl + 2;
        if (pl > pathcap) {
            char *np = realloc(path, pl * 2);
            if (!np) { pal_set_err(err, errcap, "out of memory"); ok = false; break; }
            path = np;
            pathcap = pl * 2;
            memcpy(path, dir, dl);
        }
        size_t at = dl;
        if (!dl || dir[dl - 1] != '/') path[at++] = '/';
        memcpy(path + at, names[i].name, nl + 1);
        unsigned char type = names[i].type;
        bool json = ends_json(names[i].name);
        if (type == DT_UNKNOWN) {
            struct stat st;
            if (fstatat(dfd, names[i].name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                pal_feed_report_add(rep, PAL_FEED_ERROR, path, NULL, "cannot read: %s", strerror(errno));
                continue;
            }
            type = S_ISLNK(st.st_mode) ? DT_LNK : S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_FIFO;
        }
        if (type == DT_LNK) {
            /* not followed inside a feed directory: links to '.' would make
               the walk exponential; give the target itself with --feeds */
            pal_feed_report_add(rep, PAL_FEED_WARNING, path, NULL,
                                "a symbolic link: skipped (give its target to --feeds instead)");
        } else if (type == DT_DIR) {
            ok = load_dir(f, path, depth + 1, rep, err, errcap, false);
        } else if (type == DT_REG && json) {
            int fd = openat(dfd, names[i].name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
            if (fd < 0 && errno == ELOOP) {   /* became a link since readdir */
                pal_feed_report_add(rep, PAL_FEED_WARNING, path, NULL,
                                    "a symbolic link: skipped (give its target to --feeds instead)");
                continue;
            }
            if (fd < 0) {
                char why[160];
                snprintf(why, sizeof why, "%s", strerror(errno));
                pal_feed_report_add(rep, PAL_FEED_ERROR, path, "(file)", "cannot read: %s", why);
                continue;
            }
            ok = load_file(f, fd, path, rep, err, errcap);
        }
    }
    closedir(d);
    free(path);
    for (size_t i = 0; i < n; i++) free(names[i].name);
    free(names);
    return ok;
}

pal_feeds *pal_feeds_new(void)
{
    pal_feeds *f = calloc(1, sizeof *f);
    if (f) {
        pal_arena_init(&f->mem, 0);
        pal_arena_init(&f->scratch, 0);
        pal_json_tape_init(&f->tape, 0);
    }
    return f;
}

/* What only loading needs: dropped once a load is done. */
static void load_buffers_free(pal_feeds *f)
{
    pal_arena_free(&f->scratch);
    pal_json_tape_free(&f->tape);
    free(f->buf);
    f->buf = NULL;
    f->bufcap = 0;
}

void pal_feeds_free(pal_feeds *f)
{
    if (!f) return;
    load_buffers_free(f);
    pal_arena_free(&f->mem);
    free(f->recs);
    free(f->affs);
    free(f->wf);
    free(f->tab);
    free(f);
}

int pal_feeds_add(pal_feeds *f, const char *path, pal_feed_report *rep, char *err, size_t errcap)
{
    struct stat st;
    if (!path || stat(path, &st) < 0) {
        pal_set_err(err, errcap, "cannot read feeds %s: %s", path ? path : "(null)",
                path ? strerror(errno) : "no path");
        return -1;
    }
    bool ok = S_ISDIR(st.st_mode) ? load_dir(f, path, 0, rep, err, errcap, true)
                                  : load_file(f, -1, path, rep, err, errcap);
    load_buffers_free(f);
    if (ok && !S_ISDIR(st.st_mode) && rep && rep->files == 0 && rep->errors) {
        /* the only file given could not be read at all */
        pal_set_err(err, errcap, "cannot read feed file %s: %s", path,
                rep->nproblems ? rep->problems[rep->nproblems - 1].message : "unreadable");
        return -1;
    }
    return ok ? 0 : -1;
}

pal_feeds *pal_feeds_load(const char *path, pal_feed_report *rep, char *err, size_t errcap)
{
    pal_feeds *f = pal_feeds_new();
    if (!f) { pal_set_err(err, errcap, "out of memory"); return NULL; }
    if (pal_feeds_add(f, path, rep, err, errcap) < 0) {
        pal_feeds_free(f);
        return NULL;
    }
    return f;
}

void pal_feeds_stats_get(const pal_feeds *f, pal_feeds_stats *out)
{
    memset(out, 0, sizeof *out);
    if (f) *out = f->st;
}

/* ================================================================ matching */

typedef struct image_ctx {
    int distro;               /* D_* or -1 unknown */
    char release[32];         /* "" unknown */
    bool network, root;
    long today;
} image_ctx;

typedef struct matcher {
    const pal_feeds *f;
    const pal_vuln_opts *o;
    image_ctx img;
    pal_vuln_list *out;
    pal_arena *mem;
    size_t cap;
    bool failed;
    /* dedupe (id, package): a small open-addressing set of result indices */
    uint32_t *seen;
    size_t seencap;
} matcher;

static char *mdup(matcher *m, const char *s)
{
    if (!s) return NULL;
    char *p = pal_arena_strndup(m->mem, s, strlen(s));
    if (!p) m->failed = true;
    return p;
}

static void note(matcher *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(matcher *m, const char *fmt, ...)
{
    pal_vuln_list *l = m->out;
    if (l->nnotes >= PAL_VULN_MAX_NOTES) { l->notes_omitted++; return; }
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < l->nnotes; i++)
        if (!strcmp(l->notes[i], buf)) return;      /* once each */
    if (l->nnotes % 32 == 0) {
        char **nn = realloc(l->notes, (l->nnotes + 32) * sizeof *nn);
        if (!nn) { m->failed = true; return; }
        l->notes = nn;
    }
    char *s = mdup(m, buf);
    if (s) l->notes[l->nnotes++] = s;
}

static int cmpv(pal_ver_eco eco, const char *a, const char *b, int *r)
{
    return pal_ver_cmp(eco, a, strlen(a), b, strlen(b), r);
}

/* OSV evaluation of one range (events sorted by version): the version is
   affected when the last event it has passed is an `introduced`.  An
   introduced, fixed or limit event is passed at its version, a
   last_affected just after it.  *fixed gets the fix that ends the run the
   version is in (NULL when the run ends otherwise or never). */
static bool range_hit(pal_ver_eco eco, const range *r, const char *v, const char **fixed)
{
    bool affected = false;
    *fixed = NULL;
    for (uint32_t i = 0; i < r->n; i++) {
        const event *e = &r->ev[i];
        int c = 1;
        if (e->v) cmpv(eco, v, e->v, &c);        /* both validated: cannot fail */
        bool passed = e->kind == EV_LAST_AFFECTED ? c > 0 : c >= 0;
        if (!passed) {
            if (affected && e->kind == EV_FIXED) *fixed = e->v;
            return affected;
        }
        affected = e->kind == EV_INTRODUCED;
    }
    return affected;
}

/* Does aff a hold for version v of the package?  Sets *fixed: a version
   that is out of every range v is in (NULL if one of them has no fix).  -1
   when a comparison could not be made (custom "package" bounds that are
   not versions of the installed package's ecosystem). */
static int aff_hit(const aff *a, pal_ver_eco eco, const char *v, const char **fixed)
{
    *fixed = NULL;
    int r;
    if (a->custom) {
        if (a->min) { if (cmpv(eco, v, a->min, &r) < 0) return -1; if (r < 0) return 0; }
        if (a->max) { if (cmpv(eco, v, a->max, &r) < 0) return -1; if (r > 0) return 0; }
        if (a->fixed && cmpv(eco, a->fixed, v, &r) == 0 && r > 0) *fixed = a->fixed;
        return 1;
    }
    bool hit = false, unfixed = false;
    for (uint32_t i = 0; i < a->nranges; i++) {
        const char *fx;
        if (!range_hit(eco, &a->ranges[i], v, &fx)) continue;
        hit = true;
        if (!fx) unfixed = true;
        else if (!*fixed || (cmpv(eco, fx, *fixed, &r) == 0 && r > 0)) *fixed = fx;
    }
    for (uint32_t i = 0; !hit && i < a->nversions; i++)
        if (cmpv(eco, v, a->versions[i], &r) == 0 && r == 0) { hit = true; unfixed = true; }
    if (unfixed) *fixed = NULL;
    return hit;
}

static bool release_ok(const matcher *m, const aff *a)
{
    if (a->custom || a->distro == D_LANG) return true;
    const image_ctx *img = &m->img;
    if (img->distro >= 0) {
        if (a->distro != img->distro) return false;
        if (!a->release || !img->release[0]) return true;
        if (a->distro == D_ALPINE) {
            /* image "3.19.1" against feed "3.19" */
            size_t n = strlen(a->release);
            return !strncmp(img->release, a->release, n) &&
                   (img->release[n] == 0 || img->release[n] == '.');
        }
        if (a->distro == D_UBUNTU || a->distro == D_DEBIAN) return !strcmp(a->release, img->release);
        /* rpm distributions: "9" against "9.3", either way round */
        size_t n = strlen(a->release), k = strlen(img->release);
        const char *shorter = n < k ? a->release : img->release;
        const char *longer = n < k ? img->release : a->release;
        size_t sn = n < k ? n : k;
        return !strncmp(shorter, longer, sn) && (longer[sn] == 0 || longer[sn] == '.');
    }
    return true;
}

/* days since 1970 of "today" */
static long today_days(const char *today)
{
    long d;
    if (today && pal_date_days(today, &d) == 0) return d;
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[40];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return pal_date_days(buf, &d) == 0 ? d : 0;
}

static void risk_of(pal_vuln *v, const image_ctx *img)
{
    static const int sev_points[] = {15, 8, 18, 28, 38};
    pal_risk_factors *f = &v->factors;
    f->severity = v->cvss10 >= 0 ? (v->cvss10 * 4 + 5) / 10 : sev_points[v->severity];
    if (f->severity > 40) f->severity = 40;
    f->fix = v->fix_available ? 10 : 0;
    f->exploit = v->exploit ? 20 : 0;
    f->network = img->network ? 10 : 0;
    f->root = img->root ? 10 : 0;
    f->age = v->age_days > 0 ? (v->age_days / 36 > 10 ? 10 : v->age_days / 36) : 0;
    v->risk = f->severity + f->fix + f->exploit + f->network + f->root + f->age;
    if (v->risk > 100) v->risk = 100;
}

static uint32_t pair_hash(const char *id, const char *pkg)
{
    uint32_t h = fnv(0, id);
    for (; *pkg; pkg++) { h ^= (unsigned char)*pkg; h *= 16777619u; }
    return h;
}

/* Index of an existing result for (id, package), or NIL. */
static uint32_t seen_find(matcher *m, const char *id, const char *pkg, size_t *slot_out)
{
    if (!m->seencap) return NIL;
    size_t mask = m->seencap - 1;
    for (size_t i = pair_hash(id, pkg) & mask;; i = (i + 1) & mask) {
        uint32_t k = m->seen[i];
        if (k == NIL) { *slot_out = i; return NIL; }
        const pal_vuln *v = &m->out->items[k];
        if (!strcmp(v->id, id) && !strcmp(v->package, pkg)) return k;
    }
}

static bool seen_grow(matcher *m)
{
    size_t nc = m->seencap ? m->seencap * 2 : 256;
    uint32_t *ns = malloc(nc * sizeof *ns);
    if (!ns) return false;
    for (size_t i = 0; i < nc; i++) ns[i] = NIL;
    for (size_t k = 0; k < m->out->n; k++) {
        const pal_vuln *v = &m->out->items[k];
        size_t i = pair_hash(v->id, v->package) & (nc - 1);
        while (ns[i] != NIL) i = (i + 1) & (nc - 1);
        ns[i] = (uint32_t)k;
    }
    free(m->seen);
    m->seen = ns;
    m->seencap = nc;
    return true;
}

typedef struct hit {
    const vrec *r;
    const char *package, *source_package, *version, *ecosystem, *fixed, *kb, *feed_eco;
} hit;

static void add_hit(matcher *m, const hit *h)
{
    pal_vuln_list *l = m->out;
    if ((l->n + 1) * 2 > m->seencap && !seen_grow(m)) { m->failed = true; return; }
    size_t slot = 0;
    uint32_t k = seen_find(m, h->r->id, h->package, &slot);
    if (k != NIL) {
        /* the same vulnerability of the same package from another feed or
           release: keep the first, but take a fix it lacked */
        pal_vuln *v = &l->items[k];
        if (!v->fixed_version && h->fixed) {
            v->fixed_version = mdup(m, h->fixed);
            v->fix_available = true;
            v->kb = mdup(m, h->kb);
        }
        return;
    }
    if (l->n >= PAL_VULN_MAX_RESULTS) { l->omitted++; return; }
    if (l->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 64;
        pal_vuln *ni = realloc(l->items, nc * sizeof *ni);
        if (!ni) { m->failed = true; return; }
        l->items = ni;
        m->cap = nc;
    }
    pal_vuln *v = &l->items[l->n];
    memset(v, 0, sizeof *v);
    const vrec *r = h->r;
    v->id = mdup(m, r->id);
    v->aliases = mdup(m, r->aliases ? r->aliases : "");
    v->package = mdup(m, h->package);
    v->source_package = mdup(m, h->source_package);
    v->version = mdup(m, h->version);
    v->ecosystem = h->ecosystem;
    v->fixed_version = mdup(m, h->fixed);
    v->kb = mdup(m, h->kb);
    v->title = mdup(m, r->title ? r->title : "");
    v->published = mdup(m, r->published);
    v->source = mdup(m, r->source);
    v->feed_ecosystem = mdup(m, h->feed_eco);
    v->severity = (pal_vuln_severity)r->severity;
    v->cvss10 = r->cvss10;
    v->exploit = r->exploit;
    v->fix_available = h->fixed != NULL;
    long pd;
    v->age_days = r->published && pal_date_days(r->published, &pd) == 0
                      ? (m->img.today > pd ? (int)(m->img.today - pd) : 0) : -1;
    if (m->failed) return;
    m->seen[slot] = (uint32_t)l->n;
    l->n++;
}

/* An advisory (DSA-, DLA-, USN-, ...) whose every CVE also matched on its
   own for the same package says nothing new: it is dropped, so a whole
   distribution dump (advisories beside per-CVE records, as OSV's Debian
   and Ubuntu exports are) reports each CVE once. */
static void drop_covered_advisories(matcher *m)
{
    pal_vuln_list *l = m->out;
    /* Two passes: m->seen holds indices into the list as it is, so nothing
       may move until every advisory has been looked up. */
    bool *drop = calloc(l->n ? l->n : 1, sizeof *drop);
    if (!drop) return;   /* keeping a duplicate is safe; losing one is not */
    for (size_t i = 0; i < l->n; i++) {
        pal_vuln *v = &l->items[i];
        bool covered = false;
        if (strncmp(v->id, "CVE-", 4) && v->aliases && *v->aliases) {
            int ncve = 0;
            bool all = true;
            for (const char *p = v->aliases; *p;) {
                size_t k = strcspn(p, ",");
                if (k > 4 && k < 80 && !strncmp(p, "CVE-", 4)) {
                    char id[80];
                    memcpy(id, p, k);
                    id[k] = 0;
                    size_t slot;
                    ncve++;
                    if (seen_find(m, id, v->package, &slot) == NIL) all = false;
                }
                p += k + (p[k] == ',');
            }
            covered = ncve > 0 && all;
        }
        drop[i] = covered;
    }
    size_t w = 0;
    for (size_t i = 0; i < l->n; i++)
        if (!drop[i]) l->items[w++] = l->items[i];
    l->n = w;
    free(drop);
}

static void match_chain(matcher *m, uint32_t head, bool osv, const char *pkg, const char *src,
                        const char *ver, pal_ver_eco eco, const char *eco_name)
{
    const pal_feeds *f = m->f;
    for (uint32_t i = head; i != NIL; i = f->affs[i].next) {
        const aff *a = &f->affs[i];
        if (a->custom == osv) continue;
        if (a->eco && a->eco != eco) continue;
        if (!release_ok(m, a)) continue;
        const char *fixed;
        int r = aff_hit(a, eco, ver, &fixed);
        if (r < 0) {
            note(m, "%s rule %s for %s: its versions are not %s versions; not matched against %s %s",
                 f->recs[a->rec].source, f->recs[a->rec].id, pkg, eco_name, pkg, ver);
            continue;
        }
        if (!r) continue;
        hit h = {&f->recs[a->rec], pkg, src, ver, eco_name, fixed, NULL, a->feed_eco};
        add_hit(m, &h);
        if (m->failed) return;
    }
}

static void match_package(matcher *m, const cJSON *p)
{
    const char *name = str_of(p, "name"), *ver = str_of(p, "version");
    const char *src = str_of(p, "source"), *srcver = str_of(p, "source_version");
    const char *ecos = str_of(p, "ecosystem");
    if (!name || !ver || !ecos) return;
    static const struct { const char *name; int kind; } kinds[] = {
        {"dpkg", K_DPKG}, {"apk", K_APK}, {"rpm", K_RPM}, {"npm", K_NPM}, {"pypi", K_PYPI},
        {"go", K_GO}, {"maven", K_MAVEN}, {"rubygems", K_GEM}, {"cargo", K_CARGO},
    };
    int kind = K_NONE;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        if (!strcmp(ecos, kinds[k].name)) kind = kinds[k].kind;
    if (kind == K_NONE) {
        note(m, "packages of ecosystem '%s' are not matched", ecos);
        return;
    }
    if (kind == K_RPM && m->img.distro == D_NO_OSV)
        note(m, "OSV publishes no advisories for this rpm distribution: its rpm packages are matched "
                "against custom feeds only");
    if (kind >= K_NPM || kind == K_RPM) {
        /* OSV names binary rpms and language packages by their own name
           (Maven as group:artifact, PyPI normalised) */
        pal_ver_eco leco = eco_of_kind(kind);
        const char *why = pal_ver_error(leco, ver, strlen(ver));
        if (why) {
            note(m, "package %s: installed version '%s' is not a valid %s version (%s): not matched",
                 name, ver, ecos, why);
            return;
        }
        char key[PAL_FEED_MAX_STRING + 1];
        const char *lname = name;
        const char *group = str_of(p, "group");
        if (kind == K_MAVEN && group && *group) { snprintf(key, sizeof key, "%s:%s", group, name); lname = key; }
        if (kind == K_PYPI) lname = pypi_name(name, key, sizeof key);
        if (kind == K_RPM && m->img.distro != D_NO_OSV)
            match_chain(m, index_head(m->f, (uint8_t)kind, name), true, name, NULL, ver, leco, ecos);
        if (kind != K_RPM)
            match_chain(m, index_head(m->f, (uint8_t)kind, lname), true, name, NULL, ver, leco, ecos);
        match_chain(m, index_head(m->f, (uint8_t)kind, name), false, name, NULL, ver, leco, ecos);
        if (kind == K_RPM) {
            match_chain(m, index_head(m->f, K_ANY, name), false, name, NULL, ver, leco, ecos);
            if (src && *src && strcmp(src, name)) {
                match_chain(m, index_head(m->f, (uint8_t)kind, src), false, name, src, ver, leco, ecos);
                match_chain(m, index_head(m->f, K_ANY, src), false, name, src, ver, leco, ecos);
            }
        }
        return;
    }
    pal_ver_eco eco = eco_of_kind(kind);
    if (!src || !*src) src = name;
    if (!srcver || !*srcver) srcver = ver;
    const char *why = pal_ver_error(eco, ver, strlen(ver));
    if (why) {
        note(m, "package %s: installed version '%s' is not a valid %s version (%s): not matched",
             name, ver, ecos, why);
        return;
    }
    bool src_ok = !pal_ver_error(eco, srcver, strlen(srcver));
    if (!src_ok)
        note(m, "package %s: source version '%s' is not a valid %s version: matched by its own version",
             name, srcver, ecos);
    const char *osv_ver = src_ok ? srcver : ver;
    /* OSV entries: by source package */
    match_chain(m, index_head(m->f, (uint8_t)kind, src), true, name, src, osv_ver, eco, ecos);
    /* custom rules: by binary name, then by source name */
    match_chain(m, index_head(m->f, (uint8_t)kind, name), false, name, NULL, ver, eco, ecos);
    match_chain(m, index_head(m->f, K_ANY, name), false, name, NULL, ver, eco, ecos);
    if (strcmp(src, name)) {
        match_chain(m, index_head(m->f, (uint8_t)kind, src), false, name, src, osv_ver, eco, ecos);
        match_chain(m, index_head(m->f, K_ANY, src), false, name, src, osv_ver, eco, ecos);
    }
}

static void match_windows(matcher *m, const cJSON *w)
{
    const pal_feeds *f = m->f;
    if (!f->nwf) return;
    const char *version = str_of(w, "version");
    uint32_t img[4];
    if (!win_build(version, img)) {
        note(m, "the Windows build of the image is unknown: not matched against the Windows feed");
        return;
    }
    /* the fixes of this build line, once */
    uint32_t *line = malloc((f->nwf ? f->nwf : 1) * sizeof *line);
    if (!line) { m->failed = true; return; }
    size_t nline = 0;
    for (size_t i = 0; i < f->nwf; i++)
        if (!memcmp(f->wf[i].line, img, sizeof f->wf[i].line)) line[nline++] = (uint32_t)i;
    /* effective revision: the image's UBR, raised by every installed KB
       the feed knows as a fix for this build line */
    uint32_t eff = img[3];
    const cJSON *kbs = cJSON_GetObjectItemCaseSensitive(w, "kbs");
    const cJSON *kb;
    cJSON_ArrayForEach(kb, kbs) {
        char k[24];
        if (!cJSON_IsString(kb) || !norm_kb(kb->valuestring, k)) continue;
        for (size_t i = 0; i < nline; i++) {
            const wfix *x = &f->wf[line[i]];
            if (x->kb && x->ubr > eff && !strcmp(x->kb, k)) eff = x->ubr;
        }
    }
    for (size_t i = 0; i < nline && !m->failed; i++) {
        const wfix *x = &f->wf[line[i]];
        if (eff >= x->ubr) continue;
        hit h = {&f->recs[x->rec], "windows", NULL, version, "windows", x->fixed, x->kb, "windows"};
        add_hit(m, &h);
    }
    free(line);
    if (!nline)
        note(m, "the Windows feed has no fixes for build line %u.%u.%u: not matched",
             img[0], img[1], img[2]);
}

static void match_files(matcher *m, const cJSON *files)
{
    if (!m->f->st.md5_rules) return;
    bool hashed = false;
    const cJSON *file;
    cJSON_ArrayForEach(file, files) {
        const char *md5 = str_of(file, "md5");
        if (!md5 || strlen(md5) != 32) continue;
        hashed = true;
        char key[33];
        for (int k = 0; k < 32; k++) key[k] = (char)tolower((unsigned char)md5[k]);
        key[32] = 0;
        uint32_t head = index_head(m->f, K_MD5, key);
        const char *path = str_of(file, "path");
        for (uint32_t i = head; i != NIL && !m->failed; i = m->f->affs[i].next) {
            hit h = {&m->f->recs[m->f->affs[i].rec], path ? path : "?", NULL, key, "md5", NULL, NULL, "md5"};
            add_hit(m, &h);
        }
    }
    if (!hashed)
        note(m, "md5 rules were not matched: the inventory has no file hashes (read it with hashes on)");
}

/* ---------------------------------------------------------------- image facts */

static int distro_by_id(const char *id)
{
    if (!*id) return -1;
    for (size_t k = 0; k < NDISTROS; k++)
        if (!strcmp(distros[k].os_id, id)) return distros[k].distro;
    if (!strcmp(id, "rocky") || !strcmp(id, "centos")) return D_ROCKY;
    if (!strncmp(id, "opensuse", 8)) return D_OPENSUSE;
    if (!strcmp(id, "fedora") || !strcmp(id, "amzn") || !strcmp(id, "ol") || !strcmp(id, "mariner") ||
        !strcmp(id, "azurelinux"))
        return D_NO_OSV;
    if (!strcmp(id, "sles") || !strcmp(id, "suse")) return D_SUSE;
    return -1;
}

static void set_distro(image_ctx *img, const char *spec)
{
    char id[32];
    size_t n = strcspn(spec, ":");
    if (n >= sizeof id) n = sizeof id - 1;
    for (size_t i = 0; i < n; i++) id[i] = (char)tolower((unsigned char)spec[i]);
    id[n] = 0;
    img->distro = distro_by_id(id);
    img->release[0] = 0;
    if (spec[n] == ':') snprintf(img->release, sizeof img->release, "%s", spec + n + 1 + (spec[n + 1] == 'v'));
}

/* ID= and VERSION_ID= of an os-release body. */
static bool from_os_release(image_ctx *img, const char *body)
{
    char id[32] = "", ver[32] = "";
    for (const char *p = body; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *dst = NULL;
        size_t skip = 0;
        if (len > 3 && !strncmp(p, "ID=", 3)) { dst = id; skip = 3; }
        else if (len > 11 && !strncmp(p, "VERSION_ID=", 11)) { dst = ver; skip = 11; }
        if (dst) {
            const char *v = p + skip;
            size_t vl = len - skip;
            if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) { v++; vl -= 2; }
            if (vl >= 32) vl = 31;
            memcpy(dst, v, vl);
            dst[vl] = 0;
        }
        p = nl ? nl + 1 : NULL;
    }
    if (!id[0]) return false;
    char spec[80];
    snprintf(spec, sizeof spec, "%s%s%s", id, ver[0] ? ":" : "", ver);
    set_distro(img, spec);
    return img->distro >= 0;
}

/* The distribution: os-release content when the inventory has it, else
   what the base packages say (Debian's base-files version is the release,
   "12.4+deb12u5"; Ubuntu's says "ubuntu"; alpine-release is Alpine's). */
static void detect_distro(image_ctx *img, const cJSON *inv)
{
    /* image.distro: os-release as the inventory read it (scan, feed match
       and an inventory file all carry it the same way) */
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(inv, "image"), "distro");
    const char *did = str_of(d, "id");
    if (did && *did) {
        char spec[96];
        const char *vid = str_of(d, "version_id");
        snprintf(spec, sizeof spec, "%.40s%s%.40s", did, vid && *vid ? ":" : "", vid && *vid ? vid : "");
        set_distro(img, spec);
        if (img->distro >= 0) return;
    }
    const cJSON *file;
    cJSON_ArrayForEach(file, cJSON_GetObjectItemCaseSensitive(inv, "files")) {
        const char *path = str_of(file, "path");
        if (!path || (strcmp(path, "/etc/os-release") && strcmp(path, "/usr/lib/os-release"))) continue;
        const char *body = str_of(file, "content");
        if (body && from_os_release(img, body)) return;
    }
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(inv, "packages")) {
        const char *name = str_of(p, "name"), *ver = str_of(p, "version");
        if (!name || !ver) continue;
        if (!strcmp(name, "base-files") && !strcmp(str_of(p, "ecosystem") ? str_of(p, "ecosystem") : "", "dpkg")) {
            if (strstr(ver, "ubuntu")) { img->distro = D_UBUNTU; img->release[0] = 0; return; }
            size_t n = strspn(ver, "0123456789");
            img->distro = D_DEBIAN;
            if (n && n < 4 && (ver[n] == '.' || ver[n] == '+' || !ver[n])) {
                memcpy(img->release, ver, n);
                img->release[n] = 0;
            }
            return;
        }
        if (!strcmp(name, "alpine-release")) {
            img->distro = D_ALPINE;
            size_t n = strspn(ver, "0123456789.");
            /* "3.19.1-r0" -> "3.19" */
            const char *dot = memchr(ver, '.', n);
            const char *dot2 = dot ? memchr(dot + 1, '.', n - (size_t)(dot + 1 - ver)) : NULL;
            size_t keepn = dot2 ? (size_t)(dot2 - ver) : n;
            if (keepn < sizeof img->release) { memcpy(img->release, ver, keepn); img->release[keepn] = 0; }
            return;
        }
    }
}

static bool runs_as_root(const cJSON *inv)
{
    const cJSON *img = cJSON_GetObjectItemCaseSensitive(inv, "image");
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(img, "config");
    const char *user = str_of(cfg, "user");
    if (!user || !*user) return true;
    size_t n = strcspn(user, ":");
    return (n == 4 && !strncmp(user, "root", 4)) || (n == 1 && user[0] == '0') ||
           !strcasecmp(user, "ContainerAdministrator");
}

static bool exposes_ports(const cJSON *inv)
{
    const cJSON *img = cJSON_GetObjectItemCaseSensitive(inv, "image");
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(img, "config");
    return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(cfg, "exposed_ports")) > 0;
}

/* ---------------------------------------------------------------- the list */

const char *pal_vuln_status_name(pal_vuln_status s)
{
    switch (s) {
    case PAL_VST_OPEN: return "open";
    case PAL_VST_ALLOWED: return "allowed";
    case PAL_VST_GRACE: return "grace";
    case PAL_VST_BELOW: return "below-threshold";
    }
    return "open";
}

static int vuln_order(const void *pa, const void *pb)
{
    const pal_vuln *a = pa, *b = pb;
    if (a->risk != b->risk) return a->risk > b->risk ? -1 : 1;
    int r = strcmp(a->id, b->id);
    return r ? r : strcmp(a->package, b->package);
}

void pal_vuln_list_free(pal_vuln_list *l)
{
    if (!l) return;
    if (l->mem) {
        pal_arena_free(l->mem);
        free(l->mem);
    }
    free(l->items);
    free(l->notes);
    memset(l, 0, sizeof *l);
}

int pal_vuln_match(const pal_feeds *f, const cJSON *inv, const pal_vuln_opts *o,
                   pal_vuln_list *out, char *err, size_t errcap)
{
    memset(out, 0, sizeof *out);
    pal_vuln_opts defaults = {0};
    if (!o) o = &defaults;
    pal_arena *mem = malloc(sizeof *mem);
    if (!mem) { pal_set_err(err, errcap, "out of memory matching vulnerabilities"); return -1; }
    pal_arena_init(mem, 0);
    out->mem = mem;
    matcher m = {.f = f, .o = o, .out = out, .mem = mem};
    m.img.distro = -1;
    m.img.today = today_days(o->today);
    m.img.network = exposes_ports(inv);
    m.img.root = runs_as_root(inv);
    if (o->distro && *o->distro) {
        set_distro(&m.img, o->distro);
        if (m.img.distro < 0)
            note(&m, "distribution '%s' is not one palisade knows: every release matched", o->distro);
    } else {
        detect_distro(&m.img, inv);
    }
    if (f) {
        const cJSON *pkgs = cJSON_GetObjectItemCaseSensitive(inv, "packages");
        if (m.img.distro < 0 && cJSON_GetArraySize(pkgs) > 0 && f->naffs)
            note(&m, "the image's distribution is unknown: its packages were matched against every "
                     "distribution and release of their package format");
        else if (m.img.distro >= 0 && !m.img.release[0] && cJSON_GetArraySize(pkgs) > 0)
            note(&m, "the image's distribution release is unknown: matched against every release");
        const cJSON *p;
        cJSON_ArrayForEach(p, pkgs) {
            match_package(&m, p);
            if (m.failed) break;
        }
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(inv, "windows");
        if (w && !m.failed) match_windows(&m, w);
        if (!m.failed) match_files(&m, cJSON_GetObjectItemCaseSensitive(inv, "files"));
    }
    if (!m.failed) drop_covered_advisories(&m);
    free(m.seen);
    if (m.failed) {
        pal_vuln_list_free(out);
        pal_set_err(err, errcap, "out of memory matching vulnerabilities");
        return -1;
    }
    /* status, risk, filters */
    size_t w = 0;
    for (size_t i = 0; i < out->n; i++) {
        pal_vuln *v = &out->items[i];
        risk_of(v, &m.img);
        v->status = PAL_VST_OPEN;
        bool below = (o->min_severity > PAL_VSEV_UNKNOWN && v->severity != PAL_VSEV_UNKNOWN &&
                      v->severity < o->min_severity) ||
                     (o->only_fixed && !v->fix_available);
        const pal_allow_entry *ae = o->allow
            ? pal_allowlist_find(o->allow, v->id, v->aliases, v->package, v->source_package) : NULL;
        if (ae) {
            v->allow_reason = ae->reason;
            v->allow_expires = ae->expires;
            v->allow_expired = ae->expired;
        }
        int grace = (unsigned)v->severity < 5 ? o->grace_days[v->severity] : 0;
        if (below) v->status = PAL_VST_BELOW;
        else if (ae && !ae->expired) v->status = PAL_VST_ALLOWED;
        else if (grace > 0 && v->age_days >= 0 && v->age_days < grace) v->status = PAL_VST_GRACE;
        if (v->status == PAL_VST_BELOW && !o->keep_filtered) continue;
        if (v->status == PAL_VST_OPEN) out->counts[v->severity]++;
        out->items[w++] = *v;
    }
    out->n = w;
    if (out->n > 1) qsort(out->items, out->n, sizeof *out->items, vuln_order);
    return 0;
}

/* ---------------------------------------------------------------- JSON */

static void add_str(cJSON *o, const char *k, const char *v)
{
    if (v) cJSON_AddStringToObject(o, k, v);
}

cJSON *pal_vuln_json(const pal_vuln *v)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    add_str(o, "id", v->id);
    if (v->aliases && *v->aliases) add_str(o, "aliases", v->aliases);
    add_str(o, "package", v->package);
    add_str(o, "source_package", v->source_package);
    add_str(o, "version", v->version);
    add_str(o, "ecosystem", v->ecosystem);
    add_str(o, "feed_ecosystem", v->feed_ecosystem);
    add_str(o, "fixed_version", v->fixed_version);
    cJSON_AddBoolToObject(o, "fix_available", v->fix_available);
    add_str(o, "severity", pal_vuln_severity_name(v->severity));
    if (v->cvss10 >= 0) cJSON_AddNumberToObject(o, "cvss", v->cvss10);
    add_str(o, "published", v->published);
    if (v->age_days >= 0) cJSON_AddNumberToObject(o, "age_days", v->age_days);
    cJSON_AddBoolToObject(o, "exploit", v->exploit);
    add_str(o, "kb", v->kb);
    cJSON_AddNumberToObject(o, "risk", v->risk);
    cJSON *rf = cJSON_AddObjectToObject(o, "risk_factors");
    if (rf) {
        cJSON_AddNumberToObject(rf, "severity", v->factors.severity);
        cJSON_AddNumberToObject(rf, "fix", v->factors.fix);
        cJSON_AddNumberToObject(rf, "exploit", v->factors.exploit);
        cJSON_AddNumberToObject(rf, "network", v->factors.network);
        cJSON_AddNumberToObject(rf, "root", v->factors.root);
        cJSON_AddNumberToObject(rf, "age", v->factors.age);
    }
    add_str(o, "status", pal_vuln_status_name(v->status));
    if (v->allow_reason) add_str(o, "allow_reason", v->allow_reason);
    if (v->allow_expires) add_str(o, "allow_expires", v->allow_expires);
    if (v->allow_reason || v->allow_expires) cJSON_AddBoolToObject(o, "allow_expired", v->allow_expired);
    add_str(o, "source", v->source);
    add_str(o, "title", v->title);
    return o;
}

int pal_vuln_to_json(const pal_vuln_list *l, cJSON *inv)
{
    cJSON *arr = cJSON_CreateArray();
    if (!arr) return -1;
    for (size_t i = 0; i < l->n; i++) {
        cJSON *o = pal_vuln_json(&l->items[i]);
        if (!o) { cJSON_Delete(arr); return -1; }
        cJSON_AddItemToArray(arr, o);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(inv, "vulnerabilities");
    cJSON_AddItemToObject(inv, "vulnerabilities", arr);
    return 0;
}

