/*
 * fuzz_inventory_config.c — an image config blob into the "image" object,
 * and untrusted bytes into JSON strings (invalid UTF-8 -> U+FFFD).
 */
#include "engine/inventory/inventory.h"
#include <stdint.h>
#include <string.h>
#include "tests/fuzz/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *image = cJSON_CreateObject();
    if (!image) return 0;
    bool windows;
    char err[256];
    pal_inv_config_parse((const char *)data, size, image, &windows, err, sizeof err);
    char *s = cJSON_PrintUnformatted(image);
    if (s) {
        cJSON *back = cJSON_Parse(s);   /* what we print must parse */
        if (!back) __builtin_trap();
        cJSON_Delete(back);
        cJSON_free(s);
    }
    cJSON_Delete(image);
    cJSON *str = pal_inv_str((const char *)data, size);
    cJSON_Delete(str);
    return 0;
}
