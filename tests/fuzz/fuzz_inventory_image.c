/*
 * fuzz_inventory_image.c — the whole inventory reader on one tarball:
 * outer tar index, manifest/index/config, every layer, databases, hives.
 * The input is handed over as a memory file (memfd), as a path is the API.
 */
#include "engine/inventory/inventory.h"
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tests/fuzz/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-image", MFD_CLOEXEC);
    if (fd < 0) return 0;
    for (size_t off = 0; off < size;) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) { close(fd); return 0; }
        off += (size_t)w;
    }
    char path[64], err[1024];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    pal_inventory_opts o = {true, 256};
    cJSON *out = NULL;
    if (pal_inventory_read(path, &o, &out, err, sizeof err) == 0) cJSON_Delete(out);
    close(fd);
    return 0;
}
