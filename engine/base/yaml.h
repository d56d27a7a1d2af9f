/*
 * yaml.h — the one YAML reader: a document as a small tree with lines.
 *
 * Every YAML palisade reads (framework files, --exceptions, CVE allow
 * lists, .palisade.yaml lint configs, YAML feeds) is untrusted, so there is
 * one reader for all of them and it refuses what none of them need:
 * anchors and aliases (no "billion laughs"), more than one document,
 * duplicate keys, non-scalar keys; it bounds the file size, the node count
 * and the nesting depth (each caller states its limits, or takes the
 * defaults below); every error names FILE:LINE:COL and what to do.
 * Scalars stay text exactly as written: `4.10` is "4.10", `no` is "no",
 * 2027-01-31 is a string — the caller decides what a value means.
 *
 * Ownership: a pal_yaml_doc and every node live in the doc's arena, freed
 * by pal_yaml_free.  On error the doc is already freed.
 */
#ifndef PAL_YAML_H
#define PAL_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include "engine/base/arena.h"

/* Default limits (pal_yaml_limits NULL), and the deepest any caller may ask for. */
#define PAL_YAML_MAX_BYTES      (4u << 20)   /* one file */
#define PAL_YAML_MAX_NODES      200000u      /* scalars + sequences + mappings in one file */
#define PAL_YAML_MAX_DEPTH      32u          /* nesting of sequences and mappings */
#define PAL_YAML_MAX_DEPTH_CAP  64u

typedef struct pal_yaml_limits {
    size_t max_bytes;
    unsigned max_nodes;
    unsigned max_depth;       /* at most PAL_YAML_MAX_DEPTH_CAP */
} pal_yaml_limits;

enum pal_yaml_kind { PAL_YAML_SCALAR = 1, PAL_YAML_SEQ, PAL_YAML_MAP };

typedef struct pal_yaml {
    int kind;                 /* pal_yaml_kind */
    unsigned line, col;       /* 1-based, where the node starts */
    const char *str;          /* PAL_YAML_SCALAR: the value, NUL-terminated */
    size_t len;
    bool plain;               /* PAL_YAML_SCALAR: written without quotes */
    struct pal_yaml **items;  /* PAL_YAML_SEQ: n items; PAL_YAML_MAP: k0 v0 k1 v1 ... */
    unsigned n;               /* PAL_YAML_SEQ: items; PAL_YAML_MAP: pairs */
} pal_yaml;

typedef struct pal_yaml_doc {
    pal_arena arena;
    pal_yaml *root;           /* NULL for an empty document */
    const char *file;         /* as given, for messages */
} pal_yaml_doc;

/* Parses data (len bytes) named `file` in messages, within lim (NULL: the
   defaults).  0, or -1 with "FILE:LINE:COL: what; what to do" in err. */
int pal_yaml_parse(pal_yaml_doc *doc, const char *file, const char *data, size_t len,
                   const pal_yaml_limits *lim, char *err, size_t errcap);
/* Reads the file (bounded by lim->max_bytes) and parses it. */
int pal_yaml_load(pal_yaml_doc *doc, const char *path, const pal_yaml_limits *lim, char *err, size_t errcap);
void pal_yaml_free(pal_yaml_doc *doc);
/* The value of key in a mapping, or NULL. */
const pal_yaml *pal_yaml_get(const pal_yaml *map, const char *key);
/* Checks that every key of map is one of the NULL-terminated `known`;
   -1 with "FILE:LINE:COL: unknown key 'k' in WHAT (known keys: ...)" if not. */
int pal_yaml_known_keys(const pal_yaml_doc *doc, const pal_yaml *map, const char *what,
                        const char *const *known, char *err, size_t errcap);
/* "FILE:LINE:COL: " + message, into err. */
void pal_yaml_error(const pal_yaml_doc *doc, const pal_yaml *at, char *err, size_t errcap,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The document as a cJSON tree (every scalar a string; a mapping gets the
   number member line_key with its line when line_key is not NULL; an empty
   document is an empty object).  NULL when out of memory.  For readers
   that validate YAML and JSON forms of one format with one validator. */
struct cJSON;
struct cJSON *pal_yaml_to_json(const pal_yaml_doc *doc, const char *line_key);

#endif
