/*
 * oci.h — what palisade learns about a container from its runtime: the OCI
 * state a runtime hands its hooks on standard input (runc, crun,
 * containerd's shims and podman all pass the same document), the bundle's
 * config.json, and runc's own state.json (how a restarted agent finds the
 * containers already running).
 *
 * All three are read as hostile input with the strict JSON reader
 * (engine/base/json.h): bounded size and depth, every string bounded and
 * NUL-free, unknown members skipped, a missing required member an error
 * that names it.  Nothing here touches the file system except the loaders
 * at the bottom, which read at most PAL_OCI_MAX_DOC bytes.
 */
#ifndef PAL_ENFORCE_OCI_H
#define PAL_ENFORCE_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PAL_OCI_MAX_DOC    (4u << 20)   /* one state or config document */
#define PAL_OCI_MAX_ID     128u         /* container id bytes */
#define PAL_OCI_MAX_PATH   4096u
#define PAL_OCI_MAX_IMAGE  1024u

typedef struct pal_oci_container {
    char id[PAL_OCI_MAX_ID + 1];
    char status[32];                 /* "creating", "created", "running", "stopped" ("" unknown) */
    pid_t pid;                       /* the container's init, in the host's pid namespace; 0 unknown */
    char bundle[PAL_OCI_MAX_PATH];   /* absolute bundle directory ("" unknown) */
    char rootfs[PAL_OCI_MAX_PATH];   /* absolute root file system ("" unknown) */
    char image[PAL_OCI_MAX_IMAGE];   /* from the annotations ("" unknown) */
    char netns[PAL_OCI_MAX_PATH];    /* a network namespace path given in the config ("" none) */
    char cgroup[PAL_OCI_MAX_PATH];   /* linux.cgroupsPath ("" none) */
    bool own_netns;                  /* the config asks for a network namespace (with or without a path) */
} pal_oci_container;

/* The annotations that name an image, in the order they are preferred:
   the OCI image spec's, CRI's (containerd, CRI-O), podman's, nerdctl's. */
extern const char *const pal_oci_image_annotations[];

/* The OCI state: {"ociVersion","id","status","pid","bundle","annotations"}.
   id is required and must be a valid container id (letters, digits and
   "_+-."; what runc accepts); pid is required unless status is "stopped"
   or "creating".  Fills *c (zeroed first).  Returns 0, or -1 with err. */
int pal_oci_state_parse(const char *text, size_t len, pal_oci_container *c, char *err, size_t cap);

/* A bundle's config.json: root.path (made absolute against the bundle),
   linux.namespaces (the network one), linux.cgroupsPath, and annotations
   (an image name only where *c has none yet).  Returns 0, or -1 with err. */
int pal_oci_config_parse(const char *text, size_t len, pal_oci_container *c, char *err, size_t cap);

/* runc's state.json (ROOT/ID/state.json): id, init_process_pid,
   config.rootfs, config.labels ("bundle=DIR"), config.namespaces and
   config.cgroup_paths are read.  Returns 0, or -1 with err. */
int pal_oci_runc_state_parse(const char *text, size_t len, pal_oci_container *c, char *err, size_t cap);

/* Is s a container id runc would accept?  (Also what keeps an id safe in a
   path and an nftables comment.) */
bool pal_oci_id_ok(const char *s, size_t n);

/* Reads bundle/config.json into *c (pal_oci_config_parse).  Errors name the file. */
int pal_oci_config_load(pal_oci_container *c, char *err, size_t cap);

#endif
