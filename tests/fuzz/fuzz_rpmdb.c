/*
 * fuzz_rpmdb.c — rpm headers and databases (engine/inventory/rpmdb.c):
 * the first byte chooses a header blob, a Berkeley DB hash file, an ndb
 * Packages.db, an rpmdb.sqlite or an os-release; every package read also
 * gets its purl.  Seeds: tests/fuzz/corpus/fuzz_rpmdb (headers and databases
 * rpm wrote, through tests/e2e/rpm.sh's packages).
 */
#include "engine/inventory/inventory.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tests/fuzz/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const unsigned char *p = data + 1;
    size_t n = size - 1;
    cJSON *arr = cJSON_CreateArray();
    if (!arr) return 0;
    char err[400];
    pal_rpm_report rep = {0};
    cJSON *distro = NULL;
    switch (data[0] % 5) {
    case 0: pal_rpm_header_parse(p, n, arr, &rep); break;
    case 1: pal_rpmdb_bdb_parse(p, n, arr, &rep, err, sizeof err); break;
    case 2: pal_rpmdb_ndb_parse(p, n, arr, &rep, err, sizeof err); break;
    case 3: pal_rpmdb_sqlite_parse(p, n, arr, &rep, err, sizeof err); break;
    default: distro = pal_os_release_parse((const char *)p, n); break;
    }
    const cJSON *pkg;
    cJSON_ArrayForEach(pkg, arr) free(pal_purl(pkg, distro));
    char *s = cJSON_PrintUnformatted(arr);
    cJSON_free(s);
    cJSON_Delete(arr);
    cJSON_Delete(distro);
    return 0;
}
