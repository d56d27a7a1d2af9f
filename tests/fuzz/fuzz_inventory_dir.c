/*
 * fuzz_inventory_dir.c — the inventory reader on a layout *directory*
 * (skopeo's oci:DIR, an extracted docker save): the form pal_inventory_read
 * accepts besides tarballs, with its own indexer (tar.c: index_dir,
 * open_beneath) and its own way of streaming layers.
 *
 * The input is a small bounded archive, unpacked into a fresh directory
 * (under $TMPDIR, else /dev/shm, else /tmp) that is then read:
 *
 *   input  := record*            at most MAX_RECORDS; a short tail is ignored
 *   record := type:u8 namelen:u8 name[namelen] datalen:u16le data[datalen]
 *   type & 3:  0 regular file (data: its content)   1 directory
 *              2 symlink (data: its target, any bytes but NUL)   3 FIFO
 *
 * Names are '/'-separated relative paths of at most MAX_DEPTH components;
 * a record whose name is empty, absolute, has an empty, "." or ".."
 * component, or a NUL is skipped.  Missing parents are made.  Every
 * component is opened with O_NOFOLLOW beneath the directory, so the
 * fuzzer's own symlinks can never lead its writes outside it — whereas the
 * reader is meant to meet them and refuse to follow them out.  A file
 * written twice keeps the last content.  Everything is removed after each
 * run.  tests/fuzz/mkdirseed.py turns a tarball into this format (seeds).
 */
#include "engine/inventory/inventory.h"
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tests/fuzz/replay.h"

#define MAX_RECORDS 64u
#define MAX_DEPTH 4u

static char root[256];

static void remove_root(void) { rmdir(root); }

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    if (ftw->level > 0) remove(path);
    return 0;
}

static void clear_root(void)
{
    nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Opens (making it when missing) the directory holding the last component
   of name, beneath dirfd; -1 when a component is not a plain directory. */
static int parent_of(int dirfd, char *name, char **leaf)
{
    int cur = dup(dirfd);
    char *p = name;
    for (char *slash; cur >= 0 && (slash = strchr(p, '/'));) {
        *slash = 0;
        mkdirat(cur, p, 0755);
        int next = openat(cur, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        close(cur);
        cur = next;
        p = slash + 1;
    }
    *leaf = p;
    return cur;
}

static bool name_ok(const char *name, size_t n)
{
    if (n == 0 || name[0] == '/' || memchr(name, 0, n)) return false;
    unsigned depth = 0;
    for (size_t i = 0; i <= n;) {
        size_t j = i;
        while (j < n && name[j] != '/') j++;
        size_t len = j - i;
        if (len == 0 || (len == 1 && name[i] == '.') || (len == 2 && name[i] == '.' && name[i + 1] == '.'))
            return false;
        if (++depth > MAX_DEPTH) return false;
        i = j + 1;
    }
    return true;
}

static void unpack(int dirfd, const uint8_t *data, size_t size)
{
    size_t off = 0;
    for (unsigned r = 0; r < MAX_RECORDS && off + 2 <= size; r++) {
        unsigned type = data[off] & 3, nlen = data[off + 1];
        if (off + 2 + nlen + 2 > size) return;
        char name[256];
        memcpy(name, data + off + 2, nlen);
        name[nlen] = 0;
        size_t dlen = data[off + 2 + nlen] | (size_t)data[off + 3 + nlen] << 8;
        const uint8_t *body = data + off + 4 + nlen;
        if (off + 4 + nlen + dlen > size) dlen = size - (off + 4 + nlen);
        off += 4 + nlen + dlen;
        if (!name_ok(name, nlen)) continue;
        char *leaf;
        int pfd = parent_of(dirfd, name, &leaf);
        if (pfd < 0) continue;
        if (type == 0) {
            int fd = openat(pfd, leaf, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
            if (fd >= 0) {
                struct stat st;
                if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
                    for (size_t w = 0; w < dlen;) {
                        ssize_t k = write(fd, body + w, dlen - w);
                        if (k <= 0) break;
                        w += (size_t)k;
                    }
                }
                close(fd);
            }
        } else if (type == 1) {
            mkdirat(pfd, leaf, 0755);
        } else if (type == 2) {
            char target[65536];
            size_t tl = dlen < sizeof target - 1 ? dlen : sizeof target - 1;
            memcpy(target, body, tl);
            target[tl] = 0;
            if (tl && !memchr(body, 0, tl)) symlinkat(target, pfd, leaf);
        } else {
            mkfifoat(pfd, leaf, 0644);
        }
        close(pfd);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!root[0]) {
        const char *base = getenv("TMPDIR");
        if (!base || access(base, W_OK)) base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(root, sizeof root, "%s/fuzz-inventory-dir-XXXXXX", base);
        if (!mkdtemp(root)) abort();
        atexit(remove_root);
    }
    int dirfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) abort();
    unpack(dirfd, data, size);
    close(dirfd);
    char err[1024];
    pal_inventory_opts o = {true, 256};
    cJSON *out = NULL;
    int rc = pal_inventory_read(root, &o, &out, err, sizeof err);
    if (getenv("FUZZ_VERBOSE")) fprintf(stderr, "%s\n", rc == 0 ? "read" : err);   /* checking seeds */
    cJSON_Delete(out);
    clear_root();
    return 0;
}
