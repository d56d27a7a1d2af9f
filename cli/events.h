/*
 * events.h — one event line in, one decision line out: the part of
 * `palisade eval` and `palisade agent` that must behave exactly alike.
 *
 * cli_lines cuts a byte stream into lines without ever holding more than
 * one line (PAL_MAX_EVENT_LINE) plus one read: bytes are read straight into
 * its buffer, complete lines are handed to a callback, the unfinished tail
 * stays.  A line over the limit is dropped as it streams past and reported
 * as one too-long line when its newline arrives, so a hostile writer cannot
 * make a reader buffer without bound.  Line numbers count every line,
 * empty ones included (they get no decision), so `line` in a decision is
 * the input's own line number.
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
#include "engine/decode/decode.h"
#include "engine/runtime/runtime.h"

/* Called for every non-empty line (and every too-long one, with
   toolong set and line = NULL).  A non-zero return stops the feed and is
   passed back. */
typedef int (*cli_line_fn)(void *user, const char *line, size_t len, bool toolong, long lineno);

typedef struct cli_lines {
    char *buf;
    size_t len, cap;     /* buf[0..len): the unfinished line */
    bool skipping;       /* inside a line over the limit: dropping bytes until its newline */
    long lineno;         /* lines completed so far */
} cli_lines;

void cli_lines_init(cli_lines *l);
void cli_lines_free(cli_lines *l);
/* Where to read the next bytes; *avail gets the room (at least 4 KiB).
   NULL when out of memory. */
char *cli_lines_space(cli_lines *l, size_t *avail);
/* n bytes were read into the space: hands every completed line to fn. */
int cli_lines_commit(cli_lines *l, size_t n, cli_line_fn fn, void *user);
/* End of input: an unfinished last line is a line too. */
int cli_lines_finish(cli_lines *l, cli_line_fn fn, void *user);
/* Bytes of an unfinished line are held (or one is being skipped). */
bool cli_lines_partial(const cli_lines *l);

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
    const pal_decode_opts *decode_opts;   /* --volume-map; NULL: none */
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
