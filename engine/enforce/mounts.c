/*
 * mounts.c — selecting a container's mounts from mountinfo (design in
 * mounts.h).  Format (proc(5)):
 *   36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw
 *   id parent dev root point options [optional fields...] - fstype source superoptions
 * with space, tab, newline and backslash in paths written as \ooo.
 */
#include "engine/enforce/mounts.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct mline {
    uint64_t id;
    char point[4096];
    char fstype[64];
} mline;

/* Copies a field, decoding \ooo; false when it does not fit. */
static bool field(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
            s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
            c = (char)((s[i + 1] - '0') << 6 | (s[i + 2] - '0') << 3 | (s[i + 3] - '0'));
            i += 3;
        }
        if (k + 1 >= cap || c == 0) return false;
        out[k++] = c;
    }
    out[k] = 0;
    return true;
}

/* Parses one line; false when malformed. */
static bool parse_line(const char *s, size_t n, mline *m)
{
    const char *f[64];
    size_t fl[64];
    unsigned nf = 0;
    size_t i = 0;
    while (i < n && nf < 64) {
        while (i < n && s[i] == ' ') i++;
        if (i >= n) break;
        size_t st = i;
        while (i < n && s[i] != ' ') i++;
        f[nf] = s + st;
        fl[nf] = i - st;
        nf++;
    }
    if (nf < 7) return false;
    unsigned dash = 0;
    for (unsigned k = 6; k < nf; k++)
        if (fl[k] == 1 && f[k][0] == '-') { dash = k; break; }
    if (!dash || dash + 1 >= nf) return false;
    char idtext[24];
    if (fl[0] == 0 || fl[0] >= sizeof idtext) return false;
    memcpy(idtext, f[0], fl[0]);
    idtext[fl[0]] = 0;
    char *end;
    m->id = strtoull(idtext, &end, 10);
    if (*end) return false;
    return field(f[4], fl[4], m->point, sizeof m->point) && field(f[dash + 1], fl[dash + 1], m->fstype, sizeof m->fstype);
}

static bool pseudo(const char *t)
{
    static const char *const skip[] = {"proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue", "securityfs",
                                       "debugfs", "tracefs", "bpf", "pstore", "configfs", "fusectl", "binfmt_misc",
                                       "hugetlbfs", "nsfs", NULL};
    for (int i = 0; skip[i]; i++)
        if (!strcmp(t, skip[i])) return true;
    return false;
}

static bool under(const char *point, const char *root)
{
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/') n--;
    return !strncmp(point, root, n) && (point[n] == 0 || point[n] == '/');
}

static bool same_path(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    while (na > 1 && a[na - 1] == '/') na--;
    while (nb > 1 && b[nb - 1] == '/') nb--;
    return na == nb && !memcmp(a, b, na);
}

int pal_mounts_select(const char *text, size_t len, const char *rootfs, pal_mount *out, unsigned max)
{
    mline *m = malloc(sizeof *m);
    if (!m) return -1;
    /* pass 1: is the rootfs itself a mount point (before pivot_root)? */
    bool pre_pivot = false;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
        if (n && parse_line(text + i, n, m) && rootfs && rootfs[0] && same_path(m->point, rootfs)) pre_pivot = true;
        i += n + 1;
    }
    int count = 0;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
        if (n) {
            if (!parse_line(text + i, n, m)) { free(m); return -1; }
            bool take = !pseudo(m->fstype) && (!pre_pivot || under(m->point, rootfs));
            if (take && (unsigned)count < max) {
                out[count].id = m->id;
                memcpy(out[count].point, m->point, sizeof out[count].point);
                count++;
            }
        }
        i += n + 1;
    }
    free(m);
    return count;
}

int pal_mounts_has_id(const char *text, size_t len, uint64_t id)
{
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
        char *end;
        char idtext[24];
        size_t k = 0;
        while (k < n && k < sizeof idtext - 1 && text[i + k] != ' ') { idtext[k] = text[i + k]; k++; }
        idtext[k] = 0;
        if (k && strtoull(idtext, &end, 10) == id && !*end) return 1;
        i += n + 1;
    }
    return 0;
}
