/*
 * fuzz_inventory_db.c — the database parsers: dpkg status, apk installed,
 * passwd + shadow (split at the first NUL), group; the first byte chooses.
 */
#include "engine/inventory/inventory.h"
#include <stdint.h>
#include <string.h>
#include "tests/fuzz/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const char *p = (const char *)data + 1;
    size_t n = size - 1;
    cJSON *arr = cJSON_CreateArray();
    if (!arr) return 0;
    switch (data[0] & 3) {
    case 0: pal_dpkg_parse(p, n, arr); break;
    case 1: pal_apk_parse(p, n, arr); break;
    case 2: {
        const char *nul = memchr(p, 0, n);
        size_t pl = nul ? (size_t)(nul - p) : n;
        pal_users_parse(p, pl, nul ? nul + 1 : NULL, nul ? n - pl - 1 : 0, arr);
        break;
    }
    default: pal_groups_parse(p, n, arr); break;
    }
    char *s = cJSON_PrintUnformatted(arr);
    cJSON_free(s);
    cJSON_Delete(arr);
    return 0;
}
