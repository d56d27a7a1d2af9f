/*
 * test_rpmdb.c — rpm header blobs and the three database readers
 * (engine/inventory/rpmdb.c) on headers built here, then on hostile
 * variants of them: every bound the parser checks is crossed once.
 * tests/e2e/rpm.sh reads databases that rpm itself wrote.
 */
#include "unit.h"
#include "engine/inventory/inventory.h"
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ------------------------------------------------------------ a header writer */

typedef struct hb { unsigned char idx[64 * 16], data[8192]; uint32_t il, dl; } hb;

static void put32(unsigned char *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static void lput32(unsigned char *p, uint32_t v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }

static void tag(hb *h, uint32_t t, uint32_t type, const void *data, size_t len, uint32_t count)
{
    if (type == 4) while (h->dl % 4) h->data[h->dl++] = 0;
    unsigned char *e = h->idx + 16 * h->il++;
    put32(e, t); put32(e + 4, type); put32(e + 8, h->dl); put32(e + 12, count);
    memcpy(h->data + h->dl, data, len);
    h->dl += (uint32_t)len;
}
static void tag_s(hb *h, uint32_t t, const char *s) { tag(h, t, 6, s, strlen(s) + 1, 1); }

static size_t blob_of(const hb *h, unsigned char *out)
{
    put32(out, h->il);
    put32(out + 4, h->dl);
    memcpy(out + 8, h->idx, 16u * h->il);
    memcpy(out + 8 + 16u * h->il, h->data, h->dl);
    return 8 + 16u * h->il + h->dl;
}

/* openssl-libs 1:3.0.7-24.el9.x86_64 with two files */
static size_t sample(unsigned char *out)
{
    hb h = {0};
    tag_s(&h, 1000, "openssl-libs");
    tag_s(&h, 1001, "3.0.7");
    tag_s(&h, 1002, "24.el9");
    unsigned char ep[4]; put32(ep, 1);
    tag(&h, 1003, 4, ep, 4, 1);
    tag_s(&h, 1022, "x86_64");
    tag_s(&h, 1014, "ASL 2.0");
    tag_s(&h, 1011, "Red Hat, Inc.");
    tag_s(&h, 1044, "openssl-3.0.7-24.el9.src.rpm");
    static const char bn[] = "libssl.so.3\0libcrypto.so.3";
    tag(&h, 1117, 8, bn, sizeof bn, 2);
    static const char dn[] = "/usr/lib64/";
    tag(&h, 1118, 8, dn, sizeof dn, 1);
    unsigned char di[8]; put32(di, 0); put32(di + 4, 0);
    tag(&h, 1116, 4, di, 8, 2);
    return blob_of(&h, out);
}

static const char *sget(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static void test_header(void)
{
    unsigned char b[16384];
    size_t n = sample(b);
    cJSON *arr = cJSON_CreateArray();
    pal_rpm_report rep = {0};
    CHECK_INT(pal_rpm_header_parse(b, n, arr, &rep), 1);
    const cJSON *p = cJSON_GetArrayItem(arr, 0);
    CHECK_STR(sget(p, "name"), "openssl-libs");
    CHECK_STR(sget(p, "version"), "1:3.0.7-24.el9");
    CHECK_STR(sget(p, "release"), "24.el9");
    CHECK_INT(cJSON_GetObjectItem(p, "epoch")->valuedouble, 1);
    CHECK_STR(sget(p, "architecture"), "x86_64");
    CHECK_STR(sget(p, "source"), "openssl");
    CHECK_STR(sget(p, "source_version"), "3.0.7-24.el9");
    CHECK_STR(sget(p, "license"), "ASL 2.0");
    CHECK_STR(sget(p, "vendor"), "Red Hat, Inc.");
    const cJSON *files = cJSON_GetObjectItem(p, "files");
    CHECK_INT(cJSON_GetArraySize(files), 2);
    CHECK_STR(cJSON_GetArrayItem(files, 1)->valuestring, "/usr/lib64/libcrypto.so.3");
    CHECK_INT(rep.bad_headers, 0);
    cJSON_Delete(arr);
}

/* Each mutation of the sample must be skipped (0) and counted, never read. */
static void expect_bad(const char *what, unsigned char *b, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    pal_rpm_report rep = {0};
    int r = pal_rpm_header_parse(b, n, arr, &rep);
    if (r == 0 && rep.bad_headers == 1 && cJSON_GetArraySize(arr) == 0) unit_pass++;
    else { unit_fail++; fprintf(stderr, "hostile header accepted: %s (r %d)\n", what, r); }
    cJSON_Delete(arr);
}

static void test_hostile(void)
{
    unsigned char b[16384], m[16384];
    size_t n = sample(b);
    uint32_t il = 11, data0 = 8 + 16 * il;
    memcpy(m, b, n); put32(m, 0x7fffffff); expect_bad("il huge", m, n);
    memcpy(m, b, n); put32(m, 0); expect_bad("il zero", m, n);
    memcpy(m, b, n); put32(m + 4, 0x7fffffff); expect_bad("dl huge", m, n);
    memcpy(m, b, n); expect_bad("truncated by one byte", m, n - 1);
    expect_bad("shorter than its counts", b, 7);
    /* NAME's offset past the data */
    memcpy(m, b, n); put32(m + 8 + 8, 0xfffffff0); expect_bad("name offset out of range", m, n);
    /* VERSION without its NUL: the data ends inside it */
    {
        hb h = {0};
        tag_s(&h, 1000, "x");
        tag_s(&h, 1002, "1");
        tag(&h, 1001, 6, "1.0", 3, 1);
        size_t k = blob_of(&h, m);
        expect_bad("string without NUL", m, k);
    }
    /* a directory index past DIRNAMES */
    memcpy(m, b, n);
    put32(m + data0 + n - data0 - 4, 7);
    expect_bad("dirindex out of range", m, n);
    /* BASENAMES count larger than its strings */
    memcpy(m, b, n);
    for (uint32_t i = 0; i < il; i++)
        if (m[8 + 16 * i + 2] == 0x04 && m[8 + 16 * i + 3] == 0x5d) put32(m + 8 + 16 * i + 12, 3);  /* 1117 */
    expect_bad("string array count past the data", m, n);
    /* a header without a name is not a package */
    {
        hb h = {0};
        tag_s(&h, 1001, "1");
        tag_s(&h, 1002, "1");
        size_t k = blob_of(&h, m);
        expect_bad("no NAME", m, k);
    }
    /* every prefix of a good header is either skipped or read, never a crash */
    for (size_t k = 0; k < n; k += 7) {
        cJSON *arr = cJSON_CreateArray();
        pal_rpm_header_parse(b, k, arr, NULL);
        cJSON_Delete(arr);
    }
    unit_pass++;
}

static void test_ndb(void)
{
    unsigned char blob[16384];
    size_t n = sample(blob);
    size_t blk = (16 + n + 12 + 15) / 16, size = 4096 + blk * 16;
    unsigned char *db = calloc(1, size);
    memcpy(db, "RpmP", 4); lput32(db + 8, 1); lput32(db + 12, 1); lput32(db + 16, 2);
    for (size_t o = 32; o < 4096; o += 16) memcpy(db + o, "Slot", 4);
    lput32(db + 32 + 4, 1); lput32(db + 32 + 8, 4096 / 16); lput32(db + 32 + 12, (uint32_t)blk);
    unsigned char *b = db + 4096;
    memcpy(b, "BlbS", 4); lput32(b + 4, 1); lput32(b + 8, 0); lput32(b + 12, (uint32_t)n);
    memcpy(b + 16, blob, n);
    unsigned char *t = b + blk * 16 - 12;
    lput32(t, (uint32_t)adler32(1, b, (uInt)(blk * 16 - 12)));
    lput32(t + 4, (uint32_t)n); memcpy(t + 8, "BlbE", 4);
    cJSON *arr = cJSON_CreateArray();
    char err[256] = "";
    pal_rpm_report rep = {0};
    CHECK_INT(pal_rpmdb_ndb_parse(db, size, arr, &rep, err, sizeof err), 1);
    CHECK_STR(sget(cJSON_GetArrayItem(arr, 0), "name"), "openssl-libs");
    /* a flipped byte in the blob: the Adler-32 no longer checks */
    b[40] ^= 1;
    CHECK_INT(pal_rpmdb_ndb_parse(db, size, arr, &rep, err, sizeof err), 0);
    CHECK_INT(rep.bad_headers, 1);
    b[40] ^= 1;
    /* a slot pointing past the file */
    lput32(db + 32 + 8, 0x10000000);
    CHECK_INT(pal_rpmdb_ndb_parse(db, size, arr, &rep, err, sizeof err), 0);
    CHECK_INT(rep.bad_headers, 2);
    /* not an ndb file */
    memcpy(db, "XXXX", 4);
    CHECK_INT(pal_rpmdb_ndb_parse(db, size, arr, NULL, err, sizeof err), -1);
    CHECK(strstr(err, "RpmP") != NULL);
    cJSON_Delete(arr);
    free(db);
}

static void test_bdb_and_sqlite_garbage(void)
{
    unsigned char junk[8192];
    for (size_t i = 0; i < sizeof junk; i++) junk[i] = (unsigned char)(i * 131 + 7);
    cJSON *arr = cJSON_CreateArray();
    char err[256] = "";
    CHECK_INT(pal_rpmdb_bdb_parse(junk, sizeof junk, arr, NULL, err, sizeof err), -1);
    CHECK(strstr(err, "Berkeley DB") != NULL);
    /* a hash meta page with an absurd page size */
    memset(junk, 0, sizeof junk);
    lput32(junk + 12, 0x061561); lput32(junk + 20, 3000); junk[25] = 8;
    CHECK_INT(pal_rpmdb_bdb_parse(junk, sizeof junk, arr, NULL, err, sizeof err), -1);
    CHECK(strstr(err, "page size 3000") != NULL);
    /* a hash page whose entry count runs past the page, and an overflow
       item whose chain loops on itself: skipped, counted */
    lput32(junk + 20, 512);
    unsigned char *pg = junk + 512;
    pg[25] = 13; pg[20] = 0xff; pg[21] = 0x7f;
    unsigned char *pg2 = junk + 1024;
    pg2[25] = 13; pg2[20] = 2;
    pg2[26] = 0x00; pg2[27] = 0x01;                 /* key at 256 */
    pg2[28] = 0xf0; pg2[29] = 0x00;                 /* data at 240 */
    pg2[256] = 1; lput32(pg2 + 257, 5);
    pg2[240] = 3; lput32(pg2 + 244, 3); lput32(pg2 + 248, 100000);
    unsigned char *ov = junk + 3 * 512;
    ov[25] = 7; ov[22] = 10; lput32(ov + 16, 3);    /* its next page is itself */
    pal_rpm_report rep = {0};
    CHECK_INT(pal_rpmdb_bdb_parse(junk, sizeof junk, arr, &rep, err, sizeof err), 0);
    CHECK_INT(rep.bad_headers, 2);
    memcpy(junk, "SQLite format 3", 16);
    CHECK_INT(pal_rpmdb_sqlite_parse(junk, sizeof junk, arr, NULL, err, sizeof err), -1);
    CHECK_INT(pal_rpmdb_sqlite_parse("x", 1, arr, NULL, err, sizeof err), -1);
    CHECK(strstr(err, "SQLite format 3") != NULL);
    CHECK_INT(cJSON_GetArraySize(arr), 0);
    cJSON_Delete(arr);
}

static void test_os_release_and_purl(void)
{
    static const char osr[] = "NAME=\"Rocky Linux\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n"
                              "VERSION_ID=\"9.3\"\n# comment\nPRETTY_NAME='Rocky Linux 9.3 (Blue Onyx)'\nID=other\n";
    cJSON *d = pal_os_release_parse(osr, sizeof osr - 1);
    CHECK_STR(sget(d, "id"), "rocky");
    CHECK_STR(sget(d, "version_id"), "9.3");
    CHECK_STR(sget(d, "pretty_name"), "Rocky Linux 9.3 (Blue Onyx)");
    CHECK(pal_os_release_parse("NAME=x\n", 7) == NULL);
    cJSON *p = cJSON_Parse("{\"name\":\"openssl-libs\",\"version\":\"1:3.0.7-24.el9\",\"epoch\":1,"
                           "\"architecture\":\"x86_64\",\"ecosystem\":\"rpm\"}");
    char *u = pal_purl(p, d);
    CHECK_STR(u, "pkg:rpm/rocky/openssl-libs@3.0.7-24.el9?arch=x86_64&epoch=1&distro=rocky-9.3");
    free(u);
    cJSON_Delete(p);
    p = cJSON_Parse("{\"name\":\"libc6\",\"version\":\"2.36-9+deb12u3\",\"architecture\":\"amd64\","
                    "\"source\":\"glibc\",\"ecosystem\":\"dpkg\"}");
    cJSON_Delete(d);
    d = pal_os_release_parse("ID=debian\nVERSION_ID=\"12\"\n", 26);
    u = pal_purl(p, d);
    CHECK_STR(u, "pkg:deb/debian/libc6@2.36-9%2Bdeb12u3?arch=amd64&upstream=glibc&distro=debian-12");
    free(u);
    cJSON_Delete(p);
    static const char *const lang[][2] = {
        {"{\"name\":\"@babel/core\",\"version\":\"7.23.0\",\"ecosystem\":\"npm\"}", "pkg:npm/%40babel/core@7.23.0"},
        {"{\"name\":\"Flask_SQLAlchemy\",\"version\":\"3.1.1\",\"ecosystem\":\"pypi\"}", "pkg:pypi/flask-sqlalchemy@3.1.1"},
        {"{\"name\":\"github.com/pkg/errors\",\"version\":\"v0.9.1\",\"ecosystem\":\"go\"}", "pkg:golang/github.com/pkg/errors@v0.9.1"},
        {"{\"name\":\"log4j-core\",\"group\":\"org.apache.logging.log4j\",\"version\":\"2.14.1\",\"ecosystem\":\"maven\"}",
         "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
        {"{\"name\":\"rake\",\"version\":\"13.0.6\",\"ecosystem\":\"rubygems\"}", "pkg:gem/rake@13.0.6"},
        {"{\"name\":\"serde\",\"version\":\"1.0.190\",\"ecosystem\":\"cargo\"}", "pkg:cargo/serde@1.0.190"},
    };
    for (size_t i = 0; i < sizeof lang / sizeof lang[0]; i++) {
        p = cJSON_Parse(lang[i][0]);
        u = pal_purl(p, NULL);
        CHECK_STR(u, lang[i][1]);
        free(u);
        cJSON_Delete(p);
    }
    cJSON_Delete(d);
}

int main(void)
{
    test_header();
    test_hostile();
    test_ndb();
    test_bdb_and_sqlite_garbage();
    test_os_release_and_purl();
    return unit_result("test_rpmdb");
}
