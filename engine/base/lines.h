/*
 * lines.h — a byte stream cut into lines, never holding more than one line.
 *
 * pal_lines cuts a byte stream into lines without ever holding more than
 * one line (PAL_MAX_EVENT_LINE) plus one read: bytes are read straight into
 * its buffer (pal_lines_space, then pal_lines_commit with the count), complete
 * lines are handed to a callback, the unfinished tail stays.  A line over
 * the limit is dropped as it streams past and reported as one too-long line
 * when its newline arrives, so a hostile writer cannot make a reader buffer
 * without bound.  Line numbers count every line, empty ones included (they
 * are not handed to the callback), so a line number is the input's own.
 * Trailing '\r' and '\n' bytes are not part of a line.
 *
 * Used by `palisade eval` and `palisade agent` for every event source; one
 * splitter per source, not thread-safe.
 */
#ifndef PAL_BASE_LINES_H
#define PAL_BASE_LINES_H

#include <stdbool.h>
#include <stddef.h>

/* Called for every non-empty line (and every too-long one, with
   toolong set and line = NULL).  A non-zero return stops the feed and is
   passed back. */
typedef int (*pal_line_fn)(void *user, const char *line, size_t len, bool toolong, long lineno);

typedef struct pal_lines {
    char *buf;
    size_t len, cap;     /* buf[0..len): the unfinished line */
    bool skipping;       /* inside a line over the limit: dropping bytes until its newline */
    long lineno;         /* lines completed so far */
} pal_lines;

void pal_lines_init(pal_lines *l);
void pal_lines_free(pal_lines *l);
/* Where to read the next bytes; *avail gets the room (at least 4 KiB).
   NULL when out of memory. */
char *pal_lines_space(pal_lines *l, size_t *avail);
/* n bytes were read into the space: hands every completed line to fn. */
int pal_lines_commit(pal_lines *l, size_t n, pal_line_fn fn, void *user);
/* End of input: an unfinished last line is a line too. */
int pal_lines_finish(pal_lines *l, pal_line_fn fn, void *user);
/* Bytes of an unfinished line are held (or one is being skipped). */
bool pal_lines_partial(const pal_lines *l);

#endif
