/*
 * mounts.h — a container's mounts, from /proc/PID/mountinfo, and which of
 * them carry its files (the ones exec permission marks go on).
 *
 * A createRuntime hook runs before pivot_root: the container's mount
 * namespace then still holds copies of the host's mounts, and the
 * container's own are at and under its rootfs path.  Later (poststart, an
 * agent picking containers up after a restart) the namespace holds only
 * the container's mounts, at their in-container paths.  So: when some
 * mount point is the rootfs path, the mounts at and under it are taken
 * (with their paths as they are then); otherwise all of them are.
 * Pseudo file systems nobody executes from (proc, sysfs, cgroup, devpts,
 * mqueue, ...) are left out.
 */
#ifndef PAL_ENFORCE_MOUNTS_H
#define PAL_ENFORCE_MOUNTS_H

#include <stddef.h>
#include <stdint.h>

#define PAL_MAX_CONTAINER_MOUNTS 256u

typedef struct pal_mount {
    uint64_t id;
    char point[4096];     /* unescaped mount point */
} pal_mount;

/* Parses mountinfo text; fills up to max mounts the rules above select
   for rootfs.  Returns the number selected, or -1 on a malformed line. */
int pal_mounts_select(const char *text, size_t len, const char *rootfs, pal_mount *out, unsigned max);

/* Does mountinfo text list mount id?  (Is that mount in this namespace?) */
int pal_mounts_has_id(const char *text, size_t len, uint64_t id);

#endif
