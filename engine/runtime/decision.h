/*
 * decision.h — the decision line: the one writer of every decision that
 * `palisade eval` and `palisade agent` print (the format is SPEC
 * "Decisions").
 *
 * One line of JSON, members always in this order:
 *
 *   {"conn":N,"learning":true,"rotation":N,"line":N,"event":N,"effect":E,"matches":[...],
 *    "error":"...","warning":"...","revision":"..."}
 *
 * (A decision of an entry of a Redis stream, engine/remote/rstream.c, is
 * this line with "entry":"ID" and, for a redelivery, "redelivered":true
 * put first.)
 *
 * "conn" only for a --listen connection's events (their "line" counts that
 * connection's lines); "rotation" only for the lines of a followed file
 * after it was rotated or truncated (their "line" counts that file's
 * lines, from 1 again); "event" only in the agent, the number correlation
 * members name the event by (its lines of several sources interleave);
 * "learning" only when the event's image is being
 * learned (nothing is enforced: effect allow, the matches that would have
 * fired kept); "line" unless there is no line (a refused connection).  A
 * line that was not decided (it does not decode, the runtime ran out of
 * memory, the agent gave up on it) is an error decision: effect allow, no
 * matches, "error" saying why.  Otherwise "error" is the VM error of a rule
 * that ran out of budget, and "warning" a field the decoder could not read.
 *
 * The writer appends to a caller's buffer (no allocation per decision once
 * the buffer has grown) and escapes strings as cJSON does — '"', '\\',
 * \b \f \n \r \t by name, other bytes under 0x20 as \u00xx, the rest as
 * they are — except bytes that are not UTF-8 (an event's, echoed in a
 * message, a warning or "original"): each maximal ill-formed subpart
 * becomes one U+FFFD, as Python's and the WHATWG decoders read it, so every
 * line is JSON text (RFC 8259 section 8.1).  For UTF-8 strings the lines
 * are byte for byte what palisade printed when cJSON built them.
 */
#ifndef PAL_RUNTIME_DECISION_H
#define PAL_RUNTIME_DECISION_H

#include <stdbool.h>
#include "engine/base/strbuf.h"
#include "engine/runtime/runtime.h"

/* What surrounds a decision. */
typedef struct pal_decision_ctx {
    long line;             /* the input's line number; < 0: no "line" */
    unsigned long conn;    /* the --listen connection's serial; 0: no "conn" */
    bool learning;         /* the event's image is being learned */
    const char *error;     /* non-NULL: the line was not decided, and why (d is not read) */
    bool only_notable;     /* pal_decide_line: a decision with nothing to say (pal_verdict_notable)
                              is not written at all (eval --only-findings drops it anyway) */
    unsigned long rotation;   /* a followed file: the rotations and truncations before the file
                                 the line is in (its "line" counts that file's lines); 0: none */
    uint64_t event;        /* the agent's number of the event, what correlation members name it by
                              (engine/runtime/decider.h); 0: no "event" */
} pal_decision_ctx;

/* Appends the decision line and a newline to out.  d may be NULL when
   c->error is set.  p names the rules and gives the revision.  Returns 0,
   or -1 (out of memory, or out's cap) with out as it was before. */
int pal_decision_write(pal_strbuf *out, const pal_program *p, const pal_decision *d, const pal_decision_ctx *c);

/* Where the parts a later stage may change are in a written line (from
   its first byte): the effect's string, quotes included, and the ']' that
   closes "matches".  The ordered stage of correlations on the workers
   (engine/runtime/decider.h) splices completed chains in there. */
typedef struct pal_decision_marks {
    size_t effect_at, effect_end, close_at, len;
} pal_decision_marks;
int pal_decision_write_marked(pal_strbuf *out, const pal_program *p, const pal_decision *d, const pal_decision_ctx *c,
                              pal_decision_marks *marks);
/* One match, as an element of "matches". */
void pal_decision_write_match(pal_strbuf *out, const pal_program *p, const pal_match *m);

#endif
