/*
 * test_vuln.c — vulnerability feeds, matching and risk (engine/vuln/vuln.h).
 *
 * Feeds are written into a temporary directory as the files users keep:
 * OSV records (one per file and arrays), a custom rules file, a Windows feed
 * converted from the sample MSRC CVRF documents under
 * tests/e2e/data/feeds/msrc/, broken files beside them.  Inventories are
 * built as the cJSON trees pal_inventory_read returns.
 */
#include "unit.h"
#include "engine/vuln/vuln.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *slash = strrchr(path, '/');
    if (slash && strchr(name, '/')) { *slash = 0; mkdir(path, 0755); *slash = '/'; }
    FILE *f = fopen(path, "w");
    if (!f) { perror(path); exit(2); }
    fputs(text, f);
    fclose(f);
}

static char *path_of(const char *name)
{
    static char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

/* ---------------------------------------------------------------- inventories */

static cJSON *inventory(const char *user, bool ports)
{
    cJSON *inv = cJSON_CreateObject();
    cJSON *img = cJSON_AddObjectToObject(inv, "image");
    cJSON *cfg = cJSON_AddObjectToObject(img, "config");
    cJSON_AddStringToObject(cfg, "user", user);
    cJSON *p = cJSON_AddArrayToObject(cfg, "exposed_ports");
    if (ports) cJSON_AddItemToArray(p, cJSON_CreateString("80/tcp"));
    cJSON_AddArrayToObject(inv, "packages");
    cJSON_AddArrayToObject(inv, "files");
    return inv;
}

static void add_pkg(cJSON *inv, const char *eco, const char *name, const char *ver,
                    const char *src, const char *srcver)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddStringToObject(o, "version", ver);
    cJSON_AddStringToObject(o, "source", src ? src : name);
    cJSON_AddStringToObject(o, "source_version", srcver ? srcver : ver);
    cJSON_AddStringToObject(o, "ecosystem", eco);
    cJSON_AddItemToArray(cJSON_GetObjectItem(inv, "packages"), o);
}

static void add_file(cJSON *inv, const char *path, const char *md5, const char *content)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "path", path);
    if (md5) cJSON_AddStringToObject(o, "md5", md5);
    if (content) cJSON_AddStringToObject(o, "content", content);
    cJSON_AddItemToArray(cJSON_GetObjectItem(inv, "files"), o);
}

static void set_windows(cJSON *inv, const char *version, const char *const *kbs)
{
    cJSON_DeleteItemFromObject(inv, "windows");
    cJSON *w = cJSON_AddObjectToObject(inv, "windows");
    cJSON_AddStringToObject(w, "version", version);
    cJSON *k = cJSON_AddArrayToObject(w, "kbs");
    for (; kbs && *kbs; kbs++) cJSON_AddItemToArray(k, cJSON_CreateString(*kbs));
}

static const pal_vuln *find(const pal_vuln_list *l, const char *id, const char *pkg)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->items[i].id, id) && !strcmp(l->items[i].package, pkg)) return &l->items[i];
    return NULL;
}

static bool has_problem(const pal_feed_report *r, pal_feed_level lv, const char *file_part,
                        const char *where_part, const char *msg_part)
{
    for (unsigned i = 0; i < r->nproblems; i++) {
        const pal_feed_problem *p = &r->problems[i];
        if (p->level == lv && strstr(p->file, file_part) && strstr(p->where, where_part) &&
            strstr(p->message, msg_part))
            return true;
    }
    fprintf(stderr, "no problem {%s, %s, %s}; have:\n", file_part, where_part, msg_part);
    for (unsigned i = 0; i < r->nproblems; i++)
        fprintf(stderr, "  %d %s | %s | %s\n", r->problems[i].level, r->problems[i].file,
                r->problems[i].where, r->problems[i].message);
    return false;
}

static bool has_note(const pal_vuln_list *l, const char *part)
{
    for (size_t i = 0; i < l->nnotes; i++)
        if (strstr(l->notes[i], part)) return true;
    fprintf(stderr, "no note with '%s'; have:\n", part);
    for (size_t i = 0; i < l->nnotes; i++) fprintf(stderr, "  %s\n", l->notes[i]);
    return false;
}

/* Matches inv and returns the list (the caller frees). */
static pal_vuln_list match(const pal_feeds *f, const cJSON *inv, const pal_vuln_opts *o)
{
    pal_vuln_list l;
    char err[256] = "";
    int rc = pal_vuln_match(f, inv, o, &l, err, sizeof err);
    CHECK_INT(rc, 0);
    if (rc) fprintf(stderr, "match: %s\n", err);
    return l;
}

/* ---------------------------------------------------------------- helpers */

static void test_cvss_and_dates(void)
{
    CHECK_INT(pal_cvss3_score10("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 98);
    CHECK_INT(pal_cvss3_score10("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"), 78);
    CHECK_INT(pal_cvss3_score10("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"), 100);
    CHECK_INT(pal_cvss3_score10("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N"), 64);
    CHECK_INT(pal_cvss3_score10("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"), 75);
    CHECK_INT(pal_cvss3_score10("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"), 55);
    CHECK_INT(pal_cvss3_score10("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H"), 90);
    CHECK_INT(pal_cvss3_score10("CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H"), 83);
    CHECK_INT(pal_cvss3_score10("CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N"), 31);
    CHECK_INT(pal_cvss3_score10("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"), 0);
    /* temporal metrics are ignored; incomplete or repeated base metrics are not a score */
    CHECK_INT(pal_cvss3_score10("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C"), 78);
    CHECK_INT(pal_cvss3_score10("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"), -1);
    CHECK_INT(pal_cvss3_score10("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), -1);
    CHECK_INT(pal_cvss3_score10("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P"), -1);
    CHECK_INT(pal_cvss3_score10("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), -1);

    long d1 = -1, d2 = -1;
    CHECK_INT(pal_date_days("1970-01-01", &d1), 0);
    CHECK_INT(d1, 0);
    CHECK_INT(pal_date_days("2024-02-29T10:00:00Z", &d1), 0);
    CHECK_INT(pal_date_days("2024-03-01", &d2), 0);
    CHECK_INT(d2 - d1, 1);
    CHECK_INT(pal_date_days("2000-03-01", &d2), 0);
    CHECK_INT(pal_date_days("2000-02-28", &d1), 0);
    CHECK_INT(d2 - d1, 2);                         /* 2000 is a leap year */
    CHECK_INT(pal_date_days("2023-02-29", &d1), -1);
    CHECK_INT(pal_date_days("2024-13-01", &d1), -1);
    CHECK_INT(pal_date_days("2024-1-01", &d1), -1);
    CHECK_INT(pal_date_days("2024-01-01x", &d1), -1);

    CHECK_INT(pal_vuln_severity_from_name("Important"), PAL_VSEV_HIGH);
    CHECK_INT(pal_vuln_severity_from_name("moderate"), PAL_VSEV_MEDIUM);
    CHECK_INT(pal_vuln_severity_from_name("unimportant"), PAL_VSEV_LOW);
    CHECK_INT(pal_vuln_severity_from_name("bogus"), -1);
    CHECK_STR(pal_vuln_severity_name(PAL_VSEV_CRITICAL), "critical");
}

/* ---------------------------------------------------------------- OSV */

#define RANGE(...) "{\"type\":\"ECOSYSTEM\",\"events\":[" __VA_ARGS__ "]}"
#define OSV(id, extra, eco, pkg, ranges) \
    "{\"id\":\"" id "\",\"modified\":\"2024-06-01T00:00:00Z\"," extra \
    "\"affected\":[{\"package\":{\"ecosystem\":\"" eco "\",\"name\":\"" pkg "\"},\"ranges\":[" ranges "]}]}"

static void write_osv_feeds(void)
{
    write_file("osv/CVE-2024-0001.json",
               OSV("CVE-2024-0001", "\"summary\":\"alpha overflow\\nmore details\",\"published\":\"2024-01-01T00:00:00Z\","
                   "\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}],"
                   "\"database_specific\":{\"exploit_known\":true},",
                   "Debian:12", "alpha", RANGE("{\"introduced\":\"0\"},{\"fixed\":\"1.2-1\"}")));
    /* several records in one file (an export) */
    write_file("osv/more.json", "["
        OSV("CVE-2024-0002", "", "Debian:12", "beta", RANGE("{\"introduced\":\"1.0\"},{\"last_affected\":\"1.5\"}")) ","
        OSV("CVE-2024-0003", "\"database_specific\":{\"severity\":\"high\"},", "Debian:12", "gamma",
            RANGE("{\"introduced\":\"1.0\"},{\"fixed\":\"1.1\"}") "," RANGE("{\"introduced\":\"2.0\"},{\"fixed\":\"2.1\"}")) ","
        /* events out of order: sorted when loaded */
        OSV("CVE-2024-0004", "", "Debian:12", "delta",
            RANGE("{\"fixed\":\"2.5\"},{\"introduced\":\"2.0\"},{\"introduced\":\"0\"},{\"fixed\":\"1.0\"}")) ","
        "{\"id\":\"CVE-2024-0005\",\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"epsilon\"},"
        "\"versions\":[\"3.0-1\",\"3.0-2\"]}]},"
        /* a DSA naming one CVE: reported under the CVE; one entry per release */
        "{\"id\":\"DSA-5000-1\",\"aliases\":[\"CVE-2024-0006\"],\"affected\":["
        "{\"package\":{\"ecosystem\":\"Debian:11\",\"name\":\"zeta\"},\"ranges\":[" RANGE("{\"introduced\":\"0\"},{\"fixed\":\"5.0\"}") "]},"
        "{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"zeta\"},\"ranges\":[" RANGE("{\"introduced\":\"0\"}") "]}]},"
        OSV("UBUNTU-CVE-2024-0007", "\"upstream\":[\"CVE-2024-0007\"],\"severity\":[{\"type\":\"Ubuntu\",\"score\":\"medium\"}],",
            "Ubuntu:22.04:LTS", "alpha", RANGE("{\"introduced\":\"0\"},{\"fixed\":\"9.9\"}")) ","
        /* overlapping ranges, one without a fix: no fix can be named */
        OSV("CVE-2024-0008", "", "Debian:12", "iota",
            RANGE("{\"introduced\":\"0\"},{\"fixed\":\"2.0\"}") "," RANGE("{\"introduced\":\"1.0\"}")) ","
        OSV("CVE-2024-0009", "", "Alpine:v3.19", "kappa", RANGE("{\"introduced\":\"0\"},{\"fixed\":\"1.2.3-r1\"}"))
        "]");
    /* bad records beside good ones */
    write_file("osv/bad.json", "["
        "{\"summary\":\"no id\"},"
        OSV("PYSEC-2024-1", "", "NuGet", "requests", RANGE("{\"introduced\":\"0\"},{\"fixed\":\"2.0\"}")) ","
        OSV("CVE-2024-0010", "", "Debian:12", "eta", RANGE("{\"introduced\":\"0\"},{\"fixed\":\"1.0 beta\"}")) ","
        OSV("CVE-2024-0011", "", "Debian:12", "theta", RANGE("{\"introduced\":\"0\"},{\"fixed\":\"2.0\"}")) ","
        OSV("CVE-2024-0012", "", "Debian:12", "lambda", "{\"type\":\"GIT\",\"repo\":\"x\",\"events\":[{\"introduced\":\"abc\"}]}") ","
        OSV("CVE-2024-0013", "", "Alpine:v3.19", "mu", RANGE("{\"introduced\":\"0\"},{\"fixed\":\"v1.0\"}")) ","
        OSV("CVE-2024-0014", "", "Debian:12", "nu", RANGE("{\"introduced\":\"0\",\"fixed\":\"1\"}")) ","
        "{\"id\":\"CVE-2024-0015\",\"withdrawn\":\"2024-02-01T00:00:00Z\",\"affected\":[]}"
        "]");
    write_file("osv/broken.json", "[\n  {\"id\": \"CVE-2024-0099\",\n   \"affected\": [\n");
    write_file("osv/other.json", "{\"hello\": \"world\"}");
    write_file("osv/README.txt", "not a feed");
}

static void test_osv(void)
{
    write_osv_feeds();
    pal_feed_report rep;
    pal_feed_report_init(&rep);
    char err[512] = "";
    pal_feeds *f = pal_feeds_load(path_of("osv"), &rep, err, sizeof err);
    CHECK(f != NULL);
    if (!f) { fprintf(stderr, "load: %s\n", err); return; }
    pal_feeds_stats st;
    pal_feeds_stats_get(f, &st);
    CHECK_INT(rep.files, 5);                 /* README.txt is not read */
    CHECK_INT(st.osv_records, 10);           /* 0001-0009 and 0011 */
    CHECK_INT(rep.records, 10);
    /* the bad file: every problem names file and record */
    CHECK(has_problem(&rep, PAL_FEED_ERROR, "bad.json", "record 0", "no \"id\""));
    CHECK(has_problem(&rep, PAL_FEED_WARNING, "bad.json", "record 1 (PYSEC-2024-1) affected[0]", "ecosystem 'NuGet'"));
    CHECK(has_problem(&rep, PAL_FEED_ERROR, "bad.json", "record 2 (CVE-2024-0010) affected[0] ranges[0]",
                      "'1.0 beta' is not a valid dpkg version"));
    CHECK(has_problem(&rep, PAL_FEED_WARNING, "bad.json", "record 4 (CVE-2024-0012)", "range type GIT"));
    CHECK(has_problem(&rep, PAL_FEED_ERROR, "bad.json", "record 5 (CVE-2024-0013)", "not a valid apk version"));
    CHECK(has_problem(&rep, PAL_FEED_ERROR, "bad.json", "record 6 (CVE-2024-0014)", "exactly one of"));
    CHECK(has_problem(&rep, PAL_FEED_ERROR, "broken.json", "line 4", "not valid JSON"));
    CHECK(has_problem(&rep, PAL_FEED_WARNING, "other.json", "", "not a feed"));
    CHECK_INT(rep.errors, 5);
    CHECK_INT(rep.warnings, 3);

    cJSON *inv = inventory("", true);
    add_pkg(inv, "dpkg", "alpha", "1.1-1", NULL, NULL);
    add_pkg(inv, "dpkg", "alpha-doc", "1.2-1", "alpha", NULL);      /* fixed */
    add_pkg(inv, "dpkg", "beta", "1.5", NULL, NULL);                /* last_affected: included */
    add_pkg(inv, "dpkg", "beta-b", "1.5.1", "beta", NULL);          /* past it */
    add_pkg(inv, "dpkg", "beta-c", "0.9", "beta", NULL);            /* before introduced */
    add_pkg(inv, "dpkg", "gamma", "1.0.5", NULL, NULL);
    add_pkg(inv, "dpkg", "gamma-b", "1.5", "gamma", NULL);          /* between the ranges */
    add_pkg(inv, "dpkg", "gamma-c", "2.0", "gamma", NULL);          /* introduced is inclusive */
    add_pkg(inv, "dpkg", "gamma-d", "2.1", "gamma", NULL);          /* fixed is exclusive */
    add_pkg(inv, "dpkg", "delta", "2.2", NULL, NULL);
    add_pkg(inv, "dpkg", "delta-b", "1.5", "delta", NULL);
    add_pkg(inv, "dpkg", "delta-c", "0.5", "delta", NULL);
    add_pkg(inv, "dpkg", "epsilon", "3.0-2", NULL, NULL);
    add_pkg(inv, "dpkg", "epsilon-b", "3.0-3", "epsilon", NULL);
    add_pkg(inv, "dpkg", "zeta", "6.0", NULL, NULL);
    add_pkg(inv, "dpkg", "libtheta1", "1.0+b1", "theta", "1.0");    /* by source name and version */
    add_pkg(inv, "dpkg", "theta-bin", "2.5", "theta", "2.0");       /* source at the fix */
    add_pkg(inv, "dpkg", "iota", "1.5", NULL, NULL);
    add_pkg(inv, "dpkg", "eta", "0.1", NULL, NULL);                 /* its record was skipped */
    add_pkg(inv, "dpkg", "broken", "1:", NULL, NULL);               /* not a dpkg version */
    add_pkg(inv, "apk", "kappa", "1.2.3-r0", NULL, NULL);           /* Alpine record, Debian image */
    pal_vuln_opts o = {.today = "2025-01-01", .distro = "debian:12"};
    pal_vuln_list l = match(f, inv, &o);
    const pal_vuln *v;
    CHECK((v = find(&l, "CVE-2024-0001", "alpha")) && v->fixed_version && !strcmp(v->fixed_version, "1.2-1"));
    if (v) {
        CHECK_INT(v->severity, PAL_VSEV_CRITICAL);
        CHECK_INT(v->cvss10, 98);
        CHECK(v->exploit && v->fix_available);
        CHECK_STR(v->title, "alpha overflow");
        CHECK_STR(v->published, "2024-01-01");
        CHECK_INT(v->age_days, 366);
        CHECK_STR(v->ecosystem, "dpkg");
        CHECK_STR(v->feed_ecosystem, "Debian:12");
        CHECK(strstr(v->source, "CVE-2024-0001.json") != NULL);
        /* 39 (9.8 x 4) + fix 10 + exploit 20 + ports 10 + root 10 + age 10 */
        CHECK_INT(v->factors.severity, 39);
        CHECK_INT(v->factors.age, 10);
        CHECK_INT(v->risk, 99);
    }
    CHECK(!find(&l, "CVE-2024-0001", "alpha-doc"));
    CHECK((v = find(&l, "CVE-2024-0002", "beta")) && !v->fixed_version && !v->fix_available);
    CHECK(!find(&l, "CVE-2024-0002", "beta-b"));
    CHECK(!find(&l, "CVE-2024-0002", "beta-c"));
    CHECK((v = find(&l, "CVE-2024-0003", "gamma")) && v->fixed_version && !strcmp(v->fixed_version, "1.1"));
    if (v) CHECK_INT(v->severity, PAL_VSEV_HIGH);
    CHECK(!find(&l, "CVE-2024-0003", "gamma-b"));
    CHECK((v = find(&l, "CVE-2024-0003", "gamma-c")) && v->fixed_version && !strcmp(v->fixed_version, "2.1"));
    CHECK(!find(&l, "CVE-2024-0003", "gamma-d"));
    CHECK((v = find(&l, "CVE-2024-0004", "delta")) && v->fixed_version && !strcmp(v->fixed_version, "2.5"));
    CHECK(!find(&l, "CVE-2024-0004", "delta-b"));
    CHECK((v = find(&l, "CVE-2024-0004", "delta-c")) && v->fixed_version && !strcmp(v->fixed_version, "1.0"));
    CHECK((v = find(&l, "CVE-2024-0005", "epsilon")) && !v->fixed_version);
    CHECK(!find(&l, "CVE-2024-0005", "epsilon-b"));
    CHECK((v = find(&l, "CVE-2024-0006", "zeta")) && !v->fixed_version);   /* Debian:12 entry, not :11 */
    if (v) CHECK_STR(v->aliases, "DSA-5000-1");
    CHECK((v = find(&l, "CVE-2024-0011", "libtheta1")) && v->fixed_version && !strcmp(v->fixed_version, "2.0"));
    if (v) { CHECK_STR(v->source_package, "theta"); CHECK_STR(v->version, "1.0"); }
    CHECK(!find(&l, "CVE-2024-0011", "theta-bin"));
    CHECK((v = find(&l, "CVE-2024-0008", "iota")) && !v->fixed_version);
    CHECK(!find(&l, "CVE-2024-0007", "alpha"));       /* Ubuntu record */
    CHECK(!find(&l, "CVE-2024-0009", "kappa"));       /* Alpine record */
    CHECK_INT(l.n, 10);
    CHECK(has_note(&l, "package broken: installed version '1:' is not a valid dpkg version"));
    /* ranked by risk */
    for (size_t i = 1; i < l.n; i++) CHECK(l.items[i - 1].risk >= l.items[i].risk);
    CHECK_STR(l.items[0].id, "CVE-2024-0001");

    /* to JSON for checks: image.vulnerabilities */
    CHECK_INT(pal_vuln_to_json(&l, inv), 0);
    cJSON *arr = cJSON_GetObjectItem(inv, "vulnerabilities");
    CHECK_INT(cJSON_GetArraySize(arr), 10);
    cJSON *first = cJSON_GetArrayItem(arr, 0);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(first, "id")), "CVE-2024-0001");
    CHECK_INT(cJSON_GetObjectItem(first, "cvss")->valueint, 98);
    CHECK_INT(cJSON_GetObjectItem(first, "risk")->valueint, 99);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(first, "fix_available")));
    CHECK_INT(cJSON_GetObjectItem(cJSON_GetObjectItem(first, "risk_factors"), "exploit")->valueint, 20);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(first, "status")), "open");
    CHECK_INT(pal_vuln_to_json(&l, inv), 0);          /* replaces, never duplicates */
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(inv, "vulnerabilities")), 10);
    pal_vuln_list_free(&l);

    /* risk without exposure or root */
    cJSON *plain = inventory("app", false);
    add_pkg(plain, "dpkg", "alpha", "1.1-1", NULL, NULL);
    l = match(f, plain, &o);
    CHECK((v = find(&l, "CVE-2024-0001", "alpha")) && v->risk == 79 && v->factors.network == 0 &&
          v->factors.root == 0);
    pal_vuln_list_free(&l);

    /* releases and distributions */
    pal_vuln_opts ou = {.today = "2025-01-01", .distro = "ubuntu:22.04"};
    l = match(f, plain, &ou);
    CHECK_INT(l.n, 1);
    CHECK((v = find(&l, "CVE-2024-0007", "alpha")) && v->fixed_version && !strcmp(v->fixed_version, "9.9"));
    if (v) { CHECK_INT(v->severity, PAL_VSEV_MEDIUM); CHECK_STR(v->aliases, "UBUNTU-CVE-2024-0007"); }
    pal_vuln_list_free(&l);
    ou.distro = "ubuntu:20.04";
    l = match(f, plain, &ou);
    CHECK_INT(l.n, 0);
    pal_vuln_list_free(&l);
    pal_vuln_opts on = {.today = "2025-01-01"};                   /* distribution unknown */
    l = match(f, plain, &on);
    CHECK_INT(l.n, 2);
    CHECK(find(&l, "CVE-2024-0001", "alpha") && find(&l, "CVE-2024-0007", "alpha"));
    CHECK(has_note(&l, "distribution is unknown"));
    pal_vuln_list_free(&l);
    add_pkg(plain, "dpkg", "base-files", "12.4+deb12u5", NULL, NULL);  /* says Debian 12 */
    l = match(f, plain, &on);
    CHECK_INT(l.n, 1);
    CHECK(find(&l, "CVE-2024-0001", "alpha") != NULL);
    pal_vuln_list_free(&l);
    add_file(plain, "/etc/os-release", NULL, "PRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\nID=ubuntu\nVERSION_ID=\"22.04\"\n");
    l = match(f, plain, &on);                                      /* os-release wins */
    CHECK_INT(l.n, 1);
    CHECK(find(&l, "CVE-2024-0007", "alpha") != NULL);
    pal_vuln_list_free(&l);
    pal_vuln_opts o11 = {.today = "2025-01-01", .distro = "debian:11"};
    cJSON *z = inventory("app", false);
    add_pkg(z, "dpkg", "zeta", "6.0", NULL, NULL);
    l = match(f, z, &o11);
    CHECK_INT(l.n, 0);                                             /* fixed in Debian 11 */
    pal_vuln_list_free(&l);
    cJSON *alp = inventory("app", false);
    add_pkg(alp, "apk", "kappa", "1.2.3-r0", NULL, NULL);
    add_pkg(alp, "apk", "kappa-doc", "1.2.3-r1", "kappa", NULL);
    add_pkg(alp, "apk", "alpine-release", "3.19.1-r0", NULL, NULL);
    l = match(f, alp, &on);
    CHECK_INT(l.n, 1);
    CHECK((v = find(&l, "CVE-2024-0009", "kappa")) && v->fixed_version && !strcmp(v->fixed_version, "1.2.3-r1"));
    pal_vuln_list_free(&l);

    /* filters: threshold, only fixed, grace, keep_filtered */
    pal_vuln_opts of = {.today = "2025-01-01", .distro = "debian:12", .min_severity = PAL_VSEV_HIGH};
    l = match(f, inv, &of);
    CHECK(find(&l, "CVE-2024-0001", "alpha") && find(&l, "CVE-2024-0003", "gamma"));
    CHECK(find(&l, "CVE-2024-0002", "beta") != NULL);             /* unknown is never "below" */
    pal_vuln_list_free(&l);
    of.min_severity = 0;
    of.only_fixed = true;
    l = match(f, inv, &of);
    CHECK(!find(&l, "CVE-2024-0002", "beta") && find(&l, "CVE-2024-0001", "alpha"));
    CHECK_INT(l.n, 6);
    pal_vuln_list_free(&l);
    of.keep_filtered = true;
    l = match(f, inv, &of);
    CHECK((v = find(&l, "CVE-2024-0002", "beta")) && v->status == PAL_VST_BELOW);
    CHECK_INT(l.n, 10);
    CHECK_INT(l.counts[PAL_VSEV_CRITICAL], 1);
    pal_vuln_list_free(&l);
    pal_vuln_opts og = {.today = "2025-01-01", .distro = "debian:12"};
    og.grace_days[PAL_VSEV_CRITICAL] = 400;
    l = match(f, inv, &og);
    CHECK((v = find(&l, "CVE-2024-0001", "alpha")) && v->status == PAL_VST_GRACE);
    CHECK_INT(l.counts[PAL_VSEV_CRITICAL], 0);
    pal_vuln_list_free(&l);

    cJSON_Delete(inv); cJSON_Delete(plain); cJSON_Delete(z); cJSON_Delete(alp);
    pal_feeds_free(f);
    pal_feed_report_free(&rep);
}

/* ---------------------------------------------------------------- advisories */

/* A distribution dump holds advisories (DSA) beside per-CVE records: an
   advisory whose every CVE matched on its own is not reported again. */
static void test_advisories(void)
{
#define ADV(id, aliases, pkg) "{\"id\":\"" id "\",\"aliases\":[" aliases "],\"affected\":[{\"package\":" \
    "{\"ecosystem\":\"Debian:12\",\"name\":\"" pkg "\"},\"ranges\":[" RANGE("{\"introduced\":\"0\"},{\"fixed\":\"2.0\"}") "]}]}"
    write_file("adv/a.json", "[" ADV("DSA-6000-1", "\"CVE-2024-0101\",\"CVE-2024-0102\"", "omicron") ","
                                 ADV("DEBIAN-CVE-2024-0101", "\"CVE-2024-0101\"", "omicron") "]");
    char err[256];
    pal_feeds *f = pal_feeds_load(path_of("adv"), NULL, err, sizeof err);
    CHECK(f != NULL);
    if (!f) return;
    cJSON *inv = inventory("app", false);
    add_pkg(inv, "dpkg", "omicron", "1.0", NULL, NULL);
    pal_vuln_opts o = {.today = "2025-01-01", .distro = "debian:12"};
    pal_vuln_list l = match(f, inv, &o);
    CHECK_INT(l.n, 2);                          /* CVE-2024-0102 is only in the DSA */
    CHECK(find(&l, "DSA-6000-1", "omicron") && find(&l, "CVE-2024-0101", "omicron"));
    pal_vuln_list_free(&l);
    pal_feeds_free(f);
    write_file("adv/b.json", ADV("DEBIAN-CVE-2024-0102", "\"CVE-2024-0102\"", "omicron"));
    f = pal_feeds_load(path_of("adv"), NULL, err, sizeof err);
    l = match(f, inv, &o);
    CHECK_INT(l.n, 2);
    CHECK(find(&l, "CVE-2024-0101", "omicron") && find(&l, "CVE-2024-0102", "omicron"));
    CHECK(!find(&l, "DSA-6000-1", "omicron"));
    pal_vuln_list_free(&l);
    pal_feeds_free(f);
    cJSON_Delete(inv);
}

/* ---------------------------------------------------------------- custom */

static void test_custom(void)
{
    write_file("custom/rules.json", "{\"rules\":["
        "{\"name\":\"CUSTOM-1\",\"package\":\"openssl\",\"type\":\"dpkg\",\"minVersionInclusive\":\"1.0\","
        " \"maxVersionInclusive\":\"1.1.1\",\"severity\":\"high\",\"fixedVersion\":\"1.1.2\"},"
        "{\"name\":\"CUSTOM-2\",\"package\":\"libssl3\",\"type\":\"package\",\"maxVersionInclusive\":\"3.0.11-1~deb12u1\"},"
        "{\"name\":\"MALWARE-1\",\"type\":\"md5\",\"md5\":\"D41D8CD98F00B204E9800998ECF8427E\",\"severity\":\"critical\"},"
        "{\"name\":\"BAD-1\",\"type\":\"python\",\"package\":\"x\"},"
        "{\"name\":\"BAD-2\",\"type\":\"md5\",\"md5\":\"xyz\"},"
        "{\"name\":\"BAD-3\",\"package\":\"p\",\"type\":\"dpkg\",\"minVersionInclusive\":\"not a version!\"},"
        "{\"package\":\"q\",\"type\":\"dpkg\"},"
        "{\"name\":\"CUSTOM-3\",\"package\":\"musl\",\"type\":\"apk\",\"minVersionInclusive\":\"1.2.4-r0\"}"
        "]}");
    pal_feed_report rep;
    pal_feed_report_init(&rep);
    char err[512] = "";
    pal_feeds *f = pal_feeds_load(path_of("custom/rules.json"), &rep, err, sizeof err);
    CHECK(f != NULL);
    if (!f) { fprintf(stderr, "%s\n", err); return; }
    pal_feeds_stats st;
    pal_feeds_stats_get(f, &st);
    CHECK_INT(st.custom_rules, 3);
    CHECK_INT(st.md5_rules, 1);
    CHECK(has_problem(&rep, PAL_FEED_WARNING, "rules.json", "rules[3] (BAD-1)", "type 'python'"));
    CHECK(has_problem(&rep, PAL_FEED_ERROR, "rules.json", "rules[4] (BAD-2)", "32 hex digits"));
    CHECK(has_problem(&rep, PAL_FEED_ERROR, "rules.json", "rules[5] (BAD-3)", "'not a version!' is not a valid dpkg"));
    CHECK(has_problem(&rep, PAL_FEED_ERROR, "rules.json", "rules[6]", "needs a \"name\""));
    CHECK_INT(rep.skipped, 4);

    cJSON *inv = inventory("app", false);
    add_pkg(inv, "dpkg", "openssl", "1.1.0", NULL, NULL);
    add_pkg(inv, "dpkg", "libssl3", "3.0.11-1~deb12u1", "openssl3", NULL);
    add_pkg(inv, "dpkg", "libssl-new", "3.0.11-1~deb12u2", "libssl3", NULL);  /* by source, past max */
    add_pkg(inv, "apk", "musl", "1.2.4-r2", NULL, NULL);
    add_pkg(inv, "apk", "musl-old", "1.2.3-r5", "musl", NULL);
    add_file(inv, "/usr/bin/evil", "d41d8cd98f00b204e9800998ecf8427e", NULL);
    add_file(inv, "/usr/bin/fine", "00000000000000000000000000000000", NULL);
    pal_vuln_opts o = {.today = "2025-01-01"};
    pal_vuln_list l = match(f, inv, &o);
    const pal_vuln *v;
    CHECK((v = find(&l, "CUSTOM-1", "openssl")) && v->fixed_version && !strcmp(v->fixed_version, "1.1.2"));
    if (v) { CHECK_INT(v->severity, PAL_VSEV_HIGH); CHECK_STR(v->feed_ecosystem, "custom"); }
    CHECK((v = find(&l, "CUSTOM-2", "libssl3")) && !v->fixed_version);
    CHECK(!find(&l, "CUSTOM-2", "libssl-new"));
    CHECK(find(&l, "CUSTOM-3", "musl") != NULL);
    CHECK(!find(&l, "CUSTOM-3", "musl-old"));
    CHECK((v = find(&l, "MALWARE-1", "/usr/bin/evil")) != NULL);
    if (v) { CHECK_STR(v->ecosystem, "md5"); CHECK_INT(v->severity, PAL_VSEV_CRITICAL); }
    CHECK_INT(l.n, 4);
    pal_vuln_list_free(&l);

    /* a "package" rule whose bounds are not versions of the package's ecosystem */
    cJSON *alp = inventory("app", false);
    add_pkg(alp, "apk", "libssl3", "3.0.11-r0", NULL, NULL);
    l = match(f, alp, &o);
    CHECK_INT(l.n, 0);
    CHECK(has_note(&l, "CUSTOM-2 for libssl3: its versions are not apk versions"));
    CHECK(has_note(&l, "md5 rules were not matched: the inventory has no file hashes"));
    pal_vuln_list_free(&l);
    cJSON_Delete(alp);
    cJSON_Delete(inv);
    pal_feeds_free(f);
    pal_feed_report_free(&rep);
}

/* ---------------------------------------------------------------- Windows */

static void test_windows(void)
{
    const char *docs[] = {"tests/e2e/data/feeds/msrc/2024-Jan.json", "tests/e2e/data/feeds/msrc/2024-Feb.json"};
    pal_feed_report crep;
    pal_feed_report_init(&crep);
    char err[512] = "";
    cJSON *feed = pal_msrc_convert(docs, 2, &crep, err, sizeof err);
    CHECK(feed != NULL);
    if (!feed) { fprintf(stderr, "convert: %s\n", err); return; }
    /* Office's CVE has no Windows fix; the Release Notes remediation has no FixedBuild */
    cJSON *vulns = cJSON_GetObjectItem(feed, "vulnerabilities");
    CHECK_INT(cJSON_GetArraySize(vulns), 5);
    CHECK(has_problem(&crep, PAL_FEED_WARNING, "2024-Jan.json", "Vulnerability[1] (CVE-2024-20653)", "no four-part FixedBuild"));
    cJSON *k = cJSON_GetArrayItem(vulns, 2);    /* sorted: 20653 20674 21307 21351 21412 */
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(k, "id")), "CVE-2024-21307");
    cJSON *x = cJSON_GetArrayItem(vulns, 4);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(x, "id")), "CVE-2024-21412");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(x, "exploited")));
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(x, "severity")), "high");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(x, "published")), "2024-02-13");
    cJSON *fx = cJSON_GetArrayItem(cJSON_GetObjectItem(x, "fixes"), 0);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(fx, "fixed_build")), "10.0.17763.5458");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(fx, "kb")), "KB5034768");
    char *text = cJSON_Print(feed);
    write_file("win/windows-feed.json", text);
    free(text);
    /* converting again gives the same bytes */
    cJSON *again = pal_msrc_convert(docs, 2, NULL, err, sizeof err);
    char *t1 = cJSON_PrintUnformatted(feed), *t2 = again ? cJSON_PrintUnformatted(again) : NULL;
    CHECK(t2 && !strcmp(t1, t2));
    free(t1); free(t2);
    cJSON_Delete(again);
    cJSON_Delete(feed);
    pal_feed_report_free(&crep);
    /* not CVRF */
    write_file("notcvrf.json", "{\"rules\":[]}");
    CHECK(pal_msrc_convert((const char *[]){path_of("notcvrf.json")}, 1, NULL, err, sizeof err) == NULL);
    CHECK(strstr(err, "is not a CVRF document") != NULL);

    /* a bad fix in a hand-written feed is reported, the rest loads */
    write_file("win/bad.json", "{\"format\":\"palisade-windows-feed\",\"version\":1,\"vulnerabilities\":["
               "{\"id\":\"CVE-2099-1\",\"fixes\":[{\"fixed_build\":\"10.0.17763\",\"kb\":\"KB1\"},"
               "{\"fixed_build\":\"10.0.17763.9999\",\"kb\":\"5099999\"}]},"
               "{\"id\":\"CVE-2099-2\",\"fixes\":[{\"fixed_build\":\"10.0.17763.9999\",\"kb\":\"KBX\"}]},"
               "{\"fixes\":[]}]}");
    pal_feed_report rep;
    pal_feed_report_init(&rep);
    pal_feeds *f = pal_feeds_load(path_of("win"), &rep, err, sizeof err);
    CHECK(f != NULL);
    if (!f) { fprintf(stderr, "%s\n", err); return; }
    CHECK(has_problem(&rep, PAL_FEED_ERROR, "bad.json", "vulnerabilities[0] (CVE-2099-1)", "fixed_build '10.0.17763'"));
    CHECK(has_problem(&rep, PAL_FEED_ERROR, "bad.json", "vulnerabilities[1] (CVE-2099-2)", "kb 'KBX'"));
    CHECK(has_problem(&rep, PAL_FEED_ERROR, "bad.json", "vulnerabilities[2]", "no \"id\""));
    pal_feeds_stats st;
    pal_feeds_stats_get(f, &st);
    CHECK_INT(st.windows_cves, 6);

    cJSON *inv = inventory("ContainerAdministrator", false);
    pal_vuln_opts o = {.today = "2024-03-01"};
    const pal_vuln *v;
    set_windows(inv, "10.0.17763.5206", NULL);          /* December 2023 */
    pal_vuln_list l = match(f, inv, &o);
    CHECK_INT(l.n, 6);
    CHECK((v = find(&l, "CVE-2024-20674", "windows")) && v->kb && !strcmp(v->kb, "KB5034127") &&
          !strcmp(v->fixed_version, "10.0.17763.5329"));
    if (v) { CHECK_INT(v->severity, PAL_VSEV_CRITICAL); CHECK_INT(v->cvss10, 90); CHECK_INT(v->factors.root, 10); }
    CHECK((v = find(&l, "CVE-2024-21412", "windows")) && v->exploit && !strcmp(v->kb, "KB5034768"));
    CHECK((v = find(&l, "CVE-2099-1", "windows")) && !strcmp(v->kb, "KB5099999"));
    pal_vuln_list_free(&l);
    set_windows(inv, "10.0.17763.5329", NULL);          /* January's update: February's remain */
    l = match(f, inv, &o);
    CHECK_INT(l.n, 3);
    CHECK(find(&l, "CVE-2024-21412", "windows") && find(&l, "CVE-2024-21351", "windows") &&
          !find(&l, "CVE-2024-20674", "windows"));
    pal_vuln_list_free(&l);
    set_windows(inv, "10.0.17763.9999", NULL);          /* at every fix */
    l = match(f, inv, &o);
    CHECK_INT(l.n, 0);
    pal_vuln_list_free(&l);
    set_windows(inv, "10.0.17763.5206", (const char *[]){"KB5034127", NULL});  /* KB installed, UBR stale */
    l = match(f, inv, &o);
    CHECK_INT(l.n, 3);
    CHECK(!find(&l, "CVE-2024-20674", "windows"));
    pal_vuln_list_free(&l);
    set_windows(inv, "10.0.17763.5206", (const char *[]){"KB5034768", "KB5099999", NULL});
    l = match(f, inv, &o);
    CHECK_INT(l.n, 0);
    pal_vuln_list_free(&l);
    set_windows(inv, "10.0.20348.2200", NULL);          /* Server 2022 */
    l = match(f, inv, &o);
    CHECK_INT(l.n, 5);
    CHECK((v = find(&l, "CVE-2024-20653", "windows")) && !strcmp(v->kb, "KB5034129"));
    pal_vuln_list_free(&l);
    set_windows(inv, "10.0.14393.6000", NULL);          /* a line the feed does not cover */
    l = match(f, inv, &o);
    CHECK_INT(l.n, 0);
    CHECK(has_note(&l, "no fixes for build line 10.0.14393"));
    pal_vuln_list_free(&l);
    cJSON_Delete(inv);
    pal_feeds_free(f);
    pal_feed_report_free(&rep);
}

/* ---------------------------------------------------------------- allow list */

static void test_allow(void)
{
    write_file("allow.yaml",
               "# accepted risks\n"
               "allow:\n"
               "  - id: CVE-2024-0001\n"
               "    reason: \"not reachable: the parser is never fed input\"\n"
               "    expires: 2030-01-01\n"
               "  - id: CVE-2024-0003\n"
               "    package: gamma\n"
               "    reason: waiting for upstream\n"
               "    expires: 2024-06-01\n"
               "  - id: DSA-5000-1\n"
               "    reason: by its advisory id\n");
    pal_feed_report rep;
    pal_feed_report_init(&rep);
    char err[512] = "";
    pal_allowlist *a = pal_allowlist_load(path_of("allow.yaml"), "2025-01-01", &rep, err, sizeof err);
    CHECK(a != NULL);
    if (!a) { fprintf(stderr, "%s\n", err); return; }
    CHECK_INT(pal_allowlist_count(a), 3);
    CHECK(has_problem(&rep, PAL_FEED_WARNING, "allow.yaml", "line 6 allow[1]", "CVE-2024-0003 expired on 2024-06-01"));
    CHECK_INT(rep.warnings, 1);
    pal_feed_report_free(&rep);

    pal_feeds *f = pal_feeds_load(path_of("osv"), NULL, err, sizeof err);
    CHECK(f != NULL);
    if (!f) return;
    cJSON *inv = inventory("app", false);
    add_pkg(inv, "dpkg", "alpha", "1.1-1", NULL, NULL);
    add_pkg(inv, "dpkg", "gamma", "1.0.5", NULL, NULL);
    add_pkg(inv, "dpkg", "gamma-c", "2.0", "gamma", NULL);
    add_pkg(inv, "dpkg", "zeta", "6.0", NULL, NULL);
    pal_vuln_opts o = {.today = "2025-01-01", .distro = "debian:12", .allow = a};
    pal_vuln_list l = match(f, inv, &o);
    const pal_vuln *v;
    CHECK((v = find(&l, "CVE-2024-0001", "alpha")) && v->status == PAL_VST_ALLOWED && !v->allow_expired);
    if (v) CHECK_STR(v->allow_reason, "not reachable: the parser is never fed input");
    CHECK((v = find(&l, "CVE-2024-0003", "gamma")) && v->status == PAL_VST_OPEN && v->allow_expired);
    if (v) CHECK_STR(v->allow_expires, "2024-06-01");
    /* the entry names package gamma: it covers gamma-c by its source name */
    CHECK((v = find(&l, "CVE-2024-0003", "gamma-c")) && v->allow_expired);
    CHECK((v = find(&l, "CVE-2024-0006", "zeta")) && v->status == PAL_VST_ALLOWED);   /* by alias */
    CHECK_INT(l.counts[PAL_VSEV_HIGH], 2);
    CHECK_INT(l.counts[PAL_VSEV_CRITICAL], 0);
    cJSON_AddItemToObject(inv, "x", pal_vuln_json(find(&l, "CVE-2024-0003", "gamma")));
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(inv, "x"), "allow_expired")));
    pal_vuln_list_free(&l);
    /* the same day as expires still applies */
    pal_allowlist *b = pal_allowlist_load(path_of("allow.yaml"), "2024-06-01", NULL, err, sizeof err);
    o.allow = b;
    l = match(f, inv, &o);
    CHECK((v = find(&l, "CVE-2024-0003", "gamma")) && v->status == PAL_VST_ALLOWED);
    pal_vuln_list_free(&l);
    pal_allowlist_free(b);
    cJSON_Delete(inv);
    pal_feeds_free(f);
    pal_allowlist_free(a);

    /* JSON form */
    write_file("allow.json", "{\"allow\":[{\"id\":\"CVE-2024-1\",\"expires\":\"2024-01-01\"}]}");
    pal_feed_report_init(&rep);
    a = pal_allowlist_load(path_of("allow.json"), "2025-01-01", &rep, err, sizeof err);
    CHECK(a && pal_allowlist_count(a) == 1 && rep.warnings == 1);
    const pal_allow_entry *e = pal_allowlist_find(a, "CVE-2024-1", "", "x", NULL);
    CHECK(e && e->expired);
    CHECK(pal_allowlist_find(a, "CVE-2024-2", "", "x", NULL) == NULL);
    /* through an alias only when the record names that one CVE */
    CHECK(pal_allowlist_find(a, "DSA-1", "CVE-2024-1", "x", NULL) == e);
    CHECK(pal_allowlist_find(a, "DSA-2", "CVE-2024-1,CVE-2024-2", "x", NULL) == NULL);
    pal_allowlist_free(a);
    pal_feed_report_free(&rep);

    /* mistakes are errors with a place, never a silent empty list */
    struct { const char *text, *want; } bad[] = {
        {"allow:\n  - id: CVE-1\n    expire: 2030-01-01\n", "allow.bad:2: allow[0]: unknown key 'expire'"},
        {"allow:\n  - id: CVE-1\n    expires: 2030-1-1\n", "expires '2030-1-1' is not a date YYYY-MM-DD"},
        {"allow:\n  - reason: x\n", "allow.bad:2: allow[0]: no id"},
        {"allow:\n  - id: [a]\n", "id must be a string"},
        {"allow: [\n", "allow.bad:2:"},
        {"allowed:\n  - id: CVE-1\n", "unknown top-level key 'allowed'"},
        {"allow:\n  - &x {id: CVE-1}\n  - *x\n", "aliases"},
        {"{\"allow\": [}", "allow.bad:1: not valid JSON"},
        {"allow:\n  - id: CVE 1\n", "id must be a vulnerability id"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_file("allow.bad", bad[i].text);
        err[0] = 0;
        a = pal_allowlist_load(path_of("allow.bad"), "2025-01-01", NULL, err, sizeof err);
        CHECK(a == NULL);
        if (!strstr(err, bad[i].want)) {
            unit_fail++;
            fprintf(stderr, "allow list case %zu: '%s' lacks '%s'\n", i, err, bad[i].want);
        } else unit_pass++;
        pal_allowlist_free(a);
    }
    CHECK(pal_allowlist_load(path_of("nope.yaml"), NULL, NULL, err, sizeof err) == NULL);
    CHECK(strstr(err, "(reading the allow list)") != NULL);
    write_file("empty.yaml", "");
    a = pal_allowlist_load(path_of("empty.yaml"), NULL, NULL, err, sizeof err);
    CHECK(a && pal_allowlist_count(a) == 0);
    pal_allowlist_free(a);
}

/* ---------------------------------------------------------------- errors */

static void test_unreadable(void)
{
    char err[512] = "";
    pal_feed_report rep;
    pal_feed_report_init(&rep);
    CHECK(pal_feeds_load(path_of("does-not-exist"), &rep, err, sizeof err) == NULL);
    CHECK(strstr(err, "does-not-exist") && strstr(err, "No such file"));
    mkdir(path_of("locked"), 0000);
    if (geteuid() != 0) {                          /* root reads anything */
        CHECK(pal_feeds_load(path_of("locked"), &rep, err, sizeof err) == NULL);
        CHECK(strstr(err, "cannot read feed directory") != NULL);
    }
    /* an empty directory is not an error: no feeds */
    mkdir(path_of("empty"), 0755);
    pal_feeds *f = pal_feeds_load(path_of("empty"), &rep, err, sizeof err);
    CHECK(f != NULL);
    CHECK_INT(rep.files, 0);
    cJSON *inv = inventory("", false);
    add_pkg(inv, "dpkg", "alpha", "1.0", NULL, NULL);
    pal_vuln_list l = match(f, inv, NULL);
    CHECK_INT(l.n, 0);
    pal_vuln_list_free(&l);
    /* no feeds at all */
    l = match(NULL, inv, NULL);
    CHECK_INT(l.n, 0);
    pal_vuln_list_free(&l);
    cJSON_Delete(inv);
    pal_feeds_free(f);
    pal_feed_report_free(&rep);
    /* a single named file that is not JSON is a problem, not a crash */
    write_file("garbage.json", "\x01\x02 not json");
    pal_feed_report_init(&rep);
    f = pal_feeds_load(path_of("garbage.json"), &rep, err, sizeof err);
    CHECK(f != NULL);
    CHECK_INT(rep.errors, 1);
    pal_feeds_free(f);
    pal_feed_report_free(&rep);
    /* a file past PAL_FEED_MAX_FILE_BYTES is refused unread (sparse: costs no disk) */
    mkdir(path_of("big"), 0755);
    write_file("big/huge.json", "[");
    CHECK_INT(truncate(path_of("big/huge.json"), (off_t)PAL_FEED_MAX_FILE_BYTES + 1), 0);
    write_file("big/small.json", "{\"rules\":[{\"name\":\"X-1\",\"package\":\"p\",\"type\":\"dpkg\"}]}");
    pal_feed_report_init(&rep);
    f = pal_feeds_load(path_of("big"), &rep, err, sizeof err);
    CHECK(f != NULL);
    CHECK(has_problem(&rep, PAL_FEED_ERROR, "huge.json", "", "PAL_FEED_MAX_FILE_BYTES"));
    CHECK_INT(rep.records, 1);
    pal_feeds_free(f);
    pal_feed_report_free(&rep);
    rmdir(path_of("locked"));
}


/* ---------------------------------------------------------------- strict reading */

/* Feed files are read by the strict reader: member order does not matter,
   the first of duplicate members counts (as cJSON's lookup did), and a
   file that is not RFC 8259 JSON is skipped naming line, column and why. */
static void test_strict_json(void)
{
    write_file("strict/order.json",
               "{\"affected\":[{\"ranges\":[{\"events\":[{\"fixed\":\"2.0\"},{\"introduced\":\"0\"}],\"type\":\"ECOSYSTEM\"}],"
               "\"package\":{\"name\":\"pi\",\"ecosystem\":\"Debian:12\"}}],"
               "\"summary\":\"first\",\"summary\":\"second\",\"id\":\"CVE-2024-0201\"}");
    write_file("strict/bom.json", "\xEF\xBB\xBF" OSV("CVE-2024-0202", "", "Debian:12", "rho",
                                                    RANGE("{\"introduced\":\"0\"}")));
    write_file("strict/control.json", "[\n" OSV("CVE-2024-0203", "\"summary\":\"tab\there\",", "Debian:12", "sigma",
                                               RANGE("{\"introduced\":\"0\"}")) "]");
    write_file("strict/latin1.json", "[\n\n" OSV("CVE-2024-0204", "\"summary\":\"caf\xE9\",", "Debian:12", "tau",
                                                RANGE("{\"introduced\":\"0\"}")) "]");
    write_file("strict/zero.json", "{\"rules\":[{\"name\":\"X\",\"type\":\"dpkg\",\"package\":\"p\",\"cvss\":07}]}");
    pal_feed_report rep;
    pal_feed_report_init(&rep);
    char err[512] = "";
    pal_feeds *f = pal_feeds_load(path_of("strict"), &rep, err, sizeof err);
    CHECK(f != NULL);
    if (!f) return;
    pal_feeds_stats st;
    pal_feeds_stats_get(f, &st);
    CHECK_INT(st.osv_records, 2);
    CHECK(has_problem(&rep, PAL_FEED_ERROR, "control.json", "line 2",
                      "not valid JSON at column 71: a raw control character in a string (escape it): file skipped"));
    CHECK(has_problem(&rep, PAL_FEED_ERROR, "latin1.json", "line 3", "bytes that are not UTF-8 in a string"));
    CHECK(has_problem(&rep, PAL_FEED_ERROR, "zero.json", "line 1", "not valid JSON at column 59: a number not in JSON's grammar"));
    CHECK_INT(rep.errors, 3);
    cJSON *inv = inventory("app", false);
    add_pkg(inv, "dpkg", "pi", "1.0", NULL, NULL);
    add_pkg(inv, "dpkg", "rho", "1.0", NULL, NULL);
    pal_vuln_opts o = {.today = "2025-01-01", .distro = "debian:12"};
    pal_vuln_list l = match(f, inv, &o);
    const pal_vuln *v;
    CHECK((v = find(&l, "CVE-2024-0201", "pi")) && v->fixed_version && !strcmp(v->fixed_version, "2.0"));
    if (v) CHECK_STR(v->title, "first");
    CHECK(find(&l, "CVE-2024-0202", "rho") != NULL);
    pal_vuln_list_free(&l);
    cJSON_Delete(inv);
    pal_feeds_free(f);
    pal_feed_report_free(&rep);
}

/* ---------------------------------------------------------------- titles */

/* A title is one line of text for reports: control characters become
   spaces and a long one is cut at a character, never inside one. */
static void test_titles(void)
{
    char summary[1900] = "";
    for (int i = 0; i < 300; i++) strcat(summary, "\\u00e9");       /* 300 x 2 bytes */
    char rec[4096];
    snprintf(rec, sizeof rec, "[" OSV("CVE-2024-0301", "\"summary\":\"%s\",", "Debian:12", "upsilon",
                                      RANGE("{\"introduced\":\"0\"}")) ","
             OSV("CVE-2024-0302", "\"summary\":\"bell\\u0007tab\\tdel\\u007fc1\\u0085end\\r\\nnext line\",",
                 "Debian:12", "upsilon", RANGE("{\"introduced\":\"0\"}")) "]", summary);
    write_file("titles/osv.json", rec);
    write_file("titles/custom.json", "{\"rules\":[{\"name\":\"T-1\",\"type\":\"dpkg\",\"package\":\"upsilon\","
               "\"title\":\"two\\nlines\\u001b[31m\"}]}");
    char err[256];
    pal_feeds *f = pal_feeds_load(path_of("titles"), NULL, err, sizeof err);
    CHECK(f != NULL);
    if (!f) return;
    cJSON *inv = inventory("app", false);
    add_pkg(inv, "dpkg", "upsilon", "1.0", NULL, NULL);
    pal_vuln_opts o = {.today = "2025-01-01", .distro = "debian:12"};
    pal_vuln_list l = match(f, inv, &o);
    const pal_vuln *v;
    CHECK((v = find(&l, "CVE-2024-0301", "upsilon")) != NULL);
    if (v) {
        CHECK_INT(strlen(v->title), 254);                      /* 127 whole characters */
        CHECK(!memcmp(v->title + 252, "\xC3\xA9", 2));
    }
    CHECK((v = find(&l, "CVE-2024-0302", "upsilon")) != NULL);
    if (v) CHECK_STR(v->title, "bell tab del c1 end");
    CHECK((v = find(&l, "T-1", "upsilon")) != NULL);
    if (v) CHECK_STR(v->title, "two");
    pal_vuln_list_free(&l);
    cJSON_Delete(inv);
    pal_feeds_free(f);
}

/* ---------------------------------------------------------------- rpm distributions */

/* Red Hat, SUSE and openSUSE name releases in their own words; they match
   the image's os-release VERSION_ID. */
static void test_rpm_releases(void)
{
    write_file("rpm/feed.json", "["
        OSV("RHSA-2024:0001", "\"aliases\":[\"CVE-2024-0401\"],", "Red Hat:enterprise_linux:9::appstream", "openssl",
            RANGE("{\"introduced\":\"0\"},{\"fixed\":\"1:3.0.7-25.el9_3\"}")) ","
        OSV("RHSA-2024:0002", "\"aliases\":[\"CVE-2024-0402\"],", "Red Hat:rhel_eus:9.2::baseos", "openssl",
            RANGE("{\"introduced\":\"0\"},{\"fixed\":\"1:3.0.7-26.el9_3\"}")) ","
        OSV("RHSA-2024:0003", "\"aliases\":[\"CVE-2024-0403\"],", "Red Hat:openshift:4.14::el9", "openssl",
            RANGE("{\"introduced\":\"0\"}")) ","
        OSV("SUSE-SU-2024:0004", "\"aliases\":[\"CVE-2024-0404\"],", "SUSE:Linux Enterprise Server 15 SP5", "openssl",
            RANGE("{\"introduced\":\"0\"},{\"fixed\":\"3.0.8-150500.5.20.1\"}")) ","
        OSV("openSUSE-SU-2024:0005", "\"aliases\":[\"CVE-2024-0405\"],", "openSUSE:Leap 15.5", "openssl",
            RANGE("{\"introduced\":\"0\"},{\"fixed\":\"3.0.8-150500.5.20.1\"}")) ","
        OSV("SUSE-SU-2024:0006", "\"aliases\":[\"CVE-2024-0406\"],", "SUSE:Linux Enterprise Server 12 SP5", "openssl",
            RANGE("{\"introduced\":\"0\"}"))
        "]");
    pal_feed_report rep;
    pal_feed_report_init(&rep);
    char err[256];
    pal_feeds *f = pal_feeds_load(path_of("rpm"), &rep, err, sizeof err);
    CHECK(f != NULL);
    if (!f) return;
    CHECK(has_problem(&rep, PAL_FEED_WARNING, "feed.json", "record 2 (RHSA-2024:0003) affected[0]",
                      "names no Red Hat release"));
    cJSON *inv = inventory("app", false);
    add_pkg(inv, "rpm", "openssl", "1:3.0.7-24.el9", NULL, NULL);
    pal_vuln_opts o = {.today = "2025-01-01", .distro = "rhel:9.2"};
    pal_vuln_list l = match(f, inv, &o);
    CHECK_INT(l.n, 2);
    const pal_vuln *v;
    CHECK((v = find(&l, "CVE-2024-0401", "openssl")) && v->fixed_version &&
          !strcmp(v->fixed_version, "1:3.0.7-25.el9_3"));
    CHECK(find(&l, "CVE-2024-0402", "openssl") != NULL);
    pal_vuln_list_free(&l);
    o.distro = "rhel:9.4";                                   /* not the 9.2 extended update */
    l = match(f, inv, &o);
    CHECK_INT(l.n, 1);
    pal_vuln_list_free(&l);
    cJSON *sles = inventory("app", false);
    add_pkg(sles, "rpm", "openssl", "3.0.8-150500.5.8.1", NULL, NULL);
    o.distro = "sles:15.5";
    l = match(f, sles, &o);
    CHECK_INT(l.n, 1);
    CHECK(find(&l, "CVE-2024-0404", "openssl") != NULL);
    pal_vuln_list_free(&l);
    o.distro = "opensuse-leap:15.5";
    l = match(f, sles, &o);
    CHECK_INT(l.n, 1);
    CHECK(find(&l, "CVE-2024-0405", "openssl") != NULL);
    pal_vuln_list_free(&l);
    o.distro = "sles:12.5";
    l = match(f, sles, &o);
    CHECK_INT(l.n, 1);
    CHECK(find(&l, "CVE-2024-0406", "openssl") != NULL);
    pal_vuln_list_free(&l);
    cJSON_Delete(inv);
    cJSON_Delete(sles);
    pal_feeds_free(f);
    pal_feed_report_free(&rep);
}

/* ---------------------------------------------------------------- MSRC severity */

/* A CVE that is Critical for Office and Important for Windows is, in the
   Windows feed, Important, with the Windows CVSS score. */
static void test_msrc_windows_severity(void)
{
    write_file("msrc-mixed.json",
        "{\"DocumentTracking\":{\"Identification\":{\"ID\":{\"Value\":\"2099-Jan\"}},\"InitialReleaseDate\":\"2099-01-10T08:00:00Z\"},"
        "\"ProductTree\":{\"FullProductName\":[{\"ProductID\":\"1\",\"Value\":\"Windows Server 2019\"},"
        "{\"ProductID\":\"2\",\"Value\":\"Microsoft Office 2019\"}]},"
        "\"Vulnerability\":[{\"CVE\":\"CVE-2099-9000\",\"Title\":{\"Value\":\"mixed\"},"
        "\"Threats\":[{\"Type\":3,\"Description\":{\"Value\":\"Critical\"},\"ProductID\":[\"2\"]},"
        "{\"Type\":3,\"Description\":{\"Value\":\"Important\"},\"ProductID\":[\"1\"]},"
        "{\"Type\":1,\"Description\":{\"Value\":\"Exploited:Yes\"},\"ProductID\":[\"2\"]}],"
        "\"CVSSScoreSets\":[{\"BaseScore\":9.8,\"ProductID\":[\"2\"]},{\"BaseScore\":7.5,\"ProductID\":[\"1\"]}],"
        "\"Remediations\":[{\"Type\":2,\"Description\":{\"Value\":\"9000001\"},\"FixedBuild\":\"10.0.17763.9000\",\"ProductID\":[\"1\",\"2\",\"1\"]}]}]}");
    char err[256];
    const char *docs[] = {path_of("msrc-mixed.json")};
    cJSON *feed = pal_msrc_convert(docs, 1, NULL, err, sizeof err);
    CHECK(feed != NULL);
    if (!feed) return;
    cJSON *v = cJSON_GetArrayItem(cJSON_GetObjectItem(feed, "vulnerabilities"), 0);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(v, "severity")), "high");
    CHECK(cJSON_GetObjectItem(v, "cvss") && cJSON_GetObjectItem(v, "cvss")->valuedouble == 7.5);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(v, "exploited")));
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(v, "fixes")), 1);   /* product 1 listed twice */
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(feed, "products")), 1);
    cJSON_Delete(feed);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/pal_vuln_XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }
    test_cvss_and_dates();
    test_osv();
    test_advisories();
    test_custom();
    test_windows();
    test_allow();
    test_unreadable();
    test_strict_json();
    test_titles();
    test_rpm_releases();
    test_msrc_windows_severity();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return unit_result("test_vuln");
}
