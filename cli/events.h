/*
 * events.h — one event line in, one decision line out: the part of
 * `palisade eval` and `palisade agent` that must behave exactly alike.
 *
 * The lines come from engine/base/lines.h (pal_lines).
 *
 * cli_decider turns one line into one decision line: decode (only the
 * fields the program reads), decide, render as JSON.  Every line gets a
 * decision — a line that cannot be decoded gets an allow decision with an
 * "error" naming why, as does an event the runtime could not decide (out of
 * memory).  After each decoded event a hook may look at the event and its
 * decision (the learning mode will use it).
 *
 * Neither allocates per event beyond the decision string; neither is
 * thread-safe (cJSON keeps global state): one thread uses them.
 */
#ifndef PAL_CLI_EVENTS_H
#define PAL_CLI_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include "engine/base/arena.h"
#include "engine/base/lines.h"
#include "engine/decode/decode.h"
#include "engine/runtime/runtime.h"

/* Hook: a decoded event and its decision (valid only during the call).
   Returning true means the event's image is being learned (`agent
   --learn`): nothing is enforced for it, so the decision line says effect
   allow and "learning":true, and keeps the matches that would have fired. */
typedef bool (*cli_decided_fn)(void *user, const pal_program *p, const pal_event *ev, const pal_decision *d);

typedef struct cli_decider {
    const pal_program *p;
    pal_runtime *rt;
    pal_arena arena;             /* the decoded event; reset per line */
    pal_input_format fmt;
    cli_decided_fn on_decided;   /* NULL: none */
    void *on_decided_user;
    bool decode_all;             /* decode every field, not only those the rules read (learning) */
} cli_decider;

typedef struct cli_verdict {
    int effect;          /* PE_*: the decision's effect */
    unsigned nmatches;
    bool input_error;    /* the line was not decided (error decision) */
    bool warning;        /* decided, but a field could not be read */
    bool vm_error;       /* a rule ran out of budget */
} cli_verdict;

/* Returns 0, or -1 when out of memory.  p must outlive the decider. */
int cli_decider_init(cli_decider *d, const pal_program *p, pal_input_format fmt);
void cli_decider_free(cli_decider *d);

/* Decides one line (line may be NULL when toolong).  Returns the decision
   as a malloc'ed JSON line without newline, or NULL only when even an
   error decision cannot be allocated; *v describes it. */
char *cli_decide_line(cli_decider *d, const char *line, size_t len, bool toolong, long lineno, cli_verdict *v);

/* The decision for a line the agent had to give up on (cut short at
   shutdown, ...): allow, no matches, "error": why. */
char *cli_error_decision(const pal_program *p, long lineno, const char *why);

#endif
