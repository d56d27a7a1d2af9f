/*
 * fuzz_inventory_hive.c — Windows facts from a registry hive (libhivex on
 * a memfd): product, build, UBR and the CBS package list.
 */
#include "engine/inventory/inventory.h"
#include <stdint.h>
#include "tests/fuzz/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pal_win_facts f;
    char err[320];
    if (pal_hive_facts_mem(data, size, &f, err, sizeof err) == 0) pal_win_facts_clear(&f);
    return 0;
}
