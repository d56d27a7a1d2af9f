/*
 * sigma_int.h — the field mapping as sigma.c reads it (sigma_map.c builds
 * it from YAML).  Internal to lang/tools/sigma*.c.
 */
#ifndef PAL_SIGMA_INT_H
#define PAL_SIGMA_INT_H

#include "lang/tools/sigma.h"
#include "engine/base/arena.h"
#include <stdbool.h>

enum sigma_map_kind {
    SM_FIELD = 1,   /* one palisade field */
    SM_SPLIT,       /* DOMAIN\NAME written into two fields (User) */
    SM_HASHES,      /* "MD5=…,SHA256=…" written into one field per algorithm */
    SM_VALUES       /* one field, Sigma's values translated by a table */
};

enum { SM_MD5, SM_SHA1, SM_SHA256, SM_IMPHASH, SM__NHASH };

typedef struct sigma_field_map {
    const char *sigma;              /* the Sigma field name */
    int kind;                       /* sigma_map_kind */
    const char *target;             /* SM_FIELD, SM_VALUES */
    const char *split[2];           /* SM_SPLIT: the domain field, the name field */
    const char *hash[SM__NHASH];    /* SM_HASHES: a field per algorithm (NULL: none) */
    const char **from, **to;        /* SM_VALUES */
    unsigned nvalues;
} sigma_field_map;

typedef struct sigma_source {
    const char *product, *category, *service;   /* what it matches; NULL: anything */
    const char *kind;               /* `on KIND`, or NULL (the compiler infers it) */
    const char *when;               /* a palisade condition every rule of it gets, or NULL */
    const char **channels;          /* `channel:` the Windows channels its records are in (none: any);
                                       the converter tests winlog.channel and checks EventIDs against them */
    unsigned nchannels;
    sigma_field_map *fields;        /* on top of the common fields */
    unsigned nfields;
    const char **keywords;          /* fields a keyword (field-less) search reads */
    unsigned nkeywords;
    bool keywords_all;              /* `keywords: all`: every text field of the kind */
    unsigned line;
} sigma_source;

struct pal_sigma_map {
    pal_arena arena;
    const char *file;
    sigma_field_map *fields;        /* common to every logsource */
    unsigned nfields;
    sigma_source *sources;          /* first match wins */
    unsigned nsources;
    const char *fallback;           /* prefix for an unnamed field ("winlog.event_data."), or NULL */
    bool keywords_all;              /* top-level `keywords: all`, for entries that name none */
};

/* The first logsource entry matching the rule's (NULL values: not given). */
const sigma_source *sigma_map_source(const pal_sigma_map *m, const char *product, const char *category,
                                     const char *service);
/* The mapping of a Sigma field under src, or NULL. */
const sigma_field_map *sigma_map_field(const pal_sigma_map *m, const sigma_source *src, const char *name);

#endif
