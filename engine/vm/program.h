/*
 * program.h — a compiled policy set, as the VM runs it.
 *
 * Design. A program is flat arrays indexed by uint32 — code, constants,
 * matchers, rules, outcomes, message parts, metadata — plus one string
 * blob.  Nothing points anywhere but into its own arrays, so a bundle file
 * (engine/vm/bundle.c) is these arrays written out, and reading one back is
 * bounds-checked copying.  pal_verify() (engine/vm/verify.c) checks every
 * index and jump before any program, freshly compiled or loaded, may run.
 *
 * A *rule* is anything that decides: a `check` over an inventory, a `rule`,
 * each section of a `runtime` block, a `firewall` block.  Its code runs
 * against one record and EMITs outcomes; an outcome carries the effect,
 * severity and message template.  A `firewall` block EMITs at most one
 * outcome (first match wins); a check whose condition is `any x in ...`
 * EMITs once per matching element, so a finding names the file it is about.
 *
 * Ownership: the program owns every array and the string blob; load-time
 * structures (hash tables, compiled regexes) hang off `matchers[i].rt` and
 * are freed by pal_program_free().
 */
#ifndef PAL_PROGRAM_H
#define PAL_PROGRAM_H

#include <stdint.h>
#include <stddef.h>
#include "engine/core/value.h"

typedef uint32_t pal_instr;

/* A string in the program's blob: strings[off .. off+len), NUL at off+len. */
typedef struct pal_str { uint32_t off, len; } pal_str;

enum pal_effect { PE_NONE = 0, PE_ALLOW = 1, PE_ALERT = 2, PE_PREVENT = 3, PE_BLOCK = 4, PE_FAIL = 5 };
enum pal_severity { SEV_NONE = 0, SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };
/* PR_STEP: one step (or the `until`) of a correlation (pal_seq below): its
   code EMITs outcome 0 when the event satisfies the step; it never makes a
   match of its own. */
enum pal_rule_kind { PR_CHECK = 1, PR_RULE, PR_RUNTIME, PR_FIREWALL, PR_STEP };

enum pal_matcher_kind {
    PM_STRSET = 1,  /* exact strings; hash table built at load */
    PM_GLOBSET,     /* `like` globs: * ** ? */
    PM_DNSSET,      /* domain names and *.suffix wildcards */
    PM_CIDRSET,     /* addresses and prefixes */
    PM_RANGESET,    /* integer ranges lo..hi (ports) */
    PM_REGEX        /* one PCRE2 pattern (items[0]), JIT-compiled at load */
};
#define PMF_NOCASE   0x01u  /* compare without ASCII case (domains) */
#define PMF_PATHGLOB 0x02u  /* glob `*` stops at path separators */

typedef struct pal_mitem {
    pal_str s;           /* STRSET GLOBSET DNSSET REGEX */
    int64_t lo, hi;      /* RANGESET */
    uint8_t ip[16];      /* CIDRSET */
    uint8_t prefix;      /* CIDRSET: prefix length in bits */
    uint8_t v6;          /* CIDRSET: 1 = IPv6 */
} pal_mitem;

typedef struct pal_matcher {
    uint8_t kind;        /* pal_matcher_kind */
    uint8_t flags;       /* PMF_* */
    uint32_t first, count;  /* mitems[first .. first+count) */
    void *rt;            /* built at load (engine/vm/matcher.c); not serialized */
} pal_matcher;

typedef struct pal_msgpart {
    uint8_t is_expr;     /* 0: literal text s; 1: expression code */
    pal_str s;
    uint32_t code, code_len;   /* is_expr: chunk ending in HALT with 1 value */
} pal_msgpart;

typedef struct pal_outcome {
    uint8_t effect;      /* pal_effect */
    uint8_t severity;    /* pal_severity */
    pal_str label;       /* what matched: "deny process cmd.exe", firewall entry text */
    uint32_t msg_first, nmsg;  /* msgparts[...] */
} pal_outcome;

typedef struct pal_meta { pal_str key, value; } pal_meta;

typedef struct pal_rule {
    pal_str name;        /* rule name or check ID */
    uint8_t kind;        /* pal_rule_kind */
    uint8_t kinds;       /* PK_* events the rule reads; 0 for checks */
    uint8_t root;        /* pal_schema_id of the record it runs on */
    uint16_t nlocals;
    uint16_t max_stack;  /* deepest stack of its code and message chunks */
    uint32_t code, code_len;
    uint32_t outcome_first, noutcomes;
    uint32_t meta_first, nmeta;   /* title, severity, frameworks.*, ... */
    pal_str src_file;
    uint32_t src_line;
} pal_rule;

typedef struct pal_source { pal_str path, sha256; } pal_source;

/* A network entry as nftables can enforce it without running the VM
   (engine/enforce/nft.h): the entries and the default of every runtime
   network section and firewall block, in source order, with the matchers
   their code uses.  The compiler records them beside the bytecode because
   the bytecode alone does not say which addresses and ports a rule names;
   the VM still decides every event (and every packet an entry logs), so
   this table only says what the kernel may stop on its own.

   For a runtime section the entry's address is the remote end (dst_*,
   the destination of outbound traffic, the source of inbound); for a
   firewall entry src_* and dst_* are its two endpoints.  The rule's scope
   is a chunk of its own (scope_code/scope_len, ending in HALT with one
   value, like a message expression; length 0: no scope) so that an
   enforcer can ask, per container, whether the block applies at all. */
enum pal_net_action { PNA_DENY = 1, PNA_ALLOW, PNA_DEFAULT };
enum pal_net_end {
    PNE_ANY = 0,    /* any address */
    PNE_CIDR,       /* m: a CIDRSET */
    PNE_IMAGE,      /* m: a GLOBSET over container image names (firewall) */
    PNE_NAME        /* a host or DNS name (firewall): not known to the kernel */
};
enum pal_net_dir { PND_ANY = 0, PND_OUT, PND_IN };
enum pal_net_proto { PNP_ANY = 0, PNP_TCP, PNP_UDP };
#define PAL_NET_NONE UINT32_MAX

typedef struct pal_netrule {
    uint32_t rule;        /* a PR_RUNTIME network section or a PR_FIREWALL block */
    uint32_t outcome;     /* absolute outcome index; PAL_NET_NONE for a runtime allow */
    uint8_t action;       /* pal_net_action */
    uint8_t effect;       /* pal_effect (PE_ALLOW for allows) */
    uint8_t direction;    /* pal_net_dir */
    uint8_t proto;        /* pal_net_proto */
    uint8_t src_kind, dst_kind;   /* pal_net_end */
    uint32_t src_m, dst_m;        /* matchers of the endpoints (PAL_NET_NONE for ANY/NAME) */
    uint32_t port_m;              /* RANGESET over destination.port, or PAL_NET_NONE */
    uint32_t scope_code, scope_len;
} pal_netrule;
/* A correlation: a rule over several events (engine/runtime/seq.h has the
   semantics).  Its steps are ordinary rules of kind PR_STEP,
   rules[step_first .. step_first + nsteps), then the `until` step when
   has_until; the runtime runs them like any rule and hands their hits to
   the correlation state.  Its parts are, in order: the group key fields of
   every step (nkeys per step, steps in order, the until last), for
   PQ_DISTINCT the field counted, then the chain's message.  A message hole
   that names a step's field is a *capture*: outcome `index` (>= 1) of that
   step's rule, rendered when the step's event is seen and kept with the
   partial match, so the message can show fields of every member event. */
enum pal_seq_type { PQ_SEQUENCE = 1, PQ_UNORDERED, PQ_COUNT, PQ_DISTINCT };
enum pal_seqpart_kind { SQP_KEY = 1, SQP_DISTINCT, SQP_TEXT, SQP_CAPTURE };

typedef struct pal_seqpart {
    uint8_t kind;        /* pal_seqpart_kind */
    uint8_t step;        /* KEY, CAPTURE: the step (nsteps = the until) */
    uint16_t index;      /* KEY, DISTINCT: PS_EVENT field; CAPTURE: outcome of the step's rule */
    pal_str text;        /* TEXT */
} pal_seqpart;

typedef struct pal_seq {
    uint8_t type;        /* pal_seq_type */
    uint8_t nsteps;      /* 2..PAL_MAX_SEQ_STEPS for sequences; 1 for counts */
    uint8_t has_until;
    uint8_t nkeys;       /* 0..PAL_MAX_SEQ_KEYS */
    uint8_t effect, severity;
    uint32_t step_first;
    uint32_t part_first, nparts;
    int64_t within;      /* the window, milliseconds (> 0) */
    int64_t threshold;   /* PQ_COUNT, PQ_DISTINCT: matches at this count (1..PAL_MAX_SEQ_THRESHOLD) */
} pal_seq;

/* Hints for the rule index (engine/runtime/index.h), as the build found
   them: per rule a state (the index's pal_index_state: 0 always run,
   1 indexed, 2 never, 3 not an event rule) and the atoms its keys come
   from, as instruction offsets in the rule's code with PAL_IXATOM_KEY set
   on those it is keyed under (the others are `contains` tests kept for
   what they may charge the budget).  Finding the atoms is a search (an
   analysis per atom dropped); checking a hint is one analysis, so a
   bundle carries them and the index re-proves each rule with its hint,
   analysing afresh any rule whose hint does not prove: a wrong hint costs
   time, never a decision.  The verifier checks only that they are in
   range.  nixrules is 0 (no hints) or nrules. */
typedef struct pal_ixrule { uint8_t state; uint32_t first, count; } pal_ixrule;
#define PAL_IXATOM_KEY 0x80000000u

#define PAL_FIELDS_BITMAP 64u   /* bytes of a field bitmap (pal_code_fields_read) */

typedef struct pal_program {
    pal_instr *code;         uint32_t ncode;
    pal_value *consts;       uint32_t nconsts;   /* PV_STR point into strings */
    pal_matcher *matchers;   uint32_t nmatchers;
    pal_mitem *mitems;       uint32_t nmitems;
    pal_rule *rules;         uint32_t nrules;
    pal_outcome *outcomes;   uint32_t noutcomes;
    pal_msgpart *msgparts;   uint32_t nmsgparts;
    pal_meta *meta;          uint32_t nmeta;
    pal_source *sources;     uint32_t nsources;
    pal_netrule *netrules;   uint32_t nnetrules;
    pal_seq *seqs;           uint32_t nseqs;
    pal_seqpart *seqparts;   uint32_t nseqparts;
    pal_ixrule *ixrules;     uint32_t nixrules;  /* index hints: 0 or nrules */
    uint32_t *ixatoms;       uint32_t nixatoms;  /* pc | PAL_IXATOM_KEY */
    char *strings;           uint32_t strings_len;
    /* manifest */
    pal_str revision;
    int64_t build_time;      /* seconds since the epoch */
    uint64_t schema_digest;  /* pal_schema_digest() of the compiler */
    /* derived at load, not serialized */
    uint8_t event_fields_used[PAL_FIELDS_BITMAP];  /* bitmap of PS_EVENT fields the code reads */
} pal_program;

static inline const char *pal_program_str(const pal_program *p, pal_str s)
{
    return p->strings + s.off;
}

void pal_program_free(pal_program *p);

/* Rules and checks as a policy's author counts them: one per declaration.
   A runtime block compiles to one program rule per event section and a
   sequence to one per step, all with the declaration's kind, name and
   place, one after another; they count once.  The one definition every
   count shown uses (build, inspect, the agent; test --coverage counts its
   targets the same way, lang/check/testset.h). */
void pal_program_count(const pal_program *p, uint32_t *rules, uint32_t *checks);

/* The root fields code[code, code+len) reads (LOAD_FIELD, MATCH_FIELD),
   added to a bitmap of the first 8 * PAL_FIELDS_BITMAP fields: which event
   fields a decoder must fill (event_fields_used), which image fields a
   check needs (a scan of an SBOM skips the checks it cannot answer). */
void pal_code_fields_read(const pal_program *p, uint32_t code, uint32_t len, uint8_t used[PAL_FIELDS_BITMAP]);

/* Effects and severities by name, for the compiler and the output. */
const char *pal_effect_name(unsigned e);
const char *pal_severity_name(unsigned s);
const char *pal_rule_kind_name(unsigned k);   /* "check", "rule", "runtime", "firewall" */
int pal_effect_from_name(const char *s, size_t len);     /* PE_* or 0 */
int pal_severity_from_name(const char *s, size_t len);   /* SEV_* or 0 */

#endif
