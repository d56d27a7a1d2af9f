/*
 * limits.h — every limit palisade enforces, in one place.
 *
 * Each bounds memory or time against hostile or careless input; each is
 * documented in lang/SPEC.md ("Limits").  Exceeding one is an error with a
 * message that names the limit, never a crash or a silent truncation.
 */
#ifndef PAL_LIMITS_H
#define PAL_LIMITS_H

/* Policy source */
#define PAL_MAX_SOURCE_BYTES     (8u << 20)   /* one .pal file */
#define PAL_MAX_FILES            4096u        /* .pal files in one policy repo */
#define PAL_MAX_STRING_BYTES     65536u       /* one string literal */
#define PAL_MAX_IDENT_BYTES      256u
#define PAL_MAX_NESTING          64u          /* expression / block nesting depth */
#define PAL_MAX_ERRORS           50u          /* diagnostics before the compiler gives up */
#define PAL_MAX_LIST_ITEMS       1000000u     /* items in one list or feed */
#define PAL_MAX_FEED_BYTES       (64u << 20)  /* one feed file */

/* Programs and bundles */
#define PAL_MAX_RULES            100000u      /* rules + checks in one program */
#define PAL_MAX_CODE             (16u << 20)  /* instructions in one program */
#define PAL_MAX_BUNDLE_BYTES     (256u << 20)
#define PAL_MAX_STACK            256u         /* VM value stack depth */
#define PAL_MAX_LOCALS           64u          /* locals per rule (quantifiers use 3 each) */
#define PAL_MAX_OUTCOMES         1024u        /* outcomes of one rule */

/* VM */
#define PAL_VM_BUDGET_EVENT      100000u      /* instructions per rule per event */
#define PAL_VM_BUDGET_CHECK      200000000u   /* instructions per check per inventory */
#define PAL_MAX_EMITS            1000u        /* findings one check may report */
#define PAL_VM_SCRATCH_BYTES     65536u       /* string results (lower(), messages) per run */
#define PAL_MAX_MESSAGE_BYTES    4096u        /* one rendered message */

/* Correlations (`sequence`, counting rules; engine/runtime/seq.h) */
#define PAL_MAX_SEQ_STEPS        16u          /* steps of one sequence */
#define PAL_MAX_SEQ_KEYS         4u           /* `by` fields of one correlation */
#define PAL_MAX_SEQ_THRESHOLD    1000u        /* the count a counting rule waits for */
#define PAL_MAX_SEQ_WITHIN       (7ll * 24 * 3600 * 1000)   /* the longest window: 7 days, in ms */
#define PAL_MAX_SEQ_CAPTURE      256u         /* bytes of one captured message value */
#define PAL_SEQ_TOLERANCE_MS     2000         /* how late an event may arrive and still count in order */
#define PAL_SEQ_MAX_RULE_STATE   100000u      /* live partial matches of one correlation (default) */
#define PAL_SEQ_MAX_STATE        1000000u     /* live partial matches of all correlations (default) */
#define PAL_MAX_STATE_BYTES      (256u << 20) /* the agent's --state file (past it the oldest entries stay out) */

/* Events */
#define PAL_MAX_EVENT_LINE       (1u << 20)   /* one JSON line */
#define PAL_MAX_JSON_DEPTH       64u

#endif
