/*
 * schema.h — the shapes of the inputs policies are checked against.
 *
 * Design. The checker types every field a policy names against these
 * tables, and the compiler turns a field into its index here, so the tables
 * are the contract between the language, the decoders and the VM:
 *
 *   - PS_EVENT is one flat schema for all runtime events, in ECS field names.
 *     Each field says in which event kinds it can appear (`kinds`), so a
 *     `rule ... on process` that reads `dns.question.name` is a compile error.
 *   - PS_IMAGE is the root of an image inventory; its collections
 *     (image.files, image.packages, ...) hold records of the other schemas.
 *
 * A field has a language name (what policies write) and a JSON path (where
 * the decoders find it; `palisade inventory` writes the same shape).
 *
 * Field indices are part of the bundle format: a bundle records
 * pal_schema_digest() and is refused by a binary whose schemas differ.
 * Append fields; never reorder them without bumping the digest.
 */
#ifndef PAL_SCHEMA_H
#define PAL_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

/* Language-level types of fields (the checker's view). */
typedef enum pal_ftype {
    PT_NONE = 0,
    PT_BOOL,
    PT_INT,
    PT_STRING,
    PT_PATH,     /* string; Windows paths compare without case, '\' == '/' */
    PT_DNS,      /* string; a domain name, always compared without case */
    PT_IP,
    PT_LIST,     /* list of scalars; elem = element pal_ftype */
    PT_RECORDS,  /* collection of records; elem = pal_schema_id */
    PT_VERSION   /* string ordered by its ecosystem's rules (engine/core/version.h);
                    elem = the pal_ver_eco, or 0: the record's "ecosystem" field names it */
} pal_ftype;

/* Event kinds, as a bitmask (a u8 in bundles: at most 8 kinds).  The first
   four have runtime sections (lang/syntax/ast.h); the others are for rules.
   A kind is an ECS event.category, as the Winlogbeat modules assign them
   (engine/core/winevents.h maps every Windows event onto one). */
enum {
    PK_PROCESS  = 1u << 0,
    PK_NETWORK  = 1u << 1,
    PK_DNS      = 1u << 2,
    PK_FILE     = 1u << 3,
    PK_REGISTRY = 1u << 4,   /* registry keys and values (Sysmon 12, 13, 14) */
    PK_LIBRARY  = 1u << 5,   /* images loaded: DLLs (Sysmon 7) and drivers (6) */
    PK_AUTH     = 1u << 6,   /* "authentication": logons (Security 4624, 4625, 4648) */
    PK_CONFIG   = 1u << 7,   /* "configuration": service installs (System 7045) */
    PK_ALL      = 0xffu
};
#define PAL_NKINDS 8u

typedef enum pal_schema_id {
    PS_EVENT = 0,
    PS_IMAGE,
    PS_FILE,
    PS_PACKAGE,
    PS_USER,
    PS_GROUP,
    PS_HISTORY,
    PS_KV,
    PS_VULN,
    PS__COUNT
} pal_schema_id;

typedef struct pal_field {
    const char *name;  /* language name, relative to the record: "process.name" */
    const char *json;  /* dotted JSON path; NULL means the same as name */
    uint8_t type;      /* pal_ftype */
    uint8_t elem;      /* PT_LIST: element pal_ftype; PT_RECORDS: pal_schema_id;
                          PT_VERSION: pal_ver_eco, 0 for the record's "ecosystem" */
    uint8_t kinds;     /* PS_EVENT only: PK_* mask of kinds that carry it */
} pal_field;

typedef struct pal_schema {
    const char *name;
    const pal_field *fields;
    uint16_t nfields;
    uint8_t id;
} pal_schema;

const pal_schema *pal_schema_get(unsigned id);
/* Field index of `name` in `s`, or -1. */
int pal_schema_find(const pal_schema *s, const char *name, size_t len);
/* The JSON path of field i (its language name when no other is given). */
const char *pal_field_json(const pal_field *f);
/* A digest of every table, stored in bundles (FNV-1a 64). */
uint64_t pal_schema_digest(void);
/* Event kind names: "process", "network", "dns", "file", "registry",
   "library", "authentication", "configuration". */
const char *pal_kind_name(unsigned kind_bit);
int pal_kind_from_name(const char *name, size_t len);   /* PK_* or 0 */
const char *pal_ftype_name(unsigned t);

#endif
