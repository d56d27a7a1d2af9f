/*
 * compile.h — the compiler's internal state, shared by the checker
 * (checker.c: names and types) and the code generator (compiler.c).
 *
 * One pal_cc lives for one compilation.  Everything it allocates for the
 * tree and the symbol tables is in its arena; the program it builds is
 * malloc'ed array by array (program.h's ownership rule) and handed over.
 */
#ifndef PAL_COMPILE_H
#define PAL_COMPILE_H

#include "lang/syntax/ast.h"
#include "lang/compile/palc.h"
#include "engine/base/arena.h"
#include "engine/core/schema.h"
#include "engine/base/limits.h"

typedef struct pal_strmap_entry {
    const char *key;
    uint32_t len;
    void *value;
    struct pal_strmap_entry *next;
} pal_strmap_entry;

typedef struct pal_strmap {
    pal_strmap_entry **buckets;
    uint32_t nbuckets, count;
} pal_strmap;

/* A constant list item, after list names and feeds are flattened. */
enum { CV_STR = 1, CV_INT, CV_RANGE, CV_IP };
typedef struct pal_cval {
    uint8_t kind;
    bool v6;
    uint8_t prefix;
    const char *s;
    uint32_t len;
    int64_t lo, hi;
    uint8_t ip[16];
    pal_loc loc;
} pal_cval;

typedef struct pal_cvals { pal_cval *v; uint32_t n, cap; bool ok; } pal_cvals;

typedef struct pal_scope_var {
    const char *name;
    uint32_t len;
    int local;             /* the element's local (ITER base + 2) */
    pal_type type;
} pal_scope_var;

typedef struct pal_cc {
    pal_arena arena;
    pal_diags diags;
    const pal_compile_opts *opts;
    pal_srcfile **files;
    pal_file **asts;
    uint32_t nfiles;
    pal_strmap names;      /* "package\x1fname" -> list/macro decl */
    pal_strmap rules;      /* rule/check/runtime/firewall name -> decl */
    pal_strmap feeds;      /* feed path -> pal_cvals* */
    pal_strmap seen_diags; /* dedupe: one report per code and place */

    /* the rule being checked / generated */
    pal_decl *cur;
    pal_file *curfile;
    int root;              /* pal_schema_id */
    unsigned kinds;        /* PK_* mask the rule runs on */
    bool infer_kinds;      /* rule without `on`: collect field kinds */
    unsigned inferred;
    pal_scope_var scope[PAL_MAX_LOCALS];
    int nscope;
    int nlocals;
    int depth;
    bool depth_reported;
    /* where the last rule line was computed: src_line without rescanning */
    const pal_srcfile *line_file;
    uint32_t line_off, line_no;

    /* the program being built */
    pal_program *p;
    uint32_t cap_code, cap_consts, cap_matchers, cap_mitems, cap_rules, cap_outcomes,
             cap_msgparts, cap_meta, cap_sources, cap_strings;
    int stack, max_stack;  /* while generating one chunk */
    bool gen_failed;
} pal_cc;

/* strmap */
void *pal_strmap_get(const pal_strmap *m, const char *key, size_t len);
int pal_strmap_put(pal_cc *cc, pal_strmap *m, const char *key, size_t len, void *value);

/* diagnostics, deduplicated by (code, place) */
void cc_error(pal_cc *cc, const char *code, pal_loc loc, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void cc_warn(pal_cc *cc, const char *code, pal_loc loc, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* checker.c */
void pal_check_all(pal_cc *cc);
pal_type pal_check_expr(pal_cc *cc, pal_node *n);
bool pal_check_cond(pal_cc *cc, pal_node *n);   /* a bool expression; reports otherwise */
void pal_rule_context(pal_cc *cc, pal_decl *d, int root, unsigned kinds);
int pal_scope_push(pal_cc *cc, const char *name, uint32_t len, pal_type t, pal_loc loc);
void pal_scope_pop(pal_cc *cc);
/* Flattens a constant list (literal items, list names, feeds) into out.
   Returns false (and reports) when an item is not a constant. */
bool pal_const_list(pal_cc *cc, pal_node *n, pal_cvals *out);
const char *pal_package_of(pal_cc *cc, pal_file *f);
bool pal_is_strlike(int kind);
pal_type pal_type_of_field(const pal_field *f);
const char *pal_type_name(pal_type t);
const char *pal_type_article(pal_type t);
int pal_cvals_elem(const pal_cvals *cv);
pal_node *pal_message_holes(pal_cc *cc, pal_node *msg, uint32_t *n);

#endif
