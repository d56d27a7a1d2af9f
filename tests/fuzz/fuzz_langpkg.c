/*
 * fuzz_langpkg.c — language package metadata (engine/inventory/langpkg.c):
 * the first byte chooses the kind (npm package.json or lock, Python
 * METADATA, gemspec, a jar or an ELF binary, which go through
 * pal_lang_summarize first as in the inventory), the rest is the file.
 */
#include "engine/inventory/inventory.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tests/fuzz/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    int kind = PAL_LANG_NPM + data[0] % 6;
    const char *p = (const char *)data + 1;
    size_t n = size - 1;
    cJSON *arr = cJSON_CreateArray(), *warnings = cJSON_CreateArray();
    pal_lang_state *st = pal_lang_state_new();
    if (arr && warnings && st) {
        if (kind == PAL_LANG_JAR || kind == PAL_LANG_EXEC) {
            char *sum = pal_lang_summarize(kind, p, n, "x.jar");
            if (sum) pal_lang_parse(st, kind, "/x", sum, strlen(sum), arr, warnings);
            free(sum);
        } else {
            pal_lang_parse(st, kind, "/x", p, n, arr, warnings);
        }
        const cJSON *pkg;
        cJSON_ArrayForEach(pkg, arr) free(pal_purl(pkg, NULL));
    }
    pal_lang_state_free(st);
    cJSON_Delete(arr);
    cJSON_Delete(warnings);
    return 0;
}
