/*
 * hive.c — Windows facts from a SOFTWARE registry hive.
 *
 * Design. The Windows build a container runs is authoritatively in its
 * SOFTWARE hive, under Microsoft\Windows NT\CurrentVersion (ProductName,
 * CurrentBuildNumber, UBR, CurrentMajor/MinorVersionNumber); the servicing
 * stack lists installed updates as subkeys of Microsoft\Windows\
 * CurrentVersion\Component Based Servicing\Packages, named like
 * "Package_for_KB5005568~31bf3856ad364e35~amd64~~17763.2183.1.3".
 *
 * Debian's libhivex reads hives, but only from a file name.  The layer
 * stage streams the hive into an anonymous memory file (memfd), and hivex
 * opens it through /proc/self/fd, so nothing touches the disk.  Only the
 * handful of values above are read — a bounded number of lookups and at
 * most PAL_INV_MAX_HIVE_KEYS package names — so a hostile hive costs
 * whatever hivex's own validation on open costs, and no more.
 *
 * A package counts as installed when its CurrentState is Installed (112),
 * Permanent (128) or Superseded (80: a later update carries its fixes), or
 * when the state is absent; staged, pending and absent (0) packages do not.
 */
#include "engine/inventory/inventory.h"
#include <errno.h>
#include <hivex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void pal_win_facts_clear(pal_win_facts *f)
{
    for (unsigned i = 0; i < f->nkbs; i++) free(f->kbs[i]);
    free(f->kbs);
    memset(f, 0, sizeof *f);
}

static hive_node_h path_node(hive_h *h, hive_node_h n, const char *const *parts)
{
    for (; n && *parts; parts++) n = hivex_node_get_child(h, n, *parts);
    return n;
}

static bool get_dword(hive_h *h, hive_node_h n, const char *key, long *out)
{
    hive_value_h v = hivex_node_get_value(h, n, key);
    hive_type t;
    size_t len;
    if (!v || hivex_value_type(h, v, &t, &len) < 0) return false;
    if ((t != hive_t_REG_DWORD && t != hive_t_REG_DWORD_BIG_ENDIAN) || len != 4) return false;
    errno = 0;
    int32_t d = hivex_value_dword(h, v);
    if (d == -1 && errno) return false;
    *out = (long)(uint32_t)d;
    return true;
}

/* A REG_SZ / REG_EXPAND_SZ as UTF-8, malloc'd, or NULL. */
static char *get_string(hive_h *h, hive_node_h n, const char *key)
{
    hive_value_h v = hivex_node_get_value(h, n, key);
    return v ? hivex_value_string(h, v) : NULL;
}

static bool parse_long(const char *s, long *out)
{
    if (!s || !*s) return false;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < 0) return false;
    *out = v;
    return true;
}

/* "...KB5005568~..." -> "KB5005568" (case of the name ignored). */
static bool kb_in(const char *name, char *out, size_t cap)
{
    for (const char *p = name; p[0] && p[1]; p++) {
        if ((p[0] != 'K' && p[0] != 'k') || (p[1] != 'B' && p[1] != 'b')) continue;
        size_t d = 0;
        while (p[2 + d] >= '0' && p[2 + d] <= '9') d++;
        if (d < 4 || d > 9 || d + 3 > cap) continue;
        out[0] = 'K';
        out[1] = 'B';
        memcpy(out + 2, p + 2, d);
        out[2 + d] = 0;
        return true;
    }
    return false;
}

static int str_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void read_kbs(hive_h *h, hive_node_h root, pal_win_facts *out)
{
    static const char *const pk[] = {"Microsoft", "Windows", "CurrentVersion",
                                     "Component Based Servicing", "Packages", NULL};
    hive_node_h packages = path_node(h, root, pk);
    if (!packages) return;
    hive_node_h *kids = hivex_node_children(h, packages);
    if (!kids) return;
    size_t n = 0;
    while (kids[n] && n < PAL_INV_MAX_HIVE_KEYS) n++;
    out->kbs = n ? calloc(n, sizeof *out->kbs) : NULL;
    for (size_t i = 0; out->kbs && i < n; i++) {
        char *name = hivex_node_name(h, kids[i]);
        char kb[16];
        if (name && kb_in(name, kb, sizeof kb)) {
            long state;
            bool installed = !get_dword(h, kids[i], "CurrentState", &state) ||
                             state == 112 || state == 128 || state == 80;
            if (installed && (out->kbs[out->nkbs] = strdup(kb))) out->nkbs++;
        }
        free(name);
    }
    free(kids);
    if (out->nkbs > 1) {
        qsort(out->kbs, out->nkbs, sizeof *out->kbs, str_cmp);
        unsigned w = 1;
        for (unsigned i = 1; i < out->nkbs; i++) {
            if (!strcmp(out->kbs[w - 1], out->kbs[i])) free(out->kbs[i]);
            else out->kbs[w++] = out->kbs[i];
        }
        out->nkbs = w;
    }
}

int pal_hive_facts_fd(int fd, pal_win_facts *out, char *err, size_t errcap)
{
    memset(out, 0, sizeof *out);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    hive_h *h = hivex_open(path, 0);
    int saved = errno;
    close(fd);
    if (!h) {
        pal_inv_err(err, errcap, "not a registry hive libhivex can read (%s)", strerror(saved));
        return -1;
    }
    hive_node_h root = hivex_root(h);
    static const char *const cvp[] = {"Microsoft", "Windows NT", "CurrentVersion", NULL};
    hive_node_h cv = root ? path_node(h, root, cvp) : 0;
    if (cv) {
        char *s = get_string(h, cv, "ProductName");
        if (s) {
            snprintf(out->product_name, sizeof out->product_name, "%s", s);
            out->have_product = true;
            free(s);
        }
        s = get_string(h, cv, "CurrentBuildNumber");
        if (!s) s = get_string(h, cv, "CurrentBuild");
        out->have_build = parse_long(s, &out->build);
        free(s);
        out->have_ubr = get_dword(h, cv, "UBR", &out->ubr);
        out->have_major = get_dword(h, cv, "CurrentMajorVersionNumber", &out->major);
        out->have_minor = get_dword(h, cv, "CurrentMinorVersionNumber", &out->minor);
    }
    if (root) read_kbs(h, root, out);
    hivex_close(h);
    return 0;
}

int pal_hive_facts_mem(const void *data, size_t len, pal_win_facts *out, char *err, size_t errcap)
{
    memset(out, 0, sizeof *out);
    int fd = memfd_create("palisade-hive", MFD_CLOEXEC);
    if (fd < 0) {
        pal_inv_err(err, errcap, "cannot make a memory file: %s", strerror(errno));
        return -1;
    }
    const char *p = data;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w <= 0) {
            close(fd);
            pal_inv_err(err, errcap, "cannot fill a memory file: %s", strerror(errno));
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return pal_hive_facts_fd(fd, out, err, errcap);
}
