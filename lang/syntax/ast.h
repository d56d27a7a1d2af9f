/*
 * ast.h — the syntax tree the parser builds and the checker annotates.
 *
 * Design. Nodes live in the compiler's arena (one free at the end, no
 * per-node ownership).  Expressions are one node type with a kind; the
 * checker fills `type` and the resolution fields in place, so the compiler
 * reads one annotated tree.  Declarations keep the pieces of their syntax
 * (sections of a runtime block, entries of a firewall) so the formatter and
 * the linter see what the user wrote, and the compiler desugars them.
 */
#ifndef PAL_AST_H
#define PAL_AST_H

#include <stdbool.h>
#include <stdint.h>
#include "lang/syntax/diag.h"
#include "engine/core/schema.h"

/* ---- types (the checker's) ---- */
typedef enum pal_tkind {
    T_ERROR = 0,   /* already reported: suppresses cascades */
    T_BOOL, T_INT, T_STRING, T_PATH, T_DNS, T_IP,
    T_CIDR,        /* an IP literal with a prefix: only right of `in` */
    T_RANGE,       /* lo..hi: only in lists right of `in` */
    T_LIST,        /* elem: scalar kind */
    T_RECORDS,     /* schema: element schema */
    T_RECORD,      /* schema */
    T_VERSION      /* elem: the fields' pal_ver_eco, 0 when each record's ecosystem names it */
} pal_tkind;

typedef struct pal_type {
    uint8_t kind;      /* pal_tkind */
    uint8_t elem;      /* T_LIST: element pal_tkind */
    uint8_t schema;    /* T_RECORDS / T_RECORD */
} pal_type;

/* ---- expressions ---- */
typedef enum pal_nkind {
    N_TRUE = 1, N_FALSE, N_INT, N_STR, N_IP, N_RANGE, N_LIST,
    N_NAME,        /* identifier or dotted path: text */
    N_CALL,        /* text(args) */
    N_FEED,        /* feed("name"): text = name */
    N_NOT, N_NEG, N_AND, N_OR,
    N_EQ, N_NE, N_LT, N_LE, N_GT, N_GE,
    N_ADD, N_SUB, N_MUL, N_DIV, N_MOD,
    N_IN, N_NOTIN, N_LIKE, N_MATCHES, N_CONTAINS, N_STARTSWITH, N_ENDSWITH,
    N_ANY, N_ALL, N_COUNT   /* var (text) in a: b */
} pal_nkind;

/* What a N_NAME resolved to. */
typedef enum pal_ref {
    REF_NONE = 0,
    REF_FIELD,     /* field `field` of the root record */
    REF_VAR,       /* quantifier variable in local `local` */
    REF_VAR_FIELD, /* field `field` of the record in local `local` */
    REF_LIST,      /* a `list` declaration: decl */
    REF_MACRO      /* a `macro` declaration: decl */
} pal_ref;

struct pal_decl;
typedef struct pal_node pal_node;
struct pal_node {
    uint8_t kind;          /* pal_nkind */
    pal_loc loc;
    const char *text;      /* N_STR bytes, N_NAME path, N_CALL/N_FEED name, quantifier var */
    uint32_t len;
    int64_t i, i2;         /* N_INT; N_RANGE lo, hi */
    uint8_t ip[16];        /* N_IP */
    uint8_t prefix;        /* N_IP: prefix bits (32/128 when none given) */
    bool v6, has_prefix;
    bool nocase;           /* a comparison written with `nocase` */
    pal_node *a, *b;       /* operands; quantifier: a = collection, b = body */
    pal_node **items;      /* N_LIST items, N_CALL args */
    uint32_t nitems;
    /* filled by the checker */
    pal_type type;
    uint8_t ref;           /* pal_ref for N_NAME */
    int32_t field;
    int32_t local;
    struct pal_decl *target;
    bool windows_hint;     /* a string constant that is a Windows path */
};

/* ---- declarations ---- */
typedef enum pal_dkind {
    D_LIST = 1, D_MACRO, D_CHECK, D_RULE, D_RUNTIME, D_FIREWALL, D_TEST, D_SEQUENCE
} pal_dkind;

/* One step of a `sequence` (or its `until`): a condition on one event,
   its kinds, and the fields that join it to the other steps (`by`; NULL:
   the sequence's own `by`). */
typedef struct pal_step {
    const char *name;      /* NULL: unnamed (messages cannot name it) */
    pal_loc loc, name_loc;
    unsigned kinds;
    pal_loc kinds_loc;
    bool has_kinds;
    pal_node *expr;
    pal_loc expr_kw_loc;
    pal_node *by;          /* N_LIST of N_NAME, or NULL */
    pal_loc by_loc;
    struct pal_step *next;
} pal_step;

/* What a rule counts over its window (`count ... within`). */
enum { CNT_NONE = 0, CNT_EVENTS, CNT_DISTINCT };

/* `key value` inside a check/rule/runtime block (title, severity, message,
   remediation, rationale, tags, frameworks, mitre, description, ...) */
typedef struct pal_attr {
    const char *key;
    pal_loc loc;           /* of the key */
    pal_node *value;       /* N_STR, N_NAME (bare word), N_LIST, or N_LIST of N_CALL pairs for {k: v} */
    struct pal_attr *next;
} pal_attr;

enum { DIR_ANY = 0, DIR_OUTBOUND, DIR_INBOUND };
enum { ENT_VALUES = 0, ENT_IP, ENT_PORT, ENT_IP_PORT };

/* allow / deny line of a runtime section */
typedef struct pal_entry {
    bool allow;
    int effect;            /* PE_*; 0 when not given */
    pal_loc loc, effect_loc;
    int direction;         /* network: DIR_* */
    int target;            /* ENT_* */
    pal_node *values;      /* N_LIST: names, paths, domains, IPs */
    pal_node *ports;       /* N_LIST of N_INT / N_RANGE */
    struct pal_entry *next;
} pal_entry;

enum { SEC_PROCESS = 0, SEC_NETWORK, SEC_DNS, SEC_FILE, SEC__COUNT };
/* A runtime section decides the events of one kind, and is named after it:
   section s <-> event kind 1 << s (engine/core/schema.h), one table of names. */
_Static_assert(PK_PROCESS == 1u << SEC_PROCESS && PK_NETWORK == 1u << SEC_NETWORK &&
               PK_DNS == 1u << SEC_DNS && PK_FILE == 1u << SEC_FILE, "sections follow event kinds");
static inline unsigned pal_section_kind(int sec) { return 1u << sec; }
static inline const char *pal_section_name(int sec) { return pal_kind_name(1u << sec); }

typedef struct pal_section {
    bool present;
    pal_loc loc;
    pal_entry *entries;
    int default_effect;    /* 0 when not given */
    pal_loc default_loc;
} pal_section;

enum { EP_ANY = 0, EP_IMAGE, EP_SUBNET, EP_HOST, EP_DNS };
enum { PROTO_ANY = 0, PROTO_TCP, PROTO_UDP };

typedef struct pal_endpoint {
    int kind;              /* EP_* */
    pal_node *value;       /* N_STR (image glob, host, dns) or N_IP (subnet) */
    pal_loc loc;
} pal_endpoint;

typedef struct pal_fwentry {
    bool allow;
    int effect;
    pal_loc loc;
    pal_endpoint from, to;
    int proto;
    pal_node *ports;       /* N_LIST of N_INT / N_RANGE; NULL = any port */
    struct pal_fwentry *next;
} pal_fwentry;

/* `given GROUP { key: value, ... }` of a test */
typedef struct pal_given {
    const char *group;     /* process, network, dns, file, container, host, user, event, image, ... */
    pal_loc loc;
    pal_attr *fields;      /* key = relative field name, value = literal */
    struct pal_given *next;
    /* a test of several events: the groups of one `given` are one event
       (event counts from 0); its first group carries `at` */
    uint32_t event;
    bool has_at;
    int64_t at;            /* ms from the test's start */
    pal_loc at_loc;
} pal_given;

typedef struct pal_decl {
    uint8_t kind;          /* pal_dkind */
    pal_loc loc;           /* the keyword */
    const char *name;      /* list/macro identifier, or the quoted name / check ID */
    pal_loc name_loc;
    pal_node *expr;        /* list/macro value; check `fail when`; rule `when` */
    pal_loc expr_kw_loc;
    pal_attr *attrs;
    /* rule: event kinds from `on` */
    unsigned kinds;
    pal_loc kinds_loc;
    bool has_kinds;
    /* runtime */
    pal_node *scope;
    pal_section sections[SEC__COUNT];
    /* firewall */
    pal_fwentry *fw;
    int default_effect;
    pal_loc default_loc;
    /* test */
    pal_given *given;
    int expect_effect;     /* PE_*; PE_FAIL for a failing check; -1 = expect pass */
    const char *expect_by;
    pal_loc expect_loc;
    bool has_expect;
    /* sequence: steps in order, `until`, `unordered`; sequence and counting
       rule: `by` (N_LIST of N_NAME) and `within` (milliseconds) */
    pal_step *steps;
    uint32_t nsteps;
    pal_step *until;
    bool unordered;
    pal_loc unordered_loc;
    pal_node *by;
    pal_loc by_loc;
    int64_t within;
    pal_loc within_loc;
    bool has_within;
    /* counting rule: `count [distinct FIELD] >= N by ... within D` */
    int count_kind;        /* CNT_* */
    pal_node *distinct;    /* CNT_DISTINCT: the N_NAME counted */
    int64_t threshold;     /* matches when the count reaches this (`> N` is stored as N + 1) */
    pal_loc count_loc;
    /* set by the checker */
    struct pal_file *file;
    int visiting;          /* macro cycle detection */
    struct pal_decl *next;
} pal_decl;

typedef struct pal_import {
    const char *path;
    const char *alias;     /* the qualifier: last path element unless `as` */
    pal_loc loc;
    struct pal_file *target;
    struct pal_import *next;
} pal_import;

typedef struct pal_file {
    pal_srcfile *src;
    const char *package;   /* NULL when not declared */
    pal_loc package_loc;
    pal_import *imports;
    pal_decl *decls;
    int visiting;          /* import cycle detection */
} pal_file;

struct pal_arena;
/* Parses one file; diagnostics go to d.  Returns the tree (possibly partial
   when there were errors; check d->errors). */
pal_file *pal_parse(struct pal_arena *a, pal_srcfile *src, uint32_t file_index, pal_diags *d);

/* ---- the token stream, for the formatter and the linter ----
   The tree drops what does not change meaning (comments, parentheses, how a
   literal was spelt); tools that must reproduce or point into the source
   read the tokens instead.  A token is its kind and its bytes
   [begin, end) in the source; kinds are the parser's token numbers
   (grammar.h: NAME, STRING, '{', ...) or one of the comment kinds below,
   which the parser never sees.  The list is in source order and ends
   before the end of file; it is malloc'ed (pal_tokens_free). */
enum { PAL_TOK_LINE_COMMENT = 1, PAL_TOK_BLOCK_COMMENT = 2 };
typedef struct pal_token { int kind; uint32_t begin, end; } pal_token;
typedef struct pal_tokens { pal_token *v; uint32_t n, cap; } pal_tokens;

/* pal_parse that also fills *keep (which must start zeroed). */
pal_file *pal_parse_tokens(struct pal_arena *a, pal_srcfile *src, uint32_t file_index, pal_diags *d,
                           pal_tokens *keep);
void pal_tokens_free(pal_tokens *t);

#endif
