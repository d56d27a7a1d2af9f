/*
 * check.h — the checker: the compilation context, and what the checker
 * does with it (the files of lang/check).
 *
 * Stages.  The driver (lang/compile/driver.c) parses every file, then hands
 * the trees to the checker: repo.c enters every declaration in the symbol
 * tables and resolves imports; checker.c resolves names and types in each
 * rule; feeds.c turns feed("name") into constants; tests.c checks `test`
 * blocks and, when asked, builds their inputs.  The code generator
 * (lang/compile/) reads the annotated trees.  The checker never generates
 * code; the generator never reports a name or type error.
 *
 * One pal_cc lives for one compilation.  Everything it allocates for the
 * tree and the symbol tables is in its arena; the program the generator
 * builds (the fields at the end, which only lang/compile/ touches) is
 * malloc'ed array by array (program.h's ownership rule) and handed over.
 */
#ifndef PAL_CHECK_H
#define PAL_CHECK_H

#include "lang/syntax/ast.h"
#include "lang/syntax/options.h"
#include "engine/vm/program.h"
#include "engine/base/arena.h"
#include "engine/base/strmap.h"
#include "engine/core/schema.h"
#include "engine/base/limits.h"
#include "engine/vm/opcodes.h"

/* A source the program was built from (a .pal file or a feed), for the
   manifest: recorded by the checker in reading order, written into the
   program by the driver. */
typedef struct pal_source_rec {
    const char *path;
    char sha256[65];
    struct pal_source_rec *next;
} pal_source_rec;

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
    pal_source_rec *sources, **sources_tail;

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
             cap_msgparts, cap_meta, cap_sources, cap_strings, cap_netrules, cap_seqs, cap_seqparts;
    int stack, max_stack;  /* while generating one chunk */
    bool gen_failed;
} pal_cc;

/* diagnostics, deduplicated by (code, place) */
void pal_cc_error(pal_cc *cc, const char *code, pal_loc loc, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void pal_cc_warn(pal_cc *cc, const char *code, pal_loc loc, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* repo.c: the symbol tables of the whole repo */
void pal_check_declare(pal_cc *cc, pal_file *f);      /* lists, macros, rule names; duplicates */
void pal_check_imports(pal_cc *cc, pal_file *f);      /* import paths -> files */
void pal_check_import_cycles(pal_cc *cc, pal_file *f);
/* Records a source for the manifest (path copied, SHA-256 of data). */
void pal_cc_add_source(pal_cc *cc, const char *path, const char *data, size_t len);

/* feeds.c: feed("name") -> constants, read once per compilation through
   the compile options' reader.  NULL (and reported) when the feed is
   missing or malformed: a feed that cannot be read is always an error. */
pal_cvals *pal_load_feed(pal_cc *cc, pal_node *call, const char *name, uint32_t len);

/* tests.c: `test` blocks.  Every compile checks them (so build and lint
   see a test's mistakes); `palisade test` also builds their inputs. */
struct pal_testset;
void pal_check_test(pal_cc *cc, pal_decl *d);
/* Builds the input of test d (already checked without errors) and keeps it. */
void pal_testset_add(struct pal_testset *ts, pal_cc *cc, pal_decl *d);
/* After every declaration: the targets, and each test's `by` target. */
void pal_testset_finish(struct pal_testset *ts, pal_cc *cc);

/* checker.c: the functions a policy may call — the VM's builtins
   (PAL_BUILTINS, engine/vm/opcodes.h), plus exists() (its own opcode) and
   feed() (a constant list) — in one table that the checker types calls
   with and the generator compiles them from. */
enum { PAL_FN_EXISTS = PAL_BI__COUNT, PAL_FN_FEED,
       PAL_FN_ENCODE /* windash() base64() ...: a constant list (encode.h) */ };
typedef struct pal_function {
    const char *name;
    uint8_t argc;
    int id;                /* PAL_BI_* (compiled to OP_CALL id), PAL_FN_EXISTS or PAL_FN_FEED */
} pal_function;
const pal_function *pal_function_find(const char *name, size_t len);   /* NULL: unknown */

/* checker.c */
void pal_check_all(pal_cc *cc);
pal_type pal_check_expr(pal_cc *cc, pal_node *n);
bool pal_check_cond(pal_cc *cc, pal_node *n);   /* a bool expression; reports otherwise */
void pal_rule_context(pal_cc *cc, pal_decl *d, int root, unsigned kinds);
int pal_scope_push(pal_cc *cc, const char *name, uint32_t len, pal_type t, pal_loc loc);
void pal_scope_pop(pal_cc *cc);
/* Flattens a constant list (literal items, list names, feeds) into out.
   Returns false (and reports) when an item is not a constant or the kinds
   mix; out is then empty, with nothing to free.  On success the caller
   frees out->v. */
bool pal_const_list(pal_cc *cc, pal_node *n, pal_cvals *out);
const char *pal_package_of(pal_cc *cc, pal_file *f);
/* The field of s nearest to name, for a "did you mean" hint; NULL if none. */
const char *pal_nearest_field(const pal_schema *s, const char *name, size_t len);
bool pal_is_strlike(int kind);
pal_type pal_type_of_field(const pal_field *f);
const char *pal_type_name(pal_type t);
const char *pal_type_article(pal_type t);
int pal_cvals_elem(const pal_cvals *cv);
pal_node *pal_message_holes(pal_cc *cc, pal_node *msg, uint32_t *n);

#endif
