/*
 * frameworks.h — compliance frameworks (CIS Docker, NIST 800-190, PCI DSS,
 * ...) as YAML files that map controls to check IDs, and the small YAML
 * files are read with the one YAML reader (engine/base/yaml.h).
 *
 * A framework file (checks/frameworks/NAME.yaml, embedded in the binary, plus
 * the user's --frameworks-dir):
 *
 *   framework: cis_docker          # key: check `frameworks { cis_docker: "4.1" }`, --framework
 *   title: CIS Docker Benchmark
 *   version: "1.6.0"
 *   controls:
 *     - id: "4.1"
 *       title: Ensure that a user for the container has been created
 *       checks: [PAL-0041]
 *
 * YAML files are untrusted: the reader refuses anchors and aliases (no
 * "billion laughs"), more than one document, duplicate keys, files over
 * PAL_YAML_MAX_BYTES, nesting deeper than PAL_YAML_MAX_DEPTH and more than
 * PAL_YAML_MAX_NODES nodes; every error names file:line:col and what to do.
 * An unknown key is an error too, so a misspelt `chekcs:` never silently
 * maps nothing.
 *
 * Ownership: a pal_yaml tree, a pal_frameworks set and everything they
 * point to live in one arena each, freed by pal_yaml_free / pal_frameworks_free.
 */
#ifndef PAL_FRAMEWORKS_H
#define PAL_FRAMEWORKS_H

#include <stdbool.h>
#include <stddef.h>
#include "engine/base/arena.h"
#include "engine/base/yaml.h"

#define PAL_MAX_FRAMEWORKS  256u         /* framework files loaded at once */

/* ---- frameworks ---- */

typedef struct pal_fw_control {
    const char *id, *title;
    const char **checks;      /* check IDs */
    unsigned nchecks;
    unsigned line;            /* where the control starts in its file */
} pal_fw_control;

typedef struct pal_framework {
    const char *key, *title, *version;
    const char *file;         /* where it was read from */
    pal_fw_control *controls;
    unsigned ncontrols;
    bool user;                /* from --frameworks-dir, not built in */
} pal_framework;

typedef struct pal_frameworks {
    pal_arena arena;
    pal_framework *fw;
    unsigned n, cap;
} pal_frameworks;

void pal_frameworks_init(pal_frameworks *s);
void pal_frameworks_free(pal_frameworks *s);
/* Adds the framework in data (file names it in messages).  A key already
   loaded is an error naming both files. */
int pal_frameworks_add(pal_frameworks *s, const char *file, const char *data, size_t len,
                       bool user, char *err, size_t errcap);
/* Every *.yaml / *.yml file in dir (not recursive), in name order. */
int pal_frameworks_add_dir(pal_frameworks *s, const char *dir, char *err, size_t errcap);
const pal_framework *pal_frameworks_find(const pal_frameworks *s, const char *key);

#endif
