/*
 * fuzz_sbom.c — an SBOM read as scan input (engine/sbom/sbom.c): the bytes
 * are parsed as JSON and, when that succeeds, read as a CycloneDX or SPDX
 * document (purls decoded, qualifiers split); the inventory that comes back
 * is written out again as both formats, as `inventory --format` would.
 */
#include "engine/sbom/sbom.h"
#include <stdint.h>
#include <stdlib.h>
#include "tests/fuzz/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *doc = cJSON_ParseWithLength((const char *)data, size);
    if (!doc) return 0;
    size_t skipped;
    char err[256];
    cJSON *inv = pal_sbom_read(doc, &skipped, err, sizeof err);
    cJSON_Delete(doc);
    if (inv) {
        cJSON_Delete(pal_sbom_cyclonedx(inv, err, sizeof err));
        cJSON_Delete(pal_sbom_spdx(inv, err, sizeof err));
    }
    cJSON_Delete(inv);
    return 0;
}
