/*
 * test_sbom.c — SBOMs read back as inventories (engine/sbom/sbom.c): purls
 * of every ecosystem palisade matches, with namespaces, percent-escapes,
 * epochs and qualifiers; a CycloneDX and an SPDX document written from an
 * inventory read back to the same packages.  tests/e2e/sbom.sh validates
 * the writers' output with the CycloneDX library and scans it.
 */
#include "unit.h"
#include "engine/sbom/sbom.h"
#include <stdlib.h>

static cJSON *read_cdx(const char *json, size_t *skipped)
{
    cJSON *doc = cJSON_Parse(json);
    char err[256] = "";
    cJSON *inv = doc ? pal_sbom_read(doc, skipped, err, sizeof err) : NULL;
    cJSON_Delete(doc);
    return inv;
}

static const char *field(const cJSON *inv, int i, const char *k)
{
    const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(inv, "packages"), i);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void purls(void)
{
    size_t skipped = 9;
    cJSON *inv = read_cdx(
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":["
        "{\"type\":\"operating-system\",\"name\":\"rhel\",\"version\":\"9.3\"},"
        "{\"type\":\"library\",\"name\":\"openssl-libs\",\"purl\":\"pkg:rpm/redhat/openssl-libs@3.0.7-24.el9?arch=x86_64&epoch=1&upstream=openssl-3.0.7-24.el9.src.rpm\"},"
        "{\"type\":\"library\",\"name\":\"node\",\"purl\":\"pkg:npm/%40types/node@20.1.0\"},"
        "{\"type\":\"library\",\"name\":\"x\",\"purl\":\"pkg:golang/github.com/spf13/cobra@v1.8.0\"},"
        "{\"type\":\"library\",\"name\":\"x\",\"purl\":\"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1\"},"
        "{\"type\":\"library\",\"name\":\"bash\",\"purl\":\"pkg:deb/debian/bash@1%3A5.2-1?arch=amd64\"},"
        "{\"type\":\"library\",\"name\":\"x\",\"purl\":\"PKG:PyPI/requests@2.31.0\"},"
        "{\"type\":\"library\",\"name\":\"x\",\"purl\":\"pkg:npm/odd@1.0.0@beta\"},"
        "{\"type\":\"library\",\"name\":\"nuget\",\"purl\":\"pkg:nuget/Newtonsoft.Json@13.0.1\"},"
        "{\"type\":\"library\",\"name\":\"nopurl\",\"version\":\"1\"},"
        "{\"type\":\"library\",\"name\":\"x\",\"purl\":\"not-a-purl\"}]}", &skipped);
    CHECK(inv != NULL);
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(inv, "image"), "distro");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(d, "id")->valuestring, "rhel");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(d, "version_id")->valuestring, "9.3");
    CHECK_STR(field(inv, 0, "ecosystem"), "rpm");
    CHECK_STR(field(inv, 0, "version"), "1:3.0.7-24.el9");          /* the epoch qualifier joins the version */
    CHECK_STR(field(inv, 0, "architecture"), "x86_64");
    CHECK_STR(field(inv, 0, "source"), "openssl-3.0.7-24.el9.src.rpm");
    CHECK_STR(field(inv, 1, "name"), "@types/node");                 /* npm scope, percent-decoded */
    CHECK_STR(field(inv, 2, "name"), "github.com/spf13/cobra");      /* a Go module path is the whole path */
    CHECK_STR(field(inv, 2, "version"), "v1.8.0");
    CHECK_STR(field(inv, 3, "name"), "log4j-core");                  /* Maven: group apart */
    CHECK_STR(field(inv, 3, "group"), "org.apache.logging.log4j");
    CHECK_STR(field(inv, 4, "version"), "1:5.2-1");                  /* %3A */
    CHECK_STR(field(inv, 4, "ecosystem"), "dpkg");
    CHECK_STR(field(inv, 5, "ecosystem"), "pypi");                   /* the type is case-insensitive */
    CHECK_STR(field(inv, 6, "name"), "odd@1.0.0");                   /* the version follows the last '@' */
    CHECK_STR(field(inv, 6, "version"), "beta");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(inv, "packages")), 7);
    CHECK_INT(skipped, 3);                                           /* nuget, no purl, not a purl */
    cJSON_Delete(inv);

    char err[256] = "";
    cJSON *doc = cJSON_Parse("{\"hello\":1}");
    CHECK(pal_sbom_read(doc, &skipped, err, sizeof err) == NULL);
    CHECK(strstr(err, "not a CycloneDX") != NULL);
    cJSON_Delete(doc);
    doc = cJSON_Parse("{\"bomFormat\":\"CycloneDX\",\"components\":{}}");
    CHECK(pal_sbom_read(doc, &skipped, err, sizeof err) == NULL);
    CHECK(strstr(err, "components is not an array") != NULL);
    cJSON_Delete(doc);
}

/* inventory -> CycloneDX / SPDX -> inventory keeps name, version, ecosystem, purl */
static void round_trip(void)
{
    cJSON *inv = cJSON_Parse(
        "{\"image\":{\"name\":\"shop/api:2\",\"id\":\"sha256:" 
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
        "\"distro\":{\"id\":\"alpine\",\"version_id\":\"3.19.1\"}},\"files\":[],\"packages\":["
        "{\"name\":\"musl\",\"version\":\"1.2.4_git20230717-r4\",\"ecosystem\":\"apk\",\"purl\":\"pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64\"},"
        "{\"name\":\"@babel/core\",\"version\":\"7.23.0\",\"ecosystem\":\"npm\",\"purl\":\"pkg:npm/%40babel/core@7.23.0\",\"location\":\"/app/node_modules/@babel/core/package.json\"},"
        "{\"name\":\"serde\",\"version\":\"1.0.190\",\"ecosystem\":\"cargo\",\"purl\":\"pkg:cargo/serde@1.0.190\"}]}");
    char err[256];
    for (int f = 0; f < 2; f++) {
        cJSON *doc = f ? pal_sbom_spdx(inv, err, sizeof err) : pal_sbom_cyclonedx(inv, err, sizeof err);
        CHECK(doc != NULL);
        size_t skipped = 9;
        cJSON *back = pal_sbom_read(doc, &skipped, err, sizeof err);
        CHECK(back != NULL);
        CHECK_INT(skipped, 0);
        CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(back, "packages")), 3);
        for (int i = 0; i < 3; i++)
            for (const char *const *k = (const char *const[]){"name", "version", "ecosystem", "purl", NULL}; *k; k++)
                CHECK_STR(field(back, i, *k), field(inv, i, *k));
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(back, "image"), "distro");
        CHECK_STR(cJSON_GetObjectItemCaseSensitive(d, "version_id")->valuestring, "3.19.1");
        if (!f) CHECK_STR(field(back, 1, "location"), "/app/node_modules/@babel/core/package.json");
        cJSON_Delete(back);
        cJSON_Delete(doc);
    }
    cJSON_Delete(inv);
}

int main(void)
{
    purls();
    round_trip();
    return unit_result("test_sbom");
}
