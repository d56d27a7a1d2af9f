/*
 * fuzz_inventory_layer.c — layer application: one input is applied twice,
 * as layers 0 and 1 (so whiteouts and replacements meet real lower layers),
 * to a Linux or Windows filesystem (first byte), then every output of the
 * merged filesystem is built.  The input goes through the blob stream
 * (blob.c: gzip/zstd sniffed and decompressed) as a layer blob does.
 */
#include "engine/inventory/inventory.h"
#include <archive.h>
#include <stdint.h>
#include "tests/fuzz/replay.h"

static void body(void *ud, const char *name, pal_fs_body b) { (void)ud; (void)name; (void)b; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    bool windows = data[0] & 1;
    pal_inv_budget budget;
    pal_inv_budget_init(&budget, size);
    pal_inventory_opts o = {true, 128};
    pal_fs *fs = pal_fs_new(windows, &o, &budget);
    if (!fs) return 0;
    pal_inv_layer_ref ref = {.name = "fuzz"};
    for (unsigned layer = 0; layer < 2; layer++) {
        char err[512];
        pal_inv_blob_stream *bs = pal_inv_blob_open_mem(data + 1, size - 1, &ref, layer, &budget, err, sizeof err);
        if (!bs) break;
        struct archive *a = pal_inv_blob_tar(bs, err, sizeof err);
        int r = a ? pal_fs_apply_layer(fs, a, layer, err, sizeof err) : -1;
        if (r == 0) r = pal_inv_blob_finish(bs, err, sizeof err);
        pal_inv_blob_close(bs);
        if (r < 0) break;
    }
    cJSON *files = pal_fs_files_json(fs);
    cJSON_Delete(files);
    cJSON *arr = cJSON_CreateArray();
    pal_fs_body b = pal_fs_body_at(fs, "var/lib/dpkg/status");
    if (b.data) pal_dpkg_parse(b.data, b.len, arr);
    b = pal_fs_body_at(fs, "etc/passwd");
    if (b.data) pal_users_parse(b.data, b.len, NULL, 0, arr);
    pal_fs_bodies_in(fs, "var/lib/dpkg/status.d", body, NULL);
    cJSON_Delete(arr);
    const char *errs[4];
    pal_fs_hive_errors(fs, errs, 4);
    pal_fs_windows(fs);
    pal_fs_free(fs);
    return 0;
}
