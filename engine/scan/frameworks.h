/*
 * frameworks.h — compliance frameworks (CIS Docker, NIST 800-190, PCI DSS,
 * ...) as YAML files that map controls to check IDs, and the small YAML
 * reader that scan's other YAML inputs (--exceptions) share.
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
 * CLI_YAML_MAX_BYTES, nesting deeper than CLI_YAML_MAX_DEPTH and more than
 * CLI_YAML_MAX_NODES nodes; every error names file:line:col and what to do.
 * An unknown key is an error too, so a misspelt `chekcs:` never silently
 * maps nothing.
 *
 * Ownership: a cli_yaml tree, a cli_frameworks set and everything they
 * point to live in one arena each, freed by cli_yaml_free / cli_frameworks_free.
 */
#ifndef PAL_CLI_FRAMEWORKS_H
#define PAL_CLI_FRAMEWORKS_H

#include <stdbool.h>
#include <stddef.h>
#include "engine/base/arena.h"

/* Limits on YAML inputs.  They belong to the scan's inputs, so they live
   here rather than in engine/base/limits.h (another part of the tree). */
#define CLI_YAML_MAX_BYTES  (4u << 20)   /* one framework or exceptions file */
#define CLI_YAML_MAX_NODES  200000u      /* scalars + sequences + mappings in one file */
#define CLI_YAML_MAX_DEPTH  32u          /* nesting of sequences and mappings */
#define CLI_MAX_FRAMEWORKS  256u         /* framework files loaded at once */

/* ---- a YAML document as a tree ---- */

enum cli_yaml_kind { CY_SCALAR = 1, CY_SEQ, CY_MAP };

typedef struct cli_yaml {
    int kind;                 /* cli_yaml_kind */
    unsigned line, col;       /* 1-based, where the node starts */
    const char *str;          /* CY_SCALAR: the value, NUL-terminated */
    size_t len;
    bool plain;               /* CY_SCALAR: written without quotes */
    struct cli_yaml **items;  /* CY_SEQ: n items; CY_MAP: n keys and values, k0 v0 k1 v1 ... */
    unsigned n;               /* CY_SEQ: items; CY_MAP: pairs */
} cli_yaml;

typedef struct cli_yaml_doc {
    pal_arena arena;
    cli_yaml *root;           /* NULL for an empty document */
    const char *file;         /* as given, for messages */
} cli_yaml_doc;

/* Parses data (len bytes) named `file` in messages.  0, or -1 with
   "FILE:LINE:COL: what; what to do" in err (doc is then freed). */
int cli_yaml_parse(cli_yaml_doc *doc, const char *file, const char *data, size_t len,
                   char *err, size_t errcap);
/* Reads the file and parses it (errors name the file). */
int cli_yaml_load(cli_yaml_doc *doc, const char *path, char *err, size_t errcap);
void cli_yaml_free(cli_yaml_doc *doc);
/* The value of key in a mapping, or NULL. */
const cli_yaml *cli_yaml_get(const cli_yaml *map, const char *key);
/* Checks that every key of map is one of the NULL-terminated `known`;
   -1 with "FILE:LINE:COL: unknown key 'k' in WHAT (known: ...)" if not. */
int cli_yaml_known_keys(const cli_yaml_doc *doc, const cli_yaml *map, const char *what,
                        const char *const *known, char *err, size_t errcap);
/* "FILE:LINE:COL: " + message, into err. */
void cli_yaml_error(const cli_yaml_doc *doc, const cli_yaml *at, char *err, size_t errcap,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- frameworks ---- */

typedef struct cli_fw_control {
    const char *id, *title;
    const char **checks;      /* check IDs */
    unsigned nchecks;
    unsigned line;            /* where the control starts in its file */
} cli_fw_control;

typedef struct cli_framework {
    const char *key, *title, *version;
    const char *file;         /* where it was read from */
    cli_fw_control *controls;
    unsigned ncontrols;
    bool user;                /* from --frameworks-dir, not built in */
} cli_framework;

typedef struct cli_frameworks {
    pal_arena arena;
    cli_framework *fw;
    unsigned n, cap;
} cli_frameworks;

void cli_frameworks_init(cli_frameworks *s);
void cli_frameworks_free(cli_frameworks *s);
/* Adds the framework in data (file names it in messages).  A key already
   loaded is an error naming both files. */
int cli_frameworks_add(cli_frameworks *s, const char *file, const char *data, size_t len,
                       bool user, char *err, size_t errcap);
/* Every *.yaml / *.yml file in dir (not recursive), in name order. */
int cli_frameworks_add_dir(cli_frameworks *s, const char *dir, char *err, size_t errcap);
const cli_framework *cli_frameworks_find(const cli_frameworks *s, const char *key);

#endif
